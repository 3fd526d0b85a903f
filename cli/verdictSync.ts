/**
 * `partnerguard sync --verdicts`: the verdict of every account, stored on the account for views
 * and lists (issue 24). Reads whole tables (wholeTables.ts: accounts, exception requests and
 * decisions, associations; a few pages each), judges each account with the core's `evaluate` on
 * the outcome vet builds (`outcomeFor`) for no user in particular (`storedVerdict`), compares it
 * with what the account stores, and writes only the accounts whose stored verdict changed: one
 * change set per account (its columns in one PATCH: all or nothing), up to `--batch-size` change
 * sets per `$batch`, `Prefer: odata.continue-on-error` so one refusal costs only its account.
 * Nothing is remembered between runs: a run that failed half-way is finished by the next one,
 * which finds what is still different.
 */
import { setFlagsFromString } from "v8";
import { CommandError, ExitCode } from "./exitCodes";
import { ConnectionOptions } from "./options";
import { Io } from "./io";
import { Result } from "./result";
import { connect, loadPolicy } from "./connect";
import { storedOutreachWords } from "./words";
import { evaluate } from "../src/core/verdict";
import { StoredOutreach, StoredVerdictValue, sameStoredVerdict, storedVerdict } from "../src/core/storedVerdict";
import { RelationshipTypeLabels } from "../src/schema";
import { localUtcOffsetMinutes } from "../src/sources/resolver";
import { outcomeFor } from "../src/sources/node/batchSource";
import {
  AccountTable,
  readAccounts,
  readAllAssociations,
  readAllExceptions,
  storedBody,
} from "../src/sources/node/wholeTables";
import { BatchOperation, HttpWebApi } from "../src/sources/node/httpWebApi";
import { StoredValues } from "../src/sources/node/storedValues";
import { toFailure } from "../src/sources/failures";
import { Account } from "../src/schema";

export interface VerdictSyncOptions extends ConnectionOptions {
  dryRun?: boolean;
  asOf?: number;
  json?: boolean;
  quiet?: boolean;
  policy?: string;
  batchSize: number;
}

/**
 * `$batch` requests in flight at once. Each carries up to --batch-size updates, and Dataverse counts
 * their execution time toward the user's 20 minutes per 5 minutes (api-limits): a few at a time.
 */
export const WRITE_BATCHES_IN_FLIGHT = 4;
/**
 * How far past what was live at the last full collection the heap may grow before the next one.
 * V8's own factor goes up to 4 on a machine with memory to spare (heap-controller.cc,
 * `MaxGrowingFactor`): over a million accounts the dead pages and `$batch` bodies that outlive a
 * young collection then piled up to about 120 MB above the 40 MB live, most of the peak RSS.
 * Within 25 %, the collector works more often: measured at 200,000 accounts, about a quarter
 * more CPU for 50 MB less peak RSS. Process-wide, set when this command starts (the process runs
 * one command; `bin/partnerguard.js` sets its other V8 flag the same way).
 */
export const HEAP_GROWING_PERCENT = 25;
/** In text, the changes of a dry run listed one by one, at most (the rest are counted; --json lists all). */
const LISTED = 50;

interface Failure {
  accountId: string;
  status?: number;
  message: string;
}

const EMPTY: Record<StoredOutreach, number> = {
  allowed: 0,
  blocked: 0,
  unverified: 0,
  "allowed-by-exception": 0,
};

function describe(value: StoredVerdictValue | undefined): string {
  if (!value) return "(none stored)";
  const details = [
    value.partnerName ?? value.partnerId,
    value.relationshipType && RelationshipTypeLabels[value.relationshipType],
    value.protectedUntil && `until ${value.protectedUntil}`,
  ].filter(Boolean);
  return `${storedOutreachWords(value.outreach)}${details.length ? ` (${details.join(", ")})` : ""}`;
}

const json = (value: StoredVerdictValue | undefined) =>
  value
    ? {
        outreach: value.outreach,
        partnerId: value.partnerId ?? null,
        partnerName: value.partnerName ?? null,
        relationshipType: value.relationshipType ?? null,
        protectedUntil: value.protectedUntil ?? null,
      }
    : null;

export async function runVerdictSync(io: Io, options: VerdictSyncOptions): Promise<Result> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const host = connect(options, io);
  if (host instanceof CommandError) return host;
  const loaded = await loadPolicy(io, options.policy, host);
  if (loaded instanceof CommandError) return loaded;
  for (const p of loaded.problems) if (!options.quiet) io.err(`policy: ${p}`);
  const now = options.asOf ?? Date.now();
  const at = new Date(now).toISOString();
  const offset = localUtcOffsetMinutes(now);
  const started = Date.now();
  const progress = options.json ? undefined : io.progress("sync --verdicts");
  const table = new AccountTable();

  progress?.phase("reading accounts");
  try {
    await readAccounts(host, table, { at, onPage: () => progress?.tick() });
  } catch (error) {
    progress?.done();
    return new CommandError(
      `cannot read the accounts: ${toFailure(error).message}; nothing was written`,
      ExitCode.environment,
    );
  }
  // Exception requests first (a few pages): every account's own evidence includes its requests.
  progress?.phase("reading exception requests");
  await readAllExceptions(host, table, { at, onPage: () => progress?.tick() });

  // First pass over the associations: the ancestors' are kept (their descendants inherit them),
  // every other account only learns that it has some.
  progress?.phase("reading partner associations (parents)");
  await readAllAssociations(host, table, {
    at,
    onPage: () => progress?.tick(),
    onGroup: (customer, rows) => {
      const slot = table.indexOf(customer);
      table.addAssociations(customer, rows, slot !== undefined && table.isParent(slot));
    },
  });

  const byOutreach = { ...EMPTY };
  const failures: Failure[] = [];
  const writer = new ChangeWriter(host, options, failures, io, table);
  // One verdict per chain of ancestors (kept for the accounts below it), each distinct value once.
  const byChain = new Map<number, StoredVerdictValue>();
  const distinct = new StoredValues();
  const judge = async (i: number) => {
    const shared = table.sharedChain(i);
    let value = shared === undefined ? undefined : byChain.get(shared);
    if (!value) {
      const id = table.idOf(i);
      const verdict = evaluate({
        accountId: id,
        outcomes: [outcomeFor(id, table)],
        policy: loaded.policy,
        now,
        utcOffsetMinutes: offset,
      });
      value = storedVerdict(verdict, offset);
      if (shared !== undefined) byChain.set(shared, (value = distinct.valueOf(distinct.numberOf(value)) ?? value));
    }
    byOutreach[value.outreach]++;
    const before = table.storedOf(i);
    if (!before || !sameStoredVerdict(before, value)) await writer.add(i, value);
  };
  // Every account but those with associations of their own and no children, judged now; an account
  // without evidence of its own is judged like its siblings (one verdict per parent).
  const second = !table.associationsRead;
  progress?.phase("judging", Math.ceil(table.size / 5000)); // one tick per 5,000 accounts
  for (let i = 0; i < table.size; i++) {
    if (i % 5000 === 4999) {
      progress?.tick();
      await new Promise((r) => setImmediate(r)); // a progress bar redraws, sockets stay served
    }
    if (!table.isRead(i) || (second && table.hasAssociations(i) && !table.isParent(i))) continue;
    await judge(i);
  }
  // Second pass: the other accounts, each judged as soon as its associations are read, then dropped.
  if (second) {
    progress?.phase("reading partner associations (the other accounts) and judging them");
    // One byte a slot (a Set of a million numbers would cost tens of megabytes): 1 while not judged.
    const left = new Uint8Array(table.size);
    for (let i = 0; i < table.size; i++)
      if (table.isRead(i) && table.hasAssociations(i) && !table.isParent(i)) left[i] = 1;
    await readAllAssociations(host, table, {
      at,
      onPage: () => progress?.tick(),
      onGroup: async (customer, rows) => {
        const slot = table.indexOf(customer);
        if (slot === undefined || !left[slot]) return;
        left[slot] = 0;
        table.addAssociations(customer, rows, true);
        await judge(slot);
        table.dropAssociations(slot);
      },
    });
    // A second read that failed half-way: the accounts it did not reach are judged with the failure.
    for (let i = 0; i < left.length; i++) if (left[i]) await judge(i);
  }
  await writer.done();
  const reads = host.stats.requests - writer.batches;
  progress?.done();
  failures.sort((a, b) => a.accountId.localeCompare(b.accountId));

  const summary = {
    dryRun: !!options.dryRun,
    asOf: at,
    policy: loaded.from,
    accounts: writer.judged(byOutreach),
    changed: writer.changed,
    written: writer.written,
    unchanged: writer.judged(byOutreach) - writer.changed,
    failed: failures.length,
    byOutreach,
    associationsUnread: table.associationsRead?.message ?? null,
    exceptionsUnread: table.exceptionsRead?.message ?? null,
    requests: host.stats.requests,
    readRequests: reads,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  if (options.json) {
    // The changes were printed as they were found (a million would not fit one string): close them.
    io.out("  ],");
    const rest = JSON.stringify({ ...summary, failures }, null, 2);
    io.out(rest.slice(rest.indexOf("\n") + 1));
  } else {
    if (table.associationsRead)
      io.err(
        `cannot read the partner associations (${table.associationsRead.message}): every account not judged by then is stored as "could not be verified"`,
      );
    if (table.exceptionsRead)
      io.err(
        `note: the exception requests could not be read (${table.exceptionsRead.message}): no approved exception counts in this run`,
      );
    for (const f of failures) io.err(`account ${f.accountId}: not written: ${f.message}`);
    if (options.dryRun && writer.changed > LISTED)
      io.out(`  … and ${writer.changed - LISTED} more (--json lists every change)`);
    const states = (Object.keys(byOutreach) as StoredOutreach[])
      .map((o) => `${storedOutreachWords(o)} ${byOutreach[o]}`)
      .join(", ");
    io.out(
      `${summary.accounts} accounts: ${summary.changed} changed (${options.dryRun ? "would be written" : `${summary.written} written`}), ` +
        `${summary.unchanged} unchanged${failures.length ? `, ${failures.length} not written` : ""}; ` +
        `now ${states}. ${summary.requests} requests, ${summary.seconds} s.`,
    );
  }
  if (failures.length)
    return new CommandError(
      `${failures.length} accounts could not be written (listed above); the others were, and the next run retries these`,
      ExitCode.environment,
    );
  if (table.associationsRead)
    return new CommandError(
      `the partner associations could not be read: ${table.associationsRead.message}`,
      ExitCode.environment,
    );
  return ExitCode.ok;
}

/**
 * The changed accounts, written as they are found: `--batch-size` change sets per `$batch` (one
 * account each), at most WRITE_BATCHES_IN_FLIGHT batches in flight (`add` waits for a free one),
 * so no list of changes grows with the table. In a dry run nothing is sent; with --json every
 * change is printed as it is found (the summary follows), in text the first LISTED of a dry run.
 */
class ChangeWriter {
  changed = 0;
  written = 0;
  batches = 0;
  private queue: { at: number; value: StoredVerdictValue }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly changedOn = new Date().toISOString();

  constructor(
    private readonly host: HttpWebApi,
    private readonly options: VerdictSyncOptions,
    private readonly failures: Failure[],
    private readonly io: Io,
    private readonly table: AccountTable,
  ) {
    if (options.json) io.out('{\n  "changes": [');
    else if (options.dryRun) io.out("Stored verdicts (dry run: nothing is written):");
  }

  judged(byOutreach: Record<StoredOutreach, number>): number {
    return Object.values(byOutreach).reduce((a, b) => a + b, 0);
  }

  async add(at: number, value: StoredVerdictValue): Promise<void> {
    const before = this.table.storedOf(at);
    const id = this.table.idOf(at);
    if (this.options.json)
      this.io.out(
        `${this.changed ? "," : ""}    ${JSON.stringify({ accountId: id, from: json(before), to: json(value) })}`,
      );
    else if (this.options.dryRun && this.changed < LISTED)
      this.io.out(`  account ${id}: ${describe(before)} -> ${describe(value)}`);
    this.changed++;
    if (this.options.dryRun) return;
    this.queue.push({ at, value });
    if (this.queue.length >= this.options.batchSize) await this.send();
  }

  async done(): Promise<void> {
    if (this.queue.length) await this.send();
    await Promise.all(this.inFlight);
  }

  private async send(): Promise<void> {
    while (this.inFlight.size >= Math.min(WRITE_BATCHES_IN_FLIGHT, this.options.concurrency))
      await Promise.race(this.inFlight);
    const batch = this.queue;
    this.queue = [];
    this.batches++;
    const sending = this.write(batch).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async write(batch: { at: number; value: StoredVerdictValue }[]): Promise<void> {
    const ids = batch.map((c) => this.table.idOf(c.at));
    try {
      const results = await this.host.executeBatch(
        batch.map((c, n): BatchOperation[] => [
          {
            method: "PATCH",
            path: `${Account.entitySet}(${ids[n]})`,
            body: storedBody(c.value, this.changedOn),
            // An update, never an upsert: an account deleted since it was read is reported, not recreated.
            headers: { "If-Match": "*" },
          },
        ]),
      );
      results.forEach((result, n) => {
        if (result.ok) this.written++;
        else this.failures.push({ accountId: ids[n], status: result.error.status, message: result.error.message });
      });
    } catch (error) {
      const failure = toFailure(error);
      for (const accountId of ids) this.failures.push({ accountId, message: `the batch failed: ${failure.message}` });
    }
  }
}

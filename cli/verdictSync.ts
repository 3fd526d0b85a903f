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
import { outcomeFor, pool } from "../src/sources/node/batchSource";
import {
  AccountTable,
  readAccounts,
  readAllAssociations,
  readAllExceptions,
  storedBody,
} from "../src/sources/node/wholeTables";
import { BatchOperation } from "../src/sources/node/httpWebApi";
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
  progress?.phase("reading partner associations and exception requests");
  await Promise.all([
    readAllAssociations(host, table, { at, onPage: () => progress?.tick() }),
    readAllExceptions(host, table, { at, onPage: () => progress?.tick() }),
  ]);
  const reads = host.stats.requests;

  // One verdict per account; an account without evidence of its own is judged like its siblings.
  progress?.phase("judging", table.size);
  const byOutreach = { ...EMPTY };
  const changed: number[] = [];
  const computed: StoredVerdictValue[] = [];
  const byChain = new Map<number, StoredVerdictValue>();
  for (let i = 0; i < table.size; i++) {
    const shared = table.sharedChain(i);
    let value = shared === undefined ? undefined : byChain.get(shared);
    if (!value) {
      const id = table.ids[i];
      const verdict = evaluate({
        accountId: id,
        outcomes: [outcomeFor(id, table)],
        policy: loaded.policy,
        now,
        utcOffsetMinutes: offset,
      });
      value = storedVerdict(verdict, offset);
      if (shared !== undefined) byChain.set(shared, value);
    }
    byOutreach[value.outreach]++;
    const before = table.stored[i];
    if (!before || !sameStoredVerdict(before, value)) {
      changed.push(i);
      computed.push(value);
    }
    if (i % 5000 === 4999) {
      progress?.tick();
      await new Promise((r) => setImmediate(r)); // a progress bar redraws, sockets stay served
    }
  }

  const failures: Failure[] = [];
  let written = 0;
  if (!options.dryRun && changed.length) {
    const changedOn = new Date().toISOString();
    const batches: number[][] = [];
    for (let from = 0; from < changed.length; from += options.batchSize)
      batches.push(Array.from({ length: Math.min(options.batchSize, changed.length - from) }, (_, k) => from + k));
    progress?.phase("writing", batches.length);
    await pool(batches, Math.min(WRITE_BATCHES_IN_FLIGHT, options.concurrency), async (batch) => {
      const changeSets = batch.map((k): BatchOperation[] => [
        {
          method: "PATCH",
          path: `${Account.entitySet}(${table.ids[changed[k]]})`,
          body: storedBody(computed[k], changedOn),
          // An update, never an upsert: an account deleted since it was read is reported, not recreated.
          headers: { "If-Match": "*" },
        },
      ]);
      try {
        const results = await host.executeBatch(changeSets);
        results.forEach((result, n) => {
          if (result.ok) written++;
          else
            failures.push({
              accountId: table.ids[changed[batch[n]]],
              status: result.error.status,
              message: result.error.message,
            });
        });
      } catch (error) {
        const failure = toFailure(error);
        for (const k of batch)
          failures.push({ accountId: table.ids[changed[k]], message: `the batch failed: ${failure.message}` });
      }
      progress?.tick();
    });
  }
  progress?.done();
  failures.sort((a, b) => a.accountId.localeCompare(b.accountId));

  const summary = {
    dryRun: !!options.dryRun,
    asOf: at,
    policy: loaded.from,
    accounts: table.size,
    changed: changed.length,
    written,
    unchanged: table.size - changed.length,
    failed: failures.length,
    byOutreach,
    associationsUnread: table.associationsRead?.message ?? null,
    exceptionsUnread: table.exceptionsRead?.message ?? null,
    requests: host.stats.requests,
    readRequests: reads,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          ...summary,
          changes: changed.map((i, k) => ({
            accountId: table.ids[i],
            from: json(table.stored[i]),
            to: json(computed[k]),
          })),
          failures,
        },
        null,
        2,
      ),
    );
  } else {
    if (table.associationsRead)
      io.err(
        `cannot read the partner associations (${table.associationsRead.message}): every account is stored as "could not be verified"`,
      );
    if (table.exceptionsRead)
      io.err(
        `note: the exception requests could not be read (${table.exceptionsRead.message}): no approved exception counts in this run`,
      );
    for (const f of failures) io.err(`account ${f.accountId}: not written: ${f.message}`);
    if (options.dryRun) {
      io.out(`Stored verdicts as of ${at} (dry run: nothing is written):`);
      changed
        .slice(0, LISTED)
        .forEach((i, k) =>
          io.out(`  account ${table.ids[i]}: ${describe(table.stored[i])} -> ${describe(computed[k])}`),
        );
      if (changed.length > LISTED) io.out(`  … and ${changed.length - LISTED} more (--json lists every change)`);
    }
    const states = (Object.keys(byOutreach) as StoredOutreach[])
      .map((o) => `${storedOutreachWords(o)} ${byOutreach[o]}`)
      .join(", ");
    io.out(
      `${table.size} accounts: ${changed.length} changed (${options.dryRun ? "would be written" : `${written} written`}), ` +
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

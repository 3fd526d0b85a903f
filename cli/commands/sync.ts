/**
 * `partnerguard sync <feed>`: upsert a partner-of-record feed into pg_partnerassociation.
 * `partnerguard sync --graph`: the same upsert, from Microsoft Graph for every account with a tenant id.
 */
import { Command } from "commander";
import { CommandError, ExitCode, usageError } from "../exitCodes";
import { CONNECTION, ConnectionOptions, addOptions } from "../options";
import { Io } from "../io";
import { Result, ResultSink } from "../result";
import { connect, loadFeed } from "../connect";
import {
  Desired,
  PlanItem,
  Stale,
  desiredFromFeed,
  keyOf,
  plan,
  readExisting,
  readStale,
  upsertBody,
  upsertKey,
} from "../syncPlan";
import {
  GraphProblem,
  KeptReason,
  StaleJudgement,
  TenantAccount,
  desiredFromGraph,
  graphKeys,
  judgeStale,
  syncedTenantOf,
} from "../graphDesired";
import { RawTenantAccount, graphSetup, readGraph, readTenantAccounts } from "../graphRead";
import { HttpWebApi } from "../../src/sources/node/httpWebApi";
import { normalizeGuid } from "../../src/sources/webApi";
import { pool } from "../../src/sources/node/batchSource";
import { toFailure } from "../../src/sources/failures";
import { Association, AssociationSourceCodes, AssociationStatusCodes } from "../../src/schema";
import { runVerdictSync } from "../verdictSync";

const SYNC = "sync";

interface SyncOptions extends ConnectionOptions {
  dryRun?: boolean;
  verdicts?: boolean;
  asOf?: number;
  policy?: string;
  quiet?: boolean;
  batchSize: number;
  graph?: boolean;
  graphUrl?: string;
  json?: boolean;
  chunkSize: number;
  fullSnapshot?: boolean;
}

export function syncCommand(io: () => Io, sink: ResultSink): Command {
  const command = new Command(SYNC)
    .description(
      "import a partner-of-record feed (CSV or JSON, the partner feed format), or with --graph the GDAP relationships and CSP contracts of every account with a tenant id, into Dataverse: upsert by source + externalReference; with --verdicts store every account's verdict on the account",
    )
    .argument("[feed]", "the feed file")
    .addHelpText(
      "after",
      `
Rows with errors are reported with their line numbers and skipped; the good rows are imported.
Running it twice with the same feed changes nothing the second time.
--graph reads Microsoft Graph instead of a feed (sign-in: PARTNERGUARD_GRAPH_TENANT_ID,
PARTNERGUARD_GRAPH_CLIENT_ID, PARTNERGUARD_GRAPH_CLIENT_SECRET, else the Dataverse ones); accounts
Graph could not answer for are listed and the command exits 5 after importing the others.
--full-snapshot: after the upserts, active associations of that source (the feed's sources, or
Graph sync) that it no longer holds are set inactive. With --graph only for accounts Graph answered
in full: those of an account Graph could not read (or that has no tenant id any more) are kept.
--verdicts judges every account (the same rules as the card, for no user in particular: an approved
exception shows as "Allowed by exception") and writes the stored verdict only where it changed,
in $batch requests with one change set per account; an account that cannot be written is listed
and the command exits 3 after writing the others; running it again finishes the job.

Examples:
  partnerguard sync partners.csv --env https://contoso.crm.dynamics.com --dry-run
  partnerguard sync partners.json --env https://contoso.crm.dynamics.com
  partnerguard sync partners.csv --env https://contoso.crm.dynamics.com --full-snapshot --dry-run
  partnerguard sync --graph --env https://contoso.crm.dynamics.com --dry-run
  partnerguard sync --graph --env https://contoso.crm.dynamics.com --full-snapshot --dry-run
  partnerguard sync --verdicts --env https://contoso.crm.dynamics.com --dry-run
  partnerguard sync --verdicts --env https://contoso.crm.dynamics.com --json`,
    );
  addOptions(command, [
    ...CONNECTION,
    "dryRun",
    "fullSnapshot",
    "graph",
    "graphUrl",
    "json",
    "chunkSize",
    "verdicts",
    "batchSize",
    "asOf",
    "policy",
    "quiet",
  ]);
  return command.action(async (feed: string | undefined, options: SyncOptions) => {
    sink.result = await runSync(io(), feed, options);
  });
}

async function runSync(io: Io, file: string | undefined, options: SyncOptions): Promise<Result> {
  if (options.verdicts) {
    if (file || options.graph || options.fullSnapshot)
      return usageError(
        "--verdicts stores the verdicts of the accounts: give no feed file, --graph or --full-snapshot",
      );
    return runVerdictSync(io, options);
  }
  if (options.asOf !== undefined || options.policy !== undefined)
    return usageError("--as-of and --policy apply to sync --verdicts only");
  if (options.graph) {
    if (file) return usageError("give either a feed file or --graph, not both");
    return runGraphSync(io, options);
  }
  if (!file) return usageError("give the feed file to import (or --graph)");
  const feed = loadFeed(io, file);
  if (feed instanceof CommandError) return feed;
  const host = connect(options, io);
  if (host instanceof CommandError) return host;

  const { desired, errors, accountOnly } = desiredFromFeed(feed.rows);
  const bad = [...feed.errors, ...errors].sort((a, b) => a.line - b.line);
  for (const e of bad) io.err(`${file} line ${e.line}: ${e.message} (skipped)`);
  // A snapshot with holes would switch off what the skipped rows meant to keep: refuse it whole.
  if (options.fullSnapshot && bad.length) {
    return usageError(
      `--full-snapshot: ${bad.length} rows of ${file} were skipped (listed above); their associations would be set inactive. Fix them, or run without --full-snapshot`,
    );
  }

  const applied = await applyPlan(io, host, desired, options);
  if (applied instanceof CommandError) return applied;
  const { items, writes, failed, counts } = applied;
  for (const f of failed) io.err(`${file} line ${f.desired.line}: not written: ${f.message}`);

  let stale: Stale[] = [];
  let staleFailed = 0;
  if (options.fullSnapshot && desired.length) {
    const found = await readSnapshotStale(
      host,
      [...new Set(desired.map((d) => d.source))],
      new Set(desired.map((d) => keyOf(d.source, d.reference))),
    );
    if (found instanceof CommandError) return found;
    stale = found;
    staleFailed = await setInactive(io, host, stale, options);
  }
  const summary = {
    dryRun: !!options.dryRun,
    ...counts,
    skipped: bad.length,
    accountOnly,
    ...(options.fullSnapshot ? { setInactive: stale.length - staleFailed } : {}),
    requests: host.stats.requests,
  };
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          ...summary,
          plan: items.map((i) => ({
            line: i.desired.line,
            action: i.action,
            externalReference: i.desired.reference,
            changes: i.changes,
          })),
          errors: bad,
          stale: options.fullSnapshot ? stale.map((x) => ({ id: x.id, externalReference: x.reference })) : undefined,
          failures: failed.map((f) => ({
            line: f.desired.line,
            message: f.message,
          })),
        },
        null,
        2,
      ),
    );
  } else {
    if (options.dryRun) {
      io.out(`Plan for ${file} (dry run: nothing is written):`);
      for (const i of writes) io.out(`  line ${i.desired.line}: ${i.action} ${i.desired.reference}${changeList(i)}`);
      for (const x of stale) io.out(`  set inactive ${x.reference} (no longer in the feed)`);
    }
    io.out(
      `${countsLine(counts, !!options.dryRun)}, ${summary.skipped} bad rows skipped` +
        (options.fullSnapshot
          ? `, ${stale.length - staleFailed} ${options.dryRun ? "would be " : ""}set inactive (no longer in the feed)`
          : "") +
        (accountOnly ? `, ${accountOnly} rows declare accounts only (not imported)` : "") +
        (failed.length ? `, ${failed.length} failed` : "") +
        ".",
    );
  }
  return failed.length || staleFailed ? notWritten(failed.length + staleFailed) : ExitCode.ok;
}

interface Applied {
  items: PlanItem[];
  writes: PlanItem[];
  failed: { desired: Desired; message: string }[];
  counts: {
    created: number;
    updated: number;
    unchanged: number;
    failed: number;
  };
}

/** Read what exists, plan, and (unless a dry run) upsert what differs: the part both kinds of sync share. */
async function applyPlan(
  io: Io,
  host: HttpWebApi,
  desired: Desired[],
  options: SyncOptions,
): Promise<Applied | CommandError> {
  let items: PlanItem[];
  try {
    items = plan(desired, await readExisting(host, desired, options.chunkSize, options.concurrency));
  } catch (error) {
    return new CommandError(`cannot read the existing associations: ${toFailure(error).message}`, ExitCode.environment);
  }
  const writes = items.filter((i) => i.action !== "unchanged");
  const failed: Applied["failed"] = [];
  if (!options.dryRun) {
    await pool(writes, options.concurrency, async (item) => {
      try {
        await host.upsertByKey(Association.logicalName, upsertKey(item.desired), upsertBody(item.desired));
      } catch (error) {
        failed.push({
          desired: item.desired,
          message: toFailure(error).message,
        });
      }
    });
    failed.sort((a, b) => a.desired.line - b.desired.line);
  }
  const count = (action: PlanItem["action"]) =>
    items.filter((i) => i.action === action && !failed.some((f) => f.desired === i.desired)).length;
  return {
    items,
    writes,
    failed,
    counts: {
      created: count("create"),
      updated: count("update"),
      unchanged: count("unchanged"),
      failed: failed.length,
    },
  };
}

const changeList = (i: PlanItem) => (i.changes.length ? ` (${i.changes.join(", ")})` : "");

function countsLine(counts: Applied["counts"], dryRun: boolean): string {
  const verb = dryRun ? "would be" : "";
  return `${counts.created} ${verb} created, ${counts.updated} ${verb} updated, ${counts.unchanged} unchanged`.replace(
    / {2}/g,
    " ",
  );
}

const notWritten = (n: number) => new CommandError(`${n} associations could not be written`, ExitCode.environment);

/** `--full-snapshot`, both kinds: the active associations of `sources` whose key `present` does not hold. */
async function readSnapshotStale(
  host: HttpWebApi,
  sources: number[],
  present: Set<string>,
): Promise<Stale[] | CommandError> {
  try {
    return await readStale(host, sources, present);
  } catch (error) {
    return new CommandError(
      `--full-snapshot: cannot read the existing associations: ${toFailure(error).message}`,
      ExitCode.environment,
    );
  }
}

/** `--full-snapshot`, both kinds: set each stale association inactive (PATCH by id), unless a dry run. Returns how many failed. */
async function setInactive(io: Io, host: HttpWebApi, stale: Stale[], options: SyncOptions): Promise<number> {
  if (options.dryRun) return 0;
  let failed = 0;
  await pool(stale, options.concurrency, async (s) => {
    try {
      await host.updateRecord(Association.logicalName, s.id, {
        [Association.status]: AssociationStatusCodes.inactive,
      });
    } catch (error) {
      failed++;
      io.err(`not set inactive: ${s.reference} (${s.id}): ${toFailure(error).message}`);
    }
  });
  return failed;
}

const who = (a: TenantAccount | { id: string; name: string }) => `account ${a.name} (${a.id})`;

const KEPT_BECAUSE: Record<KeptReason, string> = {
  "graph-not-read": "Graph could not be read for this account",
  "no-tenant-id": "the account has no tenant id any more: Graph was not asked",
  "tenant-changed": "synced for another tenant than the account's tenant id now",
  "tenant-unknown": "its name records no tenant it was synced for",
};

async function runGraphSync(io: Io, options: SyncOptions): Promise<Result> {
  const host = connect(options, io);
  if (host instanceof CommandError) return host;
  const setup = graphSetup(
    {
      tenant: options.tenant,
      clientId: options.clientId,
      graphUrl: options.graphUrl,
    },
    io.env,
  );
  if (setup instanceof CommandError) return setup;

  let raw: RawTenantAccount[];
  try {
    raw = await readTenantAccounts(host);
  } catch (error) {
    return new CommandError(
      `cannot read the accounts with a tenant id: ${toFailure(error).message}`,
      ExitCode.environment,
    );
  }
  const accounts: TenantAccount[] = [];
  const badTenants: { accountId: string; name: string; tenantId: string }[] = [];
  // Our own tenant as an account: its id names the partner of every association, it is no customer.
  const partnerAccounts = raw.filter(
    (a) => setup.partnerTenantId !== undefined && normalizeGuid(a.tenantId) === setup.partnerTenantId,
  );
  const partnerAccountId = partnerAccounts.length === 1 ? partnerAccounts[0].id : undefined;
  for (const a of raw) {
    const tenantId = normalizeGuid(a.tenantId);
    if (!tenantId) {
      badTenants.push({ accountId: a.id, name: a.name, tenantId: a.tenantId });
      io.err(`${who(a)}: tenant id "${a.tenantId}" is not a GUID (skipped)`);
    } else if (tenantId !== setup.partnerTenantId) accounts.push({ ...a, tenantId });
  }

  const progress = io.progress("sync --graph");
  progress?.phase("Microsoft Graph", accounts.length);
  const graph = await readGraph(setup, accounts, options.concurrency, () => progress?.tick());
  progress?.done();
  for (const f of graph.failures)
    io.err(`${who(f.account)}, tenant ${f.account.tenantId}: Graph failed (${f.failure.kind}): ${f.failure.message}`);
  for (const n of graph.notes) io.err(`${who(n.account)}: ${n.detail}`);
  const { desired, problems } = desiredFromGraph(graph.reads, partnerAccountId);
  for (const p of problems) io.err(`${who(p.account)}: ${p.message}`);

  const applied = await applyPlan(io, host, desired, options);
  if (applied instanceof CommandError) return applied;
  const { items, writes, failed, counts } = applied;
  const accountOf = new Map(desired.map((d) => [d, graph.reads.find((r) => r.account.id === d.customerId)?.account]));
  for (const f of failed)
    io.err(
      `${who(accountOf.get(f.desired) ?? { id: f.desired.customerId, name: f.desired.customerId })}: ${f.desired.reference}: not written: ${f.message}`,
    );

  // --full-snapshot: Graph is the complete truth only for the accounts it answered in full.
  let snapshot: StaleJudgement | undefined;
  let staleFailed = 0;
  if (options.fullSnapshot) {
    const candidates = await readSnapshotStale(host, [AssociationSourceCodes.graph], graphKeys(graph.reads));
    if (candidates instanceof CommandError) return candidates;
    snapshot = judgeStale(
      candidates,
      graph.complete,
      new Map(raw.map((a) => [a.id, normalizeGuid(a.tenantId) ?? a.tenantId.trim().toLowerCase()])),
    );
    staleFailed = await setInactive(io, host, snapshot.setInactive, options);
  }
  // Accounts whose tenant id changed since their Graph associations were synced (or cannot be
  // told): none of those is set inactive; each account is listed, for an admin to look at.
  const tenantChanged = new Map<string, { accountId: string; name?: string; tenantId?: string; syncedFor: string[] }>();
  for (const k of snapshot?.kept ?? []) {
    if ((k.reason !== "tenant-changed" && k.reason !== "tenant-unknown") || !k.customerId) continue;
    const account = raw.find((a) => a.id === k.customerId);
    const entry = tenantChanged.get(k.customerId) ?? {
      accountId: k.customerId,
      name: account?.name,
      tenantId: account?.tenantId,
      syncedFor: [],
    };
    const synced = syncedTenantOf(k.name) ?? "(not recorded)";
    if (!entry.syncedFor.includes(synced)) entry.syncedFor.push(synced);
    tenantChanged.set(k.customerId, entry);
  }
  const names = new Map(raw.map((a) => [a.id, a.name]));
  const ownerOf = (s: Stale) => {
    const name = s.customerId && names.get(s.customerId);
    return name ? who({ id: s.customerId as string, name }) : s.customerId ? `account ${s.customerId}` : "no account";
  };
  const kept = (reason: KeptReason) => snapshot?.kept.filter((k) => k.reason === reason).length ?? 0;
  const summary = {
    dryRun: !!options.dryRun,
    accounts: raw.length,
    readFromGraph: graph.reads.length,
    graphFailed: graph.failures.length,
    badTenantIds: badTenants.length,
    ...counts,
    reported: problems.length,
    ...(snapshot
      ? {
          setInactive: snapshot.setInactive.length - staleFailed,
          keptGraphNotRead: kept("graph-not-read"),
          keptNoTenantId: kept("no-tenant-id"),
          keptTenantChanged: kept("tenant-changed") + kept("tenant-unknown"),
        }
      : {}),
    requests: host.stats.requests,
  };
  if (options.json) {
    const problem = (p: GraphProblem) => ({
      accountId: p.account.id,
      message: p.message,
    });
    io.out(
      JSON.stringify(
        {
          ...summary,
          plan: items.map((i) => ({
            accountId: i.desired.customerId,
            action: i.action,
            externalReference: i.desired.reference,
            changes: i.changes,
          })),
          graphFailures: graph.failures.map((f) => ({
            accountId: f.account.id,
            name: f.account.name,
            tenantId: f.account.tenantId,
            kind: f.failure.kind,
            message: f.failure.message,
          })),
          badTenants,
          problems: problems.map(problem),
          stale: snapshot?.setInactive.map((x) => ({
            id: x.id,
            externalReference: x.reference,
            accountId: x.customerId,
          })),
          kept: snapshot?.kept.map((x) => ({
            id: x.id,
            externalReference: x.reference,
            accountId: x.customerId,
            reason: x.reason,
          })),
          tenantChanged: snapshot ? [...tenantChanged.values()] : undefined,
          failures: failed.map((f) => ({
            accountId: f.desired.customerId,
            externalReference: f.desired.reference,
            message: f.message,
          })),
        },
        null,
        2,
      ),
    );
  } else {
    if (options.dryRun) {
      io.out("Plan from Microsoft Graph (dry run: nothing is written):");
      for (const i of writes)
        io.out(
          `  ${who(accountOf.get(i.desired) ?? { id: i.desired.customerId, name: i.desired.customerId })}: ${i.action} ${i.desired.reference}${changeList(i)}`,
        );
      for (const x of snapshot?.setInactive ?? [])
        io.out(`  ${ownerOf(x)}: set inactive ${x.reference} (no longer in Microsoft Graph)`);
      for (const x of snapshot?.kept ?? []) io.out(`  ${ownerOf(x)}: keep ${x.reference} (${KEPT_BECAUSE[x.reason]})`);
    }
    for (const t of tenantChanged.values())
      io.out(
        `${who({ id: t.accountId, name: t.name ?? t.accountId })}: tenant id ${t.tenantId ?? "(none)"} now, its Graph associations were synced for ${t.syncedFor.join(", ")}: none of them set inactive (check the account's tenant id)`,
      );
    io.out(
      `${raw.length} accounts with a tenant id: ${graph.reads.length} read from Graph, ${graph.failures.length} Graph failed, ${badTenants.length} bad tenant ids. ` +
        `${countsLine(counts, !!options.dryRun)}` +
        (snapshot
          ? `, ${summary.setInactive} ${options.dryRun ? "would be " : ""}set inactive (no longer in Microsoft Graph)` +
            `, ${summary.keptGraphNotRead} kept because Graph could not be read for their account` +
            `, ${summary.keptNoTenantId} kept because their account has no tenant id` +
            (summary.keptTenantChanged
              ? `, ${summary.keptTenantChanged} kept because they were synced for another tenant than their account's now (${tenantChanged.size} accounts listed above)`
              : "")
          : "") +
        (problems.length ? `, ${problems.length} associations reported` : "") +
        (failed.length ? `, ${failed.length} failed` : "") +
        ".",
    );
  }
  if (failed.length || staleFailed) return notWritten(failed.length + staleFailed);
  if (graph.failures.length)
    return new CommandError(
      `Microsoft Graph could not be read for ${graph.failures.length} of ${accounts.length} accounts (the others were imported)`,
      ExitCode.graphPartial,
    );
  return ExitCode.ok;
}

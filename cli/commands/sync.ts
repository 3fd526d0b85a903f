/** `partnerguard sync <feed>`: upsert a partner-of-record feed into pg_partnerassociation. */
import { Command } from "commander";
import { CommandError, ExitCode, usageError } from "../exitCodes";
import { CONNECTION, ConnectionOptions, addOptions } from "../options";
import { Io } from "../io";
import { Result, ResultSink } from "../result";
import { connect, loadFeed } from "../connect";
import { PlanItem, desiredFromFeed, plan, readExisting, upsertBody, upsertKey } from "../syncPlan";
import { pool } from "../../src/sources/node/batchSource";
import { toFailure } from "../../src/sources/failures";
import { Association } from "../../src/schema";

export const SYNC = "sync";

interface SyncOptions extends ConnectionOptions {
  dryRun?: boolean;
  graph?: boolean;
  json?: boolean;
  chunkSize: number;
}

export function syncCommand(io: () => Io, sink: ResultSink): Command {
  const command = new Command(SYNC)
    .description("import a partner-of-record feed (CSV or JSON, the partner feed format) into Dataverse: upsert by source + externalReference")
    .argument("[feed]", "the feed file")
    .addHelpText(
      "after",
      `
Rows with errors are reported with their line numbers and skipped; the good rows are imported.
Running it twice with the same feed changes nothing the second time.

Examples:
  partnerguard sync partners.csv --env https://contoso.crm.dynamics.com --dry-run
  partnerguard sync partners.json --env https://contoso.crm.dynamics.com`,
    );
  addOptions(command, [...CONNECTION, "dryRun", "graph", "json", "chunkSize"]);
  return command.action(async (feed: string | undefined, options: SyncOptions) => {
    sink.result = await runSync(io(), feed, options);
  });
}

export async function runSync(io: Io, file: string | undefined, options: SyncOptions): Promise<Result> {
  if (options.graph) {
    return new CommandError("sync --graph (GDAP relationships and CSP contracts from Microsoft Graph) is not available in this version", ExitCode.notAvailable);
  }
  if (!file) return usageError("give the feed file to import");
  const feed = loadFeed(io, file);
  if (feed instanceof CommandError) return feed;
  const host = connect(options, io);
  if (host instanceof CommandError) return host;

  const { desired, errors, accountOnly } = desiredFromFeed(feed.rows);
  const bad = [...feed.errors, ...errors].sort((a, b) => a.line - b.line);
  for (const e of bad) io.err(`${file} line ${e.line}: ${e.message} (skipped)`);

  let items: PlanItem[];
  try {
    items = plan(desired, await readExisting(host, desired, options.chunkSize, options.concurrency));
  } catch (error) {
    return new CommandError(`cannot read the existing associations: ${toFailure(error).message}`, ExitCode.environment);
  }
  const writes = items.filter((i) => i.action !== "unchanged");
  const failed: { line: number; message: string }[] = [];
  if (!options.dryRun) {
    await pool(writes, options.concurrency, async (item) => {
      try {
        await host.upsertByKey(Association.logicalName, upsertKey(item.desired), upsertBody(item.desired));
      } catch (error) {
        failed.push({ line: item.desired.line, message: toFailure(error).message });
      }
    });
    failed.sort((a, b) => a.line - b.line);
    for (const f of failed) io.err(`${file} line ${f.line}: not written: ${f.message}`);
  }
  const count = (action: PlanItem["action"]) => items.filter((i) => i.action === action && !failed.some((f) => f.line === i.desired.line)).length;
  const summary = {
    dryRun: !!options.dryRun,
    created: count("create"),
    updated: count("update"),
    unchanged: count("unchanged"),
    failed: failed.length,
    skipped: bad.length,
    accountOnly,
    requests: host.stats.requests,
  };
  if (options.json) {
    io.out(JSON.stringify({ ...summary, plan: items.map((i) => ({ line: i.desired.line, action: i.action, externalReference: i.desired.reference, changes: i.changes })), errors: bad, failures: failed }, null, 2));
  } else {
    if (options.dryRun) {
      io.out(`Plan for ${file} (dry run: nothing is written):`);
      for (const i of writes) io.out(`  line ${i.desired.line}: ${i.action} ${i.desired.reference}${i.changes.length ? ` (${i.changes.join(", ")})` : ""}`);
    }
    const verb = options.dryRun ? "would be" : "";
    io.out(
      `${summary.created} ${verb} created, ${summary.updated} ${verb} updated, ${summary.unchanged} unchanged, ${summary.skipped} bad rows skipped`.replace(/ {2}/g, " ") +
        (accountOnly ? `, ${accountOnly} rows declare accounts only (not imported)` : "") +
        (failed.length ? `, ${failed.length} failed` : "") +
        ".",
    );
  }
  return failed.length ? new CommandError(`${failed.length} associations could not be written`, ExitCode.environment) : ExitCode.ok;
}

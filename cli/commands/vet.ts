/** `partnerguard vet <list.csv>`: vet an outreach list against Dataverse or a partner feed. */
import { resolve } from "path";
import { Command } from "commander";
import { CommandError, ExitCode, usageError } from "../exitCodes";
import { CONNECTION, ConnectionOptions, addOptions } from "../options";
import { Io } from "../io";
import { ResultSink, Result } from "../result";
import { openSource } from "../connect";
import { VetListHead, openVetList } from "../vetList";
import {
  BATCH_ROWS,
  COLUMN_WORDS,
  OFFLINE_BATCH_ROWS,
  ReadBatch,
  SummaryBuilder,
  VetSession,
  VetSummary,
  VettedRow,
} from "../vetRun";
import { MatchColumn } from "../../src/sources/node/batchSource";
import { HttpWebApi } from "../../src/sources/node/httpWebApi";
import { CsvOut, Delimiter } from "../csvFile";
import { unseenEvidence } from "../unseen";

const VET = "vet";

interface VetOptions extends ConnectionOptions {
  feed?: string;
  policy?: string;
  asOf?: number;
  out?: string;
  failOnBlocked?: boolean;
  json?: boolean;
  quiet?: boolean;
  chunkSize: number;
  delimiter?: Delimiter;
  /** `--no-bom` sets it false; commander defaults it to true. */
  bom: boolean;
  as?: string;
}

const OUTPUT_COLUMNS = ["verdict", "partnerOfRecord", "relationshipType", "reason", "matchedBy", "matchedAccountId"];

export function vetCommand(io: () => Io, sink: ResultSink): Command {
  const command = new Command(VET)
    .description(
      "vet an outreach list (CSV with a header): one verdict per row, a summary, and optionally a CSV with every row",
    )
    .argument(
      "<list.csv>",
      "the list; each row matched on accountId, accountNumber, tenantId, email (its domain), domain/website, or name",
    )
    .addHelpText(
      "after",
      `
Examples:
  partnerguard vet campaign.csv --env https://contoso.crm.dynamics.com --out vetted.csv
  partnerguard vet campaign.csv --feed partners.csv --as-of 2026-10-01 --fail-on-blocked
  partnerguard vet "Messe 2026.csv" --delimiter ";" --env https://contoso.crm.dynamics.com --out vetted.csv`,
    );
  addOptions(command, [
    ...CONNECTION,
    "feed",
    "policy",
    "asOf",
    "out",
    "delimiter",
    "noBom",
    "failOnBlocked",
    "json",
    "quiet",
    "chunkSize",
    "as",
  ]);
  return command.action(async (file: string, options: VetOptions) => {
    sink.result = await runVet(io(), file, options);
  });
}

async function runVet(io: Io, file: string, options: VetOptions): Promise<Result> {
  if (options.env && options.feed) return usageError("give either --env or --feed, not both");
  if (!options.env && !options.feed)
    return usageError("give --env <url> to vet against Dataverse, or --feed <file> to vet offline");
  const list = await openVetList(io.cwd, file, options.delimiter);
  if (list instanceof CommandError) return list;

  const opened = await openSource(io, options, (line, message) =>
    io.err(`feed ${options.feed} line ${line}: ${message} (row skipped)`),
  );
  if (opened instanceof CommandError) return opened;
  const { policy } = opened;
  const host = opened.kind === "dataverse" ? opened.http : undefined;
  for (const p of policy.problems) if (!options.quiet) io.err(`policy: ${p}`);

  let out: CsvOut | undefined;
  if (options.out) {
    const opening = await CsvOut.open(resolve(io.cwd, options.out), {
      delimiter: list.delimiter,
      bom: options.bom !== false,
    });
    if (opening instanceof Error) return usageError(`cannot write ${options.out}: ${opening.message}`);
    out = opening;
    await out.write([[...list.header, ...OUTPUT_COLUMNS]]);
  }
  const jsonRows = options.json && !options.out ? new JsonRows(io) : undefined;

  const started = Date.now();
  const session = new VetSession(opened.kind === "dataverse" ? { pager: opened.http } : { store: opened.store }, {
    policy: policy.policy,
    now: options.asOf ?? Date.now(),
    userId: opened.userId,
    chunkSize: options.chunkSize,
    concurrency: options.concurrency,
    progress: options.json ? undefined : io.progress("vet"),
  });
  const totals = new SummaryBuilder();
  let duplicates = 0;
  try {
    const batches = list.batches(opened.kind === "dataverse" ? BATCH_ROWS : OFFLINE_BATCH_ROWS);
    const readNext = async (): Promise<ReadBatch | undefined> => {
      const next = await batches.next();
      if (next.done) return undefined;
      for (const r of next.value) {
        if (r.duplicateOf === undefined) continue;
        // One line each: the same key twice is vetted on its own key and written for both rows, never silently.
        if (duplicates++ < 20 && !options.quiet) {
          const key = r.match && "value" in r.match ? `${COLUMN_WORDS[r.match.column]} ${r.match.value}` : "key";
          io.err(
            `list line ${r.line}: duplicate: same ${key} as line ${r.duplicateOf} (vetted once, written for both)`,
          );
        }
      }
      return session.read(next.value);
    };
    // The next batch is read (its requests sent) while this one is judged and written: the
    // network's wait and the verdicts' CPU overlap. Reads stay in order, one after the other.
    let reading = readNext();
    for (;;) {
      const batch = await reading;
      if (!batch) break;
      reading = readNext();
      reading.catch(() => undefined); // handled by the `await` above on the next turn
      const rows = await session.judge(batch);
      totals.add(rows);
      if (out) await out.write(rows.map((r) => csvCells(list.header, r)));
      if (jsonRows) for (const r of rows) jsonRows.add(jsonRow(r));
    }
    await out?.commit();
  } catch (e) {
    await out?.abandon();
    if (e instanceof CommandError) return e;
    if (out && (e as NodeJS.ErrnoException).syscall)
      return usageError(`cannot write ${options.out}: ${(e as Error).message}`);
    throw e;
  }
  if (duplicates > 20 && !options.quiet) io.err(`list: ${duplicates - 20} more duplicate rows`);
  const seconds = (Date.now() - started) / 1000;

  const summary = totals.summary();
  const requests = host?.stats;
  const unseen = unseenEvidence(options.feed);
  if (options.json) {
    const rest = {
      summary,
      columns: list.columns,
      duplicates,
      unseen,
      requests,
      seconds,
      out: options.out,
      policy: policy.from,
    };
    if (jsonRows) jsonRows.end(rest);
    else io.out(JSON.stringify(rest, null, 2));
  } else {
    printSummary(io, list, summary, totals, {
      seconds,
      requests,
      out: options.out,
      policyFrom: policy.from,
      source: options.feed ?? options.env ?? "",
    });
    for (const u of unseen) io.out(`Not seen: ${u}`);
  }
  if (totals.authFailure)
    return new CommandError("Dataverse refused the sign-in; rows were left unverified", ExitCode.environment);
  if (options.failOnBlocked && summary.byOutreach.allowed < summary.rows) return ExitCode.blocked;
  return ExitCode.ok;
}

function csvCells(header: string[], r: VettedRow): string[] {
  const cells = new Array<string>(header.length + OUTPUT_COLUMNS.length);
  for (let i = 0; i < header.length; i++) cells[i] = r.row.cells[i] ?? "";
  let i = header.length;
  cells[i++] = r.outreach;
  cells[i++] = r.partnerOfRecord;
  cells[i++] = r.relationshipType;
  cells[i++] = r.reason;
  cells[i++] = r.row.match?.column ?? "";
  cells[i] = r.accountId ?? "";
  return cells;
}

/**
 * `--json` without `--out`: the rows are printed as they are vetted (the same JSON as one
 * `JSON.stringify(…, null, 2)` of the whole result, rows first), so they are never all in memory.
 */
class JsonRows {
  private previous: string | undefined;

  constructor(private readonly io: Io) {
    io.out('{\n  "rows": [');
  }

  add(row: object): void {
    if (this.previous !== undefined) this.io.out(this.previous + ",");
    this.previous = JSON.stringify(row, null, 2).replace(/^/gm, "    ");
  }

  end(rest: object): void {
    if (this.previous !== undefined) this.io.out(this.previous);
    const tail = JSON.stringify(rest, null, 2).slice(1); // "\n  \"summary\": …}"
    this.io.out(`  ]${tail === "\n}" ? "\n}" : "," + tail}`);
  }
}

function jsonRow(r: VettedRow) {
  return {
    line: r.row.line,
    matchedBy: r.row.match?.column,
    status: r.status,
    duplicateOf: r.row.duplicateOf,
    accountId: r.accountId,
    verdict: r.outreach,
    partnerOfRecord: r.partnerOfRecord || undefined,
    relationshipType: r.relationshipType || undefined,
    reason: r.reason,
  };
}

function printSummary(
  io: Io,
  list: VetListHead,
  summary: VetSummary,
  totals: SummaryBuilder,
  run: { seconds: number; requests?: HttpWebApi["stats"]; out?: string; policyFrom: string; source: string },
): void {
  const used = (Object.entries(summary.byColumn) as [MatchColumn, number][]).map(
    ([column, count]) => `${COLUMN_WORDS[column]} (column "${list.columns[column]}"): ${count} rows`,
  );
  io.out(
    `Vetted ${summary.rows} rows against ${run.source} in ${run.seconds.toFixed(1)} s (policy: ${run.policyFrom}).`,
  );
  io.out(`Matched on ${used.join(", ") || "nothing"}.`);
  io.out(`  allowed     ${summary.byOutreach.allowed}`);
  io.out(`  blocked     ${summary.byOutreach.blocked}`);
  io.out(`  unverified  ${summary.byOutreach.unverified}` + unverifiedDetail(summary));
  if (summary.topPartners.length) {
    io.out("Top partners of record on blocked rows:");
    for (const p of summary.topPartners) io.out(`  ${String(p.rows).padStart(6)}  ${p.partner}`);
  }
  for (const r of totals.problems) io.out(`  line ${r.row.line}: ${r.status}: ${r.reason}`);
  if (totals.problemCount > totals.problems.length)
    io.out(`  … and ${totals.problemCount - totals.problems.length} more rows that could not be matched (see --out)`);
  if (run.requests) {
    io.out(
      `Requests: ${run.requests.requests} (${run.requests.retries} retried after 429, waited ${(run.requests.throttledWaitMs / 1000).toFixed(1)} s; at most ${run.requests.maxInFlight} at once).`,
    );
  }
  io.out(run.out ? `Every row with its verdict: ${run.out}` : "Write every row with its verdict with --out <file>.");
}

function unverifiedDetail(summary: VetSummary): string {
  const parts = (["unmatched", "ambiguous", "invalid", "no-key", "failed"] as const)
    .filter((s) => summary.byStatus[s])
    .map((s) => `${summary.byStatus[s]} ${s}`);
  return parts.length ? `  (${parts.join(", ")})` : "";
}

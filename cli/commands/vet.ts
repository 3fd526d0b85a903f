/** `partnerguard vet <list.csv>`: vet an outreach list against Dataverse or a partner feed. */
import { writeFileSync } from "fs";
import { resolve } from "path";
import { Command } from "commander";
import { CommandError, ExitCode, usageError } from "../exitCodes";
import { CONNECTION, ConnectionOptions, addOptions } from "../options";
import { Io } from "../io";
import { ResultSink, Result } from "../result";
import { openSource, readInput } from "../connect";
import { parseVetList, VetList } from "../vetList";
import { COLUMN_WORDS, VetSummary, VettedRow, summarize, vetList } from "../vetRun";
import { MatchColumn } from "../../src/sources/node/batchSource";
import { HttpWebApi } from "../../src/sources/node/httpWebApi";
import { Delimiter, toCsv } from "../csvFile";
import { unseenEvidence } from "../unseen";

export const VET = "vet";

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
}

export const OUTPUT_COLUMNS = [
  "verdict",
  "partnerOfRecord",
  "relationshipType",
  "reason",
  "matchedBy",
  "matchedAccountId",
];

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
  ]);
  return command.action(async (file: string, options: VetOptions) => {
    sink.result = await runVet(io(), file, options);
  });
}

export async function runVet(io: Io, file: string, options: VetOptions): Promise<Result> {
  if (options.env && options.feed) return usageError("give either --env or --feed, not both");
  if (!options.env && !options.feed)
    return usageError("give --env <url> to vet against Dataverse, or --feed <file> to vet offline");
  const text = readInput(io, file, "list");
  if (text instanceof CommandError) return text;
  const list = parseVetList(text, options.delimiter);
  if (list instanceof CommandError) return list;
  const duplicates = list.rows.filter((r) => r.duplicateOf !== undefined);
  if (!options.quiet) {
    // One line each: the same key twice is vetted once and written for both rows, never silently.
    for (const r of duplicates.slice(0, 20)) {
      const key = r.match && "value" in r.match ? `${COLUMN_WORDS[r.match.column]} ${r.match.value}` : "key";
      io.err(`list line ${r.line}: duplicate: same ${key} as line ${r.duplicateOf} (vetted once, written for both)`);
    }
    if (duplicates.length > 20) io.err(`list: ${duplicates.length - 20} more duplicate rows`);
  }

  const opened = await openSource(io, options, (line, message) =>
    io.err(`feed ${options.feed} line ${line}: ${message} (row skipped)`),
  );
  if (opened instanceof CommandError) return opened;
  const { policy } = opened;
  const host = opened.kind === "dataverse" ? opened.http : undefined;
  for (const p of policy.problems) if (!options.quiet) io.err(`policy: ${p}`);

  const started = Date.now();
  const rows = await vetList(opened.kind === "dataverse" ? { pager: opened.http } : { store: opened.store }, list, {
    policy: policy.policy,
    now: options.asOf ?? Date.now(),
    chunkSize: options.chunkSize,
    concurrency: options.concurrency,
    progress: options.json ? undefined : io.progress("vet"),
  });
  const seconds = (Date.now() - started) / 1000;
  const refused = (kind: string | undefined) => kind === "unauthorized" || kind === "forbidden";
  const authFailure = rows.some(
    (r) => refused(r.failure?.kind) || r.verdict?.reasons.some((x) => refused(x.failure?.kind)),
  );

  if (options.out) {
    const table: string[][] = [
      [...list.header, ...OUTPUT_COLUMNS],
      ...rows.map((r) => [
        ...list.header.map((_, i) => r.row.cells[i] ?? ""),
        r.outreach,
        r.partnerOfRecord,
        r.relationshipType,
        r.reason,
        r.row.match?.column ?? "",
        r.accountId ?? "",
      ]),
    ];
    try {
      // The list's own delimiter, so it opens where it came from; the BOM tells Excel it is UTF-8.
      writeFileSync(
        resolve(io.cwd, options.out),
        toCsv(table, { delimiter: list.delimiter, bom: options.bom !== false }),
      );
    } catch (e) {
      return usageError(`cannot write ${options.out}: ${(e as Error).message}`);
    }
  }

  const summary = summarize(rows);
  const requests = host?.stats;
  const unseen = unseenEvidence(options.feed);
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          summary,
          columns: list.columns,
          duplicates: duplicates.length,
          unseen,
          requests,
          seconds,
          out: options.out,
          policy: policy.from,
          rows: options.out ? undefined : rows.map(jsonRow),
        },
        null,
        2,
      ),
    );
  } else {
    printSummary(io, list, summary, rows, {
      seconds,
      requests,
      out: options.out,
      policyFrom: policy.from,
      source: options.feed ?? options.env ?? "",
    });
    for (const u of unseen) io.out(`Not seen: ${u}`);
  }
  if (authFailure)
    return new CommandError("Dataverse refused the sign-in; rows were left unverified", ExitCode.environment);
  if (options.failOnBlocked && summary.byOutreach.allowed < summary.rows) return ExitCode.blocked;
  return ExitCode.ok;
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
  list: VetList,
  summary: VetSummary,
  rows: VettedRow[],
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
  const problems = rows.filter((r) => r.status !== "matched");
  for (const r of problems.slice(0, 20)) io.out(`  line ${r.row.line}: ${r.status}: ${r.reason}`);
  if (problems.length > 20) io.out(`  … and ${problems.length - 20} more rows that could not be matched (see --out)`);
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

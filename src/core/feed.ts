/**
 * The partner feed format: CSV with a header, or JSON (an array of objects with the same keys).
 * One parser for the playground's demo data, feed imports and offline list vetting.
 * Bad rows are reported with their line numbers and skipped; good rows are kept.
 */
import { parse } from "csv-parse/sync";
import { isCalendarDate, parseDate } from "./dates";
import { RELATIONSHIP_TYPES, RelationshipType, isRelationshipType } from "./types";

export const FEED_COLUMNS = [
  "customerAccountId",
  "customerName",
  "parentAccountId",
  "customerTenantId",
  "partnerId",
  "partnerName",
  "relationshipType",
  "status",
  "startDate",
  "endDate",
  "externalReference",
  "source",
] as const;

export type FeedColumn = (typeof FEED_COLUMNS)[number];

/** A valid feed row. `partner` is absent for a row that only declares an account and its parent. */
export interface FeedRow {
  /** 1-based line of the file (CSV) or 1-based index in the array (JSON). */
  line: number;
  customerAccountId: string;
  customerName?: string;
  parentAccountId?: string;
  customerTenantId?: string;
  partner?: {
    partnerId?: string;
    partnerName?: string;
    relationshipType: RelationshipType;
    status: "active" | "inactive";
    startDate?: string;
    endDate?: string;
    externalReference?: string;
    source?: string;
  };
}

export interface FeedError {
  line: number;
  message: string;
}

export interface FeedParseResult {
  rows: FeedRow[];
  errors: FeedError[];
}

function text(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return undefined;
  const s = String(value).trim();
  return s === "" ? undefined : s;
}

/**
 * The day a date names exists: `Date.parse` rolls 2026-02-30 over to 2 March, which would move an
 * end date silently. Only the `YYYY-MM-DD` part is checked; the rest is `parseDate`'s.
 */
export { isCalendarDate };

/** An ISO 8601 date the rules can read and whose day exists; undefined otherwise. */
export function parseFeedDate(value: string): number | undefined {
  return isCalendarDate(value) ? parseDate(value) : undefined;
}

/** A row whose association is unusable still declares its account and parent: keep those. */
type Validated = { row: FeedRow; error?: FeedError } | FeedError;

function validateRow(raw: Record<string, unknown>, line: number): Validated {
  const v = (key: FeedColumn) => text(raw[key]);
  const customerAccountId = v("customerAccountId");
  if (!customerAccountId) return { line, message: "customerAccountId is empty" };
  const row: FeedRow = {
    line,
    customerAccountId,
    customerName: v("customerName"),
    parentAccountId: v("parentAccountId"),
    customerTenantId: v("customerTenantId"),
  };
  if (row.parentAccountId && row.parentAccountId.toLowerCase() === customerAccountId.toLowerCase()) {
    return { line, message: "parentAccountId is the account itself" };
  }
  const partnerId = v("partnerId");
  const partnerName = v("partnerName");
  if (!partnerId && !partnerName) return { row };
  // From here on a problem is the association's: the account and its parent stay declared, so the
  // account still matches and its children still inherit from the rest of its chain.
  const bad = (message: string): Validated => ({
    row,
    error: { line, message: `${message} (association skipped; the account and its parent are kept)` },
  });
  const type = v("relationshipType");
  if (!isRelationshipType(type))
    return bad(`relationshipType "${type ?? ""}" is not one of ${RELATIONSHIP_TYPES.join(", ")}`);
  const status = v("status");
  if (status !== "active" && status !== "inactive") return bad(`status "${status ?? ""}" is not active or inactive`);
  for (const key of ["startDate", "endDate"] as const) {
    const value = v(key);
    if (value !== undefined && /^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !isCalendarDate(value))
      return bad(`${key} "${value}" is not a day of the calendar`);
    if (value !== undefined && parseDate(value) === undefined) return bad(`${key} "${value}" is not an ISO 8601 date`);
  }
  const startDate = v("startDate");
  const endDate = v("endDate");
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a missing date parses to undefined, and `undefined < x` is false
  if (startDate && endDate && (parseDate(endDate) as number) < (parseDate(startDate) as number)) {
    return bad(`endDate ${endDate} is before startDate ${startDate}`);
  }
  row.partner = {
    partnerId,
    partnerName,
    relationshipType: type,
    status,
    startDate,
    endDate,
    externalReference: v("externalReference"),
    source: v("source"),
  };
  return { row };
}

function collect(records: { raw: unknown; line: number }[], errors: FeedError[]): FeedParseResult {
  const rows: FeedRow[] = [];
  for (const { raw, line } of records) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      errors.push({ line, message: "not an object" });
      continue;
    }
    const result = validateRow(raw as Record<string, unknown>, line);
    if ("message" in result) {
      errors.push(result);
      continue;
    }
    rows.push(result.row);
    if (result.error) errors.push(result.error);
  }
  return { rows, errors };
}

/** The delimiters a feed may use: Excel writes `;` where the decimal separator is a comma, tab for "Unicode text". */
export type CsvDelimiter = "," | ";" | "\t";

/**
 * The candidate that occurs most often outside quotes in the header line (a header names
 * columns: no stray delimiters). Comma when the header holds none of them.
 */
export function sniffDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && (ch === "," || ch === ";" || ch === "\t")) counts[ch]++;
  }
  const best = (Object.entries(counts) as [CsvDelimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with no delimiter counted the first candidate is "," anyway
  return best[1] > 0 ? best[0] : ",";
}

export function parseFeedCsv(content: string, options: { delimiter?: CsvDelimiter } = {}): FeedParseResult {
  const errors: FeedError[] = [];
  let records: { raw: unknown; line: number }[];
  // Stryker disable next-line Regex,StringLiteral: a BOM is only ever the first character, and sniffing ignores text without delimiters
  const delimiter = options.delimiter ?? sniffDelimiter(content.replace(/^\uFEFF/, ""));
  try {
    const parsed: { record: Record<string, string>; info: { lines: number } }[] = parse(content, {
      delimiter,
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      relax_column_count: true,
      // Stryker disable next-line BooleanLiteral: the header names are trimmed, and trim() removes a BOM too
      bom: true,
      info: true,
    });
    records = parsed.map((p) => ({ raw: p.record, line: p.info.lines }));
  } catch (e) {
    const err = e as { message: string; lines?: number };
    return { rows: [], errors: [{ line: err.lines ?? 0, message: `unreadable CSV: ${err.message}` }] };
  }
  if (records.length) {
    const header = Object.keys(records[0].raw as object);
    if (!header.includes("customerAccountId")) {
      const shown = header.join(delimiter === "\t" ? " <tab> " : delimiter);
      return {
        rows: [],
        errors: [
          {
            line: 1,
            message: `header (${shown.slice(0, 120)}) has no customerAccountId column (read with delimiter "${delimiter === "\t" ? "tab" : delimiter}")`,
          },
        ],
      };
    }
  }
  return collect(records, errors);
}

export function parseFeedJson(content: string): FeedParseResult {
  let data: unknown;
  try {
    data = JSON.parse(content) as unknown;
  } catch (e) {
    return { rows: [], errors: [{ line: 0, message: `unreadable JSON: ${(e as Error).message}` }] };
  }
  if (!Array.isArray(data))
    return { rows: [], errors: [{ line: 0, message: "JSON feed must be an array of objects" }] };
  return collect(
    data.map((raw: unknown, i) => ({ raw, line: i + 1 })),
    [],
  );
}

/** Parse by content: JSON when it starts with `[`, CSV otherwise (delimiter sniffed unless given). */
export function parseFeed(content: string, options: { delimiter?: CsvDelimiter } = {}): FeedParseResult {
  return content
    .replace(/^\uFEFF/, "")
    .trimStart()
    .startsWith("[")
    ? parseFeedJson(content.replace(/^\uFEFF/, ""))
    : parseFeedCsv(content, options);
}

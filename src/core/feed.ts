/**
 * The partner feed format: CSV with a header, or JSON (an array of objects with the same keys).
 * One parser for the playground's demo data, feed imports and offline list vetting.
 * Bad rows are reported with their line numbers and skipped; good rows are kept.
 */
import { parse } from "csv-parse/sync";
import { parseDate } from "./dates";
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

function validateRow(raw: Record<string, unknown>, line: number): FeedRow | FeedError {
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
  if (!partnerId && !partnerName) return row;
  const type = v("relationshipType");
  if (!isRelationshipType(type)) {
    return { line, message: `relationshipType "${type ?? ""}" is not one of ${RELATIONSHIP_TYPES.join(", ")}` };
  }
  const status = v("status");
  if (status !== "active" && status !== "inactive") return { line, message: `status "${status ?? ""}" is not active or inactive` };
  for (const key of ["startDate", "endDate"] as const) {
    const value = v(key);
    if (value !== undefined && parseDate(value) === undefined) return { line, message: `${key} "${value}" is not an ISO 8601 date` };
  }
  const startDate = v("startDate");
  const endDate = v("endDate");
  if (startDate && endDate && (parseDate(endDate) as number) < (parseDate(startDate) as number)) {
    return { line, message: `endDate ${endDate} is before startDate ${startDate}` };
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
  return row;
}

function collect(records: { raw: unknown; line: number }[], errors: FeedError[]): FeedParseResult {
  const rows: FeedRow[] = [];
  for (const { raw, line } of records) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      errors.push({ line, message: "not an object" });
      continue;
    }
    const result = validateRow(raw as Record<string, unknown>, line);
    if ("message" in result) errors.push(result);
    else rows.push(result);
  }
  return { rows, errors };
}

export function parseFeedCsv(content: string): FeedParseResult {
  const errors: FeedError[] = [];
  let records: { raw: unknown; line: number }[];
  try {
    const parsed: { record: Record<string, string>; info: { lines: number } }[] = parse(content, {
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      relax_column_count: true,
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
      return { rows: [], errors: [{ line: 1, message: "header has no customerAccountId column" }] };
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
  if (!Array.isArray(data)) return { rows: [], errors: [{ line: 0, message: "JSON feed must be an array of objects" }] };
  return collect(
    data.map((raw: unknown, i) => ({ raw, line: i + 1 })),
    [],
  );
}

/** Parse by content: JSON when it starts with `[`, CSV otherwise. */
export function parseFeed(content: string): FeedParseResult {
  return content.trimStart().startsWith("[") ? parseFeedJson(content) : parseFeedCsv(content);
}

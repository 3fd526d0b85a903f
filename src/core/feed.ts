/**
 * The partner feed's rows and what makes one valid: pure, no file format here. The files (CSV with a
 * header, or JSON: an array of objects with the same keys) are read in src/sources/feedFile.ts and
 * by the command line's streaming reader; both hand their records to `validateFeedRecords`.
 * Bad rows are reported with their line numbers and skipped; good rows are kept.
 */
import { isCalendarDate, parseDate } from "./dates";
import { isObject } from "./json";
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

/** Feed records (objects keyed by column name, with the line each came from) -> valid rows and errors. */
export function validateFeedRecords(
  records: { raw: unknown; line: number }[],
  errors: FeedError[] = [],
): FeedParseResult {
  const rows: FeedRow[] = [];
  for (const { raw, line } of records) {
    if (!isObject(raw)) {
      errors.push({ line, message: "not an object" });
      continue;
    }
    const result = validateRow(raw, line);
    if ("message" in result) {
      errors.push(result);
      continue;
    }
    rows.push(result.row);
    if (result.error) errors.push(result.error);
  }
  return { rows, errors };
}

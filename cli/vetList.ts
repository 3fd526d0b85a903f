/**
 * The list to vet: a CSV with a header. Each row is matched on the first column it has a value
 * for, in this order: account id, account number, email (by its domain), web domain, name.
 */
import { parse } from "csv-parse/sync";
import { CommandError, usageError } from "./exitCodes";
import { MatchColumn, domainOf } from "../src/sources/node/batchSource";
import { normalizeGuid } from "../src/sources/webApi";

export const MATCH_ORDER: MatchColumn[] = ["accountId", "accountNumber", "email", "domain", "name"];

/** Header spellings accepted per match column (compared lower case, without spaces, - or _). */
const ALIASES: Record<MatchColumn, string[]> = {
  accountId: ["accountid", "id"],
  accountNumber: ["accountnumber", "accountno", "number"],
  email: ["email", "emailaddress", "emailaddress1", "mail"],
  domain: ["domain", "webdomain", "website", "websiteurl", "web", "url"],
  name: ["name", "accountname", "company", "companyname", "customer", "customername"],
};

export interface ListRow {
  line: number;
  cells: string[];
  /** The column this row is matched on, its normalised value, or why it cannot be matched. */
  match?: { column: MatchColumn; value: string } | { column: MatchColumn; invalid: string };
}

export interface VetList {
  header: string[];
  /** Match column -> the header it was found under. */
  columns: Partial<Record<MatchColumn, string>>;
  rows: ListRow[];
}

const squash = (h: string) => h.toLowerCase().replace(/[\s_-]/g, "");

export function normalizeValue(column: MatchColumn, raw: string): { value: string } | { invalid: string } {
  switch (column) {
    case "accountId": {
      const id = normalizeGuid(raw);
      return id ? { value: id } : { invalid: `"${raw}" is not an account id (GUID)` };
    }
    case "email":
    case "domain": {
      const domain = domainOf(raw);
      return domain ? { value: domain } : { invalid: `"${raw}" has no usable web domain` };
    }
    default:
      return { value: raw.trim().toLowerCase() };
  }
}

export function parseVetList(content: string): VetList | CommandError {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (e) {
    return usageError(`the list is not readable CSV: ${(e as Error).message}`);
  }
  if (!records.length) return usageError("the list is empty: expected a header and rows");
  const header = records[0].record.map((h) => h.trim());
  const columns: Partial<Record<MatchColumn, string>> = {};
  const positions: Partial<Record<MatchColumn, number>> = {};
  for (const column of MATCH_ORDER) {
    const at = header.findIndex((h) => ALIASES[column].includes(squash(h)));
    if (at >= 0) {
      columns[column] = header[at];
      positions[column] = at;
    }
  }
  if (!Object.keys(columns).length) {
    return usageError(`the list's header (${header.join(", ")}) has none of the columns accountId, accountNumber, email, domain (or website), name`);
  }
  const rows: ListRow[] = records.slice(1).map(({ record, info }) => {
    const row: ListRow = { line: info.lines, cells: record };
    for (const column of MATCH_ORDER) {
      const at = positions[column];
      const raw = at === undefined ? undefined : record[at]?.trim();
      if (!raw) continue;
      row.match = { column, ...normalizeValue(column, raw) };
      break;
    }
    return row;
  });
  return { header, columns, rows };
}

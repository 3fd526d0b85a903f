/**
 * The list to vet: a CSV with a header, as another system or Excel exported it (delimiter
 * sniffed, BOM and encodings handled by the reader). Each row is matched on the first column it
 * has a value for, in this order: account id, account number, customer tenant id, email (its
 * domain), web domain, name (exact after normalising case and spaces).
 */
import { parse } from "csv-parse/sync";
import { CommandError, usageError } from "./exitCodes";
import { Delimiter, sniffDelimiter } from "./csvFile";
import { MatchColumn, domainOf, normalizeName } from "../src/sources/node/batchSource";
import { normalizeGuid } from "../src/sources/webApi";

export const MATCH_ORDER: MatchColumn[] = ["accountId", "accountNumber", "tenantId", "email", "domain", "name"];

/**
 * Header spellings accepted per match column (compared lower case, without spaces, - _ or .);
 * English and the German an Excel list from a DACH sales team carries.
 */
export const ALIASES: Record<MatchColumn, string[]> = {
  accountId: ["accountid", "id", "dataverseid", "crmid"],
  accountNumber: [
    "accountnumber",
    "accountno",
    "accountnr",
    "number",
    "customernumber",
    "customerno",
    "kundennummer",
    "kundennr",
  ],
  tenantId: [
    "tenantid",
    "customertenantid",
    "pgcustomertenantid",
    "entratenantid",
    "azuretenantid",
    "aadtenantid",
    "microsofttenantid",
  ],
  email: ["email", "emailaddress", "emailaddress1", "mail", "emailadresse"],
  domain: [
    "domain",
    "webdomain",
    "website",
    "websiteurl",
    "web",
    "url",
    "homepage",
    "webseite",
    "internetseite",
    "internetadresse",
  ],
  name: [
    "name",
    "accountname",
    "company",
    "companyname",
    "customer",
    "customername",
    "organisation",
    "organization",
    "firma",
    "firmenname",
    "unternehmen",
    "kunde",
    "kundenname",
  ],
};

export interface ListRow {
  line: number;
  cells: string[];
  /** The column this row is matched on, its normalised value, or why it cannot be matched. */
  match?: { column: MatchColumn; value: string } | { column: MatchColumn; invalid: string };
  /** The earlier line with the same match key: vetted once, written for both. */
  duplicateOf?: number;
}

export interface VetList {
  header: string[];
  /** Match column -> the header it was found under. */
  columns: Partial<Record<MatchColumn, string>>;
  rows: ListRow[];
  delimiter: Delimiter;
}

const squash = (h: string) => h.toLowerCase().replace(/[\s_.-]/g, "");

export function normalizeValue(column: MatchColumn, raw: string): { value: string } | { invalid: string } {
  switch (column) {
    case "accountId": {
      const id = normalizeGuid(raw);
      return id ? { value: id } : { invalid: `"${raw}" is not an account id (GUID)` };
    }
    case "tenantId": {
      const id = normalizeGuid(raw);
      return id ? { value: id } : { invalid: `"${raw}" is not a tenant id (GUID)` };
    }
    case "email":
    case "domain": {
      const domain = domainOf(raw);
      return domain ? { value: domain } : { invalid: `"${raw}" has no usable web domain` };
    }
    case "name":
      return { value: normalizeName(raw) };
    case "accountNumber":
      return { value: raw.trim().toLowerCase() };
  }
}

const lineOf = (e: unknown): number | undefined => {
  const lines = (e as { lines?: unknown }).lines;
  return typeof lines === "number" ? lines : undefined;
};

export function parseVetList(content: string, forced?: Delimiter): VetList | CommandError {
  const delimiter = forced ?? sniffDelimiter(content);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // relax_quotes: other systems write `=HYPERLINK("x")` unquoted; a quote inside a field is kept as text.
    records = parse(content, {
      bom: true,
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
    }) as unknown as typeof records;
  } catch (e) {
    const line = lineOf(e);
    return usageError(
      `the list${line ? ` line ${line}` : ""} is not readable CSV: ${(e as Error).message.split("\n")[0]}`,
    );
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
    const shown = header.join(delimiter === "\t" ? " <tab> " : delimiter).slice(0, 120);
    const read = forced
      ? `--delimiter "${delimiter === "\t" ? "tab" : delimiter}"`
      : `delimiter "${delimiter === "\t" ? "tab" : delimiter}" (sniffed; set it with --delimiter)`;
    return usageError(
      `the list line ${records[0].info.lines}: the header (${shown}) has none of the columns accountId, accountNumber, tenantId, email, domain (or website), name; read with ${read}`,
    );
  }
  const firstLine = new Map<string, number>();
  const rows: ListRow[] = records.slice(1).map(({ record, info }) => {
    const row: ListRow = { line: info.lines, cells: record };
    for (const column of MATCH_ORDER) {
      const at = positions[column];
      const raw = at === undefined ? undefined : record[at]?.trim();
      if (!raw) continue;
      row.match = { column, ...normalizeValue(column, raw) };
      break;
    }
    if (row.match && "value" in row.match) {
      const key = `${row.match.column}\u0000${row.match.value}`;
      const first = firstLine.get(key);
      if (first === undefined) firstLine.set(key, row.line);
      else row.duplicateOf = first;
    }
    return row;
  });
  return { header, columns, rows, delimiter };
}

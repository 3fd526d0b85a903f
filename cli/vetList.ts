/**
 * The list to vet: a CSV with a header, as another system or Excel exported it (delimiter
 * sniffed, BOM and encodings handled by the reader). Each row is matched on the first column it
 * has a value for, in this order: account id, account number, customer tenant id, email (its
 * domain), web domain, name (exact after normalising case and spaces).
 *
 * The list is streamed: rows come in batches, and only the batch in hand is in memory, whatever
 * the list's size. Duplicate rows are found with a set of 64-bit hashes of their match keys.
 */
import { resolve } from "path";
import { CommandError, usageError } from "./exitCodes";
import { Delimiter, sniffDelimiter } from "./csvFile";
import { CsvReader, CsvRecord, CsvSyntaxError } from "../src/sources/node/csvRead";
import { scanTextFile, textChunks } from "./textFile";
import { MatchColumn, canonicalGuid, domainOf, normalizeName } from "../src/sources/node/batchSource";
import { unqueryableChar } from "../src/sources/fetchXml";

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

export interface VetListHead {
  header: string[];
  /** Match column -> the header it was found under. */
  columns: Partial<Record<MatchColumn, string>>;
  delimiter: Delimiter;
}

const squash = (h: string) => h.toLowerCase().replace(/[\s_.-]/g, "");

function normalizeValue(column: MatchColumn, raw: string): { value: string } | { invalid: string } {
  // One such value would make Dataverse refuse the query with the up to 500 others of its chunk.
  const forbidden = unqueryableChar(raw);
  if (forbidden)
    return { invalid: `"${raw}" holds a character (${forbidden}) that no Dataverse query can carry (XML forbids it)` };
  switch (column) {
    case "accountId": {
      const id = canonicalGuid(raw);
      return id ? { value: id } : { invalid: `"${raw}" is not an account id (GUID)` };
    }
    case "tenantId": {
      const id = canonicalGuid(raw);
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

/**
 * Match keys seen so far -> the line each was first seen on, kept as 64-bit hashes in one open
 * addressing table (12 bytes a slot, at most half full): about 25 MB for 1,000,000 distinct keys,
 * instead of ~100 MB for a Map of the key strings. Two different keys with the same 64-bit hash
 * (odds ~ 1 in 10^7 at a million keys) would be reported as duplicates of each other; both rows
 * are still vetted on their own keys.
 */
export class KeyLines {
  private slots = new Uint32Array(3 * 1024);
  private size = 0;

  /** The line the key was first seen on, or undefined (and the key is remembered on `line`). */
  firstLine(key: string, line: number): number | undefined {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 16777619);
      h2 = Math.imul(h2 ^ c, 2246822519) ^ (h2 >>> 15);
    }
    h1 >>>= 0;
    h2 >>>= 0;
    const found = this.find(h1, h2);
    if (found !== undefined) return found;
    if ((this.size + 1) * 2 > this.slots.length / 3) this.grow();
    this.insert(h1, h2, line);
    this.size++;
    return undefined;
  }

  private find(h1: number, h2: number): number | undefined {
    const mask = this.slots.length / 3 - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const line = this.slots[3 * i + 2];
      if (line === 0) return undefined;
      if (this.slots[3 * i] === h1 && this.slots[3 * i + 1] === h2) return line;
    }
  }

  private insert(h1: number, h2: number, line: number): void {
    const mask = this.slots.length / 3 - 1;
    let i = h1 & mask;
    while (this.slots[3 * i + 2] !== 0) i = (i + 1) & mask;
    this.slots[3 * i] = h1;
    this.slots[3 * i + 1] = h2;
    this.slots[3 * i + 2] = line;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 3) if (old[i + 2] !== 0) this.insert(old[i], old[i + 1], old[i + 2]);
  }
}

/** A list opened for streaming: its header is read, its rows come in batches. */
interface OpenedList extends VetListHead {
  /** Rows in batches of at most `size`; throws a CommandError when the rest of the file is not readable CSV. */
  batches(size: number): AsyncGenerator<ListRow[]>;
}

const csvError = (e: CsvSyntaxError) => usageError(`the list line ${e.line} is not readable CSV: ${e.message}`);

/** Open the list: encoding and text checked over the whole file, header read and understood. */
export async function openVetList(cwd: string, file: string, forced?: Delimiter): Promise<OpenedList | CommandError> {
  const path = resolve(cwd, file);
  let info: Awaited<ReturnType<typeof scanTextFile>>;
  try {
    info = await scanTextFile(path);
  } catch (e) {
    return usageError(`cannot read the list ${file}: ${(e as Error).message}`);
  }
  // One line, no echo of the bytes: a binary file's content would garble the terminal.
  if ("offset" in info)
    return usageError(
      `the list ${file} line ${info.line}: not a text file (binary byte at offset ${info.offset}); save it as CSV`,
    );
  const chunks = textChunks(path, info);
  let reader: CsvReader | undefined;
  let delimiter: Delimiter = forced ?? ",";
  /** Records of the last chunk read, and the next one to hand out. */
  let pending: CsvRecord[] = [];
  let at = 0;
  let ended = false;
  /** At least one more record in `pending`, or the end of the file. */
  const fill = async (): Promise<void> => {
    while (at >= pending.length && !ended) {
      pending = [];
      at = 0;
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        pending = (reader ?? new CsvReader(delimiter)).end();
        break;
      }
      if (!reader) {
        delimiter = forced ?? sniffDelimiter(next.value);
        reader = new CsvReader(delimiter);
      }
      pending = reader.push(next.value);
    }
  };
  const take = async (): Promise<CsvRecord | undefined> => {
    if (at >= pending.length) await fill();
    return at < pending.length ? pending[at++] : undefined;
  };
  let first: CsvRecord | undefined;
  try {
    first = await take();
  } catch (e) {
    if (e instanceof CsvSyntaxError) return csvError(e);
    return usageError(`cannot read the list ${file}: ${(e as Error).message}`);
  }
  if (!first) return usageError("the list is empty: expected a header and rows");
  const header = first.cells.map((h) => h.trim());
  const columns: Partial<Record<MatchColumn, string>> = {};
  const positions: [MatchColumn, number][] = [];
  for (const column of MATCH_ORDER) {
    const at = header.findIndex((h) => ALIASES[column].includes(squash(h)));
    if (at >= 0) {
      columns[column] = header[at];
      positions.push([column, at]);
    }
  }
  if (!positions.length) {
    void chunks.return(undefined);
    const shown = header.join(delimiter === "\t" ? " <tab> " : delimiter).slice(0, 120);
    const read = forced
      ? `--delimiter "${delimiter === "\t" ? "tab" : delimiter}"`
      : `delimiter "${delimiter === "\t" ? "tab" : delimiter}" (sniffed; set it with --delimiter)`;
    return usageError(
      `the list line ${first.line}: the header (${shown}) has none of the columns accountId, accountNumber, tenantId, email, domain (or website), name; read with ${read}`,
    );
  }
  const seen = new KeyLines();
  const toRow = ({ cells, line }: CsvRecord): ListRow => {
    const row: ListRow = { line, cells };
    for (const [column, at] of positions) {
      const raw = cells[at]?.trim();
      if (!raw) continue;
      row.match = { column, ...normalizeValue(column, raw) };
      break;
    }
    if (row.match && "value" in row.match) {
      const first = seen.firstLine(`${row.match.column}\u0000${row.match.value}`, line);
      if (first !== undefined) row.duplicateOf = first;
    }
    return row;
  };
  async function* batches(size: number): AsyncGenerator<ListRow[]> {
    try {
      for (;;) {
        const batch: ListRow[] = [];
        while (batch.length < size) {
          const record = await take();
          if (!record) break;
          batch.push(toRow(record));
        }
        if (batch.length) yield batch;
        if (batch.length < size) return;
      }
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw csvError(e);
      throw e;
    }
  }
  return { header, columns, delimiter, batches };
}

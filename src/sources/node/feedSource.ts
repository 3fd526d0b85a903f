/**
 * A partner feed read offline, without a Dataverse in between: every feed row becomes the
 * association Dataverse would return for it after `partnerguard sync`, straight into the same
 * `EvidenceStore` the online reader fills (whose `outcomeFor` adds the hierarchy). No emulator
 * or FetchXML runs in the production path.
 *
 * Matching is a lookup in memory over the same normalised keys (`accountKeys`).
 */
import { FeedParseResult, FeedRow, validateFeedRecords } from "../../core/feed";
import { CsvDelimiter, parseFeed, sniffDelimiter } from "../feedFile";
import { CsvReader, CsvRecord, CsvSyntaxError } from "./csvRead";

const SLICE = 64 << 10;
import { AssociationSourceCodes, RelationshipTypeCodes } from "../../schema";
import { PartnerAssociation, RelationshipType } from "../../core/types";
import {
  AccountInfo,
  EvidenceStore,
  MatchColumn,
  MatchResult,
  OwnEvidence,
  accountKeys,
  canonicalGuid,
} from "./batchSource";

/**
 * `parseFeed`, faster for a large CSV feed: the records are read with the streaming `CsvReader`
 * (csv-parse's per-record bookkeeping was most of the time), then validated by the core's own
 * rules through its JSON entry (the same validation, messages and kept-account semantics), and
 * the lines mapped back to the file's. Anything unusual (JSON, a bad header, broken quoting)
 * goes to `parseFeed` itself, so its messages stay the only ones.
 */
export function readFeed(content: string, options: { delimiter?: CsvDelimiter } = {}): FeedParseResult {
  const steps = readFeedSteps(content, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** `readFeed` handing the event loop back between slices, so a large feed never blocks it for long. */
export async function readFeedAsync(
  content: string,
  options: { delimiter?: CsvDelimiter } = {},
): Promise<FeedParseResult> {
  const steps = readFeedSteps(content, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function* readFeedSteps(content: string, options: { delimiter?: CsvDelimiter }): Generator<void, FeedParseResult> {
  const text = content.replace(/^\uFEFF/, "");
  if (text.trimStart().startsWith("[")) return parseFeed(content, options);
  const reader = new CsvReader(options.delimiter ?? sniffDelimiter(text));
  let header: string[] | undefined;
  let usable = false;
  const result: FeedParseResult = { rows: [], errors: [] };
  const take = (records: CsvRecord[]) => {
    let batch: { raw: Record<string, string>; line: number }[] | undefined;
    for (const { cells, endLine } of records) {
      if (!header) {
        header = cells.map((h) => h.trim());
        usable = header.includes("customerAccountId");
        continue;
      }
      // Without its key column the feed goes to `parseFeed` for the message: nothing to validate.
      if (!usable) continue;
      const object: Record<string, string> = {};
      // An empty cell and a missing key read the same to the validation: leave it out of the JSON.
      for (let i = 0; i < header.length && i < cells.length; i++) if (cells[i] !== "") object[header[i]] = cells[i];
      (batch ??= []).push({ raw: object, line: endLine });
    }
    // The validation has no state across rows: each slice's records are validated as they come,
    // so the records die young instead of all waiting (and being moved to V8's old generation).
    if (batch) {
      const parsed = validateFeedRecords(batch);
      for (const row of parsed.rows) result.rows.push(row);
      for (const error of parsed.errors) result.errors.push(error);
    }
  };
  try {
    for (let at = 0; at < text.length; at += SLICE) {
      take(reader.push(text.slice(at, at + SLICE)));
      yield;
    }
    take(reader.end());
  } catch (e) {
    if (e instanceof CsvSyntaxError) return parseFeed(content, options);
    throw e;
  }
  if (!usable) return parseFeed(content, options);
  return result;
}

/** The pg_source choice for a feed row's free-text source (sync writes the same code). */
export function sourceCode(source: string | undefined): number {
  const s = (source ?? "").toLowerCase();
  if (s.includes("graph")) return AssociationSourceCodes.graph;
  if (s.includes("registration") || s.includes("manual")) return AssociationSourceCodes.manual;
  return AssociationSourceCodes.feed;
}

/** A stable GUID for a row of the feed (so deep links and tests can name associations). */
export function stableGuid(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    h1 = Math.imul(h1 ^ seed.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ seed.charCodeAt(i), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0")).padEnd(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(0, 12)}`;
}

/** The id of a feed row's association: the same as the one the demo emulator gives it. */
export const associationId = (row: FeedRow): string =>
  stableGuid(
    `${row.line}|${row.partner?.source ?? ""}|${row.partner?.externalReference ?? ""}|${row.customerAccountId}`,
  );

/** An account as a feed declares it. */
interface FeedAccount {
  id: string;
  name?: string;
  parentId?: string;
  tenantId?: string;
  /** The associations of the account whose canonical id is this key (set while the store is built). */
  associations?: PartnerAssociation[];
}

/**
 * The accounts a feed declares (customers and named partners), in feed order, later rows
 * overwriting earlier ones (what an upsert does). Ids are lower case.
 */
export function feedAccounts(rows: FeedRow[]): Map<string, FeedAccount> {
  const accounts = new Map<string, FeedAccount>();
  const account = (id: string): FeedAccount => {
    const key = id.toLowerCase();
    let found = accounts.get(key);
    if (!found) {
      found = { id: key };
      accounts.set(key, found);
    }
    return found;
  };
  for (const row of rows) {
    const customer = account(row.customerAccountId);
    if (row.customerName) customer.name = row.customerName;
    if (row.parentAccountId) customer.parentId = row.parentAccountId.toLowerCase();
    if (row.customerTenantId) customer.tenantId = row.customerTenantId;
    const p = row.partner;
    if (p?.partnerId && p.partnerName) account(p.partnerId).name = p.partnerName;
  }
  return accounts;
}

/** What `mapRows` names a source code (no formatted value offline). */
function sourceLabel(code: number): string {
  if (code === AssociationSourceCodes.feed) return "Partner feed";
  if (code === AssociationSourceCodes.graph) return "Graph sync";
  return "Registration";
}

const text = (value: string | undefined) => (value !== undefined && value.trim() !== "" ? value : undefined);

/**
 * Feed rows -> the store, each row straight to the association `mapRows` makes of the row
 * Dataverse returns for it after `partnerguard sync` (the account query with its `pa` link, in
 * the link's order): no Row objects, no FetchXML. test/cli/feedSource.test.ts holds the two side
 * by side, so they cannot drift apart.
 */
export function storeFromFeed(rows: FeedRow[]): EvidenceStore {
  const steps = storeSteps(rows);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** `storeFromFeed` handing the event loop back every few thousand rows. */
export async function storeFromFeedAsync(rows: FeedRow[]): Promise<EvidenceStore> {
  const steps = storeSteps(rows);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Nothing, shared by the accounts that have it: read-only like all mapped evidence. */
const NONE = Object.freeze([]) as unknown as never[];
const NO_EVIDENCE: OwnEvidence = Object.freeze({ associations: NONE, exceptions: NONE });

function* storeSteps(rows: FeedRow[]): Generator<void, EvidenceStore> {
  const declared = feedAccounts(rows);
  yield;
  /**
   * Associations by canonical customer id: on the declared account of that key when there is one
   * (the usual case: one map lookup serves the name and the list), else here.
   */
  const own = new Map<string, PartnerAssociation[]>();
  let n = 0;
  for (const row of rows) {
    if (++n % 10_000 === 0) yield;
    const p = row.partner;
    if (!p) continue;
    const customerId = canonicalGuid(row.customerAccountId);
    if (!customerId) continue; // not an account id Dataverse would hold
    const partnerKey = p.partnerId?.toLowerCase();
    const code = sourceCode(p.source);
    // A type the solution has a code for (every type the feed validates has one).
    const type: RelationshipType | undefined =
      p.relationshipType in RelationshipTypeCodes ? p.relationshipType : undefined;
    const customer = declared.get(customerId);
    const association: PartnerAssociation = {
      id: associationId(row),
      customerAccountId: customerId,
      customerName: text(customer?.name),
      // A partner named without an id is no lookup in Dataverse: it has no name there either.
      partnerId: canonicalGuid(partnerKey),
      partnerName: partnerKey ? text(declared.get(partnerKey)?.name) : undefined,
      relationshipType: type ?? "unknown",
      rawType: type ? undefined : JSON.stringify(RelationshipTypeCodes[p.relationshipType] ?? null),
      status: p.status,
      rawStatus: undefined,
      startDate: text(p.startDate),
      endDate: text(p.endDate),
      source: sourceLabel(code),
      sourceKind: "dataverse",
      externalReference: text(p.externalReference),
      partnerContactId: undefined,
      partnerContactName: undefined,
      // Contracts synced from Graph carry no dates by nature: not a gap to review.
      undated: code === AssociationSourceCodes.graph || undefined,
      depth: 0,
    };
    if (customer) (customer.associations ??= []).push(association);
    else {
      const list = own.get(customerId);
      if (list) list.push(association);
      else own.set(customerId, [association]);
    }
  }
  const store = new EvidenceStore();
  for (const [key, a] of declared) {
    if (++n % 10_000 === 0) yield;
    const id = canonicalGuid(key);
    if (!id) continue;
    const associations = (key === id ? a.associations : declared.get(id)?.associations) ?? own.get(id);
    // In the order the query asks for (the association link is ordered by its id).
    associations?.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    store.putEvidence(
      { id, name: text(a.name)?.trim(), parentId: canonicalGuid(a.parentId), tenantId: text(a.tenantId)?.trim() },
      // Most accounts of a feed have no association: they share one empty (frozen) evidence.
      associations ? { associations, exceptions: NONE } : NO_EVIDENCE,
    );
  }
  return store;
}

/** Look values up among the store's accounts, by the same keys the online match compares. */
export function matchInStore(store: EvidenceStore, column: MatchColumn, values: string[]): MatchResult {
  if (column === "accountId") {
    // The store is keyed by the normalised id already.
    return {
      byValue: new Map(values.map((v) => [v, store.accounts.has(v) ? [store.accounts.get(v) as AccountInfo] : []])),
      failed: new Map(),
    };
  }
  const index = indexOf(store, column);
  return { byValue: new Map(values.map((v) => [v, index.get(v) ?? []])), failed: new Map() };
}

/** Per store and column, the accounts by normalised key: built once, used by every batch of a list. */
type ColumnIndexes = Map<MatchColumn, { size: number; index: Map<string, AccountInfo[]> }>;
const indexes = new WeakMap<EvidenceStore, ColumnIndexes>();

function indexOf(store: EvidenceStore, column: MatchColumn): Map<string, AccountInfo[]> {
  let byColumn = indexes.get(store);
  if (!byColumn) {
    byColumn = new Map() as ColumnIndexes;
    indexes.set(store, byColumn);
  }
  const cached = byColumn.get(column);
  if (cached && cached.size === store.accounts.size) return cached.index;
  const index = new Map<string, AccountInfo[]>();
  for (const account of store.accounts.values()) {
    for (const key of new Set(accountKeys(account, column))) {
      const list = index.get(key);
      if (list) list.push(account);
      else index.set(key, [account]);
    }
  }
  byColumn.set(column, { size: store.accounts.size, index });
  return index;
}

/**
 * A partner feed read offline, without a Dataverse in between: every feed row becomes the rows
 * Dataverse would return for it after `partnerguard sync` (an account row, joined to its
 * association under the `pa` alias, lookups with their names), straight into the same
 * `EvidenceStore` the online reader fills. So offline and online verdicts go through the same
 * `mapRows` and cannot differ, and no emulator or FetchXML runs in the production path.
 *
 * Matching is a lookup in memory over the same normalised keys (`accountKeys`).
 */
import { FeedRow } from "../../core/feed";
import {
  Account,
  Association,
  AssociationSourceCodes,
  AssociationStatusCodes,
  RelationshipTypeCodes,
} from "../../schema";
import { FORMATTED, Row } from "../webApi";
import { AccountInfo, EvidenceStore, MatchColumn, MatchResult, accountFromRow, accountKeys } from "./batchSource";

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
export interface FeedAccount {
  id: string;
  name?: string;
  parentId?: string;
  tenantId?: string;
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

/** Feed rows -> the store, as Dataverse would answer the account query with its association link. */
export function storeFromFeed(rows: FeedRow[]): EvidenceStore {
  const accounts = new Map<string, Row>();
  for (const [id, a] of feedAccounts(rows)) {
    const row: Row = { [Account.id]: id };
    if (a.name) row[Account.name] = a.name;
    if (a.parentId) row[`_${Account.parent}_value`] = a.parentId;
    if (a.tenantId) row[Account.tenantId] = a.tenantId;
    accounts.set(id, row);
  }
  const linked = new Map<string, Row[]>();
  for (const row of rows) {
    const p = row.partner;
    if (!p) continue;
    const pa = (column: string) => `pa.${column}`;
    const partnerId = p.partnerId?.toLowerCase();
    const partnerName = partnerId ? accounts.get(partnerId)?.[Account.name] : undefined;
    const association: Row = {
      [pa(Association.id)]: associationId(row),
      // A partner named without an id is no lookup in Dataverse: it has no name there either.
      ...(partnerId
        ? { [pa(Association.partner)]: partnerId, [pa(Association.partner) + FORMATTED]: partnerName }
        : {}),
      [pa(Association.relationshipType)]: RelationshipTypeCodes[p.relationshipType],
      [pa(Association.status)]: AssociationStatusCodes[p.status],
      [pa(Association.start)]: p.startDate,
      [pa(Association.end)]: p.endDate,
      [pa(Association.source)]: sourceCode(p.source),
      [pa(Association.externalReference)]: p.externalReference,
    };
    const key = row.customerAccountId.toLowerCase();
    const list = linked.get(key) ?? [];
    list.push(association);
    linked.set(key, list);
  }
  const store = new EvidenceStore();
  for (const [id, accountRow] of accounts) {
    const own = linked.get(id);
    // In the order the query asks for (the association link is ordered by its id).
    const idOf = (r: Row) => String(r[`pa.${Association.id}`]);
    const ordered = own?.sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
    const info = accountFromRow(accountRow);
    // Each association row is new and this account's alone: fill the account columns in place.
    if (info) store.put(info, ordered ? ordered.map((a) => Object.assign(a, accountRow)) : [accountRow]);
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
  const index = new Map<string, AccountInfo[]>();
  for (const account of store.accounts.values()) {
    for (const key of new Set(accountKeys(account, column))) {
      const list = index.get(key) ?? [];
      list.push(account);
      index.set(key, list);
    }
  }
  return { byValue: new Map(values.map((v) => [v, index.get(v) ?? []])), failed: new Map() };
}

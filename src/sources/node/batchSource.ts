/**
 * Dataverse for many accounts at once (list vetting). Instead of one request per account, it asks
 * in chunks: accounts matched with FetchXML `in` (or `like` for domains), the hierarchy walked
 * level by level (all parents of a level in a few `in` queries), then the associations of every
 * account found, again in `in` chunks. The rows are handed to the same `mapRows` the one-account
 * source uses, so depth, inherited evidence, parent loops and data notes come out identical.
 *
 * Failures stay values: a chunk that fails marks its accounts, whose verdicts become unverified.
 */
import { Account, Association, OutreachExceptionTable } from "../../schema";
import { OutreachException, SourceFailure, SourceOutcome } from "../../core/types";
import { Row, normalizeGuid, xmlAttr } from "../webApi";
import { ASSOCIATION_COLUMNS, DATAVERSE_SOURCE, EXCEPTION_COLUMNS, EXCEPTION_LOOKBACK_DAYS, decisionLink, mapExceptions, mapRows } from "../dataverseSource";
import { toFailure } from "../failures";

export interface FetchPage {
  entities: Row[];
  moreRecords: boolean;
}

/** What the batched reader needs of a host: one FetchXML page at a time. */
export interface FetchXmlPager {
  fetchXmlPage(entityLogicalName: string, fetchXml: string): Promise<FetchPage>;
}

export type MatchColumn = "accountId" | "accountNumber" | "email" | "domain" | "name";

export interface AccountInfo {
  id: string;
  name?: string;
  parentId?: string;
  accountNumber?: string;
  email?: string;
  website?: string;
}

export interface BatchOptions {
  /** Values per `in` condition. ~200 GUIDs keep the URL far below the 32 KB GET limit. */
  chunkSize?: number;
  /** Chunks in flight at once (the HTTP host bounds requests again, below 52). */
  concurrency?: number;
  /** Called after each request-sized step, for a progress bar. */
  onStep?: (phase: string) => void;
}

export const DEFAULT_CHUNK = 200;
/** Domains per query: two `like` conditions each, under the 500 conditions a query may hold. */
export const DOMAIN_CHUNK = 100;
/** The platform's own recursion limit for hierarchy operators. */
export const MAX_LEVELS = 100;
const PAGE = 5000;
const MAX_PAGES = 10;

const ACCOUNT_COLUMNS = [Account.id, Account.name, Account.parent, Account.accountNumber, Account.email, Account.website];

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Run `work` over items with at most `limit` running at once; results in input order. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(runners);
  return results;
}

function fetchXml(entity: string, columns: readonly string[], filter: string, order: string, page: number): string {
  return (
    `<fetch version="1.0" mapping="logical" no-lock="true" count="${PAGE}" page="${page}">` +
    `<entity name="${entity}">` +
    columns.map((c) => `<attribute name="${c}"/>`).join("") +
    filter +
    `<order attribute="${order}"/>` +
    `</entity></fetch>`
  );
}

function inFilter(column: string, values: string[]): string {
  return `<filter type="and"><condition attribute="${column}" operator="in">${values.map((v) => `<value>${xmlAttr(v)}</value>`).join("")}</condition></filter>`;
}

/** Every page of one query (simple paging: `page`/`count`, stop when morerecords is absent). */
async function allPages(pager: FetchXmlPager, entity: string, build: (page: number) => string): Promise<Row[]> {
  const rows: Row[] = [];
  for (let page = 1; ; page++) {
    const result = await pager.fetchXmlPage(entity, build(page));
    rows.push(...result.entities);
    if (!result.moreRecords) return rows;
    if (page >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES * PAGE} rows for one chunk; use a smaller --chunk-size`);
  }
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function accountFromRow(row: Row): AccountInfo | undefined {
  const id = normalizeGuid(row[Account.id]);
  if (!id) return undefined;
  return {
    id,
    name: str(row[Account.name]),
    parentId: normalizeGuid(row[`_${Account.parent}_value`]),
    accountNumber: str(row[Account.accountNumber]),
    email: str(row[Account.email]),
    website: str(row[Account.website]),
  };
}

/** "https://www.Contoso.com/about" -> "contoso.com"; "sales@contoso.com" -> "contoso.com". */
export function domainOf(value: string): string | undefined {
  let v = value.trim().toLowerCase();
  const at = v.lastIndexOf("@");
  if (at >= 0) v = v.slice(at + 1);
  v = v.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split(/[/?#:]/)[0].replace(/^www\./, "").replace(/\.$/, "");
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(v) ? v : undefined;
}

/** The value an account holds for a match column, normalised the way list values are. */
export function accountKeys(account: AccountInfo, column: MatchColumn): string[] {
  switch (column) {
    case "accountId":
      return [account.id];
    case "accountNumber":
      return account.accountNumber ? [account.accountNumber.toLowerCase()] : [];
    case "name":
      return account.name ? [account.name.toLowerCase()] : [];
    case "email":
    case "domain":
      return [account.website, account.email].flatMap((v) => (v ? [domainOf(v)] : [])).filter((d): d is string => d !== undefined);
  }
}

export interface MatchResult {
  /** Normalised value -> the accounts it matches (none, one, or several: ambiguous). */
  byValue: Map<string, AccountInfo[]>;
  /** Normalised value -> why it could not be looked up. */
  failed: Map<string, SourceFailure>;
}

/** Look up accounts by one column for many (already normalised) values. */
export async function matchAccounts(pager: FetchXmlPager, column: MatchColumn, values: string[], options: BatchOptions = {}): Promise<MatchResult> {
  const byValue = new Map<string, AccountInfo[]>(values.map((v) => [v, []]));
  const failed = new Map<string, SourceFailure>();
  const size = column === "email" || column === "domain" ? Math.min(DOMAIN_CHUNK, options.chunkSize ?? DOMAIN_CHUNK) : (options.chunkSize ?? DEFAULT_CHUNK);
  const attribute = { accountId: Account.id, accountNumber: Account.accountNumber, name: Account.name, email: "", domain: "" }[column];
  await pool(chunks([...byValue.keys()], size), options.concurrency ?? 8, async (chunk) => {
    // `like` only narrows the search; the exact domain comparison happens below.
    const filter = attribute
      ? inFilter(attribute, chunk)
      : `<filter type="or">${chunk
          .map((d) => `<condition attribute="${Account.website}" operator="like" value="%${xmlAttr(d)}%"/><condition attribute="${Account.email}" operator="like" value="%@${xmlAttr(d)}"/>`)
          .join("")}</filter>`;
    try {
      const rows = await allPages(pager, Account.logicalName, (page) => fetchXml(Account.logicalName, ACCOUNT_COLUMNS, filter, Account.id, page));
      const wanted = new Set(chunk);
      for (const account of rows.map(accountFromRow)) {
        if (!account) continue;
        for (const key of new Set(accountKeys(account, column))) {
          const list = wanted.has(key) ? byValue.get(key) : undefined;
          if (list && !list.some((a) => a.id === account.id)) list.push(account);
        }
      }
    } catch (error) {
      for (const v of chunk) failed.set(v, toFailure(error));
    }
    options.onStep?.("matching");
  });
  return { byValue, failed };
}

export interface Hierarchy {
  accounts: Map<string, AccountInfo>;
  /** Account ids whose read failed (a chain through one of them cannot be trusted). */
  failed: Map<string, SourceFailure>;
}

/** Read the ancestors of the given accounts, one level per round, every level in `in` chunks. */
export async function walkHierarchy(pager: FetchXmlPager, known: AccountInfo[], options: BatchOptions = {}): Promise<Hierarchy> {
  const accounts = new Map(known.map((a) => [a.id, a]));
  const failed = new Map<string, SourceFailure>();
  let wanted = [...new Set(known.map((a) => a.parentId).filter((p): p is string => !!p && !accounts.has(p)))];
  for (let level = 0; wanted.length && level < MAX_LEVELS; level++) {
    const found = await readAccounts(pager, wanted, options, "hierarchy");
    for (const [id, failure] of found.failed) failed.set(id, failure);
    for (const a of found.accounts) accounts.set(a.id, a);
    wanted = [...new Set(found.accounts.map((a) => a.parentId).filter((p): p is string => !!p && !accounts.has(p) && !failed.has(p)))];
  }
  return { accounts, failed };
}

async function readAccounts(pager: FetchXmlPager, ids: string[], options: BatchOptions, phase: string): Promise<{ accounts: AccountInfo[]; failed: Map<string, SourceFailure> }> {
  const accounts: AccountInfo[] = [];
  const failed = new Map<string, SourceFailure>();
  await pool(chunks(ids, options.chunkSize ?? DEFAULT_CHUNK), options.concurrency ?? 8, async (chunk) => {
    try {
      const rows = await allPages(pager, Account.logicalName, (page) => fetchXml(Account.logicalName, ACCOUNT_COLUMNS, inFilter(Account.id, chunk), Account.id, page));
      for (const a of rows.map(accountFromRow)) if (a) accounts.push(a);
    } catch (error) {
      for (const id of chunk) failed.set(id, toFailure(error));
    }
    options.onStep?.(phase);
  });
  return { accounts, failed };
}

export interface AssociationRows {
  byAccount: Map<string, Row[]>;
  failed: Map<string, SourceFailure>;
}

/** The associations recorded on every given account, in `in` chunks on the customer lookup. */
export async function readAssociations(pager: FetchXmlPager, accountIds: string[], options: BatchOptions = {}): Promise<AssociationRows> {
  const byAccount = new Map<string, Row[]>(accountIds.map((id) => [id, []]));
  const failed = new Map<string, SourceFailure>();
  const columns = [...ASSOCIATION_COLUMNS, Association.customer];
  await pool(chunks(accountIds, options.chunkSize ?? DEFAULT_CHUNK), options.concurrency ?? 8, async (chunk) => {
    try {
      const rows = await allPages(pager, Association.logicalName, (page) =>
        fetchXml(Association.logicalName, columns, inFilter(Association.customer, chunk), Association.id, page),
      );
      for (const row of rows) byAccount.get(normalizeGuid(row[`_${Association.customer}_value`]) ?? "")?.push(row);
    } catch (error) {
      for (const id of chunk) failed.set(id, toFailure(error));
    }
    options.onStep?.("associations");
  });
  return { byAccount, failed };
}

/**
 * Outreach exception requests of the given accounts with their decisions, judged by the verdict
 * at its "now" like the card judges them (so `--as-of` sees what counted on that day). A failed
 * read leaves the accounts without exceptions: blocked stays blocked, the safe side.
 */
export async function readExceptions(
  pager: FetchXmlPager,
  accountIds: string[],
  options: BatchOptions & { now?: number } = {},
): Promise<Map<string, OutreachException[]>> {
  const E = OutreachExceptionTable;
  const byAccount = new Map<string, OutreachException[]>();
  const since = new Date((options.now ?? Date.now()) - EXCEPTION_LOOKBACK_DAYS * 86_400_000).toISOString();
  await pool(chunks(accountIds, options.chunkSize ?? DEFAULT_CHUNK), options.concurrency ?? 8, async (chunk) => {
    try {
      const recent = `<condition attribute="${E.createdOn}" operator="ge" value="${since}"/>`;
      const filter = inFilter(E.account, chunk).replace("</filter>", `${recent}</filter>${decisionLink("dc", E.id)}`);
      const rows = await allPages(pager, E.logicalName, (page) => fetchXml(E.logicalName, [...EXCEPTION_COLUMNS, E.account], filter, E.id, page));
      const requests = mapExceptions(rows.map((row) => asLinked(row, "ex")), (row) => normalizeGuid(row[`ex.${E.account}`]));
      for (const request of requests) {
        const list = byAccount.get(request.accountId) ?? [];
        list.push(request);
        byAccount.set(request.accountId, list);
      }
    } catch {
      // see above: no exceptions for this chunk
    }
    options.onStep?.("exceptions");
  });
  return byAccount;
}

/**
 * A row as read from its own table -> the link-entity shape the mappers read (`alias.x`).
 * Columns of nested link-entities (already `other.x`) are kept as they are.
 */
function asLinked(row: Row, alias: string): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith("@")) continue;
    if (/^\w+\./.test(key)) {
      out[key] = value;
      continue;
    }
    const lookup = /^_(\w+)_value(@.*)?$/.exec(key);
    out[lookup ? `${alias}.${lookup[1]}${lookup[2] ?? ""}` : `${alias}.${key}`] = value;
  }
  return out;
}

/** The Dataverse outcome for one account, from what the batched reads found. */
export function outcomeFor(accountId: string, hierarchy: Hierarchy, associations: AssociationRows): SourceOutcome {
  const base = { source: DATAVERSE_SOURCE, sourceKind: "dataverse" as const };
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (let id: string | undefined = accountId; id && !seen.has(id); id = hierarchy.accounts.get(id)?.parentId) {
    seen.add(id);
    const failure = hierarchy.failed.get(id) ?? associations.failed.get(id);
    if (failure) return { ...base, ok: false, failure };
    const account = hierarchy.accounts.get(id);
    if (!account) break; // a parent that is deleted or not readable ends the chain, as eq-or-above does
    const accountRow: Row = { [Account.id]: account.id, [Account.name]: account.name, [`_${Account.parent}_value`]: account.parentId };
    const linked = associations.byAccount.get(id) ?? [];
    if (!linked.length) rows.push(accountRow);
    for (const a of linked) rows.push({ ...accountRow, ...asLinked(a, "pa") });
  }
  if (!rows.some((r) => r[Account.id] === accountId)) {
    return { ...base, ok: false, failure: { kind: "not-found", message: `account ${accountId} was not found or is not readable` } };
  }
  return { ...base, ok: true, ...mapRows(accountId, rows) };
}

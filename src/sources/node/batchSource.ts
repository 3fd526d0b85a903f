/**
 * Dataverse for many accounts at once (list vetting). Instead of one request per account, it asks
 * in chunks, and each account query carries the account's partner associations with it (outer
 * link-entity `pa`, the alias and columns of the control's one-account query). The exception
 * requests of the accounts a list names, and the decisions on them, are read in queries of their
 * own (the control's, with an `in` condition), beside the hierarchy's: a seller can create any
 * number of requests, so they never join the associations' rows, and each account keeps only its
 * newest EXCEPTION_ROWS, as the card does. So a list costs the match queries, one round per
 * hierarchy level and the exceptions' queries, and every account's rows go through the same
 * `mapRows` and `mapExceptions` the control uses: depth, inherited evidence, parent loops, data
 * notes and exceptions come out identical.
 *
 * Chunks are sized by the encoded URL they make (the GET limit is 32,768 characters), not by a
 * count: 500 GUIDs fit, 500 long names may not. A chunk whose read fails is tried once more
 * before its accounts (and the descendants that inherit through them) become unverified; a chunk
 * with more rows than a query may read is split in halves until each part reads (one account's
 * data never fails another's). Failures stay values.
 */
import { isObject } from "../../core/json";
import { Account, Association, OutreachDecision, OutreachExceptionTable } from "../../schema";
import { DataNote, OutreachException, PartnerAssociation, SourceFailure, SourceOutcome } from "../../core/types";
import { Row, normalizeGuid } from "../webApi";
import { attributes, condition, fetchXml, inCondition, inValue, order } from "../fetchXml";
import {
  ASSOCIATION_COLUMNS,
  DATAVERSE_SOURCE,
  EXCEPTION_ROWS,
  exceptionsFetchXml,
  mapExceptions,
  mapRows,
  newestFirst,
} from "../dataverseSource";
import { SourceError, toFailure } from "../failures";

export interface FetchPage {
  entities: Row[];
  moreRecords: boolean;
  /** The cookie for the next page (already decoded), when the service sent one. */
  pagingCookie?: string;
}

/** What the batched reader needs of a host: one FetchXML page at a time. */
export interface FetchXmlPager {
  fetchXmlPage(entityLogicalName: string, fetchXml: string): Promise<FetchPage>;
}

export type MatchColumn = "accountId" | "accountNumber" | "tenantId" | "email" | "domain" | "name";

export interface AccountInfo {
  id: string;
  name?: string;
  parentId?: string;
  accountNumber?: string;
  tenantId?: string;
  email?: string;
  website?: string;
}

export interface BatchOptions {
  /** At most this many values per `in` condition (the URL length usually binds first). */
  chunkSize?: number;
  /** Chunks in flight at once (the HTTP host bounds requests again, below 52). */
  concurrency?: number;
  /** The longest GET URL a query may make (Dataverse: 32,768 characters). */
  maxUrlLength?: number;
  /** Pause before a failed chunk is tried again (tests set 0). */
  chunkRetryDelayMs?: number;
  /** Called after each request-sized step, for a progress bar. */
  onStep?: (phase: string) => void;
}

const DEFAULT_CHUNK = 500;
/** The documented GET URL limit (dataverse-webapi-facts.md §3). */
export const MAX_URL_LENGTH = 32_768;
/** Room for `https://<org>.crm<n>.dynamics.com/api/data/v9.2/<set>?fetchXml=` in front of the query. */
const URL_PREFIX_ROOM = 512;
/** A query holds at most 500 condition and link-entity elements; domains take two conditions each. */
const MAX_CONDITIONS = 480;
/** The platform's own recursion limit for hierarchy operators. */
const MAX_LEVELS = 100;
const PAGE = 5000;
const MAX_PAGES = 10;
/** The alias of the control's one-account query, which `mapRows` reads. */
const PA = "pa";

const ACCOUNT_COLUMNS = [
  Account.id,
  Account.name,
  Account.parent,
  Account.accountNumber,
  Account.tenantId,
  Account.email,
  Account.website,
];

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

/** What the account query joins to each account row. */
interface Links {
  associations: boolean;
}

function linksXml(links: Links): string {
  return links.associations
    ? `<link-entity name="${Association.logicalName}" from="${Association.customer}" to="${Account.id}" link-type="outer" alias="${PA}">` +
        attributes(ASSOCIATION_COLUMNS) +
        `${order(Association.id)}</link-entity>`
    : "";
}

function accountQuery(filter: string, links: Links, page: number): string {
  return fetchXml(
    Account.logicalName,
    attributes(ACCOUNT_COLUMNS) + filter + linksXml(links) + order(Account.id),
    PAGE,
    page,
  );
}

/** How one value enters a query's filter, and how the filter wraps the pieces. */
interface FilterShape {
  piece: (value: string) => string;
  wrap: (pieces: string) => string;
  /** Filter conditions one value adds (an `in` list adds none after the first). */
  conditionsPerValue: number;
}

function inShape(column: string): FilterShape {
  return {
    piece: inValue,
    wrap: (pieces) => `<filter type="and">${inCondition(column, pieces)}</filter>`,
    conditionsPerValue: 0,
  };
}

/** `like` only narrows the search; the exact domain comparison happens on the rows that come back. */
const DOMAIN_SHAPE: FilterShape = {
  piece: (d) => condition(Account.website, "like", `%${d}%`) + condition(Account.email, "like", `%@${d}`),
  wrap: (pieces) => `<filter type="or">${pieces}</filter>`,
  conditionsPerValue: 2,
};

/**
 * Values -> chunks whose query URL stays within the limit (the URL carries the FetchXML
 * percent-encoded, so that is what is measured), at most `max` values each. A value that cannot
 * fit even alone comes back in `tooLong`.
 */
function chunkByUrl(
  values: string[],
  shape: FilterShape,
  links: Links | ((filter: string) => string),
  options: BatchOptions,
): { chunks: string[][]; tooLong: string[] } {
  const budget = (options.maxUrlLength ?? MAX_URL_LENGTH) - URL_PREFIX_ROOM;
  const max = Math.min(
    options.chunkSize ?? DEFAULT_CHUNK,
    shape.conditionsPerValue ? Math.floor(MAX_CONDITIONS / shape.conditionsPerValue) : Infinity,
  );
  // Page number digits can grow by one when paging; the margin absorbs it.
  const query = typeof links === "function" ? links : (filter: string) => accountQuery(filter, links, 10);
  const fixed = encodeURIComponent(query(shape.wrap(""))).length;
  const chunks: string[][] = [];
  const tooLong: string[] = [];
  let current: string[] = [];
  let length = fixed;
  for (const value of values) {
    const cost = encodeURIComponent(shape.piece(value)).length;
    if (fixed + cost > budget) {
      tooLong.push(value);
      continue;
    }
    if (current.length && (length + cost > budget || current.length >= max)) {
      chunks.push(current);
      current = [];
      length = fixed;
    }
    current.push(value);
    length += cost;
  }
  if (current.length) chunks.push(current);
  return { chunks, tooLong };
}

/**
 * Every page of one query (simple paging: `page`/`count`, stop when morerecords is absent), at
 * most `maxPages` of them: past that, the query holds more rows than it may read (a typed failure).
 */
async function allPages(
  pager: FetchXmlPager,
  build: (page: number) => string,
  entity: string = Account.logicalName,
  maxPages = MAX_PAGES,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (let page = 1; ; page++) {
    const result = await pager.fetchXmlPage(entity, build(page));
    for (const row of result.entities) rows.push(row);
    if (!result.moreRecords) return rows;
    if (page >= maxPages)
      throw new SourceError({
        kind: "too-many-rows",
        message: `more than ${maxPages * PAGE} rows of ${entity} for one query`,
      });
  }
}

/** A failure that may pass: no answer at all (connection, timeout), 429, or a 5xx. A 4xx will not, nor too many rows. */
function transient(error: unknown): boolean {
  if (error instanceof SourceError) return false;
  const status = isObject(error) ? error.status : undefined;
  return typeof status !== "number" || status === 429 || status >= 500;
}

/** One chunk's read, tried a second time when the first failure may pass (network, 5xx, 429). */
async function readChunk<T>(read: () => Promise<T>, options: BatchOptions): Promise<T | SourceFailure> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 1 || !transient(error)) return toFailure(error);
      await new Promise((r) => setTimeout(r, options.chunkRetryDelayMs ?? 1000));
    }
  }
}

const isFailure = (value: unknown): value is SourceFailure =>
  isObject(value) && typeof value.kind === "string" && typeof value.message === "string" && !Array.isArray(value);

/**
 * Read `values` with `read`; a part with more rows than a query may read is split in halves and
 * read again, down to single values, so that one value's data never fails the others'. `done`
 * gets each part that read (or failed for good) with its result.
 */
async function readSplitting<T>(
  values: string[],
  read: (values: string[]) => Promise<T | SourceFailure>,
  done: (values: string[], result: T | SourceFailure) => void,
): Promise<void> {
  const result = await read(values);
  if (isFailure(result) && result.kind === "too-many-rows" && values.length > 1) {
    const half = Math.ceil(values.length / 2);
    await readSplitting(values.slice(0, half), read, done);
    await readSplitting(values.slice(half), read, done);
    return;
  }
  done(values, result);
}

/**
 * `normalizeGuid`, with a shortcut for the usual case of a value already in canonical form (36
 * characters, lower-case hex): it comes back as it is, without a regular expression and two new
 * strings. A list or a feed holds hundreds of thousands of ids.
 */
export function canonicalGuid(value: unknown): string | undefined {
  if (typeof value === "string" && value.length === 36 && isCanonicalGuid(value)) return value;
  return normalizeGuid(value);
}

function isCanonicalGuid(v: string): boolean {
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function accountFromRow(row: Row): AccountInfo | undefined {
  const id = canonicalGuid(row[Account.id]);
  if (!id) return undefined;
  return {
    id,
    name: str(row[Account.name]),
    parentId: canonicalGuid(row[`_${Account.parent}_value`]),
    accountNumber: str(row[Account.accountNumber]),
    tenantId: str(row[Account.tenantId]),
    email: str(row[Account.email]),
    website: str(row[Account.website]),
  };
}

/**
 * "https://www.Contoso.com/about" -> "contoso.com"; "Sales <sales@contoso.com>" -> "contoso.com";
 * "WWW.CONTOSO.COM." -> "contoso.com". Undefined when nothing like a host name is left.
 */
export function domainOf(value: string): string | undefined {
  let v = value
    .trim()
    .toLowerCase()
    .replace(/^mailto:/, "");
  const bracket = /<([^>]*)>/.exec(v);
  if (bracket) v = bracket[1];
  const at = v.lastIndexOf("@");
  if (at >= 0) v = v.slice(at + 1);
  v = v
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/^[^/?#@]*@/, "")
    .split(/[/?#:\s]/)[0]
    .replace(/^www\d?\./, "")
    .replace(/\.$/, "");
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(v) ? v : undefined;
}

/** Names compared the way a person reads them: case, width variants and runs of spaces do not count. */
export function normalizeName(value: string): string {
  return value.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** The value an account holds for a match column, normalised the way list values are. */
export function accountKeys(account: AccountInfo, column: MatchColumn): string[] {
  switch (column) {
    case "accountId":
      return [account.id];
    case "accountNumber":
      return account.accountNumber ? [account.accountNumber.toLowerCase()] : [];
    case "tenantId": {
      const id = normalizeGuid(account.tenantId);
      return id ? [id] : [];
    }
    case "name":
      return account.name ? [normalizeName(account.name)] : [];
    case "email":
    case "domain":
      return [account.website, account.email]
        .flatMap((v) => (v ? [domainOf(v)] : []))
        .filter((d): d is string => d !== undefined);
  }
}

/** The rows of an account put with its evidence already mapped: none (shared, and frozen so nothing adds to it). */
const NO_ROWS: Row[] = Object.freeze([]) as unknown as Row[];

/** The row carries an association (the outer join's id); `mapRows` reads nothing else. */
const ASSOCIATION_KEY = `${PA}.${Association.id}`;
const joinsEvidence = (row: Row) => row[ASSOCIATION_KEY] !== undefined;

/** An account's exception requests as read by their own queries, or why they could not be. */
export interface ExceptionsRead {
  exceptions: OutreachException[];
  failure?: SourceFailure;
}

/**
 * Accounts read so far with the evidence joined to them. `rows` holds an account's rows as the
 * query returned them (account columns, plus `pa.*`, `ex.*`, `dc.*` where joined): the shape
 * `mapRows` reads.
 */
/**
 * What `outcomeFor` needs to know of the accounts read: which were read, which failed, each one's
 * parent and name, its own evidence (mapped by the control's `mapRows`/`mapExceptions`), and what
 * its descendants inherit. `EvidenceStore` (vet) and the whole-table store of `sync --verdicts`
 * both answer it, so every account's outcome is built the same way.
 */
export interface EvidenceChain {
  /** The account was read, or its read failed (otherwise it was not found, or is not readable). */
  known(id: string): boolean;
  failure(id: string): SourceFailure | undefined;
  parentOf(id: string): string | undefined;
  nameOf(id: string): string | undefined;
  ownEvidence(id: string): OwnEvidence | undefined;
  inheritedAssociations(id: string, own: OwnEvidence, depth: number): PartnerAssociation[];
  /** Why the account's exception requests could not be read, when they could not. */
  exceptionsFailure(id: string): SourceFailure | undefined;
}

export class EvidenceStore implements EvidenceChain {
  readonly accounts = new Map<string, AccountInfo>();
  readonly rows = new Map<string, Row[]>();
  /** Account ids whose read failed: a chain through one of them cannot be trusted. */
  readonly failed = new Map<string, SourceFailure>();
  /** The exception requests of the accounts a list names (read apart from the accounts' rows). */
  readonly exceptions = new Map<string, ExceptionsRead>();

  /** Each account's own evidence, mapped once from its rows (children share their ancestors'). */
  private readonly own = new Map<string, OwnEvidence>();
  /** An ancestor's associations as its descendants see them, copied once per depth (index = depth). */
  private readonly inherited = new Map<string, PartnerAssociation[][]>();

  known(id: string): boolean {
    return this.failed.has(id) || this.rows.has(id);
  }

  failure(id: string): SourceFailure | undefined {
    return this.failed.get(id);
  }

  parentOf(id: string): string | undefined {
    return this.accounts.get(id)?.parentId;
  }

  nameOf(id: string): string | undefined {
    return this.accounts.get(id)?.name;
  }

  exceptionsFailure(id: string): SourceFailure | undefined {
    return this.exceptions.get(id)?.failure;
  }

  /** One account with all its rows at once (the offline reader knows both already). */
  put(account: AccountInfo, rows: Row[]): void {
    this.accounts.set(account.id, account);
    this.rows.set(account.id, rows);
    this.forget(account.id);
  }

  /** One account with its evidence already mapped (the offline reader maps feed rows straight to associations). */
  putEvidence(account: AccountInfo, own: OwnEvidence): void {
    this.accounts.set(account.id, account);
    this.rows.set(account.id, NO_ROWS);
    if (this.inherited.size) this.inherited.delete(account.id);
    this.own.set(account.id, own);
  }

  /** The account's exception requests, as `readExceptions` read them. */
  putExceptions(id: string, read: ExceptionsRead): void {
    this.exceptions.set(id, read);
    this.forget(id);
  }

  /** Drop what was mapped from the account's rows (a feed's store holds tens of thousands: no lookups in empty maps). */
  private forget(id: string): void {
    if (this.own.size) this.own.delete(id);
    if (this.inherited.size) this.inherited.delete(id);
  }

  /**
   * The account's own associations as an account `depth` levels below it inherits them (the same
   * associations with that depth). Made once per depth: every descendant shares them.
   */
  inheritedAssociations(id: string, own: OwnEvidence, depth: number): PartnerAssociation[] {
    if (depth === 0 || !own.associations.length) return own.associations;
    let byDepth = this.inherited.get(id);
    if (!byDepth) this.inherited.set(id, (byDepth = []));
    let list = byDepth[depth];
    if (!list) byDepth[depth] = list = own.associations.map((a) => ({ ...a, depth }));
    return list;
  }

  /**
   * The account's own associations (depth 0), through the control's `mapRows`, and its exception
   * requests (read by `readExceptions`; offline, from the feed: none).
   */
  ownEvidence(id: string): OwnEvidence | undefined {
    let own = this.own.get(id);
    if (!own) {
      const rows = this.rows.get(id);
      if (!rows) return undefined;
      const exceptions = this.exceptions.get(id)?.exceptions ?? [];
      // No joined association id on any row: `mapRows` would find none (most accounts).
      own = { associations: rows.some(joinsEvidence) ? mapRows(id, rows).associations : [], exceptions };
      this.own.set(id, own);
    }
    return own;
  }

  add(rows: Row[]): AccountInfo[] {
    const added: AccountInfo[] = [];
    for (const row of rows) {
      const account = accountFromRow(row);
      if (!account) continue;
      let list = this.rows.get(account.id);
      if (!list) {
        list = [];
        this.rows.set(account.id, list);
        this.accounts.set(account.id, account);
        this.failed.delete(account.id);
        added.push(account);
      } else if (list === NO_ROWS) this.rows.set(account.id, (list = []));
      this.forget(account.id);
      list.push(row);
    }
    return added;
  }
}

export interface MatchResult {
  /** Normalised value -> the accounts it matches (none, one, or several: ambiguous). */
  byValue: Map<string, AccountInfo[]>;
  /** Normalised value -> why it could not be looked up. */
  failed: Map<string, SourceFailure>;
}

const MATCH_ATTRIBUTE: Record<MatchColumn, string | undefined> = {
  accountId: Account.id,
  accountNumber: Account.accountNumber,
  tenantId: Account.tenantId,
  name: Account.name,
  email: undefined,
  domain: undefined,
};

/**
 * Look up accounts by one column for many (already normalised) values. With `evidence`, each
 * query also brings the accounts' associations and exceptions (as of `evidence.at`) into the store.
 */
export async function matchAccounts(
  pager: FetchXmlPager,
  column: MatchColumn,
  values: string[],
  options: BatchOptions & { evidence?: { store: EvidenceStore; at: string } } = {},
): Promise<MatchResult> {
  const byValue = new Map<string, AccountInfo[]>(values.map((v) => [v, []]));
  const failed = new Map<string, SourceFailure>();
  const attribute = MATCH_ATTRIBUTE[column];
  const shape = attribute ? inShape(attribute) : DOMAIN_SHAPE;
  const links: Links = { associations: !!options.evidence };
  const { chunks, tooLong } = chunkByUrl([...byValue.keys()], shape, links, options);
  for (const v of tooLong) failed.set(v, { kind: "invalid-input", message: "the value is too long for a query URL" });
  const read = (values: string[]) =>
    readChunk(
      () => allPages(pager, (page) => accountQuery(shape.wrap(values.map(shape.piece).join("")), links, page)),
      options,
    );
  const matched = (chunk: string[], rows: Row[] | SourceFailure) => {
    options.onStep?.("matching");
    if (!Array.isArray(rows)) {
      for (const v of chunk) failed.set(v, rows);
      return;
    }
    options.evidence?.store.add(rows);
    const wanted = new Set(chunk);
    const seen = new Set<string>();
    for (const row of rows) {
      const id = canonicalGuid(row[Account.id]);
      if (!id || seen.has(id)) continue; // joined evidence repeats the account row
      const account = accountFromRow(row) as AccountInfo;
      seen.add(account.id);
      for (const key of new Set(accountKeys(account, column))) {
        const list = wanted.has(key) ? byValue.get(key) : undefined;
        if (list && !list.some((a) => a.id === account.id)) list.push(account);
      }
    }
  };
  await pool(chunks, options.concurrency ?? 16, (chunk) => readSplitting(chunk, read, matched));
  return { byValue, failed };
}

/**
 * Read the ancestors of every account in the store with their associations, one level per round,
 * each level in URL-sized `in` chunks. Exceptions are the account's own (never inherited): not read.
 */
export async function walkHierarchy(
  pager: FetchXmlPager,
  store: EvidenceStore,
  options: BatchOptions = {},
): Promise<void> {
  const parentsOf = (accounts: Iterable<AccountInfo>) => [
    ...new Set(
      [...accounts]
        .map((a) => a.parentId)
        .filter((p): p is string => !!p && !store.accounts.has(p) && !store.failed.has(p)),
    ),
  ];
  let wanted = parentsOf(store.accounts.values());
  const links: Links = { associations: true };
  const byId = inShape(Account.id);
  for (let level = 0; wanted.length && level < MAX_LEVELS; level++) {
    const { chunks } = chunkByUrl(wanted, byId, links, options);
    const added: AccountInfo[] = [];
    const read = (ids: string[]) =>
      readChunk(
        () => allPages(pager, (page) => accountQuery(byId.wrap(ids.map(byId.piece).join("")), links, page)),
        options,
      );
    await pool(chunks, options.concurrency ?? 16, (chunk) =>
      readSplitting(chunk, read, (ids, rows) => {
        options.onStep?.("hierarchy");
        if (Array.isArray(rows)) added.push(...store.add(rows));
        else for (const id of ids) store.failed.set(id, rows);
      }),
    );
    wanted = parentsOf(added);
  }
}

/**
 * The exception requests (the newest EXCEPTION_ROWS of each account, as the card reads them) and
 * the decisions on them, for the given accounts as of `at` (ISO), into the store. Requests and
 * decisions are queries of their own, in URL-sized chunks: a chunk's requests are read in one page
 * and kept when the page holds them all; a chunk with more is split until each part does, and a
 * single account is read bounded (the newest EXCEPTION_ROWS). A failure is the chunk's accounts'
 * own (`ExceptionsRead.failure`): their exceptions then do not count, their associations still do.
 */
export async function readExceptions(
  pager: FetchXmlPager,
  store: EvidenceStore,
  accountIds: string[],
  at: string,
  options: BatchOptions = {},
): Promise<void> {
  const E = OutreachExceptionTable;
  const shape = inShape(E.account);
  const { chunks } = chunkByUrl(accountIds, shape, (filter) => exceptionsFetchXml(true, filter, at, PAGE, 10), options);
  const read = (ids: string[]) =>
    readChunk(async () => {
      const accounts = inCondition(E.account, ids.map(inValue).join(""));
      const single = ids.length === 1;
      const [requests, decisions] = await Promise.all([
        // One page: a single account's newest EXCEPTION_ROWS (more only means older ones, not
        // read), or a chunk's rows when they all fit in it.
        pager.fetchXmlPage(E.logicalName, exceptionsFetchXml(false, accounts, at, single ? EXCEPTION_ROWS : PAGE)),
        allPages(pager, (page) => exceptionsFetchXml(true, accounts, at, PAGE, page), OutreachDecision.logicalName),
      ]);
      if (requests.moreRecords && !single)
        throw new SourceError({ kind: "too-many-rows", message: `more than ${PAGE} exception requests in one chunk` });
      return { requests: requests.entities, decisions };
    }, options);
  await pool(chunks, options.concurrency ?? 16, (chunk) =>
    readSplitting(chunk, read, (ids, result) => {
      options.onStep?.("exceptions");
      if (isFailure(result)) {
        for (const id of ids) store.putExceptions(id, { exceptions: [], failure: result });
        return;
      }
      const byAccount = new Map<string, Row[]>();
      for (const row of result.requests) {
        const id = canonicalGuid(row[`_${E.account}_value`]);
        if (!id) continue;
        const list = byAccount.get(id);
        if (list) list.push(row);
        else byAccount.set(id, [row]);
      }
      for (const id of ids) {
        const requests = (byAccount.get(id) ?? []).sort(newestFirst).slice(0, EXCEPTION_ROWS);
        store.putExceptions(id, { exceptions: requests.length ? mapExceptions(requests, result.decisions) : [] });
      }
    }),
  );
}

export interface OwnEvidence {
  associations: PartnerAssociation[];
  exceptions: OutreachException[];
}

/**
 * The Dataverse outcome for one account, from what the batched reads found: the account's own
 * evidence and its ancestors' (with their depth), what `mapRows` gives for the rows of the whole
 * chain, with each account's rows mapped once however many children inherit from it.
 */
export function outcomeFor(accountId: string, store: EvidenceChain): SourceOutcome {
  // Outcomes written out in full rather than spread from a common base: a spread object is slower
  // to build and to read, and a list makes one outcome per account.
  const source = DATAVERSE_SOURCE;
  const sourceKind = "dataverse" as const;
  if (!store.known(accountId)) {
    return {
      source,
      sourceKind,
      ok: false,
      failure: { kind: "not-found", message: `account ${accountId} was not found or is not readable` },
    };
  }
  const associations: PartnerAssociation[] = [];
  const notes: DataNote[] = [];
  const seen = new Set<string>();
  let depth = 0;
  let exceptions: OutreachException[] = [];
  for (let id: string | undefined = accountId; id; id = store.parentOf(id)) {
    // Dataverse refuses loops, but imported data and fakes may hold one.
    if (seen.has(id)) {
      notes.push({ code: "parent-loop", detail: store.nameOf(id) ?? id });
      break;
    }
    seen.add(id);
    const failure = store.failure(id);
    if (failure) return { source, sourceKind, ok: false, failure };
    const own = store.ownEvidence(id);
    if (!own) {
      // A parent named but not read (the caller cannot read it, or it is not in the feed): not an
      // absent one. The verdict says so, as the control's source does.
      notes.push({ code: "unreadable-parent", detail: id, depth });
      break;
    }
    for (const a of store.inheritedAssociations(id, own, depth)) associations.push(a);
    // Exceptions are the account's own, never inherited.
    if (!depth) exceptions = own.exceptions;
    depth++;
  }
  const exceptionsFailure = store.exceptionsFailure(accountId);
  return exceptionsFailure
    ? { source, sourceKind, ok: true, associations, notes, exceptions, exceptionsFailure }
    : { source, sourceKind, ok: true, associations, notes, exceptions };
}

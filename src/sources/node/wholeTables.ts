/**
 * Every account's evidence at once, for `partnerguard sync --verdicts`: whole tables read page by
 * page (5,000 rows a page, with the service's paging cookie, so past the 50,000 rows simple paging
 * allows), never account by account. Four reads:
 * - the accounts: id, parent and the stored verdict's columns (what the sync compares with);
 * - the exception requests of the last EXCEPTION_LOOKBACK_DAYS and the decisions on them (the
 *   control's `exceptionsFetchXml`, without an account condition), each account keeping its newest
 *   EXCEPTION_ROWS as the card does, mapped by the control's `mapExceptions`;
 * - the partner associations, ordered by customer, so each customer's rows arrive together and are
 *   mapped by the control's `mapRows` as soon as they are complete (the rows are then dropped).
 * The store answers `EvidenceChain`, so `outcomeFor` (vet's) builds each account's outcome and the
 * core's `evaluate` judges it: one core, whatever face asks.
 *
 * Memory: an account costs about 40 bytes: its id as 16 bytes in a `GuidIndex` (no string, no
 * object), a parent slot, flags and the number of its stored verdict in typed arrays (the values
 * themselves are shared: `StoredValues`); only accounts with evidence keep mapped evidence.
 */
import {
  Account,
  Association,
  OutreachDecision,
  OutreachExceptionTable,
  RelationshipTypeCodes,
  StoredOutreachCodes,
  StoredVerdict,
} from "../../schema";
import { invert } from "../../core/json";
import { OutreachException, PartnerAssociation, RelationshipType, SourceFailure } from "../../core/types";
import { StoredOutreach, StoredVerdictValue } from "../../core/storedVerdict";
import { Row } from "../webApi";
import { attributes, fetchXml, order } from "../fetchXml";
import { ASSOCIATION_COLUMNS, EXCEPTION_ROWS, exceptionsFetchXml, mapExceptions, mapRows } from "../dataverseSource";
import { EvidenceChain, FetchXmlPager, OwnEvidence, canonicalGuid } from "./batchSource";
import { toFailure } from "../failures";
import { GuidIndex } from "./guidIndex";
import { StoredValues } from "./storedValues";

/** The page size (the most the service returns for a standard table). */
export const WHOLE_TABLE_PAGE = 5000;

/**
 * Every page of a query, in order, each page's rows handed to `onPage` as it arrives. The next
 * page carries the previous one's paging cookie when the service sent one (else simple paging).
 */
export async function eachPage(
  pager: FetchXmlPager,
  entity: string,
  build: (page: number, cookie: string | undefined) => string,
  onPage: (rows: Row[]) => void,
  /** Work on a page while the next one is read (the page's rows are handed to `onPage` first). */
  afterPage?: () => Promise<void>,
): Promise<number> {
  let cookie: string | undefined;
  let next = pager.fetchXmlPage(entity, build(1, cookie));
  for (let page = 1; ; page++) {
    const result = await next;
    onPage(result.entities);
    if (result.moreRecords) {
      cookie = result.pagingCookie;
      next = pager.fetchXmlPage(entity, build(page + 1, cookie));
      // A failed read of the next page must not go unhandled while this page is worked on.
      next.catch(() => undefined);
    }
    await afterPage?.();
    if (!result.moreRecords) return page;
  }
}

const OUTREACH_BY_CODE: Map<unknown, StoredOutreach> = invert(StoredOutreachCodes);
const TYPE_BY_CODE: Map<unknown, RelationshipType> = invert(RelationshipTypeCodes);

/** The stored verdict's columns the sync reads back (the change time is not compared). */
export const STORED_COLUMNS = [
  StoredVerdict.outreach,
  StoredVerdict.partner,
  StoredVerdict.partnerName,
  StoredVerdict.relationshipType,
  StoredVerdict.protectedUntil,
];

/** Stored verdicts without a partner are few distinct values: one object each, shared. */
const PLAIN: Record<StoredOutreach, StoredVerdictValue> = {
  allowed: Object.freeze({ outreach: "allowed" }),
  blocked: Object.freeze({ outreach: "blocked" }),
  unverified: Object.freeze({ outreach: "unverified" }),
  "allowed-by-exception": Object.freeze({ outreach: "allowed-by-exception" }),
};

const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/** The stored verdict an account row holds; undefined when none was stored (or its status is not one of ours). */
export function storedFromRow(row: Row, intern: (s: string) => string = (s) => s): StoredVerdictValue | undefined {
  const outreach = OUTREACH_BY_CODE.get(row[StoredVerdict.outreach]);
  if (!outreach) return undefined;
  const partnerId = canonicalGuid(row[`_${StoredVerdict.partner}_value`]);
  const partnerName = text(row[StoredVerdict.partnerName]);
  const relationshipType = TYPE_BY_CODE.get(row[StoredVerdict.relationshipType]);
  const protectedUntil = text(row[StoredVerdict.protectedUntil]);
  if (!partnerId && !partnerName && !relationshipType && !protectedUntil) return PLAIN[outreach];
  return {
    outreach,
    partnerId: partnerId && intern(partnerId),
    partnerName: partnerName && intern(partnerName),
    relationshipType,
    protectedUntil: protectedUntil && intern(protectedUntil),
  };
}

/**
 * The PATCH body that stores a verdict: every column, cleared ones as null (a lookup is cleared with
 * `@odata.bind: null`: associate-disassociate-entities-using-web-api), and the moment it changed.
 */
export function storedBody(value: StoredVerdictValue, changedOn: string): Row {
  const V = StoredVerdict;
  return {
    [V.outreach]: StoredOutreachCodes[value.outreach],
    [`${V.partnerNav}@odata.bind`]: value.partnerId ? `/${Account.entitySet}(${value.partnerId})` : null,
    [V.partnerName]: value.partnerName ? value.partnerName.slice(0, 160) : null,
    [V.relationshipType]: value.relationshipType ? RelationshipTypeCodes[value.relationshipType] : null,
    [V.protectedUntil]: value.protectedUntil ?? null,
    [V.computedOn]: changedOn,
  };
}

/** A root-level association row in the shape of the control's joined query (`pa.*` on the customer's row). */
function asJoinedRow(row: Row, customerId: string): Row {
  const joined: Row = { [Account.id]: customerId };
  for (const [key, value] of Object.entries(row)) {
    if (key === "@odata.etag") continue;
    const at = key.indexOf("@");
    const name = at < 0 ? key : key.slice(0, at);
    const rest = at < 0 ? "" : key.slice(at);
    const lookup = /^_(.+)_value$/.exec(name);
    joined[`pa.${lookup ? lookup[1] : name}${rest}`] = value;
  }
  return joined;
}

const NO_EVIDENCE: OwnEvidence = Object.freeze({
  associations: Object.freeze([]) as unknown as PartnerAssociation[],
  exceptions: Object.freeze([]) as unknown as OutreachException[],
});

const NONE = -1;

/**
 * Accounts by slot, their parents, stored verdicts and evidence: the `EvidenceChain` of a whole
 * table. A slot is given to every id the table names (an account, or a parent named before its
 * row arrives); a slot whose row never arrives is a parent that was not read (not readable, or gone).
 */
export class AccountTable implements EvidenceChain {
  private readonly guids = new GuidIndex();
  private parents = new Int32Array(1024);
  /** Flags by slot: READ (the account's row arrived), PARENT (some account names it), OWN (it has associations). */
  private flags = new Uint8Array(1024);
  /** The stored verdict of each slot, as its number in `values` (0, NO_VALUE: none stored). */
  private stored = new Int32Array(1024);
  private readonly values = new StoredValues();
  /** Mapped associations, of the accounts that keep them (parents; a leaf's only while it is judged). */
  private readonly associations = new Map<number, PartnerAssociation[]>();
  private readonly requests = new Map<number, OutreachException[]>();
  private readonly inherited = new Map<number, PartnerAssociation[][]>();
  private readonly strings = new Map<string, string>();
  /** Why the exception requests could not be read (then none counts, for every account). */
  exceptionsRead?: SourceFailure;
  /** Why the associations could not be read (then every account not judged yet is unverified). */
  associationsRead?: SourceFailure;

  /** Slots, read accounts and parents that were not alike. */
  get size(): number {
    return this.guids.size;
  }

  /** The id of a slot (canonical form). */
  idOf(at: number): string {
    return this.guids.idAt(at);
  }

  /** What the account stores now (read with its row), undefined when nothing. */
  storedOf(at: number): StoredVerdictValue | undefined {
    return this.values.valueOf(this.stored[at]);
  }

  /** One copy of a string that recurs (partner names and ids, dates). */
  readonly intern = (s: string): string => {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size < 100_000) this.strings.set(s, s);
    return s;
  };

  indexOf(id: string): number | undefined {
    const at = this.guids.slotOf(id);
    return at < 0 ? undefined : at;
  }

  isRead(at: number): boolean {
    return (this.flags[at] & READ) !== 0;
  }

  isParent(at: number): boolean {
    return (this.flags[at] & PARENT) !== 0;
  }

  /** Whether the account has associations of its own (known once the first pass over them is done). */
  hasAssociations(at: number): boolean {
    return (this.flags[at] & OWN) !== 0;
  }

  private slot(id: string): number {
    const size = this.guids.size;
    const at = this.guids.add(id);
    if (at < size) return at;
    if (at >= this.parents.length) {
      const parents = new Int32Array(this.parents.length * 2);
      parents.set(this.parents);
      this.parents = parents;
      const flags = new Uint8Array(this.flags.length * 2);
      flags.set(this.flags);
      this.flags = flags;
      const stored = new Int32Array(this.stored.length * 2);
      stored.set(this.stored);
      this.stored = stored;
    }
    this.parents[at] = NONE;
    return at;
  }

  /** An account row (id, parent, stored columns). */
  addAccount(row: Row): void {
    const id = canonicalGuid(row[Account.id]);
    if (!id) return;
    const at = this.slot(id);
    if (this.isRead(at)) return;
    this.flags[at] |= READ;
    const parent = canonicalGuid(row[`_${Account.parent}_value`]);
    if (parent !== undefined) {
      const p = this.slot(parent);
      this.parents[at] = p;
      this.flags[p] |= PARENT;
    }
    this.stored[at] = this.values.numberOf(storedFromRow(row));
  }

  /** The requests (newest first) and decisions read, mapped per account by the control's `mapExceptions`. */
  addExceptions(requestRows: Row[], decisionRows: Row[]): void {
    const byAccount = new Map<number, Row[]>();
    for (const row of requestRows) {
      const id = canonicalGuid(row[`_${OutreachExceptionTable.account}_value`]);
      const at = id === undefined ? -1 : this.guids.slotOf(id);
      if (at < 0) continue;
      const list = byAccount.get(at) ?? [];
      if (!byAccount.has(at)) byAccount.set(at, list);
      if (list.length < EXCEPTION_ROWS) list.push(row);
    }
    const decisionsOf = new Map<string, Row[]>();
    for (const row of decisionRows) {
      const id = canonicalGuid(row[`_${OutreachDecision.exception}_value`]);
      if (!id) continue;
      const list = decisionsOf.get(id) ?? [];
      if (!decisionsOf.has(id)) decisionsOf.set(id, list);
      list.push(row);
    }
    for (const [at, rows] of byAccount) {
      const decisions = rows.flatMap((r) => decisionsOf.get(canonicalGuid(r[OutreachExceptionTable.id]) ?? "") ?? []);
      const mapped = mapExceptions(rows, decisions);
      if (mapped.length) this.requests.set(at, mapped);
    }
  }

  /**
   * One customer's association rows (root-level rows of pg_partnerassociation), all of them, mapped
   * by the control's `mapRows`; kept when `keep`, else only marked (the account has some).
   */
  addAssociations(customerId: string, rows: Row[], keep: boolean): number | undefined {
    const at = this.guids.slotOf(customerId);
    if (at < 0 || !this.isRead(at) || !rows.length) return undefined;
    this.flags[at] |= OWN;
    if (!keep) return at;
    const { associations } = mapRows(
      customerId,
      rows.map((r) => asJoinedRow(r, customerId)),
    );
    for (const a of associations) {
      // Partner names, ids and dates repeat across thousands of customers: keep one copy each.
      if (a.partnerId) a.partnerId = this.intern(a.partnerId);
      if (a.partnerName) a.partnerName = this.intern(a.partnerName);
      if (a.startDate) a.startDate = this.intern(a.startDate);
      if (a.endDate) a.endDate = this.intern(a.endDate);
      a.customerAccountId = customerId;
    }
    if (associations.length) this.associations.set(at, associations);
    return at;
  }

  /** Forget an account's associations once it is judged (a leaf's are needed by nobody else). */
  dropAssociations(at: number): void {
    this.associations.delete(at);
  }

  // ---- EvidenceChain ----

  known(id: string): boolean {
    const at = this.guids.slotOf(id);
    return at >= 0 && this.isRead(at);
  }

  failure(): SourceFailure | undefined {
    return this.associationsRead;
  }

  parentOf(id: string): string | undefined {
    const at = this.guids.slotOf(id);
    const p = at < 0 ? NONE : this.parents[at];
    return p >= 0 ? this.guids.idAt(p) : undefined;
  }

  nameOf(): string | undefined {
    return undefined; // names are not read: a loop's note names the account by id
  }

  ownEvidence(id: string): OwnEvidence | undefined {
    const at = this.guids.slotOf(id);
    if (at < 0 || !this.isRead(at)) return undefined;
    const associations = this.associations.get(at);
    const exceptions = this.requests.get(at);
    if (!associations && !exceptions) return NO_EVIDENCE;
    return {
      associations: associations ?? NO_EVIDENCE.associations,
      exceptions: exceptions ?? NO_EVIDENCE.exceptions,
    };
  }

  inheritedAssociations(id: string, own: OwnEvidence, depth: number): PartnerAssociation[] {
    if (depth === 0 || !own.associations.length) return own.associations;
    const at = this.guids.slotOf(id);
    let byDepth = this.inherited.get(at);
    if (!byDepth) this.inherited.set(at, (byDepth = []));
    let list = byDepth[depth];
    if (!list) byDepth[depth] = list = own.associations.map((a) => ({ ...a, depth }));
    return list;
  }

  exceptionsFailure(): SourceFailure | undefined {
    return this.exceptionsRead;
  }

  /**
   * The parent whose chain the account's verdict equals, one level deeper (NONE for no parent), or
   * undefined when the account's own evidence (or a loop) makes its verdict its own. As in vet: an
   * account without associations or requests of its own is judged like any sibling.
   */
  sharedChain(at: number): number | undefined {
    if (this.hasAssociations(at) || this.requests.has(at)) return undefined;
    const up = this.parents[at];
    if (up >= 0 && !this.isRead(up)) return undefined;
    let steps = 0;
    for (let p = up; p >= 0; p = this.parents[p]) if (p === at || ++steps > 100) return undefined;
    return up;
  }
}

const READ = 1;
const PARENT = 2;
const OWN = 4;

export interface ReadOptions {
  /** The moment exceptions must still be valid at (ISO). */
  at: string;
  /** Called after each page read, with the table's name. */
  onPage?: (table: string) => void;
}

/** The accounts (every page): a failure is thrown, nothing can be judged without them. */
export async function readAccounts(pager: FetchXmlPager, table: AccountTable, options: ReadOptions): Promise<number> {
  const columns = [Account.id, Account.parent, ...STORED_COLUMNS];
  const pages = await eachPage(
    pager,
    Account.logicalName,
    (page, cookie) =>
      fetchXml(Account.logicalName, attributes(columns) + order(Account.id), WHOLE_TABLE_PAGE, page, cookie),
    (rows) => {
      for (const row of rows) table.addAccount(row);
      options.onPage?.(Account.logicalName);
    },
  );
  return pages;
}

/** The exception requests and decisions that can still matter at `at`; a failure is kept (no exception counts). */
export async function readAllExceptions(
  pager: FetchXmlPager,
  table: AccountTable,
  options: ReadOptions,
): Promise<number> {
  const requests: Row[] = [];
  const decisions: Row[] = [];
  try {
    const [a, b] = await Promise.all([
      eachPage(
        pager,
        OutreachExceptionTable.logicalName,
        (page, cookie) => withCookie(exceptionsFetchXml(false, "", options.at, WHOLE_TABLE_PAGE, page), cookie),
        (rows) => {
          requests.push(...rows);
          options.onPage?.(OutreachExceptionTable.logicalName);
        },
      ),
      eachPage(
        pager,
        OutreachDecision.logicalName,
        (page, cookie) => withCookie(exceptionsFetchXml(true, "", options.at, WHOLE_TABLE_PAGE, page), cookie),
        (rows) => {
          decisions.push(...rows);
          options.onPage?.(OutreachDecision.logicalName);
        },
      ),
    ]);
    table.addExceptions(requests, decisions);
    return a + b;
  } catch (error) {
    table.exceptionsRead = toFailure(error);
    return 0;
  }
}

/** A query of `exceptionsFetchXml` with the paging cookie added to its `<fetch>`. */
function withCookie(query: string, cookie: string | undefined): string {
  return cookie ? query.replace("<fetch ", `<fetch paging-cookie="${xmlEscape(cookie)}" `) : query;
}

const xmlEscape = (v: string) =>
  v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * Every association, ordered by customer: each customer's rows are mapped when the next customer's
 * begin and handed to `onGroup` (with the account's slot). A failure is kept in the table (every
 * account not judged by then is unverified) and returned.
 */
export async function readAllAssociations(
  pager: FetchXmlPager,
  table: AccountTable,
  options: ReadOptions & { onGroup: (customerId: string, rows: Row[]) => void | Promise<void> },
): Promise<SourceFailure | undefined> {
  const columns = [...ASSOCIATION_COLUMNS, Association.customer];
  let customer: string | undefined;
  let group: Row[] = [];
  const flush = async () => {
    if (customer !== undefined && group.length) await options.onGroup(customer, group);
    group = [];
  };
  const pending: Row[][] = [];
  try {
    await eachPage(
      pager,
      Association.logicalName,
      (page, cookie) =>
        fetchXml(
          Association.logicalName,
          attributes(columns) + order(Association.customer) + order(Association.id),
          WHOLE_TABLE_PAGE,
          page,
          cookie,
        ),
      (rows) => {
        pending.push(rows);
        options.onPage?.(Association.logicalName);
      },
      async () => {
        for (const rows of pending.splice(0))
          for (const row of rows) {
            const id = canonicalGuid(row[`_${Association.customer}_value`]);
            if (id !== customer) {
              await flush();
              customer = id;
            }
            group.push(row);
          }
      },
    );
    await flush();
    return undefined;
  } catch (error) {
    table.associationsRead = toFailure(error);
    return table.associationsRead;
  }
}

/**
 * Dataverse source: four FetchXML requests issued together (one round trip of latency):
 * the account, its ancestors and all their partner associations (account rows filtered
 * `eq-or-above`, associations joined with an outer link-entity), paged with `page`/`count` when
 * one page is not enough; the account's newest exception requests (at most EXCEPTION_ROWS: a
 * seller can create any number of them); the decisions on the account's requests; and its latest
 * partner engagement. Separate queries, so one-to-many joins never multiply each other's rows
 * toward the 50,000-row limit, and the exceptions' failure never costs the associations.
 *
 * Reading the accounts themselves (not only the associations) gives every parent link of the
 * chain, so depth, "inherited from" and parent loops are worked out here, not guessed; a parent
 * the answer leaves out (the caller cannot read it) is said, never taken for no parent.
 */
import {
  Account,
  Association,
  AssociationSourceCodes,
  AssociationStatusCodes,
  DecisionCodes,
  ENGAGEMENT_RECENT_DAYS,
  ExceptionReasonCodes,
  OutreachDecision,
  OutreachExceptionTable,
  RelationshipTypeCodes,
  ServerColumns,
  ENGAGEMENT_ACTIVITY,
} from "../schema";
import { invert } from "../core/json";
import {
  DataNote,
  Engagement,
  ExceptionDecision,
  OutreachException,
  PartnerAssociation,
  RelationshipType,
  SourceOutcome,
} from "../core/types";
import { REQUEST_OPEN_DAYS } from "../core/exceptions";
import { FORMATTED, Row, WebApiHost, normalizeGuid } from "./webApi";
import { attributes, condition, fetchXml, order } from "./fetchXml";
import { SourceError, retryAfterMsOf, toFailure } from "./failures";

export const DATAVERSE_SOURCE = "Dataverse";
const PAGE_SIZE = 5000;
/** Simple FetchXML paging cannot go past 50,000 rows. */
export const MAX_PAGES = 10;

const ALIAS = "pa";
const EX = "ex";

/** The association columns the verdict needs (the batched reader of the command line selects the same). */
export const ASSOCIATION_COLUMNS = [
  Association.id,
  Association.partner,
  Association.relationshipType,
  Association.status,
  Association.start,
  Association.end,
  Association.source,
  Association.externalReference,
  Association.partnerContact,
];

export const EXCEPTION_COLUMNS = [
  OutreachExceptionTable.id,
  OutreachExceptionTable.account,
  OutreachExceptionTable.requestedFor,
  OutreachExceptionTable.requestedDays,
  OutreachExceptionTable.reasonCode,
  OutreachExceptionTable.createdOn,
  OutreachExceptionTable.createdBy,
  ServerColumns.createdOnBehalfBy,
];

export const DECISION_COLUMNS = [
  OutreachDecision.id,
  OutreachDecision.exception,
  OutreachDecision.decision,
  OutreachDecision.days,
  OutreachDecision.note,
  OutreachDecision.createdOn,
  OutreachDecision.createdBy,
  ServerColumns.createdOnBehalfBy,
];

/** The longest an exception can matter: open for REQUEST_OPEN_DAYS, then approved for at most 365 days. */
export const EXCEPTION_LOOKBACK_DAYS = REQUEST_OPEN_DAYS + 365;

/**
 * The most exception requests read per account: the newest ones. Sellers may create requests
 * without limit (even for accounts they cannot read); a flood can then only hide older requests,
 * which can only close outreach, never break the read (docs/architecture.md, "Security model").
 */
export const EXCEPTION_ROWS = 50;

/**
 * The account's exception requests (`decisions` false) or the decisions on them (true), for the
 * accounts `accountCondition` selects (on the request's `pg_accountid`), recent enough to matter at
 * `nowIso`. Each is a query of its own, never joined to the other: the requests come newest first,
 * `count` of them (a bound a flood of requests cannot break); the decisions (only approvers create
 * them) with the request as an inner link-entity.
 */
export function exceptionsFetchXml(
  decisions: boolean,
  accountCondition: string,
  nowIso: string,
  count: number,
  page = 1,
): string {
  const E = OutreachExceptionTable;
  const D = OutreachDecision;
  const since = new Date(Date.parse(nowIso) - EXCEPTION_LOOKBACK_DAYS * 86_400_000).toISOString();
  const filter = `<filter type="and">${accountCondition}${condition(E.createdOn, "ge", since)}</filter>`;
  return decisions
    ? fetchXml(
        D.logicalName,
        attributes(DECISION_COLUMNS) +
          `<link-entity name="${E.logicalName}" from="${E.id}" to="${D.exception}" link-type="inner" alias="${EX}">` +
          filter +
          `</link-entity>` +
          order(D.id),
        count,
        page,
      )
    : fetchXml(
        E.logicalName,
        attributes(EXCEPTION_COLUMNS) + filter + order(E.createdOn, true) + order(E.id),
        count,
        page,
      );
}

export function buildFetchXml(accountId: string, page: number, pageSize: number): string {
  return fetchXml(
    Account.logicalName,
    attributes([Account.id, Account.name, Account.parent]) +
      `<filter type="and">${condition(Account.id, "eq-or-above", accountId)}</filter>` +
      `<link-entity name="${Association.logicalName}" from="${Association.customer}" to="${Account.id}" link-type="outer" alias="${ALIAS}">` +
      attributes(ASSOCIATION_COLUMNS) +
      order(Association.id) +
      `</link-entity>` +
      order(Account.id),
    pageSize,
    page,
  );
}

/**
 * The account's latest engagement task of the last ENGAGEMENT_RECENT_DAYS: the task the partner
 * manager really got (who and when: its server-set createdby/createdon), never the audit row, whose
 * columns are what the seller's client reported.
 */
function buildEngagementFetchXml(accountId: string, nowIso: string): string {
  const T = ENGAGEMENT_ACTIVITY;
  const since = new Date(Date.parse(nowIso) - ENGAGEMENT_RECENT_DAYS * 86_400_000).toISOString();
  return fetchXml(
    T.logicalName,
    attributes(["activityid", T.createdOn, T.createdBy]) +
      `<filter type="and">${condition(T.regarding, "eq", accountId)}` +
      condition(T.category, "eq", T.categoryValue) +
      `${condition(T.createdOn, "ge", since)}</filter>` +
      order(T.createdOn, true),
    1,
  );
}

const TYPE_BY_CODE: Map<number, RelationshipType> = invert(RelationshipTypeCodes);

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Lookups come back as `_x_value` on the root entity and as `alias.x` inside a link-entity. */
function lookup(row: Row, column: string, alias?: string): { id?: string; name?: string } {
  const key = alias ? `${alias}.${column}` : `_${column}_value`;
  return { id: normalizeGuid(row[key]), name: str(row[key + FORMATTED]) };
}

function sourceLabel(row: Row): string {
  const key = `${ALIAS}.${Association.source}`;
  const formatted = str(row[key + FORMATTED]);
  if (formatted) return formatted;
  const code = row[key];
  if (code === AssociationSourceCodes.feed) return "Partner feed";
  if (code === AssociationSourceCodes.graph) return "Graph sync";
  return "Registration";
}

interface AccountNode {
  name?: string;
  parentId?: string;
}

/** Turn the joined rows into associations with depth, plus notes about the data. */
const REASON_BY_CODE = new Map<unknown, string>(
  Object.entries(ExceptionReasonCodes).map(([reason, code]) => [code, reason]),
);

/** The engagement task query's rows: when, and by whom (server-set). */
export function mapEngagements(rows: Row[]): Engagement[] {
  const engagements: Engagement[] = [];
  for (const row of rows) {
    const on = str(row[ENGAGEMENT_ACTIVITY.createdOn]);
    if (on) engagements.push({ on, by: lookup(row, ENGAGEMENT_ACTIVITY.createdBy).name });
  }
  return engagements;
}

const DECISION_BY_CODE: Map<unknown, ExceptionDecision["decision"]> = invert(DecisionCodes);

/**
 * Requests and decisions, each read by its own query (rows of their own tables) -> the requests
 * with their decisions. Decisions of requests not read (older than the newest EXCEPTION_ROWS) are
 * left out with them. `accountOf` says which account a request is on now (its `pg_accountid`).
 */
export function mapExceptions(
  requestRows: Row[],
  decisionRows: Row[],
  accountOf: (row: Row) => string | undefined = (row) => lookup(row, OutreachExceptionTable.account).id,
): OutreachException[] {
  const E = OutreachExceptionTable;
  const D = OutreachDecision;
  const byId = new Map<string | undefined, OutreachException>();
  for (const row of requestRows) {
    const id = normalizeGuid(row[E.id]);
    const accountId = accountOf(row);
    if (!id || !accountId || byId.has(id)) continue;
    const by = lookup(row, E.createdBy);
    const days = row[E.requestedDays];
    byId.set(id, {
      id,
      accountId,
      createdBy: by.id,
      createdOnBehalfBy: lookup(row, ServerColumns.createdOnBehalfBy).id,
      requestedFor: str(row[E.requestedFor]),
      requestedBy: by.name,
      createdOn: str(row[E.createdOn]),
      requestedDays: typeof days === "number" ? days : undefined,
      reason: REASON_BY_CODE.get(row[E.reasonCode]),
      decisions: [],
    });
  }
  const seen = new Set<string>();
  for (const row of decisionRows) {
    const id = normalizeGuid(row[D.id]);
    const request = byId.get(lookup(row, D.exception).id);
    if (!id || !request || seen.has(id)) continue;
    seen.add(id);
    const days = row[D.days];
    const by = lookup(row, D.createdBy);
    request.decisions.push({
      id,
      exceptionId: request.id,
      decision: DECISION_BY_CODE.get(row[D.decision]) ?? "unknown",
      days: typeof days === "number" ? days : undefined,
      createdBy: by.id,
      createdOnBehalfBy: lookup(row, ServerColumns.createdOnBehalfBy).id,
      createdByName: by.name,
      createdOn: str(row[D.createdOn]),
      note: str(row[D.note]),
    });
  }
  return [...byId.values()];
}

/**
 * Newest first, as the requests' query orders them (`createdon` descending, then id): readers that
 * get several accounts' requests in one answer keep each account's newest EXCEPTION_ROWS with it.
 */
export function newestFirst(a: Row, b: Row): number {
  const E = OutreachExceptionTable;
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const x = text(a[E.createdOn]);
  const y = text(b[E.createdOn]);
  if (x !== y) return x < y ? 1 : -1;
  const i = text(a[E.id]);
  const j = text(b[E.id]);
  return i < j ? -1 : i > j ? 1 : 0;
}

export function mapRows(accountId: string, rows: Row[]): { associations: PartnerAssociation[]; notes: DataNote[] } {
  const target = normalizeGuid(accountId) ?? accountId.toLowerCase();
  const accounts = new Map<string, AccountNode>();
  const notes: DataNote[] = [];
  for (const row of rows) {
    const id = normalizeGuid(row[Account.id]);
    if (!id) continue;
    if (!accounts.has(id)) accounts.set(id, { name: str(row[Account.name]), parentId: lookup(row, Account.parent).id });
  }
  // Walk up from the account; Dataverse refuses loops, but imported data and fakes may hold one.
  const depthOf = new Map<string, number>();
  let current: string | undefined = target;
  let depth = 0;
  while (current && accounts.has(current)) {
    if (depthOf.has(current)) {
      notes.push({ code: "parent-loop", detail: accounts.get(current)?.name ?? current });
      break;
    }
    depthOf.set(current, depth++);
    current = accounts.get(current)?.parentId;
  }
  // The hierarchy query leaves out ancestors the caller cannot read: a parent named but not
  // returned is not an absent one (its partner of record cannot be ruled out).
  if (current && depth && !accounts.has(current)) notes.push({ code: "unreadable-parent", detail: current, depth });

  const associations: PartnerAssociation[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = normalizeGuid(row[`${ALIAS}.${Association.id}`]);
    if (!id) continue; // an ancestor without associations (outer join)
    if (seen.has(id)) continue; // the same association once per joined exception
    seen.add(id);
    const customerId = normalizeGuid(row[Account.id]);
    const d = customerId === undefined ? undefined : depthOf.get(customerId);
    if (customerId === undefined || d === undefined) continue; // not on the account's chain (beyond a loop)
    const typeCode = row[`${ALIAS}.${Association.relationshipType}`];
    const type = typeof typeCode === "number" ? TYPE_BY_CODE.get(typeCode) : undefined;
    const statusCode = row[`${ALIAS}.${Association.status}`];
    const status =
      statusCode === AssociationStatusCodes.active
        ? "active"
        : statusCode === AssociationStatusCodes.inactive
          ? "inactive"
          : "unknown";
    const partner = lookup(row, Association.partner, ALIAS);
    const contact = lookup(row, Association.partnerContact, ALIAS);
    associations.push({
      id,
      customerAccountId: customerId,
      customerName: accounts.get(customerId)?.name,
      partnerId: partner.id,
      partnerName: partner.name,
      relationshipType: type ?? "unknown",
      rawType: type ? undefined : JSON.stringify(typeCode ?? null),
      status,
      rawStatus: status === "unknown" ? JSON.stringify(statusCode ?? null) : undefined,
      startDate: str(row[`${ALIAS}.${Association.start}`]),
      endDate: str(row[`${ALIAS}.${Association.end}`]),
      source: sourceLabel(row),
      sourceKind: "dataverse",
      externalReference: str(row[`${ALIAS}.${Association.externalReference}`]),
      partnerContactId: contact.id,
      partnerContactName: contact.name,
      // Contracts synced from Graph carry no dates by nature: not a gap to review.
      undated: row[`${ALIAS}.${Association.source}`] === AssociationSourceCodes.graph || undefined,
      depth: d,
    });
  }
  return { associations, notes };
}

export interface DataverseSourceOptions {
  pageSize?: number;
  signal?: AbortSignal;
  /** The verdict's deadline (epoch ms by `clock`): a throttled read is retried only when its wait fits before it. */
  deadline?: number;
  clock?: () => number;
  /** The moment exceptions must still be valid at (defaults to the real clock). */
  now?: number;
}

/** Read the account's and its ancestors' associations. Never throws: failures are values. */
export async function readDataverse(
  host: WebApiHost,
  accountId: string,
  options: DataverseSourceOptions = {},
): Promise<SourceOutcome> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const base = { source: DATAVERSE_SOURCE, sourceKind: "dataverse" as const };
  const id = normalizeGuid(accountId);
  if (!id)
    return { ...base, ok: false, failure: { kind: "invalid-input", message: `"${accountId}" is not an account id` } };
  const nowIso = new Date(options.now ?? Date.now()).toISOString();
  const each = (entity: string, build: (page: number) => string, size = pageSize, pages = MAX_PAGES) =>
    allPages(host, entity, build, size, options, pages);
  const hierarchy = each(Account.logicalName, (page) => buildFetchXml(id, page, pageSize));
  const accountIs = condition(OutreachExceptionTable.account, "eq", id);
  // Issued together: the latency is one round trip, and no query's rows multiply another's. Only
  // the hierarchy's read decides whether the source answered: the exceptions' failure means that
  // no exception counts (they only open outreach), the engagement's that none is shown.
  const exceptions = Promise.all([
    each(
      OutreachExceptionTable.logicalName,
      () => exceptionsFetchXml(false, accountIs, nowIso, EXCEPTION_ROWS),
      EXCEPTION_ROWS,
      1,
    ),
    each(OutreachDecision.logicalName, (page) => exceptionsFetchXml(true, accountIs, nowIso, pageSize, page)),
  ]).then(
    ([requests, decisions]) => ({ exceptions: mapExceptions(requests, decisions, () => id) }),
    (error: unknown) => ({ exceptions: [], exceptionsFailure: toFailure(error) }),
  );
  const engagements = each(ENGAGEMENT_ACTIVITY.logicalName, () => buildEngagementFetchXml(id, nowIso), 1, 1).then(
    mapEngagements,
    () => [],
  );
  try {
    const rows = await hierarchy;
    if (!rows.some((r) => normalizeGuid(r[Account.id]) === id)) {
      return {
        ...base,
        ok: false,
        failure: { kind: "not-found", message: `account ${id} was not found or is not readable` },
      };
    }
    return { ...base, ok: true, ...mapRows(id, rows), ...(await exceptions), engagements: await engagements };
  } catch (error) {
    return { ...base, ok: false, failure: toFailure(error) };
  }
}

/**
 * A read the service throttled (429) or found busy (503) is tried again after its Retry-After,
 * as often as the wait still fits before the verdict's deadline; otherwise the failure stands.
 */
async function retrying<T>(read: () => Promise<T>, options: DataverseSourceOptions): Promise<T> {
  for (;;) {
    try {
      return await read();
    } catch (error) {
      const wait = retryAfterMsOf(error);
      const deadline = options.deadline ?? 0;
      const now = (options.clock ?? Date.now)();
      if (wait === undefined || options.signal?.aborted || now + wait >= deadline - 100) throw error;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * Every page of one query (simple paging), stopping at the deadline. Past `maxPages` pages of a
 * paged query the account is not readable within the platform's 50,000-row limit.
 */
export async function allPages(
  host: WebApiHost,
  entity: string,
  build: (page: number) => string,
  pageSize: number,
  options: DataverseSourceOptions,
  maxPages = MAX_PAGES,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (let page = 1; ; page++) {
    // Stop paging once the resolver's deadline has passed.
    if (options.signal?.aborted) throw new SourceError({ kind: "timeout", message: "stopped at the time budget" });
    // PCF and Xrm.WebApi take FetchXML unencoded after `?fetchXml=`.
    const result = await retrying(() => host.retrieveMultipleRecords(entity, `?fetchXml=${build(page)}`), options);
    if (!result || !Array.isArray(result.entities)) {
      throw new SourceError({ kind: "malformed", message: "the Web API answered without an entities list" });
    }
    rows.push(...result.entities);
    if (result.entities.length < pageSize || maxPages === 1) return rows;
    if (page >= maxPages)
      throw new SourceError({
        kind: "too-many-rows",
        message: `more than ${maxPages * pageSize} rows for one account (${entity})`,
      });
  }
}

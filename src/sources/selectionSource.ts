/**
 * Dataverse for a grid selection: the form's four queries, each asked once for every selected
 * account and issued together (one round trip of latency):
 *
 * 1. the selected accounts, all their ancestors and every one's partner associations: one
 *    FetchXML query on account whose filter ORs an `eq-or-above` condition per selected id, with
 *    the associations as the outer link-entity the form's query uses (alias `pa`, same columns);
 * 2. the selected accounts' exception requests (`in` on `pg_accountid`), newest first;
 * 3. the decisions on those requests (`in` through the request link-entity);
 * 4. their engagement tasks of the last ENGAGEMENT_RECENT_DAYS (`in` on `regardingobjectid`).
 *
 * Each account's rows then go through the form's own `mapRows`, `mapExceptions` and
 * `mapEngagements` (one core): the outcome of an account is the one `readDataverse` gives for it
 * alone, so its verdict is the card's. A selected account the answer leaves out (deleted, or the
 * seller may not read it) is `not-found` (fail closed); an ancestor it leaves out is an
 * "unreadable parent" note, as on the form (platform-facts G: a hierarchy query leaves out rows
 * the caller cannot read; a missing parent is not an absent one).
 *
 * Limits (dataverse-webapi-facts.md §1, §3): a query holds at most 500 condition and link-entity
 * elements, and a GET URL at most 32,768 characters. MAX_SELECTION (250) `eq-or-above` conditions
 * and one link-entity make 251 elements; the query is written with single-quoted attributes because
 * a URL-encoded `"` takes three characters (`%22`) and `'` one, which keeps 250 conditions at about
 * 31,000 characters (a test measures it). Larger selections are refused before any request.
 */
import {
  Account,
  Association,
  Contact,
  ENGAGEMENT_ACTIVITY,
  LeadTable,
  ENGAGEMENT_RECENT_DAYS,
  OutreachDecision,
  OutreachExceptionTable,
} from "../schema";
import {
  DataNote,
  Engagement,
  OutreachException,
  PartnerAssociation,
  SourceFailure,
  SourceOutcome,
} from "../core/types";
import { Row, WebApiHost, normalizeGuid } from "./webApi";
import { attributes, condition, fetchXml, inCondition, inValue, order } from "./fetchXml";
import {
  ASSOCIATION_COLUMNS,
  DATAVERSE_SOURCE,
  DataverseSourceOptions,
  EXCEPTION_ROWS,
  allPages,
  exceptionsFetchXml,
  mapEngagements,
  mapExceptions,
  mapRows,
  newestFirst,
} from "./dataverseSource";
import { SourceError, toFailure } from "./failures";

/** The most accounts one selection may hold (the bench's 250; the hierarchy query's size binds it). */
export const MAX_SELECTION = 250;
/** The documented GET URL limit, less room for `https://<org>.crm<n>.dynamics.com/api/data/v9.2/accounts?fetchXml=`. */
export const SELECTION_URL_BUDGET = 32_768 - 512;

const PAGE_SIZE = 5000;
const PA = "pa";

/**
 * Contacts and leads whose accounts a read reaches by itself (the email's recipients not yet
 * known): each query's filter ORs, beside the ids it is given, a `link-type="any"` link-entity per
 * kind (fetchxml/filter-rows.md, "Filter on values in related records":
 * https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/filter-rows#filter-on-values-in-related-records):
 * accounts that have a contact (`parentcustomerid`) or a lead (`parentaccountid`) among them, and
 * rows whose account lookup names such an account. The hierarchy query also reaches the ancestors
 * of those accounts, up to `hops` parents, by nesting account links on `parentaccountid`.
 */
export interface Reach {
  contacts: readonly string[];
  leads: readonly string[];
  /** The accounts to answer for, known once the contacts and leads are read (the ids given and those reached). */
  targets: Promise<readonly string[]>;
}

/** condition + link-entity elements per query (fetchxml/filter-rows.md, "Condition limits"). */
const MAX_QUERY_ELEMENTS = 500;
/** Link-entities per query (fetchxml/join-tables.md, Limitations: "up to 15 link-entity elements"). */
export const MAX_LINK_ENTITIES = 15;
/**
 * Parents above a contact's or lead's account the hierarchy query reaches in its own request
 * (parent, grandparent, great-grandparent). Each hop costs two link-entities per kind (the child
 * account and the contact or lead again), so with both kinds 1 + 2 × (2 × 3 + 1) = 15 is the most
 * the link-entity limit allows; an ancestor further up is read in a second request (`readSelection`).
 */
export const MAX_REACH_HOPS = 3;

/** What one selection's read found, by canonical account id. */
export interface SelectionRead {
  /** Each selected account's Dataverse outcome, as `readDataverse` would give it for that account alone. */
  outcomes: Map<string, SourceOutcome>;
  /** The customer tenant id each selected account carries as read (absent: none, or withheld). */
  tenantIds: Map<string, string | undefined>;
  /** The selected accounts' names, as read. */
  names: Map<string, string | undefined>;
}

/** Single-quoted attributes: values are escaped by `condition`/`inValue`, so every `"` left is a delimiter. */
const singleQuoted = (xml: string): string => xml.replace(/"/g, "'");

type ReachIds = Pick<Reach, "contacts" | "leads">;

/** The party links of one kind: rows whose `to` column names an account of one of these contacts or leads. */
function partyLink(kind: "contact" | "lead", ids: readonly string[], to: string): string {
  if (!ids.length) return "";
  const [table, id, from] =
    kind === "contact"
      ? [Contact.logicalName, Contact.id, Contact.company]
      : [LeadTable.logicalName, LeadTable.id, LeadTable.parentAccount];
  return (
    `<link-entity name="${table}" from="${from}" to="${to}" link-type="any">` +
    `<filter>${inCondition(id, ids.map(inValue).join(""))}</filter></link-entity>`
  );
}

/** Accounts `hops` parents or fewer above an account of one of these contacts or leads (nested account links). */
function reachUp(kind: "contact" | "lead", ids: readonly string[], hops: number): string {
  if (!ids.length) return "";
  const own = partyLink(kind, ids, Account.id);
  if (hops === 0) return own;
  return (
    own +
    `<link-entity name="${Account.logicalName}" from="${Account.parent}" to="${Account.id}" link-type="any">` +
    `<filter type="or">${reachUp(kind, ids, hops - 1)}</filter></link-entity>`
  );
}

/** The condition that picks rows of the given accounts (`in` on `column`), or of the reached ones. */
function accountsCondition(column: string, ids: readonly string[], reach?: ReachIds): string {
  const known = ids.length ? inCondition(column, ids.map(inValue).join("")) : "";
  if (!reach || (!reach.contacts.length && !reach.leads.length)) return known;
  return `<filter type="or">${known}${partyLink("contact", reach.contacts, column)}${partyLink("lead", reach.leads, column)}</filter>`;
}

/** The accounts, all their ancestors and their associations, for every selected id (one query). */
export function selectionHierarchyFetchXml(
  ids: readonly string[],
  page = 1,
  pageSize = PAGE_SIZE,
  reach?: ReachIds,
  hops = 0,
): string {
  const reached = reach ? reachUp("contact", reach.contacts, hops) + reachUp("lead", reach.leads, hops) : "";
  return singleQuoted(
    fetchXml(
      Account.logicalName,
      attributes([Account.id, Account.name, Account.parent, Account.tenantId]) +
        `<filter type="or">${ids.map((id) => condition(Account.id, "eq-or-above", id)).join("")}${reached}</filter>` +
        `<link-entity name="${Association.logicalName}" from="${Association.customer}" to="${Account.id}" link-type="outer" alias="${PA}">` +
        attributes(ASSOCIATION_COLUMNS) +
        order(Association.id) +
        `</link-entity>` +
        order(Account.id),
      pageSize,
      page,
    ),
  );
}

/** The selected accounts' engagement tasks of the last ENGAGEMENT_RECENT_DAYS, newest first (one page). */
export function selectionEngagementsFetchXml(
  ids: readonly string[],
  nowIso: string,
  count = PAGE_SIZE,
  reach?: ReachIds,
): string {
  const T = ENGAGEMENT_ACTIVITY;
  const since = new Date(Date.parse(nowIso) - ENGAGEMENT_RECENT_DAYS * 86_400_000).toISOString();
  return fetchXml(
    T.logicalName,
    attributes(["activityid", T.regarding, T.createdOn, T.createdBy]) +
      `<filter type="and">${accountsCondition(T.regarding, ids, reach)}` +
      condition(T.category, "eq", T.categoryValue) +
      `${condition(T.createdOn, "ge", since)}</filter>` +
      order(T.createdOn, true),
    count,
  );
}

/** The four queries of a read, as sent (page 1), for measuring. */
function queriesOf(ids: readonly string[], reach: ReachIds | undefined, hops: number, nowIso: string): string[] {
  const accounts = accountsCondition(OutreachExceptionTable.account, ids, reach);
  return [
    selectionHierarchyFetchXml(ids, 1, PAGE_SIZE, reach, hops),
    exceptionsFetchXml(false, accounts, nowIso, PAGE_SIZE),
    exceptionsFetchXml(true, accounts, nowIso, PAGE_SIZE),
    selectionEngagementsFetchXml(ids, nowIso, PAGE_SIZE, reach),
  ];
}

/** Link-entities in a query (the limit counts them wherever they are). */
const linkCount = (xml: string): number => xml.split("<link-entity ").length - 1;

/**
 * How many parents up the hierarchy query can reach from the contacts' and leads' accounts: the
 * most (up to MAX_REACH_HOPS) for which every query of the read stays within the link-entity limit
 * and the URL budget (each hop repeats the ids); undefined when not even their own accounts fit, so
 * that the contacts and leads are read first and their accounts after (two round trips).
 */
export function reachHops(
  ids: readonly string[],
  reach: ReachIds,
  nowIso = new Date(0).toISOString(),
): number | undefined {
  for (let hops = MAX_REACH_HOPS; hops >= 0; hops--) {
    const queries = queriesOf(ids, reach, hops, nowIso);
    const fits = (q: string) =>
      linkCount(q) <= MAX_LINK_ENTITIES &&
      linkCount(q) + q.split("<condition ").length - 1 <= MAX_QUERY_ELEMENTS &&
      encodeURIComponent(q).length <= SELECTION_URL_BUDGET;
    if (queries.every(fits)) return hops;
  }
  return undefined;
}

/** Rows grouped by the account id `key` reads, groups in the order of their first row. */
function groupBy(rows: Row[], key: (row: Row) => string | undefined): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const id = key(row);
    if (!id) continue;
    const list = groups.get(id);
    if (list) list.push(row);
    else groups.set(id, [row]);
  }
  return groups;
}

/**
 * The rows of the account's chain (itself, its parent, …) in the order the answer gave them (by
 * account id, each account's rows together): exactly what the form's own query returns for the
 * account, and what `mapRows` reads. Rows of other chains are no part of its verdict.
 */
function chainRows(id: string, byAccount: Map<string, Row[]>, position: Map<string, number>): Row[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  for (let current: string | undefined = id; current && !seen.has(current);) {
    seen.add(current);
    const own = byAccount.get(current);
    if (!own) break; // not read: mapRows says "unreadable parent"
    chain.push(current);
    current = normalizeGuid(own[0][`_${Account.parent}_value`]);
  }
  chain.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
  return chain.flatMap((account) => byAccount.get(account) ?? []);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

interface ExceptionsPart {
  byAccount: Map<string, OutreachException[]>;
  failure?: SourceFailure;
}

/**
 * The ancestors a second request must read: for each account to answer for, the first parent its
 * chain names that the answer left out, when the first request could not have reached it: the
 * chain holds no account whose whole ancestry was asked (`eq-or-above`), and the parent is more
 * than `hops` above the account. A parent the first request could have reached and did not return
 * is one the caller cannot read ("unreadable parent", as on the form); one asking again would not change.
 */
function parentsBeyondReach(
  targets: readonly string[],
  byAccount: Map<string, Row[]>,
  asked: ReadonlySet<string>,
  hops: number,
): Map<string, string[]> {
  const beyond = new Map<string, string[]>(); // parent -> the accounts whose chain needs it
  for (const target of targets) {
    if (!byAccount.has(target)) continue; // not found: nothing above it counts
    const seen = new Set<string>();
    let covered = false;
    for (let current = target, level = 0; !seen.has(current); level++) {
      seen.add(current);
      covered ||= asked.has(current);
      const parent = normalizeGuid(byAccount.get(current)?.[0][`_${Account.parent}_value`]);
      if (!parent) break;
      if (!byAccount.has(parent)) {
        if (!covered && level + 1 > hops) beyond.set(parent, [...(beyond.get(parent) ?? []), target]);
        break;
      }
      current = parent;
    }
  }
  return beyond;
}

/**
 * Read the selection (canonical, distinct ids, at most MAX_SELECTION). Never throws: a failed
 * hierarchy read fails every account; the exceptions' failure means that no exception counts, the
 * engagements' that none is shown (as on the form).
 *
 * With `reach` (the email's contacts and leads not yet known), the same four queries, issued
 * together with the caller's own lookups, also reach those parties' accounts and up to `hops`
 * (reachHops) of their ancestors; the outcomes are for `reach.targets`. Only when an account's chain
 * goes on above what the first request could reach is one more hierarchy request sent, for those
 * ancestors alone (`eq-or-above` each): a second round trip.
 */
export async function readSelection(
  host: WebApiHost,
  ids: readonly string[],
  options: DataverseSourceOptions = {},
  reach?: Reach & { hops: number },
): Promise<SelectionRead> {
  const base = { source: DATAVERSE_SOURCE, sourceKind: "dataverse" as const };
  const outcomes = new Map<string, SourceOutcome>();
  const tenantIds = new Map<string, string | undefined>();
  const names = new Map<string, string | undefined>();
  const tooMany = (count: number): SourceFailure => ({
    kind: "invalid-input",
    message: `${count} accounts selected; at most ${MAX_SELECTION} can be checked at once`,
  });
  if (ids.length > MAX_SELECTION) {
    for (const id of reach ? await reach.targets : ids)
      outcomes.set(id, { ...base, ok: false, failure: tooMany(ids.length) });
    return { outcomes, tenantIds, names };
  }
  const reaching = reach && (reach.contacts.length || reach.leads.length) ? reach : undefined;
  if (!ids.length && !reaching) return { outcomes, tenantIds, names };
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const nowIso = new Date(options.now ?? Date.now()).toISOString();
  const E = OutreachExceptionTable;
  const accounts = accountsCondition(E.account, ids, reaching);
  const hops = reaching?.hops ?? 0;

  // Issued together: one round trip of latency, and no query's rows multiply another's.
  const hierarchy = allPages(
    host,
    Account.logicalName,
    (page) => selectionHierarchyFetchXml(ids, page, pageSize, reaching, hops),
    pageSize,
    options,
  );
  const exceptions: Promise<ExceptionsPart> = Promise.all([
    allPages(host, E.logicalName, () => exceptionsFetchXml(false, accounts, nowIso, pageSize), pageSize, options, 1),
    allPages(
      host,
      OutreachDecision.logicalName,
      (page) => exceptionsFetchXml(true, accounts, nowIso, pageSize, page),
      pageSize,
      options,
    ),
  ]).then(
    ([requests, decisions]) => {
      // One page of requests holds every account's newest ones only when it is not full; a full
      // page may have cut an account's list short, so then no exception counts (they only open outreach).
      if (requests.length >= pageSize)
        throw new SourceError({
          kind: "too-many-rows",
          message: `more than ${pageSize} exception requests in one selection`,
        });
      const byAccount = new Map<string, OutreachException[]>();
      for (const [id, rows] of groupBy(requests, (row) => normalizeGuid(row[`_${E.account}_value`]))) {
        byAccount.set(
          id,
          mapExceptions(rows.sort(newestFirst).slice(0, EXCEPTION_ROWS), decisions, () => id),
        );
      }
      return { byAccount };
    },
    (error: unknown) => ({ byAccount: new Map(), failure: toFailure(error) }),
  );
  const engagements = allPages(
    host,
    ENGAGEMENT_ACTIVITY.logicalName,
    () => selectionEngagementsFetchXml(ids, nowIso, pageSize, reaching),
    pageSize,
    options,
    1,
  ).then(
    (rows) => {
      const byAccount = new Map<string, Engagement[]>();
      for (const [id, list] of groupBy(rows, (row) => normalizeGuid(row[`_${ENGAGEMENT_ACTIVITY.regarding}_value`])))
        byAccount.set(id, mapEngagements(list.slice(0, 1))); // newest first: the form reads one
      return byAccount;
    },
    () => new Map<string, Engagement[]>(),
  );

  const targets = reach ? [...new Set(await reach.targets)] : ids;
  if (targets.length > MAX_SELECTION) {
    for (const id of targets) outcomes.set(id, { ...base, ok: false, failure: tooMany(targets.length) });
    return { outcomes, tenantIds, names };
  }
  let rows: Row[];
  try {
    rows = await hierarchy;
  } catch (error) {
    const failure = toFailure(error);
    for (const id of targets) outcomes.set(id, { ...base, ok: false, failure });
    return { outcomes, tenantIds, names };
  }
  const byAccount = groupBy(rows, (row) => normalizeGuid(row[Account.id]));
  // Ancestors beyond the first request's reach: one more hierarchy request, for them alone.
  const failedChains = new Map<string, SourceFailure>();
  const beyond = reaching ? parentsBeyondReach(targets, byAccount, new Set(ids), hops) : new Map<string, string[]>();
  if (beyond.size) {
    try {
      const parents = [...beyond.keys()];
      if (parents.length > MAX_SELECTION) throw new SourceError(tooMany(parents.length));
      const more = await allPages(
        host,
        Account.logicalName,
        (page) => selectionHierarchyFetchXml(parents, page, pageSize),
        pageSize,
        options,
      );
      // Accounts the first answer holds already keep its rows (the same rows: never twice).
      for (const [id, own] of groupBy(more, (row) => normalizeGuid(row[Account.id])))
        if (!byAccount.has(id)) byAccount.set(id, own);
    } catch (error) {
      const failure = toFailure(error);
      for (const chained of beyond.values()) for (const id of chained) failedChains.set(id, failure);
    }
  }
  const position = new Map([...byAccount.keys()].map((id, i) => [id, i]));
  const [exceptionsRead, engagementsRead] = await Promise.all([exceptions, engagements]);
  for (const id of targets) {
    const own = byAccount.get(id);
    const chainFailure = failedChains.get(id);
    if (!own || chainFailure) {
      outcomes.set(id, {
        ...base,
        ok: false,
        failure: chainFailure ?? { kind: "not-found", message: `account ${id} was not found or is not readable` },
      });
      continue;
    }
    tenantIds.set(id, str(own[0][Account.tenantId]));
    names.set(id, str(own[0][Account.name]));
    const mapped: { associations: PartnerAssociation[]; notes: DataNote[] } = mapRows(
      id,
      chainRows(id, byAccount, position),
    );
    const exceptionsPart = exceptionsRead.failure
      ? { exceptions: [], exceptionsFailure: exceptionsRead.failure }
      : { exceptions: exceptionsRead.byAccount.get(id) ?? [] };
    outcomes.set(id, { ...base, ok: true, ...mapped, ...exceptionsPart, engagements: engagementsRead.get(id) ?? [] });
  }
  return { outcomes, tenantIds, names };
}

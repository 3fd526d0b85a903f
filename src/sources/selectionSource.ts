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
  ENGAGEMENT_ACTIVITY,
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

/** The accounts, all their ancestors and their associations, for every selected id (one query). */
export function selectionHierarchyFetchXml(ids: readonly string[], page = 1, pageSize = PAGE_SIZE): string {
  return singleQuoted(
    fetchXml(
      Account.logicalName,
      attributes([Account.id, Account.name, Account.parent, Account.tenantId]) +
        `<filter type="or">${ids.map((id) => condition(Account.id, "eq-or-above", id)).join("")}</filter>` +
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
export function selectionEngagementsFetchXml(ids: readonly string[], nowIso: string, count = PAGE_SIZE): string {
  const T = ENGAGEMENT_ACTIVITY;
  const since = new Date(Date.parse(nowIso) - ENGAGEMENT_RECENT_DAYS * 86_400_000).toISOString();
  return fetchXml(
    T.logicalName,
    attributes(["activityid", T.regarding, T.createdOn, T.createdBy]) +
      `<filter type="and">${inCondition(T.regarding, ids.map(inValue).join(""))}` +
      condition(T.category, "eq", T.categoryValue) +
      `${condition(T.createdOn, "ge", since)}</filter>` +
      order(T.createdOn, true),
    count,
  );
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
 * Read the selection (canonical, distinct ids, at most MAX_SELECTION). Never throws: a failed
 * hierarchy read fails every account; the exceptions' failure means that no exception counts, the
 * engagements' that none is shown (as on the form).
 */
export async function readSelection(
  host: WebApiHost,
  ids: readonly string[],
  options: DataverseSourceOptions = {},
): Promise<SelectionRead> {
  const base = { source: DATAVERSE_SOURCE, sourceKind: "dataverse" as const };
  const outcomes = new Map<string, SourceOutcome>();
  const tenantIds = new Map<string, string | undefined>();
  const names = new Map<string, string | undefined>();
  if (ids.length > MAX_SELECTION) {
    const failure: SourceFailure = {
      kind: "invalid-input",
      message: `${ids.length} accounts selected; at most ${MAX_SELECTION} can be checked at once`,
    };
    for (const id of ids) outcomes.set(id, { ...base, ok: false, failure });
    return { outcomes, tenantIds, names };
  }
  if (!ids.length) return { outcomes, tenantIds, names };
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const nowIso = new Date(options.now ?? Date.now()).toISOString();
  const E = OutreachExceptionTable;
  const accounts = inCondition(E.account, ids.map(inValue).join(""));

  // Issued together: one round trip of latency, and no query's rows multiply another's.
  const hierarchy = allPages(
    host,
    Account.logicalName,
    (page) => selectionHierarchyFetchXml(ids, page, pageSize),
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
    () => selectionEngagementsFetchXml(ids, nowIso, pageSize),
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

  let rows: Row[];
  try {
    rows = await hierarchy;
  } catch (error) {
    const failure = toFailure(error);
    for (const id of ids) outcomes.set(id, { ...base, ok: false, failure });
    return { outcomes, tenantIds, names };
  }
  const byAccount = groupBy(rows, (row) => normalizeGuid(row[Account.id]));
  const position = new Map([...byAccount.keys()].map((id, i) => [id, i]));
  const [exceptionsRead, engagementsRead] = await Promise.all([exceptions, engagements]);
  for (const id of ids) {
    const own = byAccount.get(id);
    if (!own) {
      outcomes.set(id, {
        ...base,
        ok: false,
        failure: { kind: "not-found", message: `account ${id} was not found or is not readable` },
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

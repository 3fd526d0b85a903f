/**
 * Dataverse source: the account, its ancestors and all their partner associations in one
 * FetchXML request (account rows filtered `eq-or-above`, associations joined with an outer
 * link-entity), paged with `page`/`count` when one page is not enough.
 *
 * Reading the accounts themselves (not only the associations) gives every parent link of the
 * chain, so depth, "inherited from" and parent loops are worked out here, not guessed.
 */
import {
  Account,
  Association,
  AssociationSourceCodes,
  AssociationStatusCodes,
  AuditDecisionCodes,
  ENGAGEMENT_RECENT_DAYS,
  ExceptionReasonCodes,
  ExceptionStatusCodes,
  OutreachAudit,
  OutreachExceptionTable,
  RelationshipTypeCodes,
} from "../schema";
import { DataNote, Engagement, OutreachException, PartnerAssociation, RelationshipType, SourceOutcome } from "../core/types";
import { FORMATTED, Row, WebApiHost, normalizeGuid, xmlAttr } from "./webApi";
import { SourceError, toFailure } from "./failures";

export const DATAVERSE_SOURCE = "Dataverse";
export const PAGE_SIZE = 5000;
/** Simple FetchXML paging cannot go past 50,000 rows. */
export const MAX_PAGES = 10;

const ALIAS = "pa";
const EX = "ex";
const EN = "en";

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

const EXCEPTION_COLUMNS = [
  OutreachExceptionTable.id,
  OutreachExceptionTable.status,
  OutreachExceptionTable.validUntil,
  OutreachExceptionTable.requester,
  OutreachExceptionTable.approver,
  OutreachExceptionTable.requestedDays,
  OutreachExceptionTable.reasonCode,
  OutreachExceptionTable.createdOn,
];

/** Recent "engaged the partner" audit entries, for the card's "Partner engaged on … by …". */
function engagementLink(nowIso: string): string {
  const A = OutreachAudit;
  const since = new Date(Date.parse(nowIso) - ENGAGEMENT_RECENT_DAYS * 86_400_000).toISOString();
  return (
    `<link-entity name="${A.logicalName}" from="${A.account}" to="${Account.id}" link-type="outer" alias="${EN}">` +
    `<attribute name="${A.id}"/><attribute name="${A.checkedOn}"/><attribute name="${A.seller}"/>` +
    `<filter type="and"><condition attribute="${A.decision}" operator="eq" value="${AuditDecisionCodes["engaged-partner"]}"/>` +
    `<condition attribute="${A.checkedOn}" operator="ge" value="${since}"/></filter>` +
    `</link-entity>`
  );
}

/**
 * Exceptions ride along in the same request: approved ones still valid at `nowIso`, and pending
 * ones (the card shows them). Old exceptions are filtered out by the server, so the join stays small.
 */
function exceptionLink(nowIso: string): string {
  const E = OutreachExceptionTable;
  return (
    `<link-entity name="${E.logicalName}" from="${E.account}" to="${Account.id}" link-type="outer" alias="${EX}">` +
    EXCEPTION_COLUMNS.map((c) => `<attribute name="${c}"/>`).join("") +
    `<filter type="or">` +
    `<filter type="and"><condition attribute="${E.status}" operator="eq" value="${ExceptionStatusCodes.approved}"/>` +
    `<condition attribute="${E.validUntil}" operator="gt" value="${xmlAttr(nowIso)}"/></filter>` +
    `<condition attribute="${E.status}" operator="eq" value="${ExceptionStatusCodes.pending}"/>` +
    `</filter></link-entity>`
  );
}

export function buildFetchXml(accountId: string, page: number, pageSize: number, nowIso: string): string {
  const attrs = ASSOCIATION_COLUMNS.map((c) => `<attribute name="${c}"/>`).join("");
  return (
    `<fetch version="1.0" mapping="logical" no-lock="true" count="${pageSize}" page="${page}">` +
    `<entity name="${Account.logicalName}">` +
    `<attribute name="${Account.id}"/><attribute name="${Account.name}"/><attribute name="${Account.parent}"/>` +
    `<filter type="and"><condition attribute="${Account.id}" operator="eq-or-above" value="${xmlAttr(accountId)}"/></filter>` +
    `<link-entity name="${Association.logicalName}" from="${Association.customer}" to="${Account.id}" link-type="outer" alias="${ALIAS}">` +
    attrs +
    `<order attribute="${Association.id}"/>` +
    `</link-entity>` +
    exceptionLink(nowIso) +
    engagementLink(nowIso) +
    `<order attribute="${Account.id}"/>` +
    `</entity></fetch>`
  );
}

const TYPE_BY_CODE = new Map<number, RelationshipType>(
  Object.entries(RelationshipTypeCodes).map(([type, code]) => [code, type as RelationshipType]),
);

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
const EXCEPTION_STATUS = new Map<unknown, OutreachException["status"]>(
  Object.entries(ExceptionStatusCodes).map(([status, code]) => [code, status as OutreachException["status"]]),
);

const REASON_BY_CODE = new Map<unknown, string>(Object.entries(ExceptionReasonCodes).map(([reason, code]) => [code, reason]));

function mapEngagements(rows: Row[], accountId: string): Engagement[] {
  const byId = new Map<string, Engagement>();
  for (const row of rows) {
    const id = normalizeGuid(row[`${EN}.${OutreachAudit.id}`]);
    const on = str(row[`${EN}.${OutreachAudit.checkedOn}`]);
    if (!id || !on || byId.has(id) || normalizeGuid(row[Account.id]) !== accountId) continue;
    byId.set(id, { on, by: lookup(row, OutreachAudit.seller, EN).name });
  }
  return [...byId.values()];
}

function mapExceptions(rows: Row[]): OutreachException[] {
  const byId = new Map<string, OutreachException>();
  for (const row of rows) {
    const id = normalizeGuid(row[`${EX}.${OutreachExceptionTable.id}`]);
    const status = EXCEPTION_STATUS.get(row[`${EX}.${OutreachExceptionTable.status}`]);
    if (!id || !status || byId.has(id)) continue;
    byId.set(id, {
      id,
      accountId: normalizeGuid(row[Account.id]) as string,
      status,
      validUntil: str(row[`${EX}.${OutreachExceptionTable.validUntil}`]),
      requestedBy: lookup(row, OutreachExceptionTable.requester, EX).name,
      requesterId: lookup(row, OutreachExceptionTable.requester, EX).id,
      approvedBy: lookup(row, OutreachExceptionTable.approver, EX).name,
      requestedDays: typeof row[`${EX}.${OutreachExceptionTable.requestedDays}`] === "number" ? (row[`${EX}.${OutreachExceptionTable.requestedDays}`] as number) : undefined,
      reason: REASON_BY_CODE.get(row[`${EX}.${OutreachExceptionTable.reasonCode}`]),
      createdOn: str(row[`${EX}.${OutreachExceptionTable.createdOn}`]),
    });
  }
  return [...byId.values()];
}

export function mapRows(
  accountId: string,
  rows: Row[],
): { associations: PartnerAssociation[]; notes: DataNote[]; exceptions: OutreachException[]; engagements: Engagement[] } {
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

  const associations: PartnerAssociation[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = normalizeGuid(row[`${ALIAS}.${Association.id}`]);
    if (!id) continue; // an ancestor without associations (outer join)
    if (seen.has(id)) continue; // the same association once per joined exception
    seen.add(id);
    const customerId = normalizeGuid(row[Account.id]) as string;
    const d = depthOf.get(customerId);
    if (d === undefined) continue; // not on the account's chain (beyond a loop)
    const typeCode = row[`${ALIAS}.${Association.relationshipType}`];
    const type = typeof typeCode === "number" ? TYPE_BY_CODE.get(typeCode) : undefined;
    const statusCode = row[`${ALIAS}.${Association.status}`];
    const status =
      statusCode === AssociationStatusCodes.active ? "active" : statusCode === AssociationStatusCodes.inactive ? "inactive" : "unknown";
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
  return { associations, notes, exceptions: mapExceptions(rows), engagements: mapEngagements(rows, target) };
}

export interface DataverseSourceOptions {
  pageSize?: number;
  signal?: AbortSignal;
  /** The moment exceptions must still be valid at (defaults to the real clock). */
  now?: number;
}

/** Read the account's and its ancestors' associations. Never throws: failures are values. */
export async function readDataverse(host: WebApiHost, accountId: string, options: DataverseSourceOptions = {}): Promise<SourceOutcome> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const base = { source: DATAVERSE_SOURCE, sourceKind: "dataverse" as const };
  const id = normalizeGuid(accountId);
  if (!id) return { ...base, ok: false, failure: { kind: "invalid-input", message: `"${accountId}" is not an account id` } };
  try {
    const rows: Row[] = [];
    const nowIso = new Date(options.now ?? Date.now()).toISOString();
    for (let page = 1; ; page++) {
      // Stop paging once the resolver's deadline has passed.
      if (options.signal?.aborted) throw new SourceError({ kind: "timeout", message: "stopped at the time budget" });
      // PCF and Xrm.WebApi take FetchXML unencoded after `?fetchXml=`.
      const result = await host.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${buildFetchXml(id, page, pageSize, nowIso)}`);
      if (!result || !Array.isArray(result.entities)) {
        throw new SourceError({ kind: "malformed", message: "the Web API answered without an entities list" });
      }
      rows.push(...result.entities);
      if (result.entities.length < pageSize) break;
      if (page >= MAX_PAGES) {
        throw new SourceError({ kind: "malformed", message: `more than ${MAX_PAGES * pageSize} rows for one account hierarchy` });
      }
    }
    if (!rows.some((r) => normalizeGuid(r[Account.id]) === id)) {
      return { ...base, ok: false, failure: { kind: "not-found", message: `account ${id} was not found or is not readable` } };
    }
    return { ...base, ok: true, ...mapRows(id, rows) };
  } catch (error) {
    return { ...base, ok: false, failure: toFailure(error) };
  }
}

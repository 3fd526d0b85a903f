/**
 * The audit trail: every outreach decision, engagement and exception decision becomes one
 * pg_outreachaudit row. Sellers may create rows; no one but admins may change or delete them
 * (security roles of the solution).
 */
import { Account, AuditDecisionCodes, AuditVerdictCodes, OutreachAudit } from "../schema";
import { Verdict } from "../core/types";
import { Translate } from "../text/translate";
import { reasonText } from "../text/verdictText";
import { Row, WebApiHost, normalizeGuid, FORMATTED } from "./webApi";

export type AuditDecision = keyof typeof AuditDecisionCodes;

export interface AuditInput {
  verdict: Verdict;
  decision: AuditDecision;
  accountId: string;
  accountName: string;
  userId: string;
  now: number;
  /** Extra lines after the reasons (a note, a justification). */
  details?: string[];
}

export function auditRecord(t: Translate, input: AuditInput): Row {
  const { verdict, decision } = input;
  const reasons = verdict.reasons.map((r) => reasonText(t, verdict, r, input.now)).filter((r): r is string => !!r);
  const sources = verdict.sources.map((s) => t(s.ok ? "Source_ok" : "Source_failed", { source: s.source })).join("; ");
  const record: Row = {
    [OutreachAudit.name]: t("Outreach_AuditName", { account: input.accountName, decision: t(`Decision_${decision}`) }).slice(0, 200),
    [`${OutreachAudit.accountNav}@odata.bind`]: `/${Account.entitySet}(${input.accountId})`,
    [OutreachAudit.checkedOn]: new Date(input.now).toISOString(),
    [OutreachAudit.verdict]: AuditVerdictCodes[verdict.outreach],
    [OutreachAudit.decision]: AuditDecisionCodes[decision],
    [OutreachAudit.reasons]: [...reasons, ...(input.details ?? [])].join("\n"),
    [OutreachAudit.sources]: sources,
  };
  const seller = normalizeGuid(input.userId);
  if (seller) record[`${OutreachAudit.sellerNav}@odata.bind`] = `/systemusers(${seller})`;
  return record;
}

export function writeAudit(host: WebApiHost, t: Translate, input: AuditInput): Promise<unknown> {
  return host.createRecord(OutreachAudit.logicalName, auditRecord(t, input));
}

export interface HistoryEntry {
  id: string;
  on: string;
  by?: string;
  decision?: string;
  name?: string;
}

/** The account's latest audit entries, newest first: one request, made when the seller asks. */
export async function readHistory(host: WebApiHost, accountId: string, top = 10): Promise<HistoryEntry[]> {
  const A = OutreachAudit;
  const fetchXml =
    `<fetch version="1.0" no-lock="true" count="${top}" page="1"><entity name="${A.logicalName}">` +
    `<attribute name="${A.id}"/><attribute name="${A.name}"/><attribute name="${A.checkedOn}"/><attribute name="${A.seller}"/><attribute name="${A.decision}"/>` +
    `<filter><condition attribute="${A.account}" operator="eq" value="${normalizeGuid(accountId) ?? ""}"/></filter>` +
    `<order attribute="${A.checkedOn}" descending="true"/></entity></fetch>`;
  const result = await host.retrieveMultipleRecords(A.logicalName, `?fetchXml=${fetchXml}`);
  const decisions = new Map<unknown, string>(Object.entries(AuditDecisionCodes).map(([k, v]) => [v, k]));
  return result.entities.map((row) => ({
    id: String(row[A.id] as string),
    on: typeof row[A.checkedOn] === "string" ? (row[A.checkedOn] as string) : "",
    by: typeof row[`_${A.seller}_value${FORMATTED}`] === "string" ? (row[`_${A.seller}_value${FORMATTED}`] as string) : undefined,
    decision: decisions.get(row[A.decision]),
    name: typeof row[A.name] === "string" ? (row[A.name] as string) : undefined,
  }));
}

/**
 * The audit trail: every outreach decision and engagement becomes one pg_outreachaudit row, and
 * every exception decision is a pg_outreachdecision row. Who acted and when are the server's
 * `createdby`/`createdon` on both: nothing a client writes says either. Nobody can change a
 * row; only admins can delete (security roles of the solution).
 */
import {
  Account,
  AuditDecisionCodes,
  AuditVerdictCodes,
  DecisionCodes,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
} from "../schema";
import { invert } from "../core/json";
import { Verdict } from "../core/types";
import { Row, WebApiHost, normalizeGuid, FORMATTED } from "./webApi";
import { attributes, condition, fetchXml, order } from "./fetchXml";

export type AuditDecision = keyof typeof AuditDecisionCodes;

export interface AuditInput {
  verdict: Verdict;
  decision: AuditDecision;
  /**
   * The account checked. Empty for a contact without an account (Start outreach from contacts):
   * the row then names no account; pg_accountid is required on the table's forms only, and
   * Dataverse does not enforce that level on Web API writes (ApplicationRequired).
   */
  accountId: string;
  accountName: string;
  /** The moment the reasons are worded for ("ends in 3 days"); the row's time is the server's. */
  now: number;
  /** Extra lines after the reasons (a note, a justification). */
  details?: string[];
}

/**
 * The words of an audit row, in the acting user's language: the row's name, one line per reason
 * and the sources consulted. Sources hold no words: the face that writes the entry supplies them
 * (src/text/auditText.ts).
 */
export interface AuditText {
  name: string;
  reasons: string[];
  sources: string;
}

export type AuditWording = (input: AuditInput) => AuditText;

function auditRecord(words: AuditWording, input: AuditInput): Row {
  const { verdict, decision } = input;
  const text = words(input);
  return {
    [OutreachAudit.name]: text.name.slice(0, 200),
    ...(input.accountId
      ? { [`${OutreachAudit.accountNav}@odata.bind`]: `/${Account.entitySet}(${input.accountId})` }
      : {}),
    [OutreachAudit.verdict]: AuditVerdictCodes[verdict.outreach],
    [OutreachAudit.decision]: AuditDecisionCodes[decision],
    [OutreachAudit.reasons]: [...text.reasons, ...(input.details ?? [])].join("\n"),
    [OutreachAudit.sources]: text.sources,
  };
}

export function writeAudit(host: WebApiHost, words: AuditWording, input: AuditInput): Promise<unknown> {
  return host.createRecord(OutreachAudit.logicalName, auditRecord(words, input));
}

export interface HistoryEntry {
  id: string;
  /** `createdon` of the row. */
  on: string;
  /** Display name of `createdby`. */
  by?: string;
  decision?: AuditDecision;
  name?: string;
}

function text(row: Row, key: string): string | undefined {
  return typeof row[key] === "string" ? row[key] : undefined;
}

const AUDIT_DECISIONS: Map<unknown, AuditDecision> = invert(AuditDecisionCodes);

/**
 * The account's latest entries, newest first: audit rows and exception decisions (wherever an
 * approver made them: the card, the decision form, the Web API), read in parallel when the seller asks.
 */
export async function readHistory(host: WebApiHost, accountId: string, top = 10): Promise<HistoryEntry[]> {
  const A = OutreachAudit;
  const D = OutreachDecision;
  const E = OutreachExceptionTable;
  const id = normalizeGuid(accountId) ?? "";
  const columns = (t: typeof A | typeof D) => attributes([t.id, t.name, t.createdOn, t.createdBy, t.decision]);
  const latest = (t: typeof A | typeof D) => order(t.createdOn, true) + order(t.id);
  const audits = fetchXml(
    A.logicalName,
    columns(A) + `<filter>${condition(A.account, "eq", id)}</filter>` + latest(A),
    top,
  );
  const decisions = fetchXml(
    D.logicalName,
    columns(D) +
      `<link-entity name="${E.logicalName}" from="${E.id}" to="${D.exception}" link-type="inner" alias="ex">` +
      `<filter>${condition(E.account, "eq", id)}</filter></link-entity>` +
      latest(D),
    top,
  );
  const [auditRows, decisionRows] = await Promise.all([
    host.retrieveMultipleRecords(A.logicalName, `?fetchXml=${audits}`),
    host.retrieveMultipleRecords(D.logicalName, `?fetchXml=${decisions}`),
  ]);
  const entries: HistoryEntry[] = [
    ...auditRows.entities.map((row) => ({
      id: String(row[A.id]),
      on: text(row, A.createdOn) ?? "",
      by: text(row, `_${A.createdBy}_value${FORMATTED}`),
      decision: AUDIT_DECISIONS.get(row[A.decision]),
      name: text(row, A.name),
    })),
    ...decisionRows.entities.map((row) => ({
      id: String(row[D.id]),
      on: text(row, D.createdOn) ?? "",
      by: text(row, `_${D.createdBy}_value${FORMATTED}`),
      decision:
        row[D.decision] === DecisionCodes.approved
          ? ("exception-approved" as const)
          : row[D.decision] === DecisionCodes.rejected
            ? ("exception-rejected" as const)
            : undefined,
      name: text(row, D.name),
    })),
  ];
  return entries.sort((a, b) => b.on.localeCompare(a.on)).slice(0, top);
}

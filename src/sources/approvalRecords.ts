/**
 * A request or a decision someone just saved on its model-driven form (not through PartnerGuard's
 * own dialogs), read back for the notification it owes: who asked (the request's server-set
 * `createdby`), for which account, what was decided, by whom, when. Data only; the face words it.
 */
import { OutreachDecision, OutreachExceptionTable } from "../schema";
import { ExceptionDecision, OutreachException } from "../core/types";
import { DECISION_COLUMNS, EXCEPTION_COLUMNS, mapExceptions } from "./dataverseSource";
import { withTimeout } from "./failures";
import { attributes, condition, fetchXml } from "./fetchXml";
import { FORMATTED, Row, WebApiHost, normalizeGuid } from "./webApi";

/** A read that has not answered in this time fails (the save it follows stands). */
const READ_TIMEOUT_MS = 15_000;

export interface SavedRequest {
  request: OutreachException;
  /** The account's name as the request's lookup shows it (absent when it could not be read). */
  accountName?: string;
}

export interface SavedDecision extends SavedRequest {
  decision: ExceptionDecision;
}

async function rowById(host: WebApiHost, table: string, idColumn: string, columns: string[], id: string) {
  const query = fetchXml(table, attributes(columns) + `<filter>${condition(idColumn, "eq", id)}</filter>`);
  const { entities } = await withTimeout(
    host.retrieveMultipleRecords(table, `?fetchXml=${query}`),
    READ_TIMEOUT_MS,
    `reading the saved ${table}`,
  );
  return entities;
}

const accountNameOf = (row: Row | undefined): string | undefined => {
  const name = row?.[`_${OutreachExceptionTable.account}_value${FORMATTED}`];
  return typeof name === "string" && name.trim() ? name : undefined;
};

/** The request with this id, or undefined when it is not there (or not readable); throws when the read fails. */
export async function readSavedRequest(host: WebApiHost, requestId: string): Promise<SavedRequest | undefined> {
  const id = normalizeGuid(requestId);
  if (!id) return undefined;
  const E = OutreachExceptionTable;
  const rows = await rowById(host, E.logicalName, E.id, EXCEPTION_COLUMNS, id);
  const [request] = mapExceptions(rows, []);
  return request && { request, accountName: accountNameOf(rows[0]) };
}

/** The decision with this id and the request it decides; undefined when either is missing; throws when a read fails. */
export async function readSavedDecision(host: WebApiHost, decisionId: string): Promise<SavedDecision | undefined> {
  const id = normalizeGuid(decisionId);
  if (!id) return undefined;
  const D = OutreachDecision;
  const decisionRows = await rowById(host, D.logicalName, D.id, DECISION_COLUMNS, id);
  const requestId = normalizeGuid(decisionRows[0]?.[`_${D.exception}_value`]);
  if (!requestId) return undefined;
  const E = OutreachExceptionTable;
  const requestRows = await rowById(host, E.logicalName, E.id, EXCEPTION_COLUMNS, requestId);
  const [request] = mapExceptions(requestRows, decisionRows);
  const decision = request?.decisions.find((d) => d.id === id);
  return decision && { request, decision, accountName: accountNameOf(requestRows[0]) };
}

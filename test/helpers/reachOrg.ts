/**
 * A small org for counting requests through the real sources (test/sources/*Reach.test.ts): an
 * emulator with the shipped seller, accounts in chains, partners of record, and the card's verdict
 * of one account to compare with.
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { TABLES } from "../../src/emulator/fromFeed";
import { PERSONAS } from "../../src/emulator/personas";
import {
  Account,
  Association,
  Contact,
  DecisionCodes,
  LeadTable,
  OutreachDecision,
  OutreachExceptionTable,
} from "../../src/schema";
import { resolveVerdict } from "../../src/sources/resolver";
import { WebApiHost } from "../../src/sources/webApi";

export const NOW = Date.parse("2026-11-24T12:00:00Z");
export const clock = () => NOW;
export const utcOffsetMinutes = () => 60;
export const guid = (prefix: string, i: number) => `${prefix}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
export const lookup = (table: string, id: string) => ({ $lookup: table, id });

/** An emulator on the demo clock that knows the seller. */
export function org(): DataverseEmulator {
  const emulator = new DataverseEmulator(TABLES, { clock });
  emulator.insert("systemuser", { systemuserid: PERSONAS.seller.id, fullname: PERSONAS.seller.name });
  return emulator;
}

export function account(
  e: DataverseEmulator,
  id: string,
  name: string,
  parent?: string,
  owner: string = PERSONAS.seller.id,
) {
  e.insert(Account.logicalName, {
    [Account.id]: id,
    [Account.name]: name,
    ownerid: lookup("systemuser", owner),
    ...(parent ? { [Account.parent]: lookup("account", parent) } : {}),
  });
}

/** A contact named after its id; its company an account or a contact (a lookup), or none. */
export function contactOf(e: DataverseEmulator, id: string, company?: { $lookup: string; id: string }) {
  e.insert(Contact.logicalName, {
    [Contact.id]: id,
    [Contact.name]: `Contact ${id.slice(-4)}`,
    ...(company ? { [Contact.company]: company } : {}),
  });
}

/** A lead named after its id, with its parent account. */
export function leadOf(e: DataverseEmulator, id: string, accountId: string) {
  e.insert(LeadTable.logicalName, {
    [LeadTable.id]: id,
    [LeadTable.name]: `Lead ${id.slice(-4)}`,
    [LeadTable.parentAccount]: lookup("account", accountId),
  });
}

/** An active partner of record on the account: its outreach (and its children's) is blocked. */
export function partnerOfRecord(e: DataverseEmulator, id: string, on: string) {
  e.insert(Association.logicalName, {
    [Association.id]: id,
    [Association.customer]: lookup("account", on),
    [Association.relationshipType]: 100000000,
    [Association.status]: 100000000,
    [Association.start]: "2024-01-01",
  });
}

/**
 * The seller's 14-day exception request on the account, made two days before NOW (its id
 * guid("e1000000", n)); `approved`: the approver approved it a day before NOW.
 */
export function exceptionOn(e: DataverseEmulator, n: number, accountId: string, approved: boolean) {
  const request = guid("e1000000", n);
  e.insert(OutreachExceptionTable.logicalName, {
    [OutreachExceptionTable.id]: request,
    [OutreachExceptionTable.account]: lookup("account", accountId),
    [OutreachExceptionTable.requestedFor]: accountId,
    [OutreachExceptionTable.requestedDays]: 14,
    createdby: lookup("systemuser", PERSONAS.seller.id),
    createdon: new Date(NOW - 86_400_000 * 2).toISOString(),
  });
  if (approved)
    e.insert(OutreachDecision.logicalName, {
      [OutreachDecision.id]: guid("dd000000", n),
      [OutreachDecision.exception]: lookup(OutreachExceptionTable.logicalName, request),
      [OutreachDecision.decision]: DecisionCodes.approved,
      [OutreachDecision.days]: 14,
      createdby: lookup("systemuser", PERSONAS.approver.id),
      createdon: new Date(NOW - 86_400_000).toISOString(),
    });
}

/** The card's verdict of one account, for the seller. */
export async function card(webApi: WebApiHost, id: string) {
  return (await resolveVerdict({ webApi, userId: PERSONAS.seller.id, clock, utcOffsetMinutes }, id)).verdict;
}

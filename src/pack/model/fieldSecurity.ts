/**
 * Field security profiles as data: who reads, creates and updates the columns the model marks
 * `secured` (platform-facts F, "Security, declaratively"). The packer renders them into
 * customizations.xml (`<FieldSecurityProfiles>`, root component type 70) and the emulator enforces
 * them for personas that hold them. A profile's users and teams are not part of a solution: admins
 * add them after import (docs/admin.md, "Field security profiles").
 *
 * What the profiles promise (test/pack/fieldSecurity.test.ts checks each):
 * - the columns the verdict reads (`pg_requestedforaccountid`, `pg_customertenantid`) are read by
 *   every profile, so every PartnerGuard user gets the same verdict;
 * - free text a seller or approver writes (justification, decision note, the audit's reasons with
 *   the engagement note) is read by approvers and admins only; sellers still write their own;
 * - `pg_requestedforaccountid` is set on create and updated by no profile;
 * - the customer tenant id is written only by admins and the command line's application user;
 * - the stored verdict on account (issue 24) is read by every profile and written only by admins
 *   and the command line's application user (`sync --verdicts`).
 */
import {
  Account,
  FieldSecurityProfileNames,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
  StoredVerdict,
} from "../../schema";

export type FieldSecurityProfileKey = keyof typeof FieldSecurityProfileNames;

export interface FieldPermission {
  table: string;
  column: string;
  read: boolean;
  create: boolean;
  update: boolean;
}

export interface FieldSecurityProfileDefinition {
  key: FieldSecurityProfileKey;
  name: string;
  description: string;
  permissions: FieldPermission[];
}

type Access = "read" | "create" | "update";

const allow = (table: string, column: string, ...access: Access[]): FieldPermission => ({
  table,
  column,
  read: access.includes("read"),
  create: access.includes("create"),
  update: access.includes("update"),
});

const tenantId = (...access: Access[]) => allow(Account.logicalName, Account.tenantId, ...access);
const requestedFor = (...access: Access[]) =>
  allow(OutreachExceptionTable.logicalName, OutreachExceptionTable.requestedFor, ...access);
const justification = (...access: Access[]) =>
  allow(OutreachExceptionTable.logicalName, OutreachExceptionTable.justification, ...access);
const note = (...access: Access[]) => allow(OutreachDecision.logicalName, OutreachDecision.note, ...access);
const reasons = (...access: Access[]) => allow(OutreachAudit.logicalName, OutreachAudit.reasons, ...access);
/** The stored verdict's columns on account, in the order of src/schema.ts (`partnerNav` is no column). */
export const STORED_VERDICT_COLUMNS: readonly string[] = [
  StoredVerdict.outreach,
  StoredVerdict.partner,
  StoredVerdict.partnerName,
  StoredVerdict.relationshipType,
  StoredVerdict.protectedUntil,
  StoredVerdict.computedOn,
];
const storedVerdict = (...access: Access[]) =>
  STORED_VERDICT_COLUMNS.map((column) => allow(Account.logicalName, column, ...access));

export const FIELD_SECURITY_PROFILES: readonly FieldSecurityProfileDefinition[] = [
  {
    key: "seller",
    name: FieldSecurityProfileNames.seller,
    description:
      "Sellers: read the columns the verdict needs; write their own justification and audit reasons, read nobody's.",
    permissions: [
      tenantId("read"),
      // The client sets it when it creates the request; nobody changes it afterwards.
      requestedFor("read", "create"),
      justification("create"),
      reasons("create"),
      ...storedVerdict("read"),
    ],
  },
  {
    key: "approver",
    name: FieldSecurityProfileNames.approver,
    description: "Approvers: read the requests' justifications and the audit reasons; write their decision notes.",
    permissions: [
      tenantId("read"),
      requestedFor("read"),
      justification("read"),
      note("read", "create"),
      reasons("read"),
      ...storedVerdict("read"),
    ],
  },
  {
    key: "admin",
    name: FieldSecurityProfileNames.admin,
    description:
      "Administrators: read every secured PartnerGuard column; maintain the customer tenant id and the stored verdict.",
    permissions: [
      tenantId("read", "create", "update"),
      requestedFor("read"),
      justification("read"),
      note("read"),
      reasons("read"),
      ...storedVerdict("read", "create", "update"),
    ],
  },
  {
    key: "commandLine",
    name: FieldSecurityProfileNames.commandLine,
    description:
      "The command line's application user: reads what the verdict needs (check, vet), maintains the customer tenant id (sync) and the stored verdict (sync --verdicts).",
    permissions: [
      tenantId("read", "create", "update"),
      requestedFor("read"),
      ...storedVerdict("read", "create", "update"),
    ],
  },
];

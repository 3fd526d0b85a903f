/**
 * What the solution adds to the standard account table: two columns and a main form of its own.
 * We ship a new form rather than editing the system "Account" form: a form in a solution replaces
 * the whole form on import, so a partial copy of Microsoft's form would wipe an org's changes.
 * Admins who prefer their own form add the control there (README, "Adding the control to other forms").
 */
import { Account, CONTROL_NAME, ScriptFunctions, WebResources } from "../../schema";
import { Column } from "./types";

export const ACCOUNT_SCHEMA_NAME = "Account";

export const ACCOUNT_COLUMNS: Column[] = [
  {
    kind: "text",
    maxLength: 100,
    logicalName: Account.tenantId,
    label: { 1033: "Customer tenant id", 1031: "Kunden-Mandanten-ID" },
    description:
      "The customer's Microsoft Entra tenant id; PartnerGuard asks Microsoft Graph about it when Graph is enabled.",
    // It decides which tenant Graph answers for: every PartnerGuard profile reads it, only the
    // Administrator and command-line profiles write it (model/fieldSecurity.ts).
    secured: true,
  },
  {
    kind: "text",
    maxLength: 100,
    logicalName: Account.status,
    label: { 1033: "PartnerGuard", 1031: "PartnerGuard" },
    description:
      "Bound column of the PartnerGuard control on the account form; the control shows the verdict and never writes it.",
  },
];

export const ACCOUNT_FORM = {
  key: "partnerguard-main",
  name: { 1033: "Account (PartnerGuard)", 1031: "Firma (PartnerGuard)" },
  /** Standard account columns shown under the PartnerGuard section, so the form is usable on its own. */
  summaryColumns: [
    { column: Account.name, label: "Account Name", control: "text" },
    { column: Account.accountNumber, label: "Account Number", control: "text" },
    { column: Account.parent, label: "Parent Account", control: "lookup" },
    { column: Account.website, label: "Website", control: "url" },
    { column: Account.email, label: "Email", control: "email" },
    { column: Account.tenantId, label: "Customer tenant id", control: "text" },
  ],
  control: CONTROL_NAME,
  /** Control manifest property name → account column it binds. */
  bindings: { statusColumn: Account.status, customerTenantId: Account.tenantId },
  onLoad: { library: WebResources.commandScript, functionName: ScriptFunctions.onLoad },
  /**
   * Who lands on this form (`<DisplayConditions>`): users with a PartnerGuard role get it, first in
   * the form order (0), so sellers see the card without an admin reordering forms. A fallback form,
   * as every main form of the reference export writes it (../shared/reference-exports/export-9.1:
   * `FallbackForm="true"` on all four main forms, Task's and the custom table's alike): a user none of whose roles
   * is given any account main form gets the fallback forms, this one among them; a user whose
   * roles are given another account form (Microsoft's "Account" is given to every role out of the
   * box) keeps that one (docs/admin.md, step 3).
   */
  display: { order: 0, fallbackForm: true, roles: ["seller", "approver", "admin"] },
} as const;

/**
 * What the solution adds to the standard account table: the columns the control and the Graph
 * source use, the stored verdict (issue 24), and a main form of its own.
 * We ship a new form rather than editing the system "Account" form: a form in a solution replaces
 * the whole form on import, so a partial copy of Microsoft's form would wipe an org's changes.
 * Admins who prefer their own form add the control there (README, "Adding the control to other forms").
 */
import {
  Account,
  CONTROL_NAME,
  RelationshipTypeCodes,
  RelationshipTypeLabels,
  ScriptFunctions,
  StoredOutreachCodes,
  StoredOutreachLabels,
  StoredVerdict,
  WebResources,
} from "../../schema";
import { ChoiceOption, Column } from "./types";

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
  ...storedVerdictColumns(),
];

/** `{ key: code }` plus English labels -> choice options in code order. */
function choiceOptions<K extends string>(codes: Record<K, number>, labels: Record<K, string>): ChoiceOption[] {
  return (Object.keys(codes) as K[])
    .map((key) => ({ value: codes[key], label: { 1033: labels[key] } }))
    .sort((a, b) => a.value - b.value);
}

/**
 * The verdict as data (issue 24), for views, lists and the grid's badge: written by
 * `partnerguard sync --verdicts` (the command line's application user) and admins, read by every
 * PartnerGuard profile (model/fieldSecurity.ts), so they are all secured. A display and filter aid,
 * never the boundary: every gate re-checks live (docs/admin.md, "The stored verdict").
 */
function storedVerdictColumns(): Column[] {
  const V = StoredVerdict;
  return [
    {
      kind: "choice",
      logicalName: V.outreach,
      label: { 1033: "Outreach status", 1031: "Ansprachestatus" },
      description:
        "PartnerGuard's verdict as of the last sync (partnerguard sync --verdicts): a display and filter aid; Start outreach re-checks live.",
      options: choiceOptions(StoredOutreachCodes, StoredOutreachLabels),
      secured: true,
    },
    {
      // A lookup to account (self-referential, not hierarchical: parentaccountid is the table's
      // hierarchy). RemoveLink on delete like our other lookups to account: deleting a partner
      // clears the stored partner and keeps the customer. Merge (CascadeMerge is fixed to Cascade by
      // the platform, platform-facts G) re-points it to the surviving partner; the next sync
      // recomputes it anyway.
      kind: "lookup",
      logicalName: V.partner,
      schemaName: V.partnerNav,
      target: "account",
      label: { 1033: "Partner of record", 1031: "Zuständiger Partner" },
      description: "The partner of record as of the last sync, when it is an account in Dataverse.",
      secured: true,
    },
    {
      kind: "text",
      maxLength: 160,
      logicalName: V.partnerName,
      label: { 1033: "Partner of record (name)", 1031: "Zuständiger Partner (Name)" },
      description:
        "The partner's name as the verdict names it, also for partners without an account row (as of the last sync).",
      secured: true,
    },
    {
      kind: "choice",
      logicalName: V.relationshipType,
      label: { 1033: "Partner relationship type", 1031: "Art der Partnerbeziehung" },
      description: "The relationship type of the partner of record as of the last sync.",
      options: choiceOptions(RelationshipTypeCodes, RelationshipTypeLabels),
      secured: true,
    },
    {
      kind: "datetime",
      dateOnly: true,
      logicalName: V.protectedUntil,
      label: { 1033: "Protected until", 1031: "Geschützt bis" },
      description:
        "The last day of the partner's protection as of the last sync; empty while it has no end. Views compare it with today.",
      secured: true,
    },
    {
      kind: "datetime",
      dateOnly: false,
      logicalName: V.computedOn,
      label: { 1033: "Outreach status changed on", 1031: "Ansprachestatus geändert am" },
      description:
        "When partnerguard sync --verdicts last wrote a changed stored verdict on this account (a run that finds no change leaves it as it is).",
      secured: true,
    },
  ];
}

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

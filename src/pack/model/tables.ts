/** The three PartnerGuard tables, their forms, views and keys, named from src/schema.ts. */
import {
  Association,
  AssociationNav,
  AssociationSourceCodes,
  AssociationStatusCodes,
  AuditDecisionCodes,
  AuditVerdictCodes,
  ExceptionReasonCodes,
  ExceptionStatusCodes,
  OutreachAudit,
  OutreachExceptionTable,
  PUBLISHER_PREFIX,
  RelationshipTypeCodes,
  TableSchemaNames,
  RelationshipTypeLabels,
  ScriptFunctions,
  WebResources,
} from "../../schema";
import { ChoiceOption, Column, QueryType, Table, View } from "./types";
import { systemViews } from "./systemViews";


/** Turns `{ key: code }` plus English labels into choice options, in code order. */
function options<K extends string>(codes: Record<K, number>, labels: Record<K, string>): ChoiceOption[] {
  return (Object.keys(codes) as K[])
    .map((key) => ({ value: codes[key], label: { 1033: labels[key] } }))
    .sort((a, b) => a.value - b.value);
}

const nameColumn = (logicalName: string, label: string): Column => ({
  kind: "text",
  logicalName,
  label: { 1033: label },
  description: `${label}: the primary name of the row.`,
  required: true,
  maxLength: 200,
});

const associationColumns: Column[] = [
  nameColumn(Association.name, "Name"),
  { kind: "lookup", logicalName: Association.customer, schemaName: AssociationNav.customer, target: "account", label: { 1033: "Customer account" }, description: "The customer the evidence is about.", required: true },
  { kind: "lookup", logicalName: Association.partner, schemaName: AssociationNav.partner, target: "account", label: { 1033: "Partner account" }, description: "The partner serving the customer." },
  {
    kind: "choice",
    logicalName: Association.relationshipType,
    label: { 1033: "Relationship type" },
    description: "Kind of partner relationship; its precedence comes from the policy.",
    required: true,
    options: options(RelationshipTypeCodes, RelationshipTypeLabels),
  },
  {
    kind: "choice",
    logicalName: Association.status,
    label: { 1033: "Association status" },
    description: "Whether the relationship is in force.",
    required: true,
    options: options(AssociationStatusCodes, { active: "Active", inactive: "Inactive" }),
  },
  { kind: "datetime", dateOnly: true, logicalName: Association.start, label: { 1033: "Start" }, description: "First day the relationship is in force." },
  { kind: "datetime", dateOnly: true, logicalName: Association.end, label: { 1033: "End" }, description: "Last day; empty while open-ended." },
  {
    kind: "choice",
    logicalName: Association.source,
    label: { 1033: "Source" },
    description: "Where the row came from.",
    options: options(AssociationSourceCodes, { manual: "Manual", feed: "Feed import", graph: "Graph sync" }),
  },
  { kind: "text", maxLength: 100, logicalName: Association.externalReference, label: { 1033: "External reference" }, description: "Registration id or Partner Center id in the source." },
  { kind: "lookup", logicalName: Association.partnerContact, schemaName: AssociationNav.partnerContact, target: "contact", label: { 1033: "Partner contact" }, description: "Who to involve at the partner." },
];

const activeAssociation = [
  { attribute: "statecode", operator: "eq", value: 0 },
  { attribute: Association.status, operator: "eq", value: AssociationStatusCodes.active },
] as const;

const associationViews: View[] = [
  ...systemViews(Association.name, [Association.customer, Association.partner, Association.relationshipType, Association.end]),
  {
    key: "active-by-account",
    name: { 1033: "Active associations by account" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [Association.customer, Association.partner, Association.relationshipType, Association.start, Association.end, Association.source],
    conditions: [...activeAssociation],
    order: [
      { attribute: Association.customer, descending: false },
      { attribute: Association.relationshipType, descending: false },
    ],
  },
  {
    key: "expiring-30",
    name: { 1033: "Associations expiring in 30 days" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [Association.customer, Association.partner, Association.relationshipType, Association.end, Association.partnerContact],
    conditions: [...activeAssociation, { attribute: Association.end, operator: "next-x-days", value: 30 }],
    order: [{ attribute: Association.end, descending: false }],
  },
];

const exceptionColumns: Column[] = [
  nameColumn(OutreachExceptionTable.name, "Name"),
  { kind: "lookup", logicalName: OutreachExceptionTable.account, schemaName: OutreachExceptionTable.accountNav, target: "account", label: { 1033: "Account" }, description: "The account a seller asks to reach out to.", required: true },
  { kind: "lookup", logicalName: OutreachExceptionTable.requester, schemaName: OutreachExceptionTable.requesterNav, target: "systemuser", label: { 1033: "Requested by" }, description: "The seller asking.", required: true },
  { kind: "memo", maxLength: 4000, logicalName: OutreachExceptionTable.justification, label: { 1033: "Justification" }, description: "Why outreach is needed despite the partner of record.", required: true },
  {
    kind: "choice",
    logicalName: OutreachExceptionTable.reasonCode,
    label: { 1033: "Reason" },
    description: "Category of the justification.",
    options: options(ExceptionReasonCodes, {
      "customer-asked": "Customer asked for direct contact",
      "partner-declined": "Partner declined",
      "partner-inactive": "Partner inactive",
      other: "Other",
    }),
  },
  { kind: "lookup", logicalName: OutreachExceptionTable.approver, schemaName: OutreachExceptionTable.approverNav, target: "systemuser", label: { 1033: "Approver" }, description: "Who approved or rejected the request." },
  {
    kind: "choice",
    logicalName: OutreachExceptionTable.status,
    label: { 1033: "Exception status" },
    description: "Pending until an approver decides.",
    required: true,
    options: options(ExceptionStatusCodes, { pending: "Pending", approved: "Approved", rejected: "Rejected", cancelled: "Cancelled" }),
  },
  {
    kind: "datetime",
    dateOnly: false,
    logicalName: OutreachExceptionTable.validUntil,
    label: { 1033: "Valid until" },
    description: "Set on approval: the moment an approved exception stops allowing outreach.",
  },
  {
    kind: "whole",
    min: 1,
    max: 365,
    logicalName: OutreachExceptionTable.requestedDays,
    label: { 1033: "Requested days" },
    description: "How long the seller asked the exception to last (bounded by the policy).",
    required: true,
  },
];

const exceptionViews: View[] = [
  ...systemViews(OutreachExceptionTable.name, [OutreachExceptionTable.account, OutreachExceptionTable.requester, OutreachExceptionTable.status, OutreachExceptionTable.validUntil]),
  {
    key: "pending",
    name: { 1033: "Pending outreach exceptions" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [OutreachExceptionTable.account, OutreachExceptionTable.requester, OutreachExceptionTable.reasonCode, OutreachExceptionTable.validUntil, "createdon"],
    conditions: [
      { attribute: "statecode", operator: "eq", value: 0 },
      { attribute: OutreachExceptionTable.status, operator: "eq", value: ExceptionStatusCodes.pending },
    ],
    order: [{ attribute: "createdon", descending: false }],
  },
];

const auditColumns: Column[] = [
  nameColumn(OutreachAudit.name, "Summary"),
  { kind: "lookup", logicalName: OutreachAudit.seller, schemaName: OutreachAudit.sellerNav, target: "systemuser", label: { 1033: "Seller" }, description: "Who started (or tried to start) outreach.", required: true },
  { kind: "datetime", dateOnly: false, logicalName: OutreachAudit.checkedOn, label: { 1033: "Checked on" }, description: "When the verdict was checked.", required: true },
  { kind: "lookup", logicalName: OutreachAudit.account, schemaName: OutreachAudit.accountNav, target: "account", label: { 1033: "Account" }, description: "The account checked.", required: true },
  {
    kind: "choice",
    logicalName: OutreachAudit.verdict,
    label: { 1033: "Verdict" },
    description: "The verdict at the moment of outreach.",
    required: true,
    options: options(AuditVerdictCodes, { allowed: "Allowed", blocked: "Blocked", unverified: "Could not be verified" }),
  },
  { kind: "memo", maxLength: 10000, logicalName: OutreachAudit.reasons, label: { 1033: "Reasons" }, description: "One reason per line." },
  { kind: "text", maxLength: 1000, logicalName: OutreachAudit.sources, label: { 1033: "Sources" }, description: "Sources consulted and whether each answered." },
  {
    kind: "choice",
    logicalName: OutreachAudit.decision,
    label: { 1033: "Decision" },
    description: "What happened.",
    required: true,
    options: options(AuditDecisionCodes, {
      blocked: "Blocked",
      allowed: "Allowed",
      "allowed-by-exception": "Allowed by exception",
      "engaged-partner": "Partner engaged",
      "exception-requested": "Exception requested",
      "exception-approved": "Exception approved",
      "exception-rejected": "Exception rejected",
    }),
  },
];

const auditViews: View[] = [
  ...systemViews(OutreachAudit.name, [OutreachAudit.checkedOn, OutreachAudit.seller, OutreachAudit.account, OutreachAudit.decision]),
  {
    key: "by-seller",
    name: { 1033: "Outreach audit by seller" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [OutreachAudit.seller, OutreachAudit.checkedOn, OutreachAudit.account, OutreachAudit.verdict, OutreachAudit.decision],
    conditions: [],
    order: [
      { attribute: OutreachAudit.seller, descending: false },
      { attribute: OutreachAudit.checkedOn, descending: true },
    ],
  },
];

export const TABLES: readonly Table[] = [
  {
    logicalName: Association.logicalName,
    schemaName: TableSchemaNames.pg_partnerassociation,
    entitySet: Association.entitySet,
    displayName: { 1033: "Partner association", 1031: "Partnerzuordnung" },
    pluralName: { 1033: "Partner associations", 1031: "Partnerzuordnungen" },
    description: "One piece of evidence that a partner serves a customer account.",
    primaryId: Association.id,
    primaryName: Association.name,
    columns: associationColumns,
    forms: [
      {
        key: "main",
        name: { 1033: "Partner association" },
        sections: [
          { label: { 1033: "Relationship" }, columns: [Association.name, Association.customer, Association.partner, Association.relationshipType, Association.status] },
          { label: { 1033: "Period and source" }, columns: [Association.start, Association.end, Association.source, Association.externalReference, Association.partnerContact] },
        ],
      },
    ],
    views: associationViews,
    // Feed imports and Graph sync upsert on (source, external reference).
    keys: [{ schemaName: `${PUBLISHER_PREFIX}_SourceExternalReference`, label: { 1033: "Source and external reference" }, columns: [Association.source, Association.externalReference] }],
  },
  {
    logicalName: OutreachExceptionTable.logicalName,
    schemaName: TableSchemaNames.pg_outreachexception,
    entitySet: OutreachExceptionTable.entitySet,
    displayName: { 1033: "Outreach exception", 1031: "Ansprache-Ausnahme" },
    pluralName: { 1033: "Outreach exceptions", 1031: "Ansprache-Ausnahmen" },
    description: "A seller's request to reach out despite a partner of record, and its approval.",
    primaryId: OutreachExceptionTable.id,
    primaryName: OutreachExceptionTable.name,
    columns: exceptionColumns,
    forms: [
      {
        key: "main",
        name: { 1033: "Outreach exception" },
        sections: [
          { label: { 1033: "Request" }, columns: [OutreachExceptionTable.name, OutreachExceptionTable.account, OutreachExceptionTable.requester, OutreachExceptionTable.reasonCode, OutreachExceptionTable.justification] },
          { label: { 1033: "Decision" }, columns: [OutreachExceptionTable.requestedDays, OutreachExceptionTable.status, OutreachExceptionTable.approver, OutreachExceptionTable.validUntil] },
        ],
        // Refuses a decision on one's own request; completes an approval (approver, valid until).
        handlers: [{ event: "onsave", library: WebResources.commandScript, functionName: ScriptFunctions.exceptionOnSave }],
      },
    ],
    views: exceptionViews,
    keys: [],
  },
  {
    logicalName: OutreachAudit.logicalName,
    schemaName: TableSchemaNames.pg_outreachaudit,
    entitySet: OutreachAudit.entitySet,
    displayName: { 1033: "Outreach audit", 1031: "Ansprache-Protokoll" },
    pluralName: { 1033: "Outreach audits", 1031: "Ansprache-Protokolle" },
    description: "Every check at the moment of outreach. Sellers create rows; nobody but admins changes them.",
    primaryId: OutreachAudit.id,
    primaryName: OutreachAudit.name,
    columns: auditColumns,
    forms: [
      {
        key: "main",
        name: { 1033: "Outreach audit" },
        sections: [
          { label: { 1033: "Check" }, columns: [OutreachAudit.name, OutreachAudit.seller, OutreachAudit.checkedOn, OutreachAudit.account] },
          { label: { 1033: "Outcome" }, columns: [OutreachAudit.verdict, OutreachAudit.decision, OutreachAudit.reasons, OutreachAudit.sources] },
        ],
      },
    ],
    views: auditViews,
    keys: [],
  },
];

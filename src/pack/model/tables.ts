/** The PartnerGuard tables, their forms, views and keys, named from src/schema.ts. */
import {
  Association,
  AssociationNav,
  AssociationSourceCodes,
  AssociationStatusCodes,
  AuditDecisionCodes,
  AuditDecisionLabels,
  AuditVerdictCodes,
  AuditVerdictLabels,
  DecisionCodes,
  DecisionLabels,
  ExceptionReasonCodes,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
  PUBLISHER_PREFIX,
  REQUEST_OPEN_DAYS,
  RelationshipTypeCodes,
  ServerColumns,
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
  {
    kind: "lookup",
    logicalName: Association.customer,
    schemaName: AssociationNav.customer,
    target: "account",
    label: { 1033: "Customer account" },
    description: "The customer the evidence is about.",
    required: true,
  },
  {
    kind: "lookup",
    logicalName: Association.partner,
    schemaName: AssociationNav.partner,
    target: "account",
    label: { 1033: "Partner account" },
    description: "The partner serving the customer.",
  },
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
  {
    kind: "datetime",
    dateOnly: true,
    logicalName: Association.start,
    label: { 1033: "Start" },
    description: "First day the relationship is in force.",
  },
  {
    kind: "datetime",
    dateOnly: true,
    logicalName: Association.end,
    label: { 1033: "End" },
    description: "Last day; empty while open-ended.",
  },
  {
    kind: "choice",
    logicalName: Association.source,
    label: { 1033: "Source" },
    description: "Where the row came from.",
    options: options(AssociationSourceCodes, { manual: "Manual", feed: "Feed import", graph: "Graph sync" }),
  },
  {
    kind: "text",
    maxLength: 100,
    logicalName: Association.externalReference,
    label: { 1033: "External reference" },
    description: "Registration id or Partner Center id in the source.",
  },
  {
    kind: "lookup",
    logicalName: Association.partnerContact,
    schemaName: AssociationNav.partnerContact,
    target: "contact",
    label: { 1033: "Partner contact" },
    description: "Who to involve at the partner.",
  },
];

const activeAssociation = [
  { attribute: "statecode", operator: "eq", value: 0 },
  { attribute: Association.status, operator: "eq", value: AssociationStatusCodes.active },
] as const;

const associationViews: View[] = [
  ...systemViews(Association.name, [
    Association.customer,
    Association.partner,
    Association.relationshipType,
    Association.end,
  ]),
  {
    key: "active-by-account",
    name: { 1033: "Active associations by account" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [
      Association.customer,
      Association.partner,
      Association.relationshipType,
      Association.start,
      Association.end,
      Association.source,
    ],
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
    columns: [
      Association.customer,
      Association.partner,
      Association.relationshipType,
      Association.end,
      Association.partnerContact,
    ],
    conditions: [...activeAssociation, { attribute: Association.end, operator: "next-x-days", value: 30 }],
    order: [{ attribute: Association.end, descending: false }],
  },
  {
    // What feeds and Graph sync brought in, active or not: after a `sync --full-snapshot` the rows
    // a feed no longer holds show here as inactive, with the time of the sync that changed them.
    key: "by-source",
    name: { 1033: "Associations by source (feeds, Graph, manual)" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [
      Association.source,
      Association.externalReference,
      Association.customer,
      Association.partner,
      Association.relationshipType,
      Association.status,
      ServerColumns.modifiedOn,
    ],
    conditions: [],
    order: [
      { attribute: Association.source, descending: false },
      { attribute: Association.externalReference, descending: false },
    ],
  },
];

/** Who asked and when: the server's columns, shown on requests, decisions and audit rows alike. */
const createdByOn = [ServerColumns.createdBy, ServerColumns.createdOn];
const newestFirst = [{ attribute: ServerColumns.createdOn, descending: true }];

const exceptionColumns: Column[] = [
  nameColumn(OutreachExceptionTable.name, "Name"),
  {
    kind: "lookup",
    logicalName: OutreachExceptionTable.account,
    schemaName: OutreachExceptionTable.accountNav,
    target: "account",
    label: { 1033: "Account" },
    description: "The account a seller asks to reach out to.",
    required: true,
  },
  {
    kind: "memo",
    maxLength: 4000,
    logicalName: OutreachExceptionTable.justification,
    label: { 1033: "Justification" },
    description: "Why outreach is needed despite the partner of record.",
    required: true,
    // Free text about a customer, written by one seller: approvers and admins read it, sellers only write their own.
    secured: true,
  },
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
  {
    kind: "whole",
    min: 1,
    max: 365,
    logicalName: OutreachExceptionTable.requestedDays,
    label: { 1033: "Requested days" },
    description: "How long the seller asked the exception to last (bounded by the policy).",
    required: true,
  },
  {
    // A GUID as text, not a lookup: Merge re-points every lookup to the merged account, and this
    // must keep saying which account the request was made for. Secured so that no profile of ours
    // can update it (model/fieldSecurity.ts); sellers set it on create.
    kind: "text",
    maxLength: 38,
    logicalName: OutreachExceptionTable.requestedFor,
    label: { 1033: "Requested for account" },
    description:
      "The id of the account the request was made for, set when the request is created and never changed; a request whose account is another one does not count.",
    secured: true,
  },
];

const exceptionViews: View[] = [
  ...systemViews(OutreachExceptionTable.name, [
    OutreachExceptionTable.account,
    OutreachExceptionTable.reasonCode,
    OutreachExceptionTable.requestedDays,
    ...createdByOn,
  ]),
  {
    // Open requests: created within REQUEST_OPEN_DAYS (older ones lapse) and not decided yet.
    key: "pending",
    name: { 1033: "Pending outreach exceptions" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [
      OutreachExceptionTable.account,
      OutreachExceptionTable.reasonCode,
      OutreachExceptionTable.requestedDays,
      ...createdByOn,
    ],
    // "No decision": an outer link to the decisions with the linked key null.
    links: [
      {
        table: OutreachDecision.logicalName,
        from: OutreachDecision.exception,
        to: OutreachExceptionTable.id,
        alias: "decision",
        type: "outer",
      },
    ],
    conditions: [
      { attribute: "statecode", operator: "eq", value: 0 },
      { attribute: ServerColumns.createdOn, operator: "last-x-days", value: REQUEST_OPEN_DAYS },
      { entityname: "decision", attribute: OutreachDecision.id, operator: "null" },
    ],
    order: [{ attribute: ServerColumns.createdOn, descending: false }],
  },
];

const decisionColumns: Column[] = [
  nameColumn(OutreachDecision.name, "Name"),
  {
    kind: "lookup",
    logicalName: OutreachDecision.exception,
    schemaName: OutreachDecision.exceptionNav,
    target: "pg_outreachexception",
    // A decision means nothing without its request: deleting a request deletes its decisions.
    onDelete: "cascade",
    label: { 1033: "Outreach exception" },
    description: "The request decided on.",
    required: true,
  },
  {
    kind: "choice",
    logicalName: OutreachDecision.decision,
    label: { 1033: "Decision" },
    description: "Approved or rejected.",
    required: true,
    options: options(DecisionCodes, DecisionLabels),
  },
  {
    kind: "whole",
    min: 1,
    max: 365,
    logicalName: OutreachDecision.days,
    label: { 1033: "Days" },
    description: "How long an approval lasts from its creation; the verdict caps it at the policy's maximum.",
  },
  {
    kind: "memo",
    maxLength: 2000,
    logicalName: OutreachDecision.note,
    label: { 1033: "Note" },
    description: "The approver's note on the decision.",
    // An approver's words about a seller's request: approvers and admins read them.
    secured: true,
  },
];

const decisionViews: View[] = [
  ...systemViews(
    OutreachDecision.name,
    [OutreachDecision.exception, OutreachDecision.decision, OutreachDecision.days, ...createdByOn],
    newestFirst,
  ),
  {
    key: "decisions",
    name: { 1033: "Decisions" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [OutreachDecision.exception, OutreachDecision.decision, OutreachDecision.days, ...createdByOn],
    conditions: [],
    order: newestFirst,
  },
];

const auditColumns: Column[] = [
  nameColumn(OutreachAudit.name, "Summary"),
  {
    kind: "lookup",
    logicalName: OutreachAudit.account,
    schemaName: OutreachAudit.accountNav,
    target: "account",
    label: { 1033: "Account" },
    description: "The account checked.",
    required: true,
  },
  {
    kind: "choice",
    logicalName: OutreachAudit.verdict,
    label: { 1033: "Verdict" },
    description:
      "The verdict at the moment of outreach, as the seller's client reported it (the server does not check it).",
    required: true,
    options: options(AuditVerdictCodes, AuditVerdictLabels),
  },
  {
    kind: "memo",
    maxLength: 10000,
    logicalName: OutreachAudit.reasons,
    label: { 1033: "Reasons" },
    description:
      "One reason per line, as the seller's client worded them, then the seller's note or justification; not checked by the server.",
    // Holds the engagement note and the justification again (audit.ts `details`): free text of a
    // seller, read by approvers and admins only.
    secured: true,
  },
  {
    kind: "text",
    maxLength: 1000,
    logicalName: OutreachAudit.sources,
    label: { 1033: "Sources" },
    description: "Sources consulted and whether each answered.",
  },
  {
    kind: "choice",
    logicalName: OutreachAudit.decision,
    label: { 1033: "Decision" },
    description: "What happened.",
    required: true,
    options: options(AuditDecisionCodes, AuditDecisionLabels),
  },
];

const auditViews: View[] = [
  ...systemViews(
    OutreachAudit.name,
    [ServerColumns.createdOn, ServerColumns.createdBy, OutreachAudit.account, OutreachAudit.decision],
    newestFirst,
  ),
  {
    // The seller is who created the row (createdby), the moment of the check its createdon.
    key: "by-seller",
    name: { 1033: "Outreach audit by seller" },
    queryType: QueryType.public,
    isDefault: false,
    columns: [
      ServerColumns.createdBy,
      ServerColumns.createdOn,
      OutreachAudit.account,
      OutreachAudit.verdict,
      OutreachAudit.decision,
    ],
    conditions: [],
    order: [{ attribute: ServerColumns.createdBy, descending: false }, ...newestFirst],
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
          {
            label: { 1033: "Relationship" },
            columns: [
              Association.name,
              Association.customer,
              Association.partner,
              Association.relationshipType,
              Association.status,
            ],
          },
          {
            label: { 1033: "Period and source" },
            columns: [
              Association.start,
              Association.end,
              Association.source,
              Association.externalReference,
              Association.partnerContact,
            ],
          },
        ],
      },
    ],
    views: associationViews,
    // Feed imports and Graph sync upsert on (source, external reference).
    keys: [
      {
        schemaName: `${PUBLISHER_PREFIX}_SourceExternalReference`,
        label: { 1033: "Source and external reference" },
        columns: [Association.source, Association.externalReference],
      },
    ],
  },
  {
    logicalName: OutreachExceptionTable.logicalName,
    schemaName: TableSchemaNames.pg_outreachexception,
    entitySet: OutreachExceptionTable.entitySet,
    displayName: { 1033: "Outreach exception", 1031: "Ansprache-Ausnahme" },
    pluralName: { 1033: "Outreach exceptions", 1031: "Ansprache-Ausnahmen" },
    description:
      "A seller's request to reach out despite a partner of record. Never changed once created; approvers decide on it with outreach decisions.",
    primaryId: OutreachExceptionTable.id,
    primaryName: OutreachExceptionTable.name,
    columns: exceptionColumns,
    forms: [
      {
        key: "main",
        name: { 1033: "Outreach exception" },
        // A row created on this form records the account it is for and notifies like one made
        // from the card (webresource/approvals.ts: OnLoad adds the OnSave and PostSave handlers).
        handlers: [
          { event: "onload", library: WebResources.commandScript, functionName: ScriptFunctions.approvalsOnLoad },
        ],
        sections: [
          {
            label: { 1033: "Request" },
            columns: [
              OutreachExceptionTable.name,
              OutreachExceptionTable.account,
              OutreachExceptionTable.reasonCode,
              OutreachExceptionTable.justification,
              OutreachExceptionTable.requestedDays,
              ...createdByOn,
            ],
            // Set by the OnSave handler from the account lookup; never typed by anyone.
            hidden: [OutreachExceptionTable.requestedFor],
          },
        ],
      },
    ],
    views: exceptionViews,
    keys: [],
  },
  {
    logicalName: OutreachDecision.logicalName,
    schemaName: TableSchemaNames.pg_outreachdecision,
    entitySet: OutreachDecision.entitySet,
    displayName: { 1033: "Outreach decision", 1031: "Ansprache-Entscheidung" },
    pluralName: { 1033: "Outreach decisions", 1031: "Ansprache-Entscheidungen" },
    description:
      "An approver's decision on an outreach exception request. Only approvers create decisions; nobody changes them.",
    primaryId: OutreachDecision.id,
    primaryName: OutreachDecision.name,
    columns: decisionColumns,
    forms: [
      {
        key: "main",
        name: { 1033: "Outreach decision" },
        // A row created on this form notifies like one made from the card (webresource/approvals.ts).
        handlers: [
          { event: "onload", library: WebResources.commandScript, functionName: ScriptFunctions.approvalsOnLoad },
        ],
        sections: [
          {
            label: { 1033: "Decision" },
            columns: [
              OutreachDecision.name,
              OutreachDecision.exception,
              OutreachDecision.decision,
              OutreachDecision.days,
              OutreachDecision.note,
              ...createdByOn,
            ],
          },
        ],
      },
    ],
    views: decisionViews,
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
          { label: { 1033: "Check" }, columns: [OutreachAudit.name, OutreachAudit.account, ...createdByOn] },
          {
            label: { 1033: "Outcome" },
            columns: [OutreachAudit.verdict, OutreachAudit.decision, OutreachAudit.reasons, OutreachAudit.sources],
          },
        ],
      },
    ],
    views: auditViews,
    keys: [],
  },
];

/**
 * Load a parsed partner feed into the Dataverse emulator, as PartnerGuard's tables would hold it
 * after a `partnerguard sync`: accounts (customers and partners) with their parents, and one
 * association row per partner row of the feed.
 */
import { FeedRow } from "../core/feed";
import {
  Account,
  AppNotification,
  AppNotificationIcon,
  AppNotificationPriority,
  AppNotificationToast,
  Association,
  AssociationAlternateKey,
  AssociationSourceCodes,
  AssociationStatusCodes,
  AuditDecisionCodes,
  AuditDecisionLabels,
  AuditVerdictCodes,
  AuditVerdictLabels,
  DecisionCodes,
  DecisionLabels,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
  RelationshipTypeCodes,
  RelationshipTypeLabels,
  RoleTable,
  SystemUserRoles,
  ENGAGEMENT_ACTIVITY,
  OUTREACH_ACTIVITY_REGARDING_ACCOUNT,
  OUTREACH_ACTIVITY_REGARDING_CONTACT,
  StoredOutreachCodes,
  StoredOutreachLabels,
  StoredVerdict,
} from "../schema";
import { DataverseEmulator, EmulatorOptions, Record_, TableDefinition } from "./dataverseEmulator";
import { DATE_COLUMNS, SECURED_COLUMNS, TABLE_COLUMNS } from "./tableColumns";

/** `{ key: code }` with English labels -> choice labels by code (the solution's labels, for formatted values). */
function labels<K extends string>(codes: Record<K, number>, english: Record<K, string>): Record<number, string> {
  return Object.fromEntries((Object.keys(codes) as K[]).map((key) => [codes[key], english[key]]));
}

const DEFINITIONS: Record<string, TableDefinition> = {
  [Account.logicalName]: {
    primaryId: Account.id,
    primaryName: Account.name,
    hierarchyParent: Account.parent,
    lookups: { [Account.parent]: Account.logicalName, [StoredVerdict.partner]: Account.logicalName },
    navigation: { [StoredVerdict.partnerNav]: StoredVerdict.partner },
    choices: {
      [StoredVerdict.outreach]: labels(StoredOutreachCodes, StoredOutreachLabels),
      [StoredVerdict.relationshipType]: labels(RelationshipTypeCodes, RelationshipTypeLabels),
    },
    mergeable: true,
  },
  contact: { primaryId: "contactid", primaryName: "fullname", mergeable: true },
  lead: { primaryId: "leadid", primaryName: "fullname", mergeable: true },
  systemuser: { primaryId: "systemuserid", primaryName: "fullname" },
  task: {
    primaryId: "activityid",
    primaryName: "subject",
    navigation: { [ENGAGEMENT_ACTIVITY.regardingAccountNav]: "regardingobjectid" },
  },
  phonecall: {
    primaryId: "activityid",
    primaryName: "subject",
    // One navigation property per table a phone call may be regarding (Web API phonecall EntityType).
    navigation: {
      [OUTREACH_ACTIVITY_REGARDING_ACCOUNT]: "regardingobjectid",
      [OUTREACH_ACTIVITY_REGARDING_CONTACT]: "regardingobjectid",
    },
  },
  [Association.logicalName]: {
    primaryId: Association.id,
    primaryName: Association.name,
    alternateKeys: [[...AssociationAlternateKey]],
    lookups: {
      [Association.customer]: Account.logicalName,
      [Association.partner]: Account.logicalName,
      [Association.partnerContact]: "contact",
    },
    choices: {
      [Association.relationshipType]: Object.fromEntries(
        Object.entries(RelationshipTypeCodes).map(([k, code]) => [
          code,
          RelationshipTypeLabels[k as keyof typeof RelationshipTypeLabels],
        ]),
      ),
      [Association.status]: {
        [AssociationStatusCodes.active]: "Active",
        [AssociationStatusCodes.inactive]: "Inactive",
      },
      [Association.source]: {
        [AssociationSourceCodes.manual]: "Registration",
        [AssociationSourceCodes.feed]: "Partner feed",
        [AssociationSourceCodes.graph]: "Graph sync",
      },
    },
  },
  [OutreachExceptionTable.logicalName]: {
    primaryId: OutreachExceptionTable.id,
    primaryName: OutreachExceptionTable.name,
    lookups: { [OutreachExceptionTable.account]: Account.logicalName },
    // A decision means nothing without its request (the solution's relationship cascades delete).
    cascadeDelete: [{ table: OutreachDecision.logicalName, column: OutreachDecision.exception }],
  },
  [OutreachDecision.logicalName]: {
    primaryId: OutreachDecision.id,
    primaryName: OutreachDecision.name,
    lookups: { [OutreachDecision.exception]: OutreachExceptionTable.logicalName },
    choices: { [OutreachDecision.decision]: labels(DecisionCodes, DecisionLabels) },
  },
  [OutreachAudit.logicalName]: {
    primaryId: OutreachAudit.id,
    primaryName: OutreachAudit.name,
    lookups: { [OutreachAudit.account]: Account.logicalName },
    choices: {
      [OutreachAudit.verdict]: labels(AuditVerdictCodes, AuditVerdictLabels),
      [OutreachAudit.decision]: labels(AuditDecisionCodes, AuditDecisionLabels),
    },
  },
  // In-app notifications (appnotification.md): user-owned, one row per recipient (its owner).
  [AppNotification.logicalName]: {
    primaryId: AppNotification.id,
    primaryName: AppNotification.title,
    createForOwner: true,
    choices: {
      [AppNotification.iconType]: {
        [AppNotificationIcon.info]: "Info",
        [AppNotificationIcon.success]: "Success",
        [AppNotificationIcon.failure]: "Failure",
        [AppNotificationIcon.warning]: "Warning",
      },
      [AppNotification.toastType]: {
        [AppNotificationToast.timed]: "Timed",
        [AppNotificationToast.hidden]: "Hidden",
      },
      [AppNotification.priority]: {
        [AppNotificationPriority.normal]: "Normal",
        [AppNotificationPriority.high]: "High",
      },
    },
  },
  // Security roles (business-owned: each business unit has its copy) and who holds which.
  [RoleTable.logicalName]: {
    primaryId: RoleTable.id,
    primaryName: RoleTable.name,
    lookups: { [RoleTable.parentRoot]: RoleTable.logicalName },
  },
  [SystemUserRoles.logicalName]: {
    primaryId: SystemUserRoles.id,
    lookups: { [SystemUserRoles.user]: "systemuser", [SystemUserRoles.role]: RoleTable.logicalName },
  },
  environmentvariabledefinition: { primaryId: "environmentvariabledefinitionid", primaryName: "schemaname" },
  environmentvariablevalue: { primaryId: "environmentvariablevalueid" },
};

/**
 * The tables, each with its columns (tableColumns.ts: a query naming another column is refused)
 * and its secured columns (column-level security as the solution ships it).
 */
export const TABLES: Record<string, TableDefinition> = Object.fromEntries(
  Object.entries(DEFINITIONS).map(([name, def]) => [
    name,
    {
      ...def,
      columns: TABLE_COLUMNS[name],
      ...(SECURED_COLUMNS[name]?.length ? { secured: SECURED_COLUMNS[name] } : {}),
      ...(DATE_COLUMNS[name] && Object.keys(DATE_COLUMNS[name]).length ? { dates: DATE_COLUMNS[name] } : {}),
    },
  ]),
);

// One mapping of a feed row to Dataverse values, shared with the command line's offline reader.
export { sourceCode, stableGuid } from "../sources/node/feedSource";
import { associationId, feedAccounts, sourceCode } from "../sources/node/feedSource";

export function emulatorFromFeed(rows: FeedRow[], options: EmulatorOptions = {}): DataverseEmulator {
  const emulator = new DataverseEmulator(TABLES, options);
  for (const row of rows) {
    const p = row.partner;
    if (!p) continue;
    emulator.insert(Association.logicalName, {
      [Association.id]: associationId(row),
      [Association.name]: `${p.partnerName ?? p.partnerId} – ${row.customerName ?? row.customerAccountId}`,
      [Association.customer]: { $lookup: Account.logicalName, id: row.customerAccountId.toLowerCase() },
      [Association.partner]: p.partnerId ? { $lookup: Account.logicalName, id: p.partnerId.toLowerCase() } : undefined,
      [Association.relationshipType]: RelationshipTypeCodes[p.relationshipType],
      [Association.status]: AssociationStatusCodes[p.status],
      [Association.start]: p.startDate,
      [Association.end]: p.endDate,
      [Association.source]: sourceCode(p.source),
      [Association.externalReference]: p.externalReference,
    });
  }
  const accounts: Record_[] = [...feedAccounts(rows).values()].map((a) => ({
    [Account.id]: a.id,
    ...(a.name ? { [Account.name]: a.name } : {}),
    ...(a.parentId ? { [Account.parent]: { $lookup: Account.logicalName, id: a.parentId } } : {}),
    ...(a.tenantId ? { [Account.tenantId]: a.tenantId } : {}),
  }));
  for (const row of accounts) emulator.insert(Account.logicalName, row);
  return emulator;
}

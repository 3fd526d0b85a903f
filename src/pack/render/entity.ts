/** Entity.xml of an entity folder (EntityInfo only; forms, views and ribbon live beside it). */
import { el, XmlElement } from "../xml";
import { Column, Labels, Table } from "../model/types";
import { english, labelList } from "./labels";
import { INTRODUCED_VERSION, renderColumn, renderPrimaryKey, renderStateColumns } from "./attributes";

/** The base language is 1033: `LocalizedName`/`OriginalName` carry the English name, never another language's. */
function entityName(schemaName: string, displayName: Labels): XmlElement {
  const name = displayName[1033];
  return el("Name", { LocalizedName: name, OriginalName: name }, schemaName);
}

/** Entity-level settings of a new user-owned table, as the maker portal sets them. */
function tableSettings(table: Table): XmlElement[] {
  const flags: [string, string | number][] = [
    ["EntitySetName", table.entitySet],
    ["IsDuplicateCheckSupported", 0],
    ["IsBusinessProcessEnabled", 0],
    ["IsRequiredOffline", 0],
    ["IsInteractionCentricEnabled", 0],
    ["IsCollaboration", 0],
    ["AutoRouteToOwnerQueue", 0],
    ["IsConnectionsEnabled", 0],
    ["IsDocumentManagementEnabled", 0],
    ["IsOneNoteIntegrationEnabled", 0],
    ["IsKnowledgeManagementEnabled", 0],
    ["IsSLAEnabled", 0],
    ["IsDocumentRecommendationsEnabled", 0],
    ["IsBPFEntity", 0],
    ["OwnershipTypeMask", "UserOwned"],
    ["IsAuditEnabled", 1],
    ["IsActivity", 0],
    ["IsActivityParty", 0],
    ["IsMailMergeEnabled", 0],
    ["IsVisibleInMobile", 0],
    ["IsVisibleInMobileClient", 1],
    ["IsReadOnlyInMobileClient", 0],
    ["IsOfflineInMobileClient", 0],
    ["DaysSinceRecordLastModified", 0],
    ["IsMapiGridEnabled", 1],
    ["IsReadingPaneEnabled", 1],
    ["IsQuickCreateEnabled", 0],
    ["SyncToExternalSearchIndex", 0],
    ["IntroducedVersion", INTRODUCED_VERSION],
    ["IsCustomizable", 1],
    ["IsRenameable", 1],
    ["IsMappable", 1],
    ["CanModifyAuditSettings", 1],
    ["CanCreateAttributes", 1],
    ["CanCreateForms", 1],
    ["CanCreateCharts", 1],
    ["CanCreateViews", 1],
    ["CanModifyAdditionalSettings", 1],
    ["EnforceStateTransitions", 0],
    ["ChangeTrackingEnabled", 1],
    ["CanChangeTrackingBeEnabled", 1],
  ];
  return flags.map(([tag, value]) => el(tag, {}, value));
}

export function renderTableEntity(table: Table): XmlElement {
  const keys = table.keys.map((key) =>
    el(
      "EntityKey",
      {},
      el("Name", {}, key.schemaName),
      el("LogicalName", {}, key.schemaName.toLowerCase()),
      el("IntroducedVersion", {}, INTRODUCED_VERSION),
      el("IsCustomizable", {}, 1),
      labelList("displaynames", "displayname", key.label),
      el("EntityKeyAttributes", {}, ...key.columns.map((c) => el("AttributeName", {}, c))),
    ),
  );
  const attributes = [
    renderPrimaryKey(table.primaryId, table.displayName),
    ...table.columns.map((c) => renderColumn(c, table.logicalName, c.logicalName === table.primaryName)),
    ...renderStateColumns(table.logicalName),
  ].sort((a, b) => physicalName(a).localeCompare(physicalName(b)));
  return el(
    "Entity",
    {},
    entityName(table.schemaName, table.displayName),
    el(
      "EntityInfo",
      {},
      el(
        "entity",
        { Name: table.schemaName },
        labelList("LocalizedNames", "LocalizedName", table.displayName),
        labelList("LocalizedCollectionNames", "LocalizedCollectionName", table.pluralName),
        labelList("Descriptions", "Description", english(table.description)),
        el("attributes", {}, ...attributes),
        ...tableSettings(table),
        keys.length > 0 && el("EntityKeys", {}, ...keys),
      ),
    ),
  );
}

function physicalName(attribute: XmlElement): string {
  return String(attribute.attrs.find(([k]) => k === "PhysicalName")?.[1] ?? "");
}

/**
 * A standard table we only add columns to, as an export writes it (JurgenPostelmans/IssueTracking
 * `Entities/Account/Entity.xml`, rooted with behavior 2): `OriginalName=""` on the name, the entity
 * without `unmodified` (exports write `unmodified="1"` only on an entity they carry no attribute
 * of, e.g. the 2026 reference export's ribbon-only `sprk_Event`), only the added attributes, and
 * none of the table's own settings (they stay the org's: its auditing, quick create...).
 */
export function renderExtendedEntity(
  schemaName: string,
  displayName: Labels,
  entityLogicalName: string,
  columns: Column[],
): XmlElement {
  return el(
    "Entity",
    {},
    el("Name", { LocalizedName: displayName[1033], OriginalName: "" }, schemaName),
    el(
      "EntityInfo",
      {},
      el(
        "entity",
        { Name: schemaName },
        el("attributes", {}, ...columns.map((c) => renderColumn(c, entityLogicalName, false))),
      ),
    ),
  );
}

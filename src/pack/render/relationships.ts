/** One-to-many relationships behind our lookups (Other/Relationships.xml). */
import { el, XmlElement } from "../xml";
import { Column, LookupTarget } from "../model/types";
import { english, labelList } from "./labels";
import { INTRODUCED_VERSION } from "./attributes";
import { PUBLISHER_PREFIX, TableSchemaNames } from "../../schema";

/** Schema names of the tables our lookups point at: the platform's standard ones and our own. */
export const TARGET_SCHEMA_NAMES: Record<LookupTarget, string> = {
  account: "Account",
  contact: "Contact",
  systemuser: "SystemUser",
  pg_outreachexception: TableSchemaNames.pg_outreachexception,
};

/** `CascadeDelete` values of the customization schema, by the lookup's `onDelete`. */
const CASCADE_DELETE = { cascade: "Cascade", removeLink: "RemoveLink" } as const;

/** `CascadeArchive` of every relationship (see renderRelationship). */
const CASCADE_ARCHIVE = "RemoveLink";

/** A table whose lookups become relationships: one of ours, or a standard one we add columns to (account). */
export interface ReferencingTable {
  schemaName: string;
  columns: readonly Column[];
}

export interface Relationship {
  name: string;
  table: ReferencingTable;
  attribute: string;
  target: LookupTarget;
  /** What deleting the target row does to the referencing rows (the lookup column decides). */
  cascadeDelete: (typeof CASCADE_DELETE)[keyof typeof CASCADE_DELETE];
}

/**
 * `<referencing table>_<lookup>_<target>`, as the maker portal names them; a custom relationship's
 * name starts with the publisher's prefix, so one from a standard table (account) gets it in front.
 */
function relationshipName(table: ReferencingTable, lookup: string, target: LookupTarget): string {
  const name = `${table.schemaName}_${lookup}_${TARGET_SCHEMA_NAMES[target]}`;
  return name.startsWith(`${PUBLISHER_PREFIX}_`) ? name : `${PUBLISHER_PREFIX}_${name}`;
}

function relationshipsOf(tables: readonly ReferencingTable[]): Relationship[] {
  return tables.flatMap((table) =>
    table.columns.flatMap((c): Relationship[] =>
      c.kind === "lookup"
        ? [
            {
              name: relationshipName(table, c.schemaName ?? c.logicalName, c.target),
              table,
              attribute: c.schemaName ?? c.logicalName,
              target: c.target,
              // By default removing a customer must not silently erase evidence or audit: RemoveLink keeps the rows.
              cascadeDelete: CASCADE_DELETE[c.onDelete ?? "removeLink"],
            },
          ]
        : [],
    ),
  );
}

function renderRelationship(r: Relationship): XmlElement {
  return el(
    "EntityRelationship",
    { Name: r.name },
    el("EntityRelationshipType", {}, "OneToMany"),
    el("IsCustomizable", {}, 1),
    el("IntroducedVersion", {}, INTRODUCED_VERSION),
    el("IsHierarchical", {}, 0),
    el("ReferencingEntityName", {}, r.table.schemaName),
    el("ReferencedEntityName", {}, TARGET_SCHEMA_NAMES[r.target]),
    el("CascadeAssign", {}, "NoCascade"),
    el("CascadeDelete", {}, r.cascadeDelete),
    // Archiving (long-term retention): RemoveLink on every relationship, whatever CascadeDelete
    // says, as exports write it: microsoft/coe-starter-kit CenterofExcellenceCoreComponents
    // `Other/Relationships/admin_Environment.xml` (relationships of 4.x: RemoveLink; older ones
    // NoCascade), and no export found writes Cascade, not even beside CascadeDelete Cascade
    // (`admin_Flow.xml`, bpf_admin_flow_new_flowapprovalbpf: NoCascade). Newer than the 2018
    // schema: NEWER_THAN_SCHEMA (checks/schemaValidation.ts).
    el("CascadeArchive", {}, CASCADE_ARCHIVE),
    el("CascadeReparent", {}, "NoCascade"),
    el("CascadeShare", {}, "NoCascade"),
    el("CascadeUnshare", {}, "NoCascade"),
    // Rollup views follow no relationship of ours (the schema knows this one).
    el("CascadeRollupView", {}, "NoCascade"),
    el("IsValidForAdvancedFind", {}, 1),
    el("ReferencingAttributeName", {}, r.attribute),
    el("RelationshipDescription", {}, labelList("Descriptions", "Description", english(""))),
    el(
      "EntityRelationshipRoles",
      {},
      el(
        "EntityRelationshipRole",
        {},
        el("NavPaneDisplayOption", {}, "UseCollectionName"),
        el("NavPaneArea", {}, "Details"),
        el("NavPaneOrder", {}, 10000),
        el("NavigationPropertyName", {}, r.attribute),
        el("RelationshipRoleType", {}, 1),
      ),
      el("EntityRelationshipRole", {}, el("NavigationPropertyName", {}, r.name), el("RelationshipRoleType", {}, 0)),
    ),
  );
}

export function renderRelationships(tables: readonly ReferencingTable[]): XmlElement {
  return el("EntityRelationships", {}, ...relationshipsOf(tables).map(renderRelationship));
}

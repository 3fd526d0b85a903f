/** Saved queries (views): layoutxml for the grid, fetchxml for the rows. */
import { el, XmlElement } from "../xml";
import { stableGuid } from "../guid";
import { QueryType, Table, View, ViewCondition, ViewFilter } from "../model/types";
import { isSystemColumn } from "../model/systemColumns";
import { labelList } from "./labels";
import { INTRODUCED_VERSION } from "./attributes";

export const viewId = (entity: string, key: string): string => stableGuid("view", entity, key);

/**
 * What a view needs to know of its table: one of ours (model/tables.ts) or a standard one we add
 * columns to (account: model/accountViews.ts lists the standard columns its views name).
 */
export type ViewTable = Pick<Table, "logicalName" | "primaryId" | "primaryName"> & {
  columns: readonly { logicalName: string }[];
};

/** Columns a view of `table` may name: its own, its primary key and the platform's system columns. */
const knows = (table: ViewTable, name: string) =>
  name === table.primaryId || isSystemColumn(name) || table.columns.some((c) => c.logicalName === name);

/** Every condition of the view, nested filters included. */
function allConditions(view: View): ViewCondition[] {
  const walk = (f: ViewFilter): ViewCondition[] => [...f.conditions, ...(f.filters ?? []).flatMap(walk)];
  return [...view.conditions, ...(view.filters ?? []).flatMap(walk)];
}

function checkView(table: ViewTable, view: View): void {
  const fail = (what: string) => {
    throw new Error(`view ${view.key} of ${table.logicalName} ${what}`);
  };
  const aliases = new Set((view.links ?? []).map((l) => l.alias));
  for (const name of [...view.columns, ...view.order.map((o) => o.attribute)])
    if (!knows(table, name)) fail(`names unknown column ${name}`);
  for (const link of view.links ?? [])
    if (!knows(table, link.to)) fail(`links ${link.table} to unknown column ${link.to}`);
  for (const c of allConditions(view)) {
    if (c.entityname === undefined ? !knows(table, c.attribute) : !aliases.has(c.entityname))
      fail(`has a condition on unknown ${c.entityname ?? table.logicalName}.${c.attribute}`);
    if ((c.operator === "in") !== (c.values !== undefined && c.values.length > 0))
      fail(`has a condition on ${c.attribute}: an in condition needs values, and only it takes them`);
  }
}

const renderCondition = (c: ViewCondition): XmlElement =>
  el(
    "condition",
    { entityname: c.entityname, attribute: c.attribute, operator: c.operator, value: c.value },
    ...(c.values ?? []).map((v) => el("value", {}, v)),
  );

const renderFilter = (f: ViewFilter): XmlElement =>
  el("filter", { type: f.type }, ...f.conditions.map(renderCondition), ...(f.filters ?? []).map(renderFilter));

export function renderView(table: ViewTable, view: View): XmlElement {
  checkView(table, view);
  const isQuickFind = view.queryType === QueryType.quickFind;
  const grid = el(
    "grid",
    { name: "resultset", jump: table.primaryName, select: 1, icon: 1, preview: 1 },
    el(
      "row",
      { name: "result", id: table.primaryId },
      ...view.columns.map((c) => el("cell", { name: c, width: c === table.primaryName ? 200 : 150 })),
    ),
  );
  const conditions = [...view.conditions.map(renderCondition), ...(view.filters ?? []).map(renderFilter)];
  // Joined for conditions only ("has no decision": outer link, linked key null), so no attributes.
  const links = (view.links ?? []).map((l) =>
    el("link-entity", { name: l.table, from: l.from, to: l.to, "link-type": l.type, alias: l.alias }),
  );
  const fetch = el(
    "fetch",
    { version: "1.0", "output-format": "xml-platform", mapping: "logical" },
    el(
      "entity",
      { name: table.logicalName },
      ...[table.primaryId, ...view.columns].map((c) => el("attribute", { name: c })),
      ...view.order.map((o) => el("order", { attribute: o.attribute, descending: String(o.descending) })),
      ...links,
      conditions.length > 0 && el("filter", { type: "and" }, ...conditions),
      // Quick find searches the primary name column ({0} is the user's search text).
      isQuickFind &&
        el(
          "filter",
          { type: "or", isquickfindfields: 1 },
          el("condition", { attribute: table.primaryName, operator: "like", value: "{0}" }),
        ),
    ),
  );
  return el(
    "savedqueries",
    {},
    el(
      "savedquery",
      {},
      el("IsCustomizable", {}, 1),
      el("CanBeDeleted", {}, view.isDefault ? 0 : 1),
      el("isquickfindquery", {}, isQuickFind ? 1 : 0),
      el("isprivate", {}, 0),
      el("isdefault", {}, view.isDefault ? 1 : 0),
      el("savedqueryid", {}, viewId(table.logicalName, view.key)),
      el("layoutxml", {}, grid),
      el("querytype", {}, view.queryType),
      el("fetchxml", {}, fetch),
      el("IntroducedVersion", {}, INTRODUCED_VERSION),
      labelList("LocalizedNames", "LocalizedName", view.name),
    ),
  );
}

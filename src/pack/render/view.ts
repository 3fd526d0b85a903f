/** Saved queries (views): layoutxml for the grid, fetchxml for the rows. */
import { el, XmlElement } from "../xml";
import { stableGuid } from "../guid";
import { QueryType, Table, View } from "../model/types";
import { isSystemColumn } from "../model/systemColumns";
import { labelList } from "./labels";
import { INTRODUCED_VERSION } from "./attributes";

export const viewId = (entity: string, key: string): string => stableGuid("view", entity, key);

/** Columns a view of `table` may name: its own, its primary key and the platform's system columns. */
const knows = (table: Table, name: string) =>
  name === table.primaryId || isSystemColumn(name) || table.columns.some((c) => c.logicalName === name);

function checkView(table: Table, view: View): void {
  const fail = (what: string) => {
    throw new Error(`view ${view.key} of ${table.logicalName} ${what}`);
  };
  const aliases = new Set((view.links ?? []).map((l) => l.alias));
  for (const name of [...view.columns, ...view.order.map((o) => o.attribute)])
    if (!knows(table, name)) fail(`names unknown column ${name}`);
  for (const link of view.links ?? [])
    if (!knows(table, link.to)) fail(`links ${link.table} to unknown column ${link.to}`);
  for (const c of view.conditions) {
    if (c.entityname === undefined ? !knows(table, c.attribute) : !aliases.has(c.entityname))
      fail(`has a condition on unknown ${c.entityname ?? table.logicalName}.${c.attribute}`);
  }
}

export function renderView(table: Table, view: View): XmlElement {
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
  const conditions = view.conditions.map((c) =>
    el("condition", { entityname: c.entityname, attribute: c.attribute, operator: c.operator, value: c.value }),
  );
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

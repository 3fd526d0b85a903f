/** Saved queries (views): layoutxml for the grid, fetchxml for the rows. */
import { el, XmlElement } from "../xml";
import { stableGuid } from "../guid";
import { QueryType, Table, View } from "../model/types";
import { labelList } from "./labels";
import { INTRODUCED_VERSION } from "./attributes";

export const viewId = (entity: string, key: string): string => stableGuid("view", entity, key);

export function renderView(table: Table, view: View): XmlElement {
  const isQuickFind = view.queryType === QueryType.quickFind;
  const grid = el(
    "grid",
    { name: "resultset", jump: table.primaryName, select: 1, icon: 1, preview: 1 },
    el("row", { name: "result", id: table.primaryId }, ...view.columns.map((c) => el("cell", { name: c, width: c === table.primaryName ? 200 : 150 }))),
  );
  const conditions = view.conditions.map((c) => el("condition", { attribute: c.attribute, operator: c.operator, value: c.value }));
  const fetch = el(
    "fetch",
    { version: "1.0", "output-format": "xml-platform", mapping: "logical" },
    el(
      "entity",
      { name: table.logicalName },
      ...[table.primaryId, ...view.columns].map((c) => el("attribute", { name: c })),
      ...view.order.map((o) => el("order", { attribute: o.attribute, descending: String(o.descending) })),
      conditions.length > 0 && el("filter", { type: "and" }, ...conditions),
      // Quick find searches the primary name column ({0} is the user's search text).
      isQuickFind && el("filter", { type: "or", isquickfindfields: 1 }, el("condition", { attribute: table.primaryName, operator: "like", value: "{0}" })),
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

/**
 * Valid FetchXML the emulator does not evaluate. Dataverse answers these queries; the emulator
 * would answer them wrongly (an `entityname` condition tested on the wrong table, `top` ignored),
 * so it answers 501 and names what is missing instead: a test can never pass against a silent stub.
 * Runs after queryCheck.ts, so everything here has already passed what the service checks.
 */
import type { XmlNode } from "./dataverseEmulator";

/** Condition operators `matchesCondition` evaluates. */
const OPERATORS: ReadonlySet<string> = new Set([
  "eq",
  "ne",
  "null",
  "not-null",
  "in",
  "like",
  "lt",
  "le",
  "gt",
  "ge",
  "eq-or-above",
  "above",
  // Relative dates, in the user's time zone (EmulatorOptions.timeZone): the ones the account views use.
  "today",
  "yesterday",
  "next-x-years",
  "olderthan-x-days",
]);

const list = (node: XmlNode, key: string): XmlNode[] => (node[key] as XmlNode[] | undefined) ?? [];
const isTrue = (v: unknown): boolean => v === "true" || v === "1";

/** The filter link types (fetchxml/filter-rows.md, "Filter on values in related records"): evaluated inside a filter. */
const FILTER_LINK_TYPES: ReadonlySet<string> = new Set(["any", "not any", "all", "not all"]);

function inFilter(filter: XmlNode, found: Set<string>): void {
  for (const link of list(filter, "link-entity")) {
    const type = link["link-type"] as string | undefined;
    // Other link types inside a filter: what the service makes of them is not documented.
    if (type === undefined || !FILTER_LINK_TYPES.has(type)) found.add(`link-type="${type ?? "inner"}" inside a filter`);
    if (link.from === undefined || link.to === undefined) found.add("link-entity without from and to");
    // "They don't allow returning column values from the link entity rows": what the service
    // answers to columns or orders asked of one is not documented either.
    if (list(link, "attribute").length || link["all-attributes"] !== undefined || list(link, "order").length)
      found.add("columns or orders of a link-entity inside a filter");
    if (list(link, "link-entity").length) found.add("link-entity under a link-entity inside a filter");
    for (const inner of list(link, "filter")) inFilter(inner, found);
  }
  for (const condition of list(filter, "condition")) {
    if (condition.entityname !== undefined) found.add("conditions with entityname");
    if (condition.valueof !== undefined) found.add("conditions with valueof");
    if (!OPERATORS.has(String(condition.operator))) found.add(`the ${String(condition.operator)} operator`);
  }
  for (const inner of list(filter, "filter")) inFilter(inner, found);
}

function inTable(node: XmlNode, found: Set<string>): void {
  if (node["all-attributes"] !== undefined) found.add("all-attributes");
  for (const attribute of list(node, "attribute"))
    if (attribute.alias !== undefined || attribute.aggregate !== undefined || attribute.groupby !== undefined)
      found.add("attribute aliases and aggregates");
  for (const order of list(node, "order")) if (order.entityname !== undefined) found.add("orders with entityname");
  for (const filter of list(node, "filter")) inFilter(filter, found);
  for (const link of list(node, "link-entity")) {
    const type = link["link-type"] as string | undefined; // attribute values parse as strings
    // The filter link types belong inside a filter (link-entity.md, "Filter Link Types"); elsewhere undocumented.
    if (type !== undefined && type !== "inner" && type !== "outer") found.add(`link-type="${type}" outside a filter`);
    if (link.from === undefined || link.to === undefined) found.add("link-entity without from and to");
    inTable(link, found);
  }
}

/** What of this (checked) query the emulator does not evaluate; empty when it answers it faithfully. */
export function unimplementedIn(fetch: XmlNode): string[] {
  const found = new Set<string>();
  for (const name of ["aggregate", "distinct"]) if (isTrue(fetch[name])) found.add(`${name}="true"`);
  if (fetch.top !== undefined) found.add("top");
  if (fetch.order !== undefined) found.add("order under fetch");
  inTable(fetch.entity as XmlNode, found);
  return [...found];
}

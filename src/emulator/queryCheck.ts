/**
 * What Dataverse refuses in a FetchXML query, checked before the emulator evaluates anything, so
 * the emulator is never kinder than the service: a query it answers, the service answers too.
 * fast-xml-parser (the emulator's parser) happily parses broken XML, so well-formedness is checked
 * first; then the shape (one `fetch`, one `entity`, known child nodes), the tables and columns
 * against the emulator's table definitions, aliases, operators, paging values and the documented
 * limits. Synchronous and free of Node modules: it runs in the browser playground too. The schema
 * check against Fetch.xsd (fetchSchema.node.ts) is separate and Node-only.
 *
 * Codes and messages are the platform's: names and messages from powerapps-docs
 * `developer/data-platform/includes/data-service-error-codes.md` unless marked otherwise; each
 * message then says where in the query the problem is.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { TableDefinition } from "./dataverseEmulator";
import { EmulatorError } from "./emulatorError";

const REFUSALS = {
  InvalidXml: ["0x80040201", "Invalid XML."],
  QueryBuilderDeserializeEmptyXml: ["0x80041124", "Xml String can't be null."],
  QueryBuilderDeserializeInvalidNode: ["0x8004111c", "The element node encountered is invalid."],
  // [community] the deserializer's own words for an unknown child of entity/link-entity
  // (bcolpaert/Colso.Xrm.DataTransporter issue 18; Shko-Online/dataverse-odata getFetchXmlFromParser.ts).
  InvalidChildNode: [
    "0x8004111c",
    "Invalid Child Node, valid nodes are filter, order, link-entity, attribute, all-attributes, no-attrs.",
  ],
  // [community] Shko-Online/dataverse-odata (getFetchXmlFromParser.ts) for a fetch without one named entity.
  NoEntityName: ["0x80041102", "Entity Name was not specified in FetchXml String."],
  QueryBuilderEntitiesDontMatch: [
    "0x80041128",
    "The entity name specified in fetchxml does not match the entity name specified in the Entity or Query Expression.",
  ],
  QueryBuilderNoEntity: ["0x80041102", "The specified entity was not found."],
  QueryBuilderNoAttribute: ["0x80041103", "The specified attribute does not exist on this entity."],
  QueryBuilderAttributeNotFound: ["0x8004111e", "A required attribute was not specified."],
  QueryBuilderAlias_Does_Not_Exist: [
    "0x8004110a",
    "The specified alias for the given entity in the condition does not exist.",
  ],
  QueryBuilderLinkNodeForOrderNotFound: [
    "0x80041126",
    "Converting from Query to EntityExpression failed. Link Node for order was not found.",
  ],
  QueryBuilderAliasNotAllowedForNonAggregateOrderBy: [
    "0x80041132",
    "An alias cannot be specified for an order clause for a non-aggregate Query. Use an attribute.",
  ],
  QueryBuilderAttributeRequiredForNonAggregateOrderBy: [
    "0x80041133",
    "An attribute is required for an order clause for a non-aggregate Query.",
  ],
  QueryBuilderDeserializeInvalidDescending: [
    "0x80041119",
    "The only valid values for descending attribute are 'true', 'false', '1', and '0'.",
  ],
  QueryBuilderInvalidConditionOperator: ["0x80041120", "Unsupported condition operator."],
  QueryBuilderInvalidFilterType: ["0x80041122", "Unsupported filter type. Valid values are 'and', or 'or'."],
  QueryBuilderDeserializeInvalidLinkType: [
    "0x80041117",
    "The only valid values for link-type attribute are 'natural', 'inner','in','exists','matchfirstrowusingcrossapply' and 'outer'.",
  ],
  QueryBuilderDuplicateAlias: ["0x80041130", "FetchXML should have unique aliases."],
  QueryBuilderInvalid_Value: ["0x80041108", "Invalid value specified for type."],
  QueryBuilderValue_GreaterThanZero: ["0x8004110c", "A value greater than zero must be specified."],
  // fetchxml/join-tables.md (Limitations): "You can add up to 15 link-entity elements to a query."
  TooManyLinkEntitiesInQuery: ["0x8004430d", "Number of link entities in query exceeded maximum limit."],
  // fetchxml/filter-rows.md: at most 500 condition and link-entity elements (dataverse-webapi-facts.md §3).
  TooManyConditionsInQuery: ["0x8004430c", "Number of conditions in query exceeded maximum limit."],
} as const satisfies Record<string, readonly [string, string]>;

type Refusal = keyof typeof REFUSALS;

function refuse(refusal: Refusal, detail: string): never {
  const [code, message] = REFUSALS[refusal];
  throw new EmulatorError(400, `${message} ${detail}`, code);
}

/** Link-entities per query; nesting is bounded by it too (no separate depth limit is documented). */
export const MAX_LINK_ENTITIES = 15;
/** condition + link-entity elements per query. */
export const MAX_CONDITIONS = 500;
/** The default and maximum page size of standard tables (fetchxml/page-results.md). */
export const MAX_PAGE_SIZE = 5000;

/** Fetch.xsd's `operator` enumeration (../shared/schemas/Fetch.xsd): anything else is refused. */
const OPERATORS: ReadonlySet<string> = new Set(
  (
    "eq neq ne gt ge le lt like not-like in not-in between not-between null not-null yesterday today tomorrow " +
    "last-seven-days next-seven-days last-week this-week next-week last-month this-month next-month on " +
    "on-or-before on-or-after last-year this-year next-year last-x-hours next-x-hours last-x-days next-x-days " +
    "last-x-weeks next-x-weeks last-x-months next-x-months olderthan-x-months olderthan-x-years olderthan-x-weeks " +
    "olderthan-x-days olderthan-x-hours olderthan-x-minutes last-x-years next-x-years eq-userid ne-userid " +
    "eq-userteams eq-useroruserteams eq-useroruserhierarchy eq-useroruserhierarchyandteams eq-businessid " +
    "ne-businessid eq-userlanguage this-fiscal-year this-fiscal-period next-fiscal-year next-fiscal-period " +
    "last-fiscal-year last-fiscal-period last-x-fiscal-years last-x-fiscal-periods next-x-fiscal-years " +
    "next-x-fiscal-periods in-fiscal-year in-fiscal-period in-fiscal-period-and-year " +
    "in-or-before-fiscal-period-and-year in-or-after-fiscal-period-and-year begins-with not-begin-with ends-with " +
    "not-end-with under eq-or-under not-under above eq-or-above contain-values not-contain-values"
  ).split(" "),
);

/** link-type values the service takes (the documented message above, plus the newer any/all forms of join-tables.md). */
const LINK_TYPES: ReadonlySet<string> = new Set([
  "inner",
  "outer",
  "natural",
  "in",
  "exists",
  "matchfirstrowusingcrossapply",
  "any",
  "not any",
  "all",
  "not all",
]);

const TABLE_CHILDREN: ReadonlySet<string> = new Set([
  "attribute",
  "all-attributes",
  "no-attrs",
  "order",
  "filter",
  "link-entity",
]);
const FILTER_CHILDREN: ReadonlySet<string> = new Set(["condition", "filter", "link-entity"]);
const BOOLEANS: ReadonlySet<string> = new Set(["true", "false", "1", "0"]);

/** A FetchXML element as the check reads it. */
interface Element {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: Element[];
}

const orderedParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
});

function elementsOf(nodes: unknown): Element[] {
  if (!Array.isArray(nodes)) return [];
  const elements: Element[] = [];
  for (const node of nodes as Record<string, unknown>[]) {
    const raw = (node[":@"] ?? {}) as Record<string, unknown>;
    const attrs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
    for (const name of Object.keys(node)) {
      if (name === ":@" || name === "#text" || name.startsWith("?")) continue; // text, <?xml ...?>
      elements.push({ name, attrs, children: elementsOf(node[name]) });
    }
  }
  return elements;
}

/** Refuse XML that is not well-formed (one root element included); the service answers "Invalid XML.". */
export function checkWellFormed(fetchXml: string): void {
  rootOf(fetchXml);
}

/** The root element of a well-formed document; refused otherwise. */
function rootOf(fetchXml: string): Element {
  if (fetchXml.trim() === "") refuse("QueryBuilderDeserializeEmptyXml", "(the fetchXml query option is empty)");
  const result = XMLValidator.validate(fetchXml);
  if (result !== true) {
    const { msg, line, col } = result.err;
    refuse("InvalidXml", `${msg} (line ${line}${col === undefined ? "" : `, column ${col}`})`);
  }
  const roots = elementsOf(orderedParser.parse(fetchXml));
  if (roots.length !== 1) refuse("InvalidXml", `A document has one root element; this one has ${roots.length}.`);
  return roots[0];
}

/** Where an element is, for messages: `<link-entity name="x" alias="y">`. */
const describe = (e: Element): string =>
  `<${e.name}${["name", "alias", "attribute", "entityname"]
    .filter((a) => e.attrs[a] !== undefined)
    .map((a) => ` ${a}="${e.attrs[a]}"`)
    .join("")}>`;

/** An entity or link-entity of the query: its table, and the alias conditions and orders may name. */
interface Scope {
  table: string;
  element: Element;
  where: string;
}

class FetchChecker {
  private links = 0;
  private conditions = 0;
  /** Link-entities by the name `entityname` refers to them with: the alias, else the table name. */
  private readonly byAlias = new Map<string, Scope>();
  private readonly deferred: (() => void)[] = [];
  private readonly columnsByTable = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly tables: Readonly<Record<string, TableDefinition>>,
    private readonly aggregate: boolean,
  ) {}

  /** The columns of a table: its listed columns plus those its definition names. */
  private columns(table: string): ReadonlySet<string> {
    let columns = this.columnsByTable.get(table);
    if (!columns) {
      const def = this.tables[table];
      columns = new Set(
        [
          def.primaryId,
          def.primaryName,
          def.hierarchyParent,
          ...Object.keys(def.lookups ?? {}),
          ...Object.keys(def.choices ?? {}),
          ...(def.alternateKeys ?? []).flat(),
          ...(def.columns ?? []),
        ].filter((c): c is string => c !== undefined),
      );
      this.columnsByTable.set(table, columns);
    }
    return columns;
  }

  private requireTable(name: string | undefined, where: string): string {
    if (name === undefined || name === "") refuse("QueryBuilderAttributeNotFound", `(name of ${where})`);
    if (!Object.hasOwn(this.tables, name))
      refuse(
        "QueryBuilderNoEntity",
        `The entity with a name = '${name}' with namemapping = 'Logical' was not found in the MetadataCache. (${where})`,
      );
    return name;
  }

  /** The column exists on the table, else the service's QueryBuilderNoAttribute. */
  private requireColumn(table: string, column: string | undefined, what: string, where: string): void {
    if (column === undefined || column === "") refuse("QueryBuilderAttributeNotFound", `(${what} of ${where})`);
    // [community] the service's message names the table and the column: "'account' entity doesn't
    // contain attribute with Name = 'x' and NameMapping = 'Logical'." (Microsoft's Project
    // Operations docs quote it; Web API answers carry it with code 0x80041103).
    if (!this.columns(table).has(column))
      refuse(
        "QueryBuilderNoAttribute",
        `'${table}' entity doesn't contain attribute with Name = '${column}' and NameMapping = 'Logical'. (${what} of ${where})`,
      );
  }

  entity(element: Element, queried: string): void {
    const name = element.attrs.name;
    if (name === undefined || name === "") refuse("NoEntityName", `(${describe(element)})`);
    if (name !== queried)
      refuse("QueryBuilderEntitiesDontMatch", `(<entity name="${name}"> sent to the entity set of ${queried})`);
    const table = this.requireTable(name, describe(element));
    this.scope({ table, element, where: describe(element) });
    for (const check of this.deferred) check(); // conditions and orders naming aliases, once all are known
    if (this.links > MAX_LINK_ENTITIES)
      refuse("TooManyLinkEntitiesInQuery", `(${this.links} link-entity elements; at most ${MAX_LINK_ENTITIES})`);
    if (this.links + this.conditions > MAX_CONDITIONS)
      refuse(
        "TooManyConditionsInQuery",
        `(${this.conditions} condition and ${this.links} link-entity elements; at most ${MAX_CONDITIONS})`,
      );
  }

  /** The children of an entity or link-entity. */
  private scope(scope: Scope): void {
    for (const child of scope.element.children) {
      if (!TABLE_CHILDREN.has(child.name)) refuse("InvalidChildNode", `NodeName = ${child.name} (in ${scope.where})`);
      if (child.name === "attribute")
        this.requireColumn(scope.table, child.attrs.name, "name", `${describe(child)} in ${scope.where}`);
      else if (child.name === "order") this.order(child, scope);
      else if (child.name === "filter") this.filter(child, scope);
      else if (child.name === "link-entity") this.link(child, scope);
    }
  }

  private link(element: Element, parent: Scope): void {
    this.links++;
    const where = `${describe(element)} in ${parent.where}`;
    const table = this.requireTable(element.attrs.name, where);
    const type = element.attrs["link-type"];
    if (type !== undefined && !LINK_TYPES.has(type))
      refuse("QueryBuilderDeserializeInvalidLinkType", `(link-type="${type}" of ${where})`);
    if (element.attrs.from !== undefined) this.requireColumn(table, element.attrs.from, "from", where);
    if (element.attrs.to !== undefined) this.requireColumn(parent.table, element.attrs.to, "to", where);
    const key = element.attrs.alias ?? table;
    if (element.attrs.alias !== undefined && this.byAlias.has(key))
      refuse("QueryBuilderDuplicateAlias", `(alias "${key}" again in ${where})`);
    const scope: Scope = { table, element, where };
    if (!this.byAlias.has(key)) this.byAlias.set(key, scope);
    this.scope(scope);
  }

  private filter(element: Element, scope: Scope): void {
    const type = element.attrs.type;
    if (type !== undefined && type !== "and" && type !== "or")
      refuse("QueryBuilderInvalidFilterType", `(type="${type}" in ${scope.where})`);
    for (const child of element.children) {
      if (!FILTER_CHILDREN.has(child.name))
        refuse("QueryBuilderDeserializeInvalidNode", `(<${child.name}> in a filter of ${scope.where})`);
      if (child.name === "condition") this.condition(child, scope);
      else if (child.name === "filter") this.filter(child, scope);
      else this.link(child, scope);
    }
  }

  private condition(element: Element, scope: Scope): void {
    this.conditions++;
    const where = `${describe(element)} in ${scope.where}`;
    const operator = element.attrs.operator;
    if (operator === undefined) refuse("QueryBuilderAttributeNotFound", `(operator of ${where})`);
    if (!OPERATORS.has(operator)) refuse("QueryBuilderInvalidConditionOperator", `'${operator}' (${where})`);
    for (const child of element.children)
      if (child.name !== "value") refuse("QueryBuilderDeserializeInvalidNode", `(<${child.name}> in ${where})`);
    const column = element.attrs.attribute ?? element.attrs.column;
    const alias = element.attrs.entityname;
    if (alias === undefined) return this.requireColumn(scope.table, column, "attribute", where);
    this.deferred.push(() => {
      const linked = this.byAlias.get(alias);
      if (!linked) refuse("QueryBuilderAlias_Does_Not_Exist", `(entityname="${alias}" of ${where})`);
      this.requireColumn(linked.table, column, "attribute", where);
    });
  }

  private order(element: Element, scope: Scope): void {
    const where = `${describe(element)} in ${scope.where}`;
    const { attribute, alias, entityname, descending } = element.attrs;
    if (descending !== undefined && !BOOLEANS.has(descending))
      refuse("QueryBuilderDeserializeInvalidDescending", `(descending="${descending}" of ${where})`);
    if (this.aggregate) return; // aggregate queries order by an attribute's alias; the emulator does not evaluate them
    if (alias !== undefined)
      refuse("QueryBuilderAliasNotAllowedForNonAggregateOrderBy", `(alias="${alias}" of ${where})`);
    if (attribute === undefined) refuse("QueryBuilderAttributeRequiredForNonAggregateOrderBy", `(${where})`);
    if (entityname === undefined) return this.requireColumn(scope.table, attribute, "attribute", where);
    this.deferred.push(() => {
      const linked = this.byAlias.get(entityname);
      if (!linked) refuse("QueryBuilderLinkNodeForOrderNotFound", `(entityname="${entityname}" of ${where})`);
      this.requireColumn(linked.table, attribute, "attribute", where);
    });
  }
}

/** `count`, `page` and `top` of `<fetch>`: whole numbers from 1 (`count` and `top` at most 5,000). */
function checkPaging(fetch: Element): void {
  for (const name of ["count", "page", "top"] as const) {
    const value = fetch.attrs[name];
    if (value === undefined) continue;
    const limit = name === "page" ? undefined : MAX_PAGE_SIZE;
    const expected = `a whole number from 1${limit ? ` to ${limit}` : ""}`;
    if (!/^\d+$/.test(value.trim())) refuse("QueryBuilderInvalid_Value", `(<fetch ${name}="${value}">: ${expected})`);
    const n = Number(value);
    if (n < 1) refuse("QueryBuilderValue_GreaterThanZero", `(<fetch ${name}="${value}">: ${expected})`);
    // [inferred] The docs give 5,000 as the maximum page size and the most `top` may be, but not
    // what the service answers past it; the emulator refuses rather than quietly returning fewer.
    if (limit && n > limit) refuse("QueryBuilderInvalid_Value", `(<fetch ${name}="${value}">: ${expected})`);
  }
}

/**
 * Refuse the FetchXML query as Dataverse would (EmulatorError 400 with the platform's code), given
 * the table (logical name) its entity set names and the emulator's table definitions.
 */
export function checkFetchXml(
  fetchXml: string,
  table: string,
  tables: Readonly<Record<string, TableDefinition>>,
): void {
  const fetch = rootOf(fetchXml);
  if (fetch.name !== "fetch")
    refuse("QueryBuilderDeserializeInvalidNode", `(the root is <${fetch.name}>, not <fetch>)`);
  checkPaging(fetch);
  const entities = fetch.children.filter((c) => c.name === "entity");
  for (const child of fetch.children)
    if (child.name !== "entity" && child.name !== "order")
      refuse("QueryBuilderDeserializeInvalidNode", `(<${child.name}> in <fetch>)`);
  if (entities.length !== 1) refuse("NoEntityName", `(<fetch> holds ${entities.length} entity elements, not one)`);
  const aggregate = fetch.attrs.aggregate === "true" || fetch.attrs.aggregate === "1";
  new FetchChecker(tables, aggregate).entity(entities[0], table);
}

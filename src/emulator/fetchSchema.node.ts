/**
 * FetchXML against Microsoft's Fetch.xsd (../shared/schemas, ~2018), in Node: the asynchronous
 * `checkQuery` of the emulator and the check the local Web API server runs on every FetchXML GET.
 * It catches what queryCheck.ts does not model: unknown attributes, values of the wrong type,
 * elements out of place. The query is validated as sent; like customizations.xml
 * (src/pack/checks/schemaValidation.ts) a construct newer than the schema fails here, and any the
 * project truly needs is listed in one place with its reason (NEWER_THAN_SCHEMA).
 *
 * xmllint-wasm starts a worker and compiles libxml2 for every validation (about half a second), so
 * verdicts are kept by the query's shape: the query with every value Fetch.xsd types as a plain
 * string blanked (names, aliases, condition values), paging numbers made 1 and runs of `<value>`
 * made one. Two queries of one shape differ only where any value is valid, so they validate alike;
 * the next page or the next account costs nothing.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { validateXML } from "xmllint-wasm";
import { defaultSchemasDir } from "../pack/checks/schemaValidation";
import { EmulatorError } from "./emulatorError";
import { checkWellFormed } from "./queryCheck";

/**
 * The constructs newer than the ~2018 Fetch.xsd that the project uses, each added to the schema
 * as read (the file itself stays Microsoft's) with its reason; everything else validates as published.
 */
export const NEWER_THAN_SCHEMA: readonly { construct: string; reason: string; patch: (xsd: string) => string }[] = [
  {
    construct: "link-entity inside a filter",
    // https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/filter-rows#filter-on-values-in-related-records
    // (powerapps-docs fetchxml/filter-rows.md, commit 8c880b4b): "use a link-entity element within
    // the filter element" with link-type any / not any / all / not all. The email's selection read
    // reaches the accounts of its contacts and leads this way (src/sources/selectionSource.ts).
    reason: "filter link types (any, not any, all, not all), fetchxml/filter-rows.md",
    patch: (xsd) => {
      const filter = xsd.indexOf('<xs:element name="filter">');
      const anchor = '<xs:element ref="filter" minOccurs="0" maxOccurs="unbounded" />';
      const at = xsd.indexOf(anchor, filter);
      if (filter < 0 || at < 0) throw new Error("Fetch.xsd: the filter element's content model was not found");
      const end = at + anchor.length;
      return `${xsd.slice(0, end)}<xs:element name="link-entity" type="FetchLinkEntityType" />${xsd.slice(end)}`;
    },
  },
];

/** Attributes Fetch.xsd types as xs:string (or leaves untyped), by element: any value validates. */
const STRING_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  fetch: ["version", "paging-cookie"],
  entity: ["name", "prefilterparametername"],
  "link-entity": ["name", "to", "from", "alias", "link-type", "prefilterparametername"],
  attribute: ["name", "addedby", "alias"],
  order: ["attribute", "alias"],
  condition: ["column", "attribute", "entityname", "value", "alias", "uiname", "uitype"],
  value: ["uiname", "uitype"],
};
/** xs:integer attributes of `<fetch>`: any whole number validates like any other. */
const INTEGER_ATTRIBUTES: ReadonlySet<string> = new Set(["count", "page", "top"]);
/** Verdicts kept at most (a long benchmark sends many shapes; the map is simply cleared past this). */
const MAX_SHAPES = 2000;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
});

type Node = Record<string, unknown>;

const isElement = (n: Node): boolean => Object.keys(n).some((k) => k !== "#text" && k !== ":@");

function normalize(nodes: unknown): unknown {
  if (!Array.isArray(nodes)) return nodes;
  const out: Node[] = [];
  let plainValue = false;
  for (const node of nodes as Node[]) {
    const name = Object.keys(node).find((k) => k !== ":@") ?? "";
    const attrs = { ...((node[":@"] ?? {}) as Record<string, unknown>) };
    for (const a of Object.keys(attrs)) {
      if (STRING_ATTRIBUTES[name]?.includes(a)) attrs[a] = "";
      else if (name === "fetch" && INTEGER_ATTRIBUTES.has(a) && /^\d+$/.test(String(attrs[a]))) attrs[a] = "1";
    }
    const children = node[name];
    const plain =
      name === "value" &&
      Object.keys(attrs).every((a) => a === "uiname" || a === "uitype") &&
      Array.isArray(children) &&
      !(children as Node[]).some(isElement);
    if (plain) {
      // Any number of <value>s holding text validates alike, whatever the text: keep one, empty.
      if (!plainValue) out.push({ value: [] });
      plainValue = true;
      continue;
    }
    out.push({ [name]: normalize(children), ":@": attrs });
  }
  return out;
}

/**
 * The key verdicts are kept under; undefined when the query is validated as it is: a DOCTYPE, an
 * entity or character reference beyond the five predefined ones, or a control character could
 * make a blanked value matter to libxml2's parser.
 */
function shapeOf(fetchXml: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/<!DOCTYPE|&(?!(?:amp|lt|gt|quot|apos);)|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/i.test(fetchXml))
    return undefined;
  return JSON.stringify(normalize(parser.parse(fetchXml)));
}

function refusal(message: string, line: number | undefined): EmulatorError {
  const text = message.replace(/^Schemas validity error :\s*/, "");
  const where = `(Fetch.xsd: ${text}${line === undefined ? "" : ` line ${line}`})`;
  if (/^parser error/.test(message)) return new EmulatorError(400, `Invalid XML. ${where}`, "0x80040201");
  // The deserializer's codes: QueryBuilderAttributeNotFound, else QueryBuilderDeserializeInvalidNode
  // (data-service-error-codes.md); which one the service picks per schema rule is not documented.
  if (/is required but missing/.test(text))
    return new EmulatorError(400, `A required attribute was not specified. ${where}`, "0x8004111e");
  return new EmulatorError(400, `The element node encountered is invalid. ${where}`, "0x8004111c");
}

/** The first schema error of a query, or undefined when it is valid. */
type Verdict = { message: string; line?: number } | undefined;

/** Verdicts by schemas directory, shared by every check of the process (each test starts its own server). */
const VERDICTS = new Map<string, Map<string, Promise<Verdict>>>();

function verdictsFor(schemasDir: string): Map<string, Promise<Verdict>> {
  let verdicts = VERDICTS.get(schemasDir);
  if (!verdicts) {
    verdicts = new Map<string, Promise<Verdict>>();
    VERDICTS.set(schemasDir, verdicts);
  }
  return verdicts;
}

/** Where Fetch.xsd is looked for by default: the schemas beside the repository (PARTNERGUARD_SCHEMAS overrides). */
export function defaultFetchSchemasDir(): string {
  return defaultSchemasDir(path.resolve(__dirname, "..", ".."));
}

/** Whether Fetch.xsd is there to validate against (the schemas live outside the repository). */
export function fetchXsdAvailable(schemasDir = defaultFetchSchemasDir()): boolean {
  return existsSync(path.join(schemasDir, "Fetch.xsd"));
}

/**
 * A `checkQuery` for the emulator and the Web API server: refuses (EmulatorError 400) a FetchXML
 * query that is not well-formed or not valid against Fetch.xsd.
 */
export function fetchXsdCheck(schemasDir = defaultFetchSchemasDir()): (fetchXml: string) => Promise<void> {
  let schema: Promise<string> | undefined;
  const verdicts = verdictsFor(path.resolve(schemasDir));

  const validate = async (fetchXml: string): Promise<Verdict> => {
    schema ??= readFile(path.join(schemasDir, "Fetch.xsd"), "utf8").then((xsd) =>
      NEWER_THAN_SCHEMA.reduce((patched, n) => n.patch(patched), xsd),
    );
    const result = await validateXML({
      xml: [{ fileName: "fetch.xml", contents: fetchXml }],
      schema: [{ fileName: "Fetch.xsd", contents: await schema }],
    });
    const [first] = result.errors;
    return first ? { message: first.message, line: first.loc?.lineNumber } : undefined;
  };

  return async (fetchXml) => {
    checkWellFormed(fetchXml); // the same "Invalid XML." the emulator answers without the schema
    const shape = shapeOf(fetchXml);
    let verdict = shape === undefined ? undefined : verdicts.get(shape);
    if (!verdict) {
      verdict = validate(fetchXml);
      if (shape !== undefined) {
        if (verdicts.size >= MAX_SHAPES) verdicts.clear();
        verdicts.set(shape, verdict);
        verdict.catch(() => verdicts.delete(shape)); // a failed run is not a verdict
      }
    }
    const refused = await verdict;
    if (refused) throw refusal(refused.message, refused.line);
  };
}

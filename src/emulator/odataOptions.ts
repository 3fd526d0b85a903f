/**
 * The query options of a GET on an entity set, refused the way the Web API refuses them (400),
 * before the emulator answers that it does not implement OData queries (501): a malformed query
 * must fail here as it fails against Dataverse, not pass as "not implemented yet".
 *
 * Documented (dataverse-webapi-facts.md §1): the supported options are `$select $expand $orderby
 * $filter $apply $top $count`; "Option names are case-sensitive"; `$skip $search $format` are not
 * supported; parameter aliases (`@p1`) may carry values. `$skiptoken` comes back in nextLinks;
 * `fetchXml`, `savedQuery` and `userQuery` are the service's own options. Messages are those of
 * Microsoft.OData.Core, which the Web API runs on, as a Web API answer carries them [community:
 * Shko-Online/dataverse-odata models the same messages]; the code is the one the docs show for a
 * refused query option (0x80060888, `$ref` on a collection, join-tables.md).
 */
import { EmulatorError } from "./emulatorError";
import { ODataSyntaxError, checkFilterSyntax } from "./odataFilter";

const ODATA_QUERY_CODE = "0x80060888";

const SYSTEM_OPTIONS: ReadonlySet<string> = new Set([
  "$select",
  "$expand",
  "$orderby",
  "$filter",
  "$apply",
  "$top",
  "$count",
  "$skiptoken",
]);
/** The service's own options (FetchXML, saved and personal views): each at most once. */
const SERVICE_OPTIONS: ReadonlySet<string> = new Set(["fetchXml", "savedQuery", "userQuery"]);

const refuse = (message: string): never => {
  throw new EmulatorError(400, message, ODATA_QUERY_CODE);
};

const IDENTIFIER = /^[A-Za-z_]\w*$/;
const ORDER_ITEM = /^[A-Za-z_]\w*(?:\/[A-Za-z_]\w*)*(?:\s+(?:asc|desc))?$/;

/** `a, b` -> items with their positions in the text, split at top-level commas. */
function items(text: string): { item: string; at: number }[] {
  const out: { item: string; at: number }[] = [];
  let start = 0;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth--;
    else if (i === text.length || (!quoted && depth === 0 && c === ",")) {
      const raw = text.slice(start, i);
      out.push({ item: raw.trim(), at: start + raw.length - raw.trimStart().length });
      start = i + 1;
    }
  }
  return out;
}

function checkValue(name: string, value: string): void {
  switch (name) {
    case "$top":
      if (!/^\d+$/.test(value))
        refuse(
          `Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`,
        );
      if (Number(value) === 0) refuse("Invalid value for $top query option.");
      return;
    case "$count":
      if (value !== "true" && value !== "false") refuse(`'${value}' is not a valid count option.`);
      return;
    case "$select":
      for (const { item } of items(value))
        if (item !== "*" && !IDENTIFIER.test(item))
          refuse(`Term '${item}' is not valid in a $select or $expand expression.`);
      return;
    case "$orderby":
      for (const { item, at } of items(value))
        if (!ORDER_ITEM.test(item)) refuse(new ODataSyntaxError(at, value).message);
      return;
    case "$filter":
      try {
        checkFilterSyntax(value);
      } catch (e) {
        if (e instanceof ODataSyntaxError) refuse(e.message);
        throw e;
      }
      return;
    case "$expand": {
      const unbalanced = items(value).some(
        ({ item }) => item === "" || item.split("(").length !== item.split(")").length,
      );
      if (unbalanced) refuse(`Term '${value}' is not valid in a $select or $expand expression.`);
      return;
    }
    default:
      return; // $apply, $skiptoken and the service's options: syntax not modelled
  }
}

/**
 * Refuse (EmulatorError 400) query options the Web API refuses: unknown or unsupported `$` options,
 * an option given twice or empty, a `$top` that is not a whole number, a `$count` that is not a
 * boolean, `$select`/`$orderby`/`$filter` that do not parse. `options` is the URL's query with its
 * `?` (percent-encoded or not, as PCF callers pass it).
 */
export function checkODataOptions(options: string): void {
  const query = options.startsWith("?") ? options.slice(1) : options;
  const seen = new Set<string>();
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    let name: string;
    let value: string;
    // Like the service's query-string reader (and URLSearchParams), `+` is a space.
    const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, " "));
    try {
      name = decode(eq < 0 ? part : part.slice(0, eq));
      value = decode(eq < 0 ? "" : part.slice(eq + 1));
    } catch {
      return refuse(`The query string is not valid: '${part}' is not correctly percent-encoded.`);
    }
    if (name.startsWith("$") && !SYSTEM_OPTIONS.has(name)) refuse(`The query parameter ${name} is not supported`);
    if (!name.startsWith("$") && !SERVICE_OPTIONS.has(name)) continue; // @aliases and custom options
    if (seen.has(name))
      refuse(`Query option '${name}' was specified more than once, but it must be specified at most once.`);
    seen.add(name);
    if (value.trim() === "") refuse(`The value for OData query '${name}' cannot be empty.`);
    checkValue(name, value);
  }
}

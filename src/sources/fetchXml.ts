/**
 * The pieces of FetchXML every reader writes (the form's Dataverse source, history and
 * configuration; the command line's batched reader, sync and Graph import): one place that spells
 * the elements and escapes what goes into an attribute or a value.
 */
import { xmlAttr } from "./webApi";

/**
 * Characters XML 1.0 cannot carry at all, not even as `&#x..;`: C0 controls other than tab, line
 * feed and carriage return, U+FFFE/U+FFFF and unpaired surrogates. A value holding one makes the
 * whole query malformed, so Dataverse refuses it with every other value of the request: readers
 * refuse such a value on its own row before it reaches a query (escaping cannot help).
 */
const XML_FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first character of `value` no FetchXML query can hold, as `U+XXXX`; undefined when there is none. */
export function unqueryableChar(value: string): string | undefined {
  const found = XML_FORBIDDEN.exec(value)?.[0];
  return found === undefined ? undefined : `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** `<attribute>` elements for the columns. */
export const attributes = (columns: readonly string[]): string =>
  columns.map((c) => `<attribute name="${c}"/>`).join("");

/** A condition; the value is escaped. Operators that take no value (`not-null`) are given none. */
export const condition = (attribute: string, operator: string, value?: string | number): string =>
  `<condition attribute="${attribute}" operator="${operator}"${value === undefined ? "" : ` value="${xmlAttr(String(value))}"`}/>`;

/** One value of an `in` condition, escaped (callers that size queries measure this piece). */
export const inValue = (value: string | number): string => `<value>${xmlAttr(String(value))}</value>`;

/** An `in` condition from its value pieces (`inValue`). */
export const inCondition = (attribute: string, pieces: string): string =>
  `<condition attribute="${attribute}" operator="in">${pieces}</condition>`;

export const order = (attribute: string, descending = false): string =>
  `<order attribute="${attribute}"${descending ? ' descending="true"' : ""}/>`;

/**
 * A whole query on one table, paged (`count`, `page`) when a page size is given, with the previous
 * page's paging cookie when there is one (fetchxml/page-results.md: simple paging stops at 50,000
 * rows; the cookie lets the service continue after the last row it sent).
 */
export const fetchXml = (entity: string, body: string, count?: number, page = 1, pagingCookie?: string): string =>
  `<fetch version="1.0" mapping="logical" no-lock="true"${count ? ` count="${count}" page="${page}"` : ""}` +
  `${pagingCookie ? ` paging-cookie="${xmlAttr(pagingCookie)}"` : ""}>` +
  `<entity name="${entity}">${body}</entity></fetch>`;

/**
 * The cookie to send with the next page, from a page's `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie`
 * (`<cookie pagenumber="2" pagingcookie="%253ccookie…" istracking="False" />`): its `pagingcookie`
 * attribute, URL-decoded twice (fetchxml/page-results.md). Undefined when there is none.
 */
export function nextPagingCookie(annotation: unknown): string | undefined {
  if (typeof annotation !== "string") return undefined;
  const m = /pagingcookie="([^"]*)"/.exec(annotation);
  if (!m || !m[1]) return undefined;
  try {
    return decodeURIComponent(decodeURIComponent(m[1]));
  } catch {
    return undefined;
  }
}

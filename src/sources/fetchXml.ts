/**
 * The pieces of FetchXML every reader writes (the form's Dataverse source, history and
 * configuration; the command line's batched reader, sync and Graph import): one place that spells
 * the elements and escapes what goes into an attribute or a value.
 */
import { xmlAttr } from "./webApi";

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

/** A whole query on one table, paged (`count`, `page`) when a page size is given. */
export const fetchXml = (entity: string, body: string, count?: number, page = 1): string =>
  `<fetch version="1.0" mapping="logical" no-lock="true"${count ? ` count="${count}" page="${page}"` : ""}>` +
  `<entity name="${entity}">${body}</entity></fetch>`;

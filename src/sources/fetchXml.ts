/**
 * The pieces of FetchXML every reader of the form writes (the Dataverse source, the history, the
 * configuration): one place that spells the elements and escapes what goes into an attribute.
 */
import { xmlAttr } from "./webApi";

/** `<attribute>` elements for the columns. */
export const attributes = (columns: readonly string[]): string =>
  columns.map((c) => `<attribute name="${c}"/>`).join("");

/** A condition; the value is escaped. */
export const condition = (attribute: string, operator: string, value: string | number): string =>
  `<condition attribute="${attribute}" operator="${operator}" value="${xmlAttr(String(value))}"/>`;

export const order = (attribute: string, descending = false): string =>
  `<order attribute="${attribute}"${descending ? ' descending="true"' : ""}/>`;

/** A whole query on one table, paged (`count`, `page`) when a page size is given. */
export const fetchXml = (entity: string, body: string, count?: number, page = 1): string =>
  `<fetch version="1.0" mapping="logical" no-lock="true"${count ? ` count="${count}" page="${page}"` : ""}>` +
  `<entity name="${entity}">${body}</entity></fetch>`;

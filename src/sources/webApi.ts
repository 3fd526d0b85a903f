/**
 * The small host interface every Dataverse reader goes through: PCF's `context.webAPI` in the
 * control, `Xrm.WebApi` in the command-bar script, and the Web API over HTTP in Node.
 * The shape is the subset of ComponentFramework.WebApi we use, so the control passes its own.
 */
import { isObject } from "../core/json";

export type Row = Record<string, unknown>;

export interface WebApiHost {
  retrieveMultipleRecords(
    entityLogicalName: string,
    options?: string,
    maxPageSize?: number,
  ): Promise<{ entities: Row[]; nextLink?: string }>;
  createRecord(entityLogicalName: string, data: Row): Promise<{ id: string; entityType?: string }>;
  updateRecord(entityLogicalName: string, id: string, data: Row): Promise<{ id: string; entityType?: string }>;
}

/** Pull the OData error message out of an error body, whatever shape it came in. */
export function odataErrorMessage(body: unknown): { message?: string; code?: string } {
  if (isObject(body) && isObject(body.error)) {
    const { message, code } = body.error;
    return {
      message: typeof message === "string" ? message : undefined,
      code: typeof code === "string" ? code : undefined,
    };
  }
  return {};
}

export const FORMATTED = "@OData.Community.Display.V1.FormattedValue";

/** Escape a value placed inside a FetchXML attribute. */
export function xmlAttr(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** A Dataverse id in canonical form (lower case, no braces), or undefined when it is not a GUID. */
export function normalizeGuid(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = GUID.exec(value.trim());
  return m ? m[1].toLowerCase() : undefined;
}

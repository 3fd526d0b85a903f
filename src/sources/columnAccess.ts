/**
 * Whether the signed-in user may read a secured column for every row: the answer a query cannot
 * give (FetchXML leaves out a withheld secured column exactly as it leaves out an empty one). Used
 * by the contact form's card (issue 25) for the account's customer tenant id when Graph is on and
 * the contact read returned none: readable means the account has none, as the account form knows
 * from the bound column's `security.readable`.
 *
 * Two documented Web API GETs, issued together (one round trip):
 * - the column's `MetadataId`: `EntityDefinitions(LogicalName='account')/Attributes(LogicalName='…')/MetadataId`
 *   (powerapps-docs `developer/data-platform/column-level-security.md`, "Retrieve column AttributeId
 *   example"; metadata is readable by everyone);
 * - the user's secured-column privileges: `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`,
 *   "all the secured attribute privileges a user or team has through direct or indirect (through
 *   team membership) associations with the FieldSecurityProfile entity"; each `AttributePrivilege`
 *   has `AttributeId` (the column's MetadataId) and `CanRead` (Edm.Int32)
 *   (learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/mt607755 and mt607726;
 *   SDK: RetrievePrincipalAttributePrivilegesRequest, "the caller must have access rights on the
 *   record specified in the Principal property").
 *
 * Readable only when a privilege for the column has a positive `CanRead` (field permissions use 0
 * "Not Allowed" and 4 "Allowed", column-level-security.md). Anything else (no such privilege, a
 * failed request, an answer of another shape) is "not known to be readable": the face keeps
 * failing closed. What this does not see can only close, never open: a System Administrator reads
 * every secured column through the role, not a profile (column-level-security.md: "only people who
 * have the system administrator security role can read or set the value" until profiles grant it),
 * and a value shared for one row (field sharing) is per record; both stay "not known".
 *
 * The answer is kept per browser session and user (session storage) and per window, so it costs
 * its round trip once per session; a failed ask is not kept (the next resolution asks again).
 */
import { isObject } from "../core/json";
import { normalizeGuid } from "./webApi";

/** A Web API GET of a path under `/api/data/v9.2/`, answering the parsed JSON body. */
export interface WebApiGet {
  get(path: string): Promise<unknown>;
}

export const metadataIdPath = (table: string, column: string): string =>
  `EntityDefinitions(LogicalName='${table}')/Attributes(LogicalName='${column}')/MetadataId`;

export const attributePrivilegesPath = (userId: string): string =>
  `systemusers(${userId})/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`;

/** One ask, not cached: the user may read the column (true), or it is not known that they may (false). */
export async function canReadColumn(api: WebApiGet, userId: string, table: string, column: string): Promise<boolean> {
  const user = normalizeGuid(userId);
  if (!user) return false;
  const [metadata, privileges] = await Promise.all([
    api.get(metadataIdPath(table, column)),
    api.get(attributePrivilegesPath(user)),
  ]);
  const columnId = isObject(metadata) ? normalizeGuid(metadata.value) : undefined;
  const list = isObject(privileges) ? privileges.AttributePrivileges : undefined;
  if (!columnId || !Array.isArray(list)) return false;
  return list.some(
    (p) => isObject(p) && normalizeGuid(p.AttributeId) === columnId && typeof p.CanRead === "number" && p.CanRead > 0,
  );
}

export const COLUMN_ACCESS_PREFIX = "partnerguard:columnread:";
const KEY = Symbol.for("partnerguard.columnRead.v1");

interface ColumnReadDeps {
  api: WebApiGet;
  userId: string;
  /** The browser session's storage; absent where there is none. */
  storage?: Pick<Storage, "getItem" | "setItem">;
  /** The object the window's cache hangs on. */
  scope?: object;
}

/**
 * `canReadColumn`, kept for the session: the window's answer (or the ask under way) first, then
 * session storage, then one ask. Never rejects: a failure is false and is not kept.
 */
export function columnReadable(deps: ColumnReadDeps, table: string, column: string): Promise<boolean> {
  const key = `${COLUMN_ACCESS_PREFIX}${(normalizeGuid(deps.userId) ?? deps.userId).toLowerCase()}:${table}.${column}`;
  const holder = (deps.scope ?? globalThis) as { [KEY]?: Map<string, Promise<boolean>> };
  const cache = (holder[KEY] ??= new Map<string, Promise<boolean>>());
  const known = cache.get(key);
  if (known) return known;
  let stored: string | null | undefined;
  try {
    stored = deps.storage?.getItem(key);
  } catch {
    stored = undefined; // storage disabled
  }
  if (stored === "1" || stored === "0") {
    const answer = Promise.resolve(stored === "1");
    cache.set(key, answer);
    return answer;
  }
  const asked = canReadColumn(deps.api, deps.userId, table, column).then(
    (readable) => {
      try {
        deps.storage?.setItem(key, readable ? "1" : "0");
      } catch {
        // storage full or disabled: the window's cache still holds it
      }
      return readable;
    },
    () => {
      cache.delete(key); // not kept: asked again next time
      return false;
    },
  );
  cache.set(key, asked);
  return asked;
}

/** Forget the window's answers (tests start from a new page). */
export function forgetColumnAccess(scope: object = globalThis): void {
  delete (scope as { [KEY]?: unknown })[KEY];
}

/**
 * The org's Web API from a page of the org (a model-driven app): same origin, the session's own
 * authentication ("you don't need to include any code for authentication" from web resources and
 * form scripts: powerapps-docs `developer/data-platform/webapi/use-web-api-client-side-javascript.md`;
 * headers as compose-http-requests-handle-errors.md gives them). A non-2xx answer rejects.
 */
export function sameOriginWebApiGet(clientUrl = ""): WebApiGet {
  return {
    get: async (path) => {
      const response = await fetch(`${clientUrl.replace(/\/$/, "")}/api/data/v9.2/${path}`, {
        method: "GET",
        credentials: "same-origin",
        headers: { Accept: "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0" },
      });
      if (!response.ok) throw new Error(`the Web API answered ${response.status} to ${path.split("(")[0]}`);
      return (await response.json()) as unknown;
    },
  };
}

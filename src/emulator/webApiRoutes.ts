/**
 * What the emulator answers to one Web API request, whoever carries it: the HTTP server
 * (webApiServer.ts, for the command line's tests and benches) and the in-process `$batch` endpoint
 * the playground and the command-bar tests post to (`answerBatch`, below) — one router, so a
 * request inside a batch is answered exactly as the same request on its own. No Node modules: the
 * playground runs it in the browser. What the router answers is described in webApiServer.ts.
 */
import { EmulatorError } from "./emulatorError";
import type { EmulatorHost } from "./emulatorTypes";
import { mergeRequestOf } from "./mergeRequest";
import { TABLES } from "./fromFeed";
import { BatchAnswer, runBatch } from "./batchRequest";
import { checkODataOptions } from "./odataOptions";
import { PRIVILEGE_DENIED_CODE } from "./security";
import { EntitySets } from "../schema";
import { Row, normalizeGuid } from "../sources/webApi";
import type { BatchTransport } from "../sources/webApiBatch";

export const API_PREFIX = "/api/data/v9.2/";

/** Request headers as Node gives them (lower-case names). */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** A check of every FetchXML query before the emulator answers it (an EmulatorError 400 refuses it). */
export type QueryCheck = (fetchXml: string) => Promise<void>;

const LOGICAL_BY_SET = new Map<string, string>(Object.entries(EntitySets).map(([logical, set]) => [set, logical]));
/** Read when first needed: fromFeed.ts imports the emulator, which imports this module. */
const primaryIdOf = (logical: string): string | undefined =>
  (TABLES as Record<string, { primaryId: string } | undefined>)[logical]?.primaryId;

export function odataError(status: number, message: string, code = ""): Answer {
  return { status, body: { error: { code, message } } };
}

/** A request's answer before it is written: top level as the HTTP response, inside `$batch` as a part. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What a thrown error answers: an EmulatorError's status and code, else 500. */
export function errorAnswer(error: unknown): Answer {
  const status = error instanceof EmulatorError ? error.status : 500;
  // The platform's code when the error carries one; a privilege refusal otherwise says 0x80040220.
  const code =
    (error instanceof EmulatorError ? error.code : undefined) ?? (status === 403 ? PRIVILEGE_DENIED_CODE : "");
  return odataError(status, error instanceof Error ? error.message : String(error), code);
}

/**
 * The `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` of a page, shaped like the service's (the
 * inner cookie URL-encoded twice; fetchxml/page-results.md). The emulator pages by `page`/`count`
 * and does not read the cookie back: a client that sends it gets the same rows.
 */
function pagingCookie(logical: string, rows: Row[]): string {
  const key = primaryIdOf(logical) ?? `${logical}id`;
  const ids = rows.map((r) => r[key]).filter((v): v is string => typeof v === "string");
  const brace = (id: string | undefined) => `{${(id ?? "").toUpperCase()}}`;
  const inner = `<cookie page="1"><${key} last="${brace(ids[ids.length - 1])}" first="${brace(ids[0])}" /></cookie>`;
  return `<cookie pagenumber="2" pagingcookie="${encodeURIComponent(encodeURIComponent(inner))}" istracking="False" />`;
}

/** `k1=1,k2='a,b'` -> { k1: 1, k2: "a,b" }; undefined when it is not a key list. */
function parseKey(text: string): Record<string, string | number> | undefined {
  const key: Record<string, string | number> = {};
  const re = /\s*(\w+)\s*=\s*(?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?))\s*(,|$)/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    key[m[1]] = m[2] !== undefined ? m[2].replace(/''/g, "'") : Number(m[3]);
    at = re.lastIndex;
    if (m[4] === "") break;
  }
  return Object.keys(key).length ? key : undefined;
}

function stripAnnotations(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !k.includes("@")));
}

/** One request (top level, or a part of a `$batch`) as the service answers it; errors are thrown. */
export async function routeRequest(
  host: EmulatorHost,
  method: string,
  rawResource: string,
  body: unknown,
  headers: RequestHeaders,
  base: string,
  checkQuery?: QueryCheck,
): Promise<Answer> {
  const [pathPart, queryPart = ""] = rawResource.split("?", 2);
  const setMatch = /^(\w+)(?:\((.*)\))?$/.exec(decodeURIComponent(pathPart));
  const query = new URLSearchParams(queryPart);
  const fetchXml = query.get("fetchXml") ?? undefined;

  // The Merge action (unbound): parameters in the body, 204 No Content.
  if (method === "POST" && pathPart === "Merge") {
    await host.merge(mergeRequestOf(body));
    return { status: 204 };
  }

  // A column's MetadataId and RetrievePrincipalAttributePrivileges (EmulatorHost.webApiGet).
  const decodedPath = decodeURIComponent(pathPart);
  if (
    method === "GET" &&
    !queryPart &&
    (decodedPath.startsWith("EntityDefinitions(") ||
      decodedPath.endsWith("/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()"))
  )
    return { status: 200, body: await host.webApiGet(decodedPath) };

  const logical = setMatch ? LOGICAL_BY_SET.get(setMatch[1]) : undefined;
  if (!setMatch || !logical)
    return {
      status: 404,
      body: { error: { code: "0x8006088a", message: `Resource not found for the segment '${pathPart}'.` } },
    };

  if (method === "GET" && setMatch[2] === undefined) {
    checkODataOptions(queryPart); // malformed or unsupported options: 400, as the service answers
    if (fetchXml === undefined || [...query.keys()].some((k) => k.startsWith("$")))
      return odataError(501, `emulator server: only FetchXML queries are implemented, got ?${queryPart}`);
    await checkQuery?.(fetchXml);
    const page = await host.fetchXmlPage(logical, fetchXml);
    const annotations = /odata\.include-annotations/.test(String(headers.prefer ?? ""));
    const value = page.entities.map((row) => ({
      "@odata.etag": 'W/"1"',
      ...(annotations ? row : stripAnnotations(row)),
    }));
    const envelope: Record<string, unknown> = {
      "@odata.context": `${base}${API_PREFIX}$metadata#${setMatch[1]}`,
      value,
    };
    if (page.moreRecords) {
      // Like the service: both annotations on every page but the last (the cookie only on request).
      if (annotations) envelope["@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"] = pagingCookie(logical, page.entities);
      envelope["@Microsoft.Dynamics.CRM.morerecords"] = true;
    }
    return { status: 200, body: envelope };
  }
  const id = setMatch[2] === undefined ? undefined : normalizeGuid(setMatch[2]);
  const entityId = (key: string) => ({ "OData-EntityId": `${base}${API_PREFIX}${setMatch[1]}(${key})` });
  if (method === "PATCH" && id !== undefined) {
    // Update only: without If-Match the platform would create a missing row (upsert by id); the
    // emulator answers 404 instead, like `If-Match: *`.
    const ifMatch = headers["if-match"];
    if ((ifMatch && ifMatch !== "*") || headers["if-none-match"]) {
      return odataError(501, "emulator server: conditional update by id is only implemented with If-Match: *");
    }
    await host.updateRecord(logical, id, (body ?? {}) as Row);
    return { status: 204, headers: entityId(id) };
  }
  if (method === "DELETE" && id !== undefined) {
    await host.deleteRecord(logical, id);
    return { status: 204 };
  }
  if (method === "PATCH" && setMatch[2] !== undefined) {
    const key = parseKey(setMatch[2]);
    if (!key)
      return odataError(501, `emulator server: PATCH by ${setMatch[2]} is not implemented (alternate keys only)`);
    if (headers["if-match"] || headers["if-none-match"] === "*") {
      return odataError(501, "emulator server: conditional upsert is not implemented");
    }
    await host.upsertByKey(logical, key, (body ?? {}) as Row);
    return { status: 204, headers: entityId(setMatch[2]) };
  }
  if (method === "POST" && setMatch[2] === undefined) {
    const created = await host.createRecord(logical, (body ?? {}) as Row);
    return { status: 204, headers: entityId(created.id) };
  }
  return odataError(501, `emulator server: ${method} ${pathPart} is not implemented`);
}

/**
 * One `POST $batch` answered in process (batchRequest.ts, `runBatch`), every request in it by
 * `routeRequest` as `host`: the playground's org and the command-bar tests, where no HTTP server
 * runs. The body, its CRLFs and the response are the wire format's, as over HTTP.
 */
export function answerBatch(
  host: EmulatorHost,
  request: { contentType: string | undefined; prefer?: string; body: string; base?: string },
  checkQuery?: QueryCheck,
): Promise<BatchAnswer> {
  const base = request.base ?? "http://127.0.0.1";
  return runBatch(
    { host, base, contentType: request.contentType, prefer: request.prefer ?? "" },
    request.body,
    (inner) => routeRequest(inner.host, inner.method, inner.resource, inner.body, inner.headers, base, checkQuery),
  );
}

/**
 * The emulator as the org's `$batch` endpoint (`host.batch`): what `sameOriginBatch` posts on the
 * platform, handed to the emulator in process — the same body and the same response text.
 */
export function inProcessBatch(host: Pick<EmulatorHost, "batch">): BatchTransport {
  return async (body, headers) => {
    const header = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const reply = await host.batch({ contentType: header("content-type"), prefer: header("prefer") ?? "", body });
    return { status: reply.status, contentType: reply.headers["Content-Type"], text: reply.body };
  };
}

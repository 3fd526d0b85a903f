/**
 * `POST $batch` as Dataverse answers it (powerapps-docs `webapi/execute-batch-operations-using-web-api.md`,
 * OData 4.0 Part 1 §11.7; shared/design/dataverse-webapi-facts.md §4):
 * - multipart/mixed with CRLF line endings; a body whose last line lacks its CRLF is refused with
 *   `0x80048d19` "Stream was not readable." (SupportArticles-docs web-api-client-errors.md);
 * - at most 1000 requests, change-set requests included; no batch inside a batch; no GET inside a
 *   change set;
 * - requests run in order; a change set is atomic: when one of its requests fails, the ones done
 *   before it are rolled back, and the change set answers with that one failure as a single
 *   `application/http` part (OData 4.0 §11.7.4) instead of its multipart response;
 * - without `Prefer: odata.continue-on-error` the first failure ends the batch: the outer status is
 *   the failure's and the body holds only its part; with it, the outer status is 200 and every
 *   request is answered (failures inline, with a `REQ_ID` header, as in the docs' example);
 * - `Content-ID` of a change-set request is echoed in its response; `$<id>` in a later request's URL
 *   or `@odata.bind` refers to the row an earlier one created; an undeclared one answers 400
 *   "Content-ID Reference: '$1' does not exist in the batch context.";
 * - each change-set request must carry a `Content-ID` **[community]**: without it Dataverse answers
 *   "Content-ID header not present" (ryanmichaeljames/dataverse-mcp v1.3.2 release notes); the docs'
 *   examples always send one. The emulator refuses it too (never kinder).
 * Not documented, chosen here: the outer response's Content-Type (`multipart/mixed;
 * boundary=batchresponse_<guid>`, inferred) and the message for more than 1000 requests.
 * The batch is one request for service protection (the HTTP server counts it once).
 */
import type { IncomingMessage } from "http";
import {
  HttpMessage,
  MimePart,
  MultipartError,
  PartOut,
  boundaryOf,
  parseHttpMessage,
  splitMultipart,
  writeHttpMessage,
  writeMultipart,
} from "../sources/multipart";
import type { EmulatorHost } from "./emulatorTypes";
import { EmulatorError } from "./emulatorError";
import type { Answer } from "./webApiRoutes";

/**
 * "Sending a `GET` request within a `$batch` allows for URLs up to 64 KB (65,536 characters)"
 * (query/overview.md; dataverse-webapi-facts.md §1); past it the emulator answers the part 414,
 * as the HTTP server answers a top-level GET past 32,768 (the status is not documented).
 */
export const MAX_BATCH_GET_URL = 65536;

/** Requests one batch may hold, change-set requests included. */
export const MAX_BATCH_REQUESTS = 1000;

const API_PREFIX = "/api/data/v9.2/";

export interface BatchContext {
  host: EmulatorHost;
  base: string;
  contentType: string | undefined;
  prefer: string;
}

/** One request of the batch, handed to the server's router. */
export interface InnerRequest {
  host: EmulatorHost;
  method: string;
  /** Path and query after /api/data/v9.2/. */
  resource: string;
  body: unknown;
  headers: IncomingMessage["headers"];
}

export interface BatchAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  412: "Precondition Failed",
  413: "Payload Too Large",
  414: "URI Too Long",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
};

const odataError = (status: number, message: string, code = ""): Answer => ({
  status,
  body: { error: { code, message } },
});

/** A refusal of the whole batch, as a plain OData error (no multipart body). */
function refused(status: number, message: string, code = ""): BatchAnswer {
  return {
    status,
    headers: { "OData-Version": "4.0", "Content-Type": "application/json; odata.metadata=minimal" },
    body: JSON.stringify({ error: { code, message } }),
  };
}

function errorOf(error: unknown): Answer {
  const status = error instanceof EmulatorError ? error.status : 500;
  const code = (error instanceof EmulatorError ? error.code : undefined) ?? (status === 403 ? "0x80040220" : "");
  return odataError(status, error instanceof Error ? error.message : String(error), code);
}

/** A request's answer as an `application/http` part. */
function responsePart(answer: Answer, contentId?: string): PartOut {
  const headers: Record<string, string> = { "OData-Version": "4.0" };
  if (answer.status >= 400) headers["REQ_ID"] = globalThis.crypto.randomUUID();
  const location = answer.headers?.["OData-EntityId"];
  if (location) {
    headers.Location = location;
    headers["OData-EntityId"] = location;
  }
  let body = "";
  if (answer.body !== undefined) {
    headers["Content-Type"] =
      answer.status < 400
        ? "application/json; odata.metadata=minimal; odata.streaming=true"
        : "application/json; odata.metadata=minimal";
    body = JSON.stringify(answer.body);
  }
  return {
    headers: {
      "Content-Type": "application/http",
      "Content-Transfer-Encoding": "binary",
      ...(contentId !== undefined ? { "Content-ID": contentId } : {}),
    },
    content: writeHttpMessage(`HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? ""}`.trim(), headers, body),
  };
}

interface ParsedRequest {
  method: string;
  url: string;
  message: HttpMessage;
  contentId?: string;
}

function parseRequestPart(part: MimePart): ParsedRequest {
  const type = part.headers.get("content-type") ?? "";
  if (!/^application\/http\b/i.test(type))
    throw new EmulatorError(
      400,
      `a batch part must be application/http or a multipart/mixed change set, got "${type}"`,
    );
  const message = parseHttpMessage(part.body);
  const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d\.\d)?$/.exec(message.startLine);
  if (!m) throw new EmulatorError(400, `not a request line: ${JSON.stringify(message.startLine.slice(0, 80))}`);
  return { method: m[1], url: m[2], message, contentId: part.headers.get("content-id") };
}

/** `/api/data/v9.2/tasks`, `[org]/api/data/v9.2/tasks` or `$1/x` -> what follows the API root. */
function resourceOf(url: string, references: Map<string, string>): string {
  const ref = /^\$(\w+)(.*)$/.exec(url);
  if (ref) {
    const target = references.get(ref[1]);
    if (target === undefined)
      throw new EmulatorError(400, `Content-ID Reference: '$${ref[1]}' does not exist in the batch context.`);
    return resourceOf(target + ref[2], references);
  }
  const at = url.indexOf(API_PREFIX);
  if (at < 0) throw new EmulatorError(404, `No HTTP resource was found that matches the request URI '${url}'.`);
  return url.slice(at + API_PREFIX.length);
}

/** `@odata.bind` values `$1` -> the URI the request with Content-ID 1 created. */
function bindReferences(body: unknown, references: Map<string, string>): unknown {
  if (typeof body !== "object" || body === null) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const ref = typeof value === "string" && key.endsWith("@odata.bind") ? /^\$(\w+)$/.exec(value) : null;
    if (!ref) {
      out[key] = value;
      continue;
    }
    const target = references.get(ref[1]);
    if (target === undefined)
      throw new EmulatorError(400, `Content-ID Reference: '$${ref[1]}' does not exist in the batch context.`);
    out[key] = `/${resourceOf(target, references)}`;
  }
  return out;
}

function headersOf(message: HttpMessage): IncomingMessage["headers"] {
  return Object.fromEntries(message.headers);
}

/** One request: its answer, never a throw (errors become their answers). */
async function runOne(
  request: ParsedRequest,
  host: EmulatorHost,
  references: Map<string, string>,
  dispatch: (inner: InnerRequest) => Promise<Answer>,
): Promise<Answer> {
  try {
    const resource = resourceOf(request.url, references);
    let body: unknown;
    if (request.message.body.trim()) {
      try {
        body = JSON.parse(request.message.body) as unknown;
      } catch {
        return odataError(400, "The request body is not valid JSON.", "0x80040216");
      }
    }
    return await dispatch({
      host,
      method: request.method,
      resource,
      body: bindReferences(body, references),
      headers: headersOf(request.message),
    });
  } catch (error) {
    return errorOf(error);
  }
}

interface Unit {
  /** The part as the batch answers it. */
  part: PartOut;
  /** The failure's status, when the unit (a request, or a change set) failed. */
  failed?: number;
}

async function runChangeSet(
  part: MimePart,
  boundary: string,
  host: EmulatorHost,
  dispatch: (inner: InnerRequest) => Promise<Answer>,
): Promise<Unit> {
  const requests = splitMultipart(part.body, boundary).map(parseRequestPart);
  const tx = host.transaction();
  const references = new Map<string, string>();
  const parts: PartOut[] = [];
  for (const request of requests) {
    let answer: Answer;
    if (request.method === "GET")
      answer = odataError(400, "GET requests are not allowed within change sets.", "0x80060891");
    else if (request.contentId === undefined)
      answer = odataError(400, "Content-ID header not present in a change set request.", "0x80060888");
    else answer = await runOne(request, tx.host, references, dispatch);
    if (answer.status >= 400) {
      // Atomic: what the change set did so far is undone; the failure answers for all of it.
      tx.rollback();
      return { part: responsePart(answer), failed: answer.status };
    }
    const location = answer.headers?.["OData-EntityId"];
    if (request.contentId !== undefined && location) references.set(request.contentId, location);
    parts.push(responsePart(answer, request.contentId));
  }
  const inner = `changesetresponse_${globalThis.crypto.randomUUID()}`;
  return {
    part: {
      headers: { "Content-Type": `multipart/mixed; boundary=${inner}` },
      content: writeMultipart(inner, parts).replace(/\r\n$/, ""),
    },
  };
}

export async function runBatch(
  context: BatchContext,
  text: string,
  dispatch: (inner: InnerRequest) => Promise<Answer>,
): Promise<BatchAnswer> {
  const boundary = boundaryOf(context.contentType);
  if (!boundary)
    return refused(400, "A $batch request needs Content-Type: multipart/mixed with a boundary.", "0x80048d19");
  // "If you can't use CRLF, add two non-CRLF line endings at the end": without either the service
  // cannot read the last part.
  if (!text.endsWith("\r\n") && !/\n\n$/.test(text)) return refused(400, "Stream was not readable.", "0x80048d19");
  let parts: MimePart[];
  let total = 0;
  try {
    parts = splitMultipart(text, boundary);
    for (const part of parts) {
      const inner = boundaryOf(part.headers.get("content-type"));
      total += inner ? splitMultipart(part.body, inner).length : 1;
    }
  } catch (error) {
    if (error instanceof MultipartError) return refused(400, `The batch body cannot be read: ${error.message}`);
    throw error;
  }
  if (total > MAX_BATCH_REQUESTS)
    return refused(
      400,
      `The current batch contains too many operations. A maximum number of '${MAX_BATCH_REQUESTS}' operations are allowed in a batch.`,
    );
  const continueOnError = /\bodata\.continue-on-error\b/i.test(context.prefer);
  const answered: PartOut[] = [];
  for (const part of parts) {
    let unit: Unit;
    try {
      const inner = boundaryOf(part.headers.get("content-type"));
      if (inner) unit = await runChangeSet(part, inner, context.host, dispatch);
      else {
        const request = parseRequestPart(part);
        const answer = request.url.includes("$batch")
          ? odataError(400, "A batch request cannot contain another batch request.")
          : request.method === "GET" && request.url.length > MAX_BATCH_GET_URL
            ? odataError(414, `URL longer than ${MAX_BATCH_GET_URL} characters`)
            : await runOne(request, context.host, new Map(), dispatch);
        unit = { part: responsePart(answer), failed: answer.status >= 400 ? answer.status : undefined };
      }
    } catch (error) {
      const answer =
        error instanceof MultipartError
          ? odataError(400, `The batch body cannot be read: ${error.message}`)
          : errorOf(error);
      unit = { part: responsePart(answer), failed: answer.status };
    }
    if (unit.failed !== undefined && !continueOnError) {
      // The first failure ends the batch: its status is the batch's, its part the whole body.
      return multipart(unit.failed, [unit.part]);
    }
    answered.push(unit.part);
  }
  return multipart(200, answered);
}

function multipart(status: number, parts: PartOut[]): BatchAnswer {
  const boundary = `batchresponse_${globalThis.crypto.randomUUID()}`;
  return {
    status,
    headers: { "OData-Version": "4.0", "Content-Type": `multipart/mixed; boundary=${boundary}` },
    body: writeMultipart(boundary, parts),
  };
}

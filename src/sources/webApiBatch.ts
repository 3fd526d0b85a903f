/**
 * Reads issued together, sent as ONE request: the Web API's `$batch` (powerapps-docs
 * `webapi/execute-batch-operations-using-web-api.md`; shared/design/dataverse-webapi-facts.md §4).
 * Used where the request count itself is the budget: a changed recipient on the email form costs
 * its contact's lookup and its account's reads — one `$batch` instead of five requests
 * (issue 25, "changing one recipient: at most one more request").
 *
 * Why not `Xrm.WebApi`: `Xrm.WebApi.online.executeMultiple` takes "action, function, or CRUD"
 * requests whose CRUD `operationName` is Create, Retrieve, Update or Delete — no FetchXML
 * RetrieveMultiple — so the script posts the `$batch` itself on the org's own origin
 * (`sameOriginBatch`), as documented for web resources: "you don't need to include any code for
 * authentication" (`webapi/use-web-api-client-side-javascript.md`).
 *
 * `batchedReads(base, post)` is a WebApiHost: every FetchXML `retrieveMultipleRecords` issued
 * before the next macrotask (the reads of one judgement are issued together) waits for it, then
 * - one alone goes through `base` unchanged (a batch of one saves nothing);
 * - two or more go as one `$batch` of GETs (no change set: "GET requests are not allowed within
 *   change sets"), each asking `Prefer: odata.include-annotations="*"` (the formatted values and
 *   lookup annotations Xrm.WebApi gives), the batch asking `Prefer: odata.continue-on-error` (and
 *   the annotations again), so a refused read fails alone and the others are answered ("When an
 *   error occurs for a request within a batch ... more requests won't be processed" without it).
 * Each read then resolves with its own part (the parts come in the requests' order) or rejects
 * with its own status and message (`BatchPartError`, read by failures.ts like any HTTP error).
 * A batch that fails as a whole (no answer, another status, a body that cannot be read) rejects
 * every read in it: each source then fails closed as it would on its own. Writes, and reads that
 * are not FetchXML queries, go through `base`.
 */
import { isObject } from "../core/json";
import { EntitySets } from "../schema";
import { boundaryOf, parseHttpMessage, splitMultipart, statusOf, writeHttpMessage, writeMultipart } from "./multipart";
import { Row, WebApiHost, odataErrorMessage } from "./webApi";

export const API_ROOT = "/api/data/v9.2/";

/** The answer to a posted `$batch`: its status, Content-Type and body text. */
export interface BatchResponse {
  status: number;
  contentType: string | null | undefined;
  text: string;
}

/** Posts one `$batch` body with these headers to the org's Web API. */
export type BatchTransport = (body: string, headers: Record<string, string>) => Promise<BatchResponse>;

/** A read the batch answered with an error (or a batch that failed as a whole). */
export class BatchPartError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    /** Seconds, from the part's Retry-After (a throttled read). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "BatchPartError";
  }
}

/** The most reads one batch carries ("up to 1000 individual requests"; the docs advise small batches). */
export const MAX_BATCH_READS = 100;

const FETCH = "?fetchXml=";

interface Queued {
  entity: string;
  set: string;
  fetchXml: string;
  resolve: (value: { entities: Row[]; nextLink?: string }) => void;
  reject: (error: unknown) => void;
}

function errorOf(status: number, text: string, retryAfter?: string): BatchPartError {
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined; // not JSON: the status says it
  }
  const { message, code } = odataErrorMessage(body);
  const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
  return new BatchPartError(
    status,
    `HTTP ${status}${message ? `: ${message}` : ""}`,
    code || undefined,
    Number.isFinite(seconds) ? seconds : undefined,
  );
}

/** One part's answer as retrieveMultipleRecords gives it; a part that is no query answer throws. */
function readPart(status: number, body: string, retryAfter?: string): { entities: Row[]; nextLink?: string } {
  if (status !== 200) throw errorOf(status, body, retryAfter);
  const parsed = JSON.parse(body) as unknown; // SyntaxError: malformed
  if (!isObject(parsed) || !Array.isArray(parsed.value))
    throw new SyntaxError("the Web API answered a batched query without a value list");
  const nextLink = parsed["@odata.nextLink"];
  return {
    entities: parsed.value.filter(isObject),
    ...(typeof nextLink === "string" ? { nextLink } : {}),
  };
}

let boundaries = 0;
const newBoundary = () =>
  `batch_${globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}_${(++boundaries).toString(36)}`}`;

async function send(post: BatchTransport, reads: Queued[]): Promise<void> {
  const boundary = newBoundary();
  const body = writeMultipart(
    boundary,
    reads.map((r) => ({
      headers: { "Content-Type": "application/http", "Content-Transfer-Encoding": "binary" },
      content: writeHttpMessage(`GET ${API_ROOT}${r.set}${FETCH}${encodeURIComponent(r.fetchXml)} HTTP/1.1`, {
        Accept: "application/json",
        Prefer: 'odata.include-annotations="*"',
      }),
    })),
  );
  let settled: ({ ok: true; value: { entities: Row[]; nextLink?: string } } | { ok: false; error: unknown })[];
  try {
    const response = await post(body, {
      "Content-Type": `multipart/mixed; boundary=${boundary}`,
      Accept: "application/json",
      "OData-MaxVersion": "4.0",
      "OData-Version": "4.0",
      // Annotations asked on the batch too: the 2021 article asks for them per part; preferences a
      // service does not apply are ignored (RFC 7240 §2).
      Prefer: 'odata.continue-on-error,odata.include-annotations="*"',
    });
    const inner = boundaryOf(response.contentType ?? undefined);
    if (response.status !== 200 || !inner)
      throw errorOf(response.status === 200 ? 502 : response.status, response.text);
    const parts = splitMultipart(response.text, inner);
    if (parts.length !== reads.length)
      throw new SyntaxError(`the Web API answered ${parts.length} parts to a $batch of ${reads.length} queries`);
    settled = parts.map((part) => {
      try {
        const message = parseHttpMessage(part.body);
        return { ok: true, value: readPart(statusOf(message), message.body, message.headers.get("retry-after")) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  } catch (error) {
    for (const r of reads) r.reject(error);
    return;
  }
  reads.forEach((r, i) => {
    const answer = settled[i];
    if (answer.ok) r.resolve(answer.value);
    else r.reject(answer.error);
  });
}

/**
 * `base` with its FetchXML reads gathered into `$batch` requests (see the top of this file).
 */
export function batchedReads(base: WebApiHost, post: BatchTransport): WebApiHost {
  let queue: Queued[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const reads = queue;
    queue = [];
    if (reads.length === 1) {
      const [r] = reads;
      base.retrieveMultipleRecords(r.entity, FETCH + r.fetchXml).then(r.resolve, r.reject);
      return;
    }
    for (let at = 0; at < reads.length; at += MAX_BATCH_READS) void send(post, reads.slice(at, at + MAX_BATCH_READS));
  };
  return {
    retrieveMultipleRecords: (entity, options, maxPageSize) => {
      const set = setOf(entity);
      if (!set || maxPageSize !== undefined || !options?.startsWith(FETCH))
        return base.retrieveMultipleRecords(entity, options, maxPageSize);
      return new Promise((resolve, reject) => {
        queue.push({ entity, set, fetchXml: options.slice(FETCH.length), resolve, reject });
        timer ??= setTimeout(flush, 0);
      });
    },
    createRecord: (entity, data) => base.createRecord(entity, data),
    updateRecord: (entity, id, data) => base.updateRecord(entity, id, data),
  };
}

const setOf = (logicalName: string): string | undefined =>
  (EntitySets as Record<string, string | undefined>)[logicalName];

/**
 * The org's `$batch` from a page of the org (a model-driven app): same origin, the session's own
 * authentication (use-web-api-client-side-javascript.md). `fetchImpl`: the tests' fetch, which
 * adds the bearer token a browser session would not need.
 */
export function sameOriginBatch(
  clientUrl = "",
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): BatchTransport {
  return async (body, headers) => {
    const response = await fetchImpl(`${clientUrl.replace(/\/$/, "")}${API_ROOT}$batch`, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body,
    });
    return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text() };
  };
}

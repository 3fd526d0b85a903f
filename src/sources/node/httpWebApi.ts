/**
 * The Web API over HTTP, for Node: the same `WebApiHost` the control gets from PCF, so
 * `readDataverse` and `readConfig` run unchanged in the command line. Adds what a batch tool
 * needs beside it: FetchXML paging on `@Microsoft.Dynamics.CRM.morerecords`, upsert by alternate
 * key, bounded concurrency, and 429 `Retry-After` honoured a bounded number of times.
 *
 * Failures are thrown as `HttpError` (with `status`) so `toFailure` maps them to typed failures
 * in one place; callers above the source turn them into values.
 */
import { isObject } from "../../core/json";
import { Row, WebApiHost, odataErrorMessage } from "../webApi";
import { EntitySets } from "../../schema";
import { FetchPage, FetchXmlPager } from "./batchSource";
import { nextPagingCookie } from "../fetchXml";
import { randomUUID } from "crypto";
import {
  MimePart,
  boundaryOf,
  parseHttpMessage,
  splitMultipart,
  statusOf,
  writeHttpMessage,
  writeMultipart,
} from "../multipart";

const API_PATH = "/api/data/v9.2/";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

interface HttpWebApiOptions {
  /** The environment URL, e.g. https://contoso.crm.dynamics.com (a path after it is ignored). */
  envUrl: string;
  /** Returns a bearer token; called before each request (MSAL caches and refreshes). */
  getToken: () => Promise<string>;
  /** Requests in flight at once. Dataverse refuses a user's 53rd concurrent request. */
  concurrency?: number;
  /** How many times one request is retried after a 429. */
  maxRetries?: number;
  /** A `Retry-After` longer than this is not waited for: the request fails as throttled. */
  maxRetryAfterMs?: number;
  /** How many times a GET is sent again after a connection error or a 502/503/504 (default 2). */
  readErrorRetries?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Seam for the clock in tests of the waiting itself; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

interface HttpStats {
  requests: number;
  retries: number;
  /** Reads sent again after a connection error or a 502/503/504. */
  errorRetries: number;
  throttledWaitMs: number;
  maxInFlight: number;
}

/** The largest concurrency we allow: the service-protection limit is 52 per user. */
export const MAX_CONCURRENCY = 52;

/** Gateway and availability errors a read may outlive; a 500 is the query's own fault and is not repeated here. */
const RETRY_READ_STATUS = new Set([502, 503, 504]);

/** 250 ms, 1 s, 4 s …: short enough for a list, long enough for a restarting front end. */
const backoff = (attempt: number) => 250 * 4 ** attempt;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After is seconds (Dataverse) or an HTTP date (allowed by RFC 9110); missing means 2^attempt s. */
export function retryAfterMs(header: string | null, attempt: number, now = Date.now()): number {
  if (header !== null && header.trim() !== "") {
    const seconds = Number(header.trim());
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return 2 ** attempt * 1000;
}

/** Encode one alternate-key value the way the Web API reads it in a URL. */
export function keyLiteral(value: string | number): string {
  if (typeof value === "number") return String(value);
  // Doubled quotes inside OData string literals; the rest is percent-encoded as a path segment.
  return `'${encodeURIComponent(value.replace(/'/g, "''"))}'`;
}

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  maxActive = 0;
  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export class HttpWebApi implements WebApiHost, FetchXmlPager {
  readonly baseUrl: string;
  private readonly semaphore: Semaphore;
  private readonly stats_ = { requests: 0, retries: 0, errorRetries: 0, throttledWaitMs: 0 };

  constructor(private readonly options: HttpWebApiOptions) {
    const url = new URL(options.envUrl);
    this.baseUrl = `${url.protocol}//${url.host}${API_PATH}`;
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new RangeError(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}`);
    }
    this.semaphore = new Semaphore(concurrency);
  }

  get stats(): HttpStats {
    return { ...this.stats_, maxInFlight: this.semaphore.maxActive };
  }

  /** The entity set of a logical name; unknown tables fail loudly rather than guessing a plural. */
  static entitySet(logicalName: string): string {
    const set = (EntitySets as Record<string, string | undefined>)[logicalName];
    if (!set) throw new HttpError(400, `no entity set is known for table ${logicalName}`);
    return set;
  }

  async retrieveMultipleRecords(
    entityLogicalName: string,
    options = "",
    maxPageSize?: number,
  ): Promise<{ entities: Row[]; nextLink?: string }> {
    const set = HttpWebApi.entitySet(entityLogicalName);
    // PCF takes FetchXML unencoded after `?fetchXml=`; on the wire it must be URL-encoded.
    const query = options.startsWith("?fetchXml=")
      ? `?fetchXml=${encodeURIComponent(options.slice("?fetchXml=".length))}`
      : options;
    const body = await this.send(
      "GET",
      set + query,
      undefined,
      maxPageSize ? { Prefer: `odata.maxpagesize=${maxPageSize}` } : {},
    );
    return {
      entities: parseValue(body),
      nextLink: isObject(body) && typeof body["@odata.nextLink"] === "string" ? body["@odata.nextLink"] : undefined,
    };
  }

  /** One page of a FetchXML query, with the service's own "more records" flag. */
  async fetchXmlPage(entityLogicalName: string, fetchXml: string): Promise<FetchPage> {
    const set = HttpWebApi.entitySet(entityLogicalName);
    const body = await this.send("GET", `${set}?fetchXml=${encodeURIComponent(fetchXml)}`);
    return {
      entities: parseValue(body),
      moreRecords: isObject(body) && body["@Microsoft.Dynamics.CRM.morerecords"] === true,
      pagingCookie: isObject(body) ? nextPagingCookie(body["@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"]) : undefined,
    };
  }

  /**
   * The signed-in user's `systemuserid` (the `WhoAmI` function): who the verdicts are for, since
   * an approval never opens outreach for its approver.
   */
  async whoAmI(): Promise<string> {
    const body = await this.getJson("WhoAmI");
    const id = isObject(body) && typeof body.UserId === "string" ? body.UserId : undefined;
    if (!id) throw new SyntaxError("the Web API answered WhoAmI without a UserId");
    return id;
  }

  /** The JSON answer of a GET under the API root: a function (`WhoAmI`, `RetrieveAttributeChangeHistory(…)?…`). */
  getJson(path: string): Promise<unknown> {
    return this.send("GET", path);
  }

  async createRecord(entityLogicalName: string, data: Row): Promise<{ id: string; entityType?: string }> {
    const set = HttpWebApi.entitySet(entityLogicalName);
    const response = await this.sendRaw("POST", set, data);
    const entityId = response.headers.get("OData-EntityId") ?? "";
    const id = /\(([0-9a-f-]{36})\)\s*$/i.exec(entityId)?.[1];
    if (!id) throw new HttpError(response.status, "the Web API created a record but sent no OData-EntityId");
    return { id, entityType: entityLogicalName };
  }

  /** Update by id (PATCH with If-Match: * so a missing record is a 404, never a silent create). */
  async updateRecord(entityLogicalName: string, id: string, data: Row): Promise<{ id: string; entityType?: string }> {
    const set = HttpWebApi.entitySet(entityLogicalName);
    await this.sendRaw("PATCH", `${set}(${encodeURIComponent(id.replace(/[{}]/g, ""))})`, data, { "If-Match": "*" });
    return { id, entityType: entityLogicalName };
  }

  /**
   * Upsert: PATCH on the alternate-key URL without If-Match creates or updates; the answer is
   * 204 either way, so the caller decides created/updated from what it read before writing.
   */
  async upsertByKey(entityLogicalName: string, key: Record<string, string | number>, data: Row): Promise<void> {
    const set = HttpWebApi.entitySet(entityLogicalName);
    const keyPart = Object.entries(key)
      .map(([column, value]) => `${column}=${keyLiteral(value)}`)
      .join(",");
    await this.sendRaw("PATCH", `${set}(${keyPart})`, data);
  }

  /**
   * `POST $batch` with one change set per entry of `changeSets` (each atomic: all its requests or
   * none), sent with `Prefer: odata.continue-on-error` so one change set's failure never stops the
   * others (dataverse-webapi-facts.md §4). Returns one result per change set, in order: a change
   * set that failed answers with its one failure (OData 4.0 §11.7.4). A batch the service refuses
   * as a whole (sign-in, 429 beyond the retries, a malformed body) throws, as any request does.
   * At most MAX_BATCH_REQUESTS requests in all. A 429 on the batch is retried like any request
   * (nothing in it ran); a connection lost mid-batch is not (some change sets may have landed).
   */
  async executeBatch(changeSets: BatchOperation[][]): Promise<ChangeSetResult[]> {
    const total = changeSets.reduce((n, c) => n + c.length, 0);
    if (total > MAX_BATCH_REQUESTS)
      throw new HttpError(400, `a batch holds at most ${MAX_BATCH_REQUESTS} requests, not ${total}`);
    if (!changeSets.length) return [];
    const boundary = `batch_${randomUUID()}`;
    const apiPath = new URL(this.baseUrl).pathname;
    const body = writeMultipart(
      boundary,
      changeSets.map((operations) => {
        const inner = `changeset_${randomUUID()}`;
        return {
          headers: { "Content-Type": `multipart/mixed; boundary=${inner}` },
          content: writeMultipart(
            inner,
            operations.map((op, i) => ({
              headers: {
                "Content-Type": "application/http",
                "Content-Transfer-Encoding": "binary",
                "Content-ID": String(i + 1),
              },
              content: writeHttpMessage(
                `${op.method} ${apiPath}${op.path} HTTP/1.1`,
                {
                  ...(op.body ? { "Content-Type": "application/json; type=entry" } : {}),
                  ...(op.headers ?? {}),
                },
                op.body ? JSON.stringify(op.body) : "",
              ),
            })),
          ).replace(/\r\n$/, ""),
        };
      }),
    );
    const response = await this.sendRaw("POST", "$batch", body, {
      "Content-Type": `multipart/mixed; boundary=${boundary}`,
      Prefer: "odata.continue-on-error",
    });
    const text = await response.text();
    return readBatchResponse(response.headers.get("Content-Type"), text, changeSets.length);
  }

  private async send(
    method: string,
    path: string,
    data?: Row,
    extraHeaders: Record<string, string> = {},
  ): Promise<unknown> {
    const response = await this.sendRaw(method, path, data, extraHeaders);
    const text = await response.text();
    // Node's fetch records a PerformanceResourceTiming (with the whole URL, up to 32 KB of
    // FetchXML) for each request and keeps up to 250 of them: ~7 MB that nothing here reads.
    performance.clearResourceTimings();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SyntaxError(`the Web API answered ${method} ${path.split("?")[0]} with something that is not JSON`);
    }
  }

  private sendRaw(
    method: string,
    path: string,
    data?: Row | string,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    return this.semaphore.run(async () => {
      const sleep = this.options.sleep ?? realSleep;
      const maxRetries = this.options.maxRetries ?? 5;
      const errorRetries = this.options.readErrorRetries ?? 2;
      for (let attempt = 0; ; attempt++) {
        const token = await this.options.getToken();
        this.stats_.requests++;
        let response: Response;
        try {
          response = await fetch(this.baseUrl + path, {
            method,
            headers: {
              Accept: "application/json",
              "OData-MaxVersion": "4.0",
              "OData-Version": "4.0",
              // Bypasses cached reads; a precondition header has no business on a write (an update by
              // id carries If-Match: * alone, or a server may read the pair as a conditional update).
              ...(method === "GET" ? { "If-None-Match": "null" } : {}),
              // Formatted values carry partner names and choice labels; the source reads them.
              Prefer: 'odata.include-annotations="*"',
              Authorization: `Bearer ${token}`,
              ...(data ? { "Content-Type": "application/json" } : {}),
              ...extraHeaders,
            },
            body: typeof data === "string" ? data : data ? JSON.stringify(data) : undefined,
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
          });
        } catch (error) {
          // No answer at all (a keep-alive socket the server closed: ECONNRESET, "fetch failed").
          // A read is idempotent: send it again after a short backoff. A write may have landed.
          if (
            method === "GET" &&
            attempt < errorRetries &&
            !(error instanceof Error && error.name === "TimeoutError")
          ) {
            this.stats_.errorRetries++;
            await sleep(backoff(attempt));
            continue;
          }
          throw error;
        }
        if (response.ok) return response;
        if (method === "GET" && RETRY_READ_STATUS.has(response.status) && attempt < errorRetries) {
          await response.body?.cancel();
          this.stats_.errorRetries++;
          await sleep(backoff(attempt));
          continue;
        }
        if (response.status === 429 && attempt < maxRetries) {
          const wait = retryAfterMs(response.headers.get("Retry-After"), attempt);
          if (wait <= (this.options.maxRetryAfterMs ?? 300_000)) {
            await response.body?.cancel();
            this.stats_.retries++;
            this.stats_.throttledWaitMs += wait;
            // The slot is held while waiting: backing off must lower our pressure, not hand it on.
            await sleep(wait);
            continue;
          }
        }
        throw await httpError(response, method, path);
      }
    });
  }
}

/** One request of a change set: a write under the API root (`accounts(<id>)`), with its JSON body. */
export interface BatchOperation {
  method: "POST" | "PATCH" | "DELETE";
  path: string;
  body?: Row;
  headers?: Record<string, string>;
}

/** How one change set ended: done, or refused (nothing of it was written) with the service's error. */
export type ChangeSetResult = { ok: true } | { ok: false; error: HttpError };

/** The most requests one `$batch` may hold (execute-batch-operations-using-web-api). */
export const MAX_BATCH_REQUESTS = 1000;

/**
 * A `$batch` response -> one result per change set: a `multipart/mixed` part is a change set that
 * was applied (each of its responses must be a success), an `application/http` part is the one
 * failure a failed change set answers with.
 */
export function readBatchResponse(contentType: string | null, text: string, expected: number): ChangeSetResult[] {
  const boundary = boundaryOf(contentType ?? undefined);
  if (!boundary) throw new SyntaxError(`the Web API answered $batch with ${contentType ?? "no content type"}`);
  let parts: MimePart[];
  try {
    parts = splitMultipart(text, boundary);
  } catch (error) {
    throw new SyntaxError(`the Web API's $batch response cannot be read: ${(error as Error).message}`);
  }
  if (parts.length !== expected)
    throw new SyntaxError(`the Web API answered ${parts.length} parts to a $batch of ${expected} change sets`);
  return parts.map((part): ChangeSetResult => {
    const inner = boundaryOf(part.headers.get("content-type"));
    const responses = inner
      ? splitMultipart(part.body, inner).map((p) => parseHttpMessage(p.body))
      : [parseHttpMessage(part.body)];
    const failed = responses.find((r) => statusOf(r) >= 400);
    if (!failed) return { ok: true };
    const status = statusOf(failed);
    let parsed: unknown;
    try {
      parsed = JSON.parse(failed.body) as unknown;
    } catch {
      parsed = undefined;
    }
    const { message, code } = odataErrorMessage(parsed);
    return { ok: false, error: new HttpError(status, `HTTP ${status}${message ? `: ${message}` : ""}`, code) };
  });
}

function parseValue(body: unknown): Row[] {
  if (!isObject(body) || !Array.isArray(body.value)) throw new SyntaxError("the Web API answered without a value list");
  return body.value.filter(isObject);
}

async function httpError(response: Response, method: string, path: string): Promise<HttpError> {
  const text = await response.text().catch(() => "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    parsed = undefined;
  }
  const { message, code } = odataErrorMessage(parsed);
  const where = `${method} ${path.split("?")[0]}`;
  return new HttpError(response.status, `${where}: HTTP ${response.status}${message ? `: ${message}` : ""}`, code);
}

/**
 * Graph JSON batching, as data: the request body we send and a parser for the response we get.
 * Responses may come back in any order and each item carries its own status.
 */
import { isObject } from "../../core/json";
import { BATCH_LIMIT, GRAPH_VERSION } from "./graphApi";

export interface BatchItemRequest {
  id: string;
  method: "GET";
  /** Relative to the version root, e.g. `/contracts?...`. */
  url: string;
}

export interface BatchItemResponse {
  id: string;
  status: number;
  /** Header names as Graph sent them; look them up with `header()`. */
  headers: Record<string, string>;
  body: unknown;
}

export function batchBody(requests: BatchItemRequest[]): { requests: BatchItemRequest[] } {
  if (requests.length > BATCH_LIMIT) throw new RangeError(`a Graph batch holds at most ${BATCH_LIMIT} requests`);
  return { requests };
}

/** Case-insensitive header lookup (Graph writes `Retry-After`, proxies may not). */
export function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

function parseItem(raw: unknown): BatchItemResponse | undefined {
  if (!isObject(raw) || typeof raw.id !== "string" || typeof raw.status !== "number") return undefined;
  const headers: Record<string, string> = {};
  if (isObject(raw.headers))
    for (const [k, v] of Object.entries(raw.headers)) if (typeof v === "string") headers[k] = v;
  let body = raw.body;
  // A JSON body normally arrives as an object; some gateways send it as a JSON string.
  if (typeof body === "string" && /^application\/json/i.test(header(headers, "Content-Type") ?? "")) {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }
  return { id: raw.id, status: raw.status, headers, body };
}

/** The items of a `$batch` response, or undefined when the body is not a batch response. */
export function parseBatchResponse(raw: unknown): BatchItemResponse[] | undefined {
  if (!isObject(raw) || !Array.isArray(raw.responses)) return undefined;
  const items = raw.responses.map(parseItem);
  return items.every((i): i is BatchItemResponse => i !== undefined) ? items : undefined;
}

/** Milliseconds to wait from a `Retry-After` header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A list's `@odata.nextLink` as a URL relative to the version root, for the next batch.
 * Only links on the host we called are followed: a link elsewhere is treated as malformed.
 */
export function relativeNextLink(nextLink: string, baseUrl: string): string | undefined {
  let link: URL;
  let base: URL;
  try {
    link = new URL(nextLink);
    base = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (link.host.toLowerCase() !== base.host.toLowerCase()) return undefined;
  const marker = `/${GRAPH_VERSION}/`;
  const at = link.pathname.indexOf(marker);
  if (at < 0) return undefined;
  return `/${link.pathname.slice(at + marker.length)}${link.search}`;
}

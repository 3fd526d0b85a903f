/**
 * Sends one `$batch` and handles what the client's RetryHandler cannot see: a 429 on an item
 * inside a 200 batch, or a 503/504 item that says when to come back (Retry-After), as the
 * RetryHandler would for an ordinary request. Only those items are sent again, after their
 * Retry-After, and only when that wait ends before the deadline; otherwise their status stands.
 */
import { Client } from "@microsoft/microsoft-graph-client";
import { BatchItemRequest, BatchItemResponse, batchBody, header, parseBatchResponse, retryAfterMs } from "./batch";
import { ANSWER_MARGIN_MS } from "./graphClient";

interface BatchRunOptions {
  signal: AbortSignal;
  deadline: number;
  clock: () => number;
  /** Resolves after `ms`, or rejects when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Item retries after a per-item 429: one is enough within a form's budget. */
const MAX_ITEM_RESENDS = 1;
/** Without Retry-After on a throttled item, wait this long before sending it again. */
const DEFAULT_ITEM_WAIT_MS = 1000;

class MalformedBatchError extends Error {
  constructor(message: string) {
    super(message);
    // Named like the parse error the client raises, so both map to "malformed" in one place.
    this.name = "SyntaxError";
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function post(client: Client, requests: BatchItemRequest[], signal: AbortSignal): Promise<BatchItemResponse[]> {
  const raw: unknown = await client.api("/$batch").option("signal", signal).post(batchBody(requests));
  const items = parseBatchResponse(raw);
  if (!items) throw new MalformedBatchError("the $batch answer is not a batch response");
  return items;
}

/**
 * 429 always (the default wait applies without Retry-After); 503/504 only with a Retry-After:
 * without it, an unavailable service gives no sign that a resend within the budget would help.
 */
function shouldResend(item: BatchItemResponse): boolean {
  if (item.status === 429) return true;
  return (item.status === 503 || item.status === 504) && header(item.headers, "Retry-After") !== undefined;
}

/** Runs the requests in one batch (plus resends of throttled items); returns one response per id. */
export async function runBatch(
  client: Client,
  requests: BatchItemRequest[],
  o: BatchRunOptions,
): Promise<Map<string, BatchItemResponse>> {
  const sleep = o.sleep ?? abortableSleep;
  const results = new Map<string, BatchItemResponse>();
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const items = await post(client, pending, o.signal);
    for (const item of items) results.set(item.id, item);
    const throttled = items.filter(shouldResend);
    if (!throttled.length || attempt >= MAX_ITEM_RESENDS) break;
    const now = o.clock();
    const wait = Math.max(
      ...throttled.map((i) => retryAfterMs(header(i.headers, "Retry-After"), now) ?? DEFAULT_ITEM_WAIT_MS),
    );
    if (now + wait + ANSWER_MARGIN_MS >= o.deadline) break;
    await sleep(wait, o.signal);
    const ids = new Set(throttled.map((i) => i.id));
    pending = pending.filter((r) => ids.has(r.id));
  }
  for (const r of requests)
    if (!results.has(r.id)) throw new MalformedBatchError(`the $batch answer has no item "${r.id}"`);
  return results;
}

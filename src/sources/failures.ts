/** One place where thrown host errors become typed failures (errors are values on the way up). */
import { SourceFailure } from "../core/types";
import { isObject } from "../core/json";
import { SourceError, messageOf } from "../core/errors";

export { SourceError, messageOf };

function statusOf(error: unknown): number | undefined {
  if (!isObject(error)) return undefined;
  for (const v of [error.status, error.statusCode, error.httpStatusCode]) if (typeof v === "number") return v;
  return undefined;
}

export function toFailure(error: unknown): SourceFailure {
  if (error instanceof SourceError) return error.failure;
  const message = messageOf(error);
  const status = statusOf(error);
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return { kind: "timeout", message };
  if (status === 401) return { kind: "unauthorized", message };
  if (status === 403) return { kind: "forbidden", message };
  if (status === 404) return { kind: "not-found", message };
  if (status === 429) return { kind: "throttled", message };
  if (status !== undefined && status >= 500) return { kind: "server", message };
  if (error instanceof SyntaxError) return { kind: "malformed", message };
  return { kind: "network", message };
}

/** When a throttled or busy read may be tried again, in ms; undefined when it is not that kind of failure. */
export function retryAfterMsOf(error: unknown): number | undefined {
  const status = statusOf(error);
  if (status !== 429 && status !== 503) return undefined;
  const e = isObject(error) ? error : {};
  const raw = e.retryAfter ?? (isObject(e.headers) ? e.headers["retry-after"] : undefined);
  const seconds = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : NaN;
  // The browser hosts do not always pass the header on: then a short pause, never a long one.
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

/** Reject with a `timeout` failure when `work` has not settled within `ms` (the work itself cannot be recalled). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new SourceError({ kind: "timeout", message: `${what}: no answer within ${Math.round(ms / 1000)} s` })),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

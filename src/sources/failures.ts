/** One place where thrown host errors become typed failures (errors are values on the way up). */
import { SourceFailure } from "../core/types";

export class SourceError extends Error {
  constructor(readonly failure: SourceFailure) {
    super(failure.message);
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; httpStatusCode?: unknown };
  for (const v of [e.status, e.statusCode, e.httpStatusCode]) if (typeof v === "number") return v;
  return undefined;
}

/** The message of anything thrown: an Error, or the plain objects PCF's and Xrm's Web API reject with. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  return String(error);
}

export function toFailure(error: unknown): SourceFailure {
  if (error instanceof SourceError) return error.failure;
  const message = messageOf(error);
  const status = statusOf(error);
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return { kind: "timeout", message };
  if (status === 401) return { kind: "unauthorized", message };
  if (status === 403) return { kind: "forbidden", message };
  if (status === 404) return { kind: "not-found", message };
  if (status === 429) return { kind: "throttled", message };
  if (status !== undefined && status >= 500) return { kind: "server", message };
  if (error instanceof SyntaxError) return { kind: "malformed", message };
  return { kind: "network", message };
}

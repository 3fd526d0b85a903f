/** One place where Graph errors (thrown or per batch item) become typed failures. */
import { SourceFailure, SourceFailureKind } from "../../core/types";
import { AUTH_ERROR_NAMES, GraphAuthFailureKind } from "./graphAuth";

export const ACCESS_NOT_GRANTED = "Graph access is not granted; ask your admin";

function statusKind(status: number): SourceFailureKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 429) return "throttled";
  if (status === 400) return "invalid-input";
  if (status >= 500) return "server";
  return "network";
}

function graphErrorText(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const parts = [code, message].filter((p): p is string => typeof p === "string" && p !== "");
  return parts.length ? parts.join(": ") : undefined;
}

function withAccessHint(kind: SourceFailureKind, text: string): string {
  return kind === "unauthorized" || kind === "forbidden" ? `${ACCESS_NOT_GRANTED} (${text})` : text;
}

/** A failed batch item (status >= 400), with the Graph error code and message when present. */
export function itemFailure(what: string, status: number, body: unknown): SourceFailure {
  const kind = statusKind(status);
  return { kind, message: withAccessHint(kind, `${what}: HTTP ${status}${graphErrorText(body) ? ` ${graphErrorText(body)}` : ""}`) };
}

const AUTH_KINDS = new Map<string, GraphAuthFailureKind>(
  (Object.entries(AUTH_ERROR_NAMES) as [GraphAuthFailureKind, string][]).map(([kind, name]) => [name, kind]),
);

/**
 * What the Graph client throws: a GraphError with `statusCode` (-1 when no response) and
 * `code` (Graph's code, or the name of the underlying error: TimeoutError, AbortError,
 * SyntaxError for an unreadable body, or one of our auth error names).
 */
type Loose = { statusCode?: unknown; code?: unknown; name?: unknown; message?: unknown; body?: unknown };

function loose(value: unknown): Loose {
  return typeof value === "object" && value !== null ? (value) : {};
}

export function thrownFailure(error: unknown): SourceFailure {
  const outer = loose(error);
  // The client keeps an underlying error's name as `code` only when it is an `instanceof Error`
  // of its own realm; otherwise (a DOMException from fetch, an error from another frame) the
  // original lands in `body`. Read it from there too.
  const inner = typeof outer.code === "string" ? {} : loose(outer.body);
  const e: Loose = { ...outer, ...(typeof inner.name === "string" ? { code: inner.name, message: inner.message } : {}) };
  const code = typeof e.code === "string" ? e.code : typeof e.name === "string" ? e.name : "";
  const message = typeof e.message === "string" && e.message !== "" ? e.message : String(error);
  const authKind = AUTH_KINDS.get(code);
  if (authKind) return { kind: authKind, message: withAccessHint(authKind, message) };
  if (code === "TimeoutError" || code === "AbortError") return { kind: "timeout", message };
  // An error status outranks its unreadable body (a 429 with an empty JSON body is throttling).
  const status = typeof e.statusCode === "number" ? e.statusCode : -1;
  if (status >= 400) {
    const kind = statusKind(status);
    return { kind, message: withAccessHint(kind, `HTTP ${status} ${code} ${message}`.trim()) };
  }
  if (code === "SyntaxError") return { kind: "malformed", message: `unreadable Graph answer: ${message}` };
  return { kind: "network", message };
}

/** When several parts failed, the one an admin must act on first. */
const PRIORITY: SourceFailureKind[] = ["not-connected", "unauthorized", "forbidden", "throttled", "timeout", "server", "network", "malformed", "not-found", "invalid-input"];

export function worstFailure(failures: SourceFailure[]): SourceFailure | undefined {
  return [...failures].sort((a, b) => PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind))[0];
}

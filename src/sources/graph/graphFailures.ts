/** One place where Graph errors (thrown or per batch item) become typed failures. */
import { isObject, str } from "../../core/json";
import { SourceFailure, SourceFailureKind } from "../../core/types";
import { AUTH_ERROR_NAMES, GraphAuthFailureKind } from "./graphAuth";

export const ACCESS_NOT_GRANTED = "Graph access is not granted; ask your admin";

/**
 * A 400 is not, by itself, a problem of the account's data: the tenant id is checked to be a
 * GUID before anything is sent, so Graph refusing a request (the `$filter` on
 * `customer/tenantId`, a batch it cannot parse) is a problem of the request, for an admin. Only
 * an error that says the tenant id names no tenant is the account's (see `refusesTenantId`).
 */
export const REQUEST_REFUSED = "Graph refused PartnerGuard's request (not the account's data); tell your admin";

function statusKind(status: number): SourceFailureKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 429) return "throttled";
  // Graph would not serve this request (not the account's data): an admin must look.
  if (status === 400) return "request-refused";
  if (status >= 500) return "server";
  return "network";
}

function graphError(body: unknown): { code?: string; message?: string } {
  const error = isObject(body) ? body.error : undefined;
  if (!isObject(error)) return {};
  return { code: str(error.code), message: str(error.message) };
}

function graphErrorText(body: unknown): string | undefined {
  const { code, message } = graphError(body);
  const parts = [code, message].filter((p): p is string => p !== undefined && p !== "");
  return parts.length ? parts.join(": ") : undefined;
}

/**
 * Whether Graph's error says the tenant id itself names no tenant (code `UnknownTenantId`,
 * "Tenant … does not exist", "We do not recognize this tenant ID"): then the account's data is
 * wrong, not the request. "Invalid" alone does not count: that is what a refused `$filter` on
 * `customer/tenantId` says, and that is the request's problem.
 */
export function refusesTenantId(body: unknown): boolean {
  const { code = "", message = "" } = graphError(body);
  if (/unknowntenant|tenantnotfound/i.test(code)) return true;
  return (
    /\btenant\b/i.test(message) && /(not\s+found|does\s+not\s+exist|not\s+recogni[sz]e|unknown\s+tenant)/i.test(message)
  );
}

/** The customer tenant Graph says does not exist: the account's tenant id is wrong. */
export function unknownTenantFailure(tenantId: string, status: number, body: unknown): SourceFailure {
  const detail = graphErrorText(body);
  return {
    kind: "invalid-input",
    message: `the customer tenant id ${tenantId} names no tenant Microsoft Graph knows (HTTP ${status}${detail ? ` ${detail}` : ""}); correct the account's tenant id`,
  };
}

function withAccessHint(kind: SourceFailureKind, text: string): string {
  return kind === "unauthorized" || kind === "forbidden" ? `${ACCESS_NOT_GRANTED} (${text})` : text;
}

/**
 * A failed batch item (status >= 400), with the Graph error code and message when present.
 * A 400 is classified by what was refused: the account's tenant id (invalid input, for whoever
 * edits the account) or the request (for an admin).
 */
export function itemFailure(what: string, status: number, body: unknown): SourceFailure {
  const text = `${what}: HTTP ${status}${graphErrorText(body) ? ` ${graphErrorText(body)}` : ""}`;
  if (status === 400)
    return refusesTenantId(body)
      ? { kind: "invalid-input", message: `${text}; correct the account's tenant id` }
      : { kind: "request-refused", message: `${REQUEST_REFUSED} (${text})` };
  const kind = statusKind(status);
  return { kind, message: withAccessHint(kind, text) };
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
  return typeof value === "object" && value !== null ? value : {};
}

export function thrownFailure(error: unknown): SourceFailure {
  const outer = loose(error);
  // The client keeps an underlying error's name as `code` only when it is an `instanceof Error`
  // of its own realm; otherwise (a DOMException from fetch, an error from another frame) the
  // original lands in `body`. Read it from there too.
  const inner = typeof outer.code === "string" ? {} : loose(outer.body);
  const e: Loose = {
    ...outer,
    ...(typeof inner.name === "string" ? { code: inner.name, message: inner.message } : {}),
  };
  const code = typeof e.code === "string" ? e.code : typeof e.name === "string" ? e.name : "";
  const message = typeof e.message === "string" && e.message !== "" ? e.message : String(error);
  const authKind = AUTH_KINDS.get(code);
  if (authKind) return { kind: authKind, message: withAccessHint(authKind, message) };
  if (code === "TimeoutError" || code === "AbortError") return { kind: "timeout", message };
  // An error status outranks its unreadable body (a 429 with an empty JSON body is throttling).
  const status = typeof e.statusCode === "number" ? e.statusCode : -1;
  if (status >= 400) {
    const kind = statusKind(status);
    // The whole $batch refused: the request is ours, never the account's data.
    if (status === 400) return { kind, message: `${REQUEST_REFUSED} (HTTP 400 ${code} ${message})`.trim() };
    return { kind, message: withAccessHint(kind, `HTTP ${status} ${code} ${message}`.trim()) };
  }
  if (code === "SyntaxError") return { kind: "malformed", message: `unreadable Graph answer: ${message}` };
  return { kind: "network", message };
}

/** When several parts failed, the one an admin must act on first. */
const PRIORITY: SourceFailureKind[] = [
  "not-connected",
  "unauthorized",
  "forbidden",
  "request-refused",
  "throttled",
  "timeout",
  "server",
  "network",
  "malformed",
  "not-found",
  "invalid-input",
];

export function worstFailure(failures: SourceFailure[]): SourceFailure | undefined {
  return [...failures].sort((a, b) => PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind))[0];
}

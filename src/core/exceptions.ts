/**
 * The rules for outreach exceptions: what a valid request is, who may decide on it, and what a
 * decision is worth when the verdict reads it. Pure: the faces turn the problems into words.
 *
 * The trust boundary lives here. Roles let sellers create requests and approvers create
 * decisions; nobody can change either. What a role cannot express is applied when the rows are
 * read, from the server-set `createdby`/`createdonbehalfby`/`createdon` only (both user columns
 * are a row's authors: impersonation sets the first to someone else): an approval by one of the
 * request's own authors does not count, nor one made after the request's open window, nor one on
 * a request that now sits on another account than it was made for (Merge moves requests); an
 * approval lasts at most the policy's `maxDays` from its `createdon`; a decision whose creator,
 * time or value cannot be read counts as absent. A rejection only ever closes outreach: it counts
 * whenever it is made (an approval on day 29 is revoked by a rejection on day 31). The latest
 * decision that counts wins.
 */
import { Policy } from "./policy";
import { ExceptionDecision, ExceptionState, IgnoredDecisionCode, OutreachException } from "./types";
import { parseDate } from "./dates";

export const EXCEPTION_REASONS = ["customer-asked", "partner-declined", "partner-inactive", "other"] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

/** A request nobody decided within this many days lapses: a later approval of it does not count (a rejection does). */
export const REQUEST_OPEN_DAYS = 30;

export interface ExceptionRequest {
  accountId: string;
  justification: string;
  reason: ExceptionReason | undefined;
  days: number;
}

export type RequestProblem =
  | { code: "justification-too-short"; min: number }
  | { code: "reason-missing" }
  | { code: "days-out-of-range"; max: number }
  | { code: "already-pending" };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Everything wrong with a request; empty when it may be created. */
export function checkRequest(request: ExceptionRequest, policy: Policy, existing: ExceptionState[]): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const min = policy.exceptions.minJustificationLength;
  if (request.justification.trim().length < min) problems.push({ code: "justification-too-short", min });
  if (!request.reason || !EXCEPTION_REASONS.includes(request.reason)) problems.push({ code: "reason-missing" });
  if (!Number.isInteger(request.days) || request.days < 1 || request.days > policy.exceptions.maxDays) {
    problems.push({ code: "days-out-of-range", max: policy.exceptions.maxDays });
  }
  if (
    existing.some(
      (e) => e.status === "pending" && e.request.accountId.toLowerCase() === request.accountId.toLowerCase(),
    )
  ) {
    problems.push({ code: "already-pending" });
  }
  return problems;
}

/** When an approval created at `decidedOn` for `days` days ends. */
export function validUntil(decidedOn: number, days: number): string {
  return new Date(decidedOn + days * DAY_MS).toISOString();
}

/** The days an approval counts for: what the approver gave, never more than the policy allows. */
export function approvedDays(decision: ExceptionDecision, policy: Policy): number | undefined {
  const days = decision.days;
  // Stryker disable next-line ConditionalExpression: Number.isInteger(undefined) is false, so the undefined check adds nothing
  if (days === undefined || !Number.isInteger(days) || days < 1) return undefined;
  return Math.min(days, policy.exceptions.maxDays);
}

export type DecisionProblem = { code: "own-request" } | { code: "not-pending" };

/** Whether `deciderId` may approve or reject the request: never one's own request, only pending ones. */
export function checkDecision(state: ExceptionState, deciderId: string): DecisionProblem[] {
  const problems: DecisionProblem[] = [];
  if (!state.request.createdBy || authoredBy(state.request, deciderId)) problems.push({ code: "own-request" });
  if (state.status !== "pending") problems.push({ code: "not-pending" });
  return problems;
}

/** A user id as compared: without braces (the form's `{GUID}`), spaces and case. */
export const userKey = (id: string | undefined): string | undefined =>
  id?.replace(/[{}\s]/g, "").toLowerCase() || undefined;

/** Whether `userId` is one of the row's authors: its `createdby`, or its `createdonbehalfby` (impersonation). */
export function authoredBy(
  row: { createdBy?: string; createdOnBehalfBy?: string } | undefined,
  userId: string | undefined,
): boolean {
  const user = userKey(userId);
  return !!user && (userKey(row?.createdBy) === user || userKey(row?.createdOnBehalfBy) === user);
}

/** Whether the request sits on the account it was made for (its `requestedFor`, set on create). */
export const forItsAccount = (request: OutreachException): boolean =>
  !!userKey(request.requestedFor) && userKey(request.requestedFor) === userKey(request.accountId);

/** Why a decision does not count, or undefined when it does. */
function ignoreReason(
  decision: ExceptionDecision,
  request: OutreachException,
  requestedOn: number | undefined,
  policy: Policy,
): IgnoredDecisionCode | undefined {
  const decidedOn = parseDate(decision.createdOn);
  if (decision.decision === "unknown" || decidedOn === undefined) return "unreadable";
  const approval = decision.decision === "approved";
  if (approval && approvedDays(decision, policy) === undefined) return "unreadable";
  if (!userKey(decision.createdBy)) return "unknown-decider";
  if (!userKey(request.createdBy) || requestedOn === undefined) return "unknown-requester";
  // Either author of the decision who is an author of the request: deciding one's own request.
  if (authoredBy(request, decision.createdBy) || authoredBy(request, decision.createdOnBehalfBy)) return "own-request";
  // A rejection only ever closes outreach: it counts whenever it is made. Only an approval is
  // bounded by the request's open window, and by the account the request was made for.
  if (!approval) return undefined;
  if (!forItsAccount(request)) return "other-account";
  // `createdon` can be backdated on create (data migration), never moved later: an approval
  // "before" its request is not one the rules know how to read.
  if (decidedOn < requestedOn) return "unreadable";
  if (decidedOn - requestedOn > REQUEST_OPEN_DAYS * DAY_MS) return "after-lapse";
  return undefined;
}

/**
 * Judge a request at `now` from its decisions. Decisions made after `now` do not exist yet
 * (a list vetted "as of" an earlier day). The latest decision that counts wins; at the same
 * moment a rejection wins over an approval (the safe side).
 */
export function judgeException(request: OutreachException, policy: Policy, now: number): ExceptionState {
  const requestedOn = parseDate(request.createdOn);
  const ignored: ExceptionState["ignored"] = [];
  const counted: { decision: ExceptionDecision; at: number }[] = [];
  for (const decision of request.decisions) {
    const at = parseDate(decision.createdOn);
    // Stryker disable next-line ConditionalExpression: `undefined > now` is false, so the undefined check cannot change the outcome
    if (at !== undefined && at > now) continue;
    const code = ignoreReason(decision, request, requestedOn, policy);
    if (code) ignored.push({ decision, code });
    else counted.push({ decision, at: at as number });
  }
  counted.sort(
    (x, y) =>
      x.at - y.at || (x.decision.decision === y.decision.decision ? 0 : x.decision.decision === "rejected" ? 1 : -1),
  );
  const latest = counted[counted.length - 1];
  if (!latest) {
    // A request on another account than it was made for waits for nobody there: it is not pending.
    // Stryker disable next-line ConditionalExpression: without a time `now - undefined` is NaN, never within the days
    const open = forItsAccount(request) && requestedOn !== undefined && now - requestedOn <= REQUEST_OPEN_DAYS * DAY_MS;
    return { request, status: open ? "pending" : "lapsed", ignored };
  }
  if (latest.decision.decision === "rejected")
    return { request, status: "rejected", decision: latest.decision, ignored };
  const until = latest.at + (approvedDays(latest.decision, policy) as number) * DAY_MS;
  return {
    request,
    status: until > now ? "approved" : "expired",
    decision: latest.decision,
    validUntil: new Date(until).toISOString(),
    approvedBy: latest.decision.createdByName,
    ignored,
  };
}

/**
 * The latest of the account's requests (by `createdon`), when an approver rejected it: the seller
 * is told who rejected it, when, and why. Once a newer request exists, that one is the news.
 */
export function latestRejection(states: ExceptionState[]): ExceptionState | undefined {
  let latest: ExceptionState | undefined;
  let latestOn = -Infinity;
  for (const state of states) {
    const on = parseDate(state.request.createdOn) ?? -Infinity;
    if (latest === undefined || on > latestOn) {
      latest = state;
      latestOn = on;
    }
  }
  return latest?.status === "rejected" ? latest : undefined;
}

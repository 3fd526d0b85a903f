/**
 * The rules for outreach exceptions: what a valid request is, and who may decide on it.
 * Pure: the faces turn the problems into words; Dataverse roles enforce the same on the server.
 */
import { Policy } from "./policy";
import { OutreachException } from "./types";

export const EXCEPTION_REASONS = ["customer-asked", "partner-declined", "partner-inactive", "other"] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

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
export function checkRequest(request: ExceptionRequest, policy: Policy, existing: OutreachException[]): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const min = policy.exceptions.minJustificationLength;
  if (request.justification.trim().length < min) problems.push({ code: "justification-too-short", min });
  if (!request.reason || !EXCEPTION_REASONS.includes(request.reason)) problems.push({ code: "reason-missing" });
  if (!Number.isInteger(request.days) || request.days < 1 || request.days > policy.exceptions.maxDays) {
    problems.push({ code: "days-out-of-range", max: policy.exceptions.maxDays });
  }
  if (existing.some((e) => e.status === "pending" && e.accountId.toLowerCase() === request.accountId.toLowerCase())) {
    problems.push({ code: "already-pending" });
  }
  return problems;
}

/** When an exception approved `now` for `days` days ends. */
export function validUntil(now: number, days: number): string {
  return new Date(now + days * DAY_MS).toISOString();
}

export type DecisionProblem = { code: "own-request" } | { code: "not-pending" };

/** Whether `approverId` may approve or reject `exception`: never one's own request, only pending ones. */
export function checkDecision(exception: OutreachException, approverId: string): DecisionProblem[] {
  const problems: DecisionProblem[] = [];
  if (exception.requesterId && exception.requesterId.toLowerCase() === approverId.toLowerCase()) problems.push({ code: "own-request" });
  if (exception.status !== "pending") problems.push({ code: "not-pending" });
  return problems;
}

/**
 * Exception requests and decisions as the core reads them (src/core/exceptions.ts): a seller asks on
 * ASKED, the approver decides; tests change what they are about with `over`.
 */
import { ExceptionDecision, OutreachException } from "../../src/core/types";

export const SELLER = "11111111-1111-4111-8111-111111111111";
export const APPROVER = "22222222-2222-4222-8222-222222222222";
export const DAY = 86_400_000;
export const ASKED = Date.parse("2026-11-20T09:00:00Z");
export const iso = (ms: number) => new Date(ms).toISOString();

/** The seller's request ex-1 on acc-1, asked on ASKED, with these decisions. */
export const request = (
  decisions: ExceptionDecision[] = [],
  over: Partial<OutreachException> = {},
): OutreachException => ({
  id: "ex-1",
  accountId: "acc-1",
  requestedFor: "acc-1",
  createdBy: SELLER,
  createdOn: iso(ASKED),
  decisions,
  ...over,
});

/** The approver's 14-day approval of ex-1, a day after it was asked. */
export const decision = (over: Partial<ExceptionDecision> = {}): ExceptionDecision => ({
  id: "dc-1",
  exceptionId: "ex-1",
  decision: "approved",
  days: 14,
  createdBy: APPROVER,
  createdByName: "Jordan Approver",
  createdOn: iso(ASKED + DAY),
  ...over,
});

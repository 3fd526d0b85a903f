/** What the card needs to include the partner: callbacks that write, and the policy's limits. */
import { ExceptionReason, RequestProblem } from "../../src/core/exceptions";
import { HistoryEntry } from "../../src/sources/audit";

export interface ExceptionLimits {
  defaultDays: number;
  maxDays: number;
  minJustificationLength: number;
}

export interface IncludePartnerActions {
  /** Records the engagement; rejects with an Error when the write failed. */
  engage: (note: string) => Promise<void>;
  /** Sends the request; resolves with the problems when refused, rejects when the write failed. */
  requestException: (request: {
    justification: string;
    reason: ExceptionReason | undefined;
    days: number;
  }) => Promise<RequestProblem[]>;
  loadHistory: () => Promise<HistoryEntry[]>;
  limits: ExceptionLimits;
}

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
  /**
   * Sends the request; resolves with the problems when refused (nothing saved), and for a saved
   * request whether the approvers were notified; rejects when the write failed.
   */
  requestException: (request: {
    justification: string;
    reason: ExceptionReason | undefined;
    days: number;
  }) => Promise<RequestOutcome>;
  loadHistory: () => Promise<HistoryEntry[]>;
  limits: ExceptionLimits;
}

/** A request's outcome as the card tells it. */
export interface RequestOutcome {
  problems: RequestProblem[];
  /** False when a saved request could not be announced to every approver; the request stands. */
  notified: boolean;
  /** The approvers who could not be told (names, else ids); empty when nobody could be found or told. */
  unnotified: string[];
}

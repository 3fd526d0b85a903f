/**
 * Errors as values every layer may recognise without depending on another: a source's typed
 * failure, and a write that was partly saved. Pure: sources throw them, faces word them
 * (src/text/failureText.ts), and neither imports the other.
 */
import { SourceFailure } from "./types";
import { isObject } from "./json";

export class SourceError extends Error {
  constructor(readonly failure: SourceFailure) {
    super(failure.message);
  }
}

/** The message of anything thrown: an Error, or the plain objects PCF's and Xrm's Web API reject with. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (isObject(error) && typeof error.message === "string") return error.message;
  return String(error);
}

/**
 * The record was written but its audit entry was not: the two are separate requests (the browser
 * hosts have no change set across tables), so a partial success is stated exactly, never as
 * "nothing was recorded", and the record is not written twice on a retry.
 */
export class PartlySavedError extends Error {
  constructor(
    readonly saved: "task" | "exception",
    override readonly cause: unknown,
  ) {
    super(messageOf(cause));
  }
}

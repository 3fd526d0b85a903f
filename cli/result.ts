/** What a command's action hands back to the one edge (main.ts) that turns it into an exit code. */
import { CommandError, ExitCodeValue } from "./exitCodes";

export type Result = ExitCodeValue | CommandError;

/** Commander actions return nothing; each command leaves its result here for main.ts. */
export interface ResultSink {
  result?: Result;
}

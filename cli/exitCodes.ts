/** The exit codes are a contract with scripts and pipelines: documented in the README, never reused. */
export const ExitCode = {
  /** The command ran (for vet: every row was vetted, whatever the verdicts). */
  ok: 0,
  /** `vet --fail-on-blocked`: at least one row is not clear for outreach (blocked, or unverified). */
  blocked: 1,
  /** Bad usage or unusable input: unknown option, unreadable list, feed or policy file. */
  usage: 2,
  /** Dataverse could not be used: sign-in failed, unreachable, or writes failed. */
  environment: 3,
  /** The command or option exists but is not available in this version (pack without the packer). */
  notAvailable: 4,
  /** `sync --graph`: Microsoft Graph could not be read for some accounts; the others were imported. */
  graphPartial: 5,
  /** A bug: something the code did not expect. */
  internal: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that travels up as a value and ends the command with its exit code at the one edge. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
    this.name = "CommandError";
  }
}

export const usageError = (message: string) => new CommandError(message, ExitCode.usage);

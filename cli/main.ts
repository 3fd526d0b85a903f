/**
 * The `partnerguard` program: one file per command under commands/, options from one table, and
 * this file as the single edge where a result becomes output and an exit code.
 */
import { Command, CommanderError } from "commander";
import { CommandError, ExitCode } from "./exitCodes";
import { Io, processIo } from "./io";
import { Result, ResultSink } from "./result";
import { vetCommand } from "./commands/vet";
import { checkCommand } from "./commands/check";
import { syncCommand } from "./commands/sync";
import { packCommand } from "./commands/pack";
import { policyCommand } from "./commands/policyCheck";

function buildProgram(io: (quiet: boolean) => Io, sink: ResultSink): Command {
  const program = new Command("partnerguard")
    .description("PartnerGuard: vet outreach lists, check accounts and import partner-of-record feeds")
    .version("1.0.0")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  // Each command reads --quiet itself; `io` is created when its action runs.
  const lazy = () => io(process.argv.includes("--quiet") || process.argv.includes("--json"));
  for (const command of [
    vetCommand(lazy, sink),
    checkCommand(lazy, sink),
    syncCommand(lazy, sink),
    packCommand(lazy, sink),
    policyCommand(lazy, sink),
  ]) {
    program.addCommand(command.exitOverride());
  }
  program.addHelpText(
    "after",
    `
Exit codes: 0 ran, 1 vet/check --fail-on-blocked found rows not clear for outreach,
2 usage or input error, 3 Dataverse failed (sign-in, network, writes), 4 not available in this version,
5 sync --graph: Graph could not be read for some accounts (the others were imported).
Sign-in: PARTNERGUARD_CLIENT_ID (+ PARTNERGUARD_TENANT_ID, + PARTNERGUARD_CLIENT_SECRET for automation)
or PARTNERGUARD_ACCESS_TOKEN. Graph (sync --graph): PARTNERGUARD_GRAPH_TENANT_ID, _CLIENT_ID, _CLIENT_SECRET
(else the Dataverse ones), or PARTNERGUARD_GRAPH_TOKEN.`,
  );
  return program;
}

/** Run with arguments; returns the exit code (printing errors on stderr). Never calls process.exit. */
export async function main(
  argv: string[],
  io: (quiet: boolean) => Io = (quiet) => processIo({ quiet }),
): Promise<number> {
  const sink: ResultSink = {};
  const program = buildProgram(io, sink);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; anything else commander refused is a usage error.
      return error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
        ? ExitCode.ok
        : ExitCode.usage;
    }
    io(false).err(`Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return ExitCode.internal;
  }
  return settle(sink.result, io(false));
}

function settle(result: Result | undefined, io: Io): number {
  if (result === undefined) return ExitCode.ok;
  if (result instanceof CommandError) {
    io.err(`Error: ${result.message}`);
    return result.exitCode;
  }
  return result;
}

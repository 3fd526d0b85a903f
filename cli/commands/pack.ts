/**
 * `partnerguard pack`: builds the solution zips with src/pack/packSolution.ts. That module is
 * written separately; it is loaded at run time so this command builds and type-checks without it.
 */
import { existsSync } from "fs";
import { join, resolve } from "path";
import { pathToFileURL } from "url";
import { Command } from "commander";
import { CommandError, ExitCode } from "../exitCodes";
import { addOptions } from "../options";
import { Io } from "../io";
import { Result, ResultSink } from "../result";
import { PACKAGE_ROOT } from "../words";

const PACK = "pack";

/** Where the packer is found: bundled next to the CLI (dist/pack.js), or its source under tsx. */
const PACKER_CANDIDATES = [join(PACKAGE_ROOT, "dist", "pack.js"), join(PACKAGE_ROOT, "src", "pack", "packSolution.ts")];

type PackSolution = (options: { root: string; outDir: string }) => Promise<unknown>;

export function packCommand(io: () => Io, sink: ResultSink): Command {
  const command = new Command(PACK)
    .description("build the managed and unmanaged solution zips from Solution/ and the built control")
    .addHelpText("after", "\nExample:\n  partnerguard pack --out-dir out/solution");
  addOptions(command, ["outDir"]);
  return command.action(async (options: { outDir: string }) => {
    sink.result = await runPack(io(), options);
  });
}

async function runPack(io: Io, options: { outDir: string }, candidates = PACKER_CANDIDATES): Promise<Result> {
  const file = candidates.find((c) => existsSync(c));
  if (!file)
    return new CommandError(
      "pack is not available in this build: src/pack/packSolution.ts is missing",
      ExitCode.notAvailable,
    );
  let packSolution: PackSolution | undefined;
  try {
    const loaded = (await import(pathToFileURL(file).href)) as {
      packSolution?: unknown;
      default?: { packSolution?: unknown };
    };
    const fn = loaded.packSolution ?? loaded.default?.packSolution;
    if (typeof fn === "function") packSolution = fn as PackSolution;
  } catch (e) {
    return new CommandError(`pack could not load ${file}: ${(e as Error).message}`, ExitCode.notAvailable);
  }
  if (!packSolution) return new CommandError(`${file} does not export packSolution`, ExitCode.notAvailable);
  let result: unknown;
  try {
    // resolve, not join: an absolute --out-dir is taken as it is.
    result = await packSolution({ root: io.cwd, outDir: resolve(io.cwd, options.outDir) });
  } catch (e) {
    // The packer names every problem with its file and line: pass them on as a usage error.
    if (e instanceof Error && e.name === "PackError") return new CommandError(e.message, ExitCode.usage);
    throw e;
  }
  io.out(typeof result === "string" ? result : JSON.stringify(result ?? { outDir: options.outDir }, null, 2));
  return ExitCode.ok;
}

/**
 * `packSolution`: Solution/ + build outputs → PartnerGuard_<version>_unmanaged.zip and
 * PartnerGuard_<version>_managed.zip in `outDir`, with pure Node. Both zips are checked before
 * anything is written; they are written into a temporary folder inside `outDir` and renamed into
 * place, so a failed pack leaves no half-written file behind.
 */
import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { PackError, PackProblem } from "./errors";
import { readSource } from "./readSource";
import { assemble } from "./assemble";
import { zipEntries } from "./zip";
import { checkPackage } from "./checks/packageChecks";
import { defaultSchemasDir, validateCustomizations } from "./checks/schemaValidation";
import { SolutionIdentity } from "../schema";

interface PackOptions {
  /** Repository root (holds package.json, Solution/, out/). */
  root: string;
  /** Folder the zips are written to (created when missing). */
  outDir: string;
  /** Run `npm run build:prod` and `npm run build:webresource` first. */
  build?: boolean;
  /** Folder of the customization XSDs; default ../shared/schemas beside the repository. */
  schemasDir?: string;
}

export const zipName = (version: string, managed: boolean): string =>
  `${SolutionIdentity.uniqueName}_${version}_${managed ? "managed" : "unmanaged"}.zip`;

const run = promisify(execFile);

async function buildAll(root: string): Promise<void> {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  await run(npm, ["run", "build:prod"], { cwd: root });
  await run(npm, ["run", "build:webresource", "--if-present"], { cwd: root });
}

async function schemasAvailable(dir: string): Promise<boolean> {
  try {
    await access(path.join(dir, "CustomizationsSolution.xsd"));
    return true;
  } catch {
    return false;
  }
}

export async function packSolution(options: PackOptions): Promise<{ managed: string; unmanaged: string }> {
  const root = path.resolve(options.root);
  if (options.build) await buildAll(root);

  const read = await readSource(root);
  if (!read.ok) throw new PackError(read.problems);
  const { source } = read;

  const problems: PackProblem[] = [];
  const zips: { name: string; bytes: Uint8Array }[] = [];
  for (const managed of [false, true]) {
    const name = zipName(source.version, managed);
    const assembled = assemble(source, managed);
    if (!assembled.ok) {
      problems.push(...assembled.problems);
      continue;
    }
    problems.push(...checkPackage(name, assembled.entries));
    zips.push({ name, bytes: zipEntries(assembled.entries) });
    if (!managed) {
      const schemas = options.schemasDir ?? defaultSchemasDir(root);
      // The schemas live outside the repository; without them the tests still validate.
      if (await schemasAvailable(schemas)) {
        const xml = Buffer.from(assembled.entries.get("customizations.xml") as Uint8Array).toString("utf8");
        problems.push(...(await validateCustomizations(xml, schemas, `${name}/customizations.xml`)));
      }
    }
  }
  if (problems.length > 0) throw new PackError(problems);

  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const temp = await mkdtemp(path.join(outDir, ".pack-"));
  try {
    for (const z of zips) await writeFile(path.join(temp, z.name), z.bytes);
    for (const z of zips) await rename(path.join(temp, z.name), path.join(outDir, z.name));
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  const [unmanaged, managed] = zips.map((z) => path.join(outDir, z.name));
  return { managed, unmanaged };
}

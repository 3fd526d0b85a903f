/** `npm run solution:generate`: writes Solution/ from src/pack/model and deletes stale generated files. */
import { mkdir, readdir, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateSolution, staleFiles } from "../generateSolution";

/** Files under `dir`, relative to it with `/`. */
async function filesUnder(dir: string, rel = ""): Promise<string[]> {
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, child)));
    else if (e.isFile()) out.push(child);
  }
  return out;
}

/** Removes `dir` and its parents up to (not including) `stop` while they are empty. */
async function removeEmptyDirs(dir: string, stop: string): Promise<void> {
  for (let d = dir; d.startsWith(stop + path.sep); d = path.dirname(d)) {
    if ((await readdir(d).catch(() => ["?"])).length > 0) return;
    await rmdir(d);
  }
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "../../..");
  const solution = path.join(root, "Solution");
  const files = generateSolution();
  const stale = staleFiles(await filesUnder(solution), files);
  for (const rel of stale) {
    const file = path.join(solution, ...rel.split("/"));
    await rm(file);
    await removeEmptyDirs(path.dirname(file), solution);
    console.log(`deleted stale ${rel}`);
  }
  for (const [rel, content] of files) {
    const file = path.join(solution, ...rel.split("/"));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  console.log(`wrote ${files.size} files under Solution/${stale.length > 0 ? `, deleted ${stale.length} stale` : ""}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

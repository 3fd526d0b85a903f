/** `npm run solution:generate`: writes Solution/ from src/pack/model. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateSolution } from "../generateSolution";

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "../../..");
  const files = generateSolution();
  for (const [rel, content] of files) {
    const file = path.join(root, "Solution", ...rel.split("/"));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  console.log(`wrote ${files.size} files under Solution/`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

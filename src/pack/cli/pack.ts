/** `npm run pack` (after the builds): writes the two solution zips to out/solution/. */
import path from "node:path";
import { statSync } from "node:fs";
import { packSolution } from "../packSolution";

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "../../..");
  const started = performance.now();
  const result = await packSolution({ root, outDir: path.join(root, "out", "solution") });
  const ms = Math.round(performance.now() - started);
  for (const file of [result.unmanaged, result.managed])
    console.log(`${path.relative(root, file)}  ${statSync(file).size} bytes`);
  console.log(`packed in ${ms} ms`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

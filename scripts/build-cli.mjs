// Bundles the command line into dist/cli.js (and the solution packer into dist/pack.js when
// src/pack/packSolution.ts exists). Dependencies stay in node_modules (packages: external).
// Files are written to a temporary name and renamed, so a test process that starts the CLI
// while another rebuilds it never reads half a file.
import { build } from "esbuild";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { fileURLToPath } from "url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entryPoints = { cli: join(root, "cli/main.ts") };
const packer = join(root, "src/pack/packSolution.ts");
if (existsSync(packer)) entryPoints.pack = packer;

const result = await build({
  entryPoints,
  outdir: join(root, "dist"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  write: false,
  logLevel: "warning",
});
mkdirSync(join(root, "dist"), { recursive: true });
for (const file of result.outputFiles) {
  const temp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temp, file.contents);
  renameSync(temp, file.path);
}

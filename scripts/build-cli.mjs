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
/**
 * Packages only some commands need (signing in through MSAL, Microsoft Graph) are loaded when first
 * used, not when the command starts: requiring them costs ~0.2 s, which `vet --feed`, `policy
 * check` and a token from the environment never need. The bundle uses them only through property
 * reads (`import_x.Name`), so a proxy that requires the package on the first read stands in.
 */
const LAZY = ["@azure/msal-node", "@microsoft/microsoft-graph-client"];

function lazyRequires(code) {
  let out = code;
  for (const id of LAZY) {
    const pattern = new RegExp(
      `^var (import_\\w+) = require\\(${JSON.stringify(id).replace(/[/.]/g, "\\$&")}\\);$`,
      "gm",
    );
    out = out.replace(
      pattern,
      (_, name) =>
        `var ${name} = ((id) => { let m; return new Proxy({}, { get: (_, key) => (m ??= require(id))[key] }); })(${JSON.stringify(id)});`,
    );
  }
  return out;
}

mkdirSync(join(root, "dist"), { recursive: true });
for (const file of result.outputFiles) {
  const temp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temp, file.path.endsWith("cli.js") ? lazyRequires(file.text) : file.contents);
  renameSync(temp, file.path);
}

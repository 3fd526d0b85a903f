#!/usr/bin/env node
// Bundles the command-bar script into one file with a single global, `PartnerGuard`, and copies
// the strings it reads (the control's .resx files) next to it as RESX web resources.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const OUT = path.join(root, "out/webresources/pg_");

export async function buildWebResource({ minify = true } = {}) {
  await build({
    entryPoints: [path.join(root, "webresource/index.ts")],
    outfile: path.join(OUT, "scripts/outreach.js"),
    bundle: true,
    format: "iife",
    globalName: "PartnerGuard",
    platform: "browser",
    target: "es2019",
    minify,
    legalComments: "none",
    logLevel: "warning",
  });
  await mkdir(path.join(OUT, "strings"), { recursive: true });
  for (const lcid of ["1033", "1031"]) {
    await copyFile(
      path.join(root, `PartnerGuard/strings/PartnerGuard.${lcid}.resx`),
      path.join(OUT, `strings/outreach.${lcid}.resx`),
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWebResource();
  console.log(`built ${path.relative(root, path.join(OUT, "scripts/outreach.js"))}`);
}

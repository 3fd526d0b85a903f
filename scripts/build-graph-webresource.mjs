#!/usr/bin/env node
// Bundles the Graph source with MSAL Browser and the Graph client into pg_/scripts/graph.js:
// one IIFE, no global name (it registers itself under a window symbol), loaded by the control
// only when Graph applies. Kept out of the control's bundle.js, which pcf-scripts cannot split.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const GRAPH_OUT = path.join(root, "out/webresources/pg_/scripts/graph.js");

export async function buildGraphWebResource({ minify = true, outfile = GRAPH_OUT } = {}) {
  await build({
    entryPoints: [path.join(root, "webresource/graph/index.ts")],
    outfile,
    bundle: true,
    format: "iife",
    platform: "browser",
    // The browsers model-driven apps support (current Edge, Chrome, Firefox, Safari).
    target: ["chrome109", "edge109", "firefox115", "safari16"],
    minify,
    legalComments: "none",
    logLevel: "warning",
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildGraphWebResource();
  console.log(`built ${path.relative(root, out)}`);
}

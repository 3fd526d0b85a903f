#!/usr/bin/env node
// Bundles the Graph source with MSAL Browser and the Graph client into pg_/scripts/graph.js:
// one IIFE, no global name (it registers itself under a window symbol), loaded by the control
// only when Graph applies. Kept out of the control's bundle.js, which pcf-scripts cannot split.
//
// Cache-busting: the control loads the script from a URL that carries the script's version (digits
// from its content). `npm run build` builds the control first, so this script then writes the
// version into the built bundle.js, in place of the placeholder of
// src/sources/graph/graphScriptVersion.ts (or of the version it wrote there last time).
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const GRAPH_OUT = path.join(root, "out/webresources/pg_/scripts/graph.js");
export const CONTROL_BUNDLE = path.join(root, "out/controls/PartnerGuard/bundle.js");
/** GRAPH_SCRIPT_VERSION in src/sources/graph/graphScriptVersion.ts before stamping. */
export const VERSION_PLACEHOLDER = "0000000000000000000";

/** 19 digits from the script's SHA-256 (digits only, like the platform's own web resource version tokens). */
export function graphScriptVersion(content) {
  const hex = createHash("sha256").update(content).digest("hex").slice(0, 15);
  return BigInt(`0x${hex}`).toString().padStart(19, "0");
}

/**
 * Writes `version` into the control bundle where the placeholder (or `previous`, the version of
 * the script this build replaces) stands. Returns how many places were stamped; throws when the
 * bundle has neither, as its Graph URL would then be wrong.
 */
export function stampControlBundle(bundleFile, version, previous) {
  const text = readFileSync(bundleFile, "utf8");
  const targets = [VERSION_PLACEHOLDER, previous].filter((t) => t && t !== version);
  let count = 0;
  let stamped = text;
  for (const target of targets) {
    const parts = stamped.split(target);
    count += parts.length - 1;
    stamped = parts.join(version);
  }
  if (count === 0 && !text.includes(version))
    throw new Error(
      `${path.relative(root, bundleFile)} carries no Graph script version to replace; run \`npm run build\` (control, then web resources)`,
    );
  if (count > 0) writeFileSync(bundleFile, stamped);
  return count;
}

export async function buildGraphWebResource({ minify = true, outfile = GRAPH_OUT, bundle = CONTROL_BUNDLE } = {}) {
  const previous = existsSync(outfile) ? graphScriptVersion(readFileSync(outfile)) : undefined;
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
  const version = graphScriptVersion(readFileSync(outfile));
  const stamped = bundle && existsSync(bundle) ? stampControlBundle(bundle, version, previous) : undefined;
  return { outfile, version, stamped };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile, version, stamped } = await buildGraphWebResource();
  const where = stamped === undefined ? "no control bundle to stamp" : `control bundle stamped (${stamped} place(s))`;
  console.log(`built ${path.relative(root, outfile)} version ${version}; ${where}`);
}

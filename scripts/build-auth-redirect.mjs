#!/usr/bin/env node
// Builds the Graph sign-in's redirect page: pg_/auth/redirect.html (kept in webresource/auth/) and
// pg_/auth/redirect.js, MSAL Browser's redirect bridge bundled by esbuild (no CDN), in one IIFE
// that defines no global.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const AUTH_OUT = path.join(root, "out/webresources/pg_/auth");

export async function buildAuthRedirect({ minify = true, outDir = AUTH_OUT } = {}) {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(root, "webresource/auth/redirect.ts")],
    outfile: path.join(outDir, "redirect.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2019",
    minify,
    legalComments: "none",
    logLevel: "warning",
  });
  await copyFile(path.join(root, "webresource/auth/redirect.html"), path.join(outDir, "redirect.html"));
  return { html: path.join(outDir, "redirect.html"), script: path.join(outDir, "redirect.js") };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { html, script } = await buildAuthRedirect();
  console.log(`built ${path.relative(root, html)} and ${path.relative(root, script)}`);
}

#!/usr/bin/env node
// Builds the playground (the real control, React and Fluent bundled from node_modules) and
// serves it on 127.0.0.1. `npm start`; PORT overrides 8181. Also imported by the browser tests.
import { build } from "esbuild";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { buildWebResource, OUT as WEBRESOURCE_OUT } from "./build-webresource.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "out", "playground");

export async function buildPlayground() {
  await buildWebResource();
  await build({
    entryPoints: { app: path.join(root, "playground/main.tsx") },
    outdir: outDir,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    sourcemap: "linked",
    loader: { ".csv": "text", ".resx": "text", ".xml": "text" },
    alias: { "csv-parse/sync": "csv-parse/browser/esm/sync" },
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  // The local Microsoft Graph (src/emulator/graphDemo.ts), built for Node and served under /graph.
  await build({
    entryPoints: { graphDemo: path.join(root, "src/emulator/graphDemo.ts") },
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
  });
}

async function serveGraph(req, res, urlPath) {
  const { handleGraphDemo } = await import(pathToFileURL(path.join(outDir, "graphDemo.mjs")).href);
  let text = "";
  for await (const chunk of req) text += chunk;
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    res
      .writeHead(400, { "Content-Type": "application/json" })
      .end('{"error":{"code":"BadRequest","message":"Invalid JSON"}}');
    return;
  }
  const query = new URL(req.url ?? "/", "http://localhost").search;
  const answer = handleGraphDemo(req.method ?? "GET", `${urlPath}${query}`, body, `http://${req.headers.host}`);
  res.writeHead(answer.status, { ...answer.headers, "Cache-Control": "no-store" }).end(JSON.stringify(answer.body));
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".woff": "font/woff",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/svg+xml",
};

function resolveFile(urlPath) {
  if (urlPath === "/" || urlPath === "/index.html") return path.join(root, "playground/index.html");
  if (urlPath === "/playground.css") return path.join(root, "playground/playground.css");
  if (/^\/app\.js(\.map)?$/.test(urlPath)) return path.join(outDir, urlPath.slice(1));
  if (urlPath === "/webresources/pg_/scripts/outreach.js") return path.join(WEBRESOURCE_OUT, "scripts/outreach.js");
  if (urlPath === "/favicon.ico") return path.join(root, "playground/favicon.svg");
  const font = /^\/fonts\/([\w.-]+\.woff)$/.exec(urlPath);
  if (font) return path.join(root, "node_modules/@fluentui/font-icons-mdl2/fonts", font[1]);
  return undefined;
}

export async function startPlayground({
  port = Number(process.env.PORT ?? 8181),
  host = "127.0.0.1",
  skipBuild = false,
} = {}) {
  if (!skipBuild) await buildPlayground();
  const server = createServer(async (req, res) => {
    const urlPath = new URL(req.url ?? "/", "http://localhost").pathname;
    if (urlPath.startsWith("/graph/")) {
      await serveGraph(req, res, urlPath);
      return;
    }
    const file = resolveFile(urlPath);
    if (!file) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    try {
      const body = await readFile(file);
      res
        .writeHead(200, {
          "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
          "Cache-Control": "no-store",
        })
        .end(body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    }
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  const address = server.address();
  const url = `http://${host}:${address.port}/`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startPlayground();
  console.log(`PartnerGuard playground: ${url}`);
  console.log(`Deep links: ${url}?account=expiring  ${url}?account=Tailspin  ${url}?lang=1031  ${url}?width=300`);
}

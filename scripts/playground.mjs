#!/usr/bin/env node
// Serves the playground on 127.0.0.1 (`npm start`, which packs the solution first; PORT overrides
// 8181). The page runs what ships: the control's bundle.js and the web resources are read out of
// the packed unmanaged zip (scripts/shipped.mjs) and served the way the platform serves them, with
// React, ReactDOM and Fluent UI loaded as the platform-library globals the bundle reads. Only the
// page around them (the form, the demo data, the approver's panel) is built here from playground/.
// The browser tests start this script too.
import { build } from "esbuild";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { readShipped } from "./shipped.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "out", "playground");
const require = createRequire(import.meta.url);

/**
 * The platform libraries as the platform hands them to a control: globals named by pcf-scripts'
 * PlatformLibraryVersions.json (React 16.14.0 as `Reactv16`, Fluent 8.121.1 as
 * `FluentUIReactv81211`; ReactDOM as `ReactDOMv16`). The page's own code uses the same globals, so
 * the card's elements and the page's ReactDOM are one React.
 */
export const PLATFORM_LIBRARIES = {
  react: "Reactv16",
  "react-dom": "ReactDOMv16",
  "@fluentui/react": "FluentUIReactv81211",
};
const PLATFORM_SCRIPTS = {
  "/platform/react.js": require.resolve("react/umd/react.production.min.js"),
  "/platform/react-dom.js": require.resolve("react-dom/umd/react-dom.production.min.js"),
  // Fluent's package exports do not list its UMD build: found from the package folder.
  "/platform/fluent.js": path.join(
    path.dirname(require.resolve("@fluentui/react/package.json")),
    "dist/fluentui-react.umd.js",
  ),
};

const platformGlobals = {
  name: "platform-libraries",
  setup(b) {
    b.onResolve({ filter: /^(react|react-dom|@fluentui\/react)$/ }, (args) => ({
      path: args.path,
      namespace: "platform-library",
    }));
    b.onLoad({ filter: /.*/, namespace: "platform-library" }, (args) => ({
      contents: `module.exports = window[${JSON.stringify(PLATFORM_LIBRARIES[args.path])}];`,
      loader: "js",
    }));
  },
};

export async function buildPlayground() {
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
    plugins: [platformGlobals],
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
  // `partnerguard sync --verdicts` over the demo data (the command line's code, its packages from node_modules).
  await build({
    entryPoints: { storedVerdicts: path.join(root, "playground/storedVerdicts.node.ts") },
    outdir: outDir,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    packages: "external",
    loader: { ".csv": "text", ".resx": "text", ".xml": "text" },
    logLevel: "warning",
  });
}

/**
 * The stored verdict columns `partnerguard sync --verdicts` writes over the demo data
 * (playground/storedVerdicts.node.ts runs the command line's own code against the local Web API
 * server), computed once when the server starts; the page puts them into its in-page org.
 */
async function demoStoredVerdicts() {
  const { demoStoredVerdicts: run } = await import(pathToFileURL(path.join(outDir, "storedVerdicts.cjs")).href);
  const result = await run(await readFile(path.join(root, "data/demo-feed.csv"), "utf8"));
  if (result.exitCode !== 0)
    console.error(`sync --verdicts over the demo data exited ${result.exitCode}: ${result.errors.join(" ")}`);
  return result;
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
  ".resx": "text/xml; charset=utf-8",
  ".xml": "text/xml; charset=utf-8",
  ".woff": "font/woff",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/svg+xml",
};

function resolveFile(urlPath) {
  if (urlPath === "/playground.css") return path.join(root, "playground/playground.css");
  if (/^\/app\.js(\.map)?$/.test(urlPath)) return path.join(outDir, urlPath.slice(1));
  if (PLATFORM_SCRIPTS[urlPath]) return PLATFORM_SCRIPTS[urlPath];
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
  const shipped = readShipped();
  if (!skipBuild) await buildPlayground();
  const storedVerdicts = JSON.stringify(await demoStoredVerdicts());
  const page = (await readFile(path.join(root, "playground/index.html"), "utf8")).replaceAll(
    "{{control}}",
    `/controls/${shipped.control}`,
  );
  const server = createServer(async (req, res) => {
    const urlPath = new URL(req.url ?? "/", "http://localhost").pathname;
    if (urlPath.startsWith("/graph/")) {
      await serveGraph(req, res, urlPath);
      return;
    }
    if (urlPath === "/playground/stored-verdicts.json") {
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(storedVerdicts);
      return;
    }
    if (urlPath === "/" || urlPath === "/index.html") {
      res.writeHead(200, { "Content-Type": TYPES[".html"], "Cache-Control": "no-store" }).end(page);
      return;
    }
    // Web resources also at the versioned path the platform uses for cacheable ones: /%7B<version>%7D/WebResources/<name>.
    const shippedPath = urlPath.replace(/^\/%7B\d+%7D(?=\/WebResources\/)/i, "");
    const bytes = shipped.files.get(shippedPath);
    if (bytes) {
      res
        .writeHead(200, {
          "Content-Type": TYPES[path.extname(shippedPath)] ?? "application/octet-stream",
          "Cache-Control": "no-store",
        })
        .end(bytes);
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
  return { url, zipPath: shipped.zipPath, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, zipPath } = await startPlayground();
  console.log(`Running the files of ${path.relative(root, zipPath)}`);
  console.log(`PartnerGuard playground: ${url}`);
  console.log(`Deep links: ${url}?account=expiring  ${url}?account=Tailspin  ${url}?lang=1031  ${url}?width=300`);
  console.log(`Account view: ${url}?page=accounts  (an org without Microsoft Graph: ${url}?page=accounts&graph=off)`);
  console.log(`Contact form: ${url}?page=contact  (?contact=partnered|clear|no-account)`);
}

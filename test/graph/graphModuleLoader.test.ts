/**
 * @jest-environment jsdom
 * @jest-environment-options {"runScripts": "dangerously", "resources": "usable"}
 */
/**
 * The Graph module as the control gets it in Dynamics: the built web resource pg_/scripts/graph.js
 * (MSAL Browser + the Graph client + our source), served from 127.0.0.1 and loaded with a
 * <script> element by the control's loader; then a read with the bundle's own Graph client
 * against the local Graph.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { createServer, Server } from "http";
import { AddressInfo } from "net";
import { join } from "path";
import { GRAPH_MODULE_KEY, loadGraphModule } from "../../src/sources/graph/graphModule";
import { graphScriptUrl } from "../../PartnerGuard/graphWiring";
import { GRAPH_SCRIPT_VERSION } from "../../src/sources/graph/graphScriptVersion";
import { WebResources } from "../../src/schema";
import { nodeFetch } from "../helpers/nodeFetch";
import { ACCOUNT, CUSTOMER, contract, demoAuth, gdap, graphConfig, graphData } from "./fixtures";
import { startGraphServer } from "./graphServer";

// jsdom has no fetch; in Dynamics the bundle's Graph client uses the browser's.
globalThis.fetch ??= nodeFetch as unknown as typeof fetch;

const ROOT = join(__dirname, "../..");
let server: Server;
let origin: string;
const served: string[] = [];
const versionedPath = `/%7B${GRAPH_SCRIPT_VERSION}%7D/WebResources/${WebResources.graphScript}`;

beforeAll(async () => {
  // The script alone, into a temporary file: out/ (the control bundle stamped with the script's version by
  // `npm run build`) is left as it is.
  const outfile = join(mkdtempSync(join(tmpdir(), "pg-graph-")), "graph.js");
  const build = `import { buildGraphWebResource } from ${JSON.stringify(join(ROOT, "scripts/build-graph-webresource.mjs"))};
    await buildGraphWebResource({ outfile: ${JSON.stringify(outfile)}, bundle: null });`;
  execFileSync(process.execPath, ["--input-type=module", "-e", build], { cwd: ROOT, stdio: "pipe" });
  const script = readFileSync(outfile);
  server = createServer((req, res) => {
    served.push(req.url ?? "");
    // Like Dynamics: the versioned path may be cached for long, the plain one is not.
    if (req.url === versionedPath)
      res
        .writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "public, max-age=31536000" })
        .end(script);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60000);
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("a missing script is an error naming it, and is tried again next time", async () => {
  // jsdom reports the failed resource on the console, as a browser would; that is expected here.
  const consoleError = jest.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const url = `${origin}/WebResources/pg_/scripts/missing.js`;
    await expect(loadGraphModule(url)).rejects.toThrow(`${url} could not be loaded`);
    await expect(loadGraphModule(url)).rejects.toThrow();
    expect(served.filter((u) => u.endsWith("missing.js"))).toHaveLength(2);
  } finally {
    consoleError.mockRestore();
  }
});

test("pg_/scripts/graph.js registers the module under its window symbol, once, with no global name", async () => {
  const before = new Set(Object.keys(window));
  const url = graphScriptUrl(origin);
  const [a, b] = await Promise.all([loadGraphModule(url), loadGraphModule(url)]);
  expect(a).toBe(b);
  expect((window as unknown as Record<symbol, unknown>)[GRAPH_MODULE_KEY]).toBe(a);
  expect(served.filter((u) => u === versionedPath)).toHaveLength(1);
  expect(Object.keys(window).filter((k) => !before.has(k))).toEqual([]);
  await expect(loadGraphModule(url)).resolves.toBe(a);

  // The bundle's own source and Graph client, one $batch to the local Graph.
  const graph = await startGraphServer(graphData([gdap("active")], [contract("ResellerPartner")]));
  try {
    const source = a.createGraphSource({ authFor: demoAuth, baseUrl: graph.baseUrl });
    const outcome = await source.read(CUSTOMER, new AbortController().signal, {
      accountId: ACCOUNT,
      config: graphConfig(),
      remainingMs: 5000,
    });
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.associations.map((x) => x.relationshipType)).toEqual(["gdap", "csp-reseller"]);
    expect(graph.requests).toHaveLength(1);
  } finally {
    await graph.close();
  }
});

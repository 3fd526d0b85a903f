/**
 * @jest-environment jsdom
 * @jest-environment-options {"runScripts": "dangerously", "resources": "usable"}
 */
/**
 * pg_/scripts/graph.js is never served stale after an upgrade: the control loads it from a URL
 * that carries the version of the script built with it (digits from the script's content, written
 * into the built control bundle by the build), so a cache keyed by URL cannot hand the new control
 * the old script. Where the versioned path does not load, the plain URL with the version as query
 * string is tried.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { createServer, Server } from "http";
import { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { graphScriptFallbackUrl, graphScriptUrl, loadGraphFromOrg } from "../../PartnerGuard/graphWiring";
import { GRAPH_MODULE_KEY } from "../../src/sources/graph/graphModule";
import { GRAPH_SCRIPT_VERSION } from "../../src/sources/graph/graphScriptVersion";
import { WebResources } from "../../src/schema";
import { memoryStorage } from "../helpers/memoryStorage";

jest.setTimeout(60000);
const ROOT = join(__dirname, "../..");
const SCRIPT = join(ROOT, "scripts/build-graph-webresource.mjs");

/** Runs the build script's exported function in Node (ES module) and returns what it printed as JSON. */
function runBuild(options: { outfile: string; bundle: string; minify: boolean }): { version: string; stamped: number } {
  const code =
    `import { buildGraphWebResource } from ${JSON.stringify(SCRIPT)};` +
    `const r = await buildGraphWebResource(${JSON.stringify(options)});` +
    `console.log(JSON.stringify({ version: r.version, stamped: r.stamped }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as { version: string; stamped: number };
}

test("the build writes the built script's version into the control bundle, and a changed script gets a new URL", () => {
  const dir = mkdtempSync(join(tmpdir(), "pg-graph-version-"));
  const outfile = join(dir, "graph.js");
  const bundle = join(dir, "bundle.js");
  // What pcf-scripts emits for graphWiring's URL (the constant is inlined), before stamping.
  writeFileSync(bundle, `var u="/%7B${GRAPH_SCRIPT_VERSION}%7D/WebResources/${WebResources.graphScript}";`);

  const first = runBuild({ outfile, bundle, minify: true });
  expect(first.version).toMatch(/^\d{19}$/);
  expect(first.version).not.toBe(GRAPH_SCRIPT_VERSION);
  expect(first.stamped).toBe(1);
  expect(readFileSync(bundle, "utf8")).toBe(
    `var u="/%7B${first.version}%7D/WebResources/${WebResources.graphScript}";`,
  );

  // The same sources again: the same version, nothing to change.
  expect(runBuild({ outfile, bundle, minify: true })).toEqual({ version: first.version, stamped: 0 });

  // A different script (here: not minified, as an upgrade changes it): a new version, stamped over the old one.
  const upgraded = runBuild({ outfile, bundle, minify: false });
  expect(upgraded.version).not.toBe(first.version);
  expect(upgraded.stamped).toBe(1);
  expect(readFileSync(bundle, "utf8")).not.toContain(first.version);
  expect(graphScriptUrl("https://org.crm4.dynamics.com", upgraded.version)).not.toBe(
    graphScriptUrl("https://org.crm4.dynamics.com", first.version),
  );
});

test("a control bundle that carries no version to replace fails the build instead of shipping a wrong URL", () => {
  const dir = mkdtempSync(join(tmpdir(), "pg-graph-version-"));
  const bundle = join(dir, "bundle.js");
  writeFileSync(bundle, `var u="/WebResources/x.js";`);
  expect(() => runBuild({ outfile: join(dir, "graph.js"), bundle, minify: true })).toThrow(
    /carries no Graph script version/,
  );
});

describe("loading from the org", () => {
  const module = `window[Symbol.for("PartnerGuard.GraphModule.v1")] = { createGraphSource() {}, createMsalAuth() {} };`;
  const servers: Server[] = [];

  /** An org that serves the script at its versioned path (or not) and at the plain URL with the version. */
  async function org(versionedPathWorks: boolean): Promise<{ origin: string; served: string[] }> {
    const served: string[] = [];
    const server = createServer((req, res) => {
      const url = req.url ?? "";
      served.push(url);
      const versioned = url === `/%7B${GRAPH_SCRIPT_VERSION}%7D/WebResources/${WebResources.graphScript}`;
      const plain = url === `/WebResources/${WebResources.graphScript}?v=${GRAPH_SCRIPT_VERSION}`;
      if ((versioned && versionedPathWorks) || plain)
        res.writeHead(200, { "Content-Type": "text/javascript" }).end(module);
      else res.writeHead(404).end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served };
  }

  afterAll(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));
  beforeEach(() => {
    delete (window as unknown as Record<symbol, unknown>)[GRAPH_MODULE_KEY];
  });

  test("the script is asked for at its versioned URL, the form Dynamics uses for cacheable web resources", async () => {
    const { origin, served } = await org(true);
    await loadGraphFromOrg(origin);
    expect(served).toEqual([`/%7B${GRAPH_SCRIPT_VERSION}%7D/WebResources/${WebResources.graphScript}`]);
  });

  test("where the versioned path does not load, the plain URL with the version as query string does", async () => {
    const { origin, served } = await org(false);
    const consoleError = jest.spyOn(console, "error").mockImplementation(() => undefined); // jsdom reports the 404
    try {
      const loaded = await loadGraphFromOrg(origin);
      expect(typeof loaded.createGraphSource).toBe("function");
      expect(served).toEqual([
        `/%7B${GRAPH_SCRIPT_VERSION}%7D/WebResources/${WebResources.graphScript}`,
        `/WebResources/${WebResources.graphScript}?v=${GRAPH_SCRIPT_VERSION}`,
      ]);
      expect(graphScriptFallbackUrl(origin)).toBe(`${origin}${served[1]}`);
    } finally {
      consoleError.mockRestore();
    }
  });

  /** A new page load: no module in the window, no script loaded by this page; localStorage stays. */
  function nextPageLoad(): typeof import("../../PartnerGuard/graphWiring") {
    delete (window as unknown as Record<symbol, unknown>)[GRAPH_MODULE_KEY];
    let fresh: typeof import("../../PartnerGuard/graphWiring") | undefined;
    jest.isolateModules(() => {
      fresh = jest.requireActual<typeof import("../../PartnerGuard/graphWiring")>("../../PartnerGuard/graphWiring");
    });
    return fresh as typeof import("../../PartnerGuard/graphWiring");
  }

  test("an org that did not serve the versioned path is remembered: the next page load asks for the plain URL at once", async () => {
    const { origin, served } = await org(false);
    const storage = memoryStorage();
    const consoleError = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await loadGraphFromOrg(origin, document, storage);
      await nextPageLoad().loadGraphFromOrg(origin, document, storage);
      expect(served).toEqual([
        `/%7B${GRAPH_SCRIPT_VERSION}%7D/WebResources/${WebResources.graphScript}`,
        `/WebResources/${WebResources.graphScript}?v=${GRAPH_SCRIPT_VERSION}`,
        `/WebResources/${WebResources.graphScript}?v=${GRAPH_SCRIPT_VERSION}`,
      ]);
    } finally {
      consoleError.mockRestore();
    }
  });

  test("an org that serves the versioned path keeps using it", async () => {
    const { origin, served } = await org(true);
    const storage = memoryStorage();
    await loadGraphFromOrg(origin, document, storage);
    await nextPageLoad().loadGraphFromOrg(origin, document, storage);
    expect(served).toEqual([
      `/%7B${GRAPH_SCRIPT_VERSION}%7D/WebResources/${WebResources.graphScript}`,
      `/%7B${GRAPH_SCRIPT_VERSION}%7D/WebResources/${WebResources.graphScript}`,
    ]);
  });
});

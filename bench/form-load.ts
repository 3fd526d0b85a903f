/**
 * Form-load budget: bundle size, requests per form load, verdict time for 500 associations.
 * Prints numbers; asserts nothing. `npm run bench` (after `npm run build:prod` for the size).
 */
import { existsSync, readFileSync, statSync } from "fs";
import { createServer } from "http";
import { AddressInfo } from "net";
import { join } from "path";
import { performance } from "perf_hooks";
import { gzipSync } from "zlib";
import { createHash } from "crypto";
import { evaluate } from "../src/core/verdict";
import { DEFAULT_POLICY } from "../src/core/policy";
import { PartnerAssociation, RELATIONSHIP_TYPES } from "../src/core/types";
import { parseFeed } from "../src/sources/feedFile";
import { emulatorFromFeed } from "../src/emulator/fromFeed";
import { resolveForForm } from "../src/sources/formResolution";
import { readDataverse } from "../src/sources/dataverseSource";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { TABLES } from "../src/emulator/fromFeed";
import {
  Account,
  Association,
  AuditDecisionCodes,
  DecisionCodes,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
  WebResources,
} from "../src/schema";
import { WebApiHost } from "../src/sources/webApi";
import { CONFIG_FRESH_MS, ConfigCache, configCacheKey } from "../src/sources/configSource";
import { GraphEmulator } from "../src/emulator/graphEmulator";
import {
  DEMO_CUSTOMER_TENANT,
  DEMO_GRAPH_CLIENT_ID,
  DEMO_GRAPH_DATA,
  DEMO_PARTNER_TENANT,
} from "../src/emulator/graphDemo";
import { EnvironmentVariables } from "../src/schema";
import { createGraphSource } from "../src/sources/graph/graphSource";
import { MsalBrowserAuth } from "../src/sources/graph/msalBrowserAuth";
import { StaticTokenAuth } from "../src/sources/graph/graphAuth";
import { GraphModule } from "../src/sources/graph/graphModule";
import { GraphConnection } from "../PartnerGuard/graphWiring";

const root = join(__dirname, "..");

/** The control's bundle goal: 60 KiB minified (issue 14). */
const BUNDLE_GOAL_BYTES = 60 * 1024;

function bundleSize(): string {
  const file = join(root, "out/controls/PartnerGuard/bundle.js");
  if (!existsSync(file)) return "n/a (run `npm run build:prod` first)";
  const text = readFileSync(file, "utf8");
  if (text.includes("eval("))
    return `${sizeOf(file)} (development build: run \`npm run build:prod\` for the real figure)`;
  const bytes = statSync(file).size;
  const goal = BUNDLE_GOAL_BYTES.toLocaleString("en");
  return `${sizeOf(file)} (production build; goal <= ${goal}: ${bytes <= BUNDLE_GOAL_BYTES ? "met" : "NOT met"})`;
}

/** Bytes and gzipped bytes (what travels when the server compresses) of a built file. */
function sizeOf(file: string): string {
  if (!existsSync(file)) return "n/a (run `npm run build:prod` first)";
  return `${statSync(file).size.toLocaleString("en")} bytes, ${gzipSync(readFileSync(file)).length.toLocaleString("en")} gzipped`;
}

/** The web resources built beside the control: the Graph module is loaded only when Graph applies. */
function webResourceSize(name: string): string {
  return sizeOf(join(root, "out/webresources", name));
}

/** A session storage for Node: what the browser gives the control and the script. */
class MemoryStorage {
  private items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

/** One request as the network saw it: when it left and when its answer was back (ms). */
interface Timed {
  what: string;
  start: number;
  end: number;
}

/**
 * Round trips as sequential waits: a request's depth is one more than the deepest request that had
 * answered before it left. Requests in flight together share a depth; the load's round trips are
 * the deepest request's depth.
 */
function depthOf(log: Timed[]): number {
  const depth = new Map<Timed, number>();
  for (const r of [...log].sort((a, b) => a.start - b.start)) {
    const before = log.filter((q) => q !== r && q.end <= r.start && depth.has(q));
    depth.set(r, 1 + Math.max(0, ...before.map((q) => depth.get(q) as number)));
  }
  return Math.max(0, ...depth.values());
}

/** Every request waits this long for its answer, so that dependent requests cannot overlap. */
const LATENCY_MS = 150;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A local Graph (the emulator behind HTTP on 127.0.0.1) that answers after LATENCY_MS and logs each request. */
async function localGraph(log: Timed[]) {
  const emulator = new GraphEmulator(DEMO_GRAPH_DATA);
  const server = createServer((req, res) => {
    const start = performance.now();
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      const answer = emulator.handle(req.method ?? "GET", req.url ?? "/", text ? JSON.parse(text) : undefined, base);
      void delay(LATENCY_MS).then(() => {
        res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
        log.push({ what: `graph ${req.url ?? ""}`, start, end: performance.now() });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An org with the demo data and Graph switched on or off, whose Web API answers after LATENCY_MS. */
function org(graphOn: boolean, log: Timed[]): WebApiHost {
  const { rows } = parseFeed(readFileSync(join(root, "data/demo-feed.csv"), "utf8"));
  const emulator = emulatorFromFeed(rows);
  const values: Record<string, string> = {
    [EnvironmentVariables.graphEnabled]: graphOn ? "yes" : "no",
    [EnvironmentVariables.graphClientId]: DEMO_GRAPH_CLIENT_ID,
    [EnvironmentVariables.graphTenantId]: DEMO_PARTNER_TENANT,
  };
  Object.entries(values).forEach(([name, value], i) =>
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: `e1000000-0000-4000-8000-00000000000${i}`,
      schemaname: name,
      defaultvalue: value,
    }),
  );
  return {
    retrieveMultipleRecords: async (entity, options) => {
      const start = performance.now();
      await delay(LATENCY_MS);
      const result = await emulator.retrieveMultipleRecords(entity, options);
      log.push({ what: `dataverse ${entity}`, start, end: performance.now() });
      return result;
    },
    createRecord: (entity, data) => emulator.createRecord(entity, data),
    updateRecord: (entity, id, data) => emulator.updateRecord(entity, id, data),
  };
}

interface LoadCost {
  roundTrips: number;
  requests: number;
  outreach: string;
}

/**
 * Form loads of the control on an account with a customer tenant id, in one browser:
 * - "first load ever": nothing cached (no configuration in localStorage, graph.js not in the HTTP cache);
 * - "new session": the configuration read by an earlier session less than 10 minutes ago (it stands
 *   in for the read), graph.js in the browser's HTTP cache (its URL names its version, so the
 *   cached copy is the right one);
 * - "same session": the Graph module already loaded in the window;
 * - "new session, configuration read > 10 min ago": the cached configuration only starts Graph
 *   early, the configuration read runs beside it;
 * - "after an upgrade": as the previous, but graph.js has a new URL, so it is fetched once.
 * The Graph token is taken as cached (MSAL's silent token from localStorage, no request).
 */
async function roundTrips(graphOn: boolean): Promise<Record<string, LoadCost>> {
  const local = new MemoryStorage();
  const configCache: ConfigCache = { storage: local, key: configCacheKey("bench.crm4.dynamics.com", "bench-user") };
  const log: Timed[] = [];
  const graph = await localGraph(log);
  const webApi = org(graphOn, log);
  let httpCachedVersion: string | undefined;
  const module: GraphModule = {
    createGraphSource,
    createMsalAuth: (options) => new MsalBrowserAuth(options),
  };
  const results: Record<string, LoadCost> = {};
  let session = new MemoryStorage();
  let windowScope: object = {};
  let loaded: Promise<GraphModule> | undefined;

  const load = async (
    name: string,
    next: { account: string; newSession: boolean; newWindow: boolean; scriptVersion: string; aged?: boolean },
  ) => {
    if (next.newSession) session = new MemoryStorage();
    if (next.aged) {
      // The configuration was read more than 10 minutes ago: a hint now, no longer the configuration.
      const entry = JSON.parse(local.getItem(configCache.key) ?? "null") as { at: number };
      local.setItem(configCache.key, JSON.stringify({ ...entry, at: Date.now() - CONFIG_FRESH_MS - 60_000 }));
    }
    if (next.newWindow) {
      windowScope = {};
      loaded = undefined;
    }
    const connection = new GraphConnection(() => Promise.resolve(undefined), {
      baseUrl: graph.base,
      createAuth: () => new StaticTokenAuth("bench-token"),
      // The <script> load of pg_/scripts/graph.js: a request unless the browser holds this version.
      loadGraph: () =>
        (loaded ??= (async () => {
          if (httpCachedVersion !== next.scriptVersion) {
            const start = performance.now();
            await delay(LATENCY_MS);
            log.push({ what: "pg_/scripts/graph.js", start, end: performance.now() });
            httpCachedVersion = next.scriptVersion;
          }
          return module;
        })()),
    });
    log.length = 0;
    const resolution = await resolveForForm(
      { webApi, extraSources: [connection.source], storage: session, scope: windowScope, configCache },
      next.account,
      DEMO_CUSTOMER_TENANT,
      false,
    );
    results[name] = { roundTrips: depthOf(log), requests: log.length, outreach: resolution.verdict.outreach };
  };
  try {
    const [contoso, litware] = ["a1000000-0000-4000-8000-000000000001", "a1000000-0000-4000-8000-000000000003"];
    const fresh = { newSession: true, newWindow: true };
    await load("first load ever", { account: contoso, ...fresh, scriptVersion: "v1" });
    await load("new session", { account: contoso, ...fresh, scriptVersion: "v1" });
    await load("same session, next record", {
      account: litware,
      newSession: false,
      newWindow: false,
      scriptVersion: "v1",
    });
    await load("new session, config > 10 min", { account: contoso, ...fresh, scriptVersion: "v1", aged: true });
    await load("new session after an upgrade", { account: contoso, ...fresh, scriptVersion: "v2", aged: true });
  } finally {
    await graph.close();
  }
  return results;
}

/** Whether the built control bundle names the built graph.js's version (cache-busting of the on-demand script). */
function scriptVersionStamp(): string {
  const bundleFile = join(root, "out/controls/PartnerGuard/bundle.js");
  const graphFile = join(root, "out/webresources", WebResources.graphScript);
  if (!existsSync(bundleFile) || !existsSync(graphFile)) return "n/a (run `npm run build:prod` first)";
  const hex = createHash("sha256").update(readFileSync(graphFile)).digest("hex").slice(0, 15);
  const version = BigInt(`0x${hex}`).toString().padStart(19, "0");
  return readFileSync(bundleFile, "utf8").includes(version)
    ? `bundle.js loads graph.js version ${version} (the built one)`
    : `bundle.js does NOT name the built graph.js (${version}): run \`npm run build\``;
}

/**
 * An account with history: 100 associations, 5 exception requests (each decided), 300 audit
 * entries. Joined on one account row these would multiply (100 x 5 x 300 = 150,000 rows, past the
 * 50,000-row limit); read as separate queries issued together they stay what they are.
 */
async function historyHeavyAccount(): Promise<{ requests: number; rows: number; inFlight: number; outcome: string }> {
  const emulator = new DataverseEmulator(TABLES, { latencyMs: 5 });
  const id = "c0000000-0000-4000-8000-000000000001";
  const lookup = (table: string, key: string) => ({ $lookup: table, id: key });
  const guid = (prefix: string, i: number) => `${prefix}0000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
  const recent = new Date(Date.now() - 86_400_000).toISOString();
  emulator.insert(Account.logicalName, { [Account.id]: id, [Account.name]: "History Heavy Ltd" });
  for (let i = 0; i < 100; i++) {
    emulator.insert(Association.logicalName, {
      [Association.id]: guid("d", i),
      [Association.customer]: lookup("account", id),
      [Association.relationshipType]: 100000006,
      [Association.status]: 100000001,
    });
  }
  for (let i = 0; i < 5; i++) {
    emulator.insert(OutreachExceptionTable.logicalName, {
      [OutreachExceptionTable.id]: guid("e", i),
      [OutreachExceptionTable.account]: lookup("account", id),
      [OutreachExceptionTable.requestedFor]: id,
      createdon: recent,
    });
    emulator.insert(OutreachDecision.logicalName, {
      [OutreachDecision.id]: guid("f", i),
      [OutreachDecision.exception]: lookup(OutreachExceptionTable.logicalName, guid("e", i)),
      [OutreachDecision.decision]: DecisionCodes.rejected,
      createdon: recent,
    });
  }
  for (let i = 0; i < 300; i++) {
    emulator.insert(OutreachAudit.logicalName, {
      [OutreachAudit.id]: guid("a", i),
      [OutreachAudit.account]: lookup("account", id),
      [OutreachAudit.decision]: AuditDecisionCodes["engaged-partner"],
      createdon: recent,
    });
  }
  let rows = 0;
  const counting: WebApiHost = {
    retrieveMultipleRecords: async (entity, options) => {
      const result = await emulator.retrieveMultipleRecords(entity, options);
      rows += result.entities.length;
      return result;
    },
    createRecord: (entity, data) => emulator.createRecord(entity, data),
    updateRecord: (entity, key, data) => emulator.updateRecord(entity, key, data),
  };
  const outcome = await readDataverse(counting, id);
  return {
    requests: emulator.requests.length,
    rows,
    inFlight: emulator.maxInFlight,
    outcome: outcome.ok ? "read" : outcome.failure.kind,
  };
}

function verdictTime(count: number, runs: number): { medianMs: number; p95Ms: number } {
  const associations: PartnerAssociation[] = Array.from({ length: count }, (_, i) => ({
    id: `as-${i}`,
    customerAccountId: "acc",
    partnerId: `p-${i % 37}`,
    partnerName: `Partner ${i % 37}`,
    relationshipType: RELATIONSHIP_TYPES[i % RELATIONSHIP_TYPES.length],
    status: i % 3 === 0 ? "active" : "inactive",
    startDate: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}`,
    endDate: i % 4 === 0 ? undefined : `20${20 + (i % 9)}-0${1 + (i % 9)}-1${i % 10}`,
    source: "bench",
    sourceKind: "dataverse",
    depth: i % 4,
  }));
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    evaluate({
      accountId: "acc",
      outcomes: [{ source: "Dataverse", sourceKind: "dataverse", ok: true, associations, notes: [] }],
      policy: DEFAULT_POLICY,
      now: Date.parse("2026-11-24"),
    });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(runs / 2)], p95Ms: times[Math.floor(runs * 0.95)] };
}

async function main() {
  const off = await roundTrips(false);
  const on = await roundTrips(true);
  const heavy = await historyHeavyAccount();
  const time = verdictTime(500, 200);
  console.log("PartnerGuard form-load bench");
  console.log(`  bundle.js (control):                 ${bundleSize()}`);
  console.log(
    `  ${WebResources.graphScript} (MSAL + Graph client, loaded only when Graph applies): ${webResourceSize(WebResources.graphScript)}`,
  );
  console.log(`    cache-busting: ${scriptVersionStamp()}`);
  console.log(
    `  ${WebResources.authRedirectScript} (sign-in redirect bridge): ${webResourceSize(WebResources.authRedirectScript)}`,
  );
  console.log(
    `  round trips per form load (sequential waits, each request ${LATENCY_MS} ms; account with a customer tenant id; token cached):`,
  );
  console.log(`    ${"load".padEnd(30)} ${"Graph off".padEnd(26)} Graph on`);
  const cell = (c: LoadCost) => `${c.roundTrips} (${c.requests} requests, ${c.outreach})`.padEnd(26);
  for (const name of Object.keys(on)) console.log(`    ${name.padEnd(30)} ${cell(off[name])} ${cell(on[name])}`);
  console.log(
    `    first load ever with Graph on: configuration -> graph.js -> $batch (nothing says Graph is on until the configuration is read); every later load starts Graph with the cached configuration.\n` +
      `    (A first load ever has no MSAL token either: MSAL keeps it in the same localStorage, so that load signs in before any $batch, whatever the order.)`,
  );
  console.log(
    `  account with 100 associations, 5 requests, 300 audit entries: ${heavy.requests} requests, ${heavy.inFlight} in flight at once (one round trip), ${heavy.rows} rows (${heavy.outcome})`,
  );
  console.log(
    `  verdict for 500 associations:        median ${time.medianMs.toFixed(2)} ms, p95 ${time.p95Ms.toFixed(2)} ms (200 runs)`,
  );
}

void main();

/**
 * Graph starts beside the configuration read when the page holds a configuration from an earlier
 * session, and the configuration read still decides. Order is read from the servers' own logs:
 * the local Graph (real Graph client over HTTP) logs each `$batch` as it arrives, the Dataverse
 * emulator's configuration read logs when it is asked and when it answers. Where Graph must start
 * early, the configuration read answers only once Graph's `$batch` has arrived: if Graph waited
 * for the configuration, the configuration would not be read in time and Graph never asked.
 */
import { resolveForForm } from "../../src/sources/formResolution";
import { CONFIG_FRESH_MS, configCacheKey, ConfigCache } from "../../src/sources/configSource";
import { createGraphSource } from "../../src/sources/graph/graphSource";
import { Resolution } from "../../src/sources/resolver";
import { EnvironmentVariables } from "../../src/schema";
import { WebApiHost } from "../../src/sources/webApi";
import { GraphData } from "../../src/emulator/graphEmulator";
import { ACCESS_NOT_GRANTED } from "../../src/sources/graph/graphFailures";
import { demoEmulator } from "../helpers/demo";
import { ACCOUNT, CUSTOMER, PARTNER, contract, demoAuth, gdap, graphData, FORBIDDEN } from "./fixtures";
import { GraphServer, GraphServerOptions, startGraphServer } from "./graphServer";

jest.setTimeout(20000);

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

const GRAPH_ON: Record<string, string> = {
  [EnvironmentVariables.graphEnabled]: "yes",
  [EnvironmentVariables.graphClientId]: "11111111-2222-4333-8444-555555555555",
  [EnvironmentVariables.graphTenantId]: PARTNER,
  [EnvironmentVariables.policy]: "{}",
};
const GRAPH_OFF = { ...GRAPH_ON, [EnvironmentVariables.graphEnabled]: "no" };
/** A policy under which GDAP relationships do not block. */
const GDAP_DOES_NOT_BLOCK = JSON.stringify({ relationshipTypes: [{ type: "gdap", blocks: false }] });

let graph: GraphServer | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

/**
 * One browser: localStorage lives across sessions; each `load` is a new session (new window, new
 * session storage). `plant` leaves an entry an earlier session wrote more than ten minutes ago (a
 * hint, not the configuration); `age` makes the entry there is that old.
 */
function browser() {
  const local = new MemoryStorage();
  const cache: ConfigCache = { storage: local, key: configCacheKey("contoso.crm4.dynamics.com", "user-1") };
  const HINT_AGE = CONFIG_FRESH_MS + 60_000;
  return {
    local,
    cache,
    plant: (values: Record<string, string>) =>
      local.setItem(cache.key, JSON.stringify({ v: 1, at: Date.now() - HINT_AGE, values })),
    age: () => {
      const entry = JSON.parse(local.getItem(cache.key) ?? "null") as { at: number };
      local.setItem(cache.key, JSON.stringify({ ...entry, at: entry.at - HINT_AGE }));
    },
  };
}

interface Org {
  /** The org's environment variables as Dataverse has them now. */
  values: Record<string, string>;
  data: GraphData;
  graphOptions?: GraphServerOptions;
}

/**
 * One form load of a new session. `configWaitsForGraph`: the configuration read answers only after
 * Graph's first `$batch` arrived (else at once).
 */
async function load(org: Org, cache: ConfigCache, configWaitsForGraph: boolean) {
  const log: string[] = [];
  let batchArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (batchArrived = resolve));
  graph = await startGraphServer(org.data, {
    ...org.graphOptions,
    outer: (request) => {
      if (request.url.endsWith("/$batch")) {
        log.push("graph $batch");
        batchArrived();
      }
      return undefined;
    },
  });
  const emulator = demoEmulator();
  let n = 0;
  for (const [name, value] of Object.entries(org.values)) {
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: `e1000000-0000-4000-8000-00000000000${n++}`,
      schemaname: name,
      defaultvalue: value,
    });
  }
  const webApi: WebApiHost = {
    retrieveMultipleRecords: async (entity, options) => {
      if (entity !== "environmentvariabledefinition") return emulator.retrieveMultipleRecords(entity, options);
      log.push("configuration asked");
      if (configWaitsForGraph) await arrived;
      const result = await emulator.retrieveMultipleRecords(entity, options);
      log.push("configuration answered");
      return result;
    },
    createRecord: (entity, data) => emulator.createRecord(entity, data),
    updateRecord: (entity, id, data) => emulator.updateRecord(entity, id, data),
  };
  const source = createGraphSource({ authFor: demoAuth, baseUrl: graph.baseUrl });
  const resolution: Resolution = await resolveForForm(
    { webApi, extraSources: [source], storage: new MemoryStorage(), scope: {}, configCache: cache },
    ACCOUNT,
    CUSTOMER,
    false,
  );
  return { resolution, log, batches: graph.requests.length };
}

const graphBlocks = (r: Resolution) =>
  r.verdict.outreach === "blocked" && r.verdict.evidence.some((e) => e.association.sourceKind === "graph");

describe("Graph starts beside the configuration read", () => {
  const org: Org = { values: GRAPH_ON, data: graphData([gdap("active")], [contract("ResellerPartner")]) };

  test("the very first load on a browser (nothing cached): Graph waits for the configuration, then the configuration is kept", async () => {
    const { local, cache } = browser();
    const first = await load(org, cache, false);
    expect(first.log).toEqual(["configuration asked", "configuration answered", "graph $batch"]);
    expect(graphBlocks(first.resolution)).toBe(true);
    const stored = JSON.parse(local.getItem(cache.key) ?? "null") as { values: Record<string, string> };
    expect(stored.values).toEqual(GRAPH_ON);
  });

  test("within ten minutes, also in a new session: the kept configuration stands in for the read, Graph starts at once", async () => {
    const { cache } = browser();
    await load(org, cache, false); // the first load ever
    await graph?.close();
    const next = await load(org, cache, false); // a new session: only localStorage remains
    expect(next.log).toEqual(["graph $batch"]);
    expect(graphBlocks(next.resolution)).toBe(true);
  });

  test("every later load, including the first of a new session: Graph's $batch arrives while the configuration read is open", async () => {
    const { cache, age } = browser();
    await load(org, cache, false); // the first load ever
    await graph?.close();
    age(); // more than ten minutes later
    const next = await load(org, cache, true); // a new session: only localStorage remains
    expect(next.log).toEqual(["configuration asked", "graph $batch", "configuration answered"]);
    expect(next.batches).toBe(1); // the early read was used, not repeated
    expect(graphBlocks(next.resolution)).toBe(true);
    expect(next.resolution.config.failure).toBeUndefined();
  });

  test("a corrupt or foreign cache entry is ignored: the load behaves as a first load and the entry is replaced", async () => {
    for (const raw of ["{not json", JSON.stringify({ v: 1, at: Date.now(), values: { pg_other: "yes" } })]) {
      const { local, cache } = browser();
      local.setItem(cache.key, raw);
      const result = await load(org, cache, false);
      await graph?.close();
      expect(result.log).toEqual(["configuration asked", "configuration answered", "graph $batch"]);
      expect(graphBlocks(result.resolution)).toBe(true);
      expect((JSON.parse(local.getItem(cache.key) ?? "null") as { values: unknown }).values).toEqual(GRAPH_ON);
    }
  });
});

describe("a stale cache cannot make the verdict more permissive: the configuration read decides", () => {
  test("cached: Graph off; now: Graph on. Graph is still asked, after the configuration read", async () => {
    const { cache, plant } = browser();
    plant(GRAPH_OFF);
    const result = await load({ values: GRAPH_ON, data: graphData([gdap("active")]) }, cache, false);
    expect(result.log).toEqual(["configuration asked", "configuration answered", "graph $batch"]);
    expect(graphBlocks(result.resolution)).toBe(true);
  });

  test("cached: GDAP does not block; now: it does. The verdict blocks on GDAP", async () => {
    const { cache, plant } = browser();
    plant({ ...GRAPH_ON, [EnvironmentVariables.policy]: GDAP_DOES_NOT_BLOCK });
    const result = await load({ values: GRAPH_ON, data: graphData([gdap("active")]) }, cache, false);
    expect(graphBlocks(result.resolution)).toBe(true);
  });

  test("cached policy stricter than the fresh one: Graph's partial answer is judged again under the fresh policy, never kept", async () => {
    // Contracts are refused (403). Under the cached policy the active GDAP relationship blocks on its
    // own, so a read with that policy keeps the partial answer. Under the fresh policy GDAP does not
    // block, so the missing contracts might have: the source must fail (closed), not answer "allowed".
    const { cache, plant } = browser();
    plant(GRAPH_ON);
    const result = await load(
      {
        values: { ...GRAPH_ON, [EnvironmentVariables.policy]: GDAP_DOES_NOT_BLOCK },
        data: graphData([gdap("active")]),
        graphOptions: { fault: (p) => (p.startsWith("/contracts") ? FORBIDDEN : undefined) },
      },
      cache,
      false,
    );
    expect(result.resolution.verdict.outreach).toBe("unverified");
    expect(result.resolution.verdict.reasons).toContainEqual(
      expect.objectContaining({
        code: "source-failed",
        source: "Microsoft Graph",
        failure: expect.objectContaining({ kind: "forbidden" }),
      }),
    );
    expect(JSON.stringify(result.resolution.verdict.reasons)).toContain(ACCESS_NOT_GRANTED);
  });

  test("cached: Graph on; now: Graph off. The verdict is the one without Graph, the early read is dropped", async () => {
    const { cache, plant } = browser();
    plant(GRAPH_ON);
    const result = await load({ values: GRAPH_OFF, data: graphData([gdap("active")]) }, cache, false);
    expect(result.resolution.config.graphEnabled).toBe(false);
    expect(result.resolution.verdict.evidence.filter((e) => e.association.sourceKind === "graph")).toEqual([]);
    expect(result.resolution.verdict.outreach).toBe("allowed");
  });
});

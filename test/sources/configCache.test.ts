/**
 * The configuration kept across sessions (localStorage): raw values, parsed at read time by the
 * same parser as a Dataverse read; anything that is not an entry this version wrote is ignored.
 */
import {
  CONFIG_CACHE_MAX_AGE_MS,
  configCacheKey,
  configFromValues,
  parseConfigCacheEntry,
  readConfigCache,
  sameForSources,
  writeConfigCache,
} from "../../src/sources/configSource";
import { EnvironmentVariables } from "../../src/schema";
import { localConfigCache, localStorageOrUndefined } from "../../src/sources/formResolution";

const NOW = Date.parse("2026-11-29T08:00:00Z");

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

const entry = (values: unknown, at: unknown = NOW, v: unknown = 1) => JSON.stringify({ v, at, values });
const policy = JSON.stringify({ relationshipTypes: [{ type: "csp-reseller", blocks: false }] });

test("raw values come back as written and are parsed with the configuration's own parser", () => {
  const storage = new MemoryStorage();
  const cache = { storage, key: configCacheKey("contoso.crm4.dynamics.com", "{AAAA-1}") };
  writeConfigCache(cache, { [EnvironmentVariables.graphEnabled]: "yes", [EnvironmentVariables.policy]: policy }, NOW);
  const entry = readConfigCache(cache, NOW + 60_000);
  expect(entry?.at).toBe(NOW);
  const config = configFromValues(new Map(Object.entries(entry?.values ?? {})));
  expect(config.graphEnabled).toBe(true);
  expect(config.policy.relationshipTypes.find((r) => r.type === "csp-reseller")?.blocks).toBe(false);
  // What is stored is the admin's raw text, not a parsed policy.
  expect(JSON.parse(storage.items.get(cache.key) ?? "")).toEqual({
    v: 1,
    at: NOW,
    values: { [EnvironmentVariables.graphEnabled]: "yes", [EnvironmentVariables.policy]: policy },
  });
});

test("the key separates orgs and users; braces and case do not", () => {
  expect(configCacheKey("org-a", "u1")).not.toBe(configCacheKey("org-b", "u1"));
  expect(configCacheKey("org-a", "u1")).not.toBe(configCacheKey("org-a", "u2"));
  expect(configCacheKey("ORG-A", "{U1}")).toBe(configCacheKey("org-a", "u1"));
  expect(configCacheKey(undefined, undefined)).toMatch(/:-:-$/);
});

test.each([
  ["not JSON", "{not json"],
  ["JSON null", "null"],
  ["an array", "[]"],
  ["a string", JSON.stringify("values")],
  ["another version", entry({}, NOW, 2)],
  ["no version", JSON.stringify({ at: NOW, values: {} })],
  ["no time", JSON.stringify({ v: 1, values: {} })],
  ["a time as text", entry({}, String(NOW))],
  ["a time in the future", entry({}, NOW + 1)],
  ["older than the bound", entry({}, NOW - CONFIG_CACHE_MAX_AGE_MS - 1)],
  ["values as an array", entry([policy])],
  ["values as text", entry(policy)],
  ["a value that is not text", entry({ [EnvironmentVariables.graphEnabled]: true })],
  ["a parsed policy instead of its text", entry({ [EnvironmentVariables.policy]: { relationshipTypes: [] } })],
  ["a name that is not one of PartnerGuard's variables", entry({ pg_somethingelse: "yes" })],
  ["a prototype key", `{"v":1,"at":${NOW},"values":{"__proto__":"x"}}`],
])("an entry with %s is ignored", (_, raw) => {
  const storage = new MemoryStorage();
  const cache = { storage, key: configCacheKey("org", "user") };
  storage.setItem(cache.key, raw);
  expect(parseConfigCacheEntry(raw, NOW)).toBeUndefined();
  expect(readConfigCache(cache, NOW)).toBeUndefined();
});

test("a storage that throws is no cache, never an error", () => {
  const throwing = {
    getItem: () => {
      throw new Error("SecurityError");
    },
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
    removeItem: () => undefined,
  };
  const cache = { storage: throwing, key: configCacheKey("org", "user") };
  expect(readConfigCache(cache, NOW)).toBeUndefined();
  expect(() => writeConfigCache(cache, {}, NOW)).not.toThrow();
});

test("sources see two configurations as the same only when everything they read is the same", () => {
  const base = new Map([
    [EnvironmentVariables.graphEnabled, "yes"],
    [EnvironmentVariables.policy, "{}"],
  ]);
  const a = configFromValues(base);
  expect(sameForSources(a, configFromValues(new Map(base)))).toBe(true);
  expect(sameForSources(a, configFromValues(new Map([...base, [EnvironmentVariables.graphEnabled, "no"]])))).toBe(
    false,
  );
  expect(sameForSources(a, configFromValues(new Map([...base, [EnvironmentVariables.policy, policy]])))).toBe(false);
  expect(sameForSources(a, configFromValues(new Map([...base, [EnvironmentVariables.graphTenantId, "t-other"]])))).toBe(
    false,
  );
  expect(sameForSources(a, { ...a, failure: { kind: "timeout", message: "not read" } })).toBe(false);
});

test("a page whose storage is blocked (reading localStorage throws) has no cache, never an error", () => {
  Object.defineProperty(globalThis, "localStorage", {
    configurable: true,
    get() {
      throw new Error("SecurityError: access is denied for this document");
    },
  });
  try {
    expect(localStorageOrUndefined()).toBeUndefined();
    expect(localConfigCache("org", "user")).toBeUndefined();
  } finally {
    delete (globalThis as { localStorage?: Storage }).localStorage;
  }
});

/**
 * The admin's configuration lives in environment variables of the solution. One FetchXML request
 * reads every PartnerGuard variable with its current value; the result is kept for the browser
 * session so that later form loads cost no request for it, and across sessions (`ConfigCache`)
 * only as a hint that lets Microsoft Graph start before the read answers.
 */
import { Reader, isObject, num, objectOf, parseJson, stringRecord } from "../core/json";
import { EnvironmentVariables } from "../schema";
import { Policy, parsePolicy } from "../core/policy";
import { WebApiHost } from "./webApi";
import { attributes, fetchXml, inCondition, inValue } from "./fetchXml";
import { toFailure } from "./failures";
import { SourceFailure } from "../core/types";

export interface PartnerGuardConfig {
  policy: Policy;
  /** Problems found in the policy JSON; the verdict card shows them to admins. */
  policyProblems: string[];
  graphEnabled: boolean;
  graphClientId?: string;
  graphTenantId?: string;
  /** Scopes asked for the Graph token; absent when the environment variable is unset. */
  graphScopes?: string[];
  /** Set when the configuration could not be read and defaults apply. */
  failure?: SourceFailure;
}

function buildConfigFetchXml(): string {
  const names = Object.values(EnvironmentVariables).map(inValue).join("");
  return fetchXml(
    "environmentvariabledefinition",
    attributes(["schemaname", "defaultvalue"]) +
      `<filter>${inCondition("schemaname", names)}</filter>` +
      `<link-entity name="environmentvariablevalue" from="environmentvariabledefinitionid" to="environmentvariabledefinitionid" link-type="outer" alias="v">` +
      `${attributes(["value"])}</link-entity>`,
  );
}

export function configFromValues(values: Map<string, string>): PartnerGuardConfig {
  const { policy, problems } = parsePolicy(values.get(EnvironmentVariables.policy));
  const graphFlag = values.get(EnvironmentVariables.graphEnabled);
  const graphEnabled = graphFlag === undefined ? policy.graph.enabled : /^(yes|true|1)$/i.test(graphFlag.trim());
  return {
    policy: { ...policy, graph: { ...policy.graph, enabled: graphEnabled } },
    policyProblems: problems,
    graphEnabled,
    graphClientId: values.get(EnvironmentVariables.graphClientId),
    graphTenantId: values.get(EnvironmentVariables.graphTenantId),
    graphScopes: values
      .get(EnvironmentVariables.graphScopes)
      ?.split(/[\s,]+/)
      .filter((s) => s !== ""),
  };
}

/** The raw values of PartnerGuard's environment variables (current value, else default), or why they could not be read. */
type ConfigValues = { ok: true; values: Record<string, string> } | { ok: false; failure: SourceFailure };

export async function readConfigValues(host: WebApiHost): Promise<ConfigValues> {
  try {
    const result = await host.retrieveMultipleRecords(
      "environmentvariabledefinition",
      `?fetchXml=${buildConfigFetchXml()}`,
    );
    const values: Record<string, string> = {};
    for (const row of result.entities) {
      const name = row.schemaname;
      const value = typeof row["v.value"] === "string" ? row["v.value"] : row.defaultvalue;
      if (typeof name === "string" && typeof value === "string") values[name] = value;
    }
    return { ok: true, values };
  } catch (error) {
    return { ok: false, failure: toFailure(error) };
  }
}

/** The configuration from raw values: the one parser every face uses, whether they came from Dataverse or a cache. */
export function configFromRead(read: ConfigValues): PartnerGuardConfig {
  // Defaults are fail-closed, so an unreadable configuration never opens outreach.
  if (!read.ok) return { ...configFromValues(new Map()), failure: read.failure };
  return configFromValues(new Map(Object.entries(read.values)));
}

export async function readConfig(host: WebApiHost): Promise<PartnerGuardConfig> {
  return configFromRead(await readConfigValues(host));
}

/**
 * The configuration's raw values kept in the page's localStorage, one entry per org and user. An
 * entry younger than `CONFIG_FRESH_MS` stands in for the read (form loads of the next minutes cost
 * no request for it, in this session and the next); an older one, up to `CONFIG_CACHE_MAX_AGE_MS`,
 * is only a hint that lets Microsoft Graph start before the read answers: the read still decides,
 * and a Graph read started from the hint is used only when the fresh configuration is the same.
 * The command's re-check never reads the cache. Only raw strings are kept; they are parsed at read
 * time by the same parser as values from Dataverse, and an entry that does not parse is ignored.
 */
export interface ConfigCache {
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  /** One entry per org and user (`configCacheKey`). */
  key: string;
}

/** Every entry's key starts with it (`configCacheKey`). */
export const CONFIG_CACHE_PREFIX = "partnerguard:config-cache:v1:";
/** Younger entries are used without reading the configuration (an admin's change shows within this time). */
export const CONFIG_FRESH_MS = 10 * 60_000;
/** Older entries are not used even as a hint. */
export const CONFIG_CACHE_MAX_AGE_MS = 30 * 24 * 3_600_000;
const CONFIG_CACHE_VERSION = 1;

/** The entry's key: the org (the page's host; localStorage is per origin anyway) and the user, where known. */
export function configCacheKey(org: string | undefined, userId: string | undefined): string {
  const part = (value: string | undefined) => (value ?? "").trim().toLowerCase().replace(/[{}]/g, "") || "-";
  return `${CONFIG_CACHE_PREFIX}${part(org)}:${part(userId)}`;
}

const KNOWN_VARIABLES: ReadonlySet<string> = new Set(Object.values(EnvironmentVariables));

export interface ConfigCacheEntry {
  /** When the values were read (epoch ms). */
  at: number;
  values: Record<string, string>;
}

/** Values of PartnerGuard's variables only (checked on the parsed JSON's own keys, `__proto__` included). */
const knownValues: Reader<Record<string, string>> = (value) =>
  isObject(value) && Object.keys(value).every((name) => KNOWN_VARIABLES.has(name)) ? stringRecord(value) : undefined;

const readEntry = objectOf((f) => ({ v: f.req("v", num), at: f.req("at", num), values: f.req("values", knownValues) }));

/**
 * The cached entry, or undefined for anything that is not an entry this version wrote: not JSON,
 * another shape or version, a value that is not a string, a name that is not one of PartnerGuard's
 * variables, a time in the future or older than the bound.
 */
export function parseConfigCacheEntry(raw: string | null | undefined, now: number): ConfigCacheEntry | undefined {
  const entry = raw ? parseJson(raw, readEntry) : undefined;
  if (entry?.v !== CONFIG_CACHE_VERSION || !(now - entry.at >= 0 && now - entry.at <= CONFIG_CACHE_MAX_AGE_MS)) return;
  return { at: entry.at, values: entry.values };
}

/** The cached entry of this org and user, or undefined when there is no usable one (or storage is blocked). */
export function readConfigCache(cache: ConfigCache | undefined, now: number): ConfigCacheEntry | undefined {
  try {
    return cache ? parseConfigCacheEntry(cache.storage.getItem(cache.key), now) : undefined;
  } catch {
    return undefined; // storage blocked: no cache
  }
}

/** Keep what a configuration read returned; a read that failed is never cached. */
export function writeConfigCache(cache: ConfigCache | undefined, values: Record<string, string>, now: number): void {
  const known = Object.fromEntries(Object.entries(values).filter(([name]) => KNOWN_VARIABLES.has(name)));
  try {
    cache?.storage.setItem(cache.key, JSON.stringify({ v: CONFIG_CACHE_VERSION, at: now, values: known }));
  } catch {
    // storage full or blocked: the next load reads the configuration before Graph, as on a first load
  }
}

/**
 * Whether two configurations would make a source read the same way: everything but the policy's
 * problem list (shown to admins, not read by sources). A configuration that failed to read never
 * matches one that was read.
 */
export function sameForSources(a: PartnerGuardConfig, b: PartnerGuardConfig): boolean {
  const relevant = (c: PartnerGuardConfig) => JSON.stringify({ ...c, policyProblems: undefined });
  return relevant(a) === relevant(b);
}

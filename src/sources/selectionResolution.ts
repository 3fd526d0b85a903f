/**
 * Verdicts for a grid selection: one live resolution per set of account ids, shared by every rule
 * that asks about the same set (Start outreach's "at least one allowed", the gated out-of-box
 * commands' "every one allowed") and kept per window.
 *
 * - Dataverse: `readSelection`, one request per table, issued together with the configuration read.
 * - Configuration: as on the form (`formResolution.ts`): a localStorage entry younger than
 *   CONFIG_FRESH_MS stands in for the read; a fresh resolution (the command's re-check) reads it.
 * - Microsoft Graph: as the form's command bar (webresource/ribbon.ts), which does not ask Graph
 *   itself: with Graph on, an account with a customer tenant id is "could not be verified"
 *   (Graph not available here), and so is an account whose tenant id the answer leaves out unless
 *   the face knows the user may read that secured column (`tenantIdReadable`): a grid cannot tell
 *   a withheld value from an empty one (FetchXML leaves out both), and a withheld tenant id is not
 *   an account without one. With Graph off, Dataverse alone decides.
 * - Each account's verdict comes from the core's `evaluate`, with the outcomes in the order the
 *   resolver gives them on the form, so it is the card's verdict for that account.
 * - The cache: keyed by the set of ids (order and duplicates do not count), per window (the
 *   Unified Interface is a single-page app: the window, and this registry, live on while the seller
 *   moves between views), at most MAX_CACHED sets, each reused for the policy's `freshnessSeconds`
 *   after it settled. An unsettled resolution is shared, never started twice.
 */
import { Verdict, SourceOutcome } from "../core/types";
import { evaluate } from "../core/verdict";
import { DEFAULT_POLICY } from "../core/policy";
import {
  CONFIG_FRESH_MS,
  ConfigCache,
  PartnerGuardConfig,
  configFromRead,
  configFromValues,
  readConfigCache,
  readConfigValues,
  writeConfigCache,
} from "./configSource";
import { CONFIGURATION_SOURCE, MAX_BUDGET_MS, localUtcOffsetMinutes, settlePartial } from "./resolver";
import { MAX_SELECTION, Reach, SelectionRead, readSelection } from "./selectionSource";
import { DATAVERSE_SOURCE } from "./dataverseSource";
import { GRAPH_SOURCE } from "./graph/graphApi";
import { WITHHELD_TENANT_OUTCOME } from "./graph/withheldTenant";
import { WebApiHost, normalizeGuid } from "./webApi";
import { toFailure, withTimeout } from "./failures";

export { MAX_SELECTION } from "./selectionSource";

/** Selections kept per window (each holds at most MAX_SELECTION verdicts). */
export const MAX_CACHED = 20;

export interface SelectionDeps {
  webApi: WebApiHost;
  userId?: string;
  configCache?: ConfigCache;
  /** The object the cache hangs on (the window). */
  scope?: object;
  clock?: () => number;
  utcOffsetMinutes?: (at: number) => number;
  /** The face knows the user may read the customer tenant id column (then an absent one is none). */
  tenantIdReadable?: boolean;
}

export interface SelectionVerdicts {
  /** `empty`: nothing (valid) selected; `over-limit`: more than MAX_SELECTION accounts, nothing read. */
  status: "ok" | "empty" | "over-limit";
  /** The selection's distinct ids, canonical, in the order given (ids that are not GUIDs as given). */
  ids: string[];
  /** Every id's verdict (`ok` only). */
  verdicts: Map<string, Verdict>;
  /** Account names as read (absent for accounts not read). */
  names: Map<string, string | undefined>;
  config?: PartnerGuardConfig;
  /** When it settled (epoch ms by the clock). */
  at: number;
}

/** The distinct ids of a selection, canonical where they are GUIDs, in the order given. */
export function selectionIds(raw: readonly unknown[]): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const value of raw) {
    const id = normalizeGuid(value) ?? (typeof value === "string" ? value.trim() : String(value));
    if (id === "" || seen.has(id)) continue;
    seen.add(id);
    ids.push(id);
  }
  return ids;
}

/** The cache key of a set of ids: order and duplicates do not count. */
export const selectionKey = (ids: readonly string[]): string => [...ids].sort().join(",");

interface Entry {
  promise: Promise<SelectionVerdicts>;
  settled?: SelectionVerdicts;
}

interface Registry {
  entries: Map<string, Entry>;
}

const KEY = Symbol.for("partnerguard.selectionResolutions.v1");

function registryOf(scope: object): Registry {
  const holder = scope as { [KEY]?: Registry };
  holder[KEY] ??= { entries: new Map() };
  return holder[KEY];
}

/** Drop every cached selection of a scope (tests start from a new page). */
export function forgetSelections(scope: object = globalThis): void {
  delete (scope as { [KEY]?: Registry })[KEY];
}

/** The configuration: a young cached entry stands in for the read, unless `fresh`; a read that hangs fails closed. */
function loadConfig(deps: SelectionDeps, fresh: boolean, now: number): Promise<PartnerGuardConfig> {
  const cached = fresh ? undefined : readConfigCache(deps.configCache, now);
  if (cached && now - cached.at < CONFIG_FRESH_MS)
    return Promise.resolve(configFromRead({ ok: true, values: cached.values }));
  const read = readConfigValues(deps.webApi).then((values) => {
    if (values.ok) writeConfigCache(deps.configCache, values.values, (deps.clock ?? Date.now)());
    return configFromRead(values);
  });
  return withTimeout(read, DEFAULT_POLICY.sourceTimeoutMs, "configuration").catch(() => ({
    ...configFromValues(new Map()),
    failure: { kind: "timeout" as const, message: "configuration not read in time" },
  }));
}

/** The outcomes of one account, in the resolver's order: Dataverse, Graph's stand-in, the configuration's failure. */
function outcomesFor(
  id: string,
  read: SelectionRead,
  config: PartnerGuardConfig,
  withheld: SourceOutcome,
  tenantIdReadable: boolean,
): SourceOutcome[] {
  const dataverse = read.outcomes.get(id) as SourceOutcome;
  const outcomes: SourceOutcome[] = [dataverse];
  const tenantId = read.tenantIds.get(id);
  // The policy may let Graph's imported evidence (rows of `sync --graph`, read with Dataverse) stand in here.
  const graphApplies = config.graphEnabled && dataverse.ok && !config.policy.graph.listsUseImported;
  // The form's command bar with a withheld tenant id: Graph's part fails closed (an extra source).
  if (graphApplies && !tenantId && !tenantIdReadable) outcomes.push(withheld);
  if (config.failure)
    outcomes.push({ source: CONFIGURATION_SOURCE, sourceKind: "dataverse", ok: false, failure: config.failure });
  // The form's command bar with a tenant id: Graph applied but could not be asked here.
  if (graphApplies && tenantId)
    outcomes.push({
      source: GRAPH_SOURCE,
      sourceKind: "graph",
      ok: false,
      failure: { kind: "not-connected", message: "Microsoft Graph is not available here" },
    });
  return outcomes;
}

async function resolve(
  deps: SelectionDeps,
  given: string[],
  fresh: boolean,
  reach?: Reach & { hops: number },
): Promise<SelectionVerdicts> {
  const clock = deps.clock ?? Date.now;
  const t0 = clock();
  const valid = given.filter((id) => normalizeGuid(id) === id);
  const controller = new AbortController();
  const configPromise = loadConfig(deps, fresh, t0);
  // Dataverse starts at once, beside the configuration read; the policy's budget bounds it.
  const reading = readSelection(
    deps.webApi,
    valid,
    { signal: controller.signal, now: t0, clock, deadline: t0 + DEFAULT_POLICY.sourceTimeoutMs },
    reach,
  );
  // Reaching, the accounts answered for are the reached ones (the lookups' answer), never more than those.
  const ids = reach ? selectionIds(await reach.targets) : given;
  const config = await configPromise;
  const budget = Math.max(0, t0 + Math.min(config.policy.sourceTimeoutMs, MAX_BUDGET_MS) - clock());
  const base = { source: DATAVERSE_SOURCE, sourceKind: "dataverse" as const };
  let read: SelectionRead;
  try {
    read = await withTimeout(reading, budget, "Dataverse");
  } catch {
    controller.abort(); // no further page
    const failure = { kind: "timeout" as const, message: "no answer within the time budget" };
    read = {
      outcomes: new Map(
        ids.filter((id) => normalizeGuid(id) === id).map((id) => [id, { ...base, ok: false, failure }]),
      ),
      tenantIds: new Map(),
      names: new Map(),
    };
  }
  for (const id of ids)
    if (!read.outcomes.has(id))
      read.outcomes.set(id, {
        ...base,
        ok: false,
        failure: { kind: "invalid-input", message: `"${id}" is not an account id` },
      });
  const withheld = WITHHELD_TENANT_OUTCOME;
  const now = clock();
  const utcOffsetMinutes = (deps.utcOffsetMinutes ?? localUtcOffsetMinutes)(now);
  const verdicts = new Map<string, Verdict>();
  for (const id of ids) {
    const judged = { accountId: id, userId: deps.userId, policy: config.policy, now, utcOffsetMinutes };
    const outcomes = outcomesFor(id, read, config, withheld, !!deps.tenantIdReadable).map((o) =>
      settlePartial(o, judged),
    );
    verdicts.set(id, evaluate({ ...judged, outcomes }));
  }
  return { status: "ok", ids, verdicts, names: read.names, config, at: now };
}

/** Something unexpected went wrong: every account "could not be verified" (fail closed), never a rejection. */
function failedSelection(deps: SelectionDeps, ids: string[], error: unknown): SelectionVerdicts {
  const now = (deps.clock ?? Date.now)();
  const failure = toFailure(error);
  const verdicts = new Map(
    ids.map((id) => [
      id,
      evaluate({
        accountId: id,
        policy: DEFAULT_POLICY,
        now,
        outcomes: [{ source: DATAVERSE_SOURCE, sourceKind: "dataverse", ok: false, failure }],
      }),
    ]),
  );
  return { status: "ok", ids, verdicts, names: new Map(), at: now };
}

/**
 * The verdicts of a selection (`SelectedControlSelectedItemIds`). Never rejects. An empty selection
 * and one over MAX_SELECTION accounts cost no request. `fresh` (the command's re-check) never
 * reuses what is cached, and what it finds replaces it.
 */
export function resolveSelection(
  deps: SelectionDeps,
  raw: readonly unknown[],
  fresh = false,
): Promise<SelectionVerdicts> {
  const clock = deps.clock ?? Date.now;
  const ids = selectionIds(raw);
  const empty = { ids, verdicts: new Map(), names: new Map(), at: clock() };
  if (!ids.length) return Promise.resolve({ status: "empty", ...empty });
  if (ids.length > MAX_SELECTION) return Promise.resolve({ status: "over-limit", ...empty });
  const registry = registryOf(deps.scope ?? globalThis);
  const key = selectionKey(ids);
  const cached = registry.entries.get(key);
  if (!fresh && cached) {
    const s = cached.settled;
    const young = !s || clock() - s.at < (s.config?.policy.freshnessSeconds ?? 0) * 1000;
    if (young) {
      // Most recently used last: the bound drops the least recently used set.
      registry.entries.delete(key);
      registry.entries.set(key, cached);
      return cached.promise.then((r) => ({ ...r, ids }));
    }
  }
  const promise = resolve(deps, ids, fresh).catch((error: unknown) => failedSelection(deps, ids, error));
  const entry: Entry = { promise };
  registry.entries.delete(key);
  registry.entries.set(key, entry);
  while (registry.entries.size > MAX_CACHED) registry.entries.delete(registry.entries.keys().next().value as string);
  promise.then(
    (settled) => {
      entry.settled = settled;
    },
    () => undefined, // never rejects (failedSelection)
  );
  return promise;
}

/**
 * The verdicts of the accounts of contacts and leads not yet known (the email's recipients), read
 * beside those parties' own lookups: `ids` are the accounts known already, `reach` the contacts and
 * leads and the promise of every account to answer for (`readSelection`). Not cached here (the
 * email keeps its own state). Never rejects; an account the answer leaves out fails closed.
 */
export function resolveReaching(
  deps: SelectionDeps,
  ids: readonly string[],
  reach: Reach & { hops: number },
  fresh = false,
): Promise<SelectionVerdicts> {
  const given = selectionIds(ids);
  return resolve(deps, given, fresh, reach).catch(async (error: unknown) =>
    failedSelection(deps, selectionIds(await reach.targets.catch(() => given)), error),
  );
}

/**
 * How both faces on the account form (the control and the command-bar script) get a verdict:
 * through the shared registry, with the configuration kept in the page's localStorage
 * (`ConfigCache`, one entry per org and user).
 *
 * An entry younger than ten minutes stands in for the configuration read. An older one (up to 30
 * days) lets Microsoft Graph start at once, beside the configuration read and the Dataverse
 * queries; the read still decides: the Graph read started early is used only when the read
 * returns the same configuration, otherwise it is stopped and Graph is asked again with what was
 * read (or not at all, if Graph is now off). With no entry (the very first load on this browser,
 * or after the cache was cleared) Graph waits for the configuration read: two round trips, once.
 * A fresh resolution (the command's re-check, Retry) always reads the configuration.
 */
import { ExtraSource, MAX_BUDGET_MS, Resolution, resolveVerdict } from "./resolver";
import {
  ConfigCache,
  PartnerGuardConfig,
  CONFIG_FRESH_MS,
  configCacheKey,
  configFromRead,
  readConfigCache,
  readConfigValues,
  sameForSources,
  writeConfigCache,
} from "./configSource";
import { answers, onSharedResolution, sharedResolve, SharedOptions } from "./sharedResolution";
import { WebApiHost } from "./webApi";
import { DATAVERSE_SOURCE } from "./dataverseSource";
import { SourceOutcome } from "../core/types";

interface FormResolutionDeps {
  webApi: WebApiHost;
  extraSources?: ExtraSource[];
  storage?: SharedOptions["storage"];
  scope?: object;
  /** The configuration kept across sessions, used to start extra sources (Graph) before the configuration read answers. */
  configCache?: ConfigCache;
  clock?: () => number;
  /** The signed-in user (the verdict is theirs: an approval never opens outreach for its approver). */
  userId?: string;
}

/** One of the page's storages, or undefined where it is not available (blocked: reading it throws; Node). */
function storageOrUndefined(which: "sessionStorage" | "localStorage"): Storage | undefined {
  try {
    return (globalThis as Partial<Record<typeof which, Storage>>)[which];
  } catch {
    return undefined;
  }
}

export const sessionStorageOrUndefined = (): Storage | undefined => storageOrUndefined("sessionStorage");
export const localStorageOrUndefined = (): Storage | undefined => storageOrUndefined("localStorage");

/** The cross-session configuration cache of this org and user, or undefined where localStorage is not available. */
export function localConfigCache(org: string | undefined, userId: string | undefined): ConfigCache | undefined {
  const storage = localStorageOrUndefined();
  return storage && { storage, key: configCacheKey(org, userId) };
}

interface EarlyRead {
  config: PartnerGuardConfig;
  promise: Promise<SourceOutcome>;
  controller: AbortController;
}

/**
 * Extra sources started from the cached configuration, before the resolver knows the real one,
 * and the same sources wrapped so that the resolver takes over an early read when (and only when)
 * the configuration it was given is the same for the source.
 */
function earlyStart(
  sources: ExtraSource[],
  hint: PartnerGuardConfig | undefined,
  accountId: string,
  tenantId: string | undefined,
  stop: AbortSignal,
  clock: () => number,
) {
  const early = new Map<string, EarlyRead>();
  const t0 = clock();
  if (hint && !stop.aborted) {
    const deadline = t0 + Math.min(hint.policy.sourceTimeoutMs, MAX_BUDGET_MS);
    for (const source of sources) {
      if (!source.appliesTo(hint, tenantId)) continue;
      const controller = new AbortController();
      // A source that throws instead of rejecting fails here like a rejection, never the resolution.
      const promise = new Promise<SourceOutcome>((resolve) =>
        resolve(source.read(tenantId, controller.signal, { accountId, config: hint, remainingMs: deadline - clock() })),
      );
      promise.catch(() => undefined); // a discarded early read may fail unobserved
      early.set(source.name, { config: hint, promise, controller });
    }
    stop.addEventListener("abort", () => early.forEach((e) => e.controller.abort()), { once: true });
  }
  const drop = (name: string) => {
    early.get(name)?.controller.abort();
    early.delete(name);
  };
  return {
    /** The configuration is known: stop early reads that it does not confirm. */
    confirm(config: PartnerGuardConfig): void {
      for (const source of sources) {
        const e = early.get(source.name);
        if (e && (!source.appliesTo(config, tenantId) || !sameForSources(e.config, config))) drop(source.name);
      }
    },
    /** After the resolution: nothing started early keeps running unused. */
    dropUnused(): void {
      for (const name of [...early.keys()]) drop(name);
    },
    sources: sources.map((source): ExtraSource => ({
      name: source.name,
      appliesTo: (config, tenant) => source.appliesTo(config, tenant),
      read: (tenant, signal, context) => {
        const e = early.get(source.name);
        early.delete(source.name);
        if (e && tenant === tenantId && sameForSources(e.config, context.config)) {
          // The resolver's deadline and the face's interest now govern the early read.
          if (signal.aborted) e.controller.abort();
          else signal.addEventListener("abort", () => e.controller.abort(), { once: true });
          return e.promise;
        }
        e?.controller.abort();
        return source.read(tenant, signal, context);
      },
    })),
  };
}

/** The sources a face with these dependencies can ask. */
const sourcesOf = (deps: Pick<FormResolutionDeps, "extraSources">) => [
  DATAVERSE_SOURCE,
  ...(deps.extraSources ?? []).map((s) => s.name),
];

/**
 * Be told of each newer resolution of the account that any face of the window settles (the
 * command's re-check, the enable rule, another card, this face itself) and that answers this face's
 * question, so that it can show it without a request of its own. `strict` for a face that never
 * reuses (as `fresh` always in `resolveForForm`). Returns the unsubscribe function.
 */
export function followForForm(
  deps: Pick<FormResolutionDeps, "extraSources" | "scope">,
  accountId: string,
  tenantId: string | undefined,
  strict: boolean,
  listener: (resolution: Resolution) => void,
): () => void {
  const wanted = { accountId, tenantId, sources: sourcesOf(deps) };
  return onSharedResolution(
    accountId,
    (resolution, _changed, asked) => answers(asked, wanted, resolution, strict) && listener(resolution),
    deps.scope,
  );
}

export function resolveForForm(
  deps: FormResolutionDeps,
  accountId: string,
  tenantId: string | undefined,
  fresh: boolean,
  signal?: AbortSignal,
): Promise<Resolution> {
  const storage = deps.storage;
  const clock = deps.clock ?? Date.now;
  return sharedResolve(
    { accountId, tenantId, sources: sourcesOf(deps) },
    (stop) => {
      const cached = readConfigCache(deps.configCache, clock());
      // A young entry stands in for the read; a fresh resolution (the command's re-check, Retry) always reads.
      const current = !fresh && cached && clock() - cached.at < CONFIG_FRESH_MS ? cached.values : undefined;
      const early = earlyStart(
        deps.extraSources ?? [],
        cached && !current ? configFromRead({ ok: true, values: cached.values }) : undefined,
        accountId,
        tenantId,
        stop,
        clock,
      );
      const read = current
        ? Promise.resolve({ ok: true as const, values: current })
        : readConfigValues(deps.webApi).then((read) => {
            if (read.ok) writeConfigCache(deps.configCache, read.values, clock());
            return read;
          });
      return resolveVerdict(
        {
          webApi: deps.webApi,
          userId: deps.userId,
          extraSources: early.sources,
          loadConfig: () =>
            read.then(configFromRead).then((config) => {
              early.confirm(config);
              return config;
            }),
        },
        accountId,
        tenantId,
        stop,
      ).finally(() => early.dropUnused());
    },
    { fresh, storage, scope: deps.scope, signal },
  );
}

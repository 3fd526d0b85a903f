/**
 * How both faces on the account form (the control and the command-bar script) get a verdict:
 * through the shared registry, with the configuration cached for the browser session.
 */
import { ExtraSource, Resolution, resolveVerdict } from "./resolver";
import { configFromRead, readConfigValues } from "./configSource";
import { cachedConfigValues, sharedResolve, SharedOptions } from "./sharedResolution";
import { WebApiHost } from "./webApi";
import { DATAVERSE_SOURCE } from "./dataverseSource";

export interface FormResolutionDeps {
  webApi: WebApiHost;
  extraSources?: ExtraSource[];
  storage?: SharedOptions["storage"];
  scope?: object;
}

/** The page's session storage, or undefined where it is not available (blocked, Node). */
export function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return typeof sessionStorage === "undefined" ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

export function resolveForForm(
  deps: FormResolutionDeps,
  accountId: string,
  tenantId: string | undefined,
  fresh: boolean,
  signal?: AbortSignal,
): Promise<Resolution> {
  const storage = deps.storage;
  const sources = [DATAVERSE_SOURCE, ...(deps.extraSources ?? []).map((s) => s.name)];
  return sharedResolve(
    { accountId, tenantId, sources },
    (stop) =>
      resolveVerdict(
        {
          webApi: deps.webApi,
          extraSources: deps.extraSources,
          // A fresh resolution (the command's re-check, Retry) reads the policy from Dataverse, never from the cache.
          loadConfig: () =>
            cachedConfigValues(() => readConfigValues(deps.webApi), storage, { fresh }).then(configFromRead),
        },
        accountId,
        tenantId,
        stop,
      ),
    { fresh, storage, scope: deps.scope, signal },
  );
}

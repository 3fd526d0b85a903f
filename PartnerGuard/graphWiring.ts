/**
 * The control's side of the Graph source: one token provider per app registration for the
 * window (so a re-mounted control does not start MSAL again), the login hint from the user's
 * row, and the "Connect to Microsoft Graph" click that may open the sign-in popup.
 *
 * MSAL and the Graph client are not in the control's bundle: they come from the web resource
 * pg_/scripts/graph.js, loaded the first time Graph applies to an account (Graph enabled and a
 * tenant id on the account). With Graph off, nothing of them is loaded. Its URL carries the version
 * of the script built with this control (cache-busting; see graphScriptUrl).
 */
import { WebApiGet } from "../src/sources/columnAccess";
import { SourceFailure, SourceOutcome } from "../src/core/types";
import { PartnerGuardConfig } from "../src/sources/configSource";
import { ExtraSource } from "../src/sources/resolver";
import { normalizeGuid } from "../src/sources/webApi";
import { EnvironmentVariables, SystemUser, WebResources } from "../src/schema";
import { GRAPH_SOURCE } from "../src/sources/graph/graphApi";
import { InteractiveGraphAuth } from "../src/sources/graph/graphAuth";
import { redirectUriFor, webResourceUrl } from "../src/sources/graph/redirectUri";
import { silentSignInTimeoutMs } from "../src/sources/graph/graphBudget";
import { GraphModule, graphApplies, loadGraphModule } from "../src/sources/graph/graphModule";
import { ACCESS_NOT_GRANTED } from "../src/sources/graph/graphFailures";
import { GRAPH_SCRIPT_VERSION } from "../src/sources/graph/graphScriptVersion";
import { localStorageOrUndefined } from "../src/sources/formResolution";

/**
 * Where Graph is and how tokens are had: passed to the control's constructor. Dynamics calls
 * `new PartnerGuard()` and gets the defaults (graph.microsoft.com, MSAL and the Graph client from
 * the web resource pg_/scripts/graph.js); the playground and tests pass their own.
 */
export interface GraphOptions {
  baseUrl?: string;
  /**
   * The token provider for a configuration, instead of MSAL. The host owns its lifetime: it is
   * asked once per app registration per control (not cached for the window, unlike MSAL's).
   */
  createAuth?: (config: PartnerGuardConfig) => InteractiveGraphAuth;
  /** How the Graph module arrives; by default the web resource pg_/scripts/graph.js of the org. */
  loadGraph?: () => Promise<GraphModule>;
}

/**
 * The Graph script on the org's origin, at a URL that names its version: the form Dynamics itself
 * uses for web resources it lets browsers cache (`/%7B<version>%7D/WebResources/<name>`), with the
 * version of the script built with this control. After a solution upgrade the URL is a new one, so
 * no cache can serve the previous script.
 */
export function graphScriptUrl(origin: string, version: string = GRAPH_SCRIPT_VERSION): string {
  return webResourceUrl(`${origin.replace(/\/+$/, "")}/%7B${version}%7D`, WebResources.graphScript);
}

/** The plain web resource URL, made unique per version by its query string: tried when the versioned path does not load. */
export function graphScriptFallbackUrl(origin: string, version: string = GRAPH_SCRIPT_VERSION): string {
  return `${webResourceUrl(origin, WebResources.graphScript)}?v=${version}`;
}

const PLAIN_URL_KEY = "partnerguard:graph-script-plain";

/**
 * The Graph module from the org: the versioned URL, else the plain one with the version as query
 * string. An org whose server did not serve the versioned path is remembered (`memory`, the page's
 * localStorage), so its later page loads ask for the plain URL at once instead of failing first.
 */
export function loadGraphFromOrg(
  origin: string,
  doc?: Document,
  memory?: Pick<Storage, "getItem" | "setItem">,
): Promise<GraphModule> {
  const plain = () => loadGraphModule(graphScriptFallbackUrl(origin), doc);
  try {
    if (memory?.getItem(PLAIN_URL_KEY)) return plain();
  } catch {
    // storage blocked: try the versioned path
  }
  return loadGraphModule(graphScriptUrl(origin), doc).catch(() =>
    plain().then((module) => {
      try {
        memory?.setItem(PLAIN_URL_KEY, "1");
      } catch {
        // storage blocked or full: the next page load tries the versioned path again
      }
      return module;
    }),
  );
}

const loadFromOrg = (): Promise<GraphModule> =>
  loadGraphFromOrg(window.location.origin, document, localStorageOrUndefined());

const AUTHS = Symbol.for("partnerguard.graphAuths.v1");

/**
 * MSAL's token providers of the window, one per app registration: the Unified Interface keeps the
 * window while the seller moves between records, so a re-mounted control finds MSAL started.
 */
function windowAuths(win: Window): Map<string, InteractiveGraphAuth> {
  const slot = win as unknown as { [AUTHS]?: Map<string, InteractiveGraphAuth> };
  return (slot[AUTHS] ??= new Map<string, InteractiveGraphAuth>());
}

/** The user's UPN (systemuser.domainname): the hint that lets silent SSO pick the right session. */
export function loginHintOf(context: ComponentFramework.Context<unknown>): Promise<string | undefined> {
  const userId = normalizeGuid(context.userSettings.userId);
  if (!userId) return Promise.resolve(undefined);
  return context.webAPI
    .retrieveRecord(SystemUser.logicalName, userId, `?$select=${SystemUser.domainName}`)
    .then((row) => {
      const upn: unknown = row[SystemUser.domainName];
      return typeof upn === "string" && upn.includes("@") ? upn : undefined;
    });
}

/**
 * What a host other than Dynamics passes to the control's constructor (the playground, tests);
 * Dynamics passes nothing. It lives here because pcf-scripts allows index.ts one export: the control.
 */
export interface PartnerGuardOptions {
  /** Where Graph is and how tokens are had; by default graph.microsoft.com with MSAL from pg_/scripts/graph.js. */
  graph?: GraphOptions;
  /**
   * The Web API GETs PCF's `context.webAPI` cannot make (a function, metadata): by default the
   * org's Web API on the page's own origin (src/sources/columnAccess.ts, `sameOriginWebApiGet`).
   */
  webApiGet?: WebApiGet;
}

export class GraphConnection {
  readonly source: ExtraSource;
  private inner: ExtraSource | undefined;
  private last: InteractiveGraphAuth | undefined;
  /** Providers from the host's createAuth: this connection's own, never the window's. */
  private readonly hostAuths = new Map<string, InteractiveGraphAuth>();

  constructor(
    private readonly loginHint: () => Promise<string | undefined>,
    private readonly host: GraphOptions = {},
  ) {
    this.source = {
      name: GRAPH_SOURCE,
      appliesTo: graphApplies,
      read: (tenantId, signal, ctx) => this.read(tenantId, signal, ctx),
    };
  }

  private async read(...args: Parameters<ExtraSource["read"]>): Promise<SourceOutcome> {
    let module: GraphModule;
    try {
      module = await (this.host.loadGraph ?? loadFromOrg)();
    } catch (error) {
      // Fails closed like any unreadable source; the name tells the admin which file is missing.
      const why = error instanceof Error ? error.message : String(error);
      return {
        source: GRAPH_SOURCE,
        sourceKind: "graph",
        ok: false,
        failure: { kind: "network", message: `the web resource ${WebResources.graphScript} did not load (${why})` },
      };
    }
    this.inner ??= module.createGraphSource({
      baseUrl: this.host.baseUrl,
      authFor: (config) => this.authFor(config, module),
    });
    return this.inner.read(...args);
  }

  private authFor(config: PartnerGuardConfig, module: GraphModule): InteractiveGraphAuth | SourceFailure {
    const clientId = normalizeGuid(config.graphClientId);
    const tenantId = normalizeGuid(config.graphTenantId);
    const { createAuth } = this.host;
    if (!createAuth && (!clientId || !tenantId)) {
      const names = `${EnvironmentVariables.graphClientId}, ${EnvironmentVariables.graphTenantId}`;
      return {
        kind: "forbidden",
        message: `${ACCESS_NOT_GRANTED} (Graph is enabled but ${names} are not set to GUIDs)`,
      };
    }
    const silentTimeoutMs = silentSignInTimeoutMs(config.policy.sourceTimeoutMs);
    const key = [clientId, tenantId, silentTimeoutMs, ...(config.graphScopes ?? [])].join("|");
    const auths = createAuth ? this.hostAuths : windowAuths(window);
    let auth = auths.get(key);
    if (!auth) {
      auth = createAuth
        ? createAuth(config)
        : module.createMsalAuth({
            clientId: clientId as string,
            tenantId: tenantId as string,
            scopes: config.graphScopes,
            // The org's origin: controls are not iframed, so this is the Dynamics page's own.
            redirectUri: redirectUriFor(window.location.origin),
            loginHint: this.loginHint,
            silentTimeoutMs,
          });
      auths.set(key, auth);
    }
    this.last = auth;
    return auth;
  }

  /** The card's button: interactive sign-in on the provider the last read used. */
  async connect(): Promise<SourceFailure | undefined> {
    return this.last ? this.last.connect() : undefined;
  }
}

/**
 * The control's side of the Graph source: one token provider per app registration for the
 * window (so a re-mounted control does not start MSAL again), the login hint from the user's
 * row, and the "Connect to Microsoft Graph" click that may open the sign-in popup.
 */
import { SourceFailure } from "../src/core/types";
import { PartnerGuardConfig } from "../src/sources/configSource";
import { ExtraSource } from "../src/sources/resolver";
import { normalizeGuid } from "../src/sources/webApi";
import { EnvironmentVariables, SystemUser } from "../src/schema";
import { createGraphSource } from "../src/sources/graph/graphSource";
import { InteractiveGraphAuth } from "../src/sources/graph/graphAuth";
import { MsalBrowserAuth } from "../src/sources/graph/msalBrowserAuth";
import { ACCESS_NOT_GRANTED } from "../src/sources/graph/graphFailures";

/** Where Graph is and how tokens are had; Dynamics uses the defaults, the playground its own. */
export interface GraphHost {
  baseUrl?: string;
  createAuth?: (config: PartnerGuardConfig) => InteractiveGraphAuth;
}

let host: GraphHost = {};

/** For hosts that are not Dynamics (the playground): call before the control is created. */
export function setGraphHost(next: GraphHost): void {
  host = next;
}

const auths = new Map<string, InteractiveGraphAuth>();

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

export class GraphConnection {
  readonly source: ExtraSource;
  private last: InteractiveGraphAuth | undefined;

  constructor(private readonly loginHint: () => Promise<string | undefined>) {
    this.source = createGraphSource({ baseUrl: host.baseUrl, authFor: (config) => this.authFor(config) });
  }

  private authFor(config: PartnerGuardConfig): InteractiveGraphAuth | SourceFailure {
    const clientId = normalizeGuid(config.graphClientId);
    const tenantId = normalizeGuid(config.graphTenantId);
    if (!host.createAuth && (!clientId || !tenantId)) {
      const names = `${EnvironmentVariables.graphClientId}, ${EnvironmentVariables.graphTenantId}`;
      return { kind: "forbidden", message: `${ACCESS_NOT_GRANTED} (Graph is enabled but ${names} are not set to GUIDs)` };
    }
    const key = [clientId, tenantId, ...(config.graphScopes ?? [])].join("|");
    let auth = auths.get(key);
    if (!auth) {
      auth = host.createAuth
        ? host.createAuth(config)
        : new MsalBrowserAuth({
            clientId: clientId as string,
            tenantId: tenantId as string,
            scopes: config.graphScopes,
            redirectUri: window.location.origin,
            loginHint: this.loginHint,
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

/**
 * Graph tokens in Node (the `partnerguard sync --graph` command): client credentials with
 * MSAL Node, for an app registration of the partner tenant with application permissions.
 * Not imported by the control, so the browser bundle never carries MSAL Node.
 */
import { ConfidentialClientApplication, Configuration } from "@azure/msal-node";
import { APP_ONLY_SCOPE, LOGIN_AUTHORITY_HOST } from "./graphApi";
import { GraphAuth, GraphAuthError } from "./graphAuth";
import { ACCESS_NOT_GRANTED } from "./graphFailures";

interface MsalNodeOptions {
  clientId: string;
  tenantId: string;
  clientSecret: string;
}

interface ClientCredentialApp {
  acquireTokenByClientCredential(request: { scopes: string[] }): Promise<{ accessToken: string } | null>;
}

type CreateNodeApp = (configuration: Configuration) => ClientCredentialApp;

const createNodeApp: CreateNodeApp = (configuration) => new ConfidentialClientApplication(configuration);

/** Entra answers that mean the app registration or its consent is wrong, not the network. */
const NOT_GRANTED = /AADSTS(7000215|700016|7000222|65001|90094)|invalid_client|unauthorized_client/;

export class MsalNodeAuth implements GraphAuth {
  private readonly app: ClientCredentialApp;

  constructor(options: MsalNodeOptions, create: CreateNodeApp = createNodeApp) {
    this.app = create({
      auth: {
        clientId: options.clientId,
        authority: `${LOGIN_AUTHORITY_HOST}/${options.tenantId}`,
        clientSecret: options.clientSecret,
      },
    });
  }

  async getAccessToken(): Promise<string> {
    let result: { accessToken: string } | null;
    try {
      // MSAL Node caches the app token and renews it before it expires.
      result = await this.app.acquireTokenByClientCredential({ scopes: [APP_ONLY_SCOPE] });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (NOT_GRANTED.test(text)) throw new GraphAuthError("unauthorized", `${ACCESS_NOT_GRANTED} (${text})`);
      throw new GraphAuthError("network", text);
    }
    if (!result?.accessToken) throw new GraphAuthError("unauthorized", `${ACCESS_NOT_GRANTED} (no token issued)`);
    return result.accessToken;
  }
}

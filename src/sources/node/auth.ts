/**
 * Tokens for the Dataverse Web API in Node, through @azure/msal-node:
 * - client credentials for automation (an application user in the environment),
 * - device code for a person at a terminal,
 * - or an access token handed over as is (e.g. from `az account get-access-token`).
 * Secrets and tokens come from environment variables, never from the command line (where other
 * users of the machine can read them in the process list), and are never printed.
 */
import { HttpError } from "./httpWebApi";
import { AuthenticationResult, ConfidentialClientApplication, PublicClientApplication } from "@azure/msal-node";

type AuthConfig =
  | { kind: "token"; token: string }
  | { kind: "client-credentials"; tenantId: string; clientId: string; clientSecret: string }
  | { kind: "device-code"; tenantId: string; clientId: string };

export const AUTH_ENV = {
  token: "PARTNERGUARD_ACCESS_TOKEN",
  tenantId: "PARTNERGUARD_TENANT_ID",
  clientId: "PARTNERGUARD_CLIENT_ID",
  clientSecret: "PARTNERGUARD_CLIENT_SECRET",
} as const;

interface AuthChoice {
  tenantId?: string;
  clientId?: string;
  /** Force device code even when a client secret is set. */
  deviceCode?: boolean;
}

/** Decide how to sign in from options and the environment; an error message when it cannot. */
export function authConfig(choice: AuthChoice, env: NodeJS.ProcessEnv): AuthConfig | { error: string } {
  const token = env[AUTH_ENV.token]?.trim();
  if (token && !choice.deviceCode) return { kind: "token", token };
  const tenantId = choice.tenantId ?? env[AUTH_ENV.tenantId]?.trim();
  const clientId = choice.clientId ?? env[AUTH_ENV.clientId]?.trim();
  const clientSecret = env[AUTH_ENV.clientSecret]?.trim();
  if (!clientId) {
    return {
      error: `no credentials: set ${AUTH_ENV.clientId} (and ${AUTH_ENV.tenantId}) for a sign-in, ${AUTH_ENV.clientSecret} as well for client credentials, or ${AUTH_ENV.token}`,
    };
  }
  if (clientSecret && !choice.deviceCode) {
    if (!tenantId) return { error: `client credentials need a tenant: --tenant or ${AUTH_ENV.tenantId}` };
    return { kind: "client-credentials", tenantId, clientId, clientSecret };
  }
  return { kind: "device-code", tenantId: tenantId ?? "organizations", clientId };
}

/** Refresh a little before expiry so a long run never sends a token that dies in flight. */
const EARLY_REFRESH_MS = 5 * 60 * 1000;

/**
 * A token provider for one environment. `say` shows the device-code instructions to the person
 * (on stderr); nothing else about the sign-in is printed.
 */
export function tokenProvider(
  config: AuthConfig,
  envUrl: string,
  say: (message: string) => void,
): () => Promise<string> {
  if (config.kind === "token") return () => Promise.resolve(config.token);
  const scopes = [`${new URL(envUrl).origin}/.default`];
  const authority = `https://login.microsoftonline.com/${config.tenantId}`;
  let current: { token: string; expiresOn: number } | undefined;
  let pending: Promise<string> | undefined;

  let acquire: () => Promise<AuthenticationResult | null>;
  if (config.kind === "client-credentials") {
    const app = new ConfidentialClientApplication({
      auth: { clientId: config.clientId, authority, clientSecret: config.clientSecret },
    });
    acquire = () => app.acquireTokenByClientCredential({ scopes });
  } else {
    const app = new PublicClientApplication({ auth: { clientId: config.clientId, authority } });
    let signedIn: AuthenticationResult | null = null;
    acquire = async () => {
      // After the first sign-in the refresh token in MSAL's cache renews silently.
      if (signedIn?.account) return (signedIn = await app.acquireTokenSilent({ account: signedIn.account, scopes }));
      return (signedIn = await app.acquireTokenByDeviceCode({ scopes, deviceCodeCallback: (r) => say(r.message) }));
    };
  }

  return () => {
    if (current && current.expiresOn - EARLY_REFRESH_MS > Date.now()) return Promise.resolve(current.token);
    pending ??= acquire()
      .then((result) => {
        if (!result?.accessToken) throw new Error("sign-in returned no access token");
        current = { token: result.accessToken, expiresOn: result.expiresOn?.getTime() ?? Date.now() + 30 * 60 * 1000 };
        return result.accessToken;
      })
      .catch((error: unknown) => {
        // A failed sign-in reads as 401 everywhere above: one failure kind, "not signed in".
        throw new HttpError(401, `sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => (pending = undefined));
    return pending;
  };
}

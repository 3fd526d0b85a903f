/**
 * The MSAL providers, with a small honest stand-in for MSAL's application object (it records
 * calls and fails loudly on anything it does not implement). No network: the Entra side is the
 * stand-in's; what is tested is what our provider does with it.
 */
import { IPublicClientApplication } from "@azure/msal-browser";
import { MsalBrowserAuth } from "../../src/sources/graph/msalBrowserAuth";
import { redirectUriFor } from "../../src/sources/graph/redirectUri";
import { MsalNodeAuth } from "../../src/sources/graph/msalNodeAuth";
import { GraphAuthError } from "../../src/sources/graph/graphAuth";
import { createGraphSource } from "../../src/sources/graph/graphSource";
import { silentSignInTimeoutMs } from "../../src/sources/graph/graphBudget";
import { DEFAULT_DELEGATED_SCOPES } from "../../src/sources/graph/graphApi";
import { ACCOUNT, CUSTOMER, PARTNER, gdap, graphConfig, graphData } from "./fixtures";
import { startGraphServer } from "./graphServer";

interface Account {
  username: string;
  homeAccountId: string;
}

/** Entra as seen through MSAL: a session (or not), consent (or not), a user who completes the popup (or not). */
class FakeMsalApp {
  calls: { method: string; request?: unknown }[] = [];
  accounts: Account[] = [];
  active: Account | null = null;
  constructor(
    private readonly entra: {
      session: boolean;
      popup: "completes" | "closed" | "admin-consent";
      popupAccount?: string;
      ssoHangs?: boolean;
    },
  ) {}

  initialize() {
    this.calls.push({ method: "initialize" });
    return Promise.resolve();
  }
  getAllAccounts() {
    return this.accounts;
  }
  acquireTokenSilent(request: { account: Account }) {
    this.calls.push({ method: "acquireTokenSilent", request });
    return Promise.resolve({ accessToken: `token-for-${request.account.username}`, account: request.account });
  }
  ssoSilent(request: { loginHint?: string }) {
    this.calls.push({ method: "ssoSilent", request });
    // A hidden frame whose answer never comes back (no bridge, a slow Entra, a blocked frame).
    if (this.entra.ssoHangs) return new Promise<never>(() => undefined);
    if (!this.entra.session)
      return Promise.reject(
        Object.assign(new Error("AADSTS160021: third-party cookies blocked"), { errorCode: "interaction_required" }),
      );
    const account = { username: request.loginHint ?? "someone@contoso.com", homeAccountId: "h-sso" };
    this.accounts.push(account);
    return Promise.resolve({ accessToken: `sso-token-for-${request.loginHint}`, account });
  }
  acquireTokenPopup(request: { loginHint?: string; scopes: string[] }) {
    this.calls.push({ method: "acquireTokenPopup", request });
    if (this.entra.popup === "closed")
      return Promise.reject(Object.assign(new Error("User cancelled the flow."), { errorCode: "user_cancelled" }));
    if (this.entra.popup === "admin-consent")
      return Promise.reject(
        Object.assign(new Error("AADSTS90094: The grant requires admin permission."), {
          errorCode: "consent_required",
        }),
      );
    const account = {
      username: this.entra.popupAccount ?? request.loginHint ?? "someone@contoso.com",
      homeAccountId: "h1",
    };
    this.accounts.push(account);
    return Promise.resolve({ accessToken: "popup-token", account });
  }
  setActiveAccount(account: Account | null) {
    this.calls.push({ method: "setActiveAccount", request: account });
    this.active = account;
  }
  getActiveAccount() {
    return this.active;
  }
}

function browserAuth(
  entra: ConstructorParameters<typeof FakeMsalApp>[0],
  hint = "avery@partner.example",
  silentTimeoutMs?: number,
) {
  const app = new FakeMsalApp(entra);
  const configs: unknown[] = [];
  const auth = new MsalBrowserAuth(
    {
      clientId: "client-1",
      tenantId: PARTNER,
      redirectUri: redirectUriFor("https://org.crm4.dynamics.com"),
      loginHint: () => Promise.resolve(hint),
      silentTimeoutMs,
    },
    (config) => {
      configs.push(config);
      return new Proxy(app, {
        get(target, key: string) {
          // Promise resolution probes for "then": the app object is not a thenable.
          if (key === "then") return undefined;
          if (key in target) return (target as unknown as Record<string, unknown>)[key];
          throw new Error(`FakeMsalApp: ${key} is not implemented`);
        },
      }) as unknown as IPublicClientApplication;
    },
  );
  return { app, auth, configs };
}

describe("MSAL in the browser", () => {
  test("form load: silent SSO with the user's login hint, on the partner tenant's authority; never a popup", async () => {
    const { app, auth, configs } = browserAuth({ session: true, popup: "completes" });
    await expect(auth.getAccessToken()).resolves.toBe("sso-token-for-avery@partner.example");
    expect(configs).toEqual([
      expect.objectContaining({
        auth: expect.objectContaining({
          clientId: "client-1",
          authority: `https://login.microsoftonline.com/${PARTNER}`,
        }),
      }),
    ]);
    expect(app.calls.find((c) => c.method === "ssoSilent")?.request).toEqual({
      scopes: DEFAULT_DELEGATED_SCOPES,
      loginHint: "avery@partner.example",
    });
    expect(app.calls.some((c) => c.method === "acquireTokenPopup")).toBe(false);
  });

  test("silent SSO that fails (cookies blocked) is 'not connected', and the Graph source sends nothing", async () => {
    const { app, auth } = browserAuth({ session: false, popup: "completes" });
    const error: unknown = await auth.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphAuthError);
    expect((error as GraphAuthError).kind).toBe("not-connected");

    const server = await startGraphServer(graphData([gdap("active")]));
    try {
      const source = createGraphSource({ authFor: () => auth, baseUrl: server.baseUrl });
      const outcome = await source.read(CUSTOMER, new AbortController().signal, {
        accountId: ACCOUNT,
        config: graphConfig(),
        remainingMs: 3000,
      });
      expect(outcome.ok ? "ok" : outcome.failure.kind).toBe("not-connected");
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
    expect(app.calls.some((c) => c.method === "acquireTokenPopup")).toBe(false);
  });

  test("connect (a click): the popup, then silent tokens for that account", async () => {
    const { app, auth } = browserAuth({ session: false, popup: "completes" });
    await expect(auth.connect()).resolves.toBeUndefined();
    expect(app.calls.filter((c) => c.method === "acquireTokenPopup")).toHaveLength(1);
    await expect(auth.getAccessToken()).resolves.toBe("token-for-avery@partner.example");
  });

  test("a popup the user closes leaves it not connected; missing admin consent says ask your admin", async () => {
    await expect(browserAuth({ session: false, popup: "closed" }).auth.connect()).resolves.toMatchObject({
      kind: "not-connected",
    });
    const consent = await browserAuth({ session: false, popup: "admin-consent" }).auth.connect();
    expect(consent?.kind).toBe("forbidden");
    expect(consent?.message).toContain("ask your admin");
  });

  test("MSAL is set up for a real org: the redirect-bridge page, a cache shared by all tabs, a hidden-frame wait below the budget", async () => {
    const { auth, configs } = browserAuth(
      { session: true, popup: "completes" },
      "avery@partner.example",
      silentSignInTimeoutMs(5000),
    );
    await auth.getAccessToken();
    expect(configs).toEqual([
      {
        auth: {
          clientId: "client-1",
          authority: `https://login.microsoftonline.com/${PARTNER}`,
          redirectUri: "https://org.crm4.dynamics.com/WebResources/pg_/auth/redirect.html",
        },
        cache: { cacheLocation: "localStorage" },
        system: { iframeBridgeTimeout: silentSignInTimeoutMs(5000) },
      },
    ]);
    // MSAL's own default (10 s) would outlast every budget the policy allows (at most 9 s).
    expect(silentSignInTimeoutMs(5000)).toBeLessThan(5000);
    expect(silentSignInTimeoutMs(9000)).toBeLessThan(9000);
  });

  test("the account chosen in the popup is the active account, used silently from then on (even when it is not the Dynamics UPN)", async () => {
    const { app, auth } = browserAuth({
      session: false,
      popup: "completes",
      popupAccount: "avery@harbor.onmicrosoft.com",
    });
    await expect(auth.connect()).resolves.toBeUndefined();
    expect(app.getActiveAccount()?.username).toBe("avery@harbor.onmicrosoft.com");
    app.calls.length = 0;
    await expect(auth.getAccessToken()).resolves.toBe("token-for-avery@harbor.onmicrosoft.com");
    expect(app.calls.map((c) => c.method)).toEqual(["acquireTokenSilent"]);
  });

  test("an account silent SSO found becomes the active account: the next load reads the cache, no hidden frame", async () => {
    const { app, auth } = browserAuth({ session: true, popup: "completes" });
    await auth.getAccessToken();
    expect(app.getActiveAccount()?.username).toBe("avery@partner.example");
    app.calls.length = 0;
    await auth.getAccessToken();
    expect(app.calls.map((c) => c.method)).toEqual(["acquireTokenSilent"]);
  });

  test("a silent sign-in still running when the budget ends is 'not connected' (the Connect button), before the deadline, and nothing is sent", async () => {
    const { auth } = browserAuth({ session: true, popup: "completes", ssoHangs: true });
    const server = await startGraphServer(graphData([gdap("active")]));
    try {
      const source = createGraphSource({ authFor: () => auth, baseUrl: server.baseUrl });
      const started = Date.now();
      const outcome = await source.read(CUSTOMER, new AbortController().signal, {
        accountId: ACCOUNT,
        config: graphConfig(),
        remainingMs: 800,
      });
      expect(outcome.ok ? "ok" : outcome.failure.kind).toBe("not-connected");
      expect(Date.now() - started).toBeLessThan(800);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  test("MSAL is started once per provider", async () => {
    const { app, auth } = browserAuth({ session: true, popup: "completes" });
    await auth.getAccessToken();
    await auth.getAccessToken();
    expect(app.calls.filter((c) => c.method === "initialize")).toHaveLength(1);
  });
});

describe("MSAL in Node (client credentials)", () => {
  function nodeAuth(answer: () => Promise<{ accessToken: string } | null>) {
    const requests: unknown[] = [];
    const configs: unknown[] = [];
    const auth = new MsalNodeAuth({ clientId: "c", tenantId: PARTNER, clientSecret: "s" }, (config) => {
      configs.push(config);
      return { acquireTokenByClientCredential: (r) => (requests.push(r), answer()) };
    });
    return { auth, requests, configs };
  }

  test("asks for the app's Graph permissions as a whole (.default) on the partner tenant", async () => {
    const { auth, requests, configs } = nodeAuth(() => Promise.resolve({ accessToken: "app-token" }));
    await expect(auth.getAccessToken()).resolves.toBe("app-token");
    expect(requests).toEqual([{ scopes: ["https://graph.microsoft.com/.default"] }]);
    expect(configs).toEqual([
      { auth: { clientId: "c", authority: `https://login.microsoftonline.com/${PARTNER}`, clientSecret: "s" } },
    ]);
  });

  test.each([
    ["AADSTS7000215: Invalid client secret provided.", "unauthorized"],
    ["getaddrinfo ENOTFOUND login.microsoftonline.com", "network"],
  ])("%s -> %s", async (message, kind) => {
    const { auth } = nodeAuth(() => Promise.reject(new Error(message)));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ kind });
  });

  test("no token issued is unauthorized", async () => {
    await expect(nodeAuth(() => Promise.resolve(null)).auth.getAccessToken()).rejects.toMatchObject({
      kind: "unauthorized",
    });
  });
});

/**
 * Graph tokens in the browser with MSAL. The control runs on the org's origin (controls are not
 * iframed), so MSAL does too. On form load only silent paths run (cached token, then hidden-iframe
 * SSO with the user's login hint); they fail where third-party cookies are blocked, and that is
 * "not connected", shown as a Connect button. The popup opens only from that button's click.
 *
 * MSAL Browser 5 finishes popup and silent sign-in only through the page at `redirectUri`, which
 * must run its redirect bridge: that page is the solution's HTML web resource
 * `pg_/auth/redirect.html` (see `redirectUriFor` in redirectUri.ts).
 */
import { isObject } from "../../core/json";
import {
  AccountInfo,
  AuthenticationResult,
  BrowserCacheLocation,
  Configuration,
  IPublicClientApplication,
  PublicClientApplication,
} from "@azure/msal-browser";
import { SourceFailure } from "../../core/types";
import { DEFAULT_DELEGATED_SCOPES, LOGIN_AUTHORITY_HOST } from "./graphApi";
import { GraphAuthError, InteractiveGraphAuth } from "./graphAuth";
import { ACCESS_NOT_GRANTED } from "./graphFailures";

export interface MsalBrowserOptions {
  clientId: string;
  /** The partner tenant (the organisation running Dynamics). */
  tenantId: string;
  scopes?: string[];
  /** Registered as an SPA redirect URI on the app registration: the redirect-bridge web resource. */
  redirectUri: string;
  /** The signed-in user's UPN; silent SSO picks the right session with it. */
  loginHint: () => Promise<string | undefined>;
  /**
   * How long MSAL waits for its hidden frame, in ms. MSAL's default (10 s) outlasts every form
   * budget, so the verdict would end in "timeout" before the Connect button could be offered.
   */
  silentTimeoutMs?: number;
}

type CreateApp = (configuration: Configuration) => IPublicClientApplication;

const createApp: CreateApp = (configuration) => new PublicClientApplication(configuration);

/** AADSTS codes that mean an admin must grant consent: prompting the user again won't help. */
const ADMIN_CONSENT = /AADSTS(65001|90094|90099|900941)/;

function describe(error: unknown): string {
  if (isObject(error)) {
    return (
      [error.errorCode, error.message].filter((p) => typeof p === "string" && p !== "").join(": ") ||
      "unknown MSAL error"
    );
  }
  return String(error);
}

export class MsalBrowserAuth implements InteractiveGraphAuth {
  private app: Promise<IPublicClientApplication> | undefined;
  private hint: Promise<string | undefined> | undefined;

  constructor(
    private readonly options: MsalBrowserOptions,
    private readonly create: CreateApp = createApp,
  ) {}

  private get scopes(): string[] {
    return this.options.scopes?.length ? this.options.scopes : DEFAULT_DELEGATED_SCOPES;
  }

  private ready(): Promise<IPublicClientApplication> {
    if (!this.app) {
      const app = this.create({
        auth: {
          clientId: this.options.clientId,
          authority: `${LOGIN_AUTHORITY_HOST}/${this.options.tenantId}`,
          redirectUri: this.options.redirectUri,
        },
        // localStorage: one sign-in serves every tab and survives a reload (sessionStorage made the
        // seller connect again in each new tab). The trade-off (tokens readable by any script on
        // the org's origin until they expire or the user signs out) is stated in the README.
        cache: { cacheLocation: BrowserCacheLocation.LocalStorage },
        system: this.options.silentTimeoutMs ? { iframeBridgeTimeout: this.options.silentTimeoutMs } : undefined,
      });
      const ready = app.initialize().then(() => app);
      // A failed start may be retried on the next form load.
      ready.catch(() => (this.app = undefined));
      this.app = ready;
    }
    return this.app;
  }

  private loginHint(): Promise<string | undefined> {
    this.hint ??= this.options.loginHint().catch(() => undefined);
    return this.hint;
  }

  /**
   * The account to ask silently for: the one the seller chose in the popup (MSAL keeps it as the
   * active account, in the shared cache), else a cached one matching the Dynamics user's UPN.
   * The partner-tenant account may differ from that UPN (a guest, another sign-in name), which
   * is why the popup's choice comes first.
   */
  private accountFor(app: IPublicClientApplication, hint: string | undefined): AccountInfo | undefined {
    const active = app.getActiveAccount();
    if (active) return active;
    const accounts = app.getAllAccounts();
    return (
      accounts.find((a) => hint !== undefined && a.username.toLowerCase() === hint.toLowerCase()) ??
      (hint === undefined ? accounts[0] : undefined)
    );
  }

  async getAccessToken(): Promise<string> {
    let result: AuthenticationResult;
    try {
      const app = await this.ready();
      const hint = await this.loginHint();
      const account = this.accountFor(app, hint);
      result = account
        ? await app.acquireTokenSilent({ scopes: this.scopes, account })
        : await app.ssoSilent({ scopes: this.scopes, loginHint: hint });
      // Silent SSO found a session: keep its account so that later loads read the cache first.
      if (!account && result.account) app.setActiveAccount(result.account);
    } catch (error) {
      throw new GraphAuthError("not-connected", `silent sign-in to Microsoft Graph failed: ${describe(error)}`);
    }
    return result.accessToken;
  }

  async connect(): Promise<SourceFailure | undefined> {
    try {
      const app = await this.ready();
      const result = await app.acquireTokenPopup({ scopes: this.scopes, loginHint: await this.loginHint() });
      app.setActiveAccount(result.account);
      return undefined;
    } catch (error) {
      const text = describe(error);
      if (ADMIN_CONSENT.test(text)) return { kind: "forbidden", message: `${ACCESS_NOT_GRANTED} (${text})` };
      return { kind: "not-connected", message: `sign-in to Microsoft Graph did not complete: ${text}` };
    }
  }
}

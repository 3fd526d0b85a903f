/**
 * The parts of `Xrm` the command-bar script uses, for the playground: Xrm.WebApi is the same
 * emulator the control reads (so request counts are real), dialogs and forms are shown by the page.
 */
import type { EmulatorHost } from "../src/emulator/emulatorTypes";
import { WebApiHost } from "../src/sources/webApi";
import { API_ROOT } from "../src/sources/webApiBatch";

/** The host the org's endpoint answers as (the signed-in user's), once `installFakeXrm` ran. */
let endpointHost: Pick<EmulatorHost, "batch"> | undefined;
let endpointInstalled = false;

/**
 * The org's own origin, as the platform serves it to a page of the app: a script's same-origin
 * `POST /api/data/v9.2/$batch` (webApiBatch.ts, `sameOriginBatch`) is answered by the same emulator
 * as Xrm.WebApi, as the signed-in user, with the wire format's body and response (the emulator's
 * `batch`). Every other request goes out as it would.
 */
function installOrgEndpoint(): void {
  if (endpointInstalled) return;
  endpointInstalled = true;
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(raw, location.href);
    if (url.origin === location.origin && url.pathname === `${API_ROOT}$batch` && init?.method === "POST") {
      if (!endpointHost) return new Response(null, { status: 401 });
      const headers = new Headers(init.headers);
      const reply = await endpointHost.batch({
        contentType: headers.get("content-type") ?? undefined,
        prefer: headers.get("prefer") ?? "",
        body: typeof init.body === "string" ? init.body : "",
      });
      return new Response(reply.body, { status: reply.status, headers: reply.headers });
    }
    return original(input, init);
  };
}

export interface PlaygroundUi {
  alert(title: string, text: string): Promise<void>;
  confirm(title: string, text: string, confirmLabel: string, cancelLabel: string): Promise<boolean>;
  openForm(entityName: string, parameters: Record<string, unknown>): void;
  /** The app's global notifications changed (the page shows them as message bars at the top). */
  notifications?(current: GlobalNotification[]): void;
}

/**
 * A notification as Xrm.App.addGlobalNotification takes it (learn.microsoft.com power-apps
 * developer/model-driven-apps/clientapi/reference/xrm-app/addglobalnotification): `type` 2 (a
 * message bar at the top of the app; the only type supported), `level` 1 success, 2 error,
 * 3 warning, 4 information, `message`, optional `showCloseButton` (not closable unless true) and
 * `action` { actionLabel, eventHandler }.
 */
export interface GlobalNotification {
  id: string;
  type: 2;
  level: 1 | 2 | 3 | 4;
  message: string;
  showCloseButton?: boolean;
  action?: { actionLabel?: string; eventHandler?: () => void };
}

/**
 * Xrm.App: add resolves with a new GUID identifying the notification; clear removes it. Anything
 * the documentation does not allow (another type, a level outside 1–4, no message) is refused,
 * never shown more kindly than the platform would.
 */
function appNotifications(onChange: (current: GlobalNotification[]) => void) {
  let current: GlobalNotification[] = [];
  const publish = () => onChange([...current]);
  return {
    addGlobalNotification: (n: Omit<GlobalNotification, "id">): Promise<string> => {
      if (n?.type !== 2)
        return Promise.reject(
          new Error(`addGlobalNotification: type must be 2, got ${String((n as { type?: unknown })?.type)}`),
        );
      if (![1, 2, 3, 4].includes(n.level))
        return Promise.reject(new Error(`addGlobalNotification: level must be 1 to 4, got ${n.level}`));
      if (typeof n.message !== "string" || !n.message)
        return Promise.reject(new Error("addGlobalNotification: message is required"));
      const id = crypto.randomUUID();
      current = [...current, { ...n, id }];
      publish();
      return Promise.resolve(id);
    },
    clearGlobalNotification: (uniqueId: string): Promise<void> => {
      const before = current.length;
      current = current.filter((n) => n.id !== uniqueId);
      if (current.length !== before) publish();
      return Promise.resolve();
    },
  };
}

export interface FakeFormContext {
  data: { entity: { getId(): string; getEntityName(): string; getPrimaryAttributeValue(): string } };
  getAttribute(name: string): { getValue(): unknown } | null;
  ui: { refreshRibbon(refreshAll?: boolean): void };
}

export function installFakeXrm(options: {
  /** The signed-in user's Web API; with `batch`, the org's `$batch` endpoint answers too. */
  webApi: WebApiHost & Partial<Pick<EmulatorHost, "batch">>;
  strings: () => Map<string, string>;
  languageId: () => number;
  ui: PlaygroundUi;
}) {
  const { batch } = options.webApi;
  endpointHost = batch ? { batch } : undefined;
  installOrgEndpoint();
  const xrm = {
    App: appNotifications((current) => options.ui.notifications?.(current)),
    WebApi: options.webApi,
    Utility: {
      getGlobalContext: () => ({
        // "the base URL that was used to access the application": the page's own origin.
        getClientUrl: () => location.origin,
        userSettings: {
          languageId: options.languageId(),
          userId: "{11111111-1111-4111-8111-111111111111}",
          userName: "Avery Seller",
        },
      }),
      getResourceString: (_webResource: string, key: string) => options.strings().get(key) ?? key,
    },
    Navigation: {
      openAlertDialog: async (a: { title?: string; text: string }) => {
        await options.ui.alert(a.title ?? "", a.text);
        return undefined;
      },
      openConfirmDialog: async (c: {
        title?: string;
        text: string;
        confirmButtonLabel?: string;
        cancelButtonLabel?: string;
      }) => ({
        confirmed: await options.ui.confirm(
          c.title ?? "",
          c.text,
          c.confirmButtonLabel ?? "OK",
          c.cancelButtonLabel ?? "Cancel",
        ),
      }),
      openForm: async (o: { entityName: string }, parameters: Record<string, unknown>) => {
        options.ui.openForm(o.entityName, parameters);
        return { savedEntityReference: [] };
      },
    },
  };
  (window as unknown as { Xrm: unknown }).Xrm = xrm;
  return xrm;
}

export function createFormContext(
  accountId: string,
  accountName: string,
  tenantId: string | undefined,
  onRefresh: () => void,
): FakeFormContext {
  return {
    data: {
      entity: {
        getId: () => `{${accountId.toUpperCase()}}`,
        getEntityName: () => "account",
        getPrimaryAttributeValue: () => accountName,
      },
    },
    getAttribute: (name) => (name === "pg_customertenantid" ? { getValue: () => tenantId ?? null } : null),
    ui: { refreshRibbon: () => onRefresh() },
  };
}

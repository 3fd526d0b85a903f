/**
 * The parts of `Xrm` the command-bar script uses, for the playground: Xrm.WebApi is the same
 * emulator the control reads (so request counts are real), dialogs and forms are shown by the page.
 */
import { WebApiHost } from "../src/sources/webApi";

export interface PlaygroundUi {
  alert(title: string, text: string): Promise<void>;
  confirm(title: string, text: string, confirmLabel: string, cancelLabel: string): Promise<boolean>;
  openForm(entityName: string, parameters: Record<string, unknown>): void;
  /**
   * Xrm.App.addGlobalNotification (the grid's "why commands are off" bar): show it, return its id.
   * Optional: without it the playground keeps the notifications in `appNotifications` only.
   */
  notify?(notification: AppNotification): string;
  clearNotification?(id: string): void;
}

/** What Xrm.App.addGlobalNotification is given (learn.microsoft.com, clientapi/reference/xrm-app/addglobalnotification). */
export interface AppNotification {
  type: number;
  level: number;
  message: string;
  showCloseButton?: boolean;
  action?: { actionLabel?: string; eventHandler?: () => void };
}

/** The notifications the page shows now, by id (what the grid page renders when it has no `notify`). */
export const appNotifications = new Map<string, AppNotification>();

export interface FakeFormContext {
  data: { entity: { getId(): string; getEntityName(): string; getPrimaryAttributeValue(): string } };
  getAttribute(name: string): { getValue(): unknown } | null;
  ui: { refreshRibbon(refreshAll?: boolean): void };
}

export function installFakeXrm(options: {
  webApi: WebApiHost;
  strings: () => Map<string, string>;
  languageId: () => number;
  ui: PlaygroundUi;
}): void {
  let notices = 0;
  const xrm = {
    WebApi: options.webApi,
    App: {
      addGlobalNotification: async (notification: AppNotification) => {
        const id = options.ui.notify?.(notification) ?? `notification-${++notices}`;
        appNotifications.set(id, notification);
        return id;
      },
      clearGlobalNotification: async (id: string) => {
        appNotifications.delete(id);
        options.ui.clearNotification?.(id);
      },
    },
    Utility: {
      getGlobalContext: () => ({
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

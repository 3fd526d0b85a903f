/**
 * What the command-bar script needs from the model-driven app, as one small interface: the real
 * one reads the global `Xrm`; tests and the playground pass their own.
 */
import { WebApiHost } from "../src/sources/webApi";
import { BatchTransport, sameOriginBatch } from "../src/sources/webApiBatch";
import { SharedOptions } from "../src/sources/sharedResolution";
import { WebResources } from "../src/schema";
import { ConfigCache } from "../src/sources/configSource";
import { localConfigCache, sessionStorageOrUndefined } from "../src/sources/formResolution";

export interface CommandHost {
  webApi: WebApiHost;
  /** Localized string from the script's .resx web resources. */
  getString(key: string): string;
  languageId: number;
  userId: string;
  openForm(
    options: { entityName: string; formParameters?: Record<string, unknown> },
    parameters: Record<string, unknown>,
  ): Promise<unknown>;
  alert(title: string, text: string): Promise<void>;
  /** Resolves true when the user chose the confirm button. */
  confirm(title: string, text: string, confirmLabel: string, cancelLabel: string): Promise<boolean>;
  /**
   * Show one app-level notification (Xrm.App.addGlobalNotification: a warning bar the seller can
   * close, with one action); resolves its id. Absent where the host has none.
   */
  notify?(message: string, actionLabel: string, action: () => void): Promise<string>;
  /** Remove a notification `notify` showed (Xrm.App.clearGlobalNotification). */
  clearNotification?(id: string): Promise<void>;
  /**
   * Posts a `$batch` to the org's Web API (webApiBatch.ts): reads issued together go as one
   * request where the request count is the budget (a changed email recipient). Absent: one request each.
   */
  batch?: BatchTransport;
  storage?: SharedOptions["storage"];
  /** The configuration kept in localStorage for this org and user (shared with the control). */
  configCache?: ConfigCache;
  scope?: object;
}

/** The host of the real platform. */
export function xrmHost(): CommandHost {
  const context = Xrm.Utility.getGlobalContext();
  const settings = context.userSettings;
  return {
    webApi: Xrm.WebApi as unknown as WebApiHost,
    // The org's own origin (getClientUrl: "the base URL that was used to access the application").
    batch: sameOriginBatch(context.getClientUrl()),
    getString: (key) => Xrm.Utility.getResourceString(WebResources.commandScript, key),
    languageId: settings.languageId,
    userId: settings.userId,
    openForm: (options, parameters) =>
      Promise.resolve(
        Xrm.Navigation.openForm(options as Xrm.Navigation.EntityFormOptions, parameters as Xrm.Utility.OpenParameters),
      ),
    alert: async (title, text) => {
      await Xrm.Navigation.openAlertDialog({ title, text });
    },
    confirm: async (title, text, confirmButtonLabel, cancelButtonLabel) =>
      (await Xrm.Navigation.openConfirmDialog({ title, text, confirmButtonLabel, cancelButtonLabel })).confirmed,
    // Xrm.App exists in Unified Interface apps only (learn.microsoft.com, clientapi/reference/xrm-app).
    ...(typeof Xrm.App?.addGlobalNotification === "function"
      ? {
          notify: (message: string, actionLabel: string, action: () => void) =>
            Promise.resolve(
              Xrm.App.addGlobalNotification({
                // type 2 (a message bar at the top of the app) is the only type the platform supports; level 3 = warning.
                type: 2,
                level: 3,
                message,
                showCloseButton: true,
                action: { actionLabel, eventHandler: action },
              }),
            ),
          clearNotification: async (id: string) => {
            await Xrm.App.clearGlobalNotification(id);
          },
        }
      : {}),
    storage: sessionStorageOrUndefined(),
    configCache: localConfigCache(globalThis.location?.host, settings.userId),
  };
}

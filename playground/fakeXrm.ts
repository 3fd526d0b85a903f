/**
 * The parts of `Xrm` the command-bar script uses, for the playground: Xrm.WebApi is the same
 * emulator the control reads (so request counts are real), dialogs and forms are shown by the page.
 */
import { WebApiHost } from "../src/sources/webApi";

export interface PlaygroundUi {
  alert(title: string, text: string): Promise<void>;
  confirm(title: string, text: string, confirmLabel: string, cancelLabel: string): Promise<boolean>;
  openForm(entityName: string, parameters: Record<string, unknown>): void;
}

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
  const xrm = {
    WebApi: options.webApi,
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

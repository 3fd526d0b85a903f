/**
 * A faithful Xrm for the command-bar script: xrm-mock's form and context, with our Dataverse
 * emulator as Xrm.WebApi and recording Navigation dialogs. Anything else throws (xrm-mock's
 * own stubs throw "not implemented").
 */
import { XrmMockGenerator } from "xrm-mock";
import { WebApiHost } from "../../src/sources/webApi";
import { resxStrings } from "./strings";

export interface Recorded {
  forms: { options: { entityName: string }; parameters: Record<string, unknown> }[];
  alerts: { title?: string; text: string }[];
  confirms: { title?: string; text: string; confirmButtonLabel?: string }[];
  refreshes: (boolean | undefined)[];
  /** App notifications on screen (Xrm.App.addGlobalNotification), and every one ever shown. */
  notices: Map<string, Xrm.App.Notification>;
  shownNotices: Xrm.App.Notification[];
}

/** `webApi`: the emulator as the signed-in seller (`emulator.as(persona)`), or the emulator itself. */
export function installXrm(
  webApi: WebApiHost,
  accountId: string | undefined,
  options: {
    /** The seller's answer to every confirm dialog, or per dialog. */
    confirm?: boolean | ((dialog: { title?: string; text: string; confirmButtonLabel?: string }) => boolean);
    name?: string;
    tenantId?: string;
    tenantReadable?: boolean;
  } = {},
) {
  XrmMockGenerator.initialise({
    entity: {
      id: accountId ? `{${accountId.toUpperCase()}}` : "",
      entityName: "account",
      primaryValue: options.name ?? "Contoso Pharmaceuticals",
    },
  });
  const tenant = XrmMockGenerator.Attribute.createString("pg_customertenantid", options.tenantId ?? "");
  // Column security: a secured column the user may not read comes with no value and canRead false.
  const readable = options.tenantReadable ?? true;
  (tenant as unknown as { getUserPrivilege: () => object }).getUserPrivilege = () => ({
    canRead: readable,
    canUpdate: readable,
    canCreate: readable,
  });
  const recorded: Recorded = {
    forms: [],
    alerts: [],
    confirms: [],
    refreshes: [],
    notices: new Map(),
    shownNotices: [],
  };
  const strings = resxStrings(1033);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- patching a fake of the platform global
  const xrm = Xrm as unknown as Record<string, any>;
  xrm.WebApi = webApi;
  xrm.Utility.getResourceString = (webResource: string, key: string) => {
    if (webResource !== "pg_/scripts/outreach.js") throw new Error(`unexpected web resource ${webResource}`);
    return strings.get(key) ?? "";
  };
  xrm.Utility.getGlobalContext = () => ({
    userSettings: { languageId: 1033, userId: "{11111111-1111-4111-8111-111111111111}" },
  });
  xrm.Navigation.openForm = async (o: { entityName: string }, p: Record<string, unknown>) => {
    recorded.forms.push({ options: o, parameters: p });
    return { savedEntityReference: [] };
  };
  xrm.Navigation.openAlertDialog = async (a: { title?: string; text: string }) => {
    recorded.alerts.push(a);
  };
  xrm.Navigation.openConfirmDialog = async (c: { title?: string; text: string; confirmButtonLabel?: string }) => {
    recorded.confirms.push(c);
    return { confirmed: typeof options.confirm === "function" ? options.confirm(c) : (options.confirm ?? false) };
  };
  let notices = 0;
  xrm.App = {
    addGlobalNotification: async (n: Xrm.App.Notification) => {
      const id = `notice-${++notices}`;
      recorded.notices.set(id, n);
      recorded.shownNotices.push(n);
      return id;
    },
    clearGlobalNotification: async (id: string) => {
      if (!recorded.notices.delete(id)) throw new Error(`no notification ${id}`);
    },
  };
  const form = XrmMockGenerator.getFormContext();
  // A new record has no id yet (xrm-mock would invent one).
  if (!accountId) (form.data.entity as unknown as { getId: () => string }).getId = () => "";
  // xrm-mock's refreshRibbon throws by design: record the calls instead.
  (form.ui as unknown as { refreshRibbon: (all?: boolean) => void }).refreshRibbon = (all?: boolean) =>
    recorded.refreshes.push(all);
  return { form, recorded };
}

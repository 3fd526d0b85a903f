/**
 * A faithful Xrm for the command-bar script: xrm-mock's form and context, with our Dataverse
 * emulator as Xrm.WebApi and recording Navigation dialogs. Anything else throws (xrm-mock's
 * own stubs throw "not implemented").
 */
import { XrmMockGenerator } from "xrm-mock";
import { WebApiHost } from "../../src/sources/webApi";
import { TABLES } from "../../src/pack/model/tables";
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
    // No org answers here (the discard port): a script that posts to the org fails, closed.
    getClientUrl: () => "http://127.0.0.1:9",
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

/** XrmEnum.FormType: a new row's form, and a saved row's. */
export const FormType = { create: 1, update: 2 } as const;

export interface RecordFormNotification {
  message: string;
  level: string;
  uniqueId: string;
}

/**
 * A model-driven record form in a window the Unified Interface keeps across records: xrm-mock's
 * form context with what xrm-mock leaves out made to behave like the platform. Saving a new row
 * creates it through `webApi` (as the signed-in user), turns the form into an update form of that
 * row and runs the PostSave handlers with `getIsSaveSuccess`/`getEntityReference`
 * (save-event-arguments); a refused save runs them with `getIsSaveSuccess() === false` and the form
 * stays new. `removeOnPostSave` removes exactly that handler (xrm-mock's splices the wrong ones).
 */
export function installRecordForm(
  webApi: WebApiHost,
  entityName: string,
  options: { userId: string; id?: string; languageId?: number } = { userId: "" },
) {
  const { recorded } = installXrm(webApi, undefined);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- patching a fake of the platform global
  const xrm = Xrm as unknown as Record<string, any>;
  xrm.Utility.getGlobalContext = () => ({
    getClientUrl: () => "http://127.0.0.1:9",
    userSettings: { languageId: options.languageId ?? 1033, userId: `{${options.userId.toUpperCase()}}` },
  });
  return { recorded, open: (id?: string) => openRecordForm(webApi, entityName, id ?? options.id) };
}

/** A handler takes the platform's PostSave execution context (whatever the script types it as). */
type PostSaveHandler = (context: never) => unknown;

/** One record's form context (a new one when `id` is absent), as the window loads it. */
export function openRecordForm(webApi: WebApiHost, entityName: string, id?: string) {
  let currentId = id;
  let formType: number = id ? FormType.update : FormType.create;
  const handlers: PostSaveHandler[] = [];
  const saveHandlers: PostSaveHandler[] = [];
  const notifications = new Map<string, RecordFormNotification>();
  // The columns the shipped form holds (shown or hidden): only those have attributes.
  const shipped = TABLES.find((t) => t.logicalName === entityName)?.forms[0];
  const attributes = new Map<string, { value: unknown; submit: "always" | "never" | "dirty"; dirty: boolean }>(
    (shipped?.sections ?? [])
      .flatMap((s) => [...s.columns, ...(s.hidden ?? [])])
      .map((name) => [name, { value: null, submit: "dirty", dirty: false }]),
  );
  const form = {
    getAttribute: (name: string) => {
      const a = attributes.get(name);
      if (!a) return null;
      return {
        getValue: () => a.value,
        setValue: (value: unknown) => {
          a.value = value;
          a.dirty = true;
        },
        setSubmitMode: (mode: "always" | "never" | "dirty") => {
          a.submit = mode;
        },
      };
    },
    data: {
      entity: {
        addOnSave: (h: PostSaveHandler) => {
          saveHandlers.push(h);
        },
        removeOnSave: (h: PostSaveHandler) => {
          const i = saveHandlers.indexOf(h);
          if (i >= 0) saveHandlers.splice(i, 1);
        },
        getId: () => (currentId ? `{${currentId.toUpperCase()}}` : ""),
        getEntityName: () => entityName,
        addOnPostSave: (h: PostSaveHandler) => {
          handlers.push(h);
        },
        removeOnPostSave: (h: PostSaveHandler) => {
          const i = handlers.indexOf(h);
          if (i >= 0) handlers.splice(i, 1);
        },
      },
    },
    ui: {
      getFormType: () => formType,
      setFormNotification: (message: string, level: string, uniqueId: string) => {
        notifications.set(uniqueId, { message, level, uniqueId });
        return true;
      },
      clearFormNotification: (uniqueId: string) => notifications.delete(uniqueId),
    },
  };
  /** The OnLoad event's execution context (getDataLoadState: 1 initial load, 2 after a save). */
  const loadContext = (state = 1) => ({
    getFormContext: () => form,
    getEventArgs: () => ({ getDataLoadState: () => state }),
  });
  /**
   * The user fills a column of the form (a lookup's value is `[{ id, name, entityType }]`, as the
   * form gives it; the Web API body of a lookup is passed to `save` as `<nav>@odata.bind`).
   */
  function enter(name: string, value: unknown): void {
    const a = attributes.get(name);
    if (!a) throw new Error(`the ${entityName} form has no column ${name}`);
    a.value = value;
    a.dirty = true;
  }
  /**
   * Save what the user entered: the OnSave handlers run first (preventDefault cancels the save and
   * no PostSave runs); then the body is `values` plus every non-lookup column that is dirty or
   * submitted "always"; resolves when every PostSave handler has finished.
   */
  async function save(input: Record<string, unknown>): Promise<{ ok: boolean; id?: string; prevented?: boolean }> {
    let prevented = false;
    const saveContext = {
      getFormContext: () => form,
      getEventArgs: () => ({
        preventDefault: () => {
          prevented = true;
        },
      }),
    };
    for (const h of [...saveHandlers]) h(saveContext as never);
    if (prevented) return { ok: false, prevented };
    const values = { ...input };
    for (const [name, a] of attributes)
      if (a.submit !== "never" && (a.dirty || a.submit === "always") && !Array.isArray(a.value)) values[name] = a.value;
    let ok = true;
    try {
      // Nothing changed on a saved row: the platform sends no update, and the save succeeds.
      if (currentId && Object.keys(values).length) await webApi.updateRecord(entityName, currentId, values);
      else if (currentId) ok = true;
      else currentId = (await webApi.createRecord(entityName, values)).id;
    } catch {
      ok = false;
    }
    if (ok) {
      formType = FormType.update;
      for (const a of attributes.values()) a.dirty = false;
    }
    const context = {
      getFormContext: () => form,
      getEventArgs: () => ({
        getIsSaveSuccess: () => ok,
        getEntityReference: () => (ok ? { entityType: entityName, id: `{${currentId!.toUpperCase()}}` } : null),
      }),
    };
    await Promise.all([...handlers].map((h) => h(context as never)));
    return { ok, id: currentId };
  }
  return {
    form,
    loadContext,
    save,
    enter,
    handlers,
    saveHandlers,
    notifications,
    notice: () => [...notifications.values()],
  };
}

/**
 * OnLoad of the Outreach exception and Outreach decision forms: a request or decision saved on
 * the model-driven form (not through PartnerGuard's dialogs) sends the same in-app notifications
 * as one made from the card (src/sources/partnerActions.ts `notifyRequested`/`notifyDecided`).
 *
 * On a create form, OnLoad adds one PostSave handler (formContext.data.entity.addOnPostSave,
 * https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/formcontext-data-entity/addonpostsave;
 * its arguments getIsSaveSuccess/getEntityReference:
 * https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/save-event-arguments).
 * The Unified Interface keeps the window (and this script) while the user moves between records,
 * so the handler is registered once per form context, taken off the previous one when another
 * loads, and it acts only on the first successful save of a row the form was creating: a second
 * save of the same form sends nothing more. The outcome is a form notification
 * (formContext.ui.setFormNotification); the saved row stands whatever the notification does.
 */
import { ExceptionRequest, approvedDays, validUntil } from "../src/core/exceptions";
import { OutreachDecision, OutreachExceptionTable } from "../src/schema";
import { readConfig } from "../src/sources/configSource";
import { readSavedDecision, readSavedRequest } from "../src/sources/approvalRecords";
import { NotifyOutcome } from "../src/sources/notifications";
import { notifyDecided, notifyRequested } from "../src/sources/partnerActions";
import { normalizeGuid } from "../src/sources/webApi";
import { actionWording } from "../src/text/auditText";
import { Translate } from "../src/text/translate";
import { LOCALES, makeTranslate } from "../src/text/verdictText";
import { CommandHost } from "./host";

/** XrmEnum.FormType.Create (https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/formcontext-ui/getformtype). */
const FORM_TYPE_CREATE = 1;
/**
 * XrmEnum.FormDataLoadState Save and Refresh (getEventArgs of the OnLoad event,
 * https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/executioncontext/geteventargs):
 * a load after a save or a refresh is the same record, not the next one.
 */
const RELOADS = new Set([2, 3]);
export const NOTICE_ID = "pg-approval-notice";

export interface PostSaveContextLike {
  getEventArgs(): {
    getIsSaveSuccess(): boolean;
    getEntityReference(): { entityType?: string; id?: string } | null | undefined;
  };
  getFormContext(): ApprovalFormLike;
}

type PostSaveHandler = (context: PostSaveContextLike) => Promise<void>;

/** The OnSave event's context (https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/save-event-arguments). */
export interface SaveContextLike {
  getEventArgs(): { preventDefault(): void };
  getFormContext(): ApprovalFormLike;
}

type SaveHandler = (context: SaveContextLike) => void;

/** A form column (formContext.getAttribute): a lookup's value is `[{ id, name, entityType }]`. */
export interface AttributeLike {
  getValue(): unknown;
  setValue(value: unknown): void;
  setSubmitMode(mode: "always" | "never" | "dirty"): void;
}

export interface ApprovalFormLike {
  data: {
    entity: {
      getId(): string;
      getEntityName(): string;
      addOnPostSave(handler: PostSaveHandler): void;
      removeOnPostSave(handler: PostSaveHandler): void;
      addOnSave(handler: SaveHandler): void;
      removeOnSave(handler: SaveHandler): void;
    };
  };
  getAttribute(name: string): AttributeLike | null | undefined;
  ui: {
    getFormType(): number;
    setFormNotification(message: string, level: "INFO" | "WARNING" | "ERROR", uniqueId: string): boolean;
    clearFormNotification(uniqueId: string): boolean;
  };
}

export interface LoadContextLike {
  getFormContext(): ApprovalFormLike;
  getEventArgs?(): { getDataLoadState?(): number } | null | undefined;
}

/** What this window's script knows across records: the form carrying the handler, and the row it is creating. */
interface Registry {
  form?: ApprovalFormLike;
  handler?: PostSaveHandler;
  /** The OnSave handler of the same form (Outreach exception only). */
  saveHandler?: SaveHandler;
  /** The table of the new row the loaded create form is making; cleared by its first successful save. */
  pending?: string;
}

const KEY = "__partnerGuardApprovals";
const TABLES: string[] = [OutreachExceptionTable.logicalName, OutreachDecision.logicalName];

function registryOf(scope: object): Registry {
  const holder = scope as { [KEY]?: Registry };
  return (holder[KEY] ??= {});
}

export function onLoad(host: CommandHost, context: LoadContextLike): void {
  const form = context.getFormContext();
  const table = form.data.entity.getEntityName();
  if (!TABLES.includes(table)) return;
  const registry = registryOf(host.scope ?? globalThis);
  if (RELOADS.has(context.getEventArgs?.()?.getDataLoadState?.() ?? 1)) return;
  // Another record is open: the handler of the previous form context goes, whatever this one is.
  if (registry.form && registry.form !== form && registry.handler) {
    registry.form.data.entity.removeOnPostSave(registry.handler);
    if (registry.saveHandler) registry.form.data.entity.removeOnSave(registry.saveHandler);
    registry.form = registry.handler = registry.saveHandler = undefined;
  }
  if (form.ui.getFormType() !== FORM_TYPE_CREATE) {
    registry.pending = undefined;
    return;
  }
  registry.pending = table;
  if (registry.form === form) return; // the same form context already carries it
  const handler: PostSaveHandler = (c) => onPostSave(host, c);
  form.data.entity.addOnPostSave(handler);
  registry.form = form;
  registry.handler = handler;
  if (table === OutreachExceptionTable.logicalName) {
    const saveHandler: SaveHandler = (c) => onSaveRequest(host, c);
    form.data.entity.addOnSave(saveHandler);
    registry.saveHandler = saveHandler;
  }
}

/**
 * OnSave of a new Outreach exception: the request records the account it was made for
 * (`pg_requestedforaccountid`, hidden on the form, set on create and updated by no profile), as
 * the card's request does; without it the verdict never counts the request (src/core/exceptions.ts:
 * a request counts only for the account it names). The value comes from the form's account lookup
 * at the moment of the save. A form whose hidden column was removed cannot record it: the save is
 * refused with a message rather than creating a request that approvers would approve for nothing.
 */
function onSaveRequest(host: CommandHost, context: SaveContextLike): void {
  const registry = registryOf(host.scope ?? globalThis);
  if (registry.pending !== OutreachExceptionTable.logicalName) return; // only the row being created
  const form = context.getFormContext();
  const lookup = form.getAttribute(OutreachExceptionTable.account)?.getValue();
  const accountId = Array.isArray(lookup) ? normalizeGuid((lookup[0] as { id?: unknown } | undefined)?.id) : undefined;
  if (!accountId) return; // the account is required: the platform refuses the save itself
  const target = form.getAttribute(OutreachExceptionTable.requestedFor);
  if (!target) {
    const t = makeTranslate((key) => host.getString(key));
    context.getEventArgs().preventDefault();
    form.ui.clearFormNotification(NOTICE_ID);
    form.ui.setFormNotification(t("ExceptionForm_NoAccountColumn"), "ERROR", NOTICE_ID);
    return;
  }
  target.setValue(accountId);
  target.setSubmitMode("always");
}

interface FormNotice {
  level: "INFO" | "WARNING";
  text: string;
}

async function onPostSave(host: CommandHost, context: PostSaveContextLike): Promise<void> {
  const registry = registryOf(host.scope ?? globalThis);
  const table = registry.pending;
  if (!table) return;
  const args = context.getEventArgs();
  // A failed save created nothing: the form stays armed for the next attempt.
  if (!args.getIsSaveSuccess()) return;
  const form = context.getFormContext();
  const reference = args.getEntityReference();
  if (reference?.entityType && reference.entityType !== table) return;
  const id = normalizeGuid(reference?.id) ?? normalizeGuid(form.data.entity.getId());
  if (!id) return;
  // Spent before anything is awaited: a second save of this form sends nothing more.
  registry.pending = undefined;
  const t = makeTranslate((key) => host.getString(key));
  let notice: FormNotice;
  try {
    notice =
      table === OutreachDecision.logicalName ? await decisionSaved(host, t, id) : await requestSaved(host, t, id);
  } catch {
    notice = { level: "WARNING", text: t("FormNotice_NotRead") };
  }
  form.ui.clearFormNotification(NOTICE_ID);
  form.ui.setFormNotification(notice.text, notice.level, NOTICE_ID);
}

const wordsOf = (host: CommandHost, t: Translate) => actionWording(t, LOCALES[host.languageId] ?? "en-GB");

async function requestSaved(host: CommandHost, t: Translate, id: string): Promise<FormNotice> {
  const saved = await readSavedRequest(host.webApi, id);
  if (!saved) return { level: "WARNING", text: t("FormNotice_NotRead") };
  const { request } = saved;
  const days = request.requestedDays ?? (await readConfig(host.webApi)).policy.exceptions.defaultDays;
  const outcome = await notifyRequested(host.webApi, wordsOf(host, t), request.id, request.createdBy ?? host.userId, {
    account: saved.accountName ?? t("Account_Unknown"),
    seller: request.requestedBy,
    reason: request.reason as ExceptionRequest["reason"],
    days,
  });
  if (outcome.notified) return { level: "INFO", text: t("Exception_Sent") };
  const names = outcome.failed.map((f) => f.name ?? t("User_Unknown"));
  return {
    level: "WARNING",
    text: names.length ? t("Exception_SentNotNotified", { names: names.join(", ") }) : t("Exception_SentNoApprovers"),
  };
}

async function decisionSaved(host: CommandHost, t: Translate, id: string): Promise<FormNotice> {
  const saved = await readSavedDecision(host.webApi, id);
  // A choice value nobody knows never approves, and is nothing to announce.
  if (!saved || saved.decision.decision === "unknown") return { level: "WARNING", text: t("FormNotice_NotRead") };
  const { request, decision } = saved;
  const approve = decision.decision === "approved";
  let until: string | undefined;
  const decidedOn = Date.parse(decision.createdOn ?? "");
  if (approve && !Number.isNaN(decidedOn)) {
    // The verdict's rule: from the decision's createdon, for its days within the policy's maximum.
    const days = approvedDays(decision, (await readConfig(host.webApi)).policy);
    if (days !== undefined) until = validUntil(decidedOn, days);
  }
  const outcome: NotifyOutcome = await notifyDecided(
    host.webApi,
    wordsOf(host, t),
    request.id,
    { id: request.createdBy, name: request.requestedBy },
    {
      account: saved.accountName ?? t("Account_Unknown"),
      approve,
      validUntil: until,
      approver: decision.createdByName,
      note: decision.note?.trim() || undefined,
    },
  );
  const requester = request.requestedBy ?? t("User_Unknown");
  return outcome.notified
    ? { level: "INFO", text: t("Decision_Sent", { requester }) }
    : { level: "WARNING", text: t("Decision_NotNotified", { requester }) };
}

/** Drop what this window's script remembers (tests start from a new window). */
export function forgetApprovalForms(scope: object = globalThis): void {
  delete (scope as { [KEY]?: Registry })[KEY];
}

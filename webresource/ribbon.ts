/**
 * "Start outreach": the enable rule and the command action behind the account form's button.
 * The rule only decides what the button shows; the action checks again and leaves an audit
 * entry either way, because client-side gating is not security.
 */
import { withheldTenantSource } from "../src/sources/graph/withheldTenant";
import { Account, ENGAGEMENT_ACTIVITY, OUTREACH_ACTIVITY } from "../src/schema";
import { AuditDecision, AuditInput, writeAudit } from "../src/sources/audit";
import { Translate } from "../src/text/translate";
import { auditWording } from "../src/text/auditText";
import { resolveForForm } from "../src/sources/formResolution";
import { Resolution } from "../src/sources/resolver";
import { Verdict } from "../src/core/types";
import { makeTranslate, LOCALES, partnerLabel, verdictLine } from "../src/text/verdictText";
import { normalizeGuid } from "../src/sources/webApi";
import { attributes, condition, fetchXml } from "../src/sources/fetchXml";
import { CommandHost } from "./host";
import { messageOf } from "../src/sources/failures";

/**
 * The platform counts a Promise rule as false after 10 s and does not document what a rejected
 * promise does, so the rule answers within its own, shorter budget and never rejects.
 */
const ENABLE_RULE_BUDGET_MS = 8000;

export interface FormLike {
  data: { entity: { getId(): string; getPrimaryAttributeValue?(): string } };
  getAttribute(name: string): {
    getValue(): unknown;
    /** Xrm: what column security lets this user do with the column. */
    getUserPrivilege?(): { canRead?: boolean };
    /** Xrm: the value was changed on the form and not saved yet. */
    getIsDirty?(): boolean;
  } | null;
  ui: { refreshRibbon(refreshAll?: boolean): void };
}

export function accountIdOf(form: FormLike): string | undefined {
  return normalizeGuid(form.data.entity.getId());
}

function tenantIdOf(form: FormLike): string | undefined {
  const value = form.getAttribute(Account.tenantId)?.getValue();
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/** The column is secured and this user may not read it: the form withholds its value (not the same as empty). */
function tenantWithheld(form: FormLike): boolean {
  return form.getAttribute(Account.tenantId)?.getUserPrivilege?.().canRead === false;
}

/**
 * The tenant id Dataverse holds for the account, read when the form's value was edited and not
 * saved (the verdict is about the record, not about what the seller typed); the form's value
 * otherwise. Undefined for none; `null` when the saved value could not be read.
 */
async function savedTenantId(host: CommandHost, form: FormLike, accountId: string): Promise<string | undefined | null> {
  if (!form.getAttribute(Account.tenantId)?.getIsDirty?.()) return tenantIdOf(form);
  try {
    const query = fetchXml(
      Account.logicalName,
      attributes([Account.id, Account.tenantId]) + `<filter>${condition(Account.id, "eq", accountId)}</filter>`,
    );
    const { entities } = await host.webApi.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${query}`);
    const value = entities[0]?.[Account.tenantId];
    return typeof value === "string" && value.trim() ? value.trim() : undefined;
  } catch {
    return null;
  }
}

/**
 * The verdict for the form's account. The command's re-check (`fresh`) asks about the saved
 * tenant id, never an unsaved edit of it; the enable rule (display only) follows the form.
 */
export async function resolveForAccount(
  host: CommandHost,
  form: FormLike,
  accountId: string,
  fresh: boolean,
): Promise<Resolution> {
  const tenantId = fresh ? await savedTenantId(host, form, accountId) : tenantIdOf(form);
  // A withheld tenant id (or a saved one that could not be read): Graph's part fails closed where Graph is on, as on the card.
  const withheld = tenantWithheld(form) || tenantId === null;
  return resolveForForm(
    {
      webApi: host.webApi,
      userId: host.userId,
      storage: host.storage,
      configCache: host.configCache,
      scope: host.scope,
      ...(withheld ? { extraSources: [withheldTenantSource] } : {}),
    },
    accountId,
    withheld ? undefined : (tenantId ?? undefined),
    fresh || withheld,
  );
}

/** Enable rule: true only for an `allowed` verdict, within the budget; false on anything else. */
export async function isOutreachEnabled(
  host: CommandHost,
  form: FormLike,
  budgetMs = ENABLE_RULE_BUDGET_MS,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const accountId = accountIdOf(form);
    if (!accountId) return false;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), budgetMs);
    });
    const decided = resolveForAccount(host, form, accountId, false).then((r) => r.verdict.outreach === "allowed");
    return await Promise.race([decided, late]);
  } catch {
    return false; // fail closed; the card shows why
  } finally {
    clearTimeout(timer);
  }
}

function decisionOf(verdict: Verdict): AuditDecision {
  if (verdict.outreach !== "allowed") return "blocked";
  return verdict.exception ? "allowed-by-exception" : "allowed";
}

/** Writes the audit entry; when it cannot, says so and answers false (nothing may open then). */
async function auditOrExplain(host: CommandHost, t: Translate, input: AuditInput): Promise<boolean> {
  try {
    await writeAudit(host.webApi, auditWording(t), input);
    return true;
  } catch (error) {
    await host.alert(t("Outreach_BlockedTitle"), t("Outreach_AuditFailed", { message: messageOf(error) }));
    return false;
  }
}

type OutreachOutcome = "opened" | "blocked" | "engage" | "audit-failed" | "not-saved";

/** Command action: check again, write the audit entry, then open the activity or explain. */
export async function startOutreach(
  host: CommandHost,
  form: FormLike,
  now: () => number = Date.now,
): Promise<OutreachOutcome> {
  const t = makeTranslate((key) => host.getString(key));
  const locale = LOCALES[host.languageId] ?? "en-GB";
  const accountId = accountIdOf(form);
  if (!accountId) {
    await host.alert(t("Outreach_BlockedTitle"), t("Outreach_NotSaved"));
    return "not-saved";
  }
  const accountName = form.data.entity.getPrimaryAttributeValue?.() ?? "";
  // The data may have changed since the form loaded: a fresh resolution, shared with the card.
  const { verdict } = await resolveForAccount(host, form, accountId, true);
  const audit = (decision: AuditDecision) =>
    auditOrExplain(host, t, { verdict, decision, accountId, accountName, now: now() });
  if (!(await audit(decisionOf(verdict)))) return "audit-failed";
  if (verdict.outreach === "allowed") {
    await host.openForm(
      { entityName: OUTREACH_ACTIVITY },
      {
        regardingobjectid: accountId,
        regardingobjectidname: accountName,
        regardingobjectidtype: Account.logicalName,
        subject: t("Outreach_Subject", { account: accountName }),
      },
    );
    return "opened";
  }
  const por = verdict.partnerOfRecord;
  const text = por
    ? `${verdictLine(t, verdict, locale)}\n\n${t("Outreach_IncludePartner", { partner: partnerLabel(t, por) })}`
    : verdictLine(t, verdict, locale);
  if (!por) {
    await host.alert(t("Outreach_BlockedTitle"), text);
    return "blocked";
  }
  const engage = await host.confirm(t("Outreach_BlockedTitle"), text, t("Outreach_EngagePartner"), t("Outreach_Close"));
  if (!engage) return "blocked";
  // The seller chose to include the partner: that choice is audited like the card's engagement,
  // then a task regarding the account opens for the partner manager (the seller saves it).
  if (!(await audit("engaged-partner"))) return "audit-failed";
  await host.openForm(
    { entityName: ENGAGEMENT_ACTIVITY.logicalName },
    {
      regardingobjectid: accountId,
      regardingobjectidname: accountName,
      regardingobjectidtype: Account.logicalName,
      subject: t("Outreach_EngageSubject", { partner: partnerLabel(t, por), account: accountName }),
    },
  );
  return "engage";
}

/**
 * Contacts (issue 25): Start outreach on contact views, contact subgrids and the contact form, and
 * the rules of the gated out-of-box commands there. Each contact is judged through its account
 * (`parentcustomerid` when it is an account; `resolveContactSelection`): the read of the contacts
 * and the account selection's one request per table, issued together (one round trip: the
 * accounts' queries reach the contacts' DISTINCT accounts), so several contacts of one account are
 * judged once and its verdict covers them all.
 *
 * - A contact without an account (no company, or another contact as company) blocks nothing: the
 *   rules count it as cleared and the action reaches it, with an audit entry that names no account.
 * - A contact that cannot be read (deleted, or beyond what the seller may see), or every contact
 *   when the read fails, is "could not be verified" (fail closed): listed, nothing opens for it.
 * - Rules: Start outreach is on when at least one selected contact is cleared (its account allowed,
 *   or no account), as on accounts; the gated commands only when every one is. Each answers within
 *   the form's budget and never rejects.
 * - Why a command is off (a false rule HIDES it, platform-facts A3): on grids the account grids'
 *   app notification, one per selection, with "Show why" listing the accounts not cleared, their
 *   contacts, partner and reason from the answer the rule already has (no request). On the form a
 *   form notification (formContext.ui.setFormNotification): it works on every contact form,
 *   Microsoft's included, where PartnerGuard's card is not; on the "Contact (PartnerGuard)" form
 *   the card says the same at length.
 * - On that form the rules ask nothing themselves: they take the card's resolution of the saved
 *   company (`resolutionAskedWith`, the shared registry), so the command bar and the card agree,
 *   Graph included, and a changed verdict on the card refreshes the command bar.
 * - The outreach: one phone call per contact, REGARDING THE CONTACT (the seller's unit of work; the
 *   relationship Contact_Phonecalls, and the account's Activities view rolls up activities of its
 *   contacts, RollupType.Related: learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/gg308245),
 *   and one audit entry per account checked, NAMING THE ACCOUNT (the verdict is the account's;
 *   its history on the card is per account) with the contacts reached as a detail line. The audit
 *   entry comes first: an account whose check cannot be recorded gets no phone call for any of
 *   its contacts.
 */
import { Verdict } from "../src/core/types";
import { Account, Contact, OUTREACH_ACTIVITY, OUTREACH_ACTIVITY_REGARDING_CONTACT } from "../src/schema";
import { writeAudit } from "../src/sources/audit";
import { engagePartner } from "../src/sources/partnerActions";
import { messageOf, withTimeout } from "../src/sources/failures";
import { MAX_SELECTION, resolveSelection, selectionKey } from "../src/sources/selectionResolution";
import {
  ContactSelection,
  contactOutreach,
  everyContactAllowed,
  resolveContactSelection,
} from "../src/sources/contactSelection";
import { normalizeGuid } from "../src/sources/webApi";
import { replaceFormListener, resolutionAskedWith } from "../src/sources/sharedResolution";
import { DATAVERSE_SOURCE } from "../src/sources/dataverseSource";
import { GRAPH_SOURCE } from "../src/sources/graph/graphApi";
import { Translate } from "../src/text/translate";
import { actionWording } from "../src/text/auditText";
import { CommandHost } from "./host";
import {
  ENABLE_RULE_BUDGET_MS,
  SelectedControlLike,
  WRITE_TIMEOUT_MS,
  allowed,
  decisionOf,
  inTurns,
  replaceNotice,
  translator,
  whyLine,
} from "./grid";

type Standing = ReturnType<typeof contactOutreach>;

const depsOf = (host: CommandHost) => ({
  webApi: host.webApi,
  userId: host.userId,
  configCache: host.configCache,
  scope: host.scope,
});

function contactsOf(host: CommandHost, ids: readonly unknown[], fresh: boolean): Promise<ContactSelection> {
  return resolveContactSelection(depsOf(host), Array.isArray(ids) ? ids : [], fresh);
}

const cleared = (o: Standing) => o === "allowed" || o === "none";

/** Start outreach's rule: at least one selected contact cleared (its account allowed, or none). */
export function someContactCleared(selection: ContactSelection): boolean {
  return selection.status === "ok" && selection.ids.some((id) => cleared(contactOutreach(selection, id)));
}

/** Answers within the budget: false when late, on an error, or for a selection that cannot be checked. */
async function withinBudget<T>(work: () => Promise<T>, decide: (value: T) => boolean, budgetMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), budgetMs);
    });
    return await Promise.race([work().then(decide), late]);
  } catch {
    return false; // fail closed
  } finally {
    clearTimeout(timer);
  }
}

function gridRule(
  host: CommandHost,
  ids: readonly unknown[],
  decide: (selection: ContactSelection) => boolean,
  budgetMs: number,
  explain: boolean,
): Promise<boolean> {
  return withinBudget(
    () =>
      contactsOf(host, ids, false).then((selection) => {
        // The notice is a help, never the rule's answer.
        if (explain) explainContacts(host, selection).catch(() => undefined);
        return selection;
      }),
    decide,
    budgetMs,
  );
}

/** Start outreach on contact grids: on when at least one selected contact is cleared. */
export function isContactOutreachEnabled(
  host: CommandHost,
  ids: readonly unknown[],
  budgetMs = ENABLE_RULE_BUDGET_MS,
): Promise<boolean> {
  return gridRule(host, ids, someContactCleared, budgetMs, true);
}

/** The gated out-of-box commands on contact grids: every selected contact's account allowed (or none). */
export function isEveryContactSelectedAllowed(
  host: CommandHost,
  ids: readonly unknown[],
  budgetMs = ENABLE_RULE_BUDGET_MS,
): Promise<boolean> {
  return gridRule(host, ids, everyContactAllowed, budgetMs, true);
}

/**
 * "Quick campaign: all records on current page" on contact grids (SelectedControlAllItemIds). It
 * leaves the selection's notification alone: a notice about the page would replace it.
 */
export function isEveryContactOnPageAllowed(
  host: CommandHost,
  ids: readonly unknown[],
  budgetMs = ENABLE_RULE_BUDGET_MS,
): Promise<boolean> {
  return gridRule(host, ids, everyContactAllowed, budgetMs, false);
}

// ---- Words ----------------------------------------------------------------------------------------

const contactName = (s: ContactSelection, id: string) => s.names.get(id) ?? id;
const accountName = (s: ContactSelection, account: string) => s.accounts?.names.get(account) ?? account;
const verdictOf = (s: ContactSelection, account: string) => s.accounts?.verdicts.get(account);

/** The selected contacts not cleared: read ones by account (in selection order), and the unreadable ones. */
function notClearedOf(s: ContactSelection): { byAccount: Map<string, string[]>; unreadable: string[] } {
  const byAccount = new Map<string, string[]>();
  const unreadable: string[] = [];
  for (const id of s.ids) {
    if (cleared(contactOutreach(s, id))) continue;
    const account = s.status === "ok" ? s.accountOf.get(id) : undefined;
    if (!account) unreadable.push(id);
    else byAccount.set(account, [...(byAccount.get(account) ?? []), id]);
  }
  return { byAccount, unreadable };
}

function notClearedText(host: CommandHost, t: Translate, s: ContactSelection): string {
  const { byAccount, unreadable } = notClearedOf(s);
  const count = unreadable.length + [...byAccount.values()].reduce((n, list) => n + list.length, 0);
  const lines = [t("ContactGrid_NotClearedIntro", { count })];
  for (const [account, contacts] of byAccount) {
    const verdict = verdictOf(s, account);
    lines.push(
      t("ContactGrid_AccountLine", {
        account: accountName(s, account),
        contacts: contacts.map((id) => contactName(s, id)).join(", "),
        reason: verdict ? whyLine(host, t, verdict) : t("ContactGrid_NotRead"),
      }),
    );
  }
  for (const id of unreadable) lines.push(t("ContactGrid_UnreadableLine", { contact: contactName(s, id) }));
  return lines.join("\n");
}

/** One app notification per selection that holds contacts not cleared; none when it is fine. */
export async function explainContacts(host: CommandHost, s: ContactSelection): Promise<void> {
  const count = s.status === "ok" ? s.ids.filter((id) => !cleared(contactOutreach(s, id))).length : 0;
  const problem = s.status === "over-limit" || s.status === "failed" || count > 0;
  await replaceNotice(
    host,
    problem ? `contact:${s.status}:${selectionKey(s.ids)}` : "",
    (t) =>
      s.status === "over-limit"
        ? t("ContactGrid_NoticeOverLimit", { count: s.ids.length, max: MAX_SELECTION })
        : s.status === "failed"
          ? t("ContactGrid_NoticeFailed")
          : t("ContactGrid_Notice", { count, total: s.ids.length }),
    async () => {
      const t = translator(host);
      if (s.status === "over-limit")
        await host.alert(
          t("ContactGrid_Title"),
          t("ContactGrid_OverLimit", { count: s.ids.length, max: MAX_SELECTION }),
        );
      else if (s.status === "failed") await host.alert(t("ContactGrid_Title"), t("ContactGrid_ReadFailed"));
      else await host.alert(t("Grid_WhyTitle"), notClearedText(host, t, s));
    },
  );
}

// ---- The action -------------------------------------------------------------------------------------

export interface ContactOutreachOutcome {
  /** Contacts cleared at the re-check: their account allowed, or no account. */
  cleared: string[];
  /** Of those, the contacts without an account. */
  noAccount: string[];
  /** Contacts not cleared (account blocked or not verified, or the contact not read). */
  notCleared: string[];
  /** Accounts whose partner was engaged (task and audit entry written). */
  engaged: string[];
  /** Contacts for which outreach started (audit entry written, phone call created). */
  started: string[];
  /** What could not be written: per contact (audit, activity) or per account (engage). */
  failed: { id: string; step: "audit" | "activity" | "engage"; message: string }[];
  /** The seller stopped before any outreach (or there was nothing to do). */
  cancelled: boolean;
}

/** A verdict for a contact without an account: nothing to check, nothing blocks. */
function noAccountVerdict(now: number): Verdict {
  return {
    accountId: "",
    outreach: "allowed",
    evidence: [],
    reasons: [],
    sources: [],
    evaluatedAt: new Date(now).toISOString(),
  };
}

/**
 * Command action: judge the contacts again (fresh), list those not cleared by account with partner
 * and reason and offer to engage those partners, then, once the seller confirms, per account
 * cleared its audit entry and a phone call regarding each of its contacts; per contact without an
 * account an audit entry and its phone call.
 */
export async function startContactOutreach(
  host: CommandHost,
  ids: readonly unknown[],
  selectedControl?: SelectedControlLike,
  now: () => number = Date.now,
): Promise<ContactOutreachOutcome> {
  const t = translator(host);
  const outcome: ContactOutreachOutcome = {
    cleared: [],
    noAccount: [],
    notCleared: [],
    engaged: [],
    started: [],
    failed: [],
    cancelled: true,
  };
  // Client-side gating is convenience: the data may have changed since the rule ran.
  const s = await contactsOf(host, ids, true);
  selectedControl?.refreshRibbon?.();
  if (s.status !== "ok") {
    await host.alert(
      t("ContactGrid_Title"),
      s.status === "empty"
        ? t("ContactGrid_NothingSelected")
        : s.status === "over-limit"
          ? t("ContactGrid_OverLimit", { count: s.ids.length, max: MAX_SELECTION })
          : t("ContactGrid_ReadFailed"),
    );
    return outcome;
  }
  for (const id of s.ids) {
    const standing = contactOutreach(s, id);
    if (cleared(standing)) outcome.cleared.push(id);
    else outcome.notCleared.push(id);
    if (standing === "none") outcome.noAccount.push(id);
  }
  const words = actionWording(t);
  const contactsLine = (contacts: string[]) =>
    t("ContactGrid_AuditContacts", { contacts: contacts.map((id) => contactName(s, id)).join(", ") });
  const audit = (account: string | undefined, contacts: string[], decision: "blocked" | undefined) => {
    const verdict = account ? (verdictOf(s, account) as Verdict) : noAccountVerdict(now());
    return withTimeout(
      writeAudit(host.webApi, words.audit, {
        verdict,
        decision: decision ?? decisionOf(verdict),
        accountId: account ?? "",
        accountName: account
          ? accountName(s, account)
          : t("ContactGrid_NoAccountName", { contact: contactName(s, contacts[0]) }),
        now: now(),
        details: [
          account ? contactsLine(contacts) : t("ContactGrid_AuditNoAccount", { contact: contactName(s, contacts[0]) }),
        ],
      }),
      WRITE_TIMEOUT_MS,
      "saving the audit entry",
    );
  };

  // Every check at the moment of outreach leaves a trace, the blocked ones too: one entry per
  // account read. A contact or an account that was not read has no row to record it on.
  const { byAccount } = notClearedOf(s);
  const blockedAccounts = [...byAccount.keys()].filter((account) => s.accounts?.names.has(account));
  const blockedAudits = await inTurns(blockedAccounts, (account) =>
    audit(account, byAccount.get(account) ?? [], "blocked").then(
      () => undefined,
      (error: unknown) => ({ ids: byAccount.get(account) ?? [], message: messageOf(error) }),
    ),
  );
  for (const failure of blockedAudits)
    if (failure) for (const id of failure.ids) outcome.failed.push({ id, step: "audit", message: failure.message });

  if (outcome.notCleared.length) {
    const text = notClearedText(host, t, s);
    const engageable = [...byAccount.keys()].filter((account) => verdictOf(s, account)?.partnerOfRecord);
    if (engageable.length) {
      const engage = await host.confirm(
        t("ContactGrid_Title"),
        `${text}\n\n${t("Grid_EngageOffer", { count: engageable.length })}`,
        t("Grid_EngagePartners"),
        t(outcome.cleared.length ? "Grid_Skip" : "Outreach_Close"),
      );
      if (engage) {
        const engaged = await inTurns(engageable, (account) =>
          engagePartner(
            {
              host: host.webApi,
              words,
              actor: { userId: host.userId },
              accountId: account,
              accountName: accountName(s, account),
              now,
            },
            verdictOf(s, account) as Verdict,
            "",
          ).then(
            () => undefined,
            (error: unknown) => ({ id: account, step: "engage" as const, message: messageOf(error) }),
          ),
        );
        engaged.forEach((failure, i) => (failure ? outcome.failed.push(failure) : outcome.engaged.push(engageable[i])));
      }
    } else if (!outcome.cleared.length) {
      await host.alert(t("ContactGrid_Title"), text);
    }
  }

  if (outcome.cleared.length) {
    const lines = outcome.cleared.map((id) => {
      const account = s.accountOf.get(id);
      return account
        ? t("ContactGrid_ContactLine", { contact: contactName(s, id), account: accountName(s, account) })
        : t("ContactGrid_ContactLineNoAccount", { contact: contactName(s, id) });
    });
    const proceed = await host.confirm(
      t("ContactGrid_Title"),
      `${t("ContactGrid_ProceedText", { count: outcome.cleared.length })}\n${lines.join("\n")}`,
      t("Grid_Proceed"),
      t("Grid_Cancel"),
    );
    if (proceed) {
      outcome.cancelled = false;
      // The units of work: each allowed account with its contacts (judged and audited once), and each contact without one.
      const units: { account?: string; contacts: string[] }[] = [];
      const byCleared = new Map<string, string[]>();
      for (const id of outcome.cleared) {
        const account = s.accountOf.get(id);
        if (!account) units.push({ contacts: [id] });
        else if (byCleared.has(account)) byCleared.get(account)?.push(id);
        else {
          const contacts = [id];
          byCleared.set(account, contacts);
          units.push({ account, contacts });
        }
      }
      const results = await inTurns(units, async ({ account, contacts }) => {
        const failures: ContactOutreachOutcome["failed"] = [];
        // The audit entry first: an account whose check cannot be recorded gets nothing.
        try {
          await audit(account, contacts, undefined);
        } catch (error) {
          const message = messageOf(error);
          return contacts.map((id) => ({ id, step: "audit" as const, message }));
        }
        for (const id of contacts) {
          const subject = account
            ? t("ContactGrid_Subject", { contact: contactName(s, id), account: accountName(s, account) })
            : t("ContactGrid_SubjectNoAccount", { contact: contactName(s, id) });
          try {
            await withTimeout(
              host.webApi.createRecord(OUTREACH_ACTIVITY, {
                subject: subject.slice(0, 200),
                [`${OUTREACH_ACTIVITY_REGARDING_CONTACT}@odata.bind`]: `/${Contact.entitySet}(${id})`,
              }),
              WRITE_TIMEOUT_MS,
              `saving ${OUTREACH_ACTIVITY}`,
            );
            outcome.started.push(id);
          } catch (error) {
            failures.push({ id, step: "activity" as const, message: messageOf(error) });
          }
        }
        return failures;
      });
      for (const list of results) outcome.failed.push(...list);
      // In the selection's order, whatever order the writes finished in.
      outcome.started = outcome.cleared.filter((id) => outcome.started.includes(id));
    }
  }

  if (outcome.started.length || outcome.engaged.length || outcome.failed.length)
    await host.alert(t("ContactGrid_Title"), summary(t, s, outcome));
  return outcome;
}

function summary(t: Translate, s: ContactSelection, outcome: ContactOutreachOutcome): string {
  const lines: string[] = [];
  if (outcome.started.length) lines.push(t("ContactGrid_Started", { count: outcome.started.length }));
  if (outcome.engaged.length) lines.push(t("Grid_Engaged", { count: outcome.engaged.length }));
  const failed = (step: ContactOutreachOutcome["failed"][number]["step"], intro: string) => {
    const list = outcome.failed.filter((f) => f.step === step);
    if (!list.length) return;
    lines.push("", t(intro));
    for (const f of list)
      lines.push(
        t("Grid_FailedLine", {
          account: step === "engage" ? accountName(s, f.id) : contactName(s, f.id),
          message: f.message,
        }),
      );
  };
  failed("audit", "ContactGrid_AuditFailed");
  failed("activity", "ContactGrid_ActivityFailed");
  failed("engage", "Grid_EngageFailed");
  return lines.join("\n");
}

// ---- The contact form -------------------------------------------------------------------------------

/** What the contact form passes as PrimaryControl: only what the rules and the action use. */
export interface ContactFormLike {
  data: { entity: { getId(): string } };
  getAttribute(name: string): { getValue(): unknown; getIsDirty?(): boolean } | null;
  /** Xrm: the form's control of that name, null when the form has none (PartnerGuard's card is bound to `Contact.status`). */
  getControl?(name: string): unknown;
  ui?: {
    refreshRibbon?(refreshAll?: boolean): void;
    setFormNotification?(message: string, level: "ERROR" | "WARNING" | "INFO", uniqueId: string): boolean;
    clearFormNotification?(uniqueId: string): boolean;
  };
}

/** The form notification's id (one per form: set, replaced or cleared by the rules). */
export const CONTACT_FORM_NOTIFICATION = "pg.contact.outreach";

/** How the contact on the form stands, through the company the form holds now. */
interface FormJudgement {
  standing: Standing;
  account?: string;
  accountName?: string;
  verdict?: Verdict;
}

async function judgeForm(host: CommandHost, form: ContactFormLike, budgetMs: number): Promise<FormJudgement> {
  const company = form.getAttribute(Contact.company);
  if (!company) {
    // A form without the company column: the saved company is read.
    const s = await contactsOf(host, [form.data.entity.getId()], false);
    const id = s.ids[0];
    const account = s.status === "ok" ? s.accountOf.get(id) : undefined;
    return {
      standing: id ? contactOutreach(s, id) : "unverified",
      account,
      accountName: account ? accountName(s, account) : undefined,
      verdict: account ? verdictOf(s, account) : undefined,
    };
  }
  const value = company.getValue();
  const first = (Array.isArray(value) ? value[0] : undefined) as
    { id?: unknown; entityType?: unknown; name?: unknown } | undefined;
  if (!first || first.entityType !== Account.logicalName) return { standing: "none" }; // no company, or a contact
  const account = normalizeGuid(first.id);
  if (!account) return { standing: "unverified" };
  if (cardOnForm(form) && !company.getIsDirty?.()) {
    // The card on this form judges the saved company: its resolution, adopted with no request.
    followCard(host, form, account);
    const resolution = await resolutionAskedWith(account, CARD_SOURCES, budgetMs, host.scope ?? globalThis);
    const verdict = resolution?.verdict;
    return {
      standing: standingOf(verdict),
      account,
      accountName: typeof first.name === "string" && first.name.trim() ? first.name : account,
      verdict,
    };
  }
  const s = await resolveSelection(depsOf(host), [account], false);
  const verdict = s.verdicts.get(account);
  return { standing: standingOf(verdict), account, accountName: s.names.get(account) ?? account, verdict };
}

const standingOf = (verdict: Verdict | undefined): Standing =>
  allowed(verdict) ? "allowed" : verdict?.outreach === "blocked" ? "blocked" : "unverified";

/** The sources the card asks (Graph included, where it applies): a resolution asked so is the card's. */
const CARD_SOURCES = [DATAVERSE_SOURCE, GRAPH_SOURCE];

/**
 * Whether PartnerGuard's card is on this form ("Contact (PartnerGuard)"): the control bound to the
 * contact's status column. Microsoft's contact form does not hold that column, so `getControl`
 * answers null there (formContext.ui.controls / getControl, client API reference).
 */
function cardOnForm(form: ContactFormLike): boolean {
  try {
    return !!form.getControl?.(Contact.status);
  } catch {
    return false;
  }
}

/**
 * The command bar follows the card: when the card resolves the account anew (Retry, a write) and
 * the verdict changes, this form's command bar is refreshed (its rules then adopt the new one).
 * One listener per window: the Unified Interface never unloads a form script.
 */
function followCard(host: CommandHost, form: ContactFormLike, account: string): void {
  replaceFormListener(
    account,
    (_resolution, changed, asked) => {
      if (changed && CARD_SOURCES.every((s) => asked.sources.includes(s))) form.ui?.refreshRibbon?.(false);
    },
    host.scope ?? globalThis,
  );
}

const shownOnForm = new WeakMap<object, string>();

/** Set, replace or clear the form's notification (only when its text changes). */
function explainOnForm(host: CommandHost, form: ContactFormLike, judged: FormJudgement): void {
  const t = translator(host);
  const text = cleared(judged.standing)
    ? ""
    : t(judged.standing === "blocked" ? "ContactForm_Blocked" : "ContactForm_Unverified", {
        account: judged.accountName ?? "",
        reason: judged.verdict ? whyLine(host, t, judged.verdict) : t("ContactGrid_NotRead"),
      });
  if ((shownOnForm.get(form) ?? "") === text) return;
  shownOnForm.set(form, text);
  if (text) form.ui?.setFormNotification?.(text, "WARNING", CONTACT_FORM_NOTIFICATION);
  else form.ui?.clearFormNotification?.(CONTACT_FORM_NOTIFICATION);
}

/**
 * The contact form's rule, for Start outreach and the gated commands alike (one contact: "at least
 * one" and "every" agree): the company as the form holds it now (a changed company is a new
 * question); without an account, nothing to block. Shows or clears the form notification.
 */
export function isContactFormAllowed(
  host: CommandHost,
  form: ContactFormLike,
  budgetMs = ENABLE_RULE_BUDGET_MS,
): Promise<boolean> {
  return withinBudget(
    () =>
      judgeForm(host, form, budgetMs).then((judged) => {
        try {
          explainOnForm(host, form, judged);
        } catch {
          // the notice is a help, never the rule's answer
        }
        return judged;
      }),
    (judged) => cleared(judged.standing),
    budgetMs,
  );
}

/**
 * The form's Start outreach: the contact as saved, judged afresh, through the same steps as a
 * selection of one. A new contact (no id yet) is asked to be saved first.
 */
export async function startContactFormOutreach(
  host: CommandHost,
  form: ContactFormLike,
  now: () => number = Date.now,
): Promise<ContactOutreachOutcome | undefined> {
  const id = normalizeGuid(form.data.entity.getId());
  if (!id) {
    const t = translator(host);
    await host.alert(t("ContactGrid_Title"), t("ContactForm_SaveFirst"));
    return undefined;
  }
  return startContactOutreach(host, [id], { refreshRibbon: () => form.ui?.refreshRibbon?.() }, now);
}

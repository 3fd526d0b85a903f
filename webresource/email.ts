/**
 * The email form: an email whose regarding record or any recipient belongs to an account whose
 * outreach is not allowed cannot be sent.
 *
 * How, without shipping Microsoft's email form (a form in a solution replaces the whole form):
 * - PartnerGuard adds one button to the email form's command bar (Solution/Entities/email/RibbonDiff.xml).
 *   Its CustomRule (`PrimaryControl`) is evaluated when the command bar is drawn and on every
 *   `refreshRibbon`, so it runs on every email form. It judges the parties, shows or clears one form
 *   notification (`formContext.ui.setFormNotification`, WARNING) naming the accounts, their partners
 *   and how to include the partner, and, once per form, registers
 *   - `addOnChange` on `to`, `cc`, `bcc` and `regardingobjectid` → `refreshRibbon()`: a changed
 *     recipient list is judged again (only what is new is read, as ONE `$batch` request when the
 *     host can post one: `CommandHost.batch`, src/sources/webApiBatch.ts);
 *   - `formContext.data.entity.addOnSave` → the Send guard.
 * - The Send guard: the OnSave event's `getSaveMode()` is 7 for Send (clientapi
 *   save-event-arguments/getsavemode); `preventDefault()` cancels it and may only be called
 *   synchronously (clientapi reference/events/form-onsave.md). So the guard decides from the latest
 *   judgement of exactly the parties on the form: no judgement yet, another set of parties, or not
 *   allowed → the send is cancelled and the notification says why. Allowed → it returns a promise
 *   that writes one audit entry per account concerned (as Start outreach does); the platform waits
 *   for a promise an OnSave handler returns, up to 10 s, before it saves (form-onsave.md,
 *   "Asynchronous event handler support"), so the audit is written before the send goes on.
 *   A rejected or timed-out promise does not stop the save (same page): an audit entry that cannot be
 *   written is said on the form; the send has started by then.
 *
 * Microsoft's Send command (`Mscrm.Form.email.Send`) is not redefined: its real CommandDefinition
 * (actions and rules) was not found in any export we could read, and a redefinition without its
 * action would break Send. Client-side gating is not security (see docs/admin.md).
 */
import { Verdict } from "../src/core/types";
import { EmailForm } from "../src/schema";
import { AuditDecision, writeAudit } from "../src/sources/audit";
import {
  EmailJudgement,
  EmailState,
  Party,
  judgeEmail,
  newEmailState,
  partiesKey,
  partiesOf,
} from "../src/sources/emailRecipients";
import { MAX_SELECTION } from "../src/sources/selectionResolution";
import { batchedReads } from "../src/sources/webApiBatch";
import { messageOf, withTimeout } from "../src/sources/failures";
import { auditWording } from "../src/text/auditText";
import { Translate } from "../src/text/translate";
import { LOCALES, makeTranslate, verdictLine } from "../src/text/verdictText";
import { CommandHost } from "./host";

const RULE_BUDGET_MS = 8000;
/** The platform waits 10 s for an OnSave promise; the audit must be done before. */
const AUDIT_BUDGET_MS = 9000;
const NOTIFICATION_ID = "partnerguard.email";

interface AttributeLike {
  getValue(): unknown;
  addOnChange?(handler: () => void): void;
}

export interface SaveContextLike {
  getEventArgs(): { getSaveMode(): number; preventDefault(): void };
}

export interface EmailFormLike {
  data: { entity: { addOnSave?(handler: (context: SaveContextLike) => unknown): void } };
  getAttribute(name: string): AttributeLike | null;
  ui: {
    refreshRibbon(refreshAll?: boolean): void;
    setFormNotification?(message: string, level: "ERROR" | "WARNING" | "INFO", uniqueId: string): boolean;
    clearFormNotification?(uniqueId: string): boolean;
  };
}

interface FormState {
  memory: EmailState;
  registered: boolean;
  /** The newest judgement, and the one in flight. */
  last?: EmailJudgement;
  pending?: Promise<EmailJudgement>;
  pendingKey?: string;
  notice?: string;
}

const STATES = new WeakMap<object, FormState>();

function stateOf(form: EmailFormLike): FormState {
  let state = STATES.get(form);
  if (!state) {
    state = { memory: newEmailState(), registered: false };
    STATES.set(form, state);
  }
  return state;
}

/** The regarding record and every recipient on the form. */
export function partiesOnForm(form: EmailFormLike): Party[] {
  const value = (name: string) => form.getAttribute(name)?.getValue();
  const regarding = value(EmailForm.regarding);
  return [
    ...partiesOf("regarding", regarding),
    ...partiesOf("to", value(EmailForm.to)),
    ...partiesOf("cc", value(EmailForm.cc)),
    ...partiesOf("bcc", value(EmailForm.bcc)),
  ];
}

const translator = (host: CommandHost): Translate => makeTranslate((key) => host.getString(key));
const partyNames = (parties: Party[]) => [...new Set(parties.map((p) => p.name || p.id || "?"))].join(", ");

/** The notification's words for a judgement that is not allowed; undefined when it is. */
export function noticeText(host: CommandHost, judgement: EmailJudgement): string | undefined {
  if (judgement.allowed) return undefined;
  const t = translator(host);
  if (judgement.overLimit) return t("Email_OverLimit", { count: judgement.overLimit, max: MAX_SELECTION });
  const locale = LOCALES[host.languageId] ?? "en-GB";
  const lines: string[] = [];
  const notCleared = judgement.accounts.filter((a) => a.verdict.outreach !== "allowed");
  if (notCleared.length)
    lines.push(
      t("Email_Blocked", {
        accounts: notCleared
          .map((a) =>
            t("Email_AccountLine", {
              account: a.name ?? a.id,
              parties: partyNames(a.parties),
              reason: verdictLine(t, a.verdict, locale),
            }),
          )
          .join(" "),
      }),
    );
  if (judgement.unverified.length)
    lines.push(t("Email_Unverified", { parties: partyNames(judgement.unverified.map((u) => u.party)) }));
  return lines.join(" ");
}

function show(host: CommandHost, form: EmailFormLike, state: FormState, text: string | undefined): void {
  if (text === state.notice) return;
  state.notice = text;
  if (text) form.ui.setFormNotification?.(text, "WARNING", NOTIFICATION_ID);
  else form.ui.clearFormNotification?.(NOTIFICATION_ID);
}

/** Judge the parties on the form now (the same set in flight is shared). */
export function judgeForm(host: CommandHost, form: EmailFormLike, fresh = false): Promise<EmailJudgement> {
  const state = stateOf(form);
  const parties = partiesOnForm(form);
  const key = partiesKey(parties);
  if (state.pending && state.pendingKey === key) return state.pending;
  // The first judgement's reads go out in parallel (one request per source, one round trip); a
  // judgement after it (a changed recipient) sends what it reads as one `$batch` request.
  const batched = !!host.batch && !fresh && state.last !== undefined;
  const webApi = batched && host.batch ? batchedReads(host.webApi, host.batch) : host.webApi;
  const pending = judgeEmail(
    { webApi, userId: host.userId, configCache: host.configCache, scope: host.scope },
    parties,
    state.memory,
    fresh,
    batched,
  ).then((judgement) => {
    // Newest wins: a judgement of parties no longer on the form changes nothing.
    if (partiesKey(partiesOnForm(form)) === judgement.key) {
      state.last = judgement;
      show(host, form, state, noticeText(host, judgement));
    }
    return judgement;
  });
  state.pending = pending;
  state.pendingKey = key;
  return pending;
}

function register(host: CommandHost, form: EmailFormLike, state: FormState, now: () => number): void {
  if (state.registered) return;
  state.registered = true;
  for (const name of [EmailForm.to, EmailForm.cc, EmailForm.bcc, EmailForm.regarding])
    form.getAttribute(name)?.addOnChange?.(() => form.ui.refreshRibbon());
  form.data.entity.addOnSave?.((context) => sendGuard(host, form, context, now));
}

/**
 * The rule on PartnerGuard's email button: judges the parties (within the budget), shows why the
 * email cannot be sent, and registers the guard once per form. Resolves whether the email may be
 * sent; never rejects (false on anything wrong).
 */
export async function isSendAllowed(
  host: CommandHost,
  form: EmailFormLike,
  budgetMs = RULE_BUDGET_MS,
  now: () => number = Date.now,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    register(host, form, stateOf(form), now);
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), budgetMs);
    });
    return await Promise.race([judgeForm(host, form).then((j) => j.allowed), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function decisionOf(verdict: Verdict): AuditDecision {
  return verdict.exception ? "allowed-by-exception" : "allowed";
}

/**
 * OnSave: only Send (save mode 7) is guarded. Decides synchronously from the judgement of exactly
 * the parties on the form; an allowed send is audited (one entry per account) before it goes on.
 */
export function sendGuard(
  host: CommandHost,
  form: EmailFormLike,
  context: SaveContextLike,
  now: () => number = Date.now,
): Promise<void> | undefined {
  const args = context.getEventArgs();
  if (args.getSaveMode() !== EmailForm.sendSaveMode) return undefined;
  const state = stateOf(form);
  const key = partiesKey(partiesOnForm(form));
  const judged = state.last;
  if (!judged || judged.key !== key || !judged.allowed) {
    args.preventDefault();
    const t = translator(host);
    if (!judged || judged.key !== key) {
      show(host, form, state, t("Email_Checking"));
      judgeForm(host, form).then(
        () => form.ui.refreshRibbon(),
        () => undefined,
      );
    } else show(host, form, state, noticeText(host, judged));
    return undefined;
  }
  const t = translator(host);
  const subject = form.getAttribute(EmailForm.subject)?.getValue();
  const words = auditWording(t);
  const writes = judged.accounts.map((a) =>
    writeAudit(host.webApi, words, {
      verdict: a.verdict,
      decision: decisionOf(a.verdict),
      accountId: a.id,
      accountName: a.name ?? a.id,
      now: now(),
      details: [
        t("Email_AuditDetail", { subject: typeof subject === "string" ? subject : "", parties: partyNames(a.parties) }),
      ],
    }),
  );
  return withTimeout(Promise.all(writes), AUDIT_BUDGET_MS, "saving the audit entries").then(
    () => undefined,
    (error: unknown) => {
      show(host, form, state, t("Email_AuditFailed", { message: messageOf(error) }));
    },
  );
}

/** The button's action: judge afresh (the cached verdicts are dropped) and say the outcome. */
export async function checkRecipients(host: CommandHost, form: EmailFormLike): Promise<EmailJudgement> {
  const state = stateOf(form);
  state.memory = newEmailState();
  state.pending = undefined;
  const judgement = await judgeForm(host, form, true);
  const t = translator(host);
  await host.alert(t("Email_Title"), noticeText(host, judgement) ?? t("Email_Cleared"));
  form.ui.refreshRibbon();
  return judgement;
}

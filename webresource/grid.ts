/**
 * "Start outreach" for a selection in an account view or subgrid, and the rule the gated
 * out-of-box commands use. The RibbonDiffXml passes `SelectedControlSelectedItemIds` (and, to the
 * action, `SelectedControl`).
 *
 * - Both rules read one live resolution per set of ids (`resolveSelection`: one request per
 *   table, cached per window by the set of ids), answer within the same budget as the form's
 *   rule, never reject, and say false on anything wrong.
 * - The seller learns why commands are off: on the Unified Interface a false enable rule hides a
 *   command (platform-facts A3), so when a selection holds accounts that are blocked or could not
 *   be verified, one app notification (Xrm.App.addGlobalNotification, a warning bar) says how many
 *   and why, with an action that lists them; it is replaced when the selection changes and cleared
 *   when the selection is fine. A notification rather than a dialog: rules run on every selection
 *   change and must not interrupt; it is one bar, never one per rule or per account.
 * - The action checks again, fresh (never the cache), lists the accounts not cleared with their
 *   partner and reason, offers to engage those partners (a task each, as the card's Engage), and
 *   proceeds with the cleared accounts only after the seller confirms: per account, the audit entry
 *   first, then a phone call regarding the account; an account whose audit entry cannot be written
 *   gets nothing, and the seller is told.
 */
import { Verdict } from "../src/core/types";
import { Account, OUTREACH_ACTIVITY, OUTREACH_ACTIVITY_REGARDING_ACCOUNT } from "../src/schema";
import { AuditDecision, writeAudit } from "../src/sources/audit";
import { engagePartner } from "../src/sources/partnerActions";
import { messageOf, withTimeout } from "../src/sources/failures";
import { MAX_SELECTION, SelectionVerdicts, resolveSelection, selectionKey } from "../src/sources/selectionResolution";
import { Translate } from "../src/text/translate";
import { actionWording } from "../src/text/auditText";
import { LOCALES, makeTranslate, reasonText, verdictLine } from "../src/text/verdictText";
import { CommandHost } from "./host";

/** The form's budget (webresource/ribbon.ts): the platform counts a Promise rule as false after 10 s. */
export const ENABLE_RULE_BUDGET_MS = 8000;
/** Writes in flight at once while the action works through a selection (the service allows 52 per user). */
const WRITES_IN_FLIGHT = 6;
export const WRITE_TIMEOUT_MS = 15_000;

/** What the grid passes as `SelectedControl`: only what the action uses. */
export interface SelectedControlLike {
  refreshRibbon?(): void;
}

function selectionOf(host: CommandHost, ids: readonly unknown[], fresh: boolean): Promise<SelectionVerdicts> {
  return resolveSelection(
    { webApi: host.webApi, userId: host.userId, configCache: host.configCache, scope: host.scope },
    Array.isArray(ids) ? ids : [],
    fresh,
  );
}

export const allowed = (v: Verdict | undefined) => v?.outreach === "allowed";

/** Runs a rule within the budget: false when late, on an error, or for a selection that cannot be checked. */
async function rule(
  host: CommandHost,
  ids: readonly unknown[],
  decide: (selection: SelectionVerdicts) => boolean,
  budgetMs: number,
  explain = true,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), budgetMs);
    });
    const decided = selectionOf(host, ids, false).then((selection) => {
      // The notice is a help, never the rule's answer; it is about the selection only.
      if (explain) explainWhyOff(host, selection).catch(() => undefined);
      return selection.status === "ok" && decide(selection);
    });
    return await Promise.race([decided, late]);
  } catch {
    return false; // fail closed
  } finally {
    clearTimeout(timer);
  }
}

/** Enable rule of Start outreach on grids: on when at least one selected account is allowed. */
export function isOutreachEnabled(
  host: CommandHost,
  ids: readonly unknown[],
  budgetMs = ENABLE_RULE_BUDGET_MS,
): Promise<boolean> {
  return rule(host, ids, (s) => s.ids.some((id) => allowed(s.verdicts.get(id))), budgetMs);
}

/** Enable rule of the gated out-of-box commands: on only when every selected account is allowed. */
export function isEverySelectedAllowed(
  host: CommandHost,
  ids: readonly unknown[],
  budgetMs = ENABLE_RULE_BUDGET_MS,
): Promise<boolean> {
  return rule(host, ids, (s) => s.ids.length > 0 && s.ids.every((id) => allowed(s.verdicts.get(id))), budgetMs);
}

/**
 * Enable rule of "Quick campaign: all records on current page" (CrmParameter
 * SelectedControlAllItemIds): on only when every account on the page is allowed. It leaves the
 * selection's notification alone: a notice about the page would replace the one about the selection.
 */
export function isEveryOnPageAllowed(
  host: CommandHost,
  ids: readonly unknown[],
  budgetMs = ENABLE_RULE_BUDGET_MS,
): Promise<boolean> {
  return rule(host, ids, (s) => s.ids.length > 0 && s.ids.every((id) => allowed(s.verdicts.get(id))), budgetMs, false);
}

// ---- The notification: why commands are off for this selection ---------------------------------

interface NoticeState {
  /** The selection the notification shown is about ("" for none). */
  key: string;
  id?: Promise<string | undefined>;
}

const NOTICE = Symbol.for("partnerguard.gridNotice.v1");

function noticeOf(host: CommandHost): NoticeState {
  const holder = (host.scope ?? globalThis) as { [NOTICE]?: NoticeState };
  holder[NOTICE] ??= { key: "" };
  return holder[NOTICE];
}

/** Forget which notification is shown (tests start from a new page). */
export function forgetNotice(scope: object = globalThis): void {
  delete (scope as { [NOTICE]?: NoticeState })[NOTICE];
}

const notCleared = (s: SelectionVerdicts) => s.ids.filter((id) => !allowed(s.verdicts.get(id)));

/**
 * One notification per selection that holds accounts not cleared (or more than can be checked),
 * replacing the previous selection's; none when the selection is fine. Both rules call it for the
 * same selection: the second finds the notice already about it.
 */
export async function explainWhyOff(host: CommandHost, selection: SelectionVerdicts): Promise<void> {
  const blocked = selection.status === "ok" ? notCleared(selection) : [];
  const problem = selection.status === "over-limit" || blocked.length > 0;
  await replaceNotice(
    host,
    problem ? `${selection.status}:${selectionKey(selection.ids)}` : "",
    (t) =>
      selection.status === "over-limit"
        ? t("Grid_NoticeOverLimit", { count: selection.ids.length, max: MAX_SELECTION })
        : t("Grid_Notice", { count: blocked.length, total: selection.ids.length }),
    () => showWhy(host, selection),
  );
}

/**
 * Show the notification about the selection `key` ("" for none), replacing the one shown; nothing
 * when it is already about that selection. One bar per window, shared by account and contact grids
 * (a seller selects in one grid at a time; their keys differ).
 */
export async function replaceNotice(
  host: CommandHost,
  key: string,
  message: (t: Translate) => string,
  showDetails: () => Promise<void>,
): Promise<void> {
  if (!host.notify || !host.clearNotification) return;
  const t = translator(host);
  const state = noticeOf(host);
  if (key === state.key) return;
  const previous = state.id;
  state.key = key; // synchronously: the other rule, running beside this one, sees it
  state.id = undefined;
  if (previous) {
    const id = await previous;
    // The seller may have closed it already (it has a close button): then there is nothing to clear.
    if (id) await host.clearNotification(id).catch(() => undefined);
  }
  if (!key) return;
  const shown = host.notify(message(t), t("Grid_NoticeAction"), () => {
    showDetails().catch(() => undefined);
  });
  state.id = shown.catch(() => undefined);
  await state.id;
}

/** The notice's action: the accounts not cleared, with their partner and reason (no request). */
async function showWhy(host: CommandHost, selection: SelectionVerdicts): Promise<void> {
  const t = translator(host);
  if (selection.status === "over-limit") {
    await host.alert(t("Grid_Title"), t("Grid_OverLimit", { count: selection.ids.length, max: MAX_SELECTION }));
    return;
  }
  await host.alert(t("Grid_WhyTitle"), notClearedText(host, t, selection, notCleared(selection)));
}

// ---- The action ---------------------------------------------------------------------------------

export function translator(host: CommandHost): Translate {
  return makeTranslate((key) => host.getString(key));
}

const nameOf = (selection: SelectionVerdicts, id: string) => selection.names.get(id) ?? id;

/** "Contoso: Partner of record: Harbor … since …" — the card's line, and for an unverified account its first reason. */
function accountLine(host: CommandHost, t: Translate, selection: SelectionVerdicts, id: string): string {
  return t("Grid_AccountLine", {
    account: nameOf(selection, id),
    reason: whyLine(host, t, selection.verdicts.get(id) as Verdict),
  });
}

/** The card's line for a verdict, and for an unverified one its first reason. */
export function whyLine(host: CommandHost, t: Translate, verdict: Verdict): string {
  const locale = LOCALES[host.languageId] ?? "en-GB";
  const line = verdictLine(t, verdict, locale);
  if (verdict.outreach !== "unverified") return line;
  const why = verdict.reasons.map((r) => reasonText(t, verdict, r, Date.now())).find((r) => !!r);
  return why ? `${line} ${why}` : line;
}

function notClearedText(host: CommandHost, t: Translate, selection: SelectionVerdicts, ids: string[]): string {
  return [
    t("Grid_NotClearedIntro", { count: ids.length }),
    ...ids.map((id) => accountLine(host, t, selection, id)),
  ].join("\n");
}

/** Run `work` over items, a few at a time; results in input order. */
export async function inTurns<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(WRITES_IN_FLIGHT, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

export function decisionOf(verdict: Verdict): AuditDecision {
  if (verdict.outreach !== "allowed") return "blocked";
  return verdict.exception ? "allowed-by-exception" : "allowed";
}

export interface GridOutreachOutcome {
  /** Accounts cleared for outreach at the re-check. */
  cleared: string[];
  /** Accounts not cleared (blocked or could not be verified). */
  notCleared: string[];
  /** Accounts whose partner was engaged (task and audit entry written). */
  engaged: string[];
  /** Accounts for which outreach started (audit entry written, phone call created). */
  started: string[];
  /** What could not be written, per account. */
  failed: { id: string; step: "audit" | "activity" | "engage"; message: string }[];
  /** The seller stopped before any outreach (or there was nothing to do). */
  cancelled: boolean;
}

/**
 * Command action: check the selection again (fresh), explain what is not cleared and offer to
 * engage those partners, then, once the seller confirms, audit and open outreach per cleared account.
 */
export async function startOutreach(
  host: CommandHost,
  ids: readonly unknown[],
  selectedControl?: SelectedControlLike,
  now: () => number = Date.now,
): Promise<GridOutreachOutcome> {
  const t = translator(host);
  const outcome: GridOutreachOutcome = {
    cleared: [],
    notCleared: [],
    engaged: [],
    started: [],
    failed: [],
    cancelled: true,
  };
  // Client-side gating is convenience: the data may have changed since the rule ran.
  const selection = await selectionOf(host, ids, true);
  // What the re-check found replaces the cached verdicts: let the command bar show it.
  selectedControl?.refreshRibbon?.();
  if (selection.status !== "ok") {
    await host.alert(
      t("Grid_Title"),
      selection.status === "empty"
        ? t("Grid_NothingSelected")
        : t("Grid_OverLimit", { count: selection.ids.length, max: MAX_SELECTION }),
    );
    return outcome;
  }
  outcome.cleared = selection.ids.filter((id) => allowed(selection.verdicts.get(id)));
  outcome.notCleared = notCleared(selection);
  const verdictOf = (id: string) => selection.verdicts.get(id) as Verdict;
  // The words every write stores, in the seller's language (sources take them as data).
  const words = actionWording(t);
  const audit = (id: string, decision: AuditDecision) =>
    withTimeout(
      writeAudit(host.webApi, words.audit, {
        verdict: verdictOf(id),
        decision,
        accountId: id,
        accountName: nameOf(selection, id),
        now: now(),
      }),
      WRITE_TIMEOUT_MS,
      "saving the audit entry",
    );

  // Every check at the moment of outreach leaves a trace, the blocked ones too (as on the form).
  // An account that was not read (deleted, or beyond what the seller may see) has no row to record
  // it on: it is listed, and nothing opens for it.
  const read = outcome.notCleared.filter((id) => selection.names.has(id));
  const blockedAudits = await inTurns(read, (id) =>
    audit(id, "blocked").then(
      () => undefined,
      (error: unknown) => ({ id, step: "audit" as const, message: messageOf(error) }),
    ),
  );
  for (const failure of blockedAudits) if (failure) outcome.failed.push(failure);

  if (outcome.notCleared.length) {
    const text = notClearedText(host, t, selection, outcome.notCleared);
    const engageable = outcome.notCleared.filter((id) => verdictOf(id).partnerOfRecord);
    if (engageable.length) {
      const engage = await host.confirm(
        t("Grid_Title"),
        `${text}\n\n${t("Grid_EngageOffer", { count: engageable.length })}`,
        t("Grid_EngagePartners"),
        t(outcome.cleared.length ? "Grid_Skip" : "Outreach_Close"),
      );
      if (engage) {
        const engaged = await inTurns(engageable, (id) =>
          engagePartner(
            {
              host: host.webApi,
              words,
              actor: { userId: host.userId },
              accountId: id,
              accountName: nameOf(selection, id),
              now,
            },
            verdictOf(id),
            "",
          ).then(
            () => undefined,
            (error: unknown) => ({ id, step: "engage" as const, message: messageOf(error) }),
          ),
        );
        engaged.forEach((failure, i) => (failure ? outcome.failed.push(failure) : outcome.engaged.push(engageable[i])));
      }
    } else if (!outcome.cleared.length) {
      await host.alert(t("Grid_Title"), text);
    }
  }

  if (outcome.cleared.length) {
    const names = outcome.cleared.map((id) => `• ${nameOf(selection, id)}`).join("\n");
    const proceed = await host.confirm(
      t("Grid_Title"),
      `${t("Grid_ProceedText", { count: outcome.cleared.length })}\n${names}`,
      t("Grid_Proceed"),
      t("Grid_Cancel"),
    );
    if (proceed) {
      outcome.cancelled = false;
      const results = await inTurns(outcome.cleared, async (id) => {
        // The audit entry first: an account whose check cannot be recorded gets nothing.
        try {
          await audit(id, decisionOf(verdictOf(id)));
        } catch (error) {
          return { id, step: "audit" as const, message: messageOf(error) };
        }
        try {
          await withTimeout(
            host.webApi.createRecord(OUTREACH_ACTIVITY, {
              subject: t("Outreach_Subject", { account: nameOf(selection, id) }).slice(0, 200),
              [`${OUTREACH_ACTIVITY_REGARDING_ACCOUNT}@odata.bind`]: `/${Account.entitySet}(${id})`,
            }),
            WRITE_TIMEOUT_MS,
            `saving ${OUTREACH_ACTIVITY}`,
          );
        } catch (error) {
          return { id, step: "activity" as const, message: messageOf(error) };
        }
        return undefined;
      });
      results.forEach((failure, i) =>
        failure ? outcome.failed.push(failure) : outcome.started.push(outcome.cleared[i]),
      );
    }
  }

  if (outcome.started.length || outcome.engaged.length || outcome.failed.length)
    await host.alert(t("Grid_Title"), summary(t, selection, outcome));
  return outcome;
}

/** What happened, account by account where something could not be done. */
function summary(t: Translate, selection: SelectionVerdicts, outcome: GridOutreachOutcome): string {
  const lines: string[] = [];
  if (outcome.started.length) lines.push(t("Grid_Started", { count: outcome.started.length }));
  if (outcome.engaged.length) lines.push(t("Grid_Engaged", { count: outcome.engaged.length }));
  const failed = (step: GridOutreachOutcome["failed"][number]["step"], intro: string) => {
    const list = outcome.failed.filter((f) => f.step === step);
    if (!list.length) return;
    lines.push("", t(intro));
    for (const f of list) lines.push(t("Grid_FailedLine", { account: nameOf(selection, f.id), message: f.message }));
  };
  failed("audit", "Grid_AuditFailed");
  failed("activity", "Grid_ActivityFailed");
  failed("engage", "Grid_EngageFailed");
  return lines.join("\n");
}

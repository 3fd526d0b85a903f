/**
 * Verdict -> words. Pure functions, tested without React: every sentence the card shows is built
 * here from the .resx strings, so the card, its tests and the command bar's dialog agree.
 */
import { Evidence, ExceptionState, Reason, Verdict } from "../core/types";
import { Translate, formatMessage } from "./translate";
import { REQUEST_OPEN_DAYS } from "../core/exceptions";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Build a Translate from a string lookup (e.g. `context.resources.getString`). */
export function makeTranslate(getString: (key: string) => string): Translate {
  return (key, params) => {
    const template = getString(key);
    // A missing key comes back as the key itself (PCF) or empty: fall back to the key so it shows.
    const text = template && template !== "" ? template : key;
    return params ? formatMessage(text, params) : text;
  };
}

/** Languages the control ships strings for (LCID -> BCP 47). */
export const LOCALES: Record<number, string> = { 1033: "en-GB", 1031: "de-DE" };

export function formatDate(iso: string | undefined, locale: string): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  // Dates are calendar dates: format in UTC so "2019-03-03" never shows as the 2nd.
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(
    ms,
  );
}

export function typeLabel(t: Translate, e: Evidence): string {
  return t(`Type_${e.association.relationshipType}`);
}

export function partnerLabel(t: Translate, e: Evidence): string {
  return e.association.partnerName ?? t("Evidence_UnknownPartner");
}

/** The one line a seller reads at a glance. */
export function verdictLine(t: Translate, verdict: Verdict, locale: string): string {
  const por = verdict.partnerOfRecord;
  if (verdict.outreach === "allowed" && verdict.exception && por) {
    return t("Verdict_AllowedByException", {
      until: formatDate(verdict.exception.validUntil, locale),
      partner: partnerLabel(t, por),
    });
  }
  if (verdict.outreach === "blocked" && por) {
    const start = por.association.startDate;
    const params = { partner: partnerLabel(t, por), type: typeLabel(t, por), start: formatDate(start, locale) };
    const line =
      start && !Number.isNaN(Date.parse(start)) ? t("Verdict_Blocked", params) : t("Verdict_BlockedNoStart", params);
    return por.inheritedFrom
      ? `${line} ${t("Verdict_Inherited", { parent: por.inheritedFrom.name ?? por.inheritedFrom.accountId })}`
      : line;
  }
  if (verdict.outreach === "unverified") return t("Verdict_Unverified");
  if (verdict.reasons.some((r) => r.code === "fail-open")) return t("Verdict_FailOpen");
  return t("Verdict_Allowed");
}

/**
 * "Rejected by Pat Approver on 22 Nov 2026: the exception requested on 20 Nov 2026 for 14 days."
 * Names are filled in as text; the approver's note is shown beside it, never through a template.
 */
export function rejectionLine(t: Translate, state: ExceptionState, locale: string): string {
  const params = {
    by: state.decision?.createdByName ?? t("User_Unknown"),
    date: formatDate(state.decision?.createdOn, locale),
    requested: formatDate(state.request.createdOn, locale),
  };
  const days = state.request.requestedDays;
  return days !== undefined && Number.isInteger(days) && days > 0
    ? t("Exception_Rejected", { ...params, days })
    : t("Exception_RejectedNoDays", params);
}

/** "since 3 Mar 2019 · until 30 Jun 2027" and friends. */
export function evidenceDates(t: Translate, e: Evidence, locale: string): string[] {
  const a = e.association;
  const parts: string[] = [];
  if (e.state === "future") {
    parts.push(t("Evidence_Starts", { date: formatDate(a.startDate, locale) }));
  } else if (a.startDate) {
    parts.push(t("Evidence_Since", { date: formatDate(a.startDate, locale) }));
  }
  // Date-only protection is shown by its last protected day ("until 30 Jun": all of 30 June is protected).
  if (e.state === "history" && e.effectiveEnd)
    parts.push(t("Evidence_Ended", { date: formatDate(e.lastDay ?? e.effectiveEnd, locale) }));
  else if (e.windowed && e.effectiveEnd)
    parts.push(t("Evidence_ProtectedUntil", { date: formatDate(e.lastDay ?? e.effectiveEnd, locale) }));
  else if (a.endDate) parts.push(t("Evidence_Until", { date: formatDate(a.endDate, locale) }));
  return parts;
}

function byId(verdict: Verdict, id: string | undefined): Evidence | undefined {
  return verdict.evidence.find((e) => e.association.id === id);
}

/** A reason in words; undefined for reasons shown elsewhere (data notes). */
export function reasonText(t: Translate, verdict: Verdict, reason: Reason, now: number): string | undefined {
  const first = byId(verdict, reason.evidenceIds[0]);
  switch (reason.code) {
    case "active-partner":
    case "unknown-type-blocks":
      return first
        ? t(`Reason_${reason.code}`, { partner: partnerLabel(t, first), type: typeLabel(t, first) })
        : undefined;
    case "expiring-soon": {
      if (!first?.effectiveEnd) return undefined;
      const days = Math.max(0, Math.ceil((Date.parse(first.effectiveEnd) - now) / DAY_MS));
      return t("Reason_expiring-soon", { partner: partnerLabel(t, first), type: typeLabel(t, first), days });
    }
    case "unreadable":
      return t(`Note_${reason.note?.code}`, { detail: reason.note?.detail ?? "" });
    case "source-failed":
    case "exceptions-unread":
      return t(`Reason_${reason.code}`, {
        source: reason.source ?? "",
        failure: t(`Failure_${reason.failure?.kind ?? "network"}`),
      });
    case "hierarchy-ignored":
      return t("Reason_hierarchy-ignored", { count: reason.note?.detail ?? "" });
    case "exception-not-counted": {
      const ignored = reason.ignoredDecision;
      if (!ignored) return undefined;
      return t(`Reason_exception-not-counted_${ignored.code}`, {
        by: ignored.by ?? t("User_Unknown"),
        days: REQUEST_OPEN_DAYS,
      });
    }
    case "data-note":
      return undefined;
    default:
      return t(`Reason_${reason.code}`, { count: reason.evidenceIds.length });
  }
}

export function noteTexts(t: Translate, verdict: Verdict): string[] {
  const texts = verdict.reasons
    .filter((r) => r.code === "data-note" && r.note)
    .map((r) => t(`Note_${r.note?.code ?? "bad-row"}`, { detail: r.note?.detail ?? "" }));
  return [...new Set(texts)];
}

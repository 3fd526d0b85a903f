/**
 * Verdicts in words for the terminal, with the card's own English strings (read from the
 * control's 1033 .resx, so the command line and the card say the same thing).
 */
import { readFileSync } from "fs";
import { join } from "path";
import { XMLParser } from "fast-xml-parser";
import { Evidence, Reason, Verdict } from "../src/core/types";
import { REQUEST_OPEN_DAYS } from "../src/core/exceptions";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The package root: bin/, dist/ and cli/ all sit one level below it. */
export const PACKAGE_ROOT = join(__dirname, "..");

let strings: Map<string, string> | undefined;

function load(): Map<string, string> {
  if (strings) return strings;
  const xml = readFileSync(join(PACKAGE_ROOT, "PartnerGuard/strings/PartnerGuard.1033.resx"), "utf8");
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (n) => n === "data" }).parse(xml) as {
    root: { data: { name: string; value: unknown }[] };
  };
  strings = new Map(doc.root.data.map((d) => [d.name, String(d.value)]));
  return strings;
}

export function t(key: string, params: Record<string, string | number> = {}): string {
  const template = load().get(key) ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  // Calendar dates: UTC, so "2019-03-03" never prints as the 2nd.
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(ms);
}

export const typeLabel = (e: Evidence) => t(`Type_${e.association.relationshipType}`);
export const partnerLabel = (e: Evidence) => e.association.partnerName ?? t("Evidence_UnknownPartner");

export function verdictLine(verdict: Verdict): string {
  const por = verdict.partnerOfRecord;
  if (verdict.outreach === "allowed" && verdict.exception && por) {
    return t("Verdict_AllowedByException", { until: formatDate(verdict.exception.validUntil), partner: partnerLabel(por) });
  }
  if (verdict.outreach === "blocked" && por) {
    const start = por.association.startDate;
    const params = { partner: partnerLabel(por), type: typeLabel(por), start: formatDate(start) };
    const line = start && !Number.isNaN(Date.parse(start)) ? t("Verdict_Blocked", params) : t("Verdict_BlockedNoStart", params);
    return por.inheritedFrom ? `${line} ${t("Verdict_Inherited", { parent: por.inheritedFrom.name ?? por.inheritedFrom.accountId })}` : line;
  }
  if (verdict.outreach === "unverified") return t("Verdict_Unverified");
  if (verdict.reasons.some((r) => r.code === "fail-open")) return t("Verdict_FailOpen");
  return t("Verdict_Allowed");
}

export function reasonText(verdict: Verdict, reason: Reason): string | undefined {
  const first = verdict.evidence.find((e) => e.association.id === reason.evidenceIds[0]);
  switch (reason.code) {
    case "active-partner":
    case "unknown-type-blocks":
      if (!first) return undefined;
      return (
        t(`Reason_${reason.code}`, { partner: partnerLabel(first), type: typeLabel(first) }) +
        (first.inheritedFrom ? ` ${t("Verdict_Inherited", { parent: first.inheritedFrom.name ?? first.inheritedFrom.accountId })}` : "")
      );
    case "expiring-soon": {
      if (!first?.effectiveEnd) return undefined;
      const days = Math.max(0, Math.ceil((Date.parse(first.effectiveEnd) - Date.parse(verdict.evaluatedAt)) / DAY_MS));
      return t("Reason_expiring-soon", { partner: partnerLabel(first), type: typeLabel(first), days });
    }
    case "source-failed":
      return t("Reason_source-failed", { source: reason.source ?? "", failure: t(`Failure_${reason.failure?.kind ?? "network"}`) });
    case "hierarchy-ignored":
      return t("Reason_hierarchy-ignored", { count: reason.note?.detail ?? "" });
    case "exception-not-counted":
      return reason.ignoredDecision
        ? t(`Reason_exception-not-counted_${reason.ignoredDecision.code}`, { by: reason.ignoredDecision.by ?? t("User_Unknown"), days: REQUEST_OPEN_DAYS })
        : undefined;
    case "data-note":
      return reason.note ? t(`Note_${reason.note.code}`, { detail: reason.note.detail ?? "" }) : undefined;
    default:
      return t(`Reason_${reason.code}`, { count: reason.evidenceIds.length });
  }
}

/** Every reason in words, without repeats; data notes only when asked (the card lists them apart). */
export function reasonTexts(verdict: Verdict, withNotes = false): string[] {
  const reasons = verdict.reasons.filter((r) => withNotes || r.code !== "data-note");
  return [...new Set(reasons.map((r) => reasonText(verdict, r)).filter((s): s is string => !!s))];
}

/** One line for a CSV cell: the reason that decided the verdict. */
export function mainReason(verdict: Verdict): string {
  const deciding = verdict.reasons.find((r) => r.code !== "data-note") ?? verdict.reasons[0];
  return (deciding && reasonText(verdict, deciding)) ?? verdictLine(verdict);
}

export function evidenceLine(e: Evidence): string {
  const a = e.association;
  const parts = [`${partnerLabel(e)} — ${typeLabel(e)}`];
  if (e.state === "future") parts.push(t("Evidence_Starts", { date: formatDate(a.startDate) }));
  else if (a.startDate) parts.push(t("Evidence_Since", { date: formatDate(a.startDate) }));
  if (e.state === "history" && e.effectiveEnd) parts.push(t("Evidence_Ended", { date: formatDate(e.effectiveEnd) }));
  else if (e.windowed && e.effectiveEnd) parts.push(t("Evidence_ProtectedUntil", { date: formatDate(e.effectiveEnd) }));
  else if (a.endDate) parts.push(t("Evidence_Until", { date: formatDate(a.endDate) }));
  parts.push(t("Evidence_Source", { source: a.source }));
  if (a.externalReference) parts.push(t("Evidence_Reference", { reference: a.externalReference }));
  if (e.inheritedFrom) parts.push(t("Evidence_InheritedFrom", { parent: e.inheritedFrom.name ?? e.inheritedFrom.accountId }));
  const state = e.blocks ? (e.expiringSoon ? "State_ExpiringSoon" : "State_Blocking") : e.state === "active" ? "State_NotBlocking" : e.state === "future" ? "State_Future" : "State_History";
  return `${parts.join(" · ")} [${t(state)}]`;
}

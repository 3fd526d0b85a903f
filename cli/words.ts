/**
 * Verdicts in words for the terminal and the CSV: the card's own text module
 * (src/text/verdictText.ts) with the card's English strings (the control's 1033 .resx), so the
 * command line and the card cannot drift apart. Only what a terminal needs beside the card's
 * sentences (an evidence line, the one reason for a CSV cell) is composed here, from those pieces.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { XMLParser } from "fast-xml-parser";
import { Evidence, Reason, Verdict } from "../src/core/types";
import { Translate } from "../src/text/translate";
import * as text from "../src/text/verdictText";
import { StoredOutreach } from "../src/core/storedVerdict";
import { StoredOutreachLabels } from "../src/schema";

/** The package root: bin/, dist/ and cli/ all sit one level below it. */
export const PACKAGE_ROOT = join(__dirname, "..");

/** The command line speaks the card's English (LCID 1033). */
const LCID = 1033;
const LOCALE = text.LOCALES[LCID];

let strings: Map<string, string> | undefined;

function load(): Map<string, string> {
  if (strings) return strings;
  const xml = readFileSync(join(PACKAGE_ROOT, `PartnerGuard/strings/PartnerGuard.${LCID}.resx`), "utf8");
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (n) => n === "data" }).parse(
    xml,
  ) as {
    root: { data: { name: string; value: unknown }[] };
  };
  strings = new Map(doc.root.data.map((d) => [d.name, String(d.value)]));
  return strings;
}

const translate: Translate = text.makeTranslate((key) => load().get(key) ?? key);
const said = new Map<string, string>();
/**
 * The card's Translate over the 1033 strings (a missing key shows as itself, as on the card),
 * remembered: a list of 43,000 rows says the same few hundred sentences, and filling a message
 * (plural rules, placeholders) costs more than looking it up again.
 */
export const t: Translate = (key, params) => {
  const memo = params ? `${key}\u0000${JSON.stringify(params)}` : key;
  let result = said.get(memo);
  if (result === undefined) {
    if (said.size > 100_000) said.clear(); // bounded: partner names make many distinct sentences
    result = translate(key, params);
    said.set(memo, result);
  }
  return result;
};

export const formatDate = (iso: string | undefined): string => text.formatDate(iso, LOCALE);
export const typeLabel = (e: Evidence): string => text.typeLabel(t, e);
export const partnerLabel = (e: Evidence): string => text.partnerLabel(t, e);
export const verdictLine = (verdict: Verdict): string => text.verdictLine(t, verdict, LOCALE);

/** The verdict's own clock: `--as-of` counts "expires in n days" from that day, like the card from its. */
const nowOf = (verdict: Verdict) => Date.parse(verdict.evaluatedAt);

/**
 * A reason in the card's words. A line on a terminal or in a CSV cell stands alone, without the
 * evidence list beside it, so a blocking reason says where inherited evidence comes from.
 */
export function reasonText(verdict: Verdict, reason: Reason): string | undefined {
  const sentence = text.reasonText(t, verdict, reason, nowOf(verdict));
  if (!sentence) return undefined;
  if (reason.code !== "active-partner" && reason.code !== "unknown-type-blocks") return sentence;
  const first = verdict.evidence.find((e) => e.association.id === reason.evidenceIds[0]);
  return first?.inheritedFrom
    ? `${sentence} ${t("Verdict_Inherited", { parent: first.inheritedFrom.name ?? first.inheritedFrom.accountId })}`
    : sentence;
}

/** Every reason in words, without repeats; data notes only when asked (the card lists them apart). */
export function reasonTexts(verdict: Verdict, withNotes = false): string[] {
  const sentences = verdict.reasons.map((r) => reasonText(verdict, r)).filter((s): s is string => !!s);
  return [...new Set(withNotes ? [...sentences, ...noteTexts(verdict)] : sentences)];
}

export const noteTexts = (verdict: Verdict): string[] => text.noteTexts(t, verdict);

/** One line for a CSV cell: the reason that decided the verdict. */
export function mainReason(verdict: Verdict): string {
  const deciding = verdict.reasons.find((r) => r.code !== "data-note");
  return (deciding && reasonText(verdict, deciding)) ?? noteTexts(verdict)[0] ?? verdictLine(verdict);
}

export function evidenceLine(e: Evidence): string {
  const a = e.association;
  const parts = [`${partnerLabel(e)} — ${typeLabel(e)}`, ...text.evidenceDates(t, e, LOCALE)];
  parts.push(t("Evidence_Source", { source: a.source }));
  if (a.externalReference) parts.push(t("Evidence_Reference", { reference: a.externalReference }));
  if (e.inheritedFrom)
    parts.push(t("Evidence_InheritedFrom", { parent: e.inheritedFrom.name ?? e.inheritedFrom.accountId }));
  const state = e.blocks
    ? e.expiringSoon
      ? "State_ExpiringSoon"
      : "State_Blocking"
    : e.state === "active"
      ? "State_NotBlocking"
      : e.state === "future"
        ? "State_Future"
        : "State_History";
  return `${parts.join(" · ")} [${t(state)}]`;
}

/** The stored verdict's states as the terminal says them (the solution's choice labels, src/schema.ts). */
export const storedOutreachWords = (outreach: StoredOutreach): string => StoredOutreachLabels[outreach];

/**
 * A badge model → its words, from the control's .resx strings: a short label (the status, never a
 * colour alone), an optional detail (until / ended on), and the full sentence for the tooltip and
 * screen readers, which says the badge is as of the last sync.
 */
import type { Translate } from "../../src/text/translate";
import { formatDate } from "../../src/text/verdictText";
import type { BadgeModel } from "./badgeModel";

export interface BadgeText {
  label: string;
  detail?: string;
  /** Everything, for `title` and `aria-label`. */
  full: string;
}

export function badgeText(model: BadgeModel, t: Translate, locale: string): BadgeText {
  const date = model.protectedUntil ? formatDate(model.protectedUntil, locale) : undefined;
  const partner = model.partner;
  let label: string;
  let detail: string | undefined;
  if (model.ended && date) {
    // The protection ended after the sync: say so, rather than "blocked" (the views agree).
    label = partner ? t("Badge_EndedBy", { partner, date }) : t("Badge_Ended", { date });
  } else if (model.status === "blocked") {
    label = partner ? t("Badge_BlockedBy", { partner }) : t("Badge_Blocked");
    detail = date ? t("Badge_Until", { date }) : undefined;
  } else if (model.status === "allowed-by-exception") {
    label = t("Badge_AllowedByException");
    detail = partner ? (date ? `${partner}, ${t("Badge_Until", { date })}` : partner) : undefined;
  } else if (model.status === "unverified") {
    label = t("Badge_Unverified");
  } else {
    label = t("Badge_Allowed");
  }
  const full = `${detail ? `${label} ${detail}` : label}. ${t("Badge_AsOf")}`;
  return { label, ...(detail ? { detail } : {}), full };
}

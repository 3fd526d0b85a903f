/** @jsx h */
import * as React from "react";
import { h } from "./h";
import { Icon, Text, mergeStyleSets } from "@fluentui/react";
import { Evidence } from "../../src/core/types";
import { Translate } from "./Component.types";
import { evidenceDates, partnerLabel, typeLabel } from "../../src/text/verdictText";

interface EvidenceListProps {
  items: Evidence[];
  t: Translate;
  locale: string;
  label: string;
}

const styles = mergeStyleSets({
  list: { listStyle: "none", margin: 0, padding: 0 },
  item: {
    padding: "6px 0",
    borderBottom: "1px solid #edebe9",
    selectors: { "@media (forced-colors: active)": { borderBottomColor: "CanvasText" } },
  },
  head: { display: "flex", flexWrap: "wrap", gap: "4px 8px", alignItems: "baseline" },
  meta: { display: "flex", flexWrap: "wrap", gap: "0 12px", color: "#605e5c" },
  badge: { fontSize: 12, padding: "0 6px", borderRadius: 2, border: "1px solid currentColor", whiteSpace: "nowrap" },
  blocking: { color: "#a4262c" },
  warning: { color: "#8a5d00" },
  muted: { color: "#605e5c" },
  name: { overflowWrap: "anywhere" },
});

function stateBadges(t: Translate, e: Evidence): { text: string; className: string }[] {
  const badges: { text: string; className: string }[] = [];
  if (e.state === "active")
    badges.push(
      e.blocks
        ? { text: t("State_Blocking"), className: styles.blocking }
        : { text: t("State_NotBlocking"), className: styles.muted },
    );
  if (e.state === "history") badges.push({ text: t("State_History"), className: styles.muted });
  if (e.state === "future") badges.push({ text: t("State_Future"), className: styles.muted });
  if (e.expiringSoon) badges.push({ text: t("State_ExpiringSoon"), className: styles.warning });
  return badges;
}

/** Each association: partner, type, dates, source, and where it is inherited from. Text only. */
export const EvidenceList: React.FC<EvidenceListProps> = React.memo(({ items, t, locale, label }) => (
  <ul className={styles.list} aria-label={label}>
    {items.map((e) => {
      const a = e.association;
      return (
        <li key={a.id} className={`${styles.item} pg-evidence`} data-state={e.state} data-blocks={e.blocks}>
          <div className={styles.head}>
            <Text variant="medium" styles={{ root: { fontWeight: 600 } }} className={styles.name}>
              {partnerLabel(t, e)}
            </Text>
            <Text variant="medium">{typeLabel(t, e)}</Text>
            {stateBadges(t, e).map((b) => (
              <span key={b.text} className={`${styles.badge} ${b.className}`}>
                {e.expiringSoon && b.className === styles.warning ? <Icon iconName="Warning" aria-hidden /> : null}{" "}
                {b.text}
              </span>
            ))}
          </div>
          <div className={styles.meta}>
            {evidenceDates(t, e, locale).map((d) => (
              <Text variant="small" key={d}>
                {d}
              </Text>
            ))}
            <Text variant="small">{t("Evidence_Source", { source: a.source })}</Text>
            {a.externalReference ? (
              <Text variant="small">{t("Evidence_Reference", { reference: a.externalReference })}</Text>
            ) : null}
            {a.partnerContactName ? (
              <Text variant="small">{t("Evidence_Contact", { contact: a.partnerContactName })}</Text>
            ) : null}
            {e.inheritedFrom ? (
              <Text variant="small">
                {t("Evidence_InheritedFrom", { parent: e.inheritedFrom.name ?? e.inheritedFrom.accountId })}
              </Text>
            ) : null}
          </div>
        </li>
      );
    })}
  </ul>
));
EvidenceList.displayName = "EvidenceList";

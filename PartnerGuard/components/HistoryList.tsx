/** @jsx h */
import * as React from "react";
import { h } from "./h";
import { Spinner, SpinnerSize, Text } from "@fluentui/react";
import { Notice } from "./Notice";
import { HistoryEntry } from "../../src/sources/audit";
import { formatDate } from "../../src/text/verdictText";
import { Translate } from "./Component.types";
import { messageOf } from "../../src/sources/failures";

interface HistoryListProps {
  t: Translate;
  locale: string;
  load: () => Promise<HistoryEntry[]>;
}

/** The account's last audit entries, read when the seller asks (one request). */
export const HistoryList: React.FC<HistoryListProps> = ({ t, locale, load }) => {
  const [entries, setEntries] = React.useState<HistoryEntry[] | undefined>(undefined);
  const [error, setError] = React.useState<string | undefined>(undefined);
  React.useEffect(() => {
    let live = true;
    load().then(
      (e) => live && setEntries(e),
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (error) {
    return (
      <Notice type="error" delayedRender={false}>
        {t("History_ReadFailed", { message: error })}
      </Notice>
    );
  }
  if (!entries) return <Spinner size={SpinnerSize.small} label={t("History_Loading")} />;
  if (!entries.length) return <Text variant="small">{t("History_Empty")}</Text>;
  return (
    <ul aria-label={t("History_Title")} className="pg-history" style={{ margin: 0, paddingLeft: 18 }}>
      {entries.map((e) => (
        <li key={e.id}>
          <Text variant="small">
            {formatDate(e.on, locale)} · {e.by ?? t("User_Unknown")} · {e.decision ? t(`Decision_${e.decision}`) : ""}
          </Text>
        </li>
      ))}
    </ul>
  );
};

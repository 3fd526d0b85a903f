/** @jsx h */
/** @jsxFrag Fragment */
import * as React from "react";
import { Fragment, h } from "./h";
import {
  ActionButton,
  DefaultButton,
  Shimmer,
  ShimmerElementType,
  Spinner,
  SpinnerSize,
  Stack,
  Text,
  mergeStyleSets,
} from "@fluentui/react";
import { Notice } from "./Notice";
import { CardProps } from "./Component.types";
import { EvidenceList } from "./EvidenceList";
import { StatusBanner } from "./StatusBanner";
import { GraphNotice } from "./GraphNotice";
import { IncludePartner } from "./IncludePartner";
import { noteTexts, reasonText, formatDate, partnerLabel, typeLabel } from "../../src/text/verdictText";

const styles = mergeStyleSets({
  card: { boxSizing: "border-box", width: "100%", maxWidth: "100%", minWidth: 0, padding: "4px 0" },
  heading: { margin: "8px 0 4px", fontSize: 14, fontWeight: 600 },
  reasons: { margin: "0 0 0 18px", padding: 0 },
});

/** The partner-of-record card: verdict, warnings, evidence, reasons. */
export const VerdictCard: React.FC<CardProps> = React.memo(
  ({ state, t, locale, width, onRetry, onConnectGraph, graphConnectFailure, include, readOnly, about }) => {
    const [showHistory, setShowHistory] = React.useState(false);
    const onToggleHistory = React.useCallback(() => setShowHistory((v) => !v), []);
    const style = width ? { maxWidth: width } : undefined;

    if (state.kind === "new-record") {
      return (
        <div className={styles.card} style={style}>
          <Notice type="info">{t(about ? "Card_NewContact" : "Card_NewRecord")}</Notice>
        </div>
      );
    }
    if (state.kind === "no-account") {
      return (
        <div className={styles.card} style={style}>
          <Notice type="info" role="status" className="pg-no-account">
            {t("Card_ContactNoAccount")}
          </Notice>
        </div>
      );
    }
    if (state.kind === "loading") {
      return (
        <div className={styles.card} style={style} aria-busy="true">
          <Shimmer
            ariaLabel={t("Card_Loading")}
            shimmerElements={[{ type: ShimmerElementType.line, height: 32 }]}
            styles={{ root: { marginBottom: 8 } }}
          />
          <Shimmer shimmerElements={[{ type: ShimmerElementType.line, height: 16, width: "70%" }]} />
          <Text variant="small" role="status">
            {t("Card_Loading")}
          </Text>
        </div>
      );
    }
    if (state.kind === "error") {
      return (
        <div className={styles.card} style={style}>
          <Notice
            type="error"
            role="status"
            className="pg-verdict"
            actions={
              <div>
                <DefaultButton onClick={onRetry}>{t("Action_Retry")}</DefaultButton>
              </div>
            }
          >
            {t("Verdict_Unverified")} {state.message}
          </Notice>
        </div>
      );
    }

    const { verdict } = state;
    const now = Date.parse(verdict.evaluatedAt);
    const current = verdict.evidence.filter((e) => e.state === "active" || e.state === "future");
    const history = verdict.evidence.filter((e) => e.state === "history");
    const expiring = verdict.evidence.filter((e) => e.expiringSoon);
    const reasons = verdict.reasons.map((r) => reasonText(t, verdict, r, now)).filter((r): r is string => !!r);
    const notes = noteTexts(t, verdict);

    return (
      <section
        className={styles.card}
        style={style}
        aria-label={t("Card_Title")}
        aria-busy={state.refreshing ? true : undefined}
        data-outreach={verdict.outreach}
      >
        <Stack tokens={{ childrenGap: 6 }}>
          {about ? (
            <Text variant="small" className="pg-about">
              {about.accountName
                ? t("Card_ContactAccount", { account: about.accountName })
                : t("Card_ContactAccountUnnamed")}
            </Text>
          ) : null}
          <StatusBanner verdict={verdict} t={t} locale={locale} onRetry={onRetry} />
          {state.refreshing ? (
            // After the seller wrote something: the card stays up, and says its verdict is being checked again.
            <Spinner size={SpinnerSize.xSmall} label={t("Card_Refreshing")} labelPosition="right" ariaLive="polite" />
          ) : null}
          <GraphNotice verdict={verdict} t={t} onConnect={onConnectGraph} connectFailure={graphConnectFailure} />
          {expiring.map((e) => (
            <Notice key={e.association.id} type="warning" className="pg-expiring">
              {t("Warning_ExpiringSoon", {
                type: typeLabel(t, e),
                partner: partnerLabel(t, e),
                end: formatDate(e.lastDay ?? e.effectiveEnd, locale),
              })}
            </Notice>
          ))}
          {state.policyProblems.length ? (
            <Notice type="warning">{t("Policy_Problems", { problems: state.policyProblems.join("; ") })}</Notice>
          ) : null}
          {include ? (
            <IncludePartner verdict={verdict} t={t} locale={locale} actions={include} readOnly={readOnly} />
          ) : null}
          <h3 className={styles.heading}>{t("Evidence_Heading")}</h3>
          {current.length ? (
            <EvidenceList items={current} t={t} locale={locale} label={t("Evidence_Heading")} />
          ) : !history.length ? (
            // "Nothing recorded" only when every source answered: a failed source proves nothing.
            <Text variant="small">
              {t(verdict.sources.every((s) => s.ok) ? "Evidence_None" : "Evidence_NoneReadable")}
            </Text>
          ) : null}
          {history.length ? (
            <>
              <ActionButton
                iconProps={{ iconName: showHistory ? "ChevronUp" : "ChevronDown" }}
                onClick={onToggleHistory}
                aria-expanded={showHistory}
              >
                {showHistory ? t("Action_HideHistory") : t("Action_ShowHistory", { count: history.length })}
              </ActionButton>
              {showHistory ? (
                <EvidenceList items={history} t={t} locale={locale} label={t("Evidence_HistoryHeading")} />
              ) : null}
            </>
          ) : null}
          <h3 className={styles.heading}>{t("Reasons_Heading")}</h3>
          <ul className={styles.reasons}>
            {reasons.map((r, i) => (
              <li key={i}>
                <Text variant="small">{r}</Text>
              </li>
            ))}
          </ul>
          {notes.length ? (
            <Notice type="warning">
              <strong>{t("Notes_Heading")}:</strong> {notes.join(" ")}
            </Notice>
          ) : null}
        </Stack>
      </section>
    );
  },
);
VerdictCard.displayName = "VerdictCard";

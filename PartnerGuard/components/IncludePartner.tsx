/** @jsx h */
import * as React from "react";
import { h } from "./h";
import { ActionButton, DefaultButton, PrimaryButton, Stack } from "@fluentui/react";
import { Notice } from "./Notice";
import { Verdict } from "../../src/core/types";
import { formatDate, partnerLabel, rejectionLine } from "../../src/text/verdictText";
import { Translate } from "./Component.types";
import { IncludePartnerActions } from "./IncludePartner.types";
import { EngageDialog } from "./EngageDialog";
import { ExceptionDialog } from "./ExceptionDialog";
import { HistoryList } from "./HistoryList";

interface IncludePartnerProps {
  verdict: Verdict;
  t: Translate;
  locale: string;
  actions: IncludePartnerActions;
  /** A read-only form: what was done shows, nothing new is written (the history is a read and stays). */
  readOnly?: boolean;
}

/**
 * A blocked verdict is never a dead end: engage the partner, or ask for a time-boxed exception.
 * A request waiting for an approver, or the latest one rejected (by whom, when, the approver's note), shows here.
 * On a read-only form the way out is someone who may write (engage, request); the state still shows.
 */
export const IncludePartner: React.FC<IncludePartnerProps> = ({ verdict, t, locale, actions, readOnly }) => {
  const [dialog, setDialog] = React.useState<"engage" | "exception" | undefined>(undefined);
  const [showHistory, setShowHistory] = React.useState(false);
  const [sent, setSent] = React.useState(false);
  // A saved request whose approvers could not all be told: said until the card goes away.
  const [unannounced, setUnannounced] = React.useState<string[] | undefined>(undefined);
  const returnFocus = React.useRef<HTMLElement | null>(null);
  const open = (which: "engage" | "exception") => {
    returnFocus.current = document.activeElement as HTMLElement | null;
    setDialog(which);
  };
  const close = () => {
    setDialog(undefined);
    // Focus goes back to the button that opened the dialog.
    setTimeout(() => returnFocus.current?.focus(), 0);
  };
  const por = verdict.partnerOfRecord;
  const pending = verdict.pendingException;
  const rejected = verdict.rejectedException;
  const note = rejected?.decision?.note?.trim();
  const canAct = verdict.outreach === "blocked" && por && !readOnly;
  const loadHistory = React.useCallback(() => actions.loadHistory(), [actions]);
  // A form that turns read-only (e.g. the record is deactivated) drops an open dialog for good.
  React.useEffect(() => {
    if (readOnly) setDialog(undefined);
  }, [readOnly]);
  return (
    <Stack tokens={{ childrenGap: 6 }} className="pg-include">
      {verdict.engagement ? (
        <Notice type="info" delayedRender={false} className="pg-engaged">
          {verdict.engagement.by
            ? t("Engaged_Banner", { date: formatDate(verdict.engagement.on, locale), by: verdict.engagement.by })
            : t("Engaged_BannerNoBy", { date: formatDate(verdict.engagement.on, locale) })}
        </Notice>
      ) : null}
      {pending ? (
        <Notice type="info" delayedRender={false} className="pg-pending">
          {t("Exception_Pending", {
            date: formatDate(pending.request.createdOn, locale),
            by: pending.request.requestedBy ?? t("User_Unknown"),
          })}
        </Notice>
      ) : sent ? (
        <Notice type="success" delayedRender={false}>
          {t("Exception_Sent")}
        </Notice>
      ) : rejected ? (
        // Names and the note are React text children: whatever an approver typed shows as typed, never as markup.
        <Notice type="warning" delayedRender={false} className="pg-rejected">
          <div>{rejectionLine(t, rejected, locale)}</div>
          {note ? (
            <div className="pg-rejected-note">
              {t("Exception_RejectedNote")} <span style={{ whiteSpace: "pre-wrap" }}>{note}</span>
            </div>
          ) : null}
        </Notice>
      ) : null}
      {unannounced ? (
        // Names are React text children: shown as typed, never as markup.
        <Notice type="warning" delayedRender={false} className="pg-not-notified">
          {unannounced.length
            ? t("Exception_SentNotNotified", { names: unannounced.join(", ") })
            : t("Exception_SentNoApprovers")}
        </Notice>
      ) : null}
      {/* flex gap, not a wrapping Stack: its negative margins would overflow a narrow column */}
      <div style={{ display: "flex", flexWrap: "wrap", gap: 8, alignItems: "center" }}>
        {canAct ? <PrimaryButton text={t("Action_EngagePartner")} onClick={() => open("engage")} /> : null}
        {canAct && !pending ? (
          <DefaultButton text={t("Action_RequestException")} onClick={() => open("exception")} />
        ) : null}
        <ActionButton
          iconProps={{ iconName: "History" }}
          aria-expanded={showHistory}
          onClick={() => setShowHistory((v) => !v)}
        >
          {t("Action_History")}
        </ActionButton>
      </div>
      {showHistory ? <HistoryList t={t} locale={locale} load={loadHistory} /> : null}
      {dialog === "engage" && por && !readOnly ? (
        <EngageDialog
          partner={partnerLabel(t, por)}
          contact={por.association.partnerContactName}
          t={t}
          onSubmit={(note) => actions.engage(note)}
          onDismiss={close}
        />
      ) : null}
      {dialog === "exception" && !readOnly ? (
        <ExceptionDialog
          t={t}
          limits={actions.limits}
          onSubmit={async (request) => {
            const outcome = await actions.requestException(request);
            if (!outcome.problems.length) {
              setSent(true);
              setUnannounced(outcome.notified ? undefined : outcome.unnotified);
            }
            return outcome.problems;
          }}
          onDismiss={close}
        />
      ) : null}
    </Stack>
  );
};

/** @jsx h */
import * as React from "react";
import { h } from "./h";
import { MessageBar, MessageBarType, PrimaryButton } from "@fluentui/react";
import { SourceFailure, Verdict } from "../../src/core/types";
import { GRAPH_SOURCE } from "../../src/sources/graph/graphApi";
import { Translate } from "./Component.types";

interface GraphNoticeProps {
  verdict: Verdict;
  t: Translate;
  /** Opens the sign-in popup, then resolves again. Absent where interactive sign-in is impossible. */
  onConnect?: () => void;
  /** Why the last interactive sign-in did not complete (consent missing, popup closed…). */
  connectFailure?: SourceFailure;
}

/**
 * What the seller can do about Microsoft Graph: connect when silent sign-in failed (the popup
 * must come from this click, never from form load), or fix the account's tenant id.
 */
export const GraphNotice: React.FC<GraphNoticeProps> = ({ verdict, t, onConnect, connectFailure }) => {
  const failure = verdict.reasons.find((r) => r.code === "source-failed" && r.source === GRAPH_SOURCE)?.failure;
  if (failure?.kind === "not-connected" && onConnect) {
    return (
      <MessageBar
        messageBarType={MessageBarType.info}
        isMultiline
        className="pg-graph-connect"
        actions={
          <div>
            <PrimaryButton onClick={onConnect}>{t("Action_ConnectGraph")}</PrimaryButton>
          </div>
        }
      >
        {t("Graph_NotConnected")}
        {connectFailure ? ` ${t("Graph_ConnectFailed", { reason: t(`Failure_${connectFailure.kind}`) })}` : null}
      </MessageBar>
    );
  }
  if (failure?.kind === "invalid-input") {
    return (
      <MessageBar messageBarType={MessageBarType.warning} isMultiline className="pg-graph-tenant">
        {t("Graph_InvalidTenantId")}
      </MessageBar>
    );
  }
  return null;
};

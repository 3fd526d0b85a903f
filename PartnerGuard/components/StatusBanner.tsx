import * as React from "react";
import { DefaultButton, MessageBar, MessageBarType } from "@fluentui/react";
import { Verdict } from "../../src/core/types";
import { Translate } from "./Component.types";
import { verdictLine } from "../../src/text/verdictText";

interface StatusBannerProps {
  verdict: Verdict;
  t: Translate;
  locale: string;
  onRetry: () => void;
}

const BAR_TYPE: Record<Verdict["outreach"], MessageBarType> = {
  allowed: MessageBarType.success,
  blocked: MessageBarType.severeWarning,
  unverified: MessageBarType.error,
};

/** The verdict in one line. `role="status"` so screen readers announce a changed verdict. */
export const StatusBanner: React.FC<StatusBannerProps> = React.memo(({ verdict, t, locale, onRetry }) => (
  <MessageBar
    messageBarType={BAR_TYPE[verdict.outreach]}
    isMultiline
    role="status"
    data-outreach={verdict.outreach}
    className="pg-verdict"
    actions={
      verdict.outreach === "unverified" ? (
        <div>
          <DefaultButton onClick={onRetry}>{t("Action_Retry")}</DefaultButton>
        </div>
      ) : undefined
    }
  >
    {verdictLine(t, verdict, locale)}
  </MessageBar>
));
StatusBanner.displayName = "StatusBanner";

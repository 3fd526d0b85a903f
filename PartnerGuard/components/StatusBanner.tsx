/** @jsx h */
import * as React from "react";
import { h } from "./h";
import { DefaultButton } from "@fluentui/react";
import { Notice, NoticeType } from "./Notice";
import { Verdict } from "../../src/core/types";
import { Translate } from "./Component.types";
import { verdictLine } from "../../src/text/verdictText";

interface StatusBannerProps {
  verdict: Verdict;
  t: Translate;
  locale: string;
  onRetry: () => void;
}

const BAR_TYPE: Record<Verdict["outreach"], NoticeType> = {
  allowed: "success",
  blocked: "severeWarning",
  unverified: "error",
};

/** The verdict in one line. `role="status"` so screen readers announce a changed verdict. */
export const StatusBanner: React.FC<StatusBannerProps> = React.memo(({ verdict, t, locale, onRetry }) => (
  <Notice
    type={BAR_TYPE[verdict.outreach]}
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
  </Notice>
));
StatusBanner.displayName = "StatusBanner";

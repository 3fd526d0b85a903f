/**
 * The words the writes store, in the acting user's language: an audit row's name, reasons and
 * sources; an engagement task's subject; a request's and a decision's name. The sources take them
 * as data (src/sources/audit.ts `AuditWording`, src/sources/partnerActions.ts `ActionWording`).
 */
import type { AuditWording } from "../sources/audit";
import type { ActionWording } from "../sources/partnerActions";
import { Translate } from "./translate";
import { formatDate, partnerLabel, reasonText } from "./verdictText";

export function auditWording(t: Translate): AuditWording {
  return ({ verdict, decision, accountName, now }) => ({
    name: t("Outreach_AuditName", { account: accountName, decision: t(`Decision_${decision}`) }),
    reasons: verdict.reasons.map((r) => reasonText(t, verdict, r, now)).filter((r): r is string => !!r),
    sources: verdict.sources.map((s) => t(s.ok ? "Source_ok" : "Source_failed", { source: s.source })).join("; "),
  });
}

/**
 * `locale` formats the dates a notification names; a notification is written once, in the
 * sender's language, and read by its recipient as written.
 */
export function actionWording(t: Translate, locale = "en-GB"): ActionWording {
  const unknown = () => t("User_Unknown");
  return {
    requestedNotice: ({ account, seller, reason, days }) => ({
      title: t("Notice_RequestedTitle", { account }),
      body: t("Notice_RequestedBody", {
        seller: seller || unknown(),
        account,
        days,
        reason: reason ? t(`ExceptionReason_${reason}`) : t("Notice_NoReason"),
      }),
      action: t("Notice_OpenRequest"),
    }),
    decidedNotice: ({ account, approve, validUntil, approver, note }) => {
      const by = approver || unknown();
      const decided = approve
        ? t("Notice_ApprovedBody", { approver: by, account, date: formatDate(validUntil, locale) })
        : t("Notice_RejectedBody", { approver: by, account });
      return {
        title: t(approve ? "Notice_ApprovedTitle" : "Notice_RejectedTitle", { account }),
        body: note ? `${decided} ${t("Notice_Note", { note })}` : decided,
        action: t("Notice_OpenRequest"),
      };
    },
    audit: auditWording(t),
    engageSubject: (partner, account) => t("Outreach_EngageSubject", { partner: partnerLabel(t, partner), account }),
    partnerContact: (contact) => t("Evidence_Contact", { contact }),
    exceptionName: (account) => t("Exception_Name", { account }),
    decisionName: (approve, account) => t(approve ? "Decision_NameApproved" : "Decision_NameRejected", { account }),
  };
}

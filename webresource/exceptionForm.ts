/**
 * The outreach exception's form, for approvers: on save, a decision by the requester is refused
 * (never one's own request), and an approval is completed the way the card's flow does it:
 * approver = the current user, valid until = now + the requested days. The platform runs OnSave
 * handlers synchronously, so everything that can refuse the save happens before any await.
 */
import { ExceptionStatusCodes, OutreachExceptionTable } from "../src/schema";
import { checkDecision, validUntil } from "../src/core/exceptions";
import { normalizeGuid } from "../src/sources/webApi";
import { makeTranslate } from "../src/text/verdictText";
import { CommandHost } from "./host";

type LookupValue = { id: string; name?: string; entityType: string }[] | null;

export interface ExceptionFormLike {
  getAttribute(name: string): { getValue(): unknown; setValue(value: unknown): void; getIsDirty(): boolean } | null;
  ui: { setFormNotification(message: string, level: "ERROR" | "WARNING" | "INFO", uniqueId: string): boolean; clearFormNotification(uniqueId: string): boolean };
}

export interface SaveEventLike {
  getFormContext(): ExceptionFormLike;
  getEventArgs(): { preventDefault(): void };
}

const NOTE_ID = "pg-exception-decision";

export function onSave(host: Pick<CommandHost, "getString" | "userId">, context: SaveEventLike, now: () => number = Date.now): "saved" | "refused" | "unchanged" {
  const form = context.getFormContext();
  const t = makeTranslate((key) => host.getString(key));
  const E = OutreachExceptionTable;
  const status = form.getAttribute(E.status);
  const decided = status?.getValue();
  form.ui.clearFormNotification(NOTE_ID);
  if (!status?.getIsDirty() || (decided !== ExceptionStatusCodes.approved && decided !== ExceptionStatusCodes.rejected)) return "unchanged";
  const requester = (form.getAttribute(E.requester)?.getValue() as LookupValue)?.[0];
  const problems = checkDecision({ id: "", accountId: "", status: "pending", requesterId: normalizeGuid(requester?.id) }, normalizeGuid(host.userId) ?? host.userId);
  if (problems.length) {
    context.getEventArgs().preventDefault();
    form.ui.setFormNotification(problems.map((p) => t(`Problem_${p.code}`)).join(" "), "ERROR", NOTE_ID);
    return "refused";
  }
  const userId = normalizeGuid(host.userId);
  if (userId) form.getAttribute(E.approver)?.setValue([{ id: userId, entityType: "systemuser" }]);
  if (decided === ExceptionStatusCodes.approved) {
    const days = form.getAttribute(E.requestedDays)?.getValue();
    form.getAttribute(E.validUntil)?.setValue(new Date(validUntil(now(), typeof days === "number" && days > 0 ? days : 1)));
  }
  return "saved";
}

/**
 * A write that failed, in words a seller understands. The server refusing for lack of a privilege
 * (the roles are the trust boundary) is told as such, with the platform's message kept for admins.
 */
import { isObject } from "../core/json";
import { Translate } from "./translate";
import { PartlySavedError, SourceError, messageOf } from "../core/errors";

/** Privilege errors as the Web API, PCF's webAPI and Xrm.WebApi report them (HTTP 403, or the error code alone). */
const PRIVILEGE_CODES = new Set<unknown>([-2147220960, -2147187962, "0x80040220", "0x80048306"]);

function isPrivilegeError(error: unknown): boolean {
  if (!isObject(error)) return false;
  const e = error;
  return (
    [e.status, e.statusCode, e.httpStatusCode].includes(403) ||
    PRIVILEGE_CODES.has(e.errorCode) ||
    PRIVILEGE_CODES.has(e.code)
  );
}

export function writeFailureText(t: Translate, error: unknown): string {
  if (error instanceof PartlySavedError) return t(`Action_PartlySaved_${error.saved}`, { message: error.message });
  const message = messageOf(error);
  // No answer is not "nothing was recorded": the write may have gone through.
  if (error instanceof SourceError && error.failure.kind === "timeout") return t("Action_WriteTimedOut", { message });
  return isPrivilegeError(error) ? t("Action_NoPrivilege", { message }) : t("Action_WriteFailed", { message });
}

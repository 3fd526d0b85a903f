/**
 * `check`: the account's parent changes from Dataverse's audit history, where auditing is on
 * for the account table and its `parentaccountid` column. A seller with Write on the account can
 * clear or change its parent and so escape a partner of record the old parent's chain holds; the
 * verdict follows the account as it is now, and `check` shows the change beside it (who, when,
 * from which parent, and the partner of record that parent's chain holds).
 *
 * Read with the Web API function `RetrieveAttributeChangeHistory` (learn.microsoft.com,
 * power-apps/developer/data-platform/auditing/retrieve-audit-data; the caller needs
 * prvReadAuditSummary, see docs/admin.md). Where auditing is off, the privilege is missing or the
 * function is not answered, the history is "not available", said once, never a failure of `check`.
 */
import { isObject } from "../src/core/json";
import { SourceFailure } from "../src/core/types";
import { Account } from "../src/schema";
import { FORMATTED, normalizeGuid } from "../src/sources/webApi";
import { toFailure } from "../src/sources/failures";

/** One change of the account's parent, as the audit recorded it. */
export interface ParentChange {
  /** When the change was made (the audit record's `createdon`). */
  on: string;
  /** Who made it (the audit record's `userid`, by name when the answer carries it). */
  by?: string;
  /** The parent before the change, and after (absent: none). */
  from?: string;
  fromName?: string;
  to?: string;
  toName?: string;
}

/** What `check` needs of its host: a GET of a function under the API root. */
export interface FunctionHost {
  getJson(path: string): Promise<unknown>;
}

/** The Web API request: the account's `parentaccountid` change history (RetrieveAttributeChangeHistory). */
export function parentHistoryPath(accountId: string): string {
  return (
    "RetrieveAttributeChangeHistory(Target=@target,AttributeLogicalName=@attribute)" +
    `?@target=${encodeURIComponent(`{'@odata.id':'${Account.entitySet}(${accountId})'}`)}` +
    `&@attribute=${encodeURIComponent(`'${Account.parent}'`)}`
  );
}

/** The parent a value of the audit detail (`OldValue`/`NewValue`, an account) names. */
function parentOf(value: unknown): { id?: string; name?: string } {
  if (!isObject(value)) return {};
  const key = `_${Account.parent}_value`;
  const id = normalizeGuid(value[key] ?? value[Account.parent]);
  const name = value[key + FORMATTED];
  return { id, name: typeof name === "string" ? name : undefined };
}

/**
 * The account's parent changes, newest first; a failure when the history cannot be read (auditing
 * off, no privilege, or a Web API that does not answer the function).
 */
export async function readParentHistory(
  host: FunctionHost,
  accountId: string,
): Promise<ParentChange[] | SourceFailure> {
  let body: unknown;
  try {
    body = await host.getJson(parentHistoryPath(accountId));
  } catch (error) {
    return toFailure(error);
  }
  const collection = isObject(body) ? body.AuditDetailCollection : undefined;
  const details = isObject(collection) ? collection.AuditDetails : undefined;
  if (!Array.isArray(details))
    return { kind: "malformed", message: "RetrieveAttributeChangeHistory answered without AuditDetails" };
  const changes: ParentChange[] = [];
  for (const detail of details) {
    if (!isObject(detail) || !isObject(detail.AuditRecord)) continue;
    const record = detail.AuditRecord;
    const on = typeof record.createdon === "string" ? record.createdon : undefined;
    if (!on) continue;
    const from = parentOf(detail.OldValue);
    const to = parentOf(detail.NewValue);
    if (from.id === to.id) continue;
    const by = record[`_userid_value${FORMATTED}`] ?? record._userid_value;
    changes.push({
      on,
      by: typeof by === "string" ? by : undefined,
      from: from.id,
      fromName: from.name,
      to: to.id,
      toName: to.name,
    });
  }
  return changes.sort((a, b) => b.on.localeCompare(a.on));
}

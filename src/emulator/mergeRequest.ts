/**
 * The body of `POST [org]/api/data/v9.2/Merge` as the Web API documents it (webapi/merge-table-rows):
 * `Target` and `Subordinate` are entity records naming their type with `@odata.type` (required:
 * "you must include the @odata.type annotation") and their primary key; `UpdateContent` (optional)
 * is a record of the same type whose columns are set on the target; `PerformParentingChecks` is a
 * required Boolean. A body that is not so is answered 400.
 */
import type { Row } from "../sources/webApi";
import type { MergeRequest } from "./emulatorTypes";
import { EmulatorError } from "./emulatorError";

const TYPE = "@odata.type";
const PREFIX = "Microsoft.Dynamics.CRM.";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function typeOf(parameter: string, value: unknown): { table: string; record: Record<string, unknown> } {
  if (!isRecord(value))
    throw new EmulatorError(400, `Merge: the parameter ${parameter} is missing or not an entity record`);
  const type = value[TYPE];
  if (typeof type !== "string" || !type.startsWith(PREFIX))
    throw new EmulatorError(400, `Merge: ${parameter} needs the ${TYPE} annotation (${PREFIX}<table>)`);
  return { table: type.slice(PREFIX.length), record: value };
}

/** The primary key of `table` is `<table>id` for every table Merge accepts (account, contact, lead, incident). */
function idOf(parameter: string, table: string, record: Record<string, unknown>): string {
  const id = record[`${table}id`];
  if (typeof id !== "string") throw new EmulatorError(400, `Merge: ${parameter} has no ${table}id`);
  return id;
}

export function mergeRequestOf(body: unknown): MergeRequest {
  if (!isRecord(body)) throw new EmulatorError(400, "Merge: the request body is not a JSON object");
  const target = typeOf("Target", body.Target);
  const subordinate = typeOf("Subordinate", body.Subordinate);
  if (subordinate.table !== target.table)
    throw new EmulatorError(400, "Merge: Target and Subordinate must be records of the same table");
  if (typeof body.PerformParentingChecks !== "boolean")
    throw new EmulatorError(400, "Merge: the parameter PerformParentingChecks (Edm.Boolean) is required");
  let updateContent: Row | undefined;
  if (body.UpdateContent !== undefined) {
    const update = typeOf("UpdateContent", body.UpdateContent);
    if (update.table !== target.table)
      throw new EmulatorError(400, "Merge: UpdateContent must be a record of the target's table");
    updateContent = Object.fromEntries(Object.entries(update.record).filter(([k]) => k !== TYPE));
  }
  return {
    entity: target.table,
    target: idOf("Target", target.table, target.record),
    subordinate: idOf("Subordinate", subordinate.table, subordinate.record),
    ...(updateContent ? { updateContent } : {}),
    performParentingChecks: body.PerformParentingChecks,
  };
}

/**
 * The Web API `Merge` action once the caller may merge (webapi/merge-table-rows; platform-facts G,
 * "Found by a security review"): for account and contact it runs in the system user's security
 * context, so what follows is done whoever owns the rows it touches.
 * - "Merge moves any useful data from the Subordinate record to the Target record. Existing data
 *   in the Target record won't be overwritten": the subordinate's values fill the target's empty
 *   columns, then `UpdateContent` is set on the target;
 * - every row whose lookup points at the subordinate is re-pointed to the target: a relationship's
 *   CascadeMerge is "Cascade" for the tables that can be merged (the platform fixes it; exports
 *   carry no CascadeMerge), so requests, audit entries, associations, activities and child
 *   accounts all move, and what hangs off them (decisions on a request) moves with them;
 * - "the Subordinate record is then deactivated": inactive, `merged`, `masterid` = the target.
 */
import { ServerColumns } from "../schema";
import type { CellValue, LookupValue, Record_, TableDefinition } from "./emulatorTypes";

export interface MergeStore {
  definitions: Readonly<Record<string, TableDefinition>>;
  rows(table: string): Record_[];
}

/** Columns no merge copies: keys, server-set columns, state, and the merge's own record. */
const NOT_COPIED: ReadonlySet<string> = new Set([
  ...Object.values(ServerColumns),
  "statecode",
  "statuscode",
  "merged",
  "masterid",
  "versionnumber",
]);

/** Inactive (statecode 1) with status reason Inactive (2), as account and contact define them. */
const INACTIVE = { statecode: 1, statuscode: 2 } as const;

const isLookup = (v: CellValue): v is LookupValue => typeof v === "object" && v !== null && "$lookup" in v;
const pointsAt = (v: CellValue, table: string, id: string) =>
  isLookup(v) && v.$lookup === table && v.id.toLowerCase() === id;

export function mergeInto(
  store: MergeStore,
  table: string,
  ids: { target: string; subordinate: string },
  rows: { target: Record_; subordinate: Record_ },
  updateContent: Record_,
): void {
  const { target, subordinate } = rows;
  const def = store.definitions[table];
  for (const [column, value] of Object.entries(subordinate)) {
    if (column === def.primaryId || NOT_COPIED.has(column) || value === undefined || value === null) continue;
    // The subordinate's pointer to the target (e.g. its parent) must not make the target its own.
    if (pointsAt(value, table, ids.target)) continue;
    if (target[column] === undefined || target[column] === null) target[column] = value;
  }
  Object.assign(target, updateContent);
  for (const name of Object.keys(store.definitions)) {
    for (const row of store.rows(name)) {
      if (row === subordinate) continue;
      for (const [column, value] of Object.entries(row)) {
        if (!pointsAt(value, table, ids.subordinate)) continue;
        // A target that pointed at the subordinate would point at itself: that link is dropped.
        row[column] = row === target ? null : { $lookup: table, id: ids.target };
      }
    }
  }
  Object.assign(subordinate, INACTIVE, { merged: true, masterid: { $lookup: table, id: ids.target } });
}

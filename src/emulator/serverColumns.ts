/**
 * The columns only the server sets on a row (platform-facts.md F): who created and last changed it,
 * when, and who owns it. The trust boundary rests on them: the verdict reads who asked and who
 * decided from `createdby`, and how long ago from `createdon`.
 */
import { ServerColumns, SystemUser } from "../schema";
import type { LookupValue, Record_ } from "./dataverseEmulator";
import { EmulatorError } from "./emulatorError";

/**
 * Body values for these are ignored on create and update, not refused: the server's value wins.
 * The platform marks them not valid for create or update; the emulator keeps its own value rather
 * than guessing the error, so a client can never pass its own off, whatever it sends.
 */
const SERVER_SET: ReadonlySet<string> = new Set([
  ServerColumns.createdBy,
  ServerColumns.createdOn,
  ServerColumns.modifiedBy,
  ServerColumns.modifiedOn,
  "createdonbehalfby",
  "modifiedonbehalfby",
]);

/** Whether the server alone sets the column (the name as sent, plain or before `@odata.bind`). */
export function isServerSet(column: string): boolean {
  return SERVER_SET.has(column.toLowerCase());
}

const user = (id: string): LookupValue => ({ $lookup: SystemUser.logicalName, id });

/**
 * `overriddencreatedon` of a create body: the moment `createdon` is moved back to, or undefined.
 * The platform allows backdating for data migration; a moment not earlier than now is ignored, so
 * `createdon` is never later than the real creation ("not later than").
 */
function backdated(value: unknown, now: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const at = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(at))
    throw new EmulatorError(
      400,
      `Cannot convert the literal '${typeof value === "string" ? value : JSON.stringify(value)}' to the expected type 'Edm.DateTimeOffset'.`,
    );
  return at < now ? new Date(at).toISOString() : undefined;
}

/**
 * Server columns of a new row created by `userId` at `now`. When backdated, `createdon` takes the
 * given moment and `overriddencreatedon` the real one (as the platform records a migrated row).
 */
export function createdColumns(userId: string, now: number, overriddenCreatedOn: unknown): Record_ {
  const at = new Date(now).toISOString();
  const past = backdated(overriddenCreatedOn, now);
  return {
    [ServerColumns.createdBy]: user(userId),
    [ServerColumns.modifiedBy]: user(userId),
    [ServerColumns.owner]: user(userId),
    [ServerColumns.createdOn]: past ?? at,
    [ServerColumns.modifiedOn]: at,
    ...(past ? { [ServerColumns.overriddenCreatedOn]: at } : {}),
  };
}

/** Server columns an update by `userId` at `now` stamps. */
export function modifiedColumns(userId: string, now: number): Record_ {
  return { [ServerColumns.modifiedBy]: user(userId), [ServerColumns.modifiedOn]: new Date(now).toISOString() };
}

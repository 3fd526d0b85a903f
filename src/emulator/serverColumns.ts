/**
 * The columns only the server sets on a row (platform-facts.md F): who created and last changed it,
 * when, and who owns it. The trust boundary rests on them: the verdict reads who asked and who
 * decided from `createdby`, and how long ago from `createdon`.
 */
import { ServerColumns, SystemUser } from "../schema";
import type { LookupValue, Record_ } from "./emulatorTypes";
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
  ServerColumns.createdOnBehalfBy,
  ServerColumns.modifiedOnBehalfBy,
]);

/** Whether the server alone sets the column (the name as sent, plain or before `@odata.bind`). */
export function isServerSet(column: string): boolean {
  return SERVER_SET.has(column.toLowerCase());
}

const user = (id: string): LookupValue => ({ $lookup: SystemUser.logicalName, id });

/**
 * `overriddencreatedon` of a create body: the moment `createdon` is moved back to, or undefined.
 * The platform allows backdating for data migration and refuses a future date (run-data-import;
 * microsoft/coe-starter-kit issue 3954), so `createdon` is never later than the real creation
 * ("not later than"). The moment itself (not later) is taken as no backdating.
 */
function backdated(value: unknown, now: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const at = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(at))
    throw new EmulatorError(
      400,
      `Cannot convert the literal '${typeof value === "string" ? value : JSON.stringify(value)}' to the expected type 'Edm.DateTimeOffset'.`,
    );
  if (at > now)
    throw new EmulatorError(
      400,
      `emulator: overriddencreatedon ${new Date(at).toISOString()} is in the future; the platform refuses a future date`,
    );
  return at < now ? new Date(at).toISOString() : undefined;
}

/**
 * Server columns of a new row created by `userId` at `now`. When backdated, `createdon` takes the
 * given moment and `overriddencreatedon` the real one (as the platform records a migrated row).
 * Created on behalf of `userId` by `delegateId` (impersonation): `createdby` is the impersonated
 * user, `createdonbehalfby` the caller (impersonate-another-user-web-api).
 */
export function createdColumns(
  userId: string,
  now: number,
  overriddenCreatedOn: unknown,
  delegateId?: string,
): Record_ {
  const at = new Date(now).toISOString();
  const past = backdated(overriddenCreatedOn, now);
  return {
    [ServerColumns.createdBy]: user(userId),
    [ServerColumns.modifiedBy]: user(userId),
    [ServerColumns.owner]: user(userId),
    [ServerColumns.createdOn]: past ?? at,
    [ServerColumns.modifiedOn]: at,
    ...(past ? { [ServerColumns.overriddenCreatedOn]: at } : {}),
    ...(delegateId
      ? {
          [ServerColumns.createdOnBehalfBy]: user(delegateId),
          [ServerColumns.modifiedOnBehalfBy]: user(delegateId),
        }
      : {}),
  };
}

/**
 * Stamp an update by `userId` at `now` on the row (and who sent it, on behalf of `userId`; an
 * update sent by the user themselves leaves no `modifiedonbehalfby`).
 */
export function stampModified(row: Record_, userId: string, now: number, delegateId?: string): void {
  row[ServerColumns.modifiedBy] = user(userId);
  row[ServerColumns.modifiedOn] = new Date(now).toISOString();
  if (delegateId) row[ServerColumns.modifiedOnBehalfBy] = user(delegateId);
  else delete row[ServerColumns.modifiedOnBehalfBy];
}

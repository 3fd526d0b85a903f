/**
 * Column-level security as the platform applies it to a user (platform-facts F; powerapps-docs
 * "Column-level security"): a column marked secured is read, created or updated only through a
 * field security profile the user holds (the union of their profiles' `fieldpermission` rows);
 * System Administrators are not limited. The profiles are the ones the solution ships
 * (src/pack/model/fieldSecurity.ts), so the emulator enforces exactly what an org gets on import.
 *
 * What a user without the permission gets, as the platform answers it:
 * - a read returns the row with the column null, so FetchXML leaves it out (never an error);
 *   conditions on it see null too (the emulator evaluates them on the masked row);
 * - a create or update that sets it is refused with "The user does not have create permissions to
 *   a secured field. The requested operation could not be completed." (the platform's words, quoted
 *   in rappen/AutoNumManager issue 18; the update wording is the same with "update"). The emulator
 *   answers 403; the platform's error code for it was not found, so none is sent.
 */
import { FIELD_SECURITY_PROFILES, FieldSecurityProfileKey } from "../pack/model/fieldSecurity";
import { EmulatorError } from "./emulatorError";

export type ColumnAccess = "read" | "create" | "update";

export class FieldSecurity {
  private readonly allowed = new Set<string>();

  constructor(
    profiles: readonly FieldSecurityProfileKey[],
    /** System Administrators read and write every secured column. */
    private readonly unrestricted: boolean,
  ) {
    for (const profile of FIELD_SECURITY_PROFILES.filter((p) => profiles.includes(p.key))) {
      for (const p of profile.permissions) {
        if (p.read) this.allowed.add(key(p.table, p.column, "read"));
        if (p.create) this.allowed.add(key(p.table, p.column, "create"));
        if (p.update) this.allowed.add(key(p.table, p.column, "update"));
      }
    }
  }

  /** Whether the user may use a secured column so; ask only for columns the table secures. */
  allows(table: string, column: string, access: ColumnAccess): boolean {
    return this.unrestricted || this.allowed.has(key(table, column, access));
  }

  /** A 403 unless the user may create or update the secured column. */
  requireWrite(table: string, column: string, access: "create" | "update"): void {
    if (!this.allows(table, column, access))
      throw new EmulatorError(
        403,
        `The user does not have ${access} permissions to a secured field. The requested operation could not be completed. (emulator: ${table}.${column})`,
        "",
      );
  }
}

const key = (table: string, column: string, access: ColumnAccess) => `${table}.${column}:${access}`;

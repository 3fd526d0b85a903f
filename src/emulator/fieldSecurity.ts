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
    private readonly profiles: readonly FieldSecurityProfileKey[],
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

  /**
   * What RetrievePrincipalAttributePrivileges answers for the user: the secured-column privileges
   * its profiles grant, "through direct or indirect (through team membership) associations with the
   * FieldSecurityProfile entity" (learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/mt607755).
   * Only profiles: a System Administrator's reach through the role is not listed (the documentation
   * names profiles alone, so the emulator never answers more kindly than that).
   */
  privileges(): { table: string; column: string; read: boolean; create: boolean; update: boolean }[] {
    const byColumn = new Map<
      string,
      { table: string; column: string; read: boolean; create: boolean; update: boolean }
    >();
    for (const profile of FIELD_SECURITY_PROFILES.filter((p) => this.profiles.includes(p.key)))
      for (const p of profile.permissions) {
        const k = `${p.table}.${p.column}`;
        const seen = byColumn.get(k) ?? { table: p.table, column: p.column, read: false, create: false, update: false };
        byColumn.set(k, {
          ...seen,
          read: seen.read || p.read,
          create: seen.create || p.create,
          update: seen.update || p.update,
        });
      }
    return [...byColumn.values()];
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

/**
 * A column's `MetadataId` in the emulator: a GUID fixed by table and column (an org gives each
 * column its own at creation; any stable, distinct id does here). FNV-1a over the name, four times.
 */
export function attributeMetadataId(table: string, column: string): string {
  const text = `${table}.${column}`;
  let hex = "";
  for (let round = 0; round < 4; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    hex += (h >>> 0).toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

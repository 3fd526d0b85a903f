/**
 * The security roles the solution ships, enforced by the emulator for a persona (a signed-in
 * user): privileges come from the same model the packer writes (ROLES), so the emulator refuses
 * what an org with the solution imported would refuse (platform-facts.md F, "Security,
 * declaratively"). Errors are shaped like the platform's 403s (dataverse-webapi-facts.md 6).
 *
 * Depths follow business units (businessUnits.ts): Basic covers the rows the caller owns, Local
 * those owned in the caller's business unit, Deep those and the child units', Global all. Teams
 * are not emulated. Column-level security comes from the field security profiles the persona
 * holds (fieldSecurity.ts).
 */
import { FieldSecurityProfileKey } from "../pack/model/fieldSecurity";
import { Action, Depth, Privilege, ROLES } from "../pack/model/roles";
import { TableSchemaNames } from "../schema";
import { normalizeGuid } from "../sources/webApi";
import { BusinessUnits } from "./businessUnits";
import type { Record_ } from "./dataverseEmulator";
import { EmulatorError } from "./emulatorError";
import { FieldSecurity } from "./fieldSecurity";

type RoleKey = "seller" | "approver" | "admin";

export interface Persona {
  id: string;
  name: string;
  roles: RoleKey[];
  /** What the org's base role (e.g. Salesperson) grants on standard tables; none when absent. */
  base?: Privilege[];
  /** The user's business unit (Local and Deep depths compare with it); the root unit when absent. */
  businessUnitId?: string;
  /** Field security profiles the admin made the user a member of; none when absent. */
  fieldSecurityProfiles?: FieldSecurityProfileKey[];
  /** Holds System Administrator: every privilege at Global depth, and no column-level security. */
  systemAdministrator?: boolean;
  /** The user's Microsoft Entra object id (what the `CallerObjectId` header names). */
  objectId?: string;
}

/**
 * Privileges that belong to no table (the security role's "Business Management" and "Delegate"
 * tabs): held or not, always at Global depth.
 */
export const OrgPrivileges = {
  /** Merge (Web API `Merge`); with it Read, Write, Append, AppendTo and Share on the table. */
  merge: "prvMerge",
  /** Act on behalf of another user (the Delegate role): impersonation headers. */
  actOnBehalfOfAnotherUser: "prvActOnBehalfOfAnotherUser",
  /** Override Created on or Created by for Records during Data Import: `overriddencreatedon`. */
  overrideCreatedOn: "prvOverrideCreatedOnCreatedBy",
} as const;

/** "Principal user is missing privilege": the platform's code for a privilege the caller lacks. */
export const PRIVILEGE_DENIED_CODE = "0x80040220";
/** -2147187962, "Principal with ID … does not have …Access right(s) for record": the depth does not cover the row. */
export const RECORD_ACCESS_DENIED_CODE = "0x80048306";

const basic = (actions: Action[], ...tables: string[]): Privilege[] =>
  tables.flatMap((table) => actions.map((action) => ({ name: `prv${action}${table}`, depth: "Basic" as const })));

/** A Salesperson-like base role: reads accounts, contacts and users, works its own activities. */
export const SALES_BASE_PRIVILEGES: Privilege[] = [
  { name: "prvReadAccount", depth: "Global" },
  { name: "prvReadContact", depth: "Global" },
  { name: "prvReadLead", depth: "Global" },
  { name: "prvReadUser", depth: "Global" },
  { name: "prvAppendToAccount", depth: "Global" },
  // A seller logs calls to contacts: an activity regarding a contact takes Append To on Contact.
  { name: "prvAppendToContact", depth: "Global" },
  ...basic(["Create", "Read", "Write", "Append"], "Task", "PhoneCall"),
];

/** Logical table name -> the schema name its privileges carry (`prv<Action><Schema>`). */
const PRIVILEGE_ENTITY_NAMES: ReadonlyMap<string, string> = new Map([
  ...Object.entries(TableSchemaNames),
  ["account", "Account"],
  ["contact", "Contact"],
  ["lead", "Lead"],
  ["systemuser", "User"],
  ["task", "Task"],
  ["phonecall", "PhoneCall"],
  ["environmentvariabledefinition", "EnvironmentVariableDefinition"],
  ["appnotification", "appnotification"],
  ["role", "Role"],
  // The intersect table has no privilege of its own: reading who holds a role is reading roles.
  ["systemuserroles", "Role"],
  // A definition's values have no privilege of their own: access comes with the definition.
  ["environmentvariablevalue", "EnvironmentVariableDefinition"],
]);

const DEPTH_RANK: Record<Depth, number> = { Basic: 0, Local: 1, Deep: 2, Global: 3 };

/** Privilege name -> depth: the union of the persona's roles and base privileges, the deeper depth winning. */
export function privilegesOf(persona: Persona): ReadonlyMap<string, Depth> {
  const granted = [
    ...persona.roles.flatMap((key) => ROLES.find((role) => role.key === key)?.privileges ?? []),
    ...(persona.base ?? []),
  ];
  const depths = new Map<string, Depth>();
  for (const { name, depth } of granted) {
    const held = depths.get(name);
    if (!held || DEPTH_RANK[depth] > DEPTH_RANK[held]) depths.set(name, depth);
  }
  return depths;
}

/** The persona's user id as the emulator stores ids (lower case, no braces). */
function userIdOf(persona: Persona): string {
  return normalizeGuid(persona.id) ?? persona.id.toLowerCase();
}

function ownerOf(row: Record_): string | undefined {
  const owner = row.ownerid;
  return typeof owner === "object" && owner !== null ? owner.id.toLowerCase() : undefined;
}

/** The privilege checks of one persona, against rows as the emulator stores them. */
export class PersonaAccess {
  readonly userId: string;
  readonly fields: FieldSecurity;
  private readonly depths: ReadonlyMap<string, Depth>;
  private readonly unrestricted: boolean;

  constructor(
    persona: Persona,
    private readonly units: BusinessUnits,
  ) {
    this.userId = userIdOf(persona);
    this.depths = privilegesOf(persona);
    this.unrestricted = persona.systemAdministrator === true;
    this.fields = new FieldSecurity(persona.fieldSecurityProfiles ?? [], this.unrestricted);
  }

  /** A privilege of no table (OrgPrivileges); a 403 in the platform's words when the caller lacks it. */
  requirePrivilege(name: string, doing: string): void {
    if (this.unrestricted || this.depths.has(name)) return;
    throw new EmulatorError(
      403,
      `Principal user (Id=${this.userId}, type=8) is missing ${name} privilege (${doing})`,
      PRIVILEGE_DENIED_CODE,
    );
  }

  /** The depth at which the caller holds the privilege on the table; a 403 when it holds none. */
  require(action: Action, table: string): Depth {
    if (this.unrestricted) return "Global";
    const schema = PRIVILEGE_ENTITY_NAMES.get(table);
    if (!schema) {
      // A table the roles cannot name is a table no role grants anything on.
      throw new EmulatorError(
        403,
        `Principal user (Id=${this.userId}, type=8) is missing privileges on entity '${table}' (the emulator maps no privilege to it)`,
        PRIVILEGE_DENIED_CODE,
      );
    }
    const name = `prv${action}${schema}`;
    const depth = this.depths.get(name);
    if (!depth)
      throw new EmulatorError(
        403,
        `Principal user (Id=${this.userId}, type=8) is missing ${name} privilege (on entity '${table}')`,
        PRIVILEGE_DENIED_CODE,
      );
    return depth;
  }

  /** The privilege at a depth that covers the row; a 403 otherwise. */
  requireOn(action: Action, table: string, row: Record_, rowId: string): void {
    if (!this.covers(this.require(action, table), row)) {
      throw new EmulatorError(
        403,
        `Principal with ID ${this.userId} does not have ${action}Access right(s) for record with ID ${rowId} of entity ${table}`,
        RECORD_ACCESS_DENIED_CODE,
      );
    }
  }

  /** Which rows of the table a read returns; a 403 when the caller cannot read the table at all. */
  readable(table: string): (row: Record_) => boolean {
    const depth = this.require("Read", table);
    return (row) => this.covers(depth, row);
  }

  private covers(depth: Depth, row: Record_): boolean {
    switch (depth) {
      case "Basic":
        return ownerOf(row) === this.userId;
      case "Local":
        return this.units.ofRow(row) === this.units.ofUser(this.userId);
      case "Deep":
        return this.units.within(this.units.ofRow(row), this.units.ofUser(this.userId));
      case "Global":
        return true;
    }
  }
}

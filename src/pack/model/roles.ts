/**
 * Security roles as data: the packer renders these, and a test checks that the packed roles carry
 * exactly these privileges and nothing more. Privilege names follow the platform's pattern
 * `prv<Action><EntitySchemaName>`; depth is the access level the role grants.
 */
import { EnvironmentVariables, SecurityRoles, TableSchemaNames } from "../../schema";

export type Action = "Create" | "Read" | "Write" | "Delete" | "Append" | "AppendTo" | "Assign" | "Share";
export type Depth = "Basic" | "Local" | "Deep" | "Global";

export interface Privilege {
  name: string;
  depth: Depth;
}

export interface RoleDefinition {
  key: "seller" | "approver" | "admin";
  name: string;
  description: string;
  privileges: Privilege[];
}

const association = TableSchemaNames.pg_partnerassociation;
const exception = TableSchemaNames.pg_outreachexception;
const audit = TableSchemaNames.pg_outreachaudit;

const grant = (table: string, depth: Depth, ...actions: Action[]): Privilege[] =>
  actions.map((action) => ({ name: `prv${action}${table}`, depth }));

/** Standard tables the seller's lookups point at (the audit row appends to account). */
const APPEND_TO_ACCOUNT: Privilege = { name: "prvAppendToAccount", depth: "Global" };
/** Reading environment variables: every role needs it, the form reads the policy. */
const READ_ENV: Privilege[] = [
  { name: "prvReadEnvironmentVariableDefinition", depth: "Global" },
  { name: "prvReadEnvironmentVariableValue", depth: "Global" },
];

export const ROLES: readonly RoleDefinition[] = [
  {
    key: "seller",
    name: SecurityRoles.seller,
    description: "Reads partner associations; requests exceptions; writes audit entries it can never change or delete.",
    privileges: [
      ...grant(association, "Global", "Read"),
      // Own requests only: create, read and edit (to cancel) the seller's own exceptions.
      ...grant(exception, "Basic", "Create", "Read", "Write", "Append"),
      // Audit: create and read own rows; no Write, no Delete, on purpose.
      ...grant(audit, "Basic", "Create", "Read", "Append"),
      APPEND_TO_ACCOUNT,
      ...READ_ENV,
    ],
  },
  {
    key: "approver",
    name: SecurityRoles.approver,
    description: "Approves or rejects outreach exceptions; reads associations and the audit trail.",
    privileges: [
      ...grant(association, "Global", "Read"),
      ...grant(exception, "Global", "Read", "Write", "Append"),
      ...grant(audit, "Global", "Read"),
      ...READ_ENV,
    ],
  },
  {
    key: "admin",
    name: SecurityRoles.admin,
    description: "Manages partner associations (manual entry, feed imports, Graph sync) and the PartnerGuard configuration.",
    privileges: [
      ...grant(association, "Global", "Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share"),
      ...grant(exception, "Global", "Create", "Read", "Write", "Delete", "Append", "Assign"),
      // Admins read and, to purge per retention rules, delete audit rows; they never rewrite them.
      ...grant(audit, "Global", "Read", "Delete"),
      APPEND_TO_ACCOUNT,
      ...READ_ENV,
      { name: "prvWriteEnvironmentVariableDefinition", depth: "Global" },
      { name: "prvCreateEnvironmentVariableValue", depth: "Global" },
      { name: "prvWriteEnvironmentVariableValue", depth: "Global" },
    ],
  },
];

/** Configuration the admin role manages: listed so the README and tests name the same things. */
export const ADMIN_CONFIGURATION = Object.values(EnvironmentVariables);

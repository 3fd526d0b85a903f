/**
 * Security roles as data: the packer renders these, and a test checks that the packed roles carry
 * exactly these privileges and nothing more. Privilege names follow the platform's pattern
 * `prv<Action><EntitySchemaName>`; depth is the access level the role grants.
 */
import { AppNotification, SecurityRoles, TableSchemaNames } from "../../schema";

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
const decision = TableSchemaNames.pg_outreachdecision;
const audit = TableSchemaNames.pg_outreachaudit;

const grant = (table: string, depth: Depth, ...actions: Action[]): Privilege[] =>
  actions.map((action) => ({ name: `prv${action}${table}`, depth }));

/**
 * The platform's tables whose privileges the roles name, and why: every other privilege names a
 * table the solution ships (a test checks both).
 */
export const PLATFORM_TABLES: Readonly<Record<string, string>> = {
  Account: "requests, audit entries and associations look up accounts (AppendTo)",
  Contact: "an association may name the partner's contact (AppendTo)",
  EnvironmentVariableDefinition: "the card reads the policy and the Graph settings; admins change them",
  [AppNotification.schemaName]:
    "a request notifies the approvers and a decision the requester (in-app notifications); each user reads their own",
  Role: "a request finds the approvers: the users holding the PartnerGuard Approver role in any business unit",
};

/**
 * In-app notifications (src/sources/notifications.ts; powerapps-docs `clientapi/send-in-app-notifications.md`,
 * "Managing security for notifications"): a notification is a row owned by its recipient.
 * - Sending to another user takes Create at a depth that covers the recipient's business unit:
 *   approvers and requesters may sit in any unit, so Organization (Global); Business Unit would
 *   silently leave out every approver outside the seller's unit.
 * - Receiving takes Read at User level (Basic): each user reads their own and nobody else's.
 * The app's own per-user settings a recipient needs (model-driven app user setting, setting
 * definition) come with the org's base role; docs/admin.md says how to check.
 */
const SEND_NOTIFICATIONS: Privilege = { name: `prvCreate${AppNotification.schemaName}`, depth: "Global" };
const RECEIVE_NOTIFICATIONS: Privilege = { name: `prvRead${AppNotification.schemaName}`, depth: "Basic" };
/**
 * Finding the approvers reads role assignments: roles are owned by business units (each unit has
 * its copy), so only Organization read finds an approver whose role is another unit's copy.
 */
const READ_ROLES: Privilege = { name: "prvReadRole", depth: "Global" };

/** Our rows look up accounts (requests, audit entries): setting such a lookup needs AppendTo on Account. */
const APPEND_TO_ACCOUNT: Privilege = { name: "prvAppendToAccount", depth: "Global" };
/**
 * Reading environment variables: the form reads the policy. Access to a definition's values comes
 * with the definition (there is no separate value privilege to grant).
 */
const READ_ENV: Privilege[] = [{ name: "prvReadEnvironmentVariableDefinition", depth: "Global" }];

/**
 * The trust boundary, as privileges (README, "Security model"):
 * - requests, decisions and audit entries are never written after creation: no role has Write on them;
 * - only approvers create decisions; "not on one's own request" and "at most maxDays" are applied
 *   by the verdict from the server-set `createdby`/`createdon`, since a role cannot express them;
 * - every role reads every request and decision (Global), so the verdict on an account is the same
 *   whoever reads it; sellers read the audit entries of their business unit only (Local): the
 *   verdict reads none, and the card's history is a team's, not the whole org's (docs/admin.md,
 *   "Read depth of each table");
 * - the free text in those rows is field-secured (model/fieldSecurity.ts), so Global read does not
 *   expose a colleague's justification or an approver's note;
 * - deleting a request deletes its decisions (cascade); only admins delete, for retention.
 */
export const ROLES: readonly RoleDefinition[] = [
  {
    key: "seller",
    name: SecurityRoles.seller,
    description:
      "Reads partner associations, requests and decisions, and the audit entries of its business unit; requests exceptions and writes audit entries, never changes either.",
    privileges: [
      ...grant(association, "Global", "Read"),
      ...grant(exception, "Basic", "Create", "Append"),
      ...grant(exception, "Global", "Read"),
      ...grant(decision, "Global", "Read"),
      ...grant(audit, "Basic", "Create", "Append"),
      // Who reached out to which customer: a team's business, not every business unit's.
      ...grant(audit, "Local", "Read"),
      APPEND_TO_ACCOUNT,
      ...READ_ENV,
      // A request notifies every approver; a decision on it notifies the seller.
      SEND_NOTIFICATIONS,
      RECEIVE_NOTIFICATIONS,
      READ_ROLES,
    ],
  },
  {
    key: "approver",
    name: SecurityRoles.approver,
    description:
      "Approves or rejects other people's outreach exception requests by creating decisions; reads associations and the audit trail.",
    privileges: [
      ...grant(association, "Global", "Read"),
      ...grant(exception, "Global", "Read", "AppendTo"),
      ...grant(decision, "Basic", "Create", "Append"),
      ...grant(decision, "Global", "Read"),
      ...grant(audit, "Global", "Read"),
      ...READ_ENV,
      // A decision notifies the requester; requests notify the approver.
      SEND_NOTIFICATIONS,
      RECEIVE_NOTIFICATIONS,
    ],
  },
  {
    key: "admin",
    name: SecurityRoles.admin,
    description:
      "Manages partner associations (manual entry, feed imports, Graph sync) and the PartnerGuard configuration; purges old requests and audit entries.",
    privileges: [
      ...grant(association, "Global", "Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share"),
      // Admins read and, for retention, delete requests (their decisions go with them) and audit rows; they never rewrite them.
      ...grant(exception, "Global", "Read", "Delete"),
      // Cascade delete of a request needs Delete on its decisions too.
      ...grant(decision, "Global", "Read", "Delete"),
      ...grant(audit, "Global", "Read", "Delete"),
      APPEND_TO_ACCOUNT,
      // An association may name the partner's contact (pg_partnercontactid).
      { name: "prvAppendToContact", depth: "Global" },
      ...READ_ENV,
      { name: "prvWriteEnvironmentVariableDefinition", depth: "Global" },
    ],
  },
];

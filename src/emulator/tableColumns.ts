/**
 * The columns of the tables the emulator defines, so that a query naming a column its table does
 * not have is refused the way Dataverse refuses it (queryCheck.ts). Our own tables' columns come
 * from the solution model (src/pack/model), the list the packed solution creates: a column the
 * code reads but the solution does not ship fails in the emulator, not first in a customer's org.
 * Standard tables list the columns of their reference pages (powerapps-docs
 * `developer/data-platform/reference/entities/<table>.md`) that the project or its tests touch,
 * plus common neighbours; a standard column missing here is refused, which is never kinder.
 */
import { ACCOUNT_COLUMNS } from "../pack/model/account";
import { CONTACT_COLUMNS } from "../pack/model/contact";
import { TABLES as SOLUTION_TABLES } from "../pack/model/tables";
import type { Column, Table } from "../pack/model/types";
import { Account, AppNotification, RoleTable, ServerColumns, SystemUser, SystemUserRoles } from "../schema";

/** What the platform gives every table: who created and changed a row, when, its version. */
const AUDIT_COLUMNS = [
  ServerColumns.createdBy,
  ServerColumns.createdOn,
  "createdonbehalfby",
  ServerColumns.modifiedBy,
  ServerColumns.modifiedOn,
  "modifiedonbehalfby",
  ServerColumns.overriddenCreatedOn,
  "versionnumber",
  "importsequencenumber",
  "timezoneruleversionnumber",
  "utcconversiontimezonecode",
] as const;

/** Every user- or team-owned table also has its owner columns and a state and status. */
export const USER_OWNED_SYSTEM_COLUMNS: readonly string[] = [
  ...AUDIT_COLUMNS,
  ServerColumns.owner,
  "owningbusinessunit",
  "owninguser",
  "owningteam",
  "statecode",
  "statuscode",
];

/** Activity tables (task, phonecall) share the activitypointer columns. */
const ACTIVITY_COLUMNS = [
  "activityid",
  "activitytypecode",
  "subject",
  "description",
  "regardingobjectid",
  "category",
  "scheduledstart",
  "scheduledend",
  "actualstart",
  "actualend",
  "actualdurationminutes",
  "scheduleddurationminutes",
  "prioritycode",
  "isregularactivity",
  ...USER_OWNED_SYSTEM_COLUMNS,
];

/** The columns of one of our own tables as the solution ships them (primary key and system columns included). */
const solutionColumns = (table: Table): readonly string[] => [
  table.primaryId,
  ...table.columns.map((c) => c.logicalName),
  ...USER_OWNED_SYSTEM_COLUMNS,
];

/** Columns by table logical name, for the emulator's table definitions (fromFeed.ts). */
export const TABLE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  [Account.logicalName]: [
    Account.id,
    Account.name,
    Account.parent,
    Account.accountNumber,
    Account.email,
    Account.website,
    "primarycontactid",
    "telephone1",
    "address1_city",
    "address1_country",
    "description",
    "numberofemployees",
    ...ACCOUNT_COLUMNS.map((c) => c.logicalName),
    // What Merge sets on the subordinate (merge.ts).
    "merged",
    "masterid",
    ...USER_OWNED_SYSTEM_COLUMNS,
  ],
  contact: [
    "contactid",
    "fullname",
    "firstname",
    "lastname",
    "emailaddress1",
    "jobtitle",
    "telephone1",
    "parentcustomerid",
    "merged",
    "masterid",
    ...CONTACT_COLUMNS.map((c) => c.logicalName),
    ...USER_OWNED_SYSTEM_COLUMNS,
  ],
  // The email check reads a lead's parent account (issue 25).
  lead: [
    "leadid",
    "fullname",
    "firstname",
    "lastname",
    "emailaddress1",
    "parentaccountid",
    "merged",
    "masterid",
    ...USER_OWNED_SYSTEM_COLUMNS,
  ],
  // Business-owned: no owner columns and no statecode (a user is enabled or disabled).
  [SystemUser.logicalName]: [
    SystemUser.id,
    SystemUser.domainName,
    "fullname",
    "firstname",
    "lastname",
    "internalemailaddress",
    "azureactivedirectoryobjectid",
    "businessunitid",
    "isdisabled",
    ...AUDIT_COLUMNS,
  ],
  // appnotification.md: the writable columns and the owner's.
  [AppNotification.logicalName]: [
    AppNotification.id,
    AppNotification.title,
    AppNotification.body,
    AppNotification.iconType,
    AppNotification.toastType,
    AppNotification.priority,
    AppNotification.ttlInSeconds,
    AppNotification.data,
    "appmoduleid",
    "partitionid",
    ...USER_OWNED_SYSTEM_COLUMNS,
  ],
  // role.md: business-owned (its business unit), no owner; the intersect table holds two ids.
  [RoleTable.logicalName]: [
    RoleTable.id,
    RoleTable.name,
    RoleTable.parentRoot,
    "parentroleid",
    "roletemplateid",
    RoleTable.businessUnit,
    "owningbusinessunit",
    ...AUDIT_COLUMNS,
  ],
  [SystemUserRoles.logicalName]: [SystemUserRoles.id, SystemUserRoles.user, SystemUserRoles.role, "versionnumber"],
  task: ACTIVITY_COLUMNS,
  phonecall: [...ACTIVITY_COLUMNS, "phonenumber", "directioncode"],
  environmentvariabledefinition: [
    "environmentvariabledefinitionid",
    "schemaname",
    "displayname",
    "description",
    "defaultvalue",
    "type",
    "isrequired",
    "valueschema",
    ...USER_OWNED_SYSTEM_COLUMNS,
  ],
  environmentvariablevalue: [
    "environmentvariablevalueid",
    "environmentvariabledefinitionid",
    "schemaname",
    "value",
    ...USER_OWNED_SYSTEM_COLUMNS,
  ],
  ...Object.fromEntries(SOLUTION_TABLES.map((t) => [t.logicalName, solutionColumns(t)])),
};

/**
 * Columns under column-level security, by table: those the solution model marks `secured` (our
 * tables' and the ones we add to account), so the emulator secures exactly what an import secures.
 */
export const SECURED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  [Account.logicalName]: ACCOUNT_COLUMNS.filter((c) => c.secured).map((c) => c.logicalName),
  ...Object.fromEntries(
    SOLUTION_TABLES.map((t) => [t.logicalName, t.columns.filter((c) => c.secured).map((c) => c.logicalName)]),
  ),
};

/**
 * Date columns the solution model defines, by table: date-only columns are `Edm.Date` on the Web
 * API, the others `Edm.DateTimeOffset` (platform-facts F, "Date-only columns").
 */
export const DATE_COLUMNS: Readonly<Record<string, Readonly<Record<string, "date" | "datetime">>>> = {
  [Account.logicalName]: datesOf(ACCOUNT_COLUMNS),
  ...Object.fromEntries(SOLUTION_TABLES.map((t) => [t.logicalName, datesOf(t.columns)])),
};

function datesOf(columns: readonly Column[]): Record<string, "date" | "datetime"> {
  return Object.fromEntries(
    columns.flatMap((c) => (c.kind === "datetime" ? [[c.logicalName, c.dateOnly ? "date" : "datetime"]] : [])),
  );
}

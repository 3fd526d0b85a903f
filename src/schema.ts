/**
 * Logical names of everything the solution defines, in one place: the control, the command-bar
 * script, the command-line tool and the packer all read them from here.
 */
export const PUBLISHER_PREFIX = "pg";

/** Microsoft's contact table: PartnerGuard judges a contact through its company when that is an account (issue 25). */
export const Contact = {
  logicalName: "contact",
  entitySet: "contacts",
  id: "contactid",
  name: "fullname",
  /** The contact's company: a customer lookup (account or contact). */
  company: "parentcustomerid",
  firstName: "firstname",
  lastName: "lastname",
  jobTitle: "jobtitle",
  email: "emailaddress1",
  phone: "telephone1",
  /** The text column the PartnerGuard control is bound to on the contact form (never written). */
  status: "pg_partnerguardstatus",
} as const;

export const Account = {
  logicalName: "account",
  entitySet: "accounts",
  id: "accountid",
  name: "name",
  parent: "parentaccountid",
  accountNumber: "accountnumber",
  email: "emailaddress1",
  website: "websiteurl",
  /** The customer's Entra tenant id (used by the Graph source). */
  tenantId: "pg_customertenantid",
  /** The text column the PartnerGuard control is bound to on the account form. */
  status: "pg_partnerguardstatus",
} as const;

/**
 * The verdict as data on the account, for views, lists and the grid's badge (issue 24). Written only
 * by `partnerguard sync --verdicts` (the command line's application user) and admins (field
 * security); every PartnerGuard role reads it. A display and filter aid, never the boundary: every
 * gate re-checks live.
 */
export const StoredVerdict = {
  /** Choice: StoredOutreachCodes. */
  outreach: "pg_outreachstatus",
  /** Lookup (account): the partner of record, when it is an account in Dataverse. */
  partner: "pg_partnerofrecordid",
  /** Navigation property of `partner`, for @odata.bind. */
  partnerNav: "pg_PartnerOfRecordId",
  /** Text: the partner's name as the verdict names it (Graph partners have no account row). */
  partnerName: "pg_partnerofrecordname",
  /** Choice: RelationshipTypeCodes. */
  relationshipType: "pg_porrelationshiptype",
  /** Date only: the last day of the protection (views compare it with today). */
  protectedUntil: "pg_protecteduntil",
  /** Date and time: when `sync --verdicts` computed the stored verdict. */
  computedOn: "pg_verdictcomputedon",
} as const;

/** Choice values of pg_outreachstatus. */
export const StoredOutreachCodes = {
  allowed: 100000000,
  blocked: 100000001,
  unverified: 100000002,
  "allowed-by-exception": 100000003,
} as const;

export type StoredOutreach = keyof typeof StoredOutreachCodes;

export const StoredOutreachLabels: Record<StoredOutreach, string> = {
  allowed: "Allowed",
  blocked: "Blocked: partner of record",
  unverified: "Could not be verified",
  "allowed-by-exception": "Allowed by exception",
};

export const Association = {
  logicalName: "pg_partnerassociation",
  entitySet: "pg_partnerassociations",
  id: "pg_partnerassociationid",
  name: "pg_name",
  customer: "pg_customeraccountid",
  partner: "pg_partneraccountid",
  relationshipType: "pg_relationshiptype",
  status: "pg_associationstatus",
  start: "pg_startdate",
  end: "pg_enddate",
  source: "pg_source",
  externalReference: "pg_externalreference",
  partnerContact: "pg_partnercontactid",
} as const;

/**
 * The columns every Dataverse row carries that only the server sets: who created it and when,
 * who owns it. The trust boundary rests on these (README, "Security model").
 */
export const ServerColumns = {
  createdBy: "createdby",
  createdOn: "createdon",
  modifiedBy: "modifiedby",
  modifiedOn: "modifiedon",
  owner: "ownerid",
  /** Data migration may set it on create: `createdon` is then a past moment ("not later than"). */
  overriddenCreatedOn: "overriddencreatedon",
  /**
   * Who really sent a row's create when it was made on behalf of another user (impersonation:
   * `createdby` is then the impersonated user, this the caller). Server-set, like `createdby`.
   */
  createdOnBehalfBy: "createdonbehalfby",
  modifiedOnBehalfBy: "modifiedonbehalfby",
  /** The owner's business unit, which Local and Deep privilege depths compare with the caller's. */
  owningBusinessUnit: "owningbusinessunit",
} as const;

/**
 * A seller's request to reach out despite a partner of record. Immutable once created: it holds
 * only what the seller asks; who asked and when are `createdby`/`createdon`. Decisions on it are
 * rows of their own (OutreachDecision), which only approvers can create.
 */
export const OutreachExceptionTable = {
  logicalName: "pg_outreachexception",
  entitySet: "pg_outreachexceptions",
  id: "pg_outreachexceptionid",
  name: "pg_name",
  account: "pg_accountid",
  accountNav: "pg_AccountId",
  justification: "pg_justification",
  /** Choice: ExceptionReasonCodes. */
  reasonCode: "pg_reasoncode",
  /** Whole number: the duration the seller asked for, in days. */
  requestedDays: "pg_requesteddays",
  /**
   * Text (a GUID, 36–38 characters): the account the request was made for, set by the client on
   * create and updatable by nobody (field security). `pg_accountid` can move without the
   * requester (Merge re-points it); a request whose current account is not this one does not count.
   */
  requestedFor: "pg_requestedforaccountid",
  createdOn: ServerColumns.createdOn,
  createdBy: ServerColumns.createdBy,
} as const;

/**
 * An approver's decision on a request: approve for a number of days, or reject. Nobody can
 * change or delete a decision; `createdby`/`createdon` say who decided and when, and the verdict
 * counts an approval only when its creator is not the request's creator, for at most the
 * policy's `exceptions.maxDays` from `createdon`.
 */
export const OutreachDecision = {
  logicalName: "pg_outreachdecision",
  entitySet: "pg_outreachdecisions",
  id: "pg_outreachdecisionid",
  name: "pg_name",
  exception: "pg_exceptionid",
  exceptionNav: "pg_ExceptionId",
  /** Choice: DecisionCodes. */
  decision: "pg_decision",
  /** Whole number: days the approval lasts from its creation (capped by the policy when read). */
  days: "pg_days",
  note: "pg_note",
  createdOn: ServerColumns.createdOn,
  createdBy: ServerColumns.createdBy,
} as const;

export const DecisionCodes = { approved: 100000000, rejected: 100000001 } as const;

/** English labels of pg_decision's choices (the solution's metadata and the emulator's formatted values). */
export const DecisionLabels: Record<keyof typeof DecisionCodes, string> = {
  approved: "Approved",
  rejected: "Rejected",
};

/** A request nobody decided within this many days lapses (the rule lives in the core). */
export { REQUEST_OPEN_DAYS } from "./core/exceptions";

export const ExceptionReasonCodes = {
  "customer-asked": 100000000,
  "partner-declined": 100000001,
  "partner-inactive": 100000002,
  other: 100000003,
} as const;

/**
 * The audit trail. Who acted and when are the server's `createdby`/`createdon`: no column a
 * client fills says either. Sellers create rows; nobody changes them; admins may delete them.
 */
export const OutreachAudit = {
  logicalName: "pg_outreachaudit",
  entitySet: "pg_outreachaudits",
  id: "pg_outreachauditid",
  /** Text: a one-line summary. */
  name: "pg_name",
  /** Lookup to account; navigation property (for @odata.bind) below. */
  account: "pg_accountid",
  accountNav: "pg_AccountId",
  /** Choice: AuditVerdictCodes. */
  verdict: "pg_verdict",
  /** Multiline text: one reason per line, in the user's language. */
  reasons: "pg_reasons",
  /** Text: the sources consulted and whether each answered. */
  sources: "pg_sources",
  /** Choice: AuditDecisionCodes. */
  decision: "pg_decision",
  createdOn: ServerColumns.createdOn,
  createdBy: ServerColumns.createdBy,
} as const;

export const AuditVerdictCodes = { allowed: 100000000, blocked: 100000001, unverified: 100000002 } as const;

export const AuditVerdictLabels: Record<keyof typeof AuditVerdictCodes, string> = {
  allowed: "Allowed",
  blocked: "Blocked",
  unverified: "Could not be verified",
};

/** What happened at the moment of outreach (and, later, engagements and exception decisions). */
export const AuditDecisionCodes = {
  blocked: 100000000,
  allowed: 100000001,
  "allowed-by-exception": 100000002,
  "engaged-partner": 100000003,
  "exception-requested": 100000004,
  "exception-approved": 100000005,
  "exception-rejected": 100000006,
} as const;

export const AuditDecisionLabels: Record<keyof typeof AuditDecisionCodes, string> = {
  blocked: "Blocked",
  allowed: "Allowed",
  "allowed-by-exception": "Allowed by exception",
  "engaged-partner": "Partner engaged",
  "exception-requested": "Exception requested",
  "exception-approved": "Exception approved",
  "exception-rejected": "Exception rejected",
};

/** The record "Engage partner" creates: a task regarding the account, for the partner manager. */
export const ENGAGEMENT_ACTIVITY = {
  logicalName: "task",
  entitySet: "tasks",
  regardingAccountNav: "regardingobjectid_account_task",
  regarding: "regardingobjectid",
  /** The task's category marks it as PartnerGuard's engagement of the partner of record. */
  category: "category",
  categoryValue: "PartnerGuard: partner engaged",
  createdOn: "createdon",
  createdBy: "createdby",
} as const;

/** A partner engagement shows on the card for this many days. */
export const ENGAGEMENT_RECENT_DAYS = 30;

/** The activity "Start outreach" opens, regarding the account. */
export const OUTREACH_ACTIVITY = "phonecall";

/** Its navigation property to an account regarding it, for @odata.bind (Start outreach for a selection creates it through the Web API). */
export const OUTREACH_ACTIVITY_REGARDING_ACCOUNT = "regardingobjectid_account_phonecall";

/**
 * Its navigation property to a contact regarding it: Start outreach from contacts opens the phone
 * call regarding the contact (the relationship Contact_Phonecalls; the account's Activities view
 * rolls activities of its contacts up, RollupType.Related).
 */
export const OUTREACH_ACTIVITY_REGARDING_CONTACT = "regardingobjectid_contact_phonecall";

/** Web resources of the solution (names as in Dataverse). */
export const WebResources = {
  commandScript: "pg_/scripts/outreach.js",
  icon16: "pg_/icons/outreach16.svg",
  icon32: "pg_/icons/outreach32.svg",
  /** RESX web resources the script reads with Xrm.Utility.getResourceString (copies of the control's strings). */
  strings1033: "pg_/strings/outreach.1033.resx",
  strings1031: "pg_/strings/outreach.1031.resx",
  /** The page at the Graph sign-in's redirect URI: runs MSAL's redirect bridge (an HTML web resource). */
  authRedirect: "pg_/auth/redirect.html",
  /** Its script (a relative `<script src>` from the page, so the two must stay side by side). */
  authRedirectScript: "pg_/auth/redirect.js",
  /** MSAL Browser and the Graph client, loaded by the control only when Graph applies to the account. */
  graphScript: "pg_/scripts/graph.js",
} as const;

/** Dotted global names the RibbonDiffXml and the form call into the command-bar script. */
export const ScriptFunctions = {
  enableRule: "PartnerGuard.Ribbon.isOutreachEnabled",
  command: "PartnerGuard.Ribbon.startOutreach",
  onLoad: "PartnerGuard.Form.onLoad",
  /** Outreach exception and Outreach decision forms: a row created on the form notifies as one made from the card. */
  approvalsOnLoad: "PartnerGuard.Approvals.onLoad",
  /** Grids (homepage and subgrids, CrmParameter SelectedControlSelectedItemIds): on when at least one selected account is allowed. */
  gridEnableRule: "PartnerGuard.Grid.isOutreachEnabled",
  /** Grids: on only when every selected account is allowed (the gated out-of-box commands). */
  gridEveryAllowed: "PartnerGuard.Grid.isEverySelectedAllowed",
  /**
   * Grids: on only when every account ON THE PAGE is allowed (CrmParameter SelectedControlAllItemIds):
   * Quick campaign "For all records on current page" acts on the page, not the selection. Unlike
   * gridEveryAllowed it must not show the "why commands are off" notification, which is about the selection.
   */
  gridEveryOnPageAllowed: "PartnerGuard.Grid.isEveryOnPageAllowed",
  /** Grids: Start outreach for the selection (CrmParameter SelectedControlSelectedItemIds, SelectedControl). */
  gridCommand: "PartnerGuard.Grid.startOutreach",
  /**
   * Email form (CrmParameter PrimaryControl): the rule of PartnerGuard's "Check partners" button,
   * which judges the regarding record and every recipient, shows the form notification and, once per
   * form, registers the Send guard (OnSave, save mode 7) and the re-judging on recipient changes.
   */
  emailRule: "PartnerGuard.Email.isSendAllowed",
  /** Email form: the "Check partners" button's action (judges afresh and says why). */
  emailCommand: "PartnerGuard.Email.checkRecipients",
  /** Contact grids (issue 25): the gated out-of-box commands, each contact judged through its account. */
  contactGridEveryAllowed: "PartnerGuard.ContactGrid.isEverySelectedAllowed",
  /** Contact grids: "Quick campaign: all records on current page" (SelectedControlAllItemIds). */
  contactGridEveryOnPageAllowed: "PartnerGuard.ContactGrid.isEveryOnPageAllowed",
  /** The contact form (PrimaryControl): the gated out-of-box commands, through the contact's account. */
  contactFormEveryAllowed: "PartnerGuard.ContactForm.isEveryAllowed",
  /** Contact grids: Start outreach's rule, on when at least one selected contact's account is allowed (or it has none). */
  contactGridEnableRule: "PartnerGuard.ContactGrid.isOutreachEnabled",
  /** Contact grids: Start outreach for the selected contacts (SelectedControlSelectedItemIds, SelectedControl). */
  contactGridCommand: "PartnerGuard.ContactGrid.startOutreach",
  /** The contact form (PrimaryControl): Start outreach's rule; shows a form notification saying why when off. */
  contactFormEnableRule: "PartnerGuard.ContactForm.isOutreachEnabled",
  /** The contact form: Start outreach for this contact. */
  contactFormCommand: "PartnerGuard.ContactForm.startOutreach",
} as const;

/**
 * The email form's columns PartnerGuard reads (email.md in the Dataverse table reference):
 * party lists `to`, `cc`, `bcc` and the lookup `regardingobjectid`.
 */
export const EmailForm = {
  logicalName: "email",
  to: "to",
  cc: "cc",
  bcc: "bcc",
  regarding: "regardingobjectid",
  subject: "subject",
  /** getSaveMode() when the seller selects Send (clientapi save-event-arguments/getsavemode). */
  sendSaveMode: 7,
} as const;

/** A lead's account: `parentaccountid`. */
export const LeadTable = {
  logicalName: "lead",
  entitySet: "leads",
  id: "leadid",
  name: "fullname",
  parentAccount: "parentaccountid",
} as const;

/** Choice values of pg_relationshiptype, in the default order of precedence. */
export const RelationshipTypeCodes = {
  "csp-reseller": 100000000,
  "csp-indirect-reseller": 100000001,
  cpor: 100000002,
  dpor: 100000003,
  pal: 100000004,
  "deal-registration": 100000005,
  "co-sell-referral": 100000006,
  gdap: 100000007,
  other: 100000008,
} as const;

/** English labels of pg_relationshiptype's choices (the solution's metadata and the emulator's formatted values). */
export const RelationshipTypeLabels: Record<keyof typeof RelationshipTypeCodes, string> = {
  "csp-reseller": "CSP reseller",
  "csp-indirect-reseller": "CSP indirect reseller",
  cpor: "CPOR claim",
  dpor: "DPOR",
  pal: "PAL",
  "deal-registration": "Deal registration",
  "co-sell-referral": "Co-sell referral",
  gdap: "GDAP admin relationship",
  other: "Other",
};

export const AssociationStatusCodes = { active: 100000000, inactive: 100000001 } as const;

/** Choice values of pg_source. */
export const AssociationSourceCodes = { manual: 100000000, feed: 100000001, graph: 100000002 } as const;

export const EnvironmentVariables = {
  policy: "pg_PartnerGuardPolicy",
  graphEnabled: "pg_GraphEnabled",
  graphClientId: "pg_GraphClientId",
  graphTenantId: "pg_GraphTenantId",
  /** Optional: space-separated Graph scopes; the three read permissions apply when unset. */
  graphScopes: "pg_GraphScopes",
} as const;

/** The signed-in user's row: its UPN is the login hint for silent Graph sign-in. */
export const SystemUser = {
  logicalName: "systemuser",
  id: "systemuserid",
  domainName: "domainname",
  /** The user's Microsoft Entra object id (what the `CallerObjectId` impersonation header names). */
  objectId: "azureactivedirectoryobjectid",
} as const;

// ---- Solution packaging (issue 5): names the packer needs beyond the logical names above. ----

/** Schema names (the casing Dataverse keeps for display, privileges and EntityInfo) of our tables. */
export const TableSchemaNames = {
  pg_partnerassociation: "pg_PartnerAssociation",
  pg_outreachexception: "pg_OutreachException",
  pg_outreachaudit: "pg_OutreachAudit",
  pg_outreachdecision: "pg_OutreachDecision",
} as const;

/** The solution and its publisher (the prefix is PUBLISHER_PREFIX; choice values start at 10000·0000). */
export const SolutionIdentity = {
  uniqueName: "PartnerGuard",
  displayName: "PartnerGuard",
  publisherUniqueName: "PartnerGuardPublisher",
  publisherDisplayName: "PartnerGuard",
  optionValuePrefix: 10000,
} as const;

/** Security roles the solution ships. */
export const SecurityRoles = {
  seller: "PartnerGuard Seller",
  approver: "PartnerGuard Approver",
  admin: "PartnerGuard Administrator",
} as const;

/**
 * The ids the solution gives its roles (`<Role id>` in customizations.xml; stable from version to
 * version: test/pack checks them against the packer's stableGuid). An import keeps them for the
 * roles of the root business unit; each other business unit gets a copy with an id of its own and
 * `parentrootroleid` naming this one (powerapps-docs `reference/entities/role.md`: ParentRootRoleId,
 * "Unique identifier of the parent root role", SystemRequired). Who holds a role is found through
 * these ids, not the name an admin may change (src/sources/notifications.ts).
 */
export const SecurityRoleIds = {
  seller: "da8d9dec-175d-5917-8741-13ebeed99138",
  approver: "9c77f9cf-e997-573a-8686-281f6603a861",
  admin: "2d39b198-0fdb-56c4-b26d-4ae319780a2d",
} as const;

/** The platform's security role table and the user–role intersect table (who holds which role). */
export const RoleTable = {
  logicalName: "role",
  id: "roleid",
  name: "name",
  parentRoot: "parentrootroleid",
  businessUnit: "businessunitid",
} as const;

export const SystemUserRoles = {
  logicalName: "systemuserroles",
  id: "systemuserroleid",
  user: "systemuserid",
  role: "roleid",
} as const;

/**
 * Dataverse in-app notifications (powerapps-docs `developer/model-driven-apps/clientapi/
 * send-in-app-notifications.md`; the table: `developer/data-platform/reference/entities/
 * appnotification.md`): one row per recipient, who is its owner. `title` holds at most 256
 * characters, `body` 500, `data` (JSON: actions, markdown overrides) 5,000.
 */
export const AppNotification = {
  logicalName: "appnotification",
  entitySet: "appnotifications",
  /** The table's schema name, as its privileges carry it: `prvCreateappnotification`. */
  schemaName: "appnotification",
  id: "appnotificationid",
  title: "title",
  body: "body",
  owner: ServerColumns.owner,
  iconType: "icontype",
  toastType: "toasttype",
  priority: "priority",
  ttlInSeconds: "ttlinseconds",
  data: "data",
  createdOn: ServerColumns.createdOn,
  createdBy: ServerColumns.createdBy,
  maxTitle: 256,
  maxBody: 500,
  maxData: 5000,
} as const;

export const AppNotificationIcon = {
  info: 100000000,
  success: 100000001,
  failure: 100000002,
  warning: 100000003,
} as const;
export const AppNotificationToast = { timed: 200000000, hidden: 200000001 } as const;
export const AppNotificationPriority = { normal: 200000000, high: 200000001 } as const;

/**
 * Field security profiles the solution ships (column-level security on the columns the model marks
 * secured). Membership is not part of a solution: admins add users and teams after import.
 */
export const FieldSecurityProfileNames = {
  seller: "PartnerGuard Seller",
  approver: "PartnerGuard Approver",
  admin: "PartnerGuard Administrator",
  /** The command line's application user (`sync`, `check`, `vet`). */
  commandLine: "PartnerGuard command line",
} as const;

/** `<namespace>.<constructor>` of the control's manifest (PartnerGuard/ControlManifest.Input.xml). */
const CONTROL_MANIFEST_NAME = "PartnerGuard.PartnerGuard";

/**
 * The PCF control as solutions name it: `<publisherprefix>_<namespace>.<constructor>`, what
 * `pac solution` and exports write (Creator Kit: `cat_PowerCAT.Breadcrumb`) in `<CustomControl>`,
 * the `Controls/` folder, the root component and every form's `<customControl name>`. The prefix
 * keeps a same-named control of another publisher from clashing with ours on import; the built
 * manifest inside keeps its own namespace and constructor.
 */
export const CONTROL_NAME = `${PUBLISHER_PREFIX}_${CONTROL_MANIFEST_NAME}`;

/**
 * The grid badge (PartnerGuardGridBadge/ControlManifest.Input.xml): a Power Apps grid customizer
 * control, named like the card. The account grid's "Customizer control" property holds this name
 * (`{publisher prefix}_{namespace}.{control name}`, learn.microsoft.com customize-editable-grid-control).
 */
export const GRID_BADGE_CONTROL_NAME = `${PUBLISHER_PREFIX}_PartnerGuard.PartnerGuardGridBadge`;

/** Navigation properties (= lookup schema names) of the association's lookups, for @odata.bind. */
export const AssociationNav = {
  customer: "pg_CustomerAccountId",
  partner: "pg_PartnerAccountId",
  partnerContact: "pg_PartnerContactId",
} as const;

/** Entity set names (Web API URLs) by logical name (what PCF's webAPI takes), for the Node host. */
export const EntitySets = {
  [Account.logicalName]: Account.entitySet,
  [Association.logicalName]: Association.entitySet,
  [OutreachExceptionTable.logicalName]: OutreachExceptionTable.entitySet,
  [OutreachAudit.logicalName]: OutreachAudit.entitySet,
  [OutreachDecision.logicalName]: OutreachDecision.entitySet,
  task: "tasks",
  [OUTREACH_ACTIVITY]: "phonecalls",
  systemuser: "systemusers",
  environmentvariabledefinition: "environmentvariabledefinitions",
  [Contact.logicalName]: Contact.entitySet,
  [LeadTable.logicalName]: LeadTable.entitySet,
} as const;

/** The alternate key `partnerguard sync` upserts on: one row per source and external reference. */
export const AssociationAlternateKey = [Association.source, Association.externalReference] as const;

/**
 * Navigation properties used to set the association's lookups with `@odata.bind`. The Web API
 * names them after the lookup's schema name; the solution defines them in lower case, equal to
 * the logical names, so these must change if Customizations.xml ever spells them otherwise.
 */
export const AssociationNavigation = {
  customer: Association.customer,
  partner: Association.partner,
} as const;

/**
 * The model-driven app the solution ships (approvers and admins work there): the unique names of
 * the app module and of its site map, `<publisherprefix>_<Name>` as the app designer writes them.
 */
export const ModelDrivenApp = {
  uniqueName: "pg_PartnerGuard",
  siteMapUniqueName: "pg_PartnerGuard",
  displayName: "PartnerGuard",
} as const;

/**
 * The app's "In-app notifications" setting (app designer: Settings, Features). Its setting
 * definition is `AllowNotificationsEarlyAccess`, the name the feature kept from its preview
 * (powerapps-docs send-in-app-notifications.md, 2021 revision; a 2026 solution's dependency report,
 * Developico/KSeF-Copilot `deployment/powerplatform/Solution DevelopicoKSeF_1_0_0_6/
 * solution-DevelopicoKSeF.md`: an app setting requiring `settingdefinitionid.uniquename=
 * AllowNotificationsEarlyAccess` of the AppNotifications solution). The app setting's own unique
 * name follows `<prefix>_<appname>_<settingname>` (powerapps-docs `clientapi/reference/events/form-onsave.md`).
 */
export const InAppNotificationsSetting = {
  definition: "AllowNotificationsEarlyAccess",
  uniqueName: "pg_PartnerGuard_AllowNotificationsEarlyAccess",
} as const;

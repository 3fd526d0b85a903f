/**
 * Logical names of everything the solution defines, in one place: the control, the command-bar
 * script, the command-line tool and the packer all read them from here.
 */
export const PUBLISHER_PREFIX = "pg";

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

export const OutreachExceptionTable = {
  logicalName: "pg_outreachexception",
  entitySet: "pg_outreachexceptions",
  id: "pg_outreachexceptionid",
  account: "pg_accountid",
  requester: "pg_requesterid",
  justification: "pg_justification",
  reasonCode: "pg_reasoncode",
  approver: "pg_approverid",
  status: "pg_exceptionstatus",
  validUntil: "pg_validuntil",
} as const;

export const OutreachAudit = {
  logicalName: "pg_outreachaudit",
  entitySet: "pg_outreachaudits",
  id: "pg_outreachauditid",
  name: "pg_name",
  account: "pg_accountid",
  seller: "pg_sellerid",
  checkedOn: "pg_checkedon",
  verdict: "pg_verdict",
  reasons: "pg_reasons",
  sources: "pg_sources",
  decision: "pg_decision",
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

export const AssociationStatusCodes = { active: 100000000, inactive: 100000001 } as const;

/** Choice values of pg_source. */
export const AssociationSourceCodes = { manual: 100000000, feed: 100000001, graph: 100000002 } as const;

export const EnvironmentVariables = {
  policy: "pg_PartnerGuardPolicy",
  graphEnabled: "pg_GraphEnabled",
  graphClientId: "pg_GraphClientId",
  graphTenantId: "pg_GraphTenantId",
} as const;

/** Entity set names (Web API URLs) by logical name (what PCF's webAPI takes), for the Node host. */
export const EntitySets = {
  [Account.logicalName]: Account.entitySet,
  [Association.logicalName]: Association.entitySet,
  [OutreachExceptionTable.logicalName]: OutreachExceptionTable.entitySet,
  [OutreachAudit.logicalName]: OutreachAudit.entitySet,
  environmentvariabledefinition: "environmentvariabledefinitions",
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

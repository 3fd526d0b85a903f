/**
 * The Microsoft Graph endpoints, permissions and hosts the Graph source uses, in one place.
 * Graph shows these only to a principal of the partner tenant (see ARCHITECTURE.md, "Graph, honestly").
 */
export const GRAPH_SOURCE = "Microsoft Graph";
export const GRAPH_BASE_URL = "https://graph.microsoft.com";
export const GRAPH_VERSION = "v1.0";
export const LOGIN_AUTHORITY_HOST = "https://login.microsoftonline.com";

/** Least-privileged delegated permissions, each needing admin consent. */
const GRAPH_PERMISSIONS = [
  "DelegatedAdminRelationship.Read.All",
  "Directory.Read.All",
  "CrossTenantInformation.ReadBasic.All",
] as const;
export const DEFAULT_DELEGATED_SCOPES = GRAPH_PERMISSIONS.map((p) => `${GRAPH_BASE_URL}/${p}`);
/** Client credentials always ask for the app's consented permissions as a whole. */
export const APP_ONLY_SCOPE = `${GRAPH_BASE_URL}/.default`;

/** Graph refuses a `$batch` of more than 20 requests. */
export const BATCH_LIMIT = 20;

// Tenant ids reach these builders only after GUID validation, so they cannot break the filter.
export const gdapListUrl = (customerTenantId: string): string =>
  `/tenantRelationships/delegatedAdminRelationships?$filter=customer/tenantId eq '${customerTenantId}'`;

export const contractsListUrl = (customerTenantId: string): string =>
  `/contracts?$filter=customerId eq ${customerTenantId}`;

export const tenantInformationUrl = (tenantId: string): string =>
  `/tenantRelationships/findTenantInformationByTenantId(tenantId='${tenantId}')`;

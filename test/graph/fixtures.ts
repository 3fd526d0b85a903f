/**
 * Graph bodies shaped like the Microsoft Graph documentation examples
 * (tenantrelationship-list-delegatedadminrelationships, contract-list,
 * tenantrelationship-findtenantinformationbytenantid), with our test tenants.
 */
import { GraphData } from "../../src/emulator/graphEmulator";
import { StaticTokenAuth } from "../../src/sources/graph/graphAuth";
import { configFromValues, PartnerGuardConfig } from "../../src/sources/configSource";
import { EnvironmentVariables } from "../../src/schema";

export const CUSTOMER = "52eaad04-13a2-4a2f-9ce8-93a294fadf36";
export const PARTNER = "8777b240-c6f0-4469-9e98-a3205431b836";
export const EMPTY_CUSTOMER = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
/** A well-formed tenant id that names no tenant: Graph's findTenantInformationByTenantId answers 404. */
export const UNKNOWN_TENANT = "0d3f1a52-7c9e-4b8a-9f21-3e5d6c7b8a90";
export const ACCOUNT = "a1000000-0000-4000-8000-000000000005";

let seq = 0;
/** Graph's answer when the signed-in user (or app) may not read: a 403 with Graph's error body. */
export const FORBIDDEN = {
  status: 403,
  headers: { "Content-Type": "application/json" },
  body: {
    error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." },
  },
};

export function gdap(status: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    "@odata.type": "#microsoft.graph.delegatedAdminRelationship",
    "@odata.etag": 'W/"JyIwMzAwZTM0ZS0wMDAwLTAyMDAtMDAwMC02MTRjZjI1YzAwMDAiJw=="',
    id: `5d027261-d21f-4aa9-b7db-${String(seq).padStart(12, "0")}-${PARTNER}`,
    displayName: `Contoso admin relationship ${seq}`,
    duration: "P730D",
    customer: { tenantId: CUSTOMER, displayName: "Contoso Inc" },
    accessDetails: { unifiedRoles: [{ roleDefinitionId: "dd4db9a0-cc4a-4213-9f9f-70242232d97e" }] },
    status,
    autoExtendDuration: "PT0S",
    createdDateTime: "2025-02-10T11:24:42.3148266Z",
    lastModifiedDateTime: "2025-02-10T11:26:44.9941884Z",
    activatedDateTime: "2025-02-10T11:26:44.9941884Z",
    endDateTime: "2027-02-10T11:24:42.3148266Z",
    ...overrides,
  };
}

export function contract(contractType: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    id: `c${String(seq).padStart(7, "0")}-0000-4000-8000-000000000000`,
    contractType,
    customerId: CUSTOMER,
    defaultDomainName: "contoso.onmicrosoft.com",
    displayName: "Contoso Inc",
    ...overrides,
  };
}

export function graphData(
  relationships: Record<string, unknown>[] = [],
  contracts: Record<string, unknown>[] = [],
): GraphData {
  return {
    tenants: [
      { tenantId: CUSTOMER, displayName: "Contoso, Ltd", defaultDomainName: "CONTOSO18839.onmicrosoft.com" },
      { tenantId: PARTNER, displayName: "Harbor Computer Services", defaultDomainName: "harbor.onmicrosoft.com" },
      // A real tenant with no relationship to the partner: Graph names it, the lists are empty.
      { tenantId: EMPTY_CUSTOMER, displayName: "Woodgrove Foods", defaultDomainName: "woodgrove.onmicrosoft.com" },
    ],
    relationships,
    contracts,
  };
}

export function graphConfig(policy: Record<string, unknown> = {}): PartnerGuardConfig {
  return configFromValues(
    new Map([
      [EnvironmentVariables.graphEnabled, "yes"],
      [EnvironmentVariables.graphClientId, "11111111-2222-4333-8444-555555555555"],
      [EnvironmentVariables.graphTenantId, PARTNER],
      [EnvironmentVariables.policy, JSON.stringify(policy)],
    ]),
  );
}

export const demoAuth = () => new StaticTokenAuth("test-token");

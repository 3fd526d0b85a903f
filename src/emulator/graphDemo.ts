/**
 * The playground's Microsoft Graph: the demo organisation (a distributor, the partner tenant)
 * and one customer tenant with an active GDAP relationship and a reseller contract, served by
 * the Graph emulator. `handleGraphDemo` is what scripts/playground.mjs mounts under /graph.
 */
import { GraphData, GraphEmulator } from "./graphEmulator";

export const DEMO_PARTNER_TENANT = "9f2f7a43-5b1e-4c7d-8a3e-2d6c1b0e4f51";
export const DEMO_CUSTOMER_TENANT = "4b827261-d21f-4aa9-b7db-7fa1f56fb163";
export const DEMO_GRAPH_CLIENT_ID = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";

export const DEMO_GRAPH_DATA: GraphData = {
  tenants: [
    {
      tenantId: DEMO_PARTNER_TENANT,
      displayName: "Adatum Distribution",
      defaultDomainName: "adatumdistribution.onmicrosoft.com",
    },
    { tenantId: DEMO_CUSTOMER_TENANT, displayName: "Proseware, Inc.", defaultDomainName: "proseware.onmicrosoft.com" },
  ],
  relationships: [
    {
      "@odata.type": "#microsoft.graph.delegatedAdminRelationship",
      "@odata.etag": 'W/"JyIwMzAwZTM0ZS0wMDAwLTAyMDAtMDAwMC02MTRjZjI1YzAwMDAiJw=="',
      id: `1041ef52-a99b-4245-a3be-cbd3fa7c5ed1-${DEMO_PARTNER_TENANT}`,
      displayName: "Proseware admin relationship",
      duration: "P730D",
      customer: { tenantId: DEMO_CUSTOMER_TENANT, displayName: "Proseware, Inc." },
      accessDetails: { unifiedRoles: [{ roleDefinitionId: "729827e3-9c14-49f7-bb1b-9608f156bbb8" }] },
      status: "active",
      autoExtendDuration: "P180D",
      createdDateTime: "2025-06-02T09:12:40.1234567Z",
      lastModifiedDateTime: "2025-06-02T09:20:11.7654321Z",
      activatedDateTime: "2025-06-02T09:20:11.7654321Z",
      endDateTime: "2027-06-02T09:12:40.1234567Z",
    },
    {
      "@odata.type": "#microsoft.graph.delegatedAdminRelationship",
      "@odata.etag": 'W/"JyIwMzAwZTM0ZS0wKklILTAyMDAtMDAwMC02MTRjZjI1YzAwMDAiJw=="',
      id: `5d027261-d21f-4aa9-b7db-7fa1f56fb163-${DEMO_PARTNER_TENANT}`,
      displayName: "Proseware onboarding",
      duration: "P30D",
      customer: { tenantId: DEMO_CUSTOMER_TENANT, displayName: "Proseware, Inc." },
      accessDetails: { unifiedRoles: [{ roleDefinitionId: "3a2c62db-5318-420d-8d74-23affee5d9d5" }] },
      status: "expired",
      autoExtendDuration: "PT0S",
      createdDateTime: "2024-01-10T16:52:39.6133896Z",
      lastModifiedDateTime: "2024-02-09T16:57:20.2101088Z",
      activatedDateTime: "2024-01-10T16:55:20.2101088Z",
      endDateTime: "2024-02-09T16:57:20.2101088Z",
    },
  ],
  contracts: [
    {
      id: "7b3f0f4e-2a4c-4f1b-9d0e-5c6a7b8c9d0e",
      contractType: "ResellerPartner",
      customerId: DEMO_CUSTOMER_TENANT,
      defaultDomainName: "proseware.onmicrosoft.com",
      displayName: "Proseware, Inc.",
    },
  ],
};

const emulator = new GraphEmulator(DEMO_GRAPH_DATA);

export function handleGraphDemo(method: string, path: string, body: unknown, origin: string) {
  return emulator.handle(method, path, body, origin);
}

/** Graph associations -> the feed sync's Desired rows (cli/graphDesired.ts), without I/O. */
import { PartnerAssociation } from "../../src/core/types";
import { AssociationSourceCodes, AssociationStatusCodes, RelationshipTypeCodes } from "../../src/schema";
import {
  GraphRead,
  MAX_REFERENCE,
  dayOf,
  desiredFromGraph,
  graphRowName,
  judgeStale,
  referenceOf,
  syncedTenantOf,
} from "../../cli/graphDesired";
import { Stale } from "../../cli/syncPlan";

const contoso = {
  id: "d1000000-0000-4000-8000-000000000001",
  name: "Contoso",
  tenantId: "52eaad04-13a2-4a2f-9ce8-93a294fadf36",
};
const fabrikam = {
  id: "d1000000-0000-4000-8000-000000000002",
  name: "Fabrikam",
  tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
};
const PARTNER_ACCOUNT = "d1000000-0000-4000-8000-000000000009";

function association(overrides: Partial<PartnerAssociation> = {}): PartnerAssociation {
  return {
    id: "graph-gdap-5d027261",
    customerAccountId: contoso.id,
    partnerName: "Harbor Computer Services",
    relationshipType: "gdap",
    status: "active",
    startDate: "2025-02-10T11:26:44.9941884Z",
    endDate: "2027-02-10T23:30:00Z",
    source: "Microsoft Graph",
    sourceKind: "graph",
    externalReference: "Contoso admin",
    depth: 0,
    ...overrides,
  };
}

describe("desiredFromGraph", () => {
  test("an association becomes a Graph-sourced row on the account, dates as days, partner account when known", () => {
    const { desired, problems } = desiredFromGraph(
      [{ account: contoso, associations: [association()] }],
      PARTNER_ACCOUNT,
    );
    expect(problems).toEqual([]);
    expect(desired).toEqual([
      {
        line: 1,
        source: AssociationSourceCodes.graph,
        reference: "Contoso admin",
        name: `Harbor Computer Services – Contoso (tenant ${contoso.tenantId})`,
        customerId: contoso.id,
        partnerId: PARTNER_ACCOUNT,
        type: RelationshipTypeCodes.gdap,
        status: AssociationStatusCodes.active,
        start: "2025-02-10",
        end: "2027-02-10",
      },
    ]);
  });

  test("inactive stays inactive; a contract has no dates; an unknown status is imported as active and reported", () => {
    const reads: GraphRead[] = [
      {
        account: contoso,
        associations: [
          association({ status: "inactive", externalReference: "old" }),
          association({
            id: "graph-contract-c1",
            relationshipType: "csp-reseller",
            startDate: undefined,
            endDate: undefined,
            undated: true,
            externalReference: "contract c1",
          }),
          association({
            status: "unknown",
            rawStatus: "unknownFutureValue",
            externalReference: "future",
          }),
        ],
      },
    ];
    const { desired, problems } = desiredFromGraph(reads);
    expect(desired.map((d) => [d.reference, d.status, d.type, d.start, d.end, d.partnerId])).toEqual([
      ["old", AssociationStatusCodes.inactive, RelationshipTypeCodes.gdap, "2025-02-10", "2027-02-10", undefined],
      [
        "contract c1",
        AssociationStatusCodes.active,
        RelationshipTypeCodes["csp-reseller"],
        undefined,
        undefined,
        undefined,
      ],
      ["future", AssociationStatusCodes.active, RelationshipTypeCodes.gdap, "2025-02-10", "2027-02-10", undefined],
    ]);
    expect(problems).toEqual([
      {
        account: contoso,
        message: expect.stringMatching(/future: status "unknownFutureValue" is unknown; imported as active/),
      },
    ]);
  });

  test("an unknown type is not imported; the same reference on a second account is reported, the first counts", () => {
    const reads: GraphRead[] = [
      {
        account: contoso,
        associations: [
          association({
            relationshipType: "unknown",
            rawType: "FuturePartner",
            externalReference: "contract x",
          }),
          association(),
        ],
      },
      {
        account: fabrikam,
        associations: [association({ customerAccountId: fabrikam.id })],
      },
    ];
    const { desired, problems } = desiredFromGraph(reads);
    expect(desired.map((d) => [d.line, d.customerId])).toEqual([[1, contoso.id]]);
    expect(problems.map((p) => [p.account.id, p.message])).toEqual([
      [contoso.id, expect.stringMatching(/contract x: relationship type "FuturePartner" is unknown/)],
      [fabrikam.id, expect.stringMatching(/Contoso admin: same external reference as on account Contoso/)],
    ]);
  });

  test("a reference the key cannot hold falls back to the Graph id", () => {
    expect(referenceOf(association({ externalReference: "Contoso: admin" }))).toBe("graph-gdap-5d027261");
    expect(referenceOf(association({ externalReference: "x".repeat(MAX_REFERENCE + 1) }))).toBe("graph-gdap-5d027261");
    expect(referenceOf(association({ externalReference: "x".repeat(MAX_REFERENCE) }))).toBe("x".repeat(MAX_REFERENCE));
  });

  test("dayOf: the UTC day of an instant; nothing for nothing or garbage", () => {
    expect(dayOf("2025-02-10T23:59:59-02:00")).toBe("2025-02-11");
    expect(dayOf("2026-01-01")).toBe("2026-01-01");
    expect(dayOf(undefined)).toBeUndefined();
    expect(dayOf("soon")).toBeUndefined();
  });
});

describe("the tenant a Graph association was synced for (--full-snapshot)", () => {
  const stale = (name: string | undefined, customerId = contoso.id): Stale => ({
    id: `s-${name ?? "none"}`,
    source: AssociationSourceCodes.graph,
    reference: "Contoso admin",
    name,
    customerId,
  });
  const tenants = new Map([
    [contoso.id, contoso.tenantId],
    [fabrikam.id, fabrikam.tenantId],
  ]);

  test("the row's name records it, and it reads back (case and a long name do not matter)", () => {
    const name = graphRowName("Harbor Computer Services", { ...contoso, name: "C".repeat(300) });
    expect(name).toMatch(/ \(tenant 52eaad04-13a2-4a2f-9ce8-93a294fadf36\)$/);
    expect(name.length).toBeLessThanOrEqual(200); // pg_name holds 200 characters
    expect(syncedTenantOf(name)).toBe(contoso.tenantId);
    expect(syncedTenantOf(name.toUpperCase())).toBe(contoso.tenantId);
    expect(syncedTenantOf("Harbor Computer Services – Contoso")).toBeUndefined();
    expect(syncedTenantOf(undefined)).toBeUndefined();
  });

  test("only a row synced for the tenant the account has now is set inactive when Graph, read in full, no longer returns it", () => {
    const same = stale(graphRowName("Harbor", contoso));
    const other = stale(graphRowName("Harbor", { ...contoso, tenantId: fabrikam.tenantId }));
    const legacy = stale("Harbor – Contoso");
    const judged = judgeStale([same, other, legacy], new Set([contoso.id]), tenants);
    expect(judged.setInactive).toEqual([same]);
    expect(judged.kept.map((k) => [k.id, k.reason])).toEqual([
      [other.id, "tenant-changed"],
      [legacy.id, "tenant-unknown"],
    ]);
  });

  test("an account Graph did not read in full, or without a tenant id, keeps its rows as before", () => {
    const unread = stale(graphRowName("Harbor", fabrikam), fabrikam.id);
    const orphan = stale(graphRowName("Harbor", contoso), "d1000000-0000-4000-8000-0000000000ff");
    expect(judgeStale([unread, orphan], new Set([contoso.id]), tenants).kept.map((k) => k.reason)).toEqual([
      "graph-not-read",
      "no-tenant-id",
    ]);
  });
});

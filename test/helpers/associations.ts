import { PartnerAssociation, SourceOutcome } from "../../src/core/types";

let counter = 0;

/** An association with sensible defaults; override what the test is about. */
export function association(overrides: Partial<PartnerAssociation> = {}): PartnerAssociation {
  counter++;
  return {
    id: `as-${counter}`,
    customerAccountId: "acc-1",
    customerName: "Contoso",
    partnerId: `partner-${counter}`,
    partnerName: `Partner ${counter}`,
    relationshipType: "csp-reseller",
    status: "active",
    startDate: "2020-01-01",
    source: "Partner feed",
    sourceKind: "dataverse",
    depth: 0,
    ...overrides,
  };
}

export function ok(associations: PartnerAssociation[], source = "Dataverse"): SourceOutcome {
  return { source, sourceKind: "dataverse", ok: true, associations, notes: [] };
}

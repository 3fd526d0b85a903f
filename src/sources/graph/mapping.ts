/**
 * Graph rows -> PartnerAssociation. Pure: bodies arrive as `unknown` and are parsed here; an
 * item we cannot read becomes a data note, never an exception.
 */
import { isObject } from "../../core/json";
import { DataNote, PartnerAssociation, RelationshipType } from "../../core/types";
import { GRAPH_SOURCE } from "./graphApi";

/** Who the associations are about and who read them. */
export interface GraphMappingContext {
  /** The account on the form (Graph evidence is always on the account itself, depth 0). */
  accountId: string;
  customerTenantId: string;
  customerName?: string;
  /**
   * The partner is the tenant that reads Graph (ours): GDAP relationships and contracts exist
   * only in partner tenants. Its id and name come from the configuration and Graph.
   */
  partnerTenantId?: string;
  partnerName?: string;
  readAt: string;
}

export type Mapped = { association: PartnerAssociation } | { note: DataNote } | { skipped: string };

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined;

/** A list response: `value` plus the optional next page. */
export function parseCollection(body: unknown): { items: unknown[]; nextLink?: string } | undefined {
  if (!isObject(body) || !Array.isArray(body.value)) return undefined;
  return { items: body.value, nextLink: str(body["@odata.nextLink"]) };
}

export function parseTenantInformation(body: unknown): { tenantId?: string; displayName?: string } | undefined {
  if (!isObject(body)) return undefined;
  return { tenantId: str(body.tenantId), displayName: str(body.displayName) };
}

/**
 * GDAP statuses (Graph `delegatedAdminRelationshipStatus`) and what each one is to PartnerGuard.
 * The README's status table is checked against this map (test/graph/readmeTable.test.ts).
 * - blocks: the relationship is in force or about to be: `approved` (the customer approved it)
 *   and `activating` (activation under way) block too, fail-safe: the customer has already said
 *   yes to this partner; `expiring` and `terminationRequested`/`terminating` have not ended yet.
 * - history: ended (`expired`, `terminated`); never blocks.
 * - not evidence: the customer has not approved anything yet (`created`, `approvalPending`).
 * Anything else (unknownFutureValue, a value added later) is kept as "unknown", which the policy
 * treats as active and lists under "Data to review".
 */
export const GDAP_STATUSES = {
  active: "blocks",
  expiring: "blocks",
  terminationRequested: "blocks",
  terminating: "blocks",
  approved: "blocks",
  activating: "blocks",
  expired: "history",
  terminated: "history",
  created: "not evidence",
  approvalPending: "not evidence",
} as const satisfies Record<string, "blocks" | "history" | "not evidence">;

const gdapMeaning = (status: string | undefined) =>
  status !== undefined && Object.prototype.hasOwnProperty.call(GDAP_STATUSES, status)
    ? GDAP_STATUSES[status as keyof typeof GDAP_STATUSES]
    : undefined;

/** An auto-extension of zero (`PT0S`, `P0D`) means the relationship really ends at its end date. */
function autoExtends(duration: unknown): boolean {
  const d = str(duration);
  return d !== undefined && /[1-9]/.test(d);
}

export function mapGdapRelationship(raw: unknown, ctx: GraphMappingContext): Mapped {
  if (!isObject(raw) || !str(raw.id)) return { note: { code: "bad-row", detail: "a GDAP relationship without an id" } };
  const id = raw.id as string;
  const customer = isObject(raw.customer) ? raw.customer : {};
  const customerTenant = str(customer.tenantId);
  // The list is filtered on the customer; a row of another tenant is not evidence for this account.
  if (customerTenant && customerTenant.toLowerCase() !== ctx.customerTenantId)
    return { skipped: `other tenant ${customerTenant}` };
  const rawStatus = str(raw.status);
  const meaning = gdapMeaning(rawStatus);
  if (meaning === "not evidence") return { skipped: `pending (${rawStatus})` };
  const status = meaning === "blocks" ? "active" : meaning === "history" ? "inactive" : "unknown";
  const inForce = status === "active";
  // A relationship that renews itself does not end at endDateTime while in force: showing that
  // date would raise "expiring soon" for a partner who is staying.
  const endDate = inForce && autoExtends(raw.autoExtendDuration) ? undefined : str(raw.endDateTime);
  const indirectProvider = str(raw.indirectProviderTenantId);
  return {
    association: {
      id: `graph-gdap-${id}`,
      customerAccountId: ctx.accountId,
      customerName: ctx.customerName ?? str(customer.displayName),
      partnerId: ctx.partnerTenantId,
      partnerName: ctx.partnerName,
      relationshipType: "gdap",
      status,
      rawStatus: status === "unknown" ? (rawStatus ?? "(none)") : rawStatus,
      startDate: str(raw.activatedDateTime) ?? str(raw.createdDateTime),
      endDate,
      source: GRAPH_SOURCE,
      sourceKind: "graph",
      externalReference: indirectProvider
        ? `${str(raw.displayName) ?? id} (indirect provider ${indirectProvider})`
        : (str(raw.displayName) ?? id),
      depth: 0,
      readAt: ctx.readAt,
    },
  };
}

/**
 * Contract types (Graph `contract.contractType`):
 * - ResellerPartner: resells to the customer (not exclusively) -> CSP reseller;
 * - SyndicationPartner: exclusively resells and manages the tenant -> CSP reseller too (the
 *   strongest tie; mapping it to a non-blocking type would open outreach by accident);
 * - BreadthPartner: administers the tenant but may not resell -> admin relationship ("gdap").
 * Any other value is kept as an unknown type (blocks by default, listed under "Data to review").
 */
export const CONTRACT_TYPES: Record<string, RelationshipType> = {
  ResellerPartner: "csp-reseller",
  SyndicationPartner: "csp-reseller",
  BreadthPartner: "gdap",
};

export function mapContract(raw: unknown, ctx: GraphMappingContext): Mapped {
  if (!isObject(raw) || !str(raw.id)) return { note: { code: "bad-row", detail: "a contract without an id" } };
  const id = raw.id as string;
  const customerId = str(raw.customerId);
  if (customerId && customerId.toLowerCase() !== ctx.customerTenantId) return { skipped: `other tenant ${customerId}` };
  const rawType = str(raw.contractType);
  // Own keys only: a type named like an Object.prototype member ("constructor") is unknown, not a function.
  const type =
    rawType !== undefined && Object.prototype.hasOwnProperty.call(CONTRACT_TYPES, rawType)
      ? CONTRACT_TYPES[rawType]
      : undefined;
  return {
    association: {
      id: `graph-contract-${id}`,
      customerAccountId: ctx.accountId,
      customerName: ctx.customerName ?? str(raw.displayName),
      partnerId: ctx.partnerTenantId,
      partnerName: ctx.partnerName,
      relationshipType: type ?? "unknown",
      rawType: type ? undefined : (rawType ?? "(none)"),
      // A contract exists while the partnership does: Graph gives it no status and no dates.
      status: "active",
      undated: true,
      source: GRAPH_SOURCE,
      sourceKind: "graph",
      externalReference: `contract ${id}`,
      depth: 0,
      readAt: ctx.readAt,
    },
  };
}

/**
 * From what Microsoft Graph says about each account's tenant to the same `Desired` rows the feed
 * sync builds, so plan, dry run, idempotence and the upsert by alternate key are the feed's code.
 * Pure: no I/O, every problem comes back as a value for the command to report.
 */
import { PartnerAssociation } from "../src/core/types";
import { AssociationSourceCodes, AssociationStatusCodes, RelationshipTypeCodes } from "../src/schema";
import { Desired, Stale, UNSUPPORTED_KEY_CHARS, keyOf } from "./syncPlan";

/** An account that carries a customer tenant id, as read from Dataverse. */
export interface TenantAccount {
  id: string;
  name: string;
  tenantId: string;
}

/** What Graph answered for one account. */
export interface GraphRead {
  account: TenantAccount;
  associations: PartnerAssociation[];
}

export interface GraphProblem {
  account: TenantAccount;
  message: string;
}

/** pg_externalreference is a text column of 100 characters. */
export const MAX_REFERENCE = 100;

/**
 * The name of a Graph-sync association records the customer tenant it was read for, after the
 * partner and the account: "Harbor – Contoso (tenant 52eaad04-…)". `--full-snapshot` compares it
 * with the account's tenant id now: a row read for another tenant is never set inactive (someone
 * changed the account's tenant id; Graph answered for another tenant).
 */
export function graphRowName(partner: string | undefined, account: TenantAccount): string {
  return `${`${partner ?? "Microsoft Graph"} – ${account.name}`.slice(0, 100)} (tenant ${account.tenantId})`;
}

/** The tenant a Graph-sync association's name records (graphRowName), lower case; undefined when none. */
export function syncedTenantOf(name: string | undefined): string | undefined {
  return /\(tenant ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)$/i
    .exec(name ?? "")?.[1]
    .toLowerCase();
}

/** Dataverse keeps start and end as DateOnly columns: Graph's instants become their UTC day. */
export function dayOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/**
 * The key the row is upserted on: the association's external reference (the GDAP relationship's
 * name, "contract <id>"). A name the key cannot hold (too long with its indirect provider, or a
 * character the Web API refuses) falls back to the association's Graph id, which is stable too.
 */
export function referenceOf(a: PartnerAssociation): string {
  const reference = a.externalReference ?? a.id;
  return reference.length > MAX_REFERENCE || UNSUPPORTED_KEY_CHARS.test(reference) ? a.id : reference;
}

/**
 * `partnerAccountId`: the Dataverse account of the partner tenant (ours), when one account carries
 * that tenant id. Rows are numbered from 1 in the order read (the plan's "line").
 */
export function desiredFromGraph(
  reads: GraphRead[],
  partnerAccountId?: string,
): { desired: Desired[]; problems: GraphProblem[] } {
  const desired: Desired[] = [];
  const problems: GraphProblem[] = [];
  const first = new Map<string, TenantAccount>();
  for (const { account, associations } of reads) {
    for (const a of associations) {
      const reference = referenceOf(a);
      if (a.relationshipType === "unknown") {
        // pg_relationshiptype has no value for it, and "other" would not block: leave it to the
        // card's live Graph read, which lists it under "Data to review".
        problems.push({
          account,
          message: `${reference}: relationship type "${a.rawType ?? ""}" is unknown to PartnerGuard (not imported)`,
        });
        continue;
      }
      const key = keyOf(AssociationSourceCodes.graph, reference);
      const seen = first.get(key);
      if (seen) {
        problems.push({
          account,
          message: `${reference}: same external reference as on account ${seen.name} (${seen.id}); the first one counts`,
        });
        continue;
      }
      first.set(key, account);
      if (a.status === "unknown") {
        problems.push({
          account,
          message: `${reference}: status "${a.rawStatus ?? ""}" is unknown; imported as active (it blocks until reviewed)`,
        });
      }
      desired.push({
        line: desired.length + 1,
        source: AssociationSourceCodes.graph,
        reference,
        name: graphRowName(a.partnerName, account),
        customerId: account.id,
        partnerId: partnerAccountId,
        type: RelationshipTypeCodes[a.relationshipType],
        // The Graph mapping counts an unknown status as in force; so does the import (fail closed).
        status: a.status === "inactive" ? AssociationStatusCodes.inactive : AssociationStatusCodes.active,
        start: dayOf(a.startDate),
        end: dayOf(a.endDate),
      });
    }
  }
  return { desired, problems };
}

/**
 * `--full-snapshot`: the key of every association Graph returned, imported or not (an unknown type
 * is not imported, but Graph still has it: what Graph has is never "no longer in Graph").
 */
export function graphKeys(reads: GraphRead[]): Set<string> {
  return new Set(reads.flatMap((r) => r.associations.map((a) => keyOf(AssociationSourceCodes.graph, referenceOf(a)))));
}

/**
 * Why an active Graph-sync association that Graph did not return is kept active:
 * - `graph-not-read`: its account carries a tenant id, but Graph could not be read for it in full
 *   (failed, a part missing, a row it could not read, a tenant id that is not a GUID, or our own
 *   partner account, which is not read as a customer): absent is not evidence that it ended;
 * - `no-tenant-id`: its account carries no tenant id any more (or the row names no account), so
 *   Graph was not asked. Fail-safe: kept; an admin ends it, or gives the account its tenant id back;
 * - `tenant-changed`: the row was synced for another tenant than the account's tenant id now (its
 *   name says which, graphRowName): Graph answered for a different tenant, which says nothing about
 *   this relationship. Kept, and the account is listed for an admin to look at;
 * - `tenant-unknown`: the row's name records no tenant (synced before PartnerGuard recorded it, or
 *   renamed): whether the tenant id changed cannot be told. Kept and listed the same way.
 */
export type KeptReason = "graph-not-read" | "no-tenant-id" | "tenant-changed" | "tenant-unknown";

export interface StaleJudgement {
  /** Not returned by Graph for an account it answered in full: set inactive. */
  setInactive: Stale[];
  kept: (Stale & { reason: KeptReason })[];
}

/**
 * Fail-safe: of the active Graph-sync associations Graph did not return (`candidates`), only those
 * of an account whose Graph read fully succeeded (`complete`) and that were synced for the tenant
 * Graph was just asked about are set inactive. `tenants`: every account that carries a tenant id,
 * read or not, with that tenant id (lower case).
 */
export function judgeStale(candidates: Stale[], complete: Set<string>, tenants: Map<string, string>): StaleJudgement {
  const judgement: StaleJudgement = { setInactive: [], kept: [] };
  for (const s of candidates) {
    if (s.source !== AssociationSourceCodes.graph) continue;
    if (s.customerId && complete.has(s.customerId)) {
      const synced = syncedTenantOf(s.name);
      if (synced && synced === tenants.get(s.customerId)) judgement.setInactive.push(s);
      else judgement.kept.push({ ...s, reason: synced ? "tenant-changed" : "tenant-unknown" });
    } else
      judgement.kept.push({
        ...s,
        reason: s.customerId && tenants.has(s.customerId) ? "graph-not-read" : "no-tenant-id",
      });
  }
  return judgement;
}

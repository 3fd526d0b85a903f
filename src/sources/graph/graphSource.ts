/**
 * The Microsoft Graph source: GDAP relationships and CSP contracts of the account's customer
 * tenant, plus tenant names, in one `$batch` round trip (further ones only for pages and for
 * throttled items). Everything that goes wrong comes back as a typed failure; a part that failed
 * never turns into "no evidence".
 */
import type { FetchOptions } from "@microsoft/microsoft-graph-client";
import { DataNote, PartnerAssociation, SourceFailure, SourceOutcome } from "../../core/types";
import { PartnerGuardConfig } from "../configSource";
import { ExtraSource, ExtraSourceContext } from "../resolver";
import { normalizeGuid } from "../webApi";
import { BatchItemRequest, relativeNextLink } from "./batch";
import { runBatch } from "./batchRunner";
import { GRAPH_BASE_URL, GRAPH_SOURCE, contractsListUrl, gdapListUrl, tenantInformationUrl } from "./graphApi";
import { GraphAuth } from "./graphAuth";
import { createGraphClient } from "./graphClient";
import { TOKEN_MARGIN_MS } from "./graphBudget";
import { graphApplies } from "./graphModule";
import { itemFailure, refusesTenantId, thrownFailure, unknownTenantFailure, worstFailure } from "./graphFailures";
import {
  GraphMappingContext,
  Mapped,
  mapContract,
  mapGdapRelationship,
  parseCollection,
  parseTenantInformation,
} from "./mapping";

export interface GraphSourceDeps {
  /** The token provider for this configuration, or a failure when Graph is not set up. */
  authFor(config: PartnerGuardConfig): GraphAuth | SourceFailure;
  baseUrl?: string;
  customHosts?: Set<string>;
  fetchOptions?: FetchOptions;
  clock?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const LISTS = {
  gdap: { label: "GDAP relationships", url: gdapListUrl, map: mapGdapRelationship },
  contracts: { label: "contracts", url: contractsListUrl, map: mapContract },
} as const;
type ListId = keyof typeof LISTS;
const isListId = (id: string): id is ListId => id in LISTS;

/**
 * The token, or a typed failure. A silent sign-in still running when the budget is spent is
 * "not connected": the seller can connect, whereas "timeout" would offer only Retry, which would
 * wait just as long. The silent attempt goes on in the background; if it succeeds, the token is
 * cached for the next load.
 */
async function tokenWithin(auth: GraphAuth, ms: number, signal: AbortSignal): Promise<string | SourceFailure> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const late = new Promise<SourceFailure>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          kind: "not-connected",
          message: `silent sign-in to Microsoft Graph did not finish within ${Math.round(ms)} ms`,
        }),
      Math.max(0, ms),
    );
  });
  const aborted = new Promise<SourceFailure>((resolve) => {
    onAbort = () => resolve(thrownFailure(signal.reason));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([auth.getAccessToken().catch((error: unknown) => thrownFailure(error)), late, aborted]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/** More pages than this means something is wrong with the data (or the paging): stop. */
const MAX_ROUNDS = 10;

function failed(failure: SourceFailure): SourceOutcome {
  return { source: GRAPH_SOURCE, sourceKind: "graph", ok: false, failure };
}

function isFailure(value: GraphAuth | SourceFailure): value is SourceFailure {
  return "kind" in value && !("getAccessToken" in value);
}

export function createGraphSource(deps: GraphSourceDeps): ExtraSource {
  const clock = deps.clock ?? Date.now;
  const baseUrl = deps.baseUrl ?? GRAPH_BASE_URL;

  async function read(
    tenantId: string | undefined,
    signal: AbortSignal,
    ctx: ExtraSourceContext,
  ): Promise<SourceOutcome> {
    const customerTenantId = normalizeGuid(tenantId);
    if (!customerTenantId)
      return failed({ kind: "invalid-input", message: `the customer tenant id "${tenantId ?? ""}" is not a GUID` });
    const auth = deps.authFor(ctx.config);
    if (isFailure(auth)) return failed(auth);
    const deadline = clock() + ctx.remainingMs;
    // No token, no request: the token is settled before the round trip, whatever the transport
    // (the client itself asks the provider only for https hosts it trusts).
    const token = await tokenWithin(auth, ctx.remainingMs - TOKEN_MARGIN_MS, signal);
    if (typeof token !== "string") return failed(token);
    const partnerTenantId = normalizeGuid(ctx.config.graphTenantId);
    const client = createGraphClient({
      auth: { getAccessToken: () => Promise.resolve(token) },
      baseUrl,
      customHosts: deps.customHosts,
      fetchOptions: deps.fetchOptions,
      deadline,
      clock,
    });

    const items: Record<ListId, unknown[]> = { gdap: [], contracts: [] };
    const failures = new Map<ListId, SourceFailure>();
    const names: { customer?: string; partner?: string } = {};
    let unknownTenant: SourceFailure | undefined;
    const notes: DataNote[] = [];
    let round: BatchItemRequest[] = [
      { id: "gdap", method: "GET", url: LISTS.gdap.url(customerTenantId) },
      { id: "contracts", method: "GET", url: LISTS.contracts.url(customerTenantId) },
      { id: "customer", method: "GET", url: tenantInformationUrl(customerTenantId) },
      ...(partnerTenantId
        ? [{ id: "partner", method: "GET" as const, url: tenantInformationUrl(partnerTenantId) }]
        : []),
    ];
    try {
      for (let rounds = 0; round.length > 0; rounds++) {
        if (rounds >= MAX_ROUNDS) {
          for (const r of round)
            if (isListId(r.id))
              failures.set(r.id, { kind: "malformed", message: `${LISTS[r.id].label}: more than ${MAX_ROUNDS} pages` });
          break;
        }
        const responses = await runBatch(client, round, { signal, deadline, clock, sleep: deps.sleep });
        const next: BatchItemRequest[] = [];
        for (const request of round) {
          const item = responses.get(request.id);
          if (!item) continue;
          const id = request.id;
          if (!isListId(id)) {
            // Names are cosmetic (a 403 for lack of permission leaves the tenant unnamed), except
            // that Graph saying the customer tenant does not exist makes the empty lists
            // meaningless: that is the account's tenant id being wrong, never "no partner".
            if (item.status === 200 && (id === "customer" || id === "partner"))
              names[id] = parseTenantInformation(item.body)?.displayName;
            else if (id === "customer" && (item.status === 404 || (item.status === 400 && refusesTenantId(item.body))))
              unknownTenant = unknownTenantFailure(customerTenantId, item.status, item.body);
            continue;
          }
          if (item.status < 200 || item.status >= 300) {
            failures.set(id, itemFailure(LISTS[id].label, item.status, item.body));
            continue;
          }
          const page = parseCollection(item.body);
          if (!page) {
            failures.set(id, { kind: "malformed", message: `${LISTS[id].label}: the answer is not a list` });
            continue;
          }
          items[id].push(...page.items);
          if (page.nextLink) {
            const url = relativeNextLink(page.nextLink, baseUrl);
            if (url) next.push({ id, method: "GET", url });
            else
              failures.set(id, {
                kind: "malformed",
                message: `${LISTS[id].label}: unusable next link ${page.nextLink}`,
              });
          }
        }
        round = next;
      }
    } catch (error) {
      return failed(thrownFailure(error));
    }

    const mapping: GraphMappingContext = {
      accountId: ctx.accountId,
      customerTenantId,
      customerName: names.customer,
      partnerTenantId,
      partnerName: names.partner,
      readAt: new Date(clock()).toISOString(),
    };
    const associations: PartnerAssociation[] = [];
    for (const id of Object.keys(LISTS) as ListId[]) {
      for (const raw of items[id]) {
        const mapped: Mapped = LISTS[id].map(raw, mapping);
        if ("association" in mapped) associations.push(mapped.association);
        else if ("note" in mapped) notes.push(mapped.note);
      }
    }

    const worst = worstFailure([...failures.values(), ...(unknownTenant ? [unknownTenant] : [])]);
    if (worst && failures.size === Object.keys(LISTS).length) return failed(worst);
    // One part failed (say a 403 on contracts, or the customer tenant is unknown to Graph): what
    // was read is handed on with the failure; the resolver decides whether it can stand alone.
    return { ...ok(associations, notes), ...(worst ? { partialFailure: worst } : {}) };
  }

  return {
    name: GRAPH_SOURCE,
    appliesTo: graphApplies,
    read,
  };
}

function ok(associations: PartnerAssociation[], notes: DataNote[]): SourceOutcome {
  return { source: GRAPH_SOURCE, sourceKind: "graph", ok: true, associations, notes };
}

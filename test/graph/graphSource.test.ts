/**
 * The Graph source with the real Graph client, over HTTP, against a local Graph that answers
 * like the documentation. Round trips are counted at the server.
 */
import { createGraphSource, GraphSourceDeps } from "../../src/sources/graph/graphSource";
import { ExtraSourceContext, settlePartial } from "../../src/sources/resolver";
import { SourceOutcome } from "../../src/core/types";
import { StaticTokenAuth } from "../../src/sources/graph/graphAuth";
import { ACCESS_NOT_GRANTED, REQUEST_REFUSED } from "../../src/sources/graph/graphFailures";
import {
  ACCOUNT,
  CUSTOMER,
  EMPTY_CUSTOMER,
  PARTNER,
  UNKNOWN_TENANT,
  contract,
  demoAuth,
  gdap,
  graphConfig,
  graphData,
  FORBIDDEN,
} from "./fixtures";
import { GraphServer, GraphServerOptions, startGraphServer } from "./graphServer";
import { GraphData } from "../../src/emulator/graphEmulator";
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY } from "../../src/core/policy";

let server: GraphServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function readWith(
  data: GraphData,
  options: GraphServerOptions = {},
  more: {
    tenantId?: string;
    remainingMs?: number;
    deps?: Partial<GraphSourceDeps>;
    signal?: AbortSignal;
    policy?: Record<string, unknown>;
  } = {},
): Promise<{ outcome: SourceOutcome; server: GraphServer; ms: number }> {
  server = await startGraphServer(data, options);
  const source = createGraphSource({ authFor: demoAuth, baseUrl: server.baseUrl, ...more.deps });
  const context: ExtraSourceContext = {
    accountId: ACCOUNT,
    config: graphConfig(more.policy),
    remainingMs: more.remainingMs ?? 5000,
  };
  const started = Date.now();
  const read = await source.read(more.tenantId ?? CUSTOMER, more.signal ?? new AbortController().signal, context);
  // As the resolver hands it to the verdict: a partial answer stands only where it blocks alone.
  const outcome = settlePartial(read, { accountId: ACCOUNT, policy: context.config.policy, now: Date.now() });
  return { outcome, server, ms: Date.now() - started };
}

function associationsOf(outcome: SourceOutcome) {
  if (!outcome.ok) throw new Error(`expected evidence, got ${outcome.failure.kind}: ${outcome.failure.message}`);
  return outcome.associations;
}

function failureOf(outcome: SourceOutcome) {
  if (outcome.ok) throw new Error("expected a failure");
  return outcome.failure;
}

describe("Graph source: one $batch round trip", () => {
  test("GDAP and contracts of the customer tenant, named, in one POST /v1.0/$batch", async () => {
    const { outcome, server } = await readWith(graphData([gdap("active")], [contract("ResellerPartner")]));
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1.0/$batch");
    const urls = (request.body as { requests: { url: string }[] }).requests.map((r) => r.url).sort();
    expect(urls).toEqual([
      `/contracts?$filter=customerId eq ${CUSTOMER}`,
      `/tenantRelationships/delegatedAdminRelationships?$filter=customer/tenantId eq '${CUSTOMER}'`,
      `/tenantRelationships/findTenantInformationByTenantId(tenantId='${CUSTOMER}')`,
      `/tenantRelationships/findTenantInformationByTenantId(tenantId='${PARTNER}')`,
    ]);
    const associations = associationsOf(outcome);
    expect(associations.map((a) => [a.relationshipType, a.status])).toEqual([
      ["gdap", "active"],
      ["csp-reseller", "active"],
    ]);
    for (const a of associations) {
      expect(a).toMatchObject({
        customerAccountId: ACCOUNT,
        customerName: "Contoso, Ltd",
        partnerId: PARTNER,
        partnerName: "Harbor Computer Services",
        source: "Microsoft Graph",
        sourceKind: "graph",
        depth: 0,
      });
      expect(Date.now() - Date.parse(a.readAt ?? "")).toBeLessThan(10000);
    }
    expect(associations[0]).toMatchObject({
      startDate: "2025-02-10T11:26:44.9941884Z",
      endDate: "2027-02-10T11:24:42.3148266Z",
    });
  });

  test("items answered in any order are matched by id", async () => {
    const { outcome } = await readWith(graphData([gdap("expired")], [contract("BreadthPartner")]), {
      reverseBatch: true,
    });
    expect(associationsOf(outcome).map((a) => [a.relationshipType, a.status])).toEqual([
      ["gdap", "inactive"],
      ["gdap", "active"],
    ]);
  });

  test("a tenant with nothing in Graph is evidence of nothing (ok, empty), still one round trip", async () => {
    const { outcome, server } = await readWith(graphData([gdap("active")]), {}, { tenantId: EMPTY_CUSTOMER });
    expect(associationsOf(outcome)).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  test("a tenant id that is not a GUID is invalid input, and nothing is sent", async () => {
    const { outcome, server } = await readWith(graphData(), {}, { tenantId: "contoso.onmicrosoft.com" });
    expect(failureOf(outcome)).toMatchObject({ kind: "invalid-input" });
    expect(failureOf(outcome).message).toContain("contoso.onmicrosoft.com");
    expect(server.requests).toHaveLength(0);
  });
});

describe("Graph source: GDAP statuses", () => {
  test("in force or approved by the customer are active, ended are history, not yet approved are no evidence, unknown are kept", async () => {
    const statuses = [
      "active",
      "expiring",
      "terminationRequested",
      "terminating",
      "expired",
      "terminated",
      "activating",
      "approvalPending",
      "approved",
      "created",
      "unknownFutureValue",
      "suspendedForAudit",
    ];
    const { outcome } = await readWith(graphData(statuses.map((s) => gdap(s))));
    const byRaw = new Map(associationsOf(outcome).map((a) => [a.rawStatus, a.status]));
    expect(Object.fromEntries(byRaw)).toEqual({
      active: "active",
      expiring: "active",
      terminationRequested: "active",
      terminating: "active",
      approved: "active",
      activating: "active",
      expired: "inactive",
      terminated: "inactive",
      unknownFutureValue: "unknown",
      suspendedForAudit: "unknown",
    });
  });

  test.each(["approved", "activating"])(
    "a relationship the customer has approved (%s, not activated yet: no dates) blocks outreach",
    async (status) => {
      const pending = gdap(status, { activatedDateTime: null, endDateTime: null });
      const { outcome } = await readWith(graphData([pending]));
      const [a] = associationsOf(outcome);
      expect(a).toMatchObject({
        relationshipType: "gdap",
        status: "active",
        rawStatus: status,
        startDate: "2025-02-10T11:24:42.3148266Z",
      });
      expect(a.endDate).toBeUndefined();
      const verdict = evaluate({ accountId: ACCOUNT, outcomes: [outcome], policy: DEFAULT_POLICY, now: Date.now() });
      expect(verdict.outreach).toBe("blocked");
    },
  );

  test("a reseller relationship keeps its indirect provider; an auto-extending one has no end to warn about", async () => {
    const reseller = gdap("active", {
      "@odata.type": "#microsoft.graph.resellerDelegatedAdminRelationship",
      indirectProviderTenantId: "60ea59db-a506-485e-94c5-d115f369e239",
      autoExtendDuration: "P180D",
    });
    const { outcome } = await readWith(graphData([reseller]));
    const [a] = associationsOf(outcome);
    expect(a.externalReference).toContain("60ea59db-a506-485e-94c5-d115f369e239");
    expect(a.endDate).toBeUndefined();
  });

  test("unreadable items become notes, not crashes", async () => {
    const { outcome } = await readWith(
      graphData(
        [{ customer: { tenantId: CUSTOMER }, status: "active" }, gdap("active", { status: 42 })],
        [contract("SomethingNew")],
      ),
    );
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.notes.map((n) => n.code)).toEqual(["bad-row"]);
    expect(outcome.associations.map((a) => [a.relationshipType, a.status, a.rawType ?? a.rawStatus])).toEqual([
      ["gdap", "unknown", "(none)"],
      ["unknown", "active", "SomethingNew"],
    ]);
  });
});

describe("Graph source: paging", () => {
  test("nextLinks of both lists go into one further batch each round, and only then", async () => {
    const rels = [1, 2, 3, 4, 5].map(() => gdap("expired"));
    const contracts = [1, 2, 3].map(() => contract("ResellerPartner"));
    const { outcome, server } = await readWith(graphData(rels, contracts), { pageSize: 2 });
    expect(associationsOf(outcome)).toHaveLength(8);
    expect(server.requests).toHaveLength(3);
    const ids = server.requests.map((r) => (r.body as { requests: { id: string }[] }).requests.map((q) => q.id).sort());
    expect(ids).toEqual([["contracts", "customer", "gdap", "partner"], ["contracts", "gdap"], ["gdap"]]);
    expect((server.requests[1].body as { requests: { url: string }[] }).requests[0].url).toContain("$skiptoken=2");
  });

  test("a nextLink to another host is not followed", async () => {
    const page = {
      "@odata.context": "x",
      value: [gdap("active")],
      "@odata.nextLink": "https://evil.example/v1.0/tenantRelationships/delegatedAdminRelationships?$skiptoken=1",
    };
    const { outcome, server } = await readWith(graphData(), {
      fault: (path) =>
        path.startsWith("/tenantRelationships/delegatedAdminRelationships")
          ? { status: 200, headers: { "Content-Type": "application/json" }, body: page }
          : undefined,
    });
    // The GDAP page read still blocks by itself; the broken link is listed for review.
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.notes[0].detail).toContain("unusable next link");
    expect(server.requests).toHaveLength(1);
  });
});

describe("Graph source: per-item statuses in the batch", () => {
  test("a 403 on contracts does not sink blocking GDAP evidence; the gap is listed", async () => {
    const { outcome } = await readWith(graphData([gdap("active")]), {
      fault: (p) => (p.startsWith("/contracts") ? FORBIDDEN : undefined),
    });
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.associations.map((a) => a.relationshipType)).toEqual(["gdap"]);
    expect(outcome.notes[0].detail).toContain(ACCESS_NOT_GRANTED);
  });

  test("a 403 on contracts with only history in GDAP fails closed (forbidden), never 'no partner'", async () => {
    const { outcome } = await readWith(graphData([gdap("terminated")]), {
      fault: (p) => (p.startsWith("/contracts") ? FORBIDDEN : undefined),
    });
    expect(failureOf(outcome).kind).toBe("forbidden");
    expect(failureOf(outcome).message).toContain(ACCESS_NOT_GRANTED);
    expect(failureOf(outcome).message).toContain("Authorization_RequestDenied");
  });

  test("tenant names Graph will not give are cosmetic: the evidence stands unnamed", async () => {
    const { outcome } = await readWith(graphData([gdap("active")]), {
      fault: (p) => (p.includes("findTenantInformationByTenantId") ? FORBIDDEN : undefined),
    });
    const [a] = associationsOf(outcome);
    expect(a.partnerName).toBeUndefined();
    expect(a.customerName).toBe("Contoso Inc");
  });

  test("a per-item 429 is resent alone after its Retry-After, within the budget", async () => {
    let throttled = 0;
    const { outcome, server } = await readWith(graphData([gdap("active")], [contract("ResellerPartner")]), {
      fault: (p) =>
        p.startsWith("/contracts") && throttled++ === 0
          ? {
              status: 429,
              headers: { "Content-Type": "application/json", "Retry-After": "1" },
              body: { error: { code: "TooManyRequests", message: "throttled" } },
            }
          : undefined,
    });
    expect(associationsOf(outcome).map((a) => a.relationshipType)).toEqual(["gdap", "csp-reseller"]);
    expect(server.requests).toHaveLength(2);
    expect((server.requests[1].body as { requests: { id: string }[] }).requests.map((r) => r.id)).toEqual([
      "contracts",
    ]);
  });

  test("a per-item 503 with a Retry-After that fits the budget is resent alone, like a 429", async () => {
    let unavailable = 0;
    const { outcome, server } = await readWith(graphData([gdap("expired")], [contract("ResellerPartner")]), {
      fault: (p) =>
        p.startsWith("/contracts") && unavailable++ === 0
          ? {
              status: 503,
              headers: { "Content-Type": "application/json", "Retry-After": "1" },
              body: { error: { code: "ServiceUnavailable", message: "try later" } },
            }
          : undefined,
    });
    expect(associationsOf(outcome).map((a) => a.relationshipType)).toEqual(["gdap", "csp-reseller"]);
    expect(server.requests).toHaveLength(2);
    expect((server.requests[1].body as { requests: { id: string }[] }).requests.map((r) => r.id)).toEqual([
      "contracts",
    ]);
  });

  test("a per-item 503 without Retry-After, or with one past the budget, is not resent: a server failure", async () => {
    const variants: Record<string, string>[] = [
      { "Content-Type": "application/json" },
      { "Content-Type": "application/json", "Retry-After": "30" },
    ];
    for (const headers of variants) {
      const { outcome, server } = await readWith(
        graphData([gdap("expired")]),
        {
          fault: (p) =>
            p.startsWith("/contracts")
              ? { status: 503, headers, body: { error: { code: "ServiceUnavailable", message: "down" } } }
              : undefined,
        },
        { remainingMs: 3000 },
      );
      expect(failureOf(outcome).kind).toBe("server");
      expect(server.requests).toHaveLength(1);
      await server.close();
    }
  });

  test("a 400 on a list (Graph refuses the $filter) is the request's problem for an admin, not the account's tenant id", async () => {
    const refused = {
      status: 400,
      headers: { "Content-Type": "application/json" },
      body: {
        error: { code: "BadRequest", message: "Invalid filter clause: property 'customer/tenantId' is not supported." },
      },
    };
    const { outcome } = await readWith(graphData([gdap("expired")]), {
      fault: (p) => (p.startsWith("/tenantRelationships/delegatedAdminRelationships") ? refused : undefined),
    });
    expect(failureOf(outcome).kind).not.toBe("invalid-input");
    expect(failureOf(outcome).kind).toBe("request-refused");
    expect(failureOf(outcome).message).toContain(REQUEST_REFUSED);
    expect(failureOf(outcome).message).toContain("Invalid filter clause");
  });

  test("a 400 that says the tenant id names no tenant is the account's data (invalid input)", async () => {
    const refused = {
      status: 400,
      headers: { "Content-Type": "application/json" },
      body: { error: { code: "Request_BadRequest", message: `Tenant ${CUSTOMER} does not exist.` } },
    };
    const { outcome } = await readWith(graphData([gdap("expired")]), {
      fault: (p) => (p.startsWith("/contracts") ? refused : undefined),
    });
    expect(failureOf(outcome).kind).toBe("invalid-input");
  });

  test("a customer tenant Graph says does not exist is invalid input, never 'no partner'", async () => {
    const { outcome, server } = await readWith(graphData([gdap("active")]), {}, { tenantId: UNKNOWN_TENANT });
    expect(failureOf(outcome).kind).toBe("invalid-input");
    expect(failureOf(outcome).message).toContain(UNKNOWN_TENANT);
    expect(server.requests).toHaveLength(1);
  });

  test("a per-item 429 whose Retry-After ends past the budget is a throttled failure, at once", async () => {
    const { outcome, server, ms } = await readWith(
      graphData([], []),
      {
        fault: (p) =>
          p.startsWith("/tenantRelationships/delegatedAdminRelationships")
            ? { status: 429, headers: { "Content-Type": "application/json", "Retry-After": "30" }, body: {} }
            : undefined,
      },
      { remainingMs: 3000 },
    );
    expect(failureOf(outcome).kind).toBe("throttled");
    expect(server.requests).toHaveLength(1);
    expect(ms).toBeLessThan(1500);
  });
});

describe("Graph source: the whole request fails", () => {
  test.each([
    [429, "1"],
    [503, "1"],
  ])("outer %i with Retry-After is retried by the client's RetryHandler", async (status, retryAfter) => {
    const { outcome, server } = await readWith(graphData([gdap("active")]), {
      outer: (_r, i) =>
        i === 0
          ? {
              status,
              headers: { "Retry-After": retryAfter },
              text: JSON.stringify({ error: { code: "x", message: "busy" } }),
            }
          : undefined,
    });
    expect(associationsOf(outcome)).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].headers["retry-attempt"]).toBe("1");
  });

  test("outer 429 with a Retry-After past the budget is not waited for: throttled", async () => {
    const { outcome, server, ms } = await readWith(
      graphData(),
      { outer: () => ({ status: 429, headers: { "Retry-After": "60" }, text: "" }) },
      { remainingMs: 3000 },
    );
    expect(failureOf(outcome).kind).toBe("throttled");
    expect(server.requests).toHaveLength(1);
    expect(ms).toBeLessThan(1500);
  });

  test("503 that persists ends as a server failure after the client's retries", async () => {
    const { outcome, server } = await readWith(graphData(), {
      outer: () => ({ status: 503, headers: { "Retry-After": "0" }, text: "" }),
    });
    expect(failureOf(outcome).kind).toBe("server");
    expect(server.requests).toHaveLength(3);
  });

  test.each([
    [401, "unauthorized"],
    [403, "forbidden"],
  ])("outer %i: %s, 'Graph access is not granted; ask your admin'", async (status, kind) => {
    const body = JSON.stringify({
      error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." },
    });
    const { outcome } = await readWith(graphData(), { outer: () => ({ status, text: body }) });
    expect(failureOf(outcome)).toMatchObject({ kind });
    expect(failureOf(outcome).message).toContain(ACCESS_NOT_GRANTED);
  });

  test("the whole $batch refused (outer 400) is the request's problem, not the account's tenant id", async () => {
    const { outcome } = await readWith(graphData(), {
      outer: () => ({
        status: 400,
        text: JSON.stringify({ error: { code: "BadRequest", message: "Invalid batch payload." } }),
      }),
    });
    expect(failureOf(outcome).kind).toBe("request-refused");
    expect(failureOf(outcome).message).toContain(REQUEST_REFUSED);
  });

  test("malformed JSON is a malformed failure", async () => {
    const { outcome } = await readWith(graphData(), { outer: () => ({ status: 200, text: '{"responses": [' }) });
    expect(failureOf(outcome).kind).toBe("malformed");
  });

  test("JSON that is not a batch answer (an item missing) is malformed", async () => {
    const { outcome } = await readWith(graphData(), {
      outer: () => ({
        status: 200,
        text: JSON.stringify({ responses: [{ id: "gdap", status: 200, headers: {}, body: { value: [] } }] }),
      }),
    });
    expect(failureOf(outcome).kind).toBe("malformed");
  });

  test("an aborted signal (the verdict's deadline) is a timeout", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException("deadline", "TimeoutError")), 200);
    const { outcome } = await readWith(
      graphData(),
      { outer: () => ({ status: 200, hang: true }) },
      { signal: controller.signal },
    );
    expect(failureOf(outcome).kind).toBe("timeout");
  });

  test("nobody listening is a network failure", async () => {
    const source = createGraphSource({ authFor: demoAuth, baseUrl: "http://127.0.0.1:9" });
    const outcome = await source.read(CUSTOMER, new AbortController().signal, {
      accountId: ACCOUNT,
      config: graphConfig(),
      remainingMs: 3000,
    });
    expect(failureOf(outcome).kind).toBe("network");
  });

  test("no token (silent sign-in failed) is not-connected, and nothing is sent", async () => {
    const { outcome, server } = await readWith(
      graphData([gdap("active")]),
      {},
      { deps: { authFor: () => new StaticTokenAuth("t", false) } },
    );
    expect(failureOf(outcome).kind).toBe("not-connected");
    expect(server.requests).toHaveLength(0);
  });

  test("Graph enabled without an app registration is a failure from authFor, nothing sent", async () => {
    const { outcome, server } = await readWith(
      graphData(),
      {},
      { deps: { authFor: () => ({ kind: "forbidden", message: "pg_GraphClientId is not set" }) } },
    );
    expect(failureOf(outcome)).toEqual({ kind: "forbidden", message: "pg_GraphClientId is not set" });
    expect(server.requests).toHaveLength(0);
  });
});

import { CONFIGURATION_SOURCE, resolveVerdict, ExtraSource } from "../../src/sources/resolver";
import { configFromValues } from "../../src/sources/configSource";
import { EnvironmentVariables } from "../../src/schema";
import { DEMO, demoEmulator } from "../helpers/demo";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const clock = () => NOW;

describe("resolveVerdict", () => {
  test("form load: the configuration and the Dataverse source's four queries are all in flight at once (one round trip)", async () => {
    const emulator = demoEmulator({ latencyMs: 50 });
    const { verdict } = await resolveVerdict({ webApi: emulator, clock }, DEMO.contoso);
    expect(verdict.outreach).toBe("blocked");
    expect(emulator.requests.map((r) => r.entity).sort()).toEqual([
      "account",
      "environmentvariabledefinition",
      "pg_outreachdecision",
      "pg_outreachexception",
      "task",
    ]);
    expect(emulator.maxInFlight).toBe(5);
  });

  test("a cached configuration costs no request", async () => {
    const emulator = demoEmulator();
    await resolveVerdict(
      { webApi: emulator, clock, loadConfig: async () => configFromValues(new Map()) },
      DEMO.woodgrove,
    );
    expect(emulator.requests.map((r) => r.entity)).not.toContain("environmentvariabledefinition");
  });

  test("the policy environment variable is applied", async () => {
    const emulator = demoEmulator();
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: "e1000000-0000-4000-8000-000000000001",
      schemaname: EnvironmentVariables.policy,
      defaultvalue: JSON.stringify({ relationshipTypes: [{ type: "csp-reseller", blocks: false }] }),
    });
    const { verdict, config } = await resolveVerdict({ webApi: emulator, clock }, DEMO.contoso);
    expect(config.policyProblems).toEqual([]);
    expect(verdict.outreach).toBe("allowed");
  });

  test("an environment variable value overrides its default", async () => {
    const emulator = demoEmulator();
    const defId = "e1000000-0000-4000-8000-000000000001";
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: defId,
      schemaname: EnvironmentVariables.policy,
      defaultvalue: "{}",
    });
    emulator.insert("environmentvariablevalue", {
      environmentvariablevalueid: "e2000000-0000-4000-8000-000000000001",
      environmentvariabledefinitionid: { $lookup: "environmentvariabledefinition", id: defId },
      value: JSON.stringify({ onSourceFailure: "fail-open" }),
    });
    const { config } = await resolveVerdict({ webApi: emulator, clock }, DEMO.contoso);
    expect(config.policy.onSourceFailure).toBe("fail-open");
  });

  test("a source slower than the budget times out: unverified, within the budget", async () => {
    const emulator = demoEmulator({ fault: (r) => (r.entity === "account" ? "hang" : undefined) });
    const loadConfig = async () => {
      const c = configFromValues(new Map([[EnvironmentVariables.policy, JSON.stringify({ sourceTimeoutMs: 500 })]]));
      return c;
    };
    const started = Date.now();
    const { verdict } = await resolveVerdict({ webApi: emulator, clock, loadConfig }, DEMO.contoso);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(verdict.outreach).toBe("unverified");
    expect(verdict.reasons[0]).toMatchObject({
      code: "source-failed",
      source: "Dataverse",
      failure: { kind: "timeout" },
    });
  });

  test("an unreadable configuration falls back to the fail-closed defaults", async () => {
    const emulator = demoEmulator({
      fault: (r) => (r.entity === "environmentvariabledefinition" ? { status: 403, message: "no read" } : undefined),
    });
    const { verdict, config } = await resolveVerdict({ webApi: emulator, clock }, DEMO.contoso);
    expect(config.failure?.kind).toBe("forbidden");
    expect(config.policy.onSourceFailure).toBe("fail-closed");
    expect(verdict.outreach).toBe("blocked");
  });

  test("an extra source runs in parallel and a throwing one fails closed", async () => {
    const emulator = demoEmulator();
    const throwing: ExtraSource = {
      name: "Microsoft Graph",
      appliesTo: () => true,
      read: () => Promise.reject(new Error("socket hang up")),
    };
    const { verdict } = await resolveVerdict(
      { webApi: emulator, clock, extraSources: [throwing] },
      DEMO.woodgrove,
      "t",
    );
    expect(verdict.outreach).toBe("unverified");
    expect(verdict.sources).toEqual([
      { source: "Dataverse", ok: true },
      { source: "Microsoft Graph", ok: false },
    ]);
  });
});

describe("a face without a Graph source", () => {
  test("Graph on and a tenant id, but no Graph source here: not connected, outreach not allowed", async () => {
    const emulator = demoEmulator();
    const loadConfig = async () => configFromValues(new Map([[EnvironmentVariables.graphEnabled, "true"]]));
    const { verdict } = await resolveVerdict(
      { webApi: emulator, clock, loadConfig },
      DEMO.woodgrove,
      "52eaad04-13a2-4a2f-9ce8-93a294fadf36",
    );
    expect(verdict.outreach).toBe("unverified");
    expect(verdict.reasons[0]).toMatchObject({
      code: "source-failed",
      source: "Microsoft Graph",
      failure: { kind: "not-connected" },
    });
    const withoutTenant = await resolveVerdict(
      { webApi: demoEmulator(), clock, loadConfig },
      DEMO.woodgrove,
      undefined,
    );
    expect(withoutTenant.verdict.outreach).toBe("allowed");
  });
});

describe("an unreadable configuration", () => {
  test("is a failed source, never a silent default: no partner is not 'allowed' without the admin's policy", async () => {
    const emulator = demoEmulator({
      fault: (r) =>
        r.entity === "environmentvariabledefinition"
          ? { status: 403, message: "no read privilege on environment variables" }
          : undefined,
    });
    const { verdict } = await resolveVerdict({ webApi: emulator, clock }, DEMO.woodgrove);
    expect(verdict.outreach).toBe("unverified");
    expect(verdict.reasons).toContainEqual(
      expect.objectContaining({
        code: "source-failed",
        source: CONFIGURATION_SOURCE,
        failure: expect.objectContaining({ kind: "forbidden" }),
      }),
    );
    expect(verdict.sources).toContainEqual({ source: CONFIGURATION_SOURCE, ok: false });
  });

  test("evidence that blocks still blocks", async () => {
    const emulator = demoEmulator({
      fault: (r) =>
        r.entity === "environmentvariabledefinition" ? { status: 503, message: "Service Unavailable" } : undefined,
    });
    expect((await resolveVerdict({ webApi: emulator, clock }, DEMO.contoso)).verdict.outreach).toBe("blocked");
  });
});

describe("throttling on form load", () => {
  test("a 429 whose Retry-After fits the budget is waited out and the read tried again", async () => {
    let refused = 0;
    const emulator = demoEmulator({
      fault: (r) =>
        r.entity === "account" && refused++ === 0
          ? { status: 429, message: "Number of requests exceeded the limit", retryAfterSeconds: 0.2 }
          : undefined,
    });
    const { verdict } = await resolveVerdict(
      { webApi: emulator, loadConfig: async () => configFromValues(new Map()) },
      DEMO.contoso,
    );
    expect(verdict.outreach).toBe("blocked");
    expect(emulator.requests.filter((r) => r.entity === "account")).toHaveLength(2);
  });

  test("a Retry-After past the budget is not waited for: could not be verified, said as throttled", async () => {
    const emulator = demoEmulator({
      fault: (r) =>
        r.entity === "account"
          ? { status: 429, message: "Number of requests exceeded the limit", retryAfterSeconds: 30 }
          : undefined,
    });
    const started = Date.now();
    const { verdict } = await resolveVerdict(
      { webApi: emulator, loadConfig: async () => configFromValues(new Map()) },
      DEMO.woodgrove,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(verdict.outreach).toBe("unverified");
    expect(verdict.reasons).toContainEqual(
      expect.objectContaining({ code: "source-failed", failure: expect.objectContaining({ kind: "throttled" }) }),
    );
  });
});

describe("nobody needs the verdict any more", () => {
  test("an aborted resolution tells every source it started to stop", async () => {
    const seen: AbortSignal[] = [];
    let asked!: () => void;
    const graphAsked = new Promise<void>((resolve) => (asked = resolve));
    const graph: ExtraSource = {
      name: "Microsoft Graph",
      appliesTo: () => true,
      read: (_tenant, signal) => {
        seen.push(signal);
        asked();
        return new Promise(() => undefined);
      },
    };
    const stop = new AbortController();
    const emulator = demoEmulator({ latencyMs: 20 });
    void resolveVerdict(
      { webApi: emulator, clock, extraSources: [graph], loadConfig: async () => configFromValues(new Map()) },
      DEMO.contoso,
      "t-1",
      stop.signal,
    );
    await graphAsked;
    expect(seen).toHaveLength(1);
    expect(seen[0].aborted).toBe(false);
    stop.abort();
    expect(seen[0].aborted).toBe(true);
  });
});

describe("a source that answered in part", () => {
  const partialGraph = (relationshipType: "gdap" | "other"): ExtraSource => ({
    name: "Microsoft Graph",
    appliesTo: () => true,
    read: async () => ({
      source: "Microsoft Graph",
      sourceKind: "graph",
      ok: true,
      notes: [],
      associations: [
        {
          id: "g-1",
          customerAccountId: DEMO.woodgrove,
          partnerName: "Adatum",
          relationshipType,
          status: "active",
          startDate: "2026-01-01",
          source: "Microsoft Graph",
          sourceKind: "graph",
          depth: 0,
        },
      ],
      partialFailure: { kind: "forbidden", message: "contracts: HTTP 403" },
    }),
  });
  const resolveWith = (graph: ExtraSource, policy: object = {}) =>
    resolveVerdict(
      {
        webApi: demoEmulator(),
        clock,
        extraSources: [graph],
        loadConfig: async () => configFromValues(new Map([[EnvironmentVariables.policy, JSON.stringify(policy)]])),
      },
      DEMO.woodgrove,
      "t-1",
    );

  test("what it read stands when it blocks on its own, and the gap is listed", async () => {
    const { verdict } = await resolveWith(partialGraph("gdap"));
    expect(verdict.outreach).toBe("blocked");
    expect(verdict.partnerOfRecord?.association.partnerName).toBe("Adatum");
    expect(verdict.reasons.some((r) => r.code === "data-note" && r.note?.detail?.includes("HTTP 403"))).toBe(true);
  });

  test("what it read does not block: the missing part might have, so the source fails closed", async () => {
    const { verdict } = await resolveWith(partialGraph("other"));
    expect(verdict.outreach).toBe("unverified");
    expect(verdict.reasons.find((r) => r.code === "source-failed")?.failure?.kind).toBe("forbidden");
  });

  test("the resolver's policy decides: GDAP that does not block under the admin's policy fails closed", async () => {
    const { verdict } = await resolveWith(partialGraph("gdap"), {
      relationshipTypes: [{ type: "gdap", blocks: false }],
    });
    expect(verdict.outreach).toBe("unverified");
  });
});

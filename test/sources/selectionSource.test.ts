import { MAX_SELECTION, SELECTION_URL_BUDGET, selectionHierarchyFetchXml } from "../../src/sources/selectionSource";
import { forgetSelections, resolveSelection, selectionKey } from "../../src/sources/selectionResolution";
import { resolveVerdict } from "../../src/sources/resolver";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { TABLES } from "../../src/emulator/fromFeed";
import { PERSONAS } from "../../src/emulator/personas";
import { Account, Association, EnvironmentVariables, OutreachDecision } from "../../src/schema";
import { DEMO, demoEmulator, withGraphOn } from "../helpers/demo";
import { validateFetchXml } from "../helpers/fetchSchema";
import { NOW, clock, exceptionOn, guid, lookup, utcOffsetMinutes } from "../helpers/reachOrg";

beforeEach(() => forgetSelections());

/** The card's resolution of one account (the form's resolver, Dataverse only, as the command bar asks). */
async function single(emulator: DataverseEmulator, id: string) {
  return (
    await resolveVerdict(
      { webApi: emulator.as(PERSONAS.seller), userId: PERSONAS.seller.id, clock, utcOffsetMinutes },
      id,
    )
  ).verdict;
}

describe("one live resolution for a selection", () => {
  test("every demo account's verdict is the card's, from one request per source issued together", async () => {
    const emulator = demoEmulator({ latencyMs: 10 });
    const ids = emulator.table(Account.logicalName).map((r) => r[Account.id] as string);
    expect(ids.length).toBeGreaterThan(8);
    const selection = await resolveSelection(
      { webApi: emulator.as(PERSONAS.seller), userId: PERSONAS.seller.id, clock, utcOffsetMinutes },
      ids,
    );
    expect(emulator.requests.map((r) => r.entity).sort()).toEqual([
      "account",
      "environmentvariabledefinition",
      "pg_outreachdecision",
      "pg_outreachexception",
      "task",
    ]);
    expect(emulator.maxInFlight).toBe(5); // one round trip
    const outreach = new Map<string, string>();
    for (const id of ids) {
      const card = await single(emulator, id);
      expect(selection.verdicts.get(id)).toEqual(card);
      outreach.set(id, card.outreach);
    }
    // The demo holds every kind the test is about.
    expect(outreach.get(DEMO.contoso)).toBe("blocked");
    expect(outreach.get(DEMO.fabrikamEurope)).toBe("blocked"); // inherited from its parent
    expect(outreach.get(DEMO.woodgrove)).toBe("allowed");
  });

  test("hierarchies: shared ancestors, deep chains, exceptions and decisions per account are each the card's", async () => {
    const emulator = new DataverseEmulator(TABLES);
    for (const p of [PERSONAS.seller, PERSONAS.approver])
      emulator.insert("systemuser", { systemuserid: p.id, fullname: p.name });
    // A root with a PAL, three levels of children under it, a second root without evidence.
    const root = guid("c1000000", 0);
    emulator.insert(Account.logicalName, { [Account.id]: root, [Account.name]: "Root" });
    emulator.insert(Association.logicalName, {
      [Association.id]: guid("d1000000", 0),
      [Association.customer]: lookup("account", root),
      [Association.relationshipType]: 100000004,
      [Association.status]: 100000000,
      [Association.start]: "2025-01-01",
    });
    const ids: string[] = [];
    for (let i = 1; i <= 30; i++) {
      const id = guid("c1000000", i);
      const parent = i <= 3 ? root : guid("c1000000", i - 3);
      emulator.insert(Account.logicalName, {
        [Account.id]: id,
        [Account.name]: `Child ${i}`,
        [Account.parent]: lookup("account", parent),
      });
      if (i % 5 === 0)
        emulator.insert(Association.logicalName, {
          [Association.id]: guid("d1000000", i),
          [Association.customer]: lookup("account", id),
          [Association.relationshipType]: 100000000,
          [Association.status]: i % 10 === 0 ? 100000001 : 100000000,
          [Association.start]: "2024-01-01",
          [Association.end]: "2026-12-31",
        });
      ids.push(id);
    }
    const lonely = guid("c2000000", 1);
    emulator.insert(Account.logicalName, { [Account.id]: lonely, [Account.name]: "Lonely" });
    ids.push(lonely);
    // An approved exception on child 7 (by someone else) and a pending one on child 8.
    exceptionOn(emulator, 7, guid("c1000000", 7), true);
    exceptionOn(emulator, 8, guid("c1000000", 8), false);
    const selection = await resolveSelection(
      { webApi: emulator, userId: PERSONAS.seller.id, clock, utcOffsetMinutes },
      [...ids].reverse(),
    );
    const kinds = new Set<string>();
    for (const id of ids) {
      const card = (await resolveVerdict({ webApi: emulator, userId: PERSONAS.seller.id, clock, utcOffsetMinutes }, id))
        .verdict;
      expect(selection.verdicts.get(id)).toEqual(card);
      kinds.add(card.outreach + (card.exception ? "+exception" : "") + (card.pendingException ? "+pending" : ""));
    }
    expect([...kinds].sort()).toEqual(["allowed", "allowed+exception", "blocked", "blocked+pending"]);
  });

  test("deleted, unknown and malformed ids are 'could not be verified'; the others keep their verdicts", async () => {
    const emulator = demoEmulator();
    await emulator.deleteRecord(Account.logicalName, DEMO.tailspin);
    const unknown = guid("f0000000", 1);
    const selection = await resolveSelection({ webApi: emulator.as(PERSONAS.seller), clock, utcOffsetMinutes }, [
      DEMO.woodgrove,
      DEMO.tailspin,
      unknown,
      "not-a-guid",
    ]);
    const outreach = (id: string) => selection.verdicts.get(id)?.outreach;
    expect(outreach(DEMO.woodgrove)).toBe("allowed");
    expect(outreach(DEMO.tailspin)).toBe("unverified");
    expect(outreach(unknown)).toBe("unverified");
    expect(outreach("not-a-guid")).toBe("unverified");
    // The malformed id never reaches a query.
    expect(emulator.requests.some((r) => r.options?.includes("not-a-guid"))).toBe(false);
  });

  test("a failed hierarchy read fails every account closed; failed exceptions only stop exceptions from counting", async () => {
    const down = demoEmulator({
      fault: (r) => (r.entity === "account" ? { status: 503, message: "down" } : undefined),
    });
    const failed = await resolveSelection({ webApi: down, clock }, [DEMO.woodgrove, DEMO.contoso]);
    expect([...failed.verdicts.values()].map((v) => v.outreach)).toEqual(["unverified", "unverified"]);
    forgetSelections();
    const partly = demoEmulator({
      fault: (r) => (r.entity === OutreachDecision.logicalName ? { status: 400, message: "no" } : undefined),
    });
    const read = await resolveSelection({ webApi: partly, clock }, [DEMO.woodgrove, DEMO.contoso]);
    expect(read.verdicts.get(DEMO.woodgrove)?.outreach).toBe("allowed");
    expect(read.verdicts.get(DEMO.contoso)?.outreach).toBe("blocked");
  });

  test("over the limit: a clear status and no request; an empty selection: no request", async () => {
    const emulator = demoEmulator();
    const many = Array.from({ length: MAX_SELECTION + 1 }, (_, i) => guid("c3000000", i));
    await expect(resolveSelection({ webApi: emulator, clock }, many)).resolves.toMatchObject({ status: "over-limit" });
    await expect(resolveSelection({ webApi: emulator, clock }, [])).resolves.toMatchObject({ status: "empty" });
    expect(emulator.requests).toHaveLength(0);
  });
});

describe("the cache: by the set of ids, per window, for the policy's freshness", () => {
  test("the same set (any order) within 30 s: no request; later, or another set, or fresh: read again", async () => {
    const emulator = demoEmulator();
    let now = NOW;
    const deps = { webApi: emulator, clock: () => now };
    const scope = {};
    await resolveSelection({ ...deps, scope }, [DEMO.woodgrove, DEMO.contoso]);
    const first = emulator.requests.length;
    expect(first).toBe(5);
    now += 29_000;
    await resolveSelection({ ...deps, scope }, [DEMO.contoso, DEMO.woodgrove, DEMO.contoso]);
    expect(emulator.requests).toHaveLength(first);
    // Another window does not share it.
    await resolveSelection({ ...deps, scope: {} }, [DEMO.woodgrove, DEMO.contoso]);
    expect(emulator.requests.length).toBeGreaterThan(first);
    const second = emulator.requests.length;
    now += 2_000; // past freshnessSeconds (30 by default)
    await resolveSelection({ ...deps, scope }, [DEMO.woodgrove, DEMO.contoso]);
    expect(emulator.requests.length).toBeGreaterThan(second);
    const third = emulator.requests.length;
    await resolveSelection({ ...deps, scope }, [DEMO.woodgrove, DEMO.contoso], true);
    expect(emulator.requests.length).toBeGreaterThan(third);
  });

  test("two rules asking at once share one resolution", async () => {
    const emulator = demoEmulator({ latencyMs: 20 });
    const deps = { webApi: emulator, clock, scope: {} };
    const [a, b] = await Promise.all([
      resolveSelection(deps, [DEMO.woodgrove, DEMO.contoso]),
      resolveSelection(deps, [DEMO.contoso, DEMO.woodgrove]),
    ]);
    expect(a.verdicts).toEqual(b.verdicts);
    expect(b.ids).toEqual([DEMO.contoso, DEMO.woodgrove]);
    expect(emulator.requests).toHaveLength(5);
  });

  test("at most MAX_CACHED sets are kept: the least recently used goes", async () => {
    const emulator = demoEmulator();
    const deps = { webApi: emulator, clock, scope: {} };
    const ids = emulator.table(Account.logicalName).map((r) => r[Account.id] as string);
    await resolveSelection(deps, [ids[0]]);
    for (let i = 1; i <= 20; i++) await resolveSelection(deps, [ids[0], ids[i % ids.length], `x${i}`]);
    const before = emulator.requests.length;
    await resolveSelection(deps, [ids[0]]);
    expect(emulator.requests.length).toBeGreaterThan(before);
  });
});

describe("Microsoft Graph, as the form's command bar counts it", () => {
  const TENANT = "0f0e0d0c-0000-4000-8000-0000000000aa";
  function graphOn() {
    const emulator = withGraphOn(demoEmulator());
    const woodgrove = emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.woodgrove);
    if (woodgrove) woodgrove[Account.tenantId] = TENANT;
    return emulator;
  }
  const graphFailure = (v: { reasons: { code: string; failure?: { kind: string } }[] } | undefined) =>
    v?.reasons.find((r) => r.code === "source-failed")?.failure?.kind;

  test("Graph on: a tenant id means Graph was not asked here; an absent one may be withheld: both could not be verified", async () => {
    const emulator = graphOn();
    const read = await resolveSelection({ webApi: emulator.as(PERSONAS.seller), clock }, [
      DEMO.woodgrove,
      DEMO.tailspin,
    ]);
    expect(read.verdicts.get(DEMO.woodgrove)?.outreach).toBe("unverified");
    expect(graphFailure(read.verdicts.get(DEMO.woodgrove))).toBe("not-connected");
    expect(read.verdicts.get(DEMO.tailspin)?.outreach).toBe("unverified");
    expect(graphFailure(read.verdicts.get(DEMO.tailspin))).toBe("forbidden");
    // The form's command bar gives the same verdicts: withheld tenant id / a tenant id without Graph.
    const card = await resolveVerdict({ webApi: emulator.as(PERSONAS.seller), clock }, DEMO.woodgrove, TENANT);
    expect(read.verdicts.get(DEMO.woodgrove)?.reasons).toEqual(card.verdict.reasons);
  });

  test("Graph on and a face that knows the column is readable: an account without a tenant id is Dataverse's to decide", async () => {
    const read = await resolveSelection({ webApi: graphOn().as(PERSONAS.seller), clock, tenantIdReadable: true }, [
      DEMO.tailspin,
      DEMO.contoso,
    ]);
    expect(read.verdicts.get(DEMO.tailspin)?.outreach).toBe("allowed");
    expect(read.verdicts.get(DEMO.contoso)?.outreach).toBe("blocked");
  });

  test("Graph on and the policy's graph.listsUseImported: Graph's imported evidence decides, no account is unverified for want of a live answer", async () => {
    const emulator = graphOn();
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: "e9000000-0000-4000-8000-000000000019",
      schemaname: EnvironmentVariables.policy,
      defaultvalue: JSON.stringify({ graph: { listsUseImported: true } }),
    });
    const read = await resolveSelection({ webApi: emulator.as(PERSONAS.seller), clock }, [
      DEMO.woodgrove,
      DEMO.tailspin,
      DEMO.contoso,
    ]);
    expect(read.verdicts.get(DEMO.woodgrove)?.outreach).toBe("allowed"); // a tenant id, no live Graph here
    expect(read.verdicts.get(DEMO.tailspin)?.outreach).toBe("allowed");
    expect(read.verdicts.get(DEMO.contoso)?.outreach).toBe("blocked");
    expect(graphFailure(read.verdicts.get(DEMO.woodgrove))).toBeUndefined();
  });

  test("Graph off: the tenant id changes nothing", async () => {
    const emulator = demoEmulator();
    const woodgrove = emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.woodgrove);
    if (woodgrove) woodgrove[Account.tenantId] = TENANT;
    const read = await resolveSelection({ webApi: emulator.as(PERSONAS.seller), clock }, [DEMO.woodgrove]);
    expect(read.verdicts.get(DEMO.woodgrove)?.outreach).toBe("allowed");
  });
});

describe("the size of the selection's hierarchy query", () => {
  const ids = Array.from({ length: MAX_SELECTION }, (_, i) => guid("abcdef00", i));

  test(`${MAX_SELECTION} ids: within the 32,768-character GET URL and the 500-condition limit, valid against Fetch.xsd`, async () => {
    const query = selectionHierarchyFetchXml(ids, 10);
    expect(encodeURIComponent(query).length).toBeLessThanOrEqual(SELECTION_URL_BUDGET);
    const elements = (query.match(/<condition /g) ?? []).length + (query.match(/<link-entity /g) ?? []).length;
    expect(elements).toBeLessThanOrEqual(500);
    await expect(validateFetchXml(query)).resolves.toEqual([]);
  });

  test("the emulator answers it (it refuses what Dataverse refuses)", async () => {
    const emulator = new DataverseEmulator(TABLES);
    await expect(
      emulator.retrieveMultipleRecords("account", `?fetchXml=${selectionHierarchyFetchXml(ids)}`),
    ).resolves.toEqual({
      entities: [],
    });
  });

  test("the cache key ignores order and duplicates", () => {
    expect(selectionKey(["b", "a"])).toBe(selectionKey(["a", "b"]));
  });
});

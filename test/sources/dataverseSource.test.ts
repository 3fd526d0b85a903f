import { EXCEPTION_ROWS, readDataverse, buildFetchXml } from "../../src/sources/dataverseSource";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { TABLES } from "../../src/emulator/fromFeed";
import { Account, Association, DecisionCodes, OutreachDecision, OutreachExceptionTable } from "../../src/schema";
import { DEMO, demoEmulator } from "../helpers/demo";

const lookup = (table: string, id: string) => ({ $lookup: table, id });
const DAY_MS = 86_400_000;

describe("Dataverse source", () => {
  test("four queries issued together (one round trip): account and ancestors eq-or-above with associations joined, the newest requests, their decisions, the latest engagement", async () => {
    const emulator = demoEmulator({ latencyMs: 20 });
    const now = Date.parse("2026-11-24T12:00:00Z");
    const outcome = await readDataverse(emulator, DEMO.fabrikamEurope, { now });
    expect(emulator.requests.map((r) => r.entity)).toEqual([
      "account",
      "pg_outreachexception",
      "pg_outreachdecision",
      "task",
    ]);
    expect(emulator.maxInFlight).toBe(4);
    const [request, exceptions, decisions, engagement] = emulator.requests;
    expect(request.options).toBe(`?fetchXml=${buildFetchXml(DEMO.fabrikamEurope, 1, 5000)}`);
    for (const query of [exceptions, decisions])
      expect(query.options).toContain(
        `<condition attribute="pg_accountid" operator="eq" value="${DEMO.fabrikamEurope}"/>`,
      );
    // The requests: the newest EXCEPTION_ROWS, one page, never joined to anything.
    expect(exceptions.options).toContain('count="50" page="1"');
    expect(exceptions.options).not.toContain("link-entity");
    expect(decisions.options).toContain('link-type="inner"');
    expect(engagement.options).toContain('count="1"');
    expect(request.options).toContain(
      `<condition attribute="accountid" operator="eq-or-above" value="${DEMO.fabrikamEurope}"/>`,
    );
    expect(request.options).toContain('link-type="outer"');
    expect(request.options).not.toContain("all-attributes");
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.associations).toHaveLength(1);
    expect(outcome.associations[0]).toMatchObject({
      customerAccountId: DEMO.fabrikamHoldings,
      customerName: "Fabrikam Holdings",
      partnerName: "Northwind Partners",
      relationshipType: "pal",
      status: "active",
      startDate: "2021-07-01",
      endDate: "2027-06-30",
      source: "Partner feed",
      depth: 1,
    });
  });

  test("the account's own associations have depth 0 and names from formatted values", async () => {
    const outcome = await readDataverse(demoEmulator(), DEMO.contoso);
    if (!outcome.ok) throw new Error("expected ok");
    const seen = outcome.associations.map((a) => [a.partnerName, a.relationshipType, a.status, a.depth]);
    expect(seen.sort()).toEqual([
      ["Harbor Computer Services", "csp-reseller", "active", 0],
      ["Northwind Partners", "dpor", "inactive", 0],
    ]);
  });

  test("requests come with their decisions (read by their own query), with server-set who and when; old requests stay out", async () => {
    const emulator = demoEmulator();
    const seller = lookup("systemuser", "11111111-1111-4111-8111-111111111111");
    const approver = lookup("systemuser", "22222222-2222-4222-8222-222222222222");
    emulator.insert("systemuser", {
      systemuserid: "22222222-2222-4222-8222-222222222222",
      fullname: "Jordan Approver",
    });
    const ex = (id: string, createdon: string) =>
      emulator.insert(OutreachExceptionTable.logicalName, {
        [OutreachExceptionTable.id]: id,
        [OutreachExceptionTable.account]: lookup("account", DEMO.contoso),
        [OutreachExceptionTable.requestedFor]: DEMO.contoso,
        [OutreachExceptionTable.requestedDays]: 7,
        createdby: seller,
        createdon,
      });
    ex("f0000000-0000-4000-8000-000000000001", "2026-11-20T00:00:00Z");
    ex("f0000000-0000-4000-8000-000000000002", "2026-11-23T00:00:00Z");
    ex("f0000000-0000-4000-8000-000000000003", "2024-01-01T00:00:00Z"); // older than any approval can last
    for (const days of [7, 14]) {
      emulator.insert(OutreachDecision.logicalName, {
        [OutreachDecision.id]: `d0000000-0000-4000-8000-00000000000${days === 7 ? 1 : 2}`,
        [OutreachDecision.exception]: lookup(
          OutreachExceptionTable.logicalName,
          "f0000000-0000-4000-8000-000000000001",
        ),
        [OutreachDecision.decision]: DecisionCodes.approved,
        [OutreachDecision.days]: days,
        createdby: approver,
        createdon: "2026-11-21T00:00:00Z",
      });
    }
    const outcome = await readDataverse(emulator, DEMO.contoso, { now: Date.parse("2026-11-24T12:00:00Z") });
    expect(emulator.requests).toHaveLength(4);
    if (!outcome.ok) throw new Error("expected ok");
    const requests = [...(outcome.exceptions ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    expect(requests.map((e) => [e.id.slice(-1), e.createdBy, e.requestedDays, e.decisions.length])).toEqual([
      ["1", "11111111-1111-4111-8111-111111111111", 7, 2],
      ["2", "11111111-1111-4111-8111-111111111111", 7, 0],
    ]);
    expect(
      requests[0].decisions.map((d) => [d.decision, d.days, d.createdBy, d.createdByName, d.createdOn]).sort(),
    ).toEqual([
      ["approved", 14, "22222222-2222-4222-8222-222222222222", "Jordan Approver", "2026-11-21T00:00:00Z"],
      ["approved", 7, "22222222-2222-4222-8222-222222222222", "Jordan Approver", "2026-11-21T00:00:00Z"],
    ]);
    // the association rows are not multiplied by the joined requests and decisions
    expect(outcome.associations).toHaveLength(2);
  });

  test("pages are followed when one page is full", async () => {
    const emulator = new DataverseEmulator(TABLES);
    const id = "c0000000-0000-4000-8000-000000000001";
    emulator.insert(Account.logicalName, { [Account.id]: id, [Account.name]: "Big" });
    for (let i = 0; i < 25; i++) {
      emulator.insert(Association.logicalName, {
        [Association.id]: `d0000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        [Association.customer]: lookup("account", id),
        [Association.relationshipType]: 100000006,
        [Association.status]: 100000001,
      });
    }
    const outcome = await readDataverse(emulator, id, { pageSize: 10 });
    expect(
      emulator.requests.filter((r) => r.entity === "account").map((r) => /page="(\d+)"/.exec(r.options ?? "")?.[1]),
    ).toEqual(["1", "2", "3"]);
    expect(outcome.ok && outcome.associations).toHaveLength(25);
  });

  test("an exactly full last page costs one more request that comes back empty", async () => {
    const emulator = new DataverseEmulator(TABLES);
    const id = "c0000000-0000-4000-8000-000000000001";
    emulator.insert(Account.logicalName, { [Account.id]: id });
    for (let i = 0; i < 9; i++) {
      emulator.insert(Association.logicalName, {
        [Association.id]: `d0000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        [Association.customer]: lookup("account", id),
      });
    }
    const outcome = await readDataverse(emulator, id, { pageSize: 3 });
    expect(emulator.requests.filter((r) => r.entity === "account")).toHaveLength(4);
    expect(outcome.ok && outcome.associations).toHaveLength(9);
  });

  test.each([
    [503, "server"],
    [429, "throttled"],
    [403, "forbidden"],
    [401, "unauthorized"],
  ] as const)("a %s becomes a %s failure, never a throw", async (status, kind) => {
    const emulator = demoEmulator({ fault: () => ({ status, message: `HTTP ${status}` }) });
    const outcome = await readDataverse(emulator, DEMO.contoso);
    expect(outcome).toEqual({
      source: "Dataverse",
      sourceKind: "dataverse",
      ok: false,
      failure: { kind, message: `HTTP ${status}` },
    });
  });

  test("a malformed answer is a malformed failure", async () => {
    const host = {
      retrieveMultipleRecords: async () => ({ value: [] }) as never,
      createRecord: async () => ({ id: "" }),
      updateRecord: async () => ({ id: "" }),
    };
    const outcome = await readDataverse(host, DEMO.contoso);
    expect(!outcome.ok && outcome.failure.kind).toBe("malformed");
  });

  test("an id that is not a GUID is refused before any request", async () => {
    const emulator = demoEmulator();
    const outcome = await readDataverse(emulator, "x' or 1=1");
    expect(!outcome.ok && outcome.failure.kind).toBe("invalid-input");
    expect(emulator.requests).toHaveLength(0);
  });

  test("an account that is not there is not-found, not 'no partner'", async () => {
    const outcome = await readDataverse(demoEmulator(), "a1000000-0000-4000-8000-0000000000ff");
    expect(!outcome.ok && outcome.failure.kind).toBe("not-found");
  });

  describe("bad data", () => {
    const child = "c0000000-0000-4000-8000-000000000001";
    const parent = "c0000000-0000-4000-8000-000000000002";
    function emulatorWith(rows: Record<string, unknown>[]) {
      const e = new DataverseEmulator(TABLES);
      e.insert(Account.logicalName, {
        [Account.id]: child,
        [Account.name]: "Child",
        [Account.parent]: lookup("account", parent),
      });
      e.insert(Account.logicalName, {
        [Account.id]: parent,
        [Account.name]: "Parent",
        [Account.parent]: lookup("account", child),
      });
      rows.forEach((r, i) =>
        e.insert(Association.logicalName, {
          [Association.id]: `d0000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
          [Association.customer]: lookup("account", child),
          [Association.status]: 100000000,
          ...r,
        }),
      );
      return e;
    }

    test("a parent loop is read once and noted", async () => {
      const outcome = await readDataverse(emulatorWith([]), child);
      expect(outcome.ok && outcome.notes).toEqual([{ code: "parent-loop", detail: "Child" }]);
    });

    test("unknown type and status codes are kept as unknown with their raw value", async () => {
      const outcome = await readDataverse(
        emulatorWith([{ [Association.relationshipType]: 999, [Association.status]: 5 }]),
        child,
      );
      expect(outcome.ok && outcome.associations[0]).toMatchObject({
        relationshipType: "unknown",
        rawType: "999",
        status: "unknown",
        rawStatus: "5",
      });
    });

    test("a partner lookup to a deleted account has an id and no name", async () => {
      const outcome = await readDataverse(
        emulatorWith([
          {
            [Association.partner]: lookup("account", "e0000000-0000-4000-8000-000000000009"),
            [Association.relationshipType]: 100000000,
          },
        ]),
        child,
      );
      expect(outcome.ok && outcome.associations[0]).toMatchObject({
        partnerId: "e0000000-0000-4000-8000-000000000009",
        partnerName: undefined,
      });
    });

    test("thousands of rows are read in pages", async () => {
      const rows = Array.from({ length: 12000 }, () => ({ [Association.relationshipType]: 100000006 }));
      const emulator = emulatorWith(rows);
      const outcome = await readDataverse(emulator, child);
      expect(emulator.requests.filter((r) => r.entity === "account")).toHaveLength(3);
      expect(outcome.ok && outcome.associations).toHaveLength(12000);
    });
  });

  describe("what the seller's data cannot break (issue 23)", () => {
    const A = "c0000000-0000-4000-8000-0000000000a1";
    const PARENT = "c0000000-0000-4000-8000-0000000000a2";
    const now = Date.parse("2026-11-24T12:00:00Z");
    function org(parentRow: boolean) {
      const e = new DataverseEmulator(TABLES);
      e.insert(Account.logicalName, {
        [Account.id]: A,
        [Account.name]: "Child",
        [Account.parent]: lookup("account", PARENT),
      });
      if (parentRow) e.insert(Account.logicalName, { [Account.id]: PARENT, [Account.name]: "Parent" });
      e.insert(Association.logicalName, {
        [Association.id]: "d0000000-0000-4000-8000-0000000000a1",
        [Association.customer]: lookup("account", A),
        [Association.relationshipType]: 100000000,
        [Association.status]: 100000000,
      });
      return e;
    }
    const requests = (e: DataverseEmulator, n: number, approvedIndex?: number) => {
      for (let i = 0; i < n; i++) {
        const id = `fe000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
        e.insert(OutreachExceptionTable.logicalName, {
          [OutreachExceptionTable.id]: id,
          [OutreachExceptionTable.account]: lookup("account", A),
          [OutreachExceptionTable.requestedFor]: A,
          createdby: lookup("systemuser", "11111111-1111-4111-8111-111111111111"),
          createdon: new Date(now - DAY_MS * 2 + i * 1000).toISOString(),
        });
        if (i === approvedIndex)
          e.insert(OutreachDecision.logicalName, {
            [OutreachDecision.id]: "dd000000-0000-4000-8000-000000000001",
            [OutreachDecision.exception]: lookup(OutreachExceptionTable.logicalName, id),
            [OutreachDecision.decision]: DecisionCodes.approved,
            [OutreachDecision.days]: 14,
            createdby: lookup("systemuser", "22222222-2222-4222-8222-222222222222"),
            createdon: new Date(now - DAY_MS).toISOString(),
          });
      }
    };

    test("a parent the answer leaves out is said (with its id and depth), not taken for no parent", async () => {
      const outcome = await readDataverse(org(false), A, { now });
      expect(outcome.ok && outcome.notes).toEqual([{ code: "unreadable-parent", detail: PARENT, depth: 1 }]);
      const read = await readDataverse(org(true), A, { now });
      expect(read.ok && read.notes).toEqual([]);
    });

    test("the newest EXCEPTION_ROWS requests are read, in one request, whatever their number", async () => {
      const e = org(true);
      requests(e, 120, 119);
      const outcome = await readDataverse(e, A, { now });
      if (!outcome.ok) throw new Error("expected ok");
      expect(outcome.exceptions).toHaveLength(EXCEPTION_ROWS);
      expect(outcome.exceptions?.find((x) => x.decisions.length)?.id).toBe("fe000000-0000-4000-8000-000000000119");
      expect(e.requests.filter((r) => r.entity === OutreachExceptionTable.logicalName)).toHaveLength(1);
      // An approval of a request older than the newest EXCEPTION_ROWS is not read: it can only close outreach.
      const older = org(true);
      requests(older, 120, 0);
      const hidden = await readDataverse(older, A, { now });
      expect(hidden.ok && hidden.exceptions?.some((x) => x.decisions.length)).toBe(false);
    });

    test("exceptions that cannot be read keep the associations and say so; so does an engagement that cannot be read", async () => {
      const e = org(true);
      e.setOptions({
        fault: (r) =>
          r.entity === OutreachDecision.logicalName || r.entity === "task"
            ? { status: 400, message: "the query failed" }
            : undefined,
      });
      const outcome = await readDataverse(e, A, { now });
      expect(outcome).toMatchObject({
        ok: true,
        associations: [expect.objectContaining({ customerAccountId: A })],
        exceptions: [],
        exceptionsFailure: { kind: "network", message: "the query failed" },
        engagements: [],
      });
    });

    test("a read past the row limit says what it is, not 'network error'", async () => {
      const rows = Array.from({ length: 30 }, () => ({}));
      const host = {
        retrieveMultipleRecords: async () => ({ entities: rows }),
        createRecord: async () => ({ id: "" }),
        updateRecord: async () => ({ id: "" }),
      };
      const outcome = await readDataverse(host, A, { pageSize: 3, now });
      expect(!outcome.ok && outcome.failure).toEqual({
        kind: "too-many-rows",
        message: "more than 30 rows for one account (account)",
      });
    });
  });
});

/**
 * What the verdict tells a seller beyond "blocked or not": which evidence comes first, the reasons
 * and the evidence each points at, the data notes, and which request or engagement it shows.
 */
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY, Policy, parsePolicy } from "../../src/core/policy";
import { ExceptionDecision, OutreachException, PartnerAssociation, SourceOutcome } from "../../src/core/types";
import { association, ok } from "../helpers/associations";
import { SELLER, decision as approval } from "../helpers/exceptions";

const NOW = "2026-11-24T12:00:00Z";

function run(
  outcomes: SourceOutcome[],
  extra: { policy?: Policy; exceptions?: OutreachException[]; userId?: string } = {},
) {
  return evaluate({
    accountId: "acc-1",
    outcomes,
    policy: extra.policy ?? DEFAULT_POLICY,
    now: NOW,
    userId: SELLER,
    ...extra,
  });
}
/** A source that answered, as a plain object other fields can be spread into. */
const okParts = (associations: PartnerAssociation[], source = "Dataverse") =>
  ({ source, sourceKind: "dataverse", ok: true, associations, notes: [] }) satisfies SourceOutcome;
const ids = (evidence: { association: PartnerAssociation }[]) => evidence.map((e) => e.association.id);
const codes = (v: ReturnType<typeof run>) => v.reasons.map((r) => r.code);

/** Approved on 20 November, 00:00 UTC. */
const decision = (over: Partial<ExceptionDecision> = {}) => approval({ createdOn: "2026-11-20T00:00:00Z", ...over });
const request = (over: Partial<OutreachException> = {}): OutreachException => ({
  id: "ex-1",
  accountId: "acc-1",
  requestedFor: "acc-1",
  createdBy: SELLER,
  createdOn: "2026-11-19T00:00:00Z",
  decisions: [decision()],
  ...over,
});

describe("the order of the evidence", () => {
  test("blocking first, then active, future and history, whatever the order of the rows", () => {
    const history = association({ id: "h", endDate: "2025-01-01" });
    const future = association({ id: "f", startDate: "2027-01-01" });
    const notBlocking = association({ id: "o", relationshipType: "other" });
    const blocking = association({ id: "b", relationshipType: "gdap" });
    for (const rows of [
      [history, future, notBlocking, blocking],
      [blocking, notBlocking, future, history],
      [future, history, blocking, notBlocking],
    ])
      expect(ids(run([ok(rows)]).evidence)).toEqual(["b", "o", "f", "h"]);
  });

  test("among blocking ones: precedence, then the most recent start, a missing start last, then the id", () => {
    const rows = [
      association({ id: "pal-none", relationshipType: "pal", startDate: undefined }),
      association({ id: "pal-2019", relationshipType: "pal", startDate: "2019-01-01" }),
      association({ id: "dpor", relationshipType: "dpor", startDate: "2010-01-01" }),
      association({ id: "pal-2023-b", relationshipType: "pal", startDate: "2023-01-01" }),
      association({ id: "pal-2023-a", relationshipType: "pal", startDate: "2023-01-01" }),
    ];
    const expected = ["dpor", "pal-2023-a", "pal-2023-b", "pal-2019", "pal-none"];
    expect(ids(run([ok(rows)]).evidence)).toEqual(expected);
    expect(ids(run([ok([...rows].reverse())]).evidence)).toEqual(expected);
  });

  test("same type and start: the account's own before an ancestor's, whatever the ids", () => {
    const rows = [
      association({ id: "a-parent", relationshipType: "pal", depth: 1, customerAccountId: "parent" }),
      association({ id: "z-own", relationshipType: "pal" }),
    ];
    expect(ids(run([ok(rows)]).evidence)).toEqual(["z-own", "a-parent"]);
    expect(ids(run([ok([...rows].reverse())]).evidence)).toEqual(["z-own", "a-parent"]);
  });

  test("history is ordered by the same rules", () => {
    const rows = [
      association({ id: "gdap", relationshipType: "gdap", endDate: "2025-01-01" }),
      association({ id: "csp", relationshipType: "csp-reseller", status: "inactive" }),
    ];
    expect(ids(run([ok(rows)]).evidence)).toEqual(["csp", "gdap"]);
    expect(ids(run([ok([...rows].reverse())]).evidence)).toEqual(["csp", "gdap"]);
  });
});

describe("reasons and the evidence they name", () => {
  test("active but not blocking, future and history: one reason each, naming all their evidence", () => {
    const rows = [
      association({ id: "o1", relationshipType: "other" }),
      association({ id: "o2", relationshipType: "other", startDate: "2021-01-01" }),
      association({ id: "f1", startDate: "2027-01-01" }),
      association({ id: "h1", status: "inactive" }),
    ];
    const v = run([ok(rows)]);
    expect(v.outreach).toBe("allowed");
    expect(v.partnerOfRecord).toBeUndefined();
    expect(v.reasons).toEqual([
      { code: "not-blocking-type", evidenceIds: ["o2", "o1"] },
      { code: "future-start", evidenceIds: ["f1"] },
      { code: "history-only", evidenceIds: ["h1"] },
    ]);
  });

  test("history is not a reason while something blocks", () => {
    const v = run([ok([association({ id: "b" }), association({ id: "h", status: "inactive" })])]);
    expect(v.reasons).toEqual([{ code: "active-partner", evidenceIds: ["b"] }]);
  });

  test("each blocking association is a reason, with its expiring-soon warning next to it", () => {
    const v = run([
      ok([
        association({ id: "a", relationshipType: "csp-reseller", endDate: "2026-12-01" }),
        association({ id: "b", relationshipType: "pal" }),
        association({ id: "c", relationshipType: "unknown", rawType: "99" }),
      ]),
    ]);
    expect(v.reasons.filter((r) => r.code !== "data-note")).toEqual([
      { code: "active-partner", evidenceIds: ["a"] },
      { code: "expiring-soon", evidenceIds: ["a"] },
      { code: "active-partner", evidenceIds: ["b"] },
      { code: "unknown-type-blocks", evidenceIds: ["c"] },
    ]);
  });

  test("an unknown type the policy ignores is active evidence that does not block", () => {
    const policy = parsePolicy({ unknownRelationshipType: "ignore" }).policy;
    const v = run([ok([association({ id: "u", relationshipType: "unknown", rawType: "7" })])], { policy });
    expect(v.evidence[0]).toMatchObject({ state: "active", blocks: false });
    expect(codes(v)).toEqual(["not-blocking-type", "data-note"]);
  });

  test("a type the policy says does not block is active and allowed", () => {
    const policy = parsePolicy({ relationshipTypes: [{ type: "pal", blocks: false }] }).policy;
    const v = run([ok([association({ id: "p", relationshipType: "pal" })])], { policy });
    expect(v.outreach).toBe("allowed");
    expect(v.reasons).toEqual([{ code: "not-blocking-type", evidenceIds: ["p"] }]);
  });

  test("ignored ancestors are counted in the reason", () => {
    const v = run([ok([association({ depth: 11 }), association({ depth: 12 }), association({ id: "own" })])]);
    expect(v.reasons).toEqual([
      { code: "active-partner", evidenceIds: ["own"] },
      { code: "hierarchy-ignored", evidenceIds: [], note: { code: "too-deep", detail: "2" } },
    ]);
    expect(ids(v.evidence)).toEqual(["own"]);
  });

  test("with the hierarchy off, ancestors are ignored and the account's own rows count", () => {
    const policy = parsePolicy({ hierarchy: { enabled: false } }).policy;
    const v = run([ok([association({ id: "parent", depth: 1 }), association({ id: "own", depth: 0 })])], { policy });
    expect(ids(v.evidence)).toEqual(["own"]);
    expect(v.reasons[1]).toEqual({
      code: "hierarchy-ignored",
      evidenceIds: [],
      note: { code: "too-deep", detail: "1" },
    });
  });

  test("an inherited association names the ancestor; the account's own does not", () => {
    const v = run([
      ok([
        association({ id: "own", relationshipType: "pal" }),
        association({ id: "up", depth: 1, customerAccountId: "parent", customerName: "Parent Co" }),
      ]),
    ]);
    expect(v.evidence.map((e) => e.inheritedFrom)).toEqual([
      { accountId: "parent", name: "Parent Co", depth: 1 },
      undefined,
    ]);
  });

  test("a source that failed and no evidence: no 'no associations' reason (nothing was read)", () => {
    const failed = {
      source: "Graph",
      sourceKind: "graph",
      ok: false,
      failure: { kind: "network", message: "x" },
    } as const;
    expect(codes(run([failed]))).toEqual(["source-failed"]);
    expect(codes(run([ok([])]))).toEqual(["no-associations"]);
  });
});

describe("data notes", () => {
  test("each problem of a row is a note naming it", () => {
    const v = run([
      ok([
        association({ id: "s", startDate: "01/02/2020" }),
        association({ id: "e", endDate: "soon" }),
        association({ id: "m", startDate: "   " }),
        association({ id: "t", relationshipType: "unknown", rawType: "42" }),
        association({ id: "st", status: "unknown", rawStatus: "9" }),
        association({ id: "p", partnerName: "  ", partnerId: "pid-1" }),
      ]),
    ]);
    const notes = v.reasons.filter((r) => r.code === "data-note");
    expect(notes.map((r) => [r.evidenceIds, r.note])).toEqual([
      [["s"], { code: "bad-date", associationId: "s", detail: "start 01/02/2020" }],
      [["e"], { code: "bad-date", associationId: "e", detail: "end soon" }],
      [["m"], { code: "missing-start", associationId: "m" }],
      [["t"], { code: "unknown-type", associationId: "t", detail: "42" }],
      [["st"], { code: "unknown-status", associationId: "st", detail: "9" }],
      [["p"], { code: "missing-partner", associationId: "p", detail: "pid-1" }],
    ]);
  });

  test("a blank end date is no end date (no note; the window applies)", () => {
    const v = run([
      ok([association({ relationshipType: "deal-registration", startDate: "2026-11-01", endDate: " " })]),
    ]);
    expect(v.reasons).toEqual([{ code: "active-partner", evidenceIds: [v.evidence[0].association.id] }]);
    expect(v.partnerOfRecord).toMatchObject({ windowed: true, effectiveEnd: "2027-01-30T00:00:00.000Z" });
  });

  test("a source's own notes are shown, with or without an association", () => {
    const outcome: SourceOutcome = {
      ...okParts([association({ id: "a" })]),
      notes: [
        { code: "too-many-rows", detail: "5000" },
        { code: "parent-loop", associationId: "a" },
      ],
    };
    const v = run([outcome]);
    expect(v.reasons.slice(1)).toEqual([
      { code: "data-note", evidenceIds: [], note: { code: "too-many-rows", detail: "5000" } },
      { code: "data-note", evidenceIds: ["a"], note: { code: "parent-loop", associationId: "a" } },
    ]);
  });
});

describe("the same evidence twice", () => {
  const base = {
    customerAccountId: "acc-1",
    partnerId: "p-1",
    partnerName: "Partner",
    relationshipType: "pal",
    startDate: "2020-01-01",
    endDate: "2030-01-01",
    sourceKind: "dataverse",
    externalReference: "R-1",
  } as const;

  test("the same content under another id (in any case) is a duplicate", () => {
    const v = run([
      ok([
        association({ ...base, id: "one" }),
        association({ ...base, id: "two", partnerId: "P-1", externalReference: "r-1" }),
      ]),
    ]);
    expect(ids(v.evidence)).toEqual(["one"]);
    expect(v.reasons[1]).toEqual({
      code: "data-note",
      evidenceIds: ["two"],
      note: { code: "duplicate", associationId: "two" },
    });
  });

  test.each([
    ["customer", { customerAccountId: "acc-2" }],
    ["partner", { partnerId: "p-2" }],
    ["type", { relationshipType: "dpor" }],
    ["start", { startDate: "2020-01-02" }],
    ["end", { endDate: "2030-01-02" }],
    ["source", { sourceKind: "feed" }],
    ["reference", { externalReference: "R-2" }],
  ] as const)("another %s is other evidence", (_name, change) => {
    const v = run([ok([association({ ...base, id: "one" }), association({ ...base, id: "two", ...change })])]);
    expect(v.evidence).toHaveLength(2);
    expect(v.reasons.some((r) => r.note?.code === "duplicate")).toBe(false);
  });

  test("fields are kept apart: moving text from one field to the next is other evidence", () => {
    const v = run([
      ok([
        association({ ...base, id: "one", customerAccountId: "acc-1", partnerId: "x" }),
        association({ ...base, id: "two", customerAccountId: "acc-1x", partnerId: "" }),
      ]),
    ]);
    expect(v.evidence).toHaveLength(2);
  });

  test("without a partner id the partner's name tells them apart", () => {
    const v = run([
      ok([
        association({ ...base, id: "one", partnerId: undefined, partnerName: "A" }),
        association({ ...base, id: "two", partnerId: undefined, partnerName: "B" }),
      ]),
    ]);
    expect(v.evidence).toHaveLength(2);
  });

  test("the same row from two sources counts once, without a note", () => {
    const a = association({ id: "same" });
    const v = run([ok([a]), ok([a], "Feed")]);
    expect(ids(v.evidence)).toEqual(["same"]);
    expect(codes(v)).toEqual(["active-partner"]);
  });
});

describe("requests on the verdict", () => {
  const blocking = () => [ok([association({ id: "b1" }), association({ id: "b2", relationshipType: "pal" })])];

  test("an approval that counts: the first reason names every blocking association", () => {
    const v = run(blocking(), { exceptions: [request()] });
    expect(v.reasons[0]).toEqual({ code: "allowed-by-exception", evidenceIds: ["b1", "b2"] });
    expect(v.exception).toMatchObject({ status: "approved", approvedBy: "Jordan Approver" });
  });

  test("requests of another account, in any case, are the account's own when the id matches", () => {
    expect(run(blocking(), { exceptions: [request({ accountId: "ACC-1" })] }).outreach).toBe("allowed");
    expect(run(blocking(), { exceptions: [request({ accountId: "acc-10" })] }).outreach).toBe("blocked");
  });

  test("requests read by a source count like the ones passed in", () => {
    const outcome: SourceOutcome = { ...okParts([association({})]), exceptions: [request()] };
    expect(run([outcome]).outreach).toBe("allowed");
  });

  test("a request read twice is judged once (one note, not two)", () => {
    const own = request({ decisions: [decision({ createdBy: SELLER, createdByName: "Avery Seller" })] });
    const outcome: SourceOutcome = { ...okParts([association({})]), exceptions: [own] };
    const v = run([outcome], { exceptions: [own] });
    expect(v.reasons.filter((r) => r.code === "exception-not-counted")).toEqual([
      {
        code: "exception-not-counted",
        evidenceIds: [],
        ignoredDecision: { decisionId: "dc-1", exceptionId: "ex-1", code: "own-request", by: "Avery Seller" },
      },
    ]);
  });

  test("a rejection that does not count is not announced (only approvals are waited on)", () => {
    const own = request({ decisions: [decision({ decision: "rejected", createdBy: SELLER })] });
    const v = run(blocking(), { exceptions: [own] });
    expect(codes(v)).toEqual(["active-partner", "active-partner"]);
  });

  test("a request whose creation time cannot be read still exists; its approval does not count", () => {
    const v = run(blocking(), { exceptions: [request({ createdOn: undefined })] });
    expect(v.outreach).toBe("blocked");
    expect(v.reasons.find((r) => r.code === "exception-not-counted")?.ignoredDecision?.code).toBe("unknown-requester");
    expect(v.pendingException).toBeUndefined();
  });

  test("the pending request shown is the latest one", () => {
    const older = request({ id: "old", createdOn: "2026-11-10T00:00:00Z", decisions: [] });
    const newer = request({ id: "new", createdOn: "2026-11-20T00:00:00Z", decisions: [] });
    expect(run(blocking(), { exceptions: [older, newer] }).pendingException?.request.id).toBe("new");
    expect(run(blocking(), { exceptions: [newer, older] }).pendingException?.request.id).toBe("new");
  });

  test("a pending request is shown on an allowed verdict too", () => {
    const v = run([ok([])], { exceptions: [request({ decisions: [] })] });
    expect(v.outreach).toBe("allowed");
    expect(v.pendingException?.status).toBe("pending");
    expect(v.exception).toBeUndefined();
  });
});

describe("the rest of the verdict", () => {
  test("the latest engagement of all sources is shown", () => {
    const a: SourceOutcome = { ...okParts([]), engagements: [{ on: "2026-11-01T00:00:00Z", by: "A" }] };
    const b: SourceOutcome = {
      ...okParts([], "Feed"),
      engagements: [
        { on: "2026-11-20T00:00:00Z", by: "B" },
        { on: "2026-10-01T00:00:00Z", by: "C" },
      ],
    };
    expect(run([a, b]).engagement).toEqual({ on: "2026-11-20T00:00:00Z", by: "B" });
    expect(run([b, a]).engagement).toEqual({ on: "2026-11-20T00:00:00Z", by: "B" });
    expect(run([ok([])]).engagement).toBeUndefined();
  });

  test("every source is listed with whether it answered; the time evaluated is now", () => {
    const failed = {
      source: "Graph",
      sourceKind: "graph",
      ok: false,
      failure: { kind: "timeout", message: "" },
    } as const;
    const v = run([ok([]), failed]);
    expect(v.sources).toEqual([
      { source: "Dataverse", ok: true },
      { source: "Graph", ok: false },
    ]);
    expect(v.evaluatedAt).toBe("2026-11-24T12:00:00.000Z");
    expect(v.accountId).toBe("acc-1");
    expect(evaluate({ accountId: "x", outcomes: [], policy: DEFAULT_POLICY, now: Date.parse(NOW) }).evaluatedAt).toBe(
      "2026-11-24T12:00:00.000Z",
    );
  });

  test("evaluatedAt follows each verdict's own moment, one after the other; a moment that is no date throws as before", () => {
    const at = (now: string | number) =>
      evaluate({ accountId: "x", outcomes: [], policy: DEFAULT_POLICY, now }).evaluatedAt;
    expect(at("2026-11-24T12:00:00Z")).toBe("2026-11-24T12:00:00.000Z");
    expect(at("2026-11-24T12:00:00Z")).toBe("2026-11-24T12:00:00.000Z");
    expect(at(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(() => at("not a date")).toThrow(RangeError);
    expect(at("2026-11-25T00:00:00Z")).toBe("2026-11-25T00:00:00.000Z");
  });

  test("fail open: allowed, and the reason says so", () => {
    const policy = parsePolicy({ onSourceFailure: "fail-open" }).policy;
    const failure = { kind: "timeout", message: "" } as const;
    const v = run([{ source: "Graph", sourceKind: "graph", ok: false, failure }], { policy });
    expect(v.reasons).toEqual([
      { code: "source-failed", evidenceIds: [], source: "Graph", failure },
      { code: "fail-open", evidenceIds: [] },
    ]);
  });

  test("history and future evidence never block", () => {
    const v = run([ok([association({ endDate: "2025-01-01" }), association({ startDate: "2027-01-01" })])]);
    expect(v.evidence.map((e) => [e.state, e.blocks, e.expiringSoon])).toEqual([
      ["future", false, false],
      ["history", false, false],
    ]);
  });

  test("blocking evidence comes before active evidence of a type listed earlier that does not block", () => {
    const policy = parsePolicy({ relationshipTypes: [{ type: "pal", blocks: false }] }).policy;
    const rows = [
      association({ id: "pal", relationshipType: "pal" }),
      association({ id: "gdap", relationshipType: "gdap" }),
    ];
    expect(ids(run([ok(rows)], { policy }).evidence)).toEqual(["gdap", "pal"]);
    expect(ids(run([ok([...rows].reverse())], { policy }).evidence)).toEqual(["gdap", "pal"]);
  });

  test("fail open applies only when nothing blocks", () => {
    const policy = parsePolicy({ onSourceFailure: "fail-open" }).policy;
    const failed = {
      source: "Graph",
      sourceKind: "graph",
      ok: false,
      failure: { kind: "timeout", message: "" },
    } as const;
    const v = run([failed, ok([association({ id: "b" })])], { policy });
    expect(v.outreach).toBe("blocked");
    expect(codes(v)).toEqual(["source-failed", "active-partner"]);
  });
});

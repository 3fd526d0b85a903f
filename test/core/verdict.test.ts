import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY, parsePolicy } from "../../src/core/policy";
import { RELATIONSHIP_TYPES } from "../../src/core/types";
import { association, ok } from "../helpers/associations";
import { SELLER, decision, request } from "../helpers/exceptions";

const NOW = "2026-11-24T12:00:00Z";
/** The user the verdicts are for: a seller who approved nothing. */
const USER = "33333333-3333-4333-8333-333333333333";
const run = (
  outcomes: Parameters<typeof evaluate>[0]["outcomes"],
  extra: Partial<Parameters<typeof evaluate>[0]> = {},
) => evaluate({ accountId: "acc-1", outcomes, policy: DEFAULT_POLICY, now: NOW, userId: USER, ...extra });

describe("relationship types", () => {
  test.each(RELATIONSHIP_TYPES.map((t) => [t, t !== "other"]))("an active %s blocks: %s", (type, blocks) => {
    const v = run([ok([association({ relationshipType: type, startDate: "2026-11-01" })])]);
    expect(v.outreach).toBe(blocks ? "blocked" : "allowed");
    expect(v.partnerOfRecord?.association.relationshipType).toBe(blocks ? type : undefined);
  });
});

describe("what counts as active", () => {
  test.each([
    ["active, open-ended", { status: "active", startDate: "2020-01-01" }, "blocked"],
    ["active, ends tomorrow", { status: "active", endDate: "2026-11-25" }, "blocked"],
    ["active, ended yesterday", { status: "active", endDate: "2026-11-23" }, "allowed"],
    ["active, ends now", { status: "active", endDate: NOW }, "allowed"],
    ["inactive, open-ended", { status: "inactive" }, "allowed"],
    ["starts in the future", { status: "active", startDate: "2027-01-01" }, "allowed"],
    ["started today", { status: "active", startDate: "2026-11-24" }, "blocked"],
    ["unknown status counts as active", { status: "unknown", rawStatus: "7" }, "blocked"],
  ] as const)("%s -> %s", (_name, overrides, outreach) => {
    expect(run([ok([association(overrides)])]).outreach).toBe(outreach);
  });

  test("expired and inactive associations are history and never block", () => {
    const v = run([ok([association({ endDate: "2025-01-01" }), association({ status: "inactive" })])]);
    expect(v.outreach).toBe("allowed");
    expect(v.evidence.map((e) => e.state)).toEqual(["history", "history"]);
    expect(v.reasons.map((r) => r.code)).toEqual(["history-only"]);
    expect(v.reasons[0].evidenceIds).toHaveLength(2);
  });

  test("a future association is shown but does not block", () => {
    const v = run([ok([association({ startDate: "2027-02-01" })])]);
    expect(v.evidence[0].state).toBe("future");
    expect(v.reasons.map((r) => r.code)).toContain("future-start");
  });
});

describe("deal registration protection window", () => {
  test("without an end date it protects for 90 days from its start", () => {
    const inside = run([ok([association({ relationshipType: "deal-registration", startDate: "2026-09-01" })])]);
    expect(inside.outreach).toBe("blocked");
    expect(inside.partnerOfRecord?.effectiveEnd).toBe("2026-11-30T00:00:00.000Z");
    expect(inside.partnerOfRecord?.windowed).toBe(true);
    const outside = run([ok([association({ relationshipType: "deal-registration", startDate: "2026-08-01" })])]);
    expect(outside.outreach).toBe("allowed");
    expect(outside.evidence[0].state).toBe("history");
  });

  test("an explicit end date wins over the window", () => {
    const v = run([
      ok([association({ relationshipType: "deal-registration", startDate: "2026-01-01", endDate: "2027-01-01" })]),
    ]);
    expect(v.outreach).toBe("blocked");
    expect(v.partnerOfRecord?.windowed).toBe(false);
  });

  test("the window comes from the policy", () => {
    const { policy } = parsePolicy({ relationshipTypes: [{ type: "deal-registration", protectionDays: 30 }] });
    const v = evaluate({
      accountId: "acc-1",
      outcomes: [ok([association({ relationshipType: "deal-registration", startDate: "2026-10-01" })])],
      policy,
      now: NOW,
    });
    expect(v.outreach).toBe("allowed");
  });
});

describe("partner of record precedence", () => {
  test("the type listed first wins, whatever the order of the rows", () => {
    const gdap = association({ relationshipType: "gdap", partnerName: "G" });
    const pal = association({ relationshipType: "pal", partnerName: "P" });
    const csp = association({ relationshipType: "csp-indirect-reseller", partnerName: "C" });
    expect(run([ok([gdap, pal, csp])]).partnerOfRecord?.association.partnerName).toBe("C");
    expect(run([ok([csp, gdap, pal])]).partnerOfRecord?.association.partnerName).toBe("C");
  });

  test("ties go to the most recent start", () => {
    const older = association({ relationshipType: "pal", startDate: "2019-01-01", partnerName: "Old" });
    const newer = association({ relationshipType: "pal", startDate: "2023-01-01", partnerName: "New" });
    expect(run([ok([older, newer])]).partnerOfRecord?.association.partnerName).toBe("New");
  });

  test("the policy's order replaces the default order", () => {
    const { policy } = parsePolicy({ relationshipTypes: [{ type: "gdap" }, { type: "csp-reseller" }] });
    const v = evaluate({
      accountId: "acc-1",
      outcomes: [
        ok([
          association({ relationshipType: "csp-reseller" }),
          association({ relationshipType: "gdap", partnerName: "G" }),
        ]),
      ],
      policy,
      now: NOW,
    });
    expect(v.partnerOfRecord?.association.partnerName).toBe("G");
  });

  test("every active blocking association is a reason pointing at its evidence", () => {
    const a = association({ relationshipType: "pal" });
    const b = association({ relationshipType: "dpor" });
    const v = run([ok([a, b])]);
    const active = v.reasons.filter((r) => r.code === "active-partner");
    expect(active.map((r) => r.evidenceIds[0]).sort()).toEqual([a.id, b.id].sort());
    for (const reason of v.reasons)
      for (const id of reason.evidenceIds) expect(v.evidence.some((e) => e.association.id === id)).toBe(true);
  });
});

describe("hierarchy", () => {
  test("associations of an ancestor apply and are marked inherited", () => {
    const v = run([
      ok([association({ depth: 2, customerAccountId: "grandparent", customerName: "Fabrikam Holdings" })]),
    ]);
    expect(v.outreach).toBe("blocked");
    expect(v.partnerOfRecord?.inheritedFrom).toEqual({ accountId: "grandparent", name: "Fabrikam Holdings", depth: 2 });
  });

  test("ancestors beyond 10 levels do not count, and the verdict says so", () => {
    const v = run([ok([association({ depth: 11 })])]);
    expect(v.outreach).toBe("allowed");
    expect(v.reasons.map((r) => r.code)).toContain("hierarchy-ignored");
    expect(run([ok([association({ depth: 10 })])]).outreach).toBe("blocked");
  });

  test("the policy can switch the hierarchy off", () => {
    const { policy } = parsePolicy({ hierarchy: { enabled: false } });
    const v = evaluate({ accountId: "acc-1", outcomes: [ok([association({ depth: 1 })])], policy, now: NOW });
    expect(v.outreach).toBe("allowed");
  });
});

describe("expiring soon", () => {
  test("an active association ending within 30 days warns and still blocks", () => {
    const v = run([ok([association({ endDate: "2026-12-20" })])]);
    expect(v.outreach).toBe("blocked");
    expect(v.partnerOfRecord?.expiringSoon).toBe(true);
    expect(v.reasons.map((r) => r.code)).toEqual(["active-partner", "expiring-soon"]);
    // 20 Dec is the last protected day: protection ends as 21 Dec begins (here in UTC).
    expect(v.expiresAt).toBe("2026-12-21T00:00:00.000Z");
  });

  test("31 days away is not expiring soon", () => {
    expect(run([ok([association({ endDate: "2026-12-26" })])]).partnerOfRecord?.expiringSoon).toBe(false);
  });

  test("expiresAt is absent while any blocking association is open-ended", () => {
    expect(run([ok([association({ endDate: "2026-12-20" }), association({})])]).expiresAt).toBeUndefined();
  });
});

describe("sources that fail", () => {
  const failed = {
    source: "Dataverse",
    sourceKind: "dataverse",
    ok: false,
    failure: { kind: "timeout", message: "late" },
  } as const;

  test("a failed source makes the verdict unverified (fail closed)", () => {
    const v = run([failed]);
    expect(v.outreach).toBe("unverified");
    expect(v.reasons).toEqual([
      { code: "source-failed", evidenceIds: [], source: "Dataverse", failure: failed.failure },
    ]);
  });

  test("fail open is the admin's explicit choice", () => {
    const { policy } = parsePolicy({ onSourceFailure: "fail-open" });
    const v = evaluate({ accountId: "acc-1", outcomes: [failed], policy, now: NOW });
    expect(v.outreach).toBe("allowed");
    expect(v.reasons.map((r) => r.code)).toEqual(["source-failed", "fail-open"]);
  });

  test("evidence from another source still blocks when one source fails", () => {
    const v = run([failed, ok([association({})], "Microsoft Graph")]);
    expect(v.outreach).toBe("blocked");
  });
});

describe("exceptions", () => {
  const approval = decision({ createdOn: "2026-11-20T00:00:00Z" });
  const approved = request([approval], { createdOn: "2026-11-19T00:00:00Z" });

  test("an approval that counts allows outreach and says until when (createdon + days)", () => {
    const v = run([ok([association({})])], { exceptions: [approved] });
    expect(v.outreach).toBe("allowed");
    expect(v.exception?.request.id).toBe("ex-1");
    expect(v.expiresAt).toBe("2026-12-04T00:00:00.000Z");
    expect(v.reasons[0].code).toBe("allowed-by-exception");
  });

  test.each([
    ["expired", { ...approved, decisions: [{ ...approval, days: 3 }] }],
    ["pending", { ...approved, decisions: [] }],
    ["rejected", { ...approved, decisions: [{ ...approval, decision: "rejected" as const }] }],
    ["for another account", { ...approved, accountId: "acc-2" }],
    [
      "made after now",
      {
        ...approved,
        createdOn: "2026-11-25T00:00:00Z",
        decisions: [{ ...approval, createdOn: "2026-11-25T01:00:00Z" }],
      },
    ],
  ])("a %s exception does not", (_name, exception) => {
    expect(run([ok([association({})])], { exceptions: [exception] }).outreach).toBe("blocked");
  });

  test("an approval by the requester does not count, and the reason says so", () => {
    const own = { ...approved, decisions: [{ ...approval, createdBy: SELLER, createdByName: "Avery Seller" }] };
    const v = run([ok([association({})])], { exceptions: [own] });
    expect(v.outreach).toBe("blocked");
    expect(v.exception).toBeUndefined();
    expect(v.pendingException?.request.id).toBe("ex-1");
    expect(v.reasons.find((r) => r.code === "exception-not-counted")?.ignoredDecision).toEqual({
      decisionId: "dc-1",
      exceptionId: "ex-1",
      code: "own-request",
      by: "Avery Seller",
    });
  });

  test("an exception does not turn an unverified verdict into allowed", () => {
    const failed = {
      source: "Dataverse",
      sourceKind: "dataverse",
      ok: false,
      failure: { kind: "server", message: "503" },
    } as const;
    expect(run([failed], { exceptions: [approved] }).outreach).toBe("unverified");
  });
});

describe("bad data", () => {
  test("an unknown type blocks by default, with a note", () => {
    const v = run([ok([association({ relationshipType: "unknown", rawType: "123" })])]);
    expect(v.outreach).toBe("blocked");
    expect(v.reasons.map((r) => r.code)).toEqual(["unknown-type-blocks", "data-note"]);
    expect(v.reasons[1].note).toEqual({
      code: "unknown-type",
      associationId: v.evidence[0].association.id,
      detail: "123",
    });
  });

  test("an unknown type can be ignored by policy", () => {
    const { policy } = parsePolicy({ unknownRelationshipType: "ignore" });
    const v = evaluate({
      accountId: "acc-1",
      outcomes: [ok([association({ relationshipType: "unknown" })])],
      policy,
      now: NOW,
    });
    expect(v.outreach).toBe("allowed");
  });

  test("a malformed end date cannot end an association", () => {
    const v = run([ok([association({ endDate: "31/12/2020" })])]);
    expect(v.outreach).toBe("blocked");
    expect(v.reasons.find((r) => r.code === "data-note")?.note?.code).toBe("bad-date");
  });

  test("a missing start date is noted and still blocks", () => {
    const v = run([ok([association({ startDate: undefined })])]);
    expect(v.outreach).toBe("blocked");
    expect(v.reasons.some((r) => r.note?.code === "missing-start")).toBe(true);
  });

  test("evidence its source never dates (Graph contracts) is not noted as missing a start", () => {
    const v = run([ok([association({ startDate: undefined, undated: true })])]);
    expect(v.outreach).toBe("blocked");
    expect(v.reasons.some((r) => r.note?.code === "missing-start")).toBe(false);
  });

  test("a deleted partner account still blocks and is noted", () => {
    const v = run([ok([association({ partnerName: undefined })])]);
    expect(v.outreach).toBe("blocked");
    expect(v.reasons.some((r) => r.note?.code === "missing-partner")).toBe(true);
  });

  test("the same row twice counts once; identical rows with other ids are noted duplicates", () => {
    const a = association({});
    const twin = { ...a, id: "other-id" };
    const v = run([ok([a, a, twin])]);
    expect(v.evidence).toHaveLength(1);
    expect(v.reasons.filter((r) => r.note?.code === "duplicate")).toHaveLength(1);
  });

  test("thousands of associations evaluate and pick one partner of record", () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      association({
        relationshipType: i === 4321 ? "csp-reseller" : "co-sell-referral",
        startDate: "2020-01-01",
        partnerName: `P${i}`,
      }),
    );
    const v = run([ok(many)]);
    expect(v.evidence).toHaveLength(5000);
    expect(v.partnerOfRecord?.association.partnerName).toBe("P4321");
  });

  test("no associations at all: allowed, and the reason says so", () => {
    const v = run([ok([])]);
    expect(v.outreach).toBe("allowed");
    expect(v.reasons).toEqual([{ code: "no-associations", evidenceIds: [] }]);
  });
});

describe("dates", () => {
  test.each(["2026-02-30", "2025-02-29", "2026-04-31", "2026-13-01"])(
    "%s is not a day: a bad date, never another day",
    (end) => {
      const v = evaluate({
        accountId: "acc-1",
        outcomes: [ok([association({ endDate: end })])],
        policy: DEFAULT_POLICY,
        now: NOW,
      });
      expect(v.outreach).toBe("blocked"); // an unreadable end cannot end an association
      expect(v.reasons.some((r) => r.note?.code === "bad-date")).toBe(true);
    },
  );
  test("29 February of a leap year is a day", () => {
    const v = evaluate({
      accountId: "acc-1",
      outcomes: [ok([association({ endDate: "2024-02-29" })])],
      policy: DEFAULT_POLICY,
      now: NOW,
    });
    expect(v.outreach).toBe("allowed");
  });
});

/**
 * What cannot be read is not absent, and no data a seller can create breaks the verdict (issue
 * 23): a parent the source names but could not read makes the verdict "could not be verified"
 * unless what was read blocks; exception requests that could not be read mean that no exception
 * counts, never that the associations are lost.
 */
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY, parsePolicy } from "../../src/core/policy";
import { DataNote, OutreachException, SourceOutcome } from "../../src/core/types";
import { reasonText } from "../../src/text/verdictText";
import { association } from "../helpers/associations";
import { strictTranslate } from "../helpers/strings";

const NOW = "2026-11-24T12:00:00Z";
const PARENT = "c0000000-0000-4000-8000-0000000000aa";
const USER = "33333333-3333-4333-8333-333333333333";
const unreadableParent = (depth = 1): DataNote => ({ code: "unreadable-parent", detail: PARENT, depth });

function outcome(extra: Partial<Extract<SourceOutcome, { ok: true }>> = {}): SourceOutcome {
  return { source: "Dataverse", sourceKind: "dataverse", ok: true, associations: [], notes: [], ...extra };
}
const run = (outcomes: SourceOutcome[], policy = DEFAULT_POLICY, exceptions?: OutreachException[]) =>
  evaluate({ accountId: "acc-1", outcomes, policy, now: NOW, userId: USER, exceptions });
const words = (v: ReturnType<typeof run>) =>
  v.reasons.map((r) => reasonText(strictTranslate(1033), v, r, Date.parse(NOW))).filter(Boolean);

describe("a parent the answer left out", () => {
  test("is not 'no parent': the verdict could not be verified, and the reason names the parent", () => {
    const v = run([outcome({ notes: [unreadableParent()] })]);
    expect(v.outreach).toBe("unverified");
    expect(v.reasons.map((r) => r.code)).toEqual(["unreadable"]);
    expect(words(v)).toEqual([
      `The parent account ${PARENT} could not be read (it may be outside what you can see): a partner of record there cannot be ruled out.`,
    ]);
  });

  test("what was read still blocks: blocked stays blocked", () => {
    const v = run([outcome({ associations: [association({})], notes: [unreadableParent()] })]);
    expect(v.outreach).toBe("blocked");
    expect(v.reasons.map((r) => r.code)).toContain("unreadable");
  });

  test("a fail-open policy treats it like any failed read: allowed, said so", () => {
    const open = parsePolicy({ onSourceFailure: "fail-open" }).policy;
    const v = run([outcome({ notes: [unreadableParent()] })], open);
    expect(v.outreach).toBe("allowed");
    expect(v.reasons.map((r) => r.code)).toEqual(["unreadable", "fail-open"]);
  });

  test("a parent the policy would not count anyway (hierarchy off, or beyond its depth) changes nothing", () => {
    const off = parsePolicy({ hierarchy: { enabled: false } }).policy;
    expect(run([outcome({ notes: [unreadableParent()] })], off).outreach).toBe("allowed");
    const shallow = parsePolicy({ hierarchy: { enabled: true, maxDepth: 2 } }).policy;
    expect(run([outcome({ notes: [unreadableParent(3)] })], shallow).outreach).toBe("allowed");
    expect(run([outcome({ notes: [unreadableParent(2)] })], shallow).outreach).toBe("unverified");
  });

  test("it is a reason, not a data note to review", () => {
    const v = run([outcome({ notes: [unreadableParent()] })]);
    expect(v.reasons.some((r) => r.code === "data-note")).toBe(false);
  });
});

describe("exception requests that could not be read", () => {
  const failure = { kind: "too-many-rows" as const, message: "more than 50 requests" };
  const approved: OutreachException = {
    id: "ex-1",
    accountId: "acc-1",
    requestedFor: "acc-1",
    createdBy: "11111111-1111-4111-8111-111111111111",
    createdOn: "2026-11-20T00:00:00Z",
    decisions: [
      {
        id: "dc-1",
        exceptionId: "ex-1",
        decision: "approved",
        days: 14,
        createdBy: "22222222-2222-4222-8222-222222222222",
        createdOn: "2026-11-21T00:00:00Z",
      },
    ],
  };

  test("a blocked account stays blocked, the associations kept, and the reason says none counts", () => {
    const v = run([outcome({ associations: [association({ partnerName: "Harbor" })], exceptionsFailure: failure })]);
    expect(v.outreach).toBe("blocked");
    expect(v.partnerOfRecord?.association.partnerName).toBe("Harbor");
    expect(v.reasons.map((r) => r.code)).toEqual(["active-partner", "exceptions-unread"]);
    expect(words(v)).toContain(
      "Dataverse: the outreach exceptions could not be read (more rows than one query can read), so none of them counts.",
    );
  });

  test("an account nothing blocks stays allowed (exceptions only ever open outreach), also under fail-closed", () => {
    const v = run([outcome({ exceptionsFailure: failure })]);
    expect(v.outreach).toBe("allowed");
    expect(v.reasons.map((r) => r.code)).toEqual(["no-associations"]);
  });

  test("never 'could not be verified', never allowed by fail-open: the read of the associations answered", () => {
    const open = parsePolicy({ onSourceFailure: "fail-open" }).policy;
    const v = run([outcome({ associations: [association({})], exceptionsFailure: failure })], open);
    expect(v.outreach).toBe("blocked");
    expect(v.reasons.some((r) => r.code === "fail-open" || r.code === "source-failed")).toBe(false);
  });

  test("an approval passed in from elsewhere still counts; the failed read only adds none", () => {
    const v = run([outcome({ associations: [association({})], exceptionsFailure: failure })], DEFAULT_POLICY, [
      approved,
    ]);
    expect(v.outreach).toBe("allowed");
  });
});

import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY, Policy } from "../../src/core/policy";
import { sameStoredVerdict, storedVerdict } from "../../src/core/storedVerdict";
import { OutreachException, PartnerAssociation, SourceOutcome } from "../../src/core/types";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const DAY = 86_400_000;
const SELLER = "11111111-1111-4111-8111-111111111111";
const APPROVER = "22222222-2222-4222-8222-222222222222";

const association = (over: Partial<PartnerAssociation> = {}): PartnerAssociation => ({
  id: "as-1",
  customerAccountId: "acc-1",
  partnerId: "p-1",
  partnerName: "Harbor Computer Services",
  relationshipType: "csp-reseller",
  status: "active",
  startDate: "2024-01-01",
  source: "Dataverse",
  sourceKind: "dataverse",
  depth: 0,
  ...over,
});
const outcome = (associations: PartnerAssociation[], exceptions: OutreachException[] = []): SourceOutcome => ({
  source: "Dataverse",
  sourceKind: "dataverse",
  ok: true,
  associations,
  notes: [],
  exceptions,
});
const judge = (outcomes: SourceOutcome[], policy: Policy = DEFAULT_POLICY, offset = 0) =>
  storedVerdict(evaluate({ accountId: "acc-1", outcomes, policy, now: NOW, utcOffsetMinutes: offset }), offset);

test("blocked: the partner of record, its type and the last protected day", () => {
  expect(judge([outcome([association({ endDate: "2027-06-30" })])])).toEqual({
    outreach: "blocked",
    partnerId: "p-1",
    partnerName: "Harbor Computer Services",
    relationshipType: "csp-reseller",
    protectedUntil: "2027-06-30",
  });
  // Open-ended: no last day. Two blocking associations: the later end counts; one without end, none.
  expect(judge([outcome([association()])]).protectedUntil).toBeUndefined();
  expect(
    judge([outcome([association({ endDate: "2027-01-31" }), association({ id: "as-2", endDate: "2027-06-30" })])])
      .protectedUntil,
  ).toBe("2027-06-30");
  expect(
    judge([outcome([association({ endDate: "2027-01-31" }), association({ id: "as-2", relationshipType: "dpor" })])])
      .protectedUntil,
  ).toBeUndefined();
});

test("the last protected day is the same calendar day east and west of UTC", () => {
  for (const offset of [-420, 0, 60, 600])
    expect(judge([outcome([association({ endDate: "2027-06-30" })])], DEFAULT_POLICY, offset).protectedUntil).toBe(
      "2027-06-30",
    );
});

test("allowed: nothing of a partner is stored", () => {
  expect(judge([outcome([association({ status: "inactive" })])])).toEqual({ outreach: "allowed" });
  expect(judge([outcome([])])).toEqual({ outreach: "allowed" });
});

test("a failed source is 'could not be verified', also where a fail-open policy allows outreach", () => {
  const failed: SourceOutcome = {
    source: "Dataverse",
    sourceKind: "dataverse",
    ok: false,
    failure: { kind: "server", message: "503" },
  };
  expect(judge([failed])).toEqual({ outreach: "unverified" });
  const failOpen: Policy = { ...DEFAULT_POLICY, onSourceFailure: "fail-open" };
  expect(evaluate({ accountId: "acc-1", outcomes: [failed], policy: failOpen, now: NOW }).outreach).toBe("allowed");
  expect(judge([failed], failOpen)).toEqual({ outreach: "unverified" });
});

test("an approval that counts for everyone but its authors is stored as allowed by exception; one that does not, as blocked", () => {
  const asked = NOW - 2 * DAY;
  const request = (decidedBy: string): OutreachException => ({
    id: "ex-1",
    accountId: "acc-1",
    requestedFor: "acc-1",
    createdBy: SELLER,
    createdOn: new Date(asked).toISOString(),
    requestedDays: 14,
    decisions: [
      {
        id: "dc-1",
        exceptionId: "ex-1",
        decision: "approved",
        days: 14,
        createdBy: decidedBy,
        createdOn: new Date(asked + DAY).toISOString(),
      },
    ],
  });
  expect(judge([outcome([association()], [request(APPROVER)])])).toMatchObject({
    outreach: "allowed-by-exception",
    partnerName: "Harbor Computer Services",
  });
  // Approved by the requester: counts for nobody.
  expect(judge([outcome([association()], [request(SELLER)])]).outreach).toBe("blocked");
});

test("two stored verdicts are the same when they say the same", () => {
  const a = { outreach: "blocked" as const, partnerId: "P-1", partnerName: "Harbor", protectedUntil: "2027-06-30" };
  expect(sameStoredVerdict(a, { ...a, partnerId: "p-1" })).toBe(true);
  expect(sameStoredVerdict(a, { ...a, protectedUntil: undefined })).toBe(false);
  expect(sameStoredVerdict({ outreach: "allowed" }, { outreach: "allowed", partnerName: "" })).toBe(true);
  expect(sameStoredVerdict(a, { ...a, outreach: "allowed-by-exception" })).toBe(false);
});

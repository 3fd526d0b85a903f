/**
 * @jest-environment ./test/core/timeZoneEnvironment.js
 *
 * Both sides of every comparison in the rules of engagement, at the exact instant the verdict
 * changes. The date rules run for two sellers far apart (Los Angeles, UTC-8, and Auckland, UTC+13,
 * in November), each on a machine set to their zone: a date-only value is a day of the seller's
 * calendar (an end date is the last protected day); a value with a time is a moment, the same
 * everywhere.
 */
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY, Policy, parsePolicy } from "../../src/core/policy";
import { checkRequest, judgeException } from "../../src/core/exceptions";
import { ExceptionDecision, OutreachException, PartnerAssociation } from "../../src/core/types";
import { association, ok } from "../helpers/associations";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-24T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const SELLER = "11111111-1111-4111-8111-111111111111";
const APPROVER = "22222222-2222-4222-8222-222222222222";

function verdictInUtc(
  now: number,
  associations: PartnerAssociation[],
  options: { policy?: Policy; exceptions?: OutreachException[]; utcOffsetMinutes?: number } = {},
) {
  return evaluate({
    accountId: "acc-1",
    outcomes: [ok(associations)],
    policy: options.policy ?? DEFAULT_POLICY,
    now,
    exceptions: options.exceptions,
    utcOffsetMinutes: options.utcOffsetMinutes,
    userId: SELLER,
  });
}

const verdictAt = verdictInUtc;

/** An approval of `days` days made at `decidedOn` on a request made one hour before. */
function approvedRequest(decidedOn: number, days = 14, id = "ex-1"): OutreachException {
  const decision: ExceptionDecision = {
    id: `dc-${id}`,
    exceptionId: id,
    decision: "approved",
    days,
    createdBy: APPROVER,
    createdByName: "Jordan Approver",
    createdOn: iso(decidedOn),
  };
  return {
    id,
    accountId: "acc-1",
    requestedFor: "acc-1",
    createdBy: SELLER,
    createdOn: iso(decidedOn - 3_600_000),
    decisions: [decision],
  };
}

/** Set by ./timeZoneEnvironment.js: changes the zone of the whole worker, not a copy of process.env. */
declare const setProcessTimeZone: (zone: string | undefined) => void;

/** The seller's zone and their clock's offset from UTC in November (minutes ahead of UTC). */
const ZONES = [
  ["America/Los_Angeles", -480],
  ["Pacific/Auckland", 780],
] as const;

describe.each(ZONES)("date rules for a seller in %s (UTC%i min)", (zone, utcOffsetMinutes) => {
  beforeAll(() => setProcessTimeZone(zone));
  afterAll(() => setProcessTimeZone(undefined));
  /** The first moment of a day of the seller's calendar. */
  const sellersDay = (day: string) => Date.parse(`${day}T00:00:00Z`) - utcOffsetMinutes * 60_000;
  const verdictAt = (now: number, rows: PartnerAssociation[], options: Parameters<typeof verdictInUtc>[2] = {}) =>
    verdictInUtc(now, rows, { utcOffsetMinutes, ...options });

  test("the machine runs in the seller's zone", () => {
    expect(new Date(NOW).getTimezoneOffset()).toBe(-utcOffsetMinutes);
  });

  describe("an association ends at its end (active the moment before, history at it)", () => {
    const END = "2026-12-01T00:00:00Z";
    const end = Date.parse(END);
    test("the moment before its end it blocks", () => {
      const v = verdictAt(end - 1, [association({ endDate: END })]);
      expect(v.outreach).toBe("blocked");
      expect(v.evidence[0].state).toBe("active");
      expect(v.expiresAt).toBe("2026-12-01T00:00:00.000Z");
    });
    test("at its end it is history and outreach opens", () => {
      const v = verdictAt(end, [association({ endDate: END })]);
      expect(v.outreach).toBe("allowed");
      expect(v.evidence[0].state).toBe("history");
      expect(v.reasons.map((r) => r.code)).toEqual(["history-only"]);
      expect(v.expiresAt).toBeUndefined();
    });
    test("an end written with an offset is the same instant", () => {
      const written = "2026-12-01T01:00:00+01:00";
      expect(verdictAt(end - 1, [association({ endDate: written })]).outreach).toBe("blocked");
      expect(verdictAt(end, [association({ endDate: written })]).outreach).toBe("allowed");
    });
  });

  describe("a date-only end date is the seller's last protected day", () => {
    const row = () => association({ endDate: "2026-12-01" });
    test("the last moment of that day (seller's clock) it still blocks, and says until when", () => {
      const v = verdictAt(sellersDay("2026-12-02") - 1, [row()]);
      expect(v.outreach).toBe("blocked");
      expect(v.expiresAt).toBe(new Date(sellersDay("2026-12-02")).toISOString());
      expect(v.partnerOfRecord).toMatchObject({ expiringSoon: true, lastDay: "2026-12-01", windowed: false });
    });
    test("when the seller's next day begins it is history", () => {
      const v = verdictAt(sellersDay("2026-12-02"), [row()]);
      expect(v.outreach).toBe("allowed");
      expect(v.evidence[0].state).toBe("history");
    });
    test("spaces around a date-only end do not make it a moment", () => {
      const v = verdictAt(sellersDay("2026-12-02") - 1, [association({ endDate: " 2026-12-01 " })]);
      expect(v.outreach).toBe("blocked");
      expect(v.partnerOfRecord?.lastDay).toBe("2026-12-01");
    });
    test("the whole last day is protected, from its first moment", () => {
      expect(verdictAt(sellersDay("2026-12-01"), [row()]).outreach).toBe("blocked");
    });
  });

  describe("a start in the future does not block yet (future after now, active at it)", () => {
    const START = "2026-12-01T00:00:00Z";
    const start = Date.parse(START);
    test("the moment before its start it is future and does not block", () => {
      const v = verdictAt(start - 1, [association({ startDate: START })]);
      expect(v.outreach).toBe("allowed");
      expect(v.evidence[0].state).toBe("future");
      expect(v.reasons.map((r) => r.code)).toEqual(["future-start"]);
    });
    test("at its start it is active and blocks", () => {
      const v = verdictAt(start, [association({ startDate: START })]);
      expect(v.outreach).toBe("blocked");
      expect(v.evidence[0].state).toBe("active");
      expect(v.reasons.map((r) => r.code)).toEqual(["active-partner"]);
    });
    test("a date-only start protects from the first moment of that day on the seller's clock", () => {
      const first = sellersDay("2026-12-01");
      expect(verdictAt(first - 1, [association({ startDate: "2026-12-01" })]).evidence[0].state).toBe("future");
      expect(verdictAt(first - 1, [association({ startDate: "2026-12-01" })]).outreach).toBe("allowed");
      expect(verdictAt(first, [association({ startDate: "2026-12-01" })]).outreach).toBe("blocked");
    });
  });

  describe("expiring soon: an end at most expiringSoonDays away", () => {
    const END = "2026-12-24T12:00:00Z"; // exactly 30 days after NOW
    test("exactly 30 days before the end it warns", () => {
      const v = verdictAt(NOW, [association({ endDate: END })]);
      expect(v.partnerOfRecord?.expiringSoon).toBe(true);
      expect(v.reasons.map((r) => r.code)).toEqual(["active-partner", "expiring-soon"]);
    });
    test("one millisecond earlier (30 days and 1 ms away) it does not", () => {
      const v = verdictAt(NOW - 1, [association({ endDate: END })]);
      expect(v.partnerOfRecord?.expiringSoon).toBe(false);
      expect(v.reasons.map((r) => r.code)).toEqual(["active-partner"]);
    });
    test("the number of days comes from the policy", () => {
      const policy = parsePolicy({ expiringSoonDays: 7 }).policy;
      const end = NOW + 7 * DAY;
      expect(verdictAt(NOW, [association({ endDate: iso(end) })], { policy }).partnerOfRecord?.expiringSoon).toBe(true);
      expect(verdictAt(NOW, [association({ endDate: iso(end + 1) })], { policy }).partnerOfRecord?.expiringSoon).toBe(
        false,
      );
    });
    test("with expiringSoonDays 0 nothing active warns", () => {
      const policy = parsePolicy({ expiringSoonDays: 0 }).policy;
      expect(verdictAt(NOW, [association({ endDate: iso(NOW + 1) })], { policy }).partnerOfRecord?.expiringSoon).toBe(
        false,
      );
    });
    test("an association that does not block never warns", () => {
      const v = verdictAt(NOW, [association({ relationshipType: "other", endDate: iso(NOW + DAY) })]);
      expect(v.outreach).toBe("allowed");
      expect(v.evidence[0]).toMatchObject({ state: "active", blocks: false, expiringSoon: false });
      expect(v.reasons.map((r) => r.code)).toEqual(["not-blocking-type"]);
    });
    test("an open-ended association never warns", () => {
      expect(verdictAt(NOW, [association({})]).partnerOfRecord?.expiringSoon).toBe(false);
    });
  });

  describe("the deal-registration window: start + protectionDays, only without an end date", () => {
    const START = "2026-09-01T00:00:00Z";
    const windowEnd = Date.parse(START) + 90 * DAY; // 30 Nov 2026
    const dealReg = (over: Partial<PartnerAssociation> = {}) =>
      association({ relationshipType: "deal-registration", startDate: START, ...over });
    test("the moment before the window ends it blocks, with the window's end", () => {
      const v = verdictAt(windowEnd - 1, [dealReg()]);
      expect(v.outreach).toBe("blocked");
      expect(v.partnerOfRecord).toMatchObject({ effectiveEnd: "2026-11-30T00:00:00.000Z", windowed: true });
      expect(v.partnerOfRecord?.lastDay).toBeUndefined(); // a start with a time: a moment, not a day
      expect(v.expiresAt).toBe("2026-11-30T00:00:00.000Z");
    });
    test("at the window's end it is history", () => {
      const v = verdictAt(windowEnd, [dealReg()]);
      expect(v.outreach).toBe("allowed");
      expect(v.evidence[0]).toMatchObject({ state: "history", windowed: true });
    });
    test("an end date before the window's end ends it earlier", () => {
      const v = verdictAt(NOW, [dealReg({ endDate: "2026-10-01T00:00:00Z" })]);
      expect(v.outreach).toBe("allowed");
      expect(v.evidence[0]).toMatchObject({
        state: "history",
        windowed: false,
        effectiveEnd: "2026-10-01T00:00:00.000Z",
      });
    });
    test("an end date after the window's end protects until that end", () => {
      const v = verdictAt(windowEnd, [dealReg({ endDate: "2027-01-15T00:00:00Z" })]);
      expect(v.outreach).toBe("blocked");
      expect(v.partnerOfRecord).toMatchObject({ windowed: false, effectiveEnd: "2027-01-15T00:00:00.000Z" });
      expect(v.expiresAt).toBe("2027-01-15T00:00:00.000Z");
    });
    test("an unreadable end date gets no window either: it stays open (the safe side)", () => {
      const v = verdictAt(windowEnd + 365 * DAY, [dealReg({ endDate: "31/12/2026" })]);
      expect(v.outreach).toBe("blocked");
      expect(v.partnerOfRecord).toMatchObject({ windowed: false, effectiveEnd: undefined });
      expect(v.expiresAt).toBeUndefined();
    });
    test("without a start there is no window: it stays open", () => {
      const v = verdictAt(NOW, [dealReg({ startDate: undefined })]);
      expect(v.outreach).toBe("blocked");
      expect(v.partnerOfRecord).toMatchObject({ windowed: false, effectiveEnd: undefined });
    });
    test("a type without a window stays open without an end date", () => {
      const v = verdictAt(windowEnd + 365 * DAY, [association({ relationshipType: "pal", startDate: START })]);
      expect(v.partnerOfRecord).toMatchObject({ windowed: false, effectiveEnd: undefined });
    });
    test("from a date-only start the window covers whole days of the seller's calendar", () => {
      const row = dealReg({ startDate: "2026-09-01" }); // 90 days: 1 Sep .. 29 Nov
      const opens = sellersDay("2026-11-30");
      const v = verdictAt(opens - 1, [row]);
      expect(v.outreach).toBe("blocked");
      expect(v.partnerOfRecord).toMatchObject({
        windowed: true,
        lastDay: "2026-11-29",
        effectiveEnd: new Date(opens).toISOString(),
      });
      expect(verdictAt(opens, [row]).outreach).toBe("allowed");
    });
    test("the window's length comes from the policy", () => {
      const policy = parsePolicy({ relationshipTypes: [{ type: "deal-registration", protectionDays: 10 }] }).policy;
      const end = Date.parse(START) + 10 * DAY;
      expect(verdictAt(end - 1, [dealReg()], { policy }).outreach).toBe("blocked");
      expect(verdictAt(end, [dealReg()], { policy }).outreach).toBe("allowed");
    });
  });

  describe("an approved exception lasts until createdon + days (allowed before, blocked at it)", () => {
    const decidedOn = Date.parse("2026-11-20T15:30:00Z");
    const until = decidedOn + 14 * DAY;
    test("the moment before its end outreach is allowed, until then", () => {
      const v = verdictAt(until - 1, [association({})], { exceptions: [approvedRequest(decidedOn)] });
      expect(v.outreach).toBe("allowed");
      expect(v.exception?.status).toBe("approved");
      expect(v.expiresAt).toBe("2026-12-04T15:30:00.000Z");
    });
    test("at its end outreach is blocked again, and the exception is expired", () => {
      const v = verdictAt(until, [association({})], { exceptions: [approvedRequest(decidedOn)] });
      expect(v.outreach).toBe("blocked");
      expect(v.exception).toBeUndefined();
      expect(judgeException(approvedRequest(decidedOn), DEFAULT_POLICY, until).status).toBe("expired");
    });
    test("a request made after now does not exist yet; one made at now does", () => {
      const request = approvedRequest(NOW + 3_600_000);
      const requestedOn = NOW;
      const at = (now: number) => verdictAt(now, [association({})], { exceptions: [request] }).pendingException;
      expect(at(requestedOn - 1)).toBeUndefined();
      expect(at(requestedOn)?.request.id).toBe("ex-1");
    });
  });
});

describe("the verdict's expiresAt", () => {
  test("with several blocking associations it is the latest end (outreach opens when the last one ends)", () => {
    const early = association({ relationshipType: "csp-reseller", endDate: "2026-12-20T00:00:00Z" });
    const late = association({ relationshipType: "pal", endDate: "2027-03-01T00:00:00Z" });
    for (const order of [
      [early, late],
      [late, early],
    ]) {
      const v = verdictAt(NOW, order);
      expect(v.expiresAt).toBe("2027-03-01T00:00:00.000Z");
      expect(v.partnerOfRecord?.association.id).toBe(early.id);
    }
    // ... and the verdict is indeed still blocked after the earlier end.
    expect(verdictAt(Date.parse("2026-12-20T00:00:00Z"), [early, late]).outreach).toBe("blocked");
  });

  test("an end that does not block does not count", () => {
    const blocking = association({ endDate: "2026-12-20T00:00:00Z" });
    const other = association({ relationshipType: "other", endDate: "2027-03-01T00:00:00Z" });
    expect(verdictAt(NOW, [blocking, other]).expiresAt).toBe("2026-12-20T00:00:00.000Z");
  });

  test("with several approvals it is the end of the one that lasts longest", () => {
    const short = approvedRequest(Date.parse("2026-11-23T00:00:00Z"), 3, "ex-short");
    const long = approvedRequest(Date.parse("2026-11-20T00:00:00Z"), 20, "ex-long");
    for (const exceptions of [
      [short, long],
      [long, short],
    ]) {
      const v = verdictAt(NOW, [association({})], { exceptions });
      expect(v.exception?.request.id).toBe("ex-long");
      expect(v.expiresAt).toBe("2026-12-10T00:00:00.000Z");
    }
  });
});

describe("exception requests at the policy's limits", () => {
  const good = {
    accountId: "acc-1",
    justification: "x".repeat(20),
    reason: "customer-asked" as const,
    days: 1,
  };
  test("one day and a justification of exactly the minimum length are accepted", () => {
    expect(checkRequest(good, DEFAULT_POLICY, [])).toEqual([]);
  });
  test("one character short is refused", () => {
    expect(checkRequest({ ...good, justification: "x".repeat(19) }, DEFAULT_POLICY, [])).toEqual([
      { code: "justification-too-short", min: 20 },
    ]);
  });
  test("the policy's maxDays is the limit, not the default 30", () => {
    const policy = parsePolicy({ exceptions: { maxDays: 10, defaultDays: 5 } }).policy;
    expect(checkRequest({ ...good, days: 10 }, policy, [])).toEqual([]);
    expect(checkRequest({ ...good, days: 11 }, policy, [])).toEqual([{ code: "days-out-of-range", max: 10 }]);
  });
});

import {
  REQUEST_OPEN_DAYS,
  approvedDays,
  checkDecision,
  checkRequest,
  judgeException,
  validUntil,
} from "../../src/core/exceptions";
import { DEFAULT_POLICY, parsePolicy } from "../../src/core/policy";
import { ExceptionDecision, ExceptionState, OutreachException } from "../../src/core/types";
import { APPROVER, ASKED, DAY, SELLER, decision, iso, request as plainRequest } from "../helpers/exceptions";

const good = {
  accountId: "acc-1",
  justification: "The customer's CIO asked us to call directly.",
  reason: "customer-asked" as const,
  days: 14,
};
/** As the form saves it: the account id in another case, the seller's name and the days asked. */
const request = (decisions: ExceptionDecision[] = [], over: Partial<OutreachException> = {}): OutreachException =>
  plainRequest(decisions, { accountId: "ACC-1", requestedBy: "Avery Seller", requestedDays: 14, ...over });
const state = (status: ExceptionState["status"], over: Partial<OutreachException> = {}): ExceptionState => ({
  request: request([], over),
  status,
  ignored: [],
});

describe("exception requests", () => {
  test("a complete request within the policy has no problem", () => {
    expect(checkRequest(good, DEFAULT_POLICY, [])).toEqual([]);
  });

  test.each([
    ["justification too short", { justification: "   too short   " }, [{ code: "justification-too-short", min: 20 }]],
    ["no reason", { reason: undefined }, [{ code: "reason-missing" }]],
    ["zero days", { days: 0 }, [{ code: "days-out-of-range", max: 30 }]],
    ["longer than the policy allows", { days: 31 }, [{ code: "days-out-of-range", max: 30 }]],
    ["not whole days", { days: 2.5 }, [{ code: "days-out-of-range", max: 30 }]],
  ])("%s is refused", (_name, change, problems) => {
    expect(checkRequest({ ...good, ...change }, DEFAULT_POLICY, [])).toEqual(problems);
  });

  test("exactly the policy's maximum is allowed", () => {
    expect(checkRequest({ ...good, days: 30 }, DEFAULT_POLICY, [])).toEqual([]);
  });

  test("a second pending request for the same account is refused", () => {
    expect(checkRequest(good, DEFAULT_POLICY, [state("pending")])).toEqual([{ code: "already-pending" }]);
    expect(checkRequest(good, DEFAULT_POLICY, [state("rejected")])).toEqual([]);
    expect(checkRequest(good, DEFAULT_POLICY, [state("pending", { accountId: "acc-2" })])).toEqual([]);
  });

  test("an exception approved at t for n days ends n days later", () => {
    expect(validUntil(Date.parse("2026-11-24T12:00:00Z"), 14)).toBe("2026-12-08T12:00:00.000Z");
  });
});

describe("who may decide", () => {
  test("an approver decides on someone else's pending request", () => {
    expect(checkDecision(state("pending"), APPROVER)).toEqual([]);
  });
  test("nobody decides their own request (ids compared without case)", () => {
    expect(checkDecision(state("pending"), SELLER.toUpperCase())).toEqual([{ code: "own-request" }]);
  });
  test("a request whose requester cannot be read cannot be decided", () => {
    expect(checkDecision(state("pending", { createdBy: undefined }), APPROVER)).toEqual([{ code: "own-request" }]);
  });
  test("a decided request cannot be decided again", () => {
    expect(checkDecision(state("approved"), APPROVER)).toEqual([{ code: "not-pending" }]);
  });
});

describe("what a decision is worth (read from server-set columns only)", () => {
  const judge = (r: OutreachException, now: number, policy = DEFAULT_POLICY) => judgeException(r, policy, now);

  test("an approval by someone else lasts its days from its createdon", () => {
    const s = judge(request([decision()]), ASKED + 2 * DAY);
    expect(s).toMatchObject({
      status: "approved",
      validUntil: iso(ASKED + 15 * DAY),
      approvedBy: "Jordan Approver",
      ignored: [],
    });
  });

  test("the approval ends exactly at createdon + days (valid the moment before, not at it)", () => {
    expect(judge(request([decision()]), ASKED + 15 * DAY - 1).status).toBe("approved");
    expect(judge(request([decision()]), ASKED + 15 * DAY).status).toBe("expired");
  });

  test("its length is capped at the policy's maxDays, whatever the approver wrote", () => {
    const s = judge(request([decision({ days: 365 })]), ASKED + 2 * DAY);
    expect(s.validUntil).toBe(iso(ASKED + DAY + 30 * DAY));
    const strict = parsePolicy({ exceptions: { maxDays: 5, defaultDays: 5 } }).policy;
    expect(judge(request([decision({ days: 365 })]), ASKED + 2 * DAY, strict).validUntil).toBe(iso(ASKED + 6 * DAY));
    expect(judge(request([decision({ days: 5 })]), ASKED + 6 * DAY - 1, strict).status).toBe("approved");
    expect(judge(request([decision({ days: 5 })]), ASKED + 6 * DAY, strict).status).toBe("expired");
  });

  test("approvedDays: within 1..maxDays, undefined when unreadable", () => {
    expect(approvedDays(decision({ days: 30 }), DEFAULT_POLICY)).toBe(30);
    expect(approvedDays(decision({ days: 31 }), DEFAULT_POLICY)).toBe(30);
    expect(approvedDays(decision({ days: 1 }), DEFAULT_POLICY)).toBe(1);
    for (const days of [0, -3, 2.5, undefined])
      expect(approvedDays(decision({ days }), DEFAULT_POLICY)).toBeUndefined();
  });

  test.each([
    ["by the requester", { createdBy: SELLER.toUpperCase() }, "own-request"],
    ["whose creator cannot be read", { createdBy: undefined }, "unknown-decider"],
    ["with a blank creator", { createdBy: "  " }, "unknown-decider"],
    ["whose time cannot be read", { createdOn: "yesterday" }, "unreadable"],
    ["without a duration", { days: undefined }, "unreadable"],
    ["with zero days", { days: 0 }, "unreadable"],
    ["whose choice value is unknown", { decision: "unknown" as const }, "unreadable"],
    ["dated before the request (backdated)", { createdOn: iso(ASKED - 1) }, "unreadable"],
  ])("an approval %s does not count", (_name, over, code) => {
    const s = judge(request([decision(over)]), ASKED + 2 * DAY);
    expect(s.status).toBe("pending");
    expect(s.ignored.map((i) => i.code)).toEqual([code]);
  });

  test("a request whose requester cannot be read cannot be approved", () => {
    const s = judge(request([decision()], { createdBy: undefined }), ASKED + 2 * DAY);
    expect(s.status).toBe("pending");
    expect(s.ignored.map((i) => i.code)).toEqual(["unknown-requester"]);
    expect(
      judge(request([decision()], { createdOn: "not a date" }), ASKED + 2 * DAY).ignored.map((i) => i.code),
    ).toEqual(["unknown-requester"]);
  });

  test(`a request lapses ${REQUEST_OPEN_DAYS} days after it was made; a decision after that does not count`, () => {
    const limit = ASKED + REQUEST_OPEN_DAYS * DAY;
    expect(judge(request(), limit).status).toBe("pending");
    expect(judge(request(), limit + 1).status).toBe("lapsed");
    expect(judge(request([decision({ createdOn: iso(limit) })]), limit + DAY).status).toBe("approved");
    const late = judge(request([decision({ createdOn: iso(limit + 1) })]), limit + DAY);
    expect(late.status).toBe("lapsed");
    expect(late.ignored.map((i) => i.code)).toEqual(["after-lapse"]);
  });

  test("a decision made after `now` does not exist yet (a list vetted as of an earlier day)", () => {
    expect(judge(request([decision()]), ASKED + DAY - 1).status).toBe("pending");
    expect(judge(request([decision()]), ASKED + DAY).status).toBe("approved");
  });

  test("the latest counted decision wins: a later rejection revokes an approval", () => {
    const revoked = request([
      decision(),
      decision({ id: "dc-2", decision: "rejected", days: undefined, createdOn: iso(ASKED + 3 * DAY) }),
    ]);
    expect(judge(revoked, ASKED + 2 * DAY).status).toBe("approved");
    expect(judge(revoked, ASKED + 4 * DAY).status).toBe("rejected");
  });

  test("a rejection and an approval at the same moment: the rejection wins, in either order", () => {
    const at = iso(ASKED + DAY);
    const both = [decision({ createdOn: at }), decision({ id: "dc-2", decision: "rejected", createdOn: at })];
    expect(judge(request(both), ASKED + 2 * DAY).status).toBe("rejected");
    expect(judge(request([...both].reverse()), ASKED + 2 * DAY).status).toBe("rejected");
  });

  test("an ignored decision never hides a counted one, and a counted one is not listed as ignored", () => {
    const s = judge(
      request([decision({ id: "own", createdBy: SELLER, createdOn: iso(ASKED + 2 * DAY) }), decision()]),
      ASKED + 3 * DAY,
    );
    expect(s.status).toBe("approved");
    expect(s.decision?.id).toBe("dc-1");
    expect(s.ignored.map((i) => i.decision.id)).toEqual(["own"]);
  });
});

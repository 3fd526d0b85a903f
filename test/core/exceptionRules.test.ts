/**
 * The exception rules at their edges: which problem a request or decision has when several
 * apply, and what a decision is worth at the exact moments the rules name.
 */
import { checkDecision, checkRequest, judgeException, latestRejection } from "../../src/core/exceptions";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { ExceptionDecision, ExceptionState, OutreachException } from "../../src/core/types";
import { APPROVER, ASKED, DAY, SELLER, decision, iso, request } from "../helpers/exceptions";

const judge = (r: OutreachException, now = ASKED + 2 * DAY) => judgeException(r, DEFAULT_POLICY, now);

describe("checkRequest", () => {
  const good = {
    accountId: "acc-1",
    justification: "The customer asked us to call.",
    reason: "other" as const,
    days: 5,
  };
  const pending: ExceptionState = { request: request([], { accountId: "ACC-1" }), status: "pending", ignored: [] };

  test("everything wrong at once is listed, in the form's order", () => {
    expect(
      checkRequest({ accountId: "acc-1", justification: "", reason: undefined, days: 0 }, DEFAULT_POLICY, [pending]),
    ).toEqual([
      { code: "justification-too-short", min: 20 },
      { code: "reason-missing" },
      { code: "days-out-of-range", max: 30 },
      { code: "already-pending" },
    ]);
  });

  test("spaces around the justification do not count towards its length", () => {
    const padded = `   ${"x".repeat(19)}   `;
    expect(checkRequest({ ...good, justification: padded }, DEFAULT_POLICY, [])).toEqual([
      { code: "justification-too-short", min: 20 },
    ]);
  });

  test("a reason that is not one of the list is missing", () => {
    const bogus = { ...good, reason: "because" as unknown as "other" };
    expect(checkRequest(bogus, DEFAULT_POLICY, [])).toEqual([{ code: "reason-missing" }]);
    for (const reason of ["customer-asked", "partner-declined", "partner-inactive", "other"] as const)
      expect(checkRequest({ ...good, reason }, DEFAULT_POLICY, [])).toEqual([]);
  });

  test("a pending request of the same account is found whatever the case of the id", () => {
    expect(checkRequest({ ...good, accountId: "Acc-1" }, DEFAULT_POLICY, [pending])).toEqual([
      { code: "already-pending" },
    ]);
  });
});

describe("checkDecision", () => {
  const state = (over: Partial<OutreachException>, status: ExceptionState["status"] = "pending"): ExceptionState => ({
    request: request([], over),
    status,
    ignored: [],
  });
  test("one's own decided request: both problems", () => {
    expect(checkDecision(state({}, "rejected"), SELLER)).toEqual([{ code: "own-request" }, { code: "not-pending" }]);
  });
  test("an empty requester cannot be decided", () => {
    expect(checkDecision(state({ createdBy: "" }), APPROVER)).toEqual([{ code: "own-request" }]);
  });
  test.each(["approved", "rejected", "expired", "lapsed"] as const)("a %s request cannot be decided", (status) => {
    expect(checkDecision(state({}, status), APPROVER)).toEqual([{ code: "not-pending" }]);
  });
});

describe("why a decision does not count, when several reasons apply", () => {
  test.each([
    ["unknown choice and no creator", "unreadable", { decision: "unknown" as const, createdBy: undefined }, {}],
    ["no duration and no creator", "unreadable", { days: undefined, createdBy: undefined }, {}],
    ["no creator, request without creator", "unknown-decider", { createdBy: undefined }, { createdBy: undefined }],
    ["the requester, padded and upper-case", "own-request", { createdBy: `  ${SELLER.toUpperCase()} ` }, {}],
    ["on a request with a blank creator", "unknown-requester", {}, { createdBy: "   " }],
    ["by the requester, before the request", "own-request", { createdBy: SELLER, createdOn: iso(ASKED - DAY) }, {}],
  ])("%s: %s", (_name, code, over, requestOver) => {
    const s = judge(request([decision(over)], requestOver));
    expect(s.ignored.map((i) => i.code)).toEqual([code]);
    expect(s.status).not.toBe("approved");
  });
});

describe("what a decision is worth at the edges", () => {
  test("a decision at the very moment of the request counts", () => {
    expect(judge(request([decision({ createdOn: iso(ASKED) })])).status).toBe("approved");
  });

  test("a rejection needs no duration", () => {
    const s = judge(request([decision({ decision: "rejected", days: undefined })]));
    expect(s).toMatchObject({ status: "rejected", decision: { id: "dc-1" }, ignored: [] });
    expect(s.validUntil).toBeUndefined();
  });

  test("the latest of two approvals counts, even when it is shorter", () => {
    const first = decision({ id: "long", days: 30, createdOn: iso(ASKED + DAY) });
    const second = decision({ id: "short", days: 2, createdOn: iso(ASKED + 2 * DAY) });
    for (const decisions of [
      [first, second],
      [second, first],
    ]) {
      const s = judge(request(decisions), ASKED + 3 * DAY);
      expect(s.decision?.id).toBe("short");
      expect(s.validUntil).toBe(iso(ASKED + 4 * DAY));
    }
  });

  test("an approval says who approved it and until when", () => {
    expect(judge(request([decision()]))).toEqual({
      request: request([decision()]),
      status: "approved",
      decision: decision(),
      validUntil: iso(ASKED + 15 * DAY),
      approvedBy: "Jordan Approver",
      ignored: [],
    });
  });

  test("a request whose time cannot be read, with no decision, has lapsed (it is not waiting)", () => {
    expect(judge(request([], { createdOn: "not a date" }))).toEqual({
      request: request([], { createdOn: "not a date" }),
      status: "lapsed",
      ignored: [],
    });
  });

  test("a decision whose time cannot be read is listed as ignored, not dropped as 'later'", () => {
    const s = judge(request([decision({ createdOn: undefined })]));
    expect(s.ignored).toEqual([{ decision: decision({ createdOn: undefined }), code: "unreadable" }]);
  });
});

describe("latestRejection: the account's latest request, when it was rejected", () => {
  const judged = (id: string, createdOn: string | undefined, decisions: ExceptionDecision[]) =>
    judge(request(decisions, { id, createdOn }), ASKED + 5 * DAY);
  const rejection = (on: number) => decision({ decision: "rejected", days: undefined, createdOn: iso(on) });
  const rejected = judged("old", iso(ASKED), [rejection(ASKED + DAY)]);
  const pending = judged("new", iso(ASKED + 2 * DAY), []);

  test("the latest request rejected: it is shown, whatever the order", () => {
    const older = judged("older", iso(ASKED - DAY), []);
    expect(latestRejection([older, rejected])?.request.id).toBe("old");
    expect(latestRejection([rejected, older])?.request.id).toBe("old");
  });
  test("a newer request is the news: nothing is shown", () => {
    expect(latestRejection([rejected, pending])).toBeUndefined();
    expect(latestRejection([pending, rejected])).toBeUndefined();
  });
  test("a request whose time cannot be read never counts as the latest", () => {
    const unreadable = judged("x", "not a date", []);
    expect(latestRejection([unreadable, rejected])?.request.id).toBe("old");
    expect(latestRejection([rejected, unreadable])?.request.id).toBe("old");
  });
  test("no requests, or the latest approved: nothing", () => {
    expect(latestRejection([])).toBeUndefined();
    expect(latestRejection([judged("a", iso(ASKED), [decision()])])).toBeUndefined();
  });
});

test("the requester's id is compared trimmed on both sides", () => {
  const s = judge(request([decision({ createdBy: SELLER })], { createdBy: ` ${SELLER} ` }));
  expect(s.ignored.map((i) => i.code)).toEqual(["own-request"]);
});

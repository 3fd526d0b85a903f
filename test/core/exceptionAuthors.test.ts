/**
 * Who made a request or a decision, and for which account, as the verdict reads it (issue 23):
 * the latest decision wins, a rejection whenever it is made; whoever approved (or created the
 * approval on someone's behalf) cannot use it; `createdonbehalfby` is an author as much as
 * `createdby`; a request counts only on the account it was made for.
 */
import { evaluate } from "../../src/core/verdict";
import { authoredBy, checkDecision, judgeException, userKey } from "../../src/core/exceptions";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { ExceptionDecision, ExceptionState, OutreachException } from "../../src/core/types";
import { association, ok } from "../helpers/associations";

const SELLER = "11111111-1111-4111-8111-111111111111";
const APPROVER = "22222222-2222-4222-8222-222222222222";
const COLLEAGUE = "33333333-3333-4333-8333-333333333333";
const DAY = 86_400_000;
const ASKED = Date.parse("2026-11-01T09:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

const decision = (over: Partial<ExceptionDecision> = {}): ExceptionDecision => ({
  id: "dc-1",
  exceptionId: "ex-1",
  decision: "approved",
  days: 30,
  createdBy: APPROVER,
  createdByName: "Jordan Approver",
  createdOn: iso(ASKED + DAY),
  ...over,
});
const request = (decisions: ExceptionDecision[] = [decision()], over: Partial<OutreachException> = {}) => ({
  id: "ex-1",
  accountId: "acc-1",
  requestedFor: "acc-1",
  createdBy: SELLER,
  createdOn: iso(ASKED),
  requestedDays: 14,
  decisions,
  ...over,
});
const judge = (r: OutreachException, now: number) => judgeException(r, DEFAULT_POLICY, now);
/** The verdict on a blocked account with these requests, for `userId`. */
const verdict = (exceptions: OutreachException[], userId: string | undefined, now = ASKED + 2 * DAY) =>
  evaluate({ accountId: "acc-1", outcomes: [ok([association({})])], policy: DEFAULT_POLICY, now, exceptions, userId });
const notCounted = (v: ReturnType<typeof verdict>) =>
  v.reasons.filter((r) => r.code === "exception-not-counted").map((r) => r.ignoredDecision?.code);

describe("the latest decision wins; a rejection counts whenever it is made", () => {
  const approvedDay29 = decision({ createdOn: iso(ASKED + 29 * DAY) });
  const rejectedDay31 = decision({
    id: "dc-2",
    decision: "rejected",
    days: undefined,
    createdOn: iso(ASKED + 31 * DAY),
  });

  test("an approval on day 29 is revoked by a rejection on day 31 (after the request's open window)", () => {
    const r = request([approvedDay29, rejectedDay31]);
    expect(judge(r, ASKED + 30 * DAY).status).toBe("approved");
    const after = judge(r, ASKED + 32 * DAY);
    expect(after).toMatchObject({ status: "rejected", decision: { id: "dc-2" }, ignored: [] });
    expect(verdict([r], COLLEAGUE, ASKED + 32 * DAY).outreach).toBe("blocked");
  });

  test("a late rejection of a request nobody approved is the news (rejected, not lapsed)", () => {
    expect(judge(request([rejectedDay31]), ASKED + 32 * DAY).status).toBe("rejected");
  });

  test("a rejection backdated before its request still counts; an approval so dated does not", () => {
    const early = decision({ id: "dc-0", decision: "rejected", days: undefined, createdOn: iso(ASKED - DAY) });
    expect(judge(request([early]), ASKED + DAY).status).toBe("rejected");
    expect(judge(request([decision({ createdOn: iso(ASKED - DAY) })]), ASKED + DAY).ignored[0].code).toBe("unreadable");
  });

  test("only approvals are bounded by the open window: one on day 31 still does not count", () => {
    const late = judge(request([decision({ createdOn: iso(ASKED + 31 * DAY) })]), ASKED + 32 * DAY);
    expect(late.status).toBe("lapsed");
    expect(late.ignored.map((i) => i.code)).toEqual(["after-lapse"]);
  });
});

describe("whoever approved cannot use the approval", () => {
  test("the approval opens outreach for every other user, not for its approver", () => {
    expect(verdict([request()], COLLEAGUE).outreach).toBe("allowed");
    expect(verdict([request()], SELLER).outreach).toBe("allowed");
    const own = verdict([request()], APPROVER);
    expect(own.outreach).toBe("blocked");
    expect(own.exception).toBeUndefined();
    expect(notCounted(own)).toEqual(["own-approval"]);
  });

  test("the form's user id (braces, upper case) is the same user", () => {
    expect(verdict([request()], `{${APPROVER.toUpperCase()}}`).outreach).toBe("blocked");
    expect(userKey(` {${APPROVER.toUpperCase()}} `)).toBe(APPROVER);
  });

  test("nor for whoever created the approval on the approver's behalf (createdonbehalfby)", () => {
    const impersonated = request([decision({ createdOnBehalfBy: COLLEAGUE })]);
    expect(verdict([impersonated], COLLEAGUE).outreach).toBe("blocked");
    expect(verdict([impersonated], SELLER).outreach).toBe("allowed");
  });

  test("without a known user, no approval opens outreach, and the reason says why", () => {
    const v = verdict([request()], undefined);
    expect(v.outreach).toBe("blocked");
    expect(notCounted(v)).toEqual(["unknown-user"]);
    expect(verdict([request()], "  ").outreach).toBe("blocked");
  });

  test("another usable approval still opens outreach for the approver of the first", () => {
    const other = request([decision({ id: "dc-9", createdBy: COLLEAGUE })], { id: "ex-2", createdBy: SELLER });
    expect(verdict([request(), other], APPROVER)).toMatchObject({
      outreach: "allowed",
      exception: { request: { id: "ex-2" } },
    });
  });
});

describe("createdonbehalfby is an author as much as createdby (requester ≠ approver)", () => {
  test("an approval by whoever made the request on someone's behalf is approving one's own request", () => {
    // The approver impersonated a seller to create the request, then approved it.
    const r = request([decision()], { createdBy: COLLEAGUE, createdOnBehalfBy: APPROVER });
    expect(judge(r, ASKED + 2 * DAY).ignored.map((i) => i.code)).toEqual(["own-request"]);
    expect(verdict([r], SELLER).outreach).toBe("blocked");
  });

  test("an approval created on the requester's behalf is the requester's own", () => {
    const r = request([decision({ createdBy: COLLEAGUE, createdOnBehalfBy: SELLER })]);
    expect(judge(r, ASKED + 2 * DAY).ignored.map((i) => i.code)).toEqual(["own-request"]);
  });

  test("checkDecision refuses a decider who is either author of the request", () => {
    const state = (over: Partial<OutreachException>): ExceptionState => ({
      request: request([], over),
      status: "pending",
      ignored: [],
    });
    expect(checkDecision(state({ createdOnBehalfBy: APPROVER }), APPROVER)).toEqual([{ code: "own-request" }]);
    expect(checkDecision(state({}), APPROVER)).toEqual([]);
  });

  test("authoredBy compares ids without braces and case; nobody is the author of nothing", () => {
    expect(authoredBy({ createdBy: `{${SELLER.toUpperCase()}}` }, SELLER)).toBe(true);
    expect(authoredBy({ createdOnBehalfBy: SELLER }, SELLER)).toBe(true);
    expect(authoredBy({ createdBy: SELLER }, undefined)).toBe(false);
    expect(authoredBy({}, "")).toBe(false);
    expect(authoredBy(undefined, SELLER)).toBe(false);
  });
});

describe("a request counts only on the account it was made for", () => {
  test("moved to another account (Merge): its approval does not count there, and it is not pending there", () => {
    const moved = request([decision()], { requestedFor: "acc-merged-away" });
    const v = verdict([moved], COLLEAGUE);
    expect(v.outreach).toBe("blocked");
    expect(notCounted(v)).toEqual(["other-account"]);
    expect(judge(request([], { requestedFor: "acc-merged-away" }), ASKED + DAY).status).toBe("lapsed");
    expect(verdict([request([], { requestedFor: "acc-merged-away" })], COLLEAGUE).pendingException).toBeUndefined();
  });

  test("a request without the column (an account it was made for cannot be told) does not count", () => {
    expect(notCounted(verdict([request([decision()], { requestedFor: undefined })], COLLEAGUE))).toEqual([
      "other-account",
    ]);
  });

  test("the same account in another spelling (braces, case) is the same", () => {
    expect(verdict([request([decision()], { requestedFor: "{ACC-1}" })], COLLEAGUE).outreach).toBe("allowed");
  });

  test("a rejection of a moved request still counts (it only closes)", () => {
    const r = request([decision({ decision: "rejected", days: undefined })], { requestedFor: "elsewhere" });
    expect(judge(r, ASKED + 2 * DAY).status).toBe("rejected");
  });
});

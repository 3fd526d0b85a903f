import { checkDecision, checkRequest, validUntil } from "../../src/core/exceptions";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { OutreachException } from "../../src/core/types";

const good = { accountId: "acc-1", justification: "The customer's CIO asked us to call directly.", reason: "customer-asked" as const, days: 14 };
const pending: OutreachException = { id: "ex-1", accountId: "ACC-1", status: "pending", requesterId: "seller-1" };

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

  test("a second pending request for the same account is refused", () => {
    expect(checkRequest(good, DEFAULT_POLICY, [pending])).toEqual([{ code: "already-pending" }]);
    expect(checkRequest(good, DEFAULT_POLICY, [{ ...pending, status: "rejected" }])).toEqual([]);
    expect(checkRequest(good, DEFAULT_POLICY, [{ ...pending, accountId: "acc-2" }])).toEqual([]);
  });

  test("an exception approved now for n days ends n days later", () => {
    expect(validUntil(Date.parse("2026-11-24T12:00:00Z"), 14)).toBe("2026-12-08T12:00:00.000Z");
  });
});

describe("exception decisions", () => {
  test("an approver decides on someone else's pending request", () => {
    expect(checkDecision(pending, "approver-1")).toEqual([]);
  });
  test("a seller cannot approve their own request (ids compared without case)", () => {
    expect(checkDecision(pending, "SELLER-1")).toEqual([{ code: "own-request" }]);
  });
  test("a decided request cannot be decided again", () => {
    expect(checkDecision({ ...pending, status: "approved" }, "approver-1")).toEqual([{ code: "not-pending" }]);
  });
});

/** Every way a source can fail has its words for the seller, in both languages the control ships. */
import { SOURCE_FAILURE_KINDS } from "../../src/core/types";
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { reasonText } from "../../src/text/verdictText";
import { strictTranslate } from "../helpers/strings";

describe.each([1033, 1031])("failure words in %i", (lcid) => {
  test.each([...SOURCE_FAILURE_KINDS])("%s has its own text in the source-failed reason", (kind) => {
    const verdict = evaluate({
      accountId: "acc-1",
      outcomes: [{ source: "Microsoft Graph", sourceKind: "graph", ok: false, failure: { kind, message: "m" } }],
      policy: DEFAULT_POLICY,
      now: "2026-11-24T12:00:00Z",
    });
    const text = reasonText(strictTranslate(lcid), verdict, verdict.reasons[0], Date.parse(verdict.evaluatedAt));
    expect(text).toContain("Microsoft Graph");
    expect(text).not.toContain("Failure_");
  });
});

test("a refused request tells the seller it is not the account's data, and to tell the admin", () => {
  const verdict = evaluate({
    accountId: "acc-1",
    outcomes: [
      {
        source: "Microsoft Graph",
        sourceKind: "graph",
        ok: false,
        failure: { kind: "request-refused", message: "m" },
      },
    ],
    policy: DEFAULT_POLICY,
    now: "2026-11-24T12:00:00Z",
  });
  expect(reasonText(strictTranslate(1033), verdict, verdict.reasons[0], 0)).toMatch(
    /refused PartnerGuard's request \(not a problem of this account's data\); tell your admin/,
  );
});

/** What a face reads back from session storage is parsed, never trusted by its looks. */
import { DEFAULT_POLICY } from "../../src/core/policy";
import { evaluate } from "../../src/core/verdict";
import { configFromValues } from "../../src/sources/configSource";
import { Resolution } from "../../src/sources/resolver";
import { readResolution, readStoredState } from "../../src/sources/storedResolution";
import { association, ok } from "../helpers/associations";

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function resolution(): Resolution {
  const inherited = association({ partnerName: "Harbor", depth: 1, customerName: "Parent", endDate: "2027-06-30" });
  const verdict = evaluate({
    accountId: "acc-1",
    outcomes: [ok([inherited, association({ relationshipType: "unknown", rawType: "999", status: "unknown" })])],
    exceptions: [
      {
        id: "r-1",
        accountId: "acc-1",
        createdBy: "u-1",
        createdOn: "2026-11-20T10:00:00Z",
        requestedDays: 14,
        decisions: [
          {
            id: "d-1",
            exceptionId: "r-1",
            decision: "rejected",
            createdBy: "u-2",
            createdByName: "Jordan",
            createdOn: "2026-11-21T10:00:00Z",
            note: "<b>no</b>",
          },
        ],
      },
    ],
    policy: DEFAULT_POLICY,
    now: "2026-11-24T12:00:00Z",
  });
  return { verdict, config: configFromValues(new Map()), tenantId: "t-1", unaskedSources: ["Microsoft Graph"] };
}

describe("readResolution", () => {
  test("a resolution PartnerGuard stored reads back whole", () => {
    const stored = resolution();
    expect(stored.verdict.rejectedException).toBeDefined();
    expect(readResolution(roundTrip(stored))).toEqual(roundTrip(stored));
  });

  test("what issue 23 added reads back whole: a parent not read, exceptions not read, approvals that do not count for this user or account", () => {
    const approval = (id: string, over = {}) => ({
      id: `r-${id}`,
      accountId: "acc-1",
      requestedFor: "acc-1",
      createdBy: "u-1",
      createdOnBehalfBy: "u-3",
      createdOn: "2026-11-20T10:00:00Z",
      decisions: [
        {
          id: `d-${id}`,
          exceptionId: `r-${id}`,
          decision: "approved" as const,
          days: 14,
          createdBy: "u-2",
          createdOnBehalfBy: "u-4",
          createdOn: "2026-11-21T10:00:00Z",
        },
      ],
      ...over,
    });
    const verdict = evaluate({
      accountId: "acc-1",
      outcomes: [
        {
          source: "Dataverse",
          sourceKind: "dataverse",
          ok: true,
          associations: [association({})],
          notes: [{ code: "unreadable-parent", detail: "p-1", depth: 1 }],
          exceptionsFailure: { kind: "too-many-rows", message: "too many" },
        },
      ],
      exceptions: [approval("own"), approval("moved", { requestedFor: "acc-9" })],
      policy: DEFAULT_POLICY,
      now: "2026-11-24T12:00:00Z",
      userId: "u-2",
    });
    expect(verdict.reasons.map((r) => r.ignoredDecision?.code ?? r.code)).toEqual(
      expect.arrayContaining(["unreadable", "exceptions-unread", "own-approval", "other-account"]),
    );
    const stored: Resolution = { ...resolution(), verdict };
    expect(readResolution(roundTrip(stored))).toEqual(roundTrip(stored));
  });

  test("a verdict of another shape does not read", () => {
    const stored = roundTrip(resolution()) as { verdict: Record<string, unknown> };
    expect(readResolution({ ...stored, verdict: { ...stored.verdict, outreach: "maybe" } })).toBeUndefined();
    expect(
      readResolution({ ...stored, verdict: { ...stored.verdict, reasons: [{ code: "made-up" }] } }),
    ).toBeUndefined();
    expect(readResolution({ ...stored, verdict: { outreach: "allowed" } })).toBeUndefined();
    expect(readResolution("allowed")).toBeUndefined();
  });

  test("a policy its parser would not produce does not read (no stored value widens the admin's policy)", () => {
    const stored = roundTrip(resolution()) as { config: { policy: Record<string, unknown> } };
    const tampered = (policy: Record<string, unknown>) =>
      readResolution({ ...stored, config: { ...stored.config, policy: { ...stored.config.policy, ...policy } } });
    expect(tampered({})).toBeDefined();
    expect(tampered({ freshnessSeconds: 86_400 })).toBeUndefined(); // out of range: the parser keeps the default
    expect(tampered({ onSourceFailure: "let-everything-through" })).toBeUndefined();
    expect(tampered({ relationshipTypes: "none" })).toBeUndefined();
  });
});

describe("readStoredState", () => {
  test("a pending marker reads with its owner and lease; a settled entry with its resolution", () => {
    const pending = { state: "pending", page: "p", owner: "o", until: 5, tenantId: "", sources: ["Dataverse"] };
    expect(readStoredState(pending)).toEqual(pending);
    const settled = {
      state: "settled",
      page: "p",
      at: 5,
      tenantId: "",
      sources: [],
      resolution: roundTrip(resolution()),
    };
    expect(readStoredState(settled)).toEqual(settled);
  });

  test("a marker without a lease, or an entry of an unknown state, does not read", () => {
    expect(readStoredState({ state: "pending", page: "p", owner: "o", tenantId: "", sources: [] })).toBeUndefined();
    expect(readStoredState({ state: "done", page: "p", tenantId: "", sources: [] })).toBeUndefined();
    expect(readStoredState({ state: "settled", page: "p", at: "now", tenantId: "", sources: [] })).toBeUndefined();
  });
});

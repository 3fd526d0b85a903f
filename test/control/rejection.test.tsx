/** @jest-environment jsdom */
/**
 * A seller learns of a rejection on the card: "Rejected by <approver> on <date>" and the approver's
 * note, as text, for the account's latest request only.
 */
import * as React from "react";
import { render, screen } from "@testing-library/react";
import { VerdictCard } from "../../PartnerGuard/components/VerdictCard";
import { IncludePartnerActions } from "../../PartnerGuard/components/IncludePartner.types";
import { evaluate } from "../../src/core/verdict";
import { judgeException, latestRejection } from "../../src/core/exceptions";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { ExceptionDecision, OutreachException, Verdict } from "../../src/core/types";
import { association, ok } from "../helpers/associations";
import { strictTranslate } from "../helpers/strings";

const NOW = "2026-11-24T12:00:00Z";
const SELLER = "11111111-1111-4111-8111-111111111111";
const APPROVER = "22222222-2222-4222-8222-222222222222";

const actions: IncludePartnerActions = {
  engage: () => Promise.resolve(),
  requestException: () => Promise.resolve({ problems: [], notified: true, unnotified: [] }),
  loadHistory: () => Promise.resolve([]),
  limits: { defaultDays: 14, maxDays: 90, minJustificationLength: 20 },
};

function request(id: string, createdOn: string, decisions: Partial<ExceptionDecision>[] = []): OutreachException {
  return {
    id,
    accountId: "acc-1",
    requestedFor: "acc-1",
    createdBy: SELLER,
    requestedBy: "Avery Seller",
    createdOn,
    requestedDays: 14,
    decisions: decisions.map((d, i) => ({
      id: `${id}-d${i}`,
      exceptionId: id,
      decision: "rejected",
      createdBy: APPROVER,
      createdByName: "Jordan Approver",
      createdOn: "2026-11-22T10:00:00Z",
      ...d,
    })),
  };
}

/** A blocked account's verdict, with the requests judged by the real rules at NOW. */
function verdictWith(requests: OutreachException[]): Verdict {
  const now = Date.parse(NOW);
  const verdict = evaluate({
    accountId: "acc-1",
    outcomes: [ok([association({ partnerName: "Harbor Computer Services", startDate: "2019-03-03" })])],
    policy: DEFAULT_POLICY,
    now: NOW,
  });
  const states = requests.map((r) => judgeException(r, DEFAULT_POLICY, now));
  const pending = states.filter((s) => s.status === "pending");
  return { ...verdict, pendingException: pending[pending.length - 1], rejectedException: latestRejection(states) };
}

function show(verdict: Verdict, lcid = 1033, locale = "en-GB") {
  return render(
    <VerdictCard
      state={{ kind: "ready", verdict, policyProblems: [] }}
      t={strictTranslate(lcid)}
      locale={locale}
      onRetry={() => undefined}
      include={actions}
    />,
  );
}

const NOTE = "Harbor's renewal is open until March.\n<b>Call Harbor</b> first & copy me.";

describe("a rejected request, on the seller's card", () => {
  test("'Rejected by <approver> on <date>' with the note as typed, and the seller may ask again", () => {
    const { container } = show(verdictWith([request("ex-1", "2026-11-20T09:00:00Z", [{ note: NOTE }])]));
    const banner = container.querySelector(".pg-rejected") as HTMLElement;
    expect(banner).not.toBeNull();
    expect(
      screen.getByText(
        "Rejected by Jordan Approver on 22 Nov 2026: the exception requested on 20 Nov 2026 for 14 days.",
      ),
    ).toBeTruthy();
    const note = container.querySelector(".pg-rejected-note") as HTMLElement;
    expect(note.textContent).toBe(`Approver's note: ${NOTE}`);
    // Text, never markup: the approver's <b> is shown as typed, no element is made of it.
    expect(banner.querySelector("b")).toBeNull();
    expect(screen.getByRole("button", { name: "Request exception" })).toBeTruthy();
  });

  test("in German, with the plural of the requested days; a decider without a name is 'unbekannt…', no note line", () => {
    const one = { ...request("ex-1", "2026-11-20T09:00:00Z", [{ createdByName: undefined }]), requestedDays: 1 };
    const { container } = show(verdictWith([one]), 1031, "de-DE");
    const banner = container.querySelector(".pg-rejected") as HTMLElement;
    const unknown = strictTranslate(1031)("User_Unknown");
    expect(banner.textContent).toBe(
      `Abgelehnt von ${unknown} am 22. Nov. 2026: die am 20. Nov. 2026 beantragte Ausnahme für 1 Tag.`,
    );
    expect(container.querySelector(".pg-rejected-note")).toBeNull();
  });

  test("a name that looks like a placeholder or markup is shown as it is", () => {
    const { container } = show(
      verdictWith([request("ex-1", "2026-11-20T09:00:00Z", [{ createdByName: "{date} <u>Pat</u>" }])]),
    );
    expect((container.querySelector(".pg-rejected") as HTMLElement).textContent).toBe(
      "Rejected by {date} <u>Pat</u> on 22 Nov 2026: the exception requested on 20 Nov 2026 for 14 days.",
    );
    expect(container.querySelector(".pg-rejected u")).toBeNull();
  });

  test("a newer request waiting for an approver is the news: no rejection line", () => {
    const { container } = show(
      verdictWith([request("ex-1", "2026-11-20T09:00:00Z", [{}]), request("ex-2", "2026-11-23T09:00:00Z")]),
    );
    expect(screen.getByText(/^An exception requested on 23 Nov 2026 by Avery Seller is waiting/)).toBeTruthy();
    expect(container.querySelector(".pg-rejected")).toBeNull();
    expect(screen.queryByText(/^Rejected by/)).toBeNull();
  });

  test("a rejection by the requester themself does not count: the request is still pending", () => {
    const { container } = show(
      verdictWith([request("ex-1", "2026-11-20T09:00:00Z", [{ createdBy: SELLER, createdByName: "Avery Seller" }])]),
    );
    expect(container.querySelector(".pg-rejected")).toBeNull();
    expect(screen.getByText(/is waiting for an approver/)).toBeTruthy();
  });

  test("an older rejection under a later approval is not shown", () => {
    const { container } = show(
      verdictWith([
        request("ex-1", "2026-11-10T09:00:00Z", [{ createdOn: "2026-11-11T09:00:00Z" }]),
        request("ex-2", "2026-11-20T09:00:00Z", [{ decision: "approved", days: 14 }]),
      ]),
    );
    expect(container.querySelector(".pg-rejected")).toBeNull();
  });
});

/** @jest-environment jsdom */
import * as React from "react";
import { render, screen, fireEvent, within } from "@testing-library/react";
import { VerdictCard } from "../../PartnerGuard/components/VerdictCard";
import { CardState } from "../../PartnerGuard/components/Component.types";
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { SourceOutcome } from "../../src/core/types";
import { association, ok } from "../helpers/associations";
import { strictTranslate } from "../helpers/strings";

const NOW = "2026-11-24T12:00:00Z";
const t = strictTranslate(1033);

function ready(outcomes: SourceOutcome[], policyProblems: string[] = []): CardState {
  return {
    kind: "ready",
    verdict: evaluate({ accountId: "acc-1", outcomes, policy: DEFAULT_POLICY, now: NOW }),
    policyProblems,
  };
}

/** The verdict line (Fluent renders a MessageBar's text one tick late, for screen readers). */
async function expectVerdict(text: string) {
  const banner = await screen.findByText(
    (_, el) =>
      !!el?.closest(".pg-verdict") && el?.getAttribute("role") === "status" && (el.textContent ?? "").length > 0,
  );
  expect(banner).toHaveTextContent(text);
}

function show(state: CardState, onRetry = jest.fn()) {
  render(<VerdictCard state={state} t={t} locale="en-GB" onRetry={onRetry} />);
  return onRetry;
}

describe("VerdictCard", () => {
  test("while the verdict is checked again after a write, the card stays up and says so", async () => {
    const state = ready([ok([association({ partnerName: "Adatum" })])]);
    show({ ...state, refreshing: true } as CardState);
    await expectVerdict("Partner of record: Adatum — CSP reseller since 1 Jan 2020. Direct outreach is disabled.");
    expect(screen.getByText("Checking the partner of record again…")).toBeTruthy();
    expect(screen.getByRole("region", { name: "Partner of record" })).toHaveAttribute("aria-busy", "true");
  });

  test("a settled card says nothing about checking again", async () => {
    show(ready([ok([association({ partnerName: "Adatum" })])]));
    await expectVerdict("Partner of record: Adatum — CSP reseller since 1 Jan 2020. Direct outreach is disabled.");
    expect(screen.queryByText("Checking the partner of record again…")).toBeNull();
  });

  test("active partner of record: the one-line verdict, the evidence and why", async () => {
    show(
      ready([
        ok([
          association({
            partnerName: "Harbor Computer Services",
            relationshipType: "csp-reseller",
            startDate: "2019-03-03",
            externalReference: "PC-1",
          }),
        ]),
      ]),
    );
    await expectVerdict(
      "Partner of record: Harbor Computer Services — CSP reseller since 3 Mar 2019. Direct outreach is disabled.",
    );
    const evidence = screen.getByRole("list", { name: "Evidence" });
    expect(within(evidence).getAllByRole("listitem")).toHaveLength(1);
    expect(evidence).toHaveTextContent("Harbor Computer Services");
    expect(evidence).toHaveTextContent("since 3 Mar 2019");
    expect(evidence).toHaveTextContent("Source: Partner feed");
    expect(evidence).toHaveTextContent("Ref. PC-1");
    expect(evidence).toHaveTextContent("Blocks outreach");
    expect(screen.getByText("Harbor Computer Services holds an active CSP reseller.")).toBeTruthy();
  });

  test("no partner of record", async () => {
    show(ready([ok([])]));
    await expectVerdict("No partner of record. Outreach is allowed.");
    expect(screen.getByText("No partner associations are recorded for this account or its parents.")).toBeTruthy();
  });

  test("source failure: could not be verified, with Retry that calls back", async () => {
    const failed: SourceOutcome = {
      source: "Dataverse",
      sourceKind: "dataverse",
      ok: false,
      failure: { kind: "server", message: "503" },
    };
    const onRetry = show(ready([failed]));
    await expectVerdict("Partner status could not be verified. Outreach stays disabled.");
    expect(screen.getByText("Dataverse could not be read (service error).")).toBeTruthy();
    // A source that failed proves nothing: never "no associations are recorded".
    expect(screen.queryByText("No partner associations are recorded for this account or its parents.")).toBeNull();
    expect(
      screen.getByText("No partner associations could be read: a source did not answer (see above)."),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  test("inherited from the parent account", async () => {
    show(
      ready([
        ok([
          association({
            partnerName: "Northwind Partners",
            relationshipType: "pal",
            depth: 1,
            customerName: "Fabrikam Holdings",
            startDate: "2021-07-01",
          }),
        ]),
      ]),
    );
    await expectVerdict(
      "Partner of record: Northwind Partners — PAL since 1 Jul 2021. Direct outreach is disabled. Inherited from Fabrikam Holdings.",
    );
    expect(screen.getByRole("list", { name: "Evidence" })).toHaveTextContent("inherited from Fabrikam Holdings");
  });

  test("expiring soon warns and keeps outreach disabled", async () => {
    show(
      ready([
        ok([association({ partnerName: "Adatum", relationshipType: "deal-registration", startDate: "2026-09-10" })]),
      ]),
    );
    await expectVerdict("Direct outreach is disabled.");
    // 90 days from 10 Sep: 10 Sep to 8 Dec, both included; outreach opens as 9 Dec begins.
    expect(
      await screen.findByText(
        /Expiring soon: the deal registration of Adatum protects this account until 8 Dec 2026\./,
      ),
    ).toBeTruthy();
    expect(screen.getByRole("list", { name: "Evidence" })).toHaveTextContent(
      "protected until 8 Dec 2026 (registration window)",
    );
  });

  test("history is collapsed behind a button and never blocks", async () => {
    show(ready([ok([association({ partnerName: "Old Partner", endDate: "2024-01-01" })])]));
    await expectVerdict("No partner of record. Outreach is allowed.");
    expect(screen.queryByText("Old Partner")).toBeNull();
    const toggle = screen.getByRole("button", { name: "Show history (1)" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    fireEvent.click(toggle);
    expect(screen.getByRole("list", { name: "History" })).toHaveTextContent("Old Partner");
    expect(screen.getByRole("list", { name: "History" })).toHaveTextContent("ended 1 Jan 2024");
  });

  test("loading shows a shimmer with an accessible label and no verdict", async () => {
    show({ kind: "loading" });
    expect(screen.getAllByText("Checking partner of record…").length).toBeGreaterThan(0);
    expect(screen.queryByText(/Outreach is allowed/)).toBeNull();
  });

  test("a control error reads as unverified, with Retry", async () => {
    const onRetry = show({ kind: "error", message: "boom" });
    await expectVerdict("Partner status could not be verified. Outreach stays disabled. boom");
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(onRetry).toHaveBeenCalled();
  });

  test("names from data are text, never HTML", async () => {
    show(ready([ok([association({ partnerName: '<img src=x onerror="alert(1)">Evil' })])]));
    expect(document.querySelector("img")).toBeNull();
    await expectVerdict('<img src=x onerror="alert(1)">Evil');
  });

  test("data notes and policy problems are shown for review", async () => {
    show(
      ready(
        [ok([association({ relationshipType: "unknown", rawType: "777", partnerName: "X" })])],
        ["expiringSoonDays: expected a whole number from 0 to 365"],
      ),
    );
    expect(await screen.findByText(/Unknown relationship type code 777/)).toBeTruthy();
    expect(await screen.findByText(/settings that were ignored: expiringSoonDays/)).toBeTruthy();
    await expectVerdict("Partner of record: X — unknown relationship type since");
  });

  test("a new, unsaved account asks to save first", async () => {
    show({ kind: "new-record" });
    expect(await screen.findByText("Save the account to check its partner of record.")).toBeTruthy();
  });

  test("German strings render from the second .resx", async () => {
    const de = strictTranslate(1031);
    render(<VerdictCard state={ready([ok([])])} t={de} locale="de-DE" onRetry={jest.fn()} />);
    await expectVerdict("Kein Partner of Record. Ansprache ist erlaubt.");
  });
});

/** @jest-environment jsdom */
/**
 * The grid badge's cell renderers as the Power Apps grid calls them (props + rendererParams with
 * colDefs and rowData), rendered with Testing Library: the words of each status, what it shows when
 * the partner and date columns are not in the view, German, and null (the grid's own renderer) for
 * every other column. Then the control's lifecycle: init answers the grid's event with the renderers.
 */
import * as React from "react";
import { render, screen } from "@testing-library/react";
import { createCellRendererOverrides } from "../../PartnerGuardGridBadge/badge/cellRenderers";
import type {
  CellRendererOverrides,
  GetRendererParams,
  GridColumn,
  GridCustomizer,
} from "../../PartnerGuardGridBadge/badge/gridContract";
import { PartnerGuardGridBadge } from "../../PartnerGuardGridBadge/index";
import { StoredOutreachCodes, StoredVerdict } from "../../src/schema";
import { resxStrings, strictTranslate } from "../helpers/strings";

const V = StoredVerdict;
const S = StoredOutreachCodes;
const TODAY = "2026-12-04";
const BADGE = "PartnerGuardGridBadge";

const english = createCellRendererOverrides({ t: strictTranslate(1033, BADGE), locale: "en-GB", today: TODAY });
const german = createCellRendererOverrides({ t: strictTranslate(1031, BADGE), locale: "de-DE", today: TODAY });

/** The columns of the PartnerGuard views, in their order (model/accountViews.ts). */
const VIEW_COLUMNS: GridColumn[] = [
  { name: "name", dataType: "Text" },
  { name: V.outreach, dataType: "OptionSet" },
  { name: V.partnerName, dataType: "Text" },
  { name: V.partner, dataType: "Lookup" },
  { name: V.relationshipType, dataType: "OptionSet" },
  { name: V.protectedUntil, dataType: "DateOnly" },
  { name: V.computedOn, dataType: "DateAndTime" },
];

function params(row: Record<string, unknown>, columns = VIEW_COLUMNS, column: string = V.outreach): GetRendererParams {
  return {
    colDefs: columns,
    columnIndex: columns.findIndex((c) => c.name === column),
    rowData: { __rec_id: "c0000000-0000-4000-8000-000000000001", ...row },
  };
}

/** The status cell of a row, as the grid asks for it. */
function cell(
  overrides: CellRendererOverrides,
  row: Record<string, unknown>,
  columns = VIEW_COLUMNS,
): React.ReactElement | null | undefined {
  return overrides.OptionSet({ value: row[V.outreach] }, params(row, columns));
}

function show(element: React.ReactElement | null | undefined): HTMLElement {
  if (!element) throw new Error("the renderer returned null: the grid would show its own cell");
  render(element);
  return screen.getByRole("img");
}

const fabrikam = { name: "Fabrikam Partners", etn: "account", id: { guid: "a0000000-0000-4000-8000-000000000009" } };

describe("the badge in the status column", () => {
  test("allowed: 'Clear for outreach', in words, with what it is as of", () => {
    const badge = show(cell(english, { [V.outreach]: S.allowed }));
    expect(badge).toHaveTextContent("Clear for outreach");
    expect(badge).toHaveAttribute(
      "title",
      "Clear for outreach. As of the last PartnerGuard sync. Start outreach checks again, live.",
    );
    expect(badge).toHaveAccessibleName(badge.getAttribute("title") ?? "");
  });

  test("blocked: the partner's name and the protection's last day", () => {
    const badge = show(
      cell(english, {
        [V.outreach]: S.blocked,
        [V.partnerName]: "Fabrikam Partners",
        [V.partner]: fabrikam,
        [V.protectedUntil]: "2027-03-31",
      }),
    );
    expect(badge).toHaveTextContent("Partner of record: Fabrikam Partners");
    expect(badge).toHaveTextContent("until 31 Mar 2027");
  });

  test("blocked by a partner without an account row (Graph): the name column alone names it", () => {
    const badge = show(cell(english, { [V.outreach]: S.blocked, [V.partnerName]: "Tailspin (tenant)" }));
    expect(badge).toHaveTextContent("Partner of record: Tailspin (tenant)");
    expect(badge).not.toHaveTextContent("until");
  });

  test("blocked, in a view with only the lookup: its name", () => {
    const columns = VIEW_COLUMNS.filter((c) => c.name !== V.partnerName);
    const badge = show(cell(english, { [V.outreach]: S.blocked, [V.partner]: fabrikam }, columns));
    expect(badge).toHaveTextContent("Partner of record: Fabrikam Partners");
  });

  test("blocked, in a view without the partner and date columns: the status alone, nothing read from elsewhere", () => {
    const columns = VIEW_COLUMNS.filter((c) => ![V.partnerName, V.partner, V.protectedUntil].includes(c.name as never));
    // Even if the row carried them, a column the view does not have is not the view's data.
    const badge = show(
      cell(
        english,
        { [V.outreach]: S.blocked, [V.partnerName]: "Fabrikam", [V.protectedUntil]: "2027-03-31" },
        columns,
      ),
    );
    expect(badge.textContent).toBe("Partner of record");
  });

  test("a protection that ended after the last sync says so instead of 'blocked'", () => {
    const badge = show(
      cell(english, { [V.outreach]: S.blocked, [V.partnerName]: "Fabrikam", [V.protectedUntil]: "2026-12-03" }),
    );
    expect(badge).toHaveTextContent("Protection by Fabrikam ended on 3 Dec 2026");
    expect(badge).not.toHaveTextContent("Partner of record");
  });

  test("a protection ending today still protects today", () => {
    const badge = show(cell(english, { [V.outreach]: S.blocked, [V.protectedUntil]: TODAY }));
    expect(badge).toHaveTextContent("Partner of recorduntil 4 Dec 2026");
  });

  test("allowed by exception: the partner and the protection's end as detail", () => {
    const badge = show(
      cell(english, {
        [V.outreach]: S["allowed-by-exception"],
        [V.partnerName]: "Fabrikam",
        [V.protectedUntil]: "2027-03-01",
      }),
    );
    expect(badge).toHaveTextContent("Allowed by exception");
    expect(badge).toHaveTextContent("Fabrikam, until 1 Mar 2027");
  });

  test("could not be verified: said so, never shown as clear", () => {
    const badge = show(cell(english, { [V.outreach]: S.unverified, [V.protectedUntil]: "2026-01-01" }));
    expect(badge.textContent).toBe("Could not be verified");
  });

  test("reads the dates and choices the grid may pass: a Date, an ISO string, a numeric string", () => {
    const badge = show(
      english.OptionSet(
        { value: String(S.blocked) },
        params({ [V.protectedUntil]: new Date(2027, 2, 31), [V.partnerName]: "Fabrikam" }),
      ),
    );
    expect(badge).toHaveTextContent("until 31 Mar 2027");
    const iso = english.OptionSet(
      { value: { value: S.blocked } },
      params({ [V.protectedUntil]: "2027-03-31T00:00:00Z" }),
    );
    expect(iso).not.toBeNull();
  });

  test("German strings", () => {
    const badge = show(
      cell(german, { [V.outreach]: S.blocked, [V.partnerName]: "Fabrikam", [V.protectedUntil]: "2027-03-31" }),
    );
    expect(badge).toHaveTextContent("Partner of Record: Fabrikam");
    expect(badge).toHaveTextContent("bis 31. März 2027");
    expect(badge.getAttribute("title")).toContain("Stand der letzten PartnerGuard-Synchronisierung");
  });

  test("every status has its words in both languages", () => {
    for (const lcid of [1033, 1031]) {
      const strings = resxStrings(lcid, BADGE);
      for (const key of [
        "Badge_Allowed",
        "Badge_AllowedByException",
        "Badge_Blocked",
        "Badge_Unverified",
        "Badge_AsOf",
      ])
        expect([lcid, key, (strings.get(key) ?? "").length > 0]).toEqual([lcid, key, true]);
    }
  });
});

describe("every other cell keeps the grid's own renderer", () => {
  test("another choice column (the relationship type) returns null", () => {
    const row = { [V.outreach]: S.blocked, [V.relationshipType]: 100000003 };
    expect(english.OptionSet({ value: 100000003 }, params(row, VIEW_COLUMNS, V.relationshipType))).toBeNull();
  });

  test("an empty status (never synced) or a value that is not ours returns null", () => {
    expect(cell(english, { [V.outreach]: null })).toBeNull();
    expect(cell(english, { [V.outreach]: undefined })).toBeNull();
    expect(cell(english, { [V.outreach]: 42 })).toBeNull();
    expect(cell(english, { [V.outreach]: "Blocked" })).toBeNull();
  });

  test("only choice columns are overridden: text, lookups and dates are not asked for", () => {
    expect(Object.keys(english)).toEqual(["OptionSet"]);
  });

  test("the renderer is pure: the same cell twice gives the same badge", () => {
    const row = { [V.outreach]: S.blocked, [V.partnerName]: "Fabrikam", [V.protectedUntil]: "2027-03-31" };
    const { container: a } = render(cell(english, row) as React.ReactElement);
    const { container: b } = render(cell(english, row) as React.ReactElement);
    expect(a.innerHTML).toBe(b.innerHTML);
  });
});

/** A context with what the control uses; fireEvent records what the control answered. */
function context(eventName: string | null, languageId = 1033, offsetMinutes = 0) {
  const fired: [string, GridCustomizer][] = [];
  const strings = resxStrings(languageId, BADGE);
  const ctx = {
    parameters: { EventName: { raw: eventName } },
    resources: { getString: (key: string) => strings.get(key) ?? key },
    userSettings: { languageId, getTimeZoneOffsetMinutes: () => offsetMinutes },
    factory: { fireEvent: (name: string, customizer: GridCustomizer) => fired.push([name, customizer]) },
  };
  return { ctx: ctx as unknown as ComponentFramework.Context<never>, fired };
}

describe("the control's lifecycle (what the grid hosts)", () => {
  afterEach(() => jest.useRealTimers());

  test("init fires the grid's event with { cellRendererOverrides }, and renders nothing of its own", () => {
    const { ctx, fired } = context("onGridCustomizer_42");
    const control = new PartnerGuardGridBadge();
    control.init(ctx);
    expect(fired.map(([name, c]) => [name, Object.keys(c), Object.keys(c.cellRendererOverrides)])).toEqual([
      ["onGridCustomizer_42", ["cellRendererOverrides"], ["OptionSet"]],
    ]);
    const { container } = render(control.updateView());
    expect(container.innerHTML).toBe("");
    expect(control.getOutputs()).toEqual({});
  });

  test("without an event name it fires nothing", () => {
    const { ctx, fired } = context(null);
    new PartnerGuardGridBadge().init(ctx);
    expect(fired).toEqual([]);
  });

  test("speaks the user's language and counts days in the user's Dataverse time zone", () => {
    jest.useFakeTimers({ now: Date.parse("2026-12-04T23:30:00Z") });
    // UTC+14: it is already 5 December for this user, so a protection ending on the 4th has ended.
    const { ctx, fired } = context("e", 1031, 14 * 60);
    new PartnerGuardGridBadge().init(ctx);
    const overrides = fired[0][1].cellRendererOverrides;
    const badge = show(
      overrides.OptionSet(
        { value: S.blocked },
        params({ [V.outreach]: S.blocked, [V.partnerName]: "Fabrikam", [V.protectedUntil]: "2026-12-04" }),
      ),
    );
    expect(badge).toHaveTextContent("Schutz durch Fabrikam endete am 4. Dez. 2026");
  });
});

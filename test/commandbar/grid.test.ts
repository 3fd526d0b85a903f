/**
 * Start outreach from a view, and the rule of the gated out-of-box commands, as a seller uses them:
 * the shipped roles through the emulator, the script's Xrm functions (webresource/index.ts Grid),
 * the real .resx strings.
 */
import { installXrm } from "../helpers/xrm";
import { auditRefusedFor } from "../helpers/faults";
import { showWhy } from "../helpers/selectionNotice";
import { DEMO, approveExceptionOn, demoEmulator } from "../helpers/demo";
import { Grid } from "../../webresource/index";
import * as grid from "../../webresource/grid";
import { xrmHost } from "../../webresource/host";
import { forgetSelections, MAX_SELECTION } from "../../src/sources/selectionResolution";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import { Account, AuditDecisionCodes, ENGAGEMENT_ACTIVITY, OutreachAudit } from "../../src/schema";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";

const ORPHAN = "a1000000-0000-4000-8000-0000000000f1"; // its parent is not there: not an absent one
const MISSING_PARENT = "a1000000-0000-4000-8000-0000000000f2";

beforeEach(() => {
  forgetSelections();
  grid.forgetNotice();
  forgetSharedResolutions();
});

/** The demo, plus an account whose parent the answer leaves out, an approved exception on Contoso and a deleted account. */
async function mixedOrg() {
  const emulator = demoEmulator();
  emulator.insert(Account.logicalName, {
    [Account.id]: ORPHAN,
    [Account.name]: "Orphan Logistics",
    [Account.parent]: { $lookup: "account", id: MISSING_PARENT },
  });
  await approveExceptionOn(emulator, DEMO.alpine, PERSONAS.seller);
  await emulator.deleteRecord(Account.logicalName, DEMO.wideWorld);
  emulator.requests.length = 0;
  return emulator;
}

/** allowed, allowed, blocked, parent-protected, allowed by exception, unverified, deleted. */
const MIXED = [DEMO.woodgrove, DEMO.tailspin, DEMO.contoso, DEMO.fabrikamEurope, DEMO.alpine, ORPHAN, DEMO.wideWorld];
/** The grid passes ids in braces, upper case. */
const asGrid = (ids: string[]) => ids.map((id) => `{${id.toUpperCase()}}`);

const audits = (emulator: DataverseEmulator) => emulator.table(OutreachAudit.logicalName);
const phoneCalls = (emulator: DataverseEmulator) => emulator.table("phonecall");
const regarding = (row: Record<string, unknown>) => (row.regardingobjectid as { id: string } | undefined)?.id;

describe("the rules on a seller's selection", () => {
  test("a mixed selection: Start outreach on, the gated commands off, one notification saying why", async () => {
    const emulator = await mixedOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    const [some, every] = await Promise.all([
      Grid.isOutreachEnabled(asGrid(MIXED)),
      Grid.isEverySelectedAllowed(asGrid(MIXED)),
    ]);
    expect(some).toBe(true);
    expect(every).toBe(false);
    // Both rules shared one resolution: the configuration and one request per table.
    expect(emulator.requests.map((r) => r.entity).sort()).toEqual([
      "account",
      "environmentvariabledefinition",
      "pg_outreachdecision",
      "pg_outreachexception",
      "task",
    ]);
    await new Promise((r) => setTimeout(r, 0));
    // Its action lists them, with partner and reason, without a request.
    const why = await showWhy(
      recorded,
      emulator,
      "PartnerGuard: 4 of 7 selected accounts are blocked or could not be verified, so commands that reach every selected customer (email, marketing list, quick campaign, sequence) are off. Start outreach lists them and offers to engage their partners.",
    );
    expect(why).toContain("Not cleared for direct outreach: 4 accounts.");
    expect(why).toContain(
      "• Contoso Pharmaceuticals: Partner of record: Harbor Computer Services — CSP reseller since",
    );
    expect(why).toContain("• Fabrikam Europe GmbH: Partner of record: Northwind Partners");
    expect(why).toContain("• Orphan Logistics: Partner status could not be verified.");
    expect(why).toContain(`• ${DEMO.wideWorld}: Partner status could not be verified.`);
    expect(why).not.toContain("Woodgrove");
    expect(why).not.toContain("Alpine"); // allowed by an approved exception
  });

  test("the same set again, in another order: no request; a fine selection clears the notification", async () => {
    const emulator = await mixedOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    await Grid.isOutreachEnabled(asGrid(MIXED));
    const after = emulator.requests.length;
    await Grid.isEverySelectedAllowed(asGrid([...MIXED].reverse()));
    await Grid.isOutreachEnabled([...MIXED, MIXED[0]]);
    expect(emulator.requests).toHaveLength(after);
    await new Promise((r) => setTimeout(r, 0));
    expect(recorded.shownNotices).toHaveLength(1); // the same selection: the same notification
    await expect(Grid.isEverySelectedAllowed(asGrid([DEMO.woodgrove, DEMO.alpine]))).resolves.toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(recorded.notices.size).toBe(0);
    // A new selection with a blocked account replaces, never adds.
    await Grid.isOutreachEnabled(asGrid([DEMO.woodgrove, DEMO.contoso]));
    await Grid.isOutreachEnabled(asGrid([DEMO.tailspin, DEMO.litware]));
    await new Promise((r) => setTimeout(r, 0));
    expect(recorded.notices.size).toBe(1);
    expect([...recorded.notices.values()][0].message).toContain("1 of 2 selected accounts");
  });

  test("a notification the seller closed does not keep the next selection's from showing", async () => {
    const emulator = await mixedOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    await Grid.isOutreachEnabled(asGrid([DEMO.woodgrove, DEMO.contoso]));
    await new Promise((r) => setTimeout(r, 0));
    recorded.notices.clear(); // closed with its close button
    await Grid.isOutreachEnabled(asGrid([DEMO.woodgrove, DEMO.litware]));
    await new Promise((r) => setTimeout(r, 0));
    expect([...recorded.notices.values()].map((n) => n.message)).toEqual([
      expect.stringContaining("PartnerGuard: 1 of 2 selected accounts are blocked"),
    ]);
  });

  test("'all records on current page': on only when every account of the page is allowed; the selection's notification is left alone", async () => {
    const emulator = await mixedOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(Grid.isEveryOnPageAllowed(asGrid([DEMO.woodgrove, DEMO.alpine]))).resolves.toBe(true);
    await expect(Grid.isEveryOnPageAllowed(asGrid(MIXED))).resolves.toBe(false);
    await expect(Grid.isEveryOnPageAllowed([])).resolves.toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    expect(recorded.shownNotices).toHaveLength(0);
    // The selection's notice, once shown, survives a page rule over a fine page.
    await Grid.isEverySelectedAllowed(asGrid([DEMO.woodgrove, DEMO.contoso]));
    await Grid.isEveryOnPageAllowed(asGrid([DEMO.woodgrove]));
    await new Promise((r) => setTimeout(r, 0));
    expect(recorded.notices.size).toBe(1);
  });

  test("only blocked or unverified accounts: both rules off; nothing selected: off without a request", async () => {
    const emulator = await mixedOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(Grid.isOutreachEnabled(asGrid([DEMO.contoso, ORPHAN, DEMO.wideWorld]))).resolves.toBe(false);
    forgetSelections();
    emulator.requests.length = 0;
    await expect(Grid.isOutreachEnabled([])).resolves.toBe(false);
    await expect(Grid.isEverySelectedAllowed([])).resolves.toBe(false);
    await expect(Grid.isEverySelectedAllowed(undefined as unknown as string[])).resolves.toBe(false);
    expect(emulator.requests).toHaveLength(0);
  });

  test(`over ${MAX_SELECTION} accounts: off, no request, and the notification says to select fewer`, async () => {
    const emulator = demoEmulator();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    const many = Array.from(
      { length: MAX_SELECTION + 1 },
      (_, i) => `c0000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    );
    await expect(Grid.isOutreachEnabled(many)).resolves.toBe(false);
    await expect(Grid.isEverySelectedAllowed(many)).resolves.toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    expect(emulator.requests).toHaveLength(0);
    expect([...recorded.notices.values()].map((n) => n.message)).toEqual([
      "PartnerGuard: 251 accounts are selected; at most 250 can be checked at once, so outreach commands are off for this selection.",
    ]);
    await grid.startOutreach(xrmHost(), many);
    expect(recorded.alerts[0].text).toBe(
      "251 accounts are selected. PartnerGuard checks at most 250 accounts at once: select fewer accounts to start outreach from this view.",
    );
    expect(audits(emulator)).toHaveLength(0);
  });

  test("a resolution slower than the budget: false within the budget, never a rejection", async () => {
    const emulator = demoEmulator({ fault: () => "hang" });
    installXrm(emulator.as(PERSONAS.seller), undefined);
    const started = Date.now();
    await expect(grid.isOutreachEnabled(xrmHost(), [DEMO.woodgrove], 200)).resolves.toBe(false);
    await expect(grid.isEverySelectedAllowed(xrmHost(), [DEMO.woodgrove], 200)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("Dataverse down: every account could not be verified, both rules off", async () => {
    const emulator = demoEmulator({
      fault: (r) => (r.entity === "account" ? { status: 503, message: "down" } : undefined),
    });
    installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(Grid.isOutreachEnabled([DEMO.woodgrove])).resolves.toBe(false);
  });
});

describe("the action on a seller's selection", () => {
  test("lists what is not cleared, engages those partners, then opens outreach for the cleared ones only", async () => {
    const emulator = await mixedOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    const outcome = await grid.startOutreach(xrmHost(), asGrid(MIXED));
    expect(outcome.cleared.sort()).toEqual([DEMO.alpine, DEMO.tailspin, DEMO.woodgrove].sort());
    expect(outcome.engaged.sort()).toEqual([DEMO.contoso, DEMO.fabrikamEurope].sort());
    expect(outcome.started.sort()).toEqual(outcome.cleared.sort());
    expect(outcome.failed).toEqual([]);
    // First dialog: the accounts not cleared, with partner and reason, and the offer to engage.
    expect(recorded.confirms[0].text).toContain(
      "• Contoso Pharmaceuticals: Partner of record: Harbor Computer Services",
    );
    expect(recorded.confirms[0].text).toContain(
      "Engage the partners of record instead? PartnerGuard creates a task for the partner manager on 2 accounts.",
    );
    expect(recorded.confirms[0].confirmButtonLabel).toBe("Engage partners");
    // Second: the cleared ones, confirmed before anything opens.
    expect(recorded.confirms[1].text).toContain("Start outreach for 3 accounts cleared for it?");
    expect(recorded.confirms[1].text).toContain("• Alpine Ski House");
    // One phone call per cleared account, regarding it, created by the seller.
    expect(phoneCalls(emulator).map(regarding).sort()).toEqual(outcome.cleared.sort());
    expect(
      phoneCalls(emulator)
        .map((p) => p.subject)
        .sort(),
    ).toContain("Outreach: Woodgrove Foods");
    expect(phoneCalls(emulator).every((p) => (p.createdby as { id: string }).id === PERSONAS.seller.id)).toBe(true);
    // One engagement task per partner engaged.
    const tasks = emulator
      .table(ENGAGEMENT_ACTIVITY.logicalName)
      .filter((t) => t.category === ENGAGEMENT_ACTIVITY.categoryValue);
    expect(tasks.map(regarding).sort()).toEqual(outcome.engaged.sort());
    // Audit: every account checked; the allowed ones allowed (or by exception), the others blocked, plus the engagements.
    const decisionsFor = (id: string) =>
      audits(emulator)
        .filter((a) => (a[OutreachAudit.account] as { id: string }).id === id)
        .map((a) => a[OutreachAudit.decision])
        .sort();
    expect(decisionsFor(DEMO.woodgrove)).toEqual([AuditDecisionCodes.allowed]);
    expect(decisionsFor(DEMO.alpine)).toEqual([AuditDecisionCodes["allowed-by-exception"]]);
    expect(decisionsFor(DEMO.contoso)).toEqual([AuditDecisionCodes.blocked, AuditDecisionCodes["engaged-partner"]]);
    expect(decisionsFor(ORPHAN)).toEqual([AuditDecisionCodes.blocked]);
    // A deleted account has no row to record a check on: listed, not audited, nothing opens.
    expect(decisionsFor(DEMO.wideWorld)).toEqual([]);
    expect(recorded.alerts.at(-1)?.text).toContain("Outreach started for 3 accounts");
    expect(recorded.alerts.at(-1)?.text).toContain("Partners engaged on 2 accounts.");
    expect(recorded.forms).toEqual([]); // nothing opens a form per account
  });

  test("the seller cancels: no phone call, no engagement; the checks of the accounts read are still recorded", async () => {
    const emulator = await mixedOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: false });
    const outcome = await grid.startOutreach(xrmHost(), MIXED);
    expect(outcome.cancelled).toBe(true);
    expect(phoneCalls(emulator)).toHaveLength(0);
    expect(emulator.table(ENGAGEMENT_ACTIVITY.logicalName).filter((t) => t.category)).toHaveLength(0);
    expect(audits(emulator).map((a) => a[OutreachAudit.decision])).toEqual(Array(3).fill(AuditDecisionCodes.blocked));
  });

  test("an audit entry that cannot be written: nothing opens for that account, the seller is told, the others proceed", async () => {
    const emulator = demoEmulator({ fault: auditRefusedFor(DEMO.tailspin) });
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    const outcome = await grid.startOutreach(xrmHost(), [DEMO.woodgrove, DEMO.tailspin]);
    expect(outcome.started).toEqual([DEMO.woodgrove]);
    expect(outcome.failed).toEqual([{ id: DEMO.tailspin, step: "audit", message: "audit store unavailable" }]);
    expect(phoneCalls(emulator).map(regarding)).toEqual([DEMO.woodgrove]);
    expect(recorded.alerts.at(-1)?.text).toBe(
      [
        "Outreach started for 1 account: a phone call regarding each is in your activities.",
        "",
        "The check could not be recorded for these accounts, so nothing was opened for them:",
        "• Tailspin Toys (audit store unavailable)",
      ].join("\n"),
    );
  });

  test("the action checks again, fresh: an account blocked since the rule ran gets no outreach", async () => {
    const emulator = demoEmulator();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    await expect(Grid.isEverySelectedAllowed([DEMO.woodgrove, DEMO.tailspin])).resolves.toBe(true);
    emulator.insert("pg_partnerassociation", {
      pg_partnerassociationid: "d0000000-0000-4000-8000-000000000001",
      pg_customeraccountid: { $lookup: "account", id: DEMO.woodgrove },
      pg_relationshiptype: 100000004,
      pg_associationstatus: 100000000,
      pg_startdate: "2026-01-01",
    });
    const before = emulator.requests.filter((r) => r.entity === "account").length;
    const refreshed: string[] = [];
    const outcome = await grid.startOutreach(xrmHost(), [DEMO.woodgrove, DEMO.tailspin], {
      refreshRibbon: () => refreshed.push("ribbon"),
    });
    expect(emulator.requests.filter((r) => r.entity === "account")).toHaveLength(before + 1);
    expect(outcome.notCleared).toEqual([DEMO.woodgrove]);
    expect(outcome.started).toEqual([DEMO.tailspin]);
    expect(phoneCalls(emulator).map(regarding)).toEqual([DEMO.tailspin]);
    expect(recorded.confirms[0].text).toContain("• Woodgrove Foods: Partner of record:");
    // What the re-check found now answers the rules, and the command bar is asked to show it.
    expect(refreshed).toEqual(["ribbon"]);
    const requests = emulator.requests.length;
    await expect(Grid.isEverySelectedAllowed([DEMO.tailspin, DEMO.woodgrove])).resolves.toBe(false);
    expect(emulator.requests).toHaveLength(requests);
  });

  test("a parent another business unit keeps from the seller: could not be verified, nothing opens", async () => {
    const EAST = "b0000000-0000-4000-8000-0000000000e1";
    const eastSeller: Persona = {
      ...PERSONAS.seller,
      id: "66666666-6666-4666-8666-666666666666",
      name: "Eli East",
      businessUnitId: EAST,
      base: PERSONAS.seller.base.map((p) => (p.name === "prvReadAccount" ? { ...p, depth: "Local" as const } : p)),
    };
    const emulator = demoEmulator();
    emulator.businessUnits.define(EAST);
    for (const id of [DEMO.fabrikamEurope, DEMO.woodgrove]) {
      const row = emulator.table(Account.logicalName).find((r) => r[Account.id] === id);
      if (row) row.owningbusinessunit = { $lookup: "businessunit", id: EAST };
    }
    installXrm(emulator.as(eastSeller), undefined, { confirm: true });
    const outcome = await grid.startOutreach(xrmHost(), [DEMO.fabrikamEurope, DEMO.woodgrove, DEMO.contoso]);
    // Fabrikam Holdings (its parent) is beyond what the seller reads; Contoso itself is too.
    expect(outcome.notCleared.sort()).toEqual([DEMO.contoso, DEMO.fabrikamEurope].sort());
    expect(outcome.started).toEqual([DEMO.woodgrove]);
  });
});

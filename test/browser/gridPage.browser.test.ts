/**
 * The account view page as a seller uses it: the demo accounts in a grid with the stored status
 * badge (drawn by the packed grid customizer control), a multi-selection, and the command bar with
 * Start outreach and the stand-ins for the gated out-of-box commands, each with the enable rules the
 * packed RibbonDiffXml gives it, calling the packed outreach.js. The page shows a command whose rule
 * is false disabled, with why (the platform hides it).
 */
import { join } from "path";
import { Page } from "playwright-core";
import { PERSONAS } from "../../src/emulator/personas";
import { Account, AuditDecisionCodes, OUTREACH_ACTIVITY, OutreachAudit } from "../../src/schema";
import { Harness, SHOTS, axeViolations, openPage, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 90000);
afterAll(async () => h?.stop());

const ACCOUNTS = {
  tailspin: { name: "Tailspin Toys", id: "a1000000-0000-4000-8000-000000000004" },
  woodgrove: { name: "Woodgrove Foods", id: "a1000000-0000-4000-8000-000000000005" },
  contoso: { name: "Contoso Pharmaceuticals", id: "a1000000-0000-4000-8000-000000000001" },
  litware: { name: "Litware Retail", id: "a1000000-0000-4000-8000-000000000003" },
};
type Key = keyof typeof ACCOUNTS;

/** The gated out-of-box commands that act on the selection (Quick campaign's "current page" acts on every row). */
const GATED = ["sendDirectEmail", "addToList", "quickCampaignSelected"];

/**
 * The org without Microsoft Graph: with Graph on, the grid's rules count an account as "could not
 * be verified" whenever its (secured) tenant id is not in the answer, as a grid cannot tell a value
 * the seller may not read from none (src/sources/selectionResolution.ts), so no command would be on.
 */
async function openView(query = "") {
  const opened = await openPage(h, `?page=accounts&graph=off&latency=50${query}`);
  await opened.page.locator('[data-testid="account-grid"][data-loaded="true"]').waitFor();
  await settled(opened.page);
  return opened;
}

/** Waits until every command's rules have answered for the selection the grid shows now. */
async function settled(page: Page): Promise<void> {
  const view = await page.getByTestId("account-view").elementHandle();
  await page.waitForFunction(
    (el) => el?.getAttribute("data-answered-for") === el?.getAttribute("data-selection"),
    view,
  );
}

function row(page: Page, key: Key) {
  return page.getByRole("row", { name: new RegExp(ACCOUNTS[key].name) });
}

/** Ticks (or unticks) rows' check boxes, as a seller builds a multi-selection, and waits for the rules. */
async function toggle(page: Page, ...keys: Key[]): Promise<void> {
  // A click re-renders the grid at once (data-selection), the rules answer later (data-answered-for).
  for (const key of keys) await row(page, key).getByRole("checkbox").click();
  await settled(page);
}

function command(page: Page, key: string) {
  return page.locator(`[data-testid="grid-command-${key}"]`);
}

async function enabled(page: Page, key: string): Promise<boolean> {
  return !(await command(page, key).isDisabled());
}

async function states(page: Page, keys: string[]): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const key of keys) out[key] = await enabled(page, key);
  return out;
}

const allOn = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, true]));
const allOff = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, false]));

describe("the command bar follows the selection", () => {
  test("only allowed accounts: Start outreach and the gated commands are on", async () => {
    const { page, problems } = await openView();
    // The package redefines every gated command (the stand-ins run its rules, not the platform's alone).
    for (const key of GATED) await expect(command(page, key).getAttribute("data-redefined")).resolves.toBe("true");
    expect(await states(page, ["startOutreach", ...GATED])).toEqual(allOff(["startOutreach", ...GATED]));
    await toggle(page, "tailspin", "woodgrove");
    expect(await states(page, ["startOutreach", ...GATED])).toEqual(allOn(["startOutreach", ...GATED]));
    // "All records on current page" acts on every row of the view, blocked ones included.
    expect(await enabled(page, "quickCampaignPage")).toBe(false);
    await expect(page.getByTestId("grid-command-reasons").textContent()).resolves.toMatch(
      /Quick campaign \(all records on current page\): off — PartnerGuard allows it only when every account on the page is clear for outreach/,
    );
    // "All records on all pages" ignores the selection: the package hides it, so the page has none.
    await expect(command(page, "quickCampaignAll").count()).resolves.toBe(0);
    expect(await page.getByTestId("global-notifications").count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, "grid-allowed.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("a blocked account joins: the gated commands go off with the reason shown, Start outreach stays on", async () => {
    const { page, problems } = await openView();
    await toggle(page, "tailspin", "woodgrove");
    await toggle(page, "contoso");
    expect(await states(page, ["startOutreach", ...GATED])).toEqual({
      startOutreach: true,
      ...allOff(GATED),
    });
    const reasons = (await page.getByTestId("grid-command-reasons").textContent()) ?? "";
    for (const label of ["Send direct email", "Add to marketing list", "Quick campaign (selected records)"])
      expect(reasons).toContain(`${label}: off — PartnerGuard allows it only when every selected account is clear`);
    // The script's own notification (Xrm.App.addGlobalNotification) says how many and why.
    const notice = page.getByTestId("global-notifications");
    await expect(notice.textContent()).resolves.toMatch(
      /1 of 3 selected accounts are blocked or could not be verified/,
    );
    // Its action lists them with partner and reason.
    await notice.getByRole("button", { name: "Show why" }).click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog.textContent()).resolves.toMatch(
      /Contoso Pharmaceuticals: Partner of record: Harbor Computer Services — CSP reseller since 3 Mar 2019\. Direct outreach is disabled\./,
    );
    await page.screenshot({ path: join(SHOTS, "grid-mixed-why.png"), fullPage: true });
    await dialog.getByRole("button", { name: "OK" }).click();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("only blocked accounts: every command is off, with the reason", async () => {
    const { page, problems } = await openView();
    await toggle(page, "contoso", "litware");
    expect(await states(page, ["startOutreach", ...GATED])).toEqual(allOff(["startOutreach", ...GATED]));
    await expect(page.getByTestId("grid-command-reasons").textContent()).resolves.toMatch(
      /Start outreach: off — no selected account is clear for outreach/,
    );
    await expect(page.getByTestId("global-notifications").textContent()).resolves.toMatch(
      /2 of 2 selected accounts are blocked or could not be verified/,
    );
    // Unselecting them all clears the notification: nothing selected is not a problem to explain.
    await toggle(page, "contoso", "litware");
    await page.getByTestId("global-notifications").waitFor({ state: "detached" });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("a selection seen before is answered from the script's cache: no request", async () => {
    const { page } = await openView();
    const sellerRequests = () =>
      page.evaluate(
        (seller) =>
          (
            window as unknown as { partnerguardPlayground: { emulator: { requests: { userId?: string }[] } } }
          ).partnerguardPlayground.emulator.requests.filter((r) => r.userId === seller).length,
        PERSONAS.seller.id,
      );
    await toggle(page, "tailspin", "contoso");
    await toggle(page, "woodgrove");
    const before = await sellerRequests();
    await toggle(page, "woodgrove"); // back to {Tailspin, Contoso}
    expect(await states(page, ["startOutreach", ...GATED])).toEqual({ startOutreach: true, ...allOff(GATED) });
    expect((await sellerRequests()) - before).toBe(0);
    await page.context().close();
  });
});

describe("Start outreach from the view", () => {
  test("a mixed selection: the blocked ones are listed with partner and reason; after confirming, one activity and one audit entry per allowed account", async () => {
    const { page, problems } = await openView();
    await toggle(page, "tailspin", "woodgrove", "contoso");
    await command(page, "startOutreach").click();
    const dialog = page.getByRole("alertdialog");
    // First the accounts not cleared, with their partner and reason, and the offer to engage them.
    await dialog.getByText(/Not cleared for direct outreach: 1 account\./).waitFor();
    await expect(dialog.textContent()).resolves.toMatch(
      /Contoso Pharmaceuticals: Partner of record: Harbor Computer Services — CSP reseller since 3 Mar 2019\. Direct outreach is disabled\./,
    );
    await page.screenshot({ path: join(SHOTS, "grid-start-outreach-blocked.png"), fullPage: true });
    await dialog.getByRole("button", { name: "Skip" }).click();
    // Then the allowed ones, to confirm.
    await dialog.getByText(/Start outreach for 2 accounts cleared for it\?/).waitFor();
    const proceed = (await dialog.textContent()) ?? "";
    expect(proceed).toContain("Tailspin Toys");
    expect(proceed).toContain("Woodgrove Foods");
    expect(proceed).not.toContain("Contoso");
    await dialog.getByRole("button", { name: "Start outreach" }).click();
    await dialog.getByText(/Outreach started for 2 accounts/).waitFor();
    await dialog.getByRole("button", { name: "OK" }).click();

    const written = await page.evaluate(
      ({ audit, activity, account }) => {
        const emulator = (
          window as unknown as {
            partnerguardPlayground: { emulator: { table(name: string): Record<string, unknown>[] } };
          }
        ).partnerguardPlayground.emulator;
        const idOf = (v: unknown) => (v as { id?: string } | undefined)?.id?.toLowerCase();
        return {
          audits: emulator
            .table(audit.logicalName)
            .map((r) => ({ account: idOf(r[audit.account]), decision: r[audit.decision] })),
          activities: emulator.table(activity).map((r) => idOf(r.regardingobjectid)),
          accountTable: account,
        };
      },
      { audit: OutreachAudit, activity: OUTREACH_ACTIVITY, account: Account.logicalName },
    );
    const { tailspin, woodgrove, contoso } = ACCOUNTS;
    expect(written.activities.sort()).toEqual([tailspin.id, woodgrove.id].sort());
    const allowedAudits = written.audits.filter((a) => a.decision === AuditDecisionCodes.allowed);
    expect(allowedAudits.map((a) => a.account).sort()).toEqual([tailspin.id, woodgrove.id].sort());
    // The blocked account's check is recorded too, and nothing opens for it.
    expect(written.audits.filter((a) => a.account === contoso.id).map((a) => a.decision)).toEqual([
      AuditDecisionCodes.blocked,
    ]);
    await expect(page.getByTestId("grid-result").textContent()).resolves.toMatch(
      /Audit entries written: 3\..*Activities created: 2\./,
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("a stand-in says what the platform would run, with the parameters its command passes", async () => {
    const { page } = await openView();
    await toggle(page, "tailspin");
    await command(page, "addToList").click();
    await expect(page.getByTestId("grid-result").textContent()).resolves.toMatch(
      /Add to marketing list \(stand-in\): the platform would run Marketing\.CommandActions\.Instance\.addToList from \$webresource:Marketing\/CommandActions\/Marketing_CommandActions\.js with SelectedControl, SelectedControlSelectedItemReferences/,
    );
    await page.context().close();
  });
});

describe("the status badge", () => {
  test("is text with the partner and the protection's end, drawn by the packed grid customizer", async () => {
    const { page, problems } = await openView();
    const badge = (key: Key) => row(page, key).getByRole("img");
    await expect(badge("litware").getAttribute("aria-label")).resolves.toMatch(/Adatum Solutions.*8 Dec 2026/);
    await expect(badge("litware").textContent()).resolves.toMatch(
      /Partner of record: Adatum Solutions.*until 8 Dec 2026/,
    );
    await expect(badge("tailspin").textContent()).resolves.toMatch(/Clear for outreach/);
    // The relationship type is a choice column too: the customizer leaves it to the grid's own text.
    await expect(row(page, "litware").textContent()).resolves.toContain("Deal registration");
    await expect(row(page, "litware").getByRole("img").count()).resolves.toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("accessibility", () => {
  test("no serious or critical axe violation, with a selection and the notification shown", async () => {
    const { page } = await openView();
    await toggle(page, "tailspin", "contoso");
    await page.getByTestId("global-notifications").waitFor();
    const serious = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "grid-axe.png"), fullPage: true });
    await page.context().close();
  });
});

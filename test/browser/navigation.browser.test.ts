/**
 * The playground behaves like the Unified Interface: opening another account navigates in the
 * same window (nothing shared is reset), the org's data outlives navigation and reloads, and a
 * verdict already resolved is reused only within the admin's freshness bound. The faces load in no
 * fixed order, a second tab is a window of its own, and a form opened again and again leaves
 * only its newest context listening.
 */
import { Page } from "playwright-core";
import { Harness, openPage, settledButton, startHarness, verdictText } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 90000);
afterAll(async () => h?.stop());

/** Open another account from the picker, in the same window; its card's verdict. */
async function openAccount(page: Page, label: RegExp, scenario: string): Promise<string> {
  await page.getByRole("combobox", { name: "Demo account" }).click();
  await page.getByRole("option", { name: label }).click();
  // The picker's handler changes the URL and the form in one React update.
  await page.waitForFunction((id) => new URL(location.href).searchParams.get("account") === id, scenario);
  return verdictText(page);
}

/** Another user adds a CSP reseller association to Woodgrove Foods, in the org's Dataverse. */
async function partnerArrivesAtWoodgrove(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      partnerguardPlayground: { emulator: { insert(table: string, row: Record<string, unknown>): void } };
    };
    w.partnerguardPlayground.emulator.insert("pg_partnerassociation", {
      pg_partnerassociationid: "d9000000-0000-4000-8000-000000000001",
      pg_name: "Harbor for Woodgrove",
      pg_customeraccountid: { $lookup: "account", id: "a1000000-0000-4000-8000-000000000005" },
      pg_partneraccountid: { $lookup: "account", id: "b1000000-0000-4000-8000-000000000001" },
      pg_relationshiptype: 100000000,
      pg_associationstatus: 100000000,
      pg_startdate: "2026-11-01",
      pg_source: 100000000,
    });
  });
}

describe("moving between accounts in one window", () => {
  test("A -> B -> A after A's data changed: the same verdict within the freshness bound, the new one after it", async () => {
    // The default freshness bound (30 s); the demo clock is moved past it rather than waited out.
    const { page, problems } = await openPage(h, "?account=none&latency=20");
    expect(await verdictText(page)).toMatch(/^No partner of record/);
    const requestsFor = () =>
      page.evaluate(
        // The seller's reads of the account (the approver panel reads as its own user).
        () =>
          (
            window as unknown as {
              partnerguardPlayground: { emulator: { requests: { entity: string; userId?: string }[] } };
            }
          ).partnerguardPlayground.emulator.requests.filter(
            (r) => r.entity === "account" && r.userId === "11111111-1111-4111-8111-111111111111",
          ).length,
      );
    const before = await requestsFor();

    await openAccount(page, /Contoso Pharmaceuticals/, "active");
    await partnerArrivesAtWoodgrove(page);
    // Back within 30 s: the window's verdict is reused (no request), as the admin allows.
    expect(await openAccount(page, /Woodgrove Foods/, "none")).toMatch(/^No partner of record/);
    expect(await requestsFor()).toBe(before + 1); // only Contoso was read

    await page.evaluate(() =>
      (
        window as unknown as { partnerguardPlayground: { advanceClock(ms: number): void } }
      ).partnerguardPlayground.advanceClock(31_000),
    );
    await openAccount(page, /Contoso Pharmaceuticals/, "active");
    expect(await openAccount(page, /Woodgrove Foods/, "none")).toMatch(/^Partner of record: Harbor Computer Services/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("Reload page starts a new page load: nothing stored by the previous one is reused, the org's data stays", async () => {
    const { page, problems } = await openPage(h, "?account=none&latency=20");
    expect(await verdictText(page)).toMatch(/^No partner of record/);
    await partnerArrivesAtWoodgrove(page);
    await page.getByTestId("reload-page").click();
    await page.waitForFunction(() =>
      (document.querySelector('.pg-verdict [role="status"]')?.textContent ?? "").startsWith("Partner of record"),
    );
    expect(await verdictText(page)).toMatch(/^Partner of record: Harbor Computer Services/);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

const WOODGROVE = "a1000000-0000-4000-8000-000000000005";

interface Seam {
  partnerguardPlayground: { ribbonRefreshes: number[]; formLoads: number };
}

describe("the faces of one form, tabs and reopened forms", () => {
  test("command bar first, then the card: the card still asks Microsoft Graph and the command follows its verdict", async () => {
    const { page, problems } = await openPage(h, "?account=graph&order=commandbar-first&latency=20");
    // The command bar's rule answers before the card exists (the script has no Graph source).
    await settledButton(page);
    expect(await verdictText(page)).toMatch(/^Partner of record: Adatum Distribution — CSP reseller/);
    // The card asked Graph itself, after the command bar had answered without it.
    const timing = await page.evaluate(() => ({
      answered: (window as unknown as { partnerguardPlayground: { firstRuleAnswerAt?: number } }).partnerguardPlayground
        .firstRuleAnswerAt,
      graph: performance
        .getEntriesByType("resource")
        .filter((e) => new URL(e.name).pathname.startsWith("/graph/"))
        .map((e) => e.startTime),
    }));
    expect(timing.answered).toEqual(expect.any(Number));
    expect(timing.graph.length).toBeGreaterThan(0);
    expect(Math.min(...timing.graph)).toBeGreaterThan(timing.answered as number);
    // The card's verdict is the form's newest: the command bar is refreshed and stays disabled.
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="start-outreach"]')?.getAttribute("data-rule") === "answered" &&
        (window as unknown as Seam).partnerguardPlayground.ribbonRefreshes.length > 0,
    );
    expect(await (await settledButton(page)).isDisabled()).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("a pending marker left by another page load (a dead or duplicated tab) does not stall the verdict", async () => {
    const context = await h.browser.newContext();
    // Session storage as a duplicated tab inherits it: a marker whose lease runs ten minutes on.
    await context.addInitScript((key) => {
      window.sessionStorage.setItem(
        key,
        JSON.stringify({
          state: "pending",
          page: "page-1700000000000",
          owner: "a-tab-that-is-gone",
          until: Date.now() + 600_000,
          tenantId: "",
          sources: ["Dataverse", "Microsoft Graph"],
        }),
      );
    }, `partnerguard:resolution:${WOODGROVE}`);
    const page = await context.newPage();
    await page.goto(h.url + "?account=none&latency=20");
    // Well inside the enable rule's budget; a stall would wait out the marker's lease.
    await page.waitForFunction(
      () => (document.querySelector('.pg-verdict [role="status"]')?.textContent ?? "").startsWith("No partner"),
      undefined,
      { timeout: 8000 },
    );
    expect(await (await settledButton(page)).isEnabled()).toBe(true);
    await context.close();
  });

  test("a second tab is a window of its own: it reads the org again instead of this tab's copy", async () => {
    const { page, problems } = await openPage(h, "?account=none&latency=20");
    expect(await verdictText(page)).toMatch(/^No partner of record/);
    // This tab's settled verdict is in session storage, which the new tab receives a copy of.
    expect(await page.evaluate((key) => sessionStorage.getItem(key), `partnerguard:resolution:${WOODGROVE}`)).toContain(
      '"settled"',
    );
    await partnerArrivesAtWoodgrove(page);
    const [tab] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("new-tab").click()]);
    const tabProblems: string[] = [];
    tab.on("pageerror", (e) => tabProblems.push(e.message));
    expect(await verdictText(tab)).toMatch(/^Partner of record: Harbor Computer Services/);
    expect(await (await settledButton(tab)).isDisabled()).toBe(true);
    // The first tab keeps its verdict until it reads again (within the freshness bound).
    expect(await verdictText(page)).toMatch(/^No partner of record/);
    expect([...problems, ...tabProblems]).toEqual([]);
    await page.context().close();
  });

  test("a form reopened three times: one change refreshes only the newest form's command bar, once", async () => {
    // freshness=0: every form load reads the account again.
    const { page, problems } = await openPage(h, "?account=none&latency=20&freshness=0");
    expect(await verdictText(page)).toMatch(/^No partner of record/);
    const seam = () => page.evaluate(() => (window as unknown as Seam).partnerguardPlayground);
    for (let i = 0; i < 3; i++) {
      const loads = (await seam()).formLoads;
      await page.getByRole("menuitem", { name: "Refresh" }).click();
      await page.waitForFunction((n) => (window as unknown as Seam).partnerguardPlayground.formLoads === n, loads + 1);
      await settledButton(page);
      expect(await verdictText(page)).toMatch(/^No partner of record/);
    }
    const before = (await seam()).ribbonRefreshes.length;
    await partnerArrivesAtWoodgrove(page);
    await page.getByRole("menuitem", { name: "Refresh" }).click();
    await page.waitForFunction(() =>
      (document.querySelector('.pg-verdict [role="status"]')?.textContent ?? "").startsWith("Partner of record"),
    );
    await page.waitForFunction(
      (n) => (window as unknown as Seam).partnerguardPlayground.ribbonRefreshes.length > n,
      before,
    );
    await settledButton(page);
    const after = await seam();
    expect(after.formLoads).toBe(5);
    expect(after.ribbonRefreshes.slice(before)).toEqual([5]);
    expect(await (await settledButton(page)).isDisabled()).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

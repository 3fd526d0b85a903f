/**
 * The playground behaves like the Unified Interface: opening another account navigates in the
 * same window (nothing shared is reset), the org's data outlives navigation and reloads, and a
 * verdict already resolved is reused only within the admin's freshness bound.
 */
import { Page } from "playwright-core";
import { Harness, openPage, startHarness, verdictText } from "./harness";

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
    const { page, problems } = await openPage(h, "?account=none&latency=20&freshness=3");
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
    // Back within 3 s: the window's verdict is reused (no request), as the admin allows.
    expect(await openAccount(page, /Woodgrove Foods/, "none")).toMatch(/^No partner of record/);
    expect(await requestsFor()).toBe(before + 1); // only Contoso was read

    await page.waitForTimeout(3200);
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

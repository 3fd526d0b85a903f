/**
 * The playground's contact form (`?page=contact`) in Chromium, on the packed zip: the shipped
 * control on "Contact (PartnerGuard)" judges the contact's account, and the command bar is the
 * zip's contact RibbonDiffXml evaluated against the same org. Three contacts: one of a partnered
 * account (blocked, gated commands off), one of a clear account (allowed, on), one without an
 * account (the card says so; nothing blocked).
 */
import { join } from "path";
import type { Page } from "playwright-core";
import { Harness, SHOTS, axeViolations, openPage, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 90000);
afterAll(async () => h?.stop());

/** Every command of the form has answered; returns each command's key → on/off. */
async function commandStates(page: Page): Promise<Record<string, string>> {
  await page.waitForFunction(
    () => {
      const items = Array.from(document.querySelectorAll('[data-testid^="form-command-"]'));
      return items.length > 0 && items.every((e) => e.getAttribute("data-rule") === "answered");
    },
    undefined,
    { timeout: 20000 },
  );
  return page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll('[data-testid^="form-command-"]')).map((e) => [
        (e.getAttribute("data-testid") ?? "").replace("form-command-", ""),
        e.getAttribute("data-enabled") ?? "",
      ]),
    ),
  );
}

async function cardText(page: Page): Promise<string> {
  const host = page.getByTestId("control-host");
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="control-host"]');
      return !!el && !el.querySelector('[aria-busy="true"]') && (el.textContent ?? "").length > 0;
    },
    undefined,
    { timeout: 20000 },
  );
  return (await host.textContent()) ?? "";
}

test("a contact of a partnered account: the card shows the account's verdict; the gated form commands are off", async () => {
  const { page, problems } = await openPage(h, "?page=contact&contact=partnered&latency=50");
  await page.getByText(/^Partner of record: Harbor Computer Services/).waitFor({ timeout: 20000 });
  const card = await cardText(page);
  expect(card).toMatch(/Verdict for the contact's account Contoso Pharmaceuticals\./);
  expect(card).toMatch(/Direct outreach is disabled\./);
  await expect(page.getByRole("button", { name: "Engage partner" }).count()).resolves.toBe(1);
  const states = await commandStates(page);
  // Read from the zip's contact RibbonDiffXml: at least the out-of-box form command it gates.
  expect(states["Mscrm.AddPrimaryToMarketingList"]).toBe("false");
  expect(Object.values(states).every((v) => v === "false")).toBe(true);
  const serious = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "contact-partnered.png"), fullPage: true });
  expect(problems).toEqual([]);
  await page.context().close();
}, 90000);

test("a contact of a clear account: outreach allowed; the gated form commands are on", async () => {
  const { page, problems } = await openPage(h, "?page=contact&contact=clear&latency=50");
  await page.getByText("No partner of record. Outreach is allowed.").waitFor({ timeout: 20000 });
  expect(await cardText(page)).toMatch(/Verdict for the contact's account Woodgrove/);
  const states = await commandStates(page);
  expect(states["Mscrm.AddPrimaryToMarketingList"]).toBe("true");
  await page.screenshot({ path: join(SHOTS, "contact-clear.png"), fullPage: true });
  expect(problems).toEqual([]);
  await page.context().close();
}, 90000);

test("a contact without an account: the card says so, in German too; nothing is blocked", async () => {
  const { page, problems } = await openPage(h, "?page=contact&contact=no-account&latency=50");
  expect(await cardText(page)).toMatch(/This contact has no account .* PartnerGuard blocks nothing here\./);
  await expect(page.locator("[data-outreach]").count()).resolves.toBe(0);
  const states = await commandStates(page);
  expect(states["Mscrm.AddPrimaryToMarketingList"]).toBe("true");
  await page.screenshot({ path: join(SHOTS, "contact-no-account.png"), fullPage: true });
  expect(problems).toEqual([]);
  await page.context().close();

  const german = await openPage(h, "?page=contact&contact=no-account&lang=1031&latency=50");
  expect(await cardText(german.page)).toMatch(/Dieser Kontakt hat kein Konto/);
  expect(german.problems).toEqual([]);
  await german.page.context().close();
}, 90000);

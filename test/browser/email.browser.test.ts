/**
 * The playground's email page (`?page=email`) in Chromium, on the packed zip's outreach.js: the
 * rule named by the packed email RibbonDiff.xml judges the recipients; a contact of a blocked
 * account turns Send off with the form notification; a clear recipient lets Send go, audited.
 */
import { join } from "path";
import type { Page } from "playwright-core";
import { Harness, SHOTS, axeViolations, openPage, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 90000);
afterAll(async () => h?.stop());

async function settled(page: Page): Promise<string> {
  const state = page.getByTestId("email-send-state");
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="email-send-state"]')?.textContent?.includes("checking"),
    undefined,
    { timeout: 15000 },
  );
  return (await state.textContent()) ?? "";
}

async function toggle(page: Page, field: string, option: string): Promise<void> {
  await page.getByTestId(`email-${field}`).click();
  await page.locator(".ms-Callout").getByText(option, { exact: true }).click();
  await page.keyboard.press("Escape");
}

test("a contact of a blocked account in To turns Send off with the notification; a clear one sends, audited", async () => {
  const { page, problems } = await openPage(h, "?page=email&latency=50");
  await settled(page);
  await toggle(page, "to", "Dana Whitman (contact)");
  expect(await settled(page)).toMatch(/platform hides a command whose rule is false/);
  // A changed recipient costs one request: the contact's lookup and its account's reads in one $batch
  // (the shipped script's same-origin POST, answered by the page's org).
  await expect(page.getByTestId("email-requests").textContent()).resolves.toBe(
    "Requests to the org for this check: 1.",
  );
  await expect(page.getByTestId("email-send").isDisabled()).resolves.toBe(true);
  const notice = (await page.getByTestId("email-notification").textContent()) ?? "";
  expect(notice).toMatch(/Contoso Pharmaceuticals \(via Dana Whitman\)/);
  expect(notice).toMatch(/Harbor Computer Services/);
  const serious = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "email-blocked.png"), fullPage: true });

  await toggle(page, "to", "Dana Whitman (contact)"); // removed: judged again
  await toggle(page, "to", "Wes Porter (contact)");
  await toggle(page, "cc", "Avery Seller (user)");
  const after = await settled(page);
  expect([after, await page.getByTestId("email-notification").allTextContents()]).toEqual([
    expect.stringMatching(/every recipient.s account is clear/),
    [],
  ]);
  await expect(page.getByTestId("email-notification").count()).resolves.toBe(0);
  await page.getByTestId("email-send").click();
  await expect(page.getByTestId("email-sent").textContent()).resolves.toMatch(/Sent\. Audit entries in the org: 1\./);
  expect(problems).toEqual([]);
  await page.context().close();
}, 60000);

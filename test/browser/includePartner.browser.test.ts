import { join } from "path";
import { Harness, SHOTS, axeViolations, openPage, settledButton, startHarness, verdictText } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 90000);
afterAll(async () => h?.stop());

describe("include the partner, in the browser", () => {
  test("request, own approval refused, approval, then Start outreach is allowed by exception", async () => {
    const { page, problems } = await openPage(h, "?account=active&latency=50");
    await verdictText(page);
    await page.getByRole("button", { name: "Request exception" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Request an outreach exception" });
    // Fluent moves focus into a dialog after its open animation: typing before that can land elsewhere.
    await page.waitForFunction(() => !!document.activeElement?.closest('[role="alertdialog"]'));
    const justification = dialog.getByRole("textbox", { name: /Justification/ });
    await justification.fill("The customer's CIO asked for a direct call about the renewal.");
    await page.waitForFunction(
      () =>
        document
          .querySelector<HTMLTextAreaElement>('[role="alertdialog"] textarea')
          ?.value.startsWith("The customer's CIO") === true,
    );
    await dialog.getByRole("combobox", { name: /Reason/ }).click();
    await page.getByRole("option", { name: "Customer asked for direct contact" }).click();
    // Fluent's dropdown commits the choice after its callout closes: send only once it shows.
    await dialog
      .getByRole("combobox", { name: /Reason/ })
      .filter({ hasText: "Customer asked for direct contact" })
      .waitFor();
    const serious = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious).toEqual([]);
    await dialog.getByRole("button", { name: "Send request" }).click();
    // The dialog closes once the request is saved; if it stays, what it says is the failure.
    await dialog
      .getByRole("button", { name: "Send request" })
      .waitFor({ state: "detached", timeout: 20000 })
      .catch(async () => {
        await page.screenshot({ path: join(SHOTS, "failed-exception-dialog.png"), fullPage: true });
        throw new Error(`the request dialog stayed open: ${await dialog.innerText().catch(() => "(no text)")}`);
      });
    await page
      .getByText(/is waiting for an approver\.$/)
      .waitFor()
      .catch(async (e: unknown) => {
        // Keep what the page showed, to tell a refused request from a card that did not refresh.
        await page.screenshot({ path: join(SHOTS, "failed-exception-pending.png"), fullPage: true });
        throw e;
      });
    await page.screenshot({ path: join(SHOTS, "exception-pending.png"), fullPage: true });

    // The approver (the panel acts as Jordan Approver) got an in-app notification; its action opens the request.
    const notifications = page.getByRole("region", { name: "Notifications" });
    await notifications.getByText("Outreach exception requested: Contoso Pharmaceuticals").waitFor();
    expect(await notifications.innerText()).toContain(
      "Avery Seller asks to contact Contoso Pharmaceuticals directly for 14 days. Reason: Customer asked for direct contact.",
    );
    // The card did not warn: every approver was notified.
    expect(await page.locator(".pg-not-notified").count()).toBe(0);
    await notifications.getByText("Open the request").first().click();
    await page.waitForFunction(() => document.activeElement?.classList.contains("pg-pending-request") === true);
    expect(await page.locator('.pg-pending-request[aria-current="true"]').count()).toBe(1);

    await page.getByRole("combobox", { name: "Acting as" }).click();
    await page.getByRole("option", { name: "Avery Seller (seller)" }).click();
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByText("You cannot approve or reject your own request.").waitFor();

    await page.getByRole("combobox", { name: "Acting as" }).click();
    await page.getByRole("option", { name: "Jordan Approver (seller, approver)" }).click();
    await page.getByRole("button", { name: "Approve" }).click();
    expect(
      await page
        .getByText(/^Outreach allowed by an approved exception until 8 Dec 2026\./)
        .first()
        .textContent(),
    ).toContain("Harbor Computer Services");
    const button = await settledButton(page);
    await page.waitForFunction(
      () => !(document.querySelector('[data-testid="start-outreach"]') as HTMLButtonElement).disabled,
    );
    await button.click();
    await expect(page.getByTestId("outreach-result").textContent()).resolves.toMatch(
      /Outreach check: Contoso Pharmaceuticals — allowed by exception/,
    );
    await page.screenshot({ path: join(SHOTS, "exception-approved.png"), fullPage: true });
    // The approver is told the requester heard of it; the requester's notifications say so.
    await page.getByText("Decision saved; Avery Seller was notified.").waitFor();
    await page.getByRole("combobox", { name: "Acting as" }).click();
    await page.getByRole("option", { name: "Avery Seller (seller)" }).click();
    await page
      .getByRole("region", { name: "Notifications" })
      .getByText("Outreach exception approved: Contoso Pharmaceuticals")
      .waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("keyboard only: Engage partner opens a dialog that keeps focus inside, Escape closes it and focus returns", async () => {
    const { page } = await openPage(h, "?account=inherited&latency=50");
    await verdictText(page);
    let name = "";
    for (let i = 0; i < 40 && name !== "Engage partner"; i++) {
      await page.keyboard.press("Tab");
      name = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? "");
    }
    expect(name).toBe("Engage partner");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("alertdialog", { name: "Engage Northwind Partners" });
    // (the dialog's own box is the zero-height modal root: wait for its content)
    await dialog.getByRole("button", { name: "Record engagement" }).waitFor();
    // Opening the dialog moves focus into it (Fluent's focus trap activates after the open animation).
    await page.waitForFunction(() => !!document.activeElement?.closest('[role="alertdialog"]'));
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="alertdialog"]'))).toBe(true);
    }
    await page.keyboard.press("Escape");
    await dialog.getByRole("button", { name: "Record engagement" }).waitFor({ state: "detached" });
    await page.waitForFunction(
      () => (document.activeElement as HTMLElement | null)?.innerText?.trim() === "Engage partner",
    );
    await page.context().close();
  });

  test("engaging the partner with the keyboard records it on the card", async () => {
    const { page } = await openPage(h, "?account=expiring&latency=50");
    await verdictText(page);
    await page.getByRole("button", { name: "Engage partner" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("alertdialog", { name: /^Engage / });
    // As above: type once Fluent's focus trap has moved focus into the dialog.
    await page.waitForFunction(() => !!document.activeElement?.closest('[role="alertdialog"]'));
    await dialog
      .getByRole("textbox", { name: "Note for the partner manager" })
      .fill("Adatum to lead the Q1 expansion.");
    await dialog.getByRole("button", { name: "Record engagement" }).focus();
    await page.keyboard.press("Enter");
    await page.getByText(/^Partner engaged on 24 Nov 2026 by Avery Seller\.$/).waitFor();
    await page.getByRole("button", { name: "History" }).click();
    await expect(page.getByRole("list", { name: "Recent PartnerGuard history" }).textContent()).resolves.toContain(
      "Avery Seller · partner engaged",
    );
    await page.screenshot({ path: join(SHOTS, "partner-engaged.png"), fullPage: true });
    await page.context().close();
  });
});

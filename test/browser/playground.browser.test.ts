import { join } from "path";
import { SCENARIOS } from "../../playground/scenarios";
import { Harness, SHOTS, axeViolations, openPage, settledButton, startHarness, verdictText } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 90000);
afterAll(async () => h?.stop());

const EXPECTED_TEXT: Record<string, RegExp> = {
  active:
    /^Partner of record: Harbor Computer Services — CSP reseller since 3 Mar 2019\. Direct outreach is disabled\.$/,
  inherited:
    /^Partner of record: Northwind Partners — PAL since 1 Jul 2021\. Direct outreach is disabled\. Inherited from Fabrikam Holdings\.$/,
  expiring:
    /^Partner of record: Adatum Solutions — deal registration since 10 Sept? 2026\. Direct outreach is disabled\.$/,
  history: /^No partner of record\. Outreach is allowed\.$/,
  none: /^No partner of record\. Outreach is allowed\.$/,
  many: /^Partner of record: Lucerne Publishing IT — CSP indirect reseller since 12 Feb 2024\. Direct outreach is disabled\.$/,
  other: /^No partner of record\. Outreach is allowed\.$/,
  failure: /^Partner status could not be verified\. Outreach stays disabled\.$/,
  graph: /^Partner of record: Adatum Distribution — CSP reseller\. Direct outreach is disabled\.$/,
};

const EVIDENCE_ROWS: Record<string, number> = {
  active: 1,
  inherited: 1,
  expiring: 1,
  history: 0,
  none: 0,
  many: 4,
  other: 1,
  failure: 0,
  graph: 2,
};

describe.each(SCENARIOS.map((s) => [s.id, s] as const))("scenario %s", (id, scenario) => {
  test("verdict, evidence, Start outreach state, no serious accessibility violation; screenshot", async () => {
    const { page, problems } = await openPage(h, `?account=${id}`);
    expect(await verdictText(page)).toMatch(EXPECTED_TEXT[id]);
    expect(await page.locator('ul[aria-label="Evidence"] > li').count()).toBe(EVIDENCE_ROWS[id]);
    const button = await settledButton(page);
    expect(await button.evaluate((b) => b.tagName)).toBe("BUTTON");
    if (scenario.expect === "allowed") await expect(button.isDisabled()).resolves.toBe(false);
    else {
      await expect(button.isDisabled()).resolves.toBe(true);
      await expect(page.getByTestId("outreach-reason").textContent()).resolves.toContain(
        scenario.expect === "unverified" ? "could not be verified" : "Direct outreach is disabled",
      );
    }
    const serious = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `${id}.png`), fullPage: true });
    expect(problems.filter((p) => !(id === "failure" && p.includes("503")))).toEqual([]);
    await page.context().close();
  });
});

describe("the seller's flows", () => {
  test("clicking an allowed Start outreach shows the audit entry written and the activity that would open", async () => {
    const { page, problems } = await openPage(h, "?account=none");
    await verdictText(page);
    await (await settledButton(page)).click();
    const result = page.getByTestId("outreach-result");
    await expect(result.textContent()).resolves.toMatch(
      /Audit entry written: Outreach check: Woodgrove Foods — allowed — sources: Dataverse: read/,
    );
    await expect(result.textContent()).resolves.toMatch(
      /Activity that would open: phonecall “Outreach: Woodgrove Foods” regarding Woodgrove Foods/,
    );
    await page.screenshot({ path: join(SHOTS, "start-outreach-allowed.png") });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("source failure: Retry is offered and reachable", async () => {
    const { page } = await openPage(h, "?account=failure");
    await verdictText(page);
    const retry = page.getByRole("button", { name: "Retry" });
    await retry.click();
    expect(await verdictText(page)).toMatch(EXPECTED_TEXT.failure);
    await page.context().close();
  });
});

describe("keyboard only", () => {
  test("history and Start outreach are reachable and operable with Tab and Enter, with visible focus", async () => {
    const { page } = await openPage(h, "?account=history");
    await verdictText(page);
    await settledButton(page);
    const reached: string[] = [];
    const trail: string[] = [];
    const focusedLabel = () =>
      page.evaluate(
        () =>
          (document.activeElement as HTMLElement | null)?.querySelector(".ms-Button-label")?.textContent?.trim() ?? "",
      );
    for (let i = 0; i < 30 && reached.length < 2; i++) {
      await page.keyboard.press("Tab");
      let name = await focusedLabel();
      trail.push(name || (await page.evaluate(() => document.activeElement?.tagName ?? "")));
      // The command bar is one tab stop; its commands are reached with the arrow keys (menubar pattern).
      for (let j = 0; j < 4 && name === "Save" && !reached.includes("outreach"); j++) {
        await page.keyboard.press("ArrowRight");
        name = await focusedLabel();
      }
      if (name === "Start outreach" && !reached.includes("outreach")) {
        reached.push("outreach");
        // Fluent marks keyboard focus on the page so focus outlines are drawn.
        expect(await page.evaluate(() => document.body.classList.contains("ms-Fabric--isFocusVisible"))).toBe(true);
        await page.keyboard.press("Enter");
        await page.getByTestId("outreach-result").waitFor();
      }
      if (name.startsWith("Show history")) {
        reached.push("history");
        await page.keyboard.press("Enter");
        await page.locator('ul[aria-label="History"]').waitFor();
      }
    }
    expect({ reached: reached.sort(), trail }).toEqual({ reached: ["history", "outreach"], trail: expect.any(Array) });
    expect(await page.locator('ul[aria-label="History"] > li').count()).toBe(2);
    await page.context().close();
  });
});

describe("layouts, contrast and language", () => {
  test.each([
    ["narrow 300 px column", "?account=many&width=300", 380],
    ["wide", "?account=many", 1600],
  ])("%s: the card never overflows its column", async (_name, query, viewport) => {
    const { page } = await openPage(h, query, { width: viewport });
    await verdictText(page);
    const overflow = await page.evaluate(() => {
      const host = document.querySelector('[data-testid="control-host"]') as HTMLElement;
      const inside = Array.from(host.querySelectorAll<HTMLElement>("*")).filter(
        (el) => el.getBoundingClientRect().right > host.getBoundingClientRect().right + 1,
      );
      return { scroll: host.scrollWidth - host.clientWidth, offenders: inside.map((el) => el.className).slice(0, 5) };
    });
    expect(overflow).toEqual({ scroll: 0, offenders: [] });
    await page.screenshot({ path: join(SHOTS, `layout-${viewport}.png`), fullPage: true });
    await page.context().close();
  });

  test("Windows high contrast (forced colors) keeps the verdict readable", async () => {
    const { page } = await openPage(h, "?account=active", { forcedColors: true });
    const text = await verdictText(page);
    expect(text).toMatch(EXPECTED_TEXT.active);
    const colors = await page.evaluate(() => {
      const el = document.querySelector('.pg-verdict [role="status"]') as HTMLElement;
      const style = getComputedStyle(el);
      return {
        forced: matchMedia("(forced-colors: active)").matches,
        color: style.color,
        visible: el.getBoundingClientRect().height > 0,
      };
    });
    expect(colors.forced).toBe(true);
    expect(colors.visible).toBe(true);
    await page.screenshot({ path: join(SHOTS, "forced-colors.png") });
    await page.context().close();
  });

  test("the German strings render through the language switch, without truncation", async () => {
    const { page, problems } = await openPage(h, "?account=inherited");
    await verdictText(page);
    await page.getByRole("combobox", { name: "Language" }).click();
    await page.getByRole("option", { name: "Deutsch" }).click();
    await page.waitForFunction(() =>
      (document.querySelector('.pg-verdict [role="status"]')?.textContent ?? "").startsWith(
        "Partner of Record: Northwind Partners",
      ),
    );
    expect(await verdictText(page)).toBe(
      "Partner of Record: Northwind Partners — PAL seit 1. Juli 2021. Direktansprache ist deaktiviert. Geerbt von Fabrikam Holdings.",
    );
    await expect(startOutreachButtonText(page)).resolves.toBe("Ansprache starten");
    const truncated = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll<HTMLElement>('[data-testid="control-host"] *, [data-testid="start-outreach"] *'),
      )
        // visually hidden screen-reader text (1 px, clipped on purpose) is not truncation
        .filter(
          (el) =>
            el.children.length === 0 &&
            el.getBoundingClientRect().width > 1 &&
            el.scrollWidth > el.clientWidth + 1 &&
            getComputedStyle(el).overflow !== "visible",
        )
        .map((el) => el.textContent),
    );
    expect(truncated).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "german.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

async function startOutreachButtonText(page: import("playwright-core").Page): Promise<string> {
  return (await page.getByTestId("start-outreach").locator(".ms-Button-label").innerText()).trim();
}

describe("hygiene", () => {
  test("no leaked globals, no uncaught errors, no request to any host but 127.0.0.1", async () => {
    const context = await h.browser.newContext();
    const blank = await context.newPage();
    await blank.goto(h.url + "favicon.ico");
    const baseline = new Set(await blank.evaluate(() => Object.keys(window)));
    const { page, problems } = await openPage(h, "?account=active");
    await verdictText(page);
    await settledButton(page);
    const added = (await page.evaluate(() => Object.keys(window))).filter((k) => !baseline.has(k));
    // Expected: the command-bar web resource's one global, the playground's Xrm, its test seam
    // (partnerguardPlayground: the org's demo Dataverse, for "another user changed data") and
    // Fluent's config, and Fluent UI's own registries (set by the platform's Fluent in model-driven apps too).
    // What the host puts there, as the platform does: the platform libraries (their UMD names and
    // pcf-scripts' aliases), ComponentFramework with the controls it registered, and the one
    // variable pcf-scripts' wrapper of the packed bundle.js declares (it clears it only where no
    // ComponentFramework.registerControl exists).
    const HOST = [
      "React",
      "ReactDOM",
      "FluentUIReact",
      "Reactv16",
      "ReactDOMv16",
      "FluentUIReactv81211",
      "ComponentFramework",
      "playgroundControls",
    ];
    const PCF_WRAPPER = /^pcf_tools_[0-9a-f]{32}$/;
    const FLUENT = [
      "__packages__",
      "__stylesheet__",
      "__globalSettings__",
      "__currentId__",
      "__themeState__",
      "__events__",
      "__fluentDocumentPortals",
    ];
    expect(
      added.filter(
        (k) =>
          !["PartnerGuard", "Xrm", "partnerguardPlayground", "FabricConfig", ...FLUENT, ...HOST].includes(k) &&
          !PCF_WRAPPER.test(k),
      ),
    ).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
    await page.context().close();
  });
});

/**
 * What the page runs is what ships: the control's bundle.js and the web resources are the bytes
 * of the packed unmanaged zip, and every FetchXML they send while a seller works through the demo
 * scenarios is one Dataverse accepts (Fetch.xsd, ../shared/schemas). The minifier once corrupted
 * the exceptions query in bundle.js only: jest ran the sources and the page ran another build, so
 * nothing noticed. This suite fails on such a bundle.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import { join } from "path";
import { SCENARIOS } from "../../playground/scenarios";
import { PERSONAS } from "../../src/emulator/personas";
import { validateFetchXml } from "../helpers/fetchSchema";
import { Harness, ROOT, openPage, settledButton, startHarness, verdictText } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 90000);
afterAll(async () => h?.stop());

interface Shipped {
  control: string;
  /** Every control folder of the zip (the card's and the grid's customizer). */
  controls: string[];
  /** SHA-256 of each file of the zip, by the path the page is served it at. */
  sha256: Record<string, string>;
}

/** The zip's files, read by scripts/shipped.mjs: the same reader the playground server serves them with. */
function shipped(): Shipped {
  return JSON.parse(
    execFileSync(process.execPath, [join(ROOT, "scripts/shipped.mjs")], { encoding: "utf8" }),
  ) as Shipped;
}

const sha = (bytes: Uint8Array | Buffer) => createHash("sha256").update(bytes).digest("hex");

type Page = import("playwright-core").Page;

/** The FetchXML queries the signed-in seller's page sent (the card and the command bar act as the seller). */
async function sellerQueries(page: Page): Promise<string[]> {
  return page.evaluate((seller) => {
    const seam = (
      window as unknown as {
        partnerguardPlayground: { emulator: { requests: { options?: string; userId?: string }[] } };
      }
    ).partnerguardPlayground;
    return seam.emulator.requests
      .filter((r) => r.userId === seller && r.options?.startsWith("?fetchXml="))
      .map((r) => (r.options as string).slice("?fetchXml=".length));
  }, PERSONAS.seller.id);
}

describe("the page runs the packed zip's files", () => {
  test("bundle.js, its strings and the command-bar script are byte for byte the zip's, loaded as the platform loads them", async () => {
    const zip = shipped();
    const { page, problems } = await openPage(h, "?account=graph&latency=50");
    await verdictText(page);
    await settledButton(page);
    const scripts = await page.evaluate(() =>
      Array.from(document.scripts)
        .map((s) => s.getAttribute("src"))
        .filter((s): s is string => !!s),
    );
    const bundleSrc = `/controls/${zip.control}/bundle.js`;
    expect(scripts).toContain(bundleSrc);
    expect(scripts).toContain("/WebResources/pg_/scripts/outreach.js");
    // graph.js is loaded by the bundle itself, from the versioned web resource URL, as in an org.
    const graphSrc = await page.evaluate(
      () => Array.from(document.scripts).find((s) => /\/WebResources\/pg_\/scripts\/graph\.js/.test(s.src))?.src,
    );
    expect(graphSrc).toMatch(/\/%7B\d{19}%7D\/WebResources\/pg_\/scripts\/graph\.js$/);
    for (const [url, name] of [
      [bundleSrc, bundleSrc],
      [
        `/controls/${zip.control}/strings/PartnerGuard.1033.resx`,
        `/controls/${zip.control}/strings/PartnerGuard.1033.resx`,
      ],
      ["/WebResources/pg_/scripts/outreach.js", "/WebResources/pg_/scripts/outreach.js"],
      [new URL(graphSrc as string).pathname, "/WebResources/pg_/scripts/graph.js"],
    ]) {
      const served = await page.evaluate(
        async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())),
        url,
      );
      expect(zip.sha256[name]).toMatch(/^[0-9a-f]{64}$/);
      expect(sha(Buffer.from(served))).toBe(zip.sha256[name]);
    }
    // The card was rendered by the bundle's own class, registered through ComponentFramework.
    const registered = await page.evaluate(() =>
      Object.keys((window as unknown as { playgroundControls: object }).playgroundControls),
    );
    expect(registered).toEqual(["PartnerGuard.PartnerGuard"]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("the account view runs the packed zip's files too", () => {
  test("the grid customizer's bundle, manifest and strings, and the customizations.xml the page reads, are the zip's", async () => {
    const zip = shipped();
    const customizer = zip.controls.filter((c) => c !== zip.control);
    expect(customizer).toEqual(["pg_PartnerGuard.PartnerGuardGridBadge"]);
    const { page, problems } = await openPage(h, "?page=accounts&graph=off&latency=50");
    await page.locator('[data-testid="account-grid"][data-loaded="true"]').waitFor();
    // The grid loads its customizer when it mounts (the badges it draws are gridPage.browser.test.ts's).
    await page.waitForFunction(() =>
      Object.keys((window as unknown as { playgroundControls?: object }).playgroundControls ?? {}).includes(
        "PartnerGuard.PartnerGuardGridBadge",
      ),
    );
    const scripts = await page.evaluate(() =>
      Array.from(document.scripts)
        .map((s) => s.getAttribute("src"))
        .filter((s): s is string => !!s),
    );
    const folder = `/controls/${customizer[0]}`;
    expect(scripts).toContain(`${folder}/bundle.js`);
    for (const url of [
      `${folder}/bundle.js`,
      `${folder}/ControlManifest.xml`,
      `${folder}/strings/PartnerGuardGridBadge.1033.resx`,
      "/solution/customizations.xml",
      "/WebResources/pg_/scripts/outreach.js",
    ]) {
      const served = await page.evaluate(
        async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())),
        url,
      );
      expect(`${url} ${zip.sha256[url]}`).toMatch(/ [0-9a-f]{64}$/);
      expect(`${url} ${sha(Buffer.from(served))}`).toBe(`${url} ${zip.sha256[url]}`);
    }
    // The badge was drawn by the bundle's own class, registered through ComponentFramework.
    const registered = await page.evaluate(() =>
      Object.keys((window as unknown as { playgroundControls: object }).playgroundControls).sort(),
    );
    expect(registered).toEqual(["PartnerGuard.PartnerGuard", "PartnerGuard.PartnerGuardGridBadge"]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("the view's query, the selection's reads and Start outreach's re-check validate against Fetch.xsd", async () => {
    const { page, problems } = await openPage(h, "?page=accounts&graph=off&latency=50");
    await page.locator('[data-testid="account-grid"][data-loaded="true"]').waitFor();
    const settled = () =>
      page.waitForFunction(() => {
        const view = document.querySelector('[data-testid="account-view"]');
        return view?.getAttribute("data-answered-for") === view?.getAttribute("data-selection");
      });
    for (const name of ["Tailspin Toys", "Contoso Pharmaceuticals"]) {
      await page
        .getByRole("row", { name: new RegExp(name) })
        .getByRole("checkbox")
        .click();
      await settled();
    }
    await page.locator('[data-testid="grid-command-startOutreach"]').click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByRole("button", { name: "Skip" }).click();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    const queries = new Set(await sellerQueries(page));
    // The view's query, the selection's hierarchy, requests, decisions and engagements, the configuration.
    expect(queries.size).toBeGreaterThanOrEqual(5);
    const invalid: string[] = [];
    for (const q of queries) {
      const errors = await validateFetchXml(q);
      if (errors.length) invalid.push(`${errors.join("; ")}\n  in ${q}`);
    }
    expect(invalid).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("every query the shipped files send validates against Fetch.xsd", () => {
  test("all scenarios on load, the history panel, and Start outreach's fresh re-check", async () => {
    const queries = new Set<string>();
    for (const scenario of SCENARIOS) {
      const { page, problems } = await openPage(h, `?account=${scenario.id}&latency=50`);
      const verdict = await verdictText(page);
      if (scenario.expect !== "unverified") expect(`${scenario.id}: ${verdict}`).not.toMatch(/could not be verified/);
      const button = await settledButton(page);
      if (scenario.id === "none") {
        await button.click();
        await page.getByTestId("outreach-result").waitFor();
      }
      if (scenario.id === "active") {
        const before = (await sellerQueries(page)).length;
        await page.getByRole("button", { name: "History", exact: true }).click();
        await page.waitForFunction(
          (n) =>
            (window as unknown as { partnerguardPlayground: { emulator: { requests: unknown[] } } })
              .partnerguardPlayground.emulator.requests.length > n,
          before,
        );
      }
      for (const q of await sellerQueries(page)) queries.add(q);
      expect(problems).toEqual([]);
      await page.context().close();
    }
    // The card's three reads, the configuration, history and the command's re-check at least.
    expect(queries.size).toBeGreaterThanOrEqual(5);
    const invalid: string[] = [];
    for (const q of queries) {
      const errors = await validateFetchXml(q);
      if (errors.length) invalid.push(`${errors.join("; ")}\n  in ${q}`);
    }
    expect(invalid).toEqual([]);
  });
});

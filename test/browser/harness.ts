/**
 * Starts the playground (a child process on an ephemeral port) and Debian's Chromium, and watches
 * every page for uncaught errors, console errors and requests to any host but 127.0.0.1.
 */
import { ChildProcess, spawn } from "child_process";
import { mkdirSync, readFileSync } from "fs";
import { join } from "path";
import { Browser, ConsoleMessage, Page, Request, chromium } from "playwright-core";

export const ROOT = join(__dirname, "../..");
export const SHOTS = join(ROOT, "test-results/screenshots");

export interface Harness {
  url: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** Debian's chromium (or CHROMIUM_PATH), headless, with nothing of its own going out to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

export async function startHarness(): Promise<Harness> {
  const server: ChildProcess = spawn(process.execPath, [join(ROOT, "scripts/playground.mjs")], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`playground did not start: ${out}`)), 45000);
    server.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.once("exit", (code) => reject(new Error(`playground exited with ${code}: ${out}`)));
  });
  const browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
  return {
    url,
    browser,
    stop: async () => {
      await browser.close();
      server.kill();
    },
  };
}

export interface WatchedPage {
  page: Page;
  problems: string[];
}

/** A page that records what must never happen: page errors, console errors, foreign requests. */
export async function openPage(
  h: Harness,
  query: string,
  options: { width?: number; height?: number; forcedColors?: boolean } = {},
): Promise<WatchedPage> {
  const context = await h.browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    forcedColors: options.forcedColors ? "active" : "none",
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e: Error) => problems.push(`uncaught: ${e.message}`));
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("request", (r: Request) => {
    const u = new URL(r.url());
    if (!(u.protocol === "data:" || u.protocol === "blob:" || u.hostname === "127.0.0.1"))
      problems.push(`foreign request: ${r.url()}`);
  });
  await page.goto(h.url + query);
  return { page, problems };
}

/** The verdict banner's text, once the control has answered. */
export async function verdictText(page: Page): Promise<string> {
  const banner = page.locator('.pg-verdict [role="status"]');
  await banner.first().waitFor({ state: "visible" });
  await page.waitForFunction(
    () => (document.querySelector('.pg-verdict [role="status"]')?.textContent ?? "").length > 0,
  );
  return (await banner.first().textContent()) ?? "";
}

export function startOutreachButton(page: Page) {
  return page.getByRole("menuitem", { name: /^(Start outreach|Ansprache starten)$/ });
}

/** Waits until the enable rule has answered (the button leaves its "evaluating" state). */
export async function settledButton(page: Page) {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="start-outreach"]')?.getAttribute("data-rule") === "answered",
  );
  return startOutreachButton(page);
}

export const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export async function axeViolations(
  page: Page,
): Promise<{ id: string; impact: string; nodes: number; help: string }[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: object,
          ) => Promise<{ violations: { id: string; impact: string; nodes: unknown[]; help: string }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  });
}

/**
 * The Graph sign-in's redirect page, as the packed solution ships it: built by
 * scripts/build-auth-redirect.mjs, packed by the packer, taken back out of the zip and served
 * under /WebResources/<name> on 127.0.0.1, the way Dynamics serves web resources on the org's
 * origin. The "form" is another page of that origin that waits the way MSAL does: on a
 * BroadcastChannel named by the id in the request's state. The page must hand Entra's answer
 * to it, from a popup (then close) and from a hidden iframe (silent sign-in).
 */
import { execFileSync } from "child_process";
import { readFile } from "fs/promises";
import { createServer, Server } from "http";
import { AddressInfo } from "net";
import { join } from "path";
import { Browser, Page } from "playwright-core";
import { packSolution } from "../../src/pack/packSolution";
import { unzipEntries } from "../../src/pack/zip";
import { childText, elements } from "../../src/pack/xmlScan";
import { WebResourceType } from "../../src/pack/model/webResources";
import { WebResources } from "../../src/schema";
import { redirectUriFor } from "../../src/sources/graph/redirectUri";
import { Fixture, SCHEMAS, makeFixture } from "../pack/fixture";
import { ROOT, launchChromium } from "./harness";

const CONTENT_TYPES: Record<number, string> = {
  [WebResourceType.html]: "text/html; charset=utf-8",
  [WebResourceType.jscript]: "text/javascript; charset=utf-8",
};

let fx: Fixture;
let server: Server;
let origin: string;
let browser: Browser;
/** Every path the browser asked our server for. */
const served: string[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, "scripts/build-auth-redirect.mjs")], { cwd: ROOT, stdio: "pipe" });
  fx = await makeFixture("1.0.0");
  // The fixture's stand-ins are replaced by the real build, so what is served is what ships.
  for (const name of [WebResources.authRedirect, WebResources.authRedirectScript]) {
    await fx.write(`out/webresources/${name}`, await readFile(join(ROOT, "out/webresources", name), "utf8"));
  }
  const zips = await packSolution({ root: fx.root, outDir: fx.out, schemasDir: SCHEMAS });
  const entries = unzipEntries(new Uint8Array(await readFile(zips.managed)));
  const customizations = Buffer.from(entries.get("customizations.xml") ?? new Uint8Array()).toString("utf8");
  const resources = new Map<string, { type: number; body: Buffer }>();
  for (const w of elements(customizations, "WebResource")) {
    const name = childText(w.inner, "Name");
    const file = childText(w.inner, "FileName");
    const bytes = file ? entries.get(file.replace(/^\//, "")) : undefined;
    if (name && bytes)
      resources.set(name, { type: Number(childText(w.inner, "WebResourceType")), body: Buffer.from(bytes) });
  }

  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    served.push(path);
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (path === "/main.aspx") {
      res
        .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
        .end("<!DOCTYPE html><title>Account form</title><p>form</p>");
      return;
    }
    const resource = path.startsWith("/WebResources/")
      ? resources.get(decodeURIComponent(path.slice("/WebResources/".length)))
      : undefined;
    if (!resource) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { "Content-Type": CONTENT_TYPES[resource.type] ?? "application/octet-stream" })
      .end(resource.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 90000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await fx?.cleanup();
});

/** The form page, watched for uncaught errors, console errors and requests off 127.0.0.1. */
async function formPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext();
  const problems: string[] = [];
  context.on("page", (p) => {
    p.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
    p.on("console", (m) =>
      m.type() === "error" || m.type() === "warning" ? problems.push(`console ${m.type()}: ${m.text()}`) : undefined,
    );
  });
  context.on("request", (r) => {
    const u = new URL(r.url());
    if (u.hostname !== "127.0.0.1" && u.protocol !== "about:") problems.push(`foreign request: ${r.url()}`);
  });
  const page = await context.newPage();
  await page.goto(`${origin}/main.aspx?pagetype=entityrecord&etn=account`);
  return { page, problems };
}

/**
 * Starts a wait the way MSAL's main frame does (a BroadcastChannel named by the state's id) and
 * returns the URL Entra would send the browser to: the redirect URI with the answer in the hash.
 * The library state is base64url JSON `{ id, meta: { interactionType } }` (msal-common
 * ProtocolUtils.setRequestState), followed by the app's own state.
 */
async function startWait(page: Page, interactionType: "popup" | "silent"): Promise<string> {
  return page.evaluate(
    ({ redirectUri, interactionType }) => {
      const id = crypto.randomUUID();
      const libraryState = btoa(JSON.stringify({ id, meta: { interactionType } }))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
      const channel = new BroadcastChannel(id);
      const w = window as unknown as { received: Promise<unknown> };
      w.received = new Promise((resolve) => {
        channel.onmessage = (e: MessageEvent) => {
          channel.close();
          resolve(e.data);
        };
      });
      const answer = new URLSearchParams({
        code: "0.AXoA-test-code",
        client_info: "eyJ1aWQiOiIxIn0",
        state: `${libraryState}|app-state`,
        session_state: "s1",
      });
      return `${redirectUri}#${answer.toString()}`;
    },
    { redirectUri: redirectUriFor(origin), interactionType },
  );
}

async function received(page: Page): Promise<{ v: number; payload: string }> {
  return page.evaluate(() =>
    Promise.race([
      (window as unknown as { received: Promise<{ v: number; payload: string }> }).received,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("no answer on the BroadcastChannel within 5 s")), 5000),
      ),
    ]),
  );
}

describe("the Graph sign-in's redirect page (pg_/auth/redirect.html from the packed solution)", () => {
  test("the control's redirect URI is that web resource on the org's origin", () => {
    expect(redirectUriFor("https://contoso.crm4.dynamics.com")).toBe(
      "https://contoso.crm4.dynamics.com/WebResources/pg_/auth/redirect.html",
    );
  });

  test("popup: the page hands the answer to the waiting form on its BroadcastChannel, then closes", async () => {
    const { page, problems } = await formPage();
    const url = await startWait(page, "popup");
    const [popup] = await Promise.all([
      page.waitForEvent("popup"),
      page.evaluate((u) => void window.open(u, "msal", "popup,width=483,height=600"), url),
    ]);
    const message = await received(page);
    expect(message.v).toBe(1);
    const payload = new URLSearchParams(message.payload);
    expect(payload.get("code")).toBe("0.AXoA-test-code");
    expect(payload.get("state")).toMatch(/\|app-state$/);
    // The bridge closes the popup itself (window.close from the page its opener opened).
    if (!popup.isClosed()) await popup.waitForEvent("close", { timeout: 5000 });
    expect(popup.isClosed()).toBe(true);
    expect(served).toEqual(
      expect.arrayContaining(["/WebResources/pg_/auth/redirect.html", "/WebResources/pg_/auth/redirect.js"]),
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("hidden iframe (silent sign-in): the answer reaches the form, and the code is wiped from the frame's URL", async () => {
    const { page, problems } = await formPage();
    const url = await startWait(page, "silent");
    await page.evaluate((u) => {
      const frame = document.createElement("iframe");
      frame.id = "msal-silent";
      frame.style.display = "none";
      frame.src = u;
      document.body.appendChild(frame);
    }, url);
    const message = await received(page);
    expect(new URLSearchParams(message.payload).get("code")).toBe("0.AXoA-test-code");
    const frameUrl = await page.evaluate(
      () => (document.getElementById("msal-silent") as HTMLIFrameElement).contentWindow?.location.href,
    );
    expect(frameUrl).toBe(redirectUriFor(origin));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test("opened without an answer, the page posts nothing and only says why in the console", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const warning = page.waitForEvent("console", {
      predicate: (m) => m.text().startsWith("PartnerGuard sign-in page:"),
      timeout: 5000,
    });
    await page.goto(redirectUriFor(origin));
    expect((await warning).type()).toBe("warning");
    expect(await page.title()).toBe("Microsoft Authentication");
    await context.close();
  });
});

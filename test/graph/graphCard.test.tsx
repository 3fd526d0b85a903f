/** @jest-environment jsdom */
/**
 * The Graph case through the real control: lifecycle, resolver (Dataverse and Graph in
 * parallel), the card's "Connect to Microsoft Graph" button, against a local Graph over HTTP.
 */
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { PartnerGuard } from "../../PartnerGuard/index";
import { GraphOptions } from "../../PartnerGuard/graphWiring";
import { createContext } from "../../playground/fakeContext";
import { GraphAuthError, InteractiveGraphAuth, StaticTokenAuth } from "../../src/sources/graph/graphAuth";
import { EnvironmentVariables } from "../../src/schema";
import { DEMO, demoEmulator } from "../helpers/demo";
import { resxStrings } from "../helpers/strings";
import { CUSTOMER, PARTNER, contract, gdap, graphData } from "./fixtures";
import { GraphServer, startGraphServer } from "./graphServer";
import { nodeFetch } from "../helpers/nodeFetch";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import { createGraphSource } from "../../src/sources/graph/graphSource";
import { GraphModule } from "../../src/sources/graph/graphModule";

// jsdom has no fetch; the Graph client needs one (the browser's, in the real control).
globalThis.fetch ??= nodeFetch as unknown as typeof fetch;

let server: GraphServer;
const auth = new StaticTokenAuth("demo", false);
/** Stands in for the web resource pg_/scripts/graph.js (the real module's source, no MSAL here); counts loads. */
let graphLoads = 0;
const loadGraph = (): Promise<GraphModule> => {
  graphLoads++;
  return Promise.resolve({ createGraphSource, createMsalAuth: () => auth });
};

beforeAll(async () => {
  server = await startGraphServer(graphData([gdap("active")], [contract("ResellerPartner")]));
});
afterAll(() => server.close());

/** The local Graph, and how tokens are had (the control's constructor options, as the playground passes them). */
function graphOptions(tokens: InteractiveGraphAuth = auth): GraphOptions {
  return { baseUrl: server.baseUrl, createAuth: () => tokens, loadGraph };
}

function setup(
  tenantId: string,
  partnerTenant = PARTNER,
  policy?: Record<string, unknown>,
  graph: GraphOptions = graphOptions(),
) {
  const emulator = demoEmulator();
  const values: [string, string][] = [
    [EnvironmentVariables.graphEnabled, "yes"],
    [EnvironmentVariables.graphTenantId, partnerTenant],
    ...(policy ? [[EnvironmentVariables.policy, JSON.stringify(policy)] as [string, string]] : []),
  ];
  values.forEach(([schemaname, defaultvalue], i) =>
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: `e1000000-0000-4000-8000-00000000000${i}`,
      schemaname,
      defaultvalue,
    }),
  );
  let rerender: () => void = () => undefined;
  const context = createContext({
    accountId: DEMO.woodgrove,
    accountName: "Woodgrove Foods",
    tenantId,
    languageId: 1033,
    strings: resxStrings(1033),
    width: 400,
    webApi: emulator,
    requestRender: () => rerender(),
  });
  const control = new PartnerGuard({ graph });
  control.init(context as never);
  const view = render(control.updateView(context as never));
  rerender = () => view.rerender(control.updateView(context as never));
  return { emulator };
}

beforeEach(() => {
  // Each test is a new page load: nothing shared between the control and the command bar yet.
  forgetSharedResolutions();
  sessionStorage.clear();
  localStorage.clear();
});

test("not connected: unverified with a Connect button; the click connects and the Graph verdict blocks", async () => {
  const { emulator } = setup(CUSTOMER);
  const button = await screen.findByRole("button", { name: "Connect to Microsoft Graph" });
  expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("unverified");
  expect(server.requests).toHaveLength(0);
  fireEvent.click(button);
  expect(await screen.findByText(/Partner of record: Harbor Computer Services/)).toBeTruthy();
  expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("blocked");
  expect(screen.queryByRole("button", { name: "Connect to Microsoft Graph" })).toBeNull();
  // One Graph round trip for the verdict, beside Dataverse's configuration + source reads.
  expect(server.requests).toHaveLength(1);
  expect(emulator.requests.map((r) => r.entity).filter((e) => e === "account")).toHaveLength(2);
});

test("the Graph module (MSAL, the Graph client) is loaded only when Graph applies: not for an account without a tenant id", async () => {
  graphLoads = 0;
  server.requests.length = 0;
  setup("");
  await waitFor(() => expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("allowed"));
  expect(graphLoads).toBe(0);
  expect(server.requests).toHaveLength(0);
});

test("a tenant id that is not a GUID says so on the card, and Graph is not called", async () => {
  server.requests.length = 0;
  setup("not-a-tenant");
  expect(await screen.findByText(/is not a valid Microsoft Entra tenant id/)).toBeTruthy();
  await waitFor(() =>
    expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("unverified"),
  );
  expect(server.requests).toHaveLength(0);
});

test("a sign-in that does not complete says why next to the button, and the verdict stays unverified", async () => {
  // Consent missing: MSAL's popup ends with an error the provider turns into a typed failure.
  const refusing: InteractiveGraphAuth = {
    getAccessToken: () => Promise.reject(new GraphAuthError("not-connected", "no session")),
    connect: () => Promise.resolve({ kind: "forbidden", message: "AADSTS65001: consent required" }),
  };
  setup(CUSTOMER, "0f1e2d3c-4b5a-4968-8776-655443322110", undefined, graphOptions(refusing));
  fireEvent.click(await screen.findByRole("button", { name: "Connect to Microsoft Graph" }));
  expect(
    await screen.findByText(/Sign-in to Microsoft Graph did not complete: access is not granted; ask your admin\./),
  ).toBeTruthy();
  expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("unverified");
});

test("a silent sign-in slower than the budget ends as 'not connected' with the Connect button, never as 'no answer in time'", async () => {
  // MSAL's hidden frame that never answers (no session cookie reachable, a slow Entra).
  const hanging: InteractiveGraphAuth = {
    getAccessToken: () => new Promise<string>(() => undefined),
    connect: () => Promise.resolve(undefined),
  };
  server.requests.length = 0;
  setup(CUSTOMER, "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", { sourceTimeoutMs: 1000 }, graphOptions(hanging));
  expect(await screen.findByRole("button", { name: "Connect to Microsoft Graph" }, { timeout: 3000 })).toBeTruthy();
  expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("unverified");
  expect(screen.queryByText(/no answer in time/)).toBeNull();
  expect(server.requests).toHaveLength(0);
});

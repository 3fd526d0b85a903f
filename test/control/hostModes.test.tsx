/** @jest-environment jsdom */
/**
 * What the host says about the control, through the real lifecycle: a read-only form
 * (`context.mode.isControlDisabled`), column security on the bound columns, and the user's language
 * (one translate function per language, so the memoised card is not rendered again for nothing).
 */
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { PartnerGuard } from "../../PartnerGuard/index";
import { PartnerGuardOptions } from "../../PartnerGuard/graphWiring";
import { CardProps } from "../../PartnerGuard/components/Component.types";
import { createContext } from "../../playground/fakeContext";
import { EnvironmentVariables } from "../../src/schema";
import { resolveForForm } from "../../src/sources/formResolution";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { GraphModule } from "../../src/sources/graph/graphModule";
import { DEMO, demoEmulator } from "../helpers/demo";
import { resxStrings } from "../helpers/strings";

/** Renders of the card's body: GraphNotice is rendered (unmemoised) each time the card itself renders. */
let mockCardRenders = 0;
jest.mock("../../PartnerGuard/components/GraphNotice", () => {
  const actual = jest.requireActual<typeof import("../../PartnerGuard/components/GraphNotice")>(
    "../../PartnerGuard/components/GraphNotice",
  );
  return {
    GraphNotice: (props: Parameters<typeof actual.GraphNotice>[0]) => {
      mockCardRenders++;
      return actual.GraphNotice(props);
    },
  };
});

const PARTNER_TENANT = "9b1a7c2e-4d3f-4e5a-8b6c-7d8e9f0a1b2c";
const CUSTOMER_TENANT = "52eaad04-13a2-4a2f-9ce8-93a294fadf36";
const SECURED_UNREADABLE = { secured: true, readable: false, editable: false };

function graphOn(emulator: DataverseEmulator): DataverseEmulator {
  const values: [string, string][] = [
    [EnvironmentVariables.graphEnabled, "yes"],
    [EnvironmentVariables.graphTenantId, PARTNER_TENANT],
  ];
  values.forEach(([schemaname, defaultvalue], i) =>
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: `e2000000-0000-4000-8000-00000000000${i}`,
      schemaname,
      defaultvalue,
    }),
  );
  return emulator;
}

/** Graph options that count how often the control reaches for the Graph module (MSAL, the Graph client). */
function countingGraph(): { graph: PartnerGuardOptions["graph"]; loads: () => number } {
  let loads = 0;
  return {
    graph: {
      loadGraph: (): Promise<GraphModule> => {
        loads++;
        return Promise.reject(new Error("Graph must not be asked in this test"));
      },
    },
    loads: () => loads,
  };
}

interface Setup {
  accountId?: string;
  tenantId?: string;
  languageId?: number;
  isControlDisabled?: boolean;
  security?: Parameters<typeof createContext>[0]["security"];
  emulator?: DataverseEmulator;
  options?: PartnerGuardOptions;
}

function setup(o: Setup = {}) {
  const emulator = o.emulator ?? demoEmulator();
  let rerender: () => void = () => undefined;
  const contextFor = (languageId: number, isControlDisabled = o.isControlDisabled) =>
    createContext({
      accountId: o.accountId ?? DEMO.contoso,
      accountName: "Contoso",
      tenantId: o.tenantId,
      languageId,
      strings: resxStrings(languageId),
      width: 400,
      webApi: emulator,
      requestRender: () => rerender(),
      isControlDisabled,
      security: o.security,
    });
  let context = contextFor(o.languageId ?? 1033);
  const control = new PartnerGuard(o.options);
  control.init(context as never);
  const view = render(control.updateView(context as never));
  rerender = () => view.rerender(control.updateView(context as never));
  /** The host calls updateView again, with this context from now on. */
  const update = (next = context) => {
    context = next;
    const element = control.updateView(context as never);
    view.rerender(element);
    return element.props as CardProps;
  };
  return { control, emulator, contextFor, update };
}

/** The verdict, once it arrived: the outreach the card shows. */
async function outreach(): Promise<string | null | undefined> {
  await waitFor(() => expect(document.querySelector("section[data-outreach]")).not.toBeNull());
  return document.querySelector("section[data-outreach]")?.getAttribute("data-outreach");
}

beforeEach(() => {
  // Each test is a new page load: nothing shared, nothing in session storage.
  forgetSharedResolutions();
  sessionStorage.clear();
  localStorage.clear();
  mockCardRenders = 0;
});

describe("a read-only form (context.mode.isControlDisabled)", () => {
  test("an editable form offers the blocked verdict's ways out", async () => {
    setup({ accountId: DEMO.contoso });
    expect(await screen.findByText(/Partner of record: Harbor Computer Services/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Engage partner" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Request exception" })).toBeTruthy();
  });

  test("the verdict and the history show, but nothing that writes is offered", async () => {
    setup({ accountId: DEMO.contoso, isControlDisabled: true });
    expect(await screen.findByText(/Partner of record: Harbor Computer Services/)).toBeTruthy();
    expect(await outreach()).toBe("blocked");
    expect(screen.queryByRole("button", { name: "Engage partner" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Request exception" })).toBeNull();
    // Reading the history writes nothing: it stays.
    fireEvent.click(screen.getByRole("button", { name: "History" }));
    expect(screen.getByRole("button", { name: "History" })).toHaveAttribute("aria-expanded", "true");
  });

  test("a form that turns read-only while a dialog is open closes it; editable again, the actions come back", async () => {
    const { contextFor, update } = setup({ accountId: DEMO.contoso });
    fireEvent.click(await screen.findByRole("button", { name: "Engage partner" }));
    expect(await screen.findByRole("alertdialog")).toBeTruthy();
    update(contextFor(1033, true));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(screen.queryByRole("button", { name: "Engage partner" })).toBeNull();
    update(contextFor(1033, false));
    expect(screen.getByRole("button", { name: "Engage partner" })).toBeTruthy();
  });

  test("Retry (a read) stays on a read-only form", async () => {
    // Graph on and the tenant id withheld: unverified, the case where Retry shows.
    setup({
      accountId: DEMO.woodgrove,
      tenantId: CUSTOMER_TENANT,
      isControlDisabled: true,
      security: { customerTenantId: SECURED_UNREADABLE },
      emulator: graphOn(demoEmulator()),
      options: countingGraph(),
    });
    expect(await outreach()).toBe("unverified");
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
  });
});

describe("column security on the bound columns", () => {
  test("a secured status column the user cannot read changes nothing: the control never reads or writes it", async () => {
    const { control } = setup({ accountId: DEMO.contoso, security: { statusColumn: SECURED_UNREADABLE } });
    expect(await screen.findByText(/Partner of record: Harbor Computer Services/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Engage partner" })).toBeTruthy();
    expect(control.getOutputs()).toEqual({});
  });

  test("Graph on and the customer tenant id withheld: Graph's part fails closed, Graph is not asked", async () => {
    const graph = countingGraph();
    setup({
      accountId: DEMO.woodgrove, // allowed on Dataverse alone
      tenantId: CUSTOMER_TENANT,
      security: { customerTenantId: SECURED_UNREADABLE },
      emulator: graphOn(demoEmulator()),
      options: graph,
    });
    expect(await outreach()).toBe("unverified");
    expect(screen.getByText("Microsoft Graph could not be read (access is not granted; ask your admin).")).toBeTruthy();
    // Signing in cannot help: it is the column, not the session.
    expect(screen.queryByRole("button", { name: "Connect to Microsoft Graph" })).toBeNull();
    expect(graph.loads()).toBe(0);
  });

  test("…even when the command bar already resolved the account without Graph (it sees no tenant id either)", async () => {
    const emulator = graphOn(demoEmulator());
    // The command bar's Dataverse-only verdict for the same account, shared on the page.
    const commandBar = await resolveForForm(
      { webApi: emulator, storage: sessionStorage },
      DEMO.woodgrove,
      undefined,
      false,
    );
    expect(commandBar.verdict.outreach).toBe("allowed");
    setup({
      accountId: DEMO.woodgrove,
      tenantId: CUSTOMER_TENANT,
      security: { customerTenantId: SECURED_UNREADABLE },
      emulator,
      options: countingGraph(),
    });
    expect(await outreach()).toBe("unverified");
  });

  test("Graph off: a withheld tenant id does not matter, the Dataverse verdict stands", async () => {
    const graph = countingGraph();
    setup({
      accountId: DEMO.woodgrove,
      tenantId: CUSTOMER_TENANT,
      security: { customerTenantId: SECURED_UNREADABLE },
      options: graph,
    });
    expect(await outreach()).toBe("allowed");
    expect(graph.loads()).toBe(0);
  });
});

describe("the translate function", () => {
  test("is the same object across updateView calls in one language, and a new one in another", async () => {
    const { contextFor, update } = setup({ accountId: DEMO.contoso });
    await screen.findByText(/Partner of record: Harbor Computer Services/);
    const first = update().t;
    expect(update().t).toBe(first);
    const german = update(contextFor(1031)).t;
    expect(german).not.toBe(first);
    expect(german("Action_Retry")).toBe("Erneut versuchen");
    expect(update().t).toBe(german);
  });

  test("an updateView that changes nothing does not render the card again; a new language does", async () => {
    const { contextFor, update } = setup({ accountId: DEMO.contoso });
    await screen.findByText(/Partner of record: Harbor Computer Services/);
    const settled = mockCardRenders;
    expect(settled).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) update();
    expect(mockCardRenders).toBe(settled);
    update(contextFor(1031));
    expect(mockCardRenders).toBe(settled + 1);
    expect(screen.getByRole("button", { name: "Partner einbeziehen" })).toBeTruthy();
  });
});

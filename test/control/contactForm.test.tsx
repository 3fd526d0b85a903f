/** @jest-environment jsdom */
/**
 * The card on the contact form (issue 25): the verdict of the contact's account, the same verdict
 * the account form's card shows for it, at the cost of one more request (the contact's account and
 * its tenant id, read together); a contact without an account says so and asks for no verdict; the
 * include-the-partner writes act on the account.
 */
import * as React from "react";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { PartnerGuard } from "../../PartnerGuard/index";
import { createContext } from "../../playground/fakeContext";
import { DEMO, demoEmulator } from "../helpers/demo";
import { resxStrings } from "../helpers/strings";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";
import { Account, Contact, EnvironmentVariables, OutreachAudit, OutreachExceptionTable } from "../../src/schema";
import { CONTACT_FORM_NOTIFICATION, ContactFormLike, isContactFormAllowed } from "../../webresource/contact";
import { CommandHost } from "../../webresource/host";
import { forgetSelections } from "../../src/sources/selectionResolution";
import { PartnerGuardOptions } from "../../PartnerGuard/graphWiring";
import { GraphModule } from "../../src/sources/graph/graphModule";
import { GRAPH_SOURCE } from "../../src/sources/graph/graphApi";
import { WebApiHost } from "../../src/sources/webApi";
import { contactAccountFetchXml, readContactAccount } from "../../src/sources/contactAccount";
import { validateFetchXml } from "../helpers/fetchSchema";
import { attributePrivilegesPath, forgetColumnAccess, metadataIdPath } from "../../src/sources/columnAccess";

jest.setTimeout(60_000);

beforeEach(() => {
  forgetSharedResolutions();
  forgetColumnAccess();
  sessionStorage.clear();
  localStorage.clear();
});

const C = {
  ofContoso: "c6000000-0000-4000-8000-000000000001",
  ofWoodgrove: "c6000000-0000-4000-8000-000000000002",
  noCompany: "c6000000-0000-4000-8000-000000000003",
  contactAsCompany: "c6000000-0000-4000-8000-000000000004",
};

function withContacts(emulator: DataverseEmulator = demoEmulator()): DataverseEmulator {
  const insert = (id: string, name: string, company?: { $lookup: string; id: string }) =>
    emulator.insert(Contact.logicalName, {
      [Contact.id]: id,
      [Contact.name]: name,
      ...(company ? { [Contact.company]: company } : {}),
    });
  insert(C.ofContoso, "Dana Whitman", { $lookup: "account", id: DEMO.contoso });
  insert(C.ofWoodgrove, "Wes Porter", { $lookup: "account", id: DEMO.woodgrove });
  insert(C.noCompany, "Nico Freelance");
  insert(C.contactAsCompany, "Pat Assistant", { $lookup: "contact", id: C.ofContoso });
  return emulator;
}

function Host({ control, context }: { control: PartnerGuard; context: ComponentFramework.Context<unknown> }) {
  const [, setTick] = React.useState(0);
  (context.factory as unknown as { requestRender: () => void }).requestRender = () => setTick((n) => n + 1);
  return control.updateView(context as never);
}

/** The seller's requests, counted (entity of each). */
function counted<T extends WebApiHost>(host: T, calls: string[]): T {
  return new Proxy(host, {
    get: (target, name: string) => {
      const method = (target as unknown as Record<string, unknown>)[name];
      return typeof method !== "function"
        ? method
        : (...args: unknown[]) => {
            calls.push(`${name} ${String(args[0])}`);
            return (method as (...a: unknown[]) => unknown).apply(target, args);
          };
    },
  });
}

/** The real control on a contact form (or, with `table: "account"`, on the account form), acting as the seller. */
function mount(
  emulator: DataverseEmulator,
  record: { table: "contact" | "account"; id: string | undefined; name: string },
  languageId = 1033,
  options: PartnerGuardOptions = {},
  persona: Persona = PERSONAS.seller,
) {
  const calls: string[] = [];
  const host = counted(emulator.as(persona), calls);
  const context = createContext({
    accountId: record.id,
    accountName: record.name,
    ...(record.table === "contact" ? { record: { table: "contact" as const, id: record.id, name: record.name } } : {}),
    languageId,
    strings: resxStrings(languageId),
    width: 500,
    webApi: host,
    requestRender: () => undefined,
  });
  // The GETs PCF's webAPI cannot make go to the same emulator, as the same persona (and are counted).
  const control = new PartnerGuard({ webApiGet: { get: (path) => host.webApiGet(path) }, ...options });
  control.init(context as never);
  const view = render(<Host control={control} context={context} />);
  return { calls, control, unmount: view.unmount };
}

const BLOCKED = /^Partner of record: Harbor Computer Services — .* Direct outreach is disabled\.$/;
const banner = () => document.querySelector(".pg-verdict")?.textContent ?? "";

describe("the card on the contact form", () => {
  test("a contact of Contoso shows Contoso's verdict, the account card's, for one request more", async () => {
    const emulator = withContacts();
    const account = mount(emulator, { table: "account", id: DEMO.contoso, name: "Contoso Pharmaceuticals" });
    await screen.findByText(BLOCKED);
    const onAccountForm = { banner: banner(), calls: account.calls.length };
    account.unmount();
    cleanup();
    forgetSharedResolutions();

    const contact = mount(emulator, { table: "contact", id: C.ofContoso, name: "Dana Whitman" });
    await screen.findByText(BLOCKED);
    expect(banner()).toBe(onAccountForm.banner);
    expect(screen.getByText(/^Verdict for the contact's account Contoso Pharmaceuticals\./)).toBeTruthy();
    // One more request than the account form: the contact's account (and its tenant id), first.
    expect(contact.calls[0]).toBe(`retrieveMultipleRecords ${Contact.logicalName}`);
    expect(contact.calls).toHaveLength(onAccountForm.calls + 1);
    expect(contact.calls.filter((c) => c.startsWith("retrieveMultipleRecords contact"))).toHaveLength(1);
  });

  test("a contact of an account without a partner: outreach allowed, in German too", async () => {
    const emulator = withContacts();
    mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" }, 1031);
    expect(await screen.findByText(/^Bewertung für das Konto Woodgrove/)).toBeTruthy();
    expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("allowed");
  });

  test.each([
    ["no company", C.noCompany],
    ["a contact as company", C.contactAsCompany],
  ])("a contact with %s: the card says so, asks for no verdict and offers nothing to do", async (_, id) => {
    const emulator = withContacts();
    const card = mount(emulator, { table: "contact", id, name: "Someone" });
    expect(await screen.findByText(/^This contact has no account/)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 50));
    // The contact's read, and nothing else: no configuration, no account query, no write.
    expect(card.calls).toEqual([`retrieveMultipleRecords ${Contact.logicalName}`]);
    expect(document.querySelector("[data-outreach]")).toBeNull();
    expect(screen.queryByRole("button", { name: "Request exception" })).toBeNull();
  });

  test("an unsaved contact: save first, nothing read", async () => {
    const emulator = withContacts();
    const card = mount(emulator, { table: "contact", id: undefined, name: "" });
    expect(await screen.findByText("Save the contact to check the partner of record of its account.")).toBeTruthy();
    expect(card.calls).toEqual([]);
  });

  test("a contact the seller cannot read: could not be verified, with Retry (fail closed)", async () => {
    const emulator = withContacts();
    mount(emulator, { table: "contact", id: "c6000000-0000-4000-8000-0000000000ff", name: "Gone" });
    const verdict = await screen.findByText(/could not be read/);
    expect(verdict.textContent).toMatch(/^Partner status could not be verified\. Outreach stays disabled\./);
    expect(document.querySelector("[data-outreach]")).toBeNull();
  });

  test("Retry reads the contact again: once the seller may read it, its account is judged", async () => {
    const emulator = withContacts();
    const lateId = "c6000000-0000-4000-8000-0000000000aa";
    mount(emulator, { table: "contact", id: lateId, name: "Late Share" });
    await screen.findByText(/could not be read/);
    emulator.insert(Contact.logicalName, {
      [Contact.id]: lateId,
      [Contact.name]: "Late Share",
      [Contact.company]: { $lookup: "account", id: DEMO.contoso },
    });
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText(BLOCKED)).toBeTruthy();
  });

  test("a form loaded again after the company was saved judges the new account", async () => {
    const emulator = withContacts();
    mount(emulator, { table: "contact", id: C.noCompany, name: "Nico Freelance" });
    await screen.findByText(/^This contact has no account/);
    emulator.table(Contact.logicalName).find((r) => r[Contact.id] === C.noCompany)![Contact.company] = {
      $lookup: "account",
      id: DEMO.contoso,
    };
    // The card reads the saved company once per contact; a form loaded again reads it again.
    cleanup();
    mount(emulator, { table: "contact", id: C.noCompany, name: "Nico Freelance" });
    expect(await screen.findByText(BLOCKED)).toBeTruthy();
  });

  test("engaging the partner from a contact acts on the account: the task and the audit entry are the account's", async () => {
    const emulator = withContacts();
    mount(emulator, { table: "contact", id: C.ofContoso, name: "Dana Whitman" });
    await screen.findByText(BLOCKED);
    fireEvent.click(screen.getByRole("button", { name: "Engage partner" }));
    const dialog = await screen.findByRole("alertdialog");
    fireEvent.change(within(dialog).getByLabelText("Note for the partner manager"), {
      target: { value: "Dana asked for a call; Harbor leads." },
    });
    fireEvent.click(within(dialog).getByRole("button", { name: "Record engagement" }));
    expect(await screen.findByText(/^Partner engaged on .* by Avery Seller\.$/)).toBeTruthy();
    const [task] = emulator.table("task");
    expect(task.regardingobjectid).toEqual(expect.objectContaining({ id: DEMO.contoso }));
    const [audit] = emulator.table(OutreachAudit.logicalName);
    expect(audit[OutreachAudit.account]).toEqual(expect.objectContaining({ id: DEMO.contoso }));
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(0);
  });
});

const TENANT = "0f0e0d0c-0000-4000-8000-00000000abcd";

function graphOn(emulator: DataverseEmulator): DataverseEmulator {
  [
    [EnvironmentVariables.graphEnabled, "yes"],
    [EnvironmentVariables.graphTenantId, "7a7a7a7a-0000-4000-8000-000000000001"],
  ].forEach(([schemaname, defaultvalue], i) =>
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: `e2000000-0000-4000-8000-00000000000${i}`,
      schemaname,
      defaultvalue,
    }),
  );
  return emulator;
}

/** A Graph that answers "nothing found" and records the tenant ids it was asked about. */
function recordingGraph(): { options: PartnerGuardOptions; asked: (string | undefined)[] } {
  const asked: (string | undefined)[] = [];
  const module = {
    createGraphSource: () => ({
      name: GRAPH_SOURCE,
      appliesTo: (config: { graphEnabled: boolean }, tenantId: string | undefined) => config.graphEnabled && !!tenantId,
      read: (tenantId: string | undefined) => {
        asked.push(tenantId);
        return Promise.resolve({ source: GRAPH_SOURCE, sourceKind: "graph", ok: true, associations: [], notes: [] });
      },
    }),
    createMsalAuth: () => {
      throw new Error("no MSAL in this test");
    },
  } as unknown as GraphModule;
  return { options: { graph: { loadGraph: () => Promise.resolve(module) } }, asked };
}

describe("Microsoft Graph on the contact form: the account's customer tenant id", () => {
  test("Graph is asked with the account's tenant id, read with the contact (no further request)", async () => {
    const emulator = graphOn(withContacts());
    emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.woodgrove)![Account.tenantId] = TENANT;
    const graph = recordingGraph();
    const card = mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" }, 1033, graph.options);
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
    expect(graph.asked).toEqual([TENANT]);
    expect(card.calls.filter((c) => c.endsWith(` ${Contact.logicalName}`))).toHaveLength(1);
  });

  const GRAPH_WITHHELD = "Microsoft Graph could not be read (access is not granted; ask your admin).";
  const privilegeCalls = (calls: string[]) => calls.filter((c) => c.startsWith("webApiGet "));

  test("a seller with the profile, an account without a tenant id: the account form's verdict (Dataverse), the column's privilege asked once per session", async () => {
    const emulator = graphOn(withContacts());
    const graph = recordingGraph();
    const account = mount(
      emulator,
      { table: "account", id: DEMO.woodgrove, name: "Woodgrove Bank" },
      1033,
      graph.options,
    );
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
    const onAccountForm = { banner: banner(), calls: account.calls.length };
    account.unmount();
    cleanup();
    forgetSharedResolutions();

    const first = mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" }, 1033, graph.options);
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
    expect(banner()).toBe(onAccountForm.banner);
    expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("allowed");
    expect(screen.queryByText(GRAPH_WITHHELD)).toBeNull();
    expect(graph.asked).toEqual([]);
    // The contact read, the account form's requests, and the column's privilege: its MetadataId and the user's privileges.
    expect(privilegeCalls(first.calls).sort()).toEqual(
      [
        `webApiGet ${metadataIdPath(Account.logicalName, Account.tenantId)}`,
        `webApiGet ${attributePrivilegesPath(PERSONAS.seller.id)}`,
      ].sort(),
    );
    expect(first.calls).toHaveLength(onAccountForm.calls + 1 + 2);
    first.unmount();
    cleanup();
    forgetSharedResolutions();

    // The same session, another contact form: the answer is kept, no privilege request.
    const again = mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" }, 1033, graph.options);
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
    expect(privilegeCalls(again.calls)).toEqual([]);
    expect(again.calls).toHaveLength(onAccountForm.calls + 1);
  });

  test("a seller with the profile, an account without a tenant id, Graph off: the privilege is not asked", async () => {
    const emulator = withContacts();
    const card = mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" });
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
    expect(privilegeCalls(card.calls)).toEqual([]);
  });

  test("a persona without read on the column (no profile), an account without a tenant id: still fails closed", async () => {
    const emulator = graphOn(withContacts());
    const graph = recordingGraph();
    const noProfile: Persona = { ...PERSONAS.seller, fieldSecurityProfiles: [] };
    const card = mount(
      emulator,
      { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" },
      1033,
      graph.options,
      noProfile,
    );
    expect(await screen.findByText(GRAPH_WITHHELD)).toBeTruthy();
    expect(document.querySelector("[data-outreach]")?.getAttribute("data-outreach")).toBe("unverified");
    expect(privilegeCalls(card.calls)).toHaveLength(2);
    expect(graph.asked).toEqual([]);
  });

  test("the privilege cannot be asked (the request fails): fails closed, and is asked again next time", async () => {
    const emulator = graphOn(withContacts());
    const graph = recordingGraph();
    const failing = { get: () => Promise.reject(new Error("503")) };
    mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" }, 1033, {
      ...graph.options,
      webApiGet: failing,
    });
    expect(await screen.findByText(GRAPH_WITHHELD)).toBeTruthy();
    cleanup();
    forgetSharedResolutions();
    mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" }, 1033, graph.options);
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
  });

  test("a seller without the field security profile: the tenant id is withheld, Graph's part fails closed, Graph is not asked", async () => {
    const emulator = graphOn(withContacts());
    emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.woodgrove)![Account.tenantId] = TENANT;
    const graph = recordingGraph();
    const noProfile: Persona = { ...PERSONAS.seller, fieldSecurityProfiles: [] };
    mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" }, 1033, graph.options, noProfile);
    expect(
      await screen.findByText("Microsoft Graph could not be read (access is not granted; ask your admin)."),
    ).toBeTruthy();
    expect(graph.asked).toEqual([]);
  });

  test("Graph off: an account without a tenant id is judged by Dataverse alone, as on the account form", async () => {
    const emulator = withContacts();
    mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" });
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
  });
});

describe("the contact's account, read in one request", () => {
  test("the account, its name and its customer tenant id; none for no company or a contact", async () => {
    const emulator = withContacts();
    emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.contoso)![Account.tenantId] = TENANT;
    const seller = emulator.as(PERSONAS.seller);
    expect(await readContactAccount(seller, C.ofContoso)).toEqual({
      kind: "account",
      accountId: DEMO.contoso,
      accountName: "Contoso Pharmaceuticals",
      tenantId: TENANT,
    });
    expect(await readContactAccount(seller, C.noCompany)).toEqual({ kind: "none" });
    expect(await readContactAccount(seller, C.contactAsCompany)).toEqual({ kind: "none" });
    await expect(readContactAccount(seller, "not-a-guid")).rejects.toThrow("is not a contact id");
  });

  test("the query is one Dataverse accepts (Fetch.xsd)", async () => {
    await expect(validateFetchXml(contactAccountFetchXml(C.ofContoso))).resolves.toEqual([]);
  });
});

describe("the contact form's command bar adopts the card's resolution (no request of its own)", () => {
  const strings = resxStrings(1033);
  /** The command script's host as the seller, its requests counted (the same window as the card). */
  function commandHost(emulator: DataverseEmulator, calls: string[]): CommandHost {
    return {
      webApi: counted(emulator.as(PERSONAS.seller), calls),
      getString: (key) => strings.get(key) ?? key,
      languageId: 1033,
      userId: PERSONAS.seller.id,
      openForm: () => Promise.resolve(),
      alert: () => Promise.resolve(),
      confirm: () => Promise.resolve(false),
      storage: sessionStorage,
    };
  }
  /** The contact form as the script sees it: the company it holds, and whether the card is on it. */
  function contactFormOf(contactId: string, accountId: string, accountName: string, card: boolean) {
    const shown = new Map<string, string>();
    const refreshes: (boolean | undefined)[] = [];
    const form: ContactFormLike = {
      data: { entity: { getId: () => `{${contactId.toUpperCase()}}` } },
      getAttribute: (name) =>
        name === Contact.company
          ? { getValue: () => [{ id: `{${accountId.toUpperCase()}}`, entityType: "account", name: accountName }] }
          : null,
      getControl: (name) => (card && name === Contact.status ? { getName: () => name } : null),
      ui: {
        refreshRibbon: (all) => void refreshes.push(all),
        setFormNotification: (message, _level, id) => !!shown.set(id, message),
        clearFormNotification: (id) => shown.delete(id),
      },
    };
    return { form, shown, refreshes };
  }

  test("Graph on, a tenant id: the card asks Graph; both rules answer the card's verdict with 0 requests", async () => {
    const emulator = graphOn(withContacts());
    emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.woodgrove)![Account.tenantId] = TENANT;
    const graph = recordingGraph();
    mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" }, 1033, graph.options);
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
    expect(graph.asked).toEqual([TENANT]);
    const calls: string[] = [];
    const host = commandHost(emulator, calls);
    const { form, shown } = contactFormOf(C.ofWoodgrove, DEMO.woodgrove, "Woodgrove Bank", true);
    // The same verdict as the card (Graph included): a rule of its own cannot ask Graph and would say "not verified".
    await expect(isContactFormAllowed(host, form)).resolves.toBe(true);
    await expect(isContactFormAllowed(host, form)).resolves.toBe(true);
    expect(calls).toEqual([]);
    expect(shown.size).toBe(0);
  });

  test("a rule that runs before the card has resolved waits for the card's verdict: blocked, said on the form, 0 requests", async () => {
    const emulator = withContacts();
    const calls: string[] = [];
    const { form, shown } = contactFormOf(C.ofContoso, DEMO.contoso, "Contoso Pharmaceuticals", true);
    const rule = isContactFormAllowed(commandHost(emulator, calls), form);
    mount(emulator, { table: "contact", id: C.ofContoso, name: "Dana Whitman" });
    await expect(rule).resolves.toBe(false);
    expect(await screen.findByText(BLOCKED)).toBeTruthy();
    expect(calls).toEqual([]);
    expect(shown.get(CONTACT_FORM_NOTIFICATION)).toMatch(
      /^PartnerGuard: outreach to this contact is off because its account Contoso Pharmaceuticals is not cleared\. Partner of record: Harbor Computer Services/,
    );
  });

  test("the card's verdict changes (Retry after Dataverse failed): the command bar is refreshed and adopts it", async () => {
    const emulator = withContacts();
    let failing = true;
    emulator.setOptions({
      fault: (r) =>
        failing && r.entity === Account.logicalName ? { status: 500, message: "Dataverse is down" } : undefined,
    });
    mount(emulator, { table: "contact", id: C.ofWoodgrove, name: "Wes Porter" });
    expect(await screen.findByRole("button", { name: "Retry" })).toBeTruthy();
    const calls: string[] = [];
    const host = commandHost(emulator, calls);
    const { form, refreshes } = contactFormOf(C.ofWoodgrove, DEMO.woodgrove, "Woodgrove Bank", true);
    await expect(isContactFormAllowed(host, form)).resolves.toBe(false);
    failing = false;
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("No partner of record. Outreach is allowed.")).toBeTruthy();
    expect(refreshes).toEqual([false]);
    await expect(isContactFormAllowed(host, form)).resolves.toBe(true);
    expect(calls).toEqual([]);
  });

  test("without the card (Microsoft's contact form) or with a changed company: the rule resolves on its own", async () => {
    const emulator = graphOn(withContacts());
    emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.woodgrove)![Account.tenantId] = TENANT;
    const calls: string[] = [];
    const { form } = contactFormOf(C.ofWoodgrove, DEMO.woodgrove, "Woodgrove Bank", false);
    // On its own it cannot ask Graph: where Graph applies, it is not verified (fail closed), as on the grids.
    await expect(isContactFormAllowed(commandHost(emulator, calls), form)).resolves.toBe(false);
    expect(calls.length).toBeGreaterThan(0);

    // The card's form, but the seller changed the company and has not saved: the card judges the saved one.
    forgetSelections();
    const edited = contactFormOf(C.ofWoodgrove, DEMO.contoso, "Contoso Pharmaceuticals", true).form;
    const company = edited.getAttribute(Contact.company)!;
    edited.getAttribute = (name) => (name === Contact.company ? { ...company, getIsDirty: () => true } : null);
    const own: string[] = [];
    await expect(isContactFormAllowed(commandHost(emulator, own), edited)).resolves.toBe(false);
    expect(own.length).toBeGreaterThan(0);
  });
});

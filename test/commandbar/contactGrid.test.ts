/**
 * The gated out-of-box commands on contact grids (issue 25): each contact is judged through its
 * company when that is an account, as a seller through the emulator with the shipped roles and the
 * script's Xrm functions (webresource/index.ts ContactGrid).
 */
import { installXrm } from "../helpers/xrm";
import { DEMO, approveExceptionOn, demoEmulator } from "../helpers/demo";
import { ContactForm, ContactGrid } from "../../webresource/index";
import * as grid from "../../webresource/grid";
import * as contact from "../../webresource/contact";
import { forgetSelections } from "../../src/sources/selectionResolution";
import { forgetContactSelections } from "../../src/sources/contactSelection";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import { Contact } from "../../src/schema";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";

const C = {
  ofAllowed: "c1000000-0000-4000-8000-000000000001", // Woodgrove: allowed
  ofBlocked: "c1000000-0000-4000-8000-000000000002", // Contoso: partner of record
  ofException: "c1000000-0000-4000-8000-000000000003", // Alpine: allowed by an approved exception
  ofUnverified: "c1000000-0000-4000-8000-000000000004", // an account that is not there
  noAccount: "c1000000-0000-4000-8000-000000000005", // no company
  ofContact: "c1000000-0000-4000-8000-000000000006", // its company is another contact
  deleted: "c1000000-0000-4000-8000-000000000007",
  ofAllowed2: "c1000000-0000-4000-8000-000000000008", // Tailspin: allowed
};
const MISSING_ACCOUNT = "a1000000-0000-4000-8000-0000000000f9";

beforeEach(() => {
  forgetSelections();
  forgetContactSelections();
  grid.forgetNotice();
  forgetSharedResolutions();
});

async function org(): Promise<DataverseEmulator> {
  const emulator = demoEmulator();
  const contact = (id: string, name: string, company?: { $lookup: string; id: string }) =>
    emulator.insert(Contact.logicalName, {
      [Contact.id]: id,
      [Contact.name]: name,
      ...(company ? { [Contact.company]: company } : {}),
    });
  contact(C.ofAllowed, "Ana Woodgrove", { $lookup: "account", id: DEMO.woodgrove });
  contact(C.ofAllowed2, "Tom Tailspin", { $lookup: "account", id: DEMO.tailspin });
  contact(C.ofBlocked, "Carl Contoso", { $lookup: "account", id: DEMO.contoso });
  contact(C.ofException, "Alma Alpine", { $lookup: "account", id: DEMO.alpine });
  contact(C.ofUnverified, "Ursula Unknown", { $lookup: "account", id: MISSING_ACCOUNT });
  contact(C.noAccount, "Nina Nobody");
  contact(C.ofContact, "Paul Person", { $lookup: "contact", id: C.noAccount });
  contact(C.deleted, "Dora Deleted", { $lookup: "account", id: DEMO.woodgrove });
  await emulator.deleteRecord(Contact.logicalName, C.deleted);
  // An approved exception on Alpine (it has a partner of record).
  await approveExceptionOn(emulator, DEMO.alpine, PERSONAS.seller);
  emulator.requests.length = 0;
  return emulator;
}

const asGrid = (ids: string[]) => ids.map((id) => `{${id.toUpperCase()}}`);

describe("the gated commands on a seller's selection of contacts", () => {
  test.each([
    ["a contact of an allowed account", [C.ofAllowed], true],
    ["a contact of an account allowed by an approved exception", [C.ofException], true],
    ["a contact without an account", [C.noAccount], true],
    ["a contact whose company is another contact", [C.ofContact], true],
    ["a contact of a blocked account", [C.ofBlocked], false],
    ["a contact of an account that could not be verified", [C.ofUnverified], false],
    ["a deleted contact (not readable: could not be verified)", [C.deleted], false],
    ["allowed, exception and no account together", [C.ofAllowed, C.ofException, C.noAccount, C.ofContact], true],
    ["one blocked contact among allowed ones", [C.ofAllowed, C.ofAllowed2, C.ofBlocked], false],
  ])("%s", async (_what, ids, expected) => {
    const emulator = await org();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(ContactGrid.isEverySelectedAllowed(asGrid(ids))).resolves.toBe(expected);
    await expect(ContactGrid.isEveryOnPageAllowed(asGrid(ids))).resolves.toBe(expected);
  });

  test("one read of the contacts and one request per table for the distinct accounts; the same set again costs nothing", async () => {
    const emulator = await org();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    const ids = [C.ofAllowed, C.ofAllowed2, C.ofBlocked, C.noAccount];
    const [every, page] = await Promise.all([
      ContactGrid.isEverySelectedAllowed(asGrid(ids)),
      ContactGrid.isEveryOnPageAllowed(asGrid([...ids].reverse())),
    ]);
    expect([every, page]).toEqual([false, false]);
    const tables = emulator.requests.map((r) => r.entity).sort();
    expect(tables.filter((t) => t === "contact")).toHaveLength(1);
    expect(tables.filter((t) => t === "account")).toHaveLength(1);
    const before = emulator.requests.length;
    await ContactGrid.isEverySelectedAllowed(asGrid([...ids, ids[0]]));
    expect(emulator.requests).toHaveLength(before);
  });

  test("an empty selection, more than 250 contacts, or a failed read: off, without a request for the over-limit", async () => {
    const emulator = await org();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(ContactGrid.isEverySelectedAllowed([])).resolves.toBe(false);
    const many = Array.from({ length: 251 }, (_, i) => `c2000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    emulator.requests.length = 0;
    await expect(ContactGrid.isEverySelectedAllowed(many)).resolves.toBe(false);
    expect(emulator.requests).toHaveLength(0);
    const failing = {
      retrieveMultipleRecords: () => Promise.reject(new Error("network down")),
      createRecord: () => Promise.reject(new Error("network down")),
      updateRecord: () => Promise.reject(new Error("network down")),
    };
    forgetContactSelections();
    const host = { ...(await import("../../webresource/host")).xrmHost(), webApi: failing };
    await expect(contact.isEveryContactSelectedAllowed(host, [C.ofAllowed])).resolves.toBe(false);
  });
});

describe("Add to marketing list on the contact form, judged through the company the form holds", () => {
  const formWith = (company: unknown, id = C.ofAllowed) => ({
    data: { entity: { getId: () => `{${id.toUpperCase()}}` } },
    getAttribute: (name: string) => (name === Contact.company ? { getValue: () => company } : null),
  });
  const lookup = (entityType: string, id: string) => [{ id: `{${id.toUpperCase()}}`, entityType, name: "x" }];

  test("allowed account on, blocked account off, no company or a contact as company on; a changed company is a new question", async () => {
    const emulator = await org();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    const form = { company: lookup("account", DEMO.woodgrove) as unknown };
    const live = {
      data: { entity: { getId: () => C.ofAllowed } },
      getAttribute: (name: string) => (name === Contact.company ? { getValue: () => form.company } : null),
    };
    await expect(ContactForm.isEveryAllowed(live)).resolves.toBe(true);
    form.company = lookup("account", DEMO.contoso);
    await expect(ContactForm.isEveryAllowed(live)).resolves.toBe(false);
    await expect(ContactForm.isEveryAllowed(formWith(null))).resolves.toBe(true);
    await expect(ContactForm.isEveryAllowed(formWith(lookup("contact", C.noAccount)))).resolves.toBe(true);
    await expect(ContactForm.isEveryAllowed(formWith(lookup("account", MISSING_ACCOUNT)))).resolves.toBe(false);
  });

  test("a form without the company column: the saved company is read; a deleted contact is not verified", async () => {
    const emulator = await org();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    const noColumn = (id: string) => ({ data: { entity: { getId: () => id } }, getAttribute: () => null });
    await expect(ContactForm.isEveryAllowed(noColumn(C.ofAllowed))).resolves.toBe(true);
    await expect(ContactForm.isEveryAllowed(noColumn(C.ofBlocked))).resolves.toBe(false);
    await expect(ContactForm.isEveryAllowed(noColumn(C.deleted))).resolves.toBe(false);
  });
});

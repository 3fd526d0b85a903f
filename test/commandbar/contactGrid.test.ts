/**
 * The gated out-of-box commands on contact grids (issue 25): each contact is judged through its
 * company when that is an account, as a seller through the emulator with the shipped roles and the
 * script's Xrm functions (webresource/index.ts ContactGrid).
 */
import { installXrm } from "../helpers/xrm";
import { DEMO } from "../helpers/demo";
import { CONTACTS as C, MISSING_ACCOUNT, ONE_CONTACT_CASES, contactOrg } from "../helpers/contacts";
import { ContactForm, ContactGrid } from "../../webresource/index";
import * as grid from "../../webresource/grid";
import * as contact from "../../webresource/contact";
import { forgetSelections } from "../../src/sources/selectionResolution";
import { forgetContactSelections } from "../../src/sources/contactSelection";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import { Contact } from "../../src/schema";
import { PERSONAS } from "../../src/emulator/personas";

beforeEach(() => {
  forgetSelections();
  forgetContactSelections();
  grid.forgetNotice();
  forgetSharedResolutions();
});

const asGrid = (ids: string[]) => ids.map((id) => `{${id.toUpperCase()}}`);

describe("the gated commands on a seller's selection of contacts", () => {
  test.each([
    ...ONE_CONTACT_CASES,
    ["allowed, exception and no account together", [C.ana, C.alma, C.nina, C.paul], true],
    ["one blocked contact among allowed ones", [C.ana, C.tom, C.carl], false],
  ])("%s", async (_what, ids, expected) => {
    const emulator = await contactOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(ContactGrid.isEverySelectedAllowed(asGrid(ids))).resolves.toBe(expected);
    await expect(ContactGrid.isEveryOnPageAllowed(asGrid(ids))).resolves.toBe(expected);
  });

  test("one read of the contacts and one request per table for the distinct accounts; the same set again costs nothing", async () => {
    const emulator = await contactOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    const ids = [C.ana, C.tom, C.carl, C.nina];
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
    const emulator = await contactOrg();
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
    await expect(contact.isEveryContactSelectedAllowed(host, [C.ana])).resolves.toBe(false);
  });
});

describe("Add to marketing list on the contact form, judged through the company the form holds", () => {
  const formWith = (company: unknown, id = C.ana) => ({
    data: { entity: { getId: () => `{${id.toUpperCase()}}` } },
    getAttribute: (name: string) => (name === Contact.company ? { getValue: () => company } : null),
  });
  const lookup = (entityType: string, id: string) => [{ id: `{${id.toUpperCase()}}`, entityType, name: "x" }];

  test("allowed account on, blocked account off, no company or a contact as company on; a changed company is a new question", async () => {
    const emulator = await contactOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    const form = { company: lookup("account", DEMO.woodgrove) as unknown };
    const live = {
      data: { entity: { getId: () => C.ana } },
      getAttribute: (name: string) => (name === Contact.company ? { getValue: () => form.company } : null),
    };
    await expect(ContactForm.isEveryAllowed(live)).resolves.toBe(true);
    form.company = lookup("account", DEMO.contoso);
    await expect(ContactForm.isEveryAllowed(live)).resolves.toBe(false);
    await expect(ContactForm.isEveryAllowed(formWith(null))).resolves.toBe(true);
    await expect(ContactForm.isEveryAllowed(formWith(lookup("contact", C.nina)))).resolves.toBe(true);
    await expect(ContactForm.isEveryAllowed(formWith(lookup("account", MISSING_ACCOUNT)))).resolves.toBe(false);
  });

  test("a form without the company column: the saved company is read; a deleted contact is not verified", async () => {
    const emulator = await contactOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    const noColumn = (id: string) => ({ data: { entity: { getId: () => id } }, getAttribute: () => null });
    await expect(ContactForm.isEveryAllowed(noColumn(C.ana))).resolves.toBe(true);
    await expect(ContactForm.isEveryAllowed(noColumn(C.carl))).resolves.toBe(false);
    await expect(ContactForm.isEveryAllowed(noColumn(C.dora))).resolves.toBe(false);
  });
});

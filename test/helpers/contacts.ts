/**
 * Contacts on the demo accounts (test/helpers/demo.ts), one for each way a contact is judged through
 * its company, for the command-bar tests on contacts (contact grids, forms and Start outreach).
 */
import { DataverseEmulator, EmulatorOptions } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Contact } from "../../src/schema";
import { DEMO, approveExceptionOn, demoEmulator } from "./demo";

export const CONTACTS = {
  ana: "c1000000-0000-4000-8000-000000000001", // Woodgrove: allowed
  wes: "c1000000-0000-4000-8000-000000000002", // Woodgrove too
  carl: "c1000000-0000-4000-8000-000000000003", // Contoso: partner of record
  cora: "c1000000-0000-4000-8000-000000000004", // Contoso too
  alma: "c1000000-0000-4000-8000-000000000005", // Alpine: allowed by an approved exception
  ursula: "c1000000-0000-4000-8000-000000000006", // an account that is not there
  nina: "c1000000-0000-4000-8000-000000000007", // no company
  paul: "c1000000-0000-4000-8000-000000000008", // its company is another contact
  dora: "c1000000-0000-4000-8000-000000000009", // deleted
  tom: "c1000000-0000-4000-8000-00000000000a", // Tailspin: allowed
};
export const MISSING_ACCOUNT = "a1000000-0000-4000-8000-0000000000f9";

/** The demo org with CONTACTS (Dora deleted) and an approved exception on Alpine; no request counted yet. */
export async function contactOrg(options: EmulatorOptions = {}): Promise<DataverseEmulator> {
  const C = CONTACTS;
  const emulator = demoEmulator(options);
  const add = (id: string, name: string, company?: { $lookup: string; id: string }) =>
    emulator.insert(Contact.logicalName, {
      [Contact.id]: id,
      [Contact.name]: name,
      ...(company ? { [Contact.company]: company } : {}),
    });
  const account = (id: string) => ({ $lookup: "account", id });
  add(C.ana, "Ana Woodgrove", account(DEMO.woodgrove));
  add(C.wes, "Wes Woodgrove", account(DEMO.woodgrove));
  add(C.carl, "Carl Contoso", account(DEMO.contoso));
  add(C.cora, "Cora Contoso", account(DEMO.contoso));
  add(C.alma, "Alma Alpine", account(DEMO.alpine));
  add(C.ursula, "Ursula Unknown", account(MISSING_ACCOUNT));
  add(C.nina, "Nina Nobody");
  add(C.paul, "Paul Person", { $lookup: "contact", id: C.nina });
  add(C.dora, "Dora Deleted", account(DEMO.woodgrove));
  add(C.tom, "Tom Tailspin", account(DEMO.tailspin));
  await emulator.deleteRecord(Contact.logicalName, C.dora);
  // Alpine has a partner of record; the exception allows it.
  await approveExceptionOn(emulator, DEMO.alpine, PERSONAS.seller);
  emulator.requests.length = 0;
  return emulator;
}

/** One contact selected: each rule on contacts answers these the same (true = on). */
export const ONE_CONTACT_CASES: [string, string[], boolean][] = [
  ["a contact of an allowed account", [CONTACTS.ana], true],
  ["a contact of an account allowed by an approved exception", [CONTACTS.alma], true],
  ["a contact without an account (nothing to block)", [CONTACTS.nina], true],
  ["a contact whose company is another contact", [CONTACTS.paul], true],
  ["a contact of a blocked account", [CONTACTS.carl], false],
  ["a contact of an account that could not be verified", [CONTACTS.ursula], false],
  ["a deleted contact (not readable: could not be verified)", [CONTACTS.dora], false],
];

/**
 * The email form's Send, as a seller meets it: the shipped roles through the emulator (the seller
 * persona), the script's functions (webresource/email.ts), the real .resx strings, and a small
 * email form that records what the script does to it.
 */
import { DEMO, demoEmulator } from "../helpers/demo";
import { resxStrings } from "../helpers/strings";
import { memoryStorage } from "../helpers/memoryStorage";
import * as email from "../../webresource/email";
import { MAX_LOOKUP_IDS, lookupFetchXml } from "../../src/sources/emailRecipients";
import { validateFetchXml } from "../helpers/fetchSchema";
import { CommandHost } from "../../webresource/host";
import { forgetSelections } from "../../src/sources/selectionResolution";
import { AuditDecisionCodes, Contact, EmailForm, LeadTable, OutreachAudit } from "../../src/schema";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { inProcessBatch } from "../../src/emulator/webApiRoutes";

const CONTACT_CONTOSO = "c1000000-0000-4000-8000-000000000001"; // Contoso: Harbor is partner of record
const CONTACT_WOODGROVE = "c1000000-0000-4000-8000-000000000002"; // Woodgrove: no partner
const CONTACT_WOODGROVE_2 = "c1000000-0000-4000-8000-000000000004"; // Woodgrove again
const CONTACT_HIDDEN = "c1000000-0000-4000-8000-000000000003"; // not readable by the seller (see below)
const LEAD_FABRIKAM = "d1000000-0000-4000-8000-000000000001"; // parent account Fabrikam Europe (blocked through its parent)
const LEAD_NO_ACCOUNT = "d1000000-0000-4000-8000-000000000002";
const USER = "11111111-1111-4111-8111-111111111111";

type Lookup = { id: string; name: string; entityType: string }[] | null;

/** A small, honest email form: attributes with values and change handlers, the save handlers, the notification. */
class EmailFormFake implements email.EmailFormLike {
  values: Record<string, Lookup | string> = { to: [], cc: [], bcc: [], regardingobjectid: null, subject: "Hello" };
  changeHandlers: Record<string, (() => void)[]> = {};
  saveHandlers: ((c: email.SaveContextLike) => unknown)[] = [];
  notification?: string;
  refreshes = 0;
  data = { entity: { addOnSave: (h: (c: email.SaveContextLike) => unknown) => void this.saveHandlers.push(h) } };
  ui = {
    refreshRibbon: () => void this.refreshes++,
    setFormNotification: (message: string) => ((this.notification = message), true),
    clearFormNotification: () => ((this.notification = undefined), true),
  };
  getAttribute(name: string) {
    if (!(name in this.values)) return null;
    return {
      getValue: () => this.values[name],
      addOnChange: (h: () => void) => void (this.changeHandlers[name] ??= []).push(h),
    };
  }
  set(name: string, value: Lookup) {
    this.values[name] = value;
    for (const h of this.changeHandlers[name] ?? []) h();
  }
  /** The seller selects Send: every OnSave handler runs; true when the send went on. */
  async send(): Promise<boolean> {
    let prevented = false;
    const context = {
      getEventArgs: () => ({
        getSaveMode: () => EmailForm.sendSaveMode,
        preventDefault: () => void (prevented = true),
      }),
    };
    await Promise.all(this.saveHandlers.map((h) => h(context)));
    return !prevented;
  }
}

const account = (id: string, name: string) => ({ id: `{${id.toUpperCase()}}`, name, entityType: "account" });
const contact = (id: string, name: string) => ({ id, name, entityType: "contact" });
const lead = (id: string, name: string) => ({ id, name, entityType: "lead" });

function org(): DataverseEmulator {
  const emulator = demoEmulator();
  emulator.insert(Contact.logicalName, {
    contactid: CONTACT_CONTOSO,
    fullname: "Dana Contoso",
    parentcustomerid: { $lookup: "account", id: DEMO.contoso },
  });
  emulator.insert(Contact.logicalName, {
    contactid: CONTACT_WOODGROVE,
    fullname: "Wes Woodgrove",
    parentcustomerid: { $lookup: "account", id: DEMO.woodgrove },
  });
  emulator.insert(LeadTable.logicalName, {
    leadid: LEAD_FABRIKAM,
    fullname: "Fay Fabrikam",
    parentaccountid: { $lookup: "account", id: DEMO.fabrikamEurope },
  });
  emulator.insert(LeadTable.logicalName, { leadid: LEAD_NO_ACCOUNT, fullname: "Lee Nobody" });
  emulator.requests.length = 0;
  return emulator;
}

function hostFor(emulator: DataverseEmulator, webApi = emulator.as(PERSONAS.seller)) {
  const strings = resxStrings(1033);
  const alerts: string[] = [];
  const host: CommandHost = {
    webApi,
    getString: (key) => strings.get(key) ?? "",
    languageId: 1033,
    userId: PERSONAS.seller.id,
    openForm: async () => undefined,
    alert: async (_title, text) => void alerts.push(text),
    confirm: async () => false,
    scope: {},
    // The browser's localStorage entry (shared with the card): the configuration is read once per 10 minutes.
    configCache: { storage: memoryStorage(), key: "partnerguard:config-cache:v1:test" },
  };
  return { host, alerts };
}

beforeEach(() => forgetSelections());

describe("Send on the email form", () => {
  it("is refused when the regarding record is a blocked account, and the notification names it and its partner", async () => {
    const emulator = org();
    const { host } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.regardingobjectid = [account(DEMO.contoso, "Contoso Pharmaceuticals")];
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(form.notification).toMatch(/Contoso Pharmaceuticals/);
    expect(form.notification).toMatch(/Harbor Computer Services/);
    expect(form.notification).toMatch(/Engage partner/);
    expect(await form.send()).toBe(false);
  });

  it("is refused for a contact of a blocked account in Cc, allowed for a contact of a clear account", async () => {
    const emulator = org();
    const { host } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove")];
    expect(await email.isSendAllowed(host, form)).toBe(true);
    expect(form.notification).toBeUndefined();
    form.set("cc", [contact(CONTACT_CONTOSO, "Dana Contoso")]);
    expect(form.refreshes).toBe(1); // the change asks the command bar to judge again
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(form.notification).toMatch(/Contoso Pharmaceuticals \(via Dana Contoso\)/);
    expect(await form.send()).toBe(false);
  });

  it("follows a lead to its parent account, and that account's parent", async () => {
    const emulator = org();
    const { host } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.to = [lead(LEAD_FABRIKAM, "Fay Fabrikam")];
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(form.notification).toMatch(/Fabrikam Europe GmbH/);
    expect(form.notification).toMatch(/Northwind Partners/);
  });

  it("lets users, unresolved addresses and a lead without an account through", async () => {
    const emulator = org();
    const { host } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.to = [
      { id: USER, name: "Avery Seller", entityType: "systemuser" },
      { id: "", name: "someone@example.com", entityType: "unresolvedaddress" },
      lead(LEAD_NO_ACCOUNT, "Lee Nobody"),
    ];
    expect(await email.isSendAllowed(host, form)).toBe(true);
    expect(form.notification).toBeUndefined();
  });

  it("fails closed on a contact the seller cannot read: could not be verified", async () => {
    const emulator = org();
    // The seller's answer leaves the contact out, as a deleted or unreadable row would be.
    const { host } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.bcc = [contact(CONTACT_HIDDEN, "Hidden Person")];
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(form.notification).toMatch(/Hidden Person could not be verified/);
    expect(await form.send()).toBe(false);
  });

  it("fails closed for a seller whose role cannot read contacts (the platform refuses the query)", async () => {
    const emulator = org();
    const noContacts = {
      ...PERSONAS.seller,
      base: (PERSONAS.seller.base ?? []).filter((p) => p.name !== "prvReadContact"),
    };
    const { host } = hostFor(emulator, emulator.as(noContacts));
    const form = new EmailFormFake();
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove")];
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(form.notification).toMatch(/Wes Woodgrove could not be verified/);
    expect(await form.send()).toBe(false);
  });

  it("fails closed when the contacts cannot be read at all", async () => {
    const emulator = org();
    const seller = emulator.as(PERSONAS.seller);
    const failing = {
      ...seller,
      retrieveMultipleRecords: (table: string, query: string) =>
        table === "contact"
          ? Promise.reject(new Error("Service unavailable"))
          : seller.retrieveMultipleRecords(table, query),
    };
    const { host } = hostFor(emulator, failing);
    const form = new EmailFormFake();
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove")];
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(form.notification).toMatch(/Wes Woodgrove could not be verified/);
  });

  it("refuses a Send before the recipients on the form were judged", async () => {
    const emulator = org();
    const { host } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove")];
    expect(await email.isSendAllowed(host, form)).toBe(true);
    form.values.to = [contact(CONTACT_CONTOSO, "Dana Contoso")]; // changed, not judged yet
    expect(await form.send()).toBe(false);
    expect(form.notification).toMatch(/still checking/);
  });

  it("audits an allowed send, one entry per account, before it goes on", async () => {
    const emulator = org();
    const { host } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.regardingobjectid = [account(DEMO.tailspin, "Tailspin Toys")];
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove")];
    expect(await email.isSendAllowed(host, form)).toBe(true);
    expect(await form.send()).toBe(true);
    const audits = await emulator.retrieveMultipleRecords(
      OutreachAudit.logicalName,
      `?fetchXml=<fetch><entity name="${OutreachAudit.logicalName}"><attribute name="${OutreachAudit.account}"/><attribute name="${OutreachAudit.decision}"/><attribute name="${OutreachAudit.reasons}"/></entity></fetch>`,
    );
    const rows = audits.entities.map((r) => ({
      account: r[`_${OutreachAudit.account}_value`],
      decision: r[OutreachAudit.decision],
      reasons: r[OutreachAudit.reasons],
    }));
    expect(rows.map((r) => r.account).sort()).toEqual([DEMO.tailspin, DEMO.woodgrove].sort());
    expect(rows.every((r) => r.decision === AuditDecisionCodes.allowed)).toBe(true);
    expect(rows.find((r) => r.account === DEMO.woodgrove)?.reasons).toMatch(/Email "Hello" to Wes Woodgrove/);
  });

  it("the button checks again from scratch and says the outcome", async () => {
    const emulator = org();
    const { host, alerts } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove")];
    expect(await email.isSendAllowed(host, form)).toBe(true);
    emulator.requests.length = 0;
    await email.checkRecipients(host, form);
    expect(emulator.requests.map((r) => r.entity)).toEqual(expect.arrayContaining(["contact", "account"]));
    expect(alerts).toEqual([expect.stringMatching(/every recipient's account is clear/)]);
  });

  it("a changed recipient reads only what is new", async () => {
    const emulator = org();
    const { host } = hostFor(emulator);
    const form = new EmailFormFake();
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove"), account(DEMO.tailspin, "Tailspin Toys")];
    expect(await email.isSendAllowed(host, form)).toBe(true);
    emulator.requests.length = 0;
    form.set("cc", [account(DEMO.tailspin, "Tailspin Toys")]); // same account again: nothing to read
    expect(await email.isSendAllowed(host, form)).toBe(true);
    expect(emulator.requests.length).toBe(0);
    form.set("cc", [contact(CONTACT_CONTOSO, "Dana Contoso")]); // a new contact of a new account
    expect(await email.isSendAllowed(host, form)).toBe(false);
    // The contact, then one request per source for Contoso alone (hierarchy, requests, decisions, engagements).
    expect(emulator.requests.filter((r) => r.entity === "contact").length).toBe(1);
    expect(emulator.requests.length).toBeLessThanOrEqual(5);
  });
});

describe("a changed recipient, with the org's $batch (as on the platform: xrmHost posts it on the org's origin)", () => {
  /** The seller's host with the org's $batch endpoint; `onWire` lists what went over the wire since `mark`. */
  function batchingHost(emulator: DataverseEmulator, refuse = () => false) {
    const seller = emulator.as(PERSONAS.seller);
    const { host } = hostFor(emulator, seller);
    const endpoint = inProcessBatch(seller);
    host.batch = (body, headers) =>
      refuse()
        ? Promise.resolve({
            status: 503,
            contentType: "application/json",
            text: '{"error":{"code":"","message":"busy"}}',
          })
        : endpoint(body, headers);
    let mark = 0;
    return {
      host,
      mark: () => void (mark = emulator.requests.length),
      onWire: () =>
        emulator.requests
          .slice(mark)
          .filter((r) => !r.inBatch)
          .map((r) => r.entity),
    };
  }

  it("costs ONE request, whether the recipient's account is new or judged already", async () => {
    const emulator = org();
    emulator.insert(Contact.logicalName, {
      contactid: CONTACT_WOODGROVE_2,
      fullname: "Wanda Woodgrove",
      parentcustomerid: { $lookup: "account", id: DEMO.woodgrove },
    });
    const { host, mark, onWire } = batchingHost(emulator);
    const form = new EmailFormFake();
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove"), account(DEMO.tailspin, "Tailspin Toys")];
    mark();
    expect(await email.isSendAllowed(host, form)).toBe(true);
    // The first judgement: one request per source, in parallel (no batch).
    expect(onWire()).not.toContain("$batch");
    expect(new Set(onWire()).size).toBe(onWire().length);

    mark();
    form.set("cc", [contact(CONTACT_CONTOSO, "Dana Contoso")]); // a contact of an account not on the email
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(onWire()).toEqual(["$batch"]);
    expect(form.notification).toMatch(/Contoso Pharmaceuticals \(via Dana Contoso\)/);
    expect(form.notification).toMatch(/Harbor Computer Services/);

    mark();
    form.set("bcc", [contact(CONTACT_WOODGROVE_2, "Wanda Woodgrove")]); // a contact of an account judged already
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(onWire()).toEqual(["$batch"]);

    mark();
    form.set("regardingobjectid", [account(DEMO.fabrikamEurope, "Fabrikam Europe GmbH")]); // an account, blocked through its parent
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(onWire()).toEqual(["$batch"]);
    expect(form.notification).toMatch(/Northwind Partners/);

    mark();
    form.set("cc", []); // a recipient removed: nothing to read
    form.set("regardingobjectid", null);
    expect(await email.isSendAllowed(host, form)).toBe(true);
    expect(onWire()).toEqual([]);
    expect(form.notification).toBeUndefined();
  });

  it("a batch that fails as a whole fails the changed recipient closed: could not be verified", async () => {
    const emulator = org();
    let refuse = false;
    const { host, mark, onWire } = batchingHost(emulator, () => refuse);
    const form = new EmailFormFake();
    form.values.to = [contact(CONTACT_WOODGROVE, "Wes Woodgrove")];
    expect(await email.isSendAllowed(host, form)).toBe(true);
    refuse = true;
    mark();
    form.set("cc", [contact(CONTACT_CONTOSO, "Dana Contoso")]);
    expect(await email.isSendAllowed(host, form)).toBe(false);
    expect(onWire()).toEqual([]); // refused at the door: the org recorded nothing
    expect(form.notification).toMatch(/Dana Contoso could not be verified/);
    expect(await form.send()).toBe(false);
  });
});

describe("the contacts' and leads' lookup query", () => {
  it("validates against Fetch.xsd at the most ids one query holds", async () => {
    const ids = Array.from(
      { length: MAX_LOOKUP_IDS },
      (_, i) => `c1000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
    );
    for (const table of [Contact.logicalName, LeadTable.logicalName])
      expect(await validateFetchXml(lookupFetchXml(table, ids))).toEqual([]);
    // As the Web API is asked: a GET URL holds at most 32,768 characters.
    expect(encodeURIComponent(lookupFetchXml(Contact.logicalName, ids)).length).toBeLessThan(32_768 - 512);
  });
});

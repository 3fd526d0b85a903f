/**
 * Start outreach from contacts (issue 25, item 2): contact views, subgrids and the contact form,
 * each contact judged through its account, as a seller uses it: the shipped roles through the
 * emulator, the script's Xrm functions (webresource/index.ts ContactGrid, ContactForm), the real
 * .resx strings.
 */
import { installXrm } from "../helpers/xrm";
import { auditRefusedFor } from "../helpers/faults";
import { showWhy } from "../helpers/selectionNotice";
import { DEMO } from "../helpers/demo";
import { CONTACTS as C, MISSING_ACCOUNT, ONE_CONTACT_CASES, contactOrg } from "../helpers/contacts";
import { ContactForm, ContactGrid } from "../../webresource/index";
import * as grid from "../../webresource/grid";
import * as contact from "../../webresource/contact";
import { xrmHost } from "../../webresource/host";
import { forgetSelections } from "../../src/sources/selectionResolution";
import { forgetContactSelections } from "../../src/sources/contactSelection";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import { AuditDecisionCodes, Contact, ENGAGEMENT_ACTIVITY, OutreachAudit } from "../../src/schema";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";

beforeEach(() => {
  forgetSelections();
  forgetContactSelections();
  grid.forgetNotice();
  forgetSharedResolutions();
});

/** The grid passes ids in braces, upper case. */
const asGrid = (ids: string[]) => ids.map((id) => `{${id.toUpperCase()}}`);
const MIXED = [C.ana, C.wes, C.carl, C.cora, C.alma, C.ursula, C.nina, C.dora];
const settle = () => new Promise((r) => setTimeout(r, 0));

const audits = (emulator: DataverseEmulator) => emulator.table(OutreachAudit.logicalName);
const phoneCalls = (emulator: DataverseEmulator) => emulator.table("phonecall");
const lookupOf = (row: Record<string, unknown>, column: string) =>
  row[column] as { $lookup: string; id: string } | undefined;

describe("Start outreach's rule on a seller's selection of contacts", () => {
  test.each([
    ...ONE_CONTACT_CASES,
    ["one allowed contact among blocked and unverified ones", [C.carl, C.ursula, C.dora, C.ana], true],
    ["only a contact without an account among blocked ones", [C.carl, C.cora, C.nina], true],
    ["blocked, unverified and deleted only", [C.carl, C.ursula, C.dora], false],
  ])("%s", async (_what, ids, expected) => {
    const emulator = await contactOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(ContactGrid.isOutreachEnabled(asGrid(ids))).resolves.toBe(expected);
  });

  test("a mixed selection: Start outreach on, the gated commands off, one notification saying why, from the same answer", async () => {
    const emulator = await contactOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    const [some, every] = await Promise.all([
      ContactGrid.isOutreachEnabled(asGrid(MIXED)),
      ContactGrid.isEverySelectedAllowed(asGrid(MIXED)),
    ]);
    expect([some, every]).toEqual([true, false]);
    // One read of the contacts, then one request per table over the three distinct accounts.
    expect(emulator.requests.map((r) => r.entity).sort()).toEqual([
      "account",
      "contact",
      "environmentvariabledefinition",
      "pg_outreachdecision",
      "pg_outreachexception",
      "task",
    ]);
    await settle();
    const why = (
      await showWhy(
        recorded,
        emulator,
        "PartnerGuard: 4 of 8 selected contacts belong to accounts that are blocked or could not be verified, so commands that reach every selected contact (email, marketing list, quick campaign, sequence) are off. Start outreach lists them and offers to engage their partners.",
      )
    ).split("\n");
    expect(why[0]).toBe("Not cleared for direct outreach: 4 contacts.");
    // Several contacts of one account: the account is judged once, and named once with them.
    expect(why.filter((l) => l.includes("Contoso Pharmaceuticals"))).toHaveLength(1);
    expect(why[1]).toMatch(
      /^• Contoso Pharmaceuticals \(Carl Contoso, Cora Contoso\): Partner of record: Harbor Computer Services — CSP reseller since/,
    );
    expect(why[2]).toMatch(
      new RegExp(`^• ${MISSING_ACCOUNT} \\(Ursula Unknown\\): Partner status could not be verified\\.`),
    );
    expect(why[3]).toBe(
      `• ${C.dora}: this contact could not be read (deleted, or you may not see it), so it could not be verified.`,
    );
    expect(why.join("\n")).not.toMatch(/Woodgrove|Alpine|Nina/);
  });

  test("the same set again, in another order and spelling: no request, no new notification; a fine selection clears it", async () => {
    const emulator = await contactOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    await ContactGrid.isOutreachEnabled(asGrid(MIXED));
    const after = emulator.requests.length;
    await ContactGrid.isOutreachEnabled([...MIXED].reverse());
    await ContactGrid.isEverySelectedAllowed(asGrid([...MIXED, MIXED[0]]));
    expect(emulator.requests).toHaveLength(after);
    await settle();
    expect(recorded.shownNotices).toHaveLength(1);
    await expect(ContactGrid.isOutreachEnabled(asGrid([C.ana, C.nina, C.alma]))).resolves.toBe(true);
    await settle();
    expect(recorded.notices.size).toBe(0);
  });

  test("'all records on current page' leaves the selection's notification alone", async () => {
    const emulator = await contactOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(ContactGrid.isEveryOnPageAllowed(asGrid(MIXED))).resolves.toBe(false);
    await settle();
    expect(recorded.shownNotices).toHaveLength(0);
  });

  test("nothing selected, over 250 contacts, or a contact read that fails: off; the last two say so", async () => {
    const emulator = await contactOrg({
      fault: (r) =>
        r.operation === "retrieveMultipleRecords" && r.entity === Contact.logicalName
          ? { status: 503, message: "service unavailable" }
          : undefined,
    });
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(ContactGrid.isOutreachEnabled([])).resolves.toBe(false);
    const many = Array.from({ length: 251 }, (_, i) => `c2000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    await expect(ContactGrid.isOutreachEnabled(many)).resolves.toBe(false);
    expect(emulator.requests).toHaveLength(0);
    await settle();
    expect([...recorded.notices.values()][0].message).toBe(
      "PartnerGuard: 251 contacts are selected; at most 250 can be checked at once, so outreach commands are off for this selection.",
    );
    await expect(ContactGrid.isOutreachEnabled([C.ana])).resolves.toBe(false);
    await settle();
    expect([...recorded.notices.values()].map((n) => n.message)).toEqual([
      "PartnerGuard: the selected contacts could not be read, so outreach commands are off for this selection.",
    ]);
  });
});

describe("Start outreach's action on a seller's selection of contacts", () => {
  test("lists what is not cleared by account, engages those partners, then one audit per account and one phone call per contact", async () => {
    const emulator = await contactOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    const outcome = await contact.startContactOutreach(xrmHost(), asGrid(MIXED));
    expect(outcome.cleared).toEqual([C.ana, C.wes, C.alma, C.nina]);
    expect(outcome.noAccount).toEqual([C.nina]);
    expect(outcome.notCleared).toEqual([C.carl, C.cora, C.ursula, C.dora]);
    expect(outcome.engaged).toEqual([DEMO.contoso]);
    expect(outcome.started).toEqual(outcome.cleared);
    expect(outcome.failed).toEqual([]);
    // First dialog: not cleared, by account, and the offer to engage the one partner of record.
    expect(recorded.confirms[0].text).toContain(
      "• Contoso Pharmaceuticals (Carl Contoso, Cora Contoso): Partner of record:",
    );
    expect(recorded.confirms[0].text).toContain(
      "Engage the partners of record instead? PartnerGuard creates a task for the partner manager on 1 account.",
    );
    // Second: the contacts to reach, with their accounts, confirmed before anything opens.
    expect(recorded.confirms[1].text).toBe(
      [
        "Start outreach to 4 contacts cleared for it? PartnerGuard records the check of each account once and creates a phone call regarding each contact:",
        "• Ana Woodgrove (Woodgrove Foods)",
        "• Wes Woodgrove (Woodgrove Foods)",
        "• Alma Alpine (Alpine Ski House)",
        "• Nina Nobody (no account)",
      ].join("\n"),
    );
    // One phone call per contact, regarding the contact, created by the seller.
    const calls = phoneCalls(emulator);
    expect(calls.map((p) => lookupOf(p, "regardingobjectid"))).toEqual(
      expect.arrayContaining(outcome.cleared.map((id) => ({ $lookup: "contact", id }))),
    );
    expect(calls).toHaveLength(4);
    expect(calls.map((p) => p.subject).sort()).toEqual([
      "Outreach: Alma Alpine (Alpine Ski House)",
      "Outreach: Ana Woodgrove (Woodgrove Foods)",
      "Outreach: Nina Nobody",
      "Outreach: Wes Woodgrove (Woodgrove Foods)",
    ]);
    expect(calls.every((p) => lookupOf(p, "createdby")?.id === PERSONAS.seller.id)).toBe(true);
    // The engagement: a task regarding the account.
    const tasks = emulator
      .table(ENGAGEMENT_ACTIVITY.logicalName)
      .filter((t) => t.category === ENGAGEMENT_ACTIVITY.categoryValue);
    expect(tasks.map((t) => lookupOf(t, "regardingobjectid")?.id)).toEqual([DEMO.contoso]);
    // The audit names the account, once per account however many of its contacts were reached.
    const rowsFor = (account: string | undefined) =>
      audits(emulator).filter((a) => lookupOf(a, OutreachAudit.account)?.id === account);
    const woodgrove = rowsFor(DEMO.woodgrove);
    expect(woodgrove.map((a) => a[OutreachAudit.decision])).toEqual([AuditDecisionCodes.allowed]);
    expect(woodgrove[0][OutreachAudit.reasons]).toContain("Contacts: Ana Woodgrove, Wes Woodgrove");
    expect(rowsFor(DEMO.alpine).map((a) => a[OutreachAudit.decision])).toEqual([
      AuditDecisionCodes["allowed-by-exception"],
    ]);
    expect(
      rowsFor(DEMO.contoso)
        .map((a) => a[OutreachAudit.decision])
        .sort(),
    ).toEqual([AuditDecisionCodes.blocked, AuditDecisionCodes["engaged-partner"]]);
    expect(rowsFor(DEMO.contoso)[0][OutreachAudit.reasons]).toContain("Contacts: Carl Contoso, Cora Contoso");
    // An account that is not there has no row to record a check on.
    expect(rowsFor(MISSING_ACCOUNT)).toEqual([]);
    // A contact without an account: still audited, naming no account.
    const none = audits(emulator).filter((a) => !a[OutreachAudit.account]);
    expect(none.map((a) => a[OutreachAudit.name])).toEqual([
      "Outreach check: Nina Nobody (contact without an account) — allowed",
    ]);
    expect(none[0][OutreachAudit.reasons]).toBe("Nina Nobody has no account: there was no partner of record to check.");
    expect(audits(emulator)).toHaveLength(5);
    expect(recorded.alerts.at(-1)?.text).toBe(
      [
        "Outreach started for 4 contacts: a phone call regarding each is in your activities.",
        "Partners engaged on 1 account.",
      ].join("\n"),
    );
  });

  test("the seller cancels: no phone call, no engagement; the check of each blocked account read is still recorded once", async () => {
    const emulator = await contactOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: false });
    const outcome = await contact.startContactOutreach(xrmHost(), MIXED);
    expect(outcome.cancelled).toBe(true);
    expect(phoneCalls(emulator)).toHaveLength(0);
    expect(emulator.table(ENGAGEMENT_ACTIVITY.logicalName).filter((t) => t.category)).toHaveLength(0);
    expect(audits(emulator).map((a) => [lookupOf(a, OutreachAudit.account)?.id, a[OutreachAudit.decision]])).toEqual([
      [DEMO.contoso, AuditDecisionCodes.blocked],
    ]);
  });

  test("an account whose check cannot be recorded: none of its contacts gets a call, the seller is told, the others proceed", async () => {
    const emulator = await contactOrg({ fault: auditRefusedFor(DEMO.woodgrove) });
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    const outcome = await contact.startContactOutreach(xrmHost(), [C.ana, C.wes, C.alma]);
    expect(outcome.started).toEqual([C.alma]);
    expect(outcome.failed).toEqual([
      { id: C.ana, step: "audit", message: "audit store unavailable" },
      { id: C.wes, step: "audit", message: "audit store unavailable" },
    ]);
    expect(phoneCalls(emulator).map((p) => lookupOf(p, "regardingobjectid")?.id)).toEqual([C.alma]);
    expect(recorded.alerts.at(-1)?.text).toBe(
      [
        "Outreach started for 1 contact: a phone call regarding each is in your activities.",
        "",
        "The check could not be recorded for the account of these contacts, so nothing was opened for them:",
        "• Ana Woodgrove (audit store unavailable)",
        "• Wes Woodgrove (audit store unavailable)",
      ].join("\n"),
    );
  });

  test("the action checks again, fresh: contacts of an account blocked since the rule ran get nothing", async () => {
    const emulator = await contactOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    await expect(ContactGrid.isEverySelectedAllowed([C.ana, C.nina])).resolves.toBe(true);
    emulator.insert("pg_partnerassociation", {
      pg_partnerassociationid: "d0000000-0000-4000-8000-000000000001",
      pg_customeraccountid: { $lookup: "account", id: DEMO.woodgrove },
      pg_relationshiptype: 100000004,
      pg_associationstatus: 100000000,
      pg_startdate: "2026-01-01",
    });
    const before = emulator.requests.length;
    const refreshed: string[] = [];
    const outcome = await contact.startContactOutreach(xrmHost(), [C.ana, C.nina], {
      refreshRibbon: () => refreshed.push("ribbon"),
    });
    // Fresh: the contacts, the configuration and one request per table again.
    expect(emulator.requests.slice(before).filter((r) => r.entity === Contact.logicalName)).toHaveLength(1);
    expect(emulator.requests.slice(before).filter((r) => r.entity === "account")).toHaveLength(1);
    expect(outcome.notCleared).toEqual([C.ana]);
    expect(outcome.started).toEqual([C.nina]);
    expect(refreshed).toEqual(["ribbon"]);
    // The rules now answer from what the re-check found, without a request.
    const requests = emulator.requests.length;
    await expect(ContactGrid.isEverySelectedAllowed([C.nina, C.ana])).resolves.toBe(false);
    expect(emulator.requests).toHaveLength(requests);
  });

  test("only a deleted contact: it is listed as not verified and nothing is written", async () => {
    const emulator = await contactOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    const outcome = await contact.startContactOutreach(xrmHost(), [C.dora]);
    expect(outcome).toMatchObject({ cleared: [], notCleared: [C.dora], started: [], cancelled: true });
    expect(recorded.confirms).toHaveLength(0);
    expect(recorded.alerts.map((a) => a.text)).toEqual([
      [
        "Not cleared for direct outreach: 1 contact.",
        `• ${C.dora}: this contact could not be read (deleted, or you may not see it), so it could not be verified.`,
      ].join("\n"),
    ]);
    expect(audits(emulator)).toHaveLength(0);
    expect(phoneCalls(emulator)).toHaveLength(0);
  });

  test("the contacts cannot be read: the seller is told, nothing is written (fail closed)", async () => {
    const emulator = await contactOrg({
      fault: (r) =>
        r.operation === "retrieveMultipleRecords" && r.entity === Contact.logicalName
          ? { status: 503, message: "service unavailable" }
          : undefined,
    });
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    await ContactGrid.startOutreach([C.ana, C.nina]);
    expect(recorded.alerts.map((a) => a.text)).toEqual([
      "PartnerGuard could not read the selected contacts, so none of them could be verified. Nothing was started. Try again in a moment.",
    ]);
    expect(audits(emulator)).toHaveLength(0);
    expect(phoneCalls(emulator)).toHaveLength(0);
  });

  test("a seller whose base role may not append to contacts: the check is recorded, the refused phone call is reported", async () => {
    const emulator = await contactOrg();
    const noAppendTo: Persona = {
      ...PERSONAS.seller,
      base: PERSONAS.seller.base.filter((p) => p.name !== "prvAppendToContact"),
    };
    const { recorded } = installXrm(emulator.as(noAppendTo), undefined, { confirm: true });
    const outcome = await contact.startContactOutreach(xrmHost(), [C.ana]);
    expect(outcome.started).toEqual([]);
    expect(outcome.failed).toEqual([
      { id: C.ana, step: "activity", message: expect.stringContaining("prvAppendToContact") },
    ]);
    expect(audits(emulator)).toHaveLength(1);
    expect(phoneCalls(emulator)).toHaveLength(0);
    expect(recorded.alerts.at(-1)?.text).toContain(
      "The check was recorded, but the phone call could not be created for:",
    );
  });
});

describe("Start outreach on the contact form", () => {
  const lookup = (entityType: string, id: string) => [{ id: `{${id.toUpperCase()}}`, entityType, name: "x" }];
  function contactForm(id: string, company: unknown) {
    const shown = new Map<string, string>();
    const refreshes: number[] = [];
    const form = {
      company,
      data: { entity: { getId: () => (id ? `{${id.toUpperCase()}}` : "") } },
      getAttribute: (name: string) => (name === Contact.company ? { getValue: () => form.company } : null),
      ui: {
        refreshRibbon: () => refreshes.push(1),
        setFormNotification: (message: string, _level: string, uniqueId: string) => !!shown.set(uniqueId, message),
        clearFormNotification: (uniqueId: string) => shown.delete(uniqueId),
      },
    };
    return { form, shown, refreshes };
  }

  test("off while the contact's account is not allowed, with a form notification saying why; a changed company is judged again", async () => {
    const emulator = await contactOrg();
    installXrm(emulator.as(PERSONAS.seller), undefined);
    const { form, shown } = contactForm(C.carl, lookup("account", DEMO.contoso));
    await expect(ContactForm.isOutreachEnabled(form)).resolves.toBe(false);
    expect(shown.get(contact.CONTACT_FORM_NOTIFICATION)).toMatch(
      /^PartnerGuard: outreach to this contact is off because its account Contoso Pharmaceuticals is not cleared\. Partner of record: Harbor Computer Services — CSP reseller since .+ Open the account to engage the partner or request an exception\.$/,
    );
    // The gated command's rule on the same form asks the same question: no new request, same notice.
    const before = emulator.requests.length;
    await expect(ContactForm.isEveryAllowed(form)).resolves.toBe(false);
    expect(emulator.requests).toHaveLength(before);
    form.company = lookup("account", DEMO.woodgrove);
    await expect(ContactForm.isOutreachEnabled(form)).resolves.toBe(true);
    expect(shown.size).toBe(0);
    form.company = lookup("account", MISSING_ACCOUNT);
    await expect(ContactForm.isOutreachEnabled(form)).resolves.toBe(false);
    expect(shown.get(contact.CONTACT_FORM_NOTIFICATION)).toContain(
      `its account ${MISSING_ACCOUNT} could not be verified. Partner status could not be verified.`,
    );
    form.company = null; // no account: nothing to block
    await expect(ContactForm.isOutreachEnabled(form)).resolves.toBe(true);
    expect(shown.size).toBe(0);
  });

  test("the form's action: the saved contact judged afresh, one audit naming the account, one phone call regarding the contact", async () => {
    const emulator = await contactOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    const { form, refreshes } = contactForm(C.ana, lookup("account", DEMO.woodgrove));
    await ContactForm.startOutreach(form);
    expect(phoneCalls(emulator).map((p) => lookupOf(p, "regardingobjectid"))).toEqual([
      { $lookup: "contact", id: C.ana },
    ]);
    expect(audits(emulator).map((a) => lookupOf(a, OutreachAudit.account)?.id)).toEqual([DEMO.woodgrove]);
    expect(refreshes).toHaveLength(1);
    expect(recorded.alerts.at(-1)?.text).toContain("Outreach started for 1 contact");
  });

  test("a new contact (no id yet): asked to save first, nothing is read or written", async () => {
    const emulator = await contactOrg();
    const { recorded } = installXrm(emulator.as(PERSONAS.seller), undefined, { confirm: true });
    await ContactForm.startOutreach(contactForm("", null).form);
    expect(recorded.alerts.map((a) => a.text)).toEqual([
      "Save the contact first: outreach is started for a saved contact.",
    ]);
    expect(emulator.requests).toHaveLength(0);
  });
});

/**
 * A request or a decision saved on its model-driven form (Outreach exception / Outreach decision,
 * OnLoad PartnerGuard.Approvals.onLoad) notifies like one made from the card: as personas against
 * the emulator with the shipped roles, through the command script's real entry point and Xrm.
 */
import { FormType, installRecordForm, openRecordForm } from "../helpers/xrm";
import { DEMO, demoEmulator } from "../helpers/demo";
import { Approvals } from "../../webresource/index";
import { NOTICE_ID, forgetApprovalForms } from "../../webresource/approvals";
import { requestException, ActionContext } from "../../src/sources/partnerActions";
import { readNotifications } from "../../src/sources/notifications";
import { resolveVerdict } from "../../src/sources/resolver";
import { configFromValues } from "../../src/sources/configSource";
import { DEFAULT_POLICY } from "../../src/core/policy";
import {
  Account,
  AppNotification,
  DecisionCodes,
  ExceptionReasonCodes,
  OutreachDecision,
  OutreachExceptionTable,
} from "../../src/schema";
import { DataverseEmulator, EmulatorOptions } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";
import { WebApiHost } from "../../src/sources/webApi";
import { SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS, refusal } from "../helpers/faults";
import { strictTranslate } from "../helpers/strings";
import { actionWording } from "../../src/text/auditText";

const { seller: SELLER, approver: APPROVER } = PERSONAS;
const NOW = Date.parse("2026-11-24T12:00:00Z");

beforeEach(() => forgetApprovalForms());

function org(options: EmulatorOptions = {}) {
  const emulator = demoEmulator({ clock: () => NOW, ...options });
  for (const p of [SELLER, APPROVER, PERSONAS.secondSeller, PERSONAS.admin]) emulator.as(p);
  return emulator;
}

async function verdictOf(host: WebApiHost, userId: string) {
  return (
    await resolveVerdict(
      { webApi: host, userId, clock: () => NOW, loadConfig: async () => configFromValues(new Map()) },
      DEMO.contoso,
    )
  ).verdict;
}

/** The seller asks from the card (it notifies the approvers itself): the request an approver then decides on. */
async function cardRequest(emulator: DataverseEmulator): Promise<string> {
  const ctx: ActionContext = {
    host: emulator.as(SELLER),
    words: actionWording(strictTranslate(1033), "en-GB"),
    actor: { userId: SELLER.id, userName: SELLER.name },
    accountId: DEMO.contoso,
    accountName: "Contoso Pharmaceuticals",
    now: () => NOW,
  };
  const result = await requestException(ctx, await verdictOf(ctx.host, SELLER.id), DEFAULT_POLICY, {
    justification: "The customer's CIO asked for a direct call.",
    reason: "customer-asked",
    days: 14,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.id;
}

const notificationsOf = (emulator: DataverseEmulator, persona: Persona) =>
  emulator
    .table(AppNotification.logicalName)
    .filter((n) => (n[AppNotification.owner] as { id: string }).id === persona.id);

/** What the approver enters on a new Outreach decision form. */
const decisionValues = (requestId: string, approve: boolean, note?: string) => ({
  [OutreachDecision.name]: "Decision",
  [`${OutreachDecision.exceptionNav}@odata.bind`]: `/${OutreachExceptionTable.entitySet}(${requestId})`,
  [OutreachDecision.decision]: approve ? DecisionCodes.approved : DecisionCodes.rejected,
  ...(approve ? { [OutreachDecision.days]: 14 } : {}),
  ...(note ? { [OutreachDecision.note]: note } : {}),
});

/** The approver opens a new Outreach decision form in the app (OnLoad runs). */
function approverOpensNewDecision(emulator: DataverseEmulator) {
  const window = installRecordForm(emulator.as(APPROVER), OutreachDecision.logicalName, { userId: APPROVER.id });
  const record = window.open();
  Approvals.onLoad(record.loadContext());
  return { window, record };
}

describe("a decision saved on the Outreach decision form", () => {
  test("notifies the requester exactly once, with the words of the card, and says so on the form", async () => {
    const emulator = org();
    const requestId = await cardRequest(emulator);
    const before = notificationsOf(emulator, SELLER).length;
    const { record } = approverOpensNewDecision(emulator);
    expect(record.form.ui.getFormType()).toBe(FormType.create);

    const saved = await record.save(decisionValues(requestId, true, "Go ahead, *copy* Harbor."));
    expect(saved.ok).toBe(true);
    expect(notificationsOf(emulator, SELLER)).toHaveLength(before + 1);
    const [latest] = await readNotifications(emulator.as(SELLER), SELLER.id);
    expect(latest.title).toBe("Outreach exception approved: Contoso Pharmaceuticals");
    // Until: the decision's server-set createdon plus its days (as the verdict counts it).
    expect(latest.body).toBe(
      "Jordan Approver approved your request for Contoso Pharmaceuticals: direct outreach is allowed until 8 Dec 2026. Note: Go ahead, *copy* Harbor.",
    );
    expect(latest.requestId).toBe(requestId);
    expect(record.notice()).toEqual([
      { uniqueId: NOTICE_ID, level: "INFO", message: "Decision saved; Avery Seller was notified." },
    ]);
    // The seller's verdict agrees with the date told.
    const verdict = await verdictOf(emulator.as(SELLER), SELLER.id);
    expect(verdict.outreach).toBe("allowed");
    expect(verdict.exception?.validUntil).toBe("2026-12-08T12:00:00.000Z");

    // The form reloads after the save (data load state 2), and the user saves again: nothing more is sent.
    Approvals.onLoad(record.loadContext(2));
    await record.save({ [OutreachDecision.note]: "edited" });
    Approvals.onLoad(record.loadContext(2));
    await record.save({});
    expect(notificationsOf(emulator, SELLER)).toHaveLength(before + 1);
    expect(emulator.table(OutreachDecision.logicalName)).toHaveLength(1);
  });

  test("a rejection tells the requester it was rejected", async () => {
    const emulator = org();
    const requestId = await cardRequest(emulator);
    const { record } = approverOpensNewDecision(emulator);
    await record.save(decisionValues(requestId, false));
    const [latest] = await readNotifications(emulator.as(SELLER), SELLER.id);
    expect(latest.title).toBe("Outreach exception rejected: Contoso Pharmaceuticals");
    expect(latest.body).toBe("Jordan Approver rejected your request for Contoso Pharmaceuticals.");
  });

  test("a notification the server refuses shows a warning naming the requester, and the decision stands", async () => {
    const refuse = refusal("createRecord", AppNotification.logicalName, TOO_MANY_REQUESTS, { on: false });
    const emulator = org({ fault: refuse.fault });
    const requestId = await cardRequest(emulator);
    const before = notificationsOf(emulator, SELLER).length;
    refuse.on = true;
    const { record } = approverOpensNewDecision(emulator);
    const saved = await record.save(decisionValues(requestId, true));
    expect(saved.ok).toBe(true);
    expect(record.notice()).toEqual([
      {
        uniqueId: NOTICE_ID,
        level: "WARNING",
        message: "Decision saved, but Avery Seller could not be notified. The decision stands: tell them yourself.",
      },
    ]);
    expect(notificationsOf(emulator, SELLER)).toHaveLength(before);
    expect(emulator.table(OutreachDecision.logicalName)).toHaveLength(1);
    expect((await verdictOf(emulator.as(SELLER), SELLER.id)).outreach).toBe("allowed");
  });

  test("a save the server refuses sends nothing; the next successful save of the new row notifies once", async () => {
    const refuseDecision = refusal("createRecord", OutreachDecision.logicalName, SERVICE_UNAVAILABLE);
    const emulator = org({ fault: refuseDecision.fault });
    const requestId = await cardRequest(emulator);
    const before = notificationsOf(emulator, SELLER).length;
    const { record } = approverOpensNewDecision(emulator);
    expect((await record.save(decisionValues(requestId, true))).ok).toBe(false);
    expect(notificationsOf(emulator, SELLER)).toHaveLength(before);
    expect(record.notice()).toEqual([]);
    refuseDecision.on = false;
    expect((await record.save(decisionValues(requestId, true))).ok).toBe(true);
    expect(notificationsOf(emulator, SELLER)).toHaveLength(before + 1);
  });

  test("opening an existing decision and saving it sends nothing", async () => {
    const emulator = org();
    const requestId = await cardRequest(emulator);
    const { record } = approverOpensNewDecision(emulator);
    await record.save(decisionValues(requestId, true));
    const after = emulator.table(AppNotification.logicalName).length;
    const existing = openRecordForm(
      emulator.as(APPROVER),
      OutreachDecision.logicalName,
      record.form.data.entity.getId(),
    );
    Approvals.onLoad(existing.loadContext());
    await existing.save({});
    expect(existing.handlers).toHaveLength(0);
    expect(emulator.table(AppNotification.logicalName)).toHaveLength(after);
  });
});

describe("a request saved on the Outreach exception form", () => {
  test("notifies every approver, not the seller who asked, and tells the seller it was sent", async () => {
    const emulator = org();
    const window = installRecordForm(emulator.as(SELLER), OutreachExceptionTable.logicalName, { userId: SELLER.id });
    const record = window.open();
    Approvals.onLoad(record.loadContext());
    const saved = await record.save({
      [OutreachExceptionTable.name]: "Request",
      [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/${Account.entitySet}(${DEMO.contoso})`,
      [OutreachExceptionTable.reasonCode]: ExceptionReasonCodes["customer-asked"],
      [OutreachExceptionTable.justification]: "The customer's CIO asked for a direct call.",
      [OutreachExceptionTable.requestedDays]: 10,
    });
    expect(saved.ok).toBe(true);
    expect(notificationsOf(emulator, SELLER)).toHaveLength(0);
    expect(notificationsOf(emulator, APPROVER)).toHaveLength(1);
    const owners = emulator
      .table(AppNotification.logicalName)
      .map((n) => (n[AppNotification.owner] as { id: string }).id);
    expect(owners).toEqual([APPROVER.id]);
    const [mine] = await readNotifications(emulator.as(APPROVER), APPROVER.id);
    expect(mine.title).toBe("Outreach exception requested: Contoso Pharmaceuticals");
    expect(mine.body).toBe(
      "Avery Seller asks to contact Contoso Pharmaceuticals directly for 10 days. Reason: Customer asked for direct contact.",
    );
    expect(mine.requestId).toBe(saved.id);
    expect(record.notice()).toEqual([
      { uniqueId: NOTICE_ID, level: "INFO", message: "Your request was sent to the approvers." },
    ]);
  });

  test("records the account it is for, so that an approval counts in the seller's verdict", async () => {
    const emulator = org();
    const window = installRecordForm(emulator.as(SELLER), OutreachExceptionTable.logicalName, { userId: SELLER.id });
    const record = window.open();
    Approvals.onLoad(record.loadContext());
    record.enter(OutreachExceptionTable.account, [
      { id: `{${DEMO.contoso.toUpperCase()}}`, name: "Contoso Pharmaceuticals", entityType: Account.logicalName },
    ]);
    const saved = await record.save({
      [OutreachExceptionTable.name]: "Request",
      [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/${Account.entitySet}(${DEMO.contoso})`,
      [OutreachExceptionTable.reasonCode]: ExceptionReasonCodes["customer-asked"],
      [OutreachExceptionTable.justification]: "The customer's CIO asked for a direct call.",
      [OutreachExceptionTable.requestedDays]: 10,
    });
    expect(saved.ok).toBe(true);
    const [row] = emulator.table(OutreachExceptionTable.logicalName);
    expect(row[OutreachExceptionTable.requestedFor]).toBe(DEMO.contoso);
    // The approver decides on the form-made request: the seller's verdict now counts it.
    const { record: decision } = approverOpensNewDecision(emulator);
    await decision.save(decisionValues(saved.id!, true));
    const verdict = await verdictOf(emulator.as(SELLER), SELLER.id);
    expect(verdict.outreach).toBe("allowed");
    expect(verdict.exception?.request.id).toBe(saved.id);
  });

  test("a form without the hidden column refuses the save with a message instead of a request that never counts", async () => {
    const emulator = org();
    const window = installRecordForm(emulator.as(SELLER), OutreachExceptionTable.logicalName, { userId: SELLER.id });
    const record = window.open();
    // An administrator customised the form and removed the hidden column.
    const getAttribute = record.form.getAttribute;
    record.form.getAttribute = (name: string) =>
      name === OutreachExceptionTable.requestedFor ? null : getAttribute(name);
    Approvals.onLoad(record.loadContext());
    record.enter(OutreachExceptionTable.account, [{ id: DEMO.contoso, entityType: Account.logicalName }]);
    const saved = await record.save({
      [OutreachExceptionTable.name]: "Request",
      [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/${Account.entitySet}(${DEMO.contoso})`,
      [OutreachExceptionTable.requestedDays]: 10,
    });
    expect(saved).toMatchObject({ ok: false, prevented: true });
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(0);
    expect(record.notice()).toEqual([
      { uniqueId: NOTICE_ID, level: "ERROR", message: expect.stringContaining("Requested for account") },
    ]);
  });

  test("when the approvers cannot be looked up, the seller is warned and the request stands", async () => {
    const emulator = org({
      fault: refusal("retrieveMultipleRecords", "systemuser", { status: 403, message: "no read on roles" }).fault,
    });
    const window = installRecordForm(emulator.as(SELLER), OutreachExceptionTable.logicalName, { userId: SELLER.id });
    const record = window.open();
    Approvals.onLoad(record.loadContext());
    await record.save({
      [OutreachExceptionTable.name]: "Request",
      [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/${Account.entitySet}(${DEMO.contoso})`,
      [OutreachExceptionTable.justification]: "Asked.",
      [OutreachExceptionTable.requestedDays]: 10,
    });
    expect(record.notice()[0]).toMatchObject({
      level: "WARNING",
      message: expect.stringContaining("no approver could be notified"),
    });
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);
  });
});

describe("one handler per window", () => {
  test("is registered once across records of the same window, and the previous record's handler goes", async () => {
    const emulator = org();
    const requestId = await cardRequest(emulator);
    const before = notificationsOf(emulator, SELLER).length;
    const { window, record: first } = approverOpensNewDecision(emulator);
    expect(first.handlers).toHaveLength(1);
    // The same form context loads again (a new record in the same window): no second handler.
    Approvals.onLoad(first.loadContext());
    Approvals.onLoad(first.loadContext(2));
    expect(first.handlers).toHaveLength(1);
    // The next record gets its own form context: the previous one's handler is taken off.
    const second = window.open();
    Approvals.onLoad(second.loadContext());
    expect(first.handlers).toHaveLength(0);
    expect(second.handlers).toHaveLength(1);
    await second.save(decisionValues(requestId, true));
    expect(notificationsOf(emulator, SELLER)).toHaveLength(before + 1);
  });
});

/**
 * In-app notifications as personas, against the emulator with the shipped roles: a seller's
 * request tells every approver (in any business unit) and no seller; a decision tells the
 * requester; a notification that cannot be sent never undoes the request or the decision; nobody
 * reads another user's notifications.
 */
import { decideException, requestException, ActionContext } from "../../src/sources/partnerActions";
import { readNotifications, escapeMarkdown } from "../../src/sources/notifications";
import { resolveVerdict } from "../../src/sources/resolver";
import { configFromValues } from "../../src/sources/configSource";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { AppNotification, OutreachDecision, OutreachExceptionTable } from "../../src/schema";
import { DataverseEmulator, EmulatorOptions } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona, PRIVILEGE_DENIED_CODE } from "../../src/emulator/security";
import { WebApiHost } from "../../src/sources/webApi";
import { DEMO, demoEmulator } from "../helpers/demo";
import { SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS, refusal } from "../helpers/faults";
import { strictTranslate } from "../helpers/strings";
import { actionWording } from "../../src/text/auditText";

const { seller: SELLER, secondSeller: SECOND_SELLER, approver: APPROVER, admin: ADMIN } = PERSONAS;
const NOW = Date.parse("2026-11-24T12:00:00Z");
const t = strictTranslate(1033);
const EAST = "0000000e-0000-4000-a000-0000000000e0";

/** An approver who only approves, in another business unit than everyone else. */
const FAR_APPROVER: Persona = {
  id: "66666666-6666-4666-8666-666666666666",
  name: "Casey Approver",
  roles: ["approver"],
  fieldSecurityProfiles: ["approver"],
  base: SELLER.base,
  businessUnitId: EAST,
};

function ctx(emulator: DataverseEmulator, persona: Persona, accountName = "Contoso Pharmaceuticals"): ActionContext {
  return {
    host: emulator.as(persona),
    words: actionWording(t, "en-GB"),
    actor: { userId: persona.id, userName: persona.name },
    accountId: DEMO.contoso,
    accountName,
    now: () => NOW,
  };
}

async function verdictOf(host: WebApiHost, userId: string) {
  return (
    await resolveVerdict(
      { webApi: host, userId, clock: () => NOW, loadConfig: async () => configFromValues(new Map()) },
      DEMO.contoso,
    )
  ).verdict;
}

/** The org: every persona signed in once (so the org knows them and their roles). */
function org(options: EmulatorOptions = {}, ...people: Persona[]) {
  const emulator = demoEmulator({ clock: () => NOW, ...options });
  for (const p of [SELLER, SECOND_SELLER, APPROVER, ADMIN, ...people]) emulator.as(p);
  return emulator;
}

async function request(emulator: DataverseEmulator, persona: Persona = SELLER, accountName?: string) {
  const c = ctx(emulator, persona, accountName);
  const result = await requestException(c, await verdictOf(c.host, persona.id), DEFAULT_POLICY, {
    justification: "The customer's CIO asked for a direct call about the renewal.",
    reason: "customer-asked",
    days: 14,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

const ownersOf = (emulator: DataverseEmulator) =>
  emulator
    .table(AppNotification.logicalName)
    .map((n) => (n[AppNotification.owner] as { id: string }).id)
    .sort();

describe("a request notifies the approvers", () => {
  test("every approver gets one naming the account, the seller, the reason and the days, with an action opening the request", async () => {
    const emulator = org({}, FAR_APPROVER);
    const result = await request(emulator);
    expect(result.notified).toMatchObject({ notified: true, failed: [] });
    // The approver of the root unit and the one of another unit; no seller, no admin.
    expect(ownersOf(emulator)).toEqual([APPROVER.id, FAR_APPROVER.id].sort());
    const [mine] = await readNotifications(emulator.as(APPROVER), APPROVER.id);
    expect(mine.title).toBe("Outreach exception requested: Contoso Pharmaceuticals");
    expect(mine.body).toBe(
      "Avery Seller asks to contact Contoso Pharmaceuticals directly for 14 days. Reason: Customer asked for direct contact.",
    );
    expect(mine.requestId).toBe(result.id);
    expect(mine.url).toBe(`?pagetype=entityrecord&etn=pg_outreachexception&id=${result.id}`);
    // The notification is created by the seller (server-set), owned by the approver.
    const row = emulator.table(AppNotification.logicalName).find((n) => n[AppNotification.id] === mine.id)!;
    expect(row[AppNotification.createdBy]).toEqual({ $lookup: "systemuser", id: SELLER.id });
  });

  test("the requester is not told of their own request, even when they hold the approver role", async () => {
    const emulator = org({}, FAR_APPROVER);
    await request(emulator, APPROVER);
    expect(ownersOf(emulator)).toEqual([FAR_APPROVER.id]);
  });

  test("a disabled approver is not told", async () => {
    const emulator = org({}, FAR_APPROVER);
    const far = emulator.table("systemuser").find((u) => u.systemuserid === FAR_APPROVER.id)!;
    far.isdisabled = true;
    await request(emulator);
    expect(ownersOf(emulator)).toEqual([APPROVER.id]);
  });

  test("names from data are text: markdown and HTML in an account or user name are escaped in the markdown body", async () => {
    const emulator = org();
    const name = "**Acme** <img src=x onerror=alert(1)> [click](https://evil.example)";
    await request(emulator, SELLER, name);
    const [row] = emulator.table(AppNotification.logicalName);
    // Plain columns hold the name as typed (plain text).
    expect(row[AppNotification.title]).toBe(`Outreach exception requested: ${name}`);
    const data = JSON.parse(row[AppNotification.data] as string) as { body: string; actions: unknown[] };
    expect(data.body).toContain(escapeMarkdown(name));
    expect(data.body).not.toContain("[click](");
    expect(data.body).not.toContain("**Acme**");
    expect(data.body).not.toMatch(/(^|[^\\])</);
    expect(data.actions).toEqual([
      { title: "Open the request", data: { url: expect.stringContaining("etn=pg_outreachexception") } },
    ]);
  });

  test("a notification the server refuses leaves the request saved and says who was not told", async () => {
    const emulator = org(
      { fault: refusal("createRecord", AppNotification.logicalName, SERVICE_UNAVAILABLE).fault },
      FAR_APPROVER,
    );
    const result = await request(emulator);
    expect(result.notified.notified).toBe(false);
    expect(result.notified.failed.map((f) => f.name).sort()).toEqual([APPROVER.name, FAR_APPROVER.name].sort());
    expect(result.notified.failed[0].failure.kind).toBe("server");
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);
    expect(emulator.table(AppNotification.logicalName)).toEqual([]);
  });

  test("when the approvers cannot be looked up, the request stands and the lookup failure is reported", async () => {
    const emulator = org({
      fault: refusal("retrieveMultipleRecords", "systemuser", { status: 403, message: "no read on roles" }).fault,
    });
    const result = await request(emulator);
    expect(result.notified).toMatchObject({ notified: false, lookupFailed: { kind: "forbidden" } });
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);
  });

  test("with only Business Unit depth a seller could not reach an approver of another unit (why the roles grant Organization)", async () => {
    const emulator = org({}, FAR_APPROVER);
    const narrow: Persona = {
      ...SELLER,
      id: "77777777-7777-4777-8777-777777777777",
      name: "Narrow Seller",
      roles: [],
      base: [
        ...(SELLER.base ?? []),
        { name: `prvCreate${AppNotification.schemaName}`, depth: "Local" },
        { name: "prvReadRole", depth: "Global" },
      ],
    };
    const host = emulator.as(narrow);
    await expect(
      host.createRecord(AppNotification.logicalName, {
        title: "x",
        "ownerid@odata.bind": `/systemusers(${FAR_APPROVER.id})`,
      }),
    ).rejects.toMatchObject({ status: 403 });
    // The same unit is within reach.
    await expect(
      host.createRecord(AppNotification.logicalName, {
        title: "x",
        "ownerid@odata.bind": `/systemusers(${APPROVER.id})`,
      }),
    ).resolves.toMatchObject({ entityType: AppNotification.logicalName });
  });
});

describe("a decision notifies the requester", () => {
  async function pendingState(emulator: DataverseEmulator) {
    await request(emulator);
    const verdict = await verdictOf(emulator.as(APPROVER), APPROVER.id);
    if (!verdict.pendingException) throw new Error("expected a pending request");
    return verdict.pendingException;
  }

  test("an approval tells the requester (its server-set createdby) until when, with the approver's note", async () => {
    const emulator = org();
    const state = await pendingState(emulator);
    const before = emulator.table(AppNotification.logicalName).length;
    const result = await decideException(
      ctx(emulator, APPROVER),
      state,
      true,
      DEFAULT_POLICY,
      "Go ahead, <b>copy</b> Harbor.",
    );
    if (!result.ok) throw new Error("expected ok");
    expect(result.notified).toMatchObject({ notified: true, sent: [{ id: SELLER.id }] });
    expect(emulator.table(AppNotification.logicalName)).toHaveLength(before + 1);
    const [latest] = await readNotifications(emulator.as(SELLER), SELLER.id);
    expect(latest.title).toBe("Outreach exception approved: Contoso Pharmaceuticals");
    expect(latest.body).toBe(
      "Jordan Approver approved your request for Contoso Pharmaceuticals: direct outreach is allowed until 8 Dec 2026. Note: Go ahead, <b>copy</b> Harbor.",
    );
    expect(latest.requestId).toBe(state.request.id);
    // The note is saved on the decision too.
    expect(emulator.table(OutreachDecision.logicalName)[0][OutreachDecision.note]).toBe(
      "Go ahead, <b>copy</b> Harbor.",
    );
  });

  test("a rejection says rejected", async () => {
    const emulator = org();
    const state = await pendingState(emulator);
    await decideException(ctx(emulator, APPROVER), state, false, DEFAULT_POLICY);
    const [latest] = await readNotifications(emulator.as(SELLER), SELLER.id);
    expect(latest.title).toBe("Outreach exception rejected: Contoso Pharmaceuticals");
    expect(latest.body).toBe("Jordan Approver rejected your request for Contoso Pharmaceuticals.");
  });

  test("a notification that cannot be sent leaves the decision saved and reports it", async () => {
    const refuse = refusal("createRecord", AppNotification.logicalName, TOO_MANY_REQUESTS, { on: false });
    const emulator = org({ fault: refuse.fault });
    const state = await pendingState(emulator);
    refuse.on = true;
    const result = await decideException(ctx(emulator, APPROVER), state, true, DEFAULT_POLICY);
    if (!result.ok) throw new Error("expected ok");
    expect(result.notified).toMatchObject({ notified: false, failed: [{ id: SELLER.id }] });
    expect(emulator.table(OutreachDecision.logicalName)).toHaveLength(1);
    const after = await verdictOf(emulator.as(SELLER), SELLER.id);
    expect(after.outreach).toBe("allowed");
  });
});

describe("each user reads only their own notifications", () => {
  test("a seller reading every notification gets only their own, not the approvers'", async () => {
    const emulator = org({}, FAR_APPROVER);
    await request(emulator);
    expect(emulator.table(AppNotification.logicalName)).toHaveLength(2);
    // No filter at all: the Read depth (User) is what keeps them out.
    const all = await emulator
      .as(SECOND_SELLER)
      .retrieveMultipleRecords(
        AppNotification.logicalName,
        `?fetchXml=<fetch><entity name="appnotification"><attribute name="title"/></entity></fetch>`,
      );
    expect(all.entities).toEqual([]);
    expect(await readNotifications(emulator.as(SELLER), APPROVER.id)).toEqual([]);
    expect(await readNotifications(emulator.as(APPROVER), APPROVER.id)).toHaveLength(1);
  });

  test("a seller cannot change, reassign or delete an approver's notification", async () => {
    const emulator = org();
    await request(emulator);
    const [row] = emulator.table(AppNotification.logicalName);
    const id = row[AppNotification.id] as string;
    const seller = emulator.as(SELLER);
    await expect(seller.updateRecord(AppNotification.logicalName, id, { title: "changed" })).rejects.toMatchObject({
      status: 403,
      code: PRIVILEGE_DENIED_CODE,
    });
    await expect(seller.deleteRecord(AppNotification.logicalName, id)).rejects.toMatchObject({ status: 403 });
  });

  test("an administrator without the approver role is not told of requests", async () => {
    const emulator = org();
    await request(emulator);
    expect(ownersOf(emulator)).not.toContain(ADMIN.id);
  });
});

import { decideException, engagePartner, requestException, ActionContext } from "../../src/sources/partnerActions";
import { readHistory } from "../../src/sources/audit";
import { resolveVerdict } from "../../src/sources/resolver";
import { configFromValues } from "../../src/sources/configSource";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { AuditDecisionCodes, ExceptionStatusCodes, OutreachAudit, OutreachExceptionTable } from "../../src/schema";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { DEMO, demoEmulator } from "../helpers/demo";
import { strictTranslate } from "../helpers/strings";

const SELLER = "11111111-1111-4111-8111-111111111111";
const APPROVER = "22222222-2222-4222-8222-222222222222";
let now = Date.parse("2026-11-24T12:00:00Z");
const t = strictTranslate(1033);

function ctx(emulator: DataverseEmulator, userId: string): ActionContext {
  return { host: emulator, t, actor: { userId, userName: userId === SELLER ? "Avery Seller" : "Jordan Approver" }, accountId: DEMO.contoso, accountName: "Contoso Pharmaceuticals", now: () => now };
}

async function verdictOf(emulator: DataverseEmulator) {
  return (await resolveVerdict({ webApi: emulator, clock: () => now, loadConfig: async () => configFromValues(new Map()) }, DEMO.contoso)).verdict;
}

function withUsers(emulator: DataverseEmulator) {
  emulator.insert("systemuser", { systemuserid: SELLER, fullname: "Avery Seller" });
  emulator.insert("systemuser", { systemuserid: APPROVER, fullname: "Jordan Approver" });
  return emulator;
}

beforeEach(() => {
  now = Date.parse("2026-11-24T12:00:00Z");
});

describe("engage the partner", () => {
  test("creates a task regarding the account and an audit entry; the next verdict shows the engagement", async () => {
    const emulator = withUsers(demoEmulator());
    const verdict = await verdictOf(emulator);
    await engagePartner(ctx(emulator, SELLER), verdict, "Customer wants a renewal quote; Harbor to lead.");
    const [task] = emulator.table("task");
    expect(task).toMatchObject({ subject: "Engage partner Harbor Computer Services on Contoso Pharmaceuticals", regardingobjectid_account_task: { $lookup: "account", id: DEMO.contoso } });
    expect(task.description).toBe("Customer wants a renewal quote; Harbor to lead.");
    const [audit] = emulator.table(OutreachAudit.logicalName);
    expect(audit[OutreachAudit.decision]).toBe(AuditDecisionCodes["engaged-partner"]);
    const after = await verdictOf(emulator);
    expect(after.engagement).toEqual({ on: "2026-11-24T12:00:00.000Z", by: "Avery Seller" });
    expect(after.outreach).toBe("blocked"); // engaging includes the partner; it does not open direct outreach
  });

  test("a failed write surfaces as an error and leaves no audit entry behind", async () => {
    const emulator = demoEmulator({ fault: (r) => (r.operation === "createRecord" && r.entity === "task" ? { status: 403, message: "no create privilege on task" } : undefined) });
    await expect(engagePartner(ctx(emulator, SELLER), await verdictOf(emulator), "x")).rejects.toThrow("no create privilege on task");
    expect(emulator.table(OutreachAudit.logicalName)).toEqual([]);
  });
});

describe("request, approve, expire", () => {
  const request = { justification: "The customer's CIO asked us to call directly about the renewal.", reason: "customer-asked" as const, days: 7 };

  test("the whole path: pending, refused duplicate, own approval refused, approved -> allowed by exception until, expired -> blocked", async () => {
    const emulator = withUsers(demoEmulator());
    const sent = await requestException(ctx(emulator, SELLER), await verdictOf(emulator), DEFAULT_POLICY, request);
    expect(sent.ok).toBe(true);
    const [row] = emulator.table(OutreachExceptionTable.logicalName);
    expect(row).toMatchObject({ [OutreachExceptionTable.status]: ExceptionStatusCodes.pending, [OutreachExceptionTable.requestedDays]: 7, [OutreachExceptionTable.requester]: { $lookup: "systemuser", id: SELLER } });

    const pendingVerdict = await verdictOf(emulator);
    expect(pendingVerdict.outreach).toBe("blocked");
    expect(pendingVerdict.pendingException).toMatchObject({ status: "pending", requestedBy: "Avery Seller", requesterId: SELLER, requestedDays: 7 });

    const duplicate = await requestException(ctx(emulator, SELLER), pendingVerdict, DEFAULT_POLICY, request);
    expect(duplicate).toEqual({ ok: false, problems: [{ code: "already-pending" }] });
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);

    const own = await decideException(ctx(emulator, SELLER), pendingVerdict, pendingVerdict.pendingException!, true, DEFAULT_POLICY);
    expect(own).toEqual({ ok: false, problems: [{ code: "own-request" }] });

    now = Date.parse("2026-11-24T13:00:00Z"); // the approver decides an hour later
    const approved = await decideException(ctx(emulator, APPROVER), pendingVerdict, pendingVerdict.pendingException!, true, DEFAULT_POLICY);
    expect(approved).toEqual({ ok: true, validUntil: "2026-12-01T13:00:00.000Z" });
    const allowed = await verdictOf(emulator);
    expect(allowed.outreach).toBe("allowed");
    expect(allowed.exception).toMatchObject({ status: "approved", approvedBy: "Jordan Approver" });
    expect(allowed.expiresAt).toBe("2026-12-01T13:00:00.000Z");

    now = Date.parse("2026-12-01T13:00:01Z"); // it expires by itself
    expect((await verdictOf(emulator)).outreach).toBe("blocked");

    const decisions = (await readHistory(emulator, DEMO.contoso)).map((h) => h.decision);
    expect(decisions).toEqual(["exception-approved", "exception-requested"]);
  });

  test("a rejected request leaves outreach blocked and allows a new request", async () => {
    const emulator = withUsers(demoEmulator());
    await requestException(ctx(emulator, SELLER), await verdictOf(emulator), DEFAULT_POLICY, request);
    const v = await verdictOf(emulator);
    expect(await decideException(ctx(emulator, APPROVER), v, v.pendingException!, false, DEFAULT_POLICY)).toEqual({ ok: true, validUntil: undefined });
    const after = await verdictOf(emulator);
    expect(after.outreach).toBe("blocked");
    expect(after.pendingException).toBeUndefined();
    expect((await requestException(ctx(emulator, SELLER), after, DEFAULT_POLICY, request)).ok).toBe(true);
  });

  test("a justification too short is refused before anything is written", async () => {
    const emulator = demoEmulator();
    const result = await requestException(ctx(emulator, SELLER), await verdictOf(emulator), DEFAULT_POLICY, { ...request, justification: "pls" });
    expect(result).toEqual({ ok: false, problems: [{ code: "justification-too-short", min: 20 }] });
    expect(emulator.requests.filter((r) => r.operation !== "retrieveMultipleRecords")).toEqual([]);
  });

  test("a write failure rejects: the face keeps outreach disabled and says so", async () => {
    const emulator = demoEmulator({ fault: (r) => (r.operation === "createRecord" ? { status: 503, message: "Service Unavailable" } : undefined) });
    await expect(requestException(ctx(emulator, SELLER), await verdictOf(emulator), DEFAULT_POLICY, request)).rejects.toThrow("Service Unavailable");
    expect((await verdictOf(emulator)).outreach).toBe("blocked");
  });
});

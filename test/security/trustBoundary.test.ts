/**
 * The rule holds on the server. Every way around a block is tried through the Web API as the
 * people the solution's roles describe (seller, second seller, approver, admin), against the
 * emulator enforcing the shipped roles (src/pack/model/roles.ts, the same model the packer
 * writes). After each attempt the blocked account must still read blocked on every face that
 * decides: the card's resolution, the command bar's enable rule and its fresh re-check, and the
 * command line's `check` and `vet`. The legitimate path (another person approves) must open
 * outreach until the approval's end, and then close it again by itself.
 *
 * @jest-environment node
 */
import { DataverseEmulator, ImpersonatingHost } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { OrgPrivileges, Persona, SALES_BASE_PRIVILEGES } from "../../src/emulator/security";
import { WebApiServer } from "../../src/emulator/webApiServer";
import {
  Account,
  AuditDecisionCodes,
  AuditVerdictCodes,
  DecisionCodes,
  EnvironmentVariables,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
  ENGAGEMENT_ACTIVITY,
} from "../../src/schema";
import { resolveForForm } from "../../src/sources/formResolution";
import { configCacheKey } from "../../src/sources/configSource";
import { reasonText } from "../../src/text/verdictText";
import { CommandHost } from "../../webresource/host";
import { FormLike, isOutreachEnabled, startOutreach } from "../../webresource/ribbon";
import { DEMO } from "../helpers/demo";
import { resxStrings, strictTranslate } from "../helpers/strings";
import { buildCli, demoDataverse, runCli, tempDir, TOKEN, webApiServer } from "../cli/helpers/cli";

const { seller: SELLER, secondSeller: SELLER_2, approver: APPROVER, admin: ADMIN } = PERSONAS;
const DAY = 86_400_000;
const ACCOUNT = DEMO.contoso; // blocked: Harbor Computer Services, CSP reseller, open-ended
/** The faces on the form judge at the real clock, so the story is told around it: the request an hour ago. */
const T0 = Date.now() - 3_600_000;
let now = T0;

let emulator: DataverseEmulator;
beforeAll(() => buildCli());
beforeEach(() => {
  now = T0;
  emulator = demoDataverse();
  emulator.setOptions({ clock: () => now });
});

const as = (persona: Persona): ImpersonatingHost => emulator.as(persona);

function ask(persona: Persona, extra: Record<string, unknown> = {}) {
  return as(persona).createRecord(OutreachExceptionTable.logicalName, {
    [OutreachExceptionTable.name]: "Exception request: Contoso Pharmaceuticals",
    [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${ACCOUNT})`,
    [OutreachExceptionTable.requestedFor]: ACCOUNT,
    [OutreachExceptionTable.justification]: "The customer's CIO asked us to call directly about the renewal.",
    [OutreachExceptionTable.requestedDays]: 14,
    ...extra,
  });
}

function decide(
  persona: Persona,
  requestId: string,
  decision: keyof typeof DecisionCodes,
  extra: Record<string, unknown> = {},
) {
  return as(persona).createRecord(OutreachDecision.logicalName, {
    [OutreachDecision.name]: `Exception ${decision}`,
    [`${OutreachDecision.exceptionNav}@odata.bind`]: `/pg_outreachexceptions(${requestId})`,
    [OutreachDecision.decision]: DecisionCodes[decision],
    ...(decision === "approved" ? { [OutreachDecision.days]: 14 } : {}),
    ...extra,
  });
}

function audit(persona: Persona, extra: Record<string, unknown> = {}) {
  return as(persona).createRecord(OutreachAudit.logicalName, {
    [OutreachAudit.name]: "Outreach check: Contoso Pharmaceuticals — engaged",
    [`${OutreachAudit.accountNav}@odata.bind`]: `/accounts(${ACCOUNT})`,
    [OutreachAudit.verdict]: AuditVerdictCodes.blocked,
    [OutreachAudit.decision]: AuditDecisionCodes["engaged-partner"],
    ...extra,
  });
}

/** The engagement task the engage action writes (what the card reads "Partner engaged" from). */
function engagementTask(persona: Persona, extra: Record<string, unknown> = {}) {
  return as(persona).createRecord(ENGAGEMENT_ACTIVITY.logicalName, {
    subject: "Engage partner Harbor Computer Services on Contoso Pharmaceuticals",
    [ENGAGEMENT_ACTIVITY.category]: ENGAGEMENT_ACTIVITY.categoryValue,
    [`${ENGAGEMENT_ACTIVITY.regardingAccountNav}@odata.bind`]: `/accounts(${ACCOUNT})`,
    ...extra,
  });
}

const refused = expect.objectContaining({ status: 403 });

// ---- the faces ---------------------------------------------------------------------------

const strings = resxStrings(1033);
const form: FormLike = {
  data: {
    entity: { getId: () => `{${ACCOUNT.toUpperCase()}}`, getPrimaryAttributeValue: () => "Contoso Pharmaceuticals" },
  },
  getAttribute: () => null,
  ui: { refreshRibbon: () => undefined },
};

function storageOf(values: Record<string, string> = {}) {
  const map = new Map(Object.entries(values));
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

/** The command bar as the seller, on a new page (its own window scope and session storage). */
function commandBar(persona: Persona, storage = storageOf(), local = storageOf()) {
  const opened: string[] = [];
  const host: CommandHost = {
    webApi: as(persona),
    getString: (key) => strings.get(key) ?? "",
    languageId: 1033,
    userId: persona.id,
    openForm: async (options) => void opened.push(options.entityName),
    alert: async () => undefined,
    confirm: async () => false,
    storage,
    configCache: { storage: local, key: configCacheKey("contoso.crm4.dynamics.com", persona.id) },
    scope: {},
  };
  return { host, opened };
}

/** What a seller's card shows: the form's resolution as that seller, on a new page. */
async function card(persona: Persona, account = ACCOUNT) {
  return (await resolveForForm({ webApi: as(persona), userId: persona.id, scope: {} }, account, undefined, false))
    .verdict;
}

/** The card and the command bar, for both sellers: blocked, and the command opens nothing. */
async function expectBlockedOnTheForm() {
  for (const persona of [SELLER, SELLER_2]) {
    expect((await card(persona)).outreach).toBe("blocked");
    const { host, opened } = commandBar(persona);
    expect(await isOutreachEnabled(host, form)).toBe(false);
    expect(await startOutreach(host, form)).toBe("blocked");
    expect(opened).toEqual([]);
  }
}

/**
 * `check` and `vet` of the account at `at`, signed in as the application user (the server's own
 * token) or as `signedIn` (a persona's token), answering for `as` when given (`--as`).
 */
async function cli(
  at: number,
  options: { as?: Persona; signedIn?: Persona; account?: string } = {},
): Promise<{ check: string; vet: string }> {
  const users = options.signedIn ? { [`token-${options.signedIn.id}`]: options.signedIn } : undefined;
  const server: WebApiServer = await webApiServer({ emulator, token: TOKEN, users });
  const tmp = tempDir();
  const account = options.account ?? ACCOUNT;
  try {
    const asOf = new Date(at).toISOString();
    const env = { PARTNERGUARD_ACCESS_TOKEN: options.signedIn ? `token-${options.signedIn.id}` : TOKEN };
    const extra = options.as ? ["--as", options.as.id] : [];
    const check = await runCli(["check", account, "--env", server.url, "--as-of", asOf, "--json", ...extra], { env });
    const list = tmp.write("list.csv", `accountId\n${account}\n`);
    const vet = await runCli(["vet", list, "--env", server.url, "--as-of", asOf, "--json", ...extra], {
      cwd: tmp.dir,
      env,
    });
    const byOutreach = JSON.parse(vet.stdout).summary.byOutreach as Record<string, number>;
    return {
      check: JSON.parse(check.stdout).verdict.outreach as string,
      vet: Object.keys(byOutreach).find((k) => byOutreach[k] > 0) ?? "",
    };
  } finally {
    tmp.cleanup();
    await server.close();
  }
}

// ---- the attacks -------------------------------------------------------------------------

describe("a seller cannot open outreach by writing records directly", () => {
  test("creating a decision (an 'already approved' exception) is refused", async () => {
    const { id } = await ask(SELLER);
    await expect(decide(SELLER, id, "approved", { [OutreachDecision.days]: 365 })).rejects.toEqual(refused);
    expect(emulator.table(OutreachDecision.logicalName)).toEqual([]);
    await expectBlockedOnTheForm();
  });

  test("a request cannot be changed after it is made, not even by its own seller", async () => {
    const { id } = await ask(SELLER);
    await expect(
      as(SELLER).updateRecord(OutreachExceptionTable.logicalName, id, { [OutreachExceptionTable.requestedDays]: 365 }),
    ).rejects.toEqual(refused);
    await expect(
      as(SELLER).updateRecord(OutreachExceptionTable.logicalName, id, { "createdby@odata.bind": null }),
    ).rejects.toEqual(refused);
    await expect(as(SELLER).deleteRecord(OutreachExceptionTable.logicalName, id)).rejects.toEqual(refused);
    // Not the approver either: re-pointing someone's request at another account would be a way around the rule.
    await expect(
      as(APPROVER).updateRecord(OutreachExceptionTable.logicalName, id, {
        [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${DEMO.woodgrove})`,
      }),
    ).rejects.toEqual(refused);
    await expectBlockedOnTheForm();
  });

  test("a decision cannot be changed or deleted: a rejection stays a rejection", async () => {
    const { id } = await ask(SELLER);
    const rejection = await decide(APPROVER, id, "rejected");
    const change = { [OutreachDecision.decision]: DecisionCodes.approved, [OutreachDecision.days]: 30 };
    for (const persona of [SELLER, APPROVER, ADMIN]) {
      await expect(as(persona).updateRecord(OutreachDecision.logicalName, rejection.id, change)).rejects.toEqual(
        refused,
      );
    }
    for (const persona of [SELLER, APPROVER]) {
      await expect(as(persona).deleteRecord(OutreachDecision.logicalName, rejection.id)).rejects.toEqual(refused);
    }
    await expectBlockedOnTheForm();
  });

  test("an approver's approval of their own request does not count, and the card says why", async () => {
    const { id } = await ask(APPROVER);
    await decide(APPROVER, id, "approved"); // the role allows the row; the verdict does not count it
    await expectBlockedOnTheForm();
    const verdict = await card(SELLER);
    const why = verdict.reasons
      .filter((r) => r.code === "exception-not-counted")
      .map((r) => reasonText(strictTranslate(1033), verdict, r, now));
    expect(why).toEqual([
      "An approval by Jordan Approver does not count: nobody can approve their own request. Another approver must decide.",
    ]);
  });

  test("who made a request is the server's createdby, whatever the body says", async () => {
    const { id } = await ask(APPROVER, {
      "createdby@odata.bind": `/systemusers(${SELLER.id})`,
      "ownerid@odata.bind": `/systemusers(${APPROVER.id})`,
    });
    const [row] = emulator.table(OutreachExceptionTable.logicalName);
    expect(row.createdby).toEqual({ $lookup: "systemuser", id: APPROVER.id });
    await decide(APPROVER, id, "approved");
    await expectBlockedOnTheForm();
  });

  test("an approval lasts at most the policy's maxDays (30), whatever days it carries", async () => {
    const { id } = await ask(SELLER);
    now = T0 + 60_000;
    await decide(APPROVER, id, "approved", { [OutreachDecision.days]: 365 });
    expect((await card(SELLER)).expiresAt).toBe(new Date(T0 + 60_000 + 30 * DAY).toISOString());
    const faces = await cli(T0 + 60_000 + 30 * DAY + 1);
    expect(faces).toEqual({ check: "blocked", vet: "blocked" });
    const during = await cli(T0 + 60_000 + 29 * DAY);
    expect(during).toEqual({ check: "allowed", vet: "allowed" });
  });

  test("an approval backdated to before its request does not count", async () => {
    const { id } = await ask(SELLER);
    await decide(APPROVER, id, "approved", { overriddencreatedon: new Date(T0 - DAY).toISOString() });
    await expectBlockedOnTheForm();
  });

  test("a planted permissive policy in the browser's configuration cache does not open outreach at the command", async () => {
    // Everything a seller's browser could hold: a cached configuration saying CSP resellers do not block.
    const planted = JSON.stringify({ relationshipTypes: [{ type: "csp-reseller", blocks: false }] });
    const local = storageOf({
      [configCacheKey("contoso.crm4.dynamics.com", SELLER.id)]: JSON.stringify({
        v: 1,
        at: Date.now(),
        values: { [EnvironmentVariables.policy]: planted },
      }),
    });
    const { host, opened } = commandBar(SELLER, storageOf(), local);
    expect(await startOutreach(host, form)).toBe("blocked");
    expect(opened).toEqual([]);
    const [row] = emulator.table(OutreachAudit.logicalName);
    expect(row[OutreachAudit.verdict]).toBe(AuditVerdictCodes.blocked);
  });
});

describe("the audit trail cannot be rewritten or forged", () => {
  test("nobody changes an audit entry; only an admin deletes one", async () => {
    const { id } = await audit(SELLER);
    const change = { [OutreachAudit.verdict]: AuditVerdictCodes.allowed };
    for (const persona of [SELLER, SELLER_2, APPROVER, ADMIN]) {
      await expect(as(persona).updateRecord(OutreachAudit.logicalName, id, change)).rejects.toEqual(refused);
    }
    for (const persona of [SELLER, SELLER_2, APPROVER]) {
      await expect(as(persona).deleteRecord(OutreachAudit.logicalName, id)).rejects.toEqual(refused);
    }
    await as(ADMIN).deleteRecord(OutreachAudit.logicalName, id);
    expect(emulator.table(OutreachAudit.logicalName)).toEqual([]);
  });

  test("who and when come from the server: a forged seller or date is ignored, and the card shows the real one", async () => {
    await audit(SELLER, { "createdby@odata.bind": `/systemusers(${SELLER_2.id})`, createdon: "2020-01-01T00:00:00Z" });
    const [row] = emulator.table(OutreachAudit.logicalName);
    expect(row).toMatchObject({
      createdby: { $lookup: "systemuser", id: SELLER.id },
      createdon: new Date(T0).toISOString(),
    });
    await engagementTask(SELLER, {
      "createdby@odata.bind": `/systemusers(${SELLER_2.id})`,
      createdon: "2020-01-01T00:00:00Z",
    });
    // Sellers read tasks at Basic depth (SALES_BASE_PRIVILEGES): the task's own seller sees it.
    expect((await card(SELLER)).engagement).toEqual({ on: new Date(T0).toISOString(), by: SELLER.name });
  });

  test("'Partner engaged' needs the engagement task: an audit row that claims it, with no task behind it, shows nothing", async () => {
    await audit(SELLER);
    expect((await card(SELLER)).engagement).toBeUndefined();
    await engagementTask(SELLER);
    expect((await card(SELLER)).engagement).toEqual({ on: new Date(T0).toISOString(), by: SELLER.name });
  });

  test("a backdated task can only look older: an engagement dated 2020 is not a recent engagement", async () => {
    await engagementTask(SELLER, { overriddencreatedon: "2020-01-01T00:00:00Z" });
    expect((await card(SELLER)).engagement).toBeUndefined();
  });
});

describe("the legitimate path", () => {
  test("another person approves: allowed for every seller on every face until the approval's end, then blocked by itself", async () => {
    const { id } = await ask(SELLER);
    now = T0 + 60_000;
    await decide(APPROVER, id, "approved", { [OutreachDecision.days]: 7 });
    const end = T0 + 60_000 + 7 * DAY;
    for (const persona of [SELLER, SELLER_2]) {
      const verdict = await card(persona);
      expect(verdict).toMatchObject({
        outreach: "allowed",
        expiresAt: new Date(end).toISOString(),
        exception: { approvedBy: APPROVER.name },
      });
      const { host, opened } = commandBar(persona);
      expect(await isOutreachEnabled(host, form)).toBe(true);
      expect(await startOutreach(host, form)).toBe("opened");
      expect(opened).toEqual(["phonecall"]);
    }
    expect(await cli(end - 1)).toEqual({ check: "allowed", vet: "allowed" });
    expect(await cli(end)).toEqual({ check: "blocked", vet: "blocked" });
  });
});

// ---- round two (issue 23): what a seller can do in an org beyond the PartnerGuard rows ----------

/** The Delegate privilege: act on behalf of another user (impersonation: `CallerObjectId`/`MSCRMCallerID`). */
const DELEGATE = { name: OrgPrivileges.actOnBehalfOfAnotherUser, depth: "Global" as const };
/** The approver, with the Delegate privilege. */
const DELEGATE_APPROVER: Persona = { ...APPROVER, base: [...APPROVER.base, DELEGATE] };
/** A seller who may merge accounts (prvMerge with Read, Write, Append, AppendTo and Share on accounts). */
const MERGER: Persona = {
  id: "55555555-5555-4555-8555-555555555555",
  name: "Casey Merger",
  roles: ["seller"],
  fieldSecurityProfiles: ["seller"],
  base: [
    ...SALES_BASE_PRIVILEGES,
    { name: OrgPrivileges.merge, depth: "Global" },
    ...(["Write", "Append", "Share"] as const).map((a) => ({ name: `prv${a}Account`, depth: "Global" as const })),
  ],
};
/** A seller of the East business unit whose base role reads accounts of that unit only. */
const EAST = "b0000000-0000-4000-8000-0000000000e1";
const EAST_SELLER: Persona = {
  id: "66666666-6666-4666-8666-666666666666",
  name: "Eli East",
  roles: ["seller"],
  fieldSecurityProfiles: ["seller"],
  businessUnitId: EAST,
  base: SALES_BASE_PRIVILEGES.map((p) => (p.name === "prvReadAccount" ? { ...p, depth: "Local" as const } : p)),
};

/** An exception reason in the card's words. */
const notCountedWords = (verdict: Awaited<ReturnType<typeof card>>) =>
  verdict.reasons
    .filter((r) => r.code === "exception-not-counted")
    .map((r) => reasonText(strictTranslate(1033), verdict, r, now));

describe("round two: the latest decision wins, and whoever approved cannot use the approval", () => {
  test("an approval on day 29 is revoked by a rejection on day 31, on every face", async () => {
    const asked = Date.now() - 32 * DAY;
    now = asked;
    const { id } = await ask(SELLER);
    now = asked + 29 * DAY;
    await decide(APPROVER, id, "approved", { [OutreachDecision.days]: 14 });
    now = asked + 31 * DAY; // past the request's open window: a rejection still counts
    await decide(APPROVER, id, "rejected");
    await expectBlockedOnTheForm();
    expect(await cli(Date.now())).toEqual({ check: "blocked", vet: "blocked" });
  });

  test("the approver's own approval does not open outreach for the approver; every other seller gets it", async () => {
    const { id } = await ask(SELLER);
    now = T0 + 60_000;
    await decide(APPROVER, id, "approved");
    expect((await card(SELLER)).outreach).toBe("allowed");
    const own = await card(APPROVER);
    expect(own.outreach).toBe("blocked");
    expect(notCountedWords(own)).toEqual([
      "An approval by Jordan Approver does not open outreach for you: whoever approves an exception (or records the approval on someone's behalf) cannot use it.",
    ]);
    const { host, opened } = commandBar(APPROVER);
    expect(await isOutreachEnabled(host, form)).toBe(false);
    expect(await startOutreach(host, form)).toBe("blocked");
    expect(opened).toEqual([]);
    // The command line answers for the signed-in user, or for `--as <user>`.
    expect(await cli(now + DAY, { as: APPROVER })).toEqual({ check: "blocked", vet: "blocked" });
    expect(await cli(now + DAY, { as: SELLER })).toEqual({ check: "allowed", vet: "allowed" });
    expect(await cli(now + DAY, { signedIn: APPROVER })).toEqual({ check: "blocked", vet: "blocked" });
    expect(await cli(now + DAY, { signedIn: SELLER_2 })).toEqual({ check: "allowed", vet: "allowed" });
  });

  test("a request created on the approver's behalf is the approver's own: approving it opens nothing", async () => {
    // The approver impersonates a colleague (CallerObjectId): createdby is the colleague, createdonbehalfby the approver.
    as(SELLER_2); // a user of the org (impersonation names an existing user)
    const { id } = await as(DELEGATE_APPROVER)
      .onBehalfOf(SELLER_2.id)
      .createRecord(OutreachExceptionTable.logicalName, {
        [OutreachExceptionTable.name]: "Exception request: Contoso Pharmaceuticals",
        [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${ACCOUNT})`,
        [OutreachExceptionTable.requestedFor]: ACCOUNT,
        [OutreachExceptionTable.justification]: "The customer's CIO asked us to call directly about the renewal.",
        [OutreachExceptionTable.requestedDays]: 14,
      });
    expect(emulator.table(OutreachExceptionTable.logicalName)[0]).toMatchObject({
      createdby: { id: SELLER_2.id },
      createdonbehalfby: { id: APPROVER.id },
    });
    now = T0 + 60_000;
    await decide(APPROVER, id, "approved");
    await expectBlockedOnTheForm();
    expect(await cli(now + DAY)).toEqual({ check: "blocked", vet: "blocked" });
  });

  test("a decision created on someone's behalf has both as authors: requester and approver must differ on both sides", async () => {
    const approveAs = (delegate: Persona, requestId: string) =>
      as({ ...delegate, base: [...(delegate.base ?? []), DELEGATE] })
        .onBehalfOf(APPROVER.id)
        .createRecord(OutreachDecision.logicalName, {
          [OutreachDecision.name]: "Exception approved",
          [`${OutreachDecision.exceptionNav}@odata.bind`]: `/pg_outreachexceptions(${requestId})`,
          [OutreachDecision.decision]: DecisionCodes.approved,
          [OutreachDecision.days]: 14,
        });
    // The requester, impersonating the approver, approves the own request: createdby is the approver.
    as(APPROVER); // a user of the org (impersonation names an existing user)
    const { id } = await ask(SELLER);
    now = T0 + 60_000;
    await approveAs(SELLER, id);
    expect(emulator.table(OutreachDecision.logicalName)[0]).toMatchObject({
      createdby: { id: APPROVER.id },
      createdonbehalfby: { id: SELLER.id },
    });
    await expectBlockedOnTheForm();
    // A colleague approves a request on the approver's behalf: it opens outreach for others, not for that colleague.
    emulator.table(OutreachDecision.logicalName).splice(0);
    await approveAs(SELLER_2, id);
    expect((await card(SELLER)).outreach).toBe("allowed");
    expect((await card(SELLER_2)).outreach).toBe("blocked");
  });
});

describe("round two: approvals stay with the account they were asked for", () => {
  test("merging an account with an approved exception into a partnered one does not open the partnered one", async () => {
    const subordinate = DEMO.woodgrove; // no partner; the seller's request on it is approved
    const { id } = await as(SELLER).createRecord(OutreachExceptionTable.logicalName, {
      [OutreachExceptionTable.name]: "Exception request: Woodgrove",
      [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${subordinate})`,
      [OutreachExceptionTable.requestedFor]: subordinate,
      [OutreachExceptionTable.justification]: "The customer asked for a direct call about their renewal.",
      [OutreachExceptionTable.requestedDays]: 14,
    });
    now = T0 + 60_000;
    await decide(APPROVER, id, "approved");
    // Merge runs in system context: the request and its decision cascade to the partnered account.
    await emulator
      .as(MERGER)
      .merge({ entity: Account.logicalName, target: ACCOUNT, subordinate, performParentingChecks: false });
    expect(emulator.table(OutreachExceptionTable.logicalName)[0][OutreachExceptionTable.account]).toMatchObject({
      id: ACCOUNT,
    });
    await expectBlockedOnTheForm();
    expect(notCountedWords(await card(SELLER))).toEqual([
      "An approval by Jordan Approver does not count here: the request was made for another account (the records were merged or moved).",
    ]);
    expect(await cli(now + DAY)).toEqual({ check: "blocked", vet: "blocked" });
  });
});

describe("round two: what cannot be read is not absent", () => {
  test("a parent in another business unit, beyond the seller's account read, makes the child 'could not be verified'", async () => {
    emulator.businessUnits.define(EAST);
    // Fabrikam Europe (East) inherits the PAL of Fabrikam Holdings (root unit), which an East seller cannot read.
    const child = emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.fabrikamEurope);
    if (!child) throw new Error("no Fabrikam Europe in the demo");
    child.owningbusinessunit = { $lookup: "businessunit", id: EAST };
    const verdict = await card(EAST_SELLER, DEMO.fabrikamEurope);
    expect(verdict.outreach).toBe("unverified");
    expect(verdict.reasons.map((r) => reasonText(strictTranslate(1033), verdict, r, now))).toContain(
      `The parent account ${DEMO.fabrikamHoldings} could not be read (it may be outside what you can see): a partner of record there cannot be ruled out.`,
    );
    // Every seller who reads the whole chain still sees the partner of record.
    expect((await card(SELLER, DEMO.fabrikamEurope)).outreach).toBe("blocked");
    expect(await cli(now, { signedIn: EAST_SELLER, account: DEMO.fabrikamEurope })).toEqual({
      check: "unverified",
      vet: "unverified",
    });
  });
});

describe("round two: no amount of data a seller can create breaks the verdict", () => {
  /** `n` requests on the account, created by the seller (as a script through the Web API would). */
  function flood(account: string, n: number, from: number) {
    for (let i = 0; i < n; i++)
      emulator.insert(OutreachExceptionTable.logicalName, {
        [OutreachExceptionTable.id]: `fe000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
        [OutreachExceptionTable.account]: { $lookup: Account.logicalName, id: account },
        [OutreachExceptionTable.requestedFor]: account,
        [OutreachExceptionTable.requestedDays]: 14,
        createdby: { $lookup: "systemuser", id: SELLER.id },
        createdon: new Date(from + i * 1000).toISOString(),
      });
  }

  test("fifty thousand requests on one account: it stays blocked on every face, its neighbours in a list are judged as before", async () => {
    // A neighbour in the same list holds an approved exception: its verdict must not change.
    const { id } = await as(SELLER).createRecord(OutreachExceptionTable.logicalName, {
      [OutreachExceptionTable.name]: "Exception request: Litware",
      [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${DEMO.litware})`,
      [OutreachExceptionTable.requestedFor]: DEMO.litware,
      [OutreachExceptionTable.justification]: "The customer asked for a direct call about their renewal.",
      [OutreachExceptionTable.requestedDays]: 14,
    });
    now = T0 + 60_000;
    await decide(APPROVER, id, "approved");
    flood(ACCOUNT, 50_001, T0 - DAY);
    await expectBlockedOnTheForm();
    const verdict = await card(SELLER);
    expect(verdict.partnerOfRecord?.association.partnerName).toBe("Harbor Computer Services");
    const server: WebApiServer = await webApiServer({ emulator, token: TOKEN });
    const tmp = tempDir();
    try {
      const list = tmp.write(
        "list.csv",
        `accountId\n${ACCOUNT}\n${DEMO.woodgrove}\n${DEMO.fabrikamEurope}\n${DEMO.litware}\n`,
      );
      const vet = await runCli(["vet", list, "--env", server.url, "--json"], { cwd: tmp.dir });
      expect(vet.code).toBe(0);
      const rows = JSON.parse(vet.stdout).rows as { accountId: string; verdict: string; reason: string }[];
      expect(rows.map((r) => [r.accountId, r.verdict])).toEqual([
        [ACCOUNT, "blocked"],
        [DEMO.woodgrove, "allowed"],
        [DEMO.fabrikamEurope, "blocked"],
        [DEMO.litware, "allowed"],
      ]);
      expect(rows[3].reason).toBe("An approved exception allows direct outreach despite the partner of record.");
      const check = await runCli(["check", ACCOUNT, "--env", server.url, "--json"]);
      expect(JSON.parse(check.stdout).verdict.outreach).toBe("blocked");
    } finally {
      tmp.cleanup();
      await server.close();
    }
  });

  test("a flood can only hide an approval (newer requests push it out of the newest read), never open outreach", async () => {
    const { id } = await ask(SELLER);
    now = T0 + 60_000;
    await decide(APPROVER, id, "approved");
    expect((await card(SELLER_2)).outreach).toBe("allowed");
    flood(ACCOUNT, 60, T0 + 120_000);
    expect((await card(SELLER_2)).outreach).toBe("blocked");
  });

  test("vet and check apply the same policy to a failed read (fail-open here)", async () => {
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: "e9000000-0000-4000-8000-0000000000f1",
      schemaname: EnvironmentVariables.policy,
      defaultvalue: JSON.stringify({ onSourceFailure: "fail-open" }),
    });
    emulator.setOptions({
      fault: (r) => (r.entity === Account.logicalName ? { status: 400, message: "the query failed" } : undefined),
    });
    expect(await cli(now)).toEqual({ check: "allowed", vet: "allowed" });
  });
});

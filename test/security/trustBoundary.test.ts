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
import { DataverseEmulator, EmulatorHost } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";
import { WebApiServer, startWebApiServer } from "../../src/emulator/webApiServer";
import {
  AuditDecisionCodes,
  AuditVerdictCodes,
  DecisionCodes,
  EnvironmentVariables,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
} from "../../src/schema";
import { resolveForForm } from "../../src/sources/formResolution";
import { configCacheKey } from "../../src/sources/configSource";
import { reasonText } from "../../src/text/verdictText";
import { CommandHost } from "../../webresource/host";
import { FormLike, isOutreachEnabled, startOutreach } from "../../webresource/ribbon";
import { DEMO } from "../helpers/demo";
import { resxStrings, strictTranslate } from "../helpers/strings";
import { TOKEN, buildCli, demoDataverse, runCli, tempDir } from "../cli/helpers/cli";

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

const as = (persona: Persona): EmulatorHost => emulator.as(persona);

function ask(persona: Persona, extra: Record<string, unknown> = {}) {
  return as(persona).createRecord(OutreachExceptionTable.logicalName, {
    [OutreachExceptionTable.name]: "Exception request: Contoso Pharmaceuticals",
    [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${ACCOUNT})`,
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
async function card(persona: Persona) {
  return (await resolveForForm({ webApi: as(persona), scope: {} }, ACCOUNT, undefined, false)).verdict;
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

async function cli(at: number): Promise<{ check: string; vet: string }> {
  const server: WebApiServer = await startWebApiServer({ emulator, token: TOKEN });
  const tmp = tempDir();
  try {
    const asOf = new Date(at).toISOString();
    const env = { PARTNERGUARD_ACCESS_TOKEN: TOKEN };
    const check = await runCli(["check", ACCOUNT, "--env", server.url, "--as-of", asOf, "--json"], { env });
    const list = tmp.write("list.csv", `accountId\n${ACCOUNT}\n`);
    const vet = await runCli(["vet", list, "--env", server.url, "--as-of", asOf, "--json"], { cwd: tmp.dir, env });
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
    expect((await card(SELLER_2)).engagement).toEqual({ on: new Date(T0).toISOString(), by: SELLER.name });
  });

  test("a backdated entry can only look older: an engagement dated 2020 is not a recent engagement", async () => {
    await audit(SELLER, { overriddencreatedon: "2020-01-01T00:00:00Z" });
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

import { installXrm } from "../helpers/xrm";
import { DEMO, demoEmulator, withGraphOn } from "../helpers/demo";
import { Ribbon, Form } from "../../webresource/index";
import * as ribbon from "../../webresource/ribbon";
import { xrmHost } from "../../webresource/host";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import {
  Account,
  AuditDecisionCodes,
  AuditVerdictCodes,
  DecisionCodes,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
} from "../../src/schema";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";

beforeEach(() => forgetSharedResolutions());

function audits(emulator: DataverseEmulator) {
  return emulator.table(OutreachAudit.logicalName);
}

describe("enable rule PartnerGuard.Ribbon.isOutreachEnabled", () => {
  test.each([
    ["allowed (no partner)", DEMO.woodgrove, true],
    ["allowed (history only)", DEMO.tailspin, true],
    ["blocked (partner of record)", DEMO.contoso, false],
    ["blocked (inherited)", DEMO.fabrikamEurope, false],
    ["blocked (expiring soon)", DEMO.litware, false],
  ])("%s -> %s", async (_name, accountId, enabled) => {
    const emulator = demoEmulator();
    const { form } = installXrm(emulator.as(PERSONAS.seller), accountId);
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(enabled);
  });

  test("unverified (Dataverse 503) -> false", async () => {
    const emulator = demoEmulator({
      fault: (r) => (r.entity === "account" ? { status: 503, message: "down" } : undefined),
    });
    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove);
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(false);
  });

  test("a resolution slower than the budget resolves false within the budget, never rejects", async () => {
    const emulator = demoEmulator({ fault: () => "hang" });
    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove);
    const started = Date.now();
    await expect(ribbon.isOutreachEnabled(xrmHost(), form as never, 200)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a host that throws resolves false", async () => {
    const emulator = demoEmulator();
    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove);
    (Xrm as unknown as { WebApi: unknown }).WebApi = {
      retrieveMultipleRecords: () => {
        throw new TypeError("Xrm.WebApi is broken");
      },
    };
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(false);
  });

  test("a new, unsaved account -> false without a request", async () => {
    const emulator = demoEmulator();
    const { form } = installXrm(emulator.as(PERSONAS.seller), undefined);
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(false);
    expect(emulator.requests).toHaveLength(0);
  });

  test("an approval by another user, still valid, enables it; the approver's own approval of their own request does not", async () => {
    const emulator = demoEmulator();
    const ask = (persona: Persona) =>
      emulator.as(persona).createRecord(OutreachExceptionTable.logicalName, {
        [OutreachExceptionTable.name]: "Exception request: Contoso Pharmaceuticals",
        [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${DEMO.contoso})`,
        [OutreachExceptionTable.requestedFor]: DEMO.contoso,
        [OutreachExceptionTable.requestedDays]: 7,
      });
    const approve = (id: string) =>
      emulator.as(PERSONAS.approver).createRecord(OutreachDecision.logicalName, {
        [OutreachDecision.name]: "Exception approved",
        [`${OutreachDecision.exceptionNav}@odata.bind`]: `/pg_outreachexceptions(${id})`,
        [OutreachDecision.decision]: DecisionCodes.approved,
        [OutreachDecision.days]: 7,
      });
    await approve((await ask(PERSONAS.approver)).id);
    const own = installXrm(emulator.as(PERSONAS.seller), DEMO.contoso);
    await expect(Ribbon.isOutreachEnabled(own.form as never)).resolves.toBe(false);
    await approve((await ask(PERSONAS.seller)).id);
    forgetSharedResolutions(); // a new page load

    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.contoso);
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(true);
  });
});

describe("command PartnerGuard.Ribbon.startOutreach", () => {
  test("allowed: checks again, writes the audit entry, opens a phone call regarding the account", async () => {
    const emulator = demoEmulator();
    const { form, recorded } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove, { name: "Woodgrove Foods" });
    await Ribbon.isOutreachEnabled(form);
    const before = emulator.requests.filter((r) => r.entity === "account").length;
    await Ribbon.startOutreach(form);
    expect(emulator.requests.filter((r) => r.entity === "account").length).toBe(before + 1); // re-checked
    const [audit] = audits(emulator);
    expect(audit).toMatchObject({
      [OutreachAudit.verdict]: AuditVerdictCodes.allowed,
      [OutreachAudit.decision]: AuditDecisionCodes.allowed,
      [OutreachAudit.account]: { $lookup: "account", id: DEMO.woodgrove },
      [OutreachAudit.createdBy]: { $lookup: "systemuser", id: PERSONAS.seller.id },
      [OutreachAudit.sources]: "Dataverse: read",
      [OutreachAudit.name]: "Outreach check: Woodgrove Foods — allowed",
    });
    expect(audit[OutreachAudit.reasons] as string).toContain("No partner association is recorded");
    expect(recorded.forms).toEqual([
      {
        options: { entityName: "phonecall" },
        parameters: {
          regardingobjectid: DEMO.woodgrove,
          regardingobjectidname: "Woodgrove Foods",
          regardingobjectidtype: "account",
          subject: "Outreach: Woodgrove Foods",
        },
      },
    ]);
  });

  test("no longer allowed: the dialog names the partner and offers to engage; the blocked attempt is audited", async () => {
    const emulator = demoEmulator();
    const { form, recorded } = installXrm(emulator.as(PERSONAS.seller), DEMO.contoso, { confirm: true });
    await ribbon.startOutreach(xrmHost(), form);
    expect(audits(emulator)[0]).toMatchObject({
      [OutreachAudit.decision]: AuditDecisionCodes.blocked,
      [OutreachAudit.verdict]: AuditVerdictCodes.blocked,
    });
    // choosing to engage the partner is audited too
    expect(audits(emulator)[1]).toMatchObject({ [OutreachAudit.decision]: AuditDecisionCodes["engaged-partner"] });
    expect(recorded.confirms).toHaveLength(1);
    expect(recorded.confirms[0].text).toContain(
      "Partner of record: Harbor Computer Services — CSP reseller since 3 Mar 2019.",
    );
    expect(recorded.confirms[0].text).toContain("engage Harbor Computer Services");
    expect(recorded.confirms[0].confirmButtonLabel).toBe("Engage partner");
    expect(recorded.forms.map((f) => f.options.entityName)).toEqual(["task"]);
    expect(recorded.forms[0].parameters.subject).toBe(
      "Engage partner Harbor Computer Services on Contoso Pharmaceuticals",
    );
  });

  test("data changed since the form loaded: the fresh check wins over the shared one", async () => {
    const emulator = demoEmulator();
    const { form, recorded } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove);
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(true);
    emulator.insert("pg_partnerassociation", {
      pg_partnerassociationid: "d0000000-0000-4000-8000-000000000001",
      pg_customeraccountid: { $lookup: "account", id: DEMO.woodgrove },
      pg_relationshiptype: 100000004,
      pg_associationstatus: 100000000,
      pg_startdate: "2026-01-01",
    });
    await expect(ribbon.startOutreach(xrmHost(), form as never)).resolves.toBe("blocked");
    expect(recorded.forms).toEqual([]);
  });

  test("unverified: explains, opens nothing, and audits", async () => {
    const emulator = demoEmulator({
      fault: (r) => (r.entity === "account" ? { status: 503, message: "down" } : undefined),
    });
    const { form, recorded } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove);
    await expect(ribbon.startOutreach(xrmHost(), form as never)).resolves.toBe("blocked");
    expect(recorded.alerts[0].text).toBe("Partner status could not be verified. Outreach stays disabled.");
    expect(recorded.forms).toEqual([]);
    expect(audits(emulator)[0][OutreachAudit.verdict]).toBe(AuditVerdictCodes.unverified);
  });

  test("an audit write that fails keeps outreach closed and says so", async () => {
    const emulator = demoEmulator({
      fault: (r) => (r.operation === "createRecord" ? { status: 403, message: "no create privilege" } : undefined),
    });
    const { form, recorded } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove);
    await expect(ribbon.startOutreach(xrmHost(), form as never)).resolves.toBe("audit-failed");
    expect(recorded.forms).toEqual([]);
    expect(recorded.alerts[0].text).toContain("could not be recorded (no create privilege)");
  });
});

describe("form OnLoad PartnerGuard.Form.onLoad", () => {
  test("refreshes this form's command bar when the verdict arrives, once", async () => {
    const emulator = demoEmulator();
    const { form, recorded } = installXrm(emulator.as(PERSONAS.seller), DEMO.contoso);
    Form.onLoad({ getFormContext: () => form });
    await Ribbon.isOutreachEnabled(form);
    await new Promise((r) => setTimeout(r, 0));
    expect(recorded.refreshes).toEqual([false]);
    expect(emulator.requests).toHaveLength(5); // OnLoad and the rule share one resolution (configuration + four queries)
  });

  test("a verdict that changes after load (Retry, a fresh check) refreshes again; the same verdict does not", async () => {
    const emulator = demoEmulator();
    const { form, recorded } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove);
    Form.onLoad({ getFormContext: () => form });
    await Ribbon.isOutreachEnabled(form);
    await new Promise((r) => setTimeout(r, 0));
    await ribbon.startOutreach(xrmHost(), form); // fresh, same verdict
    await new Promise((r) => setTimeout(r, 0));
    expect(recorded.refreshes).toHaveLength(1);
    emulator.insert("pg_partnerassociation", {
      pg_partnerassociationid: "d0000000-0000-4000-8000-000000000001",
      pg_customeraccountid: { $lookup: "account", id: DEMO.woodgrove },
      pg_relationshiptype: 100000000,
      pg_associationstatus: 100000000,
      pg_startdate: "2026-01-01",
    });
    await ribbon.startOutreach(xrmHost(), form);
    await new Promise((r) => setTimeout(r, 0));
    expect(recorded.refreshes).toEqual([false, false]);
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(false);
  });
});

describe("a customer tenant id the seller may not read (column security)", () => {
  test("with Graph on, the command stays off: a withheld tenant id is not an account without one", async () => {
    const emulator = withGraphOn(demoEmulator());
    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove, { tenantReadable: false });
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(false);
    const resolution = await ribbon.resolveForAccount(xrmHost(), form, DEMO.woodgrove, false);
    expect(resolution.verdict.outreach).toBe("unverified");
    expect(resolution.verdict.reasons.find((r) => r.code === "source-failed")?.failure?.kind).toBe("forbidden");
  });

  test("with Graph on and the column readable but empty, Dataverse alone decides", async () => {
    const { form } = installXrm(withGraphOn(demoEmulator()).as(PERSONAS.seller), DEMO.woodgrove);
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(true);
  });

  test("with Graph off, a withheld tenant id changes nothing", async () => {
    const { form } = installXrm(demoEmulator().as(PERSONAS.seller), DEMO.woodgrove, { tenantReadable: false });
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(true);
  });
});

describe("the command's re-check asks about the saved customer tenant id, not an unsaved edit", () => {
  const SAVED = "0f0e0d0c-0000-4000-8000-0000000000aa";
  function graphOn(savedTenantId: string | undefined) {
    const emulator = withGraphOn(demoEmulator());
    const row = emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.woodgrove);
    if (row && savedTenantId) row[Account.tenantId] = savedTenantId;
    return emulator;
  }
  /** The form with the tenant id as the seller typed it, not saved (dirty). */
  function editedForm(emulator: DataverseEmulator, typed: string) {
    const installed = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove, { tenantId: typed });
    const attribute = installed.form.getAttribute(Account.tenantId) as unknown as { getIsDirty: () => boolean };
    attribute.getIsDirty = () => true;
    return installed;
  }

  test("a saved tenant id the seller cleared on the form still counts: Graph cannot be asked here, nothing opens", async () => {
    const { form, recorded } = editedForm(graphOn(SAVED), "");
    await Ribbon.startOutreach(form);
    expect(recorded.forms).toEqual([]);
    const resolution = await ribbon.resolveForAccount(xrmHost(), form, DEMO.woodgrove, true);
    expect(resolution.tenantId).toBe(SAVED);
    expect(resolution.verdict.outreach).toBe("unverified");
  });

  test("a tenant id typed but not saved is not the account's yet: Dataverse alone decides", async () => {
    const { form, recorded } = editedForm(graphOn(undefined), SAVED);
    await Ribbon.startOutreach(form);
    expect(recorded.forms.map((f) => f.options.entityName)).toEqual(["phonecall"]);
  });

  test("a saved value that cannot be read is a withheld one: with Graph on, nothing opens", async () => {
    const emulator = graphOn(SAVED);
    emulator.setOptions({
      fault: (r) =>
        r.entity === Account.logicalName && r.options?.includes(`<attribute name="${Account.tenantId}"/>`)
          ? { status: 503, message: "busy" }
          : undefined,
    });
    const { form, recorded } = editedForm(emulator, "");
    await Ribbon.startOutreach(form);
    expect(recorded.forms).toEqual([]);
  });
});

/** @jest-environment node */
/**
 * The emulator does what Dataverse does where a seller could go around the rule (issue 23, item
 * 10; platform-facts.md G, "Found by a security review"): Merge and its cascade, impersonation,
 * business-unit depth (hierarchy queries included), `overriddencreatedon` only with its privilege,
 * and column-level security. Each behaviour is shown both ways, so removing it fails a test.
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { OrgPrivileges, PRIVILEGE_DENIED_CODE, RECORD_ACCESS_DENIED_CODE } from "../../src/emulator/security";
import { Depth } from "../../src/pack/model/roles";
import {
  Account,
  Association,
  AssociationStatusCodes,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
  ServerColumns,
} from "../../src/schema";
import {
  EAST,
  EAST_NORTH,
  ISO_NOW,
  MERGE_ACCOUNTS,
  account,
  accountRef,
  decisionBody,
  fetchXml,
  newOrg,
  org,
  overHttp,
  persona,
  requestBody,
  row,
  user,
} from "./platformFixture";

const CONTOSO = "a1000000-0000-4000-8000-000000000001"; // partnered
const FABRIKAM = "a1000000-0000-4000-8000-000000000002"; // has an approved exception
const CHILD = "a1000000-0000-4000-8000-000000000003";
const PARTNER = "a1000000-0000-4000-8000-0000000000aa";

const SELLER = persona("Avery Seller", ["seller"]);
const APPROVER = persona("Jordan Approver", ["seller", "approver"]);
const MERGER = persona("Casey Merger", ["seller"], MERGE_ACCOUNTS);

const refusedWith = (message: string | RegExp, code = PRIVILEGE_DENIED_CODE): unknown =>
  expect.objectContaining({
    status: 403,
    code,
    message: typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message),
  });

/** Contoso (partnered) and Fabrikam with an approved exception, a task, an audit entry and a child account. */
async function twoAccounts(): Promise<{ emulator: DataverseEmulator; request: string; decision: string }> {
  const emulator = newOrg();
  emulator.insert(Account.logicalName, { [Account.id]: CONTOSO, [Account.name]: "Contoso" });
  emulator.insert(Account.logicalName, {
    [Account.id]: FABRIKAM,
    [Account.name]: "Fabrikam",
    [Account.tenantId]: "5f1c2c4e-0000-4000-8000-000000000001",
  });
  emulator.insert(Account.logicalName, {
    [Account.id]: CHILD,
    [Account.name]: "Fabrikam Europe",
    [Account.parent]: accountRef(FABRIKAM),
  });
  emulator.insert(Association.logicalName, {
    [Association.id]: "d0000000-0000-4000-8000-000000000001",
    [Association.customer]: accountRef(CONTOSO),
    [Association.partner]: accountRef(PARTNER),
    [Association.status]: AssociationStatusCodes.active,
  });
  const { id: request } = await emulator
    .as(SELLER)
    .createRecord(OutreachExceptionTable.logicalName, requestBody(FABRIKAM));
  const { id: decision } = await emulator
    .as(APPROVER)
    .createRecord(OutreachDecision.logicalName, decisionBody(request));
  await emulator.as(SELLER).createRecord(OutreachAudit.logicalName, {
    [OutreachAudit.name]: "Engaged",
    [`${OutreachAudit.accountNav}@odata.bind`]: `/${Account.entitySet}(${FABRIKAM})`,
  });
  await emulator.as(SELLER).createRecord("task", {
    subject: "Engage the partner",
    "regardingobjectid_account_task@odata.bind": `/${Account.entitySet}(${FABRIKAM})`,
  });
  return { emulator, request, decision };
}

const MERGE = { entity: Account.logicalName, target: CONTOSO, subordinate: FABRIKAM, performParentingChecks: false };

describe("Merge", () => {
  test("re-points every row that looked up the subordinate to the target, in system context, and deactivates the subordinate", async () => {
    const { emulator, request, decision } = await twoAccounts();
    // The merger may not write requests, audit entries or tasks of others: the cascade does not ask.
    await emulator.as(MERGER).merge(MERGE);
    expect(row(emulator, OutreachExceptionTable.logicalName, request)).toMatchObject({
      [OutreachExceptionTable.account]: accountRef(CONTOSO),
      // The account it was asked for stays what the requester sent: text, not a lookup.
      [OutreachExceptionTable.requestedFor]: FABRIKAM,
    });
    // The decision hangs off the request: it is now an approval on Contoso's request.
    expect(row(emulator, OutreachDecision.logicalName, decision)).toMatchObject({
      [OutreachDecision.exception]: { $lookup: OutreachExceptionTable.logicalName, id: request },
    });
    expect(emulator.table(OutreachAudit.logicalName)[0][OutreachAudit.account]).toEqual(accountRef(CONTOSO));
    expect(emulator.table("task")[0].regardingobjectid).toEqual(accountRef(CONTOSO));
    expect(row(emulator, Account.logicalName, CHILD)?.[Account.parent]).toEqual(accountRef(CONTOSO));
    expect(row(emulator, Account.logicalName, FABRIKAM)).toMatchObject({
      statecode: 1,
      statuscode: 2,
      merged: true,
      masterid: accountRef(CONTOSO),
    });
    // "Existing data in the Target record won't be overwritten"; the subordinate's fills the gaps.
    expect(row(emulator, Account.logicalName, CONTOSO)).toMatchObject({
      [Account.name]: "Contoso",
      [Account.tenantId]: "5f1c2c4e-0000-4000-8000-000000000001",
      modifiedby: user(MERGER),
    });
    // A query for the target now finds the moved request with its approval.
    const moved = await emulator.retrieveMultipleRecords(
      OutreachExceptionTable.logicalName,
      fetchXml(
        OutreachExceptionTable.logicalName,
        `<attribute name="${OutreachExceptionTable.id}"/><filter><condition attribute="${OutreachExceptionTable.account}" operator="eq" value="${CONTOSO}"/></filter>`,
      ),
    );
    expect(moved.entities.map((e) => e[OutreachExceptionTable.id])).toEqual([request]);
    expect(emulator.requests.filter((r) => r.operation === "merge")).toMatchObject([
      { entity: Account.logicalName, userId: MERGER.id, data: { Target: CONTOSO, Subordinate: FABRIKAM } },
    ]);
  });

  test("needs prvMerge and Read, Write, Append, AppendTo and Share on both rows; a refusal changes nothing", async () => {
    const { emulator, request } = await twoAccounts();
    await expect(emulator.as(SELLER).merge(MERGE)).rejects.toEqual(
      refusedWith(`missing ${OrgPrivileges.merge} privilege`),
    );
    const noShare = persona(
      "No Share",
      ["seller"],
      [org(OrgPrivileges.merge), ...account("Global", "Write", "Append")],
    );
    await expect(emulator.as(noShare).merge(MERGE)).rejects.toEqual(refusedWith("missing prvShareAccount privilege"));
    // Basic Write covers the caller's own rows only: the system's accounts are out of reach.
    const basic = persona(
      "Basic Writer",
      ["seller"],
      [org(OrgPrivileges.merge), ...account("Basic", "Write", "Append", "Share")],
    );
    await expect(emulator.as(basic).merge(MERGE)).rejects.toEqual(
      refusedWith(/does not have WriteAccess right\(s\) for record/, RECORD_ACCESS_DENIED_CODE),
    );
    expect(row(emulator, OutreachExceptionTable.logicalName, request)?.[OutreachExceptionTable.account]).toEqual(
      accountRef(FABRIKAM),
    );
    expect(row(emulator, Account.logicalName, FABRIKAM)?.statecode).toBeUndefined();
  });

  test("checks parents when asked, and refuses UpdateContent on a secured column the caller may not update", async () => {
    const { emulator } = await twoAccounts();
    await expect(
      emulator.as(MERGER).merge({ ...MERGE, target: CHILD, subordinate: CONTOSO, performParentingChecks: true }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("different parents") });
    await expect(
      emulator.as(MERGER).merge({ ...MERGE, updateContent: { [Account.tenantId]: "another tenant" } }),
    ).rejects.toEqual(refusedWith("does not have update permissions to a secured field", ""));
    await emulator.as(MERGER).merge({ ...MERGE, updateContent: { [Account.accountNumber]: "C-1" } });
    expect(row(emulator, Account.logicalName, CONTOSO)?.[Account.accountNumber]).toBe("C-1");
  });

  test("over HTTP: POST Merge with Target, Subordinate and PerformParentingChecks, recorded; malformed bodies are 400", async () => {
    const { emulator, request } = await twoAccounts();
    const { server, call } = await overHttp(emulator, { merger: MERGER, seller: SELLER });
    try {
      const ref = (id: string) => ({ "@odata.type": "Microsoft.Dynamics.CRM.account", accountid: id });
      expect(
        (
          await call("POST", "Merge", "merger", {
            Target: ref(CONTOSO),
            Subordinate: { accountid: FABRIKAM },
            PerformParentingChecks: false,
          })
        ).status,
      ).toBe(400);
      expect((await call("POST", "Merge", "merger", { Target: ref(CONTOSO), Subordinate: ref(FABRIKAM) })).status).toBe(
        400,
      );
      const denied = await call("POST", "Merge", "seller", {
        Target: ref(CONTOSO),
        Subordinate: ref(FABRIKAM),
        PerformParentingChecks: false,
      });
      expect(denied.status).toBe(403);
      expect(row(emulator, OutreachExceptionTable.logicalName, request)?.[OutreachExceptionTable.account]).toEqual(
        accountRef(FABRIKAM),
      );
      const merged = await call("POST", "Merge", "merger", {
        Target: ref(CONTOSO),
        Subordinate: ref(FABRIKAM),
        UpdateContent: { "@odata.type": "Microsoft.Dynamics.CRM.account", [Account.accountNumber]: "C-2" },
        PerformParentingChecks: false,
      });
      expect(merged.status).toBe(204);
      expect(row(emulator, OutreachExceptionTable.logicalName, request)?.[OutreachExceptionTable.account]).toEqual(
        accountRef(CONTOSO),
      );
      expect(row(emulator, Account.logicalName, CONTOSO)?.[Account.accountNumber]).toBe("C-2");
      expect(server.requests.filter((r) => r.resource === "Merge")).toHaveLength(4);
      expect(emulator.requests.filter((r) => r.operation === "merge").map((r) => r.userId)).toEqual([
        SELLER.id,
        MERGER.id,
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("impersonation", () => {
  const DELEGATE = persona("Dana Delegate", ["seller"], [org(OrgPrivileges.actOnBehalfOfAnotherUser)]);

  test("the impersonated user creates the row, on behalf of the caller; the impersonated user's privileges apply", async () => {
    const { emulator, request } = await twoAccounts();
    emulator.as(APPROVER); // the approver signs in once: the org knows the user
    const { id } = await emulator
      .as(DELEGATE)
      .onBehalfOf(APPROVER.id)
      .createRecord(OutreachDecision.logicalName, decisionBody(request));
    expect(row(emulator, OutreachDecision.logicalName, id)).toMatchObject({
      createdby: user(APPROVER),
      ownerid: user(APPROVER),
      [ServerColumns.createdOnBehalfBy]: user(DELEGATE),
      [ServerColumns.modifiedOnBehalfBy]: user(DELEGATE),
    });
    expect(emulator.requests.at(-1)).toMatchObject({ userId: APPROVER.id, callerId: DELEGATE.id });
    // The delegate cannot decide as themselves, and as a seller nobody can decide.
    await expect(
      emulator.as(DELEGATE).createRecord(OutreachDecision.logicalName, decisionBody(request)),
    ).rejects.toEqual(refusedWith("missing prvCreatepg_OutreachDecision privilege"));
    const impersonator = persona(
      "Approver Delegate",
      ["seller", "approver"],
      [org(OrgPrivileges.actOnBehalfOfAnotherUser)],
    );
    await expect(
      emulator.as(impersonator).onBehalfOf(SELLER.id).createRecord(OutreachDecision.logicalName, decisionBody(request)),
    ).rejects.toEqual(refusedWith(`Id=${SELLER.id}, type=8) is missing prvCreatepg_OutreachDecision`));
  });

  test("needs prvActOnBehalfOfAnotherUser (403, nothing written); an unknown user is 404", async () => {
    const { emulator, request } = await twoAccounts();
    const before = emulator.table(OutreachDecision.logicalName).length;
    await expect(
      emulator.as(SELLER).onBehalfOf(APPROVER.id).createRecord(OutreachDecision.logicalName, decisionBody(request)),
    ).rejects.toEqual(refusedWith(`missing ${OrgPrivileges.actOnBehalfOfAnotherUser} privilege`));
    expect(emulator.table(OutreachDecision.logicalName)).toHaveLength(before);
    await expect(
      emulator.as(DELEGATE).onBehalfOf("eeeeeeee-0000-4000-8000-000000000001").createRecord("task", { subject: "x" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  test("over HTTP: MSCRMCallerID and CallerObjectId name the user; without the privilege 403", async () => {
    const { emulator, request } = await twoAccounts();
    const approver = { ...APPROVER, objectId: "0b1ec7a1-0000-4000-8000-0000000000a1" };
    const { server, call } = await overHttp(emulator, { delegate: DELEGATE, seller: SELLER, approver });
    try {
      await call(
        "GET",
        `${OutreachDecision.entitySet}?fetchXml=${encodeURIComponent(`<fetch><entity name="${OutreachDecision.logicalName}"><attribute name="${OutreachDecision.id}"/></entity></fetch>`)}`,
        "approver",
      );
      const byId = await call("POST", OutreachDecision.entitySet, "delegate", decisionBody(request), {
        MSCRMCallerID: APPROVER.id,
      });
      expect(byId.status).toBe(204);
      const byObject = await call("POST", OutreachDecision.entitySet, "delegate", decisionBody(request), {
        CallerObjectId: approver.objectId,
      });
      expect(byObject.status).toBe(204);
      const created = emulator.table(OutreachDecision.logicalName).slice(-2);
      for (const r of created)
        expect(r).toMatchObject({ createdby: user(APPROVER), [ServerColumns.createdOnBehalfBy]: user(DELEGATE) });
      const denied = await call("POST", OutreachDecision.entitySet, "seller", decisionBody(request), {
        MSCRMCallerID: APPROVER.id,
      });
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ error: { code: PRIVILEGE_DENIED_CODE } });
    } finally {
      await server.close();
    }
  });
});

describe("business units and privilege depth", () => {
  // Only the account Read of the depth under test (the Salesperson-like base reads accounts Global).
  const reader = (name: string, depth: Depth, unit: string) =>
    persona(name, [], [], { base: account(depth, "Read"), businessUnitId: unit });
  const LOCAL = reader("Local Reader", "Local", EAST);
  const DEEP = reader("Deep Reader", "Deep", EAST);
  const BASIC = reader("Basic Reader", "Basic", EAST);
  const EAST_OWNER = persona("East Owner", [], [], { businessUnitId: EAST });
  const NORTH_OWNER = persona("North Owner", [], [], { businessUnitId: EAST_NORTH });
  const names = async (e: DataverseEmulator, who: Parameters<DataverseEmulator["as"]>[0], filter = "") =>
    (
      await e
        .as(who)
        .retrieveMultipleRecords(
          Account.logicalName,
          fetchXml(Account.logicalName, `<attribute name="name"/>${filter}<order attribute="name"/>`),
        )
    ).entities.map((r) => r.name);

  function org3(): DataverseEmulator {
    const e = newOrg();
    for (const p of [LOCAL, DEEP, BASIC, EAST_OWNER, NORTH_OWNER]) e.as(p);
    const owned = (id: string, name: string, owner: { id: string } | undefined, parent?: string) =>
      e.insert(Account.logicalName, {
        [Account.id]: id,
        [Account.name]: name,
        ...(owner ? { ownerid: { $lookup: "systemuser", id: owner.id } } : {}),
        ...(parent ? { [Account.parent]: accountRef(parent) } : {}),
      });
    owned(CONTOSO, "Contoso (root unit)", undefined);
    owned(FABRIKAM, "Fabrikam (East)", EAST_OWNER, CONTOSO);
    owned(CHILD, "Fabrikam North (East-North)", NORTH_OWNER, FABRIKAM);
    owned(PARTNER, "Own (East)", BASIC);
    return e;
  }

  test("Basic reads the caller's rows, Local its business unit's, Deep its unit's and the child units', Global all", async () => {
    const e = org3();
    expect(await names(e, BASIC)).toEqual(["Own (East)"]);
    expect(await names(e, LOCAL)).toEqual(["Fabrikam (East)", "Own (East)"]);
    expect(await names(e, DEEP)).toEqual(["Fabrikam (East)", "Fabrikam North (East-North)", "Own (East)"]);
    expect(await names(e, reader("Global Reader", "Global", EAST))).toHaveLength(4);
  });

  test("a hierarchy query leaves out the ancestors the caller cannot read, silently", async () => {
    const e = org3();
    const above = `<filter><condition attribute="${Account.id}" operator="eq-or-above" value="${CHILD}"/></filter>`;
    expect(await names(e, DEEP, above)).toEqual(["Fabrikam (East)", "Fabrikam North (East-North)"]);
    const northLocal = reader("North Local", "Local", EAST_NORTH);
    expect(await names(e, northLocal, above)).toEqual(["Fabrikam North (East-North)"]);
    expect(
      await e.retrieveMultipleRecords(
        Account.logicalName,
        fetchXml(Account.logicalName, `<attribute name="name"/>${above}`),
      ),
    ).toMatchObject({
      entities: expect.arrayContaining([expect.objectContaining({ name: "Contoso (root unit)" })]),
    });
  });

  test("the shipped Seller role reads its business unit's audit entries only; requests and decisions of every unit", async () => {
    const { emulator, request } = await twoAccounts();
    const eastSeller = persona("East Seller", ["seller"], [], { businessUnitId: EAST });
    const rootColleague = persona("Root Seller", ["seller"]);
    const audits = (p: typeof eastSeller) =>
      emulator
        .as(p)
        .retrieveMultipleRecords(
          OutreachAudit.logicalName,
          fetchXml(OutreachAudit.logicalName, `<attribute name="${OutreachAudit.id}"/>`),
        );
    expect((await audits(eastSeller)).entities).toEqual([]);
    expect((await audits(rootColleague)).entities).toHaveLength(1); // SELLER's entry, same (root) unit
    const requests = await emulator
      .as(eastSeller)
      .retrieveMultipleRecords(
        OutreachExceptionTable.logicalName,
        fetchXml(OutreachExceptionTable.logicalName, `<attribute name="${OutreachExceptionTable.id}"/>`),
      );
    expect(requests.entities.map((r) => r[OutreachExceptionTable.id])).toEqual([request]);
  });
});

describe("overriddencreatedon", () => {
  test("needs prvOverrideCreatedOnCreatedBy (403 without, nothing written); with it a past date moves createdon, a future one is 400", async () => {
    const { emulator } = await twoAccounts();
    const backdate = { overriddencreatedon: "2026-01-01T00:00:00Z" };
    const before = emulator.table(OutreachExceptionTable.logicalName).length;
    await expect(
      emulator.as(SELLER).createRecord(OutreachExceptionTable.logicalName, requestBody(CONTOSO, backdate)),
    ).rejects.toEqual(refusedWith(`missing ${OrgPrivileges.overrideCreatedOn} privilege`));
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(before);
    const importer = persona("Importer", ["seller"], [org(OrgPrivileges.overrideCreatedOn)]);
    const { id } = await emulator
      .as(importer)
      .createRecord(OutreachExceptionTable.logicalName, requestBody(CONTOSO, backdate));
    expect(row(emulator, OutreachExceptionTable.logicalName, id)).toMatchObject({
      createdon: "2026-01-01T00:00:00.000Z",
      overriddencreatedon: ISO_NOW,
    });
    await expect(
      emulator
        .as(importer)
        .createRecord(
          OutreachExceptionTable.logicalName,
          requestBody(CONTOSO, { overriddencreatedon: "2026-11-25T00:00:00Z" }),
        ),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("future") });
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(before + 1);
  });
});

describe("column-level security", () => {
  const withWrite = (name: string, profiles: ("seller" | "approver" | "admin" | "commandLine")[], more = {}) =>
    persona(
      name,
      ["seller"],
      [{ name: "prvWritepg_OutreachException", depth: "Global" }, ...account("Global", "Write")],
      {
        fieldSecurityProfiles: profiles,
        ...more,
      },
    );
  const readRequest = async (e: DataverseEmulator, who: Parameters<DataverseEmulator["as"]>[0], filter = "") =>
    (
      await e
        .as(who)
        .retrieveMultipleRecords(
          OutreachExceptionTable.logicalName,
          fetchXml(
            OutreachExceptionTable.logicalName,
            `<attribute name="${OutreachExceptionTable.justification}"/><attribute name="${OutreachExceptionTable.requestedFor}"/>${filter}`,
          ),
        )
    ).entities;

  test("a secured column comes back absent without read permission; conditions on it see null", async () => {
    const { emulator } = await twoAccounts();
    const [asSeller] = await readRequest(emulator, SELLER);
    expect(asSeller).not.toHaveProperty(OutreachExceptionTable.justification);
    expect(asSeller[OutreachExceptionTable.requestedFor]).toBe(FABRIKAM); // the verdict's column: every profile reads it
    const [asApprover] = await readRequest(emulator, APPROVER);
    expect(asApprover[OutreachExceptionTable.justification]).toBe("The CIO asked us to call about the renewal.");
    const probe = `<filter><condition attribute="${OutreachExceptionTable.justification}" operator="like" value="%CIO%"/></filter>`;
    expect(await readRequest(emulator, SELLER, probe)).toEqual([]);
    expect(await readRequest(emulator, APPROVER, probe)).toHaveLength(1);
    // A decision's note, read by a seller through the request's link-entity: absent.
    const linked = await emulator
      .as(SELLER)
      .retrieveMultipleRecords(
        OutreachDecision.logicalName,
        fetchXml(
          OutreachDecision.logicalName,
          `<attribute name="${OutreachDecision.note}"/><attribute name="${OutreachDecision.decision}"/>`,
        ),
      );
    expect(linked.entities[0]).not.toHaveProperty(OutreachDecision.note);
    // System Administrators are not limited.
    const [asAdmin] = await readRequest(emulator, persona("Sys Admin", [], [], { systemAdministrator: true }));
    expect(asAdmin[OutreachExceptionTable.justification]).toBeDefined();
  });

  test("creating a secured value needs create permission; nobody our profiles cover updates the account a request was made for", async () => {
    const { emulator, request } = await twoAccounts();
    const noProfile = persona("No Profile", ["seller"], [], { fieldSecurityProfiles: [] });
    await expect(
      emulator.as(noProfile).createRecord(OutreachExceptionTable.logicalName, requestBody(CONTOSO)),
    ).rejects.toEqual(refusedWith("does not have create permissions to a secured field", ""));
    for (const profiles of [["seller", "approver", "admin", "commandLine"]] as const) {
      const writer = withWrite("All Profiles", [...profiles]);
      await expect(
        emulator.as(writer).updateRecord(OutreachExceptionTable.logicalName, request, {
          [OutreachExceptionTable.requestedFor]: CONTOSO,
        }),
      ).rejects.toEqual(refusedWith("does not have update permissions to a secured field", ""));
      await emulator
        .as(writer)
        .updateRecord(OutreachExceptionTable.logicalName, request, { [OutreachExceptionTable.name]: "renamed" });
    }
    expect(row(emulator, OutreachExceptionTable.logicalName, request)).toMatchObject({
      [OutreachExceptionTable.requestedFor]: FABRIKAM,
      [OutreachExceptionTable.name]: "renamed",
    });
    const sysAdmin = withWrite("Sys Admin", [], { systemAdministrator: true });
    await emulator
      .as(sysAdmin)
      .updateRecord(OutreachExceptionTable.logicalName, request, { [OutreachExceptionTable.requestedFor]: CONTOSO });
    expect(row(emulator, OutreachExceptionTable.logicalName, request)?.[OutreachExceptionTable.requestedFor]).toBe(
      CONTOSO,
    );
  });

  test("a seller with Write on account changes its name but not its customer tenant id; the Administrator profile does", async () => {
    const { emulator } = await twoAccounts();
    const seller = withWrite("Writing Seller", ["seller"]);
    await emulator.as(seller).updateRecord(Account.logicalName, CONTOSO, { [Account.name]: "Contoso Ltd" });
    await expect(
      emulator.as(seller).updateRecord(Account.logicalName, CONTOSO, { [Account.tenantId]: null }),
    ).rejects.toEqual(refusedWith("does not have update permissions to a secured field", ""));
    await emulator
      .as(withWrite("Writing Admin", ["admin"]))
      .updateRecord(Account.logicalName, CONTOSO, { [Account.tenantId]: "t-1" });
    expect(row(emulator, Account.logicalName, CONTOSO)).toMatchObject({
      [Account.name]: "Contoso Ltd",
      [Account.tenantId]: "t-1",
    });
  });
});

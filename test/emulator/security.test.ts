/** @jest-environment node */
/**
 * The emulator enforces the shipped security roles (ROLES) the way Dataverse does: each rule is
 * shown both ways, so removing the enforcement fails a test.
 */
import { DataverseEmulator, Record_, SYSTEM_USER_ID } from "../../src/emulator/dataverseEmulator";
import { TABLES } from "../../src/emulator/fromFeed";
import {
  Persona,
  PRIVILEGE_DENIED_CODE,
  RECORD_ACCESS_DENIED_CODE,
  SALES_BASE_PRIVILEGES,
  privilegesOf,
} from "../../src/emulator/security";
import { WebApiServer, startWebApiServer } from "../../src/emulator/webApiServer";
import { Privilege } from "../../src/pack/model/roles";
import {
  Account,
  Association,
  AssociationSourceCodes,
  DecisionCodes,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
} from "../../src/schema";
import { FORMATTED, Row } from "../../src/sources/webApi";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const ISO_NOW = new Date(NOW).toISOString();
const ACCOUNT = "a1000000-0000-4000-8000-000000000001";
const OTHER_ACCOUNT = "a1000000-0000-4000-8000-000000000002";

/** A persona with its roles and the field security profiles of the same names (as an admin assigns them). */
const persona = (
  n: number,
  name: string,
  roles: Persona["roles"],
  base: Privilege[] = SALES_BASE_PRIVILEGES,
): Persona => ({
  id: `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, "0")}`,
  name,
  roles,
  fieldSecurityProfiles: [...roles],
  base,
});
const SELLER = persona(1, "Avery Seller", ["seller"]);
const SELLER2 = persona(2, "Blake Seller", ["seller"]);
const APPROVER = persona(3, "Jordan Approver", ["approver"]);
const ADMIN = persona(4, "Morgan Admin", ["admin"]);

const user = (p: Persona) => ({ $lookup: "systemuser", id: p.id });

function newEmulator(definitions = TABLES): DataverseEmulator {
  const emulator = new DataverseEmulator(definitions, { clock: () => NOW });
  emulator.insert(Account.logicalName, { [Account.id]: ACCOUNT, [Account.name]: "Contoso" });
  emulator.insert(Account.logicalName, { [Account.id]: OTHER_ACCOUNT, [Account.name]: "Litware" });
  return emulator;
}

const requestBody = (): Row => ({
  [OutreachExceptionTable.name]: "Call Contoso",
  [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/${Account.entitySet}(${ACCOUNT})`,
  [OutreachExceptionTable.justification]: "The CIO asked us to call.",
  [OutreachExceptionTable.requestedDays]: 7,
});
const decisionBody = (exceptionId: string): Row => ({
  [OutreachDecision.name]: "Approved",
  [`${OutreachDecision.exceptionNav}@odata.bind`]: `/${OutreachExceptionTable.entitySet}(${exceptionId})`,
  [OutreachDecision.decision]: DecisionCodes.approved,
  [OutreachDecision.days]: 7,
});
const auditBody = (): Row => ({
  [OutreachAudit.name]: "Checked",
  [`${OutreachAudit.accountNav}@odata.bind`]: `/${Account.entitySet}(${ACCOUNT})`,
});

const fetchXml = (entity: string, inner: string) =>
  `?fetchXml=<fetch><entity name="${entity}">${inner}</entity></fetch>`;
const row = (e: DataverseEmulator, table: string, id: string): Record_ | undefined =>
  e.table(table).find((r) => r[TABLES[table].primaryId] === id);

/** A promise refused with 403; the message names what is missing. */
async function refused(
  promise: Promise<unknown>,
  message: string | RegExp,
  code = PRIVILEGE_DENIED_CODE,
): Promise<void> {
  await expect(promise).rejects.toMatchObject({
    status: 403,
    code,
    message: typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message),
  });
}

describe("privileges of a persona", () => {
  test("are the union of its roles and base privileges; the deeper depth wins", () => {
    const p = privilegesOf({
      id: "x",
      name: "x",
      roles: ["seller", "approver"],
      base: [
        { name: "prvReadpg_OutreachException", depth: "Basic" },
        { name: "prvAppendpg_OutreachException", depth: "Deep" },
      ],
    });
    expect(p.get("prvCreatepg_OutreachException")).toBe("Basic"); // seller
    expect(p.get("prvCreatepg_OutreachDecision")).toBe("Basic"); // approver
    expect(p.get("prvReadpg_OutreachException")).toBe("Global"); // roles' Global beats base's Basic
    expect(p.get("prvAppendpg_OutreachException")).toBe("Deep"); // base's Deep beats the seller's Basic
    expect(p.has("prvWritepg_OutreachException")).toBe(false);
  });
});

describe("requests (pg_outreachexception)", () => {
  test("a seller creates one: the server says who and when, whatever the body says", async () => {
    const emulator = newEmulator();
    const seller = emulator.as(SELLER);
    const forged = {
      ...requestBody(),
      "createdby@odata.bind": `/systemusers(${SELLER2.id})`,
      createdby: SELLER2.id,
      createdon: "2020-01-01T00:00:00Z",
      modifiedon: "2020-01-01T00:00:00Z",
      "modifiedby@odata.bind": `/systemusers(${SELLER2.id})`,
    };
    const { id } = await seller.createRecord(OutreachExceptionTable.logicalName, forged);
    expect(row(emulator, OutreachExceptionTable.logicalName, id)).toMatchObject({
      createdby: user(SELLER),
      modifiedby: user(SELLER),
      ownerid: user(SELLER),
      createdon: ISO_NOW,
      modifiedon: ISO_NOW,
      [OutreachExceptionTable.account]: { $lookup: Account.logicalName, id: ACCOUNT },
    });
    const [read] = (
      await emulator
        .as(APPROVER)
        .retrieveMultipleRecords(
          OutreachExceptionTable.logicalName,
          fetchXml(OutreachExceptionTable.logicalName, '<attribute name="createdby"/>'),
        )
    ).entities;
    expect(read[`_createdby_value${FORMATTED}`]).toBe("Avery Seller"); // as() gave the persona a systemuser row
  });

  test("a seller can neither update nor delete a request, not even their own; an admin deletes but never updates", async () => {
    const emulator = newEmulator();
    const { id } = await emulator.as(SELLER).createRecord(OutreachExceptionTable.logicalName, requestBody());
    await refused(
      emulator
        .as(SELLER)
        .updateRecord(OutreachExceptionTable.logicalName, id, { [OutreachExceptionTable.requestedDays]: 90 }),
      `Principal user (Id=${SELLER.id}, type=8) is missing prvWritepg_OutreachException privilege (on entity 'pg_outreachexception')`,
    );
    await refused(
      emulator
        .as(ADMIN)
        .updateRecord(OutreachExceptionTable.logicalName, id, { [OutreachExceptionTable.requestedDays]: 90 }),
      "prvWritepg_OutreachException",
    );
    await refused(
      emulator.as(SELLER).deleteRecord(OutreachExceptionTable.logicalName, id),
      "prvDeletepg_OutreachException",
    );
    await refused(
      emulator.as(SELLER).deleteRecord(OutreachExceptionTable.logicalName, "a1000000-0000-4000-8000-0000000000ff"),
      "prvDeletepg_OutreachException",
    );
    expect(row(emulator, OutreachExceptionTable.logicalName, id)?.[OutreachExceptionTable.requestedDays]).toBe(7);
    await emulator.as(ADMIN).deleteRecord(OutreachExceptionTable.logicalName, id);
    expect(emulator.table(OutreachExceptionTable.logicalName)).toEqual([]);
  });
});

describe("decisions (pg_outreachdecision)", () => {
  test("only approvers create them; nobody updates them", async () => {
    const emulator = newEmulator();
    const { id: request } = await emulator.as(SELLER).createRecord(OutreachExceptionTable.logicalName, requestBody());
    await refused(
      emulator.as(SELLER).createRecord(OutreachDecision.logicalName, decisionBody(request)),
      "prvCreatepg_OutreachDecision",
    );
    // Refused before the lookup's target is looked for: a caller without the privilege learns nothing about which rows exist.
    await refused(
      emulator
        .as(SELLER)
        .createRecord(OutreachDecision.logicalName, decisionBody("a1000000-0000-4000-8000-0000000000ff")),
      "prvCreatepg_OutreachDecision",
    );
    await refused(
      emulator.as(ADMIN).createRecord(OutreachDecision.logicalName, decisionBody(request)),
      "prvCreatepg_OutreachDecision",
    );
    const { id } = await emulator.as(APPROVER).createRecord(OutreachDecision.logicalName, decisionBody(request));
    expect(row(emulator, OutreachDecision.logicalName, id)).toMatchObject({
      createdby: user(APPROVER),
      [OutreachDecision.exception]: { $lookup: OutreachExceptionTable.logicalName, id: request },
    });
    for (const p of [SELLER, APPROVER, ADMIN]) {
      await refused(
        emulator.as(p).updateRecord(OutreachDecision.logicalName, id, { [OutreachDecision.days]: 365 }),
        "prvWritepg_OutreachDecision",
      );
    }
    expect(row(emulator, OutreachDecision.logicalName, id)?.[OutreachDecision.days]).toBe(7);
  });

  test("deleting a request deletes its decisions; without Delete on decisions nothing is deleted", async () => {
    const emulator = newEmulator();
    const { id: request } = await emulator.as(SELLER).createRecord(OutreachExceptionTable.logicalName, requestBody());
    const { id: other } = await emulator.as(SELLER2).createRecord(OutreachExceptionTable.logicalName, requestBody());
    await emulator.as(APPROVER).createRecord(OutreachDecision.logicalName, decisionBody(request));
    const { id: kept } = await emulator.as(APPROVER).createRecord(OutreachDecision.logicalName, decisionBody(other));

    const purger: Persona = {
      id: "bbbbbbbb-0000-4000-8000-000000000001",
      name: "Half purger",
      roles: [],
      base: [{ name: "prvDeletepg_OutreachException", depth: "Global" }],
    };
    await refused(
      emulator.as(purger).deleteRecord(OutreachExceptionTable.logicalName, request),
      "prvDeletepg_OutreachDecision",
    );
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(2);
    expect(emulator.table(OutreachDecision.logicalName)).toHaveLength(2);

    await emulator.as(ADMIN).deleteRecord(OutreachExceptionTable.logicalName, request);
    expect(emulator.table(OutreachExceptionTable.logicalName).map((r) => r[OutreachExceptionTable.id])).toEqual([
      other,
    ]);
    expect(emulator.table(OutreachDecision.logicalName).map((r) => r[OutreachDecision.id])).toEqual([kept]);
    expect(emulator.requests.at(-1)).toMatchObject({
      operation: "deleteRecord",
      entity: OutreachExceptionTable.logicalName,
      options: request,
      userId: ADMIN.id,
    });

    await emulator.deleteRecord(OutreachExceptionTable.logicalName, other); // the unsecured emulator cascades too
    expect(emulator.table(OutreachDecision.logicalName)).toEqual([]);
    await expect(emulator.deleteRecord(OutreachExceptionTable.logicalName, other)).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("audit entries (pg_outreachaudit)", () => {
  test("a seller writes them and cannot change or delete them; an admin deletes but cannot update them", async () => {
    const emulator = newEmulator();
    const { id } = await emulator.as(SELLER).createRecord(OutreachAudit.logicalName, auditBody());
    await refused(
      emulator.as(SELLER).updateRecord(OutreachAudit.logicalName, id, { [OutreachAudit.name]: "edited" }),
      "prvWritepg_OutreachAudit",
    );
    await refused(emulator.as(SELLER).deleteRecord(OutreachAudit.logicalName, id), "prvDeletepg_OutreachAudit");
    await refused(
      emulator.as(ADMIN).updateRecord(OutreachAudit.logicalName, id, { [OutreachAudit.name]: "edited" }),
      "prvWritepg_OutreachAudit",
    );
    expect(row(emulator, OutreachAudit.logicalName, id)?.[OutreachAudit.name]).toBe("Checked");
    await emulator.as(ADMIN).deleteRecord(OutreachAudit.logicalName, id);
    expect(emulator.table(OutreachAudit.logicalName)).toEqual([]);
  });

  test("setting a lookup needs Append on the row and AppendTo on the target; clearing one needs Append only", async () => {
    const emulator = newEmulator();
    const create = (base: Privilege[], body: Row) =>
      emulator
        .as({ id: "cccccccc-0000-4000-8000-000000000001", name: "Auditor", roles: [], base })
        .createRecord(OutreachAudit.logicalName, body);
    const createAppend: Privilege[] = [
      { name: "prvCreatepg_OutreachAudit", depth: "Basic" },
      { name: "prvAppendpg_OutreachAudit", depth: "Basic" },
    ];
    await refused(create(createAppend, auditBody()), "prvAppendToAccount");
    await create([...createAppend, { name: "prvAppendToAccount", depth: "Global" }], auditBody());
    await refused(
      create([createAppend[0], { name: "prvAppendToAccount", depth: "Global" }], auditBody()),
      "prvAppendpg_OutreachAudit",
    );
    await create(createAppend, {
      [OutreachAudit.name]: "no account",
      [`${OutreachAudit.accountNav}@odata.bind`]: null,
    });
    await refused(
      create([createAppend[0]], {
        [OutreachAudit.name]: "no account",
        [`${OutreachAudit.accountNav}@odata.bind`]: null,
      }),
      "prvAppendpg_OutreachAudit",
    );
    await create([createAppend[0]], { [OutreachAudit.name]: "no lookup at all" });
    // The lookup's plain name is no property of the Web API: it cannot set the lookup past the checks.
    await expect(
      create(createAppend, { [OutreachAudit.name]: "plain", [OutreachAudit.account]: ACCOUNT }),
    ).rejects.toMatchObject({ status: 400 });
    // Nor can a bind point a lookup at a row of another table.
    await expect(
      create([...createAppend, { name: "prvAppendToAccount", depth: "Global" }], {
        [`${OutreachAudit.accountNav}@odata.bind`]: "/systemusers(cccccccc-0000-4000-8000-000000000001)",
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(emulator.table(OutreachAudit.logicalName)).toHaveLength(3);
  });

  test("AppendTo at Basic depth reaches only the caller's own target rows; the target must exist", async () => {
    const emulator = newEmulator();
    const basicAppendTo = persona(
      11,
      "Owner of one account",
      [],
      [
        { name: "prvCreatepg_OutreachAudit", depth: "Basic" },
        { name: "prvAppendpg_OutreachAudit", depth: "Basic" },
        { name: "prvAppendToAccount", depth: "Basic" },
      ],
    );
    emulator.insert(Account.logicalName, {
      [Account.id]: "a1000000-0000-4000-8000-0000000000aa",
      [Account.name]: "Own",
      ownerid: user(basicAppendTo),
    });
    const host = emulator.as(basicAppendTo);
    await refused(
      host.createRecord(OutreachAudit.logicalName, auditBody()),
      `does not have AppendToAccess right(s) for record with ID ${ACCOUNT} of entity account`,
      RECORD_ACCESS_DENIED_CODE,
    );
    await host.createRecord(OutreachAudit.logicalName, {
      ...auditBody(),
      [`${OutreachAudit.accountNav}@odata.bind`]: "/accounts(a1000000-0000-4000-8000-0000000000aa)",
    });
    await expect(
      host.createRecord(OutreachAudit.logicalName, {
        ...auditBody(),
        [`${OutreachAudit.accountNav}@odata.bind`]: "/accounts(a1000000-0000-4000-8000-0000000000ff)",
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect(emulator.table(OutreachAudit.logicalName)).toHaveLength(1);
  });
});

describe("server-set columns", () => {
  test("the unsecured emulator stamps the system user and the pinned clock; an update stamps modifiedby/modifiedon only", async () => {
    let now = NOW;
    const emulator = newEmulator();
    emulator.setOptions({ clock: () => now });
    const { id } = await emulator.createRecord(Association.logicalName, {
      [Association.name]: "a",
      createdon: "2020-01-01T00:00:00Z",
    });
    expect(row(emulator, Association.logicalName, id)).toMatchObject({
      createdby: { $lookup: "systemuser", id: SYSTEM_USER_ID },
      ownerid: { $lookup: "systemuser", id: SYSTEM_USER_ID },
      createdon: ISO_NOW,
    });
    expect(emulator.table("systemuser")).toEqual([]); // nothing inserted for the system user

    now += 60_000;
    const admin = emulator.as(ADMIN);
    emulator.as(ADMIN);
    await admin.updateRecord(Association.logicalName, id, {
      [Association.name]: "b",
      createdon: "2020-01-01T00:00:00Z",
      "modifiedby@odata.bind": `/systemusers(${SELLER.id})`,
      "createdby@odata.bind": `/systemusers(${SELLER.id})`,
    });
    expect(row(emulator, Association.logicalName, id)).toMatchObject({
      [Association.name]: "b",
      createdby: { $lookup: "systemuser", id: SYSTEM_USER_ID },
      createdon: ISO_NOW,
      modifiedby: user(ADMIN),
      modifiedon: new Date(now).toISOString(),
    });
    expect(emulator.table("systemuser")).toEqual([
      { systemuserid: ADMIN.id, fullname: "Morgan Admin", isdisabled: false },
    ]); // once, however often as() is called
  });

  test("overriddencreatedon moves createdon back (data migration), never later", async () => {
    const emulator = newEmulator();
    // Backdating needs its privilege (platformBehaviours.test.ts shows the refusal without it).
    const seller = emulator.as({
      ...SELLER,
      base: [...SALES_BASE_PRIVILEGES, { name: "prvOverrideCreatedOnCreatedBy", depth: "Global" }],
    });
    const back = await seller.createRecord(OutreachAudit.logicalName, {
      ...auditBody(),
      overriddencreatedon: "2026-01-01T00:00:00Z",
    });
    expect(row(emulator, OutreachAudit.logicalName, back.id)).toMatchObject({
      createdon: "2026-01-01T00:00:00.000Z",
      overriddencreatedon: ISO_NOW,
    });
    // The moment itself is no backdating; a future date is refused (platformBehaviours.test.ts).
    const now = await seller.createRecord(OutreachAudit.logicalName, { ...auditBody(), overriddencreatedon: ISO_NOW });
    expect(row(emulator, OutreachAudit.logicalName, now.id)).toMatchObject({ createdon: ISO_NOW });
    expect(row(emulator, OutreachAudit.logicalName, now.id)).not.toHaveProperty("overriddencreatedon");
    await expect(
      seller.createRecord(OutreachAudit.logicalName, { ...auditBody(), overriddencreatedon: "last week" }),
    ).rejects.toMatchObject({ status: 400 });
  });

  test("ownerid: creating for someone else needs Assign; an update cannot change the owner", async () => {
    const emulator = newEmulator();
    emulator.as(SELLER2);
    const forSeller2 = { ...requestBody(), "ownerid@odata.bind": `/systemusers(${SELLER2.id})` };
    await refused(
      emulator.as(SELLER).createRecord(OutreachExceptionTable.logicalName, forSeller2),
      "prvAssignpg_OutreachException",
    );
    // With Assign, a Basic Create still only covers rows the caller owns.
    const assigner = persona(
      12,
      "Assigner",
      [],
      [
        { name: "prvCreatepg_OutreachException", depth: "Basic" },
        { name: "prvAssignpg_OutreachException", depth: "Global" },
        { name: "prvAppendpg_OutreachException", depth: "Global" },
        { name: "prvAppendToAccount", depth: "Global" },
      ],
    );
    await refused(
      emulator.as(assigner).createRecord(OutreachExceptionTable.logicalName, forSeller2),
      "does not have CreateAccess right(s)",
      RECORD_ACCESS_DENIED_CODE,
    );
    expect(emulator.table(OutreachExceptionTable.logicalName)).toEqual([]);
    const own = await emulator.as(SELLER).createRecord(OutreachExceptionTable.logicalName, {
      ...requestBody(),
      "ownerid@odata.bind": `/systemusers(${SELLER.id})`,
    });
    expect(row(emulator, OutreachExceptionTable.logicalName, own.id)?.ownerid).toEqual(user(SELLER));
    const assigned = await emulator.as(ADMIN).createRecord(Association.logicalName, {
      [Association.name]: "for Blake",
      "ownerid@odata.bind": `/systemusers(${SELLER2.id})`,
    });
    expect(row(emulator, Association.logicalName, assigned.id)).toMatchObject({
      ownerid: user(SELLER2),
      createdby: user(ADMIN),
    });
    await expect(
      emulator
        .as(ADMIN)
        .updateRecord(Association.logicalName, assigned.id, { "ownerid@odata.bind": `/systemusers(${ADMIN.id})` }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("Assign"),
    });
    expect(row(emulator, Association.logicalName, assigned.id)?.ownerid).toEqual(user(SELLER2));
  });
});

describe("depth", () => {
  // The shipped roles read everything at Global; these personas hold Basic privileges on tasks only.
  const basicTasks = (n: number, name: string): Persona =>
    persona(n, name, [], [...SALES_BASE_PRIVILEGES, { name: "prvDeleteTask", depth: "Basic" }]);
  const ANN = basicTasks(5, "Ann");
  const BEN = basicTasks(6, "Ben");
  const taskQuery = fetchXml("task", '<attribute name="subject"/><order attribute="subject"/>');

  test("Basic reads, writes and deletes only the caller's own rows; Global reads them all", async () => {
    const emulator = newEmulator();
    const ann = emulator.as(ANN);
    const ben = emulator.as(BEN);
    const { id: annTask } = await ann.createRecord("task", { subject: "Ann's call" });
    const { id: benTask } = await ben.createRecord("task", { subject: "Ben's call" });
    expect((await ann.retrieveMultipleRecords("task", taskQuery)).entities.map((e) => e.subject)).toEqual([
      "Ann's call",
    ]);
    expect((await ben.retrieveMultipleRecords("task", taskQuery)).entities.map((e) => e.subject)).toEqual([
      "Ben's call",
    ]);
    const globalReader = persona(7, "Reader", [], [{ name: "prvReadTask", depth: "Global" }]);
    expect((await emulator.as(globalReader).retrieveMultipleRecords("task", taskQuery)).entities).toHaveLength(2);

    await refused(
      ann.updateRecord("task", benTask, { subject: "mine now" }),
      `Principal with ID ${ANN.id} does not have WriteAccess right(s) for record with ID ${benTask} of entity task`,
      RECORD_ACCESS_DENIED_CODE,
    );
    await refused(ann.deleteRecord("task", benTask), "DeleteAccess", RECORD_ACCESS_DENIED_CODE);
    await ann.updateRecord("task", annTask, { subject: "Ann's second call" });
    await ann.deleteRecord("task", annTask);
    expect(emulator.table("task").map((t) => t.subject)).toEqual(["Ben's call"]);
  });

  test("a link-entity needs Read on its table, nested ones too; linked rows beyond the depth are absent", async () => {
    const emulator = newEmulator();
    await emulator
      .as(ANN)
      .createRecord("task", { subject: "Ann's call", "regardingobjectid@odata.bind": `/accounts(${ACCOUNT})` });
    await emulator
      .as(BEN)
      .createRecord("task", { subject: "Ben's call", "regardingobjectid@odata.bind": `/accounts(${OTHER_ACCOUNT})` });
    const link = (type: string, nested = "") =>
      `<attribute name="name"/><order attribute="name"/><link-entity name="task" from="regardingobjectid" to="accountid" alias="t" link-type="${type}"><attribute name="subject"/>${nested}</link-entity>`;
    const ann = emulator.as(ANN);
    const outer = (await ann.retrieveMultipleRecords(Account.logicalName, fetchXml(Account.logicalName, link("outer"))))
      .entities;
    expect(outer.map((e) => [e.name, e["t.subject"]])).toEqual([
      ["Contoso", "Ann's call"],
      ["Litware", undefined], // Ben's task is beyond Ann's Basic read: the outer join finds nothing
    ]);
    const inner = (await ann.retrieveMultipleRecords(Account.logicalName, fetchXml(Account.logicalName, link("inner"))))
      .entities;
    expect(inner.map((e) => e.name)).toEqual(["Contoso"]);
    const all = (
      await emulator.retrieveMultipleRecords(Account.logicalName, fetchXml(Account.logicalName, link("inner")))
    ).entities;
    expect(all.map((e) => e.name)).toEqual(["Contoso", "Litware"]);

    const nested = link(
      "outer",
      `<link-entity name="${OutreachAudit.logicalName}" from="${OutreachAudit.account}" to="regardingobjectid" link-type="outer"/>`,
    );
    await refused(
      ann.retrieveMultipleRecords(Account.logicalName, fetchXml(Account.logicalName, nested)),
      "prvReadpg_OutreachAudit",
    );
    await refused(
      emulator
        .as(persona(8, "No tasks", [], [{ name: "prvReadAccount", depth: "Global" }]))
        .retrieveMultipleRecords(Account.logicalName, fetchXml(Account.logicalName, link("outer"))),
      "prvReadTask",
    );
    await refused(
      emulator
        .as(persona(9, "No accounts", [], []))
        .retrieveMultipleRecords(Account.logicalName, fetchXml(Account.logicalName, "")),
      "prvReadAccount",
    );
  });
});

describe("tables and keys", () => {
  test("environment variable values are read with the definition's privilege; an unmapped table is refused outright", async () => {
    const emulator = newEmulator({ ...TABLES, pg_unmapped: { primaryId: "pg_unmappedid" } });
    const values = fetchXml("environmentvariablevalue", '<attribute name="value"/>');
    await emulator.as(SELLER).retrieveMultipleRecords("environmentvariablevalue", values);
    await refused(
      emulator.as(persona(9, "Base only", [])).retrieveMultipleRecords("environmentvariablevalue", values),
      "prvReadEnvironmentVariableDefinition",
    );
    await refused(emulator.as(ADMIN).createRecord("pg_unmapped", { pg_name: "x" }), "entity 'pg_unmapped'");
    await refused(
      emulator.as(ADMIN).retrieveMultipleRecords("pg_unmapped", fetchXml("pg_unmapped", "")),
      "entity 'pg_unmapped'",
    );
    await emulator.createRecord("pg_unmapped", { pg_name: "x" }); // the system user is not checked
  });

  test("upsert by key: Create when the row is new, Write when it exists", async () => {
    const emulator = newEmulator();
    const key = { [Association.source]: AssociationSourceCodes.feed, [Association.externalReference]: "R-1" };
    const body = {
      [Association.name]: "Northwind – Contoso",
      [`${Association.customer}@odata.bind`]: `/accounts(${ACCOUNT})`,
    };
    await refused(
      emulator.as(SELLER).upsertByKey(Association.logicalName, key, body),
      "prvCreatepg_PartnerAssociation",
    );
    const importer = persona(
      10,
      "Importer",
      [],
      [
        { name: "prvCreatepg_PartnerAssociation", depth: "Global" },
        { name: "prvAppendpg_PartnerAssociation", depth: "Global" },
        { name: "prvAppendToAccount", depth: "Global" },
      ],
    );
    expect(await emulator.as(importer).upsertByKey(Association.logicalName, key, body)).toMatchObject({
      created: true,
    });
    await refused(
      emulator.as(importer).upsertByKey(Association.logicalName, key, body),
      "prvWritepg_PartnerAssociation",
    );
    expect(
      await emulator.as(ADMIN).upsertByKey(Association.logicalName, key, { ...body, [Association.name]: "renamed" }),
    ).toMatchObject({ created: false });
    expect(emulator.table(Association.logicalName)).toMatchObject([
      { [Association.name]: "renamed", createdby: user(importer), modifiedby: user(ADMIN) },
    ]);
  });

  test("persona requests are recorded with the user id; the system user's without", async () => {
    const emulator = newEmulator();
    await emulator.as(SELLER).createRecord(OutreachAudit.logicalName, auditBody());
    await emulator.createRecord(OutreachAudit.logicalName, auditBody());
    expect(emulator.requests.map((r) => r.userId)).toEqual([SELLER.id, undefined]);
  });
});

describe("over HTTP", () => {
  const TOKEN = "system-token";
  const TOKENS = { seller: "seller-token", seller2: "seller2-token", admin: "admin-token" };
  let server: WebApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(emulator: DataverseEmulator) {
    server = await startWebApiServer({
      emulator,
      token: TOKEN,
      users: { [TOKENS.seller]: SELLER, [TOKENS.seller2]: SELLER2, [TOKENS.admin]: ADMIN },
    });
    const url = server.url;
    return (method: string, path: string, token: string, body?: Row) =>
      fetch(`${url}/api/data/v9.2/${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body && JSON.stringify(body),
      });
  }

  test("a persona token is refused with 403 and code 0x80040220 where the role grants nothing; the system token is not", async () => {
    const emulator = newEmulator();
    const { id: request } = await emulator.as(SELLER).createRecord(OutreachExceptionTable.logicalName, requestBody());
    const call = await start(emulator);
    const denied = await call("POST", OutreachDecision.entitySet, TOKENS.seller, decisionBody(request));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      error: {
        code: "0x80040220",
        message: `Principal user (Id=${SELLER.id}, type=8) is missing prvCreatepg_OutreachDecision privilege (on entity 'pg_outreachdecision')`,
      },
    });
    expect((await call("POST", OutreachDecision.entitySet, TOKEN, decisionBody(request))).status).toBe(204);
    expect((await call("POST", OutreachDecision.entitySet, "nobody", decisionBody(request))).status).toBe(401);
    expect(server?.requests.map((r) => r.method)).toEqual(["POST", "POST", "POST"]);
    expect(emulator.table(OutreachDecision.logicalName)).toMatchObject([{ createdby: { id: SYSTEM_USER_ID } }]);
    // A 403 without a code of its own (an injected fault) says 0x80040220 too.
    emulator.setOptions({ fault: (r) => (r.entity === "task" ? { status: 403, message: "injected" } : undefined) });
    expect(await (await call("POST", "tasks", TOKEN, { subject: "x" })).json()).toEqual({
      error: { code: "0x80040220", message: "injected" },
    });
  });

  test("PATCH and DELETE by id: allowed for the persona whose role grants them, 403 for others, 404 when missing", async () => {
    const emulator = newEmulator();
    const { id: association } = await emulator.createRecord(Association.logicalName, { [Association.name]: "before" });
    const { id: request } = await emulator.as(SELLER).createRecord(OutreachExceptionTable.logicalName, requestBody());
    const { id: task } = await emulator.as(SELLER2).createRecord("task", { subject: "Blake's call" });
    const call = await start(emulator);

    const patch = await call("PATCH", `${Association.entitySet}(${association})`, TOKENS.admin, {
      [Association.name]: "after",
    });
    expect(patch.status).toBe(204);
    expect(patch.headers.get("OData-EntityId")).toContain(`${Association.entitySet}(${association})`);
    expect(row(emulator, Association.logicalName, association)).toMatchObject({
      [Association.name]: "after",
      modifiedby: user(ADMIN),
    });
    expect(
      (await call("PATCH", `${Association.entitySet}(${association})`, TOKENS.seller, { [Association.name]: "seller" }))
        .status,
    ).toBe(403);
    expect(
      (
        await call("PATCH", `${Association.entitySet}(a1000000-0000-4000-8000-0000000000ff)`, TOKENS.admin, {
          [Association.name]: "x",
        })
      ).status,
    ).toBe(404);

    const others = await call("PATCH", `tasks(${task})`, TOKENS.seller, { subject: "taken over" });
    expect(others.status).toBe(403);
    expect(await others.json()).toMatchObject({ error: { code: RECORD_ACCESS_DENIED_CODE } });
    expect((await call("PATCH", `tasks(${task})`, TOKENS.seller2, { subject: "Blake's second call" })).status).toBe(
      204,
    );

    expect((await call("DELETE", `${OutreachExceptionTable.entitySet}(${request})`, TOKENS.seller)).status).toBe(403);
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);
    expect((await call("DELETE", `${OutreachExceptionTable.entitySet}(${request})`, TOKENS.admin)).status).toBe(204);
    expect(emulator.table(OutreachExceptionTable.logicalName)).toEqual([]);
  });
});

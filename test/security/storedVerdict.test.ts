/**
 * The stored verdict on account (issue 24) as the people of the solution meet it through the Web
 * API, with the shipped roles and field security profiles enforced by the emulator: every
 * PartnerGuard profile reads the columns; only the Administrator and the command line's application
 * user write them. Sellers and approvers are given Write on accounts here (Dynamics 365 Sales'
 * Salesperson edits accounts): the refusal must come from field security, not from a missing role.
 *
 * @jest-environment node
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";
import { WebApiServer, startWebApiServer } from "../../src/emulator/webApiServer";
import { STORED_VERDICT_COLUMNS } from "../../src/pack/model/fieldSecurity";
import { Account, RelationshipTypeCodes, StoredOutreachCodes, StoredVerdict } from "../../src/schema";
import { attributes, condition, fetchXml } from "../../src/sources/fetchXml";
import { DEMO } from "../helpers/demo";
import { demoDataverse } from "../cli/helpers/cli";

const HARBOR = "b1000000-0000-4000-8000-000000000001";
const editsAccounts = (p: Persona): Persona => ({
  ...p,
  base: [
    ...(p.base ?? []),
    { name: "prvWriteAccount", depth: "Global" },
    { name: "prvAppendAccount", depth: "Global" },
  ],
});
const SELLER = editsAccounts(PERSONAS.seller);
const APPROVER = editsAccounts(PERSONAS.approver);
/** A PartnerGuard Administrator whose base role edits accounts (as an admin who maintains tenant ids has). */
const ADMIN = editsAccounts(PERSONAS.admin);
const NO_PROFILE: Persona = { ...SELLER, id: "66666666-6666-4666-8666-666666666666", fieldSecurityProfiles: [] };

const STORED = {
  [StoredVerdict.outreach]: StoredOutreachCodes.blocked,
  [`${StoredVerdict.partnerNav}@odata.bind`]: `/accounts(${HARBOR})`,
  [StoredVerdict.partnerName]: "Harbor Computer Services",
  [StoredVerdict.relationshipType]: RelationshipTypeCodes["csp-reseller"],
  [StoredVerdict.protectedUntil]: "2027-06-30",
  [StoredVerdict.computedOn]: "2026-11-24T05:00:00Z",
};

let emulator: DataverseEmulator;
beforeEach(() => {
  emulator = demoDataverse();
});

const read = async (p: Persona) => {
  const page = await emulator
    .as(p)
    .fetchXmlPage(
      Account.logicalName,
      fetchXml(
        Account.logicalName,
        attributes([Account.id, ...STORED_VERDICT_COLUMNS]) +
          `<filter>${condition(Account.id, "eq", DEMO.contoso)}</filter>`,
      ),
    );
  return page.entities[0];
};

test("the command line's application user and admins write the stored verdict; every profile reads it", async () => {
  await emulator.as(PERSONAS.commandLine).updateRecord(Account.logicalName, DEMO.contoso, STORED);
  await emulator
    .as(ADMIN)
    .updateRecord(Account.logicalName, DEMO.contoso, { [StoredVerdict.protectedUntil]: "2027-07-31" });
  for (const p of [SELLER, APPROVER, ADMIN, PERSONAS.commandLine])
    expect(await read(p)).toMatchObject({
      [StoredVerdict.outreach]: StoredOutreachCodes.blocked,
      [`_${StoredVerdict.partner}_value`]: HARBOR,
      [StoredVerdict.partnerName]: "Harbor Computer Services",
      [StoredVerdict.relationshipType]: RelationshipTypeCodes["csp-reseller"],
      [StoredVerdict.protectedUntil]: "2027-07-31",
      [StoredVerdict.computedOn]: "2026-11-24T05:00:00Z",
    });
  // A user in none of the profiles reads the account without them (secured columns come back null).
  const masked = await read(NO_PROFILE);
  expect(masked[Account.id]).toBe(DEMO.contoso);
  for (const column of [StoredVerdict.outreach, StoredVerdict.partnerName, StoredVerdict.protectedUntil])
    expect(masked[column]).toBeUndefined();
});

test.each([
  ["a seller", SELLER],
  ["an approver", APPROVER],
])("%s who may edit accounts still cannot write any stored column: field security refuses", async (_, p) => {
  const host = emulator.as(p);
  // Write on the account itself works: the refusal below is the secured columns'.
  await expect(
    host.updateRecord(Account.logicalName, DEMO.contoso, { [Account.website]: "https://contoso.example" }),
  ).resolves.toBeTruthy();
  for (const [column, value] of Object.entries(STORED))
    await expect(host.updateRecord(Account.logicalName, DEMO.contoso, { [column]: value })).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(
        /^The user does not have update permissions to a secured field\. The requested operation could not be completed\./,
      ) as unknown,
    });
  // Clearing is updating too.
  await expect(
    host.updateRecord(Account.logicalName, DEMO.contoso, { [StoredVerdict.outreach]: null }),
  ).rejects.toMatchObject({ status: 403 });
  expect((await read(PERSONAS.admin))[StoredVerdict.outreach]).toBeUndefined();
});

test("over HTTP, a seller's PATCH of the stored status is answered 403 with the platform's words; the app user's 204", async () => {
  const server: WebApiServer = await startWebApiServer({
    emulator,
    token: "system",
    users: { seller: SELLER, app: PERSONAS.commandLine },
    checkQuery: false,
  });
  try {
    const patch = (token: string) =>
      fetch(`${server.url}/api/data/v9.2/accounts(${DEMO.contoso})`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "If-Match": "*" },
        body: JSON.stringify({ [StoredVerdict.outreach]: StoredOutreachCodes.allowed }),
      });
    const refused = await patch("seller");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /^The user does not have update permissions to a secured field/,
    );
    expect((await patch("app")).status).toBe(204);
  } finally {
    await server.close();
  }
});

test("the columns take what Dataverse takes: a day for 'protected until', a known status, an existing partner", async () => {
  const app = emulator.as(PERSONAS.commandLine);
  await expect(
    app.updateRecord(Account.logicalName, DEMO.contoso, { [StoredVerdict.protectedUntil]: "2027-06-30T00:00:00Z" }),
  ).rejects.toMatchObject({
    status: 400,
    message: "Cannot convert the literal '2027-06-30T00:00:00Z' to the expected type 'Edm.Date'.",
  });
  await expect(
    app.updateRecord(Account.logicalName, DEMO.contoso, { [StoredVerdict.outreach]: 42 }),
  ).rejects.toMatchObject({ status: 400 });
  await expect(
    app.updateRecord(Account.logicalName, DEMO.contoso, {
      [`${StoredVerdict.partnerNav}@odata.bind`]: "/accounts(b1000000-0000-4000-8000-0000000000ff)",
    }),
  ).rejects.toMatchObject({ status: 404 });
});

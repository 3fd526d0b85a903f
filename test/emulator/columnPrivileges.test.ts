/** @jest-environment node */
/**
 * What the emulator answers about secured-column privileges (RetrievePrincipalAttributePrivileges
 * and a column's MetadataId), as the personas' shipped field security profiles grant them, and the
 * client's reading of it (src/sources/columnAccess.ts): each rule both ways.
 */
import { demoEmulator } from "../helpers/demo";
import { startWebApiServer } from "../../src/emulator/webApiServer";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";
import { Account, StoredVerdict } from "../../src/schema";
import {
  attributePrivilegesPath,
  canReadColumn,
  columnReadable,
  forgetColumnAccess,
  metadataIdPath,
} from "../../src/sources/columnAccess";

const TENANT_COLUMN = metadataIdPath(Account.logicalName, Account.tenantId);

describe("the emulator's secured-column privileges", () => {
  test("a column's MetadataId: a GUID, the same on every ask, different per column; an unknown column is 404", async () => {
    const emulator = demoEmulator();
    const seller = emulator.as(PERSONAS.seller);
    const a = (await seller.webApiGet(TENANT_COLUMN)) as { value: string };
    expect(a.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await seller.webApiGet(TENANT_COLUMN)).toEqual(a);
    const other = (await seller.webApiGet(metadataIdPath(Account.logicalName, StoredVerdict.outreach))) as {
      value: string;
    };
    expect(other.value).not.toBe(a.value);
    await expect(seller.webApiGet(metadataIdPath(Account.logicalName, "pg_nosuchcolumn"))).rejects.toMatchObject({
      status: 404,
    });
  });

  test("RetrievePrincipalAttributePrivileges lists what the user's profiles grant: the seller reads the tenant id, does not update it", async () => {
    const emulator = demoEmulator();
    const seller = emulator.as(PERSONAS.seller);
    const { value: columnId } = (await seller.webApiGet(TENANT_COLUMN)) as { value: string };
    const answer = (await seller.webApiGet(attributePrivilegesPath(PERSONAS.seller.id))) as {
      AttributePrivileges: { AttributeId: string; CanRead: number; CanCreate: number; CanUpdate: number }[];
    };
    expect(answer.AttributePrivileges.find((p) => p.AttributeId === columnId)).toEqual({
      AttributeId: columnId,
      CanRead: 4,
      CanCreate: 0,
      CanUpdate: 0,
    });
    const admin = emulator.as(PERSONAS.admin);
    const adminAnswer = (await admin.webApiGet(attributePrivilegesPath(PERSONAS.admin.id))) as typeof answer;
    expect(adminAnswer.AttributePrivileges.find((p) => p.AttributeId === columnId)).toMatchObject({
      CanRead: 4,
      CanUpdate: 4,
    });
  });

  test("a user in no profile gets no privilege; a System Administrator's role is not listed (profiles only)", async () => {
    const emulator = demoEmulator();
    const noProfile: Persona = { ...PERSONAS.seller, fieldSecurityProfiles: [] };
    const host = emulator.as(noProfile);
    expect(await host.webApiGet(attributePrivilegesPath(noProfile.id))).toEqual({ AttributePrivileges: [] });
    const sysAdmin: Persona = {
      id: "66666666-6666-4666-8666-666666666666",
      name: "Sam Sysadmin",
      roles: [],
      systemAdministrator: true,
    };
    expect(await emulator.as(sysAdmin).webApiGet(attributePrivilegesPath(sysAdmin.id))).toEqual({
      AttributePrivileges: [],
    });
  });

  test("the caller needs read access on the user row; an unknown user is 404; other GETs are 501", async () => {
    const emulator = demoEmulator();
    const noUserRead: Persona = { ...PERSONAS.seller, id: "77777777-7777-4777-8777-777777777777", base: [] };
    await expect(emulator.as(noUserRead).webApiGet(attributePrivilegesPath(noUserRead.id))).rejects.toMatchObject({
      status: 403,
    });
    const seller = emulator.as(PERSONAS.seller);
    await expect(
      seller.webApiGet(attributePrivilegesPath("99999999-9999-4999-8999-999999999999")),
    ).rejects.toMatchObject({ status: 404 });
    await expect(seller.webApiGet("WhoAmI()")).rejects.toMatchObject({ status: 501 });
  });

  test("each GET is recorded as the persona's request", async () => {
    const emulator = demoEmulator();
    await emulator.as(PERSONAS.seller).webApiGet(TENANT_COLUMN);
    expect(emulator.requests.at(-1)).toMatchObject({
      operation: "get",
      entity: "EntityDefinitions",
      options: TENANT_COLUMN,
      userId: PERSONAS.seller.id,
    });
  });
});

describe("reading it: may the user read account.pg_customertenantid?", () => {
  const ask = (persona: Persona) => {
    const emulator = demoEmulator();
    const host = emulator.as(persona);
    return canReadColumn({ get: (p) => host.webApiGet(p) }, persona.id, Account.logicalName, Account.tenantId);
  };

  test("the seller, approver and admin personas may; a seller without the profile may not", async () => {
    await expect(ask(PERSONAS.seller)).resolves.toBe(true);
    await expect(ask(PERSONAS.approver)).resolves.toBe(true);
    await expect(ask(PERSONAS.admin)).resolves.toBe(true);
    // The command line's application user may not read user rows: the ask itself is refused (it never asks).
    await expect(ask(PERSONAS.commandLine)).rejects.toMatchObject({ status: 403 });
    await expect(ask({ ...PERSONAS.seller, fieldSecurityProfiles: [] })).resolves.toBe(false);
  });

  test("kept for the session: one ask; a failed ask is not kept and never rejects", async () => {
    forgetColumnAccess();
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    const emulator = demoEmulator();
    const host = emulator.as(PERSONAS.seller);
    let gets = 0;
    const api = { get: (p: string) => (gets++, host.webApiGet(p)) };
    const deps = { api, userId: PERSONAS.seller.id, storage, scope: {} };
    await expect(columnReadable(deps, Account.logicalName, Account.tenantId)).resolves.toBe(true);
    await expect(columnReadable({ ...deps, scope: {} }, Account.logicalName, Account.tenantId)).resolves.toBe(true);
    expect(gets).toBe(2); // the first ask's two GETs; the second window read session storage

    const failing = { api: { get: () => Promise.reject(new Error("503")) }, userId: PERSONAS.seller.id, scope: {} };
    await expect(columnReadable(failing, Account.logicalName, Account.tenantId)).resolves.toBe(false);
    const working = { ...failing, api };
    await expect(columnReadable(working, Account.logicalName, Account.tenantId)).resolves.toBe(true);
  });
});

describe("over HTTP (the server the command line's tests use)", () => {
  test("the same answers through the Web API paths, read by the client's own HTTP GET; a seller in no profile may not read", async () => {
    const emulator = demoEmulator();
    const noProfile: Persona = {
      ...PERSONAS.seller,
      id: "88888888-8888-4888-8888-888888888888",
      fieldSecurityProfiles: [],
    };
    emulator.as(PERSONAS.seller);
    emulator.as(noProfile);
    const server = await startWebApiServer({
      emulator,
      token: "system",
      users: { seller: PERSONAS.seller, bare: noProfile },
    });
    try {
      const api = (token: string) => ({
        get: async (path: string) => {
          const response = await fetch(`${server.url}/api/data/v9.2/${path}`, {
            headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
          });
          if (!response.ok) throw new Error(String(response.status));
          return (await response.json()) as unknown;
        },
      });
      await expect(
        canReadColumn(api("seller"), PERSONAS.seller.id, Account.logicalName, Account.tenantId),
      ).resolves.toBe(true);
      await expect(canReadColumn(api("bare"), noProfile.id, Account.logicalName, Account.tenantId)).resolves.toBe(
        false,
      );
      await expect(api("seller").get(metadataIdPath(Account.logicalName, "pg_nosuchcolumn"))).rejects.toThrow("404");
    } finally {
      await server.close();
    }
  });
});

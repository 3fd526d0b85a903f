/** @jest-environment node */
/**
 * Link-entities inside a filter (fetchxml/filter-rows.md, "Filter on values in related records";
 * https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/filter-rows#filter-on-values-in-related-records):
 * `any`, `not any`, `all` and `not all` as the docs' SQL defines them, the parent row at most once,
 * the linked rows the caller reads; what the docs leave open is 501 (never a kinder answer), what
 * the service refuses is 400, and Fetch.xsd (as the project patches it, NEWER_THAN_SCHEMA) takes them.
 */
import { DataverseEmulator, EmulatorError } from "../../src/emulator/dataverseEmulator";
import { NEWER_THAN_SCHEMA, fetchXsdCheck } from "../../src/emulator/fetchSchema.node";
import { TABLES } from "../../src/emulator/fromFeed";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";

const guid = (prefix: string, i: number) => `${prefix}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
const lookup = (table: string, id: string) => ({ $lookup: table, id });
const OTHER = "99999999-9999-4999-8999-999999999999";

const CONTOSO = guid("a0000000", 1); // two contacts: Ann (active), Bob (inactive)
const FABRIKAM = guid("a0000000", 2); // one contact: Cy (inactive), owned by someone else
const NORTHWIND = guid("a0000000", 3); // no contact
const PARENT = guid("a0000000", 4); // Contoso's parent

function org(): DataverseEmulator {
  const e = new DataverseEmulator(TABLES);
  const account = (id: string, name: string, parent?: string) =>
    e.insert("account", {
      accountid: id,
      name,
      ownerid: lookup("systemuser", PERSONAS.seller.id),
      ...(parent ? { parentaccountid: lookup("account", parent) } : {}),
    });
  account(PARENT, "Contoso Holding");
  account(CONTOSO, "Contoso", PARENT);
  account(FABRIKAM, "Fabrikam");
  account(NORTHWIND, "Northwind");
  const contact = (i: number, name: string, of: string, statecode: number, owner: string = PERSONAS.seller.id) =>
    e.insert("contact", {
      contactid: guid("c0000000", i),
      fullname: name,
      parentcustomerid: lookup("account", of),
      statecode,
      ownerid: lookup("systemuser", owner),
    });
  contact(1, "Ann", CONTOSO, 0);
  contact(2, "Bob", CONTOSO, 1);
  contact(3, "Cy", FABRIKAM, 1, OTHER);
  return e;
}

const accountsWhere = (filter: string) =>
  `<fetch><entity name="account"><attribute name="name"/><order attribute="name"/>${filter}</entity></fetch>`;
const contacts = (type: string, inner = "") =>
  `<link-entity name="contact" from="parentcustomerid" to="accountid" link-type="${type}">${inner}</link-entity>`;
const inactive = `<filter><condition attribute="statecode" operator="eq" value="1"/></filter>`;
const names = async (e: { retrieveMultipleRecords: DataverseEmulator["retrieveMultipleRecords"] }, xml: string) =>
  (await e.retrieveMultipleRecords("account", `?fetchXml=${xml}`)).entities.map((r) => r.name);

describe("link-entities inside a filter", () => {
  test("any: accounts with a matching contact, each once (the docs' exists); not all the same", async () => {
    const e = org();
    expect(await names(e, accountsWhere(`<filter>${contacts("any")}</filter>`))).toEqual(["Contoso", "Fabrikam"]);
    expect(await names(e, accountsWhere(`<filter>${contacts("any", inactive)}</filter>`))).toEqual([
      "Contoso",
      "Fabrikam",
    ]);
    expect(await names(e, accountsWhere(`<filter>${contacts("not all", inactive)}</filter>`))).toEqual([
      "Contoso",
      "Fabrikam",
    ]);
    const active = `<filter><condition attribute="statecode" operator="eq" value="0"/></filter>`;
    expect(await names(e, accountsWhere(`<filter>${contacts("any", active)}</filter>`))).toEqual(["Contoso"]);
  });

  test("not any: no matching contact; all: contacts, none matching", async () => {
    const e = org();
    const active = `<filter><condition attribute="statecode" operator="eq" value="0"/></filter>`;
    expect(await names(e, accountsWhere(`<filter>${contacts("not any", active)}</filter>`))).toEqual([
      "Contoso Holding",
      "Fabrikam",
      "Northwind",
    ]);
    expect(await names(e, accountsWhere(`<filter>${contacts("all", active)}</filter>`))).toEqual(["Fabrikam"]);
  });

  test("a child condition of an or filter, beside conditions; nested through the parent lookup", async () => {
    const e = org();
    const ann = `<filter><condition attribute="contactid" operator="in"><value>${guid("c0000000", 1)}</value></condition></filter>`;
    const or = (inner: string) => accountsWhere(`<filter type="or">${inner}</filter>`);
    expect(
      await names(e, or(`<condition attribute="name" operator="eq" value="Northwind"/>${contacts("any", ann)}`)),
    ).toEqual(["Contoso", "Northwind"]);
    // The parent of Ann's account: an account with a child account that has Ann.
    const children = `<link-entity name="account" from="parentaccountid" to="accountid" link-type="any"><filter>${contacts("any", ann)}</filter></link-entity>`;
    expect(await names(e, or(contacts("any", ann) + children))).toEqual(["Contoso", "Contoso Holding"]);
  });

  test("the linked rows are those the caller reads; the linked table needs Read, or the query is refused", async () => {
    const e = org();
    const ownContacts: Persona = {
      ...PERSONAS.seller,
      base: (PERSONAS.seller.base ?? []).map((p) => (p.name === "prvReadContact" ? { ...p, depth: "Basic" } : p)),
    };
    expect(await names(e.as(ownContacts), accountsWhere(`<filter>${contacts("any")}</filter>`))).toEqual(["Contoso"]);
    const noContacts: Persona = {
      ...PERSONAS.seller,
      base: (PERSONAS.seller.base ?? []).filter((p) => p.name !== "prvReadContact"),
    };
    await expect(names(e.as(noContacts), accountsWhere(`<filter>${contacts("any")}</filter>`))).rejects.toMatchObject({
      status: 403,
    });
  });

  test("count toward the link-entity limit", async () => {
    const e = org();
    const many = Array.from({ length: 16 }, () => contacts("any")).join("");
    await expect(names(e, accountsWhere(`<filter type="or">${many}</filter>`))).rejects.toMatchObject({
      status: 400,
      code: "0x8004430d",
    });
  });

  test("what the docs leave open is 501, never an answer; an unknown link type is 400", async () => {
    const e = org();
    const open = async (xml: string, part: string) => {
      const error = await names(e, xml).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(error).toBeInstanceOf(EmulatorError);
      expect(error).toMatchObject({ status: 501, message: expect.stringContaining(part) });
    };
    await open(accountsWhere(contacts("any")), `link-type="any" outside a filter`);
    await open(accountsWhere(`<filter>${contacts("inner")}</filter>`), `link-type="inner" inside a filter`);
    await open(
      accountsWhere(`<filter>${contacts("any", `<attribute name="fullname"/>`)}</filter>`),
      "columns or orders of a link-entity inside a filter",
    );
    await expect(names(e, accountsWhere(`<filter>${contacts("some")}</filter>`))).rejects.toMatchObject({
      status: 400,
      code: "0x80041117",
    });
  });
});

describe("Fetch.xsd, with the one construct newer than it", () => {
  const check = fetchXsdCheck();
  test("a filter holding a link-entity validates; the patch is listed with its reason", async () => {
    expect(NEWER_THAN_SCHEMA.map((n) => n.construct)).toEqual(["link-entity inside a filter"]);
    await expect(
      check(accountsWhere(`<filter type="or">${contacts("any", inactive)}</filter>`)),
    ).resolves.toBeUndefined();
  });
  test("everything else still validates as published: a link-entity inside a condition is refused", async () => {
    await expect(
      check(
        accountsWhere(
          `<filter><condition attribute="name" operator="eq" value="x">${contacts("any")}</condition></filter>`,
        ),
      ),
    ).rejects.toMatchObject({ status: 400 });
  });
});

/** @jest-environment node */
/**
 * The emulator refuses what Dataverse refuses in a query, never kinder: each refusal is sent to the
 * emulator (directly, as a persona, and over HTTP) and must come back 400 with the platform's code
 * and a message saying where. Valid queries, the project's own included, still answer.
 */
import { DataverseEmulator, EmulatorError, Record_ } from "../../src/emulator/dataverseEmulator";
import { fetchXsdAvailable, fetchXsdCheck } from "../../src/emulator/fetchSchema.node";
import { TABLES } from "../../src/emulator/fromFeed";
import { MAX_CONDITIONS, MAX_LINK_ENTITIES } from "../../src/emulator/queryCheck";
import { Persona, SALES_BASE_PRIVILEGES } from "../../src/emulator/security";
import { WebApiServer, startWebApiServer } from "../../src/emulator/webApiServer";
import { Account, OutreachDecision, OutreachExceptionTable } from "../../src/schema";
import { readHistory } from "../../src/sources/audit";
import { readConfigValues } from "../../src/sources/configSource";
import { buildFetchXml, readDataverse } from "../../src/sources/dataverseSource";
import { DEMO, demoEmulator } from "../helpers/demo";

const E = OutreachExceptionTable;
const D = OutreachDecision;
const ACCOUNT = "a1000000-0000-4000-8000-000000000001";
const SELLER: Persona = {
  id: "aaaaaaaa-0000-4000-8000-000000000001",
  name: "Avery Seller",
  roles: ["seller"],
  base: SALES_BASE_PRIVILEGES,
};

/**
 * The exceptions query as a minifier corrupted it (platform-facts.md, last entry): the decisions
 * link-entity swallowed its own attribute list. Dataverse answers it 400.
 */
const CORRUPTED =
  `<fetch version="1.0" mapping="logical" no-lock="true" count="5000" page="1"><entity name="${E.logicalName}">` +
  `<attribute name="${E.id}"/><filter type="and"><condition attribute="${E.account}" operator="eq" value="${ACCOUNT}"/></filter>` +
  `<link-entity name="${D.logicalName}" from="${D.exception}" to="${E.id}" link-type="outer" alias="dc">` +
  `<link-entity name="<attribute name="${D.id}"/></link-entity><order attribute="${E.id}"/></entity></fetch>`;

/** The same query before the minifier: what the source builds. */
const EXCEPTIONS =
  `<fetch version="1.0" mapping="logical" no-lock="true" count="5000" page="1"><entity name="${E.logicalName}">` +
  `<attribute name="${E.id}"/><filter type="and"><condition attribute="${E.account}" operator="eq" value="${ACCOUNT}"/></filter>` +
  `<link-entity name="${D.logicalName}" from="${D.exception}" to="${E.id}" link-type="outer" alias="dc">` +
  `<attribute name="${D.id}"/></link-entity><order attribute="${E.id}"/></entity></fetch>`;

const fetchXmlOf = (entity: string, inner: string, attrs = "") =>
  `<fetch${attrs}><entity name="${entity}">${inner}</entity></fetch>`;
const accounts = (inner: string, attrs = "") => fetchXmlOf(Account.logicalName, inner, attrs);

function newEmulator(options: ConstructorParameters<typeof DataverseEmulator>[1] = {}): DataverseEmulator {
  const emulator = new DataverseEmulator(TABLES, options);
  const row: Record_ = { [Account.id]: ACCOUNT, [Account.name]: "Contoso" };
  emulator.insert(Account.logicalName, row);
  emulator.insert(E.logicalName, {
    [E.id]: "e0000000-0000-4000-8000-000000000001",
    [E.account]: { $lookup: "account", id: ACCOUNT },
  });
  return emulator;
}

const query = (emulator: DataverseEmulator, entity: string, fetchXml: string) =>
  emulator.retrieveMultipleRecords(entity, `?fetchXml=${fetchXml}`);

/** The query is refused with 400, the platform's code and a message containing each part. */
async function refused(answer: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  const error = await answer.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmulatorError);
  expect(error).toMatchObject({ status: 400, code });
  for (const part of parts) expect((error as Error).message).toContain(part);
}

describe("FetchXML the service refuses", () => {
  const emulator = newEmulator();

  test("the corrupted exceptions query is not well-formed: Invalid XML, where the quote opens", async () => {
    await refused(query(emulator, E.logicalName, CORRUPTED), "0x80040201", "Invalid XML.", "link-entity", "line 1");
    expect((await query(emulator, E.logicalName, EXCEPTIONS)).entities).toHaveLength(1);
  });

  test("the root must be one fetch holding one named entity of the queried table", async () => {
    await refused(query(emulator, "account", `<query><entity name="account"/></query>`), "0x8004111c", "<query>");
    await refused(query(emulator, "account", `<fetch/>`), "0x80041102", "Entity Name was not specified", "0 entity");
    await refused(
      query(emulator, "account", `<fetch><entity name="account"/><entity name="account"/></fetch>`),
      "0x80041102",
      "2 entity",
    );
    await refused(query(emulator, "account", `<fetch><entity/></fetch>`), "0x80041102");
    await refused(query(emulator, "account", ""), "0x80041124", "Xml String can't be null.");
    await refused(
      query(emulator, "account", fetchXmlOf(E.logicalName, "")),
      "0x80041128",
      `<entity name="${E.logicalName}"> sent to the entity set of account`,
    );
  });

  test("a table the emulator does not define, at the root or joined", async () => {
    await refused(
      query(emulator, "pg_nothing", fetchXmlOf("pg_nothing", "")),
      "0x80041102",
      "The entity with a name = 'pg_nothing' with namemapping = 'Logical' was not found in the MetadataCache.",
    );
    await refused(
      query(emulator, "account", accounts(`<link-entity name="pg_nothing" from="x" to="accountid"/>`)),
      "0x80041102",
      "'pg_nothing'",
      `<link-entity name="pg_nothing"> in <entity name="account">`,
    );
  });

  test("attribute, condition and order columns the table does not have", async () => {
    await refused(
      query(emulator, E.logicalName, fetchXmlOf(E.logicalName, `<attribute name="pg_requestedday"/>`)),
      "0x80041103",
      `'${E.logicalName}' entity doesn't contain attribute with Name = 'pg_requestedday' and NameMapping = 'Logical'.`,
    );
    await refused(
      query(
        emulator,
        "account",
        accounts(`<filter><condition attribute="_parentaccountid_value" operator="null"/></filter>`),
      ),
      "0x80041103",
      "Name = '_parentaccountid_value'",
      '<condition attribute="_parentaccountid_value">',
    );
    await refused(query(emulator, "account", accounts(`<order attribute="nme"/>`)), "0x80041103", "Name = 'nme'");
    await refused(query(emulator, "account", accounts(`<attribute/>`)), "0x8004111e", "name of <attribute>");
    // A column of a joined table is checked against that table, not the root's.
    await refused(
      query(
        emulator,
        E.logicalName,
        fetchXmlOf(
          E.logicalName,
          `<link-entity name="${D.logicalName}" from="${D.exception}" to="${E.id}" alias="dc"><attribute name="${E.account}"/></link-entity>`,
        ),
      ),
      "0x80041103",
      `'${D.logicalName}' entity doesn't contain attribute with Name = '${E.account}'`,
    );
  });

  test("link-entity from must be a column of the joined table, to one of the table it joins", async () => {
    const link = (from: string, to: string) =>
      fetchXmlOf(E.logicalName, `<link-entity name="${D.logicalName}" from="${from}" to="${to}" alias="dc"/>`);
    await refused(
      query(emulator, E.logicalName, link("pg_exception", E.id)),
      "0x80041103",
      `'${D.logicalName}' entity doesn't contain attribute with Name = 'pg_exception'`,
      "(from of <link-entity",
    );
    await refused(
      query(emulator, E.logicalName, link(D.exception, D.id)),
      "0x80041103",
      `'${E.logicalName}' entity doesn't contain attribute with Name = '${D.id}'`,
      "(to of <link-entity",
    );
    await refused(
      query(
        emulator,
        E.logicalName,
        fetchXmlOf(
          E.logicalName,
          `<link-entity name="${D.logicalName}" from="${D.exception}" to="${E.id}" link-type="left"/>`,
        ),
      ),
      "0x80041117",
      `link-type="left"`,
    );
  });

  test("entityname of a condition and of an order must name a link-entity; an order takes no alias", async () => {
    const link = `<link-entity name="${D.logicalName}" from="${D.exception}" to="${E.id}" link-type="outer" alias="dc"/>`;
    await refused(
      query(
        emulator,
        E.logicalName,
        fetchXmlOf(
          E.logicalName,
          `${link}<filter><condition entityname="dx" attribute="${D.id}" operator="null"/></filter>`,
        ),
      ),
      "0x8004110a",
      `entityname="dx"`,
    );
    await refused(
      query(emulator, E.logicalName, fetchXmlOf(E.logicalName, `${link}<order entityname="dx" attribute="${D.id}"/>`)),
      "0x80041126",
      `entityname="dx"`,
    );
    await refused(
      query(
        emulator,
        E.logicalName,
        fetchXmlOf(
          E.logicalName,
          `${link}<filter><condition entityname="dc" attribute="${E.account}" operator="null"/></filter>`,
        ),
      ),
      "0x80041103",
      `'${D.logicalName}' entity doesn't contain attribute with Name = '${E.account}'`,
    );
    await refused(
      query(emulator, E.logicalName, fetchXmlOf(E.logicalName, `<order alias="dc" attribute="${E.id}"/>`)),
      "0x80041132",
      `alias="dc"`,
    );
    await refused(
      query(emulator, E.logicalName, fetchXmlOf(E.logicalName, `${link}${link}`)),
      "0x80041130",
      `alias "dc" again`,
    );
    // Named right, the condition passes the service's checks: the emulator then says it does not evaluate it.
    await expect(
      query(
        emulator,
        E.logicalName,
        fetchXmlOf(
          E.logicalName,
          `${link}<filter><condition entityname="dc" attribute="${D.id}" operator="null"/></filter>`,
        ),
      ),
    ).rejects.toMatchObject({ status: 501, message: expect.stringContaining("entityname") });
  });

  test(`at most ${MAX_LINK_ENTITIES} link-entities (so no deeper nesting) and ${MAX_CONDITIONS} conditions and link-entities`, async () => {
    const chain = (n: number): string =>
      n === 0
        ? ""
        : `<link-entity name="account" from="parentaccountid" to="accountid" link-type="outer">${chain(n - 1)}</link-entity>`;
    expect(
      (await query(emulator, "account", accounts(`<attribute name="name"/>${chain(MAX_LINK_ENTITIES)}`))).entities,
    ).toHaveLength(1);
    await refused(
      query(emulator, "account", accounts(chain(MAX_LINK_ENTITIES + 1))),
      "0x8004430d",
      "Number of link entities in query exceeded maximum limit.",
      "16 link-entity elements",
    );
    const conditions = (n: number) =>
      `<filter type="or">${Array.from({ length: n }, (_, i) => `<condition attribute="name" operator="eq" value="n${i}"/>`).join("")}</filter>`;
    expect((await query(emulator, "account", accounts(conditions(MAX_CONDITIONS)))).entities).toEqual([]);
    await refused(
      query(emulator, "account", accounts(chain(1) + conditions(MAX_CONDITIONS))),
      "0x8004430c",
      "Number of conditions in query exceeded maximum limit.",
    );
  });

  test("count and page are whole numbers from 1; count at most 5,000", async () => {
    const paged = (attrs: string) => query(emulator, "account", accounts(`<attribute name="name"/>`, attrs));
    await refused(paged(` count="5001"`), "0x80041108", `count="5001"`, "1 to 5000");
    await refused(paged(` count="0"`), "0x8004110c", "A value greater than zero must be specified.");
    await refused(paged(` count="ten"`), "0x80041108", `count="ten"`);
    await refused(paged(` count="10" page="0"`), "0x8004110c", `page="0"`);
    await refused(paged(` count="10" page="-1"`), "0x80041108", `page="-1"`);
    await refused(paged(` count="10" page="1.5"`), "0x80041108", `page="1.5"`);
    expect((await paged(` count="5000" page="1"`)).entities).toHaveLength(1);
  });

  test("an operator outside Fetch.xsd's list is refused; a listed one the emulator does not evaluate is 501", async () => {
    await refused(
      query(
        emulator,
        "account",
        accounts(`<filter><condition attribute="accountid" operator="eq-or-abv" value="${ACCOUNT}"/></filter>`),
      ),
      "0x80041120",
      "Unsupported condition operator. 'eq-or-abv'",
    );
    await expect(
      query(
        emulator,
        "account",
        accounts(`<filter><condition attribute="createdon" operator="last-x-days" value="3"/></filter>`),
      ),
    ).rejects.toMatchObject({ status: 501, message: expect.stringContaining("last-x-days") });
  });

  test("an unknown child node, a filter type or a descending value the deserializer does not know", async () => {
    await refused(
      query(emulator, "account", accounts(`<colum name="name"/>`)),
      "0x8004111c",
      "Invalid Child Node",
      "NodeName = colum",
    );
    await refused(query(emulator, "account", accounts(`<filter type="xor"/>`)), "0x80041122", `type="xor"`);
    await refused(query(emulator, "account", accounts(`<order attribute="name" descending="yes"/>`)), "0x80041119");
  });

  test("a persona's query is checked first: a bad query is 400 whatever the persona may read", async () => {
    const seller = emulator.as(SELLER);
    await refused(seller.retrieveMultipleRecords(E.logicalName, `?fetchXml=${CORRUPTED}`), "0x80040201");
    await refused(seller.fetchXmlPage("account", accounts(`<attribute name="nme"/>`)), "0x80041103");
    expect((await seller.retrieveMultipleRecords(E.logicalName, `?fetchXml=${EXCEPTIONS}`)).entities).toHaveLength(1);
  });
});

describe("OData query options", () => {
  const emulator = newEmulator();
  const odata = (options: string) => emulator.retrieveMultipleRecords("account", options);

  test("malformed or unsupported options are 400 with the service's words", async () => {
    await refused(odata("?$filter=name eqq 'x'"), "0x80060888", "Syntax error at position 5 in 'name eqq 'x''.");
    await refused(odata("?$filter=contains(name,'x'"), "0x80060888", "Syntax error at position 17 in");
    await refused(odata("?$filter=substringof('x',name)"), "0x80060888", "Syntax error at position 0");
    await refused(odata("?$foo=1"), "0x80060888", "The query parameter $foo is not supported");
    await refused(odata("?$skip=10"), "0x80060888", "The query parameter $skip is not supported");
    await refused(odata("?$Select=name"), "0x80060888", "The query parameter $Select is not supported");
    await refused(
      odata("?$top=abc"),
      "0x80060888",
      "Invalid value 'abc' for $top query option found. The $top query option requires a non-negative integer value.",
    );
    await refused(odata("?$top=1&$top=2"), "0x80060888", "Query option '$top' was specified more than once");
    await refused(odata("?$select="), "0x80060888", "The value for OData query '$select' cannot be empty.");
    await refused(odata("?$select=name,a b"), "0x80060888", "Term 'a b' is not valid");
    await refused(odata("?$orderby=name upward"), "0x80060888", "Syntax error at position 0 in 'name upward'.");
    await refused(odata("?$count=yes"), "0x80060888", "'yes' is not a valid count option.");
    await refused(odata("?$filter=name%ZZ"), "0x80060888", "not correctly percent-encoded");
  });

  test("well-formed options the emulator does not evaluate are 501, never a plain Error", async () => {
    for (const options of [
      "?$select=name,accountnumber&$filter=contains(name,'Con') and statecode eq 0&$orderby=name desc&$top=5",
      "?$filter=Microsoft.Dynamics.CRM.Under(PropertyName='accountid',PropertyValue=@p1)&@p1='a1000000-0000-4000-8000-000000000001'",
      "?$filter=_parentaccountid_value eq a0dbf27c-8efb-e511-80d2-00155db07c77 or (createdon ge 2026-01-01T00:00:00Z and not isdisabled)",
      "?$filter=Account_Tasks/any(o:o/subject eq 'O''Bryan')&$count=true",
      undefined,
    ]) {
      const error = await odata(options as string).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmulatorError);
      expect(error).toMatchObject({ status: 501 });
    }
  });
});

describe("Fetch.xsd (the asynchronous check)", () => {
  test("the schemas are there: these tests validate, they do not skip", () => {
    expect(fetchXsdAvailable()).toBe(true);
  });

  test("an emulator given checkQuery refuses what only the schema knows, and records the request as before", async () => {
    const emulator = newEmulator({ checkQuery: fetchXsdCheck() });
    const unknownAttribute = accounts(`<attribute name="name" colour="red"/>`);
    await refused(
      query(emulator, "account", unknownAttribute),
      "0x8004111c",
      "Fetch.xsd: Element 'attribute', attribute 'colour': The attribute 'colour' is not allowed.",
    );
    await refused(emulator.fetchXmlPage("account", unknownAttribute), "0x8004111c", "'colour'");
    expect(emulator.requests.at(-1)).toMatchObject({ operation: "retrieveMultipleRecords", entity: "account" });
    expect(emulator.requests).toHaveLength(2);
    // Without the schema the emulator's own check lets it through: only the schema refuses it.
    expect((await query(newEmulator(), "account", unknownAttribute)).entities).toHaveLength(1);
  });

  test("the project's own queries pass both checks", async () => {
    const emulator = demoEmulator({ checkQuery: fetchXsdCheck() });
    const now = Date.parse("2026-11-24T12:00:00Z");
    const outcome = await readDataverse(emulator, DEMO.fabrikamEurope, { now });
    expect(outcome).toMatchObject({ ok: true });
    await readHistory(emulator, DEMO.contoso);
    expect(await readConfigValues(emulator)).toMatchObject({ ok: true });
    const check = fetchXsdCheck();
    for (const q of [buildFetchXml(DEMO.contoso, 2, 500), ...emulator.requests.map((r) => r.options ?? "")])
      await check(q.replace(/^\?fetchXml=/, ""));
    expect(emulator.requests.length).toBeGreaterThanOrEqual(5);
  });
});

describe("over HTTP", () => {
  const TOKEN = "system-token";
  let server: WebApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function get(path: string, checkQuery?: false) {
    server = await startWebApiServer({ emulator: newEmulator(), token: TOKEN, checkQuery });
    const response = await fetch(`${server.url}/api/data/v9.2/${path}`, {
      headers: { Authorization: `Bearer ${TOKEN}`, Prefer: 'odata.include-annotations="*"' },
    });
    await server.close();
    server = undefined;
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      odataVersion: response.headers.get("odata-version"),
      body: (await response.json()) as { error?: { code: string; message: string }; value?: unknown[] },
    };
  }
  const fetchXmlGet = (set: string, fetchXml: string) => `${set}?fetchXml=${encodeURIComponent(fetchXml)}`;

  test("the corrupted query is 400 with an OData error body", async () => {
    const answer = await get(fetchXmlGet(E.entitySet, CORRUPTED));
    expect(answer).toMatchObject({
      status: 400,
      contentType: "application/json; odata.metadata=minimal",
      odataVersion: "4.0",
      body: { error: { code: "0x80040201", message: expect.stringContaining("Invalid XML.") } },
    });
    expect((await get(fetchXmlGet(E.entitySet, EXCEPTIONS))).status).toBe(200);
  });

  test("every FetchXML query is validated against Fetch.xsd: what only the schema refuses is 400", async () => {
    const unknownAttribute = await get(
      fetchXmlGet(Account.entitySet, accounts(`<attribute name="name" colour="red"/>`)),
    );
    expect(unknownAttribute).toMatchObject({
      status: 400,
      body: {
        error: { code: "0x8004111c", message: expect.stringContaining("The attribute 'colour' is not allowed.") },
      },
    });
    const missingName = await get(fetchXmlGet(Account.entitySet, accounts(`<attribute/>`)));
    expect(missingName).toMatchObject({
      status: 400,
      body: {
        error: {
          code: "0x8004111e",
          message: expect.stringContaining(
            "Fetch.xsd: Element 'attribute': The attribute 'name' is required but missing.",
          ),
        },
      },
    });
    const unknownElement = await get(fetchXmlGet(Account.entitySet, accounts(`<colum name="name"/>`)));
    expect(unknownElement.body.error?.message).toContain("Fetch.xsd: Element 'colum': This element is not expected.");
    // The same query without the schema check: the emulator alone answers it.
    expect(
      await get(fetchXmlGet(Account.entitySet, accounts(`<attribute name="name" colour="red"/>`)), false),
    ).toMatchObject({
      status: 200,
      body: { value: [expect.objectContaining({ name: "Contoso" })] },
    });
    const valid = await get(
      fetchXmlGet(Account.entitySet, accounts(`<attribute name="name"/><order attribute="name"/>`)),
    );
    expect(valid).toMatchObject({ status: 200, body: { value: [expect.objectContaining({ name: "Contoso" })] } });
  });

  test("query options: malformed 400 as JSON, well-formed but not FetchXML 501", async () => {
    expect(await get(`${Account.entitySet}?$top=abc`)).toMatchObject({
      status: 400,
      contentType: "application/json; odata.metadata=minimal",
      odataVersion: "4.0",
      body: { error: { code: "0x80060888", message: expect.stringContaining("Invalid value 'abc' for $top") } },
    });
    expect(await get(`${Account.entitySet}?$filter=${encodeURIComponent("name eqq 'x'")}`)).toMatchObject({
      status: 400,
      body: { error: { message: "Syntax error at position 5 in 'name eqq 'x''." } },
    });
    expect((await get(`${Account.entitySet}?$foo=1`)).status).toBe(400);
    expect((await get(`${Account.entitySet}?$select=name`)).status).toBe(501);
  });
});

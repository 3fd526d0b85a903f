/**
 * Reads issued together, sent as one `$batch` (src/sources/webApiBatch.ts), against the emulator's
 * HTTP server on 127.0.0.1 with the real fetch (the browser's same-origin session is a bearer
 * token here) and in process (the playground's and the command-bar tests' transport): one request
 * on the wire, each read answered as it is on its own, a refused read failing alone, a batch that
 * fails as a whole failing every read in it.
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { WebApiServer, startWebApiServer } from "../../src/emulator/webApiServer";
import { inProcessBatch } from "../../src/emulator/webApiRoutes";
import { MAX_BATCH_GET_URL } from "../../src/emulator/batchRequest";
import { Account, Contact } from "../../src/schema";
import { toFailure } from "../../src/sources/failures";
import { WebApiHost } from "../../src/sources/webApi";
import { BatchPartError, BatchTransport, batchedReads, sameOriginBatch } from "../../src/sources/webApiBatch";
import { account, guid, lookup, org, partnerOfRecord } from "../helpers/reachOrg";

const A = guid("c0000000", 1);
const B = guid("c0000000", 2);
const C = guid("c5000000", 1);

function small(): DataverseEmulator {
  const e = org();
  account(e, A, "Alpha");
  account(e, B, "Beta", A);
  partnerOfRecord(e, guid("d0000000", 1), A);
  e.insert(Contact.logicalName, { [Contact.id]: C, [Contact.name]: "Casey", [Contact.company]: lookup("account", B) });
  return e;
}

const accountsXml = `<fetch><entity name="account"><attribute name="accountid"/><attribute name="name"/><attribute name="parentaccountid"/><order attribute="name"/></entity></fetch>`;
const contactXml = `<fetch><entity name="contact"><attribute name="contactid"/><attribute name="parentcustomerid"/><filter><condition attribute="contactid" operator="eq" value="${C}"/></filter></entity></fetch>`;
/** A column the table does not have: Dataverse refuses the query (400). */
const badXml = `<fetch><entity name="account"><attribute name="nosuchcolumn"/></entity></fetch>`;

/** A base host that counts what goes through it (single reads, writes). */
function counting(inner: WebApiHost) {
  const calls: string[] = [];
  const host: WebApiHost = {
    retrieveMultipleRecords: (entity, options, size) => (
      calls.push(entity),
      inner.retrieveMultipleRecords(entity, options, size)
    ),
    createRecord: (entity, data) => (calls.push(`create ${entity}`), inner.createRecord(entity, data)),
    updateRecord: (entity, id, data) => inner.updateRecord(entity, id, data),
  };
  return { host, calls };
}

describe("over HTTP (the platform's same-origin POST, the real fetch)", () => {
  let e: DataverseEmulator;
  let server: WebApiServer;
  let fail: number | undefined;
  beforeEach(async () => {
    e = small();
    fail = undefined;
    server = await startWebApiServer({
      emulator: e,
      token: "system",
      users: { seller: PERSONAS.seller },
      fault: (request) =>
        fail && request.entitySet === "$batch"
          ? { status: fail, body: { error: { code: "", message: "busy" } } }
          : undefined,
    });
  });
  afterEach(() => server.close());

  const transport = (): BatchTransport =>
    sameOriginBatch(server.url + "/", (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), Authorization: "Bearer seller" },
      }),
    );

  it("sends reads issued together as one $batch; each gets what it gets on its own, annotations included", async () => {
    const seller = e.as(PERSONAS.seller);
    const base = counting(seller);
    const batched = batchedReads(base.host, transport());
    const [accounts, contact] = await Promise.all([
      batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${accountsXml}`),
      batched.retrieveMultipleRecords(Contact.logicalName, `?fetchXml=${contactXml}`),
    ]);
    expect(server.requests.map((r) => `${r.method} ${r.entitySet}`)).toEqual(["POST $batch"]);
    expect(base.calls).toEqual([]);
    const alone = await seller.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${accountsXml}`);
    expect(accounts.entities.map(({ "@odata.etag": _, ...row }) => row)).toEqual(alone.entities);
    expect(accounts.entities[1]["_parentaccountid_value@OData.Community.Display.V1.FormattedValue"]).toBe("Alpha");
    expect(contact.entities).toHaveLength(1);
    expect(contact.entities[0]["_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"]).toBe("account");
    // The wire: CRLF lines, one application/http GET part per read, the FetchXML URL-encoded.
    const body = String(server.requests[0].body);
    expect(
      body
        .split("\r\n")
        .filter((l) => l.startsWith("GET "))
        .map((l) => l.split("?")[0]),
    ).toEqual(["GET /api/data/v9.2/accounts", "GET /api/data/v9.2/contacts"]);
    expect(body).toContain(`fetchXml=${encodeURIComponent(accountsXml)} HTTP/1.1`);
  });

  it("a read the service refuses fails alone, with its status; the others are answered", async () => {
    const batched = batchedReads(e.as(PERSONAS.seller), transport());
    const [good, bad, other] = await Promise.allSettled([
      batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${accountsXml}`),
      batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${badXml}`),
      batched.retrieveMultipleRecords(Contact.logicalName, `?fetchXml=${contactXml}`),
    ]);
    expect(server.requests).toHaveLength(1);
    expect(good.status).toBe("fulfilled");
    expect(other.status).toBe("fulfilled");
    expect(bad).toMatchObject({ status: "rejected", reason: { status: 400 } });
    expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(BatchPartError);
  });

  it("a batch refused as a whole fails every read in it, each as that status", async () => {
    fail = 503;
    const batched = batchedReads(e.as(PERSONAS.seller), transport());
    const results = await Promise.allSettled([
      batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${accountsXml}`),
      batched.retrieveMultipleRecords(Contact.logicalName, `?fetchXml=${contactXml}`),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    for (const r of results) expect(toFailure((r as PromiseRejectedResult).reason).kind).toBe("server");
  });

  it("answers a GET inside the batch up to 64 KB of URL, and refuses that one read past it", async () => {
    const pad = (n: number) =>
      `<fetch><entity name="account"><attribute name="name"/><filter><condition attribute="name" operator="ne" value="${"x".repeat(n)}"/></filter></entity></fetch>`;
    const batched = batchedReads(e.as(PERSONAS.seller), transport());
    const [long, tooLong] = await Promise.allSettled([
      batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${pad(40_000)}`),
      batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${pad(MAX_BATCH_GET_URL)}`),
    ]);
    expect(long.status).toBe("fulfilled");
    expect(tooLong).toMatchObject({ status: "rejected", reason: { status: 414 } });
  });
});

describe("in process (the playground's org, the command-bar tests)", () => {
  it("one read alone goes as itself; writes and non-FetchXML reads are not batched", async () => {
    const e = small();
    const seller = e.as(PERSONAS.seller);
    const base = counting(seller);
    let posts = 0;
    const inner = inProcessBatch(seller);
    const batched = batchedReads(base.host, (body, headers) => (posts++, inner(body, headers)));
    await batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${accountsXml}`);
    expect([posts, base.calls]).toEqual([0, ["account"]]);
    await Promise.all([
      batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${accountsXml}`),
      batched.retrieveMultipleRecords(Contact.logicalName, `?fetchXml=${contactXml}`),
    ]);
    expect([posts, base.calls]).toEqual([1, ["account"]]);
  });

  it("records the batch as one request with one latency, the reads inside it marked", async () => {
    const e = small();
    const seller = e.as(PERSONAS.seller);
    const before = e.requests.length;
    const batched = batchedReads(seller, inProcessBatch(seller));
    await Promise.all([
      batched.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${accountsXml}`),
      batched.retrieveMultipleRecords(Contact.logicalName, `?fetchXml=${contactXml}`),
    ]);
    const recorded = e.requests.slice(before);
    expect(recorded.map((r) => [r.operation, r.entity, !!r.inBatch])).toEqual([
      ["batch", "$batch", false],
      ["retrieveMultipleRecords", "account", true],
      ["retrieveMultipleRecords", "contact", true],
    ]);
    expect(recorded.every((r) => r.userId === PERSONAS.seller.id)).toBe(true);
  });
});

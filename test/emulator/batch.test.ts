/**
 * `$batch` on the wire: the emulator's server reads the request bodies of the Dataverse docs and
 * answers as the docs show; the Node client reads the docs' response bodies and writes change sets
 * the server runs atomically. Bodies are the docs' own (powerapps-docs
 * `webapi/execute-batch-operations-using-web-api.md`, commit 07bda7ad), with the CRLF line endings
 * they have on the wire.
 *
 * @jest-environment node
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { TABLES } from "../../src/emulator/fromFeed";
import { WebApiServer, startWebApiServer } from "../../src/emulator/webApiServer";
import { PERSONAS } from "../../src/emulator/personas";
import { HttpWebApi, readBatchResponse } from "../../src/sources/node/httpWebApi";
import { boundaryOf, parseHttpMessage, splitMultipart, statusOf } from "../../src/sources/multipart";
import { Account, StoredOutreachCodes, StoredVerdict } from "../../src/schema";

const TOKEN = "batch-token";
const SELLER_TOKEN = "seller-token";
const crlf = (text: string) => text.replace(/\r?\n/g, "\r\n");
const A1 = "00000000-0000-0000-0000-000000000001";
const A2 = "00000000-0000-0000-0000-000000000002";
const MISSING = "00000000-0000-0000-0000-00000000dead";

let emulator: DataverseEmulator;
let server: WebApiServer;
beforeEach(async () => {
  emulator = new DataverseEmulator(TABLES);
  emulator.insert(Account.logicalName, { [Account.id]: A1, [Account.name]: "Alpha" });
  emulator.insert(Account.logicalName, { [Account.id]: A2, [Account.name]: "Beta" });
  server = await startWebApiServer({
    emulator,
    token: TOKEN,
    users: { [SELLER_TOKEN]: PERSONAS.seller },
    checkQuery: false,
  });
});
afterEach(() => server.close());

function post(body: string, boundary: string, headers: Record<string, string> = {}, token = TOKEN) {
  return fetch(`${server.url}/api/data/v9.2/$batch`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "OData-Version": "4.0",
      Accept: "application/json",
      "Content-Type": `multipart/mixed; boundary="${boundary}"`,
      ...headers,
    },
    body,
  });
}

async function partsOf(response: Response) {
  const boundary = boundaryOf(response.headers.get("content-type") ?? undefined);
  expect(boundary).toMatch(/^batchresponse_/);
  return splitMultipart(await response.text(), boundary as string);
}

// The docs' change-set example, its closing GET replaced by a FetchXML query the emulator answers.
const DOCS_CHANGE_SET = crlf(`--batch_22975cad-7f57-410d-be15-6363209367ea
Content-Type: multipart/mixed; boundary="changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a"

--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "Task 1 in batch",
  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"
}
--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 2

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "Task 2 in batch",
  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"
}
--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 3

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "Task 3 in batch",
  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"
}
--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a--

--batch_22975cad-7f57-410d-be15-6363209367ea
Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/data/v9.2/tasks?fetchXml=%3Cfetch%3E%3Centity%20name%3D%22task%22%3E%3Cattribute%20name%3D%22subject%22%2F%3E%3C%2Fentity%3E%3C%2Ffetch%3E HTTP/1.1


--batch_22975cad-7f57-410d-be15-6363209367ea--
`);

describe("the emulator's $batch reads the docs' request bodies", () => {
  it("runs the docs' change set and the GET after it, answering as the docs show", async () => {
    const response = await post(DOCS_CHANGE_SET, "batch_22975cad-7f57-410d-be15-6363209367ea");
    expect(response.status).toBe(200);
    const [changeSet, get] = await partsOf(response);
    const inner = boundaryOf(changeSet.headers.get("content-type"));
    expect(inner).toMatch(/^changesetresponse_/);
    const answers = splitMultipart(changeSet.body, inner as string);
    expect(answers.map((p) => p.headers.get("content-id"))).toEqual(["1", "2", "3"]);
    for (const a of answers) {
      const message = parseHttpMessage(a.body);
      expect(statusOf(message)).toBe(204);
      expect(message.headers.get("odata-entityid")).toMatch(/\/api\/data\/v9\.2\/tasks\([0-9a-f-]{36}\)$/);
    }
    const read = parseHttpMessage(get.body);
    expect(statusOf(read)).toBe(200);
    expect((JSON.parse(read.body) as { value: { subject: string }[] }).value.map((t) => t.subject)).toEqual([
      "Task 1 in batch",
      "Task 2 in batch",
      "Task 3 in batch",
    ]);
    expect(server.requests).toHaveLength(1); // one request for service protection
  });

  it("rolls back a change set whose second request fails, and answers it with that one failure", async () => {
    const body = changeSetBody([
      { id: A1, body: { [StoredVerdict.outreach]: StoredOutreachCodes.blocked } },
      { id: MISSING, body: { [StoredVerdict.outreach]: StoredOutreachCodes.blocked } },
    ]);
    const response = await post(body, "batch_x", { Prefer: "odata.continue-on-error" });
    expect(response.status).toBe(200);
    const [only] = await partsOf(response);
    expect(only.headers.get("content-type")).toBe("application/http");
    const failure = parseHttpMessage(only.body);
    expect(statusOf(failure)).toBe(404);
    expect(failure.headers.get("req_id")).toBeTruthy();
    expect(JSON.parse(failure.body)).toEqual({
      error: { code: "0x80040217", message: `account With Id = ${MISSING} Does Not Exist` },
    });
    const alpha = emulator.table(Account.logicalName).find((r) => r[Account.id] === A1);
    expect(alpha?.[StoredVerdict.outreach]).toBeUndefined();
  });

  it("without odata.continue-on-error, the first failure is the batch's status and its only part; what ran before stays", async () => {
    const body = batchOf([
      changeSet("cs1", [patch(A1, { [StoredVerdict.outreach]: StoredOutreachCodes.allowed }, 1)]),
      changeSet("cs2", [patch(MISSING, { [StoredVerdict.outreach]: StoredOutreachCodes.allowed }, 1)]),
      changeSet("cs3", [patch(A2, { [StoredVerdict.outreach]: StoredOutreachCodes.allowed }, 1)]),
    ]);
    const response = await post(body, "batch_x");
    expect(response.status).toBe(404);
    const parts = await partsOf(response);
    expect(parts).toHaveLength(1);
    expect(statusOf(parseHttpMessage(parts[0].body))).toBe(404);
    const stored = (id: string) =>
      emulator.table(Account.logicalName).find((r) => r[Account.id] === id)?.[StoredVerdict.outreach];
    expect([stored(A1), stored(A2)]).toEqual([StoredOutreachCodes.allowed, undefined]);
  });

  it("refuses what Dataverse refuses: no final CRLF, over 1000 requests, a GET or a request without Content-ID in a change set", async () => {
    const noCrlf = await post(DOCS_CHANGE_SET.replace(/\r\n$/, ""), "batch_22975cad-7f57-410d-be15-6363209367ea");
    expect(noCrlf.status).toBe(400);
    expect(await noCrlf.json()).toEqual({ error: { code: "0x80048d19", message: "Stream was not readable." } });

    const many = Array.from({ length: 1001 }, (_, i) =>
      changeSet(`c${i}`, [patch(A1, { [StoredVerdict.outreach]: StoredOutreachCodes.allowed }, 1)]),
    );
    const tooMany = await post(batchOf(many), "batch_x", { Prefer: "odata.continue-on-error" });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(/'1000'/);

    const get = crlf(`--batch_x
Content-Type: multipart/mixed; boundary=cs

--cs
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

GET /api/data/v9.2/accounts(${A1}) HTTP/1.1


--cs--
--batch_x--
`);
    const refusedGet = await post(get, "batch_x", { Prefer: "odata.continue-on-error" });
    expect(statusOf(parseHttpMessage((await partsOf(refusedGet))[0].body))).toBe(400);

    const noId = changeSetBody([{ id: A1, body: {} }]).replace(/Content-ID: 1\r\n/, "");
    const refusedNoId = await post(noId, "batch_x", { Prefer: "odata.continue-on-error" });
    const part = parseHttpMessage((await partsOf(refusedNoId))[0].body);
    expect(statusOf(part)).toBe(400);
    expect(part.body).toMatch(/Content-ID/);
  });

  it("runs each request as the signed-in persona: a seller's write of a secured column is refused inside the batch", async () => {
    const body = changeSetBody([{ id: A1, body: { [StoredVerdict.outreach]: StoredOutreachCodes.allowed } }]);
    const response = await post(body, "batch_x", { Prefer: "odata.continue-on-error" }, SELLER_TOKEN);
    expect(response.status).toBe(200);
    const failure = parseHttpMessage((await partsOf(response))[0].body);
    expect(statusOf(failure)).toBe(403);
  });
});

describe("the Node client's $batch", () => {
  // The docs' continue-on-error response, verbatim.
  const DOCS_RESPONSE = crlf(`--batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 400 Bad Request
REQ_ID: de4c5227-4a28-4ebd-8ced-3392ece1697b
Content-Type: application/json; odata.metadata=minimal
OData-Version: 4.0

{"error":{"code":"0x80044331","message":"A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."}}
--batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(aed2ae8b-3c94-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(aed2ae8b-3c94-ed11-aad1-000d3a9933c9)


--batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(b181a991-3c94-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(b181a991-3c94-ed11-aad1-000d3a9933c9)


--batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139--
`);
  // The docs' change-set response (three creates in one change set, then a GET), verbatim.
  const DOCS_CHANGE_SET_RESPONSE = crlf(`--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f
Content-Type: multipart/mixed; boundary=changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15

--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)


--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 2

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(e83ffc82-e292-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(e83ffc82-e292-ed11-aad1-000d3a9933c9)


--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15--
--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 200 OK
Content-Type: application/json; odata.metadata=minimal; odata.streaming=true
OData-Version: 4.0

{"value": []}
--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f--
`);

  it("reads the docs' responses: a failure inline, successes, a change set's nested response", () => {
    const [failed, ok1, ok2] = readBatchResponse(
      "multipart/mixed; boundary=batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139",
      DOCS_RESPONSE,
      3,
    );
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.error.status).toBe(400);
      expect(failed.error.code).toBe("0x80044331");
      expect(failed.error.message).toMatch(/maximum allowed length of '200'/);
    }
    expect([ok1.ok, ok2.ok]).toEqual([true, true]);
    expect(
      readBatchResponse(
        "multipart/mixed; boundary=batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f",
        DOCS_CHANGE_SET_RESPONSE,
        2,
      ).map((r) => r.ok),
    ).toEqual([true, true]);
    // A response that does not hold one part per change set is not read as one.
    expect(() =>
      readBatchResponse(
        "multipart/mixed; boundary=batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139",
        DOCS_RESPONSE,
        2,
      ),
    ).toThrow(/3 parts to a \$batch of 2/);
  });

  it("writes change sets the server runs atomically, one result per change set, in order", async () => {
    const api = new HttpWebApi({ envUrl: server.url, getToken: async () => TOKEN });
    const results = await api.executeBatch([
      [
        {
          method: "PATCH",
          path: `accounts(${A1})`,
          body: { [StoredVerdict.outreach]: StoredOutreachCodes.blocked },
          headers: { "If-Match": "*" },
        },
      ],
      [
        {
          method: "PATCH",
          path: `accounts(${A2})`,
          body: { [StoredVerdict.outreach]: StoredOutreachCodes.blocked },
          headers: { "If-Match": "*" },
        },
        { method: "PATCH", path: `accounts(${MISSING})`, body: {}, headers: { "If-Match": "*" } },
      ],
      [
        {
          method: "PATCH",
          path: `accounts(${A2})`,
          body: { [StoredVerdict.protectedUntil]: "2026-12-31T00:00:00Z" },
          headers: { "If-Match": "*" },
        },
      ],
    ]);
    expect(results.map((r) => (r.ok ? "ok" : `${r.error.status} ${r.error.message}`))).toEqual([
      "ok",
      `404 HTTP 404: account With Id = ${MISSING} Does Not Exist`,
      "400 HTTP 400: Cannot convert the literal '2026-12-31T00:00:00Z' to the expected type 'Edm.Date'.",
    ]);
    const stored = (id: string) =>
      emulator.table(Account.logicalName).find((r) => r[Account.id] === id)?.[StoredVerdict.outreach];
    expect([stored(A1), stored(A2)]).toEqual([StoredOutreachCodes.blocked, undefined]);
    expect(api.stats.requests).toBe(1);
    await expect(
      api.executeBatch(
        Array.from({ length: 1001 }, () => [{ method: "PATCH" as const, path: `accounts(${A1})`, body: {} }]),
      ),
    ).rejects.toThrow(/at most 1000/);
  });
});

// ---- bodies ----

const patch = (id: string, body: Record<string, unknown>, contentId: number) =>
  crlf(`Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: ${contentId}

PATCH /api/data/v9.2/accounts(${id}) HTTP/1.1
Content-Type: application/json; type=entry
If-Match: *

${JSON.stringify(body)}`);

const changeSet = (boundary: string, requests: string[]) =>
  crlf(`Content-Type: multipart/mixed; boundary=${boundary}

`) +
  requests.map((r) => `--${boundary}\r\n${r}\r\n`).join("") +
  `--${boundary}--`;

const batchOf = (parts: string[]) => parts.map((p) => `--batch_x\r\n${p}\r\n`).join("") + "--batch_x--\r\n";

function changeSetBody(requests: { id: string; body: Record<string, unknown> }[]): string {
  return batchOf([
    changeSet(
      "changeset_1",
      requests.map((r, i) => patch(r.id, r.body, i + 1)),
    ),
  ]);
}

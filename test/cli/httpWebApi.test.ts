/** The Node Web API host over real HTTP: the control's source unchanged, paging, 429, 5xx, auth. */
import { HttpError, HttpWebApi, keyLiteral, retryAfterMs } from "../../src/sources/node/httpWebApi";
import { readDataverse } from "../../src/sources/dataverseSource";
import { toFailure } from "../../src/sources/failures";
import { authConfig } from "../../src/sources/node/auth";
import { WebApiServer } from "../../src/emulator/webApiServer";
import { Association } from "../../src/schema";
import { DEMO } from "../helpers/demo";
import { createServer } from "http";
import { AddressInfo } from "net";
import { TOKEN, demoDataverse, demoServer } from "./helpers/cli";

let server: WebApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ACCOUNT_QUERY = `<fetch><entity name="account"><attribute name="name"/></entity></fetch>`;

const host = (url: string, extra: Partial<ConstructorParameters<typeof HttpWebApi>[0]> = {}) =>
  new HttpWebApi({ envUrl: url, getToken: async () => TOKEN, sleep: async () => undefined, ...extra });

describe("HttpWebApi", () => {
  test("a read whose connection is reset is sent again; a write is not", async () => {
    // A server that drops the first connection without an answer, like an idle keep-alive socket closed under us.
    let connections = 0;
    const raw = createServer((req, res) => {
      if (connections++ === 0) return void req.socket.destroy();
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ value: [{ name: "ok" }] }));
    });
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    try {
      const api = host(url);
      expect((await api.fetchXmlPage("account", "<fetch/>")).entities).toEqual([{ name: "ok" }]);
      expect(api.stats.errorRetries).toBe(1);
      connections = 0;
      await expect(api.createRecord("account", { name: "x" })).rejects.toThrow();
      expect(connections).toBe(1);
    } finally {
      raw.closeAllConnections();
      await new Promise((r) => raw.close(r));
    }
  });

  test("readDataverse runs unchanged over HTTP and reads what it reads in the emulator", async () => {
    server = await demoServer();
    const overHttp = await readDataverse(host(server.url), DEMO.fabrikamEurope);
    const direct = await readDataverse(demoDataverse(), DEMO.fabrikamEurope);
    expect(overHttp).toEqual(direct);
    expect(overHttp.ok && overHttp.associations[0].partnerName).toBe("Northwind Partners");
    const [request] = server.requests;
    expect(request.resource.startsWith("accounts?fetchXml=")).toBe(true);
    expect(request.fetchXml).toContain('operator="eq-or-above"');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers.prefer).toContain("odata.include-annotations");
    expect(request.headers["odata-version"]).toBe("4.0");
  });

  test("FetchXML pages are followed on @Microsoft.Dynamics.CRM.morerecords", async () => {
    server = await demoServer();
    const api = host(server.url);
    const fetch = (page: number) =>
      `<fetch count="3" page="${page}"><entity name="${Association.logicalName}"><attribute name="${Association.id}"/><order attribute="${Association.id}"/></entity></fetch>`;
    const first = await api.fetchXmlPage(Association.logicalName, fetch(1));
    expect(first).toMatchObject({ moreRecords: true });
    expect(first.entities).toHaveLength(3);
    const total = demoDataverse().table(Association.logicalName).length;
    const last = await api.fetchXmlPage(Association.logicalName, fetch(Math.ceil(total / 3)));
    expect(last.moreRecords).toBe(false);
    expect(last.entities.length).toBe(total - 3 * (Math.ceil(total / 3) - 1));
  });

  test("a 429 is retried after Retry-After, a bounded number of times", async () => {
    const waits: number[] = [];
    server = await demoServer({
      fault: (_r, i) =>
        i < 2
          ? {
              status: 429,
              headers: { "Retry-After": "7" },
              body: {
                error: {
                  code: "0x80072322",
                  message: "Number of requests exceeded the limit of 6000 over time window of 300 seconds.",
                },
              },
            }
          : undefined,
    });
    const api = host(server.url, { sleep: async (ms) => void waits.push(ms) });
    // One request of the HTTP layer (readDataverse issues several since the form load reads four queries).
    const page = await api.fetchXmlPage("account", ACCOUNT_QUERY);
    expect(page.entities.length).toBeGreaterThan(0);
    expect(waits).toEqual([7000, 7000]);
    expect(api.stats).toMatchObject({ requests: 3, retries: 2, throttledWaitMs: 14000 });

    await server.close();
    server = await demoServer({ fault: () => ({ status: 429, headers: { "Retry-After": "1" } }) });
    const stubborn = host(server.url, { maxRetries: 3 });
    const failed = await stubborn.fetchXmlPage("account", ACCOUNT_QUERY).catch((e: unknown) => toFailure(e));
    expect("kind" in failed ? failed.kind : undefined).toBe("throttled");
    expect(server.requests).toHaveLength(4);
  });

  test("the local server takes URLs past Node's 16 KB header limit up to 32,768 characters, and answers 414 beyond", async () => {
    server = await demoServer();
    const api = host(server.url);
    const values = (n: number) =>
      Array.from({ length: n }, (_, i) => `<value>${String(i).padStart(36, "0")}</value>`).join("");
    const query = (n: number) =>
      `<fetch><entity name="account"><attribute name="name"/><filter><condition attribute="accountid" operator="in">${values(n)}</condition></filter></entity></fetch>`;
    const url = (n: number) => `${server?.url}/api/data/v9.2/accounts?fetchXml=${encodeURIComponent(query(n))}`.length;
    expect(url(400)).toBeGreaterThan(16 * 1024);
    expect(url(400)).toBeLessThan(32_768);
    expect((await api.fetchXmlPage("account", query(400))).entities).toEqual([]);
    expect(url(700)).toBeGreaterThan(32_768);
    await expect(api.fetchXmlPage("account", query(700))).rejects.toMatchObject({ status: 414 });
  });

  test("a Retry-After beyond the limit is not waited for", async () => {
    server = await demoServer({ fault: () => ({ status: 429, headers: { "Retry-After": "3600" } }) });
    const api = host(server.url, { maxRetryAfterMs: 60_000 });
    const outcome = await readDataverse(api, DEMO.contoso);
    expect(outcome.ok ? undefined : outcome.failure.kind).toBe("throttled");
    expect(server.requests).toHaveLength(1);
  });

  test("a read outlives a 503 (sent again twice, with backoff), a 500 is not repeated; a bad token is unauthorized", async () => {
    const fetchXml = `<fetch><entity name="account"><attribute name="name"/></entity></fetch>`;
    server = await demoServer({
      fault: () => ({ status: 503, body: { error: { code: "", message: "Service Unavailable" } } }),
    });
    const waits: number[] = [];
    const api = host(server.url, { sleep: async (ms) => void waits.push(ms) });
    await expect(api.fetchXmlPage("account", fetchXml)).rejects.toThrow(/HTTP 503: Service Unavailable/);
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([250, 1000]);
    expect(api.stats.errorRetries).toBe(2);
    await server.close();
    let calls = 0;
    server = await demoServer({ fault: () => (calls++ === 0 ? { status: 503 } : undefined) });
    expect((await host(server.url).fetchXmlPage("account", fetchXml)).entities.length).toBeGreaterThan(0);
    await server.close();
    server = await demoServer({
      fault: () => ({ status: 500, body: { error: { code: "", message: "Generic SQL error" } } }),
    });
    const outcome = await readDataverse(host(server.url), DEMO.contoso);
    expect(outcome.ok ? undefined : outcome.failure).toMatchObject({
      kind: "server",
      message: expect.stringContaining("Generic SQL error"),
    });
    expect(server.requests).toHaveLength(1);
    await server.close();
    server = await demoServer();
    const wrong = await readDataverse(host(server.url, { getToken: async () => "stale" }), DEMO.contoso);
    expect(wrong.ok ? undefined : wrong.failure.kind).toBe("unauthorized");
    expect(JSON.stringify(wrong)).not.toContain("stale");
  });

  test("concurrency is bounded, whatever the caller starts", async () => {
    server = await demoServer({ latencyMs: 20 });
    const api = host(server.url, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, () => api.fetchXmlPage("account", ACCOUNT_QUERY)));
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    expect(api.stats.maxInFlight).toBe(3);
    expect(() => host(server!.url, { concurrency: 53 })).toThrow(RangeError);
  });

  test("upsert is a PATCH on the alternate-key URL", async () => {
    server = await demoServer();
    await host(server.url).upsertByKey(
      Association.logicalName,
      { [Association.source]: 100000001, [Association.externalReference]: "O'Neil 1" },
      { [Association.name]: "x" },
    );
    expect(server.requests[0]).toMatchObject({
      method: "PATCH",
      resource: "pg_partnerassociations(pg_source=100000001,pg_externalreference='O''Neil 1')",
    });
    await expect(
      host(server.url).upsertByKey(Association.logicalName, { [Association.name]: "x" }, {}),
    ).rejects.toMatchObject({ status: 400 });
  });

  test("Retry-After forms, key literals, failures", () => {
    expect(retryAfterMs("2", 0)).toBe(2000);
    expect(retryAfterMs(null, 3)).toBe(8000);
    expect(retryAfterMs(new Date(61_000).toUTCString(), 0, 1_000)).toBe(60_000);
    expect(keyLiteral("a'b/c")).toBe("'a''b%2Fc'");
    expect(toFailure(new HttpError(429, "x")).kind).toBe("throttled");
    expect(() => HttpWebApi.entitySet("opportunity")).toThrow(/no entity set/);
  });

  test("auth: a token from the environment, client credentials with a secret, else device code", () => {
    expect(authConfig({}, { PARTNERGUARD_ACCESS_TOKEN: "t" })).toEqual({ kind: "token", token: "t" });
    expect(
      authConfig(
        { tenantId: "contoso.onmicrosoft.com" },
        { PARTNERGUARD_CLIENT_ID: "c", PARTNERGUARD_CLIENT_SECRET: "s" },
      ),
    ).toMatchObject({ kind: "client-credentials", tenantId: "contoso.onmicrosoft.com" });
    expect(authConfig({ clientId: "c", deviceCode: true }, { PARTNERGUARD_CLIENT_SECRET: "s" })).toEqual({
      kind: "device-code",
      clientId: "c",
      tenantId: "organizations",
    });
    expect(authConfig({}, {})).toHaveProperty("error");
    expect(authConfig({ clientId: "c" }, { PARTNERGUARD_CLIENT_SECRET: "s" })).toEqual({
      error: expect.stringContaining("tenant"),
    });
  });
});

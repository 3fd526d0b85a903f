/** The batched reader: chunks cut by URL length, evidence joined to the account queries, faults. */
import { WebApiServer } from "../../src/emulator/webApiServer";
import { HttpWebApi } from "../../src/sources/node/httpWebApi";
import { EvidenceStore, matchAccounts, outcomeFor, walkHierarchy } from "../../src/sources/node/batchSource";
import { DEMO } from "../helpers/demo";
import { TOKEN, demoServer } from "./helpers/cli";

let server: WebApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const api = (url: string) => new HttpWebApi({ envUrl: url, getToken: async () => TOKEN, sleep: async () => undefined });

describe("batchSource", () => {
  test("long names are cut into chunks whose URL stays within 32,768 characters (no 414), short ids fill 500 a query", async () => {
    server = await demoServer();
    const names = Array.from({ length: 500 }, (_, i) =>
      `${"Ä long company name with spaces & ampersands ".repeat(4)}${i}`.toLowerCase(),
    );
    names.push("woodgrove foods");
    const found = await matchAccounts(api(server.url), "name", names, { concurrency: 4 });
    expect(found.failed.size).toBe(0);
    expect(found.byValue.get("woodgrove foods")?.map((a) => a.id)).toEqual([DEMO.woodgrove]);
    const lengths = server.requests.map((r) => `${server?.url}/api/data/v9.2/${encodeURI(r.resource)}`.length);
    expect(server.requests.length).toBeGreaterThan(3);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(32_768);

    await server.close();
    server = await demoServer();
    const ids = Array.from({ length: 1000 }, (_, i) => `f0000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    await matchAccounts(api(server.url), "accountId", ids, {});
    expect(server.requests).toHaveLength(2);
  });

  test("one account query carries associations and exceptions; the parents come one level per request", async () => {
    server = await demoServer();
    const store = new EvidenceStore();
    const host = api(server.url);
    await matchAccounts(host, "accountId", [DEMO.fabrikamEurope], { evidence: { store, at: "2026-11-24T00:00:00Z" } });
    expect(server.requests).toHaveLength(1);
    const [query] = server.requests;
    expect(query.fetchXml).toMatch(/<link-entity name="pg_partnerassociation"[^>]*alias="pa"/);
    expect(query.fetchXml).toMatch(/<link-entity name="pg_outreachexception"[^>]*alias="ex"/);
    await walkHierarchy(host, store, {});
    const outcome = outcomeFor(DEMO.fabrikamEurope, store);
    expect(outcome.ok && outcome.associations.map((a) => [a.partnerName, a.depth])).toEqual([
      ["Northwind Partners", 1],
    ]);
    // Parents carry no exceptions link: a request is the account's own, never inherited.
    expect(server.requests.slice(1).every((r) => !r.fetchXml?.includes("pg_outreachexception"))).toBe(true);
  });

  test("a parent level that keeps failing makes its descendants unverified, not 'no partner'", async () => {
    server = await demoServer({ fault: (r, i) => (i > 0 && r.entitySet === "accounts" ? { status: 503 } : undefined) });
    const store = new EvidenceStore();
    const host = api(server.url);
    await matchAccounts(host, "accountId", [DEMO.fabrikamEurope], { evidence: { store, at: "2026-11-24T00:00:00Z" } });
    await walkHierarchy(host, store, { chunkRetryDelayMs: 0 });
    const outcome = outcomeFor(DEMO.fabrikamEurope, store);
    expect(outcome.ok ? undefined : outcome.failure.kind).toBe("server");
    // 1 match query; then the parent read: 3 sends by the HTTP layer, twice (the chunk's second try).
    expect(server.requests).toHaveLength(7);
  });
});

/** The batched reader: chunks cut by URL length, evidence joined to the account queries, faults. */
import { WebApiServer } from "../../src/emulator/webApiServer";
import { HttpWebApi } from "../../src/sources/node/httpWebApi";
import {
  EvidenceStore,
  FetchXmlPager,
  matchAccounts,
  outcomeFor,
  readExceptions,
  walkHierarchy,
} from "../../src/sources/node/batchSource";
import { EXCEPTION_ROWS } from "../../src/sources/dataverseSource";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { Account, OutreachExceptionTable } from "../../src/schema";
import { DEMO, demoEmulator } from "../helpers/demo";
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

  test("one account query carries the associations (never the exceptions, read apart); the parents come one level per request", async () => {
    server = await demoServer();
    const store = new EvidenceStore();
    const host = api(server.url);
    await matchAccounts(host, "accountId", [DEMO.fabrikamEurope], { evidence: { store, at: "2026-11-24T00:00:00Z" } });
    expect(server.requests).toHaveLength(1);
    const [query] = server.requests;
    expect(query.fetchXml).toMatch(/<link-entity name="pg_partnerassociation"[^>]*alias="pa"/);
    expect(query.fetchXml).not.toContain("pg_outreachexception");
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

  describe("one account's data never fails another's (issue 23)", () => {
    const AT = "2026-11-24T12:00:00.000Z";
    /** `n` requests on the account, the newest last. */
    function requests(e: DataverseEmulator, account: string, n: number, prefix: string) {
      for (let i = 0; i < n; i++)
        e.insert(OutreachExceptionTable.logicalName, {
          [OutreachExceptionTable.id]: `${prefix}000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
          [OutreachExceptionTable.account]: { $lookup: Account.logicalName, id: account },
          [OutreachExceptionTable.requestedFor]: account,
          createdby: { $lookup: "systemuser", id: "11111111-1111-4111-8111-111111111111" },
          createdon: new Date(Date.parse(AT) - 86_400_000 + i * 1000).toISOString(),
        });
    }

    test("a flood of requests on one account: its chunk is split, it keeps its newest EXCEPTION_ROWS, the others all theirs", async () => {
      const e = demoEmulator();
      requests(e, DEMO.contoso, 5_001, "fa");
      requests(e, DEMO.woodgrove, 3, "fb");
      const store = new EvidenceStore();
      await readExceptions(e, store, [DEMO.contoso, DEMO.woodgrove, DEMO.tailspin], AT, { chunkRetryDelayMs: 0 });
      expect(store.exceptions.get(DEMO.contoso)).toEqual({ exceptions: expect.any(Array) });
      expect(store.exceptions.get(DEMO.contoso)?.exceptions).toHaveLength(EXCEPTION_ROWS);
      expect(store.exceptions.get(DEMO.contoso)?.exceptions[0].id).toBe("fa000000-0000-4000-8000-000000005000");
      expect(store.exceptions.get(DEMO.woodgrove)?.exceptions).toHaveLength(3);
      expect(store.exceptions.get(DEMO.tailspin)).toEqual({ exceptions: [] });
      // The chunk's one page said "more"; its halves were read, then the flooded account alone, bounded.
      const counts = e.requests
        .filter((r) => r.entity === OutreachExceptionTable.logicalName)
        .map((r) => /count="(\d+)"/.exec(r.options ?? "")?.[1]);
      expect(counts[0]).toBe("5000");
      expect(counts).toContain(String(EXCEPTION_ROWS));
    });

    test("a query past the row limit is a too-many-rows failure, not a network error; split down to the one value that fails", async () => {
      const calls: string[] = [];
      const pager: FetchXmlPager = {
        async fetchXmlPage(_entity, fetchXml) {
          calls.push(fetchXml);
          // Any query naming the heavy account never ends; the others answer at once.
          return { entities: [], moreRecords: fetchXml.includes(DEMO.contoso) };
        },
      };
      const found = await matchAccounts(pager, "accountId", [DEMO.contoso, DEMO.woodgrove, DEMO.tailspin], {
        chunkRetryDelayMs: 0,
      });
      expect(found.failed.get(DEMO.contoso)).toEqual({
        kind: "too-many-rows",
        message: "more than 50000 rows of account for one query",
      });
      expect(found.failed.has(DEMO.woodgrove)).toBe(false);
      expect(found.failed.has(DEMO.tailspin)).toBe(false);
    });

    test("a parent named but not read is said on the child's outcome (with its depth), not taken for no parent", () => {
      const store = new EvidenceStore();
      const child = "c0000000-0000-4000-8000-000000000001";
      const parent = "c0000000-0000-4000-8000-000000000002";
      store.put({ id: child, name: "Child", parentId: parent }, []);
      const outcome = outcomeFor(child, store);
      expect(outcome.ok && outcome.notes).toEqual([{ code: "unreadable-parent", detail: parent, depth: 1 }]);
    });

    test("exceptions that could not be read are said on the outcome; the associations still count", async () => {
      const e = demoEmulator({
        fault: (r) => (r.entity === OutreachExceptionTable.logicalName ? { status: 403, message: "no" } : undefined),
      });
      const store = new EvidenceStore();
      await matchAccounts(e, "accountId", [DEMO.contoso], { evidence: { store, at: AT } });
      await readExceptions(e, store, [DEMO.contoso], AT, { chunkRetryDelayMs: 0 });
      const outcome = outcomeFor(DEMO.contoso, store);
      expect(outcome).toMatchObject({ ok: true, exceptionsFailure: { kind: "forbidden" } });
      expect(outcome.ok && outcome.associations.length).toBeGreaterThan(0);
    });
  });
});

/**
 * Every FetchXML query the shipped code can produce validates against Dataverse's Fetch.xsd: the
 * form's Dataverse source, configuration and history (through `WebApiHost`), the command line's
 * batched reader, sync and Graph import (through `FetchXmlPager`), and the solution's views.
 * Each reader is driven through its public function with a recording fake, down every optional
 * branch: paging (`count`/`page`, first, second and last page the reader asks for), descending
 * order, optional joins and filters, values that need XML escaping, and the largest `in` lists
 * the readers' own sizing lets through.
 */
import { validateFetchXml } from "../helpers/fetchSchema";
import { Desired, readExisting, readStale } from "../../cli/syncPlan";
import { readTenantAccounts } from "../../cli/graphRead";
import { readDataverse } from "../../src/sources/dataverseSource";
import { readConfig } from "../../src/sources/configSource";
import { readHistory } from "../../src/sources/audit";
import { Row, WebApiHost } from "../../src/sources/webApi";
import { condition, inValue } from "../../src/sources/fetchXml";
import {
  EvidenceStore,
  FetchXmlPager,
  MAX_URL_LENGTH,
  MatchColumn,
  matchAccounts,
  readExceptions,
  walkHierarchy,
} from "../../src/sources/node/batchSource";
import { Account, AssociationSourceCodes, AssociationStatusCodes } from "../../src/schema";
import { TABLES } from "../../src/pack/model/tables";
import { renderView } from "../../src/pack/render/view";
import { XmlElement, renderXml } from "../../src/pack/xml";

const ACCOUNT = "0f8fad5b-d9cb-469f-a165-70867728950e";
const NOW = Date.parse("2026-11-24T12:00:00Z");
/** The CLI's `--chunk-size` cap (cli/options.ts: 1-500, default 500). */
const MAX_CHUNK = 500;

/** Values whose XML needs every escape: `&`, `<`, `>`, both quotes, and text beyond ASCII. */
const AWKWARD = [`AT&T <Europe> "Holdings"`, "O'Brien & Søn", "Ünïcødé 株式会社 🚀", "a < b > c", `'"&<>`];

/** The n-th canonical GUID (distinct, lower case). */
const guid = (n: number) => `${n.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;

/** The `page` of a query. */
const pageOf = (q: string) => Number(/ page="(\d+)"/.exec(q)?.[1] ?? 0);

/** The values of a query's `in` condition. */
const inSize = (q: string) => (q.match(/<value>/g) ?? []).length;

/** The domains of a domain query (two `like` conditions each). */
const likeCount = (q: string) => (q.match(/operator="like"/g) ?? []).length / 2;

/** Recorded queries with paging: each query's first page, second page and the last page asked for. */
function firstSecondLast(queries: string[]): string[] {
  const last = Math.max(...queries.map(pageOf));
  return queries.filter((q) => [0, 1, 2, last].includes(pageOf(q)));
}

/**
 * A `WebApiHost` (PCF's `context.webAPI`, `Xrm.WebApi`) that records every FetchXML query and
 * answers `rows` empty rows: a full page (rows = the page size) makes the reader ask for the next.
 */
function recordingHost(rows = 0): WebApiHost & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async retrieveMultipleRecords(_entity: string, options?: string) {
      const prefix = "?fetchXml=";
      if (!options?.startsWith(prefix)) throw new Error(`not a FetchXML read: ${options}`);
      queries.push(options.slice(prefix.length));
      return { entities: Array.from({ length: rows }, (): Row => ({})) };
    },
    createRecord: () => Promise.reject(new Error("readers do not write")),
    updateRecord: () => Promise.reject(new Error("readers do not write")),
  };
}

/** A `FetchXmlPager` (the CLI's HTTP host) that records every query; more records follow until `lastPage`. */
function recordingPager(lastPage = 1): FetchXmlPager & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async fetchXmlPage(_entity: string, fetchXml: string) {
      queries.push(fetchXml);
      return { entities: [], moreRecords: pageOf(fetchXml) < lastPage };
    },
  };
}

// --- The form (PCF control and command-bar script) -------------------------------------------

async function formSource(options: { pageSize?: number; now?: number }, rows = 0, id = ACCOUNT): Promise<string[]> {
  const host = recordingHost(rows);
  await readDataverse(host, id, options);
  await new Promise((resolve) => setImmediate(resolve)); // a query still paging when another gave up
  return host.queries;
}

async function history(accountId: string, top?: number): Promise<string[]> {
  const host = recordingHost();
  await readHistory(host, accountId, top);
  return host.queries;
}

async function config(): Promise<string[]> {
  const host = recordingHost();
  await readConfig(host);
  return host.queries;
}

// --- The command line's batched reader (vet, check) ------------------------------------------

async function match(
  column: MatchColumn,
  values: string[],
  options: { evidence?: boolean; lastPage?: number } = {},
): Promise<string[]> {
  const pager = recordingPager(options.lastPage);
  const evidence = options.evidence ? { store: new EvidenceStore(), at: new Date(NOW).toISOString() } : undefined;
  await matchAccounts(pager, column, values, { evidence, chunkRetryDelayMs: 0 });
  return pager.queries;
}

/** The exception requests and decisions of the accounts a list names (their own queries). */
async function exceptions(accountIds: string[], lastPage = 1): Promise<string[]> {
  const pager = recordingPager(lastPage);
  await readExceptions(pager, new EvidenceStore(), accountIds, new Date(NOW).toISOString(), { chunkRetryDelayMs: 0 });
  return pager.queries;
}

async function hierarchy(parents: string[], lastPage = 1): Promise<string[]> {
  const pager = recordingPager(lastPage);
  const store = new EvidenceStore();
  parents.forEach((parentId, i) => store.put({ id: guid(0x80000000 + i), parentId }, []));
  await walkHierarchy(pager, store, { chunkRetryDelayMs: 0 });
  return pager.queries;
}

/** The longest value of `char` the batched reader still sends (alone) rather than refusing as too long. */
async function longestSent(column: MatchColumn, char: string): Promise<string> {
  let [fits, refused] = [1, MAX_URL_LENGTH];
  while (refused - fits > 1) {
    const mid = Math.floor((fits + refused) / 2);
    const result = await matchAccounts(recordingPager(), column, [char.repeat(mid)], {
      evidence: { store: new EvidenceStore(), at: new Date(NOW).toISOString() },
    });
    if (result.failed.size) refused = mid;
    else fits = mid;
  }
  return char.repeat(fits);
}

// --- sync (feed and Graph) --------------------------------------------------------------------

const desired = (reference: string, i = 0): Desired => ({
  line: i + 2,
  source: AssociationSourceCodes.feed,
  reference,
  name: `Partner – Customer ${i}`,
  customerId: guid(i),
  type: 100000000,
  status: AssociationStatusCodes.active,
});

async function existing(references: string[], lastPage = 1): Promise<string[]> {
  const pager = recordingPager(lastPage);
  await readExisting(pager, references.map(desired), MAX_CHUNK, 4);
  return pager.queries;
}

async function stale(sources: number[], lastPage = 1): Promise<string[]> {
  const pager = recordingPager(lastPage);
  await readStale(pager, sources, new Set()).catch(() => undefined); // past page 10 it gives up: the queries stand
  return pager.queries;
}

async function tenantAccounts(lastPage = 1): Promise<string[]> {
  const pager = recordingPager(lastPage);
  await readTenantAccounts(pager).catch(() => undefined);
  return pager.queries;
}

// --- The solution's views (saved queries) -----------------------------------------------------

function child(element: XmlElement, tag: string): XmlElement {
  const found = element.children.find((c): c is XmlElement => "tag" in c && c.tag === tag);
  if (!found) throw new Error(`<${element.tag}> has no <${tag}>`);
  return found;
}

function viewQueries(): string[] {
  return TABLES.flatMap((table) =>
    table.views.map((view) => {
      const savedQuery = child(renderView(table, view), "savedquery");
      return renderXml(child(child(savedQuery, "fetchxml"), "fetch"));
    }),
  );
}

// --- Large lists --------------------------------------------------------------------------------

const MANY = 1_200;
const guids = Array.from({ length: MANY }, (_, i) => guid(i));
/** Short distinct values: the count cap binds before the URL budget. */
const shortValues = Array.from({ length: MANY }, (_, i) => i.toString(36));
/** Distinct names where every character needs escaping: the URL budget binds. */
const awkwardNames = Array.from({ length: MANY }, (_, i) => `"&<'>${i}'>&<"`.repeat(4));
/** The shortest distinct domains (two `like` conditions each: the URL binds long before 480 conditions). */
const domains = Array.from({ length: MANY }, (_, i) => `${i.toString(36)}.io`);
/** Sync references, as long as a feed writes them (100 characters), quotes included (the key allows them). */
const longReferences = Array.from({ length: MANY }, (_, i) => `ref-"${i}"-'q'-`.padEnd(100, "x"));

type Case = [reader: string, branch: string, produce: () => Promise<string[]> | string[]];

const CASES: Case[] = [
  // The form's Dataverse source: account hierarchy + associations, requests, decisions, engagement.
  ["form Dataverse source", "one page each (account, requests, decisions, engagement)", () => formSource({ now: NOW })],
  [
    "form Dataverse source",
    "paged to the last page (5,000 rows a page)",
    async () => firstSecondLast(await formSource({ now: NOW }, 5000)),
  ],
  [
    "form Dataverse source",
    "braced upper-case id, small page size, real clock",
    async () => firstSecondLast(await formSource({ pageSize: 2 }, 2, `{${ACCOUNT.toUpperCase()}}`)),
  ],
  ["configuration", "environment variables with values", () => config()],
  ["history", "audits and decisions, default top", () => history(ACCOUNT)],
  ["history", "top 1 and top 5000", async () => [...(await history(ACCOUNT, 1)), ...(await history(ACCOUNT, 5000))]],
  ["history", "an id that is not a GUID (empty value)", () => history(`x" & <y>`)],

  // The CLI's batched reader: every match column, with and without the evidence joins, then the hierarchy.
  ...(["accountId", "accountNumber", "tenantId", "name", "email", "domain"] as const).flatMap((column): Case[] => {
    const value = {
      accountId: ACCOUNT,
      accountNumber: "acc-001",
      tenantId: ACCOUNT,
      name: "contoso ltd",
      email: "contoso.com",
      domain: "contoso.com",
    }[column];
    return [
      ["batched reader (check)", `${column}: one value, no evidence`, () => match(column, [value])],
      ["batched reader (vet)", `${column}: with evidence joins`, () => match(column, [value], { evidence: true })],
    ];
  }),
  [
    "batched reader (vet)",
    "paged to the last page, with evidence",
    async () => firstSecondLast(await match("accountId", [ACCOUNT], { evidence: true, lastPage: 10 })),
  ],
  ["batched reader (vet)", "names needing XML escaping", () => match("name", AWKWARD, { evidence: true })],
  ["batched reader (vet)", "account numbers needing XML escaping", () => match("accountNumber", AWKWARD)],
  [
    "batched reader (vet)",
    "largest in lists: GUIDs, short account numbers, escaped names (evidence joins)",
    async () => [
      ...(await match("accountId", guids, { evidence: true })).slice(0, 1),
      ...(await match("accountNumber", shortValues, { evidence: true })).slice(0, 1),
      ...(await match("name", awkwardNames, { evidence: true })).slice(0, 1),
    ],
  ],
  [
    "batched reader (vet)",
    "most domains one query holds",
    async () => (await match("domain", domains, { evidence: true })).slice(0, 1),
  ],
  [
    "batched reader (vet)",
    "the longest single name it sends",
    async () => match("name", [await longestSent("name", "&")], { evidence: true }),
  ],
  ["batched reader (exceptions)", "one account (its newest requests, bounded)", () => exceptions([ACCOUNT])],
  [
    "batched reader (exceptions)",
    "a chunk, its requests past one page (split down to single accounts), decisions paged",
    async () => firstSecondLast(await exceptions([ACCOUNT, guid(1), guid(2)], 3)),
  ],
  ["batched reader (exceptions)", "largest in list of accounts", async () => (await exceptions(guids)).slice(0, 2)],
  ["batched reader (hierarchy)", "one parent", () => hierarchy([ACCOUNT])],
  ["batched reader (hierarchy)", "paged to the last page", async () => firstSecondLast(await hierarchy([ACCOUNT], 10))],
  ["batched reader (hierarchy)", "largest in list of parents", async () => (await hierarchy(guids)).slice(0, 1)],

  // sync: existing associations by reference, stale ones by source, Graph's tenant accounts.
  ["sync (existing)", "one reference", () => existing(["NW-2024-0001"])],
  ["sync (existing)", "references needing XML escaping", () => existing(AWKWARD)],
  ["sync (existing)", "paged", async () => firstSecondLast(await existing(["NW-2024-0001"], 3))],
  [
    "sync (existing)",
    "largest in lists: count cap and URL budget",
    async () => [...(await existing(shortValues)).slice(0, 1), ...(await existing(longReferences)).slice(0, 1)],
  ],
  ["sync (stale)", "one source", () => stale([AssociationSourceCodes.graph])],
  [
    "sync (stale)",
    "every source, paged to the last page",
    async () =>
      firstSecondLast(
        await stale([AssociationSourceCodes.manual, AssociationSourceCodes.feed, AssociationSourceCodes.graph], 11),
      ),
  ],
  ["sync --graph (tenant accounts)", "one page", () => tenantAccounts()],
  ["sync --graph (tenant accounts)", "paged to the last page", async () => firstSecondLast(await tenantAccounts(101))],

  ["solution views", "every saved query of every table", () => viewQueries()],
];

describe("FetchXML against Fetch.xsd", () => {
  test.each(CASES)(
    "%s, %s",
    async (_reader, _branch, produce) => {
      const queries = [...new Set(await produce())];
      expect(queries.length).toBeGreaterThan(0);
      const invalid: string[] = [];
      for (const q of queries) {
        const errors = await validateFetchXml(q);
        if (errors.length) invalid.push(`${errors.join("\n")}\n  in ${q.slice(0, 2000)}`);
      }
      expect(invalid).toEqual([]);
    },
    120_000,
  );

  test("the check can fail: a corrupted exceptions query gives errors", async () => {
    const corrupted =
      '<fetch version="1.0" mapping="logical" no-lock="true" count="5000" page="1"><entity name="pg_outreachexception">' +
      '<attribute name="pg_outreachexceptionid"/><link-entity name="pg_outreachdecision" from="pg_exceptionid" ' +
      'to="pg_outreachexceptionid" link-type="outer" alias="dc"><link-entity name="<attribute name="pg_outreachdecisionid"/>' +
      "</link-entity></entity></fetch>";
    expect((await validateFetchXml(corrupted)).length).toBeGreaterThan(0);
  });

  test("the largest lists above are at the readers' limits", async () => {
    const budget = MAX_URL_LENGTH - 512; // the batched reader keeps 512 characters for the URL in front
    const urlLength = (q: string) => encodeURIComponent(q).length;
    // Count-bound: the CLI's chunk-size cap (short account numbers; GUIDs of parents, joined to associations only).
    expect(inSize((await match("accountNumber", shortValues, { evidence: true }))[0])).toBe(MAX_CHUNK);
    // GUIDs joined to associations only (the exceptions are queries of their own) fit 500 to a query.
    expect(inSize((await match("accountId", guids, { evidence: true }))[0])).toBe(MAX_CHUNK);
    expect(inSize((await exceptions(guids))[0])).toBe(MAX_CHUNK);
    expect(inSize((await hierarchy(guids))[0])).toBe(MAX_CHUNK);
    expect(inSize((await existing(shortValues))[0])).toBe(MAX_CHUNK);
    // Sync's own budget for the encoded values (30,000 characters) cuts long references first.
    const [longest, ...more] = await existing(longReferences);
    expect(more.length).toBeGreaterThan(0);
    expect(inSize(longest)).toBeLessThan(MAX_CHUNK);
    // URL-bound: the value that opens the second query would not have fit in the first.
    const domainPiece = (d: string) =>
      condition(Account.website, "like", `%${d}%`) + condition(Account.email, "like", `%@${d}`);
    for (const [queries, values, piece, size] of [
      [await match("name", awkwardNames, { evidence: true }), awkwardNames, inValue, inSize],
      [await match("domain", domains, { evidence: true }), domains, domainPiece, likeCount],
    ] as const) {
      expect(queries.length).toBeGreaterThan(1);
      const next = values[size(queries[0])];
      expect(urlLength(queries[0])).toBeLessThanOrEqual(budget);
      // `- 1`: the reader measures with a two-digit page number, the first page has one.
      expect(urlLength(queries[0]) + urlLength(piece(next))).toBeGreaterThan(budget - 1);
    }
  });
});

/**
 * The email's requests, counted through the real source (judgeEmail → resolveReaching →
 * readSelection) against the emulator as the shipped seller: how many requests, to which tables,
 * in how many round trips (a host that holds every request until the test lets the whole wave
 * answer at once), and each account's verdict against the card's for that account alone.
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { ENGAGEMENT_ACTIVITY } from "../../src/schema";
import { EmailState, Party, judgeEmail, newEmailState } from "../../src/sources/emailRecipients";
import { forgetSelections } from "../../src/sources/selectionResolution";
import { MAX_REACH_HOPS, reachHops, selectionHierarchyFetchXml } from "../../src/sources/selectionSource";
import { WebApiHost } from "../../src/sources/webApi";
import { batchedReads } from "../../src/sources/webApiBatch";
import { inProcessBatch } from "../../src/emulator/webApiRoutes";
import { Persona } from "../../src/emulator/security";
import { validateFetchXml } from "../helpers/fetchSchema";
import { waves } from "../helpers/waves";
import {
  NOW,
  account,
  card,
  clock,
  contactOf,
  exceptionOn,
  guid,
  leadOf,
  lookup,
  org,
  partnerOfRecord,
  utcOffsetMinutes,
} from "../helpers/reachOrg";
import { memoryStorage } from "../helpers/memoryStorage";

const OTHER_USER = "99999999-9999-4999-8999-999999999999";

beforeEach(() => forgetSelections());

/** The card's verdict of one account (the form's resolver, as the seller). */

/** The configuration as the form finds it: in the card's localStorage entry once read. */
const configCache = () => ({ storage: memoryStorage(), key: "partnerguard:config-cache:v1:test" });

async function judge(
  webApi: WebApiHost,
  parties: Party[],
  state: EmailState = newEmailState(),
  cache: ReturnType<typeof configCache> = configCache(),
) {
  return waves(webApi).run((host) =>
    judgeEmail(
      { webApi: host, userId: PERSONAS.seller.id, clock, utcOffsetMinutes, configCache: cache },
      parties,
      state,
    ),
  );
}

const party = (entityType: string, id: string, role: Party["role"] = "to"): Party => ({ role, entityType, id });

describe("an email with 50 recipients across 20 accounts", () => {
  /** 40 accounts, every second a child of the one before, partners of record on some; 3 contacts and a lead on each. */
  function big(): DataverseEmulator {
    const e = org();
    for (let i = 0; i < 40; i++) {
      account(e, guid("c0000000", i), `Account ${i}`, i % 2 ? guid("c0000000", i - 1) : undefined);
      if (i % 6 === 0) partnerOfRecord(e, guid("d0000000", i), guid("c0000000", i));
      for (let c = 0; c < 3; c++) contactOf(e, guid(`f${c}000000`, i), lookup("account", guid("c0000000", i)));
      leadOf(e, guid("a9000000", i), guid("c0000000", i));
    }
    return e;
  }
  const parties = (): Party[] => [
    ...Array.from({ length: 10 }, (_, i) => party("account", guid("c0000000", i), "cc")),
    ...Array.from({ length: 30 }, (_, k) => party("contact", guid(`f${k % 3}000000`, k % 20))),
    ...Array.from({ length: 10 }, (_, i) => party("lead", guid("a9000000", 10 + i), "bcc")),
    party("systemuser", guid("ee000000", 1)),
  ];

  it("costs one request per source, all in one round trip, and every account's verdict is the card's", async () => {
    const e = big();
    const seller = e.as(PERSONAS.seller);
    const { result, trips, entities } = await judge(seller, parties());
    expect(trips).toBe(1);
    expect(entities.sort()).toEqual([
      "account",
      "contact",
      "environmentvariabledefinition",
      "lead",
      "pg_outreachdecision",
      "pg_outreachexception",
      "task",
    ]);
    expect(result.unverified).toEqual([]);
    expect(result.accounts.map((a) => a.id).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => guid("c0000000", i)).sort(),
    );
    for (const a of result.accounts) expect(a.verdict).toEqual(await card(seller, a.id));
    // Blocked through a parent the email does not name: account 13's parent 12 holds the partner of record.
    expect(result.accounts.find((a) => a.id === guid("c0000000", 13))?.verdict.outreach).toBe("blocked");
    expect(result.allowed).toBe(false);
  });

  it("a changed recipient costs only what is new", async () => {
    const e = big();
    const seller = e.as(PERSONAS.seller);
    const state = newEmailState();
    const cache = configCache();
    const all = parties();
    await judge(seller, all, state, cache);
    // Another contact of an account already on the email: its lookup alone.
    all[10] = party("contact", guid("f1000000", 0));
    let next = await judge(seller, all, state, cache);
    expect(next.entities).toEqual(["contact"]);
    expect(next.trips).toBe(1);
    // An account not on the email: one request per source for it alone, one round trip.
    all[0] = party("account", guid("c0000000", 30), "cc");
    next = await judge(seller, all, state, cache);
    expect(next.entities.sort()).toEqual(["account", "pg_outreachdecision", "pg_outreachexception", "task"]);
    expect(next.trips).toBe(1);
    expect(next.result.accounts.find((a) => a.id === guid("c0000000", 30))?.verdict).toEqual(
      await card(seller, guid("c0000000", 30)),
    );
  });
});

describe("a changed recipient through the org's $batch (webApiBatch.ts)", () => {
  it("is one request on the wire, and every account's verdict is still the card's", async () => {
    const e = org();
    for (let i = 0; i < 8; i++) {
      account(e, guid("c0000000", i), `Account ${i}`, i % 2 ? guid("c0000000", i - 1) : undefined);
      if (i % 4 === 0) partnerOfRecord(e, guid("d0000000", i), guid("c0000000", i));
      contactOf(e, guid("f0000000", i), lookup("account", guid("c0000000", i)));
      leadOf(e, guid("a9000000", i), guid("c0000000", i));
    }
    const seller = e.as(PERSONAS.seller);
    const state = newEmailState();
    const cache = configCache();
    const deps = { userId: PERSONAS.seller.id, clock, utcOffsetMinutes, configCache: cache };
    const all = [party("contact", guid("f0000000", 2)), party("account", guid("c0000000", 6), "cc")];
    await judgeEmail({ ...deps, webApi: seller }, all, state);
    for (const [changed, i] of [
      [party("contact", guid("f0000000", 1)), 1], // blocked through its parent (0)
      [party("lead", guid("a9000000", 5), "bcc"), 5], // blocked through its parent (4)
      [party("account", guid("c0000000", 3)), 3], // clear
    ] as const) {
      all.push(changed);
      const before = e.requests.length;
      const result = await judgeEmail(
        { ...deps, webApi: batchedReads(seller, inProcessBatch(seller)) },
        all,
        state,
        false,
        true,
      );
      expect(
        e.requests
          .slice(before)
          .filter((r) => !r.inBatch)
          .map((r) => r.entity),
      ).toEqual(["$batch"]);
      const judged = result.accounts.find((a) => a.id === guid("c0000000", i));
      expect(judged?.verdict).toEqual(await card(seller, guid("c0000000", i)));
      expect(judged?.verdict.outreach).toBe(i === 3 ? "allowed" : "blocked");
    }
  });
});

describe("requests, decisions and engagements of accounts only the recipients name", () => {
  it("count as on the card (the exceptions' and tasks' queries reach them too)", async () => {
    const e = org();
    e.insert("systemuser", { systemuserid: PERSONAS.approver.id, fullname: PERSONAS.approver.name });
    const [approved, pending, engaged] = [1, 2, 3].map((i) => guid("c0000000", i));
    for (const [i, id] of [approved, pending, engaged].entries()) {
      account(e, id, `Account ${i}`);
      partnerOfRecord(e, guid("d0000000", i), id);
    }
    contactOf(e, guid("f0000000", 1), lookup("account", approved));
    leadOf(e, guid("a9000000", 2), pending);
    contactOf(e, guid("f0000000", 3), lookup("account", engaged));
    for (const [i, id] of [approved, pending].entries()) exceptionOn(e, i, id, id === approved);
    e.insert(ENGAGEMENT_ACTIVITY.logicalName, {
      activityid: guid("ac000000", 1),
      subject: "Engaged",
      [ENGAGEMENT_ACTIVITY.regarding]: lookup("account", engaged),
      [ENGAGEMENT_ACTIVITY.category]: ENGAGEMENT_ACTIVITY.categoryValue,
      createdby: lookup("systemuser", PERSONAS.seller.id),
      createdon: new Date(NOW - 86_400_000).toISOString(),
    });
    const seller = e.as(PERSONAS.seller);
    const { result, trips } = await judge(seller, [
      party("contact", guid("f0000000", 1)),
      party("lead", guid("a9000000", 2)),
      party("contact", guid("f0000000", 3)),
    ]);
    expect(trips).toBe(1);
    const verdictOf = (id: string) => result.accounts.find((a) => a.id === id)?.verdict;
    for (const id of [approved, pending, engaged]) expect(verdictOf(id)).toEqual(await card(seller, id));
    expect(verdictOf(approved)?.exception).toBeTruthy();
    expect(verdictOf(pending)?.pendingException).toBeTruthy();
  });
});

describe("parents of the recipients' accounts", () => {
  /** A chain top ← 1 ← … ← depth, the partner of record on top, a contact and a lead at the bottom. */
  function chain(depth: number, readable: (level: number) => boolean = () => true) {
    const e = org();
    const ids = Array.from({ length: depth + 1 }, (_, level) => guid("b0000000", level));
    ids.forEach((id, level) =>
      account(
        e,
        id,
        `Level ${level}`,
        level ? ids[level - 1] : undefined,
        readable(level) ? PERSONAS.seller.id : OTHER_USER,
      ),
    );
    partnerOfRecord(e, guid("d0000000", 1), ids[0]);
    contactOf(e, guid("f0000000", 1), lookup("account", ids[depth]));
    leadOf(e, guid("a9000000", 1), ids[depth]);
    return { e, ids, bottom: ids[depth] };
  }
  const recipients = () => [party("contact", guid("f0000000", 1)), party("lead", guid("a9000000", 1), "cc")];

  it(`reaches ${MAX_REACH_HOPS} parents up in the first round trip`, async () => {
    const { e, bottom } = chain(MAX_REACH_HOPS);
    const seller = e.as(PERSONAS.seller);
    const { result, trips } = await judge(seller, recipients());
    expect(trips).toBe(1);
    expect(result.accounts).toHaveLength(1);
    expect(result.accounts[0].verdict).toEqual(await card(seller, bottom));
    expect(result.accounts[0].verdict.outreach).toBe("blocked");
  });

  it("reads an ancestor further up in a second round trip (one hierarchy request), verdict still the card's", async () => {
    const { e, bottom } = chain(MAX_REACH_HOPS + 2);
    const seller = e.as(PERSONAS.seller);
    const { result, trips, entities } = await judge(seller, recipients());
    expect(trips).toBe(2);
    expect(entities.filter((t) => t === "account")).toHaveLength(2);
    expect(result.accounts[0].verdict).toEqual(await card(seller, bottom));
  });

  it("a failed second request fails that account closed, never the others", async () => {
    const { e, bottom } = chain(MAX_REACH_HOPS + 2);
    account(e, guid("c0000000", 9), "Elsewhere");
    const seller = e.as(PERSONAS.seller);
    let accountReads = 0;
    const failing: WebApiHost = {
      ...seller,
      retrieveMultipleRecords: (table, options) =>
        table === "account" && ++accountReads === 2
          ? Promise.reject(new Error("Service unavailable"))
          : seller.retrieveMultipleRecords(table, options),
    };
    const { result } = await judge(failing, [...recipients(), party("account", guid("c0000000", 9), "cc")]);
    expect(accountReads).toBe(2);
    const verdictOf = (id: string) => result.accounts.find((a) => a.id === id)?.verdict;
    expect(verdictOf(bottom)?.outreach).toBe("unverified");
    expect(verdictOf(guid("c0000000", 9))).toEqual(await card(seller, guid("c0000000", 9)));
    expect(result.allowed).toBe(false);
  });

  it("needs no second round trip when an account on the email brings the ancestors in", async () => {
    const { e, ids, bottom } = chain(MAX_REACH_HOPS + 2);
    const seller = e.as(PERSONAS.seller);
    const { result, trips } = await judge(seller, [...recipients(), party("account", ids[2], "bcc")]);
    expect(trips).toBe(1);
    expect(result.accounts.find((a) => a.id === bottom)?.verdict).toEqual(await card(seller, bottom));
  });

  it("a parent the seller cannot read is said as on the card, without asking again", async () => {
    const { e, bottom } = chain(2, (level) => level !== 1);
    const ownOnly: Persona = {
      ...PERSONAS.seller,
      base: (PERSONAS.seller.base ?? []).map((p) => (p.name === "prvReadAccount" ? { ...p, depth: "Basic" } : p)),
    };
    const seller = e.as(ownOnly);
    const { result, trips } = await judge(seller, recipients());
    expect(trips).toBe(1);
    const verdict = result.accounts[0].verdict;
    expect(verdict).toEqual(await card(seller, bottom));
    expect(verdict.outreach).not.toBe("allowed"); // fail closed: the parent might hold a partner
  });
});

describe("when the accounts' queries cannot reach the recipients", () => {
  it("too many new contacts and leads for one URL: lookups first, then one request per source (two round trips)", async () => {
    const e = org();
    const accounts = Array.from({ length: 10 }, (_, i) => guid("c0000000", i));
    accounts.forEach((id, i) => account(e, id, `Account ${i}`));
    partnerOfRecord(e, guid("d0000000", 1), accounts[1]);
    const contacts = Array.from({ length: 250 }, (_, i) => guid("f0000000", i));
    const leads = Array.from({ length: 250 }, (_, i) => guid("a9000000", i));
    contacts.forEach((id, i) => contactOf(e, id, lookup("account", accounts[i % 10])));
    leads.forEach((id, i) => leadOf(e, id, accounts[i % 10]));
    expect(reachHops(accounts, { contacts, leads })).toBeUndefined();
    const seller = e.as(PERSONAS.seller);
    const { result, trips } = await judge(seller, [
      ...accounts.map((id) => party("account", id, "cc")),
      ...contacts.map((id) => party("contact", id)),
      ...leads.map((id) => party("lead", id, "bcc")),
    ]);
    expect(trips).toBe(2);
    expect(result.unverified).toEqual([]);
    for (const a of result.accounts) expect(a.verdict).toEqual(await card(seller, a.id));
    expect(result.allowed).toBe(false);
  });
});

describe("the reaching hierarchy query", () => {
  it("validates against Fetch.xsd (with its one newer construct) and keeps to the link-entity limit", async () => {
    const reach = {
      contacts: Array.from({ length: 30 }, (_, i) => guid("f0000000", i)),
      leads: Array.from({ length: 10 }, (_, i) => guid("a9000000", i)),
    };
    const known = Array.from({ length: 10 }, (_, i) => guid("c0000000", i));
    expect(reachHops(known, reach)).toBe(MAX_REACH_HOPS);
    const xml = selectionHierarchyFetchXml(known, 1, 5000, reach, MAX_REACH_HOPS);
    expect(await validateFetchXml(xml)).toEqual([]);
    expect(xml.split("<link-entity ").length - 1).toBeLessThanOrEqual(15);
    // Without the email's lookups nothing changes: the grid's query is as before.
    expect(selectionHierarchyFetchXml(known)).not.toMatch(/link-type='any'/);
  });
});

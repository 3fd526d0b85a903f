/**
 * The contact grid's requests (issue 25), counted through the real source
 * (resolveContactSelection → readThroughParties → resolveReaching → readSelection, and the
 * script's rule and action on top) against the emulator as the shipped seller: a selection of
 * contacts costs one request per source, all issued together (one round trip: the accounts'
 * queries reach the contacts' accounts themselves), re-selecting costs nothing, and every
 * contact's standing is the card's verdict of its account.
 */
import { PERSONAS } from "../../src/emulator/personas";
import { Contact } from "../../src/schema";
import {
  ContactSelection,
  contactOutreach,
  everyContactAllowed,
  forgetContactSelections,
  resolveContactSelection,
} from "../../src/sources/contactSelection";
import { forgetSelections } from "../../src/sources/selectionResolution";
import { MAX_REACH_HOPS, MAX_SELECTION } from "../../src/sources/selectionSource";
import { WebApiHost } from "../../src/sources/webApi";
import * as contact from "../../webresource/contact";
import { CommandHost } from "../../webresource/host";
import { waves } from "../helpers/waves";
import {
  account,
  card,
  clock,
  contactOf,
  guid,
  lookup,
  org,
  partnerOfRecord,
  utcOffsetMinutes,
} from "../helpers/reachOrg";
import { memoryStorage } from "../helpers/memoryStorage";

const SOURCES = [
  "account",
  "contact",
  "environmentvariabledefinition",
  "pg_outreachdecision",
  "pg_outreachexception",
  "task",
];

beforeEach(() => {
  forgetSelections();
  forgetContactSelections();
});

function judge(webApi: WebApiHost, ids: string[], fresh = false, scope: object = globalThis) {
  const configCache = { storage: memoryStorage(), key: "partnerguard:config-cache:v1:test" };
  return waves(webApi).run((host) =>
    resolveContactSelection(
      { webApi: host, userId: PERSONAS.seller.id, clock, utcOffsetMinutes, configCache, scope },
      ids,
      fresh,
    ),
  );
}

/** Every contact read with an account stands as the card's verdict of that account. */
async function expectCardVerdicts(seller: WebApiHost, s: ContactSelection) {
  expect(s.status).toBe("ok");
  for (const [id, accountId] of s.accountOf) {
    if (!accountId) continue;
    const verdict = await card(seller, accountId);
    expect(s.accounts?.verdicts.get(accountId)).toEqual(verdict);
    expect(contactOutreach(s, id)).toBe(verdict.outreach === "allowed" ? "allowed" : verdict.outreach);
  }
}

describe("a selection of 50 contacts across 20 accounts", () => {
  /** 20 accounts, every second a child of the one before, a partner of record on every sixth; contacts on each. */
  function big() {
    const e = org();
    for (let i = 0; i < 20; i++) {
      account(e, guid("c0000000", i), `Account ${i}`, i % 2 ? guid("c0000000", i - 1) : undefined);
      if (i % 6 === 0) partnerOfRecord(e, guid("d0000000", i), guid("c0000000", i));
    }
    const ids: string[] = [];
    for (let k = 0; k < 46; k++) {
      contactOf(e, guid("f0000000", k), lookup("account", guid("c0000000", k % 20)));
      ids.push(guid("f0000000", k));
    }
    contactOf(e, guid("f0000000", 100)); // no company
    contactOf(e, guid("f0000000", 101), lookup("contact", guid("f0000000", 100))); // a contact as company
    contactOf(e, guid("f0000000", 102), lookup("account", guid("c0000000", 2)));
    void e.deleteRecord(Contact.logicalName, guid("f0000000", 102));
    ids.push(guid("f0000000", 100), guid("f0000000", 101), guid("f0000000", 102), guid("f0000000", 103));
    return { e, ids };
  }

  it("costs one request per source, all in one round trip, each contact standing as its account's card", async () => {
    const { e, ids } = big();
    const seller = e.as(PERSONAS.seller);
    const { result, trips, entities } = await judge(seller, ids);
    expect(trips).toBe(1);
    expect(entities.sort()).toEqual(SOURCES);
    await expectCardVerdicts(seller, result);
    // Blocked through a parent the selection reaches only through its contacts: 13's parent 12 holds the partner.
    expect(contactOutreach(result, guid("f0000000", 13))).toBe("blocked");
    expect(contactOutreach(result, guid("f0000000", 3))).toBe("allowed"); // 3 and its parent 2: no partner
    expect(contactOutreach(result, guid("f0000000", 100))).toBe("none");
    expect(contactOutreach(result, guid("f0000000", 101))).toBe("none");
    expect(contactOutreach(result, guid("f0000000", 102))).toBe("unverified"); // deleted: fail closed
    expect(contactOutreach(result, guid("f0000000", 103))).toBe("unverified"); // never there
    expect(everyContactAllowed(result)).toBe(false);
  });

  it("the same set again costs nothing; the action's fresh re-check one round trip", async () => {
    const { e, ids } = big();
    const seller = e.as(PERSONAS.seller);
    await judge(seller, ids);
    const again = await judge(seller, [...ids].reverse());
    expect([again.trips, again.entities]).toEqual([0, []]);
    const fresh = await judge(seller, ids, true);
    expect(fresh.trips).toBe(1);
    expect(fresh.entities.sort()).toEqual(SOURCES);
  });

  it("the script's rule and Start outreach's re-check: one round trip each, one request per source", async () => {
    const { e, ids } = big();
    const seller = e.as(PERSONAS.seller);
    const scope = {};
    const storage = memoryStorage();
    const hostOf = (webApi: WebApiHost): CommandHost => ({
      webApi,
      getString: (key) => key,
      languageId: 1033,
      userId: PERSONAS.seller.id,
      openForm: () => Promise.resolve(undefined),
      alert: () => Promise.resolve(),
      confirm: () => Promise.resolve(false), // the seller declines: only the reads and the blocked audits
      configCache: { storage, key: "partnerguard:config-cache:v1:test" },
      scope,
    });
    const w = waves(seller);
    const rule = await w.run((webApi) => contact.isContactOutreachEnabled(hostOf(webApi), ids));
    expect(rule.result).toBe(true);
    expect(rule.trips).toBe(1);
    expect(rule.entities.sort()).toEqual(SOURCES);
    const action = await w.run((webApi) => contact.startContactOutreach(hostOf(webApi), ids));
    expect(action.trips).toBe(1);
    expect(action.entities.sort()).toEqual(SOURCES);
  });
});

describe("parents of the contacts' accounts", () => {
  function chain(depth: number) {
    const e = org();
    const ids = Array.from({ length: depth + 1 }, (_, level) => guid("b0000000", level));
    ids.forEach((id, level) => account(e, id, `Level ${level}`, level ? ids[level - 1] : undefined));
    partnerOfRecord(e, guid("d0000000", 1), ids[0]);
    contactOf(e, guid("f0000000", 1), lookup("account", ids[depth]));
    return { e, bottom: ids[depth] };
  }

  it(`reaches ${MAX_REACH_HOPS} parents up in the one round trip`, async () => {
    const { e } = chain(MAX_REACH_HOPS);
    const seller = e.as(PERSONAS.seller);
    const { result, trips } = await judge(seller, [guid("f0000000", 1)]);
    expect(trips).toBe(1);
    await expectCardVerdicts(seller, result);
    expect(contactOutreach(result, guid("f0000000", 1))).toBe("blocked");
  });

  it("reads an ancestor further up in a second round trip (one hierarchy request), still blocked", async () => {
    const { e } = chain(MAX_REACH_HOPS + 2);
    const seller = e.as(PERSONAS.seller);
    const { result, trips, entities } = await judge(seller, [guid("f0000000", 1)]);
    expect(trips).toBe(2);
    expect(entities.filter((t) => t === "account")).toHaveLength(2);
    await expectCardVerdicts(seller, result);
    expect(contactOutreach(result, guid("f0000000", 1))).toBe("blocked");
  });
});

it(`${MAX_SELECTION} contacts of ${MAX_SELECTION} accounts, each with a parent outside the selection: one round trip`, async () => {
  const e = org();
  const ids: string[] = [];
  for (let i = 0; i < MAX_SELECTION; i++) {
    account(e, guid("a0000000", i), `Parent ${i}`);
    account(e, guid("c0000000", i), `Account ${i}`, guid("a0000000", i));
    if (i % 10 === 0) partnerOfRecord(e, guid("d0000000", i), guid("a0000000", i));
    contactOf(e, guid("f0000000", i), lookup("account", guid("c0000000", i)));
    ids.push(guid("f0000000", i));
  }
  const seller = e.as(PERSONAS.seller);
  const { result, trips, entities } = await judge(seller, ids);
  expect(trips).toBe(1);
  expect(entities.sort()).toEqual(SOURCES);
  expect(ids.filter((id) => contactOutreach(result, id) === "blocked")).toHaveLength(MAX_SELECTION / 10);
  expect(ids.filter((id) => contactOutreach(result, id) === "allowed")).toHaveLength(
    MAX_SELECTION - MAX_SELECTION / 10,
  );
  expect(contactOutreach(result, ids[10])).toBe("blocked"); // through its parent
});

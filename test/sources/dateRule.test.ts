/**
 * @jest-environment ./test/core/timeZoneEnvironment.js
 *
 * Date-only start and end dates are days of the seller's calendar, as the card shows them: an
 * association "until 30 Jun 2027" protects all of 30 June where the seller is, and outreach opens
 * when 1 July begins there; one starting 1 July protects from the first moment of 1 July.
 * Resolved the way the card and the command bar resolve (the resolver, Dataverse through the Web
 * API emulator, the zone of the browser the face runs in), in two time zones, on both sides of
 * each boundary.
 */
import { resolveVerdict } from "../../src/sources/resolver";
import { DEMO, demoEmulator } from "../helpers/demo";
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { association, ok } from "../helpers/associations";

declare const setProcessTimeZone: (zone: string | undefined) => void;

function emulatorWith(dates: { start: string; end?: string }) {
  const emulator = demoEmulator();
  emulator.insert("pg_partnerassociation", {
    pg_partnerassociationid: "d0000000-0000-4000-8000-0000000000d1",
    pg_name: "Harbor for Woodgrove",
    pg_customeraccountid: { $lookup: "account", id: DEMO.woodgrove },
    pg_relationshiptype: 100000000,
    pg_associationstatus: 100000000,
    pg_startdate: dates.start,
    ...(dates.end ? { pg_enddate: dates.end } : {}),
  });
  return emulator;
}

async function outreachAt(iso: string, dates: { start: string; end?: string }) {
  const { verdict } = await resolveVerdict(
    { webApi: emulatorWith(dates), clock: () => Date.parse(iso) },
    DEMO.woodgrove,
  );
  return verdict.outreach;
}

const ZONES = [
  // Berlin in summer is UTC+2: its 1 July begins at 22:00 UTC on 30 June.
  { zone: "Europe/Berlin", lastMoment: "2027-06-30T21:59:59Z", nextDay: "2027-06-30T22:00:00Z" },
  // Los Angeles in summer is UTC-7: its 1 July begins at 07:00 UTC on 1 July.
  { zone: "America/Los_Angeles", lastMoment: "2027-07-01T06:59:59Z", nextDay: "2027-07-01T07:00:00Z" },
];

afterAll(() => setProcessTimeZone(undefined));

describe.each(ZONES)("date-only dates in $zone", ({ zone, lastMoment, nextDay }) => {
  beforeAll(() => setProcessTimeZone(zone));

  test("the end date is the last protected day: blocked until its last moment there", async () => {
    await expect(outreachAt(lastMoment, { start: "2026-01-01", end: "2027-06-30" })).resolves.toBe("blocked");
  });

  test("outreach opens when the next day begins there", async () => {
    await expect(outreachAt(nextDay, { start: "2026-01-01", end: "2027-06-30" })).resolves.toBe("allowed");
  });

  test("a start date protects from the first moment of that day there, not before", async () => {
    await expect(outreachAt(lastMoment, { start: "2027-07-01" })).resolves.toBe("allowed");
    await expect(outreachAt(nextDay, { start: "2027-07-01" })).resolves.toBe("blocked");
  });
});

describe("the pure rule takes the seller's offset as input", () => {
  const run = (now: string, utcOffsetMinutes: number | undefined, a = association({ endDate: "2027-06-30" })) =>
    evaluate({ accountId: "acc-1", outcomes: [ok([a])], policy: DEFAULT_POLICY, now, utcOffsetMinutes });

  test("without an offset the seller's calendar is UTC's", () => {
    expect(run("2027-06-30T23:59:59Z", undefined).outreach).toBe("blocked");
    expect(run("2027-07-01T00:00:00Z", undefined).outreach).toBe("allowed");
  });

  test("east of UTC the day ends earlier, west of UTC later", () => {
    expect(run("2027-06-30T22:00:00Z", 120).outreach).toBe("allowed");
    expect(run("2027-06-30T21:59:59Z", 120).outreach).toBe("blocked");
    expect(run("2027-07-01T06:59:59Z", -420).outreach).toBe("blocked");
    expect(run("2027-07-01T07:00:00Z", -420).outreach).toBe("allowed");
  });

  test("a protection window of N days covers N days of the seller's calendar", () => {
    // Deal registrations protect 90 days by default: 10 Sep to 8 Dec, both included.
    const dealReg = () => association({ relationshipType: "deal-registration", startDate: "2026-09-10" });
    const last = run("2026-12-08T23:59:59Z", 0, dealReg());
    expect(last.outreach).toBe("blocked");
    expect(last.evidence[0].lastDay).toBe("2026-12-08");
    expect(run("2026-12-09T00:00:00Z", 0, dealReg()).outreach).toBe("allowed");
    expect(run("2026-12-09T00:59:59Z", 60, dealReg()).outreach).toBe("allowed");
    expect(run("2026-12-08T22:59:59Z", 60, dealReg()).outreach).toBe("blocked");
  });

  test("ties of type and start go to the account's own association before an inherited one", () => {
    const own = association({ id: "zz-own", partnerName: "Own", depth: 0 });
    const inherited = association({ id: "aa-parent", partnerName: "Parent's", depth: 1, customerAccountId: "p-1" });
    const verdict = evaluate({
      accountId: "acc-1",
      outcomes: [ok([inherited, own])],
      policy: DEFAULT_POLICY,
      now: "2026-11-24T12:00:00Z",
    });
    expect(verdict.partnerOfRecord?.association.partnerName).toBe("Own");
  });
});

/** @jest-environment node */
/**
 * The three account views as packed (their FetchXML out of the rendered SavedQueries), run against
 * the emulator with accounts on both sides of the date boundary: a protection that ends today still
 * protects, one that ended yesterday has moved the account to "clear for outreach" without a sync,
 * and the day is the user's (their time zone). As a seller too: the stored columns are field-secured
 * and every PartnerGuard profile reads them.
 */
import { DataverseEmulator, Record_ } from "../../src/emulator/dataverseEmulator";
import { fetchXsdAvailable, fetchXsdCheck } from "../../src/emulator/fetchSchema.node";
import { TABLES } from "../../src/emulator/fromFeed";
import { PERSONAS } from "../../src/emulator/personas";
import { generateSolution } from "../../src/pack/generateSolution";
import { ACCOUNT_VIEWS } from "../../src/pack/model/accountViews";
import { viewId } from "../../src/pack/render/view";
import { Account, StoredOutreachCodes, StoredVerdict } from "../../src/schema";

const V = StoredVerdict;
const S = StoredOutreachCodes;
const files = generateSolution();

/** The view's FetchXML as the packed SavedQueries file holds it. */
function fetchOf(key: string): string {
  const file = files.get(`Entities/account/SavedQueries/${viewId(Account.logicalName, key)}.xml`);
  const fetch = /<fetch\s[\s\S]*<\/fetch>/.exec(file ?? "")?.[0];
  if (!fetch) throw new Error(`no packed view ${key}`);
  return fetch;
}

/** 4 December 2026, 10:00 UTC. */
const NOW = Date.parse("2026-12-04T10:00:00Z");
const DAY = 86_400_000;

let n = 0;
const id = () => `c0000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;

/** name → the stored verdict of one account. */
const ACCOUNTS: Record<string, Record_> = {
  "Allowed Ltd": { [V.outreach]: S.allowed },
  "Exception, protected Ltd": { [V.outreach]: S["allowed-by-exception"], [V.protectedUntil]: "2027-03-01" },
  "Exception, ended Ltd": { [V.outreach]: S["allowed-by-exception"], [V.protectedUntil]: "2026-12-03" },
  "Ends today Ltd": { [V.outreach]: S.blocked, [V.protectedUntil]: "2026-12-04" },
  "Ends tomorrow Ltd": { [V.outreach]: S.blocked, [V.protectedUntil]: "2026-12-05" },
  "Ended yesterday Ltd": { [V.outreach]: S.blocked, [V.protectedUntil]: "2026-12-03" },
  "Ended long ago Ltd": { [V.outreach]: S.blocked, [V.protectedUntil]: "2025-01-31" },
  "Ends in ten years Ltd": { [V.outreach]: S.blocked, [V.protectedUntil]: "2036-12-04" },
  "No end Ltd": { [V.outreach]: S.blocked },
  "Unverified Ltd": { [V.outreach]: S.unverified },
  "Unverified, date Ltd": { [V.outreach]: S.unverified, [V.protectedUntil]: "2026-12-01" },
  "Never synced Ltd": {},
  "Inactive allowed Ltd": { [V.outreach]: S.allowed, statecode: 1 },
};

function emulator(options: ConstructorParameters<typeof DataverseEmulator>[1] = {}): DataverseEmulator {
  const e = new DataverseEmulator(TABLES, {
    clock: () => NOW,
    ...(fetchXsdAvailable() ? { checkQuery: fetchXsdCheck() } : {}),
    ...options,
  });
  for (const [name, verdict] of Object.entries(ACCOUNTS))
    e.insert(Account.logicalName, {
      [Account.id]: id(),
      [Account.name]: name,
      statecode: 0,
      [V.computedOn]: "2026-12-01T02:00:00Z",
      ...verdict,
    });
  return e;
}

async function names(host: Pick<DataverseEmulator, "retrieveMultipleRecords">, key: string): Promise<string[]> {
  const { entities } = await host.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${fetchOf(key)}`);
  return entities.map((r) => String(r[Account.name]));
}

const CLEAR = [
  "Allowed Ltd",
  "Ended long ago Ltd",
  "Ended yesterday Ltd",
  "Exception, ended Ltd",
  "Exception, protected Ltd",
];
const PARTNER = [
  "No end Ltd",
  "Ends today Ltd",
  "Ends tomorrow Ltd",
  "Exception, protected Ltd",
  "Ends in ten years Ltd",
];

describe("the account views against the emulator", () => {
  it("are the three of model/accountViews.ts, each packed with the stored columns", () => {
    expect(ACCOUNT_VIEWS.map((v) => v.key)).toEqual(["clear-for-outreach", "partner-of-record", "not-verified"]);
    for (const v of ACCOUNT_VIEWS)
      for (const column of [V.outreach, V.partnerName, V.partner, V.relationshipType, V.protectedUntil, V.computedOn])
        expect(fetchOf(v.key)).toContain(`<attribute name="${column}" />`);
  });

  it("clear for outreach: allowed, allowed by exception, and blocked whose protection ended before today", async () => {
    expect((await names(emulator(), "clear-for-outreach")).sort()).toEqual([...CLEAR].sort());
  });

  it("with a partner of record: protected today (its last day), later, or without an end; soonest end first", async () => {
    // Nulls sort first, as SQL Server sorts them ascending.
    expect(await names(emulator(), "partner-of-record")).toEqual(PARTNER);
  });

  it("could not verify: unverified only, whatever its dates; never in the other two", async () => {
    const e = emulator();
    expect(await names(e, "not-verified")).toEqual(["Unverified Ltd", "Unverified, date Ltd"]);
    for (const key of ["clear-for-outreach", "partner-of-record"])
      expect(await names(e, key)).not.toEqual(expect.arrayContaining(["Unverified Ltd"]));
  });

  it("a protection ending moves its account from 'with a partner' to 'clear' the next day, with no sync", async () => {
    const tomorrow = emulator({ clock: () => NOW + DAY });
    expect(await names(tomorrow, "clear-for-outreach")).toContain("Ends today Ltd");
    expect(await names(tomorrow, "partner-of-record")).not.toContain("Ends today Ltd");
    expect(await names(tomorrow, "partner-of-record")).toContain("Ends tomorrow Ltd");
    const later = emulator({ clock: () => NOW + 2 * DAY });
    expect(await names(later, "clear-for-outreach")).toEqual(
      expect.arrayContaining(["Ends today Ltd", "Ends tomorrow Ltd"]),
    );
  });

  it("every account the sync judged is in one view, one open by exception during its protection in two", async () => {
    for (const clock of [NOW, NOW + DAY, NOW + 400 * DAY]) {
      const e = emulator({ clock: () => clock });
      const counted = (await Promise.all(ACCOUNT_VIEWS.map((v) => names(e, v.key)))).flat();
      for (const name of Object.keys(ACCOUNTS)) {
        // Clear AND with a partner of record: allowed by an exception while the protection runs (to 1 March 2027).
        const expected = /Never|Inactive/.test(name)
          ? 0
          : name === "Exception, protected Ltd" && clock < Date.parse("2027-03-02T00:00:00Z")
            ? 2
            : 1;
        expect([name, counted.filter((x) => x === name).length]).toEqual([name, expected]);
      }
    }
  });

  it("today is the user's: east of UTC the day has already turned, and a protection that ended there is clear", async () => {
    const lateUtc = Date.parse("2026-12-04T23:30:00Z");
    const utc = emulator({ clock: () => lateUtc, timeZone: "UTC" });
    const kiritimati = emulator({ clock: () => lateUtc, timeZone: "Pacific/Kiritimati" }); // UTC+14: 5 December
    expect(await names(utc, "partner-of-record")).toContain("Ends today Ltd");
    expect(await names(kiritimati, "partner-of-record")).not.toContain("Ends today Ltd");
    expect(await names(kiritimati, "clear-for-outreach")).toContain("Ends today Ltd");
  });

  it("a seller (the PartnerGuard Seller role and profile) sees the same rows and the stored columns", async () => {
    const e = emulator();
    const seller = e.as(PERSONAS.seller);
    expect((await names(seller, "clear-for-outreach")).sort()).toEqual([...CLEAR].sort());
    const { entities } = await seller.retrieveMultipleRecords(
      Account.logicalName,
      `?fetchXml=${fetchOf("partner-of-record")}`,
    );
    const today = entities.find((r) => r[Account.name] === "Ends today Ltd");
    expect(today?.[V.protectedUntil]).toBe("2026-12-04");
    expect(today?.[`${V.outreach}@OData.Community.Display.V1.FormattedValue`]).toBe("Blocked: partner of record");
  });
});

describe("the relative date operators in the emulator", () => {
  const one = (operator: string, value?: string) =>
    `<fetch><entity name="account"><attribute name="name"/><filter><condition attribute="${V.protectedUntil}" operator="${operator}"${
      value === undefined ? "" : ` value="${value}"`
    }/></filter></entity></fetch>`;
  const run = async (e: DataverseEmulator, operator: string, value?: string) =>
    (await e.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${one(operator, value)}`)).entities
      .map((r) => String(r[Account.name]))
      .sort();

  it("today and yesterday are whole days; next-x-years starts after today; olderthan-x-days 1 ends the day before yesterday", async () => {
    const e = emulator();
    expect(await run(e, "today")).toEqual(["Ends today Ltd"]);
    expect(await run(e, "yesterday")).toEqual(["Ended yesterday Ltd", "Exception, ended Ltd"]);
    expect(await run(e, "next-x-years", "1")).toEqual(["Ends tomorrow Ltd", "Exception, protected Ltd"]);
    expect(await run(e, "next-x-years", "10")).toEqual([
      "Ends in ten years Ltd",
      "Ends tomorrow Ltd",
      "Exception, protected Ltd",
    ]);
    expect(await run(e, "olderthan-x-days", "1")).toEqual([
      "Ended long ago Ltd",
      "Ended yesterday Ltd",
      "Exception, ended Ltd",
      "Unverified, date Ltd",
    ]);
    expect(await run(e, "olderthan-x-days", "2")).toEqual(["Ended long ago Ltd", "Unverified, date Ltd"]);
  });

  it("a date and time column is compared as an instant in the user's day", async () => {
    const e = emulator();
    const computed = (operator: string, value?: string) =>
      `<fetch><entity name="account"><attribute name="name"/><filter><condition attribute="${V.computedOn}" operator="${operator}"${
        value === undefined ? "" : ` value="${value}"`
      }/></filter></entity></fetch>`;
    const count = async (operator: string, value?: string) =>
      (await e.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${computed(operator, value)}`)).entities.length;
    expect(await count("olderthan-x-days", "3")).toBe(Object.keys(ACCOUNTS).length); // computed 3 days 8 hours ago
    expect(await count("olderthan-x-days", "4")).toBe(0);
    expect(await count("today")).toBe(0);
  });

  it("refuses a relative operator without a whole number, and one on a column that holds no date", async () => {
    const e = emulator();
    await expect(run(e, "next-x-years")).rejects.toMatchObject({ status: 400 });
    await expect(run(e, "olderthan-x-days", "one")).rejects.toMatchObject({ status: 400 });
    const onName = `<fetch><entity name="account"><attribute name="name"/><filter><condition attribute="name" operator="today"/></filter></entity></fetch>`;
    await expect(e.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${onName}`)).rejects.toMatchObject({
      status: 400,
    });
  });
});

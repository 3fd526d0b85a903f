/**
 * `check` and `vet --env` judge date-only end dates the way the card does: the end date is the
 * last protected day of the calendar the command runs in (the machine's zone, TZ), so outreach
 * opens when the next day begins there. Spawned in two time zones, on both sides of the boundary.
 */
import { WebApiServer } from "../../src/emulator/webApiServer";
import { DEMO } from "../helpers/demo";
import { buildCli, demoDataverse, runCli, tempDir, TOKEN, webApiServer } from "./helpers/cli";

let server: WebApiServer;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  buildCli();
  const emulator = demoDataverse();
  emulator.insert("pg_partnerassociation", {
    pg_partnerassociationid: "d0000000-0000-4000-8000-0000000000d2",
    pg_name: "Harbor for Woodgrove",
    pg_customeraccountid: { $lookup: "account", id: DEMO.woodgrove },
    pg_relationshiptype: 100000000,
    pg_associationstatus: 100000000,
    pg_startdate: "2026-01-01",
    pg_enddate: "2027-06-30",
  });
  server = await webApiServer({ emulator, token: TOKEN });
  tmp = tempDir();
});
afterAll(async () => {
  await server?.close();
  tmp?.cleanup();
});

const ZONES = [
  { TZ: "Europe/Berlin", lastMoment: "2027-06-30T21:59:59Z", nextDay: "2027-06-30T22:00:00Z" },
  { TZ: "America/Los_Angeles", lastMoment: "2027-07-01T06:59:59Z", nextDay: "2027-07-01T07:00:00Z" },
];

async function check(TZ: string, asOf: string): Promise<string> {
  const run = await runCli(["check", DEMO.woodgrove, "--env", server.url, "--as-of", asOf, "--json"], {
    env: { TZ },
  });
  expect(run.stderr).not.toMatch(/Error/);
  return (JSON.parse(run.stdout) as { verdict: { outreach: string } }).verdict.outreach;
}

async function vet(TZ: string, asOf: string): Promise<Record<string, number>> {
  const list = tmp.write(`list-${TZ.replace("/", "-")}.csv`, `accountId\n${DEMO.woodgrove}\n`);
  const run = await runCli(["vet", list, "--env", server.url, "--as-of", asOf, "--json"], {
    cwd: tmp.dir,
    env: { TZ },
  });
  return (JSON.parse(run.stdout) as { summary: { byOutreach: Record<string, number> } }).summary.byOutreach;
}

describe.each(ZONES)("ending 30 Jun 2027, in $TZ", ({ TZ, lastMoment, nextDay }) => {
  test("check: blocked at the last moment of 30 June there, allowed as 1 July begins", async () => {
    expect(await check(TZ, lastMoment)).toBe("blocked");
    expect(await check(TZ, nextDay)).toBe("allowed");
  });

  test("vet --env agrees with check", async () => {
    expect(await vet(TZ, lastMoment)).toEqual({ allowed: 0, blocked: 1, unverified: 0 });
    expect(await vet(TZ, nextDay)).toEqual({ allowed: 1, blocked: 0, unverified: 0 });
  });

  test("--as-of with a day alone is the start of that day there", async () => {
    expect(await check(TZ, "2027-06-30")).toBe("blocked");
    expect(await check(TZ, "2027-07-01")).toBe("allowed");
  });
});

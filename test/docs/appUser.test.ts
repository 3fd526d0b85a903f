/**
 * docs/admin.md, "The command line's application user": PartnerGuard Administrator plus the
 * privileges its table lists are enough for every command a pipeline runs. The commands are
 * spawned for real against the Web API server, signed in as a persona whose roles the emulator
 * enforces (the same role model the packer writes); without the table's privileges they fail.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { WebApiServer } from "../../src/emulator/webApiServer";
import { Persona } from "../../src/emulator/security";
import { Depth, Privilege } from "../../src/pack/model/roles";
import { ExitCode } from "../../cli/exitCodes";
import { cliTestBed, DEMO_NOW, demoDataverse, runCli, TOKEN, webApiServer } from "../cli/helpers/cli";
import { DEMO } from "../helpers/demo";

const ADMIN_GUIDE = readFileSync(join(__dirname, "../../docs/admin.md"), "utf8");
const DEPTH: Record<string, Depth> = {
  User: "Basic",
  "Business Unit": "Local",
  "Parent: Child Business Units": "Deep",
  Organization: "Global",
};

/** The privileges admin.md's table gives the application user beyond PartnerGuard Administrator. */
function documentedPrivileges(): Privilege[] {
  const start = ADMIN_GUIDE.indexOf("<!-- checked:app-user-privileges");
  const end = ADMIN_GUIDE.indexOf("<!-- /checked:app-user-privileges -->");
  if (start < 0 || end < 0) throw new Error("docs/admin.md has no app-user-privileges table");
  const rows = ADMIN_GUIDE.slice(start, end)
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .slice(2);
  return rows.map((row) => {
    const [name, level] = row
      .split("|")
      .slice(1, 3)
      .map((c) => c.trim());
    const depth = DEPTH[level];
    if (!depth) throw new Error(`unknown access level ${level}`);
    return { name: name.replace(/`/g, ""), depth };
  });
}

const APP_TOKEN = "pipeline-app-token";
const appUser = (base: Privilege[]): Persona => ({
  id: "aaaaaaaa-0000-4000-8000-0000000000a1",
  name: "PartnerGuard command line",
  roles: ["admin"],
  // The profile docs/admin.md gives it (Field security profiles): it writes the stored verdict.
  fieldSecurityProfiles: ["commandLine"],
  base,
});

let server: WebApiServer | undefined;
const { tmp, serve } = cliTestBed();

const HEADER =
  "customerAccountId,customerName,parentAccountId,customerTenantId,partnerId,partnerName,relationshipType,status,startDate,endDate,externalReference,source";
const PARTNER = "b1000000-0000-4000-8000-000000000001";

async function runAs(base: Privilege[]) {
  server = await serve(
    webApiServer({ emulator: demoDataverse(), token: TOKEN, users: { [APP_TOKEN]: appUser(base) } }),
  );
  const env = { PARTNERGUARD_ACCESS_TOKEN: APP_TOKEN };
  const feed = tmp.write(
    "partners.csv",
    [
      HEADER,
      `${DEMO.woodgrove},Woodgrove Foods,,,${PARTNER},Harbor Computer Services,csp-reseller,active,2026-01-01,,PC-WOODGROVE,Partner Center export`,
    ].join("\n"),
  );
  const list = tmp.write("list.csv", `accountId\n${DEMO.woodgrove}\n${DEMO.contoso}\n`);
  const url = server.url;
  return {
    sync: await runCli(["sync", feed, "--env", url], { env }),
    snapshot: await runCli(["sync", feed, "--env", url, "--full-snapshot", "--dry-run"], { env }),
    check: await runCli(["check", DEMO.woodgrove, "--env", url, "--as-of", DEMO_NOW], { env }),
    vet: await runCli(["vet", list, "--env", url, "--as-of", DEMO_NOW, "--json"], { env }),
    policy: await runCli(["policy", "check", "--env", url], { env }),
    verdicts: await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW], { env }),
  };
}

test("PartnerGuard Administrator plus the documented privileges runs sync, check, vet, policy check and sync --verdicts", async () => {
  const privileges = documentedPrivileges();
  expect(privileges.length).toBeGreaterThan(0);
  const runs = await runAs(privileges);
  for (const [name, run] of Object.entries(runs)) expect(`${name}: ${run.code} ${run.stderr}`).toMatch(/^\w+: 0 /);
  expect(runs.sync.stdout).toMatch(/1 created/);
  expect(runs.check.stdout).toContain("Partner of record: Harbor Computer Services");
  expect(runs.verdicts.stdout).toMatch(/ 0 unchanged; now /);
  expect(server!.requests.some((r) => r.method === "PATCH" && r.headers.authorization === `Bearer ${APP_TOKEN}`)).toBe(
    true,
  );
}, 90_000); // six commands spawned one after the other

test("without them, the commands that read accounts fail with Dataverse's privilege error (exit 3)", async () => {
  const runs = await runAs([]);
  expect(runs.check.code).toBe(ExitCode.environment);
  expect(runs.check.stderr).toMatch(/missing prvReadAccount privilege/);
  expect(runs.vet.code).not.toBe(ExitCode.ok);
  expect(runs.verdicts.code).toBe(ExitCode.environment);
}, 90_000);

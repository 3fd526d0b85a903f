/** `partnerguard policy check`, spawned for real: a file, and the environment variable on a Web API on 127.0.0.1. */
import { DEFAULT_POLICY, parsePolicy } from "../../src/core/policy";
import { EnvironmentVariables } from "../../src/schema";
import { ExitCode } from "../../cli/exitCodes";
import { cliTestBed, demoDataverse, demoServer, runCli } from "./helpers/cli";

const { tmp, serve } = cliTestBed();

const MISTAKES = JSON.stringify({
  expiringSoonDays: 500,
  hierarchy: { enabled: "no" },
  onSourceFailure: "open",
  graphEnabled: true,
  exceptions: { defaultDays: 40 },
});

/** An environment whose variables hold these values (definition default, and a current value over it). */
async function serverWith(values: Record<string, { default?: string; value?: string }>) {
  const emulator = demoDataverse();
  let n = 0;
  for (const [name, v] of Object.entries(values)) {
    n++;
    const defId = `e1000000-0000-4000-8000-00000000000${n}`;
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: defId,
      schemaname: name,
      ...(v.default !== undefined ? { defaultvalue: v.default } : {}),
    });
    if (v.value !== undefined)
      emulator.insert("environmentvariablevalue", {
        environmentvariablevalueid: `e2000000-0000-4000-8000-00000000000${n}`,
        environmentvariabledefinitionid: { $lookup: "environmentvariabledefinition", id: defId },
        value: v.value,
      });
  }
  return demoServer({ emulator });
}

describe("partnerguard policy check <file>", () => {
  test("a clean policy: exit 0, nothing ignored, the effective values with the defaults marked", async () => {
    const file = tmp.write(
      "policy.json",
      JSON.stringify({ expiringSoonDays: 60, relationshipTypes: [{ type: "pal", blocks: false }] }),
    );
    const run = await runCli(["policy", "check", file]);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain("Nothing is ignored.");
    expect(run.stdout).toMatch(/^ {2}expiringSoonDays: 60$/m);
    expect(run.stdout).toMatch(/^ {2}freshnessSeconds: 30 {2}\(default\)$/m);
    // The listed type first, then the others in their default order.
    expect(run.stdout).toMatch(/^ {4}1\. pal does not block$/m);
    expect(run.stdout).toMatch(/^ {4}2\. csp-reseller blocks$/m);
    expect(run.stderr).toBe("");
  });

  test("mistakes: every problem the control's parser reports is printed, the defaults apply, exit 2 (not 1)", async () => {
    const file = tmp.write("policy.json", MISTAKES);
    const run = await runCli(["policy", "check", file]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.code).not.toBe(ExitCode.blocked);
    const { problems } = parsePolicy(MISTAKES);
    expect(problems.length).toBe(5);
    expect(run.stdout).toContain(`${problems.length} problems: the control ignores these values`);
    for (const p of problems) expect(run.stdout).toContain(`  - ${p}`);
    expect(run.stdout).toContain("graphEnabled: unknown setting, ignored");
    expect(run.stdout).toMatch(/^ {2}expiringSoonDays: 30 {2}\(default\)$/m);
    expect(run.stdout).toMatch(/^ {2}onSourceFailure: fail-closed {2}\(default\)$/m);
    expect(run.stdout).toMatch(/^ {2}exceptions\.defaultDays: 30$/m);
  });

  test("--json: the problems and the whole effective policy", async () => {
    const file = tmp.write("policy.json", MISTAKES);
    const run = await runCli(["policy", "check", file, "--json"]);
    expect(run.code).toBe(ExitCode.usage);
    const report = JSON.parse(run.stdout);
    expect(report).toEqual({ from: file, ...parsePolicy(MISTAKES) });
    expect(report.policy.sourceTimeoutMs).toBe(DEFAULT_POLICY.sourceTimeoutMs);
  });

  test("not JSON, not an object, unreadable: each is reported as the control would, exit 2", async () => {
    const bad = await runCli(["policy", "check", tmp.write("p.json", "{oops")]);
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stdout).toMatch(/policy is not valid JSON .*; defaults apply/);
    const list = await runCli(["policy", "check", tmp.write("p.json", "[1]")]);
    expect(list.code).toBe(ExitCode.usage);
    expect(list.stdout).toContain("policy must be a JSON object; defaults apply");
    const missing = await runCli(["policy", "check", `${tmp.dir}/nope.json`]);
    expect(missing.code).toBe(ExitCode.usage);
    expect(missing.stderr).toMatch(/cannot read the policy .*nope\.json/);
  });

  test("an empty file is no policy: the defaults, exit 0", async () => {
    const run = await runCli(["policy", "check", tmp.write("p.json", "\n")]);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain("Nothing is ignored.");
  });

  test("neither a file nor --env, or both: usage error", async () => {
    const none = await runCli(["policy", "check"]);
    expect(none.code).toBe(ExitCode.usage);
    expect(none.stderr).toMatch(/give a policy file, or --env/);
    const both = await runCli(["policy", "check", tmp.write("p.json", "{}"), "--env", "http://127.0.0.1:9"]);
    expect(both.code).toBe(ExitCode.usage);
    expect(both.stderr).toMatch(/not both/);
  });
});

describe("partnerguard policy check --env", () => {
  test("reads the variable's current value over its default, through the control's configuration path", async () => {
    const server = await serve(
      serverWith({
        [EnvironmentVariables.policy]: { default: "{}", value: MISTAKES },
      }),
    );
    const run = await runCli(["policy", "check", "--env", server.url]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stdout).toContain(`Policy: ${EnvironmentVariables.policy} of ${server.url}\n`);
    for (const p of parsePolicy(MISTAKES).problems) expect(run.stdout).toContain(`  - ${p}`);
    expect(server.requests.map((r) => r.entitySet)).toEqual(["environmentvariabledefinitions"]);
    expect(server.requests.every((r) => r.method === "GET")).toBe(true);
  });

  test("a clean variable exits 0; pg_GraphEnabled decides graph.enabled over the policy, and the output says so", async () => {
    const server = await serve(
      serverWith({
        [EnvironmentVariables.policy]: { default: JSON.stringify({ graph: { enabled: false } }) },
        [EnvironmentVariables.graphEnabled]: { default: "yes" },
      }),
    );
    const run = await runCli(["policy", "check", "--env", server.url, "--json"]);
    expect(run.code).toBe(ExitCode.ok);
    const report = JSON.parse(run.stdout);
    expect(report.problems).toEqual([]);
    expect(report.policy.graph.enabled).toBe(true);
    expect(report.graphEnabledFrom).toBe(`${EnvironmentVariables.graphEnabled} = yes`);
  });

  test("no value in the environment: the defaults, exit 0", async () => {
    const server = await serve(demoServer());
    const run = await runCli(["policy", "check", "--env", server.url]);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain("(no value: the defaults apply)");
  });

  test("a sign-in Dataverse refuses: exit 3, nothing on stdout", async () => {
    const server = await serve(demoServer());
    const run = await runCli(["policy", "check", "--env", server.url], {
      env: { PARTNERGUARD_ACCESS_TOKEN: "not-the-token" },
    });
    expect(run.code).toBe(ExitCode.environment);
    expect(run.stderr).toMatch(/cannot read the environment variables of/);
    expect(run.stdout).toBe("");
  });
});

/**
 * `partnerguard policy check <file|--env>`: the policy JSON through the parser the control uses
 * (src/core/policy.ts), so an admin sees what would be ignored before sellers' cards show it.
 * Prints every ignored value and the effective policy; exits 0 when nothing is ignored, 2 (input
 * error, never 1, which means "blocked") when something is, 3 when Dataverse cannot be read.
 */
import { Command } from "commander";
import { CommandError, ExitCode, usageError } from "../exitCodes";
import { CONNECTION, ConnectionOptions, addOptions } from "../options";
import { Io } from "../io";
import { Result, ResultSink } from "../result";
import { connect, readInput } from "../connect";
import { DEFAULT_POLICY, Policy, parsePolicy } from "../../src/core/policy";
import { configFromRead, readConfigValues } from "../../src/sources/configSource";
import { EnvironmentVariables } from "../../src/schema";

const POLICY = "policy";

interface PolicyCheckOptions extends ConnectionOptions {
  json?: boolean;
}

/** What was checked and what the control would make of it. */
interface PolicyCheckReport {
  from: string;
  /** One line per value the parser ignores (the default applies instead). */
  problems: string[];
  policy: Policy;
  /** Set when pg_GraphEnabled decides graph.enabled instead of the policy (online only). */
  graphEnabledFrom?: string;
}

export function policyCommand(io: () => Io, sink: ResultSink): Command {
  const check = new Command("check")
    .description(
      "validate a policy JSON with the control's own parser: print every value it would ignore and the effective policy",
    )
    .argument("[file]", "policy JSON file (or give --env to check the environment's pg_PartnerGuardPolicy)")
    .addHelpText(
      "after",
      `
Exit codes: 0 nothing is ignored, 2 some values are ignored (or the file cannot be read),
3 the environment could not be read.

Examples:
  partnerguard policy check policy.json
  partnerguard policy check --env https://contoso.crm.dynamics.com --json`,
    );
  addOptions(check, [...CONNECTION, "json"]);
  check.action(async (file: string | undefined, options: PolicyCheckOptions) => {
    sink.result = await runPolicyCheck(io(), file, options);
  });
  return new Command(POLICY)
    .description("check the policy JSON (pg_PartnerGuardPolicy) before sellers see its mistakes")
    .addCommand(check.exitOverride());
}

async function runPolicyCheck(io: Io, file: string | undefined, options: PolicyCheckOptions): Promise<Result> {
  if (file && options.env) return usageError("give either a policy file or --env, not both");
  if (!file && !options.env)
    return usageError("give a policy file, or --env <url> to check the environment's variable");
  const report = file ? fromFile(io, file) : await fromEnvironment(io, options);
  if (report instanceof CommandError) return report;
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else printReport(io, report);
  return report.problems.length ? ExitCode.usage : ExitCode.ok;
}

function fromFile(io: Io, file: string): PolicyCheckReport | CommandError {
  const text = readInput(io, file, "policy");
  if (text instanceof CommandError) return text;
  // The text exactly as the control would receive it from the environment variable.
  const { policy, problems } = parsePolicy(text.trim() === "" ? undefined : text);
  return { from: file, problems, policy };
}

async function fromEnvironment(io: Io, options: PolicyCheckOptions): Promise<PolicyCheckReport | CommandError> {
  const host = connect(options, io);
  if (host instanceof CommandError) return host;
  const where = options.env ?? host.baseUrl;
  const read = await readConfigValues(host);
  if (!read.ok)
    return new CommandError(
      `cannot read the environment variables of ${where}: ${read.failure.message}`,
      ExitCode.environment,
    );
  // The control's own path from raw values to configuration, pg_GraphEnabled included.
  const config = configFromRead(read);
  const name = EnvironmentVariables.policy;
  const set = read.values[name] !== undefined && read.values[name].trim() !== "";
  const graphFlag = read.values[EnvironmentVariables.graphEnabled];
  return {
    from: set ? `${name} of ${where}` : `${name} of ${where} (no value: the defaults apply)`,
    problems: config.policyProblems,
    policy: config.policy,
    ...(graphFlag !== undefined ? { graphEnabledFrom: `${EnvironmentVariables.graphEnabled} = ${graphFlag}` } : {}),
  };
}

/** `key: value` lines of the effective policy, each marked when it is the default. */
function effectiveLines(policy: Policy): string[] {
  const lines: string[] = [];
  const mark = (same: boolean) => (same ? "  (default)" : "");
  const rules = policy.relationshipTypes.map(
    (r) =>
      `${r.type}${r.blocks ? " blocks" : " does not block"}${r.protectionDays ? `, ${r.protectionDays} days` : ""}`,
  );
  const defaultRules = DEFAULT_POLICY.relationshipTypes;
  const sameRules = JSON.stringify(policy.relationshipTypes) === JSON.stringify(defaultRules);
  lines.push(`relationshipTypes, first blocking type wins${sameRules ? " (default)" : ""}:`);
  rules.forEach((rule, i) => lines.push(`  ${i + 1}. ${rule}`));
  const flat = (p: Policy): [string, unknown][] => [
    ["expiringSoonDays", p.expiringSoonDays],
    ["hierarchy.enabled", p.hierarchy.enabled],
    ["hierarchy.maxDepth", p.hierarchy.maxDepth],
    ["onSourceFailure", p.onSourceFailure],
    ["unknownRelationshipType", p.unknownRelationshipType],
    ["graph.enabled", p.graph.enabled],
    ["sourceTimeoutMs", p.sourceTimeoutMs],
    ["freshnessSeconds", p.freshnessSeconds],
    ["exceptions.defaultDays", p.exceptions.defaultDays],
    ["exceptions.maxDays", p.exceptions.maxDays],
    ["exceptions.minJustificationLength", p.exceptions.minJustificationLength],
  ];
  const defaults = new Map(flat(DEFAULT_POLICY));
  for (const [key, value] of flat(policy)) lines.push(`${key}: ${String(value)}${mark(defaults.get(key) === value)}`);
  return lines;
}

function printReport(io: Io, report: PolicyCheckReport): void {
  io.out(`Policy: ${report.from}`);
  if (report.problems.length) {
    const n = report.problems.length;
    io.out(`${n} ${n === 1 ? "problem" : "problems"}: the control ignores these values (and uses the default):`);
    for (const p of report.problems) io.out(`  - ${p}`);
  } else io.out("Nothing is ignored.");
  io.out("\nEffective policy:");
  for (const line of effectiveLines(report.policy)) io.out(`  ${line}`);
  if (report.graphEnabledFrom) io.out(`  (graph.enabled comes from ${report.graphEnabledFrom}, not from the policy)`);
}

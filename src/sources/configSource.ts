/**
 * The admin's configuration lives in environment variables of the solution. One FetchXML request
 * reads every PartnerGuard variable with its current value; the result is kept for the browser
 * session so that later form loads cost no request for it.
 */
import { EnvironmentVariables } from "../schema";
import { Policy, parsePolicy } from "../core/policy";
import { WebApiHost, xmlAttr } from "./webApi";
import { toFailure } from "./failures";
import { SourceFailure } from "../core/types";

export interface PartnerGuardConfig {
  policy: Policy;
  /** Problems found in the policy JSON; the verdict card shows them to admins. */
  policyProblems: string[];
  graphEnabled: boolean;
  graphClientId?: string;
  graphTenantId?: string;
  /** Scopes asked for the Graph token; absent when the environment variable is unset. */
  graphScopes?: string[];
  /** Set when the configuration could not be read and defaults apply. */
  failure?: SourceFailure;
}

export function buildConfigFetchXml(): string {
  const names = Object.values(EnvironmentVariables)
    .map((n) => `<value>${xmlAttr(n)}</value>`)
    .join("");
  return (
    `<fetch version="1.0" no-lock="true">` +
    `<entity name="environmentvariabledefinition"><attribute name="schemaname"/><attribute name="defaultvalue"/>` +
    `<filter><condition attribute="schemaname" operator="in">${names}</condition></filter>` +
    `<link-entity name="environmentvariablevalue" from="environmentvariabledefinitionid" to="environmentvariabledefinitionid" link-type="outer" alias="v">` +
    `<attribute name="value"/></link-entity></entity></fetch>`
  );
}

export function configFromValues(values: Map<string, string>): PartnerGuardConfig {
  const { policy, problems } = parsePolicy(values.get(EnvironmentVariables.policy));
  const graphFlag = values.get(EnvironmentVariables.graphEnabled);
  const graphEnabled = graphFlag === undefined ? policy.graph.enabled : /^(yes|true|1)$/i.test(graphFlag.trim());
  return {
    policy: { ...policy, graph: { enabled: graphEnabled } },
    policyProblems: problems,
    graphEnabled,
    graphClientId: values.get(EnvironmentVariables.graphClientId),
    graphTenantId: values.get(EnvironmentVariables.graphTenantId),
    graphScopes: values
      .get(EnvironmentVariables.graphScopes)
      ?.split(/[\s,]+/)
      .filter((s) => s !== ""),
  };
}

/** The raw values of PartnerGuard's environment variables (current value, else default), or why they could not be read. */
export type ConfigValues = { ok: true; values: Record<string, string> } | { ok: false; failure: SourceFailure };

export async function readConfigValues(host: WebApiHost): Promise<ConfigValues> {
  try {
    const result = await host.retrieveMultipleRecords(
      "environmentvariabledefinition",
      `?fetchXml=${buildConfigFetchXml()}`,
    );
    const values: Record<string, string> = {};
    for (const row of result.entities) {
      const name = row.schemaname;
      const value = typeof row["v.value"] === "string" ? row["v.value"] : row.defaultvalue;
      if (typeof name === "string" && typeof value === "string") values[name] = value;
    }
    return { ok: true, values };
  } catch (error) {
    return { ok: false, failure: toFailure(error) };
  }
}

/** The configuration from raw values: the one parser every face uses, whether they came from Dataverse or a cache. */
export function configFromRead(read: ConfigValues): PartnerGuardConfig {
  // Defaults are fail-closed, so an unreadable configuration never opens outreach.
  if (!read.ok) return { ...configFromValues(new Map()), failure: read.failure };
  return configFromValues(new Map(Object.entries(read.values)));
}

export async function readConfig(host: WebApiHost): Promise<PartnerGuardConfig> {
  return configFromRead(await readConfigValues(host));
}

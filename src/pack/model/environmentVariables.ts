/** Environment variables of the solution with their defaults (type codes of EnvironmentVariableDefinition). */
import { DEFAULT_POLICY } from "../../core/policy";
import { EnvironmentVariables } from "../../schema";

export const EnvVarType = { string: 100000000, number: 100000001, boolean: 100000002, json: 100000003 } as const;

export interface EnvironmentVariableDefinition {
  schemaName: string;
  displayName: string;
  description: string;
  type: (typeof EnvVarType)[keyof typeof EnvVarType];
  /** Absent: no default, the admin supplies a value after import. */
  defaultValue?: string;
}

export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariableDefinition[] = [
  {
    schemaName: EnvironmentVariables.policy,
    displayName: "PartnerGuard policy",
    description: "Rules of engagement as JSON (see the README). Anything left out keeps its default.",
    type: EnvVarType.json,
    defaultValue: JSON.stringify(DEFAULT_POLICY),
  },
  {
    schemaName: EnvironmentVariables.graphEnabled,
    displayName: "PartnerGuard: Microsoft Graph enabled",
    description: "Ask Microsoft Graph (GDAP relationships, CSP contracts) when the account has a tenant id.",
    type: EnvVarType.boolean,
    defaultValue: "no",
  },
  {
    schemaName: EnvironmentVariables.graphClientId,
    displayName: "PartnerGuard: Graph app (client) id",
    description: "Application (client) id of the Entra app registration PartnerGuard signs in with.",
    type: EnvVarType.string,
  },
  {
    schemaName: EnvironmentVariables.graphTenantId,
    displayName: "PartnerGuard: partner tenant id",
    description: "Entra tenant id of the partner-side tenant whose GDAP relationships and contracts are read.",
    type: EnvVarType.string,
  },
  {
    schemaName: EnvironmentVariables.graphScopes,
    displayName: "PartnerGuard: Graph scopes",
    description:
      "Space-separated delegated scopes to request; empty means the three least-privileged read permissions.",
    type: EnvVarType.string,
  },
];

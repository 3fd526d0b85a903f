/**
 * People, rows and an HTTP caller for platformBehaviours.test.ts: an org with two business units
 * (East under the root, and East's child East-North), the shipped roles and profiles, and
 * a Salesperson-like base role that writes and merges accounts where a test needs it.
 */
import { DataverseEmulator, Record_ } from "../../src/emulator/dataverseEmulator";
import { TABLES } from "../../src/emulator/fromFeed";
import { OrgPrivileges, Persona, SALES_BASE_PRIVILEGES } from "../../src/emulator/security";
import { WebApiServer, startWebApiServer } from "../../src/emulator/webApiServer";
import { Action, Depth, Privilege } from "../../src/pack/model/roles";
import { Account, DecisionCodes, OutreachDecision, OutreachExceptionTable } from "../../src/schema";
import { Row } from "../../src/sources/webApi";

export const NOW = Date.parse("2026-11-24T12:00:00Z");
export const ISO_NOW = new Date(NOW).toISOString();
export const EAST = "b0000000-0000-4000-8000-0000000000e1";
export const EAST_NORTH = "b0000000-0000-4000-8000-0000000000e2";

export const account = (depth: Depth, ...actions: Action[]): Privilege[] =>
  actions.map((a) => ({ name: `prv${a}Account`, depth }));
export const org = (name: string): Privilege => ({ name, depth: "Global" });

/** What merging accounts needs besides prvMerge (merge-entity-using-web-api). */
export const MERGE_ACCOUNTS: Privilege[] = [
  org(OrgPrivileges.merge),
  ...account("Global", "Read", "Write", "Append", "AppendTo", "Share"),
];

let n = 0;
export function persona(
  name: string,
  roles: Persona["roles"],
  extra: Privilege[] = [],
  more: Partial<Persona> = {},
): Persona {
  n++;
  return {
    id: `cccccccc-0000-4000-8000-${String(n).padStart(12, "0")}`,
    name,
    roles,
    fieldSecurityProfiles: [...roles],
    base: [...SALES_BASE_PRIVILEGES, ...extra],
    ...more,
  };
}

export const user = (p: Persona) => ({ $lookup: "systemuser", id: p.id });
export const accountRef = (id: string) => ({ $lookup: Account.logicalName, id });

export function newOrg(): DataverseEmulator {
  const emulator = new DataverseEmulator(TABLES, { clock: () => NOW });
  emulator.businessUnits.define(EAST);
  emulator.businessUnits.define(EAST_NORTH, EAST);
  return emulator;
}

export const row = (e: DataverseEmulator, table: string, id: string): Record_ | undefined =>
  e.table(table).find((r) => r[TABLES[table].primaryId] === id);

export const requestBody = (accountId: string, extra: Row = {}): Row => ({
  [OutreachExceptionTable.name]: "Call the customer",
  [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/${Account.entitySet}(${accountId})`,
  [OutreachExceptionTable.justification]: "The CIO asked us to call about the renewal.",
  [OutreachExceptionTable.requestedFor]: accountId,
  [OutreachExceptionTable.requestedDays]: 7,
  ...extra,
});

export const decisionBody = (requestId: string, extra: Row = {}): Row => ({
  [OutreachDecision.name]: "Approved",
  [`${OutreachDecision.exceptionNav}@odata.bind`]: `/${OutreachExceptionTable.entitySet}(${requestId})`,
  [OutreachDecision.decision]: DecisionCodes.approved,
  [OutreachDecision.days]: 7,
  ...extra,
});

export const fetchXml = (entity: string, inner: string) =>
  `?fetchXml=<fetch><entity name="${entity}">${inner}</entity></fetch>`;

/** The emulator behind HTTP, and a caller that sends one request with a token and extra headers. */
export async function overHttp(emulator: DataverseEmulator, users: Record<string, Persona>) {
  const server: WebApiServer = await startWebApiServer({ emulator, token: "system-token", users, checkQuery: false });
  const call = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/data/v9.2/${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { server, call };
}

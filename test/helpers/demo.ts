import { readFileSync } from "fs";
import { join } from "path";
import { parseFeed } from "../../src/sources/feedFile";
import { emulatorFromFeed } from "../../src/emulator/fromFeed";
import { DataverseEmulator, EmulatorOptions } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona } from "../../src/emulator/security";
import { DecisionCodes, EnvironmentVariables, OutreachDecision, OutreachExceptionTable } from "../../src/schema";

export const DEMO = {
  contoso: "a1000000-0000-4000-8000-000000000001",
  litware: "a1000000-0000-4000-8000-000000000003",
  tailspin: "a1000000-0000-4000-8000-000000000004",
  woodgrove: "a1000000-0000-4000-8000-000000000005",
  alpine: "a1000000-0000-4000-8000-000000000006",
  coho: "a1000000-0000-4000-8000-000000000007",
  wideWorld: "a1000000-0000-4000-8000-000000000008",
  fabrikamHoldings: "a1000000-0000-4000-8000-000000000010",
  fabrikamEurope: "a1000000-0000-4000-8000-000000000011",
};

export function demoEmulator(options: EmulatorOptions = {}) {
  const { rows, errors } = parseFeed(readFileSync(join(__dirname, "../../data/demo-feed.csv"), "utf8"));
  if (errors.length) throw new Error(`demo feed: ${JSON.stringify(errors)}`);
  return emulatorFromFeed(rows, options);
}

/** A 7-day exception the asker requested on the account, approved by the approver persona. */
export async function approveExceptionOn(emulator: DataverseEmulator, account: string, asker: Persona) {
  const request = await emulator.as(asker).createRecord(OutreachExceptionTable.logicalName, {
    [OutreachExceptionTable.name]: "Exception request",
    [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${account})`,
    [OutreachExceptionTable.requestedFor]: account,
    [OutreachExceptionTable.requestedDays]: 7,
  });
  await emulator.as(PERSONAS.approver).createRecord(OutreachDecision.logicalName, {
    [OutreachDecision.name]: "Exception approved",
    [`${OutreachDecision.exceptionNav}@odata.bind`]: `/pg_outreachexceptions(${request.id})`,
    [OutreachDecision.decision]: DecisionCodes.approved,
    [OutreachDecision.days]: 7,
  });
}

/** Microsoft Graph switched on in the org's environment variables, with a client id and a tenant id as an admin sets them. */
export function withGraphOn(emulator: DataverseEmulator): DataverseEmulator {
  for (const [i, [schemaname, defaultvalue]] of [
    [EnvironmentVariables.graphEnabled, "yes"],
    [EnvironmentVariables.graphClientId, "0f0e0d0c-0000-4000-8000-000000000001"],
    [EnvironmentVariables.graphTenantId, "0f0e0d0c-0000-4000-8000-000000000002"],
  ].entries())
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: `e9000000-0000-4000-8000-00000000001${i}`,
      schemaname,
      defaultvalue,
    });
  return emulator;
}

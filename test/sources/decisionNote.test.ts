/**
 * What a seller is told of a rejection comes from Dataverse: the decision's server-set creator
 * (its formatted name), its `createdon` and the approver's note, read in the decisions' query.
 */
import { readDataverse } from "../../src/sources/dataverseSource";
import { DecisionCodes, OutreachDecision, OutreachExceptionTable } from "../../src/schema";
import { PERSONAS } from "../../src/emulator/personas";
import { DEMO, demoEmulator } from "../helpers/demo";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const REQUEST = "f0000000-0000-4000-8000-0000000000a1";
const NOTE = "Harbor's renewal is open until March.\n<b>Call Harbor</b> first & copy me.";

async function rejected(note: string | undefined) {
  const emulator = demoEmulator();
  emulator.insert(OutreachExceptionTable.logicalName, {
    [OutreachExceptionTable.id]: REQUEST,
    [OutreachExceptionTable.account]: { $lookup: "account", id: DEMO.contoso },
    [OutreachExceptionTable.requestedFor]: DEMO.contoso,
    [OutreachExceptionTable.requestedDays]: 14,
    createdby: { $lookup: "systemuser", id: PERSONAS.seller.id },
    createdon: "2026-11-20T09:00:00Z",
  });
  // The approver decides as the approver (roles enforced): createdby and createdon are the server's.
  await emulator.as(PERSONAS.approver).createRecord(OutreachDecision.logicalName, {
    [`${OutreachDecision.exceptionNav}@odata.bind`]: `/${OutreachExceptionTable.entitySet}(${REQUEST})`,
    [OutreachDecision.decision]: DecisionCodes.rejected,
    ...(note === undefined ? {} : { [OutreachDecision.note]: note }),
  });
  const outcome = await readDataverse(emulator, DEMO.contoso, { now: NOW });
  if (!outcome.ok) throw new Error("expected ok");
  return { emulator, requests: outcome.exceptions ?? [] };
}

describe("decisions as read for the card", () => {
  test("a rejection comes with the approver's name, its time and the note exactly as typed", async () => {
    const { requests } = await rejected(NOTE);
    expect(requests).toHaveLength(1);
    const [decision] = requests[0].decisions;
    expect(decision).toMatchObject({
      decision: "rejected",
      createdBy: PERSONAS.approver.id,
      createdByName: PERSONAS.approver.name,
      note: NOTE,
    });
    expect(Number.isNaN(Date.parse(decision.createdOn ?? ""))).toBe(false);
  });

  test("the decisions' query selects the note", async () => {
    const { emulator } = await rejected(NOTE);
    const query =
      emulator.requests.find(
        (r) => r.entity === OutreachDecision.logicalName && r.operation === "retrieveMultipleRecords",
      )?.options ?? "";
    const entity = /<entity name="pg_outreachdecision">(.*?)<link-entity/.exec(decodeURIComponent(query));
    expect(entity?.[1]).toContain(`<attribute name="${OutreachDecision.note}"/>`);
  });

  test("a decision without a note has none (not an empty string)", async () => {
    const { requests } = await rejected(undefined);
    expect(requests[0].decisions[0].note).toBeUndefined();
    expect(requests[0].decisions[0].createdByName).toBe(PERSONAS.approver.name);
  });
});

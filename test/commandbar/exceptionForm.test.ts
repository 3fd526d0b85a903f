import { onSave, SaveEventLike } from "../../webresource/exceptionForm";
import { ExceptionStatusCodes } from "../../src/schema";
import { resxStrings } from "../helpers/strings";

const SELLER = "11111111-1111-4111-8111-111111111111";
const APPROVER = "22222222-2222-4222-8222-222222222222";
const strings = resxStrings(1033);

/** The exception form as the approver saves it: values, which ones changed, notifications, prevented saves. */
function saveEvent(values: Record<string, unknown>, dirty: string[]) {
  const notifications: string[] = [];
  let prevented = false;
  const event: SaveEventLike = {
    getFormContext: () => ({
      getAttribute: (name: string) =>
        name in values
          ? { getValue: () => values[name], setValue: (v: unknown) => void (values[name] = v), getIsDirty: () => dirty.includes(name) }
          : null,
      ui: {
        setFormNotification: (message: string) => notifications.push(message) > 0,
        clearFormNotification: () => true,
      },
    }),
    getEventArgs: () => ({ preventDefault: () => void (prevented = true) }),
  };
  return { event, values, notifications, prevented: () => prevented };
}

const host = (userId: string) => ({ getString: (k: string) => strings.get(k) ?? "", userId: `{${userId.toUpperCase()}}` });
const NOW = Date.parse("2026-11-24T12:00:00Z");

describe("PartnerGuard.Exception.onSave", () => {
  const base = () => ({
    pg_exceptionstatus: ExceptionStatusCodes.approved,
    pg_requesterid: [{ id: `{${SELLER.toUpperCase()}}`, entityType: "systemuser", name: "Avery Seller" }],
    pg_requesteddays: 7,
    pg_approverid: null,
    pg_validuntil: null,
  });

  test("the requester cannot approve their own request: the save is stopped and the form says why", () => {
    const s = saveEvent(base(), ["pg_exceptionstatus"]);
    expect(onSave(host(SELLER), s.event, () => NOW)).toBe("refused");
    expect(s.prevented()).toBe(true);
    expect(s.notifications).toEqual(["You cannot approve or reject your own request."]);
    expect(s.values.pg_validuntil).toBeNull();
  });

  test("an approver's approval sets the approver and the end: now + the requested days", () => {
    const s = saveEvent(base(), ["pg_exceptionstatus"]);
    expect(onSave(host(APPROVER), s.event, () => NOW)).toBe("saved");
    expect(s.prevented()).toBe(false);
    expect(s.values.pg_approverid).toEqual([{ id: APPROVER, entityType: "systemuser" }]);
    expect((s.values.pg_validuntil as Date).toISOString()).toBe("2026-12-01T12:00:00.000Z");
  });

  test("a rejection records the approver and no end", () => {
    const s = saveEvent({ ...base(), pg_exceptionstatus: ExceptionStatusCodes.rejected }, ["pg_exceptionstatus"]);
    expect(onSave(host(APPROVER), s.event, () => NOW)).toBe("saved");
    expect(s.values.pg_approverid).toEqual([{ id: APPROVER, entityType: "systemuser" }]);
    expect(s.values.pg_validuntil).toBeNull();
  });

  test("saving without a decision changes nothing", () => {
    const s = saveEvent({ ...base(), pg_exceptionstatus: ExceptionStatusCodes.pending }, ["pg_justification"]);
    expect(onSave(host(SELLER), s.event, () => NOW)).toBe("unchanged");
    expect(s.prevented()).toBe(false);
  });
});

/**
 * A switchable refusal for the emulator's `fault` option: while `on`, every `operation` on
 * `entity` is answered with `answer` (a status and message, as Dataverse would send them).
 *
 *   const refuse = refusal("createRecord", AppNotification.logicalName, TOO_MANY, { on: false });
 *   const emulator = demoEmulator({ fault: refuse.fault });
 *   refuse.on = true; // from here on the server refuses
 */
import { EmulatorOptions } from "../../src/emulator/dataverseEmulator";
import { OutreachAudit } from "../../src/schema";

type Answer = { status: number; message: string };

export const SERVICE_UNAVAILABLE: Answer = { status: 503, message: "Service Unavailable" };
export const TOO_MANY_REQUESTS: Answer = { status: 429, message: "Too many requests" };

type FaultOf = NonNullable<EmulatorOptions["fault"]>;

export interface Refusal {
  /** Whether the server refuses now. */
  on: boolean;
  /** The emulator's `fault` option. */
  fault: FaultOf;
}

export function refusal(operation: string, entity: string, answer: Answer, options: { on?: boolean } = {}): Refusal {
  const switchable: Refusal = {
    on: options.on ?? true,
    fault: (r) => (switchable.on && r.operation === operation && r.entity === entity ? answer : undefined),
  };
  return switchable;
}

/** The audit store refuses (503, "audit store unavailable") every outreach audit entry that names `account`. */
export function auditRefusedFor(account: string): FaultOf {
  return (r) =>
    r.operation === "createRecord" && r.entity === OutreachAudit.logicalName && JSON.stringify(r.data).includes(account)
      ? { status: 503, message: "audit store unavailable" }
      : undefined;
}

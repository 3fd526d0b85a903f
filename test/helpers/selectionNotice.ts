/**
 * The one notification a grid rule shows about a mixed selection (webresource/grid.ts), as the seller
 * meets it: a warning with a "Show why" action that tells why from the answer the rule already had.
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { Recorded } from "./xrm";

const settle = () => new Promise((r) => setTimeout(r, 0));

/** Expects exactly that notification with `message`, selects "Show why" and expects no request: the alert's text. */
export async function showWhy(recorded: Recorded, emulator: DataverseEmulator, message: string): Promise<string> {
  expect(recorded.shownNotices).toHaveLength(1);
  const [notice] = [...recorded.notices.values()];
  expect(notice.message).toBe(message);
  expect(notice).toMatchObject({ type: 2, level: 3, showCloseButton: true, action: { actionLabel: "Show why" } });
  const before = emulator.requests.length;
  notice.action?.eventHandler?.();
  await settle();
  expect(emulator.requests).toHaveLength(before); // no extra request
  return recorded.alerts[0].text;
}

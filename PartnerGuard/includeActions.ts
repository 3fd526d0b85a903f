/**
 * Adapts the include-the-partner writes (src/sources/partnerActions) to the card: each acts on
 * the verdict on screen, and a successful write asks for a fresh verdict so the card (and, through
 * the shared registry, the command bar) shows what changed.
 */
import { IncludePartnerActions } from "./components/IncludePartner.types";
import { ActionContext, PartlySavedError, engagePartner, requestException } from "../src/sources/partnerActions";
import { withTimeout } from "../src/sources/failures";

/** Reading the history is on demand; a hung read must end in words, not a spinner forever. */
const HISTORY_TIMEOUT_MS = 15_000;

/** After a partial success the record exists: show it (e.g. the pending request), then tell what is missing. */
async function refreshingOnPartial<T>(work: Promise<T>, refresh: () => void): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PartlySavedError) refresh();
    throw error;
  }
}
import { readHistory } from "../src/sources/audit";
import { Resolution } from "../src/sources/resolver";
import { DEFAULT_POLICY } from "../src/core/policy";

export function includeActions(
  resolution: () => Resolution | undefined,
  context: () => ActionContext | undefined,
  refresh: () => void,
): IncludePartnerActions {
  const need = () => {
    const r = resolution();
    const c = context();
    if (!r || !c) throw new Error("the account is not loaded yet");
    return { r, c };
  };
  return {
    get limits() {
      return (resolution()?.config.policy ?? DEFAULT_POLICY).exceptions;
    },
    engage: async (note) => {
      const { r, c } = need();
      await refreshingOnPartial(engagePartner(c, r.verdict, note), refresh);
      refresh();
    },
    requestException: async (request) => {
      const { r, c } = need();
      const result = await refreshingOnPartial(requestException(c, r.verdict, r.config.policy, request), refresh);
      if (!result.ok) return { problems: result.problems, notified: true, unnotified: [] };
      refresh();
      const { notified, failed } = result.notified;
      return { problems: [], notified, unnotified: failed.map((f) => f.name ?? f.id) };
    },
    loadHistory: () => {
      const c = context();
      return c
        ? withTimeout(readHistory(c.host, c.accountId), HISTORY_TIMEOUT_MS, "reading the history")
        : Promise.resolve([]);
    },
  };
}

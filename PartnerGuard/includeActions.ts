/**
 * Adapts the include-the-partner writes (src/sources/partnerActions) to the card: each acts on
 * the verdict on screen, and a successful write asks for a fresh verdict so the card (and, through
 * the shared registry, the command bar) shows what changed.
 */
import { IncludePartnerActions } from "./components/IncludePartner.types";
import { ActionContext, engagePartner, requestException } from "../src/sources/partnerActions";
import { readHistory } from "../src/sources/audit";
import { Resolution } from "../src/sources/resolver";
import { DEFAULT_POLICY } from "../src/core/policy";

export function includeActions(resolution: () => Resolution | undefined, context: () => ActionContext | undefined, refresh: () => void): IncludePartnerActions {
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
      await engagePartner(c, r.verdict, note);
      refresh();
    },
    requestException: async (request) => {
      const { r, c } = need();
      const result = await requestException(c, r.verdict, r.config.policy, request);
      if (!result.ok) return result.problems;
      refresh();
      return [];
    },
    loadHistory: () => {
      const c = context();
      return c ? readHistory(c.host, c.accountId) : Promise.resolve([]);
    },
  };
}

/**
 * Account form OnLoad: join (or start) the form's shared resolution and refresh the command bar
 * when the verdict arrives or changes (Retry on the card, a fresh check by the command). Load
 * itself evaluates the rules, so nothing is refreshed unconditionally, and a verdict that had
 * already settled before OnLoad needs no refresh.
 */
import { replaceFormListener } from "../src/sources/sharedResolution";
import { CommandHost } from "./host";
import { FormLike, accountIdOf, resolveForAccount } from "./ribbon";

export function onLoad(host: CommandHost, form: FormLike): () => void {
  const accountId = accountIdOf(form);
  if (!accountId) return () => undefined;
  // refreshRibbon(false): this form's command bar only (true would refresh every bar on the page).
  // The previous record's listener goes: its form context is stale once another record is open.
  const unsubscribe = replaceFormListener(
    accountId,
    (_r, changed) => changed && form.ui.refreshRibbon(false),
    host.scope ?? globalThis,
  );
  resolveForAccount(host, form, accountId, false).catch(() => undefined); // errors are the card's to show
  return unsubscribe;
}

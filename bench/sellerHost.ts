/**
 * The command script's host as the client benches (selection, email, contacts) give it: the seller
 * persona, string keys for words, dialogs answered at once, nothing opened, no notification bar.
 */
import { PERSONAS } from "../src/emulator/personas";
import { WebApiHost } from "../src/sources/webApi";
import { CommandHost } from "../webresource/host";

/** `confirm`: the seller's answer to every confirm dialog. */
export function sellerHost(webApi: WebApiHost, confirm = false): CommandHost {
  return {
    webApi,
    getString: (key) => key,
    languageId: 1033,
    userId: PERSONAS.seller.id,
    openForm: () => Promise.resolve(undefined),
    alert: () => Promise.resolve(),
    confirm: () => Promise.resolve(confirm),
  };
}

/** Browser storage in memory: the configuration cache's localStorage. */
export function memoryStorage(): Pick<Storage, "getItem" | "setItem" | "removeItem"> {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

/**
 * The Graph source as a separately loaded script (web resource pg_/scripts/graph.js). pcf-scripts
 * bundles the control into one chunk (`import()` does not split it), and MSAL Browser with the
 * Graph client are most of that bundle, so they ship in their own web resource that the control
 * loads only when Graph applies to the account. What lives here is light: the contract between
 * the control and that script, the loader, and the rule "does Graph apply".
 */
import { isObject } from "../../core/json";
import type { PartnerGuardConfig } from "../configSource";
import type { ExtraSource } from "../resolver";
import type { GraphSourceDeps } from "./graphSource";
import type { InteractiveGraphAuth } from "./graphAuth";
import type { MsalBrowserOptions } from "./msalBrowserAuth";

/** What pg_/scripts/graph.js hands to the control. */
export interface GraphModule {
  createGraphSource(deps: GraphSourceDeps): ExtraSource;
  createMsalAuth(options: MsalBrowserOptions): InteractiveGraphAuth;
}

/**
 * Where the script leaves the module: a registered symbol on the window (no named global; the
 * command-bar script's `PartnerGuard` stays the only one).
 */
export const GRAPH_MODULE_KEY = Symbol.for("PartnerGuard.GraphModule.v1");

type Slot = { [GRAPH_MODULE_KEY]?: unknown };

function isGraphModule(value: unknown): value is GraphModule {
  return isObject(value) && typeof value.createGraphSource === "function" && typeof value.createMsalAuth === "function";
}

/** Called by pg_/scripts/graph.js when it runs. */
export function registerGraphModule(module: GraphModule, target: object = window): void {
  (target as Slot)[GRAPH_MODULE_KEY] = module;
}

export function graphApplies(config: PartnerGuardConfig, tenantId: string | undefined): boolean {
  return config.graphEnabled && tenantId !== undefined && tenantId.trim() !== "";
}

const loading = new Map<string, Promise<GraphModule>>();

/**
 * Loads the Graph script once per window (a `<script>` element, like any web resource a page
 * includes) and resolves to the module it registers. A failed load is forgotten, so the next
 * form load tries again.
 */
export function loadGraphModule(src: string, doc: Document = document): Promise<GraphModule> {
  const win = (doc.defaultView ?? window) as unknown as Slot;
  const present = win[GRAPH_MODULE_KEY];
  if (isGraphModule(present)) return Promise.resolve(present);
  let pending = loading.get(src);
  if (!pending) {
    pending = new Promise<GraphModule>((resolve, reject) => {
      const script = doc.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = () => {
        const module = win[GRAPH_MODULE_KEY];
        if (isGraphModule(module)) resolve(module);
        else reject(new Error(`${src} loaded but registered no Graph module`));
      };
      script.onerror = () => reject(new Error(`${src} could not be loaded`));
      doc.head.appendChild(script);
    });
    pending.catch(() => loading.delete(src));
    loading.set(src, pending);
  }
  return pending;
}

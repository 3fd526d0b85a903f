/**
 * pg_/scripts/graph.js: MSAL Browser and the Microsoft Graph client with PartnerGuard's Graph
 * source, loaded by the control only when Graph applies to the account (see
 * src/sources/graph/graphModule.ts). It registers itself under a window symbol; no global name.
 */
import { createGraphSource } from "../../src/sources/graph/graphSource";
import { MsalBrowserAuth } from "../../src/sources/graph/msalBrowserAuth";
import { registerGraphModule } from "../../src/sources/graph/graphModule";

registerGraphModule({ createGraphSource, createMsalAuth: (options) => new MsalBrowserAuth(options) });

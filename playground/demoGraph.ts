/**
 * Microsoft Graph in the playground: the control loads the shipped web resource
 * pg_/scripts/graph.js from the page's origin (as in Dynamics), and its Graph source talks to the
 * local emulator the playground server serves under /graph (plain HTTP on 127.0.0.1, so nothing
 * leaves the machine). The one stand-in is the token: a fixed demo token instead of MSAL, as there
 * is no Entra sign-in here. Over http the Graph client sends no Authorization header at all, so the
 * token never travels. `?graph=signed-out` starts signed out, to show "Connect to Microsoft Graph".
 */
import type { GraphOptions } from "../PartnerGuard/graphWiring";
import { StaticTokenAuth } from "../src/sources/graph/graphAuth";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { EnvironmentVariables } from "../src/schema";
import { DEMO_GRAPH_CLIENT_ID, DEMO_PARTNER_TENANT } from "../src/emulator/graphDemo";

/**
 * The control's Graph options for the page (passed to `new PartnerGuard({ graph })`): one demo
 * token for the page, so a control mounted again (another account, a language) stays connected.
 */
export function demoGraph(mode: string | null): GraphOptions {
  const auth = new StaticTokenAuth("playground-demo-token", mode !== "signed-out");
  return { baseUrl: `${window.location.origin}/graph`, createAuth: () => auth };
}

/** The admin's Graph settings as environment variables; only accounts with a tenant id use them. */
export function withGraphSettings(emulator: DataverseEmulator): DataverseEmulator {
  const settings: [string, string][] = [
    [EnvironmentVariables.graphEnabled, "yes"],
    [EnvironmentVariables.graphClientId, DEMO_GRAPH_CLIENT_ID],
    [EnvironmentVariables.graphTenantId, DEMO_PARTNER_TENANT],
  ];
  settings.forEach(([schemaname, defaultvalue], i) =>
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: `e9000000-0000-4000-8000-00000000000${i}`,
      schemaname,
      defaultvalue,
    }),
  );
  return emulator;
}

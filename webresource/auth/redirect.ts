/**
 * The page at the Graph sign-in's redirect URI (web resource pg_/auth/redirect.html, script
 * pg_/auth/redirect.js). MSAL Browser 5 completes popup and silent sign-in only when this page
 * hands Entra's answer back: `broadcastResponseToMainFrame` reads the response from the URL,
 * posts it on the BroadcastChannel the waiting form opened (named by the request's state), and
 * closes the popup. Nothing else runs here: no React, no Xrm, no PartnerGuard global.
 */
import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge";

broadcastResponseToMainFrame().catch((error: unknown) => {
  // Opened without a sign-in answer (by hand, or a stale bookmark): nothing to hand back. The
  // form that waits, if any, reports its own timeout; the console keeps the cause for an admin.
  console.warn("PartnerGuard sign-in page:", error instanceof Error ? error.message : String(error));
});

/** The Graph sign-in's redirect URI, without MSAL: the control computes it before MSAL is loaded. */
import { WebResources } from "../../schema";

/** The web resource that runs MSAL's redirect bridge, on the org's origin (what the admin registers). */
export function redirectUriFor(origin: string): string {
  return `${origin.replace(/\/+$/, "")}/WebResources/${WebResources.authRedirect}`;
}

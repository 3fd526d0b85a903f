/** The Graph sign-in's redirect URI, without MSAL: the control computes it before MSAL is loaded. */
import { WebResources } from "../../schema";

/** A web resource's URL under a base (the org's origin, or a path on it), trailing slashes of the base ignored. */
export function webResourceUrl(base: string, name: string): string {
  return `${base.replace(/\/+$/, "")}/WebResources/${name}`;
}

/** The web resource that runs MSAL's redirect bridge, on the org's origin (what the admin registers). */
export function redirectUriFor(origin: string): string {
  return webResourceUrl(origin, WebResources.authRedirect);
}

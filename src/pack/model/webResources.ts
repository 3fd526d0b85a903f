/** Web resources of the solution: where each one's content comes from at pack time. */
import { WebResources } from "../../schema";

/** WebResourceType codes of the platform (webresource.webresourcetype). */
export const WebResourceType = {
  html: 1,
  css: 2,
  jscript: 3,
  xml: 4,
  png: 5,
  jpg: 6,
  gif: 7,
  xap: 8,
  xsl: 9,
  ico: 10,
  svg: 11,
  resx: 12,
} as const;

export interface WebResourceDefinition {
  name: string;
  displayName: string;
  type: (typeof WebResourceType)[keyof typeof WebResourceType];
  /**
   * `built`: produced by a build into out/webresources/<name> (the command-bar script);
   * `source`: kept in Solution/WebResources/<name> (the icons).
   */
  origin: "built" | "source";
  /** RESX web resources this one reads with Xrm.Utility.getResourceString (its DependencyXml). */
  dependsOn?: { name: string; languageCode: number }[];
  /** The language of a RESX web resource. */
  languageCode?: number;
}

export const WEB_RESOURCES: readonly WebResourceDefinition[] = [
  {
    name: WebResources.commandScript,
    displayName: "PartnerGuard command bar",
    type: WebResourceType.jscript,
    origin: "built",
    dependsOn: [
      { name: WebResources.strings1033, languageCode: 1033 },
      { name: WebResources.strings1031, languageCode: 1031 },
    ],
  },
  {
    name: WebResources.strings1033,
    displayName: "PartnerGuard strings (English)",
    type: WebResourceType.resx,
    origin: "built",
    languageCode: 1033,
  },
  {
    name: WebResources.strings1031,
    displayName: "PartnerGuard strings (German)",
    type: WebResourceType.resx,
    origin: "built",
    languageCode: 1031,
  },
  // The Graph sign-in's redirect URI (MSAL's redirect bridge) and its script, built by
  // scripts/build-auth-redirect.mjs; a separate script so the page needs no inline code under a
  // strict Content Security Policy.
  {
    name: WebResources.authRedirect,
    displayName: "PartnerGuard Microsoft sign-in (redirect page)",
    type: WebResourceType.html,
    origin: "built",
  },
  {
    name: WebResources.authRedirectScript,
    displayName: "PartnerGuard Microsoft sign-in (redirect bridge)",
    type: WebResourceType.jscript,
    origin: "built",
  },
  // MSAL Browser + the Graph client, out of the control's bundle.js (pcf-scripts makes one chunk,
  // so import() cannot split it): the control loads this script only when Graph applies.
  {
    name: WebResources.graphScript,
    displayName: "PartnerGuard Microsoft Graph source",
    type: WebResourceType.jscript,
    origin: "built",
  },
  {
    name: WebResources.icon16,
    displayName: "PartnerGuard outreach icon 16",
    type: WebResourceType.svg,
    origin: "source",
  },
  {
    name: WebResources.icon32,
    displayName: "PartnerGuard outreach icon 32",
    type: WebResourceType.svg,
    origin: "source",
  },
];

/** Where built web resources land (scripts/build-webresource.mjs), relative to the repository. */
export const BUILT_WEB_RESOURCES_DIR = "out/webresources";

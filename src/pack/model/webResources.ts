/** Web resources of the solution: where each one's content comes from at pack time. */
import { WebResources } from "../../schema";

/** WebResourceType codes of the platform (webresource.webresourcetype). */
export const WebResourceType = { html: 1, css: 2, jscript: 3, xml: 4, png: 5, jpg: 6, gif: 7, xap: 8, xsl: 9, ico: 10, svg: 11, resx: 12 } as const;

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
  { name: WebResources.strings1033, displayName: "PartnerGuard strings (English)", type: WebResourceType.resx, origin: "built", languageCode: 1033 },
  { name: WebResources.strings1031, displayName: "PartnerGuard strings (German)", type: WebResourceType.resx, origin: "built", languageCode: 1031 },
  { name: WebResources.icon16, displayName: "PartnerGuard outreach icon 16", type: WebResourceType.svg, origin: "source" },
  { name: WebResources.icon32, displayName: "PartnerGuard outreach icon 32", type: WebResourceType.svg, origin: "source" },
];

/** Where built web resources land (scripts/build-webresource.mjs), relative to the repository. */
export const BUILT_WEB_RESOURCES_DIR = "out/webresources";

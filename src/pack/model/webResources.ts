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
}

export const WEB_RESOURCES: readonly WebResourceDefinition[] = [
  { name: WebResources.commandScript, displayName: "PartnerGuard command bar", type: WebResourceType.jscript, origin: "built" },
  { name: WebResources.icon16, displayName: "PartnerGuard outreach icon 16", type: WebResourceType.svg, origin: "source" },
  { name: WebResources.icon32, displayName: "PartnerGuard outreach icon 32", type: WebResourceType.svg, origin: "source" },
];

/** Where built web resources land (scripts/build-webresource.mjs), relative to the repository. */
export const BUILT_WEB_RESOURCES_DIR = "out/webresources";

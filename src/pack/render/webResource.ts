/** WebResources/<name>.data.xml: a web resource's metadata, its content sits beside it or in out/. */
import { el, XmlElement } from "../xml";
import { stableGuid } from "../guid";
import { WebResourceDefinition } from "../model/webResources";
import { INTRODUCED_VERSION } from "./attributes";

const webResourceId = (name: string): string => stableGuid("webresource", name);

/**
 * The file inside the zip: the name without `/` and `.`, then the id, no extension (what the
 * platform writes, platform-facts D4). `<FileName>` must name that entry exactly.
 */
export function webResourceZipPath(name: string): string {
  return `WebResources/${name.replace(/[^A-Za-z0-9_]/g, "")}${webResourceId(name).slice(1, -1)}`;
}

export function renderWebResource(w: WebResourceDefinition): XmlElement {
  return el(
    "WebResource",
    {},
    el("WebResourceId", {}, webResourceId(w.name)),
    el("Name", {}, w.name),
    el("DisplayName", {}, w.displayName),
    w.languageCode ? el("LanguageCode", {}, w.languageCode) : false,
    el("WebResourceType", {}, w.type),
    el("IntroducedVersion", {}, INTRODUCED_VERSION),
    el("IsEnabledForMobileClient", {}, 0),
    el("IsAvailableForMobileOffline", {}, 0),
    w.dependsOn?.length ? el("DependencyXml", {}, dependencyXml(w.dependsOn)) : false,
    el("IsCustomizable", {}, 1),
    el("CanBeDeleted", {}, 1),
    el("IsHidden", {}, 0),
    el("FileName", {}, `/${webResourceZipPath(w.name)}`),
  );
}

/**
 * The platform keeps a web resource's dependencies as an XML document inside `<DependencyXml>`
 * (as text): RESX libraries a script reads with Xrm.Utility.getResourceString are listed there.
 */
function dependencyXml(libraries: { name: string; languageCode: number }[]): string {
  const items = libraries
    .map(
      (l) =>
        `<Library name="${l.name}" displayName="${l.name}" languagecode="${l.languageCode}" description="" libraryUniqueId="${webResourceId(l.name)}" />`,
    )
    .join("");
  return `<Dependencies><Dependency componentType="WebResource">${items}</Dependency></Dependencies>`;
}

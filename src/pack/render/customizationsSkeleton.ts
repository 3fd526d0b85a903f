/**
 * Other/Customizations.xml: the frame of customizations.xml. The packer fills the empty
 * placeholder elements (Entities, Roles, EntityRelationships, WebResources, CustomControls)
 * from the component folders; the order is the schema's (ImportExportXml is a sequence).
 */
import { el, XmlElement } from "../xml";

export const FILLED_SECTIONS = ["Entities", "Roles", "EntityRelationships", "WebResources", "CustomControls"] as const;
export type FilledSection = (typeof FILLED_SECTIONS)[number];

export function renderCustomizationsSkeleton(): XmlElement {
  return el(
    "ImportExportXml",
    { "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" },
    el("Entities"),
    el("Roles"),
    el("Workflows"),
    el("FieldSecurityProfiles"),
    el("Templates"),
    el("EntityMaps"),
    el("EntityRelationships"),
    el("OrganizationSettings"),
    el("optionsets"),
    el("WebResources"),
    el("CustomControls"),
    el("EntityDataProviders"),
    el("Languages", {}, el("Language", {}, 1033)),
  );
}

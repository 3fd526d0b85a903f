/**
 * Other/Customizations.xml: the frame of customizations.xml. The packer fills the empty
 * placeholder elements (Entities, Roles, EntityRelationships, WebResources, CustomControls)
 * from the component folders; the order is the schema's (ImportExportXml is a sequence).
 * The model-driven app and its site map are rendered into the frame itself: in the zip they
 * live in customizations.xml (no files of their own), and the frame passes through the packer
 * unchanged, so they need no reader of their own and are still rendered from the model. The
 * system dashboards (render/approvals.ts) and the field security profiles (render/fieldSecurity.ts)
 * are rendered into the frame the same way.
 */
import { el, XmlElement } from "../xml";
import { APP } from "../model/app";
import { renderAppModule, renderAppModuleSiteMap } from "./app";
import { DASHBOARDS } from "../model/approvals";
import { renderDashboard } from "./approvals";
import { FIELD_SECURITY_PROFILES } from "../model/fieldSecurity";
import { renderFieldSecurityProfile } from "./fieldSecurity";

export const FILLED_SECTIONS = ["Entities", "Roles", "EntityRelationships", "WebResources", "CustomControls"] as const;
export type FilledSection = (typeof FILLED_SECTIONS)[number];

export function renderCustomizationsSkeleton(): XmlElement {
  return el(
    "ImportExportXml",
    { "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" },
    el("Entities"),
    el("Roles"),
    el("Workflows"),
    el("FieldSecurityProfiles", {}, ...FIELD_SECURITY_PROFILES.map(renderFieldSecurityProfile)),
    el("Templates"),
    el("EntityMaps"),
    el("EntityRelationships"),
    el("OrganizationSettings"),
    el("optionsets"),
    el("Dashboards", {}, ...DASHBOARDS.map(renderDashboard)),
    el("WebResources"),
    el("CustomControls"),
    el("AppModuleSiteMaps", {}, renderAppModuleSiteMap(APP)),
    el("AppModules", {}, renderAppModule(APP)),
    el("EntityDataProviders"),
    el("Languages", {}, el("Language", {}, 1033)),
  );
}

/**
 * Renders the model (src/pack/model) into the unpacked solution layout under Solution/:
 * the files a Dataverse developer knows from `SolutionPackager /action:Extract`. Hand-kept files
 * (Entities/account/RibbonDiff.xml, the icons) are not touched. A generated file the model no
 * longer renders (a removed form, view, table, role...) is stale and is deleted by
 * `npm run solution:generate`. A test checks Solution/ is current.
 */
import { ACCOUNT_COLUMNS, ACCOUNT_FORM, ACCOUNT_SCHEMA_NAME } from "./model/account";
import { ENVIRONMENT_VARIABLES } from "./model/environmentVariables";
import { ROLES } from "./model/roles";
import { TABLES } from "./model/tables";
import { WEB_RESOURCES } from "./model/webResources";
import { renderDocument } from "./xml";
import { renderExtendedEntity, renderTableEntity } from "./render/entity";
import { formId, renderAccountForm, renderContactForm, renderTableForm } from "./render/form";
import { CONTACT_COLUMNS, CONTACT_FORM, CONTACT_SCHEMA_NAME } from "./model/contact";
import { renderView, viewId } from "./render/view";
import { renderRelationships } from "./render/relationships";
import { renderRole } from "./render/role";
import { renderEnvironmentVariable } from "./render/environmentVariable";
import { renderWebResource } from "./render/webResource";
import { renderSolutionManifest } from "./render/solutionManifest";
import { renderCustomizationsSkeleton } from "./render/customizationsSkeleton";
import { Account, Contact, EmailForm } from "../schema";

import { CHARTS } from "./model/approvals";
import { ACCOUNT_VIEWS, ACCOUNT_VIEW_TABLE } from "./model/accountViews";
import { renderAccountGridConfig } from "./render/customControlDefaultConfig";
import { chartId, renderChartFile } from "./render/approvals";

/** Relative path (always `/`) → file content. */
type SolutionFiles = Map<string, string>;

/** Version written into Other/Solution.xml; the packer replaces it with package.json's. */
const SOURCE_VERSION = "0.0.0.0";

export function generateSolution(): SolutionFiles {
  const files: SolutionFiles = new Map();
  const put = (path: string, content: string) => {
    if (files.has(path)) throw new Error(`generateSolution: two components render to ${path}`);
    files.set(path, content);
  };
  put("Other/Solution.xml", renderDocument(renderSolutionManifest(SOURCE_VERSION)));
  put("Other/Customizations.xml", renderDocument(renderCustomizationsSkeleton()));
  put(
    "Other/Relationships.xml",
    renderDocument(renderRelationships([...TABLES, { schemaName: ACCOUNT_SCHEMA_NAME, columns: ACCOUNT_COLUMNS }])),
  );
  for (const table of TABLES) {
    const dir = `Entities/${table.logicalName}`;
    put(`${dir}/Entity.xml`, renderDocument(renderTableEntity(table)));
    for (const form of table.forms)
      put(
        `${dir}/FormXml/main/${formId(table.logicalName, form.key)}.xml`,
        renderDocument(renderTableForm(table, form)),
      );
    for (const view of table.views)
      put(`${dir}/SavedQueries/${viewId(table.logicalName, view.key)}.xml`, renderDocument(renderView(table, view)));
    for (const chart of CHARTS.filter((c) => c.table === table.logicalName))
      put(`${dir}/Visualizations/${chartId(chart.table, chart.key)}.xml`, renderDocument(renderChartFile(chart)));
  }
  const account = `Entities/${Account.logicalName}`;
  put(
    `${account}/Entity.xml`,
    renderDocument(
      renderExtendedEntity(ACCOUNT_SCHEMA_NAME, { 1033: ACCOUNT_SCHEMA_NAME }, Account.logicalName, ACCOUNT_COLUMNS),
    ),
  );
  put(
    `${account}/FormXml/main/${formId(Account.logicalName, ACCOUNT_FORM.key)}.xml`,
    renderDocument(renderAccountForm()),
  );
  put(`${account}/CustomControlDefaultConfigs.xml`, renderDocument(renderAccountGridConfig()));
  for (const view of ACCOUNT_VIEWS)
    put(
      `${account}/SavedQueries/${viewId(Account.logicalName, view.key)}.xml`,
      renderDocument(renderView(ACCOUNT_VIEW_TABLE, view)),
    );
  // Email: the entity shell for its RibbonDiff.xml (hand-kept), no columns, no form (issue 25).
  put(
    `Entities/${EmailForm.logicalName}/Entity.xml`,
    renderDocument(renderExtendedEntity("Email", { 1033: "Email" }, EmailForm.logicalName, [])),
  );
  // Contact (issue 25): only what PartnerGuard adds: the card's bound column and the
  // "Contact (PartnerGuard)" form (its RibbonDiff.xml is hand-kept).
  put(
    `Entities/${Contact.logicalName}/Entity.xml`,
    renderDocument(
      renderExtendedEntity(CONTACT_SCHEMA_NAME, { 1033: CONTACT_SCHEMA_NAME }, Contact.logicalName, CONTACT_COLUMNS),
    ),
  );
  put(
    `Entities/${Contact.logicalName}/FormXml/main/${formId(Contact.logicalName, CONTACT_FORM.key)}.xml`,
    renderDocument(renderContactForm()),
  );
  for (const role of ROLES) put(`Roles/${role.name}.xml`, renderDocument(renderRole(role)));
  for (const w of WEB_RESOURCES) put(`WebResources/${w.name}.data.xml`, renderDocument(renderWebResource(w)));
  for (const v of ENVIRONMENT_VARIABLES)
    put(
      `environmentvariabledefinitions/${v.schemaName}/environmentvariabledefinition.xml`,
      renderDocument(renderEnvironmentVariable(v)),
    );
  return files;
}

/**
 * Paths (relative to Solution/) of the kinds generateSolution writes. Anything else there is
 * hand-kept: RibbonDiff.xml, web resource contents such as the icons.
 */
const GENERATED_PATHS = [
  /^Other\/[^/]+\.xml$/,
  /^Entities\/[^/]+\/Entity\.xml$/,
  /^Entities\/[^/]+\/FormXml\/[^/]+\/[^/]+\.xml$/,
  /^Entities\/[^/]+\/SavedQueries\/[^/]+\.xml$/,
  /^Entities\/[^/]+\/Visualizations\/[^/]+\.xml$/,
  /^Entities\/[^/]+\/CustomControlDefaultConfigs\.xml$/,
  /^Roles\/[^/]+\.xml$/,
  /^WebResources\/.+\.data\.xml$/,
  /^environmentvariabledefinitions\/[^/]+\/environmentvariabledefinition\.xml$/,
];

export const isGeneratedPath = (rel: string): boolean => GENERATED_PATHS.some((re) => re.test(rel));

/** Files under Solution/ (relative, `/`) that are of a generated kind but no longer rendered. */
export function staleFiles(existing: Iterable<string>, rendered: SolutionFiles): string[] {
  return [...existing].filter((rel) => isGeneratedPath(rel) && !rendered.has(rel)).sort();
}

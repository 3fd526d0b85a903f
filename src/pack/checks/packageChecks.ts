/**
 * Checks on a packed zip's entries, the same ones the tests run: every named file exists and
 * every file is named, every RootComponent resolves, every ribbon and form reference (function,
 * library, LocLabel, command, rule, image) resolves, the control manifest and its bundle are there,
 * every column a view or form of our tables names exists, and the app's components, roles and
 * site-map entries resolve, and so do the views and charts of the dashboards (checks/appModules.ts),
 * and the field security profiles name secured columns the package carries (checks/fieldSecurity.ts).
 */
import { PackProblem } from "../errors";
import { ComponentType } from "../render/solutionManifest";
import { ROOT_FILES } from "../assemble";
import { elements, lineOf, ScannedElement, unescapeXml } from "../xmlScan";
import { SYSTEM_COLUMNS } from "../model/systemColumns";
import { scriptFunctions } from "./scriptFunctions";
import { appModulesAndSiteMaps, checkAppModules, checkDashboards } from "./appModules";
import { checkFieldSecurity } from "./fieldSecurity";
import { PLATFORM_RIBBON_LIBRARIES, PLATFORM_RIBBON_RULES } from "./platformRibbon";

const text = (bytes: Uint8Array | undefined) =>
  bytes
    ? Buffer.from(bytes)
        .toString("utf8")
        .replace(/^\uFEFF/, "")
    : "";
const WEBRESOURCE = "$webresource:";
/** Namespaces of the code components every org has (the grid, the form's standard controls). */
const PLATFORM_CONTROL_NAMESPACES = ["Microsoft.", "MscrmControls."];
const LOCLABEL = "$LocLabels:";

export function checkPackage(zipName: string, entries: Map<string, Uint8Array>): PackProblem[] {
  const problems: PackProblem[] = [];
  const at = (file: string, line: number | undefined, message: string) =>
    problems.push({ file: `${zipName}/${file}`, line, message });
  for (const f of ROOT_FILES) if (!entries.has(f)) at(f, undefined, "missing at the zip root (import error 80048060)");
  const customizations = text(entries.get("customizations.xml"));
  const solution = text(entries.get("solution.xml"));

  // Files named by customizations.xml and the control manifests, and nothing else.
  const named = new Set<string>(ROOT_FILES);
  const webResources = new Map<string, string>();
  for (const w of elements(customizations, "WebResource")) {
    const name = unescapeXml(elements(w.inner, "Name")[0]?.inner.trim() ?? "");
    const fileName = (elements(w.inner, "FileName")[0]?.inner.trim() ?? "").replace(/^\//, "");
    webResources.set(name, fileName);
    named.add(fileName);
    if (!entries.has(fileName))
      at("customizations.xml", w.line, `web resource ${name} names ${fileName}, which is not in the zip`);
  }
  const controls = new Set<string>();
  for (const c of elements(customizations, "CustomControl")) {
    const name = elements(c.inner, "Name")[0]?.inner.trim() ?? "";
    const manifestPath = (elements(c.inner, "FileName")[0]?.inner.trim() ?? "").replace(/^\//, "");
    controls.add(name);
    named.add(manifestPath);
    const manifest = text(entries.get(manifestPath));
    if (!manifest) {
      at("customizations.xml", c.line, `control ${name} names ${manifestPath}, which is not in the zip`);
      continue;
    }
    const dir = manifestPath.slice(0, manifestPath.lastIndexOf("/") + 1);
    const code = elements(manifest, "code");
    if (code.length === 0) at(manifestPath, undefined, "no <code> element: not a built manifest");
    if (/ControlManifest\.Input/.test(manifestPath) || code.some((c2) => c2.attrs.path?.endsWith(".ts")))
      at(manifestPath, undefined, "this is the input manifest; ship the built one (platform-facts C1)");
    for (const r of [
      ...code,
      ...elements(manifest, "resx"),
      ...elements(manifest, "css"),
      ...elements(manifest, "img"),
      ...elements(manifest, "html"),
    ]) {
      const p = `${dir}${r.attrs.path ?? ""}`;
      named.add(p);
      if (!entries.has(p)) at(manifestPath, r.line, `names ${r.attrs.path}, which is not in the zip`);
    }
  }
  const envVars = new Set<string>();
  for (const name of entries.keys()) {
    const m = /^environmentvariabledefinitions\/([^/]+)\/environmentvariabledefinition\.xml$/.exec(name);
    if (m) {
      envVars.add(m[1]);
      named.add(name);
      if (/^\s*<\?xml/.test(text(entries.get(name)))) at(name, 1, "no XML declaration allowed (platform-facts D5)");
    }
  }
  for (const name of entries.keys()) if (!named.has(name)) at(name, undefined, "in the zip but named by no component");

  // Root components resolve to something the package defines.
  const entities = new Set(
    elements(customizations, "Entity").map((e) => (elements(e.inner, "Name")[0]?.inner.trim() ?? "").toLowerCase()),
  );
  // Roles of the <Roles> section only: app role maps and form display conditions say <Role> too.
  const roles = new Set(
    elements(elements(customizations, "Roles")[0]?.inner ?? "", "Role").map((r) => (r.attrs.id ?? "").toLowerCase()),
  );
  const { apps, siteMaps } = appModulesAndSiteMaps(customizations);
  const dashboards = new Set(
    elements(elements(customizations, "Dashboards")[0]?.inner ?? "", "Dashboard").map((d) =>
      (elements(d.inner, "FormId")[0]?.inner ?? "").trim().toLowerCase(),
    ),
  );
  const profiles = new Set(
    elements(customizations, "FieldSecurityProfile").map((p) => (p.attrs.fieldsecurityprofileid ?? "").toLowerCase()),
  );
  const appNames = new Set(apps.map((a) => a.uniqueName));
  const siteMapNames = new Set(siteMaps.map((s) => s.uniqueName));
  const roots = elements(solution, "RootComponent");
  if (roots.length === 0) at("solution.xml", undefined, "no RootComponents");
  for (const r of roots) {
    const { type, schemaName = "", id = "" } = r.attrs;
    const ok =
      type === String(ComponentType.entity)
        ? entities.has(schemaName.toLowerCase())
        : type === String(ComponentType.role)
          ? roles.has(id.toLowerCase())
          : type === String(ComponentType.webResource)
            ? webResources.has(schemaName)
            : type === String(ComponentType.customControl)
              ? controls.has(schemaName)
              : type === String(ComponentType.environmentVariable)
                ? envVars.has(schemaName)
                : type === String(ComponentType.appModule)
                  ? appNames.has(schemaName)
                  : type === String(ComponentType.siteMap)
                    ? siteMapNames.has(schemaName)
                    : type === String(ComponentType.systemForm)
                      ? dashboards.has(id.toLowerCase())
                      : type === String(ComponentType.fieldSecurityProfile)
                        ? profiles.has(id.toLowerCase())
                        : false;
    if (!ok)
      at("solution.xml", r.line, `RootComponent type ${type} ${schemaName || id} resolves to nothing in the package`);
  }
  // ...and every component has its root component.
  const rooted = new Set(roots.map((r) => `${r.attrs.type}:${(r.attrs.schemaName ?? r.attrs.id ?? "").toLowerCase()}`));
  const need = [
    ...[...webResources.keys()].map((n) => `${ComponentType.webResource}:${n.toLowerCase()}`),
    ...[...controls].map((n) => `${ComponentType.customControl}:${n.toLowerCase()}`),
    ...[...envVars].map((n) => `${ComponentType.environmentVariable}:${n.toLowerCase()}`),
    ...[...roles].map((n) => `${ComponentType.role}:${n}`),
    ...[...entities].map((n) => `${ComponentType.entity}:${n}`),
    ...[...appNames].map((n) => `${ComponentType.appModule}:${n.toLowerCase()}`),
    ...[...siteMapNames].map((n) => `${ComponentType.siteMap}:${n.toLowerCase()}`),
    ...[...dashboards].map((n) => `${ComponentType.systemForm}:${n}`),
    ...[...profiles].map((n) => `${ComponentType.fieldSecurityProfile}:${n}`),
  ];
  for (const n of need)
    if (!rooted.has(n)) at("solution.xml", undefined, `no RootComponent for ${n.replace(":", " ")}`);

  problems.push(...checkReferences(zipName, customizations, entries, webResources));
  problems.push(...checkColumnReferences(zipName, customizations));
  problems.push(...checkAppModules(zipName, customizations));
  problems.push(...checkDashboards(zipName, customizations));
  problems.push(...checkFieldSecurity(zipName, customizations));
  // A form's code component must be one the package ships or one the platform has: a name without
  // the publisher prefix (`PartnerGuard.PartnerGuard` for `pg_PartnerGuard.PartnerGuard`) imports,
  // and the form then shows the plain text box instead of the card.
  for (const form of elements(customizations, "systemform")) {
    for (const cc of elements(form.inner, "customControl")) {
      const name = cc.attrs.name;
      if (name === undefined || controls.has(name) || PLATFORM_CONTROL_NAMESPACES.some((ns) => name.startsWith(ns)))
        continue;
      at(
        "customizations.xml",
        form.line - 1 + cc.line,
        `form control ${name} is neither a control of the package (${[...controls].join(", ") || "none"}) nor a platform control`,
      );
    }
  }
  // A table's grid configuration: its controls are the platform's, and its customizer one the
  // package ships (a name the org does not have leaves the grid without the badge, silently).
  for (const config of elements(customizations, "CustomControlDefaultConfig")) {
    for (const cc of elements(config.inner, "customControl")) {
      const name = cc.attrs.name;
      if (name !== undefined && !controls.has(name) && !PLATFORM_CONTROL_NAMESPACES.some((ns) => name.startsWith(ns)))
        at(
          "customizations.xml",
          config.line - 1 + cc.line,
          `grid control ${name} is neither the package's nor the platform's`,
        );
    }
    for (const p of elements(config.inner, "GridCustomizerControlFullName")) {
      const name = p.inner.trim();
      if (name !== "" && !controls.has(name))
        at(
          "customizations.xml",
          config.line - 1 + p.line,
          `grid customizer ${name} is not a control of the package (${[...controls].join(", ") || "none"})`,
        );
    }
  }
  // A form shown to a role the package does not ship is shown to nobody that role was meant for.
  for (const form of elements(customizations, "systemform")) {
    for (const conditions of elements(form.inner, "DisplayConditions")) {
      for (const r of elements(conditions.inner, "Role")) {
        if (!roles.has((r.attrs.Id ?? "").toLowerCase()))
          at(
            "customizations.xml",
            form.line - 1 + lineOf(form.inner, conditions.index) + r.line - 1,
            `form display conditions name role ${r.attrs.Id ?? ""}, which is not in the package`,
          );
      }
    }
  }
  return problems;
}

/** Child elements `tag` of `parent` (an element of `whole`), with indexes into `whole`. */
function children(whole: string, parent: ScannedElement, tag: string): ScannedElement[] {
  const base = whole.indexOf(">", parent.index) + 1;
  return elements(parent.inner, tag).map((e) => ({ ...e, index: base + e.index }));
}

/** `<link-entity>` elements blanked out (same length, so indexes stay): what is left is the root entity's own. */
const withoutLinks = (inner: string) =>
  inner.replace(/<link-entity\b[^>]*?(\/>|>[\s\S]*?<\/link-entity>)/g, (m) => m.replace(/[^\n]/g, " "));

/**
 * Views and forms of the tables the package defines (not the standard ones it only extends, whose
 * columns it does not list) may name only the table's columns, as listed in its Entity.xml, and
 * the system columns every table has (createdby, createdon, modifiedby, modifiedon, ownerid,
 * statecode). A view's link-entity must join columns that exist, and a condition on a linked
 * table must name a link's alias. Otherwise the import fails or the view shows nothing.
 */
function checkColumnReferences(zipName: string, customizations: string): PackProblem[] {
  const c = customizations;
  const problems: PackProblem[] = [];
  const at = (index: number, message: string) =>
    problems.push({ file: `${zipName}/customizations.xml`, line: lineOf(c, index), message });

  // Logical name → columns, for each table the package defines.
  const tables = new Map<string, Set<string>>();
  const ours: { entity: ScannedElement; table: string }[] = [];
  for (const entity of elements(c, "Entity")) {
    const info = children(c, entity, "EntityInfo")[0];
    const definition = info && children(c, info, "entity")[0];
    // A standard table the package only adds columns to carries none of the table's settings
    // (render/entity.ts renderExtendedEntity): its other columns are the org's, not listed here.
    if (!definition || definition.attrs.unmodified === "1" || elements(definition.inner, "EntitySetName").length === 0)
      continue;
    const table = (definition.attrs.Name ?? "").toLowerCase();
    const columns = new Set(Object.keys(SYSTEM_COLUMNS));
    for (const a of children(c, definition, "attribute"))
      columns.add((elements(a.inner, "LogicalName")[0]?.inner ?? a.attrs.PhysicalName ?? "").trim().toLowerCase());
    tables.set(table, columns);
    ours.push({ entity, table });
  }
  const check = (index: number, name: string | undefined, where: string, table: string) => {
    const columns = tables.get(table);
    if (columns && name !== undefined && !columns.has(name.toLowerCase()))
      at(index, `${where} names column ${name}, which ${table} does not have`);
  };

  for (const { entity, table } of ours) {
    for (const query of children(c, entity, "savedquery")) {
      const view = `view "${elements(query.inner, "LocalizedName")[0]?.attrs.description ?? ""}" of ${table}`;
      for (const cell of children(c, query, "cell")) check(cell.index, cell.attrs.name, `${view}: grid cell`, table);
      const fetch = children(c, query, "fetch")[0];
      const root = fetch && children(c, fetch, "entity")[0];
      if (!root) continue;
      const aliases = new Map<string, string>();
      for (const link of children(c, root, "link-entity")) {
        const linked = (link.attrs.name ?? "").toLowerCase();
        if (link.attrs.alias) aliases.set(link.attrs.alias, linked);
        check(link.index, link.attrs.to, `${view}: link-entity ${linked} (to)`, table);
        check(link.index, link.attrs.from, `${view}: link-entity ${linked} (from)`, linked);
        for (const x of [
          ...children(c, link, "attribute"),
          ...children(c, link, "order"),
          ...children(c, link, "condition"),
        ]) {
          check(x.index, x.attrs.name ?? x.attrs.attribute, `${view}: link-entity ${linked}`, linked);
        }
      }
      const own = { ...root, inner: withoutLinks(root.inner) };
      for (const x of children(c, own, "attribute")) check(x.index, x.attrs.name, `${view}: fetch attribute`, table);
      for (const x of children(c, own, "order")) check(x.index, x.attrs.attribute, `${view}: fetch order`, table);
      for (const x of children(c, own, "condition")) {
        const alias = x.attrs.entityname;
        if (alias === undefined) check(x.index, x.attrs.attribute, `${view}: fetch condition`, table);
        else if (!aliases.has(alias))
          at(x.index, `${view}: condition on entityname ${alias}, which no link-entity of the view is aliased as`);
        else check(x.index, x.attrs.attribute, `${view}: fetch condition on ${alias}`, aliases.get(alias) as string);
      }
    }
    for (const form of children(c, entity, "systemform")) {
      for (const control of children(c, form, "control")) {
        if (control.attrs.datafieldname)
          check(control.index, control.attrs.datafieldname, `form control ${control.attrs.id ?? ""}`, table);
      }
    }
  }
  return problems;
}

/** Ribbon and form references: every one must match a definition exactly (platform-facts A7). */
function checkReferences(
  zipName: string,
  customizations: string,
  entries: Map<string, Uint8Array>,
  webResources: Map<string, string>,
): PackProblem[] {
  const problems: PackProblem[] = [];
  const at = (line: number, message: string) => problems.push({ file: `${zipName}/customizations.xml`, line, message });
  type Lookup = ReturnType<typeof scriptFunctions> | { error: string };
  const lookups = new Map<string, Lookup>();
  const functionsOf = (library: string): Lookup => {
    if (!lookups.has(library)) {
      const file = webResources.get(library);
      lookups.set(
        library,
        file && entries.has(file)
          ? scriptFunctions(text(entries.get(file)))
          : { error: `web resource ${library} is not in the package` },
      );
    }
    return lookups.get(library) as Lookup;
  };
  const checkFunction = (line: number, fn: string | undefined, library: string | undefined, where: string) => {
    if (!fn || !library) return at(line, `${where} needs a function name and a library`);
    // Microsoft's libraries behind the redefined out-of-box commands: there in every org, not ours to check.
    if (PLATFORM_RIBBON_LIBRARIES.has(library)) return;
    const lib = library.startsWith(WEBRESOURCE) ? library.slice(WEBRESOURCE.length) : library;
    const lookup = functionsOf(lib);
    if (typeof lookup !== "function") return at(line, `${where} ${fn}: ${lookup.error}`);
    if (!lookup(fn)) at(line, `${where} ${fn} is not a function defined by ${lib}`);
  };

  for (const ribbon of elements(customizations, "RibbonDiffXml")) {
    const base = ribbon.line - 1;
    const inner = ribbon.inner;
    const lineIn = (e: { line: number }) => base + e.line;
    const labels = new Set(elements(inner, "LocLabel").map((l) => l.attrs.Id));
    const commands = new Set(elements(inner, "CommandDefinition").map((c) => c.attrs.Id));
    const ruleDefs = elements(inner, "RuleDefinitions")[0]?.inner ?? "";
    const enableRules = new Set(
      elements(elements(ruleDefs, "EnableRules")[0]?.inner ?? "", "EnableRule").map((r) => r.attrs.Id),
    );
    const displayRules = new Set(
      elements(elements(ruleDefs, "DisplayRules")[0]?.inner ?? "", "DisplayRule").map((r) => r.attrs.Id),
    );
    for (const tag of ["CustomRule", "JavaScriptFunction"]) {
      for (const f of elements(inner, tag)) checkFunction(lineIn(f), f.attrs.FunctionName, f.attrs.Library, tag);
    }
    for (const m of inner.matchAll(/([\w]+)="([^"]*)"/g)) {
      const [, attr, value] = m;
      const line = base + inner.slice(0, m.index).split("\n").length;
      if (value.startsWith(LOCLABEL) && !labels.has(value.slice(LOCLABEL.length)))
        at(line, `${attr} references LocLabel ${value.slice(LOCLABEL.length)}, which is not defined`);
      if (
        value.startsWith(WEBRESOURCE) &&
        !webResources.has(value.slice(WEBRESOURCE.length)) &&
        !PLATFORM_RIBBON_LIBRARIES.has(value)
      )
        at(line, `${attr} references web resource ${value.slice(WEBRESOURCE.length)}, which is not in the package`);
      if (value !== value.trim()) at(line, `${attr}="${value}" has surrounding blanks; references must match exactly`);
    }
    for (const b of elements(inner, "Button"))
      if (b.attrs.Command && !commands.has(b.attrs.Command))
        at(lineIn(b), `Button ${b.attrs.Id} uses command ${b.attrs.Command}, which is not defined`);
    const commandDefs = elements(inner, "CommandDefinitions")[0]?.inner ?? "";
    // Every command's rules, not only the first command's.
    for (const command of elements(commandDefs, "CommandDefinition")) {
      const line = base + lineOfIn(inner, commandDefs, command.index);
      const id = command.attrs.Id;
      for (const [list, tag, defined] of [
        ["EnableRules", "EnableRule", enableRules],
        ["DisplayRules", "DisplayRule", displayRules],
      ] as const)
        for (const r of elements(elements(command.inner, list)[0]?.inner ?? "", tag))
          if (!defined.has(r.attrs.Id) && !PLATFORM_RIBBON_RULES.has(r.attrs.Id))
            at(line, `${tag} ${r.attrs.Id} of command ${id} is not defined under RuleDefinitions`);
    }
  }

  // Form libraries and event handlers.
  for (const form of elements(customizations, "form")) {
    const base = form.line - 1;
    const libraries = new Set(elements(form.inner, "Library").map((l) => l.attrs.name));
    for (const l of elements(form.inner, "Library"))
      if (!webResources.has(l.attrs.name ?? ""))
        at(base + l.line, `form library ${l.attrs.name} is not in the package`);
    for (const h of elements(form.inner, "Handler")) {
      if (!libraries.has(h.attrs.libraryName))
        at(
          base + h.line,
          `handler ${h.attrs.functionName} uses library ${h.attrs.libraryName}, which the form does not load`,
        );
      checkFunction(base + h.line, h.attrs.functionName, h.attrs.libraryName, "form handler");
    }
  }
  return problems;
}

function lineOfIn(whole: string, part: string, index: number): number {
  const start = whole.indexOf(part);
  return whole.slice(0, start + index).split("\n").length;
}

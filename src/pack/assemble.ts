/**
 * Source → zip entries: customizations.xml assembled from the component files, solution.xml with
 * the version and managed flag of this package, [Content_Types].xml, and the files beside them.
 */
import { PackProblem } from "./errors";
import { Source } from "./readSource";
import { FILLED_SECTIONS, FilledSection } from "./render/customizationsSkeleton";
import { elements, innerOfRoot, stripProlog } from "./xmlScan";
import { contentTypes } from "./contentTypes";

export const ROOT_FILES = ["[Content_Types].xml", "solution.xml", "customizations.xml"] as const;

/** Zip entry name → bytes, in the order they are written. */
export type ZipEntries = Map<string, Uint8Array>;

type AssembleResult = { ok: true; entries: ZipEntries } | { ok: false; problems: PackProblem[] };

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

function entityXml(e: Source["entities"][number]): string {
  const inner = innerOfRoot(e.file.text, "Entity") ?? "";
  const forms = [...e.forms.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, list]) => `<forms type="${type}">\n${list.map((f) => f.inner).join("\n")}\n</forms>`);
  const parts = [inner];
  if (forms.length > 0) parts.push(`<FormXml>\n${forms.join("\n")}\n</FormXml>`);
  if (e.views.length > 0)
    parts.push(
      `<SavedQueries>\n<savedqueries>\n${e.views.map((v) => v.inner).join("\n")}\n</savedqueries>\n</SavedQueries>`,
    );
  if (e.charts.length > 0)
    parts.push(`<Visualizations>\n${e.charts.map((c) => c.inner).join("\n")}\n</Visualizations>`);
  if (e.ribbon) parts.push(stripProlog(e.ribbon.text));
  // After the ribbon, as the 2026 reference export orders them.
  if (e.controlConfigs) parts.push(stripProlog(e.controlConfigs.text));
  return `<Entity>\n${parts.join("\n")}\n</Entity>`;
}

function assembleCustomizations(source: Source): { xml: string } | { problems: PackProblem[] } {
  const skeleton = stripProlog(source.customizations.text);
  const fill: Record<FilledSection, string[]> = {
    Entities: source.entities.map(entityXml),
    Roles: source.roles.map((r) => stripProlog(r.text)),
    EntityRelationships: source.relationships
      ? [innerOfRoot(source.relationships.text, "EntityRelationships") ?? ""]
      : [],
    WebResources: source.webResources.map((w) => stripProlog(w.data.text)),
    CustomControls: source.controls.map(
      (c) =>
        `<CustomControl>\n<Name>${c.name}</Name>\n<FileName>/Controls/${c.name}/ControlManifest.xml</FileName>\n</CustomControl>`,
    ),
  };
  const problems: PackProblem[] = [];
  let xml = skeleton;
  for (const section of FILLED_SECTIONS) {
    const placeholder = new RegExp(`<${section}\\s*/>|<${section}>\\s*</${section}>`);
    if (!placeholder.test(xml)) {
      problems.push({
        file: source.customizations.rel,
        message: `needs an empty <${section} /> for the packer to fill`,
      });
      continue;
    }
    const content = fill[section].filter((s) => s.length > 0);
    xml = xml.replace(placeholder, () =>
      content.length > 0 ? `<${section}>\n${content.join("\n")}\n</${section}>` : `<${section} />`,
    );
  }
  return problems.length > 0 ? { problems } : { xml: xml + "\n" };
}

function assembleSolutionXml(source: Source, managed: boolean): { xml: string } | { problems: PackProblem[] } {
  const text = stripProlog(source.solutionManifest.text);
  const problems: PackProblem[] = [];
  for (const tag of ["Version", "Managed"]) {
    if (elements(text, tag).length !== 1)
      problems.push({ file: source.solutionManifest.rel, message: `needs exactly one <${tag}> element` });
  }
  if (problems.length > 0) return { problems };
  const xml = text
    .replace(/<Version>[^<]*<\/Version>/, () => `<Version>${source.version}</Version>`)
    .replace(/<Managed>[^<]*<\/Managed>/, () => `<Managed>${managed ? 1 : 0}</Managed>`);
  return { xml: xml + "\n" };
}

export function assemble(source: Source, managed: boolean): AssembleResult {
  const customizations = assembleCustomizations(source);
  const solution = assembleSolutionXml(source, managed);
  const problems = [
    ...("problems" in customizations ? customizations.problems : []),
    ...("problems" in solution ? solution.problems : []),
  ];
  if ("problems" in customizations || "problems" in solution) return { ok: false, problems };

  const others = new Map<string, Uint8Array>();
  for (const c of source.controls)
    for (const [rel, file] of c.files) others.set(`Controls/${c.name}/${rel}`, file.bytes);
  for (const w of source.webResources) others.set(w.zipPath, w.content.bytes);
  for (const v of source.environmentVariables) {
    others.set(
      `environmentvariabledefinitions/${v.schemaName}/environmentvariabledefinition.xml`,
      utf8(stripProlog(v.file.text) + "\n"),
    );
  }
  const sorted = [...others.keys()].sort();
  const entries: ZipEntries = new Map();
  entries.set("[Content_Types].xml", utf8(contentTypes(sorted)));
  entries.set("solution.xml", utf8(solution.xml));
  entries.set("customizations.xml", utf8(customizations.xml));
  for (const name of sorted) entries.set(name, others.get(name) as Uint8Array);
  return { ok: true, entries };
}

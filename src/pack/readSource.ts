/**
 * Reads the unpacked solution (Solution/) and the build outputs it needs (the control in
 * out/controls, built web resources in out/webresources) into memory, checking as it goes:
 * missing files, malformed XML and duplicate names come back as problems naming file and line.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { PackProblem } from "./errors";
import { attr, checkWellFormed, childText, elements, innerOfRoot } from "./xmlScan";
import { BUILT_WEB_RESOURCES_DIR } from "./model/webResources";

const SOLUTION_DIR = "Solution";
const CONTROLS_DIR = "out/controls";

interface SourceFile {
  /** Path relative to the repository root, with `/`. */
  rel: string;
  text: string;
}

interface EntitySource {
  file: SourceFile;
  schemaName: string;
  /** `<systemform>` fragments grouped by form type (main, quick, card...). */
  forms: Map<string, { file: SourceFile; inner: string }[]>;
  views: { file: SourceFile; inner: string }[];
  /** System charts: `<visualization>` fragments from Visualizations/*.xml. */
  charts: { file: SourceFile; inner: string }[];
  ribbon?: SourceFile;
  /** `<CustomControlDefaultConfigs>`: which control renders the table's grids. */
  controlConfigs?: SourceFile;
}

export interface BinaryFile {
  rel: string;
  bytes: Uint8Array;
}

interface WebResourceSource {
  name: string;
  data: SourceFile;
  /** Entry name inside the zip, from `<FileName>` without the leading slash. */
  zipPath: string;
  content: BinaryFile;
}

interface ControlSource {
  name: string;
  manifest: BinaryFile;
  /** Every file of Controls/<name>/, manifest included, keyed by path relative to that folder. */
  files: Map<string, BinaryFile>;
}

export interface Source {
  version: string;
  solutionManifest: SourceFile;
  customizations: SourceFile;
  relationships?: SourceFile;
  entities: EntitySource[];
  roles: SourceFile[];
  webResources: WebResourceSource[];
  environmentVariables: { schemaName: string; file: SourceFile }[];
  controls: ControlSource[];
}

type ReadResult = { ok: true; source: Source } | { ok: false; problems: PackProblem[] };

const posix = (p: string) => p.split(path.sep).join("/");

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Files under `dir`, relative to `root`, sorted so every run reads in the same order. */
async function walk(root: string, dir: string): Promise<string[]> {
  if (!(await exists(path.join(root, dir)))) return [];
  const out: string[] = [];
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...(await walk(root, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** Semantic version from package.json → a Dataverse version (2 to 4 numeric parts). */
function solutionVersion(version: unknown): string | undefined {
  return typeof version === "string" && /^\d+(\.\d+){1,3}$/.test(version) ? version : undefined;
}

export async function readSource(root: string): Promise<ReadResult> {
  const problems: PackProblem[] = [];
  const texts = new Map<string, SourceFile>();

  const readXml = async (rel: string, required: boolean): Promise<SourceFile | undefined> => {
    const full = path.join(root, rel);
    if (!(await exists(full))) {
      if (required) problems.push({ file: rel, message: "missing file" });
      return undefined;
    }
    const text = await readFile(full, "utf8");
    const bad = checkWellFormed(text, rel);
    if (bad) {
      problems.push(bad);
      return undefined;
    }
    const file = { rel, text };
    texts.set(rel, file);
    return file;
  };

  let version = "";
  try {
    const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { version?: unknown };
    const v = solutionVersion(pkg.version);
    if (v === undefined)
      problems.push({
        file: "package.json",
        message: `version ${String(pkg.version)} is not a Dataverse version (2 to 4 numbers, e.g. 1.2.0)`,
      });
    else version = v;
  } catch (error) {
    problems.push({
      file: "package.json",
      message: `cannot read: ${error instanceof Error ? error.message : String(error)}`,
    });
  }

  const solutionManifest = await readXml(`${SOLUTION_DIR}/Other/Solution.xml`, true);
  const customizations = await readXml(`${SOLUTION_DIR}/Other/Customizations.xml`, true);
  const relationships = await readXml(`${SOLUTION_DIR}/Other/Relationships.xml`, false);

  // Entities: one folder each, Entity.xml plus forms, views and an optional RibbonDiff.xml.
  const entities: EntitySource[] = [];
  const entityFiles = await walk(root, `${SOLUTION_DIR}/Entities`);
  const entityDirs = [...new Set(entityFiles.map((f) => f.split("/").slice(0, 3).join("/")))];
  for (const dir of entityDirs) {
    const file = await readXml(`${dir}/Entity.xml`, true);
    const forms = new Map<string, { file: SourceFile; inner: string }[]>();
    const views: { file: SourceFile; inner: string }[] = [];
    const charts: { file: SourceFile; inner: string }[] = [];
    let ribbon: SourceFile | undefined;
    let controlConfigs: SourceFile | undefined;
    for (const rel of entityFiles.filter((f) => f.startsWith(`${dir}/`))) {
      const sub = rel.slice(dir.length + 1);
      if (sub === "Entity.xml") continue;
      if (!sub.endsWith(".xml")) {
        problems.push({
          file: rel,
          message:
            "unexpected file in an entity folder (expected Entity.xml, FormXml/<type>/*.xml, SavedQueries/*.xml, Visualizations/*.xml, RibbonDiff.xml, CustomControlDefaultConfigs.xml)",
        });
        continue;
      }
      const f = await readXml(rel, true);
      if (!f) continue;
      if (sub === "RibbonDiff.xml") {
        if (innerOfRoot(f.text, "RibbonDiffXml") === undefined)
          problems.push({ file: rel, line: 1, message: "root element must be <RibbonDiffXml>" });
        else ribbon = f;
      } else if (sub === "CustomControlDefaultConfigs.xml") {
        if (innerOfRoot(f.text, "CustomControlDefaultConfigs") === undefined)
          problems.push({ file: rel, line: 1, message: "root element must be <CustomControlDefaultConfigs>" });
        else controlConfigs = f;
      } else if (sub.startsWith("FormXml/")) {
        const type = sub.split("/")[1];
        const inner = innerOfRoot(f.text, "forms");
        if (inner === undefined) problems.push({ file: rel, line: 1, message: "root element must be <forms>" });
        else forms.set(type, [...(forms.get(type) ?? []), { file: f, inner }]);
      } else if (sub.startsWith("SavedQueries/")) {
        const inner = innerOfRoot(f.text, "savedqueries");
        if (inner === undefined) problems.push({ file: rel, line: 1, message: "root element must be <savedqueries>" });
        else views.push({ file: f, inner });
      } else if (sub.startsWith("Visualizations/")) {
        const inner = innerOfRoot(f.text, "Visualizations");
        if (inner === undefined)
          problems.push({ file: rel, line: 1, message: "root element must be <Visualizations>" });
        else charts.push({ file: f, inner });
      } else problems.push({ file: rel, message: "unexpected file in an entity folder" });
    }
    if (!file) continue;
    if (innerOfRoot(file.text, "Entity") === undefined) {
      problems.push({ file: file.rel, line: 1, message: "root element must be <Entity>" });
      continue;
    }
    const schemaName = childText(file.text, "Name");
    if (!schemaName) problems.push({ file: file.rel, message: "no <Name> element" });
    else entities.push({ file, schemaName, forms, views, charts, ribbon, controlConfigs });
  }

  const roles: SourceFile[] = [];
  for (const rel of await walk(root, `${SOLUTION_DIR}/Roles`)) {
    const f = await readXml(rel, true);
    if (f) roles.push(f);
  }

  // Web resources: <name>.data.xml holds the metadata; the content is the file beside it or,
  // for built resources, out/webresources/<name>.
  const webResources: WebResourceSource[] = [];
  for (const rel of (await walk(root, `${SOLUTION_DIR}/WebResources`)).filter((f) => f.endsWith(".data.xml"))) {
    const data = await readXml(rel, true);
    if (!data) continue;
    const name = childText(data.text, "Name");
    const fileName = childText(data.text, "FileName");
    if (!name || !fileName) {
      problems.push({ file: rel, message: "web resource metadata needs <Name> and <FileName>" });
      continue;
    }
    const candidates = [`${SOLUTION_DIR}/WebResources/${name}`, `${BUILT_WEB_RESOURCES_DIR}/${name}`];
    let content: BinaryFile | undefined;
    for (const c of candidates) {
      if (await exists(path.join(root, c))) {
        content = { rel: c, bytes: new Uint8Array(await readFile(path.join(root, c))) };
        break;
      }
    }
    if (!content) {
      problems.push({
        file: rel,
        message: `content of web resource ${name} not found: looked for ${candidates.join(" and ")} (built ones come from npm run build:webresource)`,
      });
      continue;
    }
    webResources.push({ name, data, zipPath: fileName.replace(/^\//, ""), content });
  }

  const environmentVariables: { schemaName: string; file: SourceFile }[] = [];
  for (const rel of (await walk(root, `${SOLUTION_DIR}/environmentvariabledefinitions`)).filter((f) =>
    f.endsWith("/environmentvariabledefinition.xml"),
  )) {
    const f = await readXml(rel, true);
    if (!f) continue;
    const root0 = elements(f.text, "environmentvariabledefinition")[0];
    const schemaName = root0?.attrs.schemaname;
    if (!schemaName)
      problems.push({
        file: rel,
        line: 1,
        message: "root element must be <environmentvariabledefinition schemaname=...>",
      });
    else if (/^\s*<\?xml/.test(f.text))
      problems.push({
        file: rel,
        line: 1,
        message: "no XML declaration allowed here: the import fails on it (platform-facts D5)",
      });
    else environmentVariables.push({ schemaName, file: f });
  }

  const prefix = solutionManifest && publisherPrefix(solutionManifest, problems);
  const controls = prefix ? await readControls(root, prefix, problems) : [];

  for (const p of findDuplicates({ entities, roles, webResources, environmentVariables, texts })) problems.push(p);

  if (problems.length > 0 || !solutionManifest || !customizations) return { ok: false, problems };
  return {
    ok: true,
    source: {
      version,
      solutionManifest,
      customizations,
      relationships,
      entities,
      roles,
      webResources,
      environmentVariables,
      controls,
    },
  };
}

/** The publisher's `<CustomizationPrefix>` in Solution.xml: what component names of the solution start with. */
function publisherPrefix(solutionManifest: SourceFile, problems: PackProblem[]): string | undefined {
  const publisher = elements(solutionManifest.text, "Publisher")[0];
  const prefix = publisher && childText(publisher.inner, "CustomizationPrefix");
  if (prefix && /^[a-z][a-z0-9]{1,7}$/.test(prefix)) return prefix;
  problems.push({
    file: solutionManifest.rel,
    line: publisher?.line,
    message: `<Publisher> needs a <CustomizationPrefix> of 2 to 8 lower-case letters and digits, has "${prefix ?? ""}"`,
  });
  return undefined;
}

/**
 * The built controls: the processed ControlManifest.xml and every resource it names (platform-facts C1, D3).
 * A control is named `<publisherprefix>_<namespace>.<constructor>`, as the tools write it (schema.ts CONTROL_NAME).
 */
async function readControls(root: string, prefix: string, problems: PackProblem[]): Promise<ControlSource[]> {
  const controls: ControlSource[] = [];
  const manifests = (await walk(root, CONTROLS_DIR)).filter((f) => f.endsWith("/ControlManifest.xml"));
  if (manifests.length === 0) {
    problems.push({
      file: `${CONTROLS_DIR}/`,
      message: "no built control (ControlManifest.xml) found: run npm run build:prod first",
    });
  }
  for (const rel of manifests) {
    const text = await readFile(path.join(root, rel), "utf8");
    const bad = checkWellFormed(text, rel);
    if (bad) {
      problems.push(bad);
      continue;
    }
    const control = elements(text, "control")[0];
    const namespace = control && attr(control, "namespace");
    const constructorName = control && attr(control, "constructor");
    if (!namespace || !constructorName) {
      problems.push({ file: rel, message: "<control> needs namespace and constructor" });
      continue;
    }
    const name = `${prefix}_${namespace}.${constructorName}`;
    const dir = rel.slice(0, rel.length - "/ControlManifest.xml".length);
    const files = new Map<string, BinaryFile>();
    const manifest = { rel, bytes: new Uint8Array(Buffer.from(text, "utf8")) };
    files.set("ControlManifest.xml", manifest);
    const resources = [
      ...elements(text, "code"),
      ...elements(text, "resx"),
      ...elements(text, "css"),
      ...elements(text, "img"),
      ...elements(text, "html"),
    ];
    for (const r of resources) {
      const p = r.attrs.path;
      if (!p) continue;
      const full = path.join(root, dir, ...p.split("/"));
      if (!(await exists(full))) {
        problems.push({ file: rel, line: r.line, message: `names ${p}, which the build did not produce` });
        continue;
      }
      files.set(posix(p), { rel: `${dir}/${p}`, bytes: new Uint8Array(await readFile(full)) });
    }
    controls.push({ name, manifest, files });
  }
  return controls;
}

interface Named {
  key: string;
  what: string;
  file: string;
  line?: number;
}

/** Two components with one name: the platform would merge or reject them at import, silently or late. */
function findDuplicates(s: {
  entities: EntitySource[];
  roles: SourceFile[];
  webResources: WebResourceSource[];
  environmentVariables: { schemaName: string; file: SourceFile }[];
  texts: Map<string, SourceFile>;
}): PackProblem[] {
  const named: Named[] = [];
  for (const e of s.entities) {
    named.push({ key: `entity:${e.schemaName.toLowerCase()}`, what: `table ${e.schemaName}`, file: e.file.rel });
    for (const a of elements(e.file.text, "attribute")) {
      const n = a.attrs.PhysicalName;
      if (n)
        named.push({
          key: `attribute:${e.schemaName.toLowerCase()}.${n.toLowerCase()}`,
          what: `column ${n} of ${e.schemaName}`,
          file: e.file.rel,
          line: a.line,
        });
    }
    for (const f of [...e.forms.values()].flat()) {
      for (const id of elements(f.file.text, "formid"))
        named.push({
          key: `id:${id.inner.trim().toLowerCase()}`,
          what: `form id ${id.inner.trim()}`,
          file: f.file.rel,
          line: id.line,
        });
    }
    for (const v of e.views) {
      for (const id of elements(v.file.text, "savedqueryid"))
        named.push({
          key: `id:${id.inner.trim().toLowerCase()}`,
          what: `view id ${id.inner.trim()}`,
          file: v.file.rel,
          line: id.line,
        });
    }
  }
  for (const r of s.roles) {
    const role = elements(r.text, "Role")[0];
    if (role?.attrs.name)
      named.push({
        key: `role:${role.attrs.name.toLowerCase()}`,
        what: `role ${role.attrs.name}`,
        file: r.rel,
        line: role.line,
      });
    if (role?.attrs.id)
      named.push({
        key: `id:${role.attrs.id.toLowerCase()}`,
        what: `role id ${role.attrs.id}`,
        file: r.rel,
        line: role.line,
      });
  }
  for (const w of s.webResources)
    named.push({ key: `webresource:${w.name.toLowerCase()}`, what: `web resource ${w.name}`, file: w.data.rel });
  for (const v of s.environmentVariables)
    named.push({
      key: `envvar:${v.schemaName.toLowerCase()}`,
      what: `environment variable ${v.schemaName}`,
      file: v.file.rel,
    });
  const rel = [...s.texts.values()].find((f) => f.rel.endsWith("Other/Relationships.xml"));
  if (rel) {
    for (const r of elements(rel.text, "EntityRelationship")) {
      if (r.attrs.Name)
        named.push({
          key: `relationship:${r.attrs.Name.toLowerCase()}`,
          what: `relationship ${r.attrs.Name}`,
          file: rel.rel,
          line: r.line,
        });
    }
  }
  const first = new Map<string, Named>();
  const problems: PackProblem[] = [];
  for (const n of named) {
    const seen = first.get(n.key);
    if (!seen) first.set(n.key, n);
    else
      problems.push({
        file: n.file,
        line: n.line,
        message: `duplicate ${n.what}: already defined in ${seen.file}${seen.line ? `:${seen.line}` : ""}`,
      });
  }
  return problems;
}

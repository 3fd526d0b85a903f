/**
 * The layers of docs/architecture.md, read from the import statements: the core imports only the
 * core; sources never import words (src/text) or a face; words may name a source's types
 * (`import type`) but never call into it. A move that breaks a rule fails here, by file and line.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return filesUnder(rel);
    return /\.tsx?$/.test(name) ? [rel] : [];
  });
}

interface Import {
  file: string;
  line: number;
  target: string;
  typeOnly: boolean;
}

/** Every `import … from "./x"` / `export … from "./x"` of a file, resolved to a path from the root. */
function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const found: Import[] = [];
  const pattern = /^(import|export)(\s+type)?[^;]*?from\s+"(\.[^"]+)"/gms;
  for (const m of text.matchAll(pattern)) {
    const line = text.slice(0, m.index).split("\n").length;
    found.push({
      file,
      line,
      target: path.normalize(path.join(path.dirname(file), m[3])),
      typeOnly: !!m[2],
    });
  }
  return found;
}

const within = (target: string, dir: string) => target === dir || target.startsWith(dir + path.sep);
const show = (i: Import) => `${i.file}:${i.line} imports ${i.target}`;

const FACES = ["src/text", "PartnerGuard", "webresource", "cli", "playground", "src/pack", "src/emulator"];

test("the core imports only the core", () => {
  const bad = filesUnder("src/core")
    .flatMap(importsOf)
    .filter((i) => !within(i.target, "src/core"));
  expect(bad.map(show)).toEqual([]);
});

test("sources return data: they import neither words nor a face", () => {
  const bad = filesUnder("src/sources")
    .flatMap(importsOf)
    .filter((i) => FACES.some((face) => within(i.target, face)));
  expect(bad.map(show)).toEqual([]);
});

test("words name a source's types at most: no value of src/sources reaches src/text", () => {
  const bad = filesUnder("src/text")
    .flatMap(importsOf)
    .filter((i) => within(i.target, "src/sources") && !i.typeOnly);
  expect(bad.map(show)).toEqual([]);
});

test("the reader sees imports (a file known to import the core is found)", () => {
  // Guards the test itself: a pattern that matched nothing would pass every rule above.
  const audit = importsOf("src/sources/audit.ts").map((i) => i.target);
  expect(audit).toContain(path.normalize("src/core/types"));
  expect(importsOf("src/text/auditText.ts").filter((i) => i.typeOnly)).toHaveLength(2);
});

// The files an admin imports, read out of the packed unmanaged solution zip (out/solution/), so the
// playground and the browser tests run the very bytes that ship: the control's bundle.js and .resx
// files as the zip's Controls/ folder holds them, and every web resource under the name the
// platform serves it by (customizations.xml maps each <Name> to its <FileName> in the zip).
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { strFromU8, unzipSync } from "fflate";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SOLUTION_DIR = path.join(root, "out", "solution");

/** The unmanaged zip `npm run pack` wrote, or undefined when there is none. */
export function unmanagedZipPath(dir = SOLUTION_DIR) {
  if (!existsSync(dir)) return undefined;
  const zips = readdirSync(dir)
    .filter((f) => /_unmanaged\.zip$/.test(f))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return zips[0];
}

/** The form's control (schema.ts CONTROL_NAME): the card. Other controls of the zip (the grid badge) are loaded by the page that hosts them. */
export const FORM_CONTROL = "pg_PartnerGuard.PartnerGuard";

/**
 * The shipped files, by the path the page asks for:
 * - `/controls/<prefix>_<namespace>.<constructor>/<file>`: each control folder of the zip (ControlManifest.xml, bundle.js, strings/),
 * - `/WebResources/<name>`: each web resource by its platform name (e.g. pg_/scripts/outreach.js),
 * - `/solution/customizations.xml`: the zip's customizations.xml, standing in for the metadata the
 *   platform sends the client from it (the command bar's RibbonDiffXml, the grid's customizer).
 */
export function readShipped(zipPath = unmanagedZipPath()) {
  if (!zipPath) throw new Error("No packed solution in out/solution/: run `npm run pack` first.");
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const files = new Map();
  const controls = new Set();
  for (const [name, bytes] of Object.entries(entries)) {
    const m = /^Controls\/([^/]+)\/(.+)$/.exec(name);
    if (!m) continue;
    controls.add(m[1]);
    files.set(`/controls/${m[1]}/${m[2]}`, bytes);
  }
  const control = controls.has(FORM_CONTROL) ? FORM_CONTROL : controls.size === 1 ? [...controls][0] : undefined;
  const customizations = strFromU8(entries["customizations.xml"]);
  files.set("/solution/customizations.xml", entries["customizations.xml"]);
  for (const block of customizations.match(/<WebResource>[\s\S]*?<\/WebResource>/g) ?? []) {
    const name = /<Name>([^<]+)<\/Name>/.exec(block)?.[1];
    const fileName = /<FileName>\/?([^<]+)<\/FileName>/.exec(block)?.[1];
    if (name && fileName && entries[fileName]) files.set(`/WebResources/${name}`, entries[fileName]);
  }
  if (!control) throw new Error(`${path.relative(root, zipPath)} holds no ${FORM_CONTROL} control`);
  return { zipPath, control, controls: [...controls], files, customizations };
}

// `node scripts/shipped.mjs`: the zip's served files with their SHA-256, as JSON (the browser tests
// compare what the page was served against it).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { createHash } = await import("node:crypto");
  const { zipPath, control, controls, files } = readShipped();
  const sha256 = Object.fromEntries(
    [...files].map(([url, bytes]) => [url, createHash("sha256").update(bytes).digest("hex")]),
  );
  console.log(JSON.stringify({ zip: path.relative(root, zipPath), control, controls, sha256 }, null, 2));
}

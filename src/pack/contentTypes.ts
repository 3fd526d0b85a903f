/**
 * [Content_Types].xml: the platform writes it with a BOM and one `Default` for xml
 * (platform-facts D1). Packers that import cleanly list every extension they ship and an
 * `Override` for each extension-less web resource file; we do both, all as octet-stream.
 */
const TYPE = "application/octet-stream";

export function contentTypes(entryNames: string[]): string {
  const extensions = new Set<string>(["xml"]);
  const overrides: string[] = [];
  for (const name of entryNames) {
    const base = name.slice(name.lastIndexOf("/") + 1);
    const dot = base.lastIndexOf(".");
    if (dot > 0) extensions.add(base.slice(dot + 1).toLowerCase());
    else overrides.push(`/${name}`);
  }
  const defaults = [...extensions].sort().map((e) => `<Default Extension="${e}" ContentType="${TYPE}" />`);
  const parts = overrides.sort().map((p) => `<Override PartName="${p}" ContentType="${TYPE}" />`);
  return `\uFEFF<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${defaults.join("")}${parts.join("")}</Types>`;
}

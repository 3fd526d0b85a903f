/**
 * Field security profiles against the columns the package carries: a permission on a column that
 * is not secured (`IsSecured` 1) does nothing on import, and a secured column no profile grants is
 * readable by System Administrators only. Either is a mistake worth a red pack.
 */
import { PackProblem } from "../errors";
import { elements, lineOf } from "../xmlScan";

const inner = (xml: string, tag: string) => (elements(xml, tag)[0]?.inner ?? "").trim().toLowerCase();

export function checkFieldSecurity(zipName: string, customizations: string): PackProblem[] {
  const problems: PackProblem[] = [];
  const at = (index: number, message: string) =>
    problems.push({ file: `${zipName}/customizations.xml`, line: lineOf(customizations, index), message });

  // "table.column" of every attribute the package carries, and whether it is secured.
  const secured = new Map<string, boolean>();
  for (const entity of elements(customizations, "entity")) {
    const table = (entity.attrs.Name ?? "").toLowerCase();
    for (const a of elements(entity.inner, "attribute"))
      secured.set(`${table}.${inner(a.inner, "LogicalName")}`, inner(a.inner, "IsSecured") === "1");
  }
  const granted = new Set<string>();
  const section = elements(customizations, "FieldSecurityProfiles")[0];
  const base = section ? customizations.indexOf(section.inner, section.index) : 0;
  for (const profile of elements(section?.inner ?? "", "FieldSecurityProfile")) {
    const profileStart = base + profile.index;
    const profileBase = customizations.indexOf(profile.inner, profileStart);
    for (const p of elements(profile.inner, "FieldPermission")) {
      const key = `${inner(p.inner, "EntityName")}.${inner(p.inner, "AttributeName")}`;
      granted.add(key);
      const where = profileBase + p.index;
      if (!secured.has(key))
        at(where, `field security profile ${profile.attrs.name ?? ""} names ${key}, which the package does not carry`);
      else if (!secured.get(key))
        at(
          where,
          `field security profile ${profile.attrs.name ?? ""} names ${key}, which is not secured (IsSecured 0)`,
        );
    }
  }
  for (const [key, isSecured] of secured)
    if (isSecured && !granted.has(key))
      at(0, `${key} is secured but no field security profile of the package grants anything on it`);
  return problems;
}

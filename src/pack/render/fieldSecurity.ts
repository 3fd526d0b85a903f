/**
 * `<FieldSecurityProfiles>` of customizations.xml, in the shape CustomizationsSolution.xsd defines
 * (FieldSecurityProfilesType: `name`, `description`, `fieldsecurityprofileid` attributes; each
 * FieldPermission with EntityName, AttributeName, CanRead, CanUpdate, CanCreate in that order) and
 * exports write it (kfklaihk/StaffBonusSystem `Other/FieldSecurityProfiles.xml`, a 2026 export:
 * logical names, 4 = allowed, 0 = not allowed; its Solution.xml roots the profile as type 70 by id).
 * Exports also write `<CanReadUnmasked>` (column masking, newer than the schema); we mask nothing
 * and leave it out.
 */
import { el, XmlElement } from "../xml";
import { stableGuid } from "../guid";
import { FieldSecurityProfileDefinition } from "../model/fieldSecurity";

/** `fieldpermission.canread|cancreate|canupdate`: 4 Allowed, 0 Not allowed. */
const ALLOWED = 4;
const NOT_ALLOWED = 0;
const flag = (allowed: boolean) => (allowed ? ALLOWED : NOT_ALLOWED);

export const fieldSecurityProfileId = (profile: FieldSecurityProfileDefinition): string =>
  stableGuid("fieldsecurityprofile", profile.key);

export function renderFieldSecurityProfile(profile: FieldSecurityProfileDefinition): XmlElement {
  return el(
    "FieldSecurityProfile",
    { name: profile.name, description: profile.description, fieldsecurityprofileid: fieldSecurityProfileId(profile) },
    el(
      "FieldPermissions",
      {},
      ...profile.permissions.map((p) =>
        el(
          "FieldPermission",
          {},
          el("EntityName", {}, p.table),
          el("AttributeName", {}, p.column),
          el("CanRead", {}, flag(p.read)),
          el("CanUpdate", {}, flag(p.update)),
          el("CanCreate", {}, flag(p.create)),
        ),
      ),
    ),
  );
}

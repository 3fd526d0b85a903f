/**
 * The record the form shows is not in the typed PCF context: model-driven apps put it on
 * `mode.contextInfo` (and `page`). Both are undocumented, so they are read in this one place.
 */
import { normalizeGuid } from "../src/sources/webApi";

interface WithRecordInfo {
  mode: { contextInfo?: { entityId?: string; entityTypeName?: string; entityRecordName?: string } };
  page?: { entityId?: string; entityTypeName?: string };
}

/** The id of the account on the form, or undefined on a new, unsaved form. */
export function recordIdOf(context: ComponentFramework.Context<unknown>): string | undefined {
  const extended = context as unknown as WithRecordInfo;
  return normalizeGuid(extended.mode.contextInfo?.entityId) ?? normalizeGuid(extended.page?.entityId);
}

/** The account's name as the form shows it (for audit entries and activity subjects). */
export function recordNameOf(context: ComponentFramework.Context<unknown>): string | undefined {
  const name = (context as unknown as WithRecordInfo).mode.contextInfo?.entityRecordName;
  return typeof name === "string" && name.trim() ? name : undefined;
}

/** The logical name of the table the form shows ("account", "contact"), or undefined where the host does not say. */
export function recordTableOf(context: ComponentFramework.Context<unknown>): string | undefined {
  const extended = context as unknown as WithRecordInfo;
  const name = extended.mode.contextInfo?.entityTypeName ?? extended.page?.entityTypeName;
  return typeof name === "string" && name ? name.toLowerCase() : undefined;
}

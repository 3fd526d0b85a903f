/**
 * Columns the platform gives every user-owned table: we do not define them (Entity.xml does not
 * list them), yet views and forms may show them. Who created a row and when are what the trust
 * boundary rests on (src/schema.ts, ServerColumns), so requests, decisions and audit rows show them.
 */
import { ServerColumns } from "../../schema";
import { Column, Labels } from "./types";

interface SystemColumn {
  label: Labels;
  /** The kind of form control that shows it. */
  kind: Column["kind"];
}

export const SYSTEM_COLUMNS: Readonly<Record<string, SystemColumn>> = {
  [ServerColumns.createdBy]: { label: { 1033: "Created By" }, kind: "lookup" },
  [ServerColumns.createdOn]: { label: { 1033: "Created On" }, kind: "datetime" },
  [ServerColumns.modifiedBy]: { label: { 1033: "Modified By" }, kind: "lookup" },
  [ServerColumns.modifiedOn]: { label: { 1033: "Modified On" }, kind: "datetime" },
  [ServerColumns.owner]: { label: { 1033: "Owner" }, kind: "lookup" },
  statecode: { label: { 1033: "Status" }, kind: "choice" },
};

export const isSystemColumn = (name: string): boolean => Object.prototype.hasOwnProperty.call(SYSTEM_COLUMNS, name);

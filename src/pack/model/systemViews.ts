/**
 * The system views a new table carries when the maker portal creates it (public default,
 * advanced find, associated, quick find, lookup): shipping them avoids relying on the import
 * to invent them, and keeps their ids stable across versions.
 */
import { QueryType, View } from "./types";

/** `order` defaults to the primary name; a log-like table (audit, decisions) lists newest first. */
export function systemViews(
  primaryName: string,
  columns: string[],
  order: View["order"] = [{ attribute: primaryName, descending: false }],
): View[] {
  const active = [{ attribute: "statecode", operator: "eq", value: 0 } as const];
  const all = [primaryName, ...columns];
  return [
    {
      key: "active",
      name: { 1033: "Active rows" },
      queryType: QueryType.public,
      isDefault: true,
      columns: all,
      conditions: active,
      order,
    },
    {
      key: "advanced-find",
      name: { 1033: "Advanced find view" },
      queryType: QueryType.advancedFind,
      isDefault: true,
      columns: all,
      conditions: [],
      order,
    },
    {
      key: "associated",
      name: { 1033: "Associated view" },
      queryType: QueryType.associated,
      isDefault: true,
      columns: all,
      conditions: active,
      order,
    },
    {
      key: "quick-find",
      name: { 1033: "Quick find active rows" },
      queryType: QueryType.quickFind,
      isDefault: true,
      columns: all,
      conditions: active,
      order,
    },
    {
      key: "lookup",
      name: { 1033: "Lookup view" },
      queryType: QueryType.lookup,
      isDefault: true,
      columns: [primaryName],
      conditions: active,
      order,
    },
  ];
}

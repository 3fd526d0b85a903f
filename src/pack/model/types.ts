/**
 * The solution's content as data: tables, forms, views, roles, environment variables, web
 * resources. `Solution/` is rendered from this (npm run solution:generate), so a name is
 * written once, in src/schema.ts, and tests can compare what is packed with what is meant.
 */

/** A label in each language the solution ships (1033 English is required). */
export type Labels = { 1033: string } & Partial<Record<1031, string>>;

export interface ChoiceOption {
  value: number;
  label: Labels;
}

export type Column =
  | ColumnBase<"text"> & { maxLength: number }
  | ColumnBase<"memo"> & { maxLength: number }
  | ColumnBase<"whole"> & { min: number; max: number }
  | ColumnBase<"datetime"> & { dateOnly: boolean }
  | ColumnBase<"choice"> & { options: ChoiceOption[] }
  | ColumnBase<"lookup"> & { target: LookupTarget };

export interface ColumnBase<K extends string> {
  kind: K;
  logicalName: string;
  /** Schema name when its casing matters (lookups: it is the navigation property name). */
  schemaName?: string;
  label: Labels;
  description: string;
  required?: boolean;
}

/** Tables a lookup of ours may point to. Schema names are the platform's. */
export type LookupTarget = "account" | "contact" | "systemuser";

export interface FormSection {
  label: Labels;
  /** Column logical names, one per row. */
  columns: string[];
}

export interface FormHandler {
  event: "onload" | "onsave";
  library: string;
  functionName: string;
}

export interface MainForm {
  /** Stable key the form id is derived from. */
  key: string;
  name: Labels;
  sections: FormSection[];
  /** Script handlers of the form (the execution context is passed). */
  handlers?: FormHandler[];
}

/** `querytype` values of savedquery the platform uses for the system views of a table. */
export const QueryType = { public: 0, advancedFind: 1, associated: 2, quickFind: 4, lookup: 64 } as const;

export interface ViewCondition {
  attribute: string;
  operator: "eq" | "ne" | "next-x-days" | "on-or-after" | "eq-userid";
  value?: string | number;
}

export interface View {
  key: string;
  name: Labels;
  queryType: (typeof QueryType)[keyof typeof QueryType];
  isDefault: boolean;
  columns: string[];
  conditions: ViewCondition[];
  order: { attribute: string; descending: boolean }[];
}

export interface AlternateKey {
  schemaName: string;
  label: Labels;
  columns: string[];
}

export interface Table {
  logicalName: string;
  schemaName: string;
  entitySet: string;
  displayName: Labels;
  pluralName: Labels;
  description: string;
  primaryId: string;
  primaryName: string;
  /** Columns besides the primary key (the primary name column included). */
  columns: Column[];
  forms: MainForm[];
  views: View[];
  keys: AlternateKey[];
}

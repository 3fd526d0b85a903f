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
  | (ColumnBase<"text"> & { maxLength: number })
  | (ColumnBase<"memo"> & { maxLength: number })
  | (ColumnBase<"whole"> & { min: number; max: number })
  | (ColumnBase<"datetime"> & { dateOnly: boolean })
  | (ColumnBase<"choice"> & { options: ChoiceOption[] })
  | (ColumnBase<"lookup"> & {
      target: LookupTarget;
      /**
       * What deleting the target row does to rows that point at it: `removeLink` (default) clears
       * the lookup and keeps the row; `cascade` deletes the row with its target.
       */
      onDelete?: "cascade" | "removeLink";
    });

interface ColumnBase<K extends string> {
  kind: K;
  logicalName: string;
  /** Schema name when its casing matters (lookups: it is the navigation property name). */
  schemaName?: string;
  label: Labels;
  description: string;
  required?: boolean;
  /**
   * Column-level security (`IsSecured`): only a field security profile the user holds lets them
   * read, create or update it (model/fieldSecurity.ts says which). System Administrators bypass it.
   */
  secured?: boolean;
}

/** Tables a lookup of ours may point to: the platform's standard ones and our own. */
export type LookupTarget = "account" | "contact" | "systemuser" | "pg_outreachexception";

interface FormSection {
  label: Labels;
  /** Column logical names, one per row: the table's own columns or system columns (read-only). */
  columns: string[];
  /**
   * Columns on the form but not shown (cell `visible="false"`): a form script can read and set
   * only columns the form holds (formContext.getAttribute).
   */
  hidden?: string[];
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
  /** Alias of one of the view's `links` when the column is the linked table's; else the view's table. */
  entityname?: string;
  attribute: string;
  /**
   * FetchXML operators (powerapps-docs `fetchxml/reference/operators.md`). The relative date ones
   * (`today`, `yesterday`, `next-x-*`, `last-x-*`, `olderthan-x-*`) compare with the moment the
   * view runs, in the calling user's time zone: a view that uses them is never stale.
   */
  operator:
    | "eq"
    | "ne"
    | "null"
    | "not-null"
    | "in"
    | "today"
    | "yesterday"
    | "last-x-days"
    | "next-x-days"
    | "next-x-years"
    | "olderthan-x-days"
    | "on-or-after"
    | "eq-userid";
  value?: string | number;
  /** The list of an `in` condition, written as `<value>` children. */
  values?: readonly (string | number)[];
}

/** A nested `<filter>` (and/or) of conditions and further filters, inside the view's top-level `and`. */
export interface ViewFilter {
  type: "and" | "or";
  conditions: readonly ViewCondition[];
  filters?: readonly ViewFilter[];
}

/**
 * A table joined to the view's rows (`<link-entity>`), for conditions only: no columns are read
 * from it. An outer link plus a `null` condition on its primary key means "has no such row".
 */
interface ViewLink {
  /** Logical name of the linked table. */
  table: string;
  /** Column of the linked table... */
  from: string;
  /** ...equal to this column of the view's table. */
  to: string;
  alias: string;
  type: "inner" | "outer";
}

export interface View {
  key: string;
  name: Labels;
  queryType: (typeof QueryType)[keyof typeof QueryType];
  isDefault: boolean;
  /** Grid columns: the table's own columns or system columns (createdby, createdon...). */
  columns: string[];
  conditions: ViewCondition[];
  /** Nested filters, and-ed with `conditions` (an `or` of several conditions needs one). */
  filters?: ViewFilter[];
  links?: ViewLink[];
  order: { attribute: string; descending: boolean }[];
}

interface AlternateKey {
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

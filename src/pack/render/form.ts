/** Main forms (FormXml) of our tables and the PartnerGuard account form. */
import { el, XmlElement } from "../xml";
import { stableGuid } from "../guid";
import { Column, FormHandler, Labels, MainForm, Table } from "../model/types";
import { ACCOUNT_FORM } from "../model/account";
import { CONTACT_FORM } from "../model/contact";
import { SYSTEM_COLUMNS, isSystemColumn } from "../model/systemColumns";
import { Account, Contact } from "../../schema";
import { english, labelList } from "./labels";
import { INTRODUCED_VERSION } from "./attributes";
import { ROLES, RoleDefinition } from "../model/roles";
import { roleId } from "./role";

/**
 * `<DisplayConditions>` of a main form: which users get it (everyone, or holders of some roles),
 * its place in the form order (lowest first) and whether it is the fallback for users no other
 * form is shown to. Without it, which main form a user lands on is left to the form order.
 */
function displayConditions(
  order: number,
  fallbackForm: boolean,
  roleKeys: readonly RoleDefinition["key"][] | "everyone",
): XmlElement {
  const who =
    roleKeys === "everyone"
      ? [el("Everyone")]
      : roleKeys.map((key) => {
          const role = ROLES.find((r) => r.key === key);
          if (!role) throw new Error(`display conditions name role ${key}, which the solution does not ship`);
          return el("Role", { Id: roleId(role) });
        });
  return el("DisplayConditions", { Order: order, FallbackForm: String(fallbackForm) }, ...who);
}

/** Class ids of the platform's standard form controls. */
const ControlClass = {
  text: "{4273EDBD-AC1D-40d3-9FB2-095C621B552D}",
  memo: "{E0DECE4B-6FC8-4a8f-A065-082708572369}",
  lookup: "{270BD3DB-D9AF-4782-9025-509E298DEC0A}",
  choice: "{3EF39988-22BB-4f0b-BBBE-64B5A3748AEE}",
  datetime: "{5B773807-9FB2-42db-97C3-7A91EFF8ADFF}",
  whole: "{C6D124CA-7EDA-4a60-AEA9-7FB8D318B68F}",
  email: "{ADA2203E-B4CD-49be-9DDF-234642B43B52}",
  url: "{71716B6C-711E-476c-8AB8-5D11542BFB47}",
} as const;

export const formId = (entity: string, key: string): string => stableGuid("form", entity, key);

interface Cell {
  column: string;
  label: string;
  classid: string;
  uniqueid?: string;
  showlabel?: boolean;
  /** Read-only on the form (the system columns: only the server sets them). */
  disabled?: boolean;
  /** On the form for its scripts, not shown. */
  hidden?: boolean;
}

function cell(entity: string, formKey: string, c: Cell): XmlElement {
  return el(
    "cell",
    {
      id: stableGuid("cell", entity, formKey, c.column),
      showlabel: c.showlabel === false ? "false" : undefined,
      visible: c.hidden ? "false" : undefined,
    },
    labelList("labels", "label", english(c.label)),
    el("control", {
      id: c.column,
      classid: c.classid,
      datafieldname: c.column,
      disabled: c.disabled ? "true" : undefined,
      uniqueid: c.uniqueid,
    }),
  );
}

function section(entity: string, formKey: string, name: string, label: Labels, cells: Cell[]): XmlElement {
  return el(
    "section",
    {
      name,
      showlabel: "true",
      showbar: "false",
      id: stableGuid("section", entity, formKey, name),
      IsUserDefined: 0,
      columns: 1,
    },
    labelList("labels", "label", label),
    el("rows", {}, ...cells.map((c) => el("row", {}, cell(entity, formKey, c)))),
  );
}

function systemForm(
  entity: string,
  key: string,
  name: Labels,
  sections: XmlElement[],
  extra: XmlElement[] = [],
): XmlElement {
  return el(
    "forms",
    { type: "main" },
    el(
      "systemform",
      {},
      el("formid", {}, formId(entity, key)),
      el("IntroducedVersion", {}, INTRODUCED_VERSION),
      el("FormPresentation", {}, 1),
      el("FormActivationState", {}, 1),
      el(
        "form",
        {},
        el(
          "tabs",
          {},
          el(
            "tab",
            { name: "general", verticallayout: "true", id: stableGuid("tab", entity, key), IsUserDefined: 1 },
            labelList("labels", "label", english("General")),
            el("columns", {}, el("column", { width: "100%" }, el("sections", {}, ...sections))),
          ),
        ),
        ...extra,
      ),
      el("IsCustomizable", {}, 1),
      el("CanBeDeleted", {}, 1),
      labelList("LocalizedNames", "LocalizedName", name),
      labelList("Descriptions", "Description", english(`${name[1033]} main form.`)),
    ),
  );
}

const columnCell = (column: Column): Cell => ({
  column: column.logicalName,
  label: column.label[1033],
  classid: ControlClass[column.kind],
});

/** A column the platform sets (createdby, createdon...): shown, never edited. */
const systemCell = (name: string): Cell => ({
  column: name,
  label: SYSTEM_COLUMNS[name].label[1033],
  classid: ControlClass[SYSTEM_COLUMNS[name].kind],
  disabled: true,
});

export function renderTableForm(table: Table, form: MainForm): XmlElement {
  const byName = new Map(table.columns.map((c) => [c.logicalName, c]));
  const sections = form.sections.map((s, i) =>
    section(table.logicalName, form.key, `section_${i + 1}`, s.label, [
      ...s.columns.map((name) => {
        const column = byName.get(name);
        if (column) return columnCell(column);
        if (isSystemColumn(name)) return systemCell(name);
        throw new Error(`form ${form.key} of ${table.logicalName} names unknown column ${name}`);
      }),
      ...(s.hidden ?? []).map((name) => {
        const column = byName.get(name);
        if (!column) throw new Error(`form ${form.key} of ${table.logicalName} hides unknown column ${name}`);
        return { ...columnCell(column), hidden: true };
      }),
    ]),
  );
  // Our tables have one main form each: everyone gets it, and it is the fallback (as exports write custom-table forms).
  return systemForm(table.logicalName, form.key, form.name, sections, [
    displayConditions(0, true, "everyone"),
    ...formEvents(table.logicalName, form.key, form.handlers ?? []),
  ]);
}

/** `<events>` and `<formLibraries>` for a form's script handlers (none: nothing). */
function formEvents(entity: string, key: string, handlers: FormHandler[]): XmlElement[] {
  if (!handlers.length) return [];
  const libraries = [...new Set(handlers.map((h) => h.library))];
  const byEvent = ["onload", "onsave"].filter((e) => handlers.some((h) => h.event === e));
  const events = el(
    "events",
    {},
    ...byEvent.map((name) =>
      el(
        "event",
        { name, application: "false", active: "false" },
        el(
          "Handlers",
          {},
          ...handlers
            .filter((h) => h.event === name)
            .map((h) =>
              el("Handler", {
                functionName: h.functionName,
                libraryName: h.library,
                handlerUniqueId: stableGuid("handler", entity, key, h.functionName),
                enabled: "true",
                parameters: "",
                passExecutionContext: "true",
              }),
            ),
        ),
      ),
    ),
  );
  const formLibraries = el(
    "formLibraries",
    {},
    ...libraries.map((name) => el("Library", { name, libraryUniqueId: stableGuid("library", entity, key, name) })),
  );
  return [events, formLibraries];
}

/** What a form with the PartnerGuard card says about itself (model/account.ts, model/contact.ts). */
interface GuardForm {
  key: string;
  name: Labels;
  summaryColumns: readonly { column: string; label: string; control: keyof typeof ControlClass }[];
  control: string;
  bindings: Readonly<Record<string, string>>;
  onLoad?: { library: string; functionName: string };
  display: { order: number; fallbackForm: boolean; roles: readonly RoleDefinition["key"][] };
}

/**
 * A form with the PartnerGuard card: the control first (bound to the status column, further
 * columns passed as its other properties), then the table's usual columns, and the form's OnLoad
 * handler when it has one.
 */
function renderGuardForm(entity: string, f: GuardForm, statusColumn: string, summaryLabel: Labels): XmlElement {
  const controlUniqueId = stableGuid("control", entity, f.key, f.control);
  const guardSection = section(entity, f.key, "partnerguard", { 1033: "PartnerGuard" }, [
    {
      column: statusColumn,
      label: "PartnerGuard",
      classid: ControlClass.text,
      uniqueid: controlUniqueId,
      showlabel: false,
    },
  ]);
  const summarySection = section(
    entity,
    f.key,
    entity,
    summaryLabel,
    f.summaryColumns.map((c) => ({ column: c.column, label: c.label, classid: ControlClass[c.control] })),
  );
  const parameters = Object.entries(f.bindings).map(([property, column]) =>
    el(property, { type: "SingleLine.Text" }, column),
  );
  // One entry per form factor (0 web, 1 tablet, 2 phone) plus the default text box.
  const controlDescriptions = el(
    "controlDescriptions",
    {},
    el(
      "controlDescription",
      { forControl: controlUniqueId },
      el("customControl", { id: ControlClass.text }, el("parameters", {}, el("datafieldname", {}, statusColumn))),
      ...[0, 1, 2].map((formFactor) =>
        el("customControl", { formFactor, name: f.control }, el("parameters", {}, ...parameters)),
      ),
    ),
  );
  return systemForm(
    entity,
    f.key,
    f.name,
    [guardSection, summarySection],
    [
      controlDescriptions,
      ...formEvents(entity, f.key, f.onLoad ? [{ event: "onload", ...f.onLoad }] : []),
      displayConditions(f.display.order, f.display.fallbackForm, f.display.roles),
    ],
  );
}

/**
 * The account form: the PartnerGuard control first (bound to the status column, the tenant id
 * column passed as its second property), then the usual account columns, and the command-bar
 * script's OnLoad handler (it refreshes the command bar when the verdict arrives).
 */
export function renderAccountForm(): XmlElement {
  return renderGuardForm(Account.logicalName, ACCOUNT_FORM, Account.status, {
    1033: "Account information",
    1031: "Firmeninformationen",
  });
}

/**
 * The contact form (issue 25): the PartnerGuard control, bound to the contact's status column
 * only (it reads the contact's account itself), then the usual contact columns.
 */
export function renderContactForm(): XmlElement {
  return renderGuardForm(Contact.logicalName, CONTACT_FORM, Contact.status, CONTACT_FORM.summaryLabel);
}

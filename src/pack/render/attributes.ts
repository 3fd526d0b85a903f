/** Column definitions → `<attribute>` elements of EntityInfo, shaped like platform exports. */
import { el, XmlElement } from "../xml";
import { Column, Labels } from "../model/types";
import { english, labelList } from "./labels";

export const INTRODUCED_VERSION = "1.0.0.0";

const CUSTOM_FLAGS = (custom: boolean, secured: boolean) => [
  el("IsCustomField", {}, custom ? 1 : 0),
  el("IsAuditEnabled", {}, 1),
  el("IsSecured", {}, secured ? 1 : 0),
  el("IntroducedVersion", {}, INTRODUCED_VERSION),
  el("IsCustomizable", {}, 1),
  el("IsRenameable", {}, 1),
  el("CanModifySearchSettings", {}, 1),
  el("CanModifyRequirementLevelSettings", {}, 1),
  el("CanModifyAdditionalSettings", {}, 1),
  el("SourceType", {}, 0),
  el("IsGlobalFilterEnabled", {}, 0),
  el("IsSortableEnabled", {}, 0),
  el("CanModifyGlobalFilterSettings", {}, 1),
  el("CanModifyIsSortableSettings", {}, 1),
  el("IsDataSourceSecret", {}, 0),
];

function attribute(
  names: string | { logicalName: string; schemaName?: string },
  type: string,
  opts: {
    required: "none" | "required" | "systemrequired";
    mask: string;
    custom: boolean;
    label: Labels;
    description: string;
    create?: boolean;
    update?: boolean;
    /** Column-level security: field security profiles (model/fieldSecurity.ts) decide who may use it. */
    secured?: boolean;
  },
  ...specific: XmlElement[]
): XmlElement {
  const { logicalName, schemaName } = typeof names === "string" ? { logicalName: names, schemaName: undefined } : names;
  return el(
    "attribute",
    { PhysicalName: schemaName ?? logicalName },
    el("Type", {}, type),
    el("Name", {}, logicalName),
    el("LogicalName", {}, logicalName),
    el("RequiredLevel", {}, opts.required),
    el("DisplayMask", {}, opts.mask),
    el("ImeMode", {}, "auto"),
    opts.update !== false && el("ValidForUpdateApi", {}, 1),
    el("ValidForReadApi", {}, 1),
    opts.create !== false && el("ValidForCreateApi", {}, 1),
    ...CUSTOM_FLAGS(opts.custom, opts.secured === true),
    ...specific,
    labelList("displaynames", "displayname", opts.label),
    labelList("Descriptions", "Description", english(opts.description)),
  );
}

const FIELD_MASK = "ValidForAdvancedFind|ValidForForm|ValidForGrid";

export function renderColumn(column: Column, entityLogicalName: string, isPrimaryName: boolean): XmlElement {
  const required = column.required ? "required" : "none";
  const common = {
    required,
    mask: isPrimaryName ? `PrimaryName|${FIELD_MASK}|RequiredForForm` : FIELD_MASK,
    custom: true,
    label: column.label,
    description: column.description,
    secured: column.secured === true,
  } as const;
  switch (column.kind) {
    case "text":
      return attribute(
        column,
        "nvarchar",
        common,
        el("Format", {}, "text"),
        el("MaxLength", {}, column.maxLength),
        el("Length", {}, column.maxLength * 2),
      );
    case "memo":
      return attribute(column, "ntext", common, el("Format", {}, "TextArea"), el("MaxLength", {}, column.maxLength));
    case "whole":
      return attribute(
        column,
        "int",
        common,
        el("Format", {}, "none"),
        el("MinValue", {}, column.min),
        el("MaxValue", {}, column.max),
      );
    case "datetime":
      // Behavior 2 = DateOnly (a day, no time zone shift), 1 = UserLocal.
      return attribute(
        column,
        "datetime",
        common,
        el("Format", {}, column.dateOnly ? "date" : "datetime"),
        el("Behavior", {}, column.dateOnly ? 2 : 1),
        el("CanChangeDateTimeBehavior", {}, 0),
      );
    case "choice":
      return attribute(
        column,
        "picklist",
        common,
        el("AppDefaultValue", {}, -1),
        el(
          "optionset",
          { Name: `${entityLogicalName}_${column.logicalName}` },
          el("OptionSetType", {}, "picklist"),
          el("IsGlobal", {}, 0),
          el("IntroducedVersion", {}, INTRODUCED_VERSION),
          el("IsCustomizable", {}, 1),
          labelList("displaynames", "displayname", column.label),
          labelList("Descriptions", "Description", english(column.description)),
          el(
            "options",
            {},
            ...column.options.map((o) => el("option", { value: o.value }, labelList("labels", "label", o.label))),
          ),
        ),
      );
    case "lookup":
      return attribute(column, "lookup", common, el("LookupStyle", {}, "single"), el("LookupTypes", {}));
  }
}

export function renderPrimaryKey(logicalName: string, displayName: Labels): XmlElement {
  return attribute(logicalName, "primarykey", {
    required: "systemrequired",
    mask: "ValidForAdvancedFind|RequiredForGrid",
    custom: false,
    label: displayName,
    description: "Unique identifier of the row.",
    update: false,
  });
}

/** statecode/statuscode: Active (1) and Inactive (2), as the maker portal creates them. */
export function renderStateColumns(entityLogicalName: string): XmlElement[] {
  const state = attribute(
    "statecode",
    "state",
    {
      required: "systemrequired",
      mask: FIELD_MASK,
      custom: false,
      label: english("Status"),
      description: "Status of the row.",
      create: false,
    },
    el(
      "optionset",
      { Name: `${entityLogicalName}_statecode` },
      el("OptionSetType", {}, "state"),
      el("IntroducedVersion", {}, INTRODUCED_VERSION),
      el("IsCustomizable", {}, 1),
      labelList("displaynames", "displayname", english("Status")),
      el(
        "states",
        {},
        el(
          "state",
          { value: 0, defaultstatus: 1, invariantname: "Active" },
          labelList("labels", "label", english("Active")),
        ),
        el(
          "state",
          { value: 1, defaultstatus: 2, invariantname: "Inactive" },
          labelList("labels", "label", english("Inactive")),
        ),
      ),
    ),
  );
  const status = attribute(
    "statuscode",
    "status",
    {
      required: "none",
      mask: FIELD_MASK,
      custom: false,
      label: english("Status Reason"),
      description: "Reason for the status of the row.",
    },
    el(
      "optionset",
      { Name: `${entityLogicalName}_statuscode` },
      el("OptionSetType", {}, "status"),
      el("IntroducedVersion", {}, INTRODUCED_VERSION),
      el("IsCustomizable", {}, 1),
      labelList("displaynames", "displayname", english("Status Reason")),
      el(
        "statuses",
        {},
        el("status", { value: 1, state: 0 }, labelList("labels", "label", english("Active"))),
        el("status", { value: 2, state: 1 }, labelList("labels", "label", english("Inactive"))),
      ),
    ),
  );
  return [state, status];
}

/**
 * environmentvariabledefinitions/<schemaname>/environmentvariabledefinition.xml, in the shape of
 * real exports: no XML declaration (one makes the import fail), `default` attribute plus label.
 */
import { el, XmlElement } from "../xml";
import { EnvironmentVariableDefinition } from "../model/environmentVariables";
import { INTRODUCED_VERSION } from "./attributes";

export function renderEnvironmentVariable(v: EnvironmentVariableDefinition): XmlElement {
  return el(
    "environmentvariabledefinition",
    { schemaname: v.schemaName },
    v.defaultValue !== undefined && el("defaultvalue", {}, v.defaultValue),
    el("description", { default: v.description }, el("label", { description: v.description, languagecode: 1033 })),
    el("displayname", { default: v.displayName }, el("label", { description: v.displayName, languagecode: 1033 })),
    el("introducedversion", {}, INTRODUCED_VERSION),
    el("iscustomizable", {}, 1),
    el("isrequired", {}, 0),
    el("secretstore", {}, 0),
    el("type", {}, v.type),
  );
}

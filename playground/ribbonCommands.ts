/**
 * The command bar of a grid as the platform builds it from the packed solution: commands, their
 * enable rules and actions are read from the zip's customizations.xml (the account entity's
 * RibbonDiffXml), never from a copy in the page, and each rule is evaluated the way the Unified
 * Interface evaluates it (learn.microsoft.com power-apps/developer/model-driven-apps
 * define-ribbon-enable-rules, pass-data-page-parameter-ribbon-actions; platform-facts A1, A3, G):
 *
 * - a command is on when every EnableRule it names is true, and an EnableRule is true when every
 *   step inside it is (`InvertResult` flips a step);
 * - a CustomRule calls the named function of its library with the CrmParameters in order; a Promise
 *   is awaited, and one that has not resolved after 10 s counts as false;
 * - a rule the solution references but does not define (`Mscrm.…`) is the platform's own: the few
 *   whose meaning is documented are evaluated, the others are reported as "assumed on" (they test
 *   things the playground has no notion of: offline, the visualization pane, org settings).
 *
 * Pure over its inputs: the page supplies the selection, the window that holds the libraries and a
 * loader for a library not loaded yet.
 */

/** A CrmParameter, or a literal parameter (StringParameter, BoolParameter, IntParameter, DecimalParameter). */
export type RibbonParameter = { crm: string } | { literal: string | number | boolean };

export interface ScriptCall {
  functionName: string;
  /** `$webresource:<name>` or a platform path. */
  library: string;
  parameters: RibbonParameter[];
}

export type RuleStep =
  | ({ kind: "custom"; invert: boolean; default: boolean } & ScriptCall)
  | { kind: "selectionCount"; invert: boolean; minimum?: number; maximum?: number }
  /** A step the playground does not evaluate (e.g. a RecordPrivilegeRule): reported, counted as on. */
  | { kind: "unsupported"; element: string };

export interface EnableRuleDefinition {
  id: string;
  /** Undefined: the rule is the platform's own (referenced by id, defined outside this solution). */
  steps?: RuleStep[];
}

export interface CommandDefinitionModel {
  id: string;
  enableRules: EnableRuleDefinition[];
  actions: ScriptCall[];
}

export interface RibbonButton {
  id: string;
  location: string;
  command: string;
  /** `$LocLabels:<id>` resolved, by language code. */
  labels: Record<number, string>;
}

export interface RibbonModel {
  commands: Map<string, CommandDefinitionModel>;
  buttons: RibbonButton[];
  /** Locations hidden by a HideCustomAction. */
  hidden: Set<string>;
}

const children = (el: Element, name: string): Element[] => Array.from(el.children).filter((c) => c.localName === name);
const child = (el: Element | undefined, name: string): Element | undefined => (el ? children(el, name)[0] : undefined);

/** The RibbonDiffXml of one entity in a customizations.xml. */
export function entityRibbon(customizationsXml: string, entity: string): Element {
  const doc = new DOMParser().parseFromString(customizationsXml, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) throw new Error("customizations.xml does not parse");
  for (const e of Array.from(doc.getElementsByTagName("Entity"))) {
    const name = child(e, "Name");
    if (name?.textContent?.trim().toLowerCase() !== entity) continue;
    const ribbon = child(e, "RibbonDiffXml");
    if (ribbon) return ribbon;
  }
  throw new Error(`customizations.xml holds no RibbonDiffXml for ${entity}`);
}

function parameters(el: Element): RibbonParameter[] {
  return Array.from(el.children).flatMap((p): RibbonParameter[] => {
    const value = p.getAttribute("Value") ?? "";
    switch (p.localName) {
      case "CrmParameter":
        return [{ crm: value }];
      case "StringParameter":
        return [{ literal: value }];
      case "BoolParameter":
        return [{ literal: value === "true" }];
      case "IntParameter":
      case "DecimalParameter":
        return [{ literal: Number(value) }];
      default:
        return [];
    }
  });
}

function scriptCall(el: Element): ScriptCall {
  return {
    functionName: el.getAttribute("FunctionName") ?? "",
    library: el.getAttribute("Library") ?? "",
    parameters: parameters(el),
  };
}

/** RibbonTypes.xsd booleans: "0" | "1" | "true" | "false". */
const xmlTrue = (value: string | null): boolean => value === "true" || value === "1";

function ruleStep(el: Element): RuleStep {
  const invert = xmlTrue(el.getAttribute("InvertResult"));
  if (el.localName === "CustomRule")
    // Default: "the value when the actual value cannot be determined" (CustomRule reference); the
    // documentation gives none for an absent attribute, so the playground takes false (closed).
    return { kind: "custom", invert, default: xmlTrue(el.getAttribute("Default")), ...scriptCall(el) };
  if (el.localName === "SelectionCountRule") {
    const min = el.getAttribute("Minimum");
    const max = el.getAttribute("Maximum");
    return {
      kind: "selectionCount",
      invert,
      ...(min !== null ? { minimum: Number(min) } : {}),
      ...(max !== null ? { maximum: Number(max) } : {}),
    };
  }
  return { kind: "unsupported", element: el.localName };
}

/** Resolves `$LocLabels:<id>` against the diff's LocLabels. */
function labelsOf(ribbon: Element, ref: string | null): Record<number, string> {
  const id = ref?.replace(/^\$LocLabels:/, "");
  const labels: Record<number, string> = {};
  if (!id) return labels;
  for (const loc of Array.from(ribbon.getElementsByTagName("LocLabel"))) {
    if (loc.getAttribute("Id") !== id) continue;
    for (const title of Array.from(loc.getElementsByTagName("Title")))
      labels[Number(title.getAttribute("languagecode"))] = title.getAttribute("description") ?? "";
  }
  if (!Object.keys(labels).length && ref) labels[1033] = ref;
  return labels;
}

export function readRibbon(customizationsXml: string, entity = "account"): RibbonModel {
  const ribbon = entityRibbon(customizationsXml, entity);
  const ruleDefinitions = new Map<string, RuleStep[]>();
  const rulesBlock = child(child(ribbon, "RuleDefinitions"), "EnableRules");
  for (const rule of rulesBlock ? children(rulesBlock, "EnableRule") : [])
    ruleDefinitions.set(rule.getAttribute("Id") ?? "", Array.from(rule.children).map(ruleStep));
  const commands = new Map<string, CommandDefinitionModel>();
  const commandsBlock = child(ribbon, "CommandDefinitions");
  for (const def of commandsBlock ? children(commandsBlock, "CommandDefinition") : []) {
    const id = def.getAttribute("Id") ?? "";
    const enableRules = children(child(def, "EnableRules") ?? def, "EnableRule").map((r) => {
      const ruleId = r.getAttribute("Id") ?? "";
      return { id: ruleId, steps: ruleDefinitions.get(ruleId) };
    });
    const actionsBlock = child(def, "Actions");
    const actions = actionsBlock ? children(actionsBlock, "JavaScriptFunction").map(scriptCall) : [];
    commands.set(id, { id, enableRules, actions });
  }
  const buttons: RibbonButton[] = [];
  const hidden = new Set<string>();
  const actionsBlock = child(ribbon, "CustomActions");
  for (const action of actionsBlock ? Array.from(actionsBlock.children) : []) {
    if (action.localName === "HideCustomAction") {
      hidden.add(action.getAttribute("Location") ?? "");
      continue;
    }
    if (action.localName !== "CustomAction") continue;
    for (const button of Array.from(action.getElementsByTagName("Button")))
      buttons.push({
        id: button.getAttribute("Id") ?? "",
        location: action.getAttribute("Location") ?? "",
        command: button.getAttribute("Command") ?? "",
        labels: labelsOf(ribbon, button.getAttribute("LabelText")),
      });
  }
  return { commands, buttons, hidden };
}

/** What the grid hands a rule or an action: the CrmParameter values of this selection. */
export interface GridSelection {
  /** As the platform passes them: `{GUID}`, upper case. */
  selectedIds: string[];
  selectedReferences: { Id: string; Name: string; TypeCode: number; TypeName: string }[];
  allIds: string[];
  selectedControl: unknown;
  entityName: string;
  entityTypeCode: number;
  languageId: number;
}

/** The value of a CrmParameter; an unknown one is an error, not a silent undefined. */
export function crmParameter(name: string, s: GridSelection): unknown {
  switch (name) {
    case "SelectedControl":
    case "PrimaryControl": // on a homepage grid the primary control is the grid itself
      return s.selectedControl;
    case "SelectedControlSelectedItemIds":
      return [...s.selectedIds];
    case "SelectedControlSelectedItemCount":
      return s.selectedIds.length;
    case "SelectedControlSelectedItemReferences":
      return s.selectedReferences.map((r) => ({ ...r }));
    case "SelectedControlAllItemIds":
      return [...s.allIds];
    case "SelectedControlAllItemCount":
      return s.allIds.length;
    case "SelectedEntityTypeName":
    case "PrimaryEntityTypeName":
      return s.entityName;
    case "SelectedEntityTypeCode":
    case "PrimaryEntityTypeCode":
      return s.entityTypeCode;
    case "UserLcid":
    case "OrgLcid":
      return s.languageId;
    default:
      throw new Error(`the playground's grid does not pass CrmParameter ${name}`);
  }
}

const argumentsOf = (call: ScriptCall, s: GridSelection): unknown[] =>
  call.parameters.map((p) => ("crm" in p ? crmParameter(p.crm, s) : p.literal));

/** The function a FunctionName names, looked up from the window like the platform does. */
export function functionAt(scope: object, dotted: string): ((...args: unknown[]) => unknown) | undefined {
  let at: unknown = scope;
  for (const part of dotted.split(".")) {
    if (at === null || (typeof at !== "object" && typeof at !== "function")) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === "function" ? (at as (...args: unknown[]) => unknown) : undefined;
}

/** Platform rules whose meaning the documentation gives (define-ribbon-enable-rules, ribbons-available). */
const PLATFORM_RULES: Record<string, (s: GridSelection) => boolean> = {
  "Mscrm.SelectionCountAtLeastZero": () => true,
  "Mscrm.SelectionCountAtLeastOne": (s) => s.selectedIds.length >= 1,
  "Mscrm.SelectionCountExactlyOne": (s) => s.selectedIds.length === 1,
  "Mscrm.SelectionCountAtLeastTwo": (s) => s.selectedIds.length >= 2,
};

/** The platform counts a Promise rule as false when it has not resolved after 10 s (platform-facts A1). */
export const PROMISE_RULE_BUDGET_MS = 10_000;

export interface RuleOutcome {
  rule: string;
  /** What the rule answered; `assumed` for a platform rule the playground cannot evaluate. */
  value: boolean;
  how: "custom" | "selectionCount" | "platform" | "assumed" | "unsupported" | "timeout" | "failed";
  /** The function a custom rule called. */
  functionName?: string;
  detail?: string;
}

export interface CommandState {
  command: string;
  enabled: boolean;
  outcomes: RuleOutcome[];
}

export interface RuleHost {
  /** The window whose globals hold the libraries' functions. */
  scope: object;
  /** Loads a library not loaded yet, when the page can (a shipped web resource); false when it cannot. */
  loadLibrary(library: string): Promise<boolean>;
  setTimeout(fn: () => void, ms: number): unknown;
}

/**
 * The page's rule host: a library of the solution (a web resource named in the zip's
 * customizations.xml) is loaded from the zip when a rule first needs it; any other library is the
 * platform's own (Microsoft's scripts are not here), so its rules cannot be evaluated.
 */
export function shippedRuleHost(customizationsXml: string, page: Window = window): RuleHost {
  const shipped = new Set(
    Array.from(
      new DOMParser()
        .parseFromString(customizationsXml, "application/xml")
        .querySelectorAll("WebResources > WebResource > Name"),
    ).map((n) => n.textContent?.trim() ?? ""),
  );
  const document = page.document;
  return {
    scope: page,
    loadLibrary: (library) => {
      const name = /^\$webresource:(.+)$/.exec(library)?.[1];
      if (!name || !shipped.has(name)) return Promise.resolve(false);
      const src = `/WebResources/${name}`;
      if (document.querySelector(`script[src="${src}"]`)) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const script = document.createElement("script");
        script.src = src;
        script.onload = () => resolve(true);
        script.onerror = () => resolve(false);
        document.body.appendChild(script);
      });
    },
    setTimeout: (fn, ms) => page.setTimeout(fn, ms),
  };
}

async function customRule(
  step: Extract<RuleStep, { kind: "custom" }>,
  s: GridSelection,
  host: RuleHost,
): Promise<Pick<RuleOutcome, "value" | "how" | "detail">> {
  let fn = functionAt(host.scope, step.functionName);
  if (!fn && (await host.loadLibrary(step.library))) fn = functionAt(host.scope, step.functionName);
  if (!fn) return { value: step.default, how: "failed", detail: `${step.functionName} not found in ${step.library}` };
  try {
    const answer = fn(...argumentsOf(step, s));
    if (answer && typeof (answer as Promise<unknown>).then === "function") {
      const settled = await Promise.race([
        Promise.resolve(answer).then(
          (v) => ({ v }),
          (e: unknown) => ({ error: e }),
        ),
        new Promise<"timeout">((resolve) => host.setTimeout(() => resolve("timeout"), PROMISE_RULE_BUDGET_MS)),
      ]);
      if (settled === "timeout") return { value: false, how: "timeout" };
      // A rejected promise is undocumented (platform-facts A2): count it as false and say so.
      if ("error" in settled) return { value: false, how: "failed", detail: String(settled.error) };
      return { value: settled.v === true, how: "custom" };
    }
    return { value: answer === true, how: "custom" };
  } catch (e) {
    return { value: step.default, how: "failed", detail: (e as Error).message };
  }
}

/** Evaluates every enable rule of a command for this selection, as the platform does on each selection change. */
export async function evaluateCommand(
  command: CommandDefinitionModel,
  s: GridSelection,
  host: RuleHost,
): Promise<CommandState> {
  const outcomes = await Promise.all(
    command.enableRules.map(async (rule): Promise<RuleOutcome> => {
      if (!rule.steps) {
        const known = PLATFORM_RULES[rule.id];
        return known
          ? { rule: rule.id, value: known(s), how: "platform" }
          : { rule: rule.id, value: true, how: "assumed" };
      }
      let value = true;
      let outcome: RuleOutcome = { rule: rule.id, value, how: "custom" };
      for (const step of rule.steps) {
        if (step.kind === "unsupported") {
          outcome = { rule: rule.id, value, how: "unsupported", detail: step.element };
          continue;
        }
        if (step.kind === "selectionCount") {
          const n = s.selectedIds.length;
          const ok =
            (step.minimum === undefined || n >= step.minimum) && (step.maximum === undefined || n <= step.maximum);
          value &&= step.invert ? !ok : ok;
          outcome = { rule: rule.id, value, how: "selectionCount" };
          continue;
        }
        const r = await customRule(step, s, host);
        value &&= step.invert ? !r.value : r.value;
        outcome = { rule: rule.id, value, how: r.how, functionName: step.functionName, detail: r.detail };
      }
      return { ...outcome, value };
    }),
  );
  return { command: command.id, enabled: outcomes.every((o) => o.value), outcomes };
}

export type ActionResult =
  | { ran: true; functionName: string; result: unknown }
  /** The action is the platform's own (a library the solution does not ship): what it would run. */
  | { ran: false; functionName: string; library: string; arguments: string[] };

/** Runs a command's actions in order, as the platform does when the button is clicked. */
export async function runActions(
  command: CommandDefinitionModel,
  s: GridSelection,
  host: RuleHost,
): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of command.actions) {
    let fn = functionAt(host.scope, action.functionName);
    if (!fn && (await host.loadLibrary(action.library))) fn = functionAt(host.scope, action.functionName);
    if (!fn) {
      results.push({
        ran: false,
        functionName: action.functionName,
        library: action.library,
        arguments: action.parameters.map((p) => ("crm" in p ? p.crm : String(p.literal))),
      });
      continue;
    }
    results.push({ ran: true, functionName: action.functionName, result: await fn(...argumentsOf(action, s)) });
  }
  return results;
}

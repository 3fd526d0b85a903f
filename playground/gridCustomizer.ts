/**
 * The Power Apps grid's side of a grid customizer control, for the playground's account view: the
 * grid reads which customizer it has from the solution (`GridCustomizerControlFullName`), loads
 * that control's bundle.js out of the packed zip the way the form loads the card (the bundle
 * registers its class through `ComponentFramework.registerControl`), calls `init` with a context
 * whose `parameters.EventName` names the event and whose `factory.fireEvent` receives the
 * customizer's `{ cellRendererOverrides, cellEditorOverrides }`, and then asks the renderer of a
 * cell's data type for each cell, falling back to its own text when the renderer returns null or
 * undefined. Source: learn.microsoft.com/power-apps/developer/component-framework/customize-editable-grid-control
 * and the template it points to (microsoft/PowerApps-Samples component-framework/PowerAppsGridCustomizerControl,
 * PAGridCustomizer/types.ts for the props and parameters); platform-facts.md section G.
 */
import type * as React from "react";
import { parseResx } from "./fakeContext";

/** Column data types as the grid names them (PAGridCustomizer/types.ts, ColumnDataType). */
export type ColumnDataType =
  "Text" | "Lookup" | "OptionSet" | "TwoOptions" | "Integer" | "Decimal" | "DateOnly" | "DateAndTime" | "Email" | "URL";

export interface ColumnDefinition {
  readonly name: string;
  readonly displayName?: string;
  readonly dataType: ColumnDataType;
  readonly isPrimary: boolean;
  readonly width?: number;
}

export interface CellRendererProps {
  readonly value: unknown;
  readonly formattedValue?: string;
  readonly columnDataType?: ColumnDataType;
  readonly columnEditable?: boolean;
  readonly isRTLMode?: boolean;
  readonly rowHeight?: number;
  readonly isLastRow?: boolean;
  readonly isRightAligned?: boolean;
  readonly onCellClicked?: () => void;
  readonly startEditing?: (value?: unknown) => void;
}

/** `__rec_id` names the row; the other keys are the row's columns as the grid holds them. */
export type RowData = { readonly __rec_id: string } & Readonly<Record<string, unknown>>;

export interface GetRendererParams {
  readonly colDefs: ColumnDefinition[];
  readonly columnIndex: number;
  readonly rowData?: RowData;
  readonly allowTabKeyNavigation?: boolean;
}

export type CellRenderer = (
  props: CellRendererProps,
  params: GetRendererParams,
) => React.ReactElement | null | undefined;

export interface CustomizerPayload {
  cellRendererOverrides?: Partial<Record<string, CellRenderer>>;
  cellEditorOverrides?: Partial<Record<string, unknown>>;
}

export interface LoadedCustomizer {
  /** `<prefix>_<namespace>.<constructor>`, as the grid's configuration names it. */
  name: string;
  payload: CustomizerPayload;
  /** What the control's own `init` did besides firing the event (for the page to show). */
  firedEvents: string[];
  destroy(): void;
}

/**
 * The customizer the solution configures for the grid: the value of `GridCustomizerControlFullName`
 * (per table in `<CustomControlDefaultConfigs>` or per view in its layout), or undefined.
 */
export function configuredCustomizer(customizationsXml: string): string | undefined {
  // The parameter is an element (or, in a view's escaped layout, an escaped element) holding the name.
  const m =
    /<GridCustomizerControlFullName[^>]*>\s*([\w.]+)\s*<\/GridCustomizerControlFullName>/.exec(customizationsXml) ??
    /&lt;GridCustomizerControlFullName(?:(?!&gt;).)*&gt;\s*([\w.]+)\s*&lt;\/GridCustomizerControlFullName&gt;/.exec(
      customizationsXml,
    );
  return m?.[1];
}

interface Manifest {
  registeredName: string;
  resx: Record<number, string>;
}

async function readManifest(folder: string): Promise<Manifest> {
  const url = `${folder}/ControlManifest.xml`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const doc = new DOMParser().parseFromString(await response.text(), "application/xml");
  const control = doc.querySelector("control");
  if (!control) throw new Error(`${url} declares no control`);
  const resx: Record<number, string> = {};
  doc.querySelectorAll("resx").forEach((r) => {
    const path = r.getAttribute("path") ?? "";
    const lcid = /\.(\d{4})\.resx$/.exec(path)?.[1];
    if (lcid) resx[Number(lcid)] = path;
  });
  return {
    registeredName: `${control.getAttribute("namespace")}.${control.getAttribute("constructor")}`,
    resx,
  };
}

function loadScript(src: string): Promise<void> {
  if (document.querySelector(`script[src="${src}"]`)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.body.appendChild(script);
  });
}

interface CustomizerControl {
  init(context: unknown, notifyOutputChanged?: () => void, state?: unknown): void;
  updateView(context: unknown): unknown;
  destroy(): void;
}

function unimplemented(name: string): never {
  throw new Error(`playground grid: context.${name} is not implemented`);
}

/** Loads the customizer's bundle from the zip, runs its init and returns what it fired. */
export async function loadCustomizer(
  name: string,
  options: { languageId: number; userId: string; userName: string; eventName: string },
): Promise<LoadedCustomizer> {
  const folder = `/controls/${name}`;
  const manifest = await readManifest(folder);
  await loadScript(`${folder}/bundle.js`);
  const registered = (window as unknown as { playgroundControls?: Record<string, new () => CustomizerControl> })
    .playgroundControls?.[manifest.registeredName];
  if (!registered) throw new Error(`${folder}/bundle.js did not register ${manifest.registeredName}`);
  const resxPath = manifest.resx[options.languageId] ?? manifest.resx[1033];
  let strings = new Map<string, string>();
  if (resxPath) {
    const response = await fetch(`${folder}/${resxPath}`);
    if (!response.ok) throw new Error(`${folder}/${resxPath}: ${response.status}`);
    strings = parseResx(await response.text());
  }
  let payload: CustomizerPayload | undefined;
  const firedEvents: string[] = [];
  const context = {
    parameters: {
      EventName: {
        raw: options.eventName,
        formatted: options.eventName,
        type: "SingleLine.Text",
        error: false,
        errorMessage: "",
        attributes: {},
        security: { editable: false, readable: true, secured: false },
      },
    },
    factory: {
      fireEvent: (event: string, data: unknown) => {
        firedEvents.push(event);
        if (event === options.eventName) payload = data as CustomizerPayload;
      },
      requestRender: () => undefined,
      getPopupService: () => unimplemented("factory.getPopupService"),
    },
    resources: {
      getString: (key: string) => strings.get(key) ?? key,
      getResource: () => unimplemented("resources.getResource"),
    },
    userSettings: {
      languageId: options.languageId,
      userId: options.userId,
      userName: options.userName,
      isRTL: false,
      // The user's Dataverse time zone: the browser's in the playground.
      getTimeZoneOffsetMinutes: (date?: Date) => -(date ?? new Date()).getTimezoneOffset(),
    },
    mode: {
      allocatedWidth: -1,
      allocatedHeight: -1,
      isControlDisabled: false,
      isVisible: true,
      label: "",
      setControlState: () => true,
      setFullScreen: () => unimplemented("mode.setFullScreen"),
      trackContainerResize: () => undefined,
    },
    webAPI: new Proxy({}, { get: (_t, p) => () => unimplemented(`webAPI.${String(p)}`) }),
    utils: new Proxy({}, { get: (_t, p) => () => unimplemented(`utils.${String(p)}`) }),
    formatting: new Proxy({}, { get: (_t, p) => () => unimplemented(`formatting.${String(p)}`) }),
  };
  const control = new registered();
  control.init(context);
  // The grid mounts the customizer like any virtual control; its own view is empty.
  control.updateView(context);
  if (!payload) throw new Error(`${name} fired no ${options.eventName} event in init`);
  return { name, payload, firedEvents, destroy: () => control.destroy() };
}

/**
 * The cell as the grid renders it: the customizer's renderer for the column's data type, or the
 * grid's own text when there is none or it returns null/undefined.
 */
export function renderCell(
  customizer: CustomizerPayload | undefined,
  props: CellRendererProps,
  params: GetRendererParams,
  fallback: () => React.ReactElement,
): React.ReactElement {
  const renderer = props.columnDataType ? customizer?.cellRendererOverrides?.[props.columnDataType] : undefined;
  return renderer?.(props, params) ?? fallback();
}

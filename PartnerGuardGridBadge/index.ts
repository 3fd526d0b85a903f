import * as React from "react";
import { IInputs, IOutputs } from "./generated/ManifestTypes";
import { LOCALES, makeTranslate } from "../src/text/verdictText";
import { createCellRendererOverrides } from "./badge/cellRenderers";
import type { GridCustomizer } from "./badge/gridContract";

/** `context.factory.fireEvent` is how a grid customizer answers; the PCF typings do not list it. */
interface CustomizerFactory {
  fireEvent(eventName: string, customizer: GridCustomizer): void;
}

/** The user's today in their Dataverse time zone (what the views' "today" means), as "YYYY-MM-DD". */
function userToday(context: ComponentFramework.Context<IInputs>, now = new Date()): string {
  const offset = context.userSettings.getTimeZoneOffsetMinutes?.(now) ?? -now.getTimezoneOffset();
  return new Date(now.getTime() + offset * 60_000).toISOString().slice(0, 10);
}

/**
 * Lifecycle only. The Power Apps grid control loads this control as its customizer and passes the
 * event to answer in `EventName`; `init` answers with the badge's cell renderers (badge/).
 */
export class PartnerGuardGridBadge implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  public init(context: ComponentFramework.Context<IInputs>): void {
    const eventName = context.parameters.EventName?.raw;
    if (!eventName) return;
    const customizer: GridCustomizer = {
      cellRendererOverrides: createCellRendererOverrides({
        t: makeTranslate((key) => context.resources.getString(key)),
        locale: LOCALES[context.userSettings.languageId] ?? LOCALES[1033],
        today: userToday(context),
      }),
    };
    (context.factory as unknown as CustomizerFactory).fireEvent(eventName, customizer);
  }

  public updateView(): React.ReactElement {
    return React.createElement(React.Fragment);
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    // Nothing to release: the renderers hold no state and start no work.
  }
}

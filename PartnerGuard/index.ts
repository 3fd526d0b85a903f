import * as React from "react";
import { IInputs, IOutputs } from "./generated/ManifestTypes";
import { VerdictCard } from "./components/VerdictCard";
import { CardProps } from "./components/Component.types";
import { LOCALES, makeTranslate } from "../src/text/verdictText";
import { recordIdOf, recordNameOf } from "./ContextExtended";
import { includeActions } from "./includeActions";
import { IncludePartnerActions } from "./components/IncludePartner.types";
import { ActionContext } from "../src/sources/partnerActions";
import { SourceFailure } from "../src/core/types";
import { VerdictController } from "./VerdictController";
import { localConfigCache, resolveForForm, sessionStorageOrUndefined } from "../src/sources/formResolution";
import { GraphConnection, loginHintOf } from "./graphWiring";

/** Lifecycle only: context in, view model out. The rules live in src/core. */
export class PartnerGuard implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private context: ComponentFramework.Context<IInputs>;
  private controller: VerdictController;
  private graph: GraphConnection;
  private include: IncludePartnerActions;
  private graphConnectFailure: SourceFailure | undefined;

  public init(context: ComponentFramework.Context<IInputs>): void {
    this.context = context;
    context.mode.trackContainerResize(true);
    this.graph = new GraphConnection(() => loginHintOf(this.context));
    this.controller = new VerdictController(
      (accountId, fresh, signal) =>
        resolveForForm(
          {
            webApi: this.context.webAPI,
            extraSources: [this.graph.source],
            storage: sessionStorageOrUndefined(),
            // Across sessions, so that Graph starts beside the configuration read on every load.
            configCache: localConfigCache(window.location.host, this.context.userSettings.userId),
          },
          accountId,
          this.context.parameters.customerTenantId?.raw ?? undefined,
          fresh,
          signal,
        ),
      () => this.context.factory.requestRender(),
    );
    // Created once: the card keeps the same callbacks across renders.
    this.include = includeActions(() => this.controller.resolution, this.actionContext, this.controller.refresh);
  }

  private actionContext = (): ActionContext | undefined => {
    const context = this.context;
    const accountId = recordIdOf(context);
    if (!accountId) return undefined;
    return {
      host: context.webAPI,
      t: makeTranslate((key) => context.resources.getString(key)),
      actor: { userId: context.userSettings.userId, userName: context.userSettings.userName },
      accountId,
      accountName: recordNameOf(context) ?? "",
      now: Date.now,
    };
  };

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    this.context = context;
    // An edited tenant id on the form is a different question for Graph: resolve again.
    this.controller.show(recordIdOf(context), context.parameters.customerTenantId?.raw ?? undefined);
    const width = context.mode.allocatedWidth > 0 ? context.mode.allocatedWidth : undefined;
    const include = recordIdOf(context) ? this.include : undefined;
    const props: CardProps = {
      include,
      state: this.controller.current,
      t: makeTranslate((key) => context.resources.getString(key)),
      locale: LOCALES[context.userSettings.languageId] ?? "en-GB",
      width,
      onRetry: this.controller.retry,
      onConnectGraph: this.connectGraph,
      graphConnectFailure: this.graphConnectFailure,
    };
    return React.createElement(VerdictCard, props);
  }

  /** The popup opens from this click (never on load); the verdict is resolved again after it. */
  private connectGraph = (): void => {
    void this.graph.connect().then((failure) => {
      // A sign-in that did not complete is said next to the button; the verdict stays as it was.
      this.graphConnectFailure = failure;
      if (failure) this.context.factory.requestRender();
      else this.controller.retry();
    });
  };

  public getOutputs(): IOutputs {
    // The control reads; it never writes the bound column (that would dirty the form).
    return {};
  }

  public destroy(): void {
    this.controller.destroy();
  }
}

import * as React from "react";
import { IInputs, IOutputs } from "./generated/ManifestTypes";
import { VerdictCard } from "./components/VerdictCard";
import { CardProps, Translate } from "./components/Component.types";
import { LOCALES, makeTranslate } from "../src/text/verdictText";
import { recordIdOf, recordNameOf } from "./ContextExtended";
import { includeActions } from "./includeActions";
import { IncludePartnerActions } from "./components/IncludePartner.types";
import { ActionContext } from "../src/sources/partnerActions";
import { actionWording } from "../src/text/auditText";
import { SourceFailure } from "../src/core/types";
import { VerdictController } from "./VerdictController";
import {
  followForForm,
  localConfigCache,
  resolveForForm,
  sessionStorageOrUndefined,
} from "../src/sources/formResolution";
import { GraphConnection, PartnerGuardOptions, loginHintOf } from "./graphWiring";
import { withheldTenantSource } from "../src/sources/graph/withheldTenant";

/**
 * Whether the form withholds the column's value from this user: column (field) security, and the
 * user's field security profile does not grant read. Its raw value is then null, which says
 * nothing about whether the account has one.
 */
function withheld(property: ComponentFramework.PropertyTypes.Property | undefined): boolean {
  return property?.security?.readable === false;
}

/** Lifecycle only: context in, view model out. The rules live in src/core. */
export class PartnerGuard implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private context: ComponentFramework.Context<IInputs>;
  private controller: VerdictController;
  private graph: GraphConnection;
  private include: IncludePartnerActions;
  private graphConnectFailure: SourceFailure | undefined;
  /** The translate function of the user's language: one per language, so memoised parts of the card stay put. */
  private translation: { languageId: number; t: Translate } | undefined;

  /** The platform calls `new PartnerGuard()`: production wiring. */
  constructor(private readonly options: PartnerGuardOptions = {}) {}

  public init(context: ComponentFramework.Context<IInputs>): void {
    this.context = context;
    context.mode.trackContainerResize(true);
    this.graph = new GraphConnection(() => loginHintOf(this.context), this.options.graph);
    this.controller = new VerdictController(
      (accountId, fresh, signal) => {
        const [deps, tenantId, own] = this.question();
        return resolveForForm(deps, accountId, tenantId, fresh || own, signal);
      },
      () => this.context.factory.requestRender(),
      // The card follows the account: another face's newer resolution is shown without a request.
      (accountId, adopt) => {
        const [deps, tenantId, own] = this.question();
        return followForForm(deps, accountId, tenantId, own, adopt);
      },
    );
    // Created once: the card keeps the same callbacks across renders.
    this.include = includeActions(() => this.controller.resolution, this.actionContext, this.controller.refresh);
  }

  /** How the card asks: its sources, the tenant id it may read, and whether it must resolve on its own. */
  private question(): [Parameters<typeof resolveForForm>[0], string | undefined, boolean] {
    const tenantWithheld = withheld(this.context.parameters.customerTenantId);
    return [
      {
        webApi: this.context.webAPI,
        userId: this.context.userSettings.userId,
        // A tenant id the user may not read is not an absent one: where Graph is on, it fails closed.
        extraSources: [tenantWithheld ? withheldTenantSource : this.graph.source],
        storage: sessionStorageOrUndefined(),
        // Across sessions, so that Graph starts beside the configuration read on every load.
        configCache: localConfigCache(window.location.host, this.context.userSettings.userId),
      },
      tenantWithheld ? undefined : (this.context.parameters.customerTenantId?.raw ?? undefined),
      // Never reuse (nor follow) what another face (the command bar, which sees no tenant id either) resolved
      // without Graph: that answer took the missing tenant id for an account without one.
      tenantWithheld,
    ];
  }

  /**
   * Built once per language. The strings are read from the latest context's resources: in PCF they
   * are the control's .resx for the user's language, so the language decides them.
   */
  private translate(context: ComponentFramework.Context<IInputs>): Translate {
    const { languageId } = context.userSettings;
    if (this.translation?.languageId !== languageId) {
      this.translation = { languageId, t: makeTranslate((key) => this.context.resources.getString(key)) };
    }
    return this.translation.t;
  }

  private actionContext = (): ActionContext | undefined => {
    const context = this.context;
    const accountId = recordIdOf(context);
    if (!accountId) return undefined;
    return {
      host: context.webAPI,
      words: actionWording(this.translate(context), LOCALES[context.userSettings.languageId] ?? "en-GB"),
      actor: { userId: context.userSettings.userId, userName: context.userSettings.userName },
      accountId,
      accountName: recordNameOf(context) ?? "",
      now: Date.now,
    };
  };

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    this.context = context;
    const tenantId = withheld(context.parameters.customerTenantId)
      ? undefined
      : (context.parameters.customerTenantId?.raw ?? undefined);
    // An edited tenant id on the form is a different question for Graph: resolve again.
    this.controller.show(recordIdOf(context), tenantId);
    const width = context.mode.allocatedWidth > 0 ? context.mode.allocatedWidth : undefined;
    const include = recordIdOf(context) ? this.include : undefined;
    const props: CardProps = {
      include,
      // A read-only form (inactive record, no write privilege, field disabled by the maker): the
      // verdict and the reads stay, the writes (engage, request an exception) are not offered.
      readOnly: context.mode.isControlDisabled,
      state: this.controller.current,
      t: this.translate(context),
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

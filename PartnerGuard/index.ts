import * as React from "react";
import { IInputs, IOutputs } from "./generated/ManifestTypes";
import { VerdictCard } from "./components/VerdictCard";
import { CardProps, Translate } from "./components/Component.types";
import { LOCALES, makeTranslate } from "../src/text/verdictText";
import { recordIdOf, recordNameOf, recordTableOf } from "./ContextExtended";
import { ContactSubject, ContactSubjectState } from "./ContactSubject";
import { Contact } from "../src/schema";
import { readContactAccount } from "../src/sources/contactAccount";
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
import { withheldTenantSource, withheldUnlessReadableSource } from "../src/sources/graph/withheldTenant";
import { columnReadable, sameOriginWebApiGet } from "../src/sources/columnAccess";
import { Account } from "../src/schema";

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
  /** On a contact form: the contact's account, read once per contact (src/sources/contactAccount.ts). */
  private contact: ContactSubject | undefined;
  /** The translate function of the user's language: one per language, so memoised parts of the card stay put. */
  private translation: { languageId: number; t: Translate } | undefined;

  /** The platform calls `new PartnerGuard()`: production wiring. */
  constructor(private readonly options: PartnerGuardOptions = {}) {}

  public init(context: ComponentFramework.Context<IInputs>): void {
    this.context = context;
    context.mode.trackContainerResize(true);
    if (recordTableOf(context) === Contact.logicalName)
      this.contact = new ContactSubject(
        (contactId) => readContactAccount(this.context.webAPI, contactId),
        () => this.context.factory.requestRender(),
      );
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
    const { tenantId, tenantWithheld } = this.tenant(this.context);
    return [
      {
        webApi: this.context.webAPI,
        userId: this.context.userSettings.userId,
        // A tenant id the user may not read is not an absent one: where Graph is on, it fails closed.
        // On a contact, an absent one is asked about (once per session, only where Graph is on).
        extraSources: [
          !tenantWithheld ? this.graph.source : this.contact ? this.tenantUnlessReadable : withheldTenantSource,
        ],
        storage: sessionStorageOrUndefined(),
        // Across sessions, so that Graph starts beside the configuration read on every load.
        configCache: localConfigCache(window.location.host, this.context.userSettings.userId),
      },
      tenantId,
      // Never reuse (nor follow) what another face (the command bar, which sees no tenant id either) resolved
      // without Graph: that answer took the missing tenant id for an account without one.
      tenantWithheld,
    ];
  }

  /**
   * On a contact form, for an account whose tenant id the read did not return: with Graph on, whether
   * the user may read the column decides (src/sources/columnAccess.ts, kept for the session): readable,
   * the account has none and Graph does not apply, as on the account form; otherwise Graph's part
   * fails closed. Asked beside the Dataverse queries, so it adds no round trip after the first.
   */
  private tenantUnlessReadable = withheldUnlessReadableSource(() =>
    columnReadable(
      {
        api: this.options.webApiGet ?? sameOriginWebApiGet(),
        userId: this.context.userSettings.userId,
        storage: sessionStorageOrUndefined(),
      },
      Account.logicalName,
      Account.tenantId,
    ),
  );

  /**
   * The customer tenant id Graph is asked about, and whether the user may be denied it. On the
   * account form: the bound column, whose `security` says whether the form withholds it. On a
   * contact form: the account's column as the contact read returned it; an absent one may be none
   * or withheld (a query leaves out both), so where Graph is on the column's read privilege decides
   * (`tenantUnlessReadable`).
   */
  private tenant(context: ComponentFramework.Context<IInputs>): { tenantId?: string; tenantWithheld: boolean } {
    if (this.contact) {
      const s = this.contact.current;
      const tenantId = s.kind === "read" && s.account.kind === "account" ? s.account.tenantId : undefined;
      return { tenantId, tenantWithheld: !tenantId };
    }
    if (withheld(context.parameters.customerTenantId)) return { tenantWithheld: true };
    return { tenantId: context.parameters.customerTenantId?.raw ?? undefined, tenantWithheld: false };
  }

  /**
   * The account the card judges and its name: the form's record, or on a contact form the
   * contact's account once read (undefined while reading, without one, or when the read failed).
   */
  private account(context: ComponentFramework.Context<IInputs>): { id?: string; name?: string } {
    if (!this.contact) return { id: recordIdOf(context), name: recordNameOf(context) };
    const s = this.contact.current;
    return s.kind === "read" && s.account.kind === "account"
      ? { id: s.account.accountId, name: s.account.accountName }
      : {};
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
    // On a contact form the writes (engagement, exception request, audit) are the account's.
    const { id: accountId, name } = this.account(context);
    if (!accountId) return undefined;
    return {
      host: context.webAPI,
      words: actionWording(this.translate(context), LOCALES[context.userSettings.languageId] ?? "en-GB"),
      actor: { userId: context.userSettings.userId, userName: context.userSettings.userName },
      accountId,
      accountName: name ?? "",
      now: Date.now,
    };
  };

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    this.context = context;
    const subject = this.contact?.show(recordIdOf(context));
    const { tenantId } = this.tenant(context);
    const { id: accountId, name: accountName } = this.account(context);
    // An edited tenant id on the form is a different question for Graph: resolve again.
    this.controller.show(accountId, tenantId);
    const width = context.mode.allocatedWidth > 0 ? context.mode.allocatedWidth : undefined;
    const include = accountId ? this.include : undefined;
    const props: CardProps = {
      include,
      // A read-only form (inactive record, no write privilege, field disabled by the maker): the
      // verdict and the reads stay, the writes (engage, request an exception) are not offered.
      readOnly: context.mode.isControlDisabled,
      state: subject ? this.contactState(subject) : this.controller.current,
      t: this.translate(context),
      locale: LOCALES[context.userSettings.languageId] ?? "en-GB",
      width,
      onRetry: subject ? this.retryContact : this.controller.retry,
      onConnectGraph: this.connectGraph,
      graphConnectFailure: this.graphConnectFailure,
      about: subject ? { table: "contact", accountName } : undefined,
    };
    return React.createElement(VerdictCard, props);
  }

  /** On a contact form: the contact's read decides, then the account's verdict. */
  private contactState(subject: ContactSubjectState): CardProps["state"] {
    switch (subject.kind) {
      case "new-record":
        return { kind: "new-record" };
      case "reading":
        return { kind: "loading" };
      case "failed":
        return { kind: "error", message: subject.message };
      case "read":
        return subject.account.kind === "none" ? { kind: "no-account" } : this.controller.current;
    }
  }

  /** Retry on a contact form: read the contact again (its company may have changed), and the verdict afresh. */
  private retryContact = (): void => {
    this.contact?.retry();
    this.controller.retry();
  };

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
    this.contact?.destroy();
    this.controller.destroy();
  }
}

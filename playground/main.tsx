/**
 * The playground: a page that looks like a Dynamics 365 account main form, with the real
 * PartnerGuard control mounted through its real lifecycle (init / updateView / destroy) and a
 * context whose webAPI answers from the embedded demo feed.
 */
import * as React from "react";
import * as ReactDOM from "react-dom";
import {
  CommandBar,
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  Dropdown,
  IDropdownOption,
  Link,
  MessageBar,
  MessageBarButton,
  MessageBarType,
  PrimaryButton,
  Text,
} from "@fluentui/react";
import { parseFeed } from "../src/sources/feedFile";
import { emulatorFromFeed } from "../src/emulator/fromFeed";
import { DataverseEmulator, EmulatorHost } from "../src/emulator/dataverseEmulator";
import type { PartnerGuard as PartnerGuardControl } from "../PartnerGuard/index";
import type { PartnerGuardOptions } from "../PartnerGuard/graphWiring";
import { createContext, parseResx } from "./fakeContext";
import { SCENARIOS, Scenario, findScenario } from "./scenarios";
import demoFeed from "../data/demo-feed.csv";
import { advanceDemoClock, installDemoClock } from "./demoClock";
import { demoGraph, withGraphSettings } from "./demoGraph";
import { ApproverPanel, PLAYGROUND_USERS } from "./ApproverPanel";
import { createFormContext, FakeFormContext, GlobalNotification, installFakeXrm } from "./fakeXrm";
import { AccountViewPage } from "./AccountViewPage";
import { EmailPage } from "./EmailPage";
import { ContactPage } from "./ContactPage";
import ribbonXml from "../Solution/Entities/account/RibbonDiff.xml";
import { onSharedResolution, sharedSettled, simulateReload } from "../src/sources/sharedResolution";
import { LOCALES, makeTranslate, verdictLine } from "../src/text/verdictText";
import { Account, EnvironmentVariables, OutreachAudit } from "../src/schema";
import { CONFIG_CACHE_PREFIX } from "../src/sources/configSource";

/** The command-bar web resource, loaded by its own <script> tag like the platform does. */
interface CommandScript {
  Ribbon: {
    isOutreachEnabled(form: FakeFormContext): Promise<boolean>;
    startOutreach(form: FakeFormContext): Promise<void>;
  };
  Form: { onLoad(executionContext: { getFormContext(): FakeFormContext }): void };
}
const script = (): CommandScript => (window as unknown as { PartnerGuard: CommandScript }).PartnerGuard;

/**
 * The control as the packed bundle.js registered it (index.html loads it from the zip before this
 * script): the page never bundles the control's sources.
 */
type ControlConstructor = new (options?: PartnerGuardOptions) => PartnerGuardControl;
function shippedControl(): ControlConstructor {
  const registered = Object.values(
    (window as unknown as { playgroundControls?: Record<string, ControlConstructor> }).playgroundControls ?? {},
  );
  if (registered.length !== 1) throw new Error("The packed control's bundle.js did not register one control.");
  return registered[0];
}

/** The control's strings, read from the .resx files of the packed zip's control folder. */
async function shippedStrings(languageId: number): Promise<Map<string, string>> {
  const src = document.querySelector<HTMLScriptElement>('script[src$="/bundle.js"]')?.getAttribute("src") ?? "";
  const url = src.replace(/bundle\.js$/, `strings/PartnerGuard.${languageId}.resx`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return parseResx(await response.text());
}

/** Button texts come from the real RibbonDiffXml LocLabels. */
function locLabel(id: string, languageId: number): string {
  const doc = new DOMParser().parseFromString(ribbonXml, "application/xml");
  const label = doc.querySelector(`LocLabel[Id="${id}"] Title[languagecode="${languageId}"]`);
  return label?.getAttribute("description") ?? id;
}

const params = new URLSearchParams(window.location.search);
/**
 * A second tab of the same org ("New tab" on the command bar): the browser gives it its own window
 * (its own registry and page load) and a copy of this tab's session storage, as Chromium does for
 * window.open; the org's data and clock are the opener's, as both tabs talk to one Dataverse.
 */
const openerPlayground = ((): PlaygroundSeam | undefined => {
  try {
    return (window.opener as { partnerguardPlayground?: PlaygroundSeam } | null)?.partnerguardPlayground;
  } catch {
    return undefined; // an opener of another origin
  }
})();
/**
 * The URL parameters that set the org's environment variables (?graph=, ?freshness=) make this
 * another org. On the platform another org is another origin, with its own localStorage, so the
 * configuration an earlier page load cached (for 10 minutes, src/sources/configSource.ts) belongs
 * to the previous org here: it is dropped when they change.
 */
function forgetOtherOrgsConfiguration(): void {
  const org = JSON.stringify([params.get("graph"), params.get("freshness")]);
  try {
    if (localStorage.getItem("playground:org") === org) return;
    for (const key of Object.keys(localStorage)) if (key.startsWith(CONFIG_CACHE_PREFIX)) localStorage.removeItem(key);
    localStorage.setItem("playground:org", org);
  } catch {
    // storage blocked: nothing cached either
  }
}
if (!openerPlayground) forgetOtherOrgsConfiguration();
const demoNow = openerPlayground ? openerPlayground.now() : installDemoClock(params.get("now"));
if (openerPlayground) Date.now = () => openerPlayground.now();
// Fluent's icons: the platform library registers them; FabricConfig.iconBaseUrl (index.html) keeps their fonts local.
/** Graph for every control this page mounts: the local emulator and a demo token (no Entra here). */
const GRAPH = demoGraph(params.get("graph"));

const STRINGS: Record<number, Map<string, string>> = {};
const LANGUAGES: IDropdownOption[] = [
  { key: 1033, text: "English" },
  { key: 1031, text: "Deutsch" },
];

const feed = parseFeed(demoFeed);
if (feed.errors.length) console.error("demo feed has bad rows", feed.errors);
const names = new Map(feed.rows.map((r) => [r.customerAccountId, r.customerName ?? r.customerAccountId]));
const latencyMs = Number(params.get("latency") ?? 350);

/** What the browser tests may read and change (another user's writes, what the form did). */
interface PlaygroundSeam {
  emulator: DataverseEmulator;
  now: () => number;
  /** Each refreshRibbon call, as the number of the form load whose context it came from (1, 2, …). */
  ribbonRefreshes: number[];
  /** Form loads so far in this tab (OnLoad runs for every record opened and every Refresh). */
  formLoads: number;
  /** When (performance.now()) the command bar's enable rule first answered in this tab. */
  firstRuleAnswerAt?: number;
  /** Moves the demo clock on, instead of a test waiting for real time to pass. */
  advanceClock(ms: number): void;
}
const seam: PlaygroundSeam = {
  emulator: undefined as unknown as DataverseEmulator,
  now: () => Date.now(),
  ribbonRefreshes: [],
  formLoads: 0,
  advanceClock: (ms) => (openerPlayground ?? { advanceClock: advanceDemoClock }).advanceClock(ms),
};
(window as unknown as { partnerguardPlayground: PlaygroundSeam }).partnerguardPlayground = seam;

/**
 * The org's Dataverse: one for the whole session, like the platform's. Moving between accounts
 * keeps it (and everything written), and so does a reload; the "source failure" scenario's
 * account answers 503.
 */
function orgEmulator(): DataverseEmulator {
  if (openerPlayground) return (seam.emulator = openerPlayground.emulator);
  const failing = SCENARIOS.filter((s) => s.sourceFailure).map((s) => s.accountId);
  // ?graph=off: an org that has not turned Microsoft Graph on (no Graph environment variables).
  const graphSettings = params.get("graph") === "off" ? (e: DataverseEmulator) => e : withGraphSettings;
  const emulator = withUsers(
    graphSettings(
      emulatorFromFeed(feed.rows, {
        latencyMs,
        fault: (request) =>
          request.entity === "account" && failing.some((id) => request.options?.includes(id))
            ? { status: 503, message: "Service Unavailable (demo: source failure)" }
            : undefined,
      }),
    ),
  );
  // ?freshness=N: the admin's freshness bound (seconds), to see a changed verdict sooner when coming back to an account.
  const freshness = params.get("freshness");
  if (freshness !== null) {
    emulator.insert("environmentvariabledefinition", {
      environmentvariabledefinitionid: "e9000000-0000-4000-8000-0000000000f1",
      schemaname: EnvironmentVariables.policy,
      defaultvalue: JSON.stringify({ freshnessSeconds: Number(freshness) }),
    });
  }
  // What `partnerguard sync --verdicts` wrote on the accounts (the server ran it over the same data).
  for (const row of emulator.table(Account.logicalName))
    Object.assign(row, STORED.verdicts.columns[(row[Account.id] as string).toLowerCase()] ?? {});
  // For the browser tests: another user changing data while the seller is elsewhere.
  seam.emulator = emulator;
  return emulator;
}

/** The playground's people, so audit entries and requests show names. */
function withUsers(emulator: DataverseEmulator): DataverseEmulator {
  // Signing each user in once gives the org their user rows and role assignments: a request then
  // finds the approver to notify before anyone opened the approver's panel.
  for (const u of PLAYGROUND_USERS) emulator.as(u);
  return emulator;
}

/**
 * The Web API as each playground user, with that user's PartnerGuard roles enforced (the same
 * rules as the platform: a seller cannot decide, nobody rewrites a decision or an audit entry).
 * One host per user and emulator, so React effects keyed on the host do not run again.
 */
/** Who is signed in to the form: Avery Seller (fakeContext and fakeXrm say the same). */
const SIGNED_IN = PLAYGROUND_USERS[0].id;
const hostsByEmulator = new WeakMap<DataverseEmulator, Map<string, EmulatorHost>>();
function hostFor(emulator: DataverseEmulator, userId: string): EmulatorHost {
  const hosts = hostsByEmulator.get(emulator) ?? new Map<string, EmulatorHost>();
  hostsByEmulator.set(emulator, hosts);
  const persona = PLAYGROUND_USERS.find((u) => u.id === userId) ?? PLAYGROUND_USERS[0];
  const host = hosts.get(persona.id) ?? emulator.as(persona);
  hosts.set(persona.id, host);
  return host;
}

/** The app's top bar, as Sales Hub draws it, on every playground page. */
function AppHeader() {
  return (
    <header className="pg-topbar">
      <span className="pg-waffle" aria-hidden>
        ⋮⋮⋮
      </span>
      <span className="pg-appname">Dynamics 365</span>
      <span className="pg-appsub">Sales Hub · PartnerGuard playground</span>
    </header>
  );
}

/** Mounts the control the way the platform does and re-renders on requestRender. */
function ControlHost(props: { scenario: Scenario; languageId: number; width: number; emulator: DataverseEmulator }) {
  const ref = React.useRef<HTMLDivElement>(null);
  const { scenario, languageId, width, emulator } = props;
  React.useEffect(() => {
    const container = ref.current as HTMLDivElement;
    const control = new (shippedControl())({ graph: GRAPH });
    const render = () => ReactDOM.render(control.updateView(context as never), container);
    const context = createContext({
      accountId: scenario.accountId,
      accountName: names.get(scenario.accountId) ?? "",
      tenantId: scenario.tenantId,
      languageId,
      strings: STRINGS[languageId],
      width,
      webApi: hostFor(emulator, SIGNED_IN),
      requestRender: () => setTimeout(render, 0),
    });
    control.init(context as never);
    render();
    return () => {
      control.destroy();
      ReactDOM.unmountComponentAtNode(container);
    };
  }, [scenario, languageId, width, emulator]);
  return <div ref={ref} className="pg-control-host" data-testid="control-host" />;
}

/** Xrm.App.addGlobalNotification's levels: 1 success, 2 error, 3 warning, 4 information. */
const NOTIFICATION_TYPES: Record<GlobalNotification["level"], MessageBarType> = {
  1: MessageBarType.success,
  2: MessageBarType.error,
  3: MessageBarType.warning,
  4: MessageBarType.info,
};

interface DialogState {
  title: string;
  text: string;
  confirmLabel?: string;
  cancelLabel?: string;
  resolve: (confirmed: boolean) => void;
}

interface OpenedForm {
  entityName: string;
  parameters: Record<string, unknown>;
}

/** A browser reload: the window starts afresh; session storage and the org's data stay. */
function reloadPage() {
  simulateReload();
}

type PageName = "form" | "accounts";
const pageOf = (value: string | null): PageName => (value === "accounts" ? "accounts" : "form");

/**
 * The app around the pages: the org (one emulator), the signed-in seller's Xrm for the web
 * resource, its dialogs and app-level notifications, and the navigation between the account form
 * and the account view.
 */
function App() {
  const [page, setPage] = React.useState<PageName>(() => pageOf(params.get("page")));
  const [scenario, setScenario] = React.useState(() => findScenario(params.get("account"), names));
  const [languageId, setLanguageId] = React.useState(() => (params.get("lang") === "1031" ? 1031 : 1033));
  const [emulator] = React.useState(orgEmulator);
  const [dialog, setDialog] = React.useState<DialogState | undefined>(undefined);
  const [opened, setOpened] = React.useState<OpenedForm[]>([]);
  const [notifications, setNotifications] = React.useState<GlobalNotification[]>([]);
  const languageRef = React.useRef(languageId);
  languageRef.current = languageId;

  // Xrm for the web resource: the same emulator as the control; dialogs are Fluent dialogs here.
  // Installed before the first render: the pages' effects (the form's OnLoad) run before the App's.
  const [xrm] = React.useState(() =>
    installFakeXrm({
      webApi: hostFor(emulator, SIGNED_IN),
      strings: () => STRINGS[languageRef.current],
      languageId: () => languageRef.current,
      ui: {
        alert: (title, text) => new Promise<void>((resolve) => setDialog({ title, text, resolve: () => resolve() })),
        confirm: (title, text, confirmLabel, cancelLabel) =>
          new Promise<boolean>((resolve) => setDialog({ title, text, confirmLabel, cancelLabel, resolve })),
        openForm: (entityName, parameters) => setOpened((list) => [...list, { entityName, parameters }]),
        notifications: setNotifications,
      },
    }),
  );

  // Opening another account navigates in the same window, as the Unified Interface does: the
  // shared registry, session storage and the org's data all stay.
  const navigate = (next: { page?: PageName; scenario?: Scenario }) => {
    if (next.scenario) setScenario(next.scenario);
    if (next.page) setPage(next.page);
    setOpened([]);
    const url = new URL(window.location.href);
    if (next.scenario) url.searchParams.set("account", next.scenario.id);
    if (next.page === "accounts") url.searchParams.set("page", "accounts");
    if (next.page === "form") url.searchParams.delete("page");
    window.history.replaceState(null, "", url.toString());
  };

  return (
    <div className="pg-app" lang={languageId === 1031 ? "de" : "en"}>
      <AppHeader />
      <div className="pg-toolbar" role="region" aria-label="Playground settings">
        <nav className="pg-pages" aria-label="Playground pages">
          <Link
            className={page === "form" ? "pg-page pg-page-current" : "pg-page"}
            aria-current={page === "form" ? "page" : undefined}
            data-testid="page-form"
            onClick={() => navigate({ page: "form" })}
          >
            Account (form)
          </Link>
          <Link
            className={page === "accounts" ? "pg-page pg-page-current" : "pg-page"}
            aria-current={page === "accounts" ? "page" : undefined}
            data-testid="page-accounts"
            onClick={() => navigate({ page: "accounts" })}
          >
            Accounts (view)
          </Link>
        </nav>
        {page === "form" ? (
          <Dropdown
            label="Demo account"
            className="pg-picker"
            selectedKey={scenario.id}
            options={SCENARIOS.map((s) => ({ key: s.id, text: s.label }))}
            onChange={(_, o) => o && navigate({ scenario: SCENARIOS.find((s) => s.id === o.key) })}
          />
        ) : null}
        <Dropdown
          label="Language"
          className="pg-language"
          selectedKey={languageId}
          options={LANGUAGES}
          onChange={(_, o) => o && setLanguageId(Number(o.key))}
        />
        <Text variant="small" className="pg-clock">
          Demo clock: {new Date(demoNow).toISOString().slice(0, 10)}
        </Text>
      </div>
      {notifications.length ? (
        <div className="pg-notifications" data-testid="global-notifications">
          {notifications.map((n) => (
            <MessageBar
              key={n.id}
              messageBarType={NOTIFICATION_TYPES[n.level]}
              isMultiline
              delayedRender={false}
              onDismiss={n.showCloseButton ? () => void xrm.App.clearGlobalNotification(n.id) : undefined}
              dismissButtonAriaLabel="Close"
              actions={
                n.action?.actionLabel ? (
                  <MessageBarButton onClick={() => n.action?.eventHandler?.()}>{n.action.actionLabel}</MessageBarButton>
                ) : undefined
              }
            >
              {n.message}
            </MessageBar>
          ))}
        </div>
      ) : null}
      {page === "form" ? (
        <FormPage scenario={scenario} languageId={languageId} emulator={emulator} opened={opened} />
      ) : (
        <AccountViewPage
          languageId={languageId}
          host={hostFor(emulator, SIGNED_IN)}
          emulator={emulator}
          customizationsXml={CUSTOMIZATIONS.xml}
          partnerIds={PARTNER_IDS}
          sync={STORED.verdicts}
          opened={opened}
          isScenario={(accountId) => SCENARIOS.some((x) => x.accountId === accountId)}
          openAccount={(accountId) => {
            const s = SCENARIOS.find((x) => x.accountId === accountId);
            if (s) navigate({ page: "form", scenario: s });
          }}
        />
      )}
      <Dialog
        hidden={!dialog}
        onDismiss={() => {
          dialog?.resolve(false);
          setDialog(undefined);
        }}
        dialogContentProps={{ type: DialogType.normal, title: dialog?.title, subText: dialog?.text }}
        modalProps={{ isBlocking: true }}
      >
        <DialogFooter>
          {dialog?.confirmLabel ? (
            <PrimaryButton
              onClick={() => {
                dialog.resolve(true);
                setDialog(undefined);
              }}
              text={dialog.confirmLabel}
            />
          ) : null}
          <DefaultButton
            onClick={() => {
              dialog?.resolve(false);
              setDialog(undefined);
            }}
            text={dialog?.cancelLabel ?? "OK"}
          />
        </DialogFooter>
      </Dialog>
    </div>
  );
}

/** The account main form: the card, the command bar with Start outreach, the approver's panel. */
function FormPage(props: {
  scenario: Scenario;
  languageId: number;
  emulator: DataverseEmulator;
  opened: OpenedForm[];
}) {
  const { scenario, languageId, emulator, opened } = props;
  const [reload, setReload] = React.useState(0);
  const [outreachEnabled, setOutreachEnabled] = React.useState<boolean | undefined>(undefined);
  const [auditCount, setAuditCount] = React.useState(0);
  // The activities opened since this record's form loaded.
  const [openedBefore, setOpenedBefore] = React.useState(opened.length);
  // ?order=commandbar-first: the platform loads the command bar's rule and the control in no fixed
  // order; this mounts the card only once the command bar's enable rule has answered for the form.
  const [answeredForm, setAnsweredForm] = React.useState<FakeFormContext | undefined>(undefined);
  const t = React.useMemo(() => makeTranslate((k) => STRINGS[languageId].get(k) ?? k), [languageId]);

  const openedRef = React.useRef(opened.length);
  openedRef.current = opened.length;
  const formContext = React.useMemo(() => {
    let form: FakeFormContext | undefined = undefined;
    const load = ++seam.formLoads;
    const evaluate = () => {
      if (!form) return;
      const asked = form;
      setOutreachEnabled(undefined);
      void script()
        .Ribbon.isOutreachEnabled(asked)
        .then((enabled) => {
          seam.firstRuleAnswerAt ??= performance.now();
          setOutreachEnabled(enabled);
          setAnsweredForm(asked);
        });
    };
    form = createFormContext(scenario.accountId, names.get(scenario.accountId) ?? "", scenario.tenantId, () => {
      seam.ribbonRefreshes.push(load);
      evaluate();
    });
    return { form, evaluate };
  }, [scenario, emulator, reload]); // eslint-disable-line react-hooks/exhaustive-deps

  // Form load: OnLoad handler, then the platform evaluates the command's enable rule.
  React.useEffect(() => {
    setOpenedBefore(openedRef.current);
    setAuditCount(0);
    script().Form.onLoad({ getFormContext: () => formContext.form });
    formContext.evaluate();
  }, [formContext]);

  // Re-render the page (approver panel, reason text) whenever the control or the command bar
  // settles a resolution, e.g. after a request was sent from the card.
  const [, setSettled] = React.useState(0);
  React.useEffect(() => onSharedResolution(scenario.accountId, () => setSettled((n) => n + 1)), [scenario]);

  const startOutreach = () => {
    void script()
      .Ribbon.startOutreach(formContext.form)
      .then(() => setAuditCount(emulator.table(OutreachAudit.logicalName).length));
  };
  const settled = sharedSettled(scenario.accountId);
  const disabledReason =
    outreachEnabled === false && settled ? verdictLine(t, settled.verdict, LOCALES[languageId]) : undefined;
  const lastAudit = auditCount ? emulator.table(OutreachAudit.logicalName)[auditCount - 1] : undefined;
  const width = Number(params.get("width") ?? 0) || 0;
  const accountName = names.get(scenario.accountId) ?? "";
  const parentId = feed.rows.find(
    (r) => r.customerAccountId === scenario.accountId && r.parentAccountId,
  )?.parentAccountId;
  const openedHere = opened.slice(openedBefore);

  return (
    <>
      <main className="pg-form" style={width ? { maxWidth: width + 48 } : undefined}>
        <CommandBar
          className="pg-commandbar"
          ariaLabel="Account commands"
          items={[
            { key: "save", text: "Save", iconProps: { iconName: "Save" }, disabled: true },
            {
              key: "startOutreach",
              text: locLabel("pg.account.StartOutreach.LabelText", languageId),
              iconProps: { iconName: "Phone" },
              disabled: outreachEnabled !== true,
              onClick: startOutreach,
              ariaDescription: disabledReason,
              title: outreachEnabled ? locLabel("pg.account.StartOutreach.ToolTipTitle", languageId) : disabledReason,
              "data-testid": "start-outreach",
              "data-rule": outreachEnabled === undefined ? "evaluating" : "answered",
            },
            {
              key: "refresh",
              text: "Refresh",
              iconProps: { iconName: "Refresh" },
              // The form's Refresh reopens the record in the same window.
              onClick: () => setReload((n) => n + 1),
            },
            {
              key: "reload",
              text: "Reload page",
              iconProps: { iconName: "Sync" },
              "data-testid": "reload-page",
              onClick: () => {
                reloadPage();
                setReload((n) => n + 1);
              },
            },
            {
              key: "newTab",
              text: "New tab",
              iconProps: { iconName: "OpenInNewTab" },
              "data-testid": "new-tab",
              // A second tab of the same org: its own window, a copy of this tab's session storage.
              onClick: () => void window.open(window.location.href, "_blank"),
            },
          ]}
        />
        {disabledReason ? (
          <div className="pg-outreach-panel pg-outreach-reason" data-testid="outreach-reason">
            <Text variant="small">
              {locLabel("pg.account.StartOutreach.LabelText", languageId)}: {disabledReason}
            </Text>
          </div>
        ) : null}
        {lastAudit || openedHere.length ? (
          <div className="pg-outreach-panel" data-testid="outreach-result">
            {lastAudit ? (
              <MessageBar messageBarType={MessageBarType.info} isMultiline delayedRender={false}>
                Audit entry written: {lastAudit[OutreachAudit.name] as string} — sources:{" "}
                {lastAudit[OutreachAudit.sources] as string}
              </MessageBar>
            ) : null}
            {openedHere.map((f, i) => (
              <MessageBar key={i} messageBarType={MessageBarType.success} isMultiline delayedRender={false}>
                Activity that would open: {f.entityName} “{String(f.parameters.subject)}” regarding{" "}
                {String(f.parameters.regardingobjectidname)}
              </MessageBar>
            ))}
          </div>
        ) : null}
        <div className="pg-header">
          <h1 className="pg-title">{accountName}</h1>
          <div className="pg-subtitle">Account · Account</div>
        </div>
        <div className="pg-tabs" role="tablist" aria-label="Form tabs">
          <span role="tab" aria-selected="true" className="pg-tab pg-tab-active">
            Summary
          </span>
        </div>
        <div className="pg-sections">
          <section className="pg-section" aria-labelledby="pg-section-por">
            <h2 id="pg-section-por" className="pg-section-title">
              Partner of record
            </h2>
            {params.get("order") !== "commandbar-first" || answeredForm === formContext.form ? (
              <ControlHost
                key={`${reload}-${scenario.id}`}
                scenario={scenario}
                languageId={languageId}
                width={width}
                emulator={emulator}
              />
            ) : null}
          </section>
          <ApproverPanel
            // Not keyed on reloads: what the panel says of a decision (who was notified) outlives the form's reload.
            key={scenario.id}
            hostFor={(userId) => hostFor(emulator, userId)}
            accountId={scenario.accountId}
            accountName={accountName}
            t={t}
            onDecided={() => {
              // The seller sees a decision made elsewhere by reloading the page.
              reloadPage();
              setReload((n) => n + 1);
            }}
          />
          <section className="pg-section pg-section-info" aria-labelledby="pg-section-info">
            <h2 id="pg-section-info" className="pg-section-title">
              Account information
            </h2>
            <dl className="pg-fields">
              <dt>Account name</dt>
              <dd>{accountName}</dd>
              <dt>Parent account</dt>
              <dd>{parentId ? names.get(parentId) : "—"}</dd>
              <dt>Customer tenant id</dt>
              <dd>{scenario.tenantId ?? "—"}</dd>
            </dl>
          </section>
        </div>
      </main>
    </>
  );
}

/** `?page=email`: the email form, on the same org and the same shipped script. */
function EmailApp() {
  // Graph off here: with Graph on, an account whose customer tenant id the email cannot see is
  // "could not be verified" (as in views: src/sources/selectionResolution.ts), so every email would be held.
  const [emulator] = React.useState(() => withUsers(emulatorFromFeed(feed.rows, { latencyMs })));
  React.useState(() =>
    installFakeXrm({
      webApi: hostFor(emulator, SIGNED_IN),
      strings: () => STRINGS[1033],
      languageId: () => 1033,
      ui: { alert: () => Promise.resolve(), confirm: () => Promise.resolve(false), openForm: () => undefined },
    }),
  );
  return (
    <EmailPage
      emulator={emulator}
      accounts={[...names].map(([id, name]) => ({ id, name }))}
      users={PLAYGROUND_USERS.map((u) => ({ id: u.id, name: u.name }))}
    />
  );
}

/**
 * `?page=contact`: the "Contact (PartnerGuard)" form, its card the shipped control and its command
 * bar the zip's contact RibbonDiffXml. Graph off, as on the email page: the card reads the account's
 * customer tenant id from the org, and the demo accounts carry none, so with Graph on every contact
 * would be "could not be verified" (docs/architecture.md, "The card on the contact form").
 */
function ContactApp() {
  const [emulator] = React.useState(() => withUsers(emulatorFromFeed(feed.rows, { latencyMs })));
  const [languageId, setLanguageId] = React.useState(() => (params.get("lang") === "1031" ? 1031 : 1033));
  const languageRef = React.useRef(languageId);
  languageRef.current = languageId;
  React.useState(() =>
    installFakeXrm({
      webApi: hostFor(emulator, SIGNED_IN),
      strings: () => STRINGS[languageRef.current],
      languageId: () => languageRef.current,
      ui: { alert: () => Promise.resolve(), confirm: () => Promise.resolve(false), openForm: () => undefined },
    }),
  );
  const accountName = React.useCallback((id: string) => names.get(id), []);
  return (
    <div className="pg-app" lang={languageId === 1031 ? "de" : "en"}>
      <AppHeader />
      <div className="pg-toolbar" role="region" aria-label="Language">
        <Dropdown
          label="Language"
          className="pg-language"
          selectedKey={languageId}
          options={LANGUAGES}
          onChange={(_, o) => o && setLanguageId(Number(o.key))}
        />
      </div>
      <ContactPage
        emulator={emulator}
        host={hostFor(emulator, SIGNED_IN)}
        languageId={languageId}
        strings={STRINGS[languageId]}
        customizationsXml={CUSTOMIZATIONS.xml}
        control={shippedControl()}
        controlOptions={CONTACT_CONTROL_OPTIONS}
        accountName={accountName}
      />
    </div>
  );
}
const CONTACT_CONTROL_OPTIONS = { graph: GRAPH };

/**
 * The zip's customizations.xml: what the platform derives from it for the client (the command
 * bar's commands and rules, the views, the grid's customizer) the account view reads from it.
 */
const CUSTOMIZATIONS = { xml: "" };
async function shippedCustomizations(): Promise<string> {
  const response = await fetch("/solution/customizations.xml");
  if (!response.ok) throw new Error(`/solution/customizations.xml: ${response.status}`);
  return response.text();
}

/** What the playground server's run of `partnerguard sync --verdicts` over the demo data wrote (storedVerdicts.node.ts). */
interface StoredVerdicts {
  columns: Record<string, Record<string, unknown>>;
  exitCode: number;
  summary: unknown;
  errors: string[];
  asOf: string;
}
const STORED: { verdicts: StoredVerdicts } = {
  verdicts: { columns: {}, exitCode: -1, summary: undefined, errors: ["not loaded"], asOf: "" },
};
async function storedVerdicts(): Promise<StoredVerdicts> {
  const response = await fetch("/playground/stored-verdicts.json");
  if (!response.ok) throw new Error(`/playground/stored-verdicts.json: ${response.status}`);
  return (await response.json()) as StoredVerdicts;
}

/** The demo's partners (the playground's own view lists every other account) and its customers. */
const PARTNER_IDS = [
  ...new Set(feed.rows.flatMap((r) => (r.partner?.partnerId ? [r.partner.partnerId.toLowerCase()] : []))),
];

void Promise.all([
  ...LANGUAGES.map(async (l) => (STRINGS[Number(l.key)] = await shippedStrings(Number(l.key)))),
  shippedCustomizations().then((xml) => (CUSTOMIZATIONS.xml = xml)),
  storedVerdicts().then((v) => (STORED.verdicts = v)),
]).then(() =>
  ReactDOM.render(
    params.get("page") === "email" ? <EmailApp /> : params.get("page") === "contact" ? <ContactApp /> : <App />,
    document.getElementById("root"),
  ),
);

/**
 * The playground: a page that looks like a Dynamics 365 account main form, with the real
 * PartnerGuard control mounted through its real lifecycle (init / updateView / destroy) and a
 * context whose webAPI answers from the embedded demo feed.
 */
import * as React from "react";
import * as ReactDOM from "react-dom";
import { CommandBar, Dropdown, IDropdownOption, initializeIcons, Text } from "@fluentui/react";
import { parseFeed } from "../src/core/feed";
import { emulatorFromFeed } from "../src/emulator/fromFeed";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { PartnerGuard } from "../PartnerGuard/index";
import { createContext, parseResx } from "./fakeContext";
import { SCENARIOS, Scenario, findScenario } from "./scenarios";
import demoFeed from "../data/demo-feed.csv";
import strings1033 from "../PartnerGuard/strings/PartnerGuard.1033.resx";
import strings1031 from "../PartnerGuard/strings/PartnerGuard.1031.resx";
import { installDemoClock } from "./demoClock";
import { installDemoGraph, withGraphSettings } from "./demoGraph";

const params = new URLSearchParams(window.location.search);
const demoNow = installDemoClock(params.get("now"));
initializeIcons("/fonts/");
installDemoGraph(params.get("graph"));

const STRINGS: Record<number, Map<string, string>> = { 1033: parseResx(strings1033), 1031: parseResx(strings1031) };
const LANGUAGES: IDropdownOption[] = [
  { key: 1033, text: "English" },
  { key: 1031, text: "Deutsch" },
];

const feed = parseFeed(demoFeed);
if (feed.errors.length) console.error("demo feed has bad rows", feed.errors);
const names = new Map(feed.rows.map((r) => [r.customerAccountId, r.customerName ?? r.customerAccountId]));
const latencyMs = Number(params.get("latency") ?? 350);

function emulatorFor(scenario: Scenario): DataverseEmulator {
  return withGraphSettings(emulatorFromFeed(feed.rows, {
    latencyMs,
    fault: (request) =>
      scenario.sourceFailure && request.entity === "account" && request.options?.includes(scenario.accountId)
        ? { status: 503, message: "Service Unavailable (demo: source failure)" }
        : undefined,
  }));
}

/** Mounts the control the way the platform does and re-renders on requestRender. */
function ControlHost(props: { scenario: Scenario; languageId: number; width: number; emulator: DataverseEmulator }) {
  const ref = React.useRef<HTMLDivElement>(null);
  const { scenario, languageId, width, emulator } = props;
  React.useEffect(() => {
    const container = ref.current as HTMLDivElement;
    const control = new PartnerGuard();
    const render = () => ReactDOM.render(control.updateView(context as never), container);
    const context = createContext({
      accountId: scenario.accountId,
      accountName: names.get(scenario.accountId) ?? "",
      tenantId: scenario.tenantId,
      languageId,
      strings: STRINGS[languageId],
      width,
      webApi: emulator,
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

function App() {
  const [scenario, setScenario] = React.useState(() => findScenario(params.get("account"), names));
  const [languageId, setLanguageId] = React.useState(() => (params.get("lang") === "1031" ? 1031 : 1033));
  const [emulator, setEmulator] = React.useState(() => emulatorFor(scenario));
  const [reload, setReload] = React.useState(0);
  const width = Number(params.get("width") ?? 0) || 0;
  const accountName = names.get(scenario.accountId) ?? "";
  const parentId = feed.rows.find((r) => r.customerAccountId === scenario.accountId && r.parentAccountId)?.parentAccountId;

  const choose = (next: Scenario) => {
    setScenario(next);
    setEmulator(emulatorFor(next));
    const url = new URL(window.location.href);
    url.searchParams.set("account", next.id);
    window.history.replaceState(null, "", url.toString());
  };

  return (
    <div className="pg-app" lang={languageId === 1031 ? "de" : "en"}>
      <header className="pg-topbar">
        <span className="pg-waffle" aria-hidden>
          ⋮⋮⋮
        </span>
        <span className="pg-appname">Dynamics 365</span>
        <span className="pg-appsub">Sales Hub · PartnerGuard playground</span>
      </header>
      <div className="pg-toolbar" role="region" aria-label="Playground settings">
        <Dropdown
          label="Demo account"
          className="pg-picker"
          selectedKey={scenario.id}
          options={SCENARIOS.map((s) => ({ key: s.id, text: s.label }))}
          onChange={(_, o) => o && choose(SCENARIOS.find((s) => s.id === o.key) as Scenario)}
        />
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
      <main className="pg-form" style={width ? { maxWidth: width + 48 } : undefined}>
        <CommandBar
          className="pg-commandbar"
          ariaLabel="Account commands"
          items={[
            { key: "save", text: "Save", iconProps: { iconName: "Save" }, disabled: true },
            { key: "refresh", text: "Refresh", iconProps: { iconName: "Refresh" }, onClick: () => { setEmulator(emulatorFor(scenario)); setReload((n) => n + 1); } },
          ]}
        />
        <div className="pg-header">
          <h1 className="pg-title">{accountName}</h1>
          <div className="pg-subtitle">Account · Account</div>
        </div>
        <div className="pg-tabs" role="tablist" aria-label="Form tabs">
          <span role="tab" aria-selected="true" className="pg-tab pg-tab-active">Summary</span>
        </div>
        <div className="pg-sections">
          <section className="pg-section" aria-labelledby="pg-section-por">
            <h2 id="pg-section-por" className="pg-section-title">Partner of record</h2>
            <ControlHost key={reload} scenario={scenario} languageId={languageId} width={width} emulator={emulator} />
          </section>
          <section className="pg-section pg-section-info" aria-labelledby="pg-section-info">
            <h2 id="pg-section-info" className="pg-section-title">Account information</h2>
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
    </div>
  );
}

ReactDOM.render(<App />, document.getElementById("root"));

/**
 * The account view: what a seller sees on the account homepage grid. Everything that ships runs
 * as the platform runs it:
 * - the views are the solution's savedqueries (and one playground view of every demo customer),
 *   each query run through the in-page emulator as the signed-in seller, one request per load;
 * - the status column is drawn by the solution's grid customizer control, loaded from the zip
 *   (gridCustomizer.ts); a cell its renderer leaves alone (null) shows the grid's own text;
 * - the command bar holds Start outreach and stand-ins for the out-of-box commands that reach
 *   customers, each with the enable rules and actions the zip's RibbonDiffXml gives its command,
 *   re-evaluated on every selection change (ribbonCommands.ts), calling the shipped outreach.js.
 * The platform hides a command whose rule is false (platform-facts A3); this page shows it
 * disabled, with why, as the form page does with Start outreach.
 */
import * as React from "react";
import {
  CheckboxVisibility,
  CommandBar,
  DetailsList,
  DetailsListLayoutMode,
  Dropdown,
  IColumn,
  ICommandBarItemProps,
  Link,
  MessageBar,
  MessageBarType,
  Selection,
  SelectionMode,
  Text,
} from "@fluentui/react";
import { Account, OUTREACH_ACTIVITY, OutreachAudit, ScriptFunctions, StoredVerdict } from "../src/schema";
import { FORMATTED, Row, WebApiHost, normalizeGuid } from "../src/sources/webApi";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { LOCALES } from "../src/text/verdictText";
import {
  CommandDefinitionModel,
  CommandState,
  GridSelection,
  RibbonModel,
  RuleHost,
  shippedRuleHost,
  evaluateCommand,
  readRibbon,
  runActions,
} from "./ribbonCommands";
import {
  CellRendererProps,
  ColumnDefinition,
  GetRendererParams,
  LoadedCustomizer,
  RowData,
  configuredCustomizer,
  loadCustomizer,
  renderCell,
} from "./gridCustomizer";
import { GridView, playgroundView, readViews } from "./gridViews";

const GRID_LOCATION = "Mscrm.HomepageGrid.account.";
const ACCOUNT_TYPE_CODE = 1;
const SELLER = { id: "11111111-1111-4111-8111-111111111111", name: "Avery Seller" };

/**
 * The out-of-box commands of the account homepage grid that reach customers, by the button id and
 * command id of a real RetrieveEntityRibbon(account) (platform-facts G; fsxmanu/dynamics-for-dev
 * src/ribbon-manager/ribbon-functions.ts). Their labels are the platform's; their rules and actions
 * are read from the zip: a command the package does not redefine keeps only the platform's rules.
 */
const OUT_OF_BOX: { key: string; label: string; button: string; command: string }[] = [
  {
    key: "sendDirectEmail",
    label: "Send direct email",
    button: "Mscrm.HomepageGrid.account.modern.SendDirectEmail",
    command: "Mscrm.modern.AddEmailToSelectedRecord",
  },
  {
    key: "addToList",
    label: "Add to marketing list",
    button: "Mscrm.HomepageGrid.account.AddToList",
    command: "Mscrm.AddSelectedToMarketingList",
  },
  {
    key: "quickCampaignSelected",
    label: "Quick campaign (selected records)",
    button: "Mscrm.HomepageGrid.account.QuickCampaign.Selected",
    command: "Mscrm.HomepageGrid.ACL.QuickCampaign.Selected",
  },
  {
    key: "quickCampaignPage",
    label: "Quick campaign (all records on current page)",
    button: "Mscrm.HomepageGrid.account.QuickCampaign.AllCurrentPage",
    command: "Mscrm.HomepageGrid.ACL.QuickCampaign.AllCurrentPage",
  },
  {
    key: "quickCampaignAll",
    label: "Quick campaign (all records on all pages)",
    button: "Mscrm.HomepageGrid.account.QuickCampaign.AllAllPages",
    command: "Mscrm.HomepageGrid.ACL.QuickCampaign.AllAllPages",
  },
];

interface PageCommand {
  key: string;
  label: string;
  definition: CommandDefinitionModel;
  /** False: the package does not redefine this out-of-box command (only the platform's rules apply). */
  redefined: boolean;
}

/** The commands this grid shows, as the package defines them. */
export function gridCommands(ribbon: RibbonModel, languageId: number): PageCommand[] {
  const commands: PageCommand[] = [];
  const start = ribbon.buttons.find(
    (b) =>
      b.location.startsWith(GRID_LOCATION) &&
      ribbon.commands.get(b.command)?.actions.some((a) => a.functionName === ScriptFunctions.gridCommand),
  );
  if (start)
    commands.push({
      key: "startOutreach",
      label: start.labels[languageId] ?? start.labels[1033] ?? start.id,
      definition: ribbon.commands.get(start.command) as CommandDefinitionModel,
      redefined: true,
    });
  for (const o of OUT_OF_BOX) {
    if (ribbon.hidden.has(o.button)) continue; // HideCustomAction: the button is gone
    const definition = ribbon.commands.get(o.command);
    commands.push({
      key: o.key,
      label: o.label,
      definition: definition ?? { id: o.command, enableRules: [{ id: "Mscrm.SelectionCountAtLeastOne" }], actions: [] },
      redefined: definition !== undefined,
    });
  }
  return commands;
}

/** A value from a row as text (rows hold strings, numbers, booleans). */
const str = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";

/** The platform's own value of a cell, as the grid shows it without a customizer. */
function formatted(row: Row, column: ColumnDefinition, locale: string): string {
  if (column.dataType === "Lookup") return str(row[`_${column.name}_value${FORMATTED}`]);
  const value = row[column.name];
  if (value === undefined || value === null) return "";
  const label = row[`${column.name}${FORMATTED}`];
  if (typeof label === "string") return label;
  if (column.dataType === "DateOnly" && typeof value === "string")
    return new Date(`${value.slice(0, 10)}T00:00:00Z`).toLocaleDateString(locale, { timeZone: "UTC" });
  if (column.dataType === "DateAndTime" && typeof value === "string")
    return new Date(value).toLocaleString(locale, { dateStyle: "short", timeStyle: "short" });
  return str(value);
}

/** A cell's raw value as the grid hands it to a renderer (a lookup: the referenced row). */
function raw(row: Row, column: ColumnDefinition): unknown {
  if (column.dataType === "Lookup") {
    const id = row[`_${column.name}_value`];
    if (typeof id !== "string") return null;
    return {
      etn: row[`_${column.name}_value@Microsoft.Dynamics.CRM.lookuplogicalname`],
      id: { guid: id },
      name: row[`_${column.name}_value${FORMATTED}`],
    };
  }
  return row[column.name] ?? null;
}

function rowData(row: Row, columns: ColumnDefinition[]): RowData {
  const data: Record<string, unknown> = { __rec_id: String(row[Account.id]) };
  for (const c of columns) data[c.name] = raw(row, c);
  return data as RowData;
}

/** Why a command is off, from what its rules answered. */
function offReason(state: CommandState): string {
  const off = state.outcomes.filter((o) => !o.value);
  const parts = off.map((o) => {
    if (o.how === "timeout") return `${o.functionName} did not answer within 10 s`;
    if (o.how === "failed") return `${o.functionName ?? o.rule} failed (${o.detail ?? "no detail"})`;
    if (o.functionName === ScriptFunctions.gridEnableRule) return "no selected account is clear for outreach";
    if (o.functionName === ScriptFunctions.gridEveryAllowed)
      return "PartnerGuard allows it only when every selected account is clear for outreach";
    if (o.functionName === ScriptFunctions.gridEveryOnPageAllowed)
      return "PartnerGuard allows it only when every account on the page is clear for outreach";
    if (o.how === "platform" || o.how === "selectionCount") return "select at least one account";
    return `${o.rule} is false`;
  });
  return [...new Set(parts)].join("; ");
}

interface Props {
  languageId: number;
  host: WebApiHost;
  emulator: DataverseEmulator;
  customizationsXml: string;
  partnerIds: string[];
  /** The run of `partnerguard sync --verdicts` whose stored columns the org holds. */
  sync: { exitCode: number; errors: string[]; asOf: string };
  opened: { entityName: string; parameters: Record<string, unknown> }[];
  /** Opens an account's form, where the playground has one for it (a demo scenario). */
  isScenario(accountId: string): boolean;
  openAccount(accountId: string): void;
}

interface GridItem {
  key: string;
  row: Row;
}

export function AccountViewPage(props: Props) {
  const { languageId, host, emulator, customizationsXml, partnerIds, sync, opened, isScenario, openAccount } = props;
  const locale = LOCALES[languageId];
  const ribbon = React.useMemo(() => readRibbon(customizationsXml), [customizationsXml]);
  const commands = React.useMemo(() => gridCommands(ribbon, languageId), [ribbon, languageId]);
  const views = React.useMemo(() => {
    const solution = readViews(customizationsXml);
    const own = playgroundView(customizationsXml, solution, partnerIds, StoredVerdict.outreach);
    return own ? [own, ...solution] : solution;
  }, [customizationsXml, partnerIds]);
  const [viewId, setViewId] = React.useState<string | undefined>(() => views[0]?.id);
  const view: GridView | undefined = views.find((v) => v.id === viewId);
  const [rows, setRows] = React.useState<Row[] | undefined>(undefined);
  const [loadError, setLoadError] = React.useState<string | undefined>(undefined);
  const [reloads, setReloads] = React.useState(0);
  const [selectedIds, setSelectedIds] = React.useState<string[]>([]);
  const [states, setStates] = React.useState<Record<string, CommandState | undefined>>({});
  const [ribbonRefreshes, setRibbonRefreshes] = React.useState(0);
  /** The selection every command's rules have answered for (the browser tests wait for it). */
  const [answeredFor, setAnsweredFor] = React.useState<string | undefined>(undefined);
  const [results, setResults] = React.useState<string[]>([]);
  const [openedBefore] = React.useState(opened.length);
  const [customizer, setCustomizer] = React.useState<LoadedCustomizer | undefined>(undefined);
  const [customizerError, setCustomizerError] = React.useState<string | undefined>(undefined);
  const customizerName = React.useMemo(() => configuredCustomizer(customizationsXml), [customizationsXml]);

  // The grid's customizer, loaded once per grid (and language) like a control on the page.
  React.useEffect(() => {
    if (!customizerName) return undefined;
    let live = true;
    let loaded: LoadedCustomizer | undefined;
    loadCustomizer(customizerName, {
      languageId,
      userId: SELLER.id,
      userName: SELLER.name,
      eventName: "PartnerGuardPlaygroundGridCustomizer",
    }).then(
      (c) => {
        loaded = c;
        if (live) setCustomizer(c);
        else c.destroy();
      },
      (e: Error) => live && setCustomizerError(e.message),
    );
    return () => {
      live = false;
      loaded?.destroy();
      setCustomizer(undefined);
    };
  }, [customizerName, languageId]);

  // The view's rows: its FetchXML, as the seller, one request.
  React.useEffect(() => {
    if (!view) return undefined;
    let live = true;
    setRows(undefined);
    setLoadError(undefined);
    host.retrieveMultipleRecords(Account.logicalName, `?fetchXml=${view.fetchXml}`).then(
      (answer) => live && setRows(answer.entities),
      (e: Error) => live && setLoadError(e.message),
    );
    return () => {
      live = false;
    };
  }, [view, host, reloads]);

  const items: GridItem[] = React.useMemo(
    () => (rows ?? []).map((row) => ({ key: normalizeGuid(String(row[Account.id])) ?? String(row[Account.id]), row })),
    [rows],
  );
  const selection: Selection = React.useMemo(
    () =>
      new Selection({
        getKey: (item) => String(item.key),
        onSelectionChanged: (): void => setSelectedIds(selection.getSelection().map((i) => String(i.key))),
      }),
    [],
  );

  // SelectedControl: the grid as the Client API offers it to a command (clientapi grids/gridcontrol).
  const itemsRef = React.useRef(items);
  itemsRef.current = items;
  const selectedRef = React.useRef(selectedIds);
  selectedRef.current = selectedIds;
  const gridControl = React.useMemo(() => {
    const entityOf = (item: GridItem) => ({
      getId: () => `{${item.key.toUpperCase()}}`,
      getEntityName: () => Account.logicalName,
      getEntityReference: () => ({
        id: `{${item.key.toUpperCase()}}`,
        entityType: Account.logicalName,
        name: str(item.row[Account.name]),
      }),
      getPrimaryAttributeValue: () => str(item.row[Account.name]),
    });
    const rowOf = (item: GridItem) => ({ getData: () => ({ getEntity: () => entityOf(item) }) });
    return {
      getEntityName: () => Account.logicalName,
      getName: () => "accountsGrid",
      refresh: () => setReloads((n) => n + 1),
      refreshRibbon: () => setRibbonRefreshes((n) => n + 1),
      getGrid: () => ({
        getRows: () => ({ get: () => itemsRef.current.map(rowOf), getLength: () => itemsRef.current.length }),
        getSelectedRows: () => {
          const chosen = itemsRef.current.filter((i) => selectedRef.current.includes(i.key)).map(rowOf);
          return { get: () => chosen, getLength: () => chosen.length };
        },
        getTotalRecordCount: () => itemsRef.current.length,
      }),
    };
  }, []);

  const gridSelection = React.useCallback(
    (ids: string[]): GridSelection => ({
      selectedIds: ids.map((id) => `{${id.toUpperCase()}}`),
      selectedReferences: ids.map((id) => {
        const item = itemsRef.current.find((i) => i.key === id);
        return {
          Id: `{${id.toUpperCase()}}`,
          Name: str(item?.row[Account.name]),
          TypeCode: ACCOUNT_TYPE_CODE,
          TypeName: Account.logicalName,
        };
      }),
      allIds: itemsRef.current.map((i) => `{${i.key.toUpperCase()}}`),
      selectedControl: gridControl,
      entityName: Account.logicalName,
      entityTypeCode: ACCOUNT_TYPE_CODE,
      languageId,
    }),
    [gridControl, languageId],
  );

  const ruleHost: RuleHost = React.useMemo(() => shippedRuleHost(customizationsXml), [customizationsXml]);

  // The platform evaluates every command's enable rules on each selection change.
  const evaluation = React.useRef(0);
  const selectionKey = selectedIds.join(",");
  React.useEffect(() => {
    if (!rows) return;
    const run = ++evaluation.current;
    setStates({});
    setAnsweredFor(undefined);
    const s = gridSelection(selectedIds);
    let pending = commands.length;
    for (const c of commands)
      void evaluateCommand(c.definition, s, ruleHost).then((state) => {
        if (run !== evaluation.current) return;
        setStates((prev) => ({ ...prev, [c.key]: state }));
        if (--pending === 0) setAnsweredFor(selectionKey);
      });
  }, [selectionKey, rows, commands, ruleHost, gridSelection, ribbonRefreshes]); // eslint-disable-line react-hooks/exhaustive-deps

  const act = async (c: PageCommand) => {
    const audits = emulator.table(OutreachAudit.logicalName).length;
    const activities = emulator.table(OUTREACH_ACTIVITY).length;
    const ran = await runActions(c.definition, gridSelection(selectedRef.current), ruleHost);
    const lines: string[] = [];
    for (const r of ran) {
      if (!r.ran)
        lines.push(
          `${c.label} (stand-in): the platform would run ${r.functionName} from ${r.library} with ${r.arguments.join(", ")}.`,
        );
    }
    const newAudits = emulator.table(OutreachAudit.logicalName).slice(audits);
    const newActivities = emulator.table(OUTREACH_ACTIVITY).slice(activities);
    if (ran.some((r) => r.ran)) {
      lines.push(`Audit entries written: ${newAudits.length}.`);
      for (const a of newAudits) lines.push(`Audit entry: ${str(a[OutreachAudit.name])}`);
      lines.push(`Activities created: ${newActivities.length}.`);
      for (const a of newActivities) lines.push(`Activity: ${OUTREACH_ACTIVITY} “${str(a.subject)}”`);
    }
    setResults(lines);
  };

  const commandItems: ICommandBarItemProps[] = commands.map((c) => {
    const state = states[c.key];
    return {
      key: c.key,
      text: c.label,
      iconProps: { iconName: c.key === "startOutreach" ? "Phone" : c.key === "sendDirectEmail" ? "Mail" : "People" },
      disabled: state?.enabled !== true,
      onClick: () => void act(c),
      title: state && !state.enabled ? offReason(state) : undefined,
      "data-testid": `grid-command-${c.key}`,
      "data-rule": state === undefined ? "evaluating" : "answered",
      "data-redefined": String(c.redefined),
    };
  });
  const offLines = commands
    .map((c) => ({ c, state: states[c.key] }))
    .filter(({ state }) => state && !state.enabled && selectedIds.length > 0);
  const openedHere = opened.slice(openedBefore);
  const columns: IColumn[] = (view?.columns ?? []).map((c, index) => ({
    key: c.name,
    name: view?.labels[c.name]?.[languageId] ?? c.displayName ?? c.name,
    fieldName: c.name,
    minWidth: c.name === StoredVerdict.outreach ? 300 : 90,
    maxWidth: c.width ? Math.max(c.width, 120) + 80 : undefined,
    isResizable: true,
    isMultiline: true,
    onRender: (item?: GridItem) => {
      if (!item) return null;
      const text = formatted(item.row, c, locale);
      if (c.isPrimary) {
        return isScenario(item.key) ? (
          <Link onClick={() => openAccount(item.key)} data-testid="open-account">
            {text}
          </Link>
        ) : (
          <span>{text}</span>
        );
      }
      const cellProps: CellRendererProps = {
        value: raw(item.row, c),
        formattedValue: text,
        columnDataType: c.dataType,
        columnEditable: false,
        isRTLMode: false,
        rowHeight: 42,
        isLastRow: items[items.length - 1]?.key === item.key,
      };
      const params: GetRendererParams = {
        colDefs: view?.columns ?? [],
        columnIndex: index,
        rowData: rowData(item.row, view?.columns ?? []),
      };
      return renderCell(customizer?.payload, cellProps, params, () => <span>{text}</span>);
    },
  }));

  return (
    <main
      className="pg-form pg-view"
      data-testid="account-view"
      aria-labelledby="pg-view-title"
      data-selection={selectionKey}
      data-answered-for={answeredFor ?? "-"}
    >
      {/* Every command stays on the bar (no overflow menu), so each one's state can be seen. */}
      <CommandBar
        className="pg-commandbar"
        ariaLabel="Account view commands"
        items={commandItems}
        onReduceData={() => undefined}
      />
      <div className="pg-outreach-panel pg-view-note">
        <Text variant="small">
          On Dynamics 365 a command whose enable rule is false is hidden; this page shows it disabled, with why.
          Stand-ins for Microsoft&apos;s commands run the rules the package gives them and say what the platform would
          run.
        </Text>
      </div>
      {offLines.length ? (
        <div className="pg-outreach-panel" data-testid="grid-command-reasons">
          {offLines.map(({ c, state }) => (
            <Text key={c.key} variant="small" block>
              {c.label}: off — {offReason(state as CommandState)}.
            </Text>
          ))}
        </div>
      ) : null}
      {results.length || openedHere.length ? (
        <div className="pg-outreach-panel" data-testid="grid-result">
          <MessageBar messageBarType={MessageBarType.info} isMultiline delayedRender={false}>
            {results.map((line, i) => (
              <div key={i}>{line}</div>
            ))}
            {openedHere.map((f, i) => (
              <div key={`o${i}`}>
                Form that would open: {f.entityName} “{str(f.parameters.subject)}”
              </div>
            ))}
          </MessageBar>
        </div>
      ) : null}
      <div className="pg-header pg-view-header">
        <h1 id="pg-view-title" className="pg-title">
          Accounts
        </h1>
        <Dropdown
          label="View"
          className="pg-view-picker"
          selectedKey={viewId}
          options={views.map((v) => ({ key: v.id, text: v.names[languageId] ?? v.names[1033] ?? v.id }))}
          onChange={(_, o) => {
            if (!o) return;
            selection.setAllSelected(false);
            setViewId(String(o.key));
          }}
        />
      </div>
      <div className="pg-outreach-panel">
        <Text variant="small" data-testid="sync-as-of">
          {sync.exitCode === 0
            ? `Stored columns as \`partnerguard sync --verdicts --as-of ${sync.asOf}\` wrote them over the demo data; every command checks live.`
            : `partnerguard sync --verdicts over the demo data failed (exit ${sync.exitCode}): ${sync.errors.join(" ")}`}
        </Text>
      </div>
      {customizerError ? (
        <MessageBar messageBarType={MessageBarType.error} isMultiline delayedRender={false}>
          The grid customizer {customizerName} could not be loaded: {customizerError}
        </MessageBar>
      ) : null}
      {!customizerName ? (
        <MessageBar messageBarType={MessageBarType.warning} isMultiline delayedRender={false}>
          This package configures no grid customizer for account: the status shows as the grid&apos;s plain text.
        </MessageBar>
      ) : null}
      {!view ? (
        <MessageBar messageBarType={MessageBarType.warning} isMultiline delayedRender={false}>
          This package has no account view with the stored PartnerGuard status.
        </MessageBar>
      ) : null}
      {loadError ? (
        <MessageBar messageBarType={MessageBarType.error} isMultiline delayedRender={false}>
          The view could not be loaded: {loadError}
        </MessageBar>
      ) : null}
      <div className="pg-grid" data-testid="account-grid" data-loaded={rows ? "true" : "false"}>
        <DetailsList
          items={items}
          columns={columns}
          selection={selection}
          selectionMode={SelectionMode.multiple}
          checkboxVisibility={CheckboxVisibility.always}
          setKey={viewId}
          getKey={(item: GridItem) => item.key}
          layoutMode={DetailsListLayoutMode.justified}
          ariaLabelForGrid="Accounts"
          ariaLabelForSelectionColumn="Toggle selection"
          ariaLabelForSelectAllCheckbox="Toggle selection for all accounts"
          checkButtonAriaLabel="select account"
          selectionPreservedOnEmptyClick
        />
      </div>
      <div className="pg-outreach-panel">
        <Text variant="small" data-testid="grid-selection-count">
          {selectedIds.length} of {items.length} selected
        </Text>
      </div>
    </main>
  );
}

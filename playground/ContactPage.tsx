/**
 * The playground's contact form (`?page=contact`): the form "Contact (PartnerGuard)" as the packed
 * solution defines it, with the SHIPPED control (bundle.js from the zip, mounted through its
 * lifecycle with a context that says the record is a contact) and a command bar built from the
 * zip's contact RibbonDiffXml (customizations.xml), evaluated like the account view's
 * (ribbonCommands.ts). The command bar is generic: every button the package places on the contact
 * form (`Mscrm.Form.contact.*`) and every out-of-box form command it redefines (a command whose
 * rules take the form, `PrimaryControl`) is shown, so commands added to contact later appear here
 * without a change to this page. A command whose rule is false is shown disabled with the rule that
 * said no (on Dynamics 365 it is hidden, platform-facts A3).
 */
import * as React from "react";
import * as ReactDOM from "react-dom";
import { CommandBar, Dropdown, ICommandBarItemProps, MessageBar, MessageBarType, Text } from "@fluentui/react";
import type { PartnerGuard as PartnerGuardControl } from "../PartnerGuard/index";
import { createContext } from "./fakeContext";
import { DataverseEmulator, EmulatorHost } from "../src/emulator/dataverseEmulator";
import { Account, Contact } from "../src/schema";
import { WebApiHost } from "../src/sources/webApi";
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

/** The demo contacts the page inserts: one of a partnered account, one of a clear one, one without an account. */
export const CONTACT_DEMO = [
  {
    key: "partnered",
    contactid: "c7000000-0000-4000-8000-000000000001",
    fullname: "Dana Whitman",
    firstname: "Dana",
    lastname: "Whitman",
    jobtitle: "IT Director",
    account: "a1000000-0000-4000-8000-000000000001", // Contoso Pharmaceuticals: Harbor Computer Services is partner of record
  },
  {
    key: "clear",
    contactid: "c7000000-0000-4000-8000-000000000002",
    fullname: "Wes Porter",
    firstname: "Wes",
    lastname: "Porter",
    jobtitle: "Head of Procurement",
    account: "a1000000-0000-4000-8000-000000000005", // Woodgrove Foods: no partner of record
  },
  {
    key: "no-account",
    contactid: "c7000000-0000-4000-8000-000000000003",
    fullname: "Nico Freelance",
    firstname: "Nico",
    lastname: "Freelance",
    jobtitle: "Consultant",
    account: undefined,
  },
] as const;
type DemoContact = (typeof CONTACT_DEMO)[number];

const FORM_LOCATION = "Mscrm.Form.contact.";
const CONTACT_TYPE_CODE = 2;

/** Labels of the out-of-box form commands the package may redefine (the platform's own words). */
const PLATFORM_LABELS: Record<string, string> = {
  "Mscrm.AddPrimaryToMarketingList": "Add to marketing list",
};

export interface FormCommand {
  key: string;
  label: string;
  definition: CommandDefinitionModel;
  /** A button of the package (true) or an out-of-box command it redefines (false). */
  ours: boolean;
}

const takesTheForm = (c: CommandDefinitionModel): boolean =>
  c.enableRules.some((r) =>
    (r.steps ?? []).some(
      (s) => s.kind === "custom" && s.parameters.some((p) => "crm" in p && p.crm === "PrimaryControl"),
    ),
  ) || c.actions.some((a) => a.parameters.some((p) => "crm" in p && p.crm === "PrimaryControl"));

/** The contact form's commands as the package defines them: its form buttons, then the form commands it redefines. */
export function contactFormCommands(ribbon: RibbonModel, languageId: number): FormCommand[] {
  const commands: FormCommand[] = [];
  const placed = new Set<string>();
  for (const b of ribbon.buttons) {
    if (!b.location.startsWith(FORM_LOCATION) || ribbon.hidden.has(b.location)) continue;
    const definition = ribbon.commands.get(b.command);
    if (!definition) continue;
    placed.add(b.command);
    commands.push({ key: b.id, label: b.labels[languageId] ?? b.labels[1033] ?? b.id, definition, ours: true });
  }
  for (const definition of ribbon.commands.values()) {
    if (placed.has(definition.id) || !takesTheForm(definition)) continue;
    commands.push({
      key: definition.id,
      label: PLATFORM_LABELS[definition.id] ?? definition.id,
      definition,
      ours: false,
    });
  }
  return commands;
}

const withContacts = new WeakSet<DataverseEmulator>();
function insertContacts(emulator: DataverseEmulator): void {
  if (withContacts.has(emulator)) return;
  withContacts.add(emulator);
  for (const c of CONTACT_DEMO)
    emulator.insert(Contact.logicalName, {
      [Contact.id]: c.contactid,
      [Contact.name]: c.fullname,
      [Contact.firstName]: c.firstname,
      [Contact.lastName]: c.lastname,
      [Contact.jobTitle]: c.jobtitle,
      ...(c.account ? { [Contact.company]: { $lookup: Account.logicalName, id: c.account } } : {}),
    });
}

type ControlConstructor = new (options?: never) => PartnerGuardControl;

interface Props {
  emulator: DataverseEmulator;
  host: WebApiHost;
  languageId: number;
  strings: Map<string, string>;
  customizationsXml: string;
  control: ControlConstructor;
  controlOptions: unknown;
  accountName(id: string): string | undefined;
}

/** The shipped control on the contact form, mounted the way the platform does it. */
function ContactControl(props: { contact: DemoContact; languageId: number; strings: Map<string, string> } & Props) {
  const ref = React.useRef<HTMLDivElement>(null);
  const { contact, languageId, strings, host, control: Control, controlOptions } = props;
  React.useEffect(() => {
    const container = ref.current as HTMLDivElement;
    // The GETs PCF's webAPI cannot make (the column's read privilege) go to the same emulator, as the signed-in user.
    const webApiGet = (host as Partial<Pick<EmulatorHost, "webApiGet">>).webApiGet;
    const control = new Control({
      ...(controlOptions as object),
      ...(webApiGet ? { webApiGet: { get: (path: string) => webApiGet(path) } } : {}),
    } as never);
    const render = () => ReactDOM.render(control.updateView(context as never), container);
    const context = createContext({
      accountId: undefined,
      accountName: "",
      record: { table: "contact", id: contact.contactid, name: contact.fullname },
      languageId,
      strings,
      width: 0,
      webApi: host,
      requestRender: () => setTimeout(render, 0),
    });
    control.init(context as never);
    render();
    return () => {
      control.destroy();
      ReactDOM.unmountComponentAtNode(container);
    };
  }, [contact, languageId, strings, host, Control, controlOptions]);
  return <div ref={ref} className="pg-control-host" data-testid="control-host" />;
}

export function ContactPage(props: Props) {
  const { emulator, languageId, customizationsXml, accountName } = props;
  React.useState(() => insertContacts(emulator));
  const [contactKey, setContactKey] = React.useState<string>(
    () => new URLSearchParams(window.location.search).get("contact") ?? CONTACT_DEMO[0].key,
  );
  const contact = CONTACT_DEMO.find((c) => c.key === contactKey) ?? CONTACT_DEMO[0];
  const ribbon = React.useMemo(() => readRibbon(customizationsXml, Contact.logicalName), [customizationsXml]);
  const commands = React.useMemo(() => contactFormCommands(ribbon, languageId), [ribbon, languageId]);
  const [states, setStates] = React.useState<Record<string, CommandState | undefined>>({});
  const [refreshes, setRefreshes] = React.useState(0);
  const [notification, setNotification] = React.useState<string | undefined>(undefined);
  const [results, setResults] = React.useState<string[]>([]);

  // The contact form's context, as a command's rule or action gets it (CrmParameter PrimaryControl).
  const form = React.useMemo(
    () => ({
      data: {
        entity: {
          getId: () => `{${contact.contactid.toUpperCase()}}`,
          getEntityName: () => Contact.logicalName,
          getPrimaryAttributeValue: () => contact.fullname,
        },
      },
      getAttribute: (name: string) =>
        name === Contact.company
          ? {
              getValue: () =>
                contact.account
                  ? [
                      {
                        id: `{${contact.account.toUpperCase()}}`,
                        name: accountName(contact.account) ?? "",
                        entityType: "account",
                      },
                    ]
                  : null,
              addOnChange: (): void => undefined,
            }
          : name === Contact.name
            ? { getValue: () => contact.fullname, addOnChange: (): void => undefined }
            : null,
      // The card is on this form ("Contact (PartnerGuard)"): the control bound to the status column.
      getControl: (name: string) => (name === Contact.status ? { getName: () => name } : null),
      ui: {
        refreshRibbon: () => setRefreshes((n) => n + 1),
        setFormNotification: (message: string) => (setNotification(message), true),
        clearFormNotification: () => (setNotification(undefined), true),
      },
    }),
    [contact, accountName],
  );
  const selection: GridSelection = React.useMemo(
    () => ({
      selectedIds: [`{${contact.contactid.toUpperCase()}}`],
      selectedReferences: [
        {
          Id: `{${contact.contactid.toUpperCase()}}`,
          Name: contact.fullname,
          TypeCode: CONTACT_TYPE_CODE,
          TypeName: Contact.logicalName,
        },
      ],
      allIds: [`{${contact.contactid.toUpperCase()}}`],
      selectedControl: form,
      entityName: Contact.logicalName,
      entityTypeCode: CONTACT_TYPE_CODE,
      languageId,
    }),
    [contact, form, languageId],
  );
  const ruleHost: RuleHost = React.useMemo(() => shippedRuleHost(customizationsXml), [customizationsXml]);

  // Form load (and refreshRibbon): the platform evaluates every command's enable rules.
  const run = React.useRef(0);
  React.useEffect(() => {
    const mine = ++run.current;
    setStates({});
    for (const c of commands)
      void evaluateCommand(c.definition, selection, ruleHost).then((state) => {
        if (mine === run.current) setStates((prev) => ({ ...prev, [c.key]: state }));
      });
  }, [commands, selection, ruleHost, refreshes]);

  const act = async (c: FormCommand) => {
    const ran = await runActions(c.definition, selection, ruleHost);
    setResults(
      ran.map((r) =>
        r.ran
          ? `${c.label}: ran ${r.functionName}.`
          : `${c.label} (stand-in): the platform would run ${r.functionName} from ${r.library} with ${r.arguments.join(", ")}.`,
      ),
    );
  };

  const items: ICommandBarItemProps[] = [
    { key: "save", text: "Save", iconProps: { iconName: "Save" }, disabled: true },
    ...commands.map((c): ICommandBarItemProps => {
      const state = states[c.key];
      const no = state?.outcomes.find((o) => !o.value);
      return {
        key: c.key,
        text: c.label,
        iconProps: { iconName: c.ours ? "Phone" : "People" },
        disabled: state?.enabled !== true,
        onClick: () => void act(c),
        title: no ? `Off: ${no.functionName ?? no.rule} answered false` : undefined,
        "data-testid": `form-command-${c.key}`,
        "data-rule": state === undefined ? "evaluating" : "answered",
        "data-enabled": state === undefined ? undefined : String(state.enabled),
      };
    }),
  ];
  const company = contact.account ? accountName(contact.account) : undefined;

  return (
    <div className="pg-shell">
      <div className="pg-toolbar" role="region" aria-label="Playground settings">
        <Dropdown
          label="Demo contact"
          className="pg-picker"
          selectedKey={contact.key}
          options={CONTACT_DEMO.map((c) => ({ key: c.key, text: `${c.fullname} (${c.key})` }))}
          onChange={(_, o) => {
            if (!o) return;
            setContactKey(String(o.key));
            setResults([]);
            setNotification(undefined);
          }}
          data-testid="contact-picker"
        />
      </div>
      <main className="pg-form" aria-label="Contact form">
        <CommandBar className="pg-commandbar" ariaLabel="Contact commands" items={items} />
        {notification ? (
          <MessageBar messageBarType={MessageBarType.warning} isMultiline data-testid="form-notification">
            {notification}
          </MessageBar>
        ) : null}
        {results.length ? (
          <div className="pg-outreach-panel" data-testid="form-command-result">
            {results.map((r, i) => (
              <MessageBar key={i} messageBarType={MessageBarType.info} isMultiline delayedRender={false}>
                {r}
              </MessageBar>
            ))}
          </div>
        ) : null}
        <div className="pg-header">
          <h1 className="pg-title">{contact.fullname}</h1>
          <div className="pg-subtitle">Contact · Contact (PartnerGuard)</div>
        </div>
        <div className="pg-sections">
          <section className="pg-section" aria-labelledby="pg-section-card">
            <h2 id="pg-section-card" className="pg-section-title">
              PartnerGuard
            </h2>
            <ContactControl {...props} contact={contact} />
          </section>
          <section className="pg-section pg-section-info" aria-labelledby="pg-section-contact">
            <h2 id="pg-section-contact" className="pg-section-title">
              Contact information
            </h2>
            <dl className="pg-fields">
              <dt>First Name</dt>
              <dd>{contact.firstname}</dd>
              <dt>Last Name</dt>
              <dd>{contact.lastname}</dd>
              <dt>Company Name</dt>
              <dd data-testid="contact-company">{company ?? "—"}</dd>
              <dt>Job Title</dt>
              <dd>{contact.jobtitle}</dd>
            </dl>
          </section>
        </div>
        <Text block variant="small">
          Playground only: a command whose rule is false is shown disabled here; Dynamics 365 hides it.
        </Text>
      </main>
    </div>
  );
}

/**
 * The playground's email form (`?page=email`): regarding, To, Cc and Bcc pickers over the demo
 * accounts, contacts and users, and Send. It runs the shipped outreach.js: the rule is the
 * CustomRule the packed email RibbonDiff.xml names (read from that XML, resolved on `window`), with
 * a small email form context whose change and save handlers behave as the platform's do (the
 * script registers them itself). On Dynamics 365 the PartnerGuard button is hidden when its rule is
 * false and Microsoft's Send stays visible but is refused by the OnSave guard; this page shows Send
 * disabled instead, with the form notification, so the state can be seen and tested.
 */
import * as React from "react";
import { Dropdown, IDropdownOption, MessageBar, MessageBarType, PrimaryButton, Text } from "@fluentui/react";
import ribbonXml from "../Solution/Entities/email/RibbonDiff.xml";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { EmailForm, OutreachAudit } from "../src/schema";

type Lookup = { id: string; name: string; entityType: string };
type SaveContext = { getEventArgs(): { getSaveMode(): number; preventDefault(): void } };

/** The demo people the page inserts: contacts of demo accounts, a lead, and the playground's users. */
export const EMAIL_DEMO_CONTACTS = [
  {
    contactid: "c5000000-0000-4000-8000-000000000001",
    fullname: "Dana Whitman",
    account: "a1000000-0000-4000-8000-000000000001",
  },
  {
    contactid: "c5000000-0000-4000-8000-000000000002",
    fullname: "Wes Porter",
    account: "a1000000-0000-4000-8000-000000000005",
  },
  {
    contactid: "c5000000-0000-4000-8000-000000000003",
    fullname: "Tara Lindqvist",
    account: "a1000000-0000-4000-8000-000000000004",
  },
];

/** The CustomRule function of the packed ribbon (`PartnerGuard.Email.isSendAllowed`), from the XML. */
function ruleFunction(): (form: unknown) => Promise<boolean> {
  const doc = new DOMParser().parseFromString(ribbonXml, "application/xml");
  const name = doc.querySelector("CustomRule")?.getAttribute("FunctionName") ?? "";
  let target: unknown = window;
  for (const part of name.split(".")) target = (target as Record<string, unknown> | undefined)?.[part];
  if (typeof target !== "function") throw new Error(`The shipped script does not define ${name}.`);
  return target as (form: unknown) => Promise<boolean>;
}

const withPeople = new WeakSet<DataverseEmulator>();
function insertPeople(emulator: DataverseEmulator): void {
  if (withPeople.has(emulator)) return;
  withPeople.add(emulator);
  for (const c of EMAIL_DEMO_CONTACTS)
    emulator.insert("contact", {
      contactid: c.contactid,
      fullname: c.fullname,
      parentcustomerid: { $lookup: "account", id: c.account },
    });
}

export function EmailPage(props: {
  emulator: DataverseEmulator;
  accounts: { id: string; name: string }[];
  users: { id: string; name: string }[];
}) {
  const { emulator, accounts, users } = props;
  React.useState(() => insertPeople(emulator));
  const people: (Lookup & { text: string })[] = [
    ...accounts.map((a) => ({ ...a, text: `${a.name} (account)`, entityType: "account" })),
    ...EMAIL_DEMO_CONTACTS.map((c) => ({
      id: c.contactid,
      name: c.fullname,
      text: `${c.fullname} (contact)`,
      entityType: "contact",
    })),
    ...users.map((u) => ({ ...u, text: `${u.name} (user)`, entityType: "systemuser" })),
  ];
  const options: IDropdownOption[] = people.map((p) => ({ key: p.id, text: p.text }));
  const byKey = new Map<string, Lookup>(
    people.map((p) => [p.id, { id: p.id, name: p.name, entityType: p.entityType }]),
  );
  const [values, setValues] = React.useState<Record<string, string[]>>({
    to: [],
    cc: [],
    bcc: [],
    regardingobjectid: [],
  });
  const [allowed, setAllowed] = React.useState<boolean | undefined>(undefined);
  const [notification, setNotification] = React.useState<string | undefined>(undefined);
  const [sent, setSent] = React.useState<string | undefined>(undefined);
  const [requests, setRequests] = React.useState<number | undefined>(undefined);
  const valuesRef = React.useRef(values);
  valuesRef.current = values;

  // The email form context: its attributes read the pickers; handlers registered by the script run like the platform's.
  const form = React.useMemo(() => {
    const change: Record<string, (() => void)[]> = {};
    const save: ((c: SaveContext) => unknown)[] = [];
    const lookups = (name: string) =>
      (valuesRef.current[name] ?? []).flatMap((key) => {
        const found = byKey.get(key);
        return found ? [found] : [];
      });
    const context = {
      change,
      save,
      data: { entity: { addOnSave: (h: (c: SaveContext) => unknown) => void save.push(h) } },
      getAttribute: (name: string) =>
        name === EmailForm.subject
          ? { getValue: () => "Playground email", addOnChange: () => undefined }
          : name in valuesRef.current
            ? {
                getValue: () => (lookups(name).length ? lookups(name) : null),
                addOnChange: (h: () => void) => void (change[name] ??= []).push(h),
              }
            : null,
      ui: {
        refreshRibbon: () => evaluate(),
        setFormNotification: (message: string) => (setNotification(message), true),
        clearFormNotification: () => (setNotification(undefined), true),
      },
    };
    const evaluate = () => {
      setAllowed(undefined);
      // What this check sent to the org: requests on the wire (a $batch is one; the reads inside it are not).
      const from = emulator.requests.length;
      const done = (ok: boolean) => {
        setRequests(emulator.requests.slice(from).filter((r) => !r.inBatch).length);
        setAllowed(ok);
      };
      void ruleFunction()(context).then(done, () => done(false));
    };
    return { context, evaluate };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one form per page load
  }, []);
  React.useEffect(() => form.evaluate(), [form]);

  const pick = (name: string, multi: boolean) => (_: unknown, option?: IDropdownOption) => {
    if (!option) return;
    const current = valuesRef.current[name] ?? [];
    const next = multi
      ? option.selected
        ? [...current, String(option.key)]
        : current.filter((k) => k !== option.key)
      : [String(option.key)];
    valuesRef.current = { ...valuesRef.current, [name]: next };
    setValues(valuesRef.current);
    setSent(undefined);
    for (const h of form.context.change[name] ?? []) h(); // the platform's OnChange
  };

  const send = async () => {
    let prevented = false;
    const context: SaveContext = {
      getEventArgs: () => ({
        getSaveMode: () => EmailForm.sendSaveMode,
        preventDefault: () => void (prevented = true),
      }),
    };
    await Promise.all(form.context.save.map((h) => h(context)));
    if (prevented) return setSent("Send was refused.");
    const audits = await emulator.retrieveMultipleRecords(
      OutreachAudit.logicalName,
      `?fetchXml=<fetch><entity name="${OutreachAudit.logicalName}"><attribute name="${OutreachAudit.name}"/></entity></fetch>`,
    );
    setSent(`Sent. Audit entries in the org: ${audits.entities.length}.`);
  };

  const picker = (name: string, label: string, multi: boolean) => (
    <Dropdown
      label={label}
      multiSelect={multi}
      placeholder="—"
      options={options}
      selectedKeys={multi ? values[name] : undefined}
      selectedKey={multi ? undefined : (values[name][0] ?? null)}
      onChange={pick(name, multi)}
      data-testid={`email-${name}`}
    />
  );

  return (
    <div className="pg-shell">
      <main className="pg-form" aria-label="Email form">
        <h1>New email</h1>
        {notification && (
          <MessageBar messageBarType={MessageBarType.warning} isMultiline data-testid="email-notification">
            {notification}
          </MessageBar>
        )}
        <PrimaryButton text="Send" disabled={allowed !== true} onClick={() => void send()} data-testid="email-send" />
        <Text block variant="small" data-testid="email-send-state">
          {allowed === undefined
            ? "PartnerGuard is checking the recipients…"
            : allowed
              ? "PartnerGuard: every recipient's account is clear."
              : "Playground only: Send is shown disabled. In Dynamics 365 the platform hides a command whose rule is false; Send itself stays and PartnerGuard refuses it, with the notification above."}
        </Text>
        {allowed !== undefined && requests !== undefined && (
          <Text block variant="small" data-testid="email-requests">
            {`Requests to the org for this check: ${requests}.`}
          </Text>
        )}
        {picker(EmailForm.regarding, "Regarding", false)}
        {picker(EmailForm.to, "To", true)}
        {picker(EmailForm.cc, "Cc", true)}
        {picker(EmailForm.bcc, "Bcc", true)}
        {sent && (
          <Text block data-testid="email-sent">
            {sent}
          </Text>
        )}
      </main>
    </div>
  );
}

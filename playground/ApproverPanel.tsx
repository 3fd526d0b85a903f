/**
 * The approver's side, for the playground: in Dataverse an approver decides from the "Pending
 * outreach exceptions" view or the exception's form; here a small panel does the same through
 * the real decision code (src/sources/partnerActions), so the whole flow can be shown.
 */
import * as React from "react";
import { DefaultButton, Dropdown, MessageBar, MessageBarType, PrimaryButton, Stack, Text } from "@fluentui/react";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { ExceptionStatusCodes, OutreachExceptionTable } from "../src/schema";
import { decideException } from "../src/sources/partnerActions";
import { resolveVerdict } from "../src/sources/resolver";
import { configFromValues } from "../src/sources/configSource";
import { DEFAULT_POLICY } from "../src/core/policy";
import { Translate } from "../src/text/translate";

export const PLAYGROUND_USERS = [
  { id: "11111111-1111-4111-8111-111111111111", name: "Avery Seller", role: "seller" },
  { id: "22222222-2222-4222-8222-222222222222", name: "Jordan Approver", role: "approver" },
] as const;

interface Props {
  emulator: DataverseEmulator;
  accountId: string;
  accountName: string;
  t: Translate;
  /** Called after a decision: the form reloads and shows the new verdict. */
  onDecided: () => void;
}

export const ApproverPanel: React.FC<Props> = ({ emulator, accountId, accountName, t, onDecided }) => {
  const [actingAs, setActingAs] = React.useState<string>(PLAYGROUND_USERS[1].id);
  const [message, setMessage] = React.useState<{ type: MessageBarType; text: string } | undefined>(undefined);
  const [, setTick] = React.useState(0);
  const pending = emulator
    .table(OutreachExceptionTable.logicalName)
    .filter((e) => e[OutreachExceptionTable.status] === ExceptionStatusCodes.pending && (e[OutreachExceptionTable.account] as { id?: string })?.id === accountId);

  const decide = async (approve: boolean) => {
    setMessage(undefined);
    const { verdict } = await resolveVerdict({ webApi: emulator, loadConfig: async () => configFromValues(new Map()) }, accountId);
    const exception = verdict.pendingException;
    if (!exception) return;
    const user = PLAYGROUND_USERS.find((u) => u.id === actingAs) ?? PLAYGROUND_USERS[1];
    const result = await decideException(
      { host: emulator, t, actor: { userId: user.id, userName: user.name }, accountId, accountName, now: Date.now },
      verdict,
      exception,
      approve,
      DEFAULT_POLICY,
    );
    if (!result.ok) {
      setMessage({ type: MessageBarType.error, text: result.problems.map((p) => t(`Problem_${p.code}`)).join(" ") });
      return;
    }
    setTick((n) => n + 1);
    onDecided();
  };

  return (
    <section className="pg-section pg-approver" aria-labelledby="pg-approver-title">
      <h2 id="pg-approver-title" className="pg-section-title">
        Approver&apos;s view (playground)
      </h2>
      <Stack tokens={{ childrenGap: 8 }}>
        <Dropdown
          label="Acting as"
          selectedKey={actingAs}
          options={PLAYGROUND_USERS.map((u) => ({ key: u.id, text: `${u.name} (${u.role})` }))}
          onChange={(_, o) => o && setActingAs(String(o.key))}
        />
        {pending.length ? (
          pending.map((e) => (
            <div key={e[OutreachExceptionTable.id] as string} className="pg-pending-request">
              <Text block variant="small">
                {e[OutreachExceptionTable.justification] as string} — {e[OutreachExceptionTable.requestedDays] as number} days
              </Text>
              <Stack horizontal tokens={{ childrenGap: 8 }}>
                <PrimaryButton text="Approve" onClick={() => void decide(true)} />
                <DefaultButton text="Reject" onClick={() => void decide(false)} />
              </Stack>
            </div>
          ))
        ) : (
          <Text variant="small">No pending exception requests for this account.</Text>
        )}
        {message ? (
          <MessageBar messageBarType={message.type} delayedRender={false}>
            {message.text}
          </MessageBar>
        ) : null}
      </Stack>
    </section>
  );
};

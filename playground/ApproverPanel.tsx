/**
 * The approver's side, for the playground: in Dataverse an approver decides by adding a decision
 * to a request (its form, or the "Pending outreach exceptions" view); here a small panel does
 * the same through the real decision code (src/sources/partnerActions), acting through the Web
 * API as the chosen user with that user's roles, so the rules hold exactly as on the platform.
 */
import * as React from "react";
import { DefaultButton, Dropdown, MessageBar, MessageBarType, PrimaryButton, Stack, Text } from "@fluentui/react";
import { decideException } from "../src/sources/partnerActions";
import { actionWording } from "../src/text/auditText";
import { resolveVerdict } from "../src/sources/resolver";
import { configFromValues } from "../src/sources/configSource";
import { DEFAULT_POLICY } from "../src/core/policy";
import { ExceptionState } from "../src/core/types";
import { Translate } from "../src/text/translate";
import { WebApiHost } from "../src/sources/webApi";
import { messageOf } from "../src/sources/failures";
import { writeFailureText } from "../src/text/failureText";
import { PERSONAS } from "../src/emulator/personas";
import { onSharedResolution } from "../src/sources/sharedResolution";

/** The signed-in seller (the card and the command bar act as this user) and the approver. */
export const PLAYGROUND_USERS = [PERSONAS.seller, PERSONAS.approver] as const;

interface Props {
  /** The Web API as the given user (the emulator enforcing that user's roles). */
  hostFor: (userId: string) => WebApiHost;
  accountId: string;
  accountName: string;
  t: Translate;
  /** Called after a decision: the form reloads and shows the new verdict. */
  onDecided: () => void;
}

export const ApproverPanel: React.FC<Props> = ({ hostFor, accountId, accountName, t, onDecided }) => {
  const [actingAs, setActingAs] = React.useState<string>(PLAYGROUND_USERS[1].id);
  const [message, setMessage] = React.useState<{ type: MessageBarType; text: string } | undefined>(undefined);
  const [pending, setPending] = React.useState<ExceptionState | undefined>(undefined);
  // Read again whenever the form settles a verdict (e.g. the card just sent a request).
  const [settled, setSettled] = React.useState(0);
  React.useEffect(() => onSharedResolution(accountId, () => setSettled((n) => n + 1)), [accountId]);
  const user = PLAYGROUND_USERS.find((u) => u.id === actingAs) ?? PLAYGROUND_USERS[1];
  const host = hostFor(user.id);

  React.useEffect(() => {
    let live = true;
    resolveVerdict({ webApi: host, loadConfig: async () => configFromValues(new Map()) }, accountId).then(
      ({ verdict }) => live && setPending(verdict.pendingException),
      (e: unknown) => live && setMessage({ type: MessageBarType.error, text: messageOf(e) }),
    );
    return () => {
      live = false;
    };
  }, [host, accountId, settled]);

  const decide = async (approve: boolean) => {
    if (!pending) return;
    setMessage(undefined);
    try {
      const result = await decideException(
        {
          host,
          words: actionWording(t),
          actor: { userId: user.id, userName: user.name },
          accountId,
          accountName,
          now: Date.now,
        },
        pending,
        approve,
        DEFAULT_POLICY,
      );
      if (!result.ok) {
        setMessage({ type: MessageBarType.error, text: result.problems.map((p) => t(`Problem_${p.code}`)).join(" ") });
        return;
      }
      onDecided();
    } catch (e) {
      // The server refused (e.g. the user holds no approver role): shown as the platform says it.
      setMessage({ type: MessageBarType.error, text: writeFailureText(t, e) });
    }
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
          options={PLAYGROUND_USERS.map((u) => ({ key: u.id, text: `${u.name} (${u.roles.join(", ")})` }))}
          onChange={(_, o) => o && setActingAs(String(o.key))}
        />
        {pending ? (
          <div className="pg-pending-request">
            <Text block variant="small">
              {pending.request.justification ?? ""} — {pending.request.requestedBy ?? t("User_Unknown")},{" "}
              {pending.request.requestedDays ?? "?"} days
            </Text>
            <Stack horizontal tokens={{ childrenGap: 8 }}>
              <PrimaryButton text="Approve" onClick={() => void decide(true)} />
              <DefaultButton text="Reject" onClick={() => void decide(false)} />
            </Stack>
          </div>
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

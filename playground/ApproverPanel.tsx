/**
 * The approver's side, for the playground: in Dataverse an approver decides by adding a decision
 * to a request (its form, or the "Pending outreach exceptions" view); here a small panel does
 * the same through the real decision code (src/sources/partnerActions), acting through the Web
 * API as the chosen user with that user's roles, so the rules hold exactly as on the platform.
 * It also lists the acting user's in-app notifications (read as that user, newest first), as the
 * app's notification center would: a request tells the approver, a decision the requester; the
 * notification's action opens the request here.
 */
import * as React from "react";
import {
  DefaultButton,
  Dropdown,
  Link,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  Stack,
  Text,
  TextField,
} from "@fluentui/react";
import { decideException } from "../src/sources/partnerActions";
import { ReceivedNotification, readNotifications } from "../src/sources/notifications";
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
  const [note, setNote] = React.useState("");
  const [notifications, setNotifications] = React.useState<ReceivedNotification[]>([]);
  const [opened, setOpened] = React.useState<string | undefined>(undefined);
  const requestRef = React.useRef<HTMLDivElement | null>(null);

  React.useEffect(() => {
    let live = true;
    readNotifications(host, user.id).then(
      (list) => live && setNotifications(list),
      (e: unknown) => live && setMessage({ type: MessageBarType.error, text: messageOf(e) }),
    );
    return () => {
      live = false;
    };
  }, [host, user.id, settled]);

  const open = (requestId: string | undefined) => {
    setOpened(requestId);
    setTimeout(() => requestRef.current?.focus(), 0);
  };

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
        note,
      );
      if (!result.ok) {
        setMessage({ type: MessageBarType.error, text: result.problems.map((p) => t(`Problem_${p.code}`)).join(" ") });
        return;
      }
      // The decision stands either way; the approver is told whether the requester heard of it.
      const requester = pending.request.requestedBy ?? t("User_Unknown");
      setMessage(
        result.notified.notified
          ? { type: MessageBarType.success, text: t("Decision_Sent", { requester }) }
          : { type: MessageBarType.warning, text: t("Decision_NotNotified", { requester }) },
      );
      setNote("");
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
        <div className="pg-notifications" aria-labelledby="pg-notifications-title" role="region">
          <Text block variant="mediumPlus" id="pg-notifications-title">
            {t("Notifications_Title")}
          </Text>
          {notifications.length ? (
            <ul className="pg-notification-list">
              {notifications.map((n) => (
                // Title and body are React text children: names from data show as typed, never as markup.
                <li key={n.id} className="pg-notification">
                  <Text block variant="small" styles={{ root: { fontWeight: 600 } }}>
                    {n.title}
                  </Text>
                  <Text block variant="small">
                    {n.body}
                  </Text>
                  {n.requestId ? <Link onClick={() => open(n.requestId)}>{t("Notice_OpenRequest")}</Link> : null}
                </li>
              ))}
            </ul>
          ) : (
            <Text variant="small">{t("Notifications_None")}</Text>
          )}
        </div>
        {opened && pending?.request.id !== opened ? (
          <Text variant="small" className="pg-opened-request">
            No pending request {opened} on this account: it was decided, or it belongs to another account.
          </Text>
        ) : null}
        {pending ? (
          <div
            className="pg-pending-request"
            ref={requestRef}
            tabIndex={-1}
            aria-current={opened === pending.request.id ? "true" : undefined}
            data-request-id={pending.request.id}
          >
            <Text block variant="small">
              {pending.request.justification ?? ""} — {pending.request.requestedBy ?? t("User_Unknown")},{" "}
              {pending.request.requestedDays ?? "?"} days
            </Text>
            <TextField
              label="Note to the requester (optional)"
              multiline
              rows={2}
              value={note}
              onChange={(_, v) => setNote(v ?? "")}
            />
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

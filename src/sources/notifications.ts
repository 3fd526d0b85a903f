/**
 * Dataverse in-app notifications (powerapps-docs `developer/model-driven-apps/clientapi/
 * send-in-app-notifications.md`): a request tells every PartnerGuard approver, a decision tells the
 * requester. A notification is an `appnotification` row owned by its recipient, created through
 * the Web API like any row. Chosen over the `SendAppNotification` message because the hosts we
 * run in (PCF's `context.webAPI`, `Xrm.WebApi`, the Web API over HTTP) all create rows, while the
 * message needs `Xrm.WebApi.online.execute`, which a PCF control does not have.
 *
 * Sending is a courtesy after the fact: it never throws. What could not be sent is returned
 * (`NotifyOutcome`), so the face can say so while the request or decision stands.
 */
import {
  AppNotification,
  AppNotificationIcon,
  AppNotificationPriority,
  AppNotificationToast,
  OutreachExceptionTable,
  RoleTable,
  SecurityRoleIds,
  SystemUser,
  SystemUserRoles,
} from "../schema";
import { SourceFailure } from "../core/types";
import { isObject } from "../core/json";
import { toFailure, withTimeout } from "./failures";
import { Row, WebApiHost, normalizeGuid } from "./webApi";
import { attributes, condition, fetchXml, order } from "./fetchXml";

/** A notification that has not answered in this time counts as not sent (it may still arrive). */
const SEND_TIMEOUT_MS = 15_000;

/** How long a notification waits in the notification center: the platform's default, 14 days. */
export const NOTIFICATION_TTL_SECONDS = 14 * 24 * 60 * 60;

export interface Recipient {
  id: string;
  name?: string;
}

/** What was sent: `notified` is true only when every recipient got one (and there was someone to tell). */
export interface NotifyOutcome {
  notified: boolean;
  sent: Recipient[];
  failed: (Recipient & { failure: SourceFailure })[];
  /** Finding the recipients failed (e.g. the approvers could not be read): nobody was told. */
  lookupFailed?: SourceFailure;
  /** Nobody to tell: no approver other than the requester holds the role, or the requester is unknown. */
  noRecipients?: boolean;
}

/** The words of one notification, written twice by the face: as plain text and as markdown. */
export interface NotificationText {
  title: string;
  body: string;
  /** The body with every value from data already markdown-escaped (the `data.body` override). */
  markdownBody: string;
  /** The action's label ("Open the request"). */
  action: string;
}

/**
 * Markdown-escape a value from data (an account or user name, a note) before it goes into the
 * `data.body` override, which the notification center renders as markdown: a name is text, never
 * a link, emphasis or markup. CommonMark lets a backslash escape any ASCII punctuation.
 */
export function escapeMarkdown(value: string): string {
  return value.replace(/\r?\n|\r/g, " ").replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** The relative URL of a record's form, as the doc's actions use it. */
export function requestUrl(requestId: string): string {
  const id = normalizeGuid(requestId) ?? requestId;
  return `?pagetype=entityrecord&etn=${OutreachExceptionTable.logicalName}&id=${id}`;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The row the Web API creates for one recipient. */
export function notificationRow(recipientId: string, text: NotificationText, requestId: string): Row {
  const data = {
    body: clip(text.markdownBody, 2000),
    actions: [{ title: clip(text.action, 100), data: { url: requestUrl(requestId) } }],
  };
  return {
    [AppNotification.title]: clip(text.title, AppNotification.maxTitle),
    [AppNotification.body]: clip(text.body, AppNotification.maxBody),
    [`${AppNotification.owner}@odata.bind`]: `/systemusers(${normalizeGuid(recipientId) ?? recipientId})`,
    [AppNotification.iconType]: AppNotificationIcon.info,
    [AppNotification.toastType]: AppNotificationToast.timed,
    [AppNotification.priority]: AppNotificationPriority.normal,
    [AppNotification.ttlInSeconds]: NOTIFICATION_TTL_SECONDS,
    [AppNotification.data]: JSON.stringify(data),
  };
}

/**
 * Every enabled user who holds the PartnerGuard Approver role, in any business unit: the role of
 * the root unit carries the id the solution ships, every other unit's copy names it in
 * `parentrootroleid` (role.md), so one query finds them all whatever an admin renamed. The caller
 * needs Read on users and Organization read on roles (model/roles.ts).
 */
export function approversQuery(): string {
  const role = SecurityRoleIds.approver;
  return fetchXml(
    SystemUser.logicalName,
    attributes([SystemUser.id, "fullname"]) +
      `<filter>${condition("isdisabled", "eq", 0)}</filter>` +
      `<link-entity name="${SystemUserRoles.logicalName}" from="${SystemUserRoles.user}" to="${SystemUser.id}" link-type="inner">` +
      `<link-entity name="${RoleTable.logicalName}" from="${RoleTable.id}" to="${SystemUserRoles.role}" link-type="inner">` +
      `<filter type="or">${condition(RoleTable.id, "eq", role)}${condition(RoleTable.parentRoot, "eq", role)}</filter>` +
      `</link-entity>` +
      `</link-entity>`,
  );
}

export async function findApprovers(host: WebApiHost): Promise<Recipient[]> {
  const { entities } = await withTimeout(
    // PCF and Xrm.WebApi take FetchXML unencoded after `?fetchXml=`.
    host.retrieveMultipleRecords(SystemUser.logicalName, `?fetchXml=${approversQuery()}`),
    SEND_TIMEOUT_MS,
    "finding the approvers",
  );
  const seen = new Map<string, Recipient>();
  for (const row of entities) {
    const id = normalizeGuid(row[SystemUser.id]);
    if (!id || seen.has(id)) continue;
    seen.set(id, { id, name: typeof row.fullname === "string" ? row.fullname : undefined });
  }
  return [...seen.values()];
}

/** One notification per recipient, in parallel; a failure is recorded, never thrown. */
export async function notifyUsers(
  host: WebApiHost,
  recipients: Recipient[],
  text: NotificationText,
  requestId: string,
): Promise<NotifyOutcome> {
  if (!recipients.length) return { notified: false, sent: [], failed: [], noRecipients: true };
  const results = await Promise.allSettled(
    recipients.map((r) =>
      withTimeout(
        host.createRecord(AppNotification.logicalName, notificationRow(r.id, text, requestId)),
        SEND_TIMEOUT_MS,
        "sending a notification",
      ),
    ),
  );
  const sent: Recipient[] = [];
  const failed: NotifyOutcome["failed"] = [];
  results.forEach((result, i) => {
    if (result.status === "fulfilled") sent.push(recipients[i]);
    else failed.push({ ...recipients[i], failure: toFailure(result.reason) });
  });
  return { notified: failed.length === 0, sent, failed };
}

/** Tell every approver but the requester: the lookup failing is an outcome too. */
export async function notifyApprovers(
  host: WebApiHost,
  requesterId: string,
  text: NotificationText,
  requestId: string,
): Promise<NotifyOutcome> {
  let approvers: Recipient[];
  try {
    approvers = await findApprovers(host);
  } catch (error) {
    return { notified: false, sent: [], failed: [], lookupFailed: toFailure(error) };
  }
  const requester = normalizeGuid(requesterId) ?? requesterId.toLowerCase();
  // Nobody approves their own request: the requester is not told of it.
  return notifyUsers(
    host,
    approvers.filter((a) => a.id !== requester),
    text,
    requestId,
  );
}

/** A notification as its recipient reads it. */
export interface ReceivedNotification {
  id: string;
  title: string;
  body: string;
  createdOn?: string;
  /** The first action's URL (`data.actions[0].data.url`), when it has one. */
  url?: string;
  /** The record the URL opens, when it is an outreach exception's form. */
  requestId?: string;
}

function firstActionUrl(data: unknown): string | undefined {
  if (typeof data !== "string") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  const actions = isObject(parsed) && Array.isArray(parsed.actions) ? parsed.actions : [];
  const first: unknown = actions[0];
  const url = isObject(first) && isObject(first.data) ? first.data.url : undefined;
  return typeof url === "string" ? url : undefined;
}

function requestIdOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const params = new URLSearchParams(url.startsWith("?") ? url.slice(1) : url);
  return params.get("etn") === OutreachExceptionTable.logicalName
    ? (normalizeGuid(params.get("id")) ?? undefined)
    : undefined;
}

/** The user's notifications, newest first (the Read depth keeps everyone to their own). */
export async function readNotifications(host: WebApiHost, userId: string): Promise<ReceivedNotification[]> {
  const N = AppNotification;
  const query = fetchXml(
    N.logicalName,
    attributes([N.id, N.title, N.body, N.data, N.createdOn]) +
      `<filter>${condition(N.owner, "eq", normalizeGuid(userId) ?? userId)}</filter>` +
      order(N.createdOn, true) +
      order(N.id, true),
  );
  const { entities } = await withTimeout(
    host.retrieveMultipleRecords(N.logicalName, `?fetchXml=${query}`),
    SEND_TIMEOUT_MS,
    "reading the notifications",
  );
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return entities.map((row) => {
    const url = firstActionUrl(row[N.data]);
    return {
      id: String(row[N.id]),
      title: text(row[N.title]) ?? "",
      body: text(row[N.body]) ?? "",
      createdOn: text(row[N.createdOn]),
      url,
      requestId: requestIdOf(url),
    };
  });
}

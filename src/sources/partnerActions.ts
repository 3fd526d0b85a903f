/**
 * Including the partner: the writes behind "Engage partner", "Request exception" and an
 * approver's decision. Each checks the rules of src/core/exceptions first, then writes; a failed
 * write throws so the face can keep outreach disabled and say so. None of them says who or when:
 * the server stamps `createdby`/`createdon`, and the verdict reads only those.
 */
import {
  Account,
  DecisionCodes,
  ENGAGEMENT_ACTIVITY,
  ExceptionReasonCodes,
  OutreachDecision,
  OutreachExceptionTable,
} from "../schema";
import {
  DecisionProblem,
  ExceptionRequest,
  RequestProblem,
  checkDecision,
  checkRequest,
  validUntil,
} from "../core/exceptions";
import { Evidence, ExceptionState, Verdict } from "../core/types";
import { Policy } from "../core/policy";
import { PartlySavedError } from "../core/errors";
import { AuditInput, AuditWording, writeAudit } from "./audit";
import { WebApiHost, normalizeGuid } from "./webApi";
import { withTimeout } from "./failures";
import { NotificationText, NotifyOutcome, escapeMarkdown, notifyApprovers, notifyUsers } from "./notifications";

export { PartlySavedError };

/** A write that has not answered in this time is told as such (it may still have been saved). */
const WRITE_TIMEOUT_MS = 15_000;

function write(ctx: ActionContext, entity: string, data: Record<string, unknown>) {
  return withTimeout(ctx.host.createRecord(entity, data), WRITE_TIMEOUT_MS, `saving ${entity}`);
}

/** The audit entry of a record just saved: its failure is a partial success, said as such. */
async function auditAfter(saved: PartlySavedError["saved"], ctx: ActionContext, input: AuditInput): Promise<void> {
  try {
    await withTimeout(writeAudit(ctx.host, ctx.words.audit, input), WRITE_TIMEOUT_MS, "saving the audit entry");
  } catch (error) {
    throw new PartlySavedError(saved, error);
  }
}

interface Actor {
  userId: string;
  userName?: string;
}

/** The values a notification names; every string is from data (escaped for the markdown copy). */
export interface RequestedNotice {
  account: string;
  seller?: string;
  reason?: ExceptionRequest["reason"];
  days: number;
}

export interface DecidedNotice {
  account: string;
  approve: boolean;
  /** ISO time the approval ends (approvals only). */
  validUntil?: string;
  approver?: string;
  note?: string;
}

/** A notification's words: title, body and the label of its action (opens the request). */
export interface NoticeWords {
  title: string;
  body: string;
  action: string;
}

/**
 * The words the writes store (a task's subject, a request's name, a notification), in the acting
 * user's language. Sources hold none: the face supplies them (src/text/auditText.ts).
 */
export interface ActionWording {
  /** To each approver, when a seller asks for an exception. */
  requestedNotice(values: RequestedNotice): NoticeWords;
  /** To the requester, when an approver decides. */
  decidedNotice(values: DecidedNotice): NoticeWords;
  audit: AuditWording;
  engageSubject(partner: Evidence, accountName: string): string;
  /** The partner contact's line in the engagement task's description. */
  partnerContact(contact: string): string;
  exceptionName(accountName: string): string;
  decisionName(approve: boolean, accountName: string): string;
}

export interface ActionContext {
  host: WebApiHost;
  words: ActionWording;
  actor: Actor;
  accountId: string;
  accountName: string;
  now: () => number;
}

/** Record that the seller engaged the partner of record: a task for the partner manager, plus an audit entry. */
export async function engagePartner(
  ctx: ActionContext,
  verdict: Verdict,
  note: string,
): Promise<{ on: string; by?: string }> {
  const por = verdict.partnerOfRecord;
  if (!por) throw new Error("there is no partner of record to engage");
  const contact = por.association.partnerContactName;
  const description = [note.trim(), contact ? ctx.words.partnerContact(contact) : undefined]
    .filter(Boolean)
    .join("\n\n");
  await write(ctx, ENGAGEMENT_ACTIVITY.logicalName, {
    subject: ctx.words.engageSubject(por, ctx.accountName).slice(0, 200),
    description,
    [ENGAGEMENT_ACTIVITY.category]: ENGAGEMENT_ACTIVITY.categoryValue,
    [`${ENGAGEMENT_ACTIVITY.regardingAccountNav}@odata.bind`]: `/${Account.entitySet}(${ctx.accountId})`,
  });
  const now = ctx.now();
  await auditAfter("task", ctx, {
    verdict,
    decision: "engaged-partner",
    accountId: ctx.accountId,
    accountName: ctx.accountName,
    now,
    details: note.trim() ? [note.trim()] : [],
  });
  return { on: new Date(now).toISOString(), by: ctx.actor.userName };
}

/** The words written twice: as plain text (title, body) and with every value from data markdown-escaped (data.body). */
function noticeText<V>(words: (values: V) => NoticeWords, values: V, escaped: V): NotificationText {
  const plain = words(values);
  return { title: plain.title, body: plain.body, action: plain.action, markdownBody: words(escaped).body };
}

const escapeText = (value: string | undefined) => (value === undefined ? undefined : escapeMarkdown(value));

/**
 * Tell every approver but the requester of a request just saved (here, or on the Outreach
 * exception form): never throws; what could not be sent is in the outcome.
 */
export function notifyRequested(
  host: WebApiHost,
  words: Pick<ActionWording, "requestedNotice">,
  requestId: string,
  requesterId: string,
  notice: RequestedNotice,
): Promise<NotifyOutcome> {
  return notifyApprovers(
    host,
    requesterId,
    noticeText((v: RequestedNotice) => words.requestedNotice(v), notice, {
      ...notice,
      account: escapeMarkdown(notice.account),
      seller: escapeText(notice.seller),
    }),
    requestId,
  );
}

/**
 * Tell the requester (the request's server-set `createdby`) of a decision just saved (here, or on
 * the Outreach decision form): never throws; an unknown requester is `noRecipients`.
 */
export function notifyDecided(
  host: WebApiHost,
  words: Pick<ActionWording, "decidedNotice">,
  requestId: string,
  requester: { id?: string; name?: string },
  notice: DecidedNotice,
): Promise<NotifyOutcome> {
  const text = noticeText((v: DecidedNotice) => words.decidedNotice(v), notice, {
    ...notice,
    account: escapeMarkdown(notice.account),
    approver: escapeText(notice.approver),
    note: escapeText(notice.note),
  });
  const id = normalizeGuid(requester.id);
  return notifyUsers(host, id ? [{ id, name: requester.name }] : [], text, requestId);
}

type RequestResult = { ok: true; id: string; notified: NotifyOutcome } | { ok: false; problems: RequestProblem[] };

/** Ask for a time-boxed exception; refused (nothing written) when the rules say no. */
export async function requestException(
  ctx: ActionContext,
  verdict: Verdict,
  policy: Policy,
  request: Omit<ExceptionRequest, "accountId">,
): Promise<RequestResult> {
  const full: ExceptionRequest = { ...request, accountId: ctx.accountId };
  const existing = verdict.pendingException ? [verdict.pendingException] : [];
  const problems = checkRequest(full, policy, existing);
  if (problems.length) return { ok: false, problems };
  const E = OutreachExceptionTable;
  const record: Record<string, unknown> = {
    [E.name]: ctx.words.exceptionName(ctx.accountName).slice(0, 200),
    [`${E.accountNav}@odata.bind`]: `/${Account.entitySet}(${ctx.accountId})`,
    // The account it is made for, kept apart from the lookup (which Merge may move): only here it counts.
    [E.requestedFor]: normalizeGuid(ctx.accountId) ?? ctx.accountId,
    [E.justification]: request.justification.trim(),
    [E.reasonCode]: request.reason === undefined ? undefined : ExceptionReasonCodes[request.reason],
    [E.requestedDays]: request.days,
  };
  const created = await write(ctx, E.logicalName, record);
  // The request stands whatever happens to the notifications: they never throw.
  const notified = await notifyRequested(ctx.host, ctx.words, created.id, ctx.actor.userId, {
    account: ctx.accountName,
    seller: ctx.actor.userName,
    reason: request.reason,
    days: request.days,
  });
  await auditAfter("exception", ctx, {
    verdict,
    decision: "exception-requested",
    accountId: ctx.accountId,
    accountName: ctx.accountName,
    now: ctx.now(),
    details: [request.justification.trim()],
  });
  return { ok: true, id: created.id, notified };
}

type DecisionResult =
  { ok: true; validUntil?: string; notified: NotifyOutcome } | { ok: false; problems: DecisionProblem[] };

/**
 * An approver approves (from the decision's creation, for the requested days within the policy's
 * maximum) or rejects a pending request by creating a decision row. The row is its own audit
 * entry: who and when are its server-set `createdby`/`createdon`, and nobody can change it.
 */
export async function decideException(
  ctx: ActionContext,
  state: ExceptionState,
  approve: boolean,
  policy: Policy,
  note?: string,
): Promise<DecisionResult> {
  const problems = checkDecision(state, ctx.actor.userId);
  if (problems.length) return { ok: false, problems };
  const D = OutreachDecision;
  const days = Math.min(state.request.requestedDays ?? policy.exceptions.defaultDays, policy.exceptions.maxDays);
  const record: Record<string, unknown> = {
    [D.name]: ctx.words.decisionName(approve, ctx.accountName).slice(0, 200),
    [`${D.exceptionNav}@odata.bind`]: `/${OutreachExceptionTable.entitySet}(${normalizeGuid(state.request.id) ?? state.request.id})`,
    [D.decision]: approve ? DecisionCodes.approved : DecisionCodes.rejected,
  };
  if (approve) record[D.days] = days;
  const trimmed = note?.trim();
  if (trimmed) record[D.note] = trimmed;
  await write(ctx, D.logicalName, record);
  const until = approve ? validUntil(ctx.now(), days) : undefined;
  // The requester is the request's server-set creator; the decision stands whatever the notification does.
  const notified = await notifyDecided(
    ctx.host,
    ctx.words,
    state.request.id,
    { id: state.request.createdBy, name: state.request.requestedBy },
    {
      account: ctx.accountName,
      approve,
      validUntil: until,
      approver: ctx.actor.userName,
      note: trimmed || undefined,
    },
  );
  return { ok: true, validUntil: until, notified };
}

/**
 * Including the partner: the writes behind "Engage partner", "Request exception" and an
 * approver's decision. Each checks the rules of src/core/exceptions first, then writes the
 * record and its audit entry; a failed write throws so the face can keep outreach disabled and say so.
 */
import { Account, ENGAGEMENT_ACTIVITY, ExceptionReasonCodes, ExceptionStatusCodes, OutreachExceptionTable } from "../schema";
import { DecisionProblem, ExceptionRequest, RequestProblem, checkDecision, checkRequest, validUntil } from "../core/exceptions";
import { OutreachException, Verdict } from "../core/types";
import { Policy } from "../core/policy";
import { Translate } from "../text/translate";
import { partnerLabel } from "../text/verdictText";
import { writeAudit } from "./audit";
import { WebApiHost, normalizeGuid } from "./webApi";

export interface Actor {
  userId: string;
  userName?: string;
}

export interface ActionContext {
  host: WebApiHost;
  t: Translate;
  actor: Actor;
  accountId: string;
  accountName: string;
  now: () => number;
}

function userBind(userId: string): string | undefined {
  const id = normalizeGuid(userId);
  return id ? `/systemusers(${id})` : undefined;
}

/** Record that the seller engaged the partner of record: a task for the partner manager, plus an audit entry. */
export async function engagePartner(ctx: ActionContext, verdict: Verdict, note: string): Promise<{ on: string; by?: string }> {
  const por = verdict.partnerOfRecord;
  if (!por) throw new Error("there is no partner of record to engage");
  const partner = partnerLabel(ctx.t, por);
  const contact = por.association.partnerContactName;
  const description = [note.trim(), contact ? ctx.t("Evidence_Contact", { contact }) : undefined].filter(Boolean).join("\n\n");
  await ctx.host.createRecord(ENGAGEMENT_ACTIVITY.logicalName, {
    subject: ctx.t("Outreach_EngageSubject", { partner, account: ctx.accountName }).slice(0, 200),
    description,
    [`${ENGAGEMENT_ACTIVITY.regardingAccountNav}@odata.bind`]: `/${Account.entitySet}(${ctx.accountId})`,
  });
  const now = ctx.now();
  await writeAudit(ctx.host, ctx.t, {
    verdict,
    decision: "engaged-partner",
    accountId: ctx.accountId,
    accountName: ctx.accountName,
    userId: ctx.actor.userId,
    now,
    details: note.trim() ? [note.trim()] : [],
  });
  return { on: new Date(now).toISOString(), by: ctx.actor.userName };
}

export type RequestResult = { ok: true; id: string } | { ok: false; problems: RequestProblem[] };

/** Ask for a time-boxed exception; refused (nothing written) when the rules say no. */
export async function requestException(ctx: ActionContext, verdict: Verdict, policy: Policy, request: Omit<ExceptionRequest, "accountId">): Promise<RequestResult> {
  const full: ExceptionRequest = { ...request, accountId: ctx.accountId };
  const existing = verdict.pendingException ? [verdict.pendingException] : [];
  const problems = checkRequest(full, policy, existing);
  if (problems.length) return { ok: false, problems };
  const E = OutreachExceptionTable;
  const record: Record<string, unknown> = {
    [E.name]: ctx.t("Exception_Name", { account: ctx.accountName }).slice(0, 200),
    [`${E.accountNav}@odata.bind`]: `/${Account.entitySet}(${ctx.accountId})`,
    [E.justification]: request.justification.trim(),
    [E.reasonCode]: ExceptionReasonCodes[request.reason as keyof typeof ExceptionReasonCodes],
    [E.requestedDays]: request.days,
    [E.status]: ExceptionStatusCodes.pending,
  };
  const requester = userBind(ctx.actor.userId);
  if (requester) record[`${E.requesterNav}@odata.bind`] = requester;
  const created = await ctx.host.createRecord(E.logicalName, record);
  await writeAudit(ctx.host, ctx.t, {
    verdict,
    decision: "exception-requested",
    accountId: ctx.accountId,
    accountName: ctx.accountName,
    userId: ctx.actor.userId,
    now: ctx.now(),
    details: [request.justification.trim()],
  });
  return { ok: true, id: created.id };
}

export type DecisionResult = { ok: true; validUntil?: string } | { ok: false; problems: DecisionProblem[] };

/** An approver approves (valid from now for the requested days) or rejects a pending request. */
export async function decideException(ctx: ActionContext, verdict: Verdict, exception: OutreachException, approve: boolean, policy: Policy): Promise<DecisionResult> {
  const problems = checkDecision(exception, ctx.actor.userId);
  if (problems.length) return { ok: false, problems };
  const E = OutreachExceptionTable;
  const days = Math.min(exception.requestedDays ?? policy.exceptions.defaultDays, policy.exceptions.maxDays);
  const until = approve ? validUntil(ctx.now(), days) : undefined;
  const update: Record<string, unknown> = { [E.status]: approve ? ExceptionStatusCodes.approved : ExceptionStatusCodes.rejected };
  if (until) update[E.validUntil] = until;
  const approver = userBind(ctx.actor.userId);
  if (approver) update[`${E.approverNav}@odata.bind`] = approver;
  await ctx.host.updateRecord(E.logicalName, exception.id, update);
  await writeAudit(ctx.host, ctx.t, {
    verdict,
    decision: approve ? "exception-approved" : "exception-rejected",
    accountId: ctx.accountId,
    accountName: ctx.accountName,
    userId: ctx.actor.userId,
    now: ctx.now(),
  });
  return { ok: true, validUntil: until };
}

/** `partnerguard check <account>`: one account's verdict and the reasons behind it. */
import { Command } from "commander";
import { CommandError, ExitCode, usageError } from "../exitCodes";
import { CONNECTION, ConnectionOptions, addOptions } from "../options";
import { Io } from "../io";
import { Result, ResultSink } from "../result";
import { openSource } from "../connect";
import { evidenceLine, noteTexts, partnerLabel, reasonTexts, t, typeLabel, verdictLine } from "../words";
import { unseenEvidence } from "../unseen";
import { readDataverse } from "../../src/sources/dataverseSource";
import { evaluate } from "../../src/core/verdict";
import { localUtcOffsetMinutes } from "../../src/sources/resolver";
import {
  AccountInfo,
  EvidenceStore,
  FetchXmlPager,
  matchAccounts,
  normalizeName,
  outcomeFor,
} from "../../src/sources/node/batchSource";
import { matchInStore } from "../../src/sources/node/feedSource";
import { normalizeGuid } from "../../src/sources/webApi";
import { Verdict } from "../../src/core/types";
import { FunctionHost, ParentChange, readParentHistory } from "../parentHistory";

const CHECK = "check";

interface CheckOptions extends ConnectionOptions {
  feed?: string;
  policy?: string;
  asOf?: number;
  json?: boolean;
  failOnBlocked?: boolean;
  as?: string;
}

export function checkCommand(io: () => Io, sink: ResultSink): Command {
  const command = new Command(CHECK)
    .description('print the verdict and its reasons for one account: the answer to "why is this account blocked?"')
    .argument("<account>", "account id (GUID), account number, or exact account name")
    .addHelpText(
      "after",
      `
Examples:
  partnerguard check a1000000-0000-4000-8000-000000000001 --env https://contoso.crm.dynamics.com
  partnerguard check a1000000-0000-4000-8000-000000000001 --env https://contoso.crm.dynamics.com --as 11111111-1111-4111-8111-111111111111
  partnerguard check "Fabrikam Europe GmbH" --feed data/demo-feed.csv --json`,
    );
  addOptions(command, [...CONNECTION, "feed", "policy", "asOf", "json", "failOnBlocked", "as"]);
  return command.action(async (account: string, options: CheckOptions) => {
    sink.result = await runCheck(io(), account, options);
  });
}

/** Find the one account a free-text argument names: by id, else account number, else name. */
async function findAccount(
  source: { pager: FetchXmlPager } | { store: EvidenceStore },
  text: string,
): Promise<AccountInfo | CommandError> {
  const id = normalizeGuid(text);
  for (const column of id ? (["accountId"] as const) : (["accountNumber", "name"] as const)) {
    const value = id ?? (column === "name" ? normalizeName(text) : text.trim().toLowerCase());
    const found =
      "pager" in source
        ? await matchAccounts(source.pager, column, [value], { concurrency: 1 })
        : matchInStore(source.store, column, [value]);
    const failure = found.failed.get(value);
    if (failure) return new CommandError(`cannot look up the account: ${failure.message}`, ExitCode.environment);
    const accounts = found.byValue.get(value) ?? [];
    if (accounts.length > 1) {
      return usageError(
        `${accounts.length} accounts match "${text}": ${accounts.map((a) => `${a.name ?? ""} ${a.id}`.trim()).join("; ")}; give the account id`,
      );
    }
    if (accounts.length === 1) return accounts[0];
  }
  return usageError(`no account matches "${text}" (by ${id ? "id" : "account number or name"})`);
}

async function runCheck(io: Io, text: string, options: CheckOptions): Promise<Result> {
  if (options.env && options.feed) return usageError("give either --env or --feed, not both");
  if (!options.env && !options.feed)
    return usageError("give --env <url> to check in Dataverse, or --feed <file> to check offline");
  // Bad feed rows are left out; check shows only the account it was asked about.
  const opened = await openSource(io, options, () => undefined);
  if (opened instanceof CommandError) return opened;
  const { policy } = opened;
  let account = await findAccount(opened.kind === "dataverse" ? { pager: opened.http } : { store: opened.store }, text);
  // An account id whose lookup failed is still a question with an answer: the source's read
  // fails the same way, and the policy (fail-closed or fail-open) decides, as `vet` decides a row.
  const id = normalizeGuid(text);
  if (account instanceof CommandError && account.exitCode === ExitCode.environment && id) account = { id };
  if (account instanceof CommandError) return account;

  // Online, the control's own source (the account, its ancestors, their associations, and the
  // exceptions as of --as-of); offline, the feed's rows through the same mapper.
  const now = options.asOf ?? Date.now();
  const outcome =
    opened.kind === "dataverse"
      ? await readDataverse(opened.http, account.id, { now })
      : outcomeFor(account.id, opened.store);
  // Date-only dates are days of this machine's calendar, as the card's are of the seller's browser.
  const verdict = evaluate({
    accountId: account.id,
    outcomes: [outcome],
    policy: policy.policy,
    now,
    utcOffsetMinutes: localUtcOffsetMinutes(now),
    userId: opened.userId,
  });
  const unseen = unseenEvidence(options.feed);
  // Online: the parents the account had, from the audit history, and what each one's chain held.
  const parents =
    opened.kind === "dataverse" && outcome.ok
      ? await droppedParents(opened.http, account.id, (id) =>
          readDataverse(opened.http, id, { now }).then((o) =>
            evaluate({ accountId: id, outcomes: [o], policy: policy.policy, now, userId: opened.userId }),
          ),
        )
      : undefined;
  if (options.json)
    io.out(
      JSON.stringify(
        {
          account,
          userId: opened.userId,
          verdict,
          policyProblems: policy.problems,
          unseen,
          ...(parents ? { parentHistory: parents } : {}),
        },
        null,
        2,
      ),
    );
  else {
    printVerdict(io, account, verdict, policy.problems);
    if (parents) printParents(io, parents);
    for (const u of unseen) io.out(`Not seen: ${u}`);
  }

  const failure = outcome.ok ? undefined : outcome.failure;
  if (failure && failure.kind !== "not-found" && failure.kind !== "invalid-input") {
    return new CommandError(`Dataverse could not be read: ${failure.message}`, ExitCode.environment);
  }
  if (options.failOnBlocked && verdict.outreach !== "allowed") return ExitCode.blocked;
  return ExitCode.ok;
}

function printVerdict(io: Io, account: AccountInfo, verdict: Verdict, policyProblems: string[]): void {
  io.out(`${account.name ?? "(no name)"} (${account.id})`);
  io.out(`${verdict.outreach.toUpperCase()}: ${verdictLine(verdict)}`);
  const reasons = reasonTexts(verdict);
  if (reasons.length) {
    io.out(`\n${t("Reasons_Heading")}`);
    for (const r of reasons) io.out(`  - ${r}`);
  }
  const current = verdict.evidence.filter((e) => e.state !== "history");
  const history = verdict.evidence.filter((e) => e.state === "history");
  io.out(`\n${t("Evidence_Heading")}`);
  if (!verdict.evidence.length) io.out(`  ${t("Evidence_None")}`);
  for (const e of current) io.out(`  - ${evidenceLine(e)}`);
  if (history.length) {
    io.out(`\n${t("Evidence_HistoryHeading")}`);
    for (const e of history) io.out(`  - ${evidenceLine(e)}`);
  }
  const notes = noteTexts(verdict);
  if (notes.length) {
    io.out(`\n${t("Notes_Heading")}`);
    for (const n of notes) io.out(`  - ${n}`);
  }
  for (const p of policyProblems) io.out(`policy: ${p}`);
  io.out(`\nEvaluated at ${verdict.evaluatedAt}.`);
}

/** At most this many parent changes are looked into (the newest). */
const PARENT_CHANGES = 5;

interface ParentHistory {
  /** Why the audit history could not be read (auditing off, no privilege, not answered). */
  unavailable?: string;
  changes: (ParentChange & {
    /** The partner of record the former parent's chain holds now (inherited until the change). */
    droppedPartner?: string;
    /** The former parent's chain could not be judged (not readable, a failed read). */
    formerParentUnverified?: boolean;
  })[];
}

/** The account's parent changes (newest first) with what each former parent's chain holds now. */
async function droppedParents(
  host: FunctionHost,
  accountId: string,
  verdictOf: (id: string) => Promise<Verdict>,
): Promise<ParentHistory> {
  const history = await readParentHistory(host, accountId);
  if (!Array.isArray(history)) return { unavailable: `${history.kind}: ${history.message}`, changes: [] };
  const changes: ParentHistory["changes"] = [];
  for (const change of history.slice(0, PARENT_CHANGES)) {
    if (!change.from) {
      changes.push(change);
      continue;
    }
    const former = await verdictOf(change.from);
    const por = former.partnerOfRecord;
    changes.push({
      ...change,
      droppedPartner: por ? `${partnerLabel(por)} (${typeLabel(por)})` : undefined,
      formerParentUnverified: former.outreach === "unverified" || undefined,
    });
  }
  return { changes };
}

function printParents(io: Io, history: ParentHistory): void {
  if (history.unavailable) {
    io.out(`\nParent account history: not available (${history.unavailable}); it needs auditing on accounts.`);
    return;
  }
  if (!history.changes.length) return;
  io.out("\nParent account changes (audit history):");
  for (const c of history.changes) {
    const from = c.from ? `${c.fromName ?? "(no name)"} (${c.from})` : "no parent";
    const to = c.to ? `${c.toName ?? "(no name)"} (${c.to})` : "no parent";
    const what = c.droppedPartner
      ? `: the former parent's partner of record ${c.droppedPartner} is no longer inherited`
      : c.formerParentUnverified
        ? ": the former parent's partners could not be verified"
        : "";
    io.out(`  - ${c.on}${c.by ? ` by ${c.by}` : ""}: ${from} -> ${to}${what}`);
  }
}

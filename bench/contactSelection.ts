/**
 * Contact selection budget (issue 25, item 2): Start outreach's rule for 250 contacts of 100
 * accounts (some with a parent, a third with partner associations, 10 contacts without an
 * account) against the emulator with 50 ms latency per request, as the shipped seller; then the
 * action, confirmed. Prints requests per source, round trips (the contacts' read and the accounts'
 * reaching queries go out together: partyAccounts.ts), how many parents above the contacts'
 * accounts the first request reaches, what re-selecting costs, and the writes of the action (one
 * audit per account, one phone call per contact). Then the documented fallback: contacts whose
 * accounts' tops lie further up than the first request reaches (one more hierarchy request).
 * Prints numbers; asserts nothing. `npm run bench:contacts`.
 */
import { performance } from "perf_hooks";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { TABLES } from "../src/emulator/fromFeed";
import { PERSONAS } from "../src/emulator/personas";
import { Account, Association, Contact, OutreachAudit } from "../src/schema";
import { reachHops } from "../src/sources/selectionSource";
import { forgetContactSelections } from "../src/sources/contactSelection";
import * as contact from "../webresource/contact";
import { Timed, recording, roundTrips } from "./requestLog";
import { sellerHost } from "./sellerHost";

const LATENCY_MS = 50;
const CONTACTS = 250;
const ACCOUNTS = 100;
const guid = (prefix: string, i: number) => `${prefix}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
const lookup = (table: string, id: string) => ({ $lookup: table, id });

function org(): { emulator: DataverseEmulator; selection: string[] } {
  const emulator = new DataverseEmulator(TABLES, { latencyMs: LATENCY_MS });
  emulator.insert("systemuser", { systemuserid: PERSONAS.seller.id, fullname: PERSONAS.seller.name });
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = guid("c0000000", i);
    const parent = i % 4 === 0 ? undefined : guid("c0000000", i - 1);
    emulator.insert(Account.logicalName, {
      [Account.id]: id,
      [Account.name]: `Account ${i}`,
      ...(parent ? { [Account.parent]: lookup("account", parent) } : {}),
    });
    if (i % 3 === 0)
      emulator.insert(Association.logicalName, {
        [Association.id]: guid("d0000000", i),
        [Association.customer]: lookup("account", id),
        [Association.relationshipType]: 100000000 + (i % 8),
        [Association.status]: 100000000,
        [Association.start]: "2024-01-01",
        [Association.end]: i % 2 ? "2027-12-31" : "2025-12-31",
      });
  }
  const selection: string[] = [];
  for (let i = 0; i < CONTACTS; i++) {
    const id = guid("f0000000", i);
    emulator.insert(Contact.logicalName, {
      [Contact.id]: id,
      [Contact.name]: `Contact ${i}`,
      ...(i % 25 === 0 ? {} : { [Contact.company]: lookup("account", guid("c0000000", i % ACCOUNTS)) }),
    });
    selection.push(id);
  }
  return { emulator, selection };
}

const perSource = (log: Timed[]) => {
  const counts = new Map<string, number>();
  for (const r of log) counts.set(r.entity, (counts.get(r.entity) ?? 0) + 1);
  return [...counts].map(([entity, n]) => `${entity}: ${n}`).join(", ");
};

async function main(): Promise<void> {
  const { emulator, selection } = org();
  const log: Timed[] = [];
  const host = sellerHost(recording(emulator.as(PERSONAS.seller), log), true);
  const t0 = performance.now();
  const enabled = await contact.isContactOutreachEnabled(host, selection);
  const wall = performance.now() - t0;
  const ruleLog = log.slice();
  const before = log.length;
  await contact.isEveryContactSelectedAllowed(host, [...selection].reverse());
  const again = log.length - before;

  const writesBefore = emulator.requests.filter((r) => r.operation === "createRecord").length;
  const a0 = performance.now();
  const outcome = await contact.startContactOutreach(host, selection);
  const actionWall = performance.now() - a0;
  const actionLog = log.slice(before);
  const creates = emulator.requests.filter((r) => r.operation === "createRecord").slice(writesBefore);
  const byTable = new Map<string, number>();
  for (const c of creates) byTable.set(c.entity, (byTable.get(c.entity) ?? 0) + 1);

  console.log(`Start outreach from ${selection.length} contacts of ${ACCOUNTS} accounts, seller persona`);
  console.log(`  latency injected: ${LATENCY_MS} ms per request`);
  console.log(`  rule answered: ${enabled} in ${wall.toFixed(0)} ms wall`);
  console.log(`  requests per source: ${perSource(ruleLog)}`);
  console.log(
    `  round trips: ${roundTrips(ruleLog)} (the contacts' companies and the accounts' queries together; ` +
      `those reach ${reachHops([], { contacts: selection, leads: [] })} parent(s) above the contacts' accounts at this size)`,
  );
  console.log(`  re-selecting the same set: ${again} requests`);
  console.log(
    `  action (confirmed): ${outcome.cleared.length} contacts cleared (${outcome.noAccount.length} without an account), ` +
      `${outcome.notCleared.length} not, ${outcome.started.length} started, ${outcome.failed.length} failed, ${actionWall.toFixed(0)} ms wall`,
  );
  console.log(`  action reads: ${perSource(actionLog)}; round trips ${roundTrips(actionLog)}`);
  console.log(
    `  action writes: ${[...byTable].map(([t, n]) => `${t}: ${n}`).join(", ")} ` +
      `(${OutreachAudit.logicalName}: one per account checked and per contact without an account)`,
  );
}

/** Contacts of accounts two levels below their top (partner of record on the top), no top selected. */
async function deep(count: number): Promise<void> {
  const emulator = new DataverseEmulator(TABLES, { latencyMs: LATENCY_MS });
  emulator.insert("systemuser", { systemuserid: PERSONAS.seller.id, fullname: PERSONAS.seller.name });
  const selection: string[] = [];
  for (let i = 0; i < count; i++) {
    const [top, middle, own] = ["a0000000", "b0000000", "c0000000"].map((p) => guid(p, i));
    emulator.insert(Account.logicalName, { [Account.id]: top, [Account.name]: `Top ${i}` });
    emulator.insert(Account.logicalName, {
      [Account.id]: middle,
      [Account.name]: `Middle ${i}`,
      [Account.parent]: lookup("account", top),
    });
    emulator.insert(Account.logicalName, {
      [Account.id]: own,
      [Account.name]: `Account ${i}`,
      [Account.parent]: lookup("account", middle),
    });
    emulator.insert(Association.logicalName, {
      [Association.id]: guid("d0000000", i),
      [Association.customer]: lookup("account", top),
      [Association.relationshipType]: 100000000,
      [Association.status]: 100000000,
      [Association.start]: "2024-01-01",
    });
    emulator.insert(Contact.logicalName, {
      [Contact.id]: guid("f0000000", i),
      [Contact.name]: `Contact ${i}`,
      [Contact.company]: lookup("account", own),
    });
    selection.push(guid("f0000000", i));
  }
  forgetContactSelections();
  const log: Timed[] = [];
  const host = sellerHost(recording(emulator.as(PERSONAS.seller), log), false);
  const t0 = performance.now();
  const enabled = await contact.isContactOutreachEnabled(host, selection);
  const wall = performance.now() - t0;
  const hops = reachHops([], { contacts: selection, leads: [] });
  console.log(
    `${count} contacts, each of an account 2 levels below its partnered top (first request reaches ${hops} up): ` +
      `rule ${enabled} in ${wall.toFixed(0)} ms wall; ${perSource(log)}; round trips ${roundTrips(log)}`,
  );
}

main()
  .then(() => deep(100))
  .then(() => deep(250))
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });

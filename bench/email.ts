/**
 * Email budget (issue 25, "Speed"): judging an email with 50 recipients across 20 accounts
 * against the emulator with 50 ms latency per request, as the shipped seller. Prints requests per
 * source (goal: one each), round trips (goal: <= 1), and what changing one recipient costs (goal:
 * at most one more request). Then the cases that take a second round trip (src/sources/emailRecipients.ts):
 * a recipient's account more than MAX_REACH_HOPS levels below an ancestor no account on the email
 * brings in, and more new contacts and leads than the accounts' queries can name in one URL.
 * Prints numbers; asserts nothing. `npm run bench:email`.
 */
import { performance } from "perf_hooks";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { TABLES } from "../src/emulator/fromFeed";
import { PERSONAS } from "../src/emulator/personas";
import { Account, Association, Contact, LeadTable } from "../src/schema";
import { MAX_REACH_HOPS } from "../src/sources/selectionSource";
import * as email from "../webresource/email";
import { CommandHost } from "../webresource/host";
import { inProcessBatch } from "../src/emulator/webApiRoutes";
import { Timed, recording, recordingBatch, roundTrips } from "./requestLog";
import { memoryStorage, sellerHost } from "./sellerHost";

const LATENCY_MS = 50;
const guid = (prefix: string, i: number) => `${prefix}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
const lookup = (table: string, id: string) => ({ $lookup: table, id });

/** 40 accounts (every second one a child of the one before), a third with an association; contacts and leads on each. */
function org(): DataverseEmulator {
  const emulator = new DataverseEmulator(TABLES, { latencyMs: LATENCY_MS });
  emulator.insert("systemuser", { systemuserid: PERSONAS.seller.id, fullname: PERSONAS.seller.name });
  for (let i = 0; i < 40; i++) {
    const id = guid("c0000000", i);
    emulator.insert(Account.logicalName, {
      [Account.id]: id,
      [Account.name]: `Account ${i}`,
      ...(i % 2 ? { [Account.parent]: lookup("account", guid("c0000000", i - 1)) } : {}),
    });
    if (i % 3 === 0)
      emulator.insert(Association.logicalName, {
        [Association.id]: guid("d0000000", i),
        [Association.customer]: lookup("account", id),
        [Association.relationshipType]: 100000000,
        [Association.status]: 100000001, // inactive: the accounts stay clear, so every part is read
        [Association.start]: "2020-01-01",
      });
    for (let c = 0; c < 3; c++)
      emulator.insert(Contact.logicalName, {
        [Contact.id]: guid(`f${c}000000`, i),
        [Contact.name]: `Contact ${i}.${c}`,
        [Contact.company]: lookup("account", id),
      });
    emulator.insert(LeadTable.logicalName, {
      [LeadTable.id]: guid("a9000000", i),
      [LeadTable.name]: `Lead ${i}`,
      [LeadTable.parentAccount]: lookup("account", id),
    });
  }
  return emulator;
}

type Lookup = { id: string; name: string; entityType: string };

/** The smallest email form the script needs. */
function form(values: Record<string, Lookup[] | string>): email.EmailFormLike & { values: typeof values } {
  return {
    values,
    data: { entity: { addOnSave: () => undefined } },
    getAttribute: (name) => (name in values ? { getValue: () => values[name], addOnChange: () => undefined } : null),
    ui: { refreshRibbon: () => undefined, setFormNotification: () => true, clearFormNotification: () => true },
  };
}

function perSource(log: Timed[]): string {
  const counts = new Map<string, number>();
  for (const r of log) counts.set(r.entity, (counts.get(r.entity) ?? 0) + 1);
  return [...counts].map(([e, n]) => `${e}: ${n}`).join(", ") || "none";
}

function hostOf(emulator: DataverseEmulator, log: Timed[]): CommandHost {
  const seller = emulator.as(PERSONAS.seller);
  return {
    ...sellerHost(recording(seller, log)),
    // The org's $batch, as the platform's xrmHost posts it (one request, one latency).
    batch: recordingBatch(inProcessBatch(seller), log),
    configCache: { storage: memoryStorage(), key: "partnerguard:config-cache:v1:bench" },
    scope: {},
  };
}

/** Judge one form, the configuration already cached; prints requests and round trips. */
async function once(label: string, host: CommandHost, log: Timed[], values: Record<string, Lookup[] | string>) {
  // The configuration is in localStorage already (the card wrote it): warm it with another email.
  const other = { id: guid("0e000000", 1), name: "Elsewhere", entityType: "account" };
  await email.isSendAllowed(host, form({ to: [], cc: [], bcc: [], regardingobjectid: [other], subject: "" }));
  log.length = 0;
  const t0 = performance.now();
  const allowed = await email.isSendAllowed(host, form(values));
  console.log(
    `  ${label}: ${log.length} requests (${perSource(log)}), ${roundTrips(log)} round trips, ${(performance.now() - t0).toFixed(0)} ms; rule answered ${allowed}`,
  );
}

async function main(): Promise<void> {
  const emulator = org();
  const log: Timed[] = [];
  const host = hostOf(emulator, log);
  // 50 recipients across 20 accounts (0..19): 10 accounts, 30 contacts, 10 leads, plus 3 users.
  const accounts = Array.from({ length: 10 }, (_, i) => ({
    id: guid("c0000000", i),
    name: `Account ${i}`,
    entityType: "account",
  }));
  const contacts = Array.from({ length: 30 }, (_, k) => ({
    id: guid(`f${k % 3}000000`, k % 20),
    name: `Contact ${k % 20}.${k % 3}`,
    entityType: "contact",
  }));
  const leads = Array.from({ length: 10 }, (_, i) => ({
    id: guid("a9000000", 10 + i),
    name: `Lead ${10 + i}`,
    entityType: "lead",
  }));
  const users = Array.from({ length: 3 }, (_, i) => ({
    id: guid("ee000000", i),
    name: `User ${i}`,
    entityType: "systemuser",
  }));
  const f = form({ to: [...contacts, ...users], cc: accounts, bcc: leads, regardingobjectid: [], subject: "Bench" });

  // The configuration is usually in localStorage already (the card wrote it): warm it with another email.
  await email.isSendAllowed(host, form({ to: [], cc: [], bcc: [], regardingobjectid: [accounts[0]], subject: "" }));
  log.length = 0;

  const t0 = performance.now();
  const allowed = await email.isSendAllowed(host, f);
  const wall = performance.now() - t0;
  const first = [...log];
  console.log(`Email with 50 recipients across 20 accounts (+3 users), seller persona, ${LATENCY_MS} ms per request`);
  console.log(`  rule answered: ${allowed} in ${wall.toFixed(0)} ms wall`);
  console.log(`  requests per source (goal: 1 each): ${perSource(first)}`);
  console.log(`  round trips: ${roundTrips(first)} (goal <= 1)`);
  const hierarchyReads = first.filter((r) => r.entity === Account.logicalName).length;
  console.log(
    `  accounts whose ancestors needed a second request: ${hierarchyReads > 1 ? "some (a second hierarchy request was sent)" : "none"} ` +
      `(the set's chains are 2 deep; the first request reaches ${MAX_REACH_HOPS} parents up)`,
  );

  const change = async (label: string, mutate: () => void) => {
    log.length = 0;
    mutate();
    const c0 = performance.now();
    await email.isSendAllowed(host, f);
    console.log(
      `  ${label}: ${log.length} requests (${perSource(log)}), ${roundTrips(log)} round trips, ${(performance.now() - c0).toFixed(0)} ms (goal: at most 1 more request)`,
    );
  };
  await change("changing one recipient to another contact of an account already on the email", () => {
    (f.values.to as Lookup[])[0] = { id: guid("f1000000", 0), name: "Contact 0.1", entityType: "contact" };
  });
  await change("changing one recipient to an account not on the email", () => {
    (f.values.cc as Lookup[])[0] = { id: guid("c0000000", 30), name: "Account 30", entityType: "account" };
  });
  await change("changing one recipient to a contact of an account not on the email", () => {
    (f.values.to as Lookup[])[1] = { id: guid("f0000000", 32), name: "Contact 32.0", entityType: "contact" };
  });

  console.log("When a second round trip happens:");
  // A contact whose account is 6 levels below its top, the partner of record on the top.
  const deep = new DataverseEmulator(TABLES, { latencyMs: LATENCY_MS });
  deep.insert("systemuser", { systemuserid: PERSONAS.seller.id, fullname: PERSONAS.seller.name });
  for (let level = 0; level <= 6; level++)
    deep.insert(Account.logicalName, {
      [Account.id]: guid("b0000000", level),
      [Account.name]: `Level ${level}`,
      ...(level ? { [Account.parent]: lookup("account", guid("b0000000", level - 1)) } : {}),
    });
  deep.insert(Association.logicalName, {
    [Association.id]: guid("d0000000", 99),
    [Association.customer]: lookup("account", guid("b0000000", 0)),
    [Association.relationshipType]: 100000000,
    [Association.status]: 100000000,
    [Association.start]: "2020-01-01",
  });
  deep.insert(Contact.logicalName, {
    [Contact.id]: guid("f9000000", 1),
    [Contact.name]: "Deep Contact",
    [Contact.company]: lookup("account", guid("b0000000", 6)),
  });
  const deepLog: Timed[] = [];
  const deepTo = [{ id: guid("f9000000", 1), name: "Deep Contact", entityType: "contact" }];
  await once(
    `a contact whose account is 6 levels below its top (first request reaches ${MAX_REACH_HOPS})`,
    hostOf(deep, deepLog),
    deepLog,
    { to: deepTo, cc: [], bcc: [], regardingobjectid: [], subject: "Deep" },
  );
  await once(
    "the same with an account of that chain on the email (it brings the ancestors in)",
    hostOf(deep, deepLog),
    deepLog,
    {
      to: deepTo,
      cc: [{ id: guid("b0000000", 2), name: "Level 2", entityType: "account" }],
      bcc: [],
      regardingobjectid: [],
      subject: "Deep",
    },
  );
  // 250 new contacts and 250 new leads beside 10 accounts: the accounts' queries cannot also name them.
  const wideLog: Timed[] = [];
  const wideTo = Array.from({ length: 250 }, (_, k) => ({
    id: guid(`f${k % 3}000000`, k % 40),
    name: `Contact ${k}`,
    entityType: "contact",
  }));
  const wide = org();
  for (let k = 0; k < 250; k++)
    wide.insert(LeadTable.logicalName, {
      [LeadTable.id]: guid("a8000000", k),
      [LeadTable.name]: `Lead ${k}`,
      [LeadTable.parentAccount]: lookup("account", guid("c0000000", k % 40)),
    });
  for (let k = 40; k < 250; k++)
    wide.insert(Contact.logicalName, {
      [Contact.id]: guid("f7000000", k),
      [Contact.name]: `Contact ${k}`,
      [Contact.company]: lookup("account", guid("c0000000", k % 40)),
    });
  await once(
    "250 new contacts and 250 new leads beside 10 accounts (too long for one URL)",
    hostOf(wide, wideLog),
    wideLog,
    {
      to: [
        ...wideTo.slice(0, 40),
        ...Array.from({ length: 210 }, (_, i) => ({
          id: guid("f7000000", 40 + i),
          name: `C${i}`,
          entityType: "contact",
        })),
      ],
      cc: Array.from({ length: 10 }, (_, i) => ({
        id: guid("c0000000", i),
        name: `Account ${i}`,
        entityType: "account",
      })),
      bcc: Array.from({ length: 250 }, (_, k) => ({ id: guid("a8000000", k), name: `Lead ${k}`, entityType: "lead" })),
      regardingobjectid: [],
      subject: "Wide",
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

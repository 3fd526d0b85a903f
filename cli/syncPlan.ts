/**
 * From a partner feed to the writes that make pg_partnerassociation match it: one upsert per
 * association keyed by source + external reference. Existing rows are read first and compared, so
 * a second run with the same feed writes nothing (created / updated / unchanged).
 */
import { FeedError, FeedRow } from "../src/core/feed";
import { parseDate } from "../src/core/verdict";
import {
  Account,
  Association,
  AssociationAlternateKey,
  AssociationNavigation,
  AssociationStatusCodes,
  RelationshipTypeCodes,
} from "../src/schema";
import { sourceCode } from "../src/sources/node/feedSource";
import { Row, normalizeGuid } from "../src/sources/webApi";
import { attributes, condition, fetchXml, inCondition, inValue, order, unqueryableChar } from "../src/sources/fetchXml";
import { FetchXmlPager, pool } from "../src/sources/node/batchSource";

export interface Desired {
  line: number;
  source: number;
  reference: string;
  name: string;
  customerId: string;
  partnerId?: string;
  type: number;
  status: number;
  start?: string;
  end?: string;
}

export interface PlanItem {
  action: "create" | "update" | "unchanged";
  desired: Desired;
  /** For an update: the columns that differ. */
  changes: string[];
}

/** Characters the Web API does not accept in alternate-key values. */
export const UNSUPPORTED_KEY_CHARS = /[/<>*%&:\\?+]/;

export const keyOf = (source: number, reference: string) => `${source}|${reference.toLowerCase()}`;

export function desiredFromFeed(rows: FeedRow[]): { desired: Desired[]; errors: FeedError[]; accountOnly: number } {
  const desired: Desired[] = [];
  const errors: FeedError[] = [];
  const firstLine = new Map<string, number>();
  let accountOnly = 0;
  for (const row of rows) {
    const p = row.partner;
    if (!p) {
      accountOnly++;
      continue;
    }
    const customerId = normalizeGuid(row.customerAccountId);
    const partnerId = p.partnerId === undefined ? undefined : normalizeGuid(p.partnerId);
    const fail = (message: string) => errors.push({ line: row.line, message });
    if (!customerId) {
      fail(`customerAccountId "${row.customerAccountId}" is not a Dataverse account id (GUID)`);
      continue;
    }
    if (p.partnerId !== undefined && !partnerId) {
      fail(`partnerId "${p.partnerId}" is not a Dataverse account id (GUID)`);
      continue;
    }
    if (!p.externalReference) {
      fail("externalReference is empty: sync upserts on source + externalReference");
      continue;
    }
    if (UNSUPPORTED_KEY_CHARS.test(p.externalReference)) {
      fail(
        `externalReference "${p.externalReference}" holds a character the Web API refuses in a key (/ < > * % & : \\ ? +)`,
      );
      continue;
    }
    const forbidden = unqueryableChar(p.externalReference);
    if (forbidden) {
      fail(`externalReference holds a character (${forbidden}) that no Dataverse query can carry (XML forbids it)`);
      continue;
    }
    const source = sourceCode(p.source);
    const key = keyOf(source, p.externalReference);
    const seen = firstLine.get(key);
    if (seen !== undefined) {
      fail(`same source and externalReference "${p.externalReference}" as line ${seen}; the first one counts`);
      continue;
    }
    firstLine.set(key, row.line);
    desired.push({
      line: row.line,
      source,
      reference: p.externalReference,
      name: `${p.partnerName ?? p.partnerId ?? ""} – ${row.customerName ?? row.customerAccountId}`.slice(0, 100),
      customerId,
      partnerId,
      type: RelationshipTypeCodes[p.relationshipType],
      status: AssociationStatusCodes[p.status],
      start: dateOnly(p.startDate),
      end: dateOnly(p.endDate),
    });
  }
  return { desired, errors, accountOnly };
}

/**
 * pg_startdate and pg_enddate are date-only columns (behavior DateOnly): the Web API types them
 * Edm.Date and refuses a value with a time part. The day the feed wrote is the day meant.
 */
export function dateOnly(value: string | undefined): string | undefined {
  return value === undefined ? undefined : /^\d{4}-\d{2}-\d{2}/.exec(value.trim())?.[0];
}

const EXISTING_COLUMNS = [
  Association.id,
  Association.name,
  Association.customer,
  Association.partner,
  Association.relationshipType,
  Association.status,
  Association.start,
  Association.end,
  ...AssociationAlternateKey,
];

/** Room for the encoded values of one query: the 32,768-character GET limit less the rest of the URL. */
const EXISTING_URL_BUDGET = 30_000;

/** The associations that already carry the feed's references, by key. */
export async function readExisting(
  pager: FetchXmlPager,
  desired: Desired[],
  chunkSize: number,
  concurrency: number,
): Promise<Map<string, Row>> {
  const references = [...new Set(desired.map((d) => d.reference.toLowerCase()))];
  const found = new Map<string, Row>();
  // Cut by count and by the encoded URL (references run to 100 characters: 500 of them would pass 32 KB).
  const chunks: string[][] = [];
  let length = 0;
  for (const reference of references) {
    const cost = encodeURIComponent(inValue(reference)).length;
    const last = chunks[chunks.length - 1];
    if (!last || last.length >= chunkSize || length + cost > EXISTING_URL_BUDGET) {
      chunks.push([reference]);
      length = cost;
    } else {
      last.push(reference);
      length += cost;
    }
  }
  await pool(chunks, concurrency, async (chunk) => {
    for (let page = 1; ; page++) {
      const query = fetchXml(
        Association.logicalName,
        attributes(EXISTING_COLUMNS) +
          `<filter type="and">${inCondition(Association.externalReference, chunk.map(inValue).join(""))}</filter>` +
          order(Association.id),
        5000,
        page,
      );
      const result = await pager.fetchXmlPage(Association.logicalName, query);
      for (const row of result.entities) {
        const source = row[Association.source];
        const reference = row[Association.externalReference];
        if (typeof source === "number" && typeof reference === "string") found.set(keyOf(source, reference), row);
      }
      if (!result.moreRecords) break;
    }
  });
  return found;
}

const sameDate = (a: unknown, b: string | undefined) =>
  (typeof a === "string" ? parseDate(a) : undefined) === parseDate(b);

/** The columns where an existing row differs from the feed. */
function differences(existing: Row, d: Desired): string[] {
  const changes: string[] = [];
  if (existing[Association.name] !== d.name) changes.push(Association.name);
  if (normalizeGuid(existing[`_${Association.customer}_value`]) !== d.customerId) changes.push(Association.customer);
  if (normalizeGuid(existing[`_${Association.partner}_value`]) !== d.partnerId) changes.push(Association.partner);
  if (existing[Association.relationshipType] !== d.type) changes.push(Association.relationshipType);
  if (existing[Association.status] !== d.status) changes.push(Association.status);
  if (!sameDate(existing[Association.start], d.start)) changes.push(Association.start);
  if (!sameDate(existing[Association.end], d.end)) changes.push(Association.end);
  return changes;
}

export function plan(desired: Desired[], existing: Map<string, Row>): PlanItem[] {
  return desired.map((d) => {
    const row = existing.get(keyOf(d.source, d.reference));
    if (!row) return { action: "create", desired: d, changes: [] };
    const changes = differences(row, d);
    return { action: changes.length ? "update" : "unchanged", desired: d, changes };
  });
}

/** The PATCH body: every column the feed sets (a missing date or partner clears it). Keys go in the URL. */
export function upsertBody(d: Desired): Row {
  return {
    [Association.name]: d.name,
    [`${AssociationNavigation.customer}@odata.bind`]: `/${Account.entitySet}(${d.customerId})`,
    [`${AssociationNavigation.partner}@odata.bind`]: d.partnerId ? `/${Account.entitySet}(${d.partnerId})` : null,
    [Association.relationshipType]: d.type,
    [Association.status]: d.status,
    [Association.start]: d.start ?? null,
    [Association.end]: d.end ?? null,
  };
}

export function upsertKey(d: Desired): Record<string, string | number> {
  return { [Association.source]: d.source, [Association.externalReference]: d.reference };
}

/** An association the snapshot (a feed, or Graph) no longer carries: `--full-snapshot` sets it inactive. */
export interface Stale {
  id: string;
  source: number;
  reference: string;
  name?: string;
  /** The customer account it is on, when the row names one. */
  customerId?: string;
}

/**
 * Active associations of the given sources whose key the snapshot does not hold (a partner that
 * lost the account must stop blocking). Simple paging: at most 50,000 active rows per run.
 */
export async function readStale(pager: FetchXmlPager, sources: number[], present: Set<string>): Promise<Stale[]> {
  const stale: Stale[] = [];
  const filter =
    `<filter type="and">${condition(Association.status, "eq", AssociationStatusCodes.active)}` +
    `${inCondition(Association.source, sources.map(inValue).join(""))}</filter>`;
  for (let page = 1; ; page++) {
    const query = fetchXml(
      Association.logicalName,
      attributes([Association.id, Association.name, Association.customer, ...AssociationAlternateKey]) +
        filter +
        order(Association.id),
      5000,
      page,
    );
    const result = await pager.fetchXmlPage(Association.logicalName, query);
    for (const row of result.entities) {
      const id = normalizeGuid(row[Association.id]);
      const source = row[Association.source];
      const reference = row[Association.externalReference];
      if (!id || typeof source !== "number" || typeof reference !== "string") continue;
      const name = row[Association.name];
      if (!present.has(keyOf(source, reference)))
        stale.push({
          id,
          source,
          reference,
          name: typeof name === "string" ? name : undefined,
          customerId: normalizeGuid(row[`_${Association.customer}_value`]),
        });
    }
    if (!result.moreRecords) return stale;
    if (page >= 10)
      throw new Error(
        "more than 50,000 active associations of this source: a full snapshot cannot be compared in one run",
      );
  }
}

/** @jest-environment node */
/**
 * The emulator's kept query results (`cacheResults`, what lets a bench page through a million
 * rows): a page after a write shows the data as it is now, exactly as without the cache; a write
 * to one table leaves the kept results of queries that do not read it. Each case is checked
 * against an emulator without the cache.
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { TABLES } from "../../src/emulator/fromFeed";
import { Account, Association, AssociationStatusCodes, StoredOutreachCodes, StoredVerdict } from "../../src/schema";

const id = (prefix: string, n: number) => `${prefix}000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function dataset(cacheResults: boolean): DataverseEmulator {
  const emulator = new DataverseEmulator(TABLES);
  emulator.setOptions({ cacheResults });
  for (let n = 0; n < 4; n++) {
    emulator.insert(Account.logicalName, { [Account.id]: id("c1", n), [Account.name]: `Customer ${n}` });
    emulator.insert(Association.logicalName, {
      [Association.id]: id("d0", n),
      [Association.customer]: { $lookup: Account.logicalName, id: id("c1", n) },
      [Association.status]: AssociationStatusCodes.active,
    });
  }
  return emulator;
}

const page = (entity: string, attributes: string[], order: string, n: number) =>
  `<fetch count="2" page="${n}"><entity name="${entity}">${attributes.map((a) => `<attribute name="${a}"/>`).join("")}<order attribute="${order}"/></entity></fetch>`;
const associations = (n: number) =>
  page(Association.logicalName, [Association.id, Association.customer], Association.id, n);
const accounts = (n: number) => page(Account.logicalName, [Account.id, StoredVerdict.outreach], Account.id, n);

/** Page 1, a write, page 2: what page 2 says, with and without kept results. */
async function secondPage(query: (n: number) => string, entity: string, write: Record<string, unknown>) {
  const seen = [];
  for (const cacheResults of [true, false]) {
    const emulator = dataset(cacheResults);
    await emulator.fetchXmlPage(entity, query(1));
    await emulator.updateRecord(Account.logicalName, id("c1", 3), write);
    seen.push((await emulator.fetchXmlPage(entity, query(2))).entities);
  }
  return seen;
}

test("renaming an account: the next page of an association query names the customer as it is now", async () => {
  const [kept, fresh] = await secondPage(associations, Association.logicalName, { [Account.name]: "Renamed Ltd" });
  expect(kept).toEqual(fresh);
  expect(kept[1][`_${Association.customer}_value@OData.Community.Display.V1.FormattedValue`]).toBe("Renamed Ltd");
});

test("writing an account's other columns: the association query's next page is the same as without the cache", async () => {
  const write = { [StoredVerdict.outreach]: StoredOutreachCodes.blocked };
  const [kept, fresh] = await secondPage(associations, Association.logicalName, write);
  expect(kept).toEqual(fresh);
  expect(kept.map((r) => r[Association.id])).toEqual([id("d0", 2), id("d0", 3)]);
});

test("writing an account: the next page of an account query shows the write", async () => {
  const write = { [StoredVerdict.outreach]: StoredOutreachCodes.blocked };
  const [kept, fresh] = await secondPage(accounts, Account.logicalName, write);
  expect(kept).toEqual(fresh);
  expect(kept[1][StoredVerdict.outreach]).toBe(StoredOutreachCodes.blocked);
});

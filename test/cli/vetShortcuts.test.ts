/**
 * The shortcuts `vet` takes for speed give what the long way gives: a verdict judged once for
 * the children that share a parent's chain, ids taken as they are when already canonical, an
 * account without joined evidence mapped to nothing without `mapRows`, inherited associations
 * copied once per depth. Each is compared with the long way on the same data.
 */
import * as verdictModule from "../../src/core/verdict";
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { PartnerAssociation } from "../../src/core/types";
import { mapRows } from "../../src/sources/dataverseSource";
import { localUtcOffsetMinutes } from "../../src/sources/resolver";
import { normalizeGuid } from "../../src/sources/webApi";
import { EvidenceStore, canonicalGuid, outcomeFor } from "../../src/sources/node/batchSource";
import { VetSession } from "../../cli/vetRun";
import { ListRow } from "../../cli/vetList";
import { mainReason, partnerLabel, typeLabel } from "../../cli/words";
import { association } from "../helpers/associations";

const id = (n: number) => `c1000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const NOW = Date.parse("2026-11-24T00:00:00Z");

/** What a row of `vet` carries for an account, judged the long way: one `evaluate` of its own. */
function longWay(store: EvidenceStore, accountId: string) {
  const v = evaluate({
    accountId,
    outcomes: [outcomeFor(accountId, store)],
    policy: DEFAULT_POLICY,
    now: NOW,
    utcOffsetMinutes: localUtcOffsetMinutes(NOW),
  });
  const por = v.partnerOfRecord;
  return {
    outreach: v.outreach,
    partnerOfRecord: por ? partnerLabel(por) : "",
    relationshipType: por ? typeLabel(por) : "",
    reason: mainReason(v),
  };
}

function put(
  store: EvidenceStore,
  n: number,
  parent: number | undefined,
  associations: Partial<PartnerAssociation>[] = [],
): void {
  const accountId = id(n);
  store.putEvidence(
    { id: accountId, name: `Account ${n}`, parentId: parent === undefined ? undefined : id(parent) },
    {
      associations: associations.map((a, i) =>
        association({ id: `a-${n}-${i}`, customerAccountId: accountId, customerName: `Account ${n}`, ...a }),
      ),
      exceptions: [],
    },
  );
}

describe("vet's shortcuts", () => {
  test("children without evidence of their own share their parent's verdict; own evidence, loops and missing accounts are judged alone", async () => {
    const store = new EvidenceStore();
    put(store, 1, undefined, [{ partnerName: "Harbor", relationshipType: "pal" }]);
    put(store, 2, 1); // inherits from 1
    put(store, 3, 1); // inherits from 1, the same verdict
    put(store, 4, 1, [{ partnerName: "Own", status: "inactive" }]); // own history, and the parent's PAL
    put(store, 5, undefined); // nothing anywhere
    put(store, 6, undefined);
    put(store, 7, 8); // a loop: 7 -> 8 -> 7
    put(store, 8, 7, [{ partnerName: "Looped", relationshipType: "dpor" }]);
    put(store, 9, 7); // into the loop, not part of it
    put(store, 10, 9);
    put(store, 11, 99); // a parent nobody has
    put(store, 12, 11);
    put(store, 16, 99); // shares 11's parent nobody has
    put(store, 13, 3, [{ partnerName: "Future", startDate: "2027-01-01" }]);
    put(store, 14, 13);
    put(store, 15, 14);

    const accounts = [...Array(16).keys()].map((i) => i + 1).concat([2, 3, 12, 10, 100]);
    const rows: ListRow[] = accounts.map((n, i) => ({
      line: i + 2,
      cells: [id(n)],
      match: { column: "accountId", value: id(n) },
    }));
    const session = new VetSession({ store }, { policy: DEFAULT_POLICY, now: NOW });
    const judged = jest.spyOn(verdictModule, "evaluate");
    // In two batches, each judging its own accounts.
    const judgedByVet: number[] = [];
    for (const batch of [rows.slice(0, 10), rows.slice(10)]) {
      const before = judged.mock.calls.length;
      const vetted = await session.vetBatch(batch);
      judgedByVet.push(judged.mock.calls.length - before);
      for (const r of vetted) {
        if (r.status !== "matched") {
          expect(r.row.match).toEqual({ column: "accountId", value: id(100) });
          continue;
        }
        const { outreach, partnerOfRecord, relationshipType, reason } = r;
        expect({ account: r.accountId, outreach, partnerOfRecord, relationshipType, reason }).toEqual({
          account: r.accountId,
          ...longWay(store, r.accountId as string),
        });
      }
    }
    // First batch (1-10): 3 shares 2's verdict (both under 1), 6 shares 5's (neither has a parent);
    // 7, 9 and 10 (in or into a loop) are judged alone. Second batch (11-16, 2, 3, 12, 10, 100): 16
    // shares 11's (the same parent, which nobody has), 3 shares 2's again, 12 twice is judged once.
    expect(judgedByVet).toEqual([8, 7]);
    judged.mockRestore();
    expect(longWay(store, id(2))).toEqual(longWay(store, id(3)));
    expect(longWay(store, id(2)).reason).toContain("Inherited from Account 1");
  });

  test("a canonical id is taken as it is; anything else goes through normalizeGuid", () => {
    const values: unknown[] = [
      "c1000000-0000-4000-8000-000000000001",
      "C1000000-0000-4000-8000-000000000001",
      "{c1000000-0000-4000-8000-000000000001}",
      " c1000000-0000-4000-8000-000000000001 ",
      "c1000000-0000-4000-8000-00000000000g",
      "c1000000-0000-4000-8000_000000000001",
      "c1000000-0000-4000-8000-0000000000011",
      "c1000000x0000-4000-8000-000000000001",
      "",
      undefined,
      42,
    ];
    for (const v of values) expect({ v, id: canonicalGuid(v) }).toEqual({ v, id: normalizeGuid(v) });
  });

  test("an account whose rows join no association has no own evidence, as mapRows says", () => {
    const store = new EvidenceStore();
    const account = { id: id(1), name: "Plain" };
    const rows = [{ accountid: id(1), name: "Plain", "pa.pg_partnerassociationid": null }];
    store.put(account, rows);
    const mapped = mapRows(id(1), rows);
    expect(store.ownEvidence(id(1))).toEqual({ associations: mapped.associations, exceptions: [] });
    store.put({ id: id(2), name: "Bare" }, [{ accountid: id(2), name: "Bare" }]);
    expect(store.ownEvidence(id(2))).toEqual({ associations: [], exceptions: [] });
  });

  test("inherited associations carry the depth they are seen from, and are made again when the account changes", () => {
    const store = new EvidenceStore();
    put(store, 1, undefined, [{ partnerName: "Top" }]);
    put(store, 2, 1);
    put(store, 3, 2);
    const depths = (n: number) => {
      const o = outcomeFor(id(n), store);
      return o.ok ? o.associations.map((a) => [a.partnerName, a.depth]) : [];
    };
    expect(depths(1)).toEqual([["Top", 0]]);
    expect(depths(2)).toEqual([["Top", 1]]);
    expect(depths(3)).toEqual([["Top", 2]]);
    expect(depths(3)).toEqual([["Top", 2]]);
    put(store, 1, undefined, [{ partnerName: "New top" }]);
    expect(depths(3)).toEqual([["New top", 2]]);
  });
});

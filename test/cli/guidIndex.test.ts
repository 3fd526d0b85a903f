/** The compact id table of `sync --verdicts`: GUIDs as 16 bytes, read as `normalizeGuid` reads them. */
import { randomUUID } from "crypto";
import { GuidIndex, guidToWords, wordsToGuid } from "../../src/sources/node/guidIndex";
import { normalizeGuid } from "../../src/sources/webApi";

const words = new Uint32Array(4);
const roundTrip = (value: unknown) => (guidToWords(value, words) ? wordsToGuid(words) : undefined);

describe("GUID codec", () => {
  test("a canonical id comes back as it went in, random or at the edges of the range", () => {
    const ids = [
      ...Array.from({ length: 1000 }, () => randomUUID()),
      "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
      "80000000-0000-0000-0000-000000000001",
      "0123abcd-4567-89ef-fedc-ba9876543210",
    ];
    for (const id of ids) expect(roundTrip(id)).toBe(id);
  });

  test("upper case, braces and spaces around read as normalizeGuid reads them, written back in canonical form", () => {
    const id = "0123abcd-4567-89ef-fedc-ba9876543210";
    for (const form of [
      id.toUpperCase(),
      `{${id}}`,
      `{${id.toUpperCase()}}`,
      `  ${id}\t`,
      " {0123ABCD-4567-89ef-FEDC-ba9876543210} ",
    ])
      expect(roundTrip(form)).toBe(id);
  });

  test("what is not a GUID is refused, exactly where normalizeGuid refuses it", () => {
    const id = "0123abcd-4567-89ef-fedc-ba9876543210";
    const values: unknown[] = [
      undefined,
      null,
      42,
      {},
      "",
      "not a guid",
      id.slice(1),
      `${id}0`,
      id.replace(/-/g, ""),
      id.replace("-", "_"),
      `0123abcd4-567-89ef-fedc-ba9876543210`,
      id.replace("a", "g"),
      id.replace("0", "é"),
      `{{${id}}}`,
      `(${id})`,
      // Braces on one side only: normalizeGuid's pattern takes them; so does the codec.
      `{${id}`,
      `${id}}`,
    ];
    for (const value of values) expect(roundTrip(value)).toBe(normalizeGuid(value));
    expect(roundTrip(id.replace("a", "g"))).toBeUndefined();
    expect(roundTrip(`{${id}`)).toBe(id);
  });
});

describe("GuidIndex", () => {
  test("numbers ids in the order first seen; any form of an id finds its slot; idAt writes it canonically", () => {
    const index = new GuidIndex();
    const a = "0123abcd-4567-89ef-fedc-ba9876543210";
    const b = "00000000-0000-0000-0000-000000000000";
    expect(index.add(a)).toBe(0);
    expect(index.add(b)).toBe(1);
    expect(index.add(`{${a.toUpperCase()}}`)).toBe(0);
    expect(index.size).toBe(2);
    expect(index.slotOf(a.toUpperCase())).toBe(0);
    expect(index.slotOf(b)).toBe(1);
    expect(index.slotOf("ffffffff-ffff-ffff-ffff-ffffffffffff")).toBe(-1);
    expect(index.idAt(0)).toBe(a);
    expect(index.idAt(1)).toBe(b);
  });

  test("values that are not GUIDs get no slot and are never found", () => {
    const index = new GuidIndex();
    expect(index.add("not a guid")).toBe(-1);
    expect(index.add(undefined)).toBe(-1);
    expect(index.slotOf("not a guid")).toBe(-1);
    expect(index.slotOf(7)).toBe(-1);
    expect(index.size).toBe(0);
    expect(() => index.idAt(0)).toThrow(RangeError);
    expect(() => index.idAt(-1)).toThrow(RangeError);
  });

  test("300,000 ids that differ in a few digits (as sequential ids do) keep their slots through every growth", () => {
    const index = new GuidIndex();
    const id = (n: number) => `c1000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    const N = 300_000; // past several chunks of 65,536 and several resizes of the hash table
    let wrong = 0;
    for (let n = 0; n < N; n++) if (index.add(id(n)) !== n) wrong++;
    expect(wrong).toBe(0);
    expect(index.size).toBe(N);
    for (const n of [0, 1, 65_535, 65_536, 131_072, N - 1]) {
      expect(index.slotOf(id(n))).toBe(n);
      expect(index.idAt(n)).toBe(id(n));
    }
    let misplaced = 0;
    for (let n = 0; n < N; n++) if (index.slotOf(id(n).toUpperCase()) !== n) misplaced++;
    expect(misplaced).toBe(0);
    expect(index.slotOf(id(N))).toBe(-1);
    // Adding again changes nothing.
    expect(index.add(id(12_345))).toBe(12_345);
    expect(index.size).toBe(N);
  });

  test("random ids: every one found, none confused with another", () => {
    const index = new GuidIndex();
    const ids = Array.from({ length: 50_000 }, () => randomUUID());
    expect(ids.filter((id, n) => index.add(id) !== n)).toEqual([]);
    expect(ids.filter((id, n) => index.slotOf(id) !== n || index.idAt(n) !== id)).toEqual([]);
    expect(index.slotOf(randomUUID())).toBe(-1);
  });
});

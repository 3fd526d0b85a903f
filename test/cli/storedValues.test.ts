/** Stored verdicts shared by value: a number per account, one object per distinct value. */
import { StoredVerdictValue, sameStoredVerdict } from "../../src/core/storedVerdict";
import { NO_VALUE, StoredValues } from "../../src/sources/node/storedValues";

const HARBOR = "b1000000-0000-4000-8000-000000000001";

test("nothing stored is NO_VALUE and reads back as undefined", () => {
  const values = new StoredValues();
  expect(values.numberOf(undefined)).toBe(NO_VALUE);
  expect(values.valueOf(NO_VALUE)).toBeUndefined();
});

test("equal values share a number and one object; a value differing in any field gets its own", () => {
  const values = new StoredValues();
  const blocked: StoredVerdictValue = {
    outreach: "blocked",
    partnerId: HARBOR,
    partnerName: "Harbor Tech",
    relationshipType: "csp-reseller",
    protectedUntil: "2027-03-31",
  };
  const n = values.numberOf(blocked);
  expect(values.numberOf({ ...blocked })).toBe(n);
  expect(values.valueOf(n)).toBe(blocked);
  const variants: StoredVerdictValue[] = [
    { ...blocked, outreach: "allowed-by-exception" },
    { ...blocked, partnerId: "b1000000-0000-4000-8000-000000000002" },
    { ...blocked, partnerName: "Harbor Technologies" },
    { ...blocked, relationshipType: "co-sell-referral" },
    { ...blocked, protectedUntil: undefined },
    { ...blocked, protectedUntil: "2027-04-01" },
  ];
  const numbers = variants.map((v) => values.numberOf(v));
  expect(new Set([n, ...numbers]).size).toBe(variants.length + 1);
  variants.forEach((v, i) => expect(sameStoredVerdict(values.valueOf(numbers[i]) as StoredVerdictValue, v)).toBe(true));
  expect(values.size).toBe(1 + 4 + 1 + variants.length);
});

test("an outreach with nothing else is one of four plain values, whatever object it came in", () => {
  const values = new StoredValues();
  for (const outreach of ["allowed", "blocked", "unverified", "allowed-by-exception"] as const) {
    const n = values.numberOf({ outreach });
    expect(values.numberOf({ outreach, partnerId: undefined })).toBe(n);
    expect(values.valueOf(n)).toEqual({ outreach });
  }
  expect(values.size).toBe(5);
});

/**
 * Stored verdicts, one object per distinct value, each account holding only its value's number: a
 * million accounts share a few hundred values (the four plain ones, and one per partner, type and
 * last protected day), so `sync --verdicts` keeps 4 bytes an account instead of an object.
 */
import { StoredOutreach, StoredVerdictValue } from "../../core/storedVerdict";

/** The number of "nothing stored". */
export const NO_VALUE = 0;

const OUTREACHES: StoredOutreach[] = ["allowed", "blocked", "unverified", "allowed-by-exception"];

export class StoredValues {
  /** Index 0 is "nothing stored"; 1–4 the plain values (an outreach and nothing else), in OUTREACHES order. */
  private readonly values: (StoredVerdictValue | undefined)[] = [
    undefined,
    ...OUTREACHES.map((outreach) => Object.freeze({ outreach })),
  ];
  private readonly numbers = new Map<string, number>();

  /** How many distinct values are held (with "nothing stored"). */
  get size(): number {
    return this.values.length;
  }

  /**
   * The number of a value; equal values (every field the same) get the same number, and `valueOf`
   * then answers the first of them, shared (nobody changes a stored value).
   */
  numberOf(value: StoredVerdictValue | undefined): number {
    if (!value) return NO_VALUE;
    const { outreach, partnerId, partnerName, relationshipType, protectedUntil } = value;
    if (
      partnerId === undefined &&
      partnerName === undefined &&
      relationshipType === undefined &&
      protectedUntil === undefined
    )
      return OUTREACHES.indexOf(outreach) + 1;
    const key = JSON.stringify([outreach, partnerId, partnerName, relationshipType, protectedUntil]);
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.values.length;
      this.values.push(value);
      this.numbers.set(key, n);
    }
    return n;
  }

  /** The value of a number (undefined for NO_VALUE). */
  valueOf(n: number): StoredVerdictValue | undefined {
    return this.values[n];
  }
}

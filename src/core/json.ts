/**
 * Reading JSON nobody vouches for (browser storage, Web API and Graph payloads) into typed
 * values: each reader returns the value with its type, or undefined when the value does not have
 * that shape. Nothing is cast.
 */

export type Reader<T> = (value: unknown) => T | undefined;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const str: Reader<string> = (value) => (typeof value === "string" ? value : undefined);

export const num: Reader<number> = (value) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

export const bool: Reader<boolean> = (value) => (typeof value === "boolean" ? value : undefined);

/** One of a closed set of strings. */
export function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (value) => values.find((v) => v === value);
}

/**
 * One of a union's members, listed in full: the compiler refuses a list that misses one, so a
 * member added to the union later cannot be forgotten by the reader.
 */
export function everyOf<T extends string>() {
  return <const L extends readonly T[]>(...values: L & ([T] extends [L[number]] ? unknown : never)): Reader<T> =>
    oneOf<T>(values);
}

/** An array whose every item reads; one bad item and the array does not read. */
export function arrayOf<T>(item: Reader<T>): Reader<T[]> {
  return (value) => {
    if (!Array.isArray(value)) return undefined;
    const out: T[] = [];
    for (const v of value) {
      const read = item(v);
      if (read === undefined) return undefined;
      out.push(read);
    }
    return out;
  };
}

/** An object whose values are all strings. */
export const stringRecord: Reader<Record<string, string>> = (value) => {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") return undefined;
    out[k] = v;
  }
  return out;
};

/** Reads the fields of one object: `req` must read, `opt` may be absent but must read when present. */
interface Fields {
  req<T>(key: string, reader: Reader<T>): T;
  opt<T>(key: string, reader: Reader<T>): T | undefined;
}

class Mismatch extends Error {}

/** An object read field by field; any field that does not read makes the whole object not read. */
export function objectOf<T>(build: (fields: Fields) => T): Reader<T> {
  return (value) => {
    if (!isObject(value)) return undefined;
    const fields: Fields = {
      req(key, reader) {
        const read = reader(value[key]);
        if (read === undefined) throw new Mismatch();
        return read;
      },
      opt(key, reader) {
        if (value[key] === undefined || value[key] === null) return undefined;
        const read = reader(value[key]);
        if (read === undefined) throw new Mismatch();
        return read;
      },
    };
    try {
      return build(fields);
    } catch (e) {
      if (e instanceof Mismatch) return undefined;
      throw e;
    }
  };
}

/** JSON text read with a reader; undefined when it is not JSON or not of that shape. */
export function parseJson<T>(text: string, reader: Reader<T>): T | undefined {
  try {
    return reader(JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

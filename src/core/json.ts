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

/**
 * A value's expected shape written as data, checked by `conforms`: lighter in a browser bundle
 * than a reader per field. `ShapeOf<T>` makes the compiler hold a shape to its type: every field of
 * T is there, optional fields are `maybe(…)`, string unions are listed in full.
 */
export class Many<T> {
  declare readonly item?: T;
  constructor(readonly of: AnyShape) {}
}
export class Maybe<T> {
  declare readonly value?: T;
  constructor(readonly of: AnyShape) {}
}
type AnyShape =
  "s" | "n" | "b" | readonly string[] | Many<unknown> | Maybe<unknown> | { readonly [key: string]: AnyShape };

export type ShapeOf<T> = [T] extends [string]
  ? string extends T
    ? "s"
    : readonly T[]
  : [T] extends [number]
    ? "n"
    : [T] extends [boolean]
      ? "b"
      : [T] extends [readonly (infer U)[]]
        ? Many<U>
        : { readonly [K in keyof T]-?: undefined extends T[K] ? Maybe<Exclude<T[K], undefined>> : ShapeOf<T[K]> };

/** A string union listed in full (the compiler refuses a list that misses a member). */
export function all<T extends string>() {
  return <const L extends readonly T[]>(...values: L & ([T] extends [L[number]] ? unknown : never)): readonly T[] =>
    values;
}

export const many = <T>(of: ShapeOf<T>): Many<T> => new Many<T>(of);
export const maybe = <T>(of: ShapeOf<T>): Maybe<T> => new Maybe<T>(of);

/** Whether a JSON value has the shape (optional fields may be absent, never null). */
export function conforms<T>(value: unknown, shape: ShapeOf<T>): value is T {
  return check(value, shape);
}

/** `Array.isArray` does not narrow a readonly array type away; this does. */
function isList(shape: AnyShape): shape is readonly string[] {
  return Array.isArray(shape);
}

function check(value: unknown, shape: AnyShape): boolean {
  if (shape instanceof Maybe) return value === undefined || check(value, shape.of);
  if (shape instanceof Many) return Array.isArray(value) && value.every((v) => check(v, shape.of));
  if (shape === "s") return typeof value === "string";
  if (shape === "n") return num(value) !== undefined;
  if (shape === "b") return typeof value === "boolean";
  if (isList(shape)) return shape.some((member) => member === value);
  return isObject(value) && Object.entries(shape).every(([key, s]) => check(value[key], s));
}

/** A code table turned around (code -> name), typed without a cast. */
export function invert<K extends string, V>(table: Readonly<Record<K, V>>): Map<V, K> {
  const out = new Map<V, K>();
  for (const key in table) out.set(table[key], key);
  return out;
}

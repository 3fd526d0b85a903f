import {
  all,
  invert,
  bool,
  conforms,
  isObject,
  many,
  maybe,
  num,
  objectOf,
  oneOf,
  parseJson,
  str,
  stringRecord,
} from "../../src/core/json";

describe("readers of untrusted JSON", () => {
  test("scalars read only as their own type", () => {
    expect([str("a"), str(""), str(1), str(null)]).toEqual(["a", "", undefined, undefined]);
    expect([num(0), num(-2.5), num("1"), num(NaN), num(Infinity)]).toEqual([0, -2.5, undefined, undefined, undefined]);
    expect([bool(true), bool(false), bool(0), bool("true")]).toEqual([true, false, undefined, undefined]);
  });

  test("isObject: plain objects only", () => {
    expect([isObject({}), isObject([]), isObject(null), isObject("x"), isObject(undefined)]).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  test("oneOf: a member of the set, exactly", () => {
    const kind = oneOf(["a", "b"] as const);
    expect([kind("a"), kind("b"), kind("A"), kind("c"), kind(undefined)]).toEqual([
      "a",
      "b",
      undefined,
      undefined,
      undefined,
    ]);
  });

  test("all: the union's members, listed in full, as a shape", () => {
    const kind = all<"a" | "b">()("a", "b");
    expect([conforms<"a" | "b">("a", kind), conforms<"a" | "b">("b", kind), conforms<"a" | "b">("c", kind)]).toEqual([
      true,
      true,
      false,
    ]);
  });

  describe("conforms", () => {
    type T = { id: string; n: number; ok: boolean; tags: string[]; note?: string; kind: "x" | "y" };
    const shape = {
      id: "s",
      n: "n",
      ok: "b",
      tags: many<string>("s"),
      note: maybe<string>("s"),
      kind: ["x", "y"],
    } as const;
    const good = { id: "1", n: 2, ok: true, tags: ["a"], kind: "x" };

    test("a value of the shape conforms, with or without its optional fields", () => {
      expect(conforms<T>(good, shape)).toBe(true);
      expect(conforms<T>({ ...good, note: "n" }, shape)).toBe(true);
    });

    test("a missing, mistyped or null field, a bad array item or an unknown member does not", () => {
      expect(conforms<T>({ ...good, id: undefined }, shape)).toBe(false);
      expect(conforms<T>({ ...good, n: "2" }, shape)).toBe(false);
      expect(conforms<T>({ ...good, n: Number.NaN }, shape)).toBe(false);
      expect(conforms<T>({ ...good, ok: "true" }, shape)).toBe(false);
      expect(conforms<T>({ ...good, tags: ["a", 1] }, shape)).toBe(false);
      expect(conforms<T>({ ...good, tags: "a" }, shape)).toBe(false);
      expect(conforms<T>({ ...good, note: null }, shape)).toBe(false);
      expect(conforms<T>({ ...good, kind: "z" }, shape)).toBe(false);
      expect(conforms<T>([good], shape)).toBe(false);
      expect(conforms<T>(null, shape)).toBe(false);
    });
  });

  test("stringRecord: every value a string", () => {
    expect(stringRecord({ a: "1", b: "" })).toEqual({ a: "1", b: "" });
    expect(stringRecord({})).toEqual({});
    expect(stringRecord({ a: "1", b: 2 })).toBeUndefined();
    expect(stringRecord(["a"])).toBeUndefined();
    expect(stringRecord(null)).toBeUndefined();
  });

  describe("objectOf", () => {
    const person = objectOf((f) => ({ name: f.req("name", str), age: f.opt("age", num) }));

    test("required and optional fields", () => {
      expect(person({ name: "Avery", age: 40 })).toEqual({ name: "Avery", age: 40 });
      expect(person({ name: "Avery" })).toEqual({ name: "Avery", age: undefined });
      expect(person({ name: "Avery", age: null })).toEqual({ name: "Avery", age: undefined });
    });

    test("a missing or mistyped field makes the whole object not read", () => {
      expect(person({ age: 40 })).toBeUndefined();
      expect(person({ name: 1 })).toBeUndefined();
      expect(person({ name: "Avery", age: "40" })).toBeUndefined();
      expect(person([{ name: "Avery" }])).toBeUndefined();
      expect(person(null)).toBeUndefined();
    });

    test("an error of the builder itself is not swallowed", () => {
      const broken = objectOf(() => {
        throw new RangeError("bug");
      });
      expect(() => broken({})).toThrow(RangeError);
    });
  });

  test("invert: a code table turned around, code -> name", () => {
    const names = invert({ approved: 100000000, rejected: 100000001 });
    expect([names.get(100000000), names.get(100000001), names.get(5)]).toEqual(["approved", "rejected", undefined]);
  });

  test("parseJson: text that is JSON of the shape, else undefined", () => {
    expect(parseJson('{"a":"b"}', stringRecord)).toEqual({ a: "b" });
    expect(parseJson('{"a":1}', stringRecord)).toBeUndefined();
    expect(parseJson("{", stringRecord)).toBeUndefined();
  });
});

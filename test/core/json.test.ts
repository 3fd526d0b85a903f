import {
  arrayOf,
  bool,
  everyOf,
  isObject,
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

  test("everyOf: the union's members, listed in full", () => {
    const kind = everyOf<"a" | "b">()("a", "b");
    expect([kind("a"), kind("b"), kind("c")]).toEqual(["a", "b", undefined]);
  });

  test("arrayOf: every item must read, or the array does not", () => {
    const strings = arrayOf(str);
    expect(strings(["a", "b"])).toEqual(["a", "b"]);
    expect(strings([])).toEqual([]);
    expect(strings(["a", 1])).toBeUndefined();
    expect(strings({ 0: "a" })).toBeUndefined();
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

  test("parseJson: text that is JSON of the shape, else undefined", () => {
    const strings = arrayOf(str);
    expect(parseJson('["a"]', strings)).toEqual(["a"]);
    expect(parseJson("[1]", strings)).toBeUndefined();
    expect(parseJson("[", strings)).toBeUndefined();
  });
});

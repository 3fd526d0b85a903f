import { messageOf, toFailure } from "../../src/sources/failures";

describe("messages of what was thrown", () => {
  test("an Error, the plain object PCF's webAPI rejects with, anything else", () => {
    expect(messageOf(new Error("boom"))).toBe("boom");
    expect(
      messageOf({ errorCode: 2147746336, message: "Principal user is missing prvCreatepg_outreachaudit privilege" }),
    ).toBe("Principal user is missing prvCreatepg_outreachaudit privilege");
    expect(messageOf("plain")).toBe("plain");
  });

  test("a plain object with an HTTP status becomes its typed failure", () => {
    expect(toFailure({ status: 403, message: "no privilege" })).toEqual({ kind: "forbidden", message: "no privilege" });
  });
});

/** Feed rows a sync cannot put in a Dataverse query or key are refused on their own line. */
import { desiredFromFeed } from "../../cli/syncPlan";
import { FeedRow } from "../../src/core/feed";
import { DEMO } from "../helpers/demo";

const row = (line: number, externalReference: string): FeedRow => ({
  line,
  customerAccountId: DEMO.contoso,
  partner: { relationshipType: "csp-reseller", status: "active", externalReference, source: "feed" },
});

test("an external reference with a character no XML can hold is refused with its line; the others stay", () => {
  const { desired, errors } = desiredFromFeed([row(2, "PC-1"), row(3, "NW\f1"), row(4, "PC-\uFFFF"), row(5, "PC-2")]);
  expect(desired).toHaveLength(2);
  expect(errors.map((e) => [e.line, e.message])).toEqual([
    [3, "externalReference holds a character (U+000C) that no Dataverse query can carry (XML forbids it)"],
    [4, "externalReference holds a character (U+FFFF) that no Dataverse query can carry (XML forbids it)"],
  ]);
});

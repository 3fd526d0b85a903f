/** Solution/ is rendered from src/pack/model: the committed files must be what the model renders. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { generateSolution } from "../../src/pack/generateSolution";
import { TABLES } from "../../src/pack/model/tables";
import { REPO } from "./fixture";
import { Association } from "../../src/schema";

describe("Solution/", () => {
  it("matches src/pack/model (run npm run solution:generate after changing the model)", async () => {
    for (const [rel, content] of generateSolution()) {
      const committed = await readFile(path.join(REPO, "Solution", ...rel.split("/")), "utf8").catch(() => "(missing)");
      expect({ file: rel, content: committed }).toEqual({ file: rel, content });
    }
  });

  it("has the views the issue asks for", () => {
    const names = TABLES.flatMap((t) => t.views.map((v) => v.name[1033]));
    expect(names).toEqual(
      expect.arrayContaining(["Active associations by account", "Associations expiring in 30 days", "Pending outreach exceptions", "Outreach audit by seller"]),
    );
  });

  it("keys partner associations on source + external reference for upserts", () => {
    const association = TABLES.find((t) => t.logicalName === Association.logicalName)!;
    expect(association.keys[0].columns).toEqual([Association.source, Association.externalReference]);
  });
});

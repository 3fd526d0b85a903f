import { readFileSync } from "fs";
import { join } from "path";
import { XMLParser } from "fast-xml-parser";
import { makeTranslate } from "../../src/text/verdictText";
import { Translate } from "../../PartnerGuard/components/Component.types";

/** The control's real .resx strings, so tests read what a seller reads. */
export function resxStrings(lcid: number, control = "PartnerGuard"): Map<string, string> {
  const xml = readFileSync(join(__dirname, `../../${control}/strings/${control}.${lcid}.resx`), "utf8");
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (n) => n === "data" }).parse(
    xml,
  ) as {
    root: { data: { name: string; value: string }[] };
  };
  return new Map(doc.root.data.map((d) => [d.name, String(d.value)]));
}

/** A Translate that fails the test on a key the .resx does not have. */
export function strictTranslate(lcid = 1033, control = "PartnerGuard"): Translate {
  const strings = resxStrings(lcid, control);
  return makeTranslate((key) => {
    const value = strings.get(key);
    if (value === undefined) throw new Error(`missing resx key ${key} (${lcid})`);
    return value;
  });
}

/**
 * The offline reader against the online one: a feed mapped straight to associations gives the
 * outcome the batched Dataverse reader gives after the same feed is in Dataverse; the streaming
 * CSV reader and the duplicate-key set behave at chunk boundaries and at scale.
 */
import { readFileSync } from "fs";
import { parseFeed } from "../../src/sources/feedFile";
import { emulatorFromFeed } from "../../src/emulator/fromFeed";
import { EvidenceStore, matchAccounts, outcomeFor, walkHierarchy } from "../../src/sources/node/batchSource";
import { readFeed, storeFromFeed } from "../../src/sources/node/feedSource";
import { CsvReader, CsvSyntaxError } from "../../src/sources/node/csvRead";
import { KeyLines } from "../../cli/vetList";
import { DEMO_FEED } from "./helpers/cli";

const feedText = readFileSync(DEMO_FEED, "utf8");

describe("offline feed reader", () => {
  test("reads the feed as parseFeed does: the same rows, errors and line numbers", () => {
    const broken = feedText + "\nx1,Bad,,,b1,P,nonsense,active,,,,\n,No id,,,,,,,,,,\n";
    for (const text of [feedText, broken, `\uFEFF${feedText.replace(/,/g, ";")}`]) {
      expect(readFeed(text)).toEqual(parseFeed(text));
    }
    // Unusual input goes to parseFeed itself, messages included.
    for (const text of ["id,name\n1,x\n", '[{"customerAccountId":"a"}]', 'customerAccountId\n"open']) {
      expect(readFeed(text)).toEqual(parseFeed(text));
    }
  });

  test("feed rows mapped straight to associations give the outcome Dataverse gives for the same feed", async () => {
    const { rows } = parseFeed(feedText);
    const offline = storeFromFeed(rows);
    const online = new EvidenceStore();
    const emulator = emulatorFromFeed(rows);
    const ids = [...offline.accounts.keys()];
    await matchAccounts(emulator, "accountId", ids, { evidence: { store: online, at: "2026-11-24T00:00:00Z" } });
    await walkHierarchy(emulator, online, {});
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids)
      expect({ id, outcome: outcomeFor(id, offline) }).toEqual({ id, outcome: outcomeFor(id, online) });
  });
});

describe("CsvReader", () => {
  const readAll = (text: string, delimiter = ",", chunk = 3) => {
    const reader = new CsvReader(delimiter);
    const out = [];
    for (let i = 0; i < text.length; i += chunk) out.push(...reader.push(text.slice(i, i + chunk)));
    out.push(...reader.end());
    return out.map((r) => [r.line, ...r.cells]);
  };

  test.each([1, 2, 3, 7, 1000])("quotes, CRLF and empty lines read the same in chunks of %i", (chunk) => {
    const text = 'a,b\r\n"x, ""y""",2\r\n\r\n"multi\nline",3\nplain "quote" inside,4\r"closed"tail,5';
    expect(readAll(text, ",", chunk)).toEqual([
      [1, "a", "b"],
      [2, 'x, "y"', "2"],
      [4, "multi\nline", "3"],
      [6, 'plain "quote" inside', "4"],
      [7, "closedtail", "5"],
    ]);
  });

  test("a quoted cell never closed is an error with the line it opened on", () => {
    expect(() => readAll('a;b\n1;2\n3;"open\nmore', ";")).toThrow(CsvSyntaxError);
    try {
      readAll('a;b\n1;2\n3;"open\nmore', ";");
    } catch (e) {
      expect((e as CsvSyntaxError).line).toBe(3);
    }
  });
});

describe("KeyLines", () => {
  test("remembers the first line of each key through growth; different keys never collide here", () => {
    const keys = new KeyLines();
    const wrong: string[] = [];
    for (let i = 0; i < 200_000; i++)
      if (keys.firstLine(`accountId\u0000key-${i}`, i + 2) !== undefined) wrong.push(`new ${i}`);
    for (let i = 0; i < 200_000; i += 997)
      if (keys.firstLine(`accountId\u0000key-${i}`, 999_999) !== i + 2) wrong.push(`seen ${i}`);
    expect(wrong).toEqual([]);
    expect(keys.firstLine("name\u0000key-1", 5)).toBeUndefined();
  });
});

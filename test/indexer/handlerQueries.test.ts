/**
 * The handlers find rows by key only. A raw query (`db.sql`) in a handler flushes Ponder's indexing cache and marks
 * it incomplete for the rest of the backfill, after which every lookup of a row that does not exist goes to the
 * database: the 200,000-event backfill ran at 34 events/s with them and at about 2,000 without (bench/RESULTS.md).
 * Lists a handler needs by another column are keyed `trail` rows (indexer/src/trail.ts). Only the live phase's
 * batches (indexer/src/lib/staged.ts) send raw SQL, through the realtime store, which has no such cache; the
 * backfill's store never reaches them (test/indexer/staged.test.ts).
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";

const SRC = path.resolve(__dirname, "..", "..", "indexer", "src");

function handlerFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "api" ? [] : handlerFiles(file); // the API reads with SQL
    return entry.name.endsWith(".ts") ? [file] : [];
  });
}

describe("indexer handlers", () => {
  it("make no raw SQL query (db.sql), which would turn off Ponder's backfill cache", () => {
    const files = handlerFiles(SRC);
    expect(files.map((f) => path.basename(f))).to.include.members(["token.ts", "router.ts", "seats.ts", "trail.ts"]);
    const offenders = files.flatMap((file) =>
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          /\bdb\s*\.\s*sql\b/.test(line) ? [`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offenders).to.deep.equal([]);
  });
});

import { expect } from "chai";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle } from "drizzle-orm/pg-proxy";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { findRow, insertRow, isLiveStore, StagedRow, type Store } from "../../indexer/src/lib/staged";

/** A table as the schema declares one (only its row type matters here). */
const account = {
  $inferSelect: {} as { token: string; address: string; balance: bigint; transfers: number },
  [Symbol.for("drizzle:Name")]: "account", // where drizzle keeps a table's name
};
type AccountRow = typeof account.$inferSelect;

/** A store of one table's rows by address, recording every call it gets. */
function fakeStore(rows: AccountRow[]) {
  const stored = new Map(rows.map((r) => [r.address, { ...r }]));
  const calls: string[] = [];
  const store: Store = {
    find: async (_table, key) => {
      const { address } = key as { address: string };
      calls.push(`find ${address}`);
      const row = stored.get(address);
      return row ? { ...row } : null;
    },
    insert: () => ({
      values: async (values) => {
        const row = values as AccountRow;
        calls.push(`insert ${row.address} ${JSON.stringify(Object.keys(row))}`);
        stored.set(row.address, { ...row });
      },
    }),
    update: (_table, key) => ({
      set: async (values) => {
        const { address } = key as { address: string };
        calls.push(`update ${address} ${JSON.stringify(Object.keys(values as object))}`);
        Object.assign(stored.get(address)!, values);
      },
    }),
  };
  return { store, stored, calls };
}

const fresh = (address: string): AccountRow => ({ token: "t", address, balance: 0n, transfers: 0 });

describe("indexer: StagedRow (a row read once, changed in memory, written once)", () => {
  it("updates only the columns set, once, however many changes there were", async () => {
    const { store, stored, calls } = fakeStore([{ token: "t", address: "a", balance: 10n, transfers: 1 }]);
    const row = await StagedRow.read(store, account, { token: "t", address: "a" }, () => fresh("a"));
    row.set({ balance: row.row.balance - 4n });
    row.set({ balance: row.row.balance + 1n });
    expect(row.row).to.deep.equal({ token: "t", address: "a", balance: 7n, transfers: 1 });
    expect(stored.get("a")!.balance).to.equal(10n); // nothing written before `write`
    await row.write(store);
    expect(calls).to.deep.equal(["find a", 'update a ["balance"]']);
    expect(stored.get("a")).to.deep.equal({ token: "t", address: "a", balance: 7n, transfers: 1 });
  });

  it("inserts a row it did not find, whole, with the changes on the fresh values", async () => {
    const { store, stored, calls } = fakeStore([]);
    const row = await StagedRow.read(store, account, { token: "t", address: "b" }, () => fresh("b"));
    row.set({ transfers: row.row.transfers + 1, balance: 5n });
    await row.write(store);
    expect(calls).to.deep.equal(["find b", 'insert b ["token","address","balance","transfers"]']);
    expect(stored.get("b")).to.deep.equal({ token: "t", address: "b", balance: 5n, transfers: 1 });
  });

  it("writes nothing for a row nothing was set on, found or not", async () => {
    const { store, stored, calls } = fakeStore([{ token: "t", address: "a", balance: 1n, transfers: 0 }]);
    for (const address of ["a", "c"]) {
      const row = await StagedRow.read(store, account, { token: "t", address }, () => fresh(address));
      row.set({ balance: undefined }); // an undefined value is no change, as in Ponder's store
      await row.write(store);
    }
    expect(calls).to.deep.equal(["find a", "find c"]);
    expect([...stored.keys()]).to.deep.equal(["a"]);
  });

  it("builds the fresh row only when the row is not found", async () => {
    const { store } = fakeStore([{ token: "t", address: "a", balance: 1n, transfers: 0 }]);
    const built: string[] = [];
    const freshOf = (address: string) => () => (built.push(address), fresh(address));
    const [found, missing] = await Promise.all([
      StagedRow.read(store, account, { token: "t", address: "a" }, freshOf("a")),
      StagedRow.read(store, account, { token: "t", address: "c" }, freshOf("c")),
    ]);
    expect(built).to.deep.equal(["c"]);
    expect(found.row.balance).to.equal(1n);
    expect(missing.row).to.deep.equal(fresh("c"));
  });

  it("does not change the row the store returned until it writes", async () => {
    const found = { token: "t", address: "a", balance: 3n, transfers: 0 };
    const store: Store = { ...fakeStore([]).store, find: async () => found };
    const row = await StagedRow.read(store, account, { token: "t", address: "a" }, () => fresh("a"));
    row.set({ balance: 9n });
    expect(found.balance).to.equal(3n);
  });

  it("throws on a row that must exist and does not, naming its key", async () => {
    const { store } = fakeStore([]);
    let error: Error | undefined;
    await StagedRow.read(store, account, { token: "t", address: "z" }, null).catch((e: Error) => (error = e));
    expect(error?.message).to.equal('No account row {"token":"t","address":"z"}');
  });
});

/** The row of the live tests' table. */
type Holding = { owner: string; balance: bigint; moves: number; frozen: boolean; note: string | null; tags: string[] };

const newHolding = (owner: string): Holding => ({ owner, balance: 0n, moves: 0, frozen: false, note: null, tags: [] });

/** ESM modules (Ponder) loaded from this CommonJS test. */
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PONDER = path.resolve(__dirname, "..", "..", "node_modules", "ponder");

describe("indexer: the live phase's batched reads and writes (lib/staged.ts)", function () {
  this.timeout(20_000);

  it("tells Ponder's realtime store (live) from its backfill store, on Ponder's own two stores", async () => {
    const store = (file: string) => importEsm(pathToFileURL(path.join(PONDER, "dist/esm/indexing-store", file)).href);
    const { createRealtimeIndexingStore } = await store("realtime.js");
    const { createHistoricalIndexingStore } = await store("historical.js");
    const args = { common: {}, schemaBuild: { schema: {} }, database: {}, indexingCache: {}, db: {}, client: {} };
    expect(isLiveStore(createRealtimeIndexingStore(args))).to.equal(true);
    expect(isLiveStore(createHistoricalIndexingStore(args))).to.equal(false);
  });

  /** The tests' table, as the schema declares one (Ponder's column types, an array among them). */
  async function holdingTable(): Promise<{ $inferSelect: Holding }> {
    const { onchainTable } = await importEsm("ponder");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return onchainTable("holding", (t: any) => ({
      owner: t.hex().primaryKey(),
      balance: t.bigint().notNull(),
      moves: t.integer().notNull(),
      frozen: t.boolean().notNull(),
      note: t.text(),
      tags: t.hex().array().notNull(),
    }));
  }

  /** A realtime-like store over Ponder's table type and drizzle's pg-proxy, answering `answer` and recording SQL. */
  async function liveStore(answer: (sql: string, params: unknown[]) => unknown[][]) {
    const table = await holdingTable();
    const statements: { sql: string; params: unknown[] }[] = [];
    const raw = drizzle(
      async (sql, params) => {
        statements.push({ sql, params });
        return { rows: answer(sql, params) };
      },
      { casing: "snake_case" },
    );
    const refuse = () => {
      throw new Error("the live phase must not call the store one row at a time");
    };
    const db = { event: undefined, sql: raw, find: refuse, insert: refuse, update: refuse } as unknown as Store;
    return { db, table, statements };
  }

  it("reads the rows asked for in one turn in one statement, exactly (numbers of any size as text)", async () => {
    const big = 10n ** 30n + 7n;
    const { db, table, statements } = await liveStore(() => [
      [JSON.stringify(["0xaa", big.toString(), 3, true, "hi", ["0x01"]]), null],
    ]);
    const [a, b] = await Promise.all([findRow(db, table, { owner: "0xAA" }), findRow(db, table, { owner: "0xbb" })]);
    expect(a).to.deep.equal({ owner: "0xaa", balance: big, moves: 3, frozen: true, note: "hi", tags: ["0x01"] });
    expect(b).to.equal(null);
    expect(statements).to.have.length(1);
    expect(statements[0]!.sql).to.match(
      /^select \(select json_build_array\(.*"balance"::text.*\) from "holding" where/i,
    );
    // one column per key, named apart (the driver returns a row as an object by column name)
    expect(statements[0]!.sql).to.match(/\) as "r0", \(select .*\) as "r1"$/i);
    expect(statements[0]!.params).to.deep.equal(["0xaa", "0xbb"]); // keys as the column stores them (lowercase hex)
  });

  it("writes the rows changed in one turn in one statement: inserts of new rows, updates of the columns set", async () => {
    const { db, table, statements } = await liveStore((sql) =>
      /^select/i.test(sql) ? [[JSON.stringify(["0xaa", "5", 1, false, null, []]), null]] : [[1]],
    );
    const [stored, fresh] = await Promise.all([
      StagedRow.read(db, table, { owner: "0xaa" }, null),
      StagedRow.read(db, table, { owner: "0xbb" }, () => newHolding("0xbb")),
    ]);
    stored.set({ balance: stored.row.balance - 2n, moves: stored.row.moves + 1 });
    fresh.set({ balance: 2n });
    await Promise.all([stored.write(db), fresh.write(db), insertRow(db, table, { ...fresh.row, owner: "0xcc" })]);
    expect(statements).to.have.length(2);
    const write = statements[1]!;
    expect(write.sql).to.match(
      /^with "w0" as \(update "holding" set "balance" = \$1, "moves" = \$2 where "holding"\."owner" = \$3\), "w1" as \(insert into "holding" .*\), "w2" as \(insert into "holding" .*\) select 1$/i,
    );
    expect(write.params.slice(0, 3)).to.deep.equal(["3", 2, "0xaa"]);
  });

  it("inserts a row given no values with the table's defaults, as drizzle's insert would", async () => {
    const { db, table, statements } = await liveStore(() => [[1]]);
    await insertRow(db, table, { note: undefined });
    expect(statements).to.deep.equal([
      { sql: 'WITH "w0" AS (INSERT INTO "holding" DEFAULT VALUES) SELECT 1', params: [] },
    ]);
  });

  it("fails every write of a turn, and sends none, when one names a column the table does not have", async () => {
    const { db, table, statements } = await liveStore(() => [[1]]);
    const results = await Promise.allSettled([
      insertRow(db, table, newHolding("0xaa")),
      insertRow(db, table, { ...newHolding("0xbb"), balanc: 1n }),
    ]);
    expect(results.map((r) => r.status === "rejected" && (r.reason as Error).message)).to.deep.equal([
      '"holding" has no column balanc',
      '"holding" has no column balanc',
    ]);
    expect(statements).to.deep.equal([]);
  });

  it("reads and writes as Ponder's own realtime store does, on a real database (PGlite)", async () => {
    const { PGlite } = await importEsm("@electric-sql/pglite");
    const { createRealtimeIndexingStore } = await importEsm(
      pathToFileURL(path.join(PONDER, "dist/esm/indexing-store/realtime.js")).href,
    );
    const table = await holdingTable();
    const client = new PGlite();
    await client.exec(`CREATE TABLE holding (owner text PRIMARY KEY, balance numeric(78) NOT NULL,
      moves integer NOT NULL, frozen boolean NOT NULL, note text, tags text[] NOT NULL)`);
    const statements: string[] = [];
    const query = client.query.bind(client);
    client.query = (text: string, ...rest: unknown[]) => (statements.push(text), query(text, ...rest));
    const noMetric = { inc: () => undefined, observe: () => undefined };
    const db: Store = createRealtimeIndexingStore({
      common: {
        metrics: { ponder_indexing_store_queries_total: noMetric, ponder_indexing_store_raw_sql_duration: noMetric },
      },
      schemaBuild: { schema: {} },
      database: {
        qb: { drizzle: drizzlePglite(client, { casing: "snake_case" }) },
        retry: (run: () => unknown) => run(),
      },
    });
    expect(isLiveStore(db)).to.equal(true);
    const big = 2n ** 200n + 1n;
    const a: Holding = { owner: "0x00aa", balance: big, moves: 1, frozen: true, note: "x", tags: ["0x01", "0x02"] };
    await db.insert(table as never).values(a as never);

    statements.length = 0;
    const [stored, created] = await Promise.all([
      StagedRow.read(db, table, { owner: "0x00AA" }, () => newHolding("0x00aa")),
      StagedRow.read(db, table, { owner: "0x00bb" }, () => newHolding("0x00bb")),
    ]);
    expect(stored.row).to.deep.equal(await db.find(table as never, { owner: "0x00aa" } as never));
    expect(stored.row).to.deep.equal(a);
    stored.set({ balance: stored.row.balance - 1n, note: null });
    created.set({ balance: 1n, moves: 1 });
    await Promise.all([stored.write(db), created.write(db)]);
    expect(statements).to.have.length(3); // the two reads, Ponder's find above, the two writes
    expect(await db.find(table as never, { owner: "0x00aa" } as never)).to.deep.equal({
      ...a,
      balance: big - 1n,
      note: null,
    });
    expect(await db.find(table as never, { owner: "0x00bb" } as never)).to.deep.equal({
      ...newHolding("0x00bb"),
      balance: 1n,
      moves: 1,
    });
    await client.close();
  });

  it("reads a table with a column JSON would not carry as stored (jsonb) through the store's own find", async () => {
    const { onchainTable } = await importEsm("ponder");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const table: { $inferSelect: { key: string; entries: unknown } } = onchainTable("list", (t: any) => ({
      key: t.text().primaryKey(),
      entries: t.jsonb().notNull(),
    }));
    const { db, statements } = await liveStore(() => []);
    const found = { key: "k", entries: ["a"] };
    const store = { ...db, find: async () => found } as unknown as Store;
    expect(await findRow(store, table, { key: "k" })).to.equal(found);
    expect(statements).to.deep.equal([]);
  });

  it("fails every read of a statement that fails, with its error", async () => {
    const { db, table } = await liveStore(() => {
      throw new Error("connection lost");
    });
    const results = await Promise.allSettled([
      findRow(db, table, { owner: "0xaa" }),
      findRow(db, table, { owner: "0xbb" }),
    ]);
    expect(results.map((r) => r.status === "rejected" && (r.reason as Error).message)).to.deep.equal([
      "connection lost",
      "connection lost",
    ]);
  });

  it("goes to the store one call at a time in the backfill, and never to raw SQL", async () => {
    const { db: live, table } = await liveStore(() => []);
    const calls: string[] = [];
    const backfill = {
      set event(_event: unknown) {}, // the backfill's store (Ponder 1.0)
      sql: (live as unknown as { sql: unknown }).sql, // would record a statement if used
      find: async () => (calls.push("find"), null),
      insert: () => ({ values: async () => void calls.push("insert") }),
      update: () => ({ set: async () => void calls.push("update") }),
    } as unknown as Store;
    const row = await StagedRow.read(backfill, table, { owner: "0xaa" }, () => newHolding("0xaa"));
    row.set({ moves: 1 });
    await Promise.all([row.write(backfill), insertRow(backfill, table, { ...row.row, owner: "0xbb" })]);
    expect(calls).to.deep.equal(["find", "insert", "insert"]);
  });
});

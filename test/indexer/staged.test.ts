import { expect } from "chai";
import { StagedRow, type Store } from "../../indexer/src/lib/staged";

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
    const row = await StagedRow.read(store, account, { token: "t", address: "a" }, fresh("a"));
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
    const row = await StagedRow.read(store, account, { token: "t", address: "b" }, fresh("b"));
    row.set({ transfers: row.row.transfers + 1, balance: 5n });
    await row.write(store);
    expect(calls).to.deep.equal(["find b", 'insert b ["token","address","balance","transfers"]']);
    expect(stored.get("b")).to.deep.equal({ token: "t", address: "b", balance: 5n, transfers: 1 });
  });

  it("writes nothing for a row nothing was set on, found or not", async () => {
    const { store, stored, calls } = fakeStore([{ token: "t", address: "a", balance: 1n, transfers: 0 }]);
    for (const address of ["a", "c"]) {
      const row = await StagedRow.read(store, account, { token: "t", address }, fresh(address));
      row.set({ balance: undefined }); // an undefined value is no change, as in Ponder's store
      await row.write(store);
    }
    expect(calls).to.deep.equal(["find a", "find c"]);
    expect([...stored.keys()]).to.deep.equal(["a"]);
  });

  it("does not change the row the store returned until it writes", async () => {
    const found = { token: "t", address: "a", balance: 3n, transfers: 0 };
    const store: Store = { ...fakeStore([]).store, find: async () => found };
    const row = await StagedRow.read(store, account, { token: "t", address: "a" }, fresh("a"));
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

/**
 * The Gini coefficient of many end days in one pass (indexer/src/api/business/gini.ts): the order-statistic tree
 * against a sort of every day's balances, and which days GiniDays reads, keeps and reads again.
 */
import { expect } from "chai";
import fc from "fast-check";
import { PgDialect } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";
import { type BalanceMove, giniByDay, GiniDays, RankedBalances } from "../../indexer/src/api/business/gini";
import type { ApiContext } from "../../indexer/src/api/business/context";
import { gini } from "../../indexer/src/lib/metrics";

const DAY = 86_400n;
const E18 = 10n ** 18n;

/** End-of-day balances per account over days 0..n-1 (index = day), as a chain would leave them. */
type Histories = bigint[][];

/** What the pass reads from `histories`: the ranked distinct balances, the current ones, the moves after `low`. */
function passInput(histories: Histories, low: number) {
  const moves: { day: number; after: bigint; before: bigint }[] = [];
  for (const history of histories) {
    history.forEach((balance, day) => {
      const before = day === 0 ? 0n : history[day - 1]!;
      if (day > low && balance !== before) moves.push({ day, after: balance, before });
    });
  }
  const current = histories.map((h) => h.at(-1)!).filter((b) => b > 0n);
  const values = [...new Set([...current, ...moves.flatMap((m) => [m.after, m.before])].filter((b) => b > 0n))].sort(
    (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  );
  const rank = (b: bigint) => (b > 0n ? values.indexOf(b) + 1 : 0);
  return {
    values,
    current: current.map(rank),
    moves: moves.map((m): BalanceMove => ({ day: BigInt(m.day) * DAY, after: rank(m.after), before: rank(m.before) })),
  };
}

const balance = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 1n, max: 20n }).map((b) => b * E18), // many equal balances
  fc.bigInt({ min: 1n, max: 10n ** 30n }),
);
const histories = (days: number) =>
  fc.array(fc.array(balance, { minLength: days, maxLength: days }), { minLength: 1, maxLength: 12 });

describe("Gini coefficients of many days in one pass", () => {
  it("keeps n, the sum and the rank-weighted sum of the balances as they come and go", () => {
    const balances = new RankedBalances([1n, 2n, 3n, 10n]);
    for (const rank of [4, 2, 1, 3]) balances.add(rank);
    expect(balances.gini()).to.deep.equal(gini([1n, 2n, 3n, 10n]));
    balances.add(2); // a second balance of 2
    expect(balances.gini()).to.deep.equal(gini([1n, 2n, 2n, 3n, 10n]));
    balances.remove(4);
    balances.remove(1);
    expect([balances.n, balances.total, balances.weighted]).to.deep.equal([3n, 7n, 2n * 1n + 2n * 2n + 3n * 3n]);
    expect(balances.gini()).to.deep.equal(gini([2n, 2n, 3n]));
    expect(() => balances.remove(1)).to.throw("no balance of 1 to remove");
  });

  it("refuses values that are not positive, distinct and ascending", () => {
    expect(() => new RankedBalances([2n, 1n])).to.throw("positive, distinct and ascending");
    expect(() => new RankedBalances([0n, 1n])).to.throw("positive, distinct and ascending");
    expect(() => new RankedBalances([1n, 1n])).to.throw("positive, distinct and ascending");
  });

  it("gives each day's coefficient as a sort of that day's balances does (property)", () => {
    fc.assert(
      fc.property(histories(6), fc.integer({ min: 0, max: 5 }), (accounts, low) => {
        const { values, current, moves } = passInput(accounts, low);
        const days = Array.from({ length: 6 - low }, (_, i) => BigInt(low + i) * DAY);
        const byDay = giniByDay(values, current, moves, days);
        for (const day of days) {
          const d = Number(day / DAY);
          expect(byDay.get(day), `day ${d}`).to.deep.equal(gini(accounts.map((h) => h[d]!)));
        }
      }),
    );
  });

  describe("GiniDays", () => {
    const dialect = new PgDialect();
    /** A database of `accounts` over days 0..n-1, answering the pass and the single day's sums; counts them. */
    function fakeContext(accounts: Histories, snapshot: { id: string }) {
      const reads: string[] = [];
      const ctx = {
        snapshot: async () => snapshot.id,
        query: async (statement: SQL) => {
          const { sql: text, params } = dialect.sqlToQuery(statement);
          if (text.includes("row_number() OVER (ORDER BY v)")) {
            const low = Number(BigInt(params[1] as bigint) / DAY);
            reads.push(`pass from ${low}`);
            const { values, current, moves } = passInput(accounts, low);
            return [
              ...values.map((v, i) => ({ kind: 0, day: null, a: i + 1, b: null, v: v.toString() })),
              ...current.map((r) => ({ kind: 1, day: null, a: r, b: null, v: null })),
              ...moves.map((m) => ({ kind: 2, day: m.day.toString(), a: m.after, b: m.before, v: null })),
            ];
          }
          const to = Number(BigInt(params[1] as bigint) / DAY);
          reads.push(`sum ${to}`);
          const sorted = accounts.map((h) => h[Math.min(to, h.length - 1)]!).filter((b) => b > 0n);
          sorted.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          const total = sorted.reduce((s, b) => s + b, 0n);
          const weighted = sorted.reduce((s, b, i) => s + BigInt(i + 1) * b, 0n);
          return [{ n: sorted.length.toString(), total: total.toString(), weighted: weighted.toString() }];
        },
      };
      return { ctx: ctx as unknown as ApiContext, reads };
    }
    const accounts: Histories = [
      [5n, 5n, 0n, 7n, 7n, 9n],
      [1n, 2n, 3n, 3n, 8n, 8n],
      [0n, 4n, 4n, 4n, 1n, 6n],
    ];
    const expected = (d: number) => gini(accounts.map((h) => h[d]!));
    const token = "0x00000000000000000000000000000000000000aa";

    it("computes a day with the final days before it in one pass, then keeps the final ones for good", async () => {
      const snapshot = { id: "s1" };
      const { ctx, reads } = fakeContext(accounts, snapshot);
      const days = new GiniDays();
      const finalizedAt = 5n * DAY; // days 0..4 are final
      expect(await days.at(ctx, token, 5n * DAY, finalizedAt)).to.deep.equal(expected(5));
      expect(reads).to.deep.equal([`pass from ${5 - 35}`]);
      for (const d of [0, 1, 2, 3, 4])
        expect(await days.at(ctx, token, BigInt(d) * DAY, finalizedAt)).to.deep.equal(expected(d));
      snapshot.id = "s2"; // the final days survive a new snapshot; the open day is read again, alone
      expect(await days.at(ctx, token, 3n * DAY, finalizedAt)).to.deep.equal(expected(3));
      expect(await days.at(ctx, token, 5n * DAY, finalizedAt)).to.deep.equal(expected(5));
      expect(reads).to.deep.equal([`pass from ${5 - 35}`, "sum 5"]);
    });

    it("shares one pass among concurrent requests for its days", async () => {
      const { ctx, reads } = fakeContext(accounts, { id: "s1" });
      const days = new GiniDays();
      const answers = await Promise.all([4, 2, 3].map((d) => days.at(ctx, token, BigInt(d) * DAY, 6n * DAY)));
      expect(answers).to.deep.equal([expected(4), expected(2), expected(3)]);
      expect(reads).to.deep.equal([`pass from ${4 - 35}`]);
    });
  });
});

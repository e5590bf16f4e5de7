/**
 * The Gini coefficient of a token's positive balances at the end of each UTC day, many days in one pass. The end-of-
 * day balances of every day of a range are the current balances with each later `account_day` row undone (its
 * `balance` is the account's balance at the end of that day; less the day's net receipts, the balance before it).
 * Walking back from today, each row replaces one balance by another; an order-statistic tree over the ranks of all
 * the balances met keeps n, sum x_i and sum i * x_i (x sorted ascending) exact as it goes, so a day's coefficient
 * costs one O(log n) update per balance that changed after it, instead of a sort of every balance per day.
 */
import { sql } from "drizzle-orm";
import { DAY, daysOf } from "../../lib/bridge";
import { type Ratio, UNDEFINED_RATIO, ratio } from "../../lib/metrics";
import { type ApiContext, big } from "./context";
import { FinalCache } from "./snapshot";

/** A balance split into limbs of this many bits: a limb sum over 2^29 balances stays exact in a float64. */
const LIMB_BITS = 24;
const LIMB = 2 ** LIMB_BITS;

/** The Gini coefficient from n, sum x_i and sum i * x_i over the ascending positive balances. */
export function giniFromSums(n: bigint, total: bigint, weighted: bigint): Ratio {
  if (n === 0n || total === 0n) return { ...UNDEFINED_RATIO };
  return ratio(2n * weighted - (n + 1n) * total, n * total);
}

/**
 * A multiset of positive balances drawn from a sorted list of distinct `values` (a balance is named by its rank,
 * 1-based), with n, sum x_i and sum i * x_i (ascending order) kept exact as balances come and go: Fenwick trees of
 * counts and of limb sums.
 */
export class RankedBalances {
  private readonly counts: Float64Array;
  /** How many balances of each rank are held. */
  private readonly copies: Uint32Array;
  /** limbs[k][i]: the Fenwick sums of the k-th limbs. */
  private readonly limbs: Float64Array[];
  /** The k-th limb of each value, by rank. */
  private readonly valueLimbs: Float64Array[];
  private readonly scratch: Float64Array;
  n = 0n;
  total = 0n;
  weighted = 0n;

  constructor(private readonly values: readonly bigint[]) {
    const size = values.length + 1;
    const max = values.at(-1) ?? 0n;
    const limbCount = Math.max(1, Math.ceil(max.toString(2).length / LIMB_BITS));
    this.counts = new Float64Array(size);
    this.copies = new Uint32Array(size);
    this.limbs = Array.from({ length: limbCount }, () => new Float64Array(size));
    this.valueLimbs = Array.from({ length: limbCount }, () => new Float64Array(size));
    values.forEach((value, i) => {
      if (value <= 0n || (i > 0 && value <= values[i - 1]!)) {
        throw new Error("RankedBalances: the values must be positive, distinct and ascending");
      }
      let rest = value;
      for (let k = 0; k < limbCount; k++) {
        this.valueLimbs[k]![i + 1] = Number(rest & BigInt(LIMB - 1));
        rest >>= BigInt(LIMB_BITS);
      }
    });
    this.scratch = new Float64Array(limbCount);
  }

  /** How many balances are at most the value of `rank`, and their sum. */
  private atMost(rank: number): [bigint, bigint] {
    const scratch = this.scratch.fill(0);
    let count = 0;
    for (let i = rank; i > 0; i -= i & -i) {
      count += this.counts[i]!;
      for (let k = 0; k < scratch.length; k++) scratch[k]! += this.limbs[k]![i]!;
    }
    let sum = 0n;
    for (let k = scratch.length - 1; k >= 0; k--) sum = (sum << BigInt(LIMB_BITS)) + BigInt(scratch[k]!);
    return [BigInt(count), sum];
  }

  private update(rank: number, sign: 1 | -1): void {
    this.copies[rank]! += sign;
    for (let i = rank; i < this.counts.length; i += i & -i) {
      this.counts[i]! += sign;
      for (let k = 0; k < this.limbs.length; k++) this.limbs[k]![i]! += sign * this.valueLimbs[k]![rank]!;
    }
  }

  /** Adds a balance: it goes after the equal ones, and the greater ones move up a place. */
  add(rank: number): void {
    const value = this.values[rank - 1]!;
    const [count, sum] = this.atMost(rank);
    this.weighted += value * (count + 1n) + (this.total - sum);
    this.update(rank, 1);
    this.n++;
    this.total += value;
  }

  /** Removes a balance (one of the equal ones: the last), and the greater ones move down a place. */
  remove(rank: number): void {
    const value = this.values[rank - 1]!;
    if (this.copies[rank] === 0) throw new Error(`RankedBalances: no balance of ${value} to remove`);
    const [count, sum] = this.atMost(rank);
    this.weighted -= value * count + (this.total - sum);
    this.update(rank, -1);
    this.n--;
    this.total -= value;
  }

  gini(): Ratio {
    return giniFromSums(this.n, this.total, this.weighted);
  }
}

/** One account's balance changing on `day`: from `before` (end of the previous day) to `after`; 0 = no balance. */
export interface BalanceMove {
  day: bigint;
  /** Rank of the balance at the end of `day` (0: none, the account held nothing). */
  after: number;
  /** Rank of the balance before `day` (0: none). */
  before: number;
}

/**
 * The Gini coefficient at the end of each day of `days`, from the current balances (`current`, ranks into `values`)
 * and the moves of the days after each: for day t, every move of a day after t is undone.
 */
export function giniByDay(
  values: readonly bigint[],
  current: readonly number[],
  moves: readonly BalanceMove[],
  days: readonly bigint[],
): Map<bigint, Ratio> {
  const balances = new RankedBalances(values);
  for (const rank of current) balances.add(rank);
  const latestFirst = [...moves].sort((a, b) => (a.day > b.day ? -1 : a.day < b.day ? 1 : 0));
  const result = new Map<bigint, Ratio>();
  let next = 0;
  for (const day of [...days].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))) {
    for (; next < latestFirst.length && latestFirst[next]!.day > day; next++) {
      const move = latestFirst[next]!;
      if (move.after > 0) balances.remove(move.after);
      if (move.before > 0) balances.add(move.before);
    }
    result.set(day, balances.gini());
  }
  return result;
}

interface SweepRow {
  kind: number;
  day: string | null;
  a: number | null;
  b: number | null;
  v: string | null;
}

/**
 * The Gini coefficient of `token`'s positive balances at the end of each day of `days` (ascending), read in one
 * statement (one snapshot): the distinct balances met (ranked), the current ones, and the moves after the first day.
 */
export async function readGiniByDay(
  ctx: ApiContext,
  token: string,
  days: readonly bigint[],
): Promise<Map<bigint, Ratio>> {
  const low = days[0] ?? 0n;
  const rows = await ctx.query<SweepRow>(sql`
    WITH moves AS (
      SELECT day, balance AS after, balance - received + sent AS before
        FROM account_day WHERE token = ${token} AND day > ${low} AND received <> sent
    ), ranked AS (
      SELECT v, (row_number() OVER (ORDER BY v))::int AS r FROM (
        SELECT balance AS v FROM account WHERE token = ${token} AND balance > 0
        UNION SELECT after FROM moves WHERE after > 0
        UNION SELECT before FROM moves WHERE before > 0
      ) balances
    )
    SELECT 0 AS kind, NULL AS day, r AS a, NULL::int AS b, v::text AS v FROM ranked
    UNION ALL
    SELECT 1, NULL, r.r, NULL, NULL
      FROM account x JOIN ranked r ON r.v = x.balance WHERE x.token = ${token} AND x.balance > 0
    UNION ALL
    SELECT 2, m.day::text, coalesce(ra.r, 0), coalesce(rb.r, 0), NULL
      FROM moves m LEFT JOIN ranked ra ON ra.v = m.after LEFT JOIN ranked rb ON rb.v = m.before`);
  const values: bigint[] = [];
  const current: number[] = [];
  const moves: BalanceMove[] = [];
  for (const row of rows) {
    if (row.kind === 0) values[row.a! - 1] = BigInt(row.v!);
    else if (row.kind === 1) current.push(row.a!);
    else moves.push({ day: BigInt(row.day!), after: row.a!, before: row.b! });
  }
  return giniByDay(values, current, moves, days);
}

/** How many days one pass reaches back from the day asked for (a 30-day range's end days, and a few more). */
const PASS_DAYS = 35n;

/**
 * Gini coefficients by token and end day. A final day's (ended at or before the finalized block) is kept for good; a
 * later day's, for the snapshot it was read on. A day not kept is computed with the final days before it that are
 * not kept either (up to PASS_DAYS back), in one pass: a range's neighbours then cost nothing. A single day is
 * summed in SQL instead (at the head, nothing to undo: the pass would only add the transfer of every balance).
 */
export class GiniDays {
  private readonly days: FinalCache;
  /** Passes under way, by the `token:day` keys they compute. */
  private readonly pending = new Map<string, Promise<Map<bigint, Ratio>>>();

  constructor(maxFinal = 50_000) {
    this.days = new FinalCache(maxFinal, 256);
  }

  async at(ctx: ApiContext, token: string, to: bigint, finalizedAt: bigint): Promise<Ratio> {
    const key = (day: bigint) => `${token}:${day}`;
    const kept = this.days.peek<Ratio>(key(to));
    if (kept) return kept;
    const snapshot = await ctx.snapshot();
    // from here to the pass's start, nothing waits: a concurrent request sees the pass under way
    const underWay = this.pending.get(key(to));
    if (underWay) return (await underWay).get(to)!;
    const isFinal = (day: bigint) => day + DAY <= finalizedAt;
    return this.days.get(snapshot, key(to), isFinal(to), async () => {
      const earlier = daysOf(to - PASS_DAYS * DAY, to - DAY).filter(
        (day) => isFinal(day) && !this.days.peek(key(day)) && !this.pending.has(key(day)),
      );
      if (earlier.length === 0) return giniSummed(ctx, token, to);
      const days = [...earlier, to];
      const pass = readGiniByDay(ctx, token, days);
      for (const day of days) this.pending.set(key(day), pass);
      try {
        const byDay = await pass;
        for (const day of earlier) this.days.put(key(day), byDay.get(day)!);
        return byDay.get(to)!;
      } finally {
        for (const day of days) if (this.pending.get(key(day)) === pass) this.pending.delete(key(day));
      }
    });
  }
}

/**
 * The Gini coefficient of `token`'s positive balances at the end of `to`, summed in SQL: each account's current
 * balance less what it received net of what it sent after `to`, sorted.
 */
async function giniSummed(ctx: ApiContext, token: string, to: bigint): Promise<Ratio> {
  const [row] = await ctx.query<Record<string, unknown>>(sql`
    WITH balances AS (
      SELECT a.balance - coalesce(later.net, 0) AS balance
        FROM account a
        LEFT JOIN (
          SELECT account, sum(received - sent) AS net FROM account_day
           WHERE token = ${token} AND day > ${to} GROUP BY account
        ) later ON later.account = a.address
       WHERE a.token = ${token}
    )
    SELECT count(*) AS n, coalesce(sum(balance), 0) AS total, coalesce(sum(i * balance), 0) AS weighted
      FROM (SELECT balance, row_number() OVER (ORDER BY balance) AS i FROM balances WHERE balance > 0) ranked`);
  return giniFromSums(big(row?.n), big(row?.total), big(row?.weighted));
}

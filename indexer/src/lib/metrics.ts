/**
 * Pure analytics formulas (issue 7): holders, active users, retention, velocity, KC share of merchant sales, local
 * trade share, Gini coefficient of balances, governance participation, and daily series over a range of UTC days.
 * No Ponder or database imports here, so the API and the unit tests (test/indexer/metrics.test.ts) load this file
 * directly. Amounts are bigints in 18-decimal fixed point, as on chain; every ratio is exact (a `Ratio`, reduced),
 * and rounding happens only when a ratio is rendered (`toBps`, `toDecimal`), always toward zero.
 *
 * A zero denominator (no previous active users, no sales, no supply, no eligible voting power, no holders) gives the
 * undefined ratio `{ numerator: 0n, denominator: 0n }`, which `toBps` and `toDecimal` render as null: the API should
 * show "no data", not 0%.
 */

import { DAY, utcDate, utcDay } from "./bridge";
import { ZERO_ADDRESS } from "./transfers";

/** An exact ratio numerator / denominator. Reduced (gcd 1, denominator > 0), or `UNDEFINED_RATIO`. */
export interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

/** The ratio of a zero denominator: rendered as null. */
export const UNDEFINED_RATIO: Readonly<Ratio> = Object.freeze({ numerator: 0n, denominator: 0n });

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * numerator / denominator, reduced to lowest terms with a positive denominator; `UNDEFINED_RATIO` when the
 * denominator is zero (whatever the numerator).
 */
export function ratio(numerator: bigint, denominator: bigint): Ratio {
  if (denominator === 0n) return { ...UNDEFINED_RATIO };
  if (denominator < 0n) [numerator, denominator] = [-numerator, -denominator];
  const g = gcd(numerator, denominator);
  return g > 1n ? { numerator: numerator / g, denominator: denominator / g } : { numerator, denominator };
}

/** Whether a ratio has a value (its denominator is not zero). */
export function isDefined(r: Ratio): boolean {
  return r.denominator !== 0n;
}

/**
 * The ratio in basis points, numerator * 10,000 / denominator, truncated toward zero (so 2/3 is 6,666 and a
 * velocity of 2.5 is 25,000); null when the ratio is undefined.
 */
export function toBps(r: Ratio): number | null {
  if (r.denominator === 0n) return null;
  return Number((r.numerator * 10_000n) / r.denominator);
}

/**
 * The ratio as a decimal string with exactly `places` digits after the point (none when `places` is 0), truncated
 * toward zero: 1/4 at 4 places is "0.2500", 2/3 is "0.6666", -1/3 is "-0.3333". Null when the ratio is undefined.
 */
export function toDecimal(r: Ratio, places = 4): string | null {
  if (r.denominator === 0n) return null;
  if (!Number.isInteger(places) || places < 0) throw new Error(`places must be a whole number: ${places}`);
  const negative = r.numerator < 0n !== r.denominator < 0n && r.numerator !== 0n;
  const scaled = (abs(r.numerator) * 10n ** BigInt(places)) / abs(r.denominator);
  const digits = scaled.toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places);
  const text = places === 0 ? whole : `${whole}.${fraction}`;
  return negative && scaled !== 0n ? `-${text}` : text;
}

/** Holders: the number of balances that are positive (zero balances, and any negative input, do not count). */
export function holders(balances: Iterable<bigint>): number {
  let count = 0;
  for (const balance of balances) if (balance > 0n) count++;
  return count;
}

/**
 * The distinct senders of a set of transfers, lowercased: an account is active in a period when it sent at least one
 * transfer in it. Mints (sent from the zero address) have no sender and do not count; burns (redemptions) do.
 */
export function activeSenders(transfers: Iterable<{ from: string }>): Set<string> {
  const senders = new Set<string>();
  for (const { from } of transfers) {
    const sender = from.toLowerCase();
    if (sender !== ZERO_ADDRESS) senders.add(sender);
  }
  return senders;
}

/** Active users: the number of distinct senders (`activeSenders`) of the transfers. */
export function activeUsers(transfers: Iterable<{ from: string }>): number {
  return activeSenders(transfers).size;
}

function lowercaseSet(accounts: Iterable<string>): Set<string> {
  const set = new Set<string>();
  for (const account of accounts) set.add(account.toLowerCase());
  return set;
}

/**
 * Retention: the share of the previous period's active users that are active again in the current period,
 * |previous ∩ current| / |previous| (addresses compared case-insensitively, duplicates counted once). Undefined when
 * the previous period had no active user.
 */
export function retention(previousActive: Iterable<string>, currentActive: Iterable<string>): Ratio {
  const previous = lowercaseSet(previousActive);
  const current = lowercaseSet(currentActive);
  let retained = 0n;
  for (const account of previous) if (current.has(account)) retained++;
  return ratio(retained, BigInt(previous.size));
}

/** The supply at the end of one UTC day; `day` is any timestamp (seconds) in that day, e.g. its 00:00. */
export interface SupplyPoint {
  day: bigint;
  supply: bigint;
}

/**
 * The average supply over the UTC days `from` to `to` (timestamps in seconds, both days included): the mean of the
 * end-of-day supplies, sum(supply_d) / days, exact. A day without a point keeps the previous day's supply (supply
 * changes only on mints and burns, so a daily table has points only on those days); before the first point the supply
 * is 0. Points after `to` are ignored; points may come in any order; two points on the same day are an error.
 */
export function averageSupply(points: readonly SupplyPoint[], from: bigint, to: bigint): Ratio {
  const first = utcDay(from);
  const last = utcDay(to);
  if (last < first) throw new Error(`the range ends (${to}) before it starts (${from})`);
  const byDay = new Map<bigint, bigint>();
  for (const point of points) {
    const day = utcDay(point.day);
    if (byDay.has(day)) throw new Error(`two supply points on ${utcDate(day)}`);
    byDay.set(day, point.supply);
  }
  // the supply carried into the range: the latest point before it
  let carried = 0n;
  let carriedDay = -1n;
  for (const [day, supply] of byDay) {
    if (day < first && day > carriedDay) [carried, carriedDay] = [supply, day];
  }
  let sum = 0n;
  for (let day = first; day <= last; day += DAY) {
    carried = byDay.get(day) ?? carried;
    sum += carried;
  }
  return ratio(sum, (last - first) / DAY + 1n);
}

/**
 * Velocity: the volume of a period over its average supply, volume / averageSupply, exact (volume * days / sum of
 * daily supplies when the average comes from `averageSupply`). Undefined when the average supply is zero or undefined.
 */
export function velocity(volume: bigint, average: Ratio | bigint): Ratio {
  const avg = typeof average === "bigint" ? ratio(average, 1n) : average;
  if (avg.denominator === 0n || avg.numerator === 0n) return { ...UNDEFINED_RATIO };
  return ratio(volume * avg.denominator, avg.numerator);
}

/**
 * The KC share of merchant sales: kcPart / (kcPart + fiatPart), exact (`kcShareBps` in src/lib/commerce.ts is this
 * ratio in basis points). Undefined when both parts are zero.
 */
export function kcShare(kcPart: bigint, fiatPart: bigint): Ratio {
  return ratio(kcPart, kcPart + fiatPart);
}

/**
 * Local trade share: the volume that stayed inside a community (both parties its members) over the total volume,
 * localVolume / totalVolume, exact. Undefined when the total volume is zero.
 */
export function localTradeShare(localVolume: bigint, totalVolume: bigint): Ratio {
  if (localVolume > totalVolume) throw new Error(`local volume ${localVolume} exceeds the total ${totalVolume}`);
  return ratio(localVolume, totalVolume);
}

/**
 * The Gini coefficient of balances. Only positive balances count (an address with nothing is not a holder). With
 * the n positive balances sorted ascending, x_1 <= ... <= x_n, and i counted from 1:
 *
 *   G = (2 * sum_i i * x_i) / (n * sum_i x_i) - (n + 1) / n
 *     = (2 * sum_i i * x_i - (n + 1) * sum_i x_i) / (n * sum_i x_i)
 *
 * exact. 0 when every holder holds the same (or there is one holder); it tends to 1 as one holder holds everything.
 * Undefined when there is no holder.
 */
export function gini(balances: Iterable<bigint>): Ratio {
  const positive = [...balances].filter((b) => b > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = BigInt(positive.length);
  let total = 0n;
  let weighted = 0n;
  positive.forEach((x, index) => {
    total += x;
    weighted += BigInt(index + 1) * x;
  });
  if (n === 0n) return { ...UNDEFINED_RATIO };
  return ratio(2n * weighted - (n + 1n) * total, n * total);
}

/**
 * Governance participation: the voting power cast over the voting power eligible (the supply of votes at the
 * proposal's snapshot), votesCast / eligibleVotingPower, exact. Undefined when nothing was eligible.
 */
export function governanceParticipation(votesCast: bigint, eligibleVotingPower: bigint): Ratio {
  if (votesCast > eligibleVotingPower) {
    throw new Error(`votes cast ${votesCast} exceed the eligible voting power ${eligibleVotingPower}`);
  }
  return ratio(votesCast, eligibleVotingPower);
}

/**
 * One row per UTC day from the day of `from` to the day of `to` (timestamps in seconds, both days included), in
 * order: the row of `rows` for that day, else `zero(day, date)` (day: 00:00 UTC in seconds; date: "2026-11-22").
 * Rows are matched by the UTC day of their `day` field; rows outside the range are dropped; two rows on one day are
 * an error (aggregate tables have one row per key and day: filter by key first). At most `maxDays` rows.
 */
export function dailySeries<T extends { day: bigint }>(
  rows: readonly T[],
  from: bigint,
  to: bigint,
  zero: (day: bigint, date: string) => T,
  maxDays = 3_700,
): T[] {
  const first = utcDay(from);
  const last = utcDay(to);
  if (last < first) throw new Error(`the range ends (${to}) before it starts (${from})`);
  const days = (last - first) / DAY + 1n;
  if (days > BigInt(maxDays)) throw new Error(`a series of ${days} days exceeds ${maxDays}`);
  const byDay = new Map<bigint, T>();
  for (const row of rows) {
    const day = utcDay(row.day);
    if (day < first || day > last) continue;
    if (byDay.has(day)) throw new Error(`two rows on ${utcDate(day)}`);
    byDay.set(day, row);
  }
  const series: T[] = [];
  for (let day = first; day <= last; day += DAY) series.push(byDay.get(day) ?? zero(day, utcDate(day)));
  return series;
}

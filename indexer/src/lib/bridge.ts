/**
 * Pure rules for the bridge's analytics: values in the reference currency, a pool's value locked, UTC day buckets,
 * corridor names and the router's pair keys. No Ponder or database imports here, so clients and the unit tests
 * (test/indexer/) load this file directly. Amounts and rates are 18-decimal fixed point, as on chain.
 */

/** 1.0 in the oracle's 18-decimal fixed point; also the reference currency's own rate. */
export const ONE = 10n ** 18n;

/** Seconds in a UTC day (block timestamps know no leap seconds). */
export const DAY = 86_400n;

/** CLDR's "Unknown Region": the country of a token that is no registered community's. */
export const UNKNOWN_COUNTRY = "ZZ";

/** The worth of `amount` at `rate` (reference units per unit), rounded down as the pool's `Math.mulDiv` does. */
export function referenceValue(amount: bigint, rate: bigint): bigint {
  return (amount * rate) / ONE;
}

export interface PoolReserves {
  reserveA: bigint;
  reserveB: bigint;
  /** The latest accepted oracle rates of the two currencies; null while a currency has none. */
  rateA: bigint | null;
  rateB: bigint | null;
}

/**
 * The pool's value locked in the reference currency: reserveA * rateA + reserveB * rateB, each term rounded down
 * (as BridgePool.poolValue()). Null while either currency has no accepted rate.
 */
export function totalValueLocked(p: PoolReserves): bigint | null {
  if (p.rateA === null || p.rateB === null) return null;
  return referenceValue(p.reserveA, p.rateA) + referenceValue(p.reserveB, p.rateB);
}

/** The start (00:00 UTC, in seconds) of the day that contains `timestamp` (seconds). */
export function utcDay(timestamp: bigint): bigint {
  if (timestamp < 0n) throw new Error(`a block timestamp is not negative: ${timestamp}`);
  return timestamp - (timestamp % DAY);
}

/** The UTC days from..to (00:00 timestamps), both included. */
export function daysOf(from: bigint, to: bigint): bigint[] {
  const days: bigint[] = [];
  for (let day = from; day <= to; day += DAY) days.push(day);
  return days;
}

/** The ISO 8601 date ("2026-11-22") of the UTC day that contains `timestamp` (seconds). */
export function utcDate(timestamp: bigint): string {
  return new Date(Number(utcDay(timestamp)) * 1000).toISOString().slice(0, 10);
}

/**
 * The corridor of a payment from one country to another: ISO 3166-1 alpha-2 codes joined by a hyphen ("US-MX").
 * A side whose country is unknown (a token no registered community owns) is "ZZ".
 */
export function corridorOf(source: string | null, destination: string | null): string {
  const code = (country: string | null) => (country === null || country === "" ? UNKNOWN_COUNTRY : country);
  return `${code(source)}-${code(destination)}`;
}

/** Whether two addresses are the same, whatever their case (checksummed or not). */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A pair of tokens in either order, as the router keys its pools: the two addresses lower-cased and sorted. */
export function pairOf(tokenA: string, tokenB: string): { token0: `0x${string}`; token1: `0x${string}` } {
  const [token0, token1] = [tokenA.toLowerCase(), tokenB.toLowerCase()].sort() as [`0x${string}`, `0x${string}`];
  return { token0, token1 };
}

/** `list` with `address` (lower-cased) appended, unless it holds it already. */
export function withAddress(list: readonly string[], address: string): `0x${string}`[] {
  const lower = address.toLowerCase() as `0x${string}`;
  const current = list.map((a) => a.toLowerCase() as `0x${string}`);
  return current.includes(lower) ? current : [...current, lower];
}

/** A settlement as `routedHops` matches it against a routed swap's path. */
export interface HopCandidate {
  tokenIn: string;
  tokenOut: string;
  logIndex: number;
}

/**
 * The hops of a routed swap along `path`: of the Settled logs its router sent in the swap's transaction before the
 * RoutedSwap log (`candidates`, in any order), the last `path.length - 1`, in log order. That is exact: the router
 * calls `pool.swap` only inside `swapExactIn`, which is `nonReentrant` and emits RoutedSwap right after its last hop,
 * and a reverted call leaves no logs; so the Settled logs the router sent just before a RoutedSwap are its hops, even
 * when one transaction routes several swaps. Throws if they are too few or do not follow the path (hop i exchanges
 * path[i] for path[i + 1]): the logs were not all indexed, a bug.
 */
export function routedHops<T extends HopCandidate>(candidates: readonly T[], path: readonly string[]): T[] {
  const count = path.length - 1;
  if (count < 1) throw new Error(`a routed swap's path has at least two tokens, got ${path.length}`);
  const hops = [...candidates].sort((x, y) => x.logIndex - y.logIndex).slice(-count);
  const follows =
    hops.length === count &&
    hops.every((hop, i) => sameAddress(hop.tokenIn, path[i]!) && sameAddress(hop.tokenOut, path[i + 1]!));
  if (!follows) {
    const seen = hops.map((hop) => `${hop.tokenIn} -> ${hop.tokenOut} (log ${hop.logIndex})`).join(", ");
    throw new Error(
      `the router's settlements before its RoutedSwap [${seen}] are not the hops of ${path.join(" -> ")}`,
    );
  }
  return hops;
}

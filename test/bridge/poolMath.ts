/**
 * The bridge's arithmetic in plain TypeScript bigint, written from the NatSpec of FxOracle and BridgePool (not
 * from their code), for the tests to predict results exactly. Rates and values have 18 decimals; amounts are wei.
 */

export const E18 = 10n ** 18n;
export const BPS = 10_000n;

export const min = (a: bigint, b: bigint) => (a < b ? a : b);
export const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

// ------------------------------------------------------------------------------------------------ oracle

/** The median of the fresh reports: the lower middle one of an even count. */
export function median(rates: readonly bigint[]): bigint {
  if (rates.length === 0) throw new Error("median of no reports");
  const sorted = [...rates].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The average moves a quarter of the way towards the new median. */
export const nextAverage = (average: bigint, newMedian: bigint) => (average * 3n + newMedian) / 4n;

/** How far `newMedian` is from `average`, in basis points (rounded down). */
export const deviationBps = (newMedian: bigint, average: bigint) =>
  ((newMedian > average ? newMedian - average : average - newMedian) * BPS) / average;

/** Units of `to` one unit of `from` buys, from both currencies' rates against the reference. */
export const crossRate = (rateFrom: bigint, rateTo: bigint) => (rateFrom * E18) / rateTo;

// ------------------------------------------------------------------------------------------------ pool

export interface Curve {
  feeBps: bigint;
  amplification: bigint;
}

export interface SwapQuote {
  amountOut: bigint;
  fee: bigint;
  rate: bigint;
  /** The input's worth in output units at the oracle rate: what a swap pays at most, before the fee. */
  atOracle: bigint;
  gross: bigint;
}

/**
 * An exact-in swap of `amountIn`, with `p` the cross rate, x = reserveIn * p (in output units), y = reserveOut
 * and D = amplification * (x + y):
 *   gross = min(a*p, (y + D) * a*p / (x + D + a*p)),  fee = ceil(gross * feeBps / 10,000),  out = gross - fee.
 */
export function swapQuote(
  amountIn: bigint,
  reserveIn: bigint,
  reserveOut: bigint,
  rate: bigint,
  curve: Curve,
): SwapQuote {
  const atOracle = (amountIn * rate) / E18;
  const x = (reserveIn * rate) / E18;
  const depth = curve.amplification * (x + reserveOut);
  const onCurve = ((reserveOut + depth) * atOracle) / (x + depth + atOracle);
  const gross = min(atOracle, onCurve);
  const fee = ceilDiv(gross * curve.feeBps, BPS);
  return { amountOut: gross - fee, fee, rate, atOracle, gross };
}

/** Value in the reference currency as the pool computes it: each token's part rounded down. */
export const poolValueOf = (amountA: bigint, amountB: bigint, rateA: bigint, rateB: bigint) =>
  (amountA * rateA) / E18 + (amountB * rateB) / E18;

/** The pool's own value as addLiquidity divides by it: each part rounded up, so the dust stays with the pool. */
export const poolValueUpOf = (amountA: bigint, amountB: bigint, rateA: bigint, rateB: bigint) =>
  ceilDiv(amountA * rateA, E18) + ceilDiv(amountB * rateB, E18);

/** Value in the reference currency, exact: scaled by 1e18 (no rounding at all). */
export const exactValueOf = (amountA: bigint, amountB: bigint, rateA: bigint, rateB: bigint) =>
  amountA * rateA + amountB * rateB;

/** Shares for a deposit worth `value` into a pool worth `poolValue` (see poolValueUpOf) with `supply` shares
 * (rounded down). */
export const sharesFor = (value: bigint, supply: bigint, poolValue: bigint) => (supply * value) / poolValue;

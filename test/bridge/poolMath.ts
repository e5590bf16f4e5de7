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
 * An exact-in swap of `amountIn` (0 pays nothing), with `p` the cross rate, x = reserveIn * p (in output units), y = reserveOut
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
  if (amountIn === 0n) return { amountOut: 0n, fee: 0n, rate, atOracle: 0n, gross: 0n };
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
 * (rounded down). For a deposit into a pool with liquidity, `value` is the deposit's value less its fee. */
export const sharesFor = (value: bigint, supply: bigint, poolValue: bigint) => (supply * value) / poolValue;

export interface DepositValue {
  /** The deposit's value in the reference currency, each token's part rounded down (poolValueOf). */
  value: bigint;
  /**
   * What a swap of the deposit's imbalance would cost (the imbalance less the value a swap of it pays now), scaled
   * by P / (PY + r*PX) and capped at the deposit's value (see depositValueOf); 0 for the first deposit, for a deposit in
   * the pool's own mix, and when the swap would cost nothing.
   */
  fee: bigint;
}

/** How depositValueOf reached its fee: the imbalance and the swap it is charged as (absent when there is none). */
export interface DepositImbalance {
  /** The pool's values PA and PB, each rounded up. */
  poolA: bigint;
  poolB: bigint;
  /** floor(vA * PB / (PA + PB)) and floor(vB * PA / (PA + PB)). */
  crossA: bigint;
  crossB: bigint;
  /** Whether token A is the side in excess (crossA > crossB), so the imbalance is swapped from A to B. */
  excessA: boolean;
  /** |crossA - crossB|: the reference value the deposit moves from its excess side to the other. */
  imbalance: bigint;
  /** The imbalance in units of the excess token, rounded down: floor(imbalance * 1e18 / rateIn). */
  excessIn: bigint;
  /** The swap of excessIn at the current reserves and cross rate floor(rateIn * 1e18 / rateOut) (swapQuote). */
  swap: SwapQuote;
  /** The swap's output valued down: floor(swap.amountOut * rateOut / 1e18). */
  outValue: bigint;
  /** What the swap costs, imbalance - outValue (0 when outValue >= imbalance): the fee before its scaling. */
  cost: bigint;
  /** The pool values of the excess side (PX) and of the other (PY). */
  poolX: bigint;
  poolY: bigint;
}

/**
 * A deposit of `amountA` and `amountB` into a pool holding `reserveA` and `reserveB`, at the rates `rateA` and
 * `rateB`, with the pool's curve: with the pool's values PA = ceil(reserveA * rateA), PB = ceil(reserveB * rateB)
 * and the deposit's vA = floor(amountA * rateA), vB = floor(amountB * rateB),
 *   crossA = floor(vA * PB / (PA + PB)),  crossB = floor(vB * PA / (PA + PB)),  imbalance = |crossA - crossB|
 * (the value the deposit moves from its excess side X, A when crossA > crossB, to the other, Y). The fee is what
 * a swap of that imbalance would cost now, scaled: excessIn = floor(imbalance / rateIn) of the excess token, its
 * swap's output (swapQuote at the current reserves, cross rate floor(rateIn / rateOut), after the swap fee) valued
 * down, outValue = floor(out * rateOut); no fee if outValue >= imbalance, otherwise, with PX and PY the pool values
 * of the excess side and the other and P = PA + PB,
 *   fee = min(value, ceil((imbalance - outValue) * (P * imbalance) / (PY * imbalance + outValue * PX))),
 * the swap's cost times P / (PY + r*PX), r = outValue / imbalance the swap's rate as a share of the oracle's: a
 * provider withdrawing at once gets back part of the imbalance on its own side at the pool's mix, not the swap's.
 * No fee when the pool is empty (PA + PB = 0) or crossA = crossB. `imbalance` is undefined in those cases.
 */
export function depositValueOf(
  amountA: bigint,
  amountB: bigint,
  reserveA: bigint,
  reserveB: bigint,
  rateA: bigint,
  rateB: bigint,
  curve: Curve,
): DepositValue & { imbalance?: DepositImbalance } {
  const [valueA, valueB] = [(amountA * rateA) / E18, (amountB * rateB) / E18];
  const value = valueA + valueB;
  const [poolA, poolB] = [ceilDiv(reserveA * rateA, E18), ceilDiv(reserveB * rateB, E18)];
  if (poolA + poolB === 0n) return { value, fee: 0n };
  const [crossA, crossB] = [(valueA * poolB) / (poolA + poolB), (valueB * poolA) / (poolA + poolB)];
  if (crossA === crossB) return { value, fee: 0n };
  const excessA = crossA > crossB;
  const imbalance = excessA ? crossA - crossB : crossB - crossA;
  const [rateIn, rateOut] = excessA ? [rateA, rateB] : [rateB, rateA];
  const [reserveIn, reserveOut] = excessA ? [reserveA, reserveB] : [reserveB, reserveA];
  const excessIn = (imbalance * E18) / rateIn;
  const swap = swapQuote(excessIn, reserveIn, reserveOut, crossRate(rateIn, rateOut), curve);
  const outValue = (swap.amountOut * rateOut) / E18;
  const [poolX, poolY] = excessA ? [poolA, poolB] : [poolB, poolA];
  const cost = imbalance > outValue ? imbalance - outValue : 0n;
  // PY > 0 here: the excess side's cross term vX * PY / P is positive
  const fee =
    cost === 0n ? 0n : min(value, ceilDiv(cost * (poolA + poolB) * imbalance, poolY * imbalance + outValue * poolX));
  return {
    value,
    fee,
    imbalance: { poolA, poolB, crossA, crossB, excessA, imbalance, excessIn, swap, outValue, cost, poolX, poolY },
  };
}

export const MINIMUM_LIQUIDITY = 1_000n;

export interface Deposit extends DepositValue {
  /** The shares minted to the recipient; 0 when the deposit is worth no share (addLiquidity then reverts). */
  shares: bigint;
}

/**
 * The shares a deposit earns: the first deposit (supply 0) gets value - MINIMUM_LIQUIDITY (0 if it is worth no
 * more than that; MINIMUM_LIQUIDITY more are locked), a later one supply * (value - fee) / poolValueUpOf(reserves).
 */
export function depositOf(
  amountA: bigint,
  amountB: bigint,
  pool: { reserveA: bigint; reserveB: bigint; supply: bigint },
  rateA: bigint,
  rateB: bigint,
  curve: Curve,
): Deposit {
  const { value, fee } = depositValueOf(amountA, amountB, pool.reserveA, pool.reserveB, rateA, rateB, curve);
  if (pool.supply === 0n) return { value, fee, shares: value > MINIMUM_LIQUIDITY ? value - MINIMUM_LIQUIDITY : 0n };
  const shares = sharesFor(value - fee, pool.supply, poolValueUpOf(pool.reserveA, pool.reserveB, rateA, rateB));
  return { value, fee, shares };
}

/**
 * Pure rules for the commerce tables (MerchantRegistry, PaymentRouter, LoyaltyProgram): merchant statuses, what a
 * payment adds to its merchant's totals and day, refunds, and the KC share of commerce. No Ponder or database
 * imports here, so clients and the unit tests (test/indexer/) load this file directly. Amounts are 18-decimal fixed
 * point, as on chain; a fiat part is 18-decimal too, in its ISO 4217 currency.
 */

/** MerchantRegistry.Status by value (0 None has no row). */
export const MERCHANT_STATUSES = ["pending", "verified", "suspended"] as const;
export type MerchantStatus = (typeof MERCHANT_STATUSES)[number];

/** The status name of MerchantRegistry.Status `value`; null for None (0) or an unknown value. */
export function merchantStatus(value: number | bigint): MerchantStatus | null {
  const n = Number(value);
  return n >= 1 && n <= MERCHANT_STATUSES.length ? MERCHANT_STATUSES[n - 1]! : null;
}

/** Whether a fiat part in `fiatCurrency` counts in the fiat volume of a community pegged to `peg` (same code). */
export function inPeg(fiatCurrency: string, peg: string | null): boolean {
  return peg !== null && fiatCurrency.toUpperCase() === peg.toUpperCase();
}

/** A payment, as its totals see it. */
export interface SaleFacts {
  amount: bigint;
  fiatAmount: bigint;
  /** Whether the fiat part is in the community's currency (see `inPeg`). */
  fiatInPeg: boolean;
  reward: bigint;
}

export interface SaleTotals {
  paymentCount: number;
  kcVolume: bigint;
  fiatVolume: bigint;
  rewards: bigint;
}

export const NO_SALES: SaleTotals = { paymentCount: 0, kcVolume: 0n, fiatVolume: 0n, rewards: 0n };

/** `totals` after one more payment. */
export function addSale<T extends SaleTotals>(totals: T, sale: SaleFacts): T {
  return {
    ...totals,
    paymentCount: totals.paymentCount + 1,
    kcVolume: totals.kcVolume + sale.amount,
    fiatVolume: totals.fiatVolume + (sale.fiatInPeg ? sale.fiatAmount : 0n),
    rewards: totals.rewards + sale.reward,
  };
}

export interface RefundTotals {
  refundCount: number;
  refundedVolume: bigint;
}

/** `totals` after one more refund of `amount`. */
export function addRefund<T extends RefundTotals>(totals: T, amount: bigint): T {
  return { ...totals, refundCount: totals.refundCount + 1, refundedVolume: totals.refundedVolume + amount };
}

/**
 * The KC share of commerce in basis points: KC / (KC + fiat), rounded down; null when both are zero. A payment
 * paid all in KC is 10,000; half KC, half fiat is 5,000.
 */
export function kcShareBps(kcVolume: bigint, fiatVolume: bigint): number | null {
  const total = kcVolume + fiatVolume;
  if (total === 0n) return null;
  return Number((kcVolume * 10_000n) / total);
}

/** The 4-byte selectors of the router's two payment functions. */
export interface PaymentSelectors {
  permit: string;
  authorization: string;
}

/**
 * How a payment was submitted: from the transaction's `to` and input, `permit` (payWithPermit) or `authorization`
 * (payWithAuthorization) when the terminal called the router directly; null when another contract called it.
 */
export function paymentMethod(
  router: string,
  tx: { to: string | null; input: string },
  selectors: PaymentSelectors,
): "permit" | "authorization" | null {
  if (tx.to === null || tx.to.toLowerCase() !== router.toLowerCase()) return null;
  const selector = tx.input.slice(0, 10).toLowerCase();
  if (selector === selectors.permit.toLowerCase()) return "permit";
  if (selector === selectors.authorization.toLowerCase()) return "authorization";
  return null;
}

/** A customer's rewards after a credit (+) or a claim (everything unclaimed). */
export interface RewardBalance {
  credited: bigint;
  claimed: bigint;
  unclaimed: bigint;
}

export function creditReward(b: RewardBalance, amount: bigint): RewardBalance {
  return { credited: b.credited + amount, claimed: b.claimed, unclaimed: b.unclaimed + amount };
}

/** A claim pays out `amount`, which the program sets to everything unclaimed. */
export function claimReward(b: RewardBalance, amount: bigint): RewardBalance {
  return { credited: b.credited, claimed: b.claimed + amount, unclaimed: b.unclaimed - amount };
}

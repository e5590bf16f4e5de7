/**
 * Pure rules for the trade tables (TradeEscrow, ProfitSharing, SupplyChainRegistry): order state names, the profit
 * sharing accumulator's arithmetic (as the contract rounds it), and a product batch's transparency score. No Ponder or
 * database imports here, so clients, the unit tests (test/indexer/) and the end-to-end test load this file directly.
 */

/** TradeEscrow.State by value (0 None has no row). */
export const ESCROW_STATES = [
  "funded",
  "delivered",
  "disputed",
  "released",
  "resolved",
  "refunded",
  "claimed",
] as const;
export type EscrowState = (typeof ESCROW_STATES)[number];

/** The state name of TradeEscrow.State `value`; null for None (0) or an unknown value. */
export function escrowStateName(value: number | bigint): EscrowState | null {
  const n = Number(value);
  return n >= 1 && n <= ESCROW_STATES.length ? ESCROW_STATES[n - 1]! : null;
}

/** Whether an order in `state` is closed for good. */
export function isFinalState(state: EscrowState): boolean {
  return state === "released" || state === "resolved" || state === "refunded" || state === "claimed";
}

// ---------------------------------------------------------------- profit sharing

/** ProfitSharing.PRECISION: the scale of the revenue per unit. */
export const PRECISION = 10n ** 18n;

/** What `units` earned since the scheme's revenue per unit was `settledPerUnit`, now `revenuePerUnit` (rounded down). */
export function accruedSince(units: bigint, revenuePerUnit: bigint, settledPerUnit: bigint): bigint {
  return (units * (revenuePerUnit - settledPerUnit)) / PRECISION;
}

/** A share as the contract keeps it. */
export interface ShareState {
  units: bigint;
  settledPerUnit: bigint;
  owed: bigint;
}

/** `ProfitSharing.claimable(business, account)`: owed plus what the units earned since the last settlement. */
export function claimable(share: ShareState, revenuePerUnit: bigint): bigint {
  return share.owed + accruedSince(share.units, revenuePerUnit, share.settledPerUnit);
}

/** The share after SharesSet: settled (owed += accrued, as the log says) at `revenuePerUnit`, with its new units. */
export function setUnits(share: ShareState, units: bigint, accrued: bigint, revenuePerUnit: bigint): ShareState {
  return { units, settledPerUnit: revenuePerUnit, owed: share.owed + accrued };
}

/** The share after a claim of everything owed: settled at `revenuePerUnit`, nothing owed. */
export function claimAll(share: ShareState, revenuePerUnit: bigint): ShareState {
  return { units: share.units, settledPerUnit: revenuePerUnit, owed: 0n };
}

// ---------------------------------------------------------------- supply chain

/** The score scale of an assessment (SupplyChainRegistry.MAX_SCORE). */
export const MAX_SCORE = 100;
/** Checkpoints beyond this many add nothing to the transparency score. */
export const CHECKPOINTS_FOR_FULL_CREDIT = 3;

/** The average of the latest score of each assessed category; null without assessments. */
export function averageAssessment(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return scores.reduce((sum, s) => sum + s, 0) / scores.length;
}

/** What the transparency score of a batch depends on. */
export interface TransparencyFacts {
  /** Attested and not revoked since. */
  originAttested: boolean;
  checkpoints: number;
  /** The latest score (0-100) of each assessed category. */
  scores: readonly number[];
}

/**
 * A batch's transparency score, 0-100, by the formula of SupplyChainRegistry's NatSpec:
 *   40 x (origin attested and not revoked ? 1 : 0)
 * + 30 x min(checkpoints, 3) / 3
 * + 30 x (average over categories of the latest score) / 100   (0 without assessments)
 * Not rounded (e.g. 10 checkpoints-credit for one checkpoint; 23.25 for an average of 77.5): a float, computed
 * here and nowhere else, so the indexer and its clients agree to the last bit.
 */
export function transparencyScore(facts: TransparencyFacts): number {
  const origin = facts.originAttested ? 40 : 0;
  const checkpoints = (30 * Math.min(Math.max(facts.checkpoints, 0), CHECKPOINTS_FOR_FULL_CREDIT)) / 3;
  const average = averageAssessment(facts.scores);
  const assessments = average === null ? 0 : (30 * average) / MAX_SCORE;
  return origin + checkpoints + assessments;
}

/**
 * Pure rules for folding Transfer logs into balances and counters. No Ponder or database imports here, so the
 * unit tests (test/indexer/) load this file directly.
 */

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export type TransferKind = "mint" | "burn" | "transfer";

function isZero(address: string): boolean {
  return address.toLowerCase() === ZERO_ADDRESS;
}

/** A Transfer from the zero address is a mint, to it a burn (redemption); anything else moves tokens. */
export function transferKind(from: string, to: string): TransferKind {
  if (isZero(from)) return "mint";
  if (isZero(to)) return "burn";
  return "transfer";
}

/** How a balance change moves the holder count: +1 when it becomes positive, -1 when it drops to zero. */
export function holderDelta(before: bigint, after: bigint): -1 | 0 | 1 {
  if (before === 0n && after > 0n) return 1;
  if (before > 0n && after === 0n) return -1;
  return 0;
}

/** How a Transfer of `amount` changes the total supply. */
export function supplyDelta(kind: TransferKind, amount: bigint): bigint {
  if (kind === "mint") return amount;
  if (kind === "burn") return -amount;
  return 0n;
}

/**
 * {IComplianceRegistry-Verdict} (contracts/interfaces/IComplianceRegistry.sol): why a transfer is or is not
 * allowed. Plain TypeScript (no ethers, no Hardhat), so that scripts, tests and the property model share it.
 */

/** Mirrors {IComplianceRegistry-Verdict}, in declaration order: the numbering must match the Solidity enum. */
export enum Verdict {
  Allowed,
  TokenPaused,
  InsufficientBalance,
  SenderFrozen,
  RecipientFrozen,
  SenderSanctioned,
  RecipientSanctioned,
  DailyLimitExceeded,
  OperatorFrozen,
  OperatorSanctioned,
}

export type VerdictName = keyof typeof Verdict;

/** The verdict names in enum order: `VERDICT_NAMES[n]` is the name of verdict `n`. */
export const VERDICT_NAMES: readonly VerdictName[] = Object.values(Verdict).filter(
  (value): value is VerdictName => typeof value === "string",
);

/** The name of verdict `verdict` (as a contract returns it: a number or a bigint), or "verdict N" if unknown. */
export function verdictName(verdict: number | bigint): string {
  return VERDICT_NAMES[Number(verdict)] ?? `verdict ${verdict}`;
}

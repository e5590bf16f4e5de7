/**
 * A plain-TypeScript model of one KC community's money rules, for the property tests: balances and supply, KYC
 * tiers with rolling daily send limits, frozen and sanctioned accounts, the token's pause, and vote delegation.
 * It knows nothing of ethers or Hardhat; amounts are bigint wei, times are unix seconds, accounts are indices
 * into `accounts` and `null` is the zero address (a mint's sender, a redemption's recipient).
 *
 * Every balance change has an operator, the account that called the token: the sender itself for a transfer or
 * a redemption, the spender for `transferFrom`, whoever submits a signed transfer (a relayer, or the payee), and
 * the minter (`null` here: the model does not screen it) for a mint.
 */
import { Verdict } from "../../scripts/lib/verdicts";

/** A daily-limit window lasts 24 hours from the first send after the previous window closed. */
export const WINDOW = 86_400;
/** {IComplianceRegistry-UNLIMITED}: the limit value that means "no limit". */
export const UNLIMITED = 2n ** 128n - 1n;
const E18 = 10n ** 18n;
/** The registry's default limits: 1,000 KC (tier 0), 25,000 KC (tier 1), unlimited (tier 2). */
export const DEFAULT_DAILY_LIMITS: readonly bigint[] = [1_000n * E18, 25_000n * E18, UNLIMITED];

/** A revert the model predicts: which contract's ABI declares the error, its name and its arguments. */
export interface ExpectedError {
  contract: "registry" | "token";
  name: string;
  args: readonly unknown[];
}

export interface AccountModel {
  readonly address: string;
  balance: bigint;
  tier: number;
  frozen: boolean;
  sanctioned: boolean;
  /** Start of the current (or last) daily-limit window; 0 when the account never sent under a limit. */
  windowStart: number;
  /** What was sent in the window that opened at `windowStart`. */
  spent: bigint;
  /** The account's ERC-5805 delegate; null when it delegates to no one (the default). */
  delegate: number | null;
  /** What the account allows the spender of the property tests (the relayer) to move with `transferFrom`. */
  allowance: bigint;
}

/** One successful send (transfer, signed transfer or redemption) that counted against a finite limit. */
export interface SendRecord {
  from: number;
  at: number;
  amount: bigint;
  /** The sender's tier limit at the time of the send. */
  limit: bigint;
}

/** An ERC-3009 transfer authorization as signed, kept so that it can be replayed. */
export interface SignedAuthorization {
  from: number;
  to: number;
  value: bigint;
  validAfter: number;
  validBefore: number;
  nonce: string;
  v: number;
  r: string;
  s: string;
}

/** How a command picks its amount, resolved against the model when the command runs. */
export type AmountSpec =
  | { kind: "fixed"; value: bigint }
  /** What is left of the sender's daily limit, plus `delta` wei (its balance, for an unlimited sender). */
  | { kind: "remainingLimit"; delta: bigint }
  /** The sender's balance plus `delta` wei. */
  | { kind: "balance"; delta: bigint }
  /** The sender's allowance to the relayer plus `delta` wei. */
  | { kind: "allowance"; delta: bigint };

export function describeAmount(spec: AmountSpec): string {
  const delta = (d: bigint) => (d === 0n ? "" : d > 0n ? `+${d}` : `${d}`);
  switch (spec.kind) {
    case "fixed":
      return formatKC(spec.value);
    case "remainingLimit":
      return `remainingLimit${delta(spec.delta)}`;
    case "balance":
      return `balance${delta(spec.delta)}`;
    case "allowance":
      return `allowance${delta(spec.delta)}`;
  }
}

export function formatKC(amount: bigint): string {
  const whole = amount / E18;
  const frac = amount % E18;
  return frac === 0n ? `${whole} KC` : `${whole}.${frac.toString().padStart(18, "0").replace(/0+$/, "")} KC`;
}

interface Evaluation {
  verdict: Verdict;
  /** What the sender has spent in its (possibly new) window before this send. */
  spent: bigint;
  /** The window start a successful send records; 0 when it counts against no limit. */
  windowStart: number;
}

export class CommunityModel {
  readonly accounts: AccountModel[];
  /** Timestamp of the latest block: what view calls see. The next transaction lands at `now + 1`. */
  now: number;
  totalSupply = 0n;
  paused = false;
  readonly dailyLimits: bigint[] = [...DEFAULT_DAILY_LIMITS];
  /** Every successful send under a finite limit, in order: the evidence for the daily-limit invariant. */
  readonly sends: SendRecord[] = [];
  /** Counters that make deposit and payout references and authorization nonces unique within a run. */
  deposits = 0;
  payouts = 0;
  authorizations = 0;
  /** The last ERC-3009 authorization that moved tokens. */
  lastAuthorization: SignedAuthorization | undefined;

  constructor(addresses: readonly string[], now: number) {
    this.accounts = addresses.map((address) => ({
      address,
      balance: 0n,
      tier: 0,
      frozen: false,
      sanctioned: false,
      windowStart: 0,
      spent: 0n,
      delegate: null,
      allowance: 0n,
    }));
    this.now = now;
  }

  account(i: number): AccountModel {
    const a = this.accounts[i];
    if (a === undefined) throw new Error(`no account ${i}`);
    return a;
  }

  addressOf(i: number | null): string {
    return i === null ? ZERO_ADDRESS : this.account(i).address;
  }

  limitOf(i: number): bigint {
    const limit = this.dailyLimits[this.account(i).tier];
    if (limit === undefined) throw new Error(`no limit for tier ${this.account(i).tier}`);
    return limit;
  }

  /** {IComplianceRegistry-spentToday} as seen by a call at `at`. */
  spentToday(i: number, at: number): { spent: bigint; windowStart: number } {
    const a = this.account(i);
    if (at >= a.windowStart + WINDOW) return { spent: 0n, windowStart: 0 };
    return { spent: a.spent, windowStart: a.windowStart };
  }

  /** What `i` may still send at `at` under its limit; null when unlimited. */
  remainingLimit(i: number, at: number): bigint | null {
    const limit = this.limitOf(i);
    if (limit === UNLIMITED) return null;
    return limit - this.spentToday(i, at).spent;
  }

  resolveAmount(from: number, spec: AmountSpec, at: number): bigint {
    let amount: bigint;
    switch (spec.kind) {
      case "fixed":
        amount = spec.value;
        break;
      case "remainingLimit":
        amount = (this.remainingLimit(from, at) ?? this.account(from).balance) + spec.delta;
        break;
      case "balance":
        amount = this.account(from).balance + spec.delta;
        break;
      case "allowance":
        amount = this.account(from).allowance + spec.delta;
        break;
    }
    return amount < 0n ? 0n : amount;
  }

  /** Whether `operator` moves someone else's tokens: neither sender nor recipient, and not a minter. */
  isThirdParty(operator: number | null, from: number | null, to: number | null): boolean {
    return from !== null && operator !== null && operator !== from && operator !== to;
  }

  /**
   * The compliance rules, from the issue: a frozen account neither sends nor receives, nor does a sanctioned
   * one, nor may either move someone else's tokens as a third-party operator (a spender, a relayer). Checked
   * freezes before sanctions, and within each sender, recipient, operator. Mints are never limited, nor are zero
   * amounts, which never open a window; a limited sender's window opens at its first (non-zero) send after the
   * previous window closed, and within it the sum sent stays within the limit of the sender's tier at the time of
   * the send. `operator` defaults to the sender: a transfer the sender makes itself.
   */
  evaluate(
    from: number | null,
    to: number | null,
    amount: bigint,
    at: number,
    operator: number | null = from,
  ): Evaluation {
    const blocked = (verdict: Verdict): Evaluation => ({ verdict, spent: 0n, windowStart: 0 });
    const thirdParty = this.isThirdParty(operator, from, to);
    if (from !== null && this.account(from).frozen) return blocked(Verdict.SenderFrozen);
    if (to !== null && this.account(to).frozen) return blocked(Verdict.RecipientFrozen);
    if (thirdParty && operator !== null && this.account(operator).frozen) return blocked(Verdict.OperatorFrozen);
    if (from !== null && this.account(from).sanctioned) return blocked(Verdict.SenderSanctioned);
    if (to !== null && this.account(to).sanctioned) return blocked(Verdict.RecipientSanctioned);
    if (thirdParty && operator !== null && this.account(operator).sanctioned) {
      return blocked(Verdict.OperatorSanctioned);
    }
    if (from === null || amount === 0n) return { verdict: Verdict.Allowed, spent: 0n, windowStart: 0 };
    const limit = this.limitOf(from);
    if (limit === UNLIMITED) return { verdict: Verdict.Allowed, spent: 0n, windowStart: 0 };
    const sender = this.account(from);
    const windowOpen = at < sender.windowStart + WINDOW;
    const spent = windowOpen ? sender.spent : 0n;
    const windowStart = windowOpen ? sender.windowStart : at;
    if (spent + amount > limit) return { verdict: Verdict.DailyLimitExceeded, spent, windowStart: 0 };
    return { verdict: Verdict.Allowed, spent, windowStart };
  }

  /**
   * {IComplianceRegistry-canTransfer} as seen by a call at `at`, for a transfer the sender makes itself: in the
   * order the token enforces them, the pause, then the rules, then (only if the rules allow it) the balance.
   */
  canTransfer(from: number | null, to: number | null, amount: bigint, at: number): Verdict {
    if (this.paused) return Verdict.TokenPaused;
    const { verdict } = this.evaluate(from, to, amount, at);
    if (verdict === Verdict.Allowed && from !== null && this.account(from).balance < amount) {
      return Verdict.InsufficientBalance;
    }
    return verdict;
  }

  /** {IComplianceRegistry-screen}: the verdict on `i` alone, frozen before sanctioned. */
  screen(i: number): Verdict {
    const a = this.account(i);
    if (a.frozen) return Verdict.SenderFrozen;
    if (a.sanctioned) return Verdict.SenderSanctioned;
    return Verdict.Allowed;
  }

  /** The error `delegate` or `delegateBySig` on behalf of `i` reverts with, or undefined when it succeeds. */
  expectedDelegationError(i: number): ExpectedError | undefined {
    const verdict = this.screen(i);
    if (verdict === Verdict.Allowed) return undefined;
    return { contract: "token", name: "CommunityTokenDelegationBlocked", args: [this.addressOf(i), verdict] };
  }

  /**
   * The error a mint, transfer or burn of `amount` mined at `at`, called by `operator`, reverts with, or undefined
   * when it succeeds. The token checks the pause, then the registry rules, and only then (in ERC-20 `_update`) the
   * balance. (A spender's allowance is checked before all of them: see the `transferFrom` command.)
   */
  expectedError(
    from: number | null,
    to: number | null,
    amount: bigint,
    at: number,
    operator: number | null = from,
  ): ExpectedError | undefined {
    if (this.paused) return { contract: "token", name: "EnforcedPause", args: [] };
    const { verdict, spent } = this.evaluate(from, to, amount, at, operator);
    const registry = (name: string, ...args: unknown[]): ExpectedError => ({ contract: "registry", name, args });
    switch (verdict) {
      case Verdict.Allowed:
        break;
      case Verdict.SenderFrozen:
        return registry("ComplianceSenderFrozen", this.addressOf(from));
      case Verdict.RecipientFrozen:
        return registry("ComplianceRecipientFrozen", this.addressOf(to));
      case Verdict.SenderSanctioned:
        return registry("ComplianceSenderSanctioned", this.addressOf(from));
      case Verdict.RecipientSanctioned:
        return registry("ComplianceRecipientSanctioned", this.addressOf(to));
      case Verdict.OperatorFrozen:
        return registry("ComplianceOperatorFrozen", this.addressOf(operator));
      case Verdict.OperatorSanctioned:
        return registry("ComplianceOperatorSanctioned", this.addressOf(operator));
      case Verdict.DailyLimitExceeded: {
        if (from === null) throw new Error("model: a mint cannot exceed a daily limit");
        const tier = this.account(from).tier;
        return registry("ComplianceDailyLimitExceeded", this.addressOf(from), tier, this.limitOf(from), spent, amount);
      }
      default:
        throw new Error(`unexpected verdict ${Verdict[verdict]}`);
    }
    if (from !== null && this.account(from).balance < amount) {
      const balance = this.account(from).balance;
      return { contract: "token", name: "ERC20InsufficientBalance", args: [this.addressOf(from), balance, amount] };
    }
    return undefined;
  }

  /** Applies a mint, transfer or burn, called by `operator`, that succeeded at `at`. */
  applyTransfer(
    from: number | null,
    to: number | null,
    amount: bigint,
    at: number,
    operator: number | null = from,
  ): void {
    const { verdict, spent, windowStart } = this.evaluate(from, to, amount, at, operator);
    if (verdict !== Verdict.Allowed) throw new Error(`model: applying a blocked transfer (${Verdict[verdict]})`);
    if (from === null) this.totalSupply += amount;
    else this.account(from).balance -= amount;
    if (to === null) this.totalSupply -= amount;
    else this.account(to).balance += amount;
    if (from !== null && windowStart !== 0) {
      const sender = this.account(from);
      sender.windowStart = windowStart;
      sender.spent = spent + amount;
      this.sends.push({ from, at, amount, limit: this.limitOf(from) });
    }
  }

  /**
   * The daily-limit invariant recomputed from the record of successful sends alone, not from the model's
   * windows: split each account's limited sends into 24 h windows (a window opens at the first send at or after
   * the previous one's end) and require that, at every send, the sum sent so far in its window is within the
   * limit the sender had at that moment. Returns one line per violation.
   */
  dailyLimitViolations(): string[] {
    const violations: string[] = [];
    const windows = new Map<number, { start: number; sum: bigint }>();
    for (const s of this.sends) {
      let w = windows.get(s.from);
      if (w === undefined || s.at >= w.start + WINDOW) {
        w = { start: s.at, sum: 0n };
        windows.set(s.from, w);
      }
      w.sum += s.amount;
      if (w.sum > s.limit) {
        violations.push(
          `account ${s.from} sent ${formatKC(w.sum)} in the window opened at ${w.start} (by ${s.at}), limit ${formatKC(
            s.limit,
          )}`,
        );
      }
    }
    return violations;
  }

  /** ERC-5805: the votes of `i` are the balances of the accounts that delegate to it. */
  votesOf(i: number): bigint {
    return this.accounts.reduce((sum, a) => (a.delegate === i ? sum + a.balance : sum), 0n);
  }
}

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/**
 * The compliance alert engine (issue 7): rules evaluated incrementally, one transfer at a time, per account. No
 * Ponder or database imports here, so the unit tests (test/indexer/alerts.test.ts) load this file directly.
 *
 * A handler keeps one `AlertState` per (community, account) — plain data, bigints and arrays of bigints, which
 * `encodeAlertState` / `decodeAlertState` turn into JSON for a table column — and calls `observeTransfer` for the
 * sender of each transfer (not for mints: they have no sender), in the order of the chain. `observeTransfer` does
 * not mutate its input; it returns the next state and the alerts the transfer raised. Amounts are in the
 * community's local units, 18 decimals; timestamps are block timestamps in seconds.
 *
 * Rules and severities:
 *
 * | rule          | severity | fires                                                                               |
 * | ------------- | -------- | ----------------------------------------------------------------------------------- |
 * | `sanctioned`  | severe   | per transfer whose counterparty is sanctioned                                       |
 * | `large`       | high     | per transfer with amount >= large                                                   |
 * | `structuring` | severe   | once per window: >= structuringCount transfers within structuringWindow, each with  |
 * |               |          | large * structuringLowBps / 10,000 <= amount < large * structuringHighBps / 10,000  |
 * | `dailyTotal`  | medium   | once per UTC day: when the day's total sent reaches dailyTotal (>=)                 |
 * | `velocity`    | medium   | once per window: >= velocityCount transfers within velocityWindow                   |
 * | `blocked`     | low      | per attempt the compliance registry blocked (`blockedAttempt`; no state)            |
 *
 * Windows are exact and sliding, by timestamps: the window of a transfer at time t is (t - window, t], so two
 * transfers exactly `window` seconds apart are not in one window, and transfers in one block (same timestamp) are.
 *
 * "Once per window" (structuring, velocity), per rule and per account: when the rule fires at time T, it stays
 * silent for transfers before T + window; from then on it fires again as soon as its condition holds. Since every
 * transfer counted by the first alert is at or before T, it is outside the window of any transfer at or after
 * T + window: two alerts of one rule never count the same transfer. The daily total fires at most once per UTC day
 * (00:00 to 24:00 UTC): the day's total starts again from zero at midnight.
 */

import type { AlertSettings, AlertsJson } from "../../../scripts/lib/deployment";
import { DAY, utcDay } from "./bridge";

export type AlertRule = "large" | "dailyTotal" | "structuring" | "velocity" | "sanctioned" | "blocked";

export type Severity = "low" | "medium" | "high" | "severe";

export const RULE_SEVERITY: Readonly<Record<AlertRule, Severity>> = Object.freeze({
  large: "high",
  dailyTotal: "medium",
  structuring: "severe",
  velocity: "medium",
  sanctioned: "severe",
  blocked: "low",
});

export interface Alert {
  rule: AlertRule;
  severity: Severity;
  /** The account the rule watched: the sender of the transfer (or of the blocked attempt). */
  account: string;
  community: string;
  /** The transaction that raised the alert (for windowed rules, the one that completed the pattern). */
  txHash: string;
  /** The amount of that transaction (not the window's total). */
  amount: bigint;
  /** Its block timestamp, seconds. */
  at: bigint;
}

/** A community's thresholds (amounts in its local units, 18 decimals; windows in seconds). */
export interface Thresholds {
  /** A transfer at or above this is large. */
  large: bigint;
  /** A UTC day's total sent at or above this raises `dailyTotal`. */
  dailyTotal: bigint;
  /** The structuring band, in basis points of `large`: low inclusive, high exclusive. */
  structuringLowBps: number;
  structuringHighBps: number;
  /** How many transfers in the band within `structuringWindow` make structuring. */
  structuringCount: number;
  structuringWindow: bigint;
  /** How many transfers (any amount) within `velocityWindow` raise `velocity`. */
  velocityCount: number;
  velocityWindow: bigint;
}

const UNIT = 10n ** 18n;

/** The defaults: large 10,000; daily total 25,000; structuring 3 in 24 h at 90%-100% of large; 20 in 1 h. */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  large: 10_000n * UNIT,
  dailyTotal: 25_000n * UNIT,
  structuringLowBps: 9_000,
  structuringHighBps: 10_000,
  structuringCount: 3,
  structuringWindow: DAY,
  velocityCount: 20,
  velocityWindow: 3_600n,
});

/**
 * A community's thresholds: its config's values over `DEFAULT_THRESHOLDS`. Throws on a threshold that cannot work
 * (a non-positive amount, count or window; a band that is empty or outside 0..100,000 bps).
 */
export function thresholdsFromConfig(config: Partial<Thresholds> = {}): Thresholds {
  const t: Thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [key, value] of Object.entries(config) as [keyof Thresholds, Thresholds[keyof Thresholds]][]) {
    if (value !== undefined) (t as unknown as Record<string, unknown>)[key] = value;
  }
  if (t.large <= 0n || t.dailyTotal <= 0n) throw new Error("the large and daily total thresholds must be positive");
  if (t.structuringWindow <= 0n || t.velocityWindow <= 0n) throw new Error("windows must be positive");
  for (const count of [t.structuringCount, t.velocityCount]) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`a count must be a positive whole number: ${count}`);
  }
  const { structuringLowBps: low, structuringHighBps: high } = t;
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < 0 || high > 100_000 || low >= high) {
    throw new Error(`the structuring band ${low}..${high} bps is empty or out of range`);
  }
  return t;
}

/** The amount band of structuring, [low, high): `large` times the band's basis points, rounded down. */
export function structuringBand(t: Thresholds): { low: bigint; high: bigint } {
  return {
    low: (t.large * BigInt(t.structuringLowBps)) / 10_000n,
    high: (t.large * BigInt(t.structuringHighBps)) / 10_000n,
  };
}

/** What the engine remembers of one account. Plain data: persist it as is or through `encodeAlertState`. */
export interface AlertState {
  /** The timestamp of the last transfer observed (transfers must come in order); -1 before the first. */
  lastAt: bigint;
  /** 00:00 UTC of the day `dayTotal` sums; -1 before the first transfer. */
  day: bigint;
  dayTotal: bigint;
  dayAlerted: boolean;
  /** Timestamps of the recent transfers in the structuring band (at most structuringCount, newest last). */
  structuring: bigint[];
  /** `structuring` stays silent for transfers before this (the last alert's time + window); 0 when never fired. */
  structuringSilentUntil: bigint;
  /** Timestamps of the recent transfers (at most velocityCount, newest last). */
  velocity: bigint[];
  velocitySilentUntil: bigint;
}

/** The state of an account never seen. */
export function emptyAlertState(): AlertState {
  return {
    lastAt: -1n,
    day: -1n,
    dayTotal: 0n,
    dayAlerted: false,
    structuring: [],
    structuringSilentUntil: 0n,
    velocity: [],
    velocitySilentUntil: 0n,
  };
}

/** A transfer, seen from its sender (`account`). */
export interface ObservedTransfer {
  account: string;
  community: string;
  txHash: string;
  amount: bigint;
  /** Block timestamp, seconds. */
  at: bigint;
  /** Whether the counterparty (the recipient) is on the sanctions list at the time. */
  counterpartySanctioned: boolean;
}

/**
 * Appends `at` to the timestamps of a sliding window, drops those outside (at - window, at], keeps the newest `keep`
 * (only they can matter: a count of `keep` is all a rule asks), and says whether the window now holds `keep` of them.
 */
function slide(times: readonly bigint[], at: bigint, window: bigint, keep: number): { times: bigint[]; full: boolean } {
  const kept = [...times, at].filter((t) => t > at - window).slice(-keep);
  return { times: kept, full: kept.length >= keep };
}

/**
 * Folds one transfer into an account's state: the next state and the alerts it raised, in the order sanctioned,
 * large, structuring, dailyTotal, velocity. Every transfer counts toward the daily total and velocity; only those in
 * the structuring band count toward structuring. Throws when the transfer is older than the last one observed.
 */
export function observeTransfer(
  state: AlertState,
  thresholds: Thresholds,
  transfer: ObservedTransfer,
): { state: AlertState; alerts: Alert[] } {
  const { at, amount } = transfer;
  if (at < state.lastAt) throw new Error(`transfer at ${at} observed after one at ${state.lastAt}`);
  if (amount < 0n) throw new Error(`a negative amount: ${amount}`);
  const alerts: Alert[] = [];
  const raise = (rule: AlertRule) =>
    alerts.push({
      rule,
      severity: RULE_SEVERITY[rule],
      account: transfer.account,
      community: transfer.community,
      txHash: transfer.txHash,
      amount,
      at,
    });
  // Each field named: a literal spreading `state` and then setting a field is slow in Node 20 (see store.ts logRow).
  const next: AlertState = {
    lastAt: at,
    day: state.day,
    dayTotal: state.dayTotal,
    dayAlerted: state.dayAlerted,
    structuring: state.structuring,
    structuringSilentUntil: state.structuringSilentUntil,
    velocity: state.velocity,
    velocitySilentUntil: state.velocitySilentUntil,
  };

  if (transfer.counterpartySanctioned) raise("sanctioned");
  if (amount >= thresholds.large) raise("large");

  const band = structuringBand(thresholds);
  if (amount >= band.low && amount < band.high) {
    const { times, full } = slide(state.structuring, at, thresholds.structuringWindow, thresholds.structuringCount);
    next.structuring = times;
    if (full && at >= state.structuringSilentUntil) {
      raise("structuring");
      next.structuringSilentUntil = at + thresholds.structuringWindow;
    }
  }

  const day = utcDay(at);
  const sameDay = day === state.day;
  next.day = day;
  next.dayTotal = (sameDay ? state.dayTotal : 0n) + amount;
  next.dayAlerted = sameDay && state.dayAlerted;
  if (!next.dayAlerted && next.dayTotal >= thresholds.dailyTotal) {
    raise("dailyTotal");
    next.dayAlerted = true;
  }

  const { times, full } = slide(state.velocity, at, thresholds.velocityWindow, thresholds.velocityCount);
  next.velocity = times;
  if (full && at >= state.velocitySilentUntil) {
    raise("velocity");
    next.velocitySilentUntil = at + thresholds.velocityWindow;
  }

  return { state: next, alerts };
}

/** A transfer as both parties see it, for `sanctionedParties`. */
export interface TransferParties {
  /** The zero address for a mint. */
  from: string;
  /** The zero address for a burn. */
  to: string;
  /** Whether each side is on the sanctions list at the time. */
  fromListed: boolean;
  toListed: boolean;
  /** Whether `observeTransfer` watched the sender (its `sanctioned` rule then covers a listed recipient). */
  senderWatched: boolean;
}

const ZERO = "0x0000000000000000000000000000000000000000";

/**
 * The `sanctioned` alerts that the sender's rules do not raise, so that every transfer touching a listed address
 * raises one for the party dealing with it: a listed sender's recipient; a listed recipient's sender when that
 * sender is not watched (a system account, a pool paying out a swap); a mint to, or a burn by, a listed address
 * (the issuer is the counterparty: the listed address is the account). Each as { account, counterparty }.
 */
export function sanctionedParties(t: TransferParties): { account: string; counterparty: string }[] {
  const mint = t.from.toLowerCase() === ZERO;
  const burn = t.to.toLowerCase() === ZERO;
  const parties: { account: string; counterparty: string }[] = [];
  if (t.toListed && (mint || !t.senderWatched)) {
    parties.push(mint ? { account: t.to, counterparty: t.from } : { account: t.from, counterparty: t.to });
  }
  if (t.fromListed)
    parties.push(burn ? { account: t.from, counterparty: t.to } : { account: t.to, counterparty: t.from });
  return parties;
}

/** An attempt the compliance registry blocked (where its logs show one): a `blocked` alert, low, per attempt. */
export function blockedAttempt(attempt: Omit<ObservedTransfer, "counterpartySanctioned">): Alert {
  return {
    rule: "blocked",
    severity: RULE_SEVERITY.blocked,
    account: attempt.account,
    community: attempt.community,
    txHash: attempt.txHash,
    amount: attempt.amount,
    at: attempt.at,
  };
}

/**
 * `AlertState` as JSON (bigints as decimal strings), for a text or json column: what `JSON.stringify` with a bigint
 * replacer writes, written directly (a third of the time; the Transfer handler encodes a state per transfer).
 */
export function encodeAlertState(s: AlertState): string {
  const list = (values: bigint[]) => values.map((v) => `"${v}"`).join(",");
  return (
    `{"lastAt":"${s.lastAt}","day":"${s.day}","dayTotal":"${s.dayTotal}","dayAlerted":${s.dayAlerted},` +
    `"structuring":[${list(s.structuring)}],"structuringSilentUntil":"${s.structuringSilentUntil}",` +
    `"velocity":[${list(s.velocity)}],"velocitySilentUntil":"${s.velocitySilentUntil}"}`
  );
}

/** The inverse of `encodeAlertState`. */
export function decodeAlertState(json: string): AlertState {
  const raw = JSON.parse(json) as Record<keyof AlertState, unknown>;
  const big = (v: unknown) => BigInt(v as string);
  return {
    lastAt: big(raw.lastAt),
    day: big(raw.day),
    dayTotal: big(raw.dayTotal),
    dayAlerted: raw.dayAlerted === true,
    structuring: (raw.structuring as string[]).map(big),
    structuringSilentUntil: big(raw.structuringSilentUntil),
    velocity: (raw.velocity as string[]).map(big),
    velocitySilentUntil: big(raw.velocitySilentUntil),
  };
}

/** Whole units ("10000", "9500.5") to 18-decimal fixed point. */
function units(field: string, value: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(value);
  if (!match) throw new Error(`alerts.${field}: expected whole units such as "10000", got ${JSON.stringify(value)}`);
  return BigInt(match[1]!) * UNIT + BigInt((match[2] ?? "").padEnd(18, "0"));
}

/**
 * The thresholds of `community` from the deployment file's `alerts` section: the community's overrides over the
 * file's defaults over `DEFAULT_THRESHOLDS` (no section: the defaults).
 */
export function thresholdsFor(settings: AlertSettings | undefined, community: string): Thresholds {
  const json: Partial<AlertsJson> = { ...settings?.defaults, ...settings?.communities[community] };
  const band = json.structuringBandPercent;
  return thresholdsFromConfig({
    large: json.large === undefined ? undefined : units("large", json.large),
    dailyTotal: json.dailyTotal === undefined ? undefined : units("dailyTotal", json.dailyTotal),
    structuringLowBps: band === undefined ? undefined : band[0] * 100,
    structuringHighBps: band === undefined ? undefined : band[1] * 100,
    structuringCount: json.structuringCount,
    structuringWindow: json.structuringWindow === undefined ? undefined : BigInt(json.structuringWindow),
    velocityCount: json.velocityCount,
    velocityWindow: json.velocityWindow === undefined ? undefined : BigInt(json.velocityWindow),
  });
}

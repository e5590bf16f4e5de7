import { ethers } from "ethers";

/** The governors' ProposalState enum (OpenZeppelin 5), by value. */
export const STATE_NAMES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"];
export const STATE = {
  Pending: 0n,
  Active: 1n,
  Canceled: 2n,
  Defeated: 3n,
  Succeeded: 4n,
  Queued: 5n,
  Expired: 6n,
  Executed: 7n,
} as const;

export function stateName(state: bigint | number): string {
  return STATE_NAMES[Number(state)] ?? `unknown state ${state}`;
}

/** A unix time (seconds) as a UTC ISO time without milliseconds. */
export function isoTime(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** "in 1h 2m 3s" / "2m ago", relative to the chain's clock. */
export function relative(seconds: bigint, now: bigint): string {
  const delta = seconds - now;
  const abs = delta < 0n ? -delta : delta;
  const h = abs / 3600n;
  const m = (abs % 3600n) / 60n;
  const s = abs % 60n;
  const span = [h ? `${h}h` : "", m ? `${m}m` : "", s || (!h && !m) ? `${s}s` : ""].filter(Boolean).join(" ");
  return delta >= 0n ? `in ${span}` : `${span} ago`;
}

/** How a governor measures time (EIP-6372): timestamps, or block numbers on older tokens. */
export interface Clock {
  timestamp: boolean;
}

/** A governor timepoint as a time (timestamp clock) or a block number. */
export function timepoint(value: bigint, clock: Clock): string {
  return clock.timestamp ? isoTime(value) : `block ${value}`;
}

/** Units in which a governor counts votes: a token's (decimals and symbol) or federation seats. */
export interface VoteUnits {
  decimals: number;
  symbol: string;
}

/** 1234567.5 -> "1,234,567.5". */
export function formatAmount(value: bigint, units: VoteUnits): string {
  const [whole = "0", fraction] = ethers.formatUnits(value, units.decimals).split(".");
  const negative = whole.startsWith("-");
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const tail = fraction && /[1-9]/.test(fraction) ? `.${fraction.replace(/0+$/, "")}` : "";
  const unit = units.decimals === 0 ? (value === 1n ? units.symbol.replace(/s$/, "") : units.symbol) : units.symbol;
  return `${negative ? "-" : ""}${grouped}${tail} ${unit}`;
}

/** A proposal id as its explorers' short form: 0x and its first 8 hex digits. */
export function shortId(id: bigint): string {
  return `0x${id.toString(16).padStart(64, "0").slice(0, 8)}`;
}

export function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim()) ?? "";
  return line.replace(/^#+\s*/, "").trim();
}

/**
 * Argument parsing for the business GraphQL API and the CSV reports: addresses, UTC days and ranges, page sizes,
 * opaque cursors. Every failure is a `GraphQLError` with an `extensions.code` a client can branch on and a message
 * that names the argument and what was wrong with it. No Ponder imports, so the unit tests load this file directly.
 */
import { GraphQLError } from "graphql";
import { DAY as DAY_SECONDS } from "../../lib/bridge";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function fail(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** A short, quoted rendering of a bad value for an error message (long strings cut, non-strings described). */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value === null || value === undefined) return String(value);
  return typeof value === "bigint" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : typeof value;
}

/** `value` as a lowercase address; BAD_ADDRESS unless it is 0x followed by 40 hex digits (any case). */
export function parseAddress(value: unknown, argName: string): string {
  if (typeof value !== "string" || !ADDRESS.test(value)) {
    throw fail(
      "BAD_ADDRESS",
      `"${argName}" is not an address: expected 0x followed by 40 hex digits, got ${shown(value)}`,
    );
  }
  return value.toLowerCase();
}

/** The start (00:00 UTC, in seconds) of the day `value` (YYYY-MM-DD, a real calendar date); BAD_DATE otherwise. */
export function parseDay(value: unknown, argName: string): bigint {
  const match = typeof value === "string" ? DAY.exec(value) : null;
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, day);
    const back = new Date(ms);
    // Date.UTC rolls 2026-02-30 over to March 2: a real date reads back unchanged
    if (back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day) {
      return BigInt(ms / 1000);
    }
    throw fail("BAD_DATE", `"${argName}" is not a calendar date: ${shown(value)} does not exist`);
  }
  throw fail("BAD_DATE", `"${argName}" is not a date: expected YYYY-MM-DD (UTC), got ${shown(value)}`);
}

/** A range of whole UTC days. */
export interface DayRange {
  /** 00:00 UTC of the first day, in seconds. */
  from: bigint;
  /** 00:00 UTC of the last day (inclusive), in seconds. */
  to: bigint;
  /** How many days, both ends included. */
  days: number;
}

/** The days `from`..`to` (both YYYY-MM-DD, inclusive); BAD_DATE_RANGE if `from` is after `to` or it spans > maxDays. */
export function parseRange(from: unknown, to: unknown, { maxDays = 366 }: { maxDays?: number } = {}): DayRange {
  const start = parseDay(from, "from");
  const end = parseDay(to, "to");
  if (start > end) {
    throw fail("BAD_DATE_RANGE", `"from" (${String(from)}) is after "to" (${String(to)})`);
  }
  const days = Number((end - start) / DAY_SECONDS) + 1;
  if (days > maxDays) {
    throw fail(
      "BAD_DATE_RANGE",
      `the range ${String(from)} to ${String(to)} covers ${days} days; the limit is ${maxDays} days`,
    );
  }
  return { from: start, to: end, days };
}

/** The page size `first` (default when null/undefined); BAD_LIMIT unless a whole number in 1..max. */
export function parseLimit(
  first: unknown,
  { max = 500, default: fallback = 100 }: { max?: number; default?: number } = {},
): number {
  if (first === null || first === undefined) return fallback;
  if (typeof first !== "number" || !Number.isInteger(first) || first < 1 || first > max) {
    throw fail("BAD_LIMIT", `"first" must be a whole number from 1 to ${max}, got ${shown(first)}`);
  }
  return first;
}

/** An opaque cursor (base64url of a JSON array; bigints travel as decimal strings) for keyset pagination. */
export function encodeCursor(parts: readonly (string | number | bigint)[]): string {
  const json = JSON.stringify(parts.map((part) => (typeof part === "bigint" ? part.toString() : part)));
  return Buffer.from(json, "utf8").toString("base64url");
}

/** The parts of a cursor made by `encodeCursor` (bigints come back as strings); BAD_CURSOR for anything else. */
export function decodeCursor(cursor: unknown): (string | number)[] {
  const bad = () => fail("BAD_CURSOR", `"after" is not a cursor from this API: ${shown(cursor)}`);
  if (typeof cursor !== "string" || cursor.length === 0 || cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw bad();
  }
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parts) || !parts.every((p) => typeof p === "string" || typeof p === "number")) throw bad();
  return parts as (string | number)[];
}

/** UNKNOWN_COMMUNITY for the community id `id`, listing the `known` ones. */
export function unknownCommunity(id: string, known: readonly string[]): GraphQLError {
  return fail("UNKNOWN_COMMUNITY", `no community ${JSON.stringify(id)}; known: ${[...known].sort().join(", ")}`);
}

/** `seconds` since the epoch as ISO-8601 UTC without milliseconds, e.g. "2026-11-22T06:16:46Z". */
export function isoTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The UTC date (YYYY-MM-DD) of the day starting at `daySeconds`. */
export function isoDate(daySeconds: bigint): string {
  return new Date(Number(daySeconds) * 1000).toISOString().slice(0, 10);
}

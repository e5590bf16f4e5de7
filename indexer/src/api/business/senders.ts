/**
 * Distinct senders over ranges of UTC days (a scope's active users and retention), from each day's senders held
 * in memory as small integer ids: a range's count is a union of its days' id lists in a bitmap, instead of a scan
 * of `account_day` per request. A day's senders are read once when the day is final (see FinalCache); the days
 * that may still change, once per snapshot.
 */
import { sql } from "drizzle-orm";
import { DAY, daysOf } from "../../lib/bridge";
import type { ApiContext } from "./context";
import { FinalCache } from "./snapshot";

/** Distinct senders of a period, of the period before it, and of both. */
export interface Activity {
  active: number;
  previous: number;
  retained: number;
}

/** The ids of `lists` as a bitmap of `words` 32-bit words. */
function bitmap(lists: readonly Uint32Array[], words: number): Int32Array {
  const bits = new Int32Array(words);
  for (const ids of lists) {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      bits[id >>> 5]! |= 1 << (id & 31);
    }
  }
  return bits;
}

/** The set bits of a 32-bit word. */
function bitCount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Counts distinct ids over `current` (the period's days' id lists) and `previous` (the period before), and the ids
 * in both; `size` bounds the ids. Each period's ids go into a bitmap (no branch per id, 1 bit each), then counted.
 */
export function countActivity(
  current: readonly Uint32Array[],
  previous: readonly Uint32Array[],
  size: number,
): Activity {
  const words = (size + 31) >>> 5;
  const before = bitmap(previous, words);
  const now = bitmap(current, words);
  const counts = { active: 0, previous: 0, retained: 0 };
  for (let w = 0; w < words; w++) {
    const p = before[w]!;
    const c = now[w]!;
    if (p !== 0) counts.previous += bitCount(p);
    if (c !== 0) {
      counts.active += bitCount(c);
      if (p !== 0) counts.retained += bitCount(p & c);
    }
  }
  return counts;
}

/** Each day's senders by token (lowercase), as ids; the ids shared by every day and token. */
export class SenderDays {
  private readonly ids = new Map<string, number>();
  private readonly days: FinalCache;

  constructor(maxFinalDays = 1_000) {
    this.days = new FinalCache(maxFinalDays, 64);
  }

  private idOf(account: string): number {
    let id = this.ids.get(account);
    if (id === undefined) this.ids.set(account, (id = this.ids.size));
    return id;
  }

  /** The senders of each day of from..to, by token. */
  private async read(ctx: ApiContext, from: bigint, to: bigint): Promise<Map<bigint, Map<string, Uint32Array>>> {
    const rows = await ctx.query<{ day: string; token: string; account: string }>(
      sql`SELECT day, token, account FROM account_day WHERE day BETWEEN ${from} AND ${to} AND sent_count > 0`,
    );
    const lists = new Map<bigint, Map<string, number[]>>();
    for (const r of rows) {
      const day = BigInt(r.day);
      const token = String(r.token).toLowerCase();
      let byToken = lists.get(day);
      if (!byToken) lists.set(day, (byToken = new Map()));
      let list = byToken.get(token);
      if (!list) byToken.set(token, (list = []));
      list.push(this.idOf(String(r.account).toLowerCase()));
    }
    return new Map(
      [...lists].map(([day, byToken]) => [
        day,
        new Map([...byToken].map(([token, list]) => [token, Uint32Array.from(list)])),
      ]),
    );
  }

  /**
   * The id lists of `token` (every token when null), a list of lists per day of from..to. A final day is read once
   * and kept; the days after the last final one are read together, once per snapshot.
   */
  private async lists(ctx: ApiContext, token: string | null, from: bigint, to: bigint, finalizedAt: bigint) {
    const snapshot = await ctx.snapshot();
    const days = daysOf(from, to);
    const isFinal = (day: bigint) => day + DAY <= finalizedAt;
    const open = days.filter((day) => !isFinal(day));
    const [finalDays, openDays] = await Promise.all([
      Promise.all(
        days.filter(isFinal).map(async (day) => {
          const read = await this.days.get(snapshot, `senders:${day}`, true, () => this.read(ctx, day, day));
          return [day, read.get(day)] as const;
        }),
      ),
      open.length === 0
        ? new Map<bigint, Map<string, Uint32Array>>()
        : this.days.get(snapshot, `senders:${open[0]}..${open.at(-1)}`, false, () =>
            this.read(ctx, open[0]!, open.at(-1)!),
          ),
    ]);
    const byDay = new Map([...finalDays, ...openDays]);
    return days.map((day) => {
      const byToken = byDay.get(day) ?? new Map<string, Uint32Array>();
      return token === null ? [...byToken.values()] : [byToken.get(token) ?? new Uint32Array()];
    });
  }

  /** Distinct senders of `token` (all tokens when null) in from..to, in the `days` before, and in both. */
  async activity(ctx: ApiContext, token: string | null, from: bigint, to: bigint, days: number, finalizedAt: bigint) {
    const current = (await this.lists(ctx, token, from, to, finalizedAt)).flat();
    const previous = (await this.lists(ctx, token, from - BigInt(days) * DAY, from - DAY, finalizedAt)).flat();
    return countActivity(current, previous, this.ids.size);
  }

  /** Distinct senders over all tokens, per day of from..to. */
  async perDay(ctx: ApiContext, from: bigint, to: bigint, finalizedAt: bigint): Promise<Map<bigint, number>> {
    const lists = await this.lists(ctx, null, from, to, finalizedAt);
    const counts = new Map<bigint, number>();
    daysOf(from, to).forEach((day, i) => counts.set(day, countActivity(lists[i]!, [], this.ids.size).active));
    return counts;
  }
}

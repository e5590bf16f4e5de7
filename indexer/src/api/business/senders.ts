/**
 * Distinct senders over ranges of UTC days (a scope's active users and retention), from each day's senders held
 * in memory as small integer ids: a range's count is a union of its days' id lists in a bitmap, instead of a scan
 * of `account_day` per request. A day's senders are read once when the day is final (see FinalCache), once per
 * snapshot while it may still change.
 */
import { sql } from "drizzle-orm";
import type { ApiContext } from "./context";
import { FinalCache } from "./snapshot";

const DAY = 86_400n;

/** Distinct senders of a period, of the period before it, and of both. */
export interface Activity {
  active: number;
  previous: number;
  retained: number;
}

/**
 * Counts distinct ids over `current` (the period's days' id lists) and `previous` (the period before), and the ids
 * in both; `size` bounds the ids.
 */
export function countActivity(
  current: readonly Uint32Array[],
  previous: readonly Uint32Array[],
  size: number,
): Activity {
  const seen = new Uint8Array(size);
  let before = 0;
  let active = 0;
  let retained = 0;
  for (const ids of previous) {
    for (const id of ids) {
      if ((seen[id]! & 1) === 0) {
        seen[id] = 1;
        before++;
      }
    }
  }
  for (const ids of current) {
    for (const id of ids) {
      const s = seen[id]!;
      if ((s & 2) === 0) {
        seen[id] = s | 2;
        active++;
        if (s & 1) retained++;
      }
    }
  }
  return { active, previous: before, retained };
}

/** The UTC days from..to (00:00 timestamps), both included. */
function daysOf(from: bigint, to: bigint): bigint[] {
  const days: bigint[] = [];
  for (let day = from; day <= to; day += DAY) days.push(day);
  return days;
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

  /** The senders of `day` by token. */
  private day(ctx: ApiContext, snapshot: string | undefined, day: bigint, finalizedAt: bigint) {
    return this.days.get(snapshot, `senders:${day}`, day + DAY <= finalizedAt, async () => {
      const rows = await ctx.query<{ token: string; account: string }>(
        sql`SELECT token, account FROM account_day WHERE day = ${day} AND sent_count > 0`,
      );
      const byToken = new Map<string, number[]>();
      for (const r of rows) {
        const token = String(r.token).toLowerCase();
        let list = byToken.get(token);
        if (!list) byToken.set(token, (list = []));
        list.push(this.idOf(String(r.account).toLowerCase()));
      }
      return new Map([...byToken].map(([token, list]) => [token, Uint32Array.from(list)]));
    });
  }

  /** The id lists of `token` (every token when null) over the days from..to. */
  private async lists(ctx: ApiContext, token: string | null, from: bigint, to: bigint, finalizedAt: bigint) {
    const snapshot = await ctx.snapshot();
    const days = await Promise.all(daysOf(from, to).map((day) => this.day(ctx, snapshot, day, finalizedAt)));
    return days.map((byToken) => (token === null ? [...byToken.values()] : [byToken.get(token) ?? new Uint32Array()]));
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

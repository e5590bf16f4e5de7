/**
 * Answers kept per database snapshot, for the reads that many requests repeat (analytics, statements, histories,
 * alert pages): the API only reads, so an answer computed on a snapshot holds for every request on that snapshot.
 */
import { sql } from "drizzle-orm";
import type { ApiContext } from "./context";

type Row = Record<string, unknown>;

/**
 * Answers by database snapshot. Two statements that run on the same snapshot (`pg_current_snapshot()`: the same
 * committed transactions, the same in-progress ones) see the same rows, so a request on the snapshot an answer was
 * computed on gets that answer without the reads: the same answer the reads would give. The API only reads; once the
 * indexer commits, the snapshot differs and the cache starts afresh. Concurrent requests for one answer share one
 * computation; at most `max` answers per snapshot. Without a snapshot (a test's fake database) nothing is cached.
 */
export class SnapshotCache {
  private snapshot: string | undefined;
  private answers = new Map<string, Promise<unknown>>();

  constructor(private readonly max = 256) {}

  /** The current snapshot of the database behind `ctx`, or undefined if it does not tell. */
  static async snapshotOf(ctx: ApiContext): Promise<string | undefined> {
    const [row] = await ctx.query<Row>(sql`SELECT pg_current_snapshot()::text AS snapshot`);
    return typeof row?.snapshot === "string" ? row.snapshot : undefined;
  }

  async get<T>(snapshot: string | undefined, key: string, compute: () => Promise<T>): Promise<T> {
    if (snapshot === undefined) return compute();
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.answers = new Map();
    }
    const cached = this.answers.get(key) as Promise<T> | undefined;
    if (cached) return cached;
    if (this.answers.size >= this.max) this.answers.clear();
    const answers = this.answers;
    const answer = compute();
    answers.set(key, answer);
    answer.catch(() => answers.delete(key)); // an error is not an answer: the next request tries again
    return answer;
  }
}

/**
 * Answers kept per database snapshot, for the reads that many requests repeat: whole GraphQL answers (ResponseCache),
 * and the analytics, statements, histories and alert pages behind them (SnapshotCache), which requests for other
 * pages or fields share. The API only reads, so an answer computed on a snapshot holds for every request on it.
 */
import { type SQL, sql } from "drizzle-orm";

/**
 * The current snapshot of the database (`pg_current_snapshot()`: the committed transactions and the ones in
 * progress), or undefined if the database does not tell. Two statements on the same snapshot see the same rows.
 */
export async function readSnapshot(
  query: (statement: SQL) => Promise<Record<string, unknown>[]>,
): Promise<string | undefined> {
  const [row] = await query(sql`SELECT pg_current_snapshot()::text AS snapshot`);
  return typeof row?.snapshot === "string" ? row.snapshot : undefined;
}

/**
 * Answers by database snapshot. Two statements that run on the same snapshot see the same rows, so a request on the
 * snapshot an answer was computed on gets that answer without the reads: the same answer the reads would give. The
 * API only reads; once the indexer commits, the snapshot differs and the cache starts afresh. Concurrent requests
 * for one answer share one computation; at most `max` answers per snapshot. Without a snapshot (a test's fake
 * database) nothing is cached.
 */
export class SnapshotCache {
  private snapshot: string | undefined;
  private answers = new Map<string, Promise<unknown>>();

  constructor(private readonly max = 256) {}

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

/** A whole answer of the GraphQL endpoint. */
export interface CachedResponse {
  contentType: string;
  body: string;
}

/**
 * Whole successful GraphQL answers by snapshot and request (the caller names what the answer depends on besides the
 * data: the key's scope, the body, the accepted media type). A repeated request on an unchanged snapshot is answered
 * without parsing, validating or resolving it again. The caller keeps successful answers only (an answer with an
 * error may be an internal one that passes). At most `maxBytes` of answers (UTF-16 length), none over
 * `maxAnswerBytes`; when full, the oldest go first. A request that arrives while the same one is computed on the same
 * snapshot waits for that computation (`track`, `lookup`).
 */
export class ResponseCache {
  private snapshot: string | undefined;
  private answers = new Map<string, CachedResponse>();
  private bytes = 0;
  /** The computations under way, by snapshot and request. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly maxAnswerBytes = 1024 * 1024,
  ) {}

  /** The answer kept for `key` on `snapshot`, if any. */
  find(snapshot: string | undefined, key: string): CachedResponse | undefined {
    if (snapshot === undefined || snapshot !== this.snapshot) return undefined;
    return this.answers.get(key);
  }

  /**
   * The answer kept for `key` on `snapshot`, once the computation of the same under way (see `track`), if any, is
   * over: concurrent identical requests then share one computation.
   */
  async lookup(snapshot: string | undefined, key: string): Promise<CachedResponse | undefined> {
    if (snapshot === undefined) return undefined;
    const under = this.running.get(`${snapshot}\n${key}`);
    if (under) await under.catch(() => undefined);
    return this.find(snapshot, key);
  }

  /** Marks `computing` as the computation of `key` on `snapshot` until it settles (unless one already is). */
  track<T>(snapshot: string | undefined, key: string, computing: Promise<T>): Promise<T> {
    if (snapshot === undefined) return computing;
    const flight = `${snapshot}\n${key}`;
    if (this.running.has(flight)) return computing;
    this.running.set(flight, computing);
    const done = () => void this.running.delete(flight);
    computing.then(done, done);
    return computing;
  }

  /**
   * Keeps the successful answer `answer` for `key` on `snapshot` (read before the answer was computed) if it is
   * within the limits; nothing without a snapshot.
   */
  keep(snapshot: string | undefined, key: string, answer: CachedResponse): void {
    const size = answer.body.length + key.length;
    if (size > this.maxAnswerBytes || snapshot === undefined) return;
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.answers = new Map();
      this.bytes = 0;
    }
    const previous = this.answers.get(key);
    if (previous) {
      this.answers.delete(key);
      this.bytes -= previous.body.length + key.length;
    }
    for (const [oldKey, old] of this.answers) {
      if (this.bytes + size <= this.maxBytes) break;
      this.answers.delete(oldKey);
      this.bytes -= old.body.length + oldKey.length;
    }
    this.answers.set(key, answer);
    this.bytes += size;
  }

  /** How many answers are kept. */
  get size(): number {
    return this.answers.size;
  }
}

/**
 * The block timestamp up to which the indexed data is final: the indexer's finalized checkpoint (`_ponder_meta`,
 * whose first 10 digits are the block's timestamp). Ponder reverts no row at or before it, and later blocks have
 * later or equal timestamps, so a UTC day that ended at or before it can no longer change. 0 when unknown.
 */
export async function finalizedTimestamp(
  query: (statement: SQL) => Promise<Record<string, unknown>[]>,
): Promise<bigint> {
  const [row] = await query(sql`SELECT value->>'checkpoint' AS checkpoint FROM _ponder_meta WHERE key = 'app'`);
  const checkpoint = row?.checkpoint;
  return typeof checkpoint === "string" && /^\d{10}/.test(checkpoint) ? BigInt(checkpoint.slice(0, 10)) : 0n;
}

/**
 * Answers about final data (a UTC day that ended at or before the finalized block) kept across snapshots: no later
 * block or reorg can change them. Answers about data that may still change are kept per snapshot only. At most
 * `maxFinal` final answers; the least recently used go first.
 */
export class FinalCache {
  private readonly final = new Map<string, Promise<unknown>>();
  private readonly recent: SnapshotCache;

  constructor(
    private readonly maxFinal = 2_000,
    maxRecent = 256,
  ) {
    this.recent = new SnapshotCache(maxRecent);
  }

  /** The final answer kept for `key`, if any (no computation). */
  peek<T>(key: string): Promise<T> | undefined {
    return this.final.get(key) as Promise<T> | undefined;
  }

  /** Keeps `answer` as the final answer for `key` (one computed together with another's). */
  put<T>(key: string, answer: T): void {
    this.final.delete(key);
    if (this.final.size >= this.maxFinal) this.final.delete(this.final.keys().next().value!);
    this.final.set(key, Promise.resolve(answer));
  }

  async get<T>(snapshot: string | undefined, key: string, final: boolean, compute: () => Promise<T>): Promise<T> {
    if (!final) return this.recent.get(snapshot, key, compute);
    const kept = this.final.get(key) as Promise<T> | undefined;
    if (kept) {
      this.final.delete(key);
      this.final.set(key, kept);
      return kept;
    }
    if (this.final.size >= this.maxFinal) this.final.delete(this.final.keys().next().value!);
    const answer = compute();
    this.final.set(key, answer);
    answer.catch(() => this.final.delete(key)); // an error is not an answer: the next request tries again
    return answer;
  }
}

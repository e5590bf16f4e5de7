/**
 * Per-key rate limiting for the business API: a token bucket per API key id, refilled continuously at
 * `ratePerSecond` up to `burst` tokens; each request takes one. In memory, per process, and bounded: a bucket idle
 * long enough to be full again is the same as no bucket, so a sweep drops those, and past `maxBuckets` the least
 * recently used bucket goes first. The clock is injectable so tests run without waiting.
 */

/** The answer to one request. */
export type TakeResult =
  | { allowed: true }
  | {
      allowed: false;
      /** Whole seconds until the bucket holds a token again (at least 1: the Retry-After header). */
      retryAfterSeconds: number;
      /** The same, in milliseconds, not rounded. */
      retryAfterMs: number;
    };

interface Bucket {
  tokens: number;
  /** The clock (ms) when `tokens` was last brought up to date. */
  at: number;
  ratePerSecond: number;
  burst: number;
}

export interface RateLimiterOptions {
  /** The clock in milliseconds; Date.now by default. */
  now?: () => number;
  /** The most buckets kept; the least recently used beyond it are dropped. */
  maxBuckets?: number;
  /** How often (ms) to drop buckets that have refilled to full. */
  sweepEveryMs?: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly maxBuckets: number;
  private readonly sweepEveryMs: number;
  private lastSweep: number;

  constructor({ now = Date.now, maxBuckets = 100_000, sweepEveryMs = 60_000 }: RateLimiterOptions = {}) {
    this.now = now;
    this.maxBuckets = maxBuckets;
    this.sweepEveryMs = sweepEveryMs;
    this.lastSweep = now();
  }

  /** How many buckets are held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token from `id`'s bucket, or says how long until one is there. */
  take(id: string, ratePerSecond: number, burst: number): TakeResult {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError("ratePerSecond must be > 0 and burst >= 1");
    const now = this.now();
    if (now - this.lastSweep >= this.sweepEveryMs) this.sweep(now);

    const previous = this.buckets.get(id);
    const bucket: Bucket = previous
      ? { ...previous, tokens: refilled(previous, now, ratePerSecond, burst), at: now, ratePerSecond, burst }
      : { tokens: burst, at: now, ratePerSecond, burst };
    // re-insert so the Map's order is least recently used first
    this.buckets.delete(id);
    this.buckets.set(id, bucket);
    while (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }

    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const seconds = (1 - bucket.tokens) / ratePerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(seconds)), retryAfterMs: seconds * 1000 };
  }

  /** Drops every bucket that has refilled to full: forgetting it changes nothing. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, bucket] of this.buckets) {
      if (refilled(bucket, now, bucket.ratePerSecond, bucket.burst) >= bucket.burst) this.buckets.delete(id);
    }
  }
}

function refilled(bucket: Bucket, now: number, ratePerSecond: number, burst: number): number {
  const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
  return Math.min(burst, bucket.tokens + elapsedSeconds * ratePerSecond);
}

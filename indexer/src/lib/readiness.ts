/**
 * Whether the indexer's data is current, for `GET /api/ready`. Ponder's own `/ready` answers 200 once the historical
 * backfill is done and stays 200 whatever happens next; a business filing a report needs more: the indexer has
 * reached the chain's head, give or take `maxLagBlocks`, and the node answers. Pure: the route gathers the facts.
 */

/** What the route knows: Ponder's status row of the chain, and the node's head (or why it has none). */
export interface ReadinessFacts {
  /** The latest indexed block and whether the backfill is done; null before Ponder wrote its status. */
  indexed: { block: number | null; timestamp: number | null; backfilled: boolean } | null;
  /** The node's head block number, or the error the node gave (unreachable, timed out). */
  head: { block: number } | { error: string };
  /** Seconds since the epoch, now. */
  now: number;
  /** How many blocks behind the head still counts as current. */
  maxLagBlocks: number;
}

export interface Readiness {
  /** 200 if current, 503 if not. */
  status: 200 | 503;
  current: boolean;
  /** Why not current (empty when current). */
  reasons: string[];
  indexedBlock: number | null;
  headBlock: number | null;
  lagBlocks: number | null;
  /** Seconds since the latest indexed block's timestamp. */
  indexedAgeSeconds: number | null;
  node: "ok" | "unreachable";
}

export function readiness(facts: ReadinessFacts): Readiness {
  const { indexed, head, now, maxLagBlocks } = facts;
  const reasons: string[] = [];
  const indexedBlock = indexed?.block ?? null;
  const headBlock = "block" in head ? head.block : null;
  if (indexed === null || indexedBlock === null) reasons.push("the indexer has not indexed a block yet");
  else if (!indexed.backfilled) reasons.push("the historical backfill is not complete");
  if (headBlock === null) reasons.push(`the node does not answer: ${"error" in head ? head.error : "no head"}`);
  const lagBlocks = indexedBlock !== null && headBlock !== null ? Math.max(0, headBlock - indexedBlock) : null;
  if (lagBlocks !== null && lagBlocks > maxLagBlocks) {
    reasons.push(`the indexer is ${lagBlocks} blocks behind the head (at most ${maxLagBlocks} counts as current)`);
  }
  const current = reasons.length === 0;
  return {
    status: current ? 200 : 503,
    current,
    reasons,
    indexedBlock,
    headBlock,
    lagBlocks,
    indexedAgeSeconds: indexed?.timestamp == null ? null : Math.max(0, now - indexed.timestamp),
    node: headBlock === null ? "unreachable" : "ok",
  };
}

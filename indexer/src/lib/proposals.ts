/**
 * Pure rules for a community governor's proposals (OpenZeppelin Governor with CountingSimple, QuorumFraction,
 * TimelockControl and PreventLateQuorum, on the token's timestamp clock). The indexer stores a proposal's last
 * lifecycle event (`status`) with its times and tallies; the states that no event marks (pending, active, defeated,
 * succeeded) follow from those and the time, as `proposalState` computes them. No Ponder or database imports here,
 * so clients and the unit tests (test/indexer/) load this file directly.
 */

/** The last lifecycle event of a proposal, as the indexer stores it. */
export type ProposalStatus = "created" | "extended" | "queued" | "executed" | "canceled";

/** The governor's `state()`: OpenZeppelin's ProposalState, lower-case. */
export type ProposalState =
  "pending" | "active" | "canceled" | "defeated" | "succeeded" | "queued" | "expired" | "executed";

/** OpenZeppelin's ProposalState enum order, for comparing with `governor.state(id)` on chain. */
export const PROPOSAL_STATES: readonly ProposalState[] = [
  "pending",
  "active",
  "canceled",
  "defeated",
  "succeeded",
  "queued",
  "expired",
  "executed",
];

export type VoteSupport = "against" | "for" | "abstain";

/** GovernorCountingSimple's support values: 0 against, 1 for, 2 abstain; anything else reverts on chain. */
export function voteSupport(support: number): VoteSupport {
  if (support === 0) return "against";
  if (support === 1) return "for";
  if (support === 2) return "abstain";
  throw new Error(`unknown vote support ${support}: GovernorCountingSimple counts 0, 1 and 2`);
}

export interface Tallies {
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
}

/** The tallies after a vote of `weight` with `support`. */
export function tallyVote(tallies: Tallies, support: VoteSupport, weight: bigint): Tallies {
  return {
    forVotes: tallies.forVotes + (support === "for" ? weight : 0n),
    againstVotes: tallies.againstVotes + (support === "against" ? weight : 0n),
    abstainVotes: tallies.abstainVotes + (support === "abstain" ? weight : 0n),
  };
}

export interface ProposalFacts extends Tallies {
  status: ProposalStatus;
  voteStart: bigint;
  voteEnd: bigint;
  /** Votes needed (for + abstain) at the snapshot; null while nobody has voted. */
  quorum: bigint | null;
}

/**
 * The proposal's state at time `now` (seconds; use the timestamp of the latest indexed block, from `/status`, to
 * agree with the governor at that block), as OpenZeppelin's Governor.state() decides it:
 * executed and canceled are final; pending while now <= voteStart; active while now <= voteEnd (the deadline, moved
 * by an extension); then defeated unless the quorum is reached (for + abstain >= quorum) and for > against;
 * queued once queued (until executed), else succeeded. A proposal nobody voted on is defeated: for > against fails.
 */
export function proposalState(p: ProposalFacts, now: bigint): ProposalState {
  if (p.status === "executed") return "executed";
  if (p.status === "canceled") return "canceled";
  if (now <= p.voteStart) return "pending";
  if (now <= p.voteEnd) return "active";
  if (!quorumReached(p) || !voteSucceeded(p)) return "defeated";
  if (p.status === "queued") return "queued";
  return "succeeded";
}

/** GovernorCountingSimple: for and abstain votes count toward the quorum. */
export function quorumReached(p: Tallies & { quorum: bigint | null }): boolean {
  return p.quorum !== null && p.forVotes + p.abstainVotes >= p.quorum;
}

/** GovernorCountingSimple: strictly more for than against. */
export function voteSucceeded(p: Tallies): boolean {
  return p.forVotes > p.againstVotes;
}

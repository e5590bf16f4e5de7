/**
 * What the community governors' handlers (src/governance.ts) and the federation governor's
 * (src/federationGovernance.ts) share: proposal, vote and governance-setting rows. A row's `scope` and `token` (the
 * governor's votes token: a community's token, or the FederationSeats) tell the two kinds of governor apart.
 */
import type { Context } from "ponder:registry";
import { governanceEvent, proposal, vote } from "ponder:schema";
import type { Address, Hex } from "viem";
import { tallyVote, voteSupport } from "./lib/proposals";
import { logColumns } from "./store";

type Db = Context["db"];
export type LogEvent = Parameters<typeof logColumns>[0] & { log: { address: Address } };
export type ProposalRow = typeof proposal.$inferSelect;
export type SettingKind = (typeof governanceEvent.$inferInsert)["kind"];

/** Whose governor emitted a log: `scope`, and the governor's votes token (a community's token, or the seats). */
export interface GovernorOwner {
  scope: "community" | "federation";
  token: Address;
}

type ProposalCreatedLog = LogEvent & {
  transaction: { hash: Hex };
  args: {
    proposalId: bigint;
    proposer: Address;
    targets: readonly Address[];
    values: readonly bigint[];
    signatures: readonly string[];
    calldatas: readonly Hex[];
    voteStart: bigint;
    voteEnd: bigint;
    description: string;
  };
};

/** The proposal's row, from its ProposalCreated log. */
export async function insertProposal(db: Db, event: ProposalCreatedLog, owner: GovernorOwner): Promise<void> {
  const { proposalId, proposer, targets, values, signatures, calldatas, voteStart, voteEnd, description } = event.args;
  await db.insert(proposal).values({
    governor: event.log.address,
    proposalId,
    scope: owner.scope,
    token: owner.token,
    proposer,
    targets: [...targets],
    values: [...values],
    signatures: [...signatures],
    calldatas: [...calldatas],
    description,
    voteStart,
    voteEnd,
    status: "created",
    createdAt: event.block.timestamp,
    createdBlock: event.block.number,
    createdTransaction: event.transaction.hash,
  });
}

export type VoteLog = LogEvent & {
  args: { voter: Address; proposalId: bigint; support: number; weight: bigint; reason: string; params?: Hex };
};

/**
 * One row per vote, and the proposal's tallies and voter count. At the first vote the quorum and the eligible voting
 * power (the votes token's supply) at the snapshot are settled (votes open after the snapshot): `quorumOf` gives
 * them, once.
 */
export async function insertVote(
  db: Db,
  event: VoteLog,
  owner: GovernorOwner,
  quorumOf: (p: ProposalRow) => Promise<{ quorum: bigint; eligible: bigint }>,
): Promise<void> {
  const governor = event.log.address;
  const { voter, proposalId, weight, reason, params } = event.args;
  const support = voteSupport(event.args.support);
  await db.insert(vote).values({
    ...logColumns(event),
    governor,
    proposalId,
    scope: owner.scope,
    token: owner.token,
    voter,
    support,
    weight,
    reason,
    params: params ?? null,
  });
  const key = { governor, proposalId };
  const before = await db.find(proposal, key);
  if (!before) throw new Error(`vote on unknown proposal ${proposalId} of governor ${governor}`);
  const settled =
    before.quorum !== null && before.eligibleVotingPower !== null
      ? { quorum: before.quorum, eligible: before.eligibleVotingPower }
      : await quorumOf(before);
  await db.update(proposal, key).set((p) => ({
    ...tallyVote(p, support, weight),
    voterCount: p.voterCount + 1,
    quorum: settled.quorum,
    eligibleVotingPower: settled.eligible,
  }));
}

type ProposalLog = LogEvent & { transaction: { hash: Hex }; args: { proposalId: bigint } };

export async function proposalExtended(db: Db, event: ProposalLog & { args: { extendedDeadline: bigint } }) {
  await db
    .update(proposal, { governor: event.log.address, proposalId: event.args.proposalId })
    .set({ voteEnd: event.args.extendedDeadline, status: "extended", extendedAt: event.block.timestamp });
}

export async function proposalQueued(db: Db, event: ProposalLog & { args: { etaSeconds: bigint } }) {
  await db
    .update(proposal, { governor: event.log.address, proposalId: event.args.proposalId })
    .set({ status: "queued", eta: event.args.etaSeconds, queuedAt: event.block.timestamp });
}

export async function proposalExecuted(db: Db, event: ProposalLog) {
  await db.update(proposal, { governor: event.log.address, proposalId: event.args.proposalId }).set({
    status: "executed",
    executedAt: event.block.timestamp,
    executedTransaction: event.transaction.hash,
  });
}

export async function proposalCanceled(db: Db, event: ProposalLog) {
  await db
    .update(proposal, { governor: event.log.address, proposalId: event.args.proposalId })
    .set({ status: "canceled", canceledAt: event.block.timestamp });
}

/** A governance_event row: a setting of the governor or its timelock (`event.log.address`) changed. */
export async function insertSettingEvent(
  db: Db,
  event: LogEvent,
  owner: GovernorOwner,
  kind: SettingKind,
  change: { previousValue?: bigint; newValue?: bigint; previousAddress?: Address; newAddress?: Address },
): Promise<void> {
  await db.insert(governanceEvent).values({
    ...logColumns(event),
    scope: owner.scope,
    token: owner.token,
    contract: event.log.address,
    kind,
    ...change,
  });
}

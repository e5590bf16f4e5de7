/**
 * CommunityGovernor and CommunityTimelock logs: proposals with their tallies and lifecycle, one row per vote, and
 * the community's governance settings (the launch sets each one, with a log, in the launch transaction).
 * Pending, active, defeated and succeeded follow from the stored times and tallies: see src/lib/proposals.ts.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { communityProfile, governanceEvent, proposal, vote } from "ponder:schema";
import type { Address, Hex } from "viem";
import { CommunityGovernorAbi } from "../generated/abis";
import { tallyVote, voteSupport } from "./lib/proposals";
import { changeAccount, communityOf, logColumns } from "./store";

type LogEvent = Parameters<typeof logColumns>[0] & { log: { address: Address } };

// ---------------------------------------------------------------- proposals

ponder.on("CommunityGovernor:ProposalCreated", async ({ event, context }) => {
  const governor = event.log.address;
  const { token, communityId } = await communityOf(context.db, governor);
  const { proposalId, proposer, targets, values, signatures, calldatas, voteStart, voteEnd, description } = event.args;
  await context.db.insert(proposal).values({
    governor,
    proposalId,
    token,
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
  await context.db.update(communityProfile, { id: communityId }).set((c) => ({ proposalCount: c.proposalCount + 1 }));
});

type VoteLog = LogEvent & {
  args: { voter: Address; proposalId: bigint; support: number; weight: bigint; reason: string; params?: Hex };
};

/** One row per vote; the proposal's tallies and voter count, and the voter's count of votes cast. */
async function recordVote(context: Pick<Context, "db" | "client">, event: VoteLog) {
  const governor = event.log.address;
  const { token } = await communityOf(context.db, governor);
  const { voter, proposalId, weight, reason, params } = event.args;
  const support = voteSupport(event.args.support);
  await context.db.insert(vote).values({
    ...logColumns(event),
    governor,
    proposalId,
    token,
    voter,
    support,
    weight,
    reason,
    params: params ?? null,
  });
  const key = { governor, proposalId };
  const before = await context.db.find(proposal, key);
  if (!before) throw new Error(`vote on unknown proposal ${proposalId} of governor ${governor}`);
  // Votes open after the snapshot, so at the first vote the quorum at the snapshot is settled: read it once.
  const quorum =
    before.quorum ??
    (await context.client.readContract({
      abi: CommunityGovernorAbi,
      address: governor,
      functionName: "quorum",
      args: [before.voteStart],
    }));
  await context.db
    .update(proposal, key)
    .set((p) => ({ ...tallyVote(p, support, weight), voterCount: p.voterCount + 1, quorum }));
  await changeAccount(context.db, { token, address: voter }, event.block.timestamp, (a) => ({
    votesCast: a.votesCast + 1,
  }));
}

ponder.on("CommunityGovernor:VoteCast", ({ event, context }) => recordVote(context, event));
ponder.on("CommunityGovernor:VoteCastWithParams", ({ event, context }) => recordVote(context, event));

ponder.on("CommunityGovernor:ProposalExtended", async ({ event, context }) => {
  const key = { governor: event.log.address, proposalId: event.args.proposalId };
  await context.db
    .update(proposal, key)
    .set({ voteEnd: event.args.extendedDeadline, status: "extended", extendedAt: event.block.timestamp });
});

ponder.on("CommunityGovernor:ProposalQueued", async ({ event, context }) => {
  const key = { governor: event.log.address, proposalId: event.args.proposalId };
  await context.db
    .update(proposal, key)
    .set({ status: "queued", eta: event.args.etaSeconds, queuedAt: event.block.timestamp });
});

ponder.on("CommunityGovernor:ProposalExecuted", async ({ event, context }) => {
  const key = { governor: event.log.address, proposalId: event.args.proposalId };
  await context.db.update(proposal, key).set({
    status: "executed",
    executedAt: event.block.timestamp,
    executedTransaction: event.transaction.hash,
  });
});

ponder.on("CommunityGovernor:ProposalCanceled", async ({ event, context }) => {
  const key = { governor: event.log.address, proposalId: event.args.proposalId };
  await context.db.update(proposal, key).set({ status: "canceled", canceledAt: event.block.timestamp });
});

// ---------------------------------------------------------------- settings

type Setting = "votingDelay" | "votingPeriod" | "proposalThreshold" | "quorumNumerator" | "voteExtension";
type SettingKind = (typeof governanceEvent.$inferInsert)["kind"];

/** Sets the community's `setting` to `next` and records the change. */
async function changeSetting(
  db: Context["db"],
  event: LogEvent,
  setting: Setting | "timelockMinDelay",
  kind: SettingKind,
  previous: bigint,
  next: bigint,
) {
  const { token, communityId } = await communityOf(db, event.log.address);
  await db.update(communityProfile, { id: communityId }).set({ [setting]: next });
  await db.insert(governanceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind,
    previousValue: previous,
    newValue: next,
  });
}

ponder.on("CommunityGovernor:VotingDelaySet", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "votingDelay",
    "voting_delay_set",
    event.args.oldVotingDelay,
    event.args.newVotingDelay,
  ),
);
ponder.on("CommunityGovernor:VotingPeriodSet", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "votingPeriod",
    "voting_period_set",
    event.args.oldVotingPeriod,
    event.args.newVotingPeriod,
  ),
);
ponder.on("CommunityGovernor:ProposalThresholdSet", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "proposalThreshold",
    "proposal_threshold_set",
    event.args.oldProposalThreshold,
    event.args.newProposalThreshold,
  ),
);
ponder.on("CommunityGovernor:QuorumNumeratorUpdated", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "quorumNumerator",
    "quorum_numerator_updated",
    event.args.oldQuorumNumerator,
    event.args.newQuorumNumerator,
  ),
);
ponder.on("CommunityGovernor:LateQuorumVoteExtensionSet", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "voteExtension",
    "late_quorum_vote_extension_set",
    event.args.oldVoteExtension,
    event.args.newVoteExtension,
  ),
);
ponder.on("CommunityTimelock:MinDelayChange", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "timelockMinDelay",
    "min_delay_changed",
    event.args.oldDuration,
    event.args.newDuration,
  ),
);

// The governor's executor. `community.timelock` stays the registered timelock, whose logs are indexed: a timelock
// the governor moves to later is not followed (contracts come from the CommunityRegistry alone).
ponder.on("CommunityGovernor:TimelockChange", async ({ event, context }) => {
  const { token } = await communityOf(context.db, event.log.address);
  await context.db.insert(governanceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind: "timelock_changed",
    previousAddress: event.args.oldTimelock,
    newAddress: event.args.newTimelock,
  });
});

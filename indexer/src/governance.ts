/**
 * CommunityGovernor and CommunityTimelock logs: proposals with their tallies and lifecycle, one row per vote, and
 * the community's governance settings (the launch sets each one, with a log, in the launch transaction).
 * Pending, active, defeated and succeeded follow from the stored times and tallies: see src/lib/proposals.ts.
 * The proposal, vote and settings rows are written by src/governanceStore.ts, which the federation's governor
 * (src/federationGovernance.ts) shares.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { communityProfile } from "ponder:schema";
import type { Address } from "viem";
import { CommunityGovernorAbi, CommunityTokenAbi } from "../generated/abis";
import {
  type GovernorOwner,
  insertProposal,
  insertSettingEvent,
  insertVote,
  type LogEvent,
  proposalCanceled,
  proposalExecuted,
  proposalExtended,
  proposalQueued,
  type SettingKind,
  type VoteLog,
} from "./governanceStore";
import { changeAccount, communityOf } from "./store";

type Db = Context["db"];

// ---------------------------------------------------------------- community proposals

const communityOwner = async (db: Db, address: Address): Promise<GovernorOwner & { communityId: string }> => {
  const { token, communityId } = await communityOf(db, address);
  return { scope: "community", token, communityId };
};

ponder.on("CommunityGovernor:ProposalCreated", async ({ event, context }) => {
  const owner = await communityOwner(context.db, event.log.address);
  await insertProposal(context.db, event, owner);
  await context.db
    .update(communityProfile, { id: owner.communityId })
    .set((c) => ({ proposalCount: c.proposalCount + 1 }));
});

/** The vote's row and the proposal's tallies (quorum read from the governor), and the voter's count of votes. */
async function recordCommunityVote(context: Pick<Context, "db" | "client">, event: VoteLog) {
  const governor = event.log.address;
  const owner = await communityOwner(context.db, governor);
  await insertVote(context.db, event, owner, async (p) => {
    const [quorum, eligible] = await Promise.all([
      context.client.readContract({
        abi: CommunityGovernorAbi,
        address: governor,
        functionName: "quorum",
        args: [p.voteStart],
      }),
      context.client.readContract({
        abi: CommunityTokenAbi,
        address: owner.token,
        functionName: "getPastTotalSupply",
        args: [p.voteStart],
      }),
    ]);
    return { quorum, eligible };
  });
  await changeAccount(context.db, { token: owner.token, address: event.args.voter }, event.block.timestamp, (a) => ({
    votesCast: a.votesCast + 1,
  }));
}

ponder.on("CommunityGovernor:VoteCast", ({ event, context }) => recordCommunityVote(context, event));
ponder.on("CommunityGovernor:VoteCastWithParams", ({ event, context }) => recordCommunityVote(context, event));
ponder.on("CommunityGovernor:ProposalExtended", ({ event, context }) => proposalExtended(context.db, event));
ponder.on("CommunityGovernor:ProposalQueued", ({ event, context }) => proposalQueued(context.db, event));
ponder.on("CommunityGovernor:ProposalExecuted", ({ event, context }) => proposalExecuted(context.db, event));
ponder.on("CommunityGovernor:ProposalCanceled", ({ event, context }) => proposalCanceled(context.db, event));

// ---------------------------------------------------------------- community settings

type Setting = "votingDelay" | "votingPeriod" | "proposalThreshold" | "quorumNumerator" | "voteExtension";

/** Sets the community's `setting` to `next` and records the change. */
async function changeSetting(
  db: Db,
  event: LogEvent,
  setting: Setting | "timelockMinDelay",
  kind: SettingKind,
  previous: bigint,
  next: bigint,
) {
  const owner = await communityOwner(db, event.log.address);
  await db.update(communityProfile, { id: owner.communityId }).set({ [setting]: next });
  await insertSettingEvent(db, event, owner, kind, { previousValue: previous, newValue: next });
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
  const owner = await communityOwner(context.db, event.log.address);
  await insertSettingEvent(context.db, event, owner, "timelock_changed", {
    previousAddress: event.args.oldTimelock,
    newAddress: event.args.newTimelock,
  });
});

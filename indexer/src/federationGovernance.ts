/**
 * FederationGovernor and FederationTimelock logs. The federation's proposals and votes are rows of `proposal` and
 * `vote` with scope federation and `token` the FederationSeats (src/governanceStore.ts writes both kinds); its
 * settings changes are `governanceEvent` rows and columns of the federation's row. The quorum of a proposal is
 * computed at its first vote from the indexed history: the seats' supply and the quorum numerator at the snapshot.
 *
 * The timelock's operations are followed (`timelockOperation`), and linked to the proposal that queued them (the
 * governor schedules them just before its ProposalQueued log). As GovernorTimelockControl's `state()` reads the
 * timelock, a queued proposal whose operation is executed or canceled on the timelock directly is executed or
 * canceled too, without a governor log. A proposal's execution runs its actions before ProposalExecuted: the grants,
 * parameter changes and membership events of that transaction are linked to it then.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { proposal, timelockOperation } from "ponder:schema";
import type { Address, Hex } from "viem";
import { zeroHash } from "viem";
import {
  changeFederation,
  changeVoter,
  checkpoint,
  claimProposalEffects,
  FEDERATION,
  federationQuorumAt,
} from "./federationStore";
import {
  type GovernorOwner,
  insertProposal,
  insertSettingEvent,
  insertVote,
  type LogEvent,
  proposalCanceled,
  proposalExecuted,
  proposalQueued,
  type SettingKind,
  type VoteLog,
} from "./governanceStore";
import { appendTrail, trailOf } from "./trail";

type Db = Context["db"];

const owner: GovernorOwner = { scope: "federation", token: FEDERATION.seats };

// ---------------------------------------------------------------- proposals

ponder.on("FederationGovernor:ProposalCreated", async ({ event, context }) => {
  await insertProposal(context.db, event, owner);
  await changeFederation(context.db, event.block.timestamp, (f) => ({ proposalCount: f.proposalCount + 1 }));
});

async function recordFederationVote(db: Db, event: VoteLog) {
  const governor = event.log.address;
  await insertVote(db, event, owner, (p) => federationQuorumAt(db, governor, p.voteStart));
  await changeVoter(db, event.args.voter, event.block.timestamp, (v) => ({ votesCast: v.votesCast + 1 }));
}

ponder.on("FederationGovernor:VoteCast", ({ event, context }) => recordFederationVote(context.db, event));
ponder.on("FederationGovernor:VoteCastWithParams", ({ event, context }) => recordFederationVote(context.db, event));

ponder.on("FederationGovernor:ProposalQueued", async ({ event, context }) => {
  const { db } = context;
  await proposalQueued(db, event);
  // The operation the governor scheduled in this transaction: the timelock's CallScheduled logs precede this one.
  let operation: Hex | null = null;
  for (const { id } of await trailOf(db, "scheduled_operations", event.transaction.hash)) {
    if ((await db.find(timelockOperation, { id }))?.proposalId == null) operation = id;
  }
  if (operation === null) return;
  await db.update(timelockOperation, { id: operation }).set({ proposalId: event.args.proposalId });
  await db
    .update(proposal, { governor: event.log.address, proposalId: event.args.proposalId })
    .set({ timelockOperationId: operation });
});

ponder.on("FederationGovernor:ProposalExecuted", async ({ event, context }) => {
  const { db } = context;
  await proposalExecuted(db, event);
  // What the proposal's actions emitted, earlier in this transaction, is the proposal's doing.
  await claimProposalEffects(db, event.transaction.hash, event.args.proposalId);
});

ponder.on("FederationGovernor:ProposalCanceled", ({ event, context }) => proposalCanceled(context.db, event));

// ---------------------------------------------------------------- settings

type Setting = "votingDelay" | "votingPeriod" | "proposalThreshold" | "quorumNumerator" | "timelockMinDelay";

async function changeSetting(
  db: Db,
  event: LogEvent,
  setting: Setting,
  kind: SettingKind,
  previous: bigint,
  next: bigint,
) {
  await changeFederation(db, event.block.timestamp, () => ({ [setting]: next }));
  await insertSettingEvent(db, event, owner, kind, { previousValue: previous, newValue: next });
}

ponder.on("FederationGovernor:VotingDelaySet", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "votingDelay",
    "voting_delay_set",
    event.args.oldVotingDelay,
    event.args.newVotingDelay,
  ),
);
ponder.on("FederationGovernor:VotingPeriodSet", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "votingPeriod",
    "voting_period_set",
    event.args.oldVotingPeriod,
    event.args.newVotingPeriod,
  ),
);
ponder.on("FederationGovernor:ProposalThresholdSet", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "proposalThreshold",
    "proposal_threshold_set",
    event.args.oldProposalThreshold,
    event.args.newProposalThreshold,
  ),
);
ponder.on("FederationGovernor:QuorumNumeratorUpdated", async ({ event, context }) => {
  const { oldQuorumNumerator, newQuorumNumerator } = event.args;
  await changeSetting(
    context.db,
    event,
    "quorumNumerator",
    "quorum_numerator_updated",
    oldQuorumNumerator,
    newQuorumNumerator,
  );
  await checkpoint(context.db, event.log.address, event.block.timestamp, newQuorumNumerator);
});
ponder.on("FederationTimelock:MinDelayChange", ({ event, context }) =>
  changeSetting(
    context.db,
    event,
    "timelockMinDelay",
    "min_delay_changed",
    event.args.oldDuration,
    event.args.newDuration,
  ),
);
// The governor's executor: the federation's row keeps the deployed timelock, whose logs are indexed.
ponder.on("FederationGovernor:TimelockChange", ({ event, context }) =>
  insertSettingEvent(context.db, event, owner, "timelock_changed", {
    previousAddress: event.args.oldTimelock,
    newAddress: event.args.newTimelock,
  }),
);

// ---------------------------------------------------------------- the timelock's operations

ponder.on("FederationTimelock:CallScheduled", async ({ event, context }) => {
  const { id, target, value, data, predecessor, delay } = event.args;
  const at = event.block.timestamp;
  // One log per call of a batch, in index order.
  await context.db
    .insert(timelockOperation)
    .values({
      id,
      timelock: event.log.address,
      status: "scheduled",
      targets: [target],
      values: [value],
      datas: [data],
      predecessor,
      delay,
      readyAt: at + delay,
      scheduledAt: at,
      scheduledTransaction: event.transaction.hash,
    })
    .onConflictDoUpdate((op) => ({
      targets: [...op.targets, target],
      values: [...op.values, value],
      datas: [...op.datas, data],
    }));
  if (event.args.index === 0n) {
    await appendTrail(context.db, "scheduled_operations", event.transaction.hash, { id });
  }
});

ponder.on("FederationTimelock:CallSalt", async ({ event, context }) => {
  const salt = event.args.salt === zeroHash ? null : event.args.salt;
  await context.db.update(timelockOperation, { id: event.args.id }).set({ salt });
});

/** The proposal an operation queued, if it is still queued (the governor's own log may follow). */
async function queuedProposalOf(db: Db, operationId: Hex): Promise<{ governor: Address; proposalId: bigint } | null> {
  const op = await db.find(timelockOperation, { id: operationId });
  if (op?.proposalId == null) return null;
  const key = { governor: FEDERATION.governor, proposalId: op.proposalId };
  const p = await db.find(proposal, key);
  return p?.status === "queued" ? key : null;
}

ponder.on("FederationTimelock:CallExecuted", async ({ event, context }) => {
  const { db } = context;
  const { id } = event.args;
  const at = event.block.timestamp;
  const op = await db.find(timelockOperation, { id });
  if (!op || op.status === "executed") return; // a batch logs one CallExecuted per call
  await db
    .update(timelockOperation, { id })
    .set({ status: "executed", executedAt: at, executedTransaction: event.transaction.hash });
  const queued = await queuedProposalOf(db, id);
  if (queued) {
    await db
      .update(proposal, queued)
      .set({ status: "executed", executedAt: at, executedTransaction: event.transaction.hash });
  }
});

ponder.on("FederationTimelock:Cancelled", async ({ event, context }) => {
  const { db } = context;
  const at = event.block.timestamp;
  await db.update(timelockOperation, { id: event.args.id }).set({ status: "canceled", canceledAt: at });
  const queued = await queuedProposalOf(db, event.args.id);
  if (queued) await db.update(proposal, queued).set({ status: "canceled", canceledAt: at });
});

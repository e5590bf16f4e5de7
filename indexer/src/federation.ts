/**
 * Federation logs: members (admitted, launched, suspended, readmitted), the charter (ratified, accepted by members'
 * own governance), the shared parameters, and the bridge pools under the federation's rules. A launch's logs come
 * in this order within its transaction: the registry's CommunityRegistered (the community's row), the seat's mint
 * and self-delegation (src/seats.ts), then MemberLaunched, which links the member to its seat. A suspension pauses
 * the member's pools before its MemberSuspended log, a readmission reopens them before MemberReadmitted: those
 * handlers find the pools by their Paused / Unpaused logs in the same transaction.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import {
  charterAcceptance,
  charterVersion,
  federationEvent,
  federationMember,
  federationParameter,
  federationPool,
  parameterChange,
  seat,
} from "ponder:schema";
import type { Address, Hex } from "viem";
import { awaitProposal, changeFederation, changeVoter, memberOfKey, recountMembers, votesOf } from "./federationStore";
import { logColumns } from "./store";
import { appendTrail, trailOf } from "./trail";

type Db = Context["db"];
type FederationEventInsert = typeof federationEvent.$inferInsert;
type LogEvent = Parameters<typeof logColumns>[0] & { log: { address: Address }; transaction: { hash: Hex } };

async function recordEvent(
  db: Db,
  event: LogEvent,
  row: Omit<FederationEventInsert, keyof ReturnType<typeof logColumns>>,
): Promise<void> {
  await db.insert(federationEvent).values({ ...logColumns(event), ...row });
  await awaitProposal(db, event, "federation_event");
}

// ---------------------------------------------------------------- membership

ponder.on("Federation:MemberAdmitted", async ({ event, context }) => {
  const { key, id, launcher } = event.args;
  const at = event.block.timestamp;
  await context.db.insert(federationMember).values({
    id,
    key,
    status: "admitted",
    launcher,
    admittedAt: at,
    admittedBlock: event.block.number,
    updatedAt: at,
  });
  await recordEvent(context.db, event, {
    kind: "member_admitted",
    contract: event.log.address,
    memberId: id,
    key,
    account: launcher,
  });
  await appendTrail(context.db, "federation_members", "", { id });
  await recountMembers(context.db, at);
});

ponder.on("Federation:MemberLaunched", async ({ event, context }) => {
  const { db } = context;
  const { key, id, token, timelock, seatId } = event.args;
  const at = event.block.timestamp;
  // The seat was minted to the timelock, which delegated to itself, earlier in this transaction.
  const holder = await changeVoter(db, timelock, at, () => ({}));
  await db.update(federationMember, { id }).set({
    status: "member",
    token,
    timelock,
    seatId,
    launchedAt: at,
    delegate: holder.delegate,
    delegateVotes: await votesOf(db, holder.delegate),
    updatedAt: at,
  });
  if (await db.find(seat, { seatId })) await db.update(seat, { seatId }).set({ memberId: id });
  await recordEvent(db, event, {
    kind: "member_launched",
    contract: event.log.address,
    memberId: id,
    key,
    token,
    timelock,
    seatId,
  });
  await recountMembers(db, at);
});

/**
 * The pools a suspension (or readmission) paused (or reopened): the Paused (Unpaused) logs the Federation sent in
 * this transaction after its previous MemberSuspended or MemberReadmitted log there (a proposal may suspend several
 * members in one transaction) and before this one, as the transaction's `federation_actions` trail has them; notes
 * this log there too.
 */
async function poolsActedOn(db: Db, event: LogEvent, kind: "paused" | "unpaused"): Promise<Address[]> {
  const tx = event.transaction.hash;
  const actions = (await trailOf(db, "federation_actions", tx)).filter((a) => a.logIndex < event.log.logIndex);
  const after = Math.max(-1, ...actions.filter((a) => !a.pool).map((a) => a.logIndex));
  const pools = actions.filter((a) => a.kind === kind && a.logIndex > after).map((a) => a.pool!);
  await appendTrail(db, "federation_actions", tx, {
    logIndex: event.log.logIndex,
    kind: kind === "paused" ? "suspended" : "readmitted",
  });
  return pools;
}

ponder.on("Federation:MemberSuspended", async ({ event, context }) => {
  const { db } = context;
  const { key, id, reason, pausedPools } = event.args;
  const at = event.block.timestamp;
  await db.update(federationMember, { id }).set({
    status: "suspended",
    suspendedAt: at,
    suspensionReason: reason,
    pausedPools: Number(pausedPools),
    updatedAt: at,
  });
  for (const pool of await poolsActedOn(db, event, "paused")) {
    if (await db.find(federationPool, { pool }))
      await db.update(federationPool, { pool }).set({ pausedBySuspensionOf: id });
  }
  await recordEvent(db, event, {
    kind: "member_suspended",
    contract: event.log.address,
    memberId: id,
    key,
    reason,
    poolCount: Number(pausedPools),
  });
  await recountMembers(db, at);
});

ponder.on("Federation:MemberReadmitted", async ({ event, context }) => {
  const { db } = context;
  const { key, id, unpausedPools } = event.args;
  const at = event.block.timestamp;
  await db.update(federationMember, { id }).set({
    status: "member",
    readmittedAt: at,
    unpausedPools: Number(unpausedPools),
    updatedAt: at,
  });
  for (const pool of await poolsActedOn(db, event, "unpaused")) {
    if (await db.find(federationPool, { pool }))
      await db.update(federationPool, { pool }).set({ pausedBySuspensionOf: null });
  }
  await recordEvent(db, event, {
    kind: "member_readmitted",
    contract: event.log.address,
    memberId: id,
    key,
    poolCount: Number(unpausedPools),
  });
  await recountMembers(db, at);
});

// ---------------------------------------------------------------- charter

ponder.on("Federation:CharterRatified", async ({ event, context }) => {
  const { db } = context;
  const { hash, uri } = event.args;
  const version = Number(event.args.version);
  const at = event.block.timestamp;
  const previous = (await changeFederation(db, at, () => ({}))).charterVersion;
  if (previous !== 0 && (await db.find(charterVersion, { version: previous }))) {
    await db.update(charterVersion, { version: previous }).set({ current: false });
  }
  await db.insert(charterVersion).values({
    version,
    hash,
    uri,
    current: true,
    ratifiedAt: at,
    ratifiedBlock: event.block.number,
    ratifiedTransaction: event.transaction.hash,
  });
  await changeFederation(db, at, () => ({ charterVersion: version, charterHash: hash, charterUri: uri }));
  await recordEvent(db, event, {
    kind: "charter_ratified",
    contract: event.log.address,
    charterVersion: version,
    charterHash: hash,
    charterUri: uri,
  });
  // Every member that accepted the previous version is no full member until it accepts this one.
  await recountMembers(db, at);
});

ponder.on("Federation:CharterAccepted", async ({ event, context }) => {
  const { db } = context;
  const { key, id } = event.args;
  const version = Number(event.args.version);
  const at = event.block.timestamp;
  await db.update(federationMember, { id }).set({ charterVersion: version, updatedAt: at });
  if (!(await db.find(charterAcceptance, { version, memberId: id }))) {
    await db.insert(charterAcceptance).values({
      version,
      memberId: id,
      acceptedAt: at,
      blockNumber: event.block.number,
      transactionHash: event.transaction.hash,
    });
    await db.update(charterVersion, { version }).set((c) => ({ acceptanceCount: c.acceptanceCount + 1 }));
  }
  await recordEvent(db, event, {
    kind: "charter_accepted",
    contract: event.log.address,
    memberId: id,
    key,
    charterVersion: version,
  });
  await recountMembers(db, at);
});

// ---------------------------------------------------------------- parameters and pools

ponder.on("Federation:ParameterChanged", async ({ event, context }) => {
  const { parameter, oldValue, newValue } = event.args;
  const at = event.block.timestamp;
  await context.db
    .insert(federationParameter)
    .values({ name: parameter, value: newValue, changeCount: 1, updatedAt: at })
    .onConflictDoUpdate((p) => ({ value: newValue, changeCount: p.changeCount + 1, updatedAt: at }));
  // `proposalId` is set by the federation governor's ProposalExecuted, later in the same transaction.
  await context.db.insert(parameterChange).values({ ...logColumns(event), parameter, oldValue, newValue });
  await awaitProposal(context.db, event, "parameter_change");
});

ponder.on("Federation:PoolAdded", async ({ event, context }) => {
  const { db } = context;
  const { pool, keyA, keyB } = event.args;
  const at = event.block.timestamp;
  await db.insert(federationPool).values({
    pool,
    keyA,
    keyB,
    memberA: await memberOfKey(db, keyA),
    memberB: await memberOfKey(db, keyB),
    addedAt: at,
  });
  await changeFederation(db, at, (f) => ({ poolCount: f.poolCount + 1 }));
  await recordEvent(db, event, { kind: "pool_added", contract: event.log.address, pool, keyA, keyB });
});

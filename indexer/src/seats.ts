/**
 * FederationSeats logs: seats minted (launch, readmission) and burned (suspension), the seats' supply after each
 * (the history the federation's quorum is computed from), holders' delegations, and every voter's votes. A seat
 * never moves between holders (the contract reverts), so a Transfer is a mint or a burn. The member rows follow:
 * a member's `delegate` is its timelock's, and `delegateVotes` that delegate's votes.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { federationMember, seat, seatEvent } from "ponder:schema";
import type { Address } from "viem";
import { zeroAddress } from "viem";
import { sameAddress } from "./lib/bridge";
import { changeFederation, changeVoter, checkpoint, membersWhere, orNull, votesOf } from "./federationStore";
import { logColumns } from "./store";
import { appendTrail, setTrail, trailOf } from "./trail";

type Db = Context["db"];

ponder.on("FederationSeats:Transfer", async ({ event, context }) => {
  const { db } = context;
  const { from, to, tokenId: seatId } = event.args;
  const at = event.block.timestamp;
  const seats = event.log.address;
  const minted = sameAddress(from, zeroAddress);
  const burned = sameAddress(to, zeroAddress);
  if (!minted) await changeVoter(db, from, at, () => ({ seatId: null }));
  if (burned) {
    await db.update(seat, { seatId }).set({ active: false, burnedAt: at, updatedAt: at });
  } else {
    const holder = await changeVoter(db, to, at, () => ({ seatId }));
    await holdSeat(db, seatId, to);
    await db
      .insert(seat)
      .values({
        seatId,
        seats,
        memberId: null,
        holder: to,
        delegate: holder.delegate,
        active: true,
        mintedAt: at,
        mintCount: 1,
        updatedAt: at,
      })
      .onConflictDoUpdate((s) => ({
        holder: to,
        delegate: holder.delegate,
        active: true,
        ...(minted ? { mintedAt: at, mintCount: s.mintCount + 1 } : {}),
        updatedAt: at,
      }));
  }
  const delta = minted && !burned ? 1n : burned && !minted ? -1n : 0n;
  const { seatSupply } = await changeFederation(db, at, (f) => ({ seatSupply: f.seatSupply + delta }));
  if (delta !== 0n) {
    await db.insert(seatEvent).values({
      ...logColumns(event),
      seats,
      kind: minted ? "minted" : "burned",
      seatId,
      holder: minted ? to : from,
      supply: seatSupply,
    });
    await checkpoint(db, seats, at, seatSupply);
  }
});

/** Moves the seat to `holder`'s `seats_held` trail (from its earlier holder's, if any). */
async function holdSeat(db: Db, seatId: bigint, holder: Address): Promise<void> {
  const earlier = (await db.find(seat, { seatId }))?.holder;
  if (earlier !== undefined && sameAddress(earlier, holder)) return;
  const entry = { seatId: String(seatId) };
  if (earlier !== undefined) {
    const key = earlier.toLowerCase();
    const kept = (await trailOf(db, "seats_held", key)).filter((s) => s.seatId !== entry.seatId);
    await setTrail(db, "seats_held", key, kept);
  }
  await appendTrail(db, "seats_held", holder.toLowerCase(), entry);
}

/** Sets `delegate` and its votes on every member whose seat's holder (its timelock) is `holder`. */
async function followHolderDelegate(db: Db, holder: Address, delegate: Address | null, at: bigint) {
  const delegateVotes = await votesOf(db, delegate);
  for (const id of await membersWhere(db, "timelock", holder)) {
    await db.update(federationMember, { id }).set({ delegate, delegateVotes, updatedAt: at });
  }
}

ponder.on("FederationSeats:DelegateChanged", async ({ event, context }) => {
  const { db } = context;
  const { delegator, fromDelegate, toDelegate } = event.args;
  const at = event.block.timestamp;
  const delegate = orNull(toDelegate);
  const voter = await changeVoter(db, delegator, at, () => ({ delegate }));
  await db.insert(seatEvent).values({
    ...logColumns(event),
    seats: event.log.address,
    kind: "delegate_changed",
    seatId: voter.seatId,
    holder: delegator,
    fromDelegate: orNull(fromDelegate),
    toDelegate: delegate,
  });
  // The holder's seats (one at most now; a burned one keeps its holder) follow its delegation.
  for (const { seatId } of await trailOf(db, "seats_held", delegator.toLowerCase())) {
    await db.update(seat, { seatId: BigInt(seatId) }).set({ delegate, updatedAt: at });
  }
  await followHolderDelegate(db, delegator, delegate, at);
});

ponder.on("FederationSeats:DelegateVotesChanged", async ({ event, context }) => {
  const { db } = context;
  const { delegate, newVotes } = event.args;
  const at = event.block.timestamp;
  await changeVoter(db, delegate, at, () => ({ votes: newVotes }));
  for (const id of await membersWhere(db, "delegate", delegate)) {
    await db.update(federationMember, { id }).set({ delegateVotes: newVotes, updatedAt: at });
  }
});

/**
 * CommunityToken logs: balances, supply and holders (Transfer), issuance and redemption, votes and delegation,
 * signed-transfer nonces, pauses and registry changes.
 */
import { ponder } from "ponder:registry";
import {
  authorization,
  communityProfile,
  complianceEvent,
  delegation,
  mint,
  redemption,
  transfer,
} from "ponder:schema";
import { recordTransfer } from "./analytics";
import { sameAddress } from "./lib/bridge";
import { holderDelta, supplyDelta, transferKind } from "./lib/transfers";
import { changeFundToken, FEDERATION } from "./federationStore";
import { changeAccount, communityOf, logColumns } from "./store";

ponder.on("CommunityToken:Transfer", async ({ event, context }) => {
  const token = event.log.address;
  const { from, to, value } = event.args;
  const kind = transferKind(from, to);
  const at = event.block.timestamp;
  await context.db.insert(transfer).values({ ...logColumns(event), token, from, to, amount: value, kind });

  let holders = 0;
  let sender: { balance: bigint; exempt: boolean } | null = null;
  let recipientBalance: bigint | null = null;
  if (kind !== "mint") {
    sender = await changeAccount(context.db, { token, address: from }, at, (a) => ({
      balance: a.balance - value,
      transfersOut: a.transfersOut + 1,
      lastActiveAt: at,
    }));
    holders += holderDelta(sender.balance + value, sender.balance);
  }
  if (kind !== "burn") {
    const recipient = await changeAccount(context.db, { token, address: to }, at, (a) => ({
      balance: a.balance + value,
      transfersIn: a.transfersIn + 1,
      lastActiveAt: at,
    }));
    recipientBalance = recipient.balance;
    holders += holderDelta(recipient.balance - value, recipient.balance);
  }
  const { communityId } = await communityOf(context.db, token);
  const profile = await context.db.update(communityProfile, { id: communityId }).set((c) => ({
    totalSupply: c.totalSupply + supplyDelta(kind, value),
    holderCount: c.holderCount + holders,
    transferCount: c.transferCount + 1,
  }));
  await recordTransfer(context.db, { event, kind, from, to, amount: value, profile, sender, recipientBalance });
  // The mutual-aid fund's balance of each token (contributions in, grants out, and any plain transfer).
  const fund = FEDERATION.mutualAidFund;
  const fundDelta = (sameAddress(to, fund) ? value : 0n) - (sameAddress(from, fund) ? value : 0n);
  if (sameAddress(to, fund) || sameAddress(from, fund)) {
    await changeFundToken(context.db, fund, token, at, (t) => ({ balance: t.balance + fundDelta }));
  }
});

ponder.on("CommunityToken:Minted", async ({ event, context }) => {
  const token = event.log.address;
  const { to, amount, depositRef, minter } = event.args;
  await context.db.insert(mint).values({ ...logColumns(event), token, to, amount, depositRef, minter });
  const { communityId } = await communityOf(context.db, token);
  await context.db.update(communityProfile, { id: communityId }).set((c) => ({
    mintCount: c.mintCount + 1,
    mintedTotal: c.mintedTotal + amount,
  }));
});

ponder.on("CommunityToken:Redeemed", async ({ event, context }) => {
  const token = event.log.address;
  const { account, amount, payoutRef } = event.args;
  await context.db.insert(redemption).values({ ...logColumns(event), token, account, amount, payoutRef });
  const { communityId } = await communityOf(context.db, token);
  await context.db.update(communityProfile, { id: communityId }).set((c) => ({
    redemptionCount: c.redemptionCount + 1,
    redeemedTotal: c.redeemedTotal + amount,
  }));
});

ponder.on("CommunityToken:DelegateChanged", async ({ event, context }) => {
  const token = event.log.address;
  const { delegator, fromDelegate, toDelegate } = event.args;
  const at = event.block.timestamp;
  await context.db.insert(delegation).values({ ...logColumns(event), token, delegator, fromDelegate, toDelegate });
  await changeAccount(context.db, { token, address: delegator }, at, () => ({
    delegate: toDelegate,
    lastActiveAt: at,
  }));
});

ponder.on("CommunityToken:DelegateVotesChanged", async ({ event, context }) => {
  const { delegate, newVotes } = event.args;
  await changeAccount(context.db, { token: event.log.address, address: delegate }, event.block.timestamp, () => ({
    votingPower: newVotes,
  }));
});

ponder.on("CommunityToken:AuthorizationUsed", async ({ event, context }) => {
  const { authorizer, nonce } = event.args;
  await context.db
    .insert(authorization)
    .values({ ...logColumns(event), token: event.log.address, authorizer, nonce, state: "used" });
});

ponder.on("CommunityToken:AuthorizationCanceled", async ({ event, context }) => {
  const { authorizer, nonce } = event.args;
  await context.db
    .insert(authorization)
    .values({ ...logColumns(event), token: event.log.address, authorizer, nonce, state: "canceled" });
});

ponder.on("CommunityToken:Paused", async ({ event, context }) => {
  const token = event.log.address;
  const { communityId } = await communityOf(context.db, token);
  await context.db.update(communityProfile, { id: communityId }).set({ paused: true });
  await context.db
    .insert(complianceEvent)
    .values({ ...logColumns(event), token, contract: token, kind: "paused", actor: event.args.account });
});

ponder.on("CommunityToken:Unpaused", async ({ event, context }) => {
  const token = event.log.address;
  const { communityId } = await communityOf(context.db, token);
  await context.db.update(communityProfile, { id: communityId }).set({ paused: false });
  await context.db
    .insert(complianceEvent)
    .values({ ...logColumns(event), token, contract: token, kind: "unpaused", actor: event.args.account });
});

ponder.on("CommunityToken:ComplianceRegistryChanged", async ({ event, context }) => {
  const token = event.log.address;
  const { previousRegistry, newRegistry } = event.args;
  // Only the trail: `community.complianceRegistry` stays the registered one, the registry whose logs are indexed
  // (contracts come from the CommunityRegistry alone; a registry the token switches to later is not followed).
  await context.db.insert(complianceEvent).values({
    ...logColumns(event),
    token,
    contract: token,
    kind: "registry_changed",
    previousAddress: previousRegistry,
    newAddress: newRegistry,
  });
});

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
import { bridgeSides, recordAccountDays, recordTransfer } from "./analytics";
import { sameAddress } from "./lib/bridge";
import { holderDelta, supplyDelta, transferKind } from "./lib/transfers";
import { changeFundToken, FEDERATION } from "./federationStore";
import { changeAccount, communityOf, logColumns } from "./store";

ponder.on("CommunityToken:Transfer", async ({ event, context }) => {
  const { db } = context;
  const token = event.log.address;
  const { from, to, value } = event.args;
  const kind = transferKind(from, to);
  const at = event.block.timestamp;
  // What touches different rows runs together (in the live phase each store call is a round trip to the database);
  // a self-transfer's two sides touch one account row, so they run in turn.
  const debit = async () =>
    kind === "mint"
      ? null
      : changeAccount(db, { token, address: from }, at, (a) => ({
          balance: a.balance - value,
          transfersOut: a.transfersOut + 1,
          lastActiveAt: at,
        }));
  const credit = async () =>
    kind === "burn"
      ? null
      : changeAccount(db, { token, address: to }, at, (a) => ({
          balance: a.balance + value,
          transfersIn: a.transfersIn + 1,
          lastActiveAt: at,
        }));
  const moveBalances = async () =>
    sameAddress(from, to) ? [await debit(), await credit()] : Promise.all([debit(), credit()]);
  const [[sender, recipient], { communityId }] = await Promise.all([
    moveBalances(),
    communityOf(db, token),
    db.insert(transfer).values({ ...logColumns(event), token, from, to, amount: value, kind }),
  ]);
  const holders =
    (sender ? holderDelta(sender.balance + value, sender.balance) : 0) +
    (recipient ? holderDelta(recipient.balance - value, recipient.balance) : 0);

  const [profile, firstSendOfDay] = await Promise.all([
    db.update(communityProfile, { id: communityId }).set((c) => ({
      totalSupply: c.totalSupply + supplyDelta(kind, value),
      holderCount: c.holderCount + holders,
      transferCount: c.transferCount + 1,
    })),
    recordAccountDays(db, {
      event,
      token,
      from,
      to,
      amount: value,
      senderBalance: sender?.balance ?? null,
      recipientBalance: recipient?.balance ?? null,
    }),
  ]);
  const bridge = bridgeSides({ from, to }, sender, recipient);
  await recordTransfer(db, { event, kind, from, to, amount: value, profile, sender, bridge, firstSendOfDay });
  // The mutual-aid fund's balance of each token (contributions in, grants out, and any plain transfer).
  const fund = FEDERATION.mutualAidFund;
  const fundDelta = (sameAddress(to, fund) ? value : 0n) - (sameAddress(from, fund) ? value : 0n);
  if (sameAddress(to, fund) || sameAddress(from, fund)) {
    await changeFundToken(db, fund, token, at, (t) => ({ balance: t.balance + fundDelta }));
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

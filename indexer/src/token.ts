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
import {
  bridgeSides,
  readTransferChecksBeside,
  readTransferRows,
  recordAccountDays,
  recordTransfer,
  writeTransferRows,
} from "./analytics";
import { sameAddress } from "./lib/bridge";
import { holderDelta, supplyDelta, transferKind } from "./lib/transfers";
import { changeFundToken, FEDERATION } from "./federationStore";
import { insertRow, StagedRow } from "./lib/staged";
import { changeAccount, communityOf, logColumns, logRow, readAccount } from "./store";

ponder.on("CommunityToken:Transfer", async ({ event, context }) => {
  const { db } = context;
  const token = event.log.address;
  const { from, to, value } = event.args;
  const kind = transferKind(from, to);
  const at = event.block.timestamp;
  // Every row the log changes is read once, together with the others, changed in memory, and written once at the
  // end, together (lib/staged.ts): live, two statements in turn (the rows with what the profile names, the writes)
  // where a store call per change made about twenty, about nine of them in turn.
  const { communityId } = await communityOf(db, token);
  const self = sameAddress(from, to);
  const profileRead = StagedRow.read(db, communityProfile, { id: communityId }, null);
  const [profile, sender, recipient, rows, checks] = await Promise.all([
    profileRead,
    kind === "mint" ? null : readAccount(db, { token, address: from }, at),
    kind === "burn" || self ? null : readAccount(db, { token, address: to }, at),
    readTransferRows(db, { token, community: communityId, kind, from, to, at }),
    readTransferChecksBeside(db, communityId, profileRead, { kind, from, to }),
  ]);
  // Each side's row as it stands after it (a self-transfer's two sides change one row, in turn).
  const senderAfter = sender && {
    ...sender.set({ balance: sender.row.balance - value, transfersOut: sender.row.transfersOut + 1, lastActiveAt: at }),
  };
  const credited = self ? sender : recipient;
  const recipientAfter = credited && {
    ...credited.set({
      balance: credited.row.balance + value,
      transfersIn: credited.row.transfersIn + 1,
      lastActiveAt: at,
    }),
  };
  const holders =
    (senderAfter ? holderDelta(senderAfter.balance + value, senderAfter.balance) : 0) +
    (recipientAfter ? holderDelta(recipientAfter.balance - value, recipientAfter.balance) : 0);
  const p = profile.row;
  profile.set({
    totalSupply: p.totalSupply + supplyDelta(kind, value),
    holderCount: p.holderCount + holders,
    transferCount: p.transferCount + 1,
  });

  const firstSendOfDay = recordAccountDays(rows, {
    amount: value,
    senderBalance: senderAfter?.balance ?? null,
    recipientBalance: recipientAfter?.balance ?? null,
  });
  const bridge = bridgeSides({ from, to }, senderAfter, recipientAfter);
  await recordTransfer(db, rows, {
    event,
    kind,
    from,
    to,
    amount: value,
    profile: profile.row,
    sender: senderAfter,
    bridge,
    firstSendOfDay,
    checks,
  });
  await Promise.all([
    insertRow(db, transfer, logRow(event, { token, from, to, amount: value, kind })),
    sender?.write(db),
    recipient?.write(db),
    profile.write(db),
    writeTransferRows(db, rows),
  ]);
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

/**
 * MutualAidFund logs: contributions (ContributionReceived), grants by federation proposal and emergency grants by
 * the committee (GrantPaid), and the emergency caps. Each token's totals (`mutualAidFundToken`) are the fund's
 * `contributed` and `granted`; its `balance` follows the token's Transfer logs to and from the fund (src/token.ts),
 * which precede the fund's own log in each transaction.
 */
import { ponder } from "ponder:registry";
import { federationEvent, mutualAidContribution, mutualAidGrant } from "ponder:schema";
import { addContribution, addGrant } from "./lib/federation";
import { tokenCommunity } from "./bridgeStore";
import { awaitProposal, changeFundToken } from "./federationStore";
import { logColumns } from "./store";

ponder.on("MutualAidFund:ContributionReceived", async ({ event, context }) => {
  const { db } = context;
  const { key, token, contributor, amount } = event.args;
  const fund = event.log.address;
  const row = await changeFundToken(db, fund, token, event.block.timestamp, (t) => addContribution(t, amount));
  await db
    .insert(mutualAidContribution)
    .values({ ...logColumns(event), fund, key, community: row.community, token, contributor, amount });
});

ponder.on("MutualAidFund:GrantPaid", async ({ event, context }) => {
  const { db } = context;
  const { key, id, token, recipient, amount, emergency, memo } = event.args;
  const fund = event.log.address;
  await changeFundToken(db, fund, token, event.block.timestamp, (t) => addGrant(t, amount, emergency));
  // `proposalId` of a grant by proposal is set by the governor's ProposalExecuted, later in the transaction.
  await db.insert(mutualAidGrant).values({
    ...logColumns(event),
    fund,
    key,
    community: id,
    token,
    tokenCommunity: (await tokenCommunity(db, token))?.id ?? null,
    recipient,
    amount,
    emergency,
    memo,
  });
  await awaitProposal(db, event, "mutual_aid_grant");
});

ponder.on("MutualAidFund:EmergencyCapChanged", async ({ event, context }) => {
  const { token, oldCap, newCap } = event.args;
  const row = await changeFundToken(context.db, event.log.address, token, event.block.timestamp, () => ({
    emergencyCap: newCap,
  }));
  await context.db.insert(federationEvent).values({
    ...logColumns(event),
    kind: "emergency_cap_changed",
    contract: event.log.address,
    memberId: row.community,
    token,
    oldValue: oldCap,
    newValue: newCap,
  });
  await awaitProposal(context.db, event, "federation_event");
});

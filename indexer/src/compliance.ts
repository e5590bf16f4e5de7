/**
 * ComplianceRegistry logs: each registry rules one community's token (registry -> community from the rows the
 * CommunityRegistered handler wrote). Tiers, freezes and exemptions land on the account, limits and the travel-rule
 * threshold on the community; every action lands in the compliance trail.
 */
import { ponder } from "ponder:registry";
import { communityProfile, complianceEvent, dailyLimit } from "ponder:schema";
import { changeAccount, communityOf, logColumns } from "./store";
import { reasonLabel } from "./lib/reasons";

ponder.on("ComplianceRegistry:TierChanged", async ({ event, context }) => {
  const { token } = await communityOf(context.db, event.log.address);
  const { account, previousTier, newTier, verifier } = event.args;
  await changeAccount(context.db, { token, address: account }, event.block.timestamp, () => ({ kycTier: newTier }));
  await context.db.insert(complianceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind: "tier_changed",
    account,
    actor: verifier,
    previousTier,
    newTier,
  });
});

ponder.on("ComplianceRegistry:AccountFrozen", async ({ event, context }) => {
  const { token } = await communityOf(context.db, event.log.address);
  const { account, reasonCode, officer } = event.args;
  await changeAccount(context.db, { token, address: account }, event.block.timestamp, () => ({ frozen: true }));
  await context.db.insert(complianceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind: "frozen",
    account,
    actor: officer,
    reasonCode,
    reasonLabel: reasonLabel(reasonCode),
  });
});

ponder.on("ComplianceRegistry:AccountUnfrozen", async ({ event, context }) => {
  const { token } = await communityOf(context.db, event.log.address);
  const { account, reasonCode, officer } = event.args;
  await changeAccount(context.db, { token, address: account }, event.block.timestamp, () => ({ frozen: false }));
  await context.db.insert(complianceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind: "unfrozen",
    account,
    actor: officer,
    reasonCode,
    reasonLabel: reasonLabel(reasonCode),
  });
});

ponder.on("ComplianceRegistry:ExemptionChanged", async ({ event, context }) => {
  const { token } = await communityOf(context.db, event.log.address);
  const { account, exempt } = event.args;
  await changeAccount(context.db, { token, address: account }, event.block.timestamp, () => ({ exempt }));
  await context.db.insert(complianceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind: "exemption_changed",
    account,
    exempt,
  });
});

ponder.on("ComplianceRegistry:DailyLimitChanged", async ({ event, context }) => {
  const { token } = await communityOf(context.db, event.log.address);
  const { tier, previousLimit, newLimit } = event.args;
  await context.db
    .insert(dailyLimit)
    .values({ token, tier, amount: newLimit, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ amount: newLimit, updatedAt: event.block.timestamp });
  await context.db.insert(complianceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind: "daily_limit_changed",
    limitTier: tier,
    previousLimit,
    newLimit,
  });
});

ponder.on("ComplianceRegistry:TravelRuleThresholdChanged", async ({ event, context }) => {
  const { token, communityId } = await communityOf(context.db, event.log.address);
  const { previousThreshold, newThreshold } = event.args;
  await context.db.update(communityProfile, { id: communityId }).set({ travelRuleThreshold: newThreshold });
  await context.db.insert(complianceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind: "travel_rule_threshold_changed",
    previousLimit: previousThreshold,
    newLimit: newThreshold,
  });
});

ponder.on("ComplianceRegistry:SanctionsOracleChanged", async ({ event, context }) => {
  const { token, communityId } = await communityOf(context.db, event.log.address);
  const { previousOracle, newOracle } = event.args;
  await context.db.update(communityProfile, { id: communityId }).set({ sanctionsOracle: newOracle });
  await context.db.insert(complianceEvent).values({
    ...logColumns(event),
    token,
    contract: event.log.address,
    kind: "sanctions_oracle_changed",
    previousAddress: previousOracle,
    newAddress: newOracle,
  });
});

/**
 * CommunityRegistry and CommunityFactory logs: a community appears with its CommunityRegistered log, which the
 * registry emits before the factory initialises the new clones, so the community's row (and the address -> community
 * rows its contracts' handlers look up) exist before the first log of those contracts.
 */
import { ponder } from "ponder:registry";
import { communityProfile, communityContract } from "ponder:schema";
import { CommunityTokenAbi } from "../generated/abis";

ponder.on("CommunityRegistry:CommunityRegistered", async ({ event, context }) => {
  const { id, name, country, currency, locale, token, complianceRegistry, governor, timelock } = event.args;
  // The log names no ERC-20 metadata; the token is initialised later in the same transaction, so read it as of the
  // end of the launch block.
  const read = (functionName: "name" | "symbol") =>
    context.client.readContract({ abi: CommunityTokenAbi, address: token, functionName });
  const [tokenName, tokenSymbol] = await Promise.all([read("name"), read("symbol")]);
  await context.db.insert(communityProfile).values({
    id,
    name,
    country,
    currency,
    locale,
    tokenName,
    tokenSymbol,
    token,
    complianceRegistry,
    governor,
    timelock,
    launchBlock: event.block.number,
    launchedAt: event.block.timestamp,
    launchTransaction: event.transaction.hash,
  });
  const contracts = [
    { address: token, kind: "token" },
    { address: complianceRegistry, kind: "compliance_registry" },
    { address: governor, kind: "governor" },
    { address: timelock, kind: "timelock" },
  ] as const;
  await context.db.insert(communityContract).values(contracts.map((c) => ({ ...c, communityId: id, token })));
});

ponder.on("CommunityFactory:CommunityLaunched", async ({ event, context }) => {
  await context.db.update(communityProfile, { id: event.args.id }).set({ launcher: event.args.launcher });
});

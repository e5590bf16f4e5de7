/**
 * AccessControl logs of every indexed contract: who may mint, pause, verify, freeze, list, register communities,
 * run a community's or the federation's timelock, administer the Federation, or grant mutual aid in an emergency,
 * and since when.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { roleEvent, roleMember } from "ponder:schema";
import type { Address, Hex } from "viem";
import { communityOf, logColumns } from "./store";

type RoleLog = Parameters<typeof logColumns>[0] & {
  log: { address: Address };
  args: { role: Hex; account: Address; sender: Address };
};

async function recordRole(db: Context["db"], event: RoleLog, token: Address | null, change: "granted" | "revoked") {
  const { role, account, sender } = event.args;
  const contract = event.log.address;
  const at = event.block.timestamp;
  await db.insert(roleEvent).values({ ...logColumns(event), contract, token, role, account, sender, change });
  await db
    .insert(roleMember)
    .values({ contract, role, account, token, active: change === "granted", updatedAt: at })
    .onConflictDoUpdate({ active: change === "granted", updatedAt: at });
}

/** A role log of a community's contract: its token names the community. */
async function recordCommunityRole(db: Context["db"], event: RoleLog, change: "granted" | "revoked") {
  const { token } = await communityOf(db, event.log.address);
  await recordRole(db, event, token, change);
}

ponder.on("CommunityToken:RoleGranted", ({ event, context }) => recordCommunityRole(context.db, event, "granted"));
ponder.on("CommunityToken:RoleRevoked", ({ event, context }) => recordCommunityRole(context.db, event, "revoked"));
ponder.on("ComplianceRegistry:RoleGranted", ({ event, context }) => recordCommunityRole(context.db, event, "granted"));
ponder.on("ComplianceRegistry:RoleRevoked", ({ event, context }) => recordCommunityRole(context.db, event, "revoked"));
ponder.on("CommunityTimelock:RoleGranted", ({ event, context }) => recordCommunityRole(context.db, event, "granted"));
ponder.on("CommunityTimelock:RoleRevoked", ({ event, context }) => recordCommunityRole(context.db, event, "revoked"));
ponder.on("CommunityRegistry:RoleGranted", ({ event, context }) => recordRole(context.db, event, null, "granted"));
ponder.on("CommunityRegistry:RoleRevoked", ({ event, context }) => recordRole(context.db, event, null, "revoked"));
ponder.on("SanctionsList:RoleGranted", ({ event, context }) => recordRole(context.db, event, null, "granted"));
ponder.on("SanctionsList:RoleRevoked", ({ event, context }) => recordRole(context.db, event, null, "revoked"));
ponder.on("Federation:RoleGranted", ({ event, context }) => recordRole(context.db, event, null, "granted"));
ponder.on("Federation:RoleRevoked", ({ event, context }) => recordRole(context.db, event, null, "revoked"));
ponder.on("FederationTimelock:RoleGranted", ({ event, context }) => recordRole(context.db, event, null, "granted"));
ponder.on("FederationTimelock:RoleRevoked", ({ event, context }) => recordRole(context.db, event, null, "revoked"));
ponder.on("MutualAidFund:RoleGranted", ({ event, context }) => recordRole(context.db, event, null, "granted"));
ponder.on("MutualAidFund:RoleRevoked", ({ event, context }) => recordRole(context.db, event, null, "revoked"));

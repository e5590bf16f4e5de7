/**
 * AccessControl logs of every indexed contract: who may mint, pause, verify, freeze or list, and since when.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { roleEvent, roleMember } from "ponder:schema";
import type { Address, Hex } from "viem";
import { tokenOfRegistry } from "../deployment";
import { logColumns } from "./store";

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

ponder.on("CommunityToken:RoleGranted", ({ event, context }) =>
  recordRole(context.db, event, event.log.address, "granted"),
);
ponder.on("CommunityToken:RoleRevoked", ({ event, context }) =>
  recordRole(context.db, event, event.log.address, "revoked"),
);
ponder.on("ComplianceRegistry:RoleGranted", ({ event, context }) =>
  recordRole(context.db, event, tokenOfRegistry(event.log.address), "granted"),
);
ponder.on("ComplianceRegistry:RoleRevoked", ({ event, context }) =>
  recordRole(context.db, event, tokenOfRegistry(event.log.address), "revoked"),
);
ponder.on("SanctionsList:RoleGranted", ({ event, context }) => recordRole(context.db, event, null, "granted"));
ponder.on("SanctionsList:RoleRevoked", ({ event, context }) => recordRole(context.db, event, null, "revoked"));

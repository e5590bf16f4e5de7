/**
 * SanctionsList logs: the list's history and its current members. The list is shared, not a community's, so
 * these rows carry the list's address rather than a token.
 */
import { ponder } from "ponder:registry";
import { sanctionsListing, sanctionsEvent } from "ponder:schema";
import { logColumns } from "./store";

ponder.on("SanctionsList:SanctionedAddressAdded", async ({ event, context }) => {
  const list = event.log.address;
  const { addr, lister } = event.args;
  const at = event.block.timestamp;
  await context.db
    .insert(sanctionsEvent)
    .values({ ...logColumns(event), list, address: addr, change: "added", lister });
  await context.db
    .insert(sanctionsListing)
    .values({ list, address: addr, sanctioned: true, updatedAt: at })
    .onConflictDoUpdate({ sanctioned: true, updatedAt: at });
});

ponder.on("SanctionsList:SanctionedAddressRemoved", async ({ event, context }) => {
  const list = event.log.address;
  const { addr, lister } = event.args;
  const at = event.block.timestamp;
  await context.db
    .insert(sanctionsEvent)
    .values({ ...logColumns(event), list, address: addr, change: "removed", lister });
  await context.db
    .insert(sanctionsListing)
    .values({ list, address: addr, sanctioned: false, updatedAt: at })
    .onConflictDoUpdate({ sanctioned: false, updatedAt: at });
});

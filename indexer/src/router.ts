/**
 * BridgeRouter logs: pool registrations (PoolSet, which also makes Ponder follow the pool) and multi-hop swaps.
 */
import { ponder } from "ponder:registry";
import { pool, poolEvent, poolRoute, routedSwap, settlement } from "ponder:schema";
import { corridorOf, pairOf, routedHops, sameAddress, UNKNOWN_COUNTRY } from "./lib/bridge";
import { ensurePool, tokenCommunity } from "./bridgeStore";
import { logColumns } from "./store";
import { trailOf } from "./trail";

ponder.on("BridgeRouter:PoolSet", async ({ event, context }) => {
  const { db } = context;
  const router = event.log.address;
  const { tokenA, tokenB, pool: address } = event.args;
  const at = event.block.timestamp;
  await ensurePool(context, address, event.block);

  // The router keeps one pool per pair: a pool registered for a pair replaces the earlier one.
  const key = { router, ...pairOf(tokenA, tokenB) };
  const previous = await db.find(poolRoute, key);
  if (previous && !sameAddress(previous.pool, address)) {
    await db.update(pool, { address: previous.pool }).set({ listed: false });
  }
  await db
    .insert(poolRoute)
    .values({ ...key, pool: address, updatedAt: at })
    .onConflictDoUpdate({ pool: address, updatedAt: at });
  await db.update(pool, { address }).set((p) => ({
    router,
    listed: true,
    registeredAt: p.registeredAt ?? at,
    registeredBlock: p.registeredBlock ?? event.block.number,
  }));
  await db.insert(poolEvent).values({ ...logColumns(event), pool: address, kind: "registered", account: router });
});

// The hops' Settled logs precede the RoutedSwap in its transaction, so their settlement rows exist: the swap's row
// is written, then the hops are found (see `routedHops`, among the transaction's `routed_hops` trail, which the pools'
// Settled handler keeps) and given its id and its sender as their originator.
ponder.on("BridgeRouter:RoutedSwap", async ({ event, context }) => {
  const router = event.log.address;
  const { sender, recipient, path, amountIn, amountOut } = event.args;
  const tokenIn = path[0];
  const tokenOut = path[path.length - 1];
  if (tokenIn === undefined || tokenOut === undefined) throw new Error(`RoutedSwap ${event.id} has an empty path`);
  const [source, destination] = await Promise.all([
    tokenCommunity(context.db, tokenIn),
    tokenCommunity(context.db, tokenOut),
  ]);
  await context.db.insert(routedSwap).values({
    ...logColumns(event),
    router,
    sender,
    recipient,
    path: path.map((token) => token.toLowerCase() as `0x${string}`),
    hops: path.length - 1,
    tokenIn,
    tokenOut,
    sourceCommunity: source?.id ?? null,
    destinationCommunity: destination?.id ?? null,
    sourceCountry: source?.country ?? UNKNOWN_COUNTRY,
    destinationCountry: destination?.country ?? UNKNOWN_COUNTRY,
    corridor: corridorOf(source?.country ?? null, destination?.country ?? null),
    amountIn,
    amountOut,
  });

  const hops = routedHops(
    (await trailOf(context.db, "routed_hops", event.transaction.hash)).filter((h) => h.logIndex < event.log.logIndex),
    path,
  );
  for (const hop of hops) {
    await context.db.update(settlement, { id: hop.id }).set({ originator: sender, routedSwap: event.id });
  }
});

/**
 * BridgeRouter logs: pool registrations (PoolSet, which also makes Ponder follow the pool) and multi-hop swaps.
 */
import { and, desc, eq, inArray, lt } from "ponder";
import { ponder } from "ponder:registry";
import { pool, poolEvent, poolRoute, routedSwap, settlement } from "ponder:schema";
import { corridorOf, pairOf, routedHops, sameAddress, UNKNOWN_COUNTRY } from "./lib/bridge";
import { ensurePool, tokenCommunity } from "./bridgeStore";
import { logColumns } from "./store";

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
// is written, then the hops are found (see `routedHops`) and given its id and its sender as their originator.
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

  // Raw SQL (a select by transaction, on settlement's transactionHash index): the store API finds rows by key only.
  const candidates = await context.db.sql
    .select({
      id: settlement.id,
      tokenIn: settlement.tokenIn,
      tokenOut: settlement.tokenOut,
      logIndex: settlement.logIndex,
    })
    .from(settlement)
    .where(
      and(
        eq(settlement.transactionHash, event.transaction.hash),
        eq(settlement.sender, router),
        lt(settlement.logIndex, event.log.logIndex),
      ),
    )
    .orderBy(desc(settlement.logIndex))
    .limit(path.length - 1);
  const hops = routedHops(candidates, path);
  await context.db.sql
    .update(settlement)
    .set({ originator: sender, routedSwap: event.id })
    .where(
      inArray(
        settlement.id,
        hops.map((hop) => hop.id),
      ),
    );
});

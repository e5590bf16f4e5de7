/**
 * BridgePool logs: settlements (one row each, with the pool's running totals and the daily pool and corridor
 * aggregates), reserves and value locked, liquidity and LP shares, and the pool's settings. Every handler starts
 * from `ensurePool`, which creates the pool's row from the chain the first time one of its logs is seen.
 */
import { recordSettlement } from "./analytics";
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import type { Address, Hex } from "viem";
import { corridorDay, liquidityEvent, lpPosition, pool, poolDay, poolEvent, settlement } from "ponder:schema";
import {
  corridorOf,
  referenceValue,
  sameAddress,
  totalValueLocked,
  UNKNOWN_COUNTRY,
  utcDate,
  utcDay,
} from "./lib/bridge";
import { supplyDelta, transferKind } from "./lib/transfers";
import { ensurePool, rateOf } from "./bridgeStore";
import { logColumns } from "./store";
import { appendTrail } from "./trail";
import { FEDERATION } from "./federationStore";

ponder.on("BridgePool:Settled", async ({ event, context }) => {
  const { db } = context;
  const p = await ensurePool(context, event.log.address, event.block);
  const { sender, recipient, tokenIn, tokenOut, amountIn, amountOut, fee, rate, value, travelRule } = event.args;
  const aToB = sameAddress(tokenIn, p.tokenA);
  const source = aToB
    ? { community: p.communityA, country: p.countryA }
    : { community: p.communityB, country: p.countryB };
  const destination = aToB
    ? { community: p.communityB, country: p.countryB, currency: p.currencyB }
    : { community: p.communityA, country: p.countryA, currency: p.currencyA };
  // The swap priced the fee with the oracle's current rate of the output currency: the latest accepted one.
  const rateOut = await rateOf(db, destination.currency);
  const feeValue = rateOut === null ? null : referenceValue(fee, rateOut);
  const sourceCountry = source.country ?? UNKNOWN_COUNTRY;
  const destinationCountry = destination.country ?? UNKNOWN_COUNTRY;
  const corridor = corridorOf(source.country, destination.country);
  const at = event.block.timestamp;
  const day = utcDay(at);
  const travel = travelRule ? 1 : 0;
  const feesA = aToB ? 0n : fee;
  const feesB = aToB ? fee : 0n;

  const viaRouter = p.router !== null && sameAddress(sender, p.router);
  await db.insert(settlement).values({
    ...logColumns(event),
    pool: event.log.address,
    sender,
    recipient,
    tokenIn,
    tokenOut,
    sourceCommunity: source.community,
    destinationCommunity: destination.community,
    sourceCountry,
    destinationCountry,
    corridor,
    amountIn,
    amountOut,
    fee,
    feeValue,
    rate,
    value,
    travelRule,
    viaRouter,
    // a hop of a routed swap: the router's RoutedSwap, later in the transaction, sets both (see src/router.ts)
    originator: sender,
    routedSwap: null,
    day,
  });
  if (viaRouter) {
    await appendTrail(db, "routed_hops", event.transaction.hash, {
      id: event.id,
      tokenIn,
      tokenOut,
      logIndex: event.log.logIndex,
    });
  }
  // What one swap adds to the pool's totals and to its pool-day and corridor-day rows.
  const counts = { swapCount: 1, travelRuleCount: travel, volume: value };
  const fees = { feesA, feesB, feesValue: feeValue ?? 0n };
  type Counts = typeof counts;
  type Fees = typeof fees;
  const addCounts = (row: Counts): Counts => ({
    swapCount: row.swapCount + counts.swapCount,
    travelRuleCount: row.travelRuleCount + counts.travelRuleCount,
    volume: row.volume + counts.volume,
  });
  const addFees = (row: Fees): Fees => ({
    feesA: row.feesA + fees.feesA,
    feesB: row.feesB + fees.feesB,
    feesValue: row.feesValue + fees.feesValue,
  });
  await db
    .update(pool, { address: event.log.address })
    .set((row) => ({ ...addCounts(row), ...addFees(row), updatedAt: at }));
  await db
    .insert(poolDay)
    .values({
      pool: event.log.address,
      day,
      date: utcDate(at),
      ...counts,
      ...fees,
    })
    .onConflictDoUpdate((row) => ({ ...addCounts(row), ...addFees(row) }));
  await db
    .insert(corridorDay)
    .values({
      corridor,
      day,
      date: utcDate(at),
      sourceCountry,
      destinationCountry,
      ...counts,
    })
    .onConflictDoUpdate(addCounts);
  await recordSettlement(db, {
    at,
    source: source.community,
    destination: destination.community,
    corridor,
    amountIn,
    amountOut,
    value,
    travelRule,
  });
});

ponder.on("BridgePool:ReservesUpdated", async ({ event, context }) => {
  await ensurePool(context, event.log.address, event.block);
  const { reserveA, reserveB } = event.args;
  await context.db.update(pool, { address: event.log.address }).set((row) => ({
    reserveA,
    reserveB,
    tvl: totalValueLocked({ reserveA, reserveB, rateA: row.rateA, rateB: row.rateB }),
    updatedAt: event.block.timestamp,
  }));
});

// LP shares: the pool is its own ERC-20. Mints and burns move the supply; every transfer moves positions.
ponder.on("BridgePool:Transfer", async ({ event, context }) => {
  const { db } = context;
  const address = event.log.address;
  await ensurePool(context, address, event.block);
  const { from, to, value } = event.args;
  const kind = transferKind(from, to);
  const at = event.block.timestamp;
  await db.update(pool, { address }).set((row) => ({ lpSupply: row.lpSupply + supplyDelta(kind, value) }));
  const move = (provider: typeof from, delta: bigint) =>
    db
      .insert(lpPosition)
      .values({ pool: address, provider, shares: delta, firstSeenAt: at, updatedAt: at })
      .onConflictDoUpdate((row) => ({ shares: row.shares + delta, updatedAt: at }));
  if (kind !== "mint") await move(from, -value);
  if (kind !== "burn") await move(to, value);
});

ponder.on("BridgePool:LiquidityAdded", async ({ event, context }) => {
  await ensurePool(context, event.log.address, event.block);
  const { provider, recipient, amountA, amountB, shares, value, fee } = event.args;
  await context.db.insert(liquidityEvent).values({
    ...logColumns(event),
    pool: event.log.address,
    change: "added",
    provider,
    recipient,
    amountA,
    amountB,
    shares,
    value,
    fee,
  });
  await context.db
    .update(pool, { address: event.log.address })
    .set((row) => ({ depositFeesValue: row.depositFeesValue + fee, updatedAt: event.block.timestamp }));
});

ponder.on("BridgePool:LiquidityRemoved", async ({ event, context }) => {
  await ensurePool(context, event.log.address, event.block);
  const { provider, recipient, amountA, amountB, shares } = event.args;
  await context.db.insert(liquidityEvent).values({
    ...logColumns(event),
    pool: event.log.address,
    change: "removed",
    provider,
    recipient,
    amountA,
    amountB,
    shares,
    value: null,
    fee: null,
  });
});

ponder.on("BridgePool:CurveChanged", async ({ event, context }) => {
  await ensurePool(context, event.log.address, event.block);
  const feeBps = Number(event.args.feeBps);
  const amplification = Number(event.args.amplification);
  await context.db.update(pool, { address: event.log.address }).set({ feeBps, amplification });
  await context.db
    .insert(poolEvent)
    .values({ ...logColumns(event), pool: event.log.address, kind: "curve_changed", feeBps, amplification });
});

ponder.on("BridgePool:FlowLimitsChanged", async ({ event, context }) => {
  const p = await ensurePool(context, event.log.address, event.block);
  const { token, shortLimit, longLimit } = event.args;
  await context.db
    .update(pool, { address: event.log.address })
    .set(
      sameAddress(token, p.tokenA)
        ? { shortLimitA: shortLimit, longLimitA: longLimit }
        : { shortLimitB: shortLimit, longLimitB: longLimit },
    );
  await context.db.insert(poolEvent).values({
    ...logColumns(event),
    pool: event.log.address,
    kind: "flow_limits_changed",
    token,
    shortLimit,
    longLimit,
  });
});

ponder.on("BridgePool:Paused", async ({ event, context }) => {
  await ensurePool(context, event.log.address, event.block);
  await context.db.update(pool, { address: event.log.address }).set({ paused: true });
  await context.db
    .insert(poolEvent)
    .values({ ...logColumns(event), pool: event.log.address, kind: "paused", account: event.args.account });
  await noteFederationPause(context.db, event, "paused");
});

ponder.on("BridgePool:Unpaused", async ({ event, context }) => {
  await ensurePool(context, event.log.address, event.block);
  await context.db.update(pool, { address: event.log.address }).set({ paused: false });
  await context.db
    .insert(poolEvent)
    .values({ ...logColumns(event), pool: event.log.address, kind: "unpaused", account: event.args.account });
  await noteFederationPause(context.db, event, "unpaused");
});

/** A pause or reopening by the Federation (a suspension's or readmission's), noted for its own log that follows. */
async function noteFederationPause(
  db: Context["db"],
  event: { transaction: { hash: Hex }; log: { address: Address; logIndex: number }; args: { account: Address } },
  kind: "paused" | "unpaused",
): Promise<void> {
  if (!sameAddress(event.args.account, FEDERATION.federation)) return;
  await appendTrail(db, "federation_actions", event.transaction.hash, {
    logIndex: event.log.logIndex,
    kind,
    pool: event.log.address,
  });
}

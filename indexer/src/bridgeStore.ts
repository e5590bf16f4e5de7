/**
 * Helpers the bridge's handlers share: a pool's or an oracle's row, created from the chain the first time one of
 * its logs is seen, the oracle rates kept per currency, and the community behind a token.
 *
 * Ponder follows a pool from the block of the router's PoolSet log on: its earlier logs (the constructor's curve,
 * flow limits set before registration, any earlier liquidity) are never delivered. So a pool's row starts from its
 * state at the end of the block before its first delivered log, and every delivered log (that block's included)
 * applies on top of it: reserves, settings and LP supply are exact from then on; swap counters and positions count
 * what was delivered.
 */
import type { Context } from "ponder:registry";
import { communityContract, communityProfile, fxOracle, fxRate, pool } from "ponder:schema";
import type { Address } from "viem";
import { BridgePoolAbi, FxOracleAbi } from "../generated/abis";
import { ONE, totalValueLocked, withAddress } from "./lib/bridge";
import { findRow } from "./lib/staged";
import { changeAccount } from "./store";

type Ctx = Pick<Context, "db" | "client">;
type Db = Context["db"];
export type PoolRow = typeof pool.$inferSelect;
type FxRateRow = typeof fxRate.$inferSelect;

/** The block of a log, as handlers receive it. */
interface Block {
  number: bigint;
  timestamp: bigint;
}

/** The community (slug and country) whose token `token` is; null for a token no registered community owns. */
export async function tokenCommunity(db: Db, token: Address): Promise<{ id: string; country: string } | null> {
  const contract = await db.find(communityContract, { address: token });
  if (!contract || contract.kind !== "token") return null;
  const profile = await db.find(communityProfile, { id: contract.communityId });
  return profile ? { id: profile.id, country: profile.country } : null;
}

/** Whether `address` had code at the end of `blockNumber` (false for a contract created later). */
async function existed(context: Ctx, address: Address, blockNumber: bigint): Promise<boolean> {
  if (blockNumber < 0n) return false;
  const code = await context.client.getCode({ address, blockNumber });
  return code !== undefined && code !== "0x";
}

/**
 * The oracle's row; the first time, it is read from the chain: the reference currency (set at construction), and
 * the parameters and reporter count as of the block before `block` (their later changes arrive as logs).
 */
export async function ensureOracle(context: Ctx, address: Address, block: Block) {
  const found = await context.db.find(fxOracle, { address });
  if (found) return found;
  const read = { abi: FxOracleAbi, address } as const;
  const referenceCurrency = await context.client.readContract({ ...read, functionName: "referenceCurrency" });
  const before = block.number - 1n;
  const settings = (await existed(context, address, before))
    ? await Promise.all([
        context.client.readContract({ ...read, functionName: "maxAge", blockNumber: before }),
        context.client.readContract({ ...read, functionName: "maxDeviationBps", blockNumber: before }),
        context.client.readContract({ ...read, functionName: "minReports", blockNumber: before }),
        context.client.readContract({ ...read, functionName: "reporters", blockNumber: before }),
      ])
    : null;
  return context.db.insert(fxOracle).values({
    address,
    referenceCurrency,
    maxAge: settings?.[0] ?? null,
    maxDeviationBps: settings?.[1] ?? null,
    minReports: settings?.[2] ?? null,
    reporterCount: settings?.[3].length ?? 0,
    reportCount: 0,
  });
}

/**
 * Applies `change` to the rate row of `currency`, creating it first (no accepted rate yet) if needed. Returns the
 * row after the change.
 */
export async function changeRate(
  db: Db,
  currency: string,
  change: (row: FxRateRow) => Partial<Omit<FxRateRow, "currency">>,
): Promise<FxRateRow> {
  const fresh: FxRateRow = {
    currency,
    reference: false,
    rate: null,
    average: null,
    updatedAt: null,
    tripped: false,
    freshReports: 0,
    updateCount: 0,
    tripCount: 0,
    pools: [],
  };
  return db
    .insert(fxRate)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate(change);
}

/** The rate of `currency` that values use: 1e18 for the reference currency, else the latest accepted; or null. */
export function usableRate(row: FxRateRow | null | undefined): bigint | null {
  if (!row) return null;
  return row.reference ? ONE : row.rate;
}

export async function rateOf(db: Db, currency: string): Promise<bigint | null> {
  return usableRate(await findRow(db, fxRate, { currency }));
}

/** Sets the pool's rates from the rate rows and its `tvl` from them and its reserves. */
export async function revalue(db: Db, address: Address): Promise<void> {
  const p = await db.find(pool, { address });
  if (!p) return;
  const [rateA, rateB] = await Promise.all([rateOf(db, p.currencyA), rateOf(db, p.currencyB)]);
  await db.update(pool, { address }).set({
    rateA,
    rateB,
    tvl: totalValueLocked({ reserveA: p.reserveA, reserveB: p.reserveB, rateA, rateB }),
  });
}

/**
 * The pool's row; the first time one of its logs is seen (or its PoolSet), it is created from the chain: its tokens,
 * currencies, oracle and LP symbol, and its reserves, LP supply, curve, flow limits and pause as of the end of the
 * block before `block` (zero if it did not exist yet: then its constructor's logs are in this block and follow).
 */
export async function ensurePool(context: Ctx, address: Address, block: Block): Promise<PoolRow> {
  const found = await context.db.find(pool, { address });
  if (found) return found;
  const { client, db } = context;
  const read = { abi: BridgePoolAbi, address } as const;
  const [tokenA, tokenB, currencyA, currencyB, oracle, symbol] = await Promise.all([
    client.readContract({ ...read, functionName: "tokenA" }),
    client.readContract({ ...read, functionName: "tokenB" }),
    client.readContract({ ...read, functionName: "currencyA" }),
    client.readContract({ ...read, functionName: "currencyB" }),
    client.readContract({ ...read, functionName: "oracle" }),
    client.readContract({ ...read, functionName: "symbol" }),
  ]);
  const before = block.number - 1n;
  const state = (await existed(context, address, before))
    ? await Promise.all([
        client.readContract({ ...read, functionName: "reserves", blockNumber: before }),
        client.readContract({ ...read, functionName: "totalSupply", blockNumber: before }),
        client.readContract({ ...read, functionName: "feeBps", blockNumber: before }),
        client.readContract({ ...read, functionName: "amplification", blockNumber: before }),
        client.readContract({ ...read, functionName: "flowLimits", args: [tokenA], blockNumber: before }),
        client.readContract({ ...read, functionName: "flowLimits", args: [tokenB], blockNumber: before }),
        client.readContract({ ...read, functionName: "paused", blockNumber: before }),
      ])
    : null;
  const [[reserveA, reserveB], lpSupply, feeBps, amplification, limitsA, limitsB, paused] = state ?? [
    [0n, 0n],
    0n,
    0,
    0,
    { shortLimit: 0n, longLimit: 0n },
    { shortLimit: 0n, longLimit: 0n },
    false,
  ];

  // The pool's currencies list it, so that their rate updates revalue it; the reference currency is worth 1e18.
  const { referenceCurrency } = await ensureOracle(context, oracle, block);
  const listCurrency = (currency: string) =>
    changeRate(db, currency, (r) => ({
      pools: withAddress(r.pools, address),
      ...(currency === referenceCurrency ? { reference: true, rate: ONE, average: ONE } : {}),
    }));
  const rateA = usableRate(await listCurrency(currencyA));
  const rateB = usableRate(await listCurrency(currencyB));
  const [communityA, communityB] = await Promise.all([tokenCommunity(db, tokenA), tokenCommunity(db, tokenB)]);

  // Its account rows of its community tokens say it is the bridge, so the Transfer handler needs no lookup of its own.
  const communityTokens = [communityA && tokenA, communityB && tokenB].filter((token) => !!token);
  await Promise.all(
    communityTokens.map((token) => changeAccount(db, { token, address }, block.timestamp, () => ({ bridge: true }))),
  );
  return db.insert(pool).values({
    address,
    router: null,
    listed: false,
    registeredAt: null,
    registeredBlock: null,
    symbol,
    oracle,
    tokenA,
    tokenB,
    communityA: communityA?.id ?? null,
    communityB: communityB?.id ?? null,
    countryA: communityA?.country ?? null,
    countryB: communityB?.country ?? null,
    currencyA,
    currencyB,
    reserveA,
    reserveB,
    lpSupply,
    feeBps: Number(feeBps),
    amplification: Number(amplification),
    shortLimitA: limitsA.shortLimit,
    longLimitA: limitsA.longLimit,
    shortLimitB: limitsB.shortLimit,
    longLimitB: limitsB.longLimit,
    paused,
    rateA,
    rateB,
    tvl: totalValueLocked({ reserveA, reserveB, rateA, rateB }),
    updatedAt: block.timestamp,
  });
}

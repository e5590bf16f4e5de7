/**
 * Trade: TradeEscrow (B2B orders: escrow_order, and one escrow_event per log), ProfitSharing (profit_scheme,
 * profit_share, and one row per SharesSet, RevenueReceived and RevenueClaimed log) and SupplyChainRegistry
 * (supply_chain_participant, product_batch with its transparency score, batch_checkpoint, batch_assessment, and one
 * supply_chain_event per log). The pure rules are in ./lib/trade.ts.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import {
  batchAssessment,
  batchCheckpoint,
  communityContract,
  escrowEvent,
  escrowOrder,
  productBatch,
  profitClaim,
  profitRevenue,
  profitScheme,
  profitShare,
  profitShareChange,
  supplyChainEvent,
  supplyChainParticipant,
} from "ponder:schema";
import type { Address, Hex } from "viem";
import {
  averageAssessment,
  claimAll,
  type EscrowState,
  escrowStateName,
  setUnits,
  transparencyScore,
} from "./lib/trade";
import { logColumns } from "./store";

type Db = Context["db"];

/** The community slug of token `token`; null for a token no registered community owns. */
async function communityIdOf(db: Db, token: Address): Promise<string | null> {
  const contract = await db.find(communityContract, { address: token });
  return contract && contract.kind === "token" ? contract.communityId : null;
}

// ---------------------------------------------------------------- TradeEscrow

type EscrowKind = (typeof escrowEvent.$inferInsert)["kind"];

/** The escrow_event row of a log, and the order's event count. */
async function recordEscrowEvent(
  db: Db,
  event: Parameters<typeof logColumns>[0],
  row: {
    kind: EscrowKind;
    orderId: bigint;
    actor: Address;
    state: EscrowState;
    hash?: Hex | null;
    amountIn?: bigint | null;
    amountOut?: bigint | null;
    buyerAmount?: bigint | null;
  },
) {
  await db.insert(escrowEvent).values({
    ...logColumns(event),
    hash: null,
    amountIn: null,
    amountOut: null,
    buyerAmount: null,
    ...row,
  });
}

type OrderChanges = Omit<Partial<typeof escrowOrder.$inferInsert>, "orderId" | "state" | "eventCount">;

/** Moves an order to `row.state` with `changes`, counts the log, and writes its escrow_event row. */
async function moveOrder(
  db: Db,
  event: Parameters<typeof logColumns>[0],
  row: Parameters<typeof recordEscrowEvent>[2],
  changes: OrderChanges,
) {
  await db
    .update(escrowOrder, { orderId: row.orderId })
    .set((o) => ({ ...changes, state: row.state, eventCount: o.eventCount + 1 }));
  await recordEscrowEvent(db, event, row);
}

ponder.on("TradeEscrow:OrderOpened", async ({ event, context }) => {
  const { db } = context;
  const a = event.args;
  await db.insert(escrowOrder).values({
    orderId: a.orderId,
    escrow: event.log.address,
    buyer: a.buyer,
    seller: a.seller,
    tokenIn: a.tokenIn,
    tokenOut: a.tokenOut,
    communityIn: await communityIdOf(db, a.tokenIn),
    communityOut: await communityIdOf(db, a.tokenOut),
    crossBorder: a.tokenIn.toLowerCase() !== a.tokenOut.toLowerCase(),
    path: [...a.path],
    amount: a.amount,
    minOut: a.minOut,
    termsHash: a.termsHash,
    deliveryDeadline: BigInt(a.deliveryDeadline),
    releaseDeadline: BigInt(a.releaseDeadline),
    state: "funded",
    deliveryHash: null,
    disputedBy: null,
    disputeReason: null,
    disputedFrom: null,
    arbiter: null,
    rulingHash: null,
    buyerAmount: null,
    sellerAmount: null,
    amountOut: null,
    openedAt: event.block.timestamp,
    deliveredAt: null,
    disputedAt: null,
    closedAt: null,
    openTransaction: event.transaction.hash,
    eventCount: 1,
  });
  await recordEscrowEvent(db, event, {
    kind: "opened",
    orderId: a.orderId,
    actor: a.buyer,
    state: "funded",
    hash: a.termsHash,
    amountIn: a.amount,
  });
});

ponder.on("TradeEscrow:OrderDelivered", async ({ event, context }) => {
  const { orderId, seller, deliveryHash } = event.args;
  await moveOrder(
    context.db,
    event,
    {
      kind: "delivered",
      orderId,
      actor: seller,
      state: "delivered",
      hash: deliveryHash,
    },
    {
      deliveryHash,
      deliveredAt: event.block.timestamp,
    },
  );
});

ponder.on("TradeEscrow:DisputeOpened", async ({ event, context }) => {
  const { orderId, by, previous, reasonHash } = event.args;
  await moveOrder(
    context.db,
    event,
    {
      kind: "disputed",
      orderId,
      actor: by,
      state: "disputed",
      hash: reasonHash,
    },
    {
      disputedBy: by,
      disputeReason: reasonHash,
      disputedFrom: escrowStateName(previous),
      disputedAt: event.block.timestamp,
    },
  );
});

ponder.on("TradeEscrow:OrderReleased", async ({ event, context }) => {
  const { orderId, buyer, amountIn, amountOut } = event.args;
  await moveOrder(
    context.db,
    event,
    {
      kind: "released",
      orderId,
      actor: buyer,
      state: "released",
      amountIn,
      amountOut,
    },
    {
      sellerAmount: amountIn,
      buyerAmount: 0n,
      amountOut,
      closedAt: event.block.timestamp,
    },
  );
});

ponder.on("TradeEscrow:DisputeResolved", async ({ event, context }) => {
  const { orderId, arbiter, buyerAmount, sellerAmount, sellerAmountOut, rulingHash } = event.args;
  await moveOrder(
    context.db,
    event,
    {
      kind: "resolved",
      orderId,
      actor: arbiter,
      state: "resolved",
      hash: rulingHash,
      amountIn: sellerAmount,
      amountOut: sellerAmountOut,
      buyerAmount,
    },
    {
      arbiter,
      rulingHash,
      buyerAmount,
      sellerAmount,
      amountOut: sellerAmountOut,
      closedAt: event.block.timestamp,
    },
  );
});

ponder.on("TradeEscrow:OrderRefunded", async ({ event, context }) => {
  const { orderId, buyer, amount } = event.args;
  await moveOrder(
    context.db,
    event,
    {
      kind: "refunded",
      orderId,
      actor: buyer,
      state: "refunded",
      buyerAmount: amount,
    },
    {
      buyerAmount: amount,
      sellerAmount: 0n,
      amountOut: 0n,
      closedAt: event.block.timestamp,
    },
  );
});

ponder.on("TradeEscrow:OrderClaimed", async ({ event, context }) => {
  const { orderId, seller, amountIn, amountOut } = event.args;
  await moveOrder(
    context.db,
    event,
    {
      kind: "claimed",
      orderId,
      actor: seller,
      state: "claimed",
      amountIn,
      amountOut,
    },
    {
      sellerAmount: amountIn,
      buyerAmount: 0n,
      amountOut,
      closedAt: event.block.timestamp,
    },
  );
});

// ---------------------------------------------------------------- ProfitSharing

ponder.on("ProfitSharing:SchemeOpened", async ({ event, context }) => {
  const { business, token, merchant } = event.args;
  await context.db.insert(profitScheme).values({
    business,
    contract: event.log.address,
    token,
    community: await communityIdOf(context.db, token),
    merchant,
    totalUnits: 0n,
    revenuePerUnit: 0n,
    totalDeposited: 0n,
    totalClaimed: 0n,
    depositCount: 0,
    claimCount: 0,
    shareholderCount: 0,
    openedAt: event.block.timestamp,
    openTransaction: event.transaction.hash,
    updatedAt: event.block.timestamp,
  });
});

ponder.on("ProfitSharing:SharesSet", async ({ event, context }) => {
  const { db } = context;
  const { business, account, previousUnits, units, totalUnits, accrued } = event.args;
  const at = event.block.timestamp;
  const scheme = await db.find(profitScheme, { business });
  const rpu = scheme?.revenuePerUnit ?? 0n;
  await db.insert(profitShareChange).values({
    ...logColumns(event),
    business,
    account,
    previousUnits,
    units,
    totalUnits,
    accrued,
  });
  const fresh = { units: 0n, settledPerUnit: 0n, owed: 0n };
  await db
    .insert(profitShare)
    .values({ business, account, ...setUnits(fresh, units, accrued, rpu), claimed: 0n, claimCount: 0, updatedAt: at })
    .onConflictDoUpdate((s) => ({ ...setUnits(s, units, accrued, rpu), updatedAt: at }));
  const joined = previousUnits === 0n && units > 0n ? 1 : previousUnits > 0n && units === 0n ? -1 : 0;
  await db.update(profitScheme, { business }).set((s) => ({
    totalUnits,
    shareholderCount: s.shareholderCount + joined,
    updatedAt: at,
  }));
});

ponder.on("ProfitSharing:RevenueReceived", async ({ event, context }) => {
  const { business, from, token, amount, totalUnits, revenuePerUnit } = event.args;
  await context.db.insert(profitRevenue).values({
    ...logColumns(event),
    business,
    from,
    token,
    amount,
    totalUnits,
    revenuePerUnit,
  });
  await context.db.update(profitScheme, { business }).set((s) => ({
    revenuePerUnit,
    totalDeposited: s.totalDeposited + amount,
    depositCount: s.depositCount + 1,
    updatedAt: event.block.timestamp,
  }));
});

ponder.on("ProfitSharing:RevenueClaimed", async ({ event, context }) => {
  const { db } = context;
  const { business, account, token, amount } = event.args;
  const at = event.block.timestamp;
  await db.insert(profitClaim).values({ ...logColumns(event), business, account, token, amount });
  const scheme = await db.update(profitScheme, { business }).set((s) => ({
    totalClaimed: s.totalClaimed + amount,
    claimCount: s.claimCount + 1,
    updatedAt: at,
  }));
  await db.update(profitShare, { business, account }).set((s) => ({
    ...claimAll(s, scheme.revenuePerUnit),
    claimed: s.claimed + amount,
    claimCount: s.claimCount + 1,
    updatedAt: at,
  }));
});

// ---------------------------------------------------------------- SupplyChainRegistry

type SupplyKind = (typeof supplyChainEvent.$inferInsert)["kind"];

async function recordSupplyEvent(
  db: Db,
  event: Parameters<typeof logColumns>[0],
  row: { kind: SupplyKind; batchId: bigint | null; token: Address | null; account: Address },
) {
  await db.insert(supplyChainEvent).values({ ...logColumns(event), ...row });
}

async function setParticipant(
  db: Db,
  role: "producer" | "carrier",
  args: { token: Address; account: Address; registered: boolean; verifier: Address },
  at: bigint,
) {
  const { token, account, registered, verifier } = args;
  await db
    .insert(supplyChainParticipant)
    .values({ token, account, role, community: await communityIdOf(db, token), registered, verifier, updatedAt: at })
    .onConflictDoUpdate({ registered, verifier, updatedAt: at });
}

ponder.on("SupplyChainRegistry:ProducerSet", async ({ event, context }) => {
  const { token, producer, registered, verifier } = event.args;
  await setParticipant(
    context.db,
    "producer",
    { token, account: producer, registered, verifier },
    event.block.timestamp,
  );
  await recordSupplyEvent(context.db, event, { kind: "producer_set", batchId: null, token, account: producer });
});

ponder.on("SupplyChainRegistry:CarrierSet", async ({ event, context }) => {
  const { token, carrier, registered, verifier } = event.args;
  await setParticipant(context.db, "carrier", { token, account: carrier, registered, verifier }, event.block.timestamp);
  await recordSupplyEvent(context.db, event, { kind: "carrier_set", batchId: null, token, account: carrier });
});

type BatchRow = typeof productBatch.$inferSelect;

/** The batch's derived columns after a change of its origin, checkpoints or scores. */
function scored(b: Pick<BatchRow, "originAttested" | "checkpointCount" | "categoryScores">) {
  const scores = Object.values(b.categoryScores);
  return {
    averageAssessment: averageAssessment(scores),
    transparencyScore: transparencyScore({
      originAttested: b.originAttested,
      checkpoints: b.checkpointCount,
      scores,
    }),
  };
}

ponder.on("SupplyChainRegistry:BatchCreated", async ({ event, context }) => {
  const { batchId, producer, token, productId, dataHash, dataURI } = event.args;
  const at = event.block.timestamp;
  const base = { originAttested: false, checkpointCount: 0, categoryScores: {} as Record<string, number> };
  await context.db.insert(productBatch).values({
    batchId,
    registry: event.log.address,
    producer,
    token,
    community: await communityIdOf(context.db, token),
    productId,
    dataHash,
    dataURI,
    createdAt: at,
    originVerifier: null,
    originEvidenceHash: null,
    originEvidenceURI: null,
    originRevokedCount: 0,
    lastCheckpointAt: null,
    assessmentCount: 0,
    categoriesAssessed: 0,
    ...base,
    ...scored(base),
    updatedAt: at,
  });
  await recordSupplyEvent(context.db, event, { kind: "batch_created", batchId, token, account: producer });
});

/** Applies `change` to batch `batchId` and recomputes its score; returns the row after it. */
async function changeBatch(db: Db, batchId: bigint, at: bigint, change: (b: BatchRow) => Partial<BatchRow>) {
  return db.update(productBatch, { batchId }).set((b) => {
    const next = { ...b, ...change(b) };
    return { ...change(b), ...scored(next), updatedAt: at };
  });
}

ponder.on("SupplyChainRegistry:OriginAttested", async ({ event, context }) => {
  const { batchId, verifier, evidenceHash, evidenceURI } = event.args;
  const b = await changeBatch(context.db, batchId, event.block.timestamp, () => ({
    originAttested: true,
    originVerifier: verifier,
    originEvidenceHash: evidenceHash,
    originEvidenceURI: evidenceURI,
  }));
  await recordSupplyEvent(context.db, event, { kind: "origin_attested", batchId, token: b.token, account: verifier });
});

ponder.on("SupplyChainRegistry:OriginRevoked", async ({ event, context }) => {
  const { batchId, verifier } = event.args;
  const b = await changeBatch(context.db, batchId, event.block.timestamp, (row) => ({
    originAttested: false,
    originVerifier: null,
    originRevokedCount: row.originRevokedCount + 1,
  }));
  await recordSupplyEvent(context.db, event, { kind: "origin_revoked", batchId, token: b.token, account: verifier });
});

ponder.on("SupplyChainRegistry:CheckpointRecorded", async ({ event, context }) => {
  const { batchId, carrier, index, locationHash, dataHash, dataURI } = event.args;
  const at = event.block.timestamp;
  await context.db.insert(batchCheckpoint).values({
    ...logColumns(event),
    batchId,
    index: Number(index),
    carrier,
    locationHash,
    dataHash,
    dataURI,
  });
  const b = await changeBatch(context.db, batchId, at, (row) => ({
    checkpointCount: row.checkpointCount + 1,
    lastCheckpointAt: at,
  }));
  await recordSupplyEvent(context.db, event, {
    kind: "checkpoint_recorded",
    batchId,
    token: b.token,
    account: carrier,
  });
});

ponder.on("SupplyChainRegistry:BatchAssessed", async ({ event, context }) => {
  const { batchId, assessor, category, score, evidenceHash, evidenceURI } = event.args;
  const before = await context.db.find(productBatch, { batchId });
  const previous = before?.categoryScores[category];
  await context.db.insert(batchAssessment).values({
    ...logColumns(event),
    batchId,
    assessor,
    category,
    score: Number(score),
    previousScore: previous ?? null,
    evidenceHash,
    evidenceURI,
  });
  const b = await changeBatch(context.db, batchId, event.block.timestamp, (row) => ({
    categoryScores: { ...row.categoryScores, [category]: Number(score) },
    categoriesAssessed: row.categoriesAssessed + (previous === undefined ? 1 : 0),
    assessmentCount: row.assessmentCount + 1,
  }));
  await recordSupplyEvent(context.db, event, { kind: "batch_assessed", batchId, token: b.token, account: assessor });
});

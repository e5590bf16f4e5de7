/**
 * Commerce: MerchantRegistry (merchants, their profiles and statuses), PaymentRouter (hybrid point-of-sale payments
 * and refunds) and LoyaltyProgram (merchant-funded rewards) logs. In a payment's transaction the token's Transfer
 * logs come first, then the program's RewardCredited, then the router's PaymentSettled, which carries the reward:
 * the payment's row, its merchant's totals and its merchant-day are written by PaymentSettled alone; RewardCredited
 * writes the reward row, the program's pool and the customer's balance.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import {
  communityContract,
  communityProfile,
  loyaltyBalance,
  loyaltyProgram,
  loyaltyReward,
  merchant,
  merchantCustomer,
  merchantDay,
  payment,
  refund,
} from "ponder:schema";
import { type Address, getAbiItem, toFunctionSelector } from "viem";
import { PaymentRouterAbi } from "../generated/abis";
import { utcDate, utcDay } from "./lib/bridge";
import {
  addRefund,
  addSale,
  claimReward,
  creditReward,
  inPeg,
  NO_SALES,
  paymentMethod,
  type RefundTotals,
  type RewardBalance,
  type SaleTotals,
} from "./lib/commerce";
import { logColumns } from "./store";

type Db = Context["db"];

const SELECTORS = {
  permit: toFunctionSelector(getAbiItem({ abi: PaymentRouterAbi, name: "payWithPermit" })),
  authorization: toFunctionSelector(getAbiItem({ abi: PaymentRouterAbi, name: "payWithAuthorization" })),
};

/** The community (slug and currency) whose token `token` is; null for a token no registered community owns. */
async function communityOfToken(db: Db, token: Address): Promise<{ id: string; currency: string } | null> {
  const contract = await db.find(communityContract, { address: token });
  if (!contract || contract.kind !== "token") return null;
  const profile = await db.find(communityProfile, { id: contract.communityId });
  return profile ? { id: profile.id, currency: profile.currency } : null;
}

/** Only the columns a sale changes (an update never rewrites a key). */
const saleColumns = (t: SaleTotals) => ({
  paymentCount: t.paymentCount,
  kcVolume: t.kcVolume,
  fiatVolume: t.fiatVolume,
  rewards: t.rewards,
});
const refundColumns = (t: RefundTotals) => ({ refundCount: t.refundCount, refundedVolume: t.refundedVolume });

// ---------------------------------------------------------------- MerchantRegistry

ponder.on("MerchantRegistry:MerchantRegistered", async ({ event, context }) => {
  const { merchant: address, token, category, metadataURI, metadataHash } = event.args;
  const at = event.block.timestamp;
  const community = await communityOfToken(context.db, token);
  await context.db.insert(merchant).values({
    address,
    token,
    community: community?.id ?? null,
    status: "pending",
    category,
    metadataURI,
    metadataHash,
    registeredAt: at,
    verifiedAt: null,
    verifier: null,
    suspendedAt: null,
    suspendedBy: null,
    suspensionReason: null,
    suspensionCount: 0,
    profileUpdatedAt: at,
    ...NO_SALES,
    otherFiatCount: 0,
    rewardsCredited: 0n,
    refundCount: 0,
    refundedVolume: 0n,
    customerCount: 0,
    firstPaymentAt: null,
    lastPaymentAt: null,
  });
});

ponder.on("MerchantRegistry:MerchantProfileUpdated", async ({ event, context }) => {
  const { merchant: address, category, metadataURI, metadataHash } = event.args;
  await context.db
    .update(merchant, { address })
    .set({ category, metadataURI, metadataHash, profileUpdatedAt: event.block.timestamp });
});

ponder.on("MerchantRegistry:MerchantVerified", async ({ event, context }) => {
  const { merchant: address, verifier } = event.args;
  await context.db
    .update(merchant, { address })
    .set({ status: "verified", verifiedAt: event.block.timestamp, verifier });
});

ponder.on("MerchantRegistry:MerchantSuspended", async ({ event, context }) => {
  const { merchant: address, by, reason } = event.args;
  await context.db.update(merchant, { address }).set((m) => ({
    status: "suspended",
    suspendedAt: event.block.timestamp,
    suspendedBy: by,
    suspensionReason: reason,
    suspensionCount: m.suspensionCount + 1,
  }));
});

ponder.on("MerchantRegistry:MerchantReinstated", async ({ event, context }) => {
  await context.db
    .update(merchant, { address: event.args.merchant })
    .set({ status: "verified", suspendedAt: null, suspendedBy: null, suspensionReason: null });
});

// ---------------------------------------------------------------- PaymentRouter

ponder.on("PaymentRouter:PaymentSettled", async ({ event, context }) => {
  const { db } = context;
  const { invoiceKey, merchant: merchantAddress, payer, token, invoiceId, amount, fiatAmount } = event.args;
  const { fiatCurrency, processorRef, reward, terminal } = event.args;
  const at = event.block.timestamp;
  const day = utcDay(at);
  const community = await communityOfToken(db, token);
  const sale = { amount, fiatAmount, fiatInPeg: inPeg(fiatCurrency, community?.currency ?? null), reward };

  const { id: eventId, ...log } = logColumns(event);
  await db.insert(payment).values({
    ...log,
    eventId,
    invoiceKey,
    router: event.log.address,
    invoiceId,
    merchant: merchantAddress,
    payer,
    token,
    community: community?.id ?? null,
    amount,
    fiatAmount,
    fiatCurrency,
    processorRef,
    reward,
    terminal,
    method: paymentMethod(event.log.address, event.transaction, SELECTORS),
    refunded: 0n,
    refundCount: 0,
    day,
    date: utcDate(at),
  });

  const returning = await db.find(merchantCustomer, { merchant: merchantAddress, customer: payer });
  await db
    .insert(merchantCustomer)
    .values({
      merchant: merchantAddress,
      customer: payer,
      paymentCount: 1,
      kcVolume: amount,
      firstPaymentAt: at,
      lastPaymentAt: at,
    })
    .onConflictDoUpdate((c) => ({
      paymentCount: c.paymentCount + 1,
      kcVolume: c.kcVolume + amount,
      lastPaymentAt: at,
    }));

  await db.update(merchant, { address: merchantAddress }).set((m) => {
    const totals = addSale(
      { paymentCount: m.paymentCount, kcVolume: m.kcVolume, fiatVolume: m.fiatVolume, rewards: m.rewardsCredited },
      sale,
    );
    return {
      paymentCount: totals.paymentCount,
      kcVolume: totals.kcVolume,
      fiatVolume: totals.fiatVolume,
      rewardsCredited: totals.rewards,
      otherFiatCount: m.otherFiatCount + (fiatAmount > 0n && !sale.fiatInPeg ? 1 : 0),
      customerCount: m.customerCount + (returning ? 0 : 1),
      firstPaymentAt: m.firstPaymentAt ?? at,
      lastPaymentAt: at,
    };
  });

  const fresh = {
    merchant: merchantAddress,
    day,
    date: utcDate(at),
    token,
    community: community?.id ?? null,
    ...NO_SALES,
    refundCount: 0,
    refundedVolume: 0n,
  };
  await db
    .insert(merchantDay)
    .values(addSale(fresh, sale))
    .onConflictDoUpdate((d) => saleColumns(addSale(d, sale)));
});

ponder.on("PaymentRouter:PaymentRefunded", async ({ event, context }) => {
  const { db } = context;
  const { invoiceKey, merchant: merchantAddress, payer, token, amount, totalRefunded } = event.args;
  const at = event.block.timestamp;
  const day = utcDay(at);
  const community = await communityOfToken(db, token);
  await db.insert(refund).values({
    ...logColumns(event),
    invoiceKey,
    merchant: merchantAddress,
    payer,
    token,
    community: community?.id ?? null,
    amount,
    totalRefunded,
    day,
    date: utcDate(at),
  });
  await db.update(payment, { invoiceKey }).set((p) => ({ refunded: totalRefunded, refundCount: p.refundCount + 1 }));
  await db.update(merchant, { address: merchantAddress }).set((m) => refundColumns(addRefund(m, amount)));
  const fresh = {
    merchant: merchantAddress,
    day,
    date: utcDate(at),
    token,
    community: community?.id ?? null,
    ...NO_SALES,
    refundCount: 0,
    refundedVolume: 0n,
  };
  await db
    .insert(merchantDay)
    .values(addRefund(fresh, amount))
    .onConflictDoUpdate((d) => refundColumns(addRefund(d, amount)));
});

// ---------------------------------------------------------------- LoyaltyProgram

/** Applies `change` to the merchant's program row, creating it (no program yet: rate 0) on its first log. */
async function changeProgram(
  db: Db,
  program: Address,
  merchantAddress: Address,
  token: Address,
  at: bigint,
  change: (row: typeof loyaltyProgram.$inferSelect) => Partial<typeof loyaltyProgram.$inferSelect>,
) {
  const fresh: typeof loyaltyProgram.$inferSelect = {
    merchant: merchantAddress,
    program,
    token,
    community: (await communityOfToken(db, token))?.id ?? null,
    rateBps: 0,
    capPerPeriod: 0n,
    period: 0n,
    pool: 0n,
    funded: 0n,
    withdrawn: 0n,
    credited: 0n,
    creditCount: 0,
    configuredAt: null,
    updatedAt: at,
  };
  await db
    .insert(loyaltyProgram)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((row) => ({ ...change(row), updatedAt: at }));
}

ponder.on("LoyaltyProgram:ProgramConfigured", async ({ event, context }) => {
  const { merchant: m, token, rateBps, capPerPeriod, period } = event.args;
  const at = event.block.timestamp;
  await changeProgram(context.db, event.log.address, m, token, at, () => ({
    token,
    rateBps: Number(rateBps),
    capPerPeriod,
    period,
    configuredAt: at,
  }));
});

ponder.on("LoyaltyProgram:RewardPoolFunded", async ({ event, context }) => {
  const { merchant: m, token, amount, pool } = event.args;
  await changeProgram(context.db, event.log.address, m, token, event.block.timestamp, (p) => ({
    pool,
    funded: p.funded + amount,
  }));
});

ponder.on("LoyaltyProgram:RewardPoolWithdrawn", async ({ event, context }) => {
  const { merchant: m, token, amount, pool } = event.args;
  await changeProgram(context.db, event.log.address, m, token, event.block.timestamp, (p) => ({
    pool,
    withdrawn: p.withdrawn + amount,
  }));
});

async function changeBalance(db: Db, customer: Address, token: Address, at: bigint, amount: bigint, claim: boolean) {
  const fresh = {
    customer,
    token,
    community: (await communityOfToken(db, token))?.id ?? null,
    credited: 0n,
    claimed: 0n,
    unclaimed: 0n,
    updatedAt: at,
  };
  const apply = (b: RewardBalance) => ({
    ...(claim ? claimReward(b, amount) : creditReward(b, amount)),
    updatedAt: at,
  });
  await db
    .insert(loyaltyBalance)
    .values({ ...fresh, ...apply(fresh) })
    .onConflictDoUpdate((b) => {
      const { credited, claimed, unclaimed, updatedAt } = apply(b);
      return { credited, claimed, unclaimed, updatedAt };
    });
}

ponder.on("LoyaltyProgram:RewardCredited", async ({ event, context }) => {
  const { db } = context;
  const { merchant: m, customer, token, invoiceKey, reward } = event.args;
  const at = event.block.timestamp;
  await db.insert(loyaltyReward).values({
    ...logColumns(event),
    kind: "credited",
    program: event.log.address,
    customer,
    token,
    community: (await communityOfToken(db, token))?.id ?? null,
    merchant: m,
    invoiceKey,
    amount: reward,
  });
  await changeProgram(db, event.log.address, m, token, at, (p) => ({
    pool: p.pool - reward,
    credited: p.credited + reward,
    creditCount: p.creditCount + 1,
  }));
  await changeBalance(db, customer, token, at, reward, false);
});

ponder.on("LoyaltyProgram:RewardClaimed", async ({ event, context }) => {
  const { db } = context;
  const { customer, token, amount } = event.args;
  await db.insert(loyaltyReward).values({
    ...logColumns(event),
    kind: "claimed",
    program: event.log.address,
    customer,
    token,
    community: (await communityOfToken(db, token))?.id ?? null,
    merchant: null,
    invoiceKey: null,
    amount,
  });
  await changeBalance(db, customer, token, event.block.timestamp, amount, true);
});

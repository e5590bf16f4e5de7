/**
 * Model-based property test of point-of-sale payments: fast-check drives random sequences of payments (by permit
 * and by ERC-3009 authorization, some replaying a paid invoice or a used nonce, some beyond the payer's balance),
 * refunds (partial, full, too large, zero), loyalty pool funding and withdrawals, reward claims and time steps,
 * against a plain model of the balances, the payments, the pools, the customers' reward windows and their unclaimed
 * rewards. Every outcome is predicted exactly (the reward of each payment, each revert with its arguments), and after
 * every step:
 * (a) token conservation: the balances of payers, merchants, router and loyalty program sum to the initial total, and
 *     each equals the model's;
 * (b) the router holds no tokens;
 * (c) per invoice, refunded <= paid (and both equal the model's);
 * (d) the loyalty program's balance is the sum of the pools plus the sum of unclaimed rewards (each as modelled).
 *
 * Environment: PROPERTY_RUNS (default 50); PROPERTY_SEED, PROPERTY_PATH replay a reported failure; PROPERTY_STATS=true
 * prints how often each command and outcome occurred.
 */
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { BaseContract, ContractTransactionResponse, Signer } from "ethers";
import fc, { type AsyncCommand } from "fast-check";
import { ethers } from "hardhat";
import { invoiceKeyOf, type PaymentIntent } from "../../scripts/lib/business";
import { KC } from "../shared/fixtures";
import { DAY } from "../shared/federationFixtures";
import {
  type BusinessFixture,
  deployBusinessFixture,
  freshInvoice,
  intentOf,
  type PaymentPath,
  SHOP_PROGRAM,
  signPayment,
} from "./fixtures";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 50);
const MAX_COMMANDS = 25;
const PPM = 1_000_000n;
const PAYERS = ["alice", "carol", "dave"] as const;
const MERCHANTS = ["shop", "bakery"] as const;
/** The bakery's program in this test: 20% (the maximum), at most 10 KATY per customer per day, an empty pool. */
const BAKERY_PROGRAM = { rateBps: 2_000n, cap: KC(10), period: BigInt(DAY) };

const stats = new Map<string, number>();
const tally = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);

// ------------------------------------------------------------------------------------------------ the model

interface Program {
  rateBps: bigint;
  cap: bigint;
  period: bigint;
  pool: bigint;
}

interface Paid {
  merchant: number;
  payer: number;
  invoiceId: string;
  amount: bigint;
  refunded: bigint;
}

class Model {
  payers: bigint[];
  merchants: bigint[];
  readonly total: bigint;
  programs: Program[];
  /** Unclaimed rewards of each payer (KATY). */
  rewards: bigint[] = PAYERS.map(() => 0n);
  /** Reward windows by merchant, then payer. */
  windows: { start: bigint; credited: bigint }[][] = MERCHANTS.map(() =>
    PAYERS.map(() => ({ start: 0n, credited: 0n })),
  );
  payments: Paid[] = [];
  usedNonces: bigint[][] = PAYERS.map(() => []);

  constructor(payers: bigint[], merchants: bigint[], programs: Program[], loyaltyBalance: bigint) {
    this.payers = payers;
    this.merchants = merchants;
    this.programs = programs;
    this.total = [...payers, ...merchants, loyaltyBalance].reduce((a, b) => a + b, 0n);
  }

  get loyaltyBalance(): bigint {
    return this.programs.reduce((s, p) => s + p.pool, 0n) + this.rewards.reduce((s, r) => s + r, 0n);
  }

  /** LoyaltyProgram.credit at `now`: the reward, applied to the model. */
  credit(merchant: number, payer: number, amount: bigint, now: bigint): bigint {
    const p = this.programs[merchant]!;
    if (p.rateBps === 0n || p.pool === 0n) return 0n;
    let w = this.windows[merchant]![payer]!;
    if (now >= w.start + p.period) w = { start: now, credited: 0n };
    const room = p.cap > w.credited ? p.cap - w.credited : 0n;
    const reward = [(amount * p.rateBps) / 10_000n, room, p.pool].reduce((a, b) => (b < a ? b : a));
    if (reward === 0n) return 0n;
    p.pool -= reward;
    this.windows[merchant]![payer] = { start: w.start, credited: w.credited + reward };
    this.rewards[payer]! += reward;
    return reward;
  }
}

interface Real {
  f: BusinessFixture;
  payers: Signer[];
  merchants: Signer[];
  payerAddresses: string[];
  merchantAddresses: string[];
}

type Cmd = AsyncCommand<Model, Real>;

/** A revert predicted by the model: the contract whose ABI declares the error, its name and arguments. */
interface ExpectedError {
  contract: BaseContract;
  name: string;
  args: unknown[];
}

async function expectOutcome(tx: Promise<ContractTransactionResponse>, error: ExpectedError | undefined) {
  tally(`outcome ${error?.name ?? "success"}`);
  if (error === undefined) return (await tx).wait();
  await expect(tx)
    .to.be.revertedWithCustomError(error.contract, error.name)
    .withArgs(...error.args);
  return null;
}

/** (a)-(d), and the model's pools, rewards and payments, against the chain. */
async function invariants(m: Model, r: Real) {
  const { f } = r;
  const token = f.katy.token;
  const [payers, merchants, router, loyalty] = await Promise.all([
    Promise.all(r.payerAddresses.map((a) => token.balanceOf(a))),
    Promise.all(r.merchantAddresses.map((a) => token.balanceOf(a))),
    token.balanceOf(f.business.router),
    token.balanceOf(f.business.loyalty),
  ]);
  // (a)
  expect(
    [...payers, ...merchants, router, loyalty].reduce((a, b) => a + b, 0n),
    "conservation",
  ).to.equal(m.total);
  payers.forEach((b, i) => expect(b, `balance of ${PAYERS[i]}`).to.equal(m.payers[i]));
  merchants.forEach((b, i) => expect(b, `balance of ${MERCHANTS[i]}`).to.equal(m.merchants[i]));
  // (b)
  expect(router, "the router's balance").to.equal(0n);
  // (c)
  const paid = await Promise.all(
    m.payments.map((p) => f.router.paymentOf(r.merchantAddresses[p.merchant]!, p.invoiceId)),
  );
  paid.forEach((onChain, i) => {
    const p = m.payments[i]!;
    expect(onChain.refunded, "refunded <= paid").to.be.lte(onChain.amount);
    expect([onChain.payer, onChain.amount, onChain.refunded], `payment ${i}`).to.deep.equal([
      r.payerAddresses[p.payer],
      p.amount,
      p.refunded,
    ]);
  });
  // (d)
  const [programs, rewards] = await Promise.all([
    Promise.all(r.merchantAddresses.map((a) => f.loyalty.programOf(a))),
    Promise.all(r.payerAddresses.map((a) => f.loyalty.rewardsOf(a, f.katy.address))),
  ]);
  const pools = programs.map((p) => p.pool);
  expect(loyalty, "loyalty balance == pools + unclaimed rewards").to.equal(
    [...pools, ...rewards].reduce((a, b) => a + b, 0n),
  );
  pools.forEach((pool, i) => expect(pool, `pool of ${MERCHANTS[i]}`).to.equal(m.programs[i]!.pool));
  rewards.forEach((reward, i) => expect(reward, `rewards of ${PAYERS[i]}`).to.equal(m.rewards[i]));
  expect(loyalty).to.equal(m.loyaltyBalance);
}

function step(label: string, act: (m: Model, r: Real) => Promise<void>, applies: (m: Model) => boolean = () => true) {
  const cmd: Cmd = {
    check: applies,
    run: async (m, r) => {
      tally(`command ${label.replace(/[ (].*$/, "")}`);
      await act(m, r);
      await invariants(m, r);
    },
    toString: () => label,
  };
  return cmd;
}

// ------------------------------------------------------------------------------------------------ commands

let nonceSeed = 10n ** 12n;

/** A payment by `path`; `replay` reuses a paid invoice of the merchant or a used nonce of the payer. */
function payCmd(
  path: PaymentPath,
  payer: number,
  merchant: number,
  amount: bigint,
  replay: "none" | "invoice" | "nonce",
  pick: number,
) {
  const label = `pay(${path}, ${PAYERS[payer]} -> ${MERCHANTS[merchant]}, ${ethers.formatEther(amount)}${replay === "none" ? "" : `, replay ${replay}`})`;
  const applies = (m: Model) =>
    replay === "none" ||
    (replay === "invoice" && m.payments.some((p) => p.merchant === merchant)) ||
    (replay === "nonce" && m.usedNonces[payer]!.length > 0);
  return step(
    label,
    async (m, r) => {
      const { f } = r;
      const overrides: Partial<PaymentIntent> = { nonce: ++nonceSeed };
      if (replay === "invoice") {
        const ofMerchant = m.payments.filter((p) => p.merchant === merchant);
        overrides.invoiceId = ofMerchant[pick % ofMerchant.length]!.invoiceId;
      } else if (replay === "nonce") {
        const used = m.usedNonces[payer]!;
        overrides.nonce = used[pick % used.length]!;
      } else {
        overrides.invoiceId = freshInvoice("PROP");
      }
      const intent = await intentOf(f, r.payers[payer]!, r.merchants[merchant]!, amount, overrides);
      const payerAddress = r.payerAddresses[payer]!;
      const error: ExpectedError | undefined =
        replay === "nonce"
          ? { contract: f.router, name: "PaymentNonceUsed", args: [payerAddress, intent.nonce] }
          : replay === "invoice"
            ? { contract: f.router, name: "PaymentInvoicePaid", args: [intent.merchant, intent.invoiceId] }
            : m.payers[payer]! < amount
              ? {
                  contract: f.katy.token,
                  name: "ERC20InsufficientBalance",
                  args: [payerAddress, m.payers[payer], amount],
                }
              : undefined;
      const submit = await signPayment(f, path, r.payers[payer]!, intent);
      const receipt = await expectOutcome(submit(), error);
      if (receipt === null) return;
      const now = BigInt((await receipt.getBlock()).timestamp);
      m.payers[payer]! -= amount;
      m.merchants[merchant]! += amount;
      m.usedNonces[payer]!.push(intent.nonce);
      m.payments.push({ merchant, payer, invoiceId: intent.invoiceId, amount, refunded: 0n });
      const reward = m.credit(merchant, payer, amount, now);
      tally(reward === 0n ? "reward zero" : "reward credited");
      const settled = receipt.logs
        .map((log) => f.router.interface.parseLog(log))
        .find((e) => e !== null && e.name === "PaymentSettled");
      expect(settled?.args.reward, "PaymentSettled reward").to.equal(reward);
      expect(settled?.args.invoiceKey).to.equal(invoiceKeyOf(intent.merchant, intent.invoiceId));
    },
    applies,
  );
}

/** The merchant of a paid invoice refunds `ppm` of what remains refundable, or one wei more than remains. */
function refundCmd(pick: number, ppm: bigint | "over") {
  return step(
    `refund(payment #${pick}, ${ppm === "over" ? "refundable + 1" : `${ppm} ppm`})`,
    async (m, r) => {
      const { f } = r;
      const p = m.payments[pick % m.payments.length]!;
      const refundable = p.amount - p.refunded;
      const amount = ppm === "over" ? refundable + 1n : (refundable * ppm) / PPM;
      const merchant = r.merchantAddresses[p.merchant]!;
      const error: ExpectedError | undefined =
        amount === 0n
          ? { contract: f.router, name: "PaymentZeroAmount", args: [] }
          : amount > refundable
            ? { contract: f.router, name: "PaymentRefundTooLarge", args: [amount, refundable] }
            : m.merchants[p.merchant]! < amount
              ? {
                  contract: f.katy.token,
                  name: "ERC20InsufficientBalance",
                  args: [merchant, m.merchants[p.merchant], amount],
                }
              : undefined;
      const receipt = await expectOutcome(
        f.router.connect(r.merchants[p.merchant]!).refund(p.invoiceId, amount),
        error,
      );
      if (receipt === null) return;
      p.refunded += amount;
      m.merchants[p.merchant]! -= amount;
      m.payers[p.payer]! += amount;
    },
    (m) => m.payments.length > 0,
  );
}

function fundCmd(merchant: number, amount: bigint) {
  return step(`fund(${MERCHANTS[merchant]}, ${ethers.formatEther(amount)})`, async (m, r) => {
    const { f } = r;
    const address = r.merchantAddresses[merchant]!;
    const error: ExpectedError | undefined =
      m.merchants[merchant]! < amount
        ? { contract: f.katy.token, name: "ERC20InsufficientBalance", args: [address, m.merchants[merchant], amount] }
        : undefined;
    const receipt = await expectOutcome(f.loyalty.connect(r.merchants[merchant]!).fund(amount), error);
    if (receipt === null) return;
    m.merchants[merchant]! -= amount;
    m.programs[merchant]!.pool += amount;
  });
}

/** The merchant withdraws `ppm` of its pool, or one wei more than it holds. */
function withdrawCmd(merchant: number, ppm: bigint | "over") {
  return step(`withdraw(${MERCHANTS[merchant]}, ${ppm === "over" ? "pool + 1" : `${ppm} ppm`})`, async (m, r) => {
    const { f } = r;
    const pool = m.programs[merchant]!.pool;
    const amount = ppm === "over" ? pool + 1n : (pool * ppm) / PPM;
    const error: ExpectedError | undefined =
      amount === 0n
        ? { contract: f.loyalty, name: "LoyaltyZeroAmount", args: [] }
        : amount > pool
          ? { contract: f.loyalty, name: "LoyaltyInsufficientPool", args: [amount, pool] }
          : undefined;
    const receipt = await expectOutcome(f.loyalty.connect(r.merchants[merchant]!).withdraw(amount), error);
    if (receipt === null) return;
    m.programs[merchant]!.pool -= amount;
    m.merchants[merchant]! += amount;
  });
}

function claimCmd(payer: number) {
  return step(`claim(${PAYERS[payer]})`, async (m, r) => {
    const { f } = r;
    const amount = m.rewards[payer]!;
    const error: ExpectedError | undefined =
      amount === 0n ? { contract: f.loyalty, name: "LoyaltyZeroAmount", args: [] } : undefined;
    const receipt = await expectOutcome(f.loyalty.connect(r.payers[payer]!).claim(f.katy.address), error);
    if (receipt === null) return;
    m.rewards[payer] = 0n;
    m.payers[payer]! += amount;
  });
}

function waitCmd(seconds: number) {
  return step(`wait(${seconds} s)`, async () => {
    await time.increase(seconds);
  });
}

// ------------------------------------------------------------------------------------------------ arbitraries

const payerArb = fc.integer({ min: 0, max: PAYERS.length - 1 });
const merchantArb = fc.integer({ min: 0, max: MERCHANTS.length - 1 });
const pathArb = fc.constantFrom<PaymentPath>("permit", "authorization");
/** Mostly whole-ish amounts up to 300 KATY; sometimes a few wei (rewards that round to zero). */
const amountArb = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt(1n, KC(300)) },
  { weight: 1, arbitrary: fc.bigInt(1n, 100n) },
);
const ppmArb = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt(1n, PPM) },
  { weight: 2, arbitrary: fc.constant(PPM) },
  { weight: 1, arbitrary: fc.constant(0n) },
  { weight: 1, arbitrary: fc.constant("over" as const) },
);
const pickArb = fc.nat({ max: 1_000 });

const commandArbs = [
  fc
    .tuple(pathArb, payerArb, merchantArb, amountArb)
    .map(([path, payer, merchant, amount]) => payCmd(path, payer, merchant, amount, "none", 0)),
  fc
    .tuple(pathArb, payerArb, merchantArb, amountArb)
    .map(([path, payer, merchant, amount]) => payCmd(path, payer, merchant, amount, "none", 0)),
  fc
    .tuple(pathArb, payerArb, merchantArb, amountArb, fc.constantFrom("invoice" as const, "nonce" as const), pickArb)
    .map(([path, payer, merchant, amount, replay, pick]) => payCmd(path, payer, merchant, amount, replay, pick)),
  fc.tuple(pickArb, ppmArb).map(([pick, ppm]) => refundCmd(pick, ppm)),
  fc.tuple(merchantArb, fc.bigInt(1n, KC(200))).map(([merchant, amount]) => fundCmd(merchant, amount)),
  fc.tuple(merchantArb, ppmArb).map(([merchant, ppm]) => withdrawCmd(merchant, ppm)),
  payerArb.map(claimCmd),
  fc.constantFrom(60, 3_600, 12 * 3_600, DAY, 3 * DAY, 7 * DAY).map(waitCmd),
];

// ------------------------------------------------------------------------------------------------ the fixture

/**
 * The business fixture with alice at tier 1 too (no payer can reach its daily limit here: at most 25 payments of
 * 300 KATY), and the bakery running a program (BAKERY_PROGRAM) with an empty pool.
 */
async function propertyFixture() {
  const f = await loadFixture(deployBusinessFixture);
  await (await f.katy.registry.connect(f.verifier).setTier(f.alice.address, 1)).wait();
  await (
    await f.loyalty.connect(f.bakery).configure(BAKERY_PROGRAM.rateBps, BAKERY_PROGRAM.cap, BAKERY_PROGRAM.period)
  ).wait();
  return f;
}

async function setUp(): Promise<{ model: Model; real: Real }> {
  const f = await loadFixture(propertyFixture);
  const payers = [f.alice, f.carol, f.dave];
  const merchants = [f.shop, f.bakery];
  const payerAddresses = payers.map((p) => p.address);
  const merchantAddresses = merchants.map((m) => m.address);
  const balanceOf = (a: string) => f.katy.token.balanceOf(a);
  const model = new Model(
    await Promise.all(payerAddresses.map(balanceOf)),
    await Promise.all(merchantAddresses.map(balanceOf)),
    [
      { ...SHOP_PROGRAM, pool: SHOP_PROGRAM.pool },
      { ...BAKERY_PROGRAM, pool: 0n },
    ],
    await balanceOf(f.business.loyalty),
  );
  const real = { f, payers, merchants, payerAddresses, merchantAddresses };
  await invariants(model, real);
  return { model, real };
}

describe("Payments (property)", function () {
  this.timeout(10 * 60_000);

  after(() => {
    if (process.env.PROPERTY_STATS !== "true") return;
    for (const [key, count] of [...stats].sort()) console.log(`      ${key}: ${count}`);
  });

  it("random payments (both paths, replays), refunds, pool funding and withdrawals, claims and waits: conserve tokens, leave the router empty, refund no more than paid, and keep the loyalty balance equal to pools + unclaimed rewards", async () => {
    const { PROPERTY_SEED: seed, PROPERTY_PATH: path } = process.env;
    await fc.assert(
      fc.asyncProperty(fc.commands(commandArbs, { maxCommands: MAX_COMMANDS, size: "max" }), async (cmds) => {
        const { model, real } = await setUp();
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      {
        numRuns: RUNS,
        ...(seed === undefined ? {} : { seed: Number(seed) }),
        ...(path === undefined ? {} : { path }),
      },
    );
  });
});

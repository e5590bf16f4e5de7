import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import fc, { type AsyncCommand } from "fast-check";
import { KC } from "../shared/fixtures";
import {
  DEAD,
  deployEmptyPoolFixture,
  deployFundedPoolFixture,
  inAnHour,
  AMPLIFICATION,
  FEE_BPS,
  MAX_AGE,
  MAX_DEVIATION_BPS,
  RATES,
  setRate,
} from "./fixtures";
import {
  BPS,
  crossRate,
  type Deposit,
  depositOf,
  deviationBps,
  E18,
  exactValueOf,
  median,
  min,
  nextAverage,
  poolValueOf,
  poolValueUpOf,
  sharesFor,
  swapQuote,
} from "./poolMath";

/**
 * Property tests of the KATY/MTY BridgePool (house style 13): fast-check drives random sequences of swaps (both
 * directions, dust to pool-draining sizes) by two traders who only swap, deposits (either token, both, or dust) and
 * withdrawals by three providers (and round trips: a deposit whose shares are withdrawn at once), donations, rate
 * moves (all three reporters report a new MXN rate within the deviation limit) and the passing of time (less than
 * maxAge per step; the reporters refresh a rate before it goes stale). Every step's result is predicted exactly
 * from the documented formulas (./poolMath.ts: the curve, and a deposit's value, fee on its imbalance and
 * shares), and after every step:
 *   (a) the pool's value at the oracle's rates never falls through a swap;
 *   (b) the value of one share (pool value / supply) never falls through swaps, deposits and withdrawals;
 *   (c) a trader that only swaps never gains reference value at constant rates: neither through one swap nor
 *       over any sequence of swaps (round trips) since the rate last moved;
 *   (d) the internal reserves never exceed the tokens the pool holds (donations make them smaller);
 *   (e) a deposit followed by the withdrawal of the same shares never returns more value (at the oracle's
 *       rates) than was deposited: it loses at least the deposit's fee less the part its own shares keep,
 *       fee * supply before / supply after.
 * Values are compared exactly (scaled by 1e18, no rounding), with no tolerance. And, in random pool states (any
 * mix and MXN rate) rather than sequences:
 *   (f) a one-sided deposit whose shares are withdrawn at once yields no more of the other token than swap() of
 *       what it gave up would have paid, beyond a tolerance that depends on the curve's amplification: 2e-4 of
 *       it for amplification 4 or more (the fixtures' curve among them), 1e-3 for 2 or 3, 2e-2 for 1, with any
 *       fee up to 100 bps (0 included); with amplification 0 there is no such bound, only (e)'s. See the tests
 *       for the figures measured.
 *
 * Environment: PROPERTY_RUNS (default 100, about 25 s); PROPERTY_SEED and PROPERTY_PATH replay a reported failure;
 * PROPERTY_STATS=true prints how often each command ran and each outcome occurred, and the worst excess of a
 * round trip over swap() that (f) met in each family of curves.
 */

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const MAX_COMMANDS = 20;
const PPM = 1_000_000n;
const HOUR = 3_600;

type Fixture = Awaited<ReturnType<typeof propertyFixture>>;

/** The funded pool; lp2 and lp3 deposited too; the traders alice and bob are tier 2 and hold plenty of both. */
async function propertyFixture() {
  const f = await deployFundedPoolFixture();
  const deadline = await inAnHour();
  await f.pool.connect(f.lp2).addLiquidity(KC(20_000), 0, 0, f.lp2.address, deadline);
  await f.pool.connect(f.lp3).addLiquidity(KC(5_000), KC(300_000), 0, f.lp3.address, deadline);
  for (const c of [f.katy, f.monterrey]) {
    for (const [i, trader] of [f.alice, f.bob].entries()) {
      await c.registry.connect(f.verifier).setTier(trader.address, 2);
      await c.token.connect(f.minter).mint(trader.address, KC(c === f.katy ? 200_000 : 4_000_000), ethers.id(`p${i}`));
    }
  }
  return { ...f, traders: [f.alice, f.bob], lps: [f.lp, f.lp2, f.lp3] };
}

/** What the model remembers between steps. */
interface Model {
  /** Each trader's exact value when the MXN rate last changed: (c) over sequences of swaps. */
  traderBaseline: bigint[];
}

type Cmd = AsyncCommand<Model, Fixture>;

const stats = new Map<string, number>();
const tally = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);
/** (f): the worst relative excess of a round trip over swap() met, per family of curves, and where. */
const worstExcess = new Map<string, { excess: number; at: string }>();

// ------------------------------------------------------------------------------------------------ state

interface State {
  reserveA: bigint;
  reserveB: bigint;
  supply: bigint;
  rateB: bigint;
  /** Exact pool value at the current rates (scaled by 1e18). */
  value: bigint;
  /** The pool's own valuation: each token's part rounded down (what poolValue() returns). */
  poolValue: bigint;
}

async function stateOf(f: Fixture): Promise<State> {
  const [[reserveA, reserveB], supply, [rateB]] = await Promise.all([
    f.pool.reserves(),
    f.pool.totalSupply(),
    f.oracle.rateOf("MXN"),
  ]);
  return {
    reserveA,
    reserveB,
    supply,
    rateB,
    value: exactValueOf(reserveA, reserveB, RATES.USD, rateB),
    poolValue: poolValueOf(reserveA, reserveB, RATES.USD, rateB),
  };
}

async function traderValue(f: Fixture, trader: HardhatEthersSigner, rateB: bigint) {
  const [a, b] = await Promise.all([
    f.katy.token.balanceOf(trader.address),
    f.monterrey.token.balanceOf(trader.address),
  ]);
  return exactValueOf(a, b, RATES.USD, rateB);
}

/**
 * (b): the value of a share did not fall from `before` to `after` (cross-multiplied): valued exactly, or as the
 * pool values itself (each token's part rounded down).
 */
function expectShareValueKept(before: State, after: State, step: string, valuation: "exact" | "pool" = "exact") {
  const [b, a] = valuation === "exact" ? [before.value, after.value] : [before.poolValue, after.poolValue];
  expect(a * before.supply, `(b) share value (${valuation}) fell through ${step}`).to.be.at.least(b * after.supply);
}

/** (d) and bookkeeping, after every step. */
async function invariants(f: Fixture) {
  const [[reserveA, reserveB], balanceA, balanceB, supply, shares, poolValue, [rateB]] = await Promise.all([
    f.pool.reserves(),
    f.katy.token.balanceOf(f.poolAddress),
    f.monterrey.token.balanceOf(f.poolAddress),
    f.pool.totalSupply(),
    Promise.all([...f.lps.map((lp) => lp.address), DEAD].map((a) => f.pool.balanceOf(a))),
    f.pool.poolValue(),
    f.oracle.rateOf("MXN"),
  ]);
  expect(reserveA, "(d) KATY reserve <= KATY held").to.be.at.most(balanceA);
  expect(reserveB, "(d) MTY reserve <= MTY held").to.be.at.most(balanceB);
  expect(
    shares.reduce((sum, s) => sum + s, 0n),
    "only the providers and 0x…dEaD hold shares",
  ).to.equal(supply);
  expect(poolValue, "poolValue() follows the documented valuation").to.equal(
    poolValueOf(reserveA, reserveB, RATES.USD, rateB),
  );
}

// ------------------------------------------------------------------------------------------------ commands

/** A command: `act` performs one step (checking its own predictions), then the invariants are checked. */
function step(label: string, act: (m: Model, f: Fixture) => Promise<void>): Cmd {
  return {
    check: () => true,
    toString: () => label,
    run: async (m, f) => {
      tally(`command ${label.replace(/\(.*$/, "")}`);
      await act(m, f);
      await invariants(f);
    },
  };
}

type Size = { kind: "wei"; v: bigint } | { kind: "ppm"; v: bigint };
/** A deposit's size may also be "in the pool's mix" (MTY only: as much as matches the KATY deposited). */
type DepositSize = Size | { kind: "mix" };
const show = (s: DepositSize) =>
  s.kind === "wei" ? `${s.v} wei` : s.kind === "ppm" ? `${Number(s.v) / 1e4}%` : "in the pool's mix";

function swapCmd(trader: number, aToB: boolean, size: Size): Cmd {
  const label = `swap(${trader === 0 ? "alice" : "bob"}, ${aToB ? "KATY->MTY" : "MTY->KATY"}, ${show(size)})`;
  return step(label, async (m, f) => {
    const who = f.traders[trader]!;
    const [tIn, tOut] = aToB ? [f.katy, f.monterrey] : [f.monterrey, f.katy];
    const before = await stateOf(f);
    const rate = aToB ? crossRate(RATES.USD, before.rateB) : crossRate(before.rateB, RATES.USD);
    const [reserveIn, reserveOut] = aToB ? [before.reserveA, before.reserveB] : [before.reserveB, before.reserveA];
    // a "ppm" size is a fraction of what the output reserve is worth in input units
    let amountIn = size.kind === "wei" ? size.v : (((reserveOut * E18) / rate) * size.v) / PPM;
    amountIn = min(amountIn, await tIn.token.balanceOf(who.address));
    if (amountIn === 0n) return void tally("swap skipped (zero)");
    const expected = swapQuote(amountIn, reserveIn, reserveOut, rate, {
      feeBps: await f.pool.feeBps(),
      amplification: await f.pool.amplification(),
    });
    expect([...(await f.pool.quote(tIn.address, amountIn))]).to.deep.equal([expected.amountOut, expected.fee, rate]);
    const valueBefore = await traderValue(f, who, before.rateB);
    const tx = f.pool.connect(who).swap(tIn.address, amountIn, 0, who.address, await inAnHour());
    if (expected.amountOut > 0n && expected.amountOut >= reserveOut) {
      tally("swap outcome BridgePoolInsufficientLiquidity");
      await expect(tx)
        .to.be.revertedWithCustomError(f.pool, "BridgePoolInsufficientLiquidity")
        .withArgs(expected.amountOut, reserveOut);
      return;
    }
    if (expected.amountOut === 0n) {
      tally("swap outcome BridgePoolZeroOutput (dust)");
      await expect(tx).to.be.revertedWithCustomError(f.pool, "BridgePoolZeroOutput").withArgs(amountIn);
      return;
    }
    tally("swap outcome settled");
    await expect(tx).to.changeTokenBalance(tOut.token, who, expected.amountOut);
    const after = await stateOf(f);
    expect(after.value, "(a) pool value fell through a swap").to.be.at.least(before.value);
    expectShareValueKept(before, after, label);
    const valueAfter = await traderValue(f, who, after.rateB);
    expect(valueAfter, "(c) a swap gained the trader value").to.be.at.most(valueBefore);
    expect(valueAfter, "(c) swaps since the last rate move gained the trader value").to.be.at.most(
      m.traderBaseline[trader]!,
    );
  });
}

/**
 * The amounts of a deposit of sizes `sizeA` and `sizeB` by `who`: a number of wei, a fraction of its balance, or
 * (MTY only) the MTY that matches the KATY in the pool's mix; never more than its balance.
 */
async function depositAmounts(f: Fixture, who: HardhatEthersSigner, sizeA: Size, sizeB: DepositSize) {
  const [balanceA, balanceB, [reserveA, reserveB]] = await Promise.all([
    f.katy.token.balanceOf(who.address),
    f.monterrey.token.balanceOf(who.address),
    f.pool.reserves(),
  ]);
  const amountOf = (s: Size, balance: bigint) => min(s.kind === "wei" ? s.v : (balance * s.v) / PPM, balance);
  const a = amountOf(sizeA, balanceA);
  const b = sizeB.kind === "mix" ? min((a * reserveB) / reserveA, balanceB) : amountOf(sizeB, balanceB);
  return [a, b] as const;
}

/**
 * `who` deposits `a` KATY and `b` MTY, the result predicted from the model: its value, the fee on its imbalance
 * (also what depositValue() says) and its shares, or the revert when it is worth no share (shares 0).
 */
async function depositChecked(f: Fixture, who: HardhatEthersSigner, a: bigint, b: bigint, label: string) {
  const before = await stateOf(f);
  const curve = { feeBps: await f.pool.feeBps(), amplification: await f.pool.amplification() };
  const deposit: Deposit = depositOf(a, b, before, RATES.USD, before.rateB, curve);
  expect(deposit.shares, "the model's shares are supply * (value - fee) / poolValueUp").to.equal(
    sharesFor(
      deposit.value - deposit.fee,
      before.supply,
      poolValueUpOf(before.reserveA, before.reserveB, RATES.USD, before.rateB),
    ),
  );
  expect([...(await f.pool.depositValue(a, b))], "depositValue() follows the model").to.deep.equal([
    deposit.value,
    deposit.fee,
  ]);
  tally(deposit.fee === 0n ? "deposit fee 0" : "deposit fee > 0");
  const tx = f.pool.connect(who).addLiquidity(a, b, 0, who.address, await inAnHour());
  if (deposit.shares === 0n) {
    await expect(tx).to.be.revertedWithCustomError(f.pool, "BridgePoolSlippage").withArgs(0, 0);
  } else {
    await expect(tx)
      .to.emit(f.pool, "LiquidityAdded")
      .withArgs(who.address, who.address, a, b, deposit.shares, deposit.value, deposit.fee);
    // valued both ways: addLiquidity divides by the pool's value rounded up, so no provider loses even dust
    const after = await stateOf(f);
    expectShareValueKept(before, after, label, "pool");
    expectShareValueKept(before, after, label, "exact");
  }
  return { before, deposit };
}

function addCmd(lp: number, sizeA: Size, sizeB: DepositSize): Cmd {
  const label = `addLiquidity(lp${lp + 1}, KATY ${show(sizeA)}, MTY ${show(sizeB)})`;
  return step(label, async (_m, f) => {
    const who = f.lps[lp]!;
    const [a, b] = await depositAmounts(f, who, sizeA, sizeB);
    if (a === 0n && b === 0n) return void tally("addLiquidity skipped (zero)");
    const { deposit } = await depositChecked(f, who, a, b, label);
    tally(
      deposit.shares === 0n ? "addLiquidity outcome BridgePoolSlippage (worth no share)" : "addLiquidity outcome added",
    );
  });
}

/** (e): a provider deposits and at once withdraws the shares the deposit earned. */
function roundTripCmd(lp: number, sizeA: Size, sizeB: DepositSize): Cmd {
  const label = `roundTrip(lp${lp + 1}, KATY ${show(sizeA)}, MTY ${show(sizeB)})`;
  return step(label, async (_m, f) => {
    const who = f.lps[lp]!;
    const [a, b] = await depositAmounts(f, who, sizeA, sizeB);
    if (a === 0n && b === 0n) return void tally("roundTrip skipped (zero)");
    const { before, deposit } = await depositChecked(f, who, a, b, label);
    if (deposit.shares === 0n) return void tally("roundTrip outcome BridgePoolSlippage (worth no share)");
    const mid = await stateOf(f);
    const [outA, outB] = [(mid.reserveA * deposit.shares) / mid.supply, (mid.reserveB * deposit.shares) / mid.supply];
    await expect(f.pool.connect(who).removeLiquidity(deposit.shares, 0, 0, who.address, await inAnHour()))
      .to.emit(f.pool, "LiquidityRemoved")
      .withArgs(who.address, who.address, outA, outB, deposit.shares);
    const after = await stateOf(f);
    expectShareValueKept(before, after, label);
    const [valueIn, valueOut] = [
      exactValueOf(a, b, RATES.USD, mid.rateB),
      exactValueOf(outA, outB, RATES.USD, mid.rateB),
    ];
    expect(valueOut, "(e) a round trip returned more value than was deposited").to.be.at.most(valueIn);
    expect(
      (valueIn - valueOut) * mid.supply,
      "(e) a round trip lost less than its fee, less its own shares' part of it",
    ).to.be.at.least(deposit.fee * E18 * before.supply);
    tally(deposit.fee === 0n ? "roundTrip outcome done (no fee)" : "roundTrip outcome done (fee paid)");
  });
}

function removeCmd(lp: number, ppm: bigint): Cmd {
  const label = `removeLiquidity(lp${lp + 1}, ${Number(ppm) / 1e4}% of its shares)`;
  return step(label, async (_m, f) => {
    const who = f.lps[lp]!;
    const shares = ((await f.pool.balanceOf(who.address)) * ppm) / PPM;
    if (shares === 0n) return void tally("removeLiquidity skipped (no shares)");
    const before = await stateOf(f);
    const [a, b] = [(before.reserveA * shares) / before.supply, (before.reserveB * shares) / before.supply];
    tally("removeLiquidity outcome removed");
    await expect(f.pool.connect(who).removeLiquidity(shares, 0, 0, who.address, await inAnHour()))
      .to.emit(f.pool, "LiquidityRemoved")
      .withArgs(who.address, who.address, a, b, shares);
    expectShareValueKept(before, await stateOf(f), label);
  });
}

function donateCmd(lp: number, toA: boolean, ppm: bigint): Cmd {
  const label = `donate(lp${lp + 1}, ${Number(ppm) / 1e4}% of its ${toA ? "KATY" : "MTY"})`;
  return step(label, async (_m, f) => {
    const who = f.lps[lp]!;
    const token = toA ? f.katy.token : f.monterrey.token;
    const amount = ((await token.balanceOf(who.address)) * ppm) / PPM;
    if (amount === 0n) return void tally("donate skipped (zero)");
    const before = await stateOf(f);
    const quotes = async () =>
      Promise.all([f.pool.quote(f.katy.address, KC(1_000)), f.pool.quote(f.monterrey.address, KC(20_000))]).then((qs) =>
        qs.map((q) => [...q]),
      );
    const quotesBefore = await quotes();
    await token.connect(who).transfer(f.poolAddress, amount);
    const after = await stateOf(f);
    expect(after, "a donation changes no reserve, supply or value").to.deep.equal(before);
    expect(await quotes(), "a donation changes no quote").to.deep.equal(quotesBefore);
  });
}

/**
 * The three reporters report MXN moved by `bps` (of the current rate). The move is halved until replaying the
 * oracle's documented rule shows no report would trip the breaker (0 never does): rate moves stay within limits.
 */
function moveRateCmd(bps: bigint): Cmd {
  const label = `moveRate(MXN ${Number(bps) / 100}%)`;
  return step(label, async (m, f) => {
    const state = await f.oracle.rateState("MXN");
    const old = state.rate;
    let delta = bps;
    const trips = (target: bigint) => {
      const reports = f.reporters.map(() => old);
      let average = state.average;
      for (let i = 0; i < reports.length; i++) {
        reports[i] = target;
        const med = median(reports);
        if (deviationBps(med, average) > MAX_DEVIATION_BPS) return true;
        average = nextAverage(average, med);
      }
      return false;
    };
    while (trips((old * (BPS + delta)) / BPS)) delta /= 2n;
    const target = (old * (BPS + delta)) / BPS;
    for (const r of f.reporters) {
      await expect(f.oracle.connect(r).report("MXN", target)).not.to.emit(f.oracle, "BreakerTripped");
    }
    expect((await f.oracle.rateOf("MXN"))[0]).to.equal(target);
    tally(delta === bps ? "moveRate outcome as drawn" : "moveRate outcome reduced to stay within the breaker");
    m.traderBaseline = await Promise.all(f.traders.map((t) => traderValue(f, t, target)));
  });
}

/** Time passes (less than maxAge); the reporters refresh the rate (unchanged) when it is half-way to stale. */
function waitCmd(seconds: number): Cmd {
  return step(`wait(${seconds} s)`, async (_m, f) => {
    await time.increase(seconds);
    const { rate, updatedAt } = await f.oracle.rateState("MXN");
    if (BigInt(await time.latest()) - updatedAt > MAX_AGE / 2n) {
      tally("wait outcome rate refreshed");
      for (const r of f.reporters) await f.oracle.connect(r).report("MXN", rate);
    }
  });
}

// ------------------------------------------------------------------------------------------------ arbitraries

/**
 * Swap sizes: dust (down to amounts that pay nothing), or up to 1.5 times what the output reserve is worth (the
 * largest ones cannot be paid).
 */
const sizeArb: fc.Arbitrary<Size> = fc.oneof(
  { weight: 1, arbitrary: fc.bigInt(1n, 60n).map((v): Size => ({ kind: "wei", v })) },
  { weight: 1, arbitrary: fc.bigInt(1n, 1_000n).map((v): Size => ({ kind: "wei", v })) },
  { weight: 4, arbitrary: fc.bigInt(1n, 400_000n).map((v): Size => ({ kind: "ppm", v })) },
  { weight: 1, arbitrary: fc.bigInt(400_000n, 1_500_000n).map((v): Size => ({ kind: "ppm", v })) },
);
/** Deposit sizes per token: nothing, dust, or up to 30% of the provider's balance. */
const depositArb: fc.Arbitrary<Size> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Size>({ kind: "wei", v: 0n }) },
  { weight: 1, arbitrary: fc.bigInt(1n, 1_000n).map((v): Size => ({ kind: "wei", v })) },
  { weight: 4, arbitrary: fc.bigInt(1n, 300_000n).map((v): Size => ({ kind: "ppm", v })) },
);
/** MTY deposit sizes: as above, or in the pool's mix (as much MTY as the KATY deposited, pro rata). */
const depositBArb: fc.Arbitrary<DepositSize> = fc.oneof(
  { weight: 3, arbitrary: depositArb },
  { weight: 1, arbitrary: fc.constant<DepositSize>({ kind: "mix" }) },
);
const lpArb = fc.integer({ min: 0, max: 2 });

const commandArbs = [
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.boolean(), sizeArb).map(([t, d, s]) => swapCmd(t, d, s)),
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.boolean(), sizeArb).map(([t, d, s]) => swapCmd(t, d, s)),
  fc.tuple(lpArb, depositArb, depositBArb).map(([lp, a, b]) => addCmd(lp, a, b)),
  fc.tuple(lpArb, depositArb, depositBArb).map(([lp, a, b]) => roundTripCmd(lp, a, b)),
  fc.tuple(lpArb, fc.oneof(fc.bigInt(1n, PPM), fc.constant(PPM))).map(([lp, ppm]) => removeCmd(lp, ppm)),
  fc.tuple(lpArb, fc.boolean(), fc.bigInt(1n, 20_000n)).map(([lp, a, ppm]) => donateCmd(lp, a, ppm)),
  fc.bigInt(-MAX_DEVIATION_BPS, MAX_DEVIATION_BPS).map(moveRateCmd),
  fc.integer({ min: 1, max: 6 * HOUR }).map(waitCmd),
];

function fcParameters(): fc.Parameters<unknown> {
  const { PROPERTY_SEED: seed, PROPERTY_PATH: path } = process.env;
  return {
    numRuns: RUNS,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}

// ------------------------------------------------------------------------------------------------ round trip vs swap

/** A pool state and a one-sided deposit into it, as drawn. */
interface RoundTripCase {
  /** The pool's first deposit, in whole KATY and whole MTY. */
  reserveA: bigint;
  reserveB: bigint;
  /** USD per MXN, in millionths. */
  mxnMicroUsd: bigint;
  feeBps: bigint;
  amplification: bigint;
  /** Which token lp2 deposits alone, and what fraction of its balance (ppm). */
  depositA: boolean;
  ppm: bigint;
}

/**
 * Pool states from 1,000 KATY / 20,000 MTY to 900,000 KATY / 18,000,000 MTY, so that either side may be worth
 * from under a thousandth to over a thousand times the other, MXN at 0.03 to 0.08 USD, and one-sided deposits of
 * up to all of lp2's 100,000 KATY or 2,000,000 MTY (from a millionth of the pool's value to 60 times it), with
 * the curve drawn from `feeBps` and `amplification`.
 */
const roundTripCases = (feeBps: fc.Arbitrary<bigint>, amplification: fc.Arbitrary<bigint>) =>
  fc.record<RoundTripCase>({
    reserveA: fc.bigInt(1_000n, 900_000n),
    reserveB: fc.bigInt(20_000n, 18_000_000n),
    mxnMicroUsd: fc.bigInt(30_000n, 80_000n),
    feeBps,
    amplification,
    depositA: fc.boolean(),
    ppm: fc.bigInt(1n, PPM),
  });

/** Amplifications of every tier of (f)'s tolerance: 1, 2 or 3, 4 to 20, and up to the maximum. */
const amplificationArb = fc.oneof(fc.constant(1n), fc.bigInt(2n, 3n), fc.bigInt(4n, 20n), fc.bigInt(4n, 1_000n));

/**
 * (f)'s tolerance, in ppm of what swap() pays, for a curve of amplification 1 or more and a fee of at most 100
 * bps. Measured: fast-check's runs (PROPERTY_RUNS=200, PROPERTY_STATS=true prints the worst met) and, on the
 * model (./poolMath.ts), a search of the pool's mix and the deposit's size for the worst case, which lies inside
 * the states drawn here but for amplification 1 (see below). The excess is a second-order term of the curve's
 * price impact (the fee charges the rate a swap of the imbalance gets, while the round trip gives up a different
 * amount), nearly independent of the fee, falling fast with the amplification; it peaks when the deposited side
 * is about 87% of the pool's value and the deposit 8% (amplification 4) to 15% (amplification 2) of it:
 *   amplification >= 4: at most 1.708e-4 (4, 100 bps; 1.567e-4 at the fixtures' 30 bps, 1.510e-4 with no fee;
 *                       1.5e-5 at 10, 8e-8 at 100): 2e-4;
 *   amplification 2, 3: at most 9.704e-4 (2, 100 bps; 3.567e-4 at 3): 1e-3;
 *   amplification 1:    about 4.6e-3 on the model (the fee capped at the deposit's value; capped at the
 *                       imbalance, as first written, it reached 1.01e-2): 2e-2.
 * (With larger fees, up to the maximum 1,000 bps, the model gives 4.4e-4 for amplification 4, 1.8e-3 for 2 and
 * 1.11e-1 for 1; not asserted.)
 */
const tolerancePpm = (amplification: bigint) => (amplification >= 4n ? 200n : amplification >= 2n ? 1_000n : 20_000n);
const tier = (amplification: bigint) => (amplification >= 4n ? ">= 4" : amplification >= 2n ? "2-3" : "1");

/**
 * (f): in the state drawn, lp2 deposits one token alone and at once withdraws the shares it earned: it gave up
 * `given` of that token (deposited less returned) for `out` of the other. swap() of `given` at the state before
 * the deposit (quote() at that block) pays `viaSwap`; the round trip may beat it by at most `tolerance` ppm of it
 * (none given: only that the round trip returns no more value than was deposited, at the oracle's rates). The
 * worst excess met is kept under `family`.
 */
async function roundTripVersusSwap(c: RoundTripCase, family: string, tolerance?: bigint) {
  const f = await loadFixture(deployEmptyPoolFixture);
  const rateB = c.mxnMicroUsd * 10n ** 12n;
  if (rateB !== RATES.MXN) await setRate(f.oracle, f.reporters, f.admin, "MXN", rateB);
  await f.pool.connect(f.admin).setCurve(c.feeBps, c.amplification);
  await f.pool.connect(f.lp).addLiquidity(KC(c.reserveA), KC(c.reserveB), 0, f.lp.address, await inAnHour());
  const [tIn, tOut] = c.depositA ? [f.katy, f.monterrey] : [f.monterrey, f.katy];
  const amount = ((await tIn.token.balanceOf(f.lp2.address)) * c.ppm) / PPM;
  const [amountA, amountB] = c.depositA ? [amount, 0n] : [0n, amount];
  const stateBlock = await ethers.provider.getBlockNumber();
  const shares = await f.pool
    .connect(f.lp2)
    .addLiquidity.staticCall(amountA, amountB, 0, f.lp2.address, await inAnHour());
  await f.pool.connect(f.lp2).addLiquidity(amountA, amountB, 0, f.lp2.address, await inAnHour());
  const [backA, backB] = await f.pool
    .connect(f.lp2)
    .removeLiquidity.staticCall(shares, 0, 0, f.lp2.address, await inAnHour());
  await f.pool.connect(f.lp2).removeLiquidity(shares, 0, 0, f.lp2.address, await inAnHour());
  const [given, out] = c.depositA ? [amountA - backA, backB] : [amountB - backB, backA];
  expect(given, "(f) the round trip gave up some of the deposited token").to.be.greaterThan(0n);
  expect(
    exactValueOf(backA, backB, RATES.USD, rateB),
    "(f) a round trip returned more value than was deposited",
  ).to.be.at.most(exactValueOf(amountA, amountB, RATES.USD, rateB));
  const [viaSwap] = await f.pool.quote(tIn.address, given, { blockTag: stateBlock });
  const excess = out > viaSwap ? out - viaSwap : 0n;
  tally(`roundTripVersusSwap ${family}: ${excess === 0n ? "swap() at least as good" : "round trip better"}`);
  const relative = viaSwap === 0n ? (excess === 0n ? 0 : Infinity) : Number((excess * 10n ** 15n) / viaSwap) / 1e15;
  if (relative > (worstExcess.get(family)?.excess ?? 0)) {
    worstExcess.set(family, {
      excess: relative,
      at: `${c.reserveA} KATY / ${c.reserveB} MTY, MXN ${Number(c.mxnMicroUsd) / 1e6}, ${c.feeBps} bps, amplification ${c.amplification}, ${Number(c.ppm) / 1e4}% of lp2's ${c.depositA ? "KATY" : "MTY"}`,
    });
  }
  if (tolerance === undefined) return;
  expect(
    excess * PPM,
    `(f) the round trip paid ${out} of ${await tOut.token.symbol()} for ${given}, swap() ${viaSwap}: ` +
      `more than ${tolerance} ppm better`,
  ).to.be.at.most(viaSwap * tolerance);
}

describe("BridgePool (properties)", () => {
  after(() => {
    const actions = [...stats].reduce((n, [k, c]) => (k.startsWith("command ") ? n + c : n), 0);
    console.log(`      pool property: ${actions.toLocaleString("en-US")} actions in ${RUNS} runs`);
    if (process.env.PROPERTY_STATS !== "true") return;
    console.log("\n    how often each command ran and each outcome occurred:");
    for (const [key, n] of [...stats.entries()].sort()) console.log(`      ${key.padEnd(64)} ${n}`);
    console.log("\n    (f) the worst excess of a round trip over swap() met, relative to what swap() pays:");
    for (const [family, { excess, at }] of worstExcess)
      console.log(`      ${family}: ${excess.toExponential(3)} (${at})`);
  });

  describe("random sequences of swaps, deposits, withdrawals, round trips, donations, rate moves and waits", () => {
    it("keep (a) pool value through swaps, (b) share value, (c) no gain from swapping, (d) reserves <= balances, (e) no gain from a round trip", async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbs, { maxCommands: MAX_COMMANDS, size: "max" }), async (cmds) => {
          const f = await loadFixture(propertyFixture);
          const rateB = (await f.oracle.rateOf("MXN"))[0];
          const model: Model = { traderBaseline: await Promise.all(f.traders.map((t) => traderValue(f, t, rateB))) };
          await invariants(f);
          await fc.asyncModelRun(() => ({ model, real: f }), cmds);
        }),
        fcParameters(),
      );
    });
  });

  // (f): a run of 200 cases each (PROPERTY_RUNS=200) met at worst, relative to what swap() pays: 1.553e-4 with the
  // fixtures' curve; with fees of 5 to 100 bps 1.436e-4 (amplification 4 or more), 5.122e-4 (2, 3) and 4.937e-3
  // (1); with no fee 1.6e-5, 7.8e-4 and 3.5e-3; with amplification 0, 771 times what swap() pays. The worst cases
  // the model reaches are in tolerancePpm's notes; the tolerances are those, rounded up.
  describe("random pool states and one-sided deposits, withdrawn at once", () => {
    it("(f) with the fixtures' curve (0.30%, amplification 4): yield no more of the other token than swap() of what they gave up, beyond 2e-4 of it", async () => {
      const cases = roundTripCases(fc.constant(FEE_BPS), fc.constant(AMPLIFICATION));
      await fc.assert(
        fc.asyncProperty(cases, (c) => roundTripVersusSwap(c, "fixtures' curve", tolerancePpm(c.amplification))),
        fcParameters(),
      );
    });

    it("(f) with realistic curves (fee 5 to 100 bps, amplification 1 to 1,000): the same, beyond 2e-4 (amplification 4 or more), 1e-3 (2, 3) or 2e-2 (1) of it", async () => {
      const cases = roundTripCases(fc.bigInt(5n, 100n), amplificationArb);
      await fc.assert(
        fc.asyncProperty(cases, (c) =>
          roundTripVersusSwap(
            c,
            `fee 5-100 bps, amplification ${tier(c.amplification)}`,
            tolerancePpm(c.amplification),
          ),
        ),
        fcParameters(),
      );
    });

    // with no fee the round trip's excess is the same second-order term of the price impact, so the same
    // tolerances hold (the model's worst: 1.510e-4 at amplification 4, 9.039e-4 at 2, 4.432e-3 at 1)
    it("(f) with no swap fee (amplification 1 to 1,000): within the same tolerances", async () => {
      const cases = roundTripCases(fc.constant(0n), amplificationArb);
      await fc.assert(
        fc.asyncProperty(cases, (c) =>
          roundTripVersusSwap(c, `fee 0, amplification ${tier(c.amplification)}`, tolerancePpm(c.amplification)),
        ),
        fcParameters(),
      );
    });

    // With amplification 0 (a constant product) a swap from the side holding most of the pool pays a small part
    // of the oracle rate, and the round trip, its fee capped at the deposit's value, can still beat it in lopsided
    // pools (about 1x more on the model). Only what holds is asserted: the round trip gains no value at the
    // oracle's rates. Pools run with amplification 4 (config/communities.json).
    it("(f) with amplification 0 (any fee): return no more value than was deposited, at the oracle's rates", async () => {
      const cases = roundTripCases(fc.bigInt(0n, 1_000n), fc.constant(0n));
      await fc.assert(
        fc.asyncProperty(cases, (c) => roundTripVersusSwap(c, "amplification 0")),
        fcParameters(),
      );
    });
  });
});

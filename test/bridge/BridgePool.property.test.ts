import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import fc, { type AsyncCommand } from "fast-check";
import { KC } from "../shared/fixtures";
import { DEAD, deployFundedPoolFixture, inAnHour, MAX_AGE, MAX_DEVIATION_BPS, RATES } from "./fixtures";
import {
  BPS,
  crossRate,
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
 * withdrawals by three providers, donations, rate moves (all three reporters report a new MXN rate within the
 * deviation limit) and the passing of time (less than maxAge per step; the reporters refresh a rate before it
 * goes stale). Every step's result is predicted exactly from the documented formulas (./poolMath.ts), and after
 * every step:
 *   (a) the pool's value at the oracle's rates never falls through a swap;
 *   (b) the value of one share (pool value / supply) never falls through swaps, deposits and withdrawals;
 *   (c) a trader that only swaps never gains reference value at constant rates: neither through one swap nor
 *       over any sequence of swaps (round trips) since the rate last moved;
 *   (d) the internal reserves never exceed the tokens the pool holds (donations make them smaller).
 * Values are compared exactly (scaled by 1e18, no rounding), with no tolerance.
 *
 * Environment: PROPERTY_RUNS (default 100, about 15 s); PROPERTY_SEED and PROPERTY_PATH replay a reported failure;
 * PROPERTY_STATS=true prints how often each command ran and each outcome occurred.
 */

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const MAX_COMMANDS = 20;
const PPM = 1_000_000n;
const HOUR = 3_600;
/** Also check the properties that suspected contract bugs break (they fail until the contract is fixed). */

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
const show = (s: Size) => (s.kind === "wei" ? `${s.v} wei` : `${Number(s.v) / 1e4}%`);

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
    if (expected.amountOut >= reserveOut) {
      tally("swap outcome BridgePoolInsufficientLiquidity");
      await expect(tx)
        .to.be.revertedWithCustomError(f.pool, "BridgePoolInsufficientLiquidity")
        .withArgs(expected.amountOut, reserveOut);
      return;
    }
    tally(expected.amountOut === 0n ? "swap outcome dust (nothing out)" : "swap outcome settled");
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

function addCmd(lp: number, sizeA: Size, sizeB: Size): Cmd {
  const label = `addLiquidity(lp${lp + 1}, KATY ${show(sizeA)}, MTY ${show(sizeB)})`;
  return step(label, async (_m, f) => {
    const who = f.lps[lp]!;
    const [balanceA, balanceB] = await Promise.all([
      f.katy.token.balanceOf(who.address),
      f.monterrey.token.balanceOf(who.address),
    ]);
    const amount = (s: Size, balance: bigint) => {
      const v = s.kind === "wei" ? s.v : (balance * s.v) / PPM;
      return v < balance ? v : balance;
    };
    const [a, b] = [amount(sizeA, balanceA), amount(sizeB, balanceB)];
    if (a === 0n && b === 0n) return void tally("addLiquidity skipped (zero)");
    const before = await stateOf(f);
    const value = poolValueOf(a, b, RATES.USD, before.rateB);
    const shares = sharesFor(
      value,
      before.supply,
      poolValueUpOf(before.reserveA, before.reserveB, RATES.USD, before.rateB),
    );
    const tx = f.pool.connect(who).addLiquidity(a, b, 0, who.address, await inAnHour());
    if (shares === 0n) {
      tally("addLiquidity outcome BridgePoolSlippage (worth no share)");
      await expect(tx).to.be.revertedWithCustomError(f.pool, "BridgePoolSlippage").withArgs(0, 0);
      return;
    }
    tally("addLiquidity outcome added");
    await expect(tx).to.emit(f.pool, "LiquidityAdded").withArgs(who.address, who.address, a, b, shares, value);
    const after = await stateOf(f);
    expectShareValueKept(before, after, label, "pool");
    // valued exactly too: addLiquidity divides by the pool's value rounded up, so no provider loses even dust
    expectShareValueKept(before, after, label, "exact");
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

/** Swap sizes: dust, or up to 1.5 times what the output reserve is worth (the largest ones cannot be paid). */
const sizeArb: fc.Arbitrary<Size> = fc.oneof(
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
const lpArb = fc.integer({ min: 0, max: 2 });

const commandArbs = [
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.boolean(), sizeArb).map(([t, d, s]) => swapCmd(t, d, s)),
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.boolean(), sizeArb).map(([t, d, s]) => swapCmd(t, d, s)),
  fc.tuple(lpArb, depositArb, depositArb).map(([lp, a, b]) => addCmd(lp, a, b)),
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

describe("BridgePool (properties)", () => {
  after(() => {
    if (process.env.PROPERTY_STATS !== "true") return;
    console.log("\n    how often each command ran and each outcome occurred:");
    for (const [key, n] of [...stats.entries()].sort()) console.log(`      ${key.padEnd(64)} ${n}`);
  });

  describe("random sequences of swaps, deposits, withdrawals, donations, rate moves and waits", () => {
    it("keep (a) pool value through swaps, (b) share value, (c) no gain from swapping, (d) reserves <= balances", async () => {
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
});

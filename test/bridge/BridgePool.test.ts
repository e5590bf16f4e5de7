import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BridgePool, ReentrantToken } from "../../typechain-types";
import { KC } from "../shared/fixtures";
import {
  AMPLIFICATION,
  asTimelock,
  type Community,
  DEAD,
  DEFAULT_ADMIN_ROLE,
  deployBridgePoolFixture,
  deployEmptyPoolFixture,
  deployFundedPoolFixture,
  exempt,
  FEE_BPS,
  inAnHour,
  MAX_AGE,
  PAUSER_ROLE,
  RATES,
  setRate,
} from "./fixtures";
import {
  ceilDiv,
  crossRate,
  depositOf,
  E18,
  exactValueOf,
  poolValueOf,
  poolValueUpOf,
  sharesFor,
  swapQuote,
} from "./poolMath";

/**
 * BridgePool: KATY (token A, USD) against MTY (token B, MXN at 0.05 USD). The travel-rule thresholds are the
 * communities' own, as the fixture sets them (COMPLIANCE in ./fixtures): 1,000 KATY in katy, 18,000 MTY in
 * monterrey.
 */

type Pool = Awaited<ReturnType<typeof deployEmptyPoolFixture>>;

const MINIMUM_LIQUIDITY = 1_000n;
const MAX_FEE_BPS = 1_000n;
const MAX_AMPLIFICATION = 1_000n;
const SHORT_WINDOW = 300n;
const LONG_WINDOW = 86_400n;
const REASON = ethers.encodeBytes32String("bridge-test");
/** The pools' curve in the fixtures, as the model takes it. */
const CURVE = { feeBps: FEE_BPS, amplification: AMPLIFICATION };

/** Fixes the next block's timestamp (`ahead` seconds after the latest) and returns it. */
async function nextTimestamp(ahead = 1): Promise<bigint> {
  const at = (await time.latest()) + ahead;
  await time.setNextBlockTimestamp(at);
  return BigInt(at);
}

/** Moves time forward to `t`, unless it is there already. */
async function increaseToAtLeast(t: bigint) {
  if (BigInt(await time.latest()) < t) await time.increaseTo(t);
}

const rateOf = async (f: Pool, currency: string) => (await f.oracle.rateOf(currency))[0];

/** What the documented curve pays now for `amountIn` of `tokenIn`, from the pool's reserves, curve and rates. */
async function expectedQuote(f: Pool, tokenIn: Community, amountIn: bigint) {
  const [reserveA, reserveB] = await f.pool.reserves();
  const [rateA, rateB] = [await rateOf(f, "USD"), await rateOf(f, "MXN")];
  const aToB = tokenIn === f.katy;
  const curve = { feeBps: await f.pool.feeBps(), amplification: await f.pool.amplification() };
  return aToB
    ? swapQuote(amountIn, reserveA, reserveB, crossRate(rateA, rateB), curve)
    : swapQuote(amountIn, reserveB, reserveA, crossRate(rateB, rateA), curve);
}

/** The exact value (scaled by 1e18) of what `shares` would redeem for, at the current rates. */
async function claimOf(f: Pool, shares: bigint) {
  const [reserveA, reserveB] = await f.pool.reserves();
  const supply = await f.pool.totalSupply();
  return exactValueOf((reserveA * shares) / supply, (reserveB * shares) / supply, RATES.USD, await rateOf(f, "MXN"));
}

const swap = async (f: Pool, who: HardhatEthersSigner, tokenIn: Community, amountIn: bigint, recipient = who) =>
  f.pool.connect(who).swap(tokenIn.address, amountIn, 0, recipient.address, await inAnHour());

describe("BridgePool", () => {
  describe("constructor", () => {
    describe("when the pair and the curve are valid", () => {
      it("keeps the tokens, their currencies, the oracle and the curve, names the shares, and grants the roles", async () => {
        const { pool, katy, monterrey, oracle, admin } = await loadFixture(deployBridgePoolFixture);
        expect(await pool.tokenA()).to.equal(katy.address);
        expect(await pool.tokenB()).to.equal(monterrey.address);
        expect([await pool.currencyA(), await pool.currencyB()]).to.deep.equal(["USD", "MXN"]);
        expect(await pool.oracle()).to.equal(await oracle.getAddress());
        expect([await pool.feeBps(), await pool.amplification()]).to.deep.equal([FEE_BPS, AMPLIFICATION]);
        expect([await pool.name(), await pool.symbol(), await pool.decimals()]).to.deep.equal([
          "KC Bridge KATY-MTY",
          "KCB-KATY-MTY",
          18n,
        ]);
        expect(await pool.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true);
        expect(await pool.hasRole(PAUSER_ROLE, admin.address)).to.equal(true);
        expect([...(await pool.reserves())]).to.deep.equal([0n, 0n]);
        await expect(pool.deploymentTransaction()).to.emit(pool, "CurveChanged").withArgs(FEE_BPS, AMPLIFICATION);
      });
    });

    describe("when both tokens are the same", () => {
      it("reverts with BridgePoolInvalidPair(tokenA, tokenB)", async () => {
        const { katy, oracle, admin } = await loadFixture(deployBridgePoolFixture);
        const factory = await ethers.getContractFactory("BridgePool");
        await expect(factory.deploy(katy.address, katy.address, await oracle.getAddress(), admin.address, 30, 4))
          .to.be.revertedWithCustomError(factory, "BridgePoolInvalidPair")
          .withArgs(katy.address, katy.address);
      });
    });

    describe("when a token is the zero address", () => {
      it("reverts with BridgePoolInvalidPair(tokenA, tokenB), before reading any symbol", async () => {
        const { katy, oracle, admin } = await loadFixture(deployBridgePoolFixture);
        const factory = await ethers.getContractFactory("BridgePool");
        await expect(factory.deploy(ethers.ZeroAddress, katy.address, await oracle.getAddress(), admin.address, 30, 4))
          .to.be.revertedWithCustomError(factory, "BridgePoolInvalidPair")
          .withArgs(ethers.ZeroAddress, katy.address);
      });
    });

    describe("when the curve is out of bounds", () => {
      for (const [fee, amp, parameter, value, max] of [
        [1_001n, 4n, "feeBps", 1_001n, MAX_FEE_BPS],
        [30n, 1_001n, "amplification", 1_001n, MAX_AMPLIFICATION],
      ] as const) {
        it(`reverts with BridgePoolParameterOutOfBounds("${parameter}", ${value}, 0, ${max})`, async () => {
          const { katy, monterrey, oracle, admin } = await loadFixture(deployBridgePoolFixture);
          const factory = await ethers.getContractFactory("BridgePool");
          await expect(
            factory.deploy(katy.address, monterrey.address, await oracle.getAddress(), admin.address, fee, amp),
          )
            .to.be.revertedWithCustomError(factory, "BridgePoolParameterOutOfBounds")
            .withArgs(parameter, value, 0, max);
        });
      }
    });
  });

  describe("the pool as an exempt system account of both communities", () => {
    describe("when the pool is not exempt", () => {
      it("pays out no more than its tier's daily limit: ComplianceDailyLimitExceeded from the destination", async () => {
        const f = await loadFixture(deployBridgePoolFixture);
        for (const c of [f.katy, f.monterrey]) await c.token.connect(f.lp).approve(f.poolAddress, ethers.MaxUint256);
        await f.monterrey.token.connect(f.alice).approve(f.poolAddress, ethers.MaxUint256);
        await f.pool.connect(f.lp).addLiquidity(KC(100_000), KC(2_000_000), 0, f.lp.address, await inAnHour());
        const q = await expectedQuote(f, f.monterrey, KC(40_000));
        await expect(swap(f, f.alice, f.monterrey, KC(40_000)))
          .to.be.revertedWithCustomError(f.katy.registry, "ComplianceDailyLimitExceeded")
          .withArgs(f.poolAddress, 0, KC(1_000), 0, q.amountOut);
      });
    });

    describe("when each community exempts the pool through a governance proposal", () => {
      it("proposes, votes, queues and executes setExempt in both, after which the swap settles", async () => {
        const f = await loadFixture(deployBridgePoolFixture);
        for (const c of [f.katy, f.monterrey]) await c.token.connect(f.lp).approve(f.poolAddress, ethers.MaxUint256);
        await f.monterrey.token.connect(f.alice).approve(f.poolAddress, ethers.MaxUint256);
        await f.pool.connect(f.lp).addLiquidity(KC(100_000), KC(2_000_000), 0, f.lp.address, await inAnHour());

        // the voter holds most of each community's supply and delegates to itself
        for (const c of [f.katy, f.monterrey]) {
          await c.registry.connect(f.verifier).setTier(f.voter.address, 2);
          await c.token.connect(f.minter).mint(f.voter.address, KC(50_000_000), ethers.id(`${c.id}-voter`));
          await c.token.connect(f.voter).delegate(f.voter.address);
        }
        await time.increase(1);
        const description = `Exempt the KATY/MTY bridge pool ${f.poolAddress}`;
        const proposals = await Promise.all(
          [f.katy, f.monterrey].map(async (c) => {
            const targets = [await c.registry.getAddress()];
            const calldatas = [c.registry.interface.encodeFunctionData("setExempt", [f.poolAddress, true])];
            const args: [string[], bigint[], string[], string] = [targets, [0n], calldatas, ethers.id(description)];
            return { c, args, id: await c.governor.hashProposal(...args) };
          }),
        );
        for (const { c, args } of proposals) {
          await c.governor.connect(f.voter).propose(args[0], args[1], args[2], description);
        }
        for (const { c, id } of proposals) {
          await increaseToAtLeast((await c.governor.proposalSnapshot(id)) + 1n);
          await c.governor.connect(f.voter).castVote(id, 1);
        }
        for (const { c, id, args } of proposals) {
          await increaseToAtLeast((await c.governor.proposalDeadline(id)) + 1n);
          await c.governor.queue(...args);
        }
        for (const { c, id, args } of proposals) {
          await increaseToAtLeast(await c.governor.proposalEta(id));
          await expect(c.governor.execute(...args))
            .to.emit(c.registry, "ExemptionChanged")
            .withArgs(f.poolAddress, true);
          expect(await c.registry.isExempt(f.poolAddress)).to.equal(true);
        }

        // the reporters keep the rates fresh while governance takes its time
        await setRate(f.oracle, f.reporters, f.admin, "MXN", RATES.MXN);
        const q = await expectedQuote(f, f.monterrey, KC(40_000));
        await expect(swap(f, f.alice, f.monterrey, KC(40_000))).to.changeTokenBalance(
          f.katy.token,
          f.alice,
          q.amountOut,
        );
      });
    });
  });

  describe("quote and swap: the curve", () => {
    type Direction = "KATY->MTY" | "MTY->KATY";
    interface Row {
      name: string;
      reserves: [bigint, bigint];
      direction: Direction;
      amountIn: bigint;
      feeBps?: bigint;
      amplification?: bigint;
      mxnRate?: bigint;
      /** "oracle": gross equals the input's worth at the oracle rate; "curve": the curve pays less. */
      priced: "oracle" | "curve";
    }
    const rows: Row[] = [
      {
        name: "balanced pool, small swap",
        reserves: [KC(100_000), KC(2_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(1_000),
        priced: "curve",
      },
      {
        name: "balanced pool, the other way",
        reserves: [KC(100_000), KC(2_000_000)],
        direction: "MTY->KATY",
        amountIn: KC(20_000),
        priced: "curve",
      },
      {
        name: "skewed: output side rich (KATY in)",
        reserves: [KC(50_000), KC(3_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(1_000),
        priced: "oracle",
      },
      {
        name: "skewed: output side poor (KATY in)",
        reserves: [KC(150_000), KC(1_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(1_000),
        priced: "curve",
      },
      {
        name: "skewed: output side rich (MTY in)",
        reserves: [KC(150_000), KC(1_000_000)],
        direction: "MTY->KATY",
        amountIn: KC(20_000),
        priced: "oracle",
      },
      {
        name: "skewed: output side poor (MTY in)",
        reserves: [KC(50_000), KC(3_000_000)],
        direction: "MTY->KATY",
        amountIn: KC(20_000),
        priced: "curve",
      },
      {
        name: "skewed: rich output side, swap larger than the surplus",
        reserves: [KC(50_000), KC(3_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(150_000),
        priced: "curve",
      },
      {
        name: "amplification 0 (constant product on oracle-valued reserves)",
        reserves: [KC(100_000), KC(2_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(10_000),
        amplification: 0n,
        priced: "curve",
      },
      {
        name: "amplification 0, half the pool's worth in",
        reserves: [KC(100_000), KC(2_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(100_000),
        amplification: 0n,
        priced: "curve",
      },
      {
        name: "amplification 1,000 (the maximum)",
        reserves: [KC(100_000), KC(2_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(10_000),
        amplification: 1_000n,
        priced: "curve",
      },
      {
        name: "fee 0",
        reserves: [KC(100_000), KC(2_000_000)],
        direction: "MTY->KATY",
        amountIn: KC(20_000),
        feeBps: 0n,
        priced: "curve",
      },
      {
        name: "fee 1,000 bps (the maximum)",
        reserves: [KC(100_000), KC(2_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(1_000),
        feeBps: 1_000n,
        priced: "curve",
      },
      {
        name: "fee 0, output side rich: exactly the oracle rate",
        reserves: [KC(50_000), KC(3_000_000)],
        direction: "KATY->MTY",
        amountIn: KC(1_000),
        feeBps: 0n,
        priced: "oracle",
      },
      {
        name: "a rate with a rounded cross rate (MXN at 0.0551)",
        reserves: [KC(100_000), KC("1814882.032667876588021778")],
        direction: "MTY->KATY",
        amountIn: KC("12345.678901234567890123"),
        mxnRate: KC("0.0551"),
        priced: "curve",
      },
      {
        name: "a rate with a rounded cross rate, KATY in",
        reserves: [KC(100_000), KC(3_000_000)],
        direction: "KATY->MTY",
        amountIn: KC("777.777777777777777777"),
        mxnRate: KC("0.0551"),
        priced: "oracle",
      },
      {
        name: "dust: 1 wei of KATY (the fee rounds up to 1 wei)",
        reserves: [KC(100_000), KC(2_000_000)],
        direction: "KATY->MTY",
        amountIn: 1n,
        priced: "curve",
      },
    ];

    for (const row of rows) {
      const feeBps = row.feeBps ?? FEE_BPS;
      const amplification = row.amplification ?? AMPLIFICATION;
      describe(`when ${row.name}`, () => {
        it(`quotes and pays the documented curve (fee ${feeBps} bps, amplification ${amplification})`, async () => {
          const f = await loadFixture(deployEmptyPoolFixture);
          const mxnRate = row.mxnRate ?? RATES.MXN;
          if (mxnRate !== RATES.MXN) await setRate(f.oracle, f.reporters, f.admin, "MXN", mxnRate);
          if (feeBps !== FEE_BPS || amplification !== AMPLIFICATION) {
            await f.pool.connect(f.admin).setCurve(feeBps, amplification);
          }
          const [reserveA, reserveB] = row.reserves;
          await f.pool.connect(f.lp).addLiquidity(reserveA, reserveB, 0, f.lp.address, await inAnHour());

          const aToB = row.direction === "KATY->MTY";
          const [tIn, tOut] = aToB ? [f.katy, f.monterrey] : [f.monterrey, f.katy];
          const rate = aToB ? crossRate(RATES.USD, mxnRate) : crossRate(mxnRate, RATES.USD);
          const [reserveIn, reserveOut] = aToB ? [reserveA, reserveB] : [reserveB, reserveA];
          const expected = swapQuote(row.amountIn, reserveIn, reserveOut, rate, { feeBps, amplification });
          expect(expected.fee).to.equal(ceilDiv(expected.gross * feeBps, 10_000n));
          if (row.priced === "oracle") expect(expected.gross).to.equal(expected.atOracle);
          else expect(expected.gross).to.be.lessThan(expected.atOracle);

          const q = await f.pool.quote(tIn.address, row.amountIn);
          expect([...q]).to.deep.equal([expected.amountOut, expected.fee, rate]);

          const value = (row.amountIn * (aToB ? RATES.USD : mxnRate)) / E18;
          const threshold = aToB ? KC(1_000) : KC(18_000);
          const tx = await f.pool.connect(f.lp).swap(tIn.address, row.amountIn, 0, f.bob.address, await inAnHour());
          await expect(tx)
            .to.emit(f.pool, "Settled")
            .withArgs(
              f.lp.address,
              f.bob.address,
              tIn.address,
              tOut.address,
              row.amountIn,
              expected.amountOut,
              expected.fee,
              rate,
              value,
              row.amountIn >= threshold,
            );
          const [newA, newB] = aToB
            ? [reserveA + row.amountIn, reserveB - expected.amountOut]
            : [reserveA - expected.amountOut, reserveB + row.amountIn];
          await expect(tx).to.emit(f.pool, "ReservesUpdated").withArgs(newA, newB);
          await expect(tx).to.changeTokenBalances(tIn.token, [f.lp, f.pool], [-row.amountIn, row.amountIn]);
          await expect(tx).to.changeTokenBalances(
            tOut.token,
            [f.bob, f.pool],
            [expected.amountOut, -expected.amountOut],
          );
          expect([...(await f.pool.reserves())]).to.deep.equal([newA, newB]);
        });
      });
    }

    describe("when the output side runs low", () => {
      it("pays less per unit for each further unit: the price worsens smoothly", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        let previous = E18 * 20n; // the oracle's MTY per KATY
        for (const amountIn of [KC(1_000), KC(10_000), KC(50_000), KC(100_000), KC(200_000)]) {
          const [out] = await f.pool.quote(f.katy.address, amountIn);
          const price = (out * E18) / amountIn;
          expect(price).to.be.lessThan(previous);
          previous = price;
        }
      });
    });

    describe("when two swaps follow each other", () => {
      it("prices the second on the reserves the first left", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await swap(f, f.alice, f.katy, KC(5_000));
        const expected = await expectedQuote(f, f.katy, KC(5_000));
        await expect(swap(f, f.alice, f.katy, KC(5_000))).to.changeTokenBalance(
          f.monterrey.token,
          f.alice,
          expected.amountOut,
        );
      });
    });

    describe("when the amount out would be 0 (dust)", () => {
      const rows = [
        { name: "19 wei of MTY are worth 0 wei of KATY", reserves: [KC(100_000), KC(2_000_000)], amountIn: 19n },
        // the KATY side is rich, so the curve pays the oracle's 1 wei; the fee rounds up to all of it
        { name: "20 wei of MTY: 1 wei gross, all of it fee", reserves: [KC(150_000), KC(1_000_000)], amountIn: 20n },
      ] as const;
      for (const row of rows) {
        it(`quotes 0 out and swap reverts with BridgePoolZeroOutput(amountIn): ${row.name}`, async () => {
          const f = await loadFixture(deployEmptyPoolFixture);
          await f.pool.connect(f.lp).addLiquidity(...row.reserves, 0, f.lp.address, await inAnHour());
          const expected = await expectedQuote(f, f.monterrey, row.amountIn);
          expect(expected.amountOut).to.equal(0n);
          expect([...(await f.pool.quote(f.monterrey.address, row.amountIn))]).to.deep.equal([
            0n,
            expected.fee,
            crossRate(RATES.MXN, RATES.USD),
          ]);
          await expect(swap(f, f.alice, f.monterrey, row.amountIn))
            .to.be.revertedWithCustomError(f.pool, "BridgePoolZeroOutput")
            .withArgs(row.amountIn);
          // the least input that pays anything settles; a wei less is still dust
          let least = row.amountIn + 1n;
          while ((await expectedQuote(f, f.monterrey, least)).amountOut === 0n) least += 1n;
          await expect(swap(f, f.alice, f.monterrey, least - 1n))
            .to.be.revertedWithCustomError(f.pool, "BridgePoolZeroOutput")
            .withArgs(least - 1n);
          const paid = await expectedQuote(f, f.monterrey, least);
          await expect(swap(f, f.alice, f.monterrey, least)).to.changeTokenBalance(
            f.katy.token,
            f.alice,
            paid.amountOut,
          );
        });
      }
    });

    describe("when the amount in is zero", () => {
      it("quotes (0, 0, rate) both ways, even on an empty pool", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        const rates = { katy: crossRate(RATES.USD, RATES.MXN), monterrey: crossRate(RATES.MXN, RATES.USD) };
        expect([rates.katy, rates.monterrey]).to.deep.equal([KC(20), KC("0.05")]);
        expect([...(await f.pool.quote(f.katy.address, 0))]).to.deep.equal([0n, 0n, rates.katy]);
        expect([...(await f.pool.quote(f.monterrey.address, 0))]).to.deep.equal([0n, 0n, rates.monterrey]);
        await f.pool.connect(f.lp).addLiquidity(KC(100_000), KC(2_000_000), 0, f.lp.address, await inAnHour());
        expect([...(await f.pool.quote(f.katy.address, 0))]).to.deep.equal([0n, 0n, rates.katy]);
        expect([...(await f.pool.quote(f.monterrey.address, 0))]).to.deep.equal([0n, 0n, rates.monterrey]);
      });

      it("still checks the token: BridgePoolUnknownToken(token)", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        await expect(f.pool.quote(f.toronto.address, 0))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolUnknownToken")
          .withArgs(f.toronto.address);
      });
    });
  });

  describe("swap", () => {
    describe("when the settlement crosses the source community's travel-rule threshold", () => {
      // katy's threshold is 1,000 KATY and monterrey's 18,000 MTY: the flag follows the SOURCE community.
      const rows = [
        { from: "katy", amountIn: KC(1_000) - 1n, flag: false },
        { from: "katy", amountIn: KC(1_000), flag: true },
        { from: "katy", amountIn: KC(1_000) + 1n, flag: true },
        { from: "monterrey", amountIn: KC(18_000) - 1n, flag: false },
        { from: "monterrey", amountIn: KC(18_000), flag: true },
        { from: "monterrey", amountIn: KC(18_000) + 1n, flag: true },
        { from: "monterrey", amountIn: KC(1_000), flag: false },
      ] as const;
      for (const row of rows) {
        it(`flags ${ethers.formatEther(row.amountIn)} in from ${row.from}: travelRule ${row.flag}`, async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          const [tIn, tOut] = row.from === "katy" ? [f.katy, f.monterrey] : [f.monterrey, f.katy];
          const q = await expectedQuote(f, tIn, row.amountIn);
          const value = row.from === "katy" ? row.amountIn : (row.amountIn * RATES.MXN) / E18;
          await expect(swap(f, f.alice, tIn, row.amountIn, f.bob))
            .to.emit(f.pool, "Settled")
            .withArgs(
              f.alice.address,
              f.bob.address,
              tIn.address,
              tOut.address,
              row.amountIn,
              q.amountOut,
              q.fee,
              q.rate,
              value,
              row.flag,
            );
        });
      }

      it("reads the threshold from the source registry at the time of the swap", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await asTimelock(f.katy, (tl) => f.katy.registry.connect(tl).setTravelRuleThreshold(KC(500)));
        const q = await expectedQuote(f, f.katy, KC(500));
        await expect(swap(f, f.alice, f.katy, KC(500)))
          .to.emit(f.pool, "Settled")
          .withArgs(
            f.alice.address,
            f.alice.address,
            f.katy.address,
            f.monterrey.address,
            KC(500),
            q.amountOut,
            q.fee,
            q.rate,
            KC(500),
            true,
          );
      });
    });

    describe("when minOut is above the amount out", () => {
      it("reverts with BridgePoolSlippage(amountOut, minOut), and accepts minOut equal to it", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        const q = await expectedQuote(f, f.katy, KC(1_000));
        const deadline = await inAnHour();
        await expect(
          f.pool.connect(f.alice).swap(f.katy.address, KC(1_000), q.amountOut + 1n, f.alice.address, deadline),
        )
          .to.be.revertedWithCustomError(f.pool, "BridgePoolSlippage")
          .withArgs(q.amountOut, q.amountOut + 1n);
        await expect(
          f.pool.connect(f.alice).swap(f.katy.address, KC(1_000), q.amountOut, f.alice.address, deadline),
        ).to.emit(f.pool, "Settled");
      });
    });

    describe("when the deadline has passed", () => {
      it("reverts with BridgePoolExpired(deadline, now), and accepts a deadline equal to now", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        let now = await nextTimestamp(10);
        await expect(f.pool.connect(f.alice).swap(f.katy.address, KC(1), 0, f.alice.address, now - 1n))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolExpired")
          .withArgs(now - 1n, now);
        now = await nextTimestamp();
        await expect(f.pool.connect(f.alice).swap(f.katy.address, KC(1), 0, f.alice.address, now)).to.emit(
          f.pool,
          "Settled",
        );
      });
    });

    describe("when the amount is zero", () => {
      it("reverts with BridgePoolZeroAmount", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await expect(swap(f, f.alice, f.katy, 0n)).to.be.revertedWithCustomError(f.pool, "BridgePoolZeroAmount");
      });
    });

    describe("when the token is neither of the pool's", () => {
      it("reverts with BridgePoolUnknownToken(token), in swap and in quote", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await expect(f.pool.connect(f.alice).swap(f.toronto.address, KC(1), 0, f.alice.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolUnknownToken")
          .withArgs(f.toronto.address);
        await expect(f.pool.quote(f.poolAddress, KC(1)))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolUnknownToken")
          .withArgs(f.poolAddress);
      });
    });

    describe("when the amount out would reach the output reserve", () => {
      it("reverts with BridgePoolInsufficientLiquidity(needed, reserve)", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        // amplification 4: the deepened curve would pay 4.5M MTY for 300,000 KATY; the pool holds 2M
        const q = await expectedQuote(f, f.katy, KC(300_000));
        expect(q.amountOut).to.be.greaterThan(KC(2_000_000));
        await expect(swap(f, f.lp, f.katy, KC(300_000)))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolInsufficientLiquidity")
          .withArgs(q.amountOut, KC(2_000_000));
      });

      it("reverts with BridgePoolInsufficientLiquidity(amountOut, 0) when the output reserve is empty", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        await f.pool.connect(f.lp).addLiquidity(KC(100_000), 0, 0, f.lp.address, await inAnHour());
        const q = await expectedQuote(f, f.katy, KC(1));
        expect(q.amountOut).to.be.greaterThan(0n);
        await expect(swap(f, f.alice, f.katy, KC(1)))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolInsufficientLiquidity")
          .withArgs(q.amountOut, 0);
      });

      it("reverts with BridgePoolZeroOutput(amountIn) on an empty pool: the curve pays nothing", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        for (const tokenIn of [f.katy, f.monterrey]) {
          await expect(swap(f, f.alice, tokenIn, KC(1)))
            .to.be.revertedWithCustomError(f.pool, "BridgePoolZeroOutput")
            .withArgs(KC(1));
        }
      });
    });

    describe("when a rate is stale", () => {
      it("reverts with the oracle's FxOracleStaleRate", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        const { updatedAt } = await f.oracle.rateState("MXN");
        await time.increaseTo(updatedAt + MAX_AGE + 1n);
        for (const tokenIn of [f.katy, f.monterrey]) {
          await expect(swap(f, f.alice, tokenIn, KC(10)))
            .to.be.revertedWithCustomError(f.oracle, "FxOracleStaleRate")
            .withArgs("MXN", updatedAt, MAX_AGE);
        }
      });
    });

    describe("when a rate's breaker has tripped", () => {
      it("reverts with the oracle's FxOracleBreakerTripped", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        for (const r of f.reporters.slice(0, 2)) await f.oracle.connect(r).report("MXN", KC("0.06"));
        await expect(swap(f, f.alice, f.katy, KC(10)))
          .to.be.revertedWithCustomError(f.oracle, "FxOracleBreakerTripped")
          .withArgs("MXN");
      });
    });

    describe("compliance: the source community rules on the sender, the destination on the recipient", () => {
      const directions = [
        { name: "KATY -> MTY", source: "katy", destination: "monterrey" },
        { name: "MTY -> KATY", source: "monterrey", destination: "katy" },
      ] as const;
      for (const d of directions) {
        describe(`when ${d.name}`, () => {
          const setUp = async () => {
            const f = await loadFixture(deployFundedPoolFixture);
            return { f, source: f[d.source], destination: f[d.destination] };
          };

          it("reverts with ComplianceSenderFrozen from the source registry when the sender is frozen there", async () => {
            const { f, source } = await setUp();
            await source.registry.connect(f.officer).freeze(f.alice.address, REASON);
            await expect(swap(f, f.alice, source, KC(100), f.bob))
              .to.be.revertedWithCustomError(source.registry, "ComplianceSenderFrozen")
              .withArgs(f.alice.address);
          });

          it("settles when the sender is frozen only in the destination", async () => {
            const { f, source, destination } = await setUp();
            await destination.registry.connect(f.officer).freeze(f.alice.address, REASON);
            await expect(swap(f, f.alice, source, KC(100), f.bob)).to.emit(f.pool, "Settled");
          });

          it("reverts with ComplianceRecipientFrozen from the destination registry when the recipient is frozen there", async () => {
            const { f, source, destination } = await setUp();
            await destination.registry.connect(f.officer).freeze(f.bob.address, REASON);
            await expect(swap(f, f.alice, source, KC(100), f.bob))
              .to.be.revertedWithCustomError(destination.registry, "ComplianceRecipientFrozen")
              .withArgs(f.bob.address);
          });

          it("settles when the recipient is frozen only in the source", async () => {
            const { f, source } = await setUp();
            await source.registry.connect(f.officer).freeze(f.bob.address, REASON);
            await expect(swap(f, f.alice, source, KC(100), f.bob)).to.emit(f.pool, "Settled");
          });

          it("reverts with ComplianceSenderSanctioned when the sender is sanctioned", async () => {
            const { f, source } = await setUp();
            await f.sanctions.connect(f.officer).addToSanctionsList([f.alice.address]);
            await expect(swap(f, f.alice, source, KC(100), f.bob))
              .to.be.revertedWithCustomError(source.registry, "ComplianceSenderSanctioned")
              .withArgs(f.alice.address);
          });

          it("reverts with ComplianceRecipientSanctioned when the recipient is sanctioned", async () => {
            const { f, source, destination } = await setUp();
            await f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]);
            await expect(swap(f, f.alice, source, KC(100), f.bob))
              .to.be.revertedWithCustomError(destination.registry, "ComplianceRecipientSanctioned")
              .withArgs(f.bob.address);
          });
        });
      }

      describe("when the sender would pass its daily limit in the source community", () => {
        it("reverts with ComplianceDailyLimitExceeded(sender, tier, limit, spent, amount)", async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          // carol is tier 0 in katy: 1,000 KATY a day
          await expect(swap(f, f.carol, f.katy, KC(1_001)))
            .to.be.revertedWithCustomError(f.katy.registry, "ComplianceDailyLimitExceeded")
            .withArgs(f.carol.address, 0, KC(1_000), 0, KC(1_001));
          await swap(f, f.carol, f.katy, KC(600));
          await expect(swap(f, f.carol, f.katy, KC(500)))
            .to.be.revertedWithCustomError(f.katy.registry, "ComplianceDailyLimitExceeded")
            .withArgs(f.carol.address, 0, KC(1_000), KC(600), KC(500));
        });

        it("does not limit what the recipient receives", async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          const q = await expectedQuote(f, f.monterrey, KC(60_000));
          expect(q.amountOut).to.be.greaterThan(KC(1_000));
          await expect(swap(f, f.alice, f.monterrey, KC(60_000), f.carol)).to.changeTokenBalance(
            f.katy.token,
            f.carol,
            q.amountOut,
          );
        });
      });
    });

    describe("flow limits", () => {
      /** The funded pool with a limit on MTY's net outflow of exactly what a 1,000 KATY swap pays out. */
      async function limitedFixture(window: 0 | 1) {
        const f = await loadFixture(deployFundedPoolFixture);
        const first = await expectedQuote(f, f.katy, KC(1_000));
        const limit = first.amountOut;
        const [shortLimit, longLimit] = window === 0 ? [limit, 0n] : [0n, limit];
        await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, shortLimit, longLimit);
        return { ...f, limit };
      }

      for (const window of [0, 1] as const) {
        const length = window === 0 ? SHORT_WINDOW : LONG_WINDOW;
        describe(`when the ${window === 0 ? "short (5-minute)" : "long (1-day)"} window's limit is reached`, () => {
          it("accepts a net outflow equal to the limit and reverts with BridgePoolFlowLimitExceeded beyond it", async () => {
            const f = await limitedFixture(window);
            await swap(f, f.alice, f.katy, KC(1_000));
            expect(await f.pool.netOutflow(f.monterrey.address, window)).to.equal(f.limit);
            const next = await expectedQuote(f, f.katy, KC(1));
            await expect(swap(f, f.alice, f.katy, KC(1)))
              .to.be.revertedWithCustomError(f.pool, "BridgePoolFlowLimitExceeded")
              .withArgs(f.monterrey.address, window, f.limit + next.amountOut, f.limit);
          });

          it(`starts a new window ${length} seconds after the window opened, not a second earlier`, async () => {
            const f = await limitedFixture(window);
            const opened = await nextTimestamp();
            await swap(f, f.alice, f.katy, KC(1_000));
            // keep the rate fresh across the long window
            await time.increaseTo(opened + length - 10n);
            await setRate(f.oracle, f.reporters, f.admin, "MXN", RATES.MXN);
            await time.setNextBlockTimestamp(opened + length - 1n);
            await expect(swap(f, f.alice, f.katy, KC(1))).to.be.revertedWithCustomError(
              f.pool,
              "BridgePoolFlowLimitExceeded",
            );
            await time.setNextBlockTimestamp(opened + length);
            const next = await expectedQuote(f, f.katy, KC(1));
            await swap(f, f.alice, f.katy, KC(1));
            expect(await f.pool.netOutflow(f.monterrey.address, window)).to.equal(next.amountOut);
          });
        });
      }

      describe("when the short window has passed but the long one has not", () => {
        it("reverts with the long window (1) as the one exceeded", async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          const first = await expectedQuote(f, f.katy, KC(1_000));
          await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, first.amountOut, first.amountOut);
          await swap(f, f.alice, f.katy, KC(1_000));
          await time.increase(SHORT_WINDOW);
          const next = await expectedQuote(f, f.katy, KC(1));
          await expect(swap(f, f.alice, f.katy, KC(1)))
            .to.be.revertedWithCustomError(f.pool, "BridgePoolFlowLimitExceeded")
            .withArgs(f.monterrey.address, 1, first.amountOut + next.amountOut, first.amountOut);
        });
      });

      describe("when the token flowed into the pool earlier in the window", () => {
        it("offsets the outflow by the inflow", async () => {
          const f = await limitedFixture(0);
          await swap(f, f.alice, f.monterrey, KC(10_000)); // 10,000 MTY in
          expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(-KC(10_000));
          const q = await expectedQuote(f, f.katy, KC(1_400));
          expect(q.amountOut).to.be.greaterThan(f.limit);
          await swap(f, f.alice, f.katy, KC(1_400));
          expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(q.amountOut - KC(10_000));
        });
      });

      describe("when a provider deposits one token and withdraws at once", () => {
        /** What depositing `amountA` KATY alone, then withdrawing the shares it earns, pays back (the model). */
        async function roundTripOf(f: Pool, amountA: bigint) {
          const [reserveA, reserveB] = await f.pool.reserves();
          const supply = await f.pool.totalSupply();
          const d = depositOf(amountA, 0n, { reserveA, reserveB, supply }, RATES.USD, RATES.MXN, CURVE);
          const supplyAfter = supply + d.shares;
          const katyBack = ((reserveA + amountA) * d.shares) / supplyAfter;
          const mtyOut = (reserveB * d.shares) / supplyAfter;
          return { ...d, supply, supplyAfter, katyBack, mtyOut, given: amountA - katyBack };
        }

        /** `who` (lp2 unless given) deposits `amountA` KATY and withdraws the shares at once; checks the model. */
        async function roundTrip(f: Pool, amountA: bigint, who = f.lp2) {
          const expected = await roundTripOf(f, amountA);
          await expect(f.pool.connect(who).addLiquidity(amountA, 0, 0, who.address, await inAnHour()))
            .to.emit(f.pool, "LiquidityAdded")
            .withArgs(who.address, who.address, amountA, 0, expected.shares, expected.value, expected.fee);
          const tx = f.pool.connect(who).removeLiquidity(expected.shares, 0, 0, who.address, await inAnHour());
          await expect(tx)
            .to.emit(f.pool, "LiquidityRemoved")
            .withArgs(who.address, who.address, expected.katyBack, expected.mtyOut, expected.shares);
          return expected;
        }

        it("reverts with BridgePoolFlowLimitExceeded(MTY, window, amountB, limit) when the withdrawal takes MTY past the limit", async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, KC(1_000), KC(1_000));
          const expected = await roundTripOf(f, KC(10_000));
          await f.pool.connect(f.lp2).addLiquidity(KC(10_000), 0, 0, f.lp2.address, await inAnHour());
          expect(await f.pool.balanceOf(f.lp2.address)).to.equal(expected.shares);
          // the short window is checked first
          await expect(f.pool.connect(f.lp2).removeLiquidity(expected.shares, 0, 0, f.lp2.address, await inAnHour()))
            .to.be.revertedWithCustomError(f.pool, "BridgePoolFlowLimitExceeded")
            .withArgs(f.monterrey.address, 0, expected.mtyOut, KC(1_000));
        });

        it("pays the fee on its imbalance (a swap's cost, scaled): the round trip loses the fee, less its own shares' part of it", async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          const t = await roundTrip(f, KC(10_000));
          // by hand: a one-sided 10,000 KATY into the balanced 100,000 KATY / 2,000,000 MTY pool (each side worth
          // 100,000) moves 10,000 * 100,000 / 200,000 = 5,000 of value to the MTY side. A swap of 5,000 KATY now:
          // x = 2,000,000 MTY, y = 2,000,000, D = 4 * 4,000,000 = 16,000,000, a*p = 100,000 MTY, so
          // gross = 18,000,000 * 100,000 / 18,100,000 = 99,447.513812154696132596 MTY, its fee (0.30%, up)
          // 298.342541436464088398, out 99,149.171270718232044198 MTY, worth 4,957.458563535911602209 (down).
          // It costs 5,000 - 4,957.458563535911602209 = 42.541436464088397791; scaled by P / (PY + r*PX), here
          // 2 * 5,000 / (5,000 + 4,957.458563535911602209), the fee is 42.723187038783776287 (up); shares
          // 200,000 * (10,000 - fee) / 200,000 = 9,957.276812961216223713, of 209,957.276812961216223713 after
          expect([t.value, t.fee, t.shares, t.supplyAfter]).to.deep.equal([
            KC(10_000),
            KC("42.723187038783776287"),
            KC("9957.276812961216223713"),
            KC("209957.276812961216223713"),
          ]);
          expect([t.katyBack, t.mtyOut]).to.deep.equal([
            (KC(110_000) * t.shares) / t.supplyAfter,
            (KC(2_000_000) * t.shares) / t.supplyAfter,
          ]);
          // the value lost (exact, at the oracle's rates) is at least fee * supply / supplyAfter: 40.697 KATY
          const lost =
            exactValueOf(KC(10_000), 0n, RATES.USD, RATES.MXN) -
            exactValueOf(t.katyBack, t.mtyOut, RATES.USD, RATES.MXN);
          expect(lost * t.supplyAfter).to.be.at.least(t.fee * E18 * t.supply);
          expect(lost).to.be.greaterThan(KC("40.697") * E18);
          // where the fee-free round trip paid the oracle's 20 MTY per KATY to the wei
          expect(t.given * 20n - t.mtyOut).to.be.greaterThan(KC(810));
        });

        // In the balanced pool a swap of KATY is priced on the curve, below the oracle rate. The round trip is
        // charged what a swap of its imbalance (5,000 and 150,000 of value) costs, scaled so that it exchanges at
        // that swap's rate r, and gives up less KATY than that imbalance, which a swap would exchange at a better
        // price: swap() is the better deal, by 2.4e-4 and 7.8% of what it pays.
        for (const [amountA, given, mtyOut, viaSwapOut] of [
          [KC(10_000), "4783.22225334693424523", "94850.504484601195541286", "94873.229793963000846465"],
          [KC(300_000), "67899.637868598034143819", "1160501.810657009829280908", "1258939.308907239637617271"],
        ] as const) {
          it(`gets no better exchange than swap() would give at the same state: ${ethers.formatEther(amountA)} KATY in the balanced pool`, async () => {
            const f = await loadFixture(deployFundedPoolFixture);
            const planned = await roundTripOf(f, amountA);
            const viaSwap = await expectedQuote(f, f.katy, planned.given);
            expect(viaSwap.gross).to.be.lessThan(viaSwap.atOracle, "swaps are priced on the curve");
            expect([...(await f.pool.quote(f.katy.address, planned.given))]).to.deep.equal([
              viaSwap.amountOut,
              viaSwap.fee,
              viaSwap.rate,
            ]);
            // lp holds the KATY for the larger round trip
            const t = await roundTrip(f, amountA, amountA > KC(100_000) ? f.lp : f.lp2);
            expect([t.given, t.mtyOut, viaSwap.amountOut]).to.deep.equal([KC(given), KC(mtyOut), KC(viaSwapOut)]);
            expect(t.mtyOut).to.be.lessThan(viaSwap.amountOut);
          });
        }

        // Where swaps are priced at the oracle rate, a swap of any size up to the imbalance pays the same rate
        // r = 1 - 0.30% (in value), and a swap of the imbalance I costs (1 - r) * I. A one-sided deposit v of X
        // charged F withdraws, in value, (v*PY + F*PX) / (P + v - F) of X less than it gave, for (v - F)*PY / (P + v
        // - F) of Y: the rate (v - F)*PY / (v*PY + F*PX), which is r exactly when F = (1 - r)*v*PY / (PY + r*PX) =
        // (1 - r) * I * P / (PY + r*PX): the scaled fee. So the round trip and swap() agree but for rounding (with
        // the unscaled fee, (1 - r) * I, the round trip beat swap() by 2.255e-6 here, a fee-squared term).
        it("costs what a swap costs when swaps are priced at the oracle rate, to rounding (within the fee squared)", async () => {
          const f = await loadFixture(deployEmptyPoolFixture);
          // the MTY side is rich: swaps from KATY pay the oracle rate less the fee
          await f.pool.connect(f.lp).addLiquidity(KC(50_000), KC(3_000_000), 0, f.lp.address, await inAnHour());
          const planned = await roundTripOf(f, KC(10_000));
          const viaSwap = await expectedQuote(f, f.katy, planned.given);
          expect(viaSwap.gross).to.equal(viaSwap.atOracle);
          expect([...(await f.pool.quote(f.katy.address, planned.given))]).to.deep.equal([
            viaSwap.amountOut,
            viaSwap.fee,
            viaSwap.rate,
          ]);
          const t = await roundTrip(f, KC(10_000));
          // by hand: 7,500 of the 10,000 move to the MTY side; a swap of 7,500 KATY pays 150,000 MTY less 0.30%,
          // worth 7,477.5: it costs 22.5, scaled by 200,000 / (150,000 + 0.997 * 50,000) to a fee of
          // 22.516887665749311984 (up, as in the deposit rows), shares 9,977.483112334250688016
          expect([t.fee, t.shares]).to.deep.equal([KC("22.516887665749311984"), KC("9977.483112334250688016")]);
          // the round trip gives up 7,148.984844152130397484 KATY for 142,550.757792393480125821 MTY, where
          // swap() pays 142,550.75779239348012583: 9 wei more, the rounding of the fee and of the shares
          expect([t.given, t.mtyOut, viaSwap.amountOut]).to.deep.equal([
            KC("7148.984844152130397484"),
            KC("142550.757792393480125821"),
            KC("142550.75779239348012583"),
          ]);
          expect(t.mtyOut).to.be.at.most(viaSwap.amountOut);
          const diff = viaSwap.amountOut - t.mtyOut;
          // the two differ by rounding only: far within (0.30%)^2 of the input's worth at the oracle rate
          expect(diff * 10_000n * 10_000n).to.be.at.most(viaSwap.atOracle * FEE_BPS * FEE_BPS);
          expect(diff).to.be.at.most(100n);
          // and the round trip is no fee-free exchange at the oracle rate
          expect(t.mtyOut).to.be.lessThan(viaSwap.atOracle - viaSwap.fee / 2n);
        });
      });

      describe("when only the other token is limited", () => {
        it("does not limit this token's outflow", async () => {
          const f = await limitedFixture(0);
          await expect(swap(f, f.alice, f.monterrey, KC(200_000))).to.emit(f.pool, "Settled");
          expect(await f.pool.netOutflow(f.katy.address, 0)).to.equal(0);
        });
      });
    });

    describe("when the pool is paused", () => {
      it("reverts with EnforcedPause", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.pool.connect(f.pauser).pause();
        await expect(swap(f, f.alice, f.katy, KC(10))).to.be.revertedWithCustomError(f.pool, "EnforcedPause");
      });
    });
  });

  describe("addLiquidity", () => {
    describe("when it is the first deposit", () => {
      it("mints value - MINIMUM_LIQUIDITY shares to the recipient and locks MINIMUM_LIQUIDITY to 0x…dEaD", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        const [a, b] = [KC(1_000), KC(30_000)];
        const value = poolValueOf(a, b, RATES.USD, RATES.MXN);
        expect(value).to.equal(KC(2_500));
        expect([...(await f.pool.depositValue(a, b))]).to.deep.equal([value, 0n]);
        const tx = await f.pool.connect(f.lp).addLiquidity(a, b, 0, f.lp2.address, await inAnHour());
        await expect(tx).to.emit(f.pool, "Transfer").withArgs(ethers.ZeroAddress, DEAD, MINIMUM_LIQUIDITY);
        await expect(tx)
          .to.emit(f.pool, "Transfer")
          .withArgs(ethers.ZeroAddress, f.lp2.address, value - MINIMUM_LIQUIDITY);
        await expect(tx)
          .to.emit(f.pool, "LiquidityAdded")
          .withArgs(f.lp.address, f.lp2.address, a, b, value - MINIMUM_LIQUIDITY, value, 0);
        await expect(tx).to.emit(f.pool, "ReservesUpdated").withArgs(a, b);
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.lp, f.pool], [-a, a]);
        await expect(tx).to.changeTokenBalances(f.monterrey.token, [f.lp, f.pool], [-b, b]);
        expect(await f.pool.balanceOf(DEAD)).to.equal(MINIMUM_LIQUIDITY);
        expect(await f.pool.totalSupply()).to.equal(value);
        expect(await f.pool.poolValue()).to.equal(value);
      });

      it("accepts a single token, with no fee (the empty pool has no mix to differ from)", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        expect([...(await f.pool.depositValue(0, KC(20_000)))]).to.deep.equal([KC(1_000), 0n]);
        await expect(f.pool.connect(f.lp).addLiquidity(0, KC(20_000), 0, f.lp.address, await inAnHour()))
          .to.emit(f.pool, "LiquidityAdded")
          .withArgs(f.lp.address, f.lp.address, 0, KC(20_000), KC(1_000) - MINIMUM_LIQUIDITY, KC(1_000), 0);
      });

      for (const [name, a, b, value] of [
        ["1,000 wei of KATY", 1_000n, 0n, 1_000n],
        ["20,019 wei of MTY (worth 1,000 wei, rounded down)", 0n, 20_019n, 1_000n],
      ] as const) {
        it(`reverts with BridgePoolInsufficientFirstDeposit(${value}, 1000) for ${name}`, async () => {
          const f = await loadFixture(deployEmptyPoolFixture);
          await expect(f.pool.connect(f.lp).addLiquidity(a, b, 0, f.lp.address, await inAnHour()))
            .to.be.revertedWithCustomError(f.pool, "BridgePoolInsufficientFirstDeposit")
            .withArgs(value, MINIMUM_LIQUIDITY);
        });
      }

      it("mints 1 share for a deposit worth MINIMUM_LIQUIDITY + 1", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        await f.pool.connect(f.lp).addLiquidity(0, 20_020n, 0, f.lp.address, await inAnHour());
        expect(await f.pool.balanceOf(f.lp.address)).to.equal(1n);
      });
    });

    describe("when the pool has liquidity", () => {
      const rows = [
        { name: "both tokens", a: KC(1_000), b: KC(20_000) },
        { name: "KATY only", a: KC(5_000), b: 0n },
        { name: "MTY only", a: 0n, b: KC(100_000) },
        { name: "odd amounts", a: KC("123.456789012345678901"), b: KC("98765.432109876543210987") },
      ];
      for (const row of rows) {
        it(`mints supply * (value - fee) / poolValue shares, rounded down, for ${row.name}`, async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          await swap(f, f.alice, f.katy, KC(3_333)); // fees make a share worth more than 1 wei of value
          const supply = await f.pool.totalSupply();
          const [reserveA, reserveB] = await f.pool.reserves();
          const poolValue = poolValueOf(reserveA, reserveB, RATES.USD, RATES.MXN);
          expect(await f.pool.poolValue()).to.equal(poolValue);
          const poolValueUp = poolValueUpOf(reserveA, reserveB, RATES.USD, RATES.MXN);
          const { value, fee, shares } = depositOf(
            row.a,
            row.b,
            { reserveA, reserveB, supply },
            RATES.USD,
            RATES.MXN,
            CURVE,
          );
          expect(value).to.equal(poolValueOf(row.a, row.b, RATES.USD, RATES.MXN));
          // the swap left the pool's mix off 1:1, so even "both tokens" (1:1 in value) pays a fee
          expect(fee).to.be.greaterThan(0n);
          expect(shares).to.equal(sharesFor(value - fee, supply, poolValueUp));
          expect((supply * (value - fee)) % poolValueUp).to.not.equal(0n, "the row exercises the rounding");
          expect([...(await f.pool.depositValue(row.a, row.b))]).to.deep.equal([value, fee]);
          await expect(f.pool.connect(f.lp2).addLiquidity(row.a, row.b, 0, f.lp3.address, await inAnHour()))
            .to.emit(f.pool, "LiquidityAdded")
            .withArgs(f.lp2.address, f.lp3.address, row.a, row.b, shares, value, fee);
          expect(await f.pool.balanceOf(f.lp3.address)).to.equal(shares);
          expect([...(await f.pool.reserves())]).to.deep.equal([reserveA + row.a, reserveB + row.b]);
          // rounding favours the pool: the new shares' claim is worth no more than the deposit
          expect(await claimOf(f, shares)).to.be.at.most(exactValueOf(row.a, row.b, RATES.USD, RATES.MXN));
        });
      }

      it("values the deposit at the oracle's current rate", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        for (const r of f.reporters) await f.oracle.connect(r).report("MXN", KC("0.052"));
        const [reserveA, reserveB] = await f.pool.reserves();
        expect(await f.pool.poolValue()).to.equal(poolValueOf(reserveA, reserveB, RATES.USD, KC("0.052")));
        const supply = await f.pool.totalSupply();
        const { value, fee, shares } = depositOf(
          0n,
          KC(100_000),
          { reserveA, reserveB, supply },
          RATES.USD,
          KC("0.052"),
          CURVE,
        );
        // by hand: the pool is worth 100,000 + 104,000; the deposit 5,200, of which 5,200 * 100,000 / 204,000 =
        // 2,549.019607843137254901 moves to the KATY side. A swap of it, 49,019.607843137254901942 MTY (down) at
        // 0.052 KATY each: x = 104,000 KATY, y = 100,000, D = 4 * 204,000, a*p = 2,549.0196078431372549, so
        // gross = 916,000 * a*p / (920,000 + a*p) = 2,530.924548352816153026, out (less 0.30%, rounded up)
        // 2,523.331774707757704566 KATY: cost 2,549.019607843137254901 - 2,523.331774707757704566 =
        // 25.687833135379550335. MTY is in excess, PX = 104,000, PY = 100,000: fee = 25.687833135379550335 *
        // 204,000 * 2,549.019607843137254901 / (100,000 * 2,549.019607843137254901 + 2,523.331774707757704566 *
        // 104,000) = 25.820487610823745409 (up)
        expect([value, fee]).to.deep.equal([KC(5_200), KC("25.820487610823745409")]);
        expect(shares).to.equal((supply * (KC(5_200) - fee)) / KC(204_000));
        expect(shares).to.equal(KC("5072.725012146251229991"));
        expect([...(await f.pool.depositValue(0, KC(100_000)))]).to.deep.equal([value, fee]);
        await expect(f.pool.connect(f.lp2).addLiquidity(0, KC(100_000), 0, f.lp2.address, await inAnHour()))
          .to.emit(f.pool, "LiquidityAdded")
          .withArgs(f.lp2.address, f.lp2.address, 0, KC(100_000), shares, value, fee);
      });

      it("reverts with BridgePoolSlippage(shares, minShares) below minShares, and accepts minShares equal to it", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        // the pool is worth exactly its supply; 1,000 KATY alone moves 500 of value to the MTY side. A swap of 500
        // KATY: gross = 18,000,000 * 10,000 / 18,010,000 = 9,994.447529150471960022 MTY, out (less 0.30%)
        // 9,964.464186563020544141 MTY, worth 498.223209328151027207: cost 1.776790671848972793, fee =
        // 1.776790671848972793 * 1,000 / 998.223209328151027207 (up) = 1.779953276226499055
        const shares = KC("998.220046723773500945");
        const deadline = await inAnHour();
        await expect(f.pool.connect(f.lp2).addLiquidity(KC(1_000), 0, shares + 1n, f.lp2.address, deadline))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolSlippage")
          .withArgs(shares, shares + 1n);
        await expect(f.pool.connect(f.lp2).addLiquidity(KC(1_000), 0, shares, f.lp2.address, deadline))
          .to.emit(f.pool, "LiquidityAdded")
          .withArgs(f.lp2.address, f.lp2.address, KC(1_000), 0, shares, KC(1_000), KC("1.779953276226499055"));
      });

      it("reverts with BridgePoolSlippage(0, 0) for a deposit worth no share", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        // 19 wei of MTY are worth 0 wei of USD
        await expect(f.pool.connect(f.lp2).addLiquidity(0, 19n, 0, f.lp2.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolSlippage")
          .withArgs(0, 0);
      });

      it("reverts with BridgePoolSlippage(0, 0) when the fee takes the whole deposit", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        // a pool of MTY only: 1 wei of KATY moves all its value (1 wei) to the MTY side; a swap of 1 wei of KATY
        // pays 20 wei of MTY at the oracle rate less its fee (0.30%, rounded up to 1 wei): 19 wei, worth 0 wei
        // (rounded down), so the swap costs the whole wei, and so does the fee: PX = 0, PY = P, so the scaling is
        // ceil(1 * P * 1 / (P * 1 + 0)) = 1 wei
        await f.pool.connect(f.lp).addLiquidity(0, KC(2_000_000), 0, f.lp.address, await inAnHour());
        expect([...(await f.pool.depositValue(1n, 0))]).to.deep.equal([1n, 1n]);
        await expect(f.pool.connect(f.lp2).addLiquidity(1n, 0, 0, f.lp2.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolSlippage")
          .withArgs(0, 0);
        // with no swap fee, the swap pays 20 wei of MTY, worth the whole wei: no fee, and the wei earns a share
        await f.pool.connect(f.admin).setCurve(0, AMPLIFICATION);
        await expect(f.pool.connect(f.lp2).addLiquidity(1n, 0, 0, f.lp2.address, await inAnHour()))
          .to.emit(f.pool, "LiquidityAdded")
          .withArgs(f.lp2.address, f.lp2.address, 1n, 0, 1n, 1n, 0);
      });
    });

    describe("when the deposit's mix differs from the pool's: what a swap of its imbalance would cost", () => {
      // By hand. The pool holds `reserves`, its first deposit, so its supply is its value rounded down (200,000 in
      // most rows). With the pool's values PA, PB (rounded up) and the deposit's vA, vB (rounded down), the
      // imbalance is |floor(vA*PB / (PA + PB)) - floor(vB*PA / (PA + PB))|, moved from the side in excess to the
      // other. A swap of it would cost `cost`: the imbalance in the excess token (rounded down) is quoted on the
      // curve at the current reserves (x = reserveIn*p and y = reserveOut in output units, D = amp*(x + y),
      // gross = min(a*p, (y + D)*a*p / (x + D + a*p)), less the swap fee rounded up), the output valued down
      // (outValue), and cost = imbalance - outValue. The fee is that cost scaled by P / (PY + r*PX), r = outValue /
      // imbalance (PX the excess side's pool value, PY the other's, P = PA + PB), rounded up, at most the imbalance:
      //   fee = min(imbalance, ceil(cost * (P * imbalance) / (PY * imbalance + outValue * PX))),
      // which in the balanced pool (PX = PY = P / 2) is ceil(cost * 2 * imbalance / (imbalance + outValue)). The
      // shares are supply * (value - fee) / (PA + PB), rounded down.
      // In the balanced pool (x = y = 2,000,000 MTY from KATY, 100,000 KATY from MTY, D = 4 * (x + y)) a swap is
      // priced on the curve; in the MTY-rich one a swap from KATY is priced at the oracle rate.
      interface FeeRow {
        name: string;
        reserves: [bigint, bigint];
        deposit: [bigint, bigint];
        feeBps?: bigint;
        amplification?: bigint;
        mxnRate?: bigint;
        value: bigint;
        fee: bigint;
        shares: bigint;
      }
      const balanced: [bigint, bigint] = [KC(100_000), KC(2_000_000)]; // 100,000 USD a side
      const mtyRich: [bigint, bigint] = [KC(50_000), KC(3_000_000)]; // 50,000 USD and 150,000 USD
      const rows: FeeRow[] = [
        {
          // 1,000 * 100,000 / 200,000 = 500 = 1,000 * 100,000 / 200,000 the other way: no imbalance
          name: "a deposit in the pool's mix (1:1) pays no fee",
          reserves: balanced,
          deposit: [KC(1_000), KC(20_000)],
          value: KC(2_000),
          fee: 0n,
          shares: KC(2_000),
        },
        {
          // 5,000 KATY swapped: a*p = 100,000 MTY, gross = 18,000,000 * 100,000 / 18,100,000 =
          // 99,447.513812154696132596, out 99,149.171270718232044198 MTY worth 4,957.458563535911602209: cost
          // 42.541436464088397791, fee = 42.541436464088397791 * 10,000 / 9,957.458563535911602209 (up)
          name: "KATY only: 5,000 of its 10,000 move to the MTY side, swapped on the curve",
          reserves: balanced,
          deposit: [KC(10_000), 0n],
          value: KC(10_000),
          fee: KC("42.723187038783776287"),
          shares: KC("9957.276812961216223713"),
        },
        {
          // 5,000 of value is 100,000 MTY: a*p = 5,000 KATY, gross = 900,000 * 5,000 / 905,000 =
          // 4,972.375690607734806629, out 4,957.458563535911602209 KATY: the KATY-only row mirrored
          name: "MTY only: 5,000 of its 10,000 move to the KATY side, swapped on the curve",
          reserves: balanced,
          deposit: [0n, KC(200_000)],
          value: KC(10_000),
          fee: KC("42.723187038783776287"),
          shares: KC("9957.276812961216223713"),
        },
        {
          // 1,000 KATY swapped: a*p = 20,000 MTY, gross = 18,000,000 * 20,000 / 18,020,000 =
          // 19,977.80244173140954495, out 19,917.869034406215316315 MTY worth 995.893451720310765815: cost
          // 4.106548279689234185, fee = 4.106548279689234185 * 2,000 / 1,995.893451720310765815 (up)
          name: "more KATY than the pool's mix: |1,500 - 500| moves",
          reserves: balanced,
          deposit: [KC(3_000), KC(20_000)],
          value: KC(4_000),
          fee: KC("4.114997497636656844"),
          shares: KC("3995.885002502363343156"),
        },
        {
          // 40,000 MTY swapped: a*p = 2,000 KATY, gross = 900,000 * 2,000 / 902,000 = 1,995.565410199556541019,
          // out 1,989.578713968957871395 KATY: cost 10.421286031042128605, fee = 10.421286031042128605 * 4,000 /
          // 3,989.578713968957871395 (up)
          name: "more MTY than the pool's mix: |500 - 2,500| moves",
          reserves: balanced,
          deposit: [KC(1_000), KC(100_000)],
          value: KC(6_000),
          fee: KC("10.448507753015061415"),
          shares: KC("5989.551492246984938585"),
        },
        {
          // 1,000 * 150,000 / 200,000 = 750 = 3,000 * 50,000 / 200,000
          name: "a deposit in a skewed pool's mix (1:3) pays no fee",
          reserves: mtyRich,
          deposit: [KC(1_000), KC(60_000)],
          value: KC(4_000),
          fee: 0n,
          shares: KC(4_000),
        },
        {
          // 7,500 KATY swapped: x = 1,000,000 MTY, y = 3,000,000, D = 16,000,000, a*p = 150,000: the curve's
          // 19,000,000 * 150,000 / 17,150,000 is above a*p, so gross = 150,000 MTY at the oracle rate, out 149,550
          // worth 7,477.5: the cost is the swap fee alone, 22.5 (0.30% of 7,500). PX = 50,000 (KATY), PY = 150,000:
          // fee = 22.5 * 200,000 * 7,500 / (150,000 * 7,500 + 7,477.5 * 50,000) = 22.5 * 1,500,000,000 /
          // 1,498,875,000 = 22.516887665749311984 (up)
          name: "KATY only into a pool short of KATY: 7,500 of its 10,000 move, swapped at the oracle rate",
          reserves: mtyRich,
          deposit: [KC(10_000), 0n],
          value: KC(10_000),
          fee: KC("22.516887665749311984"),
          shares: KC("9977.483112334250688016"),
        },
        {
          // 50,000 MTY swapped: x = 150,000 KATY, y = 50,000, D = 800,000, a*p = 2,500: gross = 850,000 * 2,500 /
          // 952,500 = 2,230.971128608923884514, out 2,224.27821522309711286 KATY: the pool is short of KATY, so
          // the price impact is most of the cost, 275.72178477690288714. PX = 150,000 (MTY), PY = 50,000: fee =
          // 275.72178477690288714 * 200,000 * 2,500 / (50,000 * 2,500 + 2,224.27821522309711286 * 150,000) =
          // 275.72178477690288714 * 500,000,000 / 458,641,732.283464566929 = 300.585146715881940571 (up)
          name: "MTY only into a pool rich in MTY: 2,500 of its 10,000 move, swapped well below the oracle rate",
          reserves: mtyRich,
          deposit: [0n, KC(200_000)],
          value: KC(10_000),
          fee: KC("300.585146715881940571"),
          shares: KC("9699.414853284118059429"),
        },
        {
          // gross 99,447.513812154696132596 MTY as in the KATY-only row, all of it paid, worth
          // 4,972.375690607734806629: cost 27.624309392265193371, fee = 27.624309392265193371 * 10,000 /
          // 9,972.375690607734806629 (up)
          name: "swap fee 0: the price impact alone",
          reserves: balanced,
          deposit: [KC(10_000), 0n],
          feeBps: 0n,
          value: KC(10_000),
          fee: KC("27.700831024930747924"),
          shares: KC("9972.299168975069252076"),
        },
        {
          // 7,500 KATY swapped at the oracle rate with no swap fee: 150,000 MTY, worth all 7,500: no cost
          name: "swap fee 0 and a swap at the oracle rate: no fee",
          reserves: mtyRich,
          deposit: [KC(10_000), 0n],
          feeBps: 0n,
          value: KC(10_000),
          fee: 0n,
          shares: KC(10_000),
        },
        {
          // gross 99,447.513812154696132596 MTY less 10% (9,944.75138121546961326, up): 89,502.762430939226519336
          // MTY worth 4,475.138121546961325966: cost 524.861878453038674034, fee = 524.861878453038674034 *
          // 10,000 / 9,475.138121546961325966 (up)
          name: "swap fee 1,000 bps (the maximum)",
          reserves: balanced,
          deposit: [KC(10_000), 0n],
          feeBps: 1_000n,
          value: KC(10_000),
          fee: KC("553.935860058309037902"),
          shares: KC("9446.064139941690962098"),
        },
        {
          // D = 0, a constant product: gross = 2,000,000 * 100,000 / 2,100,000 = 95,238.095238095238095238, out
          // 94,952.380952380952380952 MTY worth 4,747.619047619047619047: cost 252.380952380952380953, fee =
          // 252.380952380952380953 * 10,000 / 9,747.619047619047619047 (up)
          name: "amplification 0: a constant product's price impact",
          reserves: balanced,
          deposit: [KC(10_000), 0n],
          amplification: 0n,
          value: KC(10_000),
          fee: KC("258.915486077186126039"),
          shares: KC("9741.084513922813873961"),
        },
        {
          // D = 4,000,000,000: gross = 4,002,000,000 * 100,000 / 4,002,100,000 = 99,997.501311811299067989, out
          // 99,697.508807875865170785 MTY worth 4,984.875440393793258539: cost 15.124559606206741461, little more
          // than the swap fee; fee = 15.124559606206741461 * 10,000 / 9,984.875440393793258539 (up)
          name: "amplification 1,000 (the maximum): a deep curve",
          reserves: balanced,
          deposit: [KC(10_000), 0n],
          amplification: 1_000n,
          value: KC(10_000),
          fee: KC("15.147469486720251289"),
          shares: KC("9984.852530513279748711"),
        },
        {
          // floor(3 / 2) = 1 wei moves; a swap of 1 wei of KATY: a*p = 20 wei, gross 19 wei (the curve, down),
          // swap fee 1 wei (up), out 18 wei of MTY worth 0 wei (down): the cost is the whole wei, scaled
          // ceil(1 * 200,000 * 1 / (100,000 * 1 + 0)) = 2 wei (below the value, 3): 1 wei of value buys 1 share
          name: "dust: 3 wei of KATY move 1 wei, and a swap of it pays nothing worth a wei",
          reserves: balanced,
          deposit: [3n, 0n],
          value: 3n,
          fee: 2n,
          shares: 1n,
        },
        {
          // floor(1 / 2) = 0 on both sides
          name: "dust: 1 wei of KATY moves 0 wei (rounded down): no fee",
          reserves: balanced,
          deposit: [1n, 0n],
          value: 1n,
          fee: 0n,
          shares: 1n,
        },
        {
          // supply 2,000 (1,000 + 1,000.95 rounded down). 1,000,000 * 1,001 / 2,001 = 500,249 wei move; swapped:
          // a*p = 10,004,980 wei of MTY, x = 20,000, y = 20,019, D = 160,076, so gross = 180,095 * 10,004,980 /
          // 10,185,056 = 176,910 wei, less 531 (0.30%, up): 176,379 wei of MTY, worth 8,818 (down). The cost is
          // 500,249 - 8,818 = 491,431; scaled (PX = 1,000, PY = 1,001) it is 491,431 * 2,001 * 500,249 /
          // (1,001 * 500,249 + 8,818 * 1,000) = 965,372 (up), below the value (the cap): the shares are
          // 2,000 * 34,628 / 2,001 = 34,610 (down)
          name: "a pool of dust: its 20,019 wei of MTY (worth 1,000.95 wei) valued up to 1,001 wei",
          reserves: [1_000n, 20_019n],
          deposit: [1_000_000n, 0n],
          value: 1_000_000n,
          fee: 965_372n,
          shares: 34_610n,
        },
        {
          // PB = 99,999.999999999999999999.97 rounded up: 100,000 (the supply is 199,999.999999999999999999).
          // 5,000 KATY swapped at 18.14882032667876588 MTY each (down): a*p = 90,744.1016333938294, x = the same
          // per KATY times 100,000, y = 1,814,882.032667876588021778, so gross = 90,242.75300558502371283, out
          // 89,972.024746568268641691 MTY, worth 4,957.458563535911602157: cost 42.541436464088397843, fee =
          // 42.541436464088397843 * 10,000 / 9,957.458563535911602157 (up) = 42.72318703878377634; shares
          // 9,957.27681296121622366 * 199,999.999999999999999999 / 200,000, rounded down
          name: "MXN at 0.0551: the pool's MTY valued up to 100,000, the shares rounded down",
          reserves: [KC(100_000), KC("1814882.032667876588021778")],
          deposit: [KC(10_000), 0n],
          mxnRate: KC("0.0551"),
          value: KC(10_000),
          fee: KC("42.72318703878377634"),
          shares: KC("9957.276812961216223659"),
        },
        {
          // the MTY is worth 680.246907458024690745; 500 - 340.123453729012345372 = 159.876546270987654628 of
          // KATY swapped: a*p = 2,901.570712722098995028 MTY, gross = 2,901.055367485771732722, out
          // 2,892.352201383314417523 MTY worth 159.368606296220624405: cost 0.507939974767030223, fee =
          // 0.507939974767030223 * 319.753092541975309256 / 319.245152567208279033 (up) = 0.50874814057907655
          name: "MXN at 0.0551, odd amounts",
          reserves: [KC(100_000), KC("1814882.032667876588021778")],
          deposit: [KC(1_000), KC("12345.678901234567890123")],
          mxnRate: KC("0.0551"),
          value: KC("1680.246907458024690745"),
          fee: KC("0.50874814057907655"),
          shares: KC("1679.738159317445614194"),
        },
      ];
      for (const row of rows) {
        const curve = { feeBps: row.feeBps ?? FEE_BPS, amplification: row.amplification ?? AMPLIFICATION };
        it(`charges ${ethers.formatEther(row.fee)} and mints ${ethers.formatEther(row.shares)} shares: ${row.name}`, async () => {
          const f = await loadFixture(deployEmptyPoolFixture);
          const mxnRate = row.mxnRate ?? RATES.MXN;
          if (mxnRate !== RATES.MXN) await setRate(f.oracle, f.reporters, f.admin, "MXN", mxnRate);
          if (curve.feeBps !== FEE_BPS || curve.amplification !== AMPLIFICATION) {
            await f.pool.connect(f.admin).setCurve(curve.feeBps, curve.amplification);
          }
          const [reserveA, reserveB] = row.reserves;
          await f.pool.connect(f.lp).addLiquidity(reserveA, reserveB, 0, f.lp.address, await inAnHour());
          const supply = await f.pool.totalSupply();
          const [a, b] = row.deposit;
          // the model agrees with the hand-computed figures, and the pool with both
          expect(depositOf(a, b, { reserveA, reserveB, supply }, RATES.USD, mxnRate, curve)).to.deep.equal({
            value: row.value,
            fee: row.fee,
            shares: row.shares,
          });
          expect([...(await f.pool.depositValue(a, b))]).to.deep.equal([row.value, row.fee]);
          const valueBefore = exactValueOf(reserveA, reserveB, RATES.USD, mxnRate);
          const tx = f.pool.connect(f.lp2).addLiquidity(a, b, 0, f.lp3.address, await inAnHour());
          await expect(tx)
            .to.emit(f.pool, "LiquidityAdded")
            .withArgs(f.lp2.address, f.lp3.address, a, b, row.shares, row.value, row.fee);
          await expect(tx)
            .to.emit(f.pool, "ReservesUpdated")
            .withArgs(reserveA + a, reserveB + b);
          expect(await f.pool.balanceOf(f.lp3.address)).to.equal(row.shares);
          // the fee stays in the pool: a share of the first provider's is worth more than before, when there is one
          const valueAfter = exactValueOf(reserveA + a, reserveB + b, RATES.USD, mxnRate);
          const [kept, was] = [valueAfter * supply, valueBefore * (supply + row.shares)];
          if (row.fee > 1n) expect(kept).to.be.greaterThan(was);
          else expect(kept).to.be.at.least(was);
        });
      }

      it("values token A's side of the pool up too (a MTY/KATY pool, the dust row mirrored)", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        const reversed = (await ethers.deployContract("BridgePool", [
          f.monterrey.address,
          f.katy.address,
          await f.oracle.getAddress(),
          f.admin.address,
          FEE_BPS,
          AMPLIFICATION,
        ])) as unknown as BridgePool;
        const address = await reversed.getAddress();
        for (const c of [f.monterrey, f.katy]) {
          await exempt(c, address);
          for (const holder of [f.lp, f.lp2]) await c.token.connect(holder).approve(address, ethers.MaxUint256);
        }
        await reversed.connect(f.lp).addLiquidity(20_019n, 1_000n, 0, f.lp.address, await inAnHour());
        const supply = await reversed.totalSupply();
        expect(supply).to.equal(2_000n);
        const expected = depositOf(
          0n,
          1_000_000n,
          { reserveA: 20_019n, reserveB: 1_000n, supply },
          RATES.MXN,
          RATES.USD,
          CURVE,
        );
        // as in the dust row: PA = 1,001 (up), 500,249 wei of KATY move, a swap of them pays 8,818 wei of value,
        // and the scaled fee is 965,372 wei
        expect(expected).to.deep.equal({ value: 1_000_000n, fee: 965_372n, shares: 34_610n });
        expect([...(await reversed.depositValue(0, 1_000_000n))]).to.deep.equal([1_000_000n, 965_372n]);
        await expect(reversed.connect(f.lp2).addLiquidity(0, 1_000_000n, 0, f.lp2.address, await inAnHour()))
          .to.emit(reversed, "LiquidityAdded")
          .withArgs(f.lp2.address, f.lp2.address, 0, 1_000_000n, 34_610n, 1_000_000n, 965_372n);
      });
    });

    describe("when the pool's value has a rounded-off fraction and the deposit is large", () => {
      /**
       * The funded pool after a swap that leaves the MTY reserve at 19 mod 20 wei, so that poolValue() (each
       * token's part rounded down) is 0.95 wei below the exact value; then lp deposits 800,000 KATY (exactly
       * valued). Returns the exact value of a share (scaled by 1e18 * supply) before and after the deposit.
       */
      async function depositAfterRoundedSwap() {
        const f = await loadFixture(deployFundedPoolFixture);
        let amountIn = KC(1);
        while (swapQuote(amountIn, KC(100_000), KC(2_000_000), KC(20), CURVE).amountOut % 20n !== 1n) amountIn += 1n;
        await swap(f, f.alice, f.katy, amountIn);
        const shareValue = async () => {
          const [reserveA, reserveB] = await f.pool.reserves();
          return { value: exactValueOf(reserveA, reserveB, RATES.USD, RATES.MXN), supply: await f.pool.totalSupply() };
        };
        const before = await shareValue();
        expect(before.value % E18).to.equal(KC("0.95"));
        await f.pool.connect(f.lp).addLiquidity(KC(800_000), 0, 0, f.lp.address, await inAnHour());
        return { before, after: await shareValue() };
      }

      // addLiquidity divides by the pool's value rounded up (and the deposit's rounded down), so the dust stays
      // with the existing shares.
      it("keeps the exact value of the existing shares", async () => {
        const { before, after } = await depositAfterRoundedSwap();
        expect(after.value * before.supply).to.be.at.least(before.value * after.supply);
      });
    });

    describe("when both amounts are zero", () => {
      it("reverts with BridgePoolZeroAmount", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await expect(
          f.pool.connect(f.lp2).addLiquidity(0, 0, 0, f.lp2.address, await inAnHour()),
        ).to.be.revertedWithCustomError(f.pool, "BridgePoolZeroAmount");
      });
    });

    describe("when the deadline has passed", () => {
      it("reverts with BridgePoolExpired(deadline, now)", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        const now = await nextTimestamp(5);
        await expect(f.pool.connect(f.lp2).addLiquidity(KC(1), 0, 0, f.lp2.address, now - 1n))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolExpired")
          .withArgs(now - 1n, now);
      });
    });

    describe("when a rate is stale or tripped", () => {
      it("reverts with FxOracleStaleRate", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        const { updatedAt } = await f.oracle.rateState("MXN");
        await time.increaseTo(updatedAt + MAX_AGE + 1n);
        await expect(f.pool.connect(f.lp2).addLiquidity(KC(1), 0, 0, f.lp2.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.oracle, "FxOracleStaleRate")
          .withArgs("MXN", updatedAt, MAX_AGE);
      });

      it("reverts with FxOracleBreakerTripped", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        for (const r of f.reporters.slice(0, 2)) await f.oracle.connect(r).report("MXN", KC("0.04"));
        await expect(f.pool.connect(f.lp2).addLiquidity(KC(1), 0, 0, f.lp2.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.oracle, "FxOracleBreakerTripped")
          .withArgs("MXN");
      });
    });

    describe("when the provider is frozen in a community whose token it deposits", () => {
      it("reverts with BridgePoolAccountBlocked when the shares would go to the frozen provider", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.monterrey.registry.connect(f.officer).freeze(f.lp2.address, REASON);
        await expect(f.pool.connect(f.lp2).addLiquidity(0, KC(1), 0, f.lp2.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolAccountBlocked")
          .withArgs(f.lp2.address, await f.monterrey.registry.getAddress(), 3);
      });

      it("reverts with that registry's ComplianceSenderFrozen when the shares go to a clean recipient", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.monterrey.registry.connect(f.officer).freeze(f.lp2.address, REASON);
        await expect(f.pool.connect(f.lp2).addLiquidity(0, KC(1), 0, f.bob.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.monterrey.registry, "ComplianceSenderFrozen")
          .withArgs(f.lp2.address);
      });
    });

    describe("flow limits: a deposit is an inflow, never checked", () => {
      it("records each limited token's deposit as a negative net outflow, in both windows", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, KC(1_000), KC(2_000));
        await f.pool.connect(f.lp2).addLiquidity(KC(1_000), KC(20_000), 0, f.lp2.address, await inAnHour());
        for (const window of [0, 1]) {
          expect(await f.pool.netOutflow(f.monterrey.address, window)).to.equal(-KC(20_000));
          // KATY has no limit: nothing is recorded for it
          expect(await f.pool.netOutflow(f.katy.address, window)).to.equal(0);
        }
        await f.pool.connect(f.lp3).addLiquidity(0, KC(5_000), 0, f.lp3.address, await inAnHour());
        expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(-KC(25_000));
      });

      it("makes room for outflows: a withdrawal past the limit passes after a deposit of that token", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, KC(1_000), KC(1_000));
        // 2,000 of the 200,000 shares: 1,000 KATY and 20,000 MTY
        const withdraw = async () =>
          f.pool.connect(f.lp).removeLiquidity(KC(2_000), 0, 0, f.lp.address, await inAnHour());
        await expect(withdraw())
          .to.be.revertedWithCustomError(f.pool, "BridgePoolFlowLimitExceeded")
          .withArgs(f.monterrey.address, 0, KC(20_000), KC(1_000));
        await f.pool.connect(f.lp2).addLiquidity(0, KC(20_000), 0, f.lp2.address, await inAnHour());
        const [, reserveB] = await f.pool.reserves();
        const b = (reserveB * KC(2_000)) / (await f.pool.totalSupply());
        expect(b - KC(20_000))
          .to.be.greaterThan(0n)
          .and.at.most(KC(1_000));
        await expect(withdraw()).to.emit(f.pool, "LiquidityRemoved");
        expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(b - KC(20_000));
      });

      it("goes through while the token's net outflow is at its limit, and lowers it", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, KC(200_000), 0);
        // a tenth of the supply: 200,000 MTY, the limit
        await f.pool.connect(f.lp).removeLiquidity(KC(20_000), 0, 0, f.lp.address, await inAnHour());
        expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(KC(200_000));
        // no MTY in: MTY's net outflow stays at the limit
        await expect(f.pool.connect(f.lp2).addLiquidity(KC(1_000), 0, 0, f.lp2.address, await inAnHour())).to.emit(
          f.pool,
          "LiquidityAdded",
        );
        expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(KC(200_000));
        await expect(f.pool.connect(f.lp2).addLiquidity(0, KC(1), 0, f.lp2.address, await inAnHour())).to.emit(
          f.pool,
          "LiquidityAdded",
        );
        expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(KC(199_999));
      });
    });

    describe("when the pool is paused", () => {
      it("reverts with EnforcedPause", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.pool.connect(f.pauser).pause();
        await expect(
          f.pool.connect(f.lp2).addLiquidity(KC(1), 0, 0, f.lp2.address, await inAnHour()),
        ).to.be.revertedWithCustomError(f.pool, "EnforcedPause");
      });
    });
  });

  describe("removeLiquidity", () => {
    describe("when a provider burns shares", () => {
      for (const [name, part] of [
        ["a third of its shares", 3n],
        ["all its shares", 1n],
      ] as const) {
        it(`pays the pro-rata reserves, rounded down, for ${name}`, async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          await swap(f, f.alice, f.katy, KC(3_333));
          await swap(f, f.bob, f.monterrey, KC(7_777));
          const shares = (await f.pool.balanceOf(f.lp.address)) / part;
          const supply = await f.pool.totalSupply();
          const [reserveA, reserveB] = await f.pool.reserves();
          const [a, b] = [(reserveA * shares) / supply, (reserveB * shares) / supply];
          expect((reserveA * shares) % supply).to.not.equal(0n, "the row exercises the rounding");
          const tx = await f.pool.connect(f.lp).removeLiquidity(shares, 0, 0, f.lp2.address, await inAnHour());
          await expect(tx).to.emit(f.pool, "LiquidityRemoved").withArgs(f.lp.address, f.lp2.address, a, b, shares);
          await expect(tx).to.emit(f.pool, "Transfer").withArgs(f.lp.address, ethers.ZeroAddress, shares);
          await expect(tx)
            .to.emit(f.pool, "ReservesUpdated")
            .withArgs(reserveA - a, reserveB - b);
          await expect(tx).to.changeTokenBalances(f.katy.token, [f.lp2, f.pool], [a, -a]);
          await expect(tx).to.changeTokenBalances(f.monterrey.token, [f.lp2, f.pool], [b, -b]);
          // rounding favours the pool: what remains backs the remaining shares at least pro rata
          expect((reserveA - a) * supply).to.be.at.least(reserveA * (supply - shares));
          expect((reserveB - b) * supply).to.be.at.least(reserveB * (supply - shares));
        });
      }

      it("leaves the locked MINIMUM_LIQUIDITY's part in the pool when every provider has left", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.pool
          .connect(f.lp)
          .removeLiquidity(await f.pool.balanceOf(f.lp.address), 0, 0, f.lp.address, await inAnHour());
        expect(await f.pool.totalSupply()).to.equal(MINIMUM_LIQUIDITY);
        const [reserveA, reserveB] = await f.pool.reserves();
        expect([reserveA, reserveB]).to.deep.equal([
          KC(100_000) - (KC(100_000) * (KC(200_000) - MINIMUM_LIQUIDITY)) / KC(200_000),
          KC(2_000_000) - (KC(2_000_000) * (KC(200_000) - MINIMUM_LIQUIDITY)) / KC(200_000),
        ]);
      });
    });

    describe("when an amount is below its minimum", () => {
      it("reverts with BridgePoolSlippage(amountA, minA) or BridgePoolSlippage(amountB, minB)", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        const shares = KC(20_000); // a tenth of the supply: 10,000 KATY and 200,000 MTY
        const deadline = await inAnHour();
        await expect(f.pool.connect(f.lp).removeLiquidity(shares, KC(10_000) + 1n, 0, f.lp.address, deadline))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolSlippage")
          .withArgs(KC(10_000), KC(10_000) + 1n);
        await expect(f.pool.connect(f.lp).removeLiquidity(shares, 0, KC(200_000) + 1n, f.lp.address, deadline))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolSlippage")
          .withArgs(KC(200_000), KC(200_000) + 1n);
        await expect(f.pool.connect(f.lp).removeLiquidity(shares, KC(10_000), KC(200_000), f.lp.address, deadline))
          .to.emit(f.pool, "LiquidityRemoved")
          .withArgs(f.lp.address, f.lp.address, KC(10_000), KC(200_000), shares);
      });
    });

    describe("when the shares are zero", () => {
      it("reverts with BridgePoolZeroAmount", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await expect(
          f.pool.connect(f.lp).removeLiquidity(0, 0, 0, f.lp.address, await inAnHour()),
        ).to.be.revertedWithCustomError(f.pool, "BridgePoolZeroAmount");
      });
    });

    describe("when the provider has fewer shares", () => {
      it("reverts with ERC20InsufficientBalance(provider, balance, shares)", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        const balance = await f.pool.balanceOf(f.lp.address);
        await expect(f.pool.connect(f.lp).removeLiquidity(balance + 1n, 0, 0, f.lp.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.pool, "ERC20InsufficientBalance")
          .withArgs(f.lp.address, balance, balance + 1n);
      });
    });

    describe("when the deadline has passed", () => {
      it("reverts with BridgePoolExpired(deadline, now)", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        const now = await nextTimestamp(5);
        await expect(f.pool.connect(f.lp).removeLiquidity(KC(1), 0, 0, f.lp.address, now - 1n))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolExpired")
          .withArgs(now - 1n, now);
      });
    });

    describe("flow limits: a withdrawal is an outflow of both tokens", () => {
      for (const window of [0, 1] as const) {
        describe(`when the ${window === 0 ? "short (5-minute)" : "long (1-day)"} window's limit is reached`, () => {
          it("accepts a net outflow equal to the limit, shows it in netOutflow, and reverts with BridgePoolFlowLimitExceeded beyond it", async () => {
            const f = await loadFixture(deployFundedPoolFixture);
            const [shortLimit, longLimit] = window === 0 ? [KC(200_000), 0n] : [0n, KC(200_000)];
            await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, shortLimit, longLimit);
            // a tenth of the supply: 10,000 KATY and 200,000 MTY
            await expect(f.pool.connect(f.lp).removeLiquidity(KC(20_000), 0, 0, f.lp.address, await inAnHour()))
              .to.emit(f.pool, "LiquidityRemoved")
              .withArgs(f.lp.address, f.lp.address, KC(10_000), KC(200_000), KC(20_000));
            expect(await f.pool.netOutflow(f.monterrey.address, window)).to.equal(KC(200_000));
            // only limited windows of limited tokens are recorded
            expect(await f.pool.netOutflow(f.monterrey.address, 1 - window)).to.equal(0);
            expect(await f.pool.netOutflow(f.katy.address, window)).to.equal(0);
            // 2 more shares: 1 KATY and 20 MTY
            await expect(f.pool.connect(f.lp).removeLiquidity(KC(2), 0, 0, f.lp.address, await inAnHour()))
              .to.be.revertedWithCustomError(f.pool, "BridgePoolFlowLimitExceeded")
              .withArgs(f.monterrey.address, window, KC(200_020), KC(200_000));
          });
        });
      }

      describe("when both tokens are limited", () => {
        it("checks each against its own limits, KATY first", async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          await f.pool.connect(f.admin).setFlowLimits(f.katy.address, KC(10_000), 0);
          await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, KC(200_000), 0);
          await f.pool.connect(f.lp).removeLiquidity(KC(20_000), 0, 0, f.lp.address, await inAnHour());
          expect(await f.pool.netOutflow(f.katy.address, 0)).to.equal(KC(10_000));
          expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(KC(200_000));
          await expect(f.pool.connect(f.lp).removeLiquidity(KC(2), 0, 0, f.lp.address, await inAnHour()))
            .to.be.revertedWithCustomError(f.pool, "BridgePoolFlowLimitExceeded")
            .withArgs(f.katy.address, 0, KC(10_001), KC(10_000));
        });
      });

      describe("when a provider withdraws more than a window allows", () => {
        it("lets it withdraw in parts as the windows roll, not a second earlier", async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          await f.pool.connect(f.admin).setFlowLimits(f.monterrey.address, KC(200_000), KC(400_000));
          // each part: 20,000 shares, 200,000 MTY (a tenth, then a ninth, then an eighth of what is left)
          const part = async () =>
            f.pool.connect(f.lp).removeLiquidity(KC(20_000), 0, 0, f.lp.address, await inAnHour());
          const opened = await nextTimestamp();
          await part();
          await time.setNextBlockTimestamp(opened + SHORT_WINDOW - 1n);
          await expect(part())
            .to.be.revertedWithCustomError(f.pool, "BridgePoolFlowLimitExceeded")
            .withArgs(f.monterrey.address, 0, KC(400_000), KC(200_000));
          await time.setNextBlockTimestamp(opened + SHORT_WINDOW);
          await expect(part()).to.emit(f.pool, "LiquidityRemoved");
          expect(await f.pool.netOutflow(f.monterrey.address, 0)).to.equal(KC(200_000));
          expect(await f.pool.netOutflow(f.monterrey.address, 1)).to.equal(KC(400_000));
          // the long window has not rolled
          await time.setNextBlockTimestamp(opened + 2n * SHORT_WINDOW);
          await expect(part())
            .to.be.revertedWithCustomError(f.pool, "BridgePoolFlowLimitExceeded")
            .withArgs(f.monterrey.address, 1, KC(600_000), KC(400_000));
        });
      });
    });

    describe("when swaps are impossible (paused, stale rate, tripped breaker)", () => {
      const conditions: [string, (f: Pool) => Promise<unknown>][] = [
        ["paused", (f) => f.pool.connect(f.pauser).pause()],
        ["stale", () => time.increase(MAX_AGE + 1n)],
        [
          "tripped",
          async (f) => {
            for (const r of f.reporters.slice(0, 2)) await f.oracle.connect(r).report("MXN", KC("0.06"));
          },
        ],
      ];
      for (const [name, condition] of conditions) {
        it(`still pays providers out (${name})`, async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          await condition(f);
          await expect(swap(f, f.alice, f.katy, KC(1))).to.be.reverted;
          await expect(f.pool.connect(f.lp).removeLiquidity(KC(20_000), 0, 0, f.lp.address, await inAnHour()))
            .to.emit(f.pool, "LiquidityRemoved")
            .withArgs(f.lp.address, f.lp.address, KC(10_000), KC(200_000), KC(20_000));
        });
      }
    });

    describe("when the recipient is frozen in a community", () => {
      it("reverts with that registry's ComplianceRecipientFrozen", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.katy.registry.connect(f.officer).freeze(f.lp2.address, REASON);
        await expect(f.pool.connect(f.lp).removeLiquidity(KC(1), 0, 0, f.lp2.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.katy.registry, "ComplianceRecipientFrozen")
          .withArgs(f.lp2.address);
      });
    });

    describe("when the provider is frozen or sanctioned", () => {
      it("reverts with BridgePoolAccountBlocked when the frozen provider withdraws to another address", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        for (const c of [f.katy, f.monterrey]) await c.registry.connect(f.officer).freeze(f.lp.address, REASON);
        await expect(f.pool.connect(f.lp).removeLiquidity(KC(20_000), 0, 0, f.bob.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolAccountBlocked")
          .withArgs(f.lp.address, await f.katy.registry.getAddress(), 3);
      });

      it("reverts with BridgePoolAccountBlocked when a provider sanctioned in one community withdraws", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.monterrey.registry.connect(f.officer).freeze(f.lp.address, REASON);
        await expect(f.pool.connect(f.lp).removeLiquidity(KC(1), 0, 0, f.lp.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolAccountBlocked")
          .withArgs(f.lp.address, await f.monterrey.registry.getAddress(), 3);
        await f.sanctions.connect(f.officer).addToSanctionsList([f.lp2.address]);
        await expect(f.pool.connect(f.lp).transfer(f.lp2.address, 1n)).to.be.revertedWithCustomError(
          f.pool,
          "BridgePoolAccountBlocked",
        );
      });

      it("blocks share transfers from a frozen holder and to a sanctioned one, and allows them once cleared", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await f.katy.registry.connect(f.officer).freeze(f.lp.address, REASON);
        await expect(f.pool.connect(f.lp).transfer(f.bob.address, KC(1)))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolAccountBlocked")
          .withArgs(f.lp.address, await f.katy.registry.getAddress(), 3);
        await f.katy.registry.connect(f.officer).unfreeze(f.lp.address, REASON);
        await f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]);
        await expect(f.pool.connect(f.lp).transfer(f.bob.address, KC(1)))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolAccountBlocked")
          .withArgs(f.bob.address, await f.katy.registry.getAddress(), 5);
        await f.sanctions.connect(f.officer).removeFromSanctionsList([f.bob.address]);
        await expect(f.pool.connect(f.lp).transfer(f.bob.address, KC(1))).to.changeTokenBalance(f.pool, f.bob, KC(1));
      });
    });
  });

  describe("setCurve", () => {
    describe("when the admin sets a curve within bounds", () => {
      for (const [fee, amp] of [
        [0n, 0n],
        [MAX_FEE_BPS, MAX_AMPLIFICATION],
        [5n, 10n],
      ] as const) {
        it(`sets fee ${fee} and amplification ${amp}, emits CurveChanged, and quotes with them`, async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          await expect(f.pool.connect(f.admin).setCurve(fee, amp)).to.emit(f.pool, "CurveChanged").withArgs(fee, amp);
          expect([await f.pool.feeBps(), await f.pool.amplification()]).to.deep.equal([fee, amp]);
          const expected = swapQuote(KC(10_000), KC(100_000), KC(2_000_000), KC(20), {
            feeBps: fee,
            amplification: amp,
          });
          expect([...(await f.pool.quote(f.katy.address, KC(10_000)))]).to.deep.equal([
            expected.amountOut,
            expected.fee,
            KC(20),
          ]);
        });
      }
    });

    describe("when a parameter is out of bounds", () => {
      for (const [fee, amp, parameter, value, max] of [
        [MAX_FEE_BPS + 1n, 0n, "feeBps", MAX_FEE_BPS + 1n, MAX_FEE_BPS],
        [0n, MAX_AMPLIFICATION + 1n, "amplification", MAX_AMPLIFICATION + 1n, MAX_AMPLIFICATION],
      ] as const) {
        it(`reverts with BridgePoolParameterOutOfBounds("${parameter}", ${value}, 0, ${max})`, async () => {
          const f = await loadFixture(deployFundedPoolFixture);
          await expect(f.pool.connect(f.admin).setCurve(fee, amp))
            .to.be.revertedWithCustomError(f.pool, "BridgePoolParameterOutOfBounds")
            .withArgs(parameter, value, 0, max);
        });
      }
    });

    describe("when the caller is not the admin", () => {
      it("reverts with AccessControlUnauthorizedAccount, even for the pauser", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        for (const caller of [f.stranger, f.pauser]) {
          await expect(f.pool.connect(caller).setCurve(0, 0))
            .to.be.revertedWithCustomError(f.pool, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
        }
      });
    });
  });

  describe("setFlowLimits", () => {
    describe("when the admin sets the limits of one of the pool's tokens", () => {
      it("emits FlowLimitsChanged and flowLimits returns them; zero removes a limit", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await expect(f.pool.connect(f.admin).setFlowLimits(f.katy.address, KC(1), KC(2)))
          .to.emit(f.pool, "FlowLimitsChanged")
          .withArgs(f.katy.address, KC(1), KC(2));
        expect([...(await f.pool.flowLimits(f.katy.address))]).to.deep.equal([KC(1), KC(2)]);
        await expect(swap(f, f.alice, f.monterrey, KC(100))).to.be.revertedWithCustomError(
          f.pool,
          "BridgePoolFlowLimitExceeded",
        );
        await f.pool.connect(f.admin).setFlowLimits(f.katy.address, 0, 0);
        await expect(swap(f, f.alice, f.monterrey, KC(100))).to.emit(f.pool, "Settled");
      });
    });

    describe("when the token is not one of the pool's", () => {
      it("reverts with BridgePoolUnknownToken(token)", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await expect(f.pool.connect(f.admin).setFlowLimits(f.toronto.address, 1, 1))
          .to.be.revertedWithCustomError(f.pool, "BridgePoolUnknownToken")
          .withArgs(f.toronto.address);
      });
    });

    describe("when the caller is not the admin", () => {
      it("reverts with AccessControlUnauthorizedAccount", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        for (const caller of [f.stranger, f.pauser]) {
          await expect(f.pool.connect(caller).setFlowLimits(f.katy.address, 1, 1))
            .to.be.revertedWithCustomError(f.pool, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
        }
      });
    });
  });

  describe("pause and unpause", () => {
    describe("when a PAUSER_ROLE holder pauses", () => {
      it("emits Paused, blocks swaps and deposits, keeps quotes and withdrawals, and unpauses", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await expect(f.pool.connect(f.pauser).pause()).to.emit(f.pool, "Paused").withArgs(f.pauser.address);
        expect(await f.pool.paused()).to.equal(true);
        await expect(swap(f, f.alice, f.katy, KC(10))).to.be.revertedWithCustomError(f.pool, "EnforcedPause");
        await expect(
          f.pool.connect(f.lp2).addLiquidity(KC(10), 0, 0, f.lp2.address, await inAnHour()),
        ).to.be.revertedWithCustomError(f.pool, "EnforcedPause");
        expect((await f.pool.quote(f.katy.address, KC(10)))[0]).to.be.greaterThan(0n);
        await expect(f.pool.connect(f.lp).removeLiquidity(KC(1), 0, 0, f.lp.address, await inAnHour())).to.emit(
          f.pool,
          "LiquidityRemoved",
        );
        await expect(f.pool.connect(f.pauser).pause()).to.be.revertedWithCustomError(f.pool, "EnforcedPause");
        await expect(f.pool.connect(f.admin).unpause()).to.emit(f.pool, "Unpaused").withArgs(f.admin.address);
        await expect(swap(f, f.alice, f.katy, KC(10))).to.emit(f.pool, "Settled");
        await expect(f.pool.connect(f.admin).unpause()).to.be.revertedWithCustomError(f.pool, "ExpectedPause");
      });
    });

    describe("when the caller lacks PAUSER_ROLE", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, PAUSER_ROLE)", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await expect(f.pool.connect(f.stranger).pause())
          .to.be.revertedWithCustomError(f.pool, "AccessControlUnauthorizedAccount")
          .withArgs(f.stranger.address, PAUSER_ROLE);
        await f.pool.connect(f.pauser).pause();
        await expect(f.pool.connect(f.stranger).unpause())
          .to.be.revertedWithCustomError(f.pool, "AccessControlUnauthorizedAccount")
          .withArgs(f.stranger.address, PAUSER_ROLE);
      });
    });
  });

  describe("poolValue", () => {
    describe("when the rates are usable", () => {
      it("values the reserves at the oracle's rates, each rounded down", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        expect(await f.pool.poolValue()).to.equal(KC(200_000));
        for (const r of f.reporters) await f.oracle.connect(r).report("MXN", KC("0.0512"));
        expect(await f.pool.poolValue()).to.equal(poolValueOf(KC(100_000), KC(2_000_000), E18, KC("0.0512")));
      });
    });

    describe("when a rate is stale", () => {
      it("reverts with FxOracleStaleRate", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await time.increase(MAX_AGE + 1n);
        await expect(f.pool.poolValue()).to.be.revertedWithCustomError(f.oracle, "FxOracleStaleRate");
      });
    });
  });

  describe("donations (tokens sent to the pool directly)", () => {
    describe("when someone transfers tokens to the pool", () => {
      it("changes no reserve, price, quote, pool value or share value", async () => {
        const f = await loadFixture(deployFundedPoolFixture);
        await swap(f, f.alice, f.katy, KC(2_222));
        const deadline = await inAnHour();
        const snapshot = async () => ({
          reserves: [...(await f.pool.reserves())],
          quoteA: [...(await f.pool.quote(f.katy.address, KC(1_000)))],
          quoteB: [...(await f.pool.quote(f.monterrey.address, KC(20_000)))],
          poolValue: await f.pool.poolValue(),
          supply: await f.pool.totalSupply(),
          sharesForDeposit: await f.pool
            .connect(f.lp2)
            .addLiquidity.staticCall(KC(500), KC(500), 0, f.lp2.address, deadline),
          payout: [...(await f.pool.connect(f.lp).removeLiquidity.staticCall(KC(1_000), 0, 0, f.lp.address, deadline))],
        });
        const before = await snapshot();
        await f.katy.token.connect(f.lp2).transfer(f.poolAddress, KC(50_000));
        await f.monterrey.token.connect(f.lp2).transfer(f.poolAddress, KC(1_000_000));
        expect(await snapshot()).to.deep.equal(before);
        const [reserveA, reserveB] = await f.pool.reserves();
        expect(await f.katy.token.balanceOf(f.poolAddress)).to.equal(reserveA + KC(50_000));
        expect(await f.monterrey.token.balanceOf(f.poolAddress)).to.equal(reserveB + KC(1_000_000));
      });
    });

    describe("when the first provider donates to inflate the share price", () => {
      it("still gives the next provider shares worth its deposit (internal reserves defeat the attack)", async () => {
        const f = await loadFixture(deployEmptyPoolFixture);
        // the attacker deposits the least possible (1 share) and donates 50,000 KATY
        await f.pool.connect(f.lp2).addLiquidity(MINIMUM_LIQUIDITY + 1n, 0, 0, f.lp2.address, await inAnHour());
        await f.katy.token.connect(f.lp2).transfer(f.poolAddress, KC(50_000));
        await f.pool.connect(f.lp3).addLiquidity(KC(10_000), 0, 0, f.lp3.address, await inAnHour());
        const shares = await f.pool.balanceOf(f.lp3.address);
        expect(shares).to.equal(KC(10_000));
        await expect(
          f.pool.connect(f.lp3).removeLiquidity(shares, 0, 0, f.lp3.address, await inAnHour()),
        ).to.changeTokenBalance(f.katy.token, f.lp3, KC(10_000));
      });
    });
  });

  describe("reentrancy", () => {
    /**
     * A pool of two hostile tokens (ReentrantToken, EUR and GBP) whose `transferFrom` can call back into the pool
     * while the pool pulls them. The guard is defence in depth: the pool updates its reserves before it moves
     * tokens (checks-effects-interactions), so a re-entered call would see consistent state; the guard makes sure
     * no call can run inside another at all, whatever a token (or a future token standard's hook) does.
     */
    async function deployReentrantPoolFixture() {
      const f = await deployEmptyPoolFixture();
      const eur = (await ethers.deployContract("ReentrantToken", ["Euro", "EURT", "EUR"])) as unknown as ReentrantToken;
      const gbp = (await ethers.deployContract("ReentrantToken", [
        "Pound",
        "GBPT",
        "GBP",
      ])) as unknown as ReentrantToken;
      for (const [currency, rate] of [
        ["EUR", KC("1.08")],
        ["GBP", KC("1.27")],
      ] as const) {
        for (const r of f.reporters) await f.oracle.connect(r).report(currency, rate);
      }
      const hostile = (await ethers.deployContract("BridgePool", [
        await eur.getAddress(),
        await gbp.getAddress(),
        await f.oracle.getAddress(),
        f.admin.address,
        FEE_BPS,
        AMPLIFICATION,
      ])) as unknown as BridgePool;
      const hostileAddress = await hostile.getAddress();
      for (const t of [eur, gbp]) {
        await t.mint(f.alice.address, KC(1_000_000));
        await t.connect(f.alice).approve(hostileAddress, ethers.MaxUint256);
      }
      await hostile.connect(f.alice).addLiquidity(KC(100_000), KC(100_000), 0, f.alice.address, await inAnHour());
      return { ...f, eur, gbp, hostile, hostileAddress };
    }

    interface Reentry {
      name: string;
      data: (hostile: BridgePool, to: string, deadline: bigint, token: string) => string;
    }
    const reentries: Reentry[] = [
      { name: "swap", data: (h, to, d, t) => h.interface.encodeFunctionData("swap", [t, KC(1), 0, to, d]) },
      {
        name: "addLiquidity",
        data: (h, to, d) => h.interface.encodeFunctionData("addLiquidity", [KC(1), 0, 0, to, d]),
      },
      {
        name: "removeLiquidity",
        data: (h, to, d) => h.interface.encodeFunctionData("removeLiquidity", [1, 0, 0, to, d]),
      },
    ];
    for (const outer of ["swap", "addLiquidity"] as const) {
      for (const inner of reentries) {
        describe(`when the input token re-enters ${inner.name} during ${outer}`, () => {
          it("reverts with ReentrancyGuardReentrantCall", async () => {
            const f = await loadFixture(deployReentrantPoolFixture);
            const deadline = await inAnHour();
            const eurAddress = await f.eur.getAddress();
            await f.eur.arm(f.hostileAddress, inner.data(f.hostile, f.alice.address, deadline, eurAddress));
            const call =
              outer === "swap"
                ? f.hostile.connect(f.alice).swap(eurAddress, KC(10), 0, f.alice.address, deadline)
                : f.hostile.connect(f.alice).addLiquidity(KC(10), 0, 0, f.alice.address, deadline);
            await expect(call).to.be.revertedWithCustomError(f.hostile, "ReentrancyGuardReentrantCall");
          });
        });
      }
    }

    describe("when the input token calls a view of the pool during a swap", () => {
      it("settles: the hook runs, and only the guarded functions refuse it", async () => {
        const f = await loadFixture(deployReentrantPoolFixture);
        const eurAddress = await f.eur.getAddress();
        await f.eur.arm(f.hostileAddress, f.hostile.interface.encodeFunctionData("reserves"));
        await expect(f.hostile.connect(f.alice).swap(eurAddress, KC(10), 0, f.alice.address, await inAnHour())).to.emit(
          f.hostile,
          "Settled",
        );
      });
    });

    describe("when the guard is out of the way", () => {
      it("the re-entered removeLiquidity would otherwise fail for want of shares: the guard fires first", async () => {
        const f = await loadFixture(deployReentrantPoolFixture);
        // called directly by the token contract (not re-entered), removeLiquidity fails on the token's balance
        const tokenAsCaller = await f.eur.getAddress();
        await expect(
          f.hostile
            .connect(ethers.provider)
            .removeLiquidity.staticCall(1, 0, 0, f.alice.address, await inAnHour(), { from: tokenAsCaller }),
        )
          .to.be.revertedWithCustomError(f.hostile, "ERC20InsufficientBalance")
          .withArgs(tokenAsCaller, 0, 1);
      });
    });
  });
});

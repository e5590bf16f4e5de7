/**
 * Gas of the bridge's operations in warm state, printed after the suite; a swap is set next to Uniswap v2's
 * published gas for a pair swap. A bridge swap does more than a pair swap: it reads the oracle (two rates for the
 * cross rate, one for the settlement's value), and both tokens ask their community's compliance registry (the
 * sender may send in the source, the recipient may receive in the destination), and it reads the source registry's
 * travel-rule threshold. The assertions check behaviour; the gas figures are measured, not asserted.
 */
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { KC } from "../shared/fixtures";
import { deployRouterFixture, inAnHour } from "../bridge/fixtures";

/** UniswapV2Pair.swap, as published by Uniswap (v2 whitepaper era benchmarks). */
const UNISWAP_V2_PAIR_SWAP = 73_462n;
const GOAL = 1.3;

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

/**
 * The router fixture in warm state: alice has swapped both ways in the KATY/MTY pool and through the router (her
 * balances, daily-limit windows and allowances are non-zero), and lp2 already holds shares.
 */
async function warmBridgeFixture() {
  const f = await deployRouterFixture();
  const deadline = await inAnHour();
  await f.pool.connect(f.alice).swap(f.katy.address, KC(10), 0, f.alice.address, deadline);
  await f.pool.connect(f.alice).swap(f.monterrey.address, KC(200), 0, f.alice.address, deadline);
  await f.router
    .connect(f.alice)
    .swapExactIn([f.katy.address, f.monterrey.address, f.toronto.address], KC(10), 0, f.alice.address, deadline);
  await f.pool.connect(f.lp2).addLiquidity(KC(100), KC(2_000), 0, f.lp2.address, deadline);
  return f;
}

describe("Gas: the bridge", () => {
  const figures: [string, bigint][] = [];
  after(() => {
    console.log("\n    operation                                        gas");
    for (const [op, gas] of figures) console.log(`    ${op.padEnd(44)} ${String(gas).padStart(7)}`);
    const swap = figures.find(([op]) => op.startsWith("BridgePool.swap KATY->MTY"))?.[1];
    if (swap !== undefined) {
      const ratio = Number((swap * 1000n) / UNISWAP_V2_PAIR_SWAP) / 1000;
      console.log(
        `\n    BridgePool.swap ${swap} gas vs Uniswap v2 pair swap ${UNISWAP_V2_PAIR_SWAP} gas: ` +
          `${ratio.toFixed(2)}x (goal ${GOAL}x)`,
      );
    }
  });

  describe("BridgePool.swap", () => {
    it("KATY -> MTY, warm (both compliance checks, the oracle, the travel-rule threshold)", async () => {
      const f = await loadFixture(warmBridgeFixture);
      const [out] = await f.pool.quote(f.katy.address, KC(100));
      const gas = await gasOf(
        f.pool.connect(f.alice).swap(f.katy.address, KC(100), out, f.alice.address, await inAnHour()),
      );
      expect(await f.monterrey.token.balanceOf(f.alice.address)).to.be.greaterThan(out);
      figures.push(["BridgePool.swap KATY->MTY (warm)", gas]);
    });

    it("KATY -> MTY, warm, with flow limits on both tokens", async () => {
      const f = await loadFixture(warmBridgeFixture);
      for (const t of [f.katy, f.monterrey]) await f.pool.connect(f.admin).setFlowLimits(t.address, KC(1e6), KC(1e7));
      await f.pool.connect(f.alice).swap(f.katy.address, KC(1), 0, f.alice.address, await inAnHour());
      const gas = await gasOf(
        f.pool.connect(f.alice).swap(f.katy.address, KC(100), 0, f.alice.address, await inAnHour()),
      );
      expect(await f.pool.netOutflow(f.katy.address, 0)).to.equal(-KC(101));
      figures.push(["  the same, with flow limits (warm windows)", gas]);
    });
  });

  describe("BridgePool liquidity", () => {
    it("addLiquidity (both tokens, provider already holds shares)", async () => {
      const f = await loadFixture(warmBridgeFixture);
      const before = await f.pool.balanceOf(f.lp2.address);
      // the swaps left the pool's mix off 1:1, so the deposit's imbalance is priced as a swap (the curve runs, and
      // the fee's scaling)
      expect((await f.pool.depositValue(KC(100), KC(2_000)))[1]).to.be.greaterThan(0n);
      const gas = await gasOf(
        f.pool.connect(f.lp2).addLiquidity(KC(100), KC(2_000), 0, f.lp2.address, await inAnHour()),
      );
      expect(await f.pool.balanceOf(f.lp2.address)).to.be.greaterThan(before);
      figures.push(["BridgePool.addLiquidity", gas]);
    });

    it("removeLiquidity (part of the provider's shares)", async () => {
      const f = await loadFixture(warmBridgeFixture);
      const shares = (await f.pool.balanceOf(f.lp2.address)) / 2n;
      const gas = await gasOf(f.pool.connect(f.lp2).removeLiquidity(shares, 0, 0, f.lp2.address, await inAnHour()));
      expect(await f.pool.balanceOf(f.lp2.address)).to.be.greaterThan(0n);
      figures.push(["BridgePool.removeLiquidity", gas]);
    });

    it("addLiquidity and removeLiquidity, with flow limits on both tokens (a deposit is an inflow, a withdrawal an outflow)", async () => {
      const f = await loadFixture(warmBridgeFixture);
      for (const t of [f.katy, f.monterrey]) await f.pool.connect(f.admin).setFlowLimits(t.address, KC(1e6), KC(1e7));
      await f.pool.connect(f.lp2).addLiquidity(KC(1), KC(20), 0, f.lp2.address, await inAnHour());
      const added = await gasOf(
        f.pool.connect(f.lp2).addLiquidity(KC(100), KC(2_000), 0, f.lp2.address, await inAnHour()),
      );
      expect(await f.pool.netOutflow(f.katy.address, 0)).to.equal(-KC(101));
      const [reserveA, reserveB] = await f.pool.reserves();
      const [shares, supply] = [(await f.pool.balanceOf(f.lp2.address)) / 2n, await f.pool.totalSupply()];
      const removed = await gasOf(f.pool.connect(f.lp2).removeLiquidity(shares, 0, 0, f.lp2.address, await inAnHour()));
      expect(await f.pool.netOutflow(f.monterrey.address, 1)).to.equal((reserveB * shares) / supply - KC(2_020));
      expect(await f.pool.netOutflow(f.katy.address, 1)).to.equal((reserveA * shares) / supply - KC(101));
      figures.push(["  addLiquidity, with flow limits (warm)", added]);
      figures.push(["  removeLiquidity, with flow limits (warm)", removed]);
    });
  });

  describe("BridgeRouter.swapExactIn", () => {
    it("KATY -> MTY -> TOR (two hops), warm", async () => {
      const f = await loadFixture(warmBridgeFixture);
      const path = [f.katy.address, f.monterrey.address, f.toronto.address];
      const [, , out] = await f.router.quote(path, KC(100));
      const gas = await gasOf(
        f.router.connect(f.alice).swapExactIn(path, KC(100), out!, f.alice.address, await inAnHour()),
      );
      expect(await f.toronto.token.balanceOf(f.alice.address)).to.be.greaterThan(out!);
      figures.push(["BridgeRouter.swapExactIn (2 hops)", gas]);
    });
  });
});

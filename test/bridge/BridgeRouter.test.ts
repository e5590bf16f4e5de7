import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BridgePool, BridgeRouter, ReentrantToken } from "../../typechain-types";
import { KC } from "../shared/fixtures";
import { AMPLIFICATION, DEFAULT_ADMIN_ROLE, deployRouterFixture, FEE_BPS, inAnHour, RATES } from "./fixtures";
import { crossRate, E18 } from "./poolMath";

/**
 * BridgeRouter over two pools, KATY/MTY and MTY/TOR: KATY -> MTY -> TOR is a two-hop route. The router is an exempt
 * system account in all three communities.
 */

type Router = Awaited<ReturnType<typeof deployRouterFixture>>;

const MAX_HOPS = 3n;
const REASON = ethers.encodeBytes32String("router-test");

/** Fixes the next block's timestamp (`ahead` seconds after the latest) and returns it. */
async function nextTimestamp(ahead = 1): Promise<bigint> {
  const at = (await time.latest()) + ahead;
  await time.setNextBlockTimestamp(at);
  return BigInt(at);
}

const route = (f: Router) => [f.katy.address, f.monterrey.address, f.toronto.address];

describe("BridgeRouter", () => {
  describe("constructor", () => {
    describe("when deployed", () => {
      it("grants DEFAULT_ADMIN_ROLE to the admin and allows at most MAX_HOPS hops", async () => {
        const { router, admin } = await loadFixture(deployRouterFixture);
        expect(await router.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true);
        expect(await router.MAX_HOPS()).to.equal(MAX_HOPS);
      });
    });
  });

  describe("setPool", () => {
    describe("when the admin registers a pool", () => {
      it("emits PoolSet(tokenA, tokenB, pool) and serves the pool for the pair", async () => {
        const f = await loadFixture(deployRouterFixture);
        const router = (await ethers.deployContract("BridgeRouter", [f.admin.address])) as unknown as BridgeRouter;
        await expect(router.connect(f.admin).setPool(f.poolAddress))
          .to.emit(router, "PoolSet")
          .withArgs(f.katy.address, f.monterrey.address, f.poolAddress);
        expect(await router.poolFor(f.katy.address, f.monterrey.address)).to.equal(f.poolAddress);
      });

      it("replaces the pool registered earlier for the same pair", async () => {
        const f = await loadFixture(deployRouterFixture);
        const replacement = await ethers.deployContract("BridgePool", [
          f.monterrey.address,
          f.katy.address,
          await f.oracle.getAddress(),
          f.admin.address,
          FEE_BPS,
          AMPLIFICATION,
        ]);
        const address = await replacement.getAddress();
        await expect(f.router.connect(f.admin).setPool(address))
          .to.emit(f.router, "PoolSet")
          .withArgs(f.monterrey.address, f.katy.address, address);
        expect(await f.router.poolFor(f.katy.address, f.monterrey.address)).to.equal(address);
      });
    });

    describe("when the caller is not the admin", () => {
      it("reverts with AccessControlUnauthorizedAccount", async () => {
        const f = await loadFixture(deployRouterFixture);
        await expect(f.router.connect(f.stranger).setPool(f.poolAddress))
          .to.be.revertedWithCustomError(f.router, "AccessControlUnauthorizedAccount")
          .withArgs(f.stranger.address, DEFAULT_ADMIN_ROLE);
      });
    });
  });

  describe("poolFor", () => {
    describe("when a pool is registered for the pair", () => {
      it("returns it for either order of the tokens", async () => {
        const f = await loadFixture(deployRouterFixture);
        expect(await f.router.poolFor(f.katy.address, f.monterrey.address)).to.equal(f.poolAddress);
        expect(await f.router.poolFor(f.monterrey.address, f.katy.address)).to.equal(f.poolAddress);
        expect(await f.router.poolFor(f.toronto.address, f.monterrey.address)).to.equal(f.pool2Address);
      });
    });

    describe("when no pool is registered for the pair", () => {
      for (const [name, pick] of [
        ["KATY, TOR", (f: Router) => [f.katy.address, f.toronto.address] as const],
        ["TOR, KATY", (f: Router) => [f.toronto.address, f.katy.address] as const],
        ["KATY, KATY", (f: Router) => [f.katy.address, f.katy.address] as const],
      ] as const) {
        it(`reverts with BridgeRouterNoPool(${name}), the tokens in the order asked`, async () => {
          const f = await loadFixture(deployRouterFixture);
          const [a, b] = pick(f);
          await expect(f.router.poolFor(a, b))
            .to.be.revertedWithCustomError(f.router, "BridgeRouterNoPool")
            .withArgs(a, b);
        });
      }
    });
  });

  describe("quote", () => {
    describe("when the path is valid", () => {
      it("equals the pools' quotes one after the other", async () => {
        const f = await loadFixture(deployRouterFixture);
        const amountIn = KC(1_234);
        const [mty] = await f.pool.quote(f.katy.address, amountIn);
        const [tor] = await f.pool2.quote(f.monterrey.address, mty);
        expect([...(await f.router.quote(route(f), amountIn))]).to.deep.equal([amountIn, mty, tor]);
        // and backwards
        const [mtyBack] = await f.pool2.quote(f.toronto.address, KC(500));
        const [katyBack] = await f.pool.quote(f.monterrey.address, mtyBack);
        expect([...(await f.router.quote([...route(f)].reverse(), KC(500)))]).to.deep.equal([
          KC(500),
          mtyBack,
          katyBack,
        ]);
      });

      it("prices a route at no better than the oracle's cross rate of its ends", async () => {
        const f = await loadFixture(deployRouterFixture);
        const amounts = await f.router.quote(route(f), KC(1_000));
        const atOracle = (KC(1_000) * crossRate(RATES.USD, RATES.CAD)) / E18;
        expect(amounts[2]).to.be.lessThan(atOracle);
      });
    });

    describe("when the path is shorter than 2 or longer than MAX_HOPS + 1 tokens", () => {
      for (const length of [0, 1, 5]) {
        it(`reverts with BridgeRouterInvalidPath(${length})`, async () => {
          const f = await loadFixture(deployRouterFixture);
          const path = Array.from({ length }, (_, i) => (i % 2 === 0 ? f.katy.address : f.monterrey.address));
          await expect(f.router.quote(path, KC(1)))
            .to.be.revertedWithCustomError(f.router, "BridgeRouterInvalidPath")
            .withArgs(length);
        });
      }
    });

    describe("when a hop has no pool", () => {
      it("reverts with BridgeRouterNoPool", async () => {
        const f = await loadFixture(deployRouterFixture);
        await expect(f.router.quote([f.katy.address, f.toronto.address], KC(1)))
          .to.be.revertedWithCustomError(f.router, "BridgeRouterNoPool")
          .withArgs(f.katy.address, f.toronto.address);
      });
    });
  });

  describe("swapExactIn", () => {
    describe("when routing KATY -> MTY -> TOR", () => {
      it("pays the quoted amount to the recipient, emits RoutedSwap and each hop's Settled, and keeps nothing", async () => {
        const f = await loadFixture(deployRouterFixture);
        const amountIn = KC(2_000);
        const [, mty, tor] = await f.router.quote(route(f), amountIn);
        const [, fee1, rate1] = await f.pool.quote(f.katy.address, amountIn);
        const [, fee2, rate2] = await f.pool2.quote(f.monterrey.address, mty!);
        const tx = await f.router
          .connect(f.alice)
          .swapExactIn(route(f), amountIn, tor!, f.bob.address, await inAnHour());
        await expect(tx)
          .to.emit(f.router, "RoutedSwap")
          .withArgs(f.alice.address, f.bob.address, route(f), amountIn, tor);
        // hop 1: from the router to the router, above katy's travel-rule threshold (1,000 KATY)
        await expect(tx)
          .to.emit(f.pool, "Settled")
          .withArgs(
            f.routerAddress,
            f.routerAddress,
            f.katy.address,
            f.monterrey.address,
            amountIn,
            mty,
            fee1,
            rate1,
            amountIn,
            true,
          );
        // hop 2: from the router to bob, below monterrey's threshold (18,000 MTY)
        await expect(tx)
          .to.emit(f.pool2, "Settled")
          .withArgs(
            f.routerAddress,
            f.bob.address,
            f.monterrey.address,
            f.toronto.address,
            mty,
            tor,
            fee2,
            rate2,
            (mty! * RATES.MXN) / E18,
            mty! >= KC(18_000),
          );
        await expect(tx).to.changeTokenBalance(f.katy.token, f.alice, -amountIn);
        await expect(tx).to.changeTokenBalance(f.toronto.token, f.bob, tor);
        for (const c of [f.katy, f.monterrey, f.toronto]) {
          expect(await c.token.balanceOf(f.routerAddress)).to.equal(0n);
          expect(await c.token.allowance(f.routerAddress, f.poolAddress)).to.equal(0n);
          expect(await c.token.allowance(f.routerAddress, f.pool2Address)).to.equal(0n);
        }
      });

      it("routes a single hop like the pool itself", async () => {
        const f = await loadFixture(deployRouterFixture);
        const [out] = await f.pool.quote(f.katy.address, KC(100));
        await expect(
          f.router
            .connect(f.alice)
            .swapExactIn([f.katy.address, f.monterrey.address], KC(100), out, f.alice.address, await inAnHour()),
        ).to.changeTokenBalance(f.monterrey.token, f.alice, out);
      });

      it("routes three hops (MAX_HOPS) through the same pools", async () => {
        const f = await loadFixture(deployRouterFixture);
        const path = [f.katy.address, f.monterrey.address, f.toronto.address, f.monterrey.address];
        const tx = await f.router.connect(f.alice).swapExactIn(path, KC(100), 0, f.alice.address, await inAnHour());
        await expect(tx).to.emit(f.router, "RoutedSwap");
        await expect(tx).to.changeTokenBalance(f.katy.token, f.alice, -KC(100));
      });
    });

    describe("when the route pays less than minOut", () => {
      it("reverts with BridgeRouterSlippage(amountOut, minOut)", async () => {
        const f = await loadFixture(deployRouterFixture);
        const [, , tor] = await f.router.quote(route(f), KC(2_000));
        await expect(
          f.router.connect(f.alice).swapExactIn(route(f), KC(2_000), tor! + 1n, f.bob.address, await inAnHour()),
        )
          .to.be.revertedWithCustomError(f.router, "BridgeRouterSlippage")
          .withArgs(tor, tor! + 1n);
      });
    });

    describe("when the deadline has passed", () => {
      it("reverts with BridgeRouterExpired(deadline, now), and accepts a deadline equal to now", async () => {
        const f = await loadFixture(deployRouterFixture);
        let now = await nextTimestamp(5);
        await expect(f.router.connect(f.alice).swapExactIn(route(f), KC(10), 0, f.bob.address, now - 1n))
          .to.be.revertedWithCustomError(f.router, "BridgeRouterExpired")
          .withArgs(now - 1n, now);
        now = await nextTimestamp();
        await expect(f.router.connect(f.alice).swapExactIn(route(f), KC(10), 0, f.bob.address, now)).to.emit(
          f.router,
          "RoutedSwap",
        );
      });
    });

    describe("when the path is invalid", () => {
      for (const length of [0, 1, 5]) {
        it(`reverts with BridgeRouterInvalidPath(${length})`, async () => {
          const f = await loadFixture(deployRouterFixture);
          const path = Array.from({ length }, (_, i) => (i % 2 === 0 ? f.katy.address : f.monterrey.address));
          await expect(f.router.connect(f.alice).swapExactIn(path, KC(1), 0, f.bob.address, await inAnHour()))
            .to.be.revertedWithCustomError(f.router, "BridgeRouterInvalidPath")
            .withArgs(length);
        });
      }

      it("reverts with BridgeRouterNoPool when a hop has no pool", async () => {
        const f = await loadFixture(deployRouterFixture);
        await expect(
          f.router
            .connect(f.alice)
            .swapExactIn(
              [f.monterrey.address, f.katy.address, f.toronto.address],
              KC(100),
              0,
              f.bob.address,
              await inAnHour(),
            ),
        )
          .to.be.revertedWithCustomError(f.router, "BridgeRouterNoPool")
          .withArgs(f.katy.address, f.toronto.address);
      });
    });

    describe("when a hop's own requirement fails", () => {
      it("reverts with the pool's error", async () => {
        const f = await loadFixture(deployRouterFixture);
        await f.pool2.connect(f.admin).pause();
        await expect(
          f.router.connect(f.alice).swapExactIn(route(f), KC(10), 0, f.bob.address, await inAnHour()),
        ).to.be.revertedWithCustomError(f.pool2, "EnforcedPause");
      });
    });

    describe("compliance along the route", () => {
      it("applies the source community's daily limit to the sender", async () => {
        const f = await loadFixture(deployRouterFixture);
        // carol is tier 0 in katy: 1,000 KATY a day
        await expect(f.router.connect(f.carol).swapExactIn(route(f), KC(1_001), 0, f.carol.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.katy.registry, "ComplianceDailyLimitExceeded")
          .withArgs(f.carol.address, 0, KC(1_000), 0, KC(1_001));
      });

      it("reverts with ComplianceSenderFrozen when the sender is frozen in the source", async () => {
        const f = await loadFixture(deployRouterFixture);
        await f.katy.registry.connect(f.officer).freeze(f.alice.address, REASON);
        await expect(f.router.connect(f.alice).swapExactIn(route(f), KC(10), 0, f.bob.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.katy.registry, "ComplianceSenderFrozen")
          .withArgs(f.alice.address);
      });

      it("reverts with ComplianceRecipientFrozen when the recipient is frozen in the destination", async () => {
        const f = await loadFixture(deployRouterFixture);
        await f.toronto.registry.connect(f.officer).freeze(f.bob.address, REASON);
        await expect(f.router.connect(f.alice).swapExactIn(route(f), KC(10), 0, f.bob.address, await inAnHour()))
          .to.be.revertedWithCustomError(f.toronto.registry, "ComplianceRecipientFrozen")
          .withArgs(f.bob.address);
      });

      it("records the router, not the sender, as each hop's Settled sender (the RoutedSwap event names the sender)", async () => {
        const f = await loadFixture(deployRouterFixture);
        const tx = await f.router.connect(f.alice).swapExactIn(route(f), KC(10), 0, f.bob.address, await inAnHour());
        const receipt = (await tx.wait())!;
        const senders = receipt.logs
          .map((log) => f.pool.interface.parseLog(log))
          .filter((parsed) => parsed?.name === "Settled")
          .map((parsed) => parsed!.args.sender as string);
        expect(senders).to.deep.equal([f.routerAddress, f.routerAddress]);
      });
    });

    describe("when a token re-enters the router", () => {
      it("reverts with ReentrancyGuardReentrantCall", async () => {
        const f = await loadFixture(deployRouterFixture);
        const eur = (await ethers.deployContract("ReentrantToken", [
          "Euro",
          "EURT",
          "EUR",
        ])) as unknown as ReentrantToken;
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
        const [eurAddress, gbpAddress] = [await eur.getAddress(), await gbp.getAddress()];
        const hostile = (await ethers.deployContract("BridgePool", [
          eurAddress,
          gbpAddress,
          await f.oracle.getAddress(),
          f.admin.address,
          FEE_BPS,
          AMPLIFICATION,
        ])) as unknown as BridgePool;
        for (const t of [eur, gbp]) {
          await t.mint(f.alice.address, KC(1_000_000));
          await t.connect(f.alice).approve(await hostile.getAddress(), ethers.MaxUint256);
          await t.connect(f.alice).approve(f.routerAddress, ethers.MaxUint256);
        }
        await hostile.connect(f.alice).addLiquidity(KC(100_000), KC(100_000), 0, f.alice.address, await inAnHour());
        await f.router.connect(f.admin).setPool(await hostile.getAddress());
        const deadline = await inAnHour();
        const path = [eurAddress, gbpAddress];
        await eur.arm(
          f.routerAddress,
          f.router.interface.encodeFunctionData("swapExactIn", [path, KC(1), 0, f.alice.address, deadline]),
        );
        await expect(
          f.router.connect(f.alice).swapExactIn(path, KC(10), 0, f.alice.address, deadline),
        ).to.be.revertedWithCustomError(f.router, "ReentrancyGuardReentrantCall");
      });
    });
  });
});

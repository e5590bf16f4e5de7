import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { expect } from "chai";
import { ethers } from "hardhat";
import { invoiceKeyOf } from "../../scripts/lib/business";
import { KC } from "../shared/fixtures";
import { DAY } from "../shared/federationFixtures";
import {
  type BusinessFixture,
  deployBusinessFixture,
  freshInvoice,
  impersonateRouter,
  intentOf,
  pay,
  PATHS,
  SHOP_PROGRAM,
  timelockOf,
} from "./fixtures";

const REASON = ethers.encodeBytes32String("review");
const MAX_RATE_BPS = 2_000n;
const MIN_PERIOD = BigInt(DAY);
const MAX_PERIOD = 365n * BigInt(DAY);

/** A payment key for direct credits (the router, impersonated, credits as it would for an invoice). */
const keyFor = (f: BusinessFixture) => invoiceKeyOf(f.shop.address, freshInvoice());

/** The fixture with the router impersonated, to call `credit` directly. */
async function creditFixture() {
  const f = await loadFixture(deployBusinessFixture);
  const router = await impersonateRouter(f);
  const credit = (customer: string, amount: bigint, merchant = f.shop.address) =>
    f.loyalty.connect(router).credit(merchant, customer, amount, keyFor(f));
  return { f, router, credit };
}

describe("LoyaltyProgram", () => {
  describe("deployment", () => {
    it("belongs to the router that deployed it, and reads merchants from its registry", async () => {
      const f = await loadFixture(deployBusinessFixture);
      expect(await f.loyalty.router()).to.equal(f.business.router);
      expect(await f.loyalty.merchants()).to.equal(f.business.merchants);
      expect(await f.loyalty.MAX_RATE_BPS()).to.equal(MAX_RATE_BPS);
      expect(await f.loyalty.MIN_PERIOD()).to.equal(MIN_PERIOD);
      expect(await f.loyalty.MAX_PERIOD()).to.equal(MAX_PERIOD);
    });
  });

  describe("configure", () => {
    it("sets a verified merchant's rate, cap and period in its token, keeping its pool", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await expect(f.loyalty.connect(f.shop).configure(1_000, KC(40), 30 * DAY))
        .to.emit(f.loyalty, "ProgramConfigured")
        .withArgs(f.shop.address, f.katy.address, 1_000, KC(40), 30 * DAY);
      const p = await f.loyalty.programOf(f.shop.address);
      expect([p.token, p.rateBps, p.capPerPeriod, p.period, p.pool]).to.deep.equal([
        f.katy.address,
        1_000n,
        KC(40),
        BigInt(30 * DAY),
        SHOP_PROGRAM.pool,
      ]);
    });

    it("accepts the bounds: rate 0 to MAX_RATE_BPS, period MIN_PERIOD to MAX_PERIOD", async () => {
      const f = await loadFixture(deployBusinessFixture);
      for (const [rate, period] of [
        [0n, MIN_PERIOD],
        [MAX_RATE_BPS, MAX_PERIOD],
      ] as const) {
        await expect(f.loyalty.connect(f.bakery).configure(rate, KC(1), period))
          .to.emit(f.loyalty, "ProgramConfigured")
          .withArgs(f.bakery.address, f.katy.address, rate, KC(1), period);
      }
    });

    it("reverts with LoyaltyParameterOutOfBounds beyond them", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await expect(f.loyalty.connect(f.shop).configure(MAX_RATE_BPS + 1n, KC(1), MIN_PERIOD))
        .to.be.revertedWithCustomError(f.loyalty, "LoyaltyParameterOutOfBounds")
        .withArgs("rateBps", MAX_RATE_BPS + 1n, 0, MAX_RATE_BPS);
      for (const period of [0n, MIN_PERIOD - 1n, MAX_PERIOD + 1n]) {
        await expect(f.loyalty.connect(f.shop).configure(100, KC(1), period))
          .to.be.revertedWithCustomError(f.loyalty, "LoyaltyParameterOutOfBounds")
          .withArgs("period", period, MIN_PERIOD, MAX_PERIOD);
      }
    });

    it("reverts with LoyaltyNotMerchant(caller) unless a verified merchant (pending, suspended, unknown)", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.merchants.connect(f.officer).suspend(f.bakery.address, REASON);
      for (const caller of [f.newcomer, f.bakery, f.stranger]) {
        await expect(f.loyalty.connect(caller).configure(100, KC(1), MIN_PERIOD))
          .to.be.revertedWithCustomError(f.loyalty, "LoyaltyNotMerchant")
          .withArgs(caller.address);
      }
    });
  });

  describe("fund", () => {
    it("moves the merchant's tokens into its pool: RewardPoolFunded(merchant, token, amount, pool)", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const tx = f.loyalty.connect(f.shop).fund(KC(250));
      await expect(tx).to.changeTokenBalances(f.katy.token, [f.shop, f.loyalty], [-KC(250), KC(250)]);
      await expect(tx)
        .to.emit(f.loyalty, "RewardPoolFunded")
        .withArgs(f.shop.address, f.katy.address, KC(250), SHOP_PROGRAM.pool + KC(250));
      expect((await f.loyalty.programOf(f.shop.address)).pool).to.equal(SHOP_PROGRAM.pool + KC(250));
    });

    it("funds a pool before any program is configured (in the merchant's token, rate 0)", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await expect(f.loyalty.connect(f.tacos).fund(KC(10)))
        .to.emit(f.loyalty, "RewardPoolFunded")
        .withArgs(f.tacos.address, f.houston.address, KC(10), KC(10));
      const p = await f.loyalty.programOf(f.tacos.address);
      expect([p.token, p.rateBps, p.pool]).to.deep.equal([f.houston.address, 0n, KC(10)]);
      expect(await f.houston.token.balanceOf(f.business.loyalty)).to.equal(KC(10));
    });

    it("reverts with LoyaltyZeroAmount for zero, LoyaltyNotMerchant unless verified", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await expect(f.loyalty.connect(f.shop).fund(0)).to.be.revertedWithCustomError(f.loyalty, "LoyaltyZeroAmount");
      await f.merchants.connect(f.officer).suspend(f.shop.address, REASON);
      for (const caller of [f.shop, f.newcomer, f.alice]) {
        await expect(f.loyalty.connect(caller).fund(KC(1)))
          .to.be.revertedWithCustomError(f.loyalty, "LoyaltyNotMerchant")
          .withArgs(caller.address);
      }
    });

    it("needs the merchant's allowance and balance (the token's errors)", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.katy.token.connect(f.bakery).approve(f.business.loyalty, 0);
      await expect(f.loyalty.connect(f.bakery).fund(KC(1)))
        .to.be.revertedWithCustomError(f.katy.token, "ERC20InsufficientAllowance")
        .withArgs(f.business.loyalty, 0n, KC(1));
      const balance = await f.katy.token.balanceOf(f.shop.address);
      await expect(f.loyalty.connect(f.shop).fund(balance + 1n))
        .to.be.revertedWithCustomError(f.katy.token, "ERC20InsufficientBalance")
        .withArgs(f.shop.address, balance, balance + 1n);
    });
  });

  describe("withdraw", () => {
    it("pays the merchant from its pool: RewardPoolWithdrawn(merchant, token, amount, pool), down to zero", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const part = f.loyalty.connect(f.shop).withdraw(KC(400));
      await expect(part).to.changeTokenBalances(f.katy.token, [f.loyalty, f.shop], [-KC(400), KC(400)]);
      await expect(part)
        .to.emit(f.loyalty, "RewardPoolWithdrawn")
        .withArgs(f.shop.address, f.katy.address, KC(400), KC(600));
      await expect(f.loyalty.connect(f.shop).withdraw(KC(600)))
        .to.emit(f.loyalty, "RewardPoolWithdrawn")
        .withArgs(f.shop.address, f.katy.address, KC(600), 0n);
      expect((await f.loyalty.programOf(f.shop.address)).pool).to.equal(0n);
      expect(await f.katy.token.balanceOf(f.business.loyalty)).to.equal(0n);
    });

    it("is open to a suspended merchant", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.merchants.connect(f.officer).suspend(f.shop.address, REASON);
      await expect(f.loyalty.connect(f.shop).withdraw(SHOP_PROGRAM.pool))
        .to.emit(f.loyalty, "RewardPoolWithdrawn")
        .withArgs(f.shop.address, f.katy.address, SHOP_PROGRAM.pool, 0n);
    });

    it("reverts with LoyaltyInsufficientPool(amount, pool) beyond the pool, LoyaltyZeroAmount for zero", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await expect(f.loyalty.connect(f.shop).withdraw(SHOP_PROGRAM.pool + 1n))
        .to.be.revertedWithCustomError(f.loyalty, "LoyaltyInsufficientPool")
        .withArgs(SHOP_PROGRAM.pool + 1n, SHOP_PROGRAM.pool);
      for (const caller of [f.bakery, f.stranger]) {
        await expect(f.loyalty.connect(caller).withdraw(1n))
          .to.be.revertedWithCustomError(f.loyalty, "LoyaltyInsufficientPool")
          .withArgs(1n, 0n);
      }
      await expect(f.loyalty.connect(f.shop).withdraw(0)).to.be.revertedWithCustomError(f.loyalty, "LoyaltyZeroAmount");
      await expect(f.loyalty.connect(f.stranger).withdraw(0)).to.be.revertedWithCustomError(
        f.loyalty,
        "LoyaltyZeroAmount",
      );
    });

    it("cannot take what customers were credited", async () => {
      const { f, credit } = await creditFixture();
      await credit(f.carol.address, KC(100)); // 5 KATY
      await expect(f.loyalty.connect(f.shop).withdraw(SHOP_PROGRAM.pool))
        .to.be.revertedWithCustomError(f.loyalty, "LoyaltyInsufficientPool")
        .withArgs(SHOP_PROGRAM.pool, SHOP_PROGRAM.pool - KC(5));
    });
  });

  describe("credit", () => {
    it("reverts with LoyaltyOnlyRouter(caller) for anyone but the router", async () => {
      const f = await loadFixture(deployBusinessFixture);
      for (const caller of [f.shop, f.carol, f.stranger, f.deployer]) {
        await expect(f.loyalty.connect(caller).credit(f.shop.address, caller.address, KC(100), ethers.ZeroHash))
          .to.be.revertedWithCustomError(f.loyalty, "LoyaltyOnlyRouter")
          .withArgs(caller.address);
      }
    });

    it("credits rate x amount (rounded down) from the pool: RewardCredited, rewardsOf, remainingCap", async () => {
      const { f, router } = await creditFixture();
      const key = keyFor(f);
      const amount = KC("33.33");
      const reward = (amount * SHOP_PROGRAM.rateBps) / 10_000n;
      expect(await f.loyalty.connect(router).credit.staticCall(f.shop.address, f.carol.address, amount, key)).to.equal(
        reward,
      );
      await expect(f.loyalty.connect(router).credit(f.shop.address, f.carol.address, amount, key))
        .to.emit(f.loyalty, "RewardCredited")
        .withArgs(f.shop.address, f.carol.address, f.katy.address, key, reward);
      expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(reward);
      expect((await f.loyalty.programOf(f.shop.address)).pool).to.equal(SHOP_PROGRAM.pool - reward);
      expect(await f.loyalty.remainingCap(f.shop.address, f.carol.address)).to.equal(SHOP_PROGRAM.cap - reward);
      // no tokens move until the customer claims
      expect(await f.katy.token.balanceOf(f.business.loyalty)).to.equal(SHOP_PROGRAM.pool);
    });

    it("credits 0, without an event, when rate x amount rounds to zero", async () => {
      const { f, credit } = await creditFixture();
      await expect(credit(f.carol.address, 19n)).not.to.emit(f.loyalty, "RewardCredited"); // 19 * 5% < 1 wei
      await expect(credit(f.carol.address, 20n))
        .to.emit(f.loyalty, "RewardCredited")
        .withArgs(f.shop.address, f.carol.address, f.katy.address, anyValue, 1n);
      expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(1n);
    });

    it("caps a customer's rewards per period, then opens a new window once the period has passed", async () => {
      const { f, router, credit } = await creditFixture();
      // 5% of 400 = 20, of 200 = 10 but only 5 left of the 25 cap, then nothing
      await credit(f.carol.address, KC(400));
      const start = await time.latest();
      const key = keyFor(f);
      await expect(f.loyalty.connect(router).credit(f.shop.address, f.carol.address, KC(200), key))
        .to.emit(f.loyalty, "RewardCredited")
        .withArgs(f.shop.address, f.carol.address, f.katy.address, key, KC(5));
      expect(await f.loyalty.remainingCap(f.shop.address, f.carol.address)).to.equal(0n);
      await expect(credit(f.carol.address, KC(200))).not.to.emit(f.loyalty, "RewardCredited");
      expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(SHOP_PROGRAM.cap);

      // another customer has a window of its own
      expect(await f.loyalty.remainingCap(f.shop.address, f.dave.address)).to.equal(SHOP_PROGRAM.cap);
      await credit(f.dave.address, KC(100));
      expect(await f.loyalty.rewardsOf(f.dave.address, f.katy.address)).to.equal(KC(5));

      // one second before the period ends the window still holds; at its end it resets
      const end = start + Number(SHOP_PROGRAM.period);
      await time.setNextBlockTimestamp(end - 1);
      await expect(credit(f.carol.address, KC(100))).not.to.emit(f.loyalty, "RewardCredited");
      await time.setNextBlockTimestamp(end);
      await expect(credit(f.carol.address, KC(100)))
        .to.emit(f.loyalty, "RewardCredited")
        .withArgs(f.shop.address, f.carol.address, f.katy.address, anyValue, KC(5));
      expect(await f.loyalty.remainingCap(f.shop.address, f.carol.address)).to.equal(SHOP_PROGRAM.cap - KC(5));
      expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(SHOP_PROGRAM.cap + KC(5));
    });

    it("reports the whole cap again once a window has lapsed, before any new credit", async () => {
      const { f, credit } = await creditFixture();
      await credit(f.carol.address, KC(100));
      expect(await f.loyalty.remainingCap(f.shop.address, f.carol.address)).to.equal(SHOP_PROGRAM.cap - KC(5));
      await time.increase(SHOP_PROGRAM.period);
      expect(await f.loyalty.remainingCap(f.shop.address, f.carol.address)).to.equal(SHOP_PROGRAM.cap);
    });

    it("credits no more than the pool holds, then nothing once it is empty", async () => {
      const { f, credit } = await creditFixture();
      await f.loyalty.connect(f.shop).withdraw(SHOP_PROGRAM.pool - KC(3));
      const key = keyFor(f);
      const router = await impersonateRouter(f);
      await expect(f.loyalty.connect(router).credit(f.shop.address, f.carol.address, KC(100), key))
        .to.emit(f.loyalty, "RewardCredited")
        .withArgs(f.shop.address, f.carol.address, f.katy.address, key, KC(3));
      expect((await f.loyalty.programOf(f.shop.address)).pool).to.equal(0n);
      await expect(credit(f.dave.address, KC(100))).not.to.emit(f.loyalty, "RewardCredited");
      expect(await f.loyalty.rewardsOf(f.dave.address, f.katy.address)).to.equal(0n);
    });

    it("credits 0 without a program: no rate (a funded pool), or no pool (a rate)", async () => {
      const { f, router } = await creditFixture();
      await f.loyalty.connect(f.bakery).fund(KC(10)); // pool, rate 0
      await f.loyalty.connect(f.tacos).configure(1_000, KC(10), MIN_PERIOD); // rate, empty pool
      for (const merchant of [f.bakery.address, f.tacos.address, f.stranger.address]) {
        expect(
          await f.loyalty.connect(router).credit.staticCall(merchant, f.carol.address, KC(100), ethers.ZeroHash),
        ).to.equal(0n);
        await expect(f.loyalty.connect(router).credit(merchant, f.carol.address, KC(100), ethers.ZeroHash)).not.to.emit(
          f.loyalty,
          "RewardCredited",
        );
      }
      expect(await f.loyalty.remainingCap(f.stranger.address, f.carol.address)).to.equal(0n);
      // a rate of 0 set on a funded program stops rewards
      await f.loyalty.connect(f.shop).configure(0, SHOP_PROGRAM.cap, SHOP_PROGRAM.period);
      await expect(
        f.loyalty.connect(router).credit(f.shop.address, f.carol.address, KC(100), ethers.ZeroHash),
      ).not.to.emit(f.loyalty, "RewardCredited");
    });

    for (const path of PATHS) {
      it(`is credited by a payment (${path}) with the reward PaymentSettled reports, keyed by the invoice`, async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.dave, f.shop, KC(60));
        const receipt = await pay(f, path, f.dave, intent);
        const key = invoiceKeyOf(f.shop.address, intent.invoiceId);
        const events = receipt.logs
          .map((log) => {
            try {
              return f.router.interface.parseLog(log) ?? f.loyalty.interface.parseLog(log);
            } catch {
              return null;
            }
          })
          .filter((e) => e !== null);
        const credited = events.find((e) => e!.name === "RewardCredited");
        const settled = events.find((e) => e!.name === "PaymentSettled");
        expect(credited!.args.invoiceKey).to.equal(key);
        expect(credited!.args.reward).to.equal(KC(3));
        expect(settled!.args.reward).to.equal(KC(3));
      });
    }
  });

  describe("claim", () => {
    it("pays the customer its rewards in the token: RewardClaimed(customer, token, amount)", async () => {
      const { f, credit } = await creditFixture();
      await credit(f.carol.address, KC(100));
      await credit(f.carol.address, KC(60));
      const tx = f.loyalty.connect(f.carol).claim(f.katy.address);
      await expect(tx).to.changeTokenBalances(f.katy.token, [f.loyalty, f.carol], [-KC(8), KC(8)]);
      await expect(tx).to.emit(f.loyalty, "RewardClaimed").withArgs(f.carol.address, f.katy.address, KC(8));
      expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(0n);
      // the pool is what remains of the balance
      expect(await f.katy.token.balanceOf(f.business.loyalty)).to.equal(
        (await f.loyalty.programOf(f.shop.address)).pool,
      );
    });

    it("reverts with LoyaltyZeroAmount with nothing to claim (and after a claim)", async () => {
      const { f, credit } = await creditFixture();
      await expect(f.loyalty.connect(f.carol).claim(f.katy.address)).to.be.revertedWithCustomError(
        f.loyalty,
        "LoyaltyZeroAmount",
      );
      await credit(f.carol.address, KC(100));
      await f.loyalty.connect(f.carol).claim(f.katy.address);
      await expect(f.loyalty.connect(f.carol).claim(f.katy.address)).to.be.revertedWithCustomError(
        f.loyalty,
        "LoyaltyZeroAmount",
      );
      // rewards are per token
      await expect(f.loyalty.connect(f.carol).claim(f.houston.address)).to.be.revertedWithCustomError(
        f.loyalty,
        "LoyaltyZeroAmount",
      );
    });

    it("why the program must be exempt: otherwise its own daily limit caps all customers' claims together", async () => {
      const { f, credit } = await creditFixture();
      await f.katy.registry.connect(await timelockOf(f.katy)).setExempt(f.business.loyalty, false);
      const limit = await f.katy.registry.dailyLimit(0);
      await f.loyalty.connect(f.shop).configure(MAX_RATE_BPS, KC(600), SHOP_PROGRAM.period);
      await f.loyalty.connect(f.shop).fund(KC(500));
      await credit(f.carol.address, KC(3_000)); // 600
      await credit(f.dave.address, KC(3_000)); // 600
      await f.loyalty.connect(f.carol).claim(f.katy.address);
      await expect(f.loyalty.connect(f.dave).claim(f.katy.address))
        .to.be.revertedWithCustomError(f.katy.registry, "ComplianceDailyLimitExceeded")
        .withArgs(f.business.loyalty, 0, limit, KC(600), KC(600));
    });

    it("a frozen customer cannot claim (ComplianceRecipientFrozen) and keeps its rewards", async () => {
      const { f, credit } = await creditFixture();
      await credit(f.carol.address, KC(100));
      await f.katy.registry.connect(f.officer).freeze(f.carol.address, REASON);
      await expect(f.loyalty.connect(f.carol).claim(f.katy.address))
        .to.be.revertedWithCustomError(f.katy.registry, "ComplianceRecipientFrozen")
        .withArgs(f.carol.address);
      expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(KC(5));
    });
  });
});

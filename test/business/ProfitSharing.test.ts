import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import type { ProfitSharing } from "../../typechain-types";
import { KC } from "../shared/fixtures";
import { asCommunity } from "../shared/federationFixtures";
import { deployProfitSharingFixture, MerchantStatus } from "./escrowFixtures";

/**
 * ProfitSharing: `shop` (a verified katy merchant) shares its KATY revenue with alice, bob, carol and dave; `coop`
 * (not a merchant) shares HOU revenue. Property tests (house style 13) drive random share changes, deposits and
 * claims against an exact model of the accumulator.
 *
 * Environment: PROPERTY_RUNS (default 25) and PROPERTY_SEED replay a reported failure.
 */

type F = Awaited<ReturnType<typeof deployProfitSharingFixture>>;

const PRECISION = 10n ** 18n;
const ZERO = ethers.ZeroAddress;

/** The shop's scheme open, with no shares yet. */
async function shopSchemeFixture() {
  const f = await deployProfitSharingFixture();
  await (await f.sharing.connect(f.shop).openScheme(f.katy.address)).wait();
  return f;
}

/** The shop's scheme with alice 1 unit and bob 3 units. */
async function sharedFixture() {
  const f = await shopSchemeFixture();
  await (await f.sharing.connect(f.shop).setShares([f.alice.address, f.bob.address], [1n, 3n])).wait();
  return f;
}

/** {sharedFixture} after the shop deposited 1,000 KATY: alice is owed 250, bob 750. */
async function depositedFixture() {
  const f = await sharedFixture();
  await (await f.sharing.connect(f.shop).deposit(f.shop.address, KC(1_000))).wait();
  return f;
}

describe("ProfitSharing", () => {
  describe("constructor", () => {
    it("records the merchant registry", async () => {
      const f = await loadFixture(deployProfitSharingFixture);
      expect(await f.sharing.merchants()).to.equal(f.merchantsAddress);
      expect(await f.sharing.PRECISION()).to.equal(PRECISION);
    });
  });

  describe("openScheme", () => {
    describe("when a verified merchant opens in its own community's token", () => {
      it("opens the scheme and emits SchemeOpened(business, token, true)", async () => {
        const f = await loadFixture(deployProfitSharingFixture);
        await expect(f.sharing.connect(f.shop).openScheme(f.katy.address))
          .to.emit(f.sharing, "SchemeOpened")
          .withArgs(f.shop.address, f.katy.address, true);
        const s = await f.sharing.schemeOf(f.shop.address);
        expect([s.token, s.merchant, s.totalUnits, s.revenuePerUnit]).to.deep.equal([f.katy.address, true, 0n, 0n]);
        expect([s.totalDeposited, s.totalClaimed]).to.deep.equal([0n, 0n]);
      });
    });

    describe("when an account that is not a merchant opens in a federation token", () => {
      it("opens the scheme and emits SchemeOpened(business, token, false)", async () => {
        const f = await loadFixture(deployProfitSharingFixture);
        await expect(f.sharing.connect(f.coop).openScheme(f.houston.address))
          .to.emit(f.sharing, "SchemeOpened")
          .withArgs(f.coop.address, f.houston.address, false);
        expect((await f.sharing.schemeOf(f.coop.address)).token).to.equal(f.houston.address);
      });
    });

    describe("when it may not", () => {
      it("reverts with ProfitSharingSchemeExists for a second scheme", async () => {
        const f = await loadFixture(shopSchemeFixture);
        await expect(f.sharing.connect(f.shop).openScheme(f.katy.address))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingSchemeExists")
          .withArgs(f.shop.address);
      });

      it("reverts with ProfitSharingMerchantNotVerified for a pending merchant", async () => {
        const f = await loadFixture(deployProfitSharingFixture);
        await expect(f.sharing.connect(f.newcomer).openScheme(f.katy.address))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingMerchantNotVerified")
          .withArgs(f.newcomer.address, MerchantStatus.Pending);
      });

      it("reverts with ProfitSharingMerchantNotVerified for a suspended merchant", async () => {
        const f = await loadFixture(deployProfitSharingFixture);
        await f.merchants.connect(f.officer).suspend(f.shop.address, ethers.id("audit"));
        await expect(f.sharing.connect(f.shop).openScheme(f.katy.address))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingMerchantNotVerified")
          .withArgs(f.shop.address, MerchantStatus.Suspended);
      });

      it("reverts with ProfitSharingWrongToken when a merchant names another community's token", async () => {
        const f = await loadFixture(deployProfitSharingFixture);
        await expect(f.sharing.connect(f.shop).openScheme(f.houston.address))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingWrongToken")
          .withArgs(f.houston.address, f.katy.address);
      });

      it("reverts with ProfitSharingUnknownCommunity for a token outside the federation", async () => {
        const f = await loadFixture(deployProfitSharingFixture);
        for (const token of [f.rogue.address, ZERO, f.sharingAddress]) {
          await expect(f.sharing.connect(f.coop).openScheme(token))
            .to.be.revertedWithCustomError(f.sharing, "ProfitSharingUnknownCommunity")
            .withArgs(token);
        }
      });
    });
  });

  describe("setShares", () => {
    describe("when the owner sets units", () => {
      it("records them and emits SharesSet per account with the running total", async () => {
        const f = await loadFixture(shopSchemeFixture);
        const tx = f.sharing.connect(f.shop).setShares([f.alice.address, f.bob.address], [1n, 3n]);
        await expect(tx).to.emit(f.sharing, "SharesSet").withArgs(f.shop.address, f.alice.address, 0n, 1n, 1n, 0n);
        await expect(tx).to.emit(f.sharing, "SharesSet").withArgs(f.shop.address, f.bob.address, 0n, 3n, 4n, 0n);
        expect((await f.sharing.schemeOf(f.shop.address)).totalUnits).to.equal(4n);
        expect((await f.sharing.shareOf(f.shop.address, f.bob.address)).units).to.equal(3n);
      });

      it("changes and removes units (zero), adjusting the total", async () => {
        const f = await loadFixture(sharedFixture);
        const tx = f.sharing.connect(f.shop).setShares([f.alice.address, f.bob.address], [5n, 0n]);
        await expect(tx).to.emit(f.sharing, "SharesSet").withArgs(f.shop.address, f.alice.address, 1n, 5n, 8n, 0n);
        await expect(tx).to.emit(f.sharing, "SharesSet").withArgs(f.shop.address, f.bob.address, 3n, 0n, 5n, 0n);
        expect((await f.sharing.schemeOf(f.shop.address)).totalUnits).to.equal(5n);
      });

      it("accepts an empty list", async () => {
        const f = await loadFixture(sharedFixture);
        await expect(f.sharing.connect(f.shop).setShares([], [])).not.to.emit(f.sharing, "SharesSet");
      });
    });

    describe("when units change after revenue arrived", () => {
      it("settles what the previous units earned first (SharesSet's accrued), and later revenue follows the new units", async () => {
        const f = await loadFixture(depositedFixture);
        await expect(f.sharing.connect(f.shop).setShares([f.alice.address], [3n]))
          .to.emit(f.sharing, "SharesSet")
          .withArgs(f.shop.address, f.alice.address, 1n, 3n, 6n, KC(250));
        const share = await f.sharing.shareOf(f.shop.address, f.alice.address);
        expect([share.units, share.owed]).to.deep.equal([3n, KC(250)]);
        expect(await f.sharing.claimable(f.shop.address, f.alice.address)).to.equal(KC(250));
        await f.sharing.connect(f.shop).deposit(f.shop.address, KC(600));
        expect(await f.sharing.claimable(f.shop.address, f.alice.address)).to.equal(KC(550));
        expect(await f.sharing.claimable(f.shop.address, f.bob.address)).to.equal(KC(1_050));
      });

      it("keeps a removed shareholder's earnings claimable", async () => {
        const f = await loadFixture(depositedFixture);
        await f.sharing.connect(f.shop).setShares([f.bob.address], [0n]);
        await f.sharing.connect(f.shop).deposit(f.shop.address, KC(100));
        expect(await f.sharing.claimable(f.shop.address, f.bob.address)).to.equal(KC(750));
        expect(await f.sharing.claimable(f.shop.address, f.alice.address)).to.equal(KC(350));
        await expect(f.sharing.connect(f.bob).claim(f.shop.address))
          .to.emit(f.sharing, "RevenueClaimed")
          .withArgs(f.shop.address, f.bob.address, f.katy.address, KC(750));
      });
    });

    describe("when it may not", () => {
      it("reverts with ProfitSharingNoScheme for a caller without a scheme (nobody sets another's shares)", async () => {
        const f = await loadFixture(sharedFixture);
        for (const caller of [f.alice, f.stranger, f.verifier]) {
          await expect(f.sharing.connect(caller).setShares([caller.address], [100n]))
            .to.be.revertedWithCustomError(f.sharing, "ProfitSharingNoScheme")
            .withArgs(caller.address);
        }
        expect((await f.sharing.schemeOf(f.shop.address)).totalUnits).to.equal(4n);
      });

      it("reverts with ProfitSharingLengthMismatch for lists of different lengths", async () => {
        const f = await loadFixture(shopSchemeFixture);
        await expect(f.sharing.connect(f.shop).setShares([f.alice.address, f.bob.address], [1n]))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingLengthMismatch")
          .withArgs(2n, 1n);
      });

      it("reverts with ProfitSharingZeroAddress for the zero address", async () => {
        const f = await loadFixture(shopSchemeFixture);
        await expect(
          f.sharing.connect(f.shop).setShares([f.alice.address, ZERO], [1n, 1n]),
        ).to.be.revertedWithCustomError(f.sharing, "ProfitSharingZeroAddress");
      });
    });
  });

  describe("deposit", () => {
    describe("when revenue arrives for a scheme with shares", () => {
      it("takes the tokens, raises the revenue per unit and emits RevenueReceived", async () => {
        const f = await loadFixture(sharedFixture);
        const amount = KC(1_000);
        const perUnit = (amount * PRECISION) / 4n;
        const tx = f.sharing.connect(f.shop).deposit(f.shop.address, amount);
        await expect(tx)
          .to.emit(f.sharing, "RevenueReceived")
          .withArgs(f.shop.address, f.shop.address, f.katy.address, amount, 4n, perUnit);
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.shop, f.sharing], [-amount, amount]);
        const s = await f.sharing.schemeOf(f.shop.address);
        expect([s.revenuePerUnit, s.totalDeposited]).to.deep.equal([perUnit, amount]);
        expect(await f.sharing.claimable(f.shop.address, f.alice.address)).to.equal(KC(250));
        expect(await f.sharing.claimable(f.shop.address, f.bob.address)).to.equal(KC(750));
      });

      it("accepts revenue from anyone on the business's behalf", async () => {
        const f = await loadFixture(sharedFixture);
        await f.katy.token.connect(f.carol).approve(f.sharingAddress, KC(40));
        await f.katy.token.connect(f.minter).mint(f.carol.address, KC(40), ethers.id("carol-float"));
        await expect(f.sharing.connect(f.carol).deposit(f.shop.address, KC(40)))
          .to.emit(f.sharing, "RevenueReceived")
          .withArgs(f.shop.address, f.carol.address, f.katy.address, KC(40), 4n, (KC(40) * PRECISION) / 4n);
        expect(await f.sharing.claimable(f.shop.address, f.alice.address)).to.equal(KC(10));
      });

      it("rounds down: three equal holders of 100 wei get 33 each and 1 wei stays as dust", async () => {
        const f = await loadFixture(shopSchemeFixture);
        const holders = [f.alice, f.bob, f.carol];
        await f.sharing.connect(f.shop).setShares(
          holders.map((h) => h.address),
          [1n, 1n, 1n],
        );
        await f.sharing.connect(f.shop).deposit(f.shop.address, 100n);
        for (const h of holders) expect(await f.sharing.claimable(f.shop.address, h.address)).to.equal(33n);
        for (const h of holders) await f.sharing.connect(h).claim(f.shop.address);
        expect(await f.katy.token.balanceOf(f.sharingAddress)).to.equal(1n);
      });
    });

    describe("when it may not", () => {
      it("reverts with ProfitSharingNoScheme for a business without a scheme", async () => {
        const f = await loadFixture(sharedFixture);
        await expect(f.sharing.connect(f.shop).deposit(f.stranger.address, KC(1)))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingNoScheme")
          .withArgs(f.stranger.address);
      });

      it("reverts with ProfitSharingZeroAmount for nothing", async () => {
        const f = await loadFixture(sharedFixture);
        await expect(f.sharing.connect(f.shop).deposit(f.shop.address, 0n)).to.be.revertedWithCustomError(
          f.sharing,
          "ProfitSharingZeroAmount",
        );
      });

      it("reverts with ProfitSharingNoShares while the scheme has no units", async () => {
        const f = await loadFixture(shopSchemeFixture);
        await expect(f.sharing.connect(f.shop).deposit(f.shop.address, KC(1)))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingNoShares")
          .withArgs(f.shop.address);
      });

      it("reverts with the token's error without an allowance", async () => {
        const f = await loadFixture(sharedFixture);
        await expect(f.sharing.connect(f.alice).deposit(f.shop.address, KC(1)))
          .to.be.revertedWithCustomError(f.katy.token, "ERC20InsufficientAllowance")
          .withArgs(f.sharingAddress, 0n, KC(1));
      });
    });
  });

  describe("claim", () => {
    describe("when a shareholder is owed revenue", () => {
      it("pays it all and emits RevenueClaimed; nothing remains", async () => {
        const f = await loadFixture(depositedFixture);
        const tx = f.sharing.connect(f.bob).claim(f.shop.address);
        await expect(tx)
          .to.emit(f.sharing, "RevenueClaimed")
          .withArgs(f.shop.address, f.bob.address, f.katy.address, KC(750));
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.sharing, f.bob], [-KC(750), KC(750)]);
        expect(await f.sharing.claimable(f.shop.address, f.bob.address)).to.equal(0n);
        expect((await f.sharing.schemeOf(f.shop.address)).totalClaimed).to.equal(KC(750));
      });

      it("pays a suspended merchant's shareholders all the same", async () => {
        const f = await loadFixture(depositedFixture);
        await f.merchants.connect(f.officer).suspend(f.shop.address, ethers.id("audit"));
        await expect(f.sharing.connect(f.alice).claim(f.shop.address))
          .to.emit(f.sharing, "RevenueClaimed")
          .withArgs(f.shop.address, f.alice.address, f.katy.address, KC(250));
      });

      it("pays a plain account's scheme in its own token", async () => {
        const f = await loadFixture(deployProfitSharingFixture);
        await f.sharing.connect(f.coop).openScheme(f.houston.address);
        await f.sharing.connect(f.coop).setShares([f.carol.address, f.dave.address], [2n, 2n]);
        await f.sharing.connect(f.coop).deposit(f.coop.address, KC(90));
        const tx = f.sharing.connect(f.dave).claim(f.coop.address);
        await expect(tx)
          .to.emit(f.sharing, "RevenueClaimed")
          .withArgs(f.coop.address, f.dave.address, f.houston.address, KC(45));
        await expect(tx).to.changeTokenBalance(f.houston.token, f.dave, KC(45));
      });
    });

    describe("when it may not", () => {
      it("reverts with ProfitSharingNoScheme for a business without a scheme", async () => {
        const f = await loadFixture(depositedFixture);
        await expect(f.sharing.connect(f.alice).claim(f.coop.address))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingNoScheme")
          .withArgs(f.coop.address);
      });

      it("reverts with ProfitSharingNothingToClaim for a non-shareholder or after claiming", async () => {
        const f = await loadFixture(depositedFixture);
        await expect(f.sharing.connect(f.carol).claim(f.shop.address))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingNothingToClaim")
          .withArgs(f.shop.address, f.carol.address);
        await f.sharing.connect(f.alice).claim(f.shop.address);
        await expect(f.sharing.connect(f.alice).claim(f.shop.address))
          .to.be.revertedWithCustomError(f.sharing, "ProfitSharingNothingToClaim")
          .withArgs(f.shop.address, f.alice.address);
      });

      it("reverts with the registry's error for a frozen shareholder, whose earnings stay owed", async () => {
        const f = await loadFixture(depositedFixture);
        await f.katy.registry.connect(f.officer).freeze(f.alice.address, ethers.id("court-order"));
        await expect(f.sharing.connect(f.alice).claim(f.shop.address))
          .to.be.revertedWithCustomError(f.katy.registry, "ComplianceRecipientFrozen")
          .withArgs(f.alice.address);
        expect(await f.sharing.claimable(f.shop.address, f.alice.address)).to.equal(KC(250));
      });
    });
  });

  describe("as a system account", () => {
    it("pays out only while exempt: a tier-0 sender's daily limit would stop a large claim", async () => {
      const f = await loadFixture(sharedFixture);
      await f.sharing.connect(f.shop).deposit(f.shop.address, KC(8_000));
      const tl = await asCommunity(f.katy);
      await f.katy.registry.connect(tl).setExempt(f.sharingAddress, false);
      await expect(f.sharing.connect(f.bob).claim(f.shop.address)).to.be.revertedWithCustomError(
        f.katy.registry,
        "ComplianceDailyLimitExceeded",
      );
      await f.katy.registry.connect(tl).setExempt(f.sharingAddress, true);
      await expect(f.sharing.connect(f.bob).claim(f.shop.address)).to.emit(f.sharing, "RevenueClaimed");
    });
  });

  describe("lifecycle", () => {
    it("shares a month of revenue through hires, raises and departures", async () => {
      const f = await loadFixture(shopSchemeFixture);
      const business = f.shop.address;
      const [alice, bob, carol] = [f.alice, f.bob, f.carol];
      await f.sharing.connect(f.shop).setShares([alice.address, bob.address], [2n, 2n]);
      await f.sharing.connect(f.shop).deposit(business, KC(400)); // alice 200, bob 200
      await f.sharing.connect(f.shop).setShares([carol.address], [4n]); // carol hired
      await f.sharing.connect(f.shop).deposit(business, KC(800)); // alice 200, bob 200, carol 400
      await f.sharing.connect(alice).claim(business); // alice takes 400
      await f.sharing.connect(f.shop).setShares([bob.address, alice.address], [0n, 4n]); // bob leaves; alice's raise
      await f.sharing.connect(f.shop).deposit(business, KC(1_000)); // alice 500, carol 500
      const expected = new Map([
        [alice.address, KC(500)],
        [bob.address, KC(400)],
        [carol.address, KC(900)],
      ]);
      for (const [who, amount] of expected) expect(await f.sharing.claimable(business, who)).to.equal(amount);
      const s = await f.sharing.schemeOf(business);
      expect([s.totalUnits, s.totalDeposited, s.totalClaimed]).to.deep.equal([8n, KC(2_200), KC(400)]);
      expect(await f.katy.token.balanceOf(f.sharingAddress)).to.equal(KC(1_800));
    });
  });

  describe("properties (fast-check)", () => {
    it("conserves revenue and never pays anyone beyond its exact pro-rata entitlement", async () => {
      const runs = Number(process.env.PROPERTY_RUNS ?? 25);
      const seed = process.env.PROPERTY_SEED;
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbitraries(), { maxCommands: 25, size: "max" }), async (cmds) => {
          const f = await loadFixture(sharedFixture);
          const real: Real = { f, sharing: f.sharing, holders: [f.alice, f.bob, f.carol, f.dave] };
          const model = new SharingModel([1n, 3n, 0n, 0n]);
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        }),
        { numRuns: runs, ...(seed === undefined ? {} : { seed: Number(seed) }) },
      );
    });
  });
});

// ------------------------------------------------------------------------------------------------ the model

/** A non-negative rational, exact. */
class Fraction {
  constructor(
    readonly n: bigint,
    readonly d: bigint = 1n,
  ) {}
  plus(o: Fraction): Fraction {
    const n = this.n * o.d + o.n * this.d;
    const d = this.d * o.d;
    const g = gcd(n, d);
    return new Fraction(n / g, d / g);
  }
  /** this <= o */
  lte(o: Fraction): boolean {
    return this.n * o.d <= o.n * this.d;
  }
  toString() {
    return `${this.n}/${this.d}`;
  }
}
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a === 0n ? 1n : a) : gcd(b, a % b));

/** The accumulator as the contract computes it, and each holder's exact entitlement beside it. */
class SharingModel {
  rpu = 0n;
  deposited = 0n;
  deposits = 0;
  readonly settled: bigint[];
  readonly owed: bigint[];
  readonly claimed: bigint[];
  readonly entitlement: Fraction[];
  /** Settlements that may have rounded something away, per holder. */
  readonly roundings: number[];

  constructor(readonly units: bigint[]) {
    this.settled = units.map(() => 0n);
    this.owed = units.map(() => 0n);
    this.claimed = units.map(() => 0n);
    this.entitlement = units.map(() => new Fraction(0n));
    this.roundings = units.map(() => 0);
  }
  get totalUnits() {
    return this.units.reduce((a, b) => a + b, 0n);
  }
  accrued(i: number) {
    return (this.units[i]! * (this.rpu - this.settled[i]!)) / PRECISION;
  }
  claimable(i: number) {
    return this.owed[i]! + this.accrued(i);
  }
  settle(i: number) {
    if (this.units[i]! > 0n && this.rpu !== this.settled[i]) this.roundings[i]! += 1;
    this.owed[i]! += this.accrued(i);
    this.settled[i] = this.rpu;
  }
  setUnits(i: number, units: bigint) {
    this.settle(i);
    this.units[i] = units;
  }
  deposit(amount: bigint) {
    const total = this.totalUnits;
    this.rpu += (amount * PRECISION) / total;
    this.deposited += amount;
    this.deposits += 1;
    this.units.forEach((u, i) => (this.entitlement[i] = this.entitlement[i]!.plus(new Fraction(amount * u, total))));
  }
  claim(i: number): bigint {
    this.settle(i);
    const amount = this.owed[i]!;
    this.owed[i] = 0n;
    this.claimed[i]! += amount;
    return amount;
  }
}

interface Real {
  f: F;
  sharing: ProfitSharing;
  holders: HardhatEthersSigner[];
}

type Cmd = fc.AsyncCommand<SharingModel, Real>;

/** After every step: the contract agrees with the model, and the money adds up. */
async function checkInvariants(m: SharingModel, r: Real) {
  const business = r.f.shop.address;
  const claimable = await Promise.all(r.holders.map((h) => r.sharing.claimable(business, h.address)));
  claimable.forEach((c, i) => expect(c, `claimable of holder ${i}`).to.equal(m.claimable(i)));
  const claimed = m.claimed.reduce((a, b) => a + b, 0n);
  const owed = claimable.reduce((a, b) => a + b, 0n);
  const dust = m.deposited - claimed - owed;
  // claimed + claimable + dust == deposited, with the dust never negative and only rounding's
  expect(dust, "dust").to.be.gte(0n);
  const roundings = m.roundings.reduce((a, b) => a + b, 0);
  expect(dust, "dust bound").to.be.lte(BigInt(m.deposits + roundings + m.units.length));
  expect(await r.f.katy.token.balanceOf(r.f.sharingAddress), "held").to.equal(m.deposited - claimed);
  const s = await r.sharing.schemeOf(business);
  expect([s.totalDeposited, s.totalClaimed, s.totalUnits]).to.deep.equal([m.deposited, claimed, m.totalUnits]);
  for (let i = 0; i < r.holders.length; i++) {
    const got = new Fraction(m.claimed[i]! + claimable[i]!);
    const entitled = m.entitlement[i]!;
    expect(got.lte(entitled), `holder ${i} got ${got} > entitled ${entitled}`).to.equal(true);
    const slack = new Fraction(BigInt(m.roundings[i]! + m.deposits + 1));
    expect(entitled.lte(got.plus(slack)), `holder ${i} got ${got}, entitled ${entitled}`).to.equal(true);
  }
}

function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const holder = fc.integer({ min: 0, max: 3 });
  const units = fc.oneof(fc.constant(0n), fc.bigInt(1n, 10n), fc.bigInt(1n, 1_000_000n));
  const amount = fc.oneof(fc.bigInt(1n, 1_000n), fc.bigInt(1n, KC(1_000)));
  return [
    fc.array(fc.tuple(holder, units), { minLength: 1, maxLength: 3 }).map((changes): Cmd => ({
      check: () => true,
      run: async (m, r) => {
        const accounts = changes.map(([i]) => r.holders[i]!.address);
        await (
          await r.sharing.connect(r.f.shop).setShares(
            accounts,
            changes.map(([, u]) => u),
          )
        ).wait();
        for (const [i, u] of changes) m.setUnits(i, u);
        await checkInvariants(m, r);
      },
      toString: () => `setShares(${changes.map(([i, u]) => `${i}:${u}`).join(", ")})`,
    })),
    amount.map((a): Cmd => ({
      check: () => true,
      run: async (m, r) => {
        const tx = r.sharing.connect(r.f.shop).deposit(r.f.shop.address, a);
        if (m.totalUnits === 0n) {
          await expect(tx).to.be.revertedWithCustomError(r.sharing, "ProfitSharingNoShares");
        } else {
          await (await tx).wait();
          m.deposit(a);
        }
        await checkInvariants(m, r);
      },
      toString: () => `deposit(${a})`,
    })),
    holder.map((i): Cmd => ({
      check: () => true,
      run: async (m, r) => {
        const tx = r.sharing.connect(r.holders[i]!).claim(r.f.shop.address);
        if (m.claimable(i) === 0n) {
          await expect(tx).to.be.revertedWithCustomError(r.sharing, "ProfitSharingNothingToClaim");
        } else {
          const expected = m.claim(i);
          await expect(tx).to.changeTokenBalance(r.f.katy.token, r.holders[i]!, expected);
        }
        await checkInvariants(m, r);
      },
      toString: () => `claim(${i})`,
    })),
  ];
}

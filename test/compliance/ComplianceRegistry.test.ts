import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployClone } from "../../scripts/lib/community";
import { Verdict } from "../../scripts/lib/verdicts";
import type { ComplianceRegistry } from "../../typechain-types";
import { deployCommunityFixture, deployFundedCommunityFixture, KC, ref } from "../shared/fixtures";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const VERIFIER_ROLE = ethers.id("VERIFIER_ROLE");
const COMPLIANCE_ROLE = ethers.id("COMPLIANCE_ROLE");
const UNLIMITED = 2n ** 128n - 1n;
const DAY = 24 * 60 * 60;
const REASON = ethers.encodeBytes32String("AML-REVIEW");

/** A limit for test titles: "1000.0 KC" or "UNLIMITED". */
const label = (limit: bigint) => (limit === UNLIMITED ? "UNLIMITED" : `${ethers.formatEther(limit)} KC`);

async function cloneRegistry(deployer: Parameters<typeof deployClone>[0], implementation: string) {
  const address = await deployClone(deployer, implementation);
  return (await ethers.getContractAt("ComplianceRegistry", address, deployer)) as unknown as ComplianceRegistry;
}

/** A fresh, uninitialised registry clone next to the community. */
async function deployRegistryCloneFixture() {
  const f = await deployCommunityFixture();
  const fresh = await cloneRegistry(f.admin, f.implementations.registry);
  return { ...f, fresh };
}

/**
 * A second registry bound to an externally owned "token" account, so that {enforceTransfer} can be called
 * directly. Same roles as the community's registry.
 */
async function deployStandaloneRegistryFixture() {
  const f = await deployCommunityFixture();
  const signers = await ethers.getSigners();
  const tokenAccount = signers[11]!;
  const standalone = await cloneRegistry(f.admin, f.implementations.registry);
  await standalone.initialize(f.admin.address, tokenAccount.address, await f.sanctions.getAddress());
  await standalone.grantRole(VERIFIER_ROLE, f.verifier.address);
  await standalone.grantRole(COMPLIANCE_ROLE, f.officer.address);
  return { ...f, standalone, tokenAccount };
}

/**
 * The funded community, with alice (tier 1) topped up to 30,000 KC, plus dave at tier 0 and the relayer at
 * tier 2, each holding 30,000 KC (minting is not limited), so every tier's limit can be reached.
 */
async function deployTieredHoldersFixture() {
  const f = await deployFundedCommunityFixture();
  await f.registry.connect(f.verifier).setTier(f.relayer.address, 2);
  await f.token.connect(f.minter).mint(f.dave.address, KC(30_000), ref("deposit-dave"));
  await f.token.connect(f.minter).mint(f.relayer.address, KC(30_000), ref("deposit-relayer"));
  await f.token.connect(f.minter).mint(f.alice.address, KC(20_000), ref("deposit-alice-2"));
  return f;
}

describe("ComplianceRegistry", () => {
  describe("initialize", () => {
    describe("when called on the implementation", () => {
      it("reverts with InvalidInitialization", async () => {
        const { implementations, admin, token, sanctions } = await loadFixture(deployCommunityFixture);
        const implementation = await ethers.getContractAt("ComplianceRegistry", implementations.registry, admin);
        await expect(implementation.initialize(admin.address, await token.getAddress(), await sanctions.getAddress()))
          .to.be.revertedWithCustomError(implementation, "InvalidInitialization")
          .withArgs();
      });
    });

    describe("when called a second time on a clone", () => {
      it("reverts with InvalidInitialization", async () => {
        const { registry, stranger, token } = await loadFixture(deployCommunityFixture);
        await expect(
          registry.connect(stranger).initialize(stranger.address, await token.getAddress(), ethers.ZeroAddress),
        )
          .to.be.revertedWithCustomError(registry, "InvalidInitialization")
          .withArgs();
      });
    });

    describe("when an address is zero", () => {
      it("reverts with ComplianceZeroAddress for a zero admin", async () => {
        const { fresh, token, sanctions } = await loadFixture(deployRegistryCloneFixture);
        await expect(fresh.initialize(ethers.ZeroAddress, await token.getAddress(), await sanctions.getAddress()))
          .to.be.revertedWithCustomError(fresh, "ComplianceZeroAddress")
          .withArgs();
      });

      it("reverts with ComplianceZeroAddress for a zero token", async () => {
        const { fresh, admin, sanctions } = await loadFixture(deployRegistryCloneFixture);
        await expect(fresh.initialize(admin.address, ethers.ZeroAddress, await sanctions.getAddress()))
          .to.be.revertedWithCustomError(fresh, "ComplianceZeroAddress")
          .withArgs();
      });
    });

    describe("when the arguments are valid", () => {
      it("binds the token and the oracle and grants DEFAULT_ADMIN_ROLE to the admin only", async () => {
        const { fresh, admin, stranger, token, sanctions } = await loadFixture(deployRegistryCloneFixture);
        await fresh.initialize(stranger.address, await token.getAddress(), await sanctions.getAddress());
        expect(await fresh.token()).to.equal(await token.getAddress());
        expect(await fresh.sanctionsOracle()).to.equal(await sanctions.getAddress());
        expect(await fresh.hasRole(DEFAULT_ADMIN_ROLE, stranger.address)).to.equal(true);
        expect(await fresh.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(false);
      });

      it("emits SanctionsOracleChanged and DailyLimitChanged for the defaults", async () => {
        const { fresh, admin, token, sanctions } = await loadFixture(deployRegistryCloneFixture);
        const tx = fresh.initialize(admin.address, await token.getAddress(), await sanctions.getAddress());
        await expect(tx)
          .to.emit(fresh, "SanctionsOracleChanged")
          .withArgs(ethers.ZeroAddress, await sanctions.getAddress());
        await expect(tx).to.emit(fresh, "DailyLimitChanged").withArgs(0, 0, KC(1_000));
        await expect(tx).to.emit(fresh, "DailyLimitChanged").withArgs(1, 0, KC(25_000));
        await expect(tx).to.emit(fresh, "DailyLimitChanged").withArgs(2, 0, UNLIMITED);
      });

      it("emits TravelRuleThresholdChanged from zero to the default 1,000 KC", async () => {
        const { fresh, admin, token, sanctions } = await loadFixture(deployRegistryCloneFixture);
        await expect(fresh.initialize(admin.address, await token.getAddress(), await sanctions.getAddress()))
          .to.emit(fresh, "TravelRuleThresholdChanged")
          .withArgs(0, KC(1_000));
        expect(await fresh.travelRuleThreshold()).to.equal(KC(1_000));
      });

      it("accepts a zero oracle (screening off)", async () => {
        const { fresh, admin, token } = await loadFixture(deployRegistryCloneFixture);
        await expect(fresh.initialize(admin.address, await token.getAddress(), ethers.ZeroAddress))
          .to.emit(fresh, "SanctionsOracleChanged")
          .withArgs(ethers.ZeroAddress, ethers.ZeroAddress);
        expect(await fresh.sanctionsOracle()).to.equal(ethers.ZeroAddress);
      });
    });
  });

  describe("constants", () => {
    it("has MAX_TIER 2, UNLIMITED 2**128-1 and the role hashes", async () => {
      const { registry } = await loadFixture(deployCommunityFixture);
      expect(await registry.MAX_TIER()).to.equal(2);
      expect(await registry.UNLIMITED()).to.equal(UNLIMITED);
      expect(await registry.VERIFIER_ROLE()).to.equal(VERIFIER_ROLE);
      expect(await registry.COMPLIANCE_ROLE()).to.equal(COMPLIANCE_ROLE);
    });
  });

  describe("dailyLimit", () => {
    describe("when the tier is valid", () => {
      const defaults: [tier: number, limit: bigint][] = [
        [0, KC(1_000)],
        [1, KC(25_000)],
        [2, UNLIMITED],
      ];
      for (const [tier, limit] of defaults) {
        it(`defaults tier ${tier} to ${label(limit)}`, async () => {
          const { registry } = await loadFixture(deployCommunityFixture);
          expect(await registry.dailyLimit(tier)).to.equal(limit);
        });
      }
    });

    describe("when the tier is above MAX_TIER", () => {
      it("reverts with ComplianceInvalidTier", async () => {
        const { registry } = await loadFixture(deployCommunityFixture);
        await expect(registry.dailyLimit(3))
          .to.be.revertedWithCustomError(registry, "ComplianceInvalidTier")
          .withArgs(3);
      });
    });
  });

  describe("account views", () => {
    describe("when the account was never touched", () => {
      it("has tier 0, is neither frozen nor exempt, and has spent nothing", async () => {
        const { registry, dave } = await loadFixture(deployCommunityFixture);
        expect(await registry.tierOf(dave.address)).to.equal(0);
        expect(await registry.isFrozen(dave.address)).to.equal(false);
        expect(await registry.isExempt(dave.address)).to.equal(false);
        expect(await registry.spentToday(dave.address)).to.deep.equal([0n, 0n]);
      });
    });
  });

  describe("setTier", () => {
    describe("when the caller lacks VERIFIER_ROLE", () => {
      for (const who of ["stranger", "admin", "officer"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await expect(f.registry.connect(f[who]).setTier(f.alice.address, 1))
            .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, VERIFIER_ROLE);
        });
      }
    });

    describe("when the caller is a verifier", () => {
      for (const tier of [0, 1, 2]) {
        it(`sets tier ${tier} and emits TierChanged`, async () => {
          const { registry, verifier, alice } = await loadFixture(deployCommunityFixture);
          await expect(registry.connect(verifier).setTier(alice.address, tier))
            .to.emit(registry, "TierChanged")
            .withArgs(alice.address, 0, tier, verifier.address);
          expect(await registry.tierOf(alice.address)).to.equal(tier);
        });
      }

      it("reports the previous tier in TierChanged", async () => {
        const { registry, verifier, alice } = await loadFixture(deployFundedCommunityFixture);
        await expect(registry.connect(verifier).setTier(alice.address, 2))
          .to.emit(registry, "TierChanged")
          .withArgs(alice.address, 1, 2, verifier.address);
      });
    });

    describe("when the tier is above MAX_TIER", () => {
      for (const tier of [3, 255]) {
        it(`reverts with ComplianceInvalidTier(${tier})`, async () => {
          const { registry, verifier, alice } = await loadFixture(deployCommunityFixture);
          await expect(registry.connect(verifier).setTier(alice.address, tier))
            .to.be.revertedWithCustomError(registry, "ComplianceInvalidTier")
            .withArgs(tier);
        });
      }
    });

    describe("when the account is zero", () => {
      it("reverts with ComplianceZeroAddress", async () => {
        const { registry, verifier } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(verifier).setTier(ethers.ZeroAddress, 1))
          .to.be.revertedWithCustomError(registry, "ComplianceZeroAddress")
          .withArgs();
      });
    });
  });

  describe("freeze", () => {
    describe("when the caller lacks COMPLIANCE_ROLE", () => {
      for (const who of ["stranger", "admin", "verifier"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await expect(f.registry.connect(f[who]).freeze(f.alice.address, REASON))
            .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, COMPLIANCE_ROLE);
        });
      }
    });

    describe("when the caller is a compliance officer", () => {
      it("freezes the account and emits AccountFrozen", async () => {
        const { registry, officer, alice } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(officer).freeze(alice.address, REASON))
          .to.emit(registry, "AccountFrozen")
          .withArgs(alice.address, REASON, officer.address);
        expect(await registry.isFrozen(alice.address)).to.equal(true);
      });
    });

    describe("when the account is frozen already", () => {
      it("reverts with ComplianceAccountAlreadyFrozen", async () => {
        const { registry, officer, alice } = await loadFixture(deployCommunityFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(registry.connect(officer).freeze(alice.address, REASON))
          .to.be.revertedWithCustomError(registry, "ComplianceAccountAlreadyFrozen")
          .withArgs(alice.address);
      });
    });

    describe("when the account is zero", () => {
      it("reverts with ComplianceZeroAddress", async () => {
        const { registry, officer } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(officer).freeze(ethers.ZeroAddress, REASON))
          .to.be.revertedWithCustomError(registry, "ComplianceZeroAddress")
          .withArgs();
      });
    });
  });

  describe("unfreeze", () => {
    describe("when the caller lacks COMPLIANCE_ROLE", () => {
      for (const who of ["stranger", "admin", "verifier"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await f.registry.connect(f.officer).freeze(f.alice.address, REASON);
          await expect(f.registry.connect(f[who]).unfreeze(f.alice.address, REASON))
            .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, COMPLIANCE_ROLE);
        });
      }
    });

    describe("when the account is frozen", () => {
      it("unfreezes it and emits AccountUnfrozen", async () => {
        const { registry, officer, alice } = await loadFixture(deployCommunityFixture);
        const cleared = ethers.encodeBytes32String("CLEARED");
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(registry.connect(officer).unfreeze(alice.address, cleared))
          .to.emit(registry, "AccountUnfrozen")
          .withArgs(alice.address, cleared, officer.address);
        expect(await registry.isFrozen(alice.address)).to.equal(false);
      });
    });

    describe("when the account is not frozen", () => {
      it("reverts with ComplianceAccountNotFrozen", async () => {
        const { registry, officer, alice } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(officer).unfreeze(alice.address, REASON))
          .to.be.revertedWithCustomError(registry, "ComplianceAccountNotFrozen")
          .withArgs(alice.address);
      });
    });
  });

  describe("setDailyLimit", () => {
    describe("when the caller lacks DEFAULT_ADMIN_ROLE", () => {
      for (const who of ["stranger", "officer", "verifier"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await expect(f.registry.connect(f[who]).setDailyLimit(0, KC(5)))
            .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, DEFAULT_ADMIN_ROLE);
        });
      }
    });

    describe("when the caller is the admin", () => {
      const cases: [tier: number, previous: bigint, next: bigint][] = [
        [0, KC(1_000), KC(2_000)],
        [0, KC(1_000), 0n],
        [1, KC(25_000), UNLIMITED],
        [2, UNLIMITED, KC(1_000_000)],
      ];
      for (const [tier, previous, next] of cases) {
        it(`sets tier ${tier} from ${label(previous)} to ${label(next)} and emits DailyLimitChanged`, async () => {
          const { registry, admin } = await loadFixture(deployCommunityFixture);
          await expect(registry.connect(admin).setDailyLimit(tier, next))
            .to.emit(registry, "DailyLimitChanged")
            .withArgs(tier, previous, next);
          expect(await registry.dailyLimit(tier)).to.equal(next);
        });
      }
    });

    describe("when the tier is above MAX_TIER", () => {
      it("reverts with ComplianceInvalidTier", async () => {
        const { registry, admin } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(admin).setDailyLimit(3, KC(1)))
          .to.be.revertedWithCustomError(registry, "ComplianceInvalidTier")
          .withArgs(3);
      });
    });
  });

  describe("travelRuleThreshold", () => {
    it("defaults to 1,000 KC", async () => {
      const { registry } = await loadFixture(deployCommunityFixture);
      expect(await registry.travelRuleThreshold()).to.equal(KC(1_000));
    });
  });

  describe("setTravelRuleThreshold", () => {
    describe("when the caller lacks DEFAULT_ADMIN_ROLE", () => {
      for (const who of ["stranger", "officer", "verifier"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await expect(f.registry.connect(f[who]).setTravelRuleThreshold(KC(5)))
            .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, DEFAULT_ADMIN_ROLE);
          expect(await f.registry.travelRuleThreshold()).to.equal(KC(1_000));
        });
      }
    });

    describe("when the caller is the admin", () => {
      const cases: bigint[] = [KC(3_000), KC(999), 0n, 2n ** 256n - 1n];
      for (const next of cases) {
        const shown = next === 2n ** 256n - 1n ? "2**256-1" : `${ethers.formatEther(next)} KC`;
        it(`sets it from 1000.0 KC to ${shown} and emits TravelRuleThresholdChanged`, async () => {
          const { registry, admin } = await loadFixture(deployCommunityFixture);
          await expect(registry.connect(admin).setTravelRuleThreshold(next))
            .to.emit(registry, "TravelRuleThresholdChanged")
            .withArgs(KC(1_000), next);
          expect(await registry.travelRuleThreshold()).to.equal(next);
        });
      }

      it("reports the previous threshold on a second change", async () => {
        const { registry, admin } = await loadFixture(deployCommunityFixture);
        await registry.connect(admin).setTravelRuleThreshold(KC(3_000));
        await expect(registry.connect(admin).setTravelRuleThreshold(KC(18_000)))
          .to.emit(registry, "TravelRuleThresholdChanged")
          .withArgs(KC(3_000), KC(18_000));
      });
    });
  });

  describe("setSanctionsOracle", () => {
    describe("when the caller lacks DEFAULT_ADMIN_ROLE", () => {
      it("reverts with AccessControlUnauthorizedAccount", async () => {
        const { registry, officer } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(officer).setSanctionsOracle(ethers.ZeroAddress))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(officer.address, DEFAULT_ADMIN_ROLE);
      });
    });

    describe("when the caller is the admin", () => {
      it("replaces the oracle and emits SanctionsOracleChanged", async () => {
        const { registry, sanctions, admin } = await loadFixture(deployCommunityFixture);
        const other = await ethers.deployContract("SanctionsList", [admin.address]);
        await expect(registry.connect(admin).setSanctionsOracle(await other.getAddress()))
          .to.emit(registry, "SanctionsOracleChanged")
          .withArgs(await sanctions.getAddress(), await other.getAddress());
        expect(await registry.sanctionsOracle()).to.equal(await other.getAddress());
      });

      it("disables screening when set to zero", async () => {
        const { registry, token, sanctions, admin, officer, alice, bob } =
          await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await expect(registry.connect(admin).setSanctionsOracle(ethers.ZeroAddress))
          .to.emit(registry, "SanctionsOracleChanged")
          .withArgs(await sanctions.getAddress(), ethers.ZeroAddress);
        await expect(token.connect(alice).transfer(bob.address, KC(1))).to.changeTokenBalances(
          token,
          [alice, bob],
          [-KC(1), KC(1)],
        );
      });
    });
  });

  describe("setExempt", () => {
    describe("when the caller lacks DEFAULT_ADMIN_ROLE", () => {
      it("reverts with AccessControlUnauthorizedAccount", async () => {
        const { registry, verifier, alice } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(verifier).setExempt(alice.address, true))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(verifier.address, DEFAULT_ADMIN_ROLE);
      });
    });

    describe("when the caller is the admin", () => {
      it("marks and unmarks the account, emitting ExemptionChanged", async () => {
        const { registry, admin, alice } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(admin).setExempt(alice.address, true))
          .to.emit(registry, "ExemptionChanged")
          .withArgs(alice.address, true);
        expect(await registry.isExempt(alice.address)).to.equal(true);
        await expect(registry.connect(admin).setExempt(alice.address, false))
          .to.emit(registry, "ExemptionChanged")
          .withArgs(alice.address, false);
        expect(await registry.isExempt(alice.address)).to.equal(false);
      });
    });

    describe("when the account is zero", () => {
      it("reverts with ComplianceZeroAddress", async () => {
        const { registry, admin } = await loadFixture(deployCommunityFixture);
        await expect(registry.connect(admin).setExempt(ethers.ZeroAddress, true))
          .to.be.revertedWithCustomError(registry, "ComplianceZeroAddress")
          .withArgs();
      });
    });
  });

  describe("screen", () => {
    type F = Awaited<ReturnType<typeof deployTieredHoldersFixture>>;
    // The verdict on one account alone: frozen before sanctioned; limits, exemptions and the pause play no part.
    const cases: { when: string; setup?: (f: F) => Promise<unknown>; verdict: Verdict }[] = [
      { when: "the account is clean", verdict: Verdict.Allowed },
      {
        when: "the account is frozen",
        setup: (f) => f.registry.connect(f.officer).freeze(f.dave.address, REASON),
        verdict: Verdict.SenderFrozen,
      },
      {
        when: "the account is sanctioned",
        setup: (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.dave.address]),
        verdict: Verdict.SenderSanctioned,
      },
      {
        when: "the account is frozen and sanctioned",
        setup: async (f) => {
          await f.sanctions.connect(f.officer).addToSanctionsList([f.dave.address]);
          await f.registry.connect(f.officer).freeze(f.dave.address, REASON);
        },
        verdict: Verdict.SenderFrozen,
      },
      {
        when: "the account was frozen and is unfrozen",
        setup: async (f) => {
          await f.registry.connect(f.officer).freeze(f.dave.address, REASON);
          await f.registry.connect(f.officer).unfreeze(f.dave.address, REASON);
        },
        verdict: Verdict.Allowed,
      },
      {
        when: "the account is exempt but frozen",
        setup: async (f) => {
          await f.registry.connect(f.admin).setExempt(f.dave.address, true);
          await f.registry.connect(f.officer).freeze(f.dave.address, REASON);
        },
        verdict: Verdict.SenderFrozen,
      },
      {
        when: "the account is sanctioned but screening is off (zero oracle)",
        setup: async (f) => {
          await f.sanctions.connect(f.officer).addToSanctionsList([f.dave.address]);
          await f.registry.connect(f.admin).setSanctionsOracle(ethers.ZeroAddress);
        },
        verdict: Verdict.Allowed,
      },
      {
        when: "the account has used up its daily limit",
        setup: (f) => f.token.connect(f.dave).transfer(f.carol.address, KC(1_000)),
        verdict: Verdict.Allowed,
      },
      {
        when: "the token is paused",
        setup: (f) => f.token.connect(f.pauser).pause(),
        verdict: Verdict.Allowed,
      },
    ];
    for (const { when, setup, verdict } of cases) {
      describe(`when ${when}`, () => {
        it(`returns ${Verdict[verdict]}`, async () => {
          const f = await loadFixture(deployTieredHoldersFixture);
          if (setup) await setup(f);
          expect(await f.registry.screen(f.dave.address)).to.equal(verdict);
        });
      });
    }
  });

  describe("enforceTransfer", () => {
    describe("when the caller is not the bound token", () => {
      for (const who of ["stranger", "admin", "alice"] as const) {
        it(`reverts with ComplianceUnauthorizedToken for the ${who}`, async () => {
          const f = await loadFixture(deployFundedCommunityFixture);
          await expect(
            f.registry.connect(f[who]).enforceTransfer(f[who].address, f.alice.address, f.bob.address, KC(1)),
          )
            .to.be.revertedWithCustomError(f.registry, "ComplianceUnauthorizedToken")
            .withArgs(f[who].address);
        });
      }
    });

    describe("when called directly by the bound token", () => {
      it("records the amount against the sender's window", async () => {
        const { standalone, tokenAccount, alice, bob } = await loadFixture(deployStandaloneRegistryFixture);
        await standalone.connect(tokenAccount).enforceTransfer(alice.address, alice.address, bob.address, KC(300));
        const opened = await time.latest();
        expect(await standalone.spentToday(alice.address)).to.deep.equal([KC(300), BigInt(opened)]);
        expect(await standalone.spentToday(bob.address)).to.deep.equal([0n, 0n]);
      });

      it("records the amount against the sender, not a third-party operator", async () => {
        const { standalone, tokenAccount, alice, bob, carol } = await loadFixture(deployStandaloneRegistryFixture);
        await standalone.connect(tokenAccount).enforceTransfer(carol.address, alice.address, bob.address, KC(300));
        expect((await standalone.spentToday(alice.address))[0]).to.equal(KC(300));
        expect(await standalone.spentToday(carol.address)).to.deep.equal([0n, 0n]);
      });

      it("records nothing for a mint (from zero)", async () => {
        const { standalone, tokenAccount, minter, bob } = await loadFixture(deployStandaloneRegistryFixture);
        await standalone
          .connect(tokenAccount)
          .enforceTransfer(minter.address, ethers.ZeroAddress, bob.address, KC(5_000));
        expect(await standalone.spentToday(ethers.ZeroAddress)).to.deep.equal([0n, 0n]);
        expect(await standalone.spentToday(bob.address)).to.deep.equal([0n, 0n]);
      });

      it("does not screen a mint's operator (the minter)", async () => {
        const { standalone, tokenAccount, officer, minter, bob } = await loadFixture(deployStandaloneRegistryFixture);
        await standalone.connect(officer).freeze(minter.address, REASON);
        await expect(
          standalone.connect(tokenAccount).enforceTransfer(minter.address, ethers.ZeroAddress, bob.address, KC(1)),
        ).not.to.be.reverted;
      });

      it("reverts with the rule's error, e.g. ComplianceSenderFrozen", async () => {
        const { standalone, tokenAccount, officer, alice, bob } = await loadFixture(deployStandaloneRegistryFixture);
        await standalone.connect(officer).freeze(alice.address, REASON);
        await expect(standalone.connect(tokenAccount).enforceTransfer(alice.address, alice.address, bob.address, 1n))
          .to.be.revertedWithCustomError(standalone, "ComplianceSenderFrozen")
          .withArgs(alice.address);
      });
    });

    describe("when the operator is a third party", () => {
      it("reverts with ComplianceOperatorFrozen(operator) when it is frozen", async () => {
        const { standalone, tokenAccount, officer, alice, bob, carol } = await loadFixture(
          deployStandaloneRegistryFixture,
        );
        await standalone.connect(officer).freeze(carol.address, REASON);
        await expect(standalone.connect(tokenAccount).enforceTransfer(carol.address, alice.address, bob.address, 1n))
          .to.be.revertedWithCustomError(standalone, "ComplianceOperatorFrozen")
          .withArgs(carol.address);
      });

      it("reverts with ComplianceOperatorSanctioned(operator) when it is sanctioned", async () => {
        const { standalone, tokenAccount, sanctions, officer, alice, bob, carol } = await loadFixture(
          deployStandaloneRegistryFixture,
        );
        await sanctions.connect(officer).addToSanctionsList([carol.address]);
        await expect(standalone.connect(tokenAccount).enforceTransfer(carol.address, alice.address, bob.address, 1n))
          .to.be.revertedWithCustomError(standalone, "ComplianceOperatorSanctioned")
          .withArgs(carol.address);
      });

      it("lets a sanctioned operator through when screening is off (zero oracle)", async () => {
        const { standalone, tokenAccount, sanctions, admin, officer, alice, bob, carol } = await loadFixture(
          deployStandaloneRegistryFixture,
        );
        await sanctions.connect(officer).addToSanctionsList([carol.address]);
        await standalone.connect(admin).setSanctionsOracle(ethers.ZeroAddress);
        await expect(standalone.connect(tokenAccount).enforceTransfer(carol.address, alice.address, bob.address, 1n))
          .not.to.be.reverted;
      });
    });

    describe("when several rules block the transfer", () => {
      // alice sends 1,001 KC (past tier 0's 1,000) to bob, carol operating. Case k breaks rules k and after; the
      // error names rule k: the rules are checked in exactly this order.
      type S = Awaited<ReturnType<typeof deployStandaloneRegistryFixture>>;
      const rules: [rule: string, breakIt: (f: S) => Promise<unknown>, error: string, who: (f: S) => string][] = [
        [
          "sender frozen",
          (f) => f.standalone.connect(f.officer).freeze(f.alice.address, REASON),
          "ComplianceSenderFrozen",
          (f) => f.alice.address,
        ],
        [
          "recipient frozen",
          (f) => f.standalone.connect(f.officer).freeze(f.bob.address, REASON),
          "ComplianceRecipientFrozen",
          (f) => f.bob.address,
        ],
        [
          "operator frozen",
          (f) => f.standalone.connect(f.officer).freeze(f.carol.address, REASON),
          "ComplianceOperatorFrozen",
          (f) => f.carol.address,
        ],
        [
          "sender sanctioned",
          (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.alice.address]),
          "ComplianceSenderSanctioned",
          (f) => f.alice.address,
        ],
        [
          "recipient sanctioned",
          (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]),
          "ComplianceRecipientSanctioned",
          (f) => f.bob.address,
        ],
        [
          "operator sanctioned",
          (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.carol.address]),
          "ComplianceOperatorSanctioned",
          (f) => f.carol.address,
        ],
      ];
      rules.forEach(([rule, , error, who], k) => {
        it(`reports ${error} when the ${rule} and every later rule are broken`, async () => {
          const f = await loadFixture(deployStandaloneRegistryFixture);
          for (const [, breakIt] of rules.slice(k)) await breakIt(f);
          await expect(
            f.standalone
              .connect(f.tokenAccount)
              .enforceTransfer(f.carol.address, f.alice.address, f.bob.address, KC(1_001)),
          )
            .to.be.revertedWithCustomError(f.standalone, error)
            .withArgs(who(f));
        });
      });

      it("reports ComplianceDailyLimitExceeded last", async () => {
        const f = await loadFixture(deployStandaloneRegistryFixture);
        await expect(
          f.standalone
            .connect(f.tokenAccount)
            .enforceTransfer(f.carol.address, f.alice.address, f.bob.address, KC(1_001)),
        )
          .to.be.revertedWithCustomError(f.standalone, "ComplianceDailyLimitExceeded")
          .withArgs(f.alice.address, 0, KC(1_000), 0, KC(1_001));
      });
    });

    describe("when the amount is zero", () => {
      it("records nothing and opens no window", async () => {
        const { standalone, tokenAccount, alice, bob, carol } = await loadFixture(deployStandaloneRegistryFixture);
        await standalone.connect(tokenAccount).enforceTransfer(carol.address, alice.address, bob.address, 0);
        await standalone.connect(tokenAccount).enforceTransfer(alice.address, alice.address, bob.address, 0);
        expect(await standalone.spentToday(alice.address)).to.deep.equal([0n, 0n]);
      });

      it("leaves an open window as it was", async () => {
        const { standalone, tokenAccount, alice, bob } = await loadFixture(deployStandaloneRegistryFixture);
        await standalone.connect(tokenAccount).enforceTransfer(alice.address, alice.address, bob.address, KC(300));
        const opened = BigInt(await time.latest());
        await time.increase(60);
        await standalone.connect(tokenAccount).enforceTransfer(alice.address, alice.address, bob.address, 0);
        expect(await standalone.spentToday(alice.address)).to.deep.equal([KC(300), opened]);
      });

      it("is still checked: a frozen sender reverts with ComplianceSenderFrozen", async () => {
        const { standalone, tokenAccount, officer, alice, bob } = await loadFixture(deployStandaloneRegistryFixture);
        await standalone.connect(officer).freeze(alice.address, REASON);
        await expect(standalone.connect(tokenAccount).enforceTransfer(alice.address, alice.address, bob.address, 0))
          .to.be.revertedWithCustomError(standalone, "ComplianceSenderFrozen")
          .withArgs(alice.address);
      });

      it("is still checked: a sanctioned third-party operator reverts with ComplianceOperatorSanctioned", async () => {
        const { standalone, tokenAccount, sanctions, officer, alice, bob, carol } = await loadFixture(
          deployStandaloneRegistryFixture,
        );
        await sanctions.connect(officer).addToSanctionsList([carol.address]);
        await expect(standalone.connect(tokenAccount).enforceTransfer(carol.address, alice.address, bob.address, 0))
          .to.be.revertedWithCustomError(standalone, "ComplianceOperatorSanctioned")
          .withArgs(carol.address);
      });
    });

    describe("when an account is frozen (through the token)", () => {
      it("blocks a frozen sender with ComplianceSenderFrozen", async () => {
        const { token, registry, officer, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(token.connect(alice).transfer(bob.address, KC(1)))
          .to.be.revertedWithCustomError(registry, "ComplianceSenderFrozen")
          .withArgs(alice.address);
      });

      it("blocks a frozen recipient with ComplianceRecipientFrozen", async () => {
        const { token, registry, officer, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await registry.connect(officer).freeze(bob.address, REASON);
        await expect(token.connect(alice).transfer(bob.address, KC(1)))
          .to.be.revertedWithCustomError(registry, "ComplianceRecipientFrozen")
          .withArgs(bob.address);
      });

      it("names the sender first when both are frozen", async () => {
        const { token, registry, officer, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await registry.connect(officer).freeze(bob.address, REASON);
        await expect(token.connect(alice).transfer(bob.address, KC(1)))
          .to.be.revertedWithCustomError(registry, "ComplianceSenderFrozen")
          .withArgs(alice.address);
      });

      it("checks freezing before sanctions", async () => {
        const { token, registry, sanctions, officer, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await registry.connect(officer).freeze(bob.address, REASON);
        await expect(token.connect(alice).transfer(bob.address, KC(1)))
          .to.be.revertedWithCustomError(registry, "ComplianceRecipientFrozen")
          .withArgs(bob.address);
      });

      it("lets the account transact again once unfrozen", async () => {
        const { token, registry, officer, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await registry.connect(officer).unfreeze(alice.address, REASON);
        await expect(token.connect(alice).transfer(bob.address, KC(1))).to.changeTokenBalances(
          token,
          [alice, bob],
          [-KC(1), KC(1)],
        );
      });
    });

    describe("when an account is sanctioned (through the token)", () => {
      it("blocks a sanctioned sender with ComplianceSenderSanctioned", async () => {
        const { token, registry, sanctions, officer, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await expect(token.connect(alice).transfer(bob.address, KC(1)))
          .to.be.revertedWithCustomError(registry, "ComplianceSenderSanctioned")
          .withArgs(alice.address);
      });

      it("blocks a sanctioned recipient with ComplianceRecipientSanctioned", async () => {
        const { token, registry, sanctions, officer, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([bob.address]);
        await expect(token.connect(alice).transfer(bob.address, KC(1)))
          .to.be.revertedWithCustomError(registry, "ComplianceRecipientSanctioned")
          .withArgs(bob.address);
      });

      it("lets the account transact again once delisted", async () => {
        const { token, sanctions, officer, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await sanctions.connect(officer).removeFromSanctionsList([alice.address]);
        await expect(token.connect(alice).transfer(bob.address, KC(1))).to.changeTokenBalances(
          token,
          [alice, bob],
          [-KC(1), KC(1)],
        );
      });
    });

    describe("daily limits (through the token)", () => {
      // [tier, holder in deployTieredHoldersFixture, default limit]
      const limited: [tier: number, holder: "dave" | "alice", limit: bigint][] = [
        [0, "dave", KC(1_000)],
        [1, "alice", KC(25_000)],
      ];

      for (const [tier, holder, limit] of limited) {
        describe(`when the sender has tier ${tier} (limit ${label(limit)})`, () => {
          it("allows sending exactly the limit, in two transfers", async () => {
            const f = await loadFixture(deployTieredHoldersFixture);
            const sender = f[holder];
            const first = limit / 4n;
            await f.token.connect(sender).transfer(f.carol.address, first);
            await expect(f.token.connect(sender).transfer(f.carol.address, limit - first)).to.changeTokenBalances(
              f.token,
              [sender, f.carol],
              [-(limit - first), limit - first],
            );
            expect((await f.registry.spentToday(sender.address))[0]).to.equal(limit);
          });

          it("reverts one wei past the limit with ComplianceDailyLimitExceeded", async () => {
            const f = await loadFixture(deployTieredHoldersFixture);
            const sender = f[holder];
            const first = limit / 4n;
            await f.token.connect(sender).transfer(f.carol.address, first);
            await expect(f.token.connect(sender).transfer(f.carol.address, limit - first + 1n))
              .to.be.revertedWithCustomError(f.registry, "ComplianceDailyLimitExceeded")
              .withArgs(sender.address, tier, limit, first, limit - first + 1n);
          });

          it("reverts a single transfer of limit + 1 wei with spent 0", async () => {
            const f = await loadFixture(deployTieredHoldersFixture);
            const sender = f[holder];
            await expect(f.token.connect(sender).transfer(f.carol.address, limit + 1n))
              .to.be.revertedWithCustomError(f.registry, "ComplianceDailyLimitExceeded")
              .withArgs(sender.address, tier, limit, 0, limit + 1n);
          });
        });
      }

      describe("when the sender has tier 2 (unlimited)", () => {
        it("allows any amount and records nothing", async () => {
          const { token, registry, relayer, carol } = await loadFixture(deployTieredHoldersFixture);
          await expect(token.connect(relayer).transfer(carol.address, KC(30_000))).to.changeTokenBalances(
            token,
            [relayer, carol],
            [-KC(30_000), KC(30_000)],
          );
          expect(await registry.spentToday(relayer.address)).to.deep.equal([0n, 0n]);
        });
      });

      describe("when 24 hours have passed since the window opened", () => {
        it("resets the window (time.increase)", async () => {
          const { token, registry, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await token.connect(dave).transfer(carol.address, KC(1_000));
          await expect(token.connect(dave).transfer(carol.address, 1n))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(dave.address, 0, KC(1_000), KC(1_000), 1n);
          await time.increase(DAY);
          await expect(token.connect(dave).transfer(carol.address, KC(1_000))).to.changeTokenBalance(
            token,
            dave,
            -KC(1_000),
          );
        });

        const boundaries: [offset: number, allowed: boolean][] = [
          [DAY - 1, false],
          [DAY, true],
        ];
        for (const [offset, allowed] of boundaries) {
          it(`${allowed ? "allows" : "blocks"} a full limit at window start + ${offset} s`, async () => {
            const { token, registry, dave, carol } = await loadFixture(deployTieredHoldersFixture);
            await token.connect(dave).transfer(carol.address, KC(1_000));
            const opened = await time.latest();
            await time.setNextBlockTimestamp(opened + offset);
            const tx = token.connect(dave).transfer(carol.address, KC(1_000));
            if (allowed) await expect(tx).to.changeTokenBalance(token, dave, -KC(1_000));
            else
              await expect(tx)
                .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
                .withArgs(dave.address, 0, KC(1_000), KC(1_000), KC(1_000));
          });
        }

        it("measures 24 h from the first send of the window, not the latest", async () => {
          const { token, registry, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await token.connect(dave).transfer(carol.address, KC(600));
          const opened = await time.latest();
          await time.increase(23 * 60 * 60);
          await token.connect(dave).transfer(carol.address, KC(400));
          expect(await registry.spentToday(dave.address)).to.deep.equal([KC(1_000), BigInt(opened)]);
          await time.setNextBlockTimestamp(opened + DAY);
          await expect(token.connect(dave).transfer(carol.address, KC(1_000))).to.changeTokenBalance(
            token,
            dave,
            -KC(1_000),
          );
        });
      });

      describe("spentToday", () => {
        it("accumulates within a window and returns (0, 0) once it has closed", async () => {
          const { token, registry, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          expect(await registry.spentToday(dave.address)).to.deep.equal([0n, 0n]);
          await token.connect(dave).transfer(carol.address, KC(100));
          const opened = BigInt(await time.latest());
          expect(await registry.spentToday(dave.address)).to.deep.equal([KC(100), opened]);
          await token.connect(dave).transfer(carol.address, KC(250));
          expect(await registry.spentToday(dave.address)).to.deep.equal([KC(350), opened]);
          await time.increase(DAY);
          expect(await registry.spentToday(dave.address)).to.deep.equal([0n, 0n]);
          await token.connect(dave).transfer(carol.address, KC(50));
          expect(await registry.spentToday(dave.address)).to.deep.equal([KC(50), BigInt(await time.latest())]);
        });
      });

      describe("when the amount is zero", () => {
        it("opens no window: the next non-zero send does", async () => {
          const { token, registry, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await expect(token.connect(dave).transfer(carol.address, 0))
            .to.emit(token, "Transfer")
            .withArgs(dave.address, carol.address, 0);
          expect(await registry.spentToday(dave.address)).to.deep.equal([0n, 0n]);
          await time.increase(60 * 60);
          await token.connect(dave).transfer(carol.address, KC(100));
          expect(await registry.spentToday(dave.address)).to.deep.equal([KC(100), BigInt(await time.latest())]);
        });

        it("goes through when earlier sends are above a lowered limit, leaving the window as it was", async () => {
          const { token, registry, admin, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await token.connect(dave).transfer(carol.address, KC(600));
          const opened = BigInt(await time.latest());
          await registry.connect(admin).setDailyLimit(0, KC(500));
          await expect(token.connect(dave).transfer(carol.address, 0)).to.emit(token, "Transfer");
          expect(await registry.spentToday(dave.address)).to.deep.equal([KC(600), opened]);
        });
      });

      describe("when the sender redeems", () => {
        it("counts redemptions against the limit", async () => {
          const { token, registry, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await token.connect(dave).redeem(KC(600), ref("payout-1"));
          expect((await registry.spentToday(dave.address))[0]).to.equal(KC(600));
          await expect(token.connect(dave).transfer(carol.address, KC(400) + 1n))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(dave.address, 0, KC(1_000), KC(600), KC(400) + 1n);
          await expect(token.connect(dave).redeem(KC(400) + 1n, ref("payout-2")))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(dave.address, 0, KC(1_000), KC(600), KC(400) + 1n);
        });
      });

      describe("when the account receives", () => {
        it("does not count receipts against its limit", async () => {
          const { token, registry, alice, carol } = await loadFixture(deployTieredHoldersFixture);
          await token.connect(alice).transfer(carol.address, KC(5_000));
          expect(await registry.spentToday(carol.address)).to.deep.equal([0n, 0n]);
          await expect(token.connect(carol).transfer(alice.address, KC(1_000))).to.changeTokenBalance(
            token,
            carol,
            -KC(1_000),
          );
        });
      });

      describe("when the spender is not the owner (transferFrom)", () => {
        it("counts the amount against the owner, not the spender", async () => {
          const { token, registry, dave, carol, stranger } = await loadFixture(deployTieredHoldersFixture);
          await token.connect(dave).approve(stranger.address, KC(2_000));
          await token.connect(stranger).transferFrom(dave.address, carol.address, KC(700));
          expect((await registry.spentToday(dave.address))[0]).to.equal(KC(700));
          expect(await registry.spentToday(stranger.address)).to.deep.equal([0n, 0n]);
          await expect(token.connect(stranger).transferFrom(dave.address, carol.address, KC(301)))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(dave.address, 0, KC(1_000), KC(700), KC(301));
        });
      });

      describe("when the sender is exempt", () => {
        it("has no limit and records nothing", async () => {
          const { token, registry, admin, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await registry.connect(admin).setExempt(dave.address, true);
          await expect(token.connect(dave).transfer(carol.address, KC(30_000))).to.changeTokenBalance(
            token,
            dave,
            -KC(30_000),
          );
          expect(await registry.spentToday(dave.address)).to.deep.equal([0n, 0n]);
        });

        it("is still blocked when frozen", async () => {
          const { token, registry, admin, officer, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await registry.connect(admin).setExempt(dave.address, true);
          await registry.connect(officer).freeze(dave.address, REASON);
          await expect(token.connect(dave).transfer(carol.address, KC(1)))
            .to.be.revertedWithCustomError(registry, "ComplianceSenderFrozen")
            .withArgs(dave.address);
        });

        it("is still screened against the sanctions list", async () => {
          const { token, registry, sanctions, admin, officer, dave, carol } =
            await loadFixture(deployTieredHoldersFixture);
          await registry.connect(admin).setExempt(dave.address, true);
          await sanctions.connect(officer).addToSanctionsList([dave.address]);
          await expect(token.connect(dave).transfer(carol.address, KC(1)))
            .to.be.revertedWithCustomError(registry, "ComplianceSenderSanctioned")
            .withArgs(dave.address);
        });

        it("is limited again once the exemption is lifted", async () => {
          const { token, registry, admin, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await registry.connect(admin).setExempt(dave.address, true);
          await registry.connect(admin).setExempt(dave.address, false);
          await expect(token.connect(dave).transfer(carol.address, KC(1_000) + 1n))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(dave.address, 0, KC(1_000), 0, KC(1_000) + 1n);
        });
      });

      describe("when the admin changes a limit", () => {
        it("applies a lower limit at once", async () => {
          const { token, registry, admin, alice, bob } = await loadFixture(deployTieredHoldersFixture);
          await registry.connect(admin).setDailyLimit(1, KC(100));
          await token.connect(alice).transfer(bob.address, KC(100));
          await expect(token.connect(alice).transfer(bob.address, 1n))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(alice.address, 1, KC(100), KC(100), 1n);
        });

        it("blocks further sends when lowered below what was spent in the window", async () => {
          const { token, registry, admin, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await token.connect(dave).transfer(carol.address, KC(600));
          await registry.connect(admin).setDailyLimit(0, KC(500));
          await expect(token.connect(dave).transfer(carol.address, 1n))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(dave.address, 0, KC(500), KC(600), 1n);
        });

        it("applies a higher limit at once", async () => {
          const { token, registry, admin, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await token.connect(dave).transfer(carol.address, KC(1_000));
          await registry.connect(admin).setDailyLimit(0, KC(3_000));
          await expect(token.connect(dave).transfer(carol.address, KC(2_000))).to.changeTokenBalance(
            token,
            dave,
            -KC(2_000),
          );
        });

        it("removes the limit when set to UNLIMITED", async () => {
          const { token, registry, admin, dave, carol } = await loadFixture(deployTieredHoldersFixture);
          await registry.connect(admin).setDailyLimit(0, UNLIMITED);
          await expect(token.connect(dave).transfer(carol.address, KC(30_000))).to.changeTokenBalance(
            token,
            dave,
            -KC(30_000),
          );
        });
      });

      describe("when the verifier changes the sender's tier", () => {
        it("applies the new tier's limit", async () => {
          const { token, registry, verifier, alice, bob } = await loadFixture(deployTieredHoldersFixture);
          await registry.connect(verifier).setTier(alice.address, 0);
          await expect(token.connect(alice).transfer(bob.address, KC(1_000) + 1n))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(alice.address, 0, KC(1_000), 0, KC(1_000) + 1n);
        });
      });
    });
  });

  describe("canTransfer", () => {
    // Each case sets up the funded community and asks about one transfer; none of them reverts.
    type F = Awaited<ReturnType<typeof deployTieredHoldersFixture>>;
    const cases: {
      when: string;
      setup?: (f: F) => Promise<unknown>;
      query: (f: F) => [from: string, to: string, amount: bigint];
      verdict: Verdict;
    }[] = [
      {
        when: "the transfer is within every rule",
        query: (f) => [f.alice.address, f.bob.address, KC(100)],
        verdict: Verdict.Allowed,
      },
      {
        when: "the token is paused",
        setup: (f) => f.token.connect(f.pauser).pause(),
        query: (f) => [f.alice.address, f.bob.address, KC(100)],
        verdict: Verdict.TokenPaused,
      },
      {
        when: "the sender's balance is too small",
        query: (f) => [f.carol.address, f.bob.address, KC(500) + 1n],
        verdict: Verdict.InsufficientBalance,
      },
      {
        when: "the sender is frozen",
        setup: (f) => f.registry.connect(f.officer).freeze(f.alice.address, REASON),
        query: (f) => [f.alice.address, f.bob.address, KC(100)],
        verdict: Verdict.SenderFrozen,
      },
      {
        when: "the recipient is frozen",
        setup: (f) => f.registry.connect(f.officer).freeze(f.bob.address, REASON),
        query: (f) => [f.alice.address, f.bob.address, KC(100)],
        verdict: Verdict.RecipientFrozen,
      },
      {
        when: "the sender is sanctioned",
        setup: (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.alice.address]),
        query: (f) => [f.alice.address, f.bob.address, KC(100)],
        verdict: Verdict.SenderSanctioned,
      },
      {
        when: "the recipient is sanctioned",
        setup: (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]),
        query: (f) => [f.alice.address, f.bob.address, KC(100)],
        verdict: Verdict.RecipientSanctioned,
      },
      {
        when: "the transfer would pass the daily limit",
        query: (f) => [f.dave.address, f.bob.address, KC(1_000) + 1n],
        verdict: Verdict.DailyLimitExceeded,
      },
      {
        when: "earlier sends leave too little of the daily limit",
        setup: (f) => f.token.connect(f.dave).transfer(f.bob.address, KC(900)),
        query: (f) => [f.dave.address, f.bob.address, KC(100) + 1n],
        verdict: Verdict.DailyLimitExceeded,
      },
      {
        when: "the transfer is a mint to a frozen account",
        setup: (f) => f.registry.connect(f.officer).freeze(f.bob.address, REASON),
        query: (f) => [ethers.ZeroAddress, f.bob.address, KC(100)],
        verdict: Verdict.RecipientFrozen,
      },
      {
        when: "the transfer is a mint above every limit",
        query: (f) => [ethers.ZeroAddress, f.dave.address, KC(1_000_000)],
        verdict: Verdict.Allowed,
      },
      {
        when: "the transfer is a redemption by a sanctioned account",
        setup: (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.alice.address]),
        query: (f) => [f.alice.address, ethers.ZeroAddress, KC(100)],
        verdict: Verdict.SenderSanctioned,
      },
      {
        when: "the token is paused and the sender frozen (the pause is reported first)",
        setup: async (f) => {
          await f.registry.connect(f.officer).freeze(f.alice.address, REASON);
          await f.token.connect(f.pauser).pause();
        },
        query: (f) => [f.alice.address, f.bob.address, KC(100)],
        verdict: Verdict.TokenPaused,
      },
      // The order the token enforces: the pause, then the compliance rules, then (only if they allow) the balance.
      {
        when: "the balance is too small and the sender frozen (compliance is reported first)",
        setup: (f) => f.registry.connect(f.officer).freeze(f.carol.address, REASON),
        query: (f) => [f.carol.address, f.bob.address, KC(600)],
        verdict: Verdict.SenderFrozen,
      },
      {
        when: "the balance is too small and the recipient sanctioned (compliance is reported first)",
        setup: (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]),
        query: (f) => [f.carol.address, f.bob.address, KC(600)],
        verdict: Verdict.RecipientSanctioned,
      },
      {
        when: "the balance is too small and the daily limit would be passed (the limit is reported first)",
        query: (f) => [f.carol.address, f.bob.address, KC(1_000) + 1n],
        verdict: Verdict.DailyLimitExceeded,
      },
      {
        when: "the amount is zero and the sender frozen",
        setup: (f) => f.registry.connect(f.officer).freeze(f.alice.address, REASON),
        query: (f) => [f.alice.address, f.bob.address, 0n],
        verdict: Verdict.SenderFrozen,
      },
      {
        when: "the amount is zero and earlier sends are above a lowered limit",
        setup: async (f) => {
          await f.token.connect(f.dave).transfer(f.bob.address, KC(600));
          await f.registry.connect(f.admin).setDailyLimit(0, KC(500));
        },
        query: (f) => [f.dave.address, f.bob.address, 0n],
        verdict: Verdict.Allowed,
      },
    ];

    for (const { when, setup, query, verdict } of cases) {
      describe(`when ${when}`, () => {
        it(`returns (${verdict === Verdict.Allowed}, ${Verdict[verdict]})`, async () => {
          const f = await loadFixture(deployTieredHoldersFixture);
          if (setup) await setup(f);
          expect(await f.registry.canTransfer(...query(f))).to.deep.equal([
            verdict === Verdict.Allowed,
            BigInt(verdict),
          ]);
        });
      });
    }
  });
});

import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import {
  BUSINESS_TIER,
  CATEGORY,
  COMPLIANCE_ROLE,
  deployBusinessFixture,
  MerchantStatus,
  profile,
  timelockOf,
  VERIFIER_ROLE,
} from "./fixtures";

const REASON = ethers.encodeBytes32String("complaints");

describe("MerchantRegistry", () => {
  describe("deployment", () => {
    it("reads communities from the federation, and names the roles and the business tier", async () => {
      const f = await loadFixture(deployBusinessFixture);
      expect(await f.merchants.federation()).to.equal(f.addresses.federation);
      expect(await f.merchants.VERIFIER_ROLE()).to.equal(VERIFIER_ROLE);
      expect(await f.merchants.COMPLIANCE_ROLE()).to.equal(COMPLIANCE_ROLE);
      expect(await f.merchants.BUSINESS_TIER()).to.equal(BUSINESS_TIER);
      // the roles are those of the communities' compliance registries
      expect(await f.katy.registry.VERIFIER_ROLE()).to.equal(VERIFIER_ROLE);
      expect(await f.katy.registry.COMPLIANCE_ROLE()).to.equal(COMPLIANCE_ROLE);
    });
  });

  describe("register", () => {
    it("registers the caller in the token's community as Pending, with its profile and the time", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const p = profile("stranger-store");
      await expect(f.merchants.connect(f.stranger).register(f.monterrey.address, CATEGORY.retail, p.uri, p.hash))
        .to.emit(f.merchants, "MerchantRegistered")
        .withArgs(f.stranger.address, f.monterrey.address, CATEGORY.retail, p.uri, p.hash);
      const m = await f.merchants.merchantOf(f.stranger.address);
      expect(m.token).to.equal(f.monterrey.address);
      expect(m.status).to.equal(MerchantStatus.Pending);
      expect(m.registeredAt).to.equal(await time.latest());
      expect(m.category).to.equal(CATEGORY.retail);
      expect(m.metadataURI).to.equal(p.uri);
      expect(m.metadataHash).to.equal(p.hash);
      expect(await f.merchants.isActive(f.stranger.address, f.monterrey.address)).to.equal(false);
    });

    it("accepts a zero metadata hash (only the category and the URI are required)", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await expect(
        f.merchants.connect(f.stranger).register(f.katy.address, CATEGORY.cafe, "https://x", ethers.ZeroHash),
      )
        .to.emit(f.merchants, "MerchantRegistered")
        .withArgs(f.stranger.address, f.katy.address, CATEGORY.cafe, "https://x", ethers.ZeroHash);
    });

    it("reverts with MerchantUnknownCommunity for a token that is not a federation community's", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const p = profile("x");
      for (const token of [
        ethers.ZeroAddress,
        await f.katy.registry.getAddress(),
        f.addresses.pool,
        f.stranger.address,
      ]) {
        await expect(f.merchants.connect(f.stranger).register(token, CATEGORY.cafe, p.uri, p.hash))
          .to.be.revertedWithCustomError(f.merchants, "MerchantUnknownCommunity")
          .withArgs(token);
      }
      // checked first: an unknown community with an invalid profile names the community
      await expect(f.merchants.connect(f.stranger).register(f.stranger.address, ethers.ZeroHash, "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.merchants, "MerchantUnknownCommunity")
        .withArgs(f.stranger.address);
    });

    it("reverts with MerchantAlreadyRegistered in any status, and in another community too", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const p = profile("again");
      await f.merchants.connect(f.verifier).suspend(f.bakery.address, REASON);
      for (const [merchant, token] of [
        [f.newcomer, f.katy.address], // Pending
        [f.shop, f.katy.address], // Verified
        [f.shop, f.houston.address], // Verified, another community
        [f.bakery, f.monterrey.address], // Suspended
      ] as const) {
        await expect(f.merchants.connect(merchant).register(token, CATEGORY.cafe, p.uri, p.hash))
          .to.be.revertedWithCustomError(f.merchants, "MerchantAlreadyRegistered")
          .withArgs(merchant.address);
      }
    });

    it("reverts with MerchantInvalidProfile without a category or a metadata URI", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const p = profile("y");
      await expect(
        f.merchants.connect(f.stranger).register(f.katy.address, ethers.ZeroHash, p.uri, p.hash),
      ).to.be.revertedWithCustomError(f.merchants, "MerchantInvalidProfile");
      await expect(
        f.merchants.connect(f.stranger).register(f.katy.address, CATEGORY.cafe, "", p.hash),
      ).to.be.revertedWithCustomError(f.merchants, "MerchantInvalidProfile");
    });
  });

  describe("updateProfile", () => {
    it("updates the category and metadata, keeping the community, the status and the registration time", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const before = await f.merchants.merchantOf(f.shop.address);
      const p = profile("shop-v2");
      await expect(f.merchants.connect(f.shop).updateProfile(CATEGORY.restaurant, p.uri, p.hash))
        .to.emit(f.merchants, "MerchantProfileUpdated")
        .withArgs(f.shop.address, CATEGORY.restaurant, p.uri, p.hash);
      const m = await f.merchants.merchantOf(f.shop.address);
      expect([m.category, m.metadataURI, m.metadataHash]).to.deep.equal([CATEGORY.restaurant, p.uri, p.hash]);
      expect([m.token, m.status, m.registeredAt]).to.deep.equal([
        before.token,
        BigInt(MerchantStatus.Verified),
        before.registeredAt,
      ]);
      expect(await f.merchants.isActive(f.shop.address, f.katy.address)).to.equal(true);
    });

    it("is open to Pending and Suspended merchants too", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.merchants.connect(f.officer).suspend(f.bakery.address, REASON);
      for (const merchant of [f.newcomer, f.bakery]) {
        const p = profile(`${merchant.address}-v2`);
        await expect(f.merchants.connect(merchant).updateProfile(CATEGORY.retail, p.uri, p.hash))
          .to.emit(f.merchants, "MerchantProfileUpdated")
          .withArgs(merchant.address, CATEGORY.retail, p.uri, p.hash);
      }
      expect((await f.merchants.merchantOf(f.newcomer.address)).status).to.equal(MerchantStatus.Pending);
      expect((await f.merchants.merchantOf(f.bakery.address)).status).to.equal(MerchantStatus.Suspended);
    });

    it("reverts with MerchantWrongStatus(caller, None, Pending) for an unregistered caller", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const p = profile("z");
      await expect(f.merchants.connect(f.stranger).updateProfile(CATEGORY.cafe, p.uri, p.hash))
        .to.be.revertedWithCustomError(f.merchants, "MerchantWrongStatus")
        .withArgs(f.stranger.address, MerchantStatus.None, MerchantStatus.Pending);
    });

    it("reverts with MerchantInvalidProfile without a category or a metadata URI", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await expect(
        f.merchants.connect(f.shop).updateProfile(ethers.ZeroHash, "ipfs://x", ethers.ZeroHash),
      ).to.be.revertedWithCustomError(f.merchants, "MerchantInvalidProfile");
      await expect(
        f.merchants.connect(f.shop).updateProfile(CATEGORY.cafe, "", ethers.ZeroHash),
      ).to.be.revertedWithCustomError(f.merchants, "MerchantInvalidProfile");
    });
  });

  describe("verify", () => {
    it("lets the community's verifier verify a Pending merchant at KYC tier 2: it becomes active in its token", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.katy.registry.connect(f.verifier).setTier(f.newcomer.address, BUSINESS_TIER);
      await expect(f.merchants.connect(f.verifier).verify(f.newcomer.address))
        .to.emit(f.merchants, "MerchantVerified")
        .withArgs(f.newcomer.address, f.katy.address, f.verifier.address);
      expect((await f.merchants.merchantOf(f.newcomer.address)).status).to.equal(MerchantStatus.Verified);
      expect(await f.merchants.isActive(f.newcomer.address, f.katy.address)).to.equal(true);
      expect(await f.merchants.isActive(f.newcomer.address, f.houston.address)).to.equal(false);
    });

    it("reverts with MerchantNotBusinessTier(merchant, tier) below tier 2", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await expect(f.merchants.connect(f.verifier).verify(f.newcomer.address))
        .to.be.revertedWithCustomError(f.merchants, "MerchantNotBusinessTier")
        .withArgs(f.newcomer.address, 0);
      await f.katy.registry.connect(f.verifier).setTier(f.newcomer.address, 1);
      await expect(f.merchants.connect(f.verifier).verify(f.newcomer.address))
        .to.be.revertedWithCustomError(f.merchants, "MerchantNotBusinessTier")
        .withArgs(f.newcomer.address, 1);
    });

    it("counts the tier in the merchant's own community only", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.houston.registry.connect(f.verifier).setTier(f.newcomer.address, BUSINESS_TIER);
      await expect(f.merchants.connect(f.verifier).verify(f.newcomer.address))
        .to.be.revertedWithCustomError(f.merchants, "MerchantNotBusinessTier")
        .withArgs(f.newcomer.address, 0);
    });

    it("reverts with MerchantUnauthorized(caller, VERIFIER_ROLE) for anyone but the community's verifier", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.katy.registry.connect(f.verifier).setTier(f.newcomer.address, BUSINESS_TIER);
      // houston's own verifier (granted by houston's timelock) is not katy's
      const houstonVerifier = f.newRep;
      await f.houston.registry.connect(await timelockOf(f.houston)).grantRole(VERIFIER_ROLE, houstonVerifier.address);
      for (const caller of [f.officer, f.minter, f.stranger, f.newcomer, houstonVerifier]) {
        await expect(f.merchants.connect(caller).verify(f.newcomer.address))
          .to.be.revertedWithCustomError(f.merchants, "MerchantUnauthorized")
          .withArgs(caller.address, VERIFIER_ROLE);
      }
      // the role checked before the tier
      await f.katy.registry.connect(f.verifier).setTier(f.newcomer.address, 0);
      await expect(f.merchants.connect(f.stranger).verify(f.newcomer.address))
        .to.be.revertedWithCustomError(f.merchants, "MerchantUnauthorized")
        .withArgs(f.stranger.address, VERIFIER_ROLE);
    });

    it("reverts with MerchantWrongStatus(merchant, status, Pending) unless Pending", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.merchants.connect(f.officer).suspend(f.bakery.address, REASON);
      for (const [merchant, status] of [
        [f.stranger.address, MerchantStatus.None],
        [f.shop.address, MerchantStatus.Verified],
        [f.bakery.address, MerchantStatus.Suspended],
      ] as const) {
        await expect(f.merchants.connect(f.verifier).verify(merchant))
          .to.be.revertedWithCustomError(f.merchants, "MerchantWrongStatus")
          .withArgs(merchant, status, MerchantStatus.Pending);
      }
    });
  });

  describe("suspend and reinstate", () => {
    for (const who of ["officer", "verifier"] as const) {
      it(`lets the community's ${who === "officer" ? "compliance officer" : "verifier"} suspend and reinstate a verified merchant`, async () => {
        const f = await loadFixture(deployBusinessFixture);
        const by = f[who];
        await expect(f.merchants.connect(by).suspend(f.shop.address, REASON))
          .to.emit(f.merchants, "MerchantSuspended")
          .withArgs(f.shop.address, f.katy.address, by.address, REASON);
        expect((await f.merchants.merchantOf(f.shop.address)).status).to.equal(MerchantStatus.Suspended);
        expect(await f.merchants.isActive(f.shop.address, f.katy.address)).to.equal(false);

        await expect(f.merchants.connect(by).reinstate(f.shop.address))
          .to.emit(f.merchants, "MerchantReinstated")
          .withArgs(f.shop.address, f.katy.address, by.address);
        expect((await f.merchants.merchantOf(f.shop.address)).status).to.equal(MerchantStatus.Verified);
        expect(await f.merchants.isActive(f.shop.address, f.katy.address)).to.equal(true);
      });
    }

    it("reverts with MerchantUnauthorized(caller, COMPLIANCE_ROLE) for anyone else, another community's officer too", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const houstonOfficer = f.newRep;
      await f.houston.registry.connect(await timelockOf(f.houston)).grantRole(COMPLIANCE_ROLE, houstonOfficer.address);
      for (const caller of [f.minter, f.pauser, f.stranger, f.shop, houstonOfficer]) {
        await expect(f.merchants.connect(caller).suspend(f.shop.address, REASON))
          .to.be.revertedWithCustomError(f.merchants, "MerchantUnauthorized")
          .withArgs(caller.address, COMPLIANCE_ROLE);
      }
      await f.merchants.connect(f.officer).suspend(f.shop.address, REASON);
      for (const caller of [f.minter, f.stranger, f.shop, houstonOfficer]) {
        await expect(f.merchants.connect(caller).reinstate(f.shop.address))
          .to.be.revertedWithCustomError(f.merchants, "MerchantUnauthorized")
          .withArgs(caller.address, COMPLIANCE_ROLE);
      }
      // but houston's officer acts on houston's merchants
      await expect(f.merchants.connect(houstonOfficer).suspend(f.tacos.address, REASON))
        .to.emit(f.merchants, "MerchantSuspended")
        .withArgs(f.tacos.address, f.houston.address, houstonOfficer.address, REASON);
    });

    it("suspend reverts with MerchantWrongStatus(merchant, status, Verified) unless Verified", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.merchants.connect(f.officer).suspend(f.bakery.address, REASON);
      for (const [merchant, status] of [
        [f.stranger.address, MerchantStatus.None],
        [f.newcomer.address, MerchantStatus.Pending],
        [f.bakery.address, MerchantStatus.Suspended],
      ] as const) {
        await expect(f.merchants.connect(f.officer).suspend(merchant, REASON))
          .to.be.revertedWithCustomError(f.merchants, "MerchantWrongStatus")
          .withArgs(merchant, status, MerchantStatus.Verified);
      }
    });

    it("reinstate reverts with MerchantWrongStatus(merchant, status, Suspended) unless Suspended", async () => {
      const f = await loadFixture(deployBusinessFixture);
      for (const [merchant, status] of [
        [f.stranger.address, MerchantStatus.None],
        [f.newcomer.address, MerchantStatus.Pending],
        [f.shop.address, MerchantStatus.Verified],
      ] as const) {
        await expect(f.merchants.connect(f.officer).reinstate(merchant))
          .to.be.revertedWithCustomError(f.merchants, "MerchantWrongStatus")
          .withArgs(merchant, status, MerchantStatus.Suspended);
      }
    });
  });

  describe("merchantOf and isActive", () => {
    it("reports an unknown merchant as an empty record with status None", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const m = await f.merchants.merchantOf(f.stranger.address);
      expect([m.token, m.status, m.registeredAt, m.category, m.metadataHash, m.metadataURI]).to.deep.equal([
        ethers.ZeroAddress,
        BigInt(MerchantStatus.None),
        0n,
        ethers.ZeroHash,
        ethers.ZeroHash,
        "",
      ]);
    });

    it("is true only for a Verified merchant in its own token", async () => {
      const f = await loadFixture(deployBusinessFixture);
      await f.merchants.connect(f.officer).suspend(f.bakery.address, REASON);
      const cases: [string, string, boolean][] = [
        [f.shop.address, f.katy.address, true],
        [f.shop.address, f.houston.address, false],
        [f.shop.address, ethers.ZeroAddress, false],
        [f.tacos.address, f.houston.address, true],
        [f.tacos.address, f.katy.address, false],
        [f.newcomer.address, f.katy.address, false],
        [f.bakery.address, f.katy.address, false],
        [f.stranger.address, f.katy.address, false],
        [f.stranger.address, ethers.ZeroAddress, false],
      ];
      for (const [merchant, token, active] of cases) {
        expect(await f.merchants.isActive(merchant, token), `${merchant} in ${token}`).to.equal(active);
      }
    });
  });
});

import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import type { SupplyChainRegistry } from "../../typechain-types";
import { asCommunity } from "../shared/federationFixtures";
import { ASSESSOR_ROLE, deploySupplyChainFixture, type SupplyChainFixture, VERIFIER_ROLE } from "./escrowFixtures";

/**
 * SupplyChainRegistry: katy's `farmer` (a registered producer) and `shop` (a verified merchant) create batches;
 * the verifier (or katy's own `inspector`) attests origins; `trucker` records checkpoints; `assessor` (granted by
 * katy's proposal) scores ethics and impact. Houston has its own carrier and merchant (`tacos`).
 */

type F = SupplyChainFixture;

const PRODUCT = ethers.id("gtin:00012345600012");
const DATA_HASH = ethers.id("batch/2024-coffee-17");
const DATA_URI = "ipfs://kc-supply/batch-2024-coffee-17.json";
const EVIDENCE_HASH = ethers.id("evidence/farm-visit");
const EVIDENCE_URI = "ipfs://kc-supply/evidence/farm-visit.pdf";
const LOCATION = ethers.id("UN/LOCODE:USKTY");
const REASON = ethers.id("revoked/misdeclared-farm");
const CATEGORY = {
  labor: ethers.id("LABOR"),
  environment: ethers.id("ENVIRONMENT"),
  community: ethers.id("COMMUNITY"),
};
const ZERO_HASH = ethers.ZeroHash;

/** The farmer's batch in katy (id 1). */
async function batchFixture() {
  const f = await deploySupplyChainFixture();
  await (await f.chain.connect(f.farmer).createBatch(f.katy.address, PRODUCT, DATA_HASH, DATA_URI)).wait();
  return { ...f, batchId: 1n };
}

/** {batchFixture} with its origin attested by the verifier. */
async function attestedFixture() {
  const f = await batchFixture();
  await (await f.chain.connect(f.verifier).attestOrigin(f.batchId, EVIDENCE_HASH, EVIDENCE_URI)).wait();
  return f;
}

/** {batchFixture} plus tacos's batch in houston (id 2). */
async function twoCommunitiesFixture() {
  const f = await batchFixture();
  await (await f.chain.connect(f.tacos).createBatch(f.houston.address, PRODUCT, DATA_HASH, DATA_URI)).wait();
  return { ...f, houstonBatch: 2n };
}

/**
 * The transparency score the indexer is to compute (documented in the contract): 40 for an attested origin, 30
 * scaled by min(checkpoints, 3) / 3, 30 scaled by the average latest score per category / 100.
 */
async function transparencyScore(chain: SupplyChainRegistry, batchId: bigint, categories: string[]) {
  const b = await chain.batchOf(batchId);
  const scores = (await Promise.all(categories.map((c) => chain.assessmentOf(batchId, c))))
    .filter((a) => a.assessor !== ethers.ZeroAddress)
    .map((a) => Number(a.score));
  const average = scores.length === 0 ? 0 : scores.reduce((x, y) => x + y, 0) / scores.length;
  return (b.originAttested ? 40 : 0) + (30 * Math.min(Number(b.checkpoints), 3)) / 3 + (30 * average) / 100;
}

describe("SupplyChainRegistry", () => {
  describe("constructor", () => {
    it("records the merchant registry and the roles it checks", async () => {
      const f = await loadFixture(deploySupplyChainFixture);
      expect(await f.chain.merchants()).to.equal(f.merchantsAddress);
      expect(await f.chain.VERIFIER_ROLE()).to.equal(VERIFIER_ROLE);
      expect(await f.chain.ASSESSOR_ROLE()).to.equal(ASSESSOR_ROLE);
      expect(await f.chain.MAX_SCORE()).to.equal(100n);
    });
  });

  for (const kind of ["Producer", "Carrier"] as const) {
    const set = (f: F, caller: Signer, token: string, account: string, registered: boolean) =>
      kind === "Producer"
        ? f.chain.connect(caller).setProducer(token, account, registered)
        : f.chain.connect(caller).setCarrier(token, account, registered);
    const is = (f: F, token: string, account: string) =>
      kind === "Producer" ? f.chain.isProducer(token, account) : f.chain.isCarrier(token, account);

    describe(`set${kind}`, () => {
      describe("when a verifier of the community registers or removes one", () => {
        it(`records it and emits ${kind}Set`, async () => {
          const f = await loadFixture(deploySupplyChainFixture);
          const who = f.dave.address;
          await expect(set(f, f.verifier, f.katy.address, who, true))
            .to.emit(f.chain, `${kind}Set`)
            .withArgs(f.katy.address, who, true, f.verifier.address);
          expect(await is(f, f.katy.address, who)).to.equal(true);
          expect(await is(f, f.houston.address, who)).to.equal(false);
          await expect(set(f, f.inspector, f.katy.address, who, false))
            .to.emit(f.chain, `${kind}Set`)
            .withArgs(f.katy.address, who, false, f.inspector.address);
          expect(await is(f, f.katy.address, who)).to.equal(false);
        });
      });

      describe("when it may not", () => {
        it("reverts with SupplyChainUnknownCommunity for a token outside the federation", async () => {
          const f = await loadFixture(deploySupplyChainFixture);
          await expect(set(f, f.verifier, f.dave.address, f.dave.address, true))
            .to.be.revertedWithCustomError(f.chain, "SupplyChainUnknownCommunity")
            .withArgs(f.dave.address);
        });

        it("reverts with SupplyChainUnauthorized without VERIFIER_ROLE in that community", async () => {
          const f = await loadFixture(deploySupplyChainFixture);
          for (const [caller, token] of [
            [f.stranger, f.katy.address],
            [f.assessor, f.katy.address],
            [f.officer, f.katy.address],
            [f.inspector, f.houston.address],
          ] as const) {
            await expect(set(f, caller, token, f.dave.address, true))
              .to.be.revertedWithCustomError(f.chain, "SupplyChainUnauthorized")
              .withArgs(caller.address, token, VERIFIER_ROLE);
          }
        });

        it("reverts with SupplyChainZeroAddress for the zero address", async () => {
          const f = await loadFixture(deploySupplyChainFixture);
          await expect(set(f, f.verifier, f.katy.address, ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
            f.chain,
            "SupplyChainZeroAddress",
          );
        });
      });
    });
  }

  describe("createBatch", () => {
    describe("when a producer creates a batch", () => {
      it("records it for a registered producer and emits BatchCreated", async () => {
        const f = await loadFixture(deploySupplyChainFixture);
        await expect(f.chain.connect(f.farmer).createBatch(f.katy.address, PRODUCT, DATA_HASH, DATA_URI))
          .to.emit(f.chain, "BatchCreated")
          .withArgs(1n, f.farmer.address, f.katy.address, PRODUCT, DATA_HASH, DATA_URI);
        const b = await f.chain.batchOf(1n);
        expect([b.producer, b.token, b.originAttested, b.originVerifier]).to.deep.equal([
          f.farmer.address,
          f.katy.address,
          false,
          ethers.ZeroAddress,
        ]);
        expect([b.checkpoints, b.categoriesAssessed, b.productId, b.dataHash, b.dataURI]).to.deep.equal([
          0n,
          0n,
          PRODUCT,
          DATA_HASH,
          DATA_URI,
        ]);
        expect(b.createdAt).to.equal(BigInt(await time.latest()));
        expect(await f.chain.batchCount()).to.equal(1n);
      });

      it("lets a verified merchant create batches in its community without registration", async () => {
        const f = await loadFixture(deploySupplyChainFixture);
        expect(await f.chain.isProducer(f.katy.address, f.shop.address)).to.equal(true);
        await expect(f.chain.connect(f.shop).createBatch(f.katy.address, PRODUCT, DATA_HASH, DATA_URI))
          .to.emit(f.chain, "BatchCreated")
          .withArgs(1n, f.shop.address, f.katy.address, PRODUCT, DATA_HASH, DATA_URI);
      });
    });

    describe("when it may not", () => {
      it("reverts with SupplyChainUnknownCommunity for a token outside the federation", async () => {
        const f = await loadFixture(deploySupplyChainFixture);
        await expect(f.chain.connect(f.farmer).createBatch(f.farmer.address, PRODUCT, DATA_HASH, DATA_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainUnknownCommunity")
          .withArgs(f.farmer.address);
      });

      it("reverts with SupplyChainNotProducer for non-producers, other communities' producers and pending merchants", async () => {
        const f = await loadFixture(deploySupplyChainFixture);
        for (const [caller, token] of [
          [f.stranger, f.katy.address],
          [f.verifier, f.katy.address],
          [f.farmer, f.houston.address],
          [f.shop, f.houston.address],
          [f.newcomer, f.katy.address],
        ] as const) {
          await expect(f.chain.connect(caller).createBatch(token, PRODUCT, DATA_HASH, DATA_URI))
            .to.be.revertedWithCustomError(f.chain, "SupplyChainNotProducer")
            .withArgs(token, caller.address);
        }
      });

      it("reverts with SupplyChainNotProducer once the producer is removed or the merchant suspended", async () => {
        const f = await loadFixture(deploySupplyChainFixture);
        await f.chain.connect(f.verifier).setProducer(f.katy.address, f.farmer.address, false);
        await f.merchants.connect(f.officer).suspend(f.shop.address, REASON);
        for (const caller of [f.farmer, f.shop]) {
          await expect(f.chain.connect(caller).createBatch(f.katy.address, PRODUCT, DATA_HASH, DATA_URI))
            .to.be.revertedWithCustomError(f.chain, "SupplyChainNotProducer")
            .withArgs(f.katy.address, caller.address);
        }
      });

      it("reverts with SupplyChainInvalidData for a zero product, a zero data hash or no URI", async () => {
        const f = await loadFixture(deploySupplyChainFixture);
        for (const [product, hash, uri] of [
          [ZERO_HASH, DATA_HASH, DATA_URI],
          [PRODUCT, ZERO_HASH, DATA_URI],
          [PRODUCT, DATA_HASH, ""],
        ] as const) {
          await expect(
            f.chain.connect(f.farmer).createBatch(f.katy.address, product, hash, uri),
          ).to.be.revertedWithCustomError(f.chain, "SupplyChainInvalidData");
        }
      });
    });
  });

  describe("attestOrigin", () => {
    describe("when a verifier of the batch's community attests", () => {
      it("records the attestation and emits OriginAttested", async () => {
        const f = await loadFixture(batchFixture);
        await expect(f.chain.connect(f.inspector).attestOrigin(f.batchId, EVIDENCE_HASH, EVIDENCE_URI))
          .to.emit(f.chain, "OriginAttested")
          .withArgs(f.batchId, f.inspector.address, EVIDENCE_HASH, EVIDENCE_URI);
        const b = await f.chain.batchOf(f.batchId);
        expect([b.originAttested, b.originVerifier]).to.deep.equal([true, f.inspector.address]);
      });
    });

    describe("when it may not", () => {
      it("reverts with SupplyChainUnknownBatch for an unknown batch", async () => {
        const f = await loadFixture(batchFixture);
        await expect(f.chain.connect(f.verifier).attestOrigin(2n, EVIDENCE_HASH, EVIDENCE_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainUnknownBatch")
          .withArgs(2n);
      });

      it("reverts with SupplyChainUnauthorized without VERIFIER_ROLE in the batch's community", async () => {
        const f = await loadFixture(twoCommunitiesFixture);
        for (const [caller, batchId, token] of [
          [f.stranger, f.batchId, f.katy.address],
          [f.assessor, f.batchId, f.katy.address],
          [f.trucker, f.batchId, f.katy.address],
          [f.inspector, f.houstonBatch, f.houston.address],
        ] as const) {
          await expect(f.chain.connect(caller).attestOrigin(batchId, EVIDENCE_HASH, EVIDENCE_URI))
            .to.be.revertedWithCustomError(f.chain, "SupplyChainUnauthorized")
            .withArgs(caller.address, token, VERIFIER_ROLE);
        }
      });

      it("reverts with SupplyChainConflictOfInterest when the verifier produced the batch", async () => {
        const f = await loadFixture(deploySupplyChainFixture);
        await f.chain.connect(f.verifier).setProducer(f.katy.address, f.inspector.address, true);
        await f.chain.connect(f.inspector).createBatch(f.katy.address, PRODUCT, DATA_HASH, DATA_URI);
        await expect(f.chain.connect(f.inspector).attestOrigin(1n, EVIDENCE_HASH, EVIDENCE_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainConflictOfInterest")
          .withArgs(1n, f.inspector.address);
      });

      it("reverts with SupplyChainOriginAlreadyAttested for a second attestation", async () => {
        const f = await loadFixture(attestedFixture);
        await expect(f.chain.connect(f.inspector).attestOrigin(f.batchId, EVIDENCE_HASH, EVIDENCE_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainOriginAlreadyAttested")
          .withArgs(f.batchId);
      });

      it("reverts with SupplyChainInvalidData without evidence", async () => {
        const f = await loadFixture(batchFixture);
        for (const [hash, uri] of [
          [ZERO_HASH, EVIDENCE_URI],
          [EVIDENCE_HASH, ""],
        ] as const) {
          await expect(f.chain.connect(f.verifier).attestOrigin(f.batchId, hash, uri)).to.be.revertedWithCustomError(
            f.chain,
            "SupplyChainInvalidData",
          );
        }
      });
    });
  });

  describe("revokeOrigin", () => {
    describe("when a verifier of the batch's community revokes", () => {
      it("clears the attestation and emits OriginRevoked; the origin may be attested again", async () => {
        const f = await loadFixture(attestedFixture);
        await expect(f.chain.connect(f.inspector).revokeOrigin(f.batchId, REASON))
          .to.emit(f.chain, "OriginRevoked")
          .withArgs(f.batchId, f.inspector.address, REASON);
        const b = await f.chain.batchOf(f.batchId);
        expect([b.originAttested, b.originVerifier]).to.deep.equal([false, ethers.ZeroAddress]);
        await expect(f.chain.connect(f.inspector).attestOrigin(f.batchId, EVIDENCE_HASH, EVIDENCE_URI))
          .to.emit(f.chain, "OriginAttested")
          .withArgs(f.batchId, f.inspector.address, EVIDENCE_HASH, EVIDENCE_URI);
      });
    });

    describe("when it may not", () => {
      it("reverts with SupplyChainUnknownBatch for an unknown batch", async () => {
        const f = await loadFixture(attestedFixture);
        await expect(f.chain.connect(f.verifier).revokeOrigin(0n, REASON))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainUnknownBatch")
          .withArgs(0n);
      });

      it("reverts with SupplyChainUnauthorized without VERIFIER_ROLE in the batch's community", async () => {
        const f = await loadFixture(attestedFixture);
        for (const caller of [f.stranger, f.farmer, f.assessor]) {
          await expect(f.chain.connect(caller).revokeOrigin(f.batchId, REASON))
            .to.be.revertedWithCustomError(f.chain, "SupplyChainUnauthorized")
            .withArgs(caller.address, f.katy.address, VERIFIER_ROLE);
        }
      });

      it("reverts with SupplyChainOriginNotAttested when nothing is attested", async () => {
        const f = await loadFixture(batchFixture);
        await expect(f.chain.connect(f.verifier).revokeOrigin(f.batchId, REASON))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainOriginNotAttested")
          .withArgs(f.batchId);
      });

      it("reverts with SupplyChainInvalidData without a reason", async () => {
        const f = await loadFixture(attestedFixture);
        await expect(f.chain.connect(f.verifier).revokeOrigin(f.batchId, ZERO_HASH)).to.be.revertedWithCustomError(
          f.chain,
          "SupplyChainInvalidData",
        );
      });
    });
  });

  describe("recordCheckpoint", () => {
    describe("when a carrier of the batch's community records one", () => {
      it("stores it in order and emits CheckpointRecorded with its index", async () => {
        const f = await loadFixture(batchFixture);
        const second = ethers.id("UN/LOCODE:USHOU");
        await expect(f.chain.connect(f.trucker).recordCheckpoint(f.batchId, LOCATION, DATA_HASH, DATA_URI))
          .to.emit(f.chain, "CheckpointRecorded")
          .withArgs(f.batchId, f.trucker.address, 0n, LOCATION, DATA_HASH, DATA_URI);
        const firstAt = await time.latest();
        await expect(f.chain.connect(f.trucker).recordCheckpoint(f.batchId, second, EVIDENCE_HASH, EVIDENCE_URI))
          .to.emit(f.chain, "CheckpointRecorded")
          .withArgs(f.batchId, f.trucker.address, 1n, second, EVIDENCE_HASH, EVIDENCE_URI);
        const checkpoints = await f.chain.checkpointsOf(f.batchId);
        expect(checkpoints.map((c) => [c.carrier, c.timestamp, c.locationHash, c.dataHash])).to.deep.equal([
          [f.trucker.address, BigInt(firstAt), LOCATION, DATA_HASH],
          [f.trucker.address, BigInt(await time.latest()), second, EVIDENCE_HASH],
        ]);
        expect((await f.chain.batchOf(f.batchId)).checkpoints).to.equal(2n);
      });
    });

    describe("when it may not", () => {
      it("reverts with SupplyChainUnknownBatch for an unknown batch", async () => {
        const f = await loadFixture(batchFixture);
        await expect(f.chain.connect(f.trucker).recordCheckpoint(3n, LOCATION, DATA_HASH, DATA_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainUnknownBatch")
          .withArgs(3n);
      });

      it("reverts with SupplyChainNotCarrier for non-carriers, other communities' carriers and removed carriers", async () => {
        const f = await loadFixture(twoCommunitiesFixture);
        const cases = [
          [f.stranger, f.batchId, f.katy.address],
          [f.verifier, f.batchId, f.katy.address],
          [f.farmer, f.batchId, f.katy.address],
          [f.houstonCarrier, f.batchId, f.katy.address],
          [f.trucker, f.houstonBatch, f.houston.address],
        ] as const;
        for (const [caller, batchId, token] of cases) {
          await expect(f.chain.connect(caller).recordCheckpoint(batchId, LOCATION, DATA_HASH, DATA_URI))
            .to.be.revertedWithCustomError(f.chain, "SupplyChainNotCarrier")
            .withArgs(token, caller.address);
        }
        await f.chain.connect(f.verifier).setCarrier(f.katy.address, f.trucker.address, false);
        await expect(f.chain.connect(f.trucker).recordCheckpoint(f.batchId, LOCATION, DATA_HASH, DATA_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainNotCarrier")
          .withArgs(f.katy.address, f.trucker.address);
      });

      it("reverts with SupplyChainInvalidData for a zero location or data hash, or no URI", async () => {
        const f = await loadFixture(batchFixture);
        for (const [location, hash, uri] of [
          [ZERO_HASH, DATA_HASH, DATA_URI],
          [LOCATION, ZERO_HASH, DATA_URI],
          [LOCATION, DATA_HASH, ""],
        ] as const) {
          await expect(
            f.chain.connect(f.trucker).recordCheckpoint(f.batchId, location, hash, uri),
          ).to.be.revertedWithCustomError(f.chain, "SupplyChainInvalidData");
        }
      });
    });
  });

  describe("assess", () => {
    describe("when an assessor of the batch's community scores it", () => {
      it("records the score per category and emits BatchAssessed", async () => {
        const f = await loadFixture(batchFixture);
        await expect(f.chain.connect(f.assessor).assess(f.batchId, CATEGORY.labor, 80, EVIDENCE_HASH, EVIDENCE_URI))
          .to.emit(f.chain, "BatchAssessed")
          .withArgs(f.batchId, f.assessor.address, CATEGORY.labor, 80, EVIDENCE_HASH, EVIDENCE_URI);
        const a = await f.chain.assessmentOf(f.batchId, CATEGORY.labor);
        expect([a.assessor, a.timestamp, a.score, a.evidenceHash]).to.deep.equal([
          f.assessor.address,
          BigInt(await time.latest()),
          80n,
          EVIDENCE_HASH,
        ]);
        expect((await f.chain.batchOf(f.batchId)).categoriesAssessed).to.equal(1n);
        expect((await f.chain.assessmentOf(f.batchId, CATEGORY.environment)).assessor).to.equal(ethers.ZeroAddress);
      });

      it("accepts the bounds 0 and 100; a new score in a category replaces the old one", async () => {
        const f = await loadFixture(batchFixture);
        await f.chain.connect(f.assessor).assess(f.batchId, CATEGORY.labor, 0, EVIDENCE_HASH, EVIDENCE_URI);
        await f.chain.connect(f.assessor).assess(f.batchId, CATEGORY.environment, 100, EVIDENCE_HASH, EVIDENCE_URI);
        await expect(f.chain.connect(f.assessor).assess(f.batchId, CATEGORY.labor, 65, DATA_HASH, DATA_URI))
          .to.emit(f.chain, "BatchAssessed")
          .withArgs(f.batchId, f.assessor.address, CATEGORY.labor, 65, DATA_HASH, DATA_URI);
        expect((await f.chain.assessmentOf(f.batchId, CATEGORY.labor)).score).to.equal(65n);
        expect((await f.chain.batchOf(f.batchId)).categoriesAssessed).to.equal(2n);
      });
    });

    describe("when it may not", () => {
      it("reverts with SupplyChainUnknownBatch for an unknown batch", async () => {
        const f = await loadFixture(batchFixture);
        await expect(f.chain.connect(f.assessor).assess(9n, CATEGORY.labor, 50, EVIDENCE_HASH, EVIDENCE_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainUnknownBatch")
          .withArgs(9n);
      });

      it("reverts with SupplyChainUnauthorized without ASSESSOR_ROLE in the batch's community", async () => {
        const f = await loadFixture(twoCommunitiesFixture);
        for (const [caller, batchId, token] of [
          [f.stranger, f.batchId, f.katy.address],
          [f.verifier, f.batchId, f.katy.address],
          [f.inspector, f.batchId, f.katy.address],
          [f.assessor, f.houstonBatch, f.houston.address],
        ] as const) {
          await expect(f.chain.connect(caller).assess(batchId, CATEGORY.labor, 50, EVIDENCE_HASH, EVIDENCE_URI))
            .to.be.revertedWithCustomError(f.chain, "SupplyChainUnauthorized")
            .withArgs(caller.address, token, ASSESSOR_ROLE);
        }
      });

      it("reverts with SupplyChainConflictOfInterest when the assessor produced the batch", async () => {
        const f = await loadFixture(deploySupplyChainFixture);
        await f.chain.connect(f.verifier).setProducer(f.katy.address, f.assessor.address, true);
        await f.chain.connect(f.assessor).createBatch(f.katy.address, PRODUCT, DATA_HASH, DATA_URI);
        await expect(f.chain.connect(f.assessor).assess(1n, CATEGORY.labor, 90, EVIDENCE_HASH, EVIDENCE_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainConflictOfInterest")
          .withArgs(1n, f.assessor.address);
      });

      it("reverts with SupplyChainInvalidScore above 100", async () => {
        const f = await loadFixture(batchFixture);
        for (const score of [101, 255]) {
          await expect(
            f.chain.connect(f.assessor).assess(f.batchId, CATEGORY.labor, score, EVIDENCE_HASH, EVIDENCE_URI),
          )
            .to.be.revertedWithCustomError(f.chain, "SupplyChainInvalidScore")
            .withArgs(score);
        }
      });

      it("reverts with SupplyChainInvalidData for a zero category, no evidence hash or no URI", async () => {
        const f = await loadFixture(batchFixture);
        for (const [category, hash, uri] of [
          [ZERO_HASH, EVIDENCE_HASH, EVIDENCE_URI],
          [CATEGORY.labor, ZERO_HASH, EVIDENCE_URI],
          [CATEGORY.labor, EVIDENCE_HASH, ""],
        ] as const) {
          await expect(
            f.chain.connect(f.assessor).assess(f.batchId, category, 50, hash, uri),
          ).to.be.revertedWithCustomError(f.chain, "SupplyChainInvalidData");
        }
      });

      it("reverts once katy's governance revokes the assessor's role", async () => {
        const f = await loadFixture(batchFixture);
        const tl = await asCommunity(f.katy);
        await f.katy.registry.connect(tl).revokeRole(ASSESSOR_ROLE, f.assessor.address);
        await expect(f.chain.connect(f.assessor).assess(f.batchId, CATEGORY.labor, 50, EVIDENCE_HASH, EVIDENCE_URI))
          .to.be.revertedWithCustomError(f.chain, "SupplyChainUnauthorized")
          .withArgs(f.assessor.address, f.katy.address, ASSESSOR_ROLE);
      });
    });
  });

  describe("lifecycle", () => {
    it("takes a batch from farm to shelf, and the events carry what the transparency score needs", async () => {
      const f = await loadFixture(deploySupplyChainFixture);
      const categories = Object.values(CATEGORY);
      await f.chain.connect(f.farmer).createBatch(f.katy.address, PRODUCT, DATA_HASH, DATA_URI);
      expect(await transparencyScore(f.chain, 1n, categories)).to.equal(0);

      await f.chain.connect(f.verifier).attestOrigin(1n, EVIDENCE_HASH, EVIDENCE_URI);
      expect(await transparencyScore(f.chain, 1n, categories)).to.equal(40);

      for (const place of ["farm", "mill", "port", "warehouse"]) {
        await f.chain.connect(f.trucker).recordCheckpoint(1n, ethers.id(place), ethers.id(`${place}-log`), DATA_URI);
      }
      expect(await transparencyScore(f.chain, 1n, categories)).to.equal(70);

      const scores = [90, 70, 80];
      for (const [i, category] of categories.entries()) {
        await f.chain.connect(f.assessor).assess(1n, category, scores[i]!, EVIDENCE_HASH, EVIDENCE_URI);
      }
      expect(await transparencyScore(f.chain, 1n, categories)).to.equal(40 + 30 + 24);

      await f.chain.connect(f.verifier).revokeOrigin(1n, REASON);
      expect(await transparencyScore(f.chain, 1n, categories)).to.equal(54);

      const c = f.chain;
      const counts = await Promise.all(
        [
          c.filters.BatchCreated(),
          c.filters.OriginAttested(),
          c.filters.CheckpointRecorded(),
          c.filters.BatchAssessed(),
          c.filters.OriginRevoked(),
        ].map(async (filter) => (await c.queryFilter(filter)).length),
      );
      expect(counts).to.deep.equal([1, 1, 4, 3, 1]);
    });
  });
});

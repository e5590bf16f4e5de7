import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BatchTransfer } from "../../typechain-types";
import { deployFundedCommunityFixture, KC } from "../shared/fixtures";

/** The funded community, alice verified at tier 2 (no daily limit), and a BatchTransfer she has approved. */
async function deployBatchTransferFixture() {
  const f = await deployFundedCommunityFixture();
  await f.registry.connect(f.verifier).setTier(f.alice.address, 2);
  const batch = (await ethers.deployContract("BatchTransfer")) as unknown as BatchTransfer;
  await f.token.connect(f.alice).approve(await batch.getAddress(), ethers.MaxUint256);
  return { ...f, batch };
}

describe("BatchTransfer", function () {
  describe("transferMany", function () {
    describe("when the lengths match", function () {
      it("moves each amount from the caller to its recipient, one Transfer log each, in order", async function () {
        const { token, batch, alice, bob, carol, dave } = await loadFixture(deployBatchTransferFixture);
        const recipients = [bob.address, carol.address, dave.address];
        const amounts = [KC(1), KC(2), KC(3)];
        const tx = batch.connect(alice).transferMany(await token.getAddress(), recipients, amounts);
        await expect(tx).to.changeTokenBalances(token, [alice, bob, carol, dave], [-KC(6), KC(1), KC(2), KC(3)]);
        const receipt = await (await tx).wait();
        const transfers = receipt!.logs
          .map((log) => token.interface.parseLog(log))
          .filter((parsed) => parsed?.name === "Transfer")
          .map((parsed) => [parsed!.args[0], parsed!.args[1], parsed!.args[2]]);
        expect(transfers).to.deep.equal(recipients.map((to, i) => [alice.address, to, amounts[i]]));
      });

      it("reverts the whole batch when one transfer breaks the token's rules", async function () {
        const { token, registry, batch, officer, alice, bob, carol } = await loadFixture(deployBatchTransferFixture);
        await registry.connect(officer).freeze(carol.address, ethers.id("bench"));
        await expect(
          batch.connect(alice).transferMany(await token.getAddress(), [bob.address, carol.address], [KC(1), KC(1)]),
        )
          .to.be.revertedWithCustomError(registry, "ComplianceRecipientFrozen")
          .withArgs(carol.address);
      });
    });

    describe("when the lengths differ", function () {
      it("reverts with BatchTransferLengthMismatch", async function () {
        const { token, batch, alice, bob } = await loadFixture(deployBatchTransferFixture);
        await expect(batch.connect(alice).transferMany(await token.getAddress(), [bob.address], [KC(1), KC(2)]))
          .to.be.revertedWithCustomError(batch, "BatchTransferLengthMismatch")
          .withArgs(1, 2);
      });
    });
  });
});

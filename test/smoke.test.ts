import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { deployFundedCommunityFixture, KC } from "./shared/fixtures";

describe("smoke", () => {
  it("transfers", async () => {
    const { token, alice, bob } = await loadFixture(deployFundedCommunityFixture);
    await expect(token.connect(alice).transfer(bob.address, KC(1))).to.changeTokenBalances(token, [alice, bob], [-KC(1), KC(1)]);
  });
});

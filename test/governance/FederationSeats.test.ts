import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { FederationSeats } from "../../typechain-types";
import {
  asFederation,
  deployFederationFixture,
  impersonate,
  keyOf,
  runCommunityProposal,
  seatOf,
} from "../shared/federationFixtures";

const SEAT_A = seatOf("town-a");
const SEAT_B = seatOf("town-b");

/**
 * A standalone FederationSeats owned by `owner` (standing in for the Federation contract); `holder` and `other`
 * stand in for two communities' timelocks, `rep` for a representative; `stranger` holds nothing.
 */
async function deploySeatsFixture() {
  const [owner, holder, other, rep, stranger] = await ethers.getSigners();
  const seats = (await ethers.deployContract("FederationSeats", [owner!.address])) as unknown as FederationSeats;
  return { seats, owner: owner!, holder: holder!, other: other!, rep: rep!, stranger: stranger! };
}

/** The seats above, with seat A minted to `holder` (self-delegated on mint). */
async function deployMintedSeatFixture() {
  const f = await deploySeatsFixture();
  await f.seats.connect(f.owner).mint(f.holder.address, SEAT_A);
  return { ...f, mintedAt: await time.latest() };
}

describe("FederationSeats", () => {
  describe("deployment", () => {
    it('is the ERC-721 "KC Federation Seat" (KCSEAT), owned by the given owner, with no seats', async () => {
      const { seats, owner } = await loadFixture(deploySeatsFixture);
      expect(await seats.name()).to.equal("KC Federation Seat");
      expect(await seats.symbol()).to.equal("KCSEAT");
      expect(await seats.owner()).to.equal(owner.address);
      expect(await seats.getPastTotalSupply((await time.latest()) - 1)).to.equal(0);
    });

    it("supports ERC-165, ERC-721 and ERC-721 metadata, and nothing made up", async () => {
      const { seats } = await loadFixture(deploySeatsFixture);
      expect(await seats.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await seats.supportsInterface("0x80ac58cd")).to.equal(true);
      expect(await seats.supportsInterface("0x5b5e139f")).to.equal(true);
      expect(await seats.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("numbers a community's seat by keccak256 of its id", async () => {
      const { seats } = await loadFixture(deploySeatsFixture);
      expect(await seats.seatOf("katy")).to.equal(BigInt(ethers.id("katy")));
      expect(await seats.seatOf("town-a")).to.equal(SEAT_A);
    });
  });

  describe("clock (EIP-6372)", () => {
    it("is the block timestamp, in mode=timestamp", async () => {
      const { seats } = await loadFixture(deploySeatsFixture);
      expect(await seats.clock()).to.equal(await time.latest());
      expect(await seats.CLOCK_MODE()).to.equal("mode=timestamp");
    });

    it("checkpoints votes by timestamp: getPastVotes at the mint's timestamp counts the seat, before it not", async () => {
      const { seats, holder, mintedAt } = await loadFixture(deployMintedSeatFixture);
      await time.increase(10);
      expect(await seats.getPastVotes(holder.address, mintedAt - 1)).to.equal(0);
      expect(await seats.getPastVotes(holder.address, mintedAt)).to.equal(1);
      expect(await seats.getPastTotalSupply(mintedAt - 1)).to.equal(0);
      expect(await seats.getPastTotalSupply(mintedAt)).to.equal(1);
    });

    it("reverts a lookup at the present or in the future with ERC5805FutureLookup", async () => {
      const { seats, holder } = await loadFixture(deployMintedSeatFixture);
      const now = await time.latest();
      await expect(seats.getPastVotes(holder.address, now + 100))
        .to.be.revertedWithCustomError(seats, "ERC5805FutureLookup")
        .withArgs(now + 100, now);
    });
  });

  describe("mint", () => {
    it("gives the seat to the holder, who votes with it at once (self-delegated), and emits the events", async () => {
      const { seats, owner, holder } = await loadFixture(deploySeatsFixture);
      const tx = seats.connect(owner).mint(holder.address, SEAT_A);
      await expect(tx).to.emit(seats, "Transfer").withArgs(ethers.ZeroAddress, holder.address, SEAT_A);
      await expect(tx).to.emit(seats, "DelegateChanged").withArgs(holder.address, ethers.ZeroAddress, holder.address);
      await expect(tx).to.emit(seats, "DelegateVotesChanged").withArgs(holder.address, 0, 1);
      expect(await seats.ownerOf(SEAT_A)).to.equal(holder.address);
      expect(await seats.balanceOf(holder.address)).to.equal(1);
      expect(await seats.delegates(holder.address)).to.equal(holder.address);
      expect(await seats.getVotes(holder.address)).to.equal(1);
    });

    it("keeps a delegation the holder made before it had a seat: the votes go to that delegate", async () => {
      const { seats, owner, holder, rep } = await loadFixture(deploySeatsFixture);
      await seats.connect(holder).delegate(rep.address);
      const tx = seats.connect(owner).mint(holder.address, SEAT_A);
      await expect(tx).to.not.emit(seats, "DelegateChanged");
      await expect(tx).to.emit(seats, "DelegateVotesChanged").withArgs(rep.address, 0, 1);
      expect(await seats.delegates(holder.address)).to.equal(rep.address);
      expect(await seats.getVotes(holder.address)).to.equal(0);
      expect(await seats.getVotes(rep.address)).to.equal(1);
    });

    it("reverts with FederationSeatsOneSeatPerHolder for a holder that has a seat", async () => {
      const { seats, owner, holder } = await loadFixture(deployMintedSeatFixture);
      await expect(seats.connect(owner).mint(holder.address, SEAT_B))
        .to.be.revertedWithCustomError(seats, "FederationSeatsOneSeatPerHolder")
        .withArgs(holder.address);
    });

    it("reverts with FederationSeatsNonTransferable for a seat that exists (minting it again would move it)", async () => {
      const { seats, owner, holder, other } = await loadFixture(deployMintedSeatFixture);
      await expect(seats.connect(owner).mint(other.address, SEAT_A))
        .to.be.revertedWithCustomError(seats, "FederationSeatsNonTransferable")
        .withArgs(SEAT_A);
      expect(await seats.ownerOf(SEAT_A)).to.equal(holder.address);
    });

    it("reverts with ERC721InvalidOwner for the zero address (its balance cannot be read)", async () => {
      const { seats, owner } = await loadFixture(deploySeatsFixture);
      await expect(seats.connect(owner).mint(ethers.ZeroAddress, SEAT_A))
        .to.be.revertedWithCustomError(seats, "ERC721InvalidOwner")
        .withArgs(ethers.ZeroAddress);
    });

    for (const who of ["holder", "rep", "stranger"] as const) {
      it(`reverts with OwnableUnauthorizedAccount for the ${who}`, async () => {
        const f = await loadFixture(deploySeatsFixture);
        await expect(f.seats.connect(f[who]).mint(f[who].address, SEAT_A))
          .to.be.revertedWithCustomError(f.seats, "OwnableUnauthorizedAccount")
          .withArgs(f[who].address);
      });
    }

    it("may give a holder a seat again after its seat was burned", async () => {
      const { seats, owner, holder } = await loadFixture(deployMintedSeatFixture);
      await seats.connect(owner).burn(SEAT_A);
      await expect(seats.connect(owner).mint(holder.address, SEAT_A))
        .to.emit(seats, "DelegateVotesChanged")
        .withArgs(holder.address, 0, 1);
      expect(await seats.ownerOf(SEAT_A)).to.equal(holder.address);
    });
  });

  describe("burn", () => {
    it("withdraws the seat: the holder's votes drop to zero now, and the past is kept", async () => {
      const { seats, owner, holder, mintedAt } = await loadFixture(deployMintedSeatFixture);
      const tx = seats.connect(owner).burn(SEAT_A);
      await expect(tx).to.emit(seats, "Transfer").withArgs(holder.address, ethers.ZeroAddress, SEAT_A);
      await expect(tx).to.emit(seats, "DelegateVotesChanged").withArgs(holder.address, 1, 0);
      const burnedAt = await time.latest();
      await time.increase(1);
      expect(await seats.getVotes(holder.address)).to.equal(0);
      expect(await seats.balanceOf(holder.address)).to.equal(0);
      expect(await seats.getPastVotes(holder.address, mintedAt)).to.equal(1);
      expect(await seats.getPastVotes(holder.address, burnedAt)).to.equal(0);
      expect(await seats.getPastTotalSupply(burnedAt)).to.equal(0);
      await expect(seats.ownerOf(SEAT_A))
        .to.be.revertedWithCustomError(seats, "ERC721NonexistentToken")
        .withArgs(SEAT_A);
    });

    it("takes the votes from the holder's delegate", async () => {
      const { seats, owner, holder, rep } = await loadFixture(deployMintedSeatFixture);
      await seats.connect(holder).delegate(rep.address);
      await expect(seats.connect(owner).burn(SEAT_A))
        .to.emit(seats, "DelegateVotesChanged")
        .withArgs(rep.address, 1, 0);
      expect(await seats.getVotes(rep.address)).to.equal(0);
    });

    it("reverts with ERC721NonexistentToken for a seat that does not exist", async () => {
      const { seats, owner } = await loadFixture(deployMintedSeatFixture);
      await expect(seats.connect(owner).burn(SEAT_B))
        .to.be.revertedWithCustomError(seats, "ERC721NonexistentToken")
        .withArgs(SEAT_B);
    });

    for (const who of ["holder", "rep", "stranger"] as const) {
      it(`reverts with OwnableUnauthorizedAccount for the ${who}${who === "holder" ? ", the seat's own holder" : ""}`, async () => {
        const f = await loadFixture(deployMintedSeatFixture);
        await expect(f.seats.connect(f[who]).burn(SEAT_A))
          .to.be.revertedWithCustomError(f.seats, "OwnableUnauthorizedAccount")
          .withArgs(f[who].address);
      });
    }
  });

  describe("transfers", () => {
    it("reverts transferFrom by the holder with FederationSeatsNonTransferable", async () => {
      const { seats, holder, other } = await loadFixture(deployMintedSeatFixture);
      await expect(seats.connect(holder).transferFrom(holder.address, other.address, SEAT_A))
        .to.be.revertedWithCustomError(seats, "FederationSeatsNonTransferable")
        .withArgs(SEAT_A);
    });

    it("reverts both safeTransferFrom overloads by the holder with FederationSeatsNonTransferable", async () => {
      const { seats, holder, other } = await loadFixture(deployMintedSeatFixture);
      const asHolder = seats.connect(holder);
      const [from, to] = [holder.address, other.address];
      await expect(asHolder["safeTransferFrom(address,address,uint256)"](from, to, SEAT_A))
        .to.be.revertedWithCustomError(seats, "FederationSeatsNonTransferable")
        .withArgs(SEAT_A);
      await expect(asHolder["safeTransferFrom(address,address,uint256,bytes)"](from, to, SEAT_A, "0x1234"))
        .to.be.revertedWithCustomError(seats, "FederationSeatsNonTransferable")
        .withArgs(SEAT_A);
    });

    it("reverts a transfer by an approved operator, and by the owner, with FederationSeatsNonTransferable", async () => {
      const { seats, owner, holder, other, rep } = await loadFixture(deployMintedSeatFixture);
      await expect(seats.connect(holder).approve(rep.address, SEAT_A)).to.emit(seats, "Approval");
      await seats.connect(holder).setApprovalForAll(other.address, true);
      for (const operator of [rep, other, owner]) {
        await expect(seats.connect(operator).transferFrom(holder.address, operator.address, SEAT_A))
          .to.be.revertedWithCustomError(seats, "FederationSeatsNonTransferable")
          .withArgs(SEAT_A);
      }
      expect(await seats.ownerOf(SEAT_A)).to.equal(holder.address);
      expect(await seats.getVotes(holder.address)).to.equal(1);
    });
  });

  describe("delegate", () => {
    it("lets the holder hand its vote to a representative, and take it back", async () => {
      const { seats, holder, rep } = await loadFixture(deployMintedSeatFixture);
      const tx = seats.connect(holder).delegate(rep.address);
      await expect(tx).to.emit(seats, "DelegateChanged").withArgs(holder.address, holder.address, rep.address);
      await expect(tx).to.emit(seats, "DelegateVotesChanged").withArgs(holder.address, 1, 0);
      await expect(tx).to.emit(seats, "DelegateVotesChanged").withArgs(rep.address, 0, 1);
      expect(await seats.getVotes(rep.address)).to.equal(1);
      expect(await seats.getVotes(holder.address)).to.equal(0);
      expect(await seats.ownerOf(SEAT_A)).to.equal(holder.address);

      await expect(seats.connect(holder).delegate(holder.address))
        .to.emit(seats, "DelegateChanged")
        .withArgs(holder.address, rep.address, holder.address);
      expect(await seats.getVotes(rep.address)).to.equal(0);
      expect(await seats.getVotes(holder.address)).to.equal(1);
    });

    it("moves nothing when someone without a seat delegates", async () => {
      const { seats, stranger, rep } = await loadFixture(deployMintedSeatFixture);
      await expect(seats.connect(stranger).delegate(rep.address)).to.not.emit(seats, "DelegateVotesChanged");
      expect(await seats.getVotes(rep.address)).to.equal(0);
    });

    it("lets a representative hold the votes of several seats", async () => {
      const { seats, owner, holder, other, rep } = await loadFixture(deployMintedSeatFixture);
      await seats.connect(owner).mint(other.address, SEAT_B);
      await seats.connect(holder).delegate(rep.address);
      await seats.connect(other).delegate(rep.address);
      expect(await seats.getVotes(rep.address)).to.equal(2);
    });

    it("keeps the delegation through a burn and a new mint: the votes return to the same representative", async () => {
      const { seats, owner, holder, rep } = await loadFixture(deployMintedSeatFixture);
      await seats.connect(holder).delegate(rep.address);
      await seats.connect(owner).burn(SEAT_A);
      expect(await seats.getVotes(rep.address)).to.equal(0);
      await expect(seats.connect(owner).mint(holder.address, SEAT_A))
        .to.emit(seats, "DelegateVotesChanged")
        .withArgs(rep.address, 0, 1);
      expect(await seats.delegates(holder.address)).to.equal(rep.address);
    });
  });

  describe("in the federation", () => {
    it("is owned by the Federation; each founder's timelock holds its seat, delegated to its representative", async () => {
      const f = await loadFixture(deployFederationFixture);
      expect(await f.seats.owner()).to.equal(f.addresses.federation);
      for (const [member, rep] of [
        [f.katy, f.repKaty],
        [f.houston, f.repHouston],
        [f.monterrey, f.repMonterrey],
      ] as const) {
        expect(await f.seats.ownerOf(BigInt(keyOf(member.id)))).to.equal(member.timelockAddress);
        expect(await f.seats.balanceOf(member.timelockAddress)).to.equal(1);
        expect(await f.seats.delegates(member.timelockAddress)).to.equal(rep.address);
        expect(await f.seats.getVotes(rep.address)).to.equal(1);
        expect(await f.seats.getVotes(member.timelockAddress)).to.equal(0);
      }
      expect(await f.seats.getPastTotalSupply((await time.latest()) - 1)).to.equal(3);
    });

    it("mints and burns only through the Federation: the federation's timelock and the deployer cannot", async () => {
      const f = await loadFixture(deployFederationFixture);
      const tl = await asFederation(f);
      for (const s of [tl, f.deployer]) {
        await expect(f.seats.connect(s).mint(s.address, 1))
          .to.be.revertedWithCustomError(f.seats, "OwnableUnauthorizedAccount")
          .withArgs(s.address);
        await expect(f.seats.connect(s).burn(seatOf("katy")))
          .to.be.revertedWithCustomError(f.seats, "OwnableUnauthorizedAccount")
          .withArgs(s.address);
      }
    });

    it("cannot be moved by a community's timelock, not even by its own proposal", async () => {
      const f = await loadFixture(deployFederationFixture);
      const data = f.seats.interface.encodeFunctionData("transferFrom", [
        f.katy.timelockAddress,
        f.repKaty.address,
        seatOf("katy"),
      ]);
      const tl = await impersonate(f.katy.timelockAddress);
      await expect(f.seats.connect(tl).transferFrom(f.katy.timelockAddress, f.repKaty.address, seatOf("katy")))
        .to.be.revertedWithCustomError(f.seats, "FederationSeatsNonTransferable")
        .withArgs(seatOf("katy"));
      await expect(runCommunityProposal(f, f.katy, [{ target: f.addresses.seats, data }], "Sell our seat"))
        .to.be.revertedWithCustomError(f.seats, "FederationSeatsNonTransferable")
        .withArgs(seatOf("katy"));
    });
  });
});

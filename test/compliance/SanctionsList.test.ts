import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { ethers } from "hardhat";
import type { SanctionsList } from "../../typechain-types";
import { deployCommunityFixture } from "../shared/fixtures";

const LISTER_ROLE = ethers.id("LISTER_ROLE");
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;

/** The arguments of every `name` event `contract` emitted in `tx`, in order. */
async function eventsOf(contract: SanctionsList, tx: ContractTransactionResponse, name: string) {
  const receipt = await tx.wait();
  return receipt!.logs
    .map((log) => contract.interface.parseLog(log))
    .filter((parsed) => parsed?.name === name)
    .map((parsed) => [...parsed!.args]);
}

/** The community's sanctions list, with alice already listed (by the officer, who holds LISTER_ROLE). */
async function deployListedFixture() {
  const f = await deployCommunityFixture();
  await f.sanctions.connect(f.officer).addToSanctionsList([f.alice.address]);
  return f;
}

describe("SanctionsList", () => {
  describe("constructor", () => {
    describe("when the admin is the zero address", () => {
      it("reverts with SanctionsListZeroAddress", async () => {
        const factory = await ethers.getContractFactory("SanctionsList");
        await expect(factory.deploy(ethers.ZeroAddress))
          .to.be.revertedWithCustomError(factory, "SanctionsListZeroAddress")
          .withArgs();
      });
    });

    describe("when the admin is a real account", () => {
      it("grants DEFAULT_ADMIN_ROLE to the admin, not to the deployer, and no LISTER_ROLE", async () => {
        const { admin, stranger } = await loadFixture(deployCommunityFixture);
        const list = (await ethers.deployContract(
          "SanctionsList",
          [stranger.address],
          admin,
        )) as unknown as SanctionsList;
        expect(await list.hasRole(DEFAULT_ADMIN_ROLE, stranger.address)).to.equal(true);
        expect(await list.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(false);
        expect(await list.hasRole(LISTER_ROLE, stranger.address)).to.equal(false);
      });

      it("emits RoleGranted for the admin", async () => {
        const { admin, stranger } = await loadFixture(deployCommunityFixture);
        const list = await ethers.deployContract("SanctionsList", [stranger.address], admin);
        await expect(list.deploymentTransaction()!)
          .to.emit(list, "RoleGranted")
          .withArgs(DEFAULT_ADMIN_ROLE, stranger.address, admin.address);
      });
    });
  });

  describe("LISTER_ROLE", () => {
    it("is keccak256('LISTER_ROLE')", async () => {
      const { sanctions } = await loadFixture(deployCommunityFixture);
      expect(await sanctions.LISTER_ROLE()).to.equal(LISTER_ROLE);
    });
  });

  describe("isSanctioned", () => {
    describe("when the address was never listed", () => {
      it("returns false", async () => {
        const { sanctions, alice } = await loadFixture(deployCommunityFixture);
        expect(await sanctions.isSanctioned(alice.address)).to.equal(false);
      });
    });

    describe("when the address is listed", () => {
      it("returns true for it and false for others", async () => {
        const { sanctions, alice, bob } = await loadFixture(deployListedFixture);
        expect(await sanctions.isSanctioned(alice.address)).to.equal(true);
        expect(await sanctions.isSanctioned(bob.address)).to.equal(false);
      });
    });
  });

  describe("addToSanctionsList", () => {
    describe("when the caller lacks LISTER_ROLE", () => {
      for (const who of ["stranger", "admin"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          const caller = f[who];
          await expect(f.sanctions.connect(caller).addToSanctionsList([f.alice.address]))
            .to.be.revertedWithCustomError(f.sanctions, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, LISTER_ROLE);
        });
      }
    });

    describe("when the caller holds LISTER_ROLE", () => {
      it("lists every address and emits SanctionedAddressAdded for each", async () => {
        const { sanctions, officer, alice, bob } = await loadFixture(deployCommunityFixture);
        const tx = sanctions.connect(officer).addToSanctionsList([alice.address, bob.address]);
        await expect(tx).to.emit(sanctions, "SanctionedAddressAdded").withArgs(alice.address, officer.address);
        await expect(tx).to.emit(sanctions, "SanctionedAddressAdded").withArgs(bob.address, officer.address);
        expect(await sanctions.isSanctioned(alice.address)).to.equal(true);
        expect(await sanctions.isSanctioned(bob.address)).to.equal(true);
      });

      it("works for a lister the admin grants the role to", async () => {
        const { sanctions, admin, stranger, alice } = await loadFixture(deployCommunityFixture);
        await sanctions.connect(admin).grantRole(LISTER_ROLE, stranger.address);
        await expect(sanctions.connect(stranger).addToSanctionsList([alice.address]))
          .to.emit(sanctions, "SanctionedAddressAdded")
          .withArgs(alice.address, stranger.address);
      });
    });

    describe("when an address is listed already", () => {
      it("keeps it listed and emits nothing for it", async () => {
        const { sanctions, officer, alice } = await loadFixture(deployListedFixture);
        await expect(sanctions.connect(officer).addToSanctionsList([alice.address])).not.to.emit(
          sanctions,
          "SanctionedAddressAdded",
        );
        expect(await sanctions.isSanctioned(alice.address)).to.equal(true);
      });

      it("emits once for an address repeated in one call", async () => {
        const { sanctions, officer, bob } = await loadFixture(deployCommunityFixture);
        const tx = await sanctions.connect(officer).addToSanctionsList([bob.address, bob.address]);
        expect(await eventsOf(sanctions, tx, "SanctionedAddressAdded")).to.deep.equal([[bob.address, officer.address]]);
      });
    });

    describe("when the list contains the zero address", () => {
      it("reverts with SanctionsListZeroAddress and lists nothing", async () => {
        const { sanctions, officer, bob } = await loadFixture(deployCommunityFixture);
        await expect(sanctions.connect(officer).addToSanctionsList([bob.address, ethers.ZeroAddress]))
          .to.be.revertedWithCustomError(sanctions, "SanctionsListZeroAddress")
          .withArgs();
        expect(await sanctions.isSanctioned(bob.address)).to.equal(false);
      });
    });

    describe("when the list is empty", () => {
      it("does nothing", async () => {
        const { sanctions, officer } = await loadFixture(deployCommunityFixture);
        await expect(sanctions.connect(officer).addToSanctionsList([])).not.to.emit(
          sanctions,
          "SanctionedAddressAdded",
        );
      });
    });
  });

  describe("removeFromSanctionsList", () => {
    describe("when the caller lacks LISTER_ROLE", () => {
      for (const who of ["stranger", "admin"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployListedFixture);
          const caller = f[who];
          await expect(f.sanctions.connect(caller).removeFromSanctionsList([f.alice.address]))
            .to.be.revertedWithCustomError(f.sanctions, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, LISTER_ROLE);
        });
      }
    });

    describe("when the address is listed", () => {
      it("unlists it and emits SanctionedAddressRemoved", async () => {
        const { sanctions, officer, alice } = await loadFixture(deployListedFixture);
        await expect(sanctions.connect(officer).removeFromSanctionsList([alice.address]))
          .to.emit(sanctions, "SanctionedAddressRemoved")
          .withArgs(alice.address, officer.address);
        expect(await sanctions.isSanctioned(alice.address)).to.equal(false);
      });
    });

    describe("when an address is not listed (or is zero)", () => {
      it("skips it without reverting or emitting, and still removes the listed ones", async () => {
        const { sanctions, officer, alice, bob } = await loadFixture(deployListedFixture);
        const tx = await sanctions
          .connect(officer)
          .removeFromSanctionsList([bob.address, ethers.ZeroAddress, alice.address]);
        expect(await eventsOf(sanctions, tx, "SanctionedAddressRemoved")).to.deep.equal([
          [alice.address, officer.address],
        ]);
        expect(await sanctions.isSanctioned(alice.address)).to.equal(false);
        expect(await sanctions.isSanctioned(bob.address)).to.equal(false);
      });
    });
  });
});

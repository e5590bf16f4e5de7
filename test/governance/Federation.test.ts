import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { ethers } from "hardhat";
import type { BridgePool, Federation } from "../../typechain-types";
import {
  addFederationPool,
  AMPLIFICATION,
  asCommunity,
  asFederation,
  attachMember,
  callTo,
  castVotes,
  currentParameters,
  DEFAULT_ADMIN_ROLE,
  delegateSeat,
  deployFederationFixture,
  executeProposal,
  type FederationFixture,
  fundVoters,
  impersonate,
  keyOf,
  LAUNCHER_ROLE,
  launchOutsideFederation,
  type Member,
  newCommunityConfig,
  openVoting,
  ORACLE,
  PARAMETERS,
  type FederationParameters,
  PAUSER_ROLE,
  queueProposal,
  RATES,
  REGISTRAR_ROLE,
  runCommunityProposal,
  runFederationProposal,
  seatOf,
  State,
  Status,
  submitProposal,
  toLocal,
  UNLIMITED,
  Vote,
} from "../shared/federationFixtures";

const CHARTER = { hash: ethers.id("KC Federation Charter v1"), uri: "ipfs://charter-v1" };
const CHARTER_2 = { hash: ethers.id("KC Federation Charter v2"), uri: "ipfs://charter-v2" };

/** The member record of `id` as a plain object. */
async function record(f: FederationFixture, id: string) {
  const m = await f.federation.member(id);
  return {
    id: m.id,
    status: Number(m.status),
    charterVersion: Number(m.charterVersion),
    launcher: m.launcher,
    timelock: m.timelock,
    token: m.token,
  };
}

/** The ParameterChanged events of a transaction, in order, as [parameter, old, new]. */
async function parameterChanges(f: FederationFixture, tx: Promise<ContractTransactionResponse>) {
  const receipt = await (await tx).wait();
  const changes: [string, bigint, bigint][] = [];
  for (const log of receipt!.logs) {
    if (log.address.toLowerCase() !== f.addresses.federation.toLowerCase()) continue;
    const parsed = f.federation.interface.parseLog(log);
    if (parsed?.name === "ParameterChanged") changes.push([parsed.args[0], parsed.args[1], parsed.args[2]]);
  }
  return changes;
}

/** The federation's timelock as a signer, and the Federation connected to it. */
async function asAdmin(f: FederationFixture): Promise<[HardhatEthersSigner, Federation]> {
  const tl = await asFederation(f);
  return [tl, f.federation.connect(tl)];
}

/** The fixture with a second federation pool, HOU/KATY (created with a 50 bps fee). */
async function deployTwoPoolsFixture() {
  const f = await deployFederationFixture();
  const pool2 = await addFederationPool(f, f.houston, f.katy);
  return { ...f, pool2, pool2Address: await pool2.getAddress() };
}

/** The fixture with "riverside" (USD) admitted, launcher newLauncher, not launched yet. */
async function deployAdmittedFixture() {
  const f = await deployFederationFixture();
  const [, fed] = await asAdmin(f);
  await fed.admit("riverside", f.newLauncher.address);
  return { ...f, riversideConfig: newCommunityConfig(f, "riverside") };
}

describe("Federation", () => {
  describe("deployment", () => {
    async function deployArgs(f: FederationFixture) {
      return [f.deployer.address, f.addresses.factory, f.addresses.seats, f.addresses.oracle] as const;
    }

    for (const [field, index] of [
      ["admin", 0],
      ["factory", 1],
      ["seats", 2],
      ["oracle", 3],
    ] as const) {
      it(`reverts with FederationZeroAddress("${field}") for a zero ${field}`, async () => {
        const f = await loadFixture(deployFederationFixture);
        const factory = await ethers.getContractFactory("Federation");
        const a: string[] = [...(await deployArgs(f))];
        a[index] = ethers.ZeroAddress;
        await expect(factory.deploy(a[0]!, a[1]!, a[2]!, a[3]!, PARAMETERS))
          .to.be.revertedWithCustomError(factory, "FederationZeroAddress")
          .withArgs(field);
      });
    }

    it("checks the parameters' bounds in the constructor too, and emits every initial value", async () => {
      const f = await loadFixture(deployFederationFixture);
      const factory = await ethers.getContractFactory("Federation");
      const [admin, fac, seats, oracle] = await deployArgs(f);
      await expect(factory.deploy(admin, fac, seats, oracle, { ...PARAMETERS, bridgeFeeBps: 101n }))
        .to.be.revertedWithCustomError(factory, "FederationParameterOutOfBounds")
        .withArgs("bridgeFeeBps", 101, 0, 100);
      const federation = await factory.deploy(admin, fac, seats, oracle, PARAMETERS);
      const tx = federation.deploymentTransaction()!;
      await expect(tx).to.emit(federation, "ParameterChanged").withArgs("bridgeFeeBps", 0, PARAMETERS.bridgeFeeBps);
      await expect(tx)
        .to.emit(federation, "ParameterChanged")
        .withArgs("travelRuleThreshold", 0, PARAMETERS.travelRuleThreshold);
      expect(await federation.hasRole(DEFAULT_ADMIN_ROLE, admin)).to.equal(true);
    });

    it("holds the parameters, factory, seats and oracle it was given, and the three founders", async () => {
      const f = await loadFixture(deployFederationFixture);
      expect(await currentParameters(f)).to.deep.equal(PARAMETERS);
      expect(await f.federation.factory()).to.equal(f.addresses.factory);
      expect(await f.federation.seats()).to.equal(f.addresses.seats);
      expect(await f.federation.oracle()).to.equal(f.addresses.oracle);
      expect(await f.federation.charterVersion()).to.equal(0);
      expect(await f.federation.memberCount()).to.equal(3);
      for (const [i, m] of f.members.entries()) {
        expect(await f.federation.memberKeyAt(i)).to.equal(keyOf(m.id));
        expect(await record(f, m.id)).to.deep.equal({
          id: m.id,
          status: Status.Member,
          charterVersion: 0,
          launcher: f.deployer.address,
          timelock: m.timelockAddress,
          token: m.address,
        });
        expect(await f.federation.communityOfToken(m.address)).to.equal(keyOf(m.id));
        expect((await f.federation.memberByKey(keyOf(m.id))).id).to.equal(m.id);
      }
      expect(await f.federation.communityOfToken(f.addresses.pool)).to.equal(ethers.ZeroHash);
      expect(await record(f, "nowhere")).to.deep.equal({
        id: "",
        status: Status.None,
        charterVersion: 0,
        launcher: ethers.ZeroAddress,
        timelock: ethers.ZeroAddress,
        token: ethers.ZeroAddress,
      });
    });
  });

  describe("after the hand-over", () => {
    it("the federation's timelock holds every admin role and no EOA holds one", async () => {
      const f = await loadFixture(deployFederationFixture);
      const targets = [
        f.federation,
        f.communityRegistry,
        f.factory,
        f.oracle,
        f.router,
        f.sanctions,
        f.pool,
        f.fund,
      ] as const;
      for (const target of targets) {
        expect(await target.hasRole(DEFAULT_ADMIN_ROLE, f.addresses.timelock)).to.equal(true);
        expect(await target.hasRole(DEFAULT_ADMIN_ROLE, f.deployer.address)).to.equal(false);
      }
      expect(await f.timelock.hasRole(DEFAULT_ADMIN_ROLE, f.deployer.address)).to.equal(false);
      expect(await f.factory.hasRole(LAUNCHER_ROLE, f.addresses.federation)).to.equal(true);
      expect(await f.factory.hasRole(LAUNCHER_ROLE, f.deployer.address)).to.equal(false);
      expect(await f.pool.hasRole(DEFAULT_ADMIN_ROLE, f.addresses.federation)).to.equal(true);
      expect(await f.pool.hasRole(PAUSER_ROLE, f.addresses.federation)).to.equal(true);
      expect(await f.pool.hasRole(PAUSER_ROLE, f.deployer.address)).to.equal(false);
    });

    it("the founders' pool is a federation pool with the federation's fee (it was created with 25 bps)", async () => {
      const f = await loadFixture(deployFederationFixture);
      expect(await f.federation.pools()).to.deep.equal([f.addresses.pool]);
      expect(await f.pool.feeBps()).to.equal(PARAMETERS.bridgeFeeBps);
      expect(await f.pool.amplification()).to.equal(AMPLIFICATION);
    });
  });

  describe("admit", () => {
    it("admits a community: MemberAdmitted, an Admitted record with its launcher, counted", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      await expect(fed.admit("riverside", f.newLauncher.address))
        .to.emit(f.federation, "MemberAdmitted")
        .withArgs(keyOf("riverside"), "riverside", f.newLauncher.address);
      expect(await record(f, "riverside")).to.deep.equal({
        id: "riverside",
        status: Status.Admitted,
        charterVersion: 0,
        launcher: f.newLauncher.address,
        timelock: ethers.ZeroAddress,
        token: ethers.ZeroAddress,
      });
      expect(await f.federation.memberCount()).to.equal(4);
      expect(await f.federation.memberKeyAt(3)).to.equal(keyOf("riverside"));
      expect(await f.seats.balanceOf(f.newLauncher.address)).to.equal(0);
    });

    it("reverts with FederationZeroAddress for a zero launcher", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      await expect(fed.admit("riverside", ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.federation, "FederationZeroAddress")
        .withArgs("launcher");
    });

    it("reverts with FederationAlreadyAdmitted for an admitted, a member or a suspended community", async () => {
      const f = await loadFixture(deployAdmittedFixture);
      const [, fed] = await asAdmin(f);
      await fed.suspend("monterrey", "arrears");
      for (const [id, status] of [
        ["riverside", Status.Admitted],
        ["katy", Status.Member],
        ["monterrey", Status.Suspended],
      ] as const) {
        await expect(fed.admit(id, f.stranger.address))
          .to.be.revertedWithCustomError(f.federation, "FederationAlreadyAdmitted")
          .withArgs(id, status);
      }
    });

    it("reverts with FederationAlreadyRegistered for a community launched straight through the factory", async () => {
      const f = await loadFixture(deployFederationFixture);
      await launchOutsideFederation(f, "rogue");
      const [, fed] = await asAdmin(f);
      await expect(fed.admit("rogue", f.newLauncher.address))
        .to.be.revertedWithCustomError(f.federation, "FederationAlreadyRegistered")
        .withArgs("rogue");
    });

    it("reverts with FederationAlreadyRegistered for a community registered in the registry by another registrar", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [tl, fed] = await asAdmin(f);
      await f.communityRegistry.connect(tl).grantRole(REGISTRAR_ROLE, f.stranger.address);
      const k = f.katy;
      await f.communityRegistry.connect(f.stranger).register({
        id: "ghost",
        name: "Ghost",
        country: "US",
        currency: "USD",
        locale: "en-US",
        token: k.address,
        complianceRegistry: await k.registry.getAddress(),
        governor: await k.governor.getAddress(),
        timelock: k.timelockAddress,
        launchedAt: 1,
        launchBlock: 1,
      });
      await expect(fed.admit("ghost", f.newLauncher.address))
        .to.be.revertedWithCustomError(f.federation, "FederationAlreadyRegistered")
        .withArgs("ghost");
    });

    it("can be done by federation proposal", async () => {
      const f = await loadFixture(deployFederationFixture);
      const call = await callTo(f.federation, "admit", ["riverside", f.newLauncher.address]);
      await expect(runFederationProposal(f, [call], "Admit Riverside"))
        .to.emit(f.federation, "MemberAdmitted")
        .withArgs(keyOf("riverside"), "riverside", f.newLauncher.address);
    });
  });

  describe("launch", () => {
    it("launches the community through the factory and gives its timelock a seat", async () => {
      const f = await loadFixture(deployAdmittedFixture);
      const [token, compliance, governor, timelock] = await f.factory.predictAddresses("riverside");
      const seatsBefore = await f.seats.getPastTotalSupply((await time.latest()) - 1);
      const tx = f.federation.connect(f.newLauncher).launch(f.riversideConfig);
      await expect(tx)
        .to.emit(f.federation, "MemberLaunched")
        .withArgs(keyOf("riverside"), "riverside", token, timelock, seatOf("riverside"));
      await expect(tx).to.emit(f.seats, "Transfer").withArgs(ethers.ZeroAddress, timelock, seatOf("riverside"));
      await expect(tx).to.emit(f.seats, "DelegateVotesChanged").withArgs(timelock, 0, 1);
      await expect(tx)
        .to.emit(f.factory, "CommunityLaunched")
        .withArgs(keyOf("riverside"), "riverside", f.addresses.federation);
      await expect(tx).to.emit(f.communityRegistry, "CommunityRegistered");

      expect(await record(f, "riverside")).to.deep.equal({
        id: "riverside",
        status: Status.Member,
        charterVersion: 0,
        launcher: f.newLauncher.address,
        timelock,
        token,
      });
      expect(await f.federation.communityOfToken(token)).to.equal(keyOf("riverside"));
      expect(await f.seats.ownerOf(seatOf("riverside"))).to.equal(timelock);
      expect(await f.seats.getVotes(timelock)).to.equal(1);
      await time.increase(1);
      expect(await f.seats.getPastTotalSupply((await time.latest()) - 1)).to.equal(seatsBefore + 1n);

      const c = await f.communityRegistry.community("riverside");
      expect([c.token, c.complianceRegistry, c.governor, c.timelock]).to.deep.equal([
        token,
        compliance,
        governor,
        timelock,
      ]);
    });

    it("leaves the community's admin roles with its own timelock, not the Federation or the launcher", async () => {
      const f = await loadFixture(deployAdmittedFixture);
      await f.federation.connect(f.newLauncher).launch(f.riversideConfig);
      const m = await attachMember(f, "riverside", f.riversideConfig);
      for (const target of [m.token, m.registry] as const) {
        expect(await target.hasRole(DEFAULT_ADMIN_ROLE, m.timelockAddress)).to.equal(true);
        expect(await target.hasRole(DEFAULT_ADMIN_ROLE, f.addresses.federation)).to.equal(false);
        expect(await target.hasRole(DEFAULT_ADMIN_ROLE, f.newLauncher.address)).to.equal(false);
        expect(await target.hasRole(DEFAULT_ADMIN_ROLE, f.addresses.timelock)).to.equal(false);
      }
    });

    describe("compliance defaults", () => {
      it("are the federation's parameters unchanged for a USD community (tier 2 is the config's)", async () => {
        const f = await loadFixture(deployFederationFixture);
        for (const m of [f.katy, f.houston]) {
          expect(await m.registry.dailyLimit(0)).to.equal(PARAMETERS.tier0DailyLimit);
          expect(await m.registry.dailyLimit(1)).to.equal(PARAMETERS.tier1DailyLimit);
          expect(await m.registry.dailyLimit(2)).to.equal(UNLIMITED);
          expect(await m.registry.travelRuleThreshold()).to.equal(PARAMETERS.travelRuleThreshold);
        }
      });

      it("are converted at the oracle's rate for an MXN community, replacing the config's own (monterrey)", async () => {
        const f = await loadFixture(deployFederationFixture);
        const r = f.monterrey.registry;
        // 1,000 USD at 0.05 USD per peso: 20,000 MXN (the config said 18,000)
        expect(await r.dailyLimit(0)).to.equal(toLocal(PARAMETERS.tier0DailyLimit, RATES.MXN));
        expect(await r.dailyLimit(0)).to.equal(ethers.parseEther("20000"));
        expect(await r.dailyLimit(1)).to.equal(toLocal(PARAMETERS.tier1DailyLimit, RATES.MXN));
        expect(await r.dailyLimit(1)).to.equal(ethers.parseEther("500000"));
        expect(await r.travelRuleThreshold()).to.equal(toLocal(PARAMETERS.travelRuleThreshold, RATES.MXN));
        expect(await r.dailyLimit(2)).to.equal(UNLIMITED);
        // the config's own limits (1, 2 and 3 wei) are replaced; its tier-2 limit is kept
        expect(f.monterrey.config.compliance.tier0DailyLimit).to.equal(1n);
      });

      it("are converted (rounded down) at the oracle's rate for a CAD community", async () => {
        const f = await loadFixture(deployAdmittedFixture);
        const [, fed] = await asAdmin(f);
        await fed.admit("ottawa", f.newLauncher.address);
        const config = newCommunityConfig(f, "ottawa", "CAD");
        await f.federation.connect(f.newLauncher).launch(config);
        const m = await attachMember(f, "ottawa", config);
        expect(await m.registry.dailyLimit(0)).to.equal(toLocal(PARAMETERS.tier0DailyLimit, RATES.CAD));
        expect(await m.registry.dailyLimit(0)).to.equal(1_333_333_333_333_333_333_333n);
        expect(await m.registry.dailyLimit(1)).to.equal(toLocal(PARAMETERS.tier1DailyLimit, RATES.CAD));
        expect(await m.registry.travelRuleThreshold()).to.equal(toLocal(PARAMETERS.travelRuleThreshold, RATES.CAD));
      });

      it("follow the parameters in force at the launch", async () => {
        const f = await loadFixture(deployAdmittedFixture);
        const [, fed] = await asAdmin(f);
        const p = {
          ...PARAMETERS,
          tier0DailyLimit: ethers.parseEther("500"),
          travelRuleThreshold: ethers.parseEther("3000"),
        };
        await fed.setParameters(p);
        await fed.admit("guadalajara", f.newLauncher.address);
        await f.federation.connect(f.newLauncher).launch(f.riversideConfig);
        const config = newCommunityConfig(f, "guadalajara", "MXN");
        await f.federation.connect(f.newLauncher).launch(config);
        const riverside = await attachMember(f, "riverside", f.riversideConfig);
        const guadalajara = await attachMember(f, "guadalajara", config);
        expect(await riverside.registry.dailyLimit(0)).to.equal(ethers.parseEther("500"));
        expect(await riverside.registry.travelRuleThreshold()).to.equal(ethers.parseEther("3000"));
        expect(await guadalajara.registry.dailyLimit(0)).to.equal(ethers.parseEther("10000"));
        expect(await guadalajara.registry.travelRuleThreshold()).to.equal(ethers.parseEther("60000"));
        // the founders keep what they launched with
        expect(await f.katy.registry.dailyLimit(0)).to.equal(PARAMETERS.tier0DailyLimit);
      });
    });

    describe("when the oracle cannot convert", () => {
      it("reverts an MXN launch with FxOracleStaleRate once the rate is older than maxAge; it stays Admitted", async () => {
        const f = await loadFixture(deployFederationFixture);
        const [, fed] = await asAdmin(f);
        await fed.admit("guadalajara", f.newLauncher.address);
        const { updatedAt } = await f.oracle.rateState("MXN");
        await time.increaseTo(updatedAt + ORACLE.maxAge + 1n);
        const config = newCommunityConfig(f, "guadalajara", "MXN");
        await expect(f.federation.connect(f.newLauncher).launch(config))
          .to.be.revertedWithCustomError(f.oracle, "FxOracleStaleRate")
          .withArgs("MXN", updatedAt, ORACLE.maxAge);
        expect((await record(f, "guadalajara")).status).to.equal(Status.Admitted);

        // a USD launch needs no rate; after fresh reports the MXN launch goes through
        await fed.admit("riverside", f.newLauncher.address);
        await expect(f.federation.connect(f.newLauncher).launch(newCommunityConfig(f, "riverside"))).to.emit(
          f.federation,
          "MemberLaunched",
        );
        await f.reportRates();
        await expect(f.federation.connect(f.newLauncher).launch(config)).to.emit(f.federation, "MemberLaunched");
      });

      it("reverts at exactly maxAge + 1 seconds, not at maxAge", async () => {
        const f = await loadFixture(deployFederationFixture);
        const [, fed] = await asAdmin(f);
        await fed.admit("guadalajara", f.newLauncher.address);
        const { updatedAt } = await f.oracle.rateState("MXN");
        await time.setNextBlockTimestamp(updatedAt + ORACLE.maxAge);
        await expect(f.federation.connect(f.newLauncher).launch(newCommunityConfig(f, "guadalajara", "MXN"))).to.emit(
          f.federation,
          "MemberLaunched",
        );
      });

      it("reverts with FxOracleUnknownCurrency for a currency nobody reports", async () => {
        const f = await loadFixture(deployAdmittedFixture);
        const config = { ...f.riversideConfig, currency: "EUR" };
        await expect(f.federation.connect(f.newLauncher).launch(config))
          .to.be.revertedWithCustomError(f.oracle, "FxOracleUnknownCurrency")
          .withArgs("EUR");
      });
    });

    it("reverts with FederationNotLauncher for anyone but the admitted launcher", async () => {
      const f = await loadFixture(deployAdmittedFixture);
      const tl = await asFederation(f);
      for (const caller of [f.stranger, f.deployer, f.repKaty, tl]) {
        await expect(f.federation.connect(caller).launch(f.riversideConfig))
          .to.be.revertedWithCustomError(f.federation, "FederationNotLauncher")
          .withArgs("riverside", caller.address);
      }
    });

    it("reverts with FederationWrongStatus unless the community is Admitted", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      await fed.suspend("houston", "arrears");
      const cases: [string, Status][] = [
        ["nowhere", Status.None],
        ["katy", Status.Member],
        ["houston", Status.Suspended],
      ];
      for (const [id, status] of cases) {
        const config = { ...newCommunityConfig(f, "x"), id };
        await expect(f.federation.connect(f.deployer).launch(config))
          .to.be.revertedWithCustomError(f.federation, "FederationWrongStatus")
          .withArgs(id, status, Status.Admitted);
      }
    });

    it("passes on the factory's own checks (a bad symbol), leaving the community Admitted", async () => {
      const f = await loadFixture(deployAdmittedFixture);
      await expect(f.federation.connect(f.newLauncher).launch({ ...f.riversideConfig, tokenSymbol: "bad" }))
        .to.be.revertedWithCustomError(f.factory, "CommunityFactoryInvalidSymbol")
        .withArgs("bad");
      expect((await record(f, "riverside")).status).to.equal(Status.Admitted);
    });

    it("reverts with CommunityFactoryDuplicateId if the id was registered outside the federation after admission", async () => {
      const f = await loadFixture(deployAdmittedFixture);
      await launchOutsideFederation(f, "riverside");
      await expect(f.federation.connect(f.newLauncher).launch(f.riversideConfig))
        .to.be.revertedWithCustomError(f.factory, "CommunityFactoryDuplicateId")
        .withArgs("riverside");
    });
  });

  describe("suspend", () => {
    it("withdraws the seat, pauses the member's pools, and emits MemberSuspended with the count", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      const tx = fed.suspend("monterrey", "unpaid contributions");
      await expect(tx)
        .to.emit(f.federation, "MemberSuspended")
        .withArgs(keyOf("monterrey"), "monterrey", "unpaid contributions", 1);
      await expect(tx)
        .to.emit(f.seats, "Transfer")
        .withArgs(f.monterrey.timelockAddress, ethers.ZeroAddress, seatOf("monterrey"));
      await expect(tx).to.emit(f.seats, "DelegateVotesChanged").withArgs(f.repMonterrey.address, 1, 0);
      await expect(tx).to.emit(f.pool, "Paused").withArgs(f.addresses.federation);

      const suspendedAt = await time.latest();
      await time.increase(1);
      expect((await record(f, "monterrey")).status).to.equal(Status.Suspended);
      expect(await f.seats.balanceOf(f.monterrey.timelockAddress)).to.equal(0);
      expect(await f.seats.getVotes(f.repMonterrey.address)).to.equal(0);
      expect(await f.seats.getPastTotalSupply(suspendedAt)).to.equal(2);
      expect(await f.pool.paused()).to.equal(true);
      // it keeps its record: timelock, token, and the token's key
      expect((await record(f, "monterrey")).timelock).to.equal(f.monterrey.timelockAddress);
      expect(await f.federation.communityOfToken(f.monterrey.address)).to.equal(keyOf("monterrey"));
    });

    it("pauses every pool of the member: two for katy", async () => {
      const f = await loadFixture(deployTwoPoolsFixture);
      const [, fed] = await asAdmin(f);
      const tx = fed.suspend("katy", "audit");
      await expect(tx).to.emit(f.federation, "MemberSuspended").withArgs(keyOf("katy"), "katy", "audit", 2);
      await expect(tx).to.emit(f.pool, "Paused");
      await expect(tx).to.emit(f.pool2, "Paused");
    });

    it("pauses only the member's pools: suspending houston leaves the KATY/MTY pool open", async () => {
      const f = await loadFixture(deployTwoPoolsFixture);
      const [, fed] = await asAdmin(f);
      await expect(fed.suspend("houston", "audit"))
        .to.emit(f.federation, "MemberSuspended")
        .withArgs(keyOf("houston"), "houston", "audit", 1);
      expect(await f.pool2.paused()).to.equal(true);
      expect(await f.pool.paused()).to.equal(false);
    });

    it("does not count a pool that was paused already, and readmit leaves it paused", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [tl, fed] = await asAdmin(f);
      await f.pool.connect(tl).pause();
      const tx = fed.suspend("monterrey", "audit");
      await expect(tx).to.emit(f.federation, "MemberSuspended").withArgs(keyOf("monterrey"), "monterrey", "audit", 0);
      await expect(tx).to.not.emit(f.pool, "Paused");
      const readmit = fed.readmit("monterrey");
      await expect(readmit).to.emit(f.federation, "MemberReadmitted").withArgs(keyOf("monterrey"), "monterrey", 0);
      await expect(readmit).to.not.emit(f.pool, "Unpaused");
      expect(await f.pool.paused()).to.equal(true);
    });

    it("reverts with FederationWrongStatus unless the community is a Member", async () => {
      const f = await loadFixture(deployAdmittedFixture);
      const [, fed] = await asAdmin(f);
      await fed.suspend("monterrey", "first");
      for (const [id, status] of [
        ["nowhere", Status.None],
        ["riverside", Status.Admitted],
        ["monterrey", Status.Suspended],
      ] as const) {
        await expect(fed.suspend(id, "again"))
          .to.be.revertedWithCustomError(f.federation, "FederationWrongStatus")
          .withArgs(id, status, Status.Member);
      }
    });

    it("can be done by federation proposal, the member's own representative voting against", async () => {
      const f = await loadFixture(deployFederationFixture);
      const call = await callTo(f.federation, "suspend", ["monterrey", "charter breach"]);
      const s = await submitProposal(f.governor, f.repKaty, [call], "Suspend Monterrey");
      await openVoting(s);
      await castVotes(f.governor, s, [f.repKaty, f.repHouston], Vote.For);
      await castVotes(f.governor, s, [f.repMonterrey], Vote.Against);
      await queueProposal(f.governor, s);
      await time.increase(3_600);
      await expect(executeProposal(f.governor, s))
        .to.emit(f.federation, "MemberSuspended")
        .withArgs(keyOf("monterrey"), "monterrey", "charter breach", 1);
    });
  });

  describe("readmit", () => {
    it("returns the seat to the timelock (its representative votes again) and reopens the pools it paused", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      await fed.suspend("monterrey", "audit");
      const tx = fed.readmit("monterrey");
      await expect(tx).to.emit(f.federation, "MemberReadmitted").withArgs(keyOf("monterrey"), "monterrey", 1);
      await expect(tx)
        .to.emit(f.seats, "Transfer")
        .withArgs(ethers.ZeroAddress, f.monterrey.timelockAddress, seatOf("monterrey"));
      await expect(tx).to.emit(f.seats, "DelegateVotesChanged").withArgs(f.repMonterrey.address, 0, 1);
      await expect(tx).to.emit(f.pool, "Unpaused").withArgs(f.addresses.federation);
      expect((await record(f, "monterrey")).status).to.equal(Status.Member);
      expect(await f.seats.getVotes(f.repMonterrey.address)).to.equal(1);
      expect(await f.pool.paused()).to.equal(false);
    });

    it("reopens a pool only when both sides are members again", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      await expect(fed.suspend("katy", "a"))
        .to.emit(f.federation, "MemberSuspended")
        .withArgs(keyOf("katy"), "katy", "a", 1);
      await expect(fed.suspend("monterrey", "b"))
        .to.emit(f.federation, "MemberSuspended")
        .withArgs(keyOf("monterrey"), "monterrey", "b", 0);

      const first = fed.readmit("katy");
      await expect(first).to.emit(f.federation, "MemberReadmitted").withArgs(keyOf("katy"), "katy", 0);
      await expect(first).to.not.emit(f.pool, "Unpaused");
      expect(await f.pool.paused()).to.equal(true);

      const second = fed.readmit("monterrey");
      await expect(second).to.emit(f.federation, "MemberReadmitted").withArgs(keyOf("monterrey"), "monterrey", 1);
      await expect(second).to.emit(f.pool, "Unpaused");
      expect(await f.pool.paused()).to.equal(false);
    });

    it("reopens only the pools whose other side is a member (katy back, houston still out)", async () => {
      const f = await loadFixture(deployTwoPoolsFixture);
      const [, fed] = await asAdmin(f);
      await fed.suspend("houston", "a");
      await fed.suspend("katy", "b"); // pauses KATY/MTY; HOU/KATY was paused already
      await expect(fed.readmit("katy")).to.emit(f.federation, "MemberReadmitted").withArgs(keyOf("katy"), "katy", 1);
      expect(await f.pool.paused()).to.equal(false);
      expect(await f.pool2.paused()).to.equal(true);
      await expect(fed.readmit("houston"))
        .to.emit(f.federation, "MemberReadmitted")
        .withArgs(keyOf("houston"), "houston", 1);
      expect(await f.pool2.paused()).to.equal(false);
    });

    it("reverts with FederationWrongStatus unless the community is Suspended", async () => {
      const f = await loadFixture(deployAdmittedFixture);
      const [, fed] = await asAdmin(f);
      for (const [id, status] of [
        ["nowhere", Status.None],
        ["riverside", Status.Admitted],
        ["katy", Status.Member],
      ] as const) {
        await expect(fed.readmit(id))
          .to.be.revertedWithCustomError(f.federation, "FederationWrongStatus")
          .withArgs(id, status, Status.Suspended);
      }
    });

    it("readmits a member even if a pool its suspension paused was unpaused meanwhile by the federation", async () => {
      // the timelock (which holds PAUSER_ROLE too) reopened the pool during the suspension: readmit skips it
      const f = await loadFixture(deployFederationFixture);
      const [tl, fed] = await asAdmin(f);
      await fed.suspend("monterrey", "audit");
      await f.pool.connect(tl).unpause();
      await expect(fed.readmit("monterrey"))
        .to.emit(f.federation, "MemberReadmitted")
        .withArgs(keyOf("monterrey"), "monterrey", 0);
      expect(await f.seats.getVotes(f.repMonterrey.address)).to.equal(1);
    });
  });

  describe("charter", () => {
    describe("ratifyCharter", () => {
      it("publishes version 1, then 2, with their hashes", async () => {
        const f = await loadFixture(deployFederationFixture);
        const [, fed] = await asAdmin(f);
        await expect(fed.ratifyCharter(CHARTER.hash, CHARTER.uri))
          .to.emit(f.federation, "CharterRatified")
          .withArgs(1, CHARTER.hash, CHARTER.uri);
        expect(await f.federation.charterVersion()).to.equal(1);
        expect(await f.federation.charterHash(1)).to.equal(CHARTER.hash);
        await expect(fed.ratifyCharter(CHARTER_2.hash, CHARTER_2.uri))
          .to.emit(f.federation, "CharterRatified")
          .withArgs(2, CHARTER_2.hash, CHARTER_2.uri);
        expect(await f.federation.charterVersion()).to.equal(2);
        expect(await f.federation.charterHash(1)).to.equal(CHARTER.hash);
        expect(await f.federation.charterHash(2)).to.equal(CHARTER_2.hash);
      });

      it("reverts with FederationInvalidCharter for a zero hash or an empty URI", async () => {
        const f = await loadFixture(deployFederationFixture);
        const [, fed] = await asAdmin(f);
        await expect(fed.ratifyCharter(ethers.ZeroHash, CHARTER.uri)).to.be.revertedWithCustomError(
          f.federation,
          "FederationInvalidCharter",
        );
        await expect(fed.ratifyCharter(CHARTER.hash, "")).to.be.revertedWithCustomError(
          f.federation,
          "FederationInvalidCharter",
        );
      });

      it("is done by federation proposal", async () => {
        const f = await loadFixture(deployFederationFixture);
        const call = await callTo(f.federation, "ratifyCharter", [CHARTER.hash, CHARTER.uri]);
        await expect(runFederationProposal(f, [call], "Ratify the charter"))
          .to.emit(f.federation, "CharterRatified")
          .withArgs(1, CHARTER.hash, CHARTER.uri);
      });
    });

    describe("acceptCharter", () => {
      async function deployRatifiedFixture() {
        const f = await deployFederationFixture();
        const [, fed] = await asAdmin(f);
        await fed.ratifyCharter(CHARTER.hash, CHARTER.uri);
        return f;
      }

      it("is called by a member's timelock through that community's own proposal, making it a full member", async () => {
        const f = await loadFixture(deployRatifiedFixture);
        expect(await f.federation.isFullMember("katy")).to.equal(false);
        const call = await callTo(f.federation, "acceptCharter", [1]);
        const tx = runCommunityProposal(f, f.katy, [call], "Katy accepts the federation's charter v1");
        await expect(tx).to.emit(f.federation, "CharterAccepted").withArgs(keyOf("katy"), "katy", 1);
        expect((await record(f, "katy")).charterVersion).to.equal(1);
        expect(await f.federation.isFullMember("katy")).to.equal(true);
        expect(await f.federation.isFullMember("houston")).to.equal(false);
      });

      it("reverts with FederationNotMemberTimelock for anyone but a member's timelock", async () => {
        const f = await loadFixture(deployRatifiedFixture);
        const outsider = await launchOutsideFederation(f, "rogue");
        const callers = [
          f.repKaty,
          f.alice,
          f.stranger,
          f.deployer,
          await asFederation(f),
          await impersonate(f.addresses.governor),
          await impersonate(await f.katy.governor.getAddress()),
          await asCommunity(outsider),
        ];
        for (const caller of callers) {
          await expect(f.federation.connect(caller).acceptCharter(1))
            .to.be.revertedWithCustomError(f.federation, "FederationNotMemberTimelock")
            .withArgs(caller.address);
        }
      });

      it("reverts with FederationCharterVersionMismatch for any version but the current", async () => {
        const f = await loadFixture(deployFederationFixture);
        const [, fed] = await asAdmin(f);
        const katy = f.federation.connect(await asCommunity(f.katy));
        await expect(katy.acceptCharter(0))
          .to.be.revertedWithCustomError(f.federation, "FederationCharterVersionMismatch")
          .withArgs(0, 0);
        await fed.ratifyCharter(CHARTER.hash, CHARTER.uri);
        await expect(katy.acceptCharter(2))
          .to.be.revertedWithCustomError(f.federation, "FederationCharterVersionMismatch")
          .withArgs(2, 1);
        await expect(katy.acceptCharter(0))
          .to.be.revertedWithCustomError(f.federation, "FederationCharterVersionMismatch")
          .withArgs(0, 1);
        await katy.acceptCharter(1);

        await fed.ratifyCharter(CHARTER_2.hash, CHARTER_2.uri);
        expect(await f.federation.isFullMember("katy")).to.equal(false);
        await expect(katy.acceptCharter(1))
          .to.be.revertedWithCustomError(f.federation, "FederationCharterVersionMismatch")
          .withArgs(1, 2);
        await expect(katy.acceptCharter(2)).to.emit(f.federation, "CharterAccepted").withArgs(keyOf("katy"), "katy", 2);
        expect(await f.federation.isFullMember("katy")).to.equal(true);
      });

      it("reverts with FederationWrongStatus for a suspended member, which is no full member until readmitted", async () => {
        const f = await loadFixture(deployRatifiedFixture);
        const [, fed] = await asAdmin(f);
        const monterrey = f.federation.connect(await asCommunity(f.monterrey));
        await monterrey.acceptCharter(1);
        await fed.suspend("monterrey", "audit");
        expect(await f.federation.isFullMember("monterrey")).to.equal(false);
        await expect(monterrey.acceptCharter(1))
          .to.be.revertedWithCustomError(f.federation, "FederationWrongStatus")
          .withArgs("monterrey", Status.Suspended, Status.Member);
        await fed.readmit("monterrey");
        expect(await f.federation.isFullMember("monterrey")).to.equal(true);
      });

      it("isFullMember is false before any charter and for unknown communities", async () => {
        const f = await loadFixture(deployFederationFixture);
        expect(await f.federation.isFullMember("katy")).to.equal(false);
        expect(await f.federation.isFullMember("nowhere")).to.equal(false);
      });
    });
  });

  describe("setParameters", () => {
    const E = (whole: number) => ethers.parseEther(String(whole));
    const OUT_OF_BOUNDS: [string, Partial<FederationParameters>, string, bigint, bigint, bigint][] = [
      ["a bridge fee above 100 bps", { bridgeFeeBps: 101n }, "bridgeFeeBps", 101n, 0n, 100n],
      ["a mutual-aid rate above 500 bps", { mutualAidRateBps: 501n }, "mutualAidRateBps", 501n, 0n, 500n],
      ["a tier-0 limit below 100", { tier0DailyLimit: E(99) }, "tier0DailyLimit", E(99), E(100), E(10_000)],
      ["a tier-0 limit above 10,000", { tier0DailyLimit: E(10_001) }, "tier0DailyLimit", E(10_001), E(100), E(10_000)],
      ["a tier-1 limit below 1,000", { tier1DailyLimit: E(999) }, "tier1DailyLimit", E(999), E(1_000), E(100_000)],
      [
        "a tier-1 limit above 100,000",
        { tier1DailyLimit: E(100_001) },
        "tier1DailyLimit",
        E(100_001),
        E(1_000),
        E(100_000),
      ],
      [
        "a tier-1 limit below the tier-0 limit",
        { tier0DailyLimit: E(5_000), tier1DailyLimit: E(4_000) },
        "tier1DailyLimit",
        E(4_000),
        E(5_000),
        E(100_000),
      ],
      [
        "a travel-rule threshold below 250",
        { travelRuleThreshold: E(249) },
        "travelRuleThreshold",
        E(249),
        E(250),
        E(10_000),
      ],
      [
        "a travel-rule threshold above 10,000",
        { travelRuleThreshold: E(10_001) },
        "travelRuleThreshold",
        E(10_001),
        E(250),
        E(10_000),
      ],
    ];
    for (const [title, change, name, value, min, max] of OUT_OF_BOUNDS) {
      it(`reverts with FederationParameterOutOfBounds for ${title}`, async () => {
        const f = await loadFixture(deployFederationFixture);
        const [, fed] = await asAdmin(f);
        await expect(fed.setParameters({ ...PARAMETERS, ...change }))
          .to.be.revertedWithCustomError(f.federation, "FederationParameterOutOfBounds")
          .withArgs(name, value, min, max);
      });
    }

    it("accepts every bound itself", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      const low = {
        bridgeFeeBps: 0n,
        mutualAidRateBps: 0n,
        tier0DailyLimit: E(100),
        tier1DailyLimit: E(1_000),
        travelRuleThreshold: E(250),
      };
      const high = {
        bridgeFeeBps: 100n,
        mutualAidRateBps: 500n,
        tier0DailyLimit: E(10_000),
        tier1DailyLimit: E(100_000),
        travelRuleThreshold: E(10_000),
      };
      await fed.setParameters(low);
      expect(await currentParameters(f)).to.deep.equal(low);
      await fed.setParameters(high);
      expect(await currentParameters(f)).to.deep.equal(high);
      await fed.setParameters({ ...high, tier1DailyLimit: E(10_000) }); // tier 1 may equal tier 0
    });

    it("emits ParameterChanged only for the parameters that change", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      const changes = await parameterChanges(
        f,
        fed.setParameters({ ...PARAMETERS, mutualAidRateBps: 250n, travelRuleThreshold: E(3_000) }),
      );
      expect(changes).to.deep.equal([
        ["mutualAidRateBps", 100n, 250n],
        ["travelRuleThreshold", PARAMETERS.travelRuleThreshold, E(3_000)],
      ]);
      expect(
        await parameterChanges(
          f,
          fed.setParameters({ ...PARAMETERS, mutualAidRateBps: 250n, travelRuleThreshold: E(3_000) }),
        ),
      ).to.deep.equal([]);
    });

    it("applies a new bridge fee to every federation pool", async () => {
      const f = await loadFixture(deployTwoPoolsFixture);
      const [, fed] = await asAdmin(f);
      const tx = fed.setParameters({ ...PARAMETERS, bridgeFeeBps: 45n });
      await expect(tx).to.emit(f.federation, "ParameterChanged").withArgs("bridgeFeeBps", 30, 45);
      await expect(tx).to.emit(f.pool, "CurveChanged").withArgs(45, AMPLIFICATION);
      await expect(tx).to.emit(f.pool2, "CurveChanged").withArgs(45, AMPLIFICATION);
      expect(await f.pool.feeBps()).to.equal(45);
      expect(await f.pool2.feeBps()).to.equal(45);
    });

    it("leaves the pools alone when the fee does not change", async () => {
      const f = await loadFixture(deployTwoPoolsFixture);
      const [tl, fed] = await asAdmin(f);
      await f.pool2.connect(tl).setCurve(60, 8); // the timelock may still tune one pool on its own
      const tx = fed.setParameters({ ...PARAMETERS, mutualAidRateBps: 200n });
      await expect(tx).to.not.emit(f.pool, "CurveChanged");
      await expect(tx).to.not.emit(f.pool2, "CurveChanged");
      expect(await f.pool2.feeBps()).to.equal(60);
    });

    it("keeps each pool's amplification when it sets the fee", async () => {
      const f = await loadFixture(deployTwoPoolsFixture);
      const [tl, fed] = await asAdmin(f);
      await f.pool2.connect(tl).setCurve(30, 8);
      await expect(fed.setParameters({ ...PARAMETERS, bridgeFeeBps: 10n }))
        .to.emit(f.pool2, "CurveChanged")
        .withArgs(10, 8);
    });

    it("is done by federation proposal", async () => {
      const f = await loadFixture(deployFederationFixture);
      const call = await callTo(f.federation, "setParameters", [{ ...PARAMETERS, bridgeFeeBps: 20n }]);
      const tx = runFederationProposal(f, [call], "Lower the bridge fee to 20 bps");
      await expect(tx).to.emit(f.federation, "ParameterChanged").withArgs("bridgeFeeBps", 30, 20);
      await expect(tx).to.emit(f.pool, "CurveChanged").withArgs(20, AMPLIFICATION);
    });
  });

  describe("addPool", () => {
    async function newPool(f: FederationFixture, a: Member, b: Member, roles = true): Promise<BridgePool> {
      const pool = (await ethers.deployContract("BridgePool", [
        a.address,
        b.address,
        f.addresses.oracle,
        f.addresses.timelock,
        50,
        AMPLIFICATION,
      ])) as unknown as BridgePool;
      if (roles) {
        const tl = await asFederation(f);
        await pool.connect(tl).grantRole(DEFAULT_ADMIN_ROLE, f.addresses.federation);
        await pool.connect(tl).grantRole(PAUSER_ROLE, f.addresses.federation);
      }
      return pool;
    }

    it("registers the pool, applies the federation's fee, and emits PoolAdded", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      const pool = await newPool(f, f.houston, f.monterrey);
      const address = await pool.getAddress();
      const tx = fed.addPool(address);
      await expect(tx).to.emit(f.federation, "PoolAdded").withArgs(address, keyOf("houston"), keyOf("monterrey"));
      await expect(tx).to.emit(pool, "CurveChanged").withArgs(PARAMETERS.bridgeFeeBps, AMPLIFICATION);
      expect(await pool.feeBps()).to.equal(PARAMETERS.bridgeFeeBps);
      expect(await f.federation.pools()).to.deep.equal([f.addresses.pool, address]);
      // a suspension of either side now pauses it
      await expect(fed.suspend("houston", "audit")).to.emit(pool, "Paused");
    });

    it("reverts with FederationUnknownToken when either token is not a federation community's", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      const rogue = await launchOutsideFederation(f, "rogue");
      const first = await newPool(f, rogue, f.katy, false);
      await expect(fed.addPool(await first.getAddress()))
        .to.be.revertedWithCustomError(f.federation, "FederationUnknownToken")
        .withArgs(rogue.address);
      const second = await newPool(f, f.katy, rogue, false);
      await expect(fed.addPool(await second.getAddress()))
        .to.be.revertedWithCustomError(f.federation, "FederationUnknownToken")
        .withArgs(rogue.address);
    });

    it("reverts with FederationPoolExists for a pool added already", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      await expect(fed.addPool(f.addresses.pool))
        .to.be.revertedWithCustomError(f.federation, "FederationPoolExists")
        .withArgs(f.addresses.pool);
    });

    it("reverts with the pool's AccessControlUnauthorizedAccount when the Federation is not the pool's admin", async () => {
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      const pool = await newPool(f, f.houston, f.monterrey, false);
      await expect(fed.addPool(await pool.getAddress()))
        .to.be.revertedWithCustomError(pool, "AccessControlUnauthorizedAccount")
        .withArgs(f.addresses.federation, DEFAULT_ADMIN_ROLE);
    });

    it("pauses a pool added while one of its sides is suspended", async () => {
      // a pool must not trade with a suspended member; readmit reopens it with the member's other pools
      const f = await loadFixture(deployFederationFixture);
      const [, fed] = await asAdmin(f);
      await fed.suspend("monterrey", "audit");
      const pool = await newPool(f, f.houston, f.monterrey);
      await fed.addPool(await pool.getAddress());
      expect(await pool.paused()).to.equal(true);
    });

    it("is done by federation proposal, with the role grants in the same proposal", async () => {
      const f = await loadFixture(deployFederationFixture);
      const pool = await newPool(f, f.houston, f.katy, false);
      const calls = [
        await callTo(pool, "grantRole", [DEFAULT_ADMIN_ROLE, f.addresses.federation]),
        await callTo(pool, "grantRole", [PAUSER_ROLE, f.addresses.federation]),
        await callTo(f.federation, "addPool", [await pool.getAddress()]),
      ];
      await expect(runFederationProposal(f, calls, "Bring HOU/KATY under the federation"))
        .to.emit(f.federation, "PoolAdded")
        .withArgs(await pool.getAddress(), keyOf("houston"), keyOf("katy"));
      expect(await pool.feeBps()).to.equal(PARAMETERS.bridgeFeeBps);
    });
  });

  describe("access control", () => {
    const PRIVILEGED: [string, (fed: Federation, f: FederationFixture) => Promise<unknown>][] = [
      ["admit", (fed, f) => fed.admit("riverside", f.newLauncher.address)],
      ["suspend", (fed) => fed.suspend("katy", "coup")],
      ["readmit", (fed) => fed.readmit("katy")],
      ["addPool", (fed, f) => fed.addPool(f.addresses.pool)],
      ["ratifyCharter", (fed) => fed.ratifyCharter(CHARTER.hash, CHARTER.uri)],
      ["setParameters", (fed) => fed.setParameters({ ...PARAMETERS, bridgeFeeBps: 0n })],
      ["grantRole", (fed, f) => fed.grantRole(DEFAULT_ADMIN_ROLE, f.stranger.address)],
      ["revokeRole", (fed, f) => fed.revokeRole(DEFAULT_ADMIN_ROLE, f.addresses.timelock)],
    ];
    const CALLERS = ["deployer", "stranger", "repKaty", "newLauncher", "katy's timelock", "the governor"] as const;
    async function caller(f: FederationFixture, who: (typeof CALLERS)[number]) {
      if (who === "katy's timelock") return asCommunity(f.katy);
      if (who === "the governor") return impersonate(f.addresses.governor);
      return f[who];
    }

    for (const [name, call] of PRIVILEGED) {
      it(`${name} reverts with AccessControlUnauthorizedAccount for everyone but the federation's timelock`, async () => {
        const f = await loadFixture(deployFederationFixture);
        for (const who of CALLERS) {
          const s = await caller(f, who);
          await expect(call(f.federation.connect(s), f), who)
            .to.be.revertedWithCustomError(f.federation, "AccessControlUnauthorizedAccount")
            .withArgs(s.address, DEFAULT_ADMIN_ROLE);
        }
      });
    }
  });

  describe("a community's whole way in, by federation proposals", () => {
    it("is admitted by proposal, launched by its launcher, delegates its seat by its own proposal, then votes", async () => {
      const f = await loadFixture(deployFederationFixture);

      // 1. the federation admits riverside
      const admit = await callTo(f.federation, "admit", ["riverside", f.newLauncher.address]);
      await expect(runFederationProposal(f, [admit], "Admit Riverside, launched by its organiser"))
        .to.emit(f.federation, "MemberAdmitted")
        .withArgs(keyOf("riverside"), "riverside", f.newLauncher.address);

      // 2. its launcher launches it: the seat goes to its timelock
      const config = newCommunityConfig(f, "riverside");
      await expect(f.federation.connect(f.newLauncher).launch(config)).to.emit(f.federation, "MemberLaunched");
      const riverside = await attachMember(f, "riverside", config);
      expect(await f.seats.ownerOf(seatOf("riverside"))).to.equal(riverside.timelockAddress);
      expect(await f.seats.getVotes(f.newRep.address)).to.equal(0);

      // 3. riverside's own governance hands the seat to its representative
      await fundVoters(f, riverside);
      await delegateSeat(f, riverside, f.newRep.address);
      expect(await f.seats.delegates(riverside.timelockAddress)).to.equal(f.newRep.address);
      expect(await f.seats.getVotes(f.newRep.address)).to.equal(1);

      // 4. on a later proposal its representative votes with the seat (4 seats: quorum 2)
      const ratify = await callTo(f.federation, "ratifyCharter", [CHARTER.hash, CHARTER.uri]);
      const s = await submitProposal(f.governor, f.newRep, [ratify], "Ratify the charter, proposed by Riverside");
      await openVoting(s);
      expect(await f.governor.quorum(s.snapshot)).to.equal(2);
      await expect(f.governor.connect(f.newRep).castVote(s.proposal.id, Vote.For))
        .to.emit(f.governor, "VoteCast")
        .withArgs(f.newRep.address, s.proposal.id, Vote.For, 1, "");
      await castVotes(f.governor, s, [f.repHouston], Vote.For);
      await castVotes(f.governor, s, [f.repKaty], Vote.Against);
      expect(await f.governor.proposalVotes(s.proposal.id)).to.deep.equal([1n, 2n, 0n]);
      await queueProposal(f.governor, s);
      await time.increase(3_600);
      await expect(executeProposal(f.governor, s))
        .to.emit(f.federation, "CharterRatified")
        .withArgs(1, CHARTER.hash, CHARTER.uri);
      expect(await f.governor.state(s.proposal.id)).to.equal(State.Executed);

      // 5. riverside accepts the charter by its own proposal and is a full member
      const accept = await callTo(f.federation, "acceptCharter", [1]);
      await expect(runCommunityProposal(f, riverside, [accept], "Riverside accepts the charter"))
        .to.emit(f.federation, "CharterAccepted")
        .withArgs(keyOf("riverside"), "riverside", 1);
      expect(await f.federation.isFullMember("riverside")).to.equal(true);
    });
  });
});

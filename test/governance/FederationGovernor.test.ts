import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import {
  admitAndLaunch,
  asCommunity,
  attachMember,
  asFederation,
  callTo,
  CANCELLER_ROLE,
  castVotes,
  DEFAULT_ADMIN_ROLE,
  deployFederationFixture,
  executeProposal,
  EXECUTOR_ROLE,
  type FederationFixture,
  GOVERNANCE,
  newCommunityConfig,
  OperationState,
  openVoting,
  passFederationProposal,
  proposalArgs,
  PROPOSER_ROLE,
  type Proposal,
  queueProposal,
  runFederationProposal,
  State,
  submitProposal,
  bitmap,
  Vote,
} from "../shared/federationFixtures";
import { KC, ref } from "../shared/fixtures";

const CHARTER = { hash: ethers.id("KC Federation Charter v1"), uri: "ipfs://charter-v1" };

/** A proposal ratifying the charter (an harmless, observable action): its call. */
const ratifyCall = (f: FederationFixture, uri = CHARTER.uri) =>
  callTo(f.federation, "ratifyCharter", [CHARTER.hash, uri]);

/** The timelock's operation id for a proposal the governor queued (its salt: the governor's address ^ description). */
async function operationId(f: FederationFixture, p: Proposal) {
  const salt = ethers.toBeHex((BigInt(f.addresses.governor) << 96n) ^ BigInt(p.descriptionHash), 32);
  return f.timelock.hashOperationBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash, salt);
}

/** The fixture with a ratify-the-charter proposal by repKaty, Active (one second past its snapshot). */
async function deployActiveProposalFixture() {
  const f = await deployFederationFixture();
  const s = await submitProposal(f.governor, f.repKaty, [await ratifyCall(f)], "Ratify the charter");
  await openVoting(s);
  return { ...f, s };
}

/** The fixture with the same proposal still Pending. */
async function deployPendingProposalFixture() {
  const f = await deployFederationFixture();
  const s = await submitProposal(f.governor, f.repKaty, [await ratifyCall(f)], "Ratify the charter");
  return { ...f, s };
}

describe("FederationGovernor", () => {
  describe("deployment", () => {
    it("is the KC Federation's governor over the seats and the federation's timelock, with its settings", async () => {
      const f = await loadFixture(deployFederationFixture);
      const g = f.governor;
      expect(await g.name()).to.equal("KC Federation");
      expect(await g.version()).to.equal("1");
      expect(await g.token()).to.equal(f.addresses.seats);
      expect(await g.timelock()).to.equal(f.addresses.timelock);
      expect(await g.votingDelay()).to.equal(GOVERNANCE.votingDelay);
      expect(await g.votingPeriod()).to.equal(GOVERNANCE.votingPeriod);
      expect(await g.proposalThreshold()).to.equal(GOVERNANCE.proposalThreshold);
      expect(await g["quorumNumerator()"]()).to.equal(GOVERNANCE.quorumPercent);
      expect(await g.quorumDenominator()).to.equal(100);
      expect(await g.COUNTING_MODE()).to.equal("support=bravo&quorum=for,abstain");
    });

    it("runs on the seats' timestamp clock (ERC-6372)", async () => {
      const f = await loadFixture(deployFederationFixture);
      expect(await f.governor.clock()).to.equal(await time.latest());
      expect(await f.governor.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await f.governor.CLOCK_MODE()).to.equal(await f.seats.CLOCK_MODE());
    });

    it("is the timelock's only proposer and canceller; anyone executes; the timelock administers itself", async () => {
      const f = await loadFixture(deployFederationFixture);
      expect(await f.timelock.hasRole(PROPOSER_ROLE, f.addresses.governor)).to.equal(true);
      expect(await f.timelock.hasRole(CANCELLER_ROLE, f.addresses.governor)).to.equal(true);
      expect(await f.timelock.hasRole(EXECUTOR_ROLE, ethers.ZeroAddress)).to.equal(true);
      expect(await f.timelock.hasRole(DEFAULT_ADMIN_ROLE, f.addresses.timelock)).to.equal(true);
      for (const account of [f.deployer, f.repKaty]) {
        expect(await f.timelock.hasRole(DEFAULT_ADMIN_ROLE, account.address)).to.equal(false);
        expect(await f.timelock.hasRole(PROPOSER_ROLE, account.address)).to.equal(false);
      }
      expect(await f.timelock.getMinDelay()).to.equal(GOVERNANCE.timelockDelay);
    });

    describe("the settings' floors in the constructor", () => {
      const CASES: [string, [number, number, number, number], string, unknown[]][] = [
        ["a voting delay of 0", [0, 3_600, 1, 50], "FederationGovernorSettingTooLow", ["votingDelay", 0, 1]],
        [
          "a proposal threshold of 0",
          [60, 3_600, 0, 50],
          "FederationGovernorSettingTooLow",
          ["proposalThreshold", 0, 1],
        ],
        ["a quorum of 0%", [60, 3_600, 1, 0], "FederationGovernorSettingTooLow", ["quorumPercent", 0, 1]],
        ["a voting period of 0", [60, 0, 1, 50], "GovernorInvalidVotingPeriod", [0]],
        ["a quorum above 100%", [60, 3_600, 1, 101], "GovernorInvalidQuorumFraction", [101, 100]],
      ];
      for (const [title, [delay, period, threshold, quorum], error, errorArgs] of CASES) {
        it(`reverts with ${error} for ${title}`, async () => {
          const f = await loadFixture(deployFederationFixture);
          const factory = await ethers.getContractFactory("FederationGovernor");
          await expect(factory.deploy(f.addresses.seats, f.addresses.timelock, delay, period, threshold, quorum))
            .to.be.revertedWithCustomError(factory, error)
            .withArgs(...errorArgs);
        });
      }

      it("accepts a voting delay of 1 second and a threshold of 1 seat", async () => {
        const f = await loadFixture(deployFederationFixture);
        const factory = await ethers.getContractFactory("FederationGovernor");
        const g = await factory.deploy(f.addresses.seats, f.addresses.timelock, 1, 3_600, 1, 1);
        expect(await g.votingDelay()).to.equal(1);
        expect(await g.proposalThreshold()).to.equal(1);
      });
    });
  });

  describe("a full proposal lifecycle", () => {
    it("goes Pending, Active, Succeeded, Queued, Executed and ratifies the charter through the timelock", async () => {
      const f = await loadFixture(deployFederationFixture);
      const { governor, timelock, federation, repKaty, repHouston, repMonterrey, stranger } = f;
      const call = await ratifyCall(f);
      const description = "Ratify the federation's charter v1";
      const p: Proposal = {
        targets: [call.target],
        values: [0n],
        calldatas: [call.data],
        description,
        descriptionHash: ethers.id(description),
        id: await governor.hashProposal([call.target], [0n], [call.data], ethers.id(description)),
      };

      // propose
      const proposedAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(proposedAt);
      const snapshot = proposedAt + GOVERNANCE.votingDelay;
      const deadline = snapshot + GOVERNANCE.votingPeriod;
      await expect(governor.connect(repKaty).propose(p.targets, p.values, p.calldatas, description))
        .to.emit(governor, "ProposalCreated")
        .withArgs(p.id, repKaty.address, p.targets, p.values, [""], p.calldatas, snapshot, deadline, description);
      expect(await governor.state(p.id)).to.equal(State.Pending);
      expect(await governor.proposalProposer(p.id)).to.equal(repKaty.address);
      expect(await governor.proposalNeedsQueuing(p.id)).to.equal(true);
      await expect(governor.connect(repKaty).castVote(p.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(p.id, State.Pending, bitmap(State.Active));

      // vote: one seat, one vote
      await time.increaseTo(snapshot + 1);
      expect(await governor.state(p.id)).to.equal(State.Active);
      expect(await governor.quorum(snapshot)).to.equal(1);
      await expect(governor.connect(repKaty).castVote(p.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(repKaty.address, p.id, Vote.For, 1, "");
      await expect(governor.connect(repHouston).castVoteWithReason(p.id, Vote.For, "Houston agrees"))
        .to.emit(governor, "VoteCast")
        .withArgs(repHouston.address, p.id, Vote.For, 1, "Houston agrees");
      await expect(governor.connect(repMonterrey).castVoteWithReason(p.id, Vote.Against, "needs Spanish text"))
        .to.emit(governor, "VoteCast")
        .withArgs(repMonterrey.address, p.id, Vote.Against, 1, "needs Spanish text");
      expect(await governor.proposalVotes(p.id)).to.deep.equal([1n, 2n, 0n]);
      await expect(governor.connect(repKaty).castVote(p.id, Vote.Against))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(repKaty.address);

      // succeed
      await time.increaseTo(deadline);
      expect(await governor.state(p.id)).to.equal(State.Active);
      await time.increaseTo(deadline + 1);
      expect(await governor.state(p.id)).to.equal(State.Succeeded);

      // queue (anyone may)
      const queuedAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(queuedAt);
      const opId = await operationId(f, p);
      const queue = governor.connect(stranger).queue(...proposalArgs(p));
      await expect(queue)
        .to.emit(governor, "ProposalQueued")
        .withArgs(p.id, queuedAt + GOVERNANCE.timelockDelay);
      await expect(queue)
        .to.emit(timelock, "CallScheduled")
        .withArgs(opId, 0, p.targets[0], 0, p.calldatas[0], ethers.ZeroHash, GOVERNANCE.timelockDelay);
      expect(await governor.state(p.id)).to.equal(State.Queued);
      expect(await timelock.getOperationState(opId)).to.equal(OperationState.Waiting);

      // execute once the delay has passed (anyone may)
      await time.increaseTo(queuedAt + GOVERNANCE.timelockDelay);
      const execute = governor.connect(stranger).execute(...proposalArgs(p));
      await expect(execute).to.emit(governor, "ProposalExecuted").withArgs(p.id);
      await expect(execute).to.emit(federation, "CharterRatified").withArgs(1, CHARTER.hash, CHARTER.uri);
      await expect(execute).to.emit(timelock, "CallExecuted").withArgs(opId, 0, p.targets[0], 0, p.calldatas[0]);
      expect(await governor.state(p.id)).to.equal(State.Executed);
      expect(await federation.charterVersion()).to.equal(1);
    });

    it("lets the proposer cancel while Pending, not once Active", async () => {
      const f = await loadFixture(deployPendingProposalFixture);
      await expect(f.governor.connect(f.repHouston).cancel(...proposalArgs(f.s.proposal)))
        .to.be.revertedWithCustomError(f.governor, "GovernorUnableToCancel")
        .withArgs(f.s.proposal.id, f.repHouston.address);
      await expect(f.governor.connect(f.repKaty).cancel(...proposalArgs(f.s.proposal)))
        .to.emit(f.governor, "ProposalCanceled")
        .withArgs(f.s.proposal.id);
      expect(await f.governor.state(f.s.proposal.id)).to.equal(State.Canceled);
    });
  });

  describe("proposal threshold (one seat)", () => {
    it("reverts with GovernorInsufficientProposerVotes for an account without a seat's votes", async () => {
      const f = await loadFixture(deployFederationFixture);
      const call = await ratifyCall(f);
      for (const s of [f.stranger, f.alice, f.deployer, await asCommunity(f.katy)]) {
        await expect(f.governor.connect(s).propose([call.target], [0], [call.data], "Ratify"))
          .to.be.revertedWithCustomError(f.governor, "GovernorInsufficientProposerVotes")
          .withArgs(s.address, 0, 1);
      }
    });

    it("reverts with GovernorInsufficientProposerVotes for the representative of a suspended member", async () => {
      const f = await loadFixture(deployFederationFixture);
      await f.federation.connect(await asFederation(f)).suspend("monterrey", "audit");
      await time.increase(1);
      const call = await ratifyCall(f);
      await expect(f.governor.connect(f.repMonterrey).propose([call.target], [0], [call.data], "Ratify"))
        .to.be.revertedWithCustomError(f.governor, "GovernorInsufficientProposerVotes")
        .withArgs(f.repMonterrey.address, 0, 1);
    });

    it("lets every representative propose", async () => {
      const f = await loadFixture(deployFederationFixture);
      for (const [i, rep] of f.reps.entries()) {
        const call = await ratifyCall(f, `ipfs://draft-${i}`);
        await expect(f.governor.connect(rep).propose([call.target], [0], [call.data], `Draft ${i}`)).to.emit(
          f.governor,
          "ProposalCreated",
        );
      }
    });
  });

  describe("quorum (50% of the seats at the snapshot, rounded down)", () => {
    it("is 1 of 3 seats: one For vote, nobody else voting, carries a proposal", async () => {
      const f = await loadFixture(deployActiveProposalFixture);
      expect(await f.governor.quorum(f.s.snapshot)).to.equal(1);
      await castVotes(f.governor, f.s, [f.repKaty], Vote.For);
      await time.increaseTo(f.s.deadline + 1);
      expect(await f.governor.state(f.s.proposal.id)).to.equal(State.Succeeded);
    });

    const DEFEATS: [string, [keyof Pick<FederationFixture, "repKaty" | "repHouston" | "repMonterrey">, Vote][]][] = [
      ["nobody votes", []],
      ["only abstentions (quorum reached, but no For majority)", [["repKaty", Vote.Abstain]]],
      ["only Against votes", [["repKaty", Vote.Against]]],
      [
        "For and Against are even",
        [
          ["repKaty", Vote.For],
          ["repHouston", Vote.Against],
        ],
      ],
    ];
    for (const [title, votes] of DEFEATS) {
      it(`is Defeated when ${title}, and cannot be queued`, async () => {
        const f = await loadFixture(deployActiveProposalFixture);
        for (const [rep, vote] of votes) await f.governor.connect(f[rep]).castVote(f.s.proposal.id, vote);
        await time.increaseTo(f.s.deadline + 1);
        expect(await f.governor.state(f.s.proposal.id)).to.equal(State.Defeated);
        await expect(f.governor.queue(...proposalArgs(f.s.proposal)))
          .to.be.revertedWithCustomError(f.governor, "GovernorUnexpectedProposalState")
          .withArgs(f.s.proposal.id, State.Defeated, bitmap(State.Succeeded));
      });
    }

    it("is 2 of 4 seats: one For vote alone is Defeated, For and Abstain succeed", async () => {
      const f = await loadFixture(deployFederationFixture);
      await admitAndLaunch(f, "riverside"); // its seat stays with its timelock, which does not vote
      await time.increase(1);
      const call = await ratifyCall(f);
      const lone = await submitProposal(f.governor, f.repKaty, [call], "Ratify, alone");
      const pair = await submitProposal(f.governor, f.repKaty, [call], "Ratify, with Houston abstaining");
      await openVoting(pair);
      expect(await f.governor.quorum(lone.snapshot)).to.equal(2);
      await castVotes(f.governor, lone, [f.repKaty], Vote.For);
      await castVotes(f.governor, pair, [f.repKaty], Vote.For);
      await castVotes(f.governor, pair, [f.repHouston], Vote.Abstain);
      await time.increaseTo(pair.deadline + 1);
      expect(await f.governor.state(lone.proposal.id)).to.equal(State.Defeated);
      expect(await f.governor.state(pair.proposal.id)).to.equal(State.Succeeded);
    });
  });

  describe("settings", () => {
    it("changes the voting delay and the proposal threshold by proposal", async () => {
      const f = await loadFixture(deployFederationFixture);
      const calls = [
        await callTo(f.governor, "setVotingDelay", [120]),
        await callTo(f.governor, "setProposalThreshold", [2]),
        await callTo(f.governor, "setVotingPeriod", [7_200]),
      ];
      const tx = runFederationProposal(f, calls, "Slower, and two seats to propose");
      await expect(tx).to.emit(f.governor, "VotingDelaySet").withArgs(GOVERNANCE.votingDelay, 120);
      await expect(tx).to.emit(f.governor, "ProposalThresholdSet").withArgs(GOVERNANCE.proposalThreshold, 2);
      await expect(tx).to.emit(f.governor, "VotingPeriodSet").withArgs(GOVERNANCE.votingPeriod, 7_200);
      expect(await f.governor.votingDelay()).to.equal(120);
      expect(await f.governor.proposalThreshold()).to.equal(2);
    });

    for (const [fn, name] of [
      ["setVotingDelay", "votingDelay"],
      ["setProposalThreshold", "proposalThreshold"],
    ] as const) {
      it(`reverts the execution of a proposal calling ${fn}(0) with FederationGovernorSettingTooLow`, async () => {
        const f = await loadFixture(deployFederationFixture);
        const s = await passFederationProposal(f, [await callTo(f.governor, fn, [0])], `${fn}(0)`);
        await expect(executeProposal(f.governor, s))
          .to.be.revertedWithCustomError(f.governor, "FederationGovernorSettingTooLow")
          .withArgs(name, 0, 1);
        expect(await f.governor.state(s.proposal.id)).to.equal(State.Queued);
        expect(await f.governor[name]()).to.equal(GOVERNANCE[name]);
      });
    }

    it("reverts the execution of a proposal calling setVotingPeriod(0) with GovernorInvalidVotingPeriod", async () => {
      const f = await loadFixture(deployFederationFixture);
      const s = await passFederationProposal(f, [await callTo(f.governor, "setVotingPeriod", [0])], "No voting");
      await expect(executeProposal(f.governor, s))
        .to.be.revertedWithCustomError(f.governor, "GovernorInvalidVotingPeriod")
        .withArgs(0);
    });

    it("reverts a proposal lowering the quorum to 0% with FederationGovernorSettingTooLow, like the constructor", async () => {
      const f = await loadFixture(deployFederationFixture);
      const s = await passFederationProposal(f, [await callTo(f.governor, "updateQuorumNumerator", [0])], "No quorum");
      await expect(executeProposal(f.governor, s))
        .to.be.revertedWithCustomError(f.governor, "FederationGovernorSettingTooLow")
        .withArgs("quorumPercent", 0, 1);
    });

    it("reverts direct calls of the settings with GovernorOnlyExecutor, even from the timelock", async () => {
      const f = await loadFixture(deployFederationFixture);
      const tl = await asFederation(f);
      for (const s of [f.repKaty, f.deployer, tl]) {
        const g = f.governor.connect(s);
        for (const call of [
          () => g.setVotingDelay(1),
          () => g.setVotingPeriod(60),
          () => g.setProposalThreshold(5),
          () => g.updateQuorumNumerator(10),
          () => g.updateTimelock(f.addresses.timelock),
          () => g.relay(f.addresses.federation, 0, "0x"),
        ]) {
          if (s === tl) {
            // the timelock is the executor, but only for a call queued by a proposal's execution: the queue is empty
            await expect(call()).to.be.revertedWithPanic(0x31);
          } else {
            await expect(call()).to.be.revertedWithCustomError(f.governor, "GovernorOnlyExecutor").withArgs(s.address);
          }
        }
      }
    });
  });

  describe("attacks", () => {
    describe("a seat acquired after the snapshot (the federation's borrowed-votes case)", () => {
      it("cannot vote: a community launched while the proposal is Active reverts with FederationGovernorNoVotingPower", async () => {
        const f = await loadFixture(deployActiveProposalFixture);
        const riverside = await admitAndLaunch(f, "riverside");
        const holder = await asCommunity(riverside);
        expect(await f.seats.getVotes(riverside.timelockAddress)).to.equal(1);
        expect(await f.governor.getVotes(riverside.timelockAddress, f.s.snapshot)).to.equal(0);
        await expect(f.governor.connect(holder).castVote(f.s.proposal.id, Vote.Against))
          .to.be.revertedWithCustomError(f.governor, "FederationGovernorNoVotingPower")
          .withArgs(riverside.timelockAddress, f.s.proposal.id);
        // nor through a delegate: the seat's votes move to the delegate now, not at the snapshot
        await f.seats.connect(holder).delegate(f.newRep.address);
        await expect(f.governor.connect(f.newRep).castVote(f.s.proposal.id, Vote.Against))
          .to.be.revertedWithCustomError(f.governor, "FederationGovernorNoVotingPower")
          .withArgs(f.newRep.address, f.s.proposal.id);
        expect(await f.governor.proposalVotes(f.s.proposal.id)).to.deep.equal([0n, 0n, 0n]);
      });

      it("counts a seat minted at the snapshot's timestamp, not one minted a second later", async () => {
        const f = await loadFixture(deployPendingProposalFixture);
        const { s } = f;
        const tl = await asFederation(f);
        const [onTime, late] = [newCommunityConfig(f, "riverside"), newCommunityConfig(f, "lakeside")];
        await f.federation.connect(tl).admit("riverside", f.newLauncher.address);
        await f.federation.connect(tl).admit("lakeside", f.newLauncher.address);
        await time.setNextBlockTimestamp(s.snapshot);
        await f.federation.connect(f.newLauncher).launch(onTime);
        await time.setNextBlockTimestamp(s.snapshot + 1);
        await f.federation.connect(f.newLauncher).launch(late);
        const atSnapshot = await attachMember(f, "riverside", onTime);
        const afterSnapshot = await attachMember(f, "lakeside", late);

        expect(await f.governor.state(s.proposal.id)).to.equal(State.Active);
        await expect(f.governor.connect(await asCommunity(atSnapshot)).castVote(s.proposal.id, Vote.For))
          .to.emit(f.governor, "VoteCast")
          .withArgs(atSnapshot.timelockAddress, s.proposal.id, Vote.For, 1, "");
        await expect(f.governor.connect(await asCommunity(afterSnapshot)).castVote(s.proposal.id, Vote.For))
          .to.be.revertedWithCustomError(f.governor, "FederationGovernorNoVotingPower")
          .withArgs(afterSnapshot.timelockAddress, s.proposal.id);
        expect(await f.governor.quorum(s.snapshot)).to.equal(2); // 4 seats at the snapshot
      });

      it("for community tokens: tokens received after the snapshot give no weight in the community's governor", async () => {
        const f = await loadFixture(deployFederationFixture);
        const { katy, alice, bob, dave } = f;
        const call = await callTo(katy.registry, "setTravelRuleThreshold", [KC(2_000)]);
        const s = await submitProposal(katy.governor, alice, [call], "Raise the travel-rule threshold");
        // dave "borrows" 1,000 KATY from bob at the snapshot + 1 and delegates to himself, then votes
        await time.setNextBlockTimestamp(s.snapshot + 1);
        await katy.token.connect(bob).transfer(dave.address, KC(1_000));
        await katy.token.connect(dave).delegate(dave.address);
        expect(await katy.token.getVotes(dave.address)).to.equal(KC(1_000));
        expect(await katy.governor.getVotes(dave.address, s.snapshot)).to.equal(0);
        // the community governor records a weightless vote (the federation's reverts instead)
        await expect(katy.governor.connect(dave).castVote(s.proposal.id, Vote.Against))
          .to.emit(katy.governor, "VoteCast")
          .withArgs(dave.address, s.proposal.id, Vote.Against, 0, "");
        // bob still votes with what he held at the snapshot
        await expect(katy.governor.connect(bob).castVote(s.proposal.id, Vote.For))
          .to.emit(katy.governor, "VoteCast")
          .withArgs(bob.address, s.proposal.id, Vote.For, KC(5_000), "");
        expect(await katy.governor.proposalVotes(s.proposal.id)).to.deep.equal([0n, KC(5_000), 0n]);
      });

      it("for community tokens: tokens minted at the snapshot's timestamp do count", async () => {
        const f = await loadFixture(deployFederationFixture);
        const { katy, alice, dave, minter } = f;
        const call = await callTo(katy.registry, "setTravelRuleThreshold", [KC(2_000)]);
        await katy.token.connect(dave).delegate(dave.address);
        const s = await submitProposal(katy.governor, alice, [call], "Raise the travel-rule threshold");
        await time.setNextBlockTimestamp(s.snapshot);
        await katy.token.connect(minter).mint(dave.address, KC(300), ref("at-the-snapshot"));
        await time.setNextBlockTimestamp(s.snapshot + 1);
        await katy.token.connect(minter).mint(dave.address, KC(700), ref("after-the-snapshot"));
        await expect(katy.governor.connect(dave).castVote(s.proposal.id, Vote.For))
          .to.emit(katy.governor, "VoteCast")
          .withArgs(dave.address, s.proposal.id, Vote.For, KC(300), "");
      });
    });

    describe("a member suspended while a proposal is open", () => {
      it("cannot vote on it (FederationGovernorNoVotingPower), and its seat adds no weight", async () => {
        const f = await loadFixture(deployActiveProposalFixture);
        const { s } = f;
        expect(await f.governor.getVotes(f.repMonterrey.address, s.snapshot)).to.equal(1);
        await f.federation.connect(await asFederation(f)).suspend("monterrey", "audit");
        expect(await f.governor.getVotes(f.repMonterrey.address, s.snapshot)).to.equal(0);
        await expect(f.governor.connect(f.repMonterrey).castVote(s.proposal.id, Vote.For))
          .to.be.revertedWithCustomError(f.governor, "FederationGovernorNoVotingPower")
          .withArgs(f.repMonterrey.address, s.proposal.id);
        await castVotes(f.governor, s, [f.repKaty], Vote.For);
        await castVotes(f.governor, s, [f.repHouston], Vote.Against);
        expect(await f.governor.proposalVotes(s.proposal.id)).to.deep.equal([1n, 1n, 0n]);
        await time.increaseTo(s.deadline + 1);
        // Monterrey's For would have carried it; without it the vote is even
        expect(await f.governor.state(s.proposal.id)).to.equal(State.Defeated);
        // the quorum still counts the seats at the snapshot
        expect(await f.governor.quorum(s.snapshot)).to.equal(1);
      });

      it("cannot vote on it when the suspension lands by an earlier proposal executed during the vote", async () => {
        const f = await loadFixture(deployFederationFixture);
        const suspend = await submitProposal(
          f.governor,
          f.repKaty,
          [await callTo(f.federation, "suspend", ["monterrey", "charter breach"])],
          "Suspend Monterrey",
        );
        await openVoting(suspend);
        await castVotes(f.governor, suspend, [f.repKaty, f.repHouston], Vote.For);
        await castVotes(f.governor, suspend, [f.repMonterrey], Vote.Against);
        const eta = await queueProposal(f.governor, suspend);

        // a second proposal opens while the suspension waits in the timelock
        const later = await submitProposal(f.governor, f.repHouston, [await ratifyCall(f)], "Ratify the charter");
        await openVoting(later);
        expect(eta).to.be.lessThan(later.deadline);
        await time.increaseTo(eta);
        await expect(executeProposal(f.governor, suspend)).to.emit(f.federation, "MemberSuspended");

        expect(await f.governor.state(later.proposal.id)).to.equal(State.Active);
        await expect(f.governor.connect(f.repMonterrey).castVote(later.proposal.id, Vote.Against))
          .to.be.revertedWithCustomError(f.governor, "FederationGovernorNoVotingPower")
          .withArgs(f.repMonterrey.address, later.proposal.id);
      });

      it("keeps a vote it cast before the suspension (documented limitation: tallies are not revised)", async () => {
        const f = await loadFixture(deployActiveProposalFixture);
        const { s } = f;
        await castVotes(f.governor, s, [f.repMonterrey], Vote.For);
        await f.federation.connect(await asFederation(f)).suspend("monterrey", "audit");
        await castVotes(f.governor, s, [f.repHouston], Vote.Against);
        expect(await f.governor.proposalVotes(s.proposal.id)).to.deep.equal([1n, 1n, 0n]);
      });

      it("votes again on proposals whose snapshot follows its readmission", async () => {
        const f = await loadFixture(deployFederationFixture);
        const tl = await asFederation(f);
        await f.federation.connect(tl).suspend("monterrey", "audit");
        await f.federation.connect(tl).readmit("monterrey");
        const s = await submitProposal(f.governor, f.repKaty, [await ratifyCall(f)], "Ratify the charter");
        await openVoting(s);
        await expect(f.governor.connect(f.repMonterrey).castVote(s.proposal.id, Vote.For))
          .to.emit(f.governor, "VoteCast")
          .withArgs(f.repMonterrey.address, s.proposal.id, Vote.For, 1, "");
      });
    });

    describe("a representative replaced while a proposal is open", () => {
      it("leaves the community without a vote in it: neither the old nor the new representative may vote", async () => {
        // A consequence of weighing the lower of the votes at the snapshot and now: the old representative has
        // none now, the new one had none at the snapshot.
        const f = await loadFixture(deployActiveProposalFixture);
        const { s } = f;
        await f.seats.connect(await asCommunity(f.katy)).delegate(f.newRep.address);
        for (const rep of [f.repKaty, f.newRep]) {
          await expect(f.governor.connect(rep).castVote(s.proposal.id, Vote.For))
            .to.be.revertedWithCustomError(f.governor, "FederationGovernorNoVotingPower")
            .withArgs(rep.address, s.proposal.id);
        }
      });
    });

    describe("execution before the timelock's delay", () => {
      it("reverts before queueing with GovernorUnexpectedProposalState (the governor's check)", async () => {
        const f = await loadFixture(deployActiveProposalFixture);
        await castVotes(f.governor, f.s, f.reps, Vote.For);
        await time.increaseTo(f.s.deadline + 1);
        await expect(executeProposal(f.governor, f.s))
          .to.be.revertedWithCustomError(f.governor, "GovernorUnexpectedProposalState")
          .withArgs(f.s.proposal.id, State.Succeeded, bitmap(State.Queued));
      });

      it("reverts once queued with the timelock's TimelockUnexpectedOperationState until the eta, then executes", async () => {
        const f = await loadFixture(deployActiveProposalFixture);
        const { s } = f;
        await castVotes(f.governor, s, f.reps, Vote.For);
        const eta = await queueProposal(f.governor, s);
        const opId = await operationId(f, s.proposal);
        await expect(executeProposal(f.governor, s))
          .to.be.revertedWithCustomError(f.timelock, "TimelockUnexpectedOperationState")
          .withArgs(opId, bitmap(OperationState.Ready));
        // nor straight on the timelock, though anyone may execute there
        const salt = ethers.toBeHex((BigInt(f.addresses.governor) << 96n) ^ BigInt(s.proposal.descriptionHash), 32);
        const direct = () =>
          f.timelock
            .connect(f.stranger)
            .executeBatch(s.proposal.targets, s.proposal.values, s.proposal.calldatas, ethers.ZeroHash, salt);
        await expect(direct())
          .to.be.revertedWithCustomError(f.timelock, "TimelockUnexpectedOperationState")
          .withArgs(opId, bitmap(OperationState.Ready));
        await time.setNextBlockTimestamp(eta - 1);
        await expect(executeProposal(f.governor, s))
          .to.be.revertedWithCustomError(f.timelock, "TimelockUnexpectedOperationState")
          .withArgs(opId, bitmap(OperationState.Ready));
        await time.setNextBlockTimestamp(eta);
        await expect(executeProposal(f.governor, s)).to.emit(f.governor, "ProposalExecuted").withArgs(s.proposal.id);
      });

      it("cannot be bypassed: a representative may not schedule on the timelock", async () => {
        const f = await loadFixture(deployFederationFixture);
        const call = await ratifyCall(f);
        await expect(
          f.timelock.connect(f.repKaty).schedule(call.target, 0, call.data, ethers.ZeroHash, ethers.ZeroHash, 3_600),
        )
          .to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount")
          .withArgs(f.repKaty.address, PROPOSER_ROLE);
      });
    });
  });

  describe("FederationTimelock", () => {
    it("has a MIN_DELAY of one hour", async () => {
      const f = await loadFixture(deployFederationFixture);
      expect(await f.timelock.MIN_DELAY()).to.equal(3_600);
    });

    it("reverts deployment with a delay under an hour with FederationTimelockDelayTooShort", async () => {
      const factory = await ethers.getContractFactory("FederationTimelock");
      await expect(factory.deploy(3_599, [], [], ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "FederationTimelockDelayTooShort")
        .withArgs(3_599, 3_600);
    });

    it("reverts updateDelay from an account with TimelockUnauthorizedCaller", async () => {
      const f = await loadFixture(deployFederationFixture);
      await expect(f.timelock.connect(f.repKaty).updateDelay(7_200))
        .to.be.revertedWithCustomError(f.timelock, "TimelockUnauthorizedCaller")
        .withArgs(f.repKaty.address);
    });

    it("changes its delay by proposal, but never below an hour", async () => {
      const f = await loadFixture(deployFederationFixture);
      const short = await passFederationProposal(f, [await callTo(f.timelock, "updateDelay", [1_800])], "Faster");
      await expect(executeProposal(f.governor, short))
        .to.be.revertedWithCustomError(f.timelock, "FederationTimelockDelayTooShort")
        .withArgs(1_800, 3_600);
      const long = runFederationProposal(f, [await callTo(f.timelock, "updateDelay", [7_200])], "Slower");
      await expect(long).to.emit(f.timelock, "MinDelayChange").withArgs(3_600, 7_200);
      expect(await f.timelock.getMinDelay()).to.equal(7_200);
    });
  });
});

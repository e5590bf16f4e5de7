import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers, artifacts } from "hardhat";
import { deployLaunchedCommunityFixture, KC, ref } from "../shared/fixtures";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const PROPOSER_ROLE = ethers.id("PROPOSER_ROLE");

/** The community's governance settings, from config/communities.json's defaults (what `config(id)` launches). */
const VOTING_DELAY = 60;
const VOTING_PERIOD = 3600;
const VOTE_EXTENSION = 600;
const TIMELOCK_DELAY = 3600;
const PROPOSAL_THRESHOLD = KC(100);

/** IGovernor.ProposalState, in declaration order. */
enum State {
  Pending,
  Active,
  Canceled,
  Defeated,
  Succeeded,
  Queued,
  Expired,
  Executed,
}

/** GovernorCountingSimple's vote types. */
enum Vote {
  Against,
  For,
  Abstain,
}

/** TimelockController.OperationState, in declaration order. */
const READY = 2;

/** OpenZeppelin's `_encodeStateBitmap`: the bytes32 with bit `state` set. */
const bitmap = (...states: number[]) =>
  ethers.toBeHex(
    states.reduce((bits, s) => bits | (1n << BigInt(s)), 0n),
    32,
  );

/**
 * The launched community with voters: the minter has issued 10,000 KC to alice and to bob and 500 KC to carol,
 * each of whom delegated to themselves (supply 20,500 KC, so the 4% quorum is 820 KC). `dave` holds nothing.
 */
async function deployVotersFixture() {
  const f = await deployLaunchedCommunityFixture();
  const dave = (await ethers.getSigners())[10]!;
  const holdings: [HardhatEthersSigner, bigint][] = [
    [f.alice, KC(10_000)],
    [f.bob, KC(10_000)],
    [f.carol, KC(500)],
  ];
  for (const [holder, amount] of holdings) {
    await f.token.connect(f.minter).mint(holder.address, amount, ref(`deposit-${holder.address}`));
    await f.token.connect(holder).delegate(holder.address);
  }
  const addresses = {
    token: await f.token.getAddress(),
    registry: await f.registry.getAddress(),
    governor: await f.governor.getAddress(),
    timelock: await f.timelock.getAddress(),
    factory: await f.factory.getAddress(),
  };
  return { ...f, dave, addresses };
}

type Voters = Awaited<ReturnType<typeof deployVotersFixture>>;

interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
  descriptionHash: string;
  id: bigint;
}

/** A proposal (not yet submitted) of calls to the community's compliance registry. */
async function registryProposal(f: Voters, calldatas: string[], description: string): Promise<Proposal> {
  const targets = calldatas.map(() => f.addresses.registry);
  const values = calldatas.map(() => 0n);
  const descriptionHash = ethers.id(description);
  const id = await f.governor.hashProposal(targets, values, calldatas, descriptionHash);
  return { targets, values, calldatas, description, descriptionHash, id };
}

const setDailyLimitCall = (f: Voters, tier: number, limit: bigint) =>
  f.registry.interface.encodeFunctionData("setDailyLimit", [tier, limit]);

/** Submits `p` as `proposer` in a block at `at` (default: the next second); returns that timestamp. */
async function submit(f: Voters, p: Proposal, proposer: HardhatEthersSigner = f.alice, at?: number) {
  const timestamp = at ?? (await time.latest()) + 1;
  await time.setNextBlockTimestamp(timestamp);
  await f.governor.connect(proposer).propose(p.targets, p.values, p.calldatas, p.description);
  return timestamp;
}

/** A submitted proposal raising the tier-0 daily limit to 5,000 KC, still Pending. */
async function deployPendingProposalFixture() {
  const f = await deployVotersFixture();
  const proposal = await registryProposal(f, [setDailyLimitCall(f, 0, KC(5_000))], "Raise the tier-0 limit to 5,000");
  const proposedAt = await submit(f, proposal);
  const snapshot = proposedAt + VOTING_DELAY;
  const deadline = snapshot + VOTING_PERIOD;
  return { ...f, proposal, proposedAt, snapshot, deadline };
}

/** The proposal above, now Active (one second past its snapshot). */
async function deployActiveProposalFixture() {
  const f = await deployPendingProposalFixture();
  await time.increaseTo(f.snapshot + 1);
  return f;
}

type WithProposal = Awaited<ReturnType<typeof deployPendingProposalFixture>>;

const args = (p: Proposal) => [p.targets, p.values, p.calldatas, p.descriptionHash] as const;

/** Takes an Active proposal through alice's and bob's For votes, the deadline, the queue and the delay. */
async function passAndExecute(f: WithProposal, executor: HardhatEthersSigner = f.stranger) {
  await f.governor.connect(f.alice).castVote(f.proposal.id, Vote.For);
  await f.governor.connect(f.bob).castVote(f.proposal.id, Vote.For);
  await time.increaseTo(f.deadline + 1);
  await f.governor.queue(...args(f.proposal));
  await time.increase(TIMELOCK_DELAY);
  return f.governor.connect(executor).execute(...args(f.proposal));
}

/** An account that sends as the contract at `address` (the factory, the governor). */
async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await impersonateAccount(address);
  await setBalance(address, ethers.parseEther("10"));
  return ethers.getSigner(address);
}

/** ERC-165 id of an interface: XOR of the selectors it declares itself (not those of interfaces it extends). */
async function interfaceId(name: string, inherited: string[]): Promise<string> {
  const own = new ethers.Interface((await artifacts.readArtifact(name)).abi);
  const skip = new Set<string>();
  for (const parent of inherited) {
    new ethers.Interface((await artifacts.readArtifact(parent)).abi).forEachFunction((fn) => skip.add(fn.selector));
  }
  let id = 0n;
  own.forEachFunction((fn) => {
    if (!skip.has(fn.selector)) id ^= BigInt(fn.selector);
  });
  return ethers.toBeHex(id, 4);
}

describe("CommunityGovernor", () => {
  describe("a full proposal lifecycle changing a compliance limit", () => {
    it("goes Pending, Active, Succeeded, Queued, Executed and sets the new limit through the timelock", async () => {
      const f = await loadFixture(deployVotersFixture);
      const { governor, registry, timelock, alice, bob, carol, stranger } = f;
      const newLimit = KC(5_000);
      const p = await registryProposal(f, [setDailyLimitCall(f, 0, newLimit)], "Raise the tier-0 limit to 5,000");

      // propose
      const proposedAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(proposedAt);
      const snapshot = proposedAt + VOTING_DELAY;
      const deadline = snapshot + VOTING_PERIOD;
      await expect(governor.connect(alice).propose(p.targets, p.values, p.calldatas, p.description))
        .to.emit(governor, "ProposalCreated")
        .withArgs(p.id, alice.address, p.targets, p.values, [""], p.calldatas, snapshot, deadline, p.description);
      expect(await governor.state(p.id)).to.equal(State.Pending);
      expect(await governor.proposalSnapshot(p.id)).to.equal(snapshot);
      expect(await governor.proposalDeadline(p.id)).to.equal(deadline);
      expect(await governor.proposalProposer(p.id)).to.equal(alice.address);
      expect(await governor.proposalNeedsQueuing(p.id)).to.equal(true);

      // vote
      await time.increaseTo(snapshot + 1);
      expect(await governor.state(p.id)).to.equal(State.Active);
      await expect(governor.connect(alice).castVote(p.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(alice.address, p.id, Vote.For, KC(10_000), "");
      await expect(governor.connect(bob).castVoteWithReason(p.id, Vote.Abstain, "fine either way"))
        .to.emit(governor, "VoteCast")
        .withArgs(bob.address, p.id, Vote.Abstain, KC(10_000), "fine either way");
      await expect(governor.connect(carol).castVoteWithReason(p.id, Vote.Against, "too high for tier 0"))
        .to.emit(governor, "VoteCast")
        .withArgs(carol.address, p.id, Vote.Against, KC(500), "too high for tier 0");
      expect(await governor.proposalVotes(p.id)).to.deep.equal([KC(500), KC(10_000), KC(10_000)]);
      expect(await governor.hasVoted(p.id, alice.address)).to.equal(true);
      expect(await governor.hasVoted(p.id, stranger.address)).to.equal(false);

      // succeed
      await time.increaseTo(deadline);
      expect(await governor.state(p.id)).to.equal(State.Active);
      await time.increaseTo(deadline + 1);
      expect(await governor.state(p.id)).to.equal(State.Succeeded);

      // queue
      const queuedAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(queuedAt);
      const queue = governor.connect(stranger).queue(...args(p));
      await expect(queue)
        .to.emit(governor, "ProposalQueued")
        .withArgs(p.id, queuedAt + TIMELOCK_DELAY);
      const salt = ethers.toBeHex((BigInt(f.addresses.governor) << 96n) ^ BigInt(p.descriptionHash), 32);
      const operationId = await timelock.hashOperationBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash, salt);
      await expect(queue)
        .to.emit(timelock, "CallScheduled")
        .withArgs(operationId, 0, p.targets[0], 0, p.calldatas[0], ethers.ZeroHash, TIMELOCK_DELAY);
      expect(await governor.state(p.id)).to.equal(State.Queued);
      expect(await governor.proposalEta(p.id)).to.equal(queuedAt + TIMELOCK_DELAY);

      // the timelock holds it until its delay has passed
      await expect(governor.connect(stranger).execute(...args(p)))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(operationId, bitmap(READY));
      expect(await registry.dailyLimit(0)).to.equal(KC(1_000));

      // execute (anyone may)
      await time.increaseTo(queuedAt + TIMELOCK_DELAY);
      const execute = governor.connect(stranger).execute(...args(p));
      await expect(execute).to.emit(governor, "ProposalExecuted").withArgs(p.id);
      await expect(execute).to.emit(registry, "DailyLimitChanged").withArgs(0, KC(1_000), newLimit);
      await expect(execute).to.emit(timelock, "CallExecuted").withArgs(operationId, 0, p.targets[0], 0, p.calldatas[0]);
      expect(await governor.state(p.id)).to.equal(State.Executed);
      expect(await registry.dailyLimit(0)).to.equal(newLimit);
    });

    it("applies the new limit to transfers once executed", async () => {
      const f = await loadFixture(deployActiveProposalFixture);
      await passAndExecute(f);
      // bob is tier 0: 5,000 now passes, one more KC does not
      await expect(f.token.connect(f.bob).transfer(f.carol.address, KC(5_000))).to.changeTokenBalances(
        f.token,
        [f.bob, f.carol],
        [-KC(5_000), KC(5_000)],
      );
      await expect(f.token.connect(f.bob).transfer(f.carol.address, KC(1)))
        .to.be.revertedWithCustomError(f.registry, "ComplianceDailyLimitExceeded")
        .withArgs(f.bob.address, 0, KC(5_000), KC(5_000), KC(1));
    });

    it("changes the travel-rule threshold, an exemption and the sanctions oracle in one proposal", async () => {
      const f = await loadFixture(deployVotersFixture);
      const { registry, sanctions, addresses } = f;
      const pool = f.dave.address;
      const calls = [
        registry.interface.encodeFunctionData("setTravelRuleThreshold", [KC(3_000)]),
        registry.interface.encodeFunctionData("setExempt", [pool, true]),
        registry.interface.encodeFunctionData("setSanctionsOracle", [ethers.ZeroAddress]),
      ];
      const proposal = await registryProposal(f, calls, "Regional rules, round 2");
      const proposedAt = await submit(f, proposal);
      const snapshot = proposedAt + VOTING_DELAY;
      await time.increaseTo(snapshot + 1);
      const execute = passAndExecute({ ...f, proposal, proposedAt, snapshot, deadline: snapshot + VOTING_PERIOD });
      await expect(execute).to.emit(registry, "TravelRuleThresholdChanged").withArgs(KC(1_000), KC(3_000));
      await expect(execute).to.emit(registry, "ExemptionChanged").withArgs(pool, true);
      await expect(execute)
        .to.emit(registry, "SanctionsOracleChanged")
        .withArgs(await sanctions.getAddress(), ethers.ZeroAddress);
      expect(await registry.travelRuleThreshold()).to.equal(KC(3_000));
      expect(await registry.isExempt(pool)).to.equal(true);
      expect(await registry.sanctionsOracle()).to.equal(ethers.ZeroAddress);
      expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, addresses.timelock)).to.equal(true);
    });
  });

  describe("regional rules", () => {
    const CALLERS = ["launcher", "admin", "minter", "pauser", "verifier", "officer", "factory", "governor"] as const;
    type Caller = (typeof CALLERS)[number];
    async function signer(f: Voters, who: Caller) {
      if (who === "factory") return impersonate(f.addresses.factory);
      if (who === "governor") return impersonate(f.addresses.governor);
      return f[who];
    }
    const SETTERS = {
      setDailyLimit: (f: Voters, s: HardhatEthersSigner) => f.registry.connect(s).setDailyLimit(0, KC(1)),
      setTravelRuleThreshold: (f: Voters, s: HardhatEthersSigner) => f.registry.connect(s).setTravelRuleThreshold(1),
      setSanctionsOracle: (f: Voters, s: HardhatEthersSigner) =>
        f.registry.connect(s).setSanctionsOracle(ethers.ZeroAddress),
      setExempt: (f: Voters, s: HardhatEthersSigner) => f.registry.connect(s).setExempt(f.alice.address, true),
    };

    for (const [setter, call] of Object.entries(SETTERS)) {
      describe(`${setter} outside governance`, () => {
        for (const who of CALLERS) {
          it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
            const f = await loadFixture(deployVotersFixture);
            const s = await signer(f, who);
            await expect(call(f, s))
              .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
              .withArgs(s.address, DEFAULT_ADMIN_ROLE);
          });
        }
      });
    }

    describe("the timelock outside a proposal", () => {
      for (const who of ["launcher", "admin", "alice", "minter", "factory"] as const) {
        const label = who === "alice" ? "a holder with votes" : `the ${who}`;
        it(`reverts schedule with AccessControlUnauthorizedAccount(PROPOSER_ROLE) for ${label}`, async () => {
          const f = await loadFixture(deployVotersFixture);
          const s = who === "factory" ? await impersonate(f.addresses.factory) : f[who];
          const data = setDailyLimitCall(f, 0, KC(1));
          await expect(
            f.timelock.connect(s).schedule(f.addresses.registry, 0, data, ethers.ZeroHash, ethers.ZeroHash, 3600),
          )
            .to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount")
            .withArgs(s.address, PROPOSER_ROLE);
          await expect(
            f.timelock
              .connect(s)
              .scheduleBatch([f.addresses.registry], [0], [data], ethers.ZeroHash, ethers.ZeroHash, 3600),
          )
            .to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount")
            .withArgs(s.address, PROPOSER_ROLE);
        });
      }

      it("reverts execute of an operation never scheduled with TimelockUnexpectedOperationState", async () => {
        const { timelock, registry, stranger, addresses } = await loadFixture(deployVotersFixture);
        const data = registry.interface.encodeFunctionData("setDailyLimit", [0, KC(1)]);
        const id = await timelock.hashOperation(addresses.registry, 0, data, ethers.ZeroHash, ethers.ZeroHash);
        await expect(timelock.connect(stranger).execute(addresses.registry, 0, data, ethers.ZeroHash, ethers.ZeroHash))
          .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
          .withArgs(id, bitmap(READY));
      });

      for (const who of ["launcher", "admin"] as const) {
        it(`reverts grantRole(PROPOSER_ROLE) with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployVotersFixture);
          await expect(f.timelock.connect(f[who]).grantRole(PROPOSER_ROLE, f[who].address))
            .to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, DEFAULT_ADMIN_ROLE);
        });
      }

      it("reverts updateDelay from an account with TimelockUnauthorizedCaller", async () => {
        const { timelock, launcher } = await loadFixture(deployVotersFixture);
        await expect(timelock.connect(launcher).updateDelay(1))
          .to.be.revertedWithCustomError(timelock, "TimelockUnauthorizedCaller")
          .withArgs(launcher.address);
      });
    });

    describe("the governor's own settings and relay outside a proposal", () => {
      it("revert with GovernorOnlyExecutor", async () => {
        const { governor, registry, launcher, addresses } = await loadFixture(deployVotersFixture);
        const data = registry.interface.encodeFunctionData("setDailyLimit", [0, KC(1)]);
        await expect(governor.connect(launcher).relay(addresses.registry, 0, data))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(launcher.address);
        await expect(governor.connect(launcher).setVotingPeriod(VOTING_PERIOD * 2))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(launcher.address);
        await expect(governor.connect(launcher).updateQuorumNumerator(1))
          .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
          .withArgs(launcher.address);
      });
    });
  });

  describe("snapshot voting", () => {
    it("counts the votes held at the snapshot, not tokens received or moved after it", async () => {
      const f = await loadFixture(deployActiveProposalFixture);
      const { governor, token, minter, alice, bob, dave, proposal, snapshot } = f;
      // after the snapshot: alice is issued 50,000 more, dave is issued 50,000 and delegates, bob sends 1,000 away
      await token.connect(minter).mint(alice.address, KC(50_000), ref("late-alice"));
      await token.connect(minter).mint(dave.address, KC(50_000), ref("late-dave"));
      await token.connect(dave).delegate(dave.address);
      await token.connect(bob).transfer(dave.address, KC(1_000));
      expect(await token.getVotes(alice.address)).to.equal(KC(60_000));
      expect(await governor.getVotes(alice.address, snapshot)).to.equal(KC(10_000));
      expect(await governor.getVotes(dave.address, snapshot)).to.equal(0);

      await expect(governor.connect(alice).castVote(proposal.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(alice.address, proposal.id, Vote.For, KC(10_000), "");
      await expect(governor.connect(bob).castVote(proposal.id, Vote.Against))
        .to.emit(governor, "VoteCast")
        .withArgs(bob.address, proposal.id, Vote.Against, KC(10_000), "");
      await expect(governor.connect(dave).castVote(proposal.id, Vote.Against))
        .to.emit(governor, "VoteCast")
        .withArgs(dave.address, proposal.id, Vote.Against, 0, "");
      expect(await governor.proposalVotes(proposal.id)).to.deep.equal([KC(10_000), KC(10_000), 0n]);
    });

    it("counts tokens received at the snapshot's timestamp but not one second later", async () => {
      const f = await loadFixture(deployPendingProposalFixture);
      const { governor, token, minter, carol, proposal, snapshot } = f;
      await time.setNextBlockTimestamp(snapshot);
      await token.connect(minter).mint(carol.address, KC(1_000), ref("at-snapshot"));
      await time.setNextBlockTimestamp(snapshot + 1);
      await token.connect(minter).mint(carol.address, KC(2_000), ref("after-snapshot"));
      expect(await governor.getVotes(carol.address, snapshot)).to.equal(KC(1_500));
      await expect(governor.connect(carol).castVote(proposal.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(carol.address, proposal.id, Vote.For, KC(1_500), "");
    });

    it("takes the quorum as 4% of the supply at the snapshot", async () => {
      const f = await loadFixture(deployActiveProposalFixture);
      await f.token.connect(f.minter).mint(f.dave.address, KC(100_000), ref("late-supply"));
      await time.increase(1);
      expect(await f.governor.quorum(f.snapshot)).to.equal(KC(820));
      expect(await f.governor.quorum((await time.latest()) - 1)).to.equal((KC(120_500) * 4n) / 100n);
    });
  });

  describe("when the vote fails", () => {
    const outcomes: [title: string, votes: [voter: "alice" | "bob" | "carol", vote: Vote][]][] = [
      ["quorum is not reached (500 of 820 KC)", [["carol", Vote.For]]],
      [
        "more vote against than for",
        [
          ["carol", Vote.For],
          ["bob", Vote.Against],
          ["alice", Vote.Abstain],
        ],
      ],
      [
        "for and against are even",
        [
          ["alice", Vote.For],
          ["bob", Vote.Against],
        ],
      ],
    ];
    for (const [title, votes] of outcomes) {
      it(`is Defeated when ${title}, and cannot be queued`, async () => {
        const f = await loadFixture(deployActiveProposalFixture);
        for (const [voter, vote] of votes) await f.governor.connect(f[voter]).castVote(f.proposal.id, vote);
        await time.increaseTo(f.deadline + 1);
        expect(await f.governor.state(f.proposal.id)).to.equal(State.Defeated);
        await expect(f.governor.queue(...args(f.proposal)))
          .to.be.revertedWithCustomError(f.governor, "GovernorUnexpectedProposalState")
          .withArgs(f.proposal.id, State.Defeated, bitmap(State.Succeeded));
      });
    }

    it("succeeds with abstentions counting toward quorum (500 for, 10,000 abstain)", async () => {
      const f = await loadFixture(deployActiveProposalFixture);
      await f.governor.connect(f.carol).castVote(f.proposal.id, Vote.For);
      await f.governor.connect(f.alice).castVote(f.proposal.id, Vote.Abstain);
      await time.increaseTo(f.deadline + 1);
      expect(await f.governor.state(f.proposal.id)).to.equal(State.Succeeded);
    });
  });

  describe("propose", () => {
    describe("when the proposer's votes are below the proposal threshold", () => {
      it("reverts with GovernorInsufficientProposerVotes for an account with no votes", async () => {
        const f = await loadFixture(deployVotersFixture);
        const p = await registryProposal(f, [setDailyLimitCall(f, 0, KC(1))], "Lower it");
        await expect(f.governor.connect(f.stranger).propose(p.targets, p.values, p.calldatas, p.description))
          .to.be.revertedWithCustomError(f.governor, "GovernorInsufficientProposerVotes")
          .withArgs(f.stranger.address, 0, PROPOSAL_THRESHOLD);
      });

      it("reverts with GovernorInsufficientProposerVotes for a holder who has not delegated", async () => {
        const f = await loadFixture(deployVotersFixture);
        await f.token.connect(f.minter).mint(f.dave.address, KC(1_000), ref("dave"));
        const p = await registryProposal(f, [setDailyLimitCall(f, 0, KC(1))], "Lower it");
        await expect(f.governor.connect(f.dave).propose(p.targets, p.values, p.calldatas, p.description))
          .to.be.revertedWithCustomError(f.governor, "GovernorInsufficientProposerVotes")
          .withArgs(f.dave.address, 0, PROPOSAL_THRESHOLD);
      });

      it("reverts with GovernorInsufficientProposerVotes one wei below the threshold", async () => {
        const f = await loadFixture(deployVotersFixture);
        await f.token.connect(f.minter).mint(f.dave.address, PROPOSAL_THRESHOLD - 1n, ref("dave"));
        await f.token.connect(f.dave).delegate(f.dave.address);
        const p = await registryProposal(f, [setDailyLimitCall(f, 0, KC(1))], "Lower it");
        await expect(f.governor.connect(f.dave).propose(p.targets, p.values, p.calldatas, p.description))
          .to.be.revertedWithCustomError(f.governor, "GovernorInsufficientProposerVotes")
          .withArgs(f.dave.address, PROPOSAL_THRESHOLD - 1n, PROPOSAL_THRESHOLD);
      });
    });

    describe("when the proposer has exactly the threshold", () => {
      it("creates the proposal", async () => {
        const f = await loadFixture(deployVotersFixture);
        await f.token.connect(f.minter).mint(f.dave.address, PROPOSAL_THRESHOLD, ref("dave"));
        await f.token.connect(f.dave).delegate(f.dave.address);
        const p = await registryProposal(f, [setDailyLimitCall(f, 0, KC(1))], "Lower it");
        const at = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(at);
        const [start, end] = [at + VOTING_DELAY, at + VOTING_DELAY + VOTING_PERIOD];
        await expect(f.governor.connect(f.dave).propose(p.targets, p.values, p.calldatas, p.description))
          .to.emit(f.governor, "ProposalCreated")
          .withArgs(p.id, f.dave.address, p.targets, p.values, [""], p.calldatas, start, end, p.description);
      });
    });
  });

  describe("castVote", () => {
    describe("when the proposal is still Pending", () => {
      it("reverts with GovernorUnexpectedProposalState", async () => {
        const { governor, alice, proposal } = await loadFixture(deployPendingProposalFixture);
        await expect(governor.connect(alice).castVote(proposal.id, Vote.For))
          .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
          .withArgs(proposal.id, State.Pending, bitmap(State.Active));
      });
    });

    describe("when the voting period is over", () => {
      it("reverts with GovernorUnexpectedProposalState", async () => {
        const { governor, alice, bob, proposal, deadline } = await loadFixture(deployActiveProposalFixture);
        await governor.connect(alice).castVote(proposal.id, Vote.For);
        await time.increaseTo(deadline + 1);
        await expect(governor.connect(bob).castVote(proposal.id, Vote.Against))
          .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
          .withArgs(proposal.id, State.Succeeded, bitmap(State.Active));
      });
    });

    describe("when the voter has voted already", () => {
      it("reverts with GovernorAlreadyCastVote", async () => {
        const { governor, alice, proposal } = await loadFixture(deployActiveProposalFixture);
        await governor.connect(alice).castVote(proposal.id, Vote.For);
        await expect(governor.connect(alice).castVoteWithReason(proposal.id, Vote.Against, "changed my mind"))
          .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
          .withArgs(alice.address);
      });
    });

    describe("when the vote type is unknown", () => {
      it("reverts with GovernorInvalidVoteType", async () => {
        const { governor, alice, proposal } = await loadFixture(deployActiveProposalFixture);
        await expect(governor.connect(alice).castVote(proposal.id, 3))
          .to.be.revertedWithCustomError(governor, "GovernorInvalidVoteType")
          .withArgs();
      });
    });

    describe("when the proposal does not exist", () => {
      it("reverts with GovernorNonexistentProposal", async () => {
        const { governor, alice } = await loadFixture(deployVotersFixture);
        await expect(governor.connect(alice).castVote(42, Vote.For))
          .to.be.revertedWithCustomError(governor, "GovernorNonexistentProposal")
          .withArgs(42);
      });
    });
  });

  describe("late quorum", () => {
    it("extends the deadline when quorum is reached in the last minutes, and emits ProposalExtended", async () => {
      const { governor, alice, bob, proposal, deadline } = await loadFixture(deployActiveProposalFixture);
      const votedAt = deadline - 100;
      await time.setNextBlockTimestamp(votedAt);
      await expect(governor.connect(alice).castVote(proposal.id, Vote.For))
        .to.emit(governor, "ProposalExtended")
        .withArgs(proposal.id, votedAt + VOTE_EXTENSION);
      expect(await governor.proposalDeadline(proposal.id)).to.equal(votedAt + VOTE_EXTENSION);
      // past the original deadline the others can still answer
      await time.increaseTo(deadline + 200);
      expect(await governor.state(proposal.id)).to.equal(State.Active);
      await governor.connect(bob).castVote(proposal.id, Vote.Against);
      await time.increaseTo(votedAt + VOTE_EXTENSION + 1);
      expect(await governor.state(proposal.id)).to.equal(State.Defeated);
    });

    it("does not extend when quorum was reached early", async () => {
      const { governor, alice, proposal, deadline } = await loadFixture(deployActiveProposalFixture);
      await expect(governor.connect(alice).castVote(proposal.id, Vote.For)).to.not.emit(governor, "ProposalExtended");
      expect(await governor.proposalDeadline(proposal.id)).to.equal(deadline);
    });

    it("does not extend on a late vote that leaves quorum unreached", async () => {
      const { governor, carol, proposal, deadline } = await loadFixture(deployActiveProposalFixture);
      await time.setNextBlockTimestamp(deadline - 100);
      await expect(governor.connect(carol).castVote(proposal.id, Vote.For)).to.not.emit(governor, "ProposalExtended");
      expect(await governor.proposalDeadline(proposal.id)).to.equal(deadline);
    });
  });

  describe("cancel", () => {
    describe("when the proposer cancels a Pending proposal", () => {
      it("cancels it and emits ProposalCanceled", async () => {
        const { governor, alice, proposal, snapshot } = await loadFixture(deployPendingProposalFixture);
        await expect(governor.connect(alice).cancel(...args(proposal)))
          .to.emit(governor, "ProposalCanceled")
          .withArgs(proposal.id);
        expect(await governor.state(proposal.id)).to.equal(State.Canceled);
        await time.increaseTo(snapshot + 1);
        await expect(governor.connect(alice).castVote(proposal.id, Vote.For))
          .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
          .withArgs(proposal.id, State.Canceled, bitmap(State.Active));
      });
    });

    describe("when someone else cancels", () => {
      it("reverts with GovernorUnableToCancel", async () => {
        const { governor, bob, proposal } = await loadFixture(deployPendingProposalFixture);
        await expect(governor.connect(bob).cancel(...args(proposal)))
          .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
          .withArgs(proposal.id, bob.address);
      });
    });

    describe("when the proposal is Active", () => {
      it("reverts with GovernorUnableToCancel, even for the proposer", async () => {
        const { governor, alice, proposal } = await loadFixture(deployActiveProposalFixture);
        await expect(governor.connect(alice).cancel(...args(proposal)))
          .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
          .withArgs(proposal.id, alice.address);
      });
    });
  });

  describe("Tally compatibility", () => {
    it('counts "support=bravo&quorum=for,abstain"', async () => {
      const { governor } = await loadFixture(deployVotersFixture);
      expect(await governor.COUNTING_MODE()).to.equal("support=bravo&quorum=for,abstain");
    });

    it("runs on the token's timestamp clock (ERC-6372)", async () => {
      const { governor, token } = await loadFixture(deployVotersFixture);
      expect(await governor.clock()).to.equal(await time.latest());
      expect(await governor.clock()).to.equal(await token.clock());
      expect(await governor.CLOCK_MODE()).to.equal(await token.CLOCK_MODE());
      expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
    });

    it("supports IGovernor, IERC165 and IERC1155Receiver (ERC-165), and nothing made up", async () => {
      const { governor } = await loadFixture(deployVotersFixture);
      const iGovernor = await interfaceId("@openzeppelin/contracts/governance/IGovernor.sol:IGovernor", [
        "@openzeppelin/contracts/utils/introspection/IERC165.sol:IERC165",
        "@openzeppelin/contracts/interfaces/IERC6372.sol:IERC6372",
      ]);
      expect(await governor.supportsInterface(iGovernor)).to.equal(true);
      expect(await governor.supportsInterface("0x01ffc9a7")).to.equal(true); // IERC165
      expect(await governor.supportsInterface("0x4e2312e0")).to.equal(true); // IERC1155Receiver
      expect(await governor.supportsInterface("0xffffffff")).to.equal(false);
      expect(await governor.supportsInterface("0x12345678")).to.equal(false);
    });

    it('is named "<community name> Governor", version "1"', async () => {
      const { governor, launchConfig } = await loadFixture(deployVotersFixture);
      expect(await governor.name()).to.equal(`${launchConfig.name} Governor`);
      expect(await governor.name()).to.equal("Town riverside Governor");
      expect(await governor.version()).to.equal("1");
    });

    it("reports the settings it was launched with", async () => {
      const { governor } = await loadFixture(deployVotersFixture);
      expect(await governor.votingDelay()).to.equal(VOTING_DELAY);
      expect(await governor.votingPeriod()).to.equal(VOTING_PERIOD);
      expect(await governor.proposalThreshold()).to.equal(PROPOSAL_THRESHOLD);
      expect(await governor.lateQuorumVoteExtension()).to.equal(VOTE_EXTENSION);
    });
  });
});

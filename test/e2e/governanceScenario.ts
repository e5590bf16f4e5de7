/**
 * The first community's own governance, end to end, on a Hardhat node (time moves with evm_increaseTime): an omnibus
 * proposal that changes compliance, roles and governance settings is proposed, voted (its quorum reached late, so
 * its deadline is extended), queued and executed by the timelock; six more proposals are left in every other state
 * the governor reports (canceled, defeated without quorum, defeated by votes, succeeded, queued, active, pending).
 * Votes use VoteCast and VoteCastWithParams, for, against and abstain.
 * Signers: 1 minter, 2 pauser; 10 a large holder (more votes than everyone else together: any quorum alone),
 * 11 a small holder (never a quorum alone); 7 is made exempt.
 */
import { ethers } from "ethers";
import type { Deployment } from "../../scripts/lib/deployment";
import type { ProposalState } from "../../indexer/src/lib/proposals";
import {
  CommunityGovernor__factory,
  CommunityTimelock__factory,
  CommunityToken__factory,
  ComplianceRegistry__factory,
} from "../../typechain-types";
import { KC, mined } from "./scenario";

interface Draft {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
}

export interface GovernanceOutcome {
  /** The id of a proposal the scenario leaves in each state (at the head block after the scenario). */
  proposals: Record<Exclude<ProposalState, "expired">, bigint> & { defeatedWithoutQuorum: bigint };
  /** What the executed proposal set. */
  executed: {
    tier0DailyLimit: bigint;
    travelRuleThreshold: bigint;
    proposalThreshold: bigint;
    timelockMinDelay: bigint;
    exempt: string;
  };
}

export async function runGovernanceScenario(rpcUrl: string, deployment: Deployment): Promise<GovernanceOutcome> {
  const provider = new ethers.JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const [minter, pauser, exempt, whale, small] = await Promise.all([1, 2, 7, 10, 11].map((i) => provider.getSigner(i)));
  const community = deployment.communities[0]!;
  const token = CommunityToken__factory.connect(community.token, provider);
  const registry = ComplianceRegistry__factory.connect(community.complianceRegistry, provider);
  const governor = CommunityGovernor__factory.connect(community.governor, provider);
  const timelock = CommunityTimelock__factory.connect(community.timelock, provider);

  const latest = async () => BigInt((await provider.getBlock("latest"))!.timestamp);
  const timeTravel = async (seconds: bigint) => {
    await provider.send("evm_increaseTime", [Number(seconds)]);
    await provider.send("evm_mine", []);
  };
  const args = (d: Draft) => [d.targets, d.values, d.calldatas, ethers.id(d.description)] as const;
  const propose = async (by: ethers.Signer, d: Draft): Promise<bigint> => {
    await mined(governor.connect(by).propose(d.targets, d.values, d.calldatas, d.description));
    return governor.hashProposal(...args(d));
  };
  /** A one-action proposal that is never executed: only its votes and times matter. */
  const signal = (n: number, what: string): Draft => ({
    targets: [community.complianceRegistry],
    values: [0n],
    calldatas: [registry.interface.encodeFunctionData("setTravelRuleThreshold", [KC(5_000 + n)])],
    description: `e2e proposal ${n}: ${what}`,
  });

  // voting power, delegated to oneself one block before proposing (votes count at clock() - 1)
  await mined(
    token.connect(minter!).mint(whale!.address, (await token.totalSupply()) + KC(1_000_000), ethers.id("e2e:whale")),
  );
  await mined(token.connect(minter!).mint(small!.address, KC(2_000), ethers.id("e2e:small")));
  await mined(token.connect(whale!).delegate(whale!.address));
  await mined(token.connect(small!).delegate(small!.address));
  await provider.send("evm_mine", []);

  const executed = {
    tier0DailyLimit: KC(2_000),
    travelRuleThreshold: KC(3_000),
    proposalThreshold: KC(200),
    timelockMinDelay: 7_200n,
    exempt: exempt!.address,
  };
  const PAUSER_ROLE = await token.PAUSER_ROLE();
  const omnibus: Draft = {
    targets: [
      ...Array(4).fill(community.complianceRegistry),
      community.token,
      community.token,
      community.governor,
      community.timelock,
    ],
    values: Array(8).fill(0n),
    calldatas: [
      registry.interface.encodeFunctionData("setDailyLimit", [0, executed.tier0DailyLimit]),
      registry.interface.encodeFunctionData("setTravelRuleThreshold", [executed.travelRuleThreshold]),
      registry.interface.encodeFunctionData("setExempt", [executed.exempt, true]),
      registry.interface.encodeFunctionData("setSanctionsOracle", [deployment.sanctionsList.address]),
      token.interface.encodeFunctionData("revokeRole", [PAUSER_ROLE, pauser!.address]),
      token.interface.encodeFunctionData("grantRole", [PAUSER_ROLE, pauser!.address]),
      governor.interface.encodeFunctionData("setProposalThreshold", [executed.proposalThreshold]),
      timelock.interface.encodeFunctionData("updateDelay", [executed.timelockMinDelay]),
    ],
    description:
      "e2e omnibus: tier-0 daily limit 2,000; travel-rule threshold 3,000; an exemption; re-grant the pauser",
  };
  const withdrawn = signal(1, "withdrawn by its proposer");
  const queuedDraft = signal(3, "passed and queued, never executed");

  const proposals = {
    executed: await propose(whale!, omnibus),
    canceled: await propose(small!, withdrawn),
    defeatedWithoutQuorum: await propose(whale!, signal(2, "supported, by too few votes")),
    queued: await propose(whale!, queuedDraft),
    defeated: await propose(whale!, signal(4, "voted down")),
    succeeded: await propose(whale!, signal(5, "passed with abstentions, never queued")),
  };
  await mined(governor.connect(small!).cancel(...args(withdrawn)));

  await timeTravel((await governor.votingDelay()) + 1n);
  await mined(governor.connect(small!).castVoteWithReason(proposals.executed, 1, "early support"));
  await mined(governor.connect(small!).castVote(proposals.defeatedWithoutQuorum, 1));
  await mined(governor.connect(whale!).castVoteWithReasonAndParams(proposals.queued, 1, "for, with params", "0x01"));
  await mined(governor.connect(whale!).castVoteWithReason(proposals.defeated, 0, "against"));
  await mined(governor.connect(whale!).castVoteWithReason(proposals.succeeded, 2, "abstain: quorum, not a side"));
  await mined(governor.connect(small!).castVote(proposals.succeeded, 1));

  // the omnibus reaches its quorum within the last vote extension before its deadline: the deadline moves
  const deadline = await governor.proposalDeadline(proposals.executed);
  await timeTravel(deadline - (await latest()) - 300n);
  await mined(governor.connect(whale!).castVote(proposals.executed, 1));
  const extended = await governor.proposalDeadline(proposals.executed);
  if (extended <= deadline) throw new Error("the late quorum did not extend the omnibus proposal's deadline");

  await timeTravel(extended - (await latest()) + 1n);
  await mined(governor.connect(small!).queue(...args(omnibus)));
  await mined(governor.connect(small!).queue(...args(queuedDraft)));
  await timeTravel((await timelock.getMinDelay()) + 1n);
  await mined(governor.connect(small!).execute(...args(omnibus)));
  if ((await registry.dailyLimit(0)) !== executed.tier0DailyLimit) throw new Error("the omnibus did not apply");

  const active = await propose(whale!, signal(6, "open for votes"));
  await timeTravel((await governor.votingDelay()) + 1n);
  const pending = await propose(whale!, signal(7, "not open yet"));
  provider.destroy();
  return { proposals: { ...proposals, active, pending }, executed };
}

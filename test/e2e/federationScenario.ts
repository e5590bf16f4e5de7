/**
 * The federation's governance beyond what the simulation does (which admits and launches a community, grants mutual
 * aid and changes a parameter, every proposal executed): on a Hardhat node, with time moved by evm_increaseTime,
 * the representatives (to whom the simulation's community proposals delegated the founding seats) pass
 * - proposal A: suspend two members (each suspension withdraws a seat and pauses the member's bridge pools), and
 *   give the test's operator (signer 15) the CommunityFactory's LAUNCHER_ROLE and the BridgeRouter's
 *   DEFAULT_ADMIN_ROLE, which the later stages of the end-to-end test use to launch communities and register pools
 *   (after the deployment's hand-over only the Federation launches and only the federation's timelock administers
 *   the router);
 * - proposal B, after A: readmit one of the two (its seat returns, its pools reopen where both sides are members);
 * and leave one proposal defeated (voted down) and one canceled by its proposer while pending.
 * Runs right after the bridge scenario (the oracle's rates are fresh) and before the first community's governance
 * scenario, whose pending and active proposals must stay so at the head.
 */
import { ethers } from "ethers";
import type { Deployment } from "../../scripts/lib/deployment";
import {
  BridgeRouter__factory,
  CommunityFactory__factory,
  Federation__factory,
  FederationGovernor__factory,
  FederationSeats__factory,
} from "../../typechain-types";
import { mined } from "./scenario";

/** The local signer the federation empowers for the test's later stages. */
export const OPERATOR_SIGNER = 15;

export interface FederationOutcome {
  /** Holds the factory's LAUNCHER_ROLE and the router's DEFAULT_ADMIN_ROLE. */
  operator: string;
  /** Suspended by proposal A and still suspended. */
  suspended: string;
  /** Suspended by proposal A, readmitted by proposal B. */
  readmitted: string;
  proposals: { suspend: bigint; readmit: bigint; defeated: bigint; canceled: bigint };
}

interface Draft {
  targets: string[];
  calldatas: string[];
  description: string;
}

export async function runFederationScenario(rpcUrl: string, deployment: Deployment): Promise<FederationOutcome> {
  const provider = new ethers.JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const fed = deployment.federation;
  const operator = await provider.getSigner(OPERATOR_SIGNER);
  const governor = FederationGovernor__factory.connect(fed.governor.address, provider);
  const federation = Federation__factory.connect(fed.federation.address, provider);
  const seats = FederationSeats__factory.connect(fed.seats.address, provider);
  const factory = CommunityFactory__factory.connect(deployment.communityFactory.address, provider);
  const router = BridgeRouter__factory.connect(deployment.bridge.router.address, provider);

  const timeTravel = async (seconds: bigint) => {
    await provider.send("evm_increaseTime", [Number(seconds)]);
    await provider.send("evm_mine", []);
  };
  const latest = async () => BigInt((await provider.getBlock("latest"))!.timestamp);
  const until = async (timepoint: bigint) => {
    const now = await latest();
    if (now <= timepoint) await timeTravel(timepoint - now + 1n);
  };
  /** The representatives that hold votes now, in the deployment's order of communities. */
  const voters = async () => {
    const found: ethers.JsonRpcSigner[] = [];
    for (const c of deployment.communities) {
      const rep = fed.representatives[c.id];
      if (rep && (await seats.getVotes(rep)) > 0n) found.push(await provider.getSigner(rep));
    }
    return found;
  };
  const values = (d: Draft) => d.targets.map(() => 0n);
  const args = (d: Draft) => [d.targets, values(d), d.calldatas, ethers.id(d.description)] as const;
  const propose = async (by: ethers.Signer, d: Draft): Promise<bigint> => {
    await mined(governor.connect(by).propose(d.targets, values(d), d.calldatas, d.description));
    return governor.hashProposal(...args(d));
  };
  /** Queues and executes `d` once its vote is over. */
  const enact = async (id: bigint, d: Draft) => {
    await until(await governor.proposalDeadline(id));
    await mined(governor.connect(operator).queue(...args(d)));
    await until(await governor.proposalEta(id));
    await mined(governor.connect(operator).execute(...args(d)));
  };

  const founders = deployment.communities;
  const [suspended, readmitted] = [founders[2]!, founders[3]!];
  for (const c of [suspended, readmitted]) {
    if ((await federation.member(c.id)).status !== 2n) throw new Error(`federation scenario: ${c.id} is no member`);
  }
  const representatives = await voters();
  if (representatives.length < 3) {
    throw new Error(
      `federation scenario: ${representatives.length} representatives hold votes; the simulation's community proposals delegate the seats`,
    );
  }
  const [proposer] = representatives;

  const suspend: Draft = {
    targets: [
      deployment.communityFactory.address,
      deployment.bridge.router.address,
      fed.federation.address,
      fed.federation.address,
    ],
    calldatas: [
      factory.interface.encodeFunctionData("grantRole", [await factory.LAUNCHER_ROLE(), operator.address]),
      router.interface.encodeFunctionData("grantRole", [await router.DEFAULT_ADMIN_ROLE(), operator.address]),
      federation.interface.encodeFunctionData("suspend", [suspended.id, "e2e: reserve attestation overdue"]),
      federation.interface.encodeFunctionData("suspend", [readmitted.id, "e2e: charter breach under review"]),
    ],
    description: `e2e: suspend ${suspended.name} and ${readmitted.name}; the test's operator may launch and register pools`,
  };
  const voteDown: Draft = {
    targets: [fed.federation.address],
    calldatas: [federation.interface.encodeFunctionData("ratifyCharter", [ethers.id("e2e charter v2"), "ipfs://e2e"])],
    description: "e2e: ratify a charter nobody wants",
  };
  const withdrawn: Draft = {
    targets: [fed.federation.address],
    calldatas: [federation.interface.encodeFunctionData("readmit", [suspended.id])],
    description: "e2e: withdrawn by its proposer",
  };

  const proposals = {
    suspend: await propose(proposer!, suspend),
    defeated: await propose(proposer!, voteDown),
    canceled: await propose(proposer!, withdrawn),
    readmit: 0n,
  };
  await mined(governor.connect(proposer!).cancel(...args(withdrawn)));
  await until(await governor.proposalSnapshot(proposals.suspend));
  for (const [i, voter] of representatives.entries()) {
    if (i === 0) {
      await mined(
        governor.connect(voter).castVoteWithReasonAndParams(proposals.suspend, 1, "for, with params", "0x01"),
      );
    } else {
      await mined(governor.connect(voter).castVoteWithReason(proposals.suspend, i === 1 ? 1 : 2, "e2e"));
    }
    await mined(governor.connect(voter).castVote(proposals.defeated, 0));
  }
  await enact(proposals.suspend, suspend);

  const readmit: Draft = {
    targets: [fed.federation.address],
    calldatas: [federation.interface.encodeFunctionData("readmit", [readmitted.id])],
    description: `e2e: readmit ${readmitted.name}`,
  };
  const remaining = await voters();
  proposals.readmit = await propose(remaining[0]!, readmit);
  await until(await governor.proposalSnapshot(proposals.readmit));
  for (const voter of remaining) await mined(governor.connect(voter).castVote(proposals.readmit, 1));
  await enact(proposals.readmit, readmit);

  const checks: [string, boolean][] = [
    [`${suspended.id} suspended`, (await federation.member(suspended.id)).status === 3n],
    [`${readmitted.id} readmitted`, (await federation.member(readmitted.id)).status === 2n],
    ["the operator launches", await factory.hasRole(await factory.LAUNCHER_ROLE(), operator.address)],
    ["the operator administers the router", await router.hasRole(await router.DEFAULT_ADMIN_ROLE(), operator.address)],
  ];
  const failed = checks.filter(([, ok]) => !ok).map(([what]) => what);
  if (failed.length > 0) throw new Error(`federation scenario: not so: ${failed.join(", ")}`);
  provider.destroy();
  return { operator: operator.address, suspended: suspended.id, readmitted: readmitted.id, proposals };
}

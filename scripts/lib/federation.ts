import type { Signer } from "ethers";
import { ethers } from "hardhat";
import type {
  Federation,
  FederationGovernor,
  FederationSeats,
  FederationTimelock,
  IFederation,
  MutualAidFund,
} from "../../typechain-types";

/** How the federation governs itself: times in seconds (the seats' timestamp clock), the threshold in seats. */
export interface FederationGovernanceSettings {
  votingDelay: number;
  votingPeriod: number;
  proposalThreshold: number;
  quorumPercent: number;
  timelockDelay: number;
}

export interface FederationSetup {
  governance: FederationGovernanceSettings;
  parameters: IFederation.ParametersStruct;
  /** EMERGENCY_ROLE holders of the mutual-aid fund. */
  emergencyCommittee: string[];
}

export interface FederationContracts {
  seats: FederationSeats;
  timelock: FederationTimelock;
  governor: FederationGovernor;
  federation: Federation;
  fund: MutualAidFund;
}

/**
 * Deploys the federation: seats, timelock (the governor proposes and cancels, anyone executes, nobody administers),
 * governor, Federation (with `deployer` as its admin until `handOverToFederation`, so that founding members can be
 * admitted and launched) and the mutual-aid fund (administered by the timelock from the start). The Federation owns
 * the seats and becomes the factory's only launcher.
 */
export async function deployFederation(
  deployer: Signer,
  factoryAddress: string,
  oracleAddress: string,
  setup: FederationSetup,
): Promise<FederationContracts> {
  const deployerAddress = await deployer.getAddress();
  const g = setup.governance;
  const seats = (await ethers.deployContract(
    "FederationSeats",
    [deployerAddress],
    deployer,
  )) as unknown as FederationSeats;
  const timelock = (await ethers.deployContract(
    "FederationTimelock",
    [g.timelockDelay, [], [ethers.ZeroAddress], deployerAddress],
    deployer,
  )) as unknown as FederationTimelock;
  const governor = (await ethers.deployContract(
    "FederationGovernor",
    [
      await seats.getAddress(),
      await timelock.getAddress(),
      g.votingDelay,
      g.votingPeriod,
      g.proposalThreshold,
      g.quorumPercent,
    ],
    deployer,
  )) as unknown as FederationGovernor;
  const governorAddress = await governor.getAddress();
  await (await timelock.grantRole(await timelock.PROPOSER_ROLE(), governorAddress)).wait();
  await (await timelock.grantRole(await timelock.CANCELLER_ROLE(), governorAddress)).wait();
  await (await timelock.renounceRole(await timelock.DEFAULT_ADMIN_ROLE(), deployerAddress)).wait();

  const federation = (await ethers.deployContract(
    "Federation",
    [deployerAddress, factoryAddress, await seats.getAddress(), oracleAddress, setup.parameters],
    deployer,
  )) as unknown as Federation;
  const federationAddress = await federation.getAddress();
  await (await seats.transferOwnership(federationAddress)).wait();
  const fund = (await ethers.deployContract(
    "MutualAidFund",
    [await timelock.getAddress(), federationAddress, setup.emergencyCommittee],
    deployer,
  )) as unknown as MutualAidFund;

  const factory = await ethers.getContractAt("CommunityFactory", factoryAddress, deployer);
  const launcher = await factory.LAUNCHER_ROLE();
  await (await factory.grantRole(launcher, federationAddress)).wait();
  if (await factory.hasRole(launcher, deployerAddress)) {
    await (await factory.renounceRole(launcher, deployerAddress)).wait();
  }
  return { seats, timelock, governor, federation, fund };
}

/** Admits founding member `id` with `launcher` as its launcher (while `admin` still holds the Federation). */
export async function admitFounder(federation: Federation, admin: Signer, id: string, launcher: string) {
  await (await federation.connect(admin).admit(id, launcher)).wait();
}

/**
 * Hands every admin role `deployer` still holds over to the federation's timelock and renounces it: the
 * Federation, the CommunityRegistry and CommunityFactory, the sanctions list (if ours), the oracle, the router and
 * every pool (whose admin and pauser roles also go to the Federation, which applies the shared fee and pauses a
 * suspended member's pools). Afterwards no EOA holds an admin role.
 */
export async function handOverToFederation(
  deployer: Signer,
  contracts: FederationContracts,
  targets: { registry: string; factory: string; sanctionsList?: string; oracle: string; router: string },
  pools: string[],
) {
  const deployerAddress = await deployer.getAddress();
  const timelock = await contracts.timelock.getAddress();
  const federationAddress = await contracts.federation.getAddress();
  for (const address of pools) {
    const pool = await ethers.getContractAt("BridgePool", address, deployer);
    const admin = await pool.DEFAULT_ADMIN_ROLE();
    const pauser = await pool.PAUSER_ROLE();
    for (const holder of [timelock, federationAddress]) {
      await (await pool.grantRole(admin, holder)).wait();
      await (await pool.grantRole(pauser, holder)).wait();
    }
    await (await contracts.federation.connect(deployer).addPool(address)).wait();
    await (await pool.renounceRole(pauser, deployerAddress)).wait();
    await (await pool.renounceRole(admin, deployerAddress)).wait();
  }
  const adminTargets = [
    federationAddress,
    targets.registry,
    targets.factory,
    targets.oracle,
    targets.router,
    ...(targets.sanctionsList ? [targets.sanctionsList] : []),
  ];
  for (const address of adminTargets) {
    const target = await ethers.getContractAt("AccessControl", address, deployer);
    const admin = await target.DEFAULT_ADMIN_ROLE();
    if (!(await target.hasRole(admin, deployerAddress))) continue;
    await (await target.grantRole(admin, timelock)).wait();
    await (await target.renounceRole(admin, deployerAddress)).wait();
  }
}

/** What `checkHandedOver` inspects: every contract of the deployment with roles. */
export interface HandOverScope {
  /** AccessControl contracts of the deployment: shared ones, pools, and every community's token, registry, timelock. */
  accessControlled: { name: string; address: string }[];
  factory: string;
  pools: string[];
}

/**
 * Checks the hand-over: `deployer` holds DEFAULT_ADMIN_ROLE nowhere (nor a pool's PAUSER_ROLE), the seats belong to
 * the Federation, and the factory's LAUNCHER_ROLE is held by the Federation alone (its holders read from the
 * factory's RoleGranted events, as AccessControl does not enumerate). Throws with every problem found.
 */
export async function checkHandedOver(deployer: string, contracts: FederationContracts, scope: HandOverScope) {
  const problems: string[] = [];
  const federationAddress = await contracts.federation.getAddress();
  for (const { name, address } of scope.accessControlled) {
    const target = await ethers.getContractAt("IAccessControl", address);
    if (await target.hasRole(ethers.ZeroHash, deployer))
      problems.push(`the deployer holds DEFAULT_ADMIN_ROLE of ${name} (${address})`);
  }
  for (const address of scope.pools) {
    const pool = await ethers.getContractAt("BridgePool", address);
    if (await pool.hasRole(await pool.PAUSER_ROLE(), deployer))
      problems.push(`the deployer holds PAUSER_ROLE of pool ${address}`);
  }
  if ((await contracts.seats.owner()) !== federationAddress)
    problems.push("FederationSeats is not owned by the Federation");
  const factory = await ethers.getContractAt("CommunityFactory", scope.factory);
  const launcherRole = await factory.LAUNCHER_ROLE();
  const granted = await factory.queryFilter(factory.filters.RoleGranted(launcherRole), 0);
  const holders = new Set<string>();
  for (const event of granted) {
    if (await factory.hasRole(launcherRole, event.args.account)) holders.add(event.args.account);
  }
  if (holders.size !== 1 || !holders.has(federationAddress)) {
    problems.push(
      `the CommunityFactory's LAUNCHER_ROLE is held by ${[...holders].join(", ") || "nobody"}, not the Federation alone`,
    );
  }
  if (problems.length > 0) {
    throw new Error(
      `the hand-over to the federation is incomplete (deployer ${deployer}):\n  ${problems.join("\n  ")}`,
    );
  }
}

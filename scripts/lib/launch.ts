import type { ContractTransactionReceipt, Signer } from "ethers";
import { ethers } from "hardhat";
import type { CommunityFactory, CommunityRegistry, Federation, ICommunityFactory } from "../../typechain-types";
import { deployImplementations } from "./community";

export interface Core {
  implementations: { token: string; registry: string; governor: string; timelock: string };
  communityRegistry: CommunityRegistry;
  factory: CommunityFactory;
}

/**
 * Deploys what every community is launched from: the four implementations, the CommunityRegistry and the
 * CommunityFactory (holding the registry's REGISTRAR_ROLE). `admin` receives both contracts' admin roles and the
 * factory's LAUNCHER_ROLE. (scripts/deploy.ts: the deployer, until `deployFederation` makes the Federation the only
 * launcher and `handOverToFederation` gives the admin roles to the federation's timelock.)
 */
export async function deployCore(deployer: Signer, admin: string, sanctionsOracle: string): Promise<Core> {
  const { token, registry } = await deployImplementations(deployer);
  const governor = await ethers.deployContract("CommunityGovernor", deployer);
  const timelock = await ethers.deployContract("CommunityTimelock", deployer);
  const communityRegistry = (await ethers.deployContract(
    "CommunityRegistry",
    [await deployer.getAddress()],
    deployer,
  )) as unknown as CommunityRegistry;
  const implementations = {
    token,
    registry,
    governor: await governor.getAddress(),
    timelock: await timelock.getAddress(),
  };
  const factory = (await ethers.deployContract(
    "CommunityFactory",
    [
      await deployer.getAddress(),
      { token, compliance: registry, governor: implementations.governor, timelock: implementations.timelock },
      await communityRegistry.getAddress(),
      sanctionsOracle,
    ],
    deployer,
  )) as unknown as CommunityFactory;
  await (
    await communityRegistry.grantRole(await communityRegistry.REGISTRAR_ROLE(), await factory.getAddress())
  ).wait();
  await (await factory.grantRole(await factory.LAUNCHER_ROLE(), admin)).wait();
  const deployerAddress = await deployer.getAddress();
  if (admin !== deployerAddress) {
    for (const contract of [communityRegistry, factory] as const) {
      const role = await contract.DEFAULT_ADMIN_ROLE();
      await (await contract.grantRole(role, admin)).wait();
      await (await contract.renounceRole(role, deployerAddress)).wait();
    }
  }
  return { implementations, communityRegistry, factory };
}

export interface LaunchedCommunity {
  id: string;
  token: string;
  complianceRegistry: string;
  governor: string;
  timelock: string;
  launchBlock: number;
  gasUsed: bigint;
}

/** Launches one community through the factory and returns its contracts, read from the registry's event. */
export async function launchCommunity(
  factory: CommunityFactory,
  launcher: Signer,
  config: ICommunityFactory.CommunityConfigStruct,
): Promise<LaunchedCommunity> {
  const receipt = await (await factory.connect(launcher).launch(config)).wait();
  return launchedIn(receipt, String(config.id), await factory.communityRegistry());
}

/**
 * Launches an admitted community through the Federation (`launcher` is the launcher it admitted): the factory
 * launches it with the federation's compliance defaults, and its timelock receives a seat.
 */
export async function launchThroughFederation(
  federation: Federation,
  launcher: Signer,
  config: ICommunityFactory.CommunityConfigStruct,
): Promise<LaunchedCommunity> {
  const receipt = await (await federation.connect(launcher).launch(config)).wait();
  const factory = await ethers.getContractAt("CommunityFactory", await federation.factory());
  return launchedIn(receipt, String(config.id), await factory.communityRegistry());
}

/** The community a launch transaction registered, from the CommunityRegistry's CommunityRegistered event. */
async function launchedIn(
  receipt: ContractTransactionReceipt | null,
  id: string,
  registryAddress: string,
): Promise<LaunchedCommunity> {
  if (!receipt) throw new Error(`launch of ${id} was not mined`);
  const registry = await ethers.getContractAt("CommunityRegistry", registryAddress);
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== registryAddress.toLowerCase()) continue;
    const parsed = registry.interface.parseLog(log);
    if (parsed?.name !== "CommunityRegistered") continue;
    return {
      id: parsed.args.id as string,
      token: parsed.args.token as string,
      complianceRegistry: parsed.args.complianceRegistry as string,
      governor: parsed.args.governor as string,
      timelock: parsed.args.timelock as string,
      launchBlock: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
    };
  }
  throw new Error(`launch of ${id}: no CommunityRegistered event in ${receipt.hash}`);
}

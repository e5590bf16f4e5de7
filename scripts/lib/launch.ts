import type { Signer } from "ethers";
import { ethers } from "hardhat";
import type { CommunityFactory, CommunityRegistry, ICommunityFactory } from "../../typechain-types";
import { deployImplementations } from "./community";

export interface Core {
  implementations: { token: string; registry: string; governor: string; timelock: string };
  communityRegistry: CommunityRegistry;
  factory: CommunityFactory;
}

/**
 * Deploys what every community is launched from: the four implementations, the CommunityRegistry and the
 * CommunityFactory (holding the registry's REGISTRAR_ROLE). `admin` keeps both contracts' admin roles and the
 * factory's LAUNCHER_ROLE until the federation's timelock takes them over.
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
  if (!receipt) throw new Error(`launch of ${config.id} was not mined`);
  const registry = await ethers.getContractAt("CommunityRegistry", await factory.communityRegistry());
  for (const log of receipt.logs) {
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
  throw new Error(`launch of ${config.id}: no CommunityRegistered event in ${receipt.hash}`);
}

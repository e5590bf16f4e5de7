import type { Signer } from "ethers";
import { ethers } from "hardhat";
import type { CommunityToken, ComplianceRegistry } from "../../typechain-types";

/** ERC-1167 minimal proxy creation code around `implementation` (the standard 55-byte runtime). */
function cloneCreationCode(implementation: string): string {
  const impl = ethers.getAddress(implementation).slice(2).toLowerCase();
  return `0x3d602d80600a3d3981f3363d3d373d3d3d363d73${impl}5af43d82803e903d91602b57fd5bf3`;
}

/** Deploys an ERC-1167 clone of `implementation` and returns its address. */
export async function deployClone(deployer: Signer, implementation: string): Promise<string> {
  const tx = await deployer.sendTransaction({ data: cloneCreationCode(implementation) });
  const receipt = await tx.wait();
  if (!receipt?.contractAddress) throw new Error(`clone of ${implementation} was not created (tx ${tx.hash})`);
  return receipt.contractAddress;
}

export interface Implementations {
  token: string;
  registry: string;
}

/** Deploys the implementation contracts that every community's clones delegate to. */
export async function deployImplementations(deployer: Signer): Promise<Implementations> {
  const token = await ethers.deployContract("CommunityToken", deployer);
  const registry = await ethers.deployContract("ComplianceRegistry", deployer);
  await Promise.all([token.waitForDeployment(), registry.waitForDeployment()]);
  return { token: await token.getAddress(), registry: await registry.getAddress() };
}

export interface CommunityParams {
  name: string;
  symbol: string;
  currency: string;
  admin: string;
  sanctionsOracle: string;
}

export interface Community {
  token: CommunityToken;
  registry: ComplianceRegistry;
  /** Block of the first contract's creation: where an indexer starts. */
  startBlock: number;
}

/** Launches one community: clones of token and registry, each initialised and bound to the other. */
export async function deployCommunity(
  deployer: Signer,
  implementations: Implementations,
  params: CommunityParams,
): Promise<Community> {
  const startBlock = await ethers.provider.getBlockNumber();
  const tokenAddress = await deployClone(deployer, implementations.token);
  const registryAddress = await deployClone(deployer, implementations.registry);
  const token = (await ethers.getContractAt("CommunityToken", tokenAddress, deployer)) as unknown as CommunityToken;
  const registry = (await ethers.getContractAt(
    "ComplianceRegistry",
    registryAddress,
    deployer,
  )) as unknown as ComplianceRegistry;
  await (await registry.initialize(params.admin, tokenAddress, params.sanctionsOracle)).wait();
  await (await token.initialize(params.name, params.symbol, params.currency, params.admin, registryAddress)).wait();
  return { token, registry, startBlock: startBlock + 1 };
}

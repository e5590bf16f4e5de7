/**
 * Deploys the KC launch machinery (implementations, CommunityRegistry, CommunityFactory) and launches every
 * community of the communities file through the factory, one transaction each.
 *   npx hardhat run --network localhost scripts/deploy.ts
 * Env: COMMUNITIES_FILE (config/communities.json), SANCTIONS_ORACLE (Chainalysis' oracle; default: deploy our
 *      SanctionsList), DEPLOYMENT_FILE (deployments/<network>.json).
 * Local signers: 0 admin and launcher (until the federation's timelock takes over), 1 minter (reserve custodian),
 * 2 pauser (guardian), 3 verifier (KYC), 4 compliance officer, 6-8 FX reporters. Each community's admin roles go
 * to its timelock; the bridge's (oracle, pools, router) stay with signer 0 until the federation exists.
 */
import path from "node:path";
import hre, { ethers } from "hardhat";
import { readCommunitiesFile, toLaunchConfig } from "./lib/communityConfig";
import { type Deployment, type DeployedCommunity, writeDeployment } from "./lib/deployment";
import { deployBridge } from "./lib/bridge";
import { deployCore, launchCommunity } from "./lib/launch";

async function main() {
  const signers = await ethers.getSigners();
  const [admin, minter, pauser, verifier, officer] = signers;
  const reporters = signers.slice(6, 9);
  if (!admin || !minter || !pauser || !verifier || !officer || reporters.length < 3) {
    throw new Error("the network needs 9 signers");
  }
  const communitiesFile = path.resolve(
    process.env.COMMUNITIES_FILE ?? path.join(__dirname, "..", "config", "communities.json"),
  );
  const file = readCommunitiesFile(communitiesFile);
  const network = await ethers.provider.getNetwork();
  const startBlock = (await ethers.provider.getBlockNumber()) + 1;

  let sanctionsAddress = process.env.SANCTIONS_ORACLE;
  if (sanctionsAddress && !ethers.isAddress(sanctionsAddress))
    throw new Error(`SANCTIONS_ORACLE is not an address: ${sanctionsAddress}`);
  if (!sanctionsAddress) {
    const sanctions = await ethers.deployContract("SanctionsList", [admin.address], admin);
    await sanctions.waitForDeployment();
    await (await sanctions.grantRole(await sanctions.LISTER_ROLE(), officer.address)).wait();
    sanctionsAddress = await sanctions.getAddress();
  }
  const coreStart = (await ethers.provider.getBlockNumber()) + 1;
  const core = await deployCore(admin, admin.address, sanctionsAddress);
  const registryAddress = await core.communityRegistry.getAddress();
  const registryStart = (await core.communityRegistry.deploymentTransaction()?.wait())?.blockNumber ?? coreStart;

  const operators = {
    minter: minter.address,
    pauser: pauser.address,
    verifier: verifier.address,
    complianceOfficer: officer.address,
  };
  const communities: DeployedCommunity[] = [];
  for (const entry of file.communities) {
    const launched = await launchCommunity(core.factory, admin, toLaunchConfig(file, entry, operators));
    communities.push({
      id: entry.id,
      name: entry.name,
      country: entry.country,
      currency: entry.currency,
      locale: entry.locale,
      tokenName: entry.tokenName,
      tokenSymbol: entry.tokenSymbol,
      token: launched.token,
      complianceRegistry: launched.complianceRegistry,
      governor: launched.governor,
      timelock: launched.timelock,
      launchBlock: launched.launchBlock,
    });
    console.log(
      `community ${entry.id} (${entry.currency}): token ${launched.token}, governor ${launched.governor}, launch gas ${launched.gasUsed}`,
    );
  }

  if (!file.bridge) throw new Error(`${communitiesFile}: no "bridge" section`);
  const bridgeStart = (await ethers.provider.getBlockNumber()) + 1;
  const bridge = await deployBridge(admin, reporters, file.bridge, communities);
  for (const pool of bridge.pools) console.log(`bridge pool ${pool.communities.join("-")}: ${pool.address}`);

  const deployment: Deployment = {
    network: hre.network.name,
    chainId: Number(network.chainId),
    deployedAt: new Date().toISOString(),
    startBlock,
    deployer: admin.address,
    implementations: {
      CommunityToken: core.implementations.token,
      ComplianceRegistry: core.implementations.registry,
      CommunityGovernor: core.implementations.governor,
      CommunityTimelock: core.implementations.timelock,
    },
    sanctionsList: { address: sanctionsAddress, startBlock },
    communityRegistry: { address: registryAddress, startBlock: registryStart },
    communityFactory: { address: await core.factory.getAddress(), startBlock: registryStart },
    roles: { admin: admin.address, launcher: admin.address, ...operators },
    communities,
    bridge: {
      oracle: { address: await bridge.oracle.getAddress(), startBlock: bridgeStart },
      router: { address: await bridge.router.getAddress(), startBlock: bridgeStart },
      reporters: await Promise.all(reporters.map((r) => r.getAddress())),
      pools: bridge.pools,
    },
  };
  console.log(`deployment written to ${writeDeployment(hre.network.name, deployment)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

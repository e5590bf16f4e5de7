/**
 * Deploys the KC contracts and launches the communities of config/communities.json.
 *   npx hardhat run --network localhost scripts/deploy.ts
 * Env: SANCTIONS_ORACLE (Chainalysis oracle address; default: deploy our own SanctionsList),
 *      COMMUNITIES_FILE (default config/communities.json), DEPLOYMENT_FILE (default deployments/<network>.json).
 * Roles on a local chain: signer 0 admin, 1 minter (reserve operator), 2 pauser, 3 verifier, 4 compliance officer.
 */
import fs from "node:fs";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { deployCommunity, deployImplementations } from "./lib/community";
import { type Deployment, type DeployedCommunity, writeDeployment } from "./lib/deployment";

interface CommunityConfig {
  id: string;
  name: string;
  symbol: string;
  currency: string;
  country: string;
  locale: string;
}

function readCommunities(): CommunityConfig[] {
  const file = path.resolve(process.env.COMMUNITIES_FILE ?? path.join(__dirname, "..", "config", "communities.json"));
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { communities?: CommunityConfig[] };
  if (!parsed.communities?.length) throw new Error(`${file}: no communities`);
  return parsed.communities;
}

async function main() {
  const [admin, minter, pauser, verifier, officer] = await ethers.getSigners();
  if (!admin || !minter || !pauser || !verifier || !officer) throw new Error("the network needs 5 signers");
  const network = await ethers.provider.getNetwork();
  const startBlock = (await ethers.provider.getBlockNumber()) + 1;

  const implementations = await deployImplementations(admin);
  let sanctionsAddress = process.env.SANCTIONS_ORACLE;
  let sanctionsStart = startBlock;
  if (!sanctionsAddress) {
    sanctionsStart = (await ethers.provider.getBlockNumber()) + 1;
    const sanctions = await ethers.deployContract("SanctionsList", [admin.address], admin);
    await sanctions.waitForDeployment();
    await (await sanctions.grantRole(await sanctions.LISTER_ROLE(), officer.address)).wait();
    sanctionsAddress = await sanctions.getAddress();
  }

  const communities: DeployedCommunity[] = [];
  for (const c of readCommunities()) {
    const {
      token,
      registry,
      startBlock: communityStart,
    } = await deployCommunity(admin, implementations, {
      name: c.name,
      symbol: c.symbol,
      currency: c.currency,
      admin: admin.address,
      sanctionsOracle: sanctionsAddress,
    });
    await (await token.grantRole(await token.MINTER_ROLE(), minter.address)).wait();
    await (await token.grantRole(await token.PAUSER_ROLE(), pauser.address)).wait();
    await (await registry.grantRole(await registry.VERIFIER_ROLE(), verifier.address)).wait();
    await (await registry.grantRole(await registry.COMPLIANCE_ROLE(), officer.address)).wait();
    communities.push({
      ...c,
      token: await token.getAddress(),
      complianceRegistry: await registry.getAddress(),
      startBlock: communityStart,
    });
    console.log(`community ${c.id}: token ${await token.getAddress()}, registry ${await registry.getAddress()}`);
  }

  const deployment: Deployment = {
    network: hre.network.name,
    chainId: Number(network.chainId),
    deployedAt: new Date().toISOString(),
    startBlock,
    deployer: admin.address,
    implementations: { CommunityToken: implementations.token, ComplianceRegistry: implementations.registry },
    sanctionsList: { address: sanctionsAddress, startBlock: sanctionsStart },
    roles: {
      admin: admin.address,
      minter: minter.address,
      pauser: pauser.address,
      verifier: verifier.address,
      complianceOfficer: officer.address,
    },
    communities,
  };
  console.log(`deployment written to ${writeDeployment(hre.network.name, deployment)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

/**
 * Deploys KC and founds the federation, in this order:
 * 1. the sanctions list (unless SANCTIONS_ORACLE names one);
 * 2. the launch machinery (implementations, CommunityRegistry, CommunityFactory), administered by the deployer;
 * 3. the FxOracle with its reporters and the config's starting rates;
 * 4. the federation (FederationSeats, FederationTimelock, FederationGovernor, Federation, MutualAidFund) from the
 *    config's `federation` section; the Federation becomes the factory's only launcher;
 * 5. each founding community of the config: admitted by the Federation (launcher: the deployer) and launched
 *    through it, so with the federation's compliance defaults at the oracle's rate; its timelock gets a seat;
 * 6. the founding charter ratified (version 1: the keccak256 of the config's charter text, and its URI);
 * 7. the bridge pools (flow limits, listed with the router);
 * 8. the hand-over: the pools' admin and pauser roles to the federation's timelock and the Federation (which brings
 *    them under its fee), every other admin role to the timelock; the deployer renounces everything. The script
 *    then checks that the deployer holds no admin role anywhere and that only the Federation may launch;
 * 9. the business contracts, on the Federation (which tells them the communities' tokens): the MerchantRegistry and
 *    the PaymentRouter, which deploys its LoyaltyProgram; ProfitSharing and the SupplyChainRegistry on the registry,
 *    and the TradeEscrow on the bridge's router. They have no admin roles: a community's own verifier and compliance
 *    officer act on its merchants, producers and carriers, and its governance makes the router, the loyalty program,
 *    the escrow and profit sharing exempt system accounts and names its arbiters and assessors (ARBITER_ROLE,
 *    ASSESSOR_ROLE of its compliance registry; the simulation's proposals do).
 * Writes the deployment file (addresses, start blocks, roles, representatives, charter).
 *   npx hardhat run --network localhost scripts/deploy.ts
 * Env: COMMUNITIES_FILE (config/communities.json), SANCTIONS_ORACLE (Chainalysis' oracle; default: deploy our
 *      SanctionsList), DEPLOYMENT_FILE (deployments/<network>.json).
 * Local signers: 0 the deployer, 1 minter (reserve custodian), 2 pauser (guardian), 3 verifier (KYC), 4 compliance
 * officer (and the sanctions list's lister), 5 the mutual-aid fund's emergency committee (unless the config names
 * one), 6-8 FX reporters, 10.. one federation representative per founding community, in the config's order (each
 * community's own governance delegates its seat to it: the simulation does). Hardhat's node has 20 accounts.
 */
import hre, { ethers } from "hardhat";
import type { BaseContract } from "ethers";
import path from "node:path";
import {
  alertSettings,
  federationParameters,
  foundingCharter,
  readCommunitiesFile,
  toLaunchConfig,
  type CommunitiesFile,
} from "./lib/communityConfig";
import { type Deployment, type DeployedCommunity, writeDeployment } from "./lib/deployment";
import { deployOracle, deployPools } from "./lib/bridge";
import { admitFounder, checkHandedOver, deployFederation, handOverToFederation } from "./lib/federation";
import { deployCore, launchThroughFederation } from "./lib/launch";
import { deployBusiness } from "./lib/business";

const FIRST_REPRESENTATIVE = 10;

/** The block of a contract's deployment transaction. */
async function deployedAt(contract: BaseContract): Promise<number> {
  const receipt = await contract.deploymentTransaction()?.wait();
  if (!receipt) throw new Error(`no deployment receipt for ${await contract.getAddress()}`);
  return receipt.blockNumber;
}

async function main() {
  const signers = await ethers.getSigners();
  const [admin, minter, pauser, verifier, officer, committee] = signers;
  const reporters = signers.slice(6, 9);
  const communitiesFile = path.resolve(
    process.env.COMMUNITIES_FILE ?? path.join(__dirname, "..", "config", "communities.json"),
  );
  const file: CommunitiesFile = readCommunitiesFile(communitiesFile);
  const representatives = signers.slice(FIRST_REPRESENTATIVE, FIRST_REPRESENTATIVE + file.communities.length);
  if (!admin || !minter || !pauser || !verifier || !officer || !committee || reporters.length < 3) {
    throw new Error("the network needs at least 9 signers");
  }
  if (representatives.length < file.communities.length) {
    throw new Error(
      `the network needs ${FIRST_REPRESENTATIVE + file.communities.length} signers: one representative per founding community from signer ${FIRST_REPRESENTATIVE}`,
    );
  }
  const network = await ethers.provider.getNetwork();
  const startBlock = (await ethers.provider.getBlockNumber()) + 1;

  // 1. sanctions list
  let sanctionsAddress = process.env.SANCTIONS_ORACLE;
  const ownSanctionsList = !sanctionsAddress;
  if (sanctionsAddress && !ethers.isAddress(sanctionsAddress))
    throw new Error(`SANCTIONS_ORACLE is not an address: ${sanctionsAddress}`);
  if (!sanctionsAddress) {
    const sanctions = await ethers.deployContract("SanctionsList", [admin.address], admin);
    await sanctions.waitForDeployment();
    await (await sanctions.grantRole(await sanctions.LISTER_ROLE(), officer.address)).wait();
    sanctionsAddress = await sanctions.getAddress();
  }

  // 2. the launch machinery, administered by the deployer until the hand-over
  const core = await deployCore(admin, admin.address, sanctionsAddress);
  const registryAddress = await core.communityRegistry.getAddress();
  const factoryAddress = await core.factory.getAddress();
  const registryStart = await deployedAt(core.communityRegistry);

  // 3. the oracle, with its reporters and starting rates
  const oracle = await deployOracle(admin, reporters, file.bridge);
  const oracleAddress = await oracle.getAddress();

  // 4. the federation
  const fed = await deployFederation(admin, factoryAddress, oracleAddress, {
    governance: file.federation.governance,
    parameters: federationParameters(file),
    emergencyCommittee: file.federation.emergencyCommittee ?? [committee.address],
  });
  const federationAddress = await fed.federation.getAddress();
  const timelockAddress = await fed.timelock.getAddress();
  console.log(
    `federation ${federationAddress}, governor ${await fed.governor.getAddress()}, timelock ${timelockAddress}`,
  );

  // 5. the founding communities, admitted and launched through the Federation
  const operators = {
    minter: minter.address,
    pauser: pauser.address,
    verifier: verifier.address,
    complianceOfficer: officer.address,
  };
  const communities: DeployedCommunity[] = [];
  for (const entry of file.communities) {
    await admitFounder(fed.federation, admin, entry.id, admin.address);
    const launched = await launchThroughFederation(fed.federation, admin, toLaunchConfig(file, entry, operators));
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
    const registry = await ethers.getContractAt("ComplianceRegistry", launched.complianceRegistry);
    const [tier0, travelRule] = [await registry.dailyLimit(0), await registry.travelRuleThreshold()];
    console.log(
      `community ${entry.id} (${entry.currency}): token ${launched.token}, governor ${launched.governor}, ` +
        `tier-0 limit ${ethers.formatEther(tier0)}, travel rule ${ethers.formatEther(travelRule)} ${entry.currency}, launch gas ${launched.gasUsed}`,
    );
  }

  // 6. the founding charter
  const charter = foundingCharter(file);
  await (await fed.federation.connect(admin).ratifyCharter(charter.hash, charter.uri)).wait();
  console.log(`charter v1 ratified: ${charter.uri} (${charter.hash})`);

  // 7. the bridge pools
  const bridge = await deployPools(admin, oracle, file.bridge, communities);
  for (const pool of bridge.pools) console.log(`bridge pool ${pool.communities.join("-")}: ${pool.address}`);

  // 8. the hand-over, and its check
  const sanctionsList = ownSanctionsList ? sanctionsAddress : undefined;
  const routerAddress = await bridge.router.getAddress();
  const poolAddresses = bridge.pools.map((p) => p.address);
  await handOverToFederation(
    admin,
    fed,
    { registry: registryAddress, factory: factoryAddress, sanctionsList, oracle: oracleAddress, router: routerAddress },
    poolAddresses,
  );
  await checkHandedOver(admin.address, fed, {
    accessControlled: [
      { name: "CommunityRegistry", address: registryAddress },
      { name: "CommunityFactory", address: factoryAddress },
      ...(sanctionsList ? [{ name: "SanctionsList", address: sanctionsList }] : []),
      { name: "FxOracle", address: oracleAddress },
      { name: "BridgeRouter", address: routerAddress },
      ...poolAddresses.map((address) => ({ name: "BridgePool", address })),
      { name: "Federation", address: federationAddress },
      { name: "FederationTimelock", address: timelockAddress },
      { name: "MutualAidFund", address: await fed.fund.getAddress() },
      ...communities.flatMap((c) => [
        { name: `${c.id} token`, address: c.token },
        { name: `${c.id} compliance registry`, address: c.complianceRegistry },
        { name: `${c.id} timelock`, address: c.timelock },
      ]),
    ],
    factory: factoryAddress,
    pools: poolAddresses,
  });
  console.log(`handed over: every admin role is the federation timelock's, the Federation is the only launcher`);

  // 9. the business contracts (no admin roles)
  const business = await deployBusiness(admin, federationAddress, routerAddress);
  const routerStart = await deployedAt(business.router);
  if (!business.tradeEscrow) throw new Error("the TradeEscrow was not deployed");
  const businessSection: Deployment["business"] = {
    merchantRegistry: {
      address: await business.merchants.getAddress(),
      startBlock: await deployedAt(business.merchants),
    },
    paymentRouter: { address: await business.router.getAddress(), startBlock: routerStart },
    // deployed by the router's constructor, in the router's deployment transaction
    loyaltyProgram: { address: await business.loyalty.getAddress(), startBlock: routerStart },
    profitSharing: {
      address: await business.profitSharing.getAddress(),
      startBlock: await deployedAt(business.profitSharing),
    },
    tradeEscrow: {
      address: await business.tradeEscrow.getAddress(),
      startBlock: await deployedAt(business.tradeEscrow),
    },
    supplyChain: {
      address: await business.supplyChain.getAddress(),
      startBlock: await deployedAt(business.supplyChain),
    },
  };
  console.log(
    `business: merchant registry ${businessSection.merchantRegistry.address}, payment router ` +
      `${businessSection.paymentRouter.address}, loyalty program ${businessSection.loyaltyProgram.address}, ` +
      `profit sharing ${businessSection.profitSharing.address}, trade escrow ${businessSection.tradeEscrow.address}, ` +
      `supply chain ${businessSection.supplyChain.address}`,
  );

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
    communityFactory: { address: factoryAddress, startBlock: await deployedAt(core.factory) },
    roles: { admin: timelockAddress, launcher: federationAddress, ...operators },
    communities,
    alerts: alertSettings(file),
    bridge: {
      oracle: { address: oracleAddress, startBlock: await deployedAt(oracle) },
      router: { address: routerAddress, startBlock: await deployedAt(bridge.router) },
      reporters: await Promise.all(reporters.map((r) => r.getAddress())),
      pools: bridge.pools,
    },
    federation: {
      seats: { address: await fed.seats.getAddress(), startBlock: await deployedAt(fed.seats) },
      governor: { address: await fed.governor.getAddress(), startBlock: await deployedAt(fed.governor) },
      timelock: { address: timelockAddress, startBlock: await deployedAt(fed.timelock) },
      federation: { address: federationAddress, startBlock: await deployedAt(fed.federation) },
      mutualAidFund: { address: await fed.fund.getAddress(), startBlock: await deployedAt(fed.fund) },
      representatives: Object.fromEntries(communities.map((c, i) => [c.id, representatives[i]!.address])),
      emergencyCommittee: file.federation.emergencyCommittee ?? [committee.address],
      charter: { hash: charter.hash, uri: charter.uri },
    },
    business: businessSection,
  };
  console.log(`deployment written to ${writeDeployment(hre.network.name, deployment)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

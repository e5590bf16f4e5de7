import path from "node:path";
import { ethers } from "hardhat";
import { deployCommunity, deployImplementations } from "../../scripts/lib/community";
import type {
  CommunityGovernor,
  CommunityRegistry,
  CommunityTimelock,
  CommunityToken,
  ComplianceRegistry,
  ICommunityFactory,
  SanctionsList,
} from "../../typechain-types";
import { readCommunitiesFile, toLaunchConfig } from "../../scripts/lib/communityConfig";
import { deployCore } from "../../scripts/lib/launch";

export const KC = (whole: number | string | bigint) => ethers.parseEther(String(whole));
export const ref = (label: string) => ethers.id(label);

/**
 * A community with its roles held apart: `admin` (DEFAULT_ADMIN_ROLE of token and registry), `minter`, `pauser`,
 * `verifier`, `officer` (COMPLIANCE_ROLE, and LISTER_ROLE on the sanctions list); `alice`, `bob`, `carol`,
 * `dave` hold nothing and have tier 0; `relayer` submits signed transfers; `stranger` holds no role.
 */
export async function deployCommunityFixture() {
  const [admin, minter, pauser, verifier, officer, alice, bob, carol, dave, relayer, stranger] =
    await ethers.getSigners();
  const implementations = await deployImplementations(admin!);
  const sanctions = (await ethers.deployContract("SanctionsList", [admin!.address])) as unknown as SanctionsList;
  await sanctions.grantRole(await sanctions.LISTER_ROLE(), officer!.address);
  const { token, registry } = await deployCommunity(admin!, implementations, {
    name: "Katy Coin",
    symbol: "KATY",
    currency: "USD",
    admin: admin!.address,
    sanctionsOracle: await sanctions.getAddress(),
  });
  await token.grantRole(await token.MINTER_ROLE(), minter!.address);
  await token.grantRole(await token.PAUSER_ROLE(), pauser!.address);
  await registry.grantRole(await registry.VERIFIER_ROLE(), verifier!.address);
  await registry.grantRole(await registry.COMPLIANCE_ROLE(), officer!.address);
  return {
    token,
    registry,
    sanctions,
    implementations,
    admin: admin!,
    minter: minter!,
    pauser: pauser!,
    verifier: verifier!,
    officer: officer!,
    alice: alice!,
    bob: bob!,
    carol: carol!,
    dave: dave!,
    relayer: relayer!,
    stranger: stranger!,
  };
}

/** The community above, with alice and bob verified (tier 1) holding 10,000 KC each, carol (tier 0) 500 KC. */
export async function deployFundedCommunityFixture() {
  const f = await deployCommunityFixture();
  const { token, registry, minter, verifier, alice, bob, carol } = f;
  await registry.connect(verifier).setTier(alice.address, 1);
  await registry.connect(verifier).setTier(bob.address, 1);
  await token.connect(minter).mint(alice.address, KC(10_000), ref("deposit-alice"));
  await token.connect(minter).mint(bob.address, KC(10_000), ref("deposit-bob"));
  await token.connect(minter).mint(carol.address, KC(500), ref("deposit-carol"));
  return f;
}

/** The sample communities file with local operators: what `scripts/deploy.ts` launches. */
export async function sampleLaunchConfigs(operators: ICommunityFactory.OperatorsStruct) {
  const file = readCommunitiesFile(path.join(__dirname, "..", "..", "config", "communities.json"));
  return file.communities.map((community) => toLaunchConfig(file, community, operators));
}

/**
 * The federation's launch machinery: implementations, CommunityRegistry and CommunityFactory. `admin` deploys;
 * `launcher` holds LAUNCHER_ROLE and both contracts' admin roles (as the federation's timelock will), `admin`
 * none; the operators of new communities are held apart; `config("some-id")` is a valid config for a new community.
 */
export async function deployFactoryFixture() {
  const [admin, launcher, minter, pauser, verifier, officer, alice, bob, carol, stranger] = await ethers.getSigners();
  const sanctions = (await ethers.deployContract("SanctionsList", [admin!.address])) as unknown as SanctionsList;
  const core = await deployCore(admin!, launcher!.address, await sanctions.getAddress());
  const operators = {
    minter: minter!.address,
    pauser: pauser!.address,
    verifier: verifier!.address,
    complianceOfficer: officer!.address,
  };
  const [katy] = await sampleLaunchConfigs(operators);
  const config = (id: string): ICommunityFactory.CommunityConfigStruct => ({
    ...katy!,
    id,
    name: `Town ${id}`,
    tokenSymbol: "TOWN",
  });
  return {
    ...core,
    sanctions,
    config,
    operators,
    admin: admin!,
    launcher: launcher!,
    minter: minter!,
    pauser: pauser!,
    verifier: verifier!,
    officer: officer!,
    alice: alice!,
    bob: bob!,
    carol: carol!,
    stranger: stranger!,
  };
}

/**
 * {deployFactoryFixture} with the federation's roles held apart: `admin` holds DEFAULT_ADMIN_ROLE of the factory
 * and of the CommunityRegistry, `launcher` only LAUNCHER_ROLE. ({deployFactoryFixture} hands `launcher` to
 * `deployCore` as its admin, so there the launcher holds all three roles and `admin` none.)
 */
export async function deployFactoryRolesApartFixture() {
  const f = await deployFactoryFixture();
  for (const contract of [f.factory, f.communityRegistry] as const) {
    const role = await contract.DEFAULT_ADMIN_ROLE();
    await contract.connect(f.launcher).grantRole(role, f.admin.address);
    await contract.connect(f.launcher).renounceRole(role, f.launcher.address);
  }
  return f;
}

/** The contracts of the registered community `id`, attached: token, compliance `registry`, governor, timelock. */
export async function communityContracts(communityRegistry: CommunityRegistry, id: string) {
  const c = await communityRegistry.community(id);
  const token = (await ethers.getContractAt("CommunityToken", c.token)) as unknown as CommunityToken;
  const registry = (await ethers.getContractAt(
    "ComplianceRegistry",
    c.complianceRegistry,
  )) as unknown as ComplianceRegistry;
  const governor = (await ethers.getContractAt("CommunityGovernor", c.governor)) as unknown as CommunityGovernor;
  const timelock = (await ethers.getContractAt("CommunityTimelock", c.timelock)) as unknown as CommunityTimelock;
  return { token, registry, governor, timelock };
}

/**
 * One community launched by `launcher` through the factory of {deployFactoryRolesApartFixture}, with
 * `config("riverside")`: its token, compliance `registry`, `governor` and `timelock`, and the launch receipt.
 */
export async function deployLaunchedCommunityFixture() {
  const f = await deployFactoryRolesApartFixture();
  const launchConfig = f.config("riverside");
  const receipt = await (await f.factory.connect(f.launcher).launch(launchConfig)).wait();
  const contracts = await communityContracts(f.communityRegistry, "riverside");
  return { ...f, ...contracts, launchConfig, launchReceipt: receipt! };
}

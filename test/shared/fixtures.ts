import path from "node:path";
import { ethers } from "hardhat";
import { deployCommunity, deployImplementations } from "../../scripts/lib/community";
import type { ICommunityFactory, SanctionsList } from "../../typechain-types";
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
 * The federation's launch machinery: implementations, CommunityRegistry and CommunityFactory, with `launcher`
 * holding LAUNCHER_ROLE and `admin` the admin roles, the operators of new communities held apart, and a
 * valid config for a new community (`config("some-id")`).
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

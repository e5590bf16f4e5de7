import { impersonateAccount, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "hardhat";
import { launchCommunity } from "../../scripts/lib/launch";
import type {
  BridgePool,
  BridgeRouter,
  CommunityGovernor,
  CommunityTimelock,
  CommunityToken,
  ComplianceRegistry,
  FxOracle,
} from "../../typechain-types";
import { communityContracts, deployFactoryFixture, KC, ref, sampleLaunchConfigs } from "../shared/fixtures";

/** The oracle's parameters in every bridge fixture: rates live a day, the breaker trips beyond 5%, quorum 2. */
export const MAX_AGE = 86_400n;
export const MAX_DEVIATION_BPS = 500n;
export const MIN_REPORTS = 2n;
/** The pools' curve: 0.30% fee, amplification 4. */
export const FEE_BPS = 30n;
export const AMPLIFICATION = 4n;
/** USD per unit of each currency, as the reporters report it. */
export const RATES = { USD: KC(1), MXN: KC("0.05"), CAD: KC("0.75") } as const;
export const DEAD = "0x000000000000000000000000000000000000dEaD";
export const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
export const PAUSER_ROLE = ethers.id("PAUSER_ROLE");

/** A deadline an hour from the latest block. */
export const inAnHour = async () => BigInt((await time.latest()) + 3_600);

/**
 * A standalone FxOracle (no communities): `admin` (the federation's timelock) holds DEFAULT_ADMIN_ROLE; three
 * reporters are registered, none has reported; `stranger` holds no role. Reference currency USD, parameters as above.
 */
export async function deployFxOracleFixture() {
  const signers = await ethers.getSigners();
  const [admin, stranger] = [signers[0]!, signers[9]!];
  const reporters = signers.slice(10, 13);
  const oracle = (await ethers.deployContract("FxOracle", [
    admin.address,
    "USD",
    MAX_AGE,
    MAX_DEVIATION_BPS,
    MIN_REPORTS,
  ])) as unknown as FxOracle;
  for (const r of reporters) await oracle.connect(admin).addReporter(r.address);
  return { oracle, admin, stranger, reporters, spare: signers.slice(13, 16) };
}

/** Every reporter reports `rate` for `currency`; if that trips the breaker, `admin` resets it to the new median. */
export async function setRate(
  oracle: FxOracle,
  reporters: readonly HardhatEthersSigner[],
  admin: HardhatEthersSigner,
  currency: string,
  rate: bigint,
) {
  for (const r of reporters) await oracle.connect(r).report(currency, rate);
  if ((await oracle.rateState(currency)).tripped) await oracle.connect(admin).resetBreaker(currency);
}

/** One launched community as the bridge tests use it. */
export interface Community {
  id: string;
  currency: string;
  token: CommunityToken;
  registry: ComplianceRegistry;
  governor: CommunityGovernor;
  timelock: CommunityTimelock;
  /** The token's address. */
  address: string;
}

/** Runs `action` as the community's timelock (impersonated): the shortcut for what a proposal would do. */
export async function asTimelock<T>(c: Community, action: (timelock: HardhatEthersSigner) => Promise<T>): Promise<T> {
  const address = await c.timelock.getAddress();
  await impersonateAccount(address);
  await setBalance(address, ethers.parseEther("100"));
  return action(await ethers.getSigner(address));
}

/** Makes `account` an exempt system account of community `c`, impersonating its timelock. */
export async function exempt(c: Community, account: string) {
  await asTimelock(c, (tl) => c.registry.connect(tl).setExempt(account, true));
}

/** A daily limit of 2^128 - 1: the compliance registry's "no limit". */
const UNLIMITED = (1n << 128n) - 1n;

/**
 * The compliance settings the bridge fixtures launch each community with, in whole units of its own currency:
 * set here, not taken from config/communities.json (whose limits and thresholds are the federation's defaults,
 * converted at the file's starting rates), so the tests' figures do not move when that file does.
 */
export const COMPLIANCE = {
  katy: { tier0DailyLimit: KC(1_000), tier1DailyLimit: KC(25_000), travelRuleThreshold: KC(1_000) },
  monterrey: { tier0DailyLimit: KC(18_000), tier1DailyLimit: KC(450_000), travelRuleThreshold: KC(18_000) },
  toronto: { tier0DailyLimit: KC(1_400), tier1DailyLimit: KC(35_000), travelRuleThreshold: KC(1_400) },
} as const;

/**
 * The federation with three communities launched straight through the factory — katy (KATY, USD), monterrey
 * (MTY, MXN) and toronto (TOR, CAD), with their names and governance from config/communities.json but their
 * compliance settings from COMPLIANCE above (tier-0 daily limits and travel-rule thresholds 1,000 KATY, 18,000
 * MTY and 1,400 TOR; tier-1 limits 25,000 KATY, 450,000 MTY and 35,000 TOR; tier 2 unlimited) — and an FxOracle
 * (admin: `admin`, standing in for the federation's timelock) whose three reporters have reported MXN at 0.05 and
 * CAD at 0.75 USD. In every community: the liquidity providers `lp`, `lp2`, `lp3` are tier 2 (no daily limit),
 * alice and bob tier 1, carol tier 0; everyone holds KATY, MTY and TOR. The officer may also list sanctioned
 * addresses.
 */
export async function deployBridgeCommunitiesFixture() {
  const f = await deployFactoryFixture();
  const signers = await ethers.getSigners();
  const reporters = signers.slice(10, 13);
  const [lp, lp2, lp3, voter] = [signers[13]!, signers[14]!, signers[15]!, signers[16]!];
  const configs = await sampleLaunchConfigs(f.operators);
  const launch = async (id: keyof typeof COMPLIANCE): Promise<Community> => {
    const config = configs.find((c) => c.id === id)!;
    const compliance = { ...COMPLIANCE[id], tier2DailyLimit: UNLIMITED };
    await launchCommunity(f.factory, f.launcher, { ...config, compliance });
    const contracts = await communityContracts(f.communityRegistry, id);
    return { id, currency: String(config.currency), ...contracts, address: await contracts.token.getAddress() };
  };
  const katy = await launch("katy");
  const monterrey = await launch("monterrey");
  const toronto = await launch("toronto");
  await f.sanctions.connect(f.admin).grantRole(await f.sanctions.LISTER_ROLE(), f.officer.address);

  const oracle = (await ethers.deployContract("FxOracle", [
    f.admin.address,
    "USD",
    MAX_AGE,
    MAX_DEVIATION_BPS,
    MIN_REPORTS,
  ])) as unknown as FxOracle;
  for (const r of reporters) await oracle.connect(f.admin).addReporter(r.address);
  for (const r of reporters) await oracle.connect(r).report("MXN", RATES.MXN);
  for (const r of reporters) await oracle.connect(r).report("CAD", RATES.CAD);

  /** Whole tokens each holder gets, per community: about the same value in each. */
  const holdings: [HardhatEthersSigner, number, bigint][] = [
    [lp, 2, 1_000_000n],
    [lp2, 2, 100_000n],
    [lp3, 2, 100_000n],
    [f.alice, 1, 20_000n],
    [f.bob, 1, 20_000n],
    [f.carol, 0, 5_000n],
  ];
  const perUsd: Record<string, bigint> = { katy: 1n, monterrey: 20n, toronto: 2n };
  for (const c of [katy, monterrey, toronto]) {
    for (const [holder, tier, usd] of holdings) {
      if (tier > 0) await c.registry.connect(f.verifier).setTier(holder.address, tier);
      await c.token.connect(f.minter).mint(holder.address, KC(usd * perUsd[c.id]!), ref(`${c.id}-${holder.address}`));
    }
  }
  return { ...f, katy, monterrey, toronto, oracle, reporters, lp, lp2, lp3, voter };
}

/** The communities above and a KATY/MTY BridgePool (admin `admin`, PAUSER_ROLE also `pauser`), not exempt yet. */
export async function deployBridgePoolFixture() {
  const f = await deployBridgeCommunitiesFixture();
  const pool = (await ethers.deployContract("BridgePool", [
    f.katy.address,
    f.monterrey.address,
    await f.oracle.getAddress(),
    f.admin.address,
    FEE_BPS,
    AMPLIFICATION,
  ])) as unknown as BridgePool;
  await pool.connect(f.admin).grantRole(PAUSER_ROLE, f.pauser.address);
  return { ...f, pool, poolAddress: await pool.getAddress() };
}

/**
 * The pool exempt in both communities (their timelocks impersonated), with no liquidity yet; everyone has
 * approved it to spend their KATY and MTY.
 */
export async function deployEmptyPoolFixture() {
  const f = await deployBridgePoolFixture();
  for (const c of [f.katy, f.monterrey]) await exempt(c, f.poolAddress);
  for (const holder of [f.lp, f.lp2, f.lp3, f.alice, f.bob, f.carol]) {
    for (const c of [f.katy, f.monterrey]) await c.token.connect(holder).approve(f.poolAddress, ethers.MaxUint256);
  }
  return f;
}

/** The exempt pool, balanced: `lp` deposited 100,000 KATY and 2,000,000 MTY (worth 200,000 USD). */
export async function deployFundedPoolFixture() {
  const f = await deployEmptyPoolFixture();
  await f.pool.connect(f.lp).addLiquidity(KC(100_000), KC(2_000_000), 0, f.lp.address, await inAnHour());
  return f;
}

/**
 * The funded KATY/MTY pool and a funded MTY/TOR pool (2,000,000 MTY and 150,000 TOR), both registered in a
 * BridgeRouter (admin `admin`) that is exempt in all three communities; everyone has approved the router.
 */
export async function deployRouterFixture() {
  const f = await deployFundedPoolFixture();
  const pool2 = (await ethers.deployContract("BridgePool", [
    f.monterrey.address,
    f.toronto.address,
    await f.oracle.getAddress(),
    f.admin.address,
    FEE_BPS,
    AMPLIFICATION,
  ])) as unknown as BridgePool;
  const pool2Address = await pool2.getAddress();
  for (const c of [f.monterrey, f.toronto]) {
    await exempt(c, pool2Address);
    await c.token.connect(f.lp).approve(pool2Address, ethers.MaxUint256);
  }
  await pool2.connect(f.lp).addLiquidity(KC(2_000_000), KC(150_000), 0, f.lp.address, await inAnHour());
  const router = (await ethers.deployContract("BridgeRouter", [f.admin.address])) as unknown as BridgeRouter;
  const routerAddress = await router.getAddress();
  await router.connect(f.admin).setPool(f.poolAddress);
  await router.connect(f.admin).setPool(pool2Address);
  for (const c of [f.katy, f.monterrey, f.toronto]) {
    await exempt(c, routerAddress);
    for (const holder of [f.alice, f.bob, f.carol]) {
      await c.token.connect(holder).approve(routerAddress, ethers.MaxUint256);
    }
  }
  return { ...f, pool2, pool2Address, router, routerAddress };
}

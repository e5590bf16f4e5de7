import { setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import type { Wallet } from "ethers";
import type { MerchantRegistry, ProfitSharing, SupplyChainRegistry, TradeEscrow } from "../../typechain-types";
import { asTimelock, type Community, deployRouterFixture, exempt } from "../bridge/fixtures";
import {
  asCommunity,
  callTo,
  deployFederationFixture,
  DAY,
  type FederationFixture,
  launchOutsideFederation,
  type Member,
  runCommunityProposal,
} from "../shared/federationFixtures";
import { KC, ref } from "../shared/fixtures";

/**
 * Fixtures of the business contracts that hold or vouch for value between parties: TradeEscrow (on the bridge
 * fixtures: a funded KATY/MTY pool and a router), ProfitSharing and SupplyChainRegistry (on the federation fixture,
 * with their own MerchantRegistry).
 */

export const ARBITER_ROLE = ethers.id("ARBITER_ROLE");
export const ASSESSOR_ROLE = ethers.id("ASSESSOR_ROLE");
export const VERIFIER_ROLE = ethers.id("VERIFIER_ROLE");
export const BUSINESS_TIER = 2;
export { DAY };

/** MerchantRegistry.Status, in declaration order. */
export enum MerchantStatus {
  None,
  Pending,
  Verified,
  Suspended,
}

/** TradeEscrow.State, in declaration order. */
export enum OrderState {
  None,
  Funded,
  Delivered,
  Disputed,
  Released,
  Resolved,
  Refunded,
  Claimed,
}

/** The bytes32 with bit `s` set for each state `s`: TradeEscrowUnexpectedState's `expectedStates`. */
export const stateBits = (...states: OrderState[]) =>
  ethers.toBeHex(
    states.reduce((bits, s) => bits | (1n << BigInt(s)), 0n),
    32,
  );

/** A deterministic EOA holding 100 ETH (the fixtures use most of Hardhat's 20 accounts). */
export async function account(label: string): Promise<Wallet> {
  const wallet = new ethers.Wallet(ethers.id(`kc-escrow/${label}`), ethers.provider);
  await setBalance(wallet.address, ethers.parseEther("100"));
  return wallet;
}

// ---------------------------------------------------------------- TradeEscrow

/**
 * A TradeEscrow over the router of {deployRouterFixture} (KATY/MTY and MTY/TOR pools, funded; rates fresh for a
 * day), exempt in katy, monterrey and toronto (their timelocks impersonated, as a proposal would). `arbiter` holds
 * ARBITER_ROLE in katy and monterrey, `katyArbiter` in katy only (both granted by the timelocks). alice (the buyer
 * of most tests; tier 1: 25,000 KATY a day) and bob (the seller) hold 20,000 USD worth of each token and have
 * approved the escrow for all three.
 */
export async function deployTradeEscrowFixture() {
  const f = await deployRouterFixture();
  const escrow = (await ethers.deployContract("TradeEscrow", [f.routerAddress])) as unknown as TradeEscrow;
  const escrowAddress = await escrow.getAddress();
  const [arbiter, katyArbiter] = await Promise.all(["arbiter", "katy-arbiter"].map(account));
  const communities: Community[] = [f.katy, f.monterrey, f.toronto];
  for (const c of communities) await exempt(c, escrowAddress);
  for (const c of [f.katy, f.monterrey]) {
    await asTimelock(c, (tl) => c.registry.connect(tl).grantRole(ARBITER_ROLE, arbiter!.address));
  }
  await asTimelock(f.katy, (tl) => f.katy.registry.connect(tl).grantRole(ARBITER_ROLE, katyArbiter!.address));
  for (const holder of [f.alice, f.bob, f.carol]) {
    for (const c of communities) await c.token.connect(holder).approve(escrowAddress, ethers.MaxUint256);
  }
  return {
    ...f,
    escrow,
    escrowAddress,
    arbiter: arbiter!,
    katyArbiter: katyArbiter!,
    buyer: f.alice,
    seller: f.bob,
  };
}

export type TradeEscrowFixture = Awaited<ReturnType<typeof deployTradeEscrowFixture>>;

// ---------------------------------------------------------------- merchants on the federation fixture

/**
 * The federation fixture (katy and houston in USD, monterrey in MXN; one verifier, officer and minter operate
 * every community) with a MerchantRegistry of its own, and fresh EOAs:
 * - `shop`, a verified katy merchant (KYC tier 2) holding 100,000 KATY;
 * - `newcomer`, a katy merchant registered but not verified (Pending);
 * - `tacos`, a verified houston merchant (tier 2) holding 1,000 HOU.
 */
export async function deployMerchantsFixture() {
  const f = await deployFederationFixture();
  const merchants = (await ethers.deployContract("MerchantRegistry", [
    f.addresses.federation,
  ])) as unknown as MerchantRegistry;
  const [shop, newcomer, tacos] = await Promise.all(["shop", "newcomer", "tacos"].map(account));
  const onboard = async (merchant: Wallet, member: Member, kc: bigint, verify = true) => {
    const label = `${member.id}-${merchant.address}`;
    await (
      await merchants.connect(merchant).register(member.address, ethers.id("retail"), `ipfs://${label}`, ref(label))
    ).wait();
    if (!verify) return;
    await (await member.registry.connect(f.verifier).setTier(merchant.address, BUSINESS_TIER)).wait();
    await (await merchants.connect(f.verifier).verify(merchant.address)).wait();
    await (await member.token.connect(f.minter).mint(merchant.address, kc, ref(`float-${label}`))).wait();
  };
  await onboard(shop!, f.katy, KC(100_000));
  await onboard(newcomer!, f.katy, 0n, false);
  await onboard(tacos!, f.houston, KC(1_000));
  return {
    ...f,
    merchants,
    merchantsAddress: await merchants.getAddress(),
    shop: shop!,
    newcomer: newcomer!,
    tacos: tacos!,
  };
}

export type MerchantsFixture = Awaited<ReturnType<typeof deployMerchantsFixture>>;

/** Makes `account` an exempt system account of `member`, its timelock impersonated (what a proposal would do). */
export async function exemptIn(member: Member, address: string) {
  const tl = await asCommunity(member);
  await (await member.registry.connect(tl).setExempt(address, true)).wait();
}

// ---------------------------------------------------------------- ProfitSharing

/**
 * A ProfitSharing over the merchants of {deployMerchantsFixture}, exempt in katy and houston. `coop` (a fresh EOA,
 * not a merchant; tier 2 in houston) holds 10,000 HOU; `shop` and `coop` have approved the contract. A katy token
 * launched outside the federation (`rogue`) stands for a token the federation does not know. Shareholders: alice,
 * bob, carol and dave.
 */
export async function deployProfitSharingFixture() {
  const f = await deployMerchantsFixture();
  const sharing = (await ethers.deployContract("ProfitSharing", [f.merchantsAddress])) as unknown as ProfitSharing;
  const sharingAddress = await sharing.getAddress();
  for (const member of [f.katy, f.houston]) await exemptIn(member, sharingAddress);
  const coop = await account("coop");
  await (await f.houston.registry.connect(f.verifier).setTier(coop.address, BUSINESS_TIER)).wait();
  await (await f.houston.token.connect(f.minter).mint(coop.address, KC(10_000), ref("coop-float"))).wait();
  await (await f.katy.token.connect(f.shop).approve(sharingAddress, ethers.MaxUint256)).wait();
  await (await f.houston.token.connect(coop).approve(sharingAddress, ethers.MaxUint256)).wait();
  const rogue = await launchOutsideFederation(f, "rogue");
  return { ...f, sharing, sharingAddress, coop, rogue };
}

// ---------------------------------------------------------------- SupplyChainRegistry

/**
 * A SupplyChainRegistry over the merchants of {deployMerchantsFixture}. In katy: `farmer` is a registered producer
 * and `trucker` a registered carrier (both by the verifier); `assessor` holds ASSESSOR_ROLE, granted by a proposal
 * of katy's own governance (alice proposes, alice and bob vote); `inspector` holds VERIFIER_ROLE in katy only
 * (granted by katy's timelock, impersonated). In houston: `houstonCarrier` is a registered carrier. `shop` (katy)
 * and `tacos` (houston) are producers as verified merchants.
 */
export async function deploySupplyChainFixture() {
  const f = await deployMerchantsFixture();
  const chain = (await ethers.deployContract("SupplyChainRegistry", [
    f.merchantsAddress,
  ])) as unknown as SupplyChainRegistry;
  const [farmer, trucker, assessor, inspector, houstonCarrier] = await Promise.all(
    ["farmer", "trucker", "assessor", "inspector", "houston-carrier"].map(account),
  );
  await (await chain.connect(f.verifier).setProducer(f.katy.address, farmer!.address, true)).wait();
  await (await chain.connect(f.verifier).setCarrier(f.katy.address, trucker!.address, true)).wait();
  await (await chain.connect(f.verifier).setCarrier(f.houston.address, houstonCarrier!.address, true)).wait();
  const grant = await callTo(f.katy.registry, "grantRole", [ASSESSOR_ROLE, assessor!.address]);
  await (await runCommunityProposal(f, f.katy, [grant], "katy: the ethics assessor")).wait();
  const tl = await asCommunity(f.katy);
  await (await f.katy.registry.connect(tl).grantRole(VERIFIER_ROLE, inspector!.address)).wait();
  return {
    ...f,
    chain,
    farmer: farmer!,
    trucker: trucker!,
    assessor: assessor!,
    inspector: inspector!,
    houstonCarrier: houstonCarrier!,
  };
}

export type SupplyChainFixture = Awaited<ReturnType<typeof deploySupplyChainFixture>>;
export type { FederationFixture };

import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "hardhat";
import type { ContractTransactionResponse, Signer, Wallet } from "ethers";
import {
  deployBusiness,
  exemptionCalls,
  invoiceIdOf,
  type PaymentIntent,
  processorRefOf,
  signPaymentWithAuthorization,
  signPaymentWithPermit,
} from "../../scripts/lib/business";
import { KC, ref } from "../shared/fixtures";
import {
  deployFederationFixture,
  DAY,
  impersonate,
  type Member,
  runCommunityProposal,
} from "../shared/federationFixtures";

/** MerchantRegistry.Status, in declaration order. */
export enum MerchantStatus {
  None,
  Pending,
  Verified,
  Suspended,
}

export const VERIFIER_ROLE = ethers.id("VERIFIER_ROLE");
export const COMPLIANCE_ROLE = ethers.id("COMPLIANCE_ROLE");
export const BUSINESS_TIER = 2;

/** Business categories (bytes32 labels). */
export const CATEGORY = {
  cafe: ethers.encodeBytes32String("cafe"),
  bakery: ethers.encodeBytes32String("bakery"),
  restaurant: ethers.encodeBytes32String("restaurant"),
  retail: ethers.encodeBytes32String("retail"),
};

/** A merchant's off-chain profile: where it lives and the hash of its content. */
export const profile = (name: string) => ({ uri: `ipfs://kc-business/${name}.json`, hash: ethers.id(`${name}-v1`) });

/** The coffee shop's loyalty program: 5% of the KC part, at most 25 KATY per customer per week, 1,000 KATY pool. */
export const SHOP_PROGRAM = { rateBps: 500n, cap: KC(25), period: 7n * BigInt(DAY), pool: KC(1_000) };

/** A deterministic funded EOA (the federation fixture uses 19 of Hardhat's 20 accounts). */
async function account(label: string): Promise<Wallet> {
  const wallet = new ethers.Wallet(ethers.id(`kc-business/${label}`), ethers.provider);
  await setBalance(wallet.address, ethers.parseEther("100"));
  return wallet;
}

/** The timelock of `member`, impersonated: the shortcut for what a proposal of its governance would do. */
export function timelockOf(member: Member): Promise<HardhatEthersSigner> {
  return impersonate(member.timelockAddress);
}

/**
 * The federation fixture (katy and houston in USD, monterrey in MXN; the same verifier, officer and minter operate
 * every community) and its business contracts (scripts/lib/business deployBusiness: MerchantRegistry,
 * PaymentRouter, and the router's LoyaltyProgram). Katy exempts the router and the loyalty program by a proposal of
 * its own governance (alice and bob vote); houston and monterrey by their timelocks, impersonated.
 *
 * Merchants (fresh EOAs):
 * - `shop`, a katy cafe: KYC tier 2, verified, 3,000 KATY minted, with a loyalty program (SHOP_PROGRAM: 5%, 25 KATY
 *   per customer per week) whose pool holds 1,000 KATY, so it holds 2,000 KATY;
 * - `bakery`, a katy bakery: tier 2, verified, 500 KATY, no loyalty program;
 * - `newcomer`, a katy shop: registered (Pending), still KYC tier 0;
 * - `tacos`, a houston restaurant: tier 2 in houston, verified, 500 HOU.
 * Each merchant has approved the router (refunds) and the loyalty program (funding) for its token.
 * Customers: alice and bob (tier 0: 1,000 KATY a day; 10,000 and 5,000 KATY, delegated to themselves, from the
 * federation fixture); carol and dave (tier 1: 25,000 KATY a day; 2,000 KATY each, not delegated). The `terminal`
 * (a point of sale's relayer) holds ETH only.
 */
export async function deployBusinessFixture() {
  const f = await loadFixture(deployFederationFixture);
  const { merchants, router, loyalty } = await deployBusiness(f.deployer, f.addresses.federation);
  const addresses = {
    merchants: await merchants.getAddress(),
    router: await router.getAddress(),
    loyalty: await loyalty.getAddress(),
  };

  // katy exempts both by its own governance; the others by their timelocks
  await (
    await runCommunityProposal(
      f,
      f.katy,
      exemptionCalls(await f.katy.registry.getAddress(), addresses),
      "katy: exempt the payment router and the loyalty program",
    )
  ).wait();
  for (const member of [f.houston, f.monterrey]) {
    const timelock = await timelockOf(member);
    for (const a of [addresses.router, addresses.loyalty]) await member.registry.connect(timelock).setExempt(a, true);
  }

  const [shop, bakery, newcomer, tacos, terminal] = await Promise.all(
    ["shop", "bakery", "newcomer", "tacos", "terminal"].map(account),
  );
  const onboard = async (merchant: Wallet, member: Member, category: string, name: string, kc: bigint) => {
    await (await member.registry.connect(f.verifier).setTier(merchant.address, BUSINESS_TIER)).wait();
    const p = profile(name);
    await (await merchants.connect(merchant).register(member.address, category, p.uri, p.hash)).wait();
    await (await merchants.connect(f.verifier).verify(merchant.address)).wait();
    await (await member.token.connect(f.minter).mint(merchant.address, kc, ref(`${name}-float`))).wait();
    await (await member.token.connect(merchant).approve(addresses.router, ethers.MaxUint256)).wait();
    await (await member.token.connect(merchant).approve(addresses.loyalty, ethers.MaxUint256)).wait();
  };
  await onboard(shop!, f.katy, CATEGORY.cafe, "shop", KC(3_000));
  await onboard(bakery!, f.katy, CATEGORY.bakery, "bakery", KC(500));
  await onboard(tacos!, f.houston, CATEGORY.restaurant, "tacos", KC(500));
  const p = profile("newcomer");
  await (await merchants.connect(newcomer!).register(f.katy.address, CATEGORY.retail, p.uri, p.hash)).wait();

  await (await loyalty.connect(shop!).configure(SHOP_PROGRAM.rateBps, SHOP_PROGRAM.cap, SHOP_PROGRAM.period)).wait();
  await (await loyalty.connect(shop!).fund(SHOP_PROGRAM.pool)).wait();

  for (const customer of [f.carol, f.dave]) {
    await (await f.katy.registry.connect(f.verifier).setTier(customer.address, 1)).wait();
    await (
      await f.katy.token.connect(f.minter).mint(customer.address, KC(2_000), ref(`katy-${customer.address}`))
    ).wait();
  }

  return {
    ...f,
    merchants,
    router,
    loyalty,
    business: addresses,
    shop: shop!,
    bakery: bakery!,
    newcomer: newcomer!,
    tacos: tacos!,
    terminal: terminal!,
    customers: [f.alice, f.bob, f.carol, f.dave],
  };
}

export type BusinessFixture = Awaited<ReturnType<typeof deployBusinessFixture>>;

// ---------------------------------------------------------------- intents and payments

let invoiceCounter = 0;
let nonceCounter = 0n;

/** A fresh invoice id (unique in the test run). */
export const freshInvoice = (label = "INV") => invoiceIdOf(`${label}-${++invoiceCounter}`);
/** A fresh intent nonce (unique in the test run, so unused by every payer). */
export const freshNonce = () => ++nonceCounter;

/**
 * An intent of `payer` to pay `amount` KATY (by default) to `merchant` for a fresh invoice, with a fiat part of
 * 12.50 USD, valid for an hour from the latest block; `overrides` replace any field.
 */
export async function intentOf(
  f: BusinessFixture,
  payer: Signer,
  merchant: Signer,
  amount: bigint,
  overrides: Partial<PaymentIntent> = {},
): Promise<PaymentIntent> {
  return {
    payer: await payer.getAddress(),
    merchant: await merchant.getAddress(),
    token: f.katy.address,
    invoiceId: freshInvoice(),
    amount,
    fiatAmount: KC("12.50"),
    fiatCurrency: "USD",
    processorRef: processorRefOf(`card-${invoiceCounter}`),
    deadline: BigInt((await time.latest()) + 3_600),
    nonce: freshNonce(),
    ...overrides,
  };
}

/** The two ways a terminal submits a payment. */
export type PaymentPath = "permit" | "authorization";
export const PATHS: PaymentPath[] = ["permit", "authorization"];

/** The token of `intent` (a community of the fixture), as a typechain contract. */
export function tokenOf(f: BusinessFixture, intent: Pick<PaymentIntent, "token">) {
  const member = f.members.find((m) => m.address === intent.token);
  if (member === undefined) throw new Error(`no community token ${intent.token}`);
  return member.token;
}

/**
 * `payer` signs `intent` and what moves its KC part by `path` (a permit until the deadline, or a
 * ReceiveWithAuthorization valid until just after it); returns a function that submits both as `terminal` (default
 * f.terminal), so that a test may set the clock, or submit twice, after signing.
 */
export async function signPayment(
  f: BusinessFixture,
  path: PaymentPath,
  payer: Signer,
  intent: PaymentIntent,
  terminal: Signer = f.terminal,
): Promise<() => Promise<ContractTransactionResponse>> {
  const router = f.router.connect(terminal);
  const token = tokenOf(f, intent);
  if (path === "permit") {
    const { args } = await signPaymentWithPermit(payer, f.router, token, intent);
    return () => router.payWithPermit(...args);
  }
  const { args } = await signPaymentWithAuthorization(payer, f.router, token, intent);
  return () => router.payWithAuthorization(...args);
}

/** Signs `intent` by `path` and submits it as `terminal` (default f.terminal): the transaction, for `expect`. */
export async function signAndPay(
  f: BusinessFixture,
  path: PaymentPath,
  payer: Signer,
  intent: PaymentIntent,
  terminal: Signer = f.terminal,
): Promise<ContractTransactionResponse> {
  return (await signPayment(f, path, payer, intent, terminal))();
}

/** Signs and submits `intent` by `path`, and waits for it. */
export async function pay(f: BusinessFixture, path: PaymentPath, payer: Signer, intent: PaymentIntent) {
  const receipt = await (await signAndPay(f, path, payer, intent)).wait();
  return receipt!;
}

/** The router's address, impersonated: the only caller LoyaltyProgram.credit accepts. */
export async function impersonateRouter(f: BusinessFixture): Promise<HardhatEthersSigner> {
  await impersonateAccount(f.business.router);
  await setBalance(f.business.router, ethers.parseEther("10"));
  return ethers.getSigner(f.business.router);
}

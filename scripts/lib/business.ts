/**
 * Point-of-sale payments: deploying the business contracts (MerchantRegistry, PaymentRouter and the LoyaltyProgram
 * the router deploys; and ProfitSharing, TradeEscrow and SupplyChainRegistry), the calls a community's governance makes to exempt them, and the EIP-712 signatures a payer
 * gives a terminal: the PaymentIntent (in the router's domain, read from its `eip712Domain()`), and the ERC-2612
 * permit or ERC-3009 ReceiveWithAuthorization (in the token's domain) that moves the KC part.
 * Plain ethers and TypeChain factories (no Hardhat), so that it serves scripts run by Hardhat and tests that talk to a
 * node over JSON-RPC.
 */
import { ethers, type Signer, type TypedDataField } from "ethers";
import {
  ComplianceRegistry__factory,
  LoyaltyProgram__factory,
  MerchantRegistry__factory,
  PaymentRouter__factory,
  ProfitSharing__factory,
  SupplyChainRegistry__factory,
  TradeEscrow__factory,
  type LoyaltyProgram,
  type MerchantRegistry,
  type PaymentRouter,
  type ProfitSharing,
  type SupplyChainRegistry,
  type TradeEscrow,
} from "../../typechain-types";
import { type DomainReporter, domainOf, randomNonce, signTransferAuthorization, signTyped } from "./signing";

// ---------------------------------------------------------------- deployment

/** The business contracts of a federation. */
export interface BusinessContracts {
  merchants: MerchantRegistry;
  router: PaymentRouter;
  /** Deployed by the router's constructor (`router.loyalty()`); only the router credits rewards. */
  loyalty: LoyaltyProgram;
  /** Revenue shared by a business with its people (on the MerchantRegistry). */
  profitSharing: ProfitSharing;
  /** Product batches, origin attestations, transport checkpoints and assessments (on the MerchantRegistry). */
  supplyChain: SupplyChainRegistry;
  /** B2B orders in escrow, cross-border through the bridge: deployed only when a BridgeRouter is given. */
  tradeEscrow?: TradeEscrow;
}

/**
 * Deploys the MerchantRegistry (on the federation at `federationAddress`, which tells it the communities' tokens) and
 * the PaymentRouter, which deploys its LoyaltyProgram; then ProfitSharing and SupplyChainRegistry on the registry,
 * and, given the bridge's router (`bridgeRouterAddress`), the TradeEscrow that exchanges cross-border orders through
 * it. Nothing is administered: the contracts have no owner. Each community must still make the router, the loyalty
 * program, the escrow and profit sharing exempt system accounts of its compliance registry (see {exemptionCalls}),
 * and name its arbiters and assessors (see {businessRoleCalls}), by its own governance.
 */
export async function deployBusiness(
  deployer: Signer,
  federationAddress: string,
  bridgeRouterAddress?: string,
): Promise<BusinessContracts> {
  const merchants = await new MerchantRegistry__factory(deployer).deploy(federationAddress);
  await merchants.waitForDeployment();
  const merchantsAddress = await merchants.getAddress();
  const router = await new PaymentRouter__factory(deployer).deploy(merchantsAddress);
  await router.waitForDeployment();
  const loyalty = LoyaltyProgram__factory.connect(await router.loyalty(), deployer);
  const profitSharing = await new ProfitSharing__factory(deployer).deploy(merchantsAddress);
  await profitSharing.waitForDeployment();
  const supplyChain = await new SupplyChainRegistry__factory(deployer).deploy(merchantsAddress);
  await supplyChain.waitForDeployment();
  let tradeEscrow: TradeEscrow | undefined;
  if (bridgeRouterAddress) {
    tradeEscrow = await new TradeEscrow__factory(deployer).deploy(bridgeRouterAddress);
    await tradeEscrow.waitForDeployment();
  }
  return { merchants, router, loyalty, profitSharing, supplyChain, tradeEscrow };
}

/**
 * The calls (for a proposal of the community's governance, whose timelock administers its registry) that make the
 * router and the loyalty program exempt system accounts of the compliance registry at `registryAddress`: the router
 * holds a payment's KC part for an instant (`payWithAuthorization`), the loyalty program sends rewards; and, when
 * given, the trade escrow (holds orders' funds) and profit sharing (holds revenue until claimed).
 */
export function exemptionCalls(
  registryAddress: string,
  contracts: { router: string; loyalty: string; tradeEscrow?: string; profitSharing?: string },
): { target: string; data: string; value: bigint }[] {
  const registry = ComplianceRegistry__factory.createInterface();
  const accounts = [contracts.router, contracts.loyalty, contracts.tradeEscrow, contracts.profitSharing];
  return accounts
    .filter((account): account is string => account !== undefined)
    .map((account) => ({
      target: registryAddress,
      data: registry.encodeFunctionData("setExempt", [account, true]),
      value: 0n,
    }));
}

/** TradeEscrow.ARBITER_ROLE: resolves disputes of orders paid to a seller of the community. */
export const ARBITER_ROLE = ethers.id("ARBITER_ROLE");
/** SupplyChainRegistry.ASSESSOR_ROLE: scores the community's product batches. */
export const ASSESSOR_ROLE = ethers.id("ASSESSOR_ROLE");

/**
 * The calls (for a proposal of the community's governance) that grant ARBITER_ROLE and ASSESSOR_ROLE of the
 * compliance registry at `registryAddress` to `arbiter` and `assessor`.
 */
export function businessRoleCalls(
  registryAddress: string,
  operators: { arbiter: string; assessor: string },
): { target: string; data: string; value: bigint }[] {
  const registry = ComplianceRegistry__factory.createInterface();
  return [
    [ARBITER_ROLE, operators.arbiter],
    [ASSESSOR_ROLE, operators.assessor],
  ].map(([role, account]) => ({
    target: registryAddress,
    data: registry.encodeFunctionData("grantRole", [role!, account!]),
    value: 0n,
  }));
}

// ---------------------------------------------------------------- identifiers

/** A merchant's invoice id: keccak256 of its own invoice reference (e.g. "INV-2024-0042"); no data on chain. */
export const invoiceIdOf = (reference: string) => ethers.id(reference);

/** The fiat processor's reference, hashed as the intent carries it (no processor data on chain). */
export const processorRefOf = (reference: string) => ethers.id(reference);

/** The router's key of `merchant`'s invoice `invoiceId` (`invoiceKeyOf`): what events and rewards are indexed by. */
export function invoiceKeyOf(merchant: string, invoiceId: string): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "bytes32"], [merchant, invoiceId]));
}

// ---------------------------------------------------------------- the payment intent

/** The PaymentIntent's EIP-712 type (PaymentRouter.PAYMENT_INTENT_TYPEHASH), for `signTypedData`. */
export const PAYMENT_INTENT_TYPES: Record<string, TypedDataField[]> = {
  PaymentIntent: [
    { name: "payer", type: "address" },
    { name: "merchant", type: "address" },
    { name: "token", type: "address" },
    { name: "invoiceId", type: "bytes32" },
    { name: "amount", type: "uint256" },
    { name: "fiatAmount", type: "uint256" },
    { name: "fiatCurrency", type: "string" },
    { name: "processorRef", type: "bytes32" },
    { name: "deadline", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
};

/** The type string the router hashes into PAYMENT_INTENT_TYPEHASH. */
export const PAYMENT_INTENT_TYPE = ethers.TypedDataEncoder.from(PAYMENT_INTENT_TYPES).encodeType("PaymentIntent");

/**
 * What a payer signs: pay `amount` (the KC part, 18 decimals) of `token` to `merchant` for its invoice `invoiceId`,
 * alongside a fiat part of `fiatAmount` in `fiatCurrency` (ISO 4217) settled by a processor under `processorRef`;
 * valid until `deadline` (a timestamp, inclusive); `nonce` is the payer's, used once (any unused value).
 */
export interface PaymentIntent {
  payer: string;
  merchant: string;
  token: string;
  invoiceId: string;
  amount: bigint;
  fiatAmount: bigint;
  fiatCurrency: string;
  processorRef: string;
  deadline: bigint;
  nonce: bigint;
}

/** A contract that reports its EIP-712 domain and has an address: the router, a token. */
export type SigningContract = DomainReporter & { getAddress(): Promise<string> };
/** A token that signs permits: it reports its domain and its permit nonces. */
export type PermitToken = SigningContract & { nonces(owner: string): Promise<bigint> };

/** `signer`'s EIP-712 signature of `intent` in the router's domain (read from its `eip712Domain()`). */
export async function signPaymentIntent(
  signer: Pick<Signer, "signTypedData">,
  router: DomainReporter,
  intent: PaymentIntent,
): Promise<string> {
  return signer.signTypedData(await domainOf(router), PAYMENT_INTENT_TYPES, { ...intent });
}

/** The digest the router checks for `intent` (its `intentDigest`), computed off chain. */
export async function paymentIntentDigest(router: DomainReporter, intent: PaymentIntent): Promise<string> {
  return ethers.TypedDataEncoder.hash(await domainOf(router), PAYMENT_INTENT_TYPES, { ...intent });
}

// ---------------------------------------------------------------- the KC part's signature

/** An ERC-2612 permit, as `payWithPermit` takes it after the intent and its signature. */
export interface PaymentPermit {
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/**
 * `signer`'s ERC-2612 permit letting the router (`spender`) move `value` of `token`, at the signer's current permit
 * nonce, valid until `deadline`.
 */
export async function signPaymentPermit(
  signer: Pick<Signer, "signTypedData" | "getAddress">,
  token: PermitToken,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<PaymentPermit> {
  const owner = await signer.getAddress();
  const message = { owner, spender, value, nonce: await token.nonces(owner), deadline };
  const { v, r, s } = await signTyped(signer, token, "Permit", message);
  return { deadline, v, r, s };
}

/** An ERC-3009 ReceiveWithAuthorization, as `payWithAuthorization` takes it after the intent and its signature. */
export interface PaymentAuthorization {
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
  v: number;
  r: string;
  s: string;
}

/**
 * `signer`'s ERC-3009 ReceiveWithAuthorization of `value` of `token` to the router at `routerAddress` (which alone may
 * submit it), valid strictly between `validAfter` and `validBefore`, under a random nonce unless given.
 */
export async function signPaymentAuthorization(
  signer: Pick<Signer, "signTypedData" | "getAddress">,
  token: DomainReporter,
  routerAddress: string,
  value: bigint,
  window: { validAfter: bigint; validBefore: bigint },
  nonce: string = randomNonce(),
): Promise<PaymentAuthorization> {
  const message = { from: await signer.getAddress(), to: routerAddress, value, ...window, nonce };
  const { v, r, s } = await signTransferAuthorization(signer, token, message, "ReceiveWithAuthorization");
  return { ...window, nonce, v, r, s };
}

// ---------------------------------------------------------------- a terminal's arguments

/** The arguments of `payWithPermit`. */
export function payWithPermitArgs(intent: PaymentIntent, signature: string, permit: PaymentPermit) {
  return [intent, signature, permit.deadline, permit.v, permit.r, permit.s] as const;
}

/** The arguments of `payWithAuthorization`. */
export function payWithAuthorizationArgs(intent: PaymentIntent, signature: string, auth: PaymentAuthorization) {
  return [intent, signature, auth.validAfter, auth.validBefore, auth.nonce, auth.v, auth.r, auth.s] as const;
}

/**
 * Everything a terminal submits for `intent` with `payWithPermit`: the payer signs the intent and a permit for its
 * amount to the router, valid until the intent's deadline.
 */
export async function signPaymentWithPermit(
  payer: Pick<Signer, "signTypedData" | "getAddress">,
  router: SigningContract,
  token: PermitToken,
  intent: PaymentIntent,
) {
  const signature = await signPaymentIntent(payer, router, intent);
  const permit = await signPaymentPermit(payer, token, await router.getAddress(), intent.amount, intent.deadline);
  return { signature, permit, args: payWithPermitArgs(intent, signature, permit) };
}

/**
 * Everything a terminal submits for `intent` with `payWithAuthorization`: the payer signs the intent and an ERC-3009
 * ReceiveWithAuthorization of its amount to the router, valid from `validAfter` (default 0) until just after the
 * intent's deadline.
 */
export async function signPaymentWithAuthorization(
  payer: Pick<Signer, "signTypedData" | "getAddress">,
  router: SigningContract,
  token: DomainReporter,
  intent: PaymentIntent,
  options: { validAfter?: bigint; nonce?: string } = {},
) {
  const signature = await signPaymentIntent(payer, router, intent);
  const window = { validAfter: options.validAfter ?? 0n, validBefore: intent.deadline + 1n };
  const auth = await signPaymentAuthorization(
    payer,
    token,
    await router.getAddress(),
    intent.amount,
    window,
    options.nonce,
  );
  return { signature, auth, args: payWithAuthorizationArgs(intent, signature, auth) };
}

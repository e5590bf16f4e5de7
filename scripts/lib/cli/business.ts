/**
 * The CLI's business and wallet commands: merchants (register, show), invoices (a PaymentIntent for a payer to sign
 * and an EIP-681-style request), the payer's wallet (pay, permit, transfer, can-transfer) and the point-of-sale
 * terminal (submit a signed payment), refunds. Every state is checked before a transaction is sent, as for votes.
 *
 * Files exchanged between merchant, payer and terminal are JSON (amounts as decimal strings of base units):
 * - an invoice ("kc-payment-intent"): the router, chain and PaymentIntent; its payer is zero until the payer's
 *   wallet fills it in;
 * - a signed payment ("kc-signed-payment"): the same with the payer, its signature of the intent and the permit or
 *   ERC-3009 authorization that moves the KC part; `terminal submit --intent` takes it whole;
 * - a permit ("kc-permit"): what `kc permit --out` writes and `terminal submit --permit` reads.
 */
import fs from "node:fs";
import path from "node:path";
import { ethers } from "ethers";
import type { PaymentIntent } from "../business";
import type { Deployment } from "../deployment";
import { EIP712_TYPES, typedDataDomain } from "../signing";
import { verdictName } from "../verdicts";
import type { MerchantRegistry } from "../../../typechain-types/contracts/business/MerchantRegistry";
import type { PaymentRouter } from "../../../typechain-types/contracts/business/PaymentRouter.sol/PaymentRouter";
import type { CommunityToken } from "../../../typechain-types/contracts/token/CommunityToken";
import { mined, send } from "./commands";
import { type Chain, communityGovernance, loadSigner, parseAddress, requireCode } from "./context";
import { UsageError, UserError } from "./errors";
import { formatAmount, isoTime, relative, type VoteUnits } from "./format";

const out = (line = "") => process.stdout.write(`${line}\n`);

/** MerchantRegistry.Status, by value. */
const MERCHANT_STATUS = ["None", "Pending", "Verified", "Suspended"];
const VERIFIED = 2n;

/** The PaymentIntent's EIP-712 type (PaymentRouter.PAYMENT_INTENT_TYPEHASH; scripts/lib/business.ts has the same). */
const PAYMENT_INTENT_TYPES: Record<string, ethers.TypedDataField[]> = {
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

export interface BusinessOptions {
  community?: string;
  category?: string;
  uri?: string;
  file?: string;
  amount?: string;
  fiat?: string;
  currency?: string;
  invoice?: string;
  deadline?: string;
  out?: string;
  intent?: string;
  signature?: string;
  permit?: string;
  authorization?: string;
  to?: string;
  from?: string;
  spender?: string;
  method?: string;
  submit?: boolean;
}

// ---------------------------------------------------------------- contracts

interface Business {
  merchants: MerchantRegistry;
  router: PaymentRouter;
  routerAddress: string;
}

const factories = {
  merchants: () => import("../../../typechain-types/factories/contracts/business/MerchantRegistry__factory"),
  router: () =>
    import("../../../typechain-types/factories/contracts/business/PaymentRouter.sol/PaymentRouter__factory"),
  token: () => import("../../../typechain-types/factories/contracts/token/CommunityToken__factory"),
};

/** The MerchantRegistry and the PaymentRouter of the deployment's `business` section. */
async function businessContracts(chain: Chain): Promise<Business> {
  const business = (chain.deployment as Partial<Deployment>).business;
  if (!business?.merchantRegistry?.address || !business?.paymentRouter?.address) {
    throw new UserError(
      `${chain.deploymentFile} has no business contracts (its "business" section): it was written by a deploy ` +
        "script without them (redeploy with the current scripts/deploy.ts)",
    );
  }
  await requireCode(chain, business.merchantRegistry.address, "the MerchantRegistry");
  await requireCode(chain, business.paymentRouter.address, "the PaymentRouter");
  const [{ MerchantRegistry__factory }, { PaymentRouter__factory }] = await Promise.all([
    factories.merchants(),
    factories.router(),
  ]);
  return {
    merchants: MerchantRegistry__factory.connect(business.merchantRegistry.address, chain.provider),
    router: PaymentRouter__factory.connect(business.paymentRouter.address, chain.provider),
    routerAddress: ethers.getAddress(business.paymentRouter.address),
  };
}

export interface TokenInfo {
  token: CommunityToken;
  address: string;
  /** The community id, or the token's symbol if the deployment does not know it. */
  label: string;
  units: VoteUnits;
  /** The community's fiat currency (ISO 4217), if the deployment knows it. */
  currency?: string;
}

/** The token of the community `id` (the deployment's, or one found in the CommunityRegistry). */
export async function communityToken(chain: Chain, id: string | undefined, command: string): Promise<TokenInfo> {
  const community = id ?? process.env.KC_COMMUNITY;
  if (!community) throw new UsageError(`${command} needs --community <id>; run kc --help for usage`);
  const gov = await communityGovernance(chain, community);
  const known = chain.deployment.communities?.find((c) => c.id === community);
  return {
    token: gov.token!,
    address: await gov.token!.getAddress(),
    label: community,
    units: gov.units,
    currency: known?.currency,
  };
}

/** The token at `address` (a merchant's community token). */
export async function tokenAt(chain: Chain, address: string): Promise<TokenInfo> {
  await requireCode(chain, address, "a community token");
  const { CommunityToken__factory } = await factories.token();
  const token = CommunityToken__factory.connect(address, chain.provider);
  const [decimals, symbol] = await Promise.all([token.decimals(), token.symbol()]);
  const known = chain.deployment.communities?.find((c) => c.token.toLowerCase() === address.toLowerCase());
  return {
    token,
    address: ethers.getAddress(address),
    label: known?.id ?? symbol,
    units: { decimals: Number(decimals), symbol },
    currency: known?.currency,
  };
}

// ---------------------------------------------------------------- arguments

/**
 * An amount in whole units with decimals ("12.5"), exactly (no rounding): a bad one is a usage error. Each command
 * checks its amounts with 18 decimals (every KC token's) before it connects, then parses them with the token's.
 */
export function parseAmount(text: string, decimals: number, what = "amount", allowZero = false): bigint {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new UsageError(`bad ${what} "${text}": give a number like 12 or 12.5`);
  }
  const fraction = trimmed.split(".")[1] ?? "";
  if (fraction.length > decimals) throw new UsageError(`bad ${what} "${text}": at most ${decimals} decimals`);
  const value = ethers.parseUnits(trimmed, decimals);
  if (value === 0n && !allowZero) throw new UsageError(`bad ${what} "${text}": it must be more than 0`);
  return value;
}

export function required<T>(value: T | undefined, usage: string): T {
  if (value === undefined || value === "") throw new UsageError(`${usage}; run kc --help for usage`);
  return value;
}

/** Minutes from the command line (a positive whole number). */
function parseMinutes(text: string | undefined, fallback: number, what: string): bigint {
  if (text === undefined) return BigInt(fallback);
  if (!/^[1-9]\d*$/.test(text.trim())) throw new UsageError(`bad ${what} "${text}": give whole minutes, e.g. 15`);
  return BigInt(text.trim());
}

/** A bytes32 given as 0x and 64 hex digits, else keccak256 of the text (a category name, an invoice reference). */
function bytes32Of(text: string): string {
  return /^0x[0-9a-fA-F]{64}$/.test(text) ? text.toLowerCase() : ethers.id(text);
}

export async function latestTime(chain: Chain): Promise<bigint> {
  return BigInt((await chain.provider.getBlock("latest"))?.timestamp ?? 0);
}

function writeJson(file: string, value: unknown): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  } catch (error) {
    throw new UserError(`cannot write ${file}: ${(error as Error).message}`);
  }
}

function readJson(file: string, what: string): Record<string, unknown> {
  if (!fs.existsSync(file)) throw new UserError(`no ${what} file at ${file}`);
  try {
    const value = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    if (!value || typeof value !== "object") throw new Error("not a JSON object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`${file} is not a ${what} file: ${(error as Error).message.split("\n")[0]}`);
  }
}

// ---------------------------------------------------------------- the files exchanged

/** The router's EIP-712 domain (as it reports it, EIP-5267). */
async function routerDomain(business: Business): Promise<ethers.TypedDataDomain> {
  return typedDataDomain(await business.router.eip712Domain());
}

function intentJson(intent: PaymentIntent): Record<string, string> {
  return {
    payer: intent.payer,
    merchant: intent.merchant,
    token: intent.token,
    invoiceId: intent.invoiceId,
    amount: intent.amount.toString(),
    fiatAmount: intent.fiatAmount.toString(),
    fiatCurrency: intent.fiatCurrency,
    processorRef: intent.processorRef,
    deadline: intent.deadline.toString(),
    nonce: intent.nonce.toString(),
  };
}

/** An intent from a file's `intent` object, checked field by field. */
function intentFrom(raw: unknown, file: string): PaymentIntent {
  const fail = (why: string): never => {
    throw new UserError(`${file} is not a payment intent file: ${why}`);
  };
  if (!raw || typeof raw !== "object") fail('no "intent" object');
  const o = raw as Record<string, unknown>;
  const address = (key: string) => {
    const v = o[key];
    if (typeof v !== "string" || !ethers.isAddress(v)) return fail(`"${key}" is not an address`);
    return ethers.getAddress(v as string);
  };
  const bytes32 = (key: string) => {
    const v = o[key];
    if (typeof v !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(v)) return fail(`"${key}" is not 32 bytes in hex`);
    return (v as string).toLowerCase();
  };
  const uint = (key: string) => {
    const v = o[key];
    if (typeof v !== "string" || !/^\d+$/.test(v)) return fail(`"${key}" is not a whole number (a decimal string)`);
    return BigInt(v as string);
  };
  const currency = o.fiatCurrency;
  if (typeof currency !== "string") fail('"fiatCurrency" is missing');
  return {
    payer: address("payer"),
    merchant: address("merchant"),
    token: address("token"),
    invoiceId: bytes32("invoiceId"),
    amount: uint("amount"),
    fiatAmount: uint("fiatAmount"),
    fiatCurrency: currency as string,
    processorRef: bytes32("processorRef"),
    deadline: uint("deadline"),
    nonce: uint("nonce"),
  };
}

interface PaymentFile {
  file: string;
  raw: Record<string, unknown>;
  intent: PaymentIntent;
  reference?: string;
}

/** Reads an invoice or signed-payment file and checks it is for this chain and this deployment's router. */
function readPaymentFile(chain: Chain, business: Business, file: string): PaymentFile {
  const raw = readJson(file, "payment intent");
  const intent = intentFrom(raw.intent, file);
  const chainId = chain.chainId;
  if (raw.chainId !== undefined && Number(raw.chainId) !== chainId) {
    throw new UserError(`${file} is for chain ${String(raw.chainId)}, but the node is chain ${chainId}`);
  }
  if (typeof raw.router === "string" && raw.router.toLowerCase() !== business.routerAddress.toLowerCase()) {
    throw new UserError(
      `${file} is for the payment router ${raw.router}, not this deployment's (${business.routerAddress})`,
    );
  }
  return { file, raw, intent, reference: typeof raw.reference === "string" ? raw.reference : undefined };
}

interface PermitSig {
  deadline: bigint;
  v: number;
  r: string;
  s: string;
  value?: bigint;
  spender?: string;
}

interface AuthorizationSig {
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
  v: number;
  r: string;
  s: string;
}

function sigFrom(raw: unknown, fields: string[], file: string, what: string): Record<string, unknown> {
  const fail = (why: string): never => {
    throw new UserError(`${file} has no valid ${what}: ${why}`);
  };
  if (!raw || typeof raw !== "object") fail("missing");
  const o = raw as Record<string, unknown>;
  for (const field of fields) if (o[field] === undefined) fail(`"${field}" is missing`);
  if (!/^0x[0-9a-fA-F]{64}$/.test(String(o.r)) || !/^0x[0-9a-fA-F]{64}$/.test(String(o.s))) fail("bad r or s");
  if (![27, 28].includes(Number(o.v))) fail("v is not 27 or 28");
  for (const field of fields.filter((f) => !["v", "r", "s", "nonce"].includes(f))) {
    if (!/^\d+$/.test(String(o[field]))) fail(`"${field}" is not a whole number`);
  }
  return o;
}

function permitFrom(raw: unknown, file: string): PermitSig {
  const o = sigFrom(raw, ["deadline", "v", "r", "s"], file, "permit");
  return {
    deadline: BigInt(String(o.deadline)),
    v: Number(o.v),
    r: String(o.r),
    s: String(o.s),
    value: o.value !== undefined ? BigInt(String(o.value)) : undefined,
    spender: typeof o.spender === "string" ? o.spender : undefined,
  };
}

function authorizationFrom(raw: unknown, file: string): AuthorizationSig {
  const o = sigFrom(raw, ["validAfter", "validBefore", "nonce", "v", "r", "s"], file, "authorization");
  if (!/^0x[0-9a-fA-F]{64}$/.test(String(o.nonce))) {
    throw new UserError(`${file} has no valid authorization: its nonce is not 32 bytes in hex`);
  }
  return {
    validAfter: BigInt(String(o.validAfter)),
    validBefore: BigInt(String(o.validBefore)),
    nonce: String(o.nonce),
    v: Number(o.v),
    r: String(o.r),
    s: String(o.s),
  };
}

const sigJson = (sig: object) =>
  Object.fromEntries(Object.entries(sig).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));

// ---------------------------------------------------------------- checks shared by pay and submit

/** Fails unless `merchant` is verified in the token's community. */
async function requireActiveMerchant(business: Business, merchant: string, token: string): Promise<void> {
  if (await business.merchants.isActive(merchant, token)) return;
  const record = await business.merchants.merchantOf(merchant);
  const status = MERCHANT_STATUS[Number(record.status)] ?? String(record.status);
  if (record.status === 0n) throw new UserError(`${merchant} is not a registered merchant`);
  if (record.status === VERIFIED) {
    throw new UserError(`merchant ${merchant} is verified for the token ${record.token}, not ${token}`);
  }
  throw new UserError(`merchant ${merchant} is ${status}, not Verified: it cannot be paid through the router`);
}

/** Fails if the merchant's invoice is paid already. */
async function requireUnpaid(business: Business, t: TokenInfo, merchant: string, invoiceId: string): Promise<void> {
  const paid = await business.router.paymentOf(merchant, invoiceId);
  if (paid.payer !== ethers.ZeroAddress) {
    throw new UserError(
      `invoice ${invoiceId} of merchant ${merchant} is already paid (${formatAmount(paid.amount, t.units)} by ` +
        `${paid.payer})`,
    );
  }
}

async function requireNotExpired(chain: Chain, deadline: bigint, what: string): Promise<void> {
  const now = await latestTime(chain);
  if (now >= deadline) throw new UserError(`${what} expired at ${isoTime(deadline)} (${relative(deadline, now)})`);
}

/** Fails unless `from` holds `amount` and the compliance registry allows the transfer (the verdict named). */
export async function requireTransferable(t: TokenInfo, from: string, to: string, amount: bigint, what: string) {
  const held = await t.token.balanceOf(from);
  if (held < amount) {
    throw new UserError(
      `${what}: ${from} holds ${formatAmount(held, t.units)}, less than ${formatAmount(amount, t.units)}`,
    );
  }
  const [allowed, verdict] = await t.token.canTransfer(from, to, amount);
  if (!allowed) {
    throw new UserError(
      `${what}: ${t.label}'s compliance registry refuses a transfer of ${formatAmount(amount, t.units)} from ` +
        `${from} to ${to}: ${verdictName(verdict)}`,
    );
  }
}

// ---------------------------------------------------------------- merchant

/** `merchant register --community <id> --category <name|bytes32> --uri <uri> [--file <path>]`. */
export async function merchantRegister(chain: Chain, options: BusinessOptions): Promise<void> {
  const category = required(options.category, "merchant register needs --category <name>");
  const uri = required(options.uri, "merchant register needs --uri <metadata uri>");
  let metadataHash = ethers.ZeroHash;
  if (options.file !== undefined) {
    if (!fs.existsSync(options.file)) throw new UserError(`no metadata file at ${options.file} (--file)`);
    metadataHash = ethers.keccak256(fs.readFileSync(options.file));
  }
  const business = await businessContracts(chain);
  const t = await communityToken(chain, options.community, "merchant register");
  const signer = await loadSigner(chain.provider);
  const record = await business.merchants.merchantOf(signer.address);
  if (record.status !== 0n) {
    throw new UserError(
      `${signer.address} is registered already (${MERCHANT_STATUS[Number(record.status)]}, token ${record.token})`,
    );
  }
  const categoryHash = bytes32Of(category);
  const receipt = await send(signer.address, "registering the merchant", () =>
    business.merchants.connect(signer).register(t.address, categoryHash, uri, metadataHash),
  );
  out(`registered ${signer.address} as a merchant of ${t.label} (${t.units.symbol}): Pending verification`);
  out(`  category       ${categoryHash}${categoryHash === category.toLowerCase() ? "" : ` (keccak256 "${category}")`}`);
  out(`  metadata       ${uri}`);
  out(`  metadata hash  ${metadataHash}${options.file ? ` (keccak256 of ${options.file})` : " (none: no --file)"}`);
  out(`  next: KYC tier 2 in ${t.label}, then its verifier verifies the merchant`);
  out(`  ${mined(receipt)}`);
}

/** `merchant show [address]`. */
export async function merchantShow(chain: Chain, addressText: string | undefined): Promise<void> {
  const business = await businessContracts(chain);
  const address =
    addressText === undefined || addressText.toLowerCase() === "self"
      ? (await loadSigner(chain.provider)).address
      : parseAddress(addressText, "merchant address");
  const record = await business.merchants.merchantOf(address);
  if (record.status === 0n) throw new UserError(`${address} is not a registered merchant`);
  const t = await tokenAt(chain, record.token);
  const { ComplianceRegistry__factory } =
    await import("../../../typechain-types/factories/contracts/compliance/ComplianceRegistry__factory");
  const registry = ComplianceRegistry__factory.connect(await t.token.complianceRegistry(), chain.provider);
  const [tier, active, held] = await Promise.all([
    registry.tierOf(address),
    business.merchants.isActive(address, record.token),
    t.token.balanceOf(address),
  ]);
  out(`merchant ${address}`);
  out(`  status         ${MERCHANT_STATUS[Number(record.status)]}${active ? " (can be paid)" : ""}`);
  out(`  community      ${t.label} (token ${t.address})`);
  out(`  KYC tier       ${tier}`);
  out(`  category       ${record.category}`);
  out(`  metadata       ${record.metadataURI}`);
  out(`  metadata hash  ${record.metadataHash}`);
  out(`  registered     ${isoTime(record.registeredAt)}`);
  out(`  balance        ${formatAmount(held, t.units)}`);
}

// ---------------------------------------------------------------- invoice

/** `invoice create --amount <KC> [--fiat <amount> --currency <ISO>] [--invoice <id>] [--deadline <minutes>] [--out]`. */
export async function invoiceCreate(chain: Chain, options: BusinessOptions): Promise<void> {
  const amountText = required(options.amount, "invoice create needs --amount <KC>");
  parseAmount(amountText, 18);
  if (options.fiat !== undefined) parseAmount(options.fiat, 18, "fiat amount", true);
  if (options.currency !== undefined && !/^[A-Z]{3}$/.test(options.currency)) {
    throw new UsageError(`bad currency "${options.currency}": an ISO 4217 code in capitals, e.g. USD`);
  }
  if (options.currency !== undefined && options.fiat === undefined) {
    throw new UsageError("--currency goes with --fiat <amount>");
  }
  const minutes = parseMinutes(options.deadline, 15, "deadline");
  const business = await businessContracts(chain);
  const signer = await loadSigner(chain.provider);
  const record = await business.merchants.merchantOf(signer.address);
  if (record.status === 0n) {
    throw new UserError(`${signer.address} is not a registered merchant (kc merchant register --community <id> ...)`);
  }
  await requireActiveMerchant(business, signer.address, record.token);
  const t = await tokenAt(chain, record.token);
  const amount = parseAmount(amountText, t.units.decimals);
  const fiatAmount = options.fiat === undefined ? 0n : parseAmount(options.fiat, 18, "fiat amount", true);
  const currency = options.currency ?? t.currency ?? "USD";
  const reference = options.invoice ?? `INV-${Date.now()}-${ethers.hexlify(ethers.randomBytes(3)).slice(2)}`;
  const invoiceId = bytes32Of(reference);
  await requireUnpaid(business, t, signer.address, invoiceId);
  const deadline = (await latestTime(chain)) + minutes * 60n;
  const intent: PaymentIntent = {
    payer: ethers.ZeroAddress,
    merchant: signer.address,
    token: t.address,
    invoiceId,
    amount,
    fiatAmount,
    fiatCurrency: currency,
    processorRef: ethers.ZeroHash,
    deadline,
    nonce: BigInt(ethers.hexlify(ethers.randomBytes(32))),
  };
  const chainId = chain.chainId;
  const request = `ethereum:${t.address}@${chainId}/transfer?address=${signer.address}&uint256=${amount}`;
  const payload = {
    kind: "kc-payment-intent",
    chainId,
    router: business.routerAddress,
    community: t.label,
    symbol: t.units.symbol,
    decimals: t.units.decimals,
    reference,
    request,
    domain: { ...(await routerDomain(business)), chainId },
    types: PAYMENT_INTENT_TYPES,
    intent: intentJson(intent),
  };
  out(`invoice ${reference} of ${signer.address} (${t.label})`);
  out(`  invoice id  ${invoiceId}${reference === invoiceId ? "" : ` (keccak256 "${reference}")`}`);
  out(
    `  amount      ${formatAmount(amount, t.units)}` +
      (fiatAmount ? ` + ${ethers.formatUnits(fiatAmount, 18)} ${currency} in fiat` : ""),
  );
  out(`  deadline    ${isoTime(deadline)} (in ${minutes} min)`);
  out(`  request     ${request}&invoice=${invoiceId}`);
  if (options.out) {
    writeJson(options.out, payload);
    out(`  intent      written to ${options.out}: the payer signs it (kc pay --intent ${options.out})`);
  } else {
    out("  intent (the payer signs it: save it to a file and run kc pay --intent <file>)");
    out(JSON.stringify(payload, null, 2));
  }
}

// ---------------------------------------------------------------- pay (the payer's wallet)

async function signPermit(
  signer: ethers.Wallet,
  t: TokenInfo,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<PermitSig & { owner: string; nonce: bigint; spender: string; value: bigint }> {
  const nonce = await t.token.nonces(signer.address);
  const domain = typedDataDomain(await t.token.eip712Domain());
  const message = { owner: signer.address, spender, value, nonce, deadline };
  const { v, r, s } = ethers.Signature.from(await signer.signTypedData(domain, EIP712_TYPES.Permit, message));
  return { owner: signer.address, spender, value, nonce, deadline, v, r, s };
}

/** `pay --intent <file> [--method permit|authorization] [--out <file>] [--submit]`. */
export async function pay(chain: Chain, options: BusinessOptions): Promise<void> {
  const intentFile = required(options.intent, "pay needs --intent <file>");
  const method = options.method ?? "permit";
  if (method !== "permit" && method !== "authorization") {
    throw new UsageError(`bad --method "${method}": give permit or authorization`);
  }
  if (!options.out && !options.submit) throw new UsageError("pay needs --out <file> (for a terminal) or --submit");
  const business = await businessContracts(chain);
  const signer = await loadSigner(chain.provider);
  const { raw, intent, reference } = readPaymentFile(chain, business, intentFile);
  if (intent.payer === ethers.ZeroAddress) intent.payer = signer.address;
  if (intent.payer !== signer.address) {
    throw new UserError(`${intentFile} is to be paid by ${intent.payer}, not by the signer ${signer.address}`);
  }
  const t = await tokenAt(chain, intent.token);
  const name = `invoice ${reference ?? intent.invoiceId}`;
  await requireNotExpired(chain, intent.deadline, `${name}'s payment intent`);
  await requireActiveMerchant(business, intent.merchant, intent.token);
  await requireUnpaid(business, t, intent.merchant, intent.invoiceId);
  if (await business.router.nonceUsed(signer.address, intent.nonce)) {
    throw new UserError(`${name}: ${signer.address} used the intent's nonce already (ask for a fresh invoice)`);
  }
  const to = method === "permit" ? intent.merchant : business.routerAddress;
  await requireTransferable(t, signer.address, to, intent.amount, `paying ${name}`);

  const signature = await signer.signTypedData(
    await routerDomain(business),
    PAYMENT_INTENT_TYPES,
    intent as unknown as Record<string, unknown>,
  );
  let permit: PermitSig | undefined;
  let authorization: AuthorizationSig | undefined;
  if (method === "permit") {
    permit = await signPermit(signer, t, business.routerAddress, intent.amount, intent.deadline);
  } else {
    const nonce = ethers.hexlify(ethers.randomBytes(32));
    const message = {
      from: signer.address,
      to: business.routerAddress,
      value: intent.amount,
      validAfter: 0n,
      validBefore: intent.deadline + 1n,
      nonce,
    };
    const domain = typedDataDomain(await t.token.eip712Domain());
    const sig = ethers.Signature.from(
      await signer.signTypedData(domain, EIP712_TYPES.ReceiveWithAuthorization, message),
    );
    authorization = { validAfter: 0n, validBefore: intent.deadline + 1n, nonce, v: sig.v, r: sig.r, s: sig.s };
  }
  const bundle = {
    ...raw,
    kind: "kc-signed-payment",
    intent: intentJson(intent),
    signature,
    method,
    ...(permit ? { permit: sigJson(permit) } : { authorization: sigJson(authorization!) }),
  };
  out(`signed ${name}: ${formatAmount(intent.amount, t.units)} from ${signer.address} to ${intent.merchant}`);
  out(`  method     ${method === "permit" ? "ERC-2612 permit to the router" : "ERC-3009 authorization to the router"}`);
  if (options.out) {
    writeJson(options.out, bundle);
    out(`  written to ${options.out}: the terminal submits it (kc terminal submit --intent ${options.out})`);
  }
  if (options.submit) {
    await submitPayment(chain, business, signer, t, intent, signature, { permit, authorization }, name);
  }
}

// ---------------------------------------------------------------- terminal

async function submitPayment(
  chain: Chain,
  business: Business,
  submitter: ethers.Wallet,
  t: TokenInfo,
  intent: PaymentIntent,
  signature: string,
  proof: { permit?: PermitSig; authorization?: AuthorizationSig },
  name: string,
): Promise<void> {
  const router = business.router.connect(submitter);
  const receipt = await send(submitter.address, `paying ${name}`, () =>
    proof.permit
      ? router.payWithPermit(intent, signature, proof.permit.deadline, proof.permit.v, proof.permit.r, proof.permit.s)
      : router.payWithAuthorization(
          intent,
          signature,
          proof.authorization!.validAfter,
          proof.authorization!.validBefore,
          proof.authorization!.nonce,
          proof.authorization!.v,
          proof.authorization!.r,
          proof.authorization!.s,
        ),
  );
  let reward = 0n;
  for (const log of receipt.logs) {
    try {
      const parsed = business.router.interface.parseLog(log);
      if (parsed?.name === "PaymentSettled") reward = parsed.args.reward as bigint;
    } catch {
      // another contract's event
    }
  }
  out(
    `paid ${name}: ${formatAmount(intent.amount, t.units)} from ${intent.payer} to ${intent.merchant}` +
      (intent.fiatAmount ? ` (+ ${ethers.formatUnits(intent.fiatAmount, 18)} ${intent.fiatCurrency} in fiat)` : "") +
      (reward ? `, loyalty reward ${formatAmount(reward, t.units)}` : ""),
  );
  out(`  submitted by ${submitter.address}; ${mined(receipt)}`);
}

/** `terminal submit --intent <file> [--signature <hex>] [--permit <file> | --authorization <file>]`. */
export async function terminalSubmit(chain: Chain, options: BusinessOptions): Promise<void> {
  const intentFile = required(options.intent, "terminal submit needs --intent <file>");
  if (options.permit && options.authorization) throw new UsageError("give --permit or --authorization, not both");
  if (options.signature !== undefined && !/^0x[0-9a-fA-F]{130}$/.test(options.signature)) {
    throw new UsageError(`bad --signature "${options.signature}": 65 bytes in hex (0x and 130 digits)`);
  }
  const business = await businessContracts(chain);
  const signer = await loadSigner(chain.provider);
  const { raw, intent, reference } = readPaymentFile(chain, business, intentFile);
  const signature = options.signature ?? (typeof raw.signature === "string" ? raw.signature : undefined);
  if (!signature) throw new UsageError(`${intentFile} holds no signature: give --signature <hex>`);
  let permit: PermitSig | undefined;
  let authorization: AuthorizationSig | undefined;
  if (options.permit) {
    const file = readJson(options.permit, "permit");
    permit = permitFrom(file.permit ?? file, options.permit);
  } else if (options.authorization) {
    const file = readJson(options.authorization, "authorization");
    authorization = authorizationFrom(file.authorization ?? file, options.authorization);
  } else if (raw.permit) {
    permit = permitFrom(raw.permit, intentFile);
  } else if (raw.authorization) {
    authorization = authorizationFrom(raw.authorization, intentFile);
  } else {
    throw new UsageError(`${intentFile} holds no permit or authorization: give --permit <file> or --authorization`);
  }
  if (intent.payer === ethers.ZeroAddress) {
    throw new UserError(`${intentFile} has no payer: it is an unsigned invoice (the payer runs kc pay first)`);
  }
  const t = await tokenAt(chain, intent.token);
  const name = `invoice ${reference ?? intent.invoiceId}`;
  await requireNotExpired(chain, intent.deadline, `${name}'s payment intent`);
  await requireActiveMerchant(business, intent.merchant, intent.token);
  await requireUnpaid(business, t, intent.merchant, intent.invoiceId);
  let signedBy: string;
  try {
    signedBy = ethers.verifyTypedData(
      await routerDomain(business),
      PAYMENT_INTENT_TYPES,
      intent as unknown as Record<string, unknown>,
      signature,
    );
  } catch {
    throw new UserError(`${name}: the signature is not a valid signature`);
  }
  if (signedBy !== intent.payer) {
    throw new UserError(`${name}: the intent is signed by ${signedBy}, not by its payer ${intent.payer}`);
  }
  if (await business.router.nonceUsed(intent.payer, intent.nonce)) {
    throw new UserError(`${name}: the payer ${intent.payer} used the intent's nonce already`);
  }
  if (permit) {
    if (permit.value !== undefined && permit.value < intent.amount) {
      throw new UserError(`${name}: the permit is for ${formatAmount(permit.value, t.units)}, less than the amount`);
    }
    if (permit.spender !== undefined && permit.spender.toLowerCase() !== business.routerAddress.toLowerCase()) {
      throw new UserError(`${name}: the permit is for the spender ${permit.spender}, not the router`);
    }
    const allowance = await t.token.allowance(intent.payer, business.routerAddress);
    if (allowance < intent.amount) await requireNotExpired(chain, permit.deadline, `${name}'s permit`);
  } else {
    const used = await t.token.authorizationState(intent.payer, authorization!.nonce);
    if (used) throw new UserError(`${name}: the payer's authorization was used already`);
    await requireNotExpired(chain, authorization!.validBefore, `${name}'s authorization`);
  }
  const to = permit ? intent.merchant : business.routerAddress;
  await requireTransferable(t, intent.payer, to, intent.amount, `paying ${name}`);
  await submitPayment(chain, business, signer, t, intent, signature, { permit, authorization }, name);
}

// ---------------------------------------------------------------- refund

/** `refund --invoice <id> --amount <KC>`: the signer (the merchant) refunds its invoice's payer. */
export async function refund(chain: Chain, options: BusinessOptions): Promise<void> {
  const reference = required(options.invoice, "refund needs --invoice <id>");
  const amountText = required(options.amount, "refund needs --amount <KC>");
  parseAmount(amountText, 18);
  const business = await businessContracts(chain);
  const signer = await loadSigner(chain.provider);
  const invoiceId = bytes32Of(reference);
  const payment = await business.router.paymentOf(signer.address, invoiceId);
  if (payment.payer === ethers.ZeroAddress) {
    throw new UserError(`no payment of invoice ${reference} to ${signer.address}: nothing to refund`);
  }
  const t = await tokenAt(chain, payment.token);
  const amount = parseAmount(amountText, t.units.decimals);
  const refundable = payment.amount - payment.refunded;
  if (amount > refundable) {
    throw new UserError(
      `invoice ${reference}: ${formatAmount(amount, t.units)} is more than the refundable ` +
        `${formatAmount(refundable, t.units)} (paid ${formatAmount(payment.amount, t.units)}, refunded ` +
        `${formatAmount(payment.refunded, t.units)})`,
    );
  }
  await requireTransferable(t, signer.address, payment.payer, amount, `refunding invoice ${reference}`);
  const allowance = await t.token.allowance(signer.address, business.routerAddress);
  if (allowance < amount) {
    const approved = await send(signer.address, "approving the router", () =>
      t.token.connect(signer).approve(business.routerAddress, amount),
    );
    out(`approved the payment router for ${formatAmount(amount, t.units)}; ${mined(approved)}`);
  }
  const receipt = await send(signer.address, `refunding invoice ${reference}`, () =>
    business.router.connect(signer).refund(invoiceId, amount),
  );
  out(
    `refunded ${formatAmount(amount, t.units)} of invoice ${reference} to ${payment.payer} ` +
      `(refunded in all ${formatAmount(payment.refunded + amount, t.units)} of ${formatAmount(payment.amount, t.units)})`,
  );
  out(`  ${mined(receipt)}`);
}

// ---------------------------------------------------------------- wallet

/** `can-transfer --to <address> --amount <KC> [--from <address>] [--community <id>]`: the compliance verdict. */
export async function canTransfer(chain: Chain, options: BusinessOptions): Promise<void> {
  const toText = required(options.to, "can-transfer needs --to <address>");
  const amountText = required(options.amount, "can-transfer needs --amount <KC>");
  parseAmount(amountText, 18, "amount", true);
  const to = parseAddress(toText, "recipient address");
  const t = await communityToken(chain, options.community, "can-transfer");
  const amount = parseAmount(amountText, t.units.decimals, "amount", true);
  const from =
    options.from !== undefined
      ? parseAddress(options.from, "sender address")
      : (await loadSigner(chain.provider)).address;
  const [allowed, verdict] = await t.token.canTransfer(from, to, amount);
  out(`${verdictName(verdict)}`);
  out(
    `  ${formatAmount(amount, t.units)} from ${from} to ${to}: ${allowed ? "allowed" : "refused"} by ${t.label}'s ` +
      "compliance registry",
  );
}

/** `transfer --to <address> --amount <KC> [--community <id>]`. */
export async function transfer(chain: Chain, options: BusinessOptions): Promise<void> {
  const to = parseAddress(required(options.to, "transfer needs --to <address>"), "recipient address");
  const amountText = required(options.amount, "transfer needs --amount <KC>");
  parseAmount(amountText, 18);
  const t = await communityToken(chain, options.community, "transfer");
  const amount = parseAmount(amountText, t.units.decimals);
  const signer = await loadSigner(chain.provider);
  await requireTransferable(t, signer.address, to, amount, "transfer");
  const receipt = await send(signer.address, "transfer", () => t.token.connect(signer).transfer(to, amount));
  out(`transferred ${formatAmount(amount, t.units)} from ${signer.address} to ${to}`);
  out(`  ${mined(receipt)}`);
}

/** `permit --spender <address> --amount <KC> [--deadline <minutes>] [--out <file>] [--submit]`. */
export async function permit(chain: Chain, options: BusinessOptions): Promise<void> {
  const spender = parseAddress(required(options.spender, "permit needs --spender <address>"), "spender address");
  const amountText = required(options.amount, "permit needs --amount <KC>");
  parseAmount(amountText, 18, "amount", true);
  const minutes = parseMinutes(options.deadline, 60, "deadline");
  const t = await communityToken(chain, options.community, "permit");
  const amount = parseAmount(amountText, t.units.decimals, "amount", true);
  const signer = await loadSigner(chain.provider);
  const deadline = (await latestTime(chain)) + minutes * 60n;
  const signed = await signPermit(signer, t, spender, amount, deadline);
  const payload = { kind: "kc-permit", token: t.address, community: t.label, ...sigJson(signed) };
  out(`permit: ${spender} may spend ${formatAmount(amount, t.units)} of ${signer.address} until ${isoTime(deadline)}`);
  if (options.out) {
    writeJson(options.out, payload);
    out(`  written to ${options.out}`);
  } else if (!options.submit) {
    out(JSON.stringify(payload, null, 2));
  }
  if (options.submit) {
    const receipt = await send(signer.address, "submitting the permit", () =>
      t.token.connect(signer).permit(signer.address, spender, amount, deadline, signed.v, signed.r, signed.s),
    );
    out(`  submitted: allowance now ${formatAmount(await t.token.allowance(signer.address, spender), t.units)}`);
    out(`  ${mined(receipt)}`);
  }
}

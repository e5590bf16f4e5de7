/**
 * The CLI's trade-escrow and profit-sharing commands (contracts/business/TradeEscrow.sol, ProfitSharing.sol).
 *
 * escrow: the buyer opens and funds an order (approving the escrow if needed), the seller marks it delivered, the
 * buyer releases it; either side disputes it while its counterpart has no timeout right yet, and an arbiter of the
 * seller's community resolves it with a split; after the delivery deadline the buyer may refund an undelivered
 * order, after the release deadline the seller may claim a delivered one. A cross-border order is paid in the
 * buyer's community token and settled in the seller's through the BridgeRouter, along [tokenIn, tokenOut], for at
 * least a floor (`minOut`) fixed at opening: by default the router's quote less --slippage-bps.
 *
 * Every command checks the order's state, the signer's part and the deadlines before it sends anything, and says in
 * one line what is wrong and what is possible instead. The contracts' addresses come from the deployment's
 * `business.tradeEscrow` and `business.profitSharing`, or from KC_TRADE_ESCROW and KC_PROFIT_SHARING.
 */
import fs from "node:fs";
import { ethers } from "ethers";
import type { TradeEscrow } from "../../../typechain-types/contracts/business/TradeEscrow";
import type { ProfitSharing } from "../../../typechain-types/contracts/business/ProfitSharing";
import { verdictName } from "../verdicts";
import {
  type BusinessOptions,
  communityToken,
  latestTime,
  parseAmount,
  required,
  requireTransferable,
  type TokenInfo,
  tokenAt,
} from "./business";
import { mined, send } from "./commands";
import { type Chain, loadSigner, parseAddress, requireCode } from "./context";
import { UsageError, UserError } from "./errors";
import { formatAmount, isoTime, relative } from "./format";

const out = (line = "") => process.stdout.write(`${line}\n`);

export interface EscrowOptions extends BusinessOptions {
  seller?: string;
  "seller-community"?: string;
  terms?: string;
  delivery?: string;
  release?: string;
  "min-out"?: string;
  "slippage-bps"?: string;
  proof?: string;
  reason?: string;
  buyer?: string;
  business?: string;
}

/** TradeEscrow.State, by value. */
export const ORDER_STATES = [
  "None",
  "Funded",
  "Delivered",
  "Disputed",
  "Released",
  "Resolved",
  "Refunded",
  "Claimed",
] as const;
type StateName = (typeof ORDER_STATES)[number];

const HOUR = 3600n;
const DEFAULT_DELIVERY_HOURS = 168;
const DEFAULT_RELEASE_HOURS = 168;
const DEFAULT_SLIPPAGE_BPS = 100n;

// ---------------------------------------------------------------- contracts

/** A business contract's address: the env override, else the deployment's `business.<field>`. */
function businessAddress(chain: Chain, field: "tradeEscrow" | "profitSharing", env: string, name: string): string {
  const fromEnv = process.env[env];
  if (fromEnv) return parseAddress(fromEnv, `${name} address (${env})`);
  const business = (chain.deployment as { business?: Record<string, { address?: string } | undefined> }).business;
  const address = business?.[field]?.address;
  if (!address) {
    throw new UserError(
      `${chain.deploymentFile} has no ${name} (business.${field}): redeploy with the current scripts/deploy.ts, ` +
        `or set ${env} to its address`,
    );
  }
  return ethers.getAddress(address);
}

interface Escrow {
  escrow: TradeEscrow;
  address: string;
}

async function escrowContract(chain: Chain): Promise<Escrow> {
  const address = businessAddress(chain, "tradeEscrow", "KC_TRADE_ESCROW", "TradeEscrow");
  await requireCode(chain, address, "the TradeEscrow");
  const { TradeEscrow__factory } =
    await import("../../../typechain-types/factories/contracts/business/TradeEscrow__factory");
  return { escrow: TradeEscrow__factory.connect(address, chain.provider), address };
}

async function registryOf(chain: Chain, t: TokenInfo) {
  const { ComplianceRegistry__factory } =
    await import("../../../typechain-types/factories/contracts/compliance/ComplianceRegistry__factory");
  return ComplianceRegistry__factory.connect(await t.token.complianceRegistry(), chain.provider);
}

async function bridgeRouter(chain: Chain, e: Escrow) {
  const { BridgeRouter__factory } =
    await import("../../../typechain-types/factories/contracts/bridge/BridgeRouter__factory");
  return BridgeRouter__factory.connect(await e.escrow.router(), chain.provider);
}

/** Fails unless `account` is an exempt system account of `t`'s community (the escrow must be, to hold its token). */
async function requireExempt(chain: Chain, t: TokenInfo, account: string, name: string): Promise<void> {
  const registry = await registryOf(chain, t);
  if (!(await registry.isExempt(account))) {
    throw new UserError(
      `the ${name} ${account} is not an exempt system account of ${t.label}'s compliance registry: ${t.label}'s ` +
        "governance must exempt it (setExempt) first",
    );
  }
}

/** Fails unless the compliance registry lets the escrow pay `amount` to `to` (a frozen or sanctioned party...). */
async function requirePayable(t: TokenInfo, from: string, to: string, amount: bigint, what: string): Promise<void> {
  if (amount === 0n) return;
  const [allowed, verdict] = await t.token.canTransfer(from, to, amount);
  if (!allowed) {
    throw new UserError(
      `${what}: ${t.label}'s compliance registry refuses a transfer of ${formatAmount(amount, t.units)} to ${to}: ` +
        verdictName(verdict),
    );
  }
}

// ---------------------------------------------------------------- arguments

function parseOrderId(text: string): bigint {
  if (!/^[1-9]\d*$/.test(text.trim())) throw new UsageError(`bad order id "${text}": give a number like 3`);
  return BigInt(text.trim());
}

function parseHours(text: string | undefined, fallback: number, what: string): bigint {
  if (text === undefined) return BigInt(fallback);
  if (!/^[1-9]\d*$/.test(text.trim())) throw new UsageError(`bad ${what} "${text}": give whole hours, e.g. 48`);
  return BigInt(text.trim());
}

function parseBps(text: string | undefined): bigint {
  if (text === undefined) return DEFAULT_SLIPPAGE_BPS;
  if (!/^\d+$/.test(text.trim()) || BigInt(text.trim()) >= 10_000n) {
    throw new UsageError(`bad --slippage-bps "${text}": give basis points from 0 to 9999, e.g. 100 for 1%`);
  }
  return BigInt(text.trim());
}

/** A bytes32 as given (0x and 64 hex digits), else keccak256 of the file at that path, else of the text. */
function hashOf(text: string | undefined): { hash: string; note: string } {
  if (text === undefined) return { hash: ethers.ZeroHash, note: "none" };
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return { hash: text.toLowerCase(), note: "as given" };
  if (fs.existsSync(text) && fs.statSync(text).isFile()) {
    return { hash: ethers.keccak256(fs.readFileSync(text)), note: `keccak256 of ${text}` };
  }
  return { hash: ethers.id(text), note: `keccak256 "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"` };
}

// ---------------------------------------------------------------- orders

interface OrderView {
  id: bigint;
  state: StateName;
  buyer: string;
  seller: string;
  amount: bigint;
  minOut: bigint;
  termsHash: string;
  deliveryDeadline: bigint;
  releaseDeadline: bigint;
  tokenIn: TokenInfo;
  tokenOut: TokenInfo;
  crossBorder: boolean;
  path: string[];
}

async function loadOrder(chain: Chain, e: Escrow, id: bigint): Promise<OrderView> {
  const o = await e.escrow.orderOf(id);
  if (o.state === 0n) {
    const count = await e.escrow.orderCount();
    throw new UserError(`no order ${id} in the TradeEscrow ${e.address} (orders run from 1 to ${count})`);
  }
  const crossBorder = o.tokenIn.toLowerCase() !== o.tokenOut.toLowerCase();
  const [tokenIn, tokenOut, path] = await Promise.all([
    tokenAt(chain, o.tokenIn),
    crossBorder ? tokenAt(chain, o.tokenOut) : undefined,
    crossBorder ? e.escrow.pathOf(id) : [],
  ]);
  return {
    id,
    state: ORDER_STATES[Number(o.state)] ?? "None",
    buyer: o.buyer,
    seller: o.seller,
    amount: o.amount,
    minOut: o.minOut,
    termsHash: o.termsHash,
    deliveryDeadline: o.deliveryDeadline,
    releaseDeadline: o.releaseDeadline,
    tokenIn,
    tokenOut: tokenOut ?? tokenIn,
    crossBorder,
    path: [...path],
  };
}

/** "Funded or Delivered". */
const either = (states: StateName[]) =>
  states.length === 1 ? states[0]! : `${states.slice(0, -1).join(", ")} or ${states[states.length - 1]}`;

function requireState(o: OrderView, states: StateName[], action: string): void {
  if (!states.includes(o.state)) {
    const final = ["Released", "Resolved", "Refunded", "Claimed"].includes(o.state) ? " (final)" : "";
    throw new UserError(`order ${o.id} is ${o.state}${final}: only a ${either(states)} order can be ${action}`);
  }
}

function requireParty(o: OrderView, signer: string, party: "buyer" | "seller", action: string): void {
  const expected = party === "buyer" ? o.buyer : o.seller;
  if (signer !== expected) {
    throw new UserError(
      `order ${o.id} is ${o.state}: only the ${party} may ${action} (the ${party} is ${expected}, the signer ` +
        `${signer})`,
    );
  }
}

/** The next block's timestamp at the earliest: what the contract's deadline checks will see. */
async function nextTime(chain: Chain): Promise<bigint> {
  return (await latestTime(chain)) + 1n;
}

const when = (deadline: bigint, now: bigint) => `${isoTime(deadline)} (${relative(deadline, now)})`;

/** What the router's exchange of `amount` along the order's path buys now, or a clear error. */
async function quoteOut(chain: Chain, e: Escrow, path: string[], amount: bigint, what: string): Promise<bigint> {
  const router = await bridgeRouter(chain, e);
  let quoted: bigint;
  try {
    const amounts = await router.quote(path, amount);
    quoted = amounts[amounts.length - 1]!;
  } catch (error) {
    const { explainRevert } = await import("./decode");
    throw new UserError(`${what}: the bridge router cannot quote the exchange: ${explainRevert(error)}`);
  }
  if (quoted === 0n) {
    throw new UserError(
      `${what}: the bridge router's exchange along ${path.join(" -> ")} buys nothing now (a pool without ` +
        "liquidity?): the order could not be paid out",
    );
  }
  return quoted;
}

/** For a release or a claim: the floor (the order's, or a higher --min-out) and a check that today's rate meets it. */
async function payoutFloor(chain: Chain, e: Escrow, o: OrderView, minOutText: string | undefined, what: string) {
  if (!o.crossBorder) {
    if (minOutText !== undefined) throw new UsageError("--min-out goes with a cross-border order");
    return 0n;
  }
  let floor = o.minOut;
  if (minOutText !== undefined) {
    const asked = parseAmount(minOutText, o.tokenOut.units.decimals, "--min-out", true);
    if (asked > floor) floor = asked;
  }
  const quoted = await quoteOut(chain, e, o.path, o.amount, what);
  if (quoted < floor) {
    throw new UserError(
      `${what}: ${formatAmount(o.amount, o.tokenIn.units)} buys ${formatAmount(quoted, o.tokenOut.units)} now, ` +
        `less than the floor of ${formatAmount(floor, o.tokenOut.units)}: wait for the rate, or dispute the order`,
    );
  }
  return floor;
}

/** The event `name` of the escrow in `receipt`. */
function eventOf(e: Escrow, receipt: ethers.ContractTransactionReceipt, name: string): ethers.LogDescription | null {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== e.address.toLowerCase()) continue;
    const parsed = e.escrow.interface.parseLog(log);
    if (parsed?.name === name) return parsed;
  }
  return null;
}

// ---------------------------------------------------------------- commands

/**
 * `escrow open --seller <addr> --amount <KC> [--community <id>] [--seller-community <id>] [--terms <file|text>]
 * [--delivery <hours>] [--release <hours>] [--min-out <KC>] [--slippage-bps <bps>]`.
 */
export async function escrowOpen(chain: Chain, options: EscrowOptions): Promise<void> {
  const sellerText = required(options.seller, "escrow open needs --seller <address>");
  const amountText = required(options.amount, "escrow open needs --amount <KC>");
  parseAmount(amountText, 18);
  const deliveryHours = parseHours(options.delivery, DEFAULT_DELIVERY_HOURS, "--delivery");
  const releaseHours = parseHours(options.release, DEFAULT_RELEASE_HOURS, "--release");
  const bps = parseBps(options["slippage-bps"]);
  if (options["min-out"] !== undefined) parseAmount(options["min-out"], 18, "--min-out", true);
  const seller = parseAddress(sellerText, "seller address");
  const e = await escrowContract(chain);
  const tIn = await communityToken(chain, options.community, "escrow open");
  const tOut =
    options["seller-community"] === undefined || options["seller-community"] === tIn.label
      ? tIn
      : await communityToken(chain, options["seller-community"], "escrow open");
  const crossBorder = tIn.address !== tOut.address;
  if (!crossBorder && (options["min-out"] !== undefined || options["slippage-bps"] !== undefined)) {
    throw new UsageError("--min-out and --slippage-bps go with a cross-border order (another --seller-community)");
  }
  const signer = await loadSigner(chain.provider);
  if (seller === signer.address) throw new UserError(`the seller ${seller} is the signer itself: a buyer cannot sell`);
  const amount = parseAmount(amountText, tIn.units.decimals);
  const terms = hashOf(options.terms);
  await requireExempt(chain, tIn, e.address, "TradeEscrow");
  if (crossBorder) await requireExempt(chain, tOut, e.address, "TradeEscrow");

  const path = crossBorder ? [tIn.address, tOut.address] : [];
  let minOut = 0n;
  let quoted = 0n;
  if (crossBorder) {
    quoted = await quoteOut(chain, e, path, amount, "opening the order");
    minOut =
      options["min-out"] !== undefined
        ? parseAmount(options["min-out"], tOut.units.decimals, "--min-out", true)
        : (quoted * (10_000n - bps)) / 10_000n;
    if (minOut > quoted) {
      throw new UserError(
        `--min-out ${formatAmount(minOut, tOut.units)} is more than the ${formatAmount(quoted, tOut.units)} that ` +
          `${formatAmount(amount, tIn.units)} buys now: the order could not be released at today's rate`,
      );
    }
  }
  await requireTransferable(tIn, signer.address, e.address, amount, "opening the order");
  const now = await latestTime(chain);
  const deliveryDeadline = now + deliveryHours * HOUR;
  const releaseDeadline = deliveryDeadline + releaseHours * HOUR;

  const allowance = await tIn.token.allowance(signer.address, e.address);
  if (allowance < amount) {
    const approved = await send(signer.address, "approving the escrow", () =>
      tIn.token.connect(signer).approve(e.address, amount),
    );
    out(`approved the TradeEscrow for ${formatAmount(amount, tIn.units)}; ${mined(approved)}`);
  }
  const receipt = await send(signer.address, "opening the order", () =>
    e.escrow.connect(signer).open({
      seller,
      tokenIn: tIn.address,
      tokenOut: tOut.address,
      amount,
      minOut,
      termsHash: terms.hash,
      deliveryDeadline,
      releaseDeadline,
      path,
    }),
  );
  const opened = eventOf(e, receipt, "OrderOpened");
  const id = opened ? (opened.args.orderId as bigint) : await e.escrow.orderCount();
  out(
    `opened order ${id}: ${formatAmount(amount, tIn.units)} from ${signer.address} in escrow for ${seller}` +
      (crossBorder ? ` (settled in ${tOut.units.symbol}, ${tOut.label})` : ""),
  );
  out(`  terms hash  ${terms.hash} (${terms.note})`);
  out(`  delivery    by ${when(deliveryDeadline, now)}`);
  out(`  release     by ${when(releaseDeadline, now)}; then the seller may claim it`);
  if (crossBorder) {
    out(`  path        ${path.join(" -> ")}`);
    out(
      `  min out     ${formatAmount(minOut, tOut.units)} (quote ${formatAmount(quoted, tOut.units)}` +
        (options["min-out"] !== undefined ? ", --min-out)" : ` less ${bps} bps)`),
    );
  }
  out(`  ${mined(receipt)}`);
}

/** `escrow show <id>`: the order and what may happen to it now. */
export async function escrowShow(chain: Chain, idText: string): Promise<void> {
  const id = parseOrderId(idText);
  const e = await escrowContract(chain);
  const o = await loadOrder(chain, e, id);
  const now = await latestTime(chain);
  out(`order ${id} (TradeEscrow ${e.address})`);
  out(`  state       ${o.state}`);
  out(`  buyer       ${o.buyer}`);
  out(`  seller      ${o.seller}`);
  out(`  amount      ${formatAmount(o.amount, o.tokenIn.units)} (${o.tokenIn.label})`);
  if (o.crossBorder) {
    out(
      `  settled in  ${o.tokenOut.units.symbol} (${o.tokenOut.label}), at least ${formatAmount(o.minOut, o.tokenOut.units)}`,
    );
    out(`  path        ${o.path.join(" -> ")}`);
  }
  out(`  terms hash  ${o.termsHash}`);
  out(`  delivery    by ${when(o.deliveryDeadline, now)}`);
  out(`  release     by ${when(o.releaseDeadline, now)}`);
  let next: string;
  switch (o.state) {
    case "Funded":
      next =
        now < o.deliveryDeadline
          ? "the seller marks it delivered (escrow deliver); the buyer may release it; either may dispute it"
          : "undelivered past its deadline: the buyer may refund it (escrow refund) or release it";
      break;
    case "Delivered":
      next =
        now < o.releaseDeadline
          ? "the buyer releases it (escrow release); either may dispute it until the release deadline"
          : "past its release deadline: the seller may claim it (escrow claim), the buyer still release it";
      break;
    case "Disputed":
      next = `an arbiter of ${o.tokenOut.label} resolves it (escrow resolve)`;
      break;
    default:
      next = "nothing: the order is settled";
  }
  out(`  next        ${next}`);
}

/** `escrow deliver <id> [--proof <file|text>]`: the seller marks the order delivered. */
export async function escrowDeliver(chain: Chain, idText: string, options: EscrowOptions): Promise<void> {
  const id = parseOrderId(idText);
  const e = await escrowContract(chain);
  const signer = await loadSigner(chain.provider);
  const o = await loadOrder(chain, e, id);
  requireState(o, ["Funded"], "marked delivered");
  requireParty(o, signer.address, "seller", "mark it delivered");
  const now = await nextTime(chain);
  if (now > o.deliveryDeadline) {
    throw new UserError(
      `order ${id}'s delivery deadline passed at ${isoTime(o.deliveryDeadline)}: it can no longer be marked ` +
        "delivered (the buyer may refund it)",
    );
  }
  const proof = hashOf(options.proof);
  const receipt = await send(signer.address, `marking order ${id} delivered`, () =>
    e.escrow.connect(signer).markDelivered(id, proof.hash),
  );
  out(`order ${id} is Delivered: the buyer may release it until ${isoTime(o.releaseDeadline)}, then you may claim it`);
  out(`  proof hash  ${proof.hash} (${proof.note})`);
  out(`  ${mined(receipt)}`);
}

/** `escrow release <id> [--min-out <KC>]`: the buyer pays the seller. */
export async function escrowRelease(chain: Chain, idText: string, options: EscrowOptions): Promise<void> {
  const id = parseOrderId(idText);
  const e = await escrowContract(chain);
  const signer = await loadSigner(chain.provider);
  const o = await loadOrder(chain, e, id);
  requireState(o, ["Funded", "Delivered"], "released");
  requireParty(o, signer.address, "buyer", "release it");
  const what = `releasing order ${id}`;
  const floor = await payoutFloor(chain, e, o, options["min-out"], what);
  if (!o.crossBorder) await requirePayable(o.tokenIn, e.address, o.seller, o.amount, what);
  const receipt = await send(signer.address, what, () => e.escrow.connect(signer).release(id, floor));
  const released = eventOf(e, receipt, "OrderReleased");
  const paid = released ? (released.args.amountOut as bigint) : o.amount;
  out(
    `released order ${id}: ${formatAmount(o.amount, o.tokenIn.units)} paid the seller ${o.seller}` +
      (o.crossBorder ? ` ${formatAmount(paid, o.tokenOut.units)}` : ""),
  );
  out(`  ${mined(receipt)}`);
}

/** `escrow dispute <id> --reason <text|file>`: the buyer or the seller asks the arbiter. */
export async function escrowDispute(chain: Chain, idText: string, options: EscrowOptions): Promise<void> {
  const id = parseOrderId(idText);
  const reasonText = required(options.reason, "escrow dispute needs --reason <text>");
  const e = await escrowContract(chain);
  const signer = await loadSigner(chain.provider);
  const o = await loadOrder(chain, e, id);
  requireState(o, ["Funded", "Delivered"], "disputed");
  if (signer.address !== o.buyer && signer.address !== o.seller) {
    throw new UserError(
      `order ${id} is ${o.state}: only its buyer (${o.buyer}) or seller (${o.seller}) may dispute it, not ` +
        signer.address,
    );
  }
  const now = await nextTime(chain);
  const funded = o.state === "Funded";
  const deadline = funded ? o.deliveryDeadline : o.releaseDeadline;
  if (now > deadline) {
    throw new UserError(
      `order ${id} is ${o.state} and its ${funded ? "delivery" : "release"} deadline passed at ${isoTime(deadline)}: ` +
        `no dispute now (the ${funded ? "buyer may refund" : "seller may claim"} it)`,
    );
  }
  const reason = hashOf(reasonText);
  const receipt = await send(signer.address, `disputing order ${id}`, () =>
    e.escrow.connect(signer).dispute(id, reason.hash),
  );
  out(`order ${id} is Disputed: an arbiter of ${o.tokenOut.label} resolves it`);
  out(`  reason hash ${reason.hash} (${reason.note})`);
  out(`  ${mined(receipt)}`);
}

/** `escrow resolve <id> --buyer <KC> --seller <KC> [--min-out <KC>] [--reason <ruling>]`: the arbiter's split. */
export async function escrowResolve(chain: Chain, idText: string, options: EscrowOptions): Promise<void> {
  const id = parseOrderId(idText);
  const buyerText = required(options.buyer, "escrow resolve needs --buyer <KC> (the buyer's part)");
  const sellerText = required(options.seller, "escrow resolve needs --seller <KC> (the seller's part)");
  parseAmount(buyerText, 18, "--buyer", true);
  parseAmount(sellerText, 18, "--seller", true);
  const bps = parseBps(options["slippage-bps"]);
  const e = await escrowContract(chain);
  const signer = await loadSigner(chain.provider);
  const o = await loadOrder(chain, e, id);
  requireState(o, ["Disputed"], "resolved");
  if (signer.address === o.buyer || signer.address === o.seller) {
    throw new UserError(
      `order ${id}: the arbiter may be neither its buyer nor its seller (the signer is the ${
        signer.address === o.buyer ? "buyer" : "seller"
      })`,
    );
  }
  if (!(await e.escrow.isArbiter(id, signer.address))) {
    const registry = await o.tokenOut.token.complianceRegistry();
    throw new UserError(
      `order ${id}: ${signer.address} is not an arbiter of ${o.tokenOut.label} (ARBITER_ROLE in its compliance ` +
        `registry ${registry}), the seller's community`,
    );
  }
  const buyerAmount = parseAmount(buyerText, o.tokenIn.units.decimals, "--buyer", true);
  const sellerAmount = parseAmount(sellerText, o.tokenIn.units.decimals, "--seller", true);
  if (buyerAmount + sellerAmount !== o.amount) {
    throw new UserError(
      `order ${id}: --buyer ${formatAmount(buyerAmount, o.tokenIn.units)} and --seller ` +
        `${formatAmount(sellerAmount, o.tokenIn.units)} make ${formatAmount(buyerAmount + sellerAmount, o.tokenIn.units)}` +
        `: a split shares out the whole ${formatAmount(o.amount, o.tokenIn.units)}`,
    );
  }
  const what = `resolving order ${id}`;
  let sellerMinOut = 0n;
  if (o.crossBorder && sellerAmount > 0n) {
    const quoted = await quoteOut(chain, e, o.path, sellerAmount, what);
    sellerMinOut =
      options["min-out"] !== undefined
        ? parseAmount(options["min-out"], o.tokenOut.units.decimals, "--min-out", true)
        : (quoted * (10_000n - bps)) / 10_000n;
    if (quoted < sellerMinOut) {
      throw new UserError(
        `${what}: the seller's part buys ${formatAmount(quoted, o.tokenOut.units)} now, less than --min-out ` +
          formatAmount(sellerMinOut, o.tokenOut.units),
      );
    }
  } else if (options["min-out"] !== undefined) {
    throw new UsageError("--min-out goes with a cross-border order's seller part");
  }
  await requirePayable(o.tokenIn, e.address, o.buyer, buyerAmount, what);
  if (!o.crossBorder) await requirePayable(o.tokenIn, e.address, o.seller, sellerAmount, what);
  const ruling = hashOf(options.reason);
  const receipt = await send(signer.address, what, () =>
    e.escrow.connect(signer).resolve(id, buyerAmount, sellerAmount, sellerMinOut, ruling.hash),
  );
  const resolved = eventOf(e, receipt, "DisputeResolved");
  const sellerOut = resolved ? (resolved.args.sellerAmountOut as bigint) : sellerAmount;
  out(
    `resolved order ${id}: ${formatAmount(buyerAmount, o.tokenIn.units)} back to the buyer ${o.buyer}, ` +
      `${formatAmount(sellerAmount, o.tokenIn.units)} to the seller ${o.seller}` +
      (o.crossBorder ? ` (${formatAmount(sellerOut, o.tokenOut.units)})` : ""),
  );
  out(`  ruling hash ${ruling.hash} (${ruling.note})`);
  out(`  ${mined(receipt)}`);
}

/** `escrow refund <id>`: the buyer takes back an order undelivered by its deadline. */
export async function escrowRefund(chain: Chain, idText: string): Promise<void> {
  const id = parseOrderId(idText);
  const e = await escrowContract(chain);
  const signer = await loadSigner(chain.provider);
  const o = await loadOrder(chain, e, id);
  requireState(o, ["Funded"], "refunded");
  requireParty(o, signer.address, "buyer", "refund it");
  const now = await nextTime(chain);
  if (now <= o.deliveryDeadline) {
    throw new UserError(
      `order ${id}: the delivery deadline passes at ${when(o.deliveryDeadline, now - 1n)}: refund possible after it`,
    );
  }
  const what = `refunding order ${id}`;
  await requirePayable(o.tokenIn, e.address, o.buyer, o.amount, what);
  const receipt = await send(signer.address, what, () => e.escrow.connect(signer).refund(id));
  out(`refunded order ${id}: ${formatAmount(o.amount, o.tokenIn.units)} back to the buyer ${o.buyer}`);
  out(`  ${mined(receipt)}`);
}

/** `escrow claim <id> [--min-out <KC>]`: the seller takes a delivered order the buyer let pass its deadline. */
export async function escrowClaim(chain: Chain, idText: string, options: EscrowOptions): Promise<void> {
  const id = parseOrderId(idText);
  const e = await escrowContract(chain);
  const signer = await loadSigner(chain.provider);
  const o = await loadOrder(chain, e, id);
  requireState(o, ["Delivered"], "claimed");
  requireParty(o, signer.address, "seller", "claim it");
  const now = await nextTime(chain);
  if (now <= o.releaseDeadline) {
    throw new UserError(
      `order ${id}: the release deadline passes at ${when(o.releaseDeadline, now - 1n)}: claim possible after it`,
    );
  }
  const what = `claiming order ${id}`;
  const floor = await payoutFloor(chain, e, o, options["min-out"], what);
  if (!o.crossBorder) await requirePayable(o.tokenIn, e.address, o.seller, o.amount, what);
  const receipt = await send(signer.address, what, () => e.escrow.connect(signer).claim(id, floor));
  const claimed = eventOf(e, receipt, "OrderClaimed");
  const paid = claimed ? (claimed.args.amountOut as bigint) : o.amount;
  out(`claimed order ${id}: ${formatAmount(paid, o.tokenOut.units)} paid to the seller ${o.seller}`);
  out(`  ${mined(receipt)}`);
}

// ---------------------------------------------------------------- profit sharing

async function profitContract(chain: Chain): Promise<{ profit: ProfitSharing; address: string }> {
  const address = businessAddress(chain, "profitSharing", "KC_PROFIT_SHARING", "ProfitSharing");
  await requireCode(chain, address, "the ProfitSharing contract");
  const { ProfitSharing__factory } =
    await import("../../../typechain-types/factories/contracts/business/ProfitSharing__factory");
  return { profit: ProfitSharing__factory.connect(address, chain.provider), address };
}

/** `profit claimable [--business <addr>]`: what the signer may claim (from every scheme it holds units in). */
export async function profitClaimable(chain: Chain, options: EscrowOptions): Promise<void> {
  const only = options.business !== undefined ? parseAddress(options.business, "business address") : undefined;
  const { profit, address } = await profitContract(chain);
  const signer = await loadSigner(chain.provider);
  let businesses: string[];
  if (only) {
    businesses = [only];
  } else {
    const business = (chain.deployment as { business?: Record<string, { startBlock?: number } | undefined> }).business;
    const from = business?.profitSharing?.startBlock ?? chain.deployment.startBlock ?? 0;
    const logs = await profit.queryFilter(profit.filters.SharesSet(undefined, signer.address), from);
    businesses = [...new Set(logs.map((log) => ethers.getAddress(log.args.business)))];
  }
  if (businesses.length === 0) {
    out(`${signer.address} holds no units in any profit-sharing scheme of ${address}`);
    return;
  }
  out(`claimable by ${signer.address}`);
  for (const business of businesses) {
    const scheme = await profit.schemeOf(business);
    if (scheme.token === ethers.ZeroAddress) throw new UserError(`${business} has no profit-sharing scheme`);
    const [t, amount, share] = await Promise.all([
      tokenAt(chain, scheme.token),
      profit.claimable(business, signer.address),
      profit.shareOf(business, signer.address),
    ]);
    out(`  ${business}  ${formatAmount(amount, t.units)} (units ${share.units} of ${scheme.totalUnits})`);
  }
}

/** `profit claim --business <addr>`. */
export async function profitClaim(chain: Chain, options: EscrowOptions): Promise<void> {
  const business = parseAddress(
    required(options.business, "profit claim needs --business <address>"),
    "business address",
  );
  const { profit, address } = await profitContract(chain);
  const signer = await loadSigner(chain.provider);
  const scheme = await profit.schemeOf(business);
  if (scheme.token === ethers.ZeroAddress) throw new UserError(`${business} has no profit-sharing scheme`);
  const t = await tokenAt(chain, scheme.token);
  const amount = await profit.claimable(business, signer.address);
  if (amount === 0n) throw new UserError(`${signer.address} has nothing to claim from the scheme of ${business}`);
  await requirePayable(t, address, signer.address, amount, "claiming");
  const receipt = await send(signer.address, "claiming", () => profit.connect(signer).claim(business));
  out(`claimed ${formatAmount(amount, t.units)} from the profit-sharing scheme of ${business}`);
  out(`  ${mined(receipt)}`);
}

import { impersonateAccount, loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import fc, { type Arbitrary, type AsyncCommand } from "fast-check";
import { assertModelRuns } from "./runner";
import type { CommunityToken, TradeEscrow } from "../../typechain-types";
import { DAY, deployTradeEscrowFixture, OrderState, stateBits } from "../business/escrowFixtures";
import { KC } from "../shared/fixtures";

/**
 * Model-based property test of the TradeEscrow (house style 13) on domestic KATY orders: fast-check drives random
 * sequences of orders opened (valid, and with a bad seller, a zero amount, bad deadlines or more than the buyer
 * holds), deliveries, releases, disputes, arbiters' splits, refunds after the delivery deadline, claims after the
 * release deadline and the passing of time, each called by the order's buyer, its seller or anyone else (another
 * trader, an arbiter, a stranger), against the escrow of {deployTradeEscrowFixture}. A plain model predicts every
 * call's outcome (success, or the exact custom error and its arguments) and, after every step:
 *   (a) conservation: the escrow holds exactly the amounts of the orders not yet closed (nothing stuck, nothing
 *       created), and every account holds what the model says;
 *   (b) each order's state (and parties, amount and deadlines) equals the model's;
 *   (c) when an order closes, its buyer and seller together received exactly its amount (a split sums to it),
 *       measured on chain; and no order closes twice.
 *
 * Every transaction is mined at a timestamp we set (the model's `now + 1`); view calls see `now`.
 *
 * Environment: PROPERTY_RUNS_ESCROW (default: PROPERTY_RUNS, else 20: about 650 actions, 15 s); PROPERTY_SEED, PROPERTY_PATH
 * and PROPERTY_REPLAY_PATH replay a reported failure; PROPERTY_SHRINK=false stops at the first failure;
 * PROPERTY_STATS=true prints how often each command ran and each outcome occurred.
 */

const RUNS = Number(process.env.PROPERTY_RUNS_ESCROW ?? process.env.PROPERTY_RUNS ?? 20);
const MAX_COMMANDS = 80;
/** The actors: three traders (buyers and sellers), the two arbiters (sellers too, sometimes) and a stranger. */
const ACTORS = ["alice", "bob", "carol", "arbiter", "katyArbiter", "stranger"] as const;
const TRADERS = 3;
const ARBITER = 3;
const KATY_ARBITER = 4;
const HOUR = 3_600;
const HASH = ethers.id("property");

/** Order states in which the escrow still holds the order's amount. */
const OPEN_STATES = [OrderState.Funded, OrderState.Delivered, OrderState.Disputed];

// ------------------------------------------------------------------------------------------------ the model

interface OrderModel {
  readonly id: bigint;
  readonly buyer: number;
  readonly seller: number;
  readonly amount: bigint;
  readonly deliveryDeadline: number;
  readonly releaseDeadline: number;
  state: OrderState;
  /** How many times the order closed (moved to a final state): at most once. */
  closes: number;
}

class EscrowModel {
  now: number;
  readonly balances: bigint[];
  readonly orders: OrderModel[] = [];

  constructor(now: number, balances: bigint[]) {
    this.now = now;
    this.balances = balances;
  }

  balanceOf(i: number): bigint {
    return this.balances[i] ?? 0n;
  }

  credit(i: number, amount: bigint): void {
    this.balances[i] = this.balanceOf(i) + amount;
  }

  held(): bigint {
    return this.orders.reduce((sum, o) => (OPEN_STATES.includes(o.state) ? sum + o.amount : sum), 0n);
  }
}

// ------------------------------------------------------------------------------------------------ harness

interface Real {
  escrow: TradeEscrow;
  token: CommunityToken;
  registryAddress: string;
  actors: HardhatEthersSigner[];
  addresses: string[];
  escrowAddress: string;
}

type Cmd = AsyncCommand<EscrowModel, Real>;

interface ExpectedError {
  contract: "escrow" | "token";
  name: string;
  args: readonly unknown[];
}

const stats = new Map<string, number>();
const tally = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);
let actions = 0;
let runs = 0;
let current = "";

const nameOf = (i: number) => ACTORS[i] ?? `#${i}`;
const escrowError = (name: string, ...args: unknown[]): ExpectedError => ({ contract: "escrow", name, args });

function step(
  label: string,
  act: (m: EscrowModel, r: Real) => Promise<void>,
  applies: (m: Readonly<EscrowModel>) => boolean = () => true,
): Cmd {
  return {
    check: applies,
    run: async (m, r) => {
      actions++;
      current = label.replace(/[ (].*$/, "");
      tally(`command ${current}`);
      await act(m, r);
      await invariants(m, r);
    },
    toString: () => label,
  };
}

async function nextBlock(m: EscrowModel): Promise<number> {
  const at = m.now + 1;
  await time.setNextBlockTimestamp(at);
  return at;
}

async function expectOutcome(r: Real, tx: Promise<ContractTransactionResponse>, error: ExpectedError | undefined) {
  tally(`outcome ${current} ${error?.name ?? "success"}`);
  if (error === undefined) {
    await (await tx).wait();
    return;
  }
  const contract: BaseContract = error.contract === "escrow" ? r.escrow : r.token;
  const assertion = expect(tx).to.be.revertedWithCustomError(contract, error.name);
  await (error.args.length === 0 ? assertion : assertion.withArgs(...error.args));
}

/** Which order a command acts on: the `pick`-th (modulo) of the open ones (`focus`) or of all, or an unknown id. */
interface Target {
  ghost: boolean;
  /** Whether to pick among the orders in a state the command needs: else random picks mostly hit the wrong one. */
  focus: boolean;
  pick: number;
}

function describeTarget(t: Target): string {
  return t.ghost ? "unknown" : `${t.focus ? "focus " : ""}#${t.pick}`;
}

/** A command on order `t` applies once there is an order to pick (an unknown one always). */
const hasTarget = (t: Target) => (m: Readonly<EscrowModel>) => t.ghost || m.orders.length > 0;

/** The order `t` names: with `focus`, among those in one of the `wanted` states, when there are any. */
function resolveTarget(m: EscrowModel, t: Target, wanted: OrderState[]): { o: OrderModel | undefined; id: bigint } {
  if (t.ghost || m.orders.length === 0) return { o: undefined, id: BigInt(m.orders.length + 1 + (t.pick % 3)) };
  const open = m.orders.filter((o) => wanted.includes(o.state));
  const among = t.focus && open.length > 0 ? open : m.orders;
  const o = among[t.pick % among.length]!;
  return { o, id: o.id };
}

/** Who calls: the order's buyer or seller, or any actor. */
type Caller = "buyer" | "seller" | number;

function describeCaller(c: Caller): string {
  return typeof c === "number" ? nameOf(c) : c;
}

function resolveCaller(o: OrderModel | undefined, c: Caller): number {
  if (c === "buyer") return o?.buyer ?? 0;
  if (c === "seller") return o?.seller ?? 1;
  return c;
}

/** The error every call on an order checks first: an unknown order. */
const unknown = (o: OrderModel | undefined, id: bigint) =>
  o === undefined ? escrowError("TradeEscrowUnknownOrder", id) : undefined;

const unexpectedState = (o: OrderModel, ...allowed: OrderState[]) =>
  allowed.includes(o.state)
    ? undefined
    : escrowError("TradeEscrowUnexpectedState", o.id, o.state, stateBits(...allowed));

/**
 * Sends a call that may close `o`: on success, checks on chain that the escrow paid out exactly the order's amount
 * and that its buyer and seller together received exactly that (a split sums to the amount), and closes the
 * order in the model into `closed`, crediting `toBuyer` to the buyer and the rest to the seller.
 */
async function closing(
  m: EscrowModel,
  r: Real,
  o: OrderModel | undefined,
  at: number,
  error: ExpectedError | undefined,
  tx: () => Promise<ContractTransactionResponse>,
  closed: OrderState,
  toBuyer: bigint,
) {
  const parties = o === undefined ? [] : [r.addresses[o.buyer]!, r.addresses[o.seller]!, r.escrowAddress];
  const before = await Promise.all(parties.map((a) => r.token.balanceOf(a)));
  await expectOutcome(r, tx(), error);
  m.now = at;
  if (error !== undefined || o === undefined) return;
  const after = await Promise.all(parties.map((a) => r.token.balanceOf(a)));
  const [buyerGain, sellerGain, escrowGain] = after.map((b, i) => b - before[i]!);
  expect(escrowGain, `order ${o.id}: the escrow paid out its amount`).to.equal(-o.amount);
  expect(buyerGain! + sellerGain!, `order ${o.id}: buyer + seller received its amount`).to.equal(o.amount);
  expect(buyerGain, `order ${o.id}: the buyer's part`).to.equal(toBuyer);
  expect(o.closes, `order ${o.id} closes once`).to.equal(0);
  o.closes++;
  o.state = closed;
  m.credit(o.buyer, toBuyer);
  m.credit(o.seller, o.amount - toBuyer);
  tally(`closed ${OrderState[closed]}`);
}

// ------------------------------------------------------------------------------------------------ invariants

async function invariants(m: EscrowModel, r: Real) {
  const [latest, held, balances, count, orders] = await Promise.all([
    time.latest(),
    r.token.balanceOf(r.escrowAddress),
    Promise.all(r.addresses.map((a) => r.token.balanceOf(a))),
    r.escrow.orderCount(),
    Promise.all(m.orders.map((o) => r.escrow.orderOf(o.id))),
  ]);
  expect(latest, "every transaction was mined at the timestamp the model set").to.equal(m.now);
  // (a) conservation
  expect(held, "escrow balance = the amounts of the orders not yet closed").to.equal(m.held());
  ACTORS.forEach((name, i) => expect(balances[i], `balance of ${name}`).to.equal(m.balanceOf(i)));
  // (b) each order as the model has it
  expect(count, "orderCount").to.equal(BigInt(m.orders.length));
  m.orders.forEach((o, k) => {
    const real = orders[k]!;
    expect(OrderState[Number(real.state)], `order ${o.id} state`).to.equal(OrderState[o.state]);
    expect(real.amount, `order ${o.id} amount`).to.equal(o.amount);
    expect(real.buyer, `order ${o.id} buyer`).to.equal(r.addresses[o.buyer]);
    expect(real.seller, `order ${o.id} seller`).to.equal(r.addresses[o.seller]);
    expect(real.deliveryDeadline, `order ${o.id} delivery deadline`).to.equal(BigInt(o.deliveryDeadline));
    expect(real.releaseDeadline, `order ${o.id} release deadline`).to.equal(BigInt(o.releaseDeadline));
    // (c) no order closes twice
    expect(o.closes, `order ${o.id} closed`).to.equal(OPEN_STATES.includes(o.state) ? 0 : 1);
  });
}

// ------------------------------------------------------------------------------------------------ commands

type AmountSpec = { kind: "fixed"; value: bigint } | { kind: "zero" } | { kind: "overdraw" };
type DeadlineSpec = "valid" | "deliveryNow" | "releaseAtDelivery";

/** The seller: another trader (`offset` 1 or 2 after the buyer), or any actor (the buyer itself included). */
type SellerSpec = { kind: "trader"; offset: number } | { kind: "actor"; index: number };

function open(
  buyer: number,
  sellerSpec: SellerSpec,
  spec: AmountSpec,
  deadlines: DeadlineSpec,
  d1: number,
  d2: number,
): Cmd {
  const seller = sellerSpec.kind === "trader" ? (buyer + sellerSpec.offset) % TRADERS : sellerSpec.index;
  const amountLabel = spec.kind === "fixed" ? `${ethers.formatEther(spec.value)} KATY` : spec.kind;
  const label = `open(${nameOf(buyer)} -> ${nameOf(seller)}, ${amountLabel}, ${deadlines} ${d1}/${d2} s)`;
  return step(label, async (m, r) => {
    const balance = m.balanceOf(buyer);
    const amount = spec.kind === "fixed" ? spec.value : spec.kind === "zero" ? 0n : balance + 1n;
    const at = await nextBlock(m);
    const deliveryDeadline = deadlines === "deliveryNow" ? at : at + d1;
    const releaseDeadline = deadlines === "releaseAtDelivery" ? deliveryDeadline : deliveryDeadline + d2;
    let error: ExpectedError | undefined;
    if (seller === buyer) error = escrowError("TradeEscrowInvalidSeller", r.addresses[seller]);
    else if (amount === 0n) error = escrowError("TradeEscrowZeroAmount");
    else if (at >= deliveryDeadline || deliveryDeadline >= releaseDeadline) {
      error = escrowError("TradeEscrowInvalidDeadlines", deliveryDeadline, releaseDeadline, at);
    } else if (amount > balance) {
      error = { contract: "token", name: "ERC20InsufficientBalance", args: [r.addresses[buyer], balance, amount] };
    }
    const katy = await r.token.getAddress();
    const terms: TradeEscrow.TermsStruct = {
      seller: r.addresses[seller]!,
      tokenIn: katy,
      tokenOut: katy,
      amount,
      minOut: 0n,
      termsHash: HASH,
      deliveryDeadline,
      releaseDeadline,
      path: [],
    };
    await expectOutcome(r, r.escrow.connect(r.actors[buyer]!).open(terms), error);
    m.now = at;
    if (error !== undefined) return;
    m.orders.push({
      id: BigInt(m.orders.length + 1),
      buyer,
      seller,
      amount,
      deliveryDeadline,
      releaseDeadline,
      state: OrderState.Funded,
      closes: 0,
    });
    m.credit(buyer, -amount);
  });
}

function deliver(caller: Caller, t: Target): Cmd {
  return step(
    `markDelivered(by ${describeCaller(caller)}, ${describeTarget(t)})`,
    async (m, r) => {
      const { o, id } = resolveTarget(m, t, [OrderState.Funded]);
      const who = resolveCaller(o, caller);
      const at = await nextBlock(m);
      const error =
        unknown(o, id) ??
        (o!.seller !== who
          ? escrowError("TradeEscrowNotSeller", id, r.addresses[who])
          : (unexpectedState(o!, OrderState.Funded) ??
            (at > o!.deliveryDeadline
              ? escrowError("TradeEscrowDeadlinePassed", id, o!.deliveryDeadline, at)
              : undefined)));
      await expectOutcome(r, r.escrow.connect(r.actors[who]!).markDelivered(id, HASH), error);
      m.now = at;
      if (error === undefined) o!.state = OrderState.Delivered;
    },
    hasTarget(t),
  );
}

function release(caller: Caller, t: Target): Cmd {
  return step(
    `release(by ${describeCaller(caller)}, ${describeTarget(t)})`,
    async (m, r) => {
      const { o, id } = resolveTarget(m, t, [OrderState.Funded, OrderState.Delivered]);
      const who = resolveCaller(o, caller);
      const at = await nextBlock(m);
      const error =
        unknown(o, id) ??
        (o!.buyer !== who
          ? escrowError("TradeEscrowNotBuyer", id, r.addresses[who])
          : unexpectedState(o!, OrderState.Funded, OrderState.Delivered));
      const tx = () => r.escrow.connect(r.actors[who]!).release(id, 0n);
      await closing(m, r, o, at, error, tx, OrderState.Released, 0n);
    },
    hasTarget(t),
  );
}

function dispute(caller: Caller, t: Target): Cmd {
  return step(
    `dispute(by ${describeCaller(caller)}, ${describeTarget(t)})`,
    async (m, r) => {
      const { o, id } = resolveTarget(m, t, [OrderState.Funded, OrderState.Delivered]);
      const who = resolveCaller(o, caller);
      const at = await nextBlock(m);
      let error = unknown(o, id);
      if (error === undefined && o !== undefined) {
        const deadline = o.state === OrderState.Funded ? o.deliveryDeadline : o.releaseDeadline;
        error =
          o.buyer !== who && o.seller !== who
            ? escrowError("TradeEscrowNotParty", id, r.addresses[who])
            : (unexpectedState(o, OrderState.Funded, OrderState.Delivered) ??
              (at > deadline ? escrowError("TradeEscrowDeadlinePassed", id, deadline, at) : undefined));
      }
      await expectOutcome(r, r.escrow.connect(r.actors[who]!).dispute(id, HASH), error);
      m.now = at;
      if (error === undefined) o!.state = OrderState.Disputed;
    },
    hasTarget(t),
  );
}

/** How an arbiter splits: the buyer's share in quarters, or any part; `invalid` adds a wei to the seller's part. */
interface SplitSpec {
  quarters: number | null;
  part: bigint;
  invalid: boolean;
}

function resolve(caller: Caller, t: Target, split: SplitSpec): Cmd {
  const share = split.quarters === null ? `${split.part} ppm` : `${split.quarters}/4`;
  const label = `resolve(by ${describeCaller(caller)}, ${describeTarget(t)}, buyer ${share}${split.invalid ? ", +1 wei" : ""})`;
  return step(
    label,
    async (m, r) => {
      const { o, id } = resolveTarget(m, t, [OrderState.Disputed]);
      const who = resolveCaller(o, caller);
      const amount = o?.amount ?? KC(1);
      const buyerAmount =
        split.quarters === null ? (amount * split.part) / 1_000_000n : (amount * BigInt(split.quarters)) / 4n;
      const sellerAmount = amount - buyerAmount + (split.invalid ? 1n : 0n);
      const at = await nextBlock(m);
      let error = unknown(o, id);
      if (error === undefined && o !== undefined) {
        error =
          who !== ARBITER && who !== KATY_ARBITER
            ? escrowError("TradeEscrowNotArbiter", id, r.addresses[who], r.registryAddress)
            : who === o.buyer || who === o.seller
              ? escrowError("TradeEscrowArbiterIsParty", id, r.addresses[who])
              : (unexpectedState(o, OrderState.Disputed) ??
                (split.invalid
                  ? escrowError("TradeEscrowInvalidSplit", id, buyerAmount, sellerAmount, amount)
                  : undefined));
      }
      const tx = () => r.escrow.connect(r.actors[who]!).resolve(id, buyerAmount, sellerAmount, 0n, HASH);
      await closing(m, r, o, at, error, tx, OrderState.Resolved, buyerAmount);
    },
    hasTarget(t),
  );
}

function refund(caller: Caller, t: Target): Cmd {
  return step(
    `refund(by ${describeCaller(caller)}, ${describeTarget(t)})`,
    async (m, r) => {
      const { o, id } = resolveTarget(m, t, [OrderState.Funded]);
      const who = resolveCaller(o, caller);
      const at = await nextBlock(m);
      const error =
        unknown(o, id) ??
        (o!.buyer !== who
          ? escrowError("TradeEscrowNotBuyer", id, r.addresses[who])
          : (unexpectedState(o!, OrderState.Funded) ??
            (at <= o!.deliveryDeadline
              ? escrowError("TradeEscrowDeadlineNotReached", id, o!.deliveryDeadline, at)
              : undefined)));
      const tx = () => r.escrow.connect(r.actors[who]!).refund(id);
      await closing(m, r, o, at, error, tx, OrderState.Refunded, o?.amount ?? 0n);
    },
    hasTarget(t),
  );
}

function claim(caller: Caller, t: Target): Cmd {
  return step(
    `claim(by ${describeCaller(caller)}, ${describeTarget(t)})`,
    async (m, r) => {
      const { o, id } = resolveTarget(m, t, [OrderState.Delivered]);
      const who = resolveCaller(o, caller);
      const at = await nextBlock(m);
      const error =
        unknown(o, id) ??
        (o!.seller !== who
          ? escrowError("TradeEscrowNotSeller", id, r.addresses[who])
          : (unexpectedState(o!, OrderState.Delivered) ??
            (at <= o!.releaseDeadline
              ? escrowError("TradeEscrowDeadlineNotReached", id, o!.releaseDeadline, at)
              : undefined)));
      const tx = () => r.escrow.connect(r.actors[who]!).claim(id, 0n);
      await closing(m, r, o, at, error, tx, OrderState.Claimed, 0n);
    },
    hasTarget(t),
  );
}

function advance(seconds: number): Cmd {
  return step(`advance ${seconds} s`, async (m) => {
    await time.increase(seconds);
    m.now += seconds;
  });
}

/**
 * Moves time so that the next transaction lands at an open order's delivery or release deadline + `offset`
 * (0: the last second allowed, 1: the first after it), where that still lies ahead.
 */
function advanceTo(pick: number, deadline: "delivery" | "release", offset: number): Cmd {
  const target = (o: OrderModel) => (deadline === "delivery" ? o.deliveryDeadline : o.releaseDeadline) + offset - 1;
  const candidates = (m: Readonly<EscrowModel>) =>
    m.orders.filter((o) => OPEN_STATES.includes(o.state) && target(o) > m.now);
  return step(
    `advanceTo(#${pick} ${deadline} ${offset >= 0 ? "+" : ""}${offset})`,
    async (m) => {
      const open = candidates(m);
      const at = target(open[pick % open.length]!);
      await time.increaseTo(at);
      m.now = at;
    },
    (m) => candidates(m).length > 0,
  );
}

// ------------------------------------------------------------------------------------------------ arbitraries

const traderArb = fc.integer({ min: 0, max: TRADERS - 1 });
const actorArb = fc.integer({ min: 0, max: ACTORS.length - 1 });
/** Sellers: mostly another trader, sometimes an arbiter (who then may not resolve), the stranger, or the buyer. */
const sellerArb: Arbitrary<SellerSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(1, 2).map((offset) => ({ kind: "trader", offset }) as const) },
  { weight: 1, arbitrary: actorArb.map((index) => ({ kind: "actor", index }) as const) },
);
const callerArb: Arbitrary<Caller> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Caller>("buyer") },
  { weight: 3, arbitrary: fc.constant<Caller>("seller") },
  { weight: 2, arbitrary: actorArb },
);
/** Mostly the party the step is for; sometimes the other party or anyone. */
const mostlyArb = (party: "buyer" | "seller"): Arbitrary<Caller> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant<Caller>(party) }, { weight: 2, arbitrary: callerArb });
const arbiterCallerArb: Arbitrary<Caller> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Caller>(ARBITER, KATY_ARBITER) },
  { weight: 1, arbitrary: callerArb },
);
const targetArb: Arbitrary<Target> = fc.record({
  ghost: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  focus: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  pick: fc.nat(),
});
const amountArb: Arbitrary<AmountSpec> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.bigInt({ min: 1n, max: KC(4_000) }).map((value) => ({ kind: "fixed", value }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "zero" } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: "overdraw" } as const) },
);
const deadlineSpecArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant<DeadlineSpec>("valid") },
  { weight: 1, arbitrary: fc.constantFrom<DeadlineSpec>("deliveryNow", "releaseAtDelivery") },
);
const spanArb = fc.constantFrom(HOUR, DAY, 3 * DAY);
const splitArb: Arbitrary<SplitSpec> = fc.record({
  quarters: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null, freq: 3 }),
  part: fc.bigInt({ min: 0n, max: 1_000_000n }),
  invalid: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const commandArb: Arbitrary<Cmd> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(traderArb, sellerArb, amountArb, deadlineSpecArb, spanArb, spanArb)
      .map(([buyer, seller, amount, spec, d1, d2]) => open(buyer, seller, amount, spec, d1, d2)),
  },
  { weight: 3, arbitrary: fc.tuple(mostlyArb("seller"), targetArb).map(([c, t]) => deliver(c, t)) },
  { weight: 2, arbitrary: fc.tuple(mostlyArb("buyer"), targetArb).map(([c, t]) => release(c, t)) },
  { weight: 2, arbitrary: fc.tuple(callerArb, targetArb).map(([c, t]) => dispute(c, t)) },
  {
    weight: 3,
    arbitrary: fc.tuple(arbiterCallerArb, targetArb, splitArb).map(([c, t, split]) => resolve(c, t, split)),
  },
  { weight: 2, arbitrary: fc.tuple(mostlyArb("buyer"), targetArb).map(([c, t]) => refund(c, t)) },
  { weight: 2, arbitrary: fc.tuple(mostlyArb("seller"), targetArb).map(([c, t]) => claim(c, t)) },
  { weight: 2, arbitrary: fc.constantFrom(1, 60, HOUR, DAY).map((s) => advance(s)) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.nat(), fc.constantFrom<"delivery" | "release">("delivery", "release"), fc.constantFrom(0, 1))
      .map(([pick, d, offset]) => advanceTo(pick, d, offset)),
  },
);

// ------------------------------------------------------------------------------------------------ fixture

/**
 * The escrow fixture with alice, bob and carol at tier 2 in katy, so that no daily limit bites their orders; the
 * arbiters (wallets) impersonated, so that their reverted calls are mined like everyone else's (a wallet's would
 * fail at gas estimation, in no block, and the model's clock would run ahead of the chain's).
 */
async function deployEscrowPropertyFixture() {
  const f = await deployTradeEscrowFixture();
  for (const trader of [f.alice, f.bob, f.carol]) await f.katy.registry.connect(f.verifier).setTier(trader.address, 2);
  const [arbiter, katyArbiter] = await Promise.all(
    [f.arbiter.address, f.katyArbiter.address].map(async (address) => {
      await impersonateAccount(address);
      return ethers.getSigner(address);
    }),
  );
  return { ...f, arbiterSigner: arbiter!, katyArbiterSigner: katyArbiter! };
}

async function setUp(): Promise<{ model: EscrowModel; real: Real }> {
  runs++;
  const f = await loadFixture(deployEscrowPropertyFixture);
  const actors: HardhatEthersSigner[] = [f.alice, f.bob, f.carol, f.arbiterSigner, f.katyArbiterSigner, f.stranger];
  const addresses = await Promise.all(actors.map((a) => a.getAddress()));
  const balances = await Promise.all(addresses.map((a) => f.katy.token.balanceOf(a)));
  expect(await f.katy.token.balanceOf(f.escrowAddress), "escrow starts empty").to.equal(0n);
  return {
    model: new EscrowModel(await time.latest(), balances),
    real: {
      escrow: f.escrow,
      token: f.katy.token,
      registryAddress: await f.katy.registry.getAddress(),
      actors,
      addresses,
      escrowAddress: f.escrowAddress,
    },
  };
}

// ------------------------------------------------------------------------------------------------ property

describe("TradeEscrow (property)", function () {
  // generous: on failure fast-check shrinks, replaying many shorter sequences
  this.timeout(60 * 60_000);

  after(() => {
    console.log(`      escrow property: ${actions.toLocaleString("en-US")} actions in ${runs} runs`);
    if (process.env.PROPERTY_STATS !== "true") return;
    for (const [key, count] of [...stats].sort()) console.log(`      ${key}: ${count}`);
  });

  describe("when random orders, deliveries, releases, disputes, splits, refunds, claims and time steps run, by parties and others", () => {
    it("holds exactly the open orders' amounts, keeps each order's state equal to the model's, and pays each closed order's amount once, to buyer and seller", async () => {
      await assertModelRuns(commandArb, setUp, { maxCommands: MAX_COMMANDS, runs: RUNS });
    });
  });
});

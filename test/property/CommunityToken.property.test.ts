import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { ContractTransactionResponse, TypedDataDomain } from "ethers";
import fc, { type Arbitrary, type AsyncCommand } from "fast-check";
import { signTransferAuthorization, signTyped, typedDataDomain } from "../../scripts/lib/signing";
import { Verdict } from "../../scripts/lib/verdicts";
import type { CommunityToken, ComplianceRegistry, SanctionsList } from "../../typechain-types";
import { deployCommunityFixture, KC, ref } from "../shared/fixtures";
import { type AmountSpec, CommunityModel, describeAmount, type ExpectedError, formatKC, WINDOW } from "./model";

/**
 * Model-based property tests (house style 13): fast-check drives random sequences of commands against a fresh
 * community and a plain-TypeScript model of it (./model.ts), and checks the money invariants after every step.
 * The model's accounts are the four users and the relayer, which submits signed transfers and spends allowances
 * (a third-party operator, screened like any party), and can itself be frozen or sanctioned.
 *
 * Time is exact: every transaction is mined at a timestamp we set (the model's `now + 1`), so the model knows
 * the `block.timestamp` each transaction sees; view calls run at the latest block's timestamp (`now`).
 *
 * Environment: PROPERTY_RUNS (default 25); PROPERTY_SEED, PROPERTY_PATH and PROPERTY_REPLAY_PATH replay a reported
 * failure; PROPERTY_SHRINK=false stops at the first failure; PROPERTY_STATS=true prints how often each command
 * ran and each outcome occurred.
 */

const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
const MAX_COMMANDS = 30;
const USERS = ["alice", "bob", "carol", "dave"] as const;
/** The relayer's index in the model: after the users. */
const RELAYER = USERS.length;
const HOUR = 3_600;
const REASON = ethers.encodeBytes32String("property-test");

/** The system under test, as one run sees it. */
interface Real {
  token: CommunityToken;
  registry: ComplianceRegistry;
  sanctions: SanctionsList;
  minter: HardhatEthersSigner;
  pauser: HardhatEthersSigner;
  verifier: HardhatEthersSigner;
  officer: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  users: HardhatEthersSigner[];
  domain: TypedDataDomain;
}

type Invariants = (m: CommunityModel, r: Real) => Promise<void>;
type Cmd = AsyncCommand<CommunityModel, Real>;

/** With PROPERTY_STATS=true, how often each command ran and each outcome occurred, printed after the suite. */
const stats = new Map<string, number>();
const tally = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);

/** fc.commands constraints: PROPERTY_REPLAY_PATH is the `replayPath` a failure report prints, with its seed and path. */
function commandsConstraints(): fc.CommandsContraints {
  const replayPath = process.env.PROPERTY_REPLAY_PATH;
  return { maxCommands: MAX_COMMANDS, size: "max", ...(replayPath === undefined ? {} : { replayPath }) };
}

/** A command: `act` performs one step and updates the model, then `invariants` checks the whole state. */
function step(
  label: string,
  invariants: Invariants,
  act: (m: CommunityModel, r: Real) => Promise<void>,
  applies: (m: Readonly<CommunityModel>) => boolean = () => true,
): Cmd {
  return {
    check: applies,
    run: async (m, r) => {
      tally(`command ${label.replace(/[ (].*$/, "")}`);
      await act(m, r);
      await invariants(m, r);
    },
    toString: () => label,
  };
}

function fcParameters(): fc.Parameters<unknown> {
  const { PROPERTY_SEED: seed, PROPERTY_PATH: path, PROPERTY_SHRINK: shrink } = process.env;
  return {
    numRuns: RUNS,
    endOnFailure: shrink === "false",
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}

// ------------------------------------------------------------------------------------------------ helpers

/** The signer of model account `i`: a user, or the relayer. */
function user(r: Real, i: number): HardhatEthersSigner {
  const u = i === RELAYER ? r.relayer : r.users[i];
  if (u === undefined) throw new Error(`no user ${i}`);
  return u;
}

const nameOf = (i: number | null) => (i === null ? "0x0" : i === RELAYER ? "relayer" : (USERS[i] ?? `#${i}`));

/** Fixes the next block's timestamp at the model's `now + 1` and returns it. */
async function nextBlock(m: CommunityModel): Promise<number> {
  const at = m.now + 1;
  await time.setNextBlockTimestamp(at);
  return at;
}

/** Awaits `tx` and asserts it reverted with `error` (by name and arguments), or succeeded if none. */
async function expectOutcome(r: Real, tx: Promise<ContractTransactionResponse>, error: ExpectedError | undefined) {
  tally(`outcome ${error?.name ?? "success"}`);
  if (error === undefined) {
    await (await tx).wait();
    return;
  }
  const contract = error.contract === "registry" ? r.registry : r.token;
  const assertion = expect(tx).to.be.revertedWithCustomError(contract, error.name);
  await (error.args.length === 0 ? assertion : assertion.withArgs(...error.args));
}

/** (d) the on-chain verdict, from the registry and from the token's forwarder, agrees with the model. */
async function expectVerdict(m: CommunityModel, r: Real, from: number | null, to: number | null, amount: bigint) {
  const expected = m.canTransfer(from, to, amount, m.now);
  const atNextBlock = m.canTransfer(from, to, amount, m.now + 1);
  if (atNextBlock !== expected) tally(`verdict ${Verdict[expected]} at the call, ${Verdict[atNextBlock]} at the tx`);
  const args = [m.addressOf(from), m.addressOf(to), amount] as const;
  const [fromRegistry, fromToken] = await Promise.all([r.registry.canTransfer(...args), r.token.canTransfer(...args)]);
  for (const [allowed, verdict] of [fromRegistry, fromToken]) {
    expect(Verdict[Number(verdict)], `canTransfer(${nameOf(from)}, ${nameOf(to)}, ${formatKC(amount)})`).to.equal(
      Verdict[expected],
    );
    expect(allowed).to.equal(expected === Verdict.Allowed);
  }
}

/**
 * A mint, transfer or redemption: checks the verdict, predicts the outcome exactly, and applies it. `operator`
 * calls the token: the sender itself unless given.
 */
async function moveTokens(
  m: CommunityModel,
  r: Real,
  from: number | null,
  to: number | null,
  amount: bigint,
  submit: () => Promise<ContractTransactionResponse>,
  operator: number | null = from,
) {
  await expectVerdict(m, r, from, to, amount);
  const at = await nextBlock(m);
  const error = m.expectedError(from, to, amount, at, operator);
  await expectOutcome(r, submit(), error);
  m.now = at;
  if (error === undefined) m.applyTransfer(from, to, amount, at, operator);
}

/** {IComplianceRegistry-screen} agrees with the model for every account. */
async function expectScreens(m: CommunityModel, r: Real) {
  const screens = await Promise.all(m.accounts.map((a) => r.registry.screen(a.address)));
  m.accounts.forEach((_, i) => {
    expect(Verdict[Number(screens[i])], `screen(${nameOf(i)})`).to.equal(Verdict[m.screen(i)]);
  });
}

/**
 * (a) balances match the model and sum to the total supply; (b) follows, since a blocked transfer leaves the
 * model, hence every balance, unchanged; (c) each account's window matches the model, and the record of sends
 * never exceeds a limit; and each account's allowance to the relayer and its `screen` verdict match the model.
 */
async function complianceInvariants(m: CommunityModel, r: Real) {
  const addresses = m.accounts.map((a) => a.address);
  const [latest, supply, balances, spent, allowances] = await Promise.all([
    time.latest(),
    r.token.totalSupply(),
    Promise.all(addresses.map((a) => r.token.balanceOf(a))),
    Promise.all(addresses.map((a) => r.registry.spentToday(a))),
    Promise.all(addresses.map((a) => r.token.allowance(a, r.relayer.address))),
  ]);
  expect(latest, "every transaction was mined at the timestamp the model set").to.equal(m.now);
  await expectScreens(m, r);
  expect(supply, "totalSupply").to.equal(m.totalSupply);
  expect(
    balances.reduce((sum, b) => sum + b, 0n),
    "sum of balances",
  ).to.equal(supply);
  m.accounts.forEach((a, i) => {
    expect(balances[i], `balance of ${nameOf(i)}`).to.equal(a.balance);
    expect(allowances[i], `allowance(${nameOf(i)}, relayer)`).to.equal(a.allowance);
    const expected = m.spentToday(i, m.now);
    expect(spent[i]?.[0], `spentToday(${nameOf(i)}).spent`).to.equal(expected.spent);
    expect(spent[i]?.[1], `spentToday(${nameOf(i)}).windowStart`).to.equal(BigInt(expected.windowStart));
  });
  expect(m.dailyLimitViolations(), "sends beyond a daily limit").to.deep.equal([]);
}

// ------------------------------------------------------------------------------------------------ commands

function mint(invariants: Invariants, to: number, amount: bigint): Cmd {
  return step(`mint(${nameOf(to)}, ${formatKC(amount)})`, invariants, async (m, r) => {
    const depositRef = ref(`deposit-${++m.deposits}`);
    await moveTokens(m, r, null, to, amount, () => r.token.connect(r.minter).mint(m.addressOf(to), amount, depositRef));
  });
}

async function sendTransfer(m: CommunityModel, r: Real, from: number, to: number, spec: AmountSpec) {
  const amount = m.resolveAmount(from, spec, m.now + 1);
  await moveTokens(m, r, from, to, amount, () => r.token.connect(user(r, from)).transfer(m.addressOf(to), amount));
}

function transfer(invariants: Invariants, from: number, to: number, spec: AmountSpec): Cmd {
  const label = `transfer(${nameOf(from)} -> ${nameOf(to)}, ${describeAmount(spec)})`;
  return step(label, invariants, (m, r) => sendTransfer(m, r, from, to, spec));
}

function redeem(invariants: Invariants, from: number, spec: AmountSpec): Cmd {
  return step(`redeem(${nameOf(from)}, ${describeAmount(spec)})`, invariants, async (m, r) => {
    const amount = m.resolveAmount(from, spec, m.now + 1);
    const payoutRef = ref(`payout-${++m.payouts}`);
    await moveTokens(m, r, from, null, amount, () => r.token.connect(user(r, from)).redeem(amount, payoutRef));
  });
}

/** Sets what `owner` allows the relayer to spend; approving is neither paused nor screened. */
function approve(invariants: Invariants, owner: number, amount: bigint): Cmd {
  return step(`approve(${nameOf(owner)} -> relayer, ${formatKC(amount)})`, invariants, async (m, r) => {
    const at = await nextBlock(m);
    await expectOutcome(r, r.token.connect(user(r, owner)).approve(r.relayer.address, amount), undefined);
    m.now = at;
    m.account(owner).allowance = amount;
  });
}

/**
 * The relayer moves `from`'s tokens with `transferFrom`, as a third-party operator: the allowance is checked
 * first, then the pause, the rules (the relayer screened too) and the balance. A zero amount needs no allowance,
 * so the relayer can try it on anyone: it must never open that account's daily window.
 */
function transferFrom(invariants: Invariants, from: number, to: number, spec: AmountSpec): Cmd {
  const label = `transferFrom(relayer: ${nameOf(from)} -> ${nameOf(to)}, ${describeAmount(spec)})`;
  return step(label, invariants, async (m, r) => {
    const amount = m.resolveAmount(from, spec, m.now + 1);
    await expectVerdict(m, r, from, to, amount);
    const at = await nextBlock(m);
    const allowance = m.account(from).allowance;
    const error: ExpectedError | undefined =
      allowance < amount
        ? { contract: "token", name: "ERC20InsufficientAllowance", args: [r.relayer.address, allowance, amount] }
        : m.expectedError(from, to, amount, at, RELAYER);
    const tx = r.token.connect(r.relayer).transferFrom(m.addressOf(from), m.addressOf(to), amount);
    await expectOutcome(r, tx, error);
    m.now = at;
    if (error === undefined) {
      m.applyTransfer(from, to, amount, at, RELAYER);
      m.account(from).allowance -= amount;
    }
  });
}

type AuthorizationVariant = "valid" | "notYetValid" | "expired" | "wrongSigner";
/** Who submits a signed transfer: the relayer (a third-party operator, screened) or the payee (not a third party). */
type Submitter = "relayer" | "payee";

/**
 * An ERC-3009 transfer signed by `from` (EIP-712, domain read from `eip712Domain()`) and submitted by `submitter`.
 * Valid ones are valid from the block before (the tightest `validAfter`) for `validFor` seconds; the others hit
 * the edges of the validity window exactly, or carry the wrong signer.
 */
function signedTransfer(
  invariants: Invariants,
  from: number,
  to: number,
  spec: AmountSpec,
  variant: AuthorizationVariant,
  validFor: number,
  submitter: Submitter,
): Cmd {
  const label = `transferWithAuthorization(${nameOf(from)} -> ${nameOf(to)}, ${describeAmount(
    spec,
  )}, ${variant}, ${validFor}s, by ${submitter})`;
  const operator = submitter === "relayer" ? RELAYER : to;
  return step(label, invariants, async (m, r) => {
    const value = m.resolveAmount(from, spec, m.now + 1);
    await expectVerdict(m, r, from, to, value);
    const at = m.now + 1;
    const validAfter = variant === "notYetValid" ? at : at - 1;
    const validBefore = variant === "expired" ? at : at + validFor;
    const nonce = ethers.id(`authorization-${++m.authorizations}`);
    const signer = user(r, variant === "wrongSigner" ? (from + 1) % USERS.length : from);
    const message = { from: m.addressOf(from), to: m.addressOf(to), value, validAfter, validBefore, nonce };
    const signature = await signTransferAuthorization(signer, r.domain, message);
    const error: ExpectedError | undefined =
      variant === "wrongSigner"
        ? { contract: "token", name: "ERC3009InvalidSignature", args: [] }
        : variant !== "valid"
          ? { contract: "token", name: "ERC3009InvalidAuthorizationTime", args: [validAfter, validBefore] }
          : m.expectedError(from, to, value, at, operator);
    await time.setNextBlockTimestamp(at);
    const tx = r.token.connect(user(r, operator)).transferWithAuthorization(...signature.args);
    await expectOutcome(r, tx, error);
    m.now = at;
    // a reverted authorization leaves its nonce unused
    expect(await r.token.authorizationState(message.from, nonce), "authorization used").to.equal(error === undefined);
    if (error === undefined) {
      m.applyTransfer(from, to, value, at, operator);
      m.lastAuthorization = {
        from,
        to,
        value,
        validAfter,
        validBefore,
        nonce,
        v: signature.v,
        r: signature.r,
        s: signature.s,
      };
    }
  });
}

/** Replays the last authorization that moved tokens: it must fail, on its nonce or, once expired, on time. */
function replayAuthorization(invariants: Invariants): Cmd {
  return step(
    "replay last authorization",
    invariants,
    async (m, r) => {
      const a = m.lastAuthorization;
      if (a === undefined) throw new Error("no authorization to replay");
      const at = await nextBlock(m);
      const from = m.addressOf(a.from);
      const error: ExpectedError =
        at > a.validAfter && at < a.validBefore
          ? { contract: "token", name: "ERC3009UsedAuthorization", args: [from, a.nonce] }
          : { contract: "token", name: "ERC3009InvalidAuthorizationTime", args: [a.validAfter, a.validBefore] };
      const tx = r.token
        .connect(r.relayer)
        .transferWithAuthorization(
          from,
          m.addressOf(a.to),
          a.value,
          a.validAfter,
          a.validBefore,
          a.nonce,
          a.v,
          a.r,
          a.s,
        );
      await expectOutcome(r, tx, error);
      m.now = at;
    },
    (m) => m.lastAuthorization !== undefined,
  );
}

function freeze(invariants: Invariants, who: number): Cmd {
  return step(`freeze(${nameOf(who)})`, invariants, async (m, r) => {
    const at = await nextBlock(m);
    const account = m.account(who);
    const error: ExpectedError | undefined = account.frozen
      ? { contract: "registry", name: "ComplianceAccountAlreadyFrozen", args: [account.address] }
      : undefined;
    await expectOutcome(r, r.registry.connect(r.officer).freeze(account.address, REASON), error);
    m.now = at;
    account.frozen = true;
  });
}

function unfreeze(invariants: Invariants, who: number): Cmd {
  return step(`unfreeze(${nameOf(who)})`, invariants, async (m, r) => {
    const at = await nextBlock(m);
    const account = m.account(who);
    const error: ExpectedError | undefined = account.frozen
      ? undefined
      : { contract: "registry", name: "ComplianceAccountNotFrozen", args: [account.address] };
    await expectOutcome(r, r.registry.connect(r.officer).unfreeze(account.address, REASON), error);
    m.now = at;
    account.frozen = false;
  });
}

function setTier(invariants: Invariants, who: number, tier: number): Cmd {
  return step(`setTier(${nameOf(who)}, ${tier})`, invariants, async (m, r) => {
    const at = await nextBlock(m);
    await expectOutcome(r, r.registry.connect(r.verifier).setTier(m.addressOf(who), tier), undefined);
    m.now = at;
    m.account(who).tier = tier;
  });
}

function sanction(invariants: Invariants, who: number, listed: boolean): Cmd {
  return step(`${listed ? "sanction" : "unsanction"}(${nameOf(who)})`, invariants, async (m, r) => {
    const at = await nextBlock(m);
    const list = r.sanctions.connect(r.officer);
    const addresses = [m.addressOf(who)];
    await expectOutcome(
      r,
      listed ? list.addToSanctionsList(addresses) : list.removeFromSanctionsList(addresses),
      undefined,
    );
    m.now = at;
    m.account(who).sanctioned = listed;
  });
}

function setPaused(invariants: Invariants, paused: boolean): Cmd {
  return step(paused ? "pause" : "unpause", invariants, async (m, r) => {
    const at = await nextBlock(m);
    const error: ExpectedError | undefined =
      m.paused === paused
        ? { contract: "token", name: paused ? "EnforcedPause" : "ExpectedPause", args: [] }
        : undefined;
    const token = r.token.connect(r.pauser);
    await expectOutcome(r, paused ? token.pause() : token.unpause(), error);
    m.now = at;
    m.paused = paused;
  });
}

function advance(invariants: Invariants, seconds: number): Cmd {
  return step(`advance ${seconds / HOUR} h`, invariants, async (m) => {
    await time.increase(seconds);
    m.now += seconds;
  });
}

/**
 * Moves time so that the next transaction lands at an account's window end + `offset` (-1: the last second of
 * the window, 0: the first second after it, 1: the next); view calls then run one second before that transaction.
 * The account is the `pick`-th (modulo) of those whose window end still lies ahead. With `send`, that account
 * then transfers, right at the edge.
 */
function advanceToWindowEnd(
  invariants: Invariants,
  pick: number,
  offset: number,
  send?: { to: number; spec: AmountSpec },
): Cmd {
  const target = (m: Readonly<CommunityModel>, i: number) => m.account(i).windowStart + WINDOW + offset - 1;
  const candidates = (m: Readonly<CommunityModel>) =>
    m.accounts.flatMap((a, i) => (a.windowStart !== 0 && target(m, i) > m.now ? [i] : []));
  const then = send === undefined ? "" : `, then transfer(-> ${nameOf(send.to)}, ${describeAmount(send.spec)})`;
  return step(
    `advanceToWindowEnd(#${pick}, ${offset >= 0 ? "+" : ""}${offset} s${then})`,
    invariants,
    async (m, r) => {
      const open = candidates(m);
      const who = open[pick % open.length];
      if (who === undefined) throw new Error("no window to advance to");
      const at = target(m, who);
      await time.increaseTo(at);
      m.now = at;
      if (send !== undefined) await sendTransfer(m, r, who, send.to, send.spec);
    },
    (m) => candidates(m).length > 0,
  );
}

/** `who` delegates its votes; a frozen or sanctioned account may not, whoever the delegatee. */
function delegate(invariants: Invariants, who: number, delegatee: number | null): Cmd {
  return step(`delegate(${nameOf(who)} -> ${nameOf(delegatee)})`, invariants, async (m, r) => {
    const at = await nextBlock(m);
    const error = m.expectedDelegationError(who);
    await expectOutcome(r, r.token.connect(user(r, who)).delegate(m.addressOf(delegatee)), error);
    m.now = at;
    if (error === undefined) m.account(who).delegate = delegatee;
  });
}

/**
 * `who` signs a delegation (EIP-712) that the relayer submits: `who` is screened, the relayer is not. A blocked
 * delegation leaves the signer's nonce unused.
 */
function delegateBySig(invariants: Invariants, who: number, delegatee: number | null): Cmd {
  return step(`delegateBySig(${nameOf(who)} -> ${nameOf(delegatee)}, by relayer)`, invariants, async (m, r) => {
    const account = m.account(who);
    const nonce = await r.token.nonces(account.address);
    const expiry = m.now + 1 + HOUR;
    const message = { delegatee: m.addressOf(delegatee), nonce, expiry };
    const { v, r: sigR, s } = await signTyped(user(r, who), r.domain, "Delegation", message);
    const at = await nextBlock(m);
    const error = m.expectedDelegationError(who);
    const tx = r.token.connect(r.relayer).delegateBySig(message.delegatee, nonce, expiry, v, sigR, s);
    await expectOutcome(r, tx, error);
    m.now = at;
    expect(await r.token.nonces(account.address), "delegation nonce").to.equal(nonce + (error === undefined ? 1n : 0n));
    if (error === undefined) account.delegate = delegatee;
  });
}

// ------------------------------------------------------------------------------------------------ arbitraries

const userArb = fc.integer({ min: 0, max: USERS.length - 1 });
/** Whom compliance acts on: mostly a user, sometimes the relayer. */
const partyArb = fc.oneof({ weight: 2, arbitrary: userArb }, { weight: 1, arbitrary: fc.constant(RELAYER) });
const mintAmountArb = fc.integer({ min: 0, max: 50_000 }).map((n) => KC(n));
const sendAmountArb: Arbitrary<AmountSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 3_000 }).map((n) => ({ kind: "fixed", value: KC(n) }) as const) },
  // zero amounts are checked but never open a daily window
  { weight: 1, arbitrary: fc.constant({ kind: "fixed", value: 0n } as const) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: KC(3_000) }).map((value) => ({ kind: "fixed", value }) as const) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(-1n, 0n, 1n).map((delta) => ({ kind: "remainingLimit", delta }) as const),
  },
  { weight: 1, arbitrary: fc.constantFrom(-1n, 0n, 1n).map((delta) => ({ kind: "balance", delta }) as const) },
);
const approveAmountArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 3_000 }).map((n) => KC(n)) },
  { weight: 1, arbitrary: fc.constant(0n) },
);
const spendAmountArb: Arbitrary<AmountSpec> = fc.oneof(
  { weight: 1, arbitrary: sendAmountArb },
  { weight: 2, arbitrary: fc.constantFrom(-1n, 0n, 0n, 1n).map((delta) => ({ kind: "allowance", delta }) as const) },
);
// mostly short steps, so that several sends share a window; sometimes a day or more, so that windows roll over
const hoursArb = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 6 }) },
    { weight: 1, arbitrary: fc.integer({ min: 7, max: 30 }) },
  )
  .map((h) => h * HOUR);

function complianceCommands(): Arbitrary<Cmd> {
  const inv = complianceInvariants;
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(userArb, mintAmountArb).map(([to, a]) => mint(inv, to, a)) },
    {
      weight: 5,
      arbitrary: fc.tuple(userArb, userArb, sendAmountArb).map(([from, to, a]) => transfer(inv, from, to, a)),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          userArb,
          userArb,
          sendAmountArb,
          fc.constantFrom<AuthorizationVariant>("valid", "valid", "valid", "notYetValid", "expired", "wrongSigner"),
          fc.constantFrom(1, HOUR, 2 * 24 * HOUR),
          fc.constantFrom<Submitter>("relayer", "relayer", "relayer", "payee"),
        )
        .map(([from, to, a, variant, validFor, by]) => signedTransfer(inv, from, to, a, variant, validFor, by)),
    },
    { weight: 2, arbitrary: fc.tuple(userArb, approveAmountArb).map(([owner, a]) => approve(inv, owner, a)) },
    {
      weight: 3,
      arbitrary: fc.tuple(userArb, userArb, spendAmountArb).map(([from, to, a]) => transferFrom(inv, from, to, a)),
    },
    { weight: 1, arbitrary: fc.constant(null).map(() => replayAuthorization(inv)) },
    { weight: 2, arbitrary: fc.tuple(userArb, sendAmountArb).map(([from, a]) => redeem(inv, from, a)) },
    { weight: 1, arbitrary: partyArb.map((who) => freeze(inv, who)) },
    { weight: 1, arbitrary: partyArb.map((who) => unfreeze(inv, who)) },
    {
      weight: 2,
      arbitrary: fc.tuple(userArb, fc.integer({ min: 0, max: 2 })).map(([who, tier]) => setTier(inv, who, tier)),
    },
    { weight: 1, arbitrary: partyArb.map((who) => sanction(inv, who, true)) },
    { weight: 1, arbitrary: partyArb.map((who) => sanction(inv, who, false)) },
    // the relayer, which submits signed transfers and spends allowances, is blocked and cleared often enough
    // that its screening as a third-party operator is exercised in most runs
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          () => freeze(inv, RELAYER),
          () => unfreeze(inv, RELAYER),
          () => sanction(inv, RELAYER, true),
          () => sanction(inv, RELAYER, false),
        )
        .map((make) => make()),
    },
    { weight: 1, arbitrary: fc.boolean().map((paused) => setPaused(inv, paused)) },
    { weight: 3, arbitrary: hoursArb.map((s) => advance(inv, s)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.nat(), fc.constantFrom(-1, 0, 1))
        .map(([pick, offset]) => advanceToWindowEnd(inv, pick, offset)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.nat(), fc.constantFrom(-1, 0, 1), userArb, sendAmountArb)
        .map(([pick, offset, to, spec]) => advanceToWindowEnd(inv, pick, offset, { to, spec })),
    },
  );
}

// ------------------------------------------------------------------------------------------------ fixtures

/** The community of {deployCommunityFixture} with each user (tier 0) holding 5,000 KC, so that sends can bite. */
async function deployFundedUsersFixture() {
  const f = await deployCommunityFixture();
  for (const u of [f.alice, f.bob, f.carol, f.dave]) {
    await f.token.connect(f.minter).mint(u.address, KC(5_000), ref(`fixture-deposit-${u.address}`));
  }
  return f;
}

/** The community of {deployCommunityFixture} with every user at tier 2 (unlimited), for the votes property. */
async function deployUnlimitedCommunityFixture() {
  const f = await deployCommunityFixture();
  for (const u of [f.alice, f.bob, f.carol, f.dave]) await f.registry.connect(f.verifier).setTier(u.address, 2);
  return f;
}

async function setUp(fixture: typeof deployCommunityFixture): Promise<{ model: CommunityModel; real: Real }> {
  const f = await loadFixture(fixture);
  const users = [f.alice, f.bob, f.carol, f.dave];
  const reported = await f.token.eip712Domain();
  const { fields } = reported;
  expect(fields, "EIP-712 domain fields: name, version, chainId, verifyingContract").to.equal("0x0f");
  // the model's accounts: the users, then the relayer (index RELAYER)
  const parties = [...users, f.relayer];
  const model = new CommunityModel(
    parties.map((u) => u.address),
    await time.latest(),
  );
  await Promise.all(
    parties.map(async (u, i) => {
      const account = model.account(i);
      account.tier = Number(await f.registry.tierOf(u.address));
      account.balance = await f.token.balanceOf(u.address);
      account.allowance = await f.token.allowance(u.address, f.relayer.address);
    }),
  );
  model.totalSupply = await f.token.totalSupply();
  return {
    model,
    real: {
      token: f.token,
      registry: f.registry,
      sanctions: f.sanctions,
      minter: f.minter,
      pauser: f.pauser,
      verifier: f.verifier,
      officer: f.officer,
      relayer: f.relayer,
      users,
      domain: typedDataDomain(reported),
    },
  };
}

// ------------------------------------------------------------------------------------------------ properties

describe("CommunityToken (property)", function () {
  // generous: on failure fast-check shrinks, replaying many shorter sequences
  this.timeout(10 * 60_000);

  after(() => {
    const actions = [...stats].reduce((n, [k, c]) => (k.startsWith("command ") ? n + c : n), 0);
    console.log(`      token property: ${actions.toLocaleString("en-US")} actions in ${2 * RUNS} runs`);
    if (process.env.PROPERTY_STATS !== "true") return;
    for (const [key, count] of [...stats].sort()) console.log(`      ${key}: ${count}`);
  });

  describe("when random mints, transfers, spender and relayer transfers, redemptions, compliance actions and time steps run", () => {
    it("keeps supply conserved, blocks frozen and sanctioned parties, never exceeds a daily limit, and canTransfer agrees", async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands([complianceCommands()], commandsConstraints()), async (cmds) => {
          await fc.asyncModelRun(() => setUp(deployFundedUsersFixture), cmds);
        }),
        fcParameters(),
      );
    });
  });

  describe("when random delegations (some by frozen or sanctioned accounts), mints, transfers, redemptions and compliance actions run", () => {
    /** Votes never exceed supply: each account's votes are exactly what delegates to it, also at past times. */
    const votesInvariants: Invariants = async (m, r) => {
      const addresses = m.accounts.map((a) => a.address);
      const previous = m.now - 1;
      const [supply, votes, delegates, pastVotes, pastSupply] = await Promise.all([
        r.token.totalSupply(),
        Promise.all(addresses.map((a) => r.token.getVotes(a))),
        Promise.all(addresses.map((a) => r.token.delegates(a))),
        Promise.all(addresses.map((a) => r.token.getPastVotes(a, previous))),
        r.token.getPastTotalSupply(previous),
      ]);
      expect(supply, "totalSupply").to.equal(m.totalSupply);
      expect(
        votes.reduce((sum, v) => sum + v, 0n),
        "sum of votes",
      ).to.be.lte(supply);
      m.accounts.forEach((a, i) => {
        expect(votes[i], `getVotes(${nameOf(i)})`).to.equal(m.votesOf(i));
        expect(delegates[i], `delegates(${nameOf(i)})`).to.equal(m.addressOf(a.delegate));
      });
      // every step mines at least one block after the previous step's last, so at `previous` the chain still
      // showed what the previous step left: the checkpoints on the timestamp clock must say so
      const before = votesBefore.get(m);
      if (before !== undefined) {
        expect(pastVotes, `getPastVotes at ${before.at}..${previous}`).to.deep.equal(before.votes);
        expect(pastSupply, `getPastTotalSupply at ${before.at}..${previous}`).to.equal(before.supply);
      }
      votesBefore.set(m, { at: m.now, votes, supply });
    };
    const votesBefore = new WeakMap<CommunityModel, { at: number; votes: bigint[]; supply: bigint }>();
    const delegateeArb = fc.option(userArb, { nil: null, freq: 4 });
    // Frozen and sanctioned users try to delegate too (and are refused); the relayer, which submits signed
    // delegations, is sometimes frozen or sanctioned itself, which must not matter.
    const votesCommands = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(userArb, delegateeArb).map(([who, to]) => delegate(votesInvariants, who, to)) },
      {
        weight: 2,
        arbitrary: fc.tuple(userArb, delegateeArb).map(([who, to]) => delegateBySig(votesInvariants, who, to)),
      },
      { weight: 1, arbitrary: partyArb.map((who) => freeze(votesInvariants, who)) },
      { weight: 1, arbitrary: partyArb.map((who) => unfreeze(votesInvariants, who)) },
      { weight: 1, arbitrary: fc.tuple(partyArb, fc.boolean()).map(([who, on]) => sanction(votesInvariants, who, on)) },
      { weight: 1, arbitrary: fc.boolean().map((paused) => setPaused(votesInvariants, paused)) },
      { weight: 2, arbitrary: fc.tuple(userArb, mintAmountArb).map(([to, a]) => mint(votesInvariants, to, a)) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(userArb, userArb, sendAmountArb)
          .map(([from, to, a]) => transfer(votesInvariants, from, to, a)),
      },
      { weight: 1, arbitrary: fc.tuple(userArb, sendAmountArb).map(([from, a]) => redeem(votesInvariants, from, a)) },
      { weight: 1, arbitrary: hoursArb.map((s) => advance(votesInvariants, s)) },
    );

    it("keeps the sum of votes within supply, each account's votes equal to what delegates to it, and refuses delegation by frozen or sanctioned accounts", async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands([votesCommands], commandsConstraints()), async (cmds) => {
          await fc.asyncModelRun(() => setUp(deployUnlimitedCommunityFixture), cmds);
        }),
        fcParameters(),
      );
    });
  });
});

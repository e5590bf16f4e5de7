import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import fc, { type Arbitrary, type AsyncCommand } from "fast-check";
import { assertModelRuns } from "./runner";
import type { CommunityGovernor, CommunityTimelock, CommunityToken, ComplianceRegistry } from "../../typechain-types";
import { deployLaunchedCommunityFixture, KC, ref } from "../shared/fixtures";

/**
 * Model-based property test of a community's governance (house style 13): fast-check drives random sequences of
 * token transfers and delegations between four holders, proposals (a timelock-executed tier-1 daily limit, or a
 * payment of a few wei from the timelock to a sink), votes (for, against, abstain, an invalid type; with and
 * without a reason; by holders and by a stranger with no votes), queueing, execution, cancellation and the
 * passing of time, against a community launched by the factory (timestamp clock; voting delay 60 s, period 1 h,
 * late-quorum extension 10 min, timelock delay 1 h, threshold 100 KC, quorum 4%). A plain model predicts every
 * call's outcome (success, or the exact custom error and its arguments) and, after every step:
 *   (a) each proposal's state equals the model's state machine (Pending, Active, Defeated or Succeeded by quorum
 *       and majority, Queued, Executed, Canceled; the timelock has no grace period, so no Expired), and its
 *       deadline (extended once when quorum is first reached late) and snapshot agree;
 *   (b) each proposal's tallies equal the sum over its voters of their votes at the snapshot, as the model
 *       computes them from its own history of balances and delegations; no account votes twice;
 *   (c) every holder's votes are what delegates to it, and their sum is the delegated supply;
 *   (d) executed proposals' effects happened exactly once: the sink holds the sum of the executed payments, and the
 *       tier-1 daily limit is the last executed limit.
 *
 * Every transaction is mined at a timestamp we set (the model's `now + 1`); view calls see `now`.
 *
 * Environment: PROPERTY_RUNS_GOVERNANCE (default: PROPERTY_RUNS, else 30: about 700 actions, 15 s); PROPERTY_SEED,
 * PROPERTY_PATH and PROPERTY_REPLAY_PATH replay a reported failure; PROPERTY_SHRINK=false stops at the first
 * failure; PROPERTY_STATS=true prints how often each command ran and each outcome occurred.
 */

const RUNS = Number(process.env.PROPERTY_RUNS_GOVERNANCE ?? process.env.PROPERTY_RUNS ?? 30);
const MAX_COMMANDS = 80;
const HOLDERS = ["alice", "bob", "carol", "dave"] as const;
/** The stranger's index among the voters: after the holders. It holds nothing and votes with weight 0. */
const STRANGER = HOLDERS.length;
const HOUR = 3_600;

/** The community's governance settings, from config/communities.json's defaults. */
const VOTING_DELAY = 60;
const VOTING_PERIOD = 3_600;
const VOTE_EXTENSION = 600;
const TIMELOCK_DELAY = 3_600;
const PROPOSAL_THRESHOLD = KC(100);
const QUORUM_PERCENT = 4n;
/** Where proposals' payments from the timelock go. */
const SINK = ethers.getAddress("0x000000000000000000000000000000000000c0de");
const INITIAL_HOLDINGS = [KC(10_000), KC(4_000), KC(600), KC(150)];
const TIMELOCK_FLOAT = KC(1_000);
const LIMIT_TIER = 1;

/** IGovernor.ProposalState, in declaration order. */
enum State {
  Pending,
  Active,
  Canceled,
  Defeated,
  Succeeded,
  Queued,
  Expired,
  Executed,
}

/** OpenZeppelin's `_encodeStateBitmap`: the bytes32 with bit `state` set. */
const bitmap = (...states: number[]) =>
  ethers.toBeHex(
    states.reduce((bits, s) => bits | (1n << BigInt(s)), 0n),
    32,
  );
/** TimelockController.OperationState.Ready. */
const TIMELOCK_READY = 2;

// ------------------------------------------------------------------------------------------------ the model

type Action = { kind: "limit"; value: bigint } | { kind: "pay"; value: bigint };

interface ProposalModel {
  readonly n: number;
  readonly id: bigint;
  readonly action: Action;
  readonly targets: string[];
  readonly values: bigint[];
  readonly calldatas: string[];
  readonly descriptionHash: string;
  readonly proposer: number;
  readonly snapshot: number;
  readonly voteEnd: number;
  /** PreventLateQuorum: set (once) to the vote's time + the extension when a vote first reaches quorum. */
  extendedDeadline: number;
  votes: [bigint, bigint, bigint];
  /** Each voter's support and weight: a voter appears at most once. */
  readonly voters: Map<number, { support: number; weight: bigint }>;
  eta: number;
  canceled: boolean;
  executed: boolean;
}

interface Checkpoint {
  at: number;
  votes: bigint[];
  supply: bigint;
}

class GovernanceModel {
  now: number;
  readonly balances: bigint[];
  readonly delegates: (number | null)[];
  timelockBalance: bigint;
  totalSupply: bigint;
  /** The holders' votes and the supply after every transaction that changed them, in time order. */
  readonly history: Checkpoint[] = [];
  readonly proposals: ProposalModel[] = [];
  sinkReceived = 0n;
  tierLimit: bigint;
  /** Proposals submitted so far: numbers their descriptions. */
  proposed = 0;

  constructor(
    now: number,
    balances: bigint[],
    delegates: (number | null)[],
    timelockBalance: bigint,
    supply: bigint,
    tierLimit: bigint,
  ) {
    this.now = now;
    this.balances = balances;
    this.delegates = delegates;
    this.timelockBalance = timelockBalance;
    this.totalSupply = supply;
    this.tierLimit = tierLimit;
    this.checkpoint();
  }

  balanceOf(i: number): bigint {
    return this.balances[i] ?? 0n;
  }

  votesOf(i: number): bigint {
    return this.balances.reduce((sum, b, j) => (this.delegates[j] === i ? sum + b : sum), 0n);
  }

  delegatedSupply(): bigint {
    return this.balances.reduce((sum, b, j) => (this.delegates[j] === null ? sum : sum + b), 0n);
  }

  /** Records the current votes at `now` (after a transaction mined at `now`). */
  checkpoint(): void {
    const entry = { at: this.now, votes: HOLDERS.map((_, i) => this.votesOf(i)), supply: this.totalSupply };
    const last = this.history[this.history.length - 1];
    if (last !== undefined && last.at === entry.at) this.history[this.history.length - 1] = entry;
    else this.history.push(entry);
  }

  private at(timepoint: number): Checkpoint {
    let found: Checkpoint | undefined;
    for (const c of this.history) {
      if (c.at > timepoint) break;
      found = c;
    }
    if (found === undefined) throw new Error(`model: no checkpoint at ${timepoint}`);
    return found;
  }

  /** ERC-5805 getPastVotes, from the model's own history; the stranger never has votes. */
  pastVotes(voter: number, timepoint: number): bigint {
    return voter === STRANGER ? 0n : (this.at(timepoint).votes[voter] ?? 0n);
  }

  pastSupply(timepoint: number): bigint {
    return this.at(timepoint).supply;
  }

  deadline(p: ProposalModel): number {
    return Math.max(p.voteEnd, p.extendedDeadline);
  }

  quorum(p: ProposalModel): bigint {
    return (this.pastSupply(p.snapshot) * QUORUM_PERCENT) / 100n;
  }

  quorumReached(p: ProposalModel): boolean {
    return this.quorum(p) <= p.votes[1] + p.votes[2];
  }

  /** IGovernor.state as a call at `t` sees it. */
  stateAt(p: ProposalModel, t: number): State {
    if (p.executed) return State.Executed;
    if (p.canceled) return State.Canceled;
    if (p.snapshot >= t) return State.Pending;
    if (this.deadline(p) >= t) return State.Active;
    if (!this.quorumReached(p) || p.votes[1] <= p.votes[0]) return State.Defeated;
    return p.eta === 0 ? State.Succeeded : State.Queued;
  }
}

// ------------------------------------------------------------------------------------------------ harness

interface Real {
  governor: CommunityGovernor;
  timelock: CommunityTimelock;
  token: CommunityToken;
  registry: ComplianceRegistry;
  holders: HardhatEthersSigner[];
  stranger: HardhatEthersSigner;
  addresses: { governor: string; token: string; registry: string };
}

type Cmd = AsyncCommand<GovernanceModel, Real>;

interface ExpectedError {
  contract: "governor" | "timelock" | "token";
  name: string;
  args: readonly unknown[];
}

const stats = new Map<string, number>();
const tally = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);
let actions = 0;
let runs = 0;
/** The running command's name, for the outcome stats. */
let current = "";

const nameOf = (i: number | null) => (i === null ? "nobody" : i === STRANGER ? "stranger" : (HOLDERS[i] ?? `#${i}`));

function voter(r: Real, i: number): HardhatEthersSigner {
  const s = i === STRANGER ? r.stranger : r.holders[i];
  if (s === undefined) throw new Error(`no voter ${i}`);
  return s;
}

/** A command on proposal `t` applies once there is a proposal to pick (the ghost always). */
const hasTarget = (t: Target) => (m: Readonly<GovernanceModel>) => t.ghost || m.proposals.length > 0;

function step(
  label: string,
  act: (m: GovernanceModel, r: Real) => Promise<void>,
  applies: (m: Readonly<GovernanceModel>) => boolean = () => true,
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

async function nextBlock(m: GovernanceModel): Promise<number> {
  const at = m.now + 1;
  await time.setNextBlockTimestamp(at);
  return at;
}

async function expectOutcome(r: Real, tx: Promise<ContractTransactionResponse>, error: ExpectedError | undefined) {
  const state = error?.name === "GovernorUnexpectedProposalState" ? ` (${State[Number(error.args[1])]})` : "";
  tally(`outcome ${current} ${error?.name ?? "success"}${state}`);
  if (error === undefined) {
    await (await tx).wait();
    return;
  }
  const contract: BaseContract = { governor: r.governor, timelock: r.timelock, token: r.token }[error.contract];
  const assertion = expect(tx).to.be.revertedWithCustomError(contract, error.name);
  await (error.args.length === 0 ? assertion : assertion.withArgs(...error.args));
}

const governorError = (name: string, ...args: unknown[]): ExpectedError => ({ contract: "governor", name, args });

/** Which proposal a command acts on: the `pick`-th (modulo) of those proposed, or one never proposed. */
interface Target {
  ghost: boolean;
  /**
   * Whether to pick among the proposals in the state the command needs at the next block (Active to vote,
   * Succeeded to queue, ...), when there are any: else random picks would mostly hit the wrong state.
   */
  focus: boolean;
  pick: number;
}

const GHOST_DESCRIPTION = "never proposed";

function describeTarget(t: Target): string {
  return t.ghost ? "ghost" : `${t.focus ? "focus " : ""}#${t.pick}`;
}

/** The calls and id of a proposal; `n` makes its description unique. */
function proposalCalls(r: Real, action: Action, description: string) {
  const targets = action.kind === "limit" ? [r.addresses.registry] : [r.addresses.token];
  const calldatas =
    action.kind === "limit"
      ? [r.registry.interface.encodeFunctionData("setDailyLimit", [LIMIT_TIER, action.value])]
      : [r.token.interface.encodeFunctionData("transfer", [SINK, action.value])];
  const values = [0n];
  const descriptionHash = ethers.id(description);
  const id = BigInt(
    ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32"],
        [targets, values, calldatas, descriptionHash],
      ),
    ),
  );
  return { targets, values, calldatas, descriptionHash, id };
}

/** The proposal `t` names, as calls (the model's, or the ghost's), with the model's record when there is one. */
function resolveTarget(m: GovernanceModel, r: Real, t: Target, wanted?: State) {
  if (t.ghost || m.proposals.length === 0) {
    return { p: undefined, ...proposalCalls(r, { kind: "pay", value: 1n }, GHOST_DESCRIPTION) };
  }
  const focused = m.proposals.filter((q) => wanted !== undefined && m.stateAt(q, m.now + 1) === wanted);
  const among = t.focus && focused.length > 0 ? focused : m.proposals;
  const p = among[t.pick % among.length]!;
  return {
    p,
    targets: p.targets,
    values: p.values,
    calldatas: p.calldatas,
    descriptionHash: p.descriptionHash,
    id: p.id,
  };
}

// ------------------------------------------------------------------------------------------------ invariants

async function invariants(m: GovernanceModel, r: Real) {
  const holderAddresses = r.holders.map((h) => h.address);
  const [latest, balances, votes, delegates, sink, limit, timelockBalance, supply, perProposal] = await Promise.all([
    time.latest(),
    Promise.all(holderAddresses.map((a) => r.token.balanceOf(a))),
    Promise.all(holderAddresses.map((a) => r.token.getVotes(a))),
    Promise.all(holderAddresses.map((a) => r.token.delegates(a))),
    r.token.balanceOf(SINK),
    r.registry.dailyLimit(LIMIT_TIER),
    r.token.balanceOf(r.timelock),
    r.token.totalSupply(),
    Promise.all(
      m.proposals.map((p) =>
        Promise.all([r.governor.state(p.id), r.governor.proposalVotes(p.id), r.governor.proposalDeadline(p.id)]),
      ),
    ),
  ]);
  expect(latest, "every transaction was mined at the timestamp the model set").to.equal(m.now);
  // (c) votes are what delegates to each holder; their sum is the delegated supply
  HOLDERS.forEach((name, i) => {
    expect(balances[i], `balanceOf(${name})`).to.equal(m.balanceOf(i));
    expect(votes[i], `getVotes(${name})`).to.equal(m.votesOf(i));
    const d = m.delegates[i] ?? null;
    expect(delegates[i], `delegates(${name})`).to.equal(d === null ? ethers.ZeroAddress : holderAddresses[d]);
  });
  expect(
    votes.reduce((sum, v) => sum + v, 0n),
    "sum of votes = delegated supply",
  ).to.equal(m.delegatedSupply());
  expect(supply, "totalSupply").to.equal(m.totalSupply);
  expect(timelockBalance, "timelock balance").to.equal(m.timelockBalance);
  // (d) executed effects, exactly once
  expect(sink, "sink: the sum of executed payments").to.equal(m.sinkReceived);
  expect(limit, `dailyLimit(${LIMIT_TIER}): the last executed limit`).to.equal(m.tierLimit);
  // (a) and (b), proposal by proposal
  m.proposals.forEach((p, k) => {
    const [state, proposalVotes, deadline] = perProposal[k]!;
    expect(State[Number(state)], `state(#${p.n})`).to.equal(State[m.stateAt(p, m.now)]);
    expect(deadline, `proposalDeadline(#${p.n})`).to.equal(BigInt(m.deadline(p)));
    const recomputed: [bigint, bigint, bigint] = [0n, 0n, 0n];
    for (const [who, v] of p.voters) recomputed[v.support]! += m.pastVotes(who, p.snapshot);
    expect(recomputed, `#${p.n}: the model's tallies = the voters' votes at the snapshot`).to.deep.equal(p.votes);
    expect([...proposalVotes], `proposalVotes(#${p.n}) [against, for, abstain]`).to.deep.equal(p.votes);
  });
}

// ------------------------------------------------------------------------------------------------ commands

type AmountSpec = { kind: "part"; quarters: number } | { kind: "overdraw" };

function transfer(from: number, to: number, spec: AmountSpec): Cmd {
  const label = `transfer(${nameOf(from)} -> ${nameOf(to)}, ${spec.kind === "part" ? `${spec.quarters}/4` : "balance+1"})`;
  return step(label, async (m, r) => {
    const balance = m.balanceOf(from);
    const amount = spec.kind === "part" ? (balance * BigInt(spec.quarters)) / 4n : balance + 1n;
    await nextBlock(m);
    const error: ExpectedError | undefined =
      amount > balance
        ? { contract: "token", name: "ERC20InsufficientBalance", args: [r.holders[from]!.address, balance, amount] }
        : undefined;
    await expectOutcome(r, r.token.connect(r.holders[from]!).transfer(r.holders[to]!.address, amount), error);
    m.now += 1;
    if (error === undefined) {
      m.balances[from] = balance - amount;
      m.balances[to] = m.balanceOf(to) + amount;
      m.checkpoint();
    }
  });
}

function delegate(who: number, to: number | null): Cmd {
  return step(`delegate(${nameOf(who)} -> ${nameOf(to)})`, async (m, r) => {
    await nextBlock(m);
    const delegatee = to === null ? ethers.ZeroAddress : r.holders[to]!.address;
    await expectOutcome(r, r.token.connect(r.holders[who]!).delegate(delegatee), undefined);
    m.now += 1;
    m.delegates[who] = to;
    m.checkpoint();
  });
}

/** `proposer` proposes `action` under a fresh description, or (duplicate) re-proposes an existing proposal. */
function propose(proposer: number, action: Action, duplicate: Target | null): Cmd {
  const what = duplicate === null ? `${action.kind} ${action.value}` : `again ${describeTarget(duplicate)}`;
  return step(`propose(${nameOf(proposer)}, ${what})`, async (m, r) => {
    const signer = voter(r, proposer);
    const existing = duplicate === null ? undefined : resolveTarget(m, r, duplicate).p;
    const description =
      existing === undefined ? `property proposal ${++m.proposed}` : `property proposal ${existing.n}`;
    const calls = existing === undefined ? proposalCalls(r, action, description) : existing;
    const at = await nextBlock(m);
    const proposerVotes = m.pastVotes(proposer, at - 1);
    const error =
      proposerVotes < PROPOSAL_THRESHOLD
        ? governorError("GovernorInsufficientProposerVotes", signer.address, proposerVotes, PROPOSAL_THRESHOLD)
        : existing !== undefined
          ? governorError("GovernorUnexpectedProposalState", existing.id, m.stateAt(existing, at), bitmap())
          : undefined;
    await expectOutcome(
      r,
      r.governor.connect(signer).propose(calls.targets, calls.values, calls.calldatas, description),
      error,
    );
    m.now = at;
    if (error !== undefined || existing !== undefined) return;
    const p: ProposalModel = {
      n: m.proposed,
      id: calls.id,
      action,
      targets: calls.targets,
      values: calls.values,
      calldatas: calls.calldatas,
      descriptionHash: calls.descriptionHash,
      proposer,
      snapshot: at + VOTING_DELAY,
      voteEnd: at + VOTING_DELAY + VOTING_PERIOD,
      extendedDeadline: 0,
      votes: [0n, 0n, 0n],
      voters: new Map(),
      eta: 0,
      canceled: false,
      executed: false,
    };
    m.proposals.push(p);
    const [snapshot, proposerOnChain, hashed] = await Promise.all([
      r.governor.proposalSnapshot(p.id),
      r.governor.proposalProposer(p.id),
      r.governor.hashProposal(p.targets, p.values, p.calldatas, p.descriptionHash),
    ]);
    expect(hashed, "hashProposal").to.equal(p.id);
    expect(snapshot, `proposalSnapshot(#${p.n})`).to.equal(BigInt(p.snapshot));
    expect(proposerOnChain, `proposalProposer(#${p.n})`).to.equal(signer.address);
  });
}

/** `who` votes `support` (3: an invalid type) on the proposal `t` names, with a reason or without. */
function castVote(who: number, t: Target, support: number, reason: string | null): Cmd {
  const label = `castVote${reason === null ? "" : "WithReason"}(${nameOf(who)}, ${describeTarget(t)}, ${support})`;
  return step(
    label,
    async (m, r) => {
      const { p, id } = resolveTarget(m, r, t, State.Active);
      const signer = voter(r, who);
      const at = await nextBlock(m);
      let error: ExpectedError | undefined;
      if (p === undefined) error = governorError("GovernorNonexistentProposal", id);
      else if (m.stateAt(p, at) !== State.Active) {
        error = governorError("GovernorUnexpectedProposalState", id, m.stateAt(p, at), bitmap(State.Active));
      } else if (p.voters.has(who)) error = governorError("GovernorAlreadyCastVote", signer.address);
      else if (support > 2) error = governorError("GovernorInvalidVoteType");
      const governor = r.governor.connect(signer);
      const tx = reason === null ? governor.castVote(id, support) : governor.castVoteWithReason(id, support, reason);
      await expectOutcome(r, tx, error);
      m.now = at;
      if (error !== undefined || p === undefined) return;
      const weight = m.pastVotes(who, p.snapshot);
      expect(await r.token.getPastVotes(signer.address, p.snapshot), `getPastVotes(${nameOf(who)}, snapshot)`).to.equal(
        weight,
      );
      p.voters.set(who, { support, weight });
      p.votes[support]! += weight;
      if (p.extendedDeadline === 0 && m.quorumReached(p)) {
        p.extendedDeadline = at + VOTE_EXTENSION;
        if (p.extendedDeadline > p.voteEnd) tally("late quorum extended a deadline");
      }
      expect(await r.governor.hasVoted(id, signer.address), "hasVoted").to.equal(true);
    },
    hasTarget(t),
  );
}

function queue(t: Target): Cmd {
  return step(
    `queue(${describeTarget(t)})`,
    async (m, r) => {
      const { p, id, targets, values, calldatas, descriptionHash } = resolveTarget(m, r, t, State.Succeeded);
      const at = await nextBlock(m);
      const error =
        p === undefined
          ? governorError("GovernorNonexistentProposal", id)
          : m.stateAt(p, at) !== State.Succeeded
            ? governorError("GovernorUnexpectedProposalState", id, m.stateAt(p, at), bitmap(State.Succeeded))
            : undefined;
      await expectOutcome(r, r.governor.connect(r.stranger).queue(targets, values, calldatas, descriptionHash), error);
      m.now = at;
      if (error !== undefined || p === undefined) return;
      p.eta = at + TIMELOCK_DELAY;
      expect(await r.governor.proposalEta(id), "proposalEta").to.equal(BigInt(p.eta));
    },
    hasTarget(t),
  );
}

function execute(t: Target): Cmd {
  return step(
    `execute(${describeTarget(t)})`,
    async (m, r) => {
      const { p, id, targets, values, calldatas, descriptionHash } = resolveTarget(m, r, t, State.Queued);
      const at = await nextBlock(m);
      let error: ExpectedError | undefined;
      if (p === undefined) error = governorError("GovernorNonexistentProposal", id);
      else if (m.stateAt(p, at) !== State.Queued) {
        error = governorError("GovernorUnexpectedProposalState", id, m.stateAt(p, at), bitmap(State.Queued));
      } else if (at < p.eta) {
        const salt = ethers.toBeHex((BigInt(r.addresses.governor) << 96n) ^ BigInt(p.descriptionHash), 32);
        const operation = await r.timelock.hashOperationBatch(targets, values, calldatas, ethers.ZeroHash, salt);
        error = {
          contract: "timelock",
          name: "TimelockUnexpectedOperationState",
          args: [operation, bitmap(TIMELOCK_READY)],
        };
      }
      await expectOutcome(
        r,
        r.governor.connect(r.stranger).execute(targets, values, calldatas, descriptionHash),
        error,
      );
      m.now = at;
      if (error !== undefined || p === undefined) return;
      p.executed = true;
      if (p.action.kind === "limit") m.tierLimit = p.action.value;
      else {
        m.sinkReceived += p.action.value;
        m.timelockBalance -= p.action.value;
      }
    },
    hasTarget(t),
  );
}

/** `who` cancels the proposal `t` names: only its proposer, only while Pending. */
function cancel(who: number, t: Target): Cmd {
  return step(
    `cancel(${nameOf(who)}, ${describeTarget(t)})`,
    async (m, r) => {
      const { p, id, targets, values, calldatas, descriptionHash } = resolveTarget(m, r, t, State.Pending);
      const signer = voter(r, who);
      const at = await nextBlock(m);
      const error =
        p === undefined
          ? governorError("GovernorNonexistentProposal", id)
          : m.stateAt(p, at) !== State.Pending || p.proposer !== who
            ? governorError("GovernorUnableToCancel", id, signer.address)
            : undefined;
      await expectOutcome(r, r.governor.connect(signer).cancel(targets, values, calldatas, descriptionHash), error);
      m.now = at;
      if (error === undefined && p !== undefined) p.canceled = true;
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

type Boundary = "snapshot" | "deadline" | "eta";

/**
 * Moves time so that the next transaction lands at a proposal's boundary + `offset` (-1, 0, +1): its snapshot, its
 * deadline or its eta, where that still lies ahead.
 */
function advanceTo(pick: number, boundary: Boundary, offset: number): Cmd {
  const target = (m: Readonly<GovernanceModel>, p: ProposalModel) => {
    const b = boundary === "snapshot" ? p.snapshot : boundary === "deadline" ? m.deadline(p) : p.eta;
    return b === 0 ? 0 : b + offset - 1;
  };
  const candidates = (m: Readonly<GovernanceModel>) => m.proposals.filter((p) => target(m, p) > m.now);
  return step(
    `advanceTo(#${pick} ${boundary} ${offset >= 0 ? "+" : ""}${offset})`,
    async (m) => {
      const open = candidates(m);
      const p = open[pick % open.length]!;
      const at = target(m, p);
      await time.increaseTo(at);
      m.now = at;
    },
    (m) => candidates(m).length > 0,
  );
}

/**
 * Moves time so that the next transaction lands at the nearest boundary + `offset` still ahead, over every
 * proposal's snapshot, deadline and eta: the next moment something changes. It skips the deadline of a proposal
 * nobody voted on yet, to let votes come in (advanceTo and advance still end such votes empty).
 */
function advanceToNext(offset: number): Cmd {
  const targets = (m: Readonly<GovernanceModel>) =>
    m.proposals
      .flatMap((p) =>
        [p.snapshot, p.voters.size === 0 ? 0 : m.deadline(p), p.eta].filter((b) => b !== 0).map((b) => b + offset - 1),
      )
      .filter((t) => t > m.now);
  return step(
    `advanceToNext(${offset >= 0 ? "+" : ""}${offset})`,
    async (m) => {
      const at = Math.min(...targets(m));
      await time.increaseTo(at);
      m.now = at;
    },
    (m) => targets(m).length > 0,
  );
}

// ------------------------------------------------------------------------------------------------ arbitraries

const holderArb = fc.integer({ min: 0, max: HOLDERS.length - 1 });
/** Proposers and voters: mostly holders, sometimes the stranger (no votes). */
const actorArb = fc.oneof({ weight: 5, arbitrary: holderArb }, { weight: 1, arbitrary: fc.constant(STRANGER) });
/**
 * Proposers and voters: mostly alice and bob, who start with votes (the others and the stranger are refused as
 * proposers until delegated to, and vote with what they have, often nothing).
 */
const proposerArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: actorArb });
const targetArb: Arbitrary<Target> = fc.record({
  // now and then a proposal that was never made
  ghost: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  focus: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  pick: fc.nat(),
});
const actionArb: Arbitrary<Action> = fc.oneof(
  fc.integer({ min: 1, max: 1_000 }).map((n) => ({ kind: "pay", value: BigInt(n) }) as const),
  fc.integer({ min: 1, max: 100_000 }).map((n) => ({ kind: "limit", value: KC(n) }) as const),
);
const amountArb: Arbitrary<AmountSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }).map((quarters) => ({ kind: "part", quarters }) as const) },
  { weight: 1, arbitrary: fc.constant({ kind: "overdraw" } as const) },
);
// short steps within a vote, and the longer ones that cross a voting period or a timelock delay
const secondsArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(1, 30, VOTING_DELAY, 300, VOTE_EXTENSION) },
  { weight: 1, arbitrary: fc.constantFrom(1_800, HOUR, 2 * HOUR) },
);

const supportArb = fc.oneof(
  // for, against, abstain; mostly for, so that proposals pass often enough to be queued and executed
  { weight: 12, arbitrary: fc.constantFrom(1, 1, 1, 0, 2) },
  // an invalid vote type
  { weight: 1, arbitrary: fc.constant(3) },
);
const reasonArb = fc.option(fc.constantFrom("agreed", "too costly", ""), { nil: null });

const commandArb: Arbitrary<Cmd> = fc.oneof(
  { weight: 1, arbitrary: fc.tuple(holderArb, holderArb, amountArb).map(([from, to, a]) => transfer(from, to, a)) },
  {
    weight: 1,
    arbitrary: fc.tuple(holderArb, fc.option(holderArb, { nil: null, freq: 5 })).map(([who, to]) => delegate(who, to)),
  },
  { weight: 1, arbitrary: fc.tuple(proposerArb, actionArb).map(([who, action]) => propose(who, action, null)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(proposerArb, actionArb, fc.nat())
      .map(([who, action, pick]) => propose(who, action, { ghost: false, focus: false, pick })),
  },
  {
    weight: 8,
    arbitrary: fc
      .tuple(proposerArb, targetArb, supportArb, reasonArb)
      .map(([who, t, support, reason]) => castVote(who, t, support, reason)),
  },
  { weight: 3, arbitrary: targetArb.map((t) => queue(t)) },
  { weight: 3, arbitrary: targetArb.map((t) => execute(t)) },
  { weight: 1, arbitrary: fc.tuple(proposerArb, targetArb).map(([who, t]) => cancel(who, t)) },
  { weight: 3, arbitrary: secondsArb.map((s) => advance(s)) },
  { weight: 4, arbitrary: fc.constantFrom(0, 1, 1, 2).map((offset) => advanceToNext(offset)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(), fc.constantFrom<Boundary>("snapshot", "deadline", "eta"), fc.constantFrom(-1, 0, 1))
      .map(([pick, b, offset]) => advanceTo(pick, b, offset)),
  },
);

// ------------------------------------------------------------------------------------------------ fixture

/**
 * The launched community with four holders at tier 2 (no daily limit) holding 10,000, 4,000, 600 and 150 KC
 * (supply 15,750 KC with the timelock's 1,000: quorum 630 KC); alice and bob delegate to themselves, carol to bob,
 * dave to no one. The timelock holds 1,000 KC, which proposals pay out a few wei at a time.
 */
async function deployGovernancePropertyFixture() {
  const f = await deployLaunchedCommunityFixture();
  const dave = (await ethers.getSigners())[10]!;
  const holders = [f.alice, f.bob, f.carol, dave];
  for (const [i, h] of holders.entries()) {
    await f.registry.connect(f.verifier).setTier(h.address, 2);
    await f.token.connect(f.minter).mint(h.address, INITIAL_HOLDINGS[i]!, ref(`governance-property-${h.address}`));
  }
  await f.token.connect(f.minter).mint(await f.timelock.getAddress(), TIMELOCK_FLOAT, ref("governance-property-tl"));
  await f.token.connect(f.alice).delegate(f.alice.address);
  await f.token.connect(f.bob).delegate(f.bob.address);
  await f.token.connect(f.carol).delegate(f.bob.address);
  return { ...f, holders };
}

async function setUp(): Promise<{ model: GovernanceModel; real: Real }> {
  runs++;
  const f = await loadFixture(deployGovernancePropertyFixture);
  const real: Real = {
    governor: f.governor,
    timelock: f.timelock,
    token: f.token,
    registry: f.registry,
    holders: f.holders,
    stranger: f.stranger,
    addresses: {
      governor: await f.governor.getAddress(),
      token: await f.token.getAddress(),
      registry: await f.registry.getAddress(),
    },
  };
  const addresses = f.holders.map((h) => h.address);
  const [balances, delegates, timelockBalance, supply, limit, settings] = await Promise.all([
    Promise.all(addresses.map((a) => f.token.balanceOf(a))),
    Promise.all(addresses.map((a) => f.token.delegates(a))),
    f.token.balanceOf(f.timelock),
    f.token.totalSupply(),
    f.registry.dailyLimit(LIMIT_TIER),
    Promise.all([
      f.governor.votingDelay(),
      f.governor.votingPeriod(),
      f.governor.lateQuorumVoteExtension(),
      f.timelock.getMinDelay(),
      f.governor.proposalThreshold(),
      f.governor["quorumNumerator()"](),
    ]),
  ]);
  const expected = [VOTING_DELAY, VOTING_PERIOD, VOTE_EXTENSION, TIMELOCK_DELAY, PROPOSAL_THRESHOLD, QUORUM_PERCENT];
  expect(settings, "governance settings").to.deep.equal(expected.map(BigInt));
  const model = new GovernanceModel(
    await time.latest(),
    balances,
    delegates.map((d) => (d === ethers.ZeroAddress ? null : addresses.indexOf(d))),
    timelockBalance,
    supply,
    limit,
  );
  return { model, real };
}

// ------------------------------------------------------------------------------------------------ property

describe("CommunityGovernor (property)", function () {
  // generous: on failure fast-check shrinks, replaying many shorter sequences
  this.timeout(60 * 60_000);

  after(() => {
    console.log(`      governance property: ${actions.toLocaleString("en-US")} actions in ${runs} runs`);
    if (process.env.PROPERTY_STATS !== "true") return;
    for (const [key, count] of [...stats].sort()) console.log(`      ${key}: ${count}`);
  });

  describe("when random transfers, delegations, proposals, votes, queueing, executions, cancellations and time steps run", () => {
    it("keeps each proposal's state and tallies equal to the model's, votes equal to delegated supply, and executes each proposal's effect exactly once", async () => {
      await assertModelRuns(commandArb, setUp, { maxCommands: MAX_COMMANDS, runs: RUNS });
    });
  });
});

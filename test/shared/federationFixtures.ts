import { impersonateAccount, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse, Signer } from "ethers";
import { ethers } from "hardhat";
import {
  deployFederation,
  type FederationGovernanceSettings,
  handOverToFederation,
} from "../../scripts/lib/federation";
import { deployCore } from "../../scripts/lib/launch";
import type {
  BridgePool,
  BridgeRouter,
  CommunityGovernor,
  CommunityRegistry,
  CommunityTimelock,
  CommunityToken,
  ComplianceRegistry,
  FederationGovernor,
  FxOracle,
  ICommunityFactory,
  SanctionsList,
} from "../../typechain-types";
import { communityContracts, KC, ref } from "./fixtures";

// ---------------------------------------------------------------- constants

/** How the federation governs itself in every federation fixture (seconds; seats). */
export const GOVERNANCE: FederationGovernanceSettings = {
  votingDelay: 60,
  votingPeriod: 3_600,
  proposalThreshold: 1,
  quorumPercent: 50,
  timelockDelay: 3_600,
};

/** The shared parameters the federation starts with (amounts in the reference currency, USD). */
export const PARAMETERS = {
  bridgeFeeBps: 30n,
  mutualAidRateBps: 100n,
  tier0DailyLimit: KC(1_000),
  tier1DailyLimit: KC(25_000),
  travelRuleThreshold: KC(1_000),
};
export type FederationParameters = typeof PARAMETERS;

/** The oracle: rates live a day, the breaker trips beyond 5%, two fresh reports make a rate. */
export const ORACLE = { maxAge: 86_400n, maxDeviationBps: 500n, minReports: 2n } as const;
/** USD per unit of each currency, as the reporters report it. */
export const RATES = { MXN: KC("0.05"), CAD: KC("0.75") } as const;
/** The KATY/MTY pool is created with this fee; the federation's bridge fee (30 bps) replaces it when it is added. */
export const POOL_FEE_AT_CREATION = 25n;
export const AMPLIFICATION = 4n;
/** The community governance settings of config/communities.json's defaults (what the founders launch with). */
export const COMMUNITY_GOVERNANCE = { votingDelay: 60, votingPeriod: 3_600, timelockDelay: 3_600 } as const;

/** The registry's "no limit" (2^128 - 1). */
export const UNLIMITED = (1n << 128n) - 1n;

/** A community's identity, as the tests launch it. */
export interface Identity {
  id: string;
  name: string;
  country: string;
  currency: string;
  locale: string;
  tokenName: string;
  tokenSymbol: string;
  /** Whole tokens needed to propose in its own governance. */
  proposalThreshold: bigint;
}

/** The founders: two USD communities and one MXN community (as in config/communities.json). */
export const FOUNDERS: Identity[] = [
  {
    id: "katy",
    name: "Katy",
    country: "US",
    currency: "USD",
    locale: "en-US",
    tokenName: "Katy Coin",
    tokenSymbol: "KATY",
    proposalThreshold: 100n,
  },
  {
    id: "houston",
    name: "Houston",
    country: "US",
    currency: "USD",
    locale: "en-US",
    tokenName: "Houston Coin",
    tokenSymbol: "HOU",
    proposalThreshold: 100n,
  },
  {
    id: "monterrey",
    name: "Monterrey",
    country: "MX",
    currency: "MXN",
    locale: "es-MX",
    tokenName: "Moneda Monterrey",
    tokenSymbol: "MTY",
    proposalThreshold: 2_000n,
  },
];

/**
 * The factory's config for `c`: the sample file's default governance (60 s delay, 1 h period, 4% quorum, 10 min
 * extension, 1 h timelock); compliance limits that the Federation replaces by its own defaults at launch (set here
 * to 1 wei, 2 wei and 3 wei so that a test can tell), tier 2 unlimited.
 */
export function launchConfig(
  c: Identity,
  operators: ICommunityFactory.OperatorsStruct,
): ICommunityFactory.CommunityConfigStruct {
  return {
    id: c.id,
    name: c.name,
    country: c.country,
    currency: c.currency,
    locale: c.locale,
    tokenName: c.tokenName,
    tokenSymbol: c.tokenSymbol,
    governance: {
      votingDelay: COMMUNITY_GOVERNANCE.votingDelay,
      votingPeriod: COMMUNITY_GOVERNANCE.votingPeriod,
      proposalThreshold: KC(c.proposalThreshold),
      quorumPercent: 4,
      voteExtension: 600,
      timelockDelay: COMMUNITY_GOVERNANCE.timelockDelay,
    },
    compliance: { tier0DailyLimit: 1n, tier1DailyLimit: 2n, tier2DailyLimit: UNLIMITED, travelRuleThreshold: 3n },
    operators,
  };
}

export const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
export const PAUSER_ROLE = ethers.id("PAUSER_ROLE");
export const PROPOSER_ROLE = ethers.id("PROPOSER_ROLE");
export const CANCELLER_ROLE = ethers.id("CANCELLER_ROLE");
export const EXECUTOR_ROLE = ethers.id("EXECUTOR_ROLE");
export const LAUNCHER_ROLE = ethers.id("LAUNCHER_ROLE");
export const REGISTRAR_ROLE = ethers.id("REGISTRAR_ROLE");
export const EMERGENCY_ROLE = ethers.id("EMERGENCY_ROLE");
export const DAY = 86_400;
export const EMERGENCY_PERIOD = 30 * DAY;

/** IFederation.Status, in declaration order. */
export enum Status {
  None,
  Admitted,
  Member,
  Suspended,
}

/** IGovernor.ProposalState, in declaration order. */
export enum State {
  Pending,
  Active,
  Canceled,
  Defeated,
  Succeeded,
  Queued,
  Expired,
  Executed,
}

/** GovernorCountingSimple's vote types. */
export enum Vote {
  Against,
  For,
  Abstain,
}

/** TimelockController.OperationState, in declaration order. */
export enum OperationState {
  Unset,
  Waiting,
  Ready,
  Done,
}

/** OpenZeppelin's `_encodeStateBitmap`: the bytes32 with bit `state` set for each state. */
export const bitmap = (...states: number[]) =>
  ethers.toBeHex(
    states.reduce((bits, s) => bits | (1n << BigInt(s)), 0n),
    32,
  );

/** A community's key in the Federation (and its seat number, as uint256): keccak256 of its id. */
export const keyOf = (id: string) => ethers.id(id);
export const seatOf = (id: string) => BigInt(keyOf(id));

/** `amount` of the reference currency in a currency worth `rate` reference units, as the Federation converts it. */
export const toLocal = (amount: bigint, rate: bigint) => (amount * 10n ** 18n) / rate;

// ---------------------------------------------------------------- types

/** A community launched through the federation, as the tests use it. */
export interface Member {
  id: string;
  currency: string;
  token: CommunityToken;
  registry: ComplianceRegistry;
  governor: CommunityGovernor;
  timelock: CommunityTimelock;
  /** The token's address. */
  address: string;
  timelockAddress: string;
  config: ICommunityFactory.CommunityConfigStruct;
}

/** One call of a proposal. */
export interface Call {
  target: string;
  data: string;
  value?: bigint;
}

/** A proposal, described (its id is the governor's hash of it). */
export interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
  descriptionHash: string;
  id: bigint;
}

/** A submitted proposal and its times (the governor's clock: timestamps). */
export interface Submitted {
  proposal: Proposal;
  proposedAt: number;
  snapshot: number;
  deadline: number;
}

/** What the lifecycle helpers need of a governor: the Federation's and the communities' both qualify. */
type GovernorLike = FederationGovernor | CommunityGovernor;

// ---------------------------------------------------------------- small helpers

/** An account that sends as the contract at `address` (a timelock, the governor): the shortcut for a proposal. */
export async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await impersonateAccount(address);
  await setBalance(address, ethers.parseEther("100"));
  return ethers.getSigner(address);
}

/** Moves the clock to `timestamp` unless it is there or past it already. */
export async function advanceTo(timestamp: number) {
  if ((await time.latest()) < timestamp) await time.increaseTo(timestamp);
}

const args = (p: Proposal) => [p.targets, p.values, p.calldatas, p.descriptionHash] as const;
/** The arguments of queue, execute and cancel for `p`. */
export const proposalArgs = args;

/** Describes a proposal of `calls` (not submitted). */
export async function describeProposal(governor: GovernorLike, calls: Call[], description: string): Promise<Proposal> {
  const targets = calls.map((c) => c.target);
  const values = calls.map((c) => c.value ?? 0n);
  const calldatas = calls.map((c) => c.data);
  const descriptionHash = ethers.id(description);
  const id = await governor.hashProposal(targets, values, calldatas, descriptionHash);
  return { targets, values, calldatas, description, descriptionHash, id };
}

/** Submits a proposal of `calls` as `proposer`; returns it with its snapshot and deadline. */
export async function submitProposal(
  governor: GovernorLike,
  proposer: Signer,
  calls: Call[],
  description: string,
): Promise<Submitted> {
  const proposal = await describeProposal(governor, calls, description);
  await (
    await governor.connect(proposer).propose(proposal.targets, proposal.values, proposal.calldatas, description)
  ).wait();
  return {
    proposal,
    proposedAt: await time.latest(),
    snapshot: Number(await governor.proposalSnapshot(proposal.id)),
    deadline: Number(await governor.proposalDeadline(proposal.id)),
  };
}

/** Moves the clock one second past the snapshot of `s`: the proposal is Active. */
export async function openVoting(s: Submitted) {
  await advanceTo(s.snapshot + 1);
}

/** Casts `support` for each of `voters` on the Active proposal `s`. */
export async function castVotes(governor: GovernorLike, s: Submitted, voters: Signer[], support: Vote = Vote.For) {
  for (const voter of voters) await (await governor.connect(voter).castVote(s.proposal.id, support)).wait();
}

/** Moves past the deadline (read again: a late quorum may have extended it) and queues `s`; returns its eta. */
export async function queueProposal(governor: GovernorLike, s: Submitted): Promise<number> {
  await advanceTo(Number(await governor.proposalDeadline(s.proposal.id)) + 1);
  await (await governor.queue(...args(s.proposal))).wait();
  return Number(await governor.proposalEta(s.proposal.id));
}

/** Executes the queued proposal `s` (as `executor`; anyone may), returning the transaction for `expect`. */
export function executeProposal(
  governor: GovernorLike,
  s: Submitted,
  executor?: Signer,
): Promise<ContractTransactionResponse> {
  const g = executor ? governor.connect(executor) : governor;
  return g.execute(...args(s.proposal));
}

/**
 * Takes a proposal of `calls` from submission to the moment it may be executed: submitted by `proposer`, voted For
 * by `voters` once Active, queued after its deadline, and the timelock's delay waited out.
 */
export async function passProposal(
  governor: GovernorLike,
  proposer: Signer,
  voters: Signer[],
  calls: Call[],
  description: string,
): Promise<Submitted & { eta: number }> {
  const s = await submitProposal(governor, proposer, calls, description);
  await openVoting(s);
  await castVotes(governor, s, voters);
  const eta = await queueProposal(governor, s);
  await advanceTo(eta);
  return { ...s, eta };
}

// ---------------------------------------------------------------- the fixture

/**
 * The federation with three founding members, handed over to its own governance:
 * - a SanctionsList, the launch core (deployCore) and an FxOracle (reference USD) whose three reporters reported
 *   MXN at 0.05 and CAD at 0.75 USD (again at the end, so the rates are fresh for a day from the fixture's end);
 * - the federation (deployFederation: seats, timelock, governor, Federation, MutualAidFund with `emergency` on its
 *   committee) with GOVERNANCE and PARAMETERS;
 * - katy (USD), houston (USD) and monterrey (MXN), admitted by the deployer and launched through Federation.launch;
 * - a KATY/MTY BridgePool (created with a 25 bps fee) in a BridgeRouter; then handOverToFederation: the federation's
 *   timelock holds every admin role, the Federation the pool's admin and pauser roles, no EOA holds any;
 * - in each community alice and bob hold tokens (10,000 and 5,000 USD worth) and delegated to themselves, and the
 *   community delegated its seat to its representative (repKaty, repHouston, repMonterrey) by its own proposal
 *   (seats.delegate from its timelock).
 * Signers: 0 deployer, 1 minter, 2 pauser, 3 verifier, 4 officer (the operators of every community), 5 alice,
 * 6 bob, 7-9 the representatives, 10-12 reporters, 13 emergency (the fund's committee), 14 stranger,
 * 15 newLauncher and 16 newRep (for a community admitted later), 17 carol, 18 dave.
 */
export async function deployFederationFixture() {
  const signers = await ethers.getSigners();
  const [deployer, minter, pauser, verifier, officer, alice, bob, repKaty, repHouston, repMonterrey] = signers;
  const reporters = signers.slice(10, 13);
  const [emergency, stranger, newLauncher, newRep, carol, dave] = signers.slice(13, 19);

  const sanctions = (await ethers.deployContract("SanctionsList", [deployer!.address])) as unknown as SanctionsList;
  const sanctionsAddress = await sanctions.getAddress();
  const core = await deployCore(deployer!, deployer!.address, sanctionsAddress);

  const oracle = (await ethers.deployContract("FxOracle", [
    deployer!.address,
    "USD",
    ORACLE.maxAge,
    ORACLE.maxDeviationBps,
    ORACLE.minReports,
  ])) as unknown as FxOracle;
  const oracleAddress = await oracle.getAddress();
  for (const r of reporters) await oracle.connect(deployer!).addReporter(r.address);
  const reportRates = async () => {
    for (const [currency, rate] of Object.entries(RATES)) {
      for (const r of reporters) await oracle.connect(r).report(currency, rate);
    }
  };
  await reportRates();

  const factoryAddress = await core.factory.getAddress();
  const contracts = await deployFederation(deployer!, factoryAddress, oracleAddress, {
    governance: GOVERNANCE,
    parameters: PARAMETERS,
    emergencyCommittee: [emergency!.address],
  });
  const { federation } = contracts;

  const operators = {
    minter: minter!.address,
    pauser: pauser!.address,
    verifier: verifier!.address,
    complianceOfficer: officer!.address,
  };
  const configs = FOUNDERS.map((c) => launchConfig(c, operators));
  const configOf = (id: string) => configs.find((c) => c.id === id)!;
  const founders: Member[] = [];
  for (const id of ["katy", "houston", "monterrey"]) {
    await (await federation.connect(deployer!).admit(id, deployer!.address)).wait();
    await (await federation.connect(deployer!).launch(configOf(id))).wait();
    founders.push(await attachMember(core, id, configOf(id)));
  }
  const [katy, houston, monterrey] = founders as [Member, Member, Member];

  const pool = (await ethers.deployContract("BridgePool", [
    katy.address,
    monterrey.address,
    oracleAddress,
    deployer!.address,
    POOL_FEE_AT_CREATION,
    AMPLIFICATION,
  ])) as unknown as BridgePool;
  const poolAddress = await pool.getAddress();
  const router = (await ethers.deployContract("BridgeRouter", [deployer!.address])) as unknown as BridgeRouter;
  await (await router.connect(deployer!).setPool(poolAddress)).wait();
  await handOverToFederation(
    deployer!,
    contracts,
    {
      registry: await core.communityRegistry.getAddress(),
      factory: factoryAddress,
      sanctionsList: sanctionsAddress,
      oracle: oracleAddress,
      router: await router.getAddress(),
    },
    [poolAddress],
  );

  const f = {
    ...core,
    ...contracts,
    sanctions,
    oracle,
    pool,
    router,
    configs,
    operators,
    katy,
    houston,
    monterrey,
    members: founders,
    addresses: {
      seats: await contracts.seats.getAddress(),
      timelock: await contracts.timelock.getAddress(),
      governor: await contracts.governor.getAddress(),
      federation: await federation.getAddress(),
      fund: await contracts.fund.getAddress(),
      oracle: oracleAddress,
      factory: factoryAddress,
      communityRegistry: await core.communityRegistry.getAddress(),
      pool: poolAddress,
      router: await router.getAddress(),
      sanctions: sanctionsAddress,
    },
    reportRates,
    deployer: deployer!,
    minter: minter!,
    pauser: pauser!,
    verifier: verifier!,
    officer: officer!,
    alice: alice!,
    bob: bob!,
    carol: carol!,
    dave: dave!,
    repKaty: repKaty!,
    repHouston: repHouston!,
    repMonterrey: repMonterrey!,
    reps: [repKaty!, repHouston!, repMonterrey!],
    reporters,
    emergency: emergency!,
    stranger: stranger!,
    newLauncher: newLauncher!,
    newRep: newRep!,
  };

  for (const [member, rep] of [
    [katy, repKaty!],
    [houston, repHouston!],
    [monterrey, repMonterrey!],
  ] as const) {
    await fundVoters(f, member);
    await delegateSeat(f, member, rep.address);
  }
  await reportRates();
  return f;
}

export type FederationFixture = Awaited<ReturnType<typeof deployFederationFixture>>;

// ---------------------------------------------------------------- helpers on the fixture

/** How many units of `member`'s currency are worth one USD (1 for USD, 20 for MXN, 2 for CAD rounded up). */
export function perUsd(member: Pick<Member, "currency">): bigint {
  if (member.currency === "MXN") return 20n;
  if (member.currency === "CAD") return 2n;
  return 1n;
}

/** Gives alice 10,000 and bob 5,000 USD worth of `member`'s token (the minter issues them); both self-delegate. */
export async function fundVoters(f: FederationFixture, member: Member) {
  for (const [holder, usd] of [
    [f.alice, 10_000n],
    [f.bob, 5_000n],
  ] as const) {
    await (
      await member.token
        .connect(f.minter)
        .mint(holder.address, KC(usd * perUsd(member)), ref(`${member.id}-${holder.address}`))
    ).wait();
    await (await member.token.connect(holder).delegate(holder.address)).wait();
  }
}

/**
 * Runs a proposal of `member`'s own governance end to end: alice proposes, alice and bob vote For, it is queued and
 * executed (by `executor`, default the stranger) once the community timelock's delay has passed. Returns the
 * execution for `expect`.
 */
export async function runCommunityProposal(
  f: FederationFixture,
  member: Member,
  calls: Call[],
  description: string,
  executor?: Signer,
): Promise<ContractTransactionResponse> {
  const s = await passProposal(member.governor, f.alice, [f.alice, f.bob], calls, description);
  return executeProposal(member.governor, s, executor ?? f.stranger);
}

/** `member`'s community delegates its seat (held by its timelock) to `representative`, by its own proposal. */
export async function delegateSeat(f: FederationFixture, member: Member, representative: string) {
  const call = { target: f.addresses.seats, data: f.seats.interface.encodeFunctionData("delegate", [representative]) };
  await (
    await runCommunityProposal(f, member, [call], `${member.id}: our federation seat goes to ${representative}`)
  ).wait();
}

/**
 * Runs a federation proposal end to end: submitted by `proposer` (default repKaty), voted For by `voters` (default
 * the three founding representatives), queued, and executed after the timelock's delay. Returns the execution.
 */
export async function runFederationProposal(
  f: FederationFixture,
  calls: Call[],
  description: string,
  opts: { proposer?: Signer; voters?: Signer[]; executor?: Signer } = {},
): Promise<ContractTransactionResponse> {
  const s = await passFederationProposal(f, calls, description, opts);
  return executeProposal(f.governor, s, opts.executor ?? f.stranger);
}

/** {runFederationProposal} up to (not including) the execution: the proposal is Queued and its delay over. */
export function passFederationProposal(
  f: FederationFixture,
  calls: Call[],
  description: string,
  opts: { proposer?: Signer; voters?: Signer[] } = {},
) {
  return passProposal(f.governor, opts.proposer ?? f.repKaty, opts.voters ?? f.reps, calls, description);
}

/** A call of `fn(...values)` on `contract`, for a proposal. */
export async function callTo(contract: BaseContract, fn: string, values: unknown[] = []): Promise<Call> {
  return { target: await contract.getAddress(), data: contract.interface.encodeFunctionData(fn, values) };
}

/** The federation's timelock, impersonated: what an executed federation proposal would do, without the vote. */
export function asFederation(f: FederationFixture) {
  return impersonate(f.addresses.timelock);
}

/** `member`'s timelock, impersonated: what an executed proposal of that community would do. */
export function asCommunity(member: Member) {
  return impersonate(member.timelockAddress);
}

/** A valid config for a new community `id` in `currency` (USD, MXN or CAD), with the fixture's operators. */
export function newCommunityConfig(
  f: FederationFixture,
  id: string,
  currency: "USD" | "MXN" | "CAD" = "USD",
): ICommunityFactory.CommunityConfigStruct {
  const symbol = id
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, 11);
  const where = { USD: ["US", "en-US"], MXN: ["MX", "es-MX"], CAD: ["CA", "en-CA"] }[currency];
  const identity: Identity = {
    id,
    name: `Town ${id}`,
    country: where[0]!,
    currency,
    locale: where[1]!,
    tokenName: `Town ${id} Coin`,
    tokenSymbol: symbol,
    proposalThreshold: 100n,
  };
  return launchConfig(identity, f.operators);
}

/** The contracts of community `id` once launched, attached. */
export async function attachMember(
  f: { communityRegistry: CommunityRegistry },
  id: string,
  config: ICommunityFactory.CommunityConfigStruct,
): Promise<Member> {
  const c = await communityContracts(f.communityRegistry, id);
  return {
    id,
    currency: String(config.currency),
    ...c,
    address: await c.token.getAddress(),
    timelockAddress: await c.timelock.getAddress(),
    config,
  };
}

/**
 * Admits `id` (the federation's timelock impersonated) with `launcher` (default newLauncher), who launches it
 * through the Federation; returns the new member (its seat held by its timelock, not delegated).
 */
export async function admitAndLaunch(
  f: FederationFixture,
  id: string,
  currency: "USD" | "MXN" | "CAD" = "USD",
  launcher: HardhatEthersSigner = f.newLauncher,
): Promise<Member> {
  const config = newCommunityConfig(f, id, currency);
  await (await f.federation.connect(await asFederation(f)).admit(id, launcher.address)).wait();
  await (await f.federation.connect(launcher).launch(config)).wait();
  return attachMember(f, id, config);
}

/**
 * A new BridgePool between `a` and `b` (admin: the federation's timelock) brought under the federation as a
 * proposal would: the timelock grants the Federation the pool's admin and pauser roles and calls addPool.
 */
export async function addFederationPool(f: FederationFixture, a: Member, b: Member, feeBps = 50n): Promise<BridgePool> {
  const pool = (await ethers.deployContract("BridgePool", [
    a.address,
    b.address,
    f.addresses.oracle,
    f.addresses.timelock,
    feeBps,
    AMPLIFICATION,
  ])) as unknown as BridgePool;
  const tl = await asFederation(f);
  await (await pool.connect(tl).grantRole(DEFAULT_ADMIN_ROLE, f.addresses.federation)).wait();
  await (await pool.connect(tl).grantRole(PAUSER_ROLE, f.addresses.federation)).wait();
  await (await f.federation.connect(tl).addPool(await pool.getAddress())).wait();
  return pool;
}

/** A community launched straight through the factory (LAUNCHER_ROLE granted to `launcher` by the federation's
 * timelock): registered, but never admitted by the Federation. */
export async function launchOutsideFederation(
  f: FederationFixture,
  id: string,
  launcher: HardhatEthersSigner = f.stranger,
): Promise<Member> {
  const config = newCommunityConfig(f, id);
  await (await f.factory.connect(await asFederation(f)).grantRole(LAUNCHER_ROLE, launcher.address)).wait();
  await (await f.factory.connect(launcher).launch(config)).wait();
  return attachMember(f, id, config);
}

/** The Federation's parameters as a plain object of bigints. */
export async function currentParameters(f: FederationFixture): Promise<FederationParameters> {
  const p = await f.federation.parameters();
  return {
    bridgeFeeBps: p.bridgeFeeBps,
    mutualAidRateBps: p.mutualAidRateBps,
    tier0DailyLimit: p.tier0DailyLimit,
    tier1DailyLimit: p.tier1DailyLimit,
    travelRuleThreshold: p.travelRuleThreshold,
  };
}

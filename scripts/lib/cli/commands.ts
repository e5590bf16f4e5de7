/** The voter CLI's commands. Each checks the proposal's state before it sends anything. */
import { ethers } from "ethers";
import { type Chain, type Governance, loadSigner, parseAddress } from "./context";
import type { KnownContract } from "./decode";
import { nodeMessage, UsageError, UserError } from "./errors";
import { firstLine, formatAmount, isoTime, relative, shortId, STATE, stateName, timepoint } from "./format";
import { findProposal, loadProposals } from "./proposals";

export interface Options {
  reason?: string;
}

const SUPPORT: Record<string, number> = { against: 0, for: 1, abstain: 2 };
const SUPPORT_NAMES = ["Against", "For", "Abstain"];

const out = (line = "") => process.stdout.write(`${line}\n`);

/** The governor's clock (EIP-6372) as a call sees it now: what its proposal states are computed from. */
async function now(gov: Governance): Promise<bigint> {
  return gov.governor.clock();
}

/** The latest block's timestamp: what the timelock compares its operations' times with. */
async function chainTime(chain: Chain): Promise<bigint> {
  return BigInt((await chain.provider.getBlock("latest"))?.timestamp ?? 0);
}

function when(value: bigint, current: bigint, gov: Governance): string {
  return gov.clock.timestamp ? `${timepoint(value, gov.clock)} (${relative(value, current)})` : `block ${value}`;
}

function selector(gov: Governance): string {
  return gov.kind === "federation" ? "--federation" : `--community ${gov.label}`;
}

/** Why a call would revert, decoded against every KC ABI (loaded only on this path: see ./decode.ts). */
async function explainRevert(error: unknown): Promise<string> {
  return (await import("./decode")).explainRevert(error);
}

/** Sends a transaction, or explains in one line why it would fail (ethers estimates gas first). */
export async function send(
  from: string,
  what: string,
  build: () => Promise<ethers.ContractTransactionResponse>,
): Promise<ethers.ContractTransactionReceipt> {
  let tx: ethers.ContractTransactionResponse;
  try {
    tx = await build();
  } catch (error) {
    if (
      (error as { code?: string }).code === "INSUFFICIENT_FUNDS" ||
      /enough funds|insufficient funds/i.test(nodeMessage(error) ?? "")
    ) {
      throw new UserError(`${what}: ${from} has too little ETH to pay for gas`);
    }
    throw new UserError(`${what} would fail: ${await explainRevert(error)}`);
  }
  try {
    const receipt = await tx.wait();
    if (!receipt) throw new UserError(`${what}: transaction ${tx.hash} was dropped`);
    return receipt;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${what} failed in transaction ${tx.hash}: ${await explainRevert(error)}`);
  }
}

export function mined(receipt: ethers.ContractTransactionReceipt): string {
  return `tx ${receipt.hash}, block ${receipt.blockNumber}, gas ${receipt.gasUsed}`;
}

async function extraContracts(gov: Governance): Promise<KnownContract[]> {
  const extra: KnownContract[] = [];
  if (gov.kind === "community") {
    extra.push(
      { address: await gov.governor.getAddress(), label: `${gov.label} governor`, abi: "CommunityGovernor" },
      { address: await gov.timelock.getAddress(), label: `${gov.label} timelock`, abi: "CommunityTimelock" },
    );
    if (gov.token) {
      extra.push({
        address: await gov.token.getAddress(),
        label: `${gov.label} token (${gov.units.symbol})`,
        abi: "CommunityToken",
      });
    }
  }
  return extra;
}

/** `proposals`: every proposal, newest last. */
export async function listProposals(chain: Chain, gov: Governance): Promise<void> {
  const records = await loadProposals(gov);
  const governorAddress = await gov.governor.getAddress();
  if (!records.length) {
    out(`${gov.label}: no proposals (governor ${governorAddress}, since block ${gov.startBlock})`);
    return;
  }
  const current = await now(gov);
  const rows = await Promise.all(
    records.map(async (r) => {
      const [state, votes, deadline] = await Promise.all([
        gov.governor.state(r.id),
        gov.governor.proposalVotes(r.id),
        gov.governor.proposalDeadline(r.id),
      ]);
      return { r, state, votes, deadline };
    }),
  );
  out(`${gov.label}: ${records.length} proposal${records.length === 1 ? "" : "s"} (governor ${governorAddress})`);
  for (const { r, state, votes, deadline } of rows) {
    const [against, forVotes, abstain] = votes;
    out();
    out(`${shortId(r.id)}  ${stateName(state).padEnd(9)}  ${firstLine(r.description)}`);
    out(`  id        ${r.id}`);
    out(
      `  votes     for ${formatAmount(forVotes, gov.units)} · against ${formatAmount(against, gov.units)} · ` +
        `abstain ${formatAmount(abstain, gov.units)}`,
    );
    out(`  snapshot  ${timepoint(r.voteStart, gov.clock)}   deadline ${timepoint(deadline, gov.clock)}`);
  }
  out();
  out(`chain time ${timepoint(current, gov.clock)}; details: kc proposal <id> ${selector(gov)}`);
}

/** `proposal <id>`: one proposal in full. */
export async function showProposal(chain: Chain, gov: Governance, idText: string): Promise<void> {
  const r = findProposal(await loadProposals(gov), idText, gov);
  const [state, votes, deadline, eta, current, latest] = await Promise.all([
    gov.governor.state(r.id),
    gov.governor.proposalVotes(r.id),
    gov.governor.proposalDeadline(r.id),
    gov.governor.proposalEta(r.id),
    now(gov),
    chainTime(chain),
  ]);
  const [against, forVotes, abstain] = votes;
  const { describeCall, knownContracts } = await import("./decode");
  const known = knownContracts(chain.deployment, await extraContracts(gov));
  out(`proposal ${shortId(r.id)} (${gov.label})`);
  out(`  id         ${r.id}`);
  out(`  state      ${stateName(state)}`);
  out(`  proposer   ${r.proposer}`);
  out(`  created    block ${r.blockNumber}, tx ${r.transactionHash}`);
  out(`  snapshot   ${when(r.voteStart, current, gov)}: voting opens after it`);
  out(
    `  deadline   ${when(deadline, current, gov)}` +
      (deadline !== r.voteEnd ? ` (extended from ${timepoint(r.voteEnd, gov.clock)}: late quorum)` : ""),
  );
  if (eta > 0n) out(`  eta        ${isoTime(eta)} (${relative(eta, latest)}): executable from then`);
  out(`  for        ${formatAmount(forVotes, gov.units)}`);
  out(`  against    ${formatAmount(against, gov.units)}`);
  out(`  abstain    ${formatAmount(abstain, gov.units)}`);
  if (r.voteStart < current) {
    const quorum = await gov.governor.quorum(r.voteStart);
    const reached = forVotes + abstain >= quorum;
    out(
      `  quorum     ${formatAmount(quorum, gov.units)} at the snapshot (for + abstain): ${reached ? "reached" : "not reached"}`,
    );
  } else {
    out("  quorum     known once voting opens (a share of the supply at the snapshot)");
  }
  out(`  actions    ${r.targets.length}`);
  r.targets.forEach((target, i) => {
    const { target: t, call } = describeCall(target, r.values[i] ?? 0n, r.calldatas[i] ?? "0x", known);
    out(`    ${i + 1}. ${t}`);
    out(`       ${call}`);
    out(`       calldata ${r.calldatas[i]}${r.values[i] ? `, value ${r.values[i]} wei` : ""}`);
  });
  out("  description");
  for (const line of r.description.split("\n")) out(line.trim() ? `    ${line}` : "");
}

/** `vote <id> for|against|abstain [--reason text]`. */
export async function vote(chain: Chain, gov: Governance, idText: string, supportText: string, options: Options) {
  const support = SUPPORT[supportText.toLowerCase()];
  if (support === undefined) throw new UsageError(`bad vote "${supportText}": give for, against or abstain`);
  const signer = await loadSigner(chain.provider);
  const r = findProposal(await loadProposals(gov), idText, gov);
  const [state, current, deadline] = await Promise.all([
    gov.governor.state(r.id),
    now(gov),
    gov.governor.proposalDeadline(r.id),
  ]);
  const name = shortId(r.id);
  if (state === STATE.Pending) {
    throw new UserError(
      `voting on proposal ${name} is not open yet: it opens after ${when(r.voteStart, current, gov)}`,
    );
  }
  if (state !== STATE.Active) {
    throw new UserError(
      `voting on proposal ${name} is closed: it is ${stateName(state)} (voting ended ${timepoint(deadline, gov.clock)})`,
    );
  }
  if (await gov.governor.hasVoted(r.id, signer.address)) {
    throw new UserError(`${signer.address} has already voted on proposal ${name}`);
  }
  const weight = await gov.governor.getVotes(signer.address, r.voteStart);
  if (weight === 0n) {
    throw new UserError(
      `${signer.address} had no voting power at proposal ${name}'s snapshot (${timepoint(r.voteStart, gov.clock)}): ` +
        (gov.kind === "community"
          ? `only votes delegated before it count (kc delegate self ${selector(gov)} for the next proposals)`
          : "no seat was delegated to it then"),
    );
  }
  const receipt = await send(signer.address, `voting on proposal ${name}`, () =>
    gov.governor.connect(signer).castVoteWithReason(r.id, support, options.reason ?? ""),
  );
  let counted = weight;
  for (const log of receipt.logs) {
    const parsed = gov.governor.interface.parseLog(log);
    if (parsed?.name === "VoteCast") counted = parsed.args.weight as bigint;
  }
  out(
    `voted ${SUPPORT_NAMES[support]} on proposal ${name} (${gov.label}) with weight ${formatAmount(counted, gov.units)}` +
      (options.reason ? `, reason: ${JSON.stringify(options.reason)}` : ""),
  );
  out(`  ${mined(receipt)}`);
}

/** `queue <id>`: a Succeeded proposal into its timelock. */
export async function queue(chain: Chain, gov: Governance, idText: string): Promise<void> {
  const signer = await loadSigner(chain.provider);
  const r = findProposal(await loadProposals(gov), idText, gov);
  const [state, current, deadline, eta] = await Promise.all([
    gov.governor.state(r.id),
    now(gov),
    gov.governor.proposalDeadline(r.id),
    gov.governor.proposalEta(r.id),
  ]);
  const name = shortId(r.id);
  if (state === STATE.Queued) {
    throw new UserError(`proposal ${name} is already Queued: executable from ${isoTime(eta)}`);
  }
  if (state !== STATE.Succeeded) {
    const detail =
      state === STATE.Active
        ? `; voting ends ${when(deadline, current, gov)}`
        : state === STATE.Pending
          ? `; voting opens after ${when(r.voteStart, current, gov)}`
          : "";
    throw new UserError(
      `proposal ${name} is ${stateName(state)}, not Succeeded: only a Succeeded proposal can be queued${detail}`,
    );
  }
  if (!(await gov.governor.proposalNeedsQueuing(r.id))) {
    throw new UserError(`proposal ${name} needs no queuing: execute it (kc execute ${name} ${selector(gov)})`);
  }
  const receipt = await send(signer.address, `queuing proposal ${name}`, () =>
    gov.governor.connect(signer).queue(r.targets, r.values, r.calldatas, r.descriptionHash),
  );
  const queuedEta = await gov.governor.proposalEta(r.id);
  out(`queued proposal ${name} (${gov.label}): executable from ${isoTime(queuedEta)}`);
  out(`  ${mined(receipt)}`);
}

/** `execute <id>`: a Queued proposal whose timelock delay has passed. */
export async function execute(chain: Chain, gov: Governance, idText: string): Promise<void> {
  const signer = await loadSigner(chain.provider);
  const r = findProposal(await loadProposals(gov), idText, gov);
  const state = await gov.governor.state(r.id);
  const name = shortId(r.id);
  if (state === STATE.Succeeded && (await gov.governor.proposalNeedsQueuing(r.id))) {
    throw new UserError(
      `proposal ${name} is Succeeded but not queued: queue it first (kc queue ${name} ${selector(gov)})`,
    );
  }
  if (state !== STATE.Queued && state !== STATE.Succeeded) {
    throw new UserError(`proposal ${name} is ${stateName(state)}, not Queued: it cannot be executed`);
  }
  if (state === STATE.Queued) {
    // the timelock's own record of the operation: the governor schedules it with salt = governor ^ descriptionHash
    const governorAddress = await gov.governor.getAddress();
    const salt = ethers.toBeHex(BigInt(governorAddress.padEnd(66, "0")) ^ BigInt(r.descriptionHash), 32);
    const operation = await gov.timelock.hashOperationBatch(r.targets, r.values, r.calldatas, ethers.ZeroHash, salt);
    const [ready, latest] = await Promise.all([gov.timelock.getTimestamp(operation), chainTime(chain)]);
    if (ready > 1n && latest < ready) {
      throw new UserError(
        `proposal ${name} is queued, but its timelock operation is not ready until ${isoTime(ready)} ` +
          `(${relative(ready, latest)})`,
      );
    }
  }
  const receipt = await send(signer.address, `executing proposal ${name}`, () =>
    gov.governor.connect(signer).execute(r.targets, r.values, r.calldatas, r.descriptionHash),
  );
  out(`executed proposal ${name} (${gov.label}): now ${stateName(await gov.governor.state(r.id))}`);
  out(`  ${mined(receipt)}`);
}

/** `delegate <address|self>`: the signer's votes (community token) or seat (federation). */
export async function delegate(chain: Chain, gov: Governance, toText: string): Promise<void> {
  const signer = await loadSigner(chain.provider);
  const to = toText.toLowerCase() === "self" ? signer.address : parseAddress(toText, "delegate address");
  if (gov.kind === "federation") {
    const seats = gov.seats!;
    if ((await seats.balanceOf(signer.address)) === 0n) {
      const calldata = seats.interface.encodeFunctionData("delegate", [to]);
      throw new UserError(
        `${signer.address} holds no federation seat: seats are held by community timelocks, so a community ` +
          `delegates its seat by its own proposal (target ${await seats.getAddress()}, calldata ${calldata})`,
      );
    }
    if ((await seats.delegates(signer.address)) === to) {
      out(`the seat of ${signer.address} is already delegated to ${to}: nothing to do`);
      return;
    }
    const receipt = await send(signer.address, "delegating the seat", () => seats.connect(signer).delegate(to));
    out(`delegated the federation seat of ${signer.address} to ${to}`);
    out(`  ${mined(receipt)}`);
    return;
  }
  const token = gov.token!;
  const [current, balance] = await Promise.all([token.delegates(signer.address), token.balanceOf(signer.address)]);
  if (current === to) {
    out(`${signer.address} has already delegated its ${gov.label} votes to ${to}: nothing to do`);
    return;
  }
  const receipt = await send(signer.address, `delegating ${gov.label} votes`, () => token.connect(signer).delegate(to));
  out(
    `delegated the ${gov.label} votes of ${signer.address} (balance ${formatAmount(balance, gov.units)}) to ` +
      `${to === signer.address ? "itself" : to}`,
  );
  out("  they count in proposals whose snapshot comes after this block");
  out(`  ${mined(receipt)}`);
}

/** `balance [address]`: holdings and votes, of `address` or the signer. */
export async function balance(chain: Chain, gov: Governance, addressText: string | undefined): Promise<void> {
  const address =
    addressText === undefined || addressText.toLowerCase() === "self"
      ? (await loadSigner(chain.provider)).address
      : parseAddress(addressText);
  const eth = await chain.provider.getBalance(address);
  if (gov.kind === "federation") {
    const seats = gov.seats!;
    const [held, votes, delegatee] = await Promise.all([
      seats.balanceOf(address),
      seats.getVotes(address),
      seats.delegates(address),
    ]);
    out(`${address} in the federation`);
    out(`  seats held   ${held}`);
    out(`  delegate     ${delegatee === ethers.ZeroAddress ? "none" : delegatee}`);
    out(`  votes        ${formatAmount(votes, gov.units)} (its own seat if self-delegated, and seats delegated to it)`);
    out(`  ETH          ${ethers.formatEther(eth)}`);
    return;
  }
  const token = gov.token!;
  const [held, votes, delegatee] = await Promise.all([
    token.balanceOf(address),
    token.getVotes(address),
    token.delegates(address),
  ]);
  out(`${address} in ${gov.label}`);
  out(`  balance      ${formatAmount(held, gov.units)}`);
  out(
    `  delegate     ${delegatee === ethers.ZeroAddress ? "none (its tokens do not vote: kc delegate self)" : delegatee}`,
  );
  out(`  votes        ${formatAmount(votes, gov.units)}`);
  out(`  ETH          ${ethers.formatEther(eth)}`);
}

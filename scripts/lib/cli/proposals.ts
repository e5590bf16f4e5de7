/** Proposals as their ProposalCreated logs tell them, and ids as voters type them. */
import { ethers } from "ethers";
import type { Governance } from "./context";
import { UsageError, UserError } from "./errors";
import { shortId } from "./format";

export interface ProposalRecord {
  id: bigint;
  proposer: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
  /** The event's voteStart/voteEnd (the governor's snapshot and original deadline). */
  voteStart: bigint;
  voteEnd: bigint;
  description: string;
  descriptionHash: string;
  blockNumber: number;
  transactionHash: string;
}

/** Blocks per eth_getLogs request (KC_LOG_CHUNK): public endpoints limit the range of one query. */
function chunkSize(): number {
  const n = Number(process.env.KC_LOG_CHUNK ?? 50_000);
  return Number.isInteger(n) && n > 0 ? n : 50_000;
}

/** Every proposal the governor created since `gov.startBlock`, in creation order. */
export async function loadProposals(gov: Governance): Promise<ProposalRecord[]> {
  const provider = gov.governor.runner as ethers.Provider;
  const address = await gov.governor.getAddress();
  const event = gov.governor.interface.getEvent("ProposalCreated");
  const head = await provider.getBlockNumber();
  const logs: ethers.Log[] = [];
  const step = chunkSize();
  for (let from = Math.max(0, gov.startBlock); from <= head; from += step) {
    const to = Math.min(head, from + step - 1);
    logs.push(...(await provider.getLogs({ address, topics: [event.topicHash], fromBlock: from, toBlock: to })));
  }
  return logs.map((log) => {
    const args = gov.governor.interface.decodeEventLog(event, log.data, log.topics);
    const description = args.description as string;
    return {
      id: args.proposalId as bigint,
      proposer: args.proposer as string,
      targets: [...(args.targets as string[])],
      values: [...(args[3] as bigint[])],
      calldatas: [...(args.calldatas as string[])],
      voteStart: args.voteStart as bigint,
      voteEnd: args.voteEnd as bigint,
      description,
      descriptionHash: ethers.id(description),
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
    };
  });
}

/**
 * The proposal a voter means: a full id (decimal, as governors and Tally show it, or 0x and 64 hex digits) or the
 * short form `kc proposals` prints (0x and at least 4 hex digits: a prefix of the hex id).
 */
export function findProposal(records: ProposalRecord[], input: string, gov: Governance): ProposalRecord {
  const text = input.trim();
  let matches: ProposalRecord[];
  if (/^\d+$/.test(text)) {
    const id = BigInt(text);
    matches = records.filter((r) => r.id === id);
  } else if (/^0x[0-9a-f]{64}$/i.test(text)) {
    const id = BigInt(text);
    matches = records.filter((r) => r.id === id);
  } else if (/^0x[0-9a-f]{4,63}$/i.test(text)) {
    const prefix = text.slice(2).toLowerCase();
    matches = records.filter((r) => r.id.toString(16).padStart(64, "0").startsWith(prefix));
    if (matches.length > 1) {
      throw new UserError(
        `proposal id ${text} is ambiguous in ${gov.label}: ${matches.map((r) => shortId(r.id)).join(", ")}; give more digits`,
      );
    }
  } else {
    throw new UsageError(`bad proposal id "${input}": give the decimal id or its 0x hex form (at least 4 hex digits)`);
  }
  const found = matches[0];
  if (!found) {
    throw new UserError(
      `unknown proposal ${text} in ${gov.label}'s governor (no ProposalCreated log since block ${gov.startBlock}); ` +
        `list them with: kc proposals ${gov.kind === "federation" ? "--federation" : `--community ${gov.label}`}`,
    );
  }
  return found;
}

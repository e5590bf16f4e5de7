/**
 * What the indexer's tables must say, computed straight from the chain, and the comparison with what Ponder's
 * GraphQL (/graphql) serves. For every community token of the registry: the Transfer logs (eth_getLogs) up to a
 * block give each address's balance, the supply, the holders, the count of transfers and the day analytics' totals
 * (transfers that are neither mints nor burns: count and volume; mints; burns). Rows lost or doubled are counted by
 * (transactionHash, logIndex): every log must be served exactly once, and nothing else.
 */
import { ethers } from "ethers";
import { graphql, graphqlAll } from "../e2e/harness";
import { CommunityRegistry__factory, CommunityToken__factory } from "../../typechain-types";
import type { Deployment } from "../../scripts/lib/deployment";
import { rpc } from "./activity";

const TRANSFER = CommunityToken__factory.createInterface().getEvent("Transfer").topicHash;
const lower = (a: string) => a.toLowerCase();

interface RawLog {
  address: string;
  topics: string[];
  data: string;
  transactionHash: string;
  logIndex: string;
}

export interface TokenReference {
  id: string;
  token: string;
  balances: Map<string, bigint>;
  supply: bigint;
  holders: number;
  /** Every Transfer log, as `${transactionHash}:${logIndex}`. */
  logs: string[];
  transfers: { count: number; volume: bigint };
  mints: { count: number; amount: bigint };
  burns: { count: number; amount: bigint };
}

/** Every community of the registry at `block` (id and token), in launch order. */
export async function registeredTokens(rpcUrl: string, deployment: Deployment, block: number) {
  const provider = new ethers.JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  try {
    const registry = CommunityRegistry__factory.connect(deployment.communityRegistry.address, provider);
    const count = Number(await registry.communityCount({ blockTag: block }));
    const communities = [];
    for (let i = 0; i < count; i++) {
      const c = await registry.communityAt(i, { blockTag: block });
      communities.push({ id: c.id, token: lower(c.token) });
    }
    return communities;
  } finally {
    provider.destroy();
  }
}

/** The reference of every registered community's token at `block`. */
export async function chainReference(rpcUrl: string, deployment: Deployment, block: number): Promise<TokenReference[]> {
  const communities = await registeredTokens(rpcUrl, deployment, block);
  const logs = await rpc<RawLog[]>(rpcUrl, "eth_getLogs", [
    {
      address: communities.map((c) => c.token),
      topics: [TRANSFER],
      fromBlock: "0x0",
      toBlock: ethers.toQuantity(block),
    },
  ]);
  return communities.map(({ id, token }) => {
    const ref: TokenReference = {
      id,
      token,
      balances: new Map(),
      supply: 0n,
      holders: 0,
      logs: [],
      transfers: { count: 0, volume: 0n },
      mints: { count: 0, amount: 0n },
      burns: { count: 0, amount: 0n },
    };
    for (const log of logs.filter((l) => lower(l.address) === token)) {
      const from = lower(ethers.dataSlice(log.topics[1]!, 12));
      const to = lower(ethers.dataSlice(log.topics[2]!, 12));
      const amount = BigInt(log.data);
      ref.logs.push(`${log.transactionHash}:${Number(log.logIndex)}`);
      if (from === ethers.ZeroAddress) {
        ref.mints.count++;
        ref.mints.amount += amount;
        ref.supply += amount;
      } else {
        ref.balances.set(from, (ref.balances.get(from) ?? 0n) - amount);
      }
      if (to === ethers.ZeroAddress) {
        ref.burns.count++;
        ref.burns.amount += amount;
        ref.supply -= amount;
      } else {
        ref.balances.set(to, (ref.balances.get(to) ?? 0n) + amount);
      }
      if (from !== ethers.ZeroAddress && to !== ethers.ZeroAddress) {
        ref.transfers.count++;
        ref.transfers.volume += amount;
      }
    }
    ref.holders = [...ref.balances.values()].filter((b) => b > 0n).length;
    return ref;
  });
}

/** Differences between the indexer and the reference, as readable lines, and the rows lost and doubled. */
export interface Comparison {
  differences: string[];
  lost: number;
  duplicated: number;
  /** Rows the indexer serves that the chain does not hold (e.g. of a reorged-out block). */
  extra: number;
  rows: number;
}

interface DayItem {
  transferCount: number;
  volume: string;
  mintCount: number;
  minted: string;
  burnCount: number;
  burned: string;
}

const PAGE = 1000;

/** Compares the indexer's tables (Ponder's GraphQL at `apiUrl`) with the chain's reference. */
export async function compareWithIndexer(apiUrl: string, reference: TokenReference[]): Promise<Comparison> {
  const result: Comparison = { differences: [], lost: 0, duplicated: 0, extra: 0, rows: 0 };
  const differ = (what: string, indexed: unknown, chain: unknown) => {
    if (String(indexed) !== String(chain)) result.differences.push(`${what}: indexer ${indexed}, chain ${chain}`);
  };
  for (const ref of reference) {
    const where = { token: ref.token };
    const { communityProfile: profile } = await graphql<{
      communityProfile: { totalSupply: string; holderCount: number; transferCount: number } | null;
    }>(
      apiUrl,
      `
        query ($id: String!) {
          communityProfile(id: $id) {
            totalSupply
            holderCount
            transferCount
          }
        }
      `,
      {
        id: ref.id,
      },
    );
    if (!profile) {
      result.differences.push(`${ref.id}: no communityProfile`);
      continue;
    }
    differ(`${ref.id} supply`, profile.totalSupply, ref.supply);
    differ(`${ref.id} holders`, profile.holderCount, ref.holders);
    differ(`${ref.id} profile transferCount`, profile.transferCount, ref.logs.length);

    const transfers = (
      await graphqlAll<{ transactionHash: string; logIndex: number }>(
        apiUrl,
        "transfers",
        "transferFilter",
        "transactionHash logIndex",
        { where, pageSize: PAGE },
      )
    ).items;
    result.rows += transfers.length;
    differ(`${ref.id} transfer rows`, transfers.length, ref.logs.length);
    const seen = new Map<string, number>();
    for (const t of transfers) {
      const key = `${lower(t.transactionHash)}:${t.logIndex}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const expected = new Set(ref.logs.map(lower));
    for (const key of expected) if (!seen.has(key)) result.lost++;
    for (const [key, n] of seen) {
      if (n > 1) result.duplicated += n - 1;
      if (!expected.has(key)) result.extra += n;
    }

    const accounts = (
      await graphqlAll<{ address: string; balance: string }>(apiUrl, "accounts", "accountFilter", "address balance", {
        where,
        pageSize: PAGE,
      })
    ).items;
    const indexed = new Map(accounts.map((a) => [lower(a.address), BigInt(a.balance)]));
    let wrong = 0;
    for (const address of new Set([...indexed.keys(), ...ref.balances.keys()])) {
      const chain = ref.balances.get(address) ?? 0n;
      const served = indexed.get(address) ?? 0n;
      if (chain !== served) {
        if (wrong++ < 5) differ(`${ref.id} balance of ${address}`, served, chain);
      }
    }
    if (wrong > 5) result.differences.push(`${ref.id}: ${wrong} balances differ in all`);

    const days = (
      await graphqlAll<DayItem>(
        apiUrl,
        "communityDays",
        "communityDayFilter",
        "transferCount volume mintCount minted burnCount burned",
        { where, pageSize: PAGE },
      )
    ).items;
    const sum = (f: (d: DayItem) => number | string) => days.reduce((s, d) => s + BigInt(f(d)), 0n);
    differ(
      `${ref.id} days transferCount`,
      sum((d) => d.transferCount),
      ref.transfers.count,
    );
    differ(
      `${ref.id} days volume`,
      sum((d) => d.volume),
      ref.transfers.volume,
    );
    differ(
      `${ref.id} days mintCount`,
      sum((d) => d.mintCount),
      ref.mints.count,
    );
    differ(
      `${ref.id} days minted`,
      sum((d) => d.minted),
      ref.mints.amount,
    );
    differ(
      `${ref.id} days burnCount`,
      sum((d) => d.burnCount),
      ref.burns.count,
    );
    differ(
      `${ref.id} days burned`,
      sum((d) => d.burned),
      ref.burns.amount,
    );
  }
  return result;
}

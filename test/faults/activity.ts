/**
 * Token activity for the fault tests, sent straight to anvil from its unlocked accounts (eth_sendTransaction, no
 * signing in the test): senders made tier 2 (no daily limit) by the verifier and funded by the minter in every
 * founding community, then blocks of transfers to a pool of recipients, mined on demand (`evm_mine`, automine off)
 * or by interval mining. A `tag` names the recipients and amounts, so two histories of the same length differ.
 */
import { ethers } from "ethers";
import type { Deployment } from "../../scripts/lib/deployment";
import { CommunityToken__factory, ComplianceRegistry__factory } from "../../typechain-types";

const TOKEN = CommunityToken__factory.createInterface();
const REGISTRY = ComplianceRegistry__factory.createInterface();
/** A transfer with the compliance checks and vote checkpoints costs well under this. */
const GAS = 250_000;
/** Transactions per mined block (30M gas limit / GAS leaves room). */
export const PER_BLOCK = 100;

interface Tx {
  from: string;
  to: string;
  data: string;
}

interface RpcAnswer {
  id: number;
  result?: unknown;
  error?: { message: string };
}

/** A JSON-RPC batch; rejects on the first error answer. */
export async function rpcBatch(url: string, calls: { method: string; params: unknown[] }[]): Promise<unknown[]> {
  if (calls.length === 0) return [];
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: "2.0", id, ...c }))),
  });
  const answers = ((await response.json()) as RpcAnswer[]).sort((a, b) => a.id - b.id);
  const failed = answers.find((a) => a.error);
  if (failed) throw new Error(`${calls[failed.id]!.method}: ${failed.error!.message}`);
  return answers.map((a) => a.result);
}

export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  return (await rpcBatch(url, [{ method, params }]))[0] as T;
}

/** A small deterministic generator (mulberry32), so a history is reproducible from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Activity {
  senders: string[] = [];
  readonly tokens: string[];

  constructor(
    readonly rpcUrl: string,
    readonly deployment: Deployment,
  ) {
    this.tokens = deployment.communities.map((c) => c.token);
  }

  /** Makes the last 10 of anvil's 20 accounts tier-2 holders of 1,000,000 of every founding community's token. */
  async fund(): Promise<void> {
    const accounts = await rpc<string[]>(this.rpcUrl, "eth_accounts");
    this.senders = accounts.slice(10, 20);
    const { verifier, minter } = this.deployment.roles;
    const tiers: Tx[] = [];
    const mints: Tx[] = [];
    for (const c of this.deployment.communities) {
      for (const sender of this.senders) {
        tiers.push({
          from: verifier,
          to: c.complianceRegistry,
          data: REGISTRY.encodeFunctionData("setTier", [sender, 2]),
        });
        const ref = ethers.id(`faults:${c.id}:${sender}:${Date.now()}`);
        const data = TOKEN.encodeFunctionData("mint", [sender, ethers.parseEther("1000000"), ref]);
        mints.push({ from: minter, to: c.token, data });
      }
    }
    await this.mineBlock(tiers);
    await this.mineBlock(mints);
  }

  /** `count` transfers named by `tag` (recipients and amounts), `PER_BLOCK` to a block, each block mined at once. */
  async transfers(count: number, tag: string, options: { perBlock?: number } = {}): Promise<string[]> {
    const txs = this.transferTxs(count, tag);
    const hashes: string[] = [];
    const perBlock = options.perBlock ?? PER_BLOCK;
    for (let i = 0; i < txs.length; i += perBlock) hashes.push(...(await this.mineBlock(txs.slice(i, i + perBlock))));
    return hashes;
  }

  /** `blocks` blocks of `perBlock` transfers each (at least one block even with no transfer). */
  async blocks(blocks: number, perBlock: number, tag: string): Promise<string[]> {
    const txs = this.transferTxs(blocks * perBlock, tag);
    const hashes: string[] = [];
    for (let b = 0; b < blocks; b++)
      hashes.push(...(await this.mineBlock(txs.slice(b * perBlock, (b + 1) * perBlock))));
    return hashes;
  }

  /** The transactions of `count` transfers named by `tag`: senders in turn, tokens in turn, random recipients. */
  transferTxs(count: number, tag: string): Tx[] {
    const next = random(Number(BigInt(ethers.id(tag)) % 2n ** 32n));
    const recipients = Array.from({ length: 40 }, (_, i) => ethers.getAddress(ethers.id(`${tag}:${i}`).slice(0, 42)));
    return Array.from({ length: count }, (_, i) => {
      const pool = next() < 0.2 ? this.senders : recipients;
      const to = pool[Math.floor(next() * pool.length)]!;
      const amount = ethers.parseEther(String(1 + Math.floor(next() * 500))) + BigInt(Math.floor(next() * 1e6));
      return {
        from: this.senders[i % this.senders.length]!,
        to: this.tokens[Math.floor(i / this.senders.length) % this.tokens.length]!,
        data: TOKEN.encodeFunctionData("transfer", [to, amount]),
      };
    });
  }

  /**
   * Sends `txs` with explicit nonces (automine off) and mines them in one block; checks that the block holds them
   * all and none reverted. Returns their hashes.
   */
  async mineBlock(txs: Tx[]): Promise<string[]> {
    await rpc(this.rpcUrl, "evm_setAutomine", [false]);
    const hashes = await this.send(txs);
    await rpc(this.rpcUrl, "evm_mine");
    const block = await rpc<{ number: string; transactions: string[] }>(this.rpcUrl, "eth_getBlockByNumber", [
      "latest",
      false,
    ]);
    const mined = new Set(block.transactions);
    const missing = hashes.filter((h) => !mined.has(h));
    if (missing.length > 0)
      throw new Error(`block ${Number(block.number)} lacks ${missing.length} of ${hashes.length}`);
    const receipts = await rpc<{ status: string }[]>(this.rpcUrl, "eth_getBlockReceipts", [block.number]);
    const reverted = receipts.filter((r) => r.status !== "0x1").length;
    if (reverted > 0) throw new Error(`block ${Number(block.number)}: ${reverted} transactions reverted`);
    return hashes;
  }

  /** Sends `txs` (nonces from the chain's latest state, in order per sender); returns their hashes. */
  async send(txs: Tx[]): Promise<string[]> {
    const from = [...new Set(txs.map((t) => t.from))];
    const counts = await rpcBatch(
      this.rpcUrl,
      from.map((a) => ({ method: "eth_getTransactionCount", params: [a, "pending"] })),
    );
    const nonces = new Map(from.map((a, i) => [a, BigInt(counts[i] as string)]));
    const calls = txs.map((t) => {
      const nonce = nonces.get(t.from)!;
      nonces.set(t.from, nonce + 1n);
      return {
        method: "eth_sendTransaction",
        params: [{ ...t, gas: ethers.toQuantity(GAS), nonce: ethers.toQuantity(nonce) }],
      };
    });
    return (await rpcBatch(this.rpcUrl, calls)) as string[];
  }
}

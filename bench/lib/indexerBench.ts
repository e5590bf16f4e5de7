/**
 * The indexer benchmark (bench/indexer.ts, test/bench/indexer.smoke.test.ts): a chain history generated once, then
 * a timed full backfill by Ponder on each database, then a live phase per database at the node's highest rate.
 *
 * Chain: anvil from npm (@foundry-rs/anvil), or the Hardhat node if anvil is missing (BENCH_NODE=hardhat forces it).
 * The history: scripts/deploy.ts and scripts/simulate.ts (its mix: transfers, signed transfers, redemptions,
 * governance, swaps, payments, escrow, ...), then the bulk phase: blocks of BatchTransfer transactions (100 Transfer
 * logs each) from tier-2 holders to new and returning recipients in the four founding communities, with a mint, a
 * redemption or a swap every few blocks, until the indexer has at least `events` events to handle.
 * deploy.ts and simulate.ts expect the Hardhat node's automine (a sent transaction is mined when the send returns;
 * gas estimates that hold in the next block); anvil mines a moment after it answers and estimates against the
 * pending block's timestamp. So on anvil they talk to it through `automineProxy` (below), which answers a send only
 * once its receipt exists and pads gas estimates; everything else goes to anvil directly.
 *
 * Events counted: Ponder's own count (`ponder_indexing_completed_events` of /metrics, per event) and the chain's:
 * eth_getLogs of every indexed contract (the deployment file's, and those Ponder discovers: the communities'
 * contracts from CommunityRegistered, the pools from PoolSet, the factories from the registry's RoleGranted) for the
 * events that have a handler (`ponder.on("Contract:Event", ...)` in indexer/src), from the block of its discovery on.
 *
 * Backfill: from `ponder start` on an empty database until /status reports the head block; events/s = events /
 * seconds; peak memory = the largest sum of VmRSS over the Ponder process group, sampled every 200 ms (the
 * PostgreSQL server's memory is not included). Live: Ponder caught up, the node mines a block every second
 * (interval mining) while senders submit token transfers as fast as the node takes them (at most `MAX_BACKLOG`
 * waiting); the head and the indexer's /status are sampled every 250 ms; lag = head - indexed block.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getAddress, Interface, keccak256, toUtf8Bytes, type InterfaceAbi } from "ethers";
import type { Deployment } from "../../scripts/lib/deployment";
import { generateAbis } from "../../scripts/gen-abis";
import { anvilRuns, automineProxy, startAnvil } from "../../scripts/lib/anvil";
import { jsonRpc, rpcReady } from "../../scripts/lib/http";
import { INDEXER_DIR, indexedBlock, startPonder } from "../../scripts/lib/indexer";
import { postgresBin, startPostgres, type Postgres } from "../../scripts/lib/postgres";
import {
  freePort,
  killServicesOnExit,
  run,
  type Service,
  startService,
  stopService,
  waitFor,
} from "../../scripts/lib/processes";

export type BenchDatabase = "pglite" | "postgres";

export interface IndexerBenchOptions {
  /** At least this many events for the indexer to handle (the simulation's, then the bulk phase's). */
  events: number;
  /** Seconds of the live phase, per database (0 skips it). */
  liveSeconds: number;
  databases: BenchDatabase[];
  /** Caps the live phase's transaction rate (default: as fast as the node takes them). */
  liveMaxTxPerSecond?: number;
  /** simulate.ts settings (SIM_*); default: its own defaults. */
  simulate?: Record<string, string>;
  /** Progress lines; default: none. */
  log?: (line: string) => void;
}

export interface BackfillRow {
  database: BenchDatabase;
  /** Events Ponder handled (its /metrics), and what the chain says it should have (eth_getLogs). */
  events: number;
  expectedEvents: number;
  blocks: number;
  /** From spawn to the HTTP server (build, schema), and from spawn to the head block indexed. */
  startupSeconds: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: number;
  /** The handlers that took the most time: event, count, total seconds, mean ms. */
  handlers: { event: string; count: number; seconds: number; meanMs: number }[];
}

export interface LiveRow {
  database: BenchDatabase;
  seconds: number;
  blocks: number;
  transactions: number;
  txPerSecond: number;
  events: number;
  eventsPerSecond: number;
  maxLag: number;
  p95Lag: number;
  meanLag: number;
  samples: number;
  /** Seconds from the end of the load until the indexer reached the last block; null: not within CATCH_UP_MS. */
  catchUpSeconds: number | null;
  /** Events the indexer handled from the start of the load until it caught up (or gave up). */
  eventsAfterCatchUp: number;
  peakRssMb: number;
}

export interface ChainInfo {
  node: string;
  blocks: number;
  /** Events with a handler, by source: the simulation (with deployment) and the bulk phase. */
  simulatedEvents: number;
  events: number;
  eventsByName: Record<string, number>;
  generationSeconds: number;
  blockGasLimit: number;
  notes: string[];
}

export interface IndexerBenchResult {
  chain: ChainInfo;
  backfill: BackfillRow[];
  live: LiveRow[];
}

const ROOT = path.resolve(__dirname, "..", "..");
const HARDHAT_BIN = path.join(ROOT, "node_modules", ".bin", "hardhat");
const ARTIFACTS = path.join(ROOT, "artifacts", "contracts");

/** Recipients per BatchTransfer transaction (Transfer logs per transaction). */
const BATCH = 100;
/** Accounts of the node that hold and send in the bulk and live phases (simulate.ts uses signers 0-19). */
const HOLDERS = Array.from({ length: 8 }, (_, i) => 20 + i);
const ACCOUNTS = 30;
/** Live phase: at most this many sent transactions not yet mined. */
const MAX_BACKLOG = 1500;
/**
 * Live phase: at most this many transactions of one sender waiting to be mined. With every send at one price (FEES)
 * anvil mined them all: 128 ahead, the node mined 348 a second on the small chain, where 32 ahead capped it at about
 * 180 (earlier, with anvil's own fees, 128 ahead stranded some and 256 ahead lost two thirds; see FEES).
 */
const SENDER_BACKLOG = 128;
/** Live phase: a sender whose transactions have not been mined for this long has lost one in the node's pool. */
const GAP_MS = 3_000;
/** Live phase: the time limit of each call of the sampler (the node's head, its blocks, the indexer's status). */
const SAMPLE_TIMEOUT_MS = 5_000;
/** Live phase: how long to wait, after the load, for the indexer to reach the last block. */
const CATCH_UP_MS = 120_000;
const WEI = 10n ** 18n;
/** Empty blocks that end the generated history (Ponder's unfinalized range on a dev chain is 30 blocks). */
const TIP_BLOCKS = 32;

type Log = { address: string; topics: string[]; data: string; blockNumber: string; transactionHash: string };

// ------------------------------------------------------------------------------------------------ helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function artifactAbi(name: string): InterfaceAbi {
  const find = (dir: string): string | null => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const hit = entry.name === `${name}.sol` ? path.join(full, `${name}.json`) : find(full);
        if (hit && fs.existsSync(hit)) return hit;
      }
    }
    return null;
  };
  const file = find(ARTIFACTS);
  if (!file) throw new Error(`no artifact for ${name}: run npx hardhat compile`);
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { abi: InterfaceAbi }).abi;
}

function artifactBytecode(name: string): string {
  const file = path.join(ARTIFACTS, "mocks", `${name}.sol`, `${name}.json`);
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { bytecode: string }).bytecode;
}

/** Sum of VmRSS (kB) of every process in the process group `pgid`. */
function groupRssKb(pgid: number): number {
  let total = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // fields: state, ppid, pgrp, ...
      const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (rss) total += Number(rss[1]);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Samples the peak RSS of a process group every 200 ms until stopped. */
function rssSampler(pgid: number) {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, groupRssKb(pgid))), 200);
  return {
    peakMb: () => Math.round(Math.max(peak, groupRssKb(pgid)) / 1024),
    stop: () => clearInterval(timer),
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Ponder's /metrics: events handled per event name (setup functions excluded) and handler time per event. */
async function ponderMetrics(apiUrl: string) {
  let text = "";
  for (let attempt = 1; ; attempt++) {
    try {
      text = await (await fetch(`${apiUrl}/metrics`)).text();
      break;
    } catch (error) {
      if (attempt === 5) throw error; // a busy Ponder now and then resets the connection
      await sleep(500);
    }
  }
  const events = new Map<string, number>();
  const seconds = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m =
      /^(ponder_indexing_completed_events|ponder_indexing_function_duration_(?:sum|count))\{([^}]*)\} ([\d.e+-]+)$/.exec(
        line,
      );
    if (!m) continue;
    const event = /event="([^"]+)"/.exec(m[2]!)?.[1];
    if (!event || event.endsWith(":setup")) continue;
    const value = Number(m[3]);
    if (m[1] === "ponder_indexing_completed_events") events.set(event, value);
    else if (m[1]!.endsWith("_sum"))
      seconds.set(event, value / 1000); // milliseconds
    else counts.set(event, value);
  }
  const total = [...events.values()].reduce((a, b) => a + b, 0);
  return { events, total, seconds, counts };
}

// ------------------------------------------------------------------------------------------------ the node

interface Node {
  kind: "anvil" | "hardhat";
  rpcUrl: string;
  /** What deploy.ts and simulate.ts talk to (anvil: the automine proxy). */
  scriptRpcUrl: string;
  service: Service;
  stop(): Promise<void>;
}

const rpc = <T>(url: string, method: string, params: unknown[] = []) => jsonRpc<T>(url, method, params);

async function startNode(log: (line: string) => void): Promise<Node> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const anvil = process.env.BENCH_NODE !== "hardhat" && anvilRuns();
  if (anvil) {
    const service = await startAnvil({ port, accounts: ACCOUNTS });
    const proxy = await automineProxy(rpcUrl);
    return {
      kind: "anvil",
      rpcUrl,
      scriptRpcUrl: proxy.url,
      service,
      stop: async () => {
        await proxy.close();
        await stopService(service);
      },
    };
  }
  log("anvil is not installed: using the Hardhat node");
  const service = startService("chain", HARDHAT_BIN, ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    quiet: true,
    env: { HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
  });
  await waitFor("the Hardhat node", () => rpcReady(rpcUrl), { service, timeoutMs: 60_000 });
  return { kind: "hardhat", rpcUrl, scriptRpcUrl: rpcUrl, service, stop: () => stopService(service) };
}

/** Interval mining every second (live phase), or automine (everything else). */
async function setMining(node: Node, interval: boolean): Promise<void> {
  if (interval) {
    await rpc(node.rpcUrl, "evm_setAutomine", [false]);
    await rpc(node.rpcUrl, "evm_setIntervalMining", [node.kind === "anvil" ? 1 : 1_000]);
  } else {
    await rpc(node.rpcUrl, "evm_setIntervalMining", [0]);
    await rpc(node.rpcUrl, "evm_setAutomine", [true]);
  }
}

// ------------------------------------------------------------------------------------------------ transactions

/**
 * The fees of every send: one price for all. anvil's pool is ordered by fee; with the fees it fills in itself (the
 * base fee at the time of the send + 1 gwei), a send made after the base fee rose outranked its sender's earlier
 * ones, failed at its nonce when the block was built and was dropped: on the 200k chain the live phase lost 100-150
 * transactions a minute (answered, never mined), each one stalling its sender. One price keeps the pool first in,
 * first out. 100 gwei is far above these chains' base fee (logged at the start of each live phase).
 */
const FEES = { maxFeePerGas: `0x${(100n * 10n ** 9n).toString(16)}`, maxPriorityFeePerGas: "0x0" };

/** Sends transactions from the node's unlocked accounts with nonces kept here (many may wait for one block). */
class Sender {
  private readonly nonces = new Map<string, number>();
  constructor(private readonly rpcUrl: string) {}

  /** The nonce the next send of `from` takes, if known. */
  nextNonce(from: string): number | undefined {
    return this.nonces.get(from);
  }

  async send(from: string, to: string | null, data: string, gas: number): Promise<string> {
    if (!this.nonces.has(from)) {
      const pending = Number(await rpc<string>(this.rpcUrl, "eth_getTransactionCount", [from, "pending"]));
      if (!this.nonces.has(from)) this.nonces.set(from, pending); // another call may have read it meanwhile
    }
    const nonce = this.nonces.get(from)!;
    this.nonces.set(from, nonce + 1);
    try {
      return await this.sendAt(from, to, data, gas, nonce);
    } catch (error) {
      // A send the node did not take leaves a gap at its nonce, which would hold every later one in the pool:
      // the next send reads the node's pending count again and fills it.
      this.nonces.delete(from);
      throw error;
    }
  }

  /** Sends with the given nonce, outside the count `send` keeps (to fill a nonce the node lost). */
  sendAt(from: string, to: string | null, data: string, gas: number, nonce: number): Promise<string> {
    const tx: Record<string, string> = {
      from,
      data,
      gas: `0x${gas.toString(16)}`,
      nonce: `0x${nonce.toString(16)}`,
      ...FEES,
    };
    if (to) tx.to = to;
    return rpc<string>(this.rpcUrl, "eth_sendTransaction", [tx]);
  }

  /** Sends and waits for the receipt (automine); throws if the transaction reverted. */
  async sendMined(
    from: string,
    to: string | null,
    data: string,
    gas = 3_000_000,
  ): Promise<{ contractAddress?: string }> {
    const hash = await this.send(from, to, data, gas);
    for (;;) {
      const receipt = await rpc<{ status: string; contractAddress?: string } | null>(
        this.rpcUrl,
        "eth_getTransactionReceipt",
        [hash],
      );
      if (receipt) {
        if (receipt.status !== "0x1") throw new Error(`transaction ${hash} reverted`);
        return receipt;
      }
      await sleep(2);
    }
  }
}

// ------------------------------------------------------------------------------------------------ counting

interface Watched {
  /** address (lower case) -> the handled topics and the block its logs count from. */
  byAddress: Map<string, { topics: Map<string, string>; fromBlock: number }>;
}

/** `ponder.on("Contract:Event", ...)` in indexer/src: contract -> handled event names. */
function handledEvents(): Map<string, string[]> {
  const handled = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) {
        for (const m of fs.readFileSync(full, "utf8").matchAll(/ponder\.on\(\s*"([A-Za-z0-9]+):([^"]+)"/g)) {
          if (m[2] === "setup") continue;
          handled.set(m[1]!, [...(handled.get(m[1]!) ?? []), m[2]!]);
        }
      }
    }
  };
  walk(path.join(INDEXER_DIR, "src"));
  return handled;
}

/** Every contract Ponder follows on this chain, with the topics it handles: as ponder.config.ts finds them. */
async function watchedContracts(rpcUrl: string, deployment: Deployment): Promise<Watched> {
  const handled = handledEvents();
  const interfaces = new Map<string, Interface>();
  const topicsOf = (contract: string) => {
    let iface = interfaces.get(contract);
    if (!iface) interfaces.set(contract, (iface = new Interface(artifactAbi(contract))));
    const topics = new Map<string, string>();
    for (const name of handled.get(contract) ?? []) {
      topics.set(iface.getEvent(name)!.topicHash, `${contract}:${name}`);
    }
    return topics;
  };
  const byAddress: Watched["byAddress"] = new Map();
  const add = (contract: string, address: string, fromBlock: number) => {
    const key = address.toLowerCase();
    const entry = byAddress.get(key) ?? { topics: new Map<string, string>(), fromBlock };
    for (const [topic, label] of topicsOf(contract)) entry.topics.set(topic, label);
    entry.fromBlock = Math.min(entry.fromBlock, fromBlock);
    byAddress.set(key, entry);
  };
  const d = deployment;
  const business = d.business as Record<string, { address: string; startBlock: number }>;
  const federation = d.federation as unknown as Record<string, { address: string; startBlock: number }>;
  add("CommunityRegistry", d.communityRegistry.address, d.communityRegistry.startBlock);
  add("SanctionsList", d.sanctionsList.address, d.sanctionsList.startBlock);
  add("FxOracle", d.bridge.oracle.address, d.bridge.oracle.startBlock);
  add("BridgeRouter", d.bridge.router.address, d.bridge.router.startBlock);
  const fixed: [string, Record<string, { address: string; startBlock: number }>, string][] = [
    ["FederationSeats", federation, "seats"],
    ["FederationGovernor", federation, "governor"],
    ["FederationTimelock", federation, "timelock"],
    ["Federation", federation, "federation"],
    ["MutualAidFund", federation, "mutualAidFund"],
    ["MerchantRegistry", business, "merchantRegistry"],
    ["PaymentRouter", business, "paymentRouter"],
    ["LoyaltyProgram", business, "loyaltyProgram"],
    ["TradeEscrow", business, "tradeEscrow"],
    ["ProfitSharing", business, "profitSharing"],
    ["SupplyChainRegistry", business, "supplyChain"],
  ];
  for (const [contract, section, key] of fixed) add(contract, section[key]!.address, section[key]!.startBlock);

  // The factories' children, from the block of the log that names them.
  const registry = new Interface(artifactAbi("CommunityRegistry"));
  const router = new Interface(artifactAbi("BridgeRouter"));
  const head = Number(await rpc<string>(rpcUrl, "eth_blockNumber"));
  const registered = await rpc<Log[]>(rpcUrl, "eth_getLogs", [
    {
      address: d.communityRegistry.address,
      fromBlock: "0x0",
      toBlock: `0x${head.toString(16)}`,
      topics: [[registry.getEvent("CommunityRegistered")!.topicHash, registry.getEvent("RoleGranted")!.topicHash]],
    },
  ]);
  for (const log of registered) {
    const parsed = registry.parseLog(log)!;
    const block = Number(log.blockNumber);
    if (parsed.name === "RoleGranted") add("CommunityFactory", parsed.args.account as string, block);
    else {
      add("CommunityToken", parsed.args.token as string, block);
      add("ComplianceRegistry", parsed.args.complianceRegistry as string, block);
      add("CommunityGovernor", parsed.args.governor as string, block);
      add("CommunityTimelock", parsed.args.timelock as string, block);
    }
  }
  const poolSet = await rpc<Log[]>(rpcUrl, "eth_getLogs", [
    {
      address: d.bridge.router.address,
      fromBlock: "0x0",
      toBlock: `0x${head.toString(16)}`,
      topics: [router.getEvent("PoolSet")!.topicHash],
    },
  ]);
  for (const log of poolSet) add("BridgePool", router.parseLog(log)!.args.pool as string, Number(log.blockNumber));
  return { byAddress };
}

/** The logs Ponder should handle in blocks [from, to], by "Contract:Event". */
async function countHandledLogs(rpcUrl: string, watched: Watched, from: number, to: number) {
  const counts = new Map<string, number>();
  const addresses = [...watched.byAddress.keys()];
  const step = 100;
  for (let start = from; start <= to; start += step) {
    const end = Math.min(to, start + step - 1);
    const logs = await rpc<Log[]>(rpcUrl, "eth_getLogs", [
      { address: addresses, fromBlock: `0x${start.toString(16)}`, toBlock: `0x${end.toString(16)}` },
    ]);
    for (const log of logs) {
      const entry = watched.byAddress.get(log.address.toLowerCase());
      const label = entry?.topics.get(log.topics[0] ?? "");
      if (!entry || !label || Number(log.blockNumber) < entry.fromBlock) continue;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
  }
  return counts;
}

const sum = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

// ------------------------------------------------------------------------------------------------ generation

interface Community {
  id: string;
  token: string;
  registry: string;
  holders: string[];
  /** Recipients paid so far (some are paid again). */
  recipients: string[];
}

interface Bulk {
  communities: Community[];
  batch: string;
  minter: string;
  router: string;
  pools: { tokenA: string; tokenB: string }[];
}

const tokenIface = new Interface(artifactAbi("CommunityToken"));
const registryIface = new Interface(artifactAbi("ComplianceRegistry"));
const batchIface = new Interface(artifactAbi("BatchTransfer"));
const routerIface = new Interface(artifactAbi("BridgeRouter"));

/** The bulk phase's actors: BatchTransfer deployed, two tier-2 holders per founding community, funded and approved. */
async function setUpBulk(node: Node, sender: Sender, deployment: Deployment, accounts: string[]): Promise<Bulk> {
  const [deployer, minter, , verifier] = accounts as [string, string, string, string];
  const { contractAddress } = await sender.sendMined(deployer, null, artifactBytecode("BatchTransfer"), 2_000_000);
  const batch = getAddress(contractAddress!);
  const router = deployment.bridge.router.address;
  const founding = deployment.communities.slice(0, 4);
  const communities: Community[] = founding.map((c, i) => ({
    id: c.id,
    token: c.token,
    registry: c.complianceRegistry,
    holders: [accounts[HOLDERS[2 * i]!]!, accounts[HOLDERS[2 * i + 1]!]!],
    recipients: [],
  }));
  const max = (1n << 256n) - 1n;
  for (const c of communities) {
    for (const holder of c.holders) {
      await sender.sendMined(verifier, c.registry, registryIface.encodeFunctionData("setTier", [holder, 2]));
      const ref = keccak256(toUtf8Bytes(`bench:deposit:${c.id}:${holder}`));
      await sender.sendMined(minter, c.token, tokenIface.encodeFunctionData("mint", [holder, 100_000_000n * WEI, ref]));
      await sender.sendMined(holder, c.token, tokenIface.encodeFunctionData("approve", [batch, max]));
      await sender.sendMined(holder, c.token, tokenIface.encodeFunctionData("approve", [router, max]));
    }
  }
  const pools = deployment.bridge.pools.map((p) => ({ tokenA: p.tokenA, tokenB: p.tokenB }));
  return { communities, batch, minter, router, pools };
}

/** A deterministic new address per index. */
const recipientAddress = (i: number) => getAddress(`0x${keccak256(toUtf8Bytes(`kc-bench:${i}`)).slice(26)}`);

/**
 * Mines blocks of BatchTransfer transactions (as many as fit in a block) with a mint, a redemption or a swap every
 * few blocks, until about `events` handled logs have been added. Returns the blocks mined and a note per failure.
 */
async function generateBulk(node: Node, sender: Sender, bulk: Bulk, events: number, log: (line: string) => void) {
  const notes: string[] = [];
  let next = 0;
  const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
  const batchData = (c: Community) => {
    const recipients: string[] = [];
    const amounts: bigint[] = [];
    for (let i = 0; i < BATCH; i++) {
      // three in four are new; the others have been paid before in this community
      const to = c.recipients.length > 0 && i % 4 === 3 ? pick(c.recipients) : recipientAddress(next++);
      if (!c.recipients.includes(to) && c.recipients.length < 2_000) c.recipients.push(to);
      recipients.push(to);
      amounts.push(BigInt(1 + Math.floor(Math.random() * 200)) * WEI);
    }
    return batchIface.encodeFunctionData("transferMany", [c.token, recipients, amounts]);
  };
  // Gas of one batch (all new recipients cost the most), to fill blocks.
  const sample = bulk.communities[0]!;
  const gasOne = Number(
    await rpc<string>(node.rpcUrl, "eth_estimateGas", [
      { from: sample.holders[0], to: bulk.batch, data: batchData(sample) },
    ]),
  );
  const gas = Math.ceil(gasOne * 1.3);
  const block = await rpc<{ gasLimit: string }>(node.rpcUrl, "eth_getBlockByNumber", ["latest", false]);
  const perBlock = Math.max(1, Math.floor((Number(block.gasLimit) * 0.9) / gas));
  log(`bulk: ${BATCH} transfers per transaction (${gasOne.toLocaleString()} gas), ${perBlock} per block`);

  await rpc(node.rpcUrl, "evm_setAutomine", [false]);
  let added = 0;
  let blocks = 0;
  const failures = new Map<string, number>();
  const deadline = Math.floor(Date.now() / 1000) + 86_400 * 30;
  try {
    while (added < events) {
      const sent: { hash: string; kind: string }[] = [];
      for (let i = 0; i < perBlock && added < events; i++) {
        const c = bulk.communities[(blocks * perBlock + i) % bulk.communities.length]!;
        const holder = c.holders[blocks % 2]!;
        sent.push({ hash: await sender.send(holder, bulk.batch, batchData(c), gas), kind: "batch" });
        added += BATCH;
      }
      const c = bulk.communities[blocks % bulk.communities.length]!;
      const holder = c.holders[(blocks + 1) % 2]!;
      if (blocks % 10 === 0) {
        const ref = keccak256(toUtf8Bytes(`bench:mint:${blocks}`));
        const data = tokenIface.encodeFunctionData("mint", [holder, 1_000n * WEI, ref]);
        sent.push({ hash: await sender.send(bulk.minter, c.token, data, 300_000), kind: "mint" });
        added += 2; // Minted, Transfer
      } else if (blocks % 10 === 3) {
        const ref = keccak256(toUtf8Bytes(`bench:redeem:${blocks}`));
        const data = tokenIface.encodeFunctionData("redeem", [50n * WEI, ref]);
        sent.push({ hash: await sender.send(holder, c.token, data, 300_000), kind: "redeem" });
        added += 2; // Redeemed, Transfer
      } else if (blocks % 10 === 6 && bulk.pools.length > 0) {
        const p = bulk.pools[Math.floor(blocks / 10) % bulk.pools.length]!;
        const [from, to] = (blocks / 10) % 2 < 1 ? [p.tokenA, p.tokenB] : [p.tokenB, p.tokenA];
        const payer = bulk.communities.find((x) => x.token.toLowerCase() === from.toLowerCase());
        if (payer) {
          const data = routerIface.encodeFunctionData("swapExactIn", [
            [from, to],
            20n * WEI,
            0,
            payer.holders[0],
            deadline,
          ]);
          sent.push({ hash: await sender.send(payer.holders[0]!, bulk.router, data, 1_000_000), kind: "swap" });
          added += 5;
        }
      }
      await rpc(node.rpcUrl, "evm_mine", []);
      blocks++;
      for (const tx of sent) {
        const receipt = await rpc<{ status: string } | null>(node.rpcUrl, "eth_getTransactionReceipt", [tx.hash]);
        if (receipt?.status !== "0x1") failures.set(tx.kind, (failures.get(tx.kind) ?? 0) + 1);
      }
      if (blocks % 50 === 0) log(`bulk: ${blocks} blocks, ~${added.toLocaleString()} events`);
    }
  } finally {
    await rpc(node.rpcUrl, "evm_setAutomine", [true]);
  }
  // The chain's tip: Ponder indexes the last 30 blocks of a dev chain (unfinalized) by realtime sync, one block at a
  // time. A real chain's last 30 blocks are a sliver of its history; ours, 600 events a block, would be a tenth of
  // it, so the history ends with empty blocks and the backfill times the historical path (the live phase times the
  // realtime one).
  for (let i = 0; i < TIP_BLOCKS; i++) await rpc(node.rpcUrl, "evm_mine", []);
  for (const [kind, n] of failures) notes.push(`${n} bulk ${kind} transaction(s) reverted or were not mined`);
  return { blocks, notes };
}

// ------------------------------------------------------------------------------------------------ Ponder

interface Ponder {
  service: Service;
  apiUrl: string;
  startupSeconds: number;
  rss: ReturnType<typeof rssSampler>;
  stop(): Promise<void>;
}

/** `ponder start` on PGlite (`pgliteDir`) or PostgreSQL (`databaseUrl`); resolves once its HTTP server listens. */
async function startIndexer(
  options: { rpcUrl: string; deploymentFile: string; pgliteDir?: string; databaseUrl?: string },
  lines: string[],
): Promise<Ponder> {
  const started = Date.now();
  const { service, apiUrl } = await startPonder({
    ...options,
    log: (line) => {
      lines.push(line);
      if (lines.length > 2_000) lines.shift();
    },
  });
  const rss = rssSampler(service.child.pid!);
  return {
    service,
    apiUrl,
    startupSeconds: (Date.now() - started) / 1000,
    rss,
    stop: async () => {
      rss.stop();
      await stopService(service, 10_000);
    },
  };
}

async function waitForHead(ponder: Ponder, head: number, timeoutMs: number, lines: string[]) {
  try {
    await waitFor(
      `the indexer to reach block ${head}`,
      async () => (await indexedBlock(ponder.apiUrl).catch(() => -1)) >= head,
      { service: ponder.service, timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${lines.slice(-30).join("\n")}`);
  }
}

/** BENCH_LOG_DIR: where to keep Ponder's output of each run (for profiling). */
function saveLog(name: string, lines: string[]): void {
  const dir = process.env.BENCH_LOG_DIR;
  if (dir) fs.writeFileSync(path.join(dir, `${name}.log`), `${lines.join("\n")}\n`);
}

// ------------------------------------------------------------------------------------------------ live

async function driveLive(node: Node, ponder: Ponder, bulk: Bulk, seconds: number, maxRate?: number) {
  // What an earlier phase left stranded in anvil's pool (behind a nonce it lost) would hold this phase's sends
  // behind the same gaps: each phase starts from an empty pool, its senders' nonces read from the chain.
  if (node.kind === "anvil") await rpc(node.rpcUrl, "anvil_dropAllTransactions", []);
  const sender = new Sender(node.rpcUrl);
  const senders = bulk.communities.flatMap((c) => c.holders.map((holder) => ({ holder, token: c.token })));
  await setMining(node, true);
  const firstBlock = Number(await rpc<string>(node.rpcUrl, "eth_blockNumber")) + 1;
  const lags: number[] = [];
  let sent = 0;
  let rejected = 0;
  let firstRejection: string | undefined;
  let mined = 0;
  /** Transactions sent again at a nonce the node lost. */
  let refilled = 0;
  let lastSeen = firstBlock - 1;
  let stopping = false;
  let recipient = 10_000_000;
  const start = Date.now();
  const end = start + seconds * 1000;

  const sampler = (async () => {
    while (!stopping) {
      try {
        await sample();
      } catch {
        // a connection the node reset under load: the next sample reads on from the same block
      }
      await sleep(250);
    }
  })();
  /**
   * One sample: the lag, and the transactions of the blocks mined since the last (each block counted once). Every
   * call has a time limit: a node or an indexer that does not answer under load makes the sample fail, not hang.
   */
  async function sample() {
    const limit = { timeoutMs: SAMPLE_TIMEOUT_MS };
    const head = Number(await jsonRpc<string>(node.rpcUrl, "eth_blockNumber", [], limit));
    const indexed = await indexedBlock(ponder.apiUrl, limit).catch(() => -1);
    if (indexed >= 0) lags.push(Math.max(0, head - indexed));
    for (let b = lastSeen + 1; b <= head; b++) {
      const number = `0x${b.toString(16)}`;
      const block = await jsonRpc<{ transactions: string[] }>(
        node.rpcUrl,
        "eth_getBlockByNumber",
        [number, false],
        limit,
      );
      mined += block.transactions.length;
      lastSeen = b;
    }
  }
  const transfer = () => tokenIface.encodeFunctionData("transfer", [recipientAddress(recipient++), 1n * WEI]);
  const worker = async (s: { holder: string; token: string }) => {
    let confirmed = -1;
    let progressAt = Date.now();
    while (Date.now() < end) {
      const next = sender.nextNonce(s.holder);
      if (next !== undefined && next - confirmed >= SENDER_BACKLOG) {
        const latest = Number(await rpc<string>(node.rpcUrl, "eth_getTransactionCount", [s.holder, "latest"]));
        if (latest !== confirmed) progressAt = Date.now();
        confirmed = latest;
        if (next - confirmed >= SENDER_BACKLOG) {
          // No progress for a while with blocks every second: the node lost the transaction at `confirmed` and holds
          // the later ones behind it. Send one at that nonce (if it was not lost after all, the node refuses it).
          if (Date.now() - progressAt > GAP_MS) {
            progressAt = Date.now();
            await sender.sendAt(s.holder, s.token, transfer(), 150_000, confirmed).then(
              () => void refilled++, // in place of the lost one, which `sent` counts already
              () => undefined,
            );
          }
          await sleep(20);
          continue;
        }
      }
      if (sent - mined >= MAX_BACKLOG || (maxRate !== undefined && sent >= ((Date.now() - start) / 1000) * maxRate)) {
        await sleep(20);
        continue;
      }
      sent++;
      await sender.send(s.holder, s.token, transfer(), 150_000).catch((error: Error) => {
        sent--; // not taken (counted as not sent)
        if (rejected++ === 0) firstRejection = error.message.split("\n")[0]!;
      });
    }
  };
  let lastSent = 0;
  let indexedInWindow = 0;
  let stranded = 0;
  try {
    // One send in flight per sender, so each sender's nonces reach the node in order.
    await Promise.all(senders.map((s) => worker(s)));
    // let the pool drain into the next blocks, then stop mining and let the indexer catch up
    lastSent = sent;
    indexedInWindow = (await ponderMetrics(ponder.apiUrl)).total;
    // the pool's pending transactions are mined (txpool_status; a node without it: the blocks hold every send), or
    // the error says what is left in it. Queued ones wait behind a nonce the node lost (see FEES; every send has
    // returned by now, so no earlier nonce is still on its way): they never mine, and are reported as stranded.
    let pool = { pending: "?", queued: "?" };
    await waitFor(
      "the node to mine the sent transactions",
      async () => {
        try {
          pool = await rpc<{ pending: string; queued: string }>(node.rpcUrl, "txpool_status");
        } catch {
          return mined >= lastSent;
        }
        return Number(pool.pending) === 0;
      },
      { timeoutMs: 60_000 },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}: ${Number(pool.pending)} pending and ${Number(pool.queued)} queued in the pool; ` +
          `${lastSent} sent, ${mined} counted in blocks up to ${lastSeen}, ${rejected} sends refused` +
          (firstRejection ? ` (the first: ${firstRejection})` : ""),
      );
    });
    stranded = Number(pool.queued) || 0;
  } finally {
    stopping = true; // an error too ends the sampler, or its loop would keep the process alive
    await sampler;
  }
  await setMining(node, false);
  await sample(); // the blocks mined since the last sample
  const lastBlock = Number(await rpc<string>(node.rpcUrl, "eth_blockNumber"));
  return {
    lags,
    sent: lastSent,
    rejected,
    stranded,
    refilled,
    elapsed: seconds,
    blocks: lastBlock - firstBlock + 1,
    lastBlock,
    indexedInWindow,
  };
}

// ------------------------------------------------------------------------------------------------ the bench

export async function runIndexerBench(options: IndexerBenchOptions): Promise<IndexerBenchResult> {
  killServicesOnExit(); // a Ctrl-C or a crash leaves no node, database or server running
  const log = options.log ?? (() => undefined);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kc-bench-indexer-"));
  const deploymentFile = path.join(tmp, "deployment.json");
  const cleanups: (() => Promise<void>)[] = [];
  const notes: string[] = [];
  try {
    await run(HARDHAT_BIN, ["compile", "--quiet"], { cwd: ROOT });
    generateAbis();
    const node = await startNode(log);
    cleanups.push(() => node.stop());
    if (node.kind === "hardhat") notes.push("anvil was not available: the Hardhat node ran the chain");

    const generationStarted = Date.now();
    const scriptEnv = {
      HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
      RPC_URL: node.scriptRpcUrl,
      DEPLOYMENT_FILE: deploymentFile,
    };
    log("deploy.ts");
    await run(HARDHAT_BIN, ["run", "--no-compile", "--network", "localhost", "scripts/deploy.ts"], {
      cwd: ROOT,
      env: scriptEnv,
    });
    log("simulate.ts");
    await run(HARDHAT_BIN, ["run", "--no-compile", "--network", "localhost", "scripts/simulate.ts"], {
      cwd: ROOT,
      env: { ...scriptEnv, ...options.simulate },
    });
    const deployment = JSON.parse(fs.readFileSync(deploymentFile, "utf8")) as Deployment;
    const accounts = await rpc<string[]>(node.rpcUrl, "eth_accounts");
    const sender = new Sender(node.rpcUrl);
    let watched = await watchedContracts(node.rpcUrl, deployment);
    const simHead = Number(await rpc<string>(node.rpcUrl, "eth_blockNumber"));
    const simulated = sum(await countHandledLogs(node.rpcUrl, watched, 0, simHead));
    log(`simulation: ${simulated.toLocaleString()} events in ${simHead} blocks`);

    const bulk = await setUpBulk(node, sender, deployment, accounts);
    const target = options.events - simulated;
    const bulkRun = target > 0 ? await generateBulk(node, sender, bulk, target, log) : { blocks: 0, notes: [] };
    notes.push(...bulkRun.notes);
    const head = Number(await rpc<string>(node.rpcUrl, "eth_blockNumber"));
    watched = await watchedContracts(node.rpcUrl, deployment);
    const expected = await countHandledLogs(node.rpcUrl, watched, 0, head);
    const block = await rpc<{ gasLimit: string }>(node.rpcUrl, "eth_getBlockByNumber", ["latest", false]);
    const chain: ChainInfo = {
      node: node.kind === "anvil" ? "anvil 1.7.1 (npm)" : "Hardhat node",
      blocks: head,
      simulatedEvents: simulated,
      events: sum(expected),
      eventsByName: Object.fromEntries([...expected].sort((a, b) => b[1] - a[1])),
      generationSeconds: (Date.now() - generationStarted) / 1000,
      blockGasLimit: Number(block.gasLimit),
      notes,
    };
    log(`chain: ${chain.events.toLocaleString()} events in ${head} blocks (${chain.generationSeconds.toFixed(0)} s)`);

    // Backfills, each on an empty database; the chain does not change between them.
    const databases = new Map<BenchDatabase, { pgliteDir?: string; databaseUrl?: string }>();
    const backfill: BackfillRow[] = [];
    for (const database of options.databases) {
      const target: { pgliteDir?: string; databaseUrl?: string } = {};
      if (database === "pglite") target.pgliteDir = path.join(tmp, "pglite");
      else {
        const pg: Postgres = await startPostgres();
        cleanups.push(() => pg.stop());
        // Ponder 1.0's migration writes an enum column's type unqualified when the enum's name starts with the name
        // of a native type ("timelock_operation_status" starts with "time": drizzle-kit's parseType), so on
        // PostgreSQL, in schema kc, CREATE TABLE timelock_operation fails unless kc is on the search path.
        pg.psql("ALTER DATABASE kc SET search_path = kc, public");
        target.databaseUrl = pg.url;
      }
      databases.set(database, target);
      log(`backfill on ${database}`);
      const lines: string[] = [];
      const started = Date.now();
      const ponder = await startIndexer({ rpcUrl: node.rpcUrl, deploymentFile, ...target }, lines);
      try {
        await waitForHead(ponder, head, 30 * 60_000, lines);
        const seconds = (Date.now() - started) / 1000;
        const peakRssMb = ponder.rss.peakMb();
        let metrics = await ponderMetrics(ponder.apiUrl);
        for (let i = 0; i < 20 && metrics.total < chain.events; i++) {
          await sleep(250); // the event counts are published a moment after the checkpoint
          metrics = await ponderMetrics(ponder.apiUrl);
        }
        const handlers = [...metrics.seconds]
          .map(([event, s]) => ({
            event,
            count: metrics.counts.get(event) ?? 0,
            seconds: Math.round(s * 10) / 10,
            meanMs: Math.round(((s * 1000) / Math.max(1, metrics.counts.get(event) ?? 0)) * 1000) / 1000,
          }))
          .sort((a, b) => b.seconds - a.seconds)
          .slice(0, 8);
        backfill.push({
          database,
          events: metrics.total,
          expectedEvents: chain.events,
          blocks: head,
          startupSeconds: Math.round(ponder.startupSeconds * 10) / 10,
          seconds: Math.round(seconds * 10) / 10,
          eventsPerSecond: Math.round(metrics.total / seconds),
          peakRssMb,
          handlers,
        });
        const top = handlers.slice(0, 3).map((h) => `${h.event} ${h.meanMs} ms`);
        log(
          `backfill on ${database}: ${metrics.total} events in ${seconds.toFixed(1)} s ` +
            `(${Math.round(metrics.total / seconds)}/s), peak RSS ${peakRssMb} MB; slowest handlers: ${top.join(", ")}`,
        );
      } finally {
        await ponder.stop();
        saveLog(`backfill-${database}`, lines);
      }
    }

    // Live, per database: the indexer resumes its database (same build), catches up, then the node runs at speed.
    const live: LiveRow[] = [];
    if (options.liveSeconds > 0) {
      for (const database of options.databases) {
        log(`live on ${database}`);
        const lines: string[] = [];
        const ponder = await startIndexer({ rpcUrl: node.rpcUrl, deploymentFile, ...databases.get(database) }, lines);
        try {
          const now = Number(await rpc<string>(node.rpcUrl, "eth_blockNumber"));
          await waitForHead(ponder, now, 30 * 60_000, lines);
          const before = (await ponderMetrics(ponder.apiUrl)).total;
          const { baseFeePerGas } = await rpc<{ baseFeePerGas?: string }>(node.rpcUrl, "eth_getBlockByNumber", [
            "latest",
            false,
          ]);
          const gwei = Number(BigInt(baseFeePerGas ?? "0x0")) / 1e9;
          log(`live on ${database}: caught up at block ${now} (base fee ${gwei} gwei)`);
          log(`live on ${database}: now ${options.liveSeconds} s of load`);
          const driven = await driveLive(node, ponder, bulk, options.liveSeconds, options.liveMaxTxPerSecond);
          // How long the indexer takes to catch up once the load stops (bounded: CATCH_UP_MS).
          const stopped = Date.now();
          let catchUpSeconds: number | null = null;
          try {
            await waitForHead(ponder, driven.lastBlock, CATCH_UP_MS, lines);
            catchUpSeconds = Math.round((Date.now() - stopped) / 100) / 10;
          } catch {
            notes.push(`live on ${database}: not caught up ${CATCH_UP_MS / 1000} s after the load stopped`);
          }
          await sleep(500);
          const after = (await ponderMetrics(ponder.apiUrl)).total;
          const events = driven.indexedInWindow - before;
          if (driven.rejected > 0)
            notes.push(`live on ${database}: the node refused ${driven.rejected} transaction(s)`);
          if (driven.refilled > 0) {
            notes.push(
              `live on ${database}: ${driven.refilled} transaction(s) sent again at a nonce the node had lost ` +
                `(its later ones waited behind it)`,
            );
          }
          if (driven.stranded > 0) {
            notes.push(
              `live on ${database}: ${driven.stranded} transaction(s) stranded in the node's pool behind a nonce it ` +
                `lost (not counted as sent)`,
            );
          }
          const mined = driven.sent - driven.stranded;
          live.push({
            database,
            seconds: driven.elapsed,
            blocks: driven.blocks,
            transactions: mined,
            txPerSecond: Math.round(mined / driven.elapsed),
            events,
            eventsPerSecond: Math.round(events / driven.elapsed), // indexed during the window
            maxLag: Math.max(0, ...driven.lags),
            p95Lag: percentile(driven.lags, 95),
            meanLag: Math.round((driven.lags.reduce((a, b) => a + b, 0) / Math.max(1, driven.lags.length)) * 100) / 100,
            samples: driven.lags.length,
            catchUpSeconds,
            eventsAfterCatchUp: after - before,
            peakRssMb: ponder.rss.peakMb(),
          });
        } finally {
          await ponder.stop();
          saveLog(`live-${database}`, lines);
        }
      }
    }
    return { chain, backfill, live };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Whether PostgreSQL is installed here (the bench then runs both databases). */
export function postgresInstalled(): boolean {
  return postgresBin() !== null;
}

/**
 * The indexer under faults, each on an anvil chain of its own, checked against a reference computed straight from
 * the chain (./reference.ts: balances, supply, holders, transfer rows by (transactionHash, logIndex), day analytics'
 * totals): businesses file reports from these tables, so a row lost or doubled is a wrong return.
 * - crash: `kill -9` of the Ponder process group in the middle of a backfill (when /status shows a block between
 *   the start and the head), restarted on the same database, several times, then left to reach the head; on PGlite
 *   and, where installed, on PostgreSQL.
 * - reorgs: the indexer follows the head; `evm_snapshot`, a history A of `depth` blocks of transfers, indexed;
 *   `evm_revert`, a different history B of `depth + 1` blocks; the API must show B only, at depths 1, 5 and 20
 *   (Ponder's finality depth for chain 31337 is 30 blocks: deeper reorgs are beyond what it can reconcile).
 * - outage: with transfers flowing and interval mining, the node is stopped (its state dumped) for
 *   FAULTS_OUTAGE_SECONDS and started again on the same port; the indexer must catch up by itself, while the APIs
 *   keep answering and /health and /ready say what is so.
 * Each prints a `faults:` line with its figures (faults injected, survived, rows lost and duplicated).
 *
 *   npm run test:faults   (npx hardhat test test/faults/faults.test.ts)
 * Within the whole suite (`npm test`) a short profile runs: 1,000 transfers and 1 kill, depths 1 and 5, 10 s outage.
 * Env: FAULTS_CRASH_EVENTS (3000 transfers of history, 50 a block), FAULTS_CRASH_KILLS (3 per database), FAULTS_REORG_DEPTHS
 *      (1,5,20), FAULTS_OUTAGE_SECONDS (30), FAULTS_DATABASES (pglite,postgres: where the crash test runs;
 *      PostgreSQL only where installed), FAULTS_KEEP_FILES=1 keeps the temp directories.
 */
import fs from "node:fs";
import { expect } from "chai";
import { ethers } from "ethers";
import { issueKey } from "../../indexer/src/api/business/keys";
import { graphql } from "../../scripts/lib/http";
import { postgresBin } from "../../scripts/lib/postgres";
import { waitFor } from "../../scripts/lib/processes";
import { Activity, rpc } from "./activity";
import { chainReference, type Comparison, compareWithIndexer } from "./reference";
import { type Database, FaultStack } from "./stack";

/**
 * Run as part of the whole suite (`npm test`: no test/faults file named on the command line), the tests run a
 * short profile that takes a few minutes; `npm run test:faults` runs them at full size. The env overrides both.
 */
const QUICK = !process.argv.some((arg) => arg.includes("faults"));
const PROFILE = QUICK
  ? { crashEvents: 1_000, kills: 1, depths: "1,5", outageSeconds: 10 }
  : { crashEvents: 3_000, kills: 3, depths: "1,5,20", outageSeconds: 30 };
const envInt = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/**
 * How long a probe of the API may take. PGlite runs inside the indexer's process: while it indexes a block, requests
 * wait for it, seconds on a loaded machine.
 */
const PROBE_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function faultDatabases(): Database[] {
  const asked = (process.env.FAULTS_DATABASES ?? "pglite,postgres").split(",").map((d) => d.trim()) as Database[];
  if (asked.includes("postgres") && postgresBin() === null) {
    console.log("    (PostgreSQL is not installed: the crash test runs on PGlite only)");
    return asked.filter((d) => d !== "postgres");
  }
  return asked;
}

/** Fails with the differences unless the indexer equals the chain. */
function expectExact(comparison: Comparison): void {
  expect(comparison.differences, "indexer vs chain").to.deep.equal([]);
  expect({ lost: comparison.lost, duplicated: comparison.duplicated, extra: comparison.extra }).to.deep.equal({
    lost: 0,
    duplicated: 0,
    extra: 0,
  });
}

/**
 * Mines empty blocks past Ponder's finality depth (30 blocks on chain 31337), so that the history is indexed by
 * the backfill (batches) rather than block by block by the realtime sync, which is much slower per event.
 */
async function finalizeHistory(stack: FaultStack): Promise<void> {
  await rpc(stack.rpcUrl, "anvil_mine", [ethers.toQuantity(40)]);
}

describe("indexer under faults", function () {
  this.timeout(0);

  describe("crash: kill -9 mid-backfill, restart on the same database", function () {
    const stack = new FaultStack();
    const kills = envInt("FAULTS_CRASH_KILLS", PROFILE.kills);
    let head: number;

    before(async function () {
      await stack.startChain();
      const deployment = await stack.deploy();
      const activity = new Activity(stack.rpcUrl, deployment);
      await activity.fund();
      await activity.transfers(envInt("FAULTS_CRASH_EVENTS", PROFILE.crashEvents), "crash", { perBlock: 50 });
      await finalizeHistory(stack);
      head = await stack.headBlock();
    });

    afterEach(function () {
      if (this.currentTest?.state === "failed") console.log(stack.tails());
    });

    after(async function () {
      await stack.stop();
    });

    for (const database of faultDatabases()) {
      it(`loses and doubles no row (${database})`, async function () {
        const start = stack.deployment.startBlock;
        let injected = 0;
        let lastKilledAt = start;
        const killedAt: number[] = [];
        for (let k = 0; k < kills; k++) {
          await stack.startIndexer(database);
          // Poll fast: kill as soon as the backfill has committed progress beyond the last kill, short of the head.
          let block = -1;
          await waitFor(
            "backfill progress to kill",
            async () => {
              block = await stack.indexedBlock();
              return block >= head || (block > lastKilledAt && block < head);
            },
            { service: stack.indexer, timeoutMs: 900_000, intervalMs: 20 },
          );
          if (block >= head) {
            console.log(`    (run ${k + 1} reached the head before it could be killed)`);
            await stack.stopIndexer();
            break;
          }
          await stack.killIndexer();
          injected++;
          lastKilledAt = block;
          killedAt.push(block);
        }
        await stack.startIndexer(database);
        await stack.waitForIndexedHead(900_000);
        const comparison = await compareWithIndexer(
          stack.apiUrl,
          await chainReference(stack.rpcUrl, stack.deployment, head),
        );
        await stack.stopIndexer();
        const survived = comparison.differences.length === 0 ? injected : 0;
        console.log(
          `    faults: crash (${database}) ${injected} injected (kill -9 at blocks ${killedAt.join(", ")} of ` +
            `${start}..${head}), ${survived} survived, ${comparison.lost} rows lost, ${comparison.duplicated} ` +
            `duplicated, ${comparison.extra} extra (${comparison.rows} transfer rows checked)`,
        );
        expect(injected, "kills injected mid-backfill").to.equal(kills);
        expectExact(comparison);
      });
    }
  });

  describe("reorgs: revert to a snapshot and mine a different history", function () {
    const stack = new FaultStack();
    const depths = (process.env.FAULTS_REORG_DEPTHS ?? PROFILE.depths).split(",").map(Number);
    let activity: Activity;
    const figures = { injected: 0, survived: 0, lost: 0, duplicated: 0, extra: 0 };

    before(async function () {
      await stack.startChain();
      const deployment = await stack.deploy();
      activity = new Activity(stack.rpcUrl, deployment);
      await activity.fund();
      await activity.transfers(200, "reorg-base", { perBlock: 20 });
      await finalizeHistory(stack);
      await stack.startIndexer();
      await stack.waitForIndexedHead();
    });

    afterEach(function () {
      if (this.currentTest?.state === "failed") console.log(stack.tails());
    });

    after(async function () {
      console.log(
        `    faults: reorg (depths ${depths.join(", ")}) ${figures.injected} injected, ${figures.survived} survived, ` +
          `${figures.lost} rows lost, ${figures.duplicated} duplicated, ${figures.extra} extra`,
      );
      await stack.stop();
    });

    const transfersOf = async (hashes: string[]) =>
      (
        await graphql<{ transfers: { totalCount: number } }>(
          stack.apiUrl,
          `
            query ($hashes: [String!]) {
              transfers(where: { transactionHash_in: $hashes }) {
                totalCount
              }
            }
          `,
          { hashes },
        )
      ).transfers.totalCount;

    for (const depth of depths) {
      it(`shows only the canonical chain after a reorg of depth ${depth}`, async function () {
        const snapshot = await rpc<string>(stack.rpcUrl, "evm_snapshot");
        const a = await activity.blocks(depth, 5, `reorg-A-${depth}`);
        await stack.waitForIndexedHead();
        expect(await transfersOf(a), "history A indexed").to.equal(a.length);

        expect(await rpc<boolean>(stack.rpcUrl, "evm_revert", [snapshot])).to.equal(true);
        figures.injected++;
        const b = await activity.blocks(depth + 1, 5, `reorg-B-${depth}`);
        const head = await stack.waitForIndexedHead();

        const comparison = await compareWithIndexer(
          stack.apiUrl,
          await chainReference(stack.rpcUrl, stack.deployment, head),
        );
        figures.lost += comparison.lost;
        figures.duplicated += comparison.duplicated;
        figures.extra += comparison.extra;
        expect(await transfersOf(a), "history A's transfers served after the reorg").to.equal(0);
        expect(await transfersOf(b), "history B's transfers served").to.equal(b.length);
        expectExact(comparison);
        figures.survived++;
      });
    }
  });

  describe("RPC outage: the node stops and comes back", function () {
    const stack = new FaultStack();
    const outageSeconds = envInt("FAULTS_OUTAGE_SECONDS", PROFILE.outageSeconds);
    let activity: Activity;
    let apiKey: string;

    before(async function () {
      await stack.startChain({ persist: true });
      const deployment = await stack.deploy();
      activity = new Activity(stack.rpcUrl, deployment);
      await activity.fund();
      await activity.transfers(200, "outage-base", { perBlock: 20 });
      await finalizeHistory(stack);
      apiKey = issueKey(stack.apiKeysFile, { label: "faults", role: "compliance" }).key;
      await stack.startIndexer();
      await stack.waitForIndexedHead();
    });

    afterEach(function () {
      if (this.currentTest?.state === "failed") console.log(stack.tails());
    });

    after(async function () {
      await stack.stop();
    });

    it(`recovers by itself from a ${outageSeconds} s outage, answering meanwhile`, async function () {
      type Phase = "before" | "during" | "after";
      let phase: Phase = "before";
      interface Probe {
        phase: Phase;
        graphql: boolean;
        business: boolean;
        health: number;
        ready: number;
        block: number;
      }
      const probes: Probe[] = [];
      const status = (path: string) =>
        fetch(`${stack.apiUrl}${path}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
          (r) => r.status,
          () => 0,
        );
      const answers = (url: string, query: string, headers: Record<string, string> = {}) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ query }),
          signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        }).then(
          async (r) => r.ok && ((await r.json()) as { data?: unknown; errors?: unknown }).errors === undefined,
          () => false,
        );
      let probing = true;
      const prober = (async () => {
        while (probing) {
          const [graphqlOk, business, health, ready, block] = await Promise.all([
            answers(`${stack.apiUrl}/graphql`, "{ communityProfiles { totalCount } }"),
            answers(`${stack.apiUrl}/api/graphql`, "{ communities { id } }", { "x-api-key": apiKey }),
            status("/health"),
            status("/ready"),
            stack.indexedBlock(),
          ]);
          probes.push({ phase, graphql: graphqlOk, business, health, ready, block });
          await sleep(500);
        }
      })();
      // /api/ready on its own loop (it waits up to 2 s for the node): its answers while the node was down from the
      // probe's start to its end (`down`: after stopChain returned, before startChain was called).
      let down = false;
      const readyWhileDown: number[] = [];
      const readyProber = (async () => {
        while (probing) {
          const wasDown = down;
          const answer = await status("/api/ready");
          if (wasDown && down) readyWhileDown.push(answer);
          await sleep(250);
        }
      })();

      // Transfers keep flowing (interval mining, a block a second); sends fail while the node is down.
      await rpc(stack.rpcUrl, "evm_setIntervalMining", [1]);
      let sending = true;
      let sent = 0;
      let refused = 0;
      let round = 0;
      const sender = (async () => {
        while (sending) {
          try {
            sent += (await activity.send(activity.transferTxs(2, `outage-${round++}`))).length;
          } catch {
            refused++;
          }
          await sleep(1_000);
        }
      })();

      await sleep(5_000);
      const indexedBefore = await stack.indexedBlock();
      phase = "during";
      await stack.stopChain();
      down = true;
      expect(fs.existsSync(stack.stateFile), "anvil dumped its state").to.equal(true);
      await sleep(outageSeconds * 1_000);
      const indexedDuring = await stack.indexedBlock();
      down = false;
      await stack.startChain({ persist: true, blockTime: 1 });
      phase = "after";
      await sleep(5_000);
      sending = false;
      await sender;
      await sleep(2_500); // the last sends are mined
      const indexer = stack.indexer;
      const head = await stack.waitForIndexedHead(180_000);
      expect(stack.indexer, "the same indexer process").to.equal(indexer);
      probing = false;
      await Promise.all([prober, readyProber]);

      const comparison = await compareWithIndexer(
        stack.apiUrl,
        await chainReference(stack.rpcUrl, stack.deployment, head),
      );
      const during = probes.filter((p) => p.phase === "during");
      const share = (ps: Probe[], ok: (p: Probe) => boolean) => `${ps.filter(ok).length}/${ps.length}`;
      const survived = comparison.differences.length === 0 && comparison.lost + comparison.duplicated === 0 ? 1 : 0;
      console.log(
        `    faults: outage 1 injected (node down ${outageSeconds} s, ${sent} transfers sent, ${refused} sends ` +
          `refused), ${survived} survived, ${comparison.lost} rows lost, ${comparison.duplicated} duplicated; during ` +
          `the outage /graphql answered ${share(during, (p) => p.graphql)}, /api/graphql ` +
          `${share(during, (p) => p.business)}, /health 200 ${share(during, (p) => p.health === 200)}, /ready 200 ` +
          `${share(during, (p) => p.ready === 200)}; /api/ready 503 ${readyWhileDown.filter((s) => s === 503).length}/` +
          `${readyWhileDown.length} while the node was down; indexed block ${indexedBefore} before, ${indexedDuring} at the ` +
          `end of the outage, ${head} (the head) after`,
      );
      expect(during.length, "probes during the outage").to.be.greaterThan(outageSeconds);
      for (const p of probes) {
        expect(p, "every probe: the APIs answer, the process is healthy").to.deep.include({
          graphql: true,
          business: true,
          health: 200,
        });
      }
      expect(indexedDuring, "no progress without a node").to.be.lessThan(head);
      // Ponder's /ready means "backfilled" and stays 200; /api/ready says whether the data is current.
      expect(readyWhileDown.length, "/api/ready probes while the node was down").to.be.greaterThan(0);
      expect(readyWhileDown, "/api/ready while the node was down").to.deep.equal(readyWhileDown.map(() => 503));
      const after = await fetch(`${stack.apiUrl}/api/ready`);
      expect(after.status, "/api/ready once caught up").to.equal(200);
      expect(await after.json()).to.include({ current: true, node: "ok" });
      expectExact(comparison);
    });
  });
});

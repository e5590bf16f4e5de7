/**
 * Indexer throughput (npm run bench:indexer): a chain history of at least 200,000 events (scripts/simulate.ts's mix,
 * then batched transfers with mints, redemptions and swaps), a full backfill timed on PGlite and on PostgreSQL
 * (Debian's, started here), then 60 s live at the node's highest transaction rate per database. Prints tables;
 * asserts nothing. See bench/lib/indexerBench.ts for what is measured and how.
 * Env: BENCH_EVENTS (200000), BENCH_LIVE_SECONDS (60), BENCH_DATABASES (pglite,postgres), BENCH_NODE (anvil; hardhat),
 *      BENCH_LOG_DIR (keep Ponder's output of each run there).
 */
import os from "node:os";
import { formatTable } from "./lib/table";
import { type BenchDatabase, postgresInstalled, runIndexerBench } from "./lib/indexerBench";

async function main(): Promise<void> {
  const events = Number(process.env.BENCH_EVENTS ?? 200_000);
  const liveSeconds = Number(process.env.BENCH_LIVE_SECONDS ?? 60);
  let databases = (process.env.BENCH_DATABASES ?? "pglite,postgres").split(",") as BenchDatabase[];
  if (databases.includes("postgres") && !postgresInstalled()) {
    console.log("PostgreSQL is not installed (apt-get install -y postgresql): PGlite only");
    databases = databases.filter((d) => d !== "postgres");
  }
  const started = Date.now();
  const result = await runIndexerBench({
    events,
    liveSeconds,
    databases,
    log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`),
  });
  const { chain } = result;

  console.log("\n## Indexer throughput\n");
  console.log(
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GB, ` +
      `Node ${process.version}, load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}.`,
  );
  console.log(
    `Chain: ${chain.node}, ${chain.blocks.toLocaleString("en-US")} blocks (gas limit ${chain.blockGasLimit.toLocaleString("en-US")}), ` +
      `${chain.events.toLocaleString("en-US")} events with a handler (${chain.simulatedEvents.toLocaleString("en-US")} from deploy + ` +
      `simulate.ts, the rest from the bulk phase), generated in ${chain.generationSeconds.toFixed(0)} s.`,
  );
  console.log(`Command: BENCH_EVENTS=${events} BENCH_LIVE_SECONDS=${liveSeconds} npm run bench:indexer\n`);

  console.log("### Events in the history (eth_getLogs of the indexed contracts, events with a handler)\n");
  const byName = Object.entries(chain.eventsByName);
  console.log(
    formatTable(
      ["event", "logs"],
      [
        ...byName.slice(0, 12),
        ["(other " + Math.max(0, byName.length - 12) + " kinds)", byName.slice(12).reduce((a, [, n]) => a + n, 0)],
      ],
    ),
  );

  console.log("\n### Backfill (ponder start on an empty database until /status reports the head block)\n");
  console.log(
    formatTable(
      ["database", "events (Ponder)", "events (chain)", "blocks", "startup s", "total s", "events/s", "peak RSS MB"],
      result.backfill.map((r) => [
        r.database,
        r.events,
        r.expectedEvents,
        r.blocks,
        r.startupSeconds.toFixed(1),
        r.seconds.toFixed(1),
        r.eventsPerSecond,
        r.peakRssMb,
      ]),
    ),
  );
  for (const r of result.backfill) {
    console.log(`\nHandlers by time, ${r.database} (ponder_indexing_function_duration):\n`);
    console.log(
      formatTable(
        ["event", "count", "total s", "mean ms"],
        r.handlers.map((h) => [h.event, h.count, h.seconds.toFixed(1), h.meanMs.toFixed(3)]),
      ),
    );
  }

  if (result.live.length > 0) {
    console.log(
      `\n### Live (${liveSeconds} s, a block a second, token transfers from ${8} senders as fast as the node takes them)\n`,
    );
    console.log(
      formatTable(
        [
          "database",
          "blocks",
          "txs",
          "tx/s",
          "events indexed in window",
          "events/s",
          "max lag",
          "p95 lag",
          "mean lag",
          "samples",
          "catch-up s",
          "peak RSS MB",
        ],
        result.live.map((r) => [
          r.database,
          r.blocks,
          r.transactions,
          r.txPerSecond,
          r.events,
          r.eventsPerSecond,
          r.maxLag,
          r.p95Lag,
          r.meanLag.toFixed(2),
          r.samples,
          r.catchUpSeconds === null ? "> 120" : r.catchUpSeconds.toFixed(1),
          r.peakRssMb,
        ]),
      ),
    );
    console.log(
      "\nLag = the node's head block - the indexer's /status block, sampled every 250 ms; events/s = events indexed " +
        "during the window / its seconds; catch-up = from the end of the load until the indexer reached the last block.",
    );
  }
  if (chain.notes.length > 0) console.log(`\nNotes:\n${chain.notes.map((n) => `- ${n}`).join("\n")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1); // the bench cleaned up before the error came here: nothing left to wait for
});

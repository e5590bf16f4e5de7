/**
 * `npm run bench:api`: the business API's latency and throughput under load (see bench/lib/apiBench.ts). Prints
 * tables and asserts nothing. Env: BENCH_API_ACCOUNTS (500000), BENCH_API_TRANSFERS (1000000), BENCH_API_SECONDS
 * (10 per query and mode), BENCH_API_RATE (200 requests/s), BENCH_API_CONNECTIONS (16 per load client),
 * BENCH_API_QUERIES (load only these, comma-separated: accountHistory, accountHistoryTypical, merchantStatement,
 * analytics, alerts),
 * BENCH_API_HOLD=<file> (after the checks, write the servers' URLs, the key and the database URL to <file> and wait
 * for SIGUSR2: to profile by hand).
 */
import os from "node:os";
import { type LoadRow, type QueryName, runApiBench, VARIED_REQUESTS } from "./lib/apiBench";
import { formatTable } from "./lib/table";

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main() {
  const options = {
    accounts: setting("BENCH_API_ACCOUNTS", 500_000),
    transfers: setting("BENCH_API_TRANSFERS", 1_000_000),
    seconds: setting("BENCH_API_SECONDS", 10),
    rate: setting("BENCH_API_RATE", 200),
    connections: setting("BENCH_API_CONNECTIONS", 16),
    queries: process.env.BENCH_API_QUERIES?.split(",") as QueryName[] | undefined,
  };
  const started = Date.now();
  const result = await runApiBench({ ...options, log: (line) => console.log(`  ${line}`) });
  const cpus = os.cpus();
  console.log(`\n## Business API under load\n`);
  console.log(
    `Machine: ${cpus.length} x ${cpus[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; ` +
      `PostgreSQL, the API servers and the load clients share these cores.`,
  );
  console.log(
    `Data: written straight into the indexer's tables (bench/lib/apiSeed.ts), on top of a real deployment indexed ` +
      `by \`ponder start\`; ${result.seconds.seed.toFixed(0)} s to write (chain and indexing: ` +
      `${result.seconds.chainAndIndex.toFixed(0)} s). Range ${result.range.from}..${result.range.to}.\n`,
  );
  console.log(
    formatTable(
      ["table", "rows"],
      Object.entries(result.tables).map(([table, rows]) => [table, rows]),
    ),
  );
  console.log(`\nOne answer of each query:\n`);
  console.log(
    formatTable(
      ["query", "holds", "bytes", "ok"],
      result.checks.map((c) => [c.query, c.holds || (c.error ?? ""), c.bytes, c.ok ? "yes" : "NO"]),
    ),
  );
  const table = (rows: LoadRow[]) =>
    formatTable(
      [
        "query",
        "servers",
        "asked (req/s)",
        "got (req/s)",
        "p50 (ms)",
        "p95 (ms)",
        "p99 (ms)",
        "max (ms)",
        "non-2xx",
        "errors / unfinished",
        "load avg",
      ],
      rows.map((r) => [
        r.varied ? `${r.query} (${VARIED_REQUESTS} ranges in turn)` : r.query,
        r.servers,
        r.target ?? "max",
        r.requestsPerSecond,
        r.p50.toFixed(1),
        r.p95.toFixed(1),
        r.p99.toFixed(1),
        r.max.toFixed(1),
        r.non2xx,
        r.errors + r.timeouts,
        r.load.toFixed(1),
      ]),
    );
  console.log(
    `\nAt a fixed rate, one server (${options.seconds} s each; open loop, each request timed from when it was due; ` +
      `load avg: the machine's 1-minute load average after the run, other processes included). Each query twice: ` +
      `one request repeated (answers kept per database snapshot serve it from memory), then ${VARIED_REQUESTS} ` +
      `different date ranges in turn (more than the API keeps: most are computed):\n`,
  );
  console.log(table(result.rows.filter((r) => r.target !== null)));
  console.log(
    `\nAs fast as it goes (autocannon, ${options.connections} connections per client): one server, then two servers ` +
      `at once (one load client each; requests/s summed, percentiles the worse client's):\n`,
  );
  console.log(table(result.rows.filter((r) => r.target === null)));
  console.log(`\nCommands:\n${result.commands.map((c) => `  ${c}`).join("\n")}`);
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1); // the bench cleaned up before the error came here: nothing left to wait for
});

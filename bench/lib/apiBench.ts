/**
 * The business API under load (`npm run bench:api`, and small in test/bench/api.smoke.test.ts):
 * 1. a throwaway PostgreSQL (scripts/lib/postgres.ts), a Hardhat node and the deployment; `ponder start` indexes the
 *    chain into schema `kc` (so Ponder's real tables, the communities, the oracle and its rates exist), then stops;
 * 2. the bulk data is written straight into those tables (./apiSeed.ts: accounts, transfers, daily aggregates,
 *    alerts, a busy merchant), since a chain would take hours to produce a million transfers;
 * 3. `ponder serve --schema kc` (no indexing, API only) on one port, and a second one on another port;
 * 4. each query (account history, merchant statement, 30-day community analytics, the alert queue) is checked once,
 *    then loaded from separate processes (./loadClient.ts, autocannon): at a fixed rate on one server, then as fast
 *    as it goes on one server and on two servers at once (one client each, throughputs added).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { issueKey } from "../../indexer/src/api/business/keys";
import { generateAbis } from "../../scripts/gen-abis";
import { jsonRpc, rpcReady } from "../../scripts/lib/http";
import { indexedBlock, startPonder } from "../../scripts/lib/indexer";
import { type Postgres, startPostgres } from "../../scripts/lib/postgres";
import {
  freePort,
  killServicesOnExit,
  run,
  type Service,
  startService,
  stopService,
  waitFor,
} from "../../scripts/lib/processes";
import { address, BUSY_MERCHANT, HOT_ACCOUNT, type SeedPlan, seedPlan, seedSql } from "./apiSeed";
import type { LoadResult, LoadSpec } from "./loadClient";

const ROOT = path.resolve(__dirname, "..", "..");
const HARDHAT_BIN = path.join(ROOT, "node_modules", ".bin", "hardhat");
const LOAD_CLIENT = path.join(__dirname, "loadClient.ts");
const DAY = 86_400;
/** An ordinary account of the first community (account n belongs to token n mod the token count). */
const TYPICAL_ACCOUNT = address(4);

export interface ApiBenchOptions {
  accounts: number;
  transfers: number;
  /** Seconds of load per query and mode. */
  seconds: number;
  /** The fixed rate (requests/s) of the first pass. */
  rate: number;
  /** Connections of each load client (default 16). */
  connections?: number;
  /** Load only these queries (all are still checked); default all. */
  queries?: QueryName[];
  /** Progress lines. */
  log?: (line: string) => void;
}

/** accountHistory: the hot account (~200 entries); accountHistoryTypical: an ordinary one (a few entries). */
export type QueryName = "accountHistory" | "accountHistoryTypical" | "merchantStatement" | "analytics" | "alerts";

export interface LoadRow extends LoadResult {
  query: QueryName;
  /** Different requests in turn (VARIED_REQUESTS date ranges), rather than one request repeated. */
  varied: boolean;
  servers: 1 | 2;
  /** The fixed rate asked for, or null for as fast as it goes. */
  target: number | null;
  /** The machine's 1-minute load average at the end of the run (other processes share the cores). */
  load: number;
}

export interface QueryCheck {
  query: QueryName;
  /** What one answer holds ("201 entries", ...). */
  holds: string;
  bytes: number;
  ok: boolean;
  error?: string;
}

export interface ApiBenchResult {
  plan: SeedPlan;
  /** Row counts of the main tables after the seed. */
  tables: Record<string, number>;
  seconds: { chainAndIndex: number; seed: number };
  range: { from: string; to: string };
  checks: QueryCheck[];
  rows: LoadRow[];
  commands: string[];
}

const isoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * How many different requests a "varied" run sends in turn: more than the API keeps per database snapshot (256
 * analytics answers, 32 reports), so most requests are computed, not served from memory.
 */
export const VARIED_REQUESTS = 300;

/** `count` different ranges of at least a week within the 30 days up to `headDay` (seconds), as ISO days. */
export function variedRanges(headDay: number, count: number): [string, string][] {
  const ranges: [string, string][] = [];
  for (let span = 29; span >= 6 && ranges.length < count; span--) {
    for (let end = 0; end + span <= 29 && ranges.length < count; end++) {
      ranges.push([isoDay(headDay - (end + span) * DAY), isoDay(headDay - end * DAY)]);
    }
  }
  return ranges;
}

/**
 * The queries' GraphQL documents, for the seeded data: the range is a variable, as a client library sends it (one
 * document, parsed and validated once by the server, whatever the range).
 */
export function benchQueries(community: string): Record<QueryName, string> {
  return {
    accountHistory: `query ($from: Date!, $to: Date!) {
      accountHistory(community: "${community}", account: "${HOT_ACCOUNT}", from: $from, to: $to) {
      openingBalance { value } closingBalance { value } sent { value } received { value }
      entries { time kind direction counterparty amount { value } balance { value } transactionHash } } }`,
    accountHistoryTypical: `query ($from: Date!, $to: Date!) {
      accountHistoryTypical: accountHistory(community: "${community}", account: "${TYPICAL_ACCOUNT}",
      from: $from, to: $to) { openingBalance { value } closingBalance { value } sent { value } received { value }
      entries { time kind direction counterparty amount { value } balance { value } transactionHash } } }`,
    merchantStatement: `query ($from: Date!, $to: Date!) {
      merchantStatement(merchant: "${BUSY_MERCHANT}", from: $from, to: $to) {
      saleCount sales { value } fiatSales { value } refundCount refunds { value } net { value } rewards { value }
      entries { time type invoiceId counterparty amount { value } fiatAmount { value currency } transactionHash } } }`,
    analytics: `query ($from: Date!, $to: Date!) { analytics(community: "${community}", from: $from, to: $to) {
      holders activeUsers retention { decimal } transactionCount volume { value currency formatted }
      velocity { decimal } gini { decimal } localTradeShare { decimal } registeredBusinesses
      merchantSales { paymentCount kcShare { decimal } }
      crossBorder { count corridors { corridor count volume { formatted } } }
      pools { symbol volume { value } } governance { participation { decimal } }
      daily { date transactionCount volume { value } activeUsers holders alertCount } } }`,
    alerts: `query ($from: Date!, $to: Date!) { alerts(first: 100, filter: { from: $from, to: $to }) {
      items { id rule severity community account counterparty amount { value } transactionHash time }
      pageInfo { hasNextPage endCursor } } }`,
  };
}

/** The body of a POST /api/graphql request: `document` over the days from..to. */
export function benchBody(document: string, from: string, to: string): string {
  return JSON.stringify({ query: document, variables: { from, to } });
}

/** What one answer holds, for the checks table; throws if the answer has errors or no data. */
function describe(query: QueryName, body: { data?: Record<string, unknown>; errors?: { message: string }[] }): string {
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  const data = body.data?.[query] as Record<string, unknown> | undefined;
  if (!data) throw new Error("no data");
  const count = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).length : 0);
  switch (query) {
    case "accountHistory":
    case "accountHistoryTypical":
      return `${count("entries")} entries`;
    case "merchantStatement":
      return `${data.saleCount} sales, ${data.refundCount} refunds`;
    case "analytics":
      return `${count("daily")} days, ${data.transactionCount} transfers, ${data.activeUsers} active`;
    case "alerts":
      return `${count("items")} alerts`;
  }
}

function runLoadClient(spec: LoadSpec): Promise<LoadResult> {
  // through a file: 300 bodies exceed the kernel's limit on one argument (E2BIG)
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kc-load-")), "spec.json");
  fs.writeFileSync(file, JSON.stringify(spec));
  return new Promise<LoadResult>((resolve, reject) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", LOAD_CLIENT, `@${file}`],
      { cwd: ROOT, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`load client failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as LoadResult);
      },
    );
  }).finally(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
}

export async function runApiBench(options: ApiBenchOptions): Promise<ApiBenchResult> {
  killServicesOnExit(); // a Ctrl-C or a crash leaves no node, database or server running
  const log = options.log ?? (() => undefined);
  const connections = options.connections ?? 16;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kc-bench-api-"));
  const deploymentFile = path.join(tmp, "deployment.json");
  const keysFile = path.join(tmp, "api-keys.json");
  const services: Service[] = [];
  let pg: Postgres | undefined;
  const commands: string[] = [];
  try {
    const t0 = Date.now();
    pg = await startPostgres({ settings: { shared_buffers: "2GB", max_connections: "200" } });
    const databaseUrl = pg.url;
    log(`PostgreSQL on port ${pg.port}`);

    const rpcPort = await freePort();
    const rpcUrl = `http://127.0.0.1:${rpcPort}`;
    const chain = startService("chain", HARDHAT_BIN, ["node", "--hostname", "127.0.0.1", "--port", String(rpcPort)], {
      cwd: ROOT,
      quiet: true,
    });
    services.push(chain);
    commands.push(`npx hardhat node --port ${rpcPort}`);
    await waitFor("the Hardhat node", () => rpcReady(rpcUrl), { service: chain, timeoutMs: 60_000 });
    const env: BenchEnv & NodeJS.ProcessEnv = {
      HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
      PONDER_TELEMETRY_DISABLED: "true",
      DEPLOYMENT_FILE: deploymentFile,
      RPC_URL: rpcUrl,
      PONDER_RPC_URL: rpcUrl,
      DATABASE_URL: databaseUrl,
      API_KEYS_FILE: keysFile,
    };
    await run(HARDHAT_BIN, ["run", "--network", "localhost", "scripts/deploy.ts"], { cwd: ROOT, env });
    commands.push("npx hardhat run --network localhost scripts/deploy.ts");
    log("deployed");

    // Ponder 1.0.0 writes a column of an enum whose name starts with a built-in type's ("time...", "date...") without
    // its schema, so creating such a table fails unless the schema is on the search path (harmless otherwise).
    pg.psql("ALTER DATABASE kc SET search_path TO kc, public");
    generateAbis();
    const indexer = await startServer("indexer", ["start", "--schema", "kc"], env, services);
    commands.push(`ponder start --schema kc (DATABASE_URL=${databaseUrl})`);
    const head = Number(await jsonRpc<string>(rpcUrl, "eth_blockNumber"));
    await waitFor("the indexer's /ready", async () => (await fetch(`${indexer.url}/ready`)).ok, {
      service: indexer.service,
      timeoutMs: 300_000,
    });
    await waitFor(`block ${head}`, async () => (await indexedBlock(indexer.url)) >= head, {
      service: indexer.service,
      timeoutMs: 120_000,
    });
    await stopService(indexer.service);
    await stopService(chain);
    log(`indexed the deployment (block ${head}) into PostgreSQL`);
    const chainAndIndex = (Date.now() - t0) / 1000;

    const headTime = Number(pg.psql(`SELECT max(block_timestamp) FROM kc._ponder_status`).trim());
    const tokens = pg
      .psql(`SELECT id, lower(token), currency FROM kc.community_profile ORDER BY launch_block, id`)
      .trim()
      .split("\n")
      .map((line) => {
        const [community = "", token = "", currency = ""] = line.split("|");
        return { community, token, currency };
      });
    const plan = seedPlan(
      options.accounts,
      options.transfers,
      { day: headTime - (headTime % DAY), time: headTime },
      tokens,
    );
    const t1 = Date.now();
    log(`writing ${plan.accounts} accounts and ${plan.transfers} transfers into the tables...`);
    try {
      pg.psql(seedSql(plan));
    } catch (error) {
      throw new Error(`the seed failed: ${String((error as { stderr?: string }).stderr ?? error)}`);
    }
    // as a database that has been serving a while: vacuumed and analyzed, so that autovacuum does not start on the
    // fresh rows during the measurements (each of its ANALYZE commits changes the snapshot that answers are kept by)
    pg.psql("VACUUM ANALYZE");
    const seed = (Date.now() - t1) / 1000;
    log(`seeded in ${seed.toFixed(0)} s`);
    const tables: Record<string, number> = {};
    for (const table of ["account", "transfer", "account_day", "community_day", "alert", "payment", "refund"]) {
      tables[table] = Number(pg.psql(`SELECT count(*) FROM kc.${table}`).trim());
    }

    const { key } = issueKey(keysFile, {
      label: "bench",
      role: "compliance",
      ratePerSecond: 1_000_000,
      burst: 1_000_000,
    });
    // NODE_ENV=production as in a deployment: otherwise graphql-js checks every instanceof for a second copy of
    // itself (a few % of the CPU of a request)
    const serveEnv = { ...env, NODE_ENV: "production" };
    const servers = [
      await startServer("api-1", ["serve", "--schema", "kc"], serveEnv, services),
      await startServer("api-2", ["serve", "--schema", "kc"], serveEnv, services),
    ];
    commands.push(
      "NODE_ENV=production ponder serve --schema kc --port <p1>",
      "NODE_ENV=production ponder serve --schema kc --port <p2>",
    );

    const from = isoDay(plan.headDay - 29 * DAY);
    const to = isoDay(plan.headDay);
    const community = tokens[0]!.community;
    const queries = benchQueries(community);
    const headers = { "content-type": "application/json", "x-api-key": key };
    const bodies = Object.fromEntries(
      Object.entries(queries).map(([name, document]) => [name, benchBody(document, from, to)]),
    ) as Record<QueryName, string>;

    const ranges = variedRanges(plan.headDay, VARIED_REQUESTS);
    const varied = (query: QueryName) => ranges.map(([f, t]) => benchBody(queries[query], f, t));

    const checks: QueryCheck[] = [];
    for (const query of Object.keys(queries) as QueryName[]) {
      for (const server of servers) {
        const response = await fetch(`${server.url}/api/graphql`, { method: "POST", headers, body: bodies[query] });
        const text = await response.text();
        let check: QueryCheck;
        try {
          if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
          check = { query, holds: describe(query, JSON.parse(text)), bytes: text.length, ok: true };
        } catch (error) {
          check = { query, holds: "", bytes: text.length, ok: false, error: (error as Error).message };
        }
        if (server === servers[0]) checks.push(check);
        else if (!check.ok) checks.push(check);
      }
      // a few of the varied requests (the widest range, one in the middle, the narrowest) answer without errors
      const some = varied(query);
      for (const body of [some[0]!, some[Math.floor(some.length / 2)]!, some.at(-1)!]) {
        const response = await fetch(`${servers[0]!.url}/api/graphql`, { method: "POST", headers, body });
        const text = await response.text();
        try {
          if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
          describe(query, JSON.parse(text));
        } catch (error) {
          checks.push({
            query,
            holds: "",
            bytes: text.length,
            ok: false,
            error: `varied: ${(error as Error).message}`,
          });
        }
      }
    }
    const hold = process.env.BENCH_API_HOLD;
    if (hold) {
      // for profiling by hand: the servers, the key and the database, until SIGUSR2
      fs.writeFileSync(hold, JSON.stringify({ urls: servers.map((s) => s.url), key, db: databaseUrl, bodies }));
      log(`holding: ${hold} (kill -USR2 ${process.pid} to go on)`);
      await new Promise((resolve) => process.once("SIGUSR2", resolve));
    }
    log(`checked: ${checks.map((c) => `${c.query} ${c.ok ? c.holds : `FAILED ${c.error}`}`).join("; ")}`);

    const rows: LoadRow[] = [];
    const spec = (url: string, query: QueryName, rate?: number): LoadSpec => ({
      url: `${url}/api/graphql`,
      body: bodies[query],
      headers,
      seconds: options.seconds,
      connections,
      ...(rate !== undefined && { rate }),
    });

    commands.push(
      `node -r ts-node/register bench/lib/loadClient.ts '<spec>' (autocannon, POST, ${connections} connections, ` +
        `${options.seconds} s per run)`,
    );
    // A run that overloads a server leaves it answering the requests already sent for a while: each run starts once
    // both servers answer /health promptly again.
    const settle = () =>
      Promise.all(
        servers.map((server) =>
          waitFor(
            `${server.url} to settle`,
            async () => {
              const started = Date.now();
              await (await fetch(`${server.url}/health`)).text();
              return Date.now() - started < 50;
            },
            { service: server.service, timeoutMs: 120_000, intervalMs: 500 },
          ),
        ),
      );
    const measured = (Object.keys(queries) as QueryName[]).filter((q) => options.queries?.includes(q) ?? true);
    // Each server first takes a few seconds of each query's varied load, not measured: the first run on a fresh
    // server paid for its warm-up (compiling the code that computes answers, opening database connections) at up to
    // 250 ms a request, and a repeated request warms only the path of kept answers. Then a transaction commits, as
    // the indexer does each block: the measured runs start on a new snapshot, with no answer kept from the warm-up
    // (only what a running server keeps across snapshots: final days' senders and Gini coefficients).
    for (const server of servers) {
      for (const query of measured) {
        await runLoadClient({ ...spec(server.url, query, options.rate), bodies: varied(query), seconds: 3 });
      }
    }
    pg.psql("SELECT txid_current()");
    for (const query of measured) {
      const load = () => Math.round(os.loadavg()[0]! * 10) / 10;
      await settle();
      const fixed = await runLoadClient(spec(servers[0]!.url, query, options.rate));
      rows.push({ query, varied: false, servers: 1, target: options.rate, ...fixed, load: load() });
      log(`${query} at ${options.rate}/s: ${fixed.requestsPerSecond}/s p95 ${fixed.p95} ms`);
      await settle();
      const mixed = await runLoadClient({ ...spec(servers[0]!.url, query, options.rate), bodies: varied(query) });
      rows.push({ query, varied: true, servers: 1, target: options.rate, ...mixed, load: load() });
      log(`${query} varied at ${options.rate}/s: ${mixed.requestsPerSecond}/s p95 ${mixed.p95} ms`);
      await settle();
      const one = await runLoadClient(spec(servers[0]!.url, query));
      rows.push({ query, varied: false, servers: 1, target: null, ...one, load: load() });
      await settle();
      const both = await Promise.all(servers.map((s) => runLoadClient(spec(s.url, query))));
      rows.push({ query, varied: false, servers: 2, target: null, ...combine(both), load: load() });
      log(`${query} max: 1 server ${one.requestsPerSecond}/s, 2 servers ${rows.at(-1)!.requestsPerSecond}/s`);
    }
    return { plan, tables, seconds: { chainAndIndex, seed }, range: { from, to }, checks, rows, commands };
  } finally {
    for (const service of services.reverse()) await stopService(service);
    await pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Two clients' results as one: requests added, percentiles the worse of the two (no merged histogram). */
function combine(results: LoadResult[]): LoadResult {
  const sum = (key: keyof LoadResult) => results.reduce((acc, r) => acc + r[key], 0);
  const worst = (key: keyof LoadResult) => Math.max(...results.map((r) => r[key]));
  return {
    requests: sum("requests"),
    requestsPerSecond: sum("requestsPerSecond"),
    p50: worst("p50"),
    p95: worst("p95"),
    p99: worst("p99"),
    max: worst("max"),
    non2xx: sum("non2xx"),
    errors: sum("errors"),
    timeouts: sum("timeouts"),
  };
}

/** What the bench's commands run with (deploy, the indexer, the API servers). */
interface BenchEnv {
  PONDER_RPC_URL: string;
  DEPLOYMENT_FILE: string;
  DATABASE_URL: string;
  API_KEYS_FILE: string;
  NODE_ENV?: string;
}

/** Starts `ponder <args>` on a free port and waits until it listens (BENCH_API_HOLD: its lines to a file). */
async function startServer(
  name: string,
  args: string[],
  env: BenchEnv,
  services: Service[],
): Promise<{ service: Service; url: string }> {
  const hold = process.env.BENCH_API_HOLD;
  const { service, apiUrl } = await startPonder({
    name,
    args,
    rpcUrl: env.PONDER_RPC_URL,
    deploymentFile: env.DEPLOYMENT_FILE,
    databaseUrl: env.DATABASE_URL,
    apiKeysFile: env.API_KEYS_FILE,
    env: { NODE_ENV: env.NODE_ENV },
    onSpawn: (spawned) => services.push(spawned),
    log: (line) => hold && fs.appendFileSync(`${hold}.${name}.log`, `${line}\n`),
  });
  return { service, url: apiUrl };
}

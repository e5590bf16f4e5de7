/**
 * The HTTP face of the indexer:
 * - /api/graphql: the business API (graphql-yoga; analytics, compliance alerts and reports; API key in the
 *   `x-api-key` header) and /api/reports/*.csv (statements and account histories as CSV): src/api/business/.
 * - /graphql and /: Ponder's GraphQL over the raw tables (filters, ordering, cursor pagination), for operators and
 *   the end-to-end tests, without key: every table but the compliance alerts'. GET opens GraphiQL; POST answers.
 * - /api/ready: whether the data is current (src/lib/readiness.ts): 200, or 503 with the reasons; JSON either way.
 * - /ready (the backfill is done), /status, /health and /metrics are Ponder's own.
 * Env: API_KEYS_FILE (default indexer/.keys/api-keys.json), written by `npm run apikey`; READY_MAX_LAG_BLOCKS (5);
 * API_WARM_CONNECTIONS (8).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { graphql, sql } from "ponder";
import { deployment } from "../../deployment";
import { createBusinessApi } from "./business/server";
import { defaultKeysFile } from "./business/keys";
import { envNumber } from "../lib/env";
import { readiness } from "../lib/readiness";

const INDEXER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const app = new Hono();

/**
 * On PostgreSQL, the connections of the read-only pool kept open (and opened at start). pg's pool closes a connection
 * after 10 s idle, and a new one costs a connection and its first statements their planning afresh (2.5-5 ms each,
 * against 0.2 warm): a burst after a quiet spell met a cold pool (p95 2.35 s against 0.2 s warm, API bench).
 */
const WARM_CONNECTIONS = envNumber("API_WARM_CONNECTIONS", 8, { integer: true });
/** pg's Pool (drizzle's `$client` on PostgreSQL; PGlite's client has no `totalCount`). */
interface PgPool {
  totalCount: number;
  options: { min?: number; max?: number };
  query(statement: string): Promise<unknown>;
}
const client = (db as unknown as { $client?: Partial<PgPool> }).$client;
if (typeof client?.totalCount === "number" && client.options) {
  const pool = client as PgPool;
  pool.options.min = Math.min(WARM_CONNECTIONS, pool.options.max ?? WARM_CONNECTIONS);
  void Promise.all(Array.from({ length: pool.options.min }, () => pool.query("SELECT 1"))).catch(() => {
    // not reachable yet: the pool opens connections as requests need them
  });
}

const MAX_LAG_BLOCKS = envNumber("READY_MAX_LAG_BLOCKS", 5, { integer: true });
const HEAD_TIMEOUT_MS = 2_000;
const node = Object.values(publicClients)[0]!;

/** The node's head block, or why there is none (its own error, or no answer within HEAD_TIMEOUT_MS). */
async function headBlock(): Promise<{ block: number } | { error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEAD_TIMEOUT_MS} ms`)), HEAD_TIMEOUT_MS);
  });
  try {
    return { block: Number(await Promise.race([node.getBlockNumber({ cacheTime: 0 }), timeout])) };
  } catch (error) {
    return { error: (error as Error).message.split("\n")[0]! };
  } finally {
    clearTimeout(timer);
  }
}

app.get("/api/ready", async (c) => {
  const [[row], head] = await Promise.all([
    db
      .execute(sql`SELECT block_number, block_timestamp, ready FROM _ponder_status LIMIT 1`)
      .then((r) => r.rows as { block_number: unknown; block_timestamp: unknown; ready: unknown }[]),
    headBlock(),
  ]);
  const indexed =
    row === undefined
      ? null
      : {
          block: row.block_number == null ? null : Number(row.block_number),
          timestamp: row.block_timestamp == null ? null : Number(row.block_timestamp),
          backfilled: row.ready === true,
        };
  const r = readiness({ indexed, head, now: Math.floor(Date.now() / 1000), maxLagBlocks: MAX_LAG_BLOCKS });
  return c.json(r, r.status);
});

app.route(
  "/api",
  createBusinessApi({
    query: async (statement) => (await db.execute(statement)).rows as Record<string, unknown>[],
    keysFile: process.env.API_KEYS_FILE ? path.resolve(process.env.API_KEYS_FILE) : defaultKeysFile(INDEXER_DIR),
    sanctionsList: deployment.sanctionsList.address,
    alertSettings: deployment.alerts,
  }),
);

// Everything in the tables is derived from public chain data, but the compliance alerts are judgments about
// accounts: they are served by the business API alone, to compliance keys. The handlers' trail is their own index.
const { alert: _alert, alertState: _alertState, trail: _trail, ...publicTables } = schema;
const tables = graphql({ db, schema: publicTables });
app.use("/graphql", tables);
app.use("/", tables);

export default app;

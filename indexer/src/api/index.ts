/**
 * The HTTP face of the indexer:
 * - /api/graphql: the business API (graphql-yoga; analytics, compliance alerts and reports; API key in the
 *   `x-api-key` header) and /api/reports/*.csv (statements and account histories as CSV): src/api/business/.
 * - /graphql and /: Ponder's GraphQL over the raw tables (filters, ordering, cursor pagination), for operators and
 *   the end-to-end tests, without key: every table but the compliance alerts'. GET opens GraphiQL; POST answers.
 * - /ready, /status, /health and /metrics are Ponder's own.
 * Env: API_KEYS_FILE (default indexer/.keys/api-keys.json), written by `npm run apikey`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { graphql } from "ponder";
import { deployment } from "../../deployment";
import { createBusinessApi } from "./business/server";
import { defaultKeysFile } from "./business/keys";

const INDEXER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const app = new Hono();

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

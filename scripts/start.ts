/**
 * The one-command demo: a local chain, the contracts, a seeded simulation, and the indexer with its two GraphQL APIs:
 * /graphql (Ponder's raw tables API, no key) and /api/graphql (the business API: analytics, compliance, reports; an
 * API key in the x-api-key header), plus the CSV reports at /api/reports/*.csv. It issues a compliance key for the
 * demo, prints it, and prints and runs example queries of both APIs and the CSV reports, with curl commands.
 *   npm start            (Ctrl-C stops everything)
 * Env: RPC_PORT (8545), API_PORT (42069), SIM_SEED / SIM_ACCOUNTS / SIM_TXS (see scripts/simulate.ts),
 *      DEPLOYMENT_FILE (deployments/localhost.json), PGLITE_DIR (indexer/.ponder/pglite-demo; emptied at start),
 *      API_KEYS_FILE (the business API's keys file; default indexer/.keys/demo-api-keys.json, emptied at start;
 *      a file named by API_KEYS_FILE keeps its keys and gets the demo key added).
 */
import fs from "node:fs";
import path from "node:path";
import { issueKey } from "../indexer/src/api/business/keys";
import {
  BUSINESS_EXAMPLES,
  BUSINESS_PATH,
  businessContext,
  businessCurl,
  csvCurl,
  EXAMPLE_DAYS,
  EXAMPLE_QUERIES,
  exampleItems,
  KEY_HEADER,
  runBusinessExamples,
  runCsvReports,
} from "./lib/exampleQueries";
import { graphql, rpcReady } from "./lib/http";
import { INDEXER_DIR, launchIndexer } from "./lib/indexer";
import { portInUse, run, type Service, startService, stopService, waitFor } from "./lib/processes";

const ROOT = path.resolve(__dirname, "..");
const HARDHAT = path.join(ROOT, "node_modules", ".bin", "hardhat");
const RPC_PORT = Number(process.env.RPC_PORT ?? 8545);
const API_PORT = Number(process.env.API_PORT ?? 42069);
const RPC_URL = `http://127.0.0.1:${RPC_PORT}`;
const DEPLOYMENT_FILE = path.resolve(process.env.DEPLOYMENT_FILE ?? path.join(ROOT, "deployments", "localhost.json"));
// Every start is a new chain, so the indexer starts from an empty embedded database.
const PGLITE_DIR = path.resolve(process.env.PGLITE_DIR ?? path.join(INDEXER_DIR, ".ponder", "pglite-demo"));
// The demo's keys: a file of its own, so `npm start` never touches the keys of a real indexer (api-keys.json).
const DEMO_KEYS_FILE = path.join(INDEXER_DIR, ".keys", "demo-api-keys.json");
const API_KEYS_FILE = path.resolve(process.env.API_KEYS_FILE ?? DEMO_KEYS_FILE);
const DEMO_KEY = { label: "npm start demo", role: "compliance", ratePerSecond: 100, burst: 200 } as const;
const env = {
  HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
  PONDER_TELEMETRY_DISABLED: "true",
  RPC_URL,
  DEPLOYMENT_FILE,
};

const services: Service[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("\nstopping...");
    await Promise.all(services.map((s) => stopService(s)));
    console.log("stopped: chain and indexer are down.");
  }
  process.exit(code);
}

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stdout.write(`- ${label}... `);
  const result = await work();
  console.log(`done (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function main() {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  for (const [port, what] of [
    [RPC_PORT, "RPC_PORT"],
    [API_PORT, "API_PORT"],
  ] as const) {
    if (await portInUse(port)) {
      throw new Error(`port ${port} is in use: stop what runs there, or choose another with ${what}=...`);
    }
  }

  await step("compiling contracts", () => run(HARDHAT, ["compile", "--quiet"], { cwd: ROOT, env }));

  const chain = startService("chain", HARDHAT, ["node", "--hostname", "127.0.0.1", "--port", String(RPC_PORT)], {
    cwd: ROOT,
    env,
    quiet: true,
  });
  services.push(chain);
  await step(`starting a Hardhat node on ${RPC_URL}`, () =>
    waitFor("the chain", () => rpcReady(RPC_URL), { service: chain }),
  );

  await step("deploying the contracts", () =>
    run(HARDHAT, ["run", "--no-compile", "--network", "localhost", "scripts/deploy.ts"], { cwd: ROOT, env }),
  );
  const simulation = await step("simulating community activity", () =>
    run(HARDHAT, ["run", "--no-compile", "--network", "localhost", "scripts/simulate.ts"], { cwd: ROOT, env }),
  );
  console.log(
    simulation
      .split("\n")
      .filter((line) => line.trim() && !line.startsWith("npm warn"))
      .map((line) => `    ${line}`)
      .join("\n"),
  );

  fs.rmSync(PGLITE_DIR, { recursive: true, force: true });
  if (API_KEYS_FILE === DEMO_KEYS_FILE) fs.rmSync(API_KEYS_FILE, { force: true });
  const { key } = issueKey(API_KEYS_FILE, DEMO_KEY);
  const { apiUrl } = await step("indexing the chain (Ponder on PGlite)", () =>
    launchIndexer({
      rpcUrl: RPC_URL,
      deploymentFile: DEPLOYMENT_FILE,
      pgliteDir: PGLITE_DIR,
      port: API_PORT,
      apiKeysFile: API_KEYS_FILE,
      onSpawn: (service) => services.push(service),
    }),
  );

  const n = EXAMPLE_QUERIES.length;
  console.log(`
The indexer serves on ${apiUrl}:
  /graphql            Ponder's raw tables API: the indexed tables as they are (filters, ordering, pagination); no
                      key; open ${apiUrl}/graphql in a browser for GraphiQL. Examples 1-${n}.
  ${BUSINESS_PATH}        the business API: analytics, compliance (alerts, risk, frozen accounts) and reports; every
                      request needs an API key in the ${KEY_HEADER} header. Examples ${n + 1}-${n + BUSINESS_EXAMPLES.length}.
  /api/reports/*.csv  the reports as CSV (merchant statements, account histories); same key.
Demo API key (${DEMO_KEY.role}, every community, ${DEMO_KEY.ratePerSecond} requests/s, burst ${DEMO_KEY.burst}; in ${API_KEYS_FILE.startsWith(ROOT + path.sep) ? path.relative(ROOT, API_KEYS_FILE) : API_KEYS_FILE}):
  ${key}
`);
  console.log(`== Ponder's tables API: ${apiUrl}/graphql ==\n`);
  for (const [i, example] of EXAMPLE_QUERIES.entries()) {
    const answer = await graphql(apiUrl, example.query);
    const items = exampleItems(example, answer);
    if (items.length === 0) throw new Error(`example query ${i + 1} answered with no data`);
    console.log(`# ${i + 1}. ${example.title}\n${example.query}`);
    console.log(`  -> ${items.length} rows; the first: ${JSON.stringify(items[0])}`);
    const body = JSON.stringify({ query: example.query.replace(/\s+/g, " ") });
    console.log(`  curl -s ${apiUrl}/graphql -H 'content-type: application/json' -d '${body}'\n`);
  }

  const context = await businessContext(apiUrl);
  console.log(
    `== The business API: ${apiUrl}${BUSINESS_PATH} (${KEY_HEADER}: ${key}) ==\n` +
      `The last ${EXAMPLE_DAYS} days: ${context.from} to ${context.to} (the indexed head's UTC day; the simulation ` +
      `moves the chain's clock ahead).\n`,
  );
  const results = await runBusinessExamples(apiUrl, key, context);
  for (const [i, result] of results.entries()) {
    console.log(`# ${EXAMPLE_QUERIES.length + i + 1}. ${result.title}\n${result.query}`);
    console.log(`  variables: ${JSON.stringify(result.variables)}`);
    console.log(`  -> ${result.summary}`);
    console.log(`  ${businessCurl(apiUrl, key, result.query, result.variables)}\n`);
  }
  const failed = results.filter((r) => r.problem);
  if (failed.length > 0) {
    throw new Error(
      `business API example(s) answered with no data:\n${failed.map((r) => `  ${r.title}: ${r.problem}`).join("\n")}`,
    );
  }

  console.log(`== CSV reports: ${apiUrl}/api/reports/*.csv (same ${KEY_HEADER} header) ==\n`);
  const reports = await runCsvReports(apiUrl, key, context);
  for (const report of reports) {
    console.log(`# ${report.title}\n  ${csvCurl(report.url, key)}`);
    if (report.problem) throw new Error(`CSV report ${report.url}: ${report.problem}`);
    console.log(`  -> ${report.lines.length - 1} rows; the first 3 lines:`);
    console.log(
      `${report.lines
        .slice(0, 3)
        .map((line) => `    ${line}`)
        .join("\n")}\n`,
    );
  }
  console.log("The chain and the indexer keep running; press Ctrl-C to stop.");

  const ended = await Promise.race(services.map(async (s) => ({ name: s.name, code: await s.exited })));
  if (!stopping) {
    console.error(`${ended.name} stopped unexpectedly (${ended.code})`);
    await shutdown(1);
  }
}

main().catch(async (error: unknown) => {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});

/**
 * The one-command demo: a local chain, the contracts, a seeded simulation, and the indexer with its GraphQL API.
 *   npm start            (Ctrl-C stops everything)
 * Env: RPC_PORT (8545), API_PORT (42069), SIM_SEED / SIM_ACCOUNTS / SIM_TXS (see scripts/simulate.ts),
 *      DEPLOYMENT_FILE (deployments/localhost.json), PGLITE_DIR (indexer/.ponder/pglite-demo; emptied at start).
 */
import fs from "node:fs";
import path from "node:path";
import { EXAMPLE_QUERIES, exampleItems } from "./lib/exampleQueries";
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
  const { apiUrl } = await step("indexing the chain (Ponder on PGlite)", () =>
    launchIndexer({
      rpcUrl: RPC_URL,
      deploymentFile: DEPLOYMENT_FILE,
      pgliteDir: PGLITE_DIR,
      port: API_PORT,
      onSpawn: (service) => services.push(service),
    }),
  );

  console.log(`\nGraphQL API: ${apiUrl}/graphql  (open it in a browser for GraphiQL)\n`);
  for (const [i, example] of EXAMPLE_QUERIES.entries()) {
    const answer = await graphql(apiUrl, example.query);
    const items = exampleItems(example, answer);
    if (items.length === 0) throw new Error(`example query ${i + 1} answered with no data`);
    console.log(`# ${i + 1}. ${example.title}\n${example.query}`);
    console.log(`  -> ${items.length} rows; the first: ${JSON.stringify(items[0])}`);
    const body = JSON.stringify({ query: example.query.replace(/\s+/g, " ") });
    console.log(`  curl -s ${apiUrl}/graphql -H 'content-type: application/json' -d '${body}'\n`);
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

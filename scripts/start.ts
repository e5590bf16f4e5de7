/**
 * The one-command demo: a local chain, the contracts, a seeded simulation, and the indexer with its GraphQL API.
 *   npm start            (Ctrl-C stops everything)
 * Env: RPC_PORT (8545), API_PORT (42069), SIM_SEED / SIM_ACCOUNTS / SIM_TXS (see scripts/simulate.ts),
 *      DEPLOYMENT_FILE (deployments/localhost.json), PGLITE_DIR (indexer/.ponder/pglite-demo; emptied at start).
 */
import fs from "node:fs";
import path from "node:path";
import { EXAMPLE_QUERIES, graphqlRequest } from "./lib/exampleQueries";
import { portInUse, rpcReady, run, type Service, startService, stopService, waitFor } from "./lib/processes";

const ROOT = path.resolve(__dirname, "..");
const INDEXER = path.join(ROOT, "indexer");
const RPC_PORT = Number(process.env.RPC_PORT ?? 8545);
const API_PORT = Number(process.env.API_PORT ?? 42069);
const RPC_URL = `http://127.0.0.1:${RPC_PORT}`;
const API_URL = `http://127.0.0.1:${API_PORT}`;
const DEPLOYMENT_FILE = path.resolve(process.env.DEPLOYMENT_FILE ?? path.join(ROOT, "deployments", "localhost.json"));
// Every start is a new chain, so the indexer starts from an empty embedded database.
const PGLITE_DIR = path.resolve(process.env.PGLITE_DIR ?? path.join(INDEXER, ".ponder", "pglite-demo"));
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

  for (const [port, what] of [[RPC_PORT, "RPC_PORT"], [API_PORT, "API_PORT"]] as const) {
    if (await portInUse(port)) {
      throw new Error(`port ${port} is in use: stop what runs there, or choose another with ${what}=...`);
    }
  }

  await step("compiling contracts", () => run("npx", ["hardhat", "compile", "--quiet"], { cwd: ROOT, env }));

  const chain = startService("chain", "npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(RPC_PORT)], {
    cwd: ROOT,
    env,
    quiet: true,
  });
  services.push(chain);
  await step(`starting a Hardhat node on ${RPC_URL}`, () => waitFor("the chain", () => rpcReady(RPC_URL), { service: chain }));

  await step("deploying the contracts", () =>
    run("npx", ["hardhat", "run", "--network", "localhost", "scripts/deploy.ts"], { cwd: ROOT, env }),
  );
  const simulation = await step("simulating community activity", () =>
    run("npx", ["hardhat", "run", "--network", "localhost", "scripts/simulate.ts"], { cwd: ROOT, env }),
  );
  console.log(
    simulation
      .split("\n")
      .filter((line) => line.trim() && !line.startsWith("npm warn"))
      .map((line) => `    ${line}`)
      .join("\n"),
  );

  await step("generating the indexer's ABIs", () => run("npx", ["ts-node", "scripts/gen-abis.ts"], { cwd: ROOT, env }));
  fs.rmSync(PGLITE_DIR, { recursive: true, force: true });
  const indexer = startService("indexer", "npx", ["ponder", "start", "--schema", "kc", "--port", String(API_PORT)], {
    cwd: INDEXER,
    env: { ...env, PONDER_RPC_URL: RPC_URL, PGLITE_DIR },
    quiet: true,
  });
  services.push(indexer);
  await step("indexing the chain (Ponder on PGlite)", () =>
    waitFor("the indexer", async () => (await fetch(`${API_URL}/ready`)).ok, { service: indexer, timeoutMs: 180_000 }),
  );

  console.log(`\nGraphQL API: ${API_URL}/graphql  (open it in a browser for GraphiQL)\n`);
  for (const example of EXAMPLE_QUERIES) {
    const answer = await graphqlRequest(API_URL, example.query);
    console.log(`# ${example.title}\n${example.query.trim()}\n`);
    console.log(`  answer (excerpt): ${JSON.stringify(answer).slice(0, 300)}\n`);
    console.log(`  curl -s ${API_URL}/graphql -H 'content-type: application/json' -d '${JSON.stringify({ query: example.query.replace(/\s+/g, " ").trim() })}'\n`);
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

import path from "node:path";
import { generateAbis } from "../gen-abis";
import { jsonRpc } from "./http";
import { type Service, startService, stopService, waitFor } from "./processes";

const ROOT = path.resolve(__dirname, "..", "..");
export const INDEXER_DIR = path.join(ROOT, "indexer");
const PONDER_BIN = path.join(ROOT, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");

export interface IndexerOptions {
  rpcUrl: string;
  deploymentFile: string;
  /** The embedded database's directory (PGlite), used unless `databaseUrl` is set. */
  pgliteDir: string;
  /** A PostgreSQL database (postgresql://...) to index into instead of PGlite. */
  databaseUrl?: string;
  port: number;
  /** The business API's keys file (API_KEYS_FILE); default indexer/.keys/api-keys.json. */
  apiKeysFile?: string;
  /** Receives every line Ponder prints. */
  log?: (line: string) => void;
  /** Called as soon as the process exists, so a caller can stop it on Ctrl-C even mid-start. */
  onSpawn?: (service: Service) => void;
}

/** The last block the indexer has processed, from Ponder's /status; -1 before it has one. */
export async function indexedBlock(apiUrl: string): Promise<number> {
  const status = (await (await fetch(`${apiUrl}/status`)).json()) as Record<string, { block?: { number: number } }>;
  return Math.min(...Object.values(status).map((chain) => chain.block?.number ?? -1));
}

/**
 * Generates the indexer's ABIs from the artifacts, starts `ponder start` on PGlite, and waits until it serves
 * and has indexed the chain's head block. If any step fails, the indexer is stopped before the error is thrown.
 */
export async function launchIndexer(options: IndexerOptions): Promise<{ service: Service; apiUrl: string }> {
  generateAbis();
  let port: number | undefined;
  const service = startService(
    "indexer",
    process.execPath,
    [PONDER_BIN, "start", "--schema", "kc", "--port", String(options.port)],
    {
      cwd: INDEXER_DIR,
      env: {
        PONDER_TELEMETRY_DISABLED: "true",
        PONDER_RPC_URL: options.rpcUrl,
        DEPLOYMENT_FILE: options.deploymentFile,
        PGLITE_DIR: options.pgliteDir,
        ...(options.apiKeysFile !== undefined && { API_KEYS_FILE: options.apiKeysFile }),
        DATABASE_URL: options.databaseUrl ?? "",
        DATABASE_PRIVATE_URL: "",
      },
      quiet: true,
      log: (line) => {
        // Ponder moves to the next port if the chosen one was taken meanwhile: read the one it reports.
        const match = /Started listening on port (\d+)/.exec(line);
        if (match) port = Number(match[1]);
        options.log?.(line);
      },
    },
  );
  options.onSpawn?.(service);
  try {
    await waitFor("the indexer's HTTP server", async () => port !== undefined, { service, timeoutMs: 90_000 });
    const apiUrl = `http://127.0.0.1:${port}`;
    await waitFor("the indexer's /ready", async () => (await fetch(`${apiUrl}/ready`)).ok, {
      service,
      timeoutMs: 180_000,
    });
    // /ready means the historical sync is done; the last (unfinalized) blocks arrive by realtime sync after it.
    const head = Number(await jsonRpc<string>(options.rpcUrl, "eth_blockNumber"));
    await waitFor(`the indexer to reach block ${head}`, async () => (await indexedBlock(apiUrl)) >= head, {
      service,
      timeoutMs: 60_000,
    });
    return { service, apiUrl };
  } catch (error) {
    await stopService(service);
    throw error;
  }
}

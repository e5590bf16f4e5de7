import path from "node:path";
import { generateAbis } from "../gen-abis";
import { jsonRpc } from "./http";
import { freePort, type Service, startService, stopService, waitFor } from "./processes";

const ROOT = path.resolve(__dirname, "..", "..");
export const INDEXER_DIR = path.join(ROOT, "indexer");
const PONDER_BIN = path.join(ROOT, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");
/**
 * Node's flags for Ponder (also in indexer/package.json's scripts): a 64 MB young generation instead of 16 MB. A
 * backfill allocates a copy of every row it reads or writes (Ponder's store clones them), and with the default most
 * of them outlived the young generation's collections: the 200k-event backfill took 10% less time with it.
 */
const PONDER_NODE_FLAGS = ["--max-semi-space-size=64"];

export interface IndexerOptions extends Pick<
  PonderOptions,
  "rpcUrl" | "deploymentFile" | "databaseUrl" | "apiKeysFile" | "log" | "onSpawn"
> {
  /** The embedded database's directory (PGlite), used unless `databaseUrl` is set. */
  pgliteDir: string;
  port: number;
}

/** The last block the indexer has processed, from Ponder's /status; -1 before it has one. */
export async function indexedBlock(apiUrl: string, { timeoutMs }: { timeoutMs?: number } = {}): Promise<number> {
  const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const status = (await (await fetch(`${apiUrl}/status`, { signal })).json()) as Record<
    string,
    { block?: { number: number } }
  >;
  return Math.min(...Object.values(status).map((chain) => chain.block?.number ?? -1));
}

/** How to run `ponder` against a chain and a database. */
export interface PonderOptions {
  rpcUrl: string;
  deploymentFile: string;
  /** The embedded database's directory (PGlite), used unless `databaseUrl` is set. */
  pgliteDir?: string;
  /** A PostgreSQL database (postgresql://...) instead of PGlite. */
  databaseUrl?: string;
  /** The business API's keys file (API_KEYS_FILE); default indexer/.keys/api-keys.json. */
  apiKeysFile?: string;
  /** Ponder's command and its arguments before the port (default: start --schema kc). */
  args?: string[];
  /** The port to ask for (default: a free one). Ponder moves on if it is taken: the one it reports is used. */
  port?: number;
  /** More environment (NODE_ENV, ...). */
  env?: NodeJS.ProcessEnv;
  /** The service's name in errors (default "indexer"). */
  name?: string;
  /** Receives every line Ponder prints. */
  log?: (line: string) => void;
  /** Called as soon as the process exists, so a caller can stop it on Ctrl-C even mid-start. */
  onSpawn?: (service: Service) => void;
  /** How long Ponder may take to listen (default 120 s). */
  timeoutMs?: number;
}

/**
 * Starts `ponder` (by default `ponder start --schema kc`) and resolves once its HTTP server listens, with its URL
 * (not waiting for the backfill). If it does not listen in time it is stopped, and the error holds its last lines.
 */
export async function startPonder(options: PonderOptions): Promise<{ service: Service; apiUrl: string }> {
  let port: number | undefined;
  const lines: string[] = [];
  const args = options.args ?? ["start", "--schema", "kc"];
  const service = startService(
    options.name ?? "indexer",
    process.execPath,
    [...PONDER_NODE_FLAGS, PONDER_BIN, ...args, "--port", String(options.port ?? (await freePort()))],
    {
      cwd: INDEXER_DIR,
      env: {
        PONDER_TELEMETRY_DISABLED: "true",
        PONDER_RPC_URL: options.rpcUrl,
        DEPLOYMENT_FILE: options.deploymentFile,
        ...(options.pgliteDir !== undefined && { PGLITE_DIR: options.pgliteDir }),
        ...(options.apiKeysFile !== undefined && { API_KEYS_FILE: options.apiKeysFile }),
        DATABASE_URL: options.databaseUrl ?? "",
        DATABASE_PRIVATE_URL: "",
        ...options.env,
      },
      quiet: true,
      log: (line) => {
        const match = /Started listening on port (\d+)/.exec(line);
        if (match) port = Number(match[1]);
        lines.push(line);
        if (lines.length > 40) lines.shift();
        options.log?.(line);
      },
    },
  );
  options.onSpawn?.(service);
  try {
    const timeoutMs = options.timeoutMs ?? 120_000;
    await waitFor(`${options.name ?? "the indexer"}'s HTTP server`, async () => port !== undefined, {
      service,
      timeoutMs,
    });
  } catch (error) {
    await stopService(service);
    throw new Error(`${(error as Error).message}\n${lines.join("\n")}`);
  }
  return { service, apiUrl: `http://127.0.0.1:${port}` };
}

/**
 * Generates the indexer's ABIs from the artifacts, starts `ponder start`, and waits until it serves and has
 * indexed the chain's head block. If any step fails, the indexer is stopped before the error is thrown.
 */
export async function launchIndexer(options: IndexerOptions): Promise<{ service: Service; apiUrl: string }> {
  generateAbis();
  const { service, apiUrl } = await startPonder({ ...options, timeoutMs: 90_000 });
  try {
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

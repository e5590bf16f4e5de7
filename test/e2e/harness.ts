/**
 * The end-to-end stack for indexer tests: a Hardhat node on a free port, the deployment, the simulation, and
 * Ponder on a fresh PGlite directory or a throwaway PostgreSQL server — each in its own process group, all stopped by `stop()`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Deployment } from "../../scripts/lib/deployment";
import { graphql, jsonRpc, rpcReady } from "../../scripts/lib/http";
import { INDEXER_DIR, indexedBlock, launchIndexer } from "../../scripts/lib/indexer";
import { type Postgres, postgresBin, startPostgres } from "../../scripts/lib/postgres";
import {
  freePort,
  killServicesOnExit,
  run,
  type Service,
  startService,
  stopService,
  waitFor,
} from "../../scripts/lib/processes";

/** Where the indexer writes: Ponder's embedded PGlite, or a throwaway PostgreSQL server (Debian's package). */
export type Database = "pglite" | "postgres";

/**
 * The databases the end-to-end tests run on: E2E_DATABASES (comma-separated; default both), PostgreSQL only where
 * it is installed (else skipped with a message).
 */
export function e2eDatabases(): Database[] {
  const asked = (process.env.E2E_DATABASES ?? "pglite,postgres").split(",").map((d) => d.trim()) as Database[];
  for (const d of asked) if (d !== "pglite" && d !== "postgres") throw new Error(`E2E_DATABASES: unknown "${d}"`);
  if (asked.includes("postgres") && postgresBin() === null) {
    console.log("    (PostgreSQL is not installed: the end-to-end tests run on PGlite only)");
    return asked.filter((d) => d !== "postgres");
  }
  return asked;
}

export { graphql, INDEXER_DIR };

export const ROOT = path.resolve(__dirname, "..", "..");
const HARDHAT_BIN = path.join(ROOT, "node_modules", ".bin", "hardhat");
const LOG_TAIL = 60;

killServicesOnExit(); // no strays after a crash or Ctrl-C

export class Stack {
  private tmpDir: string | undefined;
  /** The stack's temporary directory, made on first use (mocha builds suites it may never run, or skips). */
  get tmp(): string {
    return (this.tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "kc-e2e-")));
  }
  /** The business API's keys file of this stack (issue keys with scripts/apikey.ts and API_KEYS_FILE). */
  get apiKeysFile(): string {
    return path.join(this.tmp, "api-keys.json");
  }
  get deploymentFile(): string {
    return path.join(this.tmp, "deployment.json");
  }
  rpcUrl = "";
  apiUrl = "";
  /** The running `ponder start`, once `startIndexer` has returned. */
  indexer: Service | undefined;
  /** The throwaway PostgreSQL server the indexer writes to, when started on "postgres". */
  postgres: Postgres | undefined;
  private readonly services: Service[] = [];
  private readonly logs = new Map<string, string[]>();
  private get baseEnv() {
    return {
      HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
      PONDER_TELEMETRY_DISABLED: "true",
      DEPLOYMENT_FILE: this.deploymentFile,
    };
  }

  get deployment(): Deployment {
    return JSON.parse(fs.readFileSync(this.deploymentFile, "utf8")) as Deployment;
  }

  private start(
    name: string,
    command: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    onLine?: (line: string) => void,
  ): Service {
    const lines: string[] = [];
    this.logs.set(name, lines);
    const service = startService(name, command, args, {
      cwd,
      env: { ...this.baseEnv, ...env },
      quiet: true,
      log: (line) => {
        onLine?.(line);
        lines.push(line);
        if (lines.length > LOG_TAIL) lines.shift();
      },
    });
    this.services.push(service);
    return service;
  }

  /** The last lines each service printed, for a failure report. */
  tails(): string {
    return [...this.logs].map(([name, lines]) => `--- ${name}\n${lines.join("\n")}`).join("\n");
  }

  async startChain(): Promise<void> {
    const port = await freePort();
    this.rpcUrl = `http://127.0.0.1:${port}`;
    const chain = this.start(
      "chain",
      HARDHAT_BIN,
      ["node", "--hostname", "127.0.0.1", "--port", String(port)],
      ROOT,
      {},
    );
    await waitFor("the Hardhat node", () => rpcReady(this.rpcUrl), { service: chain, timeoutMs: 60_000 });
  }

  /** Runs a Hardhat script against the node (deploy, simulate); `hardhat test` compiled already. */
  async hardhatRun(script: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
    return run(HARDHAT_BIN, ["run", "--no-compile", "--network", "localhost", script], {
      cwd: ROOT,
      env: { ...this.baseEnv, RPC_URL: this.rpcUrl, ...env },
    });
  }

  async headBlock(): Promise<number> {
    return Number(await jsonRpc<string>(this.rpcUrl, "eth_blockNumber"));
  }

  /** Generates the ABIs, starts `ponder start`, and waits until it has indexed the chain's current head. */
  async startIndexer(database: Database = "pglite"): Promise<void> {
    if (database === "postgres" && !this.postgres) this.postgres = await startPostgres();
    const lines: string[] = [];
    this.logs.set("indexer", lines);
    const { service, apiUrl } = await launchIndexer({
      rpcUrl: this.rpcUrl,
      deploymentFile: this.deploymentFile,
      pgliteDir: path.join(this.tmp, "pglite"),
      databaseUrl: database === "postgres" ? this.postgres!.url : undefined,
      port: await freePort(),
      apiKeysFile: this.apiKeysFile,
      log: (line) => {
        lines.push(line);
        if (lines.length > LOG_TAIL) lines.shift();
      },
      onSpawn: (service) => {
        this.services.push(service);
      },
    });
    this.apiUrl = apiUrl;
    this.indexer = service;
  }

  async indexedBlock(): Promise<number> {
    return indexedBlock(this.apiUrl);
  }

  /** Waits until the running indexer has processed the chain's current head block; returns that block. */
  async waitForIndexedHead(timeoutMs = 60_000): Promise<number> {
    const head = await this.headBlock();
    await waitFor(`the indexer to reach block ${head}`, async () => (await this.indexedBlock()) >= head, {
      service: this.indexer,
      timeoutMs,
    });
    return head;
  }

  /** Stops every service (process groups, SIGTERM then SIGKILL) and removes the temporary directory. */
  async stop({ keepFiles = false } = {}): Promise<void> {
    await Promise.all(this.services.map((service) => stopService(service, 3_000)));
    await this.postgres?.stop();
    if (!keepFiles && this.tmpDir !== undefined) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}

interface Page<T> {
  items: T[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Every item of a plural query, following Ponder's cursor pagination (`after` = the previous `endCursor`).
 * Returns the items and the number of pages it took; checks `totalCount` against what it collected.
 */
export async function graphqlAll<T>(
  apiUrl: string,
  field: string,
  filterType: string,
  selection: string,
  options: { where?: Record<string, unknown>; orderBy?: string; orderDirection?: "asc" | "desc"; pageSize: number },
): Promise<{ items: T[]; pages: number }> {
  const query = `query ($where: ${filterType}, $after: String) {
    ${field}(where: $where, after: $after, limit: ${options.pageSize}${
      options.orderBy ? `, orderBy: "${options.orderBy}"` : ""
    }${options.orderDirection ? `, orderDirection: "${options.orderDirection}"` : ""}) {
      items { ${selection} }
      totalCount
      pageInfo { hasNextPage endCursor }
    }
  }`;
  const items: T[] = [];
  let after: string | null = null;
  let pages = 0;
  let totalCount = 0;
  do {
    const data: Record<string, Page<T>> = await graphql<Record<string, Page<T>>>(apiUrl, query, {
      where: options.where ?? {},
      after,
    });
    const page = data[field]!;
    items.push(...page.items);
    totalCount = page.totalCount;
    pages++;
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after !== null);
  if (items.length !== totalCount)
    throw new Error(`${field}: collected ${items.length} items, totalCount ${totalCount}`);
  return { items, pages };
}

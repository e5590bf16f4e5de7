/**
 * The fault tests' stack: anvil on a fixed port (so it can be stopped and started again where the indexer expects
 * it), the deployment (deploy.ts through the automine proxy), and `ponder start` launched without waiting for it
 * (so that it can be killed mid-backfill) on a PGlite directory or a throwaway PostgreSQL server. Every process runs
 * in its own process group; `stop()` ends them all, and so does this process's exit (no strays after a crash).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateAbis } from "../../scripts/gen-abis";
import type { Deployment } from "../../scripts/lib/deployment";
import { jsonRpc } from "../../scripts/lib/http";
import { indexedBlock, startPonder } from "../../scripts/lib/indexer";
import { type Postgres, startPostgres } from "../../scripts/lib/postgres";
import { freePort, run, type Service, stopService, waitFor } from "../../scripts/lib/processes";
import { automineProxy, startAnvil } from "../../scripts/lib/anvil";

const ROOT = path.resolve(__dirname, "..", "..");
const HARDHAT_BIN = path.join(ROOT, "node_modules", ".bin", "hardhat");
const LOG_TAIL = 80;

const running = new Set<Service>();
function killGroup(service: Service): void {
  try {
    if (service.child.pid !== undefined) process.kill(-service.child.pid, "SIGKILL");
  } catch {
    // gone already
  }
}
process.on("exit", () => running.forEach(killGroup));

export type Database = "pglite" | "postgres";

export class FaultStack {
  private tmpDir: string | undefined;
  /** The stack's temporary directory, made on first use (mocha builds suites it may skip or filter out). */
  get tmp(): string {
    return (this.tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "kc-faults-")));
  }
  get deploymentFile(): string {
    return path.join(this.tmp, "deployment.json");
  }
  get apiKeysFile(): string {
    return path.join(this.tmp, "api-keys.json");
  }
  get stateFile(): string {
    return path.join(this.tmp, "anvil-state.json");
  }
  get pgliteDir(): string {
    return path.join(this.tmp, "pglite");
  }
  port = 0;
  rpcUrl = "";
  apiUrl = "";
  anvil: Service | undefined;
  indexer: Service | undefined;
  postgres: Postgres | undefined;
  private indexerRuns = 0;
  private readonly logs = new Map<string, string[]>();

  private logger(name: string): (line: string) => void {
    const lines: string[] = [];
    this.logs.set(name, lines);
    return (line) => {
      lines.push(line);
      if (lines.length > LOG_TAIL) lines.shift();
    };
  }

  /** The last lines each process printed, for a failure report. */
  tails(): string {
    return [...this.logs].map(([name, lines]) => `--- ${name}\n${lines.join("\n")}`).join("\n");
  }

  get deployment(): Deployment {
    return JSON.parse(fs.readFileSync(this.deploymentFile, "utf8")) as Deployment;
  }

  /** Starts anvil (on the same port as before, if it ran already); `persist`: with the stack's state file. */
  async startChain(options: { persist?: boolean; blockTime?: number } = {}): Promise<void> {
    if (this.port === 0) {
      this.port = await freePort();
      this.rpcUrl = `http://127.0.0.1:${this.port}`;
    }
    this.anvil = await startAnvil({
      port: this.port,
      stateFile: options.persist ? this.stateFile : undefined,
      blockTime: options.blockTime,
    });
    running.add(this.anvil);
  }

  /** Stops anvil with SIGTERM (with a state file, it dumps the chain there on the way out). */
  async stopChain(): Promise<void> {
    if (!this.anvil) return;
    await stopService(this.anvil, 10_000);
    running.delete(this.anvil);
    this.anvil = undefined;
  }

  async headBlock(): Promise<number> {
    return Number(await jsonRpc<string>(this.rpcUrl, "eth_blockNumber"));
  }

  /** Deploys everything with scripts/deploy.ts (through the automine proxy), into the stack's deployment file. */
  async deploy(): Promise<Deployment> {
    const proxy = await automineProxy(this.rpcUrl);
    try {
      await run(HARDHAT_BIN, ["run", "--no-compile", "--network", "localhost", "scripts/deploy.ts"], {
        cwd: ROOT,
        env: {
          HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
          RPC_URL: proxy.url,
          DEPLOYMENT_FILE: this.deploymentFile,
        },
      });
    } finally {
      await proxy.close();
    }
    return this.deployment;
  }

  /**
   * Starts `ponder start` on the stack's database and returns as soon as its HTTP server listens (not waiting for
   * the backfill). Restarting uses the same database (PGlite directory or PostgreSQL server).
   */
  async startIndexer(database: Database = "pglite"): Promise<void> {
    if (database === "postgres" && !this.postgres) this.postgres = await startPostgres();
    generateAbis();
    const log = this.logger(`indexer (run ${++this.indexerRuns}, ${database})`);
    const { service, apiUrl } = await startPonder({
      rpcUrl: this.rpcUrl,
      deploymentFile: this.deploymentFile,
      pgliteDir: this.pgliteDir,
      apiKeysFile: this.apiKeysFile,
      databaseUrl: database === "postgres" ? this.postgres!.url : undefined,
      log,
      onSpawn: (spawned) => running.add(spawned),
    });
    this.indexer = service;
    this.apiUrl = apiUrl;
  }

  /** The last block the indexer has processed (/status), -1 before it has one or while it does not answer. */
  async indexedBlock(): Promise<number> {
    return indexedBlock(this.apiUrl).catch(() => -1);
  }

  /** Waits until the indexer has processed the chain's head block (asked once, now); returns that block. */
  async waitForIndexedHead(timeoutMs = 180_000): Promise<number> {
    const head = await this.headBlock();
    await waitFor(`the indexer to reach block ${head}`, async () => (await this.indexedBlock()) >= head, {
      service: this.indexer,
      timeoutMs,
      intervalMs: 100,
    });
    return head;
  }

  /** kill -9 of the indexer's whole process group, as a crash or an OOM killer would; resolves once it is gone. */
  async killIndexer(): Promise<void> {
    if (!this.indexer) return;
    killGroup(this.indexer);
    await this.indexer.exited;
    running.delete(this.indexer);
    this.indexer = undefined;
  }

  async stopIndexer(): Promise<void> {
    if (!this.indexer) return;
    await stopService(this.indexer, 5_000);
    running.delete(this.indexer);
    this.indexer = undefined;
  }

  /** Stops everything and removes the temporary directory (FAULTS_KEEP_FILES=1 keeps it). */
  async stop(): Promise<void> {
    await this.stopIndexer();
    await this.stopChain();
    await this.postgres?.stop();
    if (process.env.FAULTS_KEEP_FILES !== "1" && this.tmpDir !== undefined) {
      fs.rmSync(this.tmpDir, { recursive: true, force: true });
    }
  }
}

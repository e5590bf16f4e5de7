/**
 * anvil (npm @foundry-rs/anvil) for the fault tests and the indexer bench: started on a port of our choosing, optionally with a state file
 * it loads at start and dumps on SIGTERM (so the chain, its blocks and their hashes survive a restart on the same
 * port), and a JSON-RPC proxy that gives deploy.ts and simulate.ts the Hardhat node's automine behaviour.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { jsonRpc, rpcReady } from "./http";
import { freePort, type Service, startService, untilExit, waitFor } from "./processes";

const ROOT = path.resolve(__dirname, "..", "..");
/** The binary of @foundry-rs/anvil's platform package (the package's bin.mjs launcher would add a node process). */
export const ANVIL_BIN = path.join(ROOT, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

/** Whether anvil is installed and its binary runs here. */
export function anvilRuns(): boolean {
  try {
    execFileSync(ANVIL_BIN, ["--version"], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

export interface AnvilOptions {
  port: number;
  /** Funded accounts (20). */
  accounts?: number;
  /** Load the chain from this file if it exists, dump it there on exit (anvil --state). */
  stateFile?: string;
  /** Mine a block every this many seconds (as well as on each transaction, unless automine is turned off). */
  blockTime?: number;
  /** Receives every line anvil prints (without it, anvil runs --silent). */
  log?: (line: string) => void;
}

/**
 * Starts anvil and waits until it answers; the caller stops it (stopService: SIGTERM, so it dumps its state). anvil
 * writes the states it pages out of memory under $HOME/.foundry/anvil/tmp (about 10 GB for the indexer bench's
 * chain) and leaves them behind when killed: each anvil gets a HOME of its own, removed when it exits (or when its
 * owner does: `killServicesOnExit`).
 */
export async function startAnvil(options: AnvilOptions): Promise<Service> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "kc-anvil-home-"));
  const accounts = String(options.accounts ?? 20);
  const args = ["--host", "127.0.0.1", "--port", String(options.port), "--accounts", accounts, "--chain-id", "31337"];
  if (options.stateFile !== undefined) args.push("--state", options.stateFile);
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  // anvil prints a line per request unless silent: reading them costs the caller as much CPU as anvil itself
  if (options.log === undefined) args.push("--silent");
  const service = startService("anvil", ANVIL_BIN, args, { quiet: true, log: options.log, env: { HOME: home } });
  const removeHome = () => fs.rmSync(home, { recursive: true, force: true });
  const forget = untilExit(removeHome); // after the kill of anvil (registered first), if the owner ends first
  void service.exited.finally(() => {
    forget();
    removeHome();
  });
  await waitFor("anvil", () => rpcReady(`http://127.0.0.1:${options.port}`), { service, timeoutMs: 30_000 });
  return service;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A JSON-RPC proxy to anvil with the Hardhat node's automine behaviour, for deploy.ts and simulate.ts: a send is
 * answered once its receipt exists (anvil answers first and mines a moment later), and gas estimates are padded
 * (anvil estimates against the pending block, whose timestamp may differ from the one the transaction lands in).
 */
export async function automineProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const forward = async (body: unknown) =>
    (await (
      await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json()) as unknown;
  const settle = async (request: { method?: string }, answer: { result?: unknown }) => {
    if (request.method === "eth_estimateGas" && typeof answer.result === "string") {
      answer.result = `0x${((BigInt(answer.result) * 3n) / 2n + 100_000n).toString(16)}`;
    }
    const sent = request.method === "eth_sendRawTransaction" || request.method === "eth_sendTransaction";
    if (sent && typeof answer.result === "string") {
      for (let i = 0; i < 5_000; i++) {
        if (await jsonRpc(target, "eth_getTransactionReceipt", [answer.result])) break;
        await sleep(2);
      }
    }
    return answer;
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      void (async () => {
        try {
          const body = JSON.parse(raw) as { method?: string } | { method?: string }[];
          const answer = (await forward(body)) as { result?: unknown } | { result?: unknown }[];
          const settled = Array.isArray(body)
            ? await Promise.all(body.map((r, i) => settle(r, (answer as { result?: unknown }[])[i]!)))
            : await settle(body, answer as { result?: unknown });
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(settled));
        } catch (error) {
          res.statusCode = 502;
          res.end(String(error));
        }
      })();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

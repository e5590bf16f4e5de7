/**
 * `npm start` as a new user runs it: the whole stack comes up on free ports, the simulation is as large as the
 * README says, every example query answers with data, and Ctrl-C stops everything with no process left behind.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { EXAMPLE_QUERIES, exampleItems } from "../../scripts/lib/exampleQueries";
import { graphql } from "../../scripts/lib/http";
import { freePort, portInUse, type Service, startService, stopService, waitFor } from "../../scripts/lib/processes";

const ROOT = path.resolve(__dirname, "..", "..");
const describeE2E = process.env.KC_SKIP_E2E ? describe.skip : describe;

/** Processes whose command line names `needle` (other than this test's own). */
function processesMatching(needle: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="]).toString();
  return out
    .split("\n")
    .filter((line) => line.includes(needle) && !line.includes("ps -eo"))
    .map((line) => line.trim());
}

describeE2E("npm start (end to end)", function () {
  this.timeout(300_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kc-start-"));
  const output: string[] = [];
  let start: Service;
  let rpcPort: number;
  let apiPort: number;

  before(async () => {
    [rpcPort, apiPort] = [await freePort(), await freePort()];
    start = startService("start", path.join(ROOT, "node_modules", ".bin", "ts-node"), ["scripts/start.ts"], {
      cwd: ROOT,
      env: {
        RPC_PORT: String(rpcPort),
        API_PORT: String(apiPort),
        DEPLOYMENT_FILE: path.join(tmp, "deployment.json"),
        PGLITE_DIR: path.join(tmp, "pglite"),
      },
      quiet: true,
      log: (line) => output.push(line),
    });
    await waitFor("npm start to be ready", async () => output.some((l) => l.includes("press Ctrl-C to stop")), {
      service: start,
      timeoutMs: 240_000,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${output.slice(-40).join("\n")}`);
    });
  });

  after(async () => {
    if (start) await stopService(start);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("simulates at least 50 accounts and 500 transactions, with blocked attempts", () => {
    const accounts = /(\d+) accounts, supply/.exec(output.join("\n"));
    const transactions = /simulation \(seed \d+\): (\d+) transactions/.exec(output.join("\n"));
    expect(Number(accounts?.[1])).to.be.at.least(50);
    expect(Number(transactions?.[1])).to.be.at.least(500);
    for (const kind of ["transfer", "signedTransfer", "redeem", "mint", "blocked"]) {
      expect(
        output.some((l) => new RegExp(`^\\s+${kind}\\s+\\d+$`).test(l)),
        kind,
      ).to.equal(true);
    }
  });

  it("prints the GraphQL URL and every example query, and each answers with data", async () => {
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    expect(output).to.include(`GraphQL API: ${apiUrl}/graphql  (open it in a browser for GraphiQL)`);
    for (const example of EXAMPLE_QUERIES) {
      expect(output.join("\n")).to.include(example.title);
      expect(exampleItems(example, await graphql(apiUrl, example.query))).to.not.be.empty;
    }
  });

  it("stops the chain and the indexer on Ctrl-C, leaving no process behind", async () => {
    process.kill(-start.child.pid!, "SIGINT"); // a terminal's Ctrl-C signals the foreground process group
    expect(await start.exited).to.equal(0);
    expect(output).to.include("stopped: chain and indexer are down.");
    expect(await portInUse(rpcPort)).to.equal(false);
    expect(await portInUse(apiPort)).to.equal(false);
    expect(processesMatching(`--port ${rpcPort}`)).to.deep.equal([]);
    expect(processesMatching(`--port ${apiPort}`)).to.deep.equal([]);
  });
});

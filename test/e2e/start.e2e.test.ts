/**
 * `npm start` as a new user runs it: the whole stack comes up on free ports, the simulation is as large as the
 * README says, every example query answers with data (Ponder's tables API at /graphql, and with the demo key it
 * prints, the business API at /api/graphql and the CSV reports), and Ctrl-C stops everything with no process left
 * behind.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import {
  BUSINESS_EXAMPLES,
  businessContext,
  businessCurl,
  csvCurl,
  EXAMPLE_QUERIES,
  exampleItems,
  runBusinessExamples,
  runCsvReports,
} from "../../scripts/lib/exampleQueries";
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
        API_KEYS_FILE: path.join(tmp, "api-keys.json"),
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

  it("prints both GraphQL endpoints and every tables API example, and each answers with data", async () => {
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const text = output.join("\n");
    expect(text).to.include(`The indexer serves on ${apiUrl}:`);
    expect(output.some((l) => /^\s+\/graphql\s+Ponder's raw tables API/.test(l))).to.equal(true);
    expect(output.some((l) => /^\s+\/api\/graphql\s+the business API: analytics, compliance/.test(l))).to.equal(true);
    expect(text).to.include(`== Ponder's tables API: ${apiUrl}/graphql ==`);
    for (const example of EXAMPLE_QUERIES) {
      expect(text).to.include(example.title);
      expect(exampleItems(example, await graphql(apiUrl, example.query))).to.not.be.empty;
    }
  });

  it("prints the demo API key, and every business API example with its answer and curl command, each with data", async () => {
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const text = output.join("\n");
    const keyLine = output.findIndex((l) => l.startsWith("Demo API key (compliance, every community, 100 requests/s"));
    expect(keyLine, "the demo key's line").to.be.at.least(0);
    const key = output[keyLine + 1]!.trim();
    expect(key).to.match(/^kc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(text).to.include(`== The business API: ${apiUrl}/api/graphql (x-api-key: ${key}) ==`);

    // the same examples, run again with the printed key, answer with data and no errors, as start printed them
    const results = await runBusinessExamples(apiUrl, key);
    expect(results.map((r) => r.title)).to.deep.equal(BUSINESS_EXAMPLES.map((e) => e.title));
    for (const [i, result] of results.entries()) {
      expect(result.problem, `${result.title}: ${result.problem}`).to.equal(undefined);
      expect(result.answer.errors, result.title).to.equal(undefined);
      expect(result.answer.data, result.title).to.be.an("object");
      const at = output.indexOf(`# ${EXAMPLE_QUERIES.length + i + 1}. ${result.title}`);
      expect(at, `the title of ${result.title}`).to.be.at.least(0);
      const printed = output.slice(at);
      expect(printed).to.include(`  variables: ${JSON.stringify(result.variables)}`);
      expect(printed).to.include(`  -> ${result.summary}`);
      expect(printed).to.include(`  ${businessCurl(apiUrl, key, result.query, result.variables)}`);
    }
    expect(text).to.not.include("FAILED:");
  });

  it("prints the two CSV report commands and the first lines of each report", async () => {
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const key = output[output.findIndex((l) => l.startsWith("Demo API key (")) + 1]!.trim();
    const context = await businessContext(apiUrl);
    const reports = await runCsvReports(apiUrl, key, context);
    expect(reports.map((r) => new URL(r.url).pathname)).to.deep.equal([
      "/api/reports/merchant-statement.csv",
      "/api/reports/account-history.csv",
    ]);
    for (const report of reports) {
      expect(report.problem, `${report.url}: ${report.problem}`).to.equal(undefined);
      expect(report.url).to.include(context.merchant.address);
      expect(report.url).to.include(`from=${context.from}&to=${context.to}`);
      const at = output.indexOf(`# ${report.title}`);
      expect(at, report.title).to.be.at.least(0);
      expect(output[at + 1]).to.equal(`  ${csvCurl(report.url, key)}`);
      expect(output[at + 2]).to.equal(`  -> ${report.lines.length - 1} rows; the first 3 lines:`);
      expect(output.slice(at + 3, at + 6)).to.deep.equal(report.lines.slice(0, 3).map((line) => `    ${line}`));
      expect(report.lines[0]).to.match(/^date,type,/);
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

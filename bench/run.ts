/**
 * `npm run bench`: every benchmark, one after the other, each in its own process so none inherits another's heap
 * or chain: gas (bench/gas.ts), indexer throughput and live lag (bench/indexer.ts), API latency under load
 * (bench/api.ts). Each prints Markdown tables; nothing is asserted. bench/RESULTS.md records a full run.
 *   npm run bench                 all three
 *   npm run bench -- gas api      some of them
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

const BENCHES: Record<string, { title: string; command: string; args: string[] }> = {
  gas: { title: "Gas", command: path.join(BIN, "hardhat"), args: ["run", "bench/gas.ts"] },
  indexer: { title: "Indexer throughput and live lag", command: path.join(BIN, "ts-node"), args: ["bench/indexer.ts"] },
  api: { title: "API latency under load", command: path.join(BIN, "ts-node"), args: ["bench/api.ts"] },
};

function main(): number {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown bench: ${unknown.join(", ")}; choose among ${Object.keys(BENCHES).join(", ")}`);
    return 2;
  }
  const names = asked.length > 0 ? asked : Object.keys(BENCHES);
  const cpus = os.cpus();
  console.log(
    `# Katy Coin benchmarks\n\nMachine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}\n`,
  );
  let failed = 0;
  for (const name of names) {
    const bench = BENCHES[name]!;
    console.log(`\n## ${bench.title}\n\n\`${["npx", path.basename(bench.command), ...bench.args].join(" ")}\`\n`);
    const started = Date.now();
    const result = spawnSync(bench.command, bench.args, {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", PONDER_TELEMETRY_DISABLED: "true" },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (result.status !== 0) {
      failed++;
      console.error(`\n${name}: failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
    } else {
      console.log(`\n(${name}: ${seconds} s)`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();

/**
 * The services of a process that owns them (scripts/lib/processes.ts `killServicesOnExit`, used by the benchmarks and
 * the end-to-end harness): a Ctrl-C, a SIGTERM or a crash of the owner kills every service still running with its
 * process group, and stops a throwaway PostgreSQL (detached by pg_ctl) and deletes its cluster. The owner here is a
 * child node process that starts a `sleep` as a service, or PostgreSQL.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { postgresBin } from "../../scripts/lib/postgres";

const ROOT = path.resolve(__dirname, "..", "..");

/** Starts a child node process running `body` (TypeScript, from the project's root); its first line of output. */
function ownerRunning(body: string) {
  const script = `const { killServicesOnExit } = require("./scripts/lib/processes");\nkillServicesOnExit();\n${body}`;
  const child = spawn(process.execPath, ["-r", "ts-node/register", "-e", script], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    child.on("close", () => reject(new Error(`the owner ended before starting: ${out}`)));
  });
  return { child, exited, firstLine };
}

/** An owner that runs `sleep 300` as a service, then `after` ("wait" or "crash"); the sleeper's pid. */
function owner(after: "wait" | "crash") {
  const { child, exited, firstLine } = ownerRunning(`
    const { startService } = require("./scripts/lib/processes");
    const service = startService("sleeper", "sleep", ["300"], { quiet: true });
    console.log(service.child.pid);
    if (${JSON.stringify(after)} === "crash") setTimeout(() => { throw new Error("owner crashed"); }, 200);
    else setInterval(() => {}, 1000);`);
  return { child, exited, sleeper: firstLine.then(Number) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return !alive(pid);
}

describe("services of a process that owns them", function () {
  this.timeout(60_000);

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`are killed when the owner gets ${signal}`, async () => {
      const { child, exited, sleeper } = owner("wait");
      const pid = await sleeper;
      expect(alive(pid)).to.equal(true);
      child.kill(signal); // the owner only, as a terminal's Ctrl-C reaches it (the service has its own group)
      expect(await exited).to.equal(code);
      expect(await gone(pid)).to.equal(true);
    });
  }

  it("stop a throwaway PostgreSQL and delete its cluster when the owner gets SIGINT", async function () {
    if (postgresBin() === null) this.skip(); // PostgreSQL not installed: nothing to stop
    const { child, exited, firstLine } = ownerRunning(`
      const { startPostgres } = require("./scripts/lib/postgres");
      startPostgres().then((pg) => console.log(pg.dataDir));
      setInterval(() => {}, 1000);`);
    const dataDir = await firstLine;
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    expect(alive(pid)).to.equal(true);
    child.kill("SIGINT");
    expect(await exited).to.equal(130);
    expect(await gone(pid)).to.equal(true);
    expect(fs.existsSync(path.dirname(dataDir))).to.equal(false);
  });

  it("are killed when the owner crashes", async () => {
    const { exited, sleeper } = owner("crash");
    const pid = await sleeper;
    expect(await exited).to.equal(1);
    expect(await gone(pid)).to.equal(true);
  });
});

/**
 * The services of a process that owns them (scripts/lib/processes.ts `killServicesOnExit`, used by the benchmarks and
 * the end-to-end harness): a Ctrl-C, a SIGTERM or a crash of the owner kills every service still running with its
 * process group. The owner here is a child node process that starts a `sleep` as a service.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { expect } from "chai";

const ROOT = path.resolve(__dirname, "..", "..");

/** Starts an owner that runs `sleep 300` as a service, then `after` ("wait" or "crash"); resolves with its pids. */
function owner(after: "wait" | "crash") {
  const script = `
    const { killServicesOnExit, startService } = require("./scripts/lib/processes");
    killServicesOnExit();
    const service = startService("sleeper", "sleep", ["300"], { quiet: true });
    console.log(service.child.pid);
    if (${JSON.stringify(after)} === "crash") setTimeout(() => { throw new Error("owner crashed"); }, 200);
    else setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-r", "ts-node/register", "-e", script], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const sleeper = new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.on("close", () => reject(new Error("the owner ended before starting its service")));
  });
  return { child, exited, sleeper };
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

  it("are killed when the owner crashes", async () => {
    const { exited, sleeper } = owner("crash");
    const pid = await sleeper;
    expect(await exited).to.equal(1);
    expect(await gone(pid)).to.equal(true);
  });
});

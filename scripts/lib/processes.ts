import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";

export interface Service {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
}

/** How to stop, at once and synchronously, what is still running: services, servers (see `killServicesOnExit`). */
const cleanups = new Set<() => void>();

/** Registers `cleanup` to run if this process ends first (see `killServicesOnExit`); returns its unregistration. */
export function untilExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

/**
 * For a process that owns the services and servers it starts (a test run, a benchmark): when it exits, or on SIGINT or
 * SIGTERM, every service still running is killed with its process group and every server registered with
 * `untilExit` is stopped, so a crash or a Ctrl-C leaves no node, database or indexer behind (a service runs in its
 * own group, which a terminal's Ctrl-C does not reach). Once per process; `npm start` stops its services itself,
 * gracefully.
 */
export function killServicesOnExit(): void {
  if (killOnExitInstalled) return;
  killOnExitInstalled = true;
  const cleanUp = () => {
    for (const cleanup of cleanups) {
      try {
        cleanup();
      } catch {
        // gone already, or nothing more to do
      }
    }
    cleanups.clear();
  };
  process.on("exit", cleanUp);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}
let killOnExitInstalled = false;

/**
 * Starts a long-running process in its own process group, so that stopping it also stops whatever it
 * spawned (npx -> node -> workers). Output is prefixed with the service's name unless `quiet`.
 */
export function startService(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean; log?: (line: string) => void } = {},
): Service {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line.trim()) continue;
      options.log?.(line);
      if (!options.quiet) process.stdout.write(`[${name}] ${line}\n`);
    }
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.on("error", (error) => resolve(`spawn failed: ${error.message}`));
  });
  const forget = untilExit(() => {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  });
  void exited.then(forget);
  return { name, child, exited };
}

/** Stops a service's whole process group: SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
export async function stopService(service: Service, graceMs = 5_000): Promise<void> {
  const pid = service.child.pid;
  if (pid === undefined || service.child.exitCode !== null || service.child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  };
  signalGroup("SIGTERM");
  const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
  await service.exited;
  clearTimeout(timer);
  signalGroup("SIGKILL"); // anything the leader left behind
}

/** Runs a command to completion; rejects with its tail of output if it fails. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    // "close", not "exit": the process may exit before its pipes are read to the end
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else
        reject(
          new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output.split("\n").slice(-30).join("\n")}`),
        );
    });
  });
}

/** Polls `probe` until it returns true; rejects after `timeoutMs`, or at once if `service` ends first. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  {
    timeoutMs = 60_000,
    intervalMs = 250,
    service,
  }: { timeoutMs?: number; intervalMs?: number; service?: Service } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: number | string | undefined;
  void service?.exited.then((code) => (ended = code));
  while (Date.now() < deadline) {
    if (ended !== undefined) throw new Error(`${service?.name} exited (${ended}) while waiting for ${what}`);
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/** Whether something already listens on host:port. */
export function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A free TCP port on loopback, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

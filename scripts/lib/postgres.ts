/**
 * A throwaway PostgreSQL server for benchmarks and tests: Debian's `postgresql` package (its binaries under
 * /usr/lib/postgresql/<version>/bin), a fresh cluster in a temporary directory, on a free loopback port, stopped and
 * deleted by `stop()`. PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system user
 * the package creates, and its commands run through `runuser`.
 *   const pg = await startPostgres(); ... pg.url ... await pg.stop();
 * Env: PG_BIN (the directory of initdb and pg_ctl; default: the newest /usr/lib/postgresql/<n>/bin).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, untilExit, waitFor } from "./processes";

export interface Postgres {
  /** postgresql://... of the database `kc` on the server. */
  url: string;
  port: number;
  dataDir: string;
  /** Runs SQL through psql and returns its output (tuples only, unaligned). */
  psql(sql: string): string;
  stop(): Promise<void>;
}

/** The directory of initdb and pg_ctl, or null when PostgreSQL is not installed. */
export function postgresBin(): string | null {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

const INSTALL_HINT = "PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN)";

export async function startPostgres(options: { settings?: Record<string, string> } = {}): Promise<Postgres> {
  const bin = postgresBin();
  if (!bin) throw new Error(INSTALL_HINT);
  const asRoot = process.getuid?.() === 0;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "kc-pg-"));
  const dataDir = path.join(base, "data");
  const socketDir = path.join(base, "socket");
  fs.mkdirSync(socketDir);
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", base]);
  const sh = (command: string, args: string[]) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], { encoding: "utf8" })
      : execFileSync(path.join(bin, command), args, { encoding: "utf8" });

  sh("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"]);
  const port = await freePort();
  const settings = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: socketDir,
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    max_connections: "200",
    shared_buffers: "512MB",
    ...options.settings,
  };
  const conf = Object.entries(settings)
    .map(([key, value]) => `${key} = '${value}'`)
    .join("\n");
  fs.appendFileSync(path.join(dataDir, "postgresql.conf"), `\n${conf}\n`);
  sh("pg_ctl", ["-D", dataDir, "-l", path.join(base, "server.log"), "-w", "start"]);
  const halt = () => {
    try {
      sh("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  };
  const forget = untilExit(halt); // pg_ctl runs the server detached: stopped if the owner ends first
  const psql = (sql: string) =>
    execFileSync(path.join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-tA", "-c", sql], {
      encoding: "utf8",
    });
  await waitFor("PostgreSQL", async () => {
    try {
      psql("SELECT 1");
      return true;
    } catch {
      return false;
    }
  });
  psql("CREATE DATABASE kc");
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/kc`,
    port,
    dataDir,
    psql: (sql) =>
      execFileSync(
        path.join(bin, "psql"),
        ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "kc", "-tA", "-c", sql],
        { encoding: "utf8" },
      ),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      forget();
      halt();
    },
  };
}

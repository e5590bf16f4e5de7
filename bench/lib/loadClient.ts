/**
 * The load generator of the API benchmark, run as its own process (a second process on loopback, so the client's
 * CPU is not the server's event loop). It POSTs one GraphQL body to one URL for `seconds` and keeps every response
 * time, so the percentiles are exact:
 * - at a fixed rate: open loop, one request every 1/rate s on keep-alive connections, each timed from when it was
 *   due (a slow server cannot slow the client down and hide its queue: no coordinated omission). autocannon's own
 *   rate option sends each connection's quota back to back at the start of every second, which measures bursts;
 * - as fast as it goes: autocannon with `connections` connections (closed loop).
 *   node -r ts-node/register bench/lib/loadClient.ts '<LoadSpec as JSON>' | @<file>   -> one LoadResult as JSON
 */
import fs from "node:fs";
import http from "node:http";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  body: string;
  /** At a fixed rate: send these bodies in turn instead of `body` (different requests, not one repeated). */
  bodies?: string[];
  headers: Record<string, string>;
  seconds: number;
  connections: number;
  /** Requests per second (open loop); omitted: as fast as `connections` connections go (autocannon). */
  rate?: number;
}

export interface LoadResult {
  requests: number;
  /** Completed requests per second of the run. */
  requestsPerSecond: number;
  /** Milliseconds. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** The `q`-quantile (0..1) of ascending `sorted`, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function summary(times: number[], seconds: number, counts: Pick<LoadResult, "non2xx" | "errors" | "timeouts">) {
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    requestsPerSecond: Math.round(times.length / seconds),
    p50: round(quantile(times, 0.5)),
    p95: round(quantile(times, 0.95)),
    p99: round(quantile(times, 0.99)),
    max: round(times.at(-1) ?? NaN),
    ...counts,
  };
}

/** Open loop at `rate` requests/s. */
async function runPaced(spec: LoadSpec & { rate: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(spec.url);
  const bodies = (spec.bodies ?? [spec.body]).map((b) => Buffer.from(b));
  const times: number[] = [];
  const counts = { non2xx: 0, errors: 0, timeouts: 0 };
  const send = (due: number, body: Buffer) =>
    new Promise<void>((resolve) => {
      const request = http.request(
        {
          agent,
          method: "POST",
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { ...spec.headers, "content-length": String(body.length) },
          timeout: 30_000,
        },
        (response) => {
          response.on("data", () => undefined);
          response.on("end", () => {
            times.push(performance.now() - due);
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299) counts.non2xx += 1;
            resolve();
          });
        },
      );
      request.on("timeout", () => {
        counts.timeouts += 1;
        request.destroy();
      });
      request.on("error", () => {
        counts.errors += 1;
        resolve();
      });
      request.end(body);
    });
  const total = Math.round(spec.rate * spec.seconds);
  const pending = new Map<number, Promise<void>>();
  const start = performance.now();
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / spec.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.set(
      due,
      send(due, bodies[k % bodies.length]!).then(() => void pending.delete(due)),
    );
  }
  // An overloaded server gets `seconds` more to answer; what is still open then counts as unfinished (a timeout),
  // with the time it has waited so far as its latency (a lower bound).
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(pending.values()),
    new Promise((resolve) => (timer = setTimeout(resolve, spec.seconds * 1000))),
  ]);
  clearTimeout(timer);
  const now = performance.now();
  for (const due of pending.keys()) {
    times.push(now - due);
    counts.timeouts += 1;
  }
  agent.destroy();
  const seconds = Math.max((now - start) / 1000, spec.seconds);
  const result = summary(times, seconds, counts);
  const completed = times.length - counts.timeouts;
  return { ...result, requests: completed, requestsPerSecond: Math.round(completed / seconds) };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.rate !== undefined) return runPaced({ ...spec, rate: spec.rate });
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: "POST",
        headers: spec.headers,
        body: spec.body,
        duration: spec.seconds,
        connections: spec.connections,
        timeout: 30,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // autocannon emits (client, status, bytes, time); its typings leave out the client
    instance.on("response", (...args: unknown[]) => times.push(Number(args[3])));
  });
  return summary(times, spec.seconds, { non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts });
}

if (require.main === module) {
  // the spec, or @file holding it (a spec with many bodies exceeds the kernel's limit on one argument)
  const arg = process.argv[2] ?? "{}";
  runLoad(JSON.parse(arg.startsWith("@") ? fs.readFileSync(arg.slice(1), "utf8") : arg) as LoadSpec)
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}

/**
 * The attackers of the hostile-input test, as a process of their own, so that the good client's latencies (measured
 * in the test's process) do not include waiting behind the attackers' callbacks on one event loop: they share only
 * the machine with it, as a real attacker would.
 *   node -r ts-node/register/transpile-only test/e2e/attacker.ts '<AttackSpec as JSON>'
 * prints "attacking" when the first requests go out, then one AttackResult as JSON on the last line.
 * Six clients send `hostileCorpus(key)` as fast as they can (once through, or round and round for `seconds`); every
 * request must get an error with a message, no 5xx and no stack trace: what does not is listed in `failures`.
 */
import { hostileCorpus } from "./hostileCorpus";

export interface AttackSpec {
  /** The business GraphQL endpoint. */
  url: string;
  key: string;
  /** Round and round for this long; once through the corpus without it. */
  seconds?: number;
  clients?: number;
}

export interface AttackResult {
  sent: number;
  failures: string[];
  kinds: Record<string, number>;
  statuses: Record<string, number>;
}

/** What is wrong with an answer to a hostile request, or null. */
export function problemOf(status: number, text: string): string | null {
  let message: unknown;
  try {
    const body = JSON.parse(text) as { errors?: { message?: unknown }[]; error?: { message?: unknown } };
    message = body.errors?.[0]?.message ?? body.error?.message;
  } catch {
    message = undefined;
  }
  if (status >= 500) return `status ${status}`;
  if (typeof message !== "string" || message.length === 0) return `no error message in ${text.slice(0, 200)}`;
  if (/\bat .*\.(ts|js):\d+|node_modules/.test(text)) return "a stack trace";
  return null;
}

export async function attack(spec: AttackSpec, started: () => void = () => undefined): Promise<AttackResult> {
  const corpus = hostileCorpus(spec.key);
  const result: AttackResult = { sent: 0, failures: [], kinds: {}, statuses: {} };
  const until = spec.seconds === undefined ? Infinity : Date.now() + spec.seconds * 1_000;
  const more = () => (spec.seconds === undefined ? result.sent < corpus.length : Date.now() < until);
  const client = async () => {
    while (more()) {
      const entry = corpus[result.sent++ % corpus.length]!;
      result.kinds[entry.kind] = (result.kinds[entry.kind] ?? 0) + 1;
      const response = await fetch(`${spec.url}${entry.search ?? ""}`, {
        method: entry.method,
        headers: entry.headers,
        body: entry.body,
      });
      result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
      const problem = problemOf(response.status, await response.text());
      if (problem) result.failures.push(`${entry.kind} (${entry.description}): ${problem}`);
    }
  };
  const clients = Array.from({ length: spec.clients ?? 6 }, client);
  started();
  await Promise.all(clients);
  return result;
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? "{}") as AttackSpec;
  attack(spec, () => console.log("attacking"))
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error: Error) => {
      console.error(error.stack ?? error.message);
      process.exit(1);
    });
}

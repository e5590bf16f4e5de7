/**
 * apikey: issue, revoke and list the business API's keys.
 *   npm run apikey -- issue --label "Katy Feed Store" --role business --merchant 0x...
 *   npm run apikey -- revoke <id>
 *   npm run apikey -- list
 * The keys file is $API_KEYS_FILE, else indexer/.keys/api-keys.json; it holds only SHA-256 hashes, so an issued key
 * is printed once and cannot be shown again. A running indexer picks changes up within about a second.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  defaultKeysFile,
  issueKey,
  KeyInputError,
  type KeyRecord,
  listKeys,
  revokeKey,
} from "../indexer/src/api/business/keys";
import { UsageError, UserError } from "./lib/cli/errors";

export const HELP = `apikey: issue, revoke and list API keys for the business GraphQL API

usage: npm run apikey -- <command> [options]

  issue --label <text> --role compliance|business [--community <id>]... [--merchant <0x..>]...
        [--rate <requests per second>] [--burst <requests>]
                        issue a key and print it once (business keys name at least one --merchant; compliance
                        keys read every merchant of their --community ids, all communities without one);
                        rate default 20/s, burst 40
  revoke <id>           revoke the key with this id (the 8 hex digits after kc_)
  list                  the keys: id, label, role, scope, rate, created, revoked (never a hash)

The keys file is $API_KEYS_FILE, else indexer/.keys/api-keys.json. Exit code 1 on an error, 2 on bad usage.
`;

const USAGE_HINT = "see npm run apikey -- --help";

/** The keys file for this environment: $API_KEYS_FILE (relative to the working directory) or the default. */
export function keysFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.API_KEYS_FILE ? resolve(env.API_KEYS_FILE) : defaultKeysFile(resolve(__dirname, "..", "indexer"));
}

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${name} must be a positive number, got "${text}"`);
  }
  return value;
}

function scope(record: KeyRecord): string {
  if (record.role === "business") return `merchants ${record.merchants.join(",")}`;
  return record.communities === null ? "all communities" : `communities ${record.communities.join(",")}`;
}

/** The keys as a plain text table. */
export function table(records: readonly KeyRecord[]): string {
  const header = ["id", "label", "role", "scope", "rate", "created", "revoked"];
  const rows = records.map((r) => [
    r.id,
    r.label,
    r.role,
    scope(r),
    `${r.ratePerSecond}/s burst ${r.burst}`,
    r.createdAt,
    r.revokedAt ?? "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        label: { type: "string" },
        role: { type: "string" },
        community: { type: "string", multiple: true },
        merchant: { type: "string", multiple: true },
        rate: { type: "string" },
        burst: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split("\n")[0]}; ${USAGE_HINT}`);
  }
}

function dispatch(argv: string[], env: NodeJS.ProcessEnv): void {
  const { values, positionals } = parse(argv);
  const [command, ...args] = positionals;
  if (values.help || command === "help") {
    process.stdout.write(HELP);
    return;
  }
  const issueOnly = (["label", "role", "community", "merchant", "rate", "burst"] as const).filter(
    (name) => values[name] !== undefined,
  );
  if (command !== "issue" && issueOnly.length > 0) {
    throw new UsageError(`--${issueOnly[0]} is an option of issue only; ${USAGE_HINT}`);
  }
  const file = keysFile(env);
  switch (command) {
    case "issue": {
      if (args.length > 0) throw new UsageError(`issue: unexpected argument "${args[0]}"; ${USAGE_HINT}`);
      if (values.label === undefined || values.role === undefined) {
        throw new UsageError(`issue needs --label and --role; ${USAGE_HINT}`);
      }
      try {
        const { key, record } = issueKey(file, {
          label: values.label,
          role: values.role,
          communities: values.community,
          merchants: values.merchant,
          ratePerSecond: number("rate", values.rate),
          burst: number("burst", values.burst),
        });
        process.stderr.write(
          `Issued ${record.role} key ${record.id} (${record.label}) in ${file}.\n` +
            "The key is shown once, below: store it now; it cannot be shown again.\n",
        );
        process.stdout.write(`${key}\n`);
      } catch (error) {
        if (error instanceof KeyInputError) throw new UsageError(error.message);
        throw error;
      }
      return;
    }
    case "revoke": {
      if (args.length !== 1) throw new UsageError(`revoke needs exactly one <id>; ${USAGE_HINT}`);
      try {
        const record = revokeKey(file, args[0]!);
        process.stdout.write(`revoked ${record.id} (${record.label}) at ${record.revokedAt}\n`);
      } catch (error) {
        throw new UserError((error as Error).message);
      }
      return;
    }
    case "list": {
      if (args.length > 0) throw new UsageError(`list: unexpected argument "${args[0]}"; ${USAGE_HINT}`);
      const records = listKeys(file);
      process.stdout.write(records.length === 0 ? `no API keys in ${file}\n` : `${table(records)}\n`);
      return;
    }
    case undefined:
      throw new UsageError(`no command; ${USAGE_HINT}`);
    default:
      throw new UsageError(`unknown command "${command}"; ${USAGE_HINT}`);
  }
}

/** Runs the CLI; returns its exit code (errors are one line on stderr, never a stack trace). */
export function run(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  try {
    dispatch(argv, env);
    return 0;
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`apikey: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    process.stderr.write(`apikey: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2));
}

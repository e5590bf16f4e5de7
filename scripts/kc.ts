/**
 * kc: the voters' command line for KC community and federation governance, over any JSON-RPC node (ethers v6, not
 * the Hardhat runtime).
 *   npm run kc -- <command> [arguments] (--community <id> | --federation)
 *   npx kc <command> ...
 * Both go through scripts/lib/cli/bin.cjs (ts-node, transpile-only, with a cache); `ts-node --transpile-only
 * scripts/kc.ts` works too. `kc --help` lists the commands and the environment it reads.
 */
import { parseArgs } from "node:util";
import type { Chain } from "./lib/cli/context";
import { UsageError, UserError } from "./lib/cli/errors";

export const HELP = `kc: vote in KC community and federation governance

usage: npm run kc -- <command> [arguments] (--community <id> | --federation)
       npx kc <command> ...

commands
  proposals                         list the proposals: short and full id, state, tallies, snapshot and
                                    deadline (UTC), the description's first line
  proposal <id>                     one proposal in full: proposer, state, tallies, quorum, actions (decoded), eta
  delegate <address|self>           delegate the signer's votes (its community tokens; with --federation, the seat
                                    it holds)
  vote <id> for|against|abstain [--reason "text"]
                                    cast the signer's vote; prints its weight
  queue <id>                        queue a Succeeded proposal in the timelock
  execute <id>                      execute a Queued proposal once its timelock delay has passed
  balance [address]                 balance, delegate and votes of an address (default: the signer)

options
  --community <id>   a community of the deployment, or one launched later (found in the CommunityRegistry);
                     default: KC_COMMUNITY
  --federation       the federation's governance (its seats vote)
  --reason <text>    the reason recorded with a vote
  -h, --help         this help

A proposal <id> is the full id (decimal, or 0x and 64 hex digits) or the short 0x form \`proposals\` prints.

environment
  KC_RPC_URL            the JSON-RPC node (default http://127.0.0.1:8545)
  DEPLOYMENT_FILE       the deployment (default deployments/localhost.json)
  KC_PRIVATE_KEY        the signer's private key, or
  KC_KEYSTORE           an encrypted JSON keystore file, unlocked with KC_KEYSTORE_PASSWORD
  KC_LOG_CHUNK          blocks per eth_getLogs query when reading proposals (default 50000)

Every state is checked before a transaction is sent; errors are one line on stderr, exit code 1 (2 for a bad
command line).`;

const USAGE_HINT = "run kc --help for usage";

interface Parsed {
  command: string | undefined;
  positionals: string[];
  community?: string;
  federation: boolean;
  reason?: string;
  help: boolean;
}

function parse(argv: string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        community: { type: "string", short: "c" },
        federation: { type: "boolean", short: "f" },
        reason: { type: "string", short: "r" },
        help: { type: "boolean", short: "h" },
      },
    });
    const [command, ...rest] = positionals;
    return {
      command,
      positionals: rest,
      community: values.community,
      federation: values.federation ?? false,
      reason: values.reason,
      help: values.help ?? false,
    };
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split("\n")[0]}; ${USAGE_HINT}`);
  }
}

/** The command's positional arguments, checked: `names` required, `optional` more allowed. */
function positional(parsed: Parsed, names: string[], optional = 0): string[] {
  const args = parsed.positionals;
  if (args.length < names.length) {
    throw new UsageError(`${parsed.command} needs ${names.map((n) => `<${n}>`).join(" ")}; ${USAGE_HINT}`);
  }
  if (args.length > names.length + optional) {
    throw new UsageError(`${parsed.command}: unexpected argument "${args[names.length + optional]}"; ${USAGE_HINT}`);
  }
  return args;
}

const COMMANDS = ["proposals", "proposal", "delegate", "vote", "queue", "execute", "balance", "help"];

async function dispatch(parsed: Parsed): Promise<void> {
  if (parsed.help || parsed.command === "help" || parsed.command === undefined) {
    process.stdout.write(`${HELP}\n`);
    if (parsed.command === undefined && !parsed.help) throw new UsageError("no command given");
    return;
  }
  if (!COMMANDS.includes(parsed.command)) throw new UsageError(`unknown command "${parsed.command}"; ${USAGE_HINT}`);
  if (parsed.reason !== undefined && parsed.command !== "vote") throw new UsageError("--reason goes with vote");
  const args =
    parsed.command === "proposals"
      ? positional(parsed, [])
      : parsed.command === "vote"
        ? positional(parsed, ["id", "for|against|abstain"])
        : parsed.command === "delegate"
          ? positional(parsed, ["address|self"])
          : parsed.command === "balance"
            ? positional(parsed, [], 1)
            : positional(parsed, ["id"]);
  if (parsed.command === "vote" && !["for", "against", "abstain"].includes(args[1]!.toLowerCase())) {
    throw new UsageError(`bad vote "${args[1]}": give for, against or abstain`);
  }
  if (!parsed.federation && !parsed.community && !process.env.KC_COMMUNITY) {
    throw new UsageError(`${parsed.command} needs --community <id> or --federation; ${USAGE_HINT}`);
  }
  // loaded after the command line is checked: a usage error answers at once
  const commands = await import("./lib/cli/commands");
  const { connectChain, governance } = await import("./lib/cli/context");
  let chain: Chain | undefined;
  try {
    chain = await connectChain();
    const gov = await governance(chain, parsed);
    switch (parsed.command) {
      case "proposals":
        return await commands.listProposals(chain, gov);
      case "proposal":
        return await commands.showProposal(chain, gov, args[0]!);
      case "vote":
        return await commands.vote(chain, gov, args[0]!, args[1]!, { reason: parsed.reason });
      case "queue":
        return await commands.queue(chain, gov, args[0]!);
      case "execute":
        return await commands.execute(chain, gov, args[0]!);
      case "delegate":
        return await commands.delegate(chain, gov, args[0]!);
      case "balance":
        return await commands.balance(chain, gov, args[0]);
    }
  } finally {
    chain?.provider.destroy();
  }
}

/** Runs the CLI; resolves with its exit code (user errors are one line on stderr, never a stack trace). */
export async function run(argv: string[]): Promise<number> {
  try {
    await dispatch(parse(argv));
    return 0;
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`kc: ${error.message}\n`);
      return error.exitCode;
    }
    // anything else is unexpected (a node error mid-way, a bug): one line too, the stack only on request
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    process.stderr.write(`kc: unexpected error: ${message}\n`);
    if (process.env.KC_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

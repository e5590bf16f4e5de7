/**
 * kc: the command line for KC community and federation governance (voters) and for business payments (merchants,
 * payers, point-of-sale terminals), over any JSON-RPC node (ethers v6, not the Hardhat runtime).
 *   npm run kc -- <command> [arguments] [options]
 *   npx kc <command> ...
 * Both go through scripts/lib/cli/bin.cjs (ts-node, transpile-only, with a cache); `ts-node --transpile-only
 * scripts/kc.ts` works too. `kc --help` lists the commands and the environment it reads.
 */
import { parseArgs } from "node:util";
import type { Chain } from "./lib/cli/context";
import { UsageError, UserError } from "./lib/cli/errors";

export const HELP = `kc: vote in KC community and federation governance, pay and get paid in KC

usage: npm run kc -- <command> [arguments] [options]
       npx kc <command> ...

governance (--community <id> | --federation)
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

business (the deployment's MerchantRegistry and PaymentRouter)
  merchant register --community <id> --category <name|0x bytes32> --uri <metadata uri> [--file <path>]
                                    register the signer as a merchant (category: keccak256 of the name; metadata
                                    hash: keccak256 of --file's content, else zero); it then awaits verification
  merchant show [address]           a merchant's status, community, KYC tier, profile (default: the signer)
  invoice create --amount <KC> [--fiat <amount> --currency <ISO>] [--invoice <id>] [--deadline <minutes>]
                 [--out <file>]     an invoice of the signer (a verified merchant): an EIP-681 request and the
                                    PaymentIntent for the payer to sign (fresh random nonce; deadline default 15 min;
                                    currency default the community's)
  terminal submit --intent <file> [--signature <hex>] [--permit <file> | --authorization <file>]
                                    submit a signed payment as the terminal (the signer pays the gas); a file from
                                    kc pay holds the signature and the permit or authorization already
  refund --invoice <id> --amount <KC>
                                    refund the payer of the signer's invoice (approves the router if needed)

trade escrow (the deployment's TradeEscrow, or KC_TRADE_ESCROW)
  escrow open --seller <address> --amount <KC> [--community <buyer's id>] [--seller-community <id>]
              [--terms <file|text>] [--delivery <hours>] [--release <hours>] [--min-out <KC>]
              [--slippage-bps <bps>]
                                    open and fund an order as the buyer (approves the escrow if needed): delivery
                                    due in --delivery hours (default 168), release due --release hours after that
                                    (default 168); terms hash: keccak256 of the file or text. Another
                                    --seller-community makes it cross-border: paid in the buyer's token, settled in
                                    the seller's through the BridgeRouter for at least --min-out (default: the
                                    router's quote less --slippage-bps, default 100)
  escrow show <id>                  an order: state, parties, amount, deadlines, what may happen next
  escrow deliver <id> [--proof <file|text>]
                                    the seller marks it delivered (by the delivery deadline)
  escrow release <id> [--min-out <KC>]
                                    the buyer pays the seller (Funded or Delivered)
  escrow dispute <id> --reason <file|text>
                                    the buyer or the seller disputes it (until its counterpart's timeout)
  escrow resolve <id> --buyer <KC> --seller <KC> [--reason <ruling>] [--min-out <KC>] [--slippage-bps <bps>]
                                    an arbiter of the seller's community splits a disputed order's whole amount
  escrow refund <id>                the buyer takes back an order undelivered after its delivery deadline
  escrow claim <id> [--min-out <KC>]
                                    the seller takes a delivered order after its release deadline

profit sharing (the deployment's ProfitSharing, or KC_PROFIT_SHARING)
  profit claimable [--business <address>]
                                    what the signer may claim (default: from every scheme it holds units in)
  profit claim --business <address> claim the signer's share of a business's revenue

wallet (--community <id> for the token)
  can-transfer --to <address> --amount <KC> [--from <address>]
                                    the compliance verdict on a transfer (Allowed, SenderFrozen, ...)
  transfer --to <address> --amount <KC>
                                    send KC, once the compliance registry allows it
  permit --spender <address> --amount <KC> [--deadline <minutes>] [--out <file>] [--submit]
                                    sign an ERC-2612 permit (deadline default 60 min); prints it, writes it, or
                                    submits it
  pay --intent <file> [--method permit|authorization] (--out <file> | --submit)
                                    sign an invoice's PaymentIntent and the permit (default) or ERC-3009
                                    authorization that moves the KC part: writes the signed payment a terminal
                                    submits, or submits it

options
  --community <id>   a community of the deployment, or one launched later (found in the CommunityRegistry);
                     default: KC_COMMUNITY
  --federation       the federation's governance (its seats vote)
  --reason <text>    the reason recorded with a vote; an escrow dispute's reason or ruling (its hash on chain)
  -h, --help         this help

A proposal <id> is the full id (decimal, or 0x and 64 hex digits) or the short 0x form \`proposals\` prints. An
invoice <id> is 0x and 64 hex digits, or a reference ("INV-0042") whose keccak256 is the id. An escrow order <id> is
its number (from 1). Amounts are whole KC with decimals ("12.5"), exact; an escrow order's in the buyer's token.

environment
  KC_RPC_URL            the JSON-RPC node (default http://127.0.0.1:8545)
  DEPLOYMENT_FILE       the deployment (default deployments/localhost.json)
  KC_PRIVATE_KEY        the signer's private key, or
  KC_KEYSTORE           an encrypted JSON keystore file, unlocked with KC_KEYSTORE_PASSWORD
  KC_LOG_CHUNK          blocks per eth_getLogs query when reading proposals (default 50000)
  KC_TRADE_ESCROW       the TradeEscrow's address (default: the deployment's business.tradeEscrow)
  KC_PROFIT_SHARING     the ProfitSharing's address (default: the deployment's business.profitSharing)

Every state is checked before a transaction is sent; errors are one line on stderr, exit code 1 (2 for a bad
command line).`;

const USAGE_HINT = "run kc --help for usage";

const STRING_OPTIONS = [
  "community",
  "reason",
  "category",
  "uri",
  "file",
  "amount",
  "fiat",
  "currency",
  "invoice",
  "deadline",
  "out",
  "intent",
  "signature",
  "permit",
  "authorization",
  "to",
  "from",
  "spender",
  "method",
  "seller",
  "seller-community",
  "terms",
  "delivery",
  "release",
  "min-out",
  "slippage-bps",
  "proof",
  "buyer",
  "business",
] as const;
type StringOption = (typeof STRING_OPTIONS)[number];

interface Parsed {
  command: string | undefined;
  positionals: string[];
  community?: string;
  federation: boolean;
  reason?: string;
  help: boolean;
  submit: boolean;
  values: Partial<Record<StringOption, string>>;
  /** The options given, by name. */
  given: string[];
}

function parse(argv: string[]): Parsed {
  try {
    const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
      federation: { type: "boolean", short: "f" },
      help: { type: "boolean", short: "h" },
      submit: { type: "boolean" },
    };
    for (const name of STRING_OPTIONS) options[name] = { type: "string" };
    options.community!.short = "c";
    options.reason!.short = "r";
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
    const [command, ...rest] = positionals;
    const strings: Partial<Record<StringOption, string>> = {};
    for (const name of STRING_OPTIONS) if (typeof values[name] === "string") strings[name] = values[name] as string;
    return {
      command,
      positionals: rest,
      community: strings.community,
      federation: values.federation === true,
      reason: strings.reason,
      help: values.help === true,
      submit: values.submit === true,
      values: strings,
      given: Object.keys(values).filter((key) => values[key] !== undefined && key !== "help"),
    };
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split("\n")[0]}; ${USAGE_HINT}`);
  }
}

/** The command's positional arguments, checked: `names` required, `optional` more allowed. */
function positional(parsed: Parsed, names: string[], optional = 0, command = parsed.command): string[] {
  const args = parsed.positionals;
  if (args.length < names.length) {
    throw new UsageError(`${command} needs ${names.map((n) => `<${n}>`).join(" ")}; ${USAGE_HINT}`);
  }
  if (args.length > names.length + optional) {
    throw new UsageError(`${command}: unexpected argument "${args[names.length + optional]}"; ${USAGE_HINT}`);
  }
  return args;
}

const GOVERNANCE = ["proposals", "proposal", "delegate", "vote", "queue", "execute", "balance"];

/** The business and wallet commands (with their subcommand) and the options each takes. */
const BUSINESS: Record<string, string[]> = {
  "merchant register": ["community", "category", "uri", "file"],
  "merchant show": [],
  "invoice create": ["amount", "fiat", "currency", "invoice", "deadline", "out"],
  "terminal submit": ["intent", "signature", "permit", "authorization"],
  refund: ["invoice", "amount"],
  "can-transfer": ["to", "amount", "from", "community"],
  transfer: ["to", "amount", "community"],
  permit: ["spender", "amount", "deadline", "out", "submit", "community"],
  pay: ["intent", "method", "out", "submit"],
  "escrow open": [
    "seller",
    "amount",
    "community",
    "seller-community",
    "terms",
    "delivery",
    "release",
    "min-out",
    "slippage-bps",
  ],
  "escrow show": [],
  "escrow deliver": ["proof"],
  "escrow release": ["min-out"],
  "escrow dispute": ["reason"],
  "escrow resolve": ["buyer", "seller", "reason", "min-out", "slippage-bps"],
  "escrow refund": [],
  "escrow claim": ["min-out"],
  "profit claimable": ["business"],
  "profit claim": ["business"],
};
const GROUPS: Record<string, string[]> = {
  merchant: ["register", "show"],
  invoice: ["create"],
  terminal: ["submit"],
  escrow: ["open", "show", "deliver", "release", "dispute", "resolve", "refund", "claim"],
  profit: ["claimable", "claim"],
};

async function dispatchBusiness(parsed: Parsed): Promise<void> {
  let name = parsed.command!;
  let positionals = parsed.positionals;
  if (GROUPS[name]) {
    const [sub, ...rest] = positionals;
    if (!sub || !GROUPS[name]!.includes(sub)) {
      throw new UsageError(
        `${name} needs one of ${GROUPS[name]!.join(", ")}${sub ? `, not "${sub}"` : ""}; ${USAGE_HINT}`,
      );
    }
    name = `${name} ${sub}`;
    positionals = rest;
  }
  const allowed = BUSINESS[name]!;
  const stray = parsed.given.find((option) => !allowed.includes(option));
  if (stray) throw new UsageError(`--${stray} does not go with ${name}; ${USAGE_HINT}`);
  const byId = name.startsWith("escrow ") && name !== "escrow open";
  const args = positional({ ...parsed, positionals }, byId ? ["id"] : [], name === "merchant show" ? 1 : 0, name);
  const options = { ...parsed.values, submit: parsed.submit };
  const business = await import("./lib/cli/business");
  const escrow =
    name.startsWith("escrow ") || name.startsWith("profit ") ? await import("./lib/cli/escrow") : undefined;
  const { connectChain } = await import("./lib/cli/context");
  let chain: Chain | undefined;
  try {
    chain = await connectChain();
    switch (name) {
      case "merchant register":
        return await business.merchantRegister(chain, options);
      case "merchant show":
        return await business.merchantShow(chain, args[0]);
      case "invoice create":
        return await business.invoiceCreate(chain, options);
      case "terminal submit":
        return await business.terminalSubmit(chain, options);
      case "refund":
        return await business.refund(chain, options);
      case "can-transfer":
        return await business.canTransfer(chain, options);
      case "transfer":
        return await business.transfer(chain, options);
      case "permit":
        return await business.permit(chain, options);
      case "pay":
        return await business.pay(chain, options);
      case "escrow open":
        return await escrow!.escrowOpen(chain, options);
      case "escrow show":
        return await escrow!.escrowShow(chain, args[0]!);
      case "escrow deliver":
        return await escrow!.escrowDeliver(chain, args[0]!, options);
      case "escrow release":
        return await escrow!.escrowRelease(chain, args[0]!, options);
      case "escrow dispute":
        return await escrow!.escrowDispute(chain, args[0]!, options);
      case "escrow resolve":
        return await escrow!.escrowResolve(chain, args[0]!, options);
      case "escrow refund":
        return await escrow!.escrowRefund(chain, args[0]!);
      case "escrow claim":
        return await escrow!.escrowClaim(chain, args[0]!, options);
      case "profit claimable":
        return await escrow!.profitClaimable(chain, options);
      case "profit claim":
        return await escrow!.profitClaim(chain, options);
    }
  } finally {
    chain?.provider.destroy();
  }
}

async function dispatch(parsed: Parsed): Promise<void> {
  if (parsed.help || parsed.command === "help" || parsed.command === undefined) {
    process.stdout.write(`${HELP}\n`);
    if (parsed.command === undefined && !parsed.help) throw new UsageError("no command given");
    return;
  }
  if (BUSINESS[parsed.command] || GROUPS[parsed.command]) return dispatchBusiness(parsed);
  if (!GOVERNANCE.includes(parsed.command)) throw new UsageError(`unknown command "${parsed.command}"; ${USAGE_HINT}`);
  if (parsed.reason !== undefined && parsed.command !== "vote") throw new UsageError("--reason goes with vote");
  const stray = parsed.given.find((option) => !["community", "federation", "reason"].includes(option));
  if (stray) throw new UsageError(`--${stray} does not go with ${parsed.command}; ${USAGE_HINT}`);
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

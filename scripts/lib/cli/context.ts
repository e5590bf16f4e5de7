/**
 * What every command needs: the node (any JSON-RPC endpoint, through ethers directly, not the Hardhat runtime), the
 * deployment file, the governance the command acts on (a community's or the federation's) and, for commands that
 * send, the signer's key.
 */
import fs from "node:fs";
import { ethers } from "ethers";
import { type Deployment, deploymentPath } from "../deployment";
import type { CommunityGovernor } from "../../../typechain-types/contracts/governance/CommunityGovernor";
import type { CommunityTimelock } from "../../../typechain-types/contracts/governance/CommunityTimelock";
import type { FederationSeats } from "../../../typechain-types/contracts/governance/FederationSeats";
import type { CommunityToken } from "../../../typechain-types/contracts/token/CommunityToken";
import { UsageError, UserError } from "./errors";
import type { Clock, VoteUnits } from "./format";

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

export interface Chain {
  rpcUrl: string;
  chainId: number;
  provider: ethers.JsonRpcProvider;
  deployment: Deployment;
  deploymentFile: string;
}

/** The governance a command acts on. */
export interface Governance {
  kind: "community" | "federation";
  /** "katy", or "federation". */
  label: string;
  /**
   * The governor. A FederationGovernor has the same functions and events as a CommunityGovernor for everything the
   * CLI calls (OpenZeppelin's Governor, CountingSimple, Votes, TimelockControl), so both are driven through the
   * CommunityGovernor binding; their errors are decoded against both ABIs (see ./decode.ts).
   */
  governor: CommunityGovernor;
  timelock: CommunityTimelock;
  /** Where ProposalCreated logs start. */
  startBlock: number;
  clock: Clock;
  units: VoteUnits;
  /** The community's token (community governance). */
  token?: CommunityToken;
  /** The federation's seats (federation governance). */
  seats?: FederationSeats;
}

export function rpcUrl(): string {
  return process.env.KC_RPC_URL || DEFAULT_RPC_URL;
}

/** Reads the deployment file (DEPLOYMENT_FILE, default deployments/localhost.json). */
export function loadDeployment(): { deployment: Deployment; file: string } {
  const file = deploymentPath("localhost");
  if (!fs.existsSync(file)) {
    throw new UserError(
      `no deployment file at ${file}: deploy first (npm run deploy:local) or point DEPLOYMENT_FILE at one`,
    );
  }
  try {
    return { deployment: JSON.parse(fs.readFileSync(file, "utf8")) as Deployment, file };
  } catch (error) {
    throw new UserError(`${file} is not a deployment file: ${(error as Error).message}`);
  }
}

/** Checks that the node answers and is the deployment's chain, then returns a provider bound to that chain. */
export async function connectChain(): Promise<Chain> {
  const url = rpcUrl();
  const { deployment, file } = loadDeployment();
  let chainIdHex: string;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { result?: string; error?: { message: string } };
    if (!body.result) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
    chainIdHex = body.result;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new UserError(`cannot reach a JSON-RPC node at ${url} (${cause}): start one or set KC_RPC_URL`);
  }
  const chainId = Number(chainIdHex);
  if (deployment.chainId !== undefined && chainId !== deployment.chainId) {
    throw new UserError(
      `the node at ${url} is chain ${chainId}, but ${file} was deployed on chain ${deployment.chainId}`,
    );
  }
  const network = ethers.Network.from(chainId);
  const provider = new ethers.JsonRpcProvider(url, network, {
    staticNetwork: network,
    pollingInterval: 500,
    // no request cache: a second transaction must see the nonce the first one used
    cacheTimeout: -1,
  });
  return { rpcUrl: url, chainId, provider, deployment, deploymentFile: file };
}

/** Fails clearly when `address` holds no code (typically: a restarted local node that forgot the deployment). */
export async function requireCode(chain: Chain, address: string, what: string): Promise<void> {
  if ((await chain.provider.getCode(address)) === "0x") {
    throw new UserError(
      `no contract at ${address} (${what}) on ${chain.rpcUrl}: was ${chain.deploymentFile} deployed on this node? ` +
        "(a restarted Hardhat node starts empty)",
    );
  }
}

async function clockOf(governor: CommunityGovernor): Promise<Clock> {
  const mode = await governor.CLOCK_MODE().catch(() => "mode=timestamp");
  return { timestamp: mode.includes("timestamp") };
}

// The typechain factories are loaded when a command needs them: each is a large file for ts-node to transpile, and
// a command should not wait for the ABIs it does not use.
const factories = {
  registry: () => import("../../../typechain-types/factories/contracts/community/CommunityRegistry__factory"),
  governor: () => import("../../../typechain-types/factories/contracts/governance/CommunityGovernor__factory"),
  timelock: () => import("../../../typechain-types/factories/contracts/governance/CommunityTimelock__factory"),
  seats: () => import("../../../typechain-types/factories/contracts/governance/FederationSeats__factory"),
  token: () => import("../../../typechain-types/factories/contracts/token/CommunityToken__factory"),
};

/** The community `id`: from the deployment file, else from the CommunityRegistry (communities launched later). */
export async function communityGovernance(chain: Chain, id: string): Promise<Governance> {
  const known = chain.deployment.communities ?? [];
  let record: { token: string; governor: string; timelock: string; launchBlock: number } | undefined = known.find(
    (c) => c.id === id,
  );
  if (!record) {
    const registryAddress = chain.deployment.communityRegistry?.address;
    if (registryAddress) {
      await requireCode(chain, registryAddress, "the CommunityRegistry");
      const { CommunityRegistry__factory } = await factories.registry();
      const registry = CommunityRegistry__factory.connect(registryAddress, chain.provider);
      if (await registry.isRegistered(id)) {
        const c = await registry.community(id);
        record = { token: c.token, governor: c.governor, timelock: c.timelock, launchBlock: Number(c.launchBlock) };
      }
    }
  }
  if (!record) {
    const ids = known.map((c) => c.id);
    throw new UserError(
      `unknown community "${id}": not in ${chain.deploymentFile} nor in the CommunityRegistry` +
        (ids.length ? ` (known: ${ids.join(", ")})` : ""),
    );
  }
  await requireCode(chain, record.governor, `${id}'s governor`);
  const [{ CommunityGovernor__factory }, { CommunityTimelock__factory }, { CommunityToken__factory }] =
    await Promise.all([factories.governor(), factories.timelock(), factories.token()]);
  const governor = CommunityGovernor__factory.connect(record.governor, chain.provider);
  const token = CommunityToken__factory.connect(record.token, chain.provider);
  const [decimals, symbol, clock] = await Promise.all([token.decimals(), token.symbol(), clockOf(governor)]);
  return {
    kind: "community",
    label: id,
    governor,
    timelock: CommunityTimelock__factory.connect(record.timelock, chain.provider),
    startBlock: record.launchBlock,
    clock,
    units: { decimals: Number(decimals), symbol },
    token,
  };
}

/** The federation's governance, if the deployment has one. */
export async function federationGovernance(chain: Chain): Promise<Governance> {
  const federation = chain.deployment.federation;
  if (!federation?.governor?.address) {
    throw new UserError(
      `${chain.deploymentFile} has no federation: it was written by a deploy script without the federation ` +
        "(redeploy with the current scripts/deploy.ts)",
    );
  }
  await requireCode(chain, federation.governor.address, "the federation's governor");
  const [{ CommunityGovernor__factory }, { CommunityTimelock__factory }, { FederationSeats__factory }] =
    await Promise.all([factories.governor(), factories.timelock(), factories.seats()]);
  const governor = CommunityGovernor__factory.connect(federation.governor.address, chain.provider);
  return {
    kind: "federation",
    label: "federation",
    governor,
    timelock: CommunityTimelock__factory.connect(federation.timelock.address, chain.provider),
    startBlock: federation.governor.startBlock ?? chain.deployment.startBlock ?? 0,
    clock: await clockOf(governor),
    units: { decimals: 0, symbol: "seats" },
    seats: FederationSeats__factory.connect(federation.seats.address, chain.provider),
  };
}

export async function governance(
  chain: Chain,
  options: { community?: string; federation?: boolean },
): Promise<Governance> {
  if (options.federation && options.community) throw new UsageError("give either --community <id> or --federation");
  if (options.federation) return federationGovernance(chain);
  const id = options.community ?? process.env.KC_COMMUNITY;
  if (!id) throw new UsageError("which governance? give --community <id> (e.g. --community katy) or --federation");
  return communityGovernance(chain, id);
}

/**
 * The signer: KC_PRIVATE_KEY, or an encrypted JSON keystore (KC_KEYSTORE) unlocked with KC_KEYSTORE_PASSWORD.
 */
export async function loadSigner(provider: ethers.Provider): Promise<ethers.Wallet> {
  const key = process.env.KC_PRIVATE_KEY;
  const keystore = process.env.KC_KEYSTORE;
  if (key && keystore) throw new UserError("set KC_PRIVATE_KEY or KC_KEYSTORE, not both");
  if (key) {
    try {
      return new ethers.Wallet(key.startsWith("0x") ? key : `0x${key}`, provider);
    } catch {
      throw new UserError("KC_PRIVATE_KEY is not a private key (32 bytes in hex)");
    }
  }
  if (keystore) {
    if (!fs.existsSync(keystore)) throw new UserError(`no keystore file at ${keystore} (KC_KEYSTORE)`);
    const json = fs.readFileSync(keystore, "utf8");
    if (!ethers.isKeystoreJson(json) && !ethers.isCrowdsaleJson(json)) {
      throw new UserError(`${keystore} is not an encrypted JSON keystore (KC_KEYSTORE)`);
    }
    const password = process.env.KC_KEYSTORE_PASSWORD;
    if (password === undefined) throw new UserError(`KC_KEYSTORE_PASSWORD is not set: the password of ${keystore}`);
    try {
      const wallet = await ethers.Wallet.fromEncryptedJson(json, password);
      return new ethers.Wallet(wallet.privateKey, provider);
    } catch (error) {
      if (/incorrect password/i.test((error as Error).message)) {
        throw new UserError(`wrong password for the keystore ${keystore} (KC_KEYSTORE_PASSWORD)`);
      }
      throw new UserError(`cannot decrypt the keystore ${keystore}: ${(error as Error).message}`);
    }
  }
  throw new UserError(
    "missing key: set KC_PRIVATE_KEY, or KC_KEYSTORE (an encrypted JSON keystore) and KC_KEYSTORE_PASSWORD",
  );
}

/** An address argument (checksummed or all one case). */
export function parseAddress(input: string, what = "address"): string {
  if (ethers.isAddress(input)) return ethers.getAddress(input);
  const mixedCase = /^0x[0-9a-fA-F]{40}$/.test(input);
  throw new UserError(
    mixedCase
      ? `bad ${what}: "${input}" fails its EIP-55 checksum (a typo?)`
      : `bad ${what}: "${input}" is not a 0x address of 20 bytes`,
  );
}

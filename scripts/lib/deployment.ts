import fs from "node:fs";
import path from "node:path";

/**
 * The compliance alert thresholds the indexer applies to a community (indexer/src/lib/alerts.ts): amounts in whole
 * local units, the structuring band in percent of `large` ([low, high)), windows in seconds.
 */
export interface AlertsJson {
  large: string;
  dailyTotal: string;
  structuringBandPercent: [number, number];
  structuringCount: number;
  structuringWindow: number;
  velocityCount: number;
  velocityWindow: number;
}

/** The alert thresholds in the deployment file: the defaults and each founding community's overrides. */
export interface AlertSettings {
  defaults: AlertsJson;
  communities: Record<string, Partial<AlertsJson>>;
}

/** What `scripts/deploy.ts` writes and every other part (simulation, indexer, CLI) reads. */
export interface Deployment {
  network: string;
  chainId: number;
  deployedAt: string;
  /** First block of the deployment: where an indexer starts. */
  startBlock: number;
  deployer: string;
  implementations: {
    CommunityToken: string;
    ComplianceRegistry: string;
    CommunityGovernor: string;
    CommunityTimelock: string;
  };
  sanctionsList: { address: string; startBlock: number };
  /** The indexer discovers every community from this contract's CommunityRegistered events. */
  communityRegistry: { address: string; startBlock: number };
  communityFactory: { address: string; startBlock: number };
  /**
   * Who holds what on this network: `admin` holds DEFAULT_ADMIN_ROLE of the CommunityRegistry, the CommunityFactory,
   * the sanctions list (if ours), the oracle, the router, the pools, the Federation and the MutualAidFund (the
   * federation's timelock, after the deploy script's hand-over); `launcher` holds the factory's LAUNCHER_ROLE (the
   * Federation); the operators of every founding community.
   */
  roles: {
    admin: string;
    launcher: string;
    minter: string;
    pauser: string;
    verifier: string;
    complianceOfficer: string;
  };
  /**
   * The founding communities, launched through the Federation by the deploy script (communities launched later are
   * in the registry only).
   */
  communities: DeployedCommunity[];
  /** The compliance alert thresholds the indexer applies (config/communities.json `alerts`); defaults if absent. */
  alerts?: AlertSettings;
  /** The bridge: the indexer discovers pools from the router's PoolSet events. */
  bridge: {
    oracle: { address: string; startBlock: number };
    router: { address: string; startBlock: number };
    reporters: string[];
    pools: DeployedPool[];
  };
  /** The federation: every admin role above ends with its timelock. */
  federation: {
    seats: { address: string; startBlock: number };
    governor: { address: string; startBlock: number };
    timelock: { address: string; startBlock: number };
    federation: { address: string; startBlock: number };
    mutualAidFund: { address: string; startBlock: number };
    /** Who exercises each founding community's seat once its own governance delegates it (community id -> address). */
    representatives: Record<string, string>;
    /** EMERGENCY_ROLE holders of the mutual-aid fund. */
    emergencyCommittee: string[];
    /** The founding charter: version 1's hash and URI. */
    charter: { hash: string; uri: string };
  };
  /**
   * The business contracts (no admin roles): merchants of every community, hybrid point-of-sale payments, the
   * loyalty program the router deploys (its start block is the router's), profit sharing, B2B trade escrow (on the
   * bridge's router) and the supply-chain registry.
   */
  business: {
    merchantRegistry: { address: string; startBlock: number };
    paymentRouter: { address: string; startBlock: number };
    loyaltyProgram: { address: string; startBlock: number };
    profitSharing: { address: string; startBlock: number };
    tradeEscrow: { address: string; startBlock: number };
    supplyChain: { address: string; startBlock: number };
  };
}

export interface DeployedPool {
  address: string;
  /** Community ids of tokenA and tokenB. */
  communities: [string, string];
  tokenA: string;
  tokenB: string;
}

export interface DeployedCommunity {
  id: string;
  name: string;
  country: string;
  currency: string;
  locale: string;
  tokenName: string;
  tokenSymbol: string;
  token: string;
  complianceRegistry: string;
  governor: string;
  timelock: string;
  launchBlock: number;
}

const ROOT = path.resolve(__dirname, "..", "..");

/** `DEPLOYMENT_FILE` if set, else `deployments/<network>.json`. */
export function deploymentPath(network: string): string {
  return process.env.DEPLOYMENT_FILE
    ? path.resolve(process.env.DEPLOYMENT_FILE)
    : path.join(ROOT, "deployments", `${network}.json`);
}

export function readDeployment(network: string): Deployment {
  const file = deploymentPath(network);
  if (!fs.existsSync(file)) {
    throw new Error(`no deployment at ${file}: run scripts/deploy.ts on network "${network}" first`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as Deployment;
}

/** Writes atomically (temp file + rename), so a reader never sees half a file. */
export function writeDeployment(network: string, deployment: Deployment): string {
  const file = deploymentPath(network);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(deployment, null, 2) + "\n");
  fs.renameSync(tmp, file);
  return file;
}

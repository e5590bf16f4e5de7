/**
 * What the indexer follows. From the deployment file (see ./deployment.ts): the chain, the CommunityRegistry, the
 * sanctions list and the bridge's FxOracle and BridgeRouter, with their start blocks. Everything else is discovered
 * on chain with Ponder's factory pattern:
 * - every community's token, compliance registry, governor and timelock from the registry's CommunityRegistered
 *   logs (one parameter each; `complianceRegistry` and `timelock` are not indexed topics but data, which Ponder
 *   reads at a fixed offset of the log data). The registry emits the log before the factory initialises the clones,
 *   so each new contract is known from the launch block on and its first logs (in the same transaction) are indexed;
 *   a community launched while the indexer runs is picked up in the block it is launched in, without a restart.
 * - the CommunityFactory (its CommunityLaunched logs name the launcher) from the registry's RoleGranted logs: a
 *   factory holds the registry's REGISTRAR_ROLE. Ponder 1.0 cannot filter factory logs by an argument, so every
 *   grantee is followed, but only CommunityLaunched has a handler, which only a factory emits.
 * - every BridgePool from the router's PoolSet logs (parameter `pool`, an indexed topic): a pool registered later is
 *   followed from the block of its registration on, without a restart. Its earlier logs (the constructor's curve,
 *   flow limits set before registration) are not delivered, so the pool's state is read from the chain when it is
 *   first seen (see src/bridgeStore.ts).
 * And the federation's five contracts, from the deployment file's `federation` section (the indexer refuses a
 * deployment without one, see ./deployment.ts): FederationSeats, FederationGovernor, FederationTimelock, Federation
 * and MutualAidFund, each from its own deployment block (the governor's and timelock's constructor settings, the
 * fund's role grants, are logs of that block). A community the federation admits and launches later is a
 * CommunityRegistry community like any other: its contracts are discovered as above.
 * And the business contracts, from the deployment file's `business` section: MerchantRegistry, PaymentRouter and the
 * LoyaltyProgram the router deploys (src/commerce.ts); TradeEscrow, ProfitSharing and SupplyChainRegistry
 * (src/trade.ts).
 * Env: DEPLOYMENT_FILE, PONDER_RPC_URL (http://127.0.0.1:8545), PONDER_POLLING_MS (500), PONDER_MAX_RPS,
 *      DATABASE_URL (PostgreSQL; otherwise PGlite in PGLITE_DIR/<deployment fingerprint>, PGLITE_DIR relative to
 *      this directory, default .ponder/pglite).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig, factory } from "ponder";
import { getAbiItem, getAddress, http } from "viem";
import { deployment, deploymentFingerprint } from "./deployment";
import { envNumber } from "./src/lib/env";
import {
  BridgePoolAbi,
  BridgeRouterAbi,
  CommunityFactoryAbi,
  CommunityGovernorAbi,
  CommunityRegistryAbi,
  CommunityTimelockAbi,
  CommunityTokenAbi,
  ComplianceRegistryAbi,
  FederationAbi,
  FederationGovernorAbi,
  FederationSeatsAbi,
  FederationTimelockAbi,
  FxOracleAbi,
  LoyaltyProgramAbi,
  MerchantRegistryAbi,
  MutualAidFundAbi,
  PaymentRouterAbi,
  ProfitSharingAbi,
  SanctionsListAbi,
  SupplyChainRegistryAbi,
  TradeEscrowAbi,
} from "./generated/abis";

const INDEXER_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Development chains (Hardhat, anvil, Ganache): restarted often, with the same chain id and addresses. */
const isDevChain = deployment.chainId === 31337 || deployment.chainId === 1337;

const communityRegistry = getAddress(deployment.communityRegistry.address);
const communitiesStart = deployment.communityRegistry.startBlock;

const communityRegistered = getAbiItem({ abi: CommunityRegistryAbi, name: "CommunityRegistered" });
/** The contracts of every registered community: one address per CommunityRegistered log, read from `parameter`. */
const registeredContracts = (parameter: "token" | "complianceRegistry" | "governor" | "timelock") =>
  factory({ address: communityRegistry, event: communityRegistered, parameter });

const bridgeRouter = getAddress(deployment.bridge.router.address);
const federation = deployment.federation;
const business = deployment.business;

const config = createConfig({
  // One PGlite database per deployment: a fresh chain (new deployment file) never meets the rows, checkpoint or
  // RPC cache of an earlier one, while restarting on the same deployment resumes where it stopped.
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : {
        kind: "pglite",
        directory: path.join(
          path.resolve(INDEXER_DIR, process.env.PGLITE_DIR ?? path.join(".ponder", "pglite")),
          deploymentFingerprint,
        ),
      },
  networks: {
    kc: {
      chainId: deployment.chainId,
      // viem's default cap on a response (10 MB) stops the historical sync for good on blocks dense with logs: its
      // eth_getLogs retry does not shrink the range for this error (seen at 600 Transfer logs a block, bench/indexer.ts).
      transport: http(process.env.PONDER_RPC_URL ?? "http://127.0.0.1:8545", { maxResponseBodySize: 256 * 2 ** 20 }),
      // How often to ask for a new block: a quarter of a local node's block time (1 s in the benches and the
      // simulation), so the live data trails the head by at most a block or two; 500 ms elsewhere.
      pollingInterval: envNumber("PONDER_POLLING_MS", isDevChain ? 250 : 500, { positive: true }),
      // A local node answers as fast as we ask; hosted RPCs would rate-limit above Ponder's default of 50.
      maxRequestsPerSecond: envNumber("PONDER_MAX_RPS", isDevChain ? 500 : 50, { positive: true }),
      // Ponder's RPC cache is keyed by chain id only: on a dev chain a restart would serve the old chain's logs.
      disableCache: isDevChain,
    },
  },
  contracts: {
    CommunityRegistry: {
      network: "kc",
      abi: CommunityRegistryAbi,
      address: communityRegistry,
      startBlock: communitiesStart,
    },
    CommunityFactory: {
      network: "kc",
      abi: CommunityFactoryAbi,
      address: factory({
        address: communityRegistry,
        event: getAbiItem({ abi: CommunityRegistryAbi, name: "RoleGranted" }),
        parameter: "account",
      }),
      startBlock: communitiesStart,
    },
    CommunityToken: {
      network: "kc",
      abi: CommunityTokenAbi,
      address: registeredContracts("token"),
      startBlock: communitiesStart,
    },
    ComplianceRegistry: {
      network: "kc",
      abi: ComplianceRegistryAbi,
      address: registeredContracts("complianceRegistry"),
      startBlock: communitiesStart,
    },
    CommunityGovernor: {
      network: "kc",
      abi: CommunityGovernorAbi,
      address: registeredContracts("governor"),
      startBlock: communitiesStart,
    },
    CommunityTimelock: {
      network: "kc",
      abi: CommunityTimelockAbi,
      address: registeredContracts("timelock"),
      startBlock: communitiesStart,
    },
    SanctionsList: {
      network: "kc",
      abi: SanctionsListAbi,
      address: getAddress(deployment.sanctionsList.address),
      startBlock: deployment.sanctionsList.startBlock,
    },
    FxOracle: {
      network: "kc",
      abi: FxOracleAbi,
      address: getAddress(deployment.bridge.oracle.address),
      startBlock: deployment.bridge.oracle.startBlock,
    },
    BridgeRouter: {
      network: "kc",
      abi: BridgeRouterAbi,
      address: bridgeRouter,
      startBlock: deployment.bridge.router.startBlock,
    },
    BridgePool: {
      network: "kc",
      abi: BridgePoolAbi,
      address: factory({
        address: bridgeRouter,
        event: getAbiItem({ abi: BridgeRouterAbi, name: "PoolSet" }),
        parameter: "pool",
      }),
      startBlock: deployment.bridge.router.startBlock,
    },
    FederationSeats: {
      network: "kc",
      abi: FederationSeatsAbi,
      address: getAddress(federation.seats.address),
      startBlock: federation.seats.startBlock,
    },
    FederationGovernor: {
      network: "kc",
      abi: FederationGovernorAbi,
      address: getAddress(federation.governor.address),
      startBlock: federation.governor.startBlock,
    },
    FederationTimelock: {
      network: "kc",
      abi: FederationTimelockAbi,
      address: getAddress(federation.timelock.address),
      startBlock: federation.timelock.startBlock,
    },
    Federation: {
      network: "kc",
      abi: FederationAbi,
      address: getAddress(federation.federation.address),
      startBlock: federation.federation.startBlock,
    },
    MutualAidFund: {
      network: "kc",
      abi: MutualAidFundAbi,
      address: getAddress(federation.mutualAidFund.address),
      startBlock: federation.mutualAidFund.startBlock,
    },
    MerchantRegistry: {
      network: "kc",
      abi: MerchantRegistryAbi,
      address: getAddress(business.merchantRegistry.address),
      startBlock: business.merchantRegistry.startBlock,
    },
    PaymentRouter: {
      network: "kc",
      abi: PaymentRouterAbi,
      address: getAddress(business.paymentRouter.address),
      startBlock: business.paymentRouter.startBlock,
    },
    LoyaltyProgram: {
      network: "kc",
      abi: LoyaltyProgramAbi,
      address: getAddress(business.loyaltyProgram.address),
      startBlock: business.loyaltyProgram.startBlock,
    },
    TradeEscrow: {
      network: "kc",
      abi: TradeEscrowAbi,
      address: getAddress(business.tradeEscrow.address),
      startBlock: business.tradeEscrow.startBlock,
    },
    ProfitSharing: {
      network: "kc",
      abi: ProfitSharingAbi,
      address: getAddress(business.profitSharing.address),
      startBlock: business.profitSharing.startBlock,
    },
    SupplyChainRegistry: {
      network: "kc",
      abi: SupplyChainRegistryAbi,
      address: getAddress(business.supplyChain.address),
      startBlock: business.supplyChain.startBlock,
    },
  },
});

/**
 * Ponder's build id is a hash of the exported config. Naming the deployment in it makes a fresh dev chain, whose
 * addresses and start blocks repeat, a different build, so that on PostgreSQL Ponder refuses to resume the old
 * chain's checkpoint in the same schema ("previously used by a different Ponder app") instead of mixing chains.
 */
export default { ...config, deployment: deploymentFingerprint };

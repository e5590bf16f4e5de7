/**
 * The deployment the indexer follows, read once from the file `scripts/deploy.ts` writes: the chain, the
 * CommunityRegistry (every community is discovered from its logs), the sanctions list, the bridge's FxOracle and
 * BridgeRouter (every pool is discovered from the router's logs), and the federation's five contracts (seats,
 * governor, timelock, Federation, mutual-aid fund) and the business contracts (MerchantRegistry, PaymentRouter,
 * LoyaltyProgram, ProfitSharing, TradeEscrow, SupplyChainRegistry), with their start blocks. The file's lists of communities and
 * pools are not used: those launched or registered later are found without touching the file.
 * A deployment without a `federation` section (written before the federation existed) is refused with a message:
 * redeploy. The indexer does not run without the federation, whose contracts hold every admin role.
 * Env: DEPLOYMENT_FILE (default ../deployments/localhost.json, relative to this directory).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment } from "../scripts/lib/deployment";

export type { Deployment };

const INDEXER_DIR = path.dirname(fileURLToPath(import.meta.url));

export const deploymentFile = process.env.DEPLOYMENT_FILE
  ? path.resolve(process.env.DEPLOYMENT_FILE)
  : path.resolve(INDEXER_DIR, "..", "deployments", "localhost.json");

function readDeployment(file: string): Deployment {
  if (!fs.existsSync(file)) {
    throw new Error(`no deployment at ${file}: run scripts/deploy.ts first, or set DEPLOYMENT_FILE`);
  }
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Deployment>;
  const contracts = {
    communityRegistry: parsed.communityRegistry,
    sanctionsList: parsed.sanctionsList,
    "bridge.oracle": parsed.bridge?.oracle,
    "bridge.router": parsed.bridge?.router,
    "federation.seats": parsed.federation?.seats,
    "federation.governor": parsed.federation?.governor,
    "federation.timelock": parsed.federation?.timelock,
    "federation.federation": parsed.federation?.federation,
    "federation.mutualAidFund": parsed.federation?.mutualAidFund,
    "business.merchantRegistry": parsed.business?.merchantRegistry,
    "business.paymentRouter": parsed.business?.paymentRouter,
    "business.loyaltyProgram": parsed.business?.loyaltyProgram,
    "business.profitSharing": parsed.business?.profitSharing,
    "business.tradeEscrow": parsed.business?.tradeEscrow,
    "business.supplyChain": parsed.business?.supplyChain,
  };
  if (parsed.federation === undefined) {
    throw new Error(
      `${file}: no "federation" section: the deployment predates the federation (FederationSeats, FederationGovernor, ` +
        `FederationTimelock, Federation, MutualAidFund), which the indexer follows; redeploy with scripts/deploy.ts`,
    );
  }
  for (const [field, contract] of Object.entries(contracts)) {
    if (typeof contract?.address !== "string" || typeof contract.startBlock !== "number") {
      throw new Error(`${file}: "${field}" needs an address and a startBlock (an older deployment? redeploy)`);
    }
  }
  return parsed as Deployment;
}

export const deployment: Deployment = readDeployment(deploymentFile);

/**
 * Identifies this deployment on this chain run: a local chain restarts with the same chain id and, often, the same
 * addresses, so the time of deployment is part of it. Used to keep one database per deployment.
 */
export const deploymentFingerprint = createHash("sha256")
  .update(
    JSON.stringify([
      deployment.chainId,
      deployment.deployedAt,
      deployment.startBlock,
      deployment.sanctionsList.address.toLowerCase(),
      deployment.communityRegistry.address.toLowerCase(),
      deployment.communityRegistry.startBlock,
      deployment.alerts ?? null,
      deployment.bridge.oracle.address.toLowerCase(),
      deployment.bridge.router.address.toLowerCase(),
      deployment.federation.federation.address.toLowerCase(),
      deployment.federation.governor.address.toLowerCase(),
    ]),
  )
  .digest("hex")
  .slice(0, 12);

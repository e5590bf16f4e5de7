/**
 * The deployment the indexer follows: read once from the file `scripts/deploy.ts` writes, shared by
 * `ponder.config.ts` (addresses, chain, start blocks) and the handlers (community metadata, registry -> token).
 * Env: DEPLOYMENT_FILE (default ../deployments/localhost.json, relative to this directory).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Address, getAddress } from "viem";
import type { DeployedCommunity, Deployment } from "../scripts/lib/deployment";

export type { DeployedCommunity, Deployment };

const INDEXER_DIR = path.dirname(fileURLToPath(import.meta.url));

export const deploymentFile = process.env.DEPLOYMENT_FILE
  ? path.resolve(process.env.DEPLOYMENT_FILE)
  : path.resolve(INDEXER_DIR, "..", "deployments", "localhost.json");

function readDeployment(file: string): Deployment {
  if (!fs.existsSync(file)) {
    throw new Error(`no deployment at ${file}: run scripts/deploy.ts first, or set DEPLOYMENT_FILE`);
  }
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Deployment;
  if (!Array.isArray(parsed.communities) || parsed.communities.length === 0) {
    throw new Error(`${file}: the deployment lists no communities`);
  }
  return parsed;
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
      deployment.communities.map((c) => [c.token.toLowerCase(), c.complianceRegistry.toLowerCase()]),
    ]),
  )
  .digest("hex")
  .slice(0, 12);

const byToken = new Map(deployment.communities.map((c) => [c.token.toLowerCase(), c]));
const byRegistry = new Map(deployment.communities.map((c) => [c.complianceRegistry.toLowerCase(), c]));

/** The community whose token is at `token`; throws for an address the deployment does not list. */
export function communityOfToken(token: string): DeployedCommunity {
  const community = byToken.get(token.toLowerCase());
  if (!community) throw new Error(`token ${token} is not in the deployment ${deploymentFile}`);
  return community;
}

/** The token ruled by the compliance registry at `registry`, per the deployment file. */
export function tokenOfRegistry(registry: string): Address {
  const community = byRegistry.get(registry.toLowerCase());
  if (!community) throw new Error(`compliance registry ${registry} is not in the deployment ${deploymentFile}`);
  return getAddress(community.token);
}

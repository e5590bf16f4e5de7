import fs from "node:fs";
import path from "node:path";

/** What `scripts/deploy.ts` writes and every other part (simulation, indexer, CLI) reads. */
export interface Deployment {
  network: string;
  chainId: number;
  deployedAt: string;
  /** First block of the deployment: where an indexer starts. */
  startBlock: number;
  deployer: string;
  implementations: { CommunityToken: string; ComplianceRegistry: string };
  sanctionsList: { address: string; startBlock: number };
  roles: { admin: string; minter: string; pauser: string; verifier: string; complianceOfficer: string };
  communities: DeployedCommunity[];
}

export interface DeployedCommunity {
  id: string;
  name: string;
  symbol: string;
  currency: string;
  country: string;
  locale: string;
  token: string;
  complianceRegistry: string;
  startBlock: number;
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

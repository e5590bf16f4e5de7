import fs from "node:fs";
import { ethers } from "ethers";
import type { ICommunityFactory } from "../../typechain-types";

/**
 * The communities config file (config/communities.json): `defaults` for governance and compliance, and a list of
 * communities, each of which may override any default. Amounts are whole units of the community's currency as
 * strings ("25000"), or "unlimited" for a daily limit; times are seconds.
 */
export interface CommunitiesFile {
  defaults: { governance: GovernanceJson; compliance: ComplianceJson };
  communities: CommunityJson[];
  bridge?: BridgeJson;
}

/** The bridge: the oracle's reference currency, sample starting rates (reference units per unit), its parameters,
 * the pools' curve and flow limits (in reference units, converted per token at the starting rate), and the pairs. */
export interface BridgeJson {
  referenceCurrency: string;
  rates: Record<string, string>;
  oracle: { maxAge: number; maxDeviationBps: number; minReports: number };
  feeBps: number;
  amplification: number;
  shortFlowLimitUsd: string;
  longFlowLimitUsd: string;
  pools: [string, string][];
}

interface GovernanceJson {
  votingDelay: number;
  votingPeriod: number;
  proposalThreshold: string;
  quorumPercent: number;
  voteExtension: number;
  timelockDelay: number;
}

interface ComplianceJson {
  tier0DailyLimit: string;
  tier1DailyLimit: string;
  tier2DailyLimit: string;
  travelRuleThreshold: string;
}

interface CommunityJson {
  id: string;
  name: string;
  country: string;
  currency: string;
  locale: string;
  tokenName: string;
  tokenSymbol: string;
  governance?: Partial<GovernanceJson>;
  compliance?: Partial<ComplianceJson>;
  operators?: Partial<ICommunityFactory.OperatorsStruct>;
}

/** The daily limit value that means "no limit" (the registry's UNLIMITED: 2^128 - 1). */
export const UNLIMITED = (1n << 128n) - 1n;

function amount(field: string, value: string | undefined): bigint {
  if (value === "unlimited") return UNLIMITED;
  if (typeof value !== "string" || !/^\d+(\.\d+)?$/.test(value)) {
    throw new Error(
      `${field}: expected whole units as a string such as "1000" (or "unlimited"), got ${JSON.stringify(value)}`,
    );
  }
  return ethers.parseEther(value);
}

function integer(field: string, value: number | undefined): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new Error(`${field}: expected a whole number (seconds, or a percent), got ${JSON.stringify(value)}`);
  }
  return value as number;
}

/** Reads and checks the file; the factory checks codes and bounds again on chain, with its own errors. */
export function readCommunitiesFile(file: string): CommunitiesFile {
  let parsed: CommunitiesFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as CommunitiesFile;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (!parsed.defaults?.governance || !parsed.defaults?.compliance)
    throw new Error(`${file}: "defaults.governance" and "defaults.compliance" are required`);
  if (!Array.isArray(parsed.communities) || parsed.communities.length === 0)
    throw new Error(`${file}: "communities" must list at least one community`);
  return parsed;
}

/** The factory's config for one community of the file, with `operators` filling what the file leaves out. */
export function toLaunchConfig(
  file: CommunitiesFile,
  community: CommunityJson,
  operators: ICommunityFactory.OperatorsStruct,
): ICommunityFactory.CommunityConfigStruct {
  const g = { ...file.defaults.governance, ...community.governance };
  const c = { ...file.defaults.compliance, ...community.compliance };
  const where = `community "${community.id}"`;
  return {
    id: community.id,
    name: community.name,
    country: community.country,
    currency: community.currency,
    locale: community.locale,
    tokenName: community.tokenName,
    tokenSymbol: community.tokenSymbol,
    governance: {
      votingDelay: integer(`${where} votingDelay`, g.votingDelay),
      votingPeriod: integer(`${where} votingPeriod`, g.votingPeriod),
      proposalThreshold: amount(`${where} proposalThreshold`, g.proposalThreshold),
      quorumPercent: integer(`${where} quorumPercent`, g.quorumPercent),
      voteExtension: integer(`${where} voteExtension`, g.voteExtension),
      timelockDelay: integer(`${where} timelockDelay`, g.timelockDelay),
    },
    compliance: {
      tier0DailyLimit: amount(`${where} tier0DailyLimit`, c.tier0DailyLimit),
      tier1DailyLimit: amount(`${where} tier1DailyLimit`, c.tier1DailyLimit),
      tier2DailyLimit: amount(`${where} tier2DailyLimit`, c.tier2DailyLimit),
      travelRuleThreshold: amount(`${where} travelRuleThreshold`, c.travelRuleThreshold),
    },
    operators: { ...operators, ...community.operators },
  };
}

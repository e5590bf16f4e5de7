import fs from "node:fs";
import path from "node:path";
import { ethers } from "ethers";
import type { ICommunityFactory, IFederation } from "../../typechain-types";
import type { FederationGovernanceSettings } from "./federation";
import type { AlertSettings, AlertsJson } from "./deployment";

/**
 * The communities config file (config/communities.json):
 * - `defaults` for governance and compliance, and a list of founding `communities`, each of which may override
 *   any default;
 * - `bridge`: the oracle, its starting rates and the pools;
 * - `federation`: how the federation governs itself, its shared parameters and its founding charter.
 * Amounts are whole units as strings ("25000"), or "unlimited" for a daily limit; times are seconds.
 *
 * Compliance: every community launches through the Federation, which applies the federation's defaults for the
 * tier-0 and tier-1 daily limits and the travel-rule threshold (`federation.parameters`, in the reference
 * currency, converted to the community's currency at the oracle's rate). So a community's compliance settings in
 * this file are its tier-2 daily limit only (`defaults.compliance.tier2DailyLimit`, which a community may
 * override); `tier0DailyLimit`, `tier1DailyLimit` and `travelRuleThreshold` are rejected here: a community changes
 * them after its launch by its own proposal, and the federation's defaults by federation proposal.
 */
export interface CommunitiesFile {
  defaults: { governance: GovernanceJson; compliance: ComplianceJson; alerts: AlertsJson };
  communities: CommunityJson[];
  bridge: BridgeJson;
  federation: FederationJson;
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

/**
 * The federation: its governor's and timelock's settings (times in seconds, the proposal threshold in seats, the
 * timelock delay at least 3600), the shared parameters (`bridgeFeeBps` must equal the bridge's `feeBps`; the limits
 * and threshold in reference units), optionally the addresses of its emergency committee (default: the deploy
 * script's local signer 5), and the founding charter: where it is published (`uri`) and its text (`file`, relative
 * to this file), whose keccak256 the federation ratifies as version 1.
 */
export interface FederationJson {
  governance: FederationGovernanceSettings;
  parameters: {
    bridgeFeeBps: number;
    mutualAidRateBps: number;
    tier0DailyLimit: string;
    tier1DailyLimit: string;
    travelRuleThreshold: string;
  };
  emergencyCommittee?: string[];
  charter: { uri: string; file: string };
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
  tier2DailyLimit: string;
}

export interface CommunityJson {
  id: string;
  name: string;
  country: string;
  currency: string;
  locale: string;
  tokenName: string;
  tokenSymbol: string;
  governance?: Partial<GovernanceJson>;
  compliance?: Partial<ComplianceJson>;
  alerts?: Partial<AlertsJson>;
  operators?: Partial<ICommunityFactory.OperatorsStruct>;
}

/** The daily limit value that means "no limit" (the registry's UNLIMITED: 2^128 - 1). */
export const UNLIMITED = (1n << 128n) - 1n;

/** Compliance settings the federation sets for every community: not accepted in the file. */
const FEDERATION_SET = ["tier0DailyLimit", "tier1DailyLimit", "travelRuleThreshold"] as const;

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

/** Reads and checks the file; the factory and the Federation check codes and bounds again on chain. */
export function readCommunitiesFile(file: string): CommunitiesFile {
  let parsed: CommunitiesFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as CommunitiesFile;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (!parsed.defaults?.governance || !parsed.defaults?.compliance || !parsed.defaults?.alerts)
    throw new Error(`${file}: "defaults.governance", "defaults.compliance" and "defaults.alerts" are required`);
  if (!Array.isArray(parsed.communities) || parsed.communities.length === 0)
    throw new Error(`${file}: "communities" must list at least one community`);
  if (!parsed.bridge) throw new Error(`${file}: no "bridge" section`);
  if (!parsed.federation?.governance || !parsed.federation.parameters || !parsed.federation.charter)
    throw new Error(`${file}: "federation" needs "governance", "parameters" and "charter"`);
  for (const [where, compliance] of [
    ["defaults.compliance", parsed.defaults.compliance],
    ...parsed.communities.map((c) => [`community "${c.id}" compliance`, c.compliance] as const),
  ] as const) {
    for (const key of FEDERATION_SET) {
      if (compliance && key in compliance) {
        throw new Error(
          `${file}: ${where}.${key}: set by the federation for every community (federation.parameters), remove it`,
        );
      }
    }
  }
  for (const community of parsed.communities) {
    checkAlerts(`${file}: community "${community.id}" alerts`, { ...parsed.defaults.alerts, ...community.alerts });
  }
  const f = parsed.federation;
  if (f.parameters.bridgeFeeBps !== parsed.bridge.feeBps) {
    throw new Error(
      `${file}: federation.parameters.bridgeFeeBps (${f.parameters.bridgeFeeBps}) must equal bridge.feeBps (${parsed.bridge.feeBps})`,
    );
  }
  if (integer("federation.governance.timelockDelay", f.governance.timelockDelay) < 3600)
    throw new Error(`${file}: federation.governance.timelockDelay must be at least 3600 seconds`);
  for (const a of f.emergencyCommittee ?? []) {
    if (!ethers.isAddress(a)) throw new Error(`${file}: federation.emergencyCommittee: not an address: ${a}`);
  }
  const charter = path.resolve(path.dirname(file), f.charter.file);
  if (!/^(ipfs|https):\/\/\S+$/.test(f.charter.uri) || !fs.existsSync(charter)) {
    throw new Error(`${file}: federation.charter needs an ipfs:// or https:// "uri" and a "file" next to it`);
  }
  return { ...parsed, federation: { ...f, charter: { ...f.charter, file: charter } } };
}

function checkAlerts(where: string, a: AlertsJson): void {
  amount(`${where}.large`, a.large);
  amount(`${where}.dailyTotal`, a.dailyTotal);
  const band = a.structuringBandPercent;
  if (!Array.isArray(band) || band.length !== 2 || !(band[0] >= 0 && band[0] < band[1] && band[1] <= 1000)) {
    throw new Error(`${where}.structuringBandPercent: expected [low, high] percents with low < high, got ${band}`);
  }
  for (const key of ["structuringCount", "structuringWindow", "velocityCount", "velocityWindow"] as const) {
    if (integer(`${where}.${key}`, a[key]) === 0) throw new Error(`${where}.${key}: must be positive`);
  }
}

/**
 * The alert thresholds for the deployment file (off-chain policy the indexer applies; a community launched later and
 * not in this file gets the defaults).
 */
export function alertSettings(file: CommunitiesFile): AlertSettings {
  const communities: Record<string, Partial<AlertsJson>> = {};
  for (const c of file.communities) if (c.alerts) communities[c.id] = c.alerts;
  return { defaults: file.defaults.alerts, communities };
}

/** The Federation's constructor parameters (reference units to 18 decimals). */
export function federationParameters(file: CommunitiesFile): IFederation.ParametersStruct {
  const p = file.federation.parameters;
  return {
    bridgeFeeBps: integer("federation.parameters.bridgeFeeBps", p.bridgeFeeBps),
    mutualAidRateBps: integer("federation.parameters.mutualAidRateBps", p.mutualAidRateBps),
    tier0DailyLimit: amount("federation.parameters.tier0DailyLimit", p.tier0DailyLimit),
    tier1DailyLimit: amount("federation.parameters.tier1DailyLimit", p.tier1DailyLimit),
    travelRuleThreshold: amount("federation.parameters.travelRuleThreshold", p.travelRuleThreshold),
  };
}

/** The founding charter: its text's keccak256 (as the Federation ratifies it) and its URI. */
export function foundingCharter(file: CommunitiesFile): { hash: string; uri: string; text: string } {
  const text = fs.readFileSync(file.federation.charter.file, "utf8");
  return { hash: ethers.keccak256(ethers.toUtf8Bytes(text)), uri: file.federation.charter.uri, text };
}

/**
 * `referenceAmount` in `currency` at the file's starting rate, rounded down as the Federation converts it on
 * chain (so at the starting rate it equals what `Federation.launch` applies).
 */
export function atStartingRate(file: CommunitiesFile, referenceAmount: bigint, currency: string): bigint {
  if (currency === file.bridge.referenceCurrency) return referenceAmount;
  const rate = file.bridge.rates[currency];
  if (!rate) throw new Error(`bridge.rates: no starting rate for ${currency}`);
  return (referenceAmount * 10n ** 18n) / ethers.parseEther(rate);
}

/**
 * The factory's config for one community of the file, with `operators` filling what the file leaves out. The
 * tier-0 and tier-1 limits and the travel-rule threshold are the federation's defaults at the file's starting rate:
 * `Federation.launch` replaces them with the same defaults at the oracle's rate of the moment (equal at the start);
 * they matter only where a community is launched straight through the factory (tests).
 */
export function toLaunchConfig(
  file: CommunitiesFile,
  community: CommunityJson,
  operators: ICommunityFactory.OperatorsStruct,
): ICommunityFactory.CommunityConfigStruct {
  const g = { ...file.defaults.governance, ...community.governance };
  const c = { ...file.defaults.compliance, ...community.compliance };
  const p = federationParameters(file);
  const local = (value: IFederation.ParametersStruct["tier0DailyLimit"]) =>
    atStartingRate(file, BigInt(value), community.currency);
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
      tier0DailyLimit: local(p.tier0DailyLimit),
      tier1DailyLimit: local(p.tier1DailyLimit),
      tier2DailyLimit: amount(`${where} tier2DailyLimit`, c.tier2DailyLimit),
      travelRuleThreshold: local(p.travelRuleThreshold),
    },
    operators: { ...operators, ...community.operators },
  };
}

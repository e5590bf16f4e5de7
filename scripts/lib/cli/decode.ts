/**
 * Reading what a proposal would do, and why a transaction would fail: calldata and revert data decoded against the
 * ABIs of every KC contract (from typechain-types), with the deployment's addresses and role hashes named.
 */
import { ethers } from "ethers";
import type { Deployment } from "../deployment";
import { nodeMessage } from "./errors";
import { BridgePool__factory } from "../../../typechain-types/factories/contracts/bridge/BridgePool__factory";
import { BridgeRouter__factory } from "../../../typechain-types/factories/contracts/bridge/BridgeRouter__factory";
import { FxOracle__factory } from "../../../typechain-types/factories/contracts/bridge/FxOracle__factory";
import { CommunityFactory__factory } from "../../../typechain-types/factories/contracts/community/CommunityFactory__factory";
import { CommunityRegistry__factory } from "../../../typechain-types/factories/contracts/community/CommunityRegistry__factory";
import { ComplianceRegistry__factory } from "../../../typechain-types/factories/contracts/compliance/ComplianceRegistry__factory";
import { SanctionsList__factory } from "../../../typechain-types/factories/contracts/compliance/SanctionsList__factory";
import { CommunityGovernor__factory } from "../../../typechain-types/factories/contracts/governance/CommunityGovernor__factory";
import { CommunityTimelock__factory } from "../../../typechain-types/factories/contracts/governance/CommunityTimelock__factory";
import { FederationGovernor__factory } from "../../../typechain-types/factories/contracts/governance/FederationGovernor__factory";
import { FederationSeats__factory } from "../../../typechain-types/factories/contracts/governance/FederationSeats__factory";
import { FederationTimelock__factory } from "../../../typechain-types/factories/contracts/governance/FederationTimelock__factory";
import { Federation__factory } from "../../../typechain-types/factories/contracts/governance/Federation__factory";
import { MutualAidFund__factory } from "../../../typechain-types/factories/contracts/governance/MutualAidFund__factory";
import { CommunityToken__factory } from "../../../typechain-types/factories/contracts/token/CommunityToken__factory";
import { LoyaltyProgram__factory } from "../../../typechain-types/factories/contracts/business/LoyaltyProgram__factory";
import { MerchantRegistry__factory } from "../../../typechain-types/factories/contracts/business/MerchantRegistry__factory";
import { PaymentRouter__factory } from "../../../typechain-types/factories/contracts/business/PaymentRouter.sol/PaymentRouter__factory";
import { ProfitSharing__factory } from "../../../typechain-types/factories/contracts/business/ProfitSharing__factory";
import { TradeEscrow__factory } from "../../../typechain-types/factories/contracts/business/TradeEscrow__factory";

/** Every KC contract's ABI, by contract name. */
export const INTERFACES: Record<string, ethers.Interface> = {
  CommunityToken: CommunityToken__factory.createInterface(),
  ComplianceRegistry: ComplianceRegistry__factory.createInterface(),
  CommunityGovernor: CommunityGovernor__factory.createInterface(),
  CommunityTimelock: CommunityTimelock__factory.createInterface(),
  CommunityRegistry: CommunityRegistry__factory.createInterface(),
  CommunityFactory: CommunityFactory__factory.createInterface(),
  SanctionsList: SanctionsList__factory.createInterface(),
  FxOracle: FxOracle__factory.createInterface(),
  BridgeRouter: BridgeRouter__factory.createInterface(),
  BridgePool: BridgePool__factory.createInterface(),
  Federation: Federation__factory.createInterface(),
  FederationSeats: FederationSeats__factory.createInterface(),
  FederationGovernor: FederationGovernor__factory.createInterface(),
  FederationTimelock: FederationTimelock__factory.createInterface(),
  MutualAidFund: MutualAidFund__factory.createInterface(),
  MerchantRegistry: MerchantRegistry__factory.createInterface(),
  PaymentRouter: PaymentRouter__factory.createInterface(),
  LoyaltyProgram: LoyaltyProgram__factory.createInterface(),
  TradeEscrow: TradeEscrow__factory.createInterface(),
  ProfitSharing: ProfitSharing__factory.createInterface(),
};

export interface KnownContract {
  address: string;
  /** What it is, e.g. "katy compliance registry". */
  label: string;
  /** Its contract name in INTERFACES. */
  abi: string;
}

/** The deployment's contracts (and `extra` ones, e.g. a community launched later), by lower-case address. */
export function knownContracts(deployment: Deployment, extra: KnownContract[] = []): Map<string, KnownContract> {
  const list: KnownContract[] = [];
  const add = (address: string | undefined, label: string, abi: string) => {
    if (address) list.push({ address, label, abi });
  };
  for (const c of deployment.communities ?? []) {
    add(c.token, `${c.id} token (${c.tokenSymbol})`, "CommunityToken");
    add(c.complianceRegistry, `${c.id} compliance registry`, "ComplianceRegistry");
    add(c.governor, `${c.id} governor`, "CommunityGovernor");
    add(c.timelock, `${c.id} timelock`, "CommunityTimelock");
  }
  add(deployment.communityRegistry?.address, "community registry", "CommunityRegistry");
  add(deployment.communityFactory?.address, "community factory", "CommunityFactory");
  add(deployment.sanctionsList?.address, "sanctions list", "SanctionsList");
  add(deployment.bridge?.oracle?.address, "FX oracle", "FxOracle");
  add(deployment.bridge?.router?.address, "bridge router", "BridgeRouter");
  for (const pool of deployment.bridge?.pools ?? []) {
    add(pool.address, `bridge pool ${pool.communities.join("-")}`, "BridgePool");
  }
  const f = deployment.federation;
  if (f) {
    add(f.federation?.address, "federation", "Federation");
    add(f.seats?.address, "federation seats", "FederationSeats");
    add(f.governor?.address, "federation governor", "FederationGovernor");
    add(f.timelock?.address, "federation timelock", "FederationTimelock");
    add(f.mutualAidFund?.address, "mutual-aid fund", "MutualAidFund");
  }
  const b = (deployment as Partial<Deployment>).business;
  if (b) {
    add(b.merchantRegistry?.address, "merchant registry", "MerchantRegistry");
    add(b.paymentRouter?.address, "payment router", "PaymentRouter");
    add(b.loyaltyProgram?.address, "loyalty program", "LoyaltyProgram");
    const more = b as { tradeEscrow?: { address?: string }; profitSharing?: { address?: string } };
    add(more.tradeEscrow?.address, "trade escrow", "TradeEscrow");
    add(more.profitSharing?.address, "profit sharing", "ProfitSharing");
  }
  const map = new Map<string, KnownContract>();
  for (const c of [...list, ...extra]) map.set(c.address.toLowerCase(), c);
  return map;
}

const ROLE_NAMES = new Map<string, string>([
  [ethers.ZeroHash, "DEFAULT_ADMIN_ROLE"],
  ...[
    "MINTER_ROLE",
    "PAUSER_ROLE",
    "VERIFIER_ROLE",
    "COMPLIANCE_ROLE",
    "LAUNCHER_ROLE",
    "REGISTRAR_ROLE",
    "LISTER_ROLE",
    "EMERGENCY_ROLE",
    "REPORTER_ROLE",
    "PROPOSER_ROLE",
    "EXECUTOR_ROLE",
    "CANCELLER_ROLE",
    "ARBITER_ROLE",
  ].map((name): [string, string] => [ethers.id(name), name]),
]);

function formatValue(value: unknown, type: ethers.ParamType, known: Map<string, KnownContract>): string {
  if (type.baseType === "array" && Array.isArray(value)) {
    return `[${value.map((v) => formatValue(v, type.arrayChildren!, known)).join(", ")}]`;
  }
  if (type.baseType === "tuple" && Array.isArray(value)) {
    const parts = type.components!.map(
      (component, i) => `${component.name || i}: ${formatValue(value[i], component, known)}`,
    );
    return `{ ${parts.join(", ")} }`;
  }
  if (type.type === "address" && typeof value === "string") {
    const label = known.get(value.toLowerCase())?.label;
    return label ? `${value} (${label})` : value;
  }
  if (type.type === "bytes32" && typeof value === "string") {
    const role = ROLE_NAMES.get(value);
    return role ? `${value.slice(0, 10)}… (${role})` : value;
  }
  if (typeof value === "bigint") {
    // amounts of 18-decimal tokens read better scaled
    return value >= 10n ** 15n ? `${value} (${ethers.formatUnits(value, 18)} ×1e18)` : value.toString();
  }
  if (typeof value === "string" && type.type === "string") return JSON.stringify(value);
  return String(value);
}

/** One proposal action in words: the target (named if known) and the call (decoded if any ABI knows it). */
export function describeCall(
  target: string,
  value: bigint,
  calldata: string,
  known: Map<string, KnownContract>,
): { target: string; call: string } {
  const contract = known.get(target.toLowerCase());
  const targetText = contract ? `${target} (${contract.label})` : target;
  const valueText = value ? ` with ${ethers.formatEther(value)} ETH` : "";
  if (calldata === "0x") return { target: targetText, call: `plain transfer${valueText}` };
  const candidates = contract
    ? [[contract.abi, INTERFACES[contract.abi]!] as const]
    : Object.entries(INTERFACES).map(([name, iface]) => [name, iface] as const);
  for (const [name, iface] of candidates) {
    try {
      const parsed = iface.parseTransaction({ data: calldata, value });
      if (!parsed) continue;
      const args = parsed.fragment.inputs.map(
        (input, i) => `${input.name || `arg${i}`}: ${formatValue(parsed.args[i], input, known)}`,
      );
      const prefix = contract ? "" : `${name}.`;
      return { target: targetText, call: `${prefix}${parsed.name}(${args.join(", ")})${valueText}` };
    } catch {
      // not this ABI's function, or undecodable arguments
    }
  }
  return {
    target: targetText,
    call: `unknown call ${calldata.slice(0, 10)} (${(calldata.length - 2) / 2} bytes)${valueText}`,
  };
}

/** The revert data inside an ethers error, wherever the provider put it. */
function revertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (!e || typeof e !== "object" || seen.has(e)) return undefined;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.data === "string" && /^0x[0-9a-f]{8}/i.test(o.data)) return o.data;
    for (const key of ["error", "info", "cause", "data"]) {
      const found = visit(o[key]);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error);
}

/** Why a call reverted, in one line: the custom error with its arguments, a reason string, or the node's message. */
export function explainRevert(error: unknown): string {
  const data = revertData(error);
  if (data) {
    for (const iface of Object.values(INTERFACES)) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) {
          const args = parsed.fragment.inputs.map((input, i) => formatValue(parsed.args[i], input, new Map()));
          return `${parsed.name}(${args.join(", ")})`;
        }
      } catch {
        // not this ABI's error
      }
    }
  }
  const e = error as { reason?: string; shortMessage?: string; message?: string };
  // "could not coalesce error" and the like: the node's own message is nested in the error's info
  return e.reason ?? nodeMessage(error) ?? e.shortMessage ?? e.message ?? String(error);
}

/**
 * Pure rules for the federation (Federation, FederationSeats, FederationGovernor, MutualAidFund): member statuses,
 * full membership against the current charter, checkpointed values (the seats' supply, the governor's quorum
 * numerator) and the federation governor's quorum. No Ponder or database imports here, so clients and the unit
 * tests (test/indexer/) load this file directly.
 */

/** A member's standing, as `IFederation.Status` names it (None is no member: no row). */
export type MemberStatus = "admitted" | "member" | "suspended";

/** `IFederation.Status` in enum order, for comparing with `federation.member(id).status` on chain. */
export const MEMBER_STATUSES: readonly (MemberStatus | "none")[] = ["none", "admitted", "member", "suspended"];

/** The status of `IFederation.Status` value `status` (0 None, 1 Admitted, 2 Member, 3 Suspended); null for None. */
export function memberStatus(status: number | bigint): MemberStatus | null {
  const name = MEMBER_STATUSES[Number(status)];
  if (name === undefined) throw new Error(`unknown IFederation.Status ${status}: 0 None to 3 Suspended`);
  return name === "none" ? null : name;
}

/**
 * `Federation.isFullMember(id)`: a member (not admitted only, not suspended) whose own governance has accepted the
 * current charter. No charter ratified yet (`currentCharter` 0): nobody is.
 */
export function isFullMember(status: MemberStatus, acceptedCharter: number, currentCharter: number): boolean {
  return status === "member" && currentCharter !== 0 && acceptedCharter === currentCharter;
}

/** A value from a timepoint on (the clock is the block timestamp, EIP-6372 mode=timestamp). */
export interface Checkpoint {
  timepoint: bigint;
  value: bigint;
}

/**
 * The value at `timepoint`, as OpenZeppelin's `Checkpoints.upperLookupRecent` answers it (`getPastTotalSupply`,
 * `quorumNumerator(timepoint)`): the value of the last checkpoint at or before `timepoint`, 0 before the first.
 * `checkpoints` in chain order (later writes in the same second replace earlier ones, as on chain).
 */
export function valueAt(checkpoints: readonly Checkpoint[], timepoint: bigint): bigint {
  let value = 0n;
  for (const c of checkpoints) {
    if (c.timepoint > timepoint) break;
    value = c.value;
  }
  return value;
}

/** GovernorVotesQuorumFraction's default denominator. */
export const QUORUM_DENOMINATOR = 100n;

/**
 * The federation governor's `quorum(timepoint)`: the seats' total supply at the snapshot times the quorum numerator
 * at the snapshot, over 100, rounded down (`Math.mulDiv`).
 */
export function federationQuorum(seatSupply: bigint, quorumNumerator: bigint): bigint {
  return (seatSupply * quorumNumerator) / QUORUM_DENOMINATOR;
}

/**
 * A seat's number: `uint256(keccak256(bytes(id)))`, which is also the member's key (`bytes32`) as a number.
 * Takes the key as the Federation's logs give it (0x and 64 hex digits).
 */
export function seatIdOfKey(key: string): bigint {
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new Error(`not a bytes32 key: ${key}`);
  return BigInt(key);
}

/** A bytes32 key (0x and 64 lower-case hex digits) of a seat number. */
export function keyOfSeatId(seatId: bigint): `0x${string}` {
  if (seatId < 0n || seatId >= 1n << 256n) throw new Error(`not a uint256: ${seatId}`);
  return `0x${seatId.toString(16).padStart(64, "0")}`;
}

/** A mutual-aid fund's account of one token: what came in, what went out. */
export interface FundTotals {
  contributed: bigint;
  granted: bigint;
  emergencyGranted: bigint;
  contributionCount: number;
  grantCount: number;
  emergencyGrantCount: number;
}

/** The totals after a ContributionReceived of `amount`. */
export function addContribution(totals: FundTotals, amount: bigint): FundTotals {
  return {
    ...pickTotals(totals),
    contributed: totals.contributed + amount,
    contributionCount: totals.contributionCount + 1,
  };
}

/** The totals after a GrantPaid of `amount` (an emergency grant counts in both the grants and the emergency ones). */
export function addGrant(totals: FundTotals, amount: bigint, emergency: boolean): FundTotals {
  return {
    ...pickTotals(totals),
    granted: totals.granted + amount,
    grantCount: totals.grantCount + 1,
    emergencyGranted: totals.emergencyGranted + (emergency ? amount : 0n),
    emergencyGrantCount: totals.emergencyGrantCount + (emergency ? 1 : 0),
  };
}

function pickTotals(t: FundTotals): FundTotals {
  return {
    contributed: t.contributed,
    granted: t.granted,
    emergencyGranted: t.emergencyGranted,
    contributionCount: t.contributionCount,
    grantCount: t.grantCount,
    emergencyGrantCount: t.emergencyGrantCount,
  };
}

/** The names of `IFederation.Parameters`, in struct order, as ParameterChanged logs name them. */
export const FEDERATION_PARAMETERS = [
  "bridgeFeeBps",
  "mutualAidRateBps",
  "tier0DailyLimit",
  "tier1DailyLimit",
  "travelRuleThreshold",
] as const;
export type FederationParameter = (typeof FEDERATION_PARAMETERS)[number];

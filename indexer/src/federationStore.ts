/**
 * Helpers the federation's handlers share: its contracts (from the deployment file), the federation's row, a
 * voter's row, a mutual-aid token's row, members found by a column, and the recount of members after a change of
 * standing or charter.
 */
import type { Context } from "ponder:registry";
import {
  federation,
  federationEvent,
  federationMember,
  federationVoter,
  mutualAidFundToken,
  mutualAidGrant,
  parameterChange,
} from "ponder:schema";
import type { Address, Hex } from "viem";
import { getAddress, zeroAddress } from "viem";
import { deployment } from "../deployment";
import { sameAddress } from "./lib/bridge";
import { federationQuorum, isFullMember, valueAt } from "./lib/federation";
import { tokenCommunity } from "./bridgeStore";
import { appendTrail, setTrail, trailOf, type Trails } from "./trail";

type Db = Context["db"];
type FederationRow = typeof federation.$inferSelect;
type VoterRow = typeof federationVoter.$inferSelect;
type FundTokenRow = typeof mutualAidFundToken.$inferSelect;
type MemberRow = typeof federationMember.$inferSelect;

/** The federation's contracts, as the deployment file names them (checksummed). */
export const FEDERATION = {
  seats: getAddress(deployment.federation.seats.address),
  governor: getAddress(deployment.federation.governor.address),
  timelock: getAddress(deployment.federation.timelock.address),
  federation: getAddress(deployment.federation.federation.address),
  mutualAidFund: getAddress(deployment.federation.mutualAidFund.address),
} as const;

/** The zero address means "nobody" (no delegate): null. */
export function orNull(address: Address): Address | null {
  return sameAddress(address, zeroAddress) ? null : address;
}

/**
 * Applies `change` to the federation's row, creating it first: its governor's and timelock's constructor logs
 * precede the Federation's deployment.
 */
export async function changeFederation(
  db: Db,
  at: bigint,
  change: (row: FederationRow) => Partial<Omit<FederationRow, "address">>,
): Promise<FederationRow> {
  const fresh: FederationRow = {
    address: FEDERATION.federation,
    seats: FEDERATION.seats,
    governor: FEDERATION.governor,
    timelock: FEDERATION.timelock,
    mutualAidFund: FEDERATION.mutualAidFund,
    charterVersion: 0,
    charterHash: null,
    charterUri: null,
    admittedCount: 0,
    memberCount: 0,
    fullMemberCount: 0,
    suspendedCount: 0,
    seatSupply: 0n,
    poolCount: 0,
    votingDelay: 0n,
    votingPeriod: 0n,
    proposalThreshold: 0n,
    quorumNumerator: 0n,
    timelockMinDelay: 0n,
    proposalCount: 0,
    updatedAt: at,
  };
  return db
    .insert(federation)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((row) => ({ ...change(row), updatedAt: at }));
}

/** Applies `change` to the seats' voter `address`, creating it first. Returns the row after the change. */
export async function changeVoter(
  db: Db,
  address: Address,
  at: bigint,
  change: (row: VoterRow) => Partial<Omit<VoterRow, "seats" | "address">>,
): Promise<VoterRow> {
  const fresh: VoterRow = {
    seats: FEDERATION.seats,
    address,
    votes: 0n,
    delegate: null,
    seatId: null,
    votesCast: 0,
    firstSeenAt: at,
    updatedAt: at,
  };
  return db
    .insert(federationVoter)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((row) => ({ ...change(row), updatedAt: at }));
}

/** The current votes of `address` on the seats (0 for nobody or an unknown address). */
export async function votesOf(db: Db, address: Address | null): Promise<bigint> {
  if (address === null) return 0n;
  return (await db.find(federationVoter, { seats: FEDERATION.seats, address }))?.votes ?? 0n;
}

/** Applies `change` to the mutual-aid fund's row of `token`, creating it first. */
export async function changeFundToken(
  db: Db,
  fund: Address,
  token: Address,
  at: bigint,
  change: (row: FundTokenRow) => Partial<Omit<FundTokenRow, "fund" | "token" | "community">>,
): Promise<FundTokenRow> {
  const existing = await db.find(mutualAidFundToken, { fund, token });
  const fresh: FundTokenRow = existing ?? {
    fund,
    token,
    community: (await tokenCommunity(db, token))?.id ?? null,
    contributed: 0n,
    granted: 0n,
    emergencyGranted: 0n,
    contributionCount: 0,
    grantCount: 0,
    emergencyGrantCount: 0,
    balance: 0n,
    emergencyCap: 0n,
    updatedAt: at,
  };
  return db
    .insert(mutualAidFundToken)
    .values({ ...fresh, ...change(fresh), updatedAt: at })
    .onConflictDoUpdate((row) => ({ ...change(row), updatedAt: at }));
}

/** The members, in order of admission (the `federation_members` trail, which MemberAdmitted extends). */
async function members(db: Db): Promise<MemberRow[]> {
  const rows: MemberRow[] = [];
  for (const { id } of await trailOf(db, "federation_members", "")) {
    const row = await db.find(federationMember, { id });
    if (!row) throw new Error(`member ${id} is in the federation's trail but has no row`);
    rows.push(row);
  }
  return rows;
}

/** The ids of the members whose `column` is `value`. */
export async function membersWhere(db: Db, column: "key" | "timelock" | "delegate", value: string): Promise<string[]> {
  return (await members(db)).filter((m) => m[column] !== null && sameAddress(m[column], value)).map((m) => m.id);
}

/** The id of the member with `key`; null if none was admitted under it. */
export async function memberOfKey(db: Db, key: string): Promise<string | null> {
  return (await membersWhere(db, "key", key))[0] ?? null;
}

/**
 * Notes a row a federation proposal's execution may have written (a grant, a parameter change, a federation event),
 * for the governor's ProposalExecuted later in the transaction to claim (`claimProposalEffects`).
 */
export async function awaitProposal(
  db: Db,
  event: { id: string; transaction: { hash: Hex } },
  table: Trails["proposal_effects"]["table"],
): Promise<void> {
  await appendTrail(db, "proposal_effects", event.transaction.hash, { table, id: event.id });
}

/** Sets `proposalId` on the rows written earlier in the transaction that no proposal claimed yet. */
export async function claimProposalEffects(db: Db, transaction: Hex, proposalId: bigint): Promise<void> {
  const tables = {
    mutual_aid_grant: mutualAidGrant,
    parameter_change: parameterChange,
    federation_event: federationEvent,
  };
  for (const { table, id } of await trailOf(db, "proposal_effects", transaction)) {
    await db.update(tables[table], { id }).set({ proposalId });
  }
  await setTrail(db, "proposal_effects", transaction, []);
}

/**
 * Recomputes every member's `isFullMember` against the federation's current charter, and the federation's member
 * counts: after an admission, a launch, a suspension, a readmission, a ratification or an acceptance.
 */
export async function recountMembers(db: Db, at: bigint): Promise<void> {
  const current = (await changeFederation(db, at, () => ({}))).charterVersion;
  const all = await members(db);
  let full = 0;
  for (const m of all) {
    const now = isFullMember(m.status, m.charterVersion, current);
    if (now) full++;
    if (now !== m.isFullMember) await db.update(federationMember, { id: m.id }).set({ isFullMember: now });
  }
  await changeFederation(db, at, () => ({
    admittedCount: all.length,
    memberCount: all.filter((m) => m.status === "member").length,
    suspendedCount: all.filter((m) => m.status === "suspended").length,
    fullMemberCount: full,
  }));
}

/**
 * The federation governor's `quorum(timepoint)` from the indexed history: the seats' supply and the governor's quorum
 * numerator at `timepoint`, from their `checkpoints` trails (the seats' Transfer handler notes each mint's and burn's
 * supply, the governor's QuorumNumeratorUpdated handler each numerator, the constructor's first). Settled once the
 * clock has passed `timepoint`.
 */
export async function federationQuorumAt(
  db: Db,
  governor: Address,
  timepoint: bigint,
): Promise<{ quorum: bigint; eligible: bigint }> {
  const at = async (contract: Address) =>
    valueAt(
      (await trailOf(db, "checkpoints", contract.toLowerCase())).map((c) => ({
        timepoint: BigInt(c.timepoint),
        value: BigInt(c.value),
      })),
      timepoint,
    );
  const eligible = await at(FEDERATION.seats);
  return { quorum: federationQuorum(eligible, await at(governor)), eligible };
}

/** Notes the value of the seats' supply or a governor's quorum numerator from `timepoint` on. */
export async function checkpoint(db: Db, contract: Address, timepoint: bigint, value: bigint): Promise<void> {
  await appendTrail(db, "checkpoints", contract.toLowerCase(), { timepoint: String(timepoint), value: String(value) });
}

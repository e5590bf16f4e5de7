/**
 * Small helpers the handlers share. Rows of a community are keyed by its token address.
 */
import type { Context } from "ponder:registry";
import { account, communityContract } from "ponder:schema";
import type { Address, Hex } from "viem";

type Db = Context["db"];
type AccountRow = typeof account.$inferSelect;
type CommunityContractRow = typeof communityContract.$inferSelect;

/**
 * The community that the contract at `address` belongs to (its slug and token). The registry's CommunityRegistered
 * log, which writes this row, precedes every log of the community's contracts, so a miss is a bug: it throws.
 */
export async function communityOf(db: Db, address: Address): Promise<CommunityContractRow> {
  const row = await db.find(communityContract, { address });
  if (!row) throw new Error(`${address} is no registered community's contract: its CommunityRegistered log is missing`);
  return row;
}

/** The columns every one-row-per-log table shares. */
export function logColumns(event: {
  id: string;
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: Hex };
  log: { logIndex: number };
}) {
  return {
    id: event.id,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  };
}

/**
 * Applies `change` to the account (`token`, `address`), creating it first, as seen at `timestamp`, if this is the
 * first log that names it. The same `change` serves both paths, so a handler states its effect once.
 * Returns the row after the change.
 */
export async function changeAccount(
  db: Db,
  key: { token: Address; address: Address },
  timestamp: bigint,
  change: (row: AccountRow) => Partial<Omit<AccountRow, "token" | "address">>,
): Promise<AccountRow> {
  const fresh: AccountRow = {
    ...key,
    balance: 0n,
    kycTier: 0,
    frozen: false,
    exempt: false,
    bridge: false,
    votingPower: 0n,
    delegate: null,
    votesCast: 0,
    transfersIn: 0,
    transfersOut: 0,
    firstSeenAt: timestamp,
    lastActiveAt: null,
  };
  return db
    .insert(account)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate(change);
}

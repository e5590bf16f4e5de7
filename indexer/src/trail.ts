/**
 * The handlers' keyed lists (table `trail`): what a handler must find later by something other than a row's key —
 * the logs earlier in a transaction, the federation's members, a holder's seats, a setting's history. Each scope
 * states its key and the shape of its entries; amounts are decimal strings (JSON has no bigint).
 */
import type { Context } from "ponder:registry";
import { trail } from "ponder:schema";
import type { Hex } from "viem";

type Db = Context["db"];

export interface Trails {
  /** Key: a transaction hash. The bridge router's hops settled in it, in log order. */
  routed_hops: { id: string; tokenIn: Hex; tokenOut: Hex; logIndex: number };
  /** Key: a transaction hash. The Federation's suspensions and readmissions in it, and the pools it paused or reopened. */
  federation_actions: { logIndex: number; kind: "paused" | "unpaused" | "suspended" | "readmitted"; pool?: Hex };
  /** Key: a transaction hash. The federation timelock's operations scheduled in it. */
  scheduled_operations: { id: Hex };
  /** Key: a transaction hash. The rows a federation proposal executed in it may have written, awaiting its id. */
  proposal_effects: { table: "mutual_aid_grant" | "parameter_change" | "federation_event"; id: string };
  /** Key: "" (the one federation). Every admitted member's id, in order of admission. */
  federation_members: { id: string };
  /** Key: a holder's address (lowercase). The seats it holds, or held when they were burned. */
  seats_held: { seatId: string };
  /** Key: a contract's address (lowercase). A value's checkpoints (the seats' supply, a governor's quorum numerator). */
  checkpoints: { timepoint: string; value: string };
}

type Scope = keyof Trails;

/** The entries of the list (`scope`, `key`), oldest first; empty if none was written. */
export async function trailOf<S extends Scope>(db: Db, scope: S, key: string): Promise<Trails[S][]> {
  const row = await db.find(trail, { scope, key });
  return (row?.entries ?? []) as Trails[S][];
}

/** Replaces the entries of the list (`scope`, `key`); an empty list is no row. */
export async function setTrail<S extends Scope>(db: Db, scope: S, key: string, entries: Trails[S][]): Promise<void> {
  if (entries.length === 0) await db.delete(trail, { scope, key });
  else await db.insert(trail).values({ scope, key, entries }).onConflictDoUpdate({ entries });
}

/** Appends `entry` to the list (`scope`, `key`). */
export async function appendTrail<S extends Scope>(db: Db, scope: S, key: string, entry: Trails[S]): Promise<void> {
  await db
    .insert(trail)
    .values({ scope, key, entries: [entry] })
    .onConflictDoUpdate((row) => ({ entries: [...row.entries, entry] }));
}

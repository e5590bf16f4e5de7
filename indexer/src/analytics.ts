/**
 * The business API's tables, kept as logs arrive (see ponder.schema.ts, "analytics and compliance"): a community's
 * day (`community_day`), an account's day (`account_day`), the flows between communities (`flow_day`), and the
 * compliance alerts with the rules' state per account (`alert`, `alert_state`). The token's Transfer handler calls
 * `recordTransfer`, the pools' Settled handler `recordSettlement`: so analytics over a range read one row per day and
 * alerts are computed once, in the order of the chain, not at request time.
 */
import type { Context } from "ponder:registry";
import {
  accountDay,
  alert,
  alertState,
  communityDay,
  communityProfile,
  flowDay,
  sanctionsListing,
} from "ponder:schema";
import { getAddress, type Address, type Hex } from "viem";
import { deployment } from "../deployment";
import { rateOf } from "./bridgeStore";
import {
  type Alert,
  type AlertState,
  decodeAlertState,
  emptyAlertState,
  encodeAlertState,
  observeTransfer,
  RULE_SEVERITY,
  sanctionedParties,
  type Thresholds,
  thresholdsFor,
} from "./lib/alerts";
import { referenceValue, sameAddress, utcDate, utcDay } from "./lib/bridge";
import { findRow, insertRow, StagedRow } from "./lib/staged";
import { logColumns } from "./store";

type Db = Context["db"];
type CommunityDayRow = typeof communityDay.$inferSelect;
type Profile = typeof communityProfile.$inferSelect;
type AlertStateRow = typeof alertState.$inferSelect;

/** flow_day's name for the side of a settlement whose token no registered community owns. */
export const EXTERNAL = "external";

const ROUTER = getAddress(deployment.bridge.router.address);
const SANCTIONS_LIST = getAddress(deployment.sanctionsList.address);

/** Each community's alert thresholds, from the deployment file (computed once per community). */
const thresholds = new Map<string, Thresholds>();
function thresholdsOf(community: string): Thresholds {
  let t = thresholds.get(community);
  if (!t) thresholds.set(community, (t = thresholdsFor(deployment.alerts, community)));
  return t;
}

/**
 * Which sides of a transfer are the bridge, from the parties' account rows (a mint has no sender, a burn no
 * recipient): the router, or a pool (`bridge`, marked by `ensurePool`).
 */
export function bridgeSides(
  t: Pick<TransferSeen, "from" | "to">,
  sender: { bridge: boolean } | null,
  recipient: { bridge: boolean } | null,
): BridgeSides {
  const isBridge = (address: Address, row: { bridge: boolean } | null) =>
    row !== null && (row.bridge || sameAddress(address, ROUTER));
  return { from: isBridge(t.from, sender), to: isBridge(t.to, recipient) };
}

/** A new row of the community's day of `at`: zero counts (closing supply and holders are set by each change). */
function freshCommunityDay(token: Address, community: string, at: bigint): CommunityDayRow {
  return {
    token,
    day: utcDay(at),
    date: utcDate(at),
    community,
    transferCount: 0,
    volume: 0n,
    volumeValue: 0n,
    bridgeTransferCount: 0,
    bridgeVolume: 0n,
    mintCount: 0,
    minted: 0n,
    burnCount: 0,
    burned: 0n,
    activeUsers: 0,
    crossBorderOutCount: 0,
    crossBorderOutVolume: 0n,
    crossBorderInCount: 0,
    crossBorderInVolume: 0n,
    alertCount: 0,
    supply: 0n,
    holders: 0,
  };
}

function readCommunityDay(db: Db, token: Address, community: string, at: bigint) {
  return StagedRow.read(db, communityDay, { token, day: utcDay(at) }, () => freshCommunityDay(token, community, at));
}

/**
 * Applies `change` to a community's day. Every change also sets the day's closing supply and holders from the
 * community's profile as it stands now (after the log being handled), so the last change of a day leaves its
 * end-of-day values.
 */
function changeDay(day: StagedRow<typeof communityDay>, profile: Profile, change: Partial<CommunityDayRow>): void {
  day.set(change);
  day.set({ supply: profile.totalSupply, holders: profile.holderCount });
}

/** `changeDay` on the community's day of `at`, read and written at once. */
async function changeCommunityDay(
  db: Db,
  profile: Profile,
  at: bigint,
  change: (row: CommunityDayRow) => Partial<CommunityDayRow>,
): Promise<void> {
  const day = await readCommunityDay(db, profile.token, profile.id, at);
  changeDay(day, profile, change(day.row));
  await day.write(db);
}

/**
 * The analytics rows a Transfer log changes, read together before it is applied (`readTransferRows`), changed in
 * memory (`recordAccountDays`, `recordTransfer`) and written together (`writeTransferRows`).
 */
export interface TransferRows {
  /** The community's day. */
  day: StagedRow<typeof communityDay>;
  /** The sender's and the recipient's days (null for a mint's sender, a burn's recipient; one row if they are one). */
  senderDay: StagedRow<typeof accountDay> | null;
  recipientDay: StagedRow<typeof accountDay> | null;
  /** The rule state of the accounts the alerts may concern, by lowercase address: the sender's is read ahead. */
  alertStates: Map<string, StagedRow<typeof alertState>>;
  /** The alert rows raised. */
  alerts: (typeof alert.$inferInsert)[];
}

function readAlertState(db: Db, token: Address, account: Address) {
  const empty = (): AlertStateRow => ({
    token,
    account,
    state: encodeAlertState(emptyAlertState()),
    low: 0,
    medium: 0,
    high: 0,
    severe: 0,
    lastAlertAt: null,
  });
  return StagedRow.read(db, alertState, { token, account }, empty);
}

/** Reads the rows `recordAccountDays` and `recordTransfer` change, together. */
export async function readTransferRows(
  db: Db,
  t: { token: Address; community: string; kind: TransferSeen["kind"]; from: Address; to: Address; at: bigint },
): Promise<TransferRows> {
  const day = utcDay(t.at);
  const accountDayOf = (account: Address) => {
    const empty = () => ({
      token: t.token,
      account,
      day,
      sentCount: 0,
      sent: 0n,
      receivedCount: 0,
      received: 0n,
      balance: 0n,
    });
    return StagedRow.read(db, accountDay, { token: t.token, account, day }, empty);
  };
  const self = sameAddress(t.from, t.to);
  const [communityDayRow, senderDay, recipientDay, senderState] = await Promise.all([
    readCommunityDay(db, t.token, t.community, t.at),
    t.kind === "mint" ? null : accountDayOf(t.from),
    t.kind === "burn" || self ? null : accountDayOf(t.to),
    t.kind === "mint" ? null : readAlertState(db, t.token, t.from),
  ]);
  return {
    day: communityDayRow,
    senderDay,
    recipientDay: self ? senderDay : recipientDay,
    alertStates: new Map(senderState ? [[t.from.toLowerCase(), senderState]] : []),
    alerts: [],
  };
}

/**
 * A Transfer log's share of its parties' days: the send on the sender's row, the receipt on the recipient's, each
 * with the balance after it (a self-transfer's two sides change one row, in turn). Returns whether this is the
 * sender's first send of the day (it becomes one of the day's active users).
 */
export function recordAccountDays(
  rows: TransferRows,
  t: { amount: bigint; senderBalance: bigint | null; recipientBalance: bigint | null },
): boolean {
  let first = false;
  if (rows.senderDay && t.senderBalance !== null) {
    const r = rows.senderDay.row;
    rows.senderDay.set({ sentCount: r.sentCount + 1, sent: r.sent + t.amount, balance: t.senderBalance });
    first = rows.senderDay.row.sentCount === 1;
  }
  if (rows.recipientDay && t.recipientBalance !== null) {
    const r = rows.recipientDay.row;
    rows.recipientDay.set({
      receivedCount: r.receivedCount + 1,
      received: r.received + t.amount,
      balance: t.recipientBalance,
    });
  }
  return first;
}

export interface TransferSeen {
  event: Parameters<typeof logColumns>[0] & { transaction: { hash: Hex } };
  kind: "mint" | "burn" | "transfer";
  from: Address;
  to: Address;
  amount: bigint;
  /** The community's profile after the transfer (supply and holders updated). */
  profile: Profile;
  /** The sender's balance after the transfer and whether it is an exempt system account; null for a mint. */
  sender: { balance: bigint; exempt: boolean } | null;
  /** Which sides are the bridge (`bridgeSides`). */
  bridge: BridgeSides;
  /** Whether this is the sender's first send of the day (`recordAccountDays`). */
  firstSendOfDay: boolean;
  /** What `readTransferChecksBeside` found. */
  checks: TransferChecks;
}

export interface BridgeSides {
  from: boolean;
  to: boolean;
}

export interface TransferChecks {
  /** The community currency's usable rate (null: none, or not a plain transfer). */
  rate: bigint | null;
  /** Whether the sender and the recipient are on the community's sanctions list. */
  fromListed: boolean;
  toListed: boolean;
}

/** What a community's checks are found by: its sanctions list and its currency (both in its profile). */
type ChecksKey = Pick<Profile, "sanctionsOracle" | "currency">;

/** Each community's checks key as its profile said at its last Transfer, by community id. */
const lastChecksKey = new Map<string, ChecksKey>();

/**
 * What `recordTransfer` reads besides its rows, read beside the profile they depend on: by the key the community's
 * profile had at its last Transfer (it rarely changes), at once; again by the profile's own key if that changed.
 * Live, this saves the handler a statement in turn (the guessed reads join the batch of the rows).
 */
export function readTransferChecksBeside(
  db: Db,
  community: string,
  profile: Promise<{ row: Profile }>,
  t: Pick<TransferSeen, "kind" | "from" | "to">,
): Promise<TransferChecks> {
  const guess = lastChecksKey.get(community);
  const early = guess && readTransferChecks(db, guess, t);
  early?.catch(() => undefined); // a guess not taken fails no one; a guess taken fails its caller
  return profile.then(({ row }) => {
    lastChecksKey.set(community, { sanctionsOracle: row.sanctionsOracle, currency: row.currency });
    const same =
      guess !== undefined && guess.sanctionsOracle === row.sanctionsOracle && guess.currency === row.currency;
    return same ? early! : readTransferChecks(db, row, t);
  });
}

/** What `recordTransfer` reads besides its rows: the currency's rate and the parties' sanctions listings. */
async function readTransferChecks(
  db: Db,
  profile: ChecksKey,
  t: Pick<TransferSeen, "kind" | "from" | "to">,
): Promise<TransferChecks> {
  const list = profile.sanctionsOracle ?? SANCTIONS_LIST;
  const listed = async (address: Address) =>
    (await findRow(db, sanctionsListing, { list, address }))?.sanctioned === true;
  const [rate, fromListed, toListed] = await Promise.all([
    t.kind === "transfer" ? rateOf(db, profile.currency) : null,
    t.kind !== "mint" && listed(t.from),
    t.kind !== "burn" && listed(t.to),
  ]);
  return { rate, fromListed, toListed };
}

/**
 * A Transfer log's share of its community's day and the alerts it raises (the sender's, unless a mint or a system
 * account), after `recordAccountDays`, on the rows `readTransferRows` read (a sanctioned party's rule state, when it
 * is not the sender's, is read here).
 */
export async function recordTransfer(db: Db, rows: TransferRows, t: TransferSeen): Promise<void> {
  const { kind, from, to, amount, profile, bridge } = t;
  const { rate, fromListed, toListed } = t.checks;
  const at = t.event.block.timestamp;
  const crossesBridge = kind === "transfer" && (bridge.from || bridge.to);

  // The sender's rules watch people and businesses: not the system accounts (exempt) nor the pools paying out swaps.
  const watched = t.sender !== null && !t.sender.exempt && !bridge.from;
  let alerts = 0;
  if (watched) {
    const facts = {
      account: from,
      community: profile.id,
      txHash: t.event.transaction.hash,
      amount,
      at,
      counterpartySanctioned: toListed,
    };
    alerts += await raiseAlerts(db, rows, t, { account: from, counterparty: to }, (state) =>
      observeTransfer(state, thresholdsOf(profile.id), facts),
    );
  }
  for (const parties of sanctionedParties({ from, to, fromListed, toListed, senderWatched: watched })) {
    const sanctioned = [{ rule: "sanctioned" as const, severity: RULE_SEVERITY.sanctioned }];
    alerts += await raiseAlerts(db, rows, t, parties as { account: Address; counterparty: Address }, (state) => ({
      state,
      alerts: sanctioned,
    }));
  }

  const d = rows.day.row;
  changeDay(rows.day, profile, {
    activeUsers: d.activeUsers + (t.firstSendOfDay ? 1 : 0),
    alertCount: d.alertCount + alerts,
    ...(kind === "mint" && { mintCount: d.mintCount + 1, minted: d.minted + amount }),
    ...(kind === "burn" && { burnCount: d.burnCount + 1, burned: d.burned + amount }),
    ...(kind === "transfer" && {
      transferCount: d.transferCount + 1,
      volume: d.volume + amount,
      volumeValue: d.volumeValue + (rate === null ? 0n : referenceValue(amount, rate)),
      bridgeTransferCount: d.bridgeTransferCount + (crossesBridge ? 1 : 0),
      bridgeVolume: d.bridgeVolume + (crossesBridge ? amount : 0n),
    }),
  });
}

/** Writes what `recordAccountDays` and `recordTransfer` changed, together: each row once, and the alerts raised. */
export async function writeTransferRows(db: Db, rows: TransferRows): Promise<void> {
  const staged = new Set([rows.day, rows.senderDay, rows.recipientDay, ...rows.alertStates.values()]);
  await Promise.all([
    ...[...staged].map((row) => row?.write(db)),
    ...rows.alerts.map((values) => insertRow(db, alert, values)),
  ]);
}

/**
 * Runs `observe` on the account's rule state (its row in `rows`, read if it is not there yet), stores the state it
 * returns and adds the alerts it raised to the account's counts and, as alert rows of `account` (their counterparty,
 * the transfer's transaction and amount), to `rows.alerts`. Returns how many alerts it raised.
 */
async function raiseAlerts(
  db: Db,
  rows: TransferRows,
  t: TransferSeen,
  parties: { account: Address; counterparty: Address },
  observe: (state: AlertState) => { state: AlertState; alerts: readonly Pick<Alert, "rule" | "severity">[] },
): Promise<number> {
  const { event, amount, profile } = t;
  const at = event.block.timestamp;
  const key = parties.account.toLowerCase();
  let staged = rows.alertStates.get(key);
  if (!staged) rows.alertStates.set(key, (staged = await readAlertState(db, profile.token, parties.account)));
  const row = staged.row;
  const observed = observe(decodeAlertState(row.state));
  const raised = observed.alerts;
  const count = (severity: string) => raised.filter((a) => a.severity === severity).length;
  staged.set({
    state: encodeAlertState(observed.state),
    low: row.low + count("low"),
    medium: row.medium + count("medium"),
    high: row.high + count("high"),
    severe: row.severe + count("severe"),
    lastAlertAt: raised.length > 0 ? at : row.lastAlertAt,
  });
  for (const a of raised) {
    rows.alerts.push({
      ...logColumns(event),
      id: `${event.id}:${a.rule}:${key}`,
      rule: a.rule,
      severity: a.severity,
      token: profile.token,
      community: profile.id,
      account: parties.account,
      counterparty: parties.counterparty,
      amount,
      day: utcDay(at),
    });
  }
  return raised.length;
}

export interface SettlementSeen {
  at: bigint;
  /** The communities of the currency paid in and of the currency paid out (null: a token no community owns). */
  source: string | null;
  destination: string | null;
  corridor: string;
  amountIn: bigint;
  amountOut: bigint;
  value: bigint;
  travelRule: boolean;
}

/** A Settled swap's share of the flow between the two communities and of each community's day. */
export async function recordSettlement(db: Db, s: SettlementSeen): Promise<void> {
  const day = utcDay(s.at);
  const { source, destination } = s;
  const add = {
    swapCount: 1,
    amountIn: s.amountIn,
    amountOut: s.amountOut,
    value: s.value,
    travelRuleCount: s.travelRule ? 1 : 0,
  };
  await db
    .insert(flowDay)
    .values({
      sourceCommunity: source ?? EXTERNAL,
      destinationCommunity: destination ?? EXTERNAL,
      day,
      date: utcDate(s.at),
      corridor: s.corridor,
      ...add,
    })
    .onConflictDoUpdate((row) => ({
      swapCount: row.swapCount + 1,
      amountIn: row.amountIn + add.amountIn,
      amountOut: row.amountOut + add.amountOut,
      value: row.value + add.value,
      travelRuleCount: row.travelRuleCount + add.travelRuleCount,
    }));
  const sides: [string | null, (d: CommunityDayRow) => Partial<CommunityDayRow>][] = [
    [
      source,
      (d) => ({
        crossBorderOutCount: d.crossBorderOutCount + 1,
        crossBorderOutVolume: d.crossBorderOutVolume + s.amountIn,
      }),
    ],
    [
      destination,
      (d) => ({
        crossBorderInCount: d.crossBorderInCount + 1,
        crossBorderInVolume: d.crossBorderInVolume + s.amountOut,
      }),
    ],
  ];
  for (const [community, change] of sides) {
    const profile = community === null ? null : await db.find(communityProfile, { id: community });
    if (profile) await changeCommunityDay(db, profile, s.at, change);
  }
}

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
  pool,
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
import { logColumns } from "./store";

type Db = Context["db"];
type CommunityDayRow = typeof communityDay.$inferSelect;
type Profile = typeof communityProfile.$inferSelect;

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

/** Whether `address` is the bridge: one of its pools or its router (transfers to or from it are not local trade). */
async function isBridge(db: Db, address: Address): Promise<boolean> {
  return sameAddress(address, ROUTER) || (await db.find(pool, { address })) !== null;
}

/**
 * Applies `change` to the community's row of the UTC day of `at`, creating it first (zero counts). Every write also
 * sets the day's closing supply and holders from the community's profile as it stands now (after the log being
 * handled), so the last write of a day leaves its end-of-day values.
 */
async function changeCommunityDay(
  db: Db,
  profile: Profile,
  at: bigint,
  change: (row: CommunityDayRow) => Partial<CommunityDayRow>,
): Promise<void> {
  const day = utcDay(at);
  const closing = { supply: profile.totalSupply, holders: profile.holderCount };
  const fresh: CommunityDayRow = {
    token: profile.token,
    day,
    date: utcDate(at),
    community: profile.id,
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
    ...closing,
  };
  await db
    .insert(communityDay)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((row) => ({ ...change(row), ...closing }));
}

/**
 * Adds a send or a receipt to the account's row of the day, with its balance after it. Returns whether this is the
 * account's first send of the day (it becomes one of the day's active users).
 */
async function changeAccountDay(
  db: Db,
  key: { token: Address; account: Address; day: bigint },
  side: "sent" | "received",
  amount: bigint,
  balance: bigint,
): Promise<boolean> {
  const sent = side === "sent";
  const row = await db
    .insert(accountDay)
    .values({
      ...key,
      sentCount: sent ? 1 : 0,
      sent: sent ? amount : 0n,
      receivedCount: sent ? 0 : 1,
      received: sent ? 0n : amount,
      balance,
    })
    .onConflictDoUpdate((r) =>
      sent
        ? { sentCount: r.sentCount + 1, sent: r.sent + amount, balance }
        : { receivedCount: r.receivedCount + 1, received: r.received + amount, balance },
    );
  return sent && row.sentCount === 1;
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
  /** The recipient's balance after the transfer; null for a burn. */
  recipientBalance: bigint | null;
}

/** A Transfer log's share of the day tables and the alerts it raises (the sender's, unless a mint or a system account). */
export async function recordTransfer(db: Db, t: TransferSeen): Promise<void> {
  const { event, kind, from, to, amount, profile } = t;
  const at = event.block.timestamp;
  const day = utcDay(at);
  const token = profile.token;

  let newActive = 0;
  if (t.sender) {
    const first = await changeAccountDay(db, { token, account: from, day }, "sent", amount, t.sender.balance);
    if (first) newActive = 1;
  }
  if (t.recipientBalance !== null) {
    await changeAccountDay(db, { token, account: to, day }, "received", amount, t.recipientBalance);
  }

  const fromBridge = kind !== "mint" && (await isBridge(db, from));
  const toBridge = kind !== "burn" && (await isBridge(db, to));
  const bridge = kind === "transfer" && (fromBridge || toBridge);
  const rate = kind === "transfer" ? await rateOf(db, profile.currency) : null;

  const list = profile.sanctionsOracle ?? SANCTIONS_LIST;
  const listed = async (address: Address) => (await db.find(sanctionsListing, { list, address }))?.sanctioned === true;
  const fromListed = kind !== "mint" && (await listed(from));
  const toListed = kind !== "burn" && (await listed(to));
  // The sender's rules watch people and businesses: not the system accounts (exempt) nor the pools paying out swaps.
  const watched = t.sender !== null && !t.sender.exempt && !fromBridge;
  let alerts = 0;
  if (watched) {
    const key = { token, account: from };
    const before = await db.find(alertState, key);
    const observed = observeTransfer(
      before ? decodeAlertState(before.state) : emptyAlertState(),
      thresholdsOf(profile.id),
      {
        account: from,
        community: profile.id,
        txHash: event.transaction.hash,
        amount,
        at,
        counterpartySanctioned: toListed,
      },
    );
    alerts += await writeAlerts(db, t, { account: from, counterparty: to }, observed.alerts, observed.state);
  }
  for (const parties of sanctionedParties({ from, to, fromListed, toListed, senderWatched: watched })) {
    const sanctioned = [{ rule: "sanctioned" as const, severity: RULE_SEVERITY.sanctioned }];
    alerts += await writeAlerts(db, t, parties as { account: Address; counterparty: Address }, sanctioned);
  }

  await changeCommunityDay(db, profile, at, (d) => ({
    activeUsers: d.activeUsers + newActive,
    alertCount: d.alertCount + alerts,
    ...(kind === "mint" && { mintCount: d.mintCount + 1, minted: d.minted + amount }),
    ...(kind === "burn" && { burnCount: d.burnCount + 1, burned: d.burned + amount }),
    ...(kind === "transfer" && {
      transferCount: d.transferCount + 1,
      volume: d.volume + amount,
      volumeValue: d.volumeValue + (rate === null ? 0n : referenceValue(amount, rate)),
      bridgeTransferCount: d.bridgeTransferCount + (bridge ? 1 : 0),
      bridgeVolume: d.bridgeVolume + (bridge ? amount : 0n),
    }),
  }));
}

/**
 * Writes `raised` as alert rows of `account` (their counterparty, the transfer's transaction and amount) and adds
 * them to the account's counts; `state` is the account's new rule state when its rules observed the transfer.
 * Returns how many alerts it wrote.
 */
async function writeAlerts(
  db: Db,
  t: TransferSeen,
  parties: { account: Address; counterparty: Address },
  raised: readonly Pick<Alert, "rule" | "severity">[],
  state?: AlertState,
): Promise<number> {
  const { event, amount, profile } = t;
  const key = { token: profile.token, account: parties.account };
  const count = (severity: string) => raised.filter((a) => a.severity === severity).length;
  const counts = { low: count("low"), medium: count("medium"), high: count("high"), severe: count("severe") };
  const at = event.block.timestamp;
  const lastAlertAt = raised.length > 0 ? at : null;
  const encoded = state === undefined ? undefined : encodeAlertState(state);
  await db
    .insert(alertState)
    .values({ ...key, state: encoded ?? encodeAlertState(emptyAlertState()), ...counts, lastAlertAt })
    .onConflictDoUpdate((row) => ({
      state: encoded ?? row.state,
      low: row.low + counts.low,
      medium: row.medium + counts.medium,
      high: row.high + counts.high,
      severe: row.severe + counts.severe,
      lastAlertAt: lastAlertAt ?? row.lastAlertAt,
    }));
  for (const a of raised) {
    await db.insert(alert).values({
      ...logColumns(event),
      id: `${event.id}:${a.rule}:${parties.account.toLowerCase()}`,
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

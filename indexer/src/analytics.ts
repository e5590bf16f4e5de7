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
import { logColumns } from "./store";

type Db = Context["db"];
type CommunityDayRow = typeof communityDay.$inferSelect;
type Profile = typeof communityProfile.$inferSelect;
type AlertCounts = Omit<typeof alertState.$inferSelect, "token" | "account">;

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

/**
 * A Transfer log's share of its parties' days: the send on the sender's row, the receipt on the recipient's, each
 * with the balance after it (a self-transfer's two sides touch one row, so they run in turn). Returns whether this
 * is the sender's first send of the day (it becomes one of the day's active users).
 */
export async function recordAccountDays(
  db: Db,
  t: Pick<TransferSeen, "event" | "from" | "to" | "amount"> & {
    token: Address;
    senderBalance: bigint | null;
    recipientBalance: bigint | null;
  },
): Promise<boolean> {
  const day = utcDay(t.event.block.timestamp);
  const send = async () =>
    t.senderBalance !== null &&
    (await changeAccountDay(db, { token: t.token, account: t.from, day }, "sent", t.amount, t.senderBalance));
  const receive = async () => {
    if (t.recipientBalance !== null) {
      await changeAccountDay(db, { token: t.token, account: t.to, day }, "received", t.amount, t.recipientBalance);
    }
  };
  if (sameAddress(t.from, t.to)) {
    const first = await send();
    await receive();
    return first;
  }
  const [first] = await Promise.all([send(), receive()]);
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
}

export interface BridgeSides {
  from: boolean;
  to: boolean;
}

/**
 * A Transfer log's share of its community's day and the alerts it raises (the sender's, unless a mint or a system
 * account), after `recordAccountDays`. The reads it needs run together; each write is one upsert.
 */
export async function recordTransfer(db: Db, t: TransferSeen): Promise<void> {
  const { event, kind, from, to, amount, profile, bridge } = t;
  const at = event.block.timestamp;

  const list = profile.sanctionsOracle ?? SANCTIONS_LIST;
  const listed = async (address: Address) => (await db.find(sanctionsListing, { list, address }))?.sanctioned === true;
  const [rate, fromListed, toListed] = await Promise.all([
    kind === "transfer" ? rateOf(db, profile.currency) : null,
    kind !== "mint" && listed(from),
    kind !== "burn" && listed(to),
  ]);
  const crossesBridge = kind === "transfer" && (bridge.from || bridge.to);

  // The sender's rules watch people and businesses: not the system accounts (exempt) nor the pools paying out swaps.
  const watched = t.sender !== null && !t.sender.exempt && !bridge.from;
  let alerts = 0;
  if (watched) {
    const facts = {
      account: from,
      community: profile.id,
      txHash: event.transaction.hash,
      amount,
      at,
      counterpartySanctioned: toListed,
    };
    alerts += await writeAlerts(db, t, { account: from, counterparty: to }, (state) =>
      observeTransfer(state, thresholdsOf(profile.id), facts),
    );
  }
  for (const parties of sanctionedParties({ from, to, fromListed, toListed, senderWatched: watched })) {
    const sanctioned = [{ rule: "sanctioned" as const, severity: RULE_SEVERITY.sanctioned }];
    alerts += await writeAlerts(db, t, parties as { account: Address; counterparty: Address }, (state) => ({
      state,
      alerts: sanctioned,
    }));
  }

  await changeCommunityDay(db, profile, at, (d) => ({
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
  }));
}

/**
 * Runs `observe` on the account's rule state (empty if the account has none yet) in the one upsert that stores the
 * state it returns, writes the alerts it raised as alert rows of `account` (their counterparty, the transfer's
 * transaction and amount) and adds them to the account's counts. Returns how many alerts it wrote.
 */
async function writeAlerts(
  db: Db,
  t: TransferSeen,
  parties: { account: Address; counterparty: Address },
  observe: (state: AlertState) => { state: AlertState; alerts: readonly Pick<Alert, "rule" | "severity">[] },
): Promise<number> {
  const { event, amount, profile } = t;
  const at = event.block.timestamp;
  // The store computes the new row from the stored one when there is one, from `values` otherwise: `raised` ends
  // as what the path taken observed.
  let raised: readonly Pick<Alert, "rule" | "severity">[] = [];
  const change = (row: AlertCounts) => {
    const observed = observe(decodeAlertState(row.state));
    raised = observed.alerts;
    const count = (severity: string) => raised.filter((a) => a.severity === severity).length;
    return {
      state: encodeAlertState(observed.state),
      low: row.low + count("low"),
      medium: row.medium + count("medium"),
      high: row.high + count("high"),
      severe: row.severe + count("severe"),
      lastAlertAt: raised.length > 0 ? at : row.lastAlertAt,
    };
  };
  const key = { token: profile.token, account: parties.account };
  const empty: AlertCounts = {
    state: encodeAlertState(emptyAlertState()),
    low: 0,
    medium: 0,
    high: 0,
    severe: 0,
    lastAlertAt: null,
  };
  await db
    .insert(alertState)
    .values({ ...key, ...change(empty) })
    .onConflictDoUpdate(change);
  await Promise.all(
    raised.map((a) =>
      db.insert(alert).values({
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
      }),
    ),
  );
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

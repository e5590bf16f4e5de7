/**
 * The `communities`, `community` and `analytics` queries, and the `Amount` and `Ratio` types. Analytics read the
 * daily aggregate tables the handlers keep (`community_day`, `account_day`, `flow_day`, `corridor_day`,
 * `merchant_day`, `pool_day`) and a few small tables (`merchant`, `pool`, `proposal`, `fx_rate`); the formulas are
 * in src/lib/metrics.ts and written out in the schema's descriptions. `rollUpDays` is the pure part (unit-tested
 * in test/indexer/businessAnalytics.test.ts); the rest is SQL.
 */
import { sql } from "drizzle-orm";
import {
  averageSupply,
  governanceParticipation,
  isDefined,
  kcShare,
  localTradeShare,
  ratio,
  type Ratio,
  toBps,
  toDecimal,
  UNDEFINED_RATIO,
  velocity,
} from "../../lib/metrics";
import { DAY, ONE, utcDate } from "../../lib/bridge";
import {
  type AmountValue,
  type ApiContext,
  big,
  type CommunityInfo,
  fiat,
  kc,
  reference,
  requireCommunity,
} from "./context";
import { checkLocale, formatAmount, toDecimalString } from "./money";
import { parseRange } from "./inputs";
import { SenderDays } from "./senders";
import { finalizedTimestamp, SnapshotCache } from "./snapshot";
import { GiniDays } from "./gini";

/** One `community_day` row, as numbers and bigints. */
export interface DayRow {
  token: string;
  day: bigint;
  transferCount: number;
  volume: bigint;
  volumeValue: bigint;
  bridgeVolume: bigint;
  minted: bigint;
  burned: bigint;
  activeUsers: number;
  supply: bigint;
  holders: number;
  crossBorderOutCount: number;
  crossBorderOutVolume: bigint;
  crossBorderInCount: number;
  crossBorderInVolume: bigint;
  alertCount: number;
}

/** One day of a roll-up: the day's sums over the tokens, and the tokens' end-of-day supply and holders. */
export interface RolledDay {
  day: bigint;
  transferCount: number;
  volume: bigint;
  volumeValue: bigint;
  activeUsers: number;
  supply: bigint;
  holders: number;
  crossBorderCount: number;
  alertCount: number;
}

export interface RollUp {
  days: RolledDay[];
  transferCount: number;
  volume: bigint;
  volumeValue: bigint;
  bridgeVolume: bigint;
  minted: bigint;
  burned: bigint;
  crossBorderOutVolume: bigint;
  crossBorderInVolume: bigint;
  /** Holders at the end of the range (summed over tokens). */
  holders: number;
  /** Exact mean of the end-of-day supplies (one token only; summed over tokens otherwise). */
  averageSupply: Ratio;
}

/**
 * Rolls `community_day` rows up over the UTC days `from`..`to` (00:00 timestamps, both included). `rows` holds the
 * rows of the range and, per token, the latest row before it (its supply and holders carry into the range); a day
 * without a token's row keeps that token's previous supply and holders, and adds nothing to the day's sums.
 */
export function rollUpDays(rows: readonly DayRow[], from: bigint, to: bigint): RollUp {
  const tokens = [...new Set(rows.map((r) => r.token))];
  const carried = new Map<string, { supply: bigint; holders: number }>();
  for (const token of tokens) {
    const before = rows.filter((r) => r.token === token && r.day < from).sort((a, b) => Number(b.day - a.day))[0];
    carried.set(token, { supply: before?.supply ?? 0n, holders: before?.holders ?? 0 });
  }
  const inRange = rows.filter((r) => r.day >= from && r.day <= to);
  const byDay = new Map<bigint, DayRow[]>();
  for (const row of inRange) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);

  const sum = <K extends keyof DayRow>(list: readonly DayRow[], key: K) =>
    list.reduce((acc, r) => acc + BigInt(r[key] as bigint | number), 0n);
  const days: RolledDay[] = [];
  const supplyPoints: { day: bigint; supply: bigint }[] = [];
  for (let day = from; day <= to; day += DAY) {
    const list = byDay.get(day) ?? [];
    for (const r of list) carried.set(r.token, { supply: r.supply, holders: r.holders });
    const supply = [...carried.values()].reduce((acc, c) => acc + c.supply, 0n);
    const holders = [...carried.values()].reduce((acc, c) => acc + c.holders, 0);
    supplyPoints.push({ day, supply });
    days.push({
      day,
      transferCount: Number(sum(list, "transferCount")),
      volume: sum(list, "volume"),
      volumeValue: sum(list, "volumeValue"),
      activeUsers: Number(sum(list, "activeUsers")),
      supply,
      holders,
      crossBorderCount: Number(sum(list, "crossBorderOutCount") + sum(list, "crossBorderInCount")),
      alertCount: Number(sum(list, "alertCount")),
    });
  }
  return {
    days,
    transferCount: Number(sum(inRange, "transferCount")),
    volume: sum(inRange, "volume"),
    volumeValue: sum(inRange, "volumeValue"),
    bridgeVolume: sum(inRange, "bridgeVolume"),
    minted: sum(inRange, "minted"),
    burned: sum(inRange, "burned"),
    crossBorderOutVolume: sum(inRange, "crossBorderOutVolume"),
    crossBorderInVolume: sum(inRange, "crossBorderInVolume"),
    holders: days.at(-1)?.holders ?? 0,
    averageSupply: averageSupply(supplyPoints, from, to),
  };
}

/** An exact ratio as the API's `Ratio`, or null when undefined. */
export function ratioValue(r: Ratio) {
  if (!isDefined(r)) return null;
  return {
    numerator: r.numerator.toString(),
    denominator: r.denominator.toString(),
    decimal: toDecimal(r, 6),
    bps: toBps(r),
  };
}

/** `amount` (18 decimals) at `rate` (reference units per unit, 18 decimals). */
function valued(amount: bigint, rate: bigint | undefined): bigint {
  return rate === undefined ? 0n : (amount * rate) / ONE;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);

/** Analytics answers (per scope and range), shared by the requests of this API process. */
const analyticsCache = new SnapshotCache(1_024);

function dayRow(r: Row): DayRow {
  return {
    token: String(r.token),
    day: big(r.day),
    transferCount: num(r.transfer_count),
    volume: big(r.volume),
    volumeValue: big(r.volume_value),
    bridgeVolume: big(r.bridge_volume),
    minted: big(r.minted),
    burned: big(r.burned),
    activeUsers: num(r.active_users),
    supply: big(r.supply),
    holders: num(r.holders),
    crossBorderOutCount: num(r.cross_border_out_count),
    crossBorderOutVolume: big(r.cross_border_out_volume),
    crossBorderInCount: num(r.cross_border_in_count),
    crossBorderInVolume: big(r.cross_border_in_volume),
    alertCount: num(r.alert_count),
  };
}

/** The oracle's usable rates by currency (the reference currency at 1). */
async function rates(ctx: ApiContext): Promise<Map<string, bigint>> {
  const rows = await ctx.query<Row>(sql`SELECT currency, rate, reference FROM fx_rate`);
  const map = new Map<string, bigint>([[ctx.referenceCurrency, ONE]]);
  for (const r of rows) {
    if (r.reference === true) map.set(String(r.currency), ONE);
    else if (r.rate !== null) map.set(String(r.currency), big(r.rate));
  }
  return map;
}

/** `community_day` rows of the range, plus each token's latest row before it. */
async function dayRows(ctx: ApiContext, token: string | null, from: bigint, to: bigint): Promise<DayRow[]> {
  const byToken = token === null ? sql`TRUE` : sql`token = ${token}`;
  const rows = await ctx.query<Row>(sql`
    SELECT * FROM community_day WHERE ${byToken} AND day BETWEEN ${from} AND ${to}
    UNION ALL
    SELECT * FROM (
      SELECT DISTINCT ON (token) * FROM community_day WHERE ${byToken} AND day < ${from} ORDER BY token, day DESC
    ) before`);
  return rows.map(dayRow);
}

/** Each day's senders, shared by the requests of this API process. */
const senderDays = new SenderDays();
/** Gini coefficients by token and end day. */
const giniDays = new GiniDays();
/** The finalized timestamp by snapshot. */
const finality = new SnapshotCache(4);

/** The block timestamp up to which the indexed data is final (read once per snapshot). */
async function finalizedAt(ctx: ApiContext): Promise<bigint> {
  return finality.get(await ctx.snapshot(), "finalized", () => finalizedTimestamp((s) => ctx.query(s)));
}

/** Distinct senders in [from, to] and the retention of the previous period's (the `days` before `from`). */
async function activity(ctx: ApiContext, token: string | null, from: bigint, to: bigint, days: number) {
  const { active, previous, retained } = await senderDays.activity(ctx, token, from, to, days, await finalizedAt(ctx));
  return { activeUsers: active, retention: ratio(BigInt(retained), BigInt(previous)) };
}

async function governance(
  ctx: ApiContext,
  scope: "community" | "federation",
  token: string | null,
  from: bigint,
  to: bigint,
) {
  const byToken = token === null ? sql`TRUE` : sql`token = ${token}`;
  const [row] = await ctx.query<Row>(sql`
    SELECT count(*) AS proposals,
           count(eligible_voting_power) AS with_votes,
           coalesce(sum(for_votes + against_votes + abstain_votes) FILTER (WHERE eligible_voting_power IS NOT NULL), 0) AS cast,
           coalesce(sum(eligible_voting_power), 0) AS eligible
    FROM proposal
    WHERE scope = ${scope} AND ${byToken} AND vote_start >= ${from} AND vote_start < ${to + DAY}`);
  const cast = big(row?.cast);
  const eligible = big(row?.eligible);
  return {
    proposals: num(row?.proposals),
    proposalsWithVotes: num(row?.with_votes),
    votesCast: cast.toString(),
    eligibleVotingPower: eligible.toString(),
    participation: ratioValue(governanceParticipation(cast, eligible)),
  };
}

async function poolStats(ctx: ApiContext, community: string | null, from: bigint, to: bigint) {
  const byCommunity =
    community === null ? sql`TRUE` : sql`(p.community_a = ${community} OR p.community_b = ${community})`;
  const rows = await ctx.query<Row>(sql`
    SELECT p.address, p.symbol, p.community_a, p.community_b, p.tvl,
           coalesce(sum(d.volume), 0) AS volume, coalesce(sum(d.swap_count), 0) AS swaps
    FROM pool p LEFT JOIN pool_day d ON d.pool = p.address AND d.day BETWEEN ${from} AND ${to}
    WHERE ${byCommunity}
    GROUP BY p.address, p.symbol, p.community_a, p.community_b, p.tvl
    ORDER BY p.symbol`);
  return rows.map((r) => ({
    address: String(r.address),
    symbol: String(r.symbol),
    communityA: (r.community_a as string | null) ?? null,
    communityB: (r.community_b as string | null) ?? null,
    tvl: r.tvl === null ? null : reference(big(r.tvl), ctx),
    volume: reference(big(r.volume), ctx),
    swapCount: num(r.swaps),
  }));
}

async function crossBorder(ctx: ApiContext, community: string | null, from: bigint, to: bigint) {
  const rows =
    community === null
      ? await ctx.query<Row>(sql`
          SELECT corridor, sum(swap_count) AS count, sum(volume) AS value, sum(travel_rule_count) AS travel
          FROM corridor_day WHERE day BETWEEN ${from} AND ${to} GROUP BY corridor ORDER BY corridor`)
      : await ctx.query<Row>(sql`
          SELECT corridor, sum(swap_count) AS count, sum(value) AS value, sum(travel_rule_count) AS travel
          FROM flow_day
          WHERE (source_community = ${community} OR destination_community = ${community})
            AND day BETWEEN ${from} AND ${to}
          GROUP BY corridor ORDER BY corridor`);
  const corridors = rows.map((r) => {
    const [sourceCountry = "", destinationCountry = ""] = String(r.corridor).split("-");
    return {
      corridor: String(r.corridor),
      sourceCountry,
      destinationCountry,
      count: num(r.count),
      volume: reference(big(r.value), ctx),
      travelRuleCount: num(r.travel),
    };
  });
  return {
    count: corridors.reduce((acc, c) => acc + c.count, 0),
    volume: reference(
      corridors.reduce((acc, c) => acc + c.volume.raw, 0n),
      ctx,
    ),
    corridors,
  };
}

async function registeredBusinesses(ctx: ApiContext, token: string | null, to: bigint): Promise<number> {
  const byToken = token === null ? sql`TRUE` : sql`token = ${token}`;
  const [row] = await ctx.query<Row>(
    sql`SELECT count(*) AS n FROM merchant WHERE ${byToken} AND registered_at < ${to + DAY}`,
  );
  return num(row?.n);
}

/** Sales per token in the range (KC parts, and fiat parts in the token's own currency). */
async function sales(ctx: ApiContext, token: string | null, from: bigint, to: bigint) {
  const byToken = token === null ? sql`TRUE` : sql`token = ${token}`;
  return (
    await ctx.query<Row>(sql`
      SELECT token, sum(payment_count) AS payments, sum(kc_volume) AS kc, sum(fiat_volume) AS fiat
      FROM merchant_day WHERE ${byToken} AND day BETWEEN ${from} AND ${to} GROUP BY token`)
  ).map((r) => ({ token: String(r.token), payments: num(r.payments), kc: big(r.kc), fiat: big(r.fiat) }));
}

function dailyEntry(day: RolledDay, amount: (raw: bigint) => AmountValue, federation: boolean, active?: number) {
  return {
    date: utcDate(day.day),
    transactionCount: day.transferCount,
    volume: amount(federation ? day.volumeValue : day.volume),
    activeUsers: active ?? day.activeUsers,
    supply: federation ? null : amount(day.supply),
    holders: day.holders,
    crossBorderCount: day.crossBorderCount,
    alertCount: day.alertCount,
  };
}

async function communityAnalytics(ctx: ApiContext, c: CommunityInfo, from: bigint, to: bigint, days: number) {
  const amount = (raw: bigint) => kc(raw, c);
  // independent reads, run together
  const [rows, { activeUsers, retention }, [sold], businesses, border, gini, pools, votes] = await Promise.all([
    dayRows(ctx, c.token, from, to),
    activity(ctx, c.token, from, to, days),
    sales(ctx, c.token, from, to),
    registeredBusinesses(ctx, c.token, to),
    crossBorder(ctx, c.id, from, to),
    finalizedAt(ctx).then((finalized) => giniDays.at(ctx, c.token, to, finalized)),
    poolStats(ctx, c.id, from, to),
    governance(ctx, "community", c.token, from, to),
  ]);
  const roll = rollUpDays(rows, from, to);
  const local = roll.volume - roll.bridgeVolume;
  return {
    scope: c.id,
    holders: roll.holders,
    activeUsers,
    retention: ratioValue(retention),
    transactionCount: roll.transferCount,
    volume: amount(roll.volume),
    minted: amount(roll.minted),
    burned: amount(roll.burned),
    averageSupply: isDefined(roll.averageSupply)
      ? amount(roll.averageSupply.numerator / roll.averageSupply.denominator)
      : null,
    velocity: ratioValue(isDefined(roll.averageSupply) ? velocity(roll.volume, roll.averageSupply) : UNDEFINED_RATIO),
    registeredBusinesses: businesses,
    merchantSales: {
      paymentCount: sold?.payments ?? 0,
      kc: amount(sold?.kc ?? 0n),
      fiat: fiat(sold?.fiat ?? 0n, c),
      kcShare: ratioValue(kcShare(sold?.kc ?? 0n, sold?.fiat ?? 0n)),
    },
    crossBorder: border,
    localTradeShare: ratioValue(localTradeShare(local, local + roll.crossBorderOutVolume + roll.crossBorderInVolume)),
    gini: ratioValue(gini),
    pools,
    governance: votes,
    daily: roll.days.map((d) => dailyEntry(d, amount, false)),
  };
}

async function federationAnalytics(ctx: ApiContext, from: bigint, to: bigint, days: number) {
  const amount = (raw: bigint) => reference(raw, ctx);
  // independent reads, run together
  const [communities, rateOf, rows, { activeUsers, retention }, activeByDay, sold, businesses, border, pools, votes] =
    await Promise.all([
      ctx.communities(),
      rates(ctx),
      dayRows(ctx, null, from, to),
      activity(ctx, null, from, to, days),
      finalizedAt(ctx).then((finalized) => senderDays.perDay(ctx, from, to, finalized)),
      sales(ctx, null, from, to),
      registeredBusinesses(ctx, null, to),
      crossBorder(ctx, null, from, to),
      poolStats(ctx, null, from, to),
      governance(ctx, "federation", null, from, to),
    ]);
  const currencyOf = new Map([...communities.values()].map((c) => [c.token, c.currency]));
  const roll = rollUpDays(rows, from, to);
  // Local and cross-border volumes per token, valued at the current rates (as merchant sales).
  let local = 0n;
  let total = 0n;
  for (const r of rows.filter((row) => row.day >= from && row.day <= to)) {
    const rate = rateOf.get(currencyOf.get(r.token) ?? "");
    const inside = valued(r.volume - r.bridgeVolume, rate);
    local += inside;
    total += inside + valued(r.crossBorderOutVolume + r.crossBorderInVolume, rate);
  }
  let kcValue = 0n;
  let fiatValue = 0n;
  let payments = 0;
  for (const s of sold) {
    const rate = rateOf.get(currencyOf.get(s.token) ?? "");
    kcValue += valued(s.kc, rate);
    fiatValue += valued(s.fiat, rate);
    payments += s.payments;
  }
  return {
    scope: "federation",
    holders: roll.holders,
    activeUsers,
    retention: ratioValue(retention),
    transactionCount: roll.transferCount,
    volume: amount(roll.volumeValue),
    minted: null,
    burned: null,
    averageSupply: null,
    velocity: null,
    registeredBusinesses: businesses,
    merchantSales: {
      paymentCount: payments,
      kc: amount(kcValue),
      fiat: amount(fiatValue),
      kcShare: ratioValue(kcShare(kcValue, fiatValue)),
    },
    crossBorder: border,
    localTradeShare: ratioValue(localTradeShare(local, total)),
    gini: null,
    pools,
    governance: votes,
    daily: roll.days.map((d) => dailyEntry(d, amount, true, activeByDay.get(d.day) ?? 0)),
  };
}

function communityValue(ctx: ApiContext, c: CommunityInfo) {
  const t = ctx.alertThresholds(c.id);
  const amount = (raw: bigint) => kc(raw, c);
  return {
    id: c.id,
    name: c.name,
    country: c.country,
    currency: c.currency,
    symbol: c.symbol,
    locale: c.locale,
    token: c.token,
    holders: c.holders,
    supply: amount(c.supply),
    paused: c.paused,
    alertThresholds: {
      large: amount(t.large),
      dailyTotal: amount(t.dailyTotal),
      structuringLow: amount((t.large * BigInt(t.structuringLowBps)) / 10_000n),
      structuringHigh: amount((t.large * BigInt(t.structuringHighBps)) / 10_000n),
      structuringCount: t.structuringCount,
      structuringWindowSeconds: Number(t.structuringWindow),
      velocityCount: t.velocityCount,
      velocityWindowSeconds: Number(t.velocityWindow),
    },
  };
}

export const analyticsResolvers = {
  Query: {
    communities: async (_: unknown, __: unknown, ctx: ApiContext) =>
      [...(await ctx.communities()).values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((c) => communityValue(ctx, c)),
    community: async (_: unknown, args: { id: string }, ctx: ApiContext) =>
      communityValue(ctx, await requireCommunity(ctx, args.id)),
    analytics: async (_: unknown, args: { community?: string | null; from: string; to: string }, ctx: ApiContext) => {
      const range = parseRange(args.from, args.to);
      const base = { from: args.from, to: args.to, days: range.days };
      const snapshot = await ctx.snapshot();
      if (args.community === undefined || args.community === null) {
        const key = `federation:${range.from}:${range.to}`;
        const answer = analyticsCache.get(snapshot, key, () =>
          federationAnalytics(ctx, range.from, range.to, range.days),
        );
        return { ...base, ...(await answer) };
      }
      const c = await requireCommunity(ctx, args.community);
      const key = `${c.id}:${range.from}:${range.to}`;
      const answer = analyticsCache.get(snapshot, key, () =>
        communityAnalytics(ctx, c, range.from, range.to, range.days),
      );
      return { ...base, ...(await answer) };
    },
  },
  Amount: {
    value: (a: AmountValue) => toDecimalString(a.raw),
    raw: (a: AmountValue) => a.raw.toString(),
    currency: (a: AmountValue) => a.currency,
    formatted: (a: AmountValue, args: { locale?: string | null }) => {
      const locale = args.locale ?? a.locale;
      checkLocale(locale);
      return formatAmount(a.raw, { currency: a.currency, isoCurrency: a.isoCurrency, locale });
    },
  },
};

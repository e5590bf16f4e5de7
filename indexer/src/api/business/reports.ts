/**
 * The compliance and business reports of the business API: merchant statements, account histories (both also as
 * CSV), frozen accounts, the alert queue, an account's risk summary and the travel-rule records. Each Query resolver
 * checks the key (context.ts helpers), reads the indexer's tables with parameterized SQL (drizzle's `sql` template:
 * every input is a bound parameter), and hands the rows to the pure builders below, which the unit tests exercise
 * without a database (test/indexer/businessReports.test.ts). A statement or history is computed once: its `entries`
 * and its `csv` both derive from the same object. No Ponder imports (see context.ts).
 */
import { sql, type SQL } from "drizzle-orm";
import {
  type AmountValue,
  type ApiContext,
  big,
  clientError,
  type CommunityInfo,
  complianceCommunities,
  FEDERATION_LOCALE,
  fiat,
  kc,
  reference,
  requireCommunity,
  requireCompliance,
  requireMerchantAccess,
} from "./context";
import { DAY } from "../../lib/bridge";
import { toCsv } from "./csv";
import {
  decodeCursor,
  type DayRange,
  encodeCursor,
  isoDate,
  isoTime,
  parseAddress,
  parseDay,
  parseLimit,
  parseRange,
} from "./inputs";
import { toDecimalString } from "./money";
import { SnapshotCache } from "./snapshot";

/** The most entries a statement or a history holds; a longer one asks the client to narrow the range. */
export const MAX_ENTRIES = 50_000;
/** Page sizes of the alert queue and the travel-rule records. */
export const PAGE = { max: 500, default: 100 } as const;
/** How many alerts an account's risk summary lists. */
export const RECENT_ALERTS = 10;
/** The days sent30d / received30d cover, the indexed head's day included. */
export const RISK_WINDOW_DAYS = 30;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export const SEVERITIES = ["low", "medium", "high", "severe"] as const;
export type Severity = (typeof SEVERITIES)[number];

// ---------------------------------------------------------------- small helpers

/** A bigint as a bound SQL parameter (a decimal string: Postgres types it from the numeric column it meets). */
function num(value: bigint): SQL {
  return sql`${value.toString()}`;
}

/** `a, b, c` as bound parameters, for `IN (...)`; never called with an empty list. */
function list(values: readonly string[]): SQL {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

/** TOO_MANY_ROWS when a report has more than MAX_ENTRIES entries. */
export function checkEntryCap(count: number, what: string): void {
  if (count > MAX_ENTRIES) {
    throw clientError(
      "TOO_MANY_ROWS",
      `the ${what} has more than ${MAX_ENTRIES.toLocaleString("en-US")} entries for this range: ask for fewer days`,
    );
  }
}

/** The community whose token is `token` (lowercase), if any. */
function byToken(all: Map<string, CommunityInfo>, token: string): CommunityInfo | undefined {
  for (const c of all.values()) if (c.token === token.toLowerCase()) return c;
  return undefined;
}

/** The severities at or above `min` (all of them without one). */
export function severitiesAtLeast(min: Severity | null | undefined): Severity[] {
  if (min === null || min === undefined) return [...SEVERITIES];
  const at = SEVERITIES.indexOf(min);
  if (at < 0) throw clientError("BAD_SEVERITY", `unknown severity ${JSON.stringify(min)}`);
  return SEVERITIES.slice(at);
}

// ---------------------------------------------------------------- merchant statements

/** One sale or refund as read (numeric columns as strings). */
export interface StatementRow {
  type: "sale" | "refund";
  invoice_id: string;
  counterparty: string;
  amount: string | bigint;
  fiat_amount: string | bigint | null;
  fiat_currency: string | null;
  reward: string | bigint | null;
  transaction_hash: string;
  timestamp: string | bigint;
  block_number: string | bigint;
  log_index: number | string;
}

export interface StatementEntryValue {
  time: string;
  type: "sale" | "refund";
  invoiceId: string;
  counterparty: string;
  amount: AmountValue;
  fiatAmount: AmountValue | null;
  reward: AmountValue | null;
  transactionHash: string;
}

/** A merchant statement's totals over its range. */
export interface StatementTotals {
  merchant: string;
  community: string;
  from: string;
  to: string;
  saleCount: number;
  sales: AmountValue;
  fiatSales: AmountValue;
  refundCount: number;
  refunds: AmountValue;
  net: AmountValue;
  rewards: AmountValue;
}

/** A computed merchant statement: its totals and all its entries (for the CSV). */
export interface MerchantStatementValue extends StatementTotals {
  entries: StatementEntryValue[];
}

/** The sums a statement's totals come from (numeric columns as strings when read from SQL). */
export interface StatementSums {
  sale_count: number | string;
  sales: string | bigint;
  /** Fiat parts in the community's own currency only (as merchant.fiat_volume counts them). */
  fiat_sales: string | bigint;
  rewards: string | bigint;
  refund_count: number | string;
  refunds: string | bigint;
}

/** A statement's totals from its sums. */
export function statementTotals(
  merchant: string,
  community: CommunityInfo,
  range: DayRange,
  sums: StatementSums,
): StatementTotals {
  const sales = big(sums.sales);
  const refunds = big(sums.refunds);
  return {
    merchant,
    community: community.id,
    from: isoDate(range.from),
    to: isoDate(range.to),
    saleCount: Number(sums.sale_count),
    sales: kc(sales, community),
    fiatSales: fiat(big(sums.fiat_sales), community),
    refundCount: Number(sums.refund_count),
    refunds: kc(refunds, community),
    net: kc(sales - refunds, community),
    rewards: kc(big(sums.rewards), community),
  };
}

/** One sale or refund as a statement entry: a sale's fiat part in its own currency (null when none). */
export function statementEntry(row: StatementRow, community: CommunityInfo): StatementEntryValue {
  const base = {
    time: isoTime(big(row.timestamp)),
    type: row.type,
    invoiceId: row.invoice_id,
    counterparty: row.counterparty,
    amount: kc(big(row.amount), community),
    transactionHash: row.transaction_hash,
  };
  if (row.type === "refund") return { ...base, fiatAmount: null, reward: null };
  const fiatRaw = big(row.fiat_amount);
  const currency = (row.fiat_currency ?? "").toUpperCase();
  return {
    ...base,
    fiatAmount: fiatRaw === 0n ? null : { raw: fiatRaw, currency, isoCurrency: currency, locale: community.locale },
    reward: kc(big(row.reward), community),
  };
}

/**
 * The statement of `merchant` in `community` over `range` from all its sales and refunds, oldest first (rows sorted
 * by block and log index). fiatSales adds only the fiat parts in the community's own currency (as
 * merchant.fiat_volume does); each entry's fiatAmount shows its own currency, null when there is none.
 */
export function buildStatement(
  merchant: string,
  community: CommunityInfo,
  range: DayRange,
  rows: readonly StatementRow[],
): MerchantStatementValue {
  checkEntryCap(rows.length, "statement");
  const sorted = [...rows].sort(
    (a, b) => compareBig(big(a.block_number), big(b.block_number)) || Number(a.log_index) - Number(b.log_index),
  );
  const peg = community.currency.toUpperCase();
  const sums = { sale_count: 0, sales: 0n, fiat_sales: 0n, rewards: 0n, refund_count: 0, refunds: 0n };
  for (const row of sorted) {
    if (row.type === "refund") {
      sums.refund_count += 1;
      sums.refunds += big(row.amount);
      continue;
    }
    sums.sale_count += 1;
    sums.sales += big(row.amount);
    sums.rewards += big(row.reward);
    if ((row.fiat_currency ?? "").toUpperCase() === peg) sums.fiat_sales += big(row.fiat_amount);
  }
  return {
    ...statementTotals(merchant, community, range, sums),
    entries: sorted.map((row) => statementEntry(row, community)),
  };
}

export const STATEMENT_COLUMNS = [
  "date",
  "type",
  "reference",
  "counterparty",
  "currency",
  "amount",
  "fiat_currency",
  "fiat_amount",
  "loyalty_reward",
  "transaction_hash",
] as const;

/** The statement as CSV: one line per entry, refunds negative, amounts as exact decimals. */
export function statementCsv(statement: MerchantStatementValue): string {
  return toCsv(
    STATEMENT_COLUMNS,
    statement.entries.map((e) => [
      e.time,
      e.type,
      e.invoiceId,
      e.counterparty,
      e.amount.currency,
      toDecimalString(e.type === "refund" ? -e.amount.raw : e.amount.raw),
      e.fiatAmount?.currency,
      e.fiatAmount ? toDecimalString(e.fiatAmount.raw) : null,
      e.reward ? toDecimalString(e.reward.raw) : null,
      e.transactionHash,
    ]),
  );
}

/** The arguments of `merchantStatement` (and of GET /api/reports/merchant-statement.csv). */
export interface MerchantStatementArgs {
  merchant: unknown;
  from: unknown;
  to: unknown;
}

/**
 * Statements, histories and alert pages already built on the current snapshot (few: a statement may hold up to
 * MAX_ENTRIES entries). Access is checked on every request before the cache is asked.
 */
const reportCache = new SnapshotCache(32);

/** A merchant statement asked for: checked, with its sums and the SQL of its entries. */
interface StatementTarget {
  address: string;
  community: CommunityInfo;
  range: DayRange;
  key: string;
  /** The sums of its totals (from the merchant's day rows). */
  sums: StatementSums;
  /**
   * Its sales and refunds as StatementRow columns, oldest first, `limit` of them from `offset`: each part ordered by
   * time and cut before they are merged, so that a page reads its rows from the (merchant, timestamp) indexes
   * rather than sorting the whole range (a later block never has an earlier timestamp: by time, then block and log
   * index, is by block and log index).
   */
  entries(limit: number, offset?: number): SQL;
}

/**
 * Checks the arguments and the key's access to the merchant's statement. The merchant's row and the statement's
 * sums come in one statement: the sums add the merchant's day rows over the range (merchant_day: a sale on its
 * day, a refund on its own, fiat parts in the community's currency only), at most a row a day, rather than its
 * sales and refunds.
 */
async function statementTarget(ctx: ApiContext, args: MerchantStatementArgs): Promise<StatementTarget> {
  const address = parseAddress(args.merchant, "merchant");
  const range = parseRange(args.from, args.to);
  const [row] = await ctx.query<{ token: string; community: string | null } & StatementSums>(sql`
    SELECT m.token, m.community,
           coalesce(sum(d.payment_count), 0) AS sale_count, coalesce(sum(d.kc_volume), 0) AS sales,
           coalesce(sum(d.fiat_volume), 0) AS fiat_sales, coalesce(sum(d.rewards), 0) AS rewards,
           coalesce(sum(d.refund_count), 0) AS refund_count, coalesce(sum(d.refunded_volume), 0) AS refunds
      FROM merchant m
      LEFT JOIN merchant_day d ON d.merchant = m.address AND d.day >= ${num(range.from)} AND d.day <= ${num(range.to)}
     WHERE m.address = ${address}
     GROUP BY m.token, m.community`);
  if (!row) throw clientError("UNKNOWN_MERCHANT", `no merchant registered at ${address}`);
  const all = await ctx.communities();
  const community = row.community !== null ? await requireCommunity(ctx, row.community) : byToken(all, row.token);
  if (!community) {
    throw clientError("UNKNOWN_COMMUNITY", `merchant ${address} is registered for a token no community owns`);
  }
  requireMerchantAccess(ctx, address, community.id);
  const start = num(range.from);
  const end = num(range.to + DAY);
  const entries = (limit: number, offset = 0) => sql`
      SELECT * FROM (
        (SELECT 'sale' AS type, p.invoice_id, p.payer AS counterparty, p.amount, p.fiat_amount, p.fiat_currency,
                p.reward, p.transaction_hash, p.timestamp, p.block_number, p.log_index
           FROM payment p
          WHERE p.merchant = ${address} AND p.timestamp >= ${start} AND p.timestamp < ${end}
          ORDER BY p.timestamp, p.block_number, p.log_index LIMIT ${offset + limit})
        UNION ALL
        (SELECT 'refund' AS type, COALESCE(p.invoice_id, r.invoice_key), r.payer, r.amount, NULL, NULL,
                NULL, r.transaction_hash, r.timestamp, r.block_number, r.log_index
           FROM refund r LEFT JOIN payment p ON p.invoice_key = r.invoice_key
          WHERE r.merchant = ${address} AND r.timestamp >= ${start} AND r.timestamp < ${end}
          ORDER BY r.timestamp, r.block_number, r.log_index LIMIT ${offset + limit})
      ) entries ORDER BY block_number, log_index LIMIT ${limit} OFFSET ${offset}`;
  return { address, community, range, key: `${address}:${range.from}:${range.to}`, sums: row, entries };
}

/** Checks, reads and builds a whole merchant statement (for the CSV). */
export async function computeMerchantStatement(
  ctx: ApiContext,
  args: MerchantStatementArgs,
): Promise<MerchantStatementValue> {
  const t = await statementTarget(ctx, args);
  return reportCache.get(await ctx.snapshot(), `statement:${t.key}`, async () => {
    // one statement, so sales and refunds come from one snapshot of the tables
    const rows = await ctx.query<StatementRow>(t.entries(MAX_ENTRIES + 1));
    return buildStatement(t.address, t.community, t.range, rows);
  });
}

/** A merchant statement as GraphQL reads it: its totals from SQL sums, its entries a page at a time. */
export interface StatementReport extends StatementTotals {
  entryCount: number;
  target: StatementTarget;
}

/** Checks and sums a merchant statement; its entries are read when asked (`statementPage`, the CSV). */
export async function merchantStatementReport(ctx: ApiContext, args: MerchantStatementArgs): Promise<StatementReport> {
  const t = await statementTarget(ctx, args);
  const totals = statementTotals(t.address, t.community, t.range, t.sums);
  return { ...totals, entryCount: totals.saleCount + totals.refundCount, target: t };
}

/** A page of a statement's entries, oldest first (by block and log index). */
async function statementPage(ctx: ApiContext, report: StatementReport, args: EntryPageArgs) {
  const { first, offset } = pageArgs(args);
  const t = report.target;
  const rows = await ctx.query<StatementRow>(t.entries(first, offset));
  return rows.map((row) => statementEntry(row, t.community));
}

/** The CSV of a merchant statement (for GET /api/reports/merchant-statement.csv). */
export async function merchantStatementCsv(ctx: ApiContext, args: MerchantStatementArgs): Promise<string> {
  return statementCsv(await computeMerchantStatement(ctx, args));
}

// ---------------------------------------------------------------- account histories

/** One Transfer log of the account as read. */
export interface TransferRow {
  kind: "mint" | "burn" | "transfer";
  sender: string;
  recipient: string;
  amount: string | bigint;
  timestamp: string | bigint;
  transaction_hash: string;
  block_number: string | bigint;
  log_index: number | string;
}

export interface HistoryEntryValue {
  time: string;
  kind: string;
  direction: "in" | "out";
  counterparty: string;
  /** Positive: `direction` says which way. */
  amount: AmountValue;
  balance: AmountValue;
  transactionHash: string;
}

export interface AccountHistoryValue {
  account: string;
  community: string;
  from: string;
  to: string;
  openingBalance: AmountValue;
  closingBalance: AmountValue;
  received: AmountValue;
  sent: AmountValue;
  entries: HistoryEntryValue[];
}

/** What the history's end must agree with: the account's last end-of-day balance up to `to` (account_day). */
export interface HistoryBalances {
  opening: bigint;
  /** The latest account_day balance with day <= range.to (0 if none). */
  indexedClosing: bigint;
}

/**
 * The history of `account` from its transfers (any order: sorted here by block and log index), with a running
 * balance from `opening`. A self-transfer is two entries, out then in. Throws an internal error (an indexer bug)
 * if the closing balance differs from the indexed end-of-day balance.
 */
export function buildHistory(
  account: string,
  community: CommunityInfo,
  range: DayRange,
  balances: HistoryBalances,
  rows: readonly TransferRow[],
): AccountHistoryValue {
  const sorted = [...rows].sort(
    (a, b) => compareBig(big(a.block_number), big(b.block_number)) || Number(a.log_index) - Number(b.log_index),
  );
  const me = account.toLowerCase();
  let balance = balances.opening;
  let sent = 0n;
  let received = 0n;
  const entries: HistoryEntryValue[] = [];
  for (const row of sorted) {
    const amount = big(row.amount);
    const common = { time: isoTime(big(row.timestamp)), kind: row.kind, transactionHash: row.transaction_hash };
    if (row.sender.toLowerCase() === me) {
      balance -= amount;
      sent += amount;
      entries.push({
        ...common,
        direction: "out",
        counterparty: row.recipient,
        amount: kc(amount, community),
        balance: kc(balance, community),
      });
    }
    if (row.recipient.toLowerCase() === me) {
      balance += amount;
      received += amount;
      entries.push({
        ...common,
        direction: "in",
        counterparty: row.sender,
        amount: kc(amount, community),
        balance: kc(balance, community),
      });
    }
  }
  checkEntryCap(entries.length, "history");
  if (balance !== balances.indexedClosing) {
    throw new Error(
      `account history of ${me} in ${community.id} (${isoDate(range.from)}..${isoDate(range.to)}): closing balance ` +
        `${balance} (opening ${balances.opening} + received ${received} - sent ${sent}) differs from the indexed ` +
        `end-of-day balance ${balances.indexedClosing}`,
    );
  }
  return {
    account: me,
    community: community.id,
    from: isoDate(range.from),
    to: isoDate(range.to),
    openingBalance: kc(balances.opening, community),
    closingBalance: kc(balance, community),
    received: kc(received, community),
    sent: kc(sent, community),
    entries,
  };
}

export const HISTORY_COLUMNS = [
  "date",
  "type",
  "direction",
  "counterparty",
  "currency",
  "amount",
  "balance",
  "transaction_hash",
] as const;

/** The history as CSV: one line per entry, outgoing amounts negative, the balance after each. */
export function historyCsv(history: AccountHistoryValue): string {
  return toCsv(
    HISTORY_COLUMNS,
    history.entries.map((e) => [
      e.time,
      e.kind,
      e.direction,
      e.counterparty,
      e.amount.currency,
      toDecimalString(e.direction === "out" ? -e.amount.raw : e.amount.raw),
      toDecimalString(e.balance.raw),
      e.transactionHash,
    ]),
  );
}

/** The arguments of `accountHistory` (and of GET /api/reports/account-history.csv). */
export interface AccountHistoryArgs {
  community: unknown;
  account: unknown;
  from: unknown;
  to: unknown;
}

type HistoryQueryRow = Partial<TransferRow> & { opening: string | null; indexed_closing: string | null };

/** Checks, reads and builds an account history. */
export async function computeAccountHistory(ctx: ApiContext, args: AccountHistoryArgs): Promise<AccountHistoryValue> {
  const account = parseAddress(args.account, "account");
  const range = parseRange(args.from, args.to);
  if (typeof args.community !== "string") throw clientError("BAD_COMMUNITY", `"community" must be a community id`);
  const community = await requireCommunity(ctx, args.community);
  requireMerchantAccess(ctx, account, community.id);
  if (account === ZERO_ADDRESS) {
    throw clientError("BAD_ADDRESS", `"account" is the zero address: mints and burns are in each account's history`);
  }

  const token = community.token;
  const key = `history:${token}:${account}:${range.from}:${range.to}`;
  return reportCache.get(await ctx.snapshot(), key, async () => {
    // one statement, so the balances and the transfers come from one snapshot of the tables
    const rows = await ctx.query<HistoryQueryRow>(sql`
    WITH balances AS (
      SELECT
        (SELECT balance FROM account_day
          WHERE token = ${token} AND account = ${account} AND day < ${num(range.from)}
          ORDER BY day DESC LIMIT 1) AS opening,
        (SELECT balance FROM account_day
          WHERE token = ${token} AND account = ${account} AND day <= ${num(range.to)}
          ORDER BY day DESC LIMIT 1) AS indexed_closing
    )
    SELECT b.opening, b.indexed_closing, t.kind::text AS kind, t."from" AS sender, t."to" AS recipient, t.amount,
           t.timestamp, t.transaction_hash, t.block_number, t.log_index
      FROM balances b
      LEFT JOIN LATERAL (
        SELECT * FROM transfer
         WHERE token = ${token} AND ("from" = ${account} OR "to" = ${account})
           AND timestamp >= ${num(range.from)} AND timestamp < ${num(range.to + DAY)}
         ORDER BY block_number, log_index
         LIMIT ${MAX_ENTRIES + 1}
      ) t ON true
     ORDER BY t.block_number, t.log_index`);
    const first = rows[0];
    const balances = { opening: big(first?.opening), indexedClosing: big(first?.indexed_closing) };
    const transfers = rows.filter((r): r is HistoryQueryRow & TransferRow => r.transaction_hash != null);
    return buildHistory(account, community, range, balances, transfers);
  });
}

/** The CSV of an account history (for GET /api/reports/account-history.csv). */
export async function accountHistoryCsv(ctx: ApiContext, args: AccountHistoryArgs): Promise<string> {
  return historyCsv(await computeAccountHistory(ctx, args));
}

// ---------------------------------------------------------------- alerts

export interface AlertRow {
  id: string;
  rule: string;
  severity: string;
  community: string;
  account: string;
  counterparty: string;
  amount: string | bigint;
  transaction_hash: string;
  timestamp: string | bigint;
}

export interface AlertValue {
  id: string;
  rule: string;
  severity: string;
  community: string;
  account: string;
  counterparty: string;
  amount: AmountValue;
  transactionHash: string;
  time: string;
}

const ALERT_COLUMNS = sql`id, rule::text AS rule, severity::text AS severity, community, account, counterparty,
  amount, transaction_hash, timestamp`;

/** An alert row as the API shows it (amount in its community's KC). */
export function alertValue(row: AlertRow, community: CommunityInfo): AlertValue {
  return {
    id: row.id,
    rule: row.rule,
    severity: row.severity,
    community: row.community,
    account: row.account,
    counterparty: row.counterparty,
    amount: kc(big(row.amount), community),
    transactionHash: row.transaction_hash,
    time: isoTime(big(row.timestamp)),
  };
}

/** [from, end) in seconds for the alert filter's optional days (each inclusive); null bounds are open. */
export function timeBounds(from: unknown, to: unknown): { start: bigint | null; end: bigint | null } {
  const hasFrom = from !== null && from !== undefined;
  const hasTo = to !== null && to !== undefined;
  if (hasFrom && hasTo) {
    const range = parseRange(from, to);
    return { start: range.from, end: range.to + DAY };
  }
  return {
    start: hasFrom ? parseDay(from, "from") : null,
    end: hasTo ? parseDay(to, "to") + DAY : null,
  };
}

/** The (timestamp, id) of an alert cursor; BAD_CURSOR for anything else. */
export function decodeAlertCursor(cursor: unknown): { timestamp: bigint; id: string } {
  const parts = decodeCursor(cursor);
  const [timestamp, id] = parts;
  if (parts.length !== 2 || typeof timestamp !== "string" || !/^\d{1,20}$/.test(timestamp) || typeof id !== "string") {
    throw clientError("BAD_CURSOR", `"after" is not a cursor of this list`);
  }
  return { timestamp: BigInt(timestamp), id };
}

/** The (block number, log index) of a travel-rule cursor; BAD_CURSOR for anything else. */
export function decodeSettlementCursor(cursor: unknown): { blockNumber: bigint; logIndex: number } {
  const parts = decodeCursor(cursor);
  const [block, log] = parts;
  if (
    parts.length !== 2 ||
    typeof block !== "string" ||
    !/^\d{1,30}$/.test(block) ||
    typeof log !== "number" ||
    !Number.isSafeInteger(log) ||
    log < 0
  ) {
    throw clientError("BAD_CURSOR", `"after" is not a cursor of this list`);
  }
  return { blockNumber: BigInt(block), logIndex: log };
}

/** A page from `limit + 1` rows: the first `limit`, whether more follow, and the cursor of the last one. */
export function page<Row, Item>(
  rows: readonly Row[],
  limit: number,
  item: (row: Row) => Item,
  cursor: (row: Row) => string,
): { items: Item[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(item),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: last === undefined ? null : cursor(last) },
  };
}

/** The communities a compliance query covers: the one asked (checked), or every one the key may read. */
async function coveredCommunities(ctx: ApiContext, id: unknown): Promise<CommunityInfo[]> {
  if (id === null || id === undefined) return complianceCommunities(ctx);
  const community = await requireCommunity(ctx, String(id));
  requireCompliance(ctx, community.id);
  return [community];
}

interface AlertFilterArgs {
  community?: string | null;
  account?: string | null;
  rule?: string | null;
  minSeverity?: Severity | null;
  from?: string | null;
  to?: string | null;
}

async function alerts(
  _parent: unknown,
  args: { filter?: AlertFilterArgs | null; first?: number | null; after?: string | null },
  ctx: ApiContext,
) {
  const filter = args.filter ?? {};
  const limit = parseLimit(args.first, PAGE);
  const bounds = timeBounds(filter.from, filter.to);
  const account = filter.account == null ? null : parseAddress(filter.account, "filter.account");
  const after = args.after == null ? null : decodeAlertCursor(args.after);
  const communities = await coveredCommunities(ctx, filter.community);
  const empty = { items: [], pageInfo: { hasNextPage: false, endCursor: null } };
  if (communities.length === 0) return empty;

  const where: SQL[] = [
    sql`community IN (${list(communities.map((c) => c.id))})`,
    sql`severity::text IN (${list(severitiesAtLeast(filter.minSeverity))})`,
  ];
  if (account !== null) where.push(sql`account = ${account}`);
  if (filter.rule != null) where.push(sql`rule::text = ${filter.rule}`);
  if (bounds.start !== null) where.push(sql`timestamp >= ${num(bounds.start)}`);
  if (bounds.end !== null) where.push(sql`timestamp < ${num(bounds.end)}`);
  if (after !== null) {
    const ts = num(after.timestamp);
    where.push(sql`(timestamp < ${ts} OR (timestamp = ${ts} AND id < ${after.id}))`);
  }
  const query = sql`
    SELECT ${ALERT_COLUMNS} FROM alert
     WHERE ${sql.join(where, sql` AND `)}
     ORDER BY timestamp DESC, id DESC
     LIMIT ${limit + 1}`;
  const key = `alerts:${JSON.stringify([communities.map((c) => c.id), filter, account, after, limit], jsonBig)}`;
  const rows = await reportCache.get(await ctx.snapshot(), key, () => ctx.query<AlertRow>(query));
  const byId = new Map(communities.map((c) => [c.id, c]));
  return page(
    rows,
    limit,
    (row) => alertValue(row, byId.get(row.community) as CommunityInfo),
    (row) => encodeCursor([big(row.timestamp), row.id]),
  );
}

// ---------------------------------------------------------------- frozen accounts

interface FrozenRow {
  token: string;
  address: string;
  balance: string;
  frozen_at: string | null;
  reason_label: string | null;
  reason_code: string | null;
  actor: string | null;
}

async function frozenAccounts(_parent: unknown, args: { community?: string | null }, ctx: ApiContext) {
  const communities = await coveredCommunities(ctx, args.community);
  if (communities.length === 0) return [];
  const rows = await ctx.query<FrozenRow>(sql`
    SELECT a.token, a.address, a.balance, e.timestamp AS frozen_at, e.reason_label, e.reason_code, e.actor
      FROM account a
      LEFT JOIN LATERAL (
        SELECT c.timestamp, c.reason_label, c.reason_code, c.actor FROM compliance_event c
         WHERE c.token = a.token AND c.account = a.address AND c.kind::text = 'frozen'
         ORDER BY c.block_number DESC, c.log_index DESC
         LIMIT 1
      ) e ON true
     WHERE a.frozen = true AND a.token IN (${list(communities.map((c) => c.token))})
     ORDER BY a.token, a.address`);
  const byToken = new Map(communities.map((c) => [c.token, c]));
  return rows.flatMap((row) => {
    const community = byToken.get(row.token);
    if (!community) return [];
    return [
      {
        community: community.id,
        account: row.address,
        balance: kc(big(row.balance), community),
        frozenAt: row.frozen_at === null ? null : isoTime(big(row.frozen_at)),
        reason: row.reason_label ?? row.reason_code,
        officer: row.actor,
      },
    ];
  });
}

// ---------------------------------------------------------------- account risk

/** What the risk level depends on. */
export interface RiskInput {
  sanctioned: boolean;
  frozen: boolean;
  counts: { low: number; medium: number; high: number; severe: number };
}

/** Severe if sanctioned, frozen or any severe alert; high if any high alert; medium if any medium; low otherwise. */
export function riskLevel({ sanctioned, frozen, counts }: RiskInput): Severity {
  if (sanctioned || frozen || counts.severe > 0) return "severe";
  if (counts.high > 0) return "high";
  if (counts.medium > 0) return "medium";
  return "low";
}

interface RiskRow {
  balance: string | null;
  kyc_tier: number | null;
  frozen: boolean | null;
  low: number | null;
  medium: number | null;
  high: number | null;
  severe: number | null;
  last_alert_at: string | null;
  sanctioned: boolean | null;
  sent30d: string | null;
  received30d: string | null;
}

async function accountRisk(_parent: unknown, args: { community: string; account: string }, ctx: ApiContext) {
  const address = parseAddress(args.account, "account");
  const community = await requireCommunity(ctx, args.community);
  requireCompliance(ctx, community.id);
  const token = community.token;
  const sanctionsList = community.sanctionsOracle?.toLowerCase() ?? null;
  const window = num(BigInt(RISK_WINDOW_DAYS - 1) * DAY);
  const [row] = await ctx.query<RiskRow>(sql`
    WITH head AS (SELECT max(day) AS day FROM community_day)
    SELECT a.balance, a.kyc_tier, a.frozen, s.low, s.medium, s.high, s.severe, s.last_alert_at,
           (SELECT l.sanctioned FROM sanctions_listing l WHERE l.list = ${sanctionsList} AND l.address = ${address})
             AS sanctioned,
           w.sent AS sent30d, w.received AS received30d
      FROM (SELECT 1) one
      LEFT JOIN account a ON a.token = ${token} AND a.address = ${address}
      LEFT JOIN alert_state s ON s.token = ${token} AND s.account = ${address}
      LEFT JOIN LATERAL (
        SELECT sum(d.sent) AS sent, sum(d.received) AS received
          FROM account_day d, head
         WHERE d.token = ${token} AND d.account = ${address} AND d.day >= head.day - ${window}
      ) w ON true`);
  const recent = await ctx.query<AlertRow>(sql`
    SELECT ${ALERT_COLUMNS} FROM alert
     WHERE community = ${community.id} AND account = ${address}
     ORDER BY timestamp DESC, id DESC
     LIMIT ${RECENT_ALERTS}`);
  const counts = {
    low: Number(row?.low ?? 0),
    medium: Number(row?.medium ?? 0),
    high: Number(row?.high ?? 0),
    severe: Number(row?.severe ?? 0),
  };
  const sanctioned = row?.sanctioned === true;
  const frozen = row?.frozen === true;
  return {
    community: community.id,
    account: address,
    balance: kc(big(row?.balance), community),
    kycTier: Number(row?.kyc_tier ?? 0),
    frozen,
    sanctioned,
    alertCounts: counts,
    lastAlertAt: row?.last_alert_at == null ? null : isoTime(big(row.last_alert_at)),
    level: riskLevel({ sanctioned, frozen, counts }),
    sent30d: kc(big(row?.sent30d), community),
    received30d: kc(big(row?.received30d), community),
    recentAlerts: recent.map((r) => alertValue(r, community)),
  };
}

// ---------------------------------------------------------------- travel-rule records

export interface SettlementRow {
  id: string;
  timestamp: string | bigint;
  source_community: string | null;
  destination_community: string | null;
  token_in: string;
  token_out: string;
  corridor: string;
  originator: string;
  recipient: string;
  amount_in: string | bigint;
  amount_out: string | bigint;
  value: string | bigint;
  transaction_hash: string;
  block_number: string | bigint;
  log_index: number | string;
}

/**
 * `raw` in the currency of the community `id` (or, if the settlement names none, the one whose token is `token`);
 * for a token no community owns, the token address as the code, laid out like the reference currency.
 */
function sideAmount(
  raw: bigint,
  id: string | null,
  token: string,
  all: Map<string, CommunityInfo>,
  ctx: ApiContext,
): AmountValue {
  const community = (id === null ? undefined : all.get(id)) ?? byToken(all, token);
  if (community) return kc(raw, community);
  return { raw, currency: token, isoCurrency: ctx.referenceCurrency, locale: FEDERATION_LOCALE };
}

/** A settlement row as a travel-rule record. */
export function travelRuleRecord(row: SettlementRow, all: Map<string, CommunityInfo>, ctx: ApiContext) {
  return {
    id: row.id,
    time: isoTime(big(row.timestamp)),
    sourceCommunity: row.source_community,
    destinationCommunity: row.destination_community,
    corridor: row.corridor,
    originator: row.originator,
    beneficiary: row.recipient,
    amountIn: sideAmount(big(row.amount_in), row.source_community, row.token_in, all, ctx),
    amountOut: sideAmount(big(row.amount_out), row.destination_community, row.token_out, all, ctx),
    value: reference(big(row.value), ctx),
    transactionHash: row.transaction_hash,
  };
}

async function travelRuleRecords(
  _parent: unknown,
  args: { community?: string | null; from: string; to: string; first?: number | null; after?: string | null },
  ctx: ApiContext,
) {
  const range = parseRange(args.from, args.to);
  const limit = parseLimit(args.first, PAGE);
  const after = args.after == null ? null : decodeSettlementCursor(args.after);
  const communities = await coveredCommunities(ctx, args.community);
  if (communities.length === 0) return { items: [], pageInfo: { hasNextPage: false, endCursor: null } };
  const ids = list(communities.map((c) => c.id));
  const where: SQL[] = [
    sql`travel_rule = true`,
    sql`timestamp >= ${num(range.from)}`,
    sql`timestamp < ${num(range.to + DAY)}`,
    sql`(source_community IN (${ids}) OR destination_community IN (${ids}))`,
  ];
  if (after !== null) {
    const block = num(after.blockNumber);
    where.push(sql`(block_number > ${block} OR (block_number = ${block} AND log_index > ${after.logIndex}))`);
  }
  const rows = await ctx.query<SettlementRow>(sql`
    SELECT id, timestamp, source_community, destination_community, token_in, token_out, corridor, originator,
           recipient, amount_in, amount_out, value, transaction_hash, block_number, log_index
      FROM settlement
     WHERE ${sql.join(where, sql` AND `)}
     ORDER BY block_number, log_index
     LIMIT ${limit + 1}`);
  const all = await ctx.communities();
  return page(
    rows,
    limit,
    (row) => travelRuleRecord(row, all, ctx),
    (row) => encodeCursor([big(row.block_number), Number(row.log_index)]),
  );
}

// ---------------------------------------------------------------- the resolvers

/** JSON.stringify's replacer for values that may hold bigints. */
function jsonBig(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const reportResolvers = {
  Query: {
    merchantStatement: (_parent: unknown, args: MerchantStatementArgs, ctx: ApiContext) =>
      merchantStatementReport(ctx, args),
    accountHistory: (_parent: unknown, args: AccountHistoryArgs, ctx: ApiContext) => computeAccountHistory(ctx, args),
    frozenAccounts,
    alerts,
    accountRisk,
    travelRuleRecords,
  },
  MerchantStatement: {
    entryCount: (report: StatementReport) => report.entryCount,
    entries: (report: StatementReport, args: EntryPageArgs, ctx: ApiContext) => statementPage(ctx, report, args),
    csv: async (report: StatementReport, _: unknown, ctx: ApiContext) => {
      const { merchant, from, to } = report;
      return statementCsv(await computeMerchantStatement(ctx, { merchant, from, to }));
    },
  },
  AccountHistory: {
    entryCount: (history: AccountHistoryValue) => history.entries.length,
    entries: (history: AccountHistoryValue, args: EntryPageArgs) => entryPage(history.entries, args),
    csv: (history: AccountHistoryValue) => historyCsv(history),
  },
};

export interface EntryPageArgs {
  first?: number | null;
  offset?: number | null;
}

/** The most entries one page of a statement or a history holds (the CSV holds them all). */
export const ENTRY_PAGE = { max: 1_000, default: 100 } as const;

/** A page's `first` (1..1,000, default 100) and `offset` (0 or more, default 0); BAD_LIMIT otherwise. */
export function pageArgs(args: EntryPageArgs): { first: number; offset: number } {
  const first = parseLimit(args.first ?? undefined, ENTRY_PAGE);
  const offset = args.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw clientError("BAD_LIMIT", `"offset" must be a whole number, 0 or more, got ${offset}`);
  }
  return { first, offset };
}

/** A page of a report's entries: `first` of them from `offset` (see pageArgs). */
export function entryPage<T>(entries: readonly T[], args: EntryPageArgs): T[] {
  const { first, offset } = pageArgs(args);
  return entries.slice(offset, offset + first);
}

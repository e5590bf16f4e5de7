/**
 * Bulk data for the API benchmark, written straight into the indexer's PostgreSQL tables (schema `kc`) with
 * INSERT ... SELECT generate_series: a chain would take hours to produce a million transfers on this machine. The
 * rows follow the handlers' invariants, so every report the API builds from them checks out:
 * - `accounts` accounts spread round-robin over the communities' tokens, each minted 1,000,000 units the day before
 *   the range (one `mint` transfer each), then `transfers` account-to-account transfers (1-100 units, same token)
 *   spread evenly over the 30 UTC days ending at the indexed head (today included), pseudo-random pairs, plus a
 *   "hot" account (the first one, in the first community) that sends and receives ~100 transfers each way;
 * - `account_day` (one row per account per active day: counts, sums, end-of-day balance as the running sum),
 *   `account` (final balances and counts), `community_day` (daily sums, distinct senders, end-of-day supply and
 *   holders, alert counts; merged into the rows the real indexing wrote for today), `community_profile` totals;
 * - one alert per `alertStride` transfers (large / dailyTotal / velocity / structuring in turn);
 * - one busy merchant in the first community with `payments` sales over the 30 days and a refund of half of every
 *   40th sale, its `merchant_day` rows and totals. (Its payments are not also written as transfers.)
 */

/** Units of a token (18 decimals) as a SQL numeric literal. */
const UNIT = "1000000000000000000";
/** Every account's opening mint, in units. */
export const OPENING_UNITS = 1_000_000;

export interface SeedPlan {
  accounts: number;
  transfers: number;
  payments: number;
  alertStride: number;
  /** Every `hotStride`-th transfer is sent by the hot account, the next one received by it. */
  hotStride: number;
  /** The indexed head's UTC day and time (seconds). */
  headDay: number;
  headTime: number;
  tokens: { community: string; token: string; currency: string }[];
}

/** The hot account's address (account 0: first community) and the busy merchant's. */
export const HOT_ACCOUNT = address(0);
export const BUSY_MERCHANT = "0xbf00000000000000000000000000000000000001";

/** The address of synthetic account `n` (a prefix no real Hardhat account has). */
export function address(n: number): string {
  return `0xbe${n.toString(16).padStart(38, "0")}`;
}

/** The plan for `accounts` accounts (rounded down to a multiple of the token count) and `transfers` transfers. */
export function seedPlan(
  accounts: number,
  transfers: number,
  head: { day: number; time: number },
  tokens: SeedPlan["tokens"],
): SeedPlan {
  const per = Math.floor(accounts / tokens.length);
  if (per < 2) throw new Error(`need at least 2 accounts per token (${tokens.length} tokens)`);
  return {
    accounts: per * tokens.length,
    transfers,
    payments: Math.max(50, Math.round(transfers / 500)),
    alertStride: Math.max(2, Math.floor(transfers / 5_000)),
    hotStride: Math.max(3, Math.floor(transfers / 100)),
    headDay: head.day,
    headTime: head.time,
    tokens,
  };
}

/** The seed as one SQL script (psql -c), in one transaction. */
export function seedSql(p: SeedPlan): string {
  const ntok = p.tokens.length;
  const per = p.accounts / ntok;
  const start = p.headDay - 29 * 86_400; // the first day of the range (30 days, today included)
  const mintDay = start - 86_400;
  const span = p.headTime - start; // transfers at [start, headTime)
  const tokenArray = `ARRAY[${p.tokens.map((t) => `'${t.token}'`).join(",")}]`;
  const communityArray = `ARRAY[${p.tokens.map((t) => `'${t.community}'`).join(",")}]`;
  const addr = (n: string) => `('0xbe' || lpad(to_hex(${n}), 38, '0'))`;
  const hash = (n: string) => `((hashint8((${n})::bigint) & 2147483647) % ${p.accounts})`;
  const first = p.tokens[0]!;
  return `
BEGIN;
SET LOCAL search_path TO kc;
SET LOCAL work_mem = '512MB';
SET LOCAL maintenance_work_mem = '1GB';
-- a final history: none of it goes to Ponder's reorg tables (its triggers would copy every row there)
SET LOCAL session_replication_role = replica;

CREATE TEMP TABLE bench_transfer ON COMMIT DROP AS
SELECT i, a, CASE WHEN b = a THEN (a + ${ntok}) % ${p.accounts} ELSE b END AS b,
       (1 + i % 100)::numeric * ${UNIT} AS amount,
       (${start} + (i::bigint * ${span}) / ${p.transfers})::bigint AS ts
FROM (
  SELECT i,
         CASE WHEN i % ${p.hotStride} = 0 THEN 0
              WHEN i % ${p.hotStride} = 1 THEN ${ntok} * (1 + (hashint8(i::bigint) & 2147483647) % ${per - 1})
              ELSE ${hash("i")} END AS a,
         CASE WHEN i % ${p.hotStride} = 1 THEN 0
              ELSE (${hash("i")} + ${ntok} * (1 + (hashint8(i::bigint + ${p.transfers}) & 2147483647) % ${per - 1}))
                   % ${p.accounts} END AS b
  FROM generate_series(0, ${p.transfers - 1}) i
) pairs;

INSERT INTO transfer (id, token, "from", "to", amount, kind, block_number, timestamp, transaction_hash, log_index)
SELECT 'bench-' || i, (${tokenArray})[a % ${ntok} + 1], ${addr("a")}, ${addr("b")}, amount, 'transfer', i + 1, ts,
       '0x' || lpad(to_hex(i), 64, '0'), 0
FROM bench_transfer;

INSERT INTO transfer (id, token, "from", "to", amount, kind, block_number, timestamp, transaction_hash, log_index)
SELECT 'bench-mint-' || n, (${tokenArray})[n % ${ntok} + 1], '0x0000000000000000000000000000000000000000',
       ${addr("n")}, ${OPENING_UNITS}::numeric * ${UNIT}, 'mint', 0, ${mintDay}, '0x' || lpad(to_hex(n), 64, 'a'), 0
FROM generate_series(0, ${p.accounts - 1}) n;

CREATE TEMP TABLE bench_leg ON COMMIT DROP AS
SELECT a AS n, ts - ts % 86400 AS day, ts, 1 AS sc, amount AS s, 0 AS rc, 0::numeric AS r FROM bench_transfer
UNION ALL
SELECT b, ts - ts % 86400, ts, 0, 0, 1, amount FROM bench_transfer
UNION ALL
SELECT n, ${mintDay}, ${mintDay}, 0, 0, 1, ${OPENING_UNITS}::numeric * ${UNIT} FROM generate_series(0, ${p.accounts - 1}) n;

CREATE TEMP TABLE bench_account_day ON COMMIT DROP AS
SELECT n, day, sc, s, rc, r, last_ts, sum(r - s) OVER (PARTITION BY n ORDER BY day) AS balance
FROM (SELECT n, day, sum(sc)::int AS sc, sum(s) AS s, sum(rc)::int AS rc, sum(r) AS r, max(ts) AS last_ts
      FROM bench_leg GROUP BY n, day) g;

INSERT INTO account_day (token, account, day, sent_count, sent, received_count, received, balance)
SELECT (${tokenArray})[n % ${ntok} + 1], ${addr("n")}, day, sc, s, rc, r, balance FROM bench_account_day;

INSERT INTO account (token, address, balance, kyc_tier, frozen, exempt, voting_power, votes_cast, transfers_in,
                     transfers_out, first_seen_at, last_active_at)
SELECT (${tokenArray})[n % ${ntok} + 1], ${addr("n")}, balance, 1, false, false, 0, 0, rc, sc, ${mintDay}, last_ts
FROM (SELECT DISTINCT ON (n) n, balance, sum(rc) OVER w AS rc, sum(sc) OVER w AS sc, max(last_ts) OVER w AS last_ts
      FROM bench_account_day WINDOW w AS (PARTITION BY n)
      ORDER BY n, day DESC) latest;

CREATE TEMP TABLE bench_alert ON COMMIT DROP AS
SELECT t.*, (ARRAY['large','dailyTotal','velocity','structuring'])[(i / ${p.alertStride}) % 4 + 1] AS rule,
       (ARRAY['high','medium','medium','severe'])[(i / ${p.alertStride}) % 4 + 1] AS severity
FROM bench_transfer t WHERE i % ${p.alertStride} = 1;

INSERT INTO alert (id, rule, severity, token, community, account, counterparty, amount, day, block_number,
                   timestamp, transaction_hash, log_index)
SELECT 'bench-' || i || ':' || rule, rule::alert_rule, severity::alert_severity, (${tokenArray})[a % ${ntok} + 1],
       (${communityArray})[a % ${ntok} + 1], ${addr("a")}, ${addr("b")}, amount, ts - ts % 86400, i + 1, ts,
       '0x' || lpad(to_hex(i), 64, '0'), 0
FROM bench_alert;

-- community_day: the range's days and the mint day, per token; merged into today's real rows
INSERT INTO community_day AS d (token, day, date, community, transfer_count, volume, volume_value,
  bridge_transfer_count, bridge_volume, mint_count, minted, burn_count, burned, active_users, supply, holders,
  cross_border_out_count, cross_border_out_volume, cross_border_in_count, cross_border_in_volume, alert_count)
SELECT tok.token, days.d, to_char(to_timestamp(days.d) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), tok.community,
       coalesce(x.count, 0), coalesce(x.volume, 0),
       coalesce(trunc(x.volume * CASE WHEN f.reference THEN ${UNIT} ELSE coalesce(f.rate, 0) END / ${UNIT}), 0),
       0, 0,
       CASE WHEN days.d = ${mintDay} THEN ${per} ELSE 0 END,
       CASE WHEN days.d = ${mintDay} THEN ${per}::numeric * ${OPENING_UNITS} * ${UNIT} ELSE 0 END,
       0, 0, coalesce(x.senders, 0), ${per}::numeric * ${OPENING_UNITS} * ${UNIT}, ${per}, 0, 0, 0, 0,
       coalesce(al.count, 0)
FROM unnest(${tokenArray}, ${communityArray}) WITH ORDINALITY AS tok(token, community, k)
CROSS JOIN generate_series(${mintDay}::bigint, ${p.headDay}::bigint, 86400) AS days(d)
LEFT JOIN community_profile cp ON cp.id = tok.community
LEFT JOIN fx_rate f ON f.currency = cp.currency
LEFT JOIN (SELECT a % ${ntok} + 1 AS k, ts - ts % 86400 AS day, count(*) AS count, sum(amount) AS volume,
                  count(DISTINCT a) AS senders
           FROM bench_transfer GROUP BY 1, 2) x ON x.k = tok.k AND x.day = days.d
LEFT JOIN (SELECT a % ${ntok} + 1 AS k, ts - ts % 86400 AS day, count(*) AS count FROM bench_alert GROUP BY 1, 2) al
  ON al.k = tok.k AND al.day = days.d
ON CONFLICT (token, day) DO UPDATE SET
  transfer_count = d.transfer_count + excluded.transfer_count, volume = d.volume + excluded.volume,
  volume_value = d.volume_value + excluded.volume_value, mint_count = d.mint_count + excluded.mint_count,
  minted = d.minted + excluded.minted, active_users = d.active_users + excluded.active_users,
  supply = d.supply + excluded.supply, holders = d.holders + excluded.holders,
  alert_count = d.alert_count + excluded.alert_count;

UPDATE community_profile cp SET
  total_supply = total_supply + ${per}::numeric * ${OPENING_UNITS} * ${UNIT},
  holder_count = holder_count + ${per},
  mint_count = mint_count + ${per},
  minted_total = minted_total + ${per}::numeric * ${OPENING_UNITS} * ${UNIT},
  transfer_count = transfer_count + ${per} + (SELECT count(*) FROM bench_transfer t
                                             WHERE (${communityArray})[t.a % ${ntok} + 1] = cp.id)
WHERE id = ANY(${communityArray});

-- the busy merchant (first community): sales, every 40th half refunded
INSERT INTO merchant (address, token, community, status, category, metadata_uri, metadata_hash, registered_at,
  verified_at, suspension_count, profile_updated_at, payment_count, kc_volume, fiat_volume, other_fiat_count,
  rewards_credited, refund_count, refunded_volume, customer_count)
VALUES ('${BUSY_MERCHANT}', '${first.token}', '${first.community}', 'verified', '0x' || repeat('0', 64),
  'ipfs://bench', '0x' || repeat('0', 64), ${mintDay}, ${mintDay}, 0, ${mintDay}, 0, 0, 0, 0, 0, 0, 0, 0);

CREATE TEMP TABLE bench_payment ON COMMIT DROP AS
SELECT j, '0x' || md5('key' || j) || md5('key2' || j) AS invoice_key, '0x' || md5('inv' || j) || md5('inv2' || j) AS invoice_id,
       ${addr(`((j * ${ntok}) % ${p.accounts})`)} AS payer, (10 + j % 50)::numeric * ${UNIT} AS amount,
       CASE WHEN j % 3 = 0 THEN 5::numeric * ${UNIT} ELSE 0 END AS fiat_amount,
       (${start} + (j::bigint * ${span}) / ${p.payments})::bigint AS ts
FROM generate_series(0, ${p.payments - 1}) j;

CREATE TEMP TABLE bench_refund ON COMMIT DROP AS
SELECT j, invoice_key, payer, trunc(amount / 2) AS amount, least(ts + 60, ${p.headTime}) AS ts
FROM bench_payment WHERE j % 40 = 0;

INSERT INTO payment (invoice_key, event_id, router, invoice_id, merchant, payer, token, community, amount,
  fiat_amount, fiat_currency, processor_ref, reward, terminal, method, refunded, refund_count, day, date,
  block_number, timestamp, transaction_hash, log_index)
SELECT p.invoice_key, 'bench-pay-' || j, '0x' || repeat('0', 40), invoice_id, '${BUSY_MERCHANT}', payer,
       '${first.token}', '${first.community}', amount, fiat_amount, CASE WHEN fiat_amount > 0 THEN '${first.currency}' ELSE '' END,
       '0x' || repeat('0', 64), trunc(amount / 100), '${BUSY_MERCHANT}', 'permit',
       CASE WHEN j % 40 = 0 THEN trunc(amount / 2) ELSE 0 END, CASE WHEN j % 40 = 0 THEN 1 ELSE 0 END,
       ts - ts % 86400, to_char(to_timestamp(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), ${p.transfers} + 2 * j + 1, ts,
       '0x' || lpad(to_hex(j), 64, 'b'), 1
FROM bench_payment p;

INSERT INTO refund (id, invoice_key, merchant, payer, token, community, amount, total_refunded, day, date,
  block_number, timestamp, transaction_hash, log_index)
SELECT 'bench-refund-' || j, invoice_key, '${BUSY_MERCHANT}', payer, '${first.token}', '${first.community}', amount,
       amount, ts - ts % 86400, to_char(to_timestamp(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), ${p.transfers} + 2 * j + 2,
       ts, '0x' || lpad(to_hex(j), 64, 'c'), 1
FROM bench_refund;

INSERT INTO merchant_day (merchant, day, date, token, community, payment_count, kc_volume, fiat_volume, rewards,
  refund_count, refunded_volume)
SELECT '${BUSY_MERCHANT}', day, to_char(to_timestamp(day) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), '${first.token}',
       '${first.community}', sum(pc)::int, sum(kc), sum(fiat), sum(reward), sum(rc)::int, sum(refunded)
FROM (SELECT ts - ts % 86400 AS day, 1 AS pc, amount AS kc, fiat_amount AS fiat, trunc(amount / 100) AS reward,
             0 AS rc, 0::numeric AS refunded FROM bench_payment
      UNION ALL
      SELECT ts - ts % 86400, 0, 0, 0, 0, 1, amount FROM bench_refund) e
GROUP BY day;

UPDATE merchant SET
  payment_count = (SELECT count(*) FROM bench_payment), kc_volume = (SELECT sum(amount) FROM bench_payment),
  fiat_volume = (SELECT sum(fiat_amount) FROM bench_payment),
  rewards_credited = (SELECT sum(trunc(amount / 100)) FROM bench_payment),
  refund_count = (SELECT count(*) FROM bench_refund), refunded_volume = (SELECT sum(amount) FROM bench_refund),
  customer_count = (SELECT count(DISTINCT payer) FROM bench_payment),
  first_payment_at = (SELECT min(ts) FROM bench_payment), last_payment_at = (SELECT max(ts) FROM bench_payment)
WHERE address = '${BUSY_MERCHANT}';

COMMIT;
`;
}

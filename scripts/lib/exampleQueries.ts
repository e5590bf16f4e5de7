/**
 * The example queries `npm start` prints and runs; the start test checks that each answers with data.
 * - EXAMPLE_QUERIES: Ponder's tables API at /graphql (the indexed tables as they are; no key).
 * - BUSINESS_EXAMPLES: the business API at /api/graphql (analytics, compliance, reports; `x-api-key` header), with
 *   variables resolved at run time (the indexed head's day, the busiest merchant, the newest alert), run by
 *   `runBusinessExamples`; and the CSV reports at /api/reports/*.csv, run by `runCsvReports`.
 */
import { graphql } from "./http";

export interface ExampleQuery {
  title: string;
  query: string;
  /** Where the list that must not be empty sits in the answer: field names from the top, dot-separated. */
  itemsAt: string;
}

export const EXAMPLE_QUERIES: ExampleQuery[] = [
  {
    title: "Every community, in launch order: where it is, its currency's supply and holders, its governance",
    itemsAt: "communityProfiles",
    query: `{
  communityProfiles(orderBy: "launchBlock", limit: 100) {
    items {
      id name country currency locale tokenSymbol totalSupply holderCount transferCount
      votingPeriod quorumNumerator proposalCount travelRuleThreshold
    }
    totalCount
  }
}`,
  },
  {
    title: "The five largest holders in Katy, with KYC tier, freeze status, voting power and votes cast",
    itemsAt: "communityProfile.accounts",
    query: `{
  communityProfile(id: "katy") {
    tokenSymbol
    accounts(orderBy: "balance", orderDirection: "desc", limit: 5) {
      items { address balance kycTier frozen votingPower delegate votesCast }
      totalCount
    }
  }
}`,
  },
  {
    title:
      "Governance proposals of the communities and the federation, newest first, with status, deadlines and tallies (state: indexer/src/lib/proposals.ts)",
    itemsAt: "proposals",
    query: `{
  proposals(orderBy: "createdAt", orderDirection: "desc", limit: 5) {
    items {
      scope community { id }
      proposalId description status voteStart voteEnd eta forVotes againstVotes abstainVotes voterCount quorum
    }
  }
}`,
  },
  {
    title:
      "Point-of-sale payments per merchant and UTC day: count, KC and fiat parts, loyalty rewards, refunds (KC share = kcVolume / (kcVolume + fiatVolume))",
    itemsAt: "merchantDays",
    query: `{
  merchantDays(orderBy: "day", orderDirection: "desc", limit: 5) {
    items { merchant community date paymentCount kcVolume fiatVolume rewards refundCount refundedVolume }
  }
}`,
  },
  {
    title: "Cross-border payments by corridor and day: count, volume in USD, and how many carry travel-rule data",
    itemsAt: "corridorDays",
    query: `{
  corridorDays(orderBy: "volume", orderDirection: "desc", limit: 5) {
    items { corridor date swapCount volume travelRuleCount }
  }
}`,
  },
];

/** The items of an example's answer (an empty list if the answer has none). */
export function exampleItems(example: ExampleQuery, answer: Record<string, unknown>): unknown[] {
  let node: unknown = answer;
  for (const field of example.itemsAt.split(".")) node = (node as Record<string, unknown> | null)?.[field];
  return (node as { items?: unknown[] } | undefined)?.items ?? [];
}

// ---- the business API (/api/graphql) ----

/** The business API's GraphQL endpoint and the header its key goes in (indexer/src/api/business/server.ts). */
export const BUSINESS_PATH = "/api/graphql";
export const KEY_HEADER = "x-api-key";
/** How many days the examples cover: the last 30 UTC days up to the indexed head's, both included. */
export const EXAMPLE_DAYS = 30;

/** What the business examples' variables are computed from, read from the running indexer. */
export interface BusinessContext {
  /** The indexed head block's UTC day (YYYY-MM-DD): the simulation moves the chain's clock days ahead. */
  headDay: string;
  /** The EXAMPLE_DAYS days ending on headDay. */
  from: string;
  to: string;
  /** The merchant with the most payments (Ponder's tables API), and its community. */
  merchant: { address: string; community: string };
}

/** A GraphQL answer as the server sent it. */
export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/* The answers' shapes, as far as the summaries read them. */
interface AmountOut {
  value?: string;
  currency?: string;
  formatted?: string;
}
type RatioOut = { decimal: string } | null;
interface AlertOut {
  rule: string;
  severity: string;
  community: string;
  account: string;
  amount: AmountOut;
  transactionHash: string;
  time: string;
}

export interface BusinessExample {
  title: string;
  query: string;
  /** The variables, from the context and the answers of the examples before this one (in order). */
  variables: (context: BusinessContext, earlier: BusinessExampleResult[]) => Record<string, unknown>;
  /** One line about the answer's data; null when the answer holds none. */
  summarize: (data: Record<string, unknown>) => string | null;
}

export interface BusinessExampleResult {
  title: string;
  query: string;
  variables: Record<string, unknown>;
  /** The whole answer: data, and errors if any. */
  answer: GraphQLAnswer;
  /** "-> ..." without the arrow: the answer in a line, or what went wrong (see `problem`). */
  summary: string;
  /** Why the example did not answer with data (errors, HTTP status, an empty answer); undefined if it did. */
  problem?: string;
}

/** Builds an example whose answer has the shape T (the summary reads it typed). */
function businessExample<T>(example: {
  title: string;
  query: string;
  variables: BusinessExample["variables"];
  summarize: (data: T) => string | null;
}): BusinessExample {
  return example as unknown as BusinessExample;
}

const ratio = (r: RatioOut | undefined) => r?.decimal ?? "n/a";

export const BUSINESS_EXAMPLES: BusinessExample[] = [
  businessExample<{
    analytics: {
      holders: number;
      activeUsers: number;
      retention: RatioOut;
      transactionCount: number;
      volume: AmountOut;
      velocity: RatioOut;
      gini: RatioOut;
      merchantSales: { kcShare: RatioOut };
      localTradeShare: RatioOut;
      governance: { participation: RatioOut };
      daily: { date: string; transactionCount: number; volume: AmountOut }[];
    };
  }>({
    title:
      "Katy's analytics over the last 30 days: holders, active users, retention, transactions, volume, velocity, Gini, KC share of merchant sales, local trade share, governance participation, daily series",
    query: `query Analytics($community: ID, $from: Date!, $to: Date!) {
  analytics(community: $community, from: $from, to: $to) {
    holders activeUsers retention { decimal } transactionCount
    volume { value currency formatted }
    velocity { decimal } gini { decimal }
    merchantSales { kcShare { decimal } } localTradeShare { decimal }
    governance { participation { decimal } }
    daily { date transactionCount volume { value } }
  }
}`,
    variables: (c) => ({ community: "katy", from: c.from, to: c.to }),
    summarize: ({ analytics: a }) => {
      if (a.transactionCount === 0) return null;
      const busiest = a.daily.reduce((best, day) => (day.transactionCount > best.transactionCount ? day : best));
      const activeDays = a.daily.filter((day) => day.transactionCount > 0).length;
      return (
        `${a.holders} holders, ${a.activeUsers} active users, retention ${a.retention ? a.retention.decimal : "n/a (nobody was active in the 30 days before)"}, ` +
        `${a.transactionCount} transactions, volume ${a.volume.formatted}, velocity ${ratio(a.velocity)}, ` +
        `Gini ${ratio(a.gini)}, KC share of merchant sales ${ratio(a.merchantSales.kcShare)}, ` +
        `local trade share ${ratio(a.localTradeShare)}, governance participation ${ratio(a.governance.participation)}; ` +
        `${a.daily.length} days, ${activeDays} with transactions, the busiest ${busiest.date} (${busiest.transactionCount})`
      );
    },
  }),
  businessExample<{
    analytics: {
      crossBorder: { corridors: { corridor: string; count: number; volume: AmountOut }[] };
      pools: { symbol: string; tvl: AmountOut | null }[];
    };
  }>({
    title:
      "The federation over the same 30 days: cross-border payments by corridor, and the bridge pools' value locked",
    query: `query Federation($from: Date!, $to: Date!) {
  analytics(from: $from, to: $to) {
    crossBorder { corridors { corridor count volume { formatted } } }
    pools { symbol tvl { formatted } }
  }
}`,
    variables: (c) => ({ from: c.from, to: c.to }),
    summarize: ({ analytics: { crossBorder, pools } }) => {
      if (crossBorder.corridors.length === 0 || pools.length === 0) return null;
      const corridors = [...crossBorder.corridors].sort((a, b) => b.count - a.count);
      return (
        `${corridors.length} corridors (${corridors
          .slice(0, 3)
          .map((c) => `${c.corridor}: ${c.count} payments, ${c.volume.formatted}`)
          .join("; ")}${corridors.length > 3 ? "; ..." : ""}); ` +
        `${pools.length} pools (${pools
          .slice(0, 3)
          .map((p) => `${p.symbol} TVL ${p.tvl?.formatted ?? "n/a"}`)
          .join("; ")}${pools.length > 3 ? "; ..." : ""})`
      );
    },
  }),
  businessExample<{ alerts: { items: AlertOut[]; pageInfo: { hasNextPage: boolean } } }>({
    title: "The compliance alert queue: the 10 newest alerts of high or severe severity",
    query: `{
  alerts(filter: { minSeverity: high }, first: 10) {
    items { rule severity community account amount { formatted } transactionHash time }
    pageInfo { hasNextPage endCursor }
  }
}`,
    variables: () => ({}),
    summarize: ({ alerts: { items, pageInfo } }) => {
      if (items.length === 0) return null;
      const rules = new Map<string, number>();
      for (const alert of items) rules.set(alert.rule, (rules.get(alert.rule) ?? 0) + 1);
      const first = items[0]!;
      return (
        `${items.length} alerts${pageInfo.hasNextPage ? " (more on the next page)" : ""}: ` +
        `${[...rules].map(([rule, n]) => `${n} ${rule}`).join(", ")}; the newest: ${first.rule} (${first.severity}) ` +
        `in ${first.community}, ${first.account} sent ${first.amount.formatted} at ${first.time}`
      );
    },
  }),
  businessExample<{
    accountRisk: {
      community: string;
      account: string;
      level: string;
      frozen: boolean;
      sanctioned: boolean;
      kycTier: number;
      balance: AmountOut;
      alertCounts: Record<"low" | "medium" | "high" | "severe", number>;
      sent30d: AmountOut;
      received30d: AmountOut;
      recentAlerts: unknown[];
    };
  }>({
    title: "The risk summary of the account behind the newest alert",
    query: `query Risk($community: ID!, $account: Address!) {
  accountRisk(community: $community, account: $account) {
    community account level kycTier frozen sanctioned balance { formatted }
    alertCounts { low medium high severe } lastAlertAt
    sent30d { formatted } received30d { formatted }
    recentAlerts { rule severity amount { formatted } time }
  }
}`,
    variables: (_c, earlier) => {
      const alert = (earlier[2]?.answer.data as { alerts?: { items: AlertOut[] } } | undefined)?.alerts?.items[0];
      if (!alert) throw new Error("no alert to take the account from: the alert queue example answered with none");
      return { community: alert.community, account: alert.account };
    },
    summarize: ({ accountRisk: r }) => {
      const counts = r.alertCounts;
      if (counts.low + counts.medium + counts.high + counts.severe === 0) return null;
      return (
        `${r.account} in ${r.community}: risk ${r.level}, KYC tier ${r.kycTier}, frozen ${r.frozen ? "yes" : "no"}, ` +
        `sanctioned ${r.sanctioned ? "yes" : "no"}, balance ${r.balance.formatted}; alerts ${counts.severe} severe, ` +
        `${counts.high} high, ${counts.medium} medium, ${counts.low} low; 30 days: sent ${r.sent30d.formatted}, ` +
        `received ${r.received30d.formatted}`
      );
    },
  }),
  businessExample<{
    merchantStatement: {
      merchant: string;
      community: string;
      saleCount: number;
      sales: AmountOut;
      refunds: AmountOut;
      net: AmountOut;
      entries: { time: string; type: string; amount: AmountOut }[];
    };
  }>({
    title:
      "The statement of the merchant with the most payments over the last 30 days: sales, refunds, net, entries (busiest merchant: Ponder's tables API, merchants ordered by paymentCount)",
    query: `query Statement($merchant: Address!, $from: Date!, $to: Date!) {
  merchantStatement(merchant: $merchant, from: $from, to: $to) {
    merchant community saleCount
    sales { formatted } refunds { formatted } net { formatted }
    entries { time type amount { value } }
  }
}`,
    variables: (c) => ({ merchant: c.merchant.address, from: c.from, to: c.to }),
    summarize: ({ merchantStatement: s }) => {
      if (s.saleCount === 0 || s.entries.length === 0) return null;
      const refunds = s.entries.filter((e) => e.type === "refund").length;
      return (
        `${s.merchant} (${s.community}): ${s.saleCount} sales for ${s.sales.formatted}, ${refunds} refunds for ` +
        `${s.refunds.formatted}, net ${s.net.formatted}; ${s.entries.length} entries from ${s.entries[0]!.time} ` +
        `to ${s.entries[s.entries.length - 1]!.time}`
      );
    },
  }),
  businessExample<{
    frozenAccounts: {
      community: string;
      account: string;
      balance: AmountOut;
      frozenAt: string | null;
      reason: string | null;
    }[];
  }>({
    title: "Accounts frozen now by their community's compliance registry, with when and why",
    query: `{
  frozenAccounts {
    community account balance { formatted } frozenAt reason officer
  }
}`,
    variables: () => ({}),
    summarize: ({ frozenAccounts: list }) => {
      if (list.length === 0) return null;
      const communities = new Set(list.map((f) => f.community));
      const first = list[0]!;
      return (
        `${list.length} frozen accounts in ${communities.size} ${communities.size === 1 ? "community" : "communities"}; ` +
        `the first: ${first.account} in ${first.community}, balance ${first.balance.formatted}, ` +
        `frozen ${first.frozenAt ?? "?"} (${first.reason ?? "no reason"})`
      );
    },
  }),
];

/** The UTC day (YYYY-MM-DD) `days` days after `day`. */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The examples' context from the running indexer: the indexed head's day (Ponder's /status) and the merchant with
 * the most payments (Ponder's tables API at /graphql).
 */
export async function businessContext(apiUrl: string): Promise<BusinessContext> {
  const status = (await (await fetch(`${apiUrl}/status`)).json()) as Record<string, { block?: { timestamp: number } }>;
  const times = Object.values(status).map((chain) => chain.block?.timestamp ?? 0);
  if (times.length === 0 || times.some((t) => !(t > 0))) throw new Error("the indexer has no indexed block yet");
  const headDay = new Date(Math.min(...times) * 1000).toISOString().slice(0, 10);
  const answer = await graphql<{ merchants: { items: { address: string; community: string | null }[] } }>(
    apiUrl,
    `
      {
        merchants(orderBy: "paymentCount", orderDirection: "desc", limit: 1) {
          items {
            address
            community
          }
        }
      }
    `,
  );
  const top = answer.merchants.items[0];
  if (!top?.community) throw new Error("the tables API has no merchant (with a community) yet");
  return {
    headDay,
    from: addDays(headDay, 1 - EXAMPLE_DAYS),
    to: headDay,
    merchant: { address: top.address, community: top.community },
  };
}

/** `text` in single quotes for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The request body of a business example: the query on one line, and its variables. */
function requestBody(query: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query: query.replace(/\s+/g, " ").trim(), variables });
}

/** A copy-pasteable curl command that asks the business API `query` with `variables`. */
export function businessCurl(apiUrl: string, key: string, query: string, variables: Record<string, unknown>): string {
  return (
    `curl -s ${apiUrl}${BUSINESS_PATH} -H 'content-type: application/json' -H ${shellQuote(`${KEY_HEADER}: ${key}`)}` +
    ` -d ${shellQuote(requestBody(query, variables))}`
  );
}

/** POSTs a query to the business API; the answer as sent (errors included), or an error-only answer. */
export async function askBusiness(
  apiUrl: string,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; answer: GraphQLAnswer }> {
  const response = await fetch(`${apiUrl}${BUSINESS_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", [KEY_HEADER]: key },
    body: requestBody(query, variables),
  });
  const text = await response.text();
  try {
    return { status: response.status, answer: JSON.parse(text) as GraphQLAnswer };
  } catch {
    return { status: response.status, answer: { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] } };
  }
}

/**
 * Runs BUSINESS_EXAMPLES in order against the business API with `key` (a compliance key for every community):
 * resolves each one's variables, asks, and sums the answer up. An example that cannot run or answers with errors
 * or no data has a `problem` (and its summary says it); the others run still.
 */
export async function runBusinessExamples(
  apiUrl: string,
  key: string,
  context?: BusinessContext,
): Promise<BusinessExampleResult[]> {
  const c = context ?? (await businessContext(apiUrl));
  const results: BusinessExampleResult[] = [];
  for (const example of BUSINESS_EXAMPLES) {
    const result: BusinessExampleResult = {
      title: example.title,
      query: example.query,
      variables: {},
      answer: {},
      summary: "",
    };
    try {
      result.variables = example.variables(c, results);
      const { status, answer } = await askBusiness(apiUrl, key, example.query, result.variables);
      result.answer = answer;
      if (answer.errors?.length) {
        result.problem = `HTTP ${status}, errors: ${answer.errors
          .map((e) => `${e.extensions?.code ?? "?"}: ${e.message}`)
          .join("; ")}`;
      } else if (status !== 200 || !answer.data) {
        result.problem = `HTTP ${status} with no data`;
      } else {
        const summary = example.summarize(answer.data);
        if (summary === null) result.problem = "the answer holds no data";
        else result.summary = summary;
      }
    } catch (error) {
      result.problem = error instanceof Error ? error.message : String(error);
    }
    if (result.problem) result.summary = `FAILED: ${result.problem}`;
    results.push(result);
  }
  return results;
}

// ---- the CSV reports (/api/reports/*.csv, same key) ----

export interface CsvReport {
  title: string;
  /** The whole URL, query string included. */
  url: string;
}

export interface CsvReportResult extends CsvReport {
  status: number;
  /** The lines of the body (CRLF-separated), without the last empty one. */
  lines: string[];
  /** Why the report did not come back with a header and at least one row; undefined if it did. */
  problem?: string;
}

/** The two CSV reports for the busiest merchant over the examples' 30 days: its statement and its account history. */
export function csvReports(apiUrl: string, c: BusinessContext): CsvReport[] {
  const range = `from=${c.from}&to=${c.to}`;
  return [
    {
      title: `Merchant statement of ${c.merchant.address} (${c.merchant.community}), ${c.from} to ${c.to}`,
      url: `${apiUrl}/api/reports/merchant-statement.csv?merchant=${c.merchant.address}&${range}`,
    },
    {
      title: `Account history of the same merchant in ${c.merchant.community}, ${c.from} to ${c.to}`,
      url: `${apiUrl}/api/reports/account-history.csv?community=${c.merchant.community}&account=${c.merchant.address}&${range}`,
    },
  ];
}

/** A copy-pasteable curl command that downloads a CSV report. */
export function csvCurl(url: string, key: string): string {
  return `curl -s -H ${shellQuote(`${KEY_HEADER}: ${key}`)} ${shellQuote(url)}`;
}

/** Downloads the CSV reports with `key`. */
export async function runCsvReports(
  apiUrl: string,
  key: string,
  context?: BusinessContext,
): Promise<CsvReportResult[]> {
  const c = context ?? (await businessContext(apiUrl));
  const results: CsvReportResult[] = [];
  for (const report of csvReports(apiUrl, c)) {
    const response = await fetch(report.url, { headers: { [KEY_HEADER]: key } });
    const body = await response.text();
    const lines = body.split(/\r?\n/);
    if (lines[lines.length - 1] === "") lines.pop();
    const result: CsvReportResult = { ...report, status: response.status, lines };
    if (response.status !== 200) result.problem = `HTTP ${response.status}: ${body.slice(0, 300)}`;
    else if (lines.length < 2) result.problem = `no rows (${lines.length} line${lines.length === 1 ? "" : "s"})`;
    results.push(result);
  }
  return results;
}

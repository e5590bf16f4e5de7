/**
 * The published SDL of the business API. `subgraph-schema/schema.graphql` holds it as printed (test/indexer/
 * businessSchema.test.ts fails when the two differ; `npm run schema:update` rewrites the file). Formulas are part of
 * the contract: each is written in its field's description and unit-tested in test/indexer/metrics.test.ts.
 */
export const typeDefs = /* GraphQL */ `
  """
  The Katy Coin business API: analytics per community and for the federation, compliance alerts and reports.
  Every request carries an API key in the \`x-api-key\` header (issued with \`npm run apikey -- issue\`). Any key may
  read communities and analytics; compliance reports need a compliance key (for all communities or the listed
  ones); a business key reads its own merchants' statements and account histories. Days are UTC; date ranges
  include both ends and span at most 366 days; times are ISO-8601 UTC.
  """
  type Query {
    "Every community of the federation, by id."
    communities: [Community!]!
    "One community. Error UNKNOWN_COMMUNITY if there is none with this id."
    community(id: ID!): Community!
    """
    Analytics of one community (\`community\` set: amounts in its currency) or of the federation (\`community\`
    omitted: amounts in the reference currency) over the UTC days \`from\` to \`to\`, both included, with a daily
    series. Read from daily aggregate tables the indexer keeps, never by scanning transfers.
    """
    analytics(community: ID, from: Date!, to: Date!): Analytics!
    """
    A merchant's statement for the days \`from\` to \`to\`: sales (payments settled) and refunds, with totals.
    Needs a business key for this merchant, or a compliance key for its community.
    """
    merchantStatement(merchant: Address!, from: Date!, to: Date!): MerchantStatement!
    """
    An account's transfers in one community for the days \`from\` to \`to\`, oldest first, with its opening and
    closing balances. Needs a compliance key for the community, or a business key for a merchant at this address.
    """
    accountHistory(community: ID!, account: Address!, from: Date!, to: Date!): AccountHistory!
    "Accounts frozen now by their community's compliance registry (all communities the key may read, or one). Compliance key."
    frozenAccounts(community: ID): [FrozenAccount!]!
    "The alert queue, newest first, filtered. Compliance key (alerts of its communities only)."
    alerts(filter: AlertFilter, first: Int = 100, after: String): AlertPage!
    "An account's risk summary in one community. Compliance key."
    accountRisk(community: ID!, account: Address!): AccountRisk!
    """
    Travel-rule records: cross-border settlements at or above the source community's travel-rule threshold, with
    originator and beneficiary, for the days \`from\` to \`to\`, oldest first. Compliance key (settlements from or
    to its communities).
    """
    travelRuleRecords(community: ID, from: Date!, to: Date!, first: Int = 100, after: String): TravelRulePage!
  }

  "A UTC calendar day, YYYY-MM-DD."
  scalar Date

  "An Ethereum address: 0x followed by 40 hex digits (any case; returned lowercase)."
  scalar Address

  "An amount of money, exact."
  type Amount {
    "The amount in whole units as an exact decimal string (\\"1234.5\\", \\"-0.25\\"); never rounded."
    value: String!
    "Its currency: a community token's symbol (\\"KATY\\") for KC, an ISO 4217 code for fiat and reference values."
    currency: String!
    "The amount in base units (18 decimals) as an integer string."
    raw: String!
    """
    The amount for display, rounded to 2 decimals, formatted with Intl.NumberFormat for \`locale\` (a BCP 47 tag,
    e.g. "es-MX"); by default the community's locale (the federation's: en-US). Error BAD_LOCALE for an unknown tag.
    """
    formatted(locale: String): String!
  }

  """
  An exact ratio numerator / denominator. Null where it is undefined (a zero denominator): "no data", not 0%.
  """
  type Ratio {
    numerator: String!
    denominator: String!
    "The ratio with 6 decimals, truncated toward zero (\\"0.666666\\")."
    decimal: String!
    "The ratio in basis points (x 10,000), truncated toward zero (a Float: a velocity can exceed 32-bit integers)."
    bps: Float!
  }

  type Community {
    "The registry's slug (\\"katy\\")."
    id: ID!
    name: String!
    "ISO 3166-1 alpha-2."
    country: String!
    "ISO 4217 code of the fiat currency the token is pegged to 1:1."
    currency: String!
    "The token's symbol: the currency code of its amounts in this API."
    symbol: String!
    "BCP 47 locale: the default of \`Amount.formatted\`."
    locale: String!
    token: Address!
    "Accounts with a positive balance now."
    holders: Int!
    supply: Amount!
    paused: Boolean!
    "The thresholds the compliance alerts of this community use."
    alertThresholds: AlertThresholds!
  }

  "A community's alert thresholds (its config's values over the defaults)."
  type AlertThresholds {
    "A transfer at or above this is large."
    large: Amount!
    "A UTC day's total sent at or above this raises dailyTotal."
    dailyTotal: Amount!
    "Structuring: structuringCount transfers within structuringWindowSeconds, each >= structuringLow and < large * structuringHighBps / 10,000."
    structuringLow: Amount!
    structuringHigh: Amount!
    structuringCount: Int!
    structuringWindowSeconds: Int!
    "Velocity: velocityCount transfers (any amount) within velocityWindowSeconds."
    velocityCount: Int!
    velocityWindowSeconds: Int!
  }

  type Analytics {
    "The community's id, or \\"federation\\"."
    scope: String!
    from: Date!
    to: Date!
    days: Int!
    """
    Holders at the end of \`to\` (accounts with a positive balance). The federation's: the sum over communities
    (an address holding two currencies counts twice).
    """
    holders: Int!
    """
    Active users: distinct accounts that sent at least one transfer or redemption in the range (mints have no
    sender). The federation's: distinct addresses across communities.
    """
    activeUsers: Int!
    """
    Retention: of the accounts active in the previous period of the same length (the \`days\` days before \`from\`),
    the share active again in this one: |previous ∩ current| / |previous|. Null when the previous period had none.
    """
    retention: Ratio
    "Transfers between two accounts (mints and burns excluded), bridge deposits and swaps included."
    transactionCount: Int!
    "Their volume. The federation's: each transfer valued in the reference currency at the oracle's rate when it was indexed."
    volume: Amount!
    "Minted (issued against reserves) and burned (redeemed) in the range. Null for the federation."
    minted: Amount
    burned: Amount
    """
    Average supply: the mean of the end-of-day supplies of the range's days, sum(supply_d) / days (a day without
    activity keeps the previous day's supply). Null for the federation.
    """
    averageSupply: Amount
    "Velocity: volume / averageSupply over the range. Null when the average supply is zero, and for the federation."
    velocity: Ratio
    "Businesses registered in the MerchantRegistry by the end of \`to\` (any status)."
    registeredBusinesses: Int!
    merchantSales: MerchantSales!
    crossBorder: CrossBorder!
    """
    Local trade share: the transfer volume that stayed inside the community (transfers not to or from a bridge pool
    or the router) over that plus the cross-border volume out of and into it (in local units):
    local / (local + out + in). The federation's: the same sums over communities, in the reference currency.
    Null when there was no volume.
    """
    localTradeShare: Ratio
    """
    The Gini coefficient of the positive balances at the end of \`to\`: with the n balances sorted ascending
    x_1 <= ... <= x_n, G = (2 * sum_i i * x_i - (n + 1) * sum_i x_i) / (n * sum_i x_i). 0 is perfect equality; it
    tends to 1 as one account holds everything. Null without holders, and for the federation (different currencies).
    """
    gini: Ratio
    "The bridge pools holding this community's currency (every pool, for the federation)."
    pools: [PoolStats!]!
    governance: GovernanceParticipation!
    "One entry per day of the range, oldest first."
    daily: [AnalyticsDay!]!
  }

  """
  Sales through the PaymentRouter settled in the range. KC share of merchant sales: kc / (kc + fiat), where fiat
  counts the fiat parts in the community's own currency (the token's peg, so 1:1 comparable). The federation's:
  both sides valued in the reference currency at the oracle's current rates.
  """
  type MerchantSales {
    paymentCount: Int!
    kc: Amount!
    fiat: Amount!
    kcShare: Ratio
  }

  "Settled swaps out of and into the community (each hop of a routed swap counts), by country corridor."
  type CrossBorder {
    count: Int!
    "Value at the swap's oracle rate, in the reference currency."
    volume: Amount!
    corridors: [CorridorFlow!]!
  }

  type CorridorFlow {
    "\\"US-MX\\": source country, destination country."
    corridor: String!
    sourceCountry: String!
    destinationCountry: String!
    count: Int!
    volume: Amount!
    "How many carried travel-rule data."
    travelRuleCount: Int!
  }

  type PoolStats {
    address: Address!
    symbol: String!
    communityA: String
    communityB: String
    "Value locked now, in the reference currency; null while the oracle has no rate of one side."
    tvl: Amount
    "Swap volume in the range (input value, reference currency)."
    volume: Amount!
    swapCount: Int!
  }

  """
  Governance participation of the proposals whose voting opened (snapshot) in the range: votes cast (for, against,
  abstain) / eligible voting power (the votes token's total supply at each snapshot), summed over the proposals
  with at least one vote (the eligible power of a proposal is settled at its first vote). The federation's: its own
  governor, whose votes are seats.
  """
  type GovernanceParticipation {
    proposals: Int!
    proposalsWithVotes: Int!
    votesCast: String!
    eligibleVotingPower: String!
    participation: Ratio
  }

  type AnalyticsDay {
    date: Date!
    transactionCount: Int!
    volume: Amount!
    "Distinct senders of the day (the federation's: distinct addresses)."
    activeUsers: Int!
    "End-of-day supply and holders (null for the federation's supply)."
    supply: Amount
    holders: Int!
    crossBorderCount: Int!
    alertCount: Int!
  }

  type MerchantStatement {
    merchant: Address!
    community: String!
    from: Date!
    to: Date!
    "Payments settled in the range."
    saleCount: Int!
    "KC parts of the sales."
    sales: Amount!
    "Fiat parts in the community's currency."
    fiatSales: Amount!
    "Refunds made in the range (of any payment)."
    refundCount: Int!
    refunds: Amount!
    "sales - refunds."
    net: Amount!
    "Loyalty rewards credited to customers with these sales."
    rewards: Amount!
    "How many sales and refunds the statement has."
    entryCount: Int!
    "A page of the sales and refunds, oldest first: \`first\` of them (at most 1,000) from \`offset\`."
    entries(first: Int = 100, offset: Int = 0): [StatementEntry!]!
    """
    The same statement as CSV (RFC 4180, CRLF), one line per entry, columns: date (ISO-8601 UTC), type (sale,
    refund), reference (invoice id), counterparty, currency, amount (refunds negative), fiat_currency, fiat_amount,
    loyalty_reward, transaction_hash. Also served at GET /api/reports/merchant-statement.csv.
    """
    csv: String!
  }

  enum StatementEntryType {
    sale
    refund
  }

  type StatementEntry {
    time: String!
    type: StatementEntryType!
    invoiceId: String!
    counterparty: Address!
    "The KC amount (positive for a refund too: \`type\` says its direction)."
    amount: Amount!
    fiatAmount: Amount
    reward: Amount
    transactionHash: String!
  }

  type AccountHistory {
    account: Address!
    community: String!
    from: Date!
    to: Date!
    "Balance at 00:00 UTC of \`from\` and at the end of \`to\`."
    openingBalance: Amount!
    closingBalance: Amount!
    received: Amount!
    sent: Amount!
    "How many entries the history has."
    entryCount: Int!
    "A page of the entries, oldest first: \`first\` of them (at most 1,000) from \`offset\`."
    entries(first: Int = 100, offset: Int = 0): [HistoryEntry!]!
    """
    The same history as CSV (RFC 4180, CRLF), columns: date (ISO-8601 UTC), type (mint, burn, transfer),
    direction (in, out), counterparty, currency, amount (outgoing negative), balance (after the entry),
    transaction_hash. Also served at GET /api/reports/account-history.csv.
    """
    csv: String!
  }

  enum Direction {
    in
    out
  }

  type HistoryEntry {
    time: String!
    kind: String!
    direction: Direction!
    counterparty: Address!
    amount: Amount!
    "The balance after this entry."
    balance: Amount!
    transactionHash: String!
  }

  type FrozenAccount {
    community: String!
    account: Address!
    balance: Amount!
    "When and why it was frozen (the last AccountFrozen log), and by which officer."
    frozenAt: String
    reason: String
    officer: Address
  }

  enum Severity {
    low
    medium
    high
    severe
  }

  enum AlertRule {
    "A transfer at or above the community's large threshold (10,000 local units by default). High."
    large
    "A UTC day's total sent reached the daily threshold (25,000 by default); once per day. Medium."
    dailyTotal
    "3 or more transfers within 24 h, each between 90% and 100% of the large threshold; once per window. Severe."
    structuring
    "20 or more transfers within an hour; once per window. Medium."
    velocity
    "A transfer to an address on the sanctions list. Severe."
    sanctioned
    """
    An attempt the compliance registry blocked. Low. Blocked transfers revert and leave no log on chain, so
    this rule has nothing to observe in the indexed data today.
    """
    blocked
  }

  input AlertFilter {
    community: ID
    account: Address
    rule: AlertRule
    "Alerts at or above this severity."
    minSeverity: Severity
    from: Date
    to: Date
  }

  type Alert {
    id: ID!
    rule: AlertRule!
    severity: Severity!
    community: String!
    "The account the rule watched: the sender."
    account: Address!
    counterparty: Address!
    "The transfer that raised it (for windowed rules, the one that completed the pattern)."
    amount: Amount!
    transactionHash: String!
    time: String!
  }

  type PageInfo {
    hasNextPage: Boolean!
    "Pass as \`after\` for the next page."
    endCursor: String
  }

  type AlertPage {
    items: [Alert!]!
    pageInfo: PageInfo!
  }

  type AccountRisk {
    community: String!
    account: Address!
    balance: Amount!
    "KYC tier: 0 unverified, 1 verified person, 2 business."
    kycTier: Int!
    frozen: Boolean!
    sanctioned: Boolean!
    alertCounts: SeverityCounts!
    lastAlertAt: String
    """
    The risk level: severe if sanctioned, frozen or any severe alert; high if any high alert; medium if any medium
    alert; low otherwise.
    """
    level: Severity!
    "Sent and received in the last 30 days up to the indexed head."
    sent30d: Amount!
    received30d: Amount!
    recentAlerts: [Alert!]!
  }

  type SeverityCounts {
    low: Int!
    medium: Int!
    high: Int!
    severe: Int!
  }

  type TravelRuleRecord {
    id: ID!
    time: String!
    sourceCommunity: String
    destinationCommunity: String
    corridor: String!
    "Who started the exchange (for a routed swap, the router's caller) and who received it."
    originator: Address!
    beneficiary: Address!
    amountIn: Amount!
    amountOut: Amount!
    "amountIn in the reference currency at the swap's rate."
    value: Amount!
    transactionHash: String!
  }

  type TravelRulePage {
    items: [TravelRuleRecord!]!
    pageInfo: PageInfo!
  }
`;

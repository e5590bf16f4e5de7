/**
 * The indexer's tables. Conventions: snake_case table names, camelCase exports (they name the GraphQL types and
 * queries); one immutable row per log keyed by `event.id`; running state (tokens, accounts, list membership)
 * upserted as logs arrive. Every row that belongs to a community carries its token address (`token`), so
 * many communities share the tables. Timestamps are block timestamps in seconds.
 */
import { index, onchainEnum, onchainTable, primaryKey, relations } from "ponder";

// ---------------------------------------------------------------- enums

export const transferKind = onchainEnum("transfer_kind", ["mint", "burn", "transfer"]);
export const authorizationState = onchainEnum("authorization_state", ["used", "canceled"]);
export const complianceEventKind = onchainEnum("compliance_event_kind", [
  "tier_changed",
  "frozen",
  "unfrozen",
  "exemption_changed",
  "daily_limit_changed",
  "sanctions_oracle_changed",
  "registry_changed",
  "paused",
  "unpaused",
]);
export const sanctionsChange = onchainEnum("sanctions_change", ["added", "removed"]);
export const roleChange = onchainEnum("role_change", ["granted", "revoked"]);

// ---------------------------------------------------------------- running state

/** One community currency: metadata from the deployment file, totals folded from its logs. */
export const communityToken = onchainTable("community_token", (t) => ({
  address: t.hex().primaryKey(),
  /** The community's id in the deployment (e.g. "katy"). */
  communityId: t.text().notNull(),
  name: t.text().notNull(),
  symbol: t.text().notNull(),
  /** ISO 4217 code of the fiat peg. */
  currency: t.text().notNull(),
  /** ISO 3166 country code. */
  country: t.text().notNull(),
  /** BCP 47 locale. */
  locale: t.text().notNull(),
  complianceRegistry: t.hex().notNull(),
  sanctionsOracle: t.hex(),
  totalSupply: t.bigint().notNull().default(0n),
  /** Accounts with a positive balance. */
  holderCount: t.integer().notNull().default(0),
  /** Transfer logs, mints and burns included. */
  transferCount: t.integer().notNull().default(0),
  mintCount: t.integer().notNull().default(0),
  mintedTotal: t.bigint().notNull().default(0n),
  redemptionCount: t.integer().notNull().default(0),
  redeemedTotal: t.bigint().notNull().default(0n),
  paused: t.boolean().notNull().default(false),
}));

/** An address as seen by one community: balance, votes and compliance status. */
export const account = onchainTable(
  "account",
  (t) => ({
    token: t.hex().notNull(),
    address: t.hex().notNull(),
    balance: t.bigint().notNull().default(0n),
    /** KYC tier from the community's registry: 0 unverified, 1 verified person, 2 business. */
    kycTier: t.integer().notNull().default(0),
    frozen: t.boolean().notNull().default(false),
    /** An exempt system account: no daily limit. */
    exempt: t.boolean().notNull().default(false),
    votingPower: t.bigint().notNull().default(0n),
    /** Whom this account delegates its votes to; null until it first delegates. */
    delegate: t.hex(),
    transfersIn: t.integer().notNull().default(0),
    transfersOut: t.integer().notNull().default(0),
    /** The first log that named this account (transfer, delegation or compliance action). */
    firstSeenAt: t.bigint().notNull(),
    /** The latest transfer or delegation of this account; null if it never had one. */
    lastActiveAt: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.token, table.address] }),
    addressIndex: index().on(table.address),
    balanceIndex: index().on(table.token, table.balance),
    votingPowerIndex: index().on(table.token, table.votingPower),
    tierIndex: index().on(table.token, table.kycTier),
    frozenIndex: index().on(table.token, table.frozen),
    delegateIndex: index().on(table.token, table.delegate),
  }),
);

/** The current rolling daily send limit of each KYC tier of a community. */
export const dailyLimit = onchainTable(
  "daily_limit",
  (t) => ({
    token: t.hex().notNull(),
    tier: t.integer().notNull(),
    /** The most it may send in a 24 h window; 2^128 - 1 means unlimited. */
    amount: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.token, table.tier] }) }),
);

/** Membership of the sanctions list, per list contract. */
export const sanctionsListing = onchainTable(
  "sanctions_listing",
  (t) => ({
    list: t.hex().notNull(),
    address: t.hex().notNull(),
    sanctioned: t.boolean().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.list, table.address] }),
    addressIndex: index().on(table.address),
  }),
);

/** Who holds which role on which contract now. `token` is null for the sanctions list, which no community owns. */
export const roleMember = onchainTable(
  "role_member",
  (t) => ({
    contract: t.hex().notNull(),
    role: t.hex().notNull(),
    account: t.hex().notNull(),
    token: t.hex(),
    active: t.boolean().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.contract, table.role, table.account] }),
    accountIndex: index().on(table.account),
    tokenIndex: index().on(table.token),
  }),
);

// ---------------------------------------------------------------- one row per log (id = event.id)

/** One row per Transfer log. */
export const transfer = onchainTable(
  "transfer",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    kind: transferKind().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    tokenTimeIndex: index().on(table.token, table.timestamp),
    fromIndex: index().on(table.from, table.timestamp),
    toIndex: index().on(table.to, table.timestamp),
    kindIndex: index().on(table.token, table.kind),
    txIndex: index().on(table.transactionHash),
  }),
);

/** Tokens issued against a reserve deposit (Minted). */
export const mint = onchainTable(
  "mint",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    depositRef: t.hex().notNull(),
    minter: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    tokenTimeIndex: index().on(table.token, table.timestamp),
    toIndex: index().on(table.to),
    depositRefIndex: index().on(table.depositRef),
  }),
);

/** Tokens burnt to be paid out in fiat (Redeemed). */
export const redemption = onchainTable(
  "redemption",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
    payoutRef: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    tokenTimeIndex: index().on(table.token, table.timestamp),
    accountIndex: index().on(table.account),
    payoutRefIndex: index().on(table.payoutRef),
  }),
);

/** Signed-transfer nonces used or canceled (ERC-3009 AuthorizationUsed / AuthorizationCanceled). */
export const authorization = onchainTable(
  "authorization",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    authorizer: t.hex().notNull(),
    nonce: t.hex().notNull(),
    state: authorizationState().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    authorizerIndex: index().on(table.token, table.authorizer),
    txIndex: index().on(table.transactionHash),
  }),
);

/** Delegation changes (DelegateChanged); the resulting votes are on `account.votingPower`. */
export const delegation = onchainTable(
  "delegation",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    delegator: t.hex().notNull(),
    fromDelegate: t.hex().notNull(),
    toDelegate: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    delegatorIndex: index().on(table.token, table.delegator),
    toDelegateIndex: index().on(table.token, table.toDelegate),
  }),
);

/**
 * The compliance trail of a community: registry actions (tiers, freezes, exemptions, limits, sanctions oracle) and
 * the token's pauses and registry changes. Columns that a kind does not use are null.
 */
export const complianceEvent = onchainTable(
  "compliance_event",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    /** The contract that emitted the log: the community's registry, or its token (pauses, registry changes). */
    contract: t.hex().notNull(),
    kind: complianceEventKind().notNull(),
    /** The account acted on (tier, freeze, exemption). */
    account: t.hex(),
    /** Who acted, where the log says: the verifier, the compliance officer, or the pauser. */
    actor: t.hex(),
    reasonCode: t.hex(),
    /** The reason code as text, when the officer wrote a label ("COURT_ORDER"); null for other codes. */
    reasonLabel: t.text(),
    previousTier: t.integer(),
    newTier: t.integer(),
    exempt: t.boolean(),
    /** The tier whose daily limit changed. */
    limitTier: t.integer(),
    previousLimit: t.bigint(),
    newLimit: t.bigint(),
    /** Sanctions oracle or compliance registry, before and after. */
    previousAddress: t.hex(),
    newAddress: t.hex(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    tokenTimeIndex: index().on(table.token, table.timestamp),
    accountIndex: index().on(table.account, table.timestamp),
    kindIndex: index().on(table.token, table.kind),
    actorIndex: index().on(table.actor),
  }),
);

/** Additions to and removals from the sanctions list. */
export const sanctionsEvent = onchainTable(
  "sanctions_event",
  (t) => ({
    id: t.text().primaryKey(),
    list: t.hex().notNull(),
    address: t.hex().notNull(),
    change: sanctionsChange().notNull(),
    lister: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    addressIndex: index().on(table.address),
    timeIndex: index().on(table.timestamp),
  }),
);

/** Role grants and revocations on tokens, registries and the sanctions list (RoleGranted / RoleRevoked). */
export const roleEvent = onchainTable(
  "role_event",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.hex().notNull(),
    token: t.hex(),
    role: t.hex().notNull(),
    account: t.hex().notNull(),
    sender: t.hex().notNull(),
    change: roleChange().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    contractIndex: index().on(table.contract, table.role),
    accountIndex: index().on(table.account),
  }),
);

// ---------------------------------------------------------------- relations (GraphQL fields between entities)

export const communityTokenRelations = relations(communityToken, ({ many }) => ({
  accounts: many(account),
  transfers: many(transfer),
  complianceEvents: many(complianceEvent),
}));

export const accountRelations = relations(account, ({ one }) => ({
  community: one(communityToken, { fields: [account.token], references: [communityToken.address] }),
}));

export const transferRelations = relations(transfer, ({ one }) => ({
  community: one(communityToken, { fields: [transfer.token], references: [communityToken.address] }),
  fromAccount: one(account, {
    fields: [transfer.token, transfer.from],
    references: [account.token, account.address],
    relationName: "sent",
  }),
  toAccount: one(account, {
    fields: [transfer.token, transfer.to],
    references: [account.token, account.address],
    relationName: "received",
  }),
}));

export const complianceEventRelations = relations(complianceEvent, ({ one }) => ({
  community: one(communityToken, { fields: [complianceEvent.token], references: [communityToken.address] }),
}));

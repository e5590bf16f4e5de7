/**
 * The indexer's tables. Conventions: snake_case table names, camelCase exports (they name the GraphQL types and
 * queries; Ponder pluralises by adding "s", so the table is `communityProfile` and the list `communityProfiles`); one immutable row per log keyed by `event.id`;
 * running state (communities, accounts, proposals, list membership) upserted as logs arrive. Every row that belongs
 * to a community carries its token address (`token`), so many communities share the tables and
 * `communityProfile { accounts proposals ... }` reaches them. Timestamps are block timestamps in seconds, which is also
 * the governors' clock (EIP-6372 mode=timestamp).
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
  "travel_rule_threshold_changed",
  "registry_changed",
  "paused",
  "unpaused",
]);
export const sanctionsChange = onchainEnum("sanctions_change", ["added", "removed"]);
export const roleChange = onchainEnum("role_change", ["granted", "revoked"]);
export const contractKind = onchainEnum("contract_kind", ["token", "compliance_registry", "governor", "timelock"]);
/**
 * The last lifecycle event of a proposal. Pending, active, defeated and succeeded are not events but follow from
 * the time and the tallies: see `proposalState` in src/lib/proposals.ts.
 */
export const proposalStatus = onchainEnum("proposal_status", ["created", "extended", "queued", "executed", "canceled"]);
/** GovernorCountingSimple's support values: 0 against, 1 for, 2 abstain. */
export const voteSupport = onchainEnum("vote_support", ["against", "for", "abstain"]);
export const governanceEventKind = onchainEnum("governance_event_kind", [
  "voting_delay_set",
  "voting_period_set",
  "proposal_threshold_set",
  "quorum_numerator_updated",
  "late_quorum_vote_extension_set",
  "timelock_changed",
  "min_delay_changed",
]);

// ---------------------------------------------------------------- running state

/**
 * One community, discovered from the CommunityRegistry's CommunityRegistered log: its identity and contracts as
 * registered, who launched it, its current governance and compliance settings (from the logs its contracts emit,
 * the first of them in the launch transaction), and its currency's totals.
 */
export const communityProfile = onchainTable(
  "community_profile",
  (t) => ({
    /** The community's slug in the registry ("katy"). */
    id: t.text().primaryKey(),
    name: t.text().notNull(),
    /** ISO 3166-1 alpha-2 country code. */
    country: t.text().notNull(),
    /** ISO 4217 code of the fiat peg. */
    currency: t.text().notNull(),
    /** BCP 47 locale. */
    locale: t.text().notNull(),
    /** The token's ERC-20 name and symbol, read from the token at the launch block. */
    tokenName: t.text().notNull(),
    tokenSymbol: t.text().notNull(),
    /** The community's contracts, as registered. */
    token: t.hex().notNull(),
    complianceRegistry: t.hex().notNull(),
    governor: t.hex().notNull(),
    timelock: t.hex().notNull(),
    launchBlock: t.bigint().notNull(),
    launchedAt: t.bigint().notNull(),
    launchTransaction: t.hex().notNull(),
    /** Who called the factory (CommunityLaunched); null if a registrar other than a CommunityFactory registered it. */
    launcher: t.hex(),

    // governance: the governor's and the timelock's current settings, in seconds (the token's clock) or token units
    votingDelay: t.bigint().notNull().default(0n),
    votingPeriod: t.bigint().notNull().default(0n),
    proposalThreshold: t.bigint().notNull().default(0n),
    /** Quorum as a share of the voting supply at the snapshot: quorumNumerator / 100. */
    quorumNumerator: t.bigint().notNull().default(0n),
    /** How long voting goes on after a quorum reached late (GovernorPreventLateQuorum). */
    voteExtension: t.bigint().notNull().default(0n),
    timelockMinDelay: t.bigint().notNull().default(0n),
    proposalCount: t.integer().notNull().default(0),

    // compliance (the daily limits per tier are in `dailyLimits`)
    /** Transfers at or above this amount carry travel-rule data. */
    travelRuleThreshold: t.bigint().notNull().default(0n),
    sanctionsOracle: t.hex(),

    // the currency
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
  }),
  (table) => ({
    tokenIndex: index().on(table.token),
    governorIndex: index().on(table.governor),
    countryIndex: index().on(table.country),
    currencyIndex: index().on(table.currency),
  }),
);

/**
 * Every contract of every community, by address: how handlers find the community of the contract that emitted a
 * log (a registry's, governor's or timelock's logs do not name the token), and how a client identifies an address.
 */
export const communityContract = onchainTable(
  "community_contract",
  (t) => ({
    address: t.hex().primaryKey(),
    kind: contractKind().notNull(),
    communityId: t.text().notNull(),
    token: t.hex().notNull(),
  }),
  (table) => ({ communityIndex: index().on(table.communityId) }),
);

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
    /** Votes this account cast on the community's proposals. */
    votesCast: t.integer().notNull().default(0),
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

/**
 * Who holds which role on which contract now. `token` is null for the CommunityRegistry and the sanctions list,
 * which no community owns.
 */
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

/**
 * A proposal of a community's governor, its tallies and its last lifecycle event. The proposal id is a hash of the
 * actions and description, not of the governor, so the key is (governor, proposalId).
 * State as the governor's `state()` reports it: see `proposalState` in src/lib/proposals.ts, which derives pending,
 * active, defeated and succeeded from `voteStart`, `voteEnd`, the tallies and `quorum` at a given time.
 */
export const proposal = onchainTable(
  "proposal",
  (t) => ({
    governor: t.hex().notNull(),
    /** uint256, as in the governor's events and functions. */
    proposalId: t.bigint().notNull(),
    token: t.hex().notNull(),
    proposer: t.hex().notNull(),
    targets: t.hex().array().notNull(),
    values: t.bigint().array().notNull(),
    signatures: t.text().array().notNull(),
    calldatas: t.hex().array().notNull(),
    description: t.text().notNull(),
    /** The snapshot: voting opens after it (pending while now <= voteStart). */
    voteStart: t.bigint().notNull(),
    /** The deadline: voting is open while now <= voteEnd; moved later by ProposalExtended. */
    voteEnd: t.bigint().notNull(),
    /** When the queued proposal may be executed; null until queued. */
    eta: t.bigint(),
    status: proposalStatus().notNull(),
    forVotes: t.bigint().notNull().default(0n),
    againstVotes: t.bigint().notNull().default(0n),
    abstainVotes: t.bigint().notNull().default(0n),
    voterCount: t.integer().notNull().default(0),
    /** Votes needed (for + abstain) at the snapshot, read from the governor at the first vote; null before it. */
    quorum: t.bigint(),
    createdAt: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
    createdTransaction: t.hex().notNull(),
    extendedAt: t.bigint(),
    queuedAt: t.bigint(),
    executedAt: t.bigint(),
    executedTransaction: t.hex(),
    canceledAt: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.governor, table.proposalId] }),
    tokenIndex: index().on(table.token, table.createdAt),
    proposerIndex: index().on(table.proposer),
    statusIndex: index().on(table.token, table.status),
  }),
);

// ---------------------------------------------------------------- one row per log (id = event.id)

/** One row per VoteCast or VoteCastWithParams log. */
export const vote = onchainTable(
  "vote",
  (t) => ({
    id: t.text().primaryKey(),
    governor: t.hex().notNull(),
    proposalId: t.bigint().notNull(),
    token: t.hex().notNull(),
    voter: t.hex().notNull(),
    support: voteSupport().notNull(),
    weight: t.bigint().notNull(),
    reason: t.text().notNull(),
    /** VoteCastWithParams' params; null for VoteCast. */
    params: t.hex(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    proposalIndex: index().on(table.governor, table.proposalId),
    voterIndex: index().on(table.token, table.voter),
  }),
);

/** Changes of a community's governance settings: the governor's and the timelock's setting logs. */
export const governanceEvent = onchainTable(
  "governance_event",
  (t) => ({
    id: t.text().primaryKey(),
    token: t.hex().notNull(),
    /** The governor, or the timelock (min_delay_changed). */
    contract: t.hex().notNull(),
    kind: governanceEventKind().notNull(),
    /** The setting before and after (seconds, token units, or the quorum numerator); null for timelock_changed. */
    previousValue: t.bigint(),
    newValue: t.bigint(),
    /** The governor's timelock before and after (timelock_changed). */
    previousAddress: t.hex(),
    newAddress: t.hex(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ tokenTimeIndex: index().on(table.token, table.timestamp) }),
);

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
 * The compliance trail of a community: registry actions (tiers, freezes, exemptions, limits, travel-rule threshold,
 * sanctions oracle) and the token's pauses and registry changes. Columns that a kind does not use are null.
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
    /** The tier whose daily limit changed; null for a travel-rule threshold change. */
    limitTier: t.integer(),
    /** The daily limit of `limitTier`, or the travel-rule threshold, before and after. */
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

/**
 * Role grants and revocations (RoleGranted / RoleRevoked) on every community's token, compliance registry and
 * timelock, and on the CommunityRegistry and the sanctions list (`token` null: no community owns them).
 */
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

export const communityProfileRelations = relations(communityProfile, ({ many }) => ({
  contracts: many(communityContract),
  accounts: many(account),
  dailyLimits: many(dailyLimit),
  proposals: many(proposal),
  votes: many(vote),
  transfers: many(transfer),
  mints: many(mint),
  redemptions: many(redemption),
  delegations: many(delegation),
  complianceEvents: many(complianceEvent),
  governanceEvents: many(governanceEvent),
}));

export const communityContractRelations = relations(communityContract, ({ one }) => ({
  community: one(communityProfile, { fields: [communityContract.communityId], references: [communityProfile.id] }),
}));

export const accountRelations = relations(account, ({ one, many }) => ({
  community: one(communityProfile, { fields: [account.token], references: [communityProfile.token] }),
  votes: many(vote),
}));

export const dailyLimitRelations = relations(dailyLimit, ({ one }) => ({
  community: one(communityProfile, { fields: [dailyLimit.token], references: [communityProfile.token] }),
}));

export const proposalRelations = relations(proposal, ({ one, many }) => ({
  community: one(communityProfile, { fields: [proposal.token], references: [communityProfile.token] }),
  votes: many(vote),
}));

export const voteRelations = relations(vote, ({ one }) => ({
  community: one(communityProfile, { fields: [vote.token], references: [communityProfile.token] }),
  proposal: one(proposal, {
    fields: [vote.governor, vote.proposalId],
    references: [proposal.governor, proposal.proposalId],
  }),
  voterAccount: one(account, { fields: [vote.token, vote.voter], references: [account.token, account.address] }),
}));

export const transferRelations = relations(transfer, ({ one }) => ({
  community: one(communityProfile, { fields: [transfer.token], references: [communityProfile.token] }),
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

export const mintRelations = relations(mint, ({ one }) => ({
  community: one(communityProfile, { fields: [mint.token], references: [communityProfile.token] }),
}));

export const redemptionRelations = relations(redemption, ({ one }) => ({
  community: one(communityProfile, { fields: [redemption.token], references: [communityProfile.token] }),
}));

export const delegationRelations = relations(delegation, ({ one }) => ({
  community: one(communityProfile, { fields: [delegation.token], references: [communityProfile.token] }),
}));

export const complianceEventRelations = relations(complianceEvent, ({ one }) => ({
  community: one(communityProfile, { fields: [complianceEvent.token], references: [communityProfile.token] }),
}));

export const governanceEventRelations = relations(governanceEvent, ({ one }) => ({
  community: one(communityProfile, { fields: [governanceEvent.token], references: [communityProfile.token] }),
}));

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
/** Whose governor: a community's (its token holders vote) or the federation's (member communities' seats vote). */
export const governanceScope = onchainEnum("governance_scope", ["community", "federation"]);
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
    /** One of the bridge's pools (marked when the pool's first log is seen): its transfers are not local trade. */
    bridge: t.boolean().notNull().default(false),
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
 * A proposal of a community's governor (`scope` community) or of the federation's (`scope` federation), its tallies
 * and its last lifecycle event. The proposal id is a hash of the actions and description, not of the governor, so
 * the key is (governor, proposalId). `token` is the governor's votes token: the community's token, or the
 * FederationSeats for the federation (then `community` is null and `federation` names the federation).
 * State as the governor's `state()` reports it: see `proposalState` in src/lib/proposals.ts, which derives pending,
 * active, defeated and succeeded from `voteStart`, `voteEnd`, the tallies and `quorum` at a given time.
 */
export const proposal = onchainTable(
  "proposal",
  (t) => ({
    governor: t.hex().notNull(),
    /** uint256, as in the governor's events and functions. */
    proposalId: t.bigint().notNull(),
    scope: governanceScope().notNull(),
    /** The governor's votes token: a community's token, or the FederationSeats. */
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
    /**
     * Votes needed (for + abstain) at the snapshot, settled at the first vote; null before it. A community's is read
     * from its governor (`quorum(voteStart)`); the federation's is computed from the indexed history: the seats'
     * supply and the quorum numerator at the snapshot (src/lib/federation.ts `federationQuorum`).
     */
    quorum: t.bigint(),
    /**
     * The voting power that could vote: the votes token's total supply at the snapshot (`getPastTotalSupply`; the
     * federation's from the indexed seat history), settled with `quorum` at the first vote; null before it.
     */
    eligibleVotingPower: t.bigint(),
    createdAt: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
    createdTransaction: t.hex().notNull(),
    extendedAt: t.bigint(),
    queuedAt: t.bigint(),
    executedAt: t.bigint(),
    executedTransaction: t.hex(),
    canceledAt: t.bigint(),
    /** The id of the timelock operation that queued it (federation proposals: the federation's timelock is indexed). */
    timelockOperationId: t.hex(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.governor, table.proposalId] }),
    scopeIndex: index().on(table.scope, table.createdAt),
    tokenIndex: index().on(table.token, table.createdAt),
    proposerIndex: index().on(table.proposer),
    statusIndex: index().on(table.token, table.status),
  }),
);

// ---------------------------------------------------------------- one row per log (id = event.id)

/**
 * One row per VoteCast or VoteCastWithParams log, of a community's governor or the federation's. `token` is the
 * governor's votes token (a community's token, or the FederationSeats: then the voter is a `federationVoter`).
 */
export const vote = onchainTable(
  "vote",
  (t) => ({
    id: t.text().primaryKey(),
    governor: t.hex().notNull(),
    proposalId: t.bigint().notNull(),
    scope: governanceScope().notNull(),
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

/**
 * Changes of governance settings, a community's or the federation's (`scope`): the governor's and the timelock's
 * setting logs. `token` is the governor's votes token (a community's token, or the FederationSeats).
 */
export const governanceEvent = onchainTable(
  "governance_event",
  (t) => ({
    id: t.text().primaryKey(),
    scope: governanceScope().notNull(),
    token: t.hex().notNull(),
    /** The governor, or the timelock (min_delay_changed). */
    contract: t.hex().notNull(),
    kind: governanceEventKind().notNull(),
    /**
     * The setting before and after (seconds, token units or seats, or the quorum numerator); null for
     * timelock_changed.
     */
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
  (table) => ({
    tokenTimeIndex: index().on(table.token, table.timestamp),
    contractKindIndex: index().on(table.contract, table.kind),
  }),
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
 * timelock, and on the CommunityRegistry, the sanctions list, the Federation, the FederationTimelock and the
 * MutualAidFund (`token` null: no community owns them).
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

export const communityProfileRelations = relations(communityProfile, ({ one, many }) => ({
  /** Its membership of the federation; null for a community the federation did not admit. */
  federationMember: one(federationMember, { fields: [communityProfile.id], references: [federationMember.id] }),
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
  /** Its businesses (MerchantRegistry) and their point-of-sale payments (PaymentRouter). */
  merchants: many(merchant),
  payments: many(payment),
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
  /** The community whose governor it is; null for a federation proposal. */
  community: one(communityProfile, { fields: [proposal.token], references: [communityProfile.token] }),
  /** The federation, for a federation proposal; null for a community's. */
  federation: one(federation, { fields: [proposal.governor], references: [federation.governor] }),
  votes: many(vote),
  /** The timelock operation that queued it (federation proposals). */
  timelockOperation: one(timelockOperation, {
    fields: [proposal.timelockOperationId],
    references: [timelockOperation.id],
  }),
}));

export const voteRelations = relations(vote, ({ one }) => ({
  community: one(communityProfile, { fields: [vote.token], references: [communityProfile.token] }),
  proposal: one(proposal, {
    fields: [vote.governor, vote.proposalId],
    references: [proposal.governor, proposal.proposalId],
  }),
  /** The voter as its community knows it (community votes); null for a federation vote. */
  voterAccount: one(account, { fields: [vote.token, vote.voter], references: [account.token, account.address] }),
  /** The voter as the federation knows it (federation votes: a seat's delegate); null for a community vote. */
  federationVoter: one(federationVoter, {
    fields: [vote.token, vote.voter],
    references: [federationVoter.seats, federationVoter.address],
  }),
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

// ================================================================ the bridge
//
// The FxOracle's rates, the BridgeRouter's pools and routed swaps, and each BridgePool's reserves, settlements and
// liquidity. Values "in the reference currency" (`value`, `volume`, `feesValue`, `tvl`) are 18-decimal amounts of
// the oracle's reference currency (USD), at the oracle's rates; token amounts are in the token's units. Countries
// are ISO 3166-1 alpha-2 codes ("ZZ" for a token no registered community owns); a corridor is "US-MX". Days are
// UTC: `day` is the day's first second, `date` its ISO date. Pure formulas: src/lib/bridge.ts.

// ---------------------------------------------------------------- enums

export const liquidityChange = onchainEnum("liquidity_change", ["added", "removed"]);
export const poolEventKind = onchainEnum("pool_event_kind", [
  "registered",
  "curve_changed",
  "flow_limits_changed",
  "paused",
  "unpaused",
]);
export const fxRateEventKind = onchainEnum("fx_rate_event_kind", ["rate_updated", "breaker_tripped", "breaker_reset"]);
export const fxOracleEventKind = onchainEnum("fx_oracle_event_kind", [
  "reporter_added",
  "reporter_removed",
  "parameters_changed",
]);

// ---------------------------------------------------------------- running state

/**
 * A BridgePool, discovered from the router's PoolSet log. Its settings and reserves are read from the chain when it
 * is first seen (the logs before its registration are not followed), then kept by its logs; the counters and sums
 * count the swaps since its registration.
 */
export const pool = onchainTable(
  "pool",
  (t) => ({
    address: t.hex().primaryKey(),
    /** The router that registered it (PoolSet); whether it is still the router's pool for its pair. */
    router: t.hex(),
    listed: t.boolean().notNull().default(false),
    registeredAt: t.bigint(),
    registeredBlock: t.bigint(),
    /** The LP share token's symbol ("KCB-KATY-HOU") and the oracle that prices the pool. */
    symbol: t.text().notNull(),
    oracle: t.hex().notNull(),
    tokenA: t.hex().notNull(),
    tokenB: t.hex().notNull(),
    /** The communities (slugs) and countries of tokenA and tokenB; null for a token no registered community owns. */
    communityA: t.text(),
    communityB: t.text(),
    countryA: t.text(),
    countryB: t.text(),
    /** ISO 4217 codes, as the pool read them from its tokens. */
    currencyA: t.text().notNull(),
    currencyB: t.text().notNull(),
    /** The pool's own reserves (ReservesUpdated) and its LP share supply (mints and burns of its Transfer). */
    reserveA: t.bigint().notNull(),
    reserveB: t.bigint().notNull(),
    lpSupply: t.bigint().notNull(),
    feeBps: t.integer().notNull(),
    amplification: t.integer().notNull(),
    /** Net-outflow limits per token over the short (5 min) and long (1 day) windows; 0 means none. */
    shortLimitA: t.bigint().notNull(),
    longLimitA: t.bigint().notNull(),
    shortLimitB: t.bigint().notNull(),
    longLimitB: t.bigint().notNull(),
    paused: t.boolean().notNull(),
    swapCount: t.integer().notNull().default(0),
    travelRuleCount: t.integer().notNull().default(0),
    /** The swaps' input value (Settled `value`), in the reference currency. */
    volume: t.bigint().notNull().default(0n),
    /** Fees kept by the pool, in tokenA units (swaps B -> A) and tokenB units (A -> B), and their reference value. */
    feesA: t.bigint().notNull().default(0n),
    feesB: t.bigint().notNull().default(0n),
    feesValue: t.bigint().notNull().default(0n),
    /**
     * The swap fees charged on deposits' imbalance (sum of LiquidityAdded `fee`), in the reference currency: kept by
     * the pool for its providers, like `feesValue`, but not part of it.
     */
    depositFeesValue: t.bigint().notNull().default(0n),
    /** The rates of currencyA and currencyB that `tvl` uses: the oracle's latest accepted; null before the first. */
    rateA: t.bigint(),
    rateB: t.bigint(),
    /** Value locked in the reference currency: reserveA * rateA + reserveB * rateB; null while a rate is unknown. */
    tvl: t.bigint(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    tokenAIndex: index().on(table.tokenA),
    tokenBIndex: index().on(table.tokenB),
    communityAIndex: index().on(table.communityA),
    communityBIndex: index().on(table.communityB),
  }),
);

/** The router's pool for each pair of tokens (in address order, as the router keys them). */
export const poolRoute = onchainTable(
  "pool_route",
  (t) => ({
    router: t.hex().notNull(),
    token0: t.hex().notNull(),
    token1: t.hex().notNull(),
    pool: t.hex().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.router, table.token0, table.token1] }) }),
);

/** LP shares of a pool per holder, from the pool's Transfer logs (the locked minimum sits with 0x…dEaD). */
export const lpPosition = onchainTable(
  "lp_position",
  (t) => ({
    pool: t.hex().notNull(),
    provider: t.hex().notNull(),
    shares: t.bigint().notNull(),
    firstSeenAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.pool, table.provider] }),
    providerIndex: index().on(table.provider),
  }),
);

/** A pool's swaps per UTC day. */
export const poolDay = onchainTable(
  "pool_day",
  (t) => ({
    pool: t.hex().notNull(),
    day: t.bigint().notNull(),
    date: t.text().notNull(),
    swapCount: t.integer().notNull(),
    travelRuleCount: t.integer().notNull(),
    volume: t.bigint().notNull(),
    feesA: t.bigint().notNull(),
    feesB: t.bigint().notNull(),
    feesValue: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.pool, table.day] }),
    dayIndex: index().on(table.day),
  }),
);

/** Settlements from one country to another per UTC day (each hop of a routed swap counts on its own). */
export const corridorDay = onchainTable(
  "corridor_day",
  (t) => ({
    corridor: t.text().notNull(),
    day: t.bigint().notNull(),
    date: t.text().notNull(),
    sourceCountry: t.text().notNull(),
    destinationCountry: t.text().notNull(),
    swapCount: t.integer().notNull(),
    travelRuleCount: t.integer().notNull(),
    volume: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.corridor, table.day] }),
    dayIndex: index().on(table.day),
    sourceIndex: index().on(table.sourceCountry, table.day),
    destinationIndex: index().on(table.destinationCountry, table.day),
  }),
);

/**
 * The oracle's current rate of each currency, as `FxOracle.rateState(currency)` reports it: the last accepted median,
 * when, whether the breaker is tripped (the rate then stays the last accepted one, which swaps may not use), and the
 * moving average. The reference currency's row has rate 1e18 and no `updatedAt`. `pools` lists the pools holding
 * the currency, whose `tvl` moves with the rate.
 */
export const fxRate = onchainTable("fx_rate", (t) => ({
  currency: t.text().primaryKey(),
  reference: t.boolean().notNull(),
  rate: t.bigint(),
  average: t.bigint(),
  updatedAt: t.bigint(),
  tripped: t.boolean().notNull(),
  /** Fresh reports in the last accepted median. */
  freshReports: t.integer().notNull(),
  updateCount: t.integer().notNull(),
  tripCount: t.integer().notNull(),
  pools: t.hex().array().notNull(),
}));

/** An FxOracle's settings and reference currency. */
export const fxOracle = onchainTable("fx_oracle", (t) => ({
  address: t.hex().primaryKey(),
  referenceCurrency: t.text().notNull(),
  /** Seconds a report or rate stays fresh. */
  maxAge: t.bigint(),
  /** How far a median may move from the average before the breaker trips. */
  maxDeviationBps: t.bigint(),
  /** Fresh reports a median needs. */
  minReports: t.bigint(),
  reporterCount: t.integer().notNull(),
  reportCount: t.integer().notNull(),
}));

/** An oracle's reporters: whether each reports now, and its reports. */
export const fxReporter = onchainTable(
  "fx_reporter",
  (t) => ({
    oracle: t.hex().notNull(),
    address: t.hex().notNull(),
    active: t.boolean().notNull(),
    reportCount: t.integer().notNull(),
    lastReportAt: t.bigint(),
    addedAt: t.bigint(),
    removedAt: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.oracle, table.address] }) }),
);

// ---------------------------------------------------------------- one row per log (id = event.id)

/**
 * One row per Settled log: a cross-border payment through a pool, or one hop of a routed swap (`viaRouter`: the
 * sender is the pool's router; the swap is in `routedSwaps` under the same transaction, and `routedSwap` names it).
 * `feeValue` is the fee at the oracle's rate of the output currency; null if the indexer knows no rate of it.
 */
export const settlement = onchainTable(
  "settlement",
  (t) => ({
    id: t.text().primaryKey(),
    pool: t.hex().notNull(),
    sender: t.hex().notNull(),
    recipient: t.hex().notNull(),
    tokenIn: t.hex().notNull(),
    tokenOut: t.hex().notNull(),
    sourceCommunity: t.text(),
    destinationCommunity: t.text(),
    sourceCountry: t.text().notNull(),
    destinationCountry: t.text().notNull(),
    corridor: t.text().notNull(),
    amountIn: t.bigint().notNull(),
    amountOut: t.bigint().notNull(),
    /** In tokenOut units, kept by the pool. */
    fee: t.bigint().notNull(),
    feeValue: t.bigint(),
    /** The oracle's cross rate: tokenOut units per tokenIn unit, 18 decimals. */
    rate: t.bigint().notNull(),
    /** amountIn in the reference currency. */
    value: t.bigint().notNull(),
    /** amountIn was at or above the source community's travel-rule threshold. */
    travelRule: t.boolean().notNull(),
    viaRouter: t.boolean().notNull(),
    /**
     * The account that started the exchange: the sender of a direct swap; for a hop of a routed swap, the RoutedSwap's
     * sender (the pool's Settled `sender` is then the router). Set to the sender when the Settled log is indexed, and
     * to the RoutedSwap's sender when that log, which follows the hops in their transaction, is.
     */
    originator: t.hex().notNull(),
    /** The id of the routed_swap row this settlement is a hop of; null for a direct swap. */
    routedSwap: t.text(),
    day: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    poolTimeIndex: index().on(table.pool, table.timestamp),
    senderIndex: index().on(table.sender),
    recipientIndex: index().on(table.recipient),
    corridorIndex: index().on(table.corridor, table.timestamp),
    travelRuleIndex: index().on(table.travelRule, table.blockNumber, table.logIndex),
    txIndex: index().on(table.transactionHash),
    originatorIndex: index().on(table.originator),
    routedSwapIndex: index().on(table.routedSwap),
  }),
);

/** One row per LiquidityAdded / LiquidityRemoved log. `value` and `fee` (reference currency) only for additions. */
export const liquidityEvent = onchainTable(
  "liquidity_event",
  (t) => ({
    id: t.text().primaryKey(),
    pool: t.hex().notNull(),
    change: liquidityChange().notNull(),
    provider: t.hex().notNull(),
    recipient: t.hex().notNull(),
    amountA: t.bigint().notNull(),
    amountB: t.bigint().notNull(),
    shares: t.bigint().notNull(),
    value: t.bigint(),
    /**
     * The swap fee charged on the deposit's imbalance (the value it moves from one side of the pool to the other),
     * in the reference currency: the deposit's shares are worth `value - fee`. Null for removals, which pay none.
     */
    fee: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    poolTimeIndex: index().on(table.pool, table.timestamp),
    providerIndex: index().on(table.provider),
  }),
);

/** A pool's registration and settings changes: PoolSet, CurveChanged, FlowLimitsChanged, Paused, Unpaused. */
export const poolEvent = onchainTable(
  "pool_event",
  (t) => ({
    id: t.text().primaryKey(),
    pool: t.hex().notNull(),
    kind: poolEventKind().notNull(),
    /** The registering router (registered), or the pauser (paused, unpaused). */
    account: t.hex(),
    feeBps: t.integer(),
    amplification: t.integer(),
    /** The token whose flow limits changed, and the new limits. */
    token: t.hex(),
    shortLimit: t.bigint(),
    longLimit: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ poolTimeIndex: index().on(table.pool, table.timestamp) }),
);

/**
 * One row per RoutedSwap log: a multi-hop exchange of `hops` hops; each hop is a settlement of the same transaction
 * (`settlements`), whose `routedSwap` is this row's id and whose `originator` is this row's sender.
 */
export const routedSwap = onchainTable(
  "routed_swap",
  (t) => ({
    id: t.text().primaryKey(),
    router: t.hex().notNull(),
    sender: t.hex().notNull(),
    recipient: t.hex().notNull(),
    path: t.hex().array().notNull(),
    hops: t.integer().notNull(),
    tokenIn: t.hex().notNull(),
    tokenOut: t.hex().notNull(),
    sourceCommunity: t.text(),
    destinationCommunity: t.text(),
    sourceCountry: t.text().notNull(),
    destinationCountry: t.text().notNull(),
    /** From the first token's country to the last's. */
    corridor: t.text().notNull(),
    amountIn: t.bigint().notNull(),
    amountOut: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    senderIndex: index().on(table.sender),
    timeIndex: index().on(table.timestamp),
    txIndex: index().on(table.transactionHash),
  }),
);

/** One row per RateReported log: a reporter's report, accepted into a median or not. */
export const fxReport = onchainTable(
  "fx_report",
  (t) => ({
    id: t.text().primaryKey(),
    oracle: t.hex().notNull(),
    currency: t.text().notNull(),
    reporter: t.hex().notNull(),
    rate: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    currencyTimeIndex: index().on(table.currency, table.timestamp),
    reporterIndex: index().on(table.reporter, table.timestamp),
  }),
);

/**
 * A currency's rate history: RateUpdated (the new median `rate`, `average`, `freshReports`), BreakerTripped (the rejected
 * median as `rate`, the `average` it deviated from, `deviationBps`) and BreakerReset (`rate`, `resetBy`).
 */
export const fxRateEvent = onchainTable(
  "fx_rate_event",
  (t) => ({
    id: t.text().primaryKey(),
    oracle: t.hex().notNull(),
    currency: t.text().notNull(),
    kind: fxRateEventKind().notNull(),
    rate: t.bigint().notNull(),
    average: t.bigint(),
    freshReports: t.integer(),
    deviationBps: t.bigint(),
    resetBy: t.hex(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ currencyTimeIndex: index().on(table.currency, table.timestamp) }),
);

/** The oracle's reporter and parameter changes (ReporterAdded, ReporterRemoved, ParametersChanged). */
export const fxOracleEvent = onchainTable(
  "fx_oracle_event",
  (t) => ({
    id: t.text().primaryKey(),
    oracle: t.hex().notNull(),
    kind: fxOracleEventKind().notNull(),
    reporter: t.hex(),
    maxAge: t.bigint(),
    maxDeviationBps: t.bigint(),
    minReports: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ oracleTimeIndex: index().on(table.oracle, table.timestamp) }),
);

// ---------------------------------------------------------------- relations

export const poolRelations = relations(pool, ({ one, many }) => ({
  /** The federation's record of the pool (its fee, its pause by a member's suspension); null if not a member pool. */
  federationPool: one(federationPool, { fields: [pool.address], references: [federationPool.pool] }),
  profileA: one(communityProfile, {
    fields: [pool.communityA],
    references: [communityProfile.id],
    relationName: "poolCommunityA",
  }),
  profileB: one(communityProfile, {
    fields: [pool.communityB],
    references: [communityProfile.id],
    relationName: "poolCommunityB",
  }),
  fxRateA: one(fxRate, { fields: [pool.currencyA], references: [fxRate.currency], relationName: "poolRateA" }),
  fxRateB: one(fxRate, { fields: [pool.currencyB], references: [fxRate.currency], relationName: "poolRateB" }),
  settlements: many(settlement),
  liquidityEvents: many(liquidityEvent),
  lpPositions: many(lpPosition),
  days: many(poolDay),
  events: many(poolEvent),
}));

export const settlementRelations = relations(settlement, ({ one }) => ({
  bridgePool: one(pool, { fields: [settlement.pool], references: [pool.address] }),
  /** The routed swap this settlement is a hop of (`routedSwap`). */
  route: one(routedSwap, { fields: [settlement.routedSwap], references: [routedSwap.id] }),
  sourceProfile: one(communityProfile, {
    fields: [settlement.sourceCommunity],
    references: [communityProfile.id],
    relationName: "settlementSource",
  }),
  destinationProfile: one(communityProfile, {
    fields: [settlement.destinationCommunity],
    references: [communityProfile.id],
    relationName: "settlementDestination",
  }),
}));

export const liquidityEventRelations = relations(liquidityEvent, ({ one }) => ({
  bridgePool: one(pool, { fields: [liquidityEvent.pool], references: [pool.address] }),
}));

export const lpPositionRelations = relations(lpPosition, ({ one }) => ({
  bridgePool: one(pool, { fields: [lpPosition.pool], references: [pool.address] }),
}));

export const poolDayRelations = relations(poolDay, ({ one }) => ({
  bridgePool: one(pool, { fields: [poolDay.pool], references: [pool.address] }),
}));

export const poolEventRelations = relations(poolEvent, ({ one }) => ({
  bridgePool: one(pool, { fields: [poolEvent.pool], references: [pool.address] }),
}));

export const routedSwapRelations = relations(routedSwap, ({ one, many }) => ({
  /** Its hops, one settlement each. */
  settlements: many(settlement),
  sourceProfile: one(communityProfile, {
    fields: [routedSwap.sourceCommunity],
    references: [communityProfile.id],
    relationName: "routedSwapSource",
  }),
  destinationProfile: one(communityProfile, {
    fields: [routedSwap.destinationCommunity],
    references: [communityProfile.id],
    relationName: "routedSwapDestination",
  }),
}));

export const fxRateRelations = relations(fxRate, ({ many }) => ({
  history: many(fxRateEvent),
  reports: many(fxReport),
}));

export const fxRateEventRelations = relations(fxRateEvent, ({ one }) => ({
  fxRate: one(fxRate, { fields: [fxRateEvent.currency], references: [fxRate.currency] }),
}));

export const fxReportRelations = relations(fxReport, ({ one }) => ({
  fxRate: one(fxRate, { fields: [fxReport.currency], references: [fxRate.currency] }),
}));

// ================================================================ the federation
//
// The federation of communities (Federation, FederationSeats, FederationGovernor, FederationTimelock,
// MutualAidFund, from the deployment file): members and their seats, the charter and its acceptances, the shared
// parameters, and the mutual-aid fund. The federation's proposals, votes and settings changes are rows of
// `proposal`, `vote` and `governanceEvent` with `scope` federation (their `token` is the FederationSeats), and role
// changes of its contracts rows of `roleEvent` / `roleMember`. Pure rules: src/lib/federation.ts.

// ---------------------------------------------------------------- enums

/** IFederation.Status: admitted (may launch), member (holds a seat), suspended (seat withdrawn, pools paused). */
export const memberStatus = onchainEnum("member_status", ["admitted", "member", "suspended"]);
export const seatEventKind = onchainEnum("seat_event_kind", ["minted", "burned", "delegate_changed"]);
export const federationEventKind = onchainEnum("federation_event_kind", [
  "member_admitted",
  "member_launched",
  "member_suspended",
  "member_readmitted",
  "charter_ratified",
  "charter_accepted",
  "pool_added",
  "emergency_cap_changed",
]);
/**
 * Named "operation_status", not "timelock_operation_status": Ponder 1.0's table DDL takes any type whose name starts
 * with a PostgreSQL type's ("time", "date", "text", ...) for that built-in type and leaves it unqualified by the
 * schema, so on PostgreSQL (not on PGlite, whose search path hides it) the table could not be created.
 */
export const timelockOperationStatus = onchainEnum("operation_status", ["scheduled", "executed", "canceled"]);

// ---------------------------------------------------------------- running state

/**
 * The federation (one row, keyed by the Federation's address): its contracts, the current charter, member counts,
 * the seats' supply, and its governor's and timelock's settings (from their logs, the first in their constructors).
 */
export const federation = onchainTable("federation", (t) => ({
  address: t.hex().primaryKey(),
  seats: t.hex().notNull(),
  governor: t.hex().notNull(),
  timelock: t.hex().notNull(),
  mutualAidFund: t.hex().notNull(),
  /** The current charter version; 0 before the first is ratified. */
  charterVersion: t.integer().notNull().default(0),
  charterHash: t.hex(),
  charterUri: t.text(),
  /** Communities ever admitted, members now (status member), and members that accepted the current charter. */
  admittedCount: t.integer().notNull().default(0),
  memberCount: t.integer().notNull().default(0),
  fullMemberCount: t.integer().notNull().default(0),
  suspendedCount: t.integer().notNull().default(0),
  /** Seats in existence (minted minus burned): the governor's voting supply. */
  seatSupply: t.bigint().notNull().default(0n),
  poolCount: t.integer().notNull().default(0),
  // the governor's and the timelock's settings: seconds (the seats' clock), seats, percent
  votingDelay: t.bigint().notNull().default(0n),
  votingPeriod: t.bigint().notNull().default(0n),
  proposalThreshold: t.bigint().notNull().default(0n),
  /** Quorum as a share of the seats at the snapshot: quorumNumerator / 100. */
  quorumNumerator: t.bigint().notNull().default(0n),
  timelockMinDelay: t.bigint().notNull().default(0n),
  proposalCount: t.integer().notNull().default(0),
  updatedAt: t.bigint().notNull(),
}));

/**
 * A community the federation admitted (`id` is its slug, as in `communityProfile`): its standing, contracts and
 * seat, the charter version its own governance accepted, and who exercises its seat. `isFullMember` is
 * `Federation.isFullMember(id)`: a member that accepted the current charter (recomputed when a charter is ratified).
 */
export const federationMember = onchainTable(
  "federation_member",
  (t) => ({
    id: t.text().primaryKey(),
    /** keccak256 of the id, as the Federation's logs key members; as a number it is the seat's id. */
    key: t.hex().notNull(),
    status: memberStatus().notNull(),
    /** Who may launch it (MemberAdmitted). */
    launcher: t.hex().notNull(),
    /** Its token and timelock (the seat's holder, the grants' recipient); null until launched. */
    token: t.hex(),
    timelock: t.hex(),
    seatId: t.bigint(),
    /** The charter version its governance accepted last; 0 for none. */
    charterVersion: t.integer().notNull().default(0),
    isFullMember: t.boolean().notNull().default(false),
    /** Whom its seat's holder (its timelock) delegates to, and that delegate's current votes (all its seats). */
    delegate: t.hex(),
    delegateVotes: t.bigint().notNull().default(0n),
    admittedAt: t.bigint().notNull(),
    admittedBlock: t.bigint().notNull(),
    launchedAt: t.bigint(),
    /** The latest suspension and readmission. */
    suspendedAt: t.bigint(),
    suspensionReason: t.text(),
    /** Pools its latest suspension paused, and pools its latest readmission reopened. */
    pausedPools: t.integer(),
    readmittedAt: t.bigint(),
    unpausedPools: t.integer(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    keyIndex: index().on(table.key),
    statusIndex: index().on(table.status),
    timelockIndex: index().on(table.timelock),
    delegateIndex: index().on(table.delegate),
  }),
);

/**
 * A seat of the FederationSeats (one per member, non-transferable, held by the member's timelock): its holder, the
 * holder's delegate, and whether it exists now (burned on suspension, minted again on readmission).
 */
export const seat = onchainTable(
  "seat",
  (t) => ({
    seatId: t.bigint().primaryKey(),
    seats: t.hex().notNull(),
    /** The member whose seat it is; null until its MemberLaunched log (which follows the mint). */
    memberId: t.text(),
    holder: t.hex().notNull(),
    /** Whom the holder delegates its votes to (`seats.delegates(holder)`). */
    delegate: t.hex(),
    active: t.boolean().notNull(),
    mintedAt: t.bigint().notNull(),
    burnedAt: t.bigint(),
    /** Mints: 1, plus one per readmission. */
    mintCount: t.integer().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    holderIndex: index().on(table.holder),
    memberIndex: index().on(table.memberId),
  }),
);

/**
 * An account of the FederationSeats' votes: a seat's holder or a delegate (a representative). `votes` is
 * `seats.getVotes(address)`; `delegate` whom it delegates its own seat's votes to.
 */
export const federationVoter = onchainTable(
  "federation_voter",
  (t) => ({
    seats: t.hex().notNull(),
    address: t.hex().notNull(),
    votes: t.bigint().notNull().default(0n),
    delegate: t.hex(),
    /** The seat it holds now; null for none (a representative, or a suspended member's timelock). */
    seatId: t.bigint(),
    /** Votes it cast on federation proposals. */
    votesCast: t.integer().notNull().default(0),
    firstSeenAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.seats, table.address] }),
    votesIndex: index().on(table.votes),
  }),
);

/** A charter version the federation ratified, and how many members' governance accepted it. */
export const charterVersion = onchainTable("charter_version", (t) => ({
  version: t.integer().primaryKey(),
  hash: t.hex().notNull(),
  uri: t.text().notNull(),
  /** Whether it is the federation's current charter. */
  current: t.boolean().notNull(),
  /** Members that accepted it (each counted once). */
  acceptanceCount: t.integer().notNull().default(0),
  ratifiedAt: t.bigint().notNull(),
  ratifiedBlock: t.bigint().notNull(),
  ratifiedTransaction: t.hex().notNull(),
}));

/** A member's acceptance of a charter version (its first CharterAccepted for that version). */
export const charterAcceptance = onchainTable(
  "charter_acceptance",
  (t) => ({
    version: t.integer().notNull(),
    memberId: t.text().notNull(),
    acceptedAt: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.version, table.memberId] }),
    memberIndex: index().on(table.memberId),
  }),
);

/**
 * A shared parameter of the federation (`IFederation.Parameters`: bridgeFeeBps, mutualAidRateBps, tier0DailyLimit,
 * tier1DailyLimit, travelRuleThreshold; amounts in the reference currency, 18 decimals), from its latest
 * ParameterChanged log (the constructor's first). Its history is in `parameterChange`.
 */
export const federationParameter = onchainTable("federation_parameter", (t) => ({
  name: t.text().primaryKey(),
  value: t.bigint().notNull(),
  changeCount: t.integer().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** A bridge pool under the federation's rules (PoolAdded): its two members, and whether a suspension paused it. */
export const federationPool = onchainTable("federation_pool", (t) => ({
  pool: t.hex().primaryKey(),
  keyA: t.hex().notNull(),
  keyB: t.hex().notNull(),
  memberA: t.text(),
  memberB: t.text(),
  addedAt: t.bigint().notNull(),
  /**
   * The member whose suspension paused it (its Paused log in the suspension's transaction); cleared when that
   * member's readmission reopens it. The pool's own `paused` is on `pool`.
   */
  pausedBySuspensionOf: t.text(),
}));

/** The mutual-aid fund's account of one token: contributions, grants, the emergency cap, and its balance. */
export const mutualAidFundToken = onchainTable(
  "mutual_aid_fund_token",
  (t) => ({
    fund: t.hex().notNull(),
    token: t.hex().notNull(),
    /** The community whose token it is. */
    community: t.text(),
    /** `fund.contributed(token)` and `fund.granted(token)`; the emergency part of the grants. */
    contributed: t.bigint().notNull().default(0n),
    granted: t.bigint().notNull().default(0n),
    emergencyGranted: t.bigint().notNull().default(0n),
    contributionCount: t.integer().notNull().default(0),
    grantCount: t.integer().notNull().default(0),
    emergencyGrantCount: t.integer().notNull().default(0),
    /** `token.balanceOf(fund)`, from the token's Transfer logs (a plain transfer to the fund counts too). */
    balance: t.bigint().notNull().default(0n),
    /** `fund.emergencyCap(token)`: the most emergency grants may pay per 30-day period. */
    emergencyCap: t.bigint().notNull().default(0n),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.fund, table.token] }) }),
);

/**
 * An operation of the federation's timelock (CallScheduled per call, CallExecuted, Cancelled): its calls, when it
 * is ready, and what became of it; `proposalId` names the federation proposal that queued it.
 */
export const timelockOperation = onchainTable(
  "timelock_operation",
  (t) => ({
    /** The operation id (`hashOperationBatch`). */
    id: t.hex().primaryKey(),
    timelock: t.hex().notNull(),
    status: timelockOperationStatus().notNull(),
    targets: t.hex().array().notNull(),
    values: t.bigint().array().notNull(),
    datas: t.hex().array().notNull(),
    predecessor: t.hex().notNull(),
    /** From CallSalt; null for a zero salt. */
    salt: t.hex(),
    delay: t.bigint().notNull(),
    /** The earliest execution time: scheduled at + delay. */
    readyAt: t.bigint().notNull(),
    proposalId: t.bigint(),
    scheduledAt: t.bigint().notNull(),
    scheduledTransaction: t.hex().notNull(),
    executedAt: t.bigint(),
    executedTransaction: t.hex(),
    canceledAt: t.bigint(),
  }),
  (table) => ({
    timelockIndex: index().on(table.timelock, table.scheduledAt),
    proposalIndex: index().on(table.proposalId),
  }),
);

// ---------------------------------------------------------------- one row per log (id = event.id)

/**
 * Seat mints and burns (Transfer from or to zero: seats never move otherwise) with the seats' supply after each,
 * the history the federation's quorum is computed from; and holders' delegation changes (DelegateChanged).
 */
export const seatEvent = onchainTable(
  "seat_event",
  (t) => ({
    id: t.text().primaryKey(),
    seats: t.hex().notNull(),
    kind: seatEventKind().notNull(),
    /** minted, burned: the seat; delegate_changed: the delegator's seat, if it holds one. */
    seatId: t.bigint(),
    /** minted, burned: the holder; delegate_changed: the delegator. */
    holder: t.hex().notNull(),
    fromDelegate: t.hex(),
    toDelegate: t.hex(),
    /** Seats in existence after a mint or burn; null for delegate_changed. */
    supply: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    seatIndex: index().on(table.seatId, table.timestamp),
    supplyIndex: index().on(table.seats, table.kind, table.timestamp),
  }),
);

/** Every change of a shared parameter (ParameterChanged), with the federation proposal that made it. */
export const parameterChange = onchainTable(
  "parameter_change",
  (t) => ({
    id: t.text().primaryKey(),
    parameter: t.text().notNull(),
    oldValue: t.bigint().notNull(),
    newValue: t.bigint().notNull(),
    /** The federation proposal executed in the same transaction; null for the constructor's (the founding values). */
    proposalId: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    parameterIndex: index().on(table.parameter, table.timestamp),
    txIndex: index().on(table.transactionHash),
  }),
);

/**
 * The federation's trail: membership (admitted, launched, suspended, readmitted), charters (ratified, accepted),
 * pools added, emergency caps changed. Columns a kind does not use are null. `proposalId` names the federation
 * proposal executed in the same transaction (null for what founders, members' own governance or others did).
 */
export const federationEvent = onchainTable(
  "federation_event",
  (t) => ({
    id: t.text().primaryKey(),
    kind: federationEventKind().notNull(),
    /** The emitting contract: the Federation, or the MutualAidFund (emergency_cap_changed). */
    contract: t.hex().notNull(),
    memberId: t.text(),
    key: t.hex(),
    /** member_admitted: the launcher. */
    account: t.hex(),
    token: t.hex(),
    timelock: t.hex(),
    seatId: t.bigint(),
    reason: t.text(),
    /** member_suspended: pools paused; member_readmitted: pools reopened. */
    poolCount: t.integer(),
    charterVersion: t.integer(),
    charterHash: t.hex(),
    charterUri: t.text(),
    pool: t.hex(),
    keyA: t.hex(),
    keyB: t.hex(),
    /** emergency_cap_changed: the cap before and after. */
    oldValue: t.bigint(),
    newValue: t.bigint(),
    proposalId: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    memberIndex: index().on(table.memberId, table.timestamp),
    kindIndex: index().on(table.kind, table.timestamp),
    txIndex: index().on(table.transactionHash),
  }),
);

/** One row per ContributionReceived: a contribution of a member's token to the mutual-aid fund. */
export const mutualAidContribution = onchainTable(
  "mutual_aid_contribution",
  (t) => ({
    id: t.text().primaryKey(),
    fund: t.hex().notNull(),
    /** The key and slug of the community whose token it is. */
    key: t.hex().notNull(),
    community: t.text(),
    token: t.hex().notNull(),
    contributor: t.hex().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    tokenIndex: index().on(table.token, table.timestamp),
    communityIndex: index().on(table.community, table.timestamp),
    contributorIndex: index().on(table.contributor),
  }),
);

/**
 * One row per GrantPaid: a grant to a member community (`community`), paid to its timelock (`recipient`), in
 * `token` (the token of `tokenCommunity`, which may be another member's). A federation proposal's grant names it
 * (`proposalId`); an emergency grant (`emergency`, by the committee, without a vote) has none.
 */
export const mutualAidGrant = onchainTable(
  "mutual_aid_grant",
  (t) => ({
    id: t.text().primaryKey(),
    fund: t.hex().notNull(),
    key: t.hex().notNull(),
    community: t.text().notNull(),
    token: t.hex().notNull(),
    tokenCommunity: t.text(),
    recipient: t.hex().notNull(),
    amount: t.bigint().notNull(),
    emergency: t.boolean().notNull(),
    memo: t.text().notNull(),
    proposalId: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    communityIndex: index().on(table.community, table.timestamp),
    tokenIndex: index().on(table.token, table.timestamp),
    emergencyIndex: index().on(table.emergency),
    txIndex: index().on(table.transactionHash),
  }),
);

// ---------------------------------------------------------------- relations

export const federationRelations = relations(federation, ({ many }) => ({
  proposals: many(proposal),
}));

export const federationMemberRelations = relations(federationMember, ({ one, many }) => ({
  /** The community's profile; null until it launches. */
  community: one(communityProfile, { fields: [federationMember.id], references: [communityProfile.id] }),
  seat: one(seat, { fields: [federationMember.seatId], references: [seat.seatId] }),
  delegateVoter: one(federationVoter, { fields: [federationMember.delegate], references: [federationVoter.address] }),
  charterAcceptances: many(charterAcceptance),
  events: many(federationEvent),
  grants: many(mutualAidGrant),
}));

export const seatRelations = relations(seat, ({ one, many }) => ({
  member: one(federationMember, { fields: [seat.memberId], references: [federationMember.id] }),
  events: many(seatEvent),
}));

export const seatEventRelations = relations(seatEvent, ({ one }) => ({
  seat: one(seat, { fields: [seatEvent.seatId], references: [seat.seatId] }),
}));

export const federationVoterRelations = relations(federationVoter, ({ many }) => ({
  /** Its votes on federation proposals (`votes` is its voting power). */
  ballots: many(vote),
}));

export const charterVersionRelations = relations(charterVersion, ({ many }) => ({
  acceptances: many(charterAcceptance),
}));

export const charterAcceptanceRelations = relations(charterAcceptance, ({ one }) => ({
  charter: one(charterVersion, { fields: [charterAcceptance.version], references: [charterVersion.version] }),
  member: one(federationMember, { fields: [charterAcceptance.memberId], references: [federationMember.id] }),
}));

export const federationParameterRelations = relations(federationParameter, ({ many }) => ({
  changes: many(parameterChange),
}));

export const parameterChangeRelations = relations(parameterChange, ({ one }) => ({
  federationParameter: one(federationParameter, {
    fields: [parameterChange.parameter],
    references: [federationParameter.name],
  }),
}));

export const federationPoolRelations = relations(federationPool, ({ one }) => ({
  bridgePool: one(pool, { fields: [federationPool.pool], references: [pool.address] }),
  federationMemberA: one(federationMember, { fields: [federationPool.memberA], references: [federationMember.id] }),
  federationMemberB: one(federationMember, { fields: [federationPool.memberB], references: [federationMember.id] }),
}));

export const federationEventRelations = relations(federationEvent, ({ one }) => ({
  member: one(federationMember, { fields: [federationEvent.memberId], references: [federationMember.id] }),
}));

export const mutualAidFundTokenRelations = relations(mutualAidFundToken, ({ one, many }) => ({
  profile: one(communityProfile, { fields: [mutualAidFundToken.community], references: [communityProfile.id] }),
  contributions: many(mutualAidContribution),
  grants: many(mutualAidGrant),
}));

export const mutualAidContributionRelations = relations(mutualAidContribution, ({ one }) => ({
  profile: one(communityProfile, { fields: [mutualAidContribution.community], references: [communityProfile.id] }),
  fundToken: one(mutualAidFundToken, {
    fields: [mutualAidContribution.fund, mutualAidContribution.token],
    references: [mutualAidFundToken.fund, mutualAidFundToken.token],
  }),
}));

export const mutualAidGrantRelations = relations(mutualAidGrant, ({ one }) => ({
  member: one(federationMember, { fields: [mutualAidGrant.community], references: [federationMember.id] }),
  fundToken: one(mutualAidFundToken, {
    fields: [mutualAidGrant.fund, mutualAidGrant.token],
    references: [mutualAidFundToken.fund, mutualAidFundToken.token],
  }),
}));

// ---------------------------------------------------------------- commerce (MerchantRegistry, PaymentRouter, LoyaltyProgram)

/** MerchantRegistry.Status (None is no row). */
export const merchantStatus = onchainEnum("merchant_status", ["pending", "verified", "suspended"]);
/** How the terminal paid the KC part: `payWithPermit` (ERC-2612) or `payWithAuthorization` (ERC-3009). */
export const paymentMethod = onchainEnum("payment_method", ["permit", "authorization"]);
export const loyaltyRewardKind = onchainEnum("loyalty_reward_kind", ["credited", "claimed"]);

/**
 * A business that accepts KC in one community (MerchantRegistry): its profile (a category, keccak256 of a label
 * such as "grocery", and an off-chain metadata URI and hash), its status (as `merchantOf(address).status`), and its
 * sales totals from the PaymentRouter. `fiatVolume` adds the fiat parts in the community's currency (its peg, so
 * comparable 1:1 with the KC part); fiat parts in another currency are counted in `otherFiatCount` only.
 * `refundedVolume` is the KC refunded; `rewardsCredited` the loyalty rewards its program credited to its customers.
 */
export const merchant = onchainTable(
  "merchant",
  (t) => ({
    address: t.hex().primaryKey(),
    token: t.hex().notNull(),
    /** The community's slug; null for a token no registered community owns (the registry refuses those). */
    community: t.text(),
    status: merchantStatus("status").notNull(),
    category: t.hex().notNull(),
    metadataURI: t.text().notNull(),
    metadataHash: t.hex().notNull(),
    registeredAt: t.bigint().notNull(),
    /** The last verification (the first, unless suspended and reinstated, which does not re-verify). */
    verifiedAt: t.bigint(),
    verifier: t.hex(),
    /** The current suspension's time, officer and reason (bytes32); null unless suspended. */
    suspendedAt: t.bigint(),
    suspendedBy: t.hex(),
    suspensionReason: t.hex(),
    suspensionCount: t.integer().notNull(),
    profileUpdatedAt: t.bigint().notNull(),
    paymentCount: t.integer().notNull(),
    kcVolume: t.bigint().notNull(),
    fiatVolume: t.bigint().notNull(),
    otherFiatCount: t.integer().notNull(),
    rewardsCredited: t.bigint().notNull(),
    refundCount: t.integer().notNull(),
    refundedVolume: t.bigint().notNull(),
    /** Distinct payers. */
    customerCount: t.integer().notNull(),
    firstPaymentAt: t.bigint(),
    lastPaymentAt: t.bigint(),
  }),
  (table) => ({
    tokenIndex: index().on(table.token, table.status),
    communityIndex: index().on(table.community),
    categoryIndex: index().on(table.category),
  }),
);

/** One row per (merchant, payer): how often and how much a customer paid a merchant (for `customerCount`). */
export const merchantCustomer = onchainTable(
  "merchant_customer",
  (t) => ({
    merchant: t.hex().notNull(),
    customer: t.hex().notNull(),
    paymentCount: t.integer().notNull(),
    kcVolume: t.bigint().notNull(),
    firstPaymentAt: t.bigint().notNull(),
    lastPaymentAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.merchant, table.customer] }),
    customerIndex: index().on(table.customer),
  }),
);

/**
 * One row per PaymentSettled, keyed by the invoice key (`PaymentRouter.invoiceKeyOf(merchant, invoiceId)`: each
 * invoice pays once): the KC part (`amount`), the fiat part (`fiatAmount`, 18 decimals, in `fiatCurrency`, ISO 4217;
 * zero for a KC-only sale) and the fiat processor's reference hash, the loyalty reward credited in the same
 * transaction, the terminal that submitted it, how (`method`, from the call's selector; null if a contract called
 * the router), and its refunds so far. `day` is the UTC day (start, in seconds) of the block.
 */
export const payment = onchainTable(
  "payment",
  (t) => ({
    invoiceKey: t.hex().primaryKey(),
    /** The log's id (`event.id`). */
    eventId: t.text().notNull(),
    router: t.hex().notNull(),
    invoiceId: t.hex().notNull(),
    merchant: t.hex().notNull(),
    payer: t.hex().notNull(),
    token: t.hex().notNull(),
    community: t.text(),
    amount: t.bigint().notNull(),
    fiatAmount: t.bigint().notNull(),
    fiatCurrency: t.text().notNull(),
    processorRef: t.hex().notNull(),
    reward: t.bigint().notNull(),
    terminal: t.hex().notNull(),
    method: paymentMethod("method"),
    refunded: t.bigint().notNull(),
    refundCount: t.integer().notNull(),
    day: t.bigint().notNull(),
    date: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    merchantIndex: index().on(table.merchant, table.timestamp),
    payerIndex: index().on(table.payer, table.timestamp),
    tokenIndex: index().on(table.token, table.day),
    terminalIndex: index().on(table.terminal),
    txIndex: index().on(table.transactionHash),
  }),
);

/** One row per PaymentRefunded: a refund by the merchant to the payer, and the invoice's refunded total after it. */
export const refund = onchainTable(
  "refund",
  (t) => ({
    id: t.text().primaryKey(),
    invoiceKey: t.hex().notNull(),
    merchant: t.hex().notNull(),
    payer: t.hex().notNull(),
    token: t.hex().notNull(),
    community: t.text(),
    amount: t.bigint().notNull(),
    totalRefunded: t.bigint().notNull(),
    day: t.bigint().notNull(),
    date: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    invoiceIndex: index().on(table.invoiceKey),
    merchantIndex: index().on(table.merchant, table.timestamp),
  }),
);

/**
 * A merchant's sales per UTC day: payments settled that day (count, KC parts, fiat parts in the community's
 * currency, rewards credited) and refunds made that day (count, KC), whichever day their payment was.
 */
export const merchantDay = onchainTable(
  "merchant_day",
  (t) => ({
    merchant: t.hex().notNull(),
    day: t.bigint().notNull(),
    date: t.text().notNull(),
    token: t.hex().notNull(),
    community: t.text(),
    paymentCount: t.integer().notNull(),
    kcVolume: t.bigint().notNull(),
    fiatVolume: t.bigint().notNull(),
    rewards: t.bigint().notNull(),
    refundCount: t.integer().notNull(),
    refundedVolume: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.merchant, table.day] }),
    dayIndex: index().on(table.day),
    tokenIndex: index().on(table.token, table.day),
  }),
);

/**
 * A merchant's loyalty program (LoyaltyProgram.programOf): the rate (bps of the KC part), the cap per customer per
 * period, the pool (what remains to credit), and totals: funded, withdrawn, credited (rewards to customers).
 */
export const loyaltyProgram = onchainTable(
  "loyalty_program",
  (t) => ({
    merchant: t.hex().primaryKey(),
    program: t.hex().notNull(),
    token: t.hex().notNull(),
    community: t.text(),
    rateBps: t.integer().notNull(),
    capPerPeriod: t.bigint().notNull(),
    period: t.bigint().notNull(),
    pool: t.bigint().notNull(),
    funded: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
    credited: t.bigint().notNull(),
    creditCount: t.integer().notNull(),
    configuredAt: t.bigint(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    tokenIndex: index().on(table.token),
  }),
);

/**
 * One row per RewardCredited (`kind` credited: a merchant's program credits a customer for a payment, `invoiceKey`)
 * and per RewardClaimed (`kind` claimed: the customer withdraws all its rewards in a token; no merchant, no invoice).
 */
export const loyaltyReward = onchainTable(
  "loyalty_reward",
  (t) => ({
    id: t.text().primaryKey(),
    kind: loyaltyRewardKind("kind").notNull(),
    program: t.hex().notNull(),
    customer: t.hex().notNull(),
    token: t.hex().notNull(),
    community: t.text(),
    merchant: t.hex(),
    invoiceKey: t.hex(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    customerIndex: index().on(table.customer, table.token),
    merchantIndex: index().on(table.merchant),
    invoiceIndex: index().on(table.invoiceKey),
  }),
);

/** A customer's rewards in a token: credited, claimed, and `unclaimed` (as `LoyaltyProgram.rewardsOf`). */
export const loyaltyBalance = onchainTable(
  "loyalty_balance",
  (t) => ({
    customer: t.hex().notNull(),
    token: t.hex().notNull(),
    community: t.text(),
    credited: t.bigint().notNull(),
    claimed: t.bigint().notNull(),
    unclaimed: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.customer, table.token] }),
  }),
);

export const merchantRelations = relations(merchant, ({ one, many }) => ({
  communityProfile: one(communityProfile, { fields: [merchant.token], references: [communityProfile.token] }),
  loyaltyProgram: one(loyaltyProgram, { fields: [merchant.address], references: [loyaltyProgram.merchant] }),
  payments: many(payment),
  refunds: many(refund),
  days: many(merchantDay),
  customers: many(merchantCustomer),
}));

export const merchantCustomerRelations = relations(merchantCustomer, ({ one }) => ({
  merchantProfile: one(merchant, { fields: [merchantCustomer.merchant], references: [merchant.address] }),
}));

export const paymentRelations = relations(payment, ({ one, many }) => ({
  merchantProfile: one(merchant, { fields: [payment.merchant], references: [merchant.address] }),
  communityProfile: one(communityProfile, { fields: [payment.token], references: [communityProfile.token] }),
  refunds: many(refund),
}));

export const refundRelations = relations(refund, ({ one }) => ({
  payment: one(payment, { fields: [refund.invoiceKey], references: [payment.invoiceKey] }),
  merchantProfile: one(merchant, { fields: [refund.merchant], references: [merchant.address] }),
}));

export const merchantDayRelations = relations(merchantDay, ({ one }) => ({
  merchantProfile: one(merchant, { fields: [merchantDay.merchant], references: [merchant.address] }),
}));

export const loyaltyProgramRelations = relations(loyaltyProgram, ({ one }) => ({
  merchantProfile: one(merchant, { fields: [loyaltyProgram.merchant], references: [merchant.address] }),
}));

export const loyaltyRewardRelations = relations(loyaltyReward, ({ one }) => ({
  payment: one(payment, { fields: [loyaltyReward.invoiceKey], references: [payment.invoiceKey] }),
  merchantProfile: one(merchant, { fields: [loyaltyReward.merchant], references: [merchant.address] }),
}));

// ---------------------------------------------------------------- trade (TradeEscrow, ProfitSharing, SupplyChainRegistry)

/** TradeEscrow.State (None is no row). Released, Resolved, Refunded and Claimed are final. */
export const escrowState = onchainEnum("escrow_state", [
  "funded",
  "delivered",
  "disputed",
  "released",
  "resolved",
  "refunded",
  "claimed",
]);
/** Which TradeEscrow log an escrow_event row records. */
export const escrowEventKind = onchainEnum("escrow_event_kind", [
  "opened",
  "delivered",
  "disputed",
  "released",
  "resolved",
  "refunded",
  "claimed",
]);
/** Which SupplyChainRegistry log a supply_chain_event row records. */
export const supplyChainEventKind = onchainEnum("supply_chain_event_kind", [
  "producer_set",
  "carrier_set",
  "batch_created",
  "origin_attested",
  "origin_revoked",
  "checkpoint_recorded",
  "batch_assessed",
]);
export const supplyChainRole = onchainEnum("supply_chain_role", ["producer", "carrier"]);

/**
 * A B2B order in the TradeEscrow (`orderOf(orderId)`), from its OrderOpened log on: buyer, seller, the token paid in
 * (`tokenIn`, held by the escrow) and the token the seller is paid in (`tokenOut`; `crossBorder` when they differ, the
 * exchange along `path` through the BridgeRouter), `amount` (tokenIn), the seller's floor `minOut`, the terms' hash
 * and the two deadlines; then its state and what happened: the delivery proof's hash, the dispute (by whom, its
 * reason, the state it interrupted), and how it closed: `amountOut` is what the seller received in tokenOut (a
 * release or a claim: the swap's output for a cross-border order, the amount for a domestic one; a resolution: the
 * output of the seller's part), `buyerAmount` / `sellerAmount` the arbiter's split (tokenIn; a refund is all
 * `buyerAmount`).
 */
export const escrowOrder = onchainTable(
  "escrow_order",
  (t) => ({
    orderId: t.bigint().primaryKey(),
    escrow: t.hex().notNull(),
    buyer: t.hex().notNull(),
    seller: t.hex().notNull(),
    tokenIn: t.hex().notNull(),
    tokenOut: t.hex().notNull(),
    /** Community slugs of tokenIn and tokenOut (null for a token no registered community owns). */
    communityIn: t.text(),
    communityOut: t.text(),
    crossBorder: t.boolean().notNull(),
    path: t.hex().array().notNull(),
    amount: t.bigint().notNull(),
    minOut: t.bigint().notNull(),
    termsHash: t.hex().notNull(),
    deliveryDeadline: t.bigint().notNull(),
    releaseDeadline: t.bigint().notNull(),
    state: escrowState("state").notNull(),
    deliveryHash: t.hex(),
    disputedBy: t.hex(),
    disputeReason: t.hex(),
    disputedFrom: escrowState("disputed_from"),
    arbiter: t.hex(),
    rulingHash: t.hex(),
    buyerAmount: t.bigint(),
    sellerAmount: t.bigint(),
    amountOut: t.bigint(),
    openedAt: t.bigint().notNull(),
    deliveredAt: t.bigint(),
    disputedAt: t.bigint(),
    closedAt: t.bigint(),
    openTransaction: t.hex().notNull(),
    eventCount: t.integer().notNull(),
  }),
  (table) => ({
    buyerIndex: index().on(table.buyer),
    sellerIndex: index().on(table.seller),
    stateIndex: index().on(table.state),
    tokenInIndex: index().on(table.tokenIn),
    tokenOutIndex: index().on(table.tokenOut),
  }),
);

/**
 * One row per TradeEscrow log: `kind`, the order, who acted (`actor`: buyer, seller or arbiter), the state after it,
 * the hash it carries (terms, delivery proof, dispute reason, ruling) and the amounts it moved (`amountIn` of
 * tokenIn; `amountOut` paid to the seller in tokenOut; a resolution's `buyerAmount`).
 */
export const escrowEvent = onchainTable(
  "escrow_event",
  (t) => ({
    id: t.text().primaryKey(),
    kind: escrowEventKind("kind").notNull(),
    orderId: t.bigint().notNull(),
    actor: t.hex().notNull(),
    state: escrowState("state").notNull(),
    hash: t.hex(),
    amountIn: t.bigint(),
    amountOut: t.bigint(),
    buyerAmount: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    orderIndex: index().on(table.orderId, table.blockNumber),
  }),
);

/**
 * A business's profit-sharing scheme (`ProfitSharing.schemeOf(business)`): its token, whether it was opened as a
 * verified merchant, the units outstanding, the revenue per unit (scaled by 1e18, as on chain), revenue deposited and
 * claimed in total, and counts.
 */
export const profitScheme = onchainTable(
  "profit_scheme",
  (t) => ({
    business: t.hex().primaryKey(),
    contract: t.hex().notNull(),
    token: t.hex().notNull(),
    community: t.text(),
    merchant: t.boolean().notNull(),
    totalUnits: t.bigint().notNull(),
    revenuePerUnit: t.bigint().notNull(),
    totalDeposited: t.bigint().notNull(),
    totalClaimed: t.bigint().notNull(),
    depositCount: t.integer().notNull(),
    claimCount: t.integer().notNull(),
    /** Accounts with units now. */
    shareholderCount: t.integer().notNull(),
    openedAt: t.bigint().notNull(),
    openTransaction: t.hex().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    tokenIndex: index().on(table.token),
  }),
);

/**
 * An account's share in a business's scheme (`ProfitSharing.shareOf`): its units, the revenue per unit it was last
 * settled at and what it is owed as of then (`owed`), claimed in total; `claimable` is `claimable(business,
 * account)` as of the scheme's last log (owed plus what its units earned since).
 */
export const profitShare = onchainTable(
  "profit_share",
  (t) => ({
    business: t.hex().notNull(),
    account: t.hex().notNull(),
    units: t.bigint().notNull(),
    settledPerUnit: t.bigint().notNull(),
    owed: t.bigint().notNull(),
    claimed: t.bigint().notNull(),
    claimCount: t.integer().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.business, table.account] }),
    accountIndex: index().on(table.account),
  }),
);

/** One row per SharesSet log: an account's units before and after, the scheme's total after, what it had accrued. */
export const profitShareChange = onchainTable(
  "profit_share_change",
  (t) => ({
    id: t.text().primaryKey(),
    business: t.hex().notNull(),
    account: t.hex().notNull(),
    previousUnits: t.bigint().notNull(),
    units: t.bigint().notNull(),
    totalUnits: t.bigint().notNull(),
    accrued: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    businessIndex: index().on(table.business, table.account),
  }),
);

/** One row per RevenueReceived log: revenue deposited for a business, shared over `totalUnits`. */
export const profitRevenue = onchainTable(
  "profit_revenue",
  (t) => ({
    id: t.text().primaryKey(),
    business: t.hex().notNull(),
    from: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    totalUnits: t.bigint().notNull(),
    revenuePerUnit: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    businessIndex: index().on(table.business, table.timestamp),
  }),
);

/** One row per RevenueClaimed log: what an account claimed from a business's scheme. */
export const profitClaim = onchainTable(
  "profit_claim",
  (t) => ({
    id: t.text().primaryKey(),
    business: t.hex().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    businessIndex: index().on(table.business, table.account),
  }),
);

/** A producer or carrier of a community (SupplyChainRegistry ProducerSet / CarrierSet), as last set by a verifier. */
export const supplyChainParticipant = onchainTable(
  "supply_chain_participant",
  (t) => ({
    token: t.hex().notNull(),
    account: t.hex().notNull(),
    role: supplyChainRole("role").notNull(),
    community: t.text(),
    registered: t.boolean().notNull(),
    verifier: t.hex().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.token, table.account, table.role] }),
  }),
);

/**
 * A product batch (`SupplyChainRegistry.batchOf(batchId)`): producer, community, product id and off-chain data;
 * whether its origin is attested now (and by whom), its checkpoints, the latest score per assessed category
 * (`categoryScores`: category hash -> 0-100), their average (`averageAssessment`, null without assessments), and its
 * `transparencyScore` (0-100) by the formula of the contract's NatSpec (indexer/src/lib/trade.ts
 * `transparencyScore`): 40 if the origin is attested and not revoked, plus 30 x min(checkpoints, 3) / 3, plus
 * 30 x averageAssessment / 100.
 */
export const productBatch = onchainTable(
  "product_batch",
  (t) => ({
    batchId: t.bigint().primaryKey(),
    registry: t.hex().notNull(),
    producer: t.hex().notNull(),
    token: t.hex().notNull(),
    community: t.text(),
    productId: t.hex().notNull(),
    dataHash: t.hex().notNull(),
    dataURI: t.text().notNull(),
    createdAt: t.bigint().notNull(),
    originAttested: t.boolean().notNull(),
    originVerifier: t.hex(),
    originEvidenceHash: t.hex(),
    originEvidenceURI: t.text(),
    originRevokedCount: t.integer().notNull(),
    checkpointCount: t.integer().notNull(),
    lastCheckpointAt: t.bigint(),
    assessmentCount: t.integer().notNull(),
    categoriesAssessed: t.integer().notNull(),
    categoryScores: t.json().$type<Record<string, number>>().notNull(),
    averageAssessment: t.doublePrecision(),
    transparencyScore: t.doublePrecision().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    producerIndex: index().on(table.producer),
    tokenIndex: index().on(table.token),
    productIndex: index().on(table.productId),
  }),
);

/** One row per CheckpointRecorded log: checkpoint `index` (from 0) of a batch, by its carrier. */
export const batchCheckpoint = onchainTable(
  "batch_checkpoint",
  (t) => ({
    id: t.text().primaryKey(),
    batchId: t.bigint().notNull(),
    index: t.integer().notNull(),
    carrier: t.hex().notNull(),
    locationHash: t.hex().notNull(),
    dataHash: t.hex().notNull(),
    dataURI: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    batchIndex: index().on(table.batchId, table.index),
  }),
);

/**
 * One row per BatchAssessed log: an assessor's score (0-100) of a batch in a category (keccak256 of a label such as
 * "LABOR"), with its evidence; `previousScore` is the score it replaced in that category (null if the first).
 */
export const batchAssessment = onchainTable(
  "batch_assessment",
  (t) => ({
    id: t.text().primaryKey(),
    batchId: t.bigint().notNull(),
    assessor: t.hex().notNull(),
    category: t.hex().notNull(),
    score: t.integer().notNull(),
    previousScore: t.integer(),
    evidenceHash: t.hex().notNull(),
    evidenceURI: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    batchIndex: index().on(table.batchId, table.category),
  }),
);

/**
 * One row per SupplyChainRegistry log, of every kind: the batch (null for producer and carrier changes), the
 * account acted on (producer, carrier) or acting (verifier, carrier, assessor) and the token of its community.
 */
export const supplyChainEvent = onchainTable(
  "supply_chain_event",
  (t) => ({
    id: t.text().primaryKey(),
    kind: supplyChainEventKind("kind").notNull(),
    batchId: t.bigint(),
    token: t.hex(),
    /** The producer or carrier set; the batch's producer, verifier, carrier or assessor. */
    account: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    batchIndex: index().on(table.batchId),
    kindIndex: index().on(table.kind),
  }),
);

export const escrowOrderRelations = relations(escrowOrder, ({ many }) => ({
  events: many(escrowEvent),
}));

export const escrowEventRelations = relations(escrowEvent, ({ one }) => ({
  order: one(escrowOrder, { fields: [escrowEvent.orderId], references: [escrowOrder.orderId] }),
}));

export const profitSchemeRelations = relations(profitScheme, ({ one, many }) => ({
  merchantProfile: one(merchant, { fields: [profitScheme.business], references: [merchant.address] }),
  shares: many(profitShare),
  revenues: many(profitRevenue),
  claims: many(profitClaim),
  shareChanges: many(profitShareChange),
}));

export const profitShareRelations = relations(profitShare, ({ one }) => ({
  scheme: one(profitScheme, { fields: [profitShare.business], references: [profitScheme.business] }),
}));

export const profitShareChangeRelations = relations(profitShareChange, ({ one }) => ({
  scheme: one(profitScheme, { fields: [profitShareChange.business], references: [profitScheme.business] }),
}));

export const profitRevenueRelations = relations(profitRevenue, ({ one }) => ({
  scheme: one(profitScheme, { fields: [profitRevenue.business], references: [profitScheme.business] }),
}));

export const profitClaimRelations = relations(profitClaim, ({ one }) => ({
  scheme: one(profitScheme, { fields: [profitClaim.business], references: [profitScheme.business] }),
}));

export const productBatchRelations = relations(productBatch, ({ many }) => ({
  checkpoints: many(batchCheckpoint),
  assessments: many(batchAssessment),
}));

export const batchCheckpointRelations = relations(batchCheckpoint, ({ one }) => ({
  batch: one(productBatch, { fields: [batchCheckpoint.batchId], references: [productBatch.batchId] }),
}));

export const batchAssessmentRelations = relations(batchAssessment, ({ one }) => ({
  batch: one(productBatch, { fields: [batchAssessment.batchId], references: [productBatch.batchId] }),
}));

// ---------------------------------------------------------------- analytics and compliance (the business API's tables)

/** The compliance alert rules (src/lib/alerts.ts) and their severities. */
export const alertRule = onchainEnum("alert_rule", [
  "large",
  "dailyTotal",
  "structuring",
  "velocity",
  "sanctioned",
  "blocked",
]);
export const alertSeverity = onchainEnum("alert_severity", ["low", "medium", "high", "severe"]);

/**
 * A community's currency per UTC day, maintained as its logs arrive so that analytics over any range read one row
 * per day, never the transfers. Counts and volumes are the day's; `supply` and `holders` are at the end of the day
 * (after its last log); a day without a row kept the previous row's supply and holders.
 * - transfers: Transfer logs between two accounts (mints and burns are `minted` / `burned`); `bridgeVolume` is the
 *   part of `volume` sent to or from a bridge pool or the bridge router (deposits, swaps in and out, withdrawals),
 *   which is not trade inside the community; `volumeValue` is `volume` in the reference currency at the oracle's
 *   latest rate when each transfer was indexed (0 while the oracle has no rate of the currency).
 * - activeUsers: distinct senders of the day (transfers and burns; see account_day).
 * - crossBorder: settled swaps out of the community's currency (`Out`, the amount paid in, in local units) and into
 *   it (`In`, the amount paid out, in local units).
 */
export const communityDay = onchainTable(
  "community_day",
  (t) => ({
    token: t.hex().notNull(),
    day: t.bigint().notNull(),
    date: t.text().notNull(),
    community: t.text().notNull(),
    transferCount: t.integer().notNull(),
    volume: t.bigint().notNull(),
    volumeValue: t.bigint().notNull(),
    bridgeTransferCount: t.integer().notNull(),
    bridgeVolume: t.bigint().notNull(),
    mintCount: t.integer().notNull(),
    minted: t.bigint().notNull(),
    burnCount: t.integer().notNull(),
    burned: t.bigint().notNull(),
    activeUsers: t.integer().notNull(),
    supply: t.bigint().notNull(),
    holders: t.integer().notNull(),
    crossBorderOutCount: t.integer().notNull(),
    crossBorderOutVolume: t.bigint().notNull(),
    crossBorderInCount: t.integer().notNull(),
    crossBorderInVolume: t.bigint().notNull(),
    alertCount: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.token, table.day] }),
    communityIndex: index().on(table.community, table.day),
    dayIndex: index().on(table.day),
  }),
);

/**
 * One account's activity in one community on one UTC day (a row only for days it sent or received): what it sent
 * (transfers and burns) and received (transfers and mints), and its balance at the end of the day. Active users,
 * retention, balances at a past date (for the Gini coefficient) and account histories' opening balances read it.
 */
export const accountDay = onchainTable(
  "account_day",
  (t) => ({
    token: t.hex().notNull(),
    account: t.hex().notNull(),
    day: t.bigint().notNull(),
    sentCount: t.integer().notNull(),
    sent: t.bigint().notNull(),
    receivedCount: t.integer().notNull(),
    received: t.bigint().notNull(),
    balance: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.token, table.account, table.day] }),
    // active users and retention read (day, sent_count, account) only: index-only scans, per community and overall
    dayIndex: index().on(table.token, table.day, table.sentCount, table.account),
    federationDayIndex: index().on(table.day, table.sentCount, table.account),
    accountIndex: index().on(table.account, table.day),
  }),
);

/**
 * Settled swaps from one community's currency to another's per UTC day (each hop of a routed swap counts on its
 * own): count, amounts in (source units) and out (destination units), value in the reference currency, and how many
 * carried travel-rule data. A side whose token no registered community owns is named "external".
 */
export const flowDay = onchainTable(
  "flow_day",
  (t) => ({
    sourceCommunity: t.text().notNull(),
    destinationCommunity: t.text().notNull(),
    day: t.bigint().notNull(),
    date: t.text().notNull(),
    corridor: t.text().notNull(),
    swapCount: t.integer().notNull(),
    amountIn: t.bigint().notNull(),
    amountOut: t.bigint().notNull(),
    value: t.bigint().notNull(),
    travelRuleCount: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.sourceCommunity, table.destinationCommunity, table.day] }),
    dayIndex: index().on(table.day),
    destinationIndex: index().on(table.destinationCommunity, table.day),
  }),
);

/**
 * One row per alert the compliance rules (src/lib/alerts.ts) raised, as the transfers arrived, with the community's
 * thresholds at the time: the rule and its severity, the account the rule watched (the sender), its counterparty,
 * the transaction and its amount (for windowed rules, the transfer that completed the pattern).
 */
export const alert = onchainTable(
  "alert",
  (t) => ({
    /** The Transfer log's id and the rule: `<event.id>:<rule>`. */
    id: t.text().primaryKey(),
    rule: alertRule("rule").notNull(),
    severity: alertSeverity("severity").notNull(),
    token: t.hex().notNull(),
    community: t.text().notNull(),
    account: t.hex().notNull(),
    counterparty: t.hex().notNull(),
    amount: t.bigint().notNull(),
    day: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    communityIndex: index().on(table.community, table.timestamp),
    accountIndex: index().on(table.account, table.timestamp),
    severityIndex: index().on(table.severity, table.timestamp),
    ruleIndex: index().on(table.rule, table.timestamp),
    timeIndex: index().on(table.timestamp),
  }),
);

/**
 * What the alert rules remember of an account in a community (its recent transfers' times, the day's total), as
 * JSON (`encodeAlertState` in src/lib/alerts.ts), and its alert counts per severity for the risk summary.
 */
export const alertState = onchainTable(
  "alert_state",
  (t) => ({
    token: t.hex().notNull(),
    account: t.hex().notNull(),
    state: t.text().notNull(),
    low: t.integer().notNull(),
    medium: t.integer().notNull(),
    high: t.integer().notNull(),
    severe: t.integer().notNull(),
    lastAlertAt: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.token, table.account] }) }),
);

// ---------------------------------------------------------------- the handlers' own lookups

/**
 * Lists the handlers look rows up by, keyed so the store finds them by key: a handler never queries by another column
 * (a raw query flushes Ponder's indexing cache and leaves it incomplete, so every later miss goes to the database).
 * `scope` names the list and the shape of its entries (`Trails` in src/trail.ts); `key` is, say, a transaction hash.
 * Internal: the GraphQL tables API leaves it out.
 */
export const trail = onchainTable(
  "trail",
  (t) => ({
    scope: t.text().notNull(),
    key: t.text().notNull(),
    entries: t.json().$type<unknown[]>().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.scope, table.key] }) }),
);

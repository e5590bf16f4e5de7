// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISanctionsList} from "./ISanctionsList.sol";

/// @title The compliance rules of one KC community, consulted on every mint, transfer and burn of its token.
interface IComplianceRegistry {
    /// @notice Why a transfer is or is not allowed. `Allowed` is the only passing verdict.
    enum Verdict {
        Allowed,
        TokenPaused,
        InsufficientBalance,
        SenderFrozen,
        RecipientFrozen,
        SenderSanctioned,
        RecipientSanctioned,
        DailyLimitExceeded,
        OperatorFrozen,
        OperatorSanctioned
    }

    /// @dev The caller is not the token this registry is bound to.
    error ComplianceUnauthorizedToken(address caller);
    /// @dev An address argument was zero where an account or contract is required.
    error ComplianceZeroAddress();
    /// @dev `tier` is above {MAX_TIER}.
    error ComplianceInvalidTier(uint8 tier);
    /// @dev `account` is frozen already.
    error ComplianceAccountAlreadyFrozen(address account);
    /// @dev `account` is not frozen.
    error ComplianceAccountNotFrozen(address account);
    /// @dev The sender `account` is frozen.
    error ComplianceSenderFrozen(address account);
    /// @dev The recipient `account` is frozen.
    error ComplianceRecipientFrozen(address account);
    /// @dev The sender `account` is on the sanctions list.
    error ComplianceSenderSanctioned(address account);
    /// @dev The recipient `account` is on the sanctions list.
    error ComplianceRecipientSanctioned(address account);
    /// @dev The `operator` moving someone else's tokens (a spender, or a relayer of a signed transfer) is frozen.
    error ComplianceOperatorFrozen(address operator);
    /// @dev The `operator` moving someone else's tokens is on the sanctions list.
    error ComplianceOperatorSanctioned(address operator);
    /// @dev Sending `amount` would take `account` (of `tier`) past its `limit` in the current 24 h window,
    /// in which it has sent `spent` already.
    error ComplianceDailyLimitExceeded(address account, uint8 tier, uint256 limit, uint256 spent, uint256 amount);

    /// @dev Emitted when a verifier changes the KYC tier of `account`.
    event TierChanged(address indexed account, uint8 previousTier, uint8 newTier, address indexed verifier);
    /// @dev Emitted when a compliance officer freezes `account`, for the reason `reasonCode`.
    event AccountFrozen(address indexed account, bytes32 indexed reasonCode, address indexed officer);
    /// @dev Emitted when a compliance officer unfreezes `account`, for the reason `reasonCode`.
    event AccountUnfrozen(address indexed account, bytes32 indexed reasonCode, address indexed officer);
    /// @dev Emitted when the rolling daily send limit of `tier` changes. {UNLIMITED} means no limit.
    event DailyLimitChanged(uint8 indexed tier, uint128 previousLimit, uint128 newLimit);
    /// @dev Emitted when the travel-rule threshold changes (in the community's currency, 18 decimals).
    event TravelRuleThresholdChanged(uint256 previousThreshold, uint256 newThreshold);
    /// @dev Emitted when the sanctions oracle changes. The zero address disables screening.
    event SanctionsOracleChanged(address indexed previousOracle, address indexed newOracle);
    /// @dev Emitted when `account` becomes, or stops being, an exempt system account (no daily limit).
    event ExemptionChanged(address indexed account, bool exempt);

    /// @notice The highest KYC tier: 0 unverified, 1 verified person, 2 business.
    function MAX_TIER() external view returns (uint8);

    /// @notice The daily limit value that means "no limit".
    function UNLIMITED() external view returns (uint128);

    /// @notice The token whose transfers this registry rules on.
    function token() external view returns (address);

    /// @notice The sanctions oracle (Chainalysis interface); zero when screening is off.
    function sanctionsOracle() external view returns (ISanctionsList);

    /// @notice The value, in the community's currency, at or above which a cross-border settlement carries
    /// travel-rule data (originator and beneficiary information).
    function travelRuleThreshold() external view returns (uint256);

    /// @notice The KYC tier of `account`.
    function tierOf(address account) external view returns (uint8);

    /// @notice Whether `account` is frozen.
    function isFrozen(address account) external view returns (bool);

    /// @notice Whether `account` is an exempt system account, with no daily limit.
    function isExempt(address account) external view returns (bool);

    /// @notice The rolling daily send limit of `tier`.
    function dailyLimit(uint8 tier) external view returns (uint128);

    /// @notice What `account` has sent in its current 24 h window, and when that window opened.
    /// A window opens at the first send after the previous one closed and lasts 24 hours.
    function spentToday(address account) external view returns (uint256 spent, uint256 windowStart);

    /// @notice The verdict on a transfer of `amount` from `from` to `to`, sent by `from` itself, without reverting,
    /// so that a wallet can check before it signs. Checked in the order the token enforces them: the token's pause,
    /// the compliance rules, then the sender's balance. `from == address(0)` is a mint, `to == address(0)` a burn
    /// (redemption). Judged at the latest block's time: a transaction lands later, so right at the end of a daily
    /// window a `DailyLimitExceeded` verdict may already have lapsed.
    function canTransfer(
        address from,
        address to,
        uint256 amount
    ) external view returns (bool allowed, Verdict verdict);

    /// @notice The verdict on `account` alone: `Allowed`, `SenderFrozen` or `SenderSanctioned`.
    function screen(address account) external view returns (Verdict);

    /// @notice Enforces the rules on a transfer and records the amount against the sender's daily limit.
    /// `operator` is the account that called the token: when it is neither `from` nor `to` (a spender using an
    /// allowance, a relayer submitting a signed transfer) it must be neither frozen nor sanctioned either.
    /// Zero amounts are checked but never recorded, so nobody can open another account's daily window.
    /// Requirements: only the bound token; reverts with the error that names the reason when blocked.
    function enforceTransfer(address operator, address from, address to, uint256 amount) external;

    /// @notice Sets the KYC tier of `account`. Requirements: VERIFIER_ROLE; `tier <= MAX_TIER`.
    function setTier(address account, uint8 tier) external;

    /// @notice Freezes `account`: it can neither send nor receive. Requirements: COMPLIANCE_ROLE; not frozen.
    function freeze(address account, bytes32 reasonCode) external;

    /// @notice Unfreezes `account`. Requirements: COMPLIANCE_ROLE; frozen.
    function unfreeze(address account, bytes32 reasonCode) external;

    /// @notice Sets the rolling daily send limit of `tier`. Requirements: DEFAULT_ADMIN_ROLE; `tier <= MAX_TIER`.
    function setDailyLimit(uint8 tier, uint128 limit) external;

    /// @notice Sets the travel-rule threshold. Requirements: DEFAULT_ADMIN_ROLE.
    function setTravelRuleThreshold(uint256 threshold) external;

    /// @notice Sets the sanctions oracle; zero disables screening. Requirements: DEFAULT_ADMIN_ROLE.
    function setSanctionsOracle(ISanctionsList oracle) external;

    /// @notice Marks `account` as an exempt system account, or not. Requirements: DEFAULT_ADMIN_ROLE.
    function setExempt(address account, bool exempt) external;
}

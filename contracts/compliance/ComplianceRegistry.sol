// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IComplianceRegistry} from "../interfaces/IComplianceRegistry.sol";
import {ISanctionsList} from "../interfaces/ISanctionsList.sol";
import {ICommunityToken} from "../interfaces/ICommunityToken.sol";

/**
 * @title ComplianceRegistry
 * @notice The compliance rules of one KC community: KYC tiers, frozen accounts, per-tier rolling daily send
 * limits, sanctions screening and exempt system accounts. Its token calls {enforceTransfer} on every mint,
 * transfer and burn; wallets call {canTransfer} before they sign.
 *
 * Daily limits: a 24-hour window opens at an account's first send after its previous window closed; within a
 * window the account may send (transfers and redemptions) at most its tier's limit. Receiving is never limited.
 * Exempt system accounts (pools, treasuries) have no limit, but can still be frozen and are still screened.
 * Sends made while an account has no limit (exempt, or an unlimited tier) are not recorded: if a limit starts to
 * apply, it counts from then on. Because a window opens at the first send rather than sliding, an account can
 * send up to twice its limit within a short time across a window's end; the limit holds within every window.
 *
 * Written for cloning (ERC-1167): state is set by {initialize}; the implementation's initializer is disabled.
 */
contract ComplianceRegistry is IComplianceRegistry, AccessControlUpgradeable {
    /// @notice May set KYC tiers.
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");
    /// @notice May freeze and unfreeze accounts.
    bytes32 public constant COMPLIANCE_ROLE = keccak256("COMPLIANCE_ROLE");

    /// @inheritdoc IComplianceRegistry
    uint8 public constant MAX_TIER = 2;
    /// @inheritdoc IComplianceRegistry
    uint128 public constant UNLIMITED = type(uint128).max;

    uint256 private constant WINDOW = 1 days;

    /// @dev Everything the transfer path needs about an account, packed in one slot (gas savings).
    struct Account {
        uint8 tier;
        bool frozen;
        bool exempt;
        uint40 windowStart;
        uint128 spent;
    }

    address private _token;
    ISanctionsList private _sanctionsOracle;
    uint256 private _travelRuleThreshold;
    // uint128 entries pack two to a slot: tiers 0 and 1 share one.
    uint128[3] private _dailyLimits;
    mapping(address account => Account) private _accounts;

    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Sets up a community's registry, bound to `token_`, with the default limits:
     * 1,000 (tier 0), 25,000 (tier 1) and unlimited (tier 2), and a travel-rule threshold of 1,000, in whole
     * tokens of 18 decimals.
     * @param admin receives DEFAULT_ADMIN_ROLE (the community's timelock, in production).
     * @param token_ the token whose transfers this registry rules on.
     * @param oracle the sanctions oracle; zero disables screening.
     */
    function initialize(address admin, address token_, ISanctionsList oracle) external initializer {
        if (admin == address(0) || token_ == address(0)) revert ComplianceZeroAddress();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _token = token_;
        _setSanctionsOracle(oracle);
        _setDailyLimit(0, 1_000 ether);
        _setDailyLimit(1, 25_000 ether);
        _setDailyLimit(2, UNLIMITED);
        _setTravelRuleThreshold(1_000 ether);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IComplianceRegistry
    function token() external view returns (address) {
        return _token;
    }

    /// @inheritdoc IComplianceRegistry
    function sanctionsOracle() external view returns (ISanctionsList) {
        return _sanctionsOracle;
    }

    /// @inheritdoc IComplianceRegistry
    function travelRuleThreshold() external view returns (uint256) {
        return _travelRuleThreshold;
    }

    /// @inheritdoc IComplianceRegistry
    function tierOf(address account) external view returns (uint8) {
        return _accounts[account].tier;
    }

    /// @inheritdoc IComplianceRegistry
    function isFrozen(address account) external view returns (bool) {
        return _accounts[account].frozen;
    }

    /// @inheritdoc IComplianceRegistry
    function isExempt(address account) external view returns (bool) {
        return _accounts[account].exempt;
    }

    /// @inheritdoc IComplianceRegistry
    function dailyLimit(uint8 tier) external view returns (uint128) {
        _checkTier(tier);
        return _dailyLimits[tier];
    }

    /// @inheritdoc IComplianceRegistry
    function spentToday(address account) external view returns (uint256 spent, uint256 windowStart) {
        Account memory a = _accounts[account];
        if (block.timestamp >= uint256(a.windowStart) + WINDOW) return (0, 0);
        return (a.spent, a.windowStart);
    }

    /// @inheritdoc IComplianceRegistry
    function canTransfer(address from, address to, uint256 amount) external view returns (bool, Verdict) {
        if (ICommunityToken(_token).paused()) return (false, Verdict.TokenPaused);
        (Verdict verdict, , ) = _evaluate(from, from, to, amount);
        if (verdict == Verdict.Allowed && from != address(0) && IERC20(_token).balanceOf(from) < amount) {
            verdict = Verdict.InsufficientBalance;
        }
        return (verdict == Verdict.Allowed, verdict);
    }

    /// @inheritdoc IComplianceRegistry
    function screen(address account) external view returns (Verdict verdict) {
        (verdict, , ) = _evaluate(account, account, account, 0);
    }

    // ---------------------------------------------------------------- the transfer path

    /// @inheritdoc IComplianceRegistry
    function enforceTransfer(address operator, address from, address to, uint256 amount) external {
        if (msg.sender != _token) revert ComplianceUnauthorizedToken(msg.sender);
        (Verdict verdict, uint256 spent, uint40 windowStart) = _evaluate(operator, from, to, amount);
        if (verdict != Verdict.Allowed) _revertFor(verdict, operator, from, to, amount, spent);
        if (windowStart != 0) {
            Account storage a = _accounts[from];
            a.windowStart = windowStart;
            // cannot truncate: _evaluate allowed it, so spent + amount <= the limit < 2**128
            a.spent = uint128(spent + amount);
        }
    }

    /**
     * @dev The one place the rules live, shared by {canTransfer} and {enforceTransfer}.
     * Returns the verdict, what the sender has spent in its (possibly new) window before this transfer, and
     * the window start to record — zero when the transfer counts against no limit (mints, zero amounts, exempt
     * senders, unlimited tiers). The operator is a third party only when it is neither sender nor recipient; a
     * mint's operator is the minter, whose role already vouches for it.
     */
    function _evaluate(
        address operator,
        address from,
        address to,
        uint256 amount
    ) private view returns (Verdict verdict, uint256 spent, uint40 windowStart) {
        bool thirdParty = from != address(0) && operator != from && operator != to;
        Account memory sender = _accounts[from];
        if (from != address(0) && sender.frozen) return (Verdict.SenderFrozen, 0, 0);
        if (to != address(0) && _accounts[to].frozen) return (Verdict.RecipientFrozen, 0, 0);
        if (thirdParty && _accounts[operator].frozen) return (Verdict.OperatorFrozen, 0, 0);

        ISanctionsList oracle = _sanctionsOracle;
        if (address(oracle) != address(0)) {
            if (from != address(0) && oracle.isSanctioned(from)) return (Verdict.SenderSanctioned, 0, 0);
            if (to != address(0) && oracle.isSanctioned(to)) return (Verdict.RecipientSanctioned, 0, 0);
            if (thirdParty && oracle.isSanctioned(operator)) return (Verdict.OperatorSanctioned, 0, 0);
        }

        if (from == address(0) || amount == 0 || sender.exempt) return (Verdict.Allowed, 0, 0);
        uint128 limit = _dailyLimits[sender.tier];
        if (limit == UNLIMITED) return (Verdict.Allowed, 0, 0);

        if (block.timestamp >= uint256(sender.windowStart) + WINDOW) {
            windowStart = uint40(block.timestamp);
        } else {
            windowStart = sender.windowStart;
            spent = sender.spent;
        }
        if (amount > limit || spent + amount > limit) return (Verdict.DailyLimitExceeded, spent, 0);
        return (Verdict.Allowed, spent, windowStart);
    }

    function _revertFor(
        Verdict verdict,
        address operator,
        address from,
        address to,
        uint256 amount,
        uint256 spent
    ) private view {
        if (verdict == Verdict.SenderFrozen) revert ComplianceSenderFrozen(from);
        if (verdict == Verdict.RecipientFrozen) revert ComplianceRecipientFrozen(to);
        if (verdict == Verdict.OperatorFrozen) revert ComplianceOperatorFrozen(operator);
        if (verdict == Verdict.SenderSanctioned) revert ComplianceSenderSanctioned(from);
        if (verdict == Verdict.RecipientSanctioned) revert ComplianceRecipientSanctioned(to);
        if (verdict == Verdict.OperatorSanctioned) revert ComplianceOperatorSanctioned(operator);
        uint8 tier = _accounts[from].tier;
        revert ComplianceDailyLimitExceeded(from, tier, _dailyLimits[tier], spent, amount);
    }

    // ---------------------------------------------------------------- administration

    /// @inheritdoc IComplianceRegistry
    function setTier(address account, uint8 tier) external onlyRole(VERIFIER_ROLE) {
        if (account == address(0)) revert ComplianceZeroAddress();
        _checkTier(tier);
        Account storage a = _accounts[account];
        uint8 previous = a.tier;
        a.tier = tier;
        emit TierChanged(account, previous, tier, msg.sender);
    }

    /// @inheritdoc IComplianceRegistry
    function freeze(address account, bytes32 reasonCode) external onlyRole(COMPLIANCE_ROLE) {
        if (account == address(0)) revert ComplianceZeroAddress();
        Account storage a = _accounts[account];
        if (a.frozen) revert ComplianceAccountAlreadyFrozen(account);
        a.frozen = true;
        emit AccountFrozen(account, reasonCode, msg.sender);
    }

    /// @inheritdoc IComplianceRegistry
    function unfreeze(address account, bytes32 reasonCode) external onlyRole(COMPLIANCE_ROLE) {
        Account storage a = _accounts[account];
        if (!a.frozen) revert ComplianceAccountNotFrozen(account);
        a.frozen = false;
        emit AccountUnfrozen(account, reasonCode, msg.sender);
    }

    /// @inheritdoc IComplianceRegistry
    function setDailyLimit(uint8 tier, uint128 limit) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _checkTier(tier);
        _setDailyLimit(tier, limit);
    }

    /// @inheritdoc IComplianceRegistry
    function setTravelRuleThreshold(uint256 threshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTravelRuleThreshold(threshold);
    }

    /// @inheritdoc IComplianceRegistry
    function setSanctionsOracle(ISanctionsList oracle) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setSanctionsOracle(oracle);
    }

    /// @inheritdoc IComplianceRegistry
    function setExempt(address account, bool exempt) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert ComplianceZeroAddress();
        _accounts[account].exempt = exempt;
        emit ExemptionChanged(account, exempt);
    }

    function _setDailyLimit(uint8 tier, uint128 limit) private {
        uint128 previous = _dailyLimits[tier];
        _dailyLimits[tier] = limit;
        emit DailyLimitChanged(tier, previous, limit);
    }

    function _setTravelRuleThreshold(uint256 threshold) private {
        uint256 previous = _travelRuleThreshold;
        _travelRuleThreshold = threshold;
        emit TravelRuleThresholdChanged(previous, threshold);
    }

    function _setSanctionsOracle(ISanctionsList oracle) private {
        ISanctionsList previous = _sanctionsOracle;
        _sanctionsOracle = oracle;
        emit SanctionsOracleChanged(address(previous), address(oracle));
    }

    function _checkTier(uint8 tier) private pure {
        if (tier > MAX_TIER) revert ComplianceInvalidTier(tier);
    }
}

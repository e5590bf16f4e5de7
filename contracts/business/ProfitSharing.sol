// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MerchantRegistry} from "./MerchantRegistry.sol";

/**
 * @title ProfitSharing
 * @notice Revenue shared by a business with its people, in the business's community token.
 * - A business opens its scheme once and owns it: a verified merchant of the MerchantRegistry in its own
 *   community's token; any account that is not a registered merchant in any federation community's token.
 * - The owner sets share units per account (employees, partners, itself); units of zero remove an account.
 * - Anyone deposits revenue for the business (the business itself, its bookkeeping, a payment processor): it is owed
 *   to the shareholders pro rata to their units at the moment of the deposit, and each claims its own (pull).
 * The payment path does not loop over shareholders: a deposit raises the scheme's revenue per unit (an accumulator
 * scaled by PRECISION), and an account's share is settled from it whenever its units change or it claims. Rounding
 * favours the contract: a deposit's revenue per unit and each settlement round down, so less than one wei per
 * settlement and `totalUnits / PRECISION` wei per deposit stay behind as dust, and nobody is ever paid more than its
 * exact pro-rata entitlement. Suspending a merchant later stops nothing: what is owed stays owed.
 * The contract pays out, so it must be an exempt system account in each community whose token it holds.
 */
contract ProfitSharing is ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice The scale of `revenuePerUnit`.
    uint256 public constant PRECISION = 1e18;

    struct Scheme {
        address token;
        /// @dev Whether the owner opened it as a verified merchant (else as a plain account).
        bool merchant;
        uint256 totalUnits;
        /// @dev Revenue per unit deposited since the scheme opened, scaled by PRECISION, rounded down.
        uint256 revenuePerUnit;
        uint256 totalDeposited;
        uint256 totalClaimed;
    }

    struct Share {
        uint256 units;
        /// @dev The scheme's `revenuePerUnit` when this account was last settled.
        uint256 settledPerUnit;
        /// @dev Settled and not yet claimed.
        uint256 owed;
    }

    /// @dev `business` opened its scheme already.
    error ProfitSharingSchemeExists(address business);
    /// @dev `business` has no scheme.
    error ProfitSharingNoScheme(address business);
    /// @dev `business` is a registered merchant in `status`; only a verified merchant may open a scheme.
    error ProfitSharingMerchantNotVerified(address business, MerchantRegistry.Status status);
    /// @dev A merchant's scheme is in its own community's token, `merchantToken`, not `token`.
    error ProfitSharingWrongToken(address token, address merchantToken);
    /// @dev `token` is not a federation community's token.
    error ProfitSharingUnknownCommunity(address token);
    /// @dev Revenue needs shareholders: `business` has no units set.
    error ProfitSharingNoShares(address business);
    /// @dev A deposit must be positive.
    error ProfitSharingZeroAmount();
    /// @dev `accounts` and `units` differ in length.
    error ProfitSharingLengthMismatch(uint256 accounts, uint256 units);
    /// @dev Shares cannot be set for the zero address.
    error ProfitSharingZeroAddress();
    /// @dev `account` has nothing to claim from the scheme of `business`.
    error ProfitSharingNothingToClaim(address business, address account);

    /// @dev Emitted when `business` opens its scheme in `token`.
    event SchemeOpened(address indexed business, address indexed token, bool merchant);
    /// @dev Emitted for each account whose units `business` sets; `accrued` is what the account's previous units
    /// had earned since its last settlement, now owed to it.
    event SharesSet(
        address indexed business,
        address indexed account,
        uint256 previousUnits,
        uint256 units,
        uint256 totalUnits,
        uint256 accrued
    );
    /// @dev Emitted when `from` deposits `amount` of revenue for `business`, shared over `totalUnits`; the scheme's
    /// revenue per unit (scaled by PRECISION) is then `revenuePerUnit`.
    event RevenueReceived(
        address indexed business,
        address indexed from,
        address indexed token,
        uint256 amount,
        uint256 totalUnits,
        uint256 revenuePerUnit
    );
    /// @dev Emitted when `account` claims `amount` from the scheme of `business`.
    event RevenueClaimed(address indexed business, address indexed account, address indexed token, uint256 amount);

    MerchantRegistry public immutable merchants;
    mapping(address business => Scheme) private _schemes;
    mapping(address business => mapping(address account => Share)) private _shares;

    constructor(MerchantRegistry merchants_) {
        merchants = merchants_;
    }

    /// @notice Opens the caller's scheme in `token`; the caller owns it.
    /// Requirements: no scheme yet; a registered merchant must be verified and use its own community's token; any
    /// other caller a federation community's token.
    function openScheme(address token) external {
        Scheme storage s = _schemes[msg.sender];
        if (s.token != address(0)) revert ProfitSharingSchemeExists(msg.sender);
        MerchantRegistry.Merchant memory m = merchants.merchantOf(msg.sender);
        bool merchant = m.status != MerchantRegistry.Status.None;
        if (merchant) {
            if (m.status != MerchantRegistry.Status.Verified) {
                revert ProfitSharingMerchantNotVerified(msg.sender, m.status);
            }
            if (token != m.token) revert ProfitSharingWrongToken(token, m.token);
        } else if (merchants.federation().communityOfToken(token) == 0) {
            revert ProfitSharingUnknownCommunity(token);
        }
        (s.token, s.merchant) = (token, merchant);
        emit SchemeOpened(msg.sender, token, merchant);
    }

    /// @notice Sets the units of each of `accounts` in the caller's scheme (zero removes one), settling first what
    /// each account's previous units earned. Requirements: the caller's scheme is open; equal lengths; no zero
    /// address.
    function setShares(address[] calldata accounts, uint256[] calldata units) external {
        Scheme storage s = _scheme(msg.sender);
        if (accounts.length != units.length) revert ProfitSharingLengthMismatch(accounts.length, units.length);
        for (uint256 i; i < accounts.length; ++i) {
            address account = accounts[i];
            if (account == address(0)) revert ProfitSharingZeroAddress();
            Share storage share = _shares[msg.sender][account];
            uint256 accrued = _settle(s, share);
            uint256 previous = share.units;
            s.totalUnits = s.totalUnits - previous + units[i];
            share.units = units[i];
            emit SharesSet(msg.sender, account, previous, units[i], s.totalUnits, accrued);
        }
    }

    /// @notice Deposits `amount` of the scheme's token (approved beforehand) as revenue of `business`, owed to its
    /// shareholders pro rata to their current units. Requirements: the scheme is open and has units; a positive
    /// amount; the token's compliance rules.
    function deposit(address business, uint256 amount) external nonReentrant {
        Scheme storage s = _scheme(business);
        if (amount == 0) revert ProfitSharingZeroAmount();
        uint256 total = s.totalUnits;
        if (total == 0) revert ProfitSharingNoShares(business);
        s.revenuePerUnit += (amount * PRECISION) / total;
        s.totalDeposited += amount;
        IERC20(s.token).safeTransferFrom(msg.sender, address(this), amount);
        emit RevenueReceived(business, msg.sender, s.token, amount, total, s.revenuePerUnit);
    }

    /// @notice Pays the caller all it is owed by the scheme of `business`. Requirements: something to claim; the
    /// token's compliance rules (the caller neither frozen nor sanctioned).
    function claim(address business) external nonReentrant returns (uint256 amount) {
        Scheme storage s = _scheme(business);
        Share storage share = _shares[business][msg.sender];
        _settle(s, share);
        amount = share.owed;
        if (amount == 0) revert ProfitSharingNothingToClaim(business, msg.sender);
        share.owed = 0;
        s.totalClaimed += amount;
        IERC20(s.token).safeTransfer(msg.sender, amount);
        emit RevenueClaimed(business, msg.sender, s.token, amount);
    }

    /// @notice The scheme of `business` (token zero if none).
    function schemeOf(address business) external view returns (Scheme memory) {
        return _schemes[business];
    }

    /// @notice The share of `account` in the scheme of `business`, as last settled.
    function shareOf(address business, address account) external view returns (Share memory) {
        return _shares[business][account];
    }

    /// @notice What `account` could claim from the scheme of `business` now.
    function claimable(address business, address account) external view returns (uint256) {
        Share storage share = _shares[business][account];
        return share.owed + _accrued(_schemes[business], share);
    }

    /// @dev Moves what `share` earned since its last settlement into its `owed`; returns that amount.
    function _settle(Scheme storage s, Share storage share) private returns (uint256 accrued) {
        accrued = _accrued(s, share);
        share.owed += accrued;
        share.settledPerUnit = s.revenuePerUnit;
    }

    /// @dev Rounded down: the contract never owes more than it holds.
    function _accrued(Scheme storage s, Share storage share) private view returns (uint256) {
        return Math.mulDiv(share.units, s.revenuePerUnit - share.settledPerUnit, PRECISION);
    }

    function _scheme(address business) private view returns (Scheme storage s) {
        s = _schemes[business];
        if (s.token == address(0)) revert ProfitSharingNoScheme(business);
    }
}

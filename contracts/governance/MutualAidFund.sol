// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IFederation} from "../interfaces/IFederation.sol";

/**
 * @title MutualAidFund
 * @notice The federation's solidarity fund. Anyone may contribute a member community's KC token (a community
 * usually does so by its own proposal, at the federation's mutual-aid rate); grants go to a member community's
 * timelock (its treasury) by federation proposal (DEFAULT_ADMIN_ROLE: the federation's timelock). For emergencies a
 * small committee (EMERGENCY_ROLE) may grant without a vote, up to a cap per token per 30-day period that the
 * federation sets (fixed periods, each opened by its first emergency grant: across a period's end the committee may
 * pay up to twice the cap within a short time, and no more). The fund must be an exempt system account in each community's compliance registry.
 */
contract MutualAidFund is AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant EMERGENCY_ROLE = keccak256("EMERGENCY_ROLE");
    uint256 public constant EMERGENCY_PERIOD = 30 days;
    uint256 private constant BPS = 10_000;

    /// @dev `token` is not the token of a community the federation admitted.
    error MutualAidUnknownToken(address token);
    /// @dev Community `id` is not a member in good standing (status `status`).
    error MutualAidNotMember(string id, IFederation.Status status);
    /// @dev An amount was zero.
    error MutualAidZeroAmount();
    /// @dev The fund holds `balance` of `token`; `amount` was asked.
    error MutualAidInsufficientFunds(address token, uint256 amount, uint256 balance);
    /// @dev Emergency grants of `token` would reach `total` this period, above `cap`.
    error MutualAidEmergencyCapExceeded(address token, uint256 total, uint256 cap);
    /// @dev An address argument was zero.
    error MutualAidZeroAddress(string field);

    /// @dev Emitted for every contribution: `key` is the community whose token it is.
    event ContributionReceived(bytes32 indexed key, address indexed token, address indexed contributor, uint256 amount);
    /// @dev Emitted for every grant, paid to `recipient`, the community `id`'s timelock.
    event GrantPaid(
        bytes32 indexed key,
        string id,
        address indexed token,
        address indexed recipient,
        uint256 amount,
        bool emergency,
        string memo
    );
    /// @dev Emitted when the cap on emergency grants of `token` per period changes.
    event EmergencyCapChanged(address indexed token, uint256 oldCap, uint256 newCap);

    struct EmergencyWindow {
        uint64 start;
        uint192 spent;
    }

    IFederation public immutable federation;
    mapping(address token => uint256) public contributed;
    mapping(address token => uint256) public granted;
    mapping(address token => uint256) public emergencyCap;
    mapping(address token => EmergencyWindow) private _emergency;

    /// @param admin DEFAULT_ADMIN_ROLE: the federation's timelock. @param committee EMERGENCY_ROLE holders.
    constructor(address admin, IFederation federation_, address[] memory committee) {
        if (admin == address(0)) revert MutualAidZeroAddress("admin");
        if (address(federation_) == address(0)) revert MutualAidZeroAddress("federation");
        federation = federation_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        for (uint256 i; i < committee.length; ++i) _grantRole(EMERGENCY_ROLE, committee[i]);
    }

    /// @notice Contributes `amount` of `token` (approved beforehand). Requirements: `token` a federation community's.
    function contribute(address token, uint256 amount) external nonReentrant {
        if (amount == 0) revert MutualAidZeroAmount();
        bytes32 key = federation.communityOfToken(token);
        if (key == 0) revert MutualAidUnknownToken(token);
        contributed[token] += amount;
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        emit ContributionReceived(key, token, msg.sender, amount);
    }

    /// @notice Grants `amount` of `token` to member `id` (paid to its timelock). Requirements: DEFAULT_ADMIN_ROLE
    /// (a federation proposal); `id` a member; the fund holds enough.
    function grant(
        string calldata id,
        address token,
        uint256 amount,
        string calldata memo
    ) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        _pay(id, token, amount, false, memo);
    }

    /// @notice Grants in an emergency, without a vote. Requirements: EMERGENCY_ROLE; `id` a member; the total of
    /// emergency grants of `token` in the current 30-day period at most `emergencyCap[token]`.
    function emergencyGrant(
        string calldata id,
        address token,
        uint256 amount,
        string calldata memo
    ) external onlyRole(EMERGENCY_ROLE) nonReentrant {
        EmergencyWindow memory w = _emergency[token];
        if (block.timestamp >= w.start + EMERGENCY_PERIOD) w = EmergencyWindow(uint64(block.timestamp), 0);
        uint256 total = w.spent + amount;
        if (total > emergencyCap[token]) revert MutualAidEmergencyCapExceeded(token, total, emergencyCap[token]);
        _emergency[token] = EmergencyWindow(w.start, uint192(total));
        _pay(id, token, amount, true, memo);
    }

    /// @notice Sets the cap on emergency grants of `token` per period (0: none allowed). Requirements:
    /// DEFAULT_ADMIN_ROLE.
    function setEmergencyCap(address token, uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit EmergencyCapChanged(token, emergencyCap[token], cap);
        emergencyCap[token] = cap;
    }

    /// @notice What emergency grants of `token` may still pay in the current period.
    function emergencyRemaining(address token) external view returns (uint256) {
        EmergencyWindow memory w = _emergency[token];
        uint256 spent = block.timestamp >= w.start + EMERGENCY_PERIOD ? 0 : w.spent;
        return spent >= emergencyCap[token] ? 0 : emergencyCap[token] - spent;
    }

    /// @notice What the community of `token` is expected to have contributed at the federation's mutual-aid rate
    /// (a share of its token's supply now) and has not yet.
    function contributionDue(address token) external view returns (uint256) {
        if (federation.communityOfToken(token) == 0) revert MutualAidUnknownToken(token);
        uint256 expected = Math.mulDiv(IERC20(token).totalSupply(), federation.parameters().mutualAidRateBps, BPS);
        return expected > contributed[token] ? expected - contributed[token] : 0;
    }

    function _pay(string calldata id, address token, uint256 amount, bool emergency, string calldata memo) private {
        if (amount == 0) revert MutualAidZeroAmount();
        IFederation.Member memory m = federation.member(id);
        if (m.status != IFederation.Status.Member) revert MutualAidNotMember(id, m.status);
        if (federation.communityOfToken(token) == 0) revert MutualAidUnknownToken(token);
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (amount > balance) revert MutualAidInsufficientFunds(token, amount, balance);
        granted[token] += amount;
        IERC20(token).safeTransfer(m.timelock, amount);
        emit GrantPaid(keccak256(bytes(id)), id, token, m.timelock, amount, emergency, memo);
    }
}

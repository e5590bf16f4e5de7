// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MerchantRegistry} from "./MerchantRegistry.sol";

/**
 * @title LoyaltyProgram
 * @notice Merchant-funded rewards: a merchant sets a rate (bps of the KC part of a payment) and a cap per customer
 * per period, and tops up a reward pool in its community's token. The PaymentRouter (which deploys this contract)
 * credits a customer's reward in the same transaction as the payment, within the cap and the pool; customers claim
 * their rewards (pull). Merchants withdraw what the pool still holds. The program must be an exempt system account
 * in each community's compliance registry, since it sends rewards.
 */
contract LoyaltyProgram is ReentrancyGuard {
    using SafeERC20 for IERC20;

    uint256 public constant MAX_RATE_BPS = 2_000;
    uint256 public constant MIN_PERIOD = 1 days;
    uint256 public constant MAX_PERIOD = 365 days;
    uint256 private constant BPS = 10_000;

    struct Program {
        address token;
        uint16 rateBps;
        uint64 period;
        uint128 capPerPeriod;
        uint256 pool;
    }

    struct Window {
        uint64 start;
        uint192 credited;
    }

    /// @dev Only the PaymentRouter credits rewards.
    error LoyaltyOnlyRouter(address caller);
    /// @dev The caller is not a verified merchant.
    error LoyaltyNotMerchant(address caller);
    /// @dev `parameter` must lie within [min, max].
    error LoyaltyParameterOutOfBounds(string parameter, uint256 value, uint256 min, uint256 max);
    /// @dev The pool holds `pool`; `amount` was asked.
    error LoyaltyInsufficientPool(uint256 amount, uint256 pool);
    /// @dev Nothing to claim, or a zero amount.
    error LoyaltyZeroAmount();

    event ProgramConfigured(
        address indexed merchant,
        address indexed token,
        uint256 rateBps,
        uint256 capPerPeriod,
        uint256 period
    );
    event RewardPoolFunded(address indexed merchant, address indexed token, uint256 amount, uint256 pool);
    event RewardPoolWithdrawn(address indexed merchant, address indexed token, uint256 amount, uint256 pool);
    event RewardCredited(
        address indexed merchant,
        address indexed customer,
        address indexed token,
        bytes32 invoiceKey,
        uint256 reward
    );
    event RewardClaimed(address indexed customer, address indexed token, uint256 amount);

    address public immutable router;
    MerchantRegistry public immutable merchants;
    mapping(address merchant => Program) private _programs;
    mapping(address merchant => mapping(address customer => Window)) private _windows;
    mapping(address customer => mapping(address token => uint256)) public rewardsOf;

    constructor(MerchantRegistry merchants_) {
        router = msg.sender;
        merchants = merchants_;
    }

    /// @notice Sets the caller's program. Requirements: a verified merchant; rate at most MAX_RATE_BPS; period
    /// within [MIN_PERIOD, MAX_PERIOD].
    function configure(uint256 rateBps, uint128 capPerPeriod, uint64 period) external {
        address token = _merchantToken(msg.sender);
        if (rateBps > MAX_RATE_BPS) revert LoyaltyParameterOutOfBounds("rateBps", rateBps, 0, MAX_RATE_BPS);
        if (period < MIN_PERIOD || period > MAX_PERIOD) {
            revert LoyaltyParameterOutOfBounds("period", period, MIN_PERIOD, MAX_PERIOD);
        }
        Program storage p = _programs[msg.sender];
        (p.token, p.rateBps, p.capPerPeriod, p.period) = (token, uint16(rateBps), capPerPeriod, period);
        emit ProgramConfigured(msg.sender, token, rateBps, capPerPeriod, period);
    }

    /// @notice Tops up the caller's reward pool with `amount` of its community's token (approved beforehand).
    function fund(uint256 amount) external nonReentrant {
        if (amount == 0) revert LoyaltyZeroAmount();
        address token = _merchantToken(msg.sender);
        Program storage p = _programs[msg.sender];
        p.token = token;
        p.pool += amount;
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        emit RewardPoolFunded(msg.sender, token, amount, p.pool);
    }

    /// @notice Withdraws `amount` of the caller's reward pool (suspended merchants too).
    function withdraw(uint256 amount) external nonReentrant {
        Program storage p = _programs[msg.sender];
        if (amount == 0) revert LoyaltyZeroAmount();
        if (amount > p.pool) revert LoyaltyInsufficientPool(amount, p.pool);
        p.pool -= amount;
        IERC20(p.token).safeTransfer(msg.sender, amount);
        emit RewardPoolWithdrawn(msg.sender, p.token, amount, p.pool);
    }

    /// @notice Credits `customer` for a payment of `amount` to `merchant`: rate * amount, within the customer's cap
    /// for the period and the pool; returns the reward (0 without a program). Requirements: the PaymentRouter.
    function credit(
        address merchant,
        address customer,
        uint256 amount,
        bytes32 invoiceKey
    ) external returns (uint256 reward) {
        if (msg.sender != router) revert LoyaltyOnlyRouter(msg.sender);
        Program storage p = _programs[merchant];
        if (p.rateBps == 0 || p.pool == 0) return 0;
        Window memory w = _windows[merchant][customer];
        if (block.timestamp >= w.start + p.period) w = Window(uint64(block.timestamp), 0);
        uint256 room = p.capPerPeriod > w.credited ? p.capPerPeriod - w.credited : 0;
        reward = Math.min(Math.min(Math.mulDiv(amount, p.rateBps, BPS), room), p.pool);
        if (reward == 0) return 0;
        p.pool -= reward;
        _windows[merchant][customer] = Window(w.start, uint192(w.credited + reward));
        rewardsOf[customer][p.token] += reward;
        emit RewardCredited(merchant, customer, p.token, invoiceKey, reward);
    }

    /// @notice Pays the caller its rewards in `token`.
    function claim(address token) external nonReentrant {
        uint256 amount = rewardsOf[msg.sender][token];
        if (amount == 0) revert LoyaltyZeroAmount();
        rewardsOf[msg.sender][token] = 0;
        IERC20(token).safeTransfer(msg.sender, amount);
        emit RewardClaimed(msg.sender, token, amount);
    }

    /// @notice The program of `merchant`.
    function programOf(address merchant) external view returns (Program memory) {
        return _programs[merchant];
    }

    /// @notice What `customer` may still be credited by `merchant` in the current period.
    function remainingCap(address merchant, address customer) external view returns (uint256) {
        Program storage p = _programs[merchant];
        Window memory w = _windows[merchant][customer];
        uint256 credited = block.timestamp >= w.start + p.period ? 0 : w.credited;
        return p.capPerPeriod > credited ? p.capPerPeriod - credited : 0;
    }

    function _merchantToken(address merchant) private view returns (address token) {
        MerchantRegistry.Merchant memory m = merchants.merchantOf(merchant);
        if (m.status != MerchantRegistry.Status.Verified) revert LoyaltyNotMerchant(merchant);
        return m.token;
    }
}

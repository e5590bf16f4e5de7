// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IComplianceRegistry} from "./IComplianceRegistry.sol";

/// @title An oracle-priced exchange pool between two communities' currencies.
interface IBridgePool {
    /// @dev `token` is neither of the pool's two tokens.
    error BridgePoolUnknownToken(address token);
    /// @dev The transaction's `deadline` has passed (`now`).
    error BridgePoolExpired(uint256 deadline, uint256 now);
    /// @dev An amount was zero.
    error BridgePoolZeroAmount();
    /// @dev A swap of `amountIn` would pay nothing (dust).
    error BridgePoolZeroOutput(uint256 amountIn);
    /// @dev The result `actual` is below the caller's minimum `minimum`.
    error BridgePoolSlippage(uint256 actual, uint256 minimum);
    /// @dev The pool holds `reserve` of the output token; the swap needs `needed`.
    error BridgePoolInsufficientLiquidity(uint256 needed, uint256 reserve);
    /// @dev The net outflow of `token` over the `window` (0 short, 1 long) would be `netOutflow`, above `limit`.
    error BridgePoolFlowLimitExceeded(address token, uint8 window, uint256 netOutflow, uint256 limit);
    /// @dev The first deposit must be worth more than the locked minimum liquidity.
    error BridgePoolInsufficientFirstDeposit(uint256 value, uint256 minimum);
    /// @dev A parameter is outside its bounds.
    error BridgePoolParameterOutOfBounds(string parameter, uint256 value, uint256 min, uint256 max);
    /// @dev `account` may not hold, move or redeem shares: `registry` (one of the two communities') says `verdict`.
    error BridgePoolAccountBlocked(address account, address registry, IComplianceRegistry.Verdict verdict);
    /// @dev The two tokens must be distinct and non-zero.
    error BridgePoolInvalidPair(address tokenA, address tokenB);

    /**
     * @dev Emitted on every swap: the cross-border settlement record. Communities are identified by their tokens;
     * `rate` is the oracle's cross rate used (units of `tokenOut` per unit of `tokenIn`, 18 decimals), `value` the
     * input's worth in the reference currency, and `travelRule` is set when `amountIn` is at or above the source
     * community's travel-rule threshold.
     */
    event Settled(
        address indexed sender,
        address indexed recipient,
        address indexed tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 amountOut,
        uint256 fee,
        uint256 rate,
        uint256 value,
        bool travelRule
    );
    /**
     * @dev Emitted when `provider` adds liquidity worth `value` and `recipient` gets `shares`; `fee` is what a swap of
     * the deposit's imbalance (the part that changes the pool's mix) would cost, both in the reference currency.
     */
    event LiquidityAdded(
        address indexed provider,
        address indexed recipient,
        uint256 amountA,
        uint256 amountB,
        uint256 shares,
        uint256 value,
        uint256 fee
    );
    /// @dev Emitted when `provider` burns `shares` for `amountA` and `amountB`, paid to `recipient`.
    event LiquidityRemoved(
        address indexed provider,
        address indexed recipient,
        uint256 amountA,
        uint256 amountB,
        uint256 shares
    );
    /// @dev Emitted after every change of the reserves.
    event ReservesUpdated(uint256 reserveA, uint256 reserveB);
    /// @dev Emitted when the fee or the curve's amplification changes.
    event CurveChanged(uint256 feeBps, uint256 amplification);
    /// @dev Emitted when the net-flow limits of `token` change.
    event FlowLimitsChanged(address indexed token, uint256 shortLimit, uint256 longLimit);

    /// @notice The amount out, the fee (in the output token) and the cross rate of an exact-in swap now.
    function quote(
        address tokenIn,
        uint256 amountIn
    ) external view returns (uint256 amountOut, uint256 fee, uint256 rate);

    /// @notice Swaps exactly `amountIn` of `tokenIn` for the other token, paid to `recipient`.
    /// Requirements: not paused; before `deadline`; `amountOut >= minOut`; flow limits; fresh, untripped rates;
    /// the caller allowed to send in the source community, `recipient` allowed to receive in the destination.
    function swap(
        address tokenIn,
        uint256 amountIn,
        uint256 minOut,
        address recipient,
        uint256 deadline
    ) external returns (uint256 amountOut);
}

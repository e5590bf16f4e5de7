// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IBridgePool} from "../interfaces/IBridgePool.sol";
import {IFxOracle} from "../interfaces/IFxOracle.sol";
import {ICommunityToken} from "../interfaces/ICommunityToken.sol";
import {IComplianceRegistry} from "../interfaces/IComplianceRegistry.sol";

/**
 * @title BridgePool
 * @notice Exchanges two communities' currencies at the oracle's rate, with a fee that stays with the liquidity
 * providers, whose shares are this ERC-20.
 *
 * The curve: let p be the oracle's cross rate (units of the output token per unit of input), x the pool's input
 * reserve valued in output units (reserveIn * p), y its output reserve, and D = amplification * (x + y) a virtual
 * depth. An exact-in swap of a (worth a*p) pays
 *     gross = min(a*p, (y + D) * a*p / (x + D + a*p))   and   out = gross - fee,  fee = gross * feeBps / 10,000.
 * So while the pool holds at least as much value of the output token as of the input token, a swap is priced at
 * the oracle rate (less the fee); as the output side runs low, the price worsens smoothly (a constant product on
 * oracle-normalised, deepened reserves), which keeps the pool from being drained. The price is never better than
 * the oracle's, so a swap never lowers the pool's value at the oracle price, and when the pegs move the curve moves
 * with the oracle: no value leaks to arbitrage as it would from a plain x*y=k pool.
 *
 * Liquidity is added at oracle value (any mix of the two tokens) and removed pro rata (no oracle needed, so
 * providers can leave while the oracle is down). A deposit whose mix differs from the pool's is charged as if its
 * imbalance were swapped: with pool values PA, PB and deposit values vA, vB, the imbalance is the value it moves
 * from one side to the other, |vA*PB - vB*PA| / (PA + PB); the cost of swapping it now (its value less the value
 * of what a swap of it would pay: the swap fee and the curve's price impact) is the deposit fee, scaled by
 * P / (PY + r*PX) (X the side in excess, Y the other, P = PX + PY, r the swap's rate as a share of the oracle's),
 * at most the deposit's value. So a one-sided deposit withdrawn at once is an exchange no cheaper than a swap, up to
 * second-order terms, which the flow limits bound: measured at most about 2e-4 of what the swap pays with an
 * amplification of 4 or more and fees up to 1%, 1e-3 at amplification 2-3, 1e-2 at 1 (property tests).
 * The pool keeps its own reserves: tokens sent to it directly change no price. The first deposit locks
 * MINIMUM_LIQUIDITY shares, which with internal reserves defeats the share-inflation attack.
 *
 * Net outflows of each token are limited over a short and a long window, whichever way the tokens leave: swaps
 * and withdrawals count as outflows, swaps and deposits as inflows. In a run, providers withdraw in parts as the
 * windows roll. DEFAULT_ADMIN_ROLE (the federation's timelock) sets the fee, the amplification and the limits;
 * PAUSER_ROLE pauses.
 *
 * Cross-border compliance comes from the tokens themselves: the input transfer is ruled on by the source
 * community's registry (the sender may send), the output transfer by the destination's (the recipient may
 * receive). The pool must be an exempt system account in both registries.
 */
contract BridgePool is IBridgePool, ERC20, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    uint256 public constant MINIMUM_LIQUIDITY = 1e3;
    uint256 public constant SHORT_WINDOW = 5 minutes;
    uint256 public constant LONG_WINDOW = 1 days;
    uint256 public constant MAX_FEE_BPS = 1_000;
    uint256 public constant MAX_AMPLIFICATION = 1_000;
    address private constant DEAD = 0x000000000000000000000000000000000000dEaD;
    uint256 private constant BPS = 10_000;

    IERC20 public immutable tokenA;
    IERC20 public immutable tokenB;
    IFxOracle public immutable oracle;
    string public currencyA;
    string public currencyB;

    uint128 private _reserveA;
    uint128 private _reserveB;
    uint16 public feeBps;
    uint16 public amplification;

    struct FlowWindow {
        uint40 start;
        int216 netOutflow;
    }

    struct FlowLimits {
        uint128 shortLimit;
        uint128 longLimit;
    }

    mapping(address token => FlowLimits) private _flowLimits;
    mapping(address token => FlowWindow[2]) private _flows;

    /**
     * @param tokenA_ / tokenB_ the two community tokens (their currencies are read from them).
     * @param oracle_ the FX oracle.
     * @param admin receives DEFAULT_ADMIN_ROLE and PAUSER_ROLE (the federation's timelock).
     * @param feeBps_ the swap fee; @param amplification_ the curve's depth (0 to MAX_AMPLIFICATION).
     */
    constructor(
        ICommunityToken tokenA_,
        ICommunityToken tokenB_,
        IFxOracle oracle_,
        address admin,
        uint256 feeBps_,
        uint256 amplification_
    ) ERC20(_shareName(tokenA_, tokenB_, "KC Bridge ", "-"), _shareName(tokenA_, tokenB_, "KCB-", "-")) {
        tokenA = IERC20(address(tokenA_));
        tokenB = IERC20(address(tokenB_));
        oracle = oracle_;
        currencyA = tokenA_.currency();
        currencyB = tokenB_.currency();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _setCurve(feeBps_, amplification_);
    }

    // ---------------------------------------------------------------- views

    /// @notice The pool's own record of its two reserves (tokens sent to it directly are not counted).
    function reserves() external view returns (uint256 reserveA, uint256 reserveB) {
        return (_reserveA, _reserveB);
    }

    /// @notice The pool's value in the reference currency at the oracle's rates (18 decimals).
    function poolValue() public view returns (uint256) {
        (uint256 rateA, uint256 rateB) = _rates();
        return _value(_reserveA, _reserveB, rateA, rateB);
    }

    /// @notice What a deposit of `amountA` and `amountB` is worth in the reference currency, and the fee charged on
    /// its imbalance (see the contract's notes), at the oracle's rates and the pool's reserves now.
    function depositValue(uint256 amountA, uint256 amountB) external view returns (uint256 value, uint256 fee) {
        (uint256 rateA, uint256 rateB) = _rates();
        return _depositValue(amountA, amountB, rateA, rateB);
    }

    /// @notice The net-flow limits of `token`: over SHORT_WINDOW and LONG_WINDOW (0 means none).
    function flowLimits(address token) external view returns (FlowLimits memory) {
        return _flowLimits[token];
    }

    /// @notice The net outflow of `token` in the current short (0) or long (1) window.
    function netOutflow(address token, uint8 window) external view returns (int256) {
        FlowWindow memory w = _flows[token][window];
        return
            block.timestamp >= w.start + (window == 0 ? SHORT_WINDOW : LONG_WINDOW) ? int256(0) : int256(w.netOutflow);
    }

    /// @inheritdoc IBridgePool
    function quote(
        address tokenIn,
        uint256 amountIn
    ) public view returns (uint256 amountOut, uint256 fee, uint256 rate) {
        bool aToB = _direction(tokenIn);
        rate = aToB ? oracle.crossRate(currencyA, currencyB) : oracle.crossRate(currencyB, currencyA);
        (amountOut, fee) = _quote(aToB, amountIn, rate);
    }

    // ---------------------------------------------------------------- swaps

    /// @inheritdoc IBridgePool
    function swap(
        address tokenIn,
        uint256 amountIn,
        uint256 minOut,
        address recipient,
        uint256 deadline
    ) external nonReentrant whenNotPaused returns (uint256 amountOut) {
        _checkDeadline(deadline);
        if (amountIn == 0) revert BridgePoolZeroAmount();
        bool aToB = _direction(tokenIn);
        uint256 fee;
        uint256 rate;
        (amountOut, fee, rate) = quote(tokenIn, amountIn);
        if (amountOut == 0) revert BridgePoolZeroOutput(amountIn);
        if (amountOut < minOut) revert BridgePoolSlippage(amountOut, minOut);
        (IERC20 tIn, IERC20 tOut) = aToB ? (tokenA, tokenB) : (tokenB, tokenA);
        uint256 reserveOut = aToB ? _reserveB : _reserveA;
        if (amountOut >= reserveOut) revert BridgePoolInsufficientLiquidity(amountOut, reserveOut);

        _recordFlow(address(tOut), int256(amountOut));
        _recordFlow(address(tIn), -int256(amountIn));
        if (aToB) _setReserves(_reserveA + amountIn, _reserveB - amountOut);
        else _setReserves(_reserveA - amountOut, _reserveB + amountIn);

        tIn.safeTransferFrom(msg.sender, address(this), amountIn);
        tOut.safeTransfer(recipient, amountOut);
        _emitSettled(Settlement(tIn, tOut, recipient, amountIn, amountOut, fee, rate));
    }

    // ---------------------------------------------------------------- liquidity

    /// @notice Adds `amountA` and `amountB` (either may be zero) at oracle value, less what a swap of the deposit's
    /// imbalance would cost; `recipient` receives the shares. Requirements: not paused; before `deadline`; at least
    /// `minShares`; fresh rates.
    function addLiquidity(
        uint256 amountA,
        uint256 amountB,
        uint256 minShares,
        address recipient,
        uint256 deadline
    ) external nonReentrant whenNotPaused returns (uint256 shares) {
        _checkDeadline(deadline);
        if (amountA == 0 && amountB == 0) revert BridgePoolZeroAmount();
        (uint256 rateA, uint256 rateB) = _rates();
        (uint256 value, uint256 fee) = _depositValue(amountA, amountB, rateA, rateB);
        uint256 supply = totalSupply();
        if (supply == 0) {
            if (value <= MINIMUM_LIQUIDITY) revert BridgePoolInsufficientFirstDeposit(value, MINIMUM_LIQUIDITY);
            shares = value - MINIMUM_LIQUIDITY;
            _mint(DEAD, MINIMUM_LIQUIDITY);
        } else {
            // the deposit valued down and the pool up: the pool keeps the dust, so existing shares never lose value
            shares = Math.mulDiv(supply, value - fee, _valueUp(_reserveA, _reserveB, rateA, rateB));
        }
        if (shares == 0 || shares < minShares) revert BridgePoolSlippage(shares, minShares);
        _recordFlow(address(tokenA), -int256(amountA));
        _recordFlow(address(tokenB), -int256(amountB));
        _setReserves(_reserveA + amountA, _reserveB + amountB);
        _mint(recipient, shares);
        if (amountA > 0) tokenA.safeTransferFrom(msg.sender, address(this), amountA);
        if (amountB > 0) tokenB.safeTransferFrom(msg.sender, address(this), amountB);
        emit LiquidityAdded(msg.sender, recipient, amountA, amountB, shares, value, fee);
    }

    /// @notice Burns `shares` for their pro-rata part of both reserves, paid to `recipient`. Works while the oracle
    /// is stale or tripped, and while paused. Requirements: before `deadline`; at least `minA` and `minB`; the flow
    /// limits (a withdrawal is an outflow).
    function removeLiquidity(
        uint256 shares,
        uint256 minA,
        uint256 minB,
        address recipient,
        uint256 deadline
    ) external nonReentrant returns (uint256 amountA, uint256 amountB) {
        _checkDeadline(deadline);
        if (shares == 0) revert BridgePoolZeroAmount();
        uint256 supply = totalSupply();
        // rounds down: the remaining providers keep the dust
        amountA = Math.mulDiv(_reserveA, shares, supply);
        amountB = Math.mulDiv(_reserveB, shares, supply);
        if (amountA < minA) revert BridgePoolSlippage(amountA, minA);
        if (amountB < minB) revert BridgePoolSlippage(amountB, minB);
        _burn(msg.sender, shares);
        _recordFlow(address(tokenA), int256(amountA));
        _recordFlow(address(tokenB), int256(amountB));
        _setReserves(_reserveA - amountA, _reserveB - amountB);
        if (amountA > 0) tokenA.safeTransfer(recipient, amountA);
        if (amountB > 0) tokenB.safeTransfer(recipient, amountB);
        emit LiquidityRemoved(msg.sender, recipient, amountA, amountB, shares);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Sets the fee (at most MAX_FEE_BPS) and amplification (at most MAX_AMPLIFICATION).
    /// Requirements: DEFAULT_ADMIN_ROLE.
    function setCurve(uint256 feeBps_, uint256 amplification_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setCurve(feeBps_, amplification_);
    }

    /// @notice Limits the net outflow of `token` over SHORT_WINDOW and LONG_WINDOW; 0 removes a limit.
    /// Requirements: DEFAULT_ADMIN_ROLE; `token` one of the pool's.
    function setFlowLimits(address token, uint128 shortLimit, uint128 longLimit) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _direction(token);
        _flowLimits[token] = FlowLimits(shortLimit, longLimit);
        emit FlowLimitsChanged(token, shortLimit, longLimit);
    }

    /// @notice Stops swaps and deposits (withdrawals stay open). Requirements: PAUSER_ROLE.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Lifts the pause. Requirements: PAUSER_ROLE.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ---------------------------------------------------------------- internals

    /// @dev The share token's name or symbol, e.g. "KC Bridge KATY-MTY"; checks the pair first (it runs before
    /// the constructor's body, so the check must live here).
    function _shareName(
        ICommunityToken a,
        ICommunityToken b,
        string memory prefix,
        string memory separator
    ) private view returns (string memory) {
        if (address(a) == address(0) || address(b) == address(0) || address(a) == address(b)) {
            revert BridgePoolInvalidPair(address(a), address(b));
        }
        return
            string.concat(prefix, IERC20Metadata(address(a)).symbol(), separator, IERC20Metadata(address(b)).symbol());
    }

    /// @dev Shares are value in both communities: whoever holds, sends, receives or redeems them is screened by
    /// both registries (frozen or sanctioned accounts are blocked), so freezing an account also freezes its part of
    /// the pool. The locked MINIMUM_LIQUIDITY holder is not screened.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0)) _screen(from);
        if (to != address(0) && to != DEAD) _screen(to);
        super._update(from, to, value);
    }

    function _screen(address account) private view {
        for (uint256 i; i < 2; ++i) {
            IComplianceRegistry registry = ICommunityToken(address(i == 0 ? tokenA : tokenB)).complianceRegistry();
            IComplianceRegistry.Verdict verdict = registry.screen(account);
            if (verdict != IComplianceRegistry.Verdict.Allowed) {
                revert BridgePoolAccountBlocked(account, address(registry), verdict);
            }
        }
    }

    struct Settlement {
        IERC20 tokenIn;
        IERC20 tokenOut;
        address recipient;
        uint256 amountIn;
        uint256 amountOut;
        uint256 fee;
        uint256 rate;
    }

    /// @dev The settlement record, with the input's reference value and the source community's travel-rule flag.
    function _emitSettled(Settlement memory s) private {
        (uint256 rateIn, ) = oracle.rateOf(address(s.tokenIn) == address(tokenA) ? currencyA : currencyB);
        uint256 threshold = ICommunityToken(address(s.tokenIn)).complianceRegistry().travelRuleThreshold();
        emit Settled(
            msg.sender,
            s.recipient,
            address(s.tokenIn),
            address(s.tokenOut),
            s.amountIn,
            s.amountOut,
            s.fee,
            s.rate,
            Math.mulDiv(s.amountIn, rateIn, 1e18),
            s.amountIn >= threshold
        );
    }

    /// @dev Adds `delta` (positive out of the pool, negative into it) to both windows of `token`, and checks limits.
    function _recordFlow(address token, int256 delta) private {
        FlowLimits memory limits = _flowLimits[token];
        FlowWindow[2] storage windows = _flows[token];
        for (uint8 w; w < 2; ++w) {
            uint256 limit = w == 0 ? limits.shortLimit : limits.longLimit;
            if (limit == 0) continue;
            FlowWindow memory window = windows[w];
            int256 net =
                block.timestamp >= window.start + (w == 0 ? SHORT_WINDOW : LONG_WINDOW)
                    ? delta
                    : int256(window.netOutflow) + delta;
            if (window.start == 0 || block.timestamp >= window.start + (w == 0 ? SHORT_WINDOW : LONG_WINDOW)) {
                window.start = uint40(block.timestamp);
            }
            if (delta > 0 && net > int256(limit)) revert BridgePoolFlowLimitExceeded(token, w, uint256(net), limit);
            windows[w] = FlowWindow(window.start, int216(net));
        }
    }

    function _setReserves(uint256 reserveA, uint256 reserveB) private {
        _reserveA = uint128(reserveA);
        _reserveB = uint128(reserveB);
        emit ReservesUpdated(reserveA, reserveB);
    }

    function _setCurve(uint256 feeBps_, uint256 amplification_) private {
        if (feeBps_ > MAX_FEE_BPS) revert BridgePoolParameterOutOfBounds("feeBps", feeBps_, 0, MAX_FEE_BPS);
        if (amplification_ > MAX_AMPLIFICATION) {
            revert BridgePoolParameterOutOfBounds("amplification", amplification_, 0, MAX_AMPLIFICATION);
        }
        feeBps = uint16(feeBps_);
        amplification = uint16(amplification_);
        emit CurveChanged(feeBps_, amplification_);
    }

    function _direction(address tokenIn) private view returns (bool aToB) {
        if (tokenIn == address(tokenA)) return true;
        if (tokenIn == address(tokenB)) return false;
        revert BridgePoolUnknownToken(tokenIn);
    }

    function _checkDeadline(uint256 deadline) private view {
        if (block.timestamp > deadline) revert BridgePoolExpired(deadline, block.timestamp);
    }

    /// @dev A deposit's value and the fee on its imbalance; the pool valued up, so the fee is never short.
    function _depositValue(
        uint256 amountA,
        uint256 amountB,
        uint256 rateA,
        uint256 rateB
    ) private view returns (uint256 value, uint256 fee) {
        uint256 valueA = Math.mulDiv(amountA, rateA, 1e18);
        uint256 valueB = Math.mulDiv(amountB, rateB, 1e18);
        value = valueA + valueB;
        uint256 poolA = Math.mulDiv(_reserveA, rateA, 1e18, Math.Rounding.Ceil);
        uint256 poolB = Math.mulDiv(_reserveB, rateB, 1e18, Math.Rounding.Ceil);
        if (poolA + poolB == 0) return (value, 0);
        uint256 crossA = Math.mulDiv(valueA, poolB, poolA + poolB);
        uint256 crossB = Math.mulDiv(valueB, poolA, poolA + poolB);
        if (crossA == crossB) return (value, 0);
        // the imbalance is charged as if it were swapped: its value less the value of what a swap of it pays
        bool excessA = crossA > crossB;
        uint256 imbalance = excessA ? crossA - crossB : crossB - crossA;
        (uint256 rateIn, uint256 rateOut) = excessA ? (rateA, rateB) : (rateB, rateA);
        (uint256 out, ) = _quote(excessA, Math.mulDiv(imbalance, 1e18, rateIn), (rateIn * 1e18) / rateOut);
        uint256 outValue = Math.mulDiv(out, rateOut, 1e18);
        if (outValue >= imbalance) return (value, 0);
        // the swap's cost, scaled by P / (PY + r * PX) (X the excess side, r = outValue / imbalance): the depositor
        // withdrawing at once gets part of the other side back at the pool's mix, not the swap's rate
        (uint256 poolX, uint256 poolY) = excessA ? (poolA, poolB) : (poolB, poolA);
        fee = Math.mulDiv(
            imbalance - outValue,
            (poolA + poolB) * imbalance,
            poolY * imbalance + outValue * poolX,
            Math.Rounding.Ceil
        );
        if (fee > value) fee = value;
    }

    /// @dev The curve (see the contract's notes): what `amountIn` pays at cross rate `rate`, and the fee kept.
    function _quote(bool aToB, uint256 amountIn, uint256 rate) private view returns (uint256 amountOut, uint256 fee) {
        if (amountIn == 0) return (0, 0);
        (uint256 reserveIn, uint256 reserveOut) = aToB ? (_reserveA, _reserveB) : (_reserveB, _reserveA);
        uint256 atOracle = Math.mulDiv(amountIn, rate, 1e18);
        uint256 x = Math.mulDiv(reserveIn, rate, 1e18);
        uint256 depth = amplification * (x + reserveOut);
        uint256 onCurve = Math.mulDiv(reserveOut + depth, atOracle, x + depth + atOracle);
        uint256 gross = onCurve < atOracle ? onCurve : atOracle;
        fee = Math.mulDiv(gross, feeBps, BPS, Math.Rounding.Ceil);
        amountOut = gross - fee;
    }

    function _valueUp(uint256 amountA, uint256 amountB, uint256 rateA, uint256 rateB) private pure returns (uint256) {
        return
            Math.mulDiv(amountA, rateA, 1e18, Math.Rounding.Ceil) +
            Math.mulDiv(amountB, rateB, 1e18, Math.Rounding.Ceil);
    }

    function _rates() private view returns (uint256 rateA, uint256 rateB) {
        (rateA, ) = oracle.rateOf(currencyA);
        (rateB, ) = oracle.rateOf(currencyB);
    }

    function _value(uint256 amountA, uint256 amountB, uint256 rateA, uint256 rateB) private pure returns (uint256) {
        return Math.mulDiv(amountA, rateA, 1e18) + Math.mulDiv(amountB, rateB, 1e18);
    }
}

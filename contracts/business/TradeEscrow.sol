// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ICommunityToken} from "../interfaces/ICommunityToken.sol";
import {IComplianceRegistry} from "../interfaces/IComplianceRegistry.sol";
import {BridgeRouter} from "../bridge/BridgeRouter.sol";

/**
 * @title TradeEscrow
 * @notice Business-to-business orders paid into escrow. The buyer opens and funds an order in one call: the seller,
 * the amount, the hash of the agreed terms (documents stay off chain), a delivery deadline and a later release
 * deadline. Then:
 * - the seller marks the order delivered (by the delivery deadline), with the hash of its proof of delivery;
 * - the buyer releases it (funded or delivered): the seller is paid;
 * - either side opens a dispute while its counterpart has no timeout right yet (funded: until the delivery
 *   deadline; delivered: until the release deadline); an arbiter of the seller's community (ARBITER_ROLE of the
 *   compliance registry of the token the seller receives, granted by that community's own proposal), neither buyer
 *   nor seller, resolves it with a split of the whole amount. A disputed order waits for an arbiter: a community
 *   that lists sellers here should have one;
 * - timeouts: once the delivery deadline has passed without delivery the buyer may take its money back; once the
 *   release deadline has passed after delivery, without a dispute, the seller may claim it.
 * Cross-border orders: the buyer pays in its own community's token (`tokenIn`) and the seller is paid in its own
 * (`tokenOut`). The escrow holds `tokenIn`; whatever goes to the seller (a release, a claim, the seller's part of a
 * split) is exchanged on the way through the BridgeRouter along the order's path (by default [tokenIn, tokenOut]).
 * A release or a claim must buy at least the order's `minOut`, fixed at opening; its caller may ask for more, never
 * less, so that the buyer cannot lower the seller's floor (say, to sandwich the exchange). Refunds and the buyer's
 * part of a split are paid back in `tokenIn`. The arbiter sets the floor of a split's exchange itself: if rates
 * have moved so far that the order's `minOut` cannot be met, a dispute is the way out. The escrow holds tokens, so
 * it must be an exempt system account in every community whose token it holds.
 */
contract TradeEscrow is ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    /// @notice Where an order stands. Released, Resolved, Refunded and Claimed are final.
    enum State {
        None,
        Funded,
        Delivered,
        Disputed,
        Released,
        Resolved,
        Refunded,
        Claimed
    }

    /// @notice What the buyer opens an order with.
    struct Terms {
        address seller;
        /// @dev The token the buyer pays in (the escrow holds it).
        address tokenIn;
        /// @dev The token the seller is paid in: `tokenIn` for a domestic order.
        address tokenOut;
        /// @dev In `tokenIn`.
        uint256 amount;
        /// @dev The least `tokenOut` the whole amount must buy when released or claimed (ignored when domestic).
        uint256 minOut;
        bytes32 termsHash;
        uint64 deliveryDeadline;
        uint64 releaseDeadline;
        /// @dev The exchange route from `tokenIn` to `tokenOut`; empty for [tokenIn, tokenOut] (domestic: empty).
        address[] path;
    }

    struct Order {
        address buyer;
        State state;
        uint64 deliveryDeadline;
        address seller;
        uint64 releaseDeadline;
        address tokenIn;
        address tokenOut;
        uint256 amount;
        uint256 minOut;
        bytes32 termsHash;
    }

    /// @dev The seller is zero or the buyer itself.
    error TradeEscrowInvalidSeller(address seller);
    /// @dev An order's amount must be positive.
    error TradeEscrowZeroAmount();
    /// @dev Deadlines must satisfy now < deliveryDeadline < releaseDeadline.
    error TradeEscrowInvalidDeadlines(uint256 deliveryDeadline, uint256 releaseDeadline, uint256 now);
    /// @dev `token` is not a community token (it has no compliance registry).
    error TradeEscrowInvalidToken(address token);
    /// @dev A domestic order takes no path; a cross-border path runs from tokenIn to tokenOut in 1 to MAX_HOPS hops.
    error TradeEscrowInvalidPath(address tokenIn, address tokenOut, address[] path);
    /// @dev No order `orderId`.
    error TradeEscrowUnknownOrder(uint256 orderId);
    /// @dev Order `orderId` is in `current`; the action needs one of `expectedStates` (bit i set for State i).
    error TradeEscrowUnexpectedState(uint256 orderId, State current, bytes32 expectedStates);
    /// @dev Only the order's buyer may do this; `caller` is not.
    error TradeEscrowNotBuyer(uint256 orderId, address caller);
    /// @dev Only the order's seller may do this; `caller` is not.
    error TradeEscrowNotSeller(uint256 orderId, address caller);
    /// @dev Only the order's buyer or seller may do this; `caller` is neither.
    error TradeEscrowNotParty(uint256 orderId, address caller);
    /// @dev `caller` lacks ARBITER_ROLE in `registry`, the seller's community's compliance registry.
    error TradeEscrowNotArbiter(uint256 orderId, address caller, address registry);
    /// @dev The arbiter `arbiter` is the order's buyer or seller.
    error TradeEscrowArbiterIsParty(uint256 orderId, address arbiter);
    /// @dev The step had to happen by `deadline`; it is `now`.
    error TradeEscrowDeadlinePassed(uint256 orderId, uint256 deadline, uint256 now);
    /// @dev The step may happen only after `deadline`; it is `now`.
    error TradeEscrowDeadlineNotReached(uint256 orderId, uint256 deadline, uint256 now);
    /// @dev A split must share out the whole `amount`: `buyerAmount + sellerAmount` does not.
    error TradeEscrowInvalidSplit(uint256 orderId, uint256 buyerAmount, uint256 sellerAmount, uint256 amount);

    /// @dev Emitted when `buyer` opens and funds order `orderId` with `amount` of `tokenIn`.
    event OrderOpened(
        uint256 indexed orderId,
        address indexed buyer,
        address indexed seller,
        address tokenIn,
        address tokenOut,
        uint256 amount,
        uint256 minOut,
        bytes32 termsHash,
        uint64 deliveryDeadline,
        uint64 releaseDeadline,
        address[] path
    );
    /// @dev Emitted when the seller marks order `orderId` delivered, with the hash of its proof of delivery.
    event OrderDelivered(uint256 indexed orderId, address indexed seller, bytes32 deliveryHash);
    /// @dev Emitted when the buyer releases order `orderId`: `amountIn` of tokenIn paid the seller `amountOut` of
    /// `tokenOut` (equal for a domestic order).
    event OrderReleased(
        uint256 indexed orderId,
        address indexed buyer,
        address indexed seller,
        address tokenOut,
        uint256 amountIn,
        uint256 amountOut
    );
    /// @dev Emitted when `by` (buyer or seller) disputes order `orderId`, which was in `previous`.
    event DisputeOpened(uint256 indexed orderId, address indexed by, State previous, bytes32 reasonHash);
    /// @dev Emitted when `arbiter` resolves order `orderId`: `buyerAmount` of tokenIn back to the buyer,
    /// `sellerAmount` of tokenIn to the seller, who received `sellerAmountOut` of tokenOut.
    event DisputeResolved(
        uint256 indexed orderId,
        address indexed arbiter,
        uint256 buyerAmount,
        uint256 sellerAmount,
        uint256 sellerAmountOut,
        bytes32 rulingHash
    );
    /// @dev Emitted when the buyer takes back `amount` of `tokenIn` from undelivered order `orderId` after its
    /// delivery deadline.
    event OrderRefunded(uint256 indexed orderId, address indexed buyer, address tokenIn, uint256 amount);
    /// @dev Emitted when the seller claims delivered order `orderId` after its release deadline: `amountIn` of
    /// tokenIn paid it `amountOut` of `tokenOut`.
    event OrderClaimed(
        uint256 indexed orderId,
        address indexed seller,
        address tokenOut,
        uint256 amountIn,
        uint256 amountOut
    );

    BridgeRouter public immutable router;
    /// @notice The number of orders opened; order ids run from 1.
    uint256 public orderCount;
    mapping(uint256 orderId => Order) private _orders;
    mapping(uint256 orderId => address[]) private _paths;

    constructor(BridgeRouter router_) {
        router = router_;
    }

    /**
     * @notice Opens order `orderId` on `terms` and funds it with `terms.amount` of `terms.tokenIn` from the caller
     * (approved beforehand); the caller is the buyer.
     * Requirements: a seller other than the caller; a positive amount; now < deliveryDeadline < releaseDeadline;
     * `tokenOut` a community token; a domestic order (tokenIn == tokenOut) without a path, a cross-border one with
     * an empty path or one from tokenIn to tokenOut of at most MAX_HOPS hops, each hop a pool of the router; the
     * token's compliance rules.
     */
    function open(Terms calldata terms) external nonReentrant returns (uint256 orderId) {
        if (terms.seller == address(0) || terms.seller == msg.sender) revert TradeEscrowInvalidSeller(terms.seller);
        if (terms.amount == 0) revert TradeEscrowZeroAmount();
        if (block.timestamp >= terms.deliveryDeadline || terms.deliveryDeadline >= terms.releaseDeadline) {
            revert TradeEscrowInvalidDeadlines(terms.deliveryDeadline, terms.releaseDeadline, block.timestamp);
        }
        _registryOf(terms.tokenOut);
        orderId = ++orderCount;
        _paths[orderId] = _checkPath(terms);
        _orders[orderId] = Order(
            msg.sender,
            State.Funded,
            terms.deliveryDeadline,
            terms.seller,
            terms.releaseDeadline,
            terms.tokenIn,
            terms.tokenOut,
            terms.amount,
            terms.minOut,
            terms.termsHash
        );
        IERC20(terms.tokenIn).safeTransferFrom(msg.sender, address(this), terms.amount);
        _emitOpened(orderId, terms);
    }

    /// @notice Marks order `orderId` delivered, with the hash of the proof of delivery. Requirements: the seller;
    /// Funded; by the delivery deadline.
    function markDelivered(uint256 orderId, bytes32 deliveryHash) external {
        Order storage o = _order(orderId);
        if (msg.sender != o.seller) revert TradeEscrowNotSeller(orderId, msg.sender);
        _expectState(orderId, o, _bit(State.Funded));
        if (block.timestamp > o.deliveryDeadline) {
            revert TradeEscrowDeadlinePassed(orderId, o.deliveryDeadline, block.timestamp);
        }
        o.state = State.Delivered;
        emit OrderDelivered(orderId, msg.sender, deliveryHash);
    }

    /// @notice Releases order `orderId` to the seller; a cross-border order's amount is exchanged for at least
    /// the larger of the order's `minOut` and `minOut`. Requirements: the buyer; Funded or Delivered; the
    /// exchange's own requirements.
    function release(uint256 orderId, uint256 minOut) external nonReentrant returns (uint256 amountOut) {
        Order storage o = _order(orderId);
        if (msg.sender != o.buyer) revert TradeEscrowNotBuyer(orderId, msg.sender);
        _expectState(orderId, o, _bit(State.Funded) | _bit(State.Delivered));
        o.state = State.Released;
        amountOut = _paySeller(orderId, o, o.amount, minOut > o.minOut ? minOut : o.minOut);
        emit OrderReleased(orderId, msg.sender, o.seller, o.tokenOut, o.amount, amountOut);
    }

    /// @notice Disputes order `orderId` for the reason hashed in `reasonHash`. Requirements: the buyer or the
    /// seller; Funded and by the delivery deadline, or Delivered and by the release deadline.
    function dispute(uint256 orderId, bytes32 reasonHash) external {
        Order storage o = _order(orderId);
        if (msg.sender != o.buyer && msg.sender != o.seller) revert TradeEscrowNotParty(orderId, msg.sender);
        State previous = o.state;
        _expectState(orderId, o, _bit(State.Funded) | _bit(State.Delivered));
        uint256 deadline = previous == State.Funded ? o.deliveryDeadline : o.releaseDeadline;
        if (block.timestamp > deadline) revert TradeEscrowDeadlinePassed(orderId, deadline, block.timestamp);
        o.state = State.Disputed;
        emit DisputeOpened(orderId, msg.sender, previous, reasonHash);
    }

    /**
     * @notice Resolves disputed order `orderId`: `buyerAmount` of tokenIn back to the buyer, `sellerAmount` to the
     * seller (a cross-border order's exchanged for at least `sellerMinOut` of tokenOut), under the ruling hashed in
     * `rulingHash`.
     * Requirements: ARBITER_ROLE in the compliance registry of the order's tokenOut; neither buyer nor seller;
     * Disputed; `buyerAmount + sellerAmount` equal to the order's amount; the exchange's own requirements.
     */
    function resolve(
        uint256 orderId,
        uint256 buyerAmount,
        uint256 sellerAmount,
        uint256 sellerMinOut,
        bytes32 rulingHash
    ) external nonReentrant returns (uint256 sellerAmountOut) {
        Order storage o = _order(orderId);
        address registry = address(_registryOf(o.tokenOut));
        if (!IAccessControl(registry).hasRole(ARBITER_ROLE, msg.sender)) {
            revert TradeEscrowNotArbiter(orderId, msg.sender, registry);
        }
        if (msg.sender == o.buyer || msg.sender == o.seller) revert TradeEscrowArbiterIsParty(orderId, msg.sender);
        _expectState(orderId, o, _bit(State.Disputed));
        if (buyerAmount + sellerAmount != o.amount) {
            revert TradeEscrowInvalidSplit(orderId, buyerAmount, sellerAmount, o.amount);
        }
        o.state = State.Resolved;
        if (buyerAmount != 0) IERC20(o.tokenIn).safeTransfer(o.buyer, buyerAmount);
        sellerAmountOut = _paySeller(orderId, o, sellerAmount, sellerMinOut);
        emit DisputeResolved(orderId, msg.sender, buyerAmount, sellerAmount, sellerAmountOut, rulingHash);
    }

    /// @notice Pays the buyer back the whole amount of undelivered order `orderId`, in tokenIn.
    /// Requirements: the buyer; Funded; after the delivery deadline.
    function refund(uint256 orderId) external nonReentrant {
        Order storage o = _order(orderId);
        if (msg.sender != o.buyer) revert TradeEscrowNotBuyer(orderId, msg.sender);
        _expectState(orderId, o, _bit(State.Funded));
        if (block.timestamp <= o.deliveryDeadline) {
            revert TradeEscrowDeadlineNotReached(orderId, o.deliveryDeadline, block.timestamp);
        }
        o.state = State.Refunded;
        IERC20(o.tokenIn).safeTransfer(msg.sender, o.amount);
        emit OrderRefunded(orderId, msg.sender, o.tokenIn, o.amount);
    }

    /// @notice Pays the seller delivered order `orderId` that the buyer neither released nor disputed; a
    /// cross-border order's amount is exchanged for at least the larger of the order's `minOut` and `minOut`.
    /// Requirements: the seller; Delivered; after the release deadline; the exchange's own requirements.
    function claim(uint256 orderId, uint256 minOut) external nonReentrant returns (uint256 amountOut) {
        Order storage o = _order(orderId);
        if (msg.sender != o.seller) revert TradeEscrowNotSeller(orderId, msg.sender);
        _expectState(orderId, o, _bit(State.Delivered));
        if (block.timestamp <= o.releaseDeadline) {
            revert TradeEscrowDeadlineNotReached(orderId, o.releaseDeadline, block.timestamp);
        }
        o.state = State.Claimed;
        amountOut = _paySeller(orderId, o, o.amount, minOut > o.minOut ? minOut : o.minOut);
        emit OrderClaimed(orderId, msg.sender, o.tokenOut, o.amount, amountOut);
    }

    /// @notice Order `orderId` (state None if unknown).
    function orderOf(uint256 orderId) external view returns (Order memory) {
        return _orders[orderId];
    }

    /// @notice The exchange route of order `orderId` (empty for a domestic order).
    function pathOf(uint256 orderId) external view returns (address[] memory) {
        return _paths[orderId];
    }

    /// @notice Whether `account` may resolve order `orderId`'s dispute: ARBITER_ROLE in the seller's community,
    /// and neither buyer nor seller.
    function isArbiter(uint256 orderId, address account) external view returns (bool) {
        Order storage o = _order(orderId);
        return
            account != o.buyer &&
            account != o.seller &&
            IAccessControl(address(_registryOf(o.tokenOut))).hasRole(ARBITER_ROLE, account);
    }

    /// @dev Pays the seller `amountIn` of the order's tokenIn: as is for a domestic order, else exchanged along the
    /// order's path for at least `minOut` of tokenOut, sent straight to the seller.
    function _paySeller(
        uint256 orderId,
        Order storage o,
        uint256 amountIn,
        uint256 minOut
    ) private returns (uint256 amountOut) {
        if (amountIn == 0) return 0;
        if (o.tokenIn == o.tokenOut) {
            IERC20(o.tokenIn).safeTransfer(o.seller, amountIn);
            return amountIn;
        }
        IERC20(o.tokenIn).forceApprove(address(router), amountIn);
        amountOut = router.swapExactIn(_paths[orderId], amountIn, minOut, o.seller, block.timestamp);
    }

    function _checkPath(Terms calldata terms) private view returns (address[] memory path) {
        path = terms.path;
        if (terms.tokenIn == terms.tokenOut) {
            if (path.length != 0) revert TradeEscrowInvalidPath(terms.tokenIn, terms.tokenOut, path);
            return path;
        }
        if (path.length == 0) {
            path = new address[](2);
            (path[0], path[1]) = (terms.tokenIn, terms.tokenOut);
        } else if (
            path.length < 2 ||
            path.length > router.MAX_HOPS() + 1 ||
            path[0] != terms.tokenIn ||
            path[path.length - 1] != terms.tokenOut
        ) revert TradeEscrowInvalidPath(terms.tokenIn, terms.tokenOut, path);
        // an order that could never be released: fail now (BridgeRouterNoPool), not at release
        for (uint256 i; i + 1 < path.length; ++i) router.poolFor(path[i], path[i + 1]);
    }

    function _emitOpened(uint256 orderId, Terms calldata terms) private {
        emit OrderOpened(
            orderId,
            msg.sender,
            terms.seller,
            terms.tokenIn,
            terms.tokenOut,
            terms.amount,
            terms.minOut,
            terms.termsHash,
            terms.deliveryDeadline,
            terms.releaseDeadline,
            _paths[orderId]
        );
    }

    function _registryOf(address token) private view returns (address registry) {
        if (token.code.length == 0) revert TradeEscrowInvalidToken(token);
        try ICommunityToken(token).complianceRegistry() returns (IComplianceRegistry r) {
            registry = address(r);
        } catch {
            revert TradeEscrowInvalidToken(token);
        }
        if (registry == address(0)) revert TradeEscrowInvalidToken(token);
    }

    function _order(uint256 orderId) private view returns (Order storage o) {
        o = _orders[orderId];
        if (o.state == State.None) revert TradeEscrowUnknownOrder(orderId);
    }

    function _expectState(uint256 orderId, Order storage o, bytes32 expected) private view {
        if ((_bit(o.state) & expected) == 0) revert TradeEscrowUnexpectedState(orderId, o.state, expected);
    }

    function _bit(State state) private pure returns (bytes32) {
        return bytes32(1 << uint8(state));
    }
}

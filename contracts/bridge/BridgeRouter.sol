// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {BridgePool} from "./BridgePool.sol";

/**
 * @title BridgeRouter
 * @notice Multi-hop exchanges between communities without a direct pool (A -> B -> C) with one `minOut`, and
 * quotes for wallets. The router holds the intermediate tokens for the length of the transaction, so it must be an
 * exempt system account in every community it routes through. DEFAULT_ADMIN_ROLE (the federation's timelock)
 * registers the pools.
 */
contract BridgeRouter is AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @dev No pool is registered for the pair.
    error BridgeRouterNoPool(address tokenA, address tokenB);
    /// @dev A path needs at least two tokens, and at most MAX_HOPS + 1.
    error BridgeRouterInvalidPath(uint256 length);
    /// @dev The route pays `actual`, below the caller's `minimum`.
    error BridgeRouterSlippage(uint256 actual, uint256 minimum);
    /// @dev The transaction's `deadline` has passed.
    error BridgeRouterExpired(uint256 deadline, uint256 now);

    /// @dev Emitted when the pool for a pair is set.
    event PoolSet(address indexed tokenA, address indexed tokenB, address indexed pool);
    /// @dev Emitted for every routed exchange; each hop's pool emits its own Settled record too.
    event RoutedSwap(
        address indexed sender,
        address indexed recipient,
        address[] path,
        uint256 amountIn,
        uint256 amountOut
    );

    uint256 public constant MAX_HOPS = 3;

    mapping(bytes32 pair => BridgePool) private _pools;

    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Registers `pool` for its pair, replacing any earlier one. Requirements: DEFAULT_ADMIN_ROLE.
    function setPool(BridgePool pool) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address a = address(pool.tokenA());
        address b = address(pool.tokenB());
        _pools[_pairKey(a, b)] = pool;
        emit PoolSet(a, b, address(pool));
    }

    /// @notice The pool for the pair of `tokenA` and `tokenB`, in either order. Requirements: registered.
    function poolFor(address tokenA, address tokenB) public view returns (BridgePool pool) {
        pool = _pools[_pairKey(tokenA, tokenB)];
        if (address(pool) == address(0)) revert BridgeRouterNoPool(tokenA, tokenB);
    }

    /// @notice What `amountIn` of `path[0]` buys of each token along `path`, now.
    function quote(address[] calldata path, uint256 amountIn) public view returns (uint256[] memory amounts) {
        _checkPath(path);
        amounts = new uint256[](path.length);
        amounts[0] = amountIn;
        for (uint256 i; i + 1 < path.length; ++i) {
            (amounts[i + 1], , ) = poolFor(path[i], path[i + 1]).quote(path[i], amounts[i]);
        }
    }

    /// @notice Exchanges exactly `amountIn` of `path[0]` along `path`; `recipient` receives the last token.
    /// Requirements: before `deadline`; at least `minOut`; every hop's own requirements (see BridgePool.swap).
    function swapExactIn(
        address[] calldata path,
        uint256 amountIn,
        uint256 minOut,
        address recipient,
        uint256 deadline
    ) external nonReentrant returns (uint256 amountOut) {
        if (block.timestamp > deadline) revert BridgeRouterExpired(deadline, block.timestamp);
        _checkPath(path);
        IERC20(path[0]).safeTransferFrom(msg.sender, address(this), amountIn);
        amountOut = amountIn;
        for (uint256 i; i + 1 < path.length; ++i) {
            BridgePool pool = poolFor(path[i], path[i + 1]);
            IERC20(path[i]).forceApprove(address(pool), amountOut);
            address to = i + 2 == path.length ? recipient : address(this);
            amountOut = pool.swap(path[i], amountOut, 0, to, deadline);
        }
        if (amountOut < minOut) revert BridgeRouterSlippage(amountOut, minOut);
        emit RoutedSwap(msg.sender, recipient, path, amountIn, amountOut);
    }

    function _checkPath(address[] calldata path) private pure {
        if (path.length < 2 || path.length > MAX_HOPS + 1) revert BridgeRouterInvalidPath(path.length);
    }

    function _pairKey(address a, address b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}

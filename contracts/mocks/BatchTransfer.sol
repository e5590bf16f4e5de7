// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title Many ERC-20 transfers in one transaction, for the indexer benchmark's bulk history (bench/indexer.ts)
/// @notice The caller approves this contract once per token; each {transferMany} then moves the caller's tokens to
/// many recipients, one `transferFrom` (one Transfer log) each. The token screens this contract as the operator of
/// every transfer (a community token's compliance registry applies its rules to sender, recipient and operator).
/// For benchmarks and tests only: it holds nothing and moves only the caller's own tokens.
contract BatchTransfer {
    using SafeERC20 for IERC20;

    /// @notice `recipients` and `amounts` differ in length.
    error BatchTransferLengthMismatch(uint256 recipients, uint256 amounts);

    /**
     * @notice Moves `amounts[i]` of `token` from the caller to `recipients[i]`, for every `i`, in order.
     * Requirements:
     * - `recipients` and `amounts` have the same length;
     * - the caller has approved this contract for at least the sum of `amounts`;
     * - every transfer passes the token's own rules (a failing one reverts the whole batch).
     */
    function transferMany(IERC20 token, address[] calldata recipients, uint256[] calldata amounts) external {
        uint256 n = recipients.length;
        if (n != amounts.length) revert BatchTransferLengthMismatch(n, amounts.length);
        for (uint256 i = 0; i < n; ++i) {
            token.safeTransferFrom(msg.sender, recipients[i], amounts[i]);
        }
    }
}

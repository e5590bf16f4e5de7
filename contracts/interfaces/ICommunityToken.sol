// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IComplianceRegistry} from "./IComplianceRegistry.sol";

/// @title A KC community currency: what it adds to ERC-20, ERC-2612, ERC-5805 and ERC-3009.
interface ICommunityToken {
    /// @dev An address argument was zero where an account or contract is required.
    error CommunityTokenZeroAddress();
    /// @dev `currency` is not an ISO 4217 code (three upper-case letters).
    error CommunityTokenInvalidCurrency(string currency);
    /// @dev `registry` is bound to `boundToken`, not to this token.
    error CommunityTokenRegistryMismatch(address registry, address boundToken);
    /// @dev `account` may not change its delegation: the registry's verdict on it is `verdict` (frozen, sanctioned).
    error CommunityTokenDelegationBlocked(address account, IComplianceRegistry.Verdict verdict);
    /// @dev A reserve deposit or payout reference was zero.
    error CommunityTokenZeroReference();
    /// @dev Tokens were issued against the reserve deposit `depositRef` already.
    error CommunityTokenDepositAlreadyUsed(bytes32 depositRef);

    /// @dev Emitted when `amount` is issued to `to` against the reserve deposit `depositRef`, by `minter`.
    event Minted(address indexed to, uint256 amount, bytes32 indexed depositRef, address indexed minter);
    /// @dev Emitted when `account` burns `amount` to be paid out in fiat under the reference `payoutRef`.
    event Redeemed(address indexed account, uint256 amount, bytes32 indexed payoutRef);
    /// @dev Emitted when the compliance registry consulted on every transfer changes.
    event ComplianceRegistryChanged(address indexed previousRegistry, address indexed newRegistry);

    /// @notice The ISO 4217 code of the fiat currency this token is pegged 1:1 to, e.g. "USD".
    function currency() external view returns (string memory);

    /// @notice The compliance registry consulted on every mint, transfer and burn.
    function complianceRegistry() external view returns (IComplianceRegistry);

    /// @notice Whether mints, transfers and burns are paused.
    function paused() external view returns (bool);

    /// @notice Whether tokens were issued against the reserve deposit `depositRef`.
    function depositUsed(bytes32 depositRef) external view returns (bool);

    /// @notice Issues `amount` to `to` against the reserve deposit `depositRef`; each deposit issues once.
    /// Requirements: MINTER_ROLE; not paused; `depositRef` non-zero and unused; `to` allowed to receive.
    function mint(address to, uint256 amount, bytes32 depositRef) external;

    /// @notice Burns `amount` of the caller's tokens, to be paid out in fiat under `payoutRef`.
    /// Requirements: not paused; `payoutRef` non-zero; the caller allowed to send `amount`.
    function redeem(uint256 amount, bytes32 payoutRef) external;

    /// @notice Pauses every mint, transfer and burn. Requirements: PAUSER_ROLE.
    function pause() external;

    /// @notice Lifts the pause. Requirements: PAUSER_ROLE.
    function unpause() external;

    /// @notice Points the token at another compliance registry.
    /// Requirements: DEFAULT_ADMIN_ROLE; non-zero; the registry is bound to this token.
    function setComplianceRegistry(IComplianceRegistry registry) external;

    /// @notice The verdict on a transfer without reverting; see {IComplianceRegistry-canTransfer}.
    function canTransfer(
        address from,
        address to,
        uint256 amount
    ) external view returns (bool allowed, IComplianceRegistry.Verdict verdict);
}

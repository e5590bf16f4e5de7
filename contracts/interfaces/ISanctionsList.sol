// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Sanctions screening oracle, with the interface Chainalysis publishes on every major EVM chain.
interface ISanctionsList {
    /// @notice Whether `addr` is on the sanctions list.
    function isSanctioned(address addr) external view returns (bool);
}

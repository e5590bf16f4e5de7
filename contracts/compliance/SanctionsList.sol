// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ISanctionsList} from "../interfaces/ISanctionsList.sol";

/**
 * @title SanctionsList
 * @notice A sanctions list with the Chainalysis oracle interface, for chains where Chainalysis publishes none
 * (a local chain, a new L2). Where their oracle exists, point the registries at it instead.
 */
contract SanctionsList is ISanctionsList, AccessControl {
    /// @notice May add addresses to the list and remove them.
    bytes32 public constant LISTER_ROLE = keccak256("LISTER_ROLE");

    /// @dev An address argument was zero.
    error SanctionsListZeroAddress();

    /// @dev Emitted when `addr` is added to the list by `lister`.
    event SanctionedAddressAdded(address indexed addr, address indexed lister);
    /// @dev Emitted when `addr` is removed from the list by `lister`.
    event SanctionedAddressRemoved(address indexed addr, address indexed lister);

    mapping(address addr => bool) private _sanctioned;

    constructor(address admin) {
        if (admin == address(0)) revert SanctionsListZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc ISanctionsList
    function isSanctioned(address addr) external view returns (bool) {
        return _sanctioned[addr];
    }

    /// @notice Adds `addrs` to the list; listed ones stay listed. Requirements: LISTER_ROLE; no zero address.
    function addToSanctionsList(address[] calldata addrs) external onlyRole(LISTER_ROLE) {
        for (uint256 i; i < addrs.length; ++i) {
            address addr = addrs[i];
            if (addr == address(0)) revert SanctionsListZeroAddress();
            if (_sanctioned[addr]) continue;
            _sanctioned[addr] = true;
            emit SanctionedAddressAdded(addr, msg.sender);
        }
    }

    /// @notice Removes `addrs` from the list; unlisted ones are skipped. Requirements: LISTER_ROLE.
    function removeFromSanctionsList(address[] calldata addrs) external onlyRole(LISTER_ROLE) {
        for (uint256 i; i < addrs.length; ++i) {
            address addr = addrs[i];
            if (!_sanctioned[addr]) continue;
            _sanctioned[addr] = false;
            emit SanctionedAddressRemoved(addr, msg.sender);
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ICommunityRegistry} from "../interfaces/ICommunityRegistry.sol";

/**
 * @title CommunityRegistry
 * @notice The federation's list of communities with their identity and contracts, in launch order. Only a
 * registrar (the CommunityFactory) adds to it; the list is append-only.
 */
contract CommunityRegistry is ICommunityRegistry, AccessControl {
    /// @notice May register communities: the factory.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    mapping(bytes32 key => Community) private _communities;
    bytes32[] private _keys;

    /// @param admin receives DEFAULT_ADMIN_ROLE, which grants REGISTRAR_ROLE (the federation's timelock, in time).
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc ICommunityRegistry
    function register(Community calldata c) external onlyRole(REGISTRAR_ROLE) {
        if (
            bytes(c.id).length == 0 ||
            c.token == address(0) ||
            c.complianceRegistry == address(0) ||
            c.governor == address(0) ||
            c.timelock == address(0)
        ) revert CommunityRegistryIncompleteRecord(c.id);
        bytes32 key = keccak256(bytes(c.id));
        if (_communities[key].token != address(0)) revert CommunityRegistryDuplicateId(c.id);
        _communities[key] = c;
        _keys.push(key);
        _emitRegistered(key, c);
    }

    // A memory copy keeps each string to one stack slot (calldata strings take two).
    function _emitRegistered(bytes32 key, Community memory c) private {
        emit CommunityRegistered(
            key,
            c.id,
            c.token,
            c.governor,
            c.complianceRegistry,
            c.timelock,
            c.name,
            c.country,
            c.currency,
            c.locale
        );
    }

    /// @inheritdoc ICommunityRegistry
    function communityCount() external view returns (uint256) {
        return _keys.length;
    }

    /// @inheritdoc ICommunityRegistry
    function communityAt(uint256 index) external view returns (Community memory) {
        if (index >= _keys.length) revert CommunityRegistryIndexOutOfRange(index, _keys.length);
        return _communities[_keys[index]];
    }

    /// @inheritdoc ICommunityRegistry
    function community(string calldata id) external view returns (Community memory c) {
        c = _communities[keccak256(bytes(id))];
        if (c.token == address(0)) revert CommunityRegistryUnknownId(id);
    }

    /// @inheritdoc ICommunityRegistry
    function isRegistered(string calldata id) external view returns (bool) {
        return _communities[keccak256(bytes(id))].token != address(0);
    }
}

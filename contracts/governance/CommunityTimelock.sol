// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockControllerUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";

/**
 * @title CommunityTimelock
 * @notice The timelock that executes a community's decisions and holds every admin role of its contracts.
 * OpenZeppelin's TimelockController, written for cloning (ERC-1167): the implementation's initializer is disabled.
 */
contract CommunityTimelock is TimelockControllerUpgradeable {
    constructor() {
        _disableInitializers();
    }
}

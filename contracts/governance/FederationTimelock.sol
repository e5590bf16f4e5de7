// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/**
 * @title FederationTimelock
 * @notice Executes the federation's decisions after a delay of at least MIN_DELAY; it holds every federation
 * admin role (Federation, MutualAidFund, the community launcher, the bridge's oracle, pools and router).
 */
contract FederationTimelock is TimelockController {
    uint256 public constant MIN_DELAY = 1 hours;

    /// @dev The delay must be at least `min`.
    error FederationTimelockDelayTooShort(uint256 delay, uint256 min);

    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {
        if (minDelay < MIN_DELAY) revert FederationTimelockDelayTooShort(minDelay, MIN_DELAY);
    }

    /// @notice Changes the delay (by a timelocked operation of its own). Requirements: at least MIN_DELAY.
    function updateDelay(uint256 newDelay) public override {
        if (newDelay < MIN_DELAY) revert FederationTimelockDelayTooShort(newDelay, MIN_DELAY);
        super.updateDelay(newDelay);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/**
 * @title FederationGovernor
 * @notice The federation's Governor: member communities vote with their seats (FederationSeats), decisions pass
 * through the FederationTimelock. OpenZeppelin's Governor with Settings, CountingSimple, Votes, QuorumFraction and
 * TimelockControl: the standard events and interface Tally reads.
 *
 * A voter's weight in a proposal is the lower of its votes at the snapshot and its votes now. So nothing acquired
 * after the snapshot counts (seats cannot be borrowed anyway: they do not move), and a member suspended while a
 * proposal is open cannot vote in it from then on (votes already cast stand): a vote without weight reverts. It
 * also means that a community re-delegating its seat while a proposal is open gives up its vote in that proposal
 * (the old delegate has no votes now, the new one had none at the snapshot). The voting delay, the proposal
 * threshold and the quorum are at least 1 (a second; a seat; a percent).
 */
contract FederationGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    /// @dev `account` has no voting power in proposal `proposalId` (no seat at its snapshot, or suspended since).
    error FederationGovernorNoVotingPower(address account, uint256 proposalId);
    /// @dev `setting` must be at least `min`.
    error FederationGovernorSettingTooLow(string setting, uint256 value, uint256 min);

    constructor(
        IVotes seats,
        TimelockController timelock,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 proposalThreshold_,
        uint256 quorumPercent
    )
        Governor("KC Federation")
        GovernorSettings(votingDelay_, votingPeriod_, proposalThreshold_)
        GovernorVotes(seats)
        GovernorVotesQuorumFraction(quorumPercent)
        GovernorTimelockControl(timelock)
    {}

    function _setVotingDelay(uint48 newVotingDelay) internal override {
        if (newVotingDelay < 1) revert FederationGovernorSettingTooLow("votingDelay", newVotingDelay, 1);
        super._setVotingDelay(newVotingDelay);
    }

    function _updateQuorumNumerator(uint256 newQuorumNumerator) internal override {
        if (newQuorumNumerator < 1) revert FederationGovernorSettingTooLow("quorumPercent", newQuorumNumerator, 1);
        super._updateQuorumNumerator(newQuorumNumerator);
    }

    function _setProposalThreshold(uint256 newProposalThreshold) internal override {
        if (newProposalThreshold < 1)
            revert FederationGovernorSettingTooLow("proposalThreshold", newProposalThreshold, 1);
        super._setProposalThreshold(newProposalThreshold);
    }

    /// @dev The lower of the votes at `timepoint` and now (see the contract's notes).
    function _getVotes(
        address account,
        uint256 timepoint,
        bytes memory params
    ) internal view override(Governor, GovernorVotes) returns (uint256) {
        uint256 past = super._getVotes(account, timepoint, params);
        uint256 present = token().getVotes(account);
        return past < present ? past : present;
    }

    function _castVote(
        uint256 proposalId,
        address account,
        uint8 support,
        string memory reason,
        bytes memory params
    ) internal override returns (uint256) {
        if (
            state(proposalId) == ProposalState.Active && _getVotes(account, proposalSnapshot(proposalId), params) == 0
        ) {
            revert FederationGovernorNoVotingPower(account, proposalId);
        }
        return super._castVote(proposalId, account, support, reason, params);
    }

    // The overrides Solidity requires where the extensions meet; each defers to OpenZeppelin's composition.

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}

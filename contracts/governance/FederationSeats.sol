// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Votes} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Votes.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title FederationSeats
 * @notice The federation's voting seats: one non-transferable ERC-721 per member community, held by the
 * community's timelock, with ERC-5805 votes on a timestamp clock. A seat counts for its holder from the moment it
 * is minted; the community decides by its own proposal who exercises it (`delegate` from its timelock). Only the
 * owner (the Federation contract) mints and burns seats, on admission, suspension and readmission.
 */
contract FederationSeats is ERC721, EIP712, ERC721Votes, Ownable {
    /// @dev Seats cannot change hands.
    error FederationSeatsNonTransferable(uint256 seatId);
    /// @dev A holder may hold one seat.
    error FederationSeatsOneSeatPerHolder(address holder);

    constructor(
        address owner_
    ) ERC721("KC Federation Seat", "KCSEAT") EIP712("KC Federation Seats", "1") Ownable(owner_) {}

    /// @notice The seat number of community `id`.
    function seatOf(string calldata id) external pure returns (uint256) {
        return uint256(keccak256(bytes(id)));
    }

    /// @notice Gives seat `seatId` to `holder`, whose votes count for itself until it delegates them.
    /// Requirements: the owner; `holder` holds no seat.
    function mint(address holder, uint256 seatId) external onlyOwner {
        if (balanceOf(holder) != 0) revert FederationSeatsOneSeatPerHolder(holder);
        _mint(holder, seatId);
        if (delegates(holder) == address(0)) _delegate(holder, holder);
    }

    /// @notice Withdraws seat `seatId`: its votes drop to zero from this moment. Requirements: the owner.
    function burn(uint256 seatId) external onlyOwner {
        _burn(seatId);
    }

    /// @notice EIP-6372: voting power is checkpointed by timestamp, like the community tokens.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice EIP-6372.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(
        address to,
        uint256 tokenId,
        address auth
    ) internal override(ERC721, ERC721Votes) returns (address) {
        address from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) revert FederationSeatsNonTransferable(tokenId);
        return super._update(to, tokenId, auth);
    }

    function _increaseBalance(address account, uint128 amount) internal override(ERC721, ERC721Votes) {
        super._increaseBalance(account, amount);
    }
}

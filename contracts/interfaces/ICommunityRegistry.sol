// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The list of KC communities: who they are and which contracts serve them.
interface ICommunityRegistry {
    /// @notice One community's identity and contracts.
    struct Community {
        /// @dev Slug, unique in the federation ("katy").
        string id;
        string name;
        /// @dev ISO 3166-1 alpha-2.
        string country;
        /// @dev ISO 4217: the fiat its token is pegged to.
        string currency;
        /// @dev BCP 47.
        string locale;
        address token;
        address complianceRegistry;
        address governor;
        address timelock;
        uint64 launchedAt;
        uint64 launchBlock;
    }

    /// @dev A community with this `id` is registered already.
    error CommunityRegistryDuplicateId(string id);
    /// @dev A community record has a zero contract address or an empty id.
    error CommunityRegistryIncompleteRecord(string id);
    /// @dev No community has this `id`.
    error CommunityRegistryUnknownId(string id);
    /// @dev `index` is not below the number of communities, `count`.
    error CommunityRegistryIndexOutOfRange(uint256 index, uint256 count);

    /**
     * @dev Emitted when a community is registered: its identity and every contract address, so that an indexer
     * discovers the new contracts from this one event. `key` is `keccak256(bytes(id))`.
     */
    event CommunityRegistered(
        bytes32 indexed key,
        string id,
        address indexed token,
        address indexed governor,
        address complianceRegistry,
        address timelock,
        string name,
        string country,
        string currency,
        string locale
    );

    /// @notice Registers a community. Requirements: REGISTRAR_ROLE (the factory); its id non-empty and not registered
    /// yet; no zero contract address.
    function register(Community calldata community) external;

    /// @notice How many communities are registered.
    function communityCount() external view returns (uint256);

    /// @notice The community at `index` in launch order. Requirements: `index < communityCount()`.
    function communityAt(uint256 index) external view returns (Community memory);

    /// @notice The community with slug `id`. Requirements: registered.
    function community(string calldata id) external view returns (Community memory);

    /// @notice Whether a community with slug `id` is registered.
    function isRegistered(string calldata id) external view returns (bool);
}

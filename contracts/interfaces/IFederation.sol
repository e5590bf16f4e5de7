// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The federation of KC communities: membership, charter and shared parameters.
interface IFederation {
    /// @notice Where a community stands: admitted (may launch), a member (holds a seat), suspended (no seat, its
    /// bridge pools paused).
    enum Status {
        None,
        Admitted,
        Member,
        Suspended
    }

    /// @notice A member community.
    struct Member {
        string id;
        Status status;
        /// @dev The charter version its own governance accepted (0: none yet).
        uint32 charterVersion;
        /// @dev Who may launch the community once admitted.
        address launcher;
        /// @dev The community's timelock: it holds the seat and receives grants.
        address timelock;
        address token;
    }

    /**
     * @notice What the communities share, changed only by federation proposal within the bounds below. Amounts are
     * in the reference currency (18 decimals) and converted to each community's currency at the oracle's rate when
     * it launches.
     */
    struct Parameters {
        /// @dev The swap fee of every federation bridge pool, bps (0 to 100).
        uint16 bridgeFeeBps;
        /// @dev The share of its token's supply a community is expected to contribute to mutual aid, bps (0 to 500).
        uint16 mutualAidRateBps;
        /// @dev The default daily send limit of unverified accounts (100 to 10,000).
        uint128 tier0DailyLimit;
        /// @dev The default daily send limit of basic-KYC accounts (1,000 to 100,000; at least tier 0's).
        uint128 tier1DailyLimit;
        /// @dev The default travel-rule threshold (250 to 10,000).
        uint128 travelRuleThreshold;
    }

    /// @dev The community `id` is already admitted or a member (`status`).
    error FederationAlreadyAdmitted(string id, Status status);
    /// @dev The community `id` is in `status`, and the action needs `required`.
    error FederationWrongStatus(string id, Status status, Status required);
    /// @dev A community `id` is already registered outside the federation's admission.
    error FederationAlreadyRegistered(string id);
    /// @dev `caller` is not the launcher the federation admitted for `id`.
    error FederationNotLauncher(string id, address caller);
    /// @dev `caller` is not the timelock of a member community.
    error FederationNotMemberTimelock(address caller);
    /// @dev `token` is not the token of a community admitted by the federation.
    error FederationUnknownToken(address token);
    /// @dev A member may accept only the current charter, `current`.
    error FederationCharterVersionMismatch(uint256 version, uint256 current);
    /// @dev A charter needs a non-zero hash and a URI.
    error FederationInvalidCharter();
    /// @dev `parameter` must lie within [min, max].
    error FederationParameterOutOfBounds(string parameter, uint256 value, uint256 min, uint256 max);
    /// @dev An address argument was zero.
    error FederationZeroAddress(string field);
    /// @dev The pool is registered already.
    error FederationPoolExists(address pool);

    /// @dev Emitted when the federation admits `id`; `launcher` may now launch it through the federation.
    event MemberAdmitted(bytes32 indexed key, string id, address indexed launcher);
    /// @dev Emitted when an admitted community launches: its seat `seatId` goes to its `timelock`.
    event MemberLaunched(
        bytes32 indexed key,
        string id,
        address indexed token,
        address indexed timelock,
        uint256 seatId
    );
    /// @dev Emitted when a member is suspended: its seat is withdrawn and `pausedPools` of its pools paused.
    event MemberSuspended(bytes32 indexed key, string id, string reason, uint256 pausedPools);
    /// @dev Emitted when a suspended member is readmitted: its seat returns and `unpausedPools` pools reopen.
    event MemberReadmitted(bytes32 indexed key, string id, uint256 unpausedPools);
    /// @dev Emitted when the federation ratifies charter `version`.
    event CharterRatified(uint256 indexed version, bytes32 hash, string uri);
    /// @dev Emitted when a member's own governance accepts charter `version`.
    event CharterAccepted(bytes32 indexed key, string id, uint256 indexed version);
    /// @dev Emitted for each shared parameter that changes.
    event ParameterChanged(string parameter, uint256 oldValue, uint256 newValue);
    /// @dev Emitted when a bridge pool between two members comes under the federation's rules.
    event PoolAdded(address indexed pool, bytes32 indexed keyA, bytes32 indexed keyB);

    /// @notice The member record of `id` (status None if unknown).
    function member(string calldata id) external view returns (Member memory);

    /// @notice The key (keccak256 of the id) of the community whose token is `token`; zero if none.
    function communityOfToken(address token) external view returns (bytes32);

    /// @notice The member record under `key`.
    function memberByKey(bytes32 key) external view returns (Member memory);

    /// @notice The shared parameters.
    function parameters() external view returns (Parameters memory);
}

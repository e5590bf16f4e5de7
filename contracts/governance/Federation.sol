// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFederation} from "../interfaces/IFederation.sol";
import {ICommunityFactory} from "../interfaces/ICommunityFactory.sol";
import {ICommunityRegistry} from "../interfaces/ICommunityRegistry.sol";
import {IFxOracle} from "../interfaces/IFxOracle.sol";
import {BridgePool} from "../bridge/BridgePool.sol";
import {FederationSeats} from "./FederationSeats.sol";

/**
 * @title Federation
 * @notice What the KC communities share, each change by federation proposal (DEFAULT_ADMIN_ROLE: the federation's
 * timelock):
 * - membership: `admit` a community (its launcher may then `launch` it through the federation, which registers it
 *   and gives its timelock a seat), `suspend` a member (its seat is withdrawn and its bridge pools pause) and
 *   `readmit` it;
 * - the charter: `ratifyCharter` publishes a version (hash and URI); a member is a full member once its own
 *   governance has accepted the current version (`acceptCharter`, called by its timelock);
 * - shared parameters within on-chain bounds: the bridge fee (applied to every federation pool at once), the
 *   mutual-aid contribution rate, and the compliance defaults a community launches with (converted from the
 *   reference currency to its own at the oracle's rate).
 * This contract must hold the factory's LAUNCHER_ROLE, the seats' ownership, and DEFAULT_ADMIN_ROLE and PAUSER_ROLE
 * of the federation's bridge pools.
 */
contract Federation is IFederation, AccessControl {
    uint256 public constant MAX_BRIDGE_FEE_BPS = 100;
    uint256 public constant MAX_MUTUAL_AID_RATE_BPS = 500;
    uint256 public constant MIN_TIER0_LIMIT = 100e18;
    uint256 public constant MAX_TIER0_LIMIT = 10_000e18;
    uint256 public constant MIN_TIER1_LIMIT = 1_000e18;
    uint256 public constant MAX_TIER1_LIMIT = 100_000e18;
    uint256 public constant MIN_TRAVEL_RULE_THRESHOLD = 250e18;
    uint256 public constant MAX_TRAVEL_RULE_THRESHOLD = 10_000e18;

    ICommunityFactory public immutable factory;
    FederationSeats public immutable seats;
    IFxOracle public immutable oracle;

    Parameters private _parameters;
    uint256 public charterVersion;
    mapping(uint256 version => bytes32 hash) public charterHash;
    mapping(bytes32 key => Member) private _members;
    mapping(address timelock => bytes32 key) private _keyOfTimelock;
    mapping(address token => bytes32 key) private _keyOfToken;
    mapping(bytes32 key => BridgePool[]) private _poolsOf;
    mapping(BridgePool pool => bool) private _pausedBySuspension;
    BridgePool[] private _pools;
    bytes32[] private _keys;

    /// @param admin receives DEFAULT_ADMIN_ROLE: the federation's timelock (a deployer may hold it while founding
    /// members are admitted, then hand it over).
    constructor(
        address admin,
        ICommunityFactory factory_,
        FederationSeats seats_,
        IFxOracle oracle_,
        Parameters memory parameters_
    ) {
        if (admin == address(0)) revert FederationZeroAddress("admin");
        if (address(factory_) == address(0)) revert FederationZeroAddress("factory");
        if (address(seats_) == address(0)) revert FederationZeroAddress("seats");
        if (address(oracle_) == address(0)) revert FederationZeroAddress("oracle");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        factory = factory_;
        seats = seats_;
        oracle = oracle_;
        _setParameters(parameters_);
    }

    // ---------------------------------------------------------------- membership

    /// @notice Admits community `id`: `launcher` may launch it through `launch`. Requirements: DEFAULT_ADMIN_ROLE;
    /// `id` neither admitted nor registered already.
    function admit(string calldata id, address launcher) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (launcher == address(0)) revert FederationZeroAddress("launcher");
        bytes32 key = keccak256(bytes(id));
        Member storage m = _members[key];
        if (m.status != Status.None) revert FederationAlreadyAdmitted(id, m.status);
        if (factory.communityRegistry().isRegistered(id)) revert FederationAlreadyRegistered(id);
        m.id = id;
        m.status = Status.Admitted;
        m.launcher = launcher;
        _keys.push(key);
        emit MemberAdmitted(key, id, launcher);
    }

    /**
     * @notice Launches an admitted community through the factory, with the federation's compliance defaults (its
     * tier-0 and tier-1 daily limits and travel-rule threshold, converted to the community's currency at the
     * oracle's rate; the tier-2 limit is the config's), and gives its timelock a seat.
     * Requirements: the caller is the launcher admitted for `config.id`; the factory's own requirements; a fresh
     * rate for the community's currency unless it is the reference currency.
     */
    function launch(
        ICommunityFactory.CommunityConfig calldata config
    ) external returns (ICommunityRegistry.Community memory c) {
        bytes32 key = keccak256(bytes(config.id));
        Member storage m = _members[key];
        if (m.status != Status.Admitted) revert FederationWrongStatus(config.id, m.status, Status.Admitted);
        if (msg.sender != m.launcher) revert FederationNotLauncher(config.id, msg.sender);
        ICommunityFactory.CommunityConfig memory withDefaults = config;
        Parameters memory p = _parameters;
        withDefaults.compliance.tier0DailyLimit = SafeCast.toUint128(_local(p.tier0DailyLimit, config.currency));
        withDefaults.compliance.tier1DailyLimit = SafeCast.toUint128(_local(p.tier1DailyLimit, config.currency));
        withDefaults.compliance.travelRuleThreshold = _local(p.travelRuleThreshold, config.currency);
        c = factory.launch(withDefaults);
        m.status = Status.Member;
        m.timelock = c.timelock;
        m.token = c.token;
        _keyOfTimelock[c.timelock] = key;
        _keyOfToken[c.token] = key;
        seats.mint(c.timelock, uint256(key));
        emit MemberLaunched(key, config.id, c.token, c.timelock, uint256(key));
    }

    /// @notice Suspends member `id`: its seat is withdrawn (its votes drop to zero now, also in open proposals) and
    /// its bridge pools pause. Requirements: DEFAULT_ADMIN_ROLE; `id` a member.
    function suspend(string calldata id, string calldata reason) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 key = keccak256(bytes(id));
        Member storage m = _requireStatus(id, key, Status.Member);
        m.status = Status.Suspended;
        seats.burn(uint256(key));
        uint256 paused;
        BridgePool[] storage memberPools = _poolsOf[key];
        for (uint256 i; i < memberPools.length; ++i) {
            BridgePool pool = memberPools[i];
            if (pool.paused()) continue;
            pool.pause();
            _pausedBySuspension[pool] = true;
            ++paused;
        }
        emit MemberSuspended(key, id, reason, paused);
    }

    /// @notice Readmits suspended member `id`: its seat returns to its timelock, and the pools its suspension
    /// paused reopen where the other side is a member too. Requirements: DEFAULT_ADMIN_ROLE; `id` suspended.
    function readmit(string calldata id) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 key = keccak256(bytes(id));
        Member storage m = _requireStatus(id, key, Status.Suspended);
        m.status = Status.Member;
        seats.mint(m.timelock, uint256(key));
        uint256 unpaused;
        BridgePool[] storage memberPools = _poolsOf[key];
        for (uint256 i; i < memberPools.length; ++i) {
            BridgePool pool = memberPools[i];
            if (!_pausedBySuspension[pool] || !_bothMembers(pool)) continue;
            _pausedBySuspension[pool] = false;
            if (!pool.paused()) continue; // governance reopened it meanwhile
            pool.unpause();
            ++unpaused;
        }
        emit MemberReadmitted(key, id, unpaused);
    }

    /// @notice Brings a bridge pool between two members under the federation: the federation's fee applies to it
    /// and a suspension of either side pauses it. Requirements: DEFAULT_ADMIN_ROLE; both tokens members' tokens;
    /// this contract holds the pool's DEFAULT_ADMIN_ROLE and PAUSER_ROLE. A pool with a suspended side is paused.
    function addPool(BridgePool pool) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 keyA = _keyOfToken[address(pool.tokenA())];
        bytes32 keyB = _keyOfToken[address(pool.tokenB())];
        if (keyA == 0) revert FederationUnknownToken(address(pool.tokenA()));
        if (keyB == 0) revert FederationUnknownToken(address(pool.tokenB()));
        for (uint256 i; i < _pools.length; ++i)
            if (address(_pools[i]) == address(pool)) revert FederationPoolExists(address(pool));
        _pools.push(pool);
        _poolsOf[keyA].push(pool);
        _poolsOf[keyB].push(pool);
        pool.setCurve(_parameters.bridgeFeeBps, pool.amplification());
        if (!_bothMembers(pool) && !pool.paused()) {
            pool.pause();
            _pausedBySuspension[pool] = true;
        }
        emit PoolAdded(address(pool), keyA, keyB);
    }

    // ---------------------------------------------------------------- charter

    /// @notice Publishes charter version `charterVersion + 1`: its content's `hash` and where to read it.
    /// Requirements: DEFAULT_ADMIN_ROLE; a non-zero hash and a URI.
    function ratifyCharter(bytes32 hash, string calldata uri) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (hash == bytes32(0) || bytes(uri).length == 0) revert FederationInvalidCharter();
        uint256 version = ++charterVersion;
        charterHash[version] = hash;
        emit CharterRatified(version, hash, uri);
    }

    /// @notice Records that the calling member's governance accepts charter `version`.
    /// Requirements: the caller is a member's timelock (so: by that community's proposal); `version` the current.
    function acceptCharter(uint256 version) external {
        bytes32 key = _keyOfTimelock[msg.sender];
        if (key == 0) revert FederationNotMemberTimelock(msg.sender);
        Member storage m = _members[key];
        if (m.status != Status.Member) revert FederationWrongStatus(m.id, m.status, Status.Member);
        if (version == 0 || version != charterVersion) revert FederationCharterVersionMismatch(version, charterVersion);
        m.charterVersion = uint32(version);
        emit CharterAccepted(key, m.id, version);
    }

    /// @notice Whether `id` is a member that has accepted the current charter.
    function isFullMember(string calldata id) external view returns (bool) {
        Member storage m = _members[keccak256(bytes(id))];
        return m.status == Status.Member && charterVersion != 0 && m.charterVersion == charterVersion;
    }

    // ---------------------------------------------------------------- parameters

    /// @notice Sets the shared parameters (see {IFederation-Parameters} for their bounds); a new bridge fee applies
    /// to every federation pool. Requirements: DEFAULT_ADMIN_ROLE.
    function setParameters(Parameters calldata p) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 oldFee = _parameters.bridgeFeeBps;
        _setParameters(p);
        if (p.bridgeFeeBps == oldFee) return;
        for (uint256 i; i < _pools.length; ++i) _pools[i].setCurve(p.bridgeFeeBps, _pools[i].amplification());
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IFederation
    function parameters() external view returns (Parameters memory) {
        return _parameters;
    }

    /// @inheritdoc IFederation
    function member(string calldata id) external view returns (Member memory) {
        return _members[keccak256(bytes(id))];
    }

    /// @inheritdoc IFederation
    function memberByKey(bytes32 key) external view returns (Member memory) {
        return _members[key];
    }

    /// @inheritdoc IFederation
    function communityOfToken(address token) external view returns (bytes32) {
        return _keyOfToken[token];
    }

    /// @notice How many communities were ever admitted, and the key of the `index`th.
    function memberCount() external view returns (uint256) {
        return _keys.length;
    }

    function memberKeyAt(uint256 index) external view returns (bytes32) {
        return _keys[index];
    }

    /// @notice The federation's bridge pools.
    function pools() external view returns (BridgePool[] memory) {
        return _pools;
    }

    // ---------------------------------------------------------------- internals

    function _setParameters(Parameters memory p) private {
        _checkBounds("bridgeFeeBps", p.bridgeFeeBps, 0, MAX_BRIDGE_FEE_BPS);
        _checkBounds("mutualAidRateBps", p.mutualAidRateBps, 0, MAX_MUTUAL_AID_RATE_BPS);
        _checkBounds("tier0DailyLimit", p.tier0DailyLimit, MIN_TIER0_LIMIT, MAX_TIER0_LIMIT);
        _checkBounds(
            "tier1DailyLimit",
            p.tier1DailyLimit,
            Math.max(MIN_TIER1_LIMIT, p.tier0DailyLimit),
            MAX_TIER1_LIMIT
        );
        _checkBounds(
            "travelRuleThreshold",
            p.travelRuleThreshold,
            MIN_TRAVEL_RULE_THRESHOLD,
            MAX_TRAVEL_RULE_THRESHOLD
        );
        Parameters memory old = _parameters;
        _parameters = p;
        _emitChange("bridgeFeeBps", old.bridgeFeeBps, p.bridgeFeeBps);
        _emitChange("mutualAidRateBps", old.mutualAidRateBps, p.mutualAidRateBps);
        _emitChange("tier0DailyLimit", old.tier0DailyLimit, p.tier0DailyLimit);
        _emitChange("tier1DailyLimit", old.tier1DailyLimit, p.tier1DailyLimit);
        _emitChange("travelRuleThreshold", old.travelRuleThreshold, p.travelRuleThreshold);
    }

    function _emitChange(string memory parameter, uint256 oldValue, uint256 newValue) private {
        if (oldValue != newValue) emit ParameterChanged(parameter, oldValue, newValue);
    }

    function _checkBounds(string memory parameter, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert FederationParameterOutOfBounds(parameter, value, min, max);
    }

    function _requireStatus(string calldata id, bytes32 key, Status required) private view returns (Member storage m) {
        m = _members[key];
        if (m.status != required) revert FederationWrongStatus(id, m.status, required);
    }

    function _bothMembers(BridgePool pool) private view returns (bool) {
        return
            _members[_keyOfToken[address(pool.tokenA())]].status == Status.Member &&
            _members[_keyOfToken[address(pool.tokenB())]].status == Status.Member;
    }

    /// @dev `amount` of the reference currency in `currency`, at the oracle's rate.
    function _local(uint256 amount, string calldata currency) private view returns (uint256) {
        if (keccak256(bytes(currency)) == keccak256(bytes(oracle.referenceCurrency()))) return amount;
        (uint256 rate, ) = oracle.rateOf(currency);
        return Math.mulDiv(amount, 1e18, rate);
    }
}

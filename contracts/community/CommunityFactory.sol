// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {ICommunityFactory} from "../interfaces/ICommunityFactory.sol";
import {ICommunityRegistry} from "../interfaces/ICommunityRegistry.sol";
import {ISanctionsList} from "../interfaces/ISanctionsList.sol";
import {IComplianceRegistry} from "../interfaces/IComplianceRegistry.sol";
import {CommunityToken} from "../token/CommunityToken.sol";
import {ComplianceRegistry} from "../compliance/ComplianceRegistry.sol";
import {CommunityGovernor} from "../governance/CommunityGovernor.sol";
import {CommunityTimelock} from "../governance/CommunityTimelock.sol";
import {CommunityCodes} from "../libraries/CommunityCodes.sol";

/**
 * @title CommunityFactory
 * @notice Launches a KC community in one transaction: ERC-1167 clones of the token, compliance registry, governor
 * and timelock, initialised from the config, registered in the CommunityRegistry. When it returns, every admin
 * role of the community is held by the community's timelock, its operators hold their operational roles, and
 * neither the factory nor the caller holds any role. Clone addresses are derived from the community's id (CREATE2),
 * so they can be known before the launch.
 */
contract CommunityFactory is ICommunityFactory, AccessControl {
    using CommunityCodes for bytes;

    /// @notice May launch communities (the federation's timelock, once the federation exists).
    bytes32 public constant LAUNCHER_ROLE = keccak256("LAUNCHER_ROLE");

    uint256 public constant MIN_VOTING_DELAY = 1;
    uint256 public constant MAX_VOTING_DELAY = 30 days;
    uint256 public constant MIN_VOTING_PERIOD = 1 hours;
    uint256 public constant MAX_VOTING_PERIOD = 90 days;
    uint256 public constant MIN_QUORUM_PERCENT = 1;
    uint256 public constant MAX_QUORUM_PERCENT = 100;
    uint256 public constant MAX_VOTE_EXTENSION = 14 days;
    uint256 public constant MIN_TIMELOCK_DELAY = 1 hours;
    uint256 public constant MAX_TIMELOCK_DELAY = 30 days;
    uint256 private constant MAX_NAME_LENGTH = 64;

    /// @notice The implementations every community's clones delegate to.
    address public immutable tokenImplementation;
    address public immutable complianceImplementation;
    address public immutable governorImplementation;
    address public immutable timelockImplementation;

    ICommunityRegistry private immutable _communityRegistry;
    ISanctionsList private _defaultSanctionsOracle;

    struct Implementations {
        address token;
        address compliance;
        address governor;
        address timelock;
    }

    /**
     * @param admin receives DEFAULT_ADMIN_ROLE (grants LAUNCHER_ROLE, sets the default sanctions oracle).
     * @param implementations the contracts the clones delegate to.
     * @param registry the list communities are registered in; this factory needs its REGISTRAR_ROLE.
     * @param sanctionsOracle the oracle new communities start with; zero for none.
     */
    constructor(
        address admin,
        Implementations memory implementations,
        ICommunityRegistry registry,
        ISanctionsList sanctionsOracle
    ) {
        if (admin == address(0)) revert CommunityFactoryZeroAddress("admin");
        if (address(registry) == address(0)) revert CommunityFactoryZeroAddress("registry");
        if (
            implementations.token == address(0) ||
            implementations.compliance == address(0) ||
            implementations.governor == address(0) ||
            implementations.timelock == address(0)
        ) revert CommunityFactoryZeroAddress("implementation");
        tokenImplementation = implementations.token;
        complianceImplementation = implementations.compliance;
        governorImplementation = implementations.governor;
        timelockImplementation = implementations.timelock;
        _communityRegistry = registry;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setDefaultSanctionsOracle(sanctionsOracle);
    }

    /// @inheritdoc ICommunityFactory
    function communityRegistry() external view returns (ICommunityRegistry) {
        return _communityRegistry;
    }

    /// @inheritdoc ICommunityFactory
    function defaultSanctionsOracle() external view returns (ISanctionsList) {
        return _defaultSanctionsOracle;
    }

    /// @inheritdoc ICommunityFactory
    function setDefaultSanctionsOracle(ISanctionsList oracle) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setDefaultSanctionsOracle(oracle);
    }

    /// @notice The addresses the community `id`'s contracts will have (or have): token, compliance registry,
    /// governor, timelock.
    function predictAddresses(string calldata id) external view returns (address, address, address, address) {
        bytes32 key = keccak256(bytes(id));
        return (
            Clones.predictDeterministicAddress(tokenImplementation, _salt(key, "token")),
            Clones.predictDeterministicAddress(complianceImplementation, _salt(key, "compliance")),
            Clones.predictDeterministicAddress(governorImplementation, _salt(key, "governor")),
            Clones.predictDeterministicAddress(timelockImplementation, _salt(key, "timelock"))
        );
    }

    /// @inheritdoc ICommunityFactory
    function launch(
        CommunityConfig calldata config
    ) external onlyRole(LAUNCHER_ROLE) returns (ICommunityRegistry.Community memory c) {
        _validate(config);
        bytes32 key = keccak256(bytes(config.id));
        c = ICommunityRegistry.Community({
            id: config.id,
            name: config.name,
            country: config.country,
            currency: config.currency,
            locale: config.locale,
            token: Clones.cloneDeterministic(tokenImplementation, _salt(key, "token")),
            complianceRegistry: Clones.cloneDeterministic(complianceImplementation, _salt(key, "compliance")),
            governor: Clones.cloneDeterministic(governorImplementation, _salt(key, "governor")),
            timelock: Clones.cloneDeterministic(timelockImplementation, _salt(key, "timelock")),
            launchedAt: uint64(block.timestamp),
            launchBlock: uint64(block.number)
        });
        // Registered before the clones are initialised, so that an indexer following the registry's events
        // knows every new contract before the first event that contract emits.
        _communityRegistry.register(c);
        _setUpCompliance(ComplianceRegistry(c.complianceRegistry), c.token, c.timelock, config);
        _setUpToken(CommunityToken(c.token), ComplianceRegistry(c.complianceRegistry), c.timelock, config);
        _setUpGovernance(
            CommunityGovernor(payable(c.governor)),
            CommunityTimelock(payable(c.timelock)),
            c.token,
            config
        );
        emit CommunityLaunched(key, config.id, msg.sender);
    }

    function _setUpCompliance(
        ComplianceRegistry registry,
        address token,
        address timelock,
        CommunityConfig calldata config
    ) private {
        registry.initialize(address(this), token, _defaultSanctionsOracle);
        ComplianceSettings calldata s = config.compliance;
        registry.setDailyLimit(0, s.tier0DailyLimit);
        registry.setDailyLimit(1, s.tier1DailyLimit);
        registry.setDailyLimit(2, s.tier2DailyLimit);
        registry.setTravelRuleThreshold(s.travelRuleThreshold);
        registry.grantRole(registry.VERIFIER_ROLE(), config.operators.verifier);
        registry.grantRole(registry.COMPLIANCE_ROLE(), config.operators.complianceOfficer);
        _handOver(IAccessControl(address(registry)), timelock);
    }

    function _setUpToken(
        CommunityToken token,
        IComplianceRegistry registry,
        address timelock,
        CommunityConfig calldata config
    ) private {
        token.initialize(config.tokenName, config.tokenSymbol, config.currency, address(this), registry);
        token.grantRole(token.MINTER_ROLE(), config.operators.minter);
        token.grantRole(token.PAUSER_ROLE(), config.operators.pauser);
        token.grantRole(token.PAUSER_ROLE(), timelock);
        _handOver(IAccessControl(address(token)), timelock);
    }

    function _setUpGovernance(
        CommunityGovernor governor,
        CommunityTimelock timelock,
        address token,
        CommunityConfig calldata config
    ) private {
        address[] memory proposers = new address[](1);
        proposers[0] = address(governor);
        // address(0) as executor: anyone may execute an operation once its delay has passed
        address[] memory executors = new address[](1);
        // admin address(0): the timelock administers itself, so only proposals change its roles
        timelock.initialize(config.governance.timelockDelay, proposers, executors, address(0));
        GovernanceSettings calldata g = config.governance;
        governor.initialize(
            string.concat(config.name, " Governor"),
            IVotes(token),
            timelock,
            CommunityGovernor.Settings({
                votingDelay: g.votingDelay,
                votingPeriod: g.votingPeriod,
                proposalThreshold: g.proposalThreshold,
                quorumPercent: g.quorumPercent,
                voteExtension: g.voteExtension
            })
        );
    }

    /// @dev Gives DEFAULT_ADMIN_ROLE of `target` to the timelock and gives up the factory's own.
    function _handOver(IAccessControl target, address timelock) private {
        target.grantRole(DEFAULT_ADMIN_ROLE, timelock);
        target.renounceRole(DEFAULT_ADMIN_ROLE, address(this));
    }

    function _validate(CommunityConfig calldata config) private view {
        if (!bytes(config.id).isSlug()) revert CommunityFactoryInvalidId(config.id);
        if (_communityRegistry.isRegistered(config.id)) revert CommunityFactoryDuplicateId(config.id);
        _checkName(config.name);
        _checkName(config.tokenName);
        if (!bytes(config.country).isCountry()) revert CommunityFactoryInvalidCountry(config.country);
        if (!bytes(config.currency).isCurrency()) revert CommunityFactoryInvalidCurrency(config.currency);
        if (!bytes(config.locale).isLocale()) revert CommunityFactoryInvalidLocale(config.locale);
        if (!bytes(config.tokenSymbol).isSymbol()) revert CommunityFactoryInvalidSymbol(config.tokenSymbol);

        Operators calldata o = config.operators;
        if (o.minter == address(0)) revert CommunityFactoryZeroAddress("minter");
        if (o.pauser == address(0)) revert CommunityFactoryZeroAddress("pauser");
        if (o.verifier == address(0)) revert CommunityFactoryZeroAddress("verifier");
        if (o.complianceOfficer == address(0)) revert CommunityFactoryZeroAddress("complianceOfficer");

        GovernanceSettings calldata g = config.governance;
        _checkBounds("votingDelay", g.votingDelay, MIN_VOTING_DELAY, MAX_VOTING_DELAY);
        _checkBounds("votingPeriod", g.votingPeriod, MIN_VOTING_PERIOD, MAX_VOTING_PERIOD);
        _checkBounds("quorumPercent", g.quorumPercent, MIN_QUORUM_PERCENT, MAX_QUORUM_PERCENT);
        _checkBounds("voteExtension", g.voteExtension, 0, _min(MAX_VOTE_EXTENSION, g.votingPeriod));
        _checkBounds("timelockDelay", g.timelockDelay, MIN_TIMELOCK_DELAY, MAX_TIMELOCK_DELAY);
    }

    function _checkName(string calldata name) private pure {
        uint256 length = bytes(name).length;
        if (length == 0 || length > MAX_NAME_LENGTH) revert CommunityFactoryInvalidName(name);
    }

    function _checkBounds(string memory setting, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert CommunityFactorySettingOutOfBounds(setting, value, min, max);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _salt(bytes32 key, string memory kind) private pure returns (bytes32) {
        return keccak256(abi.encode(key, kind));
    }

    function _setDefaultSanctionsOracle(ISanctionsList oracle) private {
        emit DefaultSanctionsOracleChanged(address(_defaultSanctionsOracle), address(oracle));
        _defaultSanctionsOracle = oracle;
    }
}

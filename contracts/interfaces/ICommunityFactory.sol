// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICommunityRegistry} from "./ICommunityRegistry.sol";
import {ISanctionsList} from "./ISanctionsList.sol";

/// @title Launches a KC community in one transaction from a template.
interface ICommunityFactory {
    /// @notice How a community governs itself; times in seconds (the token's clock), amounts in token units.
    struct GovernanceSettings {
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 proposalThreshold;
        uint256 quorumPercent;
        uint48 voteExtension;
        uint256 timelockDelay;
    }

    /// @notice The community's compliance defaults, in its own currency (18 decimals).
    struct ComplianceSettings {
        uint128 tier0DailyLimit;
        uint128 tier1DailyLimit;
        uint128 tier2DailyLimit;
        uint256 travelRuleThreshold;
    }

    /// @notice The operators the community starts with; its timelock can revoke or replace each.
    struct Operators {
        /// @dev MINTER_ROLE: the reserve custodian who issues against deposits.
        address minter;
        /// @dev PAUSER_ROLE: an emergency guardian (the timelock can pause too).
        address pauser;
        /// @dev VERIFIER_ROLE: the KYC provider.
        address verifier;
        /// @dev COMPLIANCE_ROLE: the compliance officer who freezes and unfreezes.
        address complianceOfficer;
    }

    /// @notice Everything a community is launched with.
    struct CommunityConfig {
        string id;
        string name;
        string country;
        string currency;
        string locale;
        string tokenName;
        string tokenSymbol;
        GovernanceSettings governance;
        ComplianceSettings compliance;
        Operators operators;
    }

    /// @dev `id` is not a slug (1-32 characters of a-z, 0-9 and inner hyphens).
    error CommunityFactoryInvalidId(string id);
    /// @dev A community with this `id` exists already.
    error CommunityFactoryDuplicateId(string id);
    /// @dev `country` is not an ISO 3166-1 alpha-2 code.
    error CommunityFactoryInvalidCountry(string country);
    /// @dev `currency` is not an ISO 4217 code.
    error CommunityFactoryInvalidCurrency(string currency);
    /// @dev `locale` is not a BCP 47 tag of the shape language[-Script][-REGION].
    error CommunityFactoryInvalidLocale(string locale);
    /// @dev The community name or token name is empty or longer than 64 bytes.
    error CommunityFactoryInvalidName(string name);
    /// @dev `symbol` is not 1-11 characters of A-Z and 0-9 starting with a letter.
    error CommunityFactoryInvalidSymbol(string symbol);
    /// @dev The address for `field` is zero.
    error CommunityFactoryZeroAddress(string field);
    /// @dev The governance setting `setting` is `value`, outside [`min`, `max`].
    error CommunityFactorySettingOutOfBounds(string setting, uint256 value, uint256 min, uint256 max);

    /// @dev Emitted when `launcher` launches the community `id`; its contracts are in the registry's
    /// {ICommunityRegistry-CommunityRegistered} event of the same transaction.
    event CommunityLaunched(bytes32 indexed key, string id, address indexed launcher);
    /// @dev Emitted when the sanctions oracle given to new communities changes.
    event DefaultSanctionsOracleChanged(address indexed previousOracle, address indexed newOracle);

    /// @notice Launches a community: clones of token, compliance registry, governor and timelock, initialised,
    /// registered, with every admin role held by the community's timelock and none by the factory or the caller.
    /// Requirements: LAUNCHER_ROLE; a valid, unused config (see the errors).
    function launch(CommunityConfig calldata config) external returns (ICommunityRegistry.Community memory);

    /// @notice The list this factory registers communities in.
    function communityRegistry() external view returns (ICommunityRegistry);

    /// @notice The sanctions oracle new communities start with.
    function defaultSanctionsOracle() external view returns (ISanctionsList);

    /// @notice Sets the sanctions oracle new communities start with. Requirements: DEFAULT_ADMIN_ROLE.
    function setDefaultSanctionsOracle(ISanctionsList oracle) external;
}

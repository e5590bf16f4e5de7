// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IFederation} from "../interfaces/IFederation.sol";
import {ICommunityToken} from "../interfaces/ICommunityToken.sol";
import {IComplianceRegistry} from "../interfaces/IComplianceRegistry.sol";

/**
 * @title MerchantRegistry
 * @notice Businesses that accept KC, each in one community (by its token). A business registers itself with a
 * category and a metadata URI and hash (no personal data on chain); the community's KYC provider (VERIFIER_ROLE of
 * its ComplianceRegistry) verifies it once the business holds KYC tier 2 there; the community's verifier or
 * compliance officer (COMPLIANCE_ROLE) suspends and reinstates it. Only verified, unsuspended merchants are paid
 * through the PaymentRouter.
 */
contract MerchantRegistry {
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");
    bytes32 public constant COMPLIANCE_ROLE = keccak256("COMPLIANCE_ROLE");
    uint8 public constant BUSINESS_TIER = 2;

    enum Status {
        None,
        Pending,
        Verified,
        Suspended
    }

    struct Merchant {
        address token;
        Status status;
        uint64 registeredAt;
        bytes32 category;
        bytes32 metadataHash;
        string metadataURI;
    }

    /// @dev `token` is not a federation community's token.
    error MerchantUnknownCommunity(address token);
    /// @dev `merchant` is registered already.
    error MerchantAlreadyRegistered(address merchant);
    /// @dev `merchant` is in `status`; the action needs `required`.
    error MerchantWrongStatus(address merchant, Status status, Status required);
    /// @dev `caller` lacks `role` in the merchant's community.
    error MerchantUnauthorized(address caller, bytes32 role);
    /// @dev Verification needs KYC tier 2 in the community; `merchant` has `tier`.
    error MerchantNotBusinessTier(address merchant, uint8 tier);
    /// @dev A category and a metadata URI are required.
    error MerchantInvalidProfile();

    event MerchantRegistered(
        address indexed merchant,
        address indexed token,
        bytes32 indexed category,
        string metadataURI,
        bytes32 metadataHash
    );
    event MerchantProfileUpdated(
        address indexed merchant,
        bytes32 indexed category,
        string metadataURI,
        bytes32 metadataHash
    );
    event MerchantVerified(address indexed merchant, address indexed token, address indexed verifier);
    event MerchantSuspended(address indexed merchant, address indexed token, address indexed by, bytes32 reason);
    event MerchantReinstated(address indexed merchant, address indexed token, address indexed by);

    IFederation public immutable federation;
    mapping(address merchant => Merchant) private _merchants;

    constructor(IFederation federation_) {
        federation = federation_;
    }

    /// @notice Registers the caller as a business of the community of `token`; it awaits verification.
    function register(address token, bytes32 category, string calldata metadataURI, bytes32 metadataHash) external {
        if (federation.communityOfToken(token) == 0) revert MerchantUnknownCommunity(token);
        if (_merchants[msg.sender].status != Status.None) revert MerchantAlreadyRegistered(msg.sender);
        _checkProfile(category, metadataURI);
        _merchants[msg.sender] = Merchant(
            token,
            Status.Pending,
            uint64(block.timestamp),
            category,
            metadataHash,
            metadataURI
        );
        emit MerchantRegistered(msg.sender, token, category, metadataURI, metadataHash);
    }

    /// @notice Updates the caller's category and metadata. Requirements: registered (any status).
    function updateProfile(bytes32 category, string calldata metadataURI, bytes32 metadataHash) external {
        Merchant storage m = _merchants[msg.sender];
        if (m.status == Status.None) revert MerchantWrongStatus(msg.sender, Status.None, Status.Pending);
        _checkProfile(category, metadataURI);
        (m.category, m.metadataURI, m.metadataHash) = (category, metadataURI, metadataHash);
        emit MerchantProfileUpdated(msg.sender, category, metadataURI, metadataHash);
    }

    /// @notice Verifies a pending merchant. Requirements: the community's VERIFIER_ROLE; the merchant at KYC tier 2.
    function verify(address merchant) external {
        Merchant storage m = _requireStatus(merchant, Status.Pending);
        IComplianceRegistry registry = _checkRole(m.token, VERIFIER_ROLE);
        uint8 tier = registry.tierOf(merchant);
        if (tier != BUSINESS_TIER) revert MerchantNotBusinessTier(merchant, tier);
        m.status = Status.Verified;
        emit MerchantVerified(merchant, m.token, msg.sender);
    }

    /// @notice Suspends a verified merchant. Requirements: the community's COMPLIANCE_ROLE or VERIFIER_ROLE.
    function suspend(address merchant, bytes32 reason) external {
        Merchant storage m = _requireStatus(merchant, Status.Verified);
        _checkOfficer(m.token);
        m.status = Status.Suspended;
        emit MerchantSuspended(merchant, m.token, msg.sender, reason);
    }

    /// @notice Reinstates a suspended merchant. Requirements: the community's COMPLIANCE_ROLE or VERIFIER_ROLE.
    function reinstate(address merchant) external {
        Merchant storage m = _requireStatus(merchant, Status.Suspended);
        _checkOfficer(m.token);
        m.status = Status.Verified;
        emit MerchantReinstated(merchant, m.token, msg.sender);
    }

    /// @notice The merchant record of `merchant` (status None if unknown).
    function merchantOf(address merchant) external view returns (Merchant memory) {
        return _merchants[merchant];
    }

    /// @notice Whether `merchant` may be paid in `token`: verified, not suspended, in that community.
    function isActive(address merchant, address token) external view returns (bool) {
        Merchant storage m = _merchants[merchant];
        return m.status == Status.Verified && m.token == token;
    }

    function _checkOfficer(address token) private view {
        IComplianceRegistry registry = ICommunityToken(token).complianceRegistry();
        if (
            !IAccessControl(address(registry)).hasRole(COMPLIANCE_ROLE, msg.sender) &&
            !IAccessControl(address(registry)).hasRole(VERIFIER_ROLE, msg.sender)
        ) revert MerchantUnauthorized(msg.sender, COMPLIANCE_ROLE);
    }

    function _checkRole(address token, bytes32 role) private view returns (IComplianceRegistry registry) {
        registry = ICommunityToken(token).complianceRegistry();
        if (!IAccessControl(address(registry)).hasRole(role, msg.sender)) revert MerchantUnauthorized(msg.sender, role);
    }

    function _requireStatus(address merchant, Status required) private view returns (Merchant storage m) {
        m = _merchants[merchant];
        if (m.status != required) revert MerchantWrongStatus(merchant, m.status, required);
    }

    function _checkProfile(bytes32 category, string calldata metadataURI) private pure {
        if (category == bytes32(0) || bytes(metadataURI).length == 0) revert MerchantInvalidProfile();
    }
}

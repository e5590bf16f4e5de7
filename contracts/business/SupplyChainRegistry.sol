// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ICommunityToken} from "../interfaces/ICommunityToken.sol";
import {MerchantRegistry} from "./MerchantRegistry.sol";

/**
 * @title SupplyChainRegistry
 * @notice Where a community's products come from, on the record. Each product batch belongs to one community (by
 * its token), and its data lives off chain: the registry keeps hashes and URIs only.
 * - Producers: the community's verified merchants, and any account its KYC provider (VERIFIER_ROLE of its
 *   ComplianceRegistry) registers as a producer. A producer creates batches.
 * - Origin: a verifier of the community attests a batch's origin (evidence hash and URI) and may revoke the
 *   attestation; a producer cannot attest its own batch.
 * - Transport: carriers registered by the community's verifiers record checkpoints (location hash, data hash, URI).
 * - Ethics and impact: assessors (ASSESSOR_ROLE of the community's ComplianceRegistry, granted by its own proposal)
 *   score a batch 0-100 per category (e.g. keccak256("LABOR"), keccak256("ENVIRONMENT"), keccak256("COMMUNITY")); a
 *   later assessment of the same category replaces the earlier one. A producer cannot assess its own batch.
 * The indexer computes each batch's transparency score (0-100) from the events; it is not computed here. Proposed:
 *   score = 40 * (origin attested and not revoked ? 1 : 0)
 *         + 30 * min(checkpoints, 3) / 3
 *         + 30 * (average over categories of the latest score) / 100   (0 without assessments)
 */
contract SupplyChainRegistry {
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");
    bytes32 public constant ASSESSOR_ROLE = keccak256("ASSESSOR_ROLE");
    uint8 public constant MAX_SCORE = 100;

    struct Batch {
        address producer;
        address token;
        uint64 createdAt;
        /// @dev Whether a verifier attested the origin (and did not revoke it since).
        bool originAttested;
        address originVerifier;
        uint32 checkpoints;
        uint32 categoriesAssessed;
        bytes32 productId;
        bytes32 dataHash;
        string dataURI;
    }

    struct Checkpoint {
        address carrier;
        uint64 timestamp;
        bytes32 locationHash;
        bytes32 dataHash;
    }

    struct Assessment {
        address assessor;
        uint64 timestamp;
        uint8 score;
        bytes32 evidenceHash;
    }

    /// @dev `token` is not a federation community's token.
    error SupplyChainUnknownCommunity(address token);
    /// @dev `caller` lacks `role` in the compliance registry of `token`'s community.
    error SupplyChainUnauthorized(address caller, address token, bytes32 role);
    /// @dev `account` is neither a registered producer nor a verified merchant of `token`'s community.
    error SupplyChainNotProducer(address token, address account);
    /// @dev `account` is not a registered carrier of `token`'s community.
    error SupplyChainNotCarrier(address token, address account);
    /// @dev No batch `batchId`.
    error SupplyChainUnknownBatch(uint256 batchId);
    /// @dev The origin of `batchId` is attested already.
    error SupplyChainOriginAlreadyAttested(uint256 batchId);
    /// @dev The origin of `batchId` is not attested.
    error SupplyChainOriginNotAttested(uint256 batchId);
    /// @dev `account` produced `batchId` and cannot vouch for it.
    error SupplyChainConflictOfInterest(uint256 batchId, address account);
    /// @dev A score lies within [0, MAX_SCORE].
    error SupplyChainInvalidScore(uint8 score);
    /// @dev A hash (data, evidence, location, category, product) must be non-zero, and a URI non-empty.
    error SupplyChainInvalidData();
    /// @dev An account argument was zero.
    error SupplyChainZeroAddress();

    /// @dev Emitted when a verifier of `token`'s community registers or removes `producer`.
    event ProducerSet(address indexed token, address indexed producer, bool registered, address indexed verifier);
    /// @dev Emitted when a verifier of `token`'s community registers or removes `carrier`.
    event CarrierSet(address indexed token, address indexed carrier, bool registered, address indexed verifier);
    /// @dev Emitted when `producer` creates batch `batchId` of product `productId` in `token`'s community.
    event BatchCreated(
        uint256 indexed batchId,
        address indexed producer,
        address indexed token,
        bytes32 productId,
        bytes32 dataHash,
        string dataURI
    );
    /// @dev Emitted when `verifier` attests the origin of batch `batchId`.
    event OriginAttested(uint256 indexed batchId, address indexed verifier, bytes32 evidenceHash, string evidenceURI);
    /// @dev Emitted when `verifier` revokes the origin attestation of batch `batchId`.
    event OriginRevoked(uint256 indexed batchId, address indexed verifier, bytes32 reasonHash);
    /// @dev Emitted when `carrier` records checkpoint `index` (from 0) of batch `batchId`.
    event CheckpointRecorded(
        uint256 indexed batchId,
        address indexed carrier,
        uint256 index,
        bytes32 locationHash,
        bytes32 dataHash,
        string dataURI
    );
    /// @dev Emitted when `assessor` scores batch `batchId` in `category` (replacing any earlier score there).
    event BatchAssessed(
        uint256 indexed batchId,
        address indexed assessor,
        bytes32 indexed category,
        uint8 score,
        bytes32 evidenceHash,
        string evidenceURI
    );

    MerchantRegistry public immutable merchants;
    /// @notice The number of batches created; batch ids run from 1.
    uint256 public batchCount;
    mapping(address token => mapping(address account => bool)) private _producers;
    mapping(address token => mapping(address account => bool)) private _carriers;
    mapping(uint256 batchId => Batch) private _batches;
    mapping(uint256 batchId => Checkpoint[]) private _checkpoints;
    mapping(uint256 batchId => mapping(bytes32 category => Assessment)) private _assessments;

    constructor(MerchantRegistry merchants_) {
        merchants = merchants_;
    }

    // ---------------------------------------------------------------- participants

    /// @notice Registers `producer` in `token`'s community, or removes it. Requirements: a federation community;
    /// the community's VERIFIER_ROLE; a non-zero producer.
    function setProducer(address token, address producer, bool registered) external {
        _checkCommunity(token);
        _checkRole(token, VERIFIER_ROLE);
        if (producer == address(0)) revert SupplyChainZeroAddress();
        _producers[token][producer] = registered;
        emit ProducerSet(token, producer, registered, msg.sender);
    }

    /// @notice Registers `carrier` in `token`'s community, or removes it. Requirements: a federation community;
    /// the community's VERIFIER_ROLE; a non-zero carrier.
    function setCarrier(address token, address carrier, bool registered) external {
        _checkCommunity(token);
        _checkRole(token, VERIFIER_ROLE);
        if (carrier == address(0)) revert SupplyChainZeroAddress();
        _carriers[token][carrier] = registered;
        emit CarrierSet(token, carrier, registered, msg.sender);
    }

    // ---------------------------------------------------------------- batches

    /// @notice Creates a batch of product `productId` (e.g. the hash of its GTIN) in `token`'s community, described
    /// off chain by `dataURI` with hash `dataHash`; the caller is its producer. Requirements: a federation
    /// community; the caller a registered producer or verified merchant there; non-zero hashes and a URI.
    function createBatch(
        address token,
        bytes32 productId,
        bytes32 dataHash,
        string calldata dataURI
    ) external returns (uint256 batchId) {
        _checkCommunity(token);
        if (!isProducer(token, msg.sender)) revert SupplyChainNotProducer(token, msg.sender);
        if (productId == 0) revert SupplyChainInvalidData();
        _checkData(dataHash, dataURI);
        batchId = ++batchCount;
        Batch storage b = _batches[batchId];
        (b.producer, b.token, b.createdAt) = (msg.sender, token, uint64(block.timestamp));
        (b.productId, b.dataHash, b.dataURI) = (productId, dataHash, dataURI);
        emit BatchCreated(batchId, msg.sender, token, productId, dataHash, dataURI);
    }

    /// @notice Attests the origin of batch `batchId` on the evidence at `evidenceURI` (hash `evidenceHash`).
    /// Requirements: the batch's community's VERIFIER_ROLE; not the producer; not attested; evidence given.
    function attestOrigin(uint256 batchId, bytes32 evidenceHash, string calldata evidenceURI) external {
        Batch storage b = _vouch(batchId, VERIFIER_ROLE);
        if (b.originAttested) revert SupplyChainOriginAlreadyAttested(batchId);
        _checkData(evidenceHash, evidenceURI);
        (b.originAttested, b.originVerifier) = (true, msg.sender);
        emit OriginAttested(batchId, msg.sender, evidenceHash, evidenceURI);
    }

    /// @notice Revokes the origin attestation of batch `batchId`, for the reason hashed in `reasonHash`.
    /// Requirements: the batch's community's VERIFIER_ROLE; attested; a reason.
    function revokeOrigin(uint256 batchId, bytes32 reasonHash) external {
        Batch storage b = _batch(batchId);
        _checkRole(b.token, VERIFIER_ROLE);
        if (!b.originAttested) revert SupplyChainOriginNotAttested(batchId);
        if (reasonHash == 0) revert SupplyChainInvalidData();
        (b.originAttested, b.originVerifier) = (false, address(0));
        emit OriginRevoked(batchId, msg.sender, reasonHash);
    }

    /// @notice Records a transport checkpoint of batch `batchId`: where (`locationHash`, e.g. of a geohash or a
    /// UN/LOCODE) and what (`dataHash`, `dataURI`). Requirements: a carrier registered in the batch's community;
    /// non-zero hashes and a URI.
    function recordCheckpoint(
        uint256 batchId,
        bytes32 locationHash,
        bytes32 dataHash,
        string calldata dataURI
    ) external returns (uint256 index) {
        Batch storage b = _batch(batchId);
        if (!_carriers[b.token][msg.sender]) revert SupplyChainNotCarrier(b.token, msg.sender);
        if (locationHash == 0) revert SupplyChainInvalidData();
        _checkData(dataHash, dataURI);
        index = b.checkpoints;
        ++b.checkpoints;
        _checkpoints[batchId].push(Checkpoint(msg.sender, uint64(block.timestamp), locationHash, dataHash));
        emit CheckpointRecorded(batchId, msg.sender, index, locationHash, dataHash, dataURI);
    }

    /// @notice Scores batch `batchId` in `category` from 0 to 100 on the evidence at `evidenceURI` (hash
    /// `evidenceHash`), replacing any earlier score in that category. Requirements: the batch's community's
    /// ASSESSOR_ROLE; not the producer; a non-zero category; a score of at most MAX_SCORE; evidence given.
    function assess(
        uint256 batchId,
        bytes32 category,
        uint8 score,
        bytes32 evidenceHash,
        string calldata evidenceURI
    ) external {
        Batch storage b = _vouch(batchId, ASSESSOR_ROLE);
        if (category == 0) revert SupplyChainInvalidData();
        if (score > MAX_SCORE) revert SupplyChainInvalidScore(score);
        _checkData(evidenceHash, evidenceURI);
        Assessment storage a = _assessments[batchId][category];
        if (a.assessor == address(0)) ++b.categoriesAssessed;
        (a.assessor, a.timestamp, a.score, a.evidenceHash) = (msg.sender, uint64(block.timestamp), score, evidenceHash);
        emit BatchAssessed(batchId, msg.sender, category, score, evidenceHash, evidenceURI);
    }

    // ---------------------------------------------------------------- views

    /// @notice Whether `account` may create batches in `token`'s community: a registered producer or a verified
    /// merchant there.
    function isProducer(address token, address account) public view returns (bool) {
        return _producers[token][account] || merchants.isActive(account, token);
    }

    /// @notice Whether `account` is a registered carrier of `token`'s community.
    function isCarrier(address token, address account) external view returns (bool) {
        return _carriers[token][account];
    }

    /// @notice Batch `batchId` (producer zero if unknown).
    function batchOf(uint256 batchId) external view returns (Batch memory) {
        return _batches[batchId];
    }

    /// @notice The transport checkpoints of batch `batchId`, in order.
    function checkpointsOf(uint256 batchId) external view returns (Checkpoint[] memory) {
        return _checkpoints[batchId];
    }

    /// @notice The latest assessment of batch `batchId` in `category` (assessor zero if none).
    function assessmentOf(uint256 batchId, bytes32 category) external view returns (Assessment memory) {
        return _assessments[batchId][category];
    }

    // ---------------------------------------------------------------- internal

    /// @dev The batch, once the caller is checked for `role` in its community and is not its producer.
    function _vouch(uint256 batchId, bytes32 role) private view returns (Batch storage b) {
        b = _batch(batchId);
        _checkRole(b.token, role);
        if (msg.sender == b.producer) revert SupplyChainConflictOfInterest(batchId, msg.sender);
    }

    function _checkRole(address token, bytes32 role) private view {
        address registry = address(ICommunityToken(token).complianceRegistry());
        if (!IAccessControl(registry).hasRole(role, msg.sender)) {
            revert SupplyChainUnauthorized(msg.sender, token, role);
        }
    }

    function _checkCommunity(address token) private view {
        if (merchants.federation().communityOfToken(token) == 0) revert SupplyChainUnknownCommunity(token);
    }

    function _batch(uint256 batchId) private view returns (Batch storage b) {
        b = _batches[batchId];
        if (b.producer == address(0)) revert SupplyChainUnknownBatch(batchId);
    }

    function _checkData(bytes32 hash, string calldata uri) private pure {
        if (hash == 0 || bytes(uri).length == 0) revert SupplyChainInvalidData();
    }
}

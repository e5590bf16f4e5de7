// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {ERC20VotesUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20VotesUpgradeable.sol";
import {ERC3009Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/draft-ERC3009Upgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {ICommunityToken} from "../interfaces/ICommunityToken.sol";
import {IComplianceRegistry} from "../interfaces/IComplianceRegistry.sol";
import {CommunityCodes} from "../libraries/CommunityCodes.sol";

/**
 * @title CommunityToken
 * @notice One KC community currency, pegged 1:1 to a fiat currency and issued only against reserve deposits.
 * - ERC-20 with ERC-2612 permit and ERC-5805 votes on a timestamp clock (ERC-6372), for the community's Governor;
 * - ERC-3009 signed transfers (random nonces, validity window) so a point of sale can submit a payer's transfer;
 * - ERC-5267 `eip712Domain()`, so wallets read the signing domain instead of hard-coding it;
 * - every mint, transfer and burn is ruled on by the community's {IComplianceRegistry};
 * - pause, and roles: DEFAULT_ADMIN_ROLE, MINTER_ROLE, PAUSER_ROLE.
 *
 * Written for cloning (ERC-1167): state is set by {initialize}; the implementation's initializer is disabled.
 */
contract CommunityToken is
    ICommunityToken,
    ERC20Upgradeable,
    ERC20PermitUpgradeable,
    ERC20VotesUpgradeable,
    ERC3009Upgradeable,
    AccessControlUpgradeable,
    PausableUpgradeable
{
    /// @notice May issue tokens against reserve deposits.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice May pause and unpause the token.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    IComplianceRegistry private _complianceRegistry;
    string private _currency;
    mapping(bytes32 depositRef => bool) private _depositUsed;

    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Sets up a community's currency.
     * @param name_ token name, also the EIP-712 domain name (e.g. "Katy Coin").
     * @param symbol_ token symbol (e.g. "KATY").
     * @param currency_ ISO 4217 code of the fiat peg (e.g. "USD").
     * @param admin receives DEFAULT_ADMIN_ROLE (the community's timelock, in production).
     * @param registry the compliance registry consulted on every transfer.
     */
    function initialize(
        string calldata name_,
        string calldata symbol_,
        string calldata currency_,
        address admin,
        IComplianceRegistry registry
    ) external initializer {
        if (admin == address(0) || address(registry) == address(0)) revert CommunityTokenZeroAddress();
        if (!CommunityCodes.isCurrency(bytes(currency_))) revert CommunityTokenInvalidCurrency(currency_);
        _checkBinding(registry);
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(name_);
        __ERC20Votes_init();
        __AccessControl_init();
        __Pausable_init();
        _currency = currency_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _complianceRegistry = registry;
        emit ComplianceRegistryChanged(address(0), address(registry));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICommunityToken
    function currency() external view returns (string memory) {
        return _currency;
    }

    /// @inheritdoc ICommunityToken
    function complianceRegistry() external view returns (IComplianceRegistry) {
        return _complianceRegistry;
    }

    /// @inheritdoc ICommunityToken
    function depositUsed(bytes32 depositRef) external view returns (bool) {
        return _depositUsed[depositRef];
    }

    /// @inheritdoc ICommunityToken
    function paused() public view override(ICommunityToken, PausableUpgradeable) returns (bool) {
        return super.paused();
    }

    /// @inheritdoc ICommunityToken
    function canTransfer(
        address from,
        address to,
        uint256 amount
    ) external view returns (bool allowed, IComplianceRegistry.Verdict verdict) {
        return _complianceRegistry.canTransfer(from, to, amount);
    }

    /// @notice The votes clock is the block timestamp (ERC-6372), as Tally and the Governor expect.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 description of {clock}.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    // ---------------------------------------------------------------- issuance and redemption

    /// @inheritdoc ICommunityToken
    function mint(address to, uint256 amount, bytes32 depositRef) external onlyRole(MINTER_ROLE) {
        if (depositRef == bytes32(0)) revert CommunityTokenZeroReference();
        if (_depositUsed[depositRef]) revert CommunityTokenDepositAlreadyUsed(depositRef);
        _depositUsed[depositRef] = true;
        _mint(to, amount);
        emit Minted(to, amount, depositRef, msg.sender);
    }

    /// @inheritdoc ICommunityToken
    function redeem(uint256 amount, bytes32 payoutRef) external {
        if (payoutRef == bytes32(0)) revert CommunityTokenZeroReference();
        _burn(msg.sender, amount);
        emit Redeemed(msg.sender, amount, payoutRef);
    }

    // ---------------------------------------------------------------- administration

    /// @inheritdoc ICommunityToken
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ICommunityToken
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc ICommunityToken
    function setComplianceRegistry(IComplianceRegistry registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(registry) == address(0)) revert CommunityTokenZeroAddress();
        _checkBinding(registry);
        IComplianceRegistry previous = _complianceRegistry;
        _complianceRegistry = registry;
        emit ComplianceRegistryChanged(address(previous), address(registry));
    }

    // ---------------------------------------------------------------- internals

    /// @dev Every balance change (mint, transfer, signed transfer, burn) passes the pause and the registry,
    /// before any state changes. The registry is the community's own contract, and it calls the sanctions
    /// oracle only with staticcall, so nothing can re-enter here. The operator is whoever called the token: a
    /// spender or a relayer is screened too.
    function _update(
        address from,
        address to,
        uint256 value
    ) internal override(ERC20Upgradeable, ERC20VotesUpgradeable) whenNotPaused {
        _complianceRegistry.enforceTransfer(_msgSender(), from, to, value);
        super._update(from, to, value);
    }

    /// @dev A frozen or sanctioned account keeps the votes it had delegated (its tokens cannot move), but may not
    /// move them to another delegate until it is cleared. Covers {delegate} and {delegateBySig}.
    function _delegate(address account, address delegatee) internal override {
        IComplianceRegistry.Verdict verdict = _complianceRegistry.screen(account);
        if (verdict != IComplianceRegistry.Verdict.Allowed) revert CommunityTokenDelegationBlocked(account, verdict);
        super._delegate(account, delegatee);
    }

    function _checkBinding(IComplianceRegistry registry) private view {
        address boundToken = registry.token();
        if (boundToken != address(this)) revert CommunityTokenRegistryMismatch(address(registry), boundToken);
    }

    /// @inheritdoc ERC20PermitUpgradeable
    function nonces(address owner) public view override(ERC20PermitUpgradeable, NoncesUpgradeable) returns (uint256) {
        return super.nonces(owner);
    }
}

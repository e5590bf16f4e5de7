// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CommunityCodes} from "../libraries/CommunityCodes.sol";
import {MerchantRegistry} from "./MerchantRegistry.sol";
import {LoyaltyProgram} from "./LoyaltyProgram.sol";

interface IERC3009Receive {
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;
}

/**
 * @title PaymentRouter
 * @notice Hybrid point-of-sale payments. A payer signs an EIP-712 PaymentIntent: the merchant, the invoice, the KC
 * part, the fiat part with its ISO 4217 code and the fiat processor's reference hash, a deadline and a nonce. A
 * terminal (any relayer, paying the gas) submits it with the payer's ERC-2612 permit (`payWithPermit`: the KC part
 * moves straight from payer to merchant) or ERC-3009 authorization (`payWithAuthorization`: received by this
 * router, which front-running cannot bypass, then paid to the merchant). Each invoice pays once, for the exact
 * amount; expired, replayed or wrongly signed intents revert. The merchant's loyalty program credits the payer in
 * the same transaction, and `PaymentSettled` records both parts. Merchants refund up to the KC part paid. With
 * `payWithAuthorization` the router holds tokens for an instant, so it must be an exempt system account.
 */
contract PaymentRouter is EIP712, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using CommunityCodes for bytes;

    // solhint-disable-next-line gas-small-strings
    bytes32 public constant PAYMENT_INTENT_TYPEHASH = keccak256(
        "PaymentIntent(address payer,address merchant,address token,bytes32 invoiceId,uint256 amount,uint256 fiatAmount,string fiatCurrency,bytes32 processorRef,uint256 deadline,uint256 nonce)"
    );

    struct PaymentIntent {
        address payer;
        address merchant;
        address token;
        bytes32 invoiceId;
        uint256 amount;
        uint256 fiatAmount;
        string fiatCurrency;
        bytes32 processorRef;
        uint256 deadline;
        uint256 nonce;
    }

    /// @notice A payment as `paymentOf` reports it.
    struct Payment {
        address payer;
        address token;
        uint128 amount;
        uint128 refunded;
    }

    /// @dev What is stored per invoice: one slot (the token is the merchant's; refunds are kept apart, written
    /// only when there is one).
    struct Paid {
        address payer;
        uint96 amount;
    }

    /// @dev The intent's deadline has passed.
    error PaymentExpired(uint256 deadline, uint256 now);
    /// @dev The signature is not the payer's.
    error PaymentInvalidSignature(address payer);
    /// @dev The payer used `nonce` already.
    error PaymentNonceUsed(address payer, uint256 nonce);
    /// @dev The merchant's invoice is paid already.
    error PaymentInvoicePaid(address merchant, bytes32 invoiceId);
    /// @dev The merchant is not verified (or suspended) in the token's community.
    error PaymentMerchantNotActive(address merchant, address token);
    /// @dev The KC part must be positive.
    error PaymentZeroAmount();
    /// @dev Not an ISO 4217 code.
    error PaymentInvalidCurrency(string currency);
    /// @dev No payment of this merchant's invoice.
    error PaymentUnknownInvoice(address merchant, bytes32 invoiceId);
    /// @dev A refund of `amount` exceeds what remains refundable, `refundable`.
    error PaymentRefundTooLarge(uint256 amount, uint256 refundable);

    /// @dev The settlement record: the KC part and the fiat part, the reward credited, and who submitted it.
    event PaymentSettled(
        bytes32 indexed invoiceKey,
        address indexed merchant,
        address indexed payer,
        address token,
        bytes32 invoiceId,
        uint256 amount,
        uint256 fiatAmount,
        string fiatCurrency,
        bytes32 processorRef,
        uint256 reward,
        address terminal
    );
    /// @dev A refund by the merchant to the payer, and the invoice's refunded total.
    event PaymentRefunded(
        bytes32 indexed invoiceKey,
        address indexed merchant,
        address indexed payer,
        address token,
        uint256 amount,
        uint256 totalRefunded
    );

    MerchantRegistry public immutable merchants;
    LoyaltyProgram public immutable loyalty;
    mapping(bytes32 invoiceKey => Paid) private _payments;
    mapping(bytes32 invoiceKey => uint256) private _refunded;
    mapping(address payer => mapping(uint256 nonce => bool)) public nonceUsed;

    constructor(MerchantRegistry merchants_) EIP712("KC PaymentRouter", "1") {
        merchants = merchants_;
        loyalty = new LoyaltyProgram(merchants_);
    }

    /// @notice Pays `intent` with the payer's permit for the KC part (`permitDeadline`, v, r, s); a permit already
    /// used (e.g. front-run) is skipped when the allowance suffices.
    function payWithPermit(
        PaymentIntent calldata intent,
        bytes calldata signature,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (bytes32 invoiceKey) {
        invoiceKey = _record(intent, signature);
        try
            IERC20Permit(intent.token).permit(intent.payer, address(this), intent.amount, permitDeadline, v, r, s)
        {} catch {}
        IERC20(intent.token).safeTransferFrom(intent.payer, intent.merchant, intent.amount);
        _settle(intent, invoiceKey);
    }

    /// @notice Pays `intent` with the payer's ERC-3009 `receiveWithAuthorization` to this router for the KC part.
    function payWithAuthorization(
        PaymentIntent calldata intent,
        bytes calldata signature,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 authorizationNonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (bytes32 invoiceKey) {
        invoiceKey = _record(intent, signature);
        IERC3009Receive(intent.token).receiveWithAuthorization(
            intent.payer,
            address(this),
            intent.amount,
            validAfter,
            validBefore,
            authorizationNonce,
            v,
            r,
            s
        );
        IERC20(intent.token).safeTransfer(intent.merchant, intent.amount);
        _settle(intent, invoiceKey);
    }

    /// @notice Refunds `amount` of the caller's invoice `invoiceId` to its payer, from the caller (approved
    /// beforehand). Requirements: at most the KC part paid less earlier refunds.
    function refund(bytes32 invoiceId, uint256 amount) external nonReentrant {
        bytes32 key = invoiceKeyOf(msg.sender, invoiceId);
        Paid memory p = _payments[key];
        if (p.payer == address(0)) revert PaymentUnknownInvoice(msg.sender, invoiceId);
        uint256 refunded = _refunded[key];
        uint256 refundable = p.amount - refunded;
        if (amount == 0) revert PaymentZeroAmount();
        if (amount > refundable) revert PaymentRefundTooLarge(amount, refundable);
        refunded += amount;
        _refunded[key] = refunded;
        address token = merchants.merchantOf(msg.sender).token;
        IERC20(token).safeTransferFrom(msg.sender, p.payer, amount);
        emit PaymentRefunded(key, msg.sender, p.payer, token, amount, refunded);
    }

    /// @notice The payment of `merchant`'s invoice `invoiceId` (payer zero if unpaid).
    function paymentOf(address merchant, bytes32 invoiceId) external view returns (Payment memory) {
        bytes32 key = invoiceKeyOf(merchant, invoiceId);
        Paid memory p = _payments[key];
        if (p.payer == address(0)) return Payment(address(0), address(0), 0, 0);
        return Payment(p.payer, merchants.merchantOf(merchant).token, p.amount, uint128(_refunded[key]));
    }

    /// @notice The EIP-712 digest the payer signs for `intent`.
    function intentDigest(PaymentIntent calldata intent) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        PAYMENT_INTENT_TYPEHASH,
                        intent.payer,
                        intent.merchant,
                        intent.token,
                        intent.invoiceId,
                        intent.amount,
                        intent.fiatAmount,
                        keccak256(bytes(intent.fiatCurrency)),
                        intent.processorRef,
                        intent.deadline,
                        intent.nonce
                    )
                )
            );
    }

    function invoiceKeyOf(address merchant, bytes32 invoiceId) public pure returns (bytes32) {
        return keccak256(abi.encode(merchant, invoiceId));
    }

    /// @dev Checks the intent and records the payment (effects before the token calls).
    function _record(PaymentIntent calldata intent, bytes calldata signature) private returns (bytes32 key) {
        if (block.timestamp > intent.deadline) revert PaymentExpired(intent.deadline, block.timestamp);
        if (intent.amount == 0) revert PaymentZeroAmount();
        if (!bytes(intent.fiatCurrency).isCurrency()) revert PaymentInvalidCurrency(intent.fiatCurrency);
        if (!merchants.isActive(intent.merchant, intent.token)) {
            revert PaymentMerchantNotActive(intent.merchant, intent.token);
        }
        if (!SignatureChecker.isValidSignatureNow(intent.payer, intentDigest(intent), signature)) {
            revert PaymentInvalidSignature(intent.payer);
        }
        if (nonceUsed[intent.payer][intent.nonce]) revert PaymentNonceUsed(intent.payer, intent.nonce);
        key = invoiceKeyOf(intent.merchant, intent.invoiceId);
        if (_payments[key].payer != address(0)) revert PaymentInvoicePaid(intent.merchant, intent.invoiceId);
        nonceUsed[intent.payer][intent.nonce] = true;
        _payments[key] = Paid(intent.payer, SafeCast.toUint96(intent.amount));
    }

    function _settle(PaymentIntent calldata intent, bytes32 key) private {
        uint256 reward = loyalty.credit(intent.merchant, intent.payer, intent.amount, key);
        emit PaymentSettled(
            key,
            intent.merchant,
            intent.payer,
            intent.token,
            intent.invoiceId,
            intent.amount,
            intent.fiatAmount,
            intent.fiatCurrency,
            intent.processorRef,
            reward,
            msg.sender
        );
    }
}

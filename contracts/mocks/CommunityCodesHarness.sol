// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommunityCodes} from "../libraries/CommunityCodes.sol";

/// @title Exposes the {CommunityCodes} checks as external functions. For tests only.
contract CommunityCodesHarness {
    /// @notice {CommunityCodes-isSlug}.
    function isSlug(bytes calldata s) external pure returns (bool) {
        return CommunityCodes.isSlug(s);
    }

    /// @notice {CommunityCodes-isCountry}.
    function isCountry(bytes calldata s) external pure returns (bool) {
        return CommunityCodes.isCountry(s);
    }

    /// @notice {CommunityCodes-isCurrency}.
    function isCurrency(bytes calldata s) external pure returns (bool) {
        return CommunityCodes.isCurrency(s);
    }

    /// @notice {CommunityCodes-isLocale}.
    function isLocale(bytes calldata s) external pure returns (bool) {
        return CommunityCodes.isLocale(s);
    }

    /// @notice {CommunityCodes-isSymbol}.
    function isSymbol(bytes calldata s) external pure returns (bool) {
        return CommunityCodes.isSymbol(s);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Checks of the codes that identify a community: its slug, ISO 3166-1 alpha-2 country, ISO 4217
/// currency, BCP 47 locale and token symbol. Format checks only: they do not look codes up in the standards' lists.
library CommunityCodes {
    /// @notice A slug: 1 to 32 characters of `a-z`, `0-9` and inner hyphens ("katy", "san-antonio").
    function isSlug(bytes memory s) internal pure returns (bool) {
        if (s.length == 0 || s.length > 32 || s[0] == "-" || s[s.length - 1] == "-") return false;
        for (uint256 i; i < s.length; ++i) {
            bytes1 c = s[i];
            if (!_isLower(c) && !_isDigit(c) && c != "-") return false;
        }
        return true;
    }

    /// @notice An ISO 3166-1 alpha-2 country code: two upper-case letters ("US", "MX").
    function isCountry(bytes memory s) internal pure returns (bool) {
        return s.length == 2 && _isUpper(s[0]) && _isUpper(s[1]);
    }

    /// @notice An ISO 4217 currency code: three upper-case letters ("USD", "MXN").
    function isCurrency(bytes memory s) internal pure returns (bool) {
        return s.length == 3 && _isUpper(s[0]) && _isUpper(s[1]) && _isUpper(s[2]);
    }

    /// @notice A BCP 47 tag of the shape language[-Script][-REGION], at most 12 characters: a 2-3 letter lower-case
    /// language, an optional 4-letter title-case script, an optional 2-letter upper-case or 3-digit region
    /// ("en", "en-US", "es-MX", "es-419", "zh-Hant-TW").
    function isLocale(bytes memory s) internal pure returns (bool) {
        if (s.length < 2 || s.length > 12) return false;
        uint256 i;
        while (i < s.length && _isLower(s[i])) ++i;
        if (i < 2 || i > 3) return false;
        if (i == s.length) return true;
        // script subtag
        if (s[i] == "-" && i + 5 <= s.length && _isUpper(s[i + 1]) && (i + 5 == s.length || s[i + 5] == "-")) {
            for (uint256 j = i + 2; j < i + 5; ++j) if (!_isLower(s[j])) return false;
            i += 5;
            if (i == s.length) return true;
        }
        // region subtag
        if (s[i] != "-") return false;
        uint256 rest = s.length - i - 1;
        if (rest == 2) return _isUpper(s[i + 1]) && _isUpper(s[i + 2]);
        if (rest == 3) return _isDigit(s[i + 1]) && _isDigit(s[i + 2]) && _isDigit(s[i + 3]);
        return false;
    }

    /// @notice A token symbol: 1 to 11 characters of `A-Z` and `0-9`, starting with a letter ("KATY", "MTY2").
    function isSymbol(bytes memory s) internal pure returns (bool) {
        if (s.length == 0 || s.length > 11 || !_isUpper(s[0])) return false;
        for (uint256 i = 1; i < s.length; ++i) if (!_isUpper(s[i]) && !_isDigit(s[i])) return false;
        return true;
    }

    function _isUpper(bytes1 c) private pure returns (bool) {
        return c >= "A" && c <= "Z";
    }

    function _isLower(bytes1 c) private pure returns (bool) {
        return c >= "a" && c <= "z";
    }

    function _isDigit(bytes1 c) private pure returns (bool) {
        return c >= "0" && c <= "9";
    }
}

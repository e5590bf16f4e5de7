// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Arrays} from "@openzeppelin/contracts/utils/Arrays.sol";
import {IFxOracle} from "../interfaces/IFxOracle.sol";
import {CommunityCodes} from "../libraries/CommunityCodes.sol";

/**
 * @title FxOracle
 * @notice Rates of currencies against the reference currency (USD), from several reporters.
 *
 * Each report is kept per reporter. After each report the oracle takes the median of the fresh reports (at most
 * `maxAge` old) when there are at least `minReports` of them. If that median deviates from the currency's recent
 * average by more than `maxDeviationBps`, the breaker trips: the currency has no usable rate (swaps revert) until
 * governance resets it. Otherwise the median becomes the rate and the average moves a quarter of the way towards
 * it (an exponential moving average, so a slow trend is followed and a jump trips).
 * DEFAULT_ADMIN_ROLE (the federation's timelock) manages reporters and parameters and resets breakers.
 */
contract FxOracle is IFxOracle, AccessControl {
    using CommunityCodes for bytes;

    uint256 public constant MAX_REPORTERS = 16;
    uint256 private constant BPS = 10_000;

    struct Report {
        uint192 rate;
        uint64 timestamp;
    }

    struct Rate {
        uint128 rate;
        uint64 updatedAt;
        bool tripped;
        uint128 average;
    }

    string private _referenceCurrency;
    uint256 public maxAge;
    uint256 public maxDeviationBps;
    uint256 public minReports;
    address[] private _reporters;
    mapping(address reporter => bool) private _isReporter;
    mapping(bytes32 currency => mapping(address reporter => Report)) private _reports;
    mapping(bytes32 currency => Rate) private _rates;

    /**
     * @param admin receives DEFAULT_ADMIN_ROLE.
     * @param referenceCurrency_ the ISO 4217 code every rate is quoted against ("USD").
     * @param maxAge_ how old a rate or a report may be, in seconds.
     * @param maxDeviationBps_ how far a new median may move from the average before the breaker trips.
     * @param minReports_ how many fresh reports a median needs.
     */
    constructor(
        address admin,
        string memory referenceCurrency_,
        uint256 maxAge_,
        uint256 maxDeviationBps_,
        uint256 minReports_
    ) {
        if (!bytes(referenceCurrency_).isCurrency()) revert FxOracleInvalidCurrency(referenceCurrency_);
        _referenceCurrency = referenceCurrency_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setParameters(maxAge_, maxDeviationBps_, minReports_);
    }

    // ---------------------------------------------------------------- reads

    /// @inheritdoc IFxOracle
    function referenceCurrency() external view returns (string memory) {
        return _referenceCurrency;
    }

    /// @inheritdoc IFxOracle
    function rateOf(string calldata currency) public view returns (uint256 rate, uint256 updatedAt) {
        if (_isReference(currency)) return (1e18, block.timestamp);
        Rate memory r = _rates[_key(currency)];
        if (r.updatedAt == 0) revert FxOracleUnknownCurrency(currency);
        if (r.tripped) revert FxOracleBreakerTripped(currency);
        if (block.timestamp > r.updatedAt + maxAge) revert FxOracleStaleRate(currency, r.updatedAt, maxAge);
        return (r.rate, r.updatedAt);
    }

    /// @inheritdoc IFxOracle
    function crossRate(string calldata from, string calldata to) external view returns (uint256) {
        (uint256 fromRate, ) = rateOf(from);
        (uint256 toRate, ) = rateOf(to);
        return (fromRate * 1e18) / toRate;
    }

    /// @notice The state of `currency`: last accepted rate, when, whether tripped, and the recent average.
    function rateState(string calldata currency) external view returns (Rate memory) {
        return _rates[_key(currency)];
    }

    /// @notice The last report of `reporter` for `currency`.
    function reportOf(string calldata currency, address reporter) external view returns (Report memory) {
        return _reports[_key(currency)][reporter];
    }

    /// @notice The reporters, in the order they were added (removals swap the last one in).
    function reporters() external view returns (address[] memory) {
        return _reporters;
    }

    // ---------------------------------------------------------------- reports

    /// @notice Reports the value of one unit of `currency` in the reference currency (18 decimals).
    /// Requirements: the caller is a reporter; `currency` an ISO 4217 code other than the reference; `0 < rate < 2**128`.
    function report(string calldata currency, uint256 rate) external {
        if (!_isReporter[msg.sender]) revert FxOracleUnauthorizedReporter(msg.sender);
        if (!bytes(currency).isCurrency() || _isReference(currency)) revert FxOracleInvalidCurrency(currency);
        if (rate == 0 || rate > type(uint128).max) revert FxOracleInvalidRate(rate, type(uint128).max);
        bytes32 key = _key(currency);
        _reports[key][msg.sender] = Report(uint192(rate), uint64(block.timestamp));
        emit RateReported(currency, msg.sender, rate, block.timestamp);

        (uint256 median, uint256 fresh) = _median(key);
        if (fresh < minReports) return;
        Rate storage r = _rates[key];
        if (r.tripped) return;
        if (r.updatedAt != 0) {
            uint256 average = r.average;
            uint256 deviation = ((median > average ? median - average : average - median) * BPS) / average;
            if (deviation > maxDeviationBps) {
                r.tripped = true;
                emit BreakerTripped(currency, median, average, deviation);
                return;
            }
            // average moves a quarter of the way to the new median
            r.average = uint128((average * 3 + median) / 4);
        } else {
            r.average = uint128(median);
        }
        r.rate = uint128(median);
        r.updatedAt = uint64(block.timestamp);
        emit RateUpdated(currency, median, r.average, fresh, block.timestamp);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Lifts the tripped breaker of `currency`, taking the median of the fresh reports as both its rate
    /// and its average. Requirements: DEFAULT_ADMIN_ROLE; tripped; enough fresh reports.
    function resetBreaker(string calldata currency) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 key = _key(currency);
        Rate storage r = _rates[key];
        if (!r.tripped) revert FxOracleBreakerNotTripped(currency);
        (uint256 median, uint256 fresh) = _median(key);
        if (fresh < minReports) revert FxOracleNotEnoughReports(currency, fresh, minReports);
        r.tripped = false;
        r.rate = uint128(median);
        r.average = uint128(median);
        r.updatedAt = uint64(block.timestamp);
        emit BreakerReset(currency, median, msg.sender);
        emit RateUpdated(currency, median, median, fresh, block.timestamp);
    }

    /// @notice Adds a reporter. Requirements: DEFAULT_ADMIN_ROLE; not one already; fewer than MAX_REPORTERS.
    function addReporter(address reporter) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_isReporter[reporter]) revert FxOracleReporterExists(reporter);
        if (_reporters.length == MAX_REPORTERS) revert FxOracleTooManyReporters(MAX_REPORTERS);
        _isReporter[reporter] = true;
        _reporters.push(reporter);
        emit ReporterAdded(reporter);
    }

    /// @notice Removes a reporter; its reports stop counting. Requirements: DEFAULT_ADMIN_ROLE; a reporter.
    function removeReporter(address reporter) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_isReporter[reporter]) revert FxOracleReporterUnknown(reporter);
        _isReporter[reporter] = false;
        uint256 last = _reporters.length - 1;
        for (uint256 i; i <= last; ++i) {
            if (_reporters[i] == reporter) {
                _reporters[i] = _reporters[last];
                _reporters.pop();
                break;
            }
        }
        emit ReporterRemoved(reporter);
    }

    /// @notice Sets the maximum age (60 s to 7 days), deviation breaker (10 to 5,000 bps) and quorum of reports
    /// (1 to MAX_REPORTERS). Requirements: DEFAULT_ADMIN_ROLE.
    function setParameters(
        uint256 maxAge_,
        uint256 maxDeviationBps_,
        uint256 minReports_
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParameters(maxAge_, maxDeviationBps_, minReports_);
    }

    // ---------------------------------------------------------------- internals

    function _setParameters(uint256 maxAge_, uint256 maxDeviationBps_, uint256 minReports_) private {
        _checkBounds("maxAge", maxAge_, 60, 7 days);
        _checkBounds("maxDeviationBps", maxDeviationBps_, 10, 5_000);
        _checkBounds("minReports", minReports_, 1, MAX_REPORTERS);
        maxAge = maxAge_;
        maxDeviationBps = maxDeviationBps_;
        minReports = minReports_;
        emit ParametersChanged(maxAge_, maxDeviationBps_, minReports_);
    }

    /// @dev The median of the current reporters' fresh reports (the lower middle one of an even count).
    function _median(bytes32 key) private view returns (uint256 median, uint256 fresh) {
        uint256[] memory rates = new uint256[](_reporters.length);
        for (uint256 i; i < _reporters.length; ++i) {
            Report memory rep = _reports[key][_reporters[i]];
            if (rep.timestamp != 0 && block.timestamp <= rep.timestamp + maxAge) {
                rates[fresh] = rep.rate;
                ++fresh;
            }
        }
        if (fresh == 0) return (0, 0);
        // shrink the array to the fresh reports before sorting
        assembly ("memory-safe") {
            mstore(rates, fresh)
        }
        Arrays.sort(rates);
        median = rates[(fresh - 1) / 2];
    }

    function _checkBounds(string memory parameter, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert FxOracleParameterOutOfBounds(parameter, value, min, max);
    }

    function _isReference(string calldata currency) private view returns (bool) {
        return keccak256(bytes(currency)) == keccak256(bytes(_referenceCurrency));
    }

    function _key(string calldata currency) private pure returns (bytes32) {
        return keccak256(bytes(currency));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Exchange rates of the communities' currencies against a reference currency (USD), for the bridge.
interface IFxOracle {
    /// @dev `currency` has no accepted rate yet.
    error FxOracleUnknownCurrency(string currency);
    /// @dev The rate of `currency` was last set at `updatedAt`, more than `maxAge` seconds ago.
    error FxOracleStaleRate(string currency, uint256 updatedAt, uint256 maxAge);
    /// @dev The deviation breaker of `currency` has tripped; governance must reset it.
    error FxOracleBreakerTripped(string currency);
    /// @dev The breaker of `currency` is not tripped.
    error FxOracleBreakerNotTripped(string currency);
    /// @dev `currency` is not an ISO 4217 code, or is the reference currency, which has no reports.
    error FxOracleInvalidCurrency(string currency);
    /// @dev A reported rate must be positive and at most `max` (2**128 - 1).
    error FxOracleInvalidRate(uint256 rate, uint256 max);
    /// @dev The caller is not a reporter.
    error FxOracleUnauthorizedReporter(address caller);
    /// @dev `reporter` is a reporter already / is not a reporter.
    error FxOracleReporterExists(address reporter);
    error FxOracleReporterUnknown(address reporter);
    /// @dev There may be at most `max` reporters.
    error FxOracleTooManyReporters(uint256 max);
    /// @dev A parameter is outside its bounds.
    error FxOracleParameterOutOfBounds(string parameter, uint256 value, uint256 min, uint256 max);
    /// @dev Fewer than `needed` fresh reports of `currency` exist (`fresh`), so no median can be accepted.
    error FxOracleNotEnoughReports(string currency, uint256 fresh, uint256 needed);

    /// @dev Emitted on every report, accepted into a median or not.
    event RateReported(string currency, address indexed reporter, uint256 rate, uint256 timestamp);
    /// @dev Emitted when a new median of fresh reports becomes the rate of `currency`.
    event RateUpdated(string currency, uint256 rate, uint256 average, uint256 reports, uint256 timestamp);
    /// @dev Emitted when a new median of `currency` deviates from its recent average by more than allowed.
    event BreakerTripped(string currency, uint256 median, uint256 average, uint256 deviationBps);
    /// @dev Emitted when governance resets the breaker of `currency` to `rate`.
    event BreakerReset(string currency, uint256 rate, address indexed by);
    /// @dev Emitted when a reporter is added or removed.
    event ReporterAdded(address indexed reporter);
    event ReporterRemoved(address indexed reporter);
    /// @dev Emitted when the oracle's parameters change.
    event ParametersChanged(uint256 maxAge, uint256 maxDeviationBps, uint256 minReports);

    /// @notice The reference currency every rate is quoted against ("USD"); its own rate is 1e18.
    function referenceCurrency() external view returns (string memory);

    /// @notice The value of one unit of `currency` in the reference currency, 18 decimals, and when it was set.
    /// Requirements: known, fresh (at most `maxAge` old), breaker not tripped.
    function rateOf(string calldata currency) external view returns (uint256 rate, uint256 updatedAt);

    /// @notice How many units of `to` one unit of `from` buys, 18 decimals (the cross rate).
    function crossRate(string calldata from, string calldata to) external view returns (uint256);
}

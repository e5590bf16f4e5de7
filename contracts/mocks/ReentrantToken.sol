// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title A hostile ERC-20 for the bridge's reentrancy tests: once armed, its next `transferFrom` first calls
/// `target` with `data` (re-entering a pool while the pool is pulling tokens) and bubbles up any revert. It has
/// what a BridgePool reads from a community token (`currency`, `complianceRegistry`) and is its own "registry"
/// (`travelRuleThreshold`), with no compliance rules. For tests only: anyone may mint and arm it.
contract ReentrantToken is ERC20 {
    string public currency;
    uint256 public travelRuleThreshold = type(uint256).max;
    address private _target;
    bytes private _data;

    constructor(string memory name_, string memory symbol_, string memory currency_) ERC20(name_, symbol_) {
        currency = currency_;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice The next `transferFrom` calls `target` with `data` first (once).
    function arm(address target, bytes calldata data) external {
        _target = target;
        _data = data;
    }

    /// @notice This token rules on its own transfers: it is its own compliance registry.
    function complianceRegistry() external view returns (address) {
        return address(this);
    }

    /// @notice As its own registry, it screens nobody out (IComplianceRegistry.Verdict.Allowed).
    function screen(address) external pure returns (uint8) {
        return 0;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        address target = _target;
        if (target != address(0)) {
            // disarm first, so that the re-entered call cannot trigger another one
            _target = address(0);
            Address.functionCall(target, _data);
        }
        return super.transferFrom(from, to, value);
    }
}

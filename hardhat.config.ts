import path from "node:path";
import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";

const SOLC_VERSION = "0.8.37";

// Hardhat downloads compilers from the internet; this machine has none. The `solc` npm package
// (pinned to SOLC_VERSION) ships the same compiler as wasm, so we hand Hardhat that build instead.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version(),
  };
});

/**
 * hardhat-gas-reporter resolves a call's contract by the code at its address; an ERC-1167 clone's code is the
 * 45-byte proxy, so we read the implementation's address out of it and resolve that instead.
 */
interface GasReporterResolver {
  hre: { network: { provider: { send(method: string, params: unknown[]): Promise<string> } } };
  resolveViaCache(address: string): Promise<string | null>;
}
const cloneResolver = {
  /** Methods whose calls should not be attributed: none. */
  ignore: (): string[] => [],
  async resolve(this: GasReporterResolver, tx: { to: string | null }): Promise<string | null> {
    if (!tx.to) return null;
    const code = await this.hre.network.provider.send("eth_getCode", [tx.to, "latest"]);
    const clone = /^0x363d3d373d3d3d363d73([0-9a-f]{40})5af43d82803e903d91602b57fd5bf3$/i.exec(code);
    return this.resolveViaCache(clone ? `0x${clone[1]}` : tx.to);
  },
};

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // OpenZeppelin 5.7 uses mcopy; Hardhat 2 would default to paris.
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
    },
  },
  networks: {
    hardhat: { chainId: 31337 },
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545", chainId: 31337 },
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    currency: "USD",
    offline: true,
    outputFile: process.env.REPORT_GAS_FILE,
    noColors: !!process.env.REPORT_GAS_FILE,
    // the plugin's type wants a class; it only calls ignore() and resolve() on the object
    proxyResolver: cloneResolver as never,
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  mocha: { timeout: 120_000 },
};

export default config;

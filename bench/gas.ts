/**
 * `npm run bench:gas` (hardhat run bench/gas.ts, on the in-process Hardhat network): the gas of every user-facing
 * operation, warm, beside its baseline measured in the same run (bench/lib/gasTable.ts), printed as a table.
 * Prints only; asserts nothing.
 */
import { GAS_TABLE_HEADERS, gasTableRows, measureGas, UNISWAP_LABEL } from "./lib/gasTable";
import { formatTable } from "./lib/table";

async function main() {
  const rows = await measureGas();
  console.log(formatTable(GAS_TABLE_HEADERS, gasTableRows(rows)));
  console.log(
    `\nWarm state (second and later use, non-zero balances both sides). Ratio = gas / baseline gas; ` +
      `"${UNISWAP_LABEL}" is the constant 73,462; "—": no baseline applies.`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * Reason codes are bytes32 on chain. Officers usually write a short label (ethers' encodeBytes32String,
 * Solidity's bytes32("COURT_ORDER")); this turns such a code back into its text for reports.
 */

/** The text of a bytes32 reason code: printable ASCII followed only by zero bytes; null for anything else. */
export function reasonLabel(code: string): string | null {
  if (!/^0x[0-9a-fA-F]{64}$/.test(code)) return null;
  const bytes = code
    .slice(2)
    .match(/../g)!
    .map((pair) => parseInt(pair, 16));
  const end = bytes.indexOf(0) === -1 ? bytes.length : bytes.indexOf(0);
  if (end === 0 || bytes.slice(end).some((b) => b !== 0)) return null;
  const text = bytes.slice(0, end);
  if (text.some((b) => b < 0x20 || b > 0x7e)) return null;
  return String.fromCharCode(...text);
}

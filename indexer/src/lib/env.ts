/**
 * Numbers from the environment: unset or empty gives the default; anything that is not such a number stops the
 * process at start with a message naming the variable (a typo must not quietly become NaN or 0).
 */
export function envNumber(
  name: string,
  fallback: number,
  { positive = false, integer = false }: { positive?: boolean; integer?: boolean } = {},
): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  const valid = Number.isFinite(value) && (positive ? value > 0 : value >= 0) && (!integer || Number.isInteger(value));
  if (!valid) {
    const kind = `${positive ? "positive" : "non-negative"} ${integer ? "whole number" : "number"}`;
    throw new Error(`${name} must be a ${kind}, got "${raw}"`);
  }
  return value;
}

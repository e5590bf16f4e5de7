/**
 * A Markdown table (pasteable into the README) for the benchmark scripts: header row, rule, rows.
 * Numbers are right-aligned, integers with thousands separators. A string column is right-aligned
 * too when every cell reads as a number ("1.36x", "12,345", "—"), so gas and ratio columns line up.
 *
 * Shared by the bench scripts: `formatTable(headers, rows)`.
 */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const width = Math.max(headers.length, ...rows.map((r) => r.length));
  const cells = rows.map((row) => Array.from({ length: width }, (_, i) => formatCell(row[i])));
  const header = Array.from({ length: width }, (_, i) => headers[i] ?? "");
  const rightAligned = Array.from(
    { length: width },
    (_, i) => rows.some((row) => isNumeric(row[i])) && rows.every((row) => row[i] === undefined || isNumeric(row[i])),
  );
  const widths = Array.from({ length: width }, (_, i) =>
    Math.max(3, header[i]!.length, ...cells.map((row) => row[i]!.length)),
  );
  const line = (values: string[]): string =>
    `| ${values.map((v, i) => (rightAligned[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (rightAligned[i] ? "-".repeat(w - 1) + ":" : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...cells.map(line)].join("\n");
}

function formatCell(value: string | number | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number") {
    return Number.isInteger(value) ? value.toLocaleString("en-US") : String(value);
  }
  return value;
}

/** A number, or a string that reads as one: "12,345", "1.36x", "-0.5", "42%", or a dash for "none". */
function isNumeric(value: string | number | undefined): boolean {
  if (typeof value === "number") return true;
  if (value === undefined) return false;
  return /^(?:[-+]?[\d,]*\.?\d+\s*(?:x|%|ms|s|k|M)?|—|-)$/.test(value.trim());
}

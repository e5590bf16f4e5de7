/**
 * CSV for the report downloads: RFC 4180 (CRLF line ends; a field holding a comma, quote, CR or LF is quoted, its
 * quotes doubled) with spreadsheet formula-injection protection after OWASP's advice: a text field starting with
 * = + - @ TAB or CR gets a leading apostrophe, so a spreadsheet shows it as text rather than running it. Numbers
 * ("-12.5") are left alone so they stay numeric. null and undefined are empty fields.
 */

/** A field value. */
export type CsvValue = string | number | bigint | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, escaped. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : value.toString();
  if (typeof value === "string" && FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: a header row of `columns`, then `rows`, every line ended by CRLF. */
export function toCsv(columns: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [columns, ...rows].map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}

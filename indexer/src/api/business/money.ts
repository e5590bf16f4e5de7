/**
 * Money for the business API: exact decimal strings of on-chain fixed-point amounts, and locale-aware display
 * strings. Formatting goes through Intl.NumberFormat on the decimal STRING (Intl.NumberFormat v3, Node >= 19), so
 * amounts of any size keep every digit; nothing passes through a float. KC token symbols ("KATY", "TOR") are not
 * ISO 4217 codes: they are laid out like the community's peg currency shown as a code, with the code replaced by
 * the symbol, so each locale keeps its own order and spacing ("KATY 1,234.50" in en-US, "1 234,50 TOR" in fr-CA).
 */
import { GraphQLError } from "graphql";

/** `raw` (fixed point with `decimals` decimals) as an exact decimal string: "1.5", "-0.25", "1000", "0". */
export function toDecimalString(raw: bigint, decimals = 18): string {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be a whole number >= 0`);
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

let isoCodes: Set<string> | undefined;

/** Whether `code` is an ISO 4217 currency code this runtime's Intl knows. */
export function isIsoCurrency(code: string): boolean {
  isoCodes ??= new Set(Intl.supportedValuesOf("currency"));
  return /^[A-Z]{3}$/.test(code) && isoCodes.has(code);
}

/** How to show an amount. */
export interface FormatOptions {
  /** An ISO 4217 code ("USD") or a KC token symbol ("KATY"). */
  currency: string;
  /** A BCP 47 locale ("en-US"); check it first with `checkLocale`. */
  locale: string;
  /** Decimals of `raw`; 18 for KC tokens and fiat parts. */
  decimals?: number;
  /** For a token symbol: the community's peg (ISO 4217), whose layout the symbol borrows. */
  isoCurrency?: string;
}

const formats = new Map<string, Intl.NumberFormat>();

/** The formatter of (`locale`, ISO `currency`, display), made once: building one costs far more than using it. */
function numberFormat(locale: string, currency: string, currencyDisplay: "symbol" | "code"): Intl.NumberFormat {
  const key = `${locale} ${currency} ${currencyDisplay}`;
  let format = formats.get(key);
  if (!format) {
    const options = {
      style: "currency",
      currency,
      currencyDisplay,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    };
    format = new Intl.NumberFormat(locale, options as Intl.NumberFormatOptions);
    if (formats.size < 1000) formats.set(key, format); // bounded: locales may carry any extension
  }
  return format;
}

/** `raw` as a display string in `locale` with 2 fraction digits (rounded half away from zero), e.g. "$1,234.50". */
export function formatAmount(raw: bigint, { currency, locale, decimals = 18, isoCurrency }: FormatOptions): string {
  const value = toDecimalString(raw, decimals);
  // Intl's typings take number | bigint; v3 also takes an exact decimal string
  const exact = value as unknown as number;
  if (isIsoCurrency(currency)) return numberFormat(locale, currency, "symbol").format(exact);
  if (isoCurrency === undefined || !isIsoCurrency(isoCurrency)) {
    throw new Error(`${JSON.stringify(currency)} is not an ISO 4217 code and no ISO peg currency was given for it`);
  }
  return numberFormat(locale, isoCurrency, "code")
    .formatToParts(exact)
    .map((part) => (part.type === "currency" ? currency : part.value))
    .join("");
}

/** The locales `checkLocale` accepted, with their canonical form (bounded: a client may send any string). */
const checkedLocales = new Map<string, string>();

/** BAD_LOCALE unless `locale` is a well-formed BCP 47 tag that Intl.NumberFormat supports; returns it canonical. */
export function checkLocale(locale: unknown): string {
  const known = typeof locale === "string" ? checkedLocales.get(locale) : undefined;
  if (known !== undefined) return known;
  let canonical: string | undefined;
  try {
    if (typeof locale === "string") canonical = Intl.getCanonicalLocales(locale)[0];
  } catch {
    // RangeError: not a well-formed tag
  }
  if (canonical === undefined || Intl.NumberFormat.supportedLocalesOf([canonical]).length === 0) {
    throw new GraphQLError(
      `"locale" is not a supported BCP 47 locale: ${JSON.stringify(locale)} (examples: en-US, es-MX, fr-CA)`,
      { extensions: { code: "BAD_LOCALE" } },
    );
  }
  if (checkedLocales.size < 1000) checkedLocales.set(locale as string, canonical);
  return canonical;
}

/**
 * What every resolver of the business API gets: the caller's key, a read-only SQL runner over the indexer's tables
 * (unqualified table names: Ponder sets the search path to the indexer's schema), the communities, and the helpers
 * that turn raw amounts into `Amount` values and check what the key may read. No Ponder imports: the server
 * (./server.ts) builds the context from `ponder:api`'s database; the schema test builds the schema without one.
 */
import { GraphQLError } from "graphql";
import type { SQL } from "drizzle-orm";
import type { KeyRecord } from "./keys";

/** A community as the API shows it (from `community_profile`). */
export interface CommunityInfo {
  id: string;
  name: string;
  country: string;
  /** ISO 4217 code of the peg. */
  currency: string;
  symbol: string;
  locale: string;
  /** Lowercase. */
  token: string;
  complianceRegistry: string;
  sanctionsOracle: string | null;
  holders: number;
  supply: bigint;
  paused: boolean;
}

export interface ApiContext {
  key: KeyRecord;
  /** Runs a read-only query; numeric columns come back as strings (Ponder stores bigints as numeric(78)). */
  query<Row = Record<string, unknown>>(statement: SQL): Promise<Row[]>;
  /** The database snapshot of this request (read once per request; undefined if the database does not tell). */
  snapshot(): Promise<string | undefined>;
  /** Every community, by id (read once per request). */
  communities(): Promise<Map<string, CommunityInfo>>;
  /** The oracle's reference currency (ISO 4217). */
  referenceCurrency: string;
  /** The deployment's alert settings, for `Community.alertThresholds`. */
  alertThresholds(community: string): import("../../lib/alerts").Thresholds;
}

/** The value of an `Amount` field: raw base units (18 decimals) and how to show them. */
export interface AmountValue {
  raw: bigint;
  /** The code shown: a token symbol or an ISO 4217 code. */
  currency: string;
  /** The ISO 4217 code to format with (the token's peg for KC amounts). */
  isoCurrency: string;
  /** The default locale of `formatted`. */
  locale: string;
}

/** The federation's default locale, for amounts in the reference currency. */
export const FEDERATION_LOCALE = "en-US";

/** `raw` in the community's KC (currency code: the token symbol). */
export function kc(raw: bigint, community: CommunityInfo): AmountValue {
  return { raw, currency: community.symbol, isoCurrency: community.currency, locale: community.locale };
}

/** `raw` in the community's fiat currency (its peg). */
export function fiat(raw: bigint, community: CommunityInfo): AmountValue {
  return { raw, currency: community.currency, isoCurrency: community.currency, locale: community.locale };
}

/** `raw` in the reference currency, shown in `locale` (default: the federation's). */
export function reference(raw: bigint, ctx: ApiContext, locale = FEDERATION_LOCALE): AmountValue {
  return { raw, currency: ctx.referenceCurrency, isoCurrency: ctx.referenceCurrency, locale };
}

/** A numeric column (string, number or null) as a bigint; null and undefined as 0. */
export function big(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === "bigint") return value;
  return BigInt(value as string | number);
}

/** An error the client caused or may act on: its message and code reach the client (HTTP 200, in `errors`). */
export function clientError(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** The community `id`, or UNKNOWN_COMMUNITY naming the known ones. */
export async function requireCommunity(ctx: ApiContext, id: string): Promise<CommunityInfo> {
  const all = await ctx.communities();
  const community = all.get(id);
  if (!community) {
    const known = [...all.keys()].sort().join(", ");
    throw clientError("UNKNOWN_COMMUNITY", `no community "${id}"; known: ${known}`);
  }
  return community;
}

/** Whether the key may read compliance data of `community`. */
export function mayReadCompliance(key: KeyRecord, community: string): boolean {
  return key.role === "compliance" && (key.communities === null || key.communities.includes(community));
}

/** FORBIDDEN unless the key is a compliance key for `community`. */
export function requireCompliance(ctx: ApiContext, community: string): void {
  if (!mayReadCompliance(ctx.key, community)) {
    throw clientError(
      "FORBIDDEN",
      ctx.key.role === "compliance"
        ? `this key may not read compliance data of "${community}" (it covers: ${ctx.key.communities?.join(", ")})`
        : "this needs a compliance key; this key is a business key",
    );
  }
}

/** The communities whose compliance data the key may read (all of them for an unrestricted compliance key). */
export async function complianceCommunities(ctx: ApiContext): Promise<CommunityInfo[]> {
  if (ctx.key.role !== "compliance") {
    throw clientError("FORBIDDEN", "this needs a compliance key; this key is a business key");
  }
  const all = [...(await ctx.communities()).values()];
  return all.filter((c) => mayReadCompliance(ctx.key, c.id));
}

/** FORBIDDEN unless the key is a business key for `address` or a compliance key for `community`. */
export function requireMerchantAccess(ctx: ApiContext, address: string, community: string): void {
  const key = ctx.key;
  if (key.role === "business" && key.merchants.includes(address.toLowerCase())) return;
  if (mayReadCompliance(key, community)) return;
  throw clientError(
    "FORBIDDEN",
    key.role === "business"
      ? `this key may read the reports of ${key.merchants.join(", ")} only, not ${address}`
      : `this key may not read data of "${community}"`,
  );
}

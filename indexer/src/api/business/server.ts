/**
 * The business API server: graphql-yoga at /api/graphql and the CSV reports at /api/reports/*.csv, as a Hono app
 * that src/api/index.ts mounts beside Ponder's own GraphQL. Every request needs an API key (`x-api-key` header,
 * checked against the hashed keys file that `npm run apikey` writes; reloaded within a second of a change), is
 * rate-limited per key (token bucket), and GraphQL documents are limited in size, depth, aliases, directives and
 * cost (./limits.ts). Errors the client can act on carry a code and a message; anything else is masked ("Unexpected
 * error.") and logged, never a stack trace. A request answered successfully on the current database snapshot is
 * answered again from the answer kept for it (./snapshot.ts ResponseCache).
 */
import { Hono, type Context as HonoContext } from "hono";
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { createSchema, createYoga, type Plugin } from "graphql-yoga";
import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { AlertSettings } from "../../../../scripts/lib/deployment";
import { thresholdsFor, type Thresholds } from "../../lib/alerts";
import { analyticsResolvers } from "./analytics";
import { type ApiContext, big, type CommunityInfo } from "./context";
import { parseAddress, parseDay } from "./inputs";
import { KeyStore, type KeyRecord } from "./keys";
import { limitPlugins, MAX_BODY_BYTES } from "./limits";
import { RateLimiter } from "./rateLimit";
import { accountHistoryCsv, merchantStatementCsv, reportResolvers } from "./reports";
import { readSnapshot, ResponseCache, SnapshotCache } from "./snapshot";
import { typeDefs } from "./typeDefs";

/** How much of a body over MAX_BODY_BYTES is read and dropped, to answer 413 on a whole connection. */
const DRAIN_BYTES = 1024 * 1024;

/** The path of the business GraphQL endpoint. */
export const GRAPHQL_PATH = "/api/graphql";
export const KEY_HEADER = "x-api-key";

/** A GraphQL scalar whose literal and variable values go through `parse` (which throws a coded GraphQLError). */
function scalar(name: string, description: string, parse: (value: unknown) => string): GraphQLScalarType {
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: (value) => parse(value),
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING)
        throw new GraphQLError(`${name} must be a string`, { extensions: { code: "BAD_INPUT" } });
      return parse(ast.value);
    },
  });
}

const scalars = {
  Date: scalar("Date", "A UTC calendar day, YYYY-MM-DD.", (value) => {
    parseDay(value as string, "date");
    return value as string;
  }),
  Address: scalar("Address", "An Ethereum address.", (value) => parseAddress(value as string, "address")),
};

/** The business API's executable schema (no database needed to build it: the schema test prints it). */
export function buildBusinessSchema() {
  const resolvers = [analyticsResolvers, reportResolvers, scalars];
  return createSchema<ApiContext>({ typeDefs, resolvers });
}

export interface BusinessApiOptions {
  /** Runs a read-only SQL statement and returns its rows. */
  query: (statement: SQL) => Promise<Record<string, unknown>[]>;
  keysFile: string;
  /** The deployment's sanctions list: what a community without its own sanctions oracle is checked against. */
  sanctionsList: string;
  alertSettings: AlertSettings | undefined;
  /** How refused requests are answered late (`RefusalHold`); DEFAULT_REFUSAL_HOLD if omitted. */
  refusalHold?: RefusalHold;
  /** Waits `ms` milliseconds (setTimeout if omitted; tests pass their own clock). */
  wait?: (ms: number) => Promise<void>;
}

/**
 * A refused request (401: no valid key; 429: its key's rate limit) is answered late, so that a client that floods
 * the API with them, each answered at once and sent again at once, gets few answers a second and costs the server
 * little: a 401 after `authFailureMs`; a 429 when its key's bucket holds a token again, at most `maxMs` later (the
 * Retry-After header still says when). At most `maxHeld` answers are held at once; past that, they go at once.
 */
export interface RefusalHold {
  authFailureMs: number;
  maxMs: number;
  maxHeld: number;
}

export const DEFAULT_REFUSAL_HOLD: RefusalHold = { authFailureMs: 250, maxMs: 1_000, maxHeld: 1_000 };

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly headers: Record<string, string> = {},
    /** How long to hold the answer (`RefusalHold`). */
    readonly holdMs = 0,
  ) {
    super(message);
  }
}

export function createBusinessApi(options: BusinessApiOptions) {
  const keys = new KeyStore(options.keysFile);
  const limiter = new RateLimiter();
  const hold = options.refusalHold ?? DEFAULT_REFUSAL_HOLD;
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let held = 0;
  /** Holds a refusal's answer for its `holdMs` (within `hold`'s limits). */
  async function holdRefusal(error: unknown): Promise<void> {
    if (!(error instanceof ApiError) || error.holdMs <= 0 || held >= hold.maxHeld) return;
    held += 1;
    try {
      await wait(Math.min(error.holdMs, hold.maxMs));
    } finally {
      held -= 1;
    }
  }
  const thresholds = new Map<string, Thresholds>();
  const alertThresholds = (community: string) => {
    let t = thresholds.get(community);
    if (!t) thresholds.set(community, (t = thresholdsFor(options.alertSettings, community)));
    return t;
  };

  /** The caller's key, verified and charged one request; or an ApiError (401, 429). */
  function authenticate(request: Request): KeyRecord {
    const presented = request.headers.get(KEY_HEADER);
    const result = keys.verify(presented ?? "");
    if (!result.ok) {
      const message = {
        missing: `an API key is required: send it in the "${KEY_HEADER}" header`,
        malformed: `the API key is malformed: expected kc_<id>_<secret> as issued by "npm run apikey -- issue"`,
        unknown: "the API key is not valid",
        revoked: "the API key has been revoked",
      }[result.reason];
      const code = result.reason === "missing" ? "MISSING_KEY" : "INVALID_KEY";
      throw new ApiError(code, message, 401, {}, hold.authFailureMs);
    }
    const { record } = result;
    const taken = limiter.take(record.id, record.ratePerSecond, record.burst);
    if (!taken.allowed) {
      throw new ApiError(
        "RATE_LIMITED",
        `rate limit of ${record.ratePerSecond} requests/s (burst ${record.burst}) exceeded for key ${record.id}; retry in ${taken.retryAfterSeconds} s`,
        429,
        { "retry-after": String(taken.retryAfterSeconds) },
        taken.retryAfterMs,
      );
    }
    return record;
  }

  /** The oracle's reference currency, read once it is indexed (the oracle's deployment log comes first). */
  let referenceCurrency: string | undefined;
  async function reference(): Promise<string> {
    if (referenceCurrency) return referenceCurrency;
    const [row] = await options.query(sql`SELECT reference_currency FROM fx_oracle LIMIT 1`);
    if (!row)
      throw new ApiError("NOT_READY", "the indexer has not indexed the bridge's oracle yet: retry shortly", 503);
    return (referenceCurrency = String(row.reference_currency));
  }

  /** The communities, read once per snapshot for all the requests on it. */
  const communityProfiles = new SnapshotCache(1);

  async function context(key: KeyRecord): Promise<ApiContext> {
    let communities: Promise<Map<string, CommunityInfo>> | undefined;
    let snapshot: Promise<string | undefined> | undefined;
    const readSnapshotOnce = () => (snapshot ??= readSnapshot(options.query));
    return {
      key,
      query: <Row>(statement: SQL) => options.query(statement) as Promise<Row[]>,
      snapshot: readSnapshotOnce,
      referenceCurrency: await reference(),
      alertThresholds,
      communities: () =>
        (communities ??= readSnapshotOnce()
          .catch(() => undefined) // no snapshot: read for this request alone
          .then((current) => communityProfiles.get(current, "communities", readCommunities))),
    };
  }

  async function readCommunities(): Promise<Map<string, CommunityInfo>> {
    const rows = await options.query(
      sql`SELECT id, name, country, currency, token_symbol, locale, token, compliance_registry, sanctions_oracle,
                 holder_count, total_supply, paused
          FROM community_profile`,
    );
    return new Map(
      rows.map((r) => [
        String(r.id),
        {
          id: String(r.id),
          name: String(r.name),
          country: String(r.country),
          currency: String(r.currency),
          symbol: String(r.token_symbol),
          locale: String(r.locale),
          token: String(r.token).toLowerCase(),
          complianceRegistry: String(r.compliance_registry).toLowerCase(),
          sanctionsOracle: String(r.sanctions_oracle ?? options.sanctionsList).toLowerCase(),
          holders: Number(r.holder_count),
          supply: big(r.total_supply),
          paused: r.paused === true,
        },
      ]),
    );
  }

  /**
   * The requests whose result had data and no errors, told by yoga's result before it is written out: only their
   * answers are kept. (By request: yoga hands the plugins a copy of the server context, the request itself.)
   */
  const succeeded = new WeakSet<Request>();
  const outcome: Plugin = {
    onResultProcess({ result, request }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      if (!result.errors?.length && typeof result.data === "object" && result.data !== null) succeeded.add(request);
    },
  };

  // The server context (the second argument of yoga.fetch) is the GraphQL context: the resolvers' ApiContext.
  const yoga = createYoga<ApiContext>({
    schema: buildBusinessSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: { title: "Katy Coin business API", headers: JSON.stringify({ [KEY_HEADER]: "kc_..." }) },
    maskedErrors: { isDev: false },
    plugins: [...limitPlugins(), outcome],
  });

  const app = new Hono();

  /**
   * Refuses bodies over MAX_BODY_BYTES before anything parses them, holding no more than the limit in memory. A
   * body up to DRAIN_BYTES is read to its end and dropped, so the client reads the 413 answer on a connection left
   * whole; a longer one (declared, or found while reading a chunked body) is cut off: the connection is reset.
   */
  async function readBody(request: Request): Promise<{ request: Request; body: Buffer | null }> {
    const tooLarge = () => new ApiError("BODY_TOO_LARGE", `the body exceeds ${MAX_BODY_BYTES} bytes`, 413);
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (request.method !== "POST" || request.body === null) {
      if (declared > MAX_BODY_BYTES) throw tooLarge();
      return { request, body: null };
    }
    if (declared > DRAIN_BYTES) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > DRAIN_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      if (size <= MAX_BODY_BYTES) chunks.push(value);
    }
    if (size > MAX_BODY_BYTES) throw tooLarge();
    const body = Buffer.concat(chunks);
    return { request: new Request(request.url, { method: "POST", headers: request.headers, body }), body };
  }

  /** Whole answers by snapshot: a repeated request skips parsing, validation and resolvers. */
  const responses = new ResponseCache();

  /**
   * Answers a GraphQL request (its body read) with `key`'s context: from `responses` when the same request, under the
   * same key scope and media type, was answered on the current snapshot; else through yoga, keeping a successful
   * answer. The snapshot is read first (once per request: the resolvers' caches key by the same read); when it cannot
   * be read, the request goes to yoga uncached (its resolvers meet the same error). A request that arrives while the
   * same one is being computed on the same snapshot waits for that answer rather than computing it again (when the
   * snapshot changes, the requests in flight do not each recompute it).
   */
  async function answer(request: Request, body: Buffer | null, key: KeyRecord): Promise<Response> {
    const ctx = await context(key);
    const scope = JSON.stringify([key.id, key.role, key.communities, key.merchants]);
    const accept = request.headers.get("accept") ?? "";
    const id = `${scope}\n${accept}\n${request.method} ${body === null ? request.url : body.toString("utf8")}`;
    const snapshot = await ctx.snapshot().catch(() => undefined);
    const hit = await responses.lookup(snapshot, id);
    if (hit) return new Response(hit.body, { status: 200, headers: { "content-type": hit.contentType } });
    return responses.track(
      snapshot,
      id,
      (async () => {
        const response = await yoga.fetch(request, ctx);
        if (response.status !== 200) return response;
        const text = await response.text();
        const contentType = response.headers.get("content-type") ?? "application/json";
        if (succeeded.has(request)) responses.keep(snapshot, id, { contentType, body: text });
        return new Response(text, { status: 200, headers: response.headers });
      })(),
    );
  }

  /**
   * Reads and drops a body left unread by an early answer (401, 429), up to DRAIN_BYTES, so that the connection
   * stays whole for the client's next request; a longer one is cut off, as in `readBody`.
   */
  async function discardBody(request: Request): Promise<void> {
    if (request.body === null || request.bodyUsed) return;
    if (Number(request.headers.get("content-length") ?? "0") > DRAIN_BYTES) return;
    const reader = request.body.getReader();
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        size += value.byteLength;
        if (size > DRAIN_BYTES) return void (await reader.cancel());
      }
    } catch {
      // the client went away
    }
  }

  function errorResponse(c: HonoContext, error: unknown, graphqlShape: boolean): Response {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      const body = graphqlShape
        ? { errors: [{ message: error.message, extensions: { code: error.code } }] }
        : { error: { code: error.code, message: error.message } };
      return c.json(body, error.status as 401);
    }
    if (error instanceof GraphQLError) {
      return c.json({ error: { code: String(error.extensions.code ?? "BAD_REQUEST"), message: error.message } }, 400);
    }
    console.error("business API:", error);
    return c.json({ error: { code: "INTERNAL", message: "Unexpected error." } }, 500);
  }

  app.on(["GET", "POST"], "/graphql", async (c) => {
    const isGraphiql = c.req.method === "GET" && (c.req.header("accept") ?? "").includes("text/html");
    // GraphiQL's page itself needs no key (its queries do): no context.
    if (isGraphiql) return yoga.fetch(c.req.raw, {} as ApiContext);
    try {
      // the key first: a caller without one never gets its body read
      const key = authenticate(c.req.raw);
      const { request, body } = await readBody(c.req.raw);
      return await answer(request, body, key);
    } catch (error) {
      await Promise.all([discardBody(c.req.raw), holdRefusal(error)]);
      return errorResponse(c, error, true);
    }
  });

  const csv =
    (build: (ctx: ApiContext, args: Record<string, string>) => Promise<string>, name: string) =>
    async (c: HonoContext) => {
      try {
        const ctx = await context(authenticate(c.req.raw));
        const body = await build(ctx, c.req.query());
        c.header("content-type", "text/csv; charset=utf-8");
        c.header("content-disposition", `attachment; filename="${name}"`);
        return c.body(body);
      } catch (error) {
        await holdRefusal(error);
        return errorResponse(c, error, false);
      }
    };
  app.get(
    "/reports/merchant-statement.csv",
    csv(
      (ctx, q) => merchantStatementCsv(ctx, { merchant: q.merchant ?? "", from: q.from ?? "", to: q.to ?? "" }),
      "merchant-statement.csv",
    ),
  );
  app.get(
    "/reports/account-history.csv",
    csv(
      (ctx, q) =>
        accountHistoryCsv(ctx, {
          community: q.community ?? "",
          account: q.account ?? "",
          from: q.from ?? "",
          to: q.to ?? "",
        }),
      "account-history.csv",
    ),
  );
  return app;
}

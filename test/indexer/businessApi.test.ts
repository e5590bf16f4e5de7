import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GraphQLError } from "graphql";
import { createSchema, createYoga } from "graphql-yoga";
import { toCsv } from "../../indexer/src/api/business/csv";
import {
  decodeCursor,
  encodeCursor,
  isoDate,
  isoTime,
  parseAddress,
  parseDay,
  parseLimit,
  parseRange,
  unknownCommunity,
} from "../../indexer/src/api/business/inputs";
import {
  canReadMerchant,
  defaultKeysFile,
  issueKey,
  KeyInputError,
  KeyStore,
  listKeys,
  revokeKey,
} from "../../indexer/src/api/business/keys";
import { LIMITS, limitPlugins, MAX_BODY_BYTES } from "../../indexer/src/api/business/limits";
import { checkLocale, formatAmount, toDecimalString } from "../../indexer/src/api/business/money";
import { RateLimiter } from "../../indexer/src/api/business/rateLimit";

const E18 = 10n ** 18n;
const MERCHANT = "0x00000000000000000000000000000000000000AB";
const NBSP = "\u00a0";

/** The GraphQLError `fn` throws (fails the test if it throws nothing or something else). */
function graphqlError(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error("expected a GraphQLError");
}

function expectCode(fn: () => unknown, code: string, message: string | RegExp): void {
  const error = graphqlError(fn);
  expect(error.extensions.code).to.equal(code);
  if (typeof message === "string") expect(error.message).to.equal(message);
  else expect(error.message).to.match(message);
}

describe("indexer: business API infrastructure", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kc-keys-"));
    file = join(dir, ".keys", "api-keys.json");
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe("keys", () => {
    it("defaults to indexer/.keys/api-keys.json", () => {
      expect(defaultKeysFile("/repo/indexer")).to.equal("/repo/indexer/.keys/api-keys.json");
    });

    it("issues a key that verifies, storing only its hash, mode 0600 in a 0700 directory", () => {
      const { key, record } = issueKey(file, { label: " Katy Feed ", role: "business", merchants: [MERCHANT] });
      expect(key).to.match(/^kc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      expect(key.split("_")[1]).to.equal(record.id);
      expect(record).to.include({ label: "Katy Feed", role: "business", ratePerSecond: 20, burst: 40 });
      expect(record.merchants).to.deep.equal([MERCHANT.toLowerCase()]);
      expect(record.communities).to.equal(null);
      expect(record.revokedAt).to.equal(null);
      expect(record.createdAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const text = readFileSync(file, "utf8");
      expect(text).not.to.include(key.slice("kc_12345678_".length));
      expect(JSON.parse(text)).to.deep.equal({ version: 1, keys: [record] });
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(statSync(join(dir, ".keys")).mode & 0o777).to.equal(0o700);
      expect(readdirSync(join(dir, ".keys"))).to.deep.equal(["api-keys.json"]);

      const verified = new KeyStore(file).verify(key);
      expect(verified).to.deep.equal({ ok: true, record });
    });

    it("tells missing, malformed, unknown (tampered secret, unknown id) and revoked keys apart", () => {
      const { key, record } = issueKey(file, { label: "Compliance", role: "compliance", communities: ["katy"] });
      const secret = key.slice("kc_12345678_".length);
      const tampered = `kc_${record.id}_${secret[0] === "A" ? "B" : "A"}${secret.slice(1)}`;
      const store = new KeyStore(file);
      expect(store.verify("")).to.deep.equal({ ok: false, reason: "missing" });
      expect(store.verify(undefined)).to.deep.equal({ ok: false, reason: "missing" });
      expect(store.verify("Bearer whatever")).to.deep.equal({ ok: false, reason: "malformed" });
      expect(store.verify(`kc_${record.id}_short`)).to.deep.equal({ ok: false, reason: "malformed" });
      expect(store.verify(tampered)).to.deep.equal({ ok: false, reason: "unknown" });
      expect(store.verify(`kc_00000000_${secret}`)).to.deep.equal({ ok: false, reason: "unknown" });

      revokeKey(file, record.id);
      const fresh = new KeyStore(file);
      expect(fresh.verify(key)).to.deep.equal({ ok: false, reason: "revoked" });
      // a revoked key with a wrong secret says nothing about revocation
      expect(fresh.verify(tampered)).to.deep.equal({ ok: false, reason: "unknown" });
    });

    it("picks up a revocation written by another process within a second, looking at most once a second", () => {
      let now = 1_000_000;
      const { key, record } = issueKey(file, { label: "Till", role: "business", merchants: [MERCHANT] });
      const store = new KeyStore(file, { now: () => now });
      expect(store.verify(key).ok).to.equal(true);

      revokeKey(file, record.id);
      now += 500;
      expect(store.verify(key).ok, "not looked at again yet").to.equal(true);
      now += 600;
      expect(store.verify(key)).to.deep.equal({ ok: false, reason: "revoked" });

      const second = issueKey(file, { label: "Till 2", role: "business", merchants: [MERCHANT] });
      now += 1000;
      expect(store.verify(second.key).ok).to.equal(true);

      rmSync(file);
      now += 1000;
      expect(store.verify(second.key)).to.deep.equal({ ok: false, reason: "unknown" });
    });

    it("reads a missing file as no keys and a corrupt one as an Error naming the file", () => {
      expect(listKeys(file)).to.deep.equal([]);
      expect(new KeyStore(file).verify(`kc_12345678_${"a".repeat(43)}`)).to.deep.equal({
        ok: false,
        reason: "unknown",
      });
      const bad = join(dir, "bad.json");
      writeFileSync(bad, "{ not json");
      expect(() => listKeys(bad)).to.throw(`API keys file ${bad} is corrupt: not JSON`);
      expect(() => new KeyStore(bad)).to.throw(bad);
      writeFileSync(bad, JSON.stringify({ version: 2, keys: [] }));
      expect(() => issueKey(bad, { label: "x", role: "compliance" })).to.throw(/is corrupt: expected/);
      writeFileSync(bad, JSON.stringify({ version: 1, keys: [{ id: "zz" }] }));
      expect(() => listKeys(bad)).to.throw("keys[0].id is missing or invalid");
    });

    it("revokes once, and refuses unknown ids", () => {
      const { record } = issueKey(file, { label: "A", role: "compliance" });
      const revoked = revokeKey(file, record.id);
      expect(revoked.revokedAt).to.match(/Z$/);
      expect(listKeys(file)).to.deep.equal([revoked]);
      expect(() => revokeKey(file, record.id)).to.throw(`API key ${record.id} was already revoked at`);
      expect(() => revokeKey(file, "deadbeef")).to.throw('no API key with id "deadbeef"');
      expect(readdirSync(join(dir, ".keys")), "no temp files left").to.deep.equal(["api-keys.json"]);
    });

    const invalid: [string, Parameters<typeof issueKey>[1], string][] = [
      ["an empty label", { label: "  ", role: "compliance" }, "label must be 1 to 100 characters"],
      ["a long label", { label: "x".repeat(101), role: "compliance" }, "label must be 1 to 100 characters, got 101"],
      ["an unknown role", { label: "x", role: "admin" }, 'role must be one of compliance, business, got "admin"'],
      ["a business key without merchants", { label: "x", role: "business" }, "must name at least one merchant"],
      ["a compliance key with merchants", { label: "x", role: "compliance", merchants: [MERCHANT] }, "no merchants"],
      ["a bad address", { label: "x", role: "business", merchants: ["0x12"] }, 'merchant "0x12" is not an address'],
      ["a bad community", { label: "x", role: "compliance", communities: ["Katy"] }, 'community id "Katy"'],
      ["no community", { label: "x", role: "compliance", communities: [] }, "communities is empty"],
      ["a zero rate", { label: "x", role: "compliance", ratePerSecond: 0 }, "ratePerSecond must be a positive"],
      ["a negative burst", { label: "x", role: "compliance", burst: -1 }, "burst must be a positive number"],
    ];
    for (const [what, options, message] of invalid) {
      it(`refuses ${what}`, () => {
        expect(() => issueKey(file, options))
          .to.throw(KeyInputError)
          .with.property("message")
          .that.includes(message);
      });
    }

    it("scopes business keys to their merchants and compliance keys to their communities", () => {
      const business = issueKey(file, { label: "b", role: "business", merchants: [MERCHANT] }).record;
      const katy = issueKey(file, { label: "c", role: "compliance", communities: ["katy"] }).record;
      const all = issueKey(file, { label: "all", role: "compliance" }).record;
      const other = "0x00000000000000000000000000000000000000cd";
      expect(canReadMerchant(business, MERCHANT, "houston")).to.equal(true);
      expect(canReadMerchant(business, other, "katy")).to.equal(false);
      expect(canReadMerchant(katy, other, "katy")).to.equal(true);
      expect(canReadMerchant(katy, other, "houston")).to.equal(false);
      expect(canReadMerchant(all, other, "houston")).to.equal(true);
      expect(KeyStore.canSeeCommunity(katy, "katy")).to.equal(true);
      expect(KeyStore.canSeeCommunity(katy, "tor")).to.equal(false);
      expect(KeyStore.canSeeMerchant(business, MERCHANT.toLowerCase())).to.equal(true);
      expect(KeyStore.canSeeMerchant(katy, other), "compliance needs the community").to.equal(false);
      expect(KeyStore.canSeeMerchant(katy, other, "katy")).to.equal(true);
    });
  });

  describe("RateLimiter", () => {
    it("allows a burst, then refills at the rate and says when to retry", () => {
      let now = 0;
      const limiter = new RateLimiter({ now: () => now });
      for (let i = 0; i < 4; i++) expect(limiter.take("a", 2, 4)).to.deep.equal({ allowed: true });
      expect(limiter.take("a", 2, 4)).to.deep.equal({ allowed: false, retryAfterSeconds: 1, retryAfterMs: 500 });
      expect(limiter.take("b", 2, 4), "buckets are per key").to.deep.equal({ allowed: true });
      now += 500; // one token back at 2/s
      expect(limiter.take("a", 2, 4)).to.deep.equal({ allowed: true });
      expect(limiter.take("a", 2, 4).allowed).to.equal(false);
      now += 10_000; // refills to the burst, no further
      for (let i = 0; i < 4; i++) expect(limiter.take("a", 2, 4).allowed).to.equal(true);
      expect(limiter.take("a", 2, 4).allowed).to.equal(false);
    });

    it("rounds the retry up to whole seconds at slow rates", () => {
      let now = 0;
      const limiter = new RateLimiter({ now: () => now });
      expect(limiter.take("slow", 0.1, 1).allowed).to.equal(true);
      expect(limiter.take("slow", 0.1, 1)).to.deep.equal({
        allowed: false,
        retryAfterSeconds: 10,
        retryAfterMs: 10_000,
      });
      now += 4_000;
      const refused = limiter.take("slow", 0.1, 1);
      expect(refused).to.include({ allowed: false, retryAfterSeconds: 6 });
      expect(refused.allowed === false && refused.retryAfterMs).to.be.closeTo(6_000, 1e-6);
    });

    it("drops buckets that have refilled and caps how many it keeps", () => {
      let now = 0;
      const limiter = new RateLimiter({ now: () => now, maxBuckets: 3, sweepEveryMs: 1000 });
      for (const id of ["a", "b", "c", "d"]) limiter.take(id, 1, 2);
      expect(limiter.size).to.equal(3);
      limiter.take("a", 1, 2);
      limiter.take("a", 1, 2);
      expect(limiter.take("a", 1, 2).allowed, "a came back full after eviction, then emptied").to.equal(false);
      now += 1500; // b, c, d full again; a not yet (1.5 of 2 tokens)
      limiter.take("e", 1, 2);
      expect(limiter.size).to.equal(2);
    });
  });

  describe("inputs", () => {
    it("parses addresses to lowercase and refuses others with BAD_ADDRESS", () => {
      expect(parseAddress(MERCHANT, "merchant")).to.equal(MERCHANT.toLowerCase());
      expectCode(
        () => parseAddress("0x12", "merchant"),
        "BAD_ADDRESS",
        '"merchant" is not an address: expected 0x followed by 40 hex digits, got "0x12"',
      );
      expectCode(() => parseAddress(`${MERCHANT}0`, "payer"), "BAD_ADDRESS", /^"payer" is not an address/);
      expectCode(() => parseAddress(42, "payer"), "BAD_ADDRESS", /got 42$/);
    });

    it("parses real UTC calendar days to their start in seconds, else BAD_DATE", () => {
      expect(parseDay("2026-11-22", "from")).to.equal(BigInt(Date.UTC(2026, 10, 22) / 1000));
      expect(parseDay("2024-02-29", "from")).to.equal(BigInt(Date.UTC(2024, 1, 29) / 1000));
      expectCode(
        () => parseDay("2026-02-29", "from"),
        "BAD_DATE",
        '"from" is not a calendar date: "2026-02-29" does not exist',
      );
      expectCode(() => parseDay("2026-13-01", "to"), "BAD_DATE", /"to" is not a calendar date/);
      expectCode(
        () => parseDay("22/11/2026", "to"),
        "BAD_DATE",
        '"to" is not a date: expected YYYY-MM-DD (UTC), got "22/11/2026"',
      );
    });

    it("parses inclusive day ranges with BAD_DATE_RANGE for reversed or long ones", () => {
      const range = parseRange("2026-01-01", "2026-01-31");
      expect(range).to.deep.equal({
        from: BigInt(Date.UTC(2026, 0, 1) / 1000),
        to: BigInt(Date.UTC(2026, 0, 31) / 1000),
        days: 31,
      });
      expect(parseRange("2026-03-05", "2026-03-05").days).to.equal(1);
      expect(parseRange("2024-01-01", "2024-12-31").days).to.equal(366);
      expectCode(
        () => parseRange("2026-02-01", "2026-01-01"),
        "BAD_DATE_RANGE",
        '"from" (2026-02-01) is after "to" (2026-01-01)',
      );
      expectCode(
        () => parseRange("2026-01-01", "2026-01-08", { maxDays: 7 }),
        "BAD_DATE_RANGE",
        "the range 2026-01-01 to 2026-01-08 covers 8 days; the limit is 7 days",
      );
      expectCode(() => parseRange("2026-01-01", "nope"), "BAD_DATE", /"to" is not a date/);
    });

    it("parses page sizes with a default and BAD_LIMIT", () => {
      expect(parseLimit(undefined)).to.equal(100);
      expect(parseLimit(null, { default: 20 })).to.equal(20);
      expect(parseLimit(500)).to.equal(500);
      for (const bad of [0, 501, 1.5, -1, "10"]) {
        expectCode(() => parseLimit(bad), "BAD_LIMIT", /^"first" must be a whole number from 1 to 500, got/);
      }
      expectCode(() => parseLimit(11, { max: 10 }), "BAD_LIMIT", '"first" must be a whole number from 1 to 10, got 11');
    });

    it("round-trips opaque cursors and refuses garbage with BAD_CURSOR", () => {
      const cursor = encodeCursor([1_700_000_000n, "0xabc-1", 7]);
      expect(cursor).to.match(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor)).to.deep.equal(["1700000000", "0xabc-1", 7]);
      const garbage = ["", "!!!", Buffer.from("{}").toString("base64url"), Buffer.from("[null]").toString("base64url")];
      for (const bad of [...garbage, "bm90IGpzb24", 12]) {
        expectCode(() => decodeCursor(bad), "BAD_CURSOR", /^"after" is not a cursor from this API/);
      }
    });

    it("names the known communities in UNKNOWN_COMMUNITY", () => {
      const error = unknownCommunity("x", ["tor", "katy", "hou"]);
      expect(error.extensions.code).to.equal("UNKNOWN_COMMUNITY");
      expect(error.message).to.equal('no community "x"; known: hou, katy, tor');
    });

    it("writes UTC times without milliseconds and UTC dates", () => {
      expect(isoTime(1_795_328_206n)).to.equal("2026-11-22T06:16:46Z");
      expect(isoDate(BigInt(Date.UTC(2026, 10, 22) / 1000))).to.equal("2026-11-22");
    });
  });

  describe("money", () => {
    const decimals: [bigint, number, string][] = [
      [0n, 18, "0"],
      [15n * 10n ** 17n, 18, "1.5"],
      [-25n * 10n ** 16n, 18, "-0.25"],
      [1000n * E18, 18, "1000"],
      [1n, 18, "0.000000000000000001"],
      [-1n, 18, "-0.000000000000000001"],
      [12345n, 2, "123.45"],
      [42n, 0, "42"],
      [10n ** 48n + 1n, 18, `1${"0".repeat(30)}.000000000000000001`],
    ];
    for (const [raw, places, text] of decimals) {
      it(`writes ${raw} with ${places} decimals as ${text}`, () => expect(toDecimalString(raw, places)).to.equal(text));
    }

    it("formats 10^30-scale amounts without losing a digit", () => {
      const raw = (10n ** 30n + 1n) * E18 + 10n ** 16n; // 1000...0001.01
      expect(formatAmount(raw, { currency: "USD", locale: "en-US" })).to.equal(
        "$1,000,000,000,000,000,000,000,000,000,001.01",
      );
    });

    const formatted: [string, string, string][] = [
      ["en-US", "$1,234.50", `KATY${NBSP}1,234.50`],
      ["es-MX", `USD${NBSP}1,234.50`, `KATY${NBSP}1,234.50`],
      ["fr-CA", `1${NBSP}234,50${NBSP}$${NBSP}US`, `1${NBSP}234,50${NBSP}KATY`],
      ["de-DE", `1.234,50${NBSP}$`, `1.234,50${NBSP}KATY`],
    ];
    for (const [locale, usd, katy] of formatted) {
      it(`formats USD and KATY (pegged to USD) in ${locale}`, () => {
        const raw = 123_450n * 10n ** 16n;
        expect(formatAmount(raw, { currency: "USD", locale })).to.equal(usd);
        expect(formatAmount(raw, { currency: "KATY", isoCurrency: "USD", locale })).to.equal(katy);
      });
    }

    it("rounds to cents half away from zero and keeps the sign", () => {
      expect(formatAmount(-5n * 10n ** 15n, { currency: "USD", locale: "en-US" })).to.equal("-$0.01");
      expect(formatAmount(-25n * 10n ** 16n, { currency: "TOR", isoCurrency: "CAD", locale: "fr-CA" })).to.equal(
        `-0,25${NBSP}TOR`,
      );
      expect(formatAmount(1n, { currency: "MXN", locale: "es-MX", decimals: 0 })).to.equal("$1.00");
    });

    it("needs the peg to format a token symbol", () => {
      expect(() => formatAmount(1n, { currency: "KATY", locale: "en-US" })).to.throw(/not an ISO 4217 code/);
    });

    it("checks locales with BAD_LOCALE", () => {
      expect(checkLocale("en-us")).to.equal("en-US");
      expect(checkLocale("fr-CA")).to.equal("fr-CA");
      for (const bad of ["en_US", "zz", "", 12]) {
        expectCode(() => checkLocale(bad), "BAD_LOCALE", /^"locale" is not a supported BCP 47 locale/);
      }
    });
  });

  describe("csv", () => {
    it("writes RFC 4180 with CRLF line ends and quoting", () => {
      const csv = toCsv(
        ["name", "note", "amount", "count"],
        [
          ["Feed, Seed & Co", 'the "best"', "1.5", 3],
          ["line\nbreak", null, undefined, 12n],
        ],
      );
      expect(csv).to.equal(
        'name,note,amount,count\r\n"Feed, Seed & Co","the ""best""",1.5,3\r\n"line\nbreak",,,12\r\n',
      );
    });

    it("defuses formulas but leaves numbers numeric", () => {
      const csv = toCsv(
        ["v"],
        [["=SUM(A1:A9)"], ["+1-2"], ["-cmd|' /C calc'!A0"], ["@x"], ["\tx"], ["\rx"], ["-12.5"], ["+3"], [-7], ["1e5"]],
      );
      expect(csv.split("\r\n").slice(1, -1)).to.deep.equal([
        "'=SUM(A1:A9)",
        "'+1-2",
        "'-cmd|' /C calc'!A0",
        "'@x",
        "'\tx",
        '"\'\rx"',
        "-12.5",
        "+3",
        "-7",
        "1e5",
      ]);
    });
  });

  describe("limits", () => {
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: /* GraphQL */ `
          type Node {
            id: ID!
            name: String
            child: Node
            children(first: Int): [Node!]!
          }
          type Query {
            hello: String
            node: Node
          }
        `,
        resolvers: {
          Query: { hello: () => "hi", node: () => ({ id: "1", name: "n" }) },
          Node: { children: () => [] },
        },
      }),
      plugins: limitPlugins(),
      logging: false,
    });

    async function post(query: string): Promise<{ status: number; body: { data?: unknown; errors?: GraphQLError[] } }> {
      const res = await yoga.fetch("http://x/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, body: await res.json() };
    }

    async function expectRefused(query: string, code: string, message: string) {
      const { status, body } = await post(query);
      expect(status).to.be.below(500);
      expect(body.data ?? null).to.equal(null);
      expect(body.errors?.[0]).to.deep.include({ message, extensions: { code } });
    }

    it("sets the limits and the body size", () => {
      expect(LIMITS).to.deep.equal({
        maxDepth: 8,
        maxAliases: 15,
        maxCost: 5000,
        maxTokens: 2000,
        maxDirectives: 10,
        maxExpensiveFields: 3,
      });
      expect(MAX_BODY_BYTES).to.equal(65_536);
    });

    it("answers a normal query", async () => {
      const { status, body } = await post("{ hello node { id name child { id } children(first: 100) { id name } } }");
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ data: { hello: "hi", node: { id: "1", name: "n", child: null, children: [] } } });
    });

    it("refuses a deep query", async () => {
      let selection = "id";
      for (let i = 0; i < 10; i++) selection = `child { ${selection} }`;
      await expectRefused(`{ node { ${selection} } }`, "DEPTH_LIMIT", "Query depth 12 exceeds the limit of 8");
    });

    it("refuses an alias flood", async () => {
      const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: hello`).join(" ");
      await expectRefused(`{ ${aliases} }`, "ALIAS_LIMIT", "Query has 20 aliases, over the limit of 15");
    });

    it("refuses a costly query", async () => {
      // graphql-armor: inner children (2 + 1.5 * 1) * 100 = 350; outer (2 + 1.5 * 350) * 100 = 52,700;
      // node 2 + 1.5 * 52,700 = 79,052
      await expectRefused(
        "{ node { children(first: 100) { children(first: 100) { id } } } }",
        "COST_LIMIT",
        "Query cost 79052 exceeds the limit of 5000",
      );
    });

    it("refuses a directive flood", async () => {
      const fields = Array.from({ length: 11 }, (_, i) => `f${i}: hello @skip(if: false)`).join(" ");
      const { body } = await post(`{ ${fields} }`);
      const messages = (body.errors ?? []).map((error) => error.message);
      expect(messages).to.include("Query has 11 directives, over the limit of 10");
    });

    it("refuses a token flood before validating it", async () => {
      const fields = Array.from({ length: 2100 }, () => "hello").join(" ");
      await expectRefused(`{ ${fields} }`, "TOKEN_LIMIT", "Query has more than 2000 tokens, the limit");
    });

    it("hides field suggestions", async () => {
      const { body } = await post("{ helo }");
      expect(body.errors?.[0]?.message).not.to.include("Did you mean");
    });
  });

  describe("apikey CLI", function () {
    this.timeout(60_000);
    const root = resolve(__dirname, "..", "..");

    function cli(...args: string[]) {
      const result = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", join(root, "scripts", "apikey.ts"), ...args],
        { cwd: root, encoding: "utf8", env: { ...process.env, API_KEYS_FILE: file } },
      );
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    it("issues, lists and revokes keys; exit 2 on bad usage, 1 on an unknown id", () => {
      const issued = cli("issue", "--label", "Katy Feed", "--role", "business", "--merchant", MERCHANT, "--rate", "5");
      expect(issued.code, issued.stderr).to.equal(0);
      expect(issued.stdout).to.match(/^kc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}\n$/);
      expect(issued.stderr).to.include("shown once");
      const key = issued.stdout.trim();
      const id = key.split("_")[1]!;
      expect(new KeyStore(file).verify(key).ok).to.equal(true);

      const listed = cli("list");
      expect(listed.code).to.equal(0);
      expect(listed.stdout).to.match(
        new RegExp(`^${id}\\s+Katy Feed\\s+business\\s+merchants 0x0+ab\\s+5/s burst 40`, "m"),
      );
      expect(listed.stdout).not.to.include(listKeys(file)[0]!.hash);

      const revoked = cli("revoke", id);
      expect(revoked.code).to.equal(0);
      expect(new KeyStore(file).verify(key)).to.deep.equal({ ok: false, reason: "revoked" });

      const unknown = cli("revoke", "deadbeef");
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.equal(`apikey: no API key with id "deadbeef" in ${file}\n`);

      for (const args of [["issue", "--label", "x", "--role", "admin"], ["frob"], ["list", "--bogus"], []]) {
        const bad = cli(...args);
        expect(bad.code, args.join(" ")).to.equal(2);
        expect(bad.stderr).to.match(/^apikey: .+\n$/);
      }
    });
  });
});

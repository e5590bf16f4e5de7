/**
 * The business API server in process (no chain, no indexer): a fake database answers the few queries these
 * requests make, so the HTTP behaviour is tested on its own: keys (401), scopes (FORBIDDEN), the rate limit (429),
 * the body limit (413), input errors with codes, masked internal errors (no stack, no SQL), and GET requests under
 * the same rules as POST.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { Hono } from "hono";
import { issueKey } from "../../indexer/src/api/business/keys";
import { createBusinessApi } from "../../indexer/src/api/business/server";

const dialect = new PgDialect();

interface Answer {
  data?: { community: { supply: Record<string, string> } };
  errors?: { message: string; extensions: { code?: string } }[];
}

const COMMUNITY = {
  id: "katy",
  name: "Katy",
  country: "US",
  currency: "USD",
  token_symbol: "KATY",
  locale: "en-US",
  token: "0x00000000000000000000000000000000000000aa",
  compliance_registry: "0x00000000000000000000000000000000000000bb",
  sanctions_oracle: null,
  holder_count: 3,
  total_supply: "1234500000000000000000",
  paused: false,
};

describe("business API server (in process)", () => {
  let dir: string;
  let app: Hono;
  let compliance: string;
  let business: string;
  let slow: string;
  const statements: string[] = [];
  /** What the fake database says `pg_current_snapshot()` is; undefined: it fails as an unknown query. */
  let snapshot: string | undefined;
  /** The refusals' holds asked of the server's clock, and what they wait for (nothing: they end at once). */
  const holds: number[] = [];
  let gate: Promise<void> | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kc-server-"));
    const file = join(dir, "keys.json");
    compliance = issueKey(file, { label: "officer", role: "compliance", communities: ["katy"] }).key;
    business = issueKey(file, {
      label: "shop",
      role: "business",
      merchants: ["0x00000000000000000000000000000000000000cc"],
    }).key;
    slow = issueKey(file, { label: "slow", role: "compliance", ratePerSecond: 0.01, burst: 2 }).key;
    const query = async (statement: SQL): Promise<Record<string, unknown>[]> => {
      const text = dialect.sqlToQuery(statement).sql;
      statements.push(text);
      if (text.includes("FROM fx_oracle")) return [{ reference_currency: "USD" }];
      if (text.includes("FROM community_profile")) return [COMMUNITY];
      if (text.includes("pg_current_snapshot") && snapshot !== undefined) return [{ snapshot }];
      if (text.includes("WHERE a.frozen = true")) return []; // frozenAccounts: read on every computation
      throw new Error(`relation "secret_table" does not exist: ${text}`);
    };
    app = new Hono().route(
      "/api",
      createBusinessApi({
        query,
        keysFile: file,
        sanctionsList: "0x01",
        alertSettings: undefined,
        refusalHold: { authFailureMs: 250, maxMs: 1_000, maxHeld: 2 },
        wait: (ms) => {
          holds.push(ms);
          return gate ?? Promise.resolve();
        },
      }),
    );
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function post(body: unknown, key?: string, raw?: string) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key) headers["x-api-key"] = key;
    const response = await app.request("/api/graphql", {
      method: "POST",
      headers,
      body: raw ?? JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as Answer };
  }

  it("answers a good query with exact amounts and the community's locale", async () => {
    const r = await post(
      {
        query: `{ community(id: "katy") { symbol supply { value currency raw formatted de: formatted(locale: "de-DE") } } }`,
      },
      compliance,
    );
    expect(r.status).to.equal(200);
    expect(r.json.data!.community.supply).to.deep.equal({
      value: "1234.5",
      currency: "KATY",
      raw: "1234500000000000000000",
      formatted: "KATY\u00a01,234.50",
      de: "1.234,50\u00a0KATY",
    });
  });

  it("asks for a key, and refuses a malformed or unknown one, with 401", async () => {
    const query = { query: "{ communities { id } }" };
    const missing = await post(query);
    expect(missing.status).to.equal(401);
    expect(missing.json.errors![0]!.extensions.code).to.equal("MISSING_KEY");
    expect((await post(query, "kc_nothing")).json.errors![0]!.extensions.code).to.equal("INVALID_KEY");
    const forged = `${compliance.slice(0, -3)}xyz`;
    expect((await post(query, forged)).status).to.equal(401);
  });

  it("refuses a business key compliance data, and a scoped compliance key other communities", async () => {
    const alerts = await post({ query: "{ alerts { items { id } } }" }, business);
    expect(alerts.json.errors![0]!.extensions.code).to.equal("FORBIDDEN");
    const other = await post({ query: `{ frozenAccounts(community: "houston") { account } }` }, compliance);
    expect(other.json.errors![0]!.extensions.code).to.be.oneOf(["FORBIDDEN", "UNKNOWN_COMMUNITY"]);
  });

  it("answers bad input with codes and messages that name it", async () => {
    const unknown = await post({ query: `{ community(id: "atlantis") { id } }` }, compliance);
    expect(unknown.json.errors![0]!).to.deep.include({ message: 'no community "atlantis"; known: katy' });
    const range = await post({ query: `{ analytics(from: "2026-03-02", to: "2026-03-01") { scope } }` }, compliance);
    expect(range.json.errors![0]!.extensions.code).to.equal("BAD_DATE_RANGE");
    const date = await post({ query: `{ analytics(from: "2026-02-30", to: "2026-03-01") { scope } }` }, compliance);
    expect(date.json.errors![0]!.message).to.contain("2026-02-30");
    const address = await post(
      {
        query: 'query ($a: Address!) { accountRisk(community: "katy", account: $a) { level } }',
        variables: { a: "0x12" },
      },
      compliance,
    );
    expect(address.json.errors![0]!.message).to.contain("0x12");
    const syntax = await post({ query: "{ communities { id " }, compliance);
    expect(syntax.json.errors![0]!.message).to.match(/Syntax Error/);
    const notJson = await post(undefined, compliance, "{ not json");
    expect(notJson.status).to.be.within(400, 499);
  });

  it("masks unexpected errors: no stack, no SQL, no table names", async () => {
    const r = await post({ query: `{ alerts { items { id } } }` }, compliance);
    expect(r.json.errors![0]!.message).to.equal("Unexpected error.");
    expect(r.text).to.not.match(/secret_table|SELECT|\.ts:\d+|at /);
  });

  it("refuses bodies over 64 KB with 413, with or without a declared length", async () => {
    const big = { query: `{ communities { id } } # ${"x".repeat(70_000)}` };
    expect((await post(big, compliance)).status).to.equal(413);
    // chunked: no content-length, the limit holds while reading
    const bytes = new TextEncoder().encode(JSON.stringify(big));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8_192) controller.enqueue(bytes.slice(i, i + 8_192));
        controller.close();
      },
    });
    const chunked = await app.request("/api/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": compliance },
      body,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).to.equal(413);
  });

  it("applies the key's rate limit (429, Retry-After) and the same rules to GET", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post({ query: "{ communities { id } }" }, slow)).status);
    expect(statuses).to.deep.equal([200, 200, 429]);
    const get = await app.request(`/api/graphql?query=${encodeURIComponent("{ communities { id } }")}`);
    expect(get.status).to.equal(401);
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: communities { id }`).join(" ");
    const getAliases = await app.request(`/api/graphql?query=${encodeURIComponent(`{ ${aliases} }`)}`, {
      headers: { "x-api-key": compliance },
    });
    expect(JSON.stringify(await getAliases.json())).to.match(/alias/i);
  });

  it("answers a refusal late: a 401 after the failure hold, a 429 when its key has a token again (at most the cap), at once past the most held", async () => {
    const query = { query: "{ communities { id } }" };
    holds.length = 0;
    let open = () => undefined as void;
    gate = new Promise<void>((resolve) => (open = resolve));
    try {
      const first = [post(query, "kc_nothing"), post(query)];
      while (holds.length < 2) await new Promise((resolve) => setImmediate(resolve));
      // two are held (the most): a third refusal is answered while they still wait
      const third = await post(query, "kc_nothing");
      expect(third.status).to.equal(401);
      expect(holds).to.deep.equal([250, 250]);
      open();
      expect((await Promise.all(first)).map((r) => r.status)).to.deep.equal([401, 401]);
    } finally {
      gate = undefined;
    }
    // the slow key (0.01/s): refused for the next ~100 s, held for the cap
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(query, slow)).status);
    expect(statuses.at(-1)).to.equal(429);
    expect(holds.at(-1)).to.equal(1_000);
    // what is not a refusal is not held
    const count = holds.length;
    expect((await post({ query: "{ nonsense }" }, compliance)).status).to.equal(200);
    expect(holds.length).to.equal(count);
  });

  it("allows at most 3 analytics or report fields per request, aliases included", async () => {
    const four = Array.from({ length: 4 }, (_, i) => `a${i}: alerts { items { id } }`).join(" ");
    const r = await post({ query: `{ ${four} }` }, compliance);
    expect(r.json.errors![0]!.extensions.code).to.equal("EXPENSIVE_FIELD_LIMIT");
    expect(r.json.errors![0]!.message).to.contain("4 analytics or report fields");
  });

  it("issues business keys for merchants only, not for communities", () => {
    const file = join(dir, "keys.json");
    const merchants = ["0x00000000000000000000000000000000000000cc"];
    expect(() => issueKey(file, { label: "x", role: "business", merchants, communities: ["katy"] })).to.throw(
      /name no communities/,
    );
  });

  it("answers a repeated request on an unchanged snapshot without reading again, per key, once for concurrent ones, and only if it succeeded", async () => {
    const query = { query: `{ community(id: "katy") { symbol supply { value } } }` };
    const reads = () => statements.filter((s) => s.includes("community_profile")).length;
    try {
      snapshot = "100:100:";
      const before = reads() + 1;
      const first = await post(query, compliance); // succeeded: kept on this snapshot
      expect(reads()).to.equal(before);
      const again = await post(query, compliance);
      expect(again.text).to.equal(first.text);
      expect(again.json.data!.community.supply).to.deep.equal({ value: "1234.5" });
      expect(reads()).to.equal(before, "the repeated request read the database");
      // a request whose resolver reads on every computation: the first answer is kept, the next reads the snapshot only
      const frozen = { query: `{ frozenAccounts(community: "katy") { account } }` };
      const computed = statements.length;
      expect((await post(frozen, compliance)).json.data).to.deep.equal({ frozenAccounts: [] });
      expect(statements.slice(computed).filter((s) => s.includes("a.frozen"))).to.have.length(1);
      const kept = statements.length;
      expect((await post(frozen, compliance)).json.data).to.deep.equal({ frozenAccounts: [] });
      expect(statements.slice(kept)).to.have.length(1, "the repeated request read more than the snapshot");
      expect(statements[kept]).to.contain("pg_current_snapshot");
      // another key (another scope) gets its own answer, from the communities read once on this snapshot
      const other = await post(query, business);
      expect(other.json.data!.community.supply).to.deep.equal({ value: "1234.5" });
      await post(query, business);
      expect(reads()).to.equal(before);
      // the indexer committed: the snapshot changed
      snapshot = "101:101:";
      await post(query, compliance);
      expect(reads()).to.equal(before + 1);
      // again, with five of the same request at once: one computes, the others wait for its answer
      snapshot = "102:102:";
      const together = await Promise.all([1, 2, 3, 4, 5].map(() => post(query, compliance)));
      expect(reads()).to.equal(before + 2);
      expect(new Set(together.map((r) => r.text)).size).to.equal(1);
      expect(together[0]!.json.data!.community.supply).to.deep.equal({ value: "1234.5" });
      // a request that failed is not kept: each one reads the snapshot, and nothing more (the communities are kept)
      const count = statements.length;
      await post({ query: `{ community(id: "atlantis") { id } }` }, compliance);
      await post({ query: `{ community(id: "atlantis") { id } }` }, compliance);
      expect(statements.slice(count).every((s) => s.includes("pg_current_snapshot"))).to.equal(true);
      expect(statements.length - count).to.equal(2);
      // an answer with an error is computed each time
      const failing = { query: `{ alerts { items { id } } }` };
      await post(failing, compliance);
      const tries = statements.length;
      expect((await post(failing, compliance)).json.errors![0]!.message).to.equal("Unexpected error.");
      expect(statements.length).to.be.greaterThan(tries);
    } finally {
      snapshot = undefined;
    }
  });

  it("passes every input to SQL as a bound parameter", () => {
    expect(statements.join("\n")).to.not.contain("atlantis");
  });
});

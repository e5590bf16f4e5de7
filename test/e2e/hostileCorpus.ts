/**
 * A generated corpus of hostile requests to the business API, for the reliability test (./businessApi.ts): each
 * entry is a raw HTTP request that the server must answer with an error that has a message (a GraphQL `errors`
 * entry, or `{ error: { code, message } }` for what is refused before GraphQL), a status below 500, and no stack
 * trace; the server must stay up. Seeded, so a failure names an entry that reproduces.
 */

export interface HostileRequest {
  kind: string;
  /** How the entry was made, for the failure message. */
  description: string;
  method: "GET" | "POST";
  /** Appended to the endpoint (a query string for GET). */
  search?: string;
  headers: Record<string, string>;
  body?: string;
}

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
  };
}

const INJECTIONS = [
  "'; DROP TABLE account; --",
  "katy' OR '1'='1",
  'katy"); DELETE FROM alert; --',
  "1; SELECT pg_sleep(10)",
  "$$ || pg_read_file('/etc/passwd') || $$",
  "\u0000katy",
  "../../../etc/passwd",
  "<script>alert(1)</script>",
  "%00%27%20OR%201%3D1",
  "katy\nUNION SELECT * FROM account",
];
const BAD_ADDRESSES = [
  "0x",
  "0x123",
  "0xZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
  "70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8aa",
  "",
  " 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8; DROP TABLE account",
];
const BAD_DATES = [
  "2026-02-30",
  "2026-13-01",
  "26-01-01",
  "2026/01/01",
  "yesterday",
  "",
  "2026-01-01T00:00:00Z",
  "99999-01-01",
  "2026-1-1",
  "0000-00-00",
];

/**
 * At least `count` hostile requests, spread over the kinds below. `key` is a valid compliance key (most attacks
 * come from an authenticated client; some use no key or a bad one).
 */
export function hostileCorpus(key: string, count = 520, seed = 7): HostileRequest[] {
  const r = rng(seed);
  const json = { "content-type": "application/json", "x-api-key": key };
  const post = (kind: string, description: string, query: string, variables?: unknown): HostileRequest => ({
    kind,
    description,
    method: "POST",
    headers: json,
    body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
  });
  const makers: (() => HostileRequest)[] = [
    // malformed JSON and bodies that are not GraphQL requests
    () => {
      const body = r.pick([
        "{ not json",
        "[",
        "null",
        "42",
        '"query"',
        "{}",
        '{"query": 5}',
        '{"query": null}',
        "\u0000",
      ]);
      return { kind: "malformed", description: `body ${JSON.stringify(body)}`, method: "POST", headers: json, body };
    },
    // syntax errors
    () => {
      const query = r.pick([
        "{ communities { id ",
        "{ communities { id } } }",
        "query {",
        "{ ... }",
        "}{",
        "{ a(b: ) }",
      ]);
      return post("syntax", query, query);
    },
    // deep nesting (unknown fields, deeper than the limit)
    () => {
      const depth = r.int(9, 60);
      return post("deep", `depth ${depth}`, `{ ${"communities { ".repeat(depth)}id${" }".repeat(depth)} }`);
    },
    // wide: more fields than the token limit lets through (a repeated field merges into one: harmless under it)
    () => {
      const width = r.int(2_100, 6_000);
      return post("wide", `${width} fields`, `{ communities { ${"id ".repeat(width)}} }`);
    },
    // alias bombs
    () => {
      const n = r.int(16, 400);
      const field = r.pick(["communities { id }", 'analytics(from: "2026-01-01", to: "2026-12-31") { scope }']);
      return post(
        "aliases",
        `${n} aliases of ${field}`,
        `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ")} }`,
      );
    },
    // expensive fields in one request
    () => {
      const n = r.int(4, 12);
      return post(
        "expensive",
        `${n} alert queues`,
        `{ ${Array.from({ length: n }, (_, i) => `a${i}: alerts(first: 500) { items { id } }`).join(" ")} }`,
      );
    },
    // huge lists and limits
    () => {
      const first = r.pick([501, 10_000, 2 ** 31 - 1, -1, 0]);
      return post("limits", `first ${first}`, `{ alerts(first: ${first}) { items { id } } }`);
    },
    () => {
      const huge = Array.from({ length: r.int(1_000, 5_000) }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`);
      return post(
        "huge-variables",
        `${huge.length} addresses in a variable`,
        'query ($a: Address!) { accountRisk(community: "katy", account: $a) { level } }',
        { a: huge },
      );
    },
    // invalid addresses
    () => {
      const address = r.pick(BAD_ADDRESSES);
      return post(
        "address",
        JSON.stringify(address),
        'query ($a: Address!) { accountRisk(community: "katy", account: $a) { level } }',
        { a: address },
      );
    },
    // invalid dates and ranges
    () => {
      const from = r.pick(BAD_DATES);
      return post(
        "date",
        `from ${JSON.stringify(from)}`,
        'query ($f: Date!) { analytics(from: $f, to: "2026-01-01") { scope } }',
        {
          f: from,
        },
      );
    },
    () => {
      const [from, to] = r.pick([
        ["2026-03-02", "2026-03-01"],
        ["2000-01-01", "2026-01-01"],
        ["1970-01-01", "9999-12-31"],
      ] as const);
      return post("range", `${from}..${to}`, `{ analytics(from: "${from}", to: "${to}") { scope } }`);
    },
    // SQL-like strings where ids go
    () => {
      const text = r.pick(INJECTIONS);
      return post("sql", JSON.stringify(text), "query ($c: ID!) { community(id: $c) { id } }", { c: text });
    },
    () => {
      const text = r.pick(INJECTIONS);
      return post(
        "sql",
        `locale ${JSON.stringify(text)}`,
        "query ($l: String) { communities { supply { formatted(locale: $l) } } }",
        {
          l: text,
        },
      );
    },
    // oversized bodies
    () => {
      const size = r.int(65 * 1024, 512 * 1024);
      return {
        kind: "oversized",
        description: `${size} bytes`,
        method: "POST",
        headers: json,
        body: JSON.stringify({ query: `{ communities { id } } # ${"x".repeat(size)}` }),
      };
    },
    // bad keys
    () => {
      const bad = r.pick([
        "",
        "kc_",
        "kc_deadbeef_",
        `${key.slice(0, -2)}xx`,
        "Bearer x",
        key.toUpperCase(),
        "' OR 1=1 --",
      ]);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (bad !== "") headers["x-api-key"] = bad;
      return {
        kind: "key",
        description: `key ${JSON.stringify(bad)}`,
        method: "POST",
        headers,
        body: JSON.stringify({ query: "{ communities { id } }" }),
      };
    },
    // unknown fields, wrong types, fragments that cycle, directive floods, batches
    () => post("unknown-field", "password", "{ communities { id password } }"),
    () => post("type", "id as an object", "{ community(id: { x: 1 }) { id } }"),
    () =>
      post(
        "fragment-cycle",
        "A -> B -> A",
        "{ communities { ...A } } fragment A on Community { ...B } fragment B on Community { ...A }",
      ),
    () => {
      const n = r.int(11, 200);
      return post("directives", `${n} directives`, `{ communities { id ${"@include(if: true) ".repeat(n)}} }`);
    },
    () => ({
      kind: "batch",
      description: "an array of 100 operations",
      method: "POST",
      headers: json,
      body: JSON.stringify(Array.from({ length: 100 }, () => ({ query: "{ communities { id } }" }))),
    }),
    // GET with attacks in the query string
    () => {
      const n = r.int(16, 100);
      const query = `{ ${Array.from({ length: n }, (_, i) => `a${i}: communities { id }`).join(" ")} }`;
      return {
        kind: "get",
        description: `GET with ${n} aliases`,
        method: "GET",
        search: `?query=${encodeURIComponent(query)}`,
        headers: { "x-api-key": key },
      };
    },
    // mutations and subscriptions the API does not have
    () => post("operation", "mutation", "mutation { drop }"),
  ];
  const corpus: HostileRequest[] = [];
  while (corpus.length < count) for (const make of makers) corpus.push(make());
  return corpus;
}

import { expect } from "chai";
import { type ApiBenchResult, runApiBench } from "../../bench/lib/apiBench";
import { postgresBin } from "../../scripts/lib/postgres";

/**
 * `npm run bench:api` in small (5,000 accounts, 10,000 transfers, 1 s per query and mode at 20 requests/s): the
 * pipeline works end to end. Behaviour only: every query answers with data and no error, every figure is a number;
 * never a timing threshold (the machine decides those).
 */
describe("bench/api (smoke)", function () {
  let result: ApiBenchResult;

  before(async function () {
    if (!postgresBin()) {
      console.log("    skipped: PostgreSQL is not installed (apt-get install -y postgresql, or set PG_BIN)");
      this.skip();
    }
    this.timeout(240_000);
    result = await runApiBench({ accounts: 5_000, transfers: 10_000, seconds: 1, rate: 20, connections: 4 });
  });

  it("writes the data it was asked for", function () {
    expect(result.plan.accounts).to.equal(5_000);
    expect(result.tables.account).to.be.at.least(5_000);
    expect(result.tables.transfer).to.be.at.least(10_000 + 5_000); // and one opening mint per account
  });

  it("answers each query with data and no error, on both servers", function () {
    expect(result.checks.map((c) => c.query)).to.deep.equal([
      "accountHistory",
      "accountHistoryTypical",
      "merchantStatement",
      "analytics",
      "alerts",
    ]);
    for (const check of result.checks) expect(check, `${check.query}: ${check.error}`).to.include({ ok: true });
  });

  it("loads each query at the fixed rate (repeated, then varied) and as fast as it goes, on one and two servers", function () {
    expect(result.rows).to.have.length(20);
    const varied = result.rows.filter((r) => r.varied);
    expect(varied.map((r) => r.query)).to.deep.equal(result.checks.map((c) => c.query));
    for (const row of varied) expect(row, row.query).to.include({ servers: 1, target: result.rows[0]!.target });
    for (const row of result.rows) {
      expect(row.requests, `${row.query} (${row.servers})`).to.be.greaterThan(0);
      expect(row.non2xx + row.errors + row.timeouts, `${row.query} (${row.servers})`).to.equal(0);
      for (const figure of [row.requestsPerSecond, row.p50, row.p95, row.p99, row.max]) {
        expect(figure).to.be.a("number").and.not.NaN;
      }
      expect(row.p50).to.be.at.most(row.p95);
      expect(row.p95).to.be.at.most(row.p99);
    }
  });
});

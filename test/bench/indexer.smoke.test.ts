/**
 * The indexer benchmark at a tiny size (bench/lib/indexerBench.ts): a short history (deploy, a shortened
 * simulate.ts, a few BatchTransfer blocks), a backfill on each database (PostgreSQL only if installed), and 5 s live.
 * Behaviour only: the indexer reached the head and handled exactly the events the chain holds; the figures are
 * numbers. No timing thresholds (npm run bench:indexer prints the figures at full size).
 */
import { expect } from "chai";
import {
  type BenchDatabase,
  type IndexerBenchResult,
  postgresInstalled,
  runIndexerBench,
} from "../../bench/lib/indexerBench";

describe("bench: indexer throughput (smoke)", function () {
  this.timeout(600_000);
  const databases: BenchDatabase[] = postgresInstalled() ? ["pglite", "postgres"] : ["pglite"];
  let result: IndexerBenchResult;

  before(async function () {
    if (!postgresInstalled()) console.log("    note: PostgreSQL is not installed: PGlite only");
    result = await runIndexerBench({
      events: 2_000,
      liveSeconds: 5,
      liveMaxTxPerSecond: 20,
      databases,
      simulate: { SIM_TXS: "60", SIM_SWAPS: "8", SIM_PAYMENTS: "8" },
    });
  });

  it("generates a history of at least the requested events, counted on the chain", function () {
    expect(result.chain.events).to.be.at.least(2_000);
    expect(result.chain.blocks).to.be.greaterThan(0);
    expect(result.chain.notes.filter((n) => n.includes("reverted"))).to.deep.equal([]);
  });

  it("backfills every database to the head, handling exactly the events of the chain", function () {
    expect(result.backfill.map((r) => r.database)).to.deep.equal(databases);
    for (const r of result.backfill) {
      expect(r.blocks).to.equal(result.chain.blocks);
      expect(r.events, r.database).to.equal(r.expectedEvents);
      expect(r.expectedEvents).to.equal(result.chain.events);
      for (const figure of [r.seconds, r.startupSeconds, r.eventsPerSecond, r.peakRssMb]) {
        expect(figure).to.be.a("number").and.satisfy(Number.isFinite);
      }
      expect(r.peakRssMb).to.be.greaterThan(0);
      expect(r.handlers.length).to.be.greaterThan(0);
    }
  });

  it("follows the live chain on every database and catches up, with lag figures", function () {
    expect(result.live.map((r) => r.database)).to.deep.equal(databases);
    for (const r of result.live) {
      expect(r.catchUpSeconds, `${r.database} caught up`).to.not.equal(null);
      expect(r.transactions).to.be.greaterThan(0);
      // every live transaction is one token transfer: one Transfer event each
      expect(r.eventsAfterCatchUp, r.database).to.equal(r.transactions);
      expect(r.samples).to.be.greaterThan(0);
      for (const figure of [r.txPerSecond, r.eventsPerSecond, r.maxLag, r.p95Lag, r.meanLag]) {
        expect(figure).to.be.a("number").and.satisfy(Number.isFinite);
      }
      expect(r.p95Lag).to.be.at.most(r.maxLag);
    }
  });
});

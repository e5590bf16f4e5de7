import { expect } from "chai";
import { readiness, type ReadinessFacts } from "../../indexer/src/lib/readiness";

describe("readiness (GET /api/ready)", function () {
  const facts = (over: Partial<ReadinessFacts> = {}): ReadinessFacts => ({
    indexed: { block: 100, timestamp: 1_000, backfilled: true },
    head: { block: 102 },
    now: 1_010,
    maxLagBlocks: 5,
    ...over,
  });

  it("is current (200) when backfilled, the node answers and the lag is within the limit", function () {
    expect(readiness(facts())).to.deep.equal({
      status: 200,
      current: true,
      reasons: [],
      indexedBlock: 100,
      headBlock: 102,
      lagBlocks: 2,
      indexedAgeSeconds: 10,
      node: "ok",
    });
    expect(readiness(facts({ head: { block: 105 } })).status, "exactly the limit").to.equal(200);
  });

  it("is not current (503) when the node does not answer, and says so", function () {
    const r = readiness(facts({ head: { error: "fetch failed" } }));
    expect(r).to.include({ status: 503, current: false, node: "unreachable", headBlock: null, lagBlocks: null });
    expect(r.reasons).to.deep.equal(["the node does not answer: fetch failed"]);
  });

  it("is not current when the indexer is further behind than the limit", function () {
    const r = readiness(facts({ head: { block: 106 } }));
    expect(r).to.include({ status: 503, lagBlocks: 6 });
    expect(r.reasons).to.deep.equal(["the indexer is 6 blocks behind the head (at most 5 counts as current)"]);
  });

  it("is not current before the backfill is done or before any block is indexed", function () {
    const backfilling = readiness(facts({ indexed: { block: 50, timestamp: 900, backfilled: false } }));
    expect(backfilling.status).to.equal(503);
    expect(backfilling.reasons[0]).to.equal("the historical backfill is not complete");
    const nothing = readiness(facts({ indexed: null }));
    expect(nothing).to.include({ status: 503, indexedBlock: null, lagBlocks: null, indexedAgeSeconds: null });
    expect(nothing.reasons).to.deep.equal(["the indexer has not indexed a block yet"]);
  });

  it("counts a head behind the indexed block (a node restarted from an older state) as no lag", function () {
    expect(readiness(facts({ head: { block: 90 } }))).to.include({ status: 200, lagBlocks: 0 });
  });
});

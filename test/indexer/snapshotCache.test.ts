/**
 * The business API's answers kept per database snapshot (indexer/src/api/business/snapshot.ts): computed answers
 * shared by the requests of one snapshot (SnapshotCache), and whole successful GraphQL answers (ResponseCache).
 */
import { expect } from "chai";
import { FinalCache, finalizedTimestamp, ResponseCache, SnapshotCache } from "../../indexer/src/api/business/snapshot";

const ok = (n: number) => ({ contentType: "application/json", body: `{"data":{"n":${n}}}` });

describe("answers kept per database snapshot", () => {
  describe("SnapshotCache", () => {
    it("computes an answer once per snapshot, concurrent requests included", async () => {
      const cache = new SnapshotCache();
      let computed = 0;
      const compute = async () => ++computed;
      const [a, b] = await Promise.all([cache.get("s1", "k", compute), cache.get("s1", "k", compute)]);
      expect([a, b, computed]).to.deep.equal([1, 1, 1]);
      expect(await cache.get("s2", "k", compute)).to.equal(2);
      expect(await cache.get("s2", "other", compute)).to.equal(3);
    });

    it("caches nothing without a snapshot, and no error", async () => {
      const cache = new SnapshotCache();
      let computed = 0;
      await cache.get(undefined, "k", async () => ++computed);
      await cache.get(undefined, "k", async () => ++computed);
      expect(computed).to.equal(2);
      let fail = true;
      const flaky = async () => {
        if (fail) throw new Error("connection reset");
        return "answer";
      };
      await cache.get("s1", "k", flaky).catch(() => undefined);
      fail = false;
      await new Promise((resolve) => setImmediate(resolve));
      expect(await cache.get("s1", "k", flaky)).to.equal("answer");
    });

    it("holds at most `max` answers (then starts afresh)", async () => {
      const cache = new SnapshotCache(2);
      let computed = 0;
      const compute = async () => ++computed;
      for (const key of ["a", "b", "c", "a"]) await cache.get("s", key, compute);
      expect(computed).to.equal(4);
    });
  });

  describe("ResponseCache", () => {
    it("answers a kept request on the same snapshot only", () => {
      const cache = new ResponseCache();
      cache.keep("s1", "q", ok(1));
      expect(cache.find("s1", "q")).to.deep.equal(ok(1));
      expect(cache.find("s1", "other")).to.equal(undefined);
      expect(cache.find("s2", "q")).to.equal(undefined);
      cache.keep("s2", "q", ok(2));
      expect(cache.find("s1", "q")).to.equal(undefined);
      expect(cache.find("s2", "q")).to.deep.equal(ok(2));
      expect(cache.size).to.equal(1);
    });

    it("makes a lookup wait for the same computation under way, then gives its kept answer", async () => {
      const cache = new ResponseCache();
      let finish = () => {};
      const computing = new Promise<void>((resolve) => (finish = resolve)).then(() => cache.keep("s1", "q", ok(7)));
      expect(cache.track("s1", "q", computing)).to.equal(computing);
      let found: unknown = "pending";
      const waiting = cache.lookup("s1", "q").then((hit) => (found = hit));
      await Promise.resolve();
      expect(found).to.equal("pending");
      expect(await cache.lookup("s2", "q")).to.equal(undefined); // another snapshot does not wait
      finish();
      await waiting;
      expect(found).to.deep.equal(ok(7));
      // settled: nothing under way any more; a failed computation is waited for too, then not found
      const failing = Promise.reject(new Error("boom"));
      cache.track("s3", "q", failing).catch(() => undefined);
      expect(await cache.lookup("s3", "q")).to.equal(undefined);
      expect(await cache.lookup(undefined, "q")).to.equal(undefined);
    });

    it("keeps nothing without a snapshot", () => {
      const cache = new ResponseCache();
      cache.keep(undefined, "q", ok(1));
      expect(cache.size).to.equal(0);
      expect(cache.find(undefined, "q")).to.equal(undefined);
    });

    it("stays within its byte budget, dropping the oldest answers first, and skips an answer over its limit", () => {
      const body = (n: number) => ({ contentType: "application/json", body: `{"data":{"s":"${"x".repeat(n)}"}}` });
      const cache = new ResponseCache(300, 200);
      cache.keep("s", "a", body(100));
      cache.keep("s", "b", body(100));
      expect(cache.size).to.equal(2);
      cache.keep("s", "c", body(100));
      expect([
        cache.find("s", "a"),
        cache.find("s", "b") !== undefined,
        cache.find("s", "c") !== undefined,
      ]).to.deep.equal([undefined, true, true]);
      cache.keep("s", "d", body(250));
      expect(cache.find("s", "d")).to.equal(undefined);
      expect(cache.size).to.equal(2);
    });
  });

  describe("FinalCache and the finalized timestamp", () => {
    it("keeps a final answer across snapshots, and others per snapshot", async () => {
      const cache = new FinalCache(2);
      let computed = 0;
      const compute = async () => ++computed;
      expect(await cache.get("s1", "day1", true, compute)).to.equal(1);
      expect(await cache.get("s2", "day1", true, compute)).to.equal(1);
      expect(await cache.get("s1", "today", false, compute)).to.equal(2);
      expect(await cache.get("s1", "today", false, compute)).to.equal(2);
      expect(await cache.get("s2", "today", false, compute)).to.equal(3);
    });

    it("drops the least recently used final answer past its size", async () => {
      const cache = new FinalCache(2);
      let computed = 0;
      const compute = async () => ++computed;
      await cache.get(undefined, "a", true, compute);
      await cache.get(undefined, "b", true, compute);
      await cache.get(undefined, "a", true, compute); // a is now the most recent
      await cache.get(undefined, "c", true, compute); // drops b
      expect(await cache.get(undefined, "a", true, compute)).to.equal(1);
      expect(await cache.get(undefined, "b", true, compute)).to.equal(4);
    });

    it("keeps a final answer put with another's, within its size, and shows kept ones without computing", async () => {
      const cache = new FinalCache(2);
      expect(cache.peek("a")).to.equal(undefined);
      cache.put("a", 10);
      cache.put("b", 20);
      expect(await cache.peek("a")).to.equal(10);
      let computed = 0;
      expect(await cache.get(undefined, "b", true, async () => ++computed)).to.equal(20);
      cache.put("c", 30); // drops the oldest put: a
      expect(cache.peek("a")).to.equal(undefined);
      expect([await cache.peek("b"), await cache.peek("c"), computed]).to.deep.equal([20, 30, 0]);
    });

    it("reads the block timestamp of the finalized checkpoint, 0 when there is none", async () => {
      const answer = (rows: Record<string, unknown>[]) => async () => rows;
      // Ponder's checkpoint: 10 digits of block timestamp, then chain id, block number, ...
      const checkpoint = `1795305600${"0".repeat(15)}31337${"0".repeat(40)}`;
      expect(await finalizedTimestamp(answer([{ checkpoint }]))).to.equal(1_795_305_600n);
      expect(await finalizedTimestamp(answer([]))).to.equal(0n);
      expect(await finalizedTimestamp(answer([{ checkpoint: null }]))).to.equal(0n);
    });
  });
});

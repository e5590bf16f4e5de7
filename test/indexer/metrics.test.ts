import { expect } from "chai";
import {
  activeSenders,
  activeUsers,
  averageSupply,
  dailySeries,
  gini,
  governanceParticipation,
  holders,
  isDefined,
  kcShare,
  localTradeShare,
  ratio,
  retention,
  toBps,
  toDecimal,
  UNDEFINED_RATIO,
  velocity,
} from "../../indexer/src/lib/metrics";
import { ZERO_ADDRESS } from "../../indexer/src/lib/transfers";

const E18 = 10n ** 18n;
const DAY = 86_400n;
/** 2026-11-22T00:00:00Z */
const D0 = 1_795_305_600n;

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const CAROL = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const DAVE = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";

describe("indexer: analytics metrics", () => {
  it("D0 is a UTC midnight", () => {
    expect(new Date(Number(D0) * 1000).toISOString()).to.equal("2026-11-22T00:00:00.000Z");
  });

  describe("ratio, toBps, toDecimal", () => {
    it("reduces to lowest terms with a positive denominator", () => {
      expect(ratio(10n, 40n)).to.deep.equal({ numerator: 1n, denominator: 4n });
      expect(ratio(3n, -6n)).to.deep.equal({ numerator: -1n, denominator: 2n });
      expect(ratio(0n, 7n)).to.deep.equal({ numerator: 0n, denominator: 1n });
    });

    it("is undefined on a zero denominator, rendered as null", () => {
      expect(ratio(5n, 0n)).to.deep.equal(UNDEFINED_RATIO);
      expect(isDefined(ratio(5n, 0n))).to.equal(false);
      expect(toBps(UNDEFINED_RATIO)).to.equal(null);
      expect(toDecimal(UNDEFINED_RATIO)).to.equal(null);
    });

    it("truncates toward zero", () => {
      // 2/3 * 10,000 = 6,666.67 -> 6,666; 5/2 = 2.5 -> 25,000 bps
      expect(toBps(ratio(2n, 3n))).to.equal(6_666);
      expect(toBps(ratio(5n, 2n))).to.equal(25_000);
      expect(toDecimal(ratio(1n, 4n))).to.equal("0.2500");
      expect(toDecimal(ratio(2n, 3n), 6)).to.equal("0.666666");
      expect(toDecimal(ratio(-1n, 3n))).to.equal("-0.3333");
      expect(toDecimal(ratio(-1n, 30_000n))).to.equal("0.0000");
      expect(toDecimal(ratio(7n, 2n), 0)).to.equal("3");
      expect(toDecimal(ratio(12_345n, 1n), 2)).to.equal("12345.00");
    });
  });

  describe("holders", () => {
    it("counts positive balances only", () => {
      expect(holders([0n, 1n, 5n * E18, 0n])).to.equal(2);
      expect(holders([])).to.equal(0);
    });
  });

  describe("activeUsers", () => {
    it("counts distinct senders, case-insensitively, not the mint's zero address", () => {
      const transfers = [
        { from: ALICE },
        { from: ALICE.toLowerCase() },
        { from: BOB },
        { from: ZERO_ADDRESS }, // a mint
      ];
      expect(activeUsers(transfers)).to.equal(2);
      expect([...activeSenders(transfers)]).to.deep.equal([ALICE.toLowerCase(), BOB.toLowerCase()]);
      expect(activeUsers([])).to.equal(0);
    });
  });

  describe("retention", () => {
    it("is |previous ∩ current| / |previous|", () => {
      // previous {A, B, C, D}, current {B, D, E}: 2 retained of 4 = 1/2
      const r = retention([ALICE, BOB, CAROL, DAVE], [BOB.toLowerCase(), DAVE, "0xe"]);
      expect(r).to.deep.equal({ numerator: 1n, denominator: 2n });
      expect(toBps(r)).to.equal(5_000);
    });

    it("counts a duplicated previous user once", () => {
      // previous {A, B} (A twice), current {A}: 1/2
      expect(retention([ALICE, ALICE, BOB], [ALICE])).to.deep.equal({ numerator: 1n, denominator: 2n });
    });

    it("is 0 when no one comes back and undefined with no previous users", () => {
      expect(retention([ALICE], [BOB])).to.deep.equal({ numerator: 0n, denominator: 1n });
      expect(retention([], [ALICE])).to.deep.equal(UNDEFINED_RATIO);
    });
  });

  describe("averageSupply and velocity", () => {
    it("averages end-of-day supplies, carrying a day without a point forward", () => {
      // the day before the range ends at 100; days D0..D0+3: 100 (carried), 300 (point), 300 (carried), 500 (point)
      // sum 1,200 over 4 days = 300
      const points = [
        { day: D0 - DAY, supply: 100n },
        { day: D0 + DAY, supply: 300n },
        { day: D0 + 3n * DAY + 5n, supply: 500n },
        { day: D0 + 9n * DAY, supply: 9_999n }, // after the range: ignored
      ];
      expect(averageSupply(points, D0, D0 + 3n * DAY + 86_399n)).to.deep.equal({ numerator: 300n, denominator: 1n });
    });

    it("is zero before the first point and exact when the mean is not whole", () => {
      // days D0, D0+1, D0+2: 0, 10, 10: 20 / 3
      expect(averageSupply([{ day: D0 + DAY, supply: 10n }], D0, D0 + 2n * DAY)).to.deep.equal({
        numerator: 20n,
        denominator: 3n,
      });
      expect(averageSupply([], D0, D0)).to.deep.equal({ numerator: 0n, denominator: 1n });
    });

    it("rejects a reversed range and two points on a day", () => {
      expect(() => averageSupply([], D0 + DAY, D0)).to.throw("before it starts");
      const twice = [
        { day: D0, supply: 1n },
        { day: D0 + 60n, supply: 2n },
      ];
      expect(() => averageSupply(twice, D0, D0)).to.throw("two supply points on 2026-11-22");
    });

    it("divides volume by average supply", () => {
      // volume 900 over average 300 = 3 (30,000 bps)
      const v = velocity(900n * E18, 300n * E18);
      expect(v).to.deep.equal({ numerator: 3n, denominator: 1n });
      expect(toBps(v)).to.equal(30_000);
      // volume 10 over average 20/3 = 30/20 = 3/2
      expect(velocity(10n, ratio(20n, 3n))).to.deep.equal({ numerator: 3n, denominator: 2n });
    });

    it("is undefined with no supply", () => {
      expect(velocity(5n, 0n)).to.deep.equal(UNDEFINED_RATIO);
      expect(velocity(5n, UNDEFINED_RATIO)).to.deep.equal(UNDEFINED_RATIO);
      expect(velocity(0n, 7n)).to.deep.equal({ numerator: 0n, denominator: 1n });
    });
  });

  describe("kcShare", () => {
    it("is KC / (KC + fiat)", () => {
      // 30 KC + 10 fiat: 30 / 40 = 3/4 = 7,500 bps
      expect(kcShare(30n * E18, 10n * E18)).to.deep.equal({ numerator: 3n, denominator: 4n });
      expect(toBps(kcShare(30n * E18, 10n * E18))).to.equal(7_500);
      expect(kcShare(5n, 0n)).to.deep.equal({ numerator: 1n, denominator: 1n });
      expect(kcShare(0n, 5n)).to.deep.equal({ numerator: 0n, denominator: 1n });
    });

    it("is undefined with no sales", () => {
      expect(kcShare(0n, 0n)).to.deep.equal(UNDEFINED_RATIO);
    });
  });

  describe("localTradeShare", () => {
    it("is local / total", () => {
      // 250 of 1,000 inside the community: 1/4
      expect(localTradeShare(250n * E18, 1_000n * E18)).to.deep.equal({ numerator: 1n, denominator: 4n });
    });

    it("is undefined with no volume and rejects local above total", () => {
      expect(localTradeShare(0n, 0n)).to.deep.equal(UNDEFINED_RATIO);
      expect(() => localTradeShare(2n, 1n)).to.throw("exceeds the total");
    });
  });

  describe("gini", () => {
    it("is 0 for equal balances", () => {
      // [1,1,1,1]: sum i*x = 1+2+3+4 = 10, sum x = 4, n = 4: (2*10 - 5*4) / (4*4) = 0 / 16 = 0
      expect(gini([E18, E18, E18, E18])).to.deep.equal({ numerator: 0n, denominator: 1n });
    });

    it("is 1/4 for [1,2,3,4]", () => {
      // sum i*x = 1*1 + 2*2 + 3*3 + 4*4 = 30, sum x = 10, n = 4: (2*30 - 5*10) / (4*10) = 10/40 = 1/4
      const g = gini([3n * E18, E18, 4n * E18, 2n * E18]); // any order
      expect(g).to.deep.equal({ numerator: 1n, denominator: 4n });
      expect(toDecimal(g)).to.equal("0.2500");
    });

    it("ignores zero balances: [0,0,0,10] is one holder, 0", () => {
      // positive balances [10]: n = 1, sum i*x = 10, sum x = 10: (2*10 - 2*10) / (1*10) = 0
      expect(gini([0n, 0n, 0n, 10n * E18])).to.deep.equal({ numerator: 0n, denominator: 1n });
      // (were the zeros counted, [0,0,0,10] would give (2*40 - 5*10) / (4*10) = 30/40 = 3/4)
    });

    it("is 1/3 for [1,1,4]", () => {
      // sum i*x = 1 + 2 + 12 = 15, sum x = 6, n = 3: (30 - 24) / 18 = 6/18 = 1/3
      expect(gini([E18, E18, 4n * E18])).to.deep.equal({ numerator: 1n, denominator: 3n });
    });

    it("tends to (n-1)/n when one holder holds nearly everything", () => {
      // [1 wei, 1 wei, 10^30]: sum i*x = 1 + 2 + 3e30, sum x = 2 + 1e30, n = 3
      // (2 * (3 + 3e30) - 4 * (2 + 1e30)) / (3 * (2 + 1e30)) = (2e30 - 2) / (3e30 + 6), just under 2/3
      const g = gini([1n, 1n, 10n ** 30n]);
      expect(g).to.deep.equal(ratio(2n * 10n ** 30n - 2n, 3n * 10n ** 30n + 6n));
      expect(toDecimal(g)).to.equal("0.6666");
    });

    it("is undefined with no holder", () => {
      expect(gini([])).to.deep.equal(UNDEFINED_RATIO);
      expect(gini([0n, 0n])).to.deep.equal(UNDEFINED_RATIO);
    });
  });

  describe("governanceParticipation", () => {
    it("is votes cast / eligible voting power", () => {
      // 400 of 1,000 votes cast: 2/5 = 4,000 bps
      const p = governanceParticipation(400n * E18, 1_000n * E18);
      expect(p).to.deep.equal({ numerator: 2n, denominator: 5n });
      expect(toBps(p)).to.equal(4_000);
    });

    it("is undefined with nothing eligible and rejects more votes than eligible", () => {
      expect(governanceParticipation(0n, 0n)).to.deep.equal(UNDEFINED_RATIO);
      expect(() => governanceParticipation(2n, 1n)).to.throw("exceed");
    });
  });

  describe("dailySeries", () => {
    type Row = { day: bigint; date: string; count: number; volume: bigint };
    const zero = (day: bigint, date: string): Row => ({ day, date, count: 0, volume: 0n });

    it("fills missing UTC days with zeros and drops rows outside the range", () => {
      const rows: Row[] = [
        { day: D0 + 2n * DAY, date: "2026-11-24", count: 3, volume: 7n },
        { day: D0, date: "2026-11-22", count: 1, volume: 2n },
        { day: D0 + 10n * DAY, date: "2026-12-02", count: 9, volume: 9n }, // outside
      ];
      // from the middle of 2026-11-22 to the middle of 2026-11-25: 4 days
      const series = dailySeries(rows, D0 + 43_200n, D0 + 3n * DAY + 43_200n, zero);
      expect(series.map((r) => [r.date, r.count, r.volume])).to.deep.equal([
        ["2026-11-22", 1, 2n],
        ["2026-11-23", 0, 0n],
        ["2026-11-24", 3, 7n],
        ["2026-11-25", 0, 0n],
      ]);
      expect(series[1]!.day).to.equal(D0 + DAY);
    });

    it("gives one day for a range within a day, and all zeros without rows", () => {
      expect(dailySeries([], D0 + 1n, D0 + 2n, zero)).to.deep.equal([zero(D0, "2026-11-22")]);
    });

    it("rejects a reversed range, two rows on a day and a range too long", () => {
      expect(() => dailySeries([], D0 + DAY, D0, zero)).to.throw("before it starts");
      const twice = [zero(D0, "2026-11-22"), zero(D0 + 1n, "2026-11-22")];
      expect(() => dailySeries(twice, D0, D0, zero)).to.throw("two rows on 2026-11-22");
      expect(() => dailySeries([], D0, D0 + 10n * DAY, zero, 10)).to.throw("11 days exceeds 10");
    });
  });
});

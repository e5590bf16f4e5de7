import { expect } from "chai";
import {
  corridorOf,
  DAY,
  ONE,
  pairOf,
  referenceValue,
  routedHops,
  sameAddress,
  totalValueLocked,
  UNKNOWN_COUNTRY,
  utcDate,
  utcDay,
  withAddress,
} from "../../indexer/src/lib/bridge";

const E18 = (n: number | string) => BigInt(n) * ONE;
const KATY = "0xcbEE9B9D8f91D50b22C6a046dD9b645615b043d9";
const HOUSTON = "0x3DC64e9353cA984403d6F5f62fD768eC47b7B2b9";
const TORONTO = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";

describe("indexer: bridge rules", () => {
  describe("referenceValue", () => {
    const cases: [string, bigint, bigint, bigint][] = [
      ["the reference currency is worth itself", E18(250), ONE, E18(250)],
      ["1,000 MXN at 0.055 USD", E18(1_000), 55_000_000_000_000_000n, E18(55)],
      ["rounds down, as Math.mulDiv", 3n, 333_333_333_333_333_333n, 0n],
      ["nothing is worth nothing", 0n, 730_000_000_000_000_000n, 0n],
    ];
    for (const [when, amount, rate, value] of cases) {
      it(`is ${value} when ${when}`, () => expect(referenceValue(amount, rate)).to.equal(value));
    }
  });

  describe("totalValueLocked", () => {
    it("adds both reserves at their rates, each term rounded down (BridgePool.poolValue)", () => {
      const cad = 730_000_000_000_000_000n;
      expect(totalValueLocked({ reserveA: E18(150_000), reserveB: E18(200_000), rateA: ONE, rateB: cad })).to.equal(
        E18(150_000) + E18(146_000),
      );
      expect(totalValueLocked({ reserveA: 1n, reserveB: 1n, rateA: ONE / 2n, rateB: ONE / 2n })).to.equal(0n);
    });

    it("is zero for an empty pool whose rates are known", () => {
      expect(totalValueLocked({ reserveA: 0n, reserveB: 0n, rateA: ONE, rateB: ONE })).to.equal(0n);
    });

    it("is null while either currency has no accepted rate", () => {
      expect(totalValueLocked({ reserveA: E18(1), reserveB: E18(1), rateA: null, rateB: ONE })).to.equal(null);
      expect(totalValueLocked({ reserveA: E18(1), reserveB: E18(1), rateA: ONE, rateB: null })).to.equal(null);
    });
  });

  describe("utcDay and utcDate", () => {
    // 2026-11-22T00:00:00Z
    const midnight = 1_795_305_600n;
    const cases: [string, bigint, bigint, string][] = [
      ["at midnight", midnight, midnight, "2026-11-22"],
      ["one second later", midnight + 1n, midnight, "2026-11-22"],
      ["one second before the next midnight", midnight + DAY - 1n, midnight, "2026-11-22"],
      ["at the next midnight", midnight + DAY, midnight + DAY, "2026-11-23"],
      ["at the epoch", 0n, 0n, "1970-01-01"],
    ];
    for (const [when, timestamp, day, date] of cases) {
      it(`buckets ${when} into ${date}`, () => {
        expect(utcDay(timestamp)).to.equal(day);
        expect(utcDate(timestamp)).to.equal(date);
      });
    }

    it("rejects a negative timestamp", () => {
      expect(() => utcDay(-1n)).to.throw(/not negative/);
    });
  });

  describe("corridorOf", () => {
    const cases: [string | null, string | null, string][] = [
      ["US", "MX", "US-MX"],
      ["MX", "US", "MX-US"],
      ["US", "US", "US-US"],
      [null, "CA", `${UNKNOWN_COUNTRY}-CA`],
      ["CA", "", `CA-${UNKNOWN_COUNTRY}`],
    ];
    for (const [source, destination, corridor] of cases) {
      it(`names ${source} -> ${destination} "${corridor}"`, () =>
        expect(corridorOf(source, destination)).to.equal(corridor));
    }
  });

  describe("sameAddress", () => {
    it("ignores case", () => {
      expect(sameAddress(KATY, KATY.toLowerCase())).to.equal(true);
      expect(sameAddress(KATY, HOUSTON)).to.equal(false);
    });
  });

  describe("pairOf", () => {
    it("keys a pair the same in either order, lower-cased and in address order (the router's key)", () => {
      const expected = { token0: HOUSTON.toLowerCase(), token1: KATY.toLowerCase() };
      expect(pairOf(KATY, HOUSTON)).to.deep.equal(expected);
      expect(pairOf(HOUSTON, KATY)).to.deep.equal(expected);
    });
  });

  describe("withAddress", () => {
    it("appends an address once, lower-cased", () => {
      const once = withAddress([], KATY);
      expect(once).to.deep.equal([KATY.toLowerCase()]);
      expect(withAddress(once, KATY)).to.deep.equal(once);
      expect(withAddress(once, HOUSTON)).to.deep.equal([KATY.toLowerCase(), HOUSTON.toLowerCase()]);
    });
  });

  describe("routedHops", () => {
    const hop = (tokenIn: string, tokenOut: string, logIndex: number) => ({ tokenIn, tokenOut, logIndex });
    const path = [KATY, HOUSTON, TORONTO];

    it("is the last path.length - 1 settlements in log order, whatever order they come in", () => {
      const first = hop(KATY.toLowerCase(), HOUSTON.toLowerCase(), 3);
      const second = hop(HOUSTON.toLowerCase(), TORONTO.toLowerCase(), 7);
      expect(routedHops([second, first], path)).to.deep.equal([first, second]);
    });

    it("leaves out an earlier routed swap's hops in the same transaction", () => {
      const earlier = [hop(HOUSTON, KATY, 1), hop(KATY, HOUSTON, 4)];
      const hops = [hop(KATY, HOUSTON, 9), hop(HOUSTON, TORONTO, 12)];
      expect(routedHops([...hops, ...earlier], path)).to.deep.equal(hops);
      expect(routedHops(earlier, [HOUSTON, KATY, HOUSTON])).to.deep.equal(earlier);
    });

    it("matches a one-hop path", () => {
      expect(routedHops([hop(KATY, HOUSTON, 0)], [KATY, HOUSTON])).to.deep.equal([hop(KATY, HOUSTON, 0)]);
    });

    it("throws when hops are missing or do not follow the path", () => {
      expect(() => routedHops([hop(HOUSTON, TORONTO, 5)], path)).to.throw(/are not the hops of/);
      expect(() => routedHops([hop(KATY, HOUSTON, 5), hop(HOUSTON, KATY, 6)], path)).to.throw(/are not the hops of/);
      expect(() => routedHops([hop(HOUSTON, TORONTO, 2), hop(KATY, HOUSTON, 6)], path)).to.throw(/are not the hops of/);
      expect(() => routedHops([], [KATY])).to.throw(/at least two tokens/);
    });
  });
});

import { expect } from "chai";
import fc from "fast-check";
import { type DayRow, ratioValue, rollUpDays } from "../../indexer/src/api/business/analytics";
import { giniFromSums } from "../../indexer/src/api/business/gini";
import { countActivity } from "../../indexer/src/api/business/senders";
import { gini, ratio } from "../../indexer/src/lib/metrics";

const E18 = 10n ** 18n;
const DAY = 86_400n;
/** 2026-11-22T00:00:00Z */
const D0 = 1_795_305_600n;
const KATY = "0xaaaa000000000000000000000000000000000001";
const HOU = "0xbbbb000000000000000000000000000000000002";

/** A community_day row with zeros where the case says nothing. */
function row(token: string, day: bigint, fields: Partial<DayRow>): DayRow {
  return {
    token,
    day,
    transferCount: 0,
    volume: 0n,
    volumeValue: 0n,
    bridgeVolume: 0n,
    minted: 0n,
    burned: 0n,
    activeUsers: 0,
    supply: 0n,
    holders: 0,
    crossBorderOutCount: 0,
    crossBorderOutVolume: 0n,
    crossBorderInCount: 0,
    crossBorderInVolume: 0n,
    alertCount: 0,
    ...fields,
  };
}

/**
 * A fixed dataset (two communities, five days, by hand):
 * - Katy: before the range (D0 - 2 days) supply 1,000, 4 holders. D0: 3 transfers of 600 (100 of it to a pool),
 *   mint 200 -> supply 1,200, 5 holders, 2 senders. D0+1: nothing. D0+2: 1 transfer of 300, burn 100 -> supply
 *   1,100, 5 holders, 1 sender, 1 swap out of 50. D0+3: 2 transfers of 100 -> 1,100, 4 holders, 1 alert.
 * - Houston: first row on D0+1: 1 transfer of 40, supply 500, 2 holders, 1 swap in of 45.
 */
const DATA: DayRow[] = [
  row(KATY, D0 - 2n * DAY, { transferCount: 9, volume: 900n * E18, supply: 1_000n * E18, holders: 4 }),
  row(KATY, D0, {
    transferCount: 3,
    volume: 600n * E18,
    volumeValue: 600n * E18,
    bridgeVolume: 100n * E18,
    minted: 200n * E18,
    activeUsers: 2,
    supply: 1_200n * E18,
    holders: 5,
  }),
  row(KATY, D0 + 2n * DAY, {
    transferCount: 1,
    volume: 300n * E18,
    volumeValue: 300n * E18,
    burned: 100n * E18,
    activeUsers: 1,
    supply: 1_100n * E18,
    holders: 5,
    crossBorderOutCount: 1,
    crossBorderOutVolume: 50n * E18,
  }),
  row(KATY, D0 + 3n * DAY, {
    transferCount: 2,
    volume: 100n * E18,
    volumeValue: 100n * E18,
    activeUsers: 1,
    supply: 1_100n * E18,
    holders: 4,
    alertCount: 1,
  }),
  row(HOU, D0 + DAY, {
    transferCount: 1,
    volume: 40n * E18,
    volumeValue: 40n * E18,
    activeUsers: 1,
    supply: 500n * E18,
    holders: 2,
    crossBorderInCount: 1,
    crossBorderInVolume: 45n * E18,
  }),
];

describe("business API: analytics roll-up", () => {
  it("sums one community's days and carries supply and holders over days without a row", () => {
    const katy = rollUpDays(
      DATA.filter((r) => r.token === KATY),
      D0,
      D0 + 3n * DAY,
    );
    expect(katy.transferCount).to.equal(6);
    expect(katy.volume).to.equal(1_000n * E18);
    expect(katy.bridgeVolume).to.equal(100n * E18);
    expect(katy.minted).to.equal(200n * E18);
    expect(katy.burned).to.equal(100n * E18);
    expect(katy.crossBorderOutVolume).to.equal(50n * E18);
    expect(katy.holders).to.equal(4);
    // end-of-day supplies 1,200 1,200 1,100 1,100: mean 1,150
    expect(katy.days.map((d) => d.supply)).to.deep.equal([1_200n, 1_200n, 1_100n, 1_100n].map((x) => x * E18));
    expect(katy.averageSupply).to.deep.equal(ratio(1_150n * E18, 1n));
    expect(katy.days.map((d) => d.holders)).to.deep.equal([5, 5, 5, 4]);
    expect(katy.days.map((d) => d.transferCount)).to.deep.equal([3, 0, 1, 2]);
    expect(katy.days.map((d) => d.crossBorderCount)).to.deep.equal([0, 0, 1, 0]);
    expect(katy.days.map((d) => d.alertCount)).to.deep.equal([0, 0, 0, 1]);
  });

  it("takes the supply before the range from the latest earlier row, and 0 with none", () => {
    // D0+1 alone: Katy carries D0's 1,200 (its latest row before), 5 holders
    const katy = rollUpDays(
      DATA.filter((r) => r.token === KATY && r.day <= D0 + DAY),
      D0 + DAY,
      D0 + DAY,
    );
    expect(katy.days[0]).to.include({ transferCount: 0, holders: 5 });
    expect(katy.days[0]!.supply).to.equal(1_200n * E18);
    expect(katy.averageSupply).to.deep.equal(ratio(1_200n * E18, 1n));
    const empty = rollUpDays([], D0, D0 + DAY);
    expect(empty.averageSupply).to.deep.equal(ratio(0n, 1n));
    expect(empty.days.length).to.equal(2);
  });

  it("adds the communities' days for the federation: volume value, supply and holders summed per day", () => {
    const all = rollUpDays(DATA, D0, D0 + 3n * DAY);
    expect(all.transferCount).to.equal(7);
    expect(all.volumeValue).to.equal(1_040n * E18);
    // Houston has no row before D0+1: 0 until then
    expect(all.days.map((d) => d.holders)).to.deep.equal([5, 7, 7, 6]);
    expect(all.days.map((d) => d.supply)).to.deep.equal([1_200n, 1_700n, 1_600n, 1_600n].map((x) => x * E18));
    expect(all.days.map((d) => d.crossBorderCount)).to.deep.equal([0, 1, 1, 0]);
    expect(all.holders).to.equal(6);
  });

  it("computes the Gini coefficient from SQL's sums as from the balances", () => {
    // balances 1, 2, 3, 10: n 4, sum 16, sum i*x = 1 + 4 + 9 + 40 = 54; G = (108 - 80) / 64 = 7/16
    expect(giniFromSums(4n, 16n, 54n)).to.deep.equal(ratio(7n, 16n));
    expect(giniFromSums(4n, 16n, 54n)).to.deep.equal(gini([1n, 2n, 3n, 10n]));
    expect(giniFromSums(1n, 5n, 5n)).to.deep.equal(ratio(0n, 1n));
    expect(ratioValue(giniFromSums(0n, 0n, 0n))).to.equal(null);
  });

  it("renders a ratio exactly, with 6 decimals and basis points truncated", () => {
    expect(ratioValue(ratio(7n, 16n))).to.deep.equal({
      numerator: "7",
      denominator: "16",
      decimal: "0.437500",
      bps: 4_375,
    });
    expect(ratioValue(ratio(2n, 3n))).to.deep.include({ decimal: "0.666666", bps: 6_666 });
  });
});

describe("distinct senders over day ranges (countActivity)", () => {
  const lists = (days: number[][]) => days.map((ids) => Uint32Array.from(ids));

  it("counts each sender once per period, and those of both periods", () => {
    // previous period: 1, 2, 3 (2 twice); this one: 2, 3, 4, 4, 5
    const a = countActivity(
      lists([
        [2, 4],
        [4, 5, 3],
      ]),
      lists([
        [1, 2],
        [2, 3],
      ]),
      6,
    );
    expect(a).to.deep.equal({ active: 4, previous: 3, retained: 2 });
    expect(countActivity([], [], 0)).to.deep.equal({ active: 0, previous: 0, retained: 0 });
  });

  it("equals the counts of sets, for any days of senders", () => {
    const day = fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 });
    fc.assert(
      fc.property(fc.array(day, { maxLength: 8 }), fc.array(day, { maxLength: 8 }), (current, previous) => {
        const now = new Set(current.flat());
        const before = new Set(previous.flat());
        expect(countActivity(lists(current), lists(previous), 41)).to.deep.equal({
          active: now.size,
          previous: before.size,
          retained: [...now].filter((id) => before.has(id)).length,
        });
      }),
      { numRuns: 300 },
    );
  });
});

import { expect } from "chai";
import {
  accruedSince,
  averageAssessment,
  claimable,
  claimAll,
  escrowStateName,
  isFinalState,
  PRECISION,
  setUnits,
  transparencyScore,
} from "../../indexer/src/lib/trade";

const E18 = (n: number) => BigInt(n) * 10n ** 18n;

describe("indexer: trade rules", () => {
  describe("escrow states", () => {
    it("names TradeEscrow.State values, None and unknown values as null", () => {
      expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => escrowStateName(n))).to.deep.equal([
        null,
        "funded",
        "delivered",
        "disputed",
        "released",
        "resolved",
        "refunded",
        "claimed",
        null,
      ]);
      expect(escrowStateName(3n)).to.equal("disputed");
    });

    it("knows which states are final", () => {
      expect(["funded", "delivered", "disputed"].map((s) => isFinalState(s as never))).to.deep.equal([
        false,
        false,
        false,
      ]);
      expect(["released", "resolved", "refunded", "claimed"].every((s) => isFinalState(s as never))).to.equal(true);
    });
  });

  describe("profit sharing", () => {
    it("accrues units x the revenue per unit since settlement, rounded down as the contract does", () => {
      // 1,000 deposited over 3 units: the revenue per unit rounds down, and so does each share
      const rpu = (E18(1_000) * PRECISION) / 3n;
      expect(accruedSince(1n, rpu, 0n)).to.equal(333333333333333333333n);
      expect(accruedSince(2n, rpu, 0n)).to.equal(666666666666666666666n);
      expect(accruedSince(5n, rpu, rpu)).to.equal(0n);
    });

    it("settles on a change of units and on a claim, and claimable adds what accrued since", () => {
      const rpu1 = (E18(900) * PRECISION) / 100n;
      let share = setUnits({ units: 0n, settledPerUnit: 0n, owed: 0n }, 20n, 0n, 0n);
      expect(claimable(share, rpu1)).to.equal(E18(180));
      share = setUnits(share, 35n, E18(180), rpu1);
      expect(share).to.deep.equal({ units: 35n, settledPerUnit: rpu1, owed: E18(180) });
      const rpu2 = rpu1 + (E18(115) * PRECISION) / 115n;
      expect(claimable(share, rpu2)).to.equal(E18(180) + E18(35));
      expect(claimAll(share, rpu2)).to.deep.equal({ units: 35n, settledPerUnit: rpu2, owed: 0n });
    });
  });

  describe("transparency score", () => {
    it("averages the latest score of each category; null without assessments", () => {
      expect(averageAssessment([])).to.equal(null);
      expect(averageAssessment([82, 74, 90])).to.equal(82);
      expect(averageAssessment([55, 68])).to.equal(61.5);
    });

    it("is 40 for an attested origin, 10 per checkpoint up to 3, and 30 x the average / 100", () => {
      expect(transparencyScore({ originAttested: false, checkpoints: 0, scores: [] })).to.equal(0);
      expect(transparencyScore({ originAttested: true, checkpoints: 0, scores: [] })).to.equal(40);
      expect(
        [0, 1, 2, 3, 4, 10].map((c) => transparencyScore({ originAttested: false, checkpoints: c, scores: [] })),
      ).to.deep.equal([0, 10, 20, 30, 30, 30]);
      expect(transparencyScore({ originAttested: false, checkpoints: 0, scores: [100, 100] })).to.equal(30);
      expect(transparencyScore({ originAttested: true, checkpoints: 3, scores: [100] })).to.equal(100);
      expect(transparencyScore({ originAttested: true, checkpoints: 1, scores: [75] })).to.equal(72.5);
      expect(transparencyScore({ originAttested: false, checkpoints: 2, scores: [55, 68] })).to.be.closeTo(38.45, 1e-9);
    });

    it("stays within 0-100", () => {
      for (const originAttested of [false, true]) {
        for (const checkpoints of [0, 1, 3, 50]) {
          for (const scores of [[], [0], [100], [0, 100, 37]]) {
            const s = transparencyScore({ originAttested, checkpoints, scores });
            expect(s).to.be.within(0, 100);
          }
        }
      }
    });
  });
});

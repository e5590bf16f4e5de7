import { expect } from "chai";
import { ethers } from "ethers";
import fc from "fast-check";
import {
  addContribution,
  addGrant,
  type Checkpoint,
  FEDERATION_PARAMETERS,
  federationQuorum,
  type FundTotals,
  isFullMember,
  keyOfSeatId,
  MEMBER_STATUSES,
  memberStatus,
  QUORUM_DENOMINATOR,
  seatIdOfKey,
  valueAt,
} from "../../indexer/src/lib/federation";
import { proposalState } from "../../indexer/src/lib/proposals";

const empty: FundTotals = {
  contributed: 0n,
  granted: 0n,
  emergencyGranted: 0n,
  contributionCount: 0,
  grantCount: 0,
  emergencyGrantCount: 0,
};

describe("indexer: federation rules", () => {
  describe("memberStatus", () => {
    it("names IFederation.Status in enum order; None is no member", () => {
      expect(MEMBER_STATUSES).to.deep.equal(["none", "admitted", "member", "suspended"]);
      expect([0, 1, 2, 3].map(memberStatus)).to.deep.equal([null, "admitted", "member", "suspended"]);
      expect(memberStatus(2n)).to.equal("member");
    });

    it("rejects a status the enum does not have", () => {
      expect(() => memberStatus(4)).to.throw(/unknown IFederation.Status 4/);
    });
  });

  describe("isFullMember", () => {
    const cases: [string, Parameters<typeof isFullMember>, boolean][] = [
      ["a member that accepted the current charter", ["member", 2, 2], true],
      ["a member that accepted an earlier charter", ["member", 1, 2], false],
      ["a member that accepted none", ["member", 0, 1], false],
      ["no charter ratified yet", ["member", 0, 0], false],
      ["admitted, not launched", ["admitted", 0, 1], false],
      ["suspended, though it accepted the current charter", ["suspended", 1, 1], false],
    ];
    for (const [what, args, expected] of cases) {
      it(`${what}: ${expected}`, () => expect(isFullMember(...args)).to.equal(expected));
    }
  });

  describe("valueAt (Checkpoints.upperLookupRecent)", () => {
    // the seats' supply: 4 founders at 100, a fifth at 200, a burn and a re-mint in the same second at 300
    const supply: Checkpoint[] = [
      { timepoint: 100n, value: 1n },
      { timepoint: 100n, value: 2n },
      { timepoint: 100n, value: 3n },
      { timepoint: 100n, value: 4n },
      { timepoint: 200n, value: 5n },
      { timepoint: 300n, value: 4n },
      { timepoint: 300n, value: 5n },
    ];
    const cases: [bigint, bigint][] = [
      [0n, 0n],
      [99n, 0n],
      [100n, 4n],
      [199n, 4n],
      [200n, 5n],
      [299n, 5n],
      [300n, 5n],
      [10_000n, 5n],
    ];
    for (const [timepoint, expected] of cases) {
      it(`at ${timepoint}: ${expected} (the last write at or before it)`, () =>
        expect(valueAt(supply, timepoint)).to.equal(expected));
    }

    it("is 0 with no checkpoints", () => expect(valueAt([], 1n)).to.equal(0n));

    it("agrees with a linear search for the last checkpoint at or before the timepoint", () => {
      // checkpoints in chain order: each 0, 1 or 2 seconds after the previous (several writes in one second too)
      const chain = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.bigInt({ min: 0n, max: 1_000n })), {
        maxLength: 30,
      });
      fc.assert(
        fc.property(chain, fc.integer({ min: 0, max: 70 }), (steps, t) => {
          let clock = 0n;
          const checkpoints = steps.map(([gap, value]) => ({ timepoint: (clock += BigInt(gap)), value }));
          const at = BigInt(t);
          const expected = [...checkpoints].reverse().find((c) => c.timepoint <= at)?.value ?? 0n;
          expect(valueAt(checkpoints, at)).to.equal(expected);
        }),
      );
    });
  });

  describe("federationQuorum", () => {
    it("is supply * numerator / 100, rounded down, as GovernorVotesQuorumFraction.quorum", () => {
      expect(QUORUM_DENOMINATOR).to.equal(100n);
      expect(federationQuorum(5n, 50n)).to.equal(2n); // 2.5 seats: 2
      expect(federationQuorum(4n, 50n)).to.equal(2n);
      expect(federationQuorum(3n, 50n)).to.equal(1n);
      expect(federationQuorum(1n, 50n)).to.equal(0n);
      expect(federationQuorum(0n, 50n)).to.equal(0n);
      expect(federationQuorum(7n, 100n)).to.equal(7n);
    });

    it("decides a federation proposal's state with proposalState: a quorum of 2 of 5 seats", () => {
      const quorum = federationQuorum(5n, 50n);
      const facts = { status: "created" as const, voteStart: 10n, voteEnd: 20n, quorum };
      expect(proposalState({ ...facts, forVotes: 2n, againstVotes: 1n, abstainVotes: 0n }, 21n)).to.equal("succeeded");
      expect(proposalState({ ...facts, forVotes: 1n, againstVotes: 0n, abstainVotes: 0n }, 21n)).to.equal("defeated");
      expect(proposalState({ ...facts, forVotes: 1n, againstVotes: 0n, abstainVotes: 1n }, 21n)).to.equal("succeeded");
      expect(proposalState({ ...facts, forVotes: 0n, againstVotes: 3n, abstainVotes: 0n }, 21n)).to.equal("defeated");
    });
  });

  describe("seat ids and keys", () => {
    it("a seat's id is the member's key as a number: uint256(keccak256(bytes(id)))", () => {
      const key = ethers.id("katy");
      expect(seatIdOfKey(key)).to.equal(BigInt(key));
      expect(keyOfSeatId(seatIdOfKey(key))).to.equal(key.toLowerCase());
      expect(keyOfSeatId(1n)).to.equal(`0x${"0".repeat(63)}1`);
    });

    it("rejects what is no bytes32 or uint256", () => {
      expect(() => seatIdOfKey("0x1234")).to.throw(/not a bytes32 key/);
      expect(() => keyOfSeatId(-1n)).to.throw(/not a uint256/);
      expect(() => keyOfSeatId(1n << 256n)).to.throw(/not a uint256/);
    });
  });

  describe("mutual-aid totals", () => {
    it("adds contributions and grants; an emergency grant counts in both the grants and the emergency ones", () => {
      let t = addContribution(empty, 10_000n);
      t = addContribution(t, 5_000n);
      t = addGrant(t, 5_000n, false);
      t = addGrant(t, 1_500n, true);
      expect(t).to.deep.equal({
        contributed: 15_000n,
        granted: 6_500n,
        emergencyGranted: 1_500n,
        contributionCount: 2,
        grantCount: 2,
        emergencyGrantCount: 1,
      });
    });

    it("returns only the totals, whatever else the row holds", () => {
      const row = { ...empty, balance: 7n, token: "0xabc" };
      expect(Object.keys(addContribution(row, 1n)).sort()).to.deep.equal(Object.keys(empty).sort());
    });
  });

  it("names the shared parameters in IFederation.Parameters' order", () => {
    expect(FEDERATION_PARAMETERS).to.deep.equal([
      "bridgeFeeBps",
      "mutualAidRateBps",
      "tier0DailyLimit",
      "tier1DailyLimit",
      "travelRuleThreshold",
    ]);
  });
});

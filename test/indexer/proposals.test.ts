import { expect } from "chai";
import {
  PROPOSAL_STATES,
  type ProposalFacts,
  type ProposalState,
  proposalState,
  quorumReached,
  tallyVote,
  voteSucceeded,
  voteSupport,
} from "../../indexer/src/lib/proposals";

// voting opens after 1000 and closes after 2000; 100 votes (for + abstain) make the quorum
const base: ProposalFacts = {
  status: "created",
  voteStart: 1_000n,
  voteEnd: 2_000n,
  forVotes: 0n,
  againstVotes: 0n,
  abstainVotes: 0n,
  quorum: null,
};
const passed = { forVotes: 150n, againstVotes: 50n, abstainVotes: 0n, quorum: 100n };

describe("indexer: proposal rules", () => {
  describe("proposalState", () => {
    const cases: [string, Partial<ProposalFacts>, bigint, ProposalState][] = [
      ["before the snapshot", {}, 999n, "pending"],
      ["at the snapshot (the governor's clock must pass it)", {}, 1_000n, "pending"],
      ["just after the snapshot", {}, 1_001n, "active"],
      ["at the deadline", passed, 2_000n, "active"],
      [
        "after an extended deadline, still before it",
        { ...passed, status: "extended", voteEnd: 2_600n },
        2_300n,
        "active",
      ],
      ["after the deadline, nobody voted", {}, 2_001n, "defeated"],
      ["after the deadline, more for but below the quorum", { forVotes: 60n, quorum: 100n }, 2_001n, "defeated"],
      [
        "after the deadline, quorum reached but for = against",
        { forVotes: 60n, againstVotes: 60n, quorum: 100n },
        2_001n,
        "defeated",
      ],
      ["after the deadline, more against", { forVotes: 40n, againstVotes: 200n, quorum: 100n }, 2_001n, "defeated"],
      ["after the deadline, passed", passed, 2_001n, "succeeded"],
      [
        "after the deadline, passed on abstentions reaching the quorum",
        { forVotes: 2n, abstainVotes: 98n, quorum: 100n },
        2_001n,
        "succeeded",
      ],
      ["after an extended deadline, passed", { ...passed, status: "extended", voteEnd: 2_600n }, 2_601n, "succeeded"],
      ["once queued, after the deadline", { ...passed, status: "queued" }, 5_000n, "queued"],
      ["executed, whatever the time", { ...passed, status: "executed" }, 1n, "executed"],
      ["canceled while pending", { status: "canceled" }, 500n, "canceled"],
      ["canceled, after the deadline", { ...passed, status: "canceled" }, 9_000n, "canceled"],
    ];
    for (const [when, facts, now, state] of cases) {
      it(`is ${state} ${when}`, () => expect(proposalState({ ...base, ...facts }, now)).to.equal(state));
    }

    it("names the states in OpenZeppelin's ProposalState order", () => {
      expect(PROPOSAL_STATES).to.deep.equal([
        "pending",
        "active",
        "canceled",
        "defeated",
        "succeeded",
        "queued",
        "expired",
        "executed",
      ]);
    });
  });

  describe("voteSupport", () => {
    it("maps GovernorCountingSimple's 0, 1 and 2 to against, for and abstain", () => {
      expect([0, 1, 2].map(voteSupport)).to.deep.equal(["against", "for", "abstain"]);
    });

    it("rejects any other value", () => expect(() => voteSupport(3)).to.throw("unknown vote support 3"));
  });

  describe("tallyVote", () => {
    it("adds the weight to the side voted for only", () => {
      const zero = { forVotes: 0n, againstVotes: 0n, abstainVotes: 0n };
      const after = tallyVote(tallyVote(tallyVote(zero, "for", 5n), "against", 3n), "abstain", 2n);
      expect(after).to.deep.equal({ forVotes: 5n, againstVotes: 3n, abstainVotes: 2n });
      expect(tallyVote(after, "for", 0n)).to.deep.equal(after);
    });
  });

  describe("quorumReached and voteSucceeded", () => {
    const cases: [
      string,
      { forVotes: bigint; againstVotes: bigint; abstainVotes: bigint; quorum: bigint | null },
      boolean,
      boolean,
    ][] = [
      [
        "unknown quorum (nobody voted)",
        { forVotes: 0n, againstVotes: 0n, abstainVotes: 0n, quorum: null },
        false,
        false,
      ],
      [
        "for and abstain exactly at the quorum",
        { forVotes: 60n, againstVotes: 0n, abstainVotes: 40n, quorum: 100n },
        true,
        true,
      ],
      [
        "against does not count toward the quorum",
        { forVotes: 10n, againstVotes: 500n, abstainVotes: 0n, quorum: 100n },
        false,
        false,
      ],
      ["a tie does not succeed", { forVotes: 100n, againstVotes: 100n, abstainVotes: 0n, quorum: 100n }, true, false],
    ];
    for (const [when, tallies, reached, succeeded] of cases) {
      it(`${when}: quorum ${reached ? "reached" : "not reached"}, ${succeeded ? "succeeds" : "fails"}`, () => {
        expect(quorumReached(tallies)).to.equal(reached);
        expect(voteSucceeded(tallies)).to.equal(succeeded);
      });
    }
  });
});

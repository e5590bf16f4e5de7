import { expect } from "chai";
import { holderDelta, supplyDelta, transferKind, ZERO_ADDRESS } from "../../indexer/src/lib/transfers";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("indexer: transfer rules", () => {
  describe("transferKind", () => {
    const cases: [string, string, string, ReturnType<typeof transferKind>][] = [
      ["from the zero address", ZERO_ADDRESS, ALICE, "mint"],
      ["to the zero address", ALICE, ZERO_ADDRESS, "burn"],
      ["between accounts", ALICE, BOB, "transfer"],
      ["to oneself", ALICE, ALICE, "transfer"],
    ];
    for (const [when, from, to, kind] of cases) {
      it(`is "${kind}" ${when}`, () => expect(transferKind(from, to)).to.equal(kind));
    }
  });

  describe("holderDelta", () => {
    const cases: [string, bigint, bigint, number][] = [
      ["an empty account receives", 0n, 5n, 1],
      ["a holder receives more", 5n, 9n, 0],
      ["a holder spends part", 9n, 4n, 0],
      ["a holder spends all", 4n, 0n, -1],
      ["nothing moves on an empty account", 0n, 0n, 0],
    ];
    for (const [when, before, after, delta] of cases) {
      it(`is ${delta} when ${when}`, () => expect(holderDelta(before, after)).to.equal(delta));
    }
  });

  describe("supplyDelta", () => {
    it("adds mints, subtracts burns and ignores transfers", () => {
      expect(supplyDelta("mint", 7n)).to.equal(7n);
      expect(supplyDelta("burn", 7n)).to.equal(-7n);
      expect(supplyDelta("transfer", 7n)).to.equal(0n);
    });
  });
});

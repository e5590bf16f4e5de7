import { expect } from "chai";
import { ethers } from "ethers";
import { reasonLabel } from "../../indexer/src/lib/reasons";

describe("indexer: reason codes", () => {
  describe("reasonLabel", () => {
    const cases: [string, string, string | null][] = [
      ["a short label", ethers.encodeBytes32String("COURT_ORDER"), "COURT_ORDER"],
      ["a label of 31 characters", ethers.encodeBytes32String("A".repeat(31)), "A".repeat(31)],
      ["32 printable bytes", ethers.hexlify(ethers.toUtf8Bytes("B".repeat(32))), "B".repeat(32)],
      ["the zero code", ethers.ZeroHash, null],
      ["a hash", ethers.id("COURT_ORDER"), null],
      ["text with a byte after the padding", ethers.encodeBytes32String("X").slice(0, 64) + "01", null],
      ["a control character", ethers.encodeBytes32String("A\nB"), null],
      ["a value that is not 32 bytes", "0x1234", null],
    ];
    for (const [what, code, label] of cases) {
      it(`reads ${what} as ${JSON.stringify(label)}`, () => expect(reasonLabel(code)).to.equal(label));
    }
  });
});

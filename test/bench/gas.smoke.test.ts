/**
 * A smoke test of bench/lib/gasTable.ts (what `npm run bench:gas` prints): it measures every operation and its
 * baseline in this run and checks the table's shape only. Gas figures are never asserted.
 */
import { expect } from "chai";
import { GAS_TABLE_HEADERS, gasTableRows, measureGas, OPERATIONS, type GasRow } from "../../bench/lib/gasTable";
import { formatTable } from "../../bench/lib/table";

describe("bench: gas table", () => {
  let rows: GasRow[];

  before(async () => {
    rows = await measureGas();
  });

  describe("measureGas", () => {
    it("returns one row per user-facing operation, in order", () => {
      expect(rows.map((r) => r.operation)).to.deep.equal([...OPERATIONS]);
    });

    it("measures a positive, whole gas for every operation", () => {
      for (const r of rows) {
        expect(Number.isInteger(r.gas), r.operation).to.equal(true);
        expect(r.gas, r.operation).to.be.greaterThan(0);
      }
    });

    it("gives a positive baseline and a finite ratio where a baseline applies, and neither where none does", () => {
      for (const r of rows) {
        if (r.baseline === "—") {
          expect(r.baselineGas, r.operation).to.equal(null);
          expect(r.ratio, r.operation).to.equal(null);
        } else {
          expect(r.baselineGas, r.operation).to.be.greaterThan(0);
          expect(Number.isFinite(r.ratio), r.operation).to.equal(true);
          expect(r.ratio, r.operation).to.be.closeTo(r.gas / r.baselineGas!, 1e-12);
        }
      }
    });

    it("sets the swaps beside the published Uniswap v2 swap, the votes beside the plain Governor", () => {
      for (const r of rows.filter((row) => row.operation.includes("swap"))) {
        expect(r.baseline, r.operation).to.equal("published Uniswap v2 swap, not measured");
        expect(r.baselineGas, r.operation).to.equal(73_462);
      }
      for (const r of rows.filter((row) => row.operation.includes("castVote"))) {
        expect(r.baseline, r.operation).to.match(/^plain OZ Governor castVote/);
      }
    });
  });

  describe("the printed table", () => {
    it("has the header, a rule and one line per operation", () => {
      const lines = formatTable(GAS_TABLE_HEADERS, gasTableRows(rows)).split("\n");
      expect(lines).to.have.length(OPERATIONS.length + 2);
      expect(lines[0]).to.match(/^\| operation +\| +gas \| baseline +\| baseline gas \| ratio \|$/);
    });
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { artifacts } from "hardhat";
import { generateAbis, INDEXED_CONTRACTS, renderAbis } from "../../scripts/gen-abis";

describe("gen-abis", () => {
  describe("when the artifacts are missing", () => {
    it("names every missing artifact and tells how to build them", () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "kc-no-artifacts-"));
      try {
        let message = "";
        try {
          renderAbis(empty);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message).to.include("npx hardhat compile");
        for (const artifact of Object.values(INDEXED_CONTRACTS)) expect(message).to.include(path.join(empty, artifact));
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });
  });

  describe("when the artifacts exist", () => {
    it("writes each contract's ABI as an `as const` export, equal to the artifact's", async () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kc-abis-")), "abis.ts");
      try {
        generateAbis(path.join(__dirname, "..", "..", "artifacts"), out);
        const text = fs.readFileSync(out, "utf8");
        for (const [exportName, relative] of Object.entries(INDEXED_CONTRACTS)) {
          const contract = path.basename(relative, ".json");
          const match = new RegExp(`export const ${exportName} = (\\[[\\s\\S]*?\\n\\]) as const;`).exec(text);
          expect(match, exportName).to.not.equal(null);
          expect(JSON.parse(match![1]!)).to.deep.equal((await artifacts.readArtifact(contract)).abi);
        }
      } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      }
    });
  });
});

import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { KC } from "../shared/fixtures";
import { DEFAULT_ADMIN_ROLE, deployFxOracleFixture, MAX_AGE, MAX_DEVIATION_BPS, MIN_REPORTS, RATES } from "./fixtures";
import { crossRate, deviationBps, E18, median, nextAverage } from "./poolMath";

const MAX_REPORTERS = 16n;
const UINT128_MAX = 2n ** 128n - 1n;

/** Fixes the next block's timestamp (one second after the latest) and returns it. */
async function nextTimestamp(): Promise<bigint> {
  const at = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(at);
  return BigInt(at);
}

/** The standalone oracle after its three reporters reported MXN at 0.05 and CAD at 0.75 USD. */
async function deployReportedOracleFixture() {
  const f = await deployFxOracleFixture();
  for (const currency of ["MXN", "CAD"] as const) {
    for (const r of f.reporters) await f.oracle.connect(r).report(currency, RATES[currency]);
  }
  const mxnUpdatedAt = (await f.oracle.rateState("MXN")).updatedAt;
  return { ...f, mxnUpdatedAt };
}

/** The reported oracle with the MXN breaker tripped: two reporters reported 0.0526 (5.2% above the average). */
async function deployTrippedOracleFixture() {
  const f = await deployReportedOracleFixture();
  const [r1, r2] = f.reporters;
  await f.oracle.connect(r1!).report("MXN", KC("0.0526"));
  await f.oracle.connect(r2!).report("MXN", KC("0.0526"));
  return f;
}

describe("FxOracle", () => {
  describe("constructor", () => {
    describe("when the reference currency and the parameters are valid", () => {
      it("grants the admin role, keeps the reference currency and the parameters, and emits ParametersChanged", async () => {
        const { oracle, admin } = await loadFixture(deployFxOracleFixture);
        expect(await oracle.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true);
        expect(await oracle.referenceCurrency()).to.equal("USD");
        expect(await oracle.maxAge()).to.equal(MAX_AGE);
        expect(await oracle.maxDeviationBps()).to.equal(MAX_DEVIATION_BPS);
        expect(await oracle.minReports()).to.equal(MIN_REPORTS);
        await expect(oracle.deploymentTransaction())
          .to.emit(oracle, "ParametersChanged")
          .withArgs(MAX_AGE, MAX_DEVIATION_BPS, MIN_REPORTS);
      });
    });

    describe("when the reference currency is not an ISO 4217 code", () => {
      for (const code of ["usd", "US", "USDT", ""]) {
        it(`reverts with FxOracleInvalidCurrency("${code}")`, async () => {
          const { admin } = await loadFixture(deployFxOracleFixture);
          const factory = await ethers.getContractFactory("FxOracle");
          await expect(factory.deploy(admin.address, code, MAX_AGE, MAX_DEVIATION_BPS, MIN_REPORTS))
            .to.be.revertedWithCustomError(factory, "FxOracleInvalidCurrency")
            .withArgs(code);
        });
      }
    });

    describe("when a parameter is out of bounds", () => {
      it("reverts with FxOracleParameterOutOfBounds", async () => {
        const { admin } = await loadFixture(deployFxOracleFixture);
        const factory = await ethers.getContractFactory("FxOracle");
        await expect(factory.deploy(admin.address, "USD", MAX_AGE, MAX_DEVIATION_BPS, 0))
          .to.be.revertedWithCustomError(factory, "FxOracleParameterOutOfBounds")
          .withArgs("minReports", 0, 1, MAX_REPORTERS);
      });
    });
  });

  describe("rateOf", () => {
    describe("when the currency is the reference currency", () => {
      it("returns 1e18 as of the current block, with no reports at all", async () => {
        const { oracle } = await loadFixture(deployFxOracleFixture);
        const [rate, updatedAt] = await oracle.rateOf("USD");
        expect(rate).to.equal(E18);
        expect(updatedAt).to.equal(await time.latest());
      });
    });

    describe("when the currency has no accepted rate", () => {
      for (const code of ["EUR", "usd", "GBP"]) {
        it(`reverts with FxOracleUnknownCurrency("${code}")`, async () => {
          const { oracle } = await loadFixture(deployReportedOracleFixture);
          await expect(oracle.rateOf(code))
            .to.be.revertedWithCustomError(oracle, "FxOracleUnknownCurrency")
            .withArgs(code);
        });
      }

      it("reverts with FxOracleUnknownCurrency while only one report (below the quorum) exists", async () => {
        const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
        await oracle.connect(reporters[0]!).report("MXN", RATES.MXN);
        await expect(oracle.rateOf("MXN"))
          .to.be.revertedWithCustomError(oracle, "FxOracleUnknownCurrency")
          .withArgs("MXN");
      });
    });

    describe("when the rate is fresh", () => {
      it("returns the rate and when it was set", async () => {
        const { oracle, mxnUpdatedAt } = await loadFixture(deployReportedOracleFixture);
        const [rate, updatedAt] = await oracle.rateOf("MXN");
        expect(rate).to.equal(RATES.MXN);
        expect(updatedAt).to.equal(mxnUpdatedAt);
      });

      it("still returns it exactly maxAge seconds after it was set", async () => {
        const { oracle, mxnUpdatedAt } = await loadFixture(deployReportedOracleFixture);
        await time.increaseTo(mxnUpdatedAt + MAX_AGE);
        expect((await oracle.rateOf("MXN"))[0]).to.equal(RATES.MXN);
      });
    });

    describe("when the rate is older than maxAge", () => {
      it("reverts with FxOracleStaleRate(currency, updatedAt, maxAge)", async () => {
        const { oracle, mxnUpdatedAt } = await loadFixture(deployReportedOracleFixture);
        await time.increaseTo(mxnUpdatedAt + MAX_AGE + 1n);
        await expect(oracle.rateOf("MXN"))
          .to.be.revertedWithCustomError(oracle, "FxOracleStaleRate")
          .withArgs("MXN", mxnUpdatedAt, MAX_AGE);
      });

      it("is fresh again once a new median is accepted", async () => {
        const { oracle, reporters, mxnUpdatedAt } = await loadFixture(deployReportedOracleFixture);
        await time.increaseTo(mxnUpdatedAt + MAX_AGE + 1n);
        await oracle.connect(reporters[0]!).report("MXN", RATES.MXN);
        const at = await nextTimestamp();
        await expect(oracle.connect(reporters[1]!).report("MXN", RATES.MXN))
          .to.emit(oracle, "RateUpdated")
          .withArgs("MXN", RATES.MXN, RATES.MXN, 2, at);
        expect([...(await oracle.rateOf("MXN"))]).to.deep.equal([RATES.MXN, at]);
      });
    });

    describe("when the breaker has tripped", () => {
      it("reverts with FxOracleBreakerTripped(currency)", async () => {
        const { oracle } = await loadFixture(deployTrippedOracleFixture);
        await expect(oracle.rateOf("MXN"))
          .to.be.revertedWithCustomError(oracle, "FxOracleBreakerTripped")
          .withArgs("MXN");
      });
    });
  });

  describe("addReporter", () => {
    describe("when the admin adds a new reporter", () => {
      it("emits ReporterAdded, appends it to reporters(), and lets it report", async () => {
        const { oracle, admin, reporters, spare } = await loadFixture(deployFxOracleFixture);
        const added = spare[0]!;
        await expect(oracle.connect(admin).addReporter(added.address))
          .to.emit(oracle, "ReporterAdded")
          .withArgs(added.address);
        expect(await oracle.reporters()).to.deep.equal([...reporters.map((r) => r.address), added.address]);
        await expect(oracle.connect(added).report("MXN", RATES.MXN)).to.emit(oracle, "RateReported");
      });
    });

    describe("when the account is a reporter already", () => {
      it("reverts with FxOracleReporterExists(reporter)", async () => {
        const { oracle, admin, reporters } = await loadFixture(deployFxOracleFixture);
        await expect(oracle.connect(admin).addReporter(reporters[1]!.address))
          .to.be.revertedWithCustomError(oracle, "FxOracleReporterExists")
          .withArgs(reporters[1]!.address);
      });
    });

    describe("when there are MAX_REPORTERS reporters", () => {
      it("accepts the sixteenth and reverts with FxOracleTooManyReporters(16) on the seventeenth", async () => {
        const { oracle, admin } = await loadFixture(deployFxOracleFixture);
        expect(await oracle.MAX_REPORTERS()).to.equal(MAX_REPORTERS);
        const extra = Array.from({ length: 14 }, (_, i) =>
          ethers.getAddress(`0x${(0x1000 + i).toString(16).padStart(40, "0")}`),
        );
        for (const a of extra.slice(0, 13)) await oracle.connect(admin).addReporter(a);
        expect(await oracle.reporters()).to.have.length(16);
        await expect(oracle.connect(admin).addReporter(extra[13]!))
          .to.be.revertedWithCustomError(oracle, "FxOracleTooManyReporters")
          .withArgs(MAX_REPORTERS);
      });

      it("accepts a new one after one is removed", async () => {
        const { oracle, admin, reporters } = await loadFixture(deployFxOracleFixture);
        const extra = Array.from({ length: 14 }, (_, i) =>
          ethers.getAddress(`0x${(0x2000 + i).toString(16).padStart(40, "0")}`),
        );
        for (const a of extra.slice(0, 13)) await oracle.connect(admin).addReporter(a);
        await oracle.connect(admin).removeReporter(reporters[0]!.address);
        await expect(oracle.connect(admin).addReporter(extra[13]!))
          .to.emit(oracle, "ReporterAdded")
          .withArgs(extra[13]!);
      });
    });

    describe("when the caller is not the admin", () => {
      it("reverts with AccessControlUnauthorizedAccount", async () => {
        const { oracle, stranger } = await loadFixture(deployFxOracleFixture);
        await expect(oracle.connect(stranger).addReporter(stranger.address))
          .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
      });
    });
  });

  describe("removeReporter", () => {
    describe("when the admin removes a reporter", () => {
      it("emits ReporterRemoved and swaps the last reporter into its place", async () => {
        const { oracle, admin, reporters } = await loadFixture(deployFxOracleFixture);
        const [r1, r2, r3] = reporters;
        await expect(oracle.connect(admin).removeReporter(r1!.address))
          .to.emit(oracle, "ReporterRemoved")
          .withArgs(r1!.address);
        expect(await oracle.reporters()).to.deep.equal([r3!.address, r2!.address]);
      });

      it("stops the removed reporter from reporting", async () => {
        const { oracle, admin, reporters } = await loadFixture(deployFxOracleFixture);
        await oracle.connect(admin).removeReporter(reporters[2]!.address);
        await expect(oracle.connect(reporters[2]!).report("MXN", RATES.MXN))
          .to.be.revertedWithCustomError(oracle, "FxOracleUnauthorizedReporter")
          .withArgs(reporters[2]!.address);
      });
    });

    describe("when the account is not a reporter", () => {
      it("reverts with FxOracleReporterUnknown(reporter)", async () => {
        const { oracle, admin, stranger } = await loadFixture(deployFxOracleFixture);
        await expect(oracle.connect(admin).removeReporter(stranger.address))
          .to.be.revertedWithCustomError(oracle, "FxOracleReporterUnknown")
          .withArgs(stranger.address);
      });
    });

    describe("when the caller is not the admin", () => {
      it("reverts with AccessControlUnauthorizedAccount", async () => {
        const { oracle, stranger, reporters } = await loadFixture(deployFxOracleFixture);
        await expect(oracle.connect(stranger).removeReporter(reporters[0]!.address))
          .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
      });
    });
  });

  describe("report", () => {
    describe("when a reporter reports a positive rate of a currency", () => {
      it("emits RateReported(currency, reporter, rate, timestamp) and keeps the report", async () => {
        const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
        const at = await nextTimestamp();
        await expect(oracle.connect(reporters[0]!).report("MXN", RATES.MXN))
          .to.emit(oracle, "RateReported")
          .withArgs("MXN", reporters[0]!.address, RATES.MXN, at);
        const stored = await oracle.reportOf("MXN", reporters[0]!.address);
        expect([stored.rate, stored.timestamp]).to.deep.equal([RATES.MXN, at]);
      });

      it("replaces the reporter's previous report: one report per reporter counts", async () => {
        const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
        const [r1, r2] = reporters;
        await oracle.connect(r1!).report("MXN", KC("0.050"));
        await expect(oracle.connect(r1!).report("MXN", KC("0.051"))).not.to.emit(oracle, "RateUpdated");
        const at = await nextTimestamp();
        await expect(oracle.connect(r2!).report("MXN", KC("0.052")))
          .to.emit(oracle, "RateUpdated")
          .withArgs("MXN", KC("0.051"), KC("0.051"), 2, at);
      });
    });

    describe("when the currency is not an ISO 4217 code, or is the reference currency", () => {
      for (const code of ["USD", "usd", "Mxn", "MX", "MXNN", "M1N", ""]) {
        it(`reverts with FxOracleInvalidCurrency("${code}")`, async () => {
          const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
          await expect(oracle.connect(reporters[0]!).report(code, RATES.MXN))
            .to.be.revertedWithCustomError(oracle, "FxOracleInvalidCurrency")
            .withArgs(code);
        });
      }
    });

    describe("when the rate is zero", () => {
      it("reverts with FxOracleInvalidRate(0, 2**128 - 1), and accepts 1 wei", async () => {
        const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
        await expect(oracle.connect(reporters[0]!).report("MXN", 0))
          .to.be.revertedWithCustomError(oracle, "FxOracleInvalidRate")
          .withArgs(0, UINT128_MAX);
        await expect(oracle.connect(reporters[0]!).report("MXN", 1)).to.emit(oracle, "RateReported");
      });
    });

    describe("when the rate does not fit in 128 bits", () => {
      it("reverts with FxOracleInvalidRate(rate, 2**128 - 1), and accepts 2**128 - 1", async () => {
        const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
        for (const rate of [UINT128_MAX + 1n, ethers.MaxUint256]) {
          await expect(oracle.connect(reporters[0]!).report("MXN", rate))
            .to.be.revertedWithCustomError(oracle, "FxOracleInvalidRate")
            .withArgs(rate, UINT128_MAX);
        }
        await expect(oracle.connect(reporters[0]!).report("MXN", UINT128_MAX)).to.emit(oracle, "RateReported");
      });
    });

    describe("when the caller is not a reporter", () => {
      it("reverts with FxOracleUnauthorizedReporter(caller), even for the admin", async () => {
        const { oracle, admin, stranger } = await loadFixture(deployFxOracleFixture);
        for (const caller of [stranger, admin]) {
          await expect(oracle.connect(caller).report("MXN", RATES.MXN))
            .to.be.revertedWithCustomError(oracle, "FxOracleUnauthorizedReporter")
            .withArgs(caller.address);
        }
      });
    });

    describe("the median of fresh reports", () => {
      describe("when fewer than minReports reports are fresh", () => {
        it("records the report but accepts no rate", async () => {
          const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
          await expect(oracle.connect(reporters[0]!).report("MXN", RATES.MXN))
            .to.emit(oracle, "RateReported")
            .and.not.to.emit(oracle, "RateUpdated");
          expect((await oracle.rateState("MXN")).updatedAt).to.equal(0);
        });
      });

      describe("when the quorum is reached for the first time", () => {
        it("emits RateUpdated with the median as both rate and average", async () => {
          const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
          await oracle.connect(reporters[0]!).report("MXN", KC("0.052"));
          const at = await nextTimestamp();
          await expect(oracle.connect(reporters[1]!).report("MXN", KC("0.050")))
            .to.emit(oracle, "RateUpdated")
            .withArgs("MXN", KC("0.050"), KC("0.050"), 2, at);
        });
      });

      // Each row: the reports in order, by as many reporters; the breaker is widened to 50% so that only the
      // median and the average are under test. The average is replayed from the documented rule.
      const rows: { name: string; reports: string[]; median: string }[] = [
        { name: "2 reports (even: the lower middle one)", reports: ["0.052", "0.050"], median: "0.050" },
        { name: "3 reports (odd: the middle one)", reports: ["0.052", "0.050", "0.051"], median: "0.051" },
        {
          name: "4 reports (even: the lower middle one)",
          reports: ["0.053", "0.050", "0.052", "0.051"],
          median: "0.051",
        },
        {
          name: "5 reports (odd: the middle one)",
          reports: ["0.054", "0.050", "0.053", "0.051", "0.052"],
          median: "0.052",
        },
        { name: "4 reports with equal values", reports: ["0.050", "0.051", "0.051", "0.049"], median: "0.050" },
      ];
      for (const row of rows) {
        describe(`when ${row.name} are fresh`, () => {
          it(`takes ${row.median} as the rate, with the average moved a quarter of the way towards it`, async () => {
            const { oracle, admin, reporters, spare } = await loadFixture(deployFxOracleFixture);
            await oracle.connect(admin).setParameters(MAX_AGE, 5_000, MIN_REPORTS);
            const all = [...reporters, ...spare];
            for (const s of spare) await oracle.connect(admin).addReporter(s.address);
            const rates = row.reports.map((r) => KC(r));
            let average: bigint | undefined;
            for (let i = 0; i < rates.length; i++) {
              const fresh = rates.slice(0, i + 1);
              const m = median(fresh);
              const at = await nextTimestamp();
              const tx = oracle.connect(all[i]!).report("MXN", rates[i]!);
              if (fresh.length < MIN_REPORTS) {
                await expect(tx).not.to.emit(oracle, "RateUpdated");
                continue;
              }
              average = average === undefined ? m : nextAverage(average, m);
              await expect(tx).to.emit(oracle, "RateUpdated").withArgs("MXN", m, average, fresh.length, at);
            }
            expect(median(rates)).to.equal(KC(row.median));
            expect((await oracle.rateOf("MXN"))[0]).to.equal(KC(row.median));
            expect((await oracle.rateState("MXN")).average).to.equal(average);
          });
        });
      }

      describe("when a report is older than maxAge", () => {
        it("leaves it out of the median and of the count", async () => {
          const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
          const [r1, r2, r3] = reporters;
          await oracle.connect(r1!).report("MXN", KC("0.052"));
          await time.increase(MAX_AGE + 1n);
          await oracle.connect(r2!).report("MXN", KC("0.050"));
          const at = await nextTimestamp();
          // with r1's report the median of [0.050, 0.051, 0.052] would be 0.051, from 3 reports
          await expect(oracle.connect(r3!).report("MXN", KC("0.051")))
            .to.emit(oracle, "RateUpdated")
            .withArgs("MXN", KC("0.050"), KC("0.050"), 2, at);
        });

        it("does not count it towards the quorum", async () => {
          const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
          await oracle.connect(reporters[0]!).report("MXN", RATES.MXN);
          await time.increase(MAX_AGE + 1n);
          await expect(oracle.connect(reporters[1]!).report("MXN", RATES.MXN)).not.to.emit(oracle, "RateUpdated");
        });

        it("counts a report exactly maxAge old", async () => {
          const { oracle, reporters } = await loadFixture(deployFxOracleFixture);
          await oracle.connect(reporters[0]!).report("MXN", RATES.MXN);
          const reportedAt = BigInt(await time.latest());
          await time.setNextBlockTimestamp(reportedAt + MAX_AGE);
          await expect(oracle.connect(reporters[1]!).report("MXN", RATES.MXN))
            .to.emit(oracle, "RateUpdated")
            .withArgs("MXN", RATES.MXN, RATES.MXN, 2, reportedAt + MAX_AGE);
        });
      });

      describe("when a reporter has been removed", () => {
        it("leaves its report out of the median and of the count", async () => {
          const { oracle, admin, reporters } = await loadFixture(deployFxOracleFixture);
          const [r1, r2, r3] = reporters;
          await oracle.connect(r1!).report("MXN", KC("0.052"));
          await oracle.connect(r2!).report("MXN", KC("0.050"));
          await oracle.connect(r3!).report("MXN", KC("0.051"));
          expect((await oracle.rateOf("MXN"))[0]).to.equal(KC("0.051"));
          await oracle.connect(admin).removeReporter(r3!.address);
          const average = (await oracle.rateState("MXN")).average;
          const at = await nextTimestamp();
          // with r3's report the median would stay 0.051, from 3 reports
          await expect(oracle.connect(r2!).report("MXN", KC("0.050")))
            .to.emit(oracle, "RateUpdated")
            .withArgs("MXN", KC("0.050"), nextAverage(average, KC("0.050")), 2, at);
        });
      });
    });

    describe("the average", () => {
      describe("when a new median is within maxDeviationBps of the average", () => {
        it("emits RateUpdated with the average moved a quarter of the way to the median", async () => {
          const { oracle, reporters } = await loadFixture(deployReportedOracleFixture);
          const [r1, r2] = reporters;
          await oracle.connect(r1!).report("MXN", KC("0.052")); // median stays 0.05
          const at = await nextTimestamp();
          const expected = nextAverage(RATES.MXN, KC("0.052"));
          expect(expected).to.equal(KC("0.0505"));
          await expect(oracle.connect(r2!).report("MXN", KC("0.052")))
            .to.emit(oracle, "RateUpdated")
            .withArgs("MXN", KC("0.052"), expected, 3, at);
          const state = await oracle.rateState("MXN");
          expect([state.rate, state.average, state.updatedAt, state.tripped]).to.deep.equal([
            KC("0.052"),
            expected,
            at,
            false,
          ]);
        });

        it("follows a slow trend that a single jump of the same size would trip on", async () => {
          const { oracle, reporters } = await loadFixture(deployReportedOracleFixture);
          // 0.05 -> 0.0548 in four steps of 2.4%, each reported by every reporter, is followed ...
          for (const step of ["0.0512", "0.0524", "0.0536", "0.0548"]) {
            for (const r of reporters) await oracle.connect(r).report("MXN", KC(step));
          }
          expect((await oracle.rateOf("MXN"))[0]).to.equal(KC("0.0548"));
          // ... a jump from 0.05 straight to 0.0548 (9.6%) trips: see the breaker below
          expect(deviationBps(KC("0.0548"), RATES.MXN)).to.be.greaterThan(MAX_DEVIATION_BPS);
        });
      });
    });

    describe("the deviation breaker", () => {
      describe("when the new median deviates by exactly maxDeviationBps", () => {
        it("accepts it", async () => {
          const { oracle, reporters } = await loadFixture(deployReportedOracleFixture);
          await oracle.connect(reporters[0]!).report("MXN", KC("0.0525"));
          await expect(oracle.connect(reporters[1]!).report("MXN", KC("0.0525")))
            .to.emit(oracle, "RateUpdated")
            .and.not.to.emit(oracle, "BreakerTripped");
          expect((await oracle.rateOf("MXN"))[0]).to.equal(KC("0.0525"));
        });
      });

      for (const [direction, jump, bps] of [
        ["up", "0.0526", 520n],
        ["down", "0.0474", 520n],
      ] as const) {
        describe(`when the new median deviates ${direction} by more than maxDeviationBps`, () => {
          it("emits BreakerTripped(currency, median, average, deviationBps) and keeps the last rate", async () => {
            const { oracle, reporters } = await loadFixture(deployReportedOracleFixture);
            await oracle.connect(reporters[0]!).report("MXN", KC(jump));
            expect(deviationBps(KC(jump), RATES.MXN)).to.equal(bps);
            await expect(oracle.connect(reporters[1]!).report("MXN", KC(jump)))
              .to.emit(oracle, "BreakerTripped")
              .withArgs("MXN", KC(jump), RATES.MXN, bps)
              .and.not.to.emit(oracle, "RateUpdated");
            const state = await oracle.rateState("MXN");
            expect([state.rate, state.average, state.tripped]).to.deep.equal([RATES.MXN, RATES.MXN, true]);
            await expect(oracle.rateOf("MXN"))
              .to.be.revertedWithCustomError(oracle, "FxOracleBreakerTripped")
              .withArgs("MXN");
          });
        });
      }

      describe("when reports arrive while the breaker is tripped", () => {
        it("records them but neither updates the rate nor trips again", async () => {
          const { oracle, reporters } = await loadFixture(deployTrippedOracleFixture);
          const before = await oracle.rateState("MXN");
          for (const rate of [KC("0.0526"), RATES.MXN]) {
            await expect(oracle.connect(reporters[2]!).report("MXN", rate))
              .to.emit(oracle, "RateReported")
              .and.not.to.emit(oracle, "RateUpdated")
              .and.not.to.emit(oracle, "BreakerTripped");
          }
          expect([...(await oracle.rateState("MXN"))]).to.deep.equal([...before]);
        });
      });

      describe("when another currency's breaker trips", () => {
        it("leaves this currency usable", async () => {
          const { oracle } = await loadFixture(deployTrippedOracleFixture);
          expect((await oracle.rateOf("CAD"))[0]).to.equal(RATES.CAD);
        });
      });
    });
  });

  describe("resetBreaker", () => {
    describe("when the admin resets a tripped breaker with enough fresh reports", () => {
      it("emits BreakerReset(currency, median, by) and RateUpdated with the median as rate and average", async () => {
        const { oracle, admin } = await loadFixture(deployTrippedOracleFixture);
        // fresh reports: 0.0526, 0.0526, 0.05 -> median 0.0526
        const at = await nextTimestamp();
        await expect(oracle.connect(admin).resetBreaker("MXN"))
          .to.emit(oracle, "BreakerReset")
          .withArgs("MXN", KC("0.0526"), admin.address)
          .and.to.emit(oracle, "RateUpdated")
          .withArgs("MXN", KC("0.0526"), KC("0.0526"), 3, at);
        expect([...(await oracle.rateOf("MXN"))]).to.deep.equal([KC("0.0526"), at]);
        const state = await oracle.rateState("MXN");
        expect([state.average, state.tripped]).to.deep.equal([KC("0.0526"), false]);
      });

      it("judges later medians against the new average", async () => {
        const { oracle, admin, reporters } = await loadFixture(deployTrippedOracleFixture);
        await oracle.connect(admin).resetBreaker("MXN");
        // 0.0526 -> 0.0550 is 4.56% of the new average: accepted (it was 10% of the old one)
        await oracle.connect(reporters[0]!).report("MXN", KC("0.0550"));
        await expect(oracle.connect(reporters[2]!).report("MXN", KC("0.0550"))).to.emit(oracle, "RateUpdated");
        expect((await oracle.rateOf("MXN"))[0]).to.equal(KC("0.0550"));
      });
    });

    describe("when the breaker is not tripped", () => {
      it("reverts with FxOracleBreakerNotTripped(currency)", async () => {
        const { oracle, admin } = await loadFixture(deployReportedOracleFixture);
        await expect(oracle.connect(admin).resetBreaker("MXN"))
          .to.be.revertedWithCustomError(oracle, "FxOracleBreakerNotTripped")
          .withArgs("MXN");
      });
    });

    describe("when fewer than minReports reports are fresh", () => {
      it("reverts with FxOracleNotEnoughReports(currency, fresh, needed)", async () => {
        const { oracle, admin, reporters } = await loadFixture(deployTrippedOracleFixture);
        await time.increase(MAX_AGE + 1n);
        await expect(oracle.connect(admin).resetBreaker("MXN"))
          .to.be.revertedWithCustomError(oracle, "FxOracleNotEnoughReports")
          .withArgs("MXN", 0, MIN_REPORTS);
        await oracle.connect(reporters[0]!).report("MXN", RATES.MXN);
        await expect(oracle.connect(admin).resetBreaker("MXN"))
          .to.be.revertedWithCustomError(oracle, "FxOracleNotEnoughReports")
          .withArgs("MXN", 1, MIN_REPORTS);
      });
    });

    describe("when the caller is not the admin", () => {
      it("reverts with AccessControlUnauthorizedAccount, even for a reporter", async () => {
        const { oracle, stranger, reporters } = await loadFixture(deployTrippedOracleFixture);
        for (const caller of [stranger, reporters[0]!]) {
          await expect(oracle.connect(caller).resetBreaker("MXN"))
            .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
        }
      });
    });
  });

  describe("setParameters", () => {
    describe("when the admin sets parameters within their bounds", () => {
      const rows = [
        { name: "the lower bounds", params: [60n, 10n, 1n] },
        { name: "the upper bounds", params: [7n * 86_400n, 5_000n, MAX_REPORTERS] },
        { name: "values in between", params: [3_600n, 250n, 3n] },
      ] as const;
      for (const row of rows) {
        it(`accepts ${row.name} and emits ParametersChanged`, async () => {
          const { oracle, admin } = await loadFixture(deployFxOracleFixture);
          const [maxAge, maxDeviationBps, minReports] = row.params;
          await expect(oracle.connect(admin).setParameters(maxAge, maxDeviationBps, minReports))
            .to.emit(oracle, "ParametersChanged")
            .withArgs(maxAge, maxDeviationBps, minReports);
          expect([await oracle.maxAge(), await oracle.maxDeviationBps(), await oracle.minReports()]).to.deep.equal([
            maxAge,
            maxDeviationBps,
            minReports,
          ]);
        });
      }

      it("applies a shorter maxAge to the current rate at once", async () => {
        const { oracle, admin, mxnUpdatedAt } = await loadFixture(deployReportedOracleFixture);
        await time.increaseTo(mxnUpdatedAt + 61n);
        await oracle.connect(admin).setParameters(60, MAX_DEVIATION_BPS, MIN_REPORTS);
        await expect(oracle.rateOf("MXN"))
          .to.be.revertedWithCustomError(oracle, "FxOracleStaleRate")
          .withArgs("MXN", mxnUpdatedAt, 60);
      });
    });

    describe("when a parameter is out of bounds", () => {
      const rows = [
        { parameter: "maxAge", params: [59n, 500n, 2n], value: 59n, min: 60n, max: 604_800n },
        { parameter: "maxAge", params: [604_801n, 500n, 2n], value: 604_801n, min: 60n, max: 604_800n },
        { parameter: "maxDeviationBps", params: [3_600n, 9n, 2n], value: 9n, min: 10n, max: 5_000n },
        { parameter: "maxDeviationBps", params: [3_600n, 5_001n, 2n], value: 5_001n, min: 10n, max: 5_000n },
        { parameter: "minReports", params: [3_600n, 500n, 0n], value: 0n, min: 1n, max: MAX_REPORTERS },
        { parameter: "minReports", params: [3_600n, 500n, 17n], value: 17n, min: 1n, max: MAX_REPORTERS },
      ] as const;
      for (const row of rows) {
        it(`reverts with FxOracleParameterOutOfBounds("${row.parameter}", ${row.value}, ${row.min}, ${row.max})`, async () => {
          const { oracle, admin } = await loadFixture(deployFxOracleFixture);
          await expect(oracle.connect(admin).setParameters(...row.params))
            .to.be.revertedWithCustomError(oracle, "FxOracleParameterOutOfBounds")
            .withArgs(row.parameter, row.value, row.min, row.max);
        });
      }
    });

    describe("when the caller is not the admin", () => {
      it("reverts with AccessControlUnauthorizedAccount", async () => {
        const { oracle, stranger } = await loadFixture(deployFxOracleFixture);
        await expect(oracle.connect(stranger).setParameters(MAX_AGE, MAX_DEVIATION_BPS, MIN_REPORTS))
          .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
      });
    });
  });

  describe("crossRate", () => {
    describe("when both rates are usable", () => {
      const rows = [
        ["MXN", "USD", RATES.MXN],
        ["USD", "MXN", KC(20)],
        ["CAD", "MXN", KC(15)],
        ["MXN", "CAD", crossRate(RATES.MXN, RATES.CAD)],
        ["USD", "CAD", crossRate(E18, RATES.CAD)],
        ["MXN", "MXN", E18],
        ["USD", "USD", E18],
      ] as const;
      for (const [from, to, expected] of rows) {
        it(`returns ${ethers.formatEther(expected)} ${to} per ${from}`, async () => {
          const { oracle } = await loadFixture(deployReportedOracleFixture);
          expect(await oracle.crossRate(from, to)).to.equal(expected);
        });
      }

      it("rounds down", async () => {
        const { oracle } = await loadFixture(deployReportedOracleFixture);
        expect(await oracle.crossRate("MXN", "CAD")).to.equal(66_666_666_666_666_666n);
        expect(await oracle.crossRate("USD", "CAD")).to.equal(1_333_333_333_333_333_333n);
      });
    });

    describe("when either currency is unknown", () => {
      for (const [from, to] of [
        ["EUR", "MXN"],
        ["MXN", "EUR"],
      ] as const) {
        it(`reverts with FxOracleUnknownCurrency("EUR") for ${from} -> ${to}`, async () => {
          const { oracle } = await loadFixture(deployReportedOracleFixture);
          await expect(oracle.crossRate(from, to))
            .to.be.revertedWithCustomError(oracle, "FxOracleUnknownCurrency")
            .withArgs("EUR");
        });
      }
    });

    describe("when a leg is stale or tripped", () => {
      it("reverts with that leg's FxOracleStaleRate", async () => {
        const { oracle, mxnUpdatedAt } = await loadFixture(deployReportedOracleFixture);
        await time.increaseTo(mxnUpdatedAt + MAX_AGE + 1n);
        await expect(oracle.crossRate("USD", "MXN"))
          .to.be.revertedWithCustomError(oracle, "FxOracleStaleRate")
          .withArgs("MXN", mxnUpdatedAt, MAX_AGE);
      });

      it("reverts with FxOracleBreakerTripped", async () => {
        const { oracle } = await loadFixture(deployTrippedOracleFixture);
        await expect(oracle.crossRate("MXN", "CAD"))
          .to.be.revertedWithCustomError(oracle, "FxOracleBreakerTripped")
          .withArgs("MXN");
      });
    });
  });
});

/**
 * FxOracle logs: every report, each currency's accepted rate and breaker (as `rateState` reports them) with its
 * history, and the reporters and parameters. An accepted rate revalues every pool that holds the currency.
 */
import { ponder } from "ponder:registry";
import { fxOracle, fxOracleEvent, fxRateEvent, fxReport, fxReporter } from "ponder:schema";
import { changeRate, ensureOracle, revalue } from "./bridgeStore";
import { logColumns } from "./store";

ponder.on("FxOracle:RateReported", async ({ event, context }) => {
  const oracle = event.log.address;
  await ensureOracle(context, oracle, event.block);
  const { currency, reporter, rate } = event.args;
  const at = event.block.timestamp;
  await context.db.insert(fxReport).values({ ...logColumns(event), oracle, currency, reporter, rate });
  await context.db
    .insert(fxReporter)
    .values({ oracle, address: reporter, active: true, reportCount: 1, lastReportAt: at })
    .onConflictDoUpdate((r) => ({ reportCount: r.reportCount + 1, lastReportAt: at }));
  await context.db.update(fxOracle, { address: oracle }).set((o) => ({ reportCount: o.reportCount + 1 }));
});

ponder.on("FxOracle:RateUpdated", async ({ event, context }) => {
  const oracle = event.log.address;
  await ensureOracle(context, oracle, event.block);
  const { currency, rate, average, reports, timestamp } = event.args;
  const freshReports = Number(reports);
  const row = await changeRate(context.db, currency, (r) => ({
    rate,
    average,
    updatedAt: timestamp,
    tripped: false,
    freshReports,
    updateCount: r.updateCount + 1,
  }));
  await context.db
    .insert(fxRateEvent)
    .values({ ...logColumns(event), oracle, currency, kind: "rate_updated", rate, average, freshReports });
  for (const address of row.pools) await revalue(context.db, address);
});

ponder.on("FxOracle:BreakerTripped", async ({ event, context }) => {
  const oracle = event.log.address;
  await ensureOracle(context, oracle, event.block);
  const { currency, median, average, deviationBps } = event.args;
  // The rate stays the last accepted one; swaps and deposits in the currency stop until a reset.
  await changeRate(context.db, currency, (r) => ({ tripped: true, tripCount: r.tripCount + 1 }));
  await context.db.insert(fxRateEvent).values({
    ...logColumns(event),
    oracle,
    currency,
    kind: "breaker_tripped",
    rate: median,
    average,
    deviationBps,
  });
});

ponder.on("FxOracle:BreakerReset", async ({ event, context }) => {
  const oracle = event.log.address;
  await ensureOracle(context, oracle, event.block);
  const { currency, rate, by } = event.args;
  // The RateUpdated that follows in the same transaction sets the new rate and average.
  await changeRate(context.db, currency, () => ({ tripped: false }));
  await context.db
    .insert(fxRateEvent)
    .values({ ...logColumns(event), oracle, currency, kind: "breaker_reset", rate, resetBy: by });
});

ponder.on("FxOracle:ReporterAdded", async ({ event, context }) => {
  const oracle = event.log.address;
  await ensureOracle(context, oracle, event.block);
  const { reporter } = event.args;
  const at = event.block.timestamp;
  await context.db
    .insert(fxReporter)
    .values({ oracle, address: reporter, active: true, reportCount: 0, addedAt: at })
    .onConflictDoUpdate({ active: true, addedAt: at, removedAt: null });
  await context.db.update(fxOracle, { address: oracle }).set((o) => ({ reporterCount: o.reporterCount + 1 }));
  await context.db.insert(fxOracleEvent).values({ ...logColumns(event), oracle, kind: "reporter_added", reporter });
});

ponder.on("FxOracle:ReporterRemoved", async ({ event, context }) => {
  const oracle = event.log.address;
  await ensureOracle(context, oracle, event.block);
  const { reporter } = event.args;
  const at = event.block.timestamp;
  await context.db
    .insert(fxReporter)
    .values({ oracle, address: reporter, active: false, reportCount: 0, removedAt: at })
    .onConflictDoUpdate({ active: false, removedAt: at });
  await context.db.update(fxOracle, { address: oracle }).set((o) => ({ reporterCount: o.reporterCount - 1 }));
  await context.db.insert(fxOracleEvent).values({ ...logColumns(event), oracle, kind: "reporter_removed", reporter });
});

ponder.on("FxOracle:ParametersChanged", async ({ event, context }) => {
  const oracle = event.log.address;
  await ensureOracle(context, oracle, event.block);
  const { maxAge, maxDeviationBps, minReports } = event.args;
  await context.db.update(fxOracle, { address: oracle }).set({ maxAge, maxDeviationBps, minReports });
  await context.db
    .insert(fxOracleEvent)
    .values({ ...logColumns(event), oracle, kind: "parameters_changed", maxAge, maxDeviationBps, minReports });
});

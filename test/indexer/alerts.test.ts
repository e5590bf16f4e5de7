import { expect } from "chai";
import fc from "fast-check";
import {
  type Alert,
  type AlertState,
  blockedAttempt,
  sanctionedParties,
  decodeAlertState,
  DEFAULT_THRESHOLDS,
  emptyAlertState,
  encodeAlertState,
  observeTransfer,
  structuringBand,
  type Thresholds,
  thresholdsFromConfig,
} from "../../indexer/src/lib/alerts";

const E18 = 10n ** 18n;
const HOUR = 3_600n;
const DAY = 86_400n;
/** 2026-11-22T00:00:00Z */
const D0 = 1_795_305_600n;
const ALICE = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

/** A transfer by Alice of `units` whole local units (or a bigint in wei) at `at`. */
type Step = { units: number | bigint; at: bigint; sanctioned?: boolean };

function wei(units: number | bigint): bigint {
  return typeof units === "bigint" ? units : BigInt(units) * E18;
}

/** Folds the steps from an empty state: every alert raised, and the final state. */
function run(steps: Step[], thresholds: Thresholds = DEFAULT_THRESHOLDS, start: AlertState = emptyAlertState()) {
  let state = start;
  const alerts: Alert[] = [];
  steps.forEach((step, i) => {
    const out = observeTransfer(state, thresholds, {
      account: ALICE,
      community: "mx-oax",
      txHash: `0x${(i + 1).toString(16).padStart(64, "0")}`,
      amount: wei(step.units),
      at: step.at,
      counterpartySanctioned: step.sanctioned ?? false,
    });
    state = out.state;
    alerts.push(...out.alerts);
  });
  return { alerts, state, rules: alerts.map((a) => a.rule) };
}

/** Which steps (1-based) raised `rule`. */
function stepsOf(alerts: Alert[], rule: Alert["rule"]): number[] {
  return alerts.filter((a) => a.rule === rule).map((a) => Number(BigInt(a.txHash)));
}

describe("indexer: compliance alert rules", () => {
  describe("thresholds", () => {
    it("defaults to the issue's thresholds", () => {
      expect(thresholdsFromConfig()).to.deep.equal(DEFAULT_THRESHOLDS);
      // 90% and 100% of 10,000
      expect(structuringBand(DEFAULT_THRESHOLDS)).to.deep.equal({ low: 9_000n * E18, high: 10_000n * E18 });
    });

    it("takes a community's overrides and keeps the rest", () => {
      const t = thresholdsFromConfig({ large: 1_000n * E18, velocityCount: 5, structuringWindow: undefined });
      expect(t.large).to.equal(1_000n * E18);
      expect(t.velocityCount).to.equal(5);
      expect(t.structuringWindow).to.equal(DAY);
      // 90% of 1,000 = 900
      expect(structuringBand(t)).to.deep.equal({ low: 900n * E18, high: 1_000n * E18 });
    });

    it("rejects thresholds that cannot work", () => {
      expect(() => thresholdsFromConfig({ large: 0n })).to.throw("must be positive");
      expect(() => thresholdsFromConfig({ velocityWindow: 0n })).to.throw("windows must be positive");
      expect(() => thresholdsFromConfig({ structuringCount: 0 })).to.throw("positive whole number");
      expect(() => thresholdsFromConfig({ structuringLowBps: 10_000 })).to.throw("band");
    });
  });

  describe("large", () => {
    it("fires high on every transfer at or above 10,000, not below", () => {
      const { alerts } = run([
        { units: 10_000, at: D0 },
        { units: 10_000n * E18 - 1n, at: D0 + 1n }, // 1 wei under
        { units: 12_000, at: D0 + 2n },
      ]);
      expect(stepsOf(alerts, "large")).to.deep.equal([1, 3]);
      expect(alerts[0]).to.deep.equal({
        rule: "large",
        severity: "high",
        account: ALICE,
        community: "mx-oax",
        txHash: `0x${"1".padStart(64, "0")}`,
        amount: 10_000n * E18,
        at: D0,
      });
    });
  });

  describe("sanctioned counterparty", () => {
    it("fires severe on every transfer to a sanctioned account, before the other rules", () => {
      const { alerts, rules } = run([
        { units: 10_000, at: D0, sanctioned: true },
        { units: 1, at: D0 + 1n, sanctioned: true },
        { units: 1, at: D0 + 2n },
      ]);
      expect(rules).to.deep.equal(["sanctioned", "large", "sanctioned"]);
      expect(alerts[0]!.severity).to.equal("severe");
    });
  });

  describe("structuring", () => {
    // 01:00, 02:00 on 2026-11-22, and 00:00 on 2026-11-23 (23 h after the first): all within 24 h. The day totals
    // are 9,000 + 9,500 = 18,500 and 9,999, so the daily total stays quiet.
    const t1 = D0 + HOUR;

    it("fires severe once for 9,000, 9,500 and 9,999 within 24 h", () => {
      const { alerts, rules } = run([
        { units: 9_000, at: t1 },
        { units: 9_500, at: t1 + HOUR },
        { units: 9_999, at: t1 + 23n * HOUR },
        { units: 9_200, at: t1 + 23n * HOUR + 1_800n }, // a 4th within the same window: silent
      ]);
      expect(rules).to.deep.equal(["structuring"]);
      expect(alerts[0]).to.include({ severity: "severe", amount: 9_999n * E18, at: t1 + 23n * HOUR });
      expect(stepsOf(alerts, "structuring")).to.deep.equal([3]);
    });

    it("does not fire when one is 8,999 (under 90% of 10,000)", () => {
      const { rules } = run([
        { units: 9_000, at: t1 },
        { units: 9_500, at: t1 + HOUR },
        { units: 8_999, at: t1 + 23n * HOUR },
      ]);
      expect(rules).to.deep.equal([]);
    });

    it("does not count 10,000 (a large transfer, not structuring)", () => {
      const { rules } = run([
        { units: 9_000, at: t1 },
        { units: 9_500, at: t1 + HOUR },
        { units: 10_000, at: t1 + 2n * HOUR },
      ]);
      // day total 28,500 >= 25,000 at the 3rd
      expect(rules).to.deep.equal(["large", "dailyTotal"]);
    });

    it("does not fire when the first is exactly 24 h before the third", () => {
      // window of the 3rd: (t1, t1 + 24 h], so the 1st is out; of the 4th: (t1 + 1 h, t1 + 25 h], the 2nd is out
      const { rules } = run([
        { units: 9_000, at: t1 },
        { units: 9_500, at: t1 + HOUR },
        { units: 9_999, at: t1 + 24n * HOUR },
        { units: 9_999, at: t1 + 25n * HOUR },
      ]);
      expect(rules).to.deep.equal([]);
    });

    it("fires again once the window after an alert has passed, on new transfers only", () => {
      // alert at T = t1 + 2 h; silent until T + 24 h. At T + 24 h the window (T, T + 24 h] holds the transfers at
      // T + 1 h, T + 2 h and T + 24 h: 3, none counted by the first alert.
      const T = t1 + 2n * HOUR;
      const { alerts } = run([
        { units: 9_000, at: t1 },
        { units: 9_000, at: t1 + HOUR },
        { units: 9_000, at: T }, // alert 1 (day total 27,000: dailyTotal too)
        { units: 9_000, at: T + HOUR }, // silent
        { units: 9_000, at: T + 2n * HOUR }, // silent
        { units: 9_000, at: T + 24n * HOUR }, // alert 2
      ]);
      expect(stepsOf(alerts, "structuring")).to.deep.equal([3, 6]);
    });
  });

  describe("daily total", () => {
    it("fires medium once when a UTC day's total reaches 25,000", () => {
      // 8,000 + 8,000 + 8,000 = 24,000; + 1,000 = 25,000 (at or above): alert; + 5,000 = 30,000: silent
      // next day: 24,999 quiet, then + 1 = 25,000: alert again
      const { alerts, state } = run([
        { units: 8_000, at: D0 + 10n },
        { units: 8_000, at: D0 + 20n },
        { units: 8_000, at: D0 + 30n },
        { units: 1_000, at: D0 + 40n },
        { units: 5_000, at: D0 + 50n },
        { units: 8_000, at: D0 + DAY },
        { units: 8_000, at: D0 + DAY + 1n },
        { units: 8_999, at: D0 + DAY + 2n },
        { units: 1, at: D0 + DAY + 3n },
      ]);
      expect(stepsOf(alerts, "dailyTotal")).to.deep.equal([4, 9]);
      expect(alerts.map((a) => a.rule)).to.deep.equal(["dailyTotal", "dailyTotal"]);
      expect(alerts[0]).to.include({ severity: "medium", amount: 1_000n * E18 });
      expect(state.dayTotal).to.equal(25_000n * E18);
    });

    it("counts calendar days, not the last 24 h", () => {
      // 20,000 at 23:59:59 and 20,000 one second later, on the next day: two days of 20,000
      const { rules } = run([
        { units: 9_000, at: D0 + DAY - 1n },
        { units: 8_000, at: D0 + DAY - 1n },
        { units: 3_000, at: D0 + DAY - 1n },
        { units: 8_000, at: D0 + DAY },
        { units: 8_000, at: D0 + DAY },
        { units: 4_000, at: D0 + DAY },
      ]);
      expect(rules).to.deep.equal([]);
    });
  });

  describe("velocity", () => {
    it("fires medium at the 20th transfer within an hour, once", () => {
      // one per minute from 00:00: the 20th at 00:19
      const steps = Array.from({ length: 25 }, (_, i) => ({ units: 1, at: D0 + 60n * BigInt(i) }));
      const { alerts } = run(steps);
      expect(stepsOf(alerts, "velocity")).to.deep.equal([20]);
      expect(alerts[0]).to.include({ severity: "medium", at: D0 + 19n * 60n });
    });

    it("fires at the 20th transfer in one block", () => {
      const steps = Array.from({ length: 20 }, () => ({ units: 1, at: D0 }));
      expect(stepsOf(run(steps).alerts, "velocity")).to.deep.equal([20]);
    });

    it("slides: a transfer exactly an hour after the first leaves it out", () => {
      // 19 transfers every 3 minutes from 00:00 (the last at 00:54); the 20th at 01:00 sees (00:00, 01:00]: 19
      // of them; the 21st at 01:00:01 sees (00:00:01, 01:00:01]: 18 + 2 = 20, alert
      const steps = Array.from({ length: 19 }, (_, i) => ({ units: 1, at: D0 + 180n * BigInt(i) }));
      steps.push({ units: 1, at: D0 + HOUR }, { units: 1, at: D0 + HOUR + 1n });
      expect(stepsOf(run(steps).alerts, "velocity")).to.deep.equal([21]);
    });

    it("fires again an hour after its alert", () => {
      // 20 in one block at 00:00 (alert), 20 more at 00:30 (silent until 01:00), 1 at 01:00: the window
      // (00:00, 01:00] holds the 20 at 00:30 and this one: alert
      const steps = [
        ...Array.from({ length: 20 }, () => ({ units: 1, at: D0 })),
        ...Array.from({ length: 20 }, () => ({ units: 1, at: D0 + 1_800n })),
        { units: 1, at: D0 + HOUR },
      ];
      const { alerts, state } = run(steps);
      expect(stepsOf(alerts, "velocity")).to.deep.equal([20, 41]);
      expect(state.velocity.length).to.equal(20); // only the newest 20 are kept
    });
  });

  describe("blocked attempt", () => {
    it("is a low alert per attempt", () => {
      const attempt = { account: ALICE, community: "mx-oax", txHash: "0xab", amount: 5n * E18, at: D0 };
      expect(blockedAttempt(attempt)).to.deep.equal({ rule: "blocked", severity: "low", ...attempt });
    });
  });

  describe("state", () => {
    it("is not mutated, and survives a JSON round trip", () => {
      const start = emptyAlertState();
      const frozen = encodeAlertState(start);
      const { state } = run(
        [
          { units: 9_000, at: D0 },
          { units: 9_500, at: D0 + 1n },
        ],
        DEFAULT_THRESHOLDS,
        start,
      );
      expect(encodeAlertState(start)).to.equal(frozen);
      const decoded = decodeAlertState(encodeAlertState(state));
      expect(decoded).to.deep.equal(state);
      // resuming from the decoded state completes the pattern at the 3rd: structuring, and the day's total
      // 9,000 + 9,500 + 9,999 = 28,499 >= 25,000
      const resumed = run([{ units: 9_999, at: D0 + 2n }], DEFAULT_THRESHOLDS, decoded);
      expect(resumed.rules).to.deep.equal(["structuring", "dailyTotal"]);
    });

    it("is written as JSON.stringify with bigints as strings writes it (the stored form), and read back", () => {
      const big = fc.bigInt({ min: -1n, max: 2n ** 128n });
      const state = fc.record({
        lastAt: big,
        day: big,
        dayTotal: big,
        dayAlerted: fc.boolean(),
        structuring: fc.array(big, { maxLength: 12 }),
        structuringSilentUntil: big,
        velocity: fc.array(big, { maxLength: 25 }),
        velocitySilentUntil: big,
      });
      fc.assert(
        fc.property(state, (s: AlertState) => {
          const json = encodeAlertState(s);
          expect(json).to.equal(JSON.stringify(s, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v)));
          expect(decodeAlertState(json)).to.deep.equal(s);
        }),
      );
    });

    it("rejects a transfer older than the last one", () => {
      const { state } = run([{ units: 1, at: D0 + 10n }]);
      expect(() => run([{ units: 1, at: D0 + 9n }], DEFAULT_THRESHOLDS, state)).to.throw("observed after");
    });
  });

  describe("sanctioned parties the sender's rules do not cover", () => {
    const ZERO = "0x0000000000000000000000000000000000000000";
    const BOB = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
    const base = { from: ALICE, to: BOB, fromListed: false, toListed: false, senderWatched: true };

    it("alerts the recipient of a listed sender, and the listed holder of a mint or a burn", () => {
      expect(sanctionedParties({ ...base, fromListed: true })).to.deep.equal([{ account: BOB, counterparty: ALICE }]);
      expect(sanctionedParties({ ...base, from: ZERO, toListed: true, senderWatched: false })).to.deep.equal([
        { account: BOB, counterparty: ZERO },
      ]);
      expect(sanctionedParties({ ...base, to: ZERO, fromListed: true })).to.deep.equal([
        { account: ALICE, counterparty: ZERO },
      ]);
    });

    it("alerts an unwatched sender (a system account, a pool) paying a listed address; a watched one is the rules'", () => {
      expect(sanctionedParties({ ...base, toListed: true, senderWatched: false })).to.deep.equal([
        { account: ALICE, counterparty: BOB },
      ]);
      expect(sanctionedParties({ ...base, toListed: true })).to.deep.equal([]);
      expect(sanctionedParties(base)).to.deep.equal([]);
    });
  });
});

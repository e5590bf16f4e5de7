import { expect } from "chai";
import {
  addRefund,
  addSale,
  claimReward,
  creditReward,
  inPeg,
  kcShareBps,
  merchantStatus,
  NO_SALES,
  paymentMethod,
} from "../../indexer/src/lib/commerce";

const E18 = (n: number) => BigInt(n) * 10n ** 18n;
const ROUTER = "0x4EE6eCAD1c2Dae9f525404De8555724e3c35d07B";
const SELECTORS = { permit: "0x11111111", authorization: "0x22222222" };

describe("indexer: commerce rules", () => {
  it("names MerchantRegistry statuses, None and unknown values as null", () => {
    expect([0, 1, 2, 3, 4].map((n) => merchantStatus(n))).to.deep.equal([
      null,
      "pending",
      "verified",
      "suspended",
      null,
    ]);
    expect(merchantStatus(2n)).to.equal("verified");
  });

  it("counts a fiat part in the fiat volume only in the community's currency", () => {
    expect(inPeg("USD", "USD")).to.equal(true);
    expect(inPeg("usd", "USD")).to.equal(true);
    expect(inPeg("MXN", "USD")).to.equal(false);
    expect(inPeg("USD", null)).to.equal(false);
  });

  it("adds a sale's KC part, fiat part (in the peg only) and reward", () => {
    const one = addSale(NO_SALES, { amount: E18(10), fiatAmount: E18(5), fiatInPeg: true, reward: E18(1) / 10n });
    const two = addSale(one, { amount: E18(3), fiatAmount: E18(100), fiatInPeg: false, reward: 0n });
    expect(two).to.deep.equal({ paymentCount: 2, kcVolume: E18(13), fiatVolume: E18(5), rewards: E18(1) / 10n });
  });

  it("adds refunds and keeps other columns", () => {
    const row = { merchant: "0xabc", refundCount: 1, refundedVolume: E18(2) };
    expect(addRefund(row, E18(3))).to.deep.equal({ merchant: "0xabc", refundCount: 2, refundedVolume: E18(5) });
  });

  it("computes the KC share of commerce in basis points, rounded down", () => {
    expect(kcShareBps(E18(10), 0n)).to.equal(10_000);
    expect(kcShareBps(E18(1), E18(1))).to.equal(5_000);
    expect(kcShareBps(1n, 2n)).to.equal(3_333);
    expect(kcShareBps(0n, E18(4))).to.equal(0);
    expect(kcShareBps(0n, 0n)).to.equal(null);
  });

  it("tells the payment method from a direct call's selector; null for a call through a contract", () => {
    expect(paymentMethod(ROUTER, { to: ROUTER.toLowerCase(), input: "0x11111111abcd" }, SELECTORS)).to.equal("permit");
    expect(paymentMethod(ROUTER, { to: ROUTER, input: "0x22222222" }, SELECTORS)).to.equal("authorization");
    expect(paymentMethod(ROUTER, { to: ROUTER, input: "0x33333333" }, SELECTORS)).to.equal(null);
    expect(
      paymentMethod(ROUTER, { to: "0x0000000000000000000000000000000000000001", input: "0x11111111" }, SELECTORS),
    ).to.equal(null);
    expect(paymentMethod(ROUTER, { to: null, input: "0x11111111" }, SELECTORS)).to.equal(null);
  });

  it("credits and claims rewards: unclaimed = credited - claimed", () => {
    let b = { credited: 0n, claimed: 0n, unclaimed: 0n };
    b = creditReward(b, 5n);
    b = creditReward(b, 7n);
    b = claimReward(b, 12n);
    b = creditReward(b, 1n);
    expect(b).to.deep.equal({ credited: 13n, claimed: 12n, unclaimed: 1n });
  });
});

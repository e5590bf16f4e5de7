import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BigNumberish } from "ethers";
import type { TradeEscrow } from "../../typechain-types";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { asTimelock, RATES, setRate } from "../bridge/fixtures";
import { KC } from "../shared/fixtures";
import {
  ARBITER_ROLE,
  DAY,
  deployTradeEscrowFixture,
  OrderState,
  stateBits,
  type TradeEscrowFixture,
} from "./escrowFixtures";

/**
 * TradeEscrow: alice buys from bob. Domestic orders are in KATY; cross-border orders are paid in KATY and settled
 * to bob in MTY through the router's funded KATY/MTY pool (or KATY -> MTY -> TOR). Domestic orders run on days;
 * cross-border ones on hours, so that the oracle's rates (fresh for a day) stay fresh.
 */

type F = TradeEscrowFixture;
type Terms = TradeEscrow.TermsStruct;

const HOUR = 3_600;
const AMOUNT = KC(1_000);
const TERMS_HASH = ethers.id("purchase-order/2024-0042");
const DELIVERY_HASH = ethers.id("bill-of-lading/BL-7781");
const REASON_HASH = ethers.id("dispute/short-shipment");
const RULING_HASH = ethers.id("ruling/2024-0042");
const ZERO = ethers.ZeroAddress;

/** A domestic order's terms: 1,000 KATY, delivery within 7 days, release within 14. */
async function domesticTerms(f: F, overrides: Partial<Terms> = {}): Promise<Terms> {
  const now = await time.latest();
  return {
    seller: f.seller.address,
    tokenIn: f.katy.address,
    tokenOut: f.katy.address,
    amount: AMOUNT,
    minOut: 0n,
    termsHash: TERMS_HASH,
    deliveryDeadline: now + 7 * DAY,
    releaseDeadline: now + 14 * DAY,
    path: [],
    ...overrides,
  };
}

/** A cross-border order's terms: 1,000 KATY settled in MTY (default path), delivery within 1 hour, release 2. */
async function crossBorderTerms(f: F, overrides: Partial<Terms> = {}): Promise<Terms> {
  const now = await time.latest();
  return domesticTerms(f, {
    tokenOut: f.monterrey.address,
    deliveryDeadline: now + HOUR,
    releaseDeadline: now + 2 * HOUR,
    ...overrides,
  });
}

/** The buyer opens `terms`; returns the order id and the terms. */
async function open(f: F, terms: Terms) {
  await (await f.escrow.connect(f.buyer).open(terms)).wait();
  return { id: await f.escrow.orderCount(), terms };
}

/** Fixes the next block's timestamp at `at` (default: a second after the latest) and returns it. */
async function at(timestamp?: BigNumberish): Promise<number> {
  const t = timestamp === undefined ? (await time.latest()) + 1 : Number(timestamp);
  await time.setNextBlockTimestamp(t);
  return t;
}

/** What `amount` of KATY buys of MTY now, through the router. */
async function quoteMty(f: F, amount: bigint): Promise<bigint> {
  return (await f.router.quote([f.katy.address, f.monterrey.address], amount))[1]!;
}

/** Fixtures with an order in each state. */
async function fundedFixture() {
  const f = await deployTradeEscrowFixture();
  return { ...f, ...(await open(f, await domesticTerms(f))) };
}
async function deliveredFixture() {
  const f = await fundedFixture();
  await (await f.escrow.connect(f.seller).markDelivered(f.id, DELIVERY_HASH)).wait();
  return f;
}
async function disputedFixture() {
  const f = await deliveredFixture();
  await (await f.escrow.connect(f.buyer).dispute(f.id, REASON_HASH)).wait();
  return f;
}
async function crossBorderFixture() {
  const f = await deployTradeEscrowFixture();
  return { ...f, ...(await open(f, await crossBorderTerms(f))) };
}
async function crossBorderDeliveredFixture() {
  const f = await crossBorderFixture();
  await (await f.escrow.connect(f.seller).markDelivered(f.id, DELIVERY_HASH)).wait();
  return f;
}
async function crossBorderDisputedFixture() {
  const f = await crossBorderDeliveredFixture();
  await (await f.escrow.connect(f.seller).dispute(f.id, REASON_HASH)).wait();
  return f;
}

describe("TradeEscrow", () => {
  describe("constructor", () => {
    it("records the router and opens no order", async () => {
      const f = await loadFixture(deployTradeEscrowFixture);
      expect(await f.escrow.router()).to.equal(f.routerAddress);
      expect(await f.escrow.orderCount()).to.equal(0n);
      expect(await f.escrow.ARBITER_ROLE()).to.equal(ARBITER_ROLE);
    });
  });

  describe("open", () => {
    describe("when a domestic order is valid", () => {
      it("takes the amount from the buyer, records the order and emits OrderOpened", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const terms = await domesticTerms(f);
        const tx = f.escrow.connect(f.buyer).open(terms);
        await expect(tx)
          .to.emit(f.escrow, "OrderOpened")
          .withArgs(
            1n,
            f.buyer.address,
            f.seller.address,
            f.katy.address,
            f.katy.address,
            AMOUNT,
            0n,
            TERMS_HASH,
            terms.deliveryDeadline,
            terms.releaseDeadline,
            [],
          );
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.buyer, f.escrow], [-AMOUNT, AMOUNT]);
        const o = await f.escrow.orderOf(1n);
        expect([o.buyer, o.seller, o.tokenIn, o.tokenOut]).to.deep.equal([
          f.buyer.address,
          f.seller.address,
          f.katy.address,
          f.katy.address,
        ]);
        expect(o.state).to.equal(OrderState.Funded);
        expect([o.amount, o.minOut, o.termsHash]).to.deep.equal([AMOUNT, 0n, TERMS_HASH]);
        expect([o.deliveryDeadline, o.releaseDeadline]).to.deep.equal([
          BigInt(terms.deliveryDeadline),
          BigInt(terms.releaseDeadline),
        ]);
        expect(await f.escrow.pathOf(1n)).to.deep.equal([]);
        expect(await f.escrow.orderCount()).to.equal(1n);
      });

      it("numbers orders from 1 upwards", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        await open(f, await domesticTerms(f));
        await expect(f.escrow.connect(f.buyer).open(await domesticTerms(f)))
          .to.emit(f.escrow, "OrderOpened")
          .withArgs(2n, f.buyer.address, f.seller.address, ...Array<typeof anyValue>(8).fill(anyValue));
        expect(await f.escrow.orderCount()).to.equal(2n);
      });
    });

    describe("when a cross-border order is valid", () => {
      it("records the default path [tokenIn, tokenOut] and the minOut", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const minOut = KC(19_000);
        const terms = await crossBorderTerms(f, { minOut });
        const path = [f.katy.address, f.monterrey.address];
        await expect(f.escrow.connect(f.buyer).open(terms))
          .to.emit(f.escrow, "OrderOpened")
          .withArgs(
            1n,
            f.buyer.address,
            f.seller.address,
            f.katy.address,
            f.monterrey.address,
            AMOUNT,
            minOut,
            TERMS_HASH,
            terms.deliveryDeadline,
            terms.releaseDeadline,
            path,
          );
        expect(await f.escrow.pathOf(1n)).to.deep.equal(path);
        expect((await f.escrow.orderOf(1n)).minOut).to.equal(minOut);
        expect(await f.katy.token.balanceOf(f.escrowAddress)).to.equal(AMOUNT);
      });

      it("records a given multi-hop path", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const path = [f.katy.address, f.monterrey.address, f.toronto.address];
        await open(f, await crossBorderTerms(f, { tokenOut: f.toronto.address, path }));
        expect(await f.escrow.pathOf(1n)).to.deep.equal(path);
      });
    });

    describe("when the terms are invalid", () => {
      it("reverts with TradeEscrowInvalidSeller for a zero seller or the buyer itself", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        for (const seller of [ZERO, f.buyer.address]) {
          await expect(f.escrow.connect(f.buyer).open(await domesticTerms(f, { seller })))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowInvalidSeller")
            .withArgs(seller);
        }
      });

      it("reverts with TradeEscrowZeroAmount for a zero amount", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        await expect(
          f.escrow.connect(f.buyer).open(await domesticTerms(f, { amount: 0n })),
        ).to.be.revertedWithCustomError(f.escrow, "TradeEscrowZeroAmount");
      });

      const deadlineCases = [
        { when: "the delivery deadline is now", delivery: 0, release: DAY },
        { when: "the delivery deadline has passed", delivery: -1, release: DAY },
        { when: "the release deadline equals the delivery deadline", delivery: DAY, release: DAY },
        { when: "the release deadline precedes the delivery deadline", delivery: DAY, release: DAY - 1 },
      ];
      for (const c of deadlineCases) {
        it(`reverts with TradeEscrowInvalidDeadlines when ${c.when}`, async () => {
          const f = await loadFixture(deployTradeEscrowFixture);
          const now = (await time.latest()) + 1;
          const terms = await domesticTerms(f, {
            deliveryDeadline: now + c.delivery,
            releaseDeadline: now + c.release,
          });
          await at(now);
          await expect(f.escrow.connect(f.buyer).open(terms))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowInvalidDeadlines")
            .withArgs(now + c.delivery, now + c.release, now);
        });
      }

      it("reverts with TradeEscrowInvalidToken when tokenOut is not a community token", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        for (const tokenOut of [f.carol.address, f.routerAddress]) {
          await expect(f.escrow.connect(f.buyer).open(await crossBorderTerms(f, { tokenOut })))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowInvalidToken")
            .withArgs(tokenOut);
        }
      });

      it("reverts with TradeEscrowInvalidPath for a domestic order with a path", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const path = [f.katy.address, f.katy.address];
        await expect(f.escrow.connect(f.buyer).open(await domesticTerms(f, { path })))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowInvalidPath")
          .withArgs(f.katy.address, f.katy.address, path);
      });

      it("reverts with TradeEscrowInvalidPath for a cross-border path that is too short, too long or mis-ended", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const [k, m, t] = [f.katy.address, f.monterrey.address, f.toronto.address];
        const paths = [[k], [m, k], [k, m, t], [t, m], [k, t, k, t, m]];
        for (const path of paths) {
          await expect(f.escrow.connect(f.buyer).open(await crossBorderTerms(f, { path })))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowInvalidPath")
            .withArgs(k, m, path);
        }
      });

      it("reverts with BridgeRouterNoPool when a hop has no pool", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const [k, m, t] = [f.katy.address, f.monterrey.address, f.toronto.address];
        await expect(f.escrow.connect(f.buyer).open(await crossBorderTerms(f, { path: [k, t, m] })))
          .to.be.revertedWithCustomError(f.router, "BridgeRouterNoPool")
          .withArgs(k, t);
        await expect(f.escrow.connect(f.buyer).open(await crossBorderTerms(f, { tokenOut: t })))
          .to.be.revertedWithCustomError(f.router, "BridgeRouterNoPool")
          .withArgs(k, t);
      });
    });

    describe("when the buyer cannot pay", () => {
      it("reverts with the token's error and opens nothing", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        await f.katy.token.connect(f.buyer).approve(f.escrowAddress, AMOUNT - 1n);
        await expect(f.escrow.connect(f.buyer).open(await domesticTerms(f)))
          .to.be.revertedWithCustomError(f.katy.token, "ERC20InsufficientAllowance")
          .withArgs(f.escrowAddress, AMOUNT - 1n, AMOUNT);
        expect(await f.escrow.orderCount()).to.equal(0n);
      });
    });
  });

  describe("markDelivered", () => {
    describe("when the seller marks a funded order by the delivery deadline", () => {
      it("moves it to Delivered and emits OrderDelivered", async () => {
        const f = await loadFixture(fundedFixture);
        await at(f.terms.deliveryDeadline);
        await expect(f.escrow.connect(f.seller).markDelivered(f.id, DELIVERY_HASH))
          .to.emit(f.escrow, "OrderDelivered")
          .withArgs(f.id, f.seller.address, DELIVERY_HASH);
        expect((await f.escrow.orderOf(f.id)).state).to.equal(OrderState.Delivered);
      });
    });

    describe("when it may not", () => {
      it("reverts with TradeEscrowUnknownOrder for an unknown order", async () => {
        const f = await loadFixture(fundedFixture);
        await expect(f.escrow.connect(f.seller).markDelivered(2n, DELIVERY_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnknownOrder")
          .withArgs(2n);
      });

      it("reverts with TradeEscrowNotSeller for anyone but the seller", async () => {
        const f = await loadFixture(fundedFixture);
        for (const caller of [f.buyer, f.arbiter, f.carol]) {
          await expect(f.escrow.connect(caller).markDelivered(f.id, DELIVERY_HASH))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowNotSeller")
            .withArgs(f.id, caller.address);
        }
      });

      it("reverts with TradeEscrowDeadlinePassed after the delivery deadline", async () => {
        const f = await loadFixture(fundedFixture);
        const now = await at(BigInt(f.terms.deliveryDeadline) + 1n);
        await expect(f.escrow.connect(f.seller).markDelivered(f.id, DELIVERY_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowDeadlinePassed")
          .withArgs(f.id, f.terms.deliveryDeadline, now);
      });

      it("reverts with TradeEscrowUnexpectedState unless Funded", async () => {
        const f = await loadFixture(deliveredFixture);
        await expect(f.escrow.connect(f.seller).markDelivered(f.id, DELIVERY_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnexpectedState")
          .withArgs(f.id, OrderState.Delivered, stateBits(OrderState.Funded));
      });
    });
  });

  describe("release", () => {
    describe("when the buyer releases a domestic order", () => {
      for (const [state, fixture] of [
        ["Delivered", deliveredFixture],
        ["Funded", fundedFixture],
      ] as const) {
        it(`pays the seller the whole amount from ${state} and emits OrderReleased`, async () => {
          const f = await loadFixture(fixture);
          const tx = f.escrow.connect(f.buyer).release(f.id, 0n);
          await expect(tx)
            .to.emit(f.escrow, "OrderReleased")
            .withArgs(f.id, f.buyer.address, f.seller.address, f.katy.address, AMOUNT, AMOUNT);
          await expect(tx).to.changeTokenBalances(f.katy.token, [f.escrow, f.seller], [-AMOUNT, AMOUNT]);
          expect((await f.escrow.orderOf(f.id)).state).to.equal(OrderState.Released);
        });
      }

      it("pays the seller even after the release deadline", async () => {
        const f = await loadFixture(deliveredFixture);
        await time.increaseTo(BigInt(f.terms.releaseDeadline) + 1n);
        await expect(f.escrow.connect(f.buyer).release(f.id, 0n)).to.emit(f.escrow, "OrderReleased");
      });
    });

    describe("when the buyer releases a cross-border order", () => {
      it("exchanges the KATY for MTY through the router, paid to the seller", async () => {
        const f = await loadFixture(crossBorderDeliveredFixture);
        const expected = await quoteMty(f, AMOUNT);
        const tx = f.escrow.connect(f.buyer).release(f.id, 0n);
        await expect(tx)
          .to.emit(f.escrow, "OrderReleased")
          .withArgs(f.id, f.buyer.address, f.seller.address, f.monterrey.address, AMOUNT, expected);
        await expect(tx)
          .to.emit(f.router, "RoutedSwap")
          .withArgs(f.escrowAddress, f.seller.address, [f.katy.address, f.monterrey.address], AMOUNT, expected);
        await expect(tx).to.changeTokenBalance(f.katy.token, f.escrow, -AMOUNT);
        await expect(tx).to.changeTokenBalance(f.monterrey.token, f.seller, expected);
        expect(await f.katy.token.allowance(f.escrowAddress, f.routerAddress)).to.equal(0n);
      });

      it("follows a multi-hop path", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const path = [f.katy.address, f.monterrey.address, f.toronto.address];
        const { id } = await open(f, await crossBorderTerms(f, { tokenOut: f.toronto.address, path }));
        const expected = (await f.router.quote(path, AMOUNT))[2]!;
        const tx = f.escrow.connect(f.buyer).release(id, expected);
        await expect(tx)
          .to.emit(f.escrow, "OrderReleased")
          .withArgs(id, f.buyer.address, f.seller.address, f.toronto.address, AMOUNT, expected);
        await expect(tx).to.changeTokenBalance(f.toronto.token, f.seller, expected);
      });

      it("holds the order's minOut as a floor: a lower minOut from the buyer does not lower it", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const expected = await quoteMty(f, AMOUNT);
        const { id } = await open(f, await crossBorderTerms(f, { minOut: expected + 1n }));
        await expect(f.escrow.connect(f.buyer).release(id, 0n))
          .to.be.revertedWithCustomError(f.router, "BridgeRouterSlippage")
          .withArgs(expected, expected + 1n);
        expect((await f.escrow.orderOf(id)).state).to.equal(OrderState.Funded);
      });

      it("applies the buyer's minOut when it is higher than the order's", async () => {
        const f = await loadFixture(crossBorderFixture);
        const expected = await quoteMty(f, AMOUNT);
        await expect(f.escrow.connect(f.buyer).release(f.id, expected + 1n))
          .to.be.revertedWithCustomError(f.router, "BridgeRouterSlippage")
          .withArgs(expected, expected + 1n);
        await expect(f.escrow.connect(f.buyer).release(f.id, expected)).to.emit(f.escrow, "OrderReleased");
      });
    });

    describe("when it may not", () => {
      it("reverts with TradeEscrowUnknownOrder for an unknown order", async () => {
        const f = await loadFixture(fundedFixture);
        await expect(f.escrow.connect(f.buyer).release(0n, 0n))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnknownOrder")
          .withArgs(0n);
      });

      it("reverts with TradeEscrowNotBuyer for anyone but the buyer", async () => {
        const f = await loadFixture(deliveredFixture);
        for (const caller of [f.seller, f.arbiter, f.carol]) {
          await expect(f.escrow.connect(caller).release(f.id, 0n))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowNotBuyer")
            .withArgs(f.id, caller.address);
        }
      });

      it("reverts with TradeEscrowUnexpectedState when Disputed or already Released", async () => {
        const f = await loadFixture(disputedFixture);
        const expected = stateBits(OrderState.Funded, OrderState.Delivered);
        await expect(f.escrow.connect(f.buyer).release(f.id, 0n))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnexpectedState")
          .withArgs(f.id, OrderState.Disputed, expected);
        const g = await loadFixture(deliveredFixture);
        await g.escrow.connect(g.buyer).release(g.id, 0n);
        await expect(g.escrow.connect(g.buyer).release(g.id, 0n))
          .to.be.revertedWithCustomError(g.escrow, "TradeEscrowUnexpectedState")
          .withArgs(g.id, OrderState.Released, expected);
      });

      it("reverts with the registry's error when the seller is frozen, and the order stays open", async () => {
        const f = await loadFixture(deliveredFixture);
        await f.katy.registry.connect(f.officer).freeze(f.seller.address, REASON_HASH);
        await expect(f.escrow.connect(f.buyer).release(f.id, 0n))
          .to.be.revertedWithCustomError(f.katy.registry, "ComplianceRecipientFrozen")
          .withArgs(f.seller.address);
        expect((await f.escrow.orderOf(f.id)).state).to.equal(OrderState.Delivered);
      });
    });
  });

  describe("dispute", () => {
    describe("when a party disputes in time", () => {
      it("lets the buyer dispute a funded order by the delivery deadline", async () => {
        const f = await loadFixture(fundedFixture);
        await at(f.terms.deliveryDeadline);
        await expect(f.escrow.connect(f.buyer).dispute(f.id, REASON_HASH))
          .to.emit(f.escrow, "DisputeOpened")
          .withArgs(f.id, f.buyer.address, OrderState.Funded, REASON_HASH);
        expect((await f.escrow.orderOf(f.id)).state).to.equal(OrderState.Disputed);
      });

      it("lets the seller dispute a delivered order by the release deadline", async () => {
        const f = await loadFixture(deliveredFixture);
        await at(f.terms.releaseDeadline);
        await expect(f.escrow.connect(f.seller).dispute(f.id, REASON_HASH))
          .to.emit(f.escrow, "DisputeOpened")
          .withArgs(f.id, f.seller.address, OrderState.Delivered, REASON_HASH);
      });
    });

    describe("when it may not", () => {
      it("reverts with TradeEscrowUnknownOrder for an unknown order", async () => {
        const f = await loadFixture(fundedFixture);
        await expect(f.escrow.connect(f.buyer).dispute(9n, REASON_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnknownOrder")
          .withArgs(9n);
      });

      it("reverts with TradeEscrowNotParty for anyone but the buyer and the seller", async () => {
        const f = await loadFixture(fundedFixture);
        for (const caller of [f.arbiter, f.carol]) {
          await expect(f.escrow.connect(caller).dispute(f.id, REASON_HASH))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowNotParty")
            .withArgs(f.id, caller.address);
        }
      });

      it("reverts with TradeEscrowDeadlinePassed once the buyer may take a refund", async () => {
        const f = await loadFixture(fundedFixture);
        const now = await at(BigInt(f.terms.deliveryDeadline) + 1n);
        await expect(f.escrow.connect(f.seller).dispute(f.id, REASON_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowDeadlinePassed")
          .withArgs(f.id, f.terms.deliveryDeadline, now);
      });

      it("reverts with TradeEscrowDeadlinePassed once the seller may claim", async () => {
        const f = await loadFixture(deliveredFixture);
        const now = await at(BigInt(f.terms.releaseDeadline) + 1n);
        await expect(f.escrow.connect(f.buyer).dispute(f.id, REASON_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowDeadlinePassed")
          .withArgs(f.id, f.terms.releaseDeadline, now);
      });

      it("reverts with TradeEscrowUnexpectedState when already Disputed or final", async () => {
        const f = await loadFixture(disputedFixture);
        const expected = stateBits(OrderState.Funded, OrderState.Delivered);
        await expect(f.escrow.connect(f.seller).dispute(f.id, REASON_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnexpectedState")
          .withArgs(f.id, OrderState.Disputed, expected);
        const g = await loadFixture(deliveredFixture);
        await g.escrow.connect(g.buyer).release(g.id, 0n);
        await expect(g.escrow.connect(g.seller).dispute(g.id, REASON_HASH))
          .to.be.revertedWithCustomError(g.escrow, "TradeEscrowUnexpectedState")
          .withArgs(g.id, OrderState.Released, expected);
      });
    });
  });

  describe("resolve", () => {
    describe("when the arbiter splits a domestic order", () => {
      const splits = [
        { name: "a split", buyer: KC(300), seller: KC(700) },
        { name: "everything to the buyer", buyer: AMOUNT, seller: 0n },
        { name: "everything to the seller", buyer: 0n, seller: AMOUNT },
      ];
      for (const s of splits) {
        it(`pays ${s.name} and emits DisputeResolved`, async () => {
          const f = await loadFixture(disputedFixture);
          const tx = f.escrow.connect(f.arbiter).resolve(f.id, s.buyer, s.seller, 0n, RULING_HASH);
          await expect(tx)
            .to.emit(f.escrow, "DisputeResolved")
            .withArgs(f.id, f.arbiter.address, s.buyer, s.seller, s.seller, RULING_HASH);
          await expect(tx).to.changeTokenBalances(
            f.katy.token,
            [f.escrow, f.buyer, f.seller],
            [-AMOUNT, s.buyer, s.seller],
          );
          expect((await f.escrow.orderOf(f.id)).state).to.equal(OrderState.Resolved);
        });
      }

      it("accepts an arbiter of the seller's community who holds the role there only", async () => {
        const f = await loadFixture(disputedFixture);
        expect(await f.escrow.isArbiter(f.id, f.katyArbiter.address)).to.equal(true);
        await expect(f.escrow.connect(f.katyArbiter).resolve(f.id, AMOUNT, 0n, 0n, RULING_HASH)).to.emit(
          f.escrow,
          "DisputeResolved",
        );
      });
    });

    describe("when the arbiter splits a cross-border order", () => {
      it("pays the buyer's part back in KATY and exchanges the seller's part for MTY", async () => {
        const f = await loadFixture(crossBorderDisputedFixture);
        const [buyerPart, sellerPart] = [KC(400), KC(600)];
        const expected = await quoteMty(f, sellerPart);
        const tx = f.escrow.connect(f.arbiter).resolve(f.id, buyerPart, sellerPart, expected, RULING_HASH);
        await expect(tx)
          .to.emit(f.escrow, "DisputeResolved")
          .withArgs(f.id, f.arbiter.address, buyerPart, sellerPart, expected, RULING_HASH);
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.escrow, f.buyer], [-AMOUNT, buyerPart]);
        await expect(tx).to.changeTokenBalance(f.monterrey.token, f.seller, expected);
      });

      it("reverts with BridgeRouterSlippage when the seller's part buys less than the arbiter's floor", async () => {
        const f = await loadFixture(crossBorderDisputedFixture);
        const expected = await quoteMty(f, AMOUNT);
        await expect(f.escrow.connect(f.arbiter).resolve(f.id, 0n, AMOUNT, expected + 1n, RULING_HASH))
          .to.be.revertedWithCustomError(f.router, "BridgeRouterSlippage")
          .withArgs(expected, expected + 1n);
      });

      it("is the way out when the exchange is impossible: everything back to the buyer, no swap", async () => {
        const f = await loadFixture(crossBorderDeliveredFixture);
        await f.pool.connect(f.pauser).pause();
        await expect(f.escrow.connect(f.buyer).release(f.id, 0n)).to.be.revertedWithCustomError(
          f.pool,
          "EnforcedPause",
        );
        await f.escrow.connect(f.buyer).dispute(f.id, REASON_HASH);
        const tx = f.escrow.connect(f.arbiter).resolve(f.id, AMOUNT, 0n, 0n, RULING_HASH);
        await expect(tx)
          .to.emit(f.escrow, "DisputeResolved")
          .withArgs(f.id, f.arbiter.address, AMOUNT, 0n, 0n, RULING_HASH);
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.escrow, f.buyer], [-AMOUNT, AMOUNT]);
      });
    });

    describe("when it may not", () => {
      it("reverts with TradeEscrowUnknownOrder for an unknown order", async () => {
        const f = await loadFixture(disputedFixture);
        await expect(f.escrow.connect(f.arbiter).resolve(5n, AMOUNT, 0n, 0n, RULING_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnknownOrder")
          .withArgs(5n);
      });

      it("reverts with TradeEscrowNotArbiter for an account without ARBITER_ROLE in the seller's community", async () => {
        const f = await loadFixture(disputedFixture);
        const registry = await f.katy.registry.getAddress();
        for (const caller of [f.carol, f.verifier, f.admin]) {
          await expect(f.escrow.connect(caller).resolve(f.id, AMOUNT, 0n, 0n, RULING_HASH))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowNotArbiter")
            .withArgs(f.id, caller.address, registry);
        }
      });

      it("reverts with TradeEscrowNotArbiter for an arbiter of the buyer's community only", async () => {
        const f = await loadFixture(crossBorderDisputedFixture);
        expect(await f.escrow.isArbiter(f.id, f.katyArbiter.address)).to.equal(false);
        await expect(f.escrow.connect(f.katyArbiter).resolve(f.id, AMOUNT, 0n, 0n, RULING_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowNotArbiter")
          .withArgs(f.id, f.katyArbiter.address, await f.monterrey.registry.getAddress());
      });

      it("reverts with TradeEscrowArbiterIsParty when the arbiter is the buyer or the seller", async () => {
        const f = await loadFixture(disputedFixture);
        for (const party of [f.buyer, f.seller]) {
          await asTimelock(f.katy, (tl) => f.katy.registry.connect(tl).grantRole(ARBITER_ROLE, party.address));
          expect(await f.escrow.isArbiter(f.id, party.address)).to.equal(false);
          await expect(f.escrow.connect(party).resolve(f.id, AMOUNT, 0n, 0n, RULING_HASH))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowArbiterIsParty")
            .withArgs(f.id, party.address);
        }
      });

      it("reverts with TradeEscrowUnexpectedState unless Disputed", async () => {
        const f = await loadFixture(deliveredFixture);
        await expect(f.escrow.connect(f.arbiter).resolve(f.id, AMOUNT, 0n, 0n, RULING_HASH))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnexpectedState")
          .withArgs(f.id, OrderState.Delivered, stateBits(OrderState.Disputed));
        const g = await loadFixture(disputedFixture);
        await g.escrow.connect(g.arbiter).resolve(g.id, AMOUNT, 0n, 0n, RULING_HASH);
        await expect(g.escrow.connect(g.arbiter).resolve(g.id, AMOUNT, 0n, 0n, RULING_HASH))
          .to.be.revertedWithCustomError(g.escrow, "TradeEscrowUnexpectedState")
          .withArgs(g.id, OrderState.Resolved, stateBits(OrderState.Disputed));
      });

      it("reverts with TradeEscrowInvalidSplit unless the parts add up to the amount", async () => {
        const f = await loadFixture(disputedFixture);
        for (const [b, s] of [
          [KC(500), KC(499)],
          [KC(500), KC(501)],
          [0n, 0n],
        ] as const) {
          await expect(f.escrow.connect(f.arbiter).resolve(f.id, b, s, 0n, RULING_HASH))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowInvalidSplit")
            .withArgs(f.id, b, s, AMOUNT);
        }
      });
    });
  });

  describe("refund", () => {
    describe("when the delivery deadline has passed without delivery", () => {
      it("pays the buyer back in tokenIn and emits OrderRefunded", async () => {
        const f = await loadFixture(fundedFixture);
        await at(BigInt(f.terms.deliveryDeadline) + 1n);
        const tx = f.escrow.connect(f.buyer).refund(f.id);
        await expect(tx).to.emit(f.escrow, "OrderRefunded").withArgs(f.id, f.buyer.address, f.katy.address, AMOUNT);
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.escrow, f.buyer], [-AMOUNT, AMOUNT]);
        expect((await f.escrow.orderOf(f.id)).state).to.equal(OrderState.Refunded);
      });

      it("pays a cross-border buyer back in KATY, with no exchange", async () => {
        const f = await loadFixture(crossBorderFixture);
        await at(BigInt(f.terms.deliveryDeadline) + 1n);
        const tx = f.escrow.connect(f.buyer).refund(f.id);
        await expect(tx).to.emit(f.escrow, "OrderRefunded").withArgs(f.id, f.buyer.address, f.katy.address, AMOUNT);
        await expect(tx).to.changeTokenBalance(f.katy.token, f.buyer, AMOUNT);
        await expect(tx).not.to.emit(f.router, "RoutedSwap");
      });
    });

    describe("when it may not", () => {
      it("reverts with TradeEscrowUnknownOrder for an unknown order", async () => {
        const f = await loadFixture(fundedFixture);
        await expect(f.escrow.connect(f.buyer).refund(3n))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnknownOrder")
          .withArgs(3n);
      });

      it("reverts with TradeEscrowNotBuyer for anyone but the buyer", async () => {
        const f = await loadFixture(fundedFixture);
        await time.increaseTo(BigInt(f.terms.deliveryDeadline) + 1n);
        for (const caller of [f.seller, f.arbiter, f.carol]) {
          await expect(f.escrow.connect(caller).refund(f.id))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowNotBuyer")
            .withArgs(f.id, caller.address);
        }
      });

      it("reverts with TradeEscrowDeadlineNotReached up to the delivery deadline", async () => {
        const f = await loadFixture(fundedFixture);
        const now = await at(f.terms.deliveryDeadline);
        await expect(f.escrow.connect(f.buyer).refund(f.id))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowDeadlineNotReached")
          .withArgs(f.id, f.terms.deliveryDeadline, now);
      });

      it("reverts with TradeEscrowUnexpectedState once delivered (or disputed)", async () => {
        const f = await loadFixture(deliveredFixture);
        await time.increaseTo(BigInt(f.terms.deliveryDeadline) + 1n);
        await expect(f.escrow.connect(f.buyer).refund(f.id))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnexpectedState")
          .withArgs(f.id, OrderState.Delivered, stateBits(OrderState.Funded));
        const g = await loadFixture(disputedFixture);
        await time.increaseTo(BigInt(g.terms.deliveryDeadline) + 1n);
        await expect(g.escrow.connect(g.buyer).refund(g.id))
          .to.be.revertedWithCustomError(g.escrow, "TradeEscrowUnexpectedState")
          .withArgs(g.id, OrderState.Disputed, stateBits(OrderState.Funded));
      });
    });
  });

  describe("claim", () => {
    describe("when the release deadline has passed after delivery, without a dispute", () => {
      it("pays the seller and emits OrderClaimed", async () => {
        const f = await loadFixture(deliveredFixture);
        await at(BigInt(f.terms.releaseDeadline) + 1n);
        const tx = f.escrow.connect(f.seller).claim(f.id, 0n);
        await expect(tx)
          .to.emit(f.escrow, "OrderClaimed")
          .withArgs(f.id, f.seller.address, f.katy.address, AMOUNT, AMOUNT);
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.escrow, f.seller], [-AMOUNT, AMOUNT]);
        expect((await f.escrow.orderOf(f.id)).state).to.equal(OrderState.Claimed);
      });

      it("exchanges a cross-border order for MTY, within the order's floor", async () => {
        const f = await loadFixture(deployTradeEscrowFixture);
        const floor = ((await quoteMty(f, AMOUNT)) * 99n) / 100n;
        const { id, terms } = await open(f, await crossBorderTerms(f, { minOut: floor }));
        await f.escrow.connect(f.seller).markDelivered(id, DELIVERY_HASH);
        await time.increaseTo(BigInt(terms.releaseDeadline) + 1n);
        await setRate(f.oracle, f.reporters, f.admin, "MXN", RATES.MXN);
        const expected = await quoteMty(f, AMOUNT);
        expect(expected).to.be.gte(floor);
        await expect(f.escrow.connect(f.seller).claim(id, expected + 1n))
          .to.be.revertedWithCustomError(f.router, "BridgeRouterSlippage")
          .withArgs(expected, expected + 1n);
        const tx = f.escrow.connect(f.seller).claim(id, 0n);
        await expect(tx)
          .to.emit(f.escrow, "OrderClaimed")
          .withArgs(id, f.seller.address, f.monterrey.address, AMOUNT, expected);
        await expect(tx).to.changeTokenBalance(f.monterrey.token, f.seller, expected);
      });
    });

    describe("when it may not", () => {
      it("reverts with TradeEscrowUnknownOrder for an unknown order", async () => {
        const f = await loadFixture(deliveredFixture);
        await expect(f.escrow.connect(f.seller).claim(4n, 0n))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnknownOrder")
          .withArgs(4n);
      });

      it("reverts with TradeEscrowNotSeller for anyone but the seller", async () => {
        const f = await loadFixture(deliveredFixture);
        await time.increaseTo(BigInt(f.terms.releaseDeadline) + 1n);
        for (const caller of [f.buyer, f.arbiter, f.carol]) {
          await expect(f.escrow.connect(caller).claim(f.id, 0n))
            .to.be.revertedWithCustomError(f.escrow, "TradeEscrowNotSeller")
            .withArgs(f.id, caller.address);
        }
      });

      it("reverts with TradeEscrowDeadlineNotReached up to the release deadline", async () => {
        const f = await loadFixture(deliveredFixture);
        const now = await at(f.terms.releaseDeadline);
        await expect(f.escrow.connect(f.seller).claim(f.id, 0n))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowDeadlineNotReached")
          .withArgs(f.id, f.terms.releaseDeadline, now);
      });

      it("reverts with TradeEscrowUnexpectedState unless Delivered", async () => {
        const f = await loadFixture(fundedFixture);
        await time.increaseTo(BigInt(f.terms.releaseDeadline) + 1n);
        await expect(f.escrow.connect(f.seller).claim(f.id, 0n))
          .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnexpectedState")
          .withArgs(f.id, OrderState.Funded, stateBits(OrderState.Delivered));
        const g = await loadFixture(disputedFixture);
        await time.increaseTo(BigInt(g.terms.releaseDeadline) + 1n);
        await expect(g.escrow.connect(g.seller).claim(g.id, 0n))
          .to.be.revertedWithCustomError(g.escrow, "TradeEscrowUnexpectedState")
          .withArgs(g.id, OrderState.Disputed, stateBits(OrderState.Delivered));
      });
    });
  });

  describe("views", () => {
    it("isArbiter reverts with TradeEscrowUnknownOrder for an unknown order", async () => {
      const f = await loadFixture(deployTradeEscrowFixture);
      await expect(f.escrow.isArbiter(1n, f.arbiter.address))
        .to.be.revertedWithCustomError(f.escrow, "TradeEscrowUnknownOrder")
        .withArgs(1n);
    });

    it("orderOf an unknown order is empty (state None)", async () => {
      const f = await loadFixture(deployTradeEscrowFixture);
      const o = await f.escrow.orderOf(7n);
      expect(o.state).to.equal(OrderState.None);
      expect(o.buyer).to.equal(ZERO);
    });
  });

  describe("lifecycles", () => {
    it("runs several orders side by side and holds exactly what is still open", async () => {
      const f = await loadFixture(deployTradeEscrowFixture);
      const released = await open(f, await domesticTerms(f));
      const refunded = await open(f, await domesticTerms(f, { amount: KC(200) }));
      const claimed = await open(f, await domesticTerms(f, { amount: KC(300) }));
      const resolved = await open(f, await domesticTerms(f, { amount: KC(400) }));
      const pending = await open(f, await domesticTerms(f, { amount: KC(50) }));
      expect(await f.katy.token.balanceOf(f.escrowAddress)).to.equal(KC(1_950));

      for (const o of [released, claimed, resolved])
        await f.escrow.connect(f.seller).markDelivered(o.id, DELIVERY_HASH);
      await f.escrow.connect(f.buyer).release(released.id, 0n);
      await f.escrow.connect(f.buyer).dispute(resolved.id, REASON_HASH);
      await f.escrow.connect(f.arbiter).resolve(resolved.id, KC(100), KC(300), 0n, RULING_HASH);
      await time.increaseTo(BigInt(refunded.terms.deliveryDeadline) + 1n);
      await f.escrow.connect(f.buyer).refund(refunded.id);
      await time.increaseTo(BigInt(claimed.terms.releaseDeadline) + 1n);
      await f.escrow.connect(f.seller).claim(claimed.id, 0n);

      const states = await Promise.all(
        [released, refunded, claimed, resolved, pending].map(async (o) => (await f.escrow.orderOf(o.id)).state),
      );
      expect(states).to.deep.equal(
        [OrderState.Released, OrderState.Refunded, OrderState.Claimed, OrderState.Resolved, OrderState.Funded].map(
          BigInt,
        ),
      );
      expect(await f.katy.token.balanceOf(f.escrowAddress)).to.equal(KC(50));
    });
  });
});

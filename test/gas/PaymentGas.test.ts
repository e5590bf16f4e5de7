/**
 * Gas of a point-of-sale payment, printed after the suite next to a plain KC transfer of the same amount between the
 * same accounts (payer to merchant) measured in the same run, against the goal of 2x. A payment does more than a
 * transfer: it checks the payer's EIP-712 intent signature (ecrecover), the merchant's status, marks the nonce and
 * records the payment (fresh storage every time), runs the permit (a second ecrecover, the permit nonce and the
 * allowance) or the ERC-3009 authorization (an ecrecover, the authorization nonce, and a second transfer out of the
 * router), and credits the loyalty reward (the pool, the customer's window and unclaimed rewards). Measured warm: the
 * payer has paid the merchant both ways before and sent KC today, the merchant holds KC, the customer's reward window
 * is open and its rewards are non-zero. The assertions check behaviour; the gas figures are measured, not asserted.
 */
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { KC } from "../shared/fixtures";
import { deployBusinessFixture, intentOf, pay, signPayment, type PaymentPath } from "../business/fixtures";

const GOAL = 2;
const AMOUNT = KC(10);

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

/**
 * The business fixture, warm: carol has paid the shop (which runs a loyalty program) with a permit and with an
 * authorization, and sent it KC directly; her reward window and her daily window are open.
 */
async function warmPaymentFixture() {
  const f = await loadFixture(deployBusinessFixture);
  for (const path of ["permit", "authorization"] as const) {
    await pay(f, path, f.carol, await intentOf(f, f.carol, f.shop, AMOUNT));
    await pay(f, path, f.carol, await intentOf(f, f.carol, f.bakery, AMOUNT));
  }
  await (await f.katy.token.connect(f.carol).transfer(f.shop.address, AMOUNT)).wait();
  await (await f.katy.token.connect(f.carol).transfer(f.bakery.address, AMOUNT)).wait();
  return f;
}

/** The warm fixture with carol, the shop and the bakery delegated to themselves (their votes move with KC). */
async function warmDelegatedFixture() {
  const f = await loadFixture(warmPaymentFixture);
  for (const holder of [f.carol, f.shop, f.bakery]) {
    await (await f.katy.token.connect(holder).delegate(holder.address)).wait();
  }
  return f;
}

describe("Gas: a point-of-sale payment next to a plain KC transfer", () => {
  const figures: { op: string; gas: bigint; transfer: bigint }[] = [];
  after(() => {
    console.log(`\n    ${"operation (warm)".padEnd(66)}     gas   transfer   ratio (goal ${GOAL}x)`);
    for (const { op, gas, transfer } of figures) {
      const ratio = Number((gas * 1000n) / transfer) / 1000;
      const verdict = ratio <= GOAL ? "within" : "over";
      console.log(
        `    ${op.padEnd(66)} ${String(gas).padStart(7)}   ${String(transfer).padStart(8)}   ` +
          `${ratio.toFixed(2)}x (${verdict})`,
      );
    }
  });

  for (const delegated of [false, true]) {
    describe(delegated ? "when payer and merchant have delegated" : "when nobody has delegated", () => {
      const fixture = delegated ? warmDelegatedFixture : warmPaymentFixture;
      const suffix = delegated ? ", delegated" : "";

      for (const path of ["permit", "authorization"] as PaymentPath[]) {
        const what = path === "permit" ? "intent + permit" : "intent + ERC-3009 authorization";

        it(`${path === "permit" ? "payWithPermit" : "payWithAuthorization"}: ${what} + loyalty credit`, async () => {
          const f = await loadFixture(fixture);
          const intent = await intentOf(f, f.carol, f.shop, AMOUNT);
          const submit = await signPayment(f, path, f.carol, intent);
          const rewards = await f.loyalty.rewardsOf(f.carol.address, f.katy.address);
          const gas = await gasOf(submit());
          expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(rewards + KC("0.5"));
          const transfer = await gasOf(f.katy.token.connect(f.carol).transfer(f.shop.address, AMOUNT));
          if (delegated)
            expect(await f.katy.token.getVotes(f.shop.address)).to.equal(await f.katy.token.balanceOf(f.shop.address));
          figures.push({ op: `${what} + loyalty credit${suffix}`, gas, transfer });
        });

        it(`the same without a loyalty program (${path})`, async () => {
          const f = await loadFixture(fixture);
          const intent = await intentOf(f, f.carol, f.bakery, AMOUNT);
          const submit = await signPayment(f, path, f.carol, intent);
          const gas = await gasOf(submit());
          expect((await f.router.paymentOf(f.bakery.address, intent.invoiceId)).amount).to.equal(AMOUNT);
          const transfer = await gasOf(f.katy.token.connect(f.carol).transfer(f.bakery.address, AMOUNT));
          figures.push({ op: `  ${what}, no loyalty program${suffix}`, gas, transfer });
        });
      }

      it("refund (part of a paid invoice) next to the same transfer back", async () => {
        const f = await loadFixture(fixture);
        const intent = await intentOf(f, f.carol, f.shop, AMOUNT);
        await pay(f, "permit", f.carol, intent);
        const gas = await gasOf(f.router.connect(f.shop).refund(intent.invoiceId, KC(1)));
        expect((await f.router.paymentOf(f.shop.address, intent.invoiceId)).refunded).to.equal(KC(1));
        const transfer = await gasOf(f.katy.token.connect(f.shop).transfer(f.carol.address, KC(1)));
        figures.push({ op: `  refund (partial)${suffix}`, gas, transfer });
      });
    });
  }
});

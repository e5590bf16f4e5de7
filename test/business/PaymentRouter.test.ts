import { loadFixture, setCode, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import {
  deployBusiness,
  invoiceKeyOf,
  PAYMENT_INTENT_TYPE,
  type PaymentIntent,
  paymentIntentDigest,
  payWithAuthorizationArgs,
  payWithPermitArgs,
  signPaymentAuthorization,
  signPaymentIntent,
  signPaymentPermit,
  signPaymentWithAuthorization,
  signPaymentWithPermit,
} from "../../scripts/lib/business";
import { signTransferAuthorization, signTyped } from "../../scripts/lib/signing";
import { KC, ref } from "../shared/fixtures";
import { impersonate } from "../shared/federationFixtures";
import {
  type BusinessFixture,
  deployBusinessFixture,
  freshInvoice,
  freshNonce,
  intentOf,
  pay,
  PATHS,
  signAndPay,
  signPayment,
  SHOP_PROGRAM,
  timelockOf,
  tokenOf,
} from "./fixtures";

const REASON = ethers.encodeBytes32String("investigation");
const rewardOf = (amount: bigint) => (amount * SHOP_PROGRAM.rateBps) / 10_000n;

/** The arguments of PaymentSettled for `intent`, paid with `reward`, submitted by `terminal`. */
async function settled(intent: PaymentIntent, reward: bigint, terminal: Signer) {
  return [
    invoiceKeyOf(intent.merchant, intent.invoiceId),
    intent.merchant,
    intent.payer,
    intent.token,
    intent.invoiceId,
    intent.amount,
    intent.fiatAmount,
    intent.fiatCurrency,
    intent.processorRef,
    reward,
    await terminal.getAddress(),
  ];
}

/** Submits `intent` with a signature that is not the payer's intent signature, by `path` (the KC part signed well). */
async function payWithSignature(f: BusinessFixture, path: string, payer: Signer, intent: PaymentIntent, sig: string) {
  const token = tokenOf(f, intent);
  const router = f.router.connect(f.terminal);
  if (path === "permit") {
    const permit = await signPaymentPermit(payer, token, f.business.router, intent.amount, intent.deadline);
    return router.payWithPermit(...payWithPermitArgs(intent, sig, permit));
  }
  const window = { validAfter: 0n, validBefore: intent.deadline + 1n };
  const auth = await signPaymentAuthorization(payer, token, f.business.router, intent.amount, window);
  return router.payWithAuthorization(...payWithAuthorizationArgs(intent, sig, auth));
}

describe("PaymentRouter", () => {
  describe("deployment", () => {
    it("deploys its loyalty program, on the same merchant registry, with itself as the only router", async () => {
      const f = await loadFixture(deployBusinessFixture);
      expect(await f.router.merchants()).to.equal(f.business.merchants);
      expect(await f.router.loyalty()).to.equal(f.business.loyalty);
      expect(await f.loyalty.router()).to.equal(f.business.router);
      expect(await f.loyalty.merchants()).to.equal(f.business.merchants);
      // and katy's governance made both exempt system accounts
      expect(await f.katy.registry.isExempt(f.business.router)).to.equal(true);
      expect(await f.katy.registry.isExempt(f.business.loyalty)).to.equal(true);
    });

    it("reports its EIP-712 domain (EIP-5267) and the PaymentIntent type hash", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const d = await f.router.eip712Domain();
      expect([d.fields, d.name, d.version, d.chainId, d.verifyingContract]).to.deep.equal([
        "0x0f",
        "KC PaymentRouter",
        "1",
        (await ethers.provider.getNetwork()).chainId,
        f.business.router,
      ]);
      expect(await f.router.PAYMENT_INTENT_TYPEHASH()).to.equal(ethers.id(PAYMENT_INTENT_TYPE));
    });

    it("computes the digest and the invoice key as scripts/lib/business does", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const intent = await intentOf(f, f.alice, f.shop, KC(10));
      expect(await f.router.intentDigest(intent)).to.equal(await paymentIntentDigest(f.router, intent));
      expect(await f.router.invoiceKeyOf(f.shop.address, intent.invoiceId)).to.equal(
        invoiceKeyOf(f.shop.address, intent.invoiceId),
      );
      // the signature recovers to the payer over that digest
      const signature = await signPaymentIntent(f.alice, f.router, intent);
      expect(ethers.recoverAddress(await f.router.intentDigest(intent), signature)).to.equal(f.alice.address);
    });
  });

  for (const path of PATHS) {
    const method = path === "permit" ? "payWithPermit" : "payWithAuthorization";

    describe(`${method}`, () => {
      it("moves the KC part from payer to merchant, records both parts, and credits the loyalty reward", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const amount = KC("123.45");
        const reward = rewardOf(amount);
        const intent = await intentOf(f, f.carol, f.shop, amount, { fiatAmount: KC("7.55") });
        const key = invoiceKeyOf(f.shop.address, intent.invoiceId);
        const pool = (await f.loyalty.programOf(f.shop.address)).pool;
        const tx = signAndPay(f, path, f.carol, intent);
        await expect(tx).to.changeTokenBalances(
          f.katy.token,
          [f.carol, f.shop, f.router, f.loyalty, f.terminal],
          [-amount, amount, 0n, 0n, 0n],
        );
        await expect(tx)
          .to.emit(f.router, "PaymentSettled")
          .withArgs(...(await settled(intent, reward, f.terminal)));
        await expect(tx)
          .to.emit(f.loyalty, "RewardCredited")
          .withArgs(f.shop.address, f.carol.address, f.katy.address, key, reward);
        const p = await f.router.paymentOf(f.shop.address, intent.invoiceId);
        expect([p.payer, p.token, p.amount, p.refunded]).to.deep.equal([f.carol.address, f.katy.address, amount, 0n]);
        expect(await f.router.nonceUsed(f.carol.address, intent.nonce)).to.equal(true);
        expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(reward);
        expect((await f.loyalty.programOf(f.shop.address)).pool).to.equal(pool - reward);
        expect(await f.katy.token.allowance(f.carol.address, f.business.router)).to.equal(0n);
      });

      it("costs the payer no gas: the terminal sends the transaction", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.carol, f.shop, KC(20));
        const before = await ethers.provider.getBalance(f.terminal.address);
        const tx = signAndPay(f, path, f.carol, intent);
        await expect(tx).to.changeEtherBalance(f.carol, 0n);
        const receipt = await (await tx).wait();
        expect(receipt!.from).to.equal(f.terminal.address);
        expect(await ethers.provider.getBalance(f.terminal.address)).to.equal(before - receipt!.fee);
        expect(await ethers.provider.getTransactionCount(f.carol.address)).to.equal(0);
      });

      it("returns the invoice key", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.carol, f.shop, KC(20));
        const token = tokenOf(f, intent);
        const router = f.router.connect(f.terminal);
        const key =
          path === "permit"
            ? await router.payWithPermit.staticCall(
                ...(await signPaymentWithPermit(f.carol, f.router, token, intent)).args,
              )
            : await router.payWithAuthorization.staticCall(
                ...(await signPaymentWithAuthorization(f.carol, f.router, token, intent)).args,
              );
        expect(key).to.equal(invoiceKeyOf(f.shop.address, intent.invoiceId));
      });

      it("consumes the payer's permit or authorization", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.carol, f.shop, KC(20));
        if (path === "permit") {
          const nonce = await f.katy.token.nonces(f.carol.address);
          await pay(f, path, f.carol, intent);
          expect(await f.katy.token.nonces(f.carol.address)).to.equal(nonce + 1n);
        } else {
          const signed = await signPaymentWithAuthorization(f.carol, f.router, f.katy.token, intent);
          await expect(f.router.connect(f.terminal).payWithAuthorization(...signed.args))
            .to.emit(f.katy.token, "AuthorizationUsed")
            .withArgs(f.carol.address, signed.auth.nonce);
          expect(await f.katy.token.authorizationState(f.carol.address, signed.auth.nonce)).to.equal(true);
        }
      });

      it("pays a merchant without a loyalty program with reward 0, and credits nothing", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.carol, f.bakery, KC(40));
        const tx = signAndPay(f, path, f.carol, intent);
        await expect(tx).to.changeTokenBalances(f.katy.token, [f.carol, f.bakery], [-KC(40), KC(40)]);
        await expect(tx)
          .to.emit(f.router, "PaymentSettled")
          .withArgs(...(await settled(intent, 0n, f.terminal)));
        await expect(tx).not.to.emit(f.loyalty, "RewardCredited");
        expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(0n);
      });

      it("pays in any community's token, to that community's merchant (houston)", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.alice, f.tacos, KC(15), { token: f.houston.address });
        const tx = signAndPay(f, path, f.alice, intent);
        await expect(tx).to.changeTokenBalances(f.houston.token, [f.alice, f.tacos, f.router], [-KC(15), KC(15), 0n]);
        await expect(tx)
          .to.emit(f.router, "PaymentSettled")
          .withArgs(...(await settled(intent, 0n, f.terminal)));
      });

      it("accepts a KC-only payment (fiat part 0, no processor) and a fiat part in another currency", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const kcOnly = await intentOf(f, f.carol, f.bakery, KC(3), { fiatAmount: 0n, processorRef: ethers.ZeroHash });
        await expect(signAndPay(f, path, f.carol, kcOnly))
          .to.emit(f.router, "PaymentSettled")
          .withArgs(...(await settled(kcOnly, 0n, f.terminal)));
        // the intent's fiat code is checked for shape only: the card may be charged in pesos
        const pesos = await intentOf(f, f.carol, f.bakery, KC(3), { fiatAmount: KC(100), fiatCurrency: "MXN" });
        await expect(signAndPay(f, path, f.carol, pesos))
          .to.emit(f.router, "PaymentSettled")
          .withArgs(...(await settled(pesos, 0n, f.terminal)));
      });

      it("pays each invoice once: PaymentInvoicePaid(merchant, invoiceId), by the same payer or another", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const first = await intentOf(f, f.carol, f.shop, KC(10));
        await pay(f, path, f.carol, first);
        for (const payer of [f.carol, f.dave]) {
          const again = await intentOf(f, payer, f.shop, KC(10), { invoiceId: first.invoiceId });
          await expect(signAndPay(f, path, payer, again))
            .to.be.revertedWithCustomError(f.router, "PaymentInvoicePaid")
            .withArgs(f.shop.address, first.invoiceId);
        }
        // the same invoice id is another merchant's own invoice
        const other = await intentOf(f, f.carol, f.bakery, KC(10), { invoiceId: first.invoiceId });
        await expect(signAndPay(f, path, f.carol, other)).to.emit(f.router, "PaymentSettled");
      });

      it("refuses a used nonce with another invoice: PaymentNonceUsed(payer, nonce); another payer may use it", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const first = await intentOf(f, f.carol, f.shop, KC(10));
        await pay(f, path, f.carol, first);
        const replay = await intentOf(f, f.carol, f.bakery, KC(10), { nonce: first.nonce });
        await expect(signAndPay(f, path, f.carol, replay))
          .to.be.revertedWithCustomError(f.router, "PaymentNonceUsed")
          .withArgs(f.carol.address, first.nonce);
        const dave = await intentOf(f, f.dave, f.shop, KC(10), { nonce: first.nonce });
        await expect(signAndPay(f, path, f.dave, dave)).to.emit(f.router, "PaymentSettled");
      });

      it("refuses the same submission twice (the nonce is spent)", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.carol, f.shop, KC(10));
        const submit = await signPayment(f, path, f.carol, intent);
        await (await submit()).wait();
        await expect(submit())
          .to.be.revertedWithCustomError(f.router, "PaymentNonceUsed")
          .withArgs(f.carol.address, intent.nonce);
      });

      it("accepts an intent at its deadline and refuses it after: PaymentExpired(deadline, now)", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const deadline = BigInt((await time.latest()) + 100);
        const late = await signPayment(f, path, f.carol, await intentOf(f, f.carol, f.shop, KC(10), { deadline }));
        await time.setNextBlockTimestamp(deadline + 1n);
        await expect(late())
          .to.be.revertedWithCustomError(f.router, "PaymentExpired")
          .withArgs(deadline, deadline + 1n);

        const onTime = await intentOf(f, f.carol, f.shop, KC(10), { deadline: BigInt((await time.latest()) + 100) });
        const submit = await signPayment(f, path, f.carol, onTime);
        await time.setNextBlockTimestamp(onTime.deadline);
        const tx = submit();
        await expect(tx).to.emit(f.router, "PaymentSettled");
        expect((await (await tx).getBlock())!.timestamp).to.equal(Number(onTime.deadline));
      });

      it("refuses an intent signed by anyone but the payer: PaymentInvalidSignature(payer)", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.carol, f.shop, KC(10));
        for (const signer of [f.dave, f.shop, f.terminal]) {
          const signature = await signPaymentIntent(signer, f.router, intent);
          await expect(payWithSignature(f, path, f.carol, intent, signature))
            .to.be.revertedWithCustomError(f.router, "PaymentInvalidSignature")
            .withArgs(f.carol.address);
        }
        // nobody signs for the zero address (ECDSA's failed recovery is not a match)
        const nobody = { ...intent, payer: ethers.ZeroAddress };
        await expect(payWithSignature(f, path, f.carol, nobody, ethers.hexlify(new Uint8Array(65))))
          .to.be.revertedWithCustomError(f.router, "PaymentInvalidSignature")
          .withArgs(ethers.ZeroAddress);
        // malformed signatures
        for (const signature of ["0x", "0x1234", ethers.hexlify(new Uint8Array(65))]) {
          await expect(payWithSignature(f, path, f.carol, intent, signature))
            .to.be.revertedWithCustomError(f.router, "PaymentInvalidSignature")
            .withArgs(f.carol.address);
        }
      });

      it("refuses an intent whose fields differ from what the payer signed: PaymentInvalidSignature(payer)", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.carol, f.shop, KC(10));
        const signature = await signPaymentIntent(f.carol, f.router, intent);
        const tampered: [string, Partial<PaymentIntent>][] = [
          ["merchant", { merchant: f.bakery.address }],
          ["invoiceId", { invoiceId: freshInvoice() }],
          ["amount", { amount: KC(11) }],
          ["fiatAmount", { fiatAmount: intent.fiatAmount + 1n }],
          ["fiatCurrency", { fiatCurrency: "EUR" }],
          ["processorRef", { processorRef: ref("another-card") }],
          ["deadline", { deadline: intent.deadline + 1n }],
          ["nonce", { nonce: freshNonce() }],
        ];
        for (const [field, change] of tampered) {
          await expect(payWithSignature(f, path, f.carol, { ...intent, ...change }, signature), field)
            .to.be.revertedWithCustomError(f.router, "PaymentInvalidSignature")
            .withArgs(f.carol.address);
        }
        // another payer named on carol's signature
        await expect(payWithSignature(f, path, f.dave, { ...intent, payer: f.dave.address }, signature))
          .to.be.revertedWithCustomError(f.router, "PaymentInvalidSignature")
          .withArgs(f.dave.address);
        // and the untampered intent still pays
        await expect(payWithSignature(f, path, f.carol, intent, signature)).to.emit(f.router, "PaymentSettled");
      });

      it("refuses a signature made for another router's domain", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const other = await deployBusiness(f.deployer, f.addresses.federation);
        const intent = await intentOf(f, f.carol, f.shop, KC(10));
        const signature = await signPaymentIntent(f.carol, other.router, intent);
        await expect(payWithSignature(f, path, f.carol, intent, signature))
          .to.be.revertedWithCustomError(f.router, "PaymentInvalidSignature")
          .withArgs(f.carol.address);
      });

      it("refuses a merchant that is not active in the token: PaymentMerchantNotActive(merchant, token)", async () => {
        const f = await loadFixture(deployBusinessFixture);
        await f.merchants.connect(f.officer).suspend(f.bakery.address, REASON);
        const cases: [Signer, string, string][] = [
          [f.newcomer, f.katy.address, "pending"],
          [f.bakery, f.katy.address, "suspended"],
          [f.stranger, f.katy.address, "unregistered"],
          [f.tacos, f.katy.address, "houston's merchant in KATY"],
          [f.shop, f.houston.address, "katy's merchant in HOU"],
        ];
        for (const [merchant, token, label] of cases) {
          const intent = await intentOf(f, f.alice, merchant, KC(10), { token });
          await expect(signAndPay(f, path, f.alice, intent), label)
            .to.be.revertedWithCustomError(f.router, "PaymentMerchantNotActive")
            .withArgs(await merchant.getAddress(), token);
        }
        // reinstated, the bakery is paid again
        await f.merchants.connect(f.officer).reinstate(f.bakery.address);
        await expect(signAndPay(f, path, f.alice, await intentOf(f, f.alice, f.bakery, KC(10)))).to.emit(
          f.router,
          "PaymentSettled",
        );
      });

      it("refuses a fiat code that is not ISO 4217: PaymentInvalidCurrency(code)", async () => {
        const f = await loadFixture(deployBusinessFixture);
        for (const code of ["usd", "US", "USDT", "", "U$D", "Usd"]) {
          const intent = await intentOf(f, f.carol, f.shop, KC(10), { fiatCurrency: code });
          await expect(signAndPay(f, path, f.carol, intent))
            .to.be.revertedWithCustomError(f.router, "PaymentInvalidCurrency")
            .withArgs(code);
        }
      });

      it("refuses a zero KC part: PaymentZeroAmount", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const intent = await intentOf(f, f.carol, f.shop, 0n);
        await expect(signAndPay(f, path, f.carol, intent)).to.be.revertedWithCustomError(f.router, "PaymentZeroAmount");
      });

      it("refuses a KC part beyond uint96 before moving anything: SafeCastOverflowedUintDowncast", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const amount = 1n << 96n;
        const intent = await intentOf(f, f.carol, f.shop, amount);
        await expect(signAndPay(f, path, f.carol, intent))
          .to.be.revertedWithCustomError(f.router, "SafeCastOverflowedUintDowncast")
          .withArgs(96, amount);
      });

      it("refuses more than the payer holds, recording nothing", async () => {
        const f = await loadFixture(deployBusinessFixture);
        const balance = await f.katy.token.balanceOf(f.carol.address);
        const intent = await intentOf(f, f.carol, f.bakery, balance + 1n);
        await expect(signAndPay(f, path, f.carol, intent))
          .to.be.revertedWithCustomError(f.katy.token, "ERC20InsufficientBalance")
          .withArgs(f.carol.address, balance, balance + 1n);
        expect((await f.router.paymentOf(f.bakery.address, intent.invoiceId)).payer).to.equal(ethers.ZeroAddress);
        expect(await f.router.nonceUsed(f.carol.address, intent.nonce)).to.equal(false);
      });

      describe("compliance", () => {
        it("a frozen payer cannot pay (ComplianceSenderFrozen), nor a frozen merchant be paid (ComplianceRecipientFrozen)", async () => {
          const f = await loadFixture(deployBusinessFixture);
          await f.katy.registry.connect(f.officer).freeze(f.carol.address, REASON);
          const intent = await intentOf(f, f.carol, f.shop, KC(10));
          await expect(signAndPay(f, path, f.carol, intent))
            .to.be.revertedWithCustomError(f.katy.registry, "ComplianceSenderFrozen")
            .withArgs(f.carol.address);
          expect((await f.router.paymentOf(f.shop.address, intent.invoiceId)).payer).to.equal(ethers.ZeroAddress);
          expect(await f.router.nonceUsed(f.carol.address, intent.nonce)).to.equal(false);

          await f.katy.registry.connect(f.officer).freeze(f.shop.address, REASON);
          await expect(signAndPay(f, path, f.dave, await intentOf(f, f.dave, f.shop, KC(10))))
            .to.be.revertedWithCustomError(f.katy.registry, "ComplianceRecipientFrozen")
            .withArgs(f.shop.address);
        });

        it("the payer's daily limit applies: ComplianceDailyLimitExceeded(payer, tier, limit, spent, amount)", async () => {
          const f = await loadFixture(deployBusinessFixture);
          const limit = await f.katy.registry.dailyLimit(0);
          expect(limit).to.equal(KC(1_000)); // the federation's tier-0 limit, in USD
          await pay(f, path, f.alice, await intentOf(f, f.alice, f.bakery, KC(900)));
          const over = await intentOf(f, f.alice, f.bakery, KC(200));
          await expect(signAndPay(f, path, f.alice, over))
            .to.be.revertedWithCustomError(f.katy.registry, "ComplianceDailyLimitExceeded")
            .withArgs(f.alice.address, 0, limit, KC(900), KC(200));
          // what remains of the day's limit still pays
          await expect(signAndPay(f, path, f.alice, await intentOf(f, f.alice, f.bakery, KC(100)))).to.emit(
            f.router,
            "PaymentSettled",
          );
          const [spent] = await f.katy.registry.spentToday(f.alice.address);
          expect(spent).to.equal(KC(1_000));
        });

        it("the router, exempt, counts against no limit of its own", async () => {
          const f = await loadFixture(deployBusinessFixture);
          // 30,000 KATY through the router in a day: over any non-exempt tier-0 or tier-1 limit
          await f.katy.token.connect(f.minter).mint(f.shop.address, KC(30_000), ref("shop-big"));
          await f.katy.registry.connect(f.verifier).setTier(f.carol.address, 2);
          await f.katy.token.connect(f.minter).mint(f.carol.address, KC(30_000), ref("carol-big"));
          await expect(signAndPay(f, path, f.carol, await intentOf(f, f.carol, f.bakery, KC(30_000)))).to.emit(
            f.router,
            "PaymentSettled",
          );
          expect((await f.katy.registry.spentToday(f.business.router))[0]).to.equal(0n);
        });

        it("why the router must be exempt: otherwise its own daily limit caps all payers' authorizations together", async () => {
          const f = await loadFixture(deployBusinessFixture);
          await f.houston.registry.connect(await timelockOf(f.houston)).setExempt(f.business.router, false);
          const limit = await f.houston.registry.dailyLimit(0);
          const first = await intentOf(f, f.alice, f.tacos, KC(600), { token: f.houston.address });
          await expect(signAndPay(f, path, f.alice, first)).to.emit(f.router, "PaymentSettled");
          const second = await intentOf(f, f.bob, f.tacos, KC(600), { token: f.houston.address });
          if (path === "authorization") {
            // bob is within his own limit, but the router forwards the KC part as a tier-0 sender
            await expect(signAndPay(f, path, f.bob, second))
              .to.be.revertedWithCustomError(f.houston.registry, "ComplianceDailyLimitExceeded")
              .withArgs(f.business.router, 0, limit, KC(600), KC(600));
          } else {
            // a permit moves the KC part straight from payer to merchant: only the payers' own limits count
            await expect(signAndPay(f, path, f.bob, second)).to.emit(f.router, "PaymentSettled");
          }
        });

        it("a paused token pays nothing: EnforcedPause", async () => {
          const f = await loadFixture(deployBusinessFixture);
          await f.katy.token.connect(f.pauser).pause();
          await expect(
            signAndPay(f, path, f.carol, await intentOf(f, f.carol, f.shop, KC(10))),
          ).to.be.revertedWithCustomError(f.katy.token, "EnforcedPause");
        });
      });
    });
  }

  describe("a front-run permit", () => {
    it("still pays when someone submits the payer's permit first", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const intent = await intentOf(f, f.carol, f.shop, KC(50));
      const { args, permit } = await signPaymentWithPermit(f.carol, f.router, f.katy.token, intent);
      await f.katy.token
        .connect(f.stranger)
        .permit(f.carol.address, f.business.router, intent.amount, permit.deadline, permit.v, permit.r, permit.s);
      expect(await f.katy.token.allowance(f.carol.address, f.business.router)).to.equal(intent.amount);
      const tx = f.router.connect(f.terminal).payWithPermit(...args);
      await expect(tx).to.changeTokenBalances(f.katy.token, [f.carol, f.shop], [-intent.amount, intent.amount]);
      await expect(tx)
        .to.emit(f.router, "PaymentSettled")
        .withArgs(...(await settled(intent, rewardOf(intent.amount), f.terminal)));
      expect(await f.katy.token.allowance(f.carol.address, f.business.router)).to.equal(0n);
    });

    it("without a valid permit, the router spends only an allowance it has: ERC20InsufficientAllowance", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const intent = await intentOf(f, f.carol, f.shop, KC(50));
      const signature = await signPaymentIntent(f.carol, f.router, intent);
      const router = f.router.connect(f.terminal);
      const none = { deadline: intent.deadline, v: 27, r: ethers.ZeroHash, s: ethers.ZeroHash };
      await expect(router.payWithPermit(...payWithPermitArgs(intent, signature, none)))
        .to.be.revertedWithCustomError(f.katy.token, "ERC20InsufficientAllowance")
        .withArgs(f.business.router, 0n, intent.amount);
      // a permit for less than the KC part
      const less = await signPaymentPermit(f.carol, f.katy.token, f.business.router, KC(49), intent.deadline);
      await expect(router.payWithPermit(...payWithPermitArgs(intent, signature, less)))
        .to.be.revertedWithCustomError(f.katy.token, "ERC20InsufficientAllowance")
        .withArgs(f.business.router, 0n, intent.amount);
      // a standing approval of the router stands in for the permit
      await f.katy.token.connect(f.carol).approve(f.business.router, KC(50));
      await expect(router.payWithPermit(...payWithPermitArgs(intent, signature, none))).to.emit(
        f.router,
        "PaymentSettled",
      );
    });
  });

  describe("a front-run ERC-3009 authorization", () => {
    it("cannot be submitted to the token by anyone but the router (receiveWithAuthorization: caller == to)", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const intent = await intentOf(f, f.carol, f.shop, KC(50));
      const { args, auth } = await signPaymentWithAuthorization(f.carol, f.router, f.katy.token, intent);
      const authorizationTo = (to: string) =>
        [
          f.carol.address,
          to,
          intent.amount,
          auth.validAfter,
          auth.validBefore,
          auth.nonce,
          auth.v,
          auth.r,
          auth.s,
        ] as const;
      const asSigned = authorizationTo(f.business.router);
      await expect(f.katy.token.connect(f.stranger).receiveWithAuthorization(...asSigned))
        .to.be.revertedWithCustomError(f.katy.token, "ERC20InvalidReceiver")
        .withArgs(f.business.router);
      // nor as a TransferWithAuthorization (another type hash), nor redirected to the front-runner
      await expect(
        f.katy.token.connect(f.stranger).transferWithAuthorization(...asSigned),
      ).to.be.revertedWithCustomError(f.katy.token, "ERC3009InvalidSignature");
      await expect(
        f.katy.token.connect(f.stranger).receiveWithAuthorization(...authorizationTo(f.stranger.address)),
      ).to.be.revertedWithCustomError(f.katy.token, "ERC3009InvalidSignature");
      expect(await f.katy.token.authorizationState(f.carol.address, auth.nonce)).to.equal(false);
      // so the terminal's payment goes through
      await expect(f.router.connect(f.terminal).payWithAuthorization(...args)).to.changeTokenBalances(
        f.katy.token,
        [f.carol, f.shop, f.stranger],
        [-intent.amount, intent.amount, 0n],
      );
    });

    it("a cancelled authorization pays nothing and records nothing: ERC3009UsedAuthorization", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const intent = await intentOf(f, f.carol, f.shop, KC(50));
      const { args, auth } = await signPaymentWithAuthorization(f.carol, f.router, f.katy.token, intent);
      const cancel = await signTyped(f.carol, f.katy.token, "CancelAuthorization", {
        authorizer: f.carol.address,
        nonce: auth.nonce,
      });
      await f.katy.token
        .connect(f.stranger)
        .cancelAuthorization(f.carol.address, auth.nonce, cancel.v, cancel.r, cancel.s);
      await expect(f.router.connect(f.terminal).payWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.katy.token, "ERC3009UsedAuthorization")
        .withArgs(f.carol.address, auth.nonce);
      expect((await f.router.paymentOf(f.shop.address, intent.invoiceId)).payer).to.equal(ethers.ZeroAddress);
      expect(await f.router.nonceUsed(f.carol.address, intent.nonce)).to.equal(false);
    });

    it("an authorization of another amount, or outside its window, pays nothing", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const intent = await intentOf(f, f.carol, f.shop, KC(50));
      const signature = await signPaymentIntent(f.carol, f.router, intent);
      const router = f.router.connect(f.terminal);
      const window = { validAfter: 0n, validBefore: intent.deadline };
      const other = await signPaymentAuthorization(f.carol, f.katy.token, f.business.router, KC(5), window);
      await expect(
        router.payWithAuthorization(...payWithAuthorizationArgs(intent, signature, other)),
      ).to.be.revertedWithCustomError(f.katy.token, "ERC3009InvalidSignature");
      const future = { validAfter: intent.deadline, validBefore: intent.deadline + 10n };
      const early = await signPaymentAuthorization(f.carol, f.katy.token, f.business.router, intent.amount, future);
      await expect(router.payWithAuthorization(...payWithAuthorizationArgs(intent, signature, early)))
        .to.be.revertedWithCustomError(f.katy.token, "ERC3009InvalidAuthorizationTime")
        .withArgs(future.validAfter, future.validBefore);
    });
  });

  describe("a smart-contract payer (ERC-1271)", () => {
    /** Runtime code answering every call with ERC-1271's magic value 0x1626ba7e (a wallet that approves all). */
    const APPROVING_WALLET = "0x631626ba7e60e01b60005260206000f3";
    /** Runtime code answering every call with 32 zero bytes (a wallet that approves nothing). */
    const REJECTING_WALLET = "0x60206000f3";

    async function walletPayer(f: BusinessFixture, code: string, label: string) {
      const address = ethers.getAddress(ethers.dataSlice(ethers.id(label), 12));
      await setCode(address, code);
      await f.katy.token.connect(f.minter).mint(address, KC(100), ref(label));
      const wallet = await impersonate(address);
      await f.katy.token.connect(wallet).approve(f.business.router, ethers.MaxUint256);
      return address;
    }

    async function intentFrom(f: BusinessFixture, payer: string) {
      const intent = await intentOf(f, f.carol, f.bakery, KC(30));
      return { ...intent, payer };
    }
    const noPermit = (deadline: bigint) => ({ deadline, v: 27, r: ethers.ZeroHash, s: ethers.ZeroHash });

    it("pays with payWithPermit on a standing approval when the wallet validates the intent", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const payer = await walletPayer(f, APPROVING_WALLET, "approving-wallet");
      const intent = await intentFrom(f, payer);
      const tx = f.router
        .connect(f.terminal)
        .payWithPermit(...payWithPermitArgs(intent, "0x", noPermit(intent.deadline)));
      await expect(tx).to.changeTokenBalances(f.katy.token, [payer, f.bakery.address], [-KC(30), KC(30)]);
      await expect(tx)
        .to.emit(f.router, "PaymentSettled")
        .withArgs(...(await settled(intent, 0n, f.terminal)));
    });

    it("refuses the intent when the wallet does not validate it: PaymentInvalidSignature(wallet)", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const payer = await walletPayer(f, REJECTING_WALLET, "rejecting-wallet");
      const intent = await intentFrom(f, payer);
      const signature = await signPaymentIntent(f.carol, f.router, intent);
      await expect(
        f.router.connect(f.terminal).payWithPermit(...payWithPermitArgs(intent, signature, noPermit(intent.deadline))),
      )
        .to.be.revertedWithCustomError(f.router, "PaymentInvalidSignature")
        .withArgs(payer);
    });

    it("cannot pay with an ERC-3009 authorization, which the token checks by ECDSA only", async () => {
      const f = await loadFixture(deployBusinessFixture);
      const payer = await walletPayer(f, APPROVING_WALLET, "approving-wallet");
      const intent = await intentFrom(f, payer);
      // the wallet's owner signs for it, as an ERC-1271 wallet would validate
      const message = {
        from: payer,
        to: f.business.router,
        value: intent.amount,
        validAfter: 0n,
        validBefore: intent.deadline,
        nonce: ethers.id("wallet-authorization"),
      };
      const { v, r, s } = await signTransferAuthorization(f.carol, f.katy.token, message, "ReceiveWithAuthorization");
      const auth = { ...message, v, r, s };
      await expect(
        f.router.connect(f.terminal).payWithAuthorization(...payWithAuthorizationArgs(intent, "0x", auth)),
      ).to.be.revertedWithCustomError(f.katy.token, "ERC3009InvalidSignature");
    });
  });

  describe("refund", () => {
    async function paidFixture() {
      const f = await loadFixture(deployBusinessFixture);
      const intent = await intentOf(f, f.carol, f.shop, KC(100));
      await pay(f, "permit", f.carol, intent);
      return { f, intent, key: invoiceKeyOf(f.shop.address, intent.invoiceId) };
    }

    it("refunds part, then the rest, from the merchant to the payer: PaymentRefunded with the running total", async () => {
      const { f, intent, key } = await paidFixture();
      const partial = f.router.connect(f.shop).refund(intent.invoiceId, KC(30));
      await expect(partial).to.changeTokenBalances(f.katy.token, [f.shop, f.carol, f.router], [-KC(30), KC(30), 0n]);
      await expect(partial)
        .to.emit(f.router, "PaymentRefunded")
        .withArgs(key, f.shop.address, f.carol.address, f.katy.address, KC(30), KC(30));
      expect((await f.router.paymentOf(f.shop.address, intent.invoiceId)).refunded).to.equal(KC(30));

      const rest = f.router.connect(f.shop).refund(intent.invoiceId, KC(70));
      await expect(rest).to.changeTokenBalances(f.katy.token, [f.shop, f.carol], [-KC(70), KC(70)]);
      await expect(rest)
        .to.emit(f.router, "PaymentRefunded")
        .withArgs(key, f.shop.address, f.carol.address, f.katy.address, KC(70), KC(100));
      const p = await f.router.paymentOf(f.shop.address, intent.invoiceId);
      expect([p.amount, p.refunded]).to.deep.equal([KC(100), KC(100)]);

      await expect(f.router.connect(f.shop).refund(intent.invoiceId, 1n))
        .to.be.revertedWithCustomError(f.router, "PaymentRefundTooLarge")
        .withArgs(1n, 0n);
      // a refunded invoice is still paid: it cannot be paid again
      const again = await intentOf(f, f.carol, f.shop, KC(100), { invoiceId: intent.invoiceId });
      await expect(signAndPay(f, "permit", f.carol, again))
        .to.be.revertedWithCustomError(f.router, "PaymentInvoicePaid")
        .withArgs(f.shop.address, intent.invoiceId);
    });

    it("refunds all at once", async () => {
      const { f, intent, key } = await paidFixture();
      await expect(f.router.connect(f.shop).refund(intent.invoiceId, KC(100)))
        .to.emit(f.router, "PaymentRefunded")
        .withArgs(key, f.shop.address, f.carol.address, f.katy.address, KC(100), KC(100));
    });

    it("refuses more than remains refundable: PaymentRefundTooLarge(amount, refundable)", async () => {
      const { f, intent } = await paidFixture();
      await expect(f.router.connect(f.shop).refund(intent.invoiceId, KC(100) + 1n))
        .to.be.revertedWithCustomError(f.router, "PaymentRefundTooLarge")
        .withArgs(KC(100) + 1n, KC(100));
      await f.router.connect(f.shop).refund(intent.invoiceId, KC(60));
      await expect(f.router.connect(f.shop).refund(intent.invoiceId, KC(41)))
        .to.be.revertedWithCustomError(f.router, "PaymentRefundTooLarge")
        .withArgs(KC(41), KC(40));
    });

    it("refuses an unknown invoice, and another merchant's invoice: PaymentUnknownInvoice(caller, invoiceId)", async () => {
      const { f, intent } = await paidFixture();
      const unknown = freshInvoice();
      await expect(f.router.connect(f.shop).refund(unknown, KC(1)))
        .to.be.revertedWithCustomError(f.router, "PaymentUnknownInvoice")
        .withArgs(f.shop.address, unknown);
      for (const caller of [f.bakery, f.carol, f.stranger]) {
        await expect(f.router.connect(caller).refund(intent.invoiceId, KC(1)))
          .to.be.revertedWithCustomError(f.router, "PaymentUnknownInvoice")
          .withArgs(caller.address, intent.invoiceId);
      }
    });

    it("refuses a zero refund: PaymentZeroAmount", async () => {
      const { f, intent } = await paidFixture();
      await expect(f.router.connect(f.shop).refund(intent.invoiceId, 0n)).to.be.revertedWithCustomError(
        f.router,
        "PaymentZeroAmount",
      );
    });

    it("needs the merchant's allowance: ERC20InsufficientAllowance", async () => {
      const { f, intent } = await paidFixture();
      await f.katy.token.connect(f.shop).approve(f.business.router, 0n);
      await expect(f.router.connect(f.shop).refund(intent.invoiceId, KC(10)))
        .to.be.revertedWithCustomError(f.katy.token, "ERC20InsufficientAllowance")
        .withArgs(f.business.router, 0n, KC(10));
    });

    it("a suspended merchant still refunds; a frozen payer cannot receive it (ComplianceRecipientFrozen)", async () => {
      const { f, intent } = await paidFixture();
      await f.merchants.connect(f.officer).suspend(f.shop.address, REASON);
      await expect(f.router.connect(f.shop).refund(intent.invoiceId, KC(10))).to.emit(f.router, "PaymentRefunded");
      await f.katy.registry.connect(f.officer).freeze(f.carol.address, REASON);
      await expect(f.router.connect(f.shop).refund(intent.invoiceId, KC(10)))
        .to.be.revertedWithCustomError(f.katy.registry, "ComplianceRecipientFrozen")
        .withArgs(f.carol.address);
    });

    it("leaves the loyalty reward credited for the payment (refunds do not claw it back)", async () => {
      const { f, intent } = await paidFixture();
      const reward = await f.loyalty.rewardsOf(f.carol.address, f.katy.address);
      expect(reward).to.equal(rewardOf(KC(100)));
      await f.router.connect(f.shop).refund(intent.invoiceId, KC(100));
      expect(await f.loyalty.rewardsOf(f.carol.address, f.katy.address)).to.equal(reward);
    });
  });
});

import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployClone } from "../../scripts/lib/community";
import {
  domainOf,
  EIP712_TYPES,
  randomNonce,
  type SignedTransferKind,
  signTransferAuthorization,
  signTyped,
} from "../../scripts/lib/signing";
import { Verdict } from "../../scripts/lib/verdicts";
import type { CommunityToken, ComplianceRegistry } from "../../typechain-types";
import { deployCommunityFixture, deployFundedCommunityFixture, KC, ref } from "../shared/fixtures";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const MINTER_ROLE = ethers.id("MINTER_ROLE");
const PAUSER_ROLE = ethers.id("PAUSER_ROLE");
const REASON = ethers.encodeBytes32String("AML-REVIEW");
const HOUR = 60 * 60;

// ------------------------------------------------------------------ EIP-712 helpers

interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

/** An ERC-3009 authorization valid from now for an hour, with a fresh random nonce, unless overridden. */
async function authorization(
  from: HardhatEthersSigner,
  to: HardhatEthersSigner,
  value: bigint,
  overrides: Partial<Authorization> = {},
): Promise<Authorization> {
  return {
    from: from.address,
    to: to.address,
    value,
    validAfter: 0n,
    validBefore: BigInt(await time.latest()) + BigInt(HOUR),
    nonce: randomNonce(),
    ...overrides,
  };
}

/** The arguments of transferWithAuthorization / receiveWithAuthorization for `auth`, signed by `signer`. */
async function signAuthorization(
  token: CommunityToken,
  signer: HardhatEthersSigner,
  kind: SignedTransferKind,
  auth: Authorization,
) {
  return (await signTransferAuthorization(signer, token, auth, kind)).args;
}

type SignedTransferArgs = Awaited<ReturnType<typeof signAuthorization>>;

// ------------------------------------------------------------------ fixtures

/**
 * A fresh, uninitialised token clone next to the community, and `freshRegistry`, a registry clone already bound to
 * it (the order {deployCommunity} uses: the registry first, since the token checks the binding).
 */
async function deployTokenCloneFixture() {
  const f = await deployCommunityFixture();
  const address = await deployClone(f.admin, f.implementations.token);
  const fresh = (await ethers.getContractAt("CommunityToken", address, f.admin)) as unknown as CommunityToken;
  const freshRegistry = await cloneRegistry(f.admin, f.implementations.registry);
  await freshRegistry.initialize(f.admin.address, address, await f.sanctions.getAddress());
  return { ...f, fresh, freshRegistry };
}

/** The funded community with alice and bob delegating to themselves. */
async function deployDelegatedFixture() {
  const f = await deployFundedCommunityFixture();
  await f.token.connect(f.alice).delegate(f.alice.address);
  await f.token.connect(f.bob).delegate(f.bob.address);
  return f;
}

/** A fresh, uninitialised registry clone. */
async function cloneRegistry(deployer: HardhatEthersSigner, implementation: string) {
  const address = await deployClone(deployer, implementation);
  return (await ethers.getContractAt("ComplianceRegistry", address, deployer)) as unknown as ComplianceRegistry;
}

/** The funded community and a second registry (no sanctions oracle) bound to the same token. */
async function deploySecondRegistryFixture() {
  const f = await deployFundedCommunityFixture();
  const next = await cloneRegistry(f.admin, f.implementations.registry);
  await next.initialize(f.admin.address, await f.token.getAddress(), ethers.ZeroAddress);
  return { ...f, next };
}

type Community = Awaited<ReturnType<typeof deployCommunityFixture>>;
type Funded = Awaited<ReturnType<typeof deployFundedCommunityFixture>>;

// ------------------------------------------------------------------ shared behaviour

/**
 * What transferWithAuthorization and receiveWithAuthorization share: alice signs, bob is paid, and the call is
 * submitted by `submitter` (the relayer for a transfer, bob himself for a receive).
 */
function shouldBehaveLikeSignedTransfer(kind: SignedTransferKind, submitter: (f: Funded) => HardhatEthersSigner) {
  const submit = (f: Funded, args: SignedTransferArgs) =>
    kind === "TransferWithAuthorization"
      ? f.token.connect(submitter(f)).transferWithAuthorization(...args)
      : f.token.connect(submitter(f)).receiveWithAuthorization(...args);

  describe("when the payer's signature is valid and current", () => {
    it("moves the value, emits AuthorizationUsed and Transfer, and marks the nonce used", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const auth = await authorization(f.alice, f.bob, KC(250));
      const args = await signAuthorization(f.token, f.alice, kind, auth);
      expect(await f.token.authorizationState(f.alice.address, auth.nonce)).to.equal(false);
      const tx = submit(f, args);
      await expect(tx).to.emit(f.token, "AuthorizationUsed").withArgs(f.alice.address, auth.nonce);
      await expect(tx).to.emit(f.token, "Transfer").withArgs(f.alice.address, f.bob.address, KC(250));
      await expect(tx).to.changeTokenBalances(f.token, [f.alice, f.bob, f.relayer], [-KC(250), KC(250), 0]);
      expect(await f.token.authorizationState(f.alice.address, auth.nonce)).to.equal(true);
    });

    it("accepts random nonces in any order", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const first = await signAuthorization(f.token, f.alice, kind, await authorization(f.alice, f.bob, KC(1)));
      const second = await signAuthorization(f.token, f.alice, kind, await authorization(f.alice, f.bob, KC(2)));
      expect(first[5]).not.to.equal(second[5]);
      await submit(f, second);
      await expect(submit(f, first)).to.changeTokenBalance(f.token, f.bob, KC(1));
    });

    it("keeps nonces per authorizer: another payer may use the same nonce", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const nonce = randomNonce();
      await submit(
        f,
        await signAuthorization(f.token, f.alice, kind, await authorization(f.alice, f.bob, KC(1), { nonce })),
      );
      expect(await f.token.authorizationState(f.carol.address, nonce)).to.equal(false);
      const carolPays = await signAuthorization(
        f.token,
        f.carol,
        kind,
        await authorization(f.carol, f.bob, KC(1), { nonce }),
      );
      await expect(submit(f, carolPays)).to.changeTokenBalance(f.token, f.carol, -KC(1));
    });
  });

  describe("when checked against the validity window", () => {
    // The call is mined at T; an authorization is valid when validAfter < T < validBefore.
    const windows: [when: string, validAfter: number, validBefore: number, valid: boolean][] = [
      ["strictly inside the window", -1, 1, true],
      ["not yet valid (validAfter == now)", 0, 1, false],
      ["not yet valid (validAfter in the future)", HOUR, 2 * HOUR, false],
      ["expired (validBefore == now)", -1, 0, false],
      ["expired (validBefore in the past)", -2 * HOUR, -HOUR, false],
    ];
    for (const [when, after, before, valid] of windows) {
      it(`${valid ? "executes" : "reverts with ERC3009InvalidAuthorizationTime"} when ${when}`, async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const now = (await time.latest()) + 100;
        const auth = await authorization(f.alice, f.bob, KC(1), {
          validAfter: BigInt(now + after),
          validBefore: BigInt(now + before),
        });
        const args = await signAuthorization(f.token, f.alice, kind, auth);
        await time.setNextBlockTimestamp(now);
        if (valid) await expect(submit(f, args)).to.changeTokenBalance(f.token, f.bob, KC(1));
        else
          await expect(submit(f, args))
            .to.be.revertedWithCustomError(f.token, "ERC3009InvalidAuthorizationTime")
            .withArgs(auth.validAfter, auth.validBefore);
      });
    }
  });

  describe("when the nonce was used already", () => {
    it("reverts a replay with ERC3009UsedAuthorization", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const auth = await authorization(f.alice, f.bob, KC(1));
      const args = await signAuthorization(f.token, f.alice, kind, auth);
      await submit(f, args);
      await expect(submit(f, args))
        .to.be.revertedWithCustomError(f.token, "ERC3009UsedAuthorization")
        .withArgs(f.alice.address, auth.nonce);
    });

    it("reverts with ERC3009UsedAuthorization after the payer cancelled the nonce", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const auth = await authorization(f.alice, f.bob, KC(1));
      const args = await signAuthorization(f.token, f.alice, kind, auth);
      const cancel = await signTyped(f.alice, f.token, "CancelAuthorization", {
        authorizer: f.alice.address,
        nonce: auth.nonce,
      });
      await f.token.connect(f.relayer).cancelAuthorization(f.alice.address, auth.nonce, cancel.v, cancel.r, cancel.s);
      await expect(submit(f, args))
        .to.be.revertedWithCustomError(f.token, "ERC3009UsedAuthorization")
        .withArgs(f.alice.address, auth.nonce);
    });
  });

  describe("when the signature does not match", () => {
    it("reverts with ERC3009InvalidSignature when someone other than the payer signed", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const args = await signAuthorization(f.token, f.carol, kind, await authorization(f.alice, f.bob, KC(1)));
      await expect(submit(f, args)).to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature").withArgs();
    });

    it("reverts with ERC3009InvalidSignature when the value was altered", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const args = await signAuthorization(f.token, f.alice, kind, await authorization(f.alice, f.bob, KC(1)));
      const altered: SignedTransferArgs = [
        args[0],
        args[1],
        KC(1_000),
        args[3],
        args[4],
        args[5],
        args[6],
        args[7],
        args[8],
      ];
      await expect(submit(f, altered)).to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature").withArgs();
    });

    it("reverts with ERC3009InvalidSignature for a signature of the other ERC-3009 type", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const other = kind === "TransferWithAuthorization" ? "ReceiveWithAuthorization" : "TransferWithAuthorization";
      const args = await signAuthorization(f.token, f.alice, other, await authorization(f.alice, f.bob, KC(1)));
      await expect(submit(f, args)).to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature").withArgs();
    });
  });

  describe("when compliance blocks the transfer", () => {
    it("reverts with ComplianceSenderFrozen for a frozen payer, and the authorization works once unfrozen", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const auth = await authorization(f.alice, f.bob, KC(1));
      const args = await signAuthorization(f.token, f.alice, kind, auth);
      await f.registry.connect(f.officer).freeze(f.alice.address, REASON);
      await expect(submit(f, args))
        .to.be.revertedWithCustomError(f.registry, "ComplianceSenderFrozen")
        .withArgs(f.alice.address);
      expect(await f.token.authorizationState(f.alice.address, auth.nonce)).to.equal(false);
      await f.registry.connect(f.officer).unfreeze(f.alice.address, REASON);
      await expect(submit(f, args)).to.changeTokenBalance(f.token, f.bob, KC(1));
    });

    it("reverts with ComplianceRecipientSanctioned for a sanctioned payee", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const args = await signAuthorization(f.token, f.alice, kind, await authorization(f.alice, f.bob, KC(1)));
      await f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]);
      await expect(submit(f, args))
        .to.be.revertedWithCustomError(f.registry, "ComplianceRecipientSanctioned")
        .withArgs(f.bob.address);
    });

    it("reverts with ComplianceDailyLimitExceeded past the payer's limit", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      await f.registry.connect(f.admin).setDailyLimit(0, KC(100));
      const args = await signAuthorization(f.token, f.carol, kind, await authorization(f.carol, f.bob, KC(100) + 1n));
      await expect(submit(f, args))
        .to.be.revertedWithCustomError(f.registry, "ComplianceDailyLimitExceeded")
        .withArgs(f.carol.address, 0, KC(100), 0, KC(100) + 1n);
    });
  });

  describe("when the token is paused", () => {
    it("reverts with EnforcedPause", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const args = await signAuthorization(f.token, f.alice, kind, await authorization(f.alice, f.bob, KC(1)));
      await f.token.connect(f.pauser).pause();
      await expect(submit(f, args)).to.be.revertedWithCustomError(f.token, "EnforcedPause").withArgs();
    });
  });

  describe("when the payer's balance is too small", () => {
    it("reverts with ERC20InsufficientBalance", async () => {
      const f = await loadFixture(deployFundedCommunityFixture);
      const args = await signAuthorization(f.token, f.carol, kind, await authorization(f.carol, f.bob, KC(500) + 1n));
      await expect(submit(f, args))
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
        .withArgs(f.carol.address, KC(500), KC(500) + 1n);
    });
  });
}

// ------------------------------------------------------------------ tests

describe("CommunityToken", () => {
  describe("initialize", () => {
    describe("when called on the implementation", () => {
      it("reverts with InvalidInitialization", async () => {
        const { implementations, admin, registry } = await loadFixture(deployCommunityFixture);
        const implementation = await ethers.getContractAt("CommunityToken", implementations.token, admin);
        await expect(implementation.initialize("Katy Coin", "KATY", "USD", admin.address, await registry.getAddress()))
          .to.be.revertedWithCustomError(implementation, "InvalidInitialization")
          .withArgs();
      });
    });

    describe("when called a second time on a clone", () => {
      it("reverts with InvalidInitialization", async () => {
        const { token, registry, stranger } = await loadFixture(deployCommunityFixture);
        await expect(
          token.connect(stranger).initialize("Evil", "EVIL", "EUR", stranger.address, await registry.getAddress()),
        )
          .to.be.revertedWithCustomError(token, "InvalidInitialization")
          .withArgs();
      });
    });

    describe("when an address is zero", () => {
      it("reverts with CommunityTokenZeroAddress for a zero admin", async () => {
        const { fresh, freshRegistry } = await loadFixture(deployTokenCloneFixture);
        await expect(fresh.initialize("Katy Coin", "KATY", "USD", ethers.ZeroAddress, await freshRegistry.getAddress()))
          .to.be.revertedWithCustomError(fresh, "CommunityTokenZeroAddress")
          .withArgs();
      });

      it("reverts with CommunityTokenZeroAddress for a zero registry", async () => {
        const { fresh, admin } = await loadFixture(deployTokenCloneFixture);
        await expect(fresh.initialize("Katy Coin", "KATY", "USD", admin.address, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(fresh, "CommunityTokenZeroAddress")
          .withArgs();
      });
    });

    describe("when the currency is not an ISO 4217 code", () => {
      // "@" and "[" sit just below "A" and just above "Z"; "ÄB" is three bytes of UTF-8.
      for (const code of ["usd", "US", "USDX", "", "Usd", "U$D", "@BC", "AB[", "ÄB"]) {
        it(`reverts with CommunityTokenInvalidCurrency("${code}")`, async () => {
          const { fresh, admin, freshRegistry } = await loadFixture(deployTokenCloneFixture);
          await expect(fresh.initialize("Katy Coin", "KATY", code, admin.address, await freshRegistry.getAddress()))
            .to.be.revertedWithCustomError(fresh, "CommunityTokenInvalidCurrency")
            .withArgs(code);
        });
      }
    });

    describe("when the registry is not bound to this token", () => {
      it("reverts with CommunityTokenRegistryMismatch for a registry bound to another token", async () => {
        const { fresh, admin, registry, token } = await loadFixture(deployTokenCloneFixture);
        await expect(fresh.initialize("Katy Coin", "KATY", "USD", admin.address, await registry.getAddress()))
          .to.be.revertedWithCustomError(fresh, "CommunityTokenRegistryMismatch")
          .withArgs(await registry.getAddress(), await token.getAddress());
        expect(await fresh.complianceRegistry()).to.equal(ethers.ZeroAddress);
      });

      it("reverts with CommunityTokenRegistryMismatch(registry, 0) for an uninitialised registry", async () => {
        const { fresh, admin, implementations } = await loadFixture(deployTokenCloneFixture);
        const unbound = await cloneRegistry(admin, implementations.registry);
        await expect(fresh.initialize("Katy Coin", "KATY", "USD", admin.address, await unbound.getAddress()))
          .to.be.revertedWithCustomError(fresh, "CommunityTokenRegistryMismatch")
          .withArgs(await unbound.getAddress(), ethers.ZeroAddress);
      });
    });

    describe("when the arguments are valid", () => {
      for (const code of ["USD", "EUR", "AAA", "ZZZ"]) {
        it(`accepts "${code}" and emits ComplianceRegistryChanged`, async () => {
          const { fresh, admin, freshRegistry } = await loadFixture(deployTokenCloneFixture);
          await expect(fresh.initialize("Euro Coin", "EC", code, admin.address, await freshRegistry.getAddress()))
            .to.emit(fresh, "ComplianceRegistryChanged")
            .withArgs(ethers.ZeroAddress, await freshRegistry.getAddress());
          expect(await fresh.currency()).to.equal(code);
        });
      }

      it("sets name, symbol, registry and admin, and grants no other role", async () => {
        const { fresh, admin, stranger, freshRegistry } = await loadFixture(deployTokenCloneFixture);
        await fresh.initialize("Euro Coin", "EC", "EUR", stranger.address, await freshRegistry.getAddress());
        expect(await fresh.name()).to.equal("Euro Coin");
        expect(await fresh.symbol()).to.equal("EC");
        expect(await fresh.complianceRegistry()).to.equal(await freshRegistry.getAddress());
        expect(await fresh.hasRole(DEFAULT_ADMIN_ROLE, stranger.address)).to.equal(true);
        expect(await fresh.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(false);
        expect(await fresh.hasRole(MINTER_ROLE, stranger.address)).to.equal(false);
        expect(await fresh.hasRole(PAUSER_ROLE, stranger.address)).to.equal(false);
        expect(await fresh.paused()).to.equal(false);
      });
    });
  });

  describe("metadata", () => {
    it("reports the community's name, symbol, 18 decimals, currency, registry and roles", async () => {
      const { token, registry } = await loadFixture(deployCommunityFixture);
      expect(await token.name()).to.equal("Katy Coin");
      expect(await token.symbol()).to.equal("KATY");
      expect(await token.decimals()).to.equal(18);
      expect(await token.currency()).to.equal("USD");
      expect(await token.complianceRegistry()).to.equal(await registry.getAddress());
      expect(await token.MINTER_ROLE()).to.equal(MINTER_ROLE);
      expect(await token.PAUSER_ROLE()).to.equal(PAUSER_ROLE);
      expect(await token.totalSupply()).to.equal(0);
    });
  });

  describe("eip712Domain", () => {
    it("reports name, version 1, chain id and the token address (fields 0x0f)", async () => {
      const { token } = await loadFixture(deployCommunityFixture);
      const domain = await token.eip712Domain();
      expect(domain.fields).to.equal("0x0f");
      expect(domain.name).to.equal("Katy Coin");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(domain.verifyingContract).to.equal(await token.getAddress());
      expect(domain.salt).to.equal(ethers.ZeroHash);
      expect(domain.extensions).to.deep.equal([]);
    });

    it("hashes to DOMAIN_SEPARATOR", async () => {
      const { token } = await loadFixture(deployCommunityFixture);
      expect(await token.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(await domainOf(token)));
    });
  });

  describe("mint", () => {
    describe("when the caller lacks MINTER_ROLE", () => {
      for (const who of ["stranger", "admin", "pauser"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await expect(f.token.connect(f[who]).mint(f.alice.address, KC(1), ref("d")))
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, MINTER_ROLE);
        });
      }
    });

    describe("when the caller is a minter", () => {
      const amounts: bigint[] = [1n, KC(1), KC(5_000), KC(1_000_000)];
      for (const amount of amounts) {
        it(`issues ${ethers.formatEther(amount)} KC, emitting Minted and Transfer`, async () => {
          const { token, minter, dave } = await loadFixture(deployCommunityFixture);
          const depositRef = ref("deposit-1");
          const tx = token.connect(minter).mint(dave.address, amount, depositRef);
          await expect(tx).to.emit(token, "Minted").withArgs(dave.address, amount, depositRef, minter.address);
          await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, dave.address, amount);
          expect(await token.balanceOf(dave.address)).to.equal(amount);
          expect(await token.totalSupply()).to.equal(amount);
        });
      }

      it("marks the deposit reference used", async () => {
        const { token, minter, alice } = await loadFixture(deployCommunityFixture);
        const depositRef = ref("deposit-1");
        expect(await token.depositUsed(depositRef)).to.equal(false);
        await token.connect(minter).mint(alice.address, KC(1), depositRef);
        expect(await token.depositUsed(depositRef)).to.equal(true);
        expect(await token.depositUsed(ref("deposit-2"))).to.equal(false);
      });
    });

    describe("when the deposit reference was used already", () => {
      it("reverts with CommunityTokenDepositAlreadyUsed, whatever the recipient and amount", async () => {
        const { token, minter, alice, bob } = await loadFixture(deployCommunityFixture);
        const depositRef = ref("deposit-1");
        await token.connect(minter).mint(alice.address, KC(1), depositRef);
        await expect(token.connect(minter).mint(bob.address, KC(2), depositRef))
          .to.be.revertedWithCustomError(token, "CommunityTokenDepositAlreadyUsed")
          .withArgs(depositRef);
      });
    });

    describe("when the deposit reference is zero", () => {
      it("reverts with CommunityTokenZeroReference", async () => {
        const { token, minter, alice } = await loadFixture(deployCommunityFixture);
        await expect(token.connect(minter).mint(alice.address, KC(1), ethers.ZeroHash))
          .to.be.revertedWithCustomError(token, "CommunityTokenZeroReference")
          .withArgs();
      });
    });

    describe("when the recipient is the zero address", () => {
      it("reverts with ERC20InvalidReceiver", async () => {
        const { token, minter } = await loadFixture(deployCommunityFixture);
        await expect(token.connect(minter).mint(ethers.ZeroAddress, KC(1), ref("d")))
          .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when the recipient is frozen", () => {
      it("reverts with ComplianceRecipientFrozen, leaving the deposit reference usable", async () => {
        const { token, registry, minter, officer, alice } = await loadFixture(deployCommunityFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(token.connect(minter).mint(alice.address, KC(1), ref("d")))
          .to.be.revertedWithCustomError(registry, "ComplianceRecipientFrozen")
          .withArgs(alice.address);
        await registry.connect(officer).unfreeze(alice.address, REASON);
        await expect(token.connect(minter).mint(alice.address, KC(1), ref("d"))).to.changeTokenBalance(
          token,
          alice,
          KC(1),
        );
      });
    });

    describe("when the recipient is sanctioned", () => {
      it("reverts with ComplianceRecipientSanctioned", async () => {
        const { token, registry, sanctions, minter, officer, alice } = await loadFixture(deployCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await expect(token.connect(minter).mint(alice.address, KC(1), ref("d")))
          .to.be.revertedWithCustomError(registry, "ComplianceRecipientSanctioned")
          .withArgs(alice.address);
      });
    });

    describe("when the minter itself is frozen or sanctioned", () => {
      // A mint's operator is the minter, whose role vouches for it: only the recipient is screened.
      const blocks: [what: string, block: (f: Community) => Promise<unknown>][] = [
        ["frozen", (f) => f.registry.connect(f.officer).freeze(f.minter.address, REASON)],
        ["sanctioned", (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.minter.address])],
      ];
      for (const [what, block] of blocks) {
        it(`still issues when the minter is ${what}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await block(f);
          await expect(f.token.connect(f.minter).mint(f.alice.address, KC(1), ref("d"))).to.changeTokenBalance(
            f.token,
            f.alice,
            KC(1),
          );
        });
      }
    });

    describe("when the amount is above the recipient's daily limit", () => {
      it("issues it: receiving is not limited", async () => {
        const { token, registry, minter, dave } = await loadFixture(deployCommunityFixture);
        await expect(token.connect(minter).mint(dave.address, KC(50_000), ref("d"))).to.changeTokenBalance(
          token,
          dave,
          KC(50_000),
        );
        expect(await registry.spentToday(dave.address)).to.deep.equal([0n, 0n]);
      });
    });

    describe("when the token is paused", () => {
      it("reverts with EnforcedPause", async () => {
        const { token, minter, pauser, alice } = await loadFixture(deployCommunityFixture);
        await token.connect(pauser).pause();
        await expect(token.connect(minter).mint(alice.address, KC(1), ref("d")))
          .to.be.revertedWithCustomError(token, "EnforcedPause")
          .withArgs();
      });
    });
  });

  describe("redeem", () => {
    describe("when the holder redeems part of the balance", () => {
      it("burns it, emitting Redeemed and Transfer to zero", async () => {
        const { token, alice } = await loadFixture(deployFundedCommunityFixture);
        const payoutRef = ref("payout-1");
        const supply = await token.totalSupply();
        const tx = token.connect(alice).redeem(KC(400), payoutRef);
        await expect(tx).to.emit(token, "Redeemed").withArgs(alice.address, KC(400), payoutRef);
        await expect(tx).to.emit(token, "Transfer").withArgs(alice.address, ethers.ZeroAddress, KC(400));
        await expect(tx).to.changeTokenBalance(token, alice, -KC(400));
        expect(await token.totalSupply()).to.equal(supply - KC(400));
      });

      it("counts against the daily limit", async () => {
        const { token, registry, alice } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).redeem(KC(400), ref("payout-1"));
        expect((await registry.spentToday(alice.address))[0]).to.equal(KC(400));
      });

      it("takes the votes away from the holder's delegate", async () => {
        const { token, alice } = await loadFixture(deployDelegatedFixture);
        await expect(token.connect(alice).redeem(KC(400), ref("payout-1")))
          .to.emit(token, "DelegateVotesChanged")
          .withArgs(alice.address, KC(10_000), KC(9_600));
      });
    });

    describe("when the payout reference is zero", () => {
      it("reverts with CommunityTokenZeroReference", async () => {
        const { token, alice } = await loadFixture(deployFundedCommunityFixture);
        await expect(token.connect(alice).redeem(KC(1), ethers.ZeroHash))
          .to.be.revertedWithCustomError(token, "CommunityTokenZeroReference")
          .withArgs();
      });
    });

    describe("when the amount is above the balance", () => {
      it("reverts with ERC20InsufficientBalance", async () => {
        const { token, alice } = await loadFixture(deployFundedCommunityFixture);
        await expect(token.connect(alice).redeem(KC(10_000) + 1n, ref("payout-1")))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
          .withArgs(alice.address, KC(10_000), KC(10_000) + 1n);
      });
    });

    describe("when the holder is frozen or sanctioned", () => {
      it("reverts with ComplianceSenderFrozen", async () => {
        const { token, registry, officer, alice } = await loadFixture(deployFundedCommunityFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(token.connect(alice).redeem(KC(1), ref("payout-1")))
          .to.be.revertedWithCustomError(registry, "ComplianceSenderFrozen")
          .withArgs(alice.address);
      });

      it("reverts with ComplianceSenderSanctioned", async () => {
        const { token, registry, sanctions, officer, alice } = await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await expect(token.connect(alice).redeem(KC(1), ref("payout-1")))
          .to.be.revertedWithCustomError(registry, "ComplianceSenderSanctioned")
          .withArgs(alice.address);
      });
    });

    describe("when the token is paused", () => {
      it("reverts with EnforcedPause", async () => {
        const { token, pauser, alice } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(pauser).pause();
        await expect(token.connect(alice).redeem(KC(1), ref("payout-1")))
          .to.be.revertedWithCustomError(token, "EnforcedPause")
          .withArgs();
      });
    });
  });

  describe("transfer", () => {
    describe("when sender and recipient pass compliance", () => {
      it("moves the tokens and emits Transfer", async () => {
        const { token, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        const tx = token.connect(alice).transfer(bob.address, KC(1));
        await expect(tx).to.emit(token, "Transfer").withArgs(alice.address, bob.address, KC(1));
        await expect(tx).to.changeTokenBalances(token, [alice, bob], [-KC(1), KC(1)]);
      });

      it("moves the votes between delegates, emitting DelegateVotesChanged", async () => {
        const { token, alice, bob } = await loadFixture(deployDelegatedFixture);
        const tx = token.connect(alice).transfer(bob.address, KC(1_000));
        await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(alice.address, KC(10_000), KC(9_000));
        await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(bob.address, KC(10_000), KC(11_000));
      });
    });

    describe("when the amount is above the balance", () => {
      it("reverts with ERC20InsufficientBalance", async () => {
        const { token, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await expect(token.connect(alice).transfer(bob.address, KC(10_000) + 1n))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
          .withArgs(alice.address, KC(10_000), KC(10_000) + 1n);
      });
    });

    describe("when the recipient is the zero address", () => {
      it("reverts with ERC20InvalidReceiver", async () => {
        const { token, alice } = await loadFixture(deployFundedCommunityFixture);
        await expect(token.connect(alice).transfer(ethers.ZeroAddress, KC(1)))
          .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when compliance blocks it", () => {
      const blocked: [when: string, setup: (f: Funded) => Promise<unknown>, error: string, who: "alice" | "bob"][] = [
        [
          "the sender is frozen",
          (f) => f.registry.connect(f.officer).freeze(f.alice.address, REASON),
          "ComplianceSenderFrozen",
          "alice",
        ],
        [
          "the recipient is frozen",
          (f) => f.registry.connect(f.officer).freeze(f.bob.address, REASON),
          "ComplianceRecipientFrozen",
          "bob",
        ],
        [
          "the sender is sanctioned",
          (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.alice.address]),
          "ComplianceSenderSanctioned",
          "alice",
        ],
        [
          "the recipient is sanctioned",
          (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]),
          "ComplianceRecipientSanctioned",
          "bob",
        ],
      ];
      for (const [when, setup, error, who] of blocked) {
        it(`reverts with ${error} when ${when}`, async () => {
          const f = await loadFixture(deployFundedCommunityFixture);
          await setup(f);
          await expect(f.token.connect(f.alice).transfer(f.bob.address, KC(1)))
            .to.be.revertedWithCustomError(f.registry, error)
            .withArgs(f[who].address);
        });
      }

      it("reverts with ComplianceDailyLimitExceeded past the sender's limit", async () => {
        const { token, registry, carol, bob, admin } = await loadFixture(deployFundedCommunityFixture);
        await registry.connect(admin).setDailyLimit(0, KC(300));
        await token.connect(carol).transfer(bob.address, KC(200));
        await expect(token.connect(carol).transfer(bob.address, KC(100) + 1n))
          .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
          .withArgs(carol.address, 0, KC(300), KC(200), KC(100) + 1n);
      });
    });

    describe("when the token is paused", () => {
      it("reverts with EnforcedPause", async () => {
        const { token, pauser, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(pauser).pause();
        await expect(token.connect(alice).transfer(bob.address, KC(1)))
          .to.be.revertedWithCustomError(token, "EnforcedPause")
          .withArgs();
      });
    });
  });

  describe("transferFrom", () => {
    describe("when the spender has an allowance", () => {
      it("moves the owner's tokens", async () => {
        const { token, alice, bob, relayer } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).approve(relayer.address, KC(5));
        const tx = token.connect(relayer).transferFrom(alice.address, bob.address, KC(5));
        await expect(tx).to.emit(token, "Transfer").withArgs(alice.address, bob.address, KC(5));
        await expect(tx).to.changeTokenBalances(token, [alice, bob, relayer], [-KC(5), KC(5), 0]);
      });
    });

    describe("when the owner is frozen", () => {
      it("reverts with ComplianceSenderFrozen", async () => {
        const { token, registry, officer, alice, bob, relayer } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).approve(relayer.address, KC(5));
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(token.connect(relayer).transferFrom(alice.address, bob.address, KC(5)))
          .to.be.revertedWithCustomError(registry, "ComplianceSenderFrozen")
          .withArgs(alice.address);
      });
    });

    describe("when the spender is frozen", () => {
      it("reverts with ComplianceOperatorFrozen(spender), moving nothing and keeping the allowance", async () => {
        const { token, registry, officer, alice, bob, relayer } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).approve(relayer.address, KC(5));
        await registry.connect(officer).freeze(relayer.address, REASON);
        await expect(token.connect(relayer).transferFrom(alice.address, bob.address, KC(5)))
          .to.be.revertedWithCustomError(registry, "ComplianceOperatorFrozen")
          .withArgs(relayer.address);
        expect(await token.balanceOf(alice.address)).to.equal(KC(10_000));
        expect(await token.allowance(alice.address, relayer.address)).to.equal(KC(5));
      });

      it("moves the owner's tokens again once the spender is unfrozen", async () => {
        const { token, registry, officer, alice, bob, relayer } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).approve(relayer.address, KC(5));
        await registry.connect(officer).freeze(relayer.address, REASON);
        await registry.connect(officer).unfreeze(relayer.address, REASON);
        await expect(token.connect(relayer).transferFrom(alice.address, bob.address, KC(5))).to.changeTokenBalances(
          token,
          [alice, bob],
          [-KC(5), KC(5)],
        );
      });
    });

    describe("when the spender is sanctioned", () => {
      it("reverts with ComplianceOperatorSanctioned(spender)", async () => {
        const { token, registry, sanctions, officer, alice, bob, relayer } =
          await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).approve(relayer.address, KC(5));
        await sanctions.connect(officer).addToSanctionsList([relayer.address]);
        await expect(token.connect(relayer).transferFrom(alice.address, bob.address, KC(5)))
          .to.be.revertedWithCustomError(registry, "ComplianceOperatorSanctioned")
          .withArgs(relayer.address);
      });
    });

    describe("when the spender pulls the tokens to itself", () => {
      // The spender is the recipient, so it is screened as the recipient, not as a third party.
      it("reverts with ComplianceRecipientFrozen(spender) when it is frozen", async () => {
        const { token, registry, officer, alice, relayer } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).approve(relayer.address, KC(5));
        await registry.connect(officer).freeze(relayer.address, REASON);
        await expect(token.connect(relayer).transferFrom(alice.address, relayer.address, KC(5)))
          .to.be.revertedWithCustomError(registry, "ComplianceRecipientFrozen")
          .withArgs(relayer.address);
      });

      it("reverts with ComplianceRecipientSanctioned(spender) when it is sanctioned", async () => {
        const { token, registry, sanctions, officer, alice, relayer } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).approve(relayer.address, KC(5));
        await sanctions.connect(officer).addToSanctionsList([relayer.address]);
        await expect(token.connect(relayer).transferFrom(alice.address, relayer.address, KC(5)))
          .to.be.revertedWithCustomError(registry, "ComplianceRecipientSanctioned")
          .withArgs(relayer.address);
      });
    });

    describe("when the amount is zero", () => {
      it("needs no allowance, and a stranger's call opens no daily window for the owner", async () => {
        const { token, registry, alice, bob, stranger } = await loadFixture(deployFundedCommunityFixture);
        expect(await token.allowance(alice.address, stranger.address)).to.equal(0);
        await expect(token.connect(stranger).transferFrom(alice.address, bob.address, 0))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, bob.address, 0);
        expect(await registry.spentToday(alice.address)).to.deep.equal([0n, 0n]);
        // the owner's window opens at its own first send, an hour later
        await time.increase(HOUR);
        await token.connect(alice).transfer(bob.address, KC(1));
        expect(await registry.spentToday(alice.address)).to.deep.equal([KC(1), BigInt(await time.latest())]);
      });

      it("still screens the caller: a frozen stranger reverts with ComplianceOperatorFrozen", async () => {
        const { token, registry, officer, alice, bob, stranger } = await loadFixture(deployFundedCommunityFixture);
        await registry.connect(officer).freeze(stranger.address, REASON);
        await expect(token.connect(stranger).transferFrom(alice.address, bob.address, 0))
          .to.be.revertedWithCustomError(registry, "ComplianceOperatorFrozen")
          .withArgs(stranger.address);
      });

      it("still screens the owner: a frozen owner reverts with ComplianceSenderFrozen", async () => {
        const { token, registry, officer, alice, bob, stranger } = await loadFixture(deployFundedCommunityFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(token.connect(stranger).transferFrom(alice.address, bob.address, 0))
          .to.be.revertedWithCustomError(registry, "ComplianceSenderFrozen")
          .withArgs(alice.address);
      });
    });

    describe("when the token is paused", () => {
      it("reverts with EnforcedPause", async () => {
        const { token, pauser, alice, bob, relayer } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(alice).approve(relayer.address, KC(5));
        await token.connect(pauser).pause();
        await expect(token.connect(relayer).transferFrom(alice.address, bob.address, KC(5)))
          .to.be.revertedWithCustomError(token, "EnforcedPause")
          .withArgs();
      });
    });
  });

  describe("pause", () => {
    describe("when the caller lacks PAUSER_ROLE", () => {
      for (const who of ["stranger", "admin", "minter"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await expect(f.token.connect(f[who]).pause())
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, PAUSER_ROLE);
        });
      }
    });

    describe("when the caller is a pauser", () => {
      it("pauses and emits Paused", async () => {
        const { token, pauser } = await loadFixture(deployCommunityFixture);
        await expect(token.connect(pauser).pause()).to.emit(token, "Paused").withArgs(pauser.address);
        expect(await token.paused()).to.equal(true);
      });
    });

    describe("when the token is paused already", () => {
      it("reverts with EnforcedPause", async () => {
        const { token, pauser } = await loadFixture(deployCommunityFixture);
        await token.connect(pauser).pause();
        await expect(token.connect(pauser).pause()).to.be.revertedWithCustomError(token, "EnforcedPause").withArgs();
      });
    });

    describe("when the token is paused", () => {
      // Every balance change goes through _update; each action below is otherwise valid.
      const actions: [name: string, act: (f: Funded) => Promise<unknown>][] = [
        ["mint", (f) => f.token.connect(f.minter).mint(f.carol.address, KC(1), ref("paused-deposit"))],
        ["transfer", (f) => f.token.connect(f.alice).transfer(f.bob.address, KC(1))],
        ["redeem", (f) => f.token.connect(f.alice).redeem(KC(1), ref("paused-payout"))],
      ];
      for (const [name, act] of actions) {
        it(`blocks ${name} with EnforcedPause`, async () => {
          const f = await loadFixture(deployFundedCommunityFixture);
          await f.token.connect(f.pauser).pause();
          await expect(act(f)).to.be.revertedWithCustomError(f.token, "EnforcedPause").withArgs();
        });
      }

      it("blocks a signed transfer with EnforcedPause", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const args = await signAuthorization(
          f.token,
          f.alice,
          "TransferWithAuthorization",
          await authorization(f.alice, f.bob, KC(1)),
        );
        await f.token.connect(f.pauser).pause();
        await expect(f.token.connect(f.relayer).transferWithAuthorization(...args))
          .to.be.revertedWithCustomError(f.token, "EnforcedPause")
          .withArgs();
      });
    });
  });

  describe("unpause", () => {
    describe("when the caller lacks PAUSER_ROLE", () => {
      for (const who of ["stranger", "admin"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployCommunityFixture);
          await f.token.connect(f.pauser).pause();
          await expect(f.token.connect(f[who]).unpause())
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, PAUSER_ROLE);
        });
      }
    });

    describe("when the caller is a pauser", () => {
      it("unpauses, emits Unpaused and lets transfers through again", async () => {
        const { token, pauser, alice, bob } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(pauser).pause();
        await expect(token.connect(pauser).unpause()).to.emit(token, "Unpaused").withArgs(pauser.address);
        expect(await token.paused()).to.equal(false);
        await expect(token.connect(alice).transfer(bob.address, KC(1))).to.changeTokenBalance(token, bob, KC(1));
      });
    });

    describe("when the token is not paused", () => {
      it("reverts with ExpectedPause", async () => {
        const { token, pauser } = await loadFixture(deployCommunityFixture);
        await expect(token.connect(pauser).unpause()).to.be.revertedWithCustomError(token, "ExpectedPause").withArgs();
      });
    });
  });

  describe("setComplianceRegistry", () => {
    describe("when the caller lacks DEFAULT_ADMIN_ROLE", () => {
      for (const who of ["stranger", "pauser", "minter"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deploySecondRegistryFixture);
          await expect(f.token.connect(f[who]).setComplianceRegistry(await f.next.getAddress()))
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, DEFAULT_ADMIN_ROLE);
        });
      }
    });

    describe("when the caller is the admin", () => {
      it("switches the registry and emits ComplianceRegistryChanged", async () => {
        const { token, registry, next, admin } = await loadFixture(deploySecondRegistryFixture);
        await expect(token.connect(admin).setComplianceRegistry(await next.getAddress()))
          .to.emit(token, "ComplianceRegistryChanged")
          .withArgs(await registry.getAddress(), await next.getAddress());
        expect(await token.complianceRegistry()).to.equal(await next.getAddress());
      });

      it("applies the new registry's rules from then on", async () => {
        const { token, registry, next, admin, officer, alice, bob } = await loadFixture(deploySecondRegistryFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await token.connect(admin).setComplianceRegistry(await next.getAddress());
        await expect(token.connect(alice).transfer(bob.address, KC(1))).to.changeTokenBalance(token, bob, KC(1));
        expect((await next.spentToday(alice.address))[0]).to.equal(KC(1));
      });
    });

    describe("when the new registry is bound to another token", () => {
      it("reverts with CommunityTokenRegistryMismatch(registry, boundToken) and keeps the old registry", async () => {
        const { token, registry, admin, alice, bob, implementations } = await loadFixture(deployFundedCommunityFixture);
        const foreign = await cloneRegistry(admin, implementations.registry);
        await foreign.initialize(admin.address, bob.address, ethers.ZeroAddress);
        await expect(token.connect(admin).setComplianceRegistry(await foreign.getAddress()))
          .to.be.revertedWithCustomError(token, "CommunityTokenRegistryMismatch")
          .withArgs(await foreign.getAddress(), bob.address);
        expect(await token.complianceRegistry()).to.equal(await registry.getAddress());
        await expect(token.connect(alice).transfer(bob.address, KC(1))).to.changeTokenBalance(token, bob, KC(1));
      });
    });

    describe("when the new registry is not initialised (bound to no token)", () => {
      it("reverts with CommunityTokenRegistryMismatch(registry, 0)", async () => {
        const { token, admin, implementations } = await loadFixture(deployFundedCommunityFixture);
        const unbound = await cloneRegistry(admin, implementations.registry);
        await expect(token.connect(admin).setComplianceRegistry(await unbound.getAddress()))
          .to.be.revertedWithCustomError(token, "CommunityTokenRegistryMismatch")
          .withArgs(await unbound.getAddress(), ethers.ZeroAddress);
      });
    });

    describe("when the registry is the zero address", () => {
      it("reverts with CommunityTokenZeroAddress", async () => {
        const { token, admin } = await loadFixture(deployCommunityFixture);
        await expect(token.connect(admin).setComplianceRegistry(ethers.ZeroAddress))
          .to.be.revertedWithCustomError(token, "CommunityTokenZeroAddress")
          .withArgs();
      });
    });
  });

  describe("canTransfer", () => {
    // The token forwards the question to its registry; every verdict comes back without a revert.
    const alicePaysBob = (f: Funded): [string, string, bigint] => [f.alice.address, f.bob.address, KC(1)];
    const cases: {
      when: string;
      setup?: (f: Funded) => Promise<unknown>;
      query: (f: Funded) => [from: string, to: string, amount: bigint];
      verdict: Verdict;
    }[] = [
      { when: "the transfer passes every rule", query: alicePaysBob, verdict: Verdict.Allowed },
      {
        when: "the token is paused",
        setup: (f) => f.token.connect(f.pauser).pause(),
        query: alicePaysBob,
        verdict: Verdict.TokenPaused,
      },
      {
        when: "the balance is too small",
        query: (f) => [f.carol.address, f.bob.address, KC(500) + 1n],
        verdict: Verdict.InsufficientBalance,
      },
      {
        when: "the sender is frozen",
        setup: (f) => f.registry.connect(f.officer).freeze(f.alice.address, REASON),
        query: alicePaysBob,
        verdict: Verdict.SenderFrozen,
      },
      {
        when: "the recipient is frozen",
        setup: (f) => f.registry.connect(f.officer).freeze(f.bob.address, REASON),
        query: alicePaysBob,
        verdict: Verdict.RecipientFrozen,
      },
      {
        when: "the sender is sanctioned",
        setup: (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.alice.address]),
        query: alicePaysBob,
        verdict: Verdict.SenderSanctioned,
      },
      {
        when: "the recipient is sanctioned",
        setup: (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]),
        query: alicePaysBob,
        verdict: Verdict.RecipientSanctioned,
      },
      {
        when: "the daily limit would be passed",
        setup: async (f) => {
          await f.registry.connect(f.admin).setDailyLimit(0, KC(100));
          await f.token.connect(f.carol).transfer(f.bob.address, KC(60));
        },
        query: (f) => [f.carol.address, f.bob.address, KC(40) + 1n],
        verdict: Verdict.DailyLimitExceeded,
      },
      {
        when: "the rest of the daily limit is asked for exactly",
        setup: async (f) => {
          await f.registry.connect(f.admin).setDailyLimit(0, KC(100));
          await f.token.connect(f.carol).transfer(f.bob.address, KC(60));
        },
        query: (f) => [f.carol.address, f.bob.address, KC(40)],
        verdict: Verdict.Allowed,
      },
      // In the order the token enforces them: the pause, then the compliance rules, then the balance.
      {
        when: "the token is paused and the sender frozen",
        setup: async (f) => {
          await f.registry.connect(f.officer).freeze(f.alice.address, REASON);
          await f.token.connect(f.pauser).pause();
        },
        query: alicePaysBob,
        verdict: Verdict.TokenPaused,
      },
      {
        when: "the sender is frozen and its balance too small",
        setup: (f) => f.registry.connect(f.officer).freeze(f.carol.address, REASON),
        query: (f) => [f.carol.address, f.bob.address, KC(500) + 1n],
        verdict: Verdict.SenderFrozen,
      },
      {
        when: "the recipient is sanctioned and the balance too small",
        setup: (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]),
        query: (f) => [f.carol.address, f.bob.address, KC(500) + 1n],
        verdict: Verdict.RecipientSanctioned,
      },
      {
        when: "the daily limit would be passed and the balance is too small",
        setup: (f) => f.registry.connect(f.admin).setDailyLimit(0, KC(100)),
        query: (f) => [f.carol.address, f.bob.address, KC(500) + 1n],
        verdict: Verdict.DailyLimitExceeded,
      },
    ];
    for (const { when, setup, query, verdict } of cases) {
      describe(`when ${when}`, () => {
        it(`returns (${verdict === Verdict.Allowed}, ${Verdict[verdict]}), as the registry does`, async () => {
          const f = await loadFixture(deployFundedCommunityFixture);
          if (setup) await setup(f);
          const expected = [verdict === Verdict.Allowed, BigInt(verdict)];
          expect(await f.token.canTransfer(...query(f))).to.deep.equal(expected);
          expect(await f.registry.canTransfer(...query(f))).to.deep.equal(expected);
        });
      });
    }
  });

  describe("permit", () => {
    async function signPermit(f: Funded, signer: HardhatEthersSigner, value: bigint, deadline: bigint, nonce = 0n) {
      const permit = { owner: f.alice.address, spender: f.relayer.address, value, nonce, deadline };
      return { permit, ...(await signTyped(signer, f.token, "Permit", permit)) };
    }

    describe("when the owner signed it", () => {
      it("sets the allowance, emits Approval and uses the nonce", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const deadline = BigInt(await time.latest()) + BigInt(HOUR);
        const { v, r, s } = await signPermit(f, f.alice, KC(7), deadline);
        await expect(f.token.connect(f.stranger).permit(f.alice.address, f.relayer.address, KC(7), deadline, v, r, s))
          .to.emit(f.token, "Approval")
          .withArgs(f.alice.address, f.relayer.address, KC(7));
        expect(await f.token.allowance(f.alice.address, f.relayer.address)).to.equal(KC(7));
        expect(await f.token.nonces(f.alice.address)).to.equal(1);
      });
    });

    describe("when checked against the deadline", () => {
      // The call is mined at T; the permit is valid while T <= deadline.
      const deadlines: [offset: number, valid: boolean][] = [
        [1, true],
        [0, true],
        [-1, false],
      ];
      for (const [offset, valid] of deadlines) {
        it(`${valid ? "accepts" : "rejects with ERC2612ExpiredSignature"} a deadline of now ${
          offset < 0 ? "-" : "+"
        } ${Math.abs(offset)} s`, async () => {
          const f = await loadFixture(deployFundedCommunityFixture);
          const now = (await time.latest()) + 100;
          const deadline = BigInt(now + offset);
          const { v, r, s } = await signPermit(f, f.alice, KC(7), deadline);
          await time.setNextBlockTimestamp(now);
          const tx = f.token.permit(f.alice.address, f.relayer.address, KC(7), deadline, v, r, s);
          if (valid) await expect(tx).to.emit(f.token, "Approval").withArgs(f.alice.address, f.relayer.address, KC(7));
          else await expect(tx).to.be.revertedWithCustomError(f.token, "ERC2612ExpiredSignature").withArgs(deadline);
        });
      }
    });

    describe("when someone other than the owner signed it", () => {
      it("reverts with ERC2612InvalidSigner(signer, owner)", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const deadline = BigInt(await time.latest()) + BigInt(HOUR);
        const { v, r, s } = await signPermit(f, f.bob, KC(7), deadline);
        await expect(f.token.permit(f.alice.address, f.relayer.address, KC(7), deadline, v, r, s))
          .to.be.revertedWithCustomError(f.token, "ERC2612InvalidSigner")
          .withArgs(f.bob.address, f.alice.address);
      });
    });

    describe("when it is replayed", () => {
      it("reverts with ERC2612InvalidSigner, as the signature no longer matches the next nonce", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const deadline = BigInt(await time.latest()) + BigInt(HOUR);
        const { permit, v, r, s, signature } = await signPermit(f, f.alice, KC(7), deadline);
        await f.token.permit(f.alice.address, f.relayer.address, KC(7), deadline, v, r, s);
        // What the token recovers: the same signature over the permit with the owner's current nonce.
        const recovered = ethers.verifyTypedData(
          await domainOf(f.token),
          EIP712_TYPES.Permit,
          { ...permit, nonce: 1n },
          signature,
        );
        expect(recovered).not.to.equal(f.alice.address);
        await expect(f.token.permit(f.alice.address, f.relayer.address, KC(7), deadline, v, r, s))
          .to.be.revertedWithCustomError(f.token, "ERC2612InvalidSigner")
          .withArgs(recovered, f.alice.address);
      });
    });
  });

  describe("transferWithAuthorization", () => {
    shouldBehaveLikeSignedTransfer("TransferWithAuthorization", (f) => f.relayer);

    describe("when submitted by the payee instead of a relayer", () => {
      it("executes as well: anyone may submit it", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const args = await signAuthorization(
          f.token,
          f.alice,
          "TransferWithAuthorization",
          await authorization(f.alice, f.bob, KC(3)),
        );
        await expect(f.token.connect(f.bob).transferWithAuthorization(...args)).to.changeTokenBalance(
          f.token,
          f.bob,
          KC(3),
        );
      });
    });

    describe("when the relayer that submits it is frozen", () => {
      it("reverts with ComplianceOperatorFrozen(relayer), leaves the nonce unused, and executes once unfrozen", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const auth = await authorization(f.alice, f.bob, KC(3));
        const args = await signAuthorization(f.token, f.alice, "TransferWithAuthorization", auth);
        await f.registry.connect(f.officer).freeze(f.relayer.address, REASON);
        await expect(f.token.connect(f.relayer).transferWithAuthorization(...args))
          .to.be.revertedWithCustomError(f.registry, "ComplianceOperatorFrozen")
          .withArgs(f.relayer.address);
        expect(await f.token.authorizationState(f.alice.address, auth.nonce)).to.equal(false);
        await f.registry.connect(f.officer).unfreeze(f.relayer.address, REASON);
        await expect(f.token.connect(f.relayer).transferWithAuthorization(...args)).to.changeTokenBalance(
          f.token,
          f.bob,
          KC(3),
        );
      });
    });

    describe("when the relayer that submits it is sanctioned", () => {
      it("reverts with ComplianceOperatorSanctioned(relayer)", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const auth = await authorization(f.alice, f.bob, KC(3));
        const args = await signAuthorization(f.token, f.alice, "TransferWithAuthorization", auth);
        await f.sanctions.connect(f.officer).addToSanctionsList([f.relayer.address]);
        await expect(f.token.connect(f.relayer).transferWithAuthorization(...args))
          .to.be.revertedWithCustomError(f.registry, "ComplianceOperatorSanctioned")
          .withArgs(f.relayer.address);
        expect(await f.token.authorizationState(f.alice.address, auth.nonce)).to.equal(false);
      });
    });
  });

  describe("receiveWithAuthorization", () => {
    shouldBehaveLikeSignedTransfer("ReceiveWithAuthorization", (f) => f.bob);

    describe("when called by someone other than the payee", () => {
      for (const who of ["relayer", "alice"] as const) {
        it(`reverts with ERC20InvalidReceiver(payee) for the ${who}`, async () => {
          const f = await loadFixture(deployFundedCommunityFixture);
          const args = await signAuthorization(
            f.token,
            f.alice,
            "ReceiveWithAuthorization",
            await authorization(f.alice, f.bob, KC(3)),
          );
          await expect(f.token.connect(f[who]).receiveWithAuthorization(...args))
            .to.be.revertedWithCustomError(f.token, "ERC20InvalidReceiver")
            .withArgs(f.bob.address);
        });
      }
    });

    describe("when the payee, who submits it, is blocked", () => {
      // The caller is the payee: it is screened once, as the recipient, never as a third-party operator.
      it("reverts with ComplianceRecipientFrozen(payee) when the payee is frozen", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const args = await signAuthorization(
          f.token,
          f.alice,
          "ReceiveWithAuthorization",
          await authorization(f.alice, f.bob, KC(3)),
        );
        await f.registry.connect(f.officer).freeze(f.bob.address, REASON);
        await expect(f.token.connect(f.bob).receiveWithAuthorization(...args))
          .to.be.revertedWithCustomError(f.registry, "ComplianceRecipientFrozen")
          .withArgs(f.bob.address);
      });

      it("reverts with ComplianceRecipientSanctioned(payee) when the payee is sanctioned", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const args = await signAuthorization(
          f.token,
          f.alice,
          "ReceiveWithAuthorization",
          await authorization(f.alice, f.bob, KC(3)),
        );
        await f.sanctions.connect(f.officer).addToSanctionsList([f.bob.address]);
        await expect(f.token.connect(f.bob).receiveWithAuthorization(...args))
          .to.be.revertedWithCustomError(f.registry, "ComplianceRecipientSanctioned")
          .withArgs(f.bob.address);
      });
    });
  });

  describe("cancelAuthorization", () => {
    async function signCancel(f: Funded, signer: HardhatEthersSigner, nonce: string) {
      return signTyped(signer, f.token, "CancelAuthorization", { authorizer: f.alice.address, nonce });
    }

    describe("when the authorizer signed it", () => {
      it("uses the nonce and emits AuthorizationCanceled", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const nonce = randomNonce();
        const { v, r, s } = await signCancel(f, f.alice, nonce);
        expect(await f.token.authorizationState(f.alice.address, nonce)).to.equal(false);
        await expect(f.token.connect(f.relayer).cancelAuthorization(f.alice.address, nonce, v, r, s))
          .to.emit(f.token, "AuthorizationCanceled")
          .withArgs(f.alice.address, nonce);
        expect(await f.token.authorizationState(f.alice.address, nonce)).to.equal(true);
      });
    });

    describe("when someone else signed it", () => {
      it("reverts with ERC3009InvalidSignature", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const nonce = randomNonce();
        const { v, r, s } = await signCancel(f, f.bob, nonce);
        await expect(f.token.connect(f.relayer).cancelAuthorization(f.alice.address, nonce, v, r, s))
          .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
          .withArgs();
      });
    });

    describe("when the nonce was used already", () => {
      it("reverts with ERC3009UsedAuthorization after a signed transfer used it", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const auth = await authorization(f.alice, f.bob, KC(1));
        await f.token
          .connect(f.relayer)
          .transferWithAuthorization(...(await signAuthorization(f.token, f.alice, "TransferWithAuthorization", auth)));
        const { v, r, s } = await signCancel(f, f.alice, auth.nonce);
        await expect(f.token.connect(f.relayer).cancelAuthorization(f.alice.address, auth.nonce, v, r, s))
          .to.be.revertedWithCustomError(f.token, "ERC3009UsedAuthorization")
          .withArgs(f.alice.address, auth.nonce);
      });

      it("reverts with ERC3009UsedAuthorization when cancelled twice", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const nonce = randomNonce();
        const { v, r, s } = await signCancel(f, f.alice, nonce);
        await f.token.connect(f.relayer).cancelAuthorization(f.alice.address, nonce, v, r, s);
        await expect(f.token.connect(f.relayer).cancelAuthorization(f.alice.address, nonce, v, r, s))
          .to.be.revertedWithCustomError(f.token, "ERC3009UsedAuthorization")
          .withArgs(f.alice.address, nonce);
      });
    });
  });

  describe("delegate", () => {
    describe("when a holder delegates to itself", () => {
      it("emits DelegateChanged and DelegateVotesChanged and gives it votes", async () => {
        const { token, alice } = await loadFixture(deployFundedCommunityFixture);
        const tx = token.connect(alice).delegate(alice.address);
        await expect(tx).to.emit(token, "DelegateChanged").withArgs(alice.address, ethers.ZeroAddress, alice.address);
        await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(alice.address, 0, KC(10_000));
        expect(await token.getVotes(alice.address)).to.equal(KC(10_000));
      });
    });

    describe("when a holder moves its delegation", () => {
      it("moves the votes from the old delegate to the new one", async () => {
        const { token, alice, bob } = await loadFixture(deployDelegatedFixture);
        const tx = token.connect(alice).delegate(bob.address);
        await expect(tx).to.emit(token, "DelegateChanged").withArgs(alice.address, alice.address, bob.address);
        await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(alice.address, KC(10_000), 0);
        await expect(tx).to.emit(token, "DelegateVotesChanged").withArgs(bob.address, KC(10_000), KC(20_000));
      });
    });

    describe("when the holder is frozen", () => {
      it("reverts with CommunityTokenDelegationBlocked(holder, SenderFrozen), keeping the delegation", async () => {
        const { token, registry, officer, alice, bob } = await loadFixture(deployDelegatedFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(token.connect(alice).delegate(bob.address))
          .to.be.revertedWithCustomError(token, "CommunityTokenDelegationBlocked")
          .withArgs(alice.address, Verdict.SenderFrozen);
        // the votes it had delegated stay where they were
        expect(await token.delegates(alice.address)).to.equal(alice.address);
        expect(await token.getVotes(alice.address)).to.equal(KC(10_000));
        expect(await token.getVotes(bob.address)).to.equal(KC(10_000));
      });

      it("lets the holder delegate again once unfrozen", async () => {
        const { token, registry, officer, alice, bob } = await loadFixture(deployDelegatedFixture);
        await registry.connect(officer).freeze(alice.address, REASON);
        await registry.connect(officer).unfreeze(alice.address, REASON);
        await expect(token.connect(alice).delegate(bob.address))
          .to.emit(token, "DelegateChanged")
          .withArgs(alice.address, alice.address, bob.address);
        expect(await token.getVotes(bob.address)).to.equal(KC(20_000));
      });
    });

    describe("when the holder is sanctioned", () => {
      it("reverts with CommunityTokenDelegationBlocked(holder, SenderSanctioned)", async () => {
        const { token, sanctions, officer, alice } = await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await expect(token.connect(alice).delegate(alice.address))
          .to.be.revertedWithCustomError(token, "CommunityTokenDelegationBlocked")
          .withArgs(alice.address, Verdict.SenderSanctioned);
        expect(await token.delegates(alice.address)).to.equal(ethers.ZeroAddress);
      });

      it("reports SenderFrozen when the holder is frozen as well", async () => {
        const { token, registry, sanctions, officer, alice } = await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await registry.connect(officer).freeze(alice.address, REASON);
        await expect(token.connect(alice).delegate(alice.address))
          .to.be.revertedWithCustomError(token, "CommunityTokenDelegationBlocked")
          .withArgs(alice.address, Verdict.SenderFrozen);
      });

      it("lets the holder delegate once delisted", async () => {
        const { token, sanctions, officer, alice } = await loadFixture(deployFundedCommunityFixture);
        await sanctions.connect(officer).addToSanctionsList([alice.address]);
        await sanctions.connect(officer).removeFromSanctionsList([alice.address]);
        await expect(token.connect(alice).delegate(alice.address))
          .to.emit(token, "DelegateChanged")
          .withArgs(alice.address, ethers.ZeroAddress, alice.address);
      });
    });

    describe("when only the delegatee is frozen or sanctioned", () => {
      // Only the account whose votes move is screened.
      it("delegates to it", async () => {
        const { token, registry, sanctions, officer, alice, bob, carol } =
          await loadFixture(deployFundedCommunityFixture);
        await registry.connect(officer).freeze(bob.address, REASON);
        await sanctions.connect(officer).addToSanctionsList([carol.address]);
        await token.connect(alice).delegate(bob.address);
        expect(await token.getVotes(bob.address)).to.equal(KC(10_000));
        await token.connect(alice).delegate(carol.address);
        expect(await token.getVotes(carol.address)).to.equal(KC(10_000));
      });
    });

    describe("when the token is paused", () => {
      it("still lets a clean holder delegate", async () => {
        const { token, pauser, alice } = await loadFixture(deployFundedCommunityFixture);
        await token.connect(pauser).pause();
        await expect(token.connect(alice).delegate(alice.address))
          .to.emit(token, "DelegateVotesChanged")
          .withArgs(alice.address, 0, KC(10_000));
      });
    });

    describe("when tokens are minted to a delegating holder", () => {
      it("adds the votes to its delegate", async () => {
        const { token, minter, alice } = await loadFixture(deployDelegatedFixture);
        await expect(token.connect(minter).mint(alice.address, KC(5), ref("more")))
          .to.emit(token, "DelegateVotesChanged")
          .withArgs(alice.address, KC(10_000), KC(10_005));
      });
    });
  });

  describe("delegateBySig", () => {
    async function signDelegation(f: Funded, delegatee: string, nonce: bigint, expiry: bigint) {
      return signTyped(f.alice, f.token, "Delegation", { delegatee, nonce, expiry });
    }

    describe("when the signature is valid", () => {
      it("delegates for the signer, emits DelegateChanged and DelegateVotesChanged, and uses the nonce", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const expiry = BigInt(await time.latest()) + BigInt(HOUR);
        const { v, r, s } = await signDelegation(f, f.bob.address, 0n, expiry);
        const tx = f.token.connect(f.relayer).delegateBySig(f.bob.address, 0, expiry, v, r, s);
        await expect(tx)
          .to.emit(f.token, "DelegateChanged")
          .withArgs(f.alice.address, ethers.ZeroAddress, f.bob.address);
        await expect(tx).to.emit(f.token, "DelegateVotesChanged").withArgs(f.bob.address, 0, KC(10_000));
        expect(await f.token.delegates(f.alice.address)).to.equal(f.bob.address);
        expect(await f.token.nonces(f.alice.address)).to.equal(1);
      });
    });

    describe("when the signer is frozen or sanctioned", () => {
      const blocks: [what: string, block: (f: Funded) => Promise<unknown>, verdict: Verdict][] = [
        ["frozen", (f) => f.registry.connect(f.officer).freeze(f.alice.address, REASON), Verdict.SenderFrozen],
        [
          "sanctioned",
          (f) => f.sanctions.connect(f.officer).addToSanctionsList([f.alice.address]),
          Verdict.SenderSanctioned,
        ],
      ];
      for (const [what, block, verdict] of blocks) {
        it(`reverts with CommunityTokenDelegationBlocked(signer, ${Verdict[verdict]}) when ${what}, leaving the nonce unused`, async () => {
          const f = await loadFixture(deployFundedCommunityFixture);
          const expiry = BigInt(await time.latest()) + BigInt(HOUR);
          const { v, r, s } = await signDelegation(f, f.bob.address, 0n, expiry);
          await block(f);
          await expect(f.token.connect(f.relayer).delegateBySig(f.bob.address, 0, expiry, v, r, s))
            .to.be.revertedWithCustomError(f.token, "CommunityTokenDelegationBlocked")
            .withArgs(f.alice.address, verdict);
          expect(await f.token.nonces(f.alice.address)).to.equal(0);
          expect(await f.token.delegates(f.alice.address)).to.equal(ethers.ZeroAddress);
        });
      }
    });

    describe("when the relayer that submits it is frozen", () => {
      it("delegates for the signer: the submitter is not screened", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const expiry = BigInt(await time.latest()) + BigInt(HOUR);
        const { v, r, s } = await signDelegation(f, f.bob.address, 0n, expiry);
        await f.registry.connect(f.officer).freeze(f.relayer.address, REASON);
        await f.token.connect(f.relayer).delegateBySig(f.bob.address, 0, expiry, v, r, s);
        expect(await f.token.delegates(f.alice.address)).to.equal(f.bob.address);
      });
    });

    describe("when it has expired", () => {
      it("reverts with VotesExpiredSignature", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const expiry = BigInt(await time.latest()) - 1n;
        const { v, r, s } = await signDelegation(f, f.bob.address, 0n, expiry);
        await expect(f.token.delegateBySig(f.bob.address, 0, expiry, v, r, s))
          .to.be.revertedWithCustomError(f.token, "VotesExpiredSignature")
          .withArgs(expiry);
      });
    });

    describe("when the nonce is not the signer's current one", () => {
      it("reverts a replay with InvalidAccountNonce", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const expiry = BigInt(await time.latest()) + BigInt(HOUR);
        const { v, r, s } = await signDelegation(f, f.bob.address, 0n, expiry);
        await f.token.delegateBySig(f.bob.address, 0, expiry, v, r, s);
        await expect(f.token.delegateBySig(f.bob.address, 0, expiry, v, r, s))
          .to.be.revertedWithCustomError(f.token, "InvalidAccountNonce")
          .withArgs(f.alice.address, 1);
      });

      it("reverts with InvalidAccountNonce once a permit used the nonce (they share one counter)", async () => {
        const f = await loadFixture(deployFundedCommunityFixture);
        const deadline = BigInt(await time.latest()) + BigInt(HOUR);
        const permit = { owner: f.alice.address, spender: f.relayer.address, value: 1n, nonce: 0n, deadline };
        const p = await signTyped(f.alice, f.token, "Permit", permit);
        await f.token.permit(f.alice.address, f.relayer.address, 1n, deadline, p.v, p.r, p.s);
        const { v, r, s } = await signDelegation(f, f.bob.address, 0n, deadline);
        await expect(f.token.delegateBySig(f.bob.address, 0, deadline, v, r, s))
          .to.be.revertedWithCustomError(f.token, "InvalidAccountNonce")
          .withArgs(f.alice.address, 1);
      });
    });
  });

  describe("clock", () => {
    it("is the latest block's timestamp", async () => {
      const { token } = await loadFixture(deployCommunityFixture);
      await time.increase(1_000);
      expect(await token.clock()).to.equal(await time.latest());
    });

    it('has CLOCK_MODE "mode=timestamp"', async () => {
      const { token } = await loadFixture(deployCommunityFixture);
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
    });
  });

  describe("getPastVotes", () => {
    describe("when asked about a past timestamp", () => {
      it("returns the snapshot, unchanged by later transfers", async () => {
        const { token, alice, bob } = await loadFixture(deployDelegatedFixture);
        await time.increase(HOUR);
        const snapshot = await time.latest();
        await token.connect(alice).transfer(bob.address, KC(1_000));
        const afterTransfer = await time.latest();
        await mine();
        expect(await token.getPastVotes(alice.address, snapshot)).to.equal(KC(10_000));
        expect(await token.getPastVotes(bob.address, snapshot)).to.equal(KC(10_000));
        expect(await token.getPastVotes(alice.address, afterTransfer)).to.equal(KC(9_000));
        expect(await token.getPastVotes(bob.address, afterTransfer)).to.equal(KC(11_000));
        expect(await token.getVotes(alice.address)).to.equal(KC(9_000));
      });

      it("keeps the total supply snapshot across a redemption", async () => {
        const { token, alice } = await loadFixture(deployDelegatedFixture);
        const snapshot = await time.latest();
        const supply = await token.totalSupply();
        await token.connect(alice).redeem(KC(1_000), ref("payout-1"));
        expect(await token.getPastTotalSupply(snapshot)).to.equal(supply);
        expect(await token.totalSupply()).to.equal(supply - KC(1_000));
      });
    });

    describe("when asked about the current or a future timestamp", () => {
      it("reverts with ERC5805FutureLookup", async () => {
        const { token, alice } = await loadFixture(deployDelegatedFixture);
        const now = await time.latest();
        await expect(token.getPastVotes(alice.address, now + 10))
          .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
          .withArgs(now + 10, now);
      });
    });
  });
});

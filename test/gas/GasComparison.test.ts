/**
 * The operations of the gas table, on CommunityToken (an ERC-1167 clone, compliance on) and on a plain
 * OpenZeppelin ERC20 + Permit + Votes token, under the same conditions: same balances, same delegation state,
 * warm accounts, non-zero balances on both sides. `npm run gas` runs this file with hardhat-gas-reporter on.
 * The assertions check behaviour (balances, votes, nonces); the gas figures are measured, not asserted.
 */
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { signTransferAuthorization, signTyped } from "../../scripts/lib/signing";
import type { PlainVotesToken } from "../../typechain-types";
import { deployFundedCommunityFixture, KC } from "../shared/fixtures";

async function gasComparisonFixture() {
  const f = await deployFundedCommunityFixture();
  const plain = (await ethers.deployContract("PlainVotesToken")) as unknown as PlainVotesToken;
  await plain.mint(f.alice.address, KC(10_000));
  await plain.mint(f.bob.address, KC(10_000));
  // Open alice's daily window on the KC token, so both tokens start from "sent before today" state.
  await f.token.connect(f.alice).transfer(f.bob.address, KC(1));
  await plain.connect(f.alice).transfer(f.bob.address, KC(1));
  return { ...f, plain };
}

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

describe("Gas: CommunityToken next to a plain OpenZeppelin ERC20Votes token", () => {
  const figures: Record<string, { kc: bigint; plain: bigint }> = {};
  after(() => {
    console.log("\n    operation                          KC gas   plain gas   ratio");
    for (const [op, { kc, plain }] of Object.entries(figures)) {
      const ratio = Number((kc * 1000n) / plain) / 1000;
      console.log(
        `    ${op.padEnd(34)} ${String(kc).padStart(7)}   ${String(plain).padStart(9)}   ${ratio.toFixed(2)}x`,
      );
    }
  });

  for (const delegated of [false, true]) {
    describe(delegated ? "when sender and recipient have delegated" : "when nobody has delegated", () => {
      async function fixture() {
        const f = await loadFixture(gasComparisonFixture);
        if (delegated) {
          for (const t of [f.token, f.plain] as const) {
            await t.connect(f.alice).delegate(f.alice.address);
            await t.connect(f.bob).delegate(f.bob.address);
          }
        }
        return f;
      }
      const label = (op: string) => `${op}${delegated ? " (delegated)" : ""}`;

      it("transfer", async () => {
        const { token, plain, alice, bob } = await fixture();
        const kc = await gasOf(token.connect(alice).transfer(bob.address, KC(5)));
        const base = await gasOf(plain.connect(alice).transfer(bob.address, KC(5)));
        expect(await token.balanceOf(bob.address)).to.equal(await plain.balanceOf(bob.address));
        if (delegated) expect(await token.getVotes(bob.address)).to.equal(await plain.getVotes(bob.address));
        figures[label("transfer")] = { kc, plain: base };
      });

      it("transferWithAuthorization (KC) next to transfer (plain)", async () => {
        const { token, plain, alice, bob, relayer } = await fixture();
        const now = (await ethers.provider.getBlock("latest"))!.timestamp;
        const message = {
          from: alice.address,
          to: bob.address,
          value: KC(5),
          validAfter: 0,
          validBefore: now + 3600,
          nonce: ethers.id("gas"),
        };
        const { args } = await signTransferAuthorization(alice, token, message);
        const kc = await gasOf(token.connect(relayer).transferWithAuthorization(...args));
        const base = await gasOf(plain.connect(alice).transfer(bob.address, KC(5)));
        expect(await token.authorizationState(alice.address, message.nonce)).to.equal(true);
        expect(await token.balanceOf(bob.address)).to.equal(await plain.balanceOf(bob.address));
        figures[label("transferWithAuthorization")] = { kc, plain: base };
      });

      if (!delegated) {
        it("permit", async () => {
          const { token, plain, alice, relayer } = await fixture();
          const deadline = (await ethers.provider.getBlock("latest"))!.timestamp + 3600;
          const permitGas = async (t: typeof token | typeof plain) => {
            const message = {
              owner: alice.address,
              spender: relayer.address,
              value: KC(50),
              nonce: await t.nonces(alice.address),
              deadline,
            };
            const sig = await signTyped(alice, t, "Permit", message);
            return gasOf(
              t.connect(relayer).permit(alice.address, relayer.address, KC(50), deadline, sig.v, sig.r, sig.s),
            );
          };
          const kc = await permitGas(token);
          const base = await permitGas(plain);
          expect(await token.allowance(alice.address, relayer.address)).to.equal(KC(50));
          expect(await plain.allowance(alice.address, relayer.address)).to.equal(KC(50));
          figures.permit = { kc, plain: base };
        });

        it("delegate", async () => {
          const { token, plain, alice } = await fixture();
          const kc = await gasOf(token.connect(alice).delegate(alice.address));
          const base = await gasOf(plain.connect(alice).delegate(alice.address));
          expect(await token.getVotes(alice.address)).to.equal(await plain.getVotes(alice.address));
          figures.delegate = { kc, plain: base };
        });
      }
    });
  }
});

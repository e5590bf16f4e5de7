/**
 * Seeded, realistic activity for one or more KC communities: KYC, deposits and mints, transfers, point-of-sale
 * signed transfers submitted by a terminal, redemptions, delegation, compliance actions, and blocked attempts
 * (frozen sender, over-limit send, sanctioned recipient) that land on chain as reverted transactions.
 *   npx hardhat run --network localhost scripts/simulate.ts
 * Env: SIM_SEED (1), SIM_ACCOUNTS (60, at least 8), SIM_TXS (500: transactions after setup),
 *      SIM_SUMMARY_FILE (write the summary as JSON), DEPLOYMENT_FILE.
 */
import fs from "node:fs";
import hre, { ethers } from "hardhat";
import type { HDNodeWallet, TransactionResponse } from "ethers";
import type { CommunityToken, ComplianceRegistry, SanctionsList } from "../typechain-types";
import { readDeployment } from "./lib/deployment";

const KC = (n: number) => ethers.parseEther(n.toFixed(2));

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

/** mulberry32: a small, fast, seedable PRNG, so the same seed gives the same history. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    bytes32: () => ethers.hexlify(Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256))),
  };
}

interface Member {
  wallet: HDNodeWallet;
  tier: number;
  frozen: boolean;
}

type Kind =
  "transfer" | "signedTransfer" | "redeem" | "mint" | "delegate" | "tierChange" | "freeze" | "unfreeze" | "blocked";

async function main() {
  const seed = envInt("SIM_SEED", 1, 0);
  const accountCount = envInt("SIM_ACCOUNTS", 60, 8);
  const txCount = envInt("SIM_TXS", 500, 1);
  const deployment = readDeployment(hre.network.name);
  const [admin, minter, , verifier, officer, terminal] = await ethers.getSigners();
  if (!admin || !minter || !verifier || !officer || !terminal) throw new Error("the network needs 6 signers");
  const r = rng(seed);
  const runTag = `${seed}:${await ethers.provider.getBlockNumber()}`;
  const counts: Record<string, number> = {};
  const blocked: Record<string, number> = {};
  const count = (kind: Kind | "setup") => (counts[kind] = (counts[kind] ?? 0) + 1);

  /** Sends and waits; a revert here is a bug in the simulation's model, so it stops the run. */
  const send = async (pending: Promise<TransactionResponse>) => {
    const tx = await pending;
    const receipt = await tx.wait();
    if (receipt?.status !== 1) throw new Error(`transaction ${tx.hash} reverted`);
    return receipt;
  };

  const sanctions = (await ethers.getContractAt(
    "SanctionsList",
    deployment.sanctionsList.address,
    officer,
  )) as unknown as SanctionsList;

  for (const community of deployment.communities) {
    const token = (await ethers.getContractAt("CommunityToken", community.token)) as unknown as CommunityToken;
    const registry = (await ethers.getContractAt(
      "ComplianceRegistry",
      community.complianceRegistry,
    )) as unknown as ComplianceRegistry;
    const domain = await token.eip712Domain();
    const typedDomain = {
      name: domain.name,
      version: domain.version,
      chainId: domain.chainId,
      verifyingContract: domain.verifyingContract,
    };
    // the same accounts on every run and in every community: a fixed HD seed
    const root = ethers.HDNodeWallet.fromSeed(ethers.id("katy-coin simulation")).derivePath("m/44'/60'/0'/0");

    // ---- setup: gas money, KYC tiers, opening deposits, self-delegation
    const members: Member[] = [];
    for (let i = 0; i < accountCount; i++) {
      const wallet = root.deriveChild(i).connect(ethers.provider);
      const roll = r.next();
      members.push({
        wallet,
        tier: roll < 0.2 ? 0 : roll < 0.9 ? 1 : 2,
        frozen: await registry.isFrozen(wallet.address),
      });
    }
    for (const m of members) {
      if ((await ethers.provider.getBalance(m.wallet.address)) < ethers.parseEther("0.5")) {
        await send(admin.sendTransaction({ to: m.wallet.address, value: ethers.parseEther("1") }));
      }
      if ((await registry.tierOf(m.wallet.address)) !== BigInt(m.tier)) {
        await send(registry.connect(verifier).setTier(m.wallet.address, m.tier));
        count("setup");
      }
      if (m.frozen) continue; // frozen by an earlier run on this chain: it may not receive
      const opening = m.tier === 0 ? r.int(200, 900) : m.tier === 1 ? r.int(1_000, 20_000) : r.int(20_000, 100_000);
      await send(
        token
          .connect(minter)
          .mint(m.wallet.address, KC(opening), ethers.id(`deposit:${community.id}:${runTag}:open:${m.wallet.address}`)),
      );
      count("setup");
      if (r.next() < 0.6) {
        await send(token.connect(m.wallet).delegate(m.wallet.address));
        count("setup");
      }
    }
    const sanctionedPayee = ethers.getAddress(r.bytes32().slice(0, 42));
    await send(sanctions.addToSanctionsList([sanctionedPayee]));

    // ---- activity
    const liquid = () => members.filter((m) => !m.frozen);
    const balanceOf = async (m: Member) => token.balanceOf(m.wallet.address);
    /** A payment size that fits the payer's balance and what its tier still allows today. */
    const affordable = async (m: Member) => {
      const [balance, [spent], limit] = await Promise.all([
        balanceOf(m),
        registry.spentToday(m.wallet.address),
        registry.dailyLimit(m.tier),
      ]);
      const room = limit - spent;
      const cap = balance < room ? balance : room;
      const amount = KC(r.int(1, m.tier === 0 ? 150 : 900) + r.int(0, 99) / 100);
      return amount <= cap ? amount : cap / 2n;
    };

    for (let n = 0; n < txCount; n++) {
      if (n > 0 && n % 50 === 0) {
        // three hours pass between bursts, so daily windows and daily series have something to show
        await ethers.provider.send("evm_increaseTime", [3 * 3600]);
        await ethers.provider.send("evm_mine", []);
      }
      const roll = r.next();
      const payer = r.pick(liquid());
      let payee = r.pick(members);
      while (payee === payer) payee = r.pick(members);

      if (roll < 0.05) {
        await blockedAttempt();
        continue;
      }
      if (roll < 0.1) {
        await send(
          token
            .connect(minter)
            .mint(payer.wallet.address, KC(r.int(100, 5_000)), ethers.id(`deposit:${community.id}:${runTag}:${n}`)),
        );
        count("mint");
        continue;
      }
      if (roll < 0.13) {
        await send(token.connect(payer.wallet).delegate(r.next() < 0.7 ? payer.wallet.address : payee.wallet.address));
        count("delegate");
        continue;
      }
      if (roll < 0.15) {
        await complianceAction();
        continue;
      }
      const amount = await affordable(payer);
      if (amount === 0n) {
        await send(
          token
            .connect(minter)
            .mint(payer.wallet.address, KC(500), ethers.id(`deposit:${community.id}:${runTag}:${n}`)),
        );
        count("mint");
        continue;
      }
      if (payee.frozen) payee = r.pick(liquid().filter((m) => m !== payer));
      if (roll < 0.2) {
        await send(token.connect(payer.wallet).redeem(amount, ethers.id(`payout:${community.id}:${runTag}:${n}`)));
        count("redeem");
      } else if (roll < 0.38) {
        await signedTransfer(payer, payee.wallet.address, amount);
        count("signedTransfer");
      } else {
        await send(token.connect(payer.wallet).transfer(payee.wallet.address, amount));
        count("transfer");
      }
    }

    async function signedTransfer(payer: Member, to: string, value: bigint) {
      const now = (await ethers.provider.getBlock("latest"))!.timestamp;
      const message = {
        from: payer.wallet.address,
        to,
        value,
        validAfter: now - 60,
        validBefore: now + 3600,
        nonce: r.bytes32(),
      };
      const signature = ethers.Signature.from(
        await payer.wallet.signTypedData(
          typedDomain,
          {
            TransferWithAuthorization: [
              { name: "from", type: "address" },
              { name: "to", type: "address" },
              { name: "value", type: "uint256" },
              { name: "validAfter", type: "uint256" },
              { name: "validBefore", type: "uint256" },
              { name: "nonce", type: "bytes32" },
            ],
          },
          message,
        ),
      );
      await send(
        token
          .connect(terminal)
          .transferWithAuthorization(
            message.from,
            message.to,
            message.value,
            message.validAfter,
            message.validBefore,
            message.nonce,
            signature.v,
            signature.r,
            signature.s,
          ),
      );
    }

    async function complianceAction() {
      const frozen = members.filter((m) => m.frozen);
      const roll = r.next();
      if (frozen.length > 0 && roll < 0.4) {
        const m = r.pick(frozen);
        await send(registry.connect(officer).unfreeze(m.wallet.address, ethers.encodeBytes32String("REVIEW_CLEARED")));
        m.frozen = false;
        count("unfreeze");
      } else if (roll < 0.7 && frozen.length < 4) {
        const m = r.pick(liquid());
        await send(
          registry
            .connect(officer)
            .freeze(
              m.wallet.address,
              ethers.encodeBytes32String(r.pick(["SUSPICIOUS_ACTIVITY", "COURT_ORDER", "LOST_KEY"])),
            ),
        );
        m.frozen = true;
        count("freeze");
      } else {
        const m = r.pick(members.filter((x) => x.tier < 2));
        m.tier += 1;
        await send(registry.connect(verifier).setTier(m.wallet.address, m.tier));
        count("tierChange");
      }
    }

    /** An attempt the compliance rules must stop: checked with a call first, then sent so it lands as a revert. */
    async function blockedAttempt() {
      let from: Member;
      let to: string;
      let amount: bigint;
      const frozen = members.filter((m) => m.frozen);
      const roll = r.next();
      if (frozen.length > 0 && roll < 0.34) {
        from = r.pick(frozen);
        to = r.pick(liquid()).wallet.address;
        amount = KC(10);
      } else if (roll < 0.67) {
        from = r.pick(liquid());
        to = sanctionedPayee;
        amount = KC(5);
      } else {
        from = r.pick(liquid().filter((m) => m.tier < 2));
        to = r.pick(liquid()).wallet.address;
        const [spent] = await registry.spentToday(from.wallet.address);
        amount = (await registry.dailyLimit(from.tier)) - spent + KC(1);
        const balance = await balanceOf(from);
        if (balance < amount) {
          await send(
            token
              .connect(minter)
              .mint(
                from.wallet.address,
                amount - balance,
                ethers.id(`deposit:${community.id}:${runTag}:topup:${counts.blocked ?? 0}`),
              ),
          );
          count("mint");
        }
      }
      const [allowed, verdict] = await token.canTransfer(from.wallet.address, to, amount);
      if (allowed) throw new Error(`expected a blocked transfer from ${from.wallet.address}, registry allows it`);
      // Hardhat's automine mines a reverting transaction but answers the send with an error, so sign it
      // ourselves, keep its hash, and read the receipt.
      const raw = await from.wallet.signTransaction(
        await from.wallet.populateTransaction({
          to: community.token,
          data: token.interface.encodeFunctionData("transfer", [to, amount]),
          gasLimit: 300_000,
        }),
      );
      await ethers.provider.send("eth_sendRawTransaction", [raw]).catch(() => undefined);
      const hash = ethers.keccak256(raw);
      const receipt = await ethers.provider.getTransactionReceipt(hash);
      if (receipt?.status !== 0) throw new Error(`blocked attempt ${hash} did not land as a revert`);
      const reason =
        [
          "Allowed",
          "TokenPaused",
          "InsufficientBalance",
          "SenderFrozen",
          "RecipientFrozen",
          "SenderSanctioned",
          "RecipientSanctioned",
          "DailyLimitExceeded",
        ][Number(verdict)] ?? `verdict ${verdict}`;
      blocked[reason] = (blocked[reason] ?? 0) + 1;
      count("blocked");
    }

    console.log(
      `community ${community.id}: ${members.length} accounts, supply ${ethers.formatEther(await token.totalSupply())} ${community.symbol}`,
    );
  }

  const summary = {
    seed,
    accounts: accountCount,
    transactions: Object.values(counts).reduce((a, b) => a + b, 0),
    counts,
    blocked,
  };
  console.log(`simulation (seed ${seed}): ${summary.transactions} transactions`);
  for (const [kind, n] of Object.entries(counts)) console.log(`  ${kind.padEnd(15)} ${n}`);
  for (const [reason, n] of Object.entries(blocked)) console.log(`  blocked: ${reason.padEnd(22)} ${n}`);
  if (process.env.SIM_SUMMARY_FILE) fs.writeFileSync(process.env.SIM_SUMMARY_FILE, JSON.stringify(summary, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

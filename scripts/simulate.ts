/**
 * Seeded, realistic activity in every community of the deployment: KYC, deposits and mints, transfers,
 * point-of-sale signed transfers submitted by a terminal, redemptions, delegation, compliance actions, and blocked
 * attempts (frozen sender, over-limit send, sanctioned recipient) that land on chain as reverted transactions.
 * Then governance in every community, end to end (propose, vote, queue, execute): each joins the bridge and the
 * federation (its pools, the router and the mutual-aid fund become exempt system accounts, it accepts the
 * federation's current charter and delegates its federation seat to its representative; the PaymentRouter and its
 * LoyaltyProgram become exempt too), the second also
 * contributes from its treasury to the mutual-aid fund, and the first raises its tier-0 daily limit. Then commerce:
 * merchants (KYC tier 2, registered and verified in the MerchantRegistry) with loyalty programs, signed
 * point-of-sale payments (PaymentIntent + permit or ERC-3009 authorization, a KC part and a fiat part) submitted by
 * a terminal over several days, refunds, a suspension, reward claims. Then the
 * bridge: a business provides liquidity, reporters refresh the rates, and people pay across borders (direct and
 * two-hop swaps, some at or above the travel-rule threshold). Then the federation, end to end, its representatives
 * voting: it admits a new community (Ottawa, CA/CAD), which its launcher then launches through the Federation; it
 * grants mutual aid to a member (after a business contributes to the fund) and caps emergency grants, under which
 * the emergency committee then grants without a vote; and it raises the mutual-aid rate. Last, B2B trade and the
 * supply chain: orders in the TradeEscrow (released, disputed and split by the arbiter, refunded after the delivery
 * deadline, one cross-border from Katy to Monterrey through the bridge, some left open), a merchant's profit-sharing
 * scheme with three employees (revenue deposits, claims), and product batches with producers and carriers
 * registered by the verifier, origin attestations (one revoked), checkpoints and assessments by the officer; then the
 * reporters refresh the rates, so the run ends with fresh rates.
 *   npx hardhat run --network localhost scripts/simulate.ts
 * Env: SIM_SEED (1), SIM_ACCOUNTS (60, at least 8), SIM_TXS (500: activity after setup, shared among the
 *      communities), SIM_PROPOSAL (1; 0 skips the limit proposal), SIM_SWAPS (40 cross-border swaps),
 *      SIM_FEDERATION (1; 0 skips the federation's proposals), SIM_PAYMENTS (60 point-of-sale payments; 0 skips
 *      commerce), SIM_TRADE (1; 0 skips B2B escrow, profit sharing and the supply chain), SIM_SUMMARY_FILE (the
 *      summary as JSON),
 *      DEPLOYMENT_FILE, COMMUNITIES_FILE (config/communities.json: the new community's governance defaults).
 * Local signers: 0 funds the simulated accounts, 1 minter, 3 verifier, 4 compliance officer, 5 terminal (and the
 * emergency committee of the deploy script; also the point-of-sale terminal), 9 a business (liquidity, mutual-aid
 * contribution), 14 the new community's launcher; the reporters and representatives are the deployment's. The
 * merchants are HD wallets of their own (funded by signer 0), three per founding community, and a pending newcomer;
 * so are the trading businesses, employees, producers and carriers. The compliance officer (signer 4) is every
 * founding community's arbiter (ARBITER_ROLE) and assessor (ASSESSOR_ROLE), granted by the join proposals.
 */
import fs from "node:fs";
import path from "node:path";
import hre, { ethers } from "hardhat";
import type { HDNodeWallet, TransactionResponse } from "ethers";
import type {
  BridgePool,
  LoyaltyProgram,
  MerchantRegistry,
  PaymentRouter,
  ProfitSharing,
  SupplyChainRegistry,
  TradeEscrow,
  BridgeRouter,
  CommunityGovernor,
  CommunityToken,
  ComplianceRegistry,
  Federation,
  FederationGovernor,
  FederationSeats,
  FxOracle,
  MutualAidFund,
  SanctionsList,
} from "../typechain-types";
import { reportRates } from "./lib/bridge";
import { readCommunitiesFile, toLaunchConfig } from "./lib/communityConfig";
import { launchThroughFederation } from "./lib/launch";
import { type DeployedCommunity, readDeployment } from "./lib/deployment";
import { domainOf, signTransferAuthorization, transferAuthorization } from "./lib/signing";
import { verdictName } from "./lib/verdicts";
import {
  ARBITER_ROLE,
  ASSESSOR_ROLE,
  invoiceIdOf,
  type PaymentIntent,
  processorRefOf,
  signPaymentWithAuthorization,
  signPaymentWithPermit,
} from "./lib/business";

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
  | "transfer"
  | "watchedTransfer"
  | "signedTransfer"
  | "redeem"
  | "mint"
  | "delegate"
  | "tierChange"
  | "freeze"
  | "unfreeze"
  | "blocked"
  | "governance"
  | "rateReport"
  | "liquidity"
  | "swap"
  | "routedSwap"
  | "federation"
  | "mutualAid"
  | "launch"
  | "merchant"
  | "loyalty"
  | "payment"
  | "refund"
  | "rewardClaim"
  | "escrow"
  | "profitSharing"
  | "supplyChain";

const REASONS = ["Too fast", "Good for local shops", "Need more data"];
/** Representatives' reasons in federation votes, by support (0 against, 1 for, 2 abstain). */
const FEDERATION_REASONS = [
  "Our members cannot afford it this year",
  "Our assembly voted in favour",
  "Our assembly has not decided",
];

/** The community the federation admits in the simulation: its launcher (a local signer) launches it afterwards. */
const NEW_COMMUNITY = {
  id: "ottawa",
  name: "Ottawa",
  country: "CA",
  currency: "CAD",
  locale: "en-CA",
  tokenName: "Ottawa Coin",
  tokenSymbol: "OTT",
};
const NEW_COMMUNITY_LAUNCHER = 14;
/** What the second community contributes from its treasury, a business to the fund, and what the fund grants. */
const TREASURY_CONTRIBUTION = 5_000;
const BUSINESS_CONTRIBUTION = 10_000;
const GRANT = 5_000;
const EMERGENCY_CAP = 2_000;
const EMERGENCY_GRANT = 1_500;
/** The simulation's merchants, three per founding community in order: name and category (keccak256 of a label). */
const MERCHANTS: [string, string][] = [
  ["Katy Corner Grocery", "grocery"],
  ["Old Town Coffee", "cafe"],
  ["Katy Hardware", "hardware"],
  ["Heights Bakery", "bakery"],
  ["Bayou Tacos", "restaurant"],
  ["Montrose Books", "bookshop"],
  ["Mercado San Pedro", "grocery"],
  ["Tortilleria La Regia", "bakery"],
  ["Farmacia Obispado", "pharmacy"],
  ["Kensington Market Produce", "grocery"],
  ["Queen West Cafe", "cafe"],
  ["Leslieville Repairs", "repair"],
];

interface Proposal {
  community: DeployedCommunity;
  targets: string[];
  calldatas: string[];
  description: string;
}

/** Lets `seconds` pass on the chain and mines a block at the new time. */
async function advance(seconds: number | bigint) {
  await ethers.provider.send("evm_increaseTime", [Number(seconds)]);
  await ethers.provider.send("evm_mine", []);
}

async function main() {
  const seed = envInt("SIM_SEED", 1, 0);
  const accountCount = envInt("SIM_ACCOUNTS", 60, 8);
  const txCount = envInt("SIM_TXS", 500, 1);
  const withProposal = envInt("SIM_PROPOSAL", 1, 0) > 0;
  const swapCount = envInt("SIM_SWAPS", 40, 0);
  const withFederation = envInt("SIM_FEDERATION", 1, 0) > 0;
  const paymentCount = envInt("SIM_PAYMENTS", 60, 0);
  const withTrade = envInt("SIM_TRADE", 1, 0) > 0;
  const deployment = readDeployment(hre.network.name);
  const signers = await ethers.getSigners();
  const [admin, minter, , verifier, officer, terminal, , , , lp] = signers;
  if (!admin || !minter || !verifier || !officer || !terminal || !lp) throw new Error("the network needs 10 signers");
  const liquidityProvider = lp;
  const funder = admin;
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

  // the same people in every community: a fixed HD seed gives the same accounts on every run
  const root = ethers.HDNodeWallet.fromSeed(ethers.id("katy-coin simulation")).derivePath("m/44'/60'/0'/0");
  const wallets = Array.from({ length: accountCount }, (_, i) => root.deriveChild(i).connect(ethers.provider));
  for (const wallet of wallets) {
    if ((await ethers.provider.getBalance(wallet.address)) < ethers.parseEther("0.5")) {
      await send(admin.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") }));
    }
  }

  /** The accounts that sent the patterns compliance watches for (see the end of each community's activity). */
  const watched: { community: string; account: string; transfers: number }[] = [];
  const communities = deployment.communities;
  for (const [index, community] of communities.entries()) {
    const share = Math.floor(txCount / communities.length) + (index < txCount % communities.length ? 1 : 0);
    const token = (await ethers.getContractAt("CommunityToken", community.token)) as unknown as CommunityToken;
    const registry = (await ethers.getContractAt(
      "ComplianceRegistry",
      community.complianceRegistry,
    )) as unknown as ComplianceRegistry;
    const domain = await domainOf(token);

    // ---- setup: KYC tiers, opening deposits, self-delegation
    const members: Member[] = [];
    for (const wallet of wallets) {
      const roll = r.next();
      members.push({
        wallet,
        tier: roll < 0.2 ? 0 : roll < 0.9 ? 1 : 2,
        frozen: await registry.isFrozen(wallet.address),
      });
    }
    for (const m of members) {
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
      // spent may exceed the limit: sent under a higher tier an earlier run on this chain gave the account
      const room = limit > spent ? limit - spent : 0n;
      const cap = balance < room ? balance : room;
      const amount = KC(r.int(1, m.tier === 0 ? 150 : 900) + r.int(0, 99) / 100);
      return amount <= cap ? amount : cap / 2n;
    };

    for (let n = 0; n < share; n++) {
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
      const message = transferAuthorization({ from: payer.wallet.address, to, value, nonce: r.bytes32() }, now);
      const { args } = await signTransferAuthorization(payer.wallet, domain, message);
      await send(token.connect(terminal).transferWithAuthorization(...args));
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
        const limit = await registry.dailyLimit(from.tier);
        amount = (limit > spent ? limit - spent : 0n) + KC(1);
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
      const reason = verdictName(verdict);
      blocked[reason] = (blocked[reason] ?? 0) + 1;
      count("blocked");
    }

    // ---- in the first community, one business sends in the patterns compliance watches for (indexer/src/lib/
    // alerts.ts, default thresholds): a large transfer, three just under the large threshold within a day
    // (structuring), a day's total over the daily threshold, and a burst of 20 small transfers in an hour (velocity)
    if (index === 0) {
      const business = liquid().find((m) => m.tier === 2);
      const payee = liquid().find((m) => m !== business);
      if (business && payee) {
        const pattern = [KC(12_000), KC(9_500), KC(9_600), KC(9_700), ...Array<bigint>(20).fill(KC(1))];
        const total = pattern.reduce((a, b) => a + b, 0n);
        await send(
          token
            .connect(minter)
            .mint(business.wallet.address, total, ethers.id(`deposit:${community.id}:${runTag}:watched`)),
        );
        count("mint");
        for (const amount of pattern) {
          await send(token.connect(business.wallet).transfer(payee.wallet.address, amount));
          count("watchedTransfer");
        }
        watched.push({ community: community.id, account: business.wallet.address, transfers: pattern.length });
      }
    }

    console.log(
      `community ${community.id}: ${members.length} accounts, supply ${ethers.formatEther(await token.totalSupply())} ${community.tokenSymbol}`,
    );
  }

  // ---- governance: every community joins the bridge and the federation by a proposal of its own: its pools, the
  // router and the mutual-aid fund become exempt system accounts, it accepts the federation's current charter and
  // delegates its seat to its representative. The second community also contributes from its treasury (its timelock,
  // funded against a deposit, made an exempt system account) to the mutual-aid fund. Katy's second proposal raises
  // its tier-0 daily limit.
  const { bridge } = deployment;
  const fed = deployment.federation;
  const federation = (await ethers.getContractAt("Federation", fed.federation.address)) as unknown as Federation;
  const seats = (await ethers.getContractAt("FederationSeats", fed.seats.address)) as unknown as FederationSeats;
  const fund = (await ethers.getContractAt("MutualAidFund", fed.mutualAidFund.address)) as unknown as MutualAidFund;
  const charterVersion = await federation.charterVersion();
  const contributor = communities[1] ?? communities[0];
  const proposals: Proposal[] = [];
  for (const community of communities) {
    const registry = await registryOf(community);
    const token = await tokenOf(community);
    const exempt = [
      ...bridge.pools.filter((p) => p.communities.includes(community.id)).map((p) => p.address),
      bridge.router.address,
      fed.mutualAidFund.address,
      deployment.business.paymentRouter.address,
      deployment.business.loyaltyProgram.address,
      deployment.business.tradeEscrow.address,
      deployment.business.profitSharing.address,
    ];
    const calls: [string, string][] = exempt.map((a) => [
      community.complianceRegistry,
      registry.interface.encodeFunctionData("setExempt", [a, true]),
    ]);
    // the compliance officer arbitrates B2B disputes and assesses product batches
    for (const role of [ARBITER_ROLE, ASSESSOR_ROLE]) {
      calls.push([
        community.complianceRegistry,
        registry.interface.encodeFunctionData("grantRole", [role, deployment.roles.complianceOfficer]),
      ]);
    }
    const joins = [
      `its pools, the bridge router, the mutual-aid fund, the payment router, its loyalty program, the trade escrow ` +
        `and profit sharing become exempt system accounts`,
      `its compliance officer becomes its trade arbiter and product assessor`,
    ];
    if (charterVersion > 0n) {
      calls.push([fed.federation.address, federation.interface.encodeFunctionData("acceptCharter", [charterVersion])]);
      joins.push(`it accepts the federation's charter v${charterVersion}`);
    }
    const representative = fed.representatives[community.id];
    if (representative) {
      calls.push([fed.seats.address, seats.interface.encodeFunctionData("delegate", [representative])]);
      joins.push(`its seat is delegated to ${representative}`);
    }
    if (community === contributor) {
      const amount = KC(TREASURY_CONTRIBUTION);
      await send(
        token.connect(minter).mint(community.timelock, amount, ethers.id(`deposit:${community.id}:${runTag}:treasury`)),
      );
      count("setup");
      calls.push(
        [community.complianceRegistry, registry.interface.encodeFunctionData("setExempt", [community.timelock, true])],
        [community.token, token.interface.encodeFunctionData("approve", [fed.mutualAidFund.address, amount])],
        [fed.mutualAidFund.address, fund.interface.encodeFunctionData("contribute", [community.token, amount])],
      );
      joins.push(`its treasury contributes ${TREASURY_CONTRIBUTION} ${community.tokenSymbol} to mutual aid`);
    }
    proposals.push({
      community,
      targets: calls.map(([target]) => target),
      calldatas: calls.map(([, data]) => data),
      description: `${community.name} joins the KC bridge and federation: ${joins.join("; ")} (simulation ${runTag})`,
    });
  }
  if (withProposal && communities[0]) {
    const katy = communities[0];
    const registry = await registryOf(katy);
    const current = await registry.dailyLimit(0);
    const proposed = current + ethers.parseEther("500");
    proposals.push({
      community: katy,
      targets: [katy.complianceRegistry],
      calldatas: [registry.interface.encodeFunctionData("setDailyLimit", [0, proposed])],
      description: `Raise the tier-0 daily limit of ${katy.name} from ${ethers.formatEther(current)} to ${ethers.formatEther(proposed)} ${katy.tokenSymbol} (simulation ${runTag})`,
    });
  }
  await governAll(proposals);

  // ---- commerce: merchants verified in each community, loyalty programs, point-of-sale payments, refunds, claims
  if (paymentCount > 0) await businessActivity();

  // ---- the bridge: a business provides liquidity, reporters refresh the rates, people pay across borders
  if (swapCount > 0 && bridge.pools.length > 0) await bridgeActivity();

  // ---- the federation: admission and launch of a new community, mutual aid, a shared parameter
  if (withFederation) await federationActivity();

  // ---- B2B trade in escrow, profit sharing, the supply chain (last: its time travel is refreshed by new rates)
  if (withTrade) await tradeActivity();

  async function latest() {
    return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  }

  /** Moves the chain's time just past the latest of `times`. */
  async function until(times: bigint[]) {
    const now = await latest();
    const target = times.reduce((a, b) => (a > b ? a : b), now);
    if (target >= now) await advance(target - now + 1n);
  }

  async function tokenOf(community: DeployedCommunity) {
    return (await ethers.getContractAt("CommunityToken", community.token)) as unknown as CommunityToken;
  }

  async function registryOf(community: DeployedCommunity) {
    return (await ethers.getContractAt(
      "ComplianceRegistry",
      community.complianceRegistry,
    )) as unknown as ComplianceRegistry;
  }

  /**
   * Runs proposals of the communities' own governors together, end to end: the largest delegate of each community
   * proposes, its eight largest delegates vote (one against, one abstaining, some with reasons), then each
   * proposal is queued in its timelock and executed after the delay.
   */
  async function governAll(list: Proposal[]) {
    type Live = Proposal & {
      governor: CommunityGovernor;
      id: bigint;
      /** (targets, values, calldatas, descriptionHash): what queue and execute take. */
      args: [string[], bigint[], string[], string];
      voters: HDNodeWallet[];
    };
    const live: Live[] = [];
    for (const p of list) {
      const token = (await ethers.getContractAt("CommunityToken", p.community.token)) as unknown as CommunityToken;
      const governor = (await ethers.getContractAt(
        "CommunityGovernor",
        p.community.governor,
      )) as unknown as CommunityGovernor;
      const delegates = (await Promise.all(wallets.map(async (w) => ({ w, votes: await token.getVotes(w.address) }))))
        .filter((d) => d.votes > 0n)
        .sort((a, b) => (b.votes > a.votes ? 1 : b.votes < a.votes ? -1 : 0));
      const proposer = delegates[0];
      if (!proposer || proposer.votes < (await governor.proposalThreshold())) {
        throw new Error(`no delegate of ${p.community.id} reaches the proposal threshold`);
      }
      const values = p.targets.map(() => 0n);
      await send(governor.connect(proposer.w).propose(p.targets, values, p.calldatas, p.description));
      count("governance");
      const hash = ethers.id(p.description);
      const id = await governor.hashProposal(p.targets, values, p.calldatas, hash);
      live.push({
        ...p,
        governor,
        id,
        args: [p.targets, values, p.calldatas, hash],
        voters: delegates.slice(0, 8).map((d) => d.w),
      });
    }
    await until(await Promise.all(live.map((p) => p.governor.proposalSnapshot(p.id))));
    for (const p of live) {
      for (const [i, w] of p.voters.entries()) {
        const support = i === 5 ? 0 : i === 6 ? 2 : 1; // against, abstain, for
        if (i % 2 === 0) await send(p.governor.connect(w).castVote(p.id, support));
        else await send(p.governor.connect(w).castVoteWithReason(p.id, support, REASONS[support]!));
        count("governance");
      }
    }
    await until(await Promise.all(live.map((p) => p.governor.proposalDeadline(p.id))));
    for (const p of live) {
      const state = await p.governor.state(p.id);
      if (state !== 4n)
        throw new Error(`proposal ${p.id} of ${p.community.id} ended in state ${state}, not Succeeded (4)`);
      await send(p.governor.queue(...p.args));
      count("governance");
    }
    await until(await Promise.all(live.map((p) => p.governor.proposalEta(p.id))));
    for (const p of live) {
      await send(p.governor.execute(...p.args));
      count("governance");
      console.log(`community ${p.community.id}: proposal executed: ${p.description.replace(/ \(simulation.*$/, "")}`);
    }
  }

  /**
   * Commerce in every founding community: a few merchants (dedicated wallets, the same on every run) get KYC tier 2
   * from the community's verifier, register with a category and a metadata URI, and are verified in the
   * MerchantRegistry by the verifier; each configures a loyalty program and funds its pool (one merchant of the first
   * community stays without a program, a newcomer stays pending verification). Then point-of-sale payments: a
   * customer signs a PaymentIntent (EIP-712, the router's domain) with a KC part and, mostly, a fiat part in the
   * community's currency settled by a card processor (its reference hashed), plus an ERC-2612 permit or an ERC-3009
   * ReceiveWithAuthorization of the KC part, and the terminal submits them; hours pass between bursts, so sales span
   * several days. Some payments are refunded (in part, or in full in two steps); an officer suspends a merchant
   * (and reinstates one); customers claim their rewards. Uses its own PRNG so the rest of the run is unchanged.
   */
  async function businessActivity() {
    const rb = rng(seed + 0xb12);
    const { business } = deployment;
    const merchants = (await ethers.getContractAt(
      "MerchantRegistry",
      business.merchantRegistry.address,
    )) as unknown as MerchantRegistry;
    const router = (await ethers.getContractAt(
      "PaymentRouter",
      business.paymentRouter.address,
    )) as unknown as PaymentRouter;
    const loyalty = (await ethers.getContractAt(
      "LoyaltyProgram",
      business.loyaltyProgram.address,
    )) as unknown as LoyaltyProgram;
    const merchantRoot = ethers.HDNodeWallet.fromSeed(ethers.id("katy-coin simulation merchants")).derivePath(
      "m/44'/60'/0'/0",
    );
    interface Shop {
      wallet: HDNodeWallet;
      community: DeployedCommunity;
      name: string;
      active: boolean;
    }
    const shops: Shop[] = [];
    const founding = communities.slice(0, 4);
    for (const [c, community] of founding.entries()) {
      const token = await tokenOf(community);
      const registry = await registryOf(community);
      const names = MERCHANTS.slice(c * 3, c * 3 + 3);
      for (const [j, [name, category]] of names.entries()) {
        const wallet = merchantRoot.deriveChild(c * 10 + j).connect(ethers.provider);
        if ((await ethers.provider.getBalance(wallet.address)) < ethers.parseEther("0.5")) {
          await send(funder.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") }));
        }
        let record = await merchants.merchantOf(wallet.address);
        if (record.status !== 0n && record.token.toLowerCase() !== community.token.toLowerCase()) continue;
        if ((await registry.tierOf(wallet.address)) !== 2n) {
          await send(registry.connect(verifier).setTier(wallet.address, 2));
          count("setup");
        }
        const slug = `${community.id}-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
        if (record.status === 0n) {
          const uri = `ipfs://kc-merchants/${slug}.json`;
          await send(
            merchants.connect(wallet).register(community.token, ethers.id(category), uri, ethers.id(`${uri}#v1`)),
          );
          count("merchant");
        }
        record = await merchants.merchantOf(wallet.address);
        if (record.status === 1n) {
          await send(merchants.connect(verifier).verify(wallet.address));
          count("merchant");
        } else if (record.status === 3n) {
          await send(merchants.connect(officer).reinstate(wallet.address));
          count("merchant");
        }
        // a float against a deposit: the loyalty pool, and refunds before the day's sales come in
        await send(
          token.connect(minter).mint(wallet.address, KC(3_000), ethers.id(`deposit:${community.id}:${runTag}:${slug}`)),
        );
        await send(token.connect(wallet).approve(business.paymentRouter.address, ethers.MaxUint256));
        await send(token.connect(wallet).approve(business.loyaltyProgram.address, ethers.MaxUint256));
        count("setup");
        if (!(c === 0 && j === 2)) {
          // 1-3% of the KC part, at most 15-40 per customer per week
          await send(loyalty.connect(wallet).configure(100 * (1 + (j % 3)), KC(15 + 5 * rb.int(0, 5)), 7 * 24 * 3600));
          await send(loyalty.connect(wallet).fund(KC(rb.int(3, 10) * 100)));
          count("loyalty");
        }
        shops.push({ wallet, community, name, active: true });
      }
    }
    // a newcomer of the first community registers, awaiting its KYC and verification
    if (founding[0]) {
      const newcomer = merchantRoot.deriveChild(99).connect(ethers.provider);
      if ((await merchants.merchantOf(newcomer.address)).status === 0n) {
        if ((await ethers.provider.getBalance(newcomer.address)) < ethers.parseEther("0.1")) {
          await send(funder.sendTransaction({ to: newcomer.address, value: ethers.parseEther("0.2") }));
        }
        const uri = `ipfs://kc-merchants/${founding[0].id}-newcomer.json`;
        await send(merchants.connect(newcomer).register(founding[0].token, ethers.id("bookshop"), uri, ethers.id(uri)));
        count("merchant");
      }
    }

    interface Sale {
      shop: Shop;
      payer: HDNodeWallet;
      invoiceId: string;
      amount: bigint;
    }
    const sales: Sale[] = [];
    const now = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const refund = async (sale: Sale, amount: bigint) => {
      const registry = await registryOf(sale.shop.community);
      if (await registry.isFrozen(sale.payer.address)) return;
      await send(router.connect(sale.shop.wallet).refund(sale.invoiceId, amount));
      count("refund");
    };
    let attempts = 0;
    for (let n = 0; n < paymentCount && attempts < paymentCount * 4; attempts++) {
      const shop = rb.pick(shops.filter((s) => s.active));
      const token = await tokenOf(shop.community);
      const payer = rb.pick(wallets);
      const amount = KC(rb.int(3, 120) + rb.int(0, 99) / 100);
      // a wallet checks before it signs: frozen, sanctioned, over its daily limit or short of funds, it does not pay
      const [allowed] = await token.canTransfer(payer.address, shop.wallet.address, amount);
      if (!allowed) continue;
      const hybrid = rb.next() < 0.75;
      const fiatAmount = hybrid ? KC(rb.int(1, 80) + rb.int(0, 99) / 100) : 0n;
      const invoiceId = invoiceIdOf(`${shop.community.id}:${shop.name}:${runTag}:INV-${n}`);
      const intent: PaymentIntent = {
        payer: payer.address,
        merchant: shop.wallet.address,
        token: shop.community.token,
        invoiceId,
        amount,
        fiatAmount,
        fiatCurrency: shop.community.currency,
        processorRef: hybrid ? processorRefOf(`card:${runTag}:${n}`) : ethers.ZeroHash,
        deadline: (await now()) + 600n,
        nonce: BigInt(rb.bytes32()),
      };
      if (n % 2 === 0) {
        const { args } = await signPaymentWithPermit(payer, router, token, intent);
        await send(router.connect(terminal).payWithPermit(...args));
      } else {
        const { args } = await signPaymentWithAuthorization(payer, router, token, intent, { nonce: rb.bytes32() });
        await send(router.connect(terminal).payWithAuthorization(...args));
      }
      count("payment");
      sales.push({ shop, payer, invoiceId, amount });
      n++;
      if (n % 15 === 0 || n === paymentCount) {
        // end of a burst: a few refunds (a part, or the whole in two steps), then eight hours pass
        for (const sale of sales.slice(-15)) {
          const roll = rb.next();
          if (roll < 0.08) {
            await refund(sale, sale.amount / 2n);
            await refund(sale, sale.amount - sale.amount / 2n);
          } else if (roll < 0.15) {
            await refund(sale, sale.amount / 4n);
          }
        }
        if (n === 30 && shops.length > 4) {
          // a complaint: the officer suspends a merchant for a while, then reinstates it
          const shop = shops[4]!;
          await send(
            merchants.connect(officer).suspend(shop.wallet.address, ethers.encodeBytes32String("CUSTOMER_COMPLAINTS")),
          );
          shop.active = false;
          count("merchant");
        }
        if (n === 45 && shops[4] && !shops[4].active) {
          await send(merchants.connect(officer).reinstate(shops[4].wallet.address));
          shops[4].active = true;
          count("merchant");
        }
        if (n < paymentCount) await advance(8 * 3600);
      }
    }
    // a merchant of the last community is under investigation when the run ends
    const suspended = shops.at(-1);
    if (suspended && suspended !== shops[4]) {
      await send(
        merchants.connect(officer).suspend(suspended.wallet.address, ethers.encodeBytes32String("INVESTIGATION")),
      );
      count("merchant");
    }

    // about half of the customers with rewards claim them
    let claimed = 0n;
    for (const c of founding) {
      const registry = await registryOf(c);
      const customers = new Set(sales.filter((sale) => sale.shop.community === c).map((sale) => sale.payer));
      for (const w of customers) {
        const owed = await loyalty.rewardsOf(w.address, c.token);
        if (owed === 0n || rb.next() < 0.5 || (await registry.isFrozen(w.address))) continue;
        await send(loyalty.connect(w).claim(c.token));
        claimed += owed;
        count("rewardClaim");
      }
    }
    console.log(
      `commerce: ${shops.length} merchants, ${counts.payment ?? 0} payments, ${counts.refund ?? 0} refunds, ` +
        `${counts.rewardClaim ?? 0} reward claims (${ethers.formatEther(claimed)} KC)`,
    );
  }

  async function bridgeActivity() {
    const oracle = (await ethers.getContractAt("FxOracle", bridge.oracle.address)) as unknown as FxOracle;
    const router = (await ethers.getContractAt("BridgeRouter", bridge.router.address)) as unknown as BridgeRouter;
    const reporters = await Promise.all(bridge.reporters.map((a) => ethers.getSigner(a)));
    const byToken = new Map(communities.map((c) => [c.token.toLowerCase(), c]));
    const rates: Record<string, bigint> = {};
    for (const c of communities) {
      if (c.currency !== "USD" && !rates[c.currency]) rates[c.currency] = (await oracle.rateState(c.currency)).rate;
    }
    await reportRates(oracle, reporters, rates);
    count("rateReport");
    const usd = (c: DeployedCommunity, dollars: number) =>
      c.currency === "USD" ? KC(dollars) : (KC(dollars) * 10n ** 18n) / rates[c.currency]!;

    // the liquidity provider: a verified business (tier 2) in every community, funded against deposits
    for (const c of communities) {
      await send((await registryOf(c)).connect(verifier).setTier(liquidityProvider.address, 2));
      await send(
        (await tokenOf(c))
          .connect(minter)
          .mint(liquidityProvider.address, usd(c, 400_000), ethers.id(`deposit:${c.id}:${runTag}:liquidity`)),
      );
      count("setup");
    }
    const deadline = async () => (await ethers.provider.getBlock("latest"))!.timestamp + 3600;
    for (const p of bridge.pools) {
      const pool = (await ethers.getContractAt("BridgePool", p.address)) as unknown as BridgePool;
      const [a, b] = [byToken.get(p.tokenA.toLowerCase())!, byToken.get(p.tokenB.toLowerCase())!];
      for (const c of [a, b])
        await send((await tokenOf(c)).connect(liquidityProvider).approve(p.address, ethers.MaxUint256));
      await send(
        pool
          .connect(liquidityProvider)
          .addLiquidity(usd(a, 150_000), usd(b, 150_000), 0, liquidityProvider.address, await deadline()),
      );
      count("liquidity");
    }

    for (let n = 0; n < swapCount; n++) {
      if (n > 0 && n % 15 === 0) {
        // the pegs drift a little (within the breaker's band), and every reporter reports
        for (const currency of Object.keys(rates))
          rates[currency] = (rates[currency]! * BigInt(1000 + r.int(-4, 4))) / 1000n;
        await reportRates(oracle, reporters, rates);
        count("rateReport");
      }
      const routed = n % 10 === 9;
      const p = r.pick(bridge.pools);
      let [from, to] = r.next() < 0.5 ? [p.tokenA, p.tokenB] : [p.tokenB, p.tokenA];
      let path = [from, to];
      if (routed) {
        // Katy -> Houston -> Toronto: no direct pool, the router takes two hops
        const ids = ["katy", "houston", "toronto"].map((id) => communities.find((c) => c.id === id));
        if (ids.every(Boolean)) path = ids.map((c) => c!.token);
        [from, to] = [path[0]!, path.at(-1)!];
      }
      const source = byToken.get(from.toLowerCase())!;
      const token = await tokenOf(source);
      // a business's large payment now and then (at or above the travel-rule threshold), else a person's
      const large = n % 8 === 4;
      const payer = large ? liquidityProvider : r.pick(wallets);
      const amount = usd(source, large ? r.int(1_500, 5_000) : r.int(5, 300));
      // the payee must be free to receive in the destination community (a wallet checks before it pays)
      const destination = await registryOf(byToken.get(to.toLowerCase())!);
      let recipient = r.pick(wallets).address;
      while (await destination.isFrozen(recipient)) recipient = r.pick(wallets).address;
      const spender = routed ? bridge.router.address : p.address;
      const [allowed] = await token.canTransfer(payer.address, spender, amount);
      if (!allowed) continue; // frozen, over its limit or short of funds today: a wallet would not offer the swap
      await send(token.connect(payer).approve(spender, amount));
      if (routed) {
        await send(router.connect(payer).swapExactIn(path, amount, 0, recipient, await deadline()));
        count("routedSwap");
      } else {
        const pool = (await ethers.getContractAt("BridgePool", p.address)) as unknown as BridgePool;
        await send(pool.connect(payer).swap(from, amount, 0, recipient, await deadline()));
        count("swap");
      }
    }
  }

  /**
   * The federation's own governance, end to end: a business contributes to the mutual-aid fund; the
   * representatives (to whom the communities delegated their seats) propose, vote with reasons, queue and execute
   * (time moves on as in the communities' proposals): the admission of a new community, a mutual-aid grant with a
   * cap on emergency grants, and a higher mutual-aid rate. Then the new community's launcher launches it through
   * the Federation (the indexer discovers it from the registry), and the emergency committee grants without a vote.
   */
  async function federationActivity() {
    const governor = (await ethers.getContractAt(
      "FederationGovernor",
      fed.governor.address,
    )) as unknown as FederationGovernor;
    const voters = [];
    for (const c of communities) {
      const rep = fed.representatives[c.id];
      if (rep && (await seats.getVotes(rep)) > 0n) voters.push(await ethers.getSigner(rep));
    }
    const proposer = voters[0];
    if (!proposer) throw new Error("no representative holds a seat's votes: the communities' proposals delegate them");
    const launcher = signers[NEW_COMMUNITY_LAUNCHER];
    if (!launcher)
      throw new Error(`the network needs ${NEW_COMMUNITY_LAUNCHER + 1} signers (the new community's launcher)`);
    const katy = communities[0]!;
    const second = contributor!;
    const grantee = communities[2] ?? katy;
    const emergencyGrantee = communities[3] ?? katy;

    // a verified business (tier 2) contributes KATY to the fund: approve, then contribute
    const katyToken = await tokenOf(katy);
    const katyRegistry = await registryOf(katy);
    if ((await katyRegistry.tierOf(liquidityProvider.address)) !== 2n) {
      await send(katyRegistry.connect(verifier).setTier(liquidityProvider.address, 2));
      count("setup");
    }
    const gift = KC(BUSINESS_CONTRIBUTION);
    const balance = await katyToken.balanceOf(liquidityProvider.address);
    if (balance < gift) {
      await send(
        katyToken
          .connect(minter)
          .mint(liquidityProvider.address, gift - balance, ethers.id(`deposit:${katy.id}:${runTag}:mutual-aid`)),
      );
      count("mint");
    }
    await send(katyToken.connect(liquidityProvider).approve(fed.mutualAidFund.address, gift));
    await send(fund.connect(liquidityProvider).contribute(katy.token, gift));
    count("mutualAid");

    interface Draft {
      title: string;
      targets: string[];
      calldatas: string[];
      /** The vote of each representative, by index: 1 for (default), 0 against, 2 abstain. */
      support?: Record<number, number>;
    }
    const drafts: Draft[] = [];
    if ((await federation.member(NEW_COMMUNITY.id)).status === 0n) {
      drafts.push({
        title: `Admit ${NEW_COMMUNITY.name} (${NEW_COMMUNITY.country}, ${NEW_COMMUNITY.currency}), launcher ${launcher.address}`,
        targets: [fed.federation.address],
        calldatas: [federation.interface.encodeFunctionData("admit", [NEW_COMMUNITY.id, launcher.address])],
      });
    }
    drafts.push({
      title:
        `Mutual aid: grant ${GRANT} ${katy.tokenSymbol} to ${grantee.name}; cap emergency grants of ` +
        `${second.tokenSymbol} at ${EMERGENCY_CAP} per 30 days`,
      targets: [fed.mutualAidFund.address, fed.mutualAidFund.address],
      calldatas: [
        fund.interface.encodeFunctionData("grant", [
          grantee.id,
          katy.token,
          KC(GRANT),
          `Flood relief: ${grantee.name}'s food banks`,
        ]),
        fund.interface.encodeFunctionData("setEmergencyCap", [second.token, KC(EMERGENCY_CAP)]),
      ],
      support: { 2: 2 },
    });
    const p = await federation.parameters();
    const rate = Number(p.mutualAidRateBps);
    const newRate = rate + 50 <= 500 ? rate + 50 : rate - 50;
    drafts.push({
      title: `Mutual-aid rate from ${rate / 100}% to ${newRate / 100}% of each token's supply`,
      targets: [fed.federation.address],
      calldatas: [
        federation.interface.encodeFunctionData("setParameters", [
          {
            bridgeFeeBps: p.bridgeFeeBps,
            mutualAidRateBps: newRate,
            tier0DailyLimit: p.tier0DailyLimit,
            tier1DailyLimit: p.tier1DailyLimit,
            travelRuleThreshold: p.travelRuleThreshold,
          },
        ]),
      ],
      support: { 1: 0, 3: 2 },
    });

    const live = [];
    for (const d of drafts) {
      const values = d.targets.map(() => 0n);
      const description = `${d.title} (simulation ${runTag})`;
      await send(governor.connect(proposer).propose(d.targets, values, d.calldatas, description));
      count("federation");
      const args = [d.targets, values, d.calldatas, ethers.id(description)] as const;
      live.push({ ...d, args, id: await governor.hashProposal(...args) });
    }
    await until(await Promise.all(live.map((d) => governor.proposalSnapshot(d.id))));
    for (const d of live) {
      for (const [i, voter] of voters.entries()) {
        const support = d.support?.[i] ?? 1;
        await send(governor.connect(voter).castVoteWithReason(d.id, support, FEDERATION_REASONS[support]!));
        count("federation");
      }
    }
    await until(await Promise.all(live.map((d) => governor.proposalDeadline(d.id))));
    for (const d of live) {
      const state = await governor.state(d.id);
      if (state !== 4n) throw new Error(`federation proposal "${d.title}" ended in state ${state}, not Succeeded (4)`);
      await send(governor.queue(...d.args));
      count("federation");
    }
    await until(await Promise.all(live.map((d) => governor.proposalEta(d.id))));
    for (const d of live) {
      await send(governor.execute(...d.args));
      count("federation");
      const [against, inFavour, abstain] = await governor.proposalVotes(d.id);
      console.log(
        `federation: proposal executed: ${d.title} (for ${inFavour}, against ${against}, abstain ${abstain})`,
      );
    }

    // the admitted community's launcher launches it through the Federation, at the oracle's fresh rate
    const admitted = await federation.member(NEW_COMMUNITY.id);
    if (admitted.status === 1n && admitted.launcher === launcher.address) {
      const oracle = (await ethers.getContractAt("FxOracle", bridge.oracle.address)) as unknown as FxOracle;
      const fresh = await oracle.rateOf(NEW_COMMUNITY.currency).then(
        () => true,
        () => false,
      );
      if (!fresh) {
        const reporters = await Promise.all(bridge.reporters.map((a) => ethers.getSigner(a)));
        const current = (await oracle.rateState(NEW_COMMUNITY.currency)).rate;
        await reportRates(oracle, reporters, { [NEW_COMMUNITY.currency]: current });
        count("rateReport");
      }
      const file = readCommunitiesFile(
        path.resolve(process.env.COMMUNITIES_FILE ?? path.join(__dirname, "..", "config", "communities.json")),
      );
      const { roles } = deployment;
      const operators = {
        minter: roles.minter,
        pauser: roles.pauser,
        verifier: roles.verifier,
        complianceOfficer: roles.complianceOfficer,
      };
      const launched = await launchThroughFederation(
        federation,
        launcher,
        toLaunchConfig(file, NEW_COMMUNITY, operators),
      );
      count("launch");
      const registry = await ethers.getContractAt("ComplianceRegistry", launched.complianceRegistry);
      console.log(
        `federation: ${NEW_COMMUNITY.id} launched through the Federation: token ${launched.token}, tier-0 limit ` +
          `${ethers.formatEther(await registry.dailyLimit(0))} ${NEW_COMMUNITY.currency}, seat to ${launched.timelock}`,
      );
    }

    // the emergency committee grants without a vote, within the cap the federation set
    const committee = await ethers.getSigner(fed.emergencyCommittee[0]!);
    const remaining = await fund.emergencyRemaining(second.token);
    const emergency = KC(EMERGENCY_GRANT) < remaining ? KC(EMERGENCY_GRANT) : remaining;
    if (emergency > 0n) {
      await send(
        fund
          .connect(committee)
          .emergencyGrant(
            emergencyGrantee.id,
            second.token,
            emergency,
            `Ice storm: emergency shelter heating in ${emergencyGrantee.name}`,
          ),
      );
      count("mutualAid");
      console.log(
        `federation: emergency grant of ${ethers.formatEther(emergency)} ${second.tokenSymbol} to ${emergencyGrantee.name} by the committee`,
      );
    }

    let members = 0;
    let full = 0;
    const version = await federation.charterVersion();
    for (let i = 0n; i < (await federation.memberCount()); i++) {
      const m = await federation.memberByKey(await federation.memberKeyAt(i));
      if (m.status === 2n) members++;
      if (m.status === 2n && m.charterVersion === version) full++;
    }
    const holdings = await Promise.all(
      [katy, second].map(
        async (c) => `${ethers.formatEther(await (await tokenOf(c)).balanceOf(fund))} ${c.tokenSymbol}`,
      ),
    );
    console.log(
      `federation: ${members} members, ${full} of them accepted charter v${version}; the mutual-aid fund holds ${holdings.join(", ")}`,
    );
  }

  /**
   * B2B trade, profit sharing and the supply chain, with dedicated wallets (the same on every run; businesses at KYC
   * tier 2, funded against deposits). Orders in the TradeEscrow, bought by a Katy business: released after
   * delivery, released at once, disputed and split by the arbiter (the compliance officer), refunded after its
   * delivery deadline (a day passes), one paid across the border to a Monterrey seller through the bridge (KATY in,
   * MTY out, at least 97% of the router's quote), and a few left open (delivered, funded). A Katy merchant shares its
   * revenue with three employees: deposits, a change of units, claims (one employee leaves its share unclaimed).
   * Producers and carriers registered by the verifier create batches, record checkpoints; the verifier attests
   * origins (and revokes one), the officer assesses (replacing one score). Last, the reporters refresh every rate.
   */
  async function tradeActivity() {
    const { business } = deployment;
    const DAY = 24n * 3600n;
    const escrow = (await ethers.getContractAt("TradeEscrow", business.tradeEscrow.address)) as unknown as TradeEscrow;
    const sharing = (await ethers.getContractAt(
      "ProfitSharing",
      business.profitSharing.address,
    )) as unknown as ProfitSharing;
    const chain = (await ethers.getContractAt(
      "SupplyChainRegistry",
      business.supplyChain.address,
    )) as unknown as SupplyChainRegistry;
    const merchantRegistry = (await ethers.getContractAt(
      "MerchantRegistry",
      business.merchantRegistry.address,
    )) as unknown as MerchantRegistry;
    const oracle = (await ethers.getContractAt("FxOracle", bridge.oracle.address)) as unknown as FxOracle;
    const router = (await ethers.getContractAt("BridgeRouter", bridge.router.address)) as unknown as BridgeRouter;
    const reporters = await Promise.all(bridge.reporters.map((a) => ethers.getSigner(a)));
    const katy = communities.find((c) => c.id === "katy") ?? communities[0]!;
    const mty = communities.find((c) => c.id === "monterrey");
    const crossBorder =
      mty && bridge.pools.some((p) => p.communities.includes(katy.id) && p.communities.includes(mty.id))
        ? mty
        : undefined;
    const tradeRoot = ethers.HDNodeWallet.fromSeed(ethers.id("katy-coin simulation trade")).derivePath(
      "m/44'/60'/0'/0",
    );
    const now = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    /** A wallet with gas, KYC `tier` in `community` and at least `float` of its token (minted against a deposit). */
    const prepare = async (wallet: HDNodeWallet, community: DeployedCommunity, tier: number, float: number) => {
      if ((await ethers.provider.getBalance(wallet.address)) < ethers.parseEther("0.2")) {
        await send(funder.sendTransaction({ to: wallet.address, value: ethers.parseEther("0.5") }));
      }
      const registry = await registryOf(community);
      if ((await registry.tierOf(wallet.address)) !== BigInt(tier)) {
        await send(registry.connect(verifier).setTier(wallet.address, tier));
        count("setup");
      }
      const token = await tokenOf(community);
      const balance = await token.balanceOf(wallet.address);
      if (balance < KC(float)) {
        const ref = ethers.id(`deposit:${community.id}:${runTag}:trade:${wallet.address}`);
        await send(token.connect(minter).mint(wallet.address, KC(float) - balance, ref));
        count("setup");
      }
      return wallet;
    };
    const tradeWallet = (i: number) => tradeRoot.deriveChild(i).connect(ethers.provider);
    const ratesFresh = async () => {
      for (const c of communities) {
        if (c.currency === "USD") continue;
        const fresh = await oracle.rateOf(c.currency).then(
          () => true,
          () => false,
        );
        if (!fresh) return false;
      }
      return true;
    };
    const refreshRates = async () => {
      const rates: Record<string, bigint> = {};
      for (const c of communities) {
        if (c.currency !== "USD") rates[c.currency] = (await oracle.rateState(c.currency)).rate;
      }
      await reportRates(oracle, reporters, rates);
      count("rateReport");
    };

    // ---- orders in escrow
    const buyer = await prepare(tradeWallet(0), katy, 2, 40_000);
    const katySellers = [await prepare(tradeWallet(1), katy, 2, 0), await prepare(tradeWallet(2), katy, 2, 0)];
    const mtySeller = crossBorder ? await prepare(tradeWallet(3), crossBorder, 2, 0) : undefined;
    const katyToken = await tokenOf(katy);
    if ((await katyToken.allowance(buyer.address, business.tradeEscrow.address)) < KC(100_000)) {
      await send(katyToken.connect(buyer).approve(business.tradeEscrow.address, ethers.MaxUint256));
    }
    const open = async (
      label: string,
      seller: HDNodeWallet,
      tokenOut: string,
      amount: bigint,
      minOut: bigint,
      deliveryIn: bigint,
    ) => {
      const t = await now();
      const receipt = await send(
        escrow.connect(buyer).open({
          seller: seller.address,
          tokenIn: katy.token,
          tokenOut,
          amount,
          minOut,
          termsHash: ethers.id(`terms:${runTag}:${label}`),
          deliveryDeadline: t + deliveryIn,
          releaseDeadline: t + deliveryIn + 7n * DAY,
          path: [],
        }),
      );
      count("escrow");
      const opened = receipt.logs
        .filter((l) => l.address.toLowerCase() === business.tradeEscrow.address.toLowerCase())
        .map((l) => escrow.interface.parseLog(l))
        .find((p) => p?.name === "OrderOpened");
      if (!opened) throw new Error(`order ${label}: no OrderOpened log`);
      return opened.args.orderId as bigint;
    };
    const deliver = async (id: bigint, seller: HDNodeWallet) => {
      await send(escrow.connect(seller).markDelivered(id, ethers.id(`delivery:${runTag}:${id}`)));
      count("escrow");
    };
    const [sellerA, sellerB] = katySellers as [HDNodeWallet, HDNodeWallet];
    // delivered, then released
    const lumber = await open("lumber", sellerA, katy.token, KC(4_200), 0n, 3n * DAY);
    await deliver(lumber, sellerA);
    await send(escrow.connect(buyer).release(lumber, 0));
    count("escrow");
    // released on receipt, without a delivery mark
    const produce = await open("produce", sellerB, katy.token, KC(1_850.5), 0n, 2n * DAY);
    await send(escrow.connect(buyer).release(produce, 0));
    count("escrow");
    // delivered short: the buyer disputes, the arbiter splits 40 / 60
    const fixtures = await open("fixtures", sellerA, katy.token, KC(6_000), 0n, 3n * DAY);
    await deliver(fixtures, sellerA);
    await send(escrow.connect(buyer).dispute(fixtures, ethers.id(`dispute:${runTag}:short delivery`)));
    await send(
      escrow.connect(officer).resolve(fixtures, KC(2_400), KC(3_600), 0, ethers.id(`ruling:${runTag}:fixtures`)),
    );
    count("escrow");
    count("escrow");
    // across the border: KATY in, MTY out through the KATY/MTY pool
    if (crossBorder && mtySeller) {
      if (!(await ratesFresh())) await refreshRates();
      const amount = KC(3_000);
      const [, quoted] = await router.quote([katy.token, crossBorder.token], amount);
      const steel = await open("steel", mtySeller, crossBorder.token, amount, (quoted! * 97n) / 100n, 5n * DAY);
      await deliver(steel, mtySeller);
      await send(escrow.connect(buyer).release(steel, 0));
      count("escrow");
      // another one, still awaiting delivery when the run ends
      const [, quoted2] = await router.quote([katy.token, crossBorder.token], KC(800));
      await open("rebar", mtySeller, crossBorder.token, KC(800), (quoted2! * 95n) / 100n, 20n * DAY);
    }
    // never delivered: refunded once its delivery deadline has passed
    const late = await open("late", sellerB, katy.token, KC(2_500), 0n, DAY);
    // delivered, awaiting the buyer's release when the run ends
    const pending = await open("pending", sellerA, katy.token, KC(1_200), 0n, 20n * DAY);
    await deliver(pending, sellerA);
    await advance(DAY + 60n);
    await send(escrow.connect(buyer).refund(late));
    count("escrow");

    // ---- profit sharing: a Katy merchant (verified, or a plain account when commerce was skipped) and its employees
    const owner = await prepare(
      ethers.HDNodeWallet.fromSeed(ethers.id("katy-coin simulation merchants"))
        .derivePath("m/44'/60'/0'/0")
        .deriveChild(0)
        .connect(ethers.provider),
      katy,
      2,
      4_000,
    );
    const record = await merchantRegistry.merchantOf(owner.address);
    const employees = [10, 11, 12].map(tradeWallet);
    for (const e of employees) {
      if ((await ethers.provider.getBalance(e.address)) < ethers.parseEther("0.05")) {
        await send(funder.sendTransaction({ to: e.address, value: ethers.parseEther("0.1") }));
      }
    }
    if (record.status === 0n || (record.status === 2n && record.token.toLowerCase() === katy.token.toLowerCase())) {
      if ((await sharing.schemeOf(owner.address)).token === ethers.ZeroAddress) {
        await send(sharing.connect(owner).openScheme(katy.token));
        count("profitSharing");
      }
      const [e1, e2, e3] = employees as [HDNodeWallet, HDNodeWallet, HDNodeWallet];
      await send(
        sharing.connect(owner).setShares(
          employees.map((e) => e.address),
          [50, 30, 20],
        ),
      );
      count("profitSharing");
      await send(katyToken.connect(owner).approve(business.profitSharing.address, ethers.MaxUint256));
      await send(sharing.connect(owner).deposit(owner.address, KC(900)));
      await send(sharing.connect(owner).deposit(owner.address, KC(1_250.5)));
      // the third employee is promoted: more units from now on
      await send(sharing.connect(owner).setShares([e3.address], [35]));
      await send(sharing.connect(e1).claim(owner.address));
      await send(sharing.connect(owner).deposit(owner.address, KC(640.25)));
      await send(sharing.connect(e1).claim(owner.address));
      await send(sharing.connect(e2).claim(owner.address));
      for (let i = 0; i < 7; i++) count("profitSharing");
      const scheme = await sharing.schemeOf(owner.address);
      console.log(
        `profit sharing: ${ethers.formatEther(scheme.totalDeposited)} ${katy.tokenSymbol} deposited, ` +
          `${ethers.formatEther(scheme.totalClaimed)} claimed by ${employees.length} employees`,
      );
    } else {
      console.log(`profit sharing: skipped (merchant ${owner.address} is not verified in ${katy.id})`);
    }

    // ---- the supply chain: producers and carriers of Katy and Monterrey, batches, origins, checkpoints, assessments
    const sites = [katy, ...(mty ? [mty] : [])];
    const producers = new Map<string, HDNodeWallet>();
    const carriers = new Map<string, HDNodeWallet>();
    for (const [i, c] of sites.entries()) {
      const producer = await prepare(tradeWallet(20 + i), c, 2, 0);
      const carrier = await prepare(tradeWallet(30 + i), c, 1, 0);
      if (!(await chain.isProducer(c.token, producer.address))) {
        await send(chain.connect(verifier).setProducer(c.token, producer.address, true));
        count("supplyChain");
      }
      if (!(await chain.isCarrier(c.token, carrier.address))) {
        await send(chain.connect(verifier).setCarrier(c.token, carrier.address, true));
        count("supplyChain");
      }
      producers.set(c.id, producer);
      carriers.set(c.id, carrier);
    }
    /** Assessment categories: keccak256 of the label on chain. */
    type Category = "LABOR" | "ENVIRONMENT" | "COMMUNITY";
    interface BatchPlan {
      community: DeployedCommunity;
      product: string;
      attest: boolean;
      revoke?: boolean;
      checkpoints: number;
      scores: [Category, number][];
    }
    const plans: BatchPlan[] = [
      {
        community: katy,
        product: "pecans",
        attest: true,
        checkpoints: 3,
        scores: [
          ["LABOR", 82],
          ["ENVIRONMENT", 74],
          ["COMMUNITY", 90],
        ],
      },
      {
        community: katy,
        product: "honey",
        attest: true,
        checkpoints: 1,
        scores: [
          ["LABOR", 60],
          ["LABOR", 75],
        ],
      },
      { community: katy, product: "rice", attest: false, checkpoints: 0, scores: [] },
      ...(mty
        ? [
            {
              community: mty,
              product: "cabrito",
              attest: true,
              revoke: true,
              checkpoints: 2,
              scores: [
                ["ENVIRONMENT", 55],
                ["COMMUNITY", 68],
              ],
            } satisfies BatchPlan,
            { community: mty, product: "glass", attest: false, checkpoints: 4, scores: [] } satisfies BatchPlan,
          ]
        : []),
    ];
    for (const plan of plans) {
      const producer = producers.get(plan.community.id)!;
      const carrier = carriers.get(plan.community.id)!;
      const uri = `ipfs://kc-supply/${plan.community.id}/${plan.product}-${runTag.replace(":", "-")}.json`;
      const receipt = await send(
        chain
          .connect(producer)
          .createBatch(plan.community.token, ethers.id(`gtin:${plan.product}`), ethers.id(uri), uri),
      );
      count("supplyChain");
      const created = receipt.logs.map((l) => chain.interface.parseLog(l)).find((p) => p?.name === "BatchCreated");
      const batchId = created!.args.batchId as bigint;
      if (plan.attest) {
        const evidence = `${uri}#origin`;
        await send(chain.connect(verifier).attestOrigin(batchId, ethers.id(evidence), evidence));
        count("supplyChain");
      }
      for (let k = 0; k < plan.checkpoints; k++) {
        const at = `${uri}#checkpoint-${k}`;
        await send(chain.connect(carrier).recordCheckpoint(batchId, ethers.id(`locode:${k}`), ethers.id(at), at));
        count("supplyChain");
      }
      for (const [category, score] of plan.scores) {
        const evidence = `${uri}#assessment-${category.toLowerCase()}-${score}`;
        await send(chain.connect(officer).assess(batchId, ethers.id(category), score, ethers.id(evidence), evidence));
        count("supplyChain");
      }
      if (plan.revoke) {
        await send(chain.connect(verifier).revokeOrigin(batchId, ethers.id(`revoked:${runTag}:${batchId}`)));
        count("supplyChain");
      }
    }
    console.log(
      `trade: ${await escrow.orderCount()} orders in escrow, ${await chain.batchCount()} product batches on record`,
    );

    // the day that passed left the rates stale: every reporter reports again
    await refreshRates();
  }

  const summary = {
    seed,
    accounts: accountCount,
    transactions: Object.values(counts).reduce((a, b) => a + b, 0),
    counts,
    blocked,
    watched,
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

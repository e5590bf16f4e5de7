/**
 * The gas of every user-facing operation, each beside its baseline measured in the same run:
 * - token and payment operations beside a plain OpenZeppelin ERC20 + Permit + Votes token (PlainVotesToken) with
 *   the same balances and delegation state: its own permit, delegate and mint where it has one, else its transfer;
 * - votes and proposals beside a plain OpenZeppelin Governor (PlainGovernor) over that token;
 * - swaps beside the published gas of a Uniswap v2 pair swap (73,462), a constant, not measured;
 * - "—" where nothing plain compares (liquidity, escrow, profit sharing, mutual aid, merchant registration).
 *
 * Everything is measured warm, as test/gas/*.test.ts do: the accounts have used the operation before, balances are
 * non-zero on both sides, and the sender's daily compliance window is open. The fixtures are the tests' own
 * (test/shared, test/bridge, test/business), called directly: each section builds its state, measures, and is done
 * before the next begins (deployBusinessFixture uses loadFixture inside, which may revert the chain to its
 * snapshot, so no section relies on state another left behind).
 *
 * Gas figures are measured, never asserted.
 */
import type { Signer } from "ethers";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { signTransferAuthorization, signTyped } from "../../scripts/lib/signing";
import type { PlainGovernor, PlainVotesToken } from "../../typechain-types";
import { deployFundedCommunityFixture, KC, ref } from "../../test/shared/fixtures";
import { inAnHour } from "../../test/bridge/fixtures";
import { account, deployProfitSharingFixture, deployTradeEscrowFixture } from "../../test/business/escrowFixtures";
import { deployBusinessFixture, intentOf, pay, signPayment } from "../../test/business/fixtures";
import { advanceTo, describeProposal, Vote, type Call } from "../../test/shared/federationFixtures";

/** UniswapV2Pair.swap, as published by Uniswap; not measured here. */
export const UNISWAP_V2_PAIR_SWAP = 73_462;
export const UNISWAP_LABEL = "published Uniswap v2 swap, not measured";
const NONE = "—";

export interface GasRow {
  operation: string;
  gas: number;
  /** What the operation is set beside, or "—". */
  baseline: string;
  /** The baseline's gas; null where no baseline applies. */
  baselineGas: number | null;
  /** gas / baselineGas; null where no baseline applies. */
  ratio: number | null;
}

/** The operations measureGas returns, in order. */
export const OPERATIONS = [
  "KC transfer (both parties delegated)",
  "KC transfer (neither delegated)",
  "KC transferWithAuthorization, ERC-3009 (delegated)",
  "KC transferWithAuthorization, ERC-3009 (not delegated)",
  "KC permit (allowance already set)",
  "KC delegate (first delegation, to self)",
  "KC mint (issuer)",
  "KC redeem",
  "community castVote (first vote: quorum reached)",
  "community castVoteWithReason (second vote)",
  "community propose",
  "bridge swap KATY -> MTY",
  "2-hop routed swap KATY -> MTY -> TOR",
  "bridge addLiquidity",
  "bridge removeLiquidity",
  "payment: intent + permit (+ loyalty credit)",
  "payment: intent + ERC-3009 authorization (+ loyalty credit)",
  "payment refund (partial)",
  "loyalty claim",
  "escrow open (funds the order)",
  "escrow release (domestic)",
  "profit-sharing claim",
  "mutual-aid contribute",
  "federation castVote (first vote)",
  "merchant register",
] as const;
export type Operation = (typeof OPERATIONS)[number];

type Sent = Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>;

async function gasOf(tx: Sent): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

/** What the plain baselines cost in this run. */
interface Baselines {
  transfer: number;
  transferDelegated: number;
  permit: number;
  delegate: number;
  mint: number;
  castVote: number;
  castVoteWithReason: number;
  propose: number;
}

type Measured = Partial<Record<Operation, number>>;

/** Measures every operation; returns one row per entry of OPERATIONS, in that order. */
export async function measureGas(): Promise<GasRow[]> {
  const { measured: tokenOps, baselines } = await measureTokenAndPlain();
  const measured: Measured = {
    ...tokenOps,
    ...(await measureBridgeAndEscrow()),
    ...(await measureBusinessAndGovernance()),
    ...(await measureProfitSharingAndMerchants()),
  };
  const b = baselines;
  const plainTransfer = ["plain ERC20Votes transfer (not delegated)", b.transfer] as const;
  const plainTransferDelegated = ["plain ERC20Votes transfer (delegated)", b.transferDelegated] as const;
  const uniswap = [UNISWAP_LABEL, UNISWAP_V2_PAIR_SWAP] as const;
  const baselineOf: Record<Operation, readonly [string, number] | null> = {
    "KC transfer (both parties delegated)": plainTransferDelegated,
    "KC transfer (neither delegated)": plainTransfer,
    "KC transferWithAuthorization, ERC-3009 (delegated)": plainTransferDelegated,
    "KC transferWithAuthorization, ERC-3009 (not delegated)": plainTransfer,
    "KC permit (allowance already set)": ["plain ERC20Votes permit (allowance already set)", b.permit],
    "KC delegate (first delegation, to self)": ["plain ERC20Votes delegate (first, to self)", b.delegate],
    "KC mint (issuer)": ["plain ERC20Votes mint (not delegated)", b.mint],
    "KC redeem": plainTransfer,
    "community castVote (first vote: quorum reached)": ["plain OZ Governor castVote (first vote)", b.castVote],
    "community castVoteWithReason (second vote)": [
      "plain OZ Governor castVoteWithReason (second vote)",
      b.castVoteWithReason,
    ],
    "community propose": ["plain OZ Governor propose", b.propose],
    "bridge swap KATY -> MTY": uniswap,
    "2-hop routed swap KATY -> MTY -> TOR": uniswap,
    "bridge addLiquidity": null,
    "bridge removeLiquidity": null,
    "payment: intent + permit (+ loyalty credit)": plainTransfer,
    "payment: intent + ERC-3009 authorization (+ loyalty credit)": plainTransfer,
    "payment refund (partial)": plainTransfer,
    "loyalty claim": plainTransfer,
    "escrow open (funds the order)": null,
    "escrow release (domestic)": null,
    "profit-sharing claim": null,
    "mutual-aid contribute": null,
    "federation castVote (first vote)": ["plain OZ Governor castVote (first vote)", b.castVote],
    "merchant register": null,
  };
  return OPERATIONS.map((operation) => {
    const gas = measured[operation];
    if (gas === undefined) throw new Error(`gas: ${operation} was not measured`);
    const baseline = baselineOf[operation];
    return baseline === null
      ? { operation, gas, baseline: NONE, baselineGas: null, ratio: null }
      : { operation, gas, baseline: baseline[0], baselineGas: baseline[1], ratio: gas / baseline[1] };
  });
}

/** The rows as table cells: operation | gas | baseline | baseline gas | ratio. */
export function gasTableRows(rows: GasRow[]): (string | number)[][] {
  return rows.map((r) => [
    r.operation,
    r.gas,
    r.baseline,
    r.baselineGas ?? NONE,
    r.ratio === null ? NONE : `${r.ratio.toFixed(2)}x`,
  ]);
}

export const GAS_TABLE_HEADERS = ["operation", "gas", "baseline", "baseline gas", "ratio"];

// ---------------------------------------------------------------- sections

/**
 * The KC token (the community of deployFundedCommunityFixture: an ERC-1167 clone, compliance on, sanctions oracle
 * set) beside PlainVotesToken with the same balances, as test/gas/GasComparison.test.ts sets them up; and a
 * PlainGovernor over the plain token for the governance baselines.
 */
async function measureTokenAndPlain(): Promise<{ measured: Measured; baselines: Baselines }> {
  const f = await deployFundedCommunityFixture();
  const { token, alice, bob, relayer, minter } = f;
  const plain = (await ethers.deployContract("PlainVotesToken")) as unknown as PlainVotesToken;
  await plain.mint(alice.address, KC(10_000));
  await plain.mint(bob.address, KC(10_000));
  // open alice's daily window on KC, and touch both tokens' balances, so both start "sent before today"
  await (await token.connect(alice).transfer(bob.address, KC(1))).wait();
  await (await plain.connect(alice).transfer(bob.address, KC(1))).wait();

  const measured: Measured = {};
  const deadline = async () => (await time.latest()) + 3_600;
  let nonce = 0;
  const transferWithAuthorization = async () => {
    const message = {
      from: alice.address,
      to: bob.address,
      value: KC(5),
      validAfter: 0,
      validBefore: await deadline(),
      nonce: ethers.id(`bench-gas-${++nonce}`),
    };
    const { args } = await signTransferAuthorization(alice, token, message);
    return gasOf(token.connect(relayer).transferWithAuthorization(...args));
  };
  const permit = async (t: typeof token | PlainVotesToken) => {
    const d = await deadline();
    const message = {
      owner: alice.address,
      spender: relayer.address,
      value: KC(50),
      nonce: await t.nonces(alice.address),
      deadline: d,
    };
    const sig = await signTyped(alice, t, "Permit", message);
    return gasOf(t.connect(relayer).permit(alice.address, relayer.address, KC(50), d, sig.v, sig.r, sig.s));
  };

  // nobody has delegated
  measured["KC transfer (neither delegated)"] = await gasOf(token.connect(alice).transfer(bob.address, KC(5)));
  const transfer = await gasOf(plain.connect(alice).transfer(bob.address, KC(5)));
  measured["KC transferWithAuthorization, ERC-3009 (not delegated)"] = await transferWithAuthorization();
  await permit(token); // the first permit sets a fresh nonce and allowance: warm both up
  await permit(plain);
  measured["KC permit (allowance already set)"] = await permit(token);
  const permitGas = await permit(plain);
  await (await token.connect(minter).mint(alice.address, KC(1), ref("bench-warm-mint"))).wait();
  measured["KC mint (issuer)"] = await gasOf(token.connect(minter).mint(alice.address, KC(100), ref("bench-mint")));
  await (await plain.mint(alice.address, KC(1))).wait();
  const mint = await gasOf(plain.mint(alice.address, KC(100)));
  await (await token.connect(alice).redeem(KC(1), ref("bench-warm-redeem"))).wait();
  measured["KC redeem"] = await gasOf(token.connect(alice).redeem(KC(10), ref("bench-redeem")));

  // a holder's first delegation (to itself), as GasComparison measures it: balances non-zero, no votes yet
  measured["KC delegate (first delegation, to self)"] = await gasOf(token.connect(alice).delegate(alice.address));
  const delegate = await gasOf(plain.connect(alice).delegate(alice.address));
  await (await token.connect(bob).delegate(bob.address)).wait();
  await (await plain.connect(bob).delegate(bob.address)).wait();

  // both parties have delegated
  await (await token.connect(alice).transfer(bob.address, KC(1))).wait();
  await (await plain.connect(alice).transfer(bob.address, KC(1))).wait();
  measured["KC transfer (both parties delegated)"] = await gasOf(token.connect(alice).transfer(bob.address, KC(5)));
  const transferDelegated = await gasOf(plain.connect(alice).transfer(bob.address, KC(5)));
  measured["KC transferWithAuthorization, ERC-3009 (delegated)"] = await transferWithAuthorization();

  return {
    measured,
    baselines: {
      transfer,
      transferDelegated,
      permit: permitGas,
      delegate,
      mint,
      ...(await plainGovernance(plain, alice, bob)),
    },
  };
}

/**
 * PlainGovernor over the plain token (alice and bob delegated): two proposals, alice and bob vote on the first
 * (warm-up), then propose, castVote and castVoteWithReason on the second are measured.
 */
async function plainGovernance(plain: PlainVotesToken, alice: Signer, bob: Signer) {
  const governor = (await ethers.deployContract("PlainGovernor", [
    await plain.getAddress(),
    60,
    3_600,
    0,
    4,
  ])) as unknown as PlainGovernor;
  const target = await plain.getAddress();
  const call = { target, data: plain.interface.encodeFunctionData("mint", [await bob.getAddress(), KC(1)]) };
  const { proposeGas, first, second } = await twoProposals(governor, alice, [call], "plain");
  await (await governor.connect(alice).castVote(first, Vote.For)).wait();
  await (await governor.connect(bob).castVoteWithReason(first, Vote.For, "warm-up")).wait();
  return {
    propose: proposeGas,
    castVote: await gasOf(governor.connect(alice).castVote(second, Vote.For)),
    castVoteWithReason: await gasOf(governor.connect(bob).castVoteWithReason(second, Vote.For, REASON)),
  };
}

const REASON = "Good for the town: the bakery gets its oven.";

type AnyGovernor = Parameters<typeof describeProposal>[0] | PlainGovernor;

/**
 * `proposer` submits two proposals of `calls` (descriptions differ); the second submission is measured. Returns its
 * gas and both ids once voting on both is open.
 */
async function twoProposals(governor: AnyGovernor, proposer: Signer, calls: Call[], label: string) {
  // PlainGovernor has the same propose/hashProposal/proposalSnapshot as the project's governors
  const g = governor as unknown as Parameters<typeof describeProposal>[0];
  const ids: bigint[] = [];
  let proposeGas = 0;
  for (const n of [1, 2]) {
    const p = await describeProposal(g, calls, `bench ${label} proposal ${n}`);
    proposeGas = await gasOf(g.connect(proposer).propose(p.targets, p.values, p.calldatas, p.description));
    ids.push(p.id);
  }
  await advanceTo(Number(await g.proposalSnapshot(ids[1]!)) + 1);
  return { proposeGas, first: ids[0]!, second: ids[1]! };
}

/** The bridge (a KATY/MTY and an MTY/TOR pool in a router) and the TradeEscrow over it, warmed as BridgeGas does. */
async function measureBridgeAndEscrow(): Promise<Measured> {
  const f = await deployTradeEscrowFixture();
  const { pool, router, alice, bob, lp2, escrow } = f;
  // warm-up, as test/gas/BridgeGas.test.ts: alice swapped both ways and through the router; lp2 holds shares
  await (await pool.connect(alice).swap(f.katy.address, KC(10), 0, alice.address, await inAnHour())).wait();
  await (await pool.connect(alice).swap(f.monterrey.address, KC(200), 0, alice.address, await inAnHour())).wait();
  const path = [f.katy.address, f.monterrey.address, f.toronto.address];
  await (await router.connect(alice).swapExactIn(path, KC(10), 0, alice.address, await inAnHour())).wait();
  await (await pool.connect(lp2).addLiquidity(KC(100), KC(2_000), 0, lp2.address, await inAnHour())).wait();

  const measured: Measured = {};
  const [out] = await pool.quote(f.katy.address, KC(100));
  measured["bridge swap KATY -> MTY"] = await gasOf(
    pool.connect(alice).swap(f.katy.address, KC(100), out, alice.address, await inAnHour()),
  );
  const [, , routedOut] = await router.quote(path, KC(100));
  measured["2-hop routed swap KATY -> MTY -> TOR"] = await gasOf(
    router.connect(alice).swapExactIn(path, KC(100), routedOut!, alice.address, await inAnHour()),
  );
  measured["bridge addLiquidity"] = await gasOf(
    pool.connect(lp2).addLiquidity(KC(100), KC(2_000), 0, lp2.address, await inAnHour()),
  );
  const shares = (await pool.balanceOf(lp2.address)) / 2n;
  measured["bridge removeLiquidity"] = await gasOf(
    pool.connect(lp2).removeLiquidity(shares, 0, 0, lp2.address, await inAnHour()),
  );

  // a domestic order of 100 KATY, alice to bob; the first opened and released warms up both
  const terms = async () => {
    const now = await time.latest();
    return {
      seller: bob.address,
      tokenIn: f.katy.address,
      tokenOut: f.katy.address,
      amount: KC(100),
      minOut: 0n,
      termsHash: ethers.id("bench/purchase-order"),
      deliveryDeadline: now + 7 * 86_400,
      releaseDeadline: now + 14 * 86_400,
      path: [],
    };
  };
  await (await escrow.connect(alice).open(await terms())).wait();
  await (await escrow.connect(alice).release(await escrow.orderCount(), 0)).wait();
  measured["escrow open (funds the order)"] = await gasOf(escrow.connect(alice).open(await terms()));
  measured["escrow release (domestic)"] = await gasOf(escrow.connect(alice).release(await escrow.orderCount(), 0));
  return measured;
}

/**
 * The business fixture (the federation, katy's merchants, the PaymentRouter and the shop's loyalty program), warmed
 * as PaymentGas does: carol has paid the shop both ways and sent it KC; then katy's governance, the federation's
 * governor and the mutual-aid fund on the same federation.
 */
async function measureBusinessAndGovernance(): Promise<Measured> {
  const f = await deployBusinessFixture();
  const { carol, shop, bakery, router, loyalty, alice, bob } = f;
  const amount = KC(10);
  for (const path of ["permit", "authorization"] as const) {
    await pay(f, path, carol, await intentOf(f, carol, shop, amount));
    await pay(f, path, carol, await intentOf(f, carol, bakery, amount));
  }
  await (await f.katy.token.connect(carol).transfer(shop.address, amount)).wait();
  await (await loyalty.connect(carol).claim(f.katy.address)).wait(); // carol has claimed before

  const measured: Measured = {};
  const payment = async (path: "permit" | "authorization") => {
    const submit = await signPayment(f, path, carol, await intentOf(f, carol, shop, amount));
    return gasOf(submit());
  };
  measured["payment: intent + permit (+ loyalty credit)"] = await payment("permit");
  measured["payment: intent + ERC-3009 authorization (+ loyalty credit)"] = await payment("authorization");
  const intent = await intentOf(f, carol, shop, amount);
  await pay(f, "permit", carol, intent);
  await (await router.connect(shop).refund(intent.invoiceId, KC(1))).wait();
  measured["payment refund (partial)"] = await gasOf(router.connect(shop).refund(intent.invoiceId, KC(1)));
  measured["loyalty claim"] = await gasOf(loyalty.connect(carol).claim(f.katy.address));

  // the mutual-aid fund: alice has contributed before
  await (await f.katy.token.connect(alice).approve(f.addresses.fund, ethers.MaxUint256)).wait();
  await (await f.fund.connect(alice).contribute(f.katy.address, KC(1))).wait();
  measured["mutual-aid contribute"] = await gasOf(f.fund.connect(alice).contribute(f.katy.address, KC(10)));

  // katy's governance: alice (who proposed and voted in the fixture's proposals) proposes; alice and bob vote
  const katyCall = {
    target: await f.katy.registry.getAddress(),
    data: f.katy.registry.interface.encodeFunctionData("setExempt", [f.stranger.address, false]),
  };
  const community = await twoProposals(f.katy.governor, alice, [katyCall], "katy");
  measured["community propose"] = community.proposeGas;
  await (await f.katy.governor.connect(alice).castVote(community.first, Vote.For)).wait();
  await (await f.katy.governor.connect(bob).castVoteWithReason(community.first, Vote.For, "warm-up")).wait();
  measured["community castVote (first vote: quorum reached)"] = await gasOf(
    f.katy.governor.connect(alice).castVote(community.second, Vote.For),
  );
  measured["community castVoteWithReason (second vote)"] = await gasOf(
    f.katy.governor.connect(bob).castVoteWithReason(community.second, Vote.For, REASON),
  );

  // the federation's governor: the representatives vote with their communities' seats
  const fedCall = {
    target: f.addresses.fund,
    data: f.fund.interface.encodeFunctionData("setEmergencyCap", [f.katy.address, KC(1)]),
  };
  const federation = await twoProposals(f.governor, f.repKaty, [fedCall], "federation");
  await (await f.governor.connect(f.repKaty).castVote(federation.first, Vote.For)).wait();
  measured["federation castVote (first vote)"] = await gasOf(
    f.governor.connect(f.repKaty).castVote(federation.second, Vote.For),
  );
  return measured;
}

/**
 * The ProfitSharing fixture: the shop's scheme (alice 1 unit, bob 3) has received revenue twice and alice has
 * claimed once; and a MerchantRegistry that already holds merchants, for a new merchant's registration.
 */
async function measureProfitSharingAndMerchants(): Promise<Measured> {
  const f = await deployProfitSharingFixture();
  const { sharing, shop, alice, bob } = f;
  await (await sharing.connect(shop).openScheme(f.katy.address)).wait();
  await (await sharing.connect(shop).setShares([alice.address, bob.address], [1n, 3n])).wait();
  await (await sharing.connect(shop).deposit(shop.address, KC(1_000))).wait();
  await (await sharing.connect(alice).claim(shop.address)).wait();
  await (await sharing.connect(shop).deposit(shop.address, KC(1_000))).wait();

  const measured: Measured = {};
  measured["profit-sharing claim"] = await gasOf(sharing.connect(alice).claim(shop.address));
  const merchant = await account("bench-merchant");
  measured["merchant register"] = await gasOf(
    f.merchants
      .connect(merchant)
      .register(f.katy.address, ethers.id("retail"), "ipfs://kc-business/bench.json", ethers.id("bench-v1")),
  );
  return measured;
}

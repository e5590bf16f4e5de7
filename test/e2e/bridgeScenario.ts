/**
 * A short bridge history the simulation does not produce: its provider funds every pool evenly once, when the pool
 * is empty, so no deposit pays the imbalance fee. Here the same provider (signer 9, a verified business in every
 * community that has approved every pool) adds one-sided liquidity to the first pool, which pays the swap fee on the
 * value it moves from one side to the other, and then withdraws part of its new shares. Runs against a node with
 * unlocked accounts (Hardhat node) while the oracle's rates are fresh, right after the simulation.
 */
import { ethers } from "ethers";
import type { Deployment } from "../../scripts/lib/deployment";
import { BridgePool__factory } from "../../typechain-types";
import { KC, mined } from "./scenario";

export async function runBridgeScenario(rpcUrl: string, deployment: Deployment): Promise<void> {
  const provider = new ethers.JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const lp = await provider.getSigner(9);
  const address = deployment.bridge.pools[0]!.address;
  const pool = BridgePool__factory.connect(address, lp);
  const deadline = BigInt((await provider.getBlock("latest"))!.timestamp) + 3600n;

  const receipt = await (await pool.addLiquidity(KC(1_000), 0n, 0n, lp.address, deadline)).wait();
  if (receipt?.status !== 1) throw new Error("bridge scenario: the one-sided deposit reverted");
  const added = receipt.logs
    .map((log) => (log.address.toLowerCase() === address.toLowerCase() ? pool.interface.parseLog(log) : null))
    .find((parsed) => parsed?.name === "LiquidityAdded");
  if (!added) throw new Error("bridge scenario: the deposit emitted no LiquidityAdded");
  if ((added.args.fee as bigint) === 0n)
    throw new Error("bridge scenario: a one-sided deposit into a funded pool pays a fee");
  await mined(pool.removeLiquidity((added.args.shares as bigint) / 2n, 0n, 0n, lp.address, deadline));
  provider.destroy();
}

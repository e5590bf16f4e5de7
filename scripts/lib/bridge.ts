import type { Signer } from "ethers";
import { ethers } from "hardhat";
import type { BridgePool, BridgeRouter, FxOracle } from "../../typechain-types";
import type { BridgeJson } from "./communityConfig";
import type { DeployedCommunity, DeployedPool } from "./deployment";

/** Each reporter reports `rate` within ±0.1% of it (spread so the median is the middle one). */
export async function reportRates(oracle: FxOracle, reporters: Signer[], rates: Record<string, bigint>) {
  for (const [currency, rate] of Object.entries(rates)) {
    for (const [i, reporter] of reporters.entries()) {
      const spread = (rate * BigInt(i - 1)) / 1000n; // -0.1%, 0, +0.1%, ...
      await (await oracle.connect(reporter).report(currency, rate + spread)).wait();
    }
  }
}

/** The config's starting rates, 18 decimals, by ISO 4217 code (the reference currency is not listed). */
export function startingRates(config: BridgeJson): Record<string, bigint> {
  return Object.fromEntries(Object.entries(config.rates).map(([c, r]) => [c, ethers.parseEther(r)]));
}

/**
 * Deploys the FxOracle, adds its reporters, and has them report the config's starting rates. `admin` holds its
 * admin role until the federation's timelock takes it over.
 */
export async function deployOracle(admin: Signer, reporters: Signer[], config: BridgeJson): Promise<FxOracle> {
  const o = config.oracle;
  const oracle = (await ethers.deployContract(
    "FxOracle",
    [await admin.getAddress(), config.referenceCurrency, o.maxAge, o.maxDeviationBps, o.minReports],
    admin,
  )) as unknown as FxOracle;
  for (const reporter of reporters) await (await oracle.addReporter(await reporter.getAddress())).wait();
  await reportRates(oracle, reporters, startingRates(config));
  return oracle;
}

/**
 * Deploys the BridgeRouter and one BridgePool per configured pair (on `oracle`), sets each pool's flow limits (the
 * config's reference amounts at the starting rates) and lists it with the router. `admin` holds every admin role
 * until the federation's timelock takes them over (see `handOverToFederation`). The pools and the router still
 * need to be made exempt in each community's registry: by that community's own governance (its timelock holds the
 * registry), which the simulation does.
 */
export async function deployPools(
  admin: Signer,
  oracle: FxOracle,
  config: BridgeJson,
  communities: DeployedCommunity[],
): Promise<{ router: BridgeRouter; pools: DeployedPool[] }> {
  const adminAddress = await admin.getAddress();
  const router = (await ethers.deployContract("BridgeRouter", [adminAddress], admin)) as unknown as BridgeRouter;
  const rates = startingRates(config);
  const byId = new Map(communities.map((c) => [c.id, c]));
  const rateOf = (currency: string) =>
    currency === config.referenceCurrency ? ethers.parseEther("1") : rates[currency];
  const pools: DeployedPool[] = [];
  for (const [idA, idB] of config.pools) {
    const a = byId.get(idA);
    const b = byId.get(idB);
    if (!a || !b) throw new Error(`bridge pool ${idA}-${idB}: no such community in this deployment`);
    const pool = (await ethers.deployContract(
      "BridgePool",
      [a.token, b.token, await oracle.getAddress(), adminAddress, config.feeBps, config.amplification],
      admin,
    )) as unknown as BridgePool;
    for (const c of [a, b]) {
      const rate = rateOf(c.currency);
      if (!rate) throw new Error(`bridge: no starting rate for ${c.currency}`);
      // flow limits in reference units, converted to the token's units at the starting rate
      const toUnits = (usd: string) => (ethers.parseEther(usd) * 10n ** 18n) / rate;
      await (
        await pool.setFlowLimits(c.token, toUnits(config.shortFlowLimitUsd), toUnits(config.longFlowLimitUsd))
      ).wait();
    }
    await (await router.setPool(await pool.getAddress())).wait();
    pools.push({ address: await pool.getAddress(), communities: [idA, idB], tokenA: a.token, tokenB: b.token });
  }
  return { router, pools };
}

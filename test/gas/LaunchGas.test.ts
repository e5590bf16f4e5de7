/**
 * The gas of launching one community through the CommunityFactory (ERC-1167 clones), next to what deploying the
 * same contracts in full for that community would cost. `REPORT_GAS=true npx hardhat test test/gas/LaunchGas.test.ts`
 * also lists CommunityFactory.launch and the four deployments in hardhat-gas-reporter's tables.
 *
 * (a) clones: the gasUsed of one `CommunityFactory.launch` transaction. It creates the four clones, initialises them
 *     from the config, hands every admin role to the timelock and registers the community.
 *
 * (b) full deployment, computed as
 *       the deployment gas of CommunityToken, ComplianceRegistry, CommunityGovernor and CommunityTimelock (fresh
 *       deployments of the very bytecode the clones delegate to: the test checks the runtime code is identical)
 *     + the launch's gas minus the part that creates the four clones (each CREATE2 of a 45-byte proxy, measured in
 *       the launch's trace as the factory frame's gas before the CREATE2 minus its gas once the CREATE2 returns).
 *     So (b) is "the same setup work, but on contracts deployed in full". No new contract is written for it.
 *
 * What (b) includes that a purpose-built full deployment might not, and the reverse (all small next to the total):
 *   - each deployment's 21,000 base gas and its calldata (the bytecode): a full deployment pays these too;
 *   - the implementations' constructors run `_disableInitializers` (one storage write each, about 22k gas);
 *     a constructor-initialised contract would not, but would write the same state `initialize` writes;
 *   - the setup in (b) is the launch's, calls through the clones included: each call to a clone pays a
 *     DELEGATECALL hop (a cold account access, ~2.6k gas, then ~100 per later call) that a full contract would not;
 *   - (b) keeps the setup in one transaction; set up by separate transactions it would cost more.
 * Gas figures are printed, never asserted; the assertions check behaviour.
 */
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { ethers } from "hardhat";
import { communityContracts, deployFactoryRolesApartFixture, KC, ref } from "../shared/fixtures";

interface StructLog {
  op: string;
  gas: number;
  depth: number;
}

/** The gas each CREATE2 of transaction `hash` cost its caller, child execution and code deposit included. */
async function create2Costs(hash: string): Promise<bigint[]> {
  const trace = (await ethers.provider.send("debug_traceTransaction", [
    hash,
    { disableStack: true, disableMemory: true, disableStorage: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const costs: bigint[] = [];
  logs.forEach((log, i) => {
    if (log.op !== "CREATE2") return;
    const after = logs.slice(i + 1).find((next) => next.depth === log.depth);
    if (!after) throw new Error(`CREATE2 at step ${i} never returned`);
    costs.push(BigInt(log.gas - after.gas));
  });
  return costs;
}

async function deploymentGas(name: string) {
  const contract = await ethers.deployContract(name);
  const receipt = await (contract.deploymentTransaction() as ContractTransactionResponse).wait();
  return { address: await contract.getAddress(), gas: receipt!.gasUsed };
}

const IMPLEMENTATIONS = [
  ["CommunityToken", "token"],
  ["ComplianceRegistry", "registry"],
  ["CommunityGovernor", "governor"],
  ["CommunityTimelock", "timelock"],
] as const;

describe("Gas: launching a community with clones, next to deploying its contracts in full", () => {
  const rows: [label: string, gas: bigint][] = [];
  let clones = 0n;
  let full = 0n;

  after(() => {
    if (clones === 0n) return;
    const line = (label: string, gas: bigint | string) => `    ${label.padEnd(58)} ${String(gas).padStart(10)}`;
    console.log();
    for (const [label, gas] of rows) console.log(line(label, gas));
    console.log(line("(a) launch with clones", clones));
    console.log(line("(b) full deployment (4 deployments + setup)", full));
    console.log(line("ratio (b) / (a)", `${(Number((full * 1000n) / clones) / 1000).toFixed(2)}x`));
  });

  it("measures (a) and (b) for the same community, and the launched community works", async () => {
    const f = await loadFixture(deployFactoryRolesApartFixture);
    const config = f.config("gas-town");

    // (a): one launch through the factory
    const receipt = (await (await f.factory.connect(f.launcher).launch(config)).wait())!;
    const cloneCosts = await create2Costs(receipt.hash);
    expect(cloneCosts).to.have.length(4);
    const cloneCreation = cloneCosts.reduce((a, b) => a + b, 0n);
    const setup = receipt.gasUsed - cloneCreation;

    // (b): the four contracts deployed in full, plus the same setup
    let deployments = 0n;
    for (const [name, key] of IMPLEMENTATIONS) {
      const { address, gas } = await deploymentGas(name);
      // the very code every clone delegates to
      expect(await ethers.provider.getCode(address)).to.equal(await ethers.provider.getCode(f.implementations[key]));
      rows.push([`deploy ${name} in full`, gas]);
      deployments += gas;
    }
    rows.push(["creation of the 4 clones, inside the launch", cloneCreation]);
    rows.push(["launch setup: initialise, hand over roles, register", setup]);
    clones = receipt.gasUsed;
    full = deployments + setup;

    // behaviour: the launched community works
    const { token, registry } = await communityContracts(f.communityRegistry, "gas-town");
    await token.connect(f.minter).mint(f.alice.address, KC(1_500), ref("gas-town-deposit"));
    await expect(token.connect(f.alice).transfer(f.bob.address, KC(1_000))).to.changeTokenBalances(
      token,
      [f.alice, f.bob],
      [-KC(1_000), KC(1_000)],
    );
    await expect(token.connect(f.alice).transfer(f.bob.address, KC(1)))
      .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
      .withArgs(f.alice.address, 0, KC(1_000), KC(1_000), KC(1));
    expect(setup).to.be.greaterThan(0n);
  });
});

/**
 * kc, the voters' CLI (scripts/kc.ts), end to end: a Hardhat node on a free port, the deploy script, then the CLI as a
 * child process for a community proposal's whole life (delegate, list, vote too early, vote, vote again, queue too
 * early, queue, execute too early, execute, show) and for its errors (usage, missing key, keystore password, unknown
 * community, proposal and address, no voting power). If the deployment has a federation, the community proposal also
 * delegates Katy's seat to the voter, Houston's does the same, and a federation proposal goes through the CLI too.
 *
 * Then the business and wallet commands: a merchant registers (and is verified by the community's verifier, with
 * ethers), invoices, a customer signs the payment (permit, then ERC-3009 authorization) and a terminal submits it,
 * the merchant refunds; can-transfer, transfer and permit; and their errors. Then trade escrow (the deployment's
 * TradeEscrow, else one deployed here and given as KC_TRADE_ESCROW): orders opened, delivered, released, disputed and
 * resolved by a katy arbiter, refunded and claimed after their deadlines, one cross-border (KATY to HOU); and profit
 * sharing (claimable, claim).
 *
 *   npx hardhat test test/cli/kc.test.ts           KC_SKIP_E2E=1 skips it
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import type { Deployment, DeployedCommunity } from "../../scripts/lib/deployment";
import {
  CommunityGovernor__factory,
  CommunityToken__factory,
  ComplianceRegistry__factory,
  FederationSeats__factory,
  MerchantRegistry__factory,
  MutualAidFund__factory,
  PaymentRouter__factory,
  TradeEscrow__factory,
  BridgeRouter__factory,
  BridgePool__factory,
  ProfitSharing__factory,
} from "../../typechain-types";
import { ROOT, Stack } from "../e2e/harness";

const BIN = path.join(ROOT, "scripts", "lib", "cli", "bin.cjs");
const KC = (n: number | bigint) => ethers.parseUnits(n.toString(), 18);
const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` with the environment `env` (nothing KC_ inherited from the test's own environment). */
function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("KC_") && key !== "DEPLOYMENT_FILE"),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    // "close", not "exit": the process may exit before its output has been read to the end
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Expects a one-line error on stderr (no stack trace) with exit code `code`. */
function expectError(result: Result, code: number, pattern: RegExp, what = ""): void {
  expect(result.code, `${what}: exit code; stdout: ${result.stdout}; stderr: ${result.stderr}`).to.equal(code);
  expect(result.stderr).to.match(pattern);
  expect(result.stderr.trim().split("\n"), "one line on stderr").to.have.lengthOf(1);
  expect(result.stderr).not.to.match(/\n\s+at /);
}

function expectOk(result: Result): void {
  expect(result.code, `exit code; stdout: ${result.stdout}; stderr: ${result.stderr}`).to.equal(0);
}

const describeE2E = process.env.KC_SKIP_E2E === "1" ? describe.skip : describe;

describeE2E("kc, the voter CLI (end to end)", function () {
  this.timeout(180_000);
  const stack = new Stack();
  let provider: ethers.JsonRpcProvider;
  let deployment: Deployment;
  let katy: DeployedCommunity;
  let houston: DeployedCommunity;
  const voter = ethers.Wallet.createRandom();
  /** Holds no tokens and no ETH: for the checks that must fail before anything is sent. */
  const stranger = ethers.Wallet.createRandom();
  let env: NodeJS.ProcessEnv;

  const kc = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runCommand("node", [BIN, ...args], { ...env, ...extra });
  /** Runs the cases three at a time (each is a process of its own); each must fail as its pattern says. */
  const expectErrors = async (cases: [string[], number, RegExp, NodeJS.ProcessEnv?][]) => {
    for (let i = 0; i < cases.length; i += 3) {
      const batch = cases.slice(i, i + 3);
      const results = await Promise.all(batch.map(([args, , , extra]) => kc(args, extra)));
      results.forEach((result, j) => {
        const [args, code, pattern] = batch[j]!;
        expectError(result, code, pattern, args.join(" "));
      });
    }
  };
  const timeTravel = async (seconds: bigint) => {
    await provider.send("evm_increaseTime", [Number(seconds)]);
    await provider.send("evm_mine", []);
  };
  const latest = async () => BigInt((await provider.getBlock("latest"))!.timestamp);

  before(async function () {
    await stack.startChain();
    await stack.hardhatRun("scripts/deploy.ts").catch((error: Error) => {
      throw new Error(`${error.message}\n${stack.tails()}`);
    });
    deployment = stack.deployment;
    katy = deployment.communities.find((c) => c.id === "katy")!;
    houston = deployment.communities.find((c) => c.id === "houston")!;
    provider = new ethers.JsonRpcProvider(stack.rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
    env = { KC_RPC_URL: stack.rpcUrl, DEPLOYMENT_FILE: stack.deploymentFile, KC_PRIVATE_KEY: voter.privateKey };

    const funder = await provider.getSigner(0);
    await (await funder.sendTransaction({ to: voter.address, value: ethers.parseEther("10") })).wait();
    const minter = await provider.getSigner(deployment.roles.minter);
    for (const community of [katy, houston]) {
      const token = CommunityToken__factory.connect(community.token, minter);
      await (await token.mint(voter.address, KC(10_000), ethers.id(`cli:${community.id}`))).wait();
    }
  });

  after(async () => {
    provider?.destroy();
    await stack.stop();
  });

  describe("command line", () => {
    it("prints its help through npm run kc and npx kc", async () => {
      for (const [command, args] of [
        ["npm", ["run", "--silent", "kc", "--", "--help"]],
        ["npx", ["kc", "--help"]],
      ] as const) {
        const result = await runCommand(command, [...args], {});
        expectOk(result);
        expect(result.stdout).to.include("usage: npm run kc -- <command>");
        expect(result.stdout).to.include("vote <id> for|against|abstain");
      }
    });

    it("rejects a bad command line with exit code 2", async () => {
      await expectErrors([
        [[], 2, /no command given/],
        [["frob", "--community", "katy"], 2, /unknown command "frob"/],
        [["vote", "0x1234", "maybe", "--community", "katy"], 2, /bad vote "maybe"/],
        [["proposals"], 2, /needs --community <id> or --federation/],
        [["proposals", "--community", "katy", "--federation"], 2, /either --community/],
        [["proposals", "--community", "katy", "--bogus"], 2, /bogus/],
        [["vote", "--community", "katy"], 2, /vote needs <id> <for\|against\|abstain>/],
        [["balance", "a", "b", "--community", "katy"], 2, /unexpected argument "b"/],
        [["proposal", "nonsense", "--community", "katy"], 2, /bad proposal id "nonsense"/],
      ]);
    });

    it("names what is wrong: missing key, unknown community, bad address, no node", async () => {
      const badChecksum = voter.address.replace(
        /(0x[^a-f]*)([a-f])/,
        (_, head: string, c: string) => head + c.toUpperCase(),
      );
      await expectErrors([
        [
          ["delegate", "self", "--community", "katy"],
          1,
          /missing key: set KC_PRIVATE_KEY, or KC_KEYSTORE/,
          { KC_PRIVATE_KEY: "" },
        ],
        [["delegate", "self", "--community", "katy"], 1, /not a private key/, { KC_PRIVATE_KEY: "0x1234" }],
        [["proposals", "--community", "atlantis"], 1, /unknown community "atlantis".*known: katy, houston/],
        [["delegate", "0x12345", "--community", "katy"], 1, /bad delegate address: "0x12345"/],
        [["balance", "not-an-address", "--community", "katy"], 1, /bad address/],
        [["balance", badChecksum, "--community", "katy"], 1, /fails its EIP-55 checksum/],
        [
          ["proposals", "--community", "katy"],
          1,
          /cannot reach a JSON-RPC node at http:\/\/127\.0\.0\.1:9/,
          { KC_RPC_URL: "http://127.0.0.1:9" },
        ],
        [
          ["proposals", "--community", "katy"],
          1,
          /no deployment file at/,
          { DEPLOYMENT_FILE: path.join(stack.tmp, "none.json") },
        ],
      ]);
    });
  });

  describe("a community proposal, start to finish", () => {
    let proposalId: bigint;
    let shortId: string;
    let keystore: string;

    it("unlocks a keystore (wrong password: a clear message) and delegates the signer's votes to itself", async () => {
      const json = await ethers.encryptKeystoreJson(
        { address: voter.address, privateKey: voter.privateKey },
        "correct horse",
        { scrypt: { N: 1 << 4 } },
      );
      keystore = path.join(stack.tmp, "voter.json");
      fs.writeFileSync(keystore, json);
      const viaKeystore = { KC_PRIVATE_KEY: "", KC_KEYSTORE: keystore };
      expectError(
        await kc(["delegate", "self", "--community", "katy"], { ...viaKeystore, KC_KEYSTORE_PASSWORD: "wrong" }),
        1,
        /wrong password for the keystore .*voter\.json/,
      );
      expectError(
        await kc(["delegate", "self", "--community", "katy"], viaKeystore),
        1,
        /KC_KEYSTORE_PASSWORD is not set/,
      );

      const result = await kc(["delegate", "self", "--community", "katy"], {
        ...viaKeystore,
        KC_KEYSTORE_PASSWORD: "correct horse",
      });
      expectOk(result);
      expect(result.stdout).to.match(/delegated the katy votes of 0x[0-9a-fA-F]{40} \(balance 10,000 KATY\) to itself/);
      const token = CommunityToken__factory.connect(katy.token, provider);
      expect(await token.delegates(voter.address)).to.equal(voter.address);
      expect(await token.getVotes(voter.address)).to.equal(KC(10_000));

      const balance = await kc(["balance", "--community", "katy"]);
      expectOk(balance);
      expect(balance.stdout).to.match(/balance +10,000 KATY/);
      expect(balance.stdout).to.match(/votes +10,000 KATY/);
    });

    it("lists a new proposal as Pending", async () => {
      const signer = voter.connect(provider);
      const registry = ComplianceRegistry__factory.connect(katy.complianceRegistry, provider);
      const governor = CommunityGovernor__factory.connect(katy.governor, signer);
      const targets = [katy.complianceRegistry];
      const calldatas = [registry.interface.encodeFunctionData("setTravelRuleThreshold", [KC(1_234)])];
      if (deployment.federation) {
        // Katy's timelock holds its federation seat: this proposal lets the voter represent Katy in the federation
        const seats = FederationSeats__factory.connect(deployment.federation.seats.address, provider);
        targets.push(deployment.federation.seats.address);
        calldatas.push(seats.interface.encodeFunctionData("delegate", [voter.address]));
      }
      const values = targets.map(() => 0n);
      const description = "# Raise the travel-rule threshold to 1,234\n\nProposed from the CLI test.";
      await (await governor.propose(targets, values, calldatas, description)).wait();
      proposalId = await governor.hashProposal(targets, values, calldatas, ethers.id(description));
      shortId = `0x${proposalId.toString(16).padStart(64, "0").slice(0, 8)}`;

      const result = await kc(["proposals", "--community", "katy"]);
      expectOk(result);
      expect(result.stdout).to.include("katy: 1 proposal");
      expect(result.stdout).to.match(new RegExp(`${shortId}\\s+Pending\\s+Raise the travel-rule threshold to 1,234`));
      expect(result.stdout).to.include(`id        ${proposalId}`);
      expect(result.stdout).to.include("for 0 KATY · against 0 KATY · abstain 0 KATY");
      const snapshot = await governor.proposalSnapshot(proposalId);
      expect(result.stdout).to.include(`snapshot  ${iso(snapshot)}`);
      expect(result.stdout).to.include(`deadline ${iso(await governor.proposalDeadline(proposalId))}`);
    });

    it("refuses a vote before voting opens, saying when it does", async () => {
      const governor = CommunityGovernor__factory.connect(katy.governor, provider);
      const snapshot = await governor.proposalSnapshot(proposalId);
      await expectErrors([
        [
          ["vote", shortId, "for", "--community", "katy"],
          1,
          new RegExp(`voting on proposal ${shortId} is not open yet: it opens after ${iso(snapshot)}`),
        ],
        [["vote", "0xdeadbeef", "for", "--community", "katy"], 1, /unknown proposal 0xdeadbeef in katy's governor/],
        [["proposal", "12345", "--community", "katy"], 1, /unknown proposal 12345/],
      ]);
    });

    it("votes once voting is open, with the weight and reason; not twice; not without voting power", async () => {
      const governor = CommunityGovernor__factory.connect(katy.governor, provider);
      await timeTravel((await governor.votingDelay()) + 1n);
      const result = await kc([
        "vote",
        proposalId.toString(),
        "for",
        "--reason",
        "good for the till",
        "--community",
        "katy",
      ]);
      expectOk(result);
      expect(result.stdout).to.include(`voted For on proposal ${shortId} (katy) with weight 10,000 KATY`);
      expect(result.stdout).to.include('reason: "good for the till"');
      expect(await governor.hasVoted(proposalId, voter.address)).to.equal(true);
      const [cast] = await governor.queryFilter(governor.filters.VoteCast(voter.address));
      expect(cast?.args.reason).to.equal("good for the till");

      await expectErrors([
        [
          ["vote", shortId, "against", "--community", "katy"],
          1,
          new RegExp(`${voter.address} has already voted on proposal ${shortId}`),
        ],
        [
          ["vote", shortId, "abstain", "--community", "katy"],
          1,
          new RegExp(`${stranger.address} had no voting power at proposal ${shortId}'s snapshot`),
          { KC_PRIVATE_KEY: stranger.privateKey },
        ],
      ]);
    });

    it("refuses to queue before voting ends, naming the state", async () => {
      await expectErrors([
        [
          ["queue", shortId, "--community", "katy"],
          1,
          new RegExp(
            `proposal ${shortId} is Active, not Succeeded: only a Succeeded proposal can be queued; voting ends`,
          ),
        ],
        [["execute", shortId, "--community", "katy"], 1, /is Active, not Queued/],
      ]);
    });

    it("queues after the voting period, then refuses to execute before the timelock is ready", async () => {
      const governor = CommunityGovernor__factory.connect(katy.governor, provider);
      await timeTravel((await governor.proposalDeadline(proposalId)) - (await latest()) + 1n);
      const queued = await kc(["queue", shortId, "--community", "katy"]);
      expectOk(queued);
      const eta = await governor.proposalEta(proposalId);
      expect(queued.stdout).to.include(`queued proposal ${shortId} (katy): executable from ${iso(eta)}`);
      expect(await governor.state(proposalId)).to.equal(5n); // Queued

      await expectErrors([
        [
          ["execute", shortId, "--community", "katy"],
          1,
          new RegExp(`proposal ${shortId} is queued, but its timelock operation is not ready until ${iso(eta)}`),
        ],
        [["queue", shortId, "--community", "katy"], 1, /is already Queued/],
      ]);
    });

    it("executes once the timelock is ready; `proposal` then shows it Executed, its actions decoded", async () => {
      const governor = CommunityGovernor__factory.connect(katy.governor, provider);
      await timeTravel((await governor.proposalEta(proposalId)) - (await latest()) + 1n);
      const executed = await kc(["execute", shortId, "--community", "katy"]);
      expectOk(executed);
      expect(executed.stdout).to.include(`executed proposal ${shortId} (katy): now Executed`);
      const registry = ComplianceRegistry__factory.connect(katy.complianceRegistry, provider);
      expect(await registry.travelRuleThreshold()).to.equal(KC(1_234));

      const shown = await kc(["proposal", proposalId.toString(), "--community", "katy"]);
      expectOk(shown);
      expect(shown.stdout).to.match(/state +Executed/);
      expect(shown.stdout).to.match(new RegExp(`proposer +${voter.address}`));
      expect(shown.stdout).to.match(/for +10,000 KATY/);
      expect(shown.stdout).to.match(/quorum +400 KATY at the snapshot \(for \+ abstain\): reached/);
      expect(shown.stdout).to.include(`${katy.complianceRegistry} (katy compliance registry)`);
      expect(shown.stdout).to.include("setTravelRuleThreshold(threshold: 1234000000000000000000 (1234.0 ×1e18))");
      if (deployment.federation) expect(shown.stdout).to.include(`delegate(delegatee: ${voter.address})`);
      expect(shown.stdout).to.include("Proposed from the CLI test.");
      expectError(await kc(["execute", shortId, "--community", "katy"]), 1, /is Executed, not Queued/);
    });
  });

  describe("the federation", () => {
    it("says so when the deployment has no federation", async () => {
      const { federation: _federation, ...without } = deployment;
      const file = path.join(stack.tmp, "without-federation.json");
      fs.writeFileSync(file, JSON.stringify(without));
      expectError(
        await kc(["proposals", "--federation"], { DEPLOYMENT_FILE: file }),
        1,
        /without-federation\.json has no federation/,
      );
    });

    it("a federation proposal through the CLI, voted with the seats Katy and Houston delegated", async function () {
      if (!deployment.federation) this.skip();
      const federation = deployment.federation;
      const [empty, noSeat] = await Promise.all([
        kc(["proposals", "--federation"]),
        kc(["delegate", "self", "--federation"]),
      ]);
      expectOk(empty);
      expect(empty.stdout).to.include("federation: no proposals");
      expectError(noSeat, 1, /holds no federation seat: seats are held by community timelocks/);

      // Houston delegates its seat to the voter as well (quorum: half the seats), by its own proposal, with ethers
      const signer = voter.connect(provider);
      const seats = FederationSeats__factory.connect(federation.seats.address, provider);
      expectOk(await kc(["delegate", "self", "--community", "houston"]));
      const houstonGovernor = CommunityGovernor__factory.connect(houston.governor, signer);
      const draft = [
        [federation.seats.address],
        [0n],
        [seats.interface.encodeFunctionData("delegate", [voter.address])],
      ] as const;
      const description = "Houston's seat: the CLI test's voter represents it";
      await (await houstonGovernor.propose([...draft[0]], [...draft[1]], [...draft[2]], description)).wait();
      const houstonId = await houstonGovernor.hashProposal(
        [...draft[0]],
        [...draft[1]],
        [...draft[2]],
        ethers.id(description),
      );
      await timeTravel((await houstonGovernor.votingDelay()) + 1n);
      await (await houstonGovernor.castVote(houstonId, 1)).wait();
      await timeTravel((await houstonGovernor.proposalDeadline(houstonId)) - (await latest()) + 1n);
      await (await houstonGovernor.queue([...draft[0]], [...draft[1]], [...draft[2]], ethers.id(description))).wait();
      await timeTravel((await houstonGovernor.proposalEta(houstonId)) - (await latest()) + 1n);
      await (await houstonGovernor.execute([...draft[0]], [...draft[1]], [...draft[2]], ethers.id(description))).wait();
      expect(await seats.getVotes(voter.address)).to.equal(2n);
      const balance = await kc(["balance", "--federation"]);
      expectOk(balance);
      expect(balance.stdout).to.match(/votes +2 seats/);

      // a federation proposal: an emergency cap for Katy's token in the mutual-aid fund
      const fund = MutualAidFund__factory.connect(federation.mutualAidFund.address, provider);
      const governor = CommunityGovernor__factory.connect(federation.governor.address, signer);
      const fedDraft = {
        targets: [federation.mutualAidFund.address],
        values: [0n],
        calldatas: [fund.interface.encodeFunctionData("setEmergencyCap", [katy.token, KC(500)])],
        description: "Emergency cap of 500 KATY for Katy\n\nSet from the CLI test.",
      };
      await timeTravel(1n);
      await (
        await governor.propose(fedDraft.targets, fedDraft.values, fedDraft.calldatas, fedDraft.description)
      ).wait();
      const id = await governor.hashProposal(
        fedDraft.targets,
        fedDraft.values,
        fedDraft.calldatas,
        ethers.id(fedDraft.description),
      );
      const short = `0x${id.toString(16).padStart(64, "0").slice(0, 8)}`;
      const listed = await kc(["proposals", "--federation"]);
      expectOk(listed);
      expect(listed.stdout).to.match(new RegExp(`${short}\\s+Pending\\s+Emergency cap of 500 KATY for Katy`));
      expectError(await kc(["vote", short, "for", "--federation"]), 1, /is not open yet/);

      await timeTravel((await governor.votingDelay()) + 1n);
      const voted = await kc(["vote", short, "for", "--reason", "Katy and Houston agree", "--federation"]);
      expectOk(voted);
      expect(voted.stdout).to.include(`voted For on proposal ${short} (federation) with weight 2 seats`);
      await expectErrors([
        [["vote", short, "for", "--federation"], 1, /has already voted/],
        [["queue", short, "--federation"], 1, /is Active, not Succeeded/],
      ]);

      await timeTravel((await governor.proposalDeadline(id)) - (await latest()) + 1n);
      expectOk(await kc(["queue", short, "--federation"]));
      expectError(await kc(["execute", short, "--federation"]), 1, /not ready until/);
      await timeTravel((await governor.proposalEta(id)) - (await latest()) + 1n);
      const executed = await kc(["execute", short, "--federation"]);
      expectOk(executed);
      expect(executed.stdout).to.include("now Executed");
      expect(await fund.emergencyCap(katy.token)).to.equal(KC(500));

      const shown = await kc(["proposal", short, "--federation"]);
      expectOk(shown);
      expect(shown.stdout).to.match(/state +Executed/);
      expect(shown.stdout).to.match(/for +2 seats/);
      expect(shown.stdout).to.include("(mutual-aid fund)");
      expect(shown.stdout).to.include(`setEmergencyCap(token: ${katy.token} (katy token (KATY))`);
    });
  });

  describe("business and wallet commands", () => {
    const merchant = ethers.Wallet.createRandom();
    const customer = ethers.Wallet.createRandom();
    const terminal = ethers.Wallet.createRandom();
    const frozen = ethers.Wallet.createRandom();
    let routerAddress: string;
    let merchantsAddress: string;
    let token: ReturnType<typeof CommunityToken__factory.connect>;
    const as = (wallet: { privateKey: string }) => ({ KC_PRIVATE_KEY: wallet.privateKey });
    const file = (name: string) => path.join(stack.tmp, name);

    before(async () => {
      const funder = await provider.getSigner(0);
      for (const to of [merchant.address, customer.address, terminal.address]) {
        await (await funder.sendTransaction({ to, value: ethers.parseEther("10") })).wait();
      }
      if (deployment.business?.paymentRouter?.address) {
        routerAddress = deployment.business.paymentRouter.address;
        merchantsAddress = deployment.business.merchantRegistry.address;
      } else {
        // a deployment without the business contracts: deploy them here and add them to a copy of the file
        const merchants = await new MerchantRegistry__factory(funder).deploy(deployment.federation.federation.address);
        await merchants.waitForDeployment();
        const router = await new PaymentRouter__factory(funder).deploy(await merchants.getAddress());
        await router.waitForDeployment();
        merchantsAddress = await merchants.getAddress();
        routerAddress = await router.getAddress();
        const withBusiness = {
          ...deployment,
          business: {
            merchantRegistry: { address: merchantsAddress, startBlock: 0 },
            paymentRouter: { address: routerAddress, startBlock: 0 },
            loyaltyProgram: { address: await router.loyalty(), startBlock: 0 },
          },
        };
        fs.writeFileSync(file("with-business.json"), JSON.stringify(withBusiness));
        env = { ...env, DEPLOYMENT_FILE: file("with-business.json") };
      }
      // katy's timelock (impersonated: what a katy proposal would do) makes the router an exempt system account
      await provider.send("hardhat_impersonateAccount", [katy.timelock]);
      await provider.send("hardhat_setBalance", [katy.timelock, "0x56BC75E2D63100000"]);
      const timelock = new ethers.JsonRpcSigner(provider, katy.timelock);
      const registry = ComplianceRegistry__factory.connect(katy.complianceRegistry, timelock);
      await (await registry.setExempt(routerAddress, true)).wait();
      await provider.send("hardhat_stopImpersonatingAccount", [katy.timelock]);

      token = CommunityToken__factory.connect(katy.token, provider);
      const minter = await provider.getSigner(deployment.roles.minter);
      await (await token.connect(minter).mint(customer.address, KC(100), ethers.id("cli:customer"))).wait();
      await (await token.connect(minter).mint(merchant.address, KC(10), ethers.id("cli:merchant"))).wait();
    });

    it("rejects bad business command lines with exit code 2", async () => {
      await expectErrors([
        [["invoice", "create", "--amount", "1.2.3"], 2, /bad amount "1\.2\.3": give a number like 12 or 12\.5/],
        [["transfer", "--to", merchant.address, "--amount", "0", "--community", "katy"], 2, /must be more than 0/],
        [
          ["transfer", "--to", merchant.address, "--amount", "1.0000000000000000001", "--community", "katy"],
          2,
          /at most 18 decimals/,
        ],
        [["invoice", "create", "--amount", "1", "--fiat", "1", "--currency", "usd"], 2, /bad currency "usd"/],
        [["pay", "--intent", "x.json", "--method", "card", "--submit"], 2, /bad --method "card"/],
        [["pay", "--intent", "x.json"], 2, /pay needs --out <file> \(for a terminal\) or --submit/],
        [["merchant", "frob"], 2, /merchant needs one of register, show, not "frob"/],
        [["transfer", "--to", merchant.address, "--amount", "1", "--federation"], 2, /--federation does not go/],
        [["invoice", "create"], 2, /invoice create needs --amount <KC>/],
        [["escrow", "open"], 2, /escrow open needs --seller <address>/],
        [["can-transfer", "--to", "0x1234", "--amount", "1", "--community", "katy"], 1, /bad recipient address/],
        [["refund", "--invoice", "INV-none", "--amount", "1"], 1, /no payment of invoice INV-none/, as(merchant)],
      ]);
      const { business: _business, ...without } = deployment;
      fs.writeFileSync(file("without-business.json"), JSON.stringify(without));
      expectError(
        await kc(["merchant", "show", merchant.address], { DEPLOYMENT_FILE: file("without-business.json") }),
        1,
        /without-business\.json has no business contracts/,
      );
    });

    it("registers a merchant; it is invoiced only once verified", async () => {
      fs.writeFileSync(file("shop.json"), JSON.stringify({ name: "The CLI coffee shop" }));
      const registered = await kc(
        [
          "merchant",
          "register",
          "--community",
          "katy",
          "--category",
          "cafe",
          "--uri",
          "ipfs://kc-cli/shop.json",
          "--file",
          file("shop.json"),
        ],
        as(merchant),
      );
      expectOk(registered);
      expect(registered.stdout).to.include(`registered ${merchant.address} as a merchant of katy (KATY): Pending`);
      const merchants = MerchantRegistry__factory.connect(merchantsAddress, provider);
      const record = await merchants.merchantOf(merchant.address);
      expect(record.status).to.equal(1n);
      expect(record.token).to.equal(katy.token);
      expect(record.category).to.equal(ethers.id("cafe"));
      expect(record.metadataURI).to.equal("ipfs://kc-cli/shop.json");
      expect(record.metadataHash).to.equal(ethers.keccak256(fs.readFileSync(file("shop.json"))));

      await expectErrors([
        [
          ["merchant", "register", "--community", "katy", "--category", "cafe", "--uri", "ipfs://again"],
          1,
          /is registered already \(Pending/,
          as(merchant),
        ],
        [["invoice", "create", "--amount", "1"], 1, /is Pending, not Verified/, as(merchant)],
        [["invoice", "create", "--amount", "1"], 1, /is not a registered merchant/, as(customer)],
      ]);

      // the community's KYC provider: tier 2, then verification
      const verifier = await provider.getSigner(deployment.roles.verifier);
      const registry = ComplianceRegistry__factory.connect(katy.complianceRegistry, verifier);
      await (await registry.setTier(merchant.address, 2)).wait();
      await (await merchants.connect(verifier).verify(merchant.address)).wait();
      const shown = await kc(["merchant", "show", merchant.address]);
      expectOk(shown);
      expect(shown.stdout).to.match(/status +Verified \(can be paid\)/);
      expect(shown.stdout).to.match(/community +katy/);
      expect(shown.stdout).to.match(/KYC tier +2/);
    });

    it("invoice, customer signs with a permit, terminal submits: the amount moves exactly, once", async () => {
      const created = await kc(
        [
          "invoice",
          "create",
          "--amount",
          "12.5",
          "--fiat",
          "3.75",
          "--currency",
          "USD",
          "--invoice",
          "INV-1",
          "--out",
          file("inv-1.json"),
        ],
        as(merchant),
      );
      expectOk(created);
      const amount = ethers.parseUnits("12.5", 18);
      expect(created.stdout).to.include(
        `ethereum:${katy.token}@${deployment.chainId}/transfer?address=${merchant.address}&uint256=${amount}`,
      );
      expect(created.stdout).to.include(`&invoice=${ethers.id("INV-1")}`);
      const invoice = JSON.parse(fs.readFileSync(file("inv-1.json"), "utf8"));
      expect(invoice.intent.payer).to.equal(ethers.ZeroAddress);
      expect(invoice.intent.amount).to.equal(amount.toString());
      expect(invoice.intent.fiatAmount).to.equal(ethers.parseUnits("3.75", 18).toString());
      expect(invoice.intent.fiatCurrency).to.equal("USD");

      const signed = await kc(["pay", "--intent", file("inv-1.json"), "--out", file("paid-1.json")], as(customer));
      expectOk(signed);
      expect(JSON.parse(fs.readFileSync(file("paid-1.json"), "utf8")).intent.payer).to.equal(customer.address);

      const before = [await token.balanceOf(customer.address), await token.balanceOf(merchant.address)];
      const submitted = await kc(["terminal", "submit", "--intent", file("paid-1.json")], as(terminal));
      expectOk(submitted);
      expect(submitted.stdout).to.include(`paid invoice INV-1: 12.5 KATY from ${customer.address}`);
      expect(await token.balanceOf(customer.address)).to.equal(before[0]! - amount);
      expect(await token.balanceOf(merchant.address)).to.equal(before[1]! + amount);

      await expectErrors([
        [["terminal", "submit", "--intent", file("paid-1.json")], 1, /invoice .* is already paid/, as(terminal)],
        [["pay", "--intent", file("inv-1.json"), "--submit"], 1, /is already paid \(12\.5 KATY by/, as(customer)],
        [["invoice", "create", "--amount", "1", "--invoice", "INV-1"], 1, /already paid/, as(merchant)],
        [["terminal", "submit", "--intent", file("inv-1.json")], 2, /holds no signature/, as(terminal)],
      ]);
    });

    it("pays with an ERC-3009 authorization through the exempt router, and refunds", async () => {
      expectOk(
        await kc(
          ["invoice", "create", "--amount", "2", "--invoice", "INV-2", "--out", file("inv-2.json")],
          as(merchant),
        ),
      );
      const before = [await token.balanceOf(customer.address), await token.balanceOf(merchant.address)];
      const paid = await kc(
        ["pay", "--intent", file("inv-2.json"), "--method", "authorization", "--submit"],
        as(customer),
      );
      expectOk(paid);
      expect(await token.balanceOf(customer.address)).to.equal(before[0]! - KC(2));
      expect(await token.balanceOf(merchant.address)).to.equal(before[1]! + KC(2));

      const refunded = await kc(["refund", "--invoice", "INV-1", "--amount", "2.5"], as(merchant));
      expectOk(refunded);
      expect(refunded.stdout).to.include("approved the payment router for 2.5 KATY");
      expect(refunded.stdout).to.include(`refunded 2.5 KATY of invoice INV-1 to ${customer.address}`);
      expect(await token.balanceOf(customer.address)).to.equal(before[0]! - KC(2) + ethers.parseUnits("2.5", 18));
      expectError(
        await kc(["refund", "--invoice", "INV-1", "--amount", "10.01"], as(merchant)),
        1,
        /10\.01 KATY is more than the refundable 10 KATY/,
      );
    });

    it("can-transfer names the verdict; transfer and permit", async () => {
      const officer = await provider.getSigner(deployment.roles.complianceOfficer);
      const registry = ComplianceRegistry__factory.connect(katy.complianceRegistry, officer);
      await (await registry.freeze(frozen.address, ethers.id("cli-test"))).wait();
      const [allowed, refused, tooMuch] = await Promise.all([
        kc(["can-transfer", "--to", merchant.address, "--amount", "1.5", "--community", "katy"], as(customer)),
        kc(["can-transfer", "--to", frozen.address, "--amount", "1", "--community", "katy"], as(customer)),
        kc(["can-transfer", "--to", merchant.address, "--amount", "500", "--from", customer.address, "-c", "katy"]),
      ]);
      for (const r of [allowed, refused, tooMuch]) expectOk(r);
      expect(allowed.stdout.split("\n")[0]).to.equal("Allowed");
      expect(refused.stdout.split("\n")[0]).to.equal("RecipientFrozen");
      expect(tooMuch.stdout.split("\n")[0]).to.equal("InsufficientBalance");

      expectError(
        await kc(["transfer", "--to", frozen.address, "--amount", "1", "--community", "katy"], as(customer)),
        1,
        /refuses a transfer of 1 KATY .*: RecipientFrozen/,
      );
      const before = await token.balanceOf(merchant.address);
      expectOk(
        await kc(["transfer", "--to", merchant.address, "--amount", "0.25", "--community", "katy"], as(customer)),
      );
      expect(await token.balanceOf(merchant.address)).to.equal(before + ethers.parseUnits("0.25", 18));

      const permitted = await kc(
        ["permit", "--spender", terminal.address, "--amount", "5", "--submit", "--community", "katy"],
        as(customer),
      );
      expectOk(permitted);
      expect(permitted.stdout).to.include("allowance now 5 KATY");
      expect(await token.allowance(customer.address, terminal.address)).to.equal(KC(5));
    });
  });

  describe("trade escrow", () => {
    const buyer = ethers.Wallet.createRandom();
    const seller = ethers.Wallet.createRandom();
    const arbiter = ethers.Wallet.createRandom();
    /** No ETH and no role: every refusal must come before anything is sent. */
    const outsider = ethers.Wallet.createRandom();
    let escrowAddress: string;
    let token: ReturnType<typeof CommunityToken__factory.connect>;
    let escrow: ReturnType<typeof TradeEscrow__factory.connect>;
    /** KC_TRADE_ESCROW when the deployment has no TradeEscrow. */
    let escrowEnv: NodeJS.ProcessEnv = {};
    const as = (wallet: { privateKey: string }) => ({ ...escrowEnv, KC_PRIVATE_KEY: wallet.privateKey });
    const balances = async () =>
      Promise.all([buyer.address, seller.address, escrowAddress].map((a) => token.balanceOf(a)));
    /** Opens an order as the buyer through the CLI; returns its id. */
    const open = async (amount: string, extra: string[] = []) => {
      const id = (await escrow.orderCount()) + 1n;
      const args = ["escrow", "open", "--seller", seller.address, "--amount", amount, "--community", "katy"];
      const result = await kc([...args, ...extra], as(buyer));
      expectOk(result);
      expect(result.stdout).to.include(`opened order ${id}: ${amount} KATY from ${buyer.address} in escrow`);
      return id;
    };

    before(async () => {
      const funder = await provider.getSigner(0);
      for (const to of [buyer.address, seller.address, arbiter.address]) {
        await (await funder.sendTransaction({ to, value: ethers.parseEther("10") })).wait();
      }
      const deployed = (deployment.business as { tradeEscrow?: { address: string } } | undefined)?.tradeEscrow;
      if (deployed?.address) {
        escrowAddress = deployed.address;
      } else {
        const created = await new TradeEscrow__factory(funder).deploy(deployment.bridge.router.address);
        await created.waitForDeployment();
        escrowAddress = await created.getAddress();
        escrowEnv = { KC_TRADE_ESCROW: escrowAddress };
      }
      escrow = TradeEscrow__factory.connect(escrowAddress, provider);
      const pool = deployment.bridge.pools.find((p) => p.communities.join("-") === "katy-houston")!;
      // each community's timelock (as its proposal would): the escrow exempt in katy and houston, an arbiter in katy
      for (const community of [katy, houston]) {
        await provider.send("hardhat_impersonateAccount", [community.timelock]);
        await provider.send("hardhat_setBalance", [community.timelock, "0x56BC75E2D63100000"]);
        const registry = ComplianceRegistry__factory.connect(
          community.complianceRegistry,
          new ethers.JsonRpcSigner(provider, community.timelock),
        );
        if (!(await registry.isExempt(escrowAddress))) await (await registry.setExempt(escrowAddress, true)).wait();
        if (community === katy) await (await registry.grantRole(ethers.id("ARBITER_ROLE"), arbiter.address)).wait();
        if (!(await registry.isExempt(pool.address))) await (await registry.setExempt(pool.address, true)).wait();
        await provider.send("hardhat_stopImpersonatingAccount", [community.timelock]);
      }

      token = CommunityToken__factory.connect(katy.token, provider);
      const minter = await provider.getSigner(deployment.roles.minter);
      await (await token.connect(minter).mint(buyer.address, KC(1_000), ethers.id("cli:escrow-buyer"))).wait();
    });

    it("opens an order (approving the escrow) and shows it; refuses wrong parties and states", async () => {
      const before = await balances();
      const id = await open("100", ["--terms", "PO-2024-0042", "--delivery", "24", "--release", "48"]);
      const after = await balances();
      expect(after[0]).to.equal(before[0]! - KC(100));
      expect(after[2]).to.equal(before[2]! + KC(100));
      const order = await escrow.orderOf(id);
      expect(order.state).to.equal(1n);
      expect(order.termsHash).to.equal(ethers.id("PO-2024-0042"));
      expect(order.releaseDeadline - order.deliveryDeadline).to.equal(48n * 3600n);

      const shown = await kc(["escrow", "show", id.toString()], escrowEnv);
      expectOk(shown);
      expect(shown.stdout).to.match(/state +Funded/);
      expect(shown.stdout).to.match(new RegExp(`seller +${seller.address}`));
      expect(shown.stdout).to.include(`delivery    by ${iso(order.deliveryDeadline)}`);

      const n = id.toString();
      await expectErrors([
        [["escrow", "release", n], 1, new RegExp(`order ${n} is Funded: only the buyer may release it`), as(seller)],
        [["escrow", "deliver", n], 1, new RegExp(`order ${n} is Funded: only the seller may mark it`), as(buyer)],
        [
          ["escrow", "claim", n],
          1,
          new RegExp(`order ${n} is Funded: only a Delivered order can be claimed`),
          as(seller),
        ],
        [
          ["escrow", "refund", n],
          1,
          new RegExp(`the delivery deadline passes at ${iso(order.deliveryDeadline)} .*: refund possible after it`),
          as(buyer),
        ],
        [
          ["escrow", "resolve", n, "--buyer", "50", "--seller", "50"],
          1,
          /is Funded: only a Disputed order/,
          as(arbiter),
        ],
        [
          ["escrow", "dispute", n, "--reason", "late"],
          1,
          /only its buyer .* or seller .* may dispute it/,
          as(outsider),
        ],
        [["escrow", "show", "999"], 1, /no order 999 in the TradeEscrow/, escrowEnv],
        [["escrow", "dispute", n], 2, /escrow dispute needs --reason <text>/, as(buyer)],
        [["escrow", "release", "first"], 2, /bad order id "first"/, as(buyer)],
        [["escrow", "frob"], 2, /escrow needs one of open, show, deliver/],
        [
          ["escrow", "open", "--seller", buyer.address, "--amount", "1", "-c", "katy"],
          1,
          /is the signer itself/,
          as(buyer),
        ],
        [
          ["escrow", "open", "--seller", seller.address, "--amount", "1", "-c", "katy", "--min-out", "1"],
          2,
          /--min-out and --slippage-bps go with a cross-border order/,
          as(buyer),
        ],
      ]);
    });

    it("the seller delivers, the buyer releases: the seller is paid exactly the amount, once", async () => {
      const id = (await escrow.orderCount()).toString();
      const delivered = await kc(["escrow", "deliver", id, "--proof", "BL-7781"], as(seller));
      expectOk(delivered);
      expect(delivered.stdout).to.include(`order ${id} is Delivered`);
      expectError(
        await kc(["escrow", "release", id], as(seller)),
        1,
        new RegExp(`order ${id} is Delivered: only the buyer may release it`),
      );
      const before = await balances();
      const released = await kc(["escrow", "release", id], as(buyer));
      expectOk(released);
      expect(released.stdout).to.include(`released order ${id}: 100 KATY paid the seller ${seller.address}`);
      const after = await balances();
      expect(after[0]).to.equal(before[0]);
      expect(after[1]).to.equal(before[1]! + KC(100));
      expect(after[2]).to.equal(before[2]! - KC(100));
      await expectErrors([
        [
          ["escrow", "release", id],
          1,
          new RegExp(`order ${id} is Released \\(final\\): only a Funded or Delivered order can be released`),
          as(buyer),
        ],
        [["escrow", "dispute", id, "--reason", "too late"], 1, /is Released \(final\)/, as(seller)],
      ]);
    });

    it("a dispute: only an arbiter of the seller's community resolves it, with a split of the whole amount", async () => {
      const id = (await open("50")).toString();
      const disputed = await kc(["escrow", "dispute", id, "--reason", "short shipment"], as(seller));
      expectOk(disputed);
      expect(disputed.stdout).to.include(`order ${id} is Disputed: an arbiter of katy resolves it`);
      expect((await escrow.orderOf(id)).state).to.equal(3n);
      await expectErrors([
        [["escrow", "resolve", id, "--buyer", "20", "--seller", "30"], 1, /the arbiter may be neither/, as(buyer)],
        [
          ["escrow", "resolve", id, "--buyer", "20", "--seller", "30"],
          1,
          new RegExp(`${outsider.address} is not an arbiter of katy \\(ARBITER_ROLE`),
          as(outsider),
        ],
        [
          ["escrow", "resolve", id, "--buyer", "20", "--seller", "20"],
          1,
          /make 40 KATY: a split shares out the whole 50 KATY/,
          as(arbiter),
        ],
        [["escrow", "release", id], 1, /is Disputed: only a Funded or Delivered order can be released/, as(buyer)],
      ]);
      const before = await balances();
      const resolved = await kc(
        ["escrow", "resolve", id, "--buyer", "20", "--seller", "30", "--reason", "ruling 7"],
        as(arbiter),
      );
      expectOk(resolved);
      expect(resolved.stdout).to.include(`resolved order ${id}: 20 KATY back to the buyer`);
      const after = await balances();
      expect(after[0]).to.equal(before[0]! + KC(20));
      expect(after[1]).to.equal(before[1]! + KC(30));
      expect(after[2]).to.equal(before[2]! - KC(50));
      expect((await escrow.orderOf(id)).state).to.equal(5n);
    });

    it("timeouts: the buyer refunds an undelivered order, the seller claims a delivered one", async () => {
      const refundable = (await open("10", ["--delivery", "1", "--release", "1"])).toString();
      const claimable = (await open("5", ["--delivery", "1", "--release", "1"])).toString();
      expectOk(await kc(["escrow", "deliver", claimable], as(seller)));
      const order = await escrow.orderOf(claimable);
      expectError(
        await kc(["escrow", "claim", claimable], as(seller)),
        1,
        new RegExp(`the release deadline passes at ${iso(order.releaseDeadline)} .*: claim possible after it`),
      );
      await timeTravel(order.deliveryDeadline - (await latest()) + 1n);
      await expectErrors([
        [
          ["escrow", "deliver", refundable],
          1,
          /delivery deadline passed at .*: it can no longer be marked/,
          as(seller),
        ],
        [
          ["escrow", "dispute", refundable, "--reason", "x"],
          1,
          /no dispute now \(the buyer may refund it\)/,
          as(seller),
        ],
      ]);
      let before = await balances();
      expectOk(await kc(["escrow", "refund", refundable], as(buyer)));
      expect((await balances())[0]).to.equal(before[0]! + KC(10));

      await timeTravel(order.releaseDeadline - (await latest()) + 1n);
      before = await balances();
      const claimed = await kc(["escrow", "claim", claimable], as(seller));
      expectOk(claimed);
      expect(claimed.stdout).to.include(`claimed order ${claimable}: 5 KATY paid to the seller`);
      const after = await balances();
      expect(after[1]).to.equal(before[1]! + KC(5));
      expect(after[2]).to.equal(before[2]! - KC(5));
    });

    it("a cross-border order: paid in KATY, settled in HOU through the bridge router, at least the floor", async () => {
      const hou = CommunityToken__factory.connect(houston.token, provider);
      const router = BridgeRouter__factory.connect(deployment.bridge.router.address, provider);
      expectError(
        await kc(
          [
            "escrow",
            "open",
            "--seller",
            seller.address,
            "--amount",
            "10",
            "-c",
            "katy",
            "--seller-community",
            "houston",
          ].concat(["--slippage-bps", "10000"]),
          as(buyer),
        ),
        2,
        /bad --slippage-bps "10000"/,
      );
      // the deployment's pools start empty: nothing to exchange, no order that could never be paid out
      if ((await router.quote([katy.token, houston.token], KC(10)))[1] === 0n) {
        const cross = ["--seller", seller.address, "--amount", "10", "-c", "katy", "--seller-community", "houston"];
        expectError(
          await kc(["escrow", "open", ...cross], as(buyer)),
          1,
          /buys nothing now \(a pool without liquidity/,
        );
        const pool = deployment.bridge.pools.find((p) => p.communities.join("-") === "katy-houston")!;
        const liquidity = ethers.Wallet.createRandom().connect(provider);
        const funder = await provider.getSigner(0);
        await (await funder.sendTransaction({ to: liquidity.address, value: ethers.parseEther("1") })).wait();
        const minter = await provider.getSigner(deployment.roles.minter);
        for (const t of [token, hou]) {
          await (await t.connect(minter).mint(liquidity.address, KC(500), ethers.id(`cli:lp:${pool.address}`))).wait();
          await (await t.connect(liquidity).approve(pool.address, KC(500))).wait();
        }
        const lp = BridgePool__factory.connect(pool.address, liquidity);
        await (await lp.addLiquidity(KC(500), KC(500), 0n, liquidity.address, (await latest()) + 600n)).wait();
      }
      const quoted = (await router.quote([katy.token, houston.token], KC(10)))[1]!;

      const id = await open("10", ["--seller-community", "houston", "--slippage-bps", "50"]);
      const order = await escrow.orderOf(id);
      expect(order.tokenOut).to.equal(houston.token);
      expect(order.minOut).to.equal((quoted * 9_950n) / 10_000n);
      expect(await escrow.pathOf(id)).to.deep.equal([katy.token, houston.token]);
      const shown = await kc(["escrow", "show", id.toString()], escrowEnv);
      expectOk(shown);
      expect(shown.stdout).to.match(/settled in +HOU \(houston\), at least/);

      const before = await hou.balanceOf(seller.address);
      const released = await kc(["escrow", "release", id.toString()], as(buyer));
      expectOk(released);
      const [event] = await escrow.queryFilter(escrow.filters.OrderReleased(id));
      const paid = event!.args.amountOut;
      expect(paid >= order.minOut).to.equal(true);
      expect(await hou.balanceOf(seller.address)).to.equal(before + paid);
      expect(released.stdout).to.include(
        `released order ${id}: 10 KATY paid the seller ${seller.address} ${ethers.formatUnits(paid, 18)}`,
      );
    });

    it("profit sharing: the shareholder's claimable revenue, claimed exactly once", async function () {
      const merchantsAddress = deployment.business?.merchantRegistry?.address;
      if (!merchantsAddress) this.skip();
      const funder = await provider.getSigner(0);
      const deployed = (deployment.business as { profitSharing?: { address: string } }).profitSharing;
      let profitEnv: NodeJS.ProcessEnv = {};
      let sharingAddress = deployed?.address;
      if (!sharingAddress) {
        const created = await new ProfitSharing__factory(funder).deploy(merchantsAddress!);
        await created.waitForDeployment();
        sharingAddress = await created.getAddress();
        profitEnv = { KC_PROFIT_SHARING: sharingAddress };
      }
      await provider.send("hardhat_impersonateAccount", [katy.timelock]);
      const registry = ComplianceRegistry__factory.connect(
        katy.complianceRegistry,
        new ethers.JsonRpcSigner(provider, katy.timelock),
      );
      if (!(await registry.isExempt(sharingAddress))) await (await registry.setExempt(sharingAddress, true)).wait();
      await provider.send("hardhat_stopImpersonatingAccount", [katy.timelock]);
      // the buyer (no merchant) runs a scheme in KATY: the seller holds its only units
      const sharing = ProfitSharing__factory.connect(sharingAddress, buyer.connect(provider));
      await (await sharing.openScheme(katy.token)).wait();
      await (await sharing.setShares([seller.address], [1n])).wait();
      await (await token.connect(buyer.connect(provider)).approve(sharingAddress, KC(7))).wait();
      await (await sharing.deposit(buyer.address, KC(7))).wait();

      const env2 = (wallet: { privateKey: string }) => ({ ...profitEnv, KC_PRIVATE_KEY: wallet.privateKey });
      const claimable = await kc(["profit", "claimable"], env2(seller));
      expectOk(claimable);
      expect(claimable.stdout).to.include(`${buyer.address}  7 KATY (units 1 of 1)`);
      const before = await token.balanceOf(seller.address);
      const claimed = await kc(["profit", "claim", "--business", buyer.address], env2(seller));
      expectOk(claimed);
      expect(claimed.stdout).to.include(`claimed 7 KATY from the profit-sharing scheme of ${buyer.address}`);
      expect(await token.balanceOf(seller.address)).to.equal(before + KC(7));
      await expectErrors([
        [["profit", "claim", "--business", buyer.address], 1, /has nothing to claim from the scheme/, env2(seller)],
        [["profit", "claim", "--business", seller.address], 1, /has no profit-sharing scheme/, env2(seller)],
        [["profit", "claim"], 2, /profit claim needs --business <address>/, env2(seller)],
      ]);
    });
  });
});

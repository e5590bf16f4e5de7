/**
 * The indexer end to end: a fresh Hardhat node, the deployment (its founding communities launched through the
 * Federation), the seeded simulation (which also runs the federation's proposals and launches a community the
 * federation admits), a one-sided deposit and a withdrawal in a pool (./bridgeScenario.ts), federation proposals that
 * suspend two members and readmit one (./federationScenario.ts), a scenario that emits every handled token and
 * compliance event, and one in which the first community governs itself (proposals left in every state); then
 * `ponder start` on an empty database: PGlite, and again on a throwaway PostgreSQL server (E2E_DATABASES). Every
 * answer of the GraphQL API is checked against the chain itself (views at the indexed head, eth_getLogs), and the
 * served tables schema against subgraph-schema/tables.graphql; the bridge (pools, settlements, daily aggregates, liquidity, rates, routed swaps) likewise, in ./bridge.ts, and the federation
 * (members, seats, charter, parameters, proposals, mutual aid) in ./federation.ts, commerce in ./business.ts, and
 * B2B escrow, profit sharing and the supply chain in ./trade.ts. The communities are every
 * community of the registry at the head, the founders and those launched later. Last, with the indexer still
 * running, more communities are launched through the factory, and pools registered with the router (by an operator
 * the federation empowered): each must appear with its contracts and settings, without restarting or reconfiguring
 * the indexer.
 *
 *   npx hardhat test test/e2e/indexer.e2e.test.ts
 * Env: E2E_SIM_ACCOUNTS (50), E2E_SIM_TXS (500), E2E_COMMUNITIES (50: the total after the launches), KC_SKIP_E2E=1
 *      skips, UPDATE_SUBGRAPH_SCHEMA=1 rewrites the committed schema from the live server instead of comparing,
 *      E2E_KEEP_FILES=1 keeps the temp directory, E2E_DATABASES (pglite,postgres: where the indexer writes; each
 *      runs the whole suite on a chain of its own; PostgreSQL only where it is installed).
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers, type Log } from "ethers";
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery, printSchema } from "graphql";
import { PROPOSAL_STATES, proposalState, type ProposalStatus } from "../../indexer/src/lib/proposals";
import type { DeployedCommunity, Deployment } from "../../scripts/lib/deployment";
import {
  CommunityFactory__factory,
  CommunityGovernor__factory,
  CommunityRegistry__factory,
  CommunityTimelock__factory,
  CommunityToken__factory,
  ComplianceRegistry__factory,
  Federation__factory,
  FederationTimelock__factory,
  IAccessControl__factory,
  MutualAidFund__factory,
  SanctionsList__factory,
  type CommunityGovernor,
  type CommunityTimelock,
  type CommunityToken,
  type ComplianceRegistry,
  type ICommunityFactory,
  type SanctionsList,
} from "../../typechain-types";
import { describeBridge, describePoolsRegisteredLater } from "./bridge";
import { describeBusiness } from "./business";
import { describeBusinessApi, watchedAccounts } from "./businessApi";
import { describeTrade } from "./trade";
import { runBridgeScenario } from "./bridgeScenario";
import { describeFederation } from "./federation";
import { type FederationOutcome, runFederationScenario } from "./federationScenario";
import { type GovernanceOutcome, runGovernanceScenario } from "./governanceScenario";
import { type Database, e2eDatabases, graphql, graphqlAll, ROOT, Stack } from "./harness";
import { launchCommunities, launchConfigs } from "./launches";
import { KC, mined, runEveryEventScenario, type ScenarioActors } from "./scenario";

const SCHEMA_FILE = path.join(ROOT, "subgraph-schema", "tables.graphql");
const lower = (address: string) => address.toLowerCase();
const str = (value: bigint | number) => value.toString();

interface AccountItem {
  address: string;
  balance: string;
  kycTier: number;
  frozen: boolean;
  exempt: boolean;
  votingPower: string;
  delegate: string | null;
  votesCast: number;
  transfersIn: number;
  transfersOut: number;
}

interface TransferItem {
  from: string;
  to: string;
  amount: string;
  kind: "mint" | "burn" | "transfer";
  transactionHash: string;
  logIndex: number;
}

/** A communityProfile as GraphQL serves it: the deployment's record (block numbers as strings) and more. */
interface CommunityItem extends Omit<DeployedCommunity, "launchBlock"> {
  launchBlock: string;
  launchedAt: string;
  launchTransaction: string;
  launcher: string | null;
  votingDelay: string;
  votingPeriod: string;
  proposalThreshold: string;
  quorumNumerator: string;
  voteExtension: string;
  timelockMinDelay: string;
  travelRuleThreshold: string;
  sanctionsOracle: string | null;
  dailyLimits: { items: { tier: number; amount: string }[] };
}
const COMMUNITY_FIELDS = `id name country currency locale tokenName tokenSymbol token complianceRegistry governor timelock
  launchBlock launchedAt launchTransaction launcher votingDelay votingPeriod proposalThreshold quorumNumerator
  voteExtension timelockMinDelay travelRuleThreshold sanctionsOracle
  dailyLimits(orderBy: "tier") { items { tier amount } }`;

interface ProposalItem {
  governor: string;
  proposalId: string;
  proposer: string;
  targets: string[];
  values: string[];
  signatures: string[];
  calldatas: string[];
  description: string;
  voteStart: string;
  voteEnd: string;
  eta: string | null;
  status: ProposalStatus;
  forVotes: string;
  againstVotes: string;
  abstainVotes: string;
  voterCount: number;
  quorum: string | null;
}
const PROPOSAL_FIELDS = `governor proposalId proposer targets values signatures calldatas description voteStart voteEnd
  eta status forVotes againstVotes abstainVotes voterCount quorum`;

/** A community as the registry records it. */
interface RegisteredCommunity {
  id: string;
  token: string;
  complianceRegistry: string;
  governor: string;
  timelock: string;
}

/** One community's contracts, connected to the test's provider. */
interface Contracts {
  id: string;
  token: CommunityToken;
  registry: ComplianceRegistry;
  governor: CommunityGovernor;
  timelock: CommunityTimelock;
}

const describeE2E = process.env.KC_SKIP_E2E === "1" ? describe.skip : describe;

for (const database of e2eDatabases()) describeIndexerEndToEnd(database);

function describeIndexerEndToEnd(database: Database): void {
  describeE2E(`indexer (end to end, ${database})`, function () {
    const stack = new Stack();
    let deployment: Deployment;
    let provider: ethers.JsonRpcProvider;
    /** Every community of the registry at the head, in launch order (the founders first). */
    let registered: RegisteredCommunity[];
    let communities: Contracts[];
    let katy: Contracts;
    let sanctions: SanctionsList;
    let head: number;
    let headTime: bigint;
    let actors: ScenarioActors;
    let governance: GovernanceOutcome;
    let federationOutcome: FederationOutcome;
    /** Every indexed account of each community (by id), fetched in small pages ordered by balance. */
    const accountsOf = new Map<string, AccountItem[]>();
    const accountPages = new Map<string, number>();
    const timings: Record<string, number> = {};

    async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
      const started = Date.now();
      const result = await work();
      timings[label] = (Date.now() - started) / 1000;
      return result;
    }

    /** Every log of `events` (names in `contract`'s ABI) that `contract` emitted up to `toBlock`, in chain order. */
    async function logsOf(contract: ethers.BaseContract, events: string[], toBlock = head): Promise<Log[]> {
      const topics = events.map((name) => contract.interface.getEvent(name)!.topicHash);
      return provider.getLogs({ address: await contract.getAddress(), topics: [topics], fromBlock: 0, toBlock });
    }

    /** The logs of `events` of every deployed community's contract that `pick` names. */
    async function logsOfEach(pick: (c: Contracts) => ethers.BaseContract, events: string[]): Promise<Log[]> {
      return (await Promise.all(communities.map((c) => logsOf(pick(c), events)))).flat();
    }

    function connect(c: { id: string; token: string; complianceRegistry: string; governor: string; timelock: string }) {
      return {
        id: c.id,
        token: CommunityToken__factory.connect(c.token, provider),
        registry: ComplianceRegistry__factory.connect(c.complianceRegistry, provider),
        governor: CommunityGovernor__factory.connect(c.governor, provider),
        timelock: CommunityTimelock__factory.connect(c.timelock, provider),
      };
    }

    async function indexedCommunities(): Promise<CommunityItem[]> {
      const { items } = await graphqlAll<CommunityItem>(
        stack.apiUrl,
        "communityProfiles",
        "communityProfileFilter",
        COMMUNITY_FIELDS,
        {
          orderBy: "launchBlock",
          orderDirection: "asc",
          pageSize: 20,
        },
      );
      return items;
    }

    /** The indexed communities are the registry's, in launch order, with what their launch logs say. */
    async function expectCommunitiesAsRegistered(items: CommunityItem[], blockTag: number): Promise<void> {
      const registry = CommunityRegistry__factory.connect(deployment.communityRegistry.address, provider);
      const factory = CommunityFactory__factory.connect(deployment.communityFactory.address, provider);
      const count = Number(await registry.communityCount({ blockTag }));
      expect(items.map((c) => c.id)).to.have.lengthOf(count);
      const registered = new Map(
        (await logsOf(registry, ["CommunityRegistered"], blockTag)).map((log) => [
          registry.interface.parseLog(log)!.args.id as string,
          log,
        ]),
      );
      const launchers = new Map(
        (await logsOf(factory, ["CommunityLaunched"], blockTag)).map((log) => {
          const { id, launcher } = factory.interface.parseLog(log)!.args;
          return [id as string, lower(launcher as string)];
        }),
      );
      const mismatches: string[] = [];
      await Promise.all(
        items.map(async (row, i) => {
          const c = await registry.communityAt(i, { blockTag });
          const token = CommunityToken__factory.connect(c.token, provider);
          const expected = {
            id: c.id,
            name: c.name,
            country: c.country,
            currency: c.currency,
            locale: c.locale,
            tokenName: await token.name({ blockTag }),
            tokenSymbol: await token.symbol({ blockTag }),
            token: lower(c.token),
            complianceRegistry: lower(c.complianceRegistry),
            governor: lower(c.governor),
            timelock: lower(c.timelock),
            launchBlock: str(c.launchBlock),
            launchedAt: str(c.launchedAt),
            launchTransaction: registered.get(c.id)?.transactionHash,
            launcher: launchers.get(c.id),
          };
          const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, row[k as keyof CommunityItem]]));
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            mismatches.push(`#${i}: indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
          }
        }),
      );
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
    }

    /** Each community's governance and compliance settings are what its contracts report at `blockTag`. */
    async function expectSettingsAsChain(items: CommunityItem[], blockTag: number): Promise<void> {
      const mismatches: string[] = [];
      await Promise.all(
        items.map(async (row) => {
          const { governor, timelock, registry } = connect(row);
          const expected = {
            votingDelay: str(await governor.votingDelay({ blockTag })),
            votingPeriod: str(await governor.votingPeriod({ blockTag })),
            proposalThreshold: str(await governor.proposalThreshold({ blockTag })),
            quorumNumerator: str(await governor["quorumNumerator()"]({ blockTag })),
            voteExtension: str(await governor.lateQuorumVoteExtension({ blockTag })),
            timelockMinDelay: str(await timelock.getMinDelay({ blockTag })),
            travelRuleThreshold: str(await registry.travelRuleThreshold({ blockTag })),
            sanctionsOracle: lower(await registry.sanctionsOracle({ blockTag })),
            dailyLimits: await Promise.all(
              [0, 1, 2].map(async (tier) => ({ tier, amount: str(await registry.dailyLimit(tier, { blockTag })) })),
            ),
          };
          const actual = Object.fromEntries(
            Object.keys(expected).map((k) => [
              k,
              k === "dailyLimits" ? row.dailyLimits.items : row[k as keyof CommunityItem],
            ]),
          );
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            mismatches.push(`${row.id}: indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
          }
        }),
      );
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
    }

    before(async function () {
      this.timeout(300_000);
      try {
        await timed("chain", () => stack.startChain());
        await timed("deploy", () => stack.hardhatRun("scripts/deploy.ts"));
        await timed("simulate", () =>
          stack.hardhatRun("scripts/simulate.ts", {
            SIM_SEED: "1",
            SIM_ACCOUNTS: process.env.E2E_SIM_ACCOUNTS ?? "50",
            SIM_TXS: process.env.E2E_SIM_TXS ?? "500",
            SIM_SUMMARY_FILE: path.join(stack.tmp, "simulation.json"),
          }),
        );
        deployment = stack.deployment;
        await timed("bridge", () => runBridgeScenario(stack.rpcUrl, deployment));
        federationOutcome = await timed("federation", () => runFederationScenario(stack.rpcUrl, deployment));
        actors = await timed("scenario", () => runEveryEventScenario(stack.rpcUrl, deployment));
        governance = await timed("governance", () => runGovernanceScenario(stack.rpcUrl, deployment));
        head = await stack.headBlock();
        await timed("indexer", () => stack.startIndexer(database));

        provider = new ethers.JsonRpcProvider(stack.rpcUrl, deployment.chainId, { staticNetwork: true });
        headTime = BigInt((await provider.getBlock(head))!.timestamp);
        const registry = CommunityRegistry__factory.connect(deployment.communityRegistry.address, provider);
        registered = [];
        for (let i = 0n; i < (await registry.communityCount({ blockTag: head })); i++) {
          const c = await registry.communityAt(i, { blockTag: head });
          registered.push({
            id: c.id,
            token: c.token,
            complianceRegistry: c.complianceRegistry,
            governor: c.governor,
            timelock: c.timelock,
          });
        }
        communities = registered.map(connect);
        katy = communities[0]!;
        sanctions = SanctionsList__factory.connect(deployment.sanctionsList.address, provider);

        // ordered by a column with ties (many zero balances), small pages: the cursor must carry the key
        for (const c of communities) {
          const all = await graphqlAll<AccountItem>(
            stack.apiUrl,
            "accounts",
            "accountFilter",
            "address balance kycTier frozen exempt votingPower delegate votesCast transfersIn transfersOut",
            { where: { token: await c.token.getAddress() }, orderBy: "balance", orderDirection: "desc", pageSize: 7 },
          );
          accountsOf.set(c.id, all.items);
          accountPages.set(c.id, all.pages);
        }
      } catch (error) {
        console.error(stack.tails());
        throw error;
      }
    });

    after(async function () {
      this.timeout(30_000);
      provider?.destroy();
      await stack.stop({ keepFiles: process.env.E2E_KEEP_FILES === "1" });
      console.log(`    e2e timings (s): ${JSON.stringify(timings)}`);
    });

    describe("communities", () => {
      it("lists every community of the registry as communityAt(i) returns it, with its launch transaction", async () => {
        const items = await indexedCommunities();
        expect(items.map((c) => c.id)).to.deep.equal(registered.map((c) => c.id));
        expect(items.slice(0, deployment.communities.length).map((c) => c.id)).to.deep.equal(
          deployment.communities.map((c) => c.id),
        );
        expect(items.length, "the simulation launches a community the federation admitted").to.be.greaterThan(
          deployment.communities.length,
        );
        await expectCommunitiesAsRegistered(items, head);
      });

      it("has the governance and compliance settings each community's contracts report", async () => {
        await expectSettingsAsChain(await indexedCommunities(), head);
      });

      it("names the community of each of its four contracts", async () => {
        const { items } = await graphqlAll<{ address: string; kind: string; communityId: string }>(
          stack.apiUrl,
          "communityContracts",
          "communityContractFilter",
          "address kind communityId",
          { pageSize: 100 },
        );
        const expected = registered.flatMap((c) => [
          { address: lower(c.token), kind: "token", communityId: c.id },
          { address: lower(c.complianceRegistry), kind: "compliance_registry", communityId: c.id },
          { address: lower(c.governor), kind: "governor", communityId: c.id },
          { address: lower(c.timelock), kind: "timelock", communityId: c.id },
        ]);
        const key = (c: { address: string }) => c.address;
        expect([...items].sort((a, b) => key(a).localeCompare(key(b)))).to.deep.equal(
          expected.sort((a, b) => key(a).localeCompare(key(b))),
        );
      });

      it("reaches a community's accounts, limits, proposals and their votes from the community", async () => {
        const data = await graphql<{
          communityProfile: {
            accounts: { totalCount: number };
            dailyLimits: { totalCount: number };
            proposals: { totalCount: number; items: { votes: { totalCount: number }; voterCount: number }[] };
            contracts: { totalCount: number };
          };
        }>(
          stack.apiUrl,
          `
          {
            communityProfile(id: "${katy.id}") {
              accounts {
                totalCount
              }
              dailyLimits {
                totalCount
              }
              proposals(limit: 100) {
                totalCount
                items {
                  voterCount
                  votes {
                    totalCount
                  }
                }
              }
              contracts {
                totalCount
              }
            }
          }
        `,
        );
        const { accounts, dailyLimits, proposals, contracts } = data.communityProfile;
        expect(accounts.totalCount).to.equal(accountsOf.get(katy.id)!.length);
        expect(dailyLimits.totalCount).to.equal(3);
        expect(contracts.totalCount).to.equal(4);
        expect(proposals.totalCount).to.equal((await logsOf(katy.governor, ["ProposalCreated"])).length);
        for (const p of proposals.items) expect(p.votes.totalCount).to.equal(p.voterCount);
      });
    });

    describe("accounts", () => {
      it("pages through every account of each community exactly once", () => {
        for (const c of communities) {
          const accounts = accountsOf.get(c.id)!;
          expect(accountPages.get(c.id), c.id).to.equal(Math.max(1, Math.ceil(accounts.length / 7)));
          const addresses = accounts.map((a) => a.address);
          expect(new Set(addresses).size, c.id).to.equal(addresses.length);
          const balances = accounts.map((a) => BigInt(a.balance));
          for (let i = 1; i < balances.length; i++) expect(balances[i]! <= balances[i - 1]!, c.id).to.equal(true);
        }
      });

      it("has a row for every address a Transfer log names, in each community", async () => {
        for (const c of communities) {
          const indexed = new Set(accountsOf.get(c.id)!.map((a) => a.address));
          for (const log of await logsOf(c.token, ["Transfer"])) {
            const { from, to } = c.token.interface.parseLog(log)!.args;
            for (const address of [from as string, to as string]) {
              if (address !== ethers.ZeroAddress)
                expect(indexed.has(lower(address)), `${c.id} ${address}`).to.equal(true);
            }
          }
        }
      });

      it("matches balanceOf, tierOf, isFrozen, isExempt, getVotes and delegates on chain, in each community", async () => {
        const mismatches: string[] = [];
        for (const c of communities) {
          await Promise.all(
            accountsOf.get(c.id)!.map(async (a) => {
              const [balance, tier, frozen, exempt, votes, delegate] = await Promise.all([
                c.token.balanceOf(a.address, { blockTag: head }),
                c.registry.tierOf(a.address, { blockTag: head }),
                c.registry.isFrozen(a.address, { blockTag: head }),
                c.registry.isExempt(a.address, { blockTag: head }),
                c.token.getVotes(a.address, { blockTag: head }),
                c.token.delegates(a.address, { blockTag: head }),
              ]);
              const expected = {
                balance: balance.toString(),
                kycTier: Number(tier),
                frozen,
                exempt,
                votingPower: votes.toString(),
                delegate: delegate === ethers.ZeroAddress ? null : lower(delegate),
              };
              const actual = {
                balance: a.balance,
                kycTier: a.kycTier,
                frozen: a.frozen,
                exempt: a.exempt,
                votingPower: a.votingPower,
                delegate: a.delegate,
              };
              if (JSON.stringify(actual) !== JSON.stringify(expected)) {
                mismatches.push(
                  `${c.id} ${a.address}: indexed ${JSON.stringify(actual)}, chain ${JSON.stringify(expected)}`,
                );
              }
            }),
          );
        }
        expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
      });

      it("counts each account's transfers in and out, in each community", async () => {
        for (const c of communities) {
          const counted = new Map<string, { in: number; out: number }>();
          const bump = (address: string, side: "in" | "out") => {
            const entry = counted.get(lower(address)) ?? { in: 0, out: 0 };
            entry[side]++;
            counted.set(lower(address), entry);
          };
          for (const log of await logsOf(c.token, ["Transfer"])) {
            const { from, to } = c.token.interface.parseLog(log)!.args;
            if (from !== ethers.ZeroAddress) bump(from as string, "out");
            if (to !== ethers.ZeroAddress) bump(to as string, "in");
          }
          for (const a of accountsOf.get(c.id)!) {
            const expected = counted.get(a.address) ?? { in: 0, out: 0 };
            expect({ in: a.transfersIn, out: a.transfersOut }, `${c.id} ${a.address}`).to.deep.equal(expected);
          }
        }
      });

      it("answers a single account by its key, with its community", async () => {
        const data = await graphql<{
          account: { balance: string; frozen: boolean; community: { id: string; tokenSymbol: string } };
        }>(
          stack.apiUrl,
          `
            query ($token: String!, $address: String!) {
              account(token: $token, address: $address) {
                balance
                frozen
                community {
                  id
                  tokenSymbol
                }
              }
            }
          `,
          { token: await katy.token.getAddress(), address: actors.emptied },
        );
        expect(data.account).to.deep.equal({
          balance: "0",
          frozen: true,
          community: { id: katy.id, tokenSymbol: deployment.communities[0]!.tokenSymbol },
        });
      });
    });

    describe("community totals", () => {
      it("match totalSupply, paused and the holders on chain, and count every log, in each community", async () => {
        for (const c of communities) {
          const data = await graphql<{ communityProfile: Record<string, string | number | boolean> }>(
            stack.apiUrl,
            `
              query ($id: String!) {
                communityProfile(id: $id) {
                  totalSupply
                  holderCount
                  transferCount
                  mintCount
                  mintedTotal
                  redemptionCount
                  redeemedTotal
                  paused
                }
              }
            `,
            { id: c.id },
          );
          const [minted, redeemed, transfers] = await Promise.all([
            logsOf(c.token, ["Minted"]),
            logsOf(c.token, ["Redeemed"]),
            logsOf(c.token, ["Transfer"]),
          ]);
          const sum = (logs: Log[]) =>
            logs.reduce((total, log) => total + (c.token.interface.parseLog(log)!.args.amount as bigint), 0n);
          const balances = await Promise.all(
            accountsOf.get(c.id)!.map((a) => c.token.balanceOf(a.address, { blockTag: head })),
          );
          expect(data.communityProfile, c.id).to.deep.equal({
            totalSupply: (await c.token.totalSupply({ blockTag: head })).toString(),
            holderCount: balances.filter((balance) => balance > 0n).length,
            transferCount: transfers.length,
            mintCount: minted.length,
            mintedTotal: sum(minted).toString(),
            redemptionCount: redeemed.length,
            redeemedTotal: sum(redeemed).toString(),
            paused: await c.token.paused({ blockTag: head }),
          });
        }
      });
    });

    describe("transfers", () => {
      it("has one row per Transfer log, with its parties, amount and kind, in each community", async () => {
        for (const c of communities) {
          const { items } = await graphqlAll<TransferItem>(
            stack.apiUrl,
            "transfers",
            "transferFilter",
            "from to amount kind transactionHash logIndex",
            {
              where: { token: await c.token.getAddress() },
              orderBy: "timestamp",
              orderDirection: "asc",
              pageSize: 500,
            },
          );
          const key = (t: { transactionHash: string; logIndex: number }) => `${t.transactionHash}:${t.logIndex}`;
          const indexed = new Map(items.map((t) => [key(t), t]));
          const logs = await logsOf(c.token, ["Transfer"]);
          expect(items.length, c.id).to.equal(logs.length);
          for (const log of logs) {
            const { from, to, value } = c.token.interface.parseLog(log)!.args;
            const kind = from === ethers.ZeroAddress ? "mint" : to === ethers.ZeroAddress ? "burn" : "transfer";
            expect(indexed.get(key({ transactionHash: log.transactionHash, logIndex: log.index }))).to.deep.equal({
              from: lower(from as string),
              to: lower(to as string),
              amount: (value as bigint).toString(),
              kind,
              transactionHash: log.transactionHash,
              logIndex: log.index,
            });
          }
        }
      });

      it("filters by token and sender (checksummed or not) and orders by amount", async () => {
        const accounts = accountsOf.get(katy.id)!;
        const sender = ethers.getAddress(
          accounts.reduce((best, a) => (a.transfersOut > best.transfersOut ? a : best)).address,
        );
        const expected = (await logsOf(katy.token, ["Transfer"]))
          .map((log) => katy.token.interface.parseLog(log)!.args)
          .filter((args) => args.from === sender)
          .map((args) => (args.value as bigint).toString())
          .sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));
        expect(expected.length).to.be.greaterThan(1);
        const token = await katy.token.getAddress();
        for (const from of [sender, lower(sender)]) {
          const { items } = await graphqlAll<{ amount: string; from: string }>(
            stack.apiUrl,
            "transfers",
            "transferFilter",
            "amount from",
            { where: { token, from }, orderBy: "amount", orderDirection: "desc", pageSize: 1000 },
          );
          expect(items.map((t) => t.amount)).to.deep.equal(expected);
          expect(new Set(items.map((t) => t.from))).to.deep.equal(new Set([lower(sender)]));
        }
      });

      it("filters by kind: one mint Transfer per Minted log", async () => {
        const data = await graphql<{ transfers: { totalCount: number } }>(
          stack.apiUrl,
          `
            {
              transfers(where: { kind: mint }) {
                totalCount
              }
            }
          `,
        );
        expect(data.transfers.totalCount).to.equal((await logsOfEach((c) => c.token, ["Minted"])).length);
      });
    });

    describe("one row per log", () => {
      const tables: [field: string, events: string[]][] = [
        ["mints", ["Minted"]],
        ["redemptions", ["Redeemed"]],
        ["authorizations", ["AuthorizationUsed", "AuthorizationCanceled"]],
        ["delegations", ["DelegateChanged"]],
      ];
      for (const [field, events] of tables) {
        it(`${field}: one row per ${events.join(" / ")} log of every community's token`, async () => {
          const data = await graphql<Record<string, { totalCount: number }>>(
            stack.apiUrl,
            `{ ${field} { totalCount } }`,
          );
          const logs = await logsOfEach((c) => c.token, events);
          expect(logs.length, "the history emits these events").to.be.greaterThan(0);
          expect(data[field]!.totalCount).to.equal(logs.length);
        });
      }

      it("sanctionsEvents: one row per SanctionedAddressAdded / SanctionedAddressRemoved log", async () => {
        const data = await graphql<{ sanctionsEvents: { totalCount: number } }>(
          stack.apiUrl,
          `
            {
              sanctionsEvents {
                totalCount
              }
            }
          `,
        );
        const logs = await logsOf(sanctions, ["SanctionedAddressAdded", "SanctionedAddressRemoved"]);
        expect(logs.length).to.be.greaterThan(0);
        expect(data.sanctionsEvents.totalCount).to.equal(logs.length);
      });

      it("complianceEvents: one row per registry action and token pause or registry change, of every kind", async () => {
        const registryLogs = await logsOfEach(
          (c) => c.registry,
          [
            "TierChanged",
            "AccountFrozen",
            "AccountUnfrozen",
            "ExemptionChanged",
            "DailyLimitChanged",
            "TravelRuleThresholdChanged",
            "SanctionsOracleChanged",
          ],
        );
        const tokenLogs = await logsOfEach((c) => c.token, ["Paused", "Unpaused", "ComplianceRegistryChanged"]);
        const { items } = await graphqlAll<{ kind: string }>(
          stack.apiUrl,
          "complianceEvents",
          "complianceEventFilter",
          "kind",
          {
            pageSize: 1000,
          },
        );
        expect(items).to.have.lengthOf(registryLogs.length + tokenLogs.length);
        const kinds = new Set(items.map((e) => e.kind));
        for (const kind of [
          "tier_changed",
          "frozen",
          "unfrozen",
          "exemption_changed",
          "daily_limit_changed",
          "travel_rule_threshold_changed",
          "sanctions_oracle_changed",
          "registry_changed",
          "paused",
          "unpaused",
        ]) {
          expect(kinds.has(kind), kind).to.equal(true);
        }
      });

      it("complianceEvents: each freeze and unfreeze carries the officer's reason code and its label", async () => {
        const logs = await logsOfEach((c) => c.registry, ["AccountFrozen", "AccountUnfrozen"]);
        const { items } = await graphqlAll<{
          transactionHash: string;
          account: string;
          reasonCode: string;
          reasonLabel: string | null;
        }>(
          stack.apiUrl,
          "complianceEvents",
          "complianceEventFilter",
          "transactionHash account reasonCode reasonLabel",
          {
            where: { kind_in: ["frozen", "unfrozen"] },
            pageSize: 1000,
          },
        );
        expect(items).to.have.lengthOf(logs.length);
        for (const log of logs) {
          const row = items.find((e) => e.transactionHash === log.transactionHash);
          const reasonCode = katy.registry.interface.parseLog(log)!.args.reasonCode as string;
          expect(row?.reasonCode).to.equal(reasonCode);
          expect(row?.reasonLabel).to.equal(ethers.decodeBytes32String(reasonCode));
        }
      });

      it("complianceEvents: each travel-rule threshold change, before and after", async () => {
        const logs = await logsOfEach((c) => c.registry, ["TravelRuleThresholdChanged"]);
        const { items } = await graphqlAll<{
          transactionHash: string;
          logIndex: number;
          previousLimit: string;
          newLimit: string;
        }>(
          stack.apiUrl,
          "complianceEvents",
          "complianceEventFilter",
          "transactionHash logIndex previousLimit newLimit",
          {
            where: { kind: "travel_rule_threshold_changed" },
            pageSize: 1000,
          },
        );
        const expected = logs.map((log) => {
          const { previousThreshold, newThreshold } = katy.registry.interface.parseLog(log)!.args;
          return {
            transactionHash: log.transactionHash,
            logIndex: log.index,
            previousLimit: str(previousThreshold as bigint),
            newLimit: str(newThreshold as bigint),
          };
        });
        const key = (e: { transactionHash: string; logIndex: number }) => `${e.transactionHash}:${e.logIndex}`;
        expect([...items].sort((a, b) => key(a).localeCompare(key(b)))).to.deep.equal(
          expected.sort((a, b) => key(a).localeCompare(key(b))),
        );
      });

      it("roleEvents: one row per RoleGranted / RoleRevoked log, and roleMembers agree with hasRole", async () => {
        const registry = CommunityRegistry__factory.connect(deployment.communityRegistry.address, provider);
        const controlled = [
          ...communities.flatMap((c) => [c.token, c.registry, c.timelock] as ethers.BaseContract[]),
          registry,
          sanctions,
          // the federation's AccessControl contracts
          Federation__factory.connect(deployment.federation.federation.address, provider),
          FederationTimelock__factory.connect(deployment.federation.timelock.address, provider),
          MutualAidFund__factory.connect(deployment.federation.mutualAidFund.address, provider),
        ];
        const logs = (await Promise.all(controlled.map((c) => logsOf(c, ["RoleGranted", "RoleRevoked"])))).flat();
        const data = await graphql<{ roleEvents: { totalCount: number } }>(
          stack.apiUrl,
          `
            {
              roleEvents {
                totalCount
              }
            }
          `,
        );
        expect(data.roleEvents.totalCount).to.equal(logs.length);
        const { items } = await graphqlAll<{ contract: string; role: string; account: string; active: boolean }>(
          stack.apiUrl,
          "roleMembers",
          "roleMemberFilter",
          "contract role account active",
          { pageSize: 1000 },
        );
        expect(new Set(items.map((m) => m.contract)).size).to.equal(controlled.length);
        const mismatches: string[] = [];
        await Promise.all(
          items.map(async (m) => {
            const onChain = await IAccessControl__factory.connect(m.contract, provider).hasRole(m.role, m.account, {
              blockTag: head,
            });
            if (onChain !== m.active) mismatches.push(`${m.contract} ${m.role} ${m.account}: indexed ${m.active}`);
          }),
        );
        expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
      });
    });

    describe("compliance state", () => {
      it("lists frozen accounts as each community's registry does", async () => {
        for (const c of communities) {
          const { items } = await graphqlAll<{ address: string }>(
            stack.apiUrl,
            "accounts",
            "accountFilter",
            "address",
            {
              where: { token: await c.token.getAddress(), frozen: true },
              pageSize: 100,
            },
          );
          const onChain = [];
          for (const a of accountsOf.get(c.id)!) {
            if (await c.registry.isFrozen(a.address, { blockTag: head })) onChain.push(a.address);
          }
          expect(items.map((a) => a.address).sort(), c.id).to.deep.equal(onChain.sort());
        }
        const frozenInKaty = await graphql<{ account: { frozen: boolean } }>(
          stack.apiUrl,
          `
            query ($token: String!, $address: String!) {
              account(token: $token, address: $address) {
                frozen
              }
            }
          `,
          { token: await katy.token.getAddress(), address: actors.emptied },
        );
        expect(frozenInKaty.account.frozen).to.equal(true);
      });

      it("keeps the sanctions list as on chain", async () => {
        const { items } = await graphqlAll<{ address: string; sanctioned: boolean }>(
          stack.apiUrl,
          "sanctionsListings",
          "sanctionsListingFilter",
          "address sanctioned",
          { pageSize: 1000 },
        );
        for (const listing of items) {
          expect(await sanctions.isSanctioned(listing.address, { blockTag: head }), listing.address).to.equal(
            listing.sanctioned,
          );
        }
        expect(items).to.deep.include({ address: lower(actors.listedThenRemoved), sanctioned: false });
      });
    });

    describe("governance", () => {
      /** The last lifecycle event of each proposal of `governor`, from its logs. */
      async function lifecycle(governor: CommunityGovernor): Promise<Map<bigint, ProposalStatus>> {
        const logs = await logsOf(governor, [
          "ProposalCreated",
          "ProposalExtended",
          "ProposalQueued",
          "ProposalExecuted",
          "ProposalCanceled",
        ]);
        const status = new Map<bigint, ProposalStatus>();
        const names: Record<string, ProposalStatus> = {
          ProposalCreated: "created",
          ProposalExtended: "extended",
          ProposalQueued: "queued",
          ProposalExecuted: "executed",
          ProposalCanceled: "canceled",
        };
        for (const log of logs) {
          const parsed = governor.interface.parseLog(log)!;
          status.set(parsed.args.proposalId as bigint, names[parsed.name]!);
        }
        return status;
      }

      async function proposalsOf(governor: CommunityGovernor): Promise<ProposalItem[]> {
        const { items } = await graphqlAll<ProposalItem>(stack.apiUrl, "proposals", "proposalFilter", PROPOSAL_FIELDS, {
          where: { governor: await governor.getAddress() },
          orderBy: "createdAt",
          pageSize: 100,
        });
        return items;
      }

      it("has one proposal per ProposalCreated log, with its actions, times and tallies as the governor reports", async () => {
        let total = 0;
        for (const { governor } of communities) {
          const created = await logsOf(governor, ["ProposalCreated"]);
          const votes = await logsOf(governor, ["VoteCast", "VoteCastWithParams"]);
          const status = await lifecycle(governor);
          const indexed = new Map((await proposalsOf(governor)).map((p) => [p.proposalId, p]));
          expect(indexed.size).to.equal(created.length);
          total += created.length;
          for (const log of created) {
            const a = governor.interface.parseLog(log)!.args;
            const id = a.proposalId as bigint;
            const [against, forVotes, abstain] = await governor.proposalVotes(id, { blockTag: head });
            const voters = votes.filter((v) => governor.interface.parseLog(v)!.args.proposalId === id).length;
            const eta = await governor.proposalEta(id, { blockTag: head });
            expect(indexed.get(str(id)), str(id)).to.deep.equal({
              governor: lower(await governor.getAddress()),
              proposalId: str(id),
              proposer: lower(a.proposer as string),
              targets: (a.targets as string[]).map(lower),
              values: (a.getValue("values") as bigint[]).map(str),
              signatures: [...(a.signatures as string[])],
              calldatas: [...(a.calldatas as string[])],
              description: a.description as string,
              voteStart: str(await governor.proposalSnapshot(id, { blockTag: head })),
              voteEnd: str(await governor.proposalDeadline(id, { blockTag: head })),
              eta: eta === 0n ? null : str(eta),
              status: status.get(id),
              forVotes: str(forVotes),
              againstVotes: str(against),
              abstainVotes: str(abstain),
              voterCount: voters,
              quorum: voters === 0 ? null : str(await governor.quorum(a.voteStart as bigint, { blockTag: head })),
            });
          }
        }
        expect(total).to.be.greaterThanOrEqual(Object.keys(governance.proposals).length);
      });

      it("derives each proposal's state as governor.state() reports it at the indexed head", async () => {
        const seen = new Set<string>();
        for (const { governor } of communities) {
          for (const p of await proposalsOf(governor)) {
            const onChain = PROPOSAL_STATES[Number(await governor.state(p.proposalId, { blockTag: head }))];
            const derived = proposalState(
              {
                ...p,
                voteStart: BigInt(p.voteStart),
                voteEnd: BigInt(p.voteEnd),
                forVotes: BigInt(p.forVotes),
                againstVotes: BigInt(p.againstVotes),
                abstainVotes: BigInt(p.abstainVotes),
                quorum: p.quorum === null ? null : BigInt(p.quorum),
              },
              headTime,
            );
            expect(derived, `${p.description} (${p.status})`).to.equal(onChain);
            seen.add(derived);
          }
        }
        for (const [label, id] of Object.entries(governance.proposals)) {
          const expected = label === "defeatedWithoutQuorum" ? "defeated" : label;
          expect(PROPOSAL_STATES[Number(await katy.governor.state(id, { blockTag: head }))], label).to.equal(expected);
        }
        expect([...seen].sort()).to.deep.equal(
          ["active", "canceled", "defeated", "executed", "pending", "queued", "succeeded"].sort(),
        );
      });

      it("has one vote per VoteCast / VoteCastWithParams log, with its voter, support, weight, reason and params", async () => {
        const supports = ["against", "for", "abstain"];
        for (const { governor } of communities) {
          const logs = await logsOf(governor, ["VoteCast", "VoteCastWithParams"]);
          const { items } = await graphqlAll<{ transactionHash: string; logIndex: number }>(
            stack.apiUrl,
            "votes",
            "voteFilter",
            "proposalId voter support weight reason params transactionHash logIndex",
            { where: { governor: await governor.getAddress() }, pageSize: 500 },
          );
          const key = (v: { transactionHash: unknown; logIndex: unknown }) => `${v.transactionHash}:${v.logIndex}`;
          const indexed = new Map(items.map((v) => [key(v), v]));
          expect(items).to.have.lengthOf(logs.length);
          for (const log of logs) {
            const parsed = governor.interface.parseLog(log)!;
            const a = parsed.args;
            expect(indexed.get(key({ transactionHash: log.transactionHash, logIndex: log.index }))).to.deep.equal({
              proposalId: str(a.proposalId as bigint),
              voter: lower(a.voter as string),
              support: supports[Number(a.support)],
              weight: str(a.weight as bigint),
              reason: a.reason as string,
              params: parsed.name === "VoteCastWithParams" ? (a.params as string) : null,
              transactionHash: log.transactionHash,
              logIndex: log.index,
            });
          }
        }
        const withParams = await logsOfEach((c) => c.governor, ["VoteCastWithParams"]);
        expect(withParams, "the history casts a vote with params").to.not.be.empty;
      });

      it("counts each account's votes cast", async () => {
        const counted = new Map<string, number>();
        for (const log of await logsOf(katy.governor, ["VoteCast", "VoteCastWithParams"])) {
          const voter = lower(katy.governor.interface.parseLog(log)!.args.voter as string);
          counted.set(voter, (counted.get(voter) ?? 0) + 1);
        }
        expect(counted.size).to.be.greaterThan(1);
        for (const a of accountsOf.get(katy.id)!) expect(a.votesCast, a.address).to.equal(counted.get(a.address) ?? 0);
      });

      it("governanceEvents: one row per community governor or timelock setting log", async () => {
        const governorLogs = await logsOfEach(
          (c) => c.governor,
          [
            "VotingDelaySet",
            "VotingPeriodSet",
            "ProposalThresholdSet",
            "QuorumNumeratorUpdated",
            "LateQuorumVoteExtensionSet",
            "TimelockChange",
          ],
        );
        const timelockLogs = await logsOfEach((c) => c.timelock, ["MinDelayChange"]);
        const data = await graphql<{ governanceEvents: { totalCount: number } }>(
          stack.apiUrl,
          `
            {
              governanceEvents(where: { scope: community }) {
                totalCount
              }
            }
          `,
        );
        expect(data.governanceEvents.totalCount).to.equal(governorLogs.length + timelockLogs.length);
      });

      it("shows what the executed proposal changed: the new daily limit, threshold, delay and exemption", async () => {
        const data = await graphql<{
          communityProfile: {
            proposalThreshold: string;
            timelockMinDelay: string;
            travelRuleThreshold: string;
            dailyLimits: { items: { tier: number; amount: string }[] };
          };
          account: { exempt: boolean };
        }>(
          stack.apiUrl,
          `
            query ($id: String!, $token: String!, $exempt: String!) {
              communityProfile(id: $id) {
                proposalThreshold
                timelockMinDelay
                travelRuleThreshold
                dailyLimits(where: { tier: 0 }) {
                  items {
                    tier
                    amount
                  }
                }
              }
              account(token: $token, address: $exempt) {
                exempt
              }
            }
          `,
          { id: katy.id, token: await katy.token.getAddress(), exempt: governance.executed.exempt },
        );
        expect(data).to.deep.equal({
          communityProfile: {
            proposalThreshold: str(governance.executed.proposalThreshold),
            timelockMinDelay: str(governance.executed.timelockMinDelay),
            travelRuleThreshold: str(governance.executed.travelRuleThreshold),
            dailyLimits: { items: [{ tier: 0, amount: str(governance.executed.tier0DailyLimit) }] },
          },
          account: { exempt: true },
        });
      });
    });

    describeBridge(() => ({ apiUrl: stack.apiUrl, provider, deployment, head }));

    describeFederation(() => ({
      apiUrl: stack.apiUrl,
      provider,
      deployment,
      head,
      headTime,
      outcome: federationOutcome,
    }));

    describeBusiness(() => ({ apiUrl: stack.apiUrl, provider, deployment, head }));
    describeBusinessApi(() => ({
      baseUrl: stack.apiUrl,
      keysFile: stack.apiKeysFile,
      provider,
      deployment,
      head,
      watched: watchedAccounts(path.join(stack.tmp, "simulation.json")),
    }));
    describeTrade(() => ({ apiUrl: stack.apiUrl, provider, deployment, head }));

    describe("HTTP", () => {
      it("answers every example query of indexer/README.md, with data", async () => {
        const readme = fs.readFileSync(path.join(ROOT, "indexer", "README.md"), "utf8");
        // each ```graphql block holds one or more operations, each starting with "{" at the start of a line
        const operations = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((block) =>
          block[1]!.split(/\n(?=\{)/).map((op) => op.trim()),
        );
        expect(operations.length).to.be.greaterThan(8);
        for (const query of operations) {
          const data = await graphql<Record<string, unknown>>(stack.apiUrl, query);
          for (const [field, value] of Object.entries(data)) {
            expect(value, `${field} in\n${query}`).to.not.equal(null);
          }
        }
      });

      it("serves GraphQL at / as well as /graphql, and GraphiQL to browsers", async () => {
        const answer = await fetch(`${stack.apiUrl}/`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: `query ($id: String!) { communityProfile(id: $id) { tokenSymbol } }`,
            variables: { id: katy.id },
          }),
        });
        expect(await answer.json()).to.deep.equal({
          data: { communityProfile: { tokenSymbol: deployment.communities[0]!.tokenSymbol } },
        });
        const page = await fetch(`${stack.apiUrl}/graphql`, { headers: { accept: "text/html" } });
        expect(page.headers.get("content-type")).to.match(/text\/html/);
      });

      it("says at /api/ready that the data is current: the head indexed, the node answering", async () => {
        const answer = await fetch(`${stack.apiUrl}/api/ready`);
        const body = (await answer.json()) as { indexedBlock: number; headBlock: number; reasons: string[] };
        expect(answer.status, JSON.stringify(body)).to.equal(200);
        expect(body).to.include({ current: true, node: "ok", lagBlocks: body.headBlock - body.indexedBlock });
        expect(body.reasons).to.deep.equal([]);
        expect(body.headBlock).to.be.at.least(body.indexedBlock);
      });
    });

    describe("published schema", () => {
      it("equals subgraph-schema/tables.graphql", async () => {
        const introspection = await graphql<IntrospectionQuery>(stack.apiUrl, getIntrospectionQuery());
        const served = printSchema(buildClientSchema(introspection)) + "\n";
        if (process.env.UPDATE_SUBGRAPH_SCHEMA === "1") {
          fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
          fs.writeFileSync(SCHEMA_FILE, served);
        }
        expect(fs.existsSync(SCHEMA_FILE), "run with UPDATE_SUBGRAPH_SCHEMA=1 to write it").to.equal(true);
        expect(served).to.equal(fs.readFileSync(SCHEMA_FILE, "utf8"));
      });
    });

    // Last: it adds communities to the running indexer, which the checks above must not see.
    describe("communities launched while the indexer runs", function () {
      const total = Number(process.env.E2E_COMMUNITIES ?? 50);
      let configs: ICommunityFactory.CommunityConfigStruct[];
      let indexerPid: number | undefined;
      let head2: number;
      let launched: CommunityItem[];

      before(async function () {
        this.timeout(300_000);
        try {
          indexerPid = stack.indexer?.child.pid;
          const first = registered.length + 1;
          configs = launchConfigs(first, total - registered.length, deployment.roles);
          await timed(`launch ${configs.length}`, () =>
            launchCommunities(stack.rpcUrl, deployment, federationOutcome.operator, configs),
          );
          // the newest community's token is used at once: its logs are followed too
          const registry = CommunityRegistry__factory.connect(deployment.communityRegistry.address, provider);
          const newest = connect(await registry.community(configs.at(-1)!.id as string));
          const minter = await provider.getSigner(deployment.roles.minter);
          await mined(
            newest.token.connect(minter).mint(deployment.roles.pauser, KC(42), ethers.id("e2e:new-community")),
          );
          head2 = await timed("index launches", () => stack.waitForIndexedHead());
          launched = await indexedCommunities();
        } catch (error) {
          console.error(stack.tails());
          throw error;
        }
      });

      it(`lists all ${total} communities of the registry, with their contracts, from the same indexer process`, async () => {
        expect(stack.indexer?.child.pid).to.equal(indexerPid);
        expect(stack.indexer?.child.exitCode).to.equal(null);
        expect(launched).to.have.lengthOf(total);
        expect(new Set(launched.map((c) => c.country)).size).to.be.greaterThan(10);
        expect(new Set(launched.map((c) => c.currency)).size).to.be.greaterThan(10);
        await expectCommunitiesAsRegistered(launched, head2);
      });

      it("has each new community's launch settings, as configured and as its contracts report", async () => {
        await expectSettingsAsChain(launched, head2);
        const byId = new Map(launched.map((c) => [c.id, c]));
        for (const config of configs) {
          const row = byId.get(config.id as string)!;
          const g = config.governance;
          const l = config.compliance;
          expect(
            {
              name: row.name,
              country: row.country,
              currency: row.currency,
              locale: row.locale,
              tokenName: row.tokenName,
              tokenSymbol: row.tokenSymbol,
              votingDelay: row.votingDelay,
              votingPeriod: row.votingPeriod,
              proposalThreshold: row.proposalThreshold,
              quorumNumerator: row.quorumNumerator,
              voteExtension: row.voteExtension,
              timelockMinDelay: row.timelockMinDelay,
              travelRuleThreshold: row.travelRuleThreshold,
              dailyLimits: row.dailyLimits.items.map((d) => d.amount),
            },
            row.id,
          ).to.deep.equal({
            name: config.name,
            country: config.country,
            currency: config.currency,
            locale: config.locale,
            tokenName: config.tokenName,
            tokenSymbol: config.tokenSymbol,
            votingDelay: String(g.votingDelay),
            votingPeriod: String(g.votingPeriod),
            proposalThreshold: String(g.proposalThreshold),
            quorumNumerator: String(g.quorumPercent),
            voteExtension: String(g.voteExtension),
            timelockMinDelay: String(g.timelockDelay),
            travelRuleThreshold: String(l.travelRuleThreshold),
            dailyLimits: [l.tier0DailyLimit, l.tier1DailyLimit, l.tier2DailyLimit].map(String),
          });
        }
      });

      it("follows a new community's token: supply and holders after its first mint", async () => {
        const newest = configs.at(-1)!.id as string;
        const data = await graphql<{
          communityProfile: { totalSupply: string; holderCount: number; mintCount: number };
        }>(
          stack.apiUrl,
          `
            query ($id: String!) {
              communityProfile(id: $id) {
                totalSupply
                holderCount
                mintCount
              }
            }
          `,
          { id: newest },
        );
        expect(data.communityProfile).to.deep.equal({ totalSupply: str(KC(42)), holderCount: 1, mintCount: 1 });
      });
    });

    // Last too: it registers pools with the running indexer's router.
    describePoolsRegisteredLater(() => ({
      apiUrl: stack.apiUrl,
      provider,
      deployment,
      head,
      operator: federationOutcome.operator,
      waitForIndexedHead: () => stack.waitForIndexedHead(),
    }));
  });
}

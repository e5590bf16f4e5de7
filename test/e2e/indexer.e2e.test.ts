/**
 * The indexer end to end: a fresh Hardhat node, the deployment, the seeded simulation plus a scenario that emits
 * every handled event, then `ponder start` on an empty PGlite database. Every answer of the GraphQL API is checked
 * against the chain itself (views and eth_getLogs), and the served schema against subgraph-schema/schema.graphql.
 *
 *   npx hardhat test test/e2e/indexer.e2e.test.ts
 * Env: E2E_SIM_ACCOUNTS (50), E2E_SIM_TXS (500), KC_SKIP_E2E=1 skips, UPDATE_SUBGRAPH_SCHEMA=1 rewrites the
 *      committed schema from the live server instead of comparing, E2E_KEEP_FILES=1 keeps the temp directory.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers, type Log } from "ethers";
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery, printSchema } from "graphql";
import {
  CommunityToken__factory,
  ComplianceRegistry__factory,
  SanctionsList__factory,
  type CommunityToken,
  type ComplianceRegistry,
  type SanctionsList,
} from "../../typechain-types";
import { graphql, graphqlAll, ROOT, Stack } from "./harness";
import { runEveryEventScenario, type ScenarioActors } from "./scenario";

const SCHEMA_FILE = path.join(ROOT, "subgraph-schema", "schema.graphql");
const lower = (address: string) => address.toLowerCase();

interface AccountItem {
  address: string;
  balance: string;
  kycTier: number;
  frozen: boolean;
  exempt: boolean;
  votingPower: string;
  delegate: string | null;
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

const describeE2E = process.env.KC_SKIP_E2E === "1" ? describe.skip : describe;

describeE2E("indexer (end to end)", function () {
  const stack = new Stack();
  let provider: ethers.JsonRpcProvider;
  let token: CommunityToken;
  let registry: ComplianceRegistry;
  let sanctions: SanctionsList;
  let tokenAddress: string;
  let head: number;
  let actors: ScenarioActors;
  let accounts: AccountItem[];
  let accountPages: number;
  const timings: Record<string, number> = {};

  async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work();
    timings[label] = (Date.now() - started) / 1000;
    return result;
  }

  /** Every log of `events` (names in `contract`'s ABI) that `contract` emitted, in chain order. */
  async function logsOf(
    contract: CommunityToken | ComplianceRegistry | SanctionsList,
    ...events: string[]
  ): Promise<Log[]> {
    const abi = contract.interface as ethers.Interface;
    const topics = events.map((name) => abi.getEvent(name)!.topicHash);
    return provider.getLogs({ address: await contract.getAddress(), topics: [topics], fromBlock: 0, toBlock: head });
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
        }),
      );
      const deployment = stack.deployment;
      actors = await timed("scenario", () => runEveryEventScenario(stack.rpcUrl, deployment));
      head = await stack.headBlock();
      await timed("indexer", () => stack.startIndexer());

      provider = new ethers.JsonRpcProvider(stack.rpcUrl, deployment.chainId, { staticNetwork: true });
      const community = deployment.communities[0]!;
      tokenAddress = community.token;
      token = CommunityToken__factory.connect(community.token, provider);
      registry = ComplianceRegistry__factory.connect(community.complianceRegistry, provider);
      sanctions = SanctionsList__factory.connect(deployment.sanctionsList.address, provider);

      // ordered by a column with ties (many zero balances), small pages: the cursor must carry the key
      const all = await graphqlAll<AccountItem>(
        stack.apiUrl,
        "accounts",
        "accountFilter",
        "address balance kycTier frozen exempt votingPower delegate transfersIn transfersOut",
        { where: { token: tokenAddress }, orderBy: "balance", orderDirection: "desc", pageSize: 7 },
      );
      accounts = all.items;
      accountPages = all.pages;
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

  describe("accounts", () => {
    it("pages through every account exactly once", () => {
      expect(accountPages).to.be.greaterThan(1);
      const addresses = accounts.map((a) => a.address);
      expect(new Set(addresses).size).to.equal(addresses.length);
      const balances = accounts.map((a) => BigInt(a.balance));
      for (let i = 1; i < balances.length; i++) expect(balances[i]! <= balances[i - 1]!).to.equal(true);
    });

    it("has a row for every address a Transfer log names", async () => {
      const indexed = new Set(accounts.map((a) => a.address));
      for (const log of await logsOf(token, "Transfer")) {
        const { from, to } = token.interface.parseLog(log)!.args;
        for (const address of [from as string, to as string]) {
          if (address !== ethers.ZeroAddress) expect(indexed.has(lower(address)), address).to.equal(true);
        }
      }
    });

    it("matches balanceOf, tierOf, isFrozen, isExempt, getVotes and delegates on chain", async () => {
      const mismatches: string[] = [];
      await Promise.all(
        accounts.map(async (a) => {
          const [balance, tier, frozen, exempt, votes, delegate] = await Promise.all([
            token.balanceOf(a.address, { blockTag: head }),
            registry.tierOf(a.address, { blockTag: head }),
            registry.isFrozen(a.address, { blockTag: head }),
            registry.isExempt(a.address, { blockTag: head }),
            token.getVotes(a.address, { blockTag: head }),
            token.delegates(a.address, { blockTag: head }),
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
            mismatches.push(`${a.address}: indexed ${JSON.stringify(actual)}, chain ${JSON.stringify(expected)}`);
          }
        }),
      );
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
    });

    it("counts each account's transfers in and out", async () => {
      const counted = new Map<string, { in: number; out: number }>();
      const bump = (address: string, side: "in" | "out") => {
        const entry = counted.get(lower(address)) ?? { in: 0, out: 0 };
        entry[side]++;
        counted.set(lower(address), entry);
      };
      for (const log of await logsOf(token, "Transfer")) {
        const { from, to } = token.interface.parseLog(log)!.args;
        if (from !== ethers.ZeroAddress) bump(from as string, "out");
        if (to !== ethers.ZeroAddress) bump(to as string, "in");
      }
      for (const a of accounts) {
        const expected = counted.get(a.address) ?? { in: 0, out: 0 };
        expect({ in: a.transfersIn, out: a.transfersOut }, a.address).to.deep.equal(expected);
      }
    });

    it("answers a single account by its key, with its community", async () => {
      const data = await graphql<{ account: { balance: string; frozen: boolean; community: { symbol: string } } }>(
        stack.apiUrl,
        `
          query ($token: String!, $address: String!) {
            account(token: $token, address: $address) {
              balance
              frozen
              community {
                symbol
              }
            }
          }
        `,
        { token: tokenAddress, address: actors.emptied },
      );
      expect(data.account).to.deep.equal({
        balance: "0",
        frozen: true,
        community: { symbol: stack.deployment.communities[0]!.symbol },
      });
    });
  });

  describe("community token", () => {
    it("matches totalSupply, paused and the holders on chain, and counts every log", async () => {
      const data = await graphql<{
        communityToken: Record<string, string | number | boolean>;
      }>(
        stack.apiUrl,
        `
          query ($address: String!) {
            communityToken(address: $address) {
              communityId
              symbol
              currency
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
        { address: tokenAddress },
      );
      const community = stack.deployment.communities[0]!;
      const [minted, redeemed, transfers] = await Promise.all([
        logsOf(token, "Minted"),
        logsOf(token, "Redeemed"),
        logsOf(token, "Transfer"),
      ]);
      const sum = (logs: Log[]) =>
        logs.reduce((total, log) => total + (token.interface.parseLog(log)!.args.amount as bigint), 0n);
      expect(data.communityToken).to.deep.equal({
        communityId: community.id,
        symbol: community.symbol,
        currency: community.currency,
        totalSupply: (await token.totalSupply({ blockTag: head })).toString(),
        holderCount: (await Promise.all(accounts.map((a) => token.balanceOf(a.address, { blockTag: head })))).filter(
          (balance) => balance > 0n,
        ).length,
        transferCount: transfers.length,
        mintCount: minted.length,
        mintedTotal: sum(minted).toString(),
        redemptionCount: redeemed.length,
        redeemedTotal: sum(redeemed).toString(),
        paused: await token.paused({ blockTag: head }),
      });
    });
  });

  describe("transfers", () => {
    it("has one row per Transfer log, with its parties, amount and kind", async () => {
      const { items } = await graphqlAll<TransferItem>(
        stack.apiUrl,
        "transfers",
        "transferFilter",
        "from to amount kind transactionHash logIndex",
        { where: { token: tokenAddress }, orderBy: "timestamp", orderDirection: "asc", pageSize: 100 },
      );
      const key = (t: { transactionHash: string; logIndex: number }) => `${t.transactionHash}:${t.logIndex}`;
      const indexed = new Map(items.map((t) => [key(t), t]));
      const logs = await logsOf(token, "Transfer");
      expect(items.length).to.equal(logs.length);
      for (const log of logs) {
        const { from, to, value } = token.interface.parseLog(log)!.args;
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
    });

    it("filters by sender (checksummed or not) and orders by amount", async () => {
      const sender = ethers.getAddress(
        accounts.reduce((best, a) => (a.transfersOut > best.transfersOut ? a : best)).address,
      );
      const expected = (await logsOf(token, "Transfer"))
        .map((log) => token.interface.parseLog(log)!.args)
        .filter((args) => args.from === sender)
        .map((args) => (args.value as bigint).toString())
        .sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));
      expect(expected.length).to.be.greaterThan(1);
      for (const from of [sender, lower(sender)]) {
        const { items } = await graphqlAll<{ amount: string; from: string }>(
          stack.apiUrl,
          "transfers",
          "transferFilter",
          "amount from",
          {
            where: { from },
            orderBy: "amount",
            orderDirection: "desc",
            pageSize: 1000,
          },
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
      expect(data.transfers.totalCount).to.equal((await logsOf(token, "Minted")).length);
    });
  });

  describe("one row per log", () => {
    const tables: [
      field: string,
      source: () => CommunityToken | ComplianceRegistry | SanctionsList,
      events: string[],
    ][] = [
      ["mints", () => token, ["Minted"]],
      ["redemptions", () => token, ["Redeemed"]],
      ["authorizations", () => token, ["AuthorizationUsed", "AuthorizationCanceled"]],
      ["delegations", () => token, ["DelegateChanged"]],
      ["sanctionsEvents", () => sanctions, ["SanctionedAddressAdded", "SanctionedAddressRemoved"]],
    ];
    for (const [field, source, events] of tables) {
      it(`${field}: one row per ${events.join(" / ")} log`, async () => {
        const data = await graphql<Record<string, { totalCount: number }>>(stack.apiUrl, `{ ${field} { totalCount } }`);
        const logs = await logsOf(source(), ...events);
        expect(logs.length, "the history emits these events").to.be.greaterThan(0);
        expect(data[field]!.totalCount).to.equal(logs.length);
      });
    }

    it("complianceEvents: one row per registry action and token pause or registry change", async () => {
      const registryLogs = await logsOf(
        registry,
        "TierChanged",
        "AccountFrozen",
        "AccountUnfrozen",
        "ExemptionChanged",
        "DailyLimitChanged",
        "SanctionsOracleChanged",
      );
      const tokenLogs = await logsOf(token, "Paused", "Unpaused", "ComplianceRegistryChanged");
      const data = await graphql<{ complianceEvents: { items: { kind: string }[]; totalCount: number } }>(
        stack.apiUrl,
        `
          {
            complianceEvents(limit: 1000) {
              totalCount
              items {
                kind
              }
            }
          }
        `,
      );
      expect(data.complianceEvents.totalCount).to.equal(registryLogs.length + tokenLogs.length);
      const kinds = new Set(data.complianceEvents.items.map((e) => e.kind));
      for (const kind of [
        "tier_changed",
        "frozen",
        "unfrozen",
        "exemption_changed",
        "daily_limit_changed",
        "sanctions_oracle_changed",
        "registry_changed",
        "paused",
        "unpaused",
      ]) {
        expect(kinds.has(kind), kind).to.equal(true);
      }
    });

    it("complianceEvents: each freeze and unfreeze carries the officer's reason code and its label", async () => {
      const logs = await logsOf(registry, "AccountFrozen", "AccountUnfrozen");
      const data = await graphql<{
        complianceEvents: {
          items: { transactionHash: string; account: string; reasonCode: string; reasonLabel: string | null }[];
        };
      }>(
        stack.apiUrl,
        `
          {
            complianceEvents(where: { kind_in: [frozen, unfrozen] }, limit: 1000) {
              items {
                transactionHash
                account
                reasonCode
                reasonLabel
              }
            }
          }
        `,
      );
      expect(data.complianceEvents.items).to.have.lengthOf(logs.length);
      for (const log of logs) {
        const row = data.complianceEvents.items.find((e) => e.transactionHash === log.transactionHash);
        const reasonCode = registry.interface.parseLog(log)!.args.reasonCode as string;
        expect(row?.reasonCode).to.equal(reasonCode);
        expect(row?.reasonLabel).to.equal(ethers.decodeBytes32String(reasonCode));
      }
    });

    it("roleEvents: one row per RoleGranted / RoleRevoked log, and roleMembers agree with hasRole", async () => {
      const logs = (
        await Promise.all([token, registry, sanctions].map((c) => logsOf(c, "RoleGranted", "RoleRevoked")))
      ).flat();
      const data = await graphql<{
        roleEvents: { totalCount: number };
        roleMembers: { items: { contract: string; role: string; account: string; active: boolean }[] };
      }>(
        stack.apiUrl,
        `
          {
            roleEvents {
              totalCount
            }
            roleMembers(limit: 1000) {
              items {
                contract
                role
                account
                active
              }
            }
          }
        `,
      );
      expect(data.roleEvents.totalCount).to.equal(logs.length);
      const byAddress = new Map<string, CommunityToken | ComplianceRegistry | SanctionsList>([
        [lower(tokenAddress), token],
        [lower(await registry.getAddress()), registry],
        [lower(await sanctions.getAddress()), sanctions],
      ]);
      for (const m of data.roleMembers.items) {
        const contract = byAddress.get(m.contract)!;
        expect(
          await contract.hasRole(m.role, m.account, { blockTag: head }),
          `${m.contract} ${m.role} ${m.account}`,
        ).to.equal(m.active);
      }
    });
  });

  describe("compliance state", () => {
    it("lists frozen accounts as the registry does", async () => {
      const { items } = await graphqlAll<{ address: string }>(stack.apiUrl, "accounts", "accountFilter", "address", {
        where: { token: tokenAddress, frozen: true },
        pageSize: 100,
      });
      const onChain = [];
      for (const a of accounts) if (await registry.isFrozen(a.address, { blockTag: head })) onChain.push(a.address);
      expect(items.map((a) => a.address).sort()).to.deep.equal(onChain.sort());
      expect(items.map((a) => a.address)).to.include(lower(actors.emptied));
    });

    it("keeps the daily limits and the sanctions list as on chain", async () => {
      const data = await graphql<{
        dailyLimits: { items: { tier: number; amount: string }[] };
        sanctionsListings: { items: { address: string; sanctioned: boolean }[] };
      }>(
        stack.apiUrl,
        `
          query ($token: String!) {
            dailyLimits(where: { token: $token }, orderBy: "tier") {
              items {
                tier
                amount
              }
            }
            sanctionsListings(limit: 1000) {
              items {
                address
                sanctioned
              }
            }
          }
        `,
        { token: tokenAddress },
      );
      const limits = await Promise.all([0, 1, 2].map((tier) => registry.dailyLimit(tier, { blockTag: head })));
      expect(data.dailyLimits.items).to.deep.equal(limits.map((amount, tier) => ({ tier, amount: amount.toString() })));
      for (const listing of data.sanctionsListings.items) {
        expect(await sanctions.isSanctioned(listing.address, { blockTag: head }), listing.address).to.equal(
          listing.sanctioned,
        );
      }
      expect(data.sanctionsListings.items).to.deep.include({
        address: lower(actors.listedThenRemoved),
        sanctioned: false,
      });
    });
  });

  describe("HTTP", () => {
    it("serves GraphQL at / as well as /graphql, and GraphiQL to browsers", async () => {
      const answer = await fetch(`${stack.apiUrl}/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `query ($address: String!) { communityToken(address: $address) { symbol } }`,
          variables: { address: tokenAddress },
        }),
      });
      expect(await answer.json()).to.deep.equal({
        data: { communityToken: { symbol: stack.deployment.communities[0]!.symbol } },
      });
      const page = await fetch(`${stack.apiUrl}/graphql`, { headers: { accept: "text/html" } });
      expect(page.headers.get("content-type")).to.match(/text\/html/);
    });
  });

  describe("published schema", () => {
    it("equals subgraph-schema/schema.graphql", async () => {
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
});

/**
 * The business API end to end (see ./indexer.e2e.test.ts, which runs the stack and the simulation): keys issued and
 * revoked by `scripts/apikey.ts` into the stack's keys file, then every figure the API gives is recomputed from the
 * chain at the indexed head (eth_getLogs and views) with the formulas of indexer/src/lib/metrics.ts: a community's
 * and the federation's analytics over the whole history and over a later part of it (transactions, volume, mints
 * and burns, holders, active users, retention, average supply, velocity, Gini, merchant sales and KC share,
 * cross-border flows, local trade share, governance participation, daily series), the alerts the simulation's
 * watched business raised, every alert against its transfer, a merchant statement and an account history (GraphQL
 * and CSV), the frozen accounts and the travel-rule records. Bad keys, bad inputs and hostile queries get errors
 * with codes and messages, and the server keeps answering.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect } from "chai";
import { ethers, type Log } from "ethers";
import { DAY, utcDate, utcDay } from "../../indexer/src/lib/bridge";
import { DEFAULT_BURST, DEFAULT_RATE_PER_SECOND } from "../../indexer/src/api/business/keys";
import {
  activeSenders,
  averageSupply,
  gini,
  governanceParticipation,
  kcShare,
  localTradeShare,
  type Ratio,
  retention,
  velocity,
} from "../../indexer/src/lib/metrics";
import type { Deployment } from "../../scripts/lib/deployment";
import {
  BridgePool__factory,
  BridgeRouter__factory,
  CommunityGovernor__factory,
  CommunityRegistry__factory,
  CommunityToken__factory,
  ComplianceRegistry__factory,
  MerchantRegistry__factory,
  PaymentRouter__factory,
} from "../../typechain-types";
import { ROOT } from "./harness";
import { type AttackResult, type AttackSpec } from "./attacker";
import { hostileCorpus } from "./hostileCorpus";

/** The attackers' process of the hostile-input test. */
const ATTACKER = path.join(__dirname, "attacker.ts");

export interface BusinessApiContext {
  /** The indexer's base URL (http://127.0.0.1:port). */
  baseUrl: string;
  keysFile: string;
  provider: ethers.JsonRpcProvider;
  deployment: Deployment;
  head: number;
  /** The simulation's summary: the accounts that sent the watched patterns. */
  watched: { community: string; account: string; transfers: number }[];
}

const ZERO = ethers.ZeroAddress;
const lower = (a: string) => a.toLowerCase();
const E18 = 10n ** 18n;

interface Transfer {
  from: string;
  to: string;
  value: bigint;
  day: bigint;
  timestamp: bigint;
  hash: string;
  block: number;
  logIndex: number;
}

interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The API's Ratio, compared with an exact one: same reduced numerator and denominator (null when undefined). */
function expectRatio(actual: { numerator: string; denominator: string } | null, expected: Ratio, what: string): void {
  if (expected.denominator === 0n) {
    expect(actual, what).to.equal(null);
    return;
  }
  expect(actual, what).to.not.equal(null);
  expect({ n: actual!.numerator, d: actual!.denominator }, what).to.deep.equal({
    n: expected.numerator.toString(),
    d: expected.denominator.toString(),
  });
}

export function describeBusinessApi(context: () => BusinessApiContext): void {
  describe("business API (/api/graphql)", function () {
    let c: BusinessApiContext;
    let complianceKey: string;
    let businessKey: string;
    let revokedKey: string;
    let slowKey: string;
    let attackerKey: string;
    let goodKey: string;
    let merchantAddress: string;
    const timestamps = new Map<number, bigint>();

    const apikey = (...args: string[]) =>
      execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/apikey.ts", ...args], {
        cwd: ROOT,
        env: { ...process.env, API_KEYS_FILE: c.keysFile },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();

    async function request<T>(query: string, variables: Record<string, unknown> = {}, key?: string) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (key !== undefined) headers["x-api-key"] = key;
      const response = await fetch(`${c.baseUrl}/api/graphql`, {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
      return { status: response.status, ...body } as GraphQLResponse<T>;
    }
    /** A query that must succeed. */
    async function ask<T>(query: string, variables: Record<string, unknown> = {}, key = complianceKey): Promise<T> {
      const r = await request<T>(query, variables, key);
      expect(r.errors, JSON.stringify(r.errors)).to.equal(undefined);
      return r.data!;
    }
    /** A query that must fail with `code` (and a message). */
    async function refused(code: string, query: string, variables: Record<string, unknown> = {}, key = complianceKey) {
      const r = await request(query, variables, key);
      expect(r.errors, `expected ${code}, got ${JSON.stringify(r)}`).to.be.an("array").that.is.not.empty;
      const error = r.errors![0]!;
      expect(error.extensions?.code, JSON.stringify(error)).to.equal(code);
      expect(error.message).to.be.a("string").with.length.greaterThan(10);
      expect(JSON.stringify(r)).to.not.match(/\bat .*\.(ts|js):\d+/); // no stack trace
      return error;
    }

    async function timestampOf(block: number): Promise<bigint> {
      if (!timestamps.has(block)) timestamps.set(block, BigInt((await c.provider.getBlock(block))!.timestamp));
      return timestamps.get(block)!;
    }
    async function logs(address: string | undefined, topic: string): Promise<Log[]> {
      return c.provider.getLogs({ address, topics: [topic], fromBlock: 0, toBlock: c.head });
    }
    const transfersOf = new Map<string, Transfer[]>();
    async function transfers(token: string): Promise<Transfer[]> {
      if (!transfersOf.has(token)) {
        const iface = CommunityToken__factory.createInterface();
        const list: Transfer[] = [];
        for (const log of await logs(token, iface.getEvent("Transfer").topicHash)) {
          const { from, to, value } = iface.parseLog(log)!.args as unknown as {
            from: string;
            to: string;
            value: bigint;
          };
          const timestamp = await timestampOf(log.blockNumber);
          list.push({
            from: lower(from),
            to: lower(to),
            value,
            day: utcDay(timestamp),
            timestamp,
            hash: log.transactionHash,
            block: log.blockNumber,
            logIndex: log.index,
          });
        }
        transfersOf.set(token, list);
      }
      return transfersOf.get(token)!;
    }

    /** Every community of the registry at the head: id, token, currency, compliance registry, governor. */
    async function registered() {
      const registry = CommunityRegistry__factory.connect(c.deployment.communityRegistry.address, c.provider);
      const list = [];
      for (let i = 0n; i < (await registry.communityCount({ blockTag: c.head })); i++) {
        list.push(await registry.communityAt(i, { blockTag: c.head }));
      }
      return list;
    }
    /** Every pool the router registered, and the router: transfers to or from them are not local trade. */
    async function bridgeAddresses(): Promise<Set<string>> {
      const iface = BridgeRouter__factory.createInterface();
      const set = new Set([lower(c.deployment.bridge.router.address)]);
      for (const log of await logs(c.deployment.bridge.router.address, iface.getEvent("PoolSet").topicHash)) {
        set.add(lower(iface.parseLog(log)!.args.pool as string));
      }
      return set;
    }
    async function settlements() {
      const iface = BridgePool__factory.createInterface();
      const pools = await bridgeAddresses();
      const settled = (await logs(undefined, iface.getEvent("Settled").topicHash)).filter((log) =>
        pools.has(lower(log.address)),
      );
      for (const log of settled) await timestampOf(log.blockNumber);
      return settled.map((log) => {
        const a = iface.parseLog(log)!.args;
        return {
          tokenIn: lower(a.tokenIn as string),
          tokenOut: lower(a.tokenOut as string),
          amountIn: a.amountIn as bigint,
          amountOut: a.amountOut as bigint,
          travelRule: a.travelRule as boolean,
          hash: log.transactionHash,
          block: log.blockNumber,
        };
      });
    }

    /** The UTC days of the deployment's first block and of the indexed head. */
    async function historyDays(): Promise<{ first: bigint; last: bigint }> {
      const first = utcDay(await timestampOf(c.deployment.startBlock));
      const last = utcDay(await timestampOf(c.head));
      return { first, last };
    }

    before(async function () {
      this.timeout(120_000);
      c = context();
      const merchants = MerchantRegistry__factory.createInterface();
      const registeredLogs = await logs(
        c.deployment.business.merchantRegistry.address,
        merchants.getEvent("MerchantRegistered").topicHash,
      );
      // the merchant with the most sales
      const router = PaymentRouter__factory.createInterface();
      const sales = await logs(
        c.deployment.business.paymentRouter.address,
        router.getEvent("PaymentSettled").topicHash,
      );
      const byMerchant = new Map<string, number>();
      for (const log of sales) {
        const m = lower(router.parseLog(log)!.args.merchant as string);
        byMerchant.set(m, (byMerchant.get(m) ?? 0) + 1);
      }
      merchantAddress = [...byMerchant.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      expect(registeredLogs.length).to.be.greaterThan(0);

      complianceKey = apikey(
        "issue",
        "--label",
        "e2e compliance",
        "--role",
        "compliance",
        "--rate",
        "1000",
        "--burst",
        "1000",
      );
      businessKey = apikey("issue", "--label", "e2e merchant", "--role", "business", "--merchant", merchantAddress);
      revokedKey = apikey("issue", "--label", "e2e revoked", "--role", "compliance");
      goodKey = apikey(
        "issue",
        "--label",
        "e2e good client",
        "--role",
        "compliance",
        "--rate",
        "1000",
        "--burst",
        "1000",
      );
      slowKey = apikey("issue", "--label", "e2e slow", "--role", "compliance", "--rate", "0.2", "--burst", "2");
      attackerKey = apikey("issue", "--label", "e2e attacker (default rate limit)", "--role", "compliance");
      apikey("revoke", revokedKey.split("_")[1]!);
      // the server rereads the keys file at most once a second
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    });

    describe("keys", () => {
      it("asks for a key, refuses bad and revoked ones (401), and stores only hashes", async () => {
        const query = "{ communities { id } }";
        const missing = await request(query);
        expect(missing.status).to.equal(401);
        expect(missing.errors![0]!.extensions?.code).to.equal("MISSING_KEY");
        for (const bad of ["nonsense", `${complianceKey.slice(0, -4)}AAAA`, revokedKey]) {
          const r = await request(query, {}, bad);
          expect(r.status, bad).to.equal(401);
          expect(r.errors![0]!.extensions?.code).to.equal("INVALID_KEY");
        }
        expect((await request(query, {}, revokedKey)).errors![0]!.message).to.match(/revoked/);
        const file = fs.readFileSync(c.keysFile, "utf8");
        // the secret is what follows kc_<id>_ (it may itself contain "_")
        for (const key of [complianceKey, businessKey]) expect(file).to.not.contain(key.slice(12));
        expect(apikey("list")).to.contain("e2e merchant");
      });

      it("limits the rate per key (429 with Retry-After), not per server", async () => {
        const query = "{ communities { id } }";
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await request(query, {}, slowKey)).status);
        expect(statuses.slice(0, 2)).to.deep.equal([200, 200]);
        expect(statuses.slice(2)).to.include(429);
        const r = await request(query, {}, slowKey);
        expect(r.errors![0]!.extensions?.code).to.equal("RATE_LIMITED");
        expect((await request(query, {}, complianceKey)).status).to.equal(200);
      });
    });

    describe("communities and analytics", () => {
      it("lists the registry's communities with supply as totalSupply and the alert thresholds", async () => {
        const { communities } = await ask<{
          communities: {
            id: string;
            token: string;
            supply: { raw: string; currency: string };
            alertThresholds: { large: { value: string } };
          }[];
        }>("{ communities { id token supply { raw currency } alertThresholds { large { value } } } }");
        const chain = await registered();
        expect(communities.map((x) => x.id).sort()).to.deep.equal(chain.map((x) => x.id).sort());
        for (const x of communities) {
          const token = CommunityToken__factory.connect(x.token, c.provider);
          expect(x.supply.raw, x.id).to.equal((await token.totalSupply({ blockTag: c.head })).toString());
          expect(x.supply.currency).to.equal(await token.symbol());
        }
        const monterrey = communities.find((x) => x.id === "monterrey");
        if (monterrey) expect(monterrey.alertThresholds.large.value).to.equal("180000");
        expect(communities.find((x) => x.id === "katy")!.alertThresholds.large.value).to.equal("10000");
      });

      const ANALYTICS = `query ($community: ID, $from: Date!, $to: Date!) {
        analytics(community: $community, from: $from, to: $to) {
          scope days holders activeUsers transactionCount
          retention { numerator denominator decimal bps }
          volume { raw value currency } minted { raw } burned { raw } averageSupply { raw }
          velocity { numerator denominator } registeredBusinesses
          merchantSales { paymentCount kc { raw } fiat { raw } kcShare { numerator denominator } }
          crossBorder { count corridors { corridor count } }
          localTradeShare { numerator denominator } gini { numerator denominator }
          pools { address tvl { raw } volume { raw } swapCount }
          governance { proposals proposalsWithVotes votesCast eligibleVotingPower participation { numerator denominator } }
          daily { date transactionCount volume { raw } activeUsers supply { raw } holders alertCount }
        } }`;
      interface AnalyticsData {
        analytics: {
          scope: string;
          days: number;
          holders: number;
          activeUsers: number;
          transactionCount: number;
          retention: { numerator: string; denominator: string } | null;
          volume: { raw: string; value: string; currency: string };
          minted: { raw: string } | null;
          burned: { raw: string } | null;
          averageSupply: { raw: string } | null;
          velocity: { numerator: string; denominator: string } | null;
          registeredBusinesses: number;
          merchantSales: {
            paymentCount: number;
            kc: { raw: string };
            fiat: { raw: string };
            kcShare: { numerator: string; denominator: string } | null;
          };
          crossBorder: { count: number; corridors: { corridor: string; count: number }[] };
          localTradeShare: { numerator: string; denominator: string } | null;
          gini: { numerator: string; denominator: string } | null;
          pools: { address: string; swapCount: number }[];
          governance: {
            proposals: number;
            proposalsWithVotes: number;
            votesCast: string;
            eligibleVotingPower: string;
            participation: { numerator: string; denominator: string } | null;
          };
          daily: {
            date: string;
            transactionCount: number;
            volume: { raw: string };
            activeUsers: number;
            supply: { raw: string } | null;
            holders: number;
            alertCount: number;
          }[];
        };
      }

      /** The expected analytics of `token` over the UTC days [from, to], recomputed from the chain's logs. */
      async function expected(
        community: { id: string; token: string; governor: string; currency: string },
        from: bigint,
        to: bigint,
      ) {
        const token = lower(community.token);
        const all = await transfers(community.token);
        const inRange = all.filter((t) => t.day >= from && t.day <= to);
        const moves = inRange.filter((t) => t.from !== lower(ZERO) && t.to !== lower(ZERO));
        const bridge = await bridgeAddresses();
        const volume = moves.reduce((a, t) => a + t.value, 0n);
        const bridgeVolume = moves
          .filter((t) => bridge.has(t.from) || bridge.has(t.to))
          .reduce((a, t) => a + t.value, 0n);
        // end-of-day supply of every day up to `to`, and balances at the end of `to`
        const supplyByDay = new Map<bigint, bigint>();
        const balances = new Map<string, bigint>();
        let supply = 0n;
        for (const t of all.filter((x) => x.day <= to)) {
          if (t.from === lower(ZERO)) supply += t.value;
          else balances.set(t.from, (balances.get(t.from) ?? 0n) - t.value);
          if (t.to === lower(ZERO)) supply -= t.value;
          else balances.set(t.to, (balances.get(t.to) ?? 0n) + t.value);
          supplyByDay.set(t.day, supply);
        }
        const points = [...supplyByDay.entries()].map(([day, s]) => ({ day, supply: s }));
        const average = averageSupply(points, from, to);
        const days = Number((to - from) / DAY) + 1;
        const senders = (start: bigint, end: bigint) =>
          activeSenders(all.filter((t) => t.day >= start && t.day <= end));
        const flows = (await settlements()).filter((s) => {
          const day = utcDay(timestamps.get(s.block)!);
          return day >= from && day <= to;
        });
        const out = flows.filter((s) => s.tokenIn === token);
        const into = flows.filter((s) => s.tokenOut === token);
        const local = volume - bridgeVolume;
        const crossVolume = out.reduce((a, s) => a + s.amountIn, 0n) + into.reduce((a, s) => a + s.amountOut, 0n);
        // merchant sales of the token in the range (fiat parts in the community's currency)
        const router = PaymentRouter__factory.createInterface();
        let kc = 0n;
        let fiat = 0n;
        let payments = 0;
        for (const log of await logs(
          c.deployment.business.paymentRouter.address,
          router.getEvent("PaymentSettled").topicHash,
        )) {
          const a = router.parseLog(log)!.args;
          const day = utcDay(await timestampOf(log.blockNumber));
          if (lower(a.token as string) !== token || day < from || day > to) continue;
          payments++;
          kc += a.amount as bigint;
          if (a.fiatCurrency === community.currency) fiat += a.fiatAmount as bigint;
        }
        const merchants = MerchantRegistry__factory.createInterface();
        const registeredMerchants = new Set<string>();
        for (const log of await logs(
          c.deployment.business.merchantRegistry.address,
          merchants.getEvent("MerchantRegistered").topicHash,
        )) {
          const a = merchants.parseLog(log)!.args;
          if (lower(a.token as string) === token && utcDay(await timestampOf(log.blockNumber)) <= to) {
            registeredMerchants.add(lower(a.merchant as string));
          }
        }
        // governance: proposals whose snapshot is in the range; participation of those with votes
        const g = CommunityGovernor__factory.createInterface();
        const proposals = (await logs(community.governor, g.getEvent("ProposalCreated").topicHash))
          .map((log) => g.parseLog(log)!.args)
          .filter((a) => (a.voteStart as bigint) >= from && (a.voteStart as bigint) < to + DAY);
        const weights = new Map<string, bigint>();
        const votes = [
          ...(await logs(community.governor, g.getEvent("VoteCast").topicHash)),
          ...(await logs(community.governor, g.getEvent("VoteCastWithParams").topicHash)),
        ];
        for (const log of votes) {
          const a = g.parseLog(log)!.args;
          const id = (a.proposalId as bigint).toString();
          weights.set(id, (weights.get(id) ?? 0n) + (a.weight as bigint));
        }
        let cast = 0n;
        let eligible = 0n;
        let withVotes = 0;
        const tokenContract = CommunityToken__factory.connect(community.token, c.provider);
        for (const p of proposals) {
          const id = (p.proposalId as bigint).toString();
          if (!weights.has(id)) continue;
          withVotes++;
          cast += weights.get(id)!;
          eligible += await tokenContract.getPastTotalSupply(p.voteStart as bigint, { blockTag: c.head });
        }
        return {
          transactionCount: moves.length,
          volume,
          minted: inRange.filter((t) => t.from === lower(ZERO)).reduce((a, t) => a + t.value, 0n),
          burned: inRange.filter((t) => t.to === lower(ZERO)).reduce((a, t) => a + t.value, 0n),
          holders: [...balances.values()].filter((b) => b > 0n).length,
          gini: gini(balances.values()),
          activeUsers: senders(from, to).size,
          retention: retention(senders(from - BigInt(days) * DAY, from - DAY), senders(from, to)),
          averageSupply: average,
          velocity: velocity(volume, average),
          merchantSales: { payments, kc, fiat, share: kcShare(kc, fiat) },
          crossBorder: out.length + into.length,
          localTradeShare: localTradeShare(local, local + crossVolume),
          registeredBusinesses: registeredMerchants.size,
          governance: { proposals: proposals.length, withVotes, cast, eligible },
          supplyAtEnd: supply,
          dailyCounts: new Map(
            [...new Set(moves.map((t) => t.day))].map((day) => [
              utcDate(day),
              moves.filter((t) => t.day === day).length,
            ]),
          ),
        };
      }

      async function checkCommunity(id: string, from: bigint, to: bigint) {
        const community = (await registered()).find((x) => x.id === id)!;
        const currency = await CommunityToken__factory.connect(community.token, c.provider).symbol();
        const profile = c.deployment.communities.find((x) => x.id === id);
        const e = await expected(
          { id, token: community.token, governor: community.governor, currency: profile?.currency ?? "USD" },
          from,
          to,
        );
        const { analytics: a } = await ask<AnalyticsData>(ANALYTICS, {
          community: id,
          from: utcDate(from),
          to: utcDate(to),
        });
        expect(a.scope).to.equal(id);
        expect(a.volume.currency).to.equal(currency);
        expect(a.days).to.equal(Number((to - from) / DAY) + 1);
        expect(a.daily.length).to.equal(a.days);
        expect(a.transactionCount, "transactions").to.equal(e.transactionCount);
        expect(a.volume.raw, "volume").to.equal(e.volume.toString());
        expect(a.minted!.raw, "minted").to.equal(e.minted.toString());
        expect(a.burned!.raw, "burned").to.equal(e.burned.toString());
        expect(a.holders, "holders at the end").to.equal(e.holders);
        expect(a.activeUsers, "active users").to.equal(e.activeUsers);
        expectRatio(a.retention, e.retention, "retention");
        expect(a.averageSupply!.raw, "average supply").to.equal(
          (e.averageSupply.numerator / e.averageSupply.denominator).toString(),
        );
        expectRatio(a.velocity, e.velocity, "velocity");
        expectRatio(a.gini, e.gini, "gini");
        expect(a.registeredBusinesses, "registered businesses").to.equal(e.registeredBusinesses);
        expect(a.merchantSales.paymentCount, "payments").to.equal(e.merchantSales.payments);
        expect(a.merchantSales.kc.raw).to.equal(e.merchantSales.kc.toString());
        expect(a.merchantSales.fiat.raw).to.equal(e.merchantSales.fiat.toString());
        expectRatio(a.merchantSales.kcShare, e.merchantSales.share, "KC share");
        expect(a.crossBorder.count, "cross-border settlements").to.equal(e.crossBorder);
        expect(a.crossBorder.corridors.reduce((s, x) => s + x.count, 0)).to.equal(e.crossBorder);
        expectRatio(a.localTradeShare, e.localTradeShare, "local trade share");
        expect(a.governance.proposals, "proposals").to.equal(e.governance.proposals);
        expect(a.governance.proposalsWithVotes).to.equal(e.governance.withVotes);
        expect(a.governance.votesCast).to.equal(e.governance.cast.toString());
        expect(a.governance.eligibleVotingPower).to.equal(e.governance.eligible.toString());
        expectRatio(
          a.governance.participation,
          governanceParticipation(e.governance.cast, e.governance.eligible),
          "participation",
        );
        expect(a.daily.at(-1)!.supply!.raw, "end-of-range supply").to.equal(e.supplyAtEnd.toString());
        for (const d of a.daily) expect(d.transactionCount, d.date).to.equal(e.dailyCounts.get(d.date) ?? 0);
        expect(a.daily.reduce((s, d) => s + d.transactionCount, 0)).to.equal(e.transactionCount);
        return a;
      }

      it("gives a community's analytics over its whole history as recomputed from the chain", async function () {
        this.timeout(120_000);
        const { first, last } = await historyDays();
        const a = await checkCommunity(c.deployment.communities[0]!.id, first, last);
        expect(a.transactionCount).to.be.greaterThan(50);
        expect(a.pools.length).to.be.greaterThan(0);
        expect(a.governance.proposalsWithVotes).to.be.greaterThan(0);
      });

      it("gives the analytics of a later part of the history: retention, Gini and supply at its end", async function () {
        this.timeout(120_000);
        const { first, last } = await historyDays();
        expect(last, "the simulation spans several days").to.be.greaterThan(first + 2n * DAY);
        // a range that ends before the head: balances at its end come from the accounts' daily rows
        const end = last - DAY;
        const start = first + ((end - first) / DAY / 2n) * DAY;
        for (const community of c.deployment.communities.slice(0, 2)) await checkCommunity(community.id, start, end);
      });

      it("gives the federation's analytics: sums over every community", async function () {
        this.timeout(120_000);
        const { first, last } = await historyDays();
        const { analytics: a } = await ask<AnalyticsData>(ANALYTICS, { from: utcDate(first), to: utcDate(last) });
        expect(a.scope).to.equal("federation");
        let transactions = 0;
        for (const community of await registered()) {
          transactions += (await transfers(community.token)).filter(
            (t) => t.from !== lower(ZERO) && t.to !== lower(ZERO),
          ).length;
        }
        expect(a.transactionCount).to.equal(transactions);
        expect(a.crossBorder.count).to.equal((await settlements()).length);
        expect(a.gini).to.equal(null);
        expect(a.averageSupply).to.equal(null);
        expect(a.daily.reduce((s, d) => s + d.transactionCount, 0)).to.equal(transactions);
        expect(a.pools.length).to.equal((await bridgeAddresses()).size - 1);
      });

      it("formats amounts exactly and in the community's locale, or in the one asked", async () => {
        const { community } = await ask<{
          community: { locale: string; supply: { value: string; raw: string; formatted: string; other: string } };
        }>(
          `{ community(id: "monterrey") { locale supply { value raw formatted other: formatted(locale: "en-US") } } }`,
        );
        const raw = BigInt(community.supply.raw);
        expect(community.supply.value).to.equal(ethers.formatEther(raw).replace(/\.0$/, ""));
        expect(community.locale).to.equal("es-MX");
        expect(community.supply.formatted).to.contain("MTY");
        expect(community.supply.other).to.match(/^MTY\s[\d,]+\.\d\d$/);
        await refused("BAD_LOCALE", `{ community(id: "katy") { supply { formatted(locale: "not a locale!") } } }`);
      });
    });

    describe("compliance", () => {
      const ALERTS = `query ($filter: AlertFilter, $first: Int, $after: String) {
        alerts(filter: $filter, first: $first, after: $after) {
          items { id rule severity community account counterparty amount { raw } transactionHash time }
          pageInfo { hasNextPage endCursor } } }`;
      interface AlertItem {
        id: string;
        rule: string;
        severity: string;
        community: string;
        account: string;
        counterparty: string;
        amount: { raw: string };
        transactionHash: string;
        time: string;
      }
      async function allAlerts(filter: Record<string, unknown>, first = 100): Promise<AlertItem[]> {
        const items: AlertItem[] = [];
        let after: string | null = null;
        for (;;) {
          type Page = { items: AlertItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
          const { alerts }: { alerts: Page } = await ask<{ alerts: Page }>(ALERTS, { filter, first, after });
          items.push(...alerts.items);
          if (!alerts.pageInfo.hasNextPage) return items;
          after = alerts.pageInfo.endCursor;
        }
      }

      it("raised the watched business's alerts: large, structuring, daily total and velocity", async () => {
        const watched = c.watched[0]!;
        const alerts = await allAlerts({ account: watched.account, community: watched.community });
        const rules = new Set(alerts.map((a) => a.rule));
        for (const rule of ["large", "structuring", "dailyTotal", "velocity"]) expect(rules, rule).to.include(rule);
        const community = (await registered()).find((x) => x.id === watched.community)!;
        const sent = (await transfers(community.token)).filter((t) => t.from === lower(watched.account));
        const large = sent.find((t) => t.value === 12_000n * E18)!;
        const largeAlert = alerts.find((a) => a.rule === "large" && a.transactionHash === large.hash);
        expect(largeAlert?.severity).to.equal("high");
        // the third transfer in the structuring band completes the pattern
        const band = sent.filter((t) => t.value >= 9_000n * E18 && t.value < 10_000n * E18);
        expect(alerts.find((a) => a.rule === "structuring")!.transactionHash).to.equal(band[2]!.hash);
      });

      it("pages the alert queue newest first, and every alert names a transfer of its account and amount", async function () {
        this.timeout(60_000);
        const everything = await allAlerts({}, 500);
        const paged = await allAlerts({}, 7);
        expect(paged.map((a) => a.id)).to.deep.equal(everything.map((a) => a.id));
        expect(everything.length).to.be.greaterThan(3);
        for (let i = 1; i < everything.length; i++)
          expect(everything[i - 1]!.time >= everything[i]!.time).to.equal(true);
        const tokens = new Map((await registered()).map((x) => [x.id, x.token]));
        for (const a of everything) {
          const t = (await transfers(tokens.get(a.community)!)).find(
            (x) => x.hash === a.transactionHash && x.from === a.account && x.value.toString() === a.amount.raw,
          );
          expect(t, `${a.id}: no transfer of ${a.amount.raw} from ${a.account} in ${a.transactionHash}`).to.not.equal(
            undefined,
          );
          expect(a.time).to.equal(new Date(Number(t!.timestamp) * 1000).toISOString().replace(".000Z", "Z"));
        }
        const severe = await allAlerts({ minSeverity: "high" }, 500);
        expect(severe.every((a) => a.severity === "high" || a.severity === "severe")).to.equal(true);
        expect(severe.length).to.equal(everything.filter((a) => ["high", "severe"].includes(a.severity)).length);
      });

      it("summarizes an account's risk from its alerts, balance, tier and freeze", async () => {
        const watched = c.watched[0]!;
        const { accountRisk: r } = await ask<{
          accountRisk: {
            level: string;
            balance: { raw: string };
            kycTier: number;
            frozen: boolean;
            alertCounts: Record<string, number>;
          };
        }>(
          `query ($c: ID!, $a: Address!) { accountRisk(community: $c, account: $a) {
             level balance { raw } kycTier frozen alertCounts { low medium high severe } } }`,
          { c: watched.community, a: watched.account },
        );
        const community = (await registered()).find((x) => x.id === watched.community)!;
        const token = CommunityToken__factory.connect(community.token, c.provider);
        expect(r.balance.raw).to.equal((await token.balanceOf(watched.account, { blockTag: c.head })).toString());
        expect(r.level).to.equal("severe");
        const alerts = await allAlerts({ account: watched.account, community: watched.community });
        for (const severity of ["low", "medium", "high", "severe"]) {
          expect(r.alertCounts[severity], severity).to.equal(alerts.filter((a) => a.severity === severity).length);
        }
        const registry = ComplianceRegistry__factory.connect(community.complianceRegistry, c.provider);
        expect(r.kycTier).to.equal(Number(await registry.tierOf(watched.account, { blockTag: c.head })));
      });

      it("lists the frozen accounts as the registries report them", async () => {
        const { frozenAccounts } = await ask<{ frozenAccounts: { community: string; account: string }[] }>(
          "{ frozenAccounts { community account } }",
        );
        const expected: string[] = [];
        const iface = ComplianceRegistry__factory.createInterface();
        for (const community of await registered()) {
          const registry = ComplianceRegistry__factory.connect(community.complianceRegistry, c.provider);
          const candidates = new Set(
            (await logs(community.complianceRegistry, iface.getEvent("AccountFrozen").topicHash)).map((log) =>
              lower(iface.parseLog(log)!.args.account as string),
            ),
          );
          for (const account of candidates) {
            if (await registry.isFrozen(account, { blockTag: c.head })) expected.push(`${community.id}:${account}`);
          }
        }
        expect(frozenAccounts.map((f) => `${f.community}:${f.account}`).sort()).to.deep.equal(expected.sort());
        expect(expected.length).to.be.greaterThan(0);
      });

      it("gives travel-rule records for every settlement at or above the threshold", async () => {
        const { first, last } = await historyDays();
        const records: { transactionHash: string }[] = [];
        let after: string | null = null;
        for (;;) {
          type Page = { items: { transactionHash: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
          const { travelRuleRecords: page }: { travelRuleRecords: Page } = await ask<{ travelRuleRecords: Page }>(
            `query ($from: Date!, $to: Date!, $after: String) { travelRuleRecords(from: $from, to: $to, first: 5, after: $after) {
               items { transactionHash originator beneficiary amountIn { raw } value { raw } } pageInfo { hasNextPage endCursor } } }`,
            { from: utcDate(first), to: utcDate(last), after },
          );
          records.push(...page.items);
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        const expected = (await settlements()).filter((s) => s.travelRule).map((s) => s.hash);
        expect(records.map((r) => r.transactionHash).sort()).to.deep.equal(expected.sort());
        expect(expected.length).to.be.greaterThan(0);
      });
    });

    describe("reports", () => {
      it("gives a merchant's statement as the router's logs add up, in GraphQL and as the same CSV", async () => {
        const { first, last } = await historyDays();
        const args = { m: merchantAddress, from: utcDate(first), to: utcDate(last) };
        const { merchantStatement: s } = await ask<{
          merchantStatement: {
            saleCount: number;
            sales: { raw: string };
            refundCount: number;
            refunds: { raw: string };
            net: { raw: string };
            fiatSales: { raw: string; currency: string };
            rewards: { raw: string };
            entryCount: number;
            entries: { type: string }[];
            csv: string;
          };
        }>(
          `query ($m: Address!, $from: Date!, $to: Date!) { merchantStatement(merchant: $m, from: $from, to: $to) {
             saleCount sales { raw } refundCount refunds { raw } net { raw } fiatSales { raw currency } rewards { raw }
             entryCount entries { type } csv } }`,
          args,
          businessKey,
        );
        const router = PaymentRouter__factory.createInterface();
        const address = c.deployment.business.paymentRouter.address;
        const mine = (log: Log) => lower(router.parseLog(log)!.args.merchant as string) === merchantAddress;
        const sales = (await logs(address, router.getEvent("PaymentSettled").topicHash)).filter(mine);
        const refunds = (await logs(address, router.getEvent("PaymentRefunded").topicHash)).filter(mine);
        const sum = (list: Log[]) => list.reduce((a, log) => a + (router.parseLog(log)!.args.amount as bigint), 0n);
        expect(s.saleCount).to.equal(sales.length);
        expect(s.sales.raw).to.equal(sum(sales).toString());
        expect(s.refundCount).to.equal(refunds.length);
        expect(s.refunds.raw).to.equal(sum(refunds).toString());
        expect(s.net.raw).to.equal((sum(sales) - sum(refunds)).toString());
        expect(s.entryCount).to.equal(sales.length + refunds.length);
        expect(s.entries.length).to.equal(Math.min(s.entryCount, 100)); // the first page
        const lines = s.csv.split("\r\n").filter((l) => l !== "");
        expect(lines[0]).to.equal(
          "date,type,reference,counterparty,currency,amount,fiat_currency,fiat_amount,loyalty_reward,transaction_hash",
        );
        expect(lines.length).to.equal(1 + sales.length + refunds.length);
        // the totals (summed in SQL) agree with the entries (the CSV's lines): fiat parts in the peg, rewards
        const cells = lines.slice(1).map((l) => l.split(","));
        const sumOf = (list: string[][], column: number) =>
          list.reduce((a, cell) => a + ethers.parseEther(cell[column] || "0"), 0n);
        const saleLines = cells.filter((cell) => cell[1] === "sale");
        expect(s.fiatSales.raw).to.equal(
          sumOf(
            saleLines.filter((cell) => cell[6] === s.fiatSales.currency),
            7,
          ).toString(),
        );
        expect(s.rewards.raw).to.equal(sumOf(saleLines, 8).toString());
        expect(s.sales.raw).to.equal(sumOf(saleLines, 5).toString());
        const url = `${c.baseUrl}/api/reports/merchant-statement.csv?merchant=${args.m}&from=${args.from}&to=${args.to}`;
        const response = await fetch(url, { headers: { "x-api-key": businessKey } });
        expect(response.status).to.equal(200);
        expect(response.headers.get("content-type")).to.match(/^text\/csv/);
        expect(await response.text()).to.equal(s.csv);
        // page by page (sales and any refunds merged by block and log index), the entries are the CSV's, in its order
        const paged: string[] = [];
        for (let offset = 0; offset < s.entryCount + 3; offset += 3) {
          const { merchantStatement: page } = await ask<{
            merchantStatement: { entries: { transactionHash: string }[] };
          }>(
            `query ($m: Address!, $from: Date!, $to: Date!, $offset: Int!) { merchantStatement(merchant: $m, from: $from, to: $to) {
               entries(first: 3, offset: $offset) { transactionHash } } }`,
            { ...args, offset },
            businessKey,
          );
          paged.push(...page.entries.map((e) => e.transactionHash));
        }
        expect(paged).to.deep.equal(cells.map((cell) => cell[9]));
        // another merchant's statement is not this key's to read
        const other = await fetch(url.replace(args.m, c.watched[0]!.account.toLowerCase()), {
          headers: { "x-api-key": businessKey },
        });
        expect(other.status).to.be.within(400, 499);
        await refused("FORBIDDEN", `{ alerts { items { id } } }`, {}, businessKey);
      });

      it("gives an account's history with balances that end at balanceOf, in GraphQL and CSV", async () => {
        const { first, last } = await historyDays();
        const watched = c.watched[0]!;
        const community = (await registered()).find((x) => x.id === watched.community)!;
        const { accountHistory: h } = await ask<{
          accountHistory: {
            openingBalance: { raw: string };
            closingBalance: { raw: string };
            entryCount: number;
            entries: {
              direction: string;
              amount: { raw: string };
              balance: { raw: string };
              transactionHash: string;
            }[];
            csv: string;
          };
        }>(
          `query ($c: ID!, $a: Address!, $from: Date!, $to: Date!) { accountHistory(community: $c, account: $a, from: $from, to: $to) {
             openingBalance { raw } closingBalance { raw } entryCount entries { direction amount { raw } balance { raw } transactionHash } csv } }`,
          { c: watched.community, a: watched.account, from: utcDate(first), to: utcDate(last) },
        );
        const token = CommunityToken__factory.connect(community.token, c.provider);
        expect(h.openingBalance.raw).to.equal("0");
        expect(h.closingBalance.raw).to.equal(
          (await token.balanceOf(watched.account, { blockTag: c.head })).toString(),
        );
        const account = lower(watched.account);
        const involved = (await transfers(community.token)).filter((t) => t.from === account || t.to === account);
        const sides = involved.reduce((n, t) => n + (t.from === account ? 1 : 0) + (t.to === account ? 1 : 0), 0);
        expect(h.entryCount).to.equal(sides);
        expect(sides, "the history fits its first page").to.be.at.most(100);
        expect(h.entries.length).to.equal(sides);
        expect(h.entries.at(-1)!.balance.raw).to.equal(h.closingBalance.raw);
        const url =
          `${c.baseUrl}/api/reports/account-history.csv?community=${watched.community}&account=${watched.account}` +
          `&from=${utcDate(first)}&to=${utcDate(last)}`;
        const csv = await (await fetch(url, { headers: { "x-api-key": complianceKey } })).text();
        expect(csv).to.equal(h.csv);
        expect(csv.split("\r\n")[0]).to.equal(
          "date,type,direction,counterparty,currency,amount,balance,transaction_hash",
        );
      });
    });

    describe("bad input", () => {
      it("answers bad addresses, dates, ranges and communities with coded errors", async () => {
        await refused("UNKNOWN_COMMUNITY", `{ community(id: "atlantis") { id } }`);
        await refused(
          "UNKNOWN_COMMUNITY",
          `{ analytics(community: "atlantis", from: "2026-01-01", to: "2026-01-02") { scope } }`,
        );
        const badDate = await request(
          `{ analytics(from: "2026-02-30", to: "2026-03-01") { scope } }`,
          {},
          complianceKey,
        );
        expect(badDate.errors![0]!.message).to.match(/2026-02-30/);
        await refused("BAD_DATE_RANGE", `{ analytics(from: "2026-03-02", to: "2026-03-01") { scope } }`);
        await refused("BAD_DATE_RANGE", `{ analytics(from: "2020-01-01", to: "2026-03-01") { scope } }`);
        const badAddress = await request(
          `{ accountRisk(community: "katy", account: "0x1234") { level } }`,
          {},
          complianceKey,
        );
        expect(badAddress.errors![0]!.message).to.match(/0x1234/);
        const csv = await fetch(
          `${c.baseUrl}/api/reports/merchant-statement.csv?merchant=0xnope&from=2026-01-01&to=2026-01-02`,
          {
            headers: { "x-api-key": complianceKey },
          },
        );
        expect(csv.status).to.equal(400);
        expect(((await csv.json()) as { error: { message: string } }).error.message).to.match(/0xnope/);
      });

      it("refuses deep, aliased, costly and malformed queries, and keeps answering", async () => {
        const deep = `{ ${"communities { ".repeat(12)}id${" }".repeat(12)} }`;
        const depth = await request(deep, {}, complianceKey);
        expect(depth.errors!.map((e) => e.message).join("\n")).to.match(/depth/i);
        const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: communities { id }`).join(" ")} }`;
        const alias = await request(aliases, {}, complianceKey);
        expect(alias.errors![0]!.message).to.match(/alias/i);
        const tokens = `{ communities { ${"id ".repeat(3_000)} } }`;
        expect((await request(tokens, {}, complianceKey)).errors).to.be.an("array");
        const malformed = await fetch(`${c.baseUrl}/api/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": complianceKey },
          body: "{ not json",
        });
        expect(malformed.status).to.be.within(400, 499);
        const syntax = await request("{ communities { id ", {}, complianceKey);
        expect(syntax.errors![0]!.message).to.match(/Syntax Error/);
        const huge = await fetch(`${c.baseUrl}/api/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": complianceKey },
          body: JSON.stringify({ query: `{ communities { id } } # ${"x".repeat(100_000)}` }),
        });
        expect(huge.status).to.equal(413);
        const ok = await ask<{ communities: unknown[] }>("{ communities { id } }");
        expect(ok.communities.length).to.be.greaterThan(0);
      });

      it("survives a corpus of 520 hostile requests, each answered with an error that has a message", async function () {
        this.timeout(300_000);
        const { first, last } = await historyDays();
        const good = JSON.stringify({
          query: `{ analytics(community: "katy", from: "${utcDate(last - 29n * DAY < first ? first : last - 29n * DAY)}", to: "${utcDate(last)}") { holders volume { value } daily { date transactionCount } } }`,
        });
        // The good client is another client: its own connections (the attackers' share fetch's pool, where an
        // oversized body the server cuts off resets a connection).
        const goodAgent = new http.Agent({ keepAlive: true });
        const goodOnce = async () => {
          const started = performance.now();
          const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
            const request = http.request(
              `${c.baseUrl}/api/graphql`,
              {
                method: "POST",
                agent: goodAgent,
                // one write of headers and body, no Nagle: else a delayed ACK adds 40 ms to a loopback request
                headers: {
                  "content-type": "application/json",
                  "content-length": String(Buffer.byteLength(good)),
                  "x-api-key": goodKey,
                },
              },
              (response) => {
                let body = "";
                response.setEncoding("utf8");
                response.on("data", (chunk: string) => (body += chunk));
                response.on("end", () => resolve({ status: response.statusCode ?? 0, text: body }));
              },
            );
            request.on("error", reject);
            request.on("socket", (socket) => socket.setNoDelay(true));
            request.end(good);
          });
          expect(status, text).to.equal(200);
          expect((JSON.parse(text) as { errors?: unknown }).errors).to.equal(undefined);
          return performance.now() - started;
        };
        const p95 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.95)]!;
        const baseline: number[] = [];
        for (let i = 0; i < 60; i++) baseline.push(await goodOnce());

        /**
         * The attackers (./attacker.ts: six clients, in a process of their own) send the corpus as fast as they can
         * (once through, or round and round for `seconds`) while the good client asks its query in a loop from this
         * process; every hostile request must get an error with a message, no 5xx and no stack trace. Returns the
         * good query's latencies during the attack, and what was sent.
         */
        const attack = async (key: string, seconds?: number) => {
          const spec: AttackSpec = { url: `${c.baseUrl}/api/graphql`, key, ...(seconds !== undefined && { seconds }) };
          const child = spawn(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", ATTACKER, JSON.stringify(spec)],
            {
              cwd: ROOT,
              stdio: ["ignore", "pipe", "inherit"],
            },
          );
          let output = "";
          let attacking = false;
          let done = false;
          child.stdout.setEncoding("utf8");
          child.stdout.on("data", (chunk: string) => {
            output += chunk;
            if (output.includes("attacking\n")) attacking = true;
          });
          const exited = new Promise<number | null>((resolve) => child.on("close", resolve)).finally(
            () => (done = true),
          );
          while (!attacking && !done) await new Promise((resolve) => setTimeout(resolve, 10));
          const during: number[] = [];
          while (!done) during.push(await goodOnce());
          expect(await exited, "the attacker process failed").to.equal(0);
          const result = JSON.parse(output.trim().split("\n").at(-1)!) as AttackResult;
          expect(result.failures, result.failures.slice(0, 10).join("\n")).to.deep.equal([]);
          return {
            during,
            sent: result.sent,
            kinds: new Map(Object.entries(result.kinds)),
            statuses: new Map(Object.entries(result.statuses).map(([status, n]) => [Number(status), n])),
          };
        };
        const ratio = (during: number[]) =>
          `${p95(during).toFixed(1)} ms (${(p95(during) / p95(baseline)).toFixed(2)}x, ${during.length} samples)`;

        // 1. Every hostile request reaches the GraphQL layer: the attacker's key allows 1,000 requests a second.
        const corpus = hostileCorpus(complianceKey);
        expect(corpus.length).to.be.at.least(500);
        const open = await attack(complianceKey);
        expect(open.sent).to.equal(corpus.length);
        // 2. The same attack, round and round for 8 s, from a key with the default rate limit (20/s, burst 40),
        //    as a client's key is issued: what the limit sheds is answered 429 before any GraphQL work.
        const limited = await attack(attackerKey, 8);
        goodAgent.destroy();
        // what the limit let through to GraphQL (neither refused for the rate nor for a bad key): at most its burst
        // and its rate over the attack (8 s, and a refusal is held for at most 1 s after it)
        const through = limited.sent - (limited.statuses.get(429) ?? 0) - (limited.statuses.get(401) ?? 0);
        expect(limited.statuses.get(429) ?? 0, "the rate limit refused none of the attack").to.be.greaterThan(0);
        expect(through, "the rate limit let through more than its burst and rate").to.be.at.most(
          DEFAULT_BURST + DEFAULT_RATE_PER_SECOND * 9,
        );
        // the server is still up and right
        expect((await ask<{ communities: unknown[] }>("{ communities { id } }")).communities.length).to.be.greaterThan(
          0,
        );
        console.log(
          `      hostile corpus: ${corpus.length} requests (${[...open.kinds].map(([k, n]) => `${k} ${n}`).join(", ")}), ` +
            `0 unanswered, 0 server errors; a good query's p95: ${p95(baseline).toFixed(1)} ms alone, ` +
            `${ratio(open.during)} during the attack by a key without a practical limit; ` +
            `${ratio(limited.during)} during 8 s of it by a key with the default limit ` +
            `(${limited.sent} requests, ${limited.statuses.get(429) ?? 0} answered 429)`,
        );
      });
    });
  });
}

/** Reads the simulation's summary file (SIM_SUMMARY_FILE) for the watched accounts. */
export function watchedAccounts(summaryFile: string): BusinessApiContext["watched"] {
  const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as { watched?: BusinessApiContext["watched"] };
  if (!summary.watched?.length) throw new Error(`${path.basename(summaryFile)}: the simulation watched no account`);
  return summary.watched;
}

/**
 * The commerce part of the indexer's end-to-end test (see ./indexer.e2e.test.ts, which runs the stack): every answer
 * about merchants, point-of-sale payments, refunds and loyalty rewards is checked against the chain at the indexed
 * head (eth_getLogs and views): one payment row per PaymentSettled log, one refund row per PaymentRefunded log and
 * one loyalty-reward row per RewardCredited / RewardClaimed log, with equal fields; each payment's refunded total
 * as `paymentOf`; the merchant-day rows as the sums of the payments and refunds of each merchant and UTC day; each
 * merchant's status and profile as `merchantOf`; each program as `programOf`; each customer's unclaimed rewards as
 * `rewardsOf`. What happened is the simulation's (merchants verified, one suspended and reinstated, one suspended,
 * one pending; payments by permit and by authorization, refunds, claims).
 */
import { expect } from "chai";
import { ethers, type Log } from "ethers";
import { utcDate, utcDay } from "../../indexer/src/lib/bridge";
import { MERCHANT_STATUSES } from "../../indexer/src/lib/commerce";
import type { Deployment } from "../../scripts/lib/deployment";
import {
  LoyaltyProgram__factory,
  MerchantRegistry__factory,
  PaymentRouter__factory,
  type LoyaltyProgram,
  type MerchantRegistry,
  type PaymentRouter,
} from "../../typechain-types";
import { graphqlAll } from "./harness";

export interface BusinessContext {
  apiUrl: string;
  provider: ethers.JsonRpcProvider;
  deployment: Deployment;
  /** The indexed head the checks compare with. */
  head: number;
}

const lower = (address: string) => address.toLowerCase();
const str = (value: bigint | number) => value.toString();
const logKey = (log: { transactionHash: string; logIndex?: number; index?: number }) =>
  `${log.transactionHash}:${log.logIndex ?? log.index}`;

interface PaymentItem {
  invoiceKey: string;
  eventId: string;
  router: string;
  invoiceId: string;
  merchant: string;
  payer: string;
  token: string;
  amount: string;
  fiatAmount: string;
  fiatCurrency: string;
  processorRef: string;
  reward: string;
  terminal: string;
  method: string | null;
  refunded: string;
  refundCount: number;
  day: string;
  date: string;
  blockNumber: string;
  timestamp: string;
  transactionHash: string;
  logIndex: number;
}
const PAYMENT_FIELDS = `invoiceKey eventId router invoiceId merchant payer token amount fiatAmount fiatCurrency
  processorRef reward terminal method refunded refundCount day date blockNumber timestamp transactionHash logIndex`;

interface RefundItem {
  invoiceKey: string;
  merchant: string;
  payer: string;
  token: string;
  amount: string;
  totalRefunded: string;
  day: string;
  timestamp: string;
  transactionHash: string;
  logIndex: number;
}
const REFUND_FIELDS = "invoiceKey merchant payer token amount totalRefunded day timestamp transactionHash logIndex";

interface RewardItem {
  kind: string;
  program: string;
  customer: string;
  token: string;
  merchant: string | null;
  invoiceKey: string | null;
  amount: string;
  transactionHash: string;
  logIndex: number;
}
const REWARD_FIELDS = "kind program customer token merchant invoiceKey amount transactionHash logIndex";

interface MerchantItem {
  address: string;
  token: string;
  community: string | null;
  status: string;
  category: string;
  metadataURI: string;
  metadataHash: string;
  registeredAt: string;
  paymentCount: number;
  kcVolume: string;
  fiatVolume: string;
  rewardsCredited: string;
  refundCount: number;
  refundedVolume: string;
}
const MERCHANT_FIELDS = `address token community status category metadataURI metadataHash registeredAt paymentCount
  kcVolume fiatVolume rewardsCredited refundCount refundedVolume`;

interface MerchantDayItem {
  merchant: string;
  day: string;
  date: string;
  token: string;
  paymentCount: number;
  kcVolume: string;
  fiatVolume: string;
  rewards: string;
  refundCount: number;
  refundedVolume: string;
}
const MERCHANT_DAY_FIELDS =
  "merchant day date token paymentCount kcVolume fiatVolume rewards refundCount refundedVolume";

interface ProgramItem {
  merchant: string;
  token: string;
  rateBps: number;
  capPerPeriod: string;
  period: string;
  pool: string;
}

interface BalanceItem {
  customer: string;
  token: string;
  credited: string;
  claimed: string;
  unclaimed: string;
}

export function describeBusiness(context: () => BusinessContext): void {
  describe("commerce", function () {
    let c: BusinessContext;
    let merchants: MerchantRegistry;
    let router: PaymentRouter;
    let loyalty: LoyaltyProgram;
    let settledLogs: Log[];
    let refundedLogs: Log[];
    let payments: PaymentItem[];
    let refunds: RefundItem[];
    const timestamps = new Map<number, bigint>();

    async function logsOf(contract: ethers.BaseContract, events: string[]): Promise<Log[]> {
      const topics = events.map((name) => contract.interface.getEvent(name)!.topicHash);
      return c.provider.getLogs({
        address: await contract.getAddress(),
        topics: [topics],
        fromBlock: 0,
        toBlock: c.head,
      });
    }
    async function timestampOf(block: number): Promise<bigint> {
      if (!timestamps.has(block)) timestamps.set(block, BigInt((await c.provider.getBlock(block))!.timestamp));
      return timestamps.get(block)!;
    }
    const all = <T>(field: string, filter: string, fields: string) =>
      graphqlAll<T>(c.apiUrl, field, filter, fields, { pageSize: 100 }).then((r) => r.items);

    before(async function () {
      this.timeout(120_000);
      c = context();
      const { business } = c.deployment;
      merchants = MerchantRegistry__factory.connect(business.merchantRegistry.address, c.provider);
      router = PaymentRouter__factory.connect(business.paymentRouter.address, c.provider);
      loyalty = LoyaltyProgram__factory.connect(business.loyaltyProgram.address, c.provider);
      settledLogs = await logsOf(router, ["PaymentSettled"]);
      refundedLogs = await logsOf(router, ["PaymentRefunded"]);
      payments = await all<PaymentItem>("payments", "paymentFilter", PAYMENT_FIELDS);
      refunds = await all<RefundItem>("refunds", "refundFilter", REFUND_FIELDS);
    });

    it("the simulation paid merchants by permit and by authorization, with refunds and rewards", () => {
      expect(settledLogs.length).to.be.greaterThan(10);
      expect(refundedLogs.length).to.be.greaterThan(0);
      expect(new Set(payments.map((p) => p.method))).to.deep.equal(new Set(["permit", "authorization"]));
      expect(payments.some((p) => p.reward !== "0")).to.equal(true);
      expect(payments.some((p) => p.fiatAmount !== "0")).to.equal(true);
    });

    it("has one payment per PaymentSettled log, with its fields and its refunded total as paymentOf", async () => {
      expect(payments).to.have.lengthOf(settledLogs.length);
      const byKey = new Map(payments.map((p) => [p.invoiceKey, p]));
      const mismatches: string[] = [];
      for (const log of settledLogs) {
        const a = router.interface.parseLog(log)!.args;
        const tx = await c.provider.getTransaction(log.transactionHash);
        const selector = tx!.data.slice(0, 10);
        const at = await timestampOf(log.blockNumber);
        const onChain = await router.paymentOf(a.merchant as string, a.invoiceId as string, { blockTag: c.head });
        const expected = {
          invoiceKey: a.invoiceKey as string,
          router: lower(log.address),
          invoiceId: a.invoiceId as string,
          merchant: lower(a.merchant as string),
          payer: lower(a.payer as string),
          token: lower(a.token as string),
          amount: str(a.amount as bigint),
          fiatAmount: str(a.fiatAmount as bigint),
          fiatCurrency: a.fiatCurrency as string,
          processorRef: a.processorRef as string,
          reward: str(a.reward as bigint),
          terminal: lower(a.terminal as string),
          method:
            selector === router.interface.getFunction("payWithPermit").selector
              ? "permit"
              : selector === router.interface.getFunction("payWithAuthorization").selector
                ? "authorization"
                : null,
          refunded: str(onChain.refunded),
          day: str(utcDay(at)),
          date: utcDate(at),
          blockNumber: str(log.blockNumber),
          timestamp: str(at),
          transactionHash: log.transactionHash,
          logIndex: log.index,
        };
        const row = byKey.get(expected.invoiceKey);
        const actual = row && Object.fromEntries(Object.keys(expected).map((k) => [k, row[k as keyof PaymentItem]]));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(`indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
        }
      }
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
    });

    it("has one refund per PaymentRefunded log, with its fields, and counts them on each payment", async () => {
      expect(refunds).to.have.lengthOf(refundedLogs.length);
      const byLog = new Map(refunds.map((r) => [logKey(r), r]));
      const mismatches: string[] = [];
      for (const log of refundedLogs) {
        const a = router.interface.parseLog(log)!.args;
        const expected = {
          invoiceKey: a.invoiceKey as string,
          merchant: lower(a.merchant as string),
          payer: lower(a.payer as string),
          token: lower(a.token as string),
          amount: str(a.amount as bigint),
          totalRefunded: str(a.totalRefunded as bigint),
          day: str(utcDay(await timestampOf(log.blockNumber))),
          timestamp: str(await timestampOf(log.blockNumber)),
        };
        const row = byLog.get(logKey(log));
        const actual = row && Object.fromEntries(Object.keys(expected).map((k) => [k, row[k as keyof RefundItem]]));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(`indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
        }
      }
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
      for (const p of payments) {
        expect(p.refundCount, p.invoiceKey).to.equal(refunds.filter((r) => r.invoiceKey === p.invoiceKey).length);
      }
    });

    it("has one loyalty reward per RewardCredited / RewardClaimed log, with its fields", async () => {
      const logs = await logsOf(loyalty, ["RewardCredited", "RewardClaimed"]);
      const rows = await all<RewardItem>("loyaltyRewards", "loyaltyRewardFilter", REWARD_FIELDS);
      expect(rows).to.have.lengthOf(logs.length);
      expect(logs.some((l) => loyalty.interface.parseLog(l)!.name === "RewardClaimed")).to.equal(true);
      const byLog = new Map(rows.map((r) => [logKey(r), r]));
      const mismatches: string[] = [];
      for (const log of logs) {
        const parsed = loyalty.interface.parseLog(log)!;
        const a = parsed.args;
        const credited = parsed.name === "RewardCredited";
        const expected = {
          kind: credited ? "credited" : "claimed",
          program: lower(log.address),
          customer: lower(a.customer as string),
          token: lower(a.token as string),
          merchant: credited ? lower(a.merchant as string) : null,
          invoiceKey: credited ? (a.invoiceKey as string) : null,
          amount: str((credited ? a.reward : a.amount) as bigint),
        };
        const row = byLog.get(logKey(log));
        const actual = row && Object.fromEntries(Object.keys(expected).map((k) => [k, row[k as keyof RewardItem]]));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(`indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
        }
      }
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
      // each credit's reward is its payment's
      const rewardOf = new Map(payments.map((p) => [p.invoiceKey, p.reward]));
      for (const r of rows.filter((x) => x.kind === "credited")) expect(r.amount).to.equal(rewardOf.get(r.invoiceKey!));
    });

    it("has each customer's unclaimed rewards as rewardsOf", async () => {
      const rows = await all<BalanceItem>(
        "loyaltyBalances",
        "loyaltyBalanceFilter",
        "customer token credited claimed unclaimed",
      );
      expect(rows.length).to.be.greaterThan(0);
      for (const b of rows) {
        expect(b.unclaimed, `${b.customer} ${b.token}`).to.equal(
          str(await loyalty.rewardsOf(b.customer, b.token, { blockTag: c.head })),
        );
        expect(BigInt(b.credited) - BigInt(b.claimed)).to.equal(BigInt(b.unclaimed));
      }
    });

    it("sums each merchant's payments and refunds per UTC day in merchant_day", async () => {
      const days = await all<MerchantDayItem>("merchantDays", "merchantDayFilter", MERCHANT_DAY_FIELDS);
      const merchantRows = await all<MerchantItem>("merchants", "merchantFilter", MERCHANT_FIELDS);
      const currencyOf = new Map(
        c.deployment.communities.map((community) => [lower(community.token), community.currency]),
      );
      const expected = new Map<string, MerchantDayItem>();
      const entry = (merchant: string, day: string, token: string) => {
        const k = `${merchant}:${day}`;
        if (!expected.has(k)) {
          expected.set(k, {
            merchant,
            day,
            date: utcDate(BigInt(day)),
            token,
            paymentCount: 0,
            kcVolume: "0",
            fiatVolume: "0",
            rewards: "0",
            refundCount: 0,
            refundedVolume: "0",
          });
        }
        return expected.get(k)!;
      };
      const add = (a: string, b: string) => str(BigInt(a) + BigInt(b));
      for (const p of payments) {
        const d = entry(p.merchant, p.day, p.token);
        d.paymentCount++;
        d.kcVolume = add(d.kcVolume, p.amount);
        if (p.fiatCurrency === currencyOf.get(p.token)) d.fiatVolume = add(d.fiatVolume, p.fiatAmount);
        d.rewards = add(d.rewards, p.reward);
      }
      for (const r of refunds) {
        const d = entry(r.merchant, r.day, r.token);
        d.refundCount++;
        d.refundedVolume = add(d.refundedVolume, r.amount);
      }
      const key = (d: MerchantDayItem) => `${d.merchant}:${d.day}`;
      const sorted = (rows: MerchantDayItem[]) =>
        [...rows].sort((a, b) => key(a).localeCompare(key(b))).map((d) => JSON.stringify(d, Object.keys(d).sort()));
      expect(sorted(days)).to.deep.equal(sorted([...expected.values()]));
      expect(new Set(days.map((d) => d.day)).size, "payments span several UTC days").to.be.greaterThan(1);

      // and the merchants' totals are the sums of their days
      for (const m of merchantRows) {
        const mine = days.filter((d) => d.merchant === m.address);
        const sum = (f: (d: MerchantDayItem) => string | number) => str(mine.reduce((s, d) => s + BigInt(f(d)), 0n));
        expect(
          [m.paymentCount, m.kcVolume, m.fiatVolume, m.rewardsCredited, m.refundCount, m.refundedVolume].map(String),
          m.address,
        ).to.deep.equal([
          sum((d) => d.paymentCount),
          sum((d) => d.kcVolume),
          sum((d) => d.fiatVolume),
          sum((d) => d.rewards),
          sum((d) => d.refundCount),
          sum((d) => d.refundedVolume),
        ]);
      }
    });

    it("has every registered merchant, with its status and profile as merchantOf", async () => {
      const registered = await logsOf(merchants, ["MerchantRegistered"]);
      const rows = await all<MerchantItem>("merchants", "merchantFilter", MERCHANT_FIELDS);
      expect(rows).to.have.lengthOf(registered.length);
      const statuses = new Set<string>();
      const mismatches: string[] = [];
      for (const row of rows) {
        const m = await merchants.merchantOf(row.address, { blockTag: c.head });
        const expected = {
          token: lower(m.token),
          status: MERCHANT_STATUSES[Number(m.status) - 1],
          category: m.category,
          metadataURI: m.metadataURI,
          metadataHash: m.metadataHash,
          registeredAt: str(m.registeredAt),
        };
        statuses.add(row.status);
        const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, row[k as keyof MerchantItem]]));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(`${row.address}: indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
        }
      }
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
      expect([...statuses].sort()).to.deep.equal(["pending", "suspended", "verified"]);
    });

    it("has each loyalty program as programOf", async () => {
      const rows = await all<ProgramItem>(
        "loyaltyPrograms",
        "loyaltyProgramFilter",
        "merchant token rateBps capPerPeriod period pool",
      );
      expect(rows.length).to.be.greaterThan(0);
      for (const row of rows) {
        const p = await loyalty.programOf(row.merchant, { blockTag: c.head });
        expect(
          { token: row.token, rateBps: row.rateBps, cap: row.capPerPeriod, period: row.period, pool: row.pool },
          row.merchant,
        ).to.deep.equal({
          token: lower(p.token),
          rateBps: Number(p.rateBps),
          cap: str(p.capPerPeriod),
          period: str(p.period),
          pool: str(p.pool),
        });
      }
    });
  });
}

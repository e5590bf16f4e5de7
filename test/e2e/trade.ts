/**
 * The trade part of the indexer's end-to-end test (see ./indexer.e2e.test.ts, which runs the stack): B2B orders in
 * the TradeEscrow, profit sharing and the supply chain, checked against the chain at the indexed head (eth_getLogs
 * and views). Every log of the three contracts has its row (escrow_event; profit_scheme, profit_share_change,
 * profit_revenue, profit_claim; supply_chain_event, batch_checkpoint, batch_assessment); each order's state, parties,
 * amounts and deadlines are `orderOf`'s and its path `pathOf`'s, what the seller received the logs'; each scheme's
 * totals are `schemeOf`'s and the sums of its deposits and claims, each share `shareOf`'s and `claimable`'s; each
 * batch's origin, checkpoints and categories are `batchOf`'s, and its transparency score, recomputed from the
 * chain's logs with the documented formula, the indexed one. What happened is the simulation's (orders released,
 * split by the arbiter, refunded, one cross-border, some open; a scheme with three employees; five batches).
 */
import { expect } from "chai";
import { ethers, type Log } from "ethers";
import { averageAssessment, claimable, ESCROW_STATES, transparencyScore } from "../../indexer/src/lib/trade";
import {
  ProfitSharing__factory,
  SupplyChainRegistry__factory,
  TradeEscrow__factory,
  type ProfitSharing,
  type SupplyChainRegistry,
  type TradeEscrow,
} from "../../typechain-types";
import type { BusinessContext } from "./business";
import { graphqlAll } from "./harness";

const lower = (address: string) => address.toLowerCase();
const str = (value: bigint | number) => value.toString();
const logKey = (log: { transactionHash: string; logIndex?: number; index?: number }) =>
  `${log.transactionHash}:${log.logIndex ?? log.index}`;

interface OrderItem {
  orderId: string;
  buyer: string;
  seller: string;
  tokenIn: string;
  tokenOut: string;
  crossBorder: boolean;
  path: string[];
  amount: string;
  minOut: string;
  termsHash: string;
  deliveryDeadline: string;
  releaseDeadline: string;
  state: string;
  buyerAmount: string | null;
  sellerAmount: string | null;
  amountOut: string | null;
  arbiter: string | null;
  eventCount: number;
}
const ORDER_FIELDS = `orderId buyer seller tokenIn tokenOut crossBorder path amount minOut termsHash deliveryDeadline
  releaseDeadline state buyerAmount sellerAmount amountOut arbiter eventCount`;

interface EventItem {
  kind: string;
  orderId: string;
  actor: string;
  state: string;
  transactionHash: string;
  logIndex: number;
}

interface SchemeItem {
  business: string;
  token: string;
  merchant: boolean;
  totalUnits: string;
  revenuePerUnit: string;
  totalDeposited: string;
  totalClaimed: string;
  depositCount: number;
  claimCount: number;
  shareholderCount: number;
}
interface ShareItem {
  business: string;
  account: string;
  units: string;
  settledPerUnit: string;
  owed: string;
  claimed: string;
}
interface LogRow {
  business: string;
  amount: string;
  transactionHash: string;
  logIndex: number;
}

interface BatchItem {
  batchId: string;
  producer: string;
  token: string;
  productId: string;
  dataHash: string;
  dataURI: string;
  originAttested: boolean;
  checkpointCount: number;
  categoriesAssessed: number;
  averageAssessment: number | null;
  transparencyScore: number;
}

export function describeTrade(context: () => BusinessContext): void {
  describe("trade: escrow, profit sharing, supply chain", function () {
    let c: BusinessContext;
    let escrow: TradeEscrow;
    let sharing: ProfitSharing;
    let chain: SupplyChainRegistry;

    async function logsOf(contract: ethers.BaseContract, events?: string[]): Promise<Log[]> {
      const topics = events?.map((name) => contract.interface.getEvent(name)!.topicHash);
      return c.provider.getLogs({
        address: await contract.getAddress(),
        ...(topics ? { topics: [topics] } : {}),
        fromBlock: 0,
        toBlock: c.head,
      });
    }
    const all = <T>(field: string, filter: string, fields: string) =>
      graphqlAll<T>(c.apiUrl, field, filter, fields, { pageSize: 100 }).then((r) => r.items);

    before(function () {
      c = context();
      const { business } = c.deployment;
      escrow = TradeEscrow__factory.connect(business.tradeEscrow.address, c.provider);
      sharing = ProfitSharing__factory.connect(business.profitSharing.address, c.provider);
      chain = SupplyChainRegistry__factory.connect(business.supplyChain.address, c.provider);
    });

    it("escrow: one escrow_event per TradeEscrow log, of its kind, order and actor", async () => {
      const logs = await logsOf(escrow);
      const rows = await all<EventItem>(
        "escrowEvents",
        "escrowEventFilter",
        "kind orderId actor state transactionHash logIndex",
      );
      expect(rows).to.have.lengthOf(logs.length);
      const byLog = new Map(rows.map((r) => [logKey(r), r]));
      const KIND: Record<string, [string, string]> = {
        OrderOpened: ["opened", "buyer"],
        OrderDelivered: ["delivered", "seller"],
        DisputeOpened: ["disputed", "by"],
        OrderReleased: ["released", "buyer"],
        DisputeResolved: ["resolved", "arbiter"],
        OrderRefunded: ["refunded", "buyer"],
        OrderClaimed: ["claimed", "seller"],
      };
      const mismatches: string[] = [];
      for (const log of logs) {
        const parsed = escrow.interface.parseLog(log)!;
        const [kind, actorArg] = KIND[parsed.name]!;
        const expected = {
          kind,
          orderId: str(parsed.args.orderId as bigint),
          actor: lower(parsed.args[actorArg] as string),
        };
        const row = byLog.get(logKey(log));
        const actual = row && { kind: row.kind, orderId: row.orderId, actor: row.actor };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(`indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
        }
      }
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
    });

    it("escrow: one order per OrderOpened, with its state, terms and path as orderOf / pathOf, payouts as logged", async () => {
      const opened = await logsOf(escrow, ["OrderOpened"]);
      const orders = await all<OrderItem>("escrowOrders", "escrowOrderFilter", ORDER_FIELDS);
      expect(orders).to.have.lengthOf(opened.length);
      expect(orders.length).to.equal(Number(await escrow.orderCount({ blockTag: c.head })));
      const states = new Set(orders.map((o) => o.state));
      for (const s of ["released", "resolved", "refunded"]) expect(states.has(s), s).to.equal(true);
      expect(orders.some((o) => o.crossBorder && o.state === "released")).to.equal(true);

      // what each closing log paid, by order
      const payouts = new Map<
        string,
        { buyerAmount: string; sellerAmount: string; amountOut: string; arbiter: string | null }
      >();
      for (const log of await logsOf(escrow, ["OrderReleased", "OrderClaimed", "DisputeResolved", "OrderRefunded"])) {
        const p = escrow.interface.parseLog(log)!;
        const a = p.args;
        const id = str(a.orderId as bigint);
        if (p.name === "DisputeResolved") {
          payouts.set(id, {
            buyerAmount: str(a.buyerAmount as bigint),
            sellerAmount: str(a.sellerAmount as bigint),
            amountOut: str(a.sellerAmountOut as bigint),
            arbiter: lower(a.arbiter as string),
          });
        } else if (p.name === "OrderRefunded") {
          payouts.set(id, { buyerAmount: str(a.amount as bigint), sellerAmount: "0", amountOut: "0", arbiter: null });
        } else {
          payouts.set(id, {
            buyerAmount: "0",
            sellerAmount: str(a.amountIn as bigint),
            amountOut: str(a.amountOut as bigint),
            arbiter: null,
          });
        }
      }
      const mismatches: string[] = [];
      for (const row of orders) {
        const o = await escrow.orderOf(row.orderId, { blockTag: c.head });
        const path = await escrow.pathOf(row.orderId, { blockTag: c.head });
        const paid = payouts.get(row.orderId);
        const expected = {
          buyer: lower(o.buyer),
          seller: lower(o.seller),
          tokenIn: lower(o.tokenIn),
          tokenOut: lower(o.tokenOut),
          crossBorder: lower(o.tokenIn) !== lower(o.tokenOut),
          path: path.map(lower),
          amount: str(o.amount),
          minOut: str(o.minOut),
          termsHash: o.termsHash,
          deliveryDeadline: str(o.deliveryDeadline),
          releaseDeadline: str(o.releaseDeadline),
          state: ESCROW_STATES[Number(o.state) - 1],
          buyerAmount: paid?.buyerAmount ?? null,
          sellerAmount: paid?.sellerAmount ?? null,
          amountOut: paid?.amountOut ?? null,
          arbiter: paid?.arbiter ?? null,
        };
        const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, row[k as keyof OrderItem]]));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(`#${row.orderId}: indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
        }
      }
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
    });

    it("profit sharing: one row per log, scheme totals as schemeOf and the sums of deposits and claims", async () => {
      const [openedLogs, setLogs, revenueLogs, claimLogs] = await Promise.all(
        ["SchemeOpened", "SharesSet", "RevenueReceived", "RevenueClaimed"].map((e) => logsOf(sharing, [e])),
      );
      const schemes = await all<SchemeItem>(
        "profitSchemes",
        "profitSchemeFilter",
        "business token merchant totalUnits revenuePerUnit totalDeposited totalClaimed depositCount claimCount shareholderCount",
      );
      const changes = await all<LogRow>(
        "profitShareChanges",
        "profitShareChangeFilter",
        "business amount: units transactionHash logIndex",
      );
      const revenues = await all<LogRow>(
        "profitRevenues",
        "profitRevenueFilter",
        "business amount transactionHash logIndex",
      );
      const claims = await all<LogRow>("profitClaims", "profitClaimFilter", "business amount transactionHash logIndex");
      expect(schemes).to.have.lengthOf(openedLogs!.length);
      expect(schemes.length).to.be.greaterThan(0);
      for (const [rows, logs] of [
        [changes, setLogs!],
        [revenues, revenueLogs!],
        [claims, claimLogs!],
      ] as const) {
        expect(rows.map(logKey).sort()).to.deep.equal(logs.map(logKey).sort());
      }
      for (const s of schemes) {
        const onChain = await sharing.schemeOf(s.business, { blockTag: c.head });
        const sum = (rows: LogRow[]) =>
          str(rows.filter((r) => r.business === s.business).reduce((t, r) => t + BigInt(r.amount), 0n));
        const depositedInLogs = revenueLogs!
          .map((l) => sharing.interface.parseLog(l)!.args)
          .filter((a) => lower(a.business as string) === s.business)
          .reduce((t, a) => t + (a.amount as bigint), 0n);
        expect(
          [s.token, s.merchant, s.totalUnits, s.revenuePerUnit, s.totalDeposited, s.totalClaimed],
          s.business,
        ).to.deep.equal([
          lower(onChain.token),
          onChain.merchant,
          str(onChain.totalUnits),
          str(onChain.revenuePerUnit),
          str(onChain.totalDeposited),
          str(onChain.totalClaimed),
        ]);
        expect(s.totalDeposited).to.equal(sum(revenues)).and.to.equal(str(depositedInLogs));
        expect(s.totalClaimed).to.equal(sum(claims));
        expect(s.depositCount).to.equal(revenues.filter((r) => r.business === s.business).length);
        expect(s.claimCount).to.equal(claims.filter((r) => r.business === s.business).length);
      }
    });

    it("profit sharing: each share as shareOf, and claimable as the contract's", async () => {
      const schemes = new Map(
        (await all<SchemeItem>("profitSchemes", "profitSchemeFilter", "business revenuePerUnit shareholderCount")).map(
          (s) => [s.business, s],
        ),
      );
      const shares = await all<ShareItem>(
        "profitShares",
        "profitShareFilter",
        "business account units settledPerUnit owed claimed",
      );
      expect(shares.length).to.be.greaterThanOrEqual(3);
      for (const row of shares) {
        const onChain = await sharing.shareOf(row.business, row.account, { blockTag: c.head });
        expect([row.units, row.settledPerUnit, row.owed], row.account).to.deep.equal([
          str(onChain.units),
          str(onChain.settledPerUnit),
          str(onChain.owed),
        ]);
        const indexed = claimable(
          { units: BigInt(row.units), settledPerUnit: BigInt(row.settledPerUnit), owed: BigInt(row.owed) },
          BigInt(schemes.get(row.business)!.revenuePerUnit),
        );
        expect(str(indexed), row.account).to.equal(
          str(await sharing.claimable(row.business, row.account, { blockTag: c.head })),
        );
      }
      for (const s of schemes.values()) {
        expect(s.shareholderCount).to.equal(shares.filter((x) => x.business === s.business && x.units !== "0").length);
      }
    });

    it("supply chain: one row per log, and each batch as batchOf with its score recomputed from the logs", async () => {
      const logs = await logsOf(chain);
      const events = await all<{ kind: string; transactionHash: string; logIndex: number }>(
        "supplyChainEvents",
        "supplyChainEventFilter",
        "kind transactionHash logIndex",
      );
      expect(events.map(logKey).sort()).to.deep.equal(logs.map(logKey).sort());
      const checkpoints = await all<{ transactionHash: string; logIndex: number }>(
        "batchCheckpoints",
        "batchCheckpointFilter",
        "transactionHash logIndex",
      );
      const assessments = await all<{ transactionHash: string; logIndex: number }>(
        "batchAssessments",
        "batchAssessmentFilter",
        "transactionHash logIndex",
      );
      const parsed = logs.map((log) => ({ log, p: chain.interface.parseLog(log)! }));
      const keysOf = (name: string) =>
        parsed
          .filter((x) => x.p.name === name)
          .map((x) => logKey(x.log))
          .sort();
      expect(checkpoints.map(logKey).sort()).to.deep.equal(keysOf("CheckpointRecorded"));
      expect(assessments.map(logKey).sort()).to.deep.equal(keysOf("BatchAssessed"));

      // replay the logs in chain order: origin, checkpoints, latest score per category
      const replay = new Map<string, { attested: boolean; checkpoints: number; scores: Map<string, number> }>();
      for (const { p } of parsed) {
        if (!("batchId" in p.args.toObject())) continue;
        const id = str(p.args.batchId as bigint);
        if (p.name === "BatchCreated") replay.set(id, { attested: false, checkpoints: 0, scores: new Map() });
        const b = replay.get(id)!;
        if (p.name === "OriginAttested") b.attested = true;
        if (p.name === "OriginRevoked") b.attested = false;
        if (p.name === "CheckpointRecorded") b.checkpoints++;
        if (p.name === "BatchAssessed") b.scores.set(p.args.category as string, Number(p.args.score));
      }
      const batches = await all<BatchItem>(
        "productBatchs",
        "productBatchFilter",
        `batchId producer token productId dataHash dataURI originAttested checkpointCount categoriesAssessed
         averageAssessment transparencyScore`,
      );
      expect(batches).to.have.lengthOf(replay.size);
      expect(batches.length).to.equal(Number(await chain.batchCount({ blockTag: c.head })));
      const mismatches: string[] = [];
      for (const row of batches) {
        const b = await chain.batchOf(row.batchId, { blockTag: c.head });
        const r = replay.get(row.batchId)!;
        const scores = [...r.scores.values()];
        const expected = {
          producer: lower(b.producer),
          token: lower(b.token),
          productId: b.productId,
          dataHash: b.dataHash,
          dataURI: b.dataURI,
          originAttested: b.originAttested,
          checkpointCount: Number(b.checkpoints),
          categoriesAssessed: Number(b.categoriesAssessed),
          averageAssessment: averageAssessment(scores),
          transparencyScore: transparencyScore({ originAttested: r.attested, checkpoints: r.checkpoints, scores }),
        };
        expect(r.attested, row.batchId).to.equal(b.originAttested);
        const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, row[k as keyof BatchItem]]));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(`#${row.batchId}: indexed ${JSON.stringify(actual)}\n    chain ${JSON.stringify(expected)}`);
        }
      }
      expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
      const scoresSeen = new Set(batches.map((b) => b.transparencyScore));
      expect(scoresSeen.size, "batches of different transparency").to.be.greaterThan(2);
    });
  });
}

import { expect } from "chai";
import type { ApiContext, CommunityInfo } from "../../indexer/src/api/business/context";
import { encodeCursor, parseRange } from "../../indexer/src/api/business/inputs";
import {
  alertValue,
  buildHistory,
  buildStatement,
  entryPage,
  checkEntryCap,
  decodeAlertCursor,
  decodeSettlementCursor,
  historyCsv,
  MAX_ENTRIES,
  page,
  reportResolvers,
  riskLevel,
  severitiesAtLeast,
  statementCsv,
  timeBounds,
  travelRuleRecord,
  type StatementRow,
  type TransferRow,
} from "../../indexer/src/api/business/reports";

const E18 = (n: number) => BigInt(Math.round(n * 100)) * 10n ** 16n;
const ME = "0x1111111111111111111111111111111111111111";
const YOU = "0x2222222222222222222222222222222222222222";
const ZERO = "0x0000000000000000000000000000000000000000";
const TX = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const T0 = 1_798_761_600n; // 2027-01-01T00:00:00Z

const KATY: CommunityInfo = {
  id: "katy",
  name: "Katy",
  country: "US",
  currency: "USD",
  symbol: "KATY",
  locale: "en-US",
  token: "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  complianceRegistry: "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  sanctionsOracle: null,
  holders: 0,
  supply: 0n,
  paused: false,
};
const TOR: CommunityInfo = {
  ...KATY,
  id: "tor",
  currency: "CAD",
  symbol: "TOR",
  locale: "fr-CA",
  token: `0x${"c".repeat(40)}`,
};

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { code?: unknown } }).extensions?.code ?? (error as Error).message;
  }
  return "no error";
}

function sale(n: number, over: Partial<StatementRow> = {}): StatementRow {
  return {
    type: "sale",
    invoice_id: TX(1000 + n),
    counterparty: YOU,
    amount: E18(10).toString(),
    fiat_amount: "0",
    fiat_currency: "",
    reward: "0",
    transaction_hash: TX(n),
    timestamp: (T0 + BigInt(n) * 60n).toString(),
    block_number: String(100 + n),
    log_index: 1,
    ...over,
  };
}

function transfer(n: number, from: string, to: string, amount: bigint, kind: TransferRow["kind"] = "transfer") {
  return {
    kind,
    sender: from,
    recipient: to,
    amount: amount.toString(),
    timestamp: (T0 + BigInt(n) * 60n).toString(),
    transaction_hash: TX(n),
    block_number: String(100 + n),
    log_index: 0,
  };
}

describe("indexer: business API reports", () => {
  const range = parseRange("2027-01-01", "2027-01-31");

  describe("risk level", () => {
    const none = { low: 0, medium: 0, high: 0, severe: 0 };
    it("is severe when sanctioned, frozen or with a severe alert", () => {
      expect(riskLevel({ sanctioned: true, frozen: false, counts: none })).to.equal("severe");
      expect(riskLevel({ sanctioned: false, frozen: true, counts: none })).to.equal("severe");
      expect(riskLevel({ sanctioned: false, frozen: false, counts: { ...none, severe: 1 } })).to.equal("severe");
    });
    it("otherwise takes the highest alert severity seen, low without alerts", () => {
      expect(
        riskLevel({ sanctioned: false, frozen: false, counts: { low: 3, medium: 1, high: 1, severe: 0 } }),
      ).to.equal("high");
      expect(riskLevel({ sanctioned: false, frozen: false, counts: { ...none, low: 5, medium: 2 } })).to.equal(
        "medium",
      );
      expect(riskLevel({ sanctioned: false, frozen: false, counts: { ...none, low: 5 } })).to.equal("low");
      expect(riskLevel({ sanctioned: false, frozen: false, counts: none })).to.equal("low");
    });
    it("lists the severities at or above a minimum", () => {
      expect(severitiesAtLeast(undefined)).to.deep.equal(["low", "medium", "high", "severe"]);
      expect(severitiesAtLeast("medium")).to.deep.equal(["medium", "high", "severe"]);
      expect(severitiesAtLeast("severe")).to.deep.equal(["severe"]);
    });
  });

  describe("merchant statement", () => {
    const rows: StatementRow[] = [
      // out of order on purpose: entries come oldest first by block and log index
      {
        ...sale(3),
        type: "refund",
        amount: E18(2.5).toString(),
        fiat_amount: null,
        fiat_currency: null,
        reward: null,
        invoice_id: TX(1001),
      },
      sale(1, { fiat_amount: E18(5).toString(), fiat_currency: "USD", reward: E18(0.1).toString() }),
      sale(2, { amount: E18(20).toString(), fiat_amount: E18(100).toString(), fiat_currency: "MXN" }),
    ];
    const statement = buildStatement(ME, KATY, range, rows);

    it("totals sales, fiat parts in the peg only, refunds, net and rewards", () => {
      expect(statement).to.include({ merchant: ME, community: "katy", from: "2027-01-01", to: "2027-01-31" });
      expect(statement.saleCount).to.equal(2);
      expect(statement.refundCount).to.equal(1);
      expect(statement.sales).to.deep.equal({ raw: E18(30), currency: "KATY", isoCurrency: "USD", locale: "en-US" });
      expect(statement.fiatSales).to.deep.equal({ raw: E18(5), currency: "USD", isoCurrency: "USD", locale: "en-US" });
      expect(statement.refunds.raw).to.equal(E18(2.5));
      expect(statement.net.raw).to.equal(E18(27.5));
      expect(statement.rewards.raw).to.equal(E18(0.1));
    });

    it("lists entries oldest first, each fiat part in its own currency (null when none)", () => {
      expect(statement.entries.map((e) => e.type)).to.deep.equal(["sale", "sale", "refund"]);
      const [first, second, refund] = statement.entries;
      expect(first?.time).to.equal("2027-01-01T00:01:00Z");
      expect(first?.fiatAmount).to.deep.equal({ raw: E18(5), currency: "USD", isoCurrency: "USD", locale: "en-US" });
      expect(second?.fiatAmount?.currency).to.equal("MXN");
      expect(second?.reward?.raw).to.equal(0n);
      expect(refund?.amount.raw).to.equal(E18(2.5)); // positive: the type says the direction
      expect(refund?.fiatAmount).to.equal(null);
      expect(refund?.reward).to.equal(null);
      expect(buildStatement(ME, KATY, range, [sale(1)]).entries[0]?.fiatAmount).to.equal(null);
    });

    it("writes the CSV with the SDL's columns, refunds negative, exact decimals", () => {
      const lines = statementCsv(statement).split("\r\n");
      expect(lines).to.have.length(5); // header, 3 entries, and the empty string after the last CRLF
      expect(lines[0]).to.equal(
        "date,type,reference,counterparty,currency,amount,fiat_currency,fiat_amount,loyalty_reward,transaction_hash",
      );
      expect(lines[1]).to.equal(`2027-01-01T00:01:00Z,sale,${TX(1001)},${YOU},KATY,10,USD,5,0.1,${TX(1)}`);
      expect(lines[2]).to.equal(`2027-01-01T00:02:00Z,sale,${TX(1002)},${YOU},KATY,20,MXN,100,0,${TX(2)}`);
      expect(lines[3]).to.equal(`2027-01-01T00:03:00Z,refund,${TX(1001)},${YOU},KATY,-2.5,,,,${TX(3)}`);
      expect(lines[4]).to.equal("");
    });

    it("an empty statement is zeros and a header line", () => {
      const empty = buildStatement(ME, TOR, range, []);
      expect(empty.net).to.deep.equal({ raw: 0n, currency: "TOR", isoCurrency: "CAD", locale: "fr-CA" });
      expect(statementCsv(empty).split("\r\n")).to.have.length(2);
    });

    it("refuses more than the entry cap with TOO_MANY_ROWS", () => {
      expect(codeOf(() => checkEntryCap(MAX_ENTRIES, "statement"))).to.equal("no error");
      expect(codeOf(() => checkEntryCap(MAX_ENTRIES + 1, "statement"))).to.equal("TOO_MANY_ROWS");
      const many = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => sale(i));
      expect(codeOf(() => buildStatement(ME, KATY, range, many))).to.equal("TOO_MANY_ROWS");
    });
  });

  describe("account history", () => {
    const rows = [
      transfer(4, ME, ME, E18(1)), // a self-transfer: out then in
      transfer(1, ZERO, ME, E18(100), "mint"),
      transfer(2, ME, YOU, E18(30)),
      transfer(3, YOU, ME, E18(5.25)),
      transfer(5, ME, ZERO, E18(10), "burn"),
    ];

    it("runs the balance from the opening balance, oldest first, a self-transfer as out then in", () => {
      const history = buildHistory(ME, KATY, range, { opening: E18(7), indexedClosing: E18(72.25) }, rows);
      expect(history.entries.map((e) => `${e.kind}:${e.direction}`)).to.deep.equal([
        "mint:in",
        "transfer:out",
        "transfer:in",
        "transfer:out",
        "transfer:in",
        "burn:out",
      ]);
      expect(history.entries.map((e) => e.balance.raw)).to.deep.equal([
        E18(107),
        E18(77),
        E18(82.25),
        E18(81.25),
        E18(82.25),
        E18(72.25),
      ]);
      expect(history.entries.map((e) => e.counterparty)).to.deep.equal([ZERO, YOU, YOU, ME, ME, ZERO]);
      expect(history.openingBalance.raw).to.equal(E18(7));
      expect(history.closingBalance.raw).to.equal(E18(72.25));
      expect(history.received.raw).to.equal(E18(106.25));
      expect(history.sent.raw).to.equal(E18(41));
      expect(history.closingBalance.currency).to.equal("KATY");
    });

    it("fails (an indexer bug) when the closing balance differs from the indexed end-of-day balance", () => {
      expect(codeOf(() => buildHistory(ME, KATY, range, { opening: E18(7), indexedClosing: E18(72) }, rows))).to.match(
        /differs from the indexed end-of-day balance/,
      );
      // no transfers: opening and closing agree with the last indexed balance
      const quiet = buildHistory(ME, KATY, range, { opening: E18(3), indexedClosing: E18(3) }, []);
      expect(quiet.closingBalance.raw).to.equal(E18(3));
      expect(quiet.entries).to.deep.equal([]);
    });

    it("writes the CSV with the SDL's columns, outgoing negative, balances after each entry", () => {
      const history = buildHistory(ME, KATY, range, { opening: 0n, indexedClosing: E18(65.25) }, rows);
      const lines = historyCsv(history).split("\r\n");
      expect(lines[0]).to.equal("date,type,direction,counterparty,currency,amount,balance,transaction_hash");
      expect(lines[1]).to.equal(`2027-01-01T00:01:00Z,mint,in,${ZERO},KATY,100,100,${TX(1)}`);
      expect(lines[2]).to.equal(`2027-01-01T00:02:00Z,transfer,out,${YOU},KATY,-30,70,${TX(2)}`);
      expect(lines[6]).to.equal(`2027-01-01T00:05:00Z,burn,out,${ZERO},KATY,-10,65.25,${TX(5)}`);
      expect(lines).to.have.length(8);
    });

    it("counts a self-transfer twice against the entry cap", () => {
      const many = Array.from({ length: MAX_ENTRIES / 2 + 1 }, (_, i) => transfer(i, ME, ME, 1n));
      expect(codeOf(() => buildHistory(ME, KATY, range, { opening: 5n, indexedClosing: 5n }, many))).to.equal(
        "TOO_MANY_ROWS",
      );
    });
  });

  describe("alerts and pages", () => {
    it("bounds the time by days, inclusive, with either end open", () => {
      expect(timeBounds("2027-01-01", "2027-01-02")).to.deep.equal({ start: T0, end: T0 + 2n * 86_400n });
      expect(timeBounds("2027-01-01", undefined)).to.deep.equal({ start: T0, end: null });
      expect(timeBounds(null, "2027-01-01")).to.deep.equal({ start: null, end: T0 + 86_400n });
      expect(timeBounds(undefined, null)).to.deep.equal({ start: null, end: null });
      expect(codeOf(() => timeBounds("2027-01-02", "2027-01-01"))).to.equal("BAD_DATE_RANGE");
    });

    it("round-trips cursors and refuses foreign ones", () => {
      expect(decodeAlertCursor(encodeCursor([T0, "0xabc-1:large"]))).to.deep.equal({
        timestamp: T0,
        id: "0xabc-1:large",
      });
      expect(decodeSettlementCursor(encodeCursor([123n, 4]))).to.deep.equal({ blockNumber: 123n, logIndex: 4 });
      expect(codeOf(() => decodeAlertCursor(encodeCursor([123n, 4])))).to.equal("BAD_CURSOR");
      expect(codeOf(() => decodeSettlementCursor(encodeCursor([T0, "x"])))).to.equal("BAD_CURSOR");
      expect(codeOf(() => decodeAlertCursor("not a cursor!"))).to.equal("BAD_CURSOR");
    });

    it("pages limit + 1 rows: the first limit, hasNextPage and the last one's cursor", () => {
      const full = page(
        [1, 2, 3],
        2,
        (n) => n * 10,
        (n) => `c${n}`,
      );
      expect(full).to.deep.equal({ items: [10, 20], pageInfo: { hasNextPage: true, endCursor: "c2" } });
      const last = page(
        [1],
        2,
        (n) => n,
        (n) => `c${n}`,
      );
      expect(last.pageInfo).to.deep.equal({ hasNextPage: false, endCursor: "c1" });
      expect(page([], 2, (n) => n, String).pageInfo).to.deep.equal({ hasNextPage: false, endCursor: null });
    });

    it("shows an alert row with its amount in the community's KC and ISO time", () => {
      const value = alertValue(
        {
          id: "x:large",
          rule: "large",
          severity: "high",
          community: "katy",
          account: ME,
          counterparty: YOU,
          amount: E18(12000).toString(),
          transaction_hash: TX(9),
          timestamp: (T0 + 1n).toString(),
        },
        KATY,
      );
      expect(value).to.deep.include({ time: "2027-01-01T00:00:01Z", transactionHash: TX(9), rule: "large" });
      expect(value.amount).to.deep.equal({ raw: E18(12000), currency: "KATY", isoCurrency: "USD", locale: "en-US" });
    });

    it("shows a travel-rule record in each side's KC and the reference currency", () => {
      const all = new Map([
        ["katy", KATY],
        ["tor", TOR],
      ]);
      const ctx = { referenceCurrency: "USD" } as ApiContext;
      const record = travelRuleRecord(
        {
          id: "s1",
          timestamp: T0.toString(),
          source_community: "katy",
          destination_community: null,
          token_in: KATY.token,
          token_out: TOR.token,
          corridor: "US-CA",
          originator: ME,
          recipient: YOU,
          amount_in: E18(5000).toString(),
          amount_out: E18(6800).toString(),
          value: E18(5000).toString(),
          transaction_hash: TX(7),
          block_number: "10",
          log_index: 2,
        },
        all,
        ctx,
      );
      expect(record).to.deep.include({ originator: ME, beneficiary: YOU, time: "2027-01-01T00:00:00Z" });
      expect(record.amountIn.currency).to.equal("KATY");
      expect(record.amountOut.currency).to.equal("TOR"); // found by its token
      expect(record.value).to.deep.equal({ raw: E18(5000), currency: "USD", isoCurrency: "USD", locale: "en-US" });
    });
  });

  describe("authorization (before any SQL)", () => {
    const communities = new Map([
      ["katy", KATY],
      ["tor", TOR],
    ]);
    function ctxFor(key: Partial<ApiContext["key"]>): ApiContext {
      return {
        key: { role: "compliance", communities: null, merchants: [], ...key } as ApiContext["key"],
        query: async () => {
          throw new Error("no SQL expected");
        },
        snapshot: async () => {
          throw new Error("no SQL expected");
        },
        communities: async () => communities,
        referenceCurrency: "USD",
        alertThresholds: () => {
          throw new Error("unused");
        },
      };
    }
    async function code(promise: Promise<unknown>): Promise<unknown> {
      try {
        await promise;
      } catch (error) {
        return (error as { extensions?: { code?: unknown } }).extensions?.code ?? (error as Error).message;
      }
      return "no error";
    }
    const q = reportResolvers.Query;
    const business = ctxFor({ role: "business", communities: null, merchants: [YOU] });
    const torOfficer = ctxFor({ role: "compliance", communities: ["tor"] });

    it("refuses business keys the compliance reports", async () => {
      expect(await code(q.frozenAccounts({}, {}, business))).to.equal("FORBIDDEN");
      expect(await code(q.alerts({}, {}, business))).to.equal("FORBIDDEN");
      expect(await code(q.accountRisk({}, { community: "katy", account: ME }, business))).to.equal("FORBIDDEN");
      expect(await code(q.travelRuleRecords({}, { from: "2027-01-01", to: "2027-01-02" }, business))).to.equal(
        "FORBIDDEN",
      );
    });

    it("refuses a compliance key other communities, and unknown communities", async () => {
      expect(await code(q.frozenAccounts({}, { community: "katy" }, torOfficer))).to.equal("FORBIDDEN");
      expect(await code(q.alerts({}, { filter: { community: "katy" } }, torOfficer))).to.equal("FORBIDDEN");
      expect(await code(q.accountRisk({}, { community: "nope", account: ME }, torOfficer))).to.equal(
        "UNKNOWN_COMMUNITY",
      );
    });

    it("lets account histories to compliance keys of the community and business keys of the address only", async () => {
      const args = (account: string) => ({ community: "katy", account, from: "2027-01-01", to: "2027-01-02" });
      expect(await code(q.accountHistory({}, args(ME), business))).to.equal("FORBIDDEN");
      expect(await code(q.accountHistory({}, args(YOU), torOfficer))).to.equal("FORBIDDEN");
      // allowed: reaches the SQL
      expect(await code(q.accountHistory({}, args(YOU), business))).to.equal("no SQL expected");
      expect(await code(q.accountHistory({}, args(YOU), ctxFor({})))).to.equal("no SQL expected");
    });

    it("checks arguments: range, page size", async () => {
      expect(
        await code(
          q.accountHistory({}, { community: "katy", account: YOU, from: "2027-02-01", to: "2027-01-01" }, business),
        ),
      ).to.equal("BAD_DATE_RANGE");
      expect(await code(q.alerts({}, { first: 501 }, ctxFor({})))).to.equal("BAD_LIMIT");
    });
  });
});

describe("indexer: business API report pages", () => {
  const entries = Array.from({ length: 250 }, (_, i) => i);

  it("gives the first 100 entries by default, then the page asked for", () => {
    expect(entryPage(entries, {})).to.deep.equal(entries.slice(0, 100));
    expect(entryPage(entries, { first: 10, offset: 245 })).to.deep.equal([245, 246, 247, 248, 249]);
    expect(entryPage(entries, { first: 1_000, offset: 0 })).to.have.length(250);
    expect(entryPage(entries, { offset: 300 })).to.deep.equal([]);
  });

  it("refuses pages over 1,000 entries and negative offsets with BAD_LIMIT", () => {
    for (const args of [{ first: 1_001 }, { first: 0 }, { offset: -1 }, { offset: 1.5 }]) {
      expect(() => entryPage(entries, args), JSON.stringify(args))
        .to.throw()
        .with.nested.property("extensions.code", "BAD_LIMIT");
    }
  });
});

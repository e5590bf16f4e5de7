/**
 * The federation's part of the indexer's end-to-end test (see ./indexer.e2e.test.ts, which runs the stack): every
 * answer about the federation is checked against the chain at the indexed head (views, eth_getLogs): members and
 * their statuses against `federation.member(id)` for every admitted id, seats and voters against `ownerOf`,
 * `delegates` and `getVotes`, the charter versions and acceptances, the shared parameters, the federation's
 * proposals (state as `governor.state(id)`, tallies as `proposalVotes(id)`, quorum as `quorum(snapshot)`) and votes,
 * the timelock's operations, and the mutual-aid fund (contributions and grants summing to `contributed` and
 * `granted`, balances as `balanceOf`). What happened is the simulation's (admission and launch of a community,
 * charter acceptances and seat delegations by the founders' own proposals, contributions, a grant, an emergency
 * grant, a parameter change) and ./federationScenario.ts's (two suspensions, a readmission, a defeated and a
 * canceled proposal).
 */
import { expect } from "chai";
import { ethers, type Log } from "ethers";
import { isFullMember, MEMBER_STATUSES, seatIdOfKey } from "../../indexer/src/lib/federation";
import { PROPOSAL_STATES, proposalState, type ProposalStatus } from "../../indexer/src/lib/proposals";
import type { Deployment } from "../../scripts/lib/deployment";
import {
  BridgePool__factory,
  CommunityRegistry__factory,
  CommunityToken__factory,
  Federation__factory,
  FederationGovernor__factory,
  FederationSeats__factory,
  FederationTimelock__factory,
  IAccessControl__factory,
  MutualAidFund__factory,
  type Federation,
  type FederationGovernor,
  type FederationSeats,
  type FederationTimelock,
  type MutualAidFund,
} from "../../typechain-types";
import type { FederationOutcome } from "./federationScenario";
import { graphql, graphqlAll } from "./harness";

export interface FederationContext {
  apiUrl: string;
  provider: ethers.JsonRpcProvider;
  deployment: Deployment;
  /** The indexed head the checks compare with, and its timestamp. */
  head: number;
  headTime: bigint;
  outcome: FederationOutcome;
}

const lower = (address: string) => address.toLowerCase();
const str = (value: bigint | number) => value.toString();
const orNull = (address: string) => (address === ethers.ZeroAddress ? null : lower(address));
const key = (row: { transactionHash: string; logIndex: number }) => `${row.transactionHash}:${row.logIndex}`;
const logKey = (log: Log) => `${log.transactionHash}:${log.index}`;
/** Sorted copies, for comparing lists whose order the API does not fix. */
const sortedBy = <T>(rows: T[], by: (row: T) => string) => [...rows].sort((a, b) => by(a).localeCompare(by(b)));

interface MemberItem {
  id: string;
  key: string;
  status: string;
  launcher: string;
  token: string | null;
  timelock: string | null;
  seatId: string | null;
  charterVersion: number;
  isFullMember: boolean;
  delegate: string | null;
  delegateVotes: string;
  admittedAt: string;
  launchedAt: string | null;
  suspendedAt: string | null;
  suspensionReason: string | null;
  pausedPools: number | null;
  readmittedAt: string | null;
  unpausedPools: number | null;
}
const MEMBER_FIELDS = `id key status launcher token timelock seatId charterVersion isFullMember delegate delegateVotes
  admittedAt launchedAt suspendedAt suspensionReason pausedPools readmittedAt unpausedPools`;

interface ProposalItem {
  proposalId: string;
  scope: string;
  token: string;
  proposer: string;
  targets: string[];
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
  timelockOperationId: string | null;
}
const PROPOSAL_FIELDS = `proposalId scope token proposer targets description voteStart voteEnd eta status forVotes
  againstVotes abstainVotes voterCount quorum timelockOperationId`;

/** The federation's checks, registered as a `describe` of the caller's suite; `context` is read once its `before` ran. */
export function describeFederation(context: () => FederationContext): void {
  describe("federation", function () {
    let ctx: FederationContext;
    let federation: Federation;
    let seats: FederationSeats;
    let governor: FederationGovernor;
    let timelock: FederationTimelock;
    let fund: MutualAidFund;
    let members: MemberItem[];
    /** Every admitted id, from the MemberAdmitted logs. */
    let admittedIds: string[];
    let federationLogs: Log[];
    /** The transaction of each federation proposal's execution -> its id. */
    let executedIn: Map<string, bigint>;
    /** Token (lower-case) -> the community whose token it is, for every registered community. */
    let communityOfToken: Map<string, string>;

    async function logsOf(contract: ethers.BaseContract, events: string[]): Promise<Log[]> {
      const topics = events.map((name) => contract.interface.getEvent(name)!.topicHash);
      return ctx.provider.getLogs({
        address: await contract.getAddress(),
        topics: [topics],
        fromBlock: 0,
        toBlock: ctx.head,
      });
    }
    const at = () => ({ blockTag: ctx.head });

    before(async function () {
      this.timeout(120_000);
      ctx = context();
      const f = ctx.deployment.federation;
      federation = Federation__factory.connect(f.federation.address, ctx.provider);
      seats = FederationSeats__factory.connect(f.seats.address, ctx.provider);
      governor = FederationGovernor__factory.connect(f.governor.address, ctx.provider);
      timelock = FederationTimelock__factory.connect(f.timelock.address, ctx.provider);
      fund = MutualAidFund__factory.connect(f.mutualAidFund.address, ctx.provider);
      federationLogs = await ctx.provider.getLogs({ address: f.federation.address, fromBlock: 0, toBlock: ctx.head });
      admittedIds = federationLogs
        .map((log) => federation.interface.parseLog(log))
        .filter((parsed) => parsed?.name === "MemberAdmitted")
        .map((parsed) => parsed!.args.id as string);
      members = (
        await graphqlAll<MemberItem>(ctx.apiUrl, "federationMembers", "federationMemberFilter", MEMBER_FIELDS, {
          orderBy: "admittedAt",
          pageSize: 100,
        })
      ).items;
      const registry = CommunityRegistry__factory.connect(ctx.deployment.communityRegistry.address, ctx.provider);
      communityOfToken = new Map();
      for (let i = 0n; i < (await registry.communityCount(at())); i++) {
        const c = await registry.communityAt(i, at());
        communityOfToken.set(lower(c.token), c.id);
      }
      executedIn = new Map(
        (await logsOf(governor, ["ProposalExecuted"])).map((log) => [
          log.transactionHash,
          governor.interface.parseLog(log)!.args.proposalId as bigint,
        ]),
      );
    });

    /** The parsed Federation logs named `name`, in chain order. */
    const federationEvents = (name: string) =>
      federationLogs
        .map((log) => ({ log, parsed: federation.interface.parseLog(log) }))
        .filter((e) => e.parsed?.name === name)
        .map((e) => ({ log: e.log, args: e.parsed!.args }));

    describe("members and seats", () => {
      it("has one member per admitted id, as federation.member(id) and isFullMember(id) report it", async () => {
        expect(admittedIds.length).to.equal(Number(await federation.memberCount(at())));
        expect(members.map((m) => m.id).sort()).to.deep.equal([...admittedIds].sort());
        const charter = Number(await federation.charterVersion(at()));
        const last = (name: string, id: string) =>
          federationEvents(name)
            .filter((e) => e.args.id === id)
            .at(-1);
        const time = async (log: Log | undefined) =>
          log ? str((await ctx.provider.getBlock(log.blockNumber))!.timestamp) : null;
        const mismatches: string[] = [];
        for (const row of members) {
          const m = await federation.member(row.id, at());
          const status = MEMBER_STATUSES[Number(m.status)]!;
          const launched = m.token !== ethers.ZeroAddress;
          const delegate = launched ? orNull(await seats.delegates(m.timelock, at())) : null;
          const suspended = last("MemberSuspended", row.id);
          const readmitted = last("MemberReadmitted", row.id);
          const expected = {
            id: row.id,
            key: ethers.id(row.id),
            status,
            launcher: lower(m.launcher),
            token: orNull(m.token),
            timelock: orNull(m.timelock),
            seatId: launched ? str(await seats.seatOf(row.id)) : null,
            charterVersion: Number(m.charterVersion),
            isFullMember: await federation.isFullMember(row.id, at()),
            delegate,
            delegateVotes: delegate ? str(await seats.getVotes(delegate, at())) : "0",
            admittedAt: await time(last("MemberAdmitted", row.id)?.log),
            launchedAt: await time(last("MemberLaunched", row.id)?.log),
            suspendedAt: await time(suspended?.log),
            suspensionReason: suspended ? (suspended.args.reason as string) : null,
            pausedPools: suspended ? Number(suspended.args.pausedPools) : null,
            readmittedAt: await time(readmitted?.log),
            unpausedPools: readmitted ? Number(readmitted.args.unpausedPools) : null,
          };
          if (status !== "none" && isFullMember(status, expected.charterVersion, charter) !== expected.isFullMember) {
            mismatches.push(`${row.id}: isFullMember disagrees with the pure rule`);
          }
          if (JSON.stringify(row) !== JSON.stringify(expected)) {
            mismatches.push(`${row.id}: indexed ${JSON.stringify(row)}\n    chain ${JSON.stringify(expected)}`);
          }
        }
        expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
        const statuses = new Set(members.map((m) => m.status));
        expect([...statuses].sort(), "the history admits, launches and suspends").to.deep.equal([
          "member",
          "suspended",
        ]);
        const founders = ctx.deployment.communities.map((c) => c.id);
        expect(
          members.filter((m) => !founders.includes(m.id) && m.launchedAt !== null),
          "the simulation's new community is admitted by proposal and launched",
        ).to.not.be.empty;
        const byId = new Map(members.map((m) => [m.id, m]));
        expect(byId.get(ctx.outcome.suspended)?.status).to.equal("suspended");
        expect(byId.get(ctx.outcome.readmitted)?.readmittedAt).to.not.equal(null);
        expect(
          members.filter((m) => m.isFullMember),
          "the founders accept the charter",
        ).to.not.be.empty;
      });

      it("has the federation's counts, charter and governance settings as its contracts report", async () => {
        const data = await graphql<{ federation: Record<string, unknown> }>(
          ctx.apiUrl,
          `
            query ($address: String!) {
              federation(address: $address) {
                seats
                governor
                timelock
                mutualAidFund
                charterVersion
                charterHash
                admittedCount
                memberCount
                suspendedCount
                fullMemberCount
                seatSupply
                poolCount
                votingDelay
                votingPeriod
                proposalThreshold
                quorumNumerator
                timelockMinDelay
                proposalCount
              }
            }
          `,
          { address: await federation.getAddress() },
        );
        const statuses = await Promise.all(admittedIds.map(async (id) => (await federation.member(id, at())).status));
        const full = await Promise.all(admittedIds.map((id) => federation.isFullMember(id, at())));
        const version = await federation.charterVersion(at());
        const f = ctx.deployment.federation;
        expect(data.federation).to.deep.equal({
          seats: lower(f.seats.address),
          governor: lower(f.governor.address),
          timelock: lower(f.timelock.address),
          mutualAidFund: lower(f.mutualAidFund.address),
          charterVersion: Number(version),
          charterHash: version === 0n ? null : await federation.charterHash(version, at()),
          admittedCount: admittedIds.length,
          memberCount: statuses.filter((s) => s === 2n).length,
          suspendedCount: statuses.filter((s) => s === 3n).length,
          fullMemberCount: full.filter(Boolean).length,
          // a seat exists for each member; ownerOf reverts for a burned one
          seatSupply: str(statuses.filter((s) => s === 2n).length),
          poolCount: (await federation.pools(at())).length,
          votingDelay: str(await governor.votingDelay(at())),
          votingPeriod: str(await governor.votingPeriod(at())),
          proposalThreshold: str(await governor.proposalThreshold(at())),
          quorumNumerator: str(await governor["quorumNumerator()"](at())),
          timelockMinDelay: str(await timelock.getMinDelay(at())),
          proposalCount: (await logsOf(governor, ["ProposalCreated"])).length,
        });
      });

      it("has each seat's holder, delegate and existence as ownerOf and delegates report", async () => {
        const { items } = await graphqlAll<{
          seatId: string;
          memberId: string | null;
          holder: string;
          delegate: string | null;
          active: boolean;
          mintCount: number;
        }>(ctx.apiUrl, "seats", "seatFilter", "seatId memberId holder delegate active mintCount", { pageSize: 100 });
        const transfers = await logsOf(seats, ["Transfer"]);
        const mints = new Map<string, number>();
        for (const log of transfers) {
          const a = seats.interface.parseLog(log)!.args;
          if (a.from === ethers.ZeroAddress) mints.set(str(a.tokenId as bigint), (mints.get(str(a.tokenId)) ?? 0) + 1);
        }
        expect(items.map((s) => s.seatId).sort()).to.deep.equal([...mints.keys()].sort());
        const launched = new Map(
          federationEvents("MemberLaunched").map((e) => [str(e.args.seatId as bigint), e.args.id as string]),
        );
        for (const s of items) {
          const owner = await seats.ownerOf(s.seatId, at()).then(
            (address) => lower(address),
            () => null,
          );
          expect(s.active, s.seatId).to.equal(owner !== null);
          if (owner !== null) expect(s.holder, s.seatId).to.equal(owner);
          expect(s.delegate, s.seatId).to.equal(orNull(await seats.delegates(s.holder, at())));
          expect(s.memberId, s.seatId).to.equal(launched.get(s.seatId) ?? null);
          expect(seatIdOfKey(ethers.id(s.memberId!)), s.seatId).to.equal(BigInt(s.seatId));
          expect(s.mintCount, s.seatId).to.equal(mints.get(s.seatId));
        }
        expect(
          items.filter((s) => !s.active),
          "a suspension burns a seat",
        ).to.not.be.empty;
        expect(
          items.filter((s) => s.mintCount > 1),
          "a readmission mints it again",
        ).to.not.be.empty;
      });

      it("has every voter's votes and delegate as getVotes and delegates report, and its votes cast", async () => {
        const { items } = await graphqlAll<{
          address: string;
          votes: string;
          delegate: string | null;
          votesCast: number;
        }>(ctx.apiUrl, "federationVoters", "federationVoterFilter", "address votes delegate votesCast", {
          pageSize: 100,
        });
        const votes = await logsOf(governor, ["VoteCast", "VoteCastWithParams"]);
        const cast = new Map<string, number>();
        for (const log of votes) {
          const voter = lower(governor.interface.parseLog(log)!.args.voter as string);
          cast.set(voter, (cast.get(voter) ?? 0) + 1);
        }
        const mismatches: string[] = [];
        for (const v of items) {
          const expected = {
            address: v.address,
            votes: str(await seats.getVotes(v.address, at())),
            delegate: orNull(await seats.delegates(v.address, at())),
            votesCast: cast.get(v.address) ?? 0,
          };
          if (JSON.stringify(v) !== JSON.stringify(expected))
            mismatches.push(`indexed ${JSON.stringify(v)}, chain ${JSON.stringify(expected)}`);
        }
        expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
        for (const voter of cast.keys())
          expect(
            items.map((v) => v.address),
            voter,
          ).to.include(voter);
        const representatives = Object.values(ctx.deployment.federation.representatives).map(lower);
        expect(
          items.filter((v) => representatives.includes(v.address) && BigInt(v.votes) > 0n),
          "the founders delegate their seats to their representatives",
        ).to.not.be.empty;
      });

      it("has one seat event per mint, burn and delegation, the supply after each mint and burn", async () => {
        const logs = await logsOf(seats, ["Transfer", "DelegateChanged"]);
        const { items } = await graphqlAll<{
          kind: string;
          supply: string | null;
          transactionHash: string;
          logIndex: number;
        }>(ctx.apiUrl, "seatEvents", "seatEventFilter", "kind supply transactionHash logIndex", {
          orderBy: "blockNumber",
          pageSize: 500,
        });
        expect(items).to.have.lengthOf(logs.length);
        const indexed = new Map(items.map((e) => [key(e), e]));
        let supply = 0n;
        for (const log of logs) {
          const parsed = seats.interface.parseLog(log)!;
          const row = indexed.get(logKey(log));
          if (parsed.name === "DelegateChanged") {
            expect(row, logKey(log)).to.deep.include({ kind: "delegate_changed", supply: null });
            continue;
          }
          const minted = parsed.args.from === ethers.ZeroAddress;
          supply += minted ? 1n : -1n;
          expect(row, logKey(log)).to.deep.include({ kind: minted ? "minted" : "burned", supply: str(supply) });
        }
      });

      it("reaches a member's seat and community, and a community's membership", async () => {
        const katy = ctx.deployment.communities[0]!;
        const data = await graphql<{
          communityProfile: { federationMember: { status: string; seat: { holder: string } | null } | null };
          federationMember: {
            community: { id: string; token: string } | null;
            charterAcceptances: { totalCount: number };
          };
        }>(
          ctx.apiUrl,
          `
            query ($id: String!) {
              communityProfile(id: $id) {
                federationMember {
                  status
                  seat {
                    holder
                  }
                }
              }
              federationMember(id: $id) {
                community {
                  id
                  token
                }
                charterAcceptances {
                  totalCount
                }
              }
            }
          `,
          { id: katy.id },
        );
        expect(data.communityProfile.federationMember).to.deep.equal({
          status: "member",
          seat: { holder: lower(katy.timelock) },
        });
        expect(data.federationMember.community).to.deep.equal({ id: katy.id, token: lower(katy.token) });
        expect(data.federationMember.charterAcceptances.totalCount).to.equal(
          federationEvents("CharterAccepted").filter((e) => e.args.id === katy.id).length,
        );
      });
    });

    describe("charter and parameters", () => {
      it("has each ratified charter version with its hash, URI and acceptances", async () => {
        const { items } = await graphqlAll<{
          version: number;
          hash: string;
          uri: string;
          current: boolean;
          acceptanceCount: number;
        }>(ctx.apiUrl, "charterVersions", "charterVersionFilter", "version hash uri current acceptanceCount", {
          orderBy: "version",
          pageSize: 100,
        });
        const current = Number(await federation.charterVersion(at()));
        const ratified = federationEvents("CharterRatified");
        expect(ratified.length, "the deployment ratifies charter v1").to.be.greaterThan(0);
        const accepted = federationEvents("CharterAccepted");
        expect(items).to.deep.equal(
          await Promise.all(
            ratified.map(async (e) => {
              const version = Number(e.args.version);
              return {
                version,
                hash: await federation.charterHash(version, at()),
                uri: e.args.uri as string,
                current: version === current,
                acceptanceCount: new Set(
                  accepted.filter((a) => Number(a.args.version) === version).map((a) => a.args.id as string),
                ).size,
              };
            }),
          ),
        );
        expect(items[0]!.hash).to.equal(ctx.deployment.federation.charter.hash);
        expect(items[0]!.acceptanceCount, "the founders' proposals accept charter v1").to.be.greaterThan(0);
        const { items: acceptances } = await graphqlAll<{ version: number; memberId: string; transactionHash: string }>(
          ctx.apiUrl,
          "charterAcceptances",
          "charterAcceptanceFilter",
          "version memberId transactionHash",
          { pageSize: 100 },
        );
        const first = new Map<string, string>();
        for (const a of accepted) {
          const k = `${Number(a.args.version)}:${a.args.id}`;
          if (!first.has(k)) first.set(k, a.log.transactionHash);
        }
        expect(sortedBy(acceptances, (a) => `${a.version}:${a.memberId}`)).to.deep.equal(
          [...first]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, transactionHash]) => ({
              version: Number(k.split(":")[0]),
              memberId: k.slice(k.indexOf(":") + 1),
              transactionHash,
            })),
        );
      });

      it("has each shared parameter as federation.parameters() reports it, and every change with its proposal", async () => {
        const p = await federation.parameters(at());
        const { items } = await graphqlAll<{ name: string; value: string }>(
          ctx.apiUrl,
          "federationParameters",
          "federationParameterFilter",
          "name value",
          { pageSize: 100 },
        );
        const logs = federationEvents("ParameterChanged");
        // a parameter has a row once a ParameterChanged log names it (the constructor's, for those it sets non-zero)
        const named = [...new Set(logs.map((e) => e.args.parameter as string))];
        expect(named.length, "the constructor sets every parameter").to.equal(5);
        expect(sortedBy(items, (i) => i.name)).to.deep.equal(
          sortedBy(
            named.map((name) => ({ name, value: str(p[name as keyof typeof p] as bigint) })),
            (i) => i.name,
          ),
        );
        const { items: changes } = await graphqlAll<{
          parameter: string;
          oldValue: string;
          newValue: string;
          proposalId: string | null;
          transactionHash: string;
          logIndex: number;
        }>(
          ctx.apiUrl,
          "parameterChanges",
          "parameterChangeFilter",
          "parameter oldValue newValue proposalId transactionHash logIndex",
          { pageSize: 100 },
        );
        expect(sortedBy(changes, key)).to.deep.equal(
          sortedBy(
            logs.map(({ log, args }) => ({
              parameter: args.parameter as string,
              oldValue: str(args.oldValue as bigint),
              newValue: str(args.newValue as bigint),
              proposalId: executedIn.has(log.transactionHash) ? str(executedIn.get(log.transactionHash)!) : null,
              transactionHash: log.transactionHash,
              logIndex: log.index,
            })),
            key,
          ),
        );
        expect(
          changes.filter((c) => c.proposalId !== null),
          "the simulation changes a parameter by proposal",
        ).to.not.be.empty;
      });
    });

    describe("proposals", () => {
      let proposals: ProposalItem[];
      before(async () => {
        proposals = (
          await graphqlAll<ProposalItem>(ctx.apiUrl, "proposals", "proposalFilter", PROPOSAL_FIELDS, {
            where: { scope: "federation" },
            orderBy: "createdAt",
            pageSize: 100,
          })
        ).items;
      });

      it("has one federation proposal per ProposalCreated log, with times, tallies and quorum as the governor reports", async () => {
        const created = await logsOf(governor, ["ProposalCreated"]);
        const votes = await logsOf(governor, ["VoteCast", "VoteCastWithParams"]);
        const lifecycle = new Map<bigint, ProposalStatus>();
        const names: Record<string, ProposalStatus> = {
          ProposalCreated: "created",
          ProposalQueued: "queued",
          ProposalExecuted: "executed",
          ProposalCanceled: "canceled",
        };
        for (const log of await logsOf(governor, Object.keys(names))) {
          const parsed = governor.interface.parseLog(log)!;
          lifecycle.set(parsed.args.proposalId as bigint, names[parsed.name]!);
        }
        expect(proposals).to.have.lengthOf(created.length);
        const indexed = new Map(proposals.map((p) => [p.proposalId, p]));
        const seatsAddress = lower(ctx.deployment.federation.seats.address);
        for (const log of created) {
          const a = governor.interface.parseLog(log)!.args;
          const id = a.proposalId as bigint;
          const [against, forVotes, abstain] = await governor.proposalVotes(id, at());
          const voters = votes.filter((v) => governor.interface.parseLog(v)!.args.proposalId === id).length;
          const eta = await governor.proposalEta(id, at());
          const row = indexed.get(str(id));
          expect(row && { ...row, timelockOperationId: undefined }, str(id)).to.deep.equal({
            proposalId: str(id),
            scope: "federation",
            token: seatsAddress,
            proposer: lower(a.proposer as string),
            targets: (a.targets as string[]).map(lower),
            description: a.description as string,
            voteStart: str(await governor.proposalSnapshot(id, at())),
            voteEnd: str(await governor.proposalDeadline(id, at())),
            eta: eta === 0n ? null : str(eta),
            status: lifecycle.get(id),
            forVotes: str(forVotes),
            againstVotes: str(against),
            abstainVotes: str(abstain),
            voterCount: voters,
            // computed by the indexer from the seats' supply and the quorum numerator at the snapshot
            quorum: voters === 0 ? null : str(await governor.quorum(a.voteStart as bigint, at())),
            timelockOperationId: undefined,
          });
        }
      });

      it("derives each federation proposal's state as governor.state() reports it at the indexed head", async () => {
        const seen = new Set<string>();
        for (const p of proposals) {
          const onChain = PROPOSAL_STATES[Number(await governor.state(p.proposalId, at()))];
          const derived = proposalState(
            {
              status: p.status,
              voteStart: BigInt(p.voteStart),
              voteEnd: BigInt(p.voteEnd),
              forVotes: BigInt(p.forVotes),
              againstVotes: BigInt(p.againstVotes),
              abstainVotes: BigInt(p.abstainVotes),
              quorum: p.quorum === null ? null : BigInt(p.quorum),
            },
            ctx.headTime,
          );
          expect(derived, `${p.description} (${p.status})`).to.equal(onChain);
          seen.add(derived);
        }
        const o = ctx.outcome.proposals;
        for (const [label, id] of Object.entries({ executed: o.suspend, defeated: o.defeated, canceled: o.canceled })) {
          expect(PROPOSAL_STATES[Number(await governor.state(id, at()))], label).to.equal(label);
        }
        expect([...seen].sort()).to.include.members(["canceled", "defeated", "executed"]);
      });

      it("has one vote per VoteCast / VoteCastWithParams log of the federation's governor", async () => {
        const logs = await logsOf(governor, ["VoteCast", "VoteCastWithParams"]);
        const { items } = await graphqlAll<{ transactionHash: string; logIndex: number }>(
          ctx.apiUrl,
          "votes",
          "voteFilter",
          `proposalId scope token voter support weight reason params transactionHash logIndex
           federationVoter { address } voterAccount { address }`,
          { where: { governor: await governor.getAddress() }, pageSize: 500 },
        );
        expect(items).to.have.lengthOf(logs.length);
        const indexed = new Map(items.map((v) => [key(v), v]));
        const supports = ["against", "for", "abstain"];
        for (const log of logs) {
          const parsed = governor.interface.parseLog(log)!;
          const a = parsed.args;
          expect(indexed.get(logKey(log))).to.deep.equal({
            proposalId: str(a.proposalId as bigint),
            scope: "federation",
            token: lower(ctx.deployment.federation.seats.address),
            voter: lower(a.voter as string),
            support: supports[Number(a.support)],
            weight: str(a.weight as bigint),
            reason: a.reason as string,
            params: parsed.name === "VoteCastWithParams" ? (a.params as string) : null,
            transactionHash: log.transactionHash,
            logIndex: log.index,
            federationVoter: { address: lower(a.voter as string) },
            voterAccount: null,
          });
        }
      });

      it("has the federation's settings changes as governanceEvents of scope federation", async () => {
        const logs = [
          ...(await logsOf(governor, [
            "VotingDelaySet",
            "VotingPeriodSet",
            "ProposalThresholdSet",
            "QuorumNumeratorUpdated",
            "TimelockChange",
          ])),
          ...(await logsOf(timelock, ["MinDelayChange"])),
        ];
        const { items } = await graphqlAll<{ transactionHash: string; logIndex: number; token: string }>(
          ctx.apiUrl,
          "governanceEvents",
          "governanceEventFilter",
          "token transactionHash logIndex",
          { where: { scope: "federation" }, pageSize: 100 },
        );
        expect(sortedBy(items.map(key), (k) => k)).to.deep.equal(sortedBy(logs.map(logKey), (k) => k));
        expect(new Set(items.map((e) => e.token))).to.deep.equal(
          new Set([lower(ctx.deployment.federation.seats.address)]),
        );
      });

      it("has each timelock operation as the timelock reports it, linked to the proposal that queued it", async () => {
        const { items } = await graphqlAll<{
          id: string;
          status: string;
          targets: string[];
          proposalId: string | null;
        }>(ctx.apiUrl, "timelockOperations", "timelockOperationFilter", "id status targets proposalId", {
          pageSize: 100,
        });
        const scheduled = await logsOf(timelock, ["CallScheduled"]);
        const ids = [...new Set(scheduled.map((log) => timelock.interface.parseLog(log)!.args.id as string))];
        expect(items.map((o) => o.id).sort()).to.deep.equal(ids.sort());
        const queuedBy = new Map(
          proposals.filter((p) => p.timelockOperationId).map((p) => [p.timelockOperationId!, p]),
        );
        for (const op of items) {
          const status = (await timelock.isOperationDone(op.id, at()))
            ? "executed"
            : (await timelock.isOperationPending(op.id, at()))
              ? "scheduled"
              : "canceled";
          expect(op.status, op.id).to.equal(status);
          const p = queuedBy.get(op.id);
          expect(op.proposalId, op.id).to.equal(p?.proposalId ?? null);
          if (p) expect(op.targets, op.id).to.deep.equal(p.targets);
        }
        for (const p of proposals.filter((p) => p.eta !== null)) {
          expect(p.timelockOperationId, `${p.description}: queued in the timelock`).to.not.equal(null);
        }
      });
    });

    describe("mutual aid", () => {
      it("has one contribution per ContributionReceived and one grant per GrantPaid, with proposal and memo", async () => {
        const contributions = await logsOf(fund, ["ContributionReceived"]);
        const grants = await logsOf(fund, ["GrantPaid"]);
        expect(contributions.length, "the simulation contributes").to.be.greaterThan(1);
        const community = communityOfToken;
        const { items: indexedContributions } = await graphqlAll<
          Record<string, unknown> & { transactionHash: string; logIndex: number }
        >(
          ctx.apiUrl,
          "mutualAidContributions",
          "mutualAidContributionFilter",
          "key community token contributor amount transactionHash logIndex",
          { pageSize: 500 },
        );
        expect(sortedBy(indexedContributions, key)).to.deep.equal(
          sortedBy(
            contributions.map((log) => {
              const a = fund.interface.parseLog(log)!.args;
              return {
                key: a.key as string,
                community: community.get(lower(a.token as string)) ?? null,
                token: lower(a.token as string),
                contributor: lower(a.contributor as string),
                amount: str(a.amount as bigint),
                transactionHash: log.transactionHash,
                logIndex: log.index,
              };
            }),
            key,
          ),
        );
        const { items: indexedGrants } = await graphqlAll<
          Record<string, unknown> & { transactionHash: string; logIndex: number }
        >(
          ctx.apiUrl,
          "mutualAidGrants",
          "mutualAidGrantFilter",
          "key community token tokenCommunity recipient amount emergency memo proposalId transactionHash logIndex",
          { pageSize: 500 },
        );
        expect(sortedBy(indexedGrants, key)).to.deep.equal(
          sortedBy(
            grants.map((log) => {
              const a = fund.interface.parseLog(log)!.args;
              const proposal = executedIn.get(log.transactionHash);
              return {
                key: a.key as string,
                community: a.id as string,
                token: lower(a.token as string),
                tokenCommunity: community.get(lower(a.token as string)) ?? null,
                recipient: lower(a.recipient as string),
                amount: str(a.amount as bigint),
                emergency: a.emergency as boolean,
                memo: a.memo as string,
                proposalId: proposal === undefined ? null : str(proposal),
                transactionHash: log.transactionHash,
                logIndex: log.index,
              };
            }),
            key,
          ),
        );
        expect(
          indexedGrants.filter((g) => g.emergency === true),
          "the committee grants in an emergency",
        ).to.not.be.empty;
        expect(
          indexedGrants.filter((g) => g.emergency === false && g.proposalId !== null),
          "a grant by federation proposal",
        ).to.not.be.empty;
      });

      it("sums each token's contributions and grants as fund.contributed / granted, with balanceOf and the cap", async () => {
        const { items } = await graphqlAll<{
          token: string;
          community: string | null;
          contributed: string;
          granted: string;
          emergencyGranted: string;
          contributionCount: number;
          grantCount: number;
          balance: string;
          emergencyCap: string;
        }>(
          ctx.apiUrl,
          "mutualAidFundTokens",
          "mutualAidFundTokenFilter",
          "token community contributed granted emergencyGranted contributionCount grantCount balance emergencyCap",
          { pageSize: 100 },
        );
        const fundAddress = await fund.getAddress();
        const contributions = (await logsOf(fund, ["ContributionReceived"])).map(
          (l) => fund.interface.parseLog(l)!.args,
        );
        const grants = (await logsOf(fund, ["GrantPaid"])).map((l) => fund.interface.parseLog(l)!.args);
        const tokens = new Set([
          ...contributions.map((a) => lower(a.token as string)),
          ...grants.map((a) => lower(a.token as string)),
        ]);
        for (const t of tokens)
          expect(
            items.map((i) => i.token),
            t,
          ).to.include(t);
        const sum = (rows: ethers.Result[], token: string, only: (a: ethers.Result) => boolean = () => true) =>
          rows
            .filter((a) => lower(a.token as string) === token && only(a))
            .reduce((total, a) => total + (a.amount as bigint), 0n);
        for (const i of items) {
          const token = CommunityToken__factory.connect(i.token, ctx.provider);
          const expected = {
            token: i.token,
            community: communityOfToken.get(i.token) ?? null,
            contributed: str(await fund.contributed(i.token, at())),
            granted: str(await fund.granted(i.token, at())),
            emergencyGranted: str(sum(grants, i.token, (a) => a.emergency as boolean)),
            contributionCount: contributions.filter((a) => lower(a.token as string) === i.token).length,
            grantCount: grants.filter((a) => lower(a.token as string) === i.token).length,
            balance: str(await token.balanceOf(fundAddress, at())),
            emergencyCap: str(await fund.emergencyCap(i.token, at())),
          };
          expect(i, i.token).to.deep.equal(expected);
          expect(i.contributed, i.token).to.equal(str(sum(contributions, i.token)));
          expect(i.granted, i.token).to.equal(str(sum(grants, i.token)));
        }
      });
    });

    describe("pools, events and roles", () => {
      it("has each federation pool with its members, paused as the pool reports, and the suspension that paused it", async () => {
        const added = federationEvents("PoolAdded");
        const { items } = await graphqlAll<{
          pool: string;
          memberA: string | null;
          memberB: string | null;
          pausedBySuspensionOf: string | null;
          bridgePool: { paused: boolean } | null;
        }>(
          ctx.apiUrl,
          "federationPools",
          "federationPoolFilter",
          "pool memberA memberB pausedBySuspensionOf bridgePool { paused }",
          { pageSize: 100 },
        );
        expect(items.map((p) => p.pool).sort()).to.deep.equal(added.map((e) => lower(e.args.pool as string)).sort());
        const idOfKey = new Map(admittedIds.map((id) => [ethers.id(id), id]));
        const suspendedNow = new Set(
          (
            await Promise.all(
              admittedIds.map(async (id) => ((await federation.member(id, at())).status === 3n ? id : null)),
            )
          ).filter((id): id is string => id !== null),
        );
        for (const p of items) {
          const e = added.find((a) => lower(a.args.pool as string) === p.pool)!;
          const paused = await BridgePool__factory.connect(p.pool, ctx.provider).paused(at());
          expect(p.memberA, p.pool).to.equal(idOfKey.get(e.args.keyA as string));
          expect(p.memberB, p.pool).to.equal(idOfKey.get(e.args.keyB as string));
          expect(p.bridgePool?.paused, p.pool).to.equal(paused);
          const culprit = [p.memberA, p.memberB].find((m) => m !== null && suspendedNow.has(m)) ?? null;
          expect(p.pausedBySuspensionOf, p.pool).to.equal(culprit);
          if (culprit) expect(paused, `${p.pool}: paused by the suspension of ${culprit}`).to.equal(true);
        }
        expect(
          items.filter((p) => p.pausedBySuspensionOf !== null),
          "a suspension pauses a pool",
        ).to.not.be.empty;
      });

      it("has one federationEvent per membership, charter, pool and emergency-cap log", async () => {
        const kinds: Record<string, string> = {
          MemberAdmitted: "member_admitted",
          MemberLaunched: "member_launched",
          MemberSuspended: "member_suspended",
          MemberReadmitted: "member_readmitted",
          CharterRatified: "charter_ratified",
          CharterAccepted: "charter_accepted",
          PoolAdded: "pool_added",
        };
        const expected = federationLogs
          .map((log) => ({ log, name: federation.interface.parseLog(log)?.name }))
          .filter((e) => e.name !== undefined && kinds[e.name] !== undefined)
          .map(({ log, name }) => ({
            kind: kinds[name!],
            proposalId: executedIn.has(log.transactionHash) ? str(executedIn.get(log.transactionHash)!) : null,
            transactionHash: log.transactionHash,
            logIndex: log.index,
          }));
        for (const log of await logsOf(fund, ["EmergencyCapChanged"])) {
          const proposal = executedIn.get(log.transactionHash);
          expected.push({
            kind: "emergency_cap_changed",
            proposalId: proposal === undefined ? null : str(proposal),
            transactionHash: log.transactionHash,
            logIndex: log.index,
          });
        }
        const { items } = await graphqlAll<{
          kind: string;
          proposalId: string | null;
          transactionHash: string;
          logIndex: number;
        }>(ctx.apiUrl, "federationEvents", "federationEventFilter", "kind proposalId transactionHash logIndex", {
          pageSize: 500,
        });
        expect(sortedBy(items, key)).to.deep.equal(sortedBy(expected, key));
        for (const kind of Object.values(kinds))
          expect(
            items.map((e) => e.kind),
            kind,
          ).to.include(kind);
      });

      it("has the federation contracts' role members as hasRole reports", async () => {
        const contracts = [
          ctx.deployment.federation.federation.address,
          ctx.deployment.federation.timelock.address,
          ctx.deployment.federation.mutualAidFund.address,
        ].map(lower);
        const { items } = await graphqlAll<{ contract: string; role: string; account: string; active: boolean }>(
          ctx.apiUrl,
          "roleMembers",
          "roleMemberFilter",
          "contract role account active",
          { where: { contract_in: contracts }, pageSize: 500 },
        );
        expect(new Set(items.map((m) => m.contract))).to.deep.equal(new Set(contracts));
        for (const m of items) {
          const onChain = await IAccessControl__factory.connect(m.contract, ctx.provider).hasRole(
            m.role,
            m.account,
            at(),
          );
          expect(m.active, `${m.contract} ${m.role} ${m.account}`).to.equal(onChain);
        }
        const emergency = await fund.EMERGENCY_ROLE();
        const committee = items.filter((m) => m.role === emergency && m.active).map((m) => m.account);
        expect(committee.sort()).to.deep.equal(ctx.deployment.federation.emergencyCommittee.map(lower).sort());
      });
    });
  });
}

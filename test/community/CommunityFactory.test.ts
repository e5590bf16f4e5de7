import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import type { BaseContract, Log } from "ethers";
import { ethers } from "hardhat";
import type { ICommunityFactory } from "../../typechain-types";
import { communityContracts, deployFactoryFixture, deployFactoryRolesApartFixture, KC, ref } from "../shared/fixtures";

type CommunityConfig = ICommunityFactory.CommunityConfigStruct;

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const LAUNCHER_ROLE = ethers.id("LAUNCHER_ROLE");
const HOUR = 60 * 60;
const DAY = 24 * HOUR;

/** The runtime code of an ERC-1167 minimal proxy delegating to `implementation`. */
const cloneCode = (implementation: string) =>
  `0x363d3d373d3d3d363d73${implementation.slice(2).toLowerCase()}5af43d82803e903d91602b57fd5bf3`;

/** Settings unlike both the config file's defaults and ComplianceRegistry.initialize's, so each must be set. */
const RIVERSIDE = {
  id: "riverside",
  name: "Riverside",
  country: "CA",
  currency: "CAD",
  locale: "en-CA",
  tokenName: "Riverside Dollar",
  tokenSymbol: "RVD",
  governance: {
    votingDelay: 120,
    votingPeriod: 2 * HOUR,
    proposalThreshold: KC(250),
    quorumPercent: 7,
    voteExtension: 15 * 60,
    timelockDelay: 3 * HOUR,
  },
  compliance: {
    tier0DailyLimit: KC(2_000),
    tier1DailyLimit: KC(30_000),
    tier2DailyLimit: KC(500_000),
    travelRuleThreshold: KC(3_000),
  },
};

/** Every `*_ROLE()` constant a contract exposes, by name (DEFAULT_ADMIN_ROLE included). */
async function roleConstants(contract: BaseContract): Promise<Map<string, string>> {
  const names: string[] = [];
  contract.interface.forEachFunction((fn) => {
    if (fn.name.endsWith("_ROLE") && fn.inputs.length === 0) names.push(fn.name);
  });
  const roles = new Map<string, string>();
  for (const name of names.sort()) roles.set(name, (await contract.getFunction(name).staticCall()) as string);
  return roles;
}

/** The holders of each role of `contract` after replaying its RoleGranted and RoleRevoked logs in `logs`. */
function replayRoles(contract: BaseContract, address: string, logs: readonly Log[]): Map<string, Set<string>> {
  const holders = new Map<string, Set<string>>();
  for (const log of logs) {
    if (log.address !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name !== "RoleGranted" && parsed?.name !== "RoleRevoked") continue;
    const [role, account] = parsed.args as unknown as [string, string];
    const set = holders.get(role) ?? new Set<string>();
    if (parsed.name === "RoleGranted") set.add(account);
    else set.delete(account);
    holders.set(role, set);
  }
  for (const [role, set] of holders) if (set.size === 0) holders.delete(role);
  return holders;
}

/** Launches RIVERSIDE through the factory whose admin and launcher are held apart. */
async function launchRiversideFixture() {
  const f = await deployFactoryRolesApartFixture();
  const launchConfig: CommunityConfig = { ...f.config(RIVERSIDE.id), ...RIVERSIDE };
  const predicted = await f.factory.predictAddresses(RIVERSIDE.id);
  const tx = await f.factory.connect(f.launcher).launch(launchConfig);
  const receipt = (await tx.wait())!;
  const contracts = await communityContracts(f.communityRegistry, RIVERSIDE.id);
  const addresses = {
    token: await contracts.token.getAddress(),
    registry: await contracts.registry.getAddress(),
    governor: await contracts.governor.getAddress(),
    timelock: await contracts.timelock.getAddress(),
  };
  return { ...f, ...contracts, launchConfig, predicted, tx, receipt, addresses };
}

/** An account that sends as the factory contract, for "holds no role" checks that go beyond hasRole. */
async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await impersonateAccount(address);
  await setBalance(address, ethers.parseEther("10"));
  return ethers.getSigner(address);
}

describe("CommunityFactory", () => {
  describe("constructor", () => {
    async function constructorArgs() {
      const f = await loadFixture(deployFactoryFixture);
      const implementations = {
        token: f.implementations.token,
        compliance: f.implementations.registry,
        governor: f.implementations.governor,
        timelock: f.implementations.timelock,
      };
      const Factory = await ethers.getContractFactory("CommunityFactory");
      return {
        ...f,
        Factory,
        implementations,
        registryAddress: await f.communityRegistry.getAddress(),
        oracle: await f.sanctions.getAddress(),
      };
    }

    describe("when the arguments are valid", () => {
      it("keeps the implementations, the registry and the oracle, and makes `admin` its only admin", async () => {
        const { Factory, implementations, registryAddress, oracle, stranger, admin } = await constructorArgs();
        const factory = await Factory.deploy(stranger.address, implementations, registryAddress, oracle);
        expect(await factory.tokenImplementation()).to.equal(implementations.token);
        expect(await factory.complianceImplementation()).to.equal(implementations.compliance);
        expect(await factory.governorImplementation()).to.equal(implementations.governor);
        expect(await factory.timelockImplementation()).to.equal(implementations.timelock);
        expect(await factory.communityRegistry()).to.equal(registryAddress);
        expect(await factory.defaultSanctionsOracle()).to.equal(oracle);
        expect(await factory.hasRole(DEFAULT_ADMIN_ROLE, stranger.address)).to.equal(true);
        expect(await factory.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(false);
        expect(await factory.hasRole(LAUNCHER_ROLE, stranger.address)).to.equal(false);
      });

      it("emits DefaultSanctionsOracleChanged from zero", async () => {
        const { Factory, implementations, registryAddress, oracle, admin } = await constructorArgs();
        const factory = await Factory.deploy(admin.address, implementations, registryAddress, oracle);
        await expect(factory.deploymentTransaction())
          .to.emit(factory, "DefaultSanctionsOracleChanged")
          .withArgs(ethers.ZeroAddress, oracle);
      });
    });

    describe("when an address is zero", () => {
      it('reverts with CommunityFactoryZeroAddress("admin") for a zero admin', async () => {
        const { Factory, implementations, registryAddress, oracle } = await constructorArgs();
        await expect(Factory.deploy(ethers.ZeroAddress, implementations, registryAddress, oracle))
          .to.be.revertedWithCustomError(Factory, "CommunityFactoryZeroAddress")
          .withArgs("admin");
      });

      it('reverts with CommunityFactoryZeroAddress("registry") for a zero registry', async () => {
        const { Factory, implementations, oracle, admin } = await constructorArgs();
        await expect(Factory.deploy(admin.address, implementations, ethers.ZeroAddress, oracle))
          .to.be.revertedWithCustomError(Factory, "CommunityFactoryZeroAddress")
          .withArgs("registry");
      });

      for (const field of ["token", "compliance", "governor", "timelock"] as const) {
        it(`reverts with CommunityFactoryZeroAddress("implementation") for a zero ${field} implementation`, async () => {
          const { Factory, implementations, registryAddress, oracle, admin } = await constructorArgs();
          const broken = { ...implementations, [field]: ethers.ZeroAddress };
          await expect(Factory.deploy(admin.address, broken, registryAddress, oracle))
            .to.be.revertedWithCustomError(Factory, "CommunityFactoryZeroAddress")
            .withArgs("implementation");
        });
      }
    });
  });

  describe("launch", () => {
    describe("when the caller lacks LAUNCHER_ROLE", () => {
      for (const who of ["stranger", "admin", "minter"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployFactoryRolesApartFixture);
          await expect(f.factory.connect(f[who]).launch(f.config("riverside")))
            .to.be.revertedWithCustomError(f.factory, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, LAUNCHER_ROLE);
        });
      }
    });

    describe("when the config is valid", () => {
      describe("contracts", () => {
        it("creates the four clones in one transaction, at the predicted addresses", async () => {
          const { predicted, addresses, receipt, communityRegistry } = await loadFixture(launchRiversideFixture);
          expect([...predicted]).to.deep.equal([
            addresses.token,
            addresses.registry,
            addresses.governor,
            addresses.timelock,
          ]);
          const c = await communityRegistry.community(RIVERSIDE.id);
          expect(c.launchBlock).to.equal(receipt.blockNumber);
          expect(c.launchedAt).to.equal((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
        });

        it("gives each clone the ERC-1167 proxy code of its implementation", async () => {
          const { addresses, implementations } = await loadFixture(launchRiversideFixture);
          const pairs: [clone: string, implementation: string][] = [
            [addresses.token, implementations.token],
            [addresses.registry, implementations.registry],
            [addresses.governor, implementations.governor],
            [addresses.timelock, implementations.timelock],
          ];
          for (const [clone, implementation] of pairs) {
            expect(await ethers.provider.getCode(clone)).to.equal(cloneCode(implementation));
          }
        });

        it("predicts addresses that depend on the id only", async () => {
          const { factory, predicted } = await loadFixture(launchRiversideFixture);
          expect([...(await factory.predictAddresses(RIVERSIDE.id))]).to.deep.equal([...predicted]);
          const other = await factory.predictAddresses("riverside-2");
          for (let i = 0; i < 4; i++) expect(other[i]).to.not.equal(predicted[i]);
        });

        it("leaves no clone open to a second initialize", async () => {
          const { token, registry, governor, timelock, stranger, addresses } =
            await loadFixture(launchRiversideFixture);
          const s = stranger.address;
          await expect(token.connect(stranger).initialize("X", "X", "USD", s, addresses.registry))
            .to.be.revertedWithCustomError(token, "InvalidInitialization")
            .withArgs();
          await expect(registry.connect(stranger).initialize(s, addresses.token, ethers.ZeroAddress))
            .to.be.revertedWithCustomError(registry, "InvalidInitialization")
            .withArgs();
          await expect(
            governor.connect(stranger).initialize("X", addresses.token, addresses.timelock, {
              votingDelay: 1,
              votingPeriod: HOUR,
              proposalThreshold: 0,
              quorumPercent: 1,
              voteExtension: 0,
            }),
          )
            .to.be.revertedWithCustomError(governor, "InvalidInitialization")
            .withArgs();
          await expect(timelock.connect(stranger).initialize(HOUR, [s], [s], s))
            .to.be.revertedWithCustomError(timelock, "InvalidInitialization")
            .withArgs();
        });
      });

      describe("initialisation from the config", () => {
        it("sets up the token: name, symbol, currency, registry", async () => {
          const { token, addresses } = await loadFixture(launchRiversideFixture);
          expect(await token.name()).to.equal(RIVERSIDE.tokenName);
          expect(await token.symbol()).to.equal(RIVERSIDE.tokenSymbol);
          expect(await token.currency()).to.equal(RIVERSIDE.currency);
          expect(await token.decimals()).to.equal(18);
          expect(await token.totalSupply()).to.equal(0);
          expect(await token.complianceRegistry()).to.equal(addresses.registry);
          expect(await token.paused()).to.equal(false);
        });

        it("sets up the compliance registry: limits per tier, travel-rule threshold, bound token", async () => {
          const { registry, addresses } = await loadFixture(launchRiversideFixture);
          expect(await registry.dailyLimit(0)).to.equal(RIVERSIDE.compliance.tier0DailyLimit);
          expect(await registry.dailyLimit(1)).to.equal(RIVERSIDE.compliance.tier1DailyLimit);
          expect(await registry.dailyLimit(2)).to.equal(RIVERSIDE.compliance.tier2DailyLimit);
          expect(await registry.travelRuleThreshold()).to.equal(RIVERSIDE.compliance.travelRuleThreshold);
          expect(await registry.token()).to.equal(addresses.token);
        });

        it("gives the compliance registry the factory's default sanctions oracle", async () => {
          const { registry, sanctions, factory } = await loadFixture(launchRiversideFixture);
          expect(await factory.defaultSanctionsOracle()).to.equal(await sanctions.getAddress());
          expect(await registry.sanctionsOracle()).to.equal(await sanctions.getAddress());
        });

        it('sets up the governor: "<name> Governor", token, timelock and every governance setting', async () => {
          const { governor, addresses } = await loadFixture(launchRiversideFixture);
          const g = RIVERSIDE.governance;
          expect(await governor.name()).to.equal("Riverside Governor");
          expect(await governor.token()).to.equal(addresses.token);
          expect(await governor.timelock()).to.equal(addresses.timelock);
          expect(await governor.votingDelay()).to.equal(g.votingDelay);
          expect(await governor.votingPeriod()).to.equal(g.votingPeriod);
          expect(await governor.proposalThreshold()).to.equal(g.proposalThreshold);
          expect(await governor["quorumNumerator()"]()).to.equal(g.quorumPercent);
          expect(await governor.quorumDenominator()).to.equal(100);
          expect(await governor.lateQuorumVoteExtension()).to.equal(g.voteExtension);
        });

        it("sets up the timelock with the configured minimum delay", async () => {
          const { timelock } = await loadFixture(launchRiversideFixture);
          expect(await timelock.getMinDelay()).to.equal(RIVERSIDE.governance.timelockDelay);
        });

        it("gives the governor the token's timestamp clock", async () => {
          const { governor, token } = await loadFixture(launchRiversideFixture);
          const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
          expect(await token.clock()).to.equal(latest);
          expect(await governor.clock()).to.equal(await token.clock());
          expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
          expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
        });
      });

      describe("roles", () => {
        /** Who should hold each role of each contract once the launch returns. */
        async function expectedHolders(f: Awaited<ReturnType<typeof launchRiversideFixture>>) {
          const { addresses: a, operators: o } = f;
          return {
            token: {
              DEFAULT_ADMIN_ROLE: [a.timelock],
              MINTER_ROLE: [o.minter],
              PAUSER_ROLE: [o.pauser, a.timelock],
            },
            registry: {
              COMPLIANCE_ROLE: [o.complianceOfficer],
              DEFAULT_ADMIN_ROLE: [a.timelock],
              VERIFIER_ROLE: [o.verifier],
            },
            timelock: {
              CANCELLER_ROLE: [a.governor],
              DEFAULT_ADMIN_ROLE: [a.timelock],
              EXECUTOR_ROLE: [ethers.ZeroAddress],
              PROPOSER_ROLE: [a.governor],
            },
          } as Record<"token" | "registry" | "timelock", Record<string, string[]>>;
        }
        const CONTRACTS = ["token", "registry", "timelock"] as const;

        it("lists every role constant of token, registry and timelock in the expectations", async () => {
          const f = await loadFixture(launchRiversideFixture);
          const expected = await expectedHolders(f);
          for (const name of CONTRACTS) {
            const roles = await roleConstants(f[name]);
            expect([...roles.keys()], name).to.deep.equal(Object.keys(expected[name]).sort());
          }
        });

        for (const name of CONTRACTS) {
          it(`leaves exactly the expected holders of every ${name} role (replaying the launch's role events)`, async () => {
            const f = await loadFixture(launchRiversideFixture);
            const roles = await roleConstants(f[name]);
            const holders = replayRoles(f[name], f.addresses[name], f.receipt.logs);
            const expected = (await expectedHolders(f))[name];
            const actual: Record<string, string[]> = {};
            for (const [roleName, role] of roles) {
              const set = holders.get(role);
              if (set) actual[roleName] = [...set].sort();
              holders.delete(role);
            }
            expect(holders.size, "grants of roles that have no constant").to.equal(0);
            const sorted = Object.fromEntries(Object.entries(expected).map(([r, list]) => [r, [...list].sort()]));
            expect(actual).to.deep.equal(sorted);
          });
        }

        it("gives the timelock DEFAULT_ADMIN_ROLE of token, registry and itself, and PAUSER_ROLE of the token", async () => {
          const { token, registry, timelock, addresses } = await loadFixture(launchRiversideFixture);
          expect(await token.hasRole(DEFAULT_ADMIN_ROLE, addresses.timelock)).to.equal(true);
          expect(await token.hasRole(await token.PAUSER_ROLE(), addresses.timelock)).to.equal(true);
          expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, addresses.timelock)).to.equal(true);
          expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, addresses.timelock)).to.equal(true);
        });

        it("makes the governor the timelock's proposer and canceller, and leaves execution open", async () => {
          const { timelock, addresses } = await loadFixture(launchRiversideFixture);
          expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), addresses.governor)).to.equal(true);
          expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), addresses.governor)).to.equal(true);
          expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ethers.ZeroAddress)).to.equal(true);
        });

        const OPERATORS = [
          ["minter", "token", "MINTER_ROLE"],
          ["pauser", "token", "PAUSER_ROLE"],
          ["verifier", "registry", "VERIFIER_ROLE"],
          ["officer", "registry", "COMPLIANCE_ROLE"],
        ] as const;
        for (const [who, contractName, roleName] of OPERATORS) {
          it(`gives the ${who} ${roleName} of the ${contractName} and no other role`, async () => {
            const f = await loadFixture(launchRiversideFixture);
            for (const name of CONTRACTS) {
              for (const [role, hash] of await roleConstants(f[name])) {
                const expected = name === contractName && role === roleName;
                expect(await f[name].hasRole(hash, f[who].address), `${name}.${role}`).to.equal(expected);
              }
            }
          });
        }

        for (const who of ["factory", "launcher", "admin"] as const) {
          for (const name of CONTRACTS) {
            it(`leaves the ${who} with no role on the ${name}`, async () => {
              const f = await loadFixture(launchRiversideFixture);
              const account = who === "factory" ? await f.factory.getAddress() : f[who].address;
              const roles = await roleConstants(f[name]);
              expect(roles.size).to.be.greaterThan(0);
              for (const [role, hash] of roles) {
                expect(await f[name].hasRole(hash, account), `${name}.${role}`).to.equal(false);
              }
            });
          }
        }

        it("leaves the factory unable to act as admin of the new contracts", async () => {
          const f = await loadFixture(launchRiversideFixture);
          const asFactory = await impersonate(await f.factory.getAddress());
          await expect(f.registry.connect(asFactory).setDailyLimit(0, 1))
            .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
            .withArgs(asFactory.address, DEFAULT_ADMIN_ROLE);
          await expect(f.token.connect(asFactory).grantRole(await f.token.MINTER_ROLE(), asFactory.address))
            .to.be.revertedWithCustomError(f.token, "AccessControlUnauthorizedAccount")
            .withArgs(asFactory.address, DEFAULT_ADMIN_ROLE);
          await expect(f.timelock.connect(asFactory).grantRole(DEFAULT_ADMIN_ROLE, asFactory.address))
            .to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount")
            .withArgs(asFactory.address, DEFAULT_ADMIN_ROLE);
        });
      });

      describe("events", () => {
        it("emits CommunityLaunched(key, id, launcher)", async () => {
          const { tx, factory, launcher } = await loadFixture(launchRiversideFixture);
          await expect(tx)
            .to.emit(factory, "CommunityLaunched")
            .withArgs(ethers.id(RIVERSIDE.id), RIVERSIDE.id, launcher.address);
        });

        it("emits CommunityRegistered with the identity and every contract", async () => {
          const { tx, communityRegistry, addresses } = await loadFixture(launchRiversideFixture);
          await expect(tx)
            .to.emit(communityRegistry, "CommunityRegistered")
            .withArgs(
              ethers.id(RIVERSIDE.id),
              RIVERSIDE.id,
              addresses.token,
              addresses.governor,
              addresses.registry,
              addresses.timelock,
              RIVERSIDE.name,
              RIVERSIDE.country,
              RIVERSIDE.currency,
              RIVERSIDE.locale,
            );
        });

        it("emits CommunityRegistered before any event of the new contracts", async () => {
          const { receipt, communityRegistry, addresses } = await loadFixture(launchRiversideFixture);
          const registryAddress = await communityRegistry.getAddress();
          const registered = receipt.logs.filter(
            (log) =>
              log.address === registryAddress &&
              communityRegistry.interface.parseLog(log)?.name === "CommunityRegistered",
          );
          expect(registered).to.have.length(1);
          const clones = new Set(Object.values(addresses));
          const cloneLogs = receipt.logs.filter((log) => clones.has(log.address));
          expect(cloneLogs.length).to.be.greaterThan(0);
          expect(new Set(cloneLogs.map((log) => log.address)).size).to.equal(4);
          for (const log of cloneLogs) expect(log.index).to.be.greaterThan(registered[0]!.index);
        });
      });

      describe("the launched community", () => {
        it("mints through its minter and lets transfers pass compliance up to the configured limit", async () => {
          const { token, registry, minter, alice, bob } = await loadFixture(launchRiversideFixture);
          await expect(token.connect(minter).mint(alice.address, KC(5_000), ref("riverside-deposit")))
            .to.emit(token, "Minted")
            .withArgs(alice.address, KC(5_000), ref("riverside-deposit"), minter.address);
          // 2,000 is above the registry's built-in tier-0 default (1,000): only the configured limit lets it pass.
          await expect(token.connect(alice).transfer(bob.address, KC(2_000))).to.changeTokenBalances(
            token,
            [alice, bob],
            [-KC(2_000), KC(2_000)],
          );
          await expect(token.connect(alice).transfer(bob.address, KC(1)))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(alice.address, 0, KC(2_000), KC(2_000), KC(1));
        });

        it("lets its verifier raise a holder to tier 1 with the configured tier-1 limit", async () => {
          const { token, registry, minter, verifier, alice, bob } = await loadFixture(launchRiversideFixture);
          await token.connect(minter).mint(alice.address, KC(40_000), ref("riverside-deposit"));
          await registry.connect(verifier).setTier(alice.address, 1);
          await token.connect(alice).transfer(bob.address, KC(30_000));
          await expect(token.connect(alice).transfer(bob.address, KC(1)))
            .to.be.revertedWithCustomError(registry, "ComplianceDailyLimitExceeded")
            .withArgs(alice.address, 1, KC(30_000), KC(30_000), KC(1));
        });

        it("lets its officer freeze and its pauser pause", async () => {
          const { token, registry, minter, officer, pauser, alice, bob } = await loadFixture(launchRiversideFixture);
          await token.connect(minter).mint(alice.address, KC(100), ref("riverside-deposit"));
          await registry.connect(officer).freeze(bob.address, ethers.encodeBytes32String("AML-REVIEW"));
          await expect(token.connect(alice).transfer(bob.address, KC(1)))
            .to.be.revertedWithCustomError(registry, "ComplianceRecipientFrozen")
            .withArgs(bob.address);
          await token.connect(pauser).pause();
          await expect(token.connect(minter).mint(alice.address, KC(1), ref("riverside-deposit-2")))
            .to.be.revertedWithCustomError(token, "EnforcedPause")
            .withArgs();
        });
      });

      describe("when the locale has a script or a numeric region", () => {
        for (const locale of ["en", "en-US", "es-419", "zh-Hant-TW"]) {
          it(`launches with locale ${JSON.stringify(locale)}`, async () => {
            const { factory, communityRegistry, launcher, config } = await loadFixture(deployFactoryFixture);
            await expect(factory.connect(launcher).launch({ ...config("town"), locale })).to.emit(
              factory,
              "CommunityLaunched",
            );
            expect((await communityRegistry.community("town")).locale).to.equal(locale);
          });
        }
      });

      describe("when every governance setting is at a bound", () => {
        const bounds = {
          minimums: {
            votingDelay: 1,
            votingPeriod: HOUR,
            quorumPercent: 1,
            voteExtension: 0,
            timelockDelay: HOUR,
          },
          maximums: {
            votingDelay: 30 * DAY,
            votingPeriod: 90 * DAY,
            quorumPercent: 100,
            voteExtension: 14 * DAY,
            timelockDelay: 30 * DAY,
          },
        };
        for (const [label, settings] of Object.entries(bounds)) {
          it(`launches with the ${label}`, async () => {
            const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
            const base = config("town");
            await factory
              .connect(launcher)
              .launch({ ...base, governance: { ...base.governance, ...settings, proposalThreshold: 0 } });
            const { governor, timelock } = await communityContracts(
              await ethers.getContractAt("CommunityRegistry", await factory.communityRegistry()),
              "town",
            );
            expect(await governor.votingDelay()).to.equal(settings.votingDelay);
            expect(await governor.votingPeriod()).to.equal(settings.votingPeriod);
            expect(await governor["quorumNumerator()"]()).to.equal(settings.quorumPercent);
            expect(await governor.lateQuorumVoteExtension()).to.equal(settings.voteExtension);
            expect(await timelock.getMinDelay()).to.equal(settings.timelockDelay);
          });
        }
      });

      describe("when the names are at the 64-byte limit", () => {
        it("launches", async () => {
          const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
          const name = "n".repeat(64);
          await expect(factory.connect(launcher).launch({ ...config("town"), name, tokenName: name })).to.emit(
            factory,
            "CommunityLaunched",
          );
        });
      });
    });

    describe("when the id is not a slug", () => {
      for (const id of ["", "Katy", "-katy", "katy-", "k".repeat(33), "katy_1", "katy tx"]) {
        it(`reverts with CommunityFactoryInvalidId(${JSON.stringify(id)})`, async () => {
          const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
          await expect(factory.connect(launcher).launch(config(id)))
            .to.be.revertedWithCustomError(factory, "CommunityFactoryInvalidId")
            .withArgs(id);
        });
      }

      it("accepts a 32-character slug", async () => {
        const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
        const id = "k".repeat(32);
        await expect(factory.connect(launcher).launch(config(id)))
          .to.emit(factory, "CommunityLaunched")
          .withArgs(ethers.id(id), id, launcher.address);
      });
    });

    describe("when the id is taken", () => {
      it("reverts with CommunityFactoryDuplicateId", async () => {
        const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
        await factory.connect(launcher).launch(config("town"));
        await expect(factory.connect(launcher).launch({ ...config("town"), name: "Another Town" }))
          .to.be.revertedWithCustomError(factory, "CommunityFactoryDuplicateId")
          .withArgs("town");
      });
    });

    describe("when the country is not ISO 3166-1 alpha-2", () => {
      for (const country of ["usa", "U", "us", "", "USA"]) {
        it(`reverts with CommunityFactoryInvalidCountry(${JSON.stringify(country)})`, async () => {
          const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
          await expect(factory.connect(launcher).launch({ ...config("town"), country }))
            .to.be.revertedWithCustomError(factory, "CommunityFactoryInvalidCountry")
            .withArgs(country);
        });
      }
    });

    describe("when the currency is not ISO 4217", () => {
      for (const currency of ["usd", "US", "USDT", "", "U5D"]) {
        it(`reverts with CommunityFactoryInvalidCurrency(${JSON.stringify(currency)})`, async () => {
          const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
          await expect(factory.connect(launcher).launch({ ...config("town"), currency }))
            .to.be.revertedWithCustomError(factory, "CommunityFactoryInvalidCurrency")
            .withArgs(currency);
        });
      }
    });

    describe("when the locale is not language[-Script][-REGION]", () => {
      for (const locale of ["EN-us", "en_US", "english", "en-", "e", "", "en-us", "zh-hant-TW"]) {
        it(`reverts with CommunityFactoryInvalidLocale(${JSON.stringify(locale)})`, async () => {
          const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
          await expect(factory.connect(launcher).launch({ ...config("town"), locale }))
            .to.be.revertedWithCustomError(factory, "CommunityFactoryInvalidLocale")
            .withArgs(locale);
        });
      }
    });

    describe("when a name is empty or longer than 64 bytes", () => {
      const bad = ["", "n".repeat(65), "\u00e9".repeat(33)]; // the last: 33 characters, 66 bytes
      for (const field of ["name", "tokenName"] as const) {
        for (const value of bad) {
          it(`reverts with CommunityFactoryInvalidName for a ${field} of ${ethers.toUtf8Bytes(value).length} bytes`, async () => {
            const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
            await expect(factory.connect(launcher).launch({ ...config("town"), [field]: value }))
              .to.be.revertedWithCustomError(factory, "CommunityFactoryInvalidName")
              .withArgs(value);
          });
        }
      }
    });

    describe("when the token symbol is not 1-11 of A-Z and 0-9 starting with a letter", () => {
      for (const tokenSymbol of ["", "katy", "1KATY", "KA-TY", "ABCDEFGHIJKL"]) {
        it(`reverts with CommunityFactoryInvalidSymbol(${JSON.stringify(tokenSymbol)})`, async () => {
          const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
          await expect(factory.connect(launcher).launch({ ...config("town"), tokenSymbol }))
            .to.be.revertedWithCustomError(factory, "CommunityFactoryInvalidSymbol")
            .withArgs(tokenSymbol);
        });
      }
    });

    describe("when an operator is the zero address", () => {
      for (const field of ["minter", "pauser", "verifier", "complianceOfficer"] as const) {
        it(`reverts with CommunityFactoryZeroAddress("${field}")`, async () => {
          const { factory, launcher, config, operators } = await loadFixture(deployFactoryFixture);
          const operatorsWithZero = { ...operators, [field]: ethers.ZeroAddress };
          await expect(factory.connect(launcher).launch({ ...config("town"), operators: operatorsWithZero }))
            .to.be.revertedWithCustomError(factory, "CommunityFactoryZeroAddress")
            .withArgs(field);
        });
      }
    });

    describe("when a governance setting is out of bounds", () => {
      /** [setting, value, min, max, other settings the case needs] */
      const cases: [string, number, number, number, Record<string, number>][] = [
        ["votingDelay", 0, 1, 30 * DAY, {}],
        ["votingDelay", 30 * DAY + 1, 1, 30 * DAY, {}],
        ["votingPeriod", HOUR - 1, HOUR, 90 * DAY, {}],
        ["votingPeriod", 90 * DAY + 1, HOUR, 90 * DAY, {}],
        ["quorumPercent", 0, 1, 100, {}],
        ["quorumPercent", 101, 1, 100, {}],
        // above the voting period (which is below the 14-day cap): the period is the bound
        ["voteExtension", HOUR + 1, 0, HOUR, { votingPeriod: HOUR }],
        // above the 14-day cap (which is below the voting period): the cap is the bound
        ["voteExtension", 14 * DAY + 1, 0, 14 * DAY, { votingPeriod: 30 * DAY }],
        ["timelockDelay", HOUR - 1, HOUR, 30 * DAY, {}],
        ["timelockDelay", 30 * DAY + 1, HOUR, 30 * DAY, {}],
      ];
      for (const [setting, value, min, max, others] of cases) {
        const side = value < min ? "below" : "above";
        it(`reverts with CommunityFactorySettingOutOfBounds for ${setting} ${side} [${min}, ${max}] (${value})`, async () => {
          const { factory, launcher, config } = await loadFixture(deployFactoryFixture);
          const base = config("town");
          const governance = { ...base.governance, ...others, [setting]: value };
          await expect(factory.connect(launcher).launch({ ...base, governance }))
            .to.be.revertedWithCustomError(factory, "CommunityFactorySettingOutOfBounds")
            .withArgs(setting, value, min, max);
        });
      }
    });
  });

  describe("setDefaultSanctionsOracle", () => {
    describe("when the caller lacks DEFAULT_ADMIN_ROLE", () => {
      for (const who of ["launcher", "stranger", "officer"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployFactoryRolesApartFixture);
          await expect(f.factory.connect(f[who]).setDefaultSanctionsOracle(ethers.ZeroAddress))
            .to.be.revertedWithCustomError(f.factory, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, DEFAULT_ADMIN_ROLE);
        });
      }
    });

    describe("when the caller is the admin", () => {
      async function newOracleFixture() {
        const f = await deployFactoryRolesApartFixture();
        await f.factory.connect(f.launcher).launch(f.config("before"));
        const oracle = await ethers.deployContract("SanctionsList", [f.admin.address]);
        return { ...f, newOracle: await oracle.getAddress() };
      }

      it("replaces the default and emits DefaultSanctionsOracleChanged", async () => {
        const { factory, admin, sanctions, newOracle } = await loadFixture(newOracleFixture);
        await expect(factory.connect(admin).setDefaultSanctionsOracle(newOracle))
          .to.emit(factory, "DefaultSanctionsOracleChanged")
          .withArgs(await sanctions.getAddress(), newOracle);
        expect(await factory.defaultSanctionsOracle()).to.equal(newOracle);
      });

      it("gives later launches the new oracle and leaves earlier communities with theirs", async () => {
        const { factory, communityRegistry, admin, launcher, config, sanctions, newOracle } =
          await loadFixture(newOracleFixture);
        await factory.connect(admin).setDefaultSanctionsOracle(newOracle);
        await factory.connect(launcher).launch(config("after"));
        const before = await communityContracts(communityRegistry, "before");
        const after = await communityContracts(communityRegistry, "after");
        expect(await before.registry.sanctionsOracle()).to.equal(await sanctions.getAddress());
        expect(await after.registry.sanctionsOracle()).to.equal(newOracle);
      });

      it("launches with screening off once the default is zero", async () => {
        const { factory, communityRegistry, admin, launcher, config, sanctions } = await loadFixture(newOracleFixture);
        await expect(factory.connect(admin).setDefaultSanctionsOracle(ethers.ZeroAddress))
          .to.emit(factory, "DefaultSanctionsOracleChanged")
          .withArgs(await sanctions.getAddress(), ethers.ZeroAddress);
        await factory.connect(launcher).launch(config("after"));
        const { registry } = await communityContracts(communityRegistry, "after");
        expect(await registry.sanctionsOracle()).to.equal(ethers.ZeroAddress);
      });
    });
  });

  describe("constants", () => {
    it("has the role hashes", async () => {
      const { factory } = await loadFixture(deployFactoryFixture);
      expect(await factory.LAUNCHER_ROLE()).to.equal(LAUNCHER_ROLE);
      expect(await factory.DEFAULT_ADMIN_ROLE()).to.equal(DEFAULT_ADMIN_ROLE);
    });
  });
});

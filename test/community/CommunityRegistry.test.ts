import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { CommunityRegistry, ICommunityRegistry } from "../../typechain-types";
import { communityContracts, deployFactoryRolesApartFixture, KC, ref } from "../shared/fixtures";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const REGISTRAR_ROLE = ethers.id("REGISTRAR_ROLE");

type Community = ICommunityRegistry.CommunityStruct;

/** A community record with made-up contract addresses, as a registrar would pass it. */
function record(id: string, overrides: Partial<Community> = {}): Community {
  const address = (kind: string) => ethers.getAddress(ethers.dataSlice(ethers.id(`${id}/${kind}`), 12));
  return {
    id,
    name: `Town ${id}`,
    country: "US",
    currency: "USD",
    locale: "en-US",
    token: address("token"),
    complianceRegistry: address("compliance"),
    governor: address("governor"),
    timelock: address("timelock"),
    launchedAt: 1_700_000_000,
    launchBlock: 42,
    ...overrides,
  };
}

/** The struct as the registry returns it, for deep comparison. */
const asTuple = (c: Community) => [
  c.id,
  c.name,
  c.country,
  c.currency,
  c.locale,
  c.token,
  c.complianceRegistry,
  c.governor,
  c.timelock,
  BigInt(c.launchedAt),
  BigInt(c.launchBlock),
];

/** A CommunityRegistry on its own: `admin` holds DEFAULT_ADMIN_ROLE, `registrar` (an account) REGISTRAR_ROLE. */
async function deployStandaloneRegistryFixture() {
  const [admin, registrar, stranger] = await ethers.getSigners();
  const registry = (await ethers.deployContract("CommunityRegistry", [admin!.address])) as unknown as CommunityRegistry;
  await registry.connect(admin!).grantRole(REGISTRAR_ROLE, registrar!.address);
  return { registry, admin: admin!, registrar: registrar!, stranger: stranger! };
}

/** The standalone registry with "katy", "houston" and "monterrey" registered, in that order. */
async function deployPopulatedRegistryFixture() {
  const f = await deployStandaloneRegistryFixture();
  const communities = [
    record("katy"),
    record("houston"),
    record("monterrey", { country: "MX", currency: "MXN", locale: "es-MX" }),
  ];
  for (const c of communities) await f.registry.connect(f.registrar).register(c);
  return { ...f, communities };
}

/** Ten countries, each with its currency and a locale; city-i is in COUNTRIES[i % 10]. */
const COUNTRIES: [country: string, currency: string, locale: string][] = [
  ["US", "USD", "en-US"],
  ["MX", "MXN", "es-MX"],
  ["CA", "CAD", "fr-CA"],
  ["BR", "BRL", "pt-BR"],
  ["DE", "EUR", "de-DE"],
  ["JP", "JPY", "ja-JP"],
  ["GB", "GBP", "en-GB"],
  ["IN", "INR", "hi-IN"],
  ["TW", "TWD", "zh-Hant-TW"],
  ["AR", "ARS", "es-419"],
];
const CITIES = 50;

/** 50 communities launched through the factory: city-0 .. city-49, in the ten countries above. */
async function deployFiftyCommunitiesFixture() {
  const f = await deployFactoryRolesApartFixture();
  const configs = Array.from({ length: CITIES }, (_, i) => {
    const [country, currency, locale] = COUNTRIES[i % COUNTRIES.length]!;
    return {
      ...f.config(`city-${i}`),
      name: `City ${i}`,
      country,
      currency,
      locale,
      tokenName: `City ${i} ${currency}`,
      tokenSymbol: `CITY${i}`,
    };
  });
  for (const config of configs) await f.factory.connect(f.launcher).launch(config);
  return { ...f, configs };
}

describe("CommunityRegistry", () => {
  describe("constructor", () => {
    it("gives DEFAULT_ADMIN_ROLE to the admin and REGISTRAR_ROLE to nobody", async () => {
      const { registry, admin, stranger } = await loadFixture(deployStandaloneRegistryFixture);
      const fresh = await ethers.deployContract("CommunityRegistry", [stranger.address]);
      expect(await fresh.hasRole(DEFAULT_ADMIN_ROLE, stranger.address)).to.equal(true);
      expect(await fresh.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(false);
      expect(await fresh.hasRole(REGISTRAR_ROLE, stranger.address)).to.equal(false);
      expect(await fresh.communityCount()).to.equal(0);
      expect(await registry.REGISTRAR_ROLE()).to.equal(REGISTRAR_ROLE);
    });
  });

  describe("register", () => {
    describe("when the caller lacks REGISTRAR_ROLE", () => {
      for (const who of ["stranger", "admin"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the ${who}`, async () => {
          const f = await loadFixture(deployStandaloneRegistryFixture);
          await expect(f.registry.connect(f[who]).register(record("katy")))
            .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, REGISTRAR_ROLE);
        });
      }

      for (const who of ["launcher", "admin"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for the factory's ${who}`, async () => {
          const f = await loadFixture(deployFactoryRolesApartFixture);
          await expect(f.communityRegistry.connect(f[who]).register(record("katy")))
            .to.be.revertedWithCustomError(f.communityRegistry, "AccessControlUnauthorizedAccount")
            .withArgs(f[who].address, REGISTRAR_ROLE);
        });
      }

      it("gives the factory REGISTRAR_ROLE in the federation's set-up", async () => {
        const { communityRegistry, factory } = await loadFixture(deployFactoryRolesApartFixture);
        expect(await communityRegistry.hasRole(REGISTRAR_ROLE, await factory.getAddress())).to.equal(true);
      });
    });

    describe("when the record is incomplete", () => {
      const cases: [string, Record<string, string>][] = [
        ["an empty id", { id: "" }],
        ["a zero token", { token: ethers.ZeroAddress }],
        ["a zero compliance registry", { complianceRegistry: ethers.ZeroAddress }],
        ["a zero governor", { governor: ethers.ZeroAddress }],
        ["a zero timelock", { timelock: ethers.ZeroAddress }],
      ];
      for (const [what, override] of cases) {
        it(`reverts with CommunityRegistryIncompleteRecord for ${what}`, async () => {
          const { registry, registrar } = await loadFixture(deployStandaloneRegistryFixture);
          const c = { ...record("katy"), ...override };
          await expect(registry.connect(registrar).register(c))
            .to.be.revertedWithCustomError(registry, "CommunityRegistryIncompleteRecord")
            .withArgs(c.id);
          expect(await registry.communityCount()).to.equal(0n);
        });
      }
    });

    describe("when the caller is a registrar", () => {
      it("stores the community and emits CommunityRegistered with every field", async () => {
        const { registry, registrar } = await loadFixture(deployStandaloneRegistryFixture);
        const c = record("monterrey", { country: "MX", currency: "MXN", locale: "es-MX" });
        await expect(registry.connect(registrar).register(c))
          .to.emit(registry, "CommunityRegistered")
          .withArgs(
            ethers.id("monterrey"),
            c.id,
            c.token,
            c.governor,
            c.complianceRegistry,
            c.timelock,
            c.name,
            c.country,
            c.currency,
            c.locale,
          );
        expect(await registry.community("monterrey")).to.deep.equal(asTuple(c));
        expect(await registry.isRegistered("monterrey")).to.equal(true);
        expect(await registry.communityCount()).to.equal(1);
      });
    });

    describe("when the id is registered already", () => {
      it("reverts with CommunityRegistryDuplicateId", async () => {
        const { registry, registrar } = await loadFixture(deployPopulatedRegistryFixture);
        const again = record("houston", { name: "Another Houston", token: record("elsewhere").token });
        await expect(registry.connect(registrar).register(again))
          .to.be.revertedWithCustomError(registry, "CommunityRegistryDuplicateId")
          .withArgs("houston");
        expect(await registry.communityCount()).to.equal(3);
        expect((await registry.community("houston")).name).to.equal("Town houston");
      });
    });
  });

  describe("communityCount and communityAt", () => {
    it("lists the communities in registration order", async () => {
      const { registry, communities } = await loadFixture(deployPopulatedRegistryFixture);
      expect(await registry.communityCount()).to.equal(communities.length);
      for (const [i, c] of communities.entries()) {
        expect(await registry.communityAt(i)).to.deep.equal(asTuple(c));
      }
    });

    describe("when the index is not below the count", () => {
      for (const index of [3n, 4n, 2n ** 256n - 1n]) {
        const shown = index === 2n ** 256n - 1n ? "2**256-1" : String(index);
        it(`reverts with CommunityRegistryIndexOutOfRange(${shown}, 3)`, async () => {
          const { registry } = await loadFixture(deployPopulatedRegistryFixture);
          await expect(registry.communityAt(index))
            .to.be.revertedWithCustomError(registry, "CommunityRegistryIndexOutOfRange")
            .withArgs(index, 3);
        });
      }

      it("reverts with CommunityRegistryIndexOutOfRange(0, 0) when the registry is empty", async () => {
        const { registry } = await loadFixture(deployStandaloneRegistryFixture);
        await expect(registry.communityAt(0))
          .to.be.revertedWithCustomError(registry, "CommunityRegistryIndexOutOfRange")
          .withArgs(0, 0);
      });
    });
  });

  describe("community and isRegistered", () => {
    it("finds each community by its id", async () => {
      const { registry, communities } = await loadFixture(deployPopulatedRegistryFixture);
      for (const c of communities) {
        expect(await registry.community(c.id)).to.deep.equal(asTuple(c));
        expect(await registry.isRegistered(c.id)).to.equal(true);
      }
    });

    describe("when no community has the id", () => {
      for (const id of ["dallas", "", "KATY", "katy "]) {
        it(`reverts with CommunityRegistryUnknownId(${JSON.stringify(id)}) and is not registered`, async () => {
          const { registry } = await loadFixture(deployPopulatedRegistryFixture);
          await expect(registry.community(id))
            .to.be.revertedWithCustomError(registry, "CommunityRegistryUnknownId")
            .withArgs(id);
          expect(await registry.isRegistered(id)).to.equal(false);
        });
      }
    });
  });

  describe("launches 50 communities", () => {
    it("lists all 50 in launch order with their identity", async () => {
      const { communityRegistry, configs } = await loadFixture(deployFiftyCommunitiesFixture);
      expect(await communityRegistry.communityCount()).to.equal(CITIES);
      for (const [i, config] of configs.entries()) {
        const c = await communityRegistry.communityAt(i);
        expect([c.id, c.name, c.country, c.currency, c.locale]).to.deep.equal([
          `city-${i}`,
          config.name,
          config.country,
          config.currency,
          config.locale,
        ]);
        expect(await communityRegistry.isRegistered(`city-${i}`)).to.equal(true);
        expect((await communityRegistry.community(`city-${i}`)).token).to.equal(c.token);
      }
      expect(new Set(configs.map((c) => c.country)).size).to.equal(10);
      expect(new Set(configs.map((c) => c.locale)).size).to.equal(10);
    });

    it("gives each community its own four contracts, at the factory's predicted addresses", async () => {
      const { communityRegistry, factory } = await loadFixture(deployFiftyCommunitiesFixture);
      const seen = new Set<string>();
      for (let i = 0; i < CITIES; i++) {
        const c = await communityRegistry.communityAt(i);
        const contracts = [c.token, c.complianceRegistry, c.governor, c.timelock];
        expect([...(await factory.predictAddresses(c.id))]).to.deep.equal(contracts);
        for (const address of contracts) {
          expect(await ethers.provider.getCode(address)).to.not.equal("0x");
          seen.add(address);
        }
      }
      expect(seen.size).to.equal(4 * CITIES);
    });

    it("gives each community a usable token bound to its own registry and timelock", async () => {
      const { communityRegistry, configs, minter, alice, bob } = await loadFixture(deployFiftyCommunitiesFixture);
      for (const [i, config] of configs.entries()) {
        const { token, registry, governor, timelock } = await communityContracts(communityRegistry, `city-${i}`);
        expect(await token.symbol()).to.equal(`CITY${i}`);
        expect(await token.currency()).to.equal(config.currency);
        expect(await token.complianceRegistry()).to.equal(await registry.getAddress());
        expect(await registry.token()).to.equal(await token.getAddress());
        expect(await governor.timelock()).to.equal(await timelock.getAddress());
        await token.connect(minter).mint(alice.address, KC(100 + i), ref(`city-${i}-deposit`));
        await expect(token.connect(alice).transfer(bob.address, KC(i + 1))).to.changeTokenBalances(
          token,
          [alice, bob],
          [-KC(i + 1), KC(i + 1)],
        );
        expect(await token.totalSupply()).to.equal(KC(100 + i));
      }
    });
  });
});

/**
 * CommunityCodes, through CommunityCodesHarness: a table of valid and invalid codes per check, with the boundaries
 * (lengths, the characters just outside each range: "@" "[" before/after A-Z, "`" "{" around a-z, "/" ":" around
 * 0-9), then fast-check comparing each check with a regular expression of the documented format.
 */
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import type { CommunityCodesHarness } from "../../typechain-types";

async function deployHarnessFixture() {
  const harness = (await ethers.deployContract("CommunityCodesHarness")) as unknown as CommunityCodesHarness;
  return { harness };
}

type Check = "isSlug" | "isCountry" | "isCurrency" | "isLocale" | "isSymbol";

/** The documented formats, as regular expressions (JavaScript's `$` without the m flag matches only the end). */
const FORMATS: Record<Check, RegExp> = {
  isSlug: /^(?=.{1,32}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
  isCountry: /^[A-Z]{2}$/,
  isCurrency: /^[A-Z]{3}$/,
  isLocale: /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$/,
  isSymbol: /^[A-Z][A-Z0-9]{0,10}$/,
};

const TABLE: Record<Check, { valid: string[]; invalid: string[] }> = {
  isSlug: {
    valid: ["katy", "a", "0", "san-antonio", "city-49", "a-b-c", "a--b", "9lives", "z".repeat(32)],
    invalid: [
      "",
      "-",
      "-katy",
      "katy-",
      "Katy",
      "KATY",
      "katy_1",
      "katy 1",
      "katy.tx",
      "k@ty",
      "k`ty",
      "k{ty",
      "k/ty",
      "k:ty",
      "z".repeat(33),
      "caf\u00e9",
    ],
  },
  isCountry: {
    valid: ["US", "MX", "AZ", "ZA"],
    invalid: ["", "U", "USA", "us", "Us", "uS", "U1", "@A", "A[", "A`", "A{"],
  },
  isCurrency: {
    valid: ["USD", "MXN", "AAA", "ZZZ"],
    invalid: ["", "US", "USDT", "usd", "Usd", "US1", "U-D", "@SD", "US[", "\u00c9UR"],
  },
  isLocale: {
    valid: [
      "en",
      "haw",
      "en-US",
      "es-MX",
      "es-419",
      "zh-Hant",
      "zh-Hant-TW",
      "sr-Latn-RS",
      "zh-Hans-419",
      "yue-Hant-419",
      "az-Zzzz-ZZ",
      "en-AZ",
      "en-000",
      "en-999",
    ],
    invalid: [
      "",
      "e",
      "en-",
      "EN-us",
      "en-us",
      "En",
      "en_US",
      "english",
      "engl",
      "en-U",
      "en-USA",
      "en-41",
      "en-4190",
      "en-41A",
      "en-HANT",
      "en-hant",
      "en-Han",
      "en-Hant-",
      "en-Hant-tw",
      "en-Hant-TWN",
      "en-Hant-Latn",
      "en-US-TX",
      "-en",
      "en--US",
      "en-@@",
      "en-[[",
      "en-/00",
      "en-:00",
      "yue-Hant-4190",
    ],
  },
  isSymbol: {
    valid: ["KATY", "K", "MTY2", "A0", "HOU", "A".repeat(11), "Z9999999999"],
    invalid: ["", "katy", "Katy", "1KATY", "0", "-A", "KA-TY", "KA TY", "@A", "A[", "A".repeat(12), "A/", "A:"],
  },
};

const bytes = (s: string) => ethers.toUtf8Bytes(s);

describe("CommunityCodes", () => {
  for (const [check, { valid, invalid }] of Object.entries(TABLE) as [Check, (typeof TABLE)[Check]][]) {
    describe(check, () => {
      describe("when the code has the format", () => {
        for (const code of valid) {
          it(`accepts ${JSON.stringify(code)}`, async () => {
            const { harness } = await loadFixture(deployHarnessFixture);
            expect(await harness[check](bytes(code))).to.equal(true);
          });
        }
      });

      describe("when the code does not have the format", () => {
        for (const code of invalid) {
          it(`rejects ${JSON.stringify(code)}`, async () => {
            const { harness } = await loadFixture(deployHarnessFixture);
            expect(await harness[check](bytes(code))).to.equal(false);
          });
        }
      });

      describe("on random strings over the boundary characters", () => {
        it("agrees with the documented format", async () => {
          const { harness } = await loadFixture(deployHarnessFixture);
          // Every character class the checks distinguish, with its neighbours, and one multi-byte character.
          const unit = fc.constantFrom(..."aAzZ09-mMqQ5@[`{/:_ .\u00e9");
          // Short strings, and strings long enough to cross every length bound (32 for slugs).
          const code = fc.oneof(fc.string({ unit, maxLength: 6 }), fc.string({ unit, maxLength: 34 }));
          // Valid codes with one character replaced (or appended), so that both answers come up often.
          const mutated = fc.tuple(fc.constantFrom(...valid), fc.nat(), unit).map(([base, i, c]) => {
            const at = i % (base.length + 1);
            return base.slice(0, at) + c + base.slice(at + 1);
          });
          // Valid codes repeated and cut to every length up to 34, so that each length bound is crossed.
          const resized = fc
            .tuple(fc.constantFrom(...valid), fc.integer({ min: 0, max: 34 }))
            .map(([base, length]) => base.repeat(34).slice(0, length));
          await fc.assert(
            fc.asyncProperty(fc.oneof(code, mutated, resized), async (s) => {
              expect(await harness[check](bytes(s)), JSON.stringify(s)).to.equal(FORMATS[check].test(s));
            }),
            { numRuns: 200 },
          );
        });
      });
    });
  }

  describe("the documented formats", () => {
    it("match the table (so the property above compares against the right reference)", () => {
      for (const [check, { valid, invalid }] of Object.entries(TABLE) as [Check, (typeof TABLE)[Check]][]) {
        for (const code of valid) expect(FORMATS[check].test(code), `${check} ${code}`).to.equal(true);
        for (const code of invalid) expect(FORMATS[check].test(code), `${check} ${code}`).to.equal(false);
      }
    });
  });
});

import { expect } from "chai";
import { envNumber } from "../../indexer/src/lib/env";

describe("indexer: numbers from the environment (lib/env.ts)", () => {
  const NAME = "KC_TEST_ENV_NUMBER";
  afterEach(() => delete process.env[NAME]);

  it("gives the default when the variable is unset or empty", () => {
    expect(envNumber(NAME, 8)).to.equal(8);
    process.env[NAME] = "";
    expect(envNumber(NAME, 8)).to.equal(8);
  });

  it("reads a number within what is asked", () => {
    process.env[NAME] = "0";
    expect(envNumber(NAME, 8, { integer: true })).to.equal(0);
    process.env[NAME] = "2.5";
    expect(envNumber(NAME, 8, { positive: true })).to.equal(2.5);
  });

  for (const [raw, options, message] of [
    ["abc", {}, 'KC_TEST_ENV_NUMBER must be a non-negative number, got "abc"'],
    ["-1", {}, 'KC_TEST_ENV_NUMBER must be a non-negative number, got "-1"'],
    ["0", { positive: true }, 'KC_TEST_ENV_NUMBER must be a positive number, got "0"'],
    ["2.5", { integer: true }, 'KC_TEST_ENV_NUMBER must be a non-negative whole number, got "2.5"'],
    ["Infinity", {}, 'KC_TEST_ENV_NUMBER must be a non-negative number, got "Infinity"'],
  ] as const) {
    it(`refuses "${raw}" (${JSON.stringify(options)}), naming the variable`, () => {
      process.env[NAME] = raw;
      expect(() => envNumber(NAME, 8, options)).to.throw(message);
    });
  }
});

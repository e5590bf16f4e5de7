/**
 * The model-based property runner the contract suites share: random command sequences (fast-check) against a fresh
 * (model, real) pair each run. A failure report prints its seed, path and replay path: PROPERTY_SEED, PROPERTY_PATH
 * and PROPERTY_REPLAY_PATH replay it; PROPERTY_SHRINK=false stops at the first failure instead of shrinking.
 */
import fc from "fast-check";

export async function assertModelRuns<Model extends object, Real>(
  command: fc.Arbitrary<fc.AsyncCommand<Model, Real>>,
  setUp: () => Promise<{ model: Model; real: Real }>,
  options: { maxCommands: number; runs: number },
): Promise<void> {
  const { PROPERTY_REPLAY_PATH: replayPath, PROPERTY_SEED: seed, PROPERTY_PATH: path } = process.env;
  await fc.assert(
    fc.asyncProperty(
      fc.commands([command], {
        maxCommands: options.maxCommands,
        size: "max",
        ...(replayPath === undefined ? {} : { replayPath }),
      }),
      async (cmds) => {
        await fc.asyncModelRun(setUp, cmds);
      },
    ),
    {
      numRuns: options.runs,
      endOnFailure: process.env.PROPERTY_SHRINK === "false",
      ...(seed === undefined ? {} : { seed: Number(seed) }),
      ...(path === undefined ? {} : { path }),
    },
  );
}

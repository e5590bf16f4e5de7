/**
 * The two kinds of failure the voter CLI reports in one line on stderr, without a stack trace: a user error
 * (wrong state, missing key, unknown proposal...: exit 1) and a usage error (bad command line: exit 2).
 */
export class UserError extends Error {
  readonly exitCode: number = 1;
}

export class UsageError extends UserError {
  override readonly exitCode: number = 2;
}

/** The node's own message inside an ethers error ("could not coalesce error" hides it in `error` or `info.error`). */
export function nodeMessage(error: unknown): string | undefined {
  const e = error as { error?: { message?: string }; info?: { error?: { message?: string } } };
  return e?.info?.error?.message ?? e?.error?.message;
}

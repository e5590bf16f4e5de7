/**
 * Rows a handler reads once, changes in memory, and writes back once (`StagedRow`), through the indexing store's
 * `find`, `insert` and `update`. No Ponder import: the handlers pass their `context.db`.
 */

/** The indexing store's calls that `StagedRow` makes (Ponder's `context.db` has them). */
export interface Store {
  find(table: never, key: never): Promise<unknown>;
  insert(table: never): { values(values: never): PromiseLike<unknown> };
  update(table: never, key: never): { set(values: never): PromiseLike<unknown> };
}

/** Any of the schema's tables. */
type Table = { $inferSelect: object };
/** A table's row type (as `find` returns it). */
type Row<T> = T extends { $inferSelect: infer R } ? R : never;

/**
 * A row read once, changed in memory, and written back once. In the live phase Ponder's realtime store runs every
 * call as its own SQL statement (an upsert or update with a function as two: a find, then the write), and most of
 * the indexer's time goes to building and sending them: a handler that reads each row it changes once, together
 * with the others, and writes each once, together, makes fewer statements and waits for fewer round trips in turn.
 * In the backfill the same calls are lookups in Ponder's indexing cache.
 */
export class StagedRow<T extends Table> {
  /** The columns `set` changed (written by `write` when the row was stored already). */
  private readonly changed = new Set<string>();

  private constructor(
    private readonly table: T,
    private readonly key: Partial<Row<T>>,
    /** The row as it stands after the changes so far. */
    readonly row: Row<T>,
    /** Whether the row is in the database (else `write` inserts it). */
    private readonly stored: boolean,
  ) {}

  /**
   * Reads the row (`table`, `key`); if there is none, the row is `fresh` (stored by `write` once `set` changed it),
   * or, if `fresh` is null, the row must exist: a miss throws.
   */
  static async read<T extends Table>(
    db: Store,
    table: T,
    key: Partial<Row<T>>,
    fresh: Row<T> | null,
  ): Promise<StagedRow<T>> {
    const found = (await db.find(table as never, key as never)) as Row<T> | null;
    if (found === null && fresh === null) {
      const name = (table as Record<symbol, unknown>)[Symbol.for("drizzle:Name")]; // the table's SQL name
      const shown = JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v));
      throw new Error(`No ${typeof name === "string" ? `${name} ` : ""}row ${shown}`);
    }
    return new StagedRow(table, key, { ...(found ?? fresh!) }, found !== null);
  }

  /** Sets `values` on the row; returns the row after them. */
  set(values: Partial<Row<T>>): Row<T> {
    for (const [column, value] of Object.entries(values)) {
      if (value === undefined) continue;
      (this.row as Record<string, unknown>)[column] = value;
      this.changed.add(column);
    }
    return this.row;
  }

  /** Stores what `set` changed, if anything: inserts the row if it was not stored, else updates those columns. */
  async write(db: Store): Promise<void> {
    if (this.changed.size === 0) return;
    if (!this.stored) {
      await db.insert(this.table as never).values(this.row as never);
    } else {
      const values = Object.fromEntries([...this.changed].map((c) => [c, (this.row as Record<string, unknown>)[c]]));
      await db.update(this.table as never, this.key as never).set(values as never);
    }
  }
}

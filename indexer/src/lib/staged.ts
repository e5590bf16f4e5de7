/**
 * Rows a handler reads once, changes in memory, and writes back once (`StagedRow`), and the reads and writes of one
 * moment of a handler sent together (`findRow`, `insertRow`). The handlers pass their `context.db`.
 *
 * Why: in the live phase Ponder's realtime store runs every call as its own SQL statement (an upsert or an update
 * with a function as two: a find, then the write), and nearly all of the indexer's time goes to building and
 * sending them. There, the reads a handler starts together (in one turn of the event loop) become one statement, and
 * so do its writes. In the backfill the store answers from Ponder's in-memory cache, which any raw SQL would flush
 * and disable for the rest of the run: there every call goes to the store as it is.
 */
import { and, eq, getTableColumns, sql, type Column, type SQL, type SQLWrapper } from "drizzle-orm";

/** The indexing store's calls made here (Ponder's `context.db` has them; `sql` is its raw-SQL drizzle). */
export interface Store {
  find(table: never, key: never): Promise<unknown>;
  insert(table: never): { values(values: never): PromiseLike<unknown> };
  update(table: never, key: never): { set(values: never): PromiseLike<unknown> };
}

/** Any of the schema's tables. */
type Table = { $inferSelect: object };
/** A table's row type (as `find` returns it). */
type Row<T> = T extends { $inferSelect: infer R } ? R : never;
type Values = Record<string, unknown>;

/** What the realtime store's `sql` (a drizzle database) is used for here. */
interface RawSql {
  execute(query: SQLWrapper): Promise<unknown[][] | { rows: unknown[][] }>;
  /** How the database renders SQL (tables and columns named as its casing says). */
  dialect: { sqlToQuery(query: SQL): { sql: string } };
  insert(table: never): { values(values: never): SQLWrapper };
  update(table: never): { set(values: never): { where(where: SQL | undefined): SQLWrapper } };
}

/**
 * Whether `db` is Ponder's realtime store (the live phase). Ponder 1.0 passes its handlers one of two stores: the
 * backfill's keeps the event being handled behind a setter, the realtime one as a plain property (pinned version;
 * test/indexer/staged.test.ts checks it on Ponder's own two stores).
 */
export function isLiveStore(db: object): boolean {
  const event = Object.getOwnPropertyDescriptor(db, "event");
  return event !== undefined && "value" in event && typeof (db as { sql?: unknown }).sql === "object";
}

/** Column types a batched read returns as JSON: numbers of any size as text, the rest (and their arrays) as they are. */
const AS_TEXT = /^(numeric|bigint)/;
const AS_JSON = /^(numeric(\(\d+(,\s*\d+)?\))?|bigint|((integer|boolean|text)(\[\])?))$/;

/** The columns of `table` (by property name), if a batched read can return them all exactly; else null. */
const batchColumns = new WeakMap<object, [string, Column][] | null>();
function columnsOf(table: Table): [string, Column][] | null {
  if (!batchColumns.has(table)) {
    const columns = Object.entries(getTableColumns(table as never) as Record<string, Column>);
    batchColumns.set(table, columns.every(([, c]) => AS_JSON.test(c.getSQLType())) ? columns : null);
  }
  return batchColumns.get(table)!;
}

function keyCondition(table: Table, key: Values): SQL | undefined {
  const columns = getTableColumns(table as never) as Record<string, Column>;
  return and(...Object.entries(key).map(([name, value]) => eq(columns[name]!, value)));
}

interface Pending<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/**
 * The reads and the writes one turn of the event loop asked of the realtime store, sent as one statement each at
 * the end of the turn: the reads as one SELECT of a JSON row per key, the writes as one statement of data-modifying
 * common table expressions (each row is written once: `StagedRow` merges a row's changes).
 */
class LiveBatch {
  private reads: (Pending<Values | null> & { table: Table; key: Values; columns: [string, Column][] })[] = [];
  private writes: (Pending<void> & { query: SQLWrapper })[] = [];

  /** Per table, `json_build_array(<its columns>) FROM <table>` as SQL text, rendered once. */
  private readonly rows = new Map<Table, SQL>();

  constructor(private readonly raw: RawSql) {}

  private rowOf(table: Table, columns: [string, Column][]): SQL {
    let row = this.rows.get(table);
    if (!row) {
      const values = columns.map(([, c]) => (AS_TEXT.test(c.getSQLType()) ? sql`${c}::text` : sql`${c}`));
      const text = this.raw.dialect.sqlToQuery(sql`json_build_array(${sql.join(values, sql`, `)}) FROM ${table}`).sql;
      this.rows.set(table, (row = sql.raw(text)));
    }
    return row;
  }

  find(table: Table, key: Values, columns: [string, Column][]): Promise<Values | null> {
    return new Promise((resolve, reject) => {
      if (this.reads.length === 0) queueMicrotask(() => void this.sendReads());
      this.reads.push({ table, key, columns, resolve, reject });
    });
  }

  insert(table: Table, values: Values): Promise<void> {
    return this.write(this.raw.insert(table as never).values(values as never));
  }

  update(table: Table, key: Values, values: Values): Promise<void> {
    return this.write(
      this.raw
        .update(table as never)
        .set(values as never)
        .where(keyCondition(table, key)),
    );
  }

  private write(query: SQLWrapper): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.writes.length === 0) queueMicrotask(() => void this.sendWrites());
      this.writes.push({ query, resolve, reject });
    });
  }

  private async sendReads(): Promise<void> {
    const reads = this.reads.splice(0);
    try {
      const rows = await this.run(
        sql`SELECT ${sql.join(
          // each column named apart: the driver returns a row as an object by column name
          reads.map(
            ({ table, key, columns }, i) =>
              sql`(SELECT ${this.rowOf(table, columns)} WHERE ${keyCondition(table, key)}) AS ${sql.identifier(`r${i}`)}`,
          ),
          sql`, `,
        )}`,
      );
      const found = rows[0]!;
      reads.forEach(({ columns, resolve }, i) => {
        const json = found[i];
        if (json === null || json === undefined) return resolve(null);
        const values = (typeof json === "string" ? JSON.parse(json) : json) as unknown[];
        resolve(
          Object.fromEntries(
            columns.map(([name, c], j) => [name, values[j] === null ? null : c.mapFromDriverValue(values[j])]),
          ),
        );
      });
    } catch (error) {
      for (const r of reads) r.reject(error);
    }
  }

  private async sendWrites(): Promise<void> {
    const writes = this.writes.splice(0);
    try {
      await this.run(
        sql`WITH ${sql.join(
          writes.map(({ query }, i) => sql`${sql.identifier(`w${i}`)} AS ${query}`),
          sql`, `,
        )} SELECT 1`,
      );
      for (const w of writes) w.resolve();
    } catch (error) {
      for (const w of writes) w.reject(error);
    }
  }

  private async run(query: SQL): Promise<unknown[][]> {
    const result = await this.raw.execute(query);
    return Array.isArray(result) ? result : result.rows;
  }
}

const liveBatches = new WeakMap<object, LiveBatch | null>();
/** The batch of the realtime store `db`; null for the backfill's store. */
function liveBatch(db: Store): LiveBatch | null {
  if (!liveBatches.has(db)) {
    liveBatches.set(db, isLiveStore(db) ? new LiveBatch((db as unknown as { sql: RawSql }).sql) : null);
  }
  return liveBatches.get(db)!;
}

/** `db.find(table, key)`; live, read in one statement with the other reads of this turn of the event loop. */
export function findRow<T extends Table>(db: Store, table: T, key: Partial<Row<T>>): Promise<Row<T> | null> {
  const batch = liveBatch(db);
  const columns = batch && columnsOf(table);
  if (batch && columns) return batch.find(table, key as Values, columns) as Promise<Row<T> | null>;
  return db.find(table as never, key as never) as Promise<Row<T> | null>;
}

/** `db.insert(table).values(values)`; live, written in one statement with the other writes of this turn. */
export async function insertRow<T extends Table>(db: Store, table: T, values: Row<T> | Values): Promise<void> {
  const batch = liveBatch(db);
  if (batch) await batch.insert(table, values as Values);
  else await db.insert(table as never).values(values as never);
}

/** `db.update(table, key).set(values)`; live, written in one statement with the other writes of this turn. */
async function updateRow<T extends Table>(db: Store, table: T, key: Partial<Row<T>>, values: Values): Promise<void> {
  const batch = liveBatch(db);
  if (batch) await batch.update(table, key as Values, values);
  else await db.update(table as never, key as never).set(values as never);
}

/**
 * A row read once (`findRow`), changed in memory, and written back once (`insertRow`, or an update of the columns
 * changed): a handler that reads the rows it changes together and writes them together makes, live, one statement
 * for each (see above) instead of one or two per change.
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
   * Reads the row (`table`, `key`); if there is none, the row is `fresh()` (stored by `write` once `set` changed
   * it), or, if `fresh` is null, the row must exist: a miss throws. `fresh` is called only on a miss: most reads
   * find their row, and a handler's hot path should not build a row it throws away.
   */
  static async read<T extends Table>(
    db: Store,
    table: T,
    key: Partial<Row<T>>,
    fresh: (() => Row<T>) | null,
  ): Promise<StagedRow<T>> {
    const found = await findRow(db, table, key);
    if (found === null && fresh === null) {
      const name = (table as Record<symbol, unknown>)[Symbol.for("drizzle:Name")]; // the table's SQL name
      const shown = JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v));
      throw new Error(`No ${typeof name === "string" ? `${name} ` : ""}row ${shown}`);
    }
    return found === null ? new StagedRow(table, key, fresh!(), false) : new StagedRow(table, key, { ...found }, true);
  }

  /** Sets `values` on the row; returns the row after them. */
  set(values: Partial<Row<T>>): Row<T> {
    // for...in and a plain object below, not Object.entries / fromEntries: a Transfer stages seven rows (a quarter
    // of the time each costs).
    for (const column in values) {
      const value = values[column];
      if (value === undefined) continue;
      (this.row as Values)[column] = value;
      this.changed.add(column);
    }
    return this.row;
  }

  /** Stores what `set` changed, if anything: inserts the row if it was not stored, else updates those columns. */
  async write(db: Store): Promise<void> {
    if (this.changed.size === 0) return;
    if (!this.stored) {
      await insertRow(db, this.table, this.row);
    } else {
      const values: Values = {};
      for (const column of this.changed) values[column] = (this.row as Values)[column];
      await updateRow(db, this.table, this.key, values);
    }
  }
}

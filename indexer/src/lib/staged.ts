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
import { getTableColumns, sql, type Column, type SQL } from "drizzle-orm";

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
  /** How the database renders SQL (tables and columns named as its casing says): used once per table. */
  dialect: { sqlToQuery(query: SQL): { sql: string }; casing: { getColumnCasing(column: Column): string } };
  /** The session that runs a statement as given (Ponder's own raw queries go this way too). */
  _: {
    session: {
      prepareQuery(
        query: { sql: string; params: unknown[] },
        fields: undefined,
        name: undefined,
        isResponseInArrayMode: boolean,
      ): { execute(): Promise<unknown[][] | { rows: unknown[][] }> };
    };
  };
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

interface Pending<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/** A column as the statements here name it, and how its values go to the driver. */
interface ColumnSql {
  column: Column;
  /** `"balance"` (as an insert or an update names it). */
  name: string;
  /** `"account"."balance"` (as a condition names it). */
  qualified: string;
}

/** A table's SQL, rendered once by the database's dialect. */
interface TableSql {
  /** `"kc"."account"`. */
  name: string;
  /** By property name. */
  columns: Map<string, ColumnSql>;
  /** `json_build_array(<every column>) FROM <table>` and the columns in its order; null if a batched read could not
   *  return every column exactly (such a table is read through the store's own find). */
  row: { text: string; columns: [string, Column][] } | null;
  /** False if a column has a value drizzle computes in JavaScript (`$defaultFn`, `$onUpdate`): such a table is written
   *  through the store (none of ours has one). */
  plain: boolean;
}

/**
 * The reads and the writes one turn of the event loop asked of the realtime store, sent as one statement each at
 * the end of the turn: the reads as one SELECT of a JSON row per key, the writes as one statement of data-modifying
 * common table expressions (each row is written once: `StagedRow` merges a row's changes). The statements are
 * written here from each table's names, rendered once: drizzle's query builders took about a third of the live
 * indexer's busy time to build them.
 */
class LiveBatch {
  private reads: (Pending<Values | null> & { table: TableSql; key: Values })[] = [];
  private writes: (Pending<void> & { table: TableSql; key: Values | null; values: Values })[] = [];
  private readonly tables = new WeakMap<Table, TableSql>();

  constructor(private readonly raw: RawSql) {}

  tableOf(table: Table): TableSql {
    let t = this.tables.get(table);
    if (!t) {
      const render = (query: SQL) => this.raw.dialect.sqlToQuery(query).sql;
      const entries = Object.entries(getTableColumns(table as never) as Record<string, Column>);
      const columns = new Map(
        entries.map(([property, column]) => [
          property,
          {
            column,
            name: render(sql`${sql.identifier(this.raw.dialect.casing.getColumnCasing(column))}`),
            qualified: render(sql`${column}`),
          },
        ]),
      );
      const values = entries.map(([, c]) => (AS_TEXT.test(c.getSQLType()) ? sql`${c}::text` : sql`${c}`));
      t = {
        name: render(sql`${table}`),
        columns,
        row: entries.every(([, c]) => AS_JSON.test(c.getSQLType()))
          ? { text: render(sql`json_build_array(${sql.join(values, sql`, `)}) FROM ${table}`), columns: entries }
          : null,
        plain: entries.every(([, c]) => c.defaultFn === undefined && c.onUpdateFn === undefined),
      };
      this.tables.set(table, t);
    }
    return t;
  }

  find(table: TableSql, key: Values): Promise<Values | null> {
    return new Promise((resolve, reject) => {
      if (this.reads.length === 0) queueMicrotask(() => void this.sendReads());
      this.reads.push({ table, key, resolve, reject });
    });
  }

  /** Inserts `values` (`key` null), or sets `values` on the row `key`. */
  write(table: TableSql, key: Values | null, values: Values): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.writes.length === 0) queueMicrotask(() => void this.sendWrites());
      this.writes.push({ table, key, values, resolve, reject });
    });
  }

  private async sendReads(): Promise<void> {
    const reads = this.reads.splice(0);
    const statement = new Statement();
    try {
      // each row a column named apart: the driver returns a row as an object by column name
      const selects = reads.map(
        ({ table, key }, i) => `(SELECT ${table.row!.text} WHERE ${statement.where(table, key)}) AS "r${i}"`,
      );
      const found = (await statement.run(this.raw, `SELECT ${selects.join(", ")}`))[0]!;
      reads.forEach(({ table, resolve }, i) => {
        const json = found[i];
        if (json === null || json === undefined) return resolve(null);
        const values = (typeof json === "string" ? JSON.parse(json) : json) as unknown[];
        const row: Values = {};
        table.row!.columns.forEach(
          ([name, c], j) => (row[name] = values[j] === null ? null : c.mapFromDriverValue(values[j])),
        );
        resolve(row);
      });
    } catch (error) {
      for (const r of reads) r.reject(error);
    }
  }

  private async sendWrites(): Promise<void> {
    const writes = this.writes.splice(0);
    const statement = new Statement();
    try {
      const ctes = writes.map(({ table, key, values }, i) => {
        const set = Object.keys(values)
          .filter((name) => values[name] !== undefined)
          .map((name) => [columnOf(table, name), values[name]] as const);
        const columns = set.map(([c]) => c.name);
        const params = set.map(([c, value]) => statement.bind(c, value));
        let write: string;
        if (key !== null) {
          const changes = columns.map((c, j) => `${c} = ${params[j]}`);
          write = `UPDATE ${table.name} SET ${changes.join(", ")} WHERE ${statement.where(table, key)}`;
        } else if (set.length > 0) {
          write = `INSERT INTO ${table.name} (${columns.join(", ")}) VALUES (${params.join(", ")})`;
        } else {
          write = `INSERT INTO ${table.name} DEFAULT VALUES`;
        }
        return `"w${i}" AS (${write})`;
      });
      await statement.run(this.raw, `WITH ${ctes.join(", ")} SELECT 1`);
      for (const w of writes) w.resolve();
    } catch (error) {
      for (const w of writes) w.reject(error);
    }
  }
}

/** The column `name` (a property name) of `table`; a name the table does not have throws. */
function columnOf(table: TableSql, name: string): ColumnSql {
  const column = table.columns.get(name);
  if (!column) throw new Error(`${table.name} has no column ${name}`);
  return column;
}

/** One statement's parameters, numbered as they are bound. */
class Statement {
  private readonly params: unknown[] = [];

  /** `$n` for `value`, as the column hands it to the driver (as drizzle would: null as is). */
  bind(column: ColumnSql, value: unknown): string {
    this.params.push(value === null ? null : column.column.mapToDriverValue(value));
    return `$${this.params.length}`;
  }

  /** `<column> = $n AND ...` for the row `key` of `table`. */
  where(table: TableSql, key: Values): string {
    return Object.keys(key)
      .map((name) => {
        const column = columnOf(table, name);
        return `${column.qualified} = ${this.bind(column, key[name])}`;
      })
      .join(" AND ");
  }

  async run(raw: RawSql, text: string): Promise<unknown[][]> {
    const result = await raw._.session
      .prepareQuery({ sql: text, params: this.params }, undefined, undefined, false)
      .execute();
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
  const t = batch?.tableOf(table);
  if (batch && t?.row) return batch.find(t, key as Values) as Promise<Row<T> | null>;
  return db.find(table as never, key as never) as Promise<Row<T> | null>;
}

/** `db.insert(table).values(values)`; live, written in one statement with the other writes of this turn. */
export async function insertRow<T extends Table>(db: Store, table: T, values: Row<T> | Values): Promise<void> {
  const batch = liveBatch(db);
  const t = batch?.tableOf(table);
  if (batch && t?.plain) await batch.write(t, null, values as Values);
  else await db.insert(table as never).values(values as never);
}

/** `db.update(table, key).set(values)`; live, written in one statement with the other writes of this turn. */
async function updateRow<T extends Table>(db: Store, table: T, key: Partial<Row<T>>, values: Values): Promise<void> {
  const batch = liveBatch(db);
  const t = batch?.tableOf(table);
  if (batch && t?.plain) await batch.write(t, key as Values, values);
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

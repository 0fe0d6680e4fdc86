/**
 * The PostgreSQL schema, derived from the SQLite one (db/schema, the source of
 * truth for tables, columns, defaults, indexes and foreign keys), so the two
 * cannot drift. drizzle-kit reads this file for db/migrations-pg
 * (db/drizzle-pg.config.ts); db/pg-engine.ts swaps each SQLite table for its
 * twin when a query runs on PostgreSQL.
 *
 * Types: integers are bigint (JavaScript numbers; ids and counters fit),
 * instants stay epoch milliseconds in a bigint (as on SQLite, so the same
 * parameters and raw expressions work on both), booleans are boolean, blobs
 * bytea, reals double precision, text (and text enums) text. An integer
 * primary key with AUTOINCREMENT is an identity column (BY DEFAULT, so a copy
 * from SQLite keeps its ids).
 */
import { getTableColumns, type Column } from 'drizzle-orm';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type PgColumn,
  type PgTable,
} from 'drizzle-orm/pg-core';
import * as sqlite from './schema/index.ts';

/** An instant as epoch milliseconds in a bigint column, read back as a Date. */
const epochMs = customType<{ data: Date; driverData: number | string }>({
  dataType: () => 'bigint',
  toDriver: (value) => (value instanceof Date ? value.getTime() : value),
  fromDriver: (value) => new Date(Number(value)),
});

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

const twins = new Map<SQLiteTable, PgTable>();
const columnTwins = new WeakMap<Column, PgColumn>();

function pgColumn(column: SQLiteColumn) {
  const c = column as SQLiteColumn & { autoIncrement?: boolean };
  let builder: unknown;
  switch (c.columnType) {
    case 'SQLiteInteger':
      builder = bigint(c.name, { mode: 'number' });
      break;
    case 'SQLiteTimestamp':
      builder = epochMs(c.name);
      break;
    case 'SQLiteBoolean':
      builder = boolean(c.name);
      break;
    case 'SQLiteText':
      builder = text(c.name);
      break;
    case 'SQLiteReal':
      builder = doublePrecision(c.name);
      break;
    case 'SQLiteBlobBuffer':
      builder = bytea(c.name);
      break;
    default:
      throw new Error(`schema-pg: no PostgreSQL type for ${c.columnType} (${c.name})`);
  }
  let b = builder as ReturnType<typeof bigint>;
  if (c.primary) {
    b = b.primaryKey();
    if (c.autoIncrement) b = b.generatedByDefaultAsIdentity() as unknown as typeof b;
  } else if (c.notNull) b = b.notNull();
  if (c.hasDefault && c.default !== undefined) b = b.default(c.default as never);
  return b;
}

/** The pg-core twin of a sqlite-core table: same name, same column keys and names, same indexes and foreign keys. */
function twin<T extends SQLiteTable>(table: T): T {
  const existing = twins.get(table);
  if (existing) return existing as unknown as T;
  const config = getTableConfig(table);
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  const built = pgTable(config.name, Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, pgColumn(column)])), (t) => {
    const byName = (c: Column) => Object.values(t).find((x) => (x as PgColumn).name === c.name) as PgColumn;
    const extras = [];
    for (const ix of config.indexes) {
      const cols = ix.config.columns.map((c) => byName(c as Column)) as [PgColumn, ...PgColumn[]];
      const built = ix.config.unique ? uniqueIndex(ix.config.name).on(...cols) : index(ix.config.name).on(...cols);
      // A partial index keeps its condition (written as plain SQL text that both dialects read alike).
      extras.push(ix.config.where ? built.where(ix.config.where) : built);
    }
    for (const fk of config.foreignKeys) {
      const ref = fk.reference();
      extras.push(
        foreignKey({
          columns: ref.columns.map((c) => byName(c)) as [PgColumn, ...PgColumn[]],
          foreignColumns: ref.foreignColumns.map((c) => columnTwin(c)) as [PgColumn, ...PgColumn[]],
        }),
      );
    }
    for (const pk of config.primaryKeys) extras.push(primaryKey({ columns: pk.columns.map((c) => byName(c)) as [PgColumn, ...PgColumn[]] }));
    return extras;
  });
  twins.set(table, built);
  const pgColumns = getTableColumns(built) as Record<string, PgColumn>;
  for (const [key, column] of Object.entries(columns)) columnTwins.set(column, pgColumns[key]!);
  return built as unknown as T;
}

/** The pg-core twin of a column of a sqlite-core table. */
export function columnTwin(column: Column): PgColumn {
  const found = columnTwins.get(column);
  if (found) return found;
  twin(column.table as SQLiteTable);
  return columnTwins.get(column)!;
}

/** The pg-core twin of a sqlite-core table; anything else as it is. */
export function pgTwin<T>(table: T): T {
  return table instanceof SQLiteTable ? (twin(table) as T) : table;
}

// Every table of db/schema, exported for drizzle-kit (it reads the named exports).
// tests/server/schema-parity.test.ts checks that none is missing.
export const users = twin(sqlite.users);
export const userSessions = twin(sqlite.userSessions);
export const loginChallenges = twin(sqlite.loginChallenges);
export const userSightings = twin(sqlite.userSightings);
export const freezeTokens = twin(sqlite.freezeTokens);
export const securityQuestions = twin(sqlite.securityQuestions);
export const userFactors = twin(sqlite.userFactors);
export const factorHistory = twin(sqlite.factorHistory);
export const oneTimeCodes = twin(sqlite.oneTimeCodes);
export const securityOperations = twin(sqlite.securityOperations);
export const cases = twin(sqlite.cases);
export const caseEvidence = twin(sqlite.caseEvidence);
export const biometricSessions = twin(sqlite.biometricSessions);
export const webhookDeliveries = twin(sqlite.webhookDeliveries);
export const caseNotes = twin(sqlite.caseNotes);
export const reasonCodes = twin(sqlite.reasonCodes);
export const deposits = twin(sqlite.deposits);
export const kycReferences = twin(sqlite.kycReferences);
export const staff = twin(sqlite.staff);
export const staffSessions = twin(sqlite.staffSessions);
export const auditEvents = twin(sqlite.auditEvents);
export const auditHead = twin(sqlite.auditHead);
export const rateLimitBuckets = twin(sqlite.rateLimitBuckets);
export const outbox = twin(sqlite.outbox);
export const settings = twin(sqlite.settings);
export const serviceAccounts = twin(sqlite.serviceAccounts);
export const serviceKeys = twin(sqlite.serviceKeys);
export const securityEvents = twin(sqlite.securityEvents);
export const webhookEndpoints = twin(sqlite.webhookEndpoints);
export const eventDeliveries = twin(sqlite.eventDeliveries);
export const eventDeliveryAttempts = twin(sqlite.eventDeliveryAttempts);

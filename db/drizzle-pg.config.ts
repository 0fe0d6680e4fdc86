import { defineConfig } from 'drizzle-kit';

// PostgreSQL: the schema derived from db/schema (see db/schema-pg.ts); SQLite keeps db/drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema-pg.ts',
  out: './db/migrations-pg',
});

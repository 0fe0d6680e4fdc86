import { integer } from 'drizzle-orm/sqlite-core';

/** Every instant is stored as epoch milliseconds and read back as a Date. */
export const ts = (name: string) => integer(name, { mode: 'timestamp_ms' });

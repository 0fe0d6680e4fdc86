import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The `when` of the newest migration in a drizzle-kit migrations folder (what the migrators record as created_at). */
export function journalHead(folder: string): { count: number; lastWhen: number } {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  return { count: journal.entries.length, lastWhen: Math.max(...journal.entries.map((e) => e.when)) };
}

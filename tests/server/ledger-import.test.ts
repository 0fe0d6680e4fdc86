import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { createTestContext } from './helpers.ts';
import { makeEndUser } from './user-helpers.ts';
import { importDepositLedger } from '../../server/ledger/import.ts';
import { auditEvents, deposits } from '../../db/schema/index.ts';

const header = 'email,asset,network,amount,txid,platform,credited_at';

describe('deposit ledger import', () => {
  it('imports rows, links them to accounts, and adds nothing on a second run', async () => {
    const ctx = await createTestContext();
    const user = await makeEndUser(ctx, { email: 'ledger@example.com' });
    const dir = mkdtempSync(join(tmpdir(), 'rebind-ledger-'));
    try {
      const file = join(dir, 'ledger.csv');
      writeFileSync(
        file,
        [
          header,
          'Ledger@Example.com,usdt,TRC20,250.00,0xAAAABBBBCCCC1111,Kraken,2026-11-20T10:00:00Z',
          'someone@example.org,BTC,BTC,0.0150,ffff0000aaaa2222,Coinbase,2026-11-21T08:30:00+01:00',
          '',
        ].join('\n'),
      );
      expect(await importDepositLedger(ctx.deps, file)).toEqual({ rows: 2, imported: 2, duplicates: 0, unknownAccounts: 1, errors: [] });
      const row = (await ctx.deps.db.select().from(deposits).where(eq(deposits.email, 'ledger@example.com')).limit(1))[0]!;
      expect(row).toMatchObject({ userId: user.id, asset: 'USDT', amount: '250.00', txid: '0xaaaabbbbcccc1111' });
      expect(await importDepositLedger(ctx.deps, file)).toMatchObject({ imported: 0, duplicates: 2 });
      expect(await ctx.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'deposits.import'))).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports nothing when a row is invalid, naming the line', async () => {
    const ctx = await createTestContext();
    const dir = mkdtempSync(join(tmpdir(), 'rebind-ledger-'));
    try {
      const file = join(dir, 'bad.csv');
      writeFileSync(
        file,
        [
          header,
          'a@example.com,USDT,TRC20,12.5,abcdef123456,Kraken,2026-11-20T10:00:00Z',
          'b@example.com,USDT,TRC20,twelve,abcdef123457,Kraken,yesterday',
        ].join('\n'),
      );
      const report = await importDepositLedger(ctx.deps, file);
      expect(report.imported).toBe(0);
      expect(report.errors).toEqual([{ line: 3, message: 'amount is not a decimal; credited_at is not an ISO-8601 time' }]);
      expect(await ctx.deps.db.select().from(deposits)).toHaveLength(0);
      writeFileSync(file, 'email,amount\na@example.com,1\n');
      await expect(importDepositLedger(ctx.deps, file)).rejects.toThrow(/header must be/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs from the CLI with --json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebind-ledger-cli-'));
    try {
      const file = join(dir, 'ledger.csv');
      writeFileSync(file, [header, 'x@example.com,ETH,ERC20,1.25,0x1234567890abcdef,Kraken,2026-11-20T10:00:00Z'].join('\n'));
      const env = { ...process.env, DATABASE_PATH: join(dir, 'rebind.db'), LOG_LEVEL: 'silent', NODE_ENV: 'development' };
      const out = JSON.parse(execFileSync('node_modules/.bin/tsx', ['server/cli/main.ts', 'deposits', 'import', file, '--json'], { env, encoding: 'utf8' }));
      expect(out).toEqual({ rows: 1, imported: 1, duplicates: 0, unknownAccounts: 1, errors: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

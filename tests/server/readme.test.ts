import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { configVariables } from '../../server/config.ts';
import { demoStaff } from '../../fixtures/demo-people.ts';
import { demoTotpSecret, demoUserTotpSecret } from '../../fixtures/seed.ts';
import { securityEventTypes } from '../../server/events/event-types.ts';
import { RETRY_DELAYS_MS } from '../../server/events/webhook-dispatcher.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README stays true', () => {
  it('documents every configuration variable the server reads', () => {
    for (const name of configVariables) expect(readme, name).toContain(`| \`${name}\` |`);
  });

  it('lists the demo staff with the credentials the seed creates', () => {
    for (const s of demoStaff) {
      const row = readme.split('\n').find((l) => l.includes(`\`${s.email}\``));
      expect(row, s.email).toBeDefined();
      expect(row).toContain(`\`${s.password}\``);
      expect(row).toContain(`\`${demoTotpSecret(s.key)}\``);
      expect(row).toContain(`| ${s.role} |`);
    }
    expect(readme).toContain(`\`alice.martin@example.com\`): \`${demoUserTotpSecret('alice')}\``);
  });

  it('documents every operator CLI command', () => {
    for (const cmd of [
      'staff create',
      'staff disable',
      'user create',
      'audit verify',
      'db backup',
      'db restore',
      'seed',
      'deposits import',
      'cases sweep',
      'biometric simulate',
      'fixtures big',
    ])
      expect(readme, cmd).toContain(`| \`${cmd}`);
  });

  it('lists every security event type and the webhook retry schedule the dispatcher uses', () => {
    for (const type of securityEventTypes) expect(readme, type).toContain(`| \`${type}\` |`);
    const human = (ms: number) => (ms < 60_000 ? `${ms / 1000} s` : ms < 3_600_000 ? `${ms / 60_000} min` : `${ms / 3_600_000} h`);
    expect(readme).toContain(`**${RETRY_DELAYS_MS.map(human).join(', ')}**`);
  });
});
